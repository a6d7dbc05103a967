/* elad: MurmurHash3 and the BIP37-style bloom filter of ELA SPV, with the payloads that carry
 * it: filterload, filteradd and the ELA txfilter message (spec/p2p-rpc.md §3.10-3.12, §8;
 * spec/crosschain.md §6.2-6.3).
 *
 * This module holds the filter and its wire forms only. Which parts of a transaction are
 * matched (txid, output program hashes, outpoints, the side-chain mode of tweak 0xFFFFFFFF)
 * belongs to the filter-serving code that uses it. */
#ifndef ELA_BLOOM_H
#define ELA_BLOOM_H

#include <ela/ela.h>
#include <ela/serialize.h>

/* Largest filter a filterload may carry, in bytes (MaxFilterLoadFilterSize). */
#define ELA_BLOOM_MAX_FILTER_SIZE 36000u
/* Most hash functions a filterload may ask for (MaxFilterLoadHashFuncs). */
#define ELA_BLOOM_MAX_HASH_FUNCS 50u
/* The tweak that puts a filter in "side-chain SPV" mode (spec/crosschain.md §6.3). */
#define ELA_BLOOM_TWEAK_SIDECHAIN 0xFFFFFFFFu
/* Largest filteradd element (MAX_SCRIPT_ELEMENT_SIZE). */
#define ELA_FILTERADD_MAX_SIZE 520u
/* Largest data field of a txfilter message (MaxTxFilterLoadDataSize). */
#define ELA_TXFILTER_MAX_DATA_SIZE 50000u

/* MurmurHash3 x86_32 of p[0..len) with the given seed: the standard algorithm, as Bitcoin,
 * btcd and ELA use it for bloom filters. p may be NULL when len is 0. */
uint32_t ela_murmur3_32(uint32_t seed, const uint8_t *p, size_t len);

/* A bloom filter: exactly the fields of a filterload payload. Embedded by the caller; owns
 * filter and tx_types. tx_types is ELA's extension: a list of transaction type bytes, which
 * only the side-chain mode consults. */
typedef struct ela_bloom {
    ela_bytes filter;   /* the bit array; bit j is byte j>>3, mask 1<<(j&7) */
    uint32_t hash_funcs;
    uint32_t tweak;
    uint8_t flags;      /* carried on the wire, ignored by ELA's matching */
    ela_bytes tx_types; /* one byte per transaction type */
} ela_bloom;

/* Sizes an empty filter for `elements` items at false-positive rate `fprate` as the
 * reference's NewFilter does: fprate is clamped to [1e-9, 1] (so 0 becomes 1e-9), the bit
 * count -n*ln(p)/ln(2)^2 is truncated, capped at 8*ELA_BLOOM_MAX_FILTER_SIZE and divided by
 * 8 (integer division) to give bytes, and hash_funcs = trunc(bytes*8/n*ln 2) capped at
 * ELA_BLOOM_MAX_HASH_FUNCS. Float-to-integer conversions that fall outside uint32 (or are
 * NaN, as for elements 0) behave as the reference's Go on amd64: through int64, keeping the
 * low 32 bits. So elements 0 gives an empty filter with 0 hash functions, which matches
 * everything. tx_types starts empty. *bf is overwritten; release it with ela_bloom_clear. */
void ela_bloom_init(ela_bloom *bf, uint32_t elements, double fprate, uint32_t tweak,
                    uint8_t flags);
/* Frees what *bf owns and zeroes it. A zeroed ela_bloom is a no-op. */
void ela_bloom_clear(ela_bloom *bf);
/* Replaces the tx-type list with a copy of types[0..n). */
void ela_bloom_set_tx_types(ela_bloom *bf, const uint8_t *types, size_t n);

/* Sets the hash_funcs bits of p[0..len): bit murmur3(i*0xFBA4C795 + tweak, p) mod 8*filter.len
 * for i in [0, hash_funcs). A filter with no hash functions is left unchanged. It is a caller
 * bug (assert) to use a filter with hash functions but no bytes; ela_bloom_init and
 * ela_bloom_read never produce one. */
void ela_bloom_add(ela_bloom *bf, const uint8_t *p, size_t len);
/* True when every one of the hash_funcs bits of p[0..len) is set: "possibly present". As in
 * the reference, a filter with 0 hash functions matches everything. Same precondition as
 * ela_bloom_add. */
bool ela_bloom_match(const ela_bloom *bf, const uint8_t *p, size_t len);

