/* elad tests and benchmarks: the regnet InstantBlock block generator (see chaingen.h). */
#include "chaingen.h"

#include <ela/auxpow.h>
#include <ela/contract.h>
#include <ela/ecdsa.h>
#include <ela/genesis.h>
#include <ela/hash.h>
#include <ela/hex.h>
#include <ela/payload.h>
#include <ela/pow.h>
#include <ela/serialize.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Transfer fees are drawn from [MIN_FEE, MAX_FEE]: at least MinTransactionFee (§1.4). */
#define MIN_FEE 100
#define MAX_FEE 1000
/* An output is worth spending when it covers the largest fee and one sela per new output. */
#define MIN_SPEND(outputs) ((int64_t)MAX_FEE + (int64_t)(outputs))
/* Coinbase maturity (§4.3 step 15): a coinbase with lock time C is spendable from C + 101. */
#define COINBASE_SPEND_DELAY 101u
/* Bytes of the Nonce attribute of every generated tx (as the reference miner and wallets). */
#define NONCE_SIZE 8

typedef struct key {
    uint8_t priv[ELA_PRIVKEY_SIZE];
    uint8_t pub[ELA_PUBKEY_COMPRESSED_SIZE];
    uint8_t code[ELA_STANDARD_CODE_SIZE];
    ela_uint168 ph;
} gen_key;

/* Program hash -> key index, sorted by program hash for bsearch. */
typedef struct key_ref {
    ela_uint168 ph;
    size_t index;
} key_ref;

struct chaingen {
    const ela_params *params;
    uint64_t rng;        /* splitmix64 state: every nonce, fee and key choice comes from it */
    size_t nkeys;
    gen_key *keys;
    key_ref *by_ph;
    size_t cb_outputs;   /* coinbase outputs to generator keys */
    ela_uint256 asset;   /* the ELA asset id */
    ela_uint256 genesis; /* genesis hash and time: where every branch starts */
    uint32_t genesis_time;
};

/* One spendable output of the wallet. */
typedef struct wallet_utxo {
    ela_uint256 txid;
    uint16_t index;
    uint32_t key;
    uint32_t mature_at; /* first block height that may spend it */
    int64_t value;
} wallet_utxo;

struct chaingen_branch {
    chaingen *g;
    uint32_t height;
    ela_uint256 tip;
    uint32_t time;
    wallet_utxo *w; /* in creation order: spending oldest first keeps the wallet a FIFO */
    size_t n, cap;
};

/* ---- helpers ------------------------------------------------------------------------------ */

static void die(const char *what)
{
    fprintf(stderr, "chaingen: %s failed\n", what);
    abort();
}

