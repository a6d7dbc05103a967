/* elad: the transaction pool (mempool.h, spec/consensus.md §6).
 *
 * Indexes, each O(1) or O(log n) per tx:
 *   - by txid: a hash map txid -> entry;
 *   - conflict slots: one hash map of keys "kind byte ‖ 34 bytes" -> the entry holding it;
 *   - admission order: a doubly linked list (getrawmempool, expiry, persistence);
 *   - eviction: a binary min-heap on fee rate (ties: the newest first), each entry knowing its
 *     position so that any removal is O(log n).
 *
 * Conflict slots (the reference's conflictmanager.go; first seen wins, a conflict refuses the
 * newcomer). Implemented: the spent outpoints of every type (slot TxInputsReferKeys), the
 * side-chain tx hashes of WithdrawFromSideChain v0 (payload) and v1 (output payloads)
 * (SidechainTxHashes), the deposit hashes of ReturnSideChainDepositCoin outputs
 * (SidechainReturnDepositTxHashes), the first program code of ReturnDepositCoin and
 * ReturnCRDepositCoin (ProgramCode), and the SideChainPow side genesis hash, which is not a
 * conflict but a replacement (a new SideChainPow evicts the pooled one with the same genesis
 * hash). The key mechanism is general (a kind and a byte string); the slots of the producer,
 * CR, proposal, DPoS v2, NFT and special-tx types (§6 step 5) wait for the BPoS/CR state: every
 * one of those types is refused today by the null state with needs-bpos-cr-state before it
 * could reach the slots. */
#include "mempool/mempool.h"

#include "chain/hmap.h"

#include <ela/hash.h>
#include <ela/log.h>
#include <ela/payload.h>
#include <ela/serialize.h>
#include <ela/txcheck.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- conflict keys ------------------------------------------------------------------------ */

#define KEY_LEN 35 /* kind + 34 bytes (an outpoint; hashes are zero-padded) */

enum {
    KEY_OUTPOINT = 1,     /* txid ‖ index (u16 LE) */
    KEY_WITHDRAW = 2,     /* side-chain tx hash */
    KEY_REFUND = 3,       /* deposit tx hash */
    KEY_PROGRAM_CODE = 4, /* SHA-256 of the code (variable length) */
    KEY_SIDEPOW = 5,      /* side genesis hash: replacement, not conflict */
};

typedef struct key {
    uint8_t b[KEY_LEN];
} key;

/* The reference's slot names, which its error texts carry ("slot %s verify tx error"). */
static const char *slot_name(uint8_t kind)
{
    switch (kind) {
    case KEY_OUTPOINT: return "TxInputsReferKeys";
    case KEY_WITHDRAW: return "SidechainTxHashes";
    case KEY_REFUND: return "SidechainReturnDepositTxHashes";
    case KEY_PROGRAM_CODE: return "ProgramCode";
    default: return "?";
    }
}

static void key_make(key *k, uint8_t kind, const uint8_t *p, size_t len)
{
    memset(k, 0, sizeof *k);
    k->b[0] = kind;
    memcpy(k->b + 1, p, len); /* len <= 34: fixed-size kinds only */
}

typedef struct keyset {
    key *k;
    size_t n, cap;
} keyset;

static void keyset_push(keyset *s, const key *k)
{
    for (size_t i = 0; i < s->n; i++) /* a tx repeating a hash in one slot holds it once */
        if (memcmp(s->k[i].b, k->b, KEY_LEN) == 0)
            return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->k = ela_xrealloc(s->k, s->cap * sizeof *s->k);
    }
    s->k[s->n++] = *k;
}

/* Every slot key tx holds (outpoints dominate; other kinds add a few). Outpoints are pushed
 * without the duplicate scan: sanity already refuses a tx spending one outpoint twice, and a
 * block tx repeating one only repeats a removal. */
