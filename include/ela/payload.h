/* elad: transaction payloads, one layout per transaction type and payload version
 * (spec/wire.md §3.2, §3.7).
 *
 * An ela_payload remembers the transaction type and payload version it was read with; the
 * transaction (ela_tx) keeps no separate copy of either. */
#ifndef ELA_PAYLOAD_H
#define ELA_PAYLOAD_H

#include <jansson.h>

#include <ela/dpos.h>
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

/* Per-field reader limits of the reference (spec/wire.md §3.7). */
#define ELA_PAYLOAD_MAX_DATA (1024u * 1024u)       /* coinbase/record content, draft data */
#define ELA_PAYLOAD_MAX_PUBKEY 33u                 /* compressed public key */
#define ELA_PAYLOAD_MAX_PUBKEY_SCRIPT 35u          /* tracking owner keys */
#define ELA_PAYLOAD_MAX_SIG 64u                    /* one raw signature */
#define ELA_PAYLOAD_MAX_SIG_SCRIPT 64001u          /* a signature script */
#define ELA_PAYLOAD_MAX_CODE 34003u                /* a (multisig) redeem script */
#define ELA_PAYLOAD_MAX_MESSAGE_DATA (800u * 1024u)
#define ELA_PAYLOAD_MAX_SG_OPINION_DATA (200u * 1024u)
#define ELA_PAYLOAD_MAX_BLOCK_CONTEXT 8000000u     /* evidence block headers */
#define ELA_PAYLOAD_MAX_BLOCK_CONFIRM 1000000u

/* A list of byte strings (public keys, signatures, custom ids). */
typedef struct ela_bytes_list {
    ela_bytes *items;
    size_t count;
} ela_bytes_list;

typedef struct ela_uint256_list {
    ela_uint256 *items;
    size_t count;
} ela_uint256_list;

typedef struct ela_uint168_list {
    ela_uint168 *items;
    size_t count;
} ela_uint168_list;

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

/* 0x05 SideChainPow. */
typedef struct ela_payload_sidechain_pow {
    ela_uint256 side_block_hash;
    ela_uint256 side_genesis_hash;
    uint32_t block_height;
    ela_bytes signature; /* max 1 MiB */
} ela_payload_sidechain_pow;

/* 0x07 WithdrawFromSideChain: PV 0 uses block_height, genesis_block_address and
 * side_chain_tx_hashes; PV 2 uses signers (one byte each); PV 1 and others are empty. */
typedef struct ela_payload_withdraw_from_sidechain {
    uint32_t block_height;
    ela_bytes genesis_block_address;
    ela_uint256_list side_chain_tx_hashes;
    ela_bytes signers;
} ela_payload_withdraw_from_sidechain;

typedef struct ela_crosschain_entry {
    ela_bytes address;
    uint64_t output_index;
    int64_t amount;
} ela_crosschain_entry;

/* 0x08 TransferCrossChainAsset: entries only for PV 0 (PV >= 1 is empty). */
typedef struct ela_payload_transfer_crosschain_asset {
    ela_crosschain_entry *entries;
    size_t count;
} ela_payload_transfer_crosschain_asset;

/* 0x09 RegisterProducer / 0x0b UpdateProducer. stake_until for PV >= 1; signature for PV 0, 1. */
typedef struct ela_payload_producer_info {
    ela_bytes owner_key;       /* max 34003 */
    ela_bytes node_public_key; /* max 34003 */
    ela_bytes nickname;
    ela_bytes url;
    uint64_t location;
    ela_bytes net_address;
    uint32_t stake_until;
    ela_bytes signature; /* max 64 */
} ela_payload_producer_info;

/* 0x0a CancelProducer. signature for PV 0 only. */
typedef struct ela_payload_process_producer {
    ela_bytes owner_key; /* max 34003 */
    ela_bytes signature; /* max 64 */
} ela_payload_process_producer;

/* 0x0d ActivateProducer. */
typedef struct ela_payload_activate_producer {
    ela_bytes node_public_key; /* max 33 */
    ela_bytes signature;       /* max 64 */
} ela_payload_activate_producer;

