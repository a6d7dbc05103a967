/* elad: transaction validation (spec/consensus.md §4): the context-free sanity check (§4.1,
 * §4.2), the context check against the chain before the block (§4.3, §4.5, §4.6), and the
 * per-type rules of §4.7.1-4.7.7. Types whose checks need BPoS/CR state (§4.7.8) get their
 * context-free checks here and ask the state seam (ela_state_ops) for the rest; the state this
 * node has today refuses them with ELA_REASON_NEEDS_STATE.
 *
 * No I/O: the chain is reached through ela_chain_view, a table of callbacks the chain engine
 * (or a test) provides. Signature verification is split out (ela_txcheck_programs, or
 * ela_txcheck_required_hashes with ela_sigcheck_match and ela_sigcheck_program) so
 * the caller can run it on worker threads and skip it for transactions already verified. */
#ifndef ELA_TXCHECK_H
#define ELA_TXCHECK_H

#include <ela/ela.h>
#include <ela/params.h>
#include <ela/serialize.h>
#include <ela/sigcheck.h>
#include <ela/tx.h>
#include <ela/uint256.h>
#include <ela/validation.h>

/* ---- unspent outputs ---------------------------------------------------------------------- */

enum {
    ELA_COIN_COINBASE = 1u << 0,       /* created by a CoinBase tx: maturity applies */
    ELA_COIN_SIDECHAIN_POW_NEW = 1u << 1, /* output of a "new" SideChainPow: never spendable */
};

/* One unspent output with what the rules need to know about the tx that created it. */
typedef struct ela_coin {
    ela_output out;       /* owned; ela_coin_clear frees it */
    uint32_t height;      /* height of the block holding the creating tx */
    uint32_t flags;       /* ELA_COIN_* */
    uint32_t tx_lock_time; /* lock time of the creating tx (coinbase maturity uses it, §4.3.15) */
    uint8_t tx_type;
    uint8_t tx_version;
} ela_coin;

/* Frees the output's payload and zeroes *c. A zeroed coin is a no-op. */
void ela_coin_clear(ela_coin *c);
/* Serialization used by the store and undo records: a compact, versioned encoding of the
 * fields above (first byte: encoding version 1; the output in v09 form). Round-trips exactly;
 * every field is read back only in the form the writer gives it. */
void ela_coin_write(ela_writer *w, const ela_coin *c);
/* Reads one coin at the reader's position. *c is overwritten (it must not own anything); on
 * failure it is zeroed (nothing to free) and r->err says why ("truncated", "unknown coin
 * encoding", "unknown coin flags", an output reason). Bytes after the coin are left to the
 * caller (ela_reader_finish rejects them for a whole-value parse). */
ELA_WARN_UNUSED_RESULT bool ela_coin_read(ela_reader *r, ela_coin *c);

/* ---- what the checks need from the chain ------------------------------------------------- */

struct ela_block;

typedef struct ela_chain_view {
    void *ctx;
    /* The unspent output (txid, index) as of the chain before the block being checked. Returns
     * true and fills *out (caller clears) when unspent; false when spent or never existed. */
    bool (*get_coin)(void *ctx, ela_coin *out, const ela_uint256 *txid, uint16_t index);
    /* True when a tx with this hash is in the main chain (§4.3 step 2; also used to tell a
     * double spend from an unknown reference when get_tx is NULL). */
    bool (*have_tx)(void *ctx, const ela_uint256 *txid);
    /* Reads a main-chain tx (ReturnSideChainDepositCoin looks at the deposit, §4.7.6; an input
     * whose output is spent is read from its tx so that steps 4-6 of §4.3 see it before step 7
     * reports the double spend, as in the reference). false when unknown. *out arrives
     * initialised (ela_tx_init) and is cleared by the caller on both outcomes. May be NULL
     * (then spent outputs are reported at step 3 and ReturnSideChainDepositCoin cannot be
     * checked: an assert). */
    bool (*get_tx)(void *ctx, ela_tx *out, const ela_uint256 *txid);
    /* Side-chain tx hashes already withdrawn (the reference's "Tx3" index, §4.7.5). */
    bool (*withdraw_known)(void *ctx, const ela_uint256 *sidechain_txid);
    /* Deposit tx hashes already refunded (§4.7.6). */
    bool (*deposit_refunded)(void *ctx, const ela_uint256 *deposit_txid);
} ela_chain_view;

/* ---- the BPoS/CR state seam -------------------------------------------------------------- */

enum { ELA_CONSENSUS_DPOS = 0, ELA_CONSENSUS_POW = 1 };