static void tx_keys(keyset *s, const ela_tx *tx)
{
    memset(s, 0, sizeof *s);
    s->cap = tx->input_count + 4;
    s->k = ela_xmalloc(s->cap * sizeof *s->k);
    if (!ela_tx_is_coinbase(tx))
        for (size_t i = 0; i < tx->input_count; i++) {
            uint8_t op[34];
            memcpy(op, tx->inputs[i].prev_txid.b, 32);
            op[32] = (uint8_t)(tx->inputs[i].prev_index & 0xff);
            op[33] = (uint8_t)(tx->inputs[i].prev_index >> 8);
            key_make(&s->k[s->n++], KEY_OUTPOINT, op, sizeof op);
        }
    key k;
    switch (ela_tx_type(tx)) {
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN:
        if (ela_tx_payload_version(tx) == 1) {
            for (size_t i = 0; i < tx->output_count; i++)
                if (tx->outputs[i].type == ELA_OUTPUT_WITHDRAW) {
                    key_make(&k, KEY_WITHDRAW,
                             tx->outputs[i].payload.withdraw.sidechain_txid.b, 32);
                    keyset_push(s, &k);
                }
        } else {
            /* v0 lists the hashes in the payload; v2 carries none (its list is empty). */
            const ela_uint256_list *l = &tx->payload.u.withdraw_from_sidechain.side_chain_tx_hashes;
            for (size_t i = 0; i < l->count; i++) {
                key_make(&k, KEY_WITHDRAW, l->items[i].b, 32);
                keyset_push(s, &k);
            }
        }
        break;
    case ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN:
        for (size_t i = 0; i < tx->output_count; i++)
            if (tx->outputs[i].type == ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT) {
                key_make(&k, KEY_REFUND, tx->outputs[i].payload.return_deposit.deposit_txid.b,
                         32);
                keyset_push(s, &k);
            }
        break;
    case ELA_TX_RETURN_DEPOSIT_COIN:
    case ELA_TX_RETURN_CR_DEPOSIT_COIN:
        if (tx->program_count > 0) {
            uint8_t d[32];
            ela_sha256(d, tx->programs[0].code.data, tx->programs[0].code.len);
            key_make(&k, KEY_PROGRAM_CODE, d, sizeof d);
            keyset_push(s, &k);
        }
        break;
    case ELA_TX_SIDECHAIN_POW:
        key_make(&k, KEY_SIDEPOW, tx->payload.u.sidechain_pow.side_genesis_hash.b, 32);
        keyset_push(s, &k);
        break;
    default:
        break;
    }
}

/* ---- the pool ----------------------------------------------------------------------------- */

typedef struct entry {
    ela_tx tx;
    uint8_t *raw;
    size_t raw_len;
    int64_t fee;
    int64_t time;
    uint32_t height;
    uint64_t seq;  /* admission order */
    int64_t rate;  /* fee * 1000 / size: sela per KB */
    bool high;     /* high-priority type (§6 block template ordering) */
    keyset keys;
    struct entry *prev, *next;
    size_t heap_pos; /* SIZE_MAX: not in the heap */
} entry;

typedef struct queued {
    ela_tx tx;
    uint8_t *raw;
    size_t raw_len;
} queued;

struct ela_mempool {
    const ela_params *params;
    ela_chain *chain;
    size_t max_bytes;
    int64_t expiry; /* < 0: never */
    int64_t (*now)(void *ctx);
    void *now_ctx;

    ela_hmap by_txid; /* 32-byte txid -> entry */
    ela_hmap slots;   /* key -> entry */
    entry *head, *tail;
    size_t count, bytes;
    uint64_t seq, generation;

    entry **heap;
    size_t heap_n, heap_cap;

    queued *queue; /* txs of disconnected blocks, oldest block first */
    size_t queue_n, queue_cap;
};

static int64_t pool_now(const ela_mempool *mp)
{
    return mp->now ? mp->now(mp->now_ctx) : (int64_t)time(NULL);
}

/* ---- eviction heap (min fee rate at the top; equal rates: the newest on top) ---------------- */

static bool heap_less(const entry *a, const entry *b)
{
    if (a->rate != b->rate)
        return a->rate < b->rate;
    return a->seq > b->seq;
}

static void heap_set(ela_mempool *mp, size_t i, entry *e)
{
    mp->heap[i] = e;
    e->heap_pos = i;
}

static void heap_up(ela_mempool *mp, size_t i)
{
    entry *e = mp->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!heap_less(e, mp->heap[p]))
            break;
        heap_set(mp, i, mp->heap[p]);
        i = p;
    }
    heap_set(mp, i, e);
}

static void heap_down(ela_mempool *mp, size_t i)
{
    entry *e = mp->heap[i];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const entry *best = e;
        if (l < mp->heap_n && heap_less(mp->heap[l], best)) {
            m = l;
            best = mp->heap[l];
        }
        if (r < mp->heap_n && heap_less(mp->heap[r], best))
            m = r;
        if (m == i)
            break;
        heap_set(mp, i, mp->heap[m]);
        i = m;
    }
    heap_set(mp, i, e);
}

