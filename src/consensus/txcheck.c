/* elad: transaction sanity (spec/consensus.md §4.1, §4.2, §4.7, §4.8) and the signature step
 * (§4.3 step 14, §4.4). The context check is in txcontext.c.
 *
 * Reject reasons (stable; tests match on them). Sanity, in the order of §4.1:
 *   bad-txns-height-version           45026  §4.8 gate of the type / payload version
 *   bad-txns-oversize                 45015  size 0 or above MaxBlockContextSize
 *   bad-txns-vin-empty                45003  no inputs where one is required
 *   bad-txns-vin-not-empty            45003  inputs in a type that must have none
 *   bad-txns-prevout-null             45003  input (zero txid, 0xFFFF) outside a coinbase
 *   bad-txns-inputs-duplicate         45003  an outpoint spent twice by the tx
 *   bad-cb-input                      45003  coinbase input count / shape
 *   bad-txns-vout-empty               45004  no outputs where one is required
 *   bad-txns-vout-toomany             45004  more than 65535 outputs
 *   bad-txns-vout-not-empty           45004  outputs in a type that must have none
 *   bad-txns-vout-asset               45004  output asset is not ELA
 *   bad-txns-vout-negative            45004  output value < 0 (<= 0 for ExchangeVotes)
 *   bad-txns-vout-address             45004  output program hash prefix (CheckAddressHeight)
 *   bad-txns-vout-type                45004  output type not allowed in this tx type
 *   bad-txns-vout-payload             45004  output payload does not validate (§4.2)
 *   bad-txns-vote-address             45004  OTVote output not to a standard (0x21) address
 *   bad-cb-outputs                    45004  coinbase with fewer than 2 outputs
 *   bad-cb-ratio                      45004  coinbase foundation/CR share too small (§4.7.1)
 *   bad-sidechainpow-outputs          45004  new-form SideChainPow output shape
 *   bad-appropriation-outputs         45004  CRCAppropriation output count / addresses
 *   bad-exchangevotes-outputs         45004  ExchangeVotes output shape, stake address
 *   bad-txns-attribute                45007  attribute usage, or attribute count of the type
 *   bad-txns-program-count            45007  program count of the type (sanity)
 *   bad-txns-program                  45007  program code shorter than 23 bytes
 *   bad-txns-program-schnorr          45007  Schnorr code below NormalSchnorrStartHeight
 *   bad-txns-payload-type             45009  payload does not match the type
 *   bad-asset-precision               45009  RegisterAsset precision / amount
 *   bad-withdraw-duplicate-hash       45009  WithdrawFromSideChain v0 lists a hash twice
 *   bad-voting-payload                45009  Voting payload content
 * Context (txcontext.c), in the order of §4.3:
 *   bad-txns-duplicate                45011  tx already in the main chain
 *   bad-txns-unknown-referenced       45016  input refers to no main-chain output
 *   bad-txns-crosschain-frozen        45003  X-UTXO spent inside the freeze window (mainnet)
 *   bad-txns-crosschain-restricted    45003  X-UTXO spent by a non-bridge tx (mainnet)
 *   bad-txns-frozen-address           45003  frozen address spent from or paid to
 *   bad-txns-pow-mode                 43001  type not allowed while in POW mode (§4.9)
 *   bad-txns-double-spend             45010  referenced output already spent
 *   bad-txns-lock-sequence            45019  locked output spent without sequence 0xFFFFFFFE
 *   bad-txns-output-locked            45019  locked output spent before its lock height
 *   bad-sidechainpow-no-arbiter       45009  no on-duty cross-chain arbiter
 *   bad-sidechainpow-signature        45009  side mining signature
 *   bad-crosschain-payload            45009  TransferCrossChainAsset v0 payload lists
 *   bad-crosschain-index              45009  v0 output index duplicate / out of range
 *   bad-crosschain-address            45009  v0 target address duplicate / empty
 *   bad-crosschain-output-address     45009  deposit output not to an X (0x4b) address
 *   bad-crosschain-amount             45009  deposit amount / output value
 *   bad-crosschain-fee                45009  v0 fee below MinCrossChainTxFee
 *   bad-crosschain-tx-version         45009  v1 in a legacy (version < 9) tx
 *   bad-crosschain-output-type        45009  v1 output neither OTNone nor OTCrossChain
 *   bad-crosschain-did                45009  v1 deposit to the DID side chain
 *   bad-crosschain-no-output          45009  v1 without any OTCrossChain output
 *   bad-withdraw-version              45009  not v2 above SchnorrStartHeight
 *   bad-withdraw-duplicate            45009  side-chain tx already withdrawn
 *   bad-withdraw-input-address        45009  withdraw input not from an X address
 *   bad-withdraw-program              45009  arbiter program shape, m / n
 *   bad-withdraw-arbiters             45009  program keys are not the cross-chain arbiters
 *                                            (WithdrawFromSideChain and ReturnSideChainDeposit)
 *   bad-withdraw-signers              45009  v2 signer count / index
 *   bad-withdraw-aggregate            45009  v2 program is not the signers' aggregate key
 *   bad-return-deposit-program        45009  ReturnSideChainDepositCoin arbiter programs
 *   bad-return-deposit-refunded       45009  deposit already refunded
 *   bad-return-deposit-unknown        45009  deposit tx (or its first input's tx) unknown
 *   bad-return-deposit-address        45009  refund not to the deposit's first input address
 *   bad-return-deposit-amount         45009  refund + ReturnDepositCoinFee != deposit amount
 *   bad-txns-fee-too-low              45006  fee below MinTransactionFee
 *   bad-txns-fee-not-zero             45006  ActivateProducer with a fee
 *   bad-txns-destroy-input            45003  DESTROY address spent
 *   bad-txns-deposit-input            45003  deposit (0x1f) UTXO rule (§4.3 step 12)
 *   bad-txns-deposit-output           45003  output to an unregistered deposit address
 *   bad-txns-premature-spend-of-coinbase 45018  coinbase younger than CoinbaseMaturity
 *   bad-txns-spend-sidechainpow       45018  output of a new-form SideChainPow spent
 *   bad-cb-address                    45004  coinbase output[0] address (its own context)
 *   needs-bpos-cr-state (ELA_REASON_NEEDS_STATE)  the state cannot decide; the code is that of
 *                                     the rule refused (45009 special checks and arbiters,
 *                                     45003 deposit outputs, 45004 vote outputs)
 * Signatures (this file):
 *   bad-txns-script-attribute         45008  Script attribute data not 21 bytes
 *   bad-txns-program-count-mismatch   45008  programs != distinct hashes to sign
 *   bad-txns-signature                45008  a program does not verify
 */
#include <ela/txcheck.h>

#include "consensus/txcheck_int.h"

#include <ela/contract.h>
#include <ela/ecdsa.h>
#include <ela/sigcheck.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Smallest program code the reference accepts (core/contract/program MinProgramCodeSize). */
#define MIN_PROGRAM_CODE 23
#define MAX_OUTPUTS 65535u
#define MAX_VOTE_PRODUCERS 36u /* outputpayload.MaxVoteProducersPerTransaction */

