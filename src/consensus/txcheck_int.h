/* elad: declarations shared by the transaction-check sources (txcheck.c, txcontext.c); not part
 * of the public API. */
#ifndef ELA_TXCHECK_INT_H
#define ELA_TXCHECK_INT_H

#include <ela/params.h>
#include <ela/tx.h>
#include <ela/txcheck.h>
#include <ela/uint256.h>
#include <ela/validation.h>

/* The ELA asset id, internal byte order (spec/consensus.md §1.1). */
extern const ela_uint256 ela_txcheck_ela_asset;

/* The reference's HeightVersionCheck of the tx type (§4.8) at block height `height`. */
bool ela_txcheck_height_version(ela_validation_state *st, const ela_params *p, const ela_tx *tx,
                                uint32_t height);

/* ExchangeVotes output rules (§4.7.8): the single-input form (pow or below
 * MultiExchangeVotesStartHeight) or the multi-input form. Sanity runs the DPoS-mode choice;
 * the context check re-runs the POW-mode choice when the state is in POW mode. */
bool ela_txcheck_exchange_votes_outputs(ela_validation_state *st, const ela_params *p,
                                        const ela_tx *tx, uint32_t height, bool pow);

/* True for the types whose special context check ends validation with success (the reference
 * returns (nil, true) from SpecialContextCheck): nothing after §4.3 step 9 runs, signatures
 * included. */
bool ela_txcheck_ends_at_special(const ela_tx *tx);

/* True for the §4.7.8 types, whose special context check is the state's. */
bool ela_txcheck_type_needs_state(uint8_t tx_type);

/* Go's int64 arithmetic wraps; sums of attacker-chosen values must wrap the same way. */
static inline int64_t ela_txcheck_wrap_add(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}
static inline int64_t ela_txcheck_wrap_sub(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a - (uint64_t)b);
}

#endif /* ELA_TXCHECK_INT_H */
