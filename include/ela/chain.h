/* elad: the chain engine (DESIGN.md "chain" layer): one LevelDB store per network, block intake
 * (sanity, orphans, header context), connect/disconnect with the UTXO set and undo records,
 * fork choice by most work and reorganisation, signature checks fanned out to worker threads
 * with a signature cache, and the queries the RPC layer needs.
 *
 * Crash safety: every block connect or disconnect is ONE LevelDB write batch that also moves
 * the tip, so a kill at any moment leaves a store that reopens at a consistent tip. The UTXO
 * set is written through at every block (no deferred flush); dbcache_bytes sizes LevelDB's
 * block cache and write buffer and an in-memory read cache of coins.
 *
 * Threads: an ela_chain is used from one thread (the node's loop); it owns its worker threads.
 * Logging goes through ela_log (categories db, chain, validation). */
#ifndef ELA_CHAIN_H
#define ELA_CHAIN_H

#include <ela/block.h>
#include <ela/ela.h>
#include <ela/params.h>
#include <ela/tx.h>
#include <ela/txcheck.h>
#include <ela/uint256.h>
#include <ela/validation.h>

typedef struct ela_chain ela_chain;

/* Told about every change of the main chain, right after the write batch that made it is
 * committed (so the store already shows it), on the thread that called process_block. A
 * reorganisation reports each disconnect (tip first) and then each connect, in order. The
 * callbacks must not call ela_chain_process_block; queries are fine. */
typedef struct ela_chain_listener {
    void *ctx;
    void (*block_connected)(void *ctx, const ela_block *b, uint32_t height);
    void (*block_disconnected)(void *ctx, const ela_block *b, uint32_t height);
} ela_chain_listener;

typedef struct ela_chain_options {
    const char *path;         /* LevelDB directory (created if missing) */
    const ela_params *params; /* must outlive the chain */
    size_t dbcache_bytes;     /* memory for LevelDB caches and the in-memory UTXO cache */
    int workers;              /* signature threads; 0 = one per core */
    bool reindex;             /* rebuild indexes and UTXO set from the stored blocks */
    const ela_state_ops *state; /* NULL: ela_state_ops_null(params) */
    /* Network-adjusted clock (§3.2.1) in seconds; NULL: time(NULL). */
    int64_t (*adjusted_time)(void *ctx);
    void *time_ctx;
    const ela_chain_listener *listener; /* NULL: nobody; must outlive the chain */
} ela_chain_options;

/* Opens (creating on first use, with the genesis block of params connected) the store at
 * opt->path and checks it: schema version, tip present in the block index, tip's undo record
 * present. On failure returns NULL and writes a one-line reason to err (errlen bytes); a
 * damaged store's reason says to restart with -reindex. A store of another genesis block is
 * refused. When the store holds a stored, not-failed branch with more work than its tip (a
 * crash between storing a block and connecting it, or inside a reorganisation), it is connected
 * before returning.
 *
 * With opt->reindex every table but the block bodies is wiped and rebuilt: genesis, then every
 * stored body in height order through ela_chain_process_block (full validation). A reindex that
 * is interrupted leaves a mark: the next open without reindex fails and asks for -reindex. */
ela_chain *ela_chain_open(const ela_chain_options *opt, char *err, size_t errlen);
/* Joins the workers and closes the store. ela_chain_close(NULL) is a no-op. */
void ela_chain_close(ela_chain *c);

typedef enum ela_block_status {
    ELA_BLOCK_CONNECTED = 0, /* stored and now on the main chain (maybe after a reorg, maybe
                                through orphans that were waiting for it) */
    ELA_BLOCK_SIDE,          /* valid header, stored on a side branch with no more work */
    ELA_BLOCK_ORPHAN,        /* parent unknown: kept in the orphan pool (§3.8) */
    ELA_BLOCK_DUPLICATE,     /* already known (main, side branch or orphan) */
    ELA_BLOCK_INVALID,       /* refused: *st says why */
    ELA_BLOCK_ERROR,         /* environment failure (disk, corruption): stop the node; *st has
                                reason "store-failure" and the log says what to do */
} ela_block_status;