const ela_uint168 ela_ph_destroy = {{0x21, 0x20, 0xfe, 0xe5, 0xd7, 0xeb, 0x3e, 0x5c, 0x7d,
                                             0x31, 0x97, 0xfe, 0xcf, 0x6c, 0x0d, 0xe3, 0x0f, 0x88,
                                             0x9a, 0xce, 0xf7}};
const ela_uint168 ela_ph_cr_assets = {{0x1c, 0x5f, 0x6c, 0x3e, 0x9f, 0x0c, 0x9a, 0x71,
                                               0x10, 0xb8, 0xeb, 0x6e, 0x37, 0x02, 0x63, 0x0f,
                                               0x71, 0x27, 0x4d, 0xf1, 0xc0}};
const ela_uint168 ela_ph_cr_expenses = {{0x1c, 0x60, 0x32, 0x09, 0xff, 0x5d, 0x86, 0x54,
                                                 0x2d, 0x26, 0x1a, 0x8d, 0x22, 0x7f, 0xe0, 0xf5,
                                                 0xee, 0x2c, 0x4e, 0xd2, 0xd3}};
const ela_uint168 ela_ph_stake_pool = {{0x3f, 0x40, 0x5c, 0x9e, 0x71, 0x3f, 0x20, 0x13,
                                                0xa3, 0x16, 0x39, 0x49, 0xbd, 0xd6, 0xf0, 0xbc,
                                                0xad, 0xd6, 0xc8, 0xf5, 0xab}};
const ela_uint168 ela_ph_did_sidechain = {{0x4b, 0x59, 0x29, 0xcb, 0xd0, 0x94, 0x01,
                                                   0xeb, 0x2c, 0xe4, 0x13, 0x4c, 0xb5, 0xee,
                                                   0x11, 0x7a, 0x01, 0x15, 0x2c, 0x38, 0x7e}};
const ela_uint256 ela_txcheck_ela_asset = {{0xb0, 0x37, 0xdb, 0x96, 0x4a, 0x23, 0x14, 0x58,
                                            0xd2, 0xd6, 0xff, 0xd5, 0xea, 0x18, 0x94, 0x4c,
                                            0x4f, 0x90, 0xe6, 0x3d, 0x54, 0x7c, 0x5d, 0x3b,
                                            0x98, 0x74, 0xdf, 0x66, 0xa4, 0xea, 0xd0, 0xa3}};

/* ---- type classes ------------------------------------------------------------------------ */

/* Types that must carry no inputs (their CheckTransactionInput override). */
static bool type_has_no_inputs(uint8_t t)
{
    switch (t) {
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE:
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE:
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE:
    case ELA_TX_INACTIVE_ARBITRATORS:
    case ELA_TX_UPDATE_VERSION:
    case ELA_TX_NEXT_TURN_DPOS_INFO:
    case ELA_TX_PROPOSAL_RESULT:
    case ELA_TX_REVERT_TO_POW:
    case ELA_TX_REVERT_TO_DPOS:
    case ELA_TX_RECORD_SPONSOR:
    case ELA_TX_NFT_DESTROY_FROM_SIDECHAIN:
        return true;
    default:
        return false;
    }
}

/* Types that must carry no outputs. ProposalResult is not one of them: it keeps the default
 * output rules (at least one output), as the reference does. */
static bool type_has_no_outputs(uint8_t t)
{
    return type_has_no_inputs(t) && t != ELA_TX_PROPOSAL_RESULT;
}

bool ela_txcheck_type_needs_state(uint8_t t)
{
    switch (t) {
    case ELA_TX_COINBASE:
    case ELA_TX_REGISTER_ASSET:
    case ELA_TX_TRANSFER_ASSET:
    case ELA_TX_RECORD:
    case ELA_TX_SIDECHAIN_POW:
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN:
    case ELA_TX_TRANSFER_CROSSCHAIN_ASSET:
    case ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN:
        return false;
    default:
        return true;
    }
}

static bool is_new_sidechain_pow(const ela_tx *tx)
{
    return ela_tx_type(tx) == ELA_TX_SIDECHAIN_POW && tx->input_count == 0;
}

bool ela_txcheck_ends_at_special(const ela_tx *tx)
{
    switch (ela_tx_type(tx)) {
    case ELA_TX_COINBASE:
    case ELA_TX_CRC_APPROPRIATION:
    case ELA_TX_PROPOSAL_RESULT:
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE:
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE:
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE:
    case ELA_TX_INACTIVE_ARBITRATORS:
    case ELA_TX_NEXT_TURN_DPOS_INFO:
    case ELA_TX_NFT_DESTROY_FROM_SIDECHAIN:
    case ELA_TX_RECORD_SPONSOR:
    case ELA_TX_REVERT_TO_DPOS:
    case ELA_TX_REVERT_TO_POW:
    case ELA_TX_UPDATE_VERSION:
        return true;
    case ELA_TX_SIDECHAIN_POW:
        return is_new_sidechain_pow(tx);
    default:
        return false;
    }
}

/* ---- §4.8 HeightVersionCheck --------------------------------------------------------------- */

static bool hv_fail(ela_validation_state *st, const ela_tx *tx, uint32_t height, const char *why)
{
    const char *name = ela_tx_type_name(ela_tx_type(tx));
    return ela_validation_invalid(st, ELA_ERR_TRANSACTION_HEIGHT_VERSION,
                                  "bad-txns-height-version", "%s v%u at height %u: %s",
                                  name ? name : "?", (unsigned)ela_tx_payload_version(tx),
                                  (unsigned)height, why);
}

/* CRCProposalReview / Tracking: committee start, then payload v0 before the draft-data height
 * and v1 from it. */
static bool hv_proposal_family(ela_validation_state *st, const ela_params *p, const ela_tx *tx,
                               uint32_t h)
{
    uint8_t pv = ela_tx_payload_version(tx);
    if (h < p->cr_committee_start_height)
        return hv_fail(st, tx, h, "before CRCommitteeStartHeight");
    if (h < p->crc_proposal_draft_data_start_height ? pv != 0 : pv != 1)
        return hv_fail(st, tx, h, "payload version vs CRCProposalDraftDataStartHeight");
    return true;
}

