/* elad: the chain engine (see include/ela/chain.h): opening and checking the store, the
 * in-memory block index, block intake with the orphan pool (spec/consensus.md §3.1 ProcessBlock,
 * §3.8), header context, fork choice by most work and reorganisation (§3.6.2-3.6.3), reindex,
 * and the queries. Connecting and disconnecting one block is in connect.c. */
#include <ela/chain.h>

#include "chain/chainstate.h"

#include <ela/blockcheck.h>
#include <ela/genesis.h>
#include <ela/hash.h>
#include <ela/log.h>
#include <ela/pow.h>
#include <ela/serialize.h>

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NODE_CHUNK 4096
#define DEFAULT_DBCACHE (64u << 20)
#define SIGCACHE_ENTRIES 100000u

/* ---- small helpers --------------------------------------------------------------------------- */

double ela_chain_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}


static const char *display(char out[ELA_UINT256_HEX_LEN + 1], const ela_uint256 *h)
{
    ela_uint256_to_display(out, h);
    return out;
}

ela_block_status ela_chain_fail_env(ela_chain *c, ela_validation_state *st, const char *what)
{
    c->broken = true;
    ela_log_error(ELA_LOGC_DB, "store failure while %s; stop the node, check the disk, and if "
                  "the store is damaged restart with -reindex", what);
    ela_validation_state dummy;
    if (!st) {
        ela_validation_init(&dummy);
        st = &dummy;
    }
    ela_validation_invalid(st, ELA_ERR_INTERNAL, "store-failure", "%s", what);
    return ELA_BLOCK_ERROR;
}

static int64_t adjusted_now(const ela_chain *c)
{
    return c->adjusted_time ? c->adjusted_time(c->time_ctx) : (int64_t)time(NULL);
}

/* ---- block index ----------------------------------------------------------------------------- */

void ela_chain_node_encode(uint8_t out[ELA_NODE_VALUE_LEN], const ela_chain_node *n)
{
    uint8_t *p = out;
    ela_put_u32le(p, n->version);
    p += 4;
    if (n->prev)
        memcpy(p, n->prev->hash.b, 32);
    else
        memset(p, 0, 32);
    p += 32;
    memcpy(p, n->merkle_root.b, 32);
    p += 32;
    ela_put_u32le(p, n->timestamp);
    ela_put_u32le(p + 4, n->bits);
    ela_put_u32le(p + 8, n->nonce);
    ela_put_u32le(p + 12, n->height);
    ela_put_u32le(p + 16, n->status);
    p += 20;
    memcpy(p, n->work.b, 32);
}

static ela_chain_node *node_alloc(ela_chain *c)
{
    if (c->n_node_chunks == 0 || c->node_chunk_used == NODE_CHUNK) {
        c->node_chunks = ela_xrealloc(c->node_chunks,
                                      (c->n_node_chunks + 1) * sizeof *c->node_chunks);
        c->node_chunks[c->n_node_chunks++] = ela_xcalloc(NODE_CHUNK, sizeof(ela_chain_node));
        c->node_chunk_used = 0;
    }
    return &c->node_chunks[c->n_node_chunks - 1][c->node_chunk_used++];
}

/* A new index node for header h on top of prev (NULL: genesis), with its cumulative work
 * (§2.5), entered in the index. */
static ela_chain_node *node_add(ela_chain *c, const ela_block_header *h, ela_chain_node *prev,
                                uint32_t status)
{
    ela_chain_node *n = node_alloc(c);
    n->hash = h->hash;
    n->merkle_root = h->merkle_root;
    n->prev = prev;
    n->height = prev ? prev->height + 1 : 0;
    n->version = h->version;
    n->timestamp = h->timestamp;
    n->bits = h->bits;
    n->nonce = h->nonce;
    n->status = status;
    ela_pow_work(&n->work, h->bits);
    if (prev)
        ela_pow_work_add(&n->work, &prev->work);
    ela_hmap_put(&c->index, n->hash.b, n);
    return n;
}

static ela_chain_node *node_get(const ela_chain *c, const ela_uint256 *hash)
{
    return ela_hmap_get(&c->index, hash->b);
}

/* The ancestor of n at height (n->height >= height), through the main-chain vector as soon as
 * the walk reaches the main chain. */
static ela_chain_node *ancestor(const ela_chain *c, ela_chain_node *n, uint32_t height)
{
    while (n && n->height > height) {
        if (ela_chain_node_on_main(c, n))
            return c->main[height];
        n = n->prev;
    }
    return n;
}

/* Median of n's timestamp and up to 10 ancestors' (§3.4 step 2 with n = the parent). */
static uint32_t node_mtp(const ela_chain_node *n)
{
    uint32_t times[ELA_MTP_SPAN] = {0};
    size_t k = 0;
    for (; n && k < ELA_MTP_SPAN; n = n->prev)
        times[k++] = n->timestamp;
    return k ? ela_median_time_past(times, k) : 0;
}

/* The bits a child of parent must carry (§2.4). */
static uint32_t next_bits(const ela_chain *c, ela_chain_node *parent)
{
    uint32_t first_time = 0;
    if (ela_pow_needs_retarget(c->params, parent->height)) {
        uint32_t h = parent->height >= 719 ? parent->height - 719 : 0;
        first_time = ancestor(c, parent, h)->timestamp;
    }
    return ela_pow_next_bits(c->params, parent->height, parent->bits, parent->timestamp,
                             first_time);
}

uint32_t ela_chain_next_bits(const ela_chain *c)
{
    return next_bits(c, ela_chain_tip_node(c));
}

static bool write_nodes(ela_chain *c, ela_chain_node **nodes, size_t n)
{
    ela_store_batch *batch = ela_store_batch_new();
    for (size_t i = 0; i < n; i++) {
        uint8_t key[ELA_STORE_HASH_KEY_LEN], val[ELA_NODE_VALUE_LEN];
        ela_store_key_hash(key, ELA_STORE_T_INDEX, nodes[i]->hash.b);
        ela_chain_node_encode(val, nodes[i]);
        ela_store_batch_put(batch, key, sizeof key, val, sizeof val);
    }
    bool ok = ela_store_write(c->store, batch, false);
    ela_store_batch_free(batch);
    return ok;
}

