/* elad: block assembly and mining (mining.h): templates, the aux-block cache, discrete mining
 * and the CPU miner on the node's event loop. */
#include "mining/mining.h"

#include "mempool/mempool.h"

#include <ela/auxpow.h>
#include <ela/blockcheck.h>
#include <ela/genesis.h>
#include <ela/log.h>
#include <ela/payload.h>
#include <ela/pow.h>
#include <ela/serialize.h>
#include <ela/txcheck.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The coinbase payload version the reference's miner writes (payload.CoinBaseVersion). */
#define COINBASE_PAYLOAD_VERSION 4
/* Hashes of templates that were dropped (tip changed, or pushed out by newer ones) that the
 * miner still recognises as "stale" rather than "unknown". */
#define STALE_RING 256
/* Parent nonces one CPU-miner slice grinds before handing the loop back. */
#define CPU_SLICE_NONCES 50000u
/* The CPU miner rebuilds its template this often (seconds) to take in new txs and time. */
#define CPU_REFRESH_SECONDS 5
/* discretemining gives up on a block after this much grinding (the reference's budget). */
#define DISCRETE_BUDGET_SECONDS 30.0
#define DISCRETE_CHUNK_NONCES (1u << 18)

/* ---- small helpers ------------------------------------------------------------------------ */

static double mono_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void random_bytes(uint8_t *p, size_t n)
{
    if (RAND_bytes(p, (int)n) != 1) {
        /* Only uniqueness matters for the coinbase nonce: fall back to clock and address. */
        uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)(uintptr_t)p << 16) ^
                     (uint64_t)(mono_seconds() * 1e9);
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            p[i] = (uint8_t)(x >> 56);
        }
    }
}

/* A set of spent outpoints (open addressing), to refuse a tx that spends what an earlier
 * template tx spends. */
typedef struct outpoint_set {
    ela_uint256 *txid;
    uint16_t *index;
    bool *used;
    size_t cap, n;
} outpoint_set;

static size_t op_slot(const outpoint_set *s, const ela_uint256 *txid, uint16_t index)
{
    uint64_t h;
    memcpy(&h, txid->b, sizeof h);
    h ^= (uint64_t)index * 0x9e3779b97f4a7c15u;
    size_t i = (size_t)(h % s->cap);
    while (s->used[i] && !(s->index[i] == index && ela_uint256_equal(&s->txid[i], txid)))
        i = (i + 1) % s->cap;
    return i;
}

static void op_init(outpoint_set *s)
{
    memset(s, 0, sizeof *s);
}

static void op_clear(outpoint_set *s)
{
    free(s->txid);
    free(s->index);
    free(s->used);
    memset(s, 0, sizeof *s);
}

static bool op_has(const outpoint_set *s, const ela_uint256 *txid, uint16_t index)
{
    return s->cap && s->used[op_slot(s, txid, index)];
}

static void op_add(outpoint_set *s, const ela_uint256 *txid, uint16_t index)
{
    if ((s->n + 1) * 2 > s->cap) {
        outpoint_set g = {.cap = s->cap ? s->cap * 2 : 64};
        g.txid = ela_xcalloc(g.cap, sizeof *g.txid);
        g.index = ela_xcalloc(g.cap, sizeof *g.index);
        g.used = ela_xcalloc(g.cap, sizeof *g.used);
        for (size_t i = 0; i < s->cap; i++)
            if (s->used[i]) {
                size_t j = op_slot(&g, &s->txid[i], s->index[i]);
                g.used[j] = true;
                g.txid[j] = s->txid[i];
                g.index[j] = s->index[i];
                g.n++;
            }
        op_clear(s);
        *s = g;
    }
    size_t i = op_slot(s, txid, index);
    if (!s->used[i]) {
        s->used[i] = true;
        s->txid[i] = *txid;
        s->index[i] = index;
        s->n++;
    }
}

/* ---- block assembly ----------------------------------------------------------------------- */