static void heap_push(ela_mempool *mp, entry *e)
{
    if (mp->heap_n == mp->heap_cap) {
        mp->heap_cap = mp->heap_cap ? mp->heap_cap * 2 : 64;
        mp->heap = ela_xrealloc(mp->heap, mp->heap_cap * sizeof *mp->heap);
    }
    mp->heap[mp->heap_n++] = e;
    heap_up(mp, mp->heap_n - 1);
}

static void heap_remove(ela_mempool *mp, entry *e)
{
    size_t i = e->heap_pos;
    if (i == SIZE_MAX)
        return;
    e->heap_pos = SIZE_MAX;
    entry *last = mp->heap[--mp->heap_n];
    if (i == mp->heap_n)
        return;
    heap_set(mp, i, last);
    heap_up(mp, i);
    heap_down(mp, last->heap_pos);
}

/* ---- entries ---------------------------------------------------------------------------- */

static bool high_priority(uint8_t t)
{
    switch (t) {
    case ELA_TX_REVERT_TO_POW:
    case ELA_TX_REVERT_TO_DPOS:
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE:
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE:
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE:
    case ELA_TX_INACTIVE_ARBITRATORS:
    case ELA_TX_SIDECHAIN_POW:
    case ELA_TX_UPDATE_VERSION:
    case ELA_TX_ACTIVATE_PRODUCER:
    case ELA_TX_CRC_APPROPRIATION:
    case ELA_TX_CR_ASSETS_RECTIFY:
    case ELA_TX_NEXT_TURN_DPOS_INFO:
        return true;
    default:
        return false;
    }
}

static void entry_free(entry *e)
{
    ela_tx_clear(&e->tx);
    free(e->raw);
    free(e->keys.k);
    free(e);
}

static void remove_entry(ela_mempool *mp, entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        mp->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        mp->tail = e->prev;
    ela_hmap_remove(&mp->by_txid, e->tx.txid.b);
    for (size_t i = 0; i < e->keys.n; i++)
        if (ela_hmap_get(&mp->slots, e->keys.k[i].b) == e)
            ela_hmap_remove(&mp->slots, e->keys.k[i].b);
    heap_remove(mp, e);
    mp->bytes -= e->raw_len;
    mp->count--;
    mp->generation++;
    entry_free(e);
}

/* The serialization of tx as bytes the caller frees. */
static uint8_t *serialize_tx(const ela_tx *tx, size_t *len)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, tx);
    ela_bytes b;
    ela_writer_release(&w, &b);
    *len = b.len;
    return b.data;
}

/* A deep copy of tx with its bytes: raw when it parses back to the same tx, else tx
 * re-serialized. */
static void copy_tx(ela_tx *out, uint8_t **raw_out, size_t *len_out, const ela_tx *tx,
                    const uint8_t *raw, size_t raw_len)
{
    if (raw) {
        if (ela_tx_parse(out, raw, raw_len, NULL) && ela_uint256_equal(&out->txid, &tx->txid)) {
            *raw_out = ela_xmalloc(raw_len ? raw_len : 1);
            memcpy(*raw_out, raw, raw_len);
            *len_out = raw_len;
            return;
        }
        ela_tx_clear(out);
    }
    *raw_out = serialize_tx(tx, len_out);
    bool ok = ela_tx_parse(out, *raw_out, *len_out, NULL);
    if (!ok) /* ela_tx_write output that ela_tx_read refuses: a library bug */
        abort();
}

/* ---- creation ---------------------------------------------------------------------------- */

ela_mempool *ela_mempool_new(const ela_mempool_options *opt)
{
    ela_mempool *mp = ela_xcalloc(1, sizeof *mp);
    mp->params = opt->params;
    mp->chain = opt->chain;
    mp->max_bytes = opt->max_bytes ? opt->max_bytes : ELA_MEMPOOL_DEFAULT_MAX_BYTES;
    mp->expiry = opt->expiry_seconds ? opt->expiry_seconds : ELA_MEMPOOL_DEFAULT_EXPIRY;
    mp->now = opt->now;
    mp->now_ctx = opt->now_ctx;
    ela_hmap_init(&mp->by_txid, 32);
    ela_hmap_init(&mp->slots, KEY_LEN);
    return mp;
}

