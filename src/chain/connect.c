/* elad: connecting and disconnecting main-chain blocks (spec/consensus.md §3.4, §5): the UTXO
 * view the transaction checks read, the coin cache, signature checks on the pool, undo records,
 * and the one write batch per block.
 *
 * Write-through: the store is updated at every block; the coin cache only saves reads. A coin
 * is put in the cache when it is created or read, and dropped when it is spent, after the batch
 * that changed it was committed. */
#include "chain/chainstate.h"

#include <ela/blockcheck.h>
#include <ela/log.h>
#include <ela/payload.h>
#include <ela/serialize.h>

#include <stdlib.h>
#include <string.h>

#define OUTPOINT_LEN 34
#define UNDO_VERSION 1

/* ---- small encoders -------------------------------------------------------------------------- */

static void outpoint_key(uint8_t out[OUTPOINT_LEN], const ela_uint256 *txid, uint16_t index)
{
    memcpy(out, txid->b, 32);
    out[32] = (uint8_t)index;
    out[33] = (uint8_t)(index >> 8);
}

static void addr_value(uint8_t out[ELA_STORE_ADDR_VALUE_LEN], int64_t value, uint32_t height,
                       uint32_t lock)
{
    uint64_t v = (uint64_t)value;
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (8 * i));
    ela_put_u32le(out + 8, height);
    ela_put_u32le(out + 12, lock);
}

/* ---- coin cache ------------------------------------------------------------------------------ */

/* Approximate memory of one cached coin: the entry, its slot (key + pointer, at most half the
 * slots are used) and malloc's overhead. */
static size_t coin_cost(size_t len)
{
    return sizeof(ela_coin_entry) + len + 2 * (OUTPOINT_LEN + sizeof(void *)) + 16;
}

void ela_chain_coins_init(ela_chain *c, size_t budget)
{
    ela_hmap_init(&c->coins, OUTPOINT_LEN);
    c->coin_bytes = 0;
    c->coin_budget = budget;
}

void ela_chain_coins_clear(ela_chain *c)
{
    for (size_t i = 0; i < c->coins.cap; i++)
        free(c->coins.vals[i]);
    ela_hmap_clear(&c->coins);
    c->coin_bytes = 0;
}

static void coin_cache_remove(ela_chain *c, const uint8_t key[OUTPOINT_LEN])
{
    ela_coin_entry *e = ela_hmap_remove(&c->coins, key);
    if (e) {
        c->coin_bytes -= coin_cost(e->len);
        free(e);
    }
}

static void coin_cache_put(ela_chain *c, const uint8_t key[OUTPOINT_LEN], const uint8_t *data,
                           size_t len)
{
    size_t cost = coin_cost(len);
    if (cost > c->coin_budget)
        return;
    /* Full: start again empty. Cheaper than tracking recency for every coin, and the coins a
     * block spends are mostly young ones that the next blocks put back. */
    if (c->coin_bytes + cost > c->coin_budget)
        ela_chain_coins_clear(c);
    ela_coin_entry *e = ela_xmalloc(sizeof *e + len);
    e->len = len;
    memcpy(e->data, data, len);
    ela_coin_entry *old = ela_hmap_put(&c->coins, key, e);
    if (old) {
        c->coin_bytes -= coin_cost(old->len);
        free(old);
    }
    c->coin_bytes += cost;
}

static bool decode_coin(ela_coin *out, const uint8_t *p, size_t len)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    if (!ela_coin_read(&r, out))
        return false;
    if (!ela_reader_finish(&r, NULL)) {
        ela_coin_clear(out);
        return false;
    }
    return true;
}

ela_store_result ela_chain_coin_lookup(ela_chain *c, ela_coin *out, const ela_uint256 *txid,
                                       uint16_t index)
{
    memset(out, 0, sizeof *out);
    uint8_t ok[OUTPOINT_LEN];
    outpoint_key(ok, txid, index);
    const ela_coin_entry *e = ela_hmap_get(&c->coins, ok);
    if (e)
        return decode_coin(out, e->data, e->len) ? ELA_STORE_OK : ELA_STORE_FAIL;
    uint8_t key[ELA_STORE_COIN_KEY_LEN];
    ela_store_key_coin(key, txid->b, index);
    ela_bytes v = {0};
    ela_store_result r = ela_store_get(c->store, &v, key, sizeof key);
    if (r != ELA_STORE_OK)
        return r;
    if (!decode_coin(out, v.data, v.len)) {
        ela_log_error(ELA_LOGC_DB, "damaged UTXO entry in the store");
        ela_bytes_clear(&v);
        return ELA_STORE_FAIL;
    }
    coin_cache_put(c, ok, v.data, v.len);
    ela_bytes_clear(&v);
    return ELA_STORE_OK;
}