static void build_coinbase(ela_tx *cb, const ela_template_options *opt, uint32_t height)
{
    const ela_params *p = opt->params;
    ela_tx_init(cb);
    /* Heights from PublicDPOSHeight (tx version 9) are refused before we get here. */
    cb->version = 0;
    ela_payload_init(&cb->payload, ELA_TX_COINBASE, COINBASE_PAYLOAD_VERSION);
    const char *info = opt->miner_info ? opt->miner_info : "";
    ela_bytes_set(&cb->payload.u.coinbase.content, (const uint8_t *)info, strlen(info));

    cb->attribute_count = 1;
    cb->attributes = ela_xcalloc(1, sizeof *cb->attributes);
    cb->attributes[0].usage = ELA_ATTR_NONCE;
    uint8_t nonce[8];
    random_bytes(nonce, sizeof nonce);
    ela_bytes_set(&cb->attributes[0].data, nonce, sizeof nonce);

    cb->input_count = 1;
    cb->inputs = ela_xcalloc(1, sizeof *cb->inputs);
    cb->inputs[0].prev_index = UINT16_MAX;
    cb->inputs[0].sequence = UINT32_MAX;

    ela_uint256 asset;
    ela_genesis_asset_id(&asset);
    /* outputs[0] goes to the CR assets address from CRCommitteeStartHeight (§1.7). */
    const ela_uint168 *cr =
        height >= p->cr_committee_start_height ? &ela_ph_cr_assets : &p->foundation;
    /* outputs[0] CR share, outputs[1] miner, outputs[2] the remainder to the foundation
     * (pow/service.go AssignCoinbaseTxRewards below PublicDPOSHeight). Values come later. */
    cb->output_count = 3;
    cb->outputs = ela_xcalloc(3, sizeof *cb->outputs);
    const ela_uint168 *to[3] = {cr, opt->payto, &p->foundation};
    for (size_t i = 0; i < 3; i++) {
        cb->outputs[i].asset_id = asset;
        cb->outputs[i].program_hash = *to[i];
        cb->outputs[i].type = ELA_OUTPUT_NONE;
    }
    cb->lock_time = height;
    ela_tx_compute_hash(cb);
}

/* Types the per-block uniqueness rules (§3.3) look at. */
static bool dup_sensitive(const ela_tx *tx)
{
    switch (ela_tx_type(tx)) {
    case ELA_TX_RECORD_SPONSOR:
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN:
    case ELA_TX_REGISTER_PRODUCER:
    case ELA_TX_UPDATE_PRODUCER:
    case ELA_TX_CANCEL_PRODUCER:
    case ELA_TX_REGISTER_CR:
    case ELA_TX_UPDATE_CR:
    case ELA_TX_UNREGISTER_CR:
        return true;
    default:
        return false;
    }
}

static bool copy_tx(ela_tx *out, const ela_mempool_entry *e)
{
    if (e->raw)
        return ela_tx_parse(out, e->raw, e->raw_len, NULL);
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, e->tx);
    bool ok = ela_tx_parse(out, w.data, w.len, NULL);
    ela_writer_clear(&w);
    return ok;
}