/* ProcessBlock (§3.1 route 4 / §3.2-3.8): takes a parsed block and, optionally, the bytes it
 * was parsed from (stored as received; NULL or not matching b->size: serialised). Connects it
 * and any orphans that were waiting for it (their outcomes are logged, not returned). A block
 * whose state rules are not implemented is INVALID with ELA_REASON_NEEDS_STATE.
 *
 * Order: known and valid or a known orphan -> DUPLICATE; sanity (ela_block_check_sanity with
 * opt->adjusted_time); unknown parent -> ORPHAN (at most 10,000 holding at most 256 MiB, each
 * kept 1 h, the oldest evicted first); header rules against the parent (bits, median time past,
 * height); the body and index entry are stored; more work than the tip (strictly) ->
 * reorganisation with full validation of every block connected, else SIDE. In the DPoS era
 * (target height above CRCOnlyDPOSHeight) a reorganisation detaching more than IrreversibleHeight
 * blocks is refused and the block stays SIDE (§3.6.3, without the LastIrreversibleHeight
 * bookkeeping of the state).
 *
 * Invalid blocks: a block that fails when connected is marked failed in the index, and its
 * descendants with it. Later, the same bytes are INVALID "duplicate-invalid" and a block built
 * on a failed one is INVALID "bad-prevblk". Programs (signatures) are not covered by the block
 * hash, so a copy of a failed block with different bytes is not condemned by the hash: it
 * replaces the stored copy and is tried like a new block. A failing signature check reports
 * the reason RunPrograms gave ("bad-txns-signature", "bad-txns-program-count-mismatch", ...)
 * and, in the detail, the index and id of the first failing tx. */
ela_block_status ela_chain_process_block(ela_chain *c, ela_validation_state *st,
                                         const ela_block *b, const uint8_t *raw, size_t len);
/* Parses then processes; garbage is INVALID with reason "bad-block-encoding". */
ela_block_status ela_chain_process_block_bytes(ela_chain *c, ela_validation_state *st,
                                               const uint8_t *raw, size_t len);

/* ---- queries (main chain unless stated) ------------------------------------------------- */

uint32_t ela_chain_height(const ela_chain *c);
void ela_chain_tip_hash(const ela_chain *c, ela_uint256 *out);
/* Hash of the main-chain block at height; false above the tip. */
bool ela_chain_hash_at(const ela_chain *c, ela_uint256 *out, uint32_t height);
/* Height of a known block (main or side); *on_main says which. false when unknown. */
bool ela_chain_block_height(const ela_chain *c, uint32_t *height, bool *on_main,
                            const ela_uint256 *hash);
/* The stored bytes of a known block; *out is set (caller frees with ela_bytes_clear). */
bool ela_chain_get_block_raw(ela_chain *c, ela_bytes *out, const ela_uint256 *hash);
/* Reads a known block; *out initialised here, caller clears. */
bool ela_chain_get_block(ela_chain *c, ela_block *out, const ela_uint256 *hash);
/* Median time past of a known block: the median of its own timestamp and those of up to 10
 * ancestors (what §3.4 step 2 applies to this block's child). false when unknown. */
bool ela_chain_median_time(const ela_chain *c, uint32_t *out, const ela_uint256 *hash);
/* A main-chain tx by txid, with the hash and height of its block (either may be NULL). Every tx
 * of a connected block is indexed, RegisterAsset ones included; a coinbase that repeats an
 * earlier txid points at the later block until that block is disconnected. *out initialised
 * here. */
bool ela_chain_get_tx(ela_chain *c, ela_tx *out, ela_uint256 *block_hash, uint32_t *height,
                      const ela_uint256 *txid);
/* The unspent output (txid, index); *out is filled (caller clears). */
bool ela_chain_get_coin(ela_chain *c, ela_coin *out, const ela_uint256 *txid, uint16_t index);

