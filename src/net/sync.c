/* elad: the protocol layer of the P2P network (peer.h): block sync (spec/p2p-rpc.md §6), relay
 * (§5.1), data serving (§5.2), the receiving rules (§5.3) with the stall timers of §4.4 for what
 * we asked for, and SPV serving (§8). */
#include "net/peer.h"

#include "chain/hmap.h"
#include "mempool/mempool.h"
#include "node/node.h"

#include <ela/chain.h>
#include <ela/log.h>
#include <ela/p2p.h>
#include <ela/payload.h>
#include <ela/serialize.h>

#include <event2/event.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KNOWN_INV_MAX 1000u     /* per-peer known-inventory MRU set (§4.5) */
#define REJECTED_MAX 1000u      /* recently rejected txs (§5.3) */
#define GETBLOCKS_BATCH 500u    /* hashes per getblocks answer (§5.2) */
#define TRICKLE_INV_MAX 1000u   /* tx hashes per trickled inv (§5.1) */
#define STALL_DEFAULT_MS 30000  /* §4.4 */
#define TRICKLE_DEFAULT_MS 5000 /* §4.4 */
#define PROGRESS_BLOCKS 2000u   /* progress log: every N blocks ... */
#define PROGRESS_SECONDS 10.0   /* ... or seconds, whichever comes first */

/* A set of hashes with a bound: the oldest insertion is dropped when full. */
typedef struct hash_mru {
    ela_hmap map; /* hash -> (void *)1 */
    ela_uint256 *ring;
    size_t cap, next, count;
} hash_mru;

static void mru_init(hash_mru *m, size_t cap)
{
    ela_hmap_init(&m->map, 32);
    m->ring = ela_xcalloc(cap, sizeof *m->ring);
    m->cap = cap;
    m->next = m->count = 0;
}

static void mru_clear(hash_mru *m)
{
    ela_hmap_clear(&m->map);
    free(m->ring);
    memset(m, 0, sizeof *m);
}

static void mru_reset(hash_mru *m)
{
    ela_hmap_clear(&m->map);
    m->next = m->count = 0;
}

static bool mru_has(const hash_mru *m, const ela_uint256 *h)
{
    return ela_hmap_get(&m->map, h->b) != NULL;
}

static void mru_add(hash_mru *m, const ela_uint256 *h)
{
    if (mru_has(m, h))
        return;
    if (m->count == m->cap)
        ela_hmap_remove(&m->map, m->ring[m->next].b);
    else
        m->count++;
    m->ring[m->next] = *h;
    m->next = (m->next + 1) % m->cap;
    ela_hmap_put(&m->map, h->b, (void *)1);
}

enum filter_kind {
    FILTER_NONE = 0,
    FILTER_BLOOM,   /* filterload, txfilter type 0 */
    FILTER_SIDE,    /* txfilter type 1: bloom + DPoS-related txs, DPOSHeader merkleblocks */
    FILTER_OTHER,   /* txfilter types 2-5: stored, match nothing (see match_confirmed) */
};

typedef struct peer_data {
    ela_peer *p;
    struct peer_data *prev, *next; /* the sync's list of peers */
    hash_mru known;                /* inventory the peer has (sent it to us or got it from us) */
    ela_hmap req_blocks;           /* block hash -> (void *)1: asked for, not yet received */
    ela_hmap req_txs;
    /* Duplicate getblocks suppression (§6.3 step 3). */
    bool gb_sent;
    ela_uint256 gb_begin, gb_stop;
    /* getdata items not served yet: served while the peer's output queue is below
     * ELA_PEER_SEND_HIGH, resumed when it drains (a peer asking for 500 blocks of 2 MB must not
     * make us queue a gigabyte). */
    ela_p2p_inv_vect *gd;
    size_t gd_head, gd_n, gd_cap;
    /* §5.2: after serving this hash, announce our best block. */
    bool has_continue;
    ela_uint256 continue_hash;
    /* SPV (§8). */
    enum filter_kind filter_kind;
    ela_bloom filter;
    bool relay; /* announce txs (version.relay, filterload; filterclear turns it off) */
    /* Trickled tx inventory (§5.1). */
    ela_uint256 *txq;
    size_t txq_n, txq_cap;
    /* Stall deadlines (§4.4), monotonic milliseconds; 0 = nothing expected. */
    int64_t inv_deadline;  /* getblocks/mempool sent: an inv is due */
    int64_t data_deadline; /* getdata sent: a block/tx/notfound/merkleblock is due */
} peer_data;