/* Takes the mempool's txs in its order into b (coinbase already there); returns the fees. */
static int64_t take_mempool_txs(ela_block *b, size_t *total_size, const ela_template_options *opt,
                                uint32_t height)
{
    const ela_params *p = opt->params;
    ela_mempool_entry *entries = NULL;
    size_t n = ela_mempool_sorted(opt->mempool, &entries);
    ela_chain_view view;
    ela_chain_tip_view(opt->chain, &view);
    const ela_state_ops *state = ela_chain_state(opt->chain);
    ela_tx_context ctx = {.height = height, .tip_height = height - 1,
                          .timestamp = b->header.timestamp, .in_block = true};
    outpoint_set spent;
    op_init(&spent);
    int64_t fees = 0;
    (void)ela_chain_view_failed(opt->chain); /* start with a clean flag */

    for (size_t i = 0; i < n; i++) {
        const ela_tx *tx = entries[i].tx;
        if (ela_tx_is_coinbase(tx) || ela_tx_type(tx) == ELA_TX_RECORD_SPONSOR)
            continue;
        if (b->n_txs >= p->max_tx_per_block)
            break;
        if (*total_size + tx->size > p->max_block_context_size)
            continue;
        if (!ela_tx_is_final(tx, height))
            continue;
        bool conflict = false;
        for (size_t k = 0; k < tx->input_count && !conflict; k++)
            conflict = op_has(&spent, &tx->inputs[k].prev_txid, tx->inputs[k].prev_index);
        if (conflict)
            continue;

        /* The pool checked it against an earlier tip; check again against this one. */
        ela_coin *refs = ela_xcalloc(tx->input_count ? tx->input_count : 1, sizeof *refs);
        ela_validation_state tst;
        ela_validation_init(&tst);
        int64_t fee = 0;
        bool ok = ela_tx_check_context(&tst, &fee, refs, p, &view, state, tx, &ctx);
        for (size_t k = 0; k < tx->input_count; k++)
            ela_coin_clear(&refs[k]);
        free(refs);
        if (ela_chain_view_failed(opt->chain)) {
            ela_log_warn(ELA_LOGC_MINING, "template: store read failed while checking a tx; "
                         "leaving it out");
            continue;
        }
        if (!ok) {
            ela_log_debug(ELA_LOGC_MINING, "template: pooled tx left out: %s %s", tst.reason,
                          tst.detail);
            continue;
        }
        ela_tx copy;
        if (!copy_tx(&copy, &entries[i]))
            continue;
        ela_block_add_tx(b, &copy);
        if (dup_sensitive(tx)) {
            ela_validation_state dst;
            ela_validation_init(&dst);
            if (!ela_block_check_duplicates(&dst, b)) {
                b->n_txs--;
                ela_tx_clear(&b->txs[b->n_txs]);
                continue;
            }
        }
        for (size_t k = 0; k < tx->input_count; k++)
            op_add(&spent, &tx->inputs[k].prev_txid, tx->inputs[k].prev_index);
        *total_size += tx->size;
        fees += fee;
    }
    op_clear(&spent);
    free(entries);
    return fees;
}

bool ela_template_build(ela_block *out, int64_t *fees, ela_validation_state *st,
                        const ela_template_options *opt)
{
    assert(opt && opt->params && opt->chain && opt->payto);
    const ela_params *p = opt->params;
    ela_block_init(out);
    *fees = 0;

    ela_uint256 tip;
    ela_chain_tip_hash(opt->chain, &tip);
    uint32_t height = ela_chain_height(opt->chain) + 1;
    if (height >= p->public_dpos_height)
        return ela_validation_invalid(st, ELA_ERR_INTERNAL, ELA_REASON_NEEDS_STATE,
                                      "the coinbase of height %" PRIu32 " needs the DPoS round "
                                      "rewards (PublicDPOSHeight %" PRIu32 ")",
                                      height, p->public_dpos_height);
    uint32_t mtp;
    if (!ela_chain_median_time(opt->chain, &mtp, &tip))
        return ela_validation_invalid(st, ELA_ERR_INTERNAL, "store-failure",
                                      "cannot read the median time past of the tip");

    ela_block_header *h = &out->header;
    h->version = 0;
    h->prev = tip;
    int64_t ts = opt->now;
    if (ts <= (int64_t)mtp)
        ts = (int64_t)mtp + 1;
    if (ts > (int64_t)UINT32_MAX)
        ts = UINT32_MAX;
    h->timestamp = (uint32_t)ts;
    h->bits = ela_chain_next_bits(opt->chain);
    h->nonce = 0;
    h->height = height;

    ela_tx cb;
    build_coinbase(&cb, opt, height);
    size_t total_size = cb.size;
    ela_block_add_tx(out, &cb);

    if (opt->mempool)
        *fees = take_mempool_txs(out, &total_size, opt, height);

    int64_t cr, miner, rest;
    ela_reward_split_pre_dpos(&cr, &miner, &rest, ela_params_block_reward(p, height) + *fees);
    out->txs[0].outputs[0].value = cr;
    out->txs[0].outputs[1].value = miner;
    out->txs[0].outputs[2].value = rest;
    ela_block_update(out);
    return true;
}