/* Evidence payloads carry DPoS proposals and votes as in include/ela/dpos.h. */
typedef struct ela_proposal_evidence {
    ela_dpos_proposal proposal;
    ela_bytes block_header; /* max 8,000,000 */
    uint32_t block_height;
} ela_proposal_evidence;

/* 0x0e IllegalProposalEvidence. */
typedef struct ela_payload_illegal_proposals {
    ela_proposal_evidence evidence;
    ela_proposal_evidence compare_evidence;
} ela_payload_illegal_proposals;

typedef struct ela_vote_evidence {
    ela_dpos_vote vote;
    ela_proposal_evidence proposal_evidence;
} ela_vote_evidence;

/* 0x0f IllegalVoteEvidence. */
typedef struct ela_payload_illegal_votes {
    ela_vote_evidence evidence;
    ela_vote_evidence compare_evidence;
} ela_payload_illegal_votes;

typedef struct ela_block_evidence {
    ela_bytes header;        /* max 8,000,000 */
    ela_bytes block_confirm; /* max 1,000,000 */
    ela_bytes_list signers;  /* each max 33 */
} ela_block_evidence;

/* 0x10 IllegalBlockEvidence. Wire order: coin_type, block_height, evidence.header,
 * compare_evidence.header, then confirm+signers of evidence, then of compare_evidence. */
typedef struct ela_payload_illegal_blocks {
    uint32_t coin_type;
    uint32_t block_height;
    ela_block_evidence evidence;
    ela_block_evidence compare_evidence;
} ela_payload_illegal_blocks;

/* 0x11 IllegalSidechainEvidence. */
typedef struct ela_payload_sidechain_illegal_data {
    uint8_t illegal_type;
    uint32_t height;
    ela_bytes illegal_signer; /* max 33 */
    ela_uint256 evidence_data_hash;
    ela_uint256 compare_evidence_data_hash;
    ela_bytes genesis_block_address;
    ela_bytes_list signs; /* each max 64 */
} ela_payload_sidechain_illegal_data;

/* 0x12 InactiveArbitrators. */
typedef struct ela_payload_inactive_arbitrators {
    ela_bytes sponsor; /* max 33 */
    uint32_t block_height;
    ela_bytes_list arbitrators; /* each max 33 */
} ela_payload_inactive_arbitrators;

/* 0x13 UpdateVersion. */
typedef struct ela_payload_update_version {
    uint32_t start_height;
    uint32_t end_height;
} ela_payload_update_version;

/* 0x14 NextTurnDPOSInfo: complete_cr_public_keys only for PV >= 1. All keys max 33. */
typedef struct ela_payload_next_turn_dpos_info {
    uint32_t working_height;
    ela_bytes_list cr_public_keys;
    ela_bytes_list dpos_public_keys;
    ela_bytes_list complete_cr_public_keys;
} ela_payload_next_turn_dpos_info;

typedef struct ela_proposal_result {
    ela_uint256 proposal_hash;
    uint16_t proposal_type;
    bool result; /* read: any non-zero byte is true */
} ela_proposal_result;

/* 0x15 ProposalResult. */
typedef struct ela_payload_proposal_result {
    ela_proposal_result *results;
    size_t count;
} ela_payload_proposal_result;

/* 0x21 RegisterCR / 0x23 UpdateCR. code and signature except for PV 2 and 3; did for PV >= 1. */
typedef struct ela_payload_cr_info {
    ela_bytes code; /* max 34003 */
    ela_uint168 cid;
    ela_uint168 did;
    ela_bytes nickname;
    ela_bytes url;
    uint64_t location;
    ela_bytes signature; /* max 64001 */
} ela_payload_cr_info;

/* 0x22 UnregisterCR. signature except for PV 1 and 2. */
typedef struct ela_payload_unregister_cr {
    ela_uint168 cid;
    ela_bytes signature; /* max 64001 */
} ela_payload_unregister_cr;