struct ela_sync {
    ela_net *net;
    ela_node *node;
    struct event_base *base;
    uint64_t services;
    peer_data *peers; /* every peer between peer_ready and peer_gone */
    ela_peer *sync_peer;
    uint64_t sync_height;
    ela_hmap requested; /* block hash -> peer_data *: asked from someone */
    ela_hmap requested_tx;
    hash_mru rejected;
    int64_t stall_ms, trickle_ms;
    struct event *stall_ev, *trickle_ev;
    /* Progress. */
    uint64_t blocks_received;
    int64_t progress_ms;
    uint32_t progress_height;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static peer_data *pd_of(const ela_peer *p) { return ela_peer_sync_data(p); }

static const char *hash_str(char buf[ELA_UINT256_HEX_LEN + 1], const ela_uint256 *h)
{
    ela_uint256_to_display(buf, h);
    return buf;
}

static uint32_t our_height(const ela_sync *s) { return ela_chain_height(s->node->chain); }

/* §6.1: current() = no sync peer, or our height reached the sync peer's. */
static bool is_current(const ela_sync *s)
{
    return s->sync_peer == NULL || our_height(s) >= s->sync_height;
}

/* ---- sending ------------------------------------------------------------------------------- */

static void send_writer(ela_peer *p, const char *cmd, ela_writer *w)
{
    ela_peer_send(p, cmd, w->data, w->len);
    ela_writer_clear(w);
}

static void send_inv(ela_peer *p, const char *cmd, const ela_p2p_inv_vect *items, size_t n)
{
    ela_p2p_inv inv = {.items = (ela_p2p_inv_vect *)items, .n = n};
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_inv_write(&w, &inv);
    send_writer(p, cmd, &w);
}

static bool hash_at_cb(void *ctx, uint32_t height, ela_uint256 *out)
{
    return ela_chain_hash_at(ctx, out, height);
}

static void send_getblocks_raw(ela_sync *s, ela_peer *p, const ela_uint256 *loc, size_t n,
                               const ela_uint256 *stop)
{
    peer_data *pd = pd_of(p);
    /* §6.3: a getblocks identical to the previous one (same begin and stop) is suppressed. */
    if (pd->gb_sent && ela_uint256_equal(&pd->gb_begin, &loc[0]) &&
        ela_uint256_equal(&pd->gb_stop, stop))
        return;
    pd->gb_sent = true;
    pd->gb_begin = loc[0];
    pd->gb_stop = *stop;
    ela_p2p_getblocks gb = {.locator = (ela_uint256 *)loc, .n = n, .stop = *stop};
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_getblocks_write(&w, &gb);
    send_writer(p, ELA_CMD_GETBLOCKS, &w);
    if (pd->inv_deadline == 0)
        pd->inv_deadline = now_ms() + s->stall_ms;
}

/* getblocks(locator(our tip), stop). */
static void send_getblocks(ela_sync *s, ela_peer *p, const ela_uint256 *stop)
{
    ela_uint256 *loc = ela_xmalloc(ELA_P2P_MAX_LOCATOR * sizeof *loc);
    size_t n = 0;
    if (ela_p2p_locator(loc, &n, our_height(s), hash_at_cb, s->node->chain) && n > 0)
        send_getblocks_raw(s, p, loc, n, stop);
    free(loc);
}

/* ---- sync peer selection (§6.1) ------------------------------------------------------------ */

typedef struct best_ctx {
    const ela_peer *exclude;
    ela_peer *best;
    uint64_t height;
} best_ctx;

static bool best_cb(void *ctx, ela_peer *p)
{
    best_ctx *b = ctx;
    const ela_peer_state *st = ela_peer_state_of(p);
    if (p == b->exclude || !pd_of(p) || !(st->services & ELA_SF_NODE_NETWORK) || st->seed)
        return true;
    if (st->height > b->height) {
        b->best = p;
        b->height = st->height;
    }
    return true;
}

/* Better than the reference's "first candidate": the candidate with the best advertised height
 * above ours (ties: the earliest connected). */
static void select_sync_peer(ela_sync *s, const ela_peer *exclude)
{
    if (s->sync_peer)
        return;
    best_ctx b = {.exclude = exclude, .height = our_height(s)};
    ela_net_foreach_peer(s->net, best_cb, &b);
    if (!b.best)
        return;
    s->sync_peer = b.best;
    s->sync_height = b.height;
    s->progress_ms = now_ms();
    s->progress_height = our_height(s);
    ela_log_info(ELA_LOGC_SYNC, "syncing from peer %s (height %llu, ours %u)",
                 ela_peer_state_of(b.best)->addr, (unsigned long long)b.height, our_height(s));
    ela_uint256 zero = {{0}};
    send_getblocks(s, b.best, &zero);
}

static void clear_sync_peer_if_done(ela_sync *s)
{
    if (s->sync_peer && our_height(s) >= s->sync_height) {
        ela_log_info(ELA_LOGC_SYNC, "sync with %s done at height %u",
                     ela_peer_state_of(s->sync_peer)->addr, our_height(s));
        s->sync_peer = NULL;
        select_sync_peer(s, NULL);
    }
}

/* ---- filters (§8) -------------------------------------------------------------------------- */

static void outpoint_bytes(uint8_t out[34], const ela_uint256 *txid, uint16_t index)
{
    memcpy(out, txid->b, 32);
    out[32] = (uint8_t)index;
    out[33] = (uint8_t)(index >> 8);
}

/* The bloom matching of the reference's filter (elanet/bloom/filter.go matchTxAndUpdate). */
static bool bloom_match_update(ela_bloom *bf, const ela_tx *tx)
{
    if (bf->tweak == ELA_BLOOM_TWEAK_SIDECHAIN) {
        /* Side-chain mode: the tx type must be listed (when a list is given) AND an output
         * program hash must match; the txid is not consulted and nothing is added. The spec's
         * prose says "or"; the reference code requires both. */
        if (bf->tx_types.len > 0 && !memchr(bf->tx_types.data, ela_tx_type(tx), bf->tx_types.len))
            return false;
        if (bf->filter.len == 0)
            return false;
        for (size_t i = 0; i < tx->output_count; i++)
            if (ela_bloom_match(bf, tx->outputs[i].program_hash.b, sizeof tx->outputs[i].program_hash.b))
                return true;
        return false;
    }
    bool matched = ela_bloom_match(bf, tx->txid.b, sizeof tx->txid.b);
    for (size_t i = 0; i < tx->output_count; i++) {
        if (!ela_bloom_match(bf, tx->outputs[i].program_hash.b,
                             sizeof tx->outputs[i].program_hash.b))
            continue;
        matched = true;
        uint8_t op[34];
        outpoint_bytes(op, &tx->txid, (uint16_t)i);
        ela_bloom_add(bf, op, sizeof op);
    }
    if (matched)
        return true;
    for (size_t i = 0; i < tx->input_count; i++) {
        uint8_t op[34];
        outpoint_bytes(op, &tx->inputs[i].prev_txid, tx->inputs[i].prev_index);
        if (ela_bloom_match(bf, op, sizeof op))
            return true;
    }
    return false;
}

/* Producer and CR registration types the side filter passes in blocks (the reference's
 * IsDPOSTransaction without the vote-output part, which needs the producer state). */
static bool dpos_related_type(uint8_t t)
{
    switch (t) {
    case ELA_TX_REGISTER_PRODUCER:
    case ELA_TX_CANCEL_PRODUCER:
    case ELA_TX_UPDATE_PRODUCER:
    case ELA_TX_ACTIVATE_PRODUCER:
    case ELA_TX_RETURN_DEPOSIT_COIN:
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE:
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE:
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE:
    case ELA_TX_INACTIVE_ARBITRATORS:
    case ELA_TX_REVERT_TO_POW:
    case ELA_TX_REVERT_TO_DPOS:
        return true;
    default:
        return false;
    }
}

static bool evidence_type(uint8_t t)
{
    switch (t) {
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE:
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE:
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE:
    case ELA_TX_INACTIVE_ARBITRATORS:
        return true;
    default:
        return false;
    }
}

/* A tx packed in a block (merkleblock serving). Types 2-5 hold their filter but match nothing:
 * their matching needs state (next-turn DPoS info, custom IDs, upgrade code, side-chain
 * deposits) that this node does not keep yet. */
static bool match_confirmed(peer_data *pd, const ela_tx *tx)
{
    switch (pd->filter_kind) {
    case FILTER_BLOOM:
        return bloom_match_update(&pd->filter, tx);
    case FILTER_SIDE:
        return bloom_match_update(&pd->filter, tx) || dpos_related_type(ela_tx_type(tx));
    default:
        return false;
    }
}

/* A tx not yet in a block (relay, mempool command). */
static bool match_unconfirmed(peer_data *pd, const ela_tx *tx)
{
    switch (pd->filter_kind) {
    case FILTER_BLOOM:
        return bloom_match_update(&pd->filter, tx);
    case FILTER_SIDE:
        return evidence_type(ela_tx_type(tx));
    default:
        return false;
    }
}

static void filter_unload(peer_data *pd)
{
    ela_bloom_clear(&pd->filter);
    pd->filter_kind = FILTER_NONE;
}

/* ---- peers --------------------------------------------------------------------------------- */

static void pd_forget_requests(ela_sync *s, peer_data *pd)
{
    ela_hmap *own[2] = {&pd->req_blocks, &pd->req_txs};
    ela_hmap *glob[2] = {&s->requested, &s->requested_tx};
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < own[k]->cap; i++)
            if (own[k]->vals[i] && ela_hmap_get(glob[k], ela_hmap_key_at(own[k], i)) == pd)
                ela_hmap_remove(glob[k], ela_hmap_key_at(own[k], i));
        ela_hmap_clear(own[k]);
    }
}

