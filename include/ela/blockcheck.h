/* elad: block validation rules that need no database (spec/consensus.md §2.4, §3.2-3.5):
 * sanity, per-block uniqueness, difficulty retarget, median time past, finality and the
 * coinbase reward. The chain engine supplies what comes from ancestors (bits, timestamps) and
 * runs the transaction context checks itself (it owns the UTXO view). */
#ifndef ELA_BLOCKCHECK_H
#define ELA_BLOCKCHECK_H

#include <ela/block.h>
#include <ela/ela.h>
#include <ela/params.h>
#include <ela/txcheck.h>
#include <ela/validation.h>

/* Median-time-past window: the parent and up to 10 further ancestors. */
#define ELA_MTP_SPAN 11

/* Context-free block checks (§3.2 steps 1-10 in the reference's order, including §3.3 and the
 * sanity of every tx at the header's height). adjusted_time is the network-adjusted clock
 * (§3.2.1) for the future-timestamp bound. The header hash is recomputed from the header fields
 * (b->header.hash is not trusted); every txid and tx size must be current (they are after
 * ela_block_read, or ela_tx_compute_hash / ela_block_update after a change). On failure *st
 * holds the first failing rule: a block reason listed at the top of src/consensus/blockcheck.c
 * with ELA_ERR_INTERNAL, or the reason and code of ela_tx_check_sanity for a bad tx. The
 * coinbase amount-ratio rules of §4.7.1 are part of that tx sanity. */
ELA_WARN_UNUSED_RESULT bool ela_block_check_sanity(ela_validation_state *st, const ela_params *p,
                                                   const ela_block *b, int64_t adjusted_time);

/* The per-block uniqueness rules of §3.3 (step 9 of ela_block_check_sanity, which calls it):
 * at most one RecordSponsor; no side-chain tx hash twice among the WithdrawFromSideChain
 * payload lists; no owner key twice among Register/Update/CancelProducer and no node key twice
 * among Register/UpdateProducer; no CID twice among Register/Update/UnregisterCR. On failure
 * the reason names the first repeat in block order ("bad-blk-dup-sponsor",
 * "bad-blk-dup-withdraw-hash", "bad-blk-dup-producer", "bad-blk-dup-producer-node",
 * "bad-blk-dup-cr"). */
ELA_WARN_UNUSED_RESULT bool ela_block_check_duplicates(ela_validation_state *st,
                                                       const ela_block *b);

/* True when the block after one at prev_height starts a new difficulty window (§2.4), in which
 * case ela_pow_next_bits needs the timestamp of the ancestor at prev_height - 719. */
bool ela_pow_needs_retarget(const ela_params *p, uint32_t prev_height);

/* CalcNextRequiredDifficulty (§2.4) for the child of a block at prev_height with prev_bits and
 * prev_time; first_time is the timestamp of the ancestor at prev_height - 719 (prev_height + 1
 * - target_timespan / target_time_per_block in general) and is read only when
 * ela_pow_needs_retarget. PowLimitBits for block 1 and whenever pow_limit_bits is 0x207fffff
 * (InstantBlock); prev_bits off the window; else CompactToBig(prev_bits) * clamp((uint32)
 * (prev_time - first_time)) / target_timespan in exact integer arithmetic (Euclidean division,
 * clamp to 2^255 - 1), returned in compact form. */
uint32_t ela_pow_next_bits(const ela_params *p, uint32_t prev_height, uint32_t prev_bits,
                           uint32_t prev_time, uint32_t first_time);

/* The median (element n/2 after sorting) of n <= ELA_MTP_SPAN timestamps, newest first as the
 * caller walks back from the parent (the genesis block counts). n > 0; 0 returns 0, and only
 * the first ELA_MTP_SPAN of a longer list are used. times is not modified. */
uint32_t ela_median_time_past(const uint32_t *times, size_t n);

/* Header rules against the parent (§3.4 steps 1-2 and the height rule of ProcessBlock):
 * height == parent_height + 1, bits == expected_bits, timestamp >= mtp (equality accepted,
 * §9 quirk 1). */
ELA_WARN_UNUSED_RESULT bool ela_block_check_header_context(ela_validation_state *st,
                                                           const ela_block_header *h,
                                                           uint32_t parent_height,
                                                           uint32_t expected_bits, uint32_t mtp);

/* Every non-coinbase tx is final at the block's height (§3.4 step 3). */
ELA_WARN_UNUSED_RESULT bool ela_block_check_final(ela_validation_state *st, const ela_block *b);

/* The coinbase reward rules (§3.5) once the block's transactions were context-checked:
 * total_fee = Σ fees of txs 1..n. Era C (height < PublicDPOSHeight) is checked here: Σ coinbase
 * outputs − total_fee == ela_params_block_reward (int64 wrapping as the reference), else
 * "bad-cb-amount". Eras A and B are delegated to state->check_coinbase with total = total_fee +
 * reward; with no state (NULL, or no check_coinbase) they are refused with
 * ELA_REASON_NEEDS_STATE. The §4.7.1 ratio rules are not repeated here: they belong to the
 * coinbase's sanity (ela_tx_check_sanity, run by ela_block_check_sanity). */
ELA_WARN_UNUSED_RESULT bool ela_block_check_coinbase(ela_validation_state *st,
                                                     const ela_params *p,
                                                     const ela_state_ops *state,
                                                     const ela_block *b, int64_t total_fee);

/* The reward split the reference's miner produces for the pre-DPoS era (§1.6): CR share
 * trunc(total*0.3), miner trunc(total*0.35), remainder to the foundation. */
void ela_reward_split_pre_dpos(int64_t *foundation, int64_t *miner, int64_t *remainder,
                               int64_t total);

#endif /* ELA_BLOCKCHECK_H */
