/* elad: transactions and blocks as the reference node's RPC prints them (spec/p2p-rpc.md §0,
 * §10.7.2): the TransactionInfo / TransactionContextInfo and BlockInfo objects of getblock,
 * getblockbyheight, getrawtransaction, getrawmempool and decoderawtransaction, and a serializer
 * that writes JSON byte for byte as the reference's Go encoder does.
 *
 * Every json_t returned here is a new reference the caller owns (json_decref). Object keys are
 * inserted in the reference's order, which jansson keeps. Strings taken from the wire are made
 * valid UTF-8 the way Go's encoder does it: every byte that does not start a well-formed UTF-8
 * sequence becomes U+FFFD (one per byte). */
#ifndef ELA_JSON_H
#define ELA_JSON_H

#include <jansson.h>

#include <ela/block.h>
#include <ela/ela.h>
#include <ela/tx.h>
#include <ela/uint256.h>

/* A JSON string of the bytes p[0..len) as Go's string(bytes) then json.Marshal would show it:
 * valid UTF-8 is kept, each byte of an ill-formed sequence becomes U+FFFD. Never NULL. */
json_t *ela_json_string_from_bytes(const uint8_t *p, size_t len);

/* A JSON string of a hash in display (byte-reversed) order. */
json_t *ela_json_uint256_display(const ela_uint256 *h);

/* A JSON string of an amount in the reference's Fixed64 text form ("1", "1.50000000"). */
json_t *ela_json_amount(int64_t sela);

/* The reference's block "difficulty": floor(target(pow_limit_bits) / target(bits)) in decimal,
 * where target() is the signed compact decoding (CompactToBig) and the division is Euclidean
 * as Go's big.Int.Div. Regnet/mainnet pow limit 0x1f0008ff with bits 0x1d03ffff gives "575".
 * When target(bits) is zero the reference panics; this returns "0". The caller frees the
 * string. */
char *ela_json_difficulty(uint32_t pow_limit_bits, uint32_t bits);

/* Where a transaction sits in the chain, for the four context fields of getrawtransaction,
 * getrawmempool "all" and getblock verbosity 2. */
typedef struct ela_json_tx_ctx {
    /* The block holding the transaction, or NULL for a mempool transaction: then the fields
     * are "blockhash":"", "confirmations":0, "time":0, "blocktime":0 and the rest is unused. */
    const ela_uint256 *block_hash;
    uint32_t block_height;
    uint32_t block_time; /* header timestamp: both "time" and "blocktime" */
    uint32_t tip_height; /* "confirmations" = tip_height - block_height + 1 (uint32, wraps) */
} ela_json_tx_ctx;

/* A transaction as the reference prints it. With ctx NULL: its TransactionInfo, the
 * decoderawtransaction result (txid, hash, size, vsize, version, type, payloadversion,
 * payload, attributes, vin, vout, locktime, programs). With ctx: its TransactionContextInfo,
 * the same followed by blockhash, confirmations, time and blocktime.
 *
 * The payload object is ela_payload_to_json_tx's (given the txid, which CreateNFT's "ID"
 * needs); each output's payload is
 * ela_json_output_payload's. Empty lists are [] (never null). An output whose program hash
 * has no address shows "address":"". Returns a new object the caller owns. */
json_t *ela_tx_to_json(const ela_tx *tx, const ela_json_tx_ctx *ctx);