static void pd_free(ela_sync *s, peer_data *pd)
{
    pd_forget_requests(s, pd);
    mru_clear(&pd->known);
    filter_unload(pd);
    free(pd->txq);
    free(pd->gd);
    if (pd->prev)
        pd->prev->next = pd->next;
    else
        s->peers = pd->next;
    if (pd->next)
        pd->next->prev = pd->prev;
    free(pd);
}

void ela_sync_peer_ready(ela_sync *s, ela_peer *p)
{
    if (pd_of(p))
        return;
    peer_data *pd = ela_xcalloc(1, sizeof *pd);
    pd->p = p;
    mru_init(&pd->known, KNOWN_INV_MAX);
    ela_hmap_init(&pd->req_blocks, 32);
    ela_hmap_init(&pd->req_txs, 32);
    pd->relay = ela_peer_state_of(p)->relay;
    pd->next = s->peers;
    if (s->peers)
        s->peers->prev = pd;
    s->peers = pd;
    ela_peer_set_sync_data(p, pd);
    select_sync_peer(s, NULL);
}

void ela_sync_peer_gone(ela_sync *s, ela_peer *p)
{
    peer_data *pd = pd_of(p);
    if (!pd)
        return;
    ela_peer_set_sync_data(p, NULL);
    pd_free(s, pd);
    if (s->sync_peer == p) {
        ela_log_info(ELA_LOGC_SYNC, "sync peer %s gone", ela_peer_state_of(p)->addr);
        s->sync_peer = NULL;
        select_sync_peer(s, p);
    }
}

void ela_sync_peer_height(ela_sync *s, ela_peer *p)
{
    if (s->sync_peer == p && ela_peer_state_of(p)->height > s->sync_height)
        s->sync_height = ela_peer_state_of(p)->height;
    select_sync_peer(s, NULL);
}

bool ela_sync_is_sync_peer(const ela_sync *s, const ela_peer *p) { return s->sync_peer == p; }

/* ---- progress ------------------------------------------------------------------------------ */

static void log_progress(ela_sync *s, bool force)
{
    uint32_t h = our_height(s);
    int64_t now = now_ms();
    double secs = (double)(now - s->progress_ms) / 1000.0;
    if (!force && h - s->progress_height < PROGRESS_BLOCKS && secs < PROGRESS_SECONDS)
        return;
    uint64_t target = s->sync_height > h ? s->sync_height : h;
    double pct = target ? 100.0 * (double)h / (double)target : 100.0;
    double rate = secs > 0 ? (double)(h - s->progress_height) / secs : 0;
    ela_log_info(ELA_LOGC_SYNC, "sync: height %u/%llu (%.1f%%), %.0f blocks/s", h,
                 (unsigned long long)target, pct, rate);
    s->progress_ms = now;
    s->progress_height = h;
}

/* ---- receiving: inv ------------------------------------------------------------------------ */

static bool block_known(ela_sync *s, const ela_uint256 *h)
{
    uint32_t height;
    bool on_main;
    return ela_chain_block_height(s->node->chain, &height, &on_main, h);
}

/* An orphan was seen (received or announced) from p: ask p for the blocks up to its root. */
static void orphan_getblocks(ela_sync *s, ela_peer *p, const ela_uint256 *root)
{
    if (!s->sync_peer) {
        s->sync_peer = p;
        uint64_t ph = ela_peer_state_of(p)->height;
        s->sync_height = ph > our_height(s) ? ph : our_height(s) + 1;
        s->progress_ms = now_ms();
        s->progress_height = our_height(s);
    }
    send_getblocks(s, p, root);
}