static void queue_clear(ela_mempool *mp)
{
    for (size_t i = 0; i < mp->queue_n; i++) {
        ela_tx_clear(&mp->queue[i].tx);
        free(mp->queue[i].raw);
    }
    mp->queue_n = 0;
}

void ela_mempool_free(ela_mempool *mp)
{
    if (!mp)
        return;
    entry *e = mp->head;
    while (e) {
        entry *next = e->next;
        entry_free(e);
        e = next;
    }
    ela_hmap_clear(&mp->by_txid);
    ela_hmap_clear(&mp->slots);
    free(mp->heap);
    queue_clear(mp);
    free(mp->queue);
    free(mp);
}

/* ---- admission ----------------------------------------------------------------------------- */

static bool fail_internal(ela_validation_state *st, const char *what)
{
    ela_validation_init(st);
    return ela_validation_invalid(st, ELA_ERR_INTERNAL, "store-failure",
                                  "cannot read the chain store during %s", what);
}

/* The reference's texts for refusals whose wording wallets see (sendrawtransaction puts them
 * after "transaction validate error: "). */
static void reference_detail(ela_validation_state *st)
{
    if (strcmp(st->reason, "bad-txns-unknown-referenced") == 0)
        snprintf(st->detail, sizeof st->detail, "unknown referred transaction");
    else if (strcmp(st->reason, "bad-txns-duplicate") == 0)
        snprintf(st->detail, sizeof st->detail, "transaction already exist");
}

/* Context check of tx against the tip (§6 step 4). refs has tx->input_count entries; the
 * caller clears them. Returns 1 valid, 0 invalid (*st set), -1 store failure. */
static int context_check(ela_mempool *mp, ela_validation_state *st, int64_t *fee, ela_coin *refs,
                         const ela_tx *tx)
{
    uint32_t tip = ela_chain_height(mp->chain);
    ela_chain_view view;
    ela_chain_tip_view(mp->chain, &view);
    (void)ela_chain_view_failed(mp->chain); /* a stale flag is not ours */
    ela_tx_context ctx = {.height = tip + 1, .tip_height = tip, .timestamp = 0,
                          .in_block = false};
    bool ok = ela_tx_check_context(st, fee, refs, mp->params, &view,
                                   ela_chain_state(mp->chain), tx, &ctx);
    if (ela_chain_view_failed(mp->chain))
        return -1;
    return ok ? 1 : 0;
}

static void clear_refs(ela_coin *refs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ela_coin_clear(&refs[i]);
    free(refs);
}

/* Makes room for `size` more bytes by evicting txs whose fee rate is strictly below `rate`,
 * lowest first; nothing is evicted unless that yields enough room. */
static bool make_room(ela_mempool *mp, size_t size, int64_t rate)
{
    if (mp->bytes + size <= mp->max_bytes)
        return true;
    if (size > mp->max_bytes)
        return false;
    size_t need = mp->bytes + size - mp->max_bytes, freed = 0;
    entry **victims = NULL;
    size_t nv = 0, cap = 0;
    while (freed < need && mp->heap_n > 0 && mp->heap[0]->rate < rate) {
        entry *e = mp->heap[0];
        heap_remove(mp, e);
        if (nv == cap) {
            cap = cap ? cap * 2 : 8;
            victims = ela_xrealloc(victims, cap * sizeof *victims);
        }
        victims[nv++] = e;
        freed += e->raw_len;
    }
    bool ok = freed >= need;
    for (size_t i = 0; i < nv; i++) {
        if (ok) {
            char hex[ELA_UINT256_HEX_LEN + 1];
            ela_uint256_to_display(hex, &victims[i]->tx.txid);
            ela_log_debug(ELA_LOGC_VALIDATION, "mempool: evicting %s (%lld sela/KB) for room",
                          hex, (long long)victims[i]->rate);
            remove_entry(mp, victims[i]);
        } else {
            heap_push(mp, victims[i]);
        }
    }
    free(victims);
    return ok;
}

