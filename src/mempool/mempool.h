/* elad: the transaction pool (spec/consensus.md §6): admission with full context validation
 * against the tip's UTXO set, conflict slots (first seen wins), the fee policy, a byte cap with
 * eviction by fee rate, expiry, removal of what a connected block confirms or double spends,
 * re-admission of the transactions of disconnected blocks, and the ordering block assembly
 * takes transactions in.
 *
 * As the reference: no orphan pool and no chains of unconfirmed transactions (a tx spending a
 * pooled tx's output fails the reference lookup); CoinBase and RecordSponsor are refused; the
 * checks run at height tip+1 with timestamp 0 and no finality check.
 *
 * Better than the reference (doc/JSON-RPC.md): when the byte cap is reached, pooled txs with a
 * lower fee rate than the newcomer are evicted to make room (the reference only refuses); txs
 * older than the expiry are dropped; the pool is saved at shutdown and re-admitted at start.
 *
 * Verified signatures go into the chain's signature cache (ela_chain_sigcache_add), so block
 * connect does not verify a pooled tx again.
 *
 * Threads: one thread (the node's loop), the same one that drives the chain. */
#ifndef ELA_MEMPOOL_MEMPOOL_H
#define ELA_MEMPOOL_MEMPOOL_H

#include <ela/block.h>
#include <ela/chain.h>
#include <ela/ela.h>
#include <ela/params.h>
#include <ela/tx.h>
#include <ela/uint256.h>
#include <ela/validation.h>

/* The reference's pool size limit (bytes of serialized txs). */
#define ELA_MEMPOOL_DEFAULT_MAX_BYTES 20000000u
/* Pooled txs older than this are dropped (seconds; two weeks). */
#define ELA_MEMPOOL_DEFAULT_EXPIRY (14 * 24 * 3600)

typedef struct ela_mempool ela_mempool;

typedef struct ela_mempool_options {
    const ela_params *params; /* must outlive the pool */
    ela_chain *chain;         /* must outlive the pool */
    size_t max_bytes;         /* 0: ELA_MEMPOOL_DEFAULT_MAX_BYTES */
    int64_t expiry_seconds;   /* 0: ELA_MEMPOOL_DEFAULT_EXPIRY; negative: never */
    int64_t (*now)(void *ctx); /* wall clock in seconds; NULL: time(NULL) */
    void *now_ctx;
} ela_mempool_options;

ela_mempool *ela_mempool_new(const ela_mempool_options *opt);
/* ela_mempool_free(NULL) is a no-op. */
void ela_mempool_free(ela_mempool *mp);

/* Admission (§6 steps 1-7). tx must have its hash and size computed (ela_tx_read does). raw, when
 * not NULL, is the tx's serialization (kept as is); else it is serialized. On success the pool
 * holds its own copy. On failure *st says why:
 *   - code: the reference's error code (ELA_ERR_TRANSACTION_DUPLICATE for a tx already pooled
 *     or in the chain, ELA_ERR_DOUBLE_SPEND for a conflict with a pooled tx in any slot,
 *     ELA_ERR_TRANSACTION_POOL_SIZE when the pool is full, ELA_ERR_INEFFECTIVE_COINBASE for a
 *     coinbase, the validation code of a failed check, ELA_ERR_INTERNAL for a store failure);
 *   - reason: a stable kebab-case reason ("txn-already-in-mempool", "txn-already-known",
 *     "txn-mempool-conflict", "mempool-full", "txn-coinbase", "txn-record-sponsor",
 *     "store-failure", "bad-txns-..." from the checks);
 *   - detail: the reference's own wording where wallets see it: "transaction already exist"
 *     (duplicate), "unknown referred transaction" (an input not in the chain's UTXO set, e.g.
 *     the output of a pooled tx) — both shown by sendrawtransaction after "transaction validate
 *     error: " —, "slot <SlotName> verify tx error" (a conflict; shown alone), "over capacity"
 *     (full; shown after "pool about transaction error: "); else a human description. */
ELA_WARN_UNUSED_RESULT bool ela_mempool_accept(ela_mempool *mp, ela_validation_state *st,
                                               const ela_tx *tx, const uint8_t *raw,
                                               size_t raw_len);

/* ---- queries ---------------------------------------------------------------------------- */