static void on_inv(ela_sync *s, ela_peer *p, const ela_p2p_inv *inv)
{
    peer_data *pd = pd_of(p);
    const ela_peer_state *st = ela_peer_state_of(p);
    if (st->seed) { /* §7.4: a seed connection is for addresses only */
        ela_peer_disconnect(p, "inv on a seed connection");
        return;
    }
    pd->inv_deadline = 0;
    for (size_t i = 0; i < inv->n; i++)
        mru_add(&pd->known, &inv->items[i].hash);
    bool current = is_current(s);
    /* §6.1: while not current, invs of peers other than the sync peer are ignored. */
    if (!current && p != s->sync_peer)
        return;

    ela_p2p_inv_vect *want = ela_xmalloc((inv->n ? inv->n : 1) * sizeof *want);
    size_t nwant = 0, nblocks = 0;
    for (size_t i = 0; i < inv->n; i++) {
        const ela_p2p_inv_vect *it = &inv->items[i];
        ela_uint256 root;
        switch (it->type) {
        case ELA_INV_BLOCK:
        case ELA_INV_CONFIRMED_BLOCK:
            nblocks++;
            if (block_known(s, &it->hash) || ela_hmap_get(&s->requested, it->hash.b))
                break;
            if (ela_chain_orphan_root(s->node->chain, &it->hash, &root)) {
                orphan_getblocks(s, p, &root);
                break;
            }
            ela_hmap_put(&s->requested, it->hash.b, pd);
            ela_hmap_put(&pd->req_blocks, it->hash.b, (void *)1);
            want[nwant++] = *it;
            break;
        case ELA_INV_TX:
            if (!current || ela_hmap_get(&s->requested_tx, it->hash.b) ||
                mru_has(&s->rejected, &it->hash) ||
                ela_mempool_contains(s->node->mempool, &it->hash))
                break;
            {
                ela_tx tx;
                bool have = ela_chain_get_tx(s->node->chain, &tx, NULL, NULL, &it->hash);
                if (have) {
                    ela_tx_clear(&tx);
                    break;
                }
            }
            ela_hmap_put(&s->requested_tx, it->hash.b, pd);
            ela_hmap_put(&pd->req_txs, it->hash.b, (void *)1);
            want[nwant++] = *it;
            break;
        default: /* daddr and unknown types: nothing to fetch without DPoS */
            break;
        }
    }
    if (nwant > 0) {
        send_inv(p, ELA_CMD_GETDATA, want, nwant);
        if (pd->data_deadline == 0)
            pd->data_deadline = now_ms() + s->stall_ms;
    }
    /* §6.3 step 3: a full batch from the peer we sync from: ask for the next one right away. */
    if (inv->n == GETBLOCKS_BATCH && nblocks == inv->n && (p == s->sync_peer || !s->sync_peer)) {
        ela_uint256 loc[2] = {inv->items[inv->n - 1].hash, inv->items[0].hash};
        ela_uint256 zero = {{0}};
        send_getblocks_raw(s, p, loc, 2, &zero);
    }
    free(want);
}

/* A response to a getdata arrived: the stall deadline moves while answers keep coming. */
static void data_progress(ela_sync *s, peer_data *pd)
{
    if (pd->req_blocks.count == 0 && pd->req_txs.count == 0)
        pd->data_deadline = 0;
    else
        pd->data_deadline = now_ms() + s->stall_ms;
}

/* ---- receiving: block ---------------------------------------------------------------------- */

static bool on_block(ela_sync *s, ela_peer *p, const uint8_t *payload, size_t len)
{
    peer_data *pd = pd_of(p);
    ela_dpos_block d;
    const char *why = NULL;
    if (!ela_p2p_block_parse(&d, payload, len, &why)) {
        char id[64];
        snprintf(id, sizeof id, "%s", ela_peer_state_of(p)->addr);
        ela_log_debug(ELA_LOGC_SYNC, "undecodable block from %s: %s", id, why ? why : "?");
        return false;
    }
    const ela_uint256 *hash = &d.block.header.hash;
    char hs[ELA_UINT256_HEX_LEN + 1];
    /* §5.3: a block we did not ask this peer for -> disconnect (as the reference). */
    if (!ela_hmap_remove(&pd->req_blocks, hash->b)) {
        ela_log_debug(ELA_LOGC_SYNC, "unrequested block %s from %s", hash_str(hs, hash),
                      ela_peer_state_of(p)->addr);
        ela_dpos_block_clear(&d);
        ela_peer_disconnect(p, "unrequested block");
        return true;
    }
    if (ela_hmap_get(&s->requested, hash->b) == pd)
        ela_hmap_remove(&s->requested, hash->b);
    mru_add(&pd->known, hash);
    data_progress(s, pd);
    s->blocks_received++;

    /* The chain stores the bytes as received: the block part, without the confirm flag. */
    ela_validation_state st;
    ela_validation_init(&st);
    ela_block_status r = ela_node_submit_block(s->node, &st, &d.block, payload, d.block.size, p);
    uint32_t bh;
    bool on_main;
    ela_uint256 root;
    switch (r) {
    case ELA_BLOCK_CONNECTED:
        if (ela_chain_block_height(s->node->chain, &bh, &on_main, hash) && on_main &&
            bh > ela_peer_state_of(p)->height)
            ela_peer_set_height(p, bh);
        break;
    case ELA_BLOCK_ORPHAN:
        if (ela_chain_orphan_root(s->node->chain, hash, &root))
            orphan_getblocks(s, p, &root);
        break;
    case ELA_BLOCK_INVALID:
        ela_log_info(ELA_LOGC_SYNC, "block %s from %s rejected: %s %s", hash_str(hs, hash),
                     ela_peer_state_of(p)->addr, st.reason, st.detail);
        ela_peer_send_reject(p, ELA_CMD_BLOCK, ELA_REJECT_INVALID, st.reason, hash);
        /* A peer that serves an invalid block is dropped (no ban: the reference does not
         * punish, and an honest node relaying a block one rule of ours refuses must be able to
         * come back). A block refused only because this node cannot check its BPoS/CR rules
         * yet is not the peer's fault: it stays. */
        if (strcmp(st.reason, ELA_REASON_NEEDS_STATE) != 0)
            ela_peer_disconnect(p, "served an invalid block");
        break;
    case ELA_BLOCK_ERROR:
        ela_log_error(ELA_LOGC_SYNC, "store failure processing block %s: stopping",
                      hash_str(hs, hash));
        s->node->stopping = true;
        if (s->base)
            event_base_loopbreak(s->base);
        break;
    default:
        break;
    }
    ela_dpos_block_clear(&d);
    if (s->sync_peer) {
        log_progress(s, false);
        clear_sync_peer_if_done(s);
    }
    /* The sync peer answered everything we asked and we are still behind it (its batch was
     * short of 500 and no continue inv came): ask again from our new tip. */
    if (p == s->sync_peer && pd->req_blocks.count == 0 && !is_current(s)) {
        ela_uint256 zero = {{0}};
        send_getblocks(s, p, &zero);
    }
    return true;
}