ela_store_result ela_chain_tx_lookup(ela_chain *c, ela_tx *out, ela_uint256 *block_hash,
                                     uint32_t *height, const ela_uint256 *txid)
{
    ela_tx_init(out);
    uint8_t key[ELA_STORE_HASH_KEY_LEN];
    ela_store_key_hash(key, ELA_STORE_T_TX, txid->b);
    ela_bytes v = {0};
    ela_store_result r = ela_store_get(c->store, &v, key, sizeof key);
    if (r != ELA_STORE_OK)
        return r;
    if (v.len != ELA_STORE_TX_VALUE_LEN) {
        ela_bytes_clear(&v);
        ela_log_error(ELA_LOGC_DB, "damaged tx index entry in the store");
        return ELA_STORE_FAIL;
    }
    ela_uint256 bh;
    memcpy(bh.b, v.data, 32);
    uint32_t h = ela_get_u32le(v.data + 32), off = ela_get_u32le(v.data + 36),
             len = ela_get_u32le(v.data + 40);
    ela_bytes_clear(&v);
    ela_store_key_hash(key, ELA_STORE_T_BODY, bh.b);
    ela_bytes body = {0};
    r = ela_store_get(c->store, &body, key, sizeof key);
    if (r == ELA_STORE_NOTFOUND) {
        ela_log_error(ELA_LOGC_DB, "tx index points at a block that is not stored");
        return ELA_STORE_FAIL;
    }
    if (r != ELA_STORE_OK)
        return r;
    bool ok = (size_t)off + len <= body.len && ela_tx_parse(out, body.data + off, len, NULL);
    ela_bytes_clear(&body);
    if (!ok) {
        ela_log_error(ELA_LOGC_DB, "tx index entry does not match its stored block");
        return ELA_STORE_FAIL;
    }
    if (block_hash)
        *block_hash = bh;
    if (height)
        *height = h;
    return ELA_STORE_OK;
}

/* ---- the view of the chain before the block -------------------------------------------------- */

/* Before commit nothing of the block being connected is in the store or the cache, so the
 * store is exactly the chain before the block: a reference to an output of the same block
 * does not resolve (§3.4 step 9). */

static bool view_get_coin(void *ctx, ela_coin *out, const ela_uint256 *txid, uint16_t index)
{
    ela_chain *c = ctx;
    ela_store_result r = ela_chain_coin_lookup(c, out, txid, index);
    if (r == ELA_STORE_FAIL)
        c->env_error = true;
    return r == ELA_STORE_OK;
}

static bool view_exists(ela_chain *c, uint8_t table, const ela_uint256 *h)
{
    uint8_t key[ELA_STORE_HASH_KEY_LEN];
    ela_store_key_hash(key, table, h->b);
    ela_store_result r = ela_store_exists(c->store, key, sizeof key);
    if (r == ELA_STORE_FAIL)
        c->env_error = true;
    return r == ELA_STORE_OK;
}

static bool view_have_tx(void *ctx, const ela_uint256 *txid)
{
    return view_exists(ctx, ELA_STORE_T_TX, txid);
}

static bool view_get_tx(void *ctx, ela_tx *out, const ela_uint256 *txid)
{
    ela_chain *c = ctx;
    ela_store_result r = ela_chain_tx_lookup(c, out, NULL, NULL, txid);
    if (r == ELA_STORE_FAIL)
        c->env_error = true;
    return r == ELA_STORE_OK;
}

static bool view_withdraw_known(void *ctx, const ela_uint256 *sidechain_txid)
{
    return view_exists(ctx, ELA_STORE_T_WITHDRAW, sidechain_txid);
}

static bool view_deposit_refunded(void *ctx, const ela_uint256 *deposit_txid)
{
    return view_exists(ctx, ELA_STORE_T_REFUND, deposit_txid);
}

void ela_chain_tip_view(ela_chain *c, ela_chain_view *out)
{
    /* The store always holds the tip's UTXO set (write-through), so the connect view serves. */
    *out = (ela_chain_view){
        .ctx = c,
        .get_coin = view_get_coin,
        .have_tx = view_have_tx,
        .get_tx = view_get_tx,
        .withdraw_known = view_withdraw_known,
        .deposit_refunded = view_deposit_refunded,
    };
}

/* ---- the write batch of one block ------------------------------------------------------------ */

/* Changes to the coin cache that wait for the commit. */
typedef struct cache_ops {
    uint8_t (*removed)[OUTPOINT_LEN];
    size_t n_removed, cap_removed;
    ela_writer added; /* key(34) ‖ u32 len ‖ coin bytes, repeated */
} cache_ops;

static void cache_ops_remove(cache_ops *o, const ela_uint256 *txid, uint16_t index)
{
    if (o->n_removed == o->cap_removed) {
        o->cap_removed = o->cap_removed ? o->cap_removed * 2 : 64;
        o->removed = ela_xrealloc(o->removed, o->cap_removed * sizeof *o->removed);
    }
    outpoint_key(o->removed[o->n_removed++], txid, index);
}

static void cache_ops_add(cache_ops *o, const ela_uint256 *txid, uint16_t index,
                          const uint8_t *data, size_t len)
{
    uint8_t k[OUTPOINT_LEN];
    outpoint_key(k, txid, index);
    ela_write_bytes(&o->added, k, sizeof k);
    ela_write_u32(&o->added, (uint32_t)len);
    ela_write_bytes(&o->added, data, len);
}

static void cache_ops_apply(ela_chain *c, cache_ops *o)
{
    for (size_t i = 0; i < o->n_removed; i++)
        coin_cache_remove(c, o->removed[i]);
    size_t pos = 0;
    while (pos + OUTPOINT_LEN + 4 <= o->added.len) {
        const uint8_t *k = o->added.data + pos;
        uint32_t len = ela_get_u32le(k + OUTPOINT_LEN);
        coin_cache_put(c, k, k + OUTPOINT_LEN + 4, len);
        pos += OUTPOINT_LEN + 4 + len;
    }
}

static void cache_ops_clear(cache_ops *o)
{
    free(o->removed);
    ela_writer_clear(&o->added);
    memset(o, 0, sizeof *o);
}