bool ela_txcheck_height_version(ela_validation_state *st, const ela_params *p, const ela_tx *tx,
                                uint32_t h)
{
    uint8_t pv = ela_tx_payload_version(tx);
    switch (ela_tx_type(tx)) {
    case ELA_TX_TRANSFER_ASSET:
        if (h >= p->cr_voting_start_height || tx->version < ELA_TX_VERSION_09)
            return true;
        for (size_t i = 0; i < tx->output_count; i++) {
            const ela_output *o = &tx->outputs[i];
            if (o->type == ELA_OUTPUT_VOTE && o->payload.vote.version >= 1)
                return hv_fail(st, tx, h, "vote output v1 before CRVotingStartHeight");
        }
        return true;
    case ELA_TX_TRANSFER_CROSSCHAIN_ASSET:
        /* v0 up to and including NewCrossChainStartHeight, v1 strictly after (§4.7.4). */
        if (h <= p->new_crosschain_start_height ? pv != 0 : pv != 1)
            return hv_fail(st, tx, h, "payload version vs NewCrossChainStartHeight");
        return true;
    case ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN:
        if (h < p->return_crosschain_coin_start_height)
            return hv_fail(st, tx, h, "before ReturnCrossChainCoinStartHeight");
        return true;
    case ELA_TX_CRC_APPROPRIATION:
        if (h < p->cr_committee_start_height)
            return hv_fail(st, tx, h, "before CRCommitteeStartHeight");
        return true;
    case ELA_TX_CRC_PROPOSAL_REVIEW:
    case ELA_TX_CRC_PROPOSAL_TRACKING:
        return hv_proposal_family(st, p, tx, h);
    case ELA_TX_CRC_PROPOSAL: {
        if (h < p->crc_proposal_draft_data_start_height ? pv != 0 : pv != 1)
            return hv_fail(st, tx, h, "payload version vs CRCProposalDraftDataStartHeight");
        uint32_t gate;
        switch (tx->payload.u.crc_proposal.proposal_type) {
        case ELA_CRC_PROPOSAL_CHANGE_OWNER:
        case ELA_CRC_PROPOSAL_CLOSE:
        case ELA_CRC_PROPOSAL_SECRETARY_GENERAL:
            gate = p->crc_proposal_v1_height;
            break;
        case ELA_CRC_PROPOSAL_RESERVE_CUSTOM_ID:
        case ELA_CRC_PROPOSAL_RECEIVE_CUSTOM_ID:
        case ELA_CRC_PROPOSAL_CHANGE_CUSTOM_ID_FEE:
            gate = p->custom_id_proposal_start_height;
            break;
        case ELA_CRC_PROPOSAL_REGISTER_SIDECHAIN:
            gate = p->new_crosschain_start_height;
            break;
        default:
            gate = p->cr_committee_start_height;
            break;
        }
        if (h < gate)
            return hv_fail(st, tx, h, "proposal type not active yet");
        return true;
    }
    case ELA_TX_CRC_PROPOSAL_WITHDRAW:
        if (h < p->cr_committee_start_height)
            return hv_fail(st, tx, h, "before CRCommitteeStartHeight");
        if (pv == 0 && h >= p->crc_proposal_withdraw_payload_v1_height)
            return hv_fail(st, tx, h, "v0 from CRCProposalWithdrawPayloadV1Height");
        if (pv == 1 && h < p->crc_proposal_withdraw_payload_v1_height)
            return hv_fail(st, tx, h, "v1 before CRCProposalWithdrawPayloadV1Height");
        return true;
    case ELA_TX_CR_ASSETS_RECTIFY:
    case ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW:
        if (h < p->cr_assets_rectify_transaction_height)
            return hv_fail(st, tx, h, "before CRAssetsRectifyTransactionHeight");
        return true;
    case ELA_TX_CR_COUNCIL_MEMBER_CLAIM_NODE:
        if (h < p->cr_claim_dpos_node_start_height)
            return hv_fail(st, tx, h, "before CRClaimDPOSNodeStartHeight");
        return true;
    case ELA_TX_REGISTER_CR:
        switch (pv) {
        case 0:
            if (h < p->cr_voting_start_height)
                return hv_fail(st, tx, h, "before CRVotingStartHeight");
            break;
        case 1:
            if (h < p->register_cr_by_did_height)
                return hv_fail(st, tx, h, "before RegisterCRByDIDHeight");
            break;
        case 2:
            if (h < p->cr_schnorr_start_height)
                return hv_fail(st, tx, h, "before CRSchnorrStartHeight");
            break;
        default:
            /* The reference's switch has no case for the multi-sign version 3. */
            return hv_fail(st, tx, h, "invalid payload version");
        }
        if (h < p->nft_start_height && pv == 2)
            return hv_fail(st, tx, h, "Schnorr CR info before NFTStartHeight");
        return true;
    case ELA_TX_UNREGISTER_CR:
    case ELA_TX_RETURN_CR_DEPOSIT_COIN:
        if (h < p->cr_voting_start_height)
            return hv_fail(st, tx, h, "before CRVotingStartHeight");
        return true;
    case ELA_TX_REVERT_TO_POW:
    case ELA_TX_REVERT_TO_DPOS:
        if (h < p->revert_to_pow_start_height)
            return hv_fail(st, tx, h, "before RevertToPOWStartHeight");
        return true;
    case ELA_TX_VOTING:
    case ELA_TX_RETURN_VOTES:
    case ELA_TX_VOTES_REAL_WITHDRAW:
    case ELA_TX_DPOSV2_CLAIM_REWARD:
    case ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW:
        if (h < p->dposv2_start_height)
            return hv_fail(st, tx, h, "before DPoSV2StartHeight");
        return true;
    case ELA_TX_EXCHANGE_VOTES:
        if (h < p->dposv2_start_height)
            return hv_fail(st, tx, h, "before DPoSV2StartHeight");
        if (h < p->multi_exchange_votes_start_height && tx->program_count > 1)
            return hv_fail(st, tx, h, "several programs before MultiExchangeVotesStartHeight");
        return true;
    case ELA_TX_CREATE_NFT:
        if (h < p->nft_start_height)
            return hv_fail(st, tx, h, "before NFTStartHeight");
        if (h < p->nft_v2_start_height && pv >= 1)
            return hv_fail(st, tx, h, "v1 before NFTV2StartHeight");
        if (h >= p->nft_v2_start_height && pv != 1)
            return hv_fail(st, tx, h, "v0 from NFTV2StartHeight");
        return true;
    case ELA_TX_NFT_DESTROY_FROM_SIDECHAIN:
        if (h < p->nft_start_height)
            return hv_fail(st, tx, h, "before NFTStartHeight");
        return true;
    case ELA_TX_RECORD_SPONSOR:
        if (pv != 0)
            return hv_fail(st, tx, h, "payload version must be 0");
        if (h < p->record_sponsor_start_height)
            return hv_fail(st, tx, h, "before RecordSponsorStartHeight");
        return true;
    case ELA_TX_REGISTER_PRODUCER:
        switch (pv) {
        case 0:
            return true;
        case 1:
            if (h < p->dposv2_start_height)
                return hv_fail(st, tx, h, "before DPoSV2StartHeight");
            return true;
        case 2:
            if (h < p->producer_schnorr_start_height)
                return hv_fail(st, tx, h, "before ProducerSchnorrStartHeight");
            return true;
        case 3:
            if (h < p->support_multi_code_height)
                return hv_fail(st, tx, h, "before SupportMultiCodeHeight");
            return true;
        default:
            return hv_fail(st, tx, h, "invalid payload version");
        }
    case ELA_TX_UPDATE_PRODUCER:
        if (h < p->dposv2_start_height && tx->payload.u.producer_info.stake_until != 0)
            return hv_fail(st, tx, h, "StakeUntil before DPoSV2StartHeight");
        if (h < p->support_multi_code_height && pv == 3)
            return hv_fail(st, tx, h, "multi-code payload before SupportMultiCodeHeight");
        return true;
    case ELA_TX_CANCEL_PRODUCER:
        if (h < p->support_multi_code_height && pv == 2)
            return hv_fail(st, tx, h, "multi-code payload before SupportMultiCodeHeight");
        return true;
    case ELA_TX_NEXT_TURN_DPOS_INFO:
        if (pv >= 1 && h < p->dex_start_height)
            return hv_fail(st, tx, h, "v1 before DexStartHeight");
        return true;
    default:
        return true;
    }
}