/* Loads every 'b' entry and links the nodes to their parents. */
static bool load_index(ela_chain *c, char *err, size_t errlen)
{
    typedef struct pending {
        ela_chain_node *node;
        ela_uint256 prev;
    } pending;
    pending *list = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    ela_store_iter *it = ela_store_iter_new(c->store);
    uint8_t start = ELA_STORE_T_INDEX;
    for (ela_store_iter_seek(it, &start, 1); ela_store_iter_valid(it); ela_store_iter_next(it)) {
        size_t klen, vlen;
        const uint8_t *k = ela_store_iter_key(it, &klen);
        if (klen == 0 || k[0] != ELA_STORE_T_INDEX)
            break;
        const uint8_t *v = ela_store_iter_value(it, &vlen);
        if (klen != ELA_STORE_HASH_KEY_LEN || vlen != ELA_NODE_VALUE_LEN) {
            snprintf(err, errlen, "damaged block index entry in the store: restart with -reindex");
            ok = false;
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            list = ela_xrealloc(list, cap * sizeof *list);
        }
        ela_chain_node *node = node_alloc(c);
        memcpy(node->hash.b, k + 1, 32);
        node->version = ela_get_u32le(v);
        memcpy(list[n].prev.b, v + 4, 32);
        memcpy(node->merkle_root.b, v + 36, 32);
        node->timestamp = ela_get_u32le(v + 68);
        node->bits = ela_get_u32le(v + 72);
        node->nonce = ela_get_u32le(v + 76);
        node->height = ela_get_u32le(v + 80);
        node->status = ela_get_u32le(v + 84);
        memcpy(node->work.b, v + 88, 32);
        list[n++].node = node;
        ela_hmap_put(&c->index, node->hash.b, node);
    }
    if (ok && ela_store_iter_failed(it)) {
        snprintf(err, errlen, "cannot read the block index (%s): restart with -reindex",
                 ela_store_last_error(c->store));
        ok = false;
    }
    ela_store_iter_free(it);
    for (size_t i = 0; ok && i < n; i++) {
        ela_chain_node *node = list[i].node;
        if (node->height == 0)
            continue;
        node->prev = node_get(c, &list[i].prev);
        if (!node->prev || node->prev->height + 1 != node->height) {
            snprintf(err, errlen, "block index entry at height %u has no parent in the index: "
                     "the store is damaged, restart with -reindex", node->height);
            ok = false;
        }
    }
    free(list);
    return ok;
}

static void main_set_tip(ela_chain *c, ela_chain_node *tip)
{
    size_t need = (size_t)tip->height + 1;
    if (need > c->main_cap) {
        while (c->main_cap < need)
            c->main_cap *= 2;
        c->main = ela_xrealloc(c->main, c->main_cap * sizeof *c->main);
    }
    c->main_len = need;
    for (ela_chain_node *n = tip; n; n = n->prev)
        c->main[n->height] = n;
}

/* ---- orphans (§3.8) -------------------------------------------------------------------------- */

static void orphan_remove(ela_chain *c, ela_orphan *o)
{
    if (o->older)
        o->older->newer = o->newer;
    else
        c->oldest = o->newer;
    if (o->newer)
        o->newer->older = o->older;
    else
        c->newest = o->older;
    ela_hmap_remove(&c->orphans, o->hash.b);
    c->orphan_bytes -= o->len;
    ela_orphan *head = ela_hmap_get(&c->orphans_by_prev, o->prev.b);
    if (head == o) {
        if (o->sibling)
            ela_hmap_put(&c->orphans_by_prev, o->prev.b, o->sibling);
        else
            ela_hmap_remove(&c->orphans_by_prev, o->prev.b);
    } else {
        for (ela_orphan *s = head; s; s = s->sibling) {
            if (s->sibling == o) {
                s->sibling = o->sibling;
                break;
            }
        }
    }
}

bool ela_chain_orphan_root(const ela_chain *c, const ela_uint256 *hash, ela_uint256 *root)
{
    const ela_orphan *o = ela_hmap_get(&c->orphans, hash->b);
    if (!o)
        return false;
    /* The chain of orphans is acyclic (each is the parent of the next by hash) and at most
     * ELA_ORPHAN_MAX long. */
    for (const ela_orphan *p; (p = ela_hmap_get(&c->orphans, o->prev.b)) != NULL;)
        o = p;
    if (root)
        *root = o->hash;
    return true;
}

static void orphan_free(ela_orphan *o)
{
    free(o->raw);
    free(o);
}

static void orphan_add(ela_chain *c, const ela_block *b, const uint8_t *raw, size_t len)
{
    time_t now = time(NULL);
    while (c->oldest &&
           (c->oldest->added + ELA_ORPHAN_EXPIRY <= now || c->orphans.count >= ELA_ORPHAN_MAX ||
            c->orphan_bytes + len > ELA_ORPHAN_MAX_BYTES)) {
        ela_orphan *o = c->oldest;
        orphan_remove(c, o);
        orphan_free(o);
    }
    ela_orphan *o = ela_xcalloc(1, sizeof *o);
    o->hash = b->header.hash;
    o->prev = b->header.prev;
    o->raw = ela_xmemdup(raw, len);
    o->len = len;
    c->orphan_bytes += len;
    o->added = now;
    o->older = c->newest;
    if (c->newest)
        c->newest->newer = o;
    else
        c->oldest = o;
    c->newest = o;
    ela_hmap_put(&c->orphans, o->hash.b, o);
    o->sibling = ela_hmap_put(&c->orphans_by_prev, o->prev.b, o);
}

/* ---- fork choice ----------------------------------------------------------------------------- */

/* Reads and parses a stored block body. */
static bool load_block(ela_chain *c, ela_block *b, ela_bytes *raw, const ela_chain_node *n)
{
    uint8_t key[ELA_STORE_HASH_KEY_LEN];
    ela_store_key_hash(key, ELA_STORE_T_BODY, n->hash.b);
    ela_block_init(b);
    if (ela_store_get(c->store, raw, key, sizeof key) != ELA_STORE_OK)
        return false;
    if (!ela_block_parse(b, raw->data, raw->len, NULL) ||
        !ela_uint256_equal(&b->header.hash, &n->hash)) {
        ela_block_clear(b);
        ela_bytes_clear(raw);
        return false;
    }
    return true;
}

/* Connects n, whose block is tb (raw traw) when n is the block being processed (tb not NULL),
 * else read from the store. */
static ela_block_status connect_node(ela_chain *c, ela_validation_state *st, ela_chain_node *n,
                                     ela_chain_node *target, const ela_block *tb,
                                     const uint8_t *traw, size_t tlen)
{
    if (n == target && tb)
        return ela_chain_connect(c, st, n, tb, traw, tlen);
    ela_block b;
    ela_bytes raw = {0};
    if (!load_block(c, &b, &raw, n)) {
        char what[96];
        snprintf(what, sizeof what, "reading stored block %u to connect it", n->height);
        return ela_chain_fail_env(c, st, what);
    }
    ela_block_status s = ela_chain_connect(c, st, n, &b, raw.data, raw.len);
    ela_block_clear(&b);
    ela_bytes_clear(&raw);
    return s;
}