static void batch_put_addr(ela_store_batch *batch, const ela_output *out, const ela_uint256 *txid,
                           uint16_t index, uint32_t height)
{
    /* The wallet index leaves zero-value outputs out, as the reference's does. */
    if (out->value == 0)
        return;
    uint8_t key[ELA_STORE_ADDR_KEY_LEN], val[ELA_STORE_ADDR_VALUE_LEN];
    ela_store_key_addr(key, out->program_hash.b, txid->b, index);
    addr_value(val, out->value, height, out->output_lock);
    ela_store_batch_put(batch, key, sizeof key, val, sizeof val);
}

static void batch_delete_addr(ela_store_batch *batch, const ela_output *out,
                              const ela_uint256 *txid, uint16_t index)
{
    if (out->value == 0)
        return;
    uint8_t key[ELA_STORE_ADDR_KEY_LEN];
    ela_store_key_addr(key, out->program_hash.b, txid->b, index);
    ela_store_batch_delete(batch, key, sizeof key);
}

/* Adds the outputs of tx as coins (§5): 'c' and 'a' entries, and the coin bytes for the cache. */
static void batch_add_outputs(ela_store_batch *batch, cache_ops *ops, ela_writer *cw,
                              const ela_tx *tx, uint32_t height)
{
    uint32_t flags = 0;
    if (ela_tx_is_coinbase(tx))
        flags = ELA_COIN_COINBASE;
    else if (ela_tx_type(tx) == ELA_TX_SIDECHAIN_POW && tx->input_count == 0)
        flags = ELA_COIN_SIDECHAIN_POW_NEW;
    for (size_t k = 0; k < tx->output_count; k++) {
        /* A borrowed view of the output: ela_coin_write only reads it. */
        ela_coin coin;
        memset(&coin, 0, sizeof coin);
        coin.out = tx->outputs[k];
        coin.height = height;
        coin.flags = flags;
        coin.tx_lock_time = tx->lock_time;
        coin.tx_type = ela_tx_type(tx);
        coin.tx_version = tx->version;
        cw->len = 0;
        ela_coin_write(cw, &coin);
        uint8_t key[ELA_STORE_COIN_KEY_LEN];
        ela_store_key_coin(key, tx->txid.b, (uint16_t)k);
        ela_store_batch_put(batch, key, sizeof key, cw->data, cw->len);
        batch_put_addr(batch, &tx->outputs[k], &tx->txid, (uint16_t)k, height);
        if (ops)
            cache_ops_add(ops, &tx->txid, (uint16_t)k, cw->data, cw->len);
    }
}

static void batch_put_tx_index(ela_store_batch *batch, const ela_tx *tx,
                               const ela_uint256 *block_hash, uint32_t height, uint32_t off,
                               uint32_t len)
{
    uint8_t key[ELA_STORE_HASH_KEY_LEN], val[ELA_STORE_TX_VALUE_LEN];
    ela_store_key_hash(key, ELA_STORE_T_TX, tx->txid.b);
    memcpy(val, block_hash->b, 32);
    ela_put_u32le(val + 32, height);
    ela_put_u32le(val + 36, off);
    ela_put_u32le(val + 40, len);
    ela_store_batch_put(batch, key, sizeof key, val, sizeof val);
}

/* The side-chain hashes a WithdrawFromSideChain records (§4.7.5): the payload list in v0, the
 * withdraw output payloads in v1 and v2, nothing in other versions. `rollback` drops v2, whose
 * hashes the reference never removes. */
static void batch_withdraw_hashes(ela_store_batch *batch, const ela_tx *tx, bool rollback)
{
    if (ela_tx_type(tx) != ELA_TX_WITHDRAW_FROM_SIDECHAIN)
        return;
    uint8_t pv = ela_tx_payload_version(tx);
    uint8_t key[ELA_STORE_HASH_KEY_LEN];
    if (pv == 0) {
        const ela_uint256_list *l = &tx->payload.u.withdraw_from_sidechain.side_chain_tx_hashes;
        for (size_t i = 0; i < l->count; i++) {
            ela_store_key_hash(key, ELA_STORE_T_WITHDRAW, l->items[i].b);
            if (rollback)
                ela_store_batch_delete(batch, key, sizeof key);
            else
                ela_store_batch_put(batch, key, sizeof key, NULL, 0);
        }
    } else if (pv == 1 || (pv == 2 && !rollback)) {
        for (size_t i = 0; i < tx->output_count; i++) {
            const ela_output *o = &tx->outputs[i];
            if (o->type != ELA_OUTPUT_WITHDRAW)
                continue;
            ela_store_key_hash(key, ELA_STORE_T_WITHDRAW, o->payload.withdraw.sidechain_txid.b);
            if (rollback)
                ela_store_batch_delete(batch, key, sizeof key);
            else
                ela_store_batch_put(batch, key, sizeof key, NULL, 0);
        }
    }
}

/* Deposit hashes a ReturnSideChainDepositCoin refunds (§4.7.6). */
static void batch_refund_hashes(ela_store_batch *batch, const ela_tx *tx, bool rollback)
{
    if (ela_tx_type(tx) != ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN)
        return;
    uint8_t key[ELA_STORE_HASH_KEY_LEN];
    for (size_t i = 0; i < tx->output_count; i++) {
        const ela_output *o = &tx->outputs[i];
        if (o->type != ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT)
            continue;
        ela_store_key_hash(key, ELA_STORE_T_REFUND, o->payload.return_deposit.deposit_txid.b);
        if (rollback)
            ela_store_batch_delete(batch, key, sizeof key);
        else
            ela_store_batch_put(batch, key, sizeof key, NULL, 0);
    }
}

