/* elad: blocks, headers, DPoS confirms (spec/wire.md §2). */
#include <ela/block.h>

#include <ela/hash.h>
#include <ela/merkle.h>

#include <stdlib.h>
#include <string.h>

/* Smallest possible transaction: type, payload version, three empty counts, lock time and an
 * empty program count (payloads can be empty). Bounds the tx count by the bytes left. */
#define TX_MIN_SIZE 10u
/* Smallest vote: proposal hash 32, two empty var-bytes, accept byte. */
#define VOTE_MIN_SIZE 35u

/* ---- header ---- */

void ela_block_header_init(ela_block_header *h) { memset(h, 0, sizeof *h); }

void ela_block_header_clear(ela_block_header *h)
{
    ela_auxpow_clear(&h->auxpow);
    memset(h, 0, sizeof *h);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void ela_block_header_serialize_base(uint8_t out[ELA_HEADER_BASE_SIZE], const ela_block_header *h)
{
    put_u32(out, h->version);
    memcpy(out + 4, h->prev.b, 32);
    memcpy(out + 36, h->merkle_root.b, 32);
    put_u32(out + 68, h->timestamp);
    put_u32(out + 72, h->bits);
    put_u32(out + 76, h->nonce);
    put_u32(out + 80, h->height);
}

void ela_block_header_update_hash(ela_block_header *h)
{
    uint8_t buf[ELA_HEADER_BASE_SIZE];
    ela_block_header_serialize_base(buf, h);
    ela_hash256(&h->hash, buf, sizeof buf);
}

bool ela_block_header_read_base(ela_reader *r, ela_block_header *h)
{
    memset(h, 0, sizeof *h);
    const uint8_t *p;
    if (!ela_read_view(r, &p, ELA_HEADER_BASE_SIZE))
        return false;
    ela_reader br;
    ela_reader_init(&br, p, ELA_HEADER_BASE_SIZE);
    bool ok = ela_read_u32(&br, &h->version) && ela_read_uint256(&br, &h->prev) &&
              ela_read_uint256(&br, &h->merkle_root) && ela_read_u32(&br, &h->timestamp) &&
              ela_read_u32(&br, &h->bits) && ela_read_u32(&br, &h->nonce) &&
              ela_read_u32(&br, &h->height);
    (void)ok; /* 84 bytes are present: cannot fail */
    ela_hash256(&h->hash, p, ELA_HEADER_BASE_SIZE);
    return true;
}

bool ela_block_header_read(ela_reader *r, ela_block_header *h)
{
    size_t start = r->pos;
    if (!ela_block_header_read_base(r, h))
        return false;
    uint8_t trailer;
    /* The trailer's value is ignored by the reference (§2.2). */
    if (!ela_auxpow_read(r, &h->auxpow) || !ela_read_u8(r, &trailer)) {
        ela_block_header_clear(h);
        return false;
    }
    if (r->pos - start > ELA_MAX_BLOCK_HEADER_SIZE) {
        ela_block_header_clear(h);
        return ela_reader_fail(r, "header too large");
    }
    return true;
}

void ela_block_header_write(ela_writer *w, const ela_block_header *h)
{
    uint8_t buf[ELA_HEADER_BASE_SIZE];
    ela_block_header_serialize_base(buf, h);
    ela_write_bytes(w, buf, sizeof buf);
    ela_auxpow_write(w, &h->auxpow);
    ela_write_u8(w, 1);
}

void ela_block_header_hash_with_aux(ela_uint256 *out, const ela_block_header *h)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_block_header_write(&w, h);
    ela_hash256(out, w.data, w.len);
    ela_writer_clear(&w);
}

/* ---- block ---- */

void ela_block_init(ela_block *b) { memset(b, 0, sizeof *b); }

void ela_block_clear(ela_block *b)
{
    for (size_t i = 0; i < b->n_txs; i++)
        ela_tx_clear(&b->txs[i]);
    free(b->txs);
    ela_block_header_clear(&b->header);
    memset(b, 0, sizeof *b);
}

bool ela_block_read(ela_reader *r, ela_block *b)
{
    memset(b, 0, sizeof *b);
    size_t start = r->pos;
    if (!ela_block_header_read(r, &b->header))
        return false;
    uint32_t count;
    if (!ela_read_u32(r, &count))
        goto fail;
    if (count > ELA_MAX_TX_PER_BLOCK) {
        ela_reader_fail(r, "too many transactions");
        goto fail;
    }
    if ((size_t)count > ela_reader_left(r) / TX_MIN_SIZE) {
        ela_reader_fail(r, "truncated");
        goto fail;
    }
    if (count) {
        b->txs = ela_xcalloc(count, sizeof *b->txs);
        for (uint32_t i = 0; i < count; i++)
            ela_tx_init(&b->txs[i]);
        b->n_txs = count;
        for (uint32_t i = 0; i < count; i++) {
            if (!ela_tx_read(r, &b->txs[i]))
                goto fail;
            if (b->txs[i].size > ELA_MAX_TX_SIZE) {
                ela_reader_fail(r, "tx too large");
                goto fail;
            }
        }
    }
    b->size = r->pos - start;
    if (b->size > ELA_MAX_BLOCK_SIZE) {
        ela_reader_fail(r, "block too large");
        goto fail;
    }
    return true;
fail:
    ela_block_clear(b);
    return false;
}