/* ---- AuxPoW helpers ----------------------------------------------------------------------- */

/* The target bits decode to, when a hash can meet it (1..PowLimit). */
static bool solvable_target(ela_uint256 *target, uint32_t bits)
{
    bool negative = false;
    if (!ela_pow_compact_to_target(target, &negative, bits) || negative ||
        ela_uint256_is_zero(target))
        return false;
    ela_uint256 limit;
    ela_pow_limit(&limit);
    return ela_uint256_compare(target, &limit) <= 0;
}

/* Grinds parent nonces start .. start+count-1 (stopping at 2^32); true with the nonce set on
 * the first parent hash <= target. */
static bool grind(ela_auxpow *aux, const ela_uint256 *target, uint64_t start, uint64_t count)
{
    uint64_t end = start + count;
    if (end > (uint64_t)UINT32_MAX + 1)
        end = (uint64_t)UINT32_MAX + 1;
    for (uint64_t n = start; n < end; n++) {
        aux->parent_header.nonce = (uint32_t)n;
        ela_uint256 hash;
        ela_btc_header_hash(&hash, &aux->parent_header);
        if (ela_uint256_compare(&hash, target) <= 0)
            return true;
    }
    return false;
}

static size_t auxpow_size(const ela_auxpow *aux)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_auxpow_write(&w, aux);
    size_t n = w.len;
    ela_writer_clear(&w);
    return n;
}

/* Replaces b's AuxPoW with *aux (taken over) and keeps b->size current. */
static void attach_auxpow(ela_block *b, ela_auxpow *aux)
{
    size_t old = auxpow_size(&b->header.auxpow), now = auxpow_size(aux);
    ela_auxpow_clear(&b->header.auxpow);
    b->header.auxpow = *aux;
    memset(aux, 0, sizeof *aux);
    b->size = b->size - old + now;
}

bool ela_aux_solve(ela_block *b, uint32_t time, uint64_t max_nonces)
{
    ela_block_header_update_hash(&b->header);
    ela_uint256 target;
    if (!solvable_target(&target, b->header.bits))
        return false;
    ela_auxpow aux;
    ela_auxpow_init_solo(&aux, &b->header.hash, time);
    if (!grind(&aux, &target, 0, max_nonces)) {
        ela_auxpow_clear(&aux);
        return false;
    }
    attach_auxpow(b, &aux);
    return true;
}

/* ---- the miner ---------------------------------------------------------------------------- */

typedef struct aux_entry {
    ela_block block;
    ela_uint168 payto;
    int64_t created;
    uint64_t generation;
} aux_entry;

struct ela_miner {
    const ela_params *params;
    ela_chain *chain;
    struct ela_mempool *mempool;
    struct event_base *base;
    char *miner_info;
    bool has_payto;
    ela_uint168 payto;
    int64_t (*now)(void *ctx);
    void *now_ctx;
    ela_block_status (*submit)(void *ctx, ela_validation_state *st, const ela_block *b);
    void *submit_ctx;

    /* The aux cache: templates of cache_tip, oldest first. */
    bool have_cache_tip;
    ela_uint256 cache_tip;
    aux_entry *entries[ELA_AUX_MAX_TEMPLATES];
    size_t n_entries;
    ela_uint256 stale[STALE_RING];
    size_t n_stale, stale_pos;

    /* discretemining in progress (the submit callback may come back into the miner). */
    bool discrete_busy;

    /* The CPU miner. */
    bool mining;
    struct event *ev;
    bool have_work;
    ela_block work;
    ela_auxpow work_aux;
    ela_uint256 work_target;
    int64_t work_created;
    uint64_t next_nonce;
    uint64_t found;
    char last_error[64];
};