/* CRCProposal types (the u16 ProposalType). */
enum {
    ELA_CRC_PROPOSAL_NORMAL = 0x0000,
    ELA_CRC_PROPOSAL_ELIP = 0x0100,
    ELA_CRC_PROPOSAL_FLOW_ELIP = 0x0101,
    ELA_CRC_PROPOSAL_INFO_ELIP = 0x0102,
    ELA_CRC_PROPOSAL_MAINCHAIN_UPGRADE_CODE = 0x0200,
    ELA_CRC_PROPOSAL_DID_UPGRADE_CODE = 0x0201,
    ELA_CRC_PROPOSAL_ETH_UPGRADE_CODE = 0x0202,
    ELA_CRC_PROPOSAL_SECRETARY_GENERAL = 0x0400,
    ELA_CRC_PROPOSAL_CHANGE_OWNER = 0x0401,
    ELA_CRC_PROPOSAL_CLOSE = 0x0402,
    ELA_CRC_PROPOSAL_REGISTER_SIDECHAIN = 0x0410,
    ELA_CRC_PROPOSAL_RESERVE_CUSTOM_ID = 0x0500,
    ELA_CRC_PROPOSAL_RECEIVE_CUSTOM_ID = 0x0501,
    ELA_CRC_PROPOSAL_CHANGE_CUSTOM_ID_FEE = 0x0502,
};

typedef struct ela_crc_budget {
    uint8_t type; /* 0 Imprest, 1 NormalPayment, 2 FinalPayment */
    uint8_t stage;
    int64_t amount;
} ela_crc_budget;

typedef struct ela_crc_upgrade_code_info {
    uint32_t working_height;
    ela_bytes node_version;
    ela_bytes node_download_url;
    ela_uint256 node_bin_hash;
    bool force_upgrade;
} ela_crc_upgrade_code_info;

typedef struct ela_crc_sidechain_info {
    ela_bytes name;
    uint32_t magic_number;
    ela_uint256 genesis_hash;
    int64_t exchange_rate;
    uint32_t effective_height;
    ela_bytes resource_path;
} ela_crc_sidechain_info;

/* 0x25 CRCProposal: which members are on the wire depends on proposal_type (spec/wire.md §3.7
 * table); draft_data only for PV >= 1 and never for the upgrade-code types. */
typedef struct ela_payload_crc_proposal {
    uint16_t proposal_type;
    ela_bytes category_data;
    ela_bytes owner_key; /* max 33 */
    ela_uint256 draft_hash;
    ela_bytes draft_data; /* max 1 MiB */
    ela_crc_budget *budgets; /* default types */
    size_t budget_count;
    ela_uint168 recipient;                  /* default types */
    ela_uint256 target_proposal_hash;       /* ChangeProposalOwner, CloseProposal */
    ela_uint168 new_recipient;              /* ChangeProposalOwner */
    ela_bytes new_owner_key;                /* ChangeProposalOwner, max 33 */
    ela_bytes secretary_general_public_key; /* SecretaryGeneral, max 33 */
    ela_uint168 secretary_general_did;      /* SecretaryGeneral */
    /* Upgrade-code types. The reader always sets has_upgrade_code_info; the writer, like the
     * reference's, writes nothing for the info when it is false. */
    bool has_upgrade_code_info;
    ela_crc_upgrade_code_info upgrade_code_info;
    ela_crc_sidechain_info sidechain_info; /* RegisterSideChain */
    ela_bytes_list reserved_custom_ids;    /* ReserveCustomID */
    ela_bytes_list received_custom_ids;    /* ReceiveCustomID */
    ela_uint168 receiver_did;              /* ReceiveCustomID */
    int64_t rate_of_custom_id_fee;         /* ChangeCustomIDFee */
    uint32_t eid_effective_height;         /* ChangeCustomIDFee */
    ela_bytes signature;                   /* max 64 */
    ela_bytes new_owner_signature;         /* ChangeProposalOwner, max 64 */
    ela_bytes secretary_general_signature; /* SecretaryGeneral, max 64 */
    ela_uint168 cr_council_member_did;
    ela_bytes cr_council_member_signature; /* max 64 */
} ela_payload_crc_proposal;

