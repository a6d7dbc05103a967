/* elad tests: the block and transaction rules at chain level (spec/consensus.md §2-§5, §9).
 *
 * Every case starts from a copy of a 110-block InstantBlock regnet chain (chainfix.h): coinbases
 * are mature and the wallet holds transfer outputs. It builds a VALID next block, derives from
 * it a block that breaks exactly one rule (re-signed and re-sealed so that nothing else
 * fails), feeds that to the real chain engine and requires INVALID with the exact reject
 * reason, with the tip and the UTXO set untouched. Then it feeds the valid block and requires
 * it to connect, which proves the fixture was valid and that the refusal left nothing behind
 * (in particular, a block whose header hash equals the refused one's, when only its AuxPoW or
 * its transactions were altered, must still be accepted). Quirks the reference has (§9) are
 * checked from both sides: the reference's boundary is accepted, one step beyond is refused.
 *
 * The reasons are those listed at the top of src/consensus/blockcheck.c and txcheck.c. Set
 * RULES_VERBOSE=1 to print every refusal with its code and detail, CHAINFIX_VERBOSE=1 for the
 * engine's log. */
#include "chainfix.h"
#include "testutil.h"

#include <ela/address.h>
#include <ela/auxpow.h>
#include <ela/blockcheck.h>
#include <ela/contract.h>
#include <ela/ecdsa.h>
#include <ela/genesis.h>
#include <ela/hash.h>
#include <ela/pow.h>
#include <ela/schnorr.h>
#include <ela/serialize.h>
#include <ela/txcheck.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reject reasons (src/consensus/blockcheck.c, txcheck.c, src/chain/) ------------------- */

#define R_HIGH_HASH "high-hash"
#define R_AUXPOW "bad-auxpow"
#define R_DIFFBITS "bad-diffbits"
#define R_POWLIMIT "bad-diffbits-powlimit"
#define R_TIME_NEW "time-too-new"
#define R_TIME_OLD "time-too-old"
#define R_HEIGHT "bad-height"
#define R_MERKLE "bad-txnmrklroot"
#define R_NO_TXS "bad-blk-tx-count"
#define R_TOO_MANY_TXS "bad-blk-tx-count"
#define R_BLOCK_SIZE "bad-blk-length"
#define R_HEADER_SIZE "bad-header-size"
#define R_CB_MISSING "bad-cb-missing"
#define R_CB_MULTIPLE "bad-cb-multiple"
#define R_TX_DUP_BLOCK "bad-txns-duplicate"
#define R_INPUTS_DUP_BLOCK "bad-txns-inputs-duplicate"
#define R_CB_INPUT "bad-cb-input"
#define R_CB_OUTPUTS "bad-cb-outputs"
#define R_CB_AMOUNT "bad-cb-amount"
#define R_CB_RATIO "bad-cb-ratio"
#define R_CB_PROGRAMS "bad-txns-program-count"
#define R_CB_ASSET "bad-txns-vout-asset"
#define R_NONFINAL "bad-txns-nonfinal"
#define R_OUT_NEGATIVE "bad-txns-vout-negative"
#define R_OUT_ASSET "bad-txns-vout-asset"
#define R_OUT_ADDRESS "bad-txns-vout-address"
#define R_NO_INPUTS "bad-txns-vin-empty"
#define R_NO_OUTPUTS "bad-txns-vout-empty"
#define R_NULL_PREVOUT "bad-txns-prevout-null"
#define R_DUP_INPUT "bad-txns-inputs-duplicate"
#define R_DOUBLE_SPEND "bad-txns-double-spend"
#define R_MISSING_REF "bad-txns-unknown-referenced"
#define R_IMMATURE "bad-txns-premature-spend-of-coinbase"
#define R_SIG "bad-txns-signature"
#define R_NO_PROGRAMS "bad-txns-program-count"
#define R_PROGRAM_HASH "bad-txns-signature"
#define R_PROGRAM_COUNT "bad-txns-program-count-mismatch"
#define R_ENCODING "bad-block-encoding"
#define R_FEE "bad-txns-fee-too-low"
#define R_BALANCE "bad-txns-fee-too-low" /* a negative fee is below the minimum */
#define R_LOCK_SEQUENCE "bad-txns-lock-sequence"
#define R_OUTPUT_LOCKED "bad-txns-output-locked"
#define R_DESTROY "bad-txns-destroy-input"
/* The output is allowed when the deposit address is a registered producer's or CR candidate's
 * (§4.3 step 13): only BPoS/CR state can say, and this node has none. */
#define R_DEPOSIT_OUT ELA_REASON_NEEDS_STATE
#define R_ASSET_OUTPUT "bad-txns-double-spend"
#define R_CROSSCHAIN_FEE "bad-crosschain-fee"
#define R_SIDECHAIN_POW "bad-sidechainpow-signature"
#define R_WITHDRAW "bad-withdraw-input-address"
#define R_SCHNORR "bad-txns-program-schnorr"
#define R_TX_IN_CHAIN "bad-txns-duplicate"

/* The program hash of the DESTROY (burn) address (§1.7). */
static const char DESTROY_PH[] = "2120fee5d7eb3e5c7d3197fecf6c0de30f889acef7";

/* ---- fixture ------------------------------------------------------------------------------ */

static chainfix F;

static void setup(void)
{
    chainfix_open(&F);
}

static void teardown(void)
{
    chainfix_close(&F);
}

static chaingen *gen(void)
{
    return chainfix_gen();
}

static uint32_t tip_height(void)
{
    return ela_chain_height(F.chain);
}

static ela_uint256 ela_asset(void)
{
    ela_uint256 id;
    ela_genesis_asset_id(&id);
    return id;
}

typedef struct snapshot {
    uint32_t height;
    ela_uint256 tip;
    ela_utxo_stats utxo;
} snapshot;

static void snap(snapshot *s)
{
    s->height = ela_chain_height(F.chain);
    ela_chain_tip_hash(F.chain, &s->tip);
    chainfix_utxo(&F, &s->utxo);
}

static void assert_unchanged(const snapshot *before)
{
    snapshot after;
    snap(&after);
    ck_assert_uint_eq(after.height, before->height);
    ck_assert_msg(ela_uint256_equal(&after.tip, &before->tip), "tip moved");
    ck_assert_msg(ela_uint256_equal(&after.utxo.hash, &before->utxo.hash), "UTXO set changed");
    ck_assert_uint_eq(after.utxo.txouts, before->utxo.txouts);
    ck_assert_int_eq(after.utxo.total_amount, before->utxo.total_amount);
}

static void check_refusal(ela_block_status s, const ela_validation_state *st, const char *reason,
                          const snapshot *before)
{
    if (getenv("RULES_VERBOSE"))
        printf("  refused: %s (%d) %s\n", st->reason, st->code, st->detail);
    ck_assert_msg(s == ELA_BLOCK_INVALID, "expected INVALID \"%s\", got %s (%s: %s)", reason,
                  chainfix_status_name(s), st->reason, st->detail);
    ck_assert_msg(st->invalid, "INVALID without an invalid state");
    ck_assert_msg(strcmp(st->reason, reason) == 0, "expected reason \"%s\", got \"%s\" (%s)",
                  reason, st->reason, st->detail);
    ck_assert_int_ne(st->code, 0);
    assert_unchanged(before);
}

/* Requires b to be refused with exactly `reason`, the chain left as it was. */
static void reject(const ela_block *b, const char *reason)
{
    snapshot before;
    snap(&before);
    ela_validation_state st;
    ela_block_status s = chainfix_process(&F, &st, b);
    check_refusal(s, &st, reason, &before);
}

static void reject_bytes(const ela_bytes *raw, const char *reason)
{
    snapshot before;
    snap(&before);
    ela_validation_state st;
    ela_validation_init(&st);
    ela_block_status s = ela_chain_process_block_bytes(F.chain, &st, raw->data, raw->len);
    check_refusal(s, &st, reason, &before);
}

static void accept(const ela_block *b)
{
    chainfix_accept(&F, b);
}

/* ---- keys and signatures ------------------------------------------------------------------ */

static void key_ph(ela_uint168 *out, size_t key)
{
    chaingen_key_program_hash(gen(), out, key);
}

static int key_of_ph(const ela_uint168 *ph)
{
    for (size_t i = 0; i < CHAINFIX_NKEYS; i++) {
        ela_uint168 k;
        key_ph(&k, i);
        if (ela_uint168_equal(&k, ph))
            return (int)i;
    }
    return -1;
}

static void key_pub(uint8_t out[33], size_t key)
{
    ck_assert(ela_pubkey_from_privkey(out, chaingen_key_priv(gen(), key)));
}

static void free_programs(ela_tx *tx)
{
    for (size_t i = 0; i < tx->program_count; i++) {
        ela_bytes_clear(&tx->programs[i].parameter);
        ela_bytes_clear(&tx->programs[i].code);
    }
    free(tx->programs);
    tx->programs = NULL;
    tx->program_count = 0;
}

/* Replaces the programs of tx by one standard program per listed key, each signing the
 * unsigned tx (ECDSA over SHA-256 of it, parameter 0x40 || r || s). */
static void set_programs(ela_tx *tx, const size_t *keys, size_t n)
{
    free_programs(tx);
    ela_bytes msg = {0};
    ela_tx_signed_data(&msg, tx);
    tx->programs = ela_xcalloc(n ? n : 1, sizeof *tx->programs);
    tx->program_count = n;
    for (size_t i = 0; i < n; i++) {
        uint8_t param[65], pub[33], code[ELA_STANDARD_CODE_SIZE];
        param[0] = 0x40;
        ck_assert(ela_ecdsa_sign(param + 1, chaingen_key_priv(gen(), keys[i]), msg.data,
                                 msg.len));
        key_pub(pub, keys[i]);
        ela_contract_standard_code(code, pub);
        ela_bytes_set(&tx->programs[i].parameter, param, sizeof param);
        ela_bytes_set(&tx->programs[i].code, code, sizeof code);
    }
    ela_bytes_clear(&msg);
    ela_tx_compute_hash(tx);
}

/* The program hash an input spends: from the UTXO set, else from the main-chain tx (a spent
 * output), else from a tx of blk (an output of the same block). false when unknown. */
