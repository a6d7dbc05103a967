/* elad: block assembly and mining (spec/consensus.md §6 "Block template ordering", §7, §8;
 * spec/p2p-rpc.md §10.7.1, §10.7.6): block templates with the coinbase split of the era, the
 * aux-block cache merged-mining pools poll (createauxblock / submitauxblock), discrete mining
 * with a synthetic AuxPoW for tests, and a background CPU miner for regnet.
 *
 * Deliberate differences from the reference (each listed in doc/JSON-RPC.md):
 *   - the aux cache is keyed by (tip, payout address): a pool asking for another address gets a
 *     template that pays it (the reference hands every caller the last template for 5 s);
 *   - a new template for the same tip is built only when the mempool changed and the last one
 *     is at least ELA_AUX_REFRESH_SECONDS old (older ones stay submittable);
 *   - a refused submission says why (unknown or stale hash, the AuxPoW rule that failed, the
 *     block rule that failed), after the reference's message;
 *   - discretemining N mines N blocks (the reference mines at most one per call).
 *
 * The CPU miner runs on the node's event loop in slices (a timer grinds a bounded number of
 * parent nonces per slice), so RPC and, later, P2P stay responsive while it mines.
 *
 * Threads: the node's loop thread only. */
#ifndef ELA_MINING_MINING_H
#define ELA_MINING_MINING_H

#include <ela/block.h>
#include <ela/chain.h>
#include <ela/ela.h>
#include <ela/params.h>
#include <ela/uint256.h>
#include <ela/validation.h>

struct ela_mempool;
struct event_base;

/* The merged-mining chain id of ELA. */
#define ELA_AUX_CHAIN_ID 1224
/* Seconds after which a changed mempool gives a new template for the same tip. */
#define ELA_AUX_REFRESH_SECONDS 5
/* Templates kept per tip (the oldest is dropped first). */
#define ELA_AUX_MAX_TEMPLATES 64

/* ---- block assembly --------------------------------------------------------------------- */

typedef struct ela_template_options {
    const ela_params *params;
    ela_chain *chain;
    struct ela_mempool *mempool; /* NULL: coinbase only */
    const ela_uint168 *payto;    /* the miner output's program hash */
    const char *miner_info;      /* coinbase payload content (PowConfiguration.MinerInfo) */
    int64_t now;                 /* network-adjusted time, seconds */
} ela_template_options;

/* Builds a block on the tip (§7 "Template header"): version 0, previous = tip, timestamp =
 * max(now, median time past of the tip + 1), bits = ela_chain_next_bits, height tip+1, nonce 0,
 * an empty AuxPoW; the coinbase first (outputs[0] to the foundation or CR assets address by
 * era, outputs[1] to payto, amounts as the reference's miner splits reward + fees, lock time =
 * height, a random 8-byte Nonce attribute, content = miner_info), then the mempool's txs in
 * ela_mempool_sorted order, each skipped when it would exceed MaxBlockContextSize, is not final
 * at the height, spends an outpoint a tx already taken spends, repeats a per-block unique key
 * (§3.3), or fails its context check again (against ela_chain_tip_view and ela_chain_state);
 * RecordSponsor txs are never taken; at most MaxTxPerBlock txs, the coinbase included. The
 * merkle root and every hash are computed. *fees is the sum of the included fees. *out is
 * initialised here (caller clears; on failure it holds nothing to free beyond that). false with
 * *st when the block cannot be built: a height at or above PublicDPOSHeight, whose coinbase
 * needs the DPoS round rewards (ELA_REASON_NEEDS_STATE), or a store failure. */
ELA_WARN_UNUSED_RESULT bool ela_template_build(ela_block *out, int64_t *fees,
                                               ela_validation_state *st,
                                               const ela_template_options *opt);

/* ---- AuxPoW helpers -------------------------------------------------------------------- */

/* Attaches a synthetic AuxPoW to b as the reference's discretemining does (§8): a parent
 * coinbase with script fabe6d6d ‖ block hash (internal order) ‖ 01000000 ‖ 00000000, parent
 * header version 0x7fffffff, merkle root = that coinbase's hash, time `time`, bits 0, and the
 * parent nonce ground from 0 until the parent hash meets b's bits, for at most max_nonces tries.
 * b's header hash is recomputed first. true when solved (b->header.auxpow replaced, b->size
 * adjusted); false, b unchanged, when the budget ran out or the bits cannot be met. */
bool ela_aux_solve(ela_block *b, uint32_t time, uint64_t max_nonces);

/* ---- the miner (aux cache, discrete and CPU mining) ------------------------------------ */