static void batch_put_node(ela_store_batch *batch, const ela_chain_node *n)
{
    uint8_t key[ELA_STORE_HASH_KEY_LEN], val[ELA_NODE_VALUE_LEN];
    ela_store_key_hash(key, ELA_STORE_T_INDEX, n->hash.b);
    ela_chain_node_encode(val, n);
    ela_store_batch_put(batch, key, sizeof key, val, sizeof val);
}

static void batch_put_tip(ela_store_batch *batch, const ela_chain_node *n)
{
    static const uint8_t key[2] = {ELA_STORE_T_META, ELA_STORE_META_TIP};
    ela_store_batch_put(batch, key, sizeof key, n->hash.b, 32);
}

static void batch_put_height(ela_store_batch *batch, const ela_chain_node *n)
{
    uint8_t key[ELA_STORE_HEIGHT_KEY_LEN];
    ela_store_key_height(key, n->height);
    ela_store_batch_put(batch, key, sizeof key, n->hash.b, 32);
}

/* ---- signatures ------------------------------------------------------------------------------ */

typedef struct sig_item {
    const ela_tx *tx;
    const ela_coin *refs;
    size_t tx_index;
    bool ok;
    ela_validation_state st;
} sig_item;

static void sig_worker(void *ctx, size_t begin, size_t end)
{
    sig_item *items = ctx;
    for (size_t i = begin; i < end; i++) {
        ela_validation_init(&items[i].st);
        items[i].ok = ela_txcheck_programs(&items[i].st, items[i].tx, items[i].refs);
    }
}

/* ---- connect --------------------------------------------------------------------------------- */

typedef struct connect_work {
    ela_coin **refs;   /* per tx; NULL for the coinbase */
    size_t n_txs;
    uint32_t *tx_off;  /* byte offset of every tx in the stored bytes */
    uint8_t (*keys)[32]; /* signature cache keys of the checked txs */
    size_t n_keys;
    sig_item *items;
    size_t n_items;
    double sig_start;
    ela_store_batch *batch;
    cache_ops ops;
} connect_work;

static void connect_work_clear(connect_work *w, const ela_block *b)
{
    if (w->refs) {
        for (size_t i = 0; i < w->n_txs; i++) {
            if (!w->refs[i])
                continue;
            for (size_t k = 0; k < b->txs[i].input_count; k++)
                ela_coin_clear(&w->refs[i][k]);
            free(w->refs[i]);
        }
        free(w->refs);
    }
    free(w->tx_off);
    free(w->keys);
    free(w->items);
    ela_store_batch_free(w->batch);
    cache_ops_clear(&w->ops);
    memset(w, 0, sizeof *w);
}

/* Signature checks (§4.4) of every tx that needs them and is not in the cache: handed to the
 * pool, which verifies them while the main thread builds the write batch. */
static void start_signatures(ela_chain *c, connect_work *w, const ela_block *b,
                             const uint8_t *raw)
{
    w->items = ela_xcalloc(b->n_txs, sizeof *w->items);
    w->keys = ela_xcalloc(b->n_txs, sizeof *w->keys);
    size_t n_items = 0;
    /* An empty cache (initial import, -loadblock) can hold none of these txs: skip hashing
     * every tx for a key that could only miss. */
    bool use_cache = ela_sigcache_count(&c->sigcache) > 0;
    for (size_t i = 1; i < b->n_txs; i++) {
        const ela_tx *tx = &b->txs[i];
        if (!ela_txcheck_needs_signatures(tx))
            continue;
        if (!use_cache)
            goto verify;
        ela_uint168 *req = NULL;
        size_t n_req = 0;
        ela_validation_state tmp;
        ela_validation_init(&tmp);
        if (ela_txcheck_required_hashes(&tmp, &req, &n_req, tx, w->refs[i])) {
            ela_sigcache_key(w->keys[w->n_keys], raw + w->tx_off[i], tx->size, req, n_req);
            free(req);
            if (ela_sigcache_contains(&c->sigcache, w->keys[w->n_keys])) {
                c->counters.sigcache_hits++;
                w->n_keys++;
                continue;
            }
            w->n_keys++;
        }
        /* A tx whose hash set cannot be built fails in ela_txcheck_programs with the reason. */
    verify:
        w->items[n_items].tx = tx;
        w->items[n_items].refs = w->refs[i];
        w->items[n_items].tx_index = i;
        n_items++;
    }
    w->n_items = n_items;
    w->sig_start = ela_chain_now();
    ela_checkpool_start(c->pool, sig_worker, w->items, n_items, 0);
}

/* Joins the pool (the main thread verifies too while it waits) and reports the first failing
 * tx in block order with the reason RunPrograms gave. */
static bool finish_signatures(ela_chain *c, ela_validation_state *st, connect_work *w)
{
    if (!w->items)
        return true;
    ela_checkpool_wait(c->pool);
    c->counters.sig_seconds += ela_chain_now() - w->sig_start;
    for (size_t j = 0; j < w->n_items; j++)
        c->counters.sigs_verified += w->items[j].tx->program_count;
    for (size_t j = 0; j < w->n_items; j++) {
        if (w->items[j].ok)
            continue;
        char id[ELA_UINT256_HEX_LEN + 1];
        ela_uint256_to_display(id, &w->items[j].tx->txid);
        const ela_validation_state *ts = &w->items[j].st;
        return ela_validation_invalid(st, ts->code ? ts->code : ELA_ERR_TRANSACTION_SIGNATURE,
                                      ts->reason[0] ? ts->reason : "bad-txns-signature",
                                      "%s%s(tx %zu %.16s)", ts->detail,
                                      ts->detail[0] ? " " : "", w->items[j].tx_index, id);
    }
    return true;
}

