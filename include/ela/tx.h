/* elad: the ELA transaction (spec/wire.md §3.1, §3.3-3.6): attributes, inputs, outputs with
 * their typed output payloads, programs, and the txid.
 *
 * Wire layout:
 *
 *   unsigned = [u8 version, only when >= 9] u8 tx_type u8 payload_version payload
 *              varint n || attribute[n]  varint n || input[n]  varint n || output[n]
 *              u32 lock_time
 *   tx       = unsigned || varint n || program[n]
 *
 * txid = SHA256d(unsigned); the same unsigned bytes are the message every program signs.
 * The transaction type and payload version are stored once, in payload.tx_type and
 * payload.version (see payload.h). Parsing does not depend on the block height.
 *
 * Ownership: an ela_tx owns every array and byte string it points to; each is a separate heap
 * block (ela_xmalloc family), so a builder may fill or replace fields one at a time and
 * ela_tx_clear releases whatever is there. After changing any field, call ela_tx_compute_hash. */
#ifndef ELA_TX_H
#define ELA_TX_H

#include <ela/ela.h>
#include <ela/payload.h>
#include <ela/serialize.h>
#include <ela/uint256.h>

/* The first transaction version that is written as a byte and whose outputs carry a type and
 * an output payload (TxVersion09). Any version byte >= 9 is accepted by the parser. */
#define ELA_TX_VERSION_09 0x09

/* Reader limits of the reference (core/contract/program, core/types/outputpayload). */
#define ELA_MAX_PROGRAM_PARAMETER 20000u
#define ELA_MAX_PROGRAM_CODE 10000u
#define ELA_MAX_VOTE_CANDIDATE 34003u /* crypto.MaxMultiSignCodeLength */
#define ELA_MAX_MAPPING_OWNER_KEY 34003u
#define ELA_MAX_MAPPING_SIDE_PRODUCER_ID 256u
#define ELA_MAX_MAPPING_SIGNATURE 64u
#define ELA_MAX_OUTPUT_TARGET_DATA 1024u

/* ---- attributes (§3.3) ---------------------------------------------------------------- */

enum {
    ELA_ATTR_NONCE = 0x00,
    ELA_ATTR_SCRIPT = 0x20,
    ELA_ATTR_MEMO = 0x81,
    ELA_ATTR_DESCRIPTION = 0x90,
    ELA_ATTR_DESCRIPTION_URL = 0x91,
    ELA_ATTR_CONFIRMATIONS = 0x92,
};

typedef struct ela_attribute {
    uint8_t usage;  /* one of ELA_ATTR_*; any other usage fails parsing */
    ela_bytes data; /* max 16 MiB (ELA_MAX_VAR_STRING) */
} ela_attribute;

/* True for the six usages the reference accepts. */
bool ela_attribute_usage_valid(uint8_t usage);
/* "Nonce", "Script", "Memo", "Description", "DescriptionUrl", "Confirmations", or NULL. */
const char *ela_attribute_usage_name(uint8_t usage);

/* ---- inputs (§3.4): 38 bytes each --------------------------------------------------------- */

typedef struct ela_input {
    ela_uint256 prev_txid; /* internal byte order */
    uint16_t prev_index;   /* u16 on the wire (spec/wire.md §8 item 5) */
    uint32_t sequence;
} ela_input;

/* ---- outputs (§3.5) ----------------------------------------------------------------------- */

enum {
    ELA_OUTPUT_NONE = 0,                     /* OTNone: no payload */
    ELA_OUTPUT_VOTE = 1,                     /* OTVote: ela_vote_output */
    ELA_OUTPUT_MAPPING = 2,                  /* OTMapping */
    ELA_OUTPUT_CROSSCHAIN = 3,               /* OTCrossChain */
    ELA_OUTPUT_WITHDRAW = 4,                 /* OTWithdrawFromSideChain */
    ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT = 5, /* OTReturnSideChainDepositCoin */
    ELA_OUTPUT_DPOSV2_VOTE = 6,              /* OTDposV2Vote: ela_vote_output as for type 1 */
    ELA_OUTPUT_STAKE = 7,                    /* OTStake: ExchangeVotesOutput */
};