static bool accept_at(ela_mempool *mp, ela_validation_state *st, const ela_tx *tx,
                      const uint8_t *raw, size_t raw_len, int64_t when)
{
    ela_validation_init(st);
    uint8_t type = ela_tx_type(tx);
    /* §6 step 1. The reference answers a coinbase with ErrBlockIneffectiveCoinbase. */
    if (type == ELA_TX_COINBASE)
        return ela_validation_invalid(st, ELA_ERR_INEFFECTIVE_COINBASE, "txn-coinbase",
                                      "coinbase transaction is invalid");
    if (type == ELA_TX_RECORD_SPONSOR)
        return ela_validation_invalid(st, ELA_ERR_INVALID_TRANSACTION, "txn-record-sponsor",
                                      "record sponsor transaction cannot enter the pool");
    /* Step 3. */
    if (ela_hmap_get(&mp->by_txid, tx->txid.b))
        return ela_validation_invalid(st, ELA_ERR_TRANSACTION_DUPLICATE,
                                      "txn-already-in-mempool", "transaction already exist");

    /* Step 4: sanity, then the context check (its duplicate test first, so that a tx already
     * in the chain gets the reference's wording whatever else is wrong with it now). */
    uint32_t tip = ela_chain_height(mp->chain);
    if (!ela_tx_check_sanity(st, mp->params, tx, tip + 1))
        return false;
    ela_chain_view view;
    ela_chain_tip_view(mp->chain, &view);
    (void)ela_chain_view_failed(mp->chain);
    bool known = view.have_tx(view.ctx, &tx->txid);
    if (ela_chain_view_failed(mp->chain))
        return fail_internal(st, "the duplicate check");
    if (known)
        return ela_validation_invalid(st, ELA_ERR_TRANSACTION_DUPLICATE, "txn-already-known",
                                      "transaction already exist");

    size_t nin = tx->input_count;
    ela_coin *refs = ela_xcalloc(nin ? nin : 1, sizeof *refs);
    int64_t fee = 0;
    int rc = context_check(mp, st, &fee, refs, tx);
    if (rc < 0) {
        clear_refs(refs, nin);
        return fail_internal(st, "the context check");
    }
    if (rc == 0) {
        reference_detail(st);
        clear_refs(refs, nin);
        return false;
    }
    if (!ela_txcheck_programs(st, tx, refs)) {
        clear_refs(refs, nin);
        return false;
    }

    /* Step 5: conflict slots (after the SideChainPow replacement, which happens only once the
     * newcomer is known to get in). */
    keyset ks;
    tx_keys(&ks, tx);
    entry *replaced = NULL;
    for (size_t i = 0; i < ks.n; i++) {
        entry *holder = ela_hmap_get(&mp->slots, ks.k[i].b);
        if (!holder)
            continue;
        if (ks.k[i].b[0] == KEY_SIDEPOW) {
            replaced = holder;
            continue;
        }
        uint8_t kind = ks.k[i].b[0];
        free(ks.k);
        clear_refs(refs, nin);
        return ela_validation_invalid(st, ELA_ERR_DOUBLE_SPEND, "txn-mempool-conflict",
                                      "slot %s verify tx error", slot_name(kind));
    }

    /* Step 6: the byte cap, with eviction by fee rate (ours: the reference only refuses). */
    uint8_t *copy_raw;
    size_t copy_len;
    entry *e = ela_xcalloc(1, sizeof *e);
    copy_tx(&e->tx, &copy_raw, &copy_len, tx, raw, raw_len);
    e->raw = copy_raw;
    e->raw_len = copy_len;
    e->fee = fee;
    e->rate = copy_len ? (int64_t)((fee * 1000) / (int64_t)copy_len) : 0;
    if (replaced) /* as the reference: the old one goes even if the cap then refuses */
        remove_entry(mp, replaced);
    if (!make_room(mp, copy_len, e->rate)) {
        entry_free(e);
        free(ks.k);
        clear_refs(refs, nin);
        return ela_validation_invalid(st, ELA_ERR_TRANSACTION_POOL_SIZE, "mempool-full",
                                      "over capacity");
    }

    ela_chain_sigcache_add(mp->chain, tx, refs);
    clear_refs(refs, nin);

    e->time = when;
    e->height = tip;
    e->seq = mp->seq++;
    e->high = high_priority(type);
    e->keys = ks;
    e->heap_pos = SIZE_MAX;
    e->prev = mp->tail;
    if (mp->tail)
        mp->tail->next = e;
    else
        mp->head = e;
    mp->tail = e;
    ela_hmap_put(&mp->by_txid, e->tx.txid.b, e);
    for (size_t i = 0; i < ks.n; i++)
        ela_hmap_put(&mp->slots, ks.k[i].b, e);
    heap_push(mp, e);
    mp->bytes += copy_len;
    mp->count++;
    mp->generation++;
    return true;
}