/* ---- §4.1 step 3: inputs ------------------------------------------------------------------- */

typedef struct outpoint_pos {
    const ela_input *in;
    size_t pos;
} outpoint_pos;

static int outpoint_cmp(const void *a, const void *b)
{
    const outpoint_pos *x = a, *y = b;
    int c = memcmp(x->in->prev_txid.b, y->in->prev_txid.b, 32);
    if (c == 0)
        c = (x->in->prev_index > y->in->prev_index) - (x->in->prev_index < y->in->prev_index);
    if (c == 0)
        c = (x->pos > y->pos) - (x->pos < y->pos);
    return c;
}

static bool is_null_prevout(const ela_input *in)
{
    return in->prev_index == 0xffff && ela_uint256_is_zero(&in->prev_txid);
}

/* The default CheckTransactionInput: at least one input, no null prevout, no outpoint twice.
 * The reference walks the inputs once and reports whichever problem it meets first; the
 * duplicate search here sorts instead (a tx may carry tens of thousands of inputs), then picks
 * the earlier of the first null prevout and the first repeated outpoint to give the same
 * reason. */
static bool check_default_inputs(ela_validation_state *st, const ela_tx *tx)
{
    size_t n = tx->input_count;
    if (n == 0)
        return ela_validation_invalid(st, ELA_ERR_INVALID_INPUT, "bad-txns-vin-empty", NULL);
    size_t first_null = SIZE_MAX;
    for (size_t i = 0; i < n && first_null == SIZE_MAX; i++)
        if (is_null_prevout(&tx->inputs[i]))
            first_null = i;
    size_t first_dup = SIZE_MAX;
    if (n > 1) {
        outpoint_pos *v = ela_xmalloc(n * sizeof *v);
        for (size_t i = 0; i < n; i++)
            v[i] = (outpoint_pos){&tx->inputs[i], i};
        qsort(v, n, sizeof *v, outpoint_cmp);
        for (size_t i = 1; i < n; i++) {
            /* In a run of equal outpoints sorted by position, the second one is where the
             * reference notices the repetition. */
            bool same = memcmp(v[i].in->prev_txid.b, v[i - 1].in->prev_txid.b, 32) == 0 &&
                        v[i].in->prev_index == v[i - 1].in->prev_index;
            bool run_start = i < 2 || !(memcmp(v[i - 1].in->prev_txid.b,
                                               v[i - 2].in->prev_txid.b, 32) == 0 &&
                                        v[i - 1].in->prev_index == v[i - 2].in->prev_index);
            if (same && run_start && v[i].pos < first_dup)
                first_dup = v[i].pos;
        }
        free(v);
    }
    if (first_null < first_dup)
        return ela_validation_invalid(st, ELA_ERR_INVALID_INPUT, "bad-txns-prevout-null",
                                      "input %zu", first_null);
    if (first_dup != SIZE_MAX)
        return ela_validation_invalid(st, ELA_ERR_INVALID_INPUT, "bad-txns-inputs-duplicate",
                                      "input %zu", first_dup);
    return true;
}

static bool check_inputs(ela_validation_state *st, const ela_params *p, const ela_tx *tx,
                         uint32_t h)
{
    uint8_t t = ela_tx_type(tx);
    if (t == ELA_TX_COINBASE) {
        if (tx->input_count != 1)
            return ela_validation_invalid(st, ELA_ERR_INVALID_INPUT, "bad-cb-input",
                                          "%zu inputs", tx->input_count);
        const ela_input *in = &tx->inputs[0];
        if (!ela_uint256_is_zero(&in->prev_txid) || in->prev_index != 0xffff ||
            in->sequence != 0xffffffffu)
            return ela_validation_invalid(st, ELA_ERR_INVALID_INPUT, "bad-cb-input",
                                          "not the null input");
        return true;
    }
    if (is_new_sidechain_pow(tx))
        return true;
    if (t == ELA_TX_ACTIVATE_PRODUCER) {
        /* Zero-cost below NFTStartHeight; from there on the reference checks nothing. */
        if (h <= p->nft_start_height && tx->input_count != 0)
            return ela_validation_invalid(st, ELA_ERR_INVALID_INPUT, "bad-txns-vin-not-empty",
                                          NULL);
        return true;
    }
    if (type_has_no_inputs(t)) {
        if (tx->input_count != 0)
            return ela_validation_invalid(st, ELA_ERR_INVALID_INPUT, "bad-txns-vin-not-empty",
                                          NULL);
        return true;
    }
    return check_default_inputs(st, tx);
}

/* ---- §4.2 output payloads ------------------------------------------------------------------ */

/* The reference's Mapping.Validate. A 33-byte owner key must sign the content (version,
 * owner key, side producer id) with ECDSA; any other owner key is taken as a multisig code, whose
 * signatures would need 65 bytes each, more than the 64 bytes a mapping signature may hold, so
 * that branch never succeeds (on a code shorter than 2 bytes the reference panics). */
static bool mapping_valid(const ela_mapping_output *m)
{
    if (m->owner_key.len != 33 || m->signature.len != ELA_ECDSA_SIG_SIZE)
        return false;
    ela_writer w;
    ela_writer_init(&w);
    ela_write_u8(&w, m->version);
    ela_write_varbytes(&w, m->owner_key.data, m->owner_key.len);
    ela_write_varbytes(&w, m->side_producer_id.data, m->side_producer_id.len);
    bool ok = ela_ecdsa_verify_raw(m->owner_key.data, m->owner_key.len, w.data, w.len,
                                   m->signature.data);
    ela_writer_clear(&w);
    return ok;
}

static int bytes_ptr_cmp(const void *pa, const void *pb)
{
    const ela_bytes *a = *(const ela_bytes *const *)pa, *b = *(const ela_bytes *const *)pb;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->len ? memcmp(a->data, b->data, a->len) : 0;
}

/* True when two of the n byte strings are equal. Sorting instead of comparing every pair: a
 * candidate list is bounded only by the tx size. v is reordered. */
static bool bytes_have_duplicate(const ela_bytes **v, size_t n)
{
    if (n < 2)
        return false;
    qsort(v, n, sizeof *v, bytes_ptr_cmp);
    for (size_t i = 1; i < n; i++)
        if (bytes_ptr_cmp(&v[i - 1], &v[i]) == 0)
            return true;
    return false;
}

/* VoteOutput.Validate (types 1 and 6). Every failure has the same reason, so the conditions
 * are tested in whatever order is cheapest. */
