/* elad: the running node: the chain, the mempool and the miner wired together on one event
 * loop (DESIGN.md "node" layer). Every source of blocks and transactions (RPC, the miner, the
 * -loadblock import, later P2P) goes through ela_node_submit_block / ela_node_submit_tx so that
 * the maintenance that follows a change of the chain happens in one place: the mempool drops
 * what a block confirmed and re-admits what a reorganisation disconnected, the aux-block cache
 * forgets templates of an old tip, and the relay hooks announce what is new.
 *
 * Threads: the loop thread only. */
#ifndef ELA_NODE_NODE_H
#define ELA_NODE_NODE_H

#include <ela/block.h>
#include <ela/chain.h>
#include <ela/ela.h>
#include <ela/params.h>
#include <ela/tx.h>
#include <ela/validation.h>

struct event_base;
struct ela_mempool;
struct ela_miner;
struct ela_node_config;

/* What the P2P layer (a later issue) plugs in. All optional. */
typedef struct ela_node_net {
    void *ctx;
    /* Announce a block the node connected / a tx the pool accepted, except to `from` (the peer
     * it came from; NULL for local sources). */
    void (*relay_block)(void *ctx, const ela_block *b, const void *from);
    void (*relay_tx)(void *ctx, const ela_tx *tx, const void *from);
    /* Connected peers (getinfo, getconnectioncount). */
    size_t (*connection_count)(void *ctx);
} ela_node_net;

/* Samples of peers' clocks kept for the network-adjusted time (spec/consensus.md §3.2.1). */
#define ELA_NODE_TIME_SAMPLES 199
/* The largest offset from the local clock the adjusted time applies (70 minutes). */
#define ELA_NODE_MAX_TIME_OFFSET 4200

typedef struct ela_node_time_sample {
    char source[64]; /* the peer's "ip:port" */
    int64_t offset;  /* its clock minus ours, seconds */
} ela_node_time_sample;

typedef struct ela_node {
    struct event_base *base;
    const struct ela_node_config *cfg;
    const ela_params *params;
    ela_chain *chain;
    struct ela_mempool *mempool;
    struct ela_miner *miner;
    ela_chain_listener listener; /* hand &listener to ela_chain_open */
    ela_node_net net;
    int64_t start_time;
    /* Network-adjusted time: the samples (oldest first) and the offset they give. */
    ela_node_time_sample time_samples[ELA_NODE_TIME_SAMPLES];
    size_t n_time_samples;
    int64_t time_offset;
    bool time_warned;
    /* Set by the `stop` RPC and the signal handler: the loop ends after the current event. */
    bool stopping;
} ela_node;

/* Zeroes *n and fills the listener (which forwards to the mempool once it exists). Call before
 * ela_chain_open so that the chain can be opened with &n->listener. */
void ela_node_init(ela_node *n, struct event_base *base, const struct ela_node_config *cfg,
                   const ela_params *params);

/* Creates the mempool (loading the saved pool when cfg->persist_mempool) and the miner, once
 * n->chain is open. false with err on failure. */
ELA_WARN_UNUSED_RESULT bool ela_node_start(ela_node *n, char *err, size_t errlen);

/* Saves the mempool (when persistence is on), frees the miner and the mempool. The chain is
 * the caller's. */
void ela_node_stop(ela_node *n);

/* Network-adjusted time in seconds: the local clock plus the offset the peers' clocks give. The
 * chain uses it for the "too far in the future" rule, templates for their timestamps. */
int64_t ela_node_now(const ela_node *n);

/* A peer's clock sample (its version timestamp minus our clock), as the reference's
 * AddTimeSample: one sample per source (later ones from the same source are ignored), at most
 * ELA_NODE_TIME_SAMPLES kept (the oldest dropped). The offset is recomputed only when the
 * number of samples is odd and at least 5: the median, if its magnitude is below
 * ELA_NODE_MAX_TIME_OFFSET, else 0 (with a warning, once, when no sample is within 5 minutes
 * of our clock: the local clock is probably wrong). */
void ela_node_add_time_sample(ela_node *n, const char *source, int64_t offset);

/* Processes a block from any source (from = the peer, NULL for local ones), then, when the tip
 * changed: mempool update, aux cache reset, relay of the new tip. Returns what
 * ela_chain_process_block returned. */
ela_block_status ela_node_submit_block(ela_node *n, ela_validation_state *st, const ela_block *b,
                                       const uint8_t *raw, size_t raw_len, const void *from);

/* The maintenance that follows a change of the tip, for callers that process blocks straight
 * through the chain (the -loadblock import, which runs it once at the end): mempool update (the
 * queued txs of disconnected blocks re-admitted, every pooled tx re-checked) and aux cache
 * reset. ela_node_submit_block calls it itself. */
void ela_node_tip_changed(ela_node *n);

/* Admits a tx to the mempool and relays it on success. */
ELA_WARN_UNUSED_RESULT bool ela_node_submit_tx(ela_node *n, ela_validation_state *st,
                                               const ela_tx *tx, const uint8_t *raw,
                                               size_t raw_len, const void *from);

/* Connected peers (0 without P2P). */
size_t ela_node_connection_count(const ela_node *n);

#endif /* ELA_NODE_NODE_H */
