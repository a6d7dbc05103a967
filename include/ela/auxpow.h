/* elad: merged mining with Bitcoin (spec/wire.md §2.3, §2.4): the legacy Bitcoin transaction,
 * the 80-byte Bitcoin header, the AuxPoW carried after every ELA header, and the AuxPoW check.
 *
 * The proof of work itself (the parent header hash against the ELA bits) is in pow.h. */
#ifndef ELA_AUXPOW_H
#define ELA_AUXPOW_H

#include <ela/ela.h>
#include <ela/serialize.h>
#include <ela/uint256.h>

/* The chain id ELA uses in the aux-chain slot computation (AuxPowChainID, every height). */
#define ELA_AUXPOW_CHAIN_ID 1224u
/* Per-field limit of Bitcoin scripts inside the AuxPoW coinbase. */
#define ELA_BTC_MAX_SCRIPT 10000u
#define ELA_BTC_HEADER_SIZE 80u
/* The merged-mining magic "\xfa\xbe" "mm" that precedes the aux root in the coinbase script. */
#define ELA_AUXPOW_MAGIC_0 0xfau
#define ELA_AUXPOW_MAGIC_1 0xbeu
#define ELA_AUXPOW_MAGIC_2 0x6du
#define ELA_AUXPOW_MAGIC_3 0x6du

typedef struct ela_btc_txin {
    ela_uint256 prev_hash;
    uint32_t prev_index;
    ela_bytes script; /* max ELA_BTC_MAX_SCRIPT */
    uint32_t sequence;
} ela_btc_txin;

typedef struct ela_btc_txout {
    int64_t value;
    ela_bytes script; /* max ELA_BTC_MAX_SCRIPT */
} ela_btc_txout;

/* A legacy (non-segwit) Bitcoin transaction. */
typedef struct ela_btc_tx {
    int32_t version;
    ela_btc_txin *inputs;
    size_t n_inputs;
    ela_btc_txout *outputs;
    size_t n_outputs;
    uint32_t lock_time;
    ela_uint256 hash; /* SHA256d of the serialization: set by read and ela_btc_tx_update_hash */
} ela_btc_tx;

/* The 80-byte Bitcoin block header. */
typedef struct ela_btc_header {
    uint32_t version;
    ela_uint256 prev;
    ela_uint256 merkle_root;
    uint32_t timestamp;
    uint32_t bits;
    uint32_t nonce;
} ela_btc_header;

/* The AuxPoW, fields in wire order. The zero-initialised struct is the "empty" AuxPoW of the
 * genesis block (132 bytes on the wire). */
typedef struct ela_auxpow {
    ela_btc_tx coinbase;          /* ParCoinbaseTx */
    ela_uint256 parent_hash;      /* ParentHash: stored, never checked */
    ela_uint256 *coinbase_branch; /* ParCoinBaseMerkle */
    size_t n_coinbase_branch;
    uint32_t coinbase_index;      /* ParMerkleIndex (not enforced) */
    ela_uint256 *aux_branch;      /* AuxMerkleBranch */
    size_t n_aux_branch;
    uint32_t aux_index;           /* AuxMerkleIndex */
    ela_btc_header parent_header; /* ParBlockHeader */
} ela_auxpow;

/* --- Bitcoin transaction --- */

/* Zeroes *tx (a valid empty transaction: version 0, no inputs or outputs). */
void ela_btc_tx_init(ela_btc_tx *tx);
/* Frees what *tx owns and zeroes it. A zeroed tx is a no-op. */
void ela_btc_tx_clear(ela_btc_tx *tx);
/* Reads a legacy Bitcoin tx and sets tx->hash. *tx is overwritten (it must hold nothing to
 * free); after a failure it holds nothing and r->err says why. Counts are compared with the
 * bytes left before anything is allocated. */
ELA_WARN_UNUSED_RESULT bool ela_btc_tx_read(ela_reader *r, ela_btc_tx *tx);
void ela_btc_tx_write(ela_writer *w, const ela_btc_tx *tx);
/* Recomputes tx->hash from the fields (after building or changing a tx). */
void ela_btc_tx_update_hash(ela_btc_tx *tx);
/* Appends an input with a copy of script[0..len) (grows tx->inputs). Does not rehash. */
void ela_btc_tx_add_input(ela_btc_tx *tx, const ela_uint256 *prev_hash, uint32_t prev_index,
                          const uint8_t *script, size_t len, uint32_t sequence);