static const char *vote_payload_error(const ela_vote_output *v)
{
    if (v->version > 2)
        return "vote version";
    bool seen[256] = {false};
    const char *why = NULL;
    for (size_t i = 0; i < v->content_count && !why; i++) {
        const ela_vote_content *c = &v->contents[i];
        if (seen[c->vote_type])
            return "duplicate vote type";
        seen[c->vote_type] = true;
        if (c->candidate_count == 0 ||
            (c->vote_type == ELA_VOTE_DELEGATE && c->candidate_count > MAX_VOTE_PRODUCERS))
            return "candidate count";
        if (c->vote_type > ELA_VOTE_DPOSV2)
            return "vote type";
        const ela_bytes **keys = ela_xmalloc(c->candidate_count * sizeof *keys);
        for (size_t j = 0; j < c->candidate_count; j++) {
            keys[j] = &c->candidates[j].candidate;
            if (v->version >= 1 && c->candidates[j].votes <= 0)
                why = "candidate votes";
        }
        if (!why && bytes_have_duplicate(keys, c->candidate_count))
            why = "duplicate candidate";
        free(keys);
    }
    return why;
}

/* The Validate of an output payload (§4.2); NULL when valid, else what is wrong. */
static const char *output_payload_error(const ela_output *o)
{
    switch (o->type) {
    case ELA_OUTPUT_NONE:
        return NULL;
    case ELA_OUTPUT_VOTE:
    case ELA_OUTPUT_DPOSV2_VOTE:
        return vote_payload_error(&o->payload.vote);
    case ELA_OUTPUT_MAPPING:
        return mapping_valid(&o->payload.mapping) ? NULL : "mapping signature";
    case ELA_OUTPUT_CROSSCHAIN: {
        const ela_crosschain_output *c = &o->payload.crosschain;
        if (c->version > 0)
            return "cross-chain output version";
        if (c->target_address.len == 0)
            return "empty target address";
        if (c->target_amount <= 0)
            return "target amount";
        return NULL;
    }
    case ELA_OUTPUT_WITHDRAW:
        if (o->payload.withdraw.version > 0)
            return "withdraw output version";
        if (o->payload.withdraw.genesis_block_address.len == 0)
            return "empty genesis block address";
        return NULL;
    case ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT:
        if (o->payload.return_deposit.version > 0)
            return "return deposit output version";
        if (o->payload.return_deposit.genesis_block_address.len == 0)
            return "empty genesis block address";
        return NULL;
    case ELA_OUTPUT_STAKE:
        if (o->payload.stake.version > 0)
            return "stake output version";
        if (o->payload.stake.stake_address.b[0] != ELA_PREFIX_DPOS_V2)
            return "stake address prefix";
        return NULL;
    default:
        return "unknown output type";
    }
}

/* ---- §4.1 step 4: outputs ------------------------------------------------------------------ */

/* checkOutputProgramHash: from CheckAddressHeight an output may only pay the zero hash, the two
 * CR vanity addresses or a known prefix (the DID prefix 0x67 included among the rejected). */
static bool output_address_ok(const ela_params *p, const ela_uint168 *ph, uint32_t h)
{
    if (h < p->check_address_height)
        return true;
    if (ela_uint168_is_zero(ph) || ela_uint168_equal(ph, &ela_ph_cr_assets) ||
        ela_uint168_equal(ph, &ela_ph_cr_expenses))
        return true;
    switch (ph->b[0]) {
    case ELA_PREFIX_STANDARD:
    case ELA_PREFIX_MULTISIG:
    case ELA_PREFIX_CROSSCHAIN:
    case ELA_PREFIX_DEPOSIT:
    case ELA_PREFIX_DPOS_V2:
        return true;
    default:
        return false;
    }
}

/* The output types a v09 tx of each type may carry (per-type checkXxxOutputPayload). */
static bool output_type_allowed(uint8_t tx_type, uint8_t out_type)
{
    if (out_type == ELA_OUTPUT_NONE)
        return true;
    switch (tx_type) {
    case ELA_TX_TRANSFER_ASSET:
        return out_type == ELA_OUTPUT_VOTE || out_type == ELA_OUTPUT_MAPPING;
    case ELA_TX_TRANSFER_CROSSCHAIN_ASSET:
        return out_type == ELA_OUTPUT_CROSSCHAIN;
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN:
        return out_type == ELA_OUTPUT_WITHDRAW;
    case ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN:
        return out_type == ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT;
    default:
        return false;
    }
}

/* The per-output loop shared by the default CheckTransactionOutput and its per-type copies:
 * asset, value, address, then (v09) type and payload. The reference also counts "special"
 * outputs and allows at most one from PublicDPOSHeight, but in every type that applies that
 * limit only OTNone passes the type check, so the count can never exceed zero. */
static bool check_output_list(ela_validation_state *st, const ela_params *p, const ela_tx *tx,
                              uint32_t h)
{
    uint8_t t = ela_tx_type(tx);
    bool v09 = tx->version >= ELA_TX_VERSION_09;
    for (size_t i = 0; i < tx->output_count; i++) {
        const ela_output *o = &tx->outputs[i];
        if (!ela_uint256_equal(&o->asset_id, &ela_txcheck_ela_asset))
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-asset",
                                          "output %zu", i);
        if (o->value < 0)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-negative",
                                          "output %zu", i);
        if (!output_address_ok(p, &o->program_hash, h))
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-address",
                                          "output %zu prefix 0x%02x", i, o->program_hash.b[0]);
        if (!v09)
            continue;
        if (!output_type_allowed(t, o->type))
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-type",
                                          "output %zu type %u", i, (unsigned)o->type);
        if (o->type == ELA_OUTPUT_VOTE && o->program_hash.b[0] != ELA_PREFIX_STANDARD)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vote-address",
                                          "output %zu", i);
        const char *why = output_payload_error(o);
        if (why)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-payload",
                                          "output %zu: %s", i, why);
    }
    return true;
}

static bool check_output_count(ela_validation_state *st, const ela_tx *tx)
{
    if (tx->output_count > MAX_OUTPUTS)
        return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-toomany",
                                      "%zu outputs", tx->output_count);
    if (tx->output_count < 1)
        return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-empty", NULL);
    return true;
}

/* §4.7.1: the coinbase amount rules are part of its sanity. The ratios use binary64 and
 * truncation toward zero like the reference's Fixed64(float64(x) * 0.3); the sums wrap like
 * Go's int64 (coinbase output values are not range-checked). */
static bool check_coinbase_outputs(ela_validation_state *st, const ela_params *p,
                                   const ela_tx *tx, uint32_t h)
{
    if (tx->output_count > MAX_OUTPUTS)
        return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-toomany",
                                      "%zu outputs", tx->output_count);
    if (tx->output_count < 2)
        return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-cb-outputs",
                                      "%zu outputs", tx->output_count);
    int64_t first = tx->outputs[0].value;
    if (h < p->public_dpos_height) {
        int64_t total = 0;
        for (size_t i = 0; i < tx->output_count; i++) {
            if (!ela_uint256_equal(&tx->outputs[i].asset_id, &ela_txcheck_ela_asset))
                return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-asset",
                                              "coinbase output %zu", i);
            total = ela_txcheck_wrap_add(total, tx->outputs[i].value);
        }
        int64_t need = (int64_t)((double)total * 0.3);
        if (first < need)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-cb-ratio",
                                          "output 0 %lld < %lld", (long long)first,
                                          (long long)need);
        return true;
    }
    /* From PublicDPOSHeight only the two-output layout has a ratio rule, and (OBSERVED) the
     * output assets are not checked at all. */
    if (tx->output_count == 2) {
        int64_t total = ela_txcheck_wrap_add(first, tx->outputs[1].value);
        int64_t need = (int64_t)((double)total * 0.3 / 0.65);
        if (first < need)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-cb-ratio",
                                          "output 0 %lld < %lld", (long long)first,
                                          (long long)need);
    }
    return true;
}