typedef struct ela_miner ela_miner;

typedef struct ela_miner_options {
    const ela_params *params;
    ela_chain *chain;
    struct ela_mempool *mempool; /* may be NULL: templates hold the coinbase only */
    struct event_base *base;     /* the loop the CPU miner runs on; NULL: no CPU miner */
    const char *miner_info;      /* copied */
    const ela_uint168 *payto;    /* PowConfiguration.PayToAddr; NULL when not configured */
    /* Network-adjusted clock in seconds; NULL: time(NULL). */
    int64_t (*now)(void *ctx);
    void *now_ctx;
    /* Hands a solved block to the node, which processes it (ela_node_submit_block) and does
     * the maintenance that follows. Must be set. */
    ela_block_status (*submit)(void *ctx, ela_validation_state *st, const ela_block *b);
    void *submit_ctx;
} ela_miner_options;

ela_miner *ela_miner_new(const ela_miner_options *opt);
/* Stops the CPU miner. ela_miner_free(NULL) is a no-op. */
void ela_miner_free(ela_miner *m);

/* The fields of a createauxblock reply. */
typedef struct ela_aux_block {
    ela_uint256 hash;      /* template header hash (the reply shows it in internal order) */
    ela_uint256 prev;      /* tip hash (internal order in the reply) */
    uint32_t height;       /* the tip's height (the reference's quirk) */
    int64_t coinbase_value; /* outputs[1] of the template's coinbase */
    uint32_t bits;
} ela_aux_block;

/* createauxblock: the cached template for (tip, payto) or a new one (see the header comment).
 * false with *st when no template can be built. */
ELA_WARN_UNUSED_RESULT bool ela_miner_create_aux(ela_miner *m, ela_aux_block *out,
                                                 const ela_uint168 *payto,
                                                 ela_validation_state *st);

typedef enum ela_aux_result {
    ELA_AUX_ACCEPTED = 0, /* the chain connected the block (ELA_BLOCK_CONNECTED) */
    ELA_AUX_UNKNOWN,      /* no template with this hash for the current tip: reason
                             "aux-stale" (a template of an earlier tip, or one pushed out by
                             newer ones; the last 256 are remembered) or "aux-unknown-hash" */
    ELA_AUX_BAD_ENCODING, /* the AuxPoW bytes do not decode (checked before the lookup, as the
                             reference): reason "bad-auxpow-encoding"; the RPC says "auxpow
                             deserialization failed" */
    ELA_AUX_REJECTED,     /* refused: *st has the rule: "bad-auxpow" (detail: the
                             ela_auxpow_check reason), "high-hash" / "bad-diffbits..." (the
                             PoW), the chain's reason, or "duplicate" / "inconclusive" /
                             "orphan" when the chain did not connect it without a reason */
} ela_aux_result;

/* submitauxblock: attaches the AuxPoW (its serialization, spec §10.7.1) to the template whose
 * header hash is `hash` and submits the block. */
ela_aux_result ela_miner_submit_aux(ela_miner *m, ela_validation_state *st,
                                    const ela_uint256 *hash, const uint8_t *auxpow,
                                    size_t auxpow_len);

/* Forgets every template (the node calls it when the tip changed). */
void ela_miner_tip_changed(ela_miner *m);

/* discretemining: builds, solves (ela_aux_solve, up to 30 s of grinding per block, as the
 * reference) and submits count blocks paying the configured address, one after the other.
 * Writes the hashes of the blocks mined to hashes (room for count) and returns how many;
 * fewer than count means a failure, described in *st (no PayToAddr, the CPU miner is running:
 * "node is mining", a block refused, the grinding budget exhausted). Reasons: "no-payto",
 * "node-is-mining", "mining-timeout", "bad-diffbits", a template or chain reason. */
size_t ela_miner_discrete(ela_miner *m, ela_uint256 *hashes, uint32_t count,
                          ela_validation_state *st);

/* togglemining: starts or stops the CPU miner (needs PayToAddr and a base). false with *st when
 * it cannot start ("no-payto", "no-event-loop"). Stopping a stopped miner succeeds. The miner
 * rebuilds its template when the tip changes and every 5 s, grinds 50,000 parent nonces per
 * loop iteration, and hands each solution to the submit callback. */
ELA_WARN_UNUSED_RESULT bool ela_miner_set_mining(ela_miner *m, bool on, ela_validation_state *st);
bool ela_miner_is_mining(const ela_miner *m);
/* Blocks the CPU miner found since it started. */
uint64_t ela_miner_blocks_found(const ela_miner *m);

#endif /* ELA_MINING_MINING_H */