/* The byte offset of every tx inside raw: the header is what precedes the u32 count and the
 * transactions, whose sizes the parser recorded. */
static bool tx_offsets(connect_work *w, const ela_block *b, size_t len)
{
    size_t body = 4;
    for (size_t i = 0; i < b->n_txs; i++)
        body += b->txs[i].size;
    if (body > len)
        return false;
    w->tx_off = ela_xmalloc((b->n_txs ? b->n_txs : 1) * sizeof *w->tx_off);
    size_t off = len - body + 4;
    for (size_t i = 0; i < b->n_txs; i++) {
        w->tx_off[i] = (uint32_t)off;
        off += b->txs[i].size;
    }
    return off == len;
}

/* If the coinbase repeats the txid of an earlier one (§4.7.1: not rejected), its entries
 * overwrite that one's: save what is overwritten so that disconnect can put it back. */
static ela_store_result save_overwritten(ela_chain *c, connect_work *w, ela_writer *over,
                                         uint64_t *n_over, ela_writer *prior, uint64_t *n_prior,
                                         ela_writer *cw, const ela_tx *tx)
{
    uint8_t key[ELA_STORE_HASH_KEY_LEN];
    ela_store_key_hash(key, ELA_STORE_T_TX, tx->txid.b);
    ela_bytes v = {0};
    ela_store_result r = ela_store_get(c->store, &v, key, sizeof key);
    if (r != ELA_STORE_OK)
        return r == ELA_STORE_NOTFOUND ? ELA_STORE_OK : r;
    ela_write_uint256(prior, &tx->txid);
    ela_write_varbytes(prior, v.data, v.len);
    (*n_prior)++;
    ela_bytes_clear(&v);
    for (size_t k = 0; k < tx->output_count; k++) {
        ela_coin old;
        r = ela_chain_coin_lookup(c, &old, &tx->txid, (uint16_t)k);
        if (r == ELA_STORE_FAIL)
            return r;
        if (r == ELA_STORE_NOTFOUND)
            continue;
        cw->len = 0;
        ela_coin_write(cw, &old);
        ela_write_uint256(over, &tx->txid);
        ela_write_u16(over, (uint16_t)k);
        ela_write_varbytes(over, cw->data, cw->len);
        (*n_over)++;
        batch_delete_addr(w->batch, &old.out, &tx->txid, (uint16_t)k);
        cache_ops_remove(&w->ops, &tx->txid, (uint16_t)k);
        ela_coin_clear(&old);
    }
    return ELA_STORE_OK;
}

/* Builds the batch of a validated block: UTXO diff, indexes, undo record, state undo, height
 * entry, index entry and tip. */
static ela_block_status build_connect_batch(ela_chain *c, ela_validation_state *st,
                                            connect_work *w, ela_chain_node *node,
                                            const ela_block *b, ela_bytes *state_undo)
{
    ela_writer spent, over, prior, cw;
    ela_writer_init(&spent);
    ela_writer_init(&over);
    ela_writer_init(&prior);
    ela_writer_init(&cw);
    uint64_t n_spent = 0, n_over = 0, n_prior = 0;
    ela_block_status status = ELA_BLOCK_CONNECTED;
    w->batch = ela_store_batch_new();

    for (size_t i = 0; i < b->n_txs; i++) {
        const ela_tx *tx = &b->txs[i];
        batch_put_tx_index(w->batch, tx, &node->hash, node->height, w->tx_off[i],
                           (uint32_t)tx->size);
        /* §5: RegisterAsset txs are invisible to the unspent index: their inputs stay unspent
         * and their outputs never become spendable. */
        if (ela_tx_type(tx) == ELA_TX_REGISTER_ASSET)
            continue;
        if (ela_tx_is_coinbase(tx)) {
            ela_store_result r = save_overwritten(c, w, &over, &n_over, &prior, &n_prior, &cw, tx);
            if (r == ELA_STORE_FAIL) {
                status = ela_chain_fail_env(c, st, "reading the UTXO set");
                goto out;
            }
        } else {
            for (size_t k = 0; k < tx->input_count; k++) {
                const ela_input *in = &tx->inputs[k];
                const ela_coin *coin = &w->refs[i][k];
                uint8_t key[ELA_STORE_COIN_KEY_LEN];
                ela_store_key_coin(key, in->prev_txid.b, in->prev_index);
                ela_store_batch_delete(w->batch, key, sizeof key);
                batch_delete_addr(w->batch, &coin->out, &in->prev_txid, in->prev_index);
                cache_ops_remove(&w->ops, &in->prev_txid, in->prev_index);
                cw.len = 0;
                ela_coin_write(&cw, coin);
                ela_write_uint256(&spent, &in->prev_txid);
                ela_write_u16(&spent, in->prev_index);
                ela_write_varbytes(&spent, cw.data, cw.len);
                n_spent++;
            }
        }
        batch_add_outputs(w->batch, &w->ops, &cw, tx, node->height);
        batch_withdraw_hashes(w->batch, tx, false);
        batch_refund_hashes(w->batch, tx, false);
    }

    /* The undo record: spent coins in block order, overwritten coins, overwritten tx index
     * entries, then the state's bytes. */
    ela_writer undo;
    ela_writer_init(&undo);
    ela_write_u8(&undo, UNDO_VERSION);
    ela_write_varint(&undo, n_spent);
    ela_write_bytes(&undo, spent.data, spent.len);
    ela_write_varint(&undo, n_over);
    ela_write_bytes(&undo, over.data, over.len);
    ela_write_varint(&undo, n_prior);
    ela_write_bytes(&undo, prior.data, prior.len);
    ela_write_varbytes(&undo, state_undo->data, state_undo->len);
    uint8_t key[ELA_STORE_HASH_KEY_LEN];
    ela_store_key_hash(key, ELA_STORE_T_UNDO, node->hash.b);
    ela_store_batch_put(w->batch, key, sizeof key, undo.data, undo.len);
    ela_writer_clear(&undo);

    batch_put_height(w->batch, node);
    ela_chain_node saved = *node;
    saved.status |= ELA_NODE_VALID | ELA_NODE_HAVE_UNDO;
    batch_put_node(w->batch, &saved);
    batch_put_tip(w->batch, node);
out:
    ela_writer_clear(&spent);
    ela_writer_clear(&over);
    ela_writer_clear(&prior);
    ela_writer_clear(&cw);
    return status;
}