static uint64_t rng_next(chaingen *g)
{
    uint64_t z = (g->rng += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void put_le(uint8_t *p, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static int cmp_key_ref(const void *a, const void *b)
{
    return memcmp(((const key_ref *)a)->ph.b, ((const key_ref *)b)->ph.b, 21);
}

/* Index of the generator key paying to ph, or -1. */
static long key_lookup(const chaingen *g, const ela_uint168 *ph)
{
    key_ref probe = {.ph = *ph};
    const key_ref *r = bsearch(&probe, g->by_ph, g->nkeys, sizeof *g->by_ph, cmp_key_ref);
    return r ? (long)r->index : -1;
}

static void set_nonce_attribute(chaingen *g, ela_tx *tx)
{
    uint8_t nonce[NONCE_SIZE];
    put_le(nonce, rng_next(g), sizeof nonce);
    tx->attribute_count = 1;
    tx->attributes = ela_xcalloc(1, sizeof *tx->attributes);
    tx->attributes[0].usage = ELA_ATTR_NONCE;
    ela_bytes_set(&tx->attributes[0].data, nonce, sizeof nonce);
}

/* Replaces the programs of tx with one standard program per key in keys[0..n) (distinct), each
 * signing SHA-256 of the unsigned tx (§4.4), then refreshes txid and sizes. */
static void sign_programs(const chaingen *g, ela_tx *tx, const size_t *keys, size_t n)
{
    for (size_t i = 0; i < tx->program_count; i++) {
        ela_bytes_clear(&tx->programs[i].parameter);
        ela_bytes_clear(&tx->programs[i].code);
    }
    free(tx->programs);
    ela_bytes msg = {0};
    ela_tx_signed_data(&msg, tx);
    tx->program_count = n;
    tx->programs = ela_xcalloc(n ? n : 1, sizeof *tx->programs);
    for (size_t i = 0; i < n; i++) {
        const gen_key *k = &g->keys[keys[i]];
        uint8_t param[1 + ELA_ECDSA_SIG_SIZE];
        param[0] = ELA_ECDSA_SIG_SIZE; /* push of 64 bytes, as wallets write it */
        if (!ela_ecdsa_sign(param + 1, k->priv, msg.data, msg.len))
            die("ela_ecdsa_sign");
        ela_bytes_set(&tx->programs[i].parameter, param, sizeof param);
        ela_bytes_set(&tx->programs[i].code, k->code, sizeof k->code);
    }
    ela_bytes_clear(&msg);
    ela_tx_compute_hash(tx);
}

/* ---- generator ---------------------------------------------------------------------------- */

chaingen *chaingen_new(const ela_params *params, uint64_t seed, size_t nkeys)
{
    assert(params && params->instant_block && nkeys > 0 && nkeys <= UINT32_MAX);
    chaingen *g = ela_xcalloc(1, sizeof *g);
    g->params = params;
    g->rng = seed;
    g->nkeys = nkeys;
    g->cb_outputs = 2;
    g->keys = ela_xcalloc(nkeys, sizeof *g->keys);
    g->by_ph = ela_xcalloc(nkeys, sizeof *g->by_ph);
    /* Private keys are SHA-256 of (tag, seed, index, attempt) rather than the CSPRNG so that
     * the same seed gives the same addresses, and so the same txids and block hashes (the
     * ECDSA signatures themselves use OpenSSL's random nonces; they are not hashed into ids). */
    for (size_t i = 0; i < nkeys; i++) {
        gen_key *k = &g->keys[i];
        for (uint32_t attempt = 0;; attempt++) {
            uint8_t pre[8 + 8 + 4 + 4] = "chaingen";
            put_le(pre + 8, seed, 8);
            put_le(pre + 16, i, 4);
            put_le(pre + 20, attempt, 4);
            ela_sha256(k->priv, pre, sizeof pre);
            if (ela_privkey_is_valid(k->priv))
                break;
        }
        if (!ela_pubkey_from_privkey(k->pub, k->priv))
            die("ela_pubkey_from_privkey");
        ela_contract_standard_code(k->code, k->pub);
        ela_contract_program_hash(&k->ph, ELA_PREFIX_STANDARD, k->code, sizeof k->code);
        g->by_ph[i].ph = k->ph;
        g->by_ph[i].index = i;
    }
    qsort(g->by_ph, nkeys, sizeof *g->by_ph, cmp_key_ref);
    ela_genesis_asset_id(&g->asset);
    ela_block gb;
    ela_genesis_block_params(&gb, params);
    g->genesis = gb.header.hash;
    g->genesis_time = gb.header.timestamp;
    ela_block_clear(&gb);
    return g;
}

void chaingen_free(chaingen *g)
{
    if (!g)
        return;
    ela_memzero(g->keys, g->nkeys * sizeof *g->keys);
    free(g->keys);
    free(g->by_ph);
    free(g);
}

void chaingen_set_coinbase_outputs(chaingen *g, size_t n)
{
    assert(n >= 1 && n <= 65534);
    g->cb_outputs = n;
}

size_t chaingen_key_count(const chaingen *g) { return g->nkeys; }

void chaingen_key_program_hash(const chaingen *g, ela_uint168 *out, size_t i)
{
    assert(i < g->nkeys);
    *out = g->keys[i].ph;
}

const uint8_t *chaingen_key_priv(const chaingen *g, size_t i)
{
    assert(i < g->nkeys);
    return g->keys[i].priv;
}

/* ---- branches ----------------------------------------------------------------------------- */

chaingen_branch *chaingen_branch_genesis(chaingen *g)
{
    chaingen_branch *b = ela_xcalloc(1, sizeof *b);
    b->g = g;
    b->height = 0;
    b->tip = g->genesis;
    b->time = g->genesis_time;
    return b;
}

chaingen_branch *chaingen_branch_copy(const chaingen_branch *b)
{
    chaingen_branch *c = ela_xmalloc(sizeof *c);
    *c = *b;
    c->cap = b->n;
    c->w = ela_xmemdup(b->w, b->n * sizeof *b->w);
    return c;
}

void chaingen_branch_free(chaingen_branch *b)
{
    if (!b)
        return;
    free(b->w);
    free(b);
}

uint32_t chaingen_branch_height(const chaingen_branch *b) { return b->height; }

void chaingen_branch_tip(const chaingen_branch *b, ela_uint256 *hash) { *hash = b->tip; }

uint32_t chaingen_branch_time(const chaingen_branch *b) { return b->time; }

static bool spendable(const wallet_utxo *u, uint32_t height, size_t outputs)
{
    return u->mature_at <= height && u->value >= MIN_SPEND(outputs);
}

size_t chaingen_branch_spendable(const chaingen_branch *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        n += spendable(&b->w[i], b->height + 1, 1);
    return n;
}

size_t chaingen_branch_wallet_size(const chaingen_branch *b) { return b->n; }

int64_t chaingen_branch_balance(const chaingen_branch *b)
{
    int64_t sum = 0;
    for (size_t i = 0; i < b->n; i++)
        sum += b->w[i].value;
    return sum;
}

/* ---- blocks ------------------------------------------------------------------------------- */

/* A TransferAsset v09 spending u into `outputs` outputs to generator keys; returns its fee. */
static int64_t build_transfer(chaingen *g, ela_tx *tx, const wallet_utxo *u, size_t outputs)
{
    ela_tx_init(tx);
    tx->version = ELA_TX_VERSION_09;
    ela_payload_init(&tx->payload, ELA_TX_TRANSFER_ASSET, 0);
    set_nonce_attribute(g, tx);
    tx->input_count = 1;
    tx->inputs = ela_xcalloc(1, sizeof *tx->inputs);
    tx->inputs[0].prev_txid = u->txid;
    tx->inputs[0].prev_index = u->index;
    tx->inputs[0].sequence = UINT32_MAX;

    int64_t fee = MIN_FEE + (int64_t)(rng_next(g) % (MAX_FEE - MIN_FEE + 1));
    int64_t rest = u->value - fee;
    int64_t each = rest / (int64_t)outputs;
    tx->output_count = outputs;
    tx->outputs = ela_xcalloc(outputs, sizeof *tx->outputs);
    for (size_t j = 0; j < outputs; j++) {
        ela_output *o = &tx->outputs[j];
        o->asset_id = g->asset;
        o->value = j == 0 ? rest - each * (int64_t)(outputs - 1) : each;
        o->program_hash = g->keys[rng_next(g) % g->nkeys].ph;
        o->type = ELA_OUTPUT_NONE;
    }
    tx->lock_time = 0;
    size_t k = u->key;
    sign_programs(g, tx, &k, 1);
    return fee;
}

/* The coinbase of a pre-PublicDPOSHeight block (the reference's template, §4.7.1): output 0
 * gives the foundation trunc(total * 0.3) with the reference's double arithmetic, which is
 * exactly the least §4.7.1 allows; the rest goes to generator keys rotating with the height.
 * Σ outputs = total = reward + fees, as era C of §3.5 requires. */
static void build_coinbase(chaingen *g, ela_tx *cb, uint32_t height, int64_t total)
{
    ela_tx_init(cb);
    ela_payload_init(&cb->payload, ELA_TX_COINBASE, 4);
    static const char content[] = "elad chaingen";
    ela_bytes_set(&cb->payload.u.coinbase.content, (const uint8_t *)content,
                  sizeof content - 1);
    set_nonce_attribute(g, cb);
    cb->input_count = 1;
    cb->inputs = ela_xcalloc(1, sizeof *cb->inputs);
    cb->inputs[0].prev_index = UINT16_MAX;
    cb->inputs[0].sequence = UINT32_MAX;
    cb->lock_time = height;

    size_t k = g->cb_outputs;
    int64_t foundation = (int64_t)((double)total * 0.3);
    int64_t rest = total - foundation;
    int64_t each = rest / (int64_t)k;
    cb->output_count = 1 + k;
    cb->outputs = ela_xcalloc(1 + k, sizeof *cb->outputs);
    cb->outputs[0].asset_id = g->asset;
    cb->outputs[0].value = foundation;
    cb->outputs[0].program_hash = g->params->foundation;
    for (size_t j = 0; j < k; j++) {
        ela_output *o = &cb->outputs[1 + j];
        o->asset_id = g->asset;
        o->value = j == 0 ? rest - each * (int64_t)(k - 1) : each;
        o->program_hash = g->keys[((uint64_t)height * k + j) % g->nkeys].ph;
        o->type = ELA_OUTPUT_NONE;
    }
    ela_tx_compute_hash(cb);
}

size_t chaingen_build_block(chaingen *g, ela_block *out, const chaingen_branch *b, size_t ntx,
                            size_t outputs)
{
    assert(b->g == g && outputs >= 1 && outputs <= 65535);
    uint32_t height = b->height + 1;
    ela_block_init(out);

    /* Oldest spendable outputs first; one input per tx so no outpoint repeats in the block. */
    size_t *pick = ela_xmalloc((ntx ? ntx : 1) * sizeof *pick);
    size_t n = 0;
    for (size_t i = 0; i < b->n && n < ntx; i++)
        if (spendable(&b->w[i], height, outputs))
            pick[n++] = i;

    out->n_txs = n + 1;
    out->txs = ela_xcalloc(n + 1, sizeof *out->txs);
    int64_t fees = 0;
    for (size_t i = 0; i < n; i++)
        fees += build_transfer(g, &out->txs[1 + i], &b->w[pick[i]], outputs);
    free(pick);
    build_coinbase(g, &out->txs[0], height, ela_params_block_reward(g->params, height) + fees);

    ela_block_header *h = &out->header;
    h->version = 0;
    h->prev = b->tip;
    h->timestamp = b->time + 1; /* ≥ MTP, which is at most the parent's time (§3.4 step 2) */
    h->bits = g->params->pow_limit_bits; /* constant in InstantBlock mode (§8) */
    h->nonce = 0;
    h->height = height;
    chaingen_seal(out);
    return n;
}

/* Outpoints spent by a block, sorted for bsearch. */
typedef struct outpoint {
    ela_uint256 txid;
    uint16_t index;
} outpoint;

static int cmp_outpoint(const void *a, const void *b)
{
    const outpoint *x = a, *y = b;
    int c = memcmp(x->txid.b, y->txid.b, 32);
    if (c)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

void chaingen_branch_accept(chaingen_branch *b, const ela_block *blk)
{
    assert(ela_uint256_equal(&blk->header.prev, &b->tip));
    const chaingen *g = b->g;

    size_t nspent = 0;
    for (size_t t = 0; t < blk->n_txs; t++)
        if (!ela_tx_is_coinbase(&blk->txs[t]))
            nspent += blk->txs[t].input_count;
    outpoint *spent = ela_xmalloc((nspent ? nspent : 1) * sizeof *spent);
    size_t k = 0;
    for (size_t t = 0; t < blk->n_txs; t++) {
        const ela_tx *tx = &blk->txs[t];
        if (ela_tx_is_coinbase(tx))
            continue;
        for (size_t i = 0; i < tx->input_count; i++) {
            memset(&spent[k], 0, sizeof spent[k]);
            spent[k].txid = tx->inputs[i].prev_txid;
            spent[k].index = tx->inputs[i].prev_index;
            k++;
        }
    }
    qsort(spent, nspent, sizeof *spent, cmp_outpoint);
    size_t keep = 0;
    for (size_t i = 0; i < b->n; i++) {
        outpoint probe;
        memset(&probe, 0, sizeof probe);
        probe.txid = b->w[i].txid;
        probe.index = b->w[i].index;
        if (!bsearch(&probe, spent, nspent, sizeof *spent, cmp_outpoint))
            b->w[keep++] = b->w[i];
    }
    b->n = keep;
    free(spent);

    uint32_t height = blk->header.height;
    for (size_t t = 0; t < blk->n_txs; t++) {
        const ela_tx *tx = &blk->txs[t];
        uint32_t mature_at = height + 1;
        if (ela_tx_is_coinbase(tx)) {
            /* The rule reads the coinbase's lock time (§4.3 quirk); waiting for the later of
             * it and the real height is valid under either reading. */
            uint64_t base = tx->lock_time > height ? tx->lock_time : height;
            uint64_t m = base + COINBASE_SPEND_DELAY;
            mature_at = m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
        }
        for (size_t j = 0; j < tx->output_count && j <= UINT16_MAX; j++) {
            long key = key_lookup(g, &tx->outputs[j].program_hash);
            if (key < 0 || tx->outputs[j].output_lock != 0)
                continue;
            if (b->n == b->cap) {
                b->cap = b->cap ? b->cap * 2 : 64;
                b->w = ela_xrealloc(b->w, b->cap * sizeof *b->w);
            }
            wallet_utxo *u = &b->w[b->n++];
            u->txid = tx->txid;
            u->index = (uint16_t)j;
            u->key = (uint32_t)key;
            u->mature_at = mature_at;
            u->value = tx->outputs[j].value;
        }
    }
    b->height = height;
    b->tip = blk->header.hash;
    b->time = blk->header.timestamp;
}

void chaingen_mine(ela_block_header *h)
{
    ela_auxpow_clear(&h->auxpow);
    ela_auxpow_init_solo(&h->auxpow, &h->hash, h->timestamp);
    for (uint32_t nonce = 0;; nonce++) {
        h->auxpow.parent_header.nonce = nonce;
        const char *why = NULL;
        if (ela_pow_check_auxpow(&h->auxpow, h->bits, &why))
            return;
        /* Bits that no hash can meet (a test's mutation) leave the last attempt in place. */
        if (strcmp(why, "high-hash") != 0 || nonce == UINT32_MAX)
            return;
    }
}

void chaingen_seal(ela_block *blk)
{
    ela_block_update(blk);
    chaingen_mine(&blk->header);
    /* The AuxPoW just changed: only the size needs redoing. */
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, blk);
    blk->size = w.len;
    ela_writer_clear(&w);
}

bool chaingen_resign(chaingen *g, ela_tx *tx, const chaingen_branch *b)
{
    size_t *keys = ela_xmalloc((tx->input_count ? tx->input_count : 1) * sizeof *keys);
    size_t n = 0;
    for (size_t i = 0; i < tx->input_count; i++) {
        const ela_input *in = &tx->inputs[i];
        const wallet_utxo *u = NULL;
        for (size_t j = 0; j < b->n && !u; j++)
            if (b->w[j].index == in->prev_index && ela_uint256_equal(&b->w[j].txid, &in->prev_txid))
                u = &b->w[j];
        if (!u) {
            free(keys);
            return false;
        }
        bool seen = false;
        for (size_t j = 0; j < n; j++)
            seen |= keys[j] == u->key;
        if (!seen)
            keys[n++] = u->key;
    }
    sign_programs(g, tx, keys, n);
    free(keys);
    return true;
}

void chaingen_write_hex_line(FILE *f, const ela_block *blk)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, blk);
    char *hex = ela_hex_encode_new(w.data, w.len);
    fputs(hex, f);
    fputc('\n', f);
    free(hex);
    ela_writer_clear(&w);
}