/* Marks nodes[0] failed (own = its bytes failed; else it descends from a failed block) and the
 * rest as descendants of a failed block. */
static ela_block_status mark_failed(ela_chain *c, ela_validation_state *st, ela_chain_node **nodes,
                                    size_t n, bool own)
{
    for (size_t i = 0; i < n; i++)
        nodes[i]->status |= i == 0 && own ? ELA_NODE_FAILED : ELA_NODE_FAILED_CHILD;
    if (!write_nodes(c, nodes, n))
        return ela_chain_fail_env(c, st, "recording an invalid block");
    return ELA_BLOCK_INVALID;
}

/* Makes target (more work than the tip) the tip: disconnect to the fork point, connect the new
 * branch block by block with full validation. When a block fails it and its descendants on the
 * branch are marked failed, and the old branch is connected again unless the part of the new
 * one connected so far has more work. tb (NULL: read from the store) is target's block. */
static ela_block_status activate(ela_chain *c, ela_validation_state *st, ela_chain_node *target,
                                 const ela_block *tb, const uint8_t *traw, size_t tlen)
{
    ela_chain_node *tip = ela_chain_tip_node(c);
    size_t n_path = 0;
    ela_chain_node *fork = target;
    for (; !ela_chain_node_on_main(c, fork); fork = fork->prev)
        n_path++;
    ela_chain_node **path = ela_xmalloc(n_path * sizeof *path);
    size_t i = n_path;
    for (ela_chain_node *x = target; x != fork; x = x->prev)
        path[--i] = x;
    ela_block_status status = ELA_BLOCK_CONNECTED;
    ela_chain_node **old = NULL;
    char id[ELA_UINT256_HEX_LEN + 1], id2[ELA_UINT256_HEX_LEN + 1];

    /* A branch through a block known to be invalid is invalid. */
    for (i = 0; i < n_path; i++) {
        if (path[i]->status & ELA_NODE_FAILED_ANY) {
            ela_validation_invalid(st, ELA_ERR_INTERNAL, "bad-prevblk",
                                   "descends from invalid block at height %u", path[i]->height);
            status = i + 1 < n_path ? mark_failed(c, st, path + i + 1, n_path - i - 1, false)
                                    : ELA_BLOCK_INVALID;
            goto out;
        }
    }

    uint32_t detach = tip->height - fork->height;
    /* §3.6.3: in the DPoS era a reorganisation deeper than IrreversibleHeight is refused (the
     * branch stays a side chain), as the reference's connectBestChain does. */
    if (detach > 0 && target->height > c->params->crc_only_dpos_height &&
        detach > c->params->irreversible_height) {
        ela_log_info(ELA_LOGC_CHAIN, "not reorganising to %s: %u blocks deep, beyond the "
                     "irreversible height", display(id, &target->hash), detach);
        status = ELA_BLOCK_SIDE;
        goto out;
    }
    if (detach > 0) {
        ela_log_info(ELA_LOGC_CHAIN, "reorganise: fork at %u %s, disconnect %u, connect %zu, "
                     "new tip %u %s", fork->height, display(id, &fork->hash), detach, n_path,
                     target->height, display(id2, &target->hash));
        old = ela_xmalloc(detach * sizeof *old);
        for (uint32_t d = 0; d < detach; d++)
            old[d] = c->main[fork->height + 1 + d];
    }
    for (uint32_t d = 0; d < detach; d++) {
        if (ela_chain_disconnect_tip(c, st) != ELA_BLOCK_CONNECTED) {
            status = ELA_BLOCK_ERROR;
            goto out;
        }
    }
    for (i = 0; i < n_path; i++) {
        status = connect_node(c, st, path[i], target, tb, traw, tlen);
        if (status == ELA_BLOCK_ERROR)
            goto out;
        if (status == ELA_BLOCK_CONNECTED)
            continue;
        ela_log_warn(ELA_LOGC_VALIDATION, "invalid block %u %s: %s%s%s", path[i]->height,
                     display(id, &path[i]->hash), st->reason, st->detail[0] ? ": " : "",
                     st->detail);
        if (mark_failed(c, st, path + i, n_path - i, true) == ELA_BLOCK_ERROR) {
            status = ELA_BLOCK_ERROR;
            goto out;
        }
        /* Fork choice among what is valid: the blocks of the branch connected so far stay when
         * they have more work than the old tip (§3.6.2), else back to the branch we came from,
         * which was valid a moment ago. */
        if (ela_uint256_compare(&ela_chain_tip_node(c)->work, &tip->work) > 0) {
            status = ELA_BLOCK_INVALID;
            goto out;
        }
        ela_validation_state st2;
        ela_validation_init(&st2);
        while (ela_chain_tip_node(c) != fork) {
            if (ela_chain_disconnect_tip(c, &st2) != ELA_BLOCK_CONNECTED) {
                status = ELA_BLOCK_ERROR;
                goto out;
            }
        }
        for (uint32_t d = 0; d < detach; d++) {
            if (connect_node(c, &st2, old[d], NULL, NULL, NULL, 0) != ELA_BLOCK_CONNECTED) {
                ela_log_error(ELA_LOGC_CHAIN, "the previous main chain no longer connects at %u "
                              "(%s); restart with -reindex", old[d]->height, st2.reason);
                status = ela_chain_fail_env(c, NULL, "reconnecting the previous main chain");
                goto out;
            }
        }
        status = ELA_BLOCK_INVALID;
        goto out;
    }
    if (detach > 0)
        ela_log_info(ELA_LOGC_CHAIN, "reorganised to %u %s", target->height,
                     display(id, &target->hash));
out:
    free(path);
    free(old);
    return status;
}

/* ---- intake ---------------------------------------------------------------------------------- */

/* maybeAcceptBlock (§3.1 step 4): header rules against the parent, store, fork choice. The
 * block passed sanity. */