bool ela_mempool_accept(ela_mempool *mp, ela_validation_state *st, const ela_tx *tx,
                        const uint8_t *raw, size_t raw_len)
{
    return accept_at(mp, st, tx, raw, raw_len, pool_now(mp));
}

/* ---- queries ------------------------------------------------------------------------------ */

size_t ela_mempool_count(const ela_mempool *mp) { return mp->count; }
size_t ela_mempool_bytes(const ela_mempool *mp) { return mp->bytes; }
uint64_t ela_mempool_generation(const ela_mempool *mp) { return mp->generation; }

bool ela_mempool_contains(const ela_mempool *mp, const ela_uint256 *txid)
{
    return ela_hmap_get(&mp->by_txid, txid->b) != NULL;
}

const ela_tx *ela_mempool_get(const ela_mempool *mp, const ela_uint256 *txid)
{
    const entry *e = ela_hmap_get(&mp->by_txid, txid->b);
    return e ? &e->tx : NULL;
}

const uint8_t *ela_mempool_get_raw(const ela_mempool *mp, const ela_uint256 *txid, size_t *len)
{
    const entry *e = ela_hmap_get(&mp->by_txid, txid->b);
    if (!e)
        return NULL;
    *len = e->raw_len;
    return e->raw;
}

bool ela_mempool_spends(const ela_mempool *mp, const ela_uint256 *txid, uint16_t index)
{
    uint8_t op[34];
    memcpy(op, txid->b, 32);
    op[32] = (uint8_t)(index & 0xff);
    op[33] = (uint8_t)(index >> 8);
    key k;
    key_make(&k, KEY_OUTPOINT, op, sizeof op);
    return ela_hmap_get(&mp->slots, k.b) != NULL;
}

static void fill_entry(ela_mempool_entry *out, const entry *e)
{
    out->tx = &e->tx;
    out->raw = e->raw;
    out->raw_len = e->raw_len;
    out->fee = e->fee;
    out->time = e->time;
    out->height = e->height;
}

void ela_mempool_foreach(const ela_mempool *mp, bool (*fn)(void *ctx, const ela_mempool_entry *e),
                         void *ctx)
{
    for (const entry *e = mp->head; e; e = e->next) {
        ela_mempool_entry x;
        fill_entry(&x, e);
        if (!fn(ctx, &x))
            return;
    }
}

static int cmp_template(const void *a, const void *b)
{
    const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
    if (x->high != y->high)
        return x->high ? -1 : 1;
    if (x->rate != y->rate)
        return x->rate > y->rate ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

size_t ela_mempool_sorted(const ela_mempool *mp, ela_mempool_entry **out)
{
    size_t n = mp->count;
    entry **v = ela_xmalloc((n ? n : 1) * sizeof *v);
    size_t i = 0;
    for (entry *e = mp->head; e; e = e->next)
        v[i++] = e;
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_template);
    *out = ela_xmalloc((n ? n : 1) * sizeof **out);
    for (i = 0; i < n; i++)
        fill_entry(&(*out)[i], v[i]);
    free(v);
    return n;
}

/* ---- maintenance ------------------------------------------------------------------------- */

void ela_mempool_block_connected(ela_mempool *mp, const ela_block *b, uint32_t height)
{
    (void)height;
    for (size_t t = 0; t < b->n_txs; t++) {
        const ela_tx *tx = &b->txs[t];
        if (ela_tx_is_coinbase(tx))
            continue;
        entry *e = ela_hmap_get(&mp->by_txid, tx->txid.b);
        if (e)
            remove_entry(mp, e);
        /* Pooled txs spending what the block spends, or taking its withdraw / refund /
         * program-code slots, can never be valid now. A SideChainPow key is a replacement
         * key, not a conflict: the after-block revalidation decides on those. */
        keyset ks;
        tx_keys(&ks, tx);
        for (size_t i = 0; i < ks.n; i++) {
            if (ks.k[i].b[0] == KEY_SIDEPOW)
                continue;
            entry *holder = ela_hmap_get(&mp->slots, ks.k[i].b);
            if (holder)
                remove_entry(mp, holder);
        }
        free(ks.k);
    }
}

