/* elad: the BPoS/CR state of a node that tracks none (include/ela/txcheck.h
 * ela_state_ops_null): it answers what the parameters alone decide and refuses the rest with
 * ELA_REASON_NEEDS_STATE, so nothing that depends on state is ever accepted by guesswork. */
#include <ela/txcheck.h>

#include <ela/block.h>
#include <ela/payload.h>

#include <assert.h>
#include <string.h>

/* tip < CRCOnlyDPOSHeight - 1 in the reference's u32 arithmetic (so a height of 0 wraps and
 * never ends the origin-arbiter era). */
static bool before_crc_arbiters(const ela_params *p, uint32_t tip)
{
    return tip < (uint32_t)(p->crc_only_dpos_height - 1);
}

static int null_consensus_mode(void *ctx)
{
    (void)ctx;
    return ELA_CONSENSUS_DPOS;
}

/* The reference's GetCrossChainArbiters returns the current arbiters while the tip is below
 * CRCOnlyDPOSHeight - 1, and those are the origin arbiters of the parameters (initArbitrators;
 * an origin arbiter is always normal). From there on the list is the CRC arbiters, whose
 * normal flags and claimed node keys are CR state. */
static bool null_crosschain_arbiters(void *ctx, uint8_t (*keys)[ELA_PUBKEY_SIZE], bool *normal,
                                     size_t *n, size_t max, uint32_t tip)
{
    const ela_params *p = ctx;
    *n = 0;
    if (!before_crc_arbiters(p, tip) || p->n_origin_arbiters > max)
        return false;
    for (size_t i = 0; i < p->n_origin_arbiters; i++) {
        memcpy(keys[i], p->origin_arbiters[i], ELA_PUBKEY_SIZE);
        normal[i] = true;
    }
    *n = p->n_origin_arbiters;
    return true;
}

/* GetOnDutyCrossChainArbitrator below CRCOnlyDPOSHeight - 1 is GetOnDutyArbitrator, which for a
 * block height below CRCOnlyDPOSHeight takes the origin arbiters in parameter order at index
 * (height - 1) % count with height = tip + 1 (dpos/state getNextOnDutyArbitratorV0). Later the
 * duty index and the CRC arbiters' state decide. */
static bool null_onduty_crosschain_arbiter(void *ctx, uint8_t key[ELA_PUBKEY_SIZE], uint32_t tip)
{
    const ela_params *p = ctx;
    if (!before_crc_arbiters(p, tip) || p->n_origin_arbiters == 0)
        return false;
    memcpy(key, p->origin_arbiters[tip % p->n_origin_arbiters], ELA_PUBKEY_SIZE);
    return true;
}

static bool null_check_tx(void *ctx, ela_validation_state *st, const ela_tx *tx,
                          const ela_coin *refs, uint32_t height)
{
    (void)ctx;
    (void)refs;
    /* Called for the §4.7.8 types and for the vote outputs of a TransferAsset. */
    int code = ela_tx_type(tx) == ELA_TX_TRANSFER_ASSET ? ELA_ERR_INVALID_OUTPUT
                                                         : ELA_ERR_TRANSACTION_PAYLOAD;
    return ela_validation_invalid(st, code, ELA_REASON_NEEDS_STATE,
                                  "tx type 0x%02x at height %u", (unsigned)ela_tx_type(tx),
                                  (unsigned)height);
}

static bool null_check_block(void *ctx, ela_validation_state *st, const struct ela_block *block,
                             uint32_t height)
{
    const ela_params *p = ctx;
    (void)block;
    if (height >= p->crc_only_dpos_height)
        return ela_validation_invalid(st, ELA_ERR_INTERNAL, ELA_REASON_NEEDS_STATE,
                                      "block %u is in the DPoS era", (unsigned)height);
    return true;
}

static bool null_check_coinbase(void *ctx, ela_validation_state *st, const ela_tx *coinbase,
                                int64_t total, int64_t total_fee, uint32_t height)
{
    (void)ctx;
    (void)coinbase;
    (void)total;
    (void)total_fee;
    return ela_validation_invalid(st, ELA_ERR_INTERNAL, ELA_REASON_NEEDS_STATE,
                                  "coinbase reward at height %u", (unsigned)height);
}

static void null_connect_block(void *ctx, ela_bytes *undo, const struct ela_block *block,
                               uint32_t height)
{
    (void)ctx;
    (void)undo;
    (void)block;
    (void)height;
}

static bool null_disconnect_block(void *ctx, const struct ela_block *block, uint32_t height,
                                  const uint8_t *undo, size_t undo_len)
{
    (void)ctx;
    (void)block;
    (void)height;
    (void)undo;
    (void)undo_len;
    return true;
}

void ela_state_ops_null(ela_state_ops *out, const ela_params *params)
{
    assert(params != NULL);
    memset(out, 0, sizeof *out);
    out->ctx = (void *)params;
    out->consensus_mode = null_consensus_mode;
    out->crosschain_arbiters = null_crosschain_arbiters;
    out->onduty_crosschain_arbiter = null_onduty_crosschain_arbiter;
    out->check_tx = null_check_tx;
    out->check_block = null_check_block;
    out->check_coinbase = null_check_coinbase;
    out->connect_block = null_connect_block;
    out->disconnect_block = null_disconnect_block;
    out->deposit_address_registered = NULL; /* "cannot say" */
}