static int64_t miner_now(const ela_miner *m)
{
    return m->now ? m->now(m->now_ctx) : (int64_t)time(NULL);
}

static void remember_stale(ela_miner *m, const ela_uint256 *hash)
{
    m->stale[m->stale_pos] = *hash;
    m->stale_pos = (m->stale_pos + 1) % STALE_RING;
    if (m->n_stale < STALE_RING)
        m->n_stale++;
}

static bool is_stale(const ela_miner *m, const ela_uint256 *hash)
{
    for (size_t i = 0; i < m->n_stale; i++)
        if (ela_uint256_equal(&m->stale[i], hash))
            return true;
    return false;
}

static void entry_free(aux_entry *e)
{
    ela_block_clear(&e->block);
    free(e);
}

void ela_miner_tip_changed(ela_miner *m)
{
    for (size_t i = 0; i < m->n_entries; i++) {
        remember_stale(m, &m->entries[i]->block.header.hash);
        entry_free(m->entries[i]);
        m->entries[i] = NULL;
    }
    m->n_entries = 0;
    m->have_cache_tip = false;
}

/* Forgets the cache when the tip moved without ela_miner_tip_changed (e.g. no node). */
static void sync_cache_tip(ela_miner *m)
{
    ela_uint256 tip;
    ela_chain_tip_hash(m->chain, &tip);
    if (m->have_cache_tip && !ela_uint256_equal(&tip, &m->cache_tip))
        ela_miner_tip_changed(m);
    if (!m->have_cache_tip) {
        m->cache_tip = tip;
        m->have_cache_tip = true;
    }
}

static void cpu_slice(evutil_socket_t fd, short what, void *arg);

ela_miner *ela_miner_new(const ela_miner_options *opt)
{
    assert(opt && opt->params && opt->chain && opt->submit);
    ela_miner *m = ela_xcalloc(1, sizeof *m);
    m->params = opt->params;
    m->chain = opt->chain;
    m->mempool = opt->mempool;
    m->base = opt->base;
    const char *info = opt->miner_info ? opt->miner_info : "";
    m->miner_info = ela_xmemdup(info, strlen(info) + 1);
    if (opt->payto) {
        m->has_payto = true;
        m->payto = *opt->payto;
    }
    m->now = opt->now;
    m->now_ctx = opt->now_ctx;
    m->submit = opt->submit;
    m->submit_ctx = opt->submit_ctx;
    ela_block_init(&m->work);
    ela_auxpow_init(&m->work_aux);
    return m;
}

static void drop_work(ela_miner *m)
{
    ela_block_clear(&m->work);
    ela_auxpow_clear(&m->work_aux);
    m->have_work = false;
}

void ela_miner_free(ela_miner *m)
{
    if (!m)
        return;
    if (m->ev)
        event_free(m->ev);
    drop_work(m);
    for (size_t i = 0; i < m->n_entries; i++)
        entry_free(m->entries[i]);
    free(m->miner_info);
    free(m);
}

static bool build(ela_miner *m, ela_block *out, ela_validation_state *st,
                  const ela_uint168 *payto)
{
    ela_template_options o = {
        .params = m->params,
        .chain = m->chain,
        .mempool = m->mempool,
        .payto = payto,
        .miner_info = m->miner_info,
        .now = miner_now(m),
    };
    int64_t fees;
    if (ela_template_build(out, &fees, st, &o))
        return true;
    ela_block_clear(out);
    return false;
}

static void fill_aux_block(const ela_miner *m, ela_aux_block *out, const ela_block *b)
{
    out->hash = b->header.hash;
    out->prev = b->header.prev;
    out->height = ela_chain_height(m->chain);
    out->coinbase_value = b->txs[0].outputs[1].value;
    out->bits = b->header.bits;
}