/* ---- receiving: tx ------------------------------------------------------------------------- */

static uint8_t reject_code(const ela_validation_state *st)
{
    if (st->code == ELA_ERR_TRANSACTION_DUPLICATE || st->code == ELA_ERR_SIDECHAIN_TX_DUPLICATE)
        return ELA_REJECT_DUPLICATE;
    if (strstr(st->reason, "fee"))
        return ELA_REJECT_INSUFFICIENT_FEE;
    return ELA_REJECT_INVALID;
}

static bool on_tx(ela_sync *s, ela_peer *p, const uint8_t *payload, size_t len)
{
    peer_data *pd = pd_of(p);
    ela_tx tx;
    if (!ela_p2p_tx_parse(&tx, payload, len, NULL))
        return false;
    mru_add(&pd->known, &tx.txid);
    ela_hmap_remove(&pd->req_txs, tx.txid.b);
    if (ela_hmap_get(&s->requested_tx, tx.txid.b) == pd)
        ela_hmap_remove(&s->requested_tx, tx.txid.b);
    data_progress(s, pd);
    if (!ela_mempool_contains(s->node->mempool, &tx.txid) && !mru_has(&s->rejected, &tx.txid)) {
        ela_validation_state st;
        ela_validation_init(&st);
        if (!ela_node_submit_tx(s->node, &st, &tx, payload, tx.size, p)) {
            char hs[ELA_UINT256_HEX_LEN + 1];
            ela_log_debug(ELA_LOGC_SYNC, "tx %s from %s rejected: %s", hash_str(hs, &tx.txid),
                          ela_peer_state_of(p)->addr, st.reason);
            ela_peer_send_reject(p, ELA_CMD_TX, reject_code(&st), st.reason, &tx.txid);
            mru_add(&s->rejected, &tx.txid);
        }
    }
    ela_tx_clear(&tx);
    return true;
}

/* ---- serving: getblocks, getdata, mempool (§5.2) ------------------------------------------- */

static bool on_getblocks(ela_sync *s, ela_peer *p, const ela_p2p_getblocks *gb)
{
    peer_data *pd = pd_of(p);
    ela_chain *c = s->node->chain;
    uint32_t start = 0, tip = ela_chain_height(c), h;
    bool on_main;
    for (size_t i = 0; i < gb->n; i++) {
        if (ela_chain_block_height(c, &h, &on_main, &gb->locator[i]) && on_main) {
            start = h;
            break;
        }
    }
    uint32_t last = tip;
    if (!ela_uint256_is_zero(&gb->stop) && ela_chain_block_height(c, &h, &on_main, &gb->stop) &&
        on_main && h < last)
        last = h;
    if (start >= last)
        return true; /* nothing follows: send nothing */
    uint32_t type = pd->filter_kind != FILTER_NONE ? ELA_INV_BLOCK : ELA_INV_CONFIRMED_BLOCK;
    size_t n = last - start < GETBLOCKS_BATCH ? last - start : GETBLOCKS_BATCH;
    ela_p2p_inv_vect *items = ela_xmalloc(n * sizeof *items);
    for (size_t i = 0; i < n; i++) {
        items[i].type = type;
        if (!ela_chain_hash_at(c, &items[i].hash, start + 1 + (uint32_t)i)) {
            n = i;
            break;
        }
    }
    if (n > 0) {
        send_inv(p, ELA_CMD_INV, items, n);
        if (n == GETBLOCKS_BATCH) {
            pd->has_continue = true;
            pd->continue_hash = items[n - 1].hash;
        }
    }
    free(items);
    return true;
}

static void send_tx_bytes(ela_peer *p, const ela_tx *tx)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, tx);
    send_writer(p, ELA_CMD_TX, &w);
}

static void serve_merkleblock(ela_sync *s, ela_peer *p, const ela_uint256 *hash)
{
    peer_data *pd = pd_of(p);
    ela_block b;
    if (pd->filter_kind == FILTER_NONE || !ela_chain_get_block(s->node->chain, &b, hash))
        return;
    bool *matched = ela_xcalloc(b.n_txs ? b.n_txs : 1, sizeof *matched);
    for (size_t i = 0; i < b.n_txs; i++)
        matched[i] = match_confirmed(pd, &b.txs[i]);
    ela_p2p_merkleblock mb;
    ela_p2p_merkleblock_init(&mb);
    ela_p2p_merkleblock_build(&mb, &b, matched, pd->filter_kind == FILTER_SIDE, NULL);
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_merkleblock_write(&w, &mb);
    send_writer(p, ELA_CMD_MERKLEBLOCK, &w);
    ela_p2p_merkleblock_clear(&mb);
    for (size_t i = 0; i < b.n_txs; i++) {
        if (!matched[i])
            continue;
        send_tx_bytes(p, &b.txs[i]);
        mru_add(&pd->known, &b.txs[i].txid);
    }
    free(matched);
    ela_block_clear(&b);
}

/* Most getdata items a peer may have waiting (twice the largest getdata message). */
#define GETDATA_QUEUE_MAX (2u * ELA_P2P_MAX_INV)

/* Serves queued getdata items in order while the peer's output queue has room; txs missing
 * from the mempool go into one notfound per run. */
