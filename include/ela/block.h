/* elad: the ELA block (spec/wire.md §2.1, §2.2, §2.6-2.8): the 84-byte header and its hash,
 * the full header (84 bytes + AuxPoW + one trailer byte), the block with its u32 transaction
 * count, the DPoS Confirm, and the DposBlock a P2P `block` message carries.
 *
 * Wire layout:
 *
 *   header84    = u32 version, H256 prev, H256 merkle_root, u32 timestamp, u32 bits,
 *                 u32 nonce, u32 height
 *   header_full = header84 || AuxPoW || u8 trailer (read: any value; write: 0x01)
 *   block       = header_full || u32 tx_count || tx[tx_count]
 *   dpos_block  = block || bool have_confirm || [confirm]
 *   confirm     = proposal || u64 vote_count || vote[vote_count]
 *
 * Block id = SHA256d(header84): the AuxPoW and the trailer are not covered. */
#ifndef ELA_BLOCK_H
#define ELA_BLOCK_H

#include <ela/auxpow.h>
#include <ela/dpos.h>
#include <ela/ela.h>
#include <ela/serialize.h>
#include <ela/tx.h>
#include <ela/uint256.h>

#define ELA_HEADER_BASE_SIZE 84u
/* Format limits (elanet/pact/protocol.go): parse-level bounds, also enforced by sanity. */
#define ELA_MAX_TX_PER_BLOCK 10000u
#define ELA_MAX_BLOCK_HEADER_SIZE 1000000u
#define ELA_MAX_BLOCK_SIZE 9000000u /* MaxBlockContextSize + MaxBlockHeaderSize */
#define ELA_MAX_TX_SIZE 8000000u
/* DPoS field limits. */

typedef struct ela_block_header {
    uint32_t version;
    ela_uint256 prev;
    ela_uint256 merkle_root;
    uint32_t timestamp;
    uint32_t bits;
    uint32_t nonce;
    uint32_t height;
    ela_auxpow auxpow;
    /* Derived: SHA256d of the 84 base bytes, set by read and ela_block_header_update_hash. */
    ela_uint256 hash;
} ela_block_header;

typedef struct ela_block {
    ela_block_header header;
    ela_tx *txs;
    size_t n_txs;
    size_t size; /* bytes of the serialization; set by read (and ela_block_update) */
} ela_block;

typedef struct ela_confirm {
    ela_dpos_proposal proposal;
    ela_dpos_vote *votes;
    size_t n_votes;
} ela_confirm;

typedef struct ela_dpos_block {
    ela_block block;
    bool have_confirm;
    ela_confirm confirm; /* zeroed when !have_confirm */
} ela_dpos_block;

/* ---- header ---- */

/* Zeroes *h (empty AuxPoW). */
void ela_block_header_init(ela_block_header *h);
/* Frees the AuxPoW and zeroes *h. */
void ela_block_header_clear(ela_block_header *h);
/* The 84 base bytes into out. */
void ela_block_header_serialize_base(uint8_t out[ELA_HEADER_BASE_SIZE], const ela_block_header *h);
/* Recomputes h->hash (the block id) from the base fields. */
void ela_block_header_update_hash(ela_block_header *h);
/* Reads header_full (84 bytes, AuxPoW, trailer byte of any value) and sets h->hash. *h is
 * overwritten; on failure it holds nothing and r->err says why. */
ELA_WARN_UNUSED_RESULT bool ela_block_header_read(ela_reader *r, ela_block_header *h);
/* Reads only the 84 base bytes (hash set, empty AuxPoW). */
ELA_WARN_UNUSED_RESULT bool ela_block_header_read_base(ela_reader *r, ela_block_header *h);
/* Writes header_full with trailer 0x01. */
void ela_block_header_write(ela_writer *w, const ela_block_header *h);
/* SHA256d of header_full (the reference's HashWithAux: used by DPoS code, never as an id). */
void ela_block_header_hash_with_aux(ela_uint256 *out, const ela_block_header *h);

/* ---- block ---- */

void ela_block_init(ela_block *b);
/* Frees the transactions and the AuxPoW and zeroes *b. */
void ela_block_clear(ela_block *b);
/* Reads a block at the reader's position (not a DposBlock: no confirm flag). Enforces the
 * format limits: tx count <= ELA_MAX_TX_PER_BLOCK and no larger than the bytes left allow,
 * header_full <= ELA_MAX_BLOCK_HEADER_SIZE, each tx <= ELA_MAX_TX_SIZE, block <=
 * ELA_MAX_BLOCK_SIZE. A tx count of 0 parses (block sanity rejects it). Sets the header
 * hash, every txid and b->size. *b is overwritten; on failure it holds nothing and r->err
 * says why ("too many transactions", "block too large", "header too large", "tx too large",
 * or a tx/reader reason). */
ELA_WARN_UNUSED_RESULT bool ela_block_read(ela_reader *r, ela_block *b);
/* Parses exactly p[0..len) as a block; trailing bytes are an error ("trailing bytes"). On
 * failure *b holds nothing and *why (if not NULL) says why. */
ELA_WARN_UNUSED_RESULT bool ela_block_parse(ela_block *b, const uint8_t *p, size_t len,
                                            const char **why);
/* Writes the block (trailer 0x01). Byte-identical to what ela_block_read consumed when the
 * trailer byte read was 0x01. */
void ela_block_write(ela_writer *w, const ela_block *b);
/* The merkle root over the txids (which must be current). False for a block without txs. */
ELA_WARN_UNUSED_RESULT bool ela_block_compute_merkle_root(ela_uint256 *out, const ela_block *b);
/* After building a block: recomputes every txid, the merkle root into the header, the header
 * hash and b->size. */
void ela_block_update(ela_block *b);
/* Appends a transaction, taking over what *tx owns (and leaving *tx initialised). */
void ela_block_add_tx(ela_block *b, ela_tx *tx);

/* ---- DPoS confirm ---- */

void ela_confirm_init(ela_confirm *c);
void ela_confirm_clear(ela_confirm *c);
/* Reads a Confirm: proposal, u64 vote count (bounded by the bytes left), votes. *c is
 * overwritten; on failure it holds nothing and r->err says why. */
ELA_WARN_UNUSED_RESULT bool ela_confirm_read(ela_reader *r, ela_confirm *c);
void ela_confirm_write(ela_writer *w, const ela_confirm *c);

/* ---- DposBlock (P2P `block` message) ---- */

void ela_dpos_block_init(ela_dpos_block *d);
void ela_dpos_block_clear(ela_dpos_block *d);
/* Reads block || bool have_confirm || [confirm]. As ela_block_read on failure. */
ELA_WARN_UNUSED_RESULT bool ela_dpos_block_read(ela_reader *r, ela_dpos_block *d);
/* Parses exactly p[0..len) as a DposBlock; trailing bytes are an error. */
ELA_WARN_UNUSED_RESULT bool ela_dpos_block_parse(ela_dpos_block *d, const uint8_t *p, size_t len,
                                                 const char **why);
void ela_dpos_block_write(ela_writer *w, const ela_dpos_block *d);

#endif /* ELA_BLOCK_H */