bool ela_txcheck_exchange_votes_outputs(ela_validation_state *st, const ela_params *p,
                                        const ela_tx *tx, uint32_t h, bool pow)
{
    bool single = pow || h < p->multi_exchange_votes_start_height;
    if (single && tx->output_count > 2)
        return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-exchangevotes-outputs",
                                      "%zu outputs", tx->output_count);
    if (tx->output_count < 1)
        return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-empty", NULL);
    if (single ? tx->program_count != 1 : tx->program_count < 1)
        return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-exchangevotes-outputs",
                                      "%zu programs", tx->program_count);
    for (size_t i = 0; i < tx->output_count; i++) {
        const ela_output *o = &tx->outputs[i];
        if (!ela_uint256_equal(&o->asset_id, &ela_txcheck_ela_asset))
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-asset",
                                          "output %zu", i);
        if (o->value <= 0)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-negative",
                                          "output %zu", i);
        if (!single && i >= 1 && o->program_hash.b[0] != ELA_PREFIX_STANDARD &&
            o->program_hash.b[0] != ELA_PREFIX_MULTISIG)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-exchangevotes-outputs",
                                          "output %zu address", i);
    }
    const ela_output *o0 = &tx->outputs[0];
    if (o0->type != ELA_OUTPUT_STAKE)
        return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-exchangevotes-outputs",
                                      "output 0 is not OTStake");
    const char *why = output_payload_error(o0);
    if (why)
        return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-payload",
                                      "output 0: %s", why);
    if (single) {
        const ela_bytes *code = &tx->programs[0].code;
        if (code->len == 0)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT,
                                          "bad-exchangevotes-outputs", "empty program code");
        ela_uint168 stake;
        ela_contract_stake_program_hash(&stake, code->data, code->len);
        if (!ela_uint168_equal(&stake, &o0->payload.stake.stake_address))
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT,
                                          "bad-exchangevotes-outputs", "stake address");
    }
    if (!ela_uint168_equal(&o0->program_hash, &ela_ph_stake_pool))
        return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-exchangevotes-outputs",
                                      "output 0 not to the stake pool");
    if (single && tx->output_count == 2) {
        uint8_t pre = tx->outputs[1].program_hash.b[0];
        if (pre != ELA_PREFIX_STANDARD && pre != ELA_PREFIX_MULTISIG)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT,
                                          "bad-exchangevotes-outputs", "output 1 address");
    }
    return true;
}

static bool check_outputs(ela_validation_state *st, const ela_params *p, const ela_tx *tx,
                          uint32_t h)
{
    uint8_t t = ela_tx_type(tx);
    switch (t) {
    case ELA_TX_COINBASE:
        return check_coinbase_outputs(st, p, tx, h);
    case ELA_TX_EXCHANGE_VOTES:
        /* Sanity has no state; it takes the DPoS-mode branch, the context check the other. */
        return ela_txcheck_exchange_votes_outputs(st, p, tx, h, false);
    case ELA_TX_ACTIVATE_PRODUCER:
        if (h > p->nft_start_height)
            return true; /* the reference checks no output from there on */
        break;
    case ELA_TX_SIDECHAIN_POW:
        if (is_new_sidechain_pow(tx)) {
            if (tx->output_count > MAX_OUTPUTS)
                return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT,
                                              "bad-txns-vout-toomany", NULL);
            /* Nothing else about the output (asset, address) is checked. */
            if (tx->output_count != 1 || tx->outputs[0].value != 0 ||
                tx->outputs[0].type != ELA_OUTPUT_NONE)
                return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT,
                                              "bad-sidechainpow-outputs", NULL);
            return true;
        }
        break;
    case ELA_TX_CRC_APPROPRIATION:
        if (tx->output_count > MAX_OUTPUTS)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-toomany",
                                          NULL);
        if (tx->output_count != 2 ||
            !ela_uint168_equal(&tx->outputs[0].program_hash, &ela_ph_cr_expenses) ||
            !ela_uint168_equal(&tx->outputs[1].program_hash, &ela_ph_cr_assets))
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT,
                                          "bad-appropriation-outputs", NULL);
        return check_output_list(st, p, tx, h);
    default:
        break;
    }
    if (type_has_no_outputs(t) || t == ELA_TX_ACTIVATE_PRODUCER) {
        if (tx->output_count > MAX_OUTPUTS)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-toomany",
                                          NULL);
        if (tx->output_count != 0)
            return ela_validation_invalid(st, ELA_ERR_INVALID_OUTPUT, "bad-txns-vout-not-empty",
                                          NULL);
        return true;
    }
    return check_output_count(st, tx) && check_output_list(st, p, tx, h);
}

/* ---- §4.1 step 6: attributes and programs --------------------------------------------------- */

/* How a type checks its attributes and programs (its CheckAttributeProgram). */
typedef enum attr_rule {
    AR_DEFAULT,        /* valid usages; >= 1 program; code >= 23; Schnorr gate */
    AR_DEFAULT_NO_SCHNORR_GATE,
    AR_NONE,           /* no programs and no attributes */
    AR_NO_PROGRAMS,    /* no programs, attributes unchecked (CoinBase) */
    AR_ONE_ONE,        /* 1 program, 1 attribute, valid usage, code >= 23 */
    AR_ONE_ONE_ANY_CODE, /* InactiveArbitrators: as AR_ONE_ONE without the code length */
    AR_SPONSOR,        /* RecordSponsor: no program, exactly 1 attribute */
    AR_ONE_PROGRAM,    /* valid usages; exactly 1 program; code >= 23 */
    AR_NOTHING,        /* nothing checked */
} attr_rule;