static void serve_getdata(ela_sync *s, ela_peer *p)
{
    peer_data *pd = pd_of(p);
    ela_p2p_inv_vect *notfound = NULL;
    size_t nnf = 0;
    while (pd->gd_head < pd->gd_n && !ela_peer_disconnecting(p) &&
           ela_peer_send_queue(p) < ELA_PEER_SEND_HIGH) {
        const ela_p2p_inv_vect it = pd->gd[pd->gd_head++];
        switch (it.type) {
        case ELA_INV_TX: {
            size_t rlen = 0;
            const uint8_t *raw = ela_mempool_get_raw(s->node->mempool, &it.hash, &rlen);
            if (raw) {
                ela_peer_send(p, ELA_CMD_TX, raw, rlen);
                mru_add(&pd->known, &it.hash);
            } else {
                if (!notfound)
                    notfound = ela_xmalloc((pd->gd_n - pd->gd_head + 1) * sizeof *notfound);
                notfound[nnf++] = it;
            }
            continue;
        }
        case ELA_INV_BLOCK:
        case ELA_INV_CONFIRMED_BLOCK: {
            /* Never a notfound for a block (§5.3: the reference bans for it). The stored bytes
             * plus haveConfirm = 0 are the block payload: no DPoS confirms are kept yet. */
            ela_bytes raw = {0};
            if (!ela_chain_get_block_raw(s->node->chain, &raw, &it.hash))
                continue;
            raw.data = ela_xrealloc(raw.data, raw.len + 1);
            raw.data[raw.len] = 0;
            ela_peer_send(p, ELA_CMD_BLOCK, raw.data, raw.len + 1);
            ela_bytes_clear(&raw);
            mru_add(&pd->known, &it.hash);
            break;
        }
        case ELA_INV_FILTERED_BLOCK:
            serve_merkleblock(s, p, &it.hash);
            break;
        default: /* daddr: served by the DPoS routes, which this node does not run */
            continue;
        }
        if (pd->has_continue && ela_uint256_equal(&pd->continue_hash, &it.hash)) {
            pd->has_continue = false;
            ela_p2p_inv_vect best = {
                .type = it.type == ELA_INV_BLOCK ? ELA_INV_BLOCK : ELA_INV_CONFIRMED_BLOCK};
            ela_chain_tip_hash(s->node->chain, &best.hash);
            send_inv(p, ELA_CMD_INV, &best, 1);
        }
    }
    if (nnf > 0)
        send_inv(p, ELA_CMD_NOTFOUND, notfound, nnf);
    free(notfound);
    if (pd->gd_head == pd->gd_n)
        pd->gd_head = pd->gd_n = 0;
}

static void on_getdata(ela_sync *s, ela_peer *p, const ela_p2p_inv *inv)
{
    peer_data *pd = pd_of(p);
    /* §5.2: transient ban score items x 99 / 50000. */
    int score = (int)(inv->n * 99 / ELA_P2P_MAX_INV);
    if (score > 0)
        ela_peer_misbehaving(p, score, true, "getdata");
    if (ela_peer_disconnecting(p))
        return;
    if (pd->gd_n - pd->gd_head + inv->n > GETDATA_QUEUE_MAX) {
        ela_peer_disconnect(p, "getdata requests pile up faster than it reads the answers");
        return;
    }
    if (pd->gd_head > 0) { /* compact: keep the waiting items at the front */
        memmove(pd->gd, pd->gd + pd->gd_head, (pd->gd_n - pd->gd_head) * sizeof *pd->gd);
        pd->gd_n -= pd->gd_head;
        pd->gd_head = 0;
    }
    if (pd->gd_n + inv->n > pd->gd_cap) {
        pd->gd_cap = pd->gd_n + inv->n;
        pd->gd = ela_xrealloc(pd->gd, pd->gd_cap * sizeof *pd->gd);
    }
    memcpy(pd->gd + pd->gd_n, inv->items, inv->n * sizeof *inv->items);
    pd->gd_n += inv->n;
    serve_getdata(s, p);
}

void ela_sync_peer_drained(ela_sync *s, ela_peer *p)
{
    if (pd_of(p))
        serve_getdata(s, p);
}

typedef struct mempool_inv_ctx {
    peer_data *pd;
    ela_p2p_inv_vect *items;
    size_t n, cap;
} mempool_inv_ctx;

static bool mempool_inv_cb(void *ctx, const ela_mempool_entry *e)
{
    mempool_inv_ctx *m = ctx;
    if (m->pd->filter_kind != FILTER_NONE && !match_unconfirmed(m->pd, e->tx))
        return true;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->items = ela_xrealloc(m->items, m->cap * sizeof *m->items);
    }
    m->items[m->n].type = ELA_INV_TX;
    m->items[m->n].hash = e->tx->txid;
    m->n++;
    return m->n < ELA_P2P_MAX_INV;
}

static void on_mempool(ela_sync *s, ela_peer *p)
{
    if (!(s->services & ELA_SF_TX_FILTERING)) {
        ela_peer_misbehaving(p, 100, false, "mempool with tx filtering disabled");
        return;
    }
    ela_peer_misbehaving(p, 33, true, "mempool");
    if (ela_peer_disconnecting(p))
        return;
    mempool_inv_ctx m = {.pd = pd_of(p)};
    ela_mempool_foreach(s->node->mempool, mempool_inv_cb, &m);
    if (m.n > 0) {
        send_inv(p, ELA_CMD_INV, m.items, m.n);
        for (size_t i = 0; i < m.n; i++)
            mru_add(&m.pd->known, &m.items[i].hash);
    }
    free(m.items);
}

/* ---- SPV commands (§3.10-3.12, §5.3, §8) --------------------------------------------------- */

static bool filters_enabled(const ela_sync *s, ela_peer *p)
{
    if (s->services & (ELA_SF_NODE_BLOOM | ELA_SF_TX_FILTERING))
        return true;
    ela_peer_misbehaving(p, 100, false, "filter command with filtering disabled");
    return false;
}

static void install_filter(peer_data *pd, ela_bloom *bf, enum filter_kind kind)
{
    filter_unload(pd);
    pd->filter = *bf; /* takes ownership */
    pd->filter_kind = kind;
    pd->relay = true;
}

static bool on_filterload(ela_sync *s, ela_peer *p, const uint8_t *payload, size_t len)
{
    if (!filters_enabled(s, p))
        return true;
    ela_bloom bf;
    if (!ela_p2p_filterload_parse(&bf, payload, len, NULL)) {
        ela_peer_disconnect(p, "invalid filterload");
        return true;
    }
    install_filter(pd_of(p), &bf, FILTER_BLOOM);
    return true;
}

static bool on_txfilter(ela_sync *s, ela_peer *p, const uint8_t *payload, size_t len)
{
    if (!filters_enabled(s, p))
        return true;
    ela_txfilter tf;
    if (!ela_p2p_txfilter_parse(&tf, payload, len, NULL))
        return false;
    ela_bloom bf;
    bool ok = ela_txfilter_type_known(tf.type) &&
              ela_p2p_filterload_parse(&bf, tf.data.data, tf.data.len, NULL);
    if (!ok) {
        ela_txfilter_clear(&tf);
        ela_peer_disconnect(p, "invalid txfilter");
        return true;
    }
    enum filter_kind kind = tf.type == ELA_TXFILTER_BLOOM  ? FILTER_BLOOM
                            : tf.type == ELA_TXFILTER_DPOS ? FILTER_SIDE
                                                           : FILTER_OTHER;
    install_filter(pd_of(p), &bf, kind);
    ela_txfilter_clear(&tf);
    return true;
}