/* Vote types of a vote content. Parsing accepts any byte; validation restricts it. */
enum {
    ELA_VOTE_DELEGATE = 0x00,
    ELA_VOTE_CRC = 0x01,
    ELA_VOTE_CRC_PROPOSAL = 0x02,
    ELA_VOTE_CRC_IMPEACHMENT = 0x03,
    ELA_VOTE_DPOSV2 = 0x04,
};

/* The reference's constant name of an output type ("OTNone" ... "OTStake"), or NULL. */
const char *ela_output_type_name(uint8_t type);
/* "Delegate", "CRC", "CRCProposal", "CRCImpeachment", "DposV2", or NULL. */
const char *ela_vote_type_name(uint8_t vote_type);

typedef struct ela_candidate_votes {
    ela_bytes candidate; /* max 34003 bytes */
    int64_t votes;       /* on the wire only when the vote output version >= 1; else 0 */
} ela_candidate_votes;

typedef struct ela_vote_content {
    uint8_t vote_type;
    size_t candidate_count;
    ela_candidate_votes *candidates;
} ela_vote_content;

/* VoteOutput (types 1 and 6). version 0: candidates only; 1 and above: each with votes.
 *
 * Divergence (spec/wire.md §3.5): the reference ignores the error of a failed candidate read
 * and carries on from wherever the stream is; this reader fails the transaction instead. The
 * two differ only on a candidate longer than 34003 bytes. */
typedef struct ela_vote_output {
    uint8_t version;
    size_t content_count;
    ela_vote_content *contents;
} ela_vote_output;

typedef struct ela_mapping_output {
    uint8_t version;
    ela_bytes owner_key;        /* max 34003 */
    ela_bytes side_producer_id; /* max 256 */
    ela_bytes signature;        /* max 64 */
} ela_mapping_output;

typedef struct ela_crosschain_output {
    uint8_t version;
    ela_bytes target_address; /* var-string, max 16 MiB */
    int64_t target_amount;
    ela_bytes target_data;    /* max 1024 */
} ela_crosschain_output;

typedef struct ela_withdraw_output {
    uint8_t version;
    ela_bytes genesis_block_address; /* var-string, max 16 MiB */
    ela_uint256 sidechain_txid;
    ela_bytes target_data;           /* max 1024 */
} ela_withdraw_output;

typedef struct ela_return_deposit_output {
    uint8_t version;
    ela_bytes genesis_block_address; /* var-string, max 16 MiB */
    ela_uint256 deposit_txid;
} ela_return_deposit_output;

typedef struct ela_stake_output {
    uint8_t version;
    ela_uint168 stake_address;
} ela_stake_output;

typedef struct ela_output {
    ela_uint256 asset_id;
    int64_t value; /* sela */
    uint32_t output_lock;
    ela_uint168 program_hash;
    /* type and payload are on the wire only when the transaction version is >= 9; a legacy
     * transaction's outputs have type ELA_OUTPUT_NONE. */
    uint8_t type;
    union {
        ela_vote_output vote;         /* ELA_OUTPUT_VOTE, ELA_OUTPUT_DPOSV2_VOTE */
        ela_mapping_output mapping;   /* ELA_OUTPUT_MAPPING */
        ela_crosschain_output crosschain;
        ela_withdraw_output withdraw;
        ela_return_deposit_output return_deposit;
        ela_stake_output stake;
    } payload;
} ela_output;

/* Frees what the output's payload owns and zeroes the whole output. */
void ela_output_clear(ela_output *o);

/* Writes one output as it appears in a transaction: asset id, value, lock, program hash, and
 * with v09 (the transaction version is >= 9) the type byte and the output payload. Without
 * v09 the output must be of type ELA_OUTPUT_NONE (asserted), as in ela_tx_write. */
void ela_output_write(ela_writer *w, const ela_output *o, bool v09);
/* Reads one output in the form ela_output_write produces. *o is overwritten (it must not own
 * anything); on failure it is zeroed (nothing to free) and r->err says why ("truncated",
 * "unknown output type", ...). */
ELA_WARN_UNUSED_RESULT bool ela_output_read(ela_reader *r, ela_output *o, bool v09);

/* ---- programs (§3.6) ---------------------------------------------------------------------- */