/* 0x26 CRCProposalReview. opinion_data for PV >= 1. */
typedef struct ela_payload_crc_proposal_review {
    ela_uint256 proposal_hash;
    uint8_t vote_result; /* 0 approve, 1 reject, 2 abstain */
    ela_uint256 opinion_hash;
    ela_bytes opinion_data; /* max 1 MiB */
    ela_uint168 did;
    ela_bytes signature; /* max 64001 */
} ela_payload_crc_proposal_review;

/* 0x27 CRCProposalTracking. message_data and secretary_general_opinion_data for PV >= 1. */
typedef struct ela_payload_crc_proposal_tracking {
    ela_uint256 proposal_hash;
    ela_uint256 message_hash;
    ela_bytes message_data; /* max 800 KiB */
    uint8_t stage;
    ela_bytes owner_key;           /* max 35 */
    ela_bytes new_owner_key;       /* max 35 */
    ela_bytes owner_signature;     /* max 64 */
    ela_bytes new_owner_signature; /* max 64 */
    uint8_t tracking_type; /* 0 common .. 5 finalized */
    ela_uint256 secretary_general_opinion_hash;
    ela_bytes secretary_general_opinion_data; /* max 200 KiB */
    ela_bytes secretary_general_signature;    /* max 64 */
} ela_payload_crc_proposal_tracking;

/* 0x29 CRCProposalWithdraw. recipient and amount only for PV == 1. */
typedef struct ela_payload_crc_proposal_withdraw {
    ela_uint256 proposal_hash;
    ela_bytes owner_key; /* max 33 */
    ela_uint168 recipient;
    int64_t amount;
    ela_bytes signature; /* max 64001 */
} ela_payload_crc_proposal_withdraw;

/* 0x2a CRCProposalRealWithdraw and 0x61 DposV2ClaimRewardRealWithdraw. */
typedef struct ela_payload_real_withdraw {
    ela_uint256_list tx_hashes;
} ela_payload_real_withdraw;

/* 0x31 CRCouncilMemberClaimNode. */
typedef struct ela_payload_cr_claim_node {
    ela_bytes node_public_key; /* max 33 */
    ela_uint168 cr_council_committee_did;
    ela_bytes cr_council_committee_signature; /* max 64001 */
} ela_payload_cr_claim_node;

/* 0x41 RevertToPOW. */
typedef struct ela_payload_revert_to_pow {
    uint8_t type; /* 0 NoBlock, 1 NoProducers, 2 NoClaimDPOSNode */
    uint32_t working_height;
} ela_payload_revert_to_pow;

/* 0x42 RevertToDPOS. */
typedef struct ela_payload_revert_to_dpos {
    uint32_t work_height_interval;
    uint32_t revert_to_pow_block_height;
} ela_payload_revert_to_dpos;

/* 0x51 ReturnSideChainDepositCoin: signers (one byte each) only for PV 1. */
typedef struct ela_payload_return_sidechain_deposit {
    ela_bytes signers;
} ela_payload_return_sidechain_deposit;

/* 0x60 DposV2ClaimReward and 0x64 ReturnVotes: code and signature only for PV 0. */
typedef struct ela_payload_claim {
    ela_uint168 to_addr;
    ela_bytes code; /* max 34003 */
    int64_t value;
    ela_bytes signature; /* max 64001 */
} ela_payload_claim;

typedef struct ela_votes_with_locktime {
    ela_bytes candidate; /* max 34003 */
    int64_t votes;
    uint32_t lock_time;
} ela_votes_with_locktime;

typedef struct ela_votes_content {
    uint8_t vote_type;
    ela_votes_with_locktime *votes;
    size_t count;
} ela_votes_content;

typedef struct ela_renewal_votes_content {
    ela_uint256 refer_key;
    ela_votes_with_locktime votes;
} ela_renewal_votes_content;

