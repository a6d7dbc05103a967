/* elad: transaction payloads, one layout per transaction type and payload version
 * (spec/wire.md §3.2, §3.7).
 *
 * An ela_payload remembers the transaction type and payload version it was read with; the
 * transaction (ela_tx) keeps no separate copy of either. */
#ifndef ELA_PAYLOAD_H
#define ELA_PAYLOAD_H

#include <jansson.h>

#include <ela/ela.h>
#include <ela/serialize.h>
#include <ela/uint256.h>

/* Transaction type codes (the TxType byte). */
enum {
    ELA_TX_COINBASE = 0x00,
    ELA_TX_REGISTER_ASSET = 0x01,
    ELA_TX_TRANSFER_ASSET = 0x02,
    ELA_TX_RECORD = 0x03,
    ELA_TX_DEPLOY = 0x04,
    ELA_TX_SIDECHAIN_POW = 0x05,
    ELA_TX_RECHARGE_TO_SIDECHAIN = 0x06,
    ELA_TX_WITHDRAW_FROM_SIDECHAIN = 0x07,
    ELA_TX_TRANSFER_CROSSCHAIN_ASSET = 0x08,
    ELA_TX_REGISTER_PRODUCER = 0x09,
    ELA_TX_CANCEL_PRODUCER = 0x0a,
    ELA_TX_UPDATE_PRODUCER = 0x0b,
    ELA_TX_RETURN_DEPOSIT_COIN = 0x0c,
    ELA_TX_ACTIVATE_PRODUCER = 0x0d,
    ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE = 0x0e,
    ELA_TX_ILLEGAL_VOTE_EVIDENCE = 0x0f,
    ELA_TX_ILLEGAL_BLOCK_EVIDENCE = 0x10,
    ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE = 0x11,
    ELA_TX_INACTIVE_ARBITRATORS = 0x12,
    ELA_TX_UPDATE_VERSION = 0x13,
    ELA_TX_NEXT_TURN_DPOS_INFO = 0x14,
    ELA_TX_PROPOSAL_RESULT = 0x15,
    ELA_TX_REGISTER_CR = 0x21,
    ELA_TX_UNREGISTER_CR = 0x22,
    ELA_TX_UPDATE_CR = 0x23,
    ELA_TX_RETURN_CR_DEPOSIT_COIN = 0x24,
    ELA_TX_CRC_PROPOSAL = 0x25,
    ELA_TX_CRC_PROPOSAL_REVIEW = 0x26,
    ELA_TX_CRC_PROPOSAL_TRACKING = 0x27,
    ELA_TX_CRC_APPROPRIATION = 0x28,
    ELA_TX_CRC_PROPOSAL_WITHDRAW = 0x29,
    ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW = 0x2a,
    ELA_TX_CR_ASSETS_RECTIFY = 0x2b,
    ELA_TX_CR_COUNCIL_MEMBER_CLAIM_NODE = 0x31,
    ELA_TX_REVERT_TO_POW = 0x41,
    ELA_TX_REVERT_TO_DPOS = 0x42,
    ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN = 0x51,
    ELA_TX_DPOSV2_CLAIM_REWARD = 0x60,
    ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW = 0x61,
    ELA_TX_EXCHANGE_VOTES = 0x62,
    ELA_TX_VOTING = 0x63,
    ELA_TX_RETURN_VOTES = 0x64,
    ELA_TX_VOTES_REAL_WITHDRAW = 0x65,
    ELA_TX_RECORD_SPONSOR = 0x66,
    ELA_TX_CREATE_NFT = 0x71,
    ELA_TX_NFT_DESTROY_FROM_SIDECHAIN = 0x72,
};

/* 0x00 CoinBase: PV is not interpreted. */
typedef struct ela_payload_coinbase {
    ela_bytes content; /* max 1 MiB */
} ela_payload_coinbase;

/* 0x01 RegisterAsset. */
typedef struct ela_payload_register_asset {
    ela_bytes name;
    ela_bytes description;
    uint8_t precision;
    uint8_t asset_type;
    uint8_t record_type;
    int64_t amount;
    ela_uint168 controller;
} ela_payload_register_asset;

/* 0x03 Record. */
typedef struct ela_payload_record {
    ela_bytes type;
    ela_bytes content; /* max 1 MiB */
} ela_payload_record;

typedef struct ela_payload {
    uint8_t tx_type;
    uint8_t version;
    union {
        ela_payload_coinbase coinbase;
        ela_payload_register_asset register_asset;
        ela_payload_record record;
    } u;
} ela_payload;

/* Name of a transaction type as the reference spells it ("CoinBase", "TransferAsset", …), or
 * NULL for a code that is not a transaction type. */
const char *ela_tx_type_name(uint8_t tx_type);

/* True when the reference can parse transactions of this type (0x04 Deploy and
 * 0x06 RechargeToSideChain cannot; neither can any code missing from the list). */
bool ela_payload_type_known(uint8_t tx_type);

/* Reads the payload of a tx_type / version. *out is fully initialised on return; after a
 * failure it holds nothing to free and r->err says why ("unknown transaction type" for an
 * unparseable type). */
ELA_WARN_UNUSED_RESULT bool ela_payload_read(ela_reader *r, ela_payload *out, uint8_t tx_type,
                                             uint8_t version);
/* Writes the payload exactly as read (byte-identical round trip). */
void ela_payload_write(ela_writer *w, const ela_payload *p);
/* Frees what the payload owns and zeroes it. */
void ela_payload_clear(ela_payload *p);
/* A zeroed payload of the given type and version, ready to be filled in. */
void ela_payload_init(ela_payload *p, uint8_t tx_type, uint8_t version);

/* The payload as the reference's getrawtransaction/getblock render it (its getPayloadInfo):
 * a new JSON value the caller owns, json_null() where the reference prints null. */
json_t *ela_payload_to_json(const ela_payload *p);

#endif /* ELA_PAYLOAD_H */