/* What validation asks of the DPoS/CR state machines (spec/bpos-cr.md). A later issue supplies
 * the real state; ela_state_ops_null() answers from the parameters alone. */
typedef struct ela_state_ops {
    void *ctx;
    /* ELA_CONSENSUS_DPOS unless a RevertToPOW is in effect (§4.9). */
    int (*consensus_mode)(void *ctx);
    /* The cross-chain arbiters (§4.7.5) as the reference's GetCrossChainArbiters lists them
     * when the chain tip is at height `tip`: the node keys into keys (room for max) in that
     * order, normal[i] telling whether arbiter i is "normal" (not inactive or illegal), the
     * count in *n. Rules that want the normal arbiters filter on normal[]; WithdrawFromSideChain
     * v2 indexes the whole list. false when the state cannot say (then the check is refused
     * with ELA_REASON_NEEDS_STATE). */
    bool (*crosschain_arbiters)(void *ctx, uint8_t (*keys)[ELA_PUBKEY_SIZE], bool *normal,
                                size_t *n, size_t max, uint32_t tip);
    /* The node key of the on-duty cross-chain arbiter (SideChainPow signer, §4.7.3) when the
     * chain tip is at height `tip`. true with *key set, or true with key[0] == 0 when there is
     * no on-duty arbiter (the tx is then rejected); false when the state cannot say. */
    bool (*onduty_crosschain_arbiter)(void *ctx, uint8_t key[ELA_PUBKEY_SIZE], uint32_t tip);
    /* State-dependent part of the checks of every type in §4.7.8 (called as the reference's
     * SpecialContextCheck, after §4.3 step 8, refs holding the referenced outputs in input
     * order) and of the vote outputs of a TransferAsset (§4.3 step 16, all of it, called only
     * when the tx has an OTVote output): true when valid, else false with *st set. */
    bool (*check_tx)(void *ctx, ela_validation_state *st, const ela_tx *tx,
                     const ela_coin *refs, uint32_t height);
    /* Block-level state rules (§3.4 steps 4-8 and 11, §3.1 routing) for a block at `height`
     * whose header and transactions passed the state-free rules. */
    bool (*check_block)(void *ctx, ela_validation_state *st, const struct ela_block *block,
                        uint32_t height);
    /* The coinbase reward rules of eras A and B (§3.5), called for height >= PublicDPOSHeight;
     * total = block fees + reward(height). */
    bool (*check_coinbase)(void *ctx, ela_validation_state *st, const ela_tx *coinbase,
                           int64_t total, int64_t total_fee, uint32_t height);
    /* Applies a connected block to the state and appends to *undo (initialised by the caller)
     * whatever disconnect needs to revert it; the chain engine stores *undo with the block's
     * undo record in the same write batch that moves the tip. */
    void (*connect_block)(void *ctx, ela_bytes *undo, const struct ela_block *block,
                          uint32_t height);
    /* Reverts connect_block from the bytes it produced. false when they are damaged. */
    bool (*disconnect_block)(void *ctx, const struct ela_block *block, uint32_t height,
                             const uint8_t *undo, size_t undo_len);
    /* §4.3 step 13: whether the deposit (prefix 0x1f) program hash ph belongs to a registered
     * producer or CR candidate as of the tip: true with *registered set, false when the state
     * cannot say. NULL is "cannot say". */
    bool (*deposit_address_registered)(void *ctx, bool *registered, const ela_uint168 *ph);
} ela_state_ops;

/* The state of a node without BPoS/CR state, answering from the parameters alone: DPoS mode
 * (no RevertToPOW); while the tip is below CRCOnlyDPOSHeight - 1 the cross-chain arbiters are
 * the origin arbiters of the parameters (all normal) and the on-duty one is
 * origin_arbiters[tip % count] (the reference's pre-DPoS duty rotation); from CRCOnlyDPOSHeight
 * - 1 on both are CRC-arbiter state (normal flags, claimed nodes, duty index) and refused;
 * ELA_REASON_NEEDS_STATE for every §4.7.8 type, vote output, deposit address, block at or
 * above CRCOnlyDPOSHeight and coinbase at or above PublicDPOSHeight; connect/disconnect store
 * nothing. params must outlive the returned table. */
void ela_state_ops_null(ela_state_ops *out, const ela_params *params);

/* ---- the checks --------------------------------------------------------------------------- */