/* 0x63 Voting. PV 0: contents; PV 1: renewals; both: count is the number of elements. Any
 * other PV: only the count is read, and the writer writes nothing at all, as the reference
 * does (so such a payload does not round-trip; its txid is over the re-serialized bytes). */
typedef struct ela_payload_voting {
    uint64_t count;
    ela_votes_content *contents;
    ela_renewal_votes_content *renewals;
} ela_payload_voting;

typedef struct ela_votes_real_withdraw {
    ela_uint256 return_votes_tx_hash;
    ela_uint168 stake_address;
    int64_t value;
} ela_votes_real_withdraw;

/* 0x65 VotesRealWithdraw. */
typedef struct ela_payload_votes_real_withdraw {
    ela_votes_real_withdraw *items;
    size_t count;
} ela_payload_votes_real_withdraw;

/* 0x66 RecordSponsor. */
typedef struct ela_payload_record_sponsor {
    ela_bytes sponsor; /* max 33 */
} ela_payload_record_sponsor;

/* 0x71 CreateNFT. Members after genesis_block_hash only for PV >= 1. */
typedef struct ela_payload_create_nft {
    ela_uint256 refer_key;
    ela_bytes stake_address;
    ela_uint256 genesis_block_hash;
    uint32_t start_height;
    uint32_t end_height;
    int64_t votes;
    int64_t vote_rights;
    ela_bytes target_owner_key; /* max 34003 */
} ela_payload_create_nft;

/* 0x72 NFTDestroyFromSideChain. */
typedef struct ela_payload_nft_destroy {
    ela_uint256_list ids;
    ela_uint168_list owner_stake_addresses;
    ela_uint256 genesis_block_hash;
} ela_payload_nft_destroy;