static bool on_filteradd(ela_sync *s, ela_peer *p, const uint8_t *payload, size_t len)
{
    if (!filters_enabled(s, p))
        return true;
    peer_data *pd = pd_of(p);
    if (pd->filter_kind == FILTER_NONE) {
        ela_peer_disconnect(p, "filteradd without a filter");
        return true;
    }
    ela_bytes el = {0};
    if (!ela_p2p_filteradd_parse(&el, payload, len, NULL)) {
        ela_peer_disconnect(p, "invalid filteradd");
        return true;
    }
    ela_bloom_add(&pd->filter, el.data, el.len);
    ela_bytes_clear(&el);
    return true;
}

static bool on_filterclear(ela_sync *s, ela_peer *p)
{
    if (!filters_enabled(s, p))
        return true;
    peer_data *pd = pd_of(p);
    if (pd->filter_kind == FILTER_NONE) {
        ela_peer_disconnect(p, "filterclear without a filter");
        return true;
    }
    filter_unload(pd);
    pd->relay = false; /* §5.1: no tx invs after filterclear */
    return true;
}

/* ---- dispatch ------------------------------------------------------------------------------ */

bool ela_sync_message(ela_sync *s, ela_peer *p, const char *cmd, const uint8_t *payload,
                      size_t len)
{
    peer_data *pd = pd_of(p);
    if (!pd || ela_peer_disconnecting(p))
        return true;
    if (strcmp(cmd, ELA_CMD_BLOCK) == 0)
        return on_block(s, p, payload, len);
    if (strcmp(cmd, ELA_CMD_TX) == 0)
        return on_tx(s, p, payload, len);
    if (strcmp(cmd, ELA_CMD_INV) == 0 || strcmp(cmd, ELA_CMD_GETDATA) == 0 ||
        strcmp(cmd, ELA_CMD_NOTFOUND) == 0) {
        ela_p2p_inv inv;
        if (!ela_p2p_inv_parse(&inv, payload, len, NULL))
            return false;
        if (cmd[0] == 'i') {
            on_inv(s, p, &inv);
        } else if (cmd[0] == 'g') {
            on_getdata(s, p, &inv);
        } else {
            bool block = false;
            for (size_t i = 0; i < inv.n; i++) {
                if (inv.items[i].type != ELA_INV_TX) {
                    block = true;
                    continue;
                }
                ela_hmap_remove(&pd->req_txs, inv.items[i].hash.b);
                if (ela_hmap_get(&s->requested_tx, inv.items[i].hash.b) == pd)
                    ela_hmap_remove(&s->requested_tx, inv.items[i].hash.b);
            }
            data_progress(s, pd);
            /* §5.3: notfound for anything but a tx -> ban score 100. */
            if (block)
                ela_peer_misbehaving(p, 100, false, "notfound for a non-tx item");
        }
        ela_p2p_inv_clear(&inv);
        return true;
    }
    if (strcmp(cmd, ELA_CMD_GETBLOCKS) == 0) {
        ela_p2p_getblocks gb;
        if (!ela_p2p_getblocks_parse(&gb, payload, len, NULL))
            return false;
        on_getblocks(s, p, &gb);
        ela_p2p_getblocks_clear(&gb);
        return true;
    }
    if (strcmp(cmd, ELA_CMD_MEMPOOL) == 0) {
        if (!ela_p2p_empty_parse(len, NULL))
            return false;
        on_mempool(s, p);
        return true;
    }
    if (strcmp(cmd, ELA_CMD_FILTERLOAD) == 0)
        return on_filterload(s, p, payload, len);
    if (strcmp(cmd, ELA_CMD_TXFILTER) == 0)
        return on_txfilter(s, p, payload, len);
    if (strcmp(cmd, ELA_CMD_FILTERADD) == 0)
        return on_filteradd(s, p, payload, len);
    if (strcmp(cmd, ELA_CMD_FILTERCLEAR) == 0) {
        if (!ela_p2p_empty_parse(len, NULL))
            return false;
        return on_filterclear(s, p);
    }
    if (strcmp(cmd, ELA_CMD_REJECT) == 0) {
        ela_p2p_reject rj;
        if (!ela_p2p_reject_parse(&rj, payload, len, NULL))
            return false;
        char hs[ELA_UINT256_HEX_LEN + 1];
        ela_log_debug(ELA_LOGC_SYNC, "reject from %s: %.*s code 0x%02x %.*s %s",
                      ela_peer_state_of(p)->addr, (int)rj.command.len,
                      (const char *)rj.command.data, rj.code, (int)rj.reason.len,
                      (const char *)rj.reason.data, hash_str(hs, &rj.hash));
        ela_p2p_reject_clear(&rj);
        return true;
    }
    if (strcmp(cmd, ELA_CMD_MERKLEBLOCK) == 0)
        return true; /* we are not an SPV client: never asked for one */
    if (strcmp(cmd, ELA_CMD_DADDR) == 0) {
        /* DPoS address announcements: without DPoS there is nothing to route; a well-formed
         * one is dropped quietly. */
        ela_p2p_daddr da;
        if (!ela_p2p_daddr_parse(&da, payload, len, NULL))
            return false;
        ela_p2p_daddr_clear(&da);
        return true;
    }
    ela_log_debug(ELA_LOGC_SYNC, "unexpected command %s from %s", cmd, ela_peer_state_of(p)->addr);
    return true;
}

/* ---- relay (§5.1) -------------------------------------------------------------------------- */

typedef struct relay_ctx {
    ela_sync *s;
    const ela_block *b;
    const ela_tx *tx;
    const void *from;
} relay_ctx;

static bool relay_block_cb(void *ctx, ela_peer *p)
{
    relay_ctx *r = ctx;
    peer_data *pd = pd_of(p);
    if (!pd || (const void *)p == r->from || mru_has(&pd->known, &r->b->header.hash))
        return true;
    ela_p2p_inv_vect it = {.type = ELA_INV_BLOCK, .hash = r->b->header.hash};
    send_inv(p, ELA_CMD_INV, &it, 1);
    mru_add(&pd->known, &it.hash);
    return true;
}