static void erase_sigcache(ela_chain *c, const connect_work *w)
{
    /* The txs of a connected block cannot be checked again (they are in the chain now). */
    for (size_t i = 0; i < w->n_keys; i++)
        ela_sigcache_erase(&c->sigcache, w->keys[i]);
}

ela_block_status ela_chain_connect(ela_chain *c, ela_validation_state *st, ela_chain_node *node,
                                   const ela_block *b, const uint8_t *raw, size_t len)
{
    double t0 = ela_chain_now();
    const ela_params *p = c->params;
    uint32_t h = node->height;
    connect_work w;
    memset(&w, 0, sizeof w);
    ela_writer_init(&w.ops.added);
    ela_block_status status = ELA_BLOCK_INVALID;

    if (!tx_offsets(&w, b, len)) {
        /* The caller hands over the bytes the block was parsed from (or its serialization). */
        status = ela_chain_fail_env(c, st, "block bytes do not match the parsed block");
        goto out;
    }
    /* Block rules that need BPoS/CR state (§3.4 steps 4-8); the null state refuses the DPoS
     * era with ELA_REASON_NEEDS_STATE. */
    if (!c->state.check_block(c->state.ctx, st, b, h))
        goto out;
    if (!ela_block_check_final(st, b))
        goto out;

    /* §3.4 step 9: context check of every tx against the chain before the block. */
    ela_chain_view view;
    ela_chain_tip_view(c, &view);
    ela_tx_context tctx = {.height = h, .tip_height = h - 1, .timestamp = b->header.timestamp,
                           .in_block = true};
    w.n_txs = b->n_txs;
    w.refs = ela_xcalloc(b->n_txs, sizeof *w.refs);
    int64_t total_fee = 0;
    c->env_error = false;
    for (size_t i = 1; i < b->n_txs; i++) {
        const ela_tx *tx = &b->txs[i];
        w.refs[i] = ela_xcalloc(tx->input_count ? tx->input_count : 1, sizeof(ela_coin));
        int64_t fee = 0;
        bool ok = ela_tx_check_context(st, &fee, w.refs[i], p, &view, &c->state, tx, &tctx);
        c->counters.txs_checked++;
        if (c->env_error) {
            status = ela_chain_fail_env(c, st, "reading the chain for a tx check");
            goto out;
        }
        if (!ok) {
            char id[ELA_UINT256_HEX_LEN + 1];
            ela_uint256_to_display(id, &tx->txid);
            size_t dl = strlen(st->detail);
            snprintf(st->detail + dl, sizeof st->detail - dl, "%s(tx %zu %.16s)",
                     dl ? " " : "", i, id);
            goto out;
        }
        if (__builtin_add_overflow(total_fee, fee, &total_fee)) {
            ela_validation_invalid(st, ELA_ERR_TRANSACTION_BALANCE, "bad-txns-fee-outofrange",
                                   "sum of fees overflows");
            goto out;
        }
    }
    /* §3.4 step 10 / §3.5. */
    if (!ela_block_check_coinbase(st, p, &c->state, b, total_fee))
        goto out;
    /* The workers verify the programs while this thread applies the block to the state and
     * builds the batch; nothing is written before both are done and the signatures hold. */
    start_signatures(c, &w, b, raw);
    ela_bytes state_undo = {0};
    c->state.connect_block(c->state.ctx, &state_undo, b, h);
    status = build_connect_batch(c, st, &w, node, b, &state_undo);
    /* Joined on every path: the workers read w's items until then. A failure to build the
     * batch (an environment error) keeps its own status. */
    ela_validation_state ignored;
    ela_validation_init(&ignored);
    bool sigs_ok = finish_signatures(c, status == ELA_BLOCK_CONNECTED ? st : &ignored, &w);
    if (status == ELA_BLOCK_CONNECTED && !sigs_ok)
        status = ELA_BLOCK_INVALID;
    if (status == ELA_BLOCK_CONNECTED && !ela_store_write(c->store, w.batch, false)) {
        char what[320];
        snprintf(what, sizeof what, "writing block %u: %s", h, ela_store_last_error(c->store));
        status = ela_chain_fail_env(c, st, what);
    }
    if (status != ELA_BLOCK_CONNECTED) {
        /* Keep the in-memory state in line with the store that did not move. */
        if (!c->state.disconnect_block(c->state.ctx, b, h, state_undo.data, state_undo.len))
            ela_log_error(ELA_LOGC_CHAIN, "state could not be reverted after a failed write");
        ela_bytes_clear(&state_undo);
        goto out;
    }
    ela_bytes_clear(&state_undo);

    /* Committed: now the memory may follow. */
    cache_ops_apply(c, &w.ops);
    erase_sigcache(c, &w);
    node->status |= ELA_NODE_VALID | ELA_NODE_HAVE_UNDO;
    if (c->main_len == c->main_cap) {
        c->main_cap *= 2;
        c->main = ela_xrealloc(c->main, c->main_cap * sizeof *c->main);
    }
    c->main[c->main_len++] = node;
    c->stats_valid = false;
    c->counters.blocks_connected++;
    status = ELA_BLOCK_CONNECTED;
    if (c->listener && c->listener->block_connected)
        c->listener->block_connected(c->listener->ctx, b, h);
    if (ela_log_enabled(ELA_LOGC_CHAIN, ELA_LOG_DEBUG)) {
        char id[ELA_UINT256_HEX_LEN + 1];
        ela_uint256_to_display(id, &node->hash);
        ela_log(ELA_LOGC_CHAIN, ELA_LOG_DEBUG, "connected block %u %s (%zu txs, %.1f ms)", h, id,
                b->n_txs, (ela_chain_now() - t0) * 1e3);
    }
out:
    connect_work_clear(&w, b);
    c->counters.connect_seconds += ela_chain_now() - t0;
    return status;
}