bool ela_miner_create_aux(ela_miner *m, ela_aux_block *out, const ela_uint168 *payto,
                          ela_validation_state *st)
{
    sync_cache_tip(m);
    int64_t now = miner_now(m);
    uint64_t gen = m->mempool ? ela_mempool_generation(m->mempool) : 0;
    for (size_t i = m->n_entries; i-- > 0;) {
        const aux_entry *e = m->entries[i];
        if (!ela_uint168_equal(&e->payto, payto))
            continue;
        if (e->generation == gen || now - e->created < ELA_AUX_REFRESH_SECONDS) {
            fill_aux_block(m, out, &e->block);
            return true;
        }
        break; /* the newest for this address is out of date: build another */
    }

    aux_entry *e = ela_xcalloc(1, sizeof *e);
    if (!build(m, &e->block, st, payto)) {
        free(e);
        return false;
    }
    e->payto = *payto;
    e->created = now;
    e->generation = gen;
    if (m->n_entries == ELA_AUX_MAX_TEMPLATES) {
        remember_stale(m, &m->entries[0]->block.header.hash);
        entry_free(m->entries[0]);
        memmove(m->entries, m->entries + 1, (m->n_entries - 1) * sizeof *m->entries);
        m->n_entries--;
    }
    m->entries[m->n_entries++] = e;
    fill_aux_block(m, out, &e->block);
    char hex[ELA_UINT256_HEX_LEN + 1];
    ela_uint256_to_internal_hex(hex, &e->block.header.hash);
    ela_log_debug(ELA_LOGC_MINING, "aux template %s at height %" PRIu32 " with %zu txs", hex,
                  e->block.header.height, e->block.n_txs);
    return true;
}

/* A deep copy through the wire form (the template stays in the cache untouched). */
static bool block_copy(ela_block *dst, const ela_block *src)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, src);
    bool ok = ela_block_parse(dst, w.data, w.len, NULL);
    ela_writer_clear(&w);
    return ok;
}

/* *st after a submission that did not connect. */
static void describe_status(ela_validation_state *st, ela_block_status s)
{
    if (!ela_validation_ok(st))
        return;
    switch (s) {
    case ELA_BLOCK_DUPLICATE:
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "duplicate", "block already known");
        break;
    case ELA_BLOCK_SIDE:
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "inconclusive",
                               "stored on a side branch");
        break;
    case ELA_BLOCK_ORPHAN:
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "orphan", "parent unknown");
        break;
    default:
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "rejected", NULL);
        break;
    }
}

ela_aux_result ela_miner_submit_aux(ela_miner *m, ela_validation_state *st,
                                    const ela_uint256 *hash, const uint8_t *auxpow,
                                    size_t auxpow_len)
{
    /* As the reference: the AuxPoW is decoded before the template is looked up. */
    ela_auxpow aux;
    const char *why = NULL;
    if (!ela_auxpow_parse(&aux, auxpow, auxpow_len, &why)) {
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "bad-auxpow-encoding", "%s",
                               why ? why : "");
        return ELA_AUX_BAD_ENCODING;
    }

    sync_cache_tip(m);
    const aux_entry *e = NULL;
    for (size_t i = 0; i < m->n_entries && !e; i++)
        if (ela_uint256_equal(&m->entries[i]->block.header.hash, hash))
            e = m->entries[i];
    if (!e) {
        ela_auxpow_clear(&aux);
        if (is_stale(m, hash))
            ela_validation_invalid(st, ELA_ERR_INTERNAL, "aux-stale",
                                   "the template is for an earlier tip or was superseded");
        else
            ela_validation_invalid(st, ELA_ERR_INTERNAL, "aux-unknown-hash",
                                   "no template with this hash");
        return ELA_AUX_UNKNOWN;
    }

    /* Name the failed rule before the chain sees the block (the same rules and reasons as
     * block sanity, §3.2 steps 1-2). */
    if (!ela_auxpow_check(&aux, hash, ELA_AUX_CHAIN_ID, &why)) {
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "bad-auxpow", "%s", why ? why : "");
        ela_auxpow_clear(&aux);
        return ELA_AUX_REJECTED;
    }
    if (!ela_pow_check_auxpow(&aux, e->block.header.bits, &why)) {
        ela_validation_invalid(st, ELA_ERR_INTERNAL, why ? why : "high-hash",
                               "bits %08" PRIx32, e->block.header.bits);
        ela_auxpow_clear(&aux);
        return ELA_AUX_REJECTED;
    }

    ela_block b;
    if (!block_copy(&b, &e->block)) {
        ela_auxpow_clear(&aux);
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "rejected", "cannot copy the template");
        return ELA_AUX_REJECTED;
    }
    /* e may be freed by the submission (the node resets the cache when the tip moves). */
    e = NULL;
    attach_auxpow(&b, &aux);
    ela_block_status s = m->submit(m->submit_ctx, st, &b);
    ela_block_clear(&b);
    if (s == ELA_BLOCK_CONNECTED)
        return ELA_AUX_ACCEPTED;
    describe_status(st, s);
    return ELA_AUX_REJECTED;
}