size_t ela_mempool_count(const ela_mempool *mp);
/* Bytes of serialized txs pooled. */
size_t ela_mempool_bytes(const ela_mempool *mp);
bool ela_mempool_contains(const ela_mempool *mp, const ela_uint256 *txid);
/* A pooled tx (borrowed: valid until the pool next changes); NULL when absent. */
const ela_tx *ela_mempool_get(const ela_mempool *mp, const ela_uint256 *txid);
/* Its serialization (borrowed, as above); NULL when absent. */
const uint8_t *ela_mempool_get_raw(const ela_mempool *mp, const ela_uint256 *txid, size_t *len);
/* True when a pooled tx spends (txid, index). */
bool ela_mempool_spends(const ela_mempool *mp, const ela_uint256 *txid, uint16_t index);

/* One pooled tx as the iterators hand it out (borrowed). */
typedef struct ela_mempool_entry {
    const ela_tx *tx;
    const uint8_t *raw;
    size_t raw_len;
    int64_t fee;       /* sela */
    int64_t time;      /* admission time (the pool's clock) */
    uint32_t height;   /* tip height at admission */
} ela_mempool_entry;

/* Calls fn for every pooled tx in admission order (the order getrawmempool lists); stops when
 * fn returns false. The pool must not change during the walk. */
void ela_mempool_foreach(const ela_mempool *mp, bool (*fn)(void *ctx, const ela_mempool_entry *e),
                         void *ctx);

/* The pooled txs in the order block assembly takes them (§6 "Block template ordering"): the
 * high-priority types first, then by fee per KB descending (ties: admission order). Fills
 * out[0..n) with borrowed entries (caller frees the array with free()); returns n. */
size_t ela_mempool_sorted(const ela_mempool *mp, ela_mempool_entry **out);

/* Changes since creation: incremented on every admission and removal (the aux-block cache uses
 * it to tell whether a template is stale). */
uint64_t ela_mempool_generation(const ela_mempool *mp);

/* ---- maintenance ------------------------------------------------------------------------ */

/* The chain connected block b at height: removes its txs and every pooled tx that spends an
 * input the block spends (or conflicts with it in a slot). Cheap; reads nothing from the chain.
 * Call from the chain listener. */
void ela_mempool_block_connected(ela_mempool *mp, const ela_block *b, uint32_t height);
/* The chain disconnected block b: its non-coinbase txs are queued for re-admission (done by
 * ela_mempool_update, once the chain has settled). Call from the chain listener. */
void ela_mempool_block_disconnected(ela_mempool *mp, const ela_block *b, uint32_t height);
/* After the chain changed (call after ela_chain_process_block returned, not from the listener):
 * re-admits the queued txs of disconnected blocks against the new tip, then re-runs the sanity
 * and context checks of every pooled tx and drops those that fail (§6 "after every processed
 * block") and those older than the expiry. A store failure during a check keeps the tx. Returns
 * the number of pooled txs dropped (queued txs that could not be re-admitted are not counted). */
size_t ela_mempool_update(ela_mempool *mp);
/* Drops txs older than the expiry; returns how many (ela_mempool_update does it too). */
size_t ela_mempool_expire(ela_mempool *mp);
/* Removes one tx (e.g. an operator's request); false when absent. */
bool ela_mempool_remove(ela_mempool *mp, const ela_uint256 *txid);

/* ---- persistence ------------------------------------------------------------------------- */

/* Writes every pooled tx (with its admission time) to path atomically (temp file + rename), in
 * a versioned, checksummed format. false with err on an I/O failure. */
ELA_WARN_UNUSED_RESULT bool ela_mempool_save(const ela_mempool *mp, const char *path, char *err,
                                             size_t errlen);
/* Reads a file ela_mempool_save wrote and re-admits each tx through ela_mempool_accept (txs that
 * no longer pass are skipped and counted). A missing file is not an error (0 loaded). A damaged
 * file (bad magic, version or checksum, truncation) loads nothing and returns false with err;
 * the caller logs it and carries on with an empty pool. */
ELA_WARN_UNUSED_RESULT bool ela_mempool_load(ela_mempool *mp, const char *path, size_t *loaded,
                                             size_t *skipped, char *err, size_t errlen);

#endif /* ELA_MEMPOOL_MEMPOOL_H */