/* ---- disconnect ------------------------------------------------------------------------------ */

/* Reads the coin list of an undo section and queues its entries back into 'c' and 'a'. Every
 * entry has its own key (a block cannot spend one outpoint twice), so their order does not
 * matter inside the batch. */
static bool undo_restore_coins(ela_reader *r, ela_store_batch *batch)
{
    uint64_t n;
    /* An entry is at least txid, index and a length byte. */
    if (!ela_read_varint(r, &n) || n > ela_reader_left(r) / 35)
        return false;
    for (uint64_t i = 0; i < n; i++) {
        ela_uint256 txid;
        uint16_t index;
        size_t len;
        const uint8_t *p;
        ela_coin coin;
        if (!ela_read_uint256(r, &txid) || !ela_read_u16(r, &index) ||
            !ela_read_count(r, &len, ela_reader_left(r)) || !ela_read_view(r, &p, len) ||
            !decode_coin(&coin, p, len))
            return false;
        uint8_t key[ELA_STORE_COIN_KEY_LEN];
        ela_store_key_coin(key, txid.b, index);
        ela_store_batch_put(batch, key, sizeof key, p, len);
        batch_put_addr(batch, &coin.out, &txid, index, coin.height);
        ela_coin_clear(&coin);
    }
    return true;
}