void ela_mempool_block_disconnected(ela_mempool *mp, const ela_block *b, uint32_t height)
{
    (void)height;
    size_t add = 0;
    for (size_t t = 0; t < b->n_txs; t++)
        add += !ela_tx_is_coinbase(&b->txs[t]);
    if (!add)
        return;
    if (mp->queue_n + add > mp->queue_cap) {
        mp->queue_cap = (mp->queue_n + add) * 2;
        mp->queue = ela_xrealloc(mp->queue, mp->queue_cap * sizeof *mp->queue);
    }
    /* Blocks are disconnected tip first: putting each block's txs in front keeps the queue
     * in chain order (oldest block first), the order they can be re-admitted in. */
    memmove(mp->queue + add, mp->queue, mp->queue_n * sizeof *mp->queue);
    size_t k = 0;
    for (size_t t = 0; t < b->n_txs; t++) {
        const ela_tx *tx = &b->txs[t];
        if (ela_tx_is_coinbase(tx))
            continue;
        queued *q = &mp->queue[k++];
        ela_tx_init(&q->tx);
        copy_tx(&q->tx, &q->raw, &q->raw_len, tx, NULL, 0);
    }
    mp->queue_n += add;
}

static bool expired(const ela_mempool *mp, const entry *e, int64_t now)
{
    return mp->expiry >= 0 && now - e->time > mp->expiry;
}

size_t ela_mempool_expire(ela_mempool *mp)
{
    int64_t now = pool_now(mp);
    size_t n = 0;
    entry *e = mp->head;
    while (e) {
        entry *next = e->next;
        if (expired(mp, e, now)) {
            remove_entry(mp, e);
            n++;
        }
        e = next;
    }
    return n;
}

size_t ela_mempool_update(ela_mempool *mp)
{
    int64_t now = pool_now(mp);
    for (size_t i = 0; i < mp->queue_n; i++) {
        queued *q = &mp->queue[i];
        ela_validation_state st;
        if (!accept_at(mp, &st, &q->tx, q->raw, q->raw_len, now))
            ela_log_debug(ELA_LOGC_VALIDATION, "mempool: tx of a disconnected block not "
                          "re-admitted: %s %s", st.reason, st.detail);
    }
    queue_clear(mp);

    /* §6 "after every processed block": the context check again (signatures do not depend on
     * the chain: the outputs a tx spends never change), and the expiry. */
    size_t dropped = 0;
    uint32_t tip = ela_chain_height(mp->chain);
    entry *e = mp->head;
    while (e) {
        entry *next = e->next;
        bool drop = expired(mp, e, now);
        if (!drop) {
            ela_validation_state st;
            ela_validation_init(&st);
            if (!ela_tx_check_sanity(&st, mp->params, &e->tx, tip + 1)) {
                drop = true;
            } else {
                size_t nin = e->tx.input_count;
                ela_coin *refs = ela_xcalloc(nin ? nin : 1, sizeof *refs);
                int64_t fee = 0;
                int rc = context_check(mp, &st, &fee, refs, &e->tx);
                clear_refs(refs, nin);
                if (rc < 0)
                    ela_log_warn(ELA_LOGC_VALIDATION, "mempool: store failure while "
                                 "revalidating; keeping the tx");
                drop = rc == 0;
            }
            if (drop)
                ela_log_debug(ELA_LOGC_VALIDATION, "mempool: dropping a tx that is no longer "
                              "valid: %s %s", st.reason, st.detail);
        }
        if (drop) {
            remove_entry(mp, e);
            dropped++;
        }
        e = next;
    }
    return dropped;
}

bool ela_mempool_remove(ela_mempool *mp, const ela_uint256 *txid)
{
    entry *e = ela_hmap_get(&mp->by_txid, txid->b);
    if (!e)
        return false;
    remove_entry(mp, e);
    return true;
}

/* ---- persistence ----------------------------------------------------------------------------
 *
 * File: "ELAMPOOL" (8 bytes), version u32 LE (1), count u64 LE, then per tx (admission order):
 * admission time i64 LE, length u32 LE, the tx bytes; then SHA-256 of everything before it. */

static const uint8_t FILE_MAGIC[8] = {'E', 'L', 'A', 'M', 'P', 'O', 'O', 'L'};
#define FILE_VERSION 1u
#define FILE_HEADER (8 + 4 + 8)
#define FILE_MAX (1u << 30) /* far above any pool the byte cap allows */