/* ---- discrete mining ---------------------------------------------------------------------- */

/* Solves b with the synthetic AuxPoW within the discretemining budget. */
static bool solve_discrete(ela_miner *m, ela_block *b, ela_validation_state *st)
{
    ela_uint256 target;
    if (!solvable_target(&target, b->header.bits))
        return ela_validation_invalid(st, ELA_ERR_UNCLASSIFIED, "bad-diffbits",
                                      "bits %08" PRIx32 " cannot be met", b->header.bits);
    int64_t now = miner_now(m);
    ela_auxpow aux;
    ela_auxpow_init_solo(&aux, &b->header.hash,
                         now > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)(now < 0 ? 0 : now));
    double t0 = mono_seconds();
    for (uint64_t start = 0; start <= UINT32_MAX; start += DISCRETE_CHUNK_NONCES) {
        if (grind(&aux, &target, start, DISCRETE_CHUNK_NONCES)) {
            attach_auxpow(b, &aux);
            return true;
        }
        if (mono_seconds() - t0 > DISCRETE_BUDGET_SECONDS)
            break;
    }
    ela_auxpow_clear(&aux);
    return ela_validation_invalid(st, ELA_ERR_UNCLASSIFIED, "mining-timeout",
                                  "no solution within %.0f s", DISCRETE_BUDGET_SECONDS);
}

size_t ela_miner_discrete(ela_miner *m, ela_uint256 *hashes, uint32_t count,
                          ela_validation_state *st)
{
    if (m->mining || m->discrete_busy) {
        ela_validation_invalid(st, ELA_ERR_UNCLASSIFIED, "node-is-mining", "node is mining");
        return 0;
    }
    if (!m->has_payto) {
        ela_validation_invalid(st, ELA_ERR_UNCLASSIFIED, "no-payto",
                               "PayToAddr is not configured");
        return 0;
    }
    m->discrete_busy = true;
    size_t n = 0;
    while (n < count) {
        ela_block b;
        if (!build(m, &b, st, &m->payto))
            break;
        if (!solve_discrete(m, &b, st)) {
            ela_block_clear(&b);
            break;
        }
        ela_block_status s = m->submit(m->submit_ctx, st, &b);
        if (s != ELA_BLOCK_CONNECTED) {
            describe_status(st, s);
            ela_block_clear(&b);
            break;
        }
        hashes[n++] = b.header.hash;
        ela_block_clear(&b);
    }
    m->discrete_busy = false;
    return n;
}

/* ---- the CPU miner ------------------------------------------------------------------------ */

static void schedule(ela_miner *m, int seconds)
{
    struct timeval tv = {seconds, 0};
    evtimer_add(m->ev, &tv);
}