ela_block_status ela_chain_disconnect_tip(ela_chain *c, ela_validation_state *st)
{
    ela_chain_node *node = ela_chain_tip_node(c);
    if (node->height == 0)
        return ela_chain_fail_env(c, st, "asked to disconnect the genesis block");
    uint8_t key[ELA_STORE_HASH_KEY_LEN];
    ela_bytes body = {0}, undo = {0};
    ela_block b;
    ela_block_init(&b);
    ela_store_batch *batch = NULL;
    ela_block_status status = ELA_BLOCK_ERROR;
    char what[160];

    ela_store_key_hash(key, ELA_STORE_T_BODY, node->hash.b);
    if (ela_store_get(c->store, &body, key, sizeof key) != ELA_STORE_OK ||
        !ela_block_parse(&b, body.data, body.len, NULL)) {
        snprintf(what, sizeof what, "reading the body of block %u to disconnect it", node->height);
        status = ela_chain_fail_env(c, st, what);
        goto out;
    }
    ela_store_key_hash(key, ELA_STORE_T_UNDO, node->hash.b);
    if (ela_store_get(c->store, &undo, key, sizeof key) != ELA_STORE_OK) {
        snprintf(what, sizeof what, "reading the undo record of block %u", node->height);
        status = ela_chain_fail_env(c, st, what);
        goto out;
    }

    batch = ela_store_batch_new();
    cache_ops ops;
    memset(&ops, 0, sizeof ops);
    ela_writer_init(&ops.added);
    /* Remove what the block created, last tx first. */
    for (size_t i = b.n_txs; i-- > 0;) {
        const ela_tx *tx = &b.txs[i];
        uint8_t tkey[ELA_STORE_HASH_KEY_LEN];
        ela_store_key_hash(tkey, ELA_STORE_T_TX, tx->txid.b);
        ela_store_batch_delete(batch, tkey, sizeof tkey);
        batch_withdraw_hashes(batch, tx, true);
        batch_refund_hashes(batch, tx, true);
        if (ela_tx_type(tx) == ELA_TX_REGISTER_ASSET)
            continue;
        for (size_t k = 0; k < tx->output_count; k++) {
            uint8_t ckey[ELA_STORE_COIN_KEY_LEN];
            ela_store_key_coin(ckey, tx->txid.b, (uint16_t)k);
            ela_store_batch_delete(batch, ckey, sizeof ckey);
            batch_delete_addr(batch, &tx->outputs[k], &tx->txid, (uint16_t)k);
            cache_ops_remove(&ops, &tx->txid, (uint16_t)k);
        }
    }
    /* Then put back what it spent or overwrote (after the deletes: a restored coin may have the
     * key of a created one). */
    ela_reader r;
    ela_reader_init(&r, undo.data, undo.len);
    uint8_t version = 0;
    bool ok = ela_read_u8(&r, &version) && version == UNDO_VERSION &&
              undo_restore_coins(&r, batch) && undo_restore_coins(&r, batch);
    uint64_t n_prior = 0;
    ok = ok && ela_read_varint(&r, &n_prior) && n_prior <= ela_reader_left(&r) / 33;
    for (uint64_t i = 0; ok && i < n_prior; i++) {
        ela_uint256 txid;
        size_t len;
        const uint8_t *p;
        ok = ela_read_uint256(&r, &txid) && ela_read_count(&r, &len, ela_reader_left(&r)) &&
             ela_read_view(&r, &p, len);
        if (ok) {
            uint8_t tkey[ELA_STORE_HASH_KEY_LEN];
            ela_store_key_hash(tkey, ELA_STORE_T_TX, txid.b);
            ela_store_batch_put(batch, tkey, sizeof tkey, p, len);
        }
    }
    size_t state_len = 0;
    const uint8_t *state_undo = NULL;
    ok = ok && ela_read_count(&r, &state_len, ela_reader_left(&r)) &&
         ela_read_view(&r, &state_undo, state_len) && ela_reader_finish(&r, NULL);
    if (!ok) {
        cache_ops_clear(&ops);
        snprintf(what, sizeof what, "the undo record of block %u is damaged", node->height);
        status = ela_chain_fail_env(c, st, what);
        goto out;
    }
    if (!c->state.disconnect_block(c->state.ctx, &b, node->height, state_undo, state_len)) {
        cache_ops_clear(&ops);
        snprintf(what, sizeof what, "the state undo of block %u is damaged", node->height);
        status = ela_chain_fail_env(c, st, what);
        goto out;
    }
    uint8_t hkey[ELA_STORE_HEIGHT_KEY_LEN];
    ela_store_key_height(hkey, node->height);
    ela_store_batch_delete(batch, hkey, sizeof hkey);
    ela_store_batch_delete(batch, key, sizeof key); /* the undo record */
    ela_chain_node saved = *node;
    saved.status &= ~(uint32_t)ELA_NODE_HAVE_UNDO;
    batch_put_node(batch, &saved);
    batch_put_tip(batch, node->prev);
    if (!ela_store_write(c->store, batch, false)) {
        cache_ops_clear(&ops);
        snprintf(what, sizeof what, "writing the disconnect of block %u: %.100s", node->height,
                 ela_store_last_error(c->store));
        status = ela_chain_fail_env(c, st, what);
        goto out;
    }
    cache_ops_apply(c, &ops);
    cache_ops_clear(&ops);
    node->status = saved.status;
    c->main_len--;
    c->stats_valid = false;
    c->counters.blocks_disconnected++;
    status = ELA_BLOCK_CONNECTED;
    if (c->listener && c->listener->block_disconnected)
        c->listener->block_disconnected(c->listener->ctx, &b, node->height);
    if (ela_log_enabled(ELA_LOGC_CHAIN, ELA_LOG_DEBUG)) {
        char id[ELA_UINT256_HEX_LEN + 1];
        ela_uint256_to_display(id, &node->hash);
        ela_log(ELA_LOGC_CHAIN, ELA_LOG_DEBUG, "disconnected block %u %s", node->height, id);
    }
out:
    ela_store_batch_free(batch);
    ela_block_clear(&b);
    ela_bytes_clear(&body);
    ela_bytes_clear(&undo);
    return status;
}

/* ---- genesis --------------------------------------------------------------------------------- */

bool ela_chain_write_genesis(ela_chain *c, const ela_block *g, char *err, size_t errlen)
{
    ela_chain_node *node = c->main[0];
    ela_writer raw;
    ela_writer_init(&raw);
    ela_block_write(&raw, g);
    ela_store_batch *batch = ela_store_batch_new();
    ela_writer cw;
    ela_writer_init(&cw);

    uint8_t key[ELA_STORE_HASH_KEY_LEN];
    ela_store_key_hash(key, ELA_STORE_T_BODY, node->hash.b);
    ela_store_batch_put(batch, key, sizeof key, raw.data, raw.len);
    batch_put_node(batch, node);
    /* §1.1: the genesis block is not validated; its coinbase output is an ordinary coin and its
     * RegisterAsset tx is skipped by the unspent index (§5). */
    size_t off = raw.len;
    for (size_t i = 0; i < g->n_txs; i++)
        off -= g->txs[i].size;
    for (size_t i = 0; i < g->n_txs; i++) {
        const ela_tx *tx = &g->txs[i];
        batch_put_tx_index(batch, tx, &node->hash, 0, (uint32_t)off, (uint32_t)tx->size);
        off += tx->size;
        if (ela_tx_type(tx) != ELA_TX_REGISTER_ASSET)
            batch_add_outputs(batch, NULL, &cw, tx, 0);
    }
    batch_put_height(batch, node);
    batch_put_tip(batch, node);
    uint8_t vkey[2] = {ELA_STORE_T_META, ELA_STORE_META_VERSION};
    uint8_t vval[4];
    ela_put_u32le(vval, ELA_STORE_SCHEMA_VERSION);
    ela_store_batch_put(batch, vkey, sizeof vkey, vval, sizeof vval);
    bool ok = ela_store_write(c->store, batch, true);
    if (!ok)
        snprintf(err, errlen, "cannot write the genesis block: %s",
                 ela_store_last_error(c->store));
    ela_store_batch_free(batch);
    ela_writer_clear(&cw);
    ela_writer_clear(&raw);
    return ok;
}