bool ela_block_parse(ela_block *b, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool read = ela_block_read(&r, b);
    if (ela_reader_finish(&r, why))
        return true;
    if (read)
        ela_block_clear(b);
    return false;
}

void ela_block_write(ela_writer *w, const ela_block *b)
{
    ela_block_header_write(w, &b->header);
    ela_write_u32(w, (uint32_t)b->n_txs);
    for (size_t i = 0; i < b->n_txs; i++)
        ela_tx_write(w, &b->txs[i]);
}

bool ela_block_compute_merkle_root(ela_uint256 *out, const ela_block *b)
{
    if (b->n_txs == 0) {
        memset(out, 0, sizeof *out);
        return false;
    }
    ela_uint256 *ids = ela_xmalloc(b->n_txs * sizeof *ids);
    for (size_t i = 0; i < b->n_txs; i++)
        ids[i] = b->txs[i].txid;
    bool ok = ela_merkle_root(out, ids, b->n_txs);
    free(ids);
    return ok;
}

void ela_block_update(ela_block *b)
{
    for (size_t i = 0; i < b->n_txs; i++)
        ela_tx_compute_hash(&b->txs[i]);
    if (!ela_block_compute_merkle_root(&b->header.merkle_root, b))
        memset(&b->header.merkle_root, 0, sizeof b->header.merkle_root);
    ela_block_header_update_hash(&b->header);
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, b);
    b->size = w.len;
    ela_writer_clear(&w);
}

void ela_block_add_tx(ela_block *b, ela_tx *tx)
{
    b->txs = ela_xrealloc(b->txs, (b->n_txs + 1) * sizeof *b->txs);
    b->txs[b->n_txs++] = *tx;
    ela_tx_init(tx);
}

/* ---- DPoS confirm ---- */

void ela_confirm_init(ela_confirm *c) { memset(c, 0, sizeof *c); }

void ela_confirm_clear(ela_confirm *c)
{
    ela_dpos_proposal_clear(&c->proposal);
    for (size_t i = 0; i < c->n_votes; i++)
        ela_dpos_vote_clear(&c->votes[i]);
    free(c->votes);
    memset(c, 0, sizeof *c);
}

bool ela_confirm_read(ela_reader *r, ela_confirm *c)
{
    memset(c, 0, sizeof *c);
    uint64_t n;
    if (!ela_dpos_proposal_read(r, &c->proposal) || !ela_read_u64(r, &n))
        goto fail;
    if (n > ela_reader_left(r) / VOTE_MIN_SIZE) {
        ela_reader_fail(r, "truncated");
        goto fail;
    }
    if (n) {
        c->votes = ela_xcalloc((size_t)n, sizeof *c->votes);
        for (uint64_t i = 0; i < n; i++) {
            c->n_votes = (size_t)i + 1;
            if (!ela_dpos_vote_read(r, &c->votes[i]))
                goto fail;
        }
    }
    return true;
fail:
    ela_confirm_clear(c);
    return false;
}

void ela_confirm_write(ela_writer *w, const ela_confirm *c)
{
    ela_dpos_proposal_write(w, &c->proposal);
    ela_write_u64(w, c->n_votes);
    for (size_t i = 0; i < c->n_votes; i++)
        ela_dpos_vote_write(w, &c->votes[i]);
}

/* ---- DposBlock ---- */

void ela_dpos_block_init(ela_dpos_block *d) { memset(d, 0, sizeof *d); }

void ela_dpos_block_clear(ela_dpos_block *d)
{
    ela_block_clear(&d->block);
    ela_confirm_clear(&d->confirm);
    memset(d, 0, sizeof *d);
}

bool ela_dpos_block_read(ela_reader *r, ela_dpos_block *d)
{
    memset(d, 0, sizeof *d);
    if (!ela_block_read(r, &d->block))
        return false;
    if (!ela_read_bool(r, &d->have_confirm) ||
        (d->have_confirm && !ela_confirm_read(r, &d->confirm))) {
        ela_dpos_block_clear(d);
        return false;
    }
    return true;
}

bool ela_dpos_block_parse(ela_dpos_block *d, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool read = ela_dpos_block_read(&r, d);
    if (ela_reader_finish(&r, why))
        return true;
    if (read)
        ela_dpos_block_clear(d);
    return false;
}

void ela_dpos_block_write(ela_writer *w, const ela_dpos_block *d)
{
    ela_block_write(w, &d->block);
    ela_write_bool(w, d->have_confirm);
    if (d->have_confirm)
        ela_confirm_write(w, &d->confirm);
}
