/* elad: merkle trees (spec/wire.md §7): the transaction merkle root, merkle branches, the BIP37
 * partial merkle tree of the `merkleblock` message, and the MerkleProof form used by SPV
 * clients and arbiters. All hashes are in internal byte order; a node is SHA256d(left || right). */
#ifndef ELA_MERKLE_H
#define ELA_MERKLE_H

#include <ela/ela.h>
#include <ela/serialize.h>
#include <ela/uint256.h>

/* Deepest tree a branch can describe (2^32 leaves). */
#define ELA_MERKLE_MAX_DEPTH 32
/* Format limits of the merkleblock / MerkleProof forms (MaxTxPerBlock, MaxTxPerBlock/8). */
#define ELA_MERKLE_MAX_HASHES 10000u
#define ELA_MERKLE_MAX_FLAGS 1250u

/* SHA256d(left || right). */
void ela_merkle_parent(ela_uint256 *out, const ela_uint256 *left, const ela_uint256 *right);

/* The transaction merkle root of leaves[0..n) (Bitcoin rule: an odd level duplicates its last
 * node; a single leaf is its own root). Returns false (and zeroes *out) when n == 0. */
ELA_WARN_UNUSED_RESULT bool ela_merkle_root(ela_uint256 *out, const ela_uint256 *leaves, size_t n);

/* Folds a branch onto a leaf (the reference's GetMerkleRoot): for each branch hash b, with the
 * low bit of index set the node becomes SHA256d(b || x), otherwise SHA256d(x || b); index is
 * shifted right after each step, so bits beyond n are ignored. */
void ela_merkle_branch_root(ela_uint256 *out, const ela_uint256 *leaf, const ela_uint256 *branch,
                            size_t n, uint32_t index);

/* The branch of leaf pos in the tree over leaves[0..n) (pos < n): siblings from the bottom up
 * into branch[] (room for ELA_MERKLE_MAX_DEPTH), their number into *n_branch and the index into
 * *index in the form the reference's GetTxMerkleBranch produces: at a level where the node has
 * no right sibling the node itself is the sibling and the index bit is SET (either bit value
 * folds to the same root). ela_merkle_branch_root(leaf, branch, *n_branch, *index) is the root.
 * Returns false when n == 0, pos >= n or n > 2^32. */
ELA_WARN_UNUSED_RESULT bool ela_merkle_branch(ela_uint256 branch[ELA_MERKLE_MAX_DEPTH],
                                              size_t *n_branch, uint32_t *index,
                                              const ela_uint256 *leaves, size_t n, size_t pos);

/* A BIP37 partial merkle tree (the body of a `merkleblock` after its header). */
typedef struct ela_partial_merkle {
    uint32_t n_tx;       /* transactions in the block */
    ela_uint256 *hashes; /* depth-first hashes */
    size_t n_hashes;
    ela_bytes flags;     /* flag bits, LSB first within each byte */
} ela_partial_merkle;

void ela_partial_merkle_init(ela_partial_merkle *pm);
void ela_partial_merkle_clear(ela_partial_merkle *pm);

/* Builds the partial tree of txids[0..n) that reveals the txids with matched[i] set, as the
 * reference's merkleblock builder does. *pm must hold nothing; n must be in 1..UINT32_MAX. */
void ela_partial_merkle_build(ela_partial_merkle *pm, const ela_uint256 *txids,
                              const bool *matched, size_t n);

/* Verifies a partial tree as the reference's CheckMerkleBlock does: computes the root into
 * *root and the matched txids and their leaf positions into heap arrays *matched / *positions
 * (either may be NULL if not wanted; the caller frees them with free(); on failure they are
 * NULL) with their number in *n_matched. Fails with *why (if not NULL) set to one of
 * "merkle: no transactions", "merkle: no flag bits", "merkle: ran out of hashes",
 * "merkle: ran out of flag bits", "merkle: duplicate sibling hashes" (CVE-2012-2459).
 * Unused trailing hashes and flag bits are tolerated, as in the reference. The caller compares
 * *root with the header's merkle root. */
ELA_WARN_UNUSED_RESULT bool ela_partial_merkle_extract(ela_uint256 *root, ela_uint256 **matched,
                                                       uint32_t **positions, size_t *n_matched,
                                                       const ela_partial_merkle *pm,
                                                       const char **why);

/* The merkle branch of txid inside a partial tree (the reference's GetTxMerkleBranch): the
 * tree must extract cleanly and the txid must be one of its leaves. Output as for
 * ela_merkle_branch. Fails with *why: an extract reason or "merkle: txid not in the tree". */
ELA_WARN_UNUSED_RESULT bool ela_partial_merkle_branch(ela_uint256 branch[ELA_MERKLE_MAX_DEPTH],
                                                      size_t *n_branch, uint32_t *index,
                                                      const ela_partial_merkle *pm,
                                                      const ela_uint256 *txid, const char **why);

/* Reads u32 n_tx, u32 hash count (<= ELA_MERKLE_MAX_HASHES), the hashes and var-bytes flags
 * (<= ELA_MERKLE_MAX_FLAGS): the part of a `merkleblock` message after the header. *pm is
 * overwritten; after a failure it holds nothing and r->err says why. */
ELA_WARN_UNUSED_RESULT bool ela_partial_merkle_read(ela_reader *r, ela_partial_merkle *pm);
void ela_partial_merkle_write(ela_writer *w, const ela_partial_merkle *pm);

/* MerkleProof (spec/wire.md §7.3): block hash, height, then the partial tree. */
typedef struct ela_merkle_proof {
    ela_uint256 block_hash;
    uint32_t height;
    ela_partial_merkle tree;
} ela_merkle_proof;

void ela_merkle_proof_init(ela_merkle_proof *mp);
void ela_merkle_proof_clear(ela_merkle_proof *mp);
/* Reads a MerkleProof; as ela_partial_merkle_read. */
ELA_WARN_UNUSED_RESULT bool ela_merkle_proof_read(ela_reader *r, ela_merkle_proof *mp);
/* Parses exactly p[0..len) (trailing bytes are an error); *why as for the reader. */
ELA_WARN_UNUSED_RESULT bool ela_merkle_proof_parse(ela_merkle_proof *mp, const uint8_t *p,
                                                   size_t len, const char **why);
void ela_merkle_proof_write(ela_writer *w, const ela_merkle_proof *mp);

#endif /* ELA_MERKLE_H */