static attr_rule attribute_rule(const ela_params *p, const ela_tx *tx, uint32_t h)
{
    switch (ela_tx_type(tx)) {
    case ELA_TX_COINBASE:
        return AR_NO_PROGRAMS;
    case ELA_TX_SIDECHAIN_POW:
        return is_new_sidechain_pow(tx) ? AR_NONE : AR_DEFAULT_NO_SCHNORR_GATE;
    case ELA_TX_ACTIVATE_PRODUCER:
        return h <= p->nft_start_height ? AR_NONE : AR_NOTHING;
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE:
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE:
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE:
    case ELA_TX_NEXT_TURN_DPOS_INFO:
    case ELA_TX_REVERT_TO_POW:
    case ELA_TX_PROPOSAL_RESULT:
    case ELA_TX_CRC_APPROPRIATION:
    case ELA_TX_CR_ASSETS_RECTIFY:
    case ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW:
    case ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW:
    case ELA_TX_VOTES_REAL_WITHDRAW:
        return AR_NONE;
    case ELA_TX_INACTIVE_ARBITRATORS:
        return AR_ONE_ONE_ANY_CODE;
    case ELA_TX_UPDATE_VERSION:
    case ELA_TX_REVERT_TO_DPOS:
    case ELA_TX_NFT_DESTROY_FROM_SIDECHAIN:
        return AR_ONE_ONE;
    case ELA_TX_RECORD_SPONSOR:
        return AR_SPONSOR;
    case ELA_TX_RETURN_DEPOSIT_COIN:
        return h >= p->cr_voting_start_height ? AR_ONE_PROGRAM : AR_DEFAULT_NO_SCHNORR_GATE;
    case ELA_TX_RETURN_CR_DEPOSIT_COIN:
    case ELA_TX_CREATE_NFT:
    case ELA_TX_DPOSV2_CLAIM_REWARD:
    case ELA_TX_RETURN_VOTES:
    case ELA_TX_VOTING:
        return AR_ONE_PROGRAM;
    case ELA_TX_EXCHANGE_VOTES:
        /* >= 1 program in DPoS mode (exactly 1 in POW mode: the context check). */
        return AR_DEFAULT_NO_SCHNORR_GATE;
    case ELA_TX_CRC_PROPOSAL_WITHDRAW:
        if (tx->program_count != 0 && h < p->crc_proposal_withdraw_payload_v1_height)
            return AR_NONE; /* fails below: programs before the v1 height */
        return ela_tx_payload_version(tx) == 0 ? AR_NOTHING : AR_DEFAULT_NO_SCHNORR_GATE;
    default:
        return AR_DEFAULT;
    }
}

/* Exact program and attribute counts of the shape rules. */
static bool want_programs(ela_validation_state *st, const ela_tx *tx, size_t n)
{
    if (tx->program_count == n)
        return true;
    return ela_validation_invalid(st, ELA_ERR_ATTRIBUTE_PROGRAM, "bad-txns-program-count",
                                  "%zu programs", tx->program_count);
}

static bool want_attributes(ela_validation_state *st, const ela_tx *tx, size_t n)
{
    if (tx->attribute_count == n)
        return true;
    return ela_validation_invalid(st, ELA_ERR_ATTRIBUTE_PROGRAM, "bad-txns-attribute",
                                  "%zu attributes", tx->attribute_count);
}

static bool check_attributes_programs(ela_validation_state *st, const ela_params *p,
                                      const ela_tx *tx, uint32_t h)
{
    attr_rule rule = attribute_rule(p, tx, h);
    switch (rule) {
    case AR_NOTHING:
        return true;
    case AR_NO_PROGRAMS:
        return want_programs(st, tx, 0);
    case AR_NONE:
        return want_programs(st, tx, 0) && want_attributes(st, tx, 0);
    case AR_SPONSOR:
        return want_programs(st, tx, 0) && want_attributes(st, tx, 1);
    case AR_ONE_ONE:
    case AR_ONE_ONE_ANY_CODE:
        if (!want_programs(st, tx, 1) || !want_attributes(st, tx, 1))
            return false;
        break;
    case AR_ONE_PROGRAM:
        /* Voting, ReturnVotes and CreateNFT check the attributes first; the others the
         * program count first. Both fail with the same code, so one order serves all. */
        break;
    default:
        break;
    }

    for (size_t i = 0; i < tx->attribute_count; i++)
        if (!ela_attribute_usage_valid(tx->attributes[i].usage))
            return ela_validation_invalid(st, ELA_ERR_ATTRIBUTE_PROGRAM, "bad-txns-attribute",
                                          "usage 0x%02x", tx->attributes[i].usage);
    if (rule == AR_ONE_PROGRAM ? tx->program_count != 1 : tx->program_count == 0)
        return ela_validation_invalid(st, ELA_ERR_ATTRIBUTE_PROGRAM, "bad-txns-program-count",
                                      "%zu programs", tx->program_count);
    /* A nil code or parameter cannot come out of the parser (it makes empty byte strings), so
     * the reference's nil checks never fire; the length check does the work. */
    for (size_t i = 0; i < tx->program_count; i++) {
        const ela_bytes *code = &tx->programs[i].code;
        if (rule != AR_ONE_ONE_ANY_CODE && code->len < MIN_PROGRAM_CODE)
            return ela_validation_invalid(st, ELA_ERR_ATTRIBUTE_PROGRAM, "bad-txns-program",
                                          "program %zu code is %zu bytes", i, code->len);
        if (rule == AR_DEFAULT && h < p->normal_schnorr_start_height &&
            ela_contract_is_schnorr(code->data, code->len))
            return ela_validation_invalid(st, ELA_ERR_ATTRIBUTE_PROGRAM,
                                          "bad-txns-program-schnorr", "program %zu", i);
    }
    return true;
}

/* ---- §4.1 steps 7-8: payload ---------------------------------------------------------------- */

static int uint256_cmp(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(ela_uint256));
}

/* True when two of the n hashes are equal (v is sorted in place). */
static bool uint256_have_duplicate(ela_uint256 *v, size_t n)
{
    if (n < 2)
        return false;
    qsort(v, n, sizeof *v, uint256_cmp);
    for (size_t i = 1; i < n; i++)
        if (ela_uint256_equal(&v[i], &v[i - 1]))
            return true;
    return false;
}

/* Voting.Validate (§4.7.8); as for vote outputs, one reason covers every failure. */
static const char *voting_payload_error(const ela_payload_voting *v, uint8_t pv)
{
    if (pv == 0) {
        bool seen[256] = {false};
        const char *why = NULL;
        for (size_t i = 0; i < v->count && !why; i++) {
            const ela_votes_content *c = &v->contents[i];
            if (seen[c->vote_type])
                return "duplicate vote type";
            seen[c->vote_type] = true;
            if ((c->vote_type == ELA_VOTE_DELEGATE && c->count > MAX_VOTE_PRODUCERS) ||
                (c->vote_type == ELA_VOTE_DPOSV2 && c->count == 0))
                return "candidate count";
            if (c->vote_type > ELA_VOTE_DPOSV2)
                return "vote type";
            const ela_bytes **keys = ela_xmalloc((c->count ? c->count : 1) * sizeof *keys);
            for (size_t j = 0; j < c->count; j++) {
                keys[j] = &c->votes[j].candidate;
                if (c->votes[j].votes <= 0)
                    why = "candidate votes";
            }
            if (!why && bytes_have_duplicate(keys, c->count))
                why = "duplicate candidate";
            free(keys);
        }
        return why;
    }
    if (pv == 1 && v->count > 1) {
        /* Renewal candidates are never nil once parsed; only the refer keys are checked. */
        ela_uint256 *keys = ela_xmalloc(v->count * sizeof *keys);
        for (size_t i = 0; i < v->count; i++)
            keys[i] = v->renewals[i].refer_key;
        bool dup = uint256_have_duplicate(keys, v->count);
        free(keys);
        if (dup)
            return "duplicate refer key";
    }
    return NULL;
}