/* Context-free sanity (§4.1 including the per-type overrides of §4.7 and §4.8's height
 * gates) at height `height` (the block's header height, or tip+1 for the mempool), in the
 * reference's order: height/version, size, inputs, outputs (with §4.2 output payloads and the
 * coinbase amount ratios of §4.7.1), attributes and programs, payload. tx->size must be set
 * (ela_tx_read or ela_tx_compute_hash). ExchangeVotes is checked as in DPoS mode; the context
 * check applies the POW-mode variant. Reject reasons are listed in src/consensus/txcheck.c. */
ELA_WARN_UNUSED_RESULT bool ela_tx_check_sanity(ela_validation_state *st, const ela_params *p,
                                                const ela_tx *tx, uint32_t height);

/* Options of one context check. */
typedef struct ela_tx_context {
    uint32_t height;     /* H */
    uint32_t tip_height; /* chain height at validation time (H-1 for a block) */
    uint32_t timestamp;  /* block timestamp, 0 in the mempool */
    bool in_block;       /* block connect (finality is checked by the block rules) */
} ela_tx_context;

/* Context check (§4.3 steps 1-13 and 15-16, §4.6, §4.7) of a non-coinbase tx, in the
 * reference's order. refs[] is caller-allocated with tx->input_count entries; it is zeroed on
 * entry and, on success and on failure alike, holds what was resolved (the caller clears each
 * entry with ela_coin_clear); on success it holds the referenced outputs in input order. On
 * success *fee is the ELA fee the block adds up (Σ ELA referenced values − Σ ELA outputs,
 * wrapping as Go's int64; 0 on failure). Types whose special check ends validation (the
 * reference's SpecialContextCheck returning "end": new-form SideChainPow and the zero-cost
 * §4.7.8 types) skip steps 10-16. view->get_coin, have_tx, withdraw_known and
 * deposit_refunded must be set; state callbacks left NULL mean "cannot say" and refuse with
 * ELA_REASON_NEEDS_STATE. Signatures (§4.3 step 14) are NOT checked here: call
 * ela_txcheck_programs next (it returns true at once for exempt txs).
 *
 * A coinbase gets the reference's CoinBaseTransaction.ContextCheck instead (duplicate hash,
 * output 0 to the foundation / CR assets / DESTROY address by era and mode, "bad-cb-address"),
 * which block validation never runs (§3.4 note). */
ELA_WARN_UNUSED_RESULT bool ela_tx_check_context(ela_validation_state *st, int64_t *fee,
                                                 ela_coin *refs, const ela_params *p,
                                                 const ela_chain_view *view,
                                                 const ela_state_ops *state, const ela_tx *tx,
                                                 const ela_tx_context *ctx);

/* False for the txs whose programs the reference never verifies: the exemptions of §4.3 step
 * 14 (CRCProposalWithdraw payload v0, CRAssetsRectify, CRCProposalRealWithdraw,
 * NextTurnDPOSInfo, DposV2ClaimRewardRealWithdraw, VotesRealWithdraw) and the txs whose
 * context check ends before step 14 (CoinBase, new-form SideChainPow, CRCAppropriation,
 * ProposalResult, the four Illegal* types, InactiveArbitrators, NFTDestroyFromSideChain,
 * RecordSponsor, RevertToPOW, RevertToDPOS, UpdateVersion). True otherwise, ActivateProducer
 * included (its CR-member branch also ends early in the reference; that branch is state). */
bool ela_txcheck_needs_signatures(const ela_tx *tx);

/* The program-hash set of §4.4 step 1: the program hashes of the referenced outputs and the
 * 21-byte data of each Script attribute, without duplicates and sorted (ela_uint168 bytes),
 * into *out (caller frees with free(); also when *n is 0), count in *n. false (with *st,
 * "bad-txns-script-attribute"; *out NULL) when a Script attribute is not 21 bytes. */
ELA_WARN_UNUSED_RESULT bool ela_txcheck_required_hashes(ela_validation_state *st,
                                                        ela_uint168 **out, size_t *n,
                                                        const ela_tx *tx, const ela_coin *refs);

/* The whole of §4.4 for one tx on the calling thread (thread-safe: no shared state): true at
 * once when !ela_txcheck_needs_signatures(tx); else the required hashes, then RunPrograms over
 * the unsigned bytes. Reasons "bad-txns-program-count-mismatch" and "bad-txns-signature" (the
 * detail names the sigcheck reason). refs as ela_tx_check_context left them. */
ELA_WARN_UNUSED_RESULT bool ela_txcheck_programs(ela_validation_state *st, const ela_tx *tx,
                                                 const ela_coin *refs);

/* Finality (§4.5): lockTime 0, lockTime < height, or every input's sequence == 0xFFFF. */
bool ela_tx_is_final(const ela_tx *tx, uint32_t height);

#endif /* ELA_TXCHECK_H */