/* The types with an empty payload (0x02, 0x0c, 0x24, 0x28, 0x2b, 0x62) use no member. */
typedef struct ela_payload {
    uint8_t tx_type;
    uint8_t version;
    union {
        ela_payload_coinbase coinbase;
        ela_payload_register_asset register_asset;
        ela_payload_record record;
        ela_payload_sidechain_pow sidechain_pow;
        ela_payload_withdraw_from_sidechain withdraw_from_sidechain;
        ela_payload_transfer_crosschain_asset transfer_crosschain_asset;
        ela_payload_producer_info producer_info; /* 0x09 and 0x0b */
        ela_payload_process_producer process_producer;
        ela_payload_activate_producer activate_producer;
        ela_payload_illegal_proposals illegal_proposals;
        ela_payload_illegal_votes illegal_votes;
        ela_payload_illegal_blocks illegal_blocks;
        ela_payload_sidechain_illegal_data sidechain_illegal_data;
        ela_payload_inactive_arbitrators inactive_arbitrators;
        ela_payload_update_version update_version;
        ela_payload_next_turn_dpos_info next_turn_dpos_info;
        ela_payload_proposal_result proposal_result;
        ela_payload_cr_info cr_info; /* 0x21 and 0x23 */
        ela_payload_unregister_cr unregister_cr;
        ela_payload_crc_proposal crc_proposal;
        ela_payload_crc_proposal_review crc_proposal_review;
        ela_payload_crc_proposal_tracking crc_proposal_tracking;
        ela_payload_crc_proposal_withdraw crc_proposal_withdraw;
        ela_payload_real_withdraw real_withdraw; /* 0x2a and 0x61 */
        ela_payload_cr_claim_node cr_claim_node;
        ela_payload_revert_to_pow revert_to_pow;
        ela_payload_revert_to_dpos revert_to_dpos;
        ela_payload_return_sidechain_deposit return_sidechain_deposit;
        ela_payload_claim claim; /* 0x60 and 0x64 */
        ela_payload_voting voting;
        ela_payload_votes_real_withdraw votes_real_withdraw;
        ela_payload_record_sponsor record_sponsor;
        ela_payload_create_nft create_nft;
        ela_payload_nft_destroy nft_destroy;
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
/* As ela_payload_to_json, for a payload whose rendering needs its transaction's id: CreateNFT's
 * "ID" is SHA256d(ReferKey || txid). With txid NULL the ID is computed with a zero txid, so
 * transaction code should call this one. */
json_t *ela_payload_to_json_tx(const ela_payload *p, const ela_uint256 *txid);

/* Signatures a payload can carry, for ela_payload_write_signed_part. */
typedef enum ela_payload_signer {
    ELA_PAYLOAD_SIGNER_OWNER,     /* the payload's main signature (see below) */
    ELA_PAYLOAD_SIGNER_NEW_OWNER, /* CRCProposal ChangeProposalOwner; CRCProposalTracking */
    ELA_PAYLOAD_SIGNER_SECRETARY, /* CRCProposal SecretaryGeneral; CRCProposalTracking */
    ELA_PAYLOAD_SIGNER_CR_MEMBER, /* CRCProposal (every proposal type) */
} ela_payload_signer;

/* Writes the bytes that a payload signature covers, as the reference's checks build them (the
 * signature itself is ECDSA over SHA-256 of these bytes). Returns false, writing nothing, when
 * the type/version/proposal type carries no such signature.
 *
 *   0x05 SideChainPow          OWNER: SideBlockHash, SideGenesisHash, BlockHeight (68 bytes)
 *   0x09/0x0b ProducerInfo     OWNER: every field before Signature (PV 0, 1; for PV 2, 3 the
 *                              same fields are written though no payload signature exists)
 *   0x0a CancelProducer        OWNER: vb OwnerKey
 *   0x0d ActivateProducer      OWNER: vb NodePublicKey
 *   0x10 IllegalBlockEvidence  OWNER: CoinType, BlockHeight, both vb Headers (also its hash input)
 *   0x11 IllegalSidechainEv.   OWNER: every field before the Signs list (also its hash input)
 *   0x12 InactiveArbitrators   OWNER: vb Sponsor, BlockHeight (also its hash input)
 *   0x21/0x23 CRInfo           OWNER: [vb Code], CID, [DID], NickName, Url, Location
 *   0x22 UnregisterCR          OWNER: CID
 *   0x25 CRCProposal           OWNER, NEW_OWNER, SECRETARY: the unsigned body (ProposalType
 *                              through the last field before Signature); CR_MEMBER: everything
 *                              before CRCouncilMemberSignature (body, owner signature, new-owner
 *                              or secretary signature where present, CRCouncilMemberDID)
 *   0x26 CRCProposalReview     OWNER: every field before Signature (DID included)
 *   0x27 CRCProposalTracking   OWNER: ProposalHash .. NewOwnerKey; NEW_OWNER: that plus
 *                              vb OwnerSignature; SECRETARY: everything before
 *                              SecretaryGeneralSignature
 *   0x29 CRCProposalWithdraw   OWNER: every field before Signature
 *   0x31 CRCouncilMemberClaim  OWNER: vb NodePublicKey, CRCouncilCommitteeDID
 *   0x60/0x64 (PV 0 only)      OWNER: ToAddr, vb Code, Value
 */
ELA_WARN_UNUSED_RESULT bool ela_payload_write_signed_part(ela_writer *w, const ela_payload *p,
                                                          ela_payload_signer who);
/* ela_payload_write_signed_part(w, p, ELA_PAYLOAD_SIGNER_OWNER); writes nothing for a payload
 * without an owner signature. */
void ela_payload_write_unsigned(ela_writer *w, const ela_payload *p);

/* The hash the reference gives a payload where it has one: IllegalProposalEvidence and
 * IllegalVoteEvidence (SHA256d of the whole payload), IllegalBlockEvidence,
 * IllegalSidechainEvidence and InactiveArbitrators (SHA256d of the OWNER signed part), and
 * CRCProposal (SHA256d of the whole payload: the proposal hash). Returns false for others. */
ELA_WARN_UNUSED_RESULT bool ela_payload_hash(ela_uint256 *out, const ela_payload *p);

#endif /* ELA_PAYLOAD_H */