static bool ref_ph(ela_uint168 *out, const ela_input *in, const ela_block *blk)
{
    ela_coin c;
    memset(&c, 0, sizeof c);
    if (ela_chain_get_coin(F.chain, &c, &in->prev_txid, in->prev_index)) {
        *out = c.out.program_hash;
        ela_coin_clear(&c);
        return true;
    }
    ela_tx tx;
    ela_uint256 bh;
    uint32_t h;
    if (ela_chain_get_tx(F.chain, &tx, &bh, &h, &in->prev_txid)) {
        bool ok = in->prev_index < tx.output_count;
        if (ok)
            *out = tx.outputs[in->prev_index].program_hash;
        ela_tx_clear(&tx);
        return ok;
    }
    for (size_t i = 0; blk && i < blk->n_txs; i++) {
        const ela_tx *t = &blk->txs[i];
        if (ela_uint256_equal(&t->txid, &in->prev_txid) && in->prev_index < t->output_count) {
            *out = t->outputs[in->prev_index].program_hash;
            return true;
        }
    }
    return false;
}

/* Signs tx for everything it must (§4.4 step 1): the distinct keys of the referenced outputs,
 * then of the Script attributes. */
static void sign_tx(ela_tx *tx, const ela_block *blk)
{
    size_t keys[16], n = 0;
    for (size_t i = 0; i < tx->input_count + tx->attribute_count; i++) {
        ela_uint168 ph;
        if (i < tx->input_count) {
            ck_assert_msg(ref_ph(&ph, &tx->inputs[i], blk), "input %zu references nothing", i);
        } else {
            const ela_attribute *a = &tx->attributes[i - tx->input_count];
            if (a->usage != ELA_ATTR_SCRIPT)
                continue;
            ck_assert_uint_eq(a->data.len, 21);
            memcpy(ph.b, a->data.data, 21);
        }
        int k = key_of_ph(&ph);
        ck_assert_msg(k >= 0, "input or attribute %zu is not a generator key's", i);
        bool seen = false;
        for (size_t j = 0; j < n; j++)
            seen = seen || keys[j] == (size_t)k;
        if (!seen) {
            ck_assert_uint_lt(n, ELA_ARRAY_LEN(keys));
            keys[n++] = (size_t)k;
        }
    }
    set_programs(tx, keys, n);
}

/* ---- outputs the tests may spend ---------------------------------------------------------- */

typedef struct spend {
    ela_input in;
    int64_t value;
    ela_uint168 ph;
} spend;

typedef struct utxo_list {
    ela_address_utxo items[512];
    size_t n;
} utxo_list;

static bool collect_utxo(void *ctx, const ela_address_utxo *u)
{
    utxo_list *l = ctx;
    if (l->n < ELA_ARRAY_LEN(l->items))
        l->items[l->n++] = *u;
    return l->n < ELA_ARRAY_LEN(l->items);
}

/* Coinbase maturity as the reference computes it (§4.3 step 15): from the coinbase's lockTime,
 * with u32 arithmetic, against the tip at validation time. */
static bool mature(const ela_coin *c, uint32_t tip)
{
    return !(c->flags & ELA_COIN_COINBASE) || (uint32_t)(tip - c->tx_lock_time) >= 100;
}

/* Smallest output the tests spend: room for a 0.2 ELA payment plus fees. */
#define MIN_SPEND_VALUE 40000000

/* Fills out[0..max) with distinct outputs of the generator's keys that a tx of the next block
 * may spend (mature, no output lock, at least MIN_SPEND_VALUE), in a fixed order; returns how
 * many. */
static size_t find_spendable(spend *out, size_t max)
{
    static utxo_list l;
    size_t n = 0;
    for (size_t k = 0; k < CHAINFIX_NKEYS && n < max; k++) {
        ela_uint168 ph;
        key_ph(&ph, k);
        l.n = 0;
        ela_chain_address_utxos(F.chain, &ph, collect_utxo, &l);
        for (size_t i = 0; i < l.n && n < max; i++) {
            const ela_address_utxo *u = &l.items[i];
            ela_coin c;
            memset(&c, 0, sizeof c);
            ck_assert_msg(ela_chain_get_coin(F.chain, &c, &u->txid, u->index),
                          "address index lists an output the UTXO set does not have");
            ck_assert_int_eq(c.out.value, u->value);
            bool ok = mature(&c, tip_height()) && c.out.output_lock == 0 &&
                      c.out.value >= MIN_SPEND_VALUE;
            ela_coin_clear(&c);
            if (!ok)
                continue;
            out[n].in = (ela_input){.prev_txid = u->txid, .prev_index = u->index,
                                    .sequence = 0xffffffffu};
            out[n].value = u->value;
            out[n].ph = ph;
            n++;
        }
    }
    return n;
}

static spend one_spendable(size_t skip)
{
    spend s[8];
    size_t n = find_spendable(s, skip + 1);
    ck_assert_msg(n == skip + 1, "the fixture has fewer than %zu spendable outputs", skip + 1);
    return s[skip];
}

/* The first spendable output that no tx of b spends (b holds chaingen's own transfers). */
static spend unused_spendable(const ela_block *b)
{
    spend s[32];
    size_t n = find_spendable(s, ELA_ARRAY_LEN(s));
    for (size_t i = 0; i < n; i++) {
        bool used = false;
        for (size_t t = 1; t < b->n_txs && !used; t++)
            for (size_t j = 0; j < b->txs[t].input_count && !used; j++)
                used = ela_uint256_equal(&b->txs[t].inputs[j].prev_txid, &s[i].in.prev_txid) &&
                       b->txs[t].inputs[j].prev_index == s[i].in.prev_index;
        if (!used)
            return s[i];
    }
    ck_abort_msg("no spendable output left beside the block's own transfers");
}

/* ---- transaction builders ----------------------------------------------------------------- */

static uint64_t g_nonce;

static void add_attribute(ela_tx *tx, uint8_t usage, const uint8_t *p, size_t len)
{
    tx->attributes = ela_xrealloc(tx->attributes, (tx->attribute_count + 1) *
                                                      sizeof *tx->attributes);
    ela_attribute *a = &tx->attributes[tx->attribute_count++];
    memset(a, 0, sizeof *a);
    a->usage = usage;
    ela_bytes_set(&a->data, p, len);
}

static void add_output(ela_tx *tx, const ela_uint168 *ph, int64_t value, uint32_t lock)
{
    tx->outputs = ela_xrealloc(tx->outputs, (tx->output_count + 1) * sizeof *tx->outputs);
    ela_output *o = &tx->outputs[tx->output_count++];
    memset(o, 0, sizeof *o);
    o->asset_id = ela_asset();
    o->value = value;
    o->output_lock = lock;
    o->program_hash = *ph;
    o->type = ELA_OUTPUT_NONE;
}

static void add_input(ela_tx *tx, const ela_input *in)
{
    tx->inputs = ela_xrealloc(tx->inputs, (tx->input_count + 1) * sizeof *tx->inputs);
    tx->inputs[tx->input_count++] = *in;
}

/* An unsigned v09 tx of the given type spending s[0..nin) with a Nonce attribute (so that
 * otherwise equal txs differ) and no outputs yet. */
static void start_tx(ela_tx *tx, uint8_t type, uint8_t payload_version, const spend *s,
                     size_t nin)
{
    ela_tx_init(tx);
    tx->version = ELA_TX_VERSION_09;
    ela_payload_init(&tx->payload, type, payload_version);
    uint8_t nonce[8];
    uint64_t v = ++g_nonce;
    memcpy(nonce, &v, sizeof nonce);
    add_attribute(tx, ELA_ATTR_NONCE, nonce, sizeof nonce);
    for (size_t i = 0; i < nin; i++)
        add_input(tx, &s[i].in);
}

static int64_t sum_in(const spend *s, size_t n)
{
    int64_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += s[i].value;
    return t;
}

/* A signed TransferAsset spending s[0..nin) into `nout` outputs to key `to`, paying `fee`. */
/* The same, unsigned (no programs yet). */
static void unsigned_transfer(ela_tx *tx, const spend *s, size_t nin, int64_t fee, size_t nout,
                              size_t to)
{
    start_tx(tx, ELA_TX_TRANSFER_ASSET, 0, s, nin);
    int64_t left = sum_in(s, nin) - fee;
    ela_uint168 ph;
    key_ph(&ph, to);
    for (size_t i = 0; i < nout; i++) {
        int64_t v = i + 1 == nout ? left : left / (int64_t)nout;
        add_output(tx, &ph, v, 0);
        left -= v;
    }
}

static void make_transfer(ela_tx *tx, const spend *s, size_t nin, int64_t fee, size_t nout,
                          size_t to)
{
    unsigned_transfer(tx, s, nin, fee, nout, to);
    sign_tx(tx, NULL);
}

/* ---- block builders ----------------------------------------------------------------------- */

/* The next valid block on the fixture's branch with `ntx` generator transfers. */
static void build(ela_block *b, size_t ntx)
{
    size_t n = chaingen_build_block(gen(), b, F.br, ntx, 2);
    ck_assert_uint_eq(n, ntx);
    ck_assert_uint_eq(b->header.height, tip_height() + 1);
}

/* Moves `delta` sela of fees into the coinbase, laid out as chaingen does: output 0 the
 * foundation's trunc(total * 0.3) (the least §4.7.1 allows), the rest split over outputs 1-2. */
static void rebalance(ela_block *b, int64_t delta)
{
    ela_tx *cb = &b->txs[0];
    ck_assert_uint_eq(cb->output_count, 3);
    int64_t total = delta;
    for (size_t i = 0; i < cb->output_count; i++)
        total += cb->outputs[i].value;
    int64_t foundation = (int64_t)((double)total * 0.3);
    int64_t rest = total - foundation;
    cb->outputs[0].value = foundation;
    cb->outputs[1].value = rest - rest / 2;
    cb->outputs[2].value = rest / 2;
}

/* Appends tx (paying `fee`) to b, moves the fee into the coinbase and reseals. */
static void add_tx(ela_block *b, ela_tx *tx, int64_t fee)
{
    ela_tx_compute_hash(tx);
    ela_block_add_tx(b, tx);
    rebalance(b, fee);
    chaingen_seal(b);
}

/* The next block with one TransferAsset of s (fee `fee`, two outputs). */
static void build_with_transfer(ela_block *b, const spend *s, int64_t fee)
{
    build(b, 0);
    ela_tx tx;
    make_transfer(&tx, s, 1, fee, 2, 1);
    add_tx(b, &tx, fee);
}

/* Fee of a tx of b from the outputs it spends (chain or same block). */
static int64_t tx_fee(const ela_tx *tx)
{
    int64_t fee = 0;
    for (size_t i = 0; i < tx->input_count; i++) {
        ela_coin c;
        memset(&c, 0, sizeof c);
        ck_assert(ela_chain_get_coin(F.chain, &c, &tx->inputs[i].prev_txid,
                                     tx->inputs[i].prev_index));
        fee += c.out.value;
        ela_coin_clear(&c);
    }
    for (size_t i = 0; i < tx->output_count; i++)
        fee -= tx->outputs[i].value;
    return fee;
}

