/* elad: the DPoS proposal and vote. */
#include <ela/dpos.h>

#include <ela/hash.h>

#include <string.h>

void ela_dpos_proposal_clear(ela_dpos_proposal *p)
{
    ela_bytes_clear(&p->sponsor);
    ela_bytes_clear(&p->sign);
    memset(p, 0, sizeof *p);
}

bool ela_dpos_proposal_read(ela_reader *r, ela_dpos_proposal *out)
{
    memset(out, 0, sizeof *out);
    if (ela_read_varbytes(r, &out->sponsor, ELA_DPOS_MAX_PUBKEY) &&
        ela_read_uint256(r, &out->block_hash) && ela_read_u32(r, &out->view_offset) &&
        ela_read_varbytes(r, &out->sign, ELA_DPOS_MAX_SIGNATURE))
        return true;
    ela_dpos_proposal_clear(out);
    return false;
}

void ela_dpos_proposal_write_unsigned(ela_writer *w, const ela_dpos_proposal *p)
{
    ela_write_varbytes(w, p->sponsor.data, p->sponsor.len);
    ela_write_uint256(w, &p->block_hash);
    ela_write_u32(w, p->view_offset);
}

void ela_dpos_proposal_write(ela_writer *w, const ela_dpos_proposal *p)
{
    ela_dpos_proposal_write_unsigned(w, p);
    ela_write_varbytes(w, p->sign.data, p->sign.len);
}

void ela_dpos_proposal_hash(ela_uint256 *out, const ela_dpos_proposal *p)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_dpos_proposal_write_unsigned(&w, p);
    ela_hash256(out, w.data, w.len);
    ela_writer_clear(&w);
}

void ela_dpos_vote_clear(ela_dpos_vote *v)
{
    ela_bytes_clear(&v->signer);
    ela_bytes_clear(&v->sign);
    memset(v, 0, sizeof *v);
}

bool ela_dpos_vote_read(ela_reader *r, ela_dpos_vote *out)
{
    uint8_t accept;
    memset(out, 0, sizeof *out);
    if (ela_read_uint256(r, &out->proposal_hash) &&
        ela_read_varbytes(r, &out->signer, ELA_DPOS_MAX_PUBKEY) && ela_read_u8(r, &accept) &&
        ela_read_varbytes(r, &out->sign, ELA_DPOS_MAX_SIGNATURE)) {
        out->accept = accept == 1;
        return true;
    }
    ela_dpos_vote_clear(out);
    return false;
}

void ela_dpos_vote_write_unsigned(ela_writer *w, const ela_dpos_vote *v)
{
    ela_write_uint256(w, &v->proposal_hash);
    ela_write_varbytes(w, v->signer.data, v->signer.len);
    ela_write_u8(w, v->accept ? 1 : 0);
}

void ela_dpos_vote_write(ela_writer *w, const ela_dpos_vote *v)
{
    ela_dpos_vote_write_unsigned(w, v);
    ela_write_varbytes(w, v->sign.data, v->sign.len);
}

void ela_dpos_vote_hash(ela_uint256 *out, const ela_dpos_vote *v)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_dpos_vote_write_unsigned(&w, v);
    ela_hash256(out, w.data, w.len);
    ela_writer_clear(&w);
}