static bool write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool ela_mempool_save(const ela_mempool *mp, const char *path, char *err, size_t errlen)
{
    ela_writer w;
    ela_writer_init(&w);
    for (size_t i = 0; i < sizeof FILE_MAGIC; i++)
        ela_write_u8(&w, FILE_MAGIC[i]);
    ela_write_u32(&w, FILE_VERSION);
    ela_write_u64(&w, (uint64_t)mp->count);
    for (const entry *e = mp->head; e; e = e->next) {
        ela_write_i64(&w, e->time);
        ela_write_u32(&w, (uint32_t)e->raw_len);
        for (size_t i = 0; i < e->raw_len; i++)
            ela_write_u8(&w, e->raw[i]);
    }
    uint8_t sum[32];
    ela_sha256(sum, w.data, w.len);
    for (size_t i = 0; i < sizeof sum; i++)
        ela_write_u8(&w, sum[i]);

    size_t plen = strlen(path);
    char *tmp = ela_xmalloc(plen + 5);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    bool ok = false;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
    } else if (!write_all(fd, w.data, w.len) || fsync(fd) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
    } else if (close(fd) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
    } else if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
    } else {
        ok = true;
    }
    free(tmp);
    ela_writer_clear(&w);
    return ok;
}

/* Reads the whole file into *out (caller frees). 1 read, 0 missing, -1 error (err set). */
static int read_file(uint8_t **out, size_t *len, const char *path, char *err, size_t errlen)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 65536, n = 0;
    uint8_t *buf = ela_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap >= FILE_MAX) {
                snprintf(err, errlen, "%s is damaged: larger than %u bytes", path, FILE_MAX);
                free(buf);
                fclose(f);
                return -1;
            }
            cap *= 2;
            buf = ela_xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "cannot read %s", path);
        free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 1;
}

typedef struct saved_tx {
    int64_t time;
    ela_tx tx;
    const uint8_t *raw;
    size_t raw_len;
} saved_tx;

bool ela_mempool_load(ela_mempool *mp, const char *path, size_t *loaded, size_t *skipped,
                      char *err, size_t errlen)
{
    *loaded = 0;
    *skipped = 0;
    uint8_t *buf;
    size_t len;
    int rc = read_file(&buf, &len, path, err, errlen);
    if (rc <= 0)
        return rc == 0;

    bool ok = false;
    saved_tx *v = NULL;
    size_t nparsed = 0;
    if (len < FILE_HEADER + 32) {
        snprintf(err, errlen, "%s is damaged: truncated (%zu bytes)", path, len);
        goto out;
    }
    if (memcmp(buf, FILE_MAGIC, sizeof FILE_MAGIC) != 0) {
        snprintf(err, errlen, "%s is not a saved mempool (bad magic)", path);
        goto out;
    }
    uint32_t version = ela_get_u32le(buf + 8);
    if (version != FILE_VERSION) {
        snprintf(err, errlen, "%s has unsupported version %u", path, version);
        goto out;
    }
    uint8_t sum[32];
    ela_sha256(sum, buf, len - 32);
    if (memcmp(sum, buf + len - 32, 32) != 0) {
        snprintf(err, errlen, "%s is damaged: checksum mismatch", path);
        goto out;
    }
    ela_reader r;
    ela_reader_init(&r, buf + 12, len - 12 - 32);
    uint64_t count;
    if (!ela_read_u64(&r, &count) || count > ela_reader_left(&r) / 12) {
        snprintf(err, errlen, "%s is damaged: bad tx count", path);
        goto out;
    }
    v = ela_xcalloc(count ? (size_t)count : 1, sizeof *v);
    for (size_t i = 0; i < count; i++) {
        uint32_t n;
        const uint8_t *p;
        const char *why = NULL;
        if (!ela_read_i64(&r, &v[i].time) || !ela_read_u32(&r, &n) ||
            !ela_read_view(&r, &p, n)) {
            snprintf(err, errlen, "%s is damaged: truncated at tx %zu", path, i);
            goto out;
        }
        if (!ela_tx_parse(&v[i].tx, p, n, &why)) {
            snprintf(err, errlen, "%s is damaged: tx %zu: %s", path, i, why ? why : "bad");
            goto out;
        }
        nparsed = i + 1;
        v[i].raw = p;
        v[i].raw_len = n;
    }
    if (ela_reader_left(&r) != 0) {
        snprintf(err, errlen, "%s is damaged: trailing bytes", path);
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        ela_validation_state st;
        if (accept_at(mp, &st, &v[i].tx, v[i].raw, v[i].raw_len, v[i].time))
            (*loaded)++;
        else
            (*skipped)++;
    }
    ok = true;
out:
    for (size_t i = 0; i < nparsed; i++)
        ela_tx_clear(&v[i].tx);
    free(v);
    free(buf);
    return ok;
}