static ela_block_status accept_block(ela_chain *c, ela_validation_state *st, const ela_block *b,
                                     const uint8_t *raw, size_t len, ela_chain_node *parent)
{
    char id[ELA_UINT256_HEX_LEN + 1];
    if (parent->status & ELA_NODE_FAILED_ANY) {
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "bad-prevblk",
                               "parent %u is invalid", parent->height);
        return ELA_BLOCK_INVALID;
    }
    if (!ela_block_check_header_context(st, &b->header, parent->height, next_bits(c, parent),
                                        node_mtp(parent))) {
        ela_log_info(ELA_LOGC_VALIDATION, "block %s refused: %s%s%s",
                     display(id, &b->header.hash), st->reason, st->detail[0] ? ": " : "",
                     st->detail);
        return ELA_BLOCK_INVALID;
    }
    ela_chain_node *node = node_add(c, &b->header, parent, ELA_NODE_HAVE_BODY);
    /* Body and index entry in their own batch: the tip does not move yet. */
    ela_store_batch *batch = ela_store_batch_new();
    uint8_t key[ELA_STORE_HASH_KEY_LEN], val[ELA_NODE_VALUE_LEN];
    if (!c->reindexing) {
        ela_store_key_hash(key, ELA_STORE_T_BODY, node->hash.b);
        ela_store_batch_put(batch, key, sizeof key, raw, len);
    }
    ela_store_key_hash(key, ELA_STORE_T_INDEX, node->hash.b);
    ela_chain_node_encode(val, node);
    ela_store_batch_put(batch, key, sizeof key, val, sizeof val);
    bool ok = ela_store_write(c->store, batch, false);
    ela_store_batch_free(batch);
    if (!ok) {
        ela_hmap_remove(&c->index, node->hash.b);
        char what[320];
        snprintf(what, sizeof what, "storing a block: %s", ela_store_last_error(c->store));
        return ela_chain_fail_env(c, st, what);
    }
    /* §3.6.2: only strictly more work moves the tip (ties keep the first seen). */
    if (ela_uint256_compare(&node->work, &ela_chain_tip_node(c)->work) > 0)
        return activate(c, st, node, b, raw, len);
    ela_log_debug(ELA_LOGC_CHAIN, "side-branch block %u %s stored", node->height,
                  display(id, &node->hash));
    return ELA_BLOCK_SIDE;
}

/* §3.1 step 5: blocks of the pool whose parent is now known, recursively. Their outcomes are
 * logged. */
static ela_block_status process_orphans(ela_chain *c, const ela_uint256 *hash)
{
    ela_uint256 *queue = ela_xmalloc(sizeof *queue);
    size_t n = 1, cap = 1;
    queue[0] = *hash;
    ela_block_status result = ELA_BLOCK_CONNECTED;
    while (n > 0 && result != ELA_BLOCK_ERROR) {
        ela_uint256 parent_hash = queue[--n];
        ela_orphan *o;
        while (result != ELA_BLOCK_ERROR &&
               (o = ela_hmap_get(&c->orphans_by_prev, parent_hash.b)) != NULL) {
            orphan_remove(c, o);
            ela_block b;
            ela_validation_state st;
            ela_validation_init(&st);
            ela_chain_node *parent = node_get(c, &o->prev);
            if (parent && !node_get(c, &o->hash) && ela_block_parse(&b, o->raw, o->len, NULL)) {
                ela_block_status s = accept_block(c, &st, &b, o->raw, o->len, parent);
                char id[ELA_UINT256_HEX_LEN + 1];
                ela_log_debug(ELA_LOGC_CHAIN, "orphan %s processed: status %d %s",
                              display(id, &o->hash), (int)s, st.reason);
                ela_block_clear(&b);
                if (s == ELA_BLOCK_ERROR)
                    result = s;
                else if (node_get(c, &o->hash)) {
                    if (n == cap) {
                        cap *= 2;
                        queue = ela_xrealloc(queue, cap * sizeof *queue);
                    }
                    queue[n++] = o->hash;
                }
            }
            orphan_free(o);
        }
    }
    free(queue);
    return result;
}

/* Another copy of a block whose stored copy failed: the block hash does not cover the programs,
 * so this one may be the genuine block (or the failed one the mutation). It replaces the stored
 * copy, the failure marks it caused are cleared, and it gets the fork choice of a new block. */
static ela_block_status retry_failed(ela_chain *c, ela_validation_state *st, ela_chain_node *node,
                                     const ela_block *b, const uint8_t *raw, size_t len)
{
    char id[ELA_UINT256_HEX_LEN + 1];
    ela_log_info(ELA_LOGC_CHAIN, "another copy of invalid block %u %s: trying it", node->height,
                 display(id, &node->hash));
    node->status &= ~(uint32_t)ELA_NODE_FAILED;
    size_t n = 1, cap = 16;
    ela_chain_node **changed = ela_xmalloc(cap * sizeof *changed);
    changed[0] = node;
    for (size_t i = 0; i < c->index.cap; i++) {
        ela_chain_node *x = c->index.vals[i];
        if (!x || !(x->status & ELA_NODE_FAILED_CHILD) || x->height <= node->height ||
            ancestor(c, x, node->height) != node)
            continue;
        x->status &= ~(uint32_t)ELA_NODE_FAILED_CHILD;
        if (n == cap) {
            cap *= 2;
            changed = ela_xrealloc(changed, cap * sizeof *changed);
        }
        changed[n++] = x;
    }
    ela_store_batch *batch = ela_store_batch_new();
    uint8_t key[ELA_STORE_HASH_KEY_LEN];
    ela_store_key_hash(key, ELA_STORE_T_BODY, node->hash.b);
    ela_store_batch_put(batch, key, sizeof key, raw, len);
    for (size_t i = 0; i < n; i++) {
        uint8_t val[ELA_NODE_VALUE_LEN];
        ela_store_key_hash(key, ELA_STORE_T_INDEX, changed[i]->hash.b);
        ela_chain_node_encode(val, changed[i]);
        ela_store_batch_put(batch, key, sizeof key, val, sizeof val);
    }
    bool ok = ela_store_write(c->store, batch, false);
    ela_store_batch_free(batch);
    if (!ok) {
        free(changed);
        return ela_chain_fail_env(c, st, "storing a block");
    }
    /* The heaviest block the failure had held back (the stored descendants come back too). */
    ela_chain_node *best = node;
    for (size_t i = 1; i < n; i++) {
        if ((changed[i]->status & ELA_NODE_HAVE_BODY) &&
            ela_uint256_compare(&changed[i]->work, &best->work) > 0)
            best = changed[i];
    }
    free(changed);
    if (ela_uint256_compare(&best->work, &ela_chain_tip_node(c)->work) <= 0)
        return ELA_BLOCK_SIDE;
    ela_block_status s = activate(c, st, best, best == node ? b : NULL, raw, len);
    if (s == ELA_BLOCK_ERROR)
        return s;
    if (ela_chain_node_on_main(c, node)) {
        ela_validation_init(st);
        return ELA_BLOCK_CONNECTED;
    }
    if (node->status & ELA_NODE_FAILED_ANY)
        return ELA_BLOCK_INVALID;
    /* A descendant failed and the block went back to a side branch. */
    ela_validation_init(st);
    return ELA_BLOCK_SIDE;
}