/* Grinds the parent header nonce of an AuxPoW until its hash does (want_ok) or does not meet
 * bits. */
static void grind(ela_auxpow *aux, uint32_t bits, bool want_ok)
{
    for (uint32_t i = 0; i < 1000000; i++) {
        const char *why = NULL;
        bool ok = ela_pow_check_auxpow(aux, bits, &why);
        if (ok == want_ok)
            return;
        if (!ok && (!why || strcmp(why, "high-hash") != 0))
            break; /* bits no nonce can meet */
        aux->parent_header.nonce++;
    }
    ck_abort_msg("grinding the AuxPoW parent nonce failed");
}

/* A fresh solo AuxPoW for the header as it is now (hash recomputed), mined when mine. */
static void solo_auxpow(ela_block_header *h, bool mine)
{
    ela_block_header_update_hash(h);
    ela_auxpow_clear(&h->auxpow);
    ela_auxpow_init_solo(&h->auxpow, &h->hash, h->timestamp);
    if (mine)
        grind(&h->auxpow, h->bits, true);
}

static void header_full_size(const ela_block *b, size_t *out)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_block_header_write(&w, &b->header);
    ela_bytes raw;
    ela_writer_release(&w, &raw);
    *out = raw.len;
    ela_bytes_clear(&raw);
}

/* Removes tx i from b (shifting the rest down). */
static void remove_tx(ela_block *b, size_t i)
{
    ela_tx_clear(&b->txs[i]);
    memmove(&b->txs[i], &b->txs[i + 1], (b->n_txs - i - 1) * sizeof *b->txs);
    b->n_txs--;
}

static void append_copy(ela_block *b, const ela_tx *src)
{
    ela_tx copy;
    chainfix_tx_copy(&copy, src);
    ela_block_add_tx(b, &copy);
}

/* ---- the fixture itself ------------------------------------------------------------------- */

START_TEST(fixture_valid)
{
    ck_assert_uint_eq(tip_height(), chainfix_template_height());
    spend s[4];
    ck_assert_uint_eq(find_spendable(s, 4), 4);
    ela_block v;
    build(&v, 2);
    accept(&v);
    /* and a block holding this suite's own kind of transfer */
    ela_block w;
    spend t = one_spendable(0);
    build_with_transfer(&w, &t, 1000);
    accept(&w);
    ela_block_clear(&v);
    ela_block_clear(&w);
}
END_TEST

/* ---- §2.2, §2.3: proof of work and AuxPoW (sanity step 1-2) -------------------------------- */

/* The parent header nonce is outside the ELA block hash: the mutant has the SAME block id as
 * the valid block, which must still be accepted afterwards (no invalidity cached by hash for a
 * failure a third party can cause). */