static bool check_payload(ela_validation_state *st, const ela_tx *tx)
{
    const ela_payload *pl = &tx->payload;
    switch (ela_tx_type(tx)) {
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE:
        /* The reference's check is a placeholder that always fails: such a tx can never be
         * valid. */
        return ela_validation_invalid(st, ELA_ERR_TRANSACTION_PAYLOAD, "bad-txns-payload-type",
                                      "IllegalSidechainEvidence is never accepted");
    case ELA_TX_REGISTER_ASSET: {
        const ela_payload_register_asset *a = &pl->u.register_asset;
        if (a->precision > 8)
            return ela_validation_invalid(st, ELA_ERR_TRANSACTION_PAYLOAD,
                                          "bad-asset-precision", "precision %u",
                                          (unsigned)a->precision);
        int64_t unit = 1;
        for (unsigned i = a->precision; i < 8; i++)
            unit *= 10;
        if (a->amount % unit != 0)
            return ela_validation_invalid(st, ELA_ERR_TRANSACTION_PAYLOAD,
                                          "bad-asset-precision", "amount %lld",
                                          (long long)a->amount);
        return true;
    }
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN: {
        /* Only payload v0 carries hashes. The reference's later CheckDuplicateSidechainTx
         * (ErrSidechainTxDuplicate) repeats this test and can never fire after it. */
        const ela_uint256_list *l = &pl->u.withdraw_from_sidechain.side_chain_tx_hashes;
        if (l->count < 2)
            return true;
        ela_uint256 *v = ela_xmemdup(l->items, l->count * sizeof *v);
        bool dup = uint256_have_duplicate(v, l->count);
        free(v);
        if (dup)
            return ela_validation_invalid(st, ELA_ERR_TRANSACTION_PAYLOAD,
                                          "bad-withdraw-duplicate-hash", NULL);
        return true;
    }
    case ELA_TX_VOTING: {
        const char *why = voting_payload_error(&pl->u.voting, pl->version);
        if (why)
            return ela_validation_invalid(st, ELA_ERR_TRANSACTION_PAYLOAD, "bad-voting-payload",
                                          "%s", why);
        return true;
    }
    default:
        return true;
    }
}

bool ela_tx_check_sanity(ela_validation_state *st, const ela_params *p, const ela_tx *tx,
                         uint32_t height)
{
    if (!ela_txcheck_height_version(st, p, tx, height))
        return false;
    if (tx->size == 0 || tx->size > p->max_block_context_size)
        return ela_validation_invalid(st, ELA_ERR_TRANSACTION_SIZE, "bad-txns-oversize",
                                      "%zu bytes", tx->size);
    if (!check_inputs(st, p, tx, height) || !check_outputs(st, p, tx, height))
        return false;
    /* §4.1 step 5, asset precision: every value must be a multiple of 10^(8 - 8) = 1. */
    if (!check_attributes_programs(st, p, tx, height))
        return false;
    /* §4.1 step 7: the payload object always matches the type here, because the parser
     * chooses the payload layout by the type byte. */
    if (tx->payload.tx_type != ela_tx_type(tx))
        return ela_validation_invalid(st, ELA_ERR_TRANSACTION_PAYLOAD, "bad-txns-payload-type",
                                      NULL);
    return check_payload(st, tx);
}

/* ---- §4.3 step 14, §4.4: programs --------------------------------------------------------- */

bool ela_txcheck_needs_signatures(const ela_tx *tx)
{
    switch (ela_tx_type(tx)) {
    case ELA_TX_CRC_PROPOSAL_WITHDRAW:
        return ela_tx_payload_version(tx) != 0;
    case ELA_TX_CR_ASSETS_RECTIFY:
    case ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW:
    case ELA_TX_NEXT_TURN_DPOS_INFO:
    case ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW:
    case ELA_TX_VOTES_REAL_WITHDRAW:
        return false;
    default:
        /* Types whose context check ends at their special check never reach step 14. */
        return !ela_txcheck_ends_at_special(tx);
    }
}

static int uint168_cmp(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(ela_uint168));
}

bool ela_txcheck_required_hashes(ela_validation_state *st, ela_uint168 **out, size_t *n,
                                 const ela_tx *tx, const ela_coin *refs)
{
    *out = NULL;
    *n = 0;
    size_t scripts = 0;
    for (size_t i = 0; i < tx->attribute_count; i++) {
        const ela_attribute *a = &tx->attributes[i];
        if (a->usage != ELA_ATTR_SCRIPT)
            continue;
        if (a->data.len != sizeof(ela_uint168))
            return ela_validation_invalid(st, ELA_ERR_TRANSACTION_SIGNATURE,
                                          "bad-txns-script-attribute", "attribute %zu is %zu "
                                          "bytes", i, a->data.len);
        scripts++;
    }
    size_t total = tx->input_count + scripts;
    ela_uint168 *v = ela_xmalloc((total ? total : 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < tx->input_count; i++)
        v[k++] = refs[i].out.program_hash;
    for (size_t i = 0; i < tx->attribute_count; i++)
        if (tx->attributes[i].usage == ELA_ATTR_SCRIPT)
            memcpy(v[k++].b, tx->attributes[i].data.data, sizeof(ela_uint168));
    /* A set: sorted, duplicates removed (the matcher orders by code hash anyway). */
    if (k > 1)
        qsort(v, k, sizeof *v, uint168_cmp);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || !ela_uint168_equal(&v[u - 1], &v[i]))
            v[u++] = v[i];
    *out = v;
    *n = u;
    return true;
}

bool ela_txcheck_programs(ela_validation_state *st, const ela_tx *tx, const ela_coin *refs)
{
    if (!ela_txcheck_needs_signatures(tx))
        return true;
    ela_uint168 *req;
    size_t n_req;
    if (!ela_txcheck_required_hashes(st, &req, &n_req, tx, refs))
        return false;
    ela_program_view *progs = ela_xmalloc((tx->program_count ? tx->program_count : 1) *
                                          sizeof *progs);
    for (size_t i = 0; i < tx->program_count; i++) {
        const ela_program *pr = &tx->programs[i];
        progs[i] = (ela_program_view){pr->code.data, pr->code.len, pr->parameter.data,
                                      pr->parameter.len};
    }
    ela_bytes msg = {0};
    ela_tx_signed_data(&msg, tx);
    const char *why = NULL;
    bool ok = ela_sigcheck_run_programs(req, n_req, progs, tx->program_count, msg.data, msg.len,
                                        &why);
    ela_bytes_clear(&msg);
    free(progs);
    free(req);
    if (ok)
        return true;
    if (why && strcmp(why, "sig: program count mismatch") == 0)
        return ela_validation_invalid(st, ELA_ERR_TRANSACTION_SIGNATURE,
                                      "bad-txns-program-count-mismatch", "%zu programs for %zu "
                                      "hashes", tx->program_count, n_req);
    return ela_validation_invalid(st, ELA_ERR_TRANSACTION_SIGNATURE, "bad-txns-signature", "%s",
                                  why ? why : "sig: failed");
}

/* ---- §4.5 finality -------------------------------------------------------------------------- */

bool ela_tx_is_final(const ela_tx *tx, uint32_t height)
{
    if (tx->lock_time == 0 || tx->lock_time < height)
        return true;
    /* OBSERVED (§4.5): the reference compares each sequence with MaxUint16, not MaxUint32. */
    for (size_t i = 0; i < tx->input_count; i++)
        if (tx->inputs[i].sequence != 0xffffu)
            return false;
    return true;
}