/* A template to grind, or false (logged once per distinct reason) when none can be built. */
static bool refresh_work(ela_miner *m)
{
    drop_work(m);
    ela_validation_state st;
    ela_validation_init(&st);
    if (!build(m, &m->work, &st, &m->payto)) {
        if (strcmp(st.reason, m->last_error) != 0) {
            ela_log_warn(ELA_LOGC_MINING, "CPU miner: cannot build a block: %s %s", st.reason,
                         st.detail);
            snprintf(m->last_error, sizeof m->last_error, "%s", st.reason);
        }
        return false;
    }
    m->last_error[0] = '\0';
    if (!solvable_target(&m->work_target, m->work.header.bits)) {
        ela_log_warn(ELA_LOGC_MINING, "CPU miner: bits %08" PRIx32 " cannot be met",
                     m->work.header.bits);
        ela_block_clear(&m->work);
        return false;
    }
    int64_t now = miner_now(m);
    m->work_created = now;
    ela_auxpow_init_solo(&m->work_aux, &m->work.header.hash,
                         now > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)(now < 0 ? 0 : now));
    m->next_nonce = 0;
    m->have_work = true;
    return true;
}

static void cpu_slice(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    ela_miner *m = arg;
    if (!m->mining)
        return;
    ela_uint256 tip;
    ela_chain_tip_hash(m->chain, &tip);
    if (!m->have_work || !ela_uint256_equal(&tip, &m->work.header.prev) ||
        miner_now(m) - m->work_created >= CPU_REFRESH_SECONDS ||
        m->next_nonce > UINT32_MAX) {
        if (!refresh_work(m)) {
            schedule(m, 1);
            return;
        }
    }
    bool hit = grind(&m->work_aux, &m->work_target, m->next_nonce, CPU_SLICE_NONCES);
    m->next_nonce += CPU_SLICE_NONCES;
    if (hit) {
        ela_block b = m->work;
        ela_block_init(&m->work);
        attach_auxpow(&b, &m->work_aux);
        drop_work(m);
        ela_validation_state st;
        ela_validation_init(&st);
        ela_block_status s = m->submit(m->submit_ctx, &st, &b);
        char hex[ELA_UINT256_HEX_LEN + 1];
        ela_uint256_to_display(hex, &b.header.hash);
        if (s == ELA_BLOCK_CONNECTED) {
            m->found++;
            ela_log_info(ELA_LOGC_MINING, "CPU miner: block %s at height %" PRIu32, hex,
                         b.header.height);
        } else {
            describe_status(&st, s);
            ela_log_warn(ELA_LOGC_MINING, "CPU miner: block %s refused: %s %s", hex, st.reason,
                         st.detail);
        }
        ela_block_clear(&b);
    }
    if (m->mining) /* the submission may have stopped us */
        schedule(m, 0);
}

bool ela_miner_set_mining(ela_miner *m, bool on, ela_validation_state *st)
{
    if (!on) {
        if (m->mining) {
            m->mining = false;
            if (m->ev)
                evtimer_del(m->ev);
            drop_work(m);
            ela_log_info(ELA_LOGC_MINING, "CPU miner stopped (%" PRIu64 " blocks found)",
                         m->found);
        }
        return true;
    }
    if (m->mining)
        return true;
    if (!m->has_payto)
        return ela_validation_invalid(st, ELA_ERR_UNCLASSIFIED, "no-payto",
                                      "PayToAddr is not configured");
    if (!m->base)
        return ela_validation_invalid(st, ELA_ERR_UNCLASSIFIED, "no-event-loop",
                                      "the miner has no event loop");
    if (m->discrete_busy)
        return ela_validation_invalid(st, ELA_ERR_UNCLASSIFIED, "node-is-mining",
                                      "node is mining");
    if (!m->ev) {
        m->ev = evtimer_new(m->base, cpu_slice, m);
        if (!m->ev)
            return ela_validation_invalid(st, ELA_ERR_INTERNAL, "no-memory",
                                          "cannot create the miner's timer");
    }
    m->mining = true;
    m->found = 0;
    m->last_error[0] = '\0';
    schedule(m, 0);
    ela_log_info(ELA_LOGC_MINING, "CPU miner started");
    return true;
}

bool ela_miner_is_mining(const ela_miner *m)
{
    return m->mining;
}

uint64_t ela_miner_blocks_found(const ela_miner *m)
{
    return m->found;
}
