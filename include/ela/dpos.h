/* elad: the DPoS proposal and vote (spec/wire.md §2.7), one layout shared by the block
 * Confirm and by the illegal-proposal / illegal-vote evidence payloads.
 *
 *   proposal = vb Sponsor (max 33) || H256 BlockHash || u32 ViewOffset || vb Sign (max 64)
 *   vote     = H256 ProposalHash || vb Signer (max 33) || u8 Accept || vb Sign (max 64)
 *
 * Hash = SHA256d of everything before Sign; Sign is ECDSA by the sponsor or signer over
 * SHA-256 of the same bytes. */
#ifndef ELA_DPOS_H
#define ELA_DPOS_H

#include <ela/ela.h>
#include <ela/serialize.h>
#include <ela/uint256.h>

#define ELA_DPOS_MAX_PUBKEY 33u
#define ELA_DPOS_MAX_SIGNATURE 64u

typedef struct ela_dpos_proposal {
    ela_bytes sponsor; /* compressed public key, max 33 */
    ela_uint256 block_hash;
    uint32_t view_offset;
    ela_bytes sign;    /* max 64 */
} ela_dpos_proposal;

typedef struct ela_dpos_vote {
    ela_uint256 proposal_hash;
    ela_bytes signer;  /* max 33 */
    bool accept;       /* wire byte: exactly 1 reads as true, anything else false */
    ela_bytes sign;    /* max 64 */
} ela_dpos_vote;

/* Reads a proposal. *out is overwritten; after a failure it holds nothing and r->err says why. */
ELA_WARN_UNUSED_RESULT bool ela_dpos_proposal_read(ela_reader *r, ela_dpos_proposal *out);
void ela_dpos_proposal_write(ela_writer *w, const ela_dpos_proposal *p);
/* Sponsor, BlockHash, ViewOffset: the signed and hashed part. */
void ela_dpos_proposal_write_unsigned(ela_writer *w, const ela_dpos_proposal *p);
void ela_dpos_proposal_hash(ela_uint256 *out, const ela_dpos_proposal *p);
/* Frees what *p owns and zeroes it. */
void ela_dpos_proposal_clear(ela_dpos_proposal *p);

/* Reads a vote; only an Accept byte of exactly 0x01 is true (the reference's rule here, unlike
 * its generic bool reader). On failure as ela_dpos_proposal_read. */
ELA_WARN_UNUSED_RESULT bool ela_dpos_vote_read(ela_reader *r, ela_dpos_vote *out);
void ela_dpos_vote_write(ela_writer *w, const ela_dpos_vote *v);
/* ProposalHash, Signer, Accept (written as 0x00/0x01): the signed and hashed part. */
void ela_dpos_vote_write_unsigned(ela_writer *w, const ela_dpos_vote *v);
void ela_dpos_vote_hash(ela_uint256 *out, const ela_dpos_vote *v);
/* Frees what *v owns and zeroes it. */
void ela_dpos_vote_clear(ela_dpos_vote *v);

#endif /* ELA_DPOS_H */