/* --- Bitcoin header --- */

/* Reads 80 bytes. *h is zeroed on failure. */
ELA_WARN_UNUSED_RESULT bool ela_btc_header_read(ela_reader *r, ela_btc_header *h);
void ela_btc_header_write(ela_writer *w, const ela_btc_header *h);
/* The 80 serialized bytes into out. */
void ela_btc_header_serialize(uint8_t out[ELA_BTC_HEADER_SIZE], const ela_btc_header *h);
/* SHA256d of the 80 bytes (internal order): the hash the ELA proof of work is judged on. */
void ela_btc_header_hash(ela_uint256 *out, const ela_btc_header *h);

/* --- AuxPoW --- */

/* Zeroes *aux: the empty AuxPoW. */
void ela_auxpow_init(ela_auxpow *aux);
/* Frees what *aux owns and zeroes it. */
void ela_auxpow_clear(ela_auxpow *aux);
/* Reads an AuxPoW in the current field order (§2.3). *aux is overwritten; after a failure it
 * holds nothing and r->err says why. */
ELA_WARN_UNUSED_RESULT bool ela_auxpow_read(ela_reader *r, ela_auxpow *aux);
/* Parses exactly p[0..len) as an AuxPoW (trailing bytes are an error). On failure *aux holds
 * nothing and *why (if not NULL) says why. */
ELA_WARN_UNUSED_RESULT bool ela_auxpow_parse(ela_auxpow *aux, const uint8_t *p, size_t len,
                                             const char **why);
void ela_auxpow_write(ela_writer *w, const ela_auxpow *aux);
/* Deep copy; *dst must hold nothing on entry. */
void ela_auxpow_copy(ela_auxpow *dst, const ela_auxpow *src);

/* Builds the AuxPoW the reference's built-in miner produces for an ELA block hash (regnet and
 * early mainnet): a version-1 coinbase with one input whose script is
 * fabe6d6d || block_hash (internal order) || 01000000 || 00000000, no outputs; the parent
 * header has version 0x7fffffff, zero prev, merkle root = coinbase hash, the given timestamp,
 * bits 0 and nonce 0. Mining grinds aux->parent_header.nonce. *aux must hold nothing. */
void ela_auxpow_init_solo(ela_auxpow *aux, const ela_uint256 *block_hash, uint32_t timestamp);

/* The aux-chain slot a chain must occupy (Namecoin's LCG, all arithmetic on uint32):
 * r = nonce*1103515245+12345; r += chain_id; r = r*1103515245+12345; return r mod 2^h.
 * h must be < 32. */
uint32_t ela_auxpow_expected_index(uint32_t nonce, uint32_t chain_id, unsigned h);

/* The reference's AuxPow.Check (spec/wire.md §2.4), reproduced exactly, including the search
 * for the magic and the root in the HEX TEXT of TxIn[0]'s script (so matches at odd nibble
 * offsets count, and the size/nonce offset is the truncated half of the hex index).
 * aux->coinbase.hash must be current (it is after a read). block_hash is the ELA block id
 * (SHA256d of the 84-byte header, internal order). chain_id is ELA_AUXPOW_CHAIN_ID for ELA.
 *
 * Returns true when the AuxPoW commits to block_hash. Otherwise returns false and sets *why
 * (if not NULL) to one of these stable strings, checked in this order:
 *   "auxpow: coinbase merkle branch does not reach the parent merkle root"
 *   "auxpow: parent coinbase has no inputs"           (a Go panic: treated as invalid)
 *   "auxpow: merged-mining magic not found in coinbase script"
 *   "auxpow: chain merkle root not found"
 *   "auxpow: multiple merged-mining headers in coinbase"
 *   "auxpow: chain merkle root does not follow the magic"
 *   "auxpow: missing merkle size and nonce"          (fewer than 8 bytes after the root)
 *   "auxpow: aux merkle branch too long"             (>= 32 hashes: a Go division by zero)
 *   "auxpow: merkle size does not match branch length"
 *   "auxpow: wrong aux chain index"                  (slot differs from the expected index)
 * The proof of work is not checked here (ela_pow_check_auxpow in pow.h). No height-dependent
 * behaviour: every block is checked the same way. */
ELA_WARN_UNUSED_RESULT bool ela_auxpow_check(const ela_auxpow *aux, const ela_uint256 *block_hash,
                                             uint32_t chain_id, const char **why);

#endif /* ELA_AUXPOW_H */