ela_block_status ela_chain_process_block(ela_chain *c, ela_validation_state *st,
                                         const ela_block *b, const uint8_t *raw, size_t len)
{
    ela_validation_init(st);
    if (c->broken) {
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "store-failure",
                               "an earlier store failure stopped the chain");
        return ELA_BLOCK_ERROR;
    }
    const ela_uint256 *hash = &b->header.hash;
    ela_chain_node *known = node_get(c, hash);
    if (known && !(known->status & ELA_NODE_FAILED_ANY))
        return ELA_BLOCK_DUPLICATE;
    if (known && !(known->status & ELA_NODE_FAILED)) {
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "bad-prevblk",
                               "block descends from an invalid block");
        return ELA_BLOCK_INVALID;
    }
    if (!known && ela_hmap_get(&c->orphans, hash->b))
        return ELA_BLOCK_DUPLICATE;

    /* The bytes to store: as received when they are the block, else its serialization. */
    ela_writer w;
    ela_writer_init(&w);
    if (!raw || len != b->size) {
        ela_block_write(&w, b);
        raw = w.data;
        len = w.len;
    }
    ela_block_status s = ELA_BLOCK_INVALID;
    char id[ELA_UINT256_HEX_LEN + 1];
    if (known) {
        /* Known invalid: the same bytes again are refused at once. */
        uint8_t key[ELA_STORE_HASH_KEY_LEN];
        ela_store_key_hash(key, ELA_STORE_T_BODY, hash->b);
        ela_bytes stored = {0};
        ela_store_result r = ela_store_get(c->store, &stored, key, sizeof key);
        bool same = r == ELA_STORE_OK && stored.len == len && memcmp(stored.data, raw, len) == 0;
        ela_bytes_clear(&stored);
        if (r == ELA_STORE_FAIL) {
            s = ela_chain_fail_env(c, st, "reading a stored block");
            goto out;
        }
        if (same) {
            ela_validation_invalid(st, ELA_ERR_INTERNAL, "duplicate-invalid",
                                   "block is known to be invalid");
            goto out;
        }
    }
    if (!ela_block_check_sanity(st, c->params, b, adjusted_now(c))) {
        /* Cheap for a peer to trigger: not logged above debug. */
        ela_log_debug(ELA_LOGC_VALIDATION, "block %s failed sanity: %s %s",
                      display(id, hash), st->reason, st->detail);
        goto out;
    }
    if (known) {
        s = retry_failed(c, st, known, b, raw, len);
    } else {
        ela_chain_node *parent = node_get(c, &b->header.prev);
        if (!parent) {
            orphan_add(c, b, raw, len);
            ela_log_debug(ELA_LOGC_CHAIN, "orphan block %s (parent unknown)", display(id, hash));
            s = ELA_BLOCK_ORPHAN;
            goto out;
        }
        s = accept_block(c, st, b, raw, len, parent);
    }
    if (s == ELA_BLOCK_ERROR || !node_get(c, hash))
        goto out;
    if (process_orphans(c, hash) == ELA_BLOCK_ERROR) {
        /* Already logged by the step that failed. */
        ela_validation_init(st);
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "store-failure",
                               "store failure while processing orphans");
        s = ELA_BLOCK_ERROR;
        goto out;
    }
    /* CONNECTED means on the main chain now: a side block can get there through its orphans. */
    ela_chain_node *node = node_get(c, hash);
    if (s == ELA_BLOCK_SIDE && ela_chain_node_on_main(c, node))
        s = ELA_BLOCK_CONNECTED;
out:
    ela_writer_clear(&w);
    return s;
}

ela_block_status ela_chain_process_block_bytes(ela_chain *c, ela_validation_state *st,
                                               const uint8_t *raw, size_t len)
{
    ela_block b;
    const char *why = NULL;
    if (!ela_block_parse(&b, raw, len, &why)) {
        ela_validation_init(st);
        ela_validation_invalid(st, ELA_ERR_INTERNAL, "bad-block-encoding", "%s",
                               why ? why : "unparseable");
        return ELA_BLOCK_INVALID;
    }
    ela_block_status s = ela_chain_process_block(c, st, &b, raw, len);
    ela_block_clear(&b);
    return s;
}

/* ---- open, reindex, close -------------------------------------------------------------------- */

static bool fresh_init(ela_chain *c, char *err, size_t errlen)
{
    ela_block g;
    ela_genesis_block_params(&g, c->params);
    ela_chain_node *n = node_add(c, &g.header, NULL, ELA_NODE_HAVE_BODY | ELA_NODE_VALID);
    main_set_tip(c, n);
    bool ok = ela_chain_write_genesis(c, &g, err, errlen);
    ela_block_clear(&g);
    return ok;
}

static bool meta_get(ela_chain *c, ela_bytes *out, uint8_t which, ela_store_result *r)
{
    uint8_t key[2] = {ELA_STORE_T_META, which};
    *r = ela_store_get(c->store, out, key, sizeof key);
    return *r == ELA_STORE_OK;
}

static bool meta_write(ela_chain *c, uint8_t which, const uint8_t *val, size_t vlen, bool del)
{
    uint8_t key[2] = {ELA_STORE_T_META, which};
    ela_store_batch *b = ela_store_batch_new();
    if (del)
        ela_store_batch_delete(b, key, sizeof key);
    else
        ela_store_batch_put(b, key, sizeof key, val, vlen);
    bool ok = ela_store_write(c->store, b, true);
    ela_store_batch_free(b);
    return ok;
}

static bool store_is_empty(ela_chain *c)
{
    ela_store_iter *it = ela_store_iter_new(c->store);
    ela_store_iter_seek(it, (const uint8_t *)"", 0);
    bool empty = !ela_store_iter_valid(it);
    ela_store_iter_free(it);
    return empty;
}

