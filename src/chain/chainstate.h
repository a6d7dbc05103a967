/* elad: internals of the chain engine shared by chain.c (block index, intake, fork choice,
 * orphans, queries) and connect.c (UTXO view and coin cache, connect/disconnect with undo
 * records). Not a public header: the API is include/ela/chain.h. */
#ifndef ELA_CHAIN_CHAINSTATE_H
#define ELA_CHAIN_CHAINSTATE_H

#include <ela/chain.h>

#include "chain/checkpool.h"
#include "chain/hmap.h"
#include "chain/sigcache.h"
#include "store/store.h"

#include <time.h>

/* Status flags of a block index node (persisted in its 'b' entry). */
enum {
    ELA_NODE_HAVE_BODY = 1u << 0, /* 'B' holds its bytes */
    ELA_NODE_VALID = 1u << 1,     /* its transactions passed when it was connected */
    ELA_NODE_FAILED = 1u << 2,    /* its stored bytes failed validation */
    ELA_NODE_HAVE_UNDO = 1u << 3, /* 'u' holds its undo record (main chain only) */
    ELA_NODE_FAILED_CHILD = 1u << 4, /* an ancestor failed validation */
};

/* Either failure flag. ELA_NODE_FAILED is about the stored copy of the block: programs are not
 * covered by the block hash (txids leave them out), so another copy with the same hash may be
 * valid and is given a chance (chain.c, ela_chain_process_block). */
#define ELA_NODE_FAILED_ANY (ELA_NODE_FAILED | ELA_NODE_FAILED_CHILD)

typedef struct ela_chain_node {
    ela_uint256 hash;
    ela_uint256 merkle_root;
    ela_uint256 work; /* cumulative chain work up to and including this block (LE number) */
    struct ela_chain_node *prev;
    uint32_t height;
    uint32_t version;
    uint32_t timestamp;
    uint32_t bits;
    uint32_t nonce;
    uint32_t status;
} ela_chain_node;

/* Serialised size of a 'b' value. */
#define ELA_NODE_VALUE_LEN (4 + 32 + 32 + 4 + 4 + 4 + 4 + 4 + 32)

/* An orphan block (§3.8): kept as bytes until its parent arrives. */
typedef struct ela_orphan {
    ela_uint256 hash;
    ela_uint256 prev;
    uint8_t *raw;
    size_t len;
    time_t added;
    struct ela_orphan *older, *newer; /* insertion order (= expiry order) */
    struct ela_orphan *sibling;       /* next orphan with the same prev */
} ela_orphan;

#define ELA_ORPHAN_MAX 10000u
#define ELA_ORPHAN_EXPIRY 3600
/* Not in the reference: a bound on the bytes held, so that 10,000 large orphans (cheap to make
 * where the difficulty is low) cannot exhaust memory. The oldest go first. */
#define ELA_ORPHAN_MAX_BYTES (256u << 20)

/* A cached coin: its ela_coin_write bytes. */
typedef struct ela_coin_entry {
    size_t len;
    uint8_t data[];
} ela_coin_entry;

struct ela_chain {
    const ela_params *params;
    ela_state_ops state;
    ela_store *store;
    int64_t (*adjusted_time)(void *ctx);
    void *time_ctx;
    const ela_chain_listener *listener; /* NULL: nobody */

    /* Block index: every stored block (main chain and side branches). */
    ela_hmap index; /* hash -> ela_chain_node */
    ela_chain_node **node_chunks;
    size_t n_node_chunks, node_chunk_used;
    /* Main chain: main[h] is the block at height h; main_len = tip height + 1. */
    ela_chain_node **main;
    size_t main_len, main_cap;

    /* Orphan pool. */
    ela_hmap orphans;         /* hash -> ela_orphan */
    ela_hmap orphans_by_prev; /* prev -> first ela_orphan with that prev */
    ela_orphan *oldest, *newest;
    size_t orphan_bytes;

    /* Coin cache: outpoint (txid ‖ u16 LE index) -> ela_coin_entry. */
    ela_hmap coins;
    size_t coin_bytes, coin_budget;

    ela_sigcache sigcache;
    ela_checkpool *pool;

    ela_chain_counters counters;
    bool stats_valid;
    ela_utxo_stats stats;

    /* Set by the view callbacks when a read failed: the check that was running must end in
     * ELA_BLOCK_ERROR, not INVALID. */
    bool env_error;
    /* Set after an environment failure: every later block is refused with ERROR. */
    bool broken;
    /* Reindex in progress: bodies already sit in 'B' and are not written again. */
    bool reindexing;
};

/* ---- chain.c ---- */

static inline ela_chain_node *ela_chain_tip_node(const ela_chain *c)
{
    return c->main[c->main_len - 1];
}

static inline bool ela_chain_node_on_main(const ela_chain *c, const ela_chain_node *n)
{
    return n->height < c->main_len && c->main[n->height] == n;
}

/* The 'b' value of a node. */
void ela_chain_node_encode(uint8_t out[ELA_NODE_VALUE_LEN], const ela_chain_node *n);

/* Sets c->broken and logs what the operator must do. Returns ELA_BLOCK_ERROR. */
ela_block_status ela_chain_fail_env(ela_chain *c, ela_validation_state *st, const char *what);

double ela_chain_now(void);

/* ---- connect.c ---- */

void ela_chain_coins_init(ela_chain *c, size_t budget);
void ela_chain_coins_clear(ela_chain *c);

/* The unspent output (txid, index) from the cache or the store: OK (and *out filled, caller
 * clears), NOTFOUND or FAIL. */
ela_store_result ela_chain_coin_lookup(ela_chain *c, ela_coin *out, const ela_uint256 *txid,
                                       uint16_t index);

/* Reads the main-chain tx txid through the tx index: OK fills *out (initialised here) and the
 * optional block hash / height. */
ela_store_result ela_chain_tx_lookup(ela_chain *c, ela_tx *out, ela_uint256 *block_hash,
                                     uint32_t *height, const ela_uint256 *txid);

/* Connects block b (with its stored bytes raw[0..len)) on top of the tip; node is its index
 * entry, whose parent is the tip. CONNECTED, INVALID (*st says why; nothing written) or ERROR. */
ela_block_status ela_chain_connect(ela_chain *c, ela_validation_state *st, ela_chain_node *node,
                                   const ela_block *b, const uint8_t *raw, size_t len);
/* Disconnects the tip (never genesis). CONNECTED on success (the tip is its parent), else ERROR. */
ela_block_status ela_chain_disconnect_tip(ela_chain *c, ela_validation_state *st);

/* Writes the genesis block of a fresh store in one synced batch with the schema version. */
bool ela_chain_write_genesis(ela_chain *c, const ela_block *genesis, char *err, size_t errlen);

#endif /* ELA_CHAIN_CHAINSTATE_H */