/* One unspent output of an address (the per-address UTXO index; zero-value outputs are not
 * indexed, as the reference's wallet index). */
typedef struct ela_address_utxo {
    ela_uint256 txid;
    uint16_t index;
    int64_t value;
    uint32_t height;
    uint32_t output_lock;
} ela_address_utxo;

/* Calls fn for every unspent output paying program hash ph, in key order (txid, index); stops
 * early when fn returns false. Returns the number visited. */
size_t ela_chain_address_utxos(ela_chain *c, const ela_uint168 *ph,
                               bool (*fn)(void *ctx, const ela_address_utxo *u), void *ctx);

typedef struct ela_utxo_stats {
    uint32_t height;
    ela_uint256 tip;
    uint64_t txouts;      /* unspent outputs */
    uint64_t transactions; /* distinct txids with unspent outputs */
    int64_t total_amount; /* sela */
    /* SHA256d over every txid ‖ u16 big-endian index ‖ ela_coin_write bytes, in that key order:
     * the same on any two nodes with the same main chain. */
    ela_uint256 hash;
    uint64_t disk_size;   /* bytes of the store's files */
} ela_utxo_stats;

/* Walks the whole UTXO set (cached for the current tip). */
ELA_WARN_UNUSED_RESULT bool ela_chain_utxo_stats(ela_chain *c, ela_utxo_stats *out);

/* A view of the main chain at its tip for checking a tx that would go into the next block (the
 * mempool): get_coin, have_tx, get_tx, withdraw_known and deposit_refunded all set, ctx = c.
 * Valid until the chain is closed; it always reads the current tip. A store failure during a
 * lookup reads as "not found" and raises a flag that ela_chain_view_failed reports. */
void ela_chain_tip_view(ela_chain *c, ela_chain_view *out);
/* True when a lookup through the tip view failed to read the store since the last call (the
 * check that ran must not be trusted: an environment error, not an invalid tx); clears it. */
bool ela_chain_view_failed(ela_chain *c);
/* The BPoS/CR state the chain validates with (opt->state or the null state). */
const ela_state_ops *ela_chain_state(const ela_chain *c);
/* The bits a child of the tip must carry (§2.4). */
uint32_t ela_chain_next_bits(const ela_chain *c);

/* True when hash is a block waiting in the orphan pool; then *root (if not NULL) is the hash of
 * its earliest ancestor still in the pool (the block whose parent is missing), hash itself when
 * its parent is not an orphan either. The sync layer asks a peer for the blocks up to it. */
bool ela_chain_orphan_root(const ela_chain *c, const ela_uint256 *hash, ela_uint256 *root);

/* What the block index knows of a main-chain block. */
typedef struct ela_chain_header_info {
    ela_uint256 hash;
    ela_uint256 work;   /* cumulative chain work up to this block (little-endian number) */
    uint32_t height;
    uint32_t timestamp;
    uint32_t bits;
} ela_chain_header_info;

/* The main-chain block at height; false above the tip. */
bool ela_chain_header_at(const ela_chain *c, ela_chain_header_info *out, uint32_t height);

/* ---- signature cache and counters ------------------------------------------------------- */

/* Records that tx's programs verified against refs (e.g. at mempool admission) so that the
 * block connect does not verify them again. */
void ela_chain_sigcache_add(ela_chain *c, const ela_tx *tx, const ela_coin *refs);

typedef struct ela_chain_counters {
    uint64_t blocks_connected;
    uint64_t blocks_disconnected;
    uint64_t txs_checked;
    uint64_t sigs_verified;    /* programs verified by the workers */
    uint64_t sigcache_hits;    /* txs skipped thanks to the signature cache */
    double sig_seconds;        /* wall time spent with workers verifying (fan-out to join) */
    double connect_seconds;    /* wall time in connect (validation + write batch) */
} ela_chain_counters;

void ela_chain_get_counters(const ela_chain *c, ela_chain_counters *out);

#endif /* ELA_CHAIN_H */