void ela_sync_relay_block(ela_sync *s, const ela_block *b, const void *from)
{
    mru_reset(&s->rejected); /* §5.3: remembered until the next connected block */
    if (!is_current(s))
        return;
    relay_ctx r = {.s = s, .b = b, .from = from};
    ela_net_foreach_peer(s->net, relay_block_cb, &r);
}

static bool relay_tx_cb(void *ctx, ela_peer *p)
{
    relay_ctx *r = ctx;
    peer_data *pd = pd_of(p);
    if (!pd || (const void *)p == r->from || mru_has(&pd->known, &r->tx->txid))
        return true;
    if (pd->filter_kind != FILTER_NONE ? !match_unconfirmed(pd, r->tx) : !pd->relay)
        return true;
    if (pd->txq_n == pd->txq_cap) {
        pd->txq_cap = pd->txq_cap ? pd->txq_cap * 2 : 16;
        pd->txq = ela_xrealloc(pd->txq, pd->txq_cap * sizeof *pd->txq);
    }
    pd->txq[pd->txq_n++] = r->tx->txid;
    return true;
}

void ela_sync_relay_tx(ela_sync *s, const ela_tx *tx, const void *from)
{
    relay_ctx r = {.s = s, .tx = tx, .from = from};
    ela_net_foreach_peer(s->net, relay_tx_cb, &r);
}

static void flush_txq(peer_data *pd)
{
    ela_p2p_inv_vect *items = ela_xmalloc(TRICKLE_INV_MAX * sizeof *items);
    size_t n = 0;
    for (size_t i = 0; i < pd->txq_n; i++) {
        if (mru_has(&pd->known, &pd->txq[i]))
            continue;
        items[n].type = ELA_INV_TX;
        items[n].hash = pd->txq[i];
        mru_add(&pd->known, &pd->txq[i]);
        if (++n == TRICKLE_INV_MAX) {
            send_inv(pd->p, ELA_CMD_INV, items, n);
            n = 0;
        }
    }
    if (n > 0)
        send_inv(pd->p, ELA_CMD_INV, items, n);
    free(items);
    pd->txq_n = 0;
}

static void trickle_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    ela_sync *s = arg;
    for (peer_data *pd = s->peers; pd; pd = pd->next)
        if (pd->txq_n > 0 && !ela_peer_disconnecting(pd->p))
            flush_txq(pd);
}

static void stall_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    ela_sync *s = arg;
    int64_t now = now_ms();
    for (peer_data *pd = s->peers; pd; pd = pd->next) {
        if (ela_peer_disconnecting(pd->p))
            continue;
        if (pd->inv_deadline && now > pd->inv_deadline)
            ela_peer_disconnect(pd->p, "stalled: no inv after getblocks");
        else if (pd->data_deadline && now > pd->data_deadline)
            ela_peer_disconnect(pd->p, "stalled: no answer to getdata");
    }
}

/* ---- life cycle ---------------------------------------------------------------------------- */

static void arm_timers(ela_sync *s)
{
    if (!s->base)
        return;
    if (s->stall_ev)
        event_free(s->stall_ev);
    if (s->trickle_ev)
        event_free(s->trickle_ev);
    /* The stall check ticks at half the deadline, at most every 15 s (§4.4). */
    int64_t tick = s->stall_ms / 2 < 15000 ? s->stall_ms / 2 : 15000;
    if (tick < 1)
        tick = 1;
    struct timeval tv = {.tv_sec = tick / 1000, .tv_usec = (tick % 1000) * 1000};
    s->stall_ev = event_new(s->base, -1, EV_PERSIST, stall_cb, s);
    event_add(s->stall_ev, &tv);
    struct timeval tt = {.tv_sec = s->trickle_ms / 1000, .tv_usec = (s->trickle_ms % 1000) * 1000};
    s->trickle_ev = event_new(s->base, -1, EV_PERSIST, trickle_cb, s);
    event_add(s->trickle_ev, &tt);
}

ela_sync *ela_sync_new(ela_net *net, struct ela_node *node, struct event_base *base,
                       uint64_t our_services)
{
    ela_sync *s = ela_xcalloc(1, sizeof *s);
    s->net = net;
    s->node = node;
    s->base = base;
    s->services = our_services;
    ela_hmap_init(&s->requested, 32);
    ela_hmap_init(&s->requested_tx, 32);
    mru_init(&s->rejected, REJECTED_MAX);
    s->stall_ms = STALL_DEFAULT_MS;
    s->trickle_ms = TRICKLE_DEFAULT_MS;
    s->progress_ms = now_ms();
    arm_timers(s);
    return s;
}

void ela_sync_set_timeouts(ela_sync *s, int64_t stall_ms, int64_t trickle_ms)
{
    if (stall_ms > 0)
        s->stall_ms = stall_ms;
    if (trickle_ms > 0)
        s->trickle_ms = trickle_ms;
    arm_timers(s);
}

void ela_sync_free(ela_sync *s)
{
    if (!s)
        return;
    while (s->peers) {
        peer_data *pd = s->peers;
        ela_peer_set_sync_data(pd->p, NULL);
        pd_free(s, pd);
    }
    if (s->stall_ev)
        event_free(s->stall_ev);
    if (s->trickle_ev)
        event_free(s->trickle_ev);
    ela_hmap_clear(&s->requested);
    ela_hmap_clear(&s->requested_tx);
    mru_clear(&s->rejected);
    free(s);
}

void ela_sync_status(const ela_sync *s, ela_net_sync_status *out)
{
    memset(out, 0, sizeof *out);
    out->height = our_height(s);
    out->syncing = s->sync_peer != NULL && out->height < s->sync_height;
    best_ctx b = {.height = out->height};
    ela_net_foreach_peer(s->net, best_cb, &b);
    uint64_t target = b.height;
    if (s->sync_peer && s->sync_height > target)
        target = s->sync_height;
    out->target = target;
    out->progress = target ? (double)out->height / (double)target : 1.0;
    if (out->progress > 1.0)
        out->progress = 1.0;
    out->blocks_received = s->blocks_received;
}