typedef struct ela_program {
    ela_bytes parameter; /* first on the wire; max 20000 */
    ela_bytes code;      /* max 10000 */
} ela_program;

/* ---- the transaction ---------------------------------------------------------------------- */

typedef struct ela_tx {
    uint8_t version;     /* 0 (legacy, no version byte) or >= 9 */
    ela_payload payload; /* also holds the tx type and payload version */
    size_t attribute_count;
    ela_attribute *attributes;
    size_t input_count;
    ela_input *inputs;
    size_t output_count;
    ela_output *outputs;
    uint32_t lock_time;
    size_t program_count;
    ela_program *programs;
    /* Derived: set by ela_tx_read and ela_tx_compute_hash, not serialized. */
    ela_uint256 txid;     /* SHA256d of the unsigned bytes, internal order */
    size_t size;          /* bytes of the whole serialization */
    size_t unsigned_size; /* bytes through lock_time */
} ela_tx;

static inline uint8_t ela_tx_type(const ela_tx *tx) { return tx->payload.tx_type; }
static inline uint8_t ela_tx_payload_version(const ela_tx *tx) { return tx->payload.version; }

/* Makes *tx an empty legacy CoinBase (version 0, every count 0, zero txid). To build another
 * type, set tx->version and call ela_payload_init(&tx->payload, type, payload_version). */
void ela_tx_init(ela_tx *tx);
/* Frees everything the transaction owns and leaves it as ela_tx_init does. A no-op on an
 * initialised, cleared or zeroed transaction. */
void ela_tx_clear(ela_tx *tx);

/* Reads one transaction starting at the reader's position and leaves the reader just after
 * it. *out is overwritten (it must not own anything); on success it is complete, including
 * txid, size and unsigned_size. On failure returns false, *out is as after ela_tx_init (nothing
 * to free) and r->err says why: a reader reason ("truncated", "non-canonical varint", "count
 * exceeds limit"), a payload reason ("unknown transaction type", ...), "unknown attribute
 * usage" or "unknown output type". Counts are checked against the bytes left before any
 * array is allocated.
 *
 * As in the reference, txid, size and unsigned_size are those of the transaction as it
 * re-serializes (ela_tx_write). That is the bytes read, hashed in place, except when the
 * payload held a value the reference accepts but writes differently (a bool byte > 1, written
 * back as 1): then the normalised serialization counts. */
ELA_WARN_UNUSED_RESULT bool ela_tx_read(ela_reader *r, ela_tx *out);

/* Parses p[0..len) as exactly one transaction. Fails as ela_tx_read does, and also when bytes
 * follow the transaction ("trailing bytes after transaction"). On failure *out is as after
 * ela_tx_init and *why (if not NULL) holds a static reason; on success *why is NULL. */
ELA_WARN_UNUSED_RESULT bool ela_tx_parse(ela_tx *out, const uint8_t *p, size_t len,
                                         const char **why);

/* Writes the whole transaction (unsigned part, then programs). For a transaction that
 * ela_tx_read produced this reproduces the bytes read (up to the payload normalisation noted
 * at ela_tx_read). The caller must keep the format representable: version 0 or >= 9, a
 * legacy transaction's type below 9 and its outputs of type ELA_OUTPUT_NONE, known output
 * types (asserted). */
void ela_tx_write(ela_writer *w, const ela_tx *tx);
/* Writes the unsigned part: everything through lock_time (the txid preimage and the message
 * every program signs). */
void ela_tx_write_unsigned(ela_writer *w, const ela_tx *tx);

/* Recomputes txid, size and unsigned_size from the fields, after building or modifying a
 * transaction. Costs one serialization of the unsigned part. */
void ela_tx_compute_hash(ela_tx *tx);

/* Sets *out (which must be clear; the caller clears it) to the signed data of every program:
 * the unsigned bytes. ECDSA signs SHA-256 of them, Schnorr SHA256d (spec/wire.md §4). */
void ela_tx_signed_data(ela_bytes *out, const ela_tx *tx);

/* True for a CoinBase transaction (type 0x00). Only the type is looked at: the shape of the
 * coinbase input is a validation matter (spec/consensus.md). */
bool ela_tx_is_coinbase(const ela_tx *tx);

#endif /* ELA_TX_H */