/* Opens an existing store (or initialises an empty one) and checks it. */
static bool load(ela_chain *c, const char *path, char *err, size_t errlen)
{
    ela_bytes v = {0};
    ela_store_result r;
    if (!meta_get(c, &v, ELA_STORE_META_VERSION, &r)) {
        if (r == ELA_STORE_FAIL) {
            snprintf(err, errlen, "cannot read the store at %s (%s): restart with -reindex",
                     path, ela_store_last_error(c->store));
            return false;
        }
        if (!store_is_empty(c)) {
            snprintf(err, errlen, "the store at %s has no schema version (damaged or not an "
                     "elad store): restart with -reindex", path);
            return false;
        }
        ela_log_info(ELA_LOGC_DB, "new store at %s", path);
        return fresh_init(c, err, errlen);
    }
    uint32_t version = v.len == 4 ? ela_get_u32le(v.data) : 0;
    ela_bytes_clear(&v);
    if (version != ELA_STORE_SCHEMA_VERSION) {
        snprintf(err, errlen, "the store at %s has schema version %u, this elad uses %u: "
                 "restart with -reindex", path, version, ELA_STORE_SCHEMA_VERSION);
        return false;
    }
    if (meta_get(c, &v, ELA_STORE_META_REINDEX, &r) || r == ELA_STORE_FAIL) {
        ela_bytes_clear(&v);
        snprintf(err, errlen, "a reindex of %s was interrupted: restart with -reindex", path);
        return false;
    }
    if (!load_index(c, err, errlen))
        return false;
    if (!meta_get(c, &v, ELA_STORE_META_TIP, &r) || v.len != 32) {
        ela_bytes_clear(&v);
        snprintf(err, errlen, "the store at %s has no valid tip record: restart with -reindex",
                 path);
        return false;
    }
    ela_uint256 tip_hash;
    memcpy(tip_hash.b, v.data, 32);
    ela_bytes_clear(&v);
    ela_chain_node *tip = node_get(c, &tip_hash);
    if (!tip || !(tip->status & ELA_NODE_VALID)) {
        snprintf(err, errlen, "the tip of the store at %s is not in its block index: restart "
                 "with -reindex", path);
        return false;
    }
    main_set_tip(c, tip);

    ela_block g;
    ela_genesis_block_params(&g, c->params);
    bool same = ela_uint256_equal(&g.header.hash, &c->main[0]->hash);
    ela_block_clear(&g);
    if (!same) {
        char id[ELA_UINT256_HEX_LEN + 1];
        snprintf(err, errlen, "the store at %s starts at genesis %s, not this network's: use "
                 "another data directory", path, display(id, &c->main[0]->hash));
        return false;
    }
    if (tip->height > 0) {
        uint8_t key[ELA_STORE_HASH_KEY_LEN];
        ela_store_key_hash(key, ELA_STORE_T_UNDO, tip->hash.b);
        if (!(tip->status & ELA_NODE_HAVE_UNDO) ||
            ela_store_exists(c->store, key, sizeof key) != ELA_STORE_OK) {
            snprintf(err, errlen, "the undo record of the tip (height %u) is missing from the "
                     "store at %s: restart with -reindex", tip->height, path);
            return false;
        }
    }
    uint8_t hkey[ELA_STORE_HEIGHT_KEY_LEN];
    ela_store_key_height(hkey, tip->height);
    if (ela_store_get(c->store, &v, hkey, sizeof hkey) != ELA_STORE_OK || v.len != 32 ||
        memcmp(v.data, tip->hash.b, 32) != 0) {
        ela_bytes_clear(&v);
        snprintf(err, errlen, "the height index of the store at %s does not match its tip: "
                 "restart with -reindex", path);
        return false;
    }
    ela_bytes_clear(&v);
    if (meta_get(c, &v, ELA_STORE_META_CLEAN, &r)) {
        ela_bytes_clear(&v);
        if (!meta_write(c, ELA_STORE_META_CLEAN, NULL, 0, true)) {
            snprintf(err, errlen, "cannot write to the store at %s: %s", path,
                     ela_store_last_error(c->store));
            return false;
        }
    } else {
        ela_log_info(ELA_LOGC_DB, "the store was not closed cleanly; its tip is consistent");
    }
    return true;
}

typedef struct body_ref {
    uint32_t height;
    ela_uint256 hash;
} body_ref;

static int cmp_body_ref(const void *a, const void *b)
{
    const body_ref *x = a, *y = b;
    if (x->height != y->height)
        return x->height < y->height ? -1 : 1;
    return memcmp(x->hash.b, y->hash.b, 32);
}

/* Rebuilds everything but the block bodies: wipe, genesis, then every stored body in height
 * order through the normal intake (full validation; the best chain wins as it would have). */
static bool reindex(ela_chain *c, const char *path, char *err, size_t errlen)
{
    ela_log_info(ELA_LOGC_DB, "reindexing %s", path);
    double t0 = ela_chain_now();
    static const uint8_t one = 1;
    if (!meta_write(c, ELA_STORE_META_REINDEX, &one, 1, false)) {
        snprintf(err, errlen, "cannot write to the store at %s: %s", path,
                 ela_store_last_error(c->store));
        return false;
    }
    /* The bodies, by height read from their 84-byte header. */
    body_ref *list = NULL;
    size_t n = 0, cap = 0;
    ela_store_batch *batch = ela_store_batch_new();
    ela_store_iter *it = ela_store_iter_new(c->store);
    bool ok = true;
    for (ela_store_iter_seek(it, (const uint8_t *)"", 0); ela_store_iter_valid(it);
         ela_store_iter_next(it)) {
        size_t klen, vlen;
        const uint8_t *k = ela_store_iter_key(it, &klen);
        if (klen > 0 && k[0] == ELA_STORE_T_BODY) {
            const uint8_t *v = ela_store_iter_value(it, &vlen);
            if (klen == ELA_STORE_HASH_KEY_LEN && vlen >= ELA_HEADER_BASE_SIZE) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 1024;
                    list = ela_xrealloc(list, cap * sizeof *list);
                }
                list[n].height = ela_get_u32le(v + 80);
                memcpy(list[n].hash.b, k + 1, 32);
                n++;
            }
            continue;
        }
        if (klen == 2 && k[0] == ELA_STORE_T_META && k[1] == ELA_STORE_META_REINDEX)
            continue;
        ela_store_batch_delete(batch, k, klen);
        if (ela_store_batch_count(batch) >= 10000) {
            ok = ela_store_write(c->store, batch, false);
            ela_store_batch_reset(batch);
            if (!ok)
                break;
        }
    }
    if (ok && ela_store_iter_failed(it))
        ok = false;
    ela_store_iter_free(it);
    if (ok)
        ok = ela_store_write(c->store, batch, true);
    ela_store_batch_free(batch);
    if (!ok) {
        snprintf(err, errlen, "reindex of %s failed while clearing: %s", path,
                 ela_store_last_error(c->store));
        free(list);
        return false;
    }
    qsort(list, n, sizeof *list, cmp_body_ref);
    ela_log_info(ELA_LOGC_DB, "reindex: %zu stored blocks", n);

    if (!fresh_init(c, err, errlen)) {
        free(list);
        return false;
    }
    c->reindexing = true;
    size_t invalid = 0;
    for (size_t i = 0; i < n && ok; i++) {
        uint8_t key[ELA_STORE_HASH_KEY_LEN];
        ela_store_key_hash(key, ELA_STORE_T_BODY, list[i].hash.b);
        ela_bytes raw = {0};
        if (ela_store_get(c->store, &raw, key, sizeof key) != ELA_STORE_OK) {
            snprintf(err, errlen, "reindex: cannot read a stored block: %s",
                     ela_store_last_error(c->store));
            ok = false;
            break;
        }
        ela_validation_state st;
        ela_block_status s = ela_chain_process_block_bytes(c, &st, raw.data, raw.len);
        ela_bytes_clear(&raw);
        if (s == ELA_BLOCK_ERROR) {
            snprintf(err, errlen, "reindex failed at height %u: %s", list[i].height, st.detail);
            ok = false;
        } else if (s == ELA_BLOCK_INVALID) {
            invalid++;
        }
        if ((i + 1) % 10000 == 0)
            ela_log_info(ELA_LOGC_DB, "reindex: %zu/%zu blocks, height %u", i + 1, n,
                         ela_chain_height(c));
    }
    c->reindexing = false;
    free(list);
    if (!ok)
        return false;
    if (!meta_write(c, ELA_STORE_META_REINDEX, NULL, 0, true)) {
        snprintf(err, errlen, "cannot write to the store at %s: %s", path,
                 ela_store_last_error(c->store));
        return false;
    }
    ela_log_info(ELA_LOGC_DB, "reindex done: height %u, %zu invalid blocks skipped, %.1f s",
                 ela_chain_height(c), invalid, ela_chain_now() - t0);
    return true;
}