/* The "payload" of an output as the reference prints it (its getOutputPayloadInfo):
 *  - transaction version < 9 (no output payload on the wire): null;
 *  - OTNone: {};  OTMapping: null (the reference has no case for it);
 *  - OTVote / OTDposV2Vote: {"version":n,"contents":[{"votetype":n,"candidates":[{"candidate":
 *    s,"votes":amount}...]}...]}, where an empty list, and the candidates of a vote type other
 *    than 0-4, are null; a candidate is hex for Delegate and DposV2, an address for CRC and
 *    CRCImpeachment, a display-order hash for CRCProposal. (A CRC/CRCImpeachment candidate that
 *    is not 21 bytes, or a CRCProposal one that is not 32, makes the reference panic; here it
 *    shows "".)
 *  - OTCrossChain: {"Version","TargetAddress","TargetAmount" (amount string),"TargetData" hex};
 *  - OTWithdrawFromSideChain: {"Version","GenesisBlockAddress","SideChainTransactionHash"
 *    (INTERNAL byte order, not reversed),"TargetData" hex};
 *  - OTReturnSideChainDepositCoin: {"Version","GenesisBlockAddress","DepositTransactionHash"
 *    (display order)};
 *  - OTStake: {"Version","StakeAddress" (address of the program hash)}.
 * Returns a new value the caller owns. */
json_t *ela_json_output_payload(const ela_output *o, uint8_t tx_version);

/* PowLimitBits of mainnet, testnet and regnet (InstantBlock regnet uses 0x207fffff). */
#define ELA_JSON_POW_LIMIT_BITS 0x1f0008ffu

/* Where a block sits in the chain, for getblock / getblockbyheight. */
typedef struct ela_json_block_ctx {
    /* Height of the current tip: "confirmations" = tip_height - height + 1 and "chainwork" =
     * 8 hex digits of the big-endian uint32 tip_height - height (both uint32, wrapping, as the
     * reference computes them; chainwork is not real chain work). */
    uint32_t tip_height;
    /* The block at height + 1 on the main chain, or NULL: "nextblockhash" is 64 zeros. */
    const ela_uint256 *next_hash;
    /* The network's PowLimitBits, for "difficulty" (see ela_json_difficulty). */
    uint32_t pow_limit_bits;
} ela_json_block_ctx;

/* A block as the reference's getblock prints it.
 *  - verbosity 0: a JSON string, the hex of the serialized block (ela_block_write; no DPoS
 *    confirm flag);
 *  - verbosity 2: BlockInfo with "tx" holding each transaction's TransactionContextInfo
 *    (ela_tx_to_json with this block as context);
 *  - any other verbosity: BlockInfo with "tx" holding the txids (display order).
 * BlockInfo keys in order: hash, confirmations, strippedsize, size, weight (4 * size), height,
 * version, versionhex (8 hex digits, big-endian), merkleroot, tx, time, mediantime (= time),
 * nonce, bits (a number), difficulty, chainwork, previousblockhash, nextblockhash, auxpow (hex of
 * the serialized AuxPoW), minerinfo (the first transaction's coinbase payload bytes as a
 * string; "" when the block has no coinbase first, where the reference panics).
 * b->size and every txid must be current (they are after ela_block_read/ela_block_update).
 * With ctx NULL the block is taken as the tip (confirmations 1, chainwork "00000000", no next
 * block) of a network with ELA_JSON_POW_LIMIT_BITS. Returns a new value the caller owns. */
json_t *ela_block_to_json(const ela_block *b, int verbosity, const ela_json_block_ctx *ctx);

/* Serializes j as the reference's RPC does (Go 1.20 encoding/json, json.Marshal): compact, keys
 * in insertion order, '<' '>' '&' as \u003c \u003e \u0026, U+2028/U+2029 as \u2028/\u2029,
 * control characters other than \n \r \t as \u00XX (lowercase hex), no escaping of '/'.
 * U+FFFD is written as the escape \ufffd, which is what Go prints for an invalid byte (a string
 * holding a genuine U+FFFD is the one case that then differs from the reference in bytes, not
 * in value). Reals are printed in Go's shortest float64 form. Returns a heap string the caller
 * frees, or NULL if j is NULL. */
char *ela_json_dumps(const json_t *j);

/* Length of the well-formed UTF-8 sequence at p[0..len) (len > 0), or 0 when the first byte
 * does not start one, by Go's utf8.DecodeRune rules: no overlong forms, no surrogates, nothing
 * above U+10FFFF. Shared by the JSON writer and the RPC request reader. */
size_t ela_utf8_seq_len(const uint8_t *p, size_t len);

#endif /* ELA_JSON_H */