START_TEST(auxpow_high_hash)
{
    ela_block v, m;
    build(&v, 2);
    chainfix_block_copy(&m, &v);
    m.header.auxpow.parent_header.nonce++;
    grind(&m.header.auxpow, m.header.bits, false);
    ck_assert(ela_uint256_equal(&m.header.hash, &v.header.hash));
    reject(&m, R_HIGH_HASH);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(auxpow_bad_magic)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    ela_auxpow *a = &m.header.auxpow;
    ck_assert_uint_ge(a->coinbase.n_inputs, 1);
    ela_bytes *script = &a->coinbase.inputs[0].script;
    ck_assert_uint_ge(script->len, 4);
    ck_assert_uint_eq(script->data[0], ELA_AUXPOW_MAGIC_0);
    script->data[1] ^= 0x01; /* fabe6d6d -> fabf6d6d */
    ela_btc_tx_update_hash(&a->coinbase);
    a->parent_header.merkle_root = a->coinbase.hash; /* the branch still reaches the root */
    grind(a, m.header.bits, true);
    const char *why = NULL;
    ck_assert(!ela_auxpow_check(a, &m.header.hash, ELA_AUXPOW_CHAIN_ID, &why));
    ck_assert_str_eq(why, "auxpow: merged-mining magic not found in coinbase script");
    reject(&m, R_AUXPOW);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(auxpow_aux_branch)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    ela_auxpow *a = &m.header.auxpow;
    free(a->aux_branch);
    a->aux_branch = ela_xcalloc(1, sizeof *a->aux_branch);
    a->aux_branch[0].b[0] = 0x42;
    a->n_aux_branch = 1;
    const char *why = NULL;
    ck_assert(!ela_auxpow_check(a, &m.header.hash, ELA_AUXPOW_CHAIN_ID, &why));
    ck_assert_str_eq(why, "auxpow: chain merkle root not found");
    reject(&m, R_AUXPOW);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(auxpow_coinbase_branch)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    ela_auxpow *a = &m.header.auxpow;
    free(a->coinbase_branch);
    a->coinbase_branch = ela_xcalloc(1, sizeof *a->coinbase_branch);
    a->coinbase_branch[0].b[5] = 0x17;
    a->n_coinbase_branch = 1;
    const char *why = NULL;
    ck_assert(!ela_auxpow_check(a, &m.header.hash, ELA_AUXPOW_CHAIN_ID, &why));
    ck_assert_str_eq(why, "auxpow: coinbase merkle branch does not reach the parent merkle root");
    reject(&m, R_AUXPOW);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* An AuxPoW that proves work for another ELA block (the valid one's sibling). */
START_TEST(auxpow_other_block)
{
    ela_block v, m, other;
    build(&v, 2);
    build(&other, 1);
    ck_assert(!ela_uint256_equal(&v.header.hash, &other.header.hash));
    chainfix_block_copy(&m, &v);
    ela_auxpow_clear(&m.header.auxpow);
    ela_auxpow_copy(&m.header.auxpow, &other.header.auxpow);
    reject(&m, R_AUXPOW);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
    ela_block_clear(&other);
}
END_TEST

/* ---- §2.4, §3.4 step 1: difficulty ------------------------------------------------------- */

START_TEST(bits_not_expected)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    ck_assert_uint_eq(m.header.bits, 0x207fffffu);
    m.header.bits = 0x207ffffeu; /* a valid, slightly harder target: only the retarget rule */
    solo_auxpow(&m.header, true);
    reject(&m, R_DIFFBITS);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(bits_above_pow_limit)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    m.header.bits = 0x2100ffffu; /* 2^256-ish: above 2^255 - 1 */
    solo_auxpow(&m.header, false);
    reject(&m, R_POWLIMIT);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(bits_zero_target)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    m.header.bits = 0x00000000u;
    solo_auxpow(&m.header, false);
    reject(&m, R_DIFFBITS);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* ---- §3.2 step 3 and §3.4 step 2: timestamps ---------------------------------------------- */

START_TEST(time_too_new)
{
    ela_block v, m;
    build(&v, 1);
    F.now = (int64_t)v.header.timestamp + 100;
    chainfix_block_copy(&m, &v);
    m.header.timestamp = (uint32_t)(F.now + F.params.max_time_offset + 1);
    chaingen_seal(&m);
    reject(&m, R_TIME_NEW);
    /* One second later the same block is at the bound, which is allowed (timestamp <= adjusted
     * time + 7200): a block from the future is not remembered as invalid. */
    F.now += 1;
    accept(&m);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* MTP of the next block: median of the tip and its 10 ancestors. */
static uint32_t next_mtp(void)
{
    uint32_t times[ELA_MTP_SPAN];
    size_t n = 0;
    for (uint32_t h = tip_height(); n < ELA_MTP_SPAN; h--) {
        ela_uint256 hash;
        ck_assert(ela_chain_hash_at(F.chain, &hash, h));
        ela_block b;
        ck_assert(ela_chain_get_block(F.chain, &b, &hash));
        times[n++] = b.header.timestamp;
        ela_block_clear(&b);
        if (h == 0)
            break;
    }
    uint32_t mtp = ela_median_time_past(times, n);
    ela_uint256 tip;
    ela_chain_tip_hash(F.chain, &tip);
    uint32_t engine = 0;
    ck_assert(ela_chain_median_time(F.chain, &engine, &tip));
    ck_assert_uint_eq(engine, mtp);
    return mtp;
}

/* §9 quirk 1: timestamp == MTP is accepted; MTP - 1 is refused. */
START_TEST(time_too_old_and_equal_mtp)
{
    uint32_t mtp = next_mtp();
    ela_block v, m;
    build(&v, 1);
    ck_assert_uint_gt(v.header.timestamp, mtp);
    chainfix_block_copy(&m, &v);
    m.header.timestamp = mtp - 1;
    chaingen_seal(&m);
    reject(&m, R_TIME_OLD);
    m.header.timestamp = mtp;
    chaingen_seal(&m);
    accept(&m);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* ---- header fields ------------------------------------------------------------------------ */

START_TEST(height_field_wrong)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    m.header.height = v.header.height + 1;
    chaingen_seal(&m);
    reject(&m, R_HEIGHT);
    m.header.height = v.header.height - 1;
    chaingen_seal(&m);
    reject(&m, R_HEIGHT);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(merkle_root_wrong)
{
    ela_block v, m;
    build(&v, 2);
    chainfix_block_copy(&m, &v);
    m.header.merkle_root.b[7] ^= 0x80;
    solo_auxpow(&m.header, true);
    reject(&m, R_MERKLE);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* Transactions altered under an unchanged header: the mutant carries the valid block's id.
 * The refusal must not poison that id (Bitcoin's CVE-2012-2459 lesson). */
START_TEST(merkle_mutated_same_id)
{
    ela_block v, m;
    build(&v, 2);
    chainfix_block_copy(&m, &v);
    m.txs[1].outputs[0].value -= 1;
    ela_tx_compute_hash(&m.txs[1]);
    ck_assert(ela_uint256_equal(&m.header.hash, &v.header.hash));
    reject(&m, R_MERKLE);
    /* the same with a transaction dropped */
    ela_block_clear(&m);
    chainfix_block_copy(&m, &v);
    remove_tx(&m, 2);
    reject(&m, R_MERKLE);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* ---- §3.2 steps 4-7: transaction list ---------------------------------------------------- */

START_TEST(no_transactions)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    while (m.n_txs > 0)
        remove_tx(&m, m.n_txs - 1);
    solo_auxpow(&m.header, true);
    reject(&m, R_NO_TXS);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(first_tx_not_coinbase)
{
    ela_block v, m;
    build(&v, 2);
    chainfix_block_copy(&m, &v);
    remove_tx(&m, 0);
    chaingen_seal(&m);
    reject(&m, R_CB_MISSING);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(two_coinbases)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    append_copy(&m, &m.txs[0]);
    m.txs[2].lock_time ^= 0x5a5a; /* a distinct txid: only the coinbase count is wrong */
    chaingen_seal(&m);
    reject(&m, R_CB_MULTIPLE);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(duplicate_tx_in_block)
{
    ela_block v, m;
    build(&v, 2);
    chainfix_block_copy(&m, &v);
    append_copy(&m, &m.txs[1]);
    chaingen_seal(&m);
    reject(&m, R_TX_DUP_BLOCK);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(too_many_transactions)
{
    ela_block v;
    build(&v, 2);
    ck_assert_uint_eq(v.n_txs, 3);
    F.params.max_tx_per_block = 2;
    reject(&v, R_TOO_MANY_TXS);
    F.params.max_tx_per_block = 3;
    accept(&v);
    ela_block_clear(&v);
}
END_TEST

START_TEST(block_too_large)
{
    ela_block v;
    build(&v, 2);
    size_t hsize;
    header_full_size(&v, &hsize);
    ela_bytes raw = chainfix_block_bytes(&v);
    /* header limit unchanged in effect, context limit one byte short of what this block needs */
    F.params.max_block_header_size = (uint32_t)hsize;
    F.params.max_block_context_size = (uint32_t)(raw.len - hsize - 1);
    reject(&v, R_BLOCK_SIZE);
    F.params.max_block_context_size = (uint32_t)(raw.len - hsize);
    accept(&v);
    ela_bytes_clear(&raw);
    ela_block_clear(&v);
}
END_TEST

START_TEST(header_too_large)
{
    ela_block v;
    build(&v, 1);
    size_t hsize;
    header_full_size(&v, &hsize);
    F.params.max_block_header_size = (uint32_t)hsize - 1;
    reject(&v, R_HEADER_SIZE);
    F.params.max_block_header_size = (uint32_t)hsize;
    accept(&v);
    ela_block_clear(&v);
}
END_TEST

/* ---- §4.7.1, §3.5: the coinbase ----------------------------------------------------------- */

START_TEST(coinbase_bad_input)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    ck_assert_uint_eq(m.txs[0].input_count, 1);
    m.txs[0].inputs[0].sequence = 0;
    chaingen_seal(&m);
    reject(&m, R_CB_INPUT);
    ela_block_clear(&m);
    chainfix_block_copy(&m, &v);
    m.txs[0].inputs[0].prev_index = 0;
    chaingen_seal(&m);
    reject(&m, R_CB_INPUT);
    ela_block_clear(&m);
    chainfix_block_copy(&m, &v);
    m.txs[0].inputs[0].prev_txid.b[3] = 1;
    chaingen_seal(&m);
    reject(&m, R_CB_INPUT);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(coinbase_one_output)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    ela_tx *cb = &m.txs[0];
    int64_t total = 0;
    for (size_t i = 0; i < cb->output_count; i++)
        total += cb->outputs[i].value;
    while (cb->output_count > 1)
        ela_output_clear(&cb->outputs[--cb->output_count]);
    cb->outputs[0].value = total;
    chaingen_seal(&m);
    reject(&m, R_CB_OUTPUTS);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* Era C (§3.5): Σ outputs - fees == reward exactly, in both directions. */
START_TEST(coinbase_wrong_total)
{
    ela_block v, m;
    build(&v, 2);
    chainfix_block_copy(&m, &v);
    m.txs[0].outputs[0].value += 1; /* output 0 grows too: the 30 % rule still holds */
    chaingen_seal(&m);
    reject(&m, R_CB_AMOUNT);
    ela_block_clear(&m);
    chainfix_block_copy(&m, &v);
    m.txs[0].outputs[2].value -= 1; /* burning is not allowed either */
    chaingen_seal(&m);
    reject(&m, R_CB_AMOUNT);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* The fixture's coinbase total must be reward + fees exactly: checks chaingen and rebalance. */
START_TEST(coinbase_total_is_reward_plus_fees)
{
    ela_block v;
    build(&v, 2);
    int64_t fees = tx_fee(&v.txs[1]) + tx_fee(&v.txs[2]);
    int64_t total = 0;
    for (size_t i = 0; i < v.txs[0].output_count; i++)
        total += v.txs[0].outputs[i].value;
    ck_assert_int_eq(total, ela_params_block_reward(&F.params, v.header.height) + fees);
    ck_assert_int_eq(v.txs[0].outputs[0].value, (int64_t)((double)total * 0.3));
    accept(&v);
    ela_block_clear(&v);
}
END_TEST

/* §4.7.1: outputs[0] >= trunc(Σ outputs · 0.3), same total. */
START_TEST(coinbase_ratio)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    m.txs[0].outputs[0].value -= 1;
    m.txs[0].outputs[2].value += 1;
    chaingen_seal(&m);
    reject(&m, R_CB_RATIO);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(coinbase_with_program)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    size_t key = 0;
    set_programs(&m.txs[0], &key, 1);
    chaingen_seal(&m);
    reject(&m, R_CB_PROGRAMS);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

START_TEST(coinbase_output_asset)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    m.txs[0].outputs[1].asset_id.b[0] ^= 1;
    chaingen_seal(&m);
    reject(&m, R_CB_ASSET);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* ---- §3.4 step 3, §4.5: finality ---------------------------------------------------------- */

/* lockTime == H with sequence 0xFFFFFFFF is not final; §9 quirk 6: every sequence 0xFFFF
 * (not 0xFFFFFFFF) makes it final. */
START_TEST(nonfinal_lock_time)
{
    spend s = one_spendable(0);
    ela_block base, m;
    build(&base, 0);
    uint32_t h = base.header.height;

    chainfix_block_copy(&m, &base);
    ela_tx tx;
    start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &s, 1);
    ela_uint168 ph;
    key_ph(&ph, 2);
    add_output(&tx, &ph, s.value - 500, 0);
    tx.lock_time = h;
    sign_tx(&tx, NULL);
    add_tx(&m, &tx, 500);
    reject(&m, R_NONFINAL);
    ela_block_clear(&m);

    chainfix_block_copy(&m, &base);
    start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &s, 1);
    add_output(&tx, &ph, s.value - 500, 0);
    tx.lock_time = h;
    tx.inputs[0].sequence = 0xffff;
    sign_tx(&tx, NULL);
    add_tx(&m, &tx, 500);
    accept(&m);
    ela_block_clear(&base);
    ela_block_clear(&m);
}
END_TEST

/* ---- §4.1: transaction sanity ------------------------------------------------------------- */

/* Builds V with one transfer of the first spendable output, M a copy whose tx 1 the caller
 * then changes. */
static void tx_case(ela_block *v, ela_block *m)
{
    spend s = one_spendable(0);
    build_with_transfer(v, &s, 1000);
    chainfix_block_copy(m, v);
}

/* Re-signs tx 1 of m, reseals m, requires the refusal, then the valid block. */
static void tx_case_finish(ela_block *v, ela_block *m, bool resign, const char *reason)
{
    if (resign)
        sign_tx(&m->txs[1], m);
    chaingen_seal(m);
    reject(m, reason);
    accept(v);
    ela_block_clear(v);
    ela_block_clear(m);
}

START_TEST(tx_output_negative)
{
    ela_block v, m;
    tx_case(&v, &m);
    m.txs[1].outputs[0].value = -1;
    tx_case_finish(&v, &m, true, R_OUT_NEGATIVE);
}
END_TEST

START_TEST(tx_output_asset_not_ela)
{
    ela_block v, m;
    tx_case(&v, &m);
    m.txs[1].outputs[1].asset_id.b[31] ^= 0x01;
    tx_case_finish(&v, &m, true, R_OUT_ASSET);
}
END_TEST

START_TEST(tx_output_did_address)
{
    ela_block v, m;
    tx_case(&v, &m);
    m.txs[1].outputs[0].program_hash.b[0] = ELA_PREFIX_CRDID;
    tx_case_finish(&v, &m, true, R_OUT_ADDRESS);
}
END_TEST

START_TEST(tx_no_inputs)
{
    ela_block v, m;
    tx_case(&v, &m);
    free(m.txs[1].inputs);
    m.txs[1].inputs = NULL;
    m.txs[1].input_count = 0;
    tx_case_finish(&v, &m, false, R_NO_INPUTS);
}
END_TEST

START_TEST(tx_no_outputs)
{
    ela_block v, m;
    tx_case(&v, &m);
    while (m.txs[1].output_count > 0)
        ela_output_clear(&m.txs[1].outputs[--m.txs[1].output_count]);
    tx_case_finish(&v, &m, true, R_NO_OUTPUTS);
}
END_TEST

START_TEST(tx_null_prevout)
{
    ela_block v, m;
    tx_case(&v, &m);
    memset(&m.txs[1].inputs[0].prev_txid, 0, sizeof(ela_uint256));
    m.txs[1].inputs[0].prev_index = 0xffff;
    tx_case_finish(&v, &m, false, R_NULL_PREVOUT);
}
END_TEST

START_TEST(tx_duplicate_input)
{
    ela_block v, m;
    tx_case(&v, &m);
    ela_input again = m.txs[1].inputs[0];
    add_input(&m.txs[1], &again);
    tx_case_finish(&v, &m, true, R_DUP_INPUT);
}
END_TEST

START_TEST(tx_no_program)
{
    ela_block v, m;
    tx_case(&v, &m);
    free_programs(&m.txs[1]);
    tx_case_finish(&v, &m, false, R_NO_PROGRAMS);
}
END_TEST

/* §4.1 step 6: Schnorr programs only from NormalSchnorrStartHeight (879,144 on regnet). The
 * output really belongs to the Schnorr code, so only the height gate can refuse it. */
START_TEST(tx_schnorr_before_activation)
{
    ck_assert_uint_gt(F.params.normal_schnorr_start_height, tip_height() + 2);
    uint8_t pub[33], code[ELA_SCHNORR_CODE_SIZE];
    key_pub(pub, 0);
    ela_contract_schnorr_code(code, pub);
    ela_uint168 sph;
    ela_contract_program_hash(&sph, ELA_PREFIX_STANDARD, code, sizeof code);

    /* block 1 pays the Schnorr address */
    spend s = one_spendable(0);
    ela_block b1;
    build(&b1, 0);
    ela_tx tx;
    start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &s, 1);
    add_output(&tx, &sph, 20000000, 0);
    ela_uint168 back;
    key_ph(&back, 0);
    add_output(&tx, &back, s.value - 20000000 - 1000, 0);
    sign_tx(&tx, NULL);
    add_tx(&b1, &tx, 1000);
    accept(&b1);
    ela_uint256 src = b1.txs[1].txid;

    /* block 2 spends it with a valid Schnorr signature */
    ela_block base, m;
    build(&base, 0);
    chainfix_block_copy(&m, &base);
    spend in = {.in = {.prev_txid = src, .prev_index = 0, .sequence = 0xffffffffu},
                .value = 20000000};
    start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &in, 1);
    add_output(&tx, &back, 20000000 - 1000, 0);
    ela_bytes msg = {0};
    ela_tx_signed_data(&msg, &tx);
    uint8_t digest[32], sig[ELA_SCHNORR_SIG_SIZE];
    ela_sha256d(digest, msg.data, msg.len);
    ela_bytes_clear(&msg);
    uint8_t priv[1][32];
    memcpy(priv[0], chaingen_key_priv(gen(), 0), 32);
    ck_assert(ela_schnorr_sign(sig, (const uint8_t(*)[32])priv, NULL, 1, digest));
    ck_assert(ela_schnorr_verify(pub, digest, sig, NULL));
    tx.programs = ela_xcalloc(1, sizeof *tx.programs);
    tx.program_count = 1;
    ela_bytes_set(&tx.programs[0].parameter, sig, sizeof sig);
    ela_bytes_set(&tx.programs[0].code, code, sizeof code);
    add_tx(&m, &tx, 1000);
    reject(&m, R_SCHNORR);
    accept(&base);
    ela_block_clear(&b1);
    ela_block_clear(&base);
    ela_block_clear(&m);
}
END_TEST

/* An attribute usage outside the six known ones does not even parse (§4.1 step 6 is a decode
 * failure in the reference): the block bytes are refused as bad encoding. */
START_TEST(tx_bad_attribute_usage)
{
    static const uint8_t marker[] = "rules-memo-marker";
    spend s = one_spendable(0);
    ela_block v;
    build(&v, 0);
    ela_tx tx;
    start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &s, 1);
    add_attribute(&tx, ELA_ATTR_MEMO, marker, sizeof marker - 1);
    ela_uint168 ph;
    key_ph(&ph, 0);
    add_output(&tx, &ph, s.value - 1000, 0);
    sign_tx(&tx, NULL);
    add_tx(&v, &tx, 1000);

    ela_bytes raw = chainfix_block_bytes(&v);
    uint8_t *at = NULL;
    for (size_t i = 2; !at && i + sizeof marker - 1 <= raw.len; i++)
        if (memcmp(raw.data + i, marker, sizeof marker - 1) == 0)
            at = raw.data + i;
    ck_assert_ptr_nonnull(at);
    ck_assert_uint_eq(at[-1], sizeof marker - 1);
    ck_assert_uint_eq(at[-2], ELA_ATTR_MEMO);
    at[-2] = 0x55;
    reject_bytes(&raw, R_ENCODING);
    /* the unaltered bytes of the same block go through the same entry point */
    at[-2] = ELA_ATTR_MEMO;
    ela_validation_state st;
    ela_validation_init(&st);
    ela_block_status r = ela_chain_process_block_bytes(F.chain, &st, raw.data, raw.len);
    ck_assert_msg(r == ELA_BLOCK_CONNECTED, "got %s (%s)", chainfix_status_name(r), st.reason);
    ela_bytes_clear(&raw);
    ela_block_clear(&v);
}
END_TEST

/* ---- §4.3: context ------------------------------------------------------------------------ */

START_TEST(tx_unknown_reference)
{
    ela_block v, m;
    tx_case(&v, &m);
    m.txs[1].inputs[0].prev_txid.b[0] ^= 0xff;
    tx_case_finish(&v, &m, false, R_MISSING_REF);
}
END_TEST

/* An index past the end of an existing tx is a missing reference too (§4.3 step 3). */
START_TEST(tx_reference_index_out_of_range)
{
    ela_block v, m;
    tx_case(&v, &m);
    m.txs[1].inputs[0].prev_index = 200;
    tx_case_finish(&v, &m, false, R_MISSING_REF);
}
END_TEST

/* §5: references are resolved against the chain before the block. */
START_TEST(tx_spends_same_block_output)
{
    spend s = one_spendable(0);
    ela_block v, m;
    build_with_transfer(&v, &s, 1000);
    chainfix_block_copy(&m, &v);
    const ela_tx *first = &m.txs[1];
    spend in = {.in = {.prev_txid = first->txid, .prev_index = 0, .sequence = 0xffffffffu},
                .value = first->outputs[0].value};
    ela_tx tx;
    start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &in, 1);
    ela_uint168 ph;
    key_ph(&ph, 3);
    add_output(&tx, &ph, in.value - 1000, 0);
    sign_tx(&tx, &m);
    add_tx(&m, &tx, 1000);
    reject(&m, R_MISSING_REF);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* §3.2 step 8: one outpoint spent by two transactions of the block. */
START_TEST(double_spend_in_block)
{
    spend s = one_spendable(0);
    ela_block v, m;
    build_with_transfer(&v, &s, 1000);
    chainfix_block_copy(&m, &v);
    ela_tx tx;
    make_transfer(&tx, &s, 1, 2000, 1, 3); /* a different tx over the same outpoint */
    add_tx(&m, &tx, 2000);
    reject(&m, R_INPUTS_DUP_BLOCK);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* §4.3 step 7: spending an output an earlier block spent. */
START_TEST(double_spend_across_blocks)
{
    spend s = one_spendable(0);
    ela_block b1;
    build_with_transfer(&b1, &s, 1000);
    accept(&b1);
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    ela_tx tx;
    make_transfer(&tx, &s, 1, 3000, 1, 2);
    add_tx(&m, &tx, 3000);
    reject(&m, R_DOUBLE_SPEND);
    accept(&v);
    ela_block_clear(&b1);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* §4.3 step 2: a transaction already in the main chain, replayed. */
START_TEST(tx_already_in_chain)
{
    ela_uint256 tip;
    ela_chain_tip_hash(F.chain, &tip);
    ela_block last;
    ck_assert(ela_chain_get_block(F.chain, &last, &tip));
    ck_assert_uint_ge(last.n_txs, 2);
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    append_copy(&m, &last.txs[1]);
    chaingen_seal(&m);
    reject(&m, R_TX_IN_CHAIN);
    accept(&v);
    ela_block_clear(&last);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* A coinbase output of height c of the generator, still unspent. */
static spend coinbase_output(uint32_t c)
{
    ela_uint256 hash;
    ck_assert(ela_chain_hash_at(F.chain, &hash, c));
    ela_block b;
    ck_assert(ela_chain_get_block(F.chain, &b, &hash));
    const ela_tx *cb = &b.txs[0];
    for (size_t i = 0; i < cb->output_count; i++) {
        if (key_of_ph(&cb->outputs[i].program_hash) < 0)
            continue;
        ela_coin coin;
        memset(&coin, 0, sizeof coin);
        if (!ela_chain_get_coin(F.chain, &coin, &cb->txid, (uint16_t)i))
            continue;
        ck_assert(coin.flags & ELA_COIN_COINBASE);
        ck_assert_uint_eq(coin.tx_lock_time, cb->lock_time);
        ela_coin_clear(&coin);
        spend s = {.in = {.prev_txid = cb->txid, .prev_index = (uint16_t)i,
                          .sequence = 0xffffffffu},
                   .value = cb->outputs[i].value,
                   .ph = cb->outputs[i].program_hash};
        ela_block_clear(&b);
        return s;
    }
    ck_abort_msg("no unspent generator output in the coinbase of block %u", c);
}

/* §4.3 step 15: tip - coinbase.lockTime >= 100 with tip = H - 1. The generator's coinbases
 * carry lockTime = their height. */
START_TEST(coinbase_maturity_boundary)
{
    uint32_t tip = tip_height();
    spend young = coinbase_output(tip - 99);
    spend ripe = coinbase_output(tip - 100);
    ela_coin c;
    memset(&c, 0, sizeof c);
    ck_assert(ela_chain_get_coin(F.chain, &c, &young.in.prev_txid, young.in.prev_index));
    ck_assert_uint_eq(c.tx_lock_time, tip - 99);
    ela_coin_clear(&c);

    ela_block m, v;
    build_with_transfer(&m, &young, 1000);
    reject(&m, R_IMMATURE);
    build_with_transfer(&v, &ripe, 1000);
    accept(&v);
    ela_block_clear(&m);
    ela_block_clear(&v);
}
END_TEST

/* §9 quirk 4: maturity counts from the coinbase's lockTime, which nothing checks. A coinbase
 * with lockTime 0 is spendable in the very next block; one with lockTime above the tip wraps
 * around and is mature too. */
static void coinbase_lock_time_quirk(uint32_t lock_time)
{
    ela_block b1;
    build(&b1, 0);
    b1.txs[0].lock_time = lock_time;
    chaingen_seal(&b1);
    accept(&b1);
    spend s = coinbase_output(b1.header.height);
    ela_block b2;
    build_with_transfer(&b2, &s, 1000);
    accept(&b2);
    ela_block_clear(&b1);
    ela_block_clear(&b2);
}

START_TEST(coinbase_lock_time_zero_mature)
{
    coinbase_lock_time_quirk(0);
}
END_TEST

START_TEST(coinbase_lock_time_future_mature)
{
    coinbase_lock_time_quirk(0xfffffff0u);
}
END_TEST

/* and with its honest lockTime the same spend is premature */
/* §9 quirk 5: before the DPoS 2.0 layout nothing checks where a coinbase's output[0] goes;
 * only the amounts count (§3.5 era C, §4.7.1). */
START_TEST(coinbase_output0_address_unchecked)
{
    ela_block b;
    build(&b, 0);
    ela_uint168 foundation = chainfix_params()->foundation;
    ck_assert(ela_uint168_equal(&b.txs[0].outputs[0].program_hash, &foundation));
    key_ph(&b.txs[0].outputs[0].program_hash, 0);
    chaingen_seal(&b);
    accept(&b);
    ela_block_clear(&b);
}
END_TEST

/* §9 quirk 5: the coinbase is exempt from the "hash never seen" rule, so a block whose coinbase
 * repeats an earlier coinbase byte for byte (same lockTime, nonce and outputs: possible while
 * the reward is unchanged) is accepted, and the tx index then points at the later block.
 * Disconnecting that block (by a reorganisation) must give the earlier entry back. */
START_TEST(coinbase_repeated_txid_accepted)
{
    ela_block b1, b2, c2, c3;
    build(&b1, 0);
    accept(&b1);
    chaingen_branch *fork = chaingen_branch_copy(F.br);
    build(&b2, 0);
    ela_tx_clear(&b2.txs[0]);
    chainfix_tx_copy(&b2.txs[0], &b1.txs[0]);
    chaingen_seal(&b2);
    ck_assert(ela_uint256_equal(&b2.txs[0].txid, &b1.txs[0].txid));
    accept(&b2);

    ela_tx tx;
    ela_uint256 bh;
    uint32_t h = 0;
    ck_assert(ela_chain_get_tx(F.chain, &tx, &bh, &h, &b1.txs[0].txid));
    ck_assert_uint_eq(h, b2.header.height);
    ck_assert(ela_uint256_equal(&bh, &b2.header.hash));
    ela_tx_clear(&tx);

    /* A heavier branch from b1 disconnects b2. */
    chaingen_build_block(gen(), &c2, fork, 0, 2);
    chaingen_branch_accept(fork, &c2);
    chaingen_build_block(gen(), &c3, fork, 0, 2);
    ela_validation_state st;
    ck_assert_int_eq(chainfix_process(&F, &st, &c2), ELA_BLOCK_SIDE);
    ck_assert_int_eq(chainfix_process(&F, &st, &c3), ELA_BLOCK_CONNECTED);
    ck_assert(ela_chain_get_tx(F.chain, &tx, &bh, &h, &b1.txs[0].txid));
    ck_assert_uint_eq(h, b1.header.height);
    ck_assert(ela_uint256_equal(&bh, &b1.header.hash));
    ela_tx_clear(&tx);
    /* b1's coinbase outputs are unspent coins again. */
    ela_coin coin;
    memset(&coin, 0, sizeof coin);
    ck_assert(ela_chain_get_coin(F.chain, &coin, &b1.txs[0].txid, 1));
    ck_assert_uint_eq(coin.height, b1.header.height);
    ela_coin_clear(&coin);

    chaingen_branch_free(F.br);
    F.br = fork;
    chaingen_branch_accept(F.br, &c3);
    ela_block_clear(&b1);
    ela_block_clear(&b2);
    ela_block_clear(&c2);
    ela_block_clear(&c3);
}
END_TEST

START_TEST(coinbase_honest_lock_time_immature)
{
    ela_block b1;
    build(&b1, 0);
    ck_assert_uint_eq(b1.txs[0].lock_time, b1.header.height);
    accept(&b1);
    spend s = coinbase_output(b1.header.height);
    ela_block m, v;
    build_with_transfer(&m, &s, 1000);
    reject(&m, R_IMMATURE);
    build(&v, 1);
    accept(&v);
    ela_block_clear(&b1);
    ela_block_clear(&m);
    ela_block_clear(&v);
}
END_TEST

/* ---- §4.4: programs ----------------------------------------------------------------------- */

/* Changes the Nonce attribute of tx 1 of m and signs it again: a valid tx with a new txid, so
 * that m's id differs from the valid block's (the cases below break the programs, which the id
 * does not cover; tx_bad_signature_same_id is the case where it stays). */
static void new_txid(ela_block *m)
{
    ela_tx *tx = &m->txs[1];
    ck_assert_uint_ge(tx->attribute_count, 1);
    ck_assert_uint_eq(tx->attributes[0].usage, ELA_ATTR_NONCE);
    tx->attributes[0].data.data[0] ^= 0x80;
    sign_tx(tx, m);
}

START_TEST(tx_bad_signature)
{
    ela_block v, m;
    tx_case(&v, &m);
    new_txid(&m);
    ck_assert_uint_eq(m.txs[1].program_count, 1);
    ck_assert_uint_eq(m.txs[1].programs[0].parameter.len, 65);
    m.txs[1].programs[0].parameter.data[20] ^= 0x01;
    tx_case_finish(&v, &m, false, R_SIG);
}
END_TEST

/* Programs are outside the txid, hence outside the merkle root and the block id (§4 "Tx
 * identity"): anyone relaying a block can break a signature without changing its id. The
 * refusal must not mark the id failed, or the genuine block would be refused after it. */
START_TEST(tx_bad_signature_same_id)
{
    ela_block v, m;
    build(&v, 2);
    chainfix_block_copy(&m, &v);
    m.txs[2].programs[0].parameter.data[40] ^= 0x01;
    ela_block_update(&m); /* txids, root and id do not change */
    ck_assert(ela_uint256_equal(&m.header.hash, &v.header.hash));
    ck_assert(ela_uint256_equal(&m.header.merkle_root, &v.header.merkle_root));
    reject(&m, R_SIG);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* The signature is valid, but by a key whose code does not hash to the spent address. */
START_TEST(tx_wrong_program)
{
    ela_block v, m;
    tx_case(&v, &m);
    ela_coin c;
    memset(&c, 0, sizeof c);
    ck_assert(ela_chain_get_coin(F.chain, &c, &m.txs[1].inputs[0].prev_txid,
                                 m.txs[1].inputs[0].prev_index));
    int owner = key_of_ph(&c.out.program_hash);
    ela_coin_clear(&c);
    ck_assert_int_ge(owner, 0);
    size_t other = (size_t)(owner + 1) % CHAINFIX_NKEYS;
    new_txid(&m);
    set_programs(&m.txs[1], &other, 1);
    tx_case_finish(&v, &m, false, R_PROGRAM_HASH);
}
END_TEST

/* A signature over other data (the tx before a change) fails the same way as a flipped one. */
START_TEST(tx_signature_of_other_tx)
{
    ela_block v, m;
    tx_case(&v, &m);
    m.txs[1].outputs[0].value -= 10; /* fee grows; the old signature no longer matches */
    rebalance(&m, 10);
    tx_case_finish(&v, &m, false, R_SIG);
}
END_TEST

/* §4.4 step 1: a Script attribute adds a program hash that needs its own program. */
START_TEST(tx_script_attribute)
{
    spend s = one_spendable(0);
    int owner = key_of_ph(&s.ph);
    ck_assert_int_ge(owner, 0);
    size_t extra = (size_t)(owner + 1) % CHAINFIX_NKEYS;
    ela_uint168 eph;
    key_ph(&eph, extra);

    ela_block base, m, v;
    build(&base, 0);
    chainfix_block_copy(&m, &base);
    chainfix_block_copy(&v, &base);
    ela_tx tx;
    start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &s, 1);
    add_attribute(&tx, ELA_ATTR_SCRIPT, eph.b, sizeof eph.b);
    add_output(&tx, &eph, s.value - 1000, 0);
    ela_tx good;
    size_t only_owner = (size_t)owner;
    set_programs(&tx, &only_owner, 1);
    chainfix_tx_copy(&good, &tx);
    add_tx(&m, &tx, 1000);
    reject(&m, R_PROGRAM_COUNT);
    sign_tx(&good, NULL); /* both keys */
    ck_assert_uint_eq(good.program_count, 2);
    add_tx(&v, &good, 1000);
    accept(&v);
    ela_block_clear(&base);
    ela_block_clear(&m);
    ela_block_clear(&v);
}
END_TEST

/* ---- §4.3 steps 8, 10-13: amounts, locks, special addresses ------------------------------ */

START_TEST(tx_fee_boundary)
{
    spend s = one_spendable(0);
    ela_block m, v;
    build_with_transfer(&m, &s, 99);
    reject(&m, R_FEE);
    build_with_transfer(&v, &s, 100);
    accept(&v);
    ela_block_clear(&m);
    ela_block_clear(&v);
}
END_TEST

START_TEST(tx_outputs_exceed_inputs)
{
    ela_block v, m;
    tx_case(&v, &m);
    m.txs[1].outputs[0].value += 1001; /* fee -1 */
    tx_case_finish(&v, &m, true, R_BALANCE);
}
END_TEST

/* §4.3 step 8 and §4.5: an output locked to height L is spent with sequence 0xFFFFFFFE and
 * lockTime >= L (and final: lockTime < H). */
START_TEST(tx_output_lock)
{
    spend s = one_spendable(0);
    ela_block b1;
    build(&b1, 0);
    uint32_t lock = b1.header.height;
    ela_tx tx;
    start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &s, 1);
    ela_uint168 ph;
    key_ph(&ph, 1);
    add_output(&tx, &ph, 20000000, lock);
    add_output(&tx, &ph, s.value - 20000000 - 1000, 0);
    sign_tx(&tx, NULL);
    add_tx(&b1, &tx, 1000);
    accept(&b1);
    spend locked = {.in = {.prev_txid = b1.txs[1].txid, .prev_index = 0,
                           .sequence = 0xffffffffu},
                    .value = 20000000};

    struct {
        uint32_t sequence, lock_time;
        const char *reason;
    } cases[] = {
        {0xffffffffu, lock, R_LOCK_SEQUENCE},     /* wrong sequence */
        {0xfffffffeu, lock - 1, R_OUTPUT_LOCKED}, /* lockTime below the lock */
        {0xfffffffeu, lock, NULL},              /* satisfied */
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        ela_block b2;
        build(&b2, 0);
        start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &locked, 1);
        tx.inputs[0].sequence = cases[i].sequence;
        tx.lock_time = cases[i].lock_time;
        add_output(&tx, &ph, locked.value - 1000, 0);
        sign_tx(&tx, NULL);
        add_tx(&b2, &tx, 1000);
        if (cases[i].reason)
            reject(&b2, cases[i].reason);
        else
            accept(&b2);
        ela_block_clear(&b2);
    }
    ela_block_clear(&b1);
}
END_TEST

static void destroy_ph(ela_uint168 *out)
{
    ck_assert(ela_uint168_from_hex(out, DESTROY_PH));
}

/* §4.3 step 11: paying DESTROY is fine, spending from it never is. */
START_TEST(tx_spend_destroy_output)
{
    spend s = one_spendable(0);
    ela_block b1;
    build(&b1, 0);
    ela_tx tx;
    start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &s, 1);
    ela_uint168 burn, ph;
    destroy_ph(&burn);
    key_ph(&ph, 0);
    add_output(&tx, &burn, 10000, 0);
    add_output(&tx, &ph, s.value - 10000 - 1000, 0);
    sign_tx(&tx, NULL);
    add_tx(&b1, &tx, 1000);
    accept(&b1);

    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    spend burnt = {.in = {.prev_txid = b1.txs[1].txid, .prev_index = 0,
                          .sequence = 0xffffffffu},
                   .value = 10000};
    start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &burnt, 1);
    add_output(&tx, &ph, 9000, 0);
    size_t key = 0; /* nobody has the DESTROY key; the rule must refuse before signatures */
    set_programs(&tx, &key, 1);
    add_tx(&m, &tx, 1000);
    reject(&m, R_DESTROY);
    accept(&v);
    ela_block_clear(&b1);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* §4.3 step 13: a 0x1f deposit output belongs in producer/CR registrations only. */
START_TEST(tx_deposit_output)
{
    ela_block v, m;
    tx_case(&v, &m);
    uint8_t pub[33], code[ELA_STANDARD_CODE_SIZE];
    key_pub(pub, 0);
    ela_contract_standard_code(code, pub);
    ela_contract_deposit_program_hash(&m.txs[1].outputs[0].program_hash, code, sizeof code);
    ck_assert_uint_eq(m.txs[1].outputs[0].program_hash.b[0], ELA_PREFIX_DEPOSIT);
    tx_case_finish(&v, &m, true, R_DEPOSIT_OUT);
}
END_TEST

/* Zero-value outputs are legal (§4.1 step 4). */
START_TEST(tx_zero_value_output)
{
    spend s = one_spendable(0);
    ela_block v;
    build(&v, 0);
    ela_tx tx;
    start_tx(&tx, ELA_TX_TRANSFER_ASSET, 0, &s, 1);
    ela_uint168 ph;
    key_ph(&ph, 0);
    add_output(&tx, &ph, 0, 0);
    add_output(&tx, &ph, s.value - 1000, 0);
    sign_tx(&tx, NULL);
    add_tx(&v, &tx, 1000);
    accept(&v);
    ela_coin c;
    memset(&c, 0, sizeof c);
    ck_assert(ela_chain_get_coin(F.chain, &c, &v.txs[1].txid, 0));
    ck_assert_int_eq(c.out.value, 0);
    ela_coin_clear(&c);
    ela_block_clear(&v);
}
END_TEST

/* ---- §4.7: transaction types -------------------------------------------------------------- */

/* §4.7.7 and §5 / §9 quirk 7: a RegisterAsset is valid, but the unspent index ignores it: its
 * outputs can never be spent, and the output it spent stays spendable. */
START_TEST(register_asset_outputs_unspendable)
{
    spend s = one_spendable(0);
    ela_block b1;
    build(&b1, 0);
    ela_tx tx;
    start_tx(&tx, ELA_TX_REGISTER_ASSET, 0, &s, 1);
    ela_payload_register_asset *ra = &tx.payload.u.register_asset;
    ela_bytes_set(&ra->name, (const uint8_t *)"TESTASSET", 9);
    ela_bytes_set(&ra->description, (const uint8_t *)"rules", 5);
    ra->precision = 8;
    ra->amount = 100000000;
    key_ph(&ra->controller, 0);
    ela_uint168 ph;
    key_ph(&ph, 0);
    add_output(&tx, &ph, s.value - 1000, 0);
    sign_tx(&tx, NULL);
    add_tx(&b1, &tx, 1000);
    accept(&b1);
    ela_uint256 asset_tx = b1.txs[1].txid;
    ela_coin c;
    memset(&c, 0, sizeof c);
    ck_assert(!ela_chain_get_coin(F.chain, &c, &asset_tx, 0));
    ck_assert(ela_chain_get_coin(F.chain, &c, &s.in.prev_txid, s.in.prev_index));
    ela_coin_clear(&c);

    ela_block m;
    build(&m, 0);
    spend out = {.in = {.prev_txid = asset_tx, .prev_index = 0, .sequence = 0xffffffffu},
                 .value = s.value - 1000};
    ela_tx spend_tx;
    make_transfer(&spend_tx, &out, 1, 1000, 1, 0);
    add_tx(&m, &spend_tx, 1000);
    reject(&m, R_ASSET_OUTPUT);

    ela_block v;
    build_with_transfer(&v, &s, 1000); /* the RegisterAsset's own input, spent again */
    accept(&v);
    ela_block_clear(&b1);
    ela_block_clear(&m);
    ela_block_clear(&v);
}
END_TEST

/* §4.7.7: a Record tx is an ordinary paying tx with a payload. */
START_TEST(record_accepted)
{
    spend s = one_spendable(0);
    ela_block m, v;
    build(&v, 0);
    ela_tx tx;
    start_tx(&tx, ELA_TX_RECORD, 0, &s, 1);
    ela_bytes_set(&tx.payload.u.record.type, (const uint8_t *)"note", 4);
    ela_bytes_set(&tx.payload.u.record.content, (const uint8_t *)"hello elad", 10);
    ela_uint168 ph;
    key_ph(&ph, 1);
    add_output(&tx, &ph, s.value - 100, 0);
    sign_tx(&tx, NULL);
    ela_tx bad;
    chainfix_tx_copy(&bad, &tx);
    add_tx(&v, &tx, 100);
    /* and the fee rule applies to it as to a transfer */
    build(&m, 0);
    bad.outputs[0].value += 1;
    sign_tx(&bad, NULL);
    add_tx(&m, &bad, 99);
    reject(&m, R_FEE);
    accept(&v);
    ela_block_clear(&m);
    ela_block_clear(&v);
}
END_TEST

/* §4.7.8: types whose rules need BPoS/CR state are refused, never waved through. */
START_TEST(register_producer_needs_state)
{
    ela_block v, m;
    build(&v, 1);
    spend s = unused_spendable(&v);
    chainfix_block_copy(&m, &v);
    ela_tx tx;
    start_tx(&tx, ELA_TX_REGISTER_PRODUCER, 0, &s, 1);
    ela_payload_producer_info *pi = &tx.payload.u.producer_info;
    uint8_t owner[33], node[33], code[ELA_STANDARD_CODE_SIZE];
    key_pub(owner, 0);
    key_pub(node, 1);
    ela_bytes_set(&pi->owner_key, owner, sizeof owner);
    ela_bytes_set(&pi->node_public_key, node, sizeof node);
    ela_bytes_set(&pi->nickname, (const uint8_t *)"rules", 5);
    ela_bytes_set(&pi->url, (const uint8_t *)"http://127.0.0.1", 16);
    ela_bytes_set(&pi->net_address, (const uint8_t *)"127.0.0.1:1", 11);
    /* the payload signature of the owner over the payload's unsigned part */
    ela_writer w;
    ela_writer_init(&w);
    ela_payload_write_unsigned(&w, &tx.payload);
    ela_bytes unsig;
    ela_writer_release(&w, &unsig);
    uint8_t sig[64];
    ck_assert(ela_ecdsa_sign(sig, chaingen_key_priv(gen(), 0), unsig.data, unsig.len));
    ela_bytes_clear(&unsig);
    ela_bytes_set(&pi->signature, sig, sizeof sig);
    ela_contract_standard_code(code, owner);
    ela_uint168 deposit;
    ela_contract_deposit_program_hash(&deposit, code, sizeof code);
    add_output(&tx, &deposit, s.value - 1000, 0);
    sign_tx(&tx, NULL);
    add_tx(&m, &tx, 1000);
    reject(&m, ELA_REASON_NEEDS_STATE);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* §4.7.4 v0 (H <= NewCrossChainStartHeight): a deposit to a side chain. The tx fee must be at
 * least MinCrossChainTxFee (10,000). */
static void make_deposit(ela_tx *tx, const spend *s, int64_t fee)
{
    start_tx(tx, ELA_TX_TRANSFER_CROSSCHAIN_ASSET, 0, s, 1);
    ela_uint256 side_genesis;
    memset(&side_genesis, 0x5c, sizeof side_genesis);
    ela_uint168 xph, ph;
    ela_contract_crosschain_program_hash(&xph, &side_genesis);
    key_ph(&ph, 0);
    const int64_t deposit = 20000000;
    add_output(tx, &xph, deposit, 0);
    add_output(tx, &ph, s->value - deposit - fee, 0);
    ela_payload_transfer_crosschain_asset *p = &tx->payload.u.transfer_crosschain_asset;
    p->entries = ela_xcalloc(1, sizeof *p->entries);
    p->count = 1;
    static const char addr[] = "EKxbxWU7BxaT3MGbXSuTu8bbUphW5hvtxQ";
    ela_bytes_set(&p->entries[0].address, (const uint8_t *)addr, sizeof addr - 1);
    p->entries[0].output_index = 0;
    p->entries[0].amount = deposit - F.params.min_crosschain_tx_fee;
    sign_tx(tx, NULL);
}

START_TEST(crosschain_deposit_v0)
{
    ck_assert_uint_gt(F.params.new_crosschain_start_height, tip_height() + 1);
    spend s = one_spendable(0);
    ela_block m, v;
    build(&m, 0);
    ela_tx tx;
    make_deposit(&tx, &s, F.params.min_crosschain_tx_fee - 1);
    add_tx(&m, &tx, F.params.min_crosschain_tx_fee - 1);
    reject(&m, R_CROSSCHAIN_FEE);
    build(&v, 0);
    make_deposit(&tx, &s, F.params.min_crosschain_tx_fee);
    add_tx(&v, &tx, F.params.min_crosschain_tx_fee);
    accept(&v);
    ela_block_clear(&m);
    ela_block_clear(&v);
}
END_TEST

/* §4.7.3: a "new" SideChainPow (no inputs, one zero output) must be signed by the on-duty
 * cross-chain arbiter; this one is signed by a key that is not an arbiter. */
START_TEST(sidechain_pow_refused)
{
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    ela_tx tx;
    start_tx(&tx, ELA_TX_SIDECHAIN_POW, 0, NULL, 0);
    ela_bytes_clear(&tx.attributes[0].data);
    free(tx.attributes);
    tx.attributes = NULL;
    tx.attribute_count = 0;
    ela_payload_sidechain_pow *p = &tx.payload.u.sidechain_pow;
    memset(&p->side_block_hash, 0x11, sizeof p->side_block_hash);
    memset(&p->side_genesis_hash, 0x22, sizeof p->side_genesis_hash);
    p->block_height = 7;
    uint8_t signed_part[68];
    memcpy(signed_part, p->side_block_hash.b, 32);
    memcpy(signed_part + 32, p->side_genesis_hash.b, 32);
    memcpy(signed_part + 64, &p->block_height, 4); /* little-endian hosts only */
    uint8_t sig[64];
    ck_assert(ela_ecdsa_sign(sig, chaingen_key_priv(gen(), 0), signed_part, sizeof signed_part));
    ela_bytes_set(&p->signature, sig, sizeof sig);
    ela_uint168 ph;
    key_ph(&ph, 0);
    add_output(&tx, &ph, 0, 0);
    add_tx(&m, &tx, 0);
    reject(&m, R_SIDECHAIN_POW);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* §4.7.5: a withdrawal needs the cross-chain arbiters of the BPoS state. */
START_TEST(withdraw_refused)
{
    ela_block v, m;
    build(&v, 1);
    spend s = unused_spendable(&v);
    chainfix_block_copy(&m, &v);
    ela_tx tx;
    start_tx(&tx, ELA_TX_WITHDRAW_FROM_SIDECHAIN, 0, &s, 1);
    ela_payload_withdraw_from_sidechain *p = &tx.payload.u.withdraw_from_sidechain;
    p->block_height = 10;
    ela_bytes_set(&p->genesis_block_address, (const uint8_t *)"XKUh4GLhFJiqAMTF6HyWQrV9pK9HcGUdfJ",
                  34);
    p->side_chain_tx_hashes.items = ela_xcalloc(1, sizeof(ela_uint256));
    p->side_chain_tx_hashes.items[0].b[0] = 0x33;
    p->side_chain_tx_hashes.count = 1;
    ela_uint168 ph;
    key_ph(&ph, 0);
    add_output(&tx, &ph, s.value - 1000, 0);
    sign_tx(&tx, NULL);
    add_tx(&m, &tx, 1000);
    reject(&m, R_WITHDRAW);
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* A cross-chain (0x4b) multisig program of the listed generator keys (m of n) whose parameter
 * holds a signature by each of the first `nsig` keys over the unsigned tx. */
static void set_crosschain_program(ela_tx *tx, unsigned m, const size_t *keys, size_t n,
                                   size_t nsig)
{
    uint8_t pubs[8][33];
    ck_assert_uint_le(n, 8);
    for (size_t i = 0; i < n; i++)
        key_pub(pubs[i], keys[i]);
    ela_bytes code = {0};
    ck_assert(ela_contract_multisig_code(&code, m, (const uint8_t(*)[33])pubs, n, true));
    free_programs(tx);
    ela_bytes msg = {0};
    ela_tx_signed_data(&msg, tx);
    uint8_t *param = ela_xmalloc(65 * (nsig ? nsig : 1));
    for (size_t i = 0; i < nsig; i++) {
        param[65 * i] = 0x40;
        ck_assert(ela_ecdsa_sign(param + 65 * i + 1, chaingen_key_priv(gen(), keys[i]), msg.data,
                                 msg.len));
    }
    ela_bytes_clear(&msg);
    tx->programs = ela_xcalloc(1, sizeof *tx->programs);
    tx->program_count = 1;
    ela_bytes_set(&tx->programs[0].parameter, param, 65 * nsig);
    tx->programs[0].code = code;
    free(param);
    ela_tx_compute_hash(tx);
}

/* Block 1 of the cross-chain cases: a v0 deposit whose output 0 pays the side chain's X
 * address. Returns that output. */
static spend deposit_block(void)
{
    spend s = one_spendable(0);
    ela_block b1;
    build(&b1, 0);
    ela_tx tx;
    make_deposit(&tx, &s, F.params.min_crosschain_tx_fee);
    add_tx(&b1, &tx, F.params.min_crosschain_tx_fee);
    accept(&b1);
    const ela_tx *dep = &b1.txs[1];
    ck_assert_uint_eq(dep->outputs[0].program_hash.b[0], ELA_PREFIX_CROSSCHAIN);
    spend x = {.in = {.prev_txid = dep->txid, .prev_index = 0, .sequence = 0xffffffffu},
               .value = dep->outputs[0].value,
               .ph = dep->outputs[0].program_hash};
    ela_block_clear(&b1);
    return x;
}

/* §4.7.5: a v0 withdrawal from the X address, but signed by a script whose keys are not the
 * cross-chain arbiters (before CRClaimDPOSNodeStartHeight: n = the 5 origin arbiters, m > 3). */
START_TEST(withdraw_by_non_arbiters)
{
    spend x = deposit_block();
    ela_block v, m;
    build(&v, 1);
    chainfix_block_copy(&m, &v);
    ela_tx tx;
    start_tx(&tx, ELA_TX_WITHDRAW_FROM_SIDECHAIN, 0, &x, 1);
    ela_payload_withdraw_from_sidechain *p = &tx.payload.u.withdraw_from_sidechain;
    p->block_height = 10;
    char addr[ELA_ADDRESS_MAX];
    ck_assert(ela_address_from_program_hash(addr, &x.ph));
    ela_bytes_set(&p->genesis_block_address, (const uint8_t *)addr, strlen(addr));
    p->side_chain_tx_hashes.items = ela_xcalloc(1, sizeof(ela_uint256));
    p->side_chain_tx_hashes.items[0].b[0] = 0x34;
    p->side_chain_tx_hashes.count = 1;
    ela_uint168 ph;
    key_ph(&ph, 0);
    add_output(&tx, &ph, x.value - 1000, 0);
    ck_assert_uint_eq(F.params.n_origin_arbiters, 5);
    /* the shape the rule wants (4 of 5), the wrong keys: four generator keys and one more */
    size_t keys[5] = {0, 1, 2, 3, 0};
    uint8_t pubs[5][33];
    for (size_t i = 0; i < 4; i++)
        key_pub(pubs[i], keys[i]);
    uint8_t priv5[32];
    ck_assert(ela_keypair_generate(priv5, pubs[4]));
    ela_bytes code = {0};
    ck_assert(ela_contract_multisig_code(&code, 4, (const uint8_t(*)[33])pubs, 5, true));
    tx.programs = ela_xcalloc(1, sizeof *tx.programs);
    tx.program_count = 1;
    uint8_t param[4 * 65];
    memset(param, 0x40, sizeof param);
    ela_bytes_set(&tx.programs[0].parameter, param, sizeof param);
    tx.programs[0].code = code;
    add_tx(&m, &tx, 1000);
    reject(&m, "bad-withdraw-arbiters");
    accept(&v);
    ela_block_clear(&v);
    ela_block_clear(&m);
}
END_TEST

/* §9 quirk 8 and §4.4: a 0x4b program has no code-hash binding. Where the cross-chain UTXO
 * freeze is not active (regnet: never), an ordinary transfer spends an X-UTXO with any
 * cross-chain-shaped multisig, here 1 of 2 generator keys; the same with no signature at all
 * (m = 1, zero chunks) is refused. */
START_TEST(crosschain_utxo_any_script)
{
    ck_assert_uint_eq(F.params.crosschain_utxo_freeze_height, ELA_HEIGHT_NEVER);
    spend x = deposit_block();
    size_t keys[2] = {2, 3};
    ela_block m, v;
    build(&m, 0);
    build(&v, 0);
    ela_tx tx;
    unsigned_transfer(&tx, &x, 1, 1000, 1, 0);
    set_crosschain_program(&tx, 1, keys, 2, 0);
    add_tx(&m, &tx, 1000);
    reject(&m, R_SIG);
    unsigned_transfer(&tx, &x, 1, 1000, 1, 0);
    set_crosschain_program(&tx, 1, keys, 2, 1);
    add_tx(&v, &tx, 1000);
    accept(&v);
    ela_block_clear(&m);
    ela_block_clear(&v);
}
END_TEST

/* ---- suite -------------------------------------------------------------------------------- */

static void add(Suite *s, const char *name, const TTest *t)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, t);
    suite_add_tcase(s, tc);
}

#define ADD(s, t) add(s, #t, t)

int main(void)
{
    chainfix_global_init(110, 2, 2);
    Suite *s = suite_create("rules");
    ADD(s, fixture_valid);
    ADD(s, auxpow_high_hash);
    ADD(s, auxpow_bad_magic);
    ADD(s, auxpow_aux_branch);
    ADD(s, auxpow_coinbase_branch);
    ADD(s, auxpow_other_block);
    ADD(s, bits_not_expected);
    ADD(s, bits_above_pow_limit);
    ADD(s, bits_zero_target);
    ADD(s, time_too_new);
    ADD(s, time_too_old_and_equal_mtp);
    ADD(s, height_field_wrong);
    ADD(s, merkle_root_wrong);
    ADD(s, merkle_mutated_same_id);
    ADD(s, no_transactions);
    ADD(s, first_tx_not_coinbase);
    ADD(s, two_coinbases);
    ADD(s, duplicate_tx_in_block);
    ADD(s, too_many_transactions);
    ADD(s, block_too_large);
    ADD(s, header_too_large);
    ADD(s, coinbase_bad_input);
    ADD(s, coinbase_one_output);
    ADD(s, coinbase_wrong_total);
    ADD(s, coinbase_total_is_reward_plus_fees);
    ADD(s, coinbase_ratio);
    ADD(s, coinbase_with_program);
    ADD(s, coinbase_output_asset);
    ADD(s, nonfinal_lock_time);
    ADD(s, tx_output_negative);
    ADD(s, tx_output_asset_not_ela);
    ADD(s, tx_output_did_address);
    ADD(s, tx_no_inputs);
    ADD(s, tx_no_outputs);
    ADD(s, tx_null_prevout);
    ADD(s, tx_duplicate_input);
    ADD(s, tx_no_program);
    ADD(s, tx_schnorr_before_activation);
    ADD(s, tx_bad_attribute_usage);
    ADD(s, tx_unknown_reference);
    ADD(s, tx_reference_index_out_of_range);
    ADD(s, tx_spends_same_block_output);
    ADD(s, double_spend_in_block);
    ADD(s, double_spend_across_blocks);
    ADD(s, tx_already_in_chain);
    ADD(s, coinbase_maturity_boundary);
    ADD(s, coinbase_lock_time_zero_mature);
    ADD(s, coinbase_lock_time_future_mature);
    ADD(s, coinbase_honest_lock_time_immature);
    ADD(s, coinbase_output0_address_unchecked);
    ADD(s, coinbase_repeated_txid_accepted);
    ADD(s, tx_bad_signature);
    ADD(s, tx_bad_signature_same_id);
    ADD(s, tx_wrong_program);
    ADD(s, tx_signature_of_other_tx);
    ADD(s, tx_script_attribute);
    ADD(s, tx_fee_boundary);
    ADD(s, tx_outputs_exceed_inputs);
    ADD(s, tx_output_lock);
    ADD(s, tx_spend_destroy_output);
    ADD(s, tx_deposit_output);
    ADD(s, tx_zero_value_output);
    ADD(s, register_asset_outputs_unspendable);
    ADD(s, record_accepted);
    ADD(s, register_producer_needs_state);
    ADD(s, crosschain_deposit_v0);
    ADD(s, sidechain_pow_refused);
    ADD(s, withdraw_refused);
    ADD(s, withdraw_by_non_arbiters);
    ADD(s, crosschain_utxo_any_script);
    int rc = ela_test_run(s);
    chainfix_global_cleanup();
    return rc;
}