/* After a crash between storing a block and connecting it, or in the middle of a
 * reorganisation, the store may hold a valid-looking branch with more work than its tip: connect
 * it now, as if its last block had just arrived. */
static bool resume_best(ela_chain *c, char *err, size_t errlen)
{
    for (;;) {
        ela_chain_node *tip = ela_chain_tip_node(c), *best = tip;
        for (size_t i = 0; i < c->index.cap; i++) {
            ela_chain_node *n = c->index.vals[i];
            if (n && (n->status & ELA_NODE_HAVE_BODY) && !(n->status & ELA_NODE_FAILED_ANY) &&
                ela_uint256_compare(&n->work, &best->work) > 0)
                best = n;
        }
        if (best == tip)
            return true;
        char id[ELA_UINT256_HEX_LEN + 1];
        ela_log_info(ELA_LOGC_CHAIN, "connecting the stored branch to %u %s", best->height,
                     display(id, &best->hash));
        ela_validation_state st;
        ela_validation_init(&st);
        ela_block_status s = activate(c, &st, best, NULL, NULL, 0);
        if (s == ELA_BLOCK_ERROR) {
            snprintf(err, errlen, "cannot connect the stored branch (%s): restart with -reindex",
                     st.detail);
            return false;
        }
        /* SIDE (refused as too deep) or CONNECTED ends it; INVALID marked at least one block
         * failed, so the next round looks at fewer candidates. */
        if (s != ELA_BLOCK_INVALID)
            return true;
    }
}

ela_chain *ela_chain_open(const ela_chain_options *opt, char *err, size_t errlen)
{
    assert(opt && opt->path && opt->params);
    if (errlen)
        err[0] = '\0';
    ela_chain *c = ela_xcalloc(1, sizeof *c);
    c->params = opt->params;
    if (opt->state)
        c->state = *opt->state;
    else
        ela_state_ops_null(&c->state, opt->params);
    c->adjusted_time = opt->adjusted_time;
    c->time_ctx = opt->time_ctx;
    c->listener = opt->listener;
    ela_hmap_init(&c->index, 32);
    ela_hmap_init(&c->orphans, 32);
    ela_hmap_init(&c->orphans_by_prev, 32);
    c->main_cap = 1024;
    c->main = ela_xmalloc(c->main_cap * sizeof *c->main);
    size_t dbcache = opt->dbcache_bytes ? opt->dbcache_bytes : DEFAULT_DBCACHE;
    ela_chain_coins_init(c, dbcache / 2);
    ela_sigcache_init(&c->sigcache, SIGCACHE_ENTRIES);

    c->store = ela_store_open(opt->path, dbcache / 2, err, errlen);
    if (!c->store)
        goto fail;
    c->pool = ela_checkpool_new(opt->workers);
    if (!c->pool) {
        snprintf(err, errlen, "cannot start signature worker threads");
        goto fail;
    }
    if (!(opt->reindex ? reindex(c, opt->path, err, errlen) : load(c, opt->path, err, errlen)))
        goto fail;
    if (!resume_best(c, err, errlen))
        goto fail;
    char id[ELA_UINT256_HEX_LEN + 1];
    ela_log_info(ELA_LOGC_CHAIN, "chain at height %u, tip %s, %zu blocks indexed, %d workers",
                 ela_chain_height(c), display(id, &ela_chain_tip_node(c)->hash),
                 c->index.count, ela_checkpool_size(c->pool));
    return c;
fail:
    ela_chain_close(c);
    return NULL;
}

void ela_chain_close(ela_chain *c)
{
    if (!c)
        return;
    ela_checkpool_free(c->pool);
    ela_store_close(c->store);
    while (c->oldest) {
        ela_orphan *o = c->oldest;
        orphan_remove(c, o);
        orphan_free(o);
    }
    ela_hmap_clear(&c->orphans);
    ela_hmap_clear(&c->orphans_by_prev);
    ela_hmap_clear(&c->index);
    for (size_t i = 0; i < c->n_node_chunks; i++)
        free(c->node_chunks[i]);
    free(c->node_chunks);
    free(c->main);
    ela_chain_coins_clear(c);
    ela_sigcache_clear(&c->sigcache);
    free(c);
}

/* ---- queries --------------------------------------------------------------------------------- */

uint32_t ela_chain_height(const ela_chain *c)
{
    return (uint32_t)(c->main_len - 1);
}

const ela_state_ops *ela_chain_state(const ela_chain *c)
{
    return &c->state;
}

bool ela_chain_view_failed(ela_chain *c)
{
    bool f = c->env_error;
    c->env_error = false;
    return f;
}

bool ela_chain_header_at(const ela_chain *c, ela_chain_header_info *out, uint32_t height)
{
    if (height >= c->main_len)
        return false;
    const ela_chain_node *n = c->main[height];
    out->hash = n->hash;
    out->work = n->work;
    out->height = n->height;
    out->timestamp = n->timestamp;
    out->bits = n->bits;
    return true;
}

void ela_chain_tip_hash(const ela_chain *c, ela_uint256 *out)
{
    *out = ela_chain_tip_node(c)->hash;
}

bool ela_chain_hash_at(const ela_chain *c, ela_uint256 *out, uint32_t height)
{
    if (height >= c->main_len)
        return false;
    *out = c->main[height]->hash;
    return true;
}