/* Reads a filterload payload at the reader's position: varbytes filter (at most
 * ELA_BLOOM_MAX_FILTER_SIZE, "filter too large"), u32 hash_funcs (at most
 * ELA_BLOOM_MAX_HASH_FUNCS, "too many hash funcs"), u32 tweak, u8 flags, then varint count and
 * that many tx-type bytes. The tx-type list is optional: when the reader is exhausted right
 * after flags it is empty (the format before the extension). Any other shortfall is
 * "truncated": unlike the reference, a short count or a list shorter than its count is
 * rejected rather than accepted as a partial list. An empty filter with hash functions is
 * rejected ("empty filter with hash funcs"; the reference would divide by zero on it). Bytes
 * after the list are left unread. *bf is overwritten; on failure it holds nothing and r->err
 * says why. */
ELA_WARN_UNUSED_RESULT bool ela_bloom_read(ela_reader *r, ela_bloom *bf);
/* Parses exactly p[0..len) as a filterload payload; trailing bytes are an error ("trailing
 * bytes"; the reference ignores them). On failure *bf holds nothing and *why (if not NULL)
 * says why. */
ELA_WARN_UNUSED_RESULT bool ela_bloom_parse(ela_bloom *bf, const uint8_t *p, size_t len,
                                            const char **why);
/* Writes the filterload payload, always with the tx-type count (0 when the list is empty), as
 * the current reference does. A filter over ELA_BLOOM_MAX_FILTER_SIZE bytes or with more than
 * ELA_BLOOM_MAX_HASH_FUNCS hash functions is a caller bug (assert). */
void ela_bloom_write(ela_writer *w, const ela_bloom *bf);

/* Parses exactly p[0..len) as a filteradd payload: varbytes element of at most
 * ELA_FILTERADD_MAX_SIZE bytes. *out must be clear on entry; on success it holds a copy of the
 * element (the caller clears it), on failure it is clear and *why (if not NULL) says why. */
ELA_WARN_UNUSED_RESULT bool ela_filteradd_parse(ela_bytes *out, const uint8_t *p, size_t len,
                                                const char **why);
/* Writes a filteradd payload. An element over ELA_FILTERADD_MAX_SIZE is a caller bug. */
void ela_filteradd_write(ela_writer *w, const uint8_t *p, size_t len);

/* txfilter filter types (spec/crosschain.md §6.4). */
enum ela_txfilter_type {
    ELA_TXFILTER_BLOOM = 0,
    ELA_TXFILTER_DPOS = 1,
    ELA_TXFILTER_NEXT_TURN_DPOS_INFO = 2,
    ELA_TXFILTER_CUSTOM_ID = 3,
    ELA_TXFILTER_UPGRADE = 4,
    ELA_TXFILTER_RETURN_SIDECHAIN_DEPOSIT = 5,
};

/* The payload of a txfilter message: a filter type and its data (for every type above, a
 * filterload payload, parsed with ela_bloom_parse). Embedded; owns data. */
typedef struct ela_txfilter {
    uint8_t type;
    ela_bytes data;
} ela_txfilter;

/* Frees data and zeroes *tf. A zeroed ela_txfilter is a no-op. */
void ela_txfilter_clear(ela_txfilter *tf);
/* True for the types the reference serves (0..5). The message decodes with any type; the
 * reference disconnects a peer that loads an unknown one. */
bool ela_txfilter_type_known(uint8_t type);
/* Reads u8 type then varbytes data of at most ELA_TXFILTER_MAX_DATA_SIZE bytes ("count
 * exceeds limit"). The data is not interpreted. *tf is overwritten; on failure it holds
 * nothing and r->err says why. */
ELA_WARN_UNUSED_RESULT bool ela_txfilter_read(ela_reader *r, ela_txfilter *tf);
/* Parses exactly p[0..len) as a txfilter payload ("trailing bytes" otherwise). On failure *tf
 * holds nothing and *why (if not NULL) says why. */
ELA_WARN_UNUSED_RESULT bool ela_txfilter_parse(ela_txfilter *tf, const uint8_t *p, size_t len,
                                               const char **why);
/* Writes the payload. Data over ELA_TXFILTER_MAX_DATA_SIZE is a caller bug (assert). */
void ela_txfilter_write(ela_writer *w, const ela_txfilter *tf);
/* Writes a txfilter payload of the given type whose data is bf's filterload payload (the
 * vector's "txfilter type 0/5" form). A filterload payload over ELA_TXFILTER_MAX_DATA_SIZE
 * (a tx-type list of thousands) is a caller bug (assert). */
void ela_txfilter_write_bloom(ela_writer *w, uint8_t type, const ela_bloom *bf);

#endif /* ELA_BLOOM_H */