bool ela_chain_block_height(const ela_chain *c, uint32_t *height, bool *on_main,
                            const ela_uint256 *hash)
{
    const ela_chain_node *n = node_get(c, hash);
    if (!n)
        return false;
    if (height)
        *height = n->height;
    if (on_main)
        *on_main = ela_chain_node_on_main(c, n);
    return true;
}

bool ela_chain_get_block_raw(ela_chain *c, ela_bytes *out, const ela_uint256 *hash)
{
    uint8_t key[ELA_STORE_HASH_KEY_LEN];
    ela_store_key_hash(key, ELA_STORE_T_BODY, hash->b);
    return ela_store_get(c->store, out, key, sizeof key) == ELA_STORE_OK;
}

bool ela_chain_get_block(ela_chain *c, ela_block *out, const ela_uint256 *hash)
{
    ela_block_init(out);
    ela_bytes raw = {0};
    if (!ela_chain_get_block_raw(c, &raw, hash))
        return false;
    bool ok = ela_block_parse(out, raw.data, raw.len, NULL);
    ela_bytes_clear(&raw);
    if (!ok)
        ela_log_error(ELA_LOGC_DB, "a stored block does not parse: restart with -reindex");
    return ok;
}

bool ela_chain_median_time(const ela_chain *c, uint32_t *out, const ela_uint256 *hash)
{
    const ela_chain_node *n = node_get(c, hash);
    if (!n)
        return false;
    *out = node_mtp(n);
    return true;
}

bool ela_chain_get_tx(ela_chain *c, ela_tx *out, ela_uint256 *block_hash, uint32_t *height,
                      const ela_uint256 *txid)
{
    return ela_chain_tx_lookup(c, out, block_hash, height, txid) == ELA_STORE_OK;
}

bool ela_chain_get_coin(ela_chain *c, ela_coin *out, const ela_uint256 *txid, uint16_t index)
{
    return ela_chain_coin_lookup(c, out, txid, index) == ELA_STORE_OK;
}

size_t ela_chain_address_utxos(ela_chain *c, const ela_uint168 *ph,
                               bool (*fn)(void *ctx, const ela_address_utxo *u), void *ctx)
{
    uint8_t prefix[22];
    prefix[0] = ELA_STORE_T_ADDR;
    memcpy(prefix + 1, ph->b, 21);
    size_t n = 0;
    ela_store_iter *it = ela_store_iter_new(c->store);
    for (ela_store_iter_seek(it, prefix, sizeof prefix); ela_store_iter_valid(it);
         ela_store_iter_next(it)) {
        size_t klen, vlen;
        const uint8_t *k = ela_store_iter_key(it, &klen);
        if (klen < sizeof prefix || memcmp(k, prefix, sizeof prefix) != 0)
            break;
        const uint8_t *v = ela_store_iter_value(it, &vlen);
        if (klen != ELA_STORE_ADDR_KEY_LEN || vlen != ELA_STORE_ADDR_VALUE_LEN)
            continue;
        ela_address_utxo u;
        memcpy(u.txid.b, k + 22, 32);
        u.index = (uint16_t)(k[54] << 8 | k[55]);
        uint64_t value = 0;
        for (int i = 0; i < 8; i++)
            value |= (uint64_t)v[i] << (8 * i);
        u.value = (int64_t)value;
        u.height = ela_get_u32le(v + 8);
        u.output_lock = ela_get_u32le(v + 12);
        n++;
        if (!fn(ctx, &u))
            break;
    }
    if (ela_store_iter_failed(it))
        ela_log_error(ELA_LOGC_DB, "reading the address index: %s",
                      ela_store_last_error(c->store));
    ela_store_iter_free(it);
    return n;
}

bool ela_chain_utxo_stats(ela_chain *c, ela_utxo_stats *out)
{
    ela_chain_node *tip = ela_chain_tip_node(c);
    if (c->stats_valid && ela_uint256_equal(&c->stats.tip, &tip->hash)) {
        *out = c->stats;
        return true;
    }
    memset(out, 0, sizeof *out);
    out->height = tip->height;
    out->tip = tip->hash;
    ela_sha256_ctx sha;
    ela_sha256_init(&sha);
    bool ok = true;
    uint8_t last_txid[32];
    ela_store_iter *it = ela_store_iter_new(c->store);
    uint8_t start = ELA_STORE_T_COIN;
    for (ela_store_iter_seek(it, &start, 1); ela_store_iter_valid(it); ela_store_iter_next(it)) {
        size_t klen, vlen;
        const uint8_t *k = ela_store_iter_key(it, &klen);
        if (klen == 0 || k[0] != ELA_STORE_T_COIN)
            break;
        const uint8_t *v = ela_store_iter_value(it, &vlen);
        ela_reader r;
        ela_reader_init(&r, v, vlen);
        ela_coin coin;
        if (klen != ELA_STORE_COIN_KEY_LEN || !ela_coin_read(&r, &coin)) {
            ela_log_error(ELA_LOGC_DB, "damaged UTXO entry: restart with -reindex");
            ok = false;
            break;
        }
        out->txouts++;
        if (out->transactions == 0 || memcmp(last_txid, k + 1, 32) != 0) {
            out->transactions++;
            memcpy(last_txid, k + 1, 32);
        }
        out->total_amount += coin.out.value;
        ela_coin_clear(&coin);
        /* txid ‖ index (big-endian, as in the key) ‖ coin bytes. */
        ela_sha256_update(&sha, k + 1, klen - 1);
        ela_sha256_update(&sha, v, vlen);
    }
    if (ok && ela_store_iter_failed(it)) {
        ela_log_error(ELA_LOGC_DB, "reading the UTXO set: %s", ela_store_last_error(c->store));
        ok = false;
    }
    ela_store_iter_free(it);
    uint8_t first[32];
    ela_sha256_final(&sha, first);
    ela_sha256(out->hash.b, first, sizeof first);
    if (!ok)
        return false;
    out->disk_size = ela_store_disk_size(c->store);
    c->stats = *out;
    c->stats_valid = true;
    return true;
}

void ela_chain_sigcache_add(ela_chain *c, const ela_tx *tx, const ela_coin *refs)
{
    ela_validation_state st;
    ela_validation_init(&st);
    ela_uint168 *req = NULL;
    size_t n = 0;
    if (!ela_txcheck_required_hashes(&st, &req, &n, tx, refs))
        return;
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, tx);
    uint8_t key[32];
    ela_sigcache_key(key, w.data, w.len, req, n);
    ela_sigcache_insert(&c->sigcache, key);
    ela_writer_clear(&w);
    free(req);
}

void ela_chain_get_counters(const ela_chain *c, ela_chain_counters *out)
{
    *out = c->counters;
}
