/* elad: Bitcoin tx/header, the AuxPoW and its check (spec/wire.md §2.3, §2.4). */
#include <ela/auxpow.h>

#include <ela/hash.h>
#include <ela/merkle.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Smallest serialized sizes, used to bound counts by the bytes left before allocating. */
#define BTC_TXIN_MIN 41u  /* hash 32 + index 4 + script length 1 + sequence 4 */
#define BTC_TXOUT_MIN 9u  /* value 8 + script length 1 */

/* ---- Bitcoin transaction ---- */

void ela_btc_tx_init(ela_btc_tx *tx) { memset(tx, 0, sizeof *tx); }

void ela_btc_tx_clear(ela_btc_tx *tx)
{
    for (size_t i = 0; i < tx->n_inputs; i++)
        ela_bytes_clear(&tx->inputs[i].script);
    for (size_t i = 0; i < tx->n_outputs; i++)
        ela_bytes_clear(&tx->outputs[i].script);
    free(tx->inputs);
    free(tx->outputs);
    memset(tx, 0, sizeof *tx);
}

bool ela_btc_tx_read(ela_reader *r, ela_btc_tx *tx)
{
    memset(tx, 0, sizeof *tx);
    size_t start = r->pos;
    size_t n = 0;
    if (!ela_read_i32(r, &tx->version))
        goto fail;
    if (!ela_read_count(r, &n, ela_reader_left(r) / BTC_TXIN_MIN))
        goto fail;
    if (n) {
        tx->inputs = ela_xcalloc(n, sizeof *tx->inputs);
        for (size_t i = 0; i < n; i++) {
            ela_btc_txin *in = &tx->inputs[i];
            tx->n_inputs = i + 1;
            if (!ela_read_uint256(r, &in->prev_hash) || !ela_read_u32(r, &in->prev_index) ||
                !ela_read_varbytes(r, &in->script, ELA_BTC_MAX_SCRIPT) ||
                !ela_read_u32(r, &in->sequence))
                goto fail;
        }
    }
    if (!ela_read_count(r, &n, ela_reader_left(r) / BTC_TXOUT_MIN))
        goto fail;
    if (n) {
        tx->outputs = ela_xcalloc(n, sizeof *tx->outputs);
        for (size_t i = 0; i < n; i++) {
            ela_btc_txout *out = &tx->outputs[i];
            tx->n_outputs = i + 1;
            if (!ela_read_i64(r, &out->value) ||
                !ela_read_varbytes(r, &out->script, ELA_BTC_MAX_SCRIPT))
                goto fail;
        }
    }
    if (!ela_read_u32(r, &tx->lock_time))
        goto fail;
    /* Var-ints are canonical, so the bytes as read are the serialization. */
    ela_hash256(&tx->hash, r->p + start, r->pos - start);
    return true;
fail:
    ela_btc_tx_clear(tx);
    return false;
}

void ela_btc_tx_write(ela_writer *w, const ela_btc_tx *tx)
{
    ela_write_i32(w, tx->version);
    ela_write_varint(w, tx->n_inputs);
    for (size_t i = 0; i < tx->n_inputs; i++) {
        const ela_btc_txin *in = &tx->inputs[i];
        ela_write_uint256(w, &in->prev_hash);
        ela_write_u32(w, in->prev_index);
        ela_write_varbytes(w, in->script.data, in->script.len);
        ela_write_u32(w, in->sequence);
    }
    ela_write_varint(w, tx->n_outputs);
    for (size_t i = 0; i < tx->n_outputs; i++) {
        ela_write_i64(w, tx->outputs[i].value);
        ela_write_varbytes(w, tx->outputs[i].script.data, tx->outputs[i].script.len);
    }
    ela_write_u32(w, tx->lock_time);
}

void ela_btc_tx_update_hash(ela_btc_tx *tx)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_btc_tx_write(&w, tx);
    ela_hash256(&tx->hash, w.data, w.len);
    ela_writer_clear(&w);
}

void ela_btc_tx_add_input(ela_btc_tx *tx, const ela_uint256 *prev_hash, uint32_t prev_index,
                          const uint8_t *script, size_t len, uint32_t sequence)
{
    tx->inputs = ela_xrealloc(tx->inputs, (tx->n_inputs + 1) * sizeof *tx->inputs);
    ela_btc_txin *in = &tx->inputs[tx->n_inputs++];
    memset(in, 0, sizeof *in);
    in->prev_hash = *prev_hash;
    in->prev_index = prev_index;
    ela_bytes_set(&in->script, script, len);
    in->sequence = sequence;
}

/* ---- Bitcoin header ---- */

bool ela_btc_header_read(ela_reader *r, ela_btc_header *h)
{
    if (!ela_read_u32(r, &h->version) || !ela_read_uint256(r, &h->prev) ||
        !ela_read_uint256(r, &h->merkle_root) || !ela_read_u32(r, &h->timestamp) ||
        !ela_read_u32(r, &h->bits) || !ela_read_u32(r, &h->nonce)) {
        memset(h, 0, sizeof *h);
        return false;
    }
    return true;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void ela_btc_header_serialize(uint8_t out[ELA_BTC_HEADER_SIZE], const ela_btc_header *h)
{
    put_u32(out, h->version);
    memcpy(out + 4, h->prev.b, 32);
    memcpy(out + 36, h->merkle_root.b, 32);
    put_u32(out + 68, h->timestamp);
    put_u32(out + 72, h->bits);
    put_u32(out + 76, h->nonce);
}

void ela_btc_header_write(ela_writer *w, const ela_btc_header *h)
{
    uint8_t buf[ELA_BTC_HEADER_SIZE];
    ela_btc_header_serialize(buf, h);
    ela_write_bytes(w, buf, sizeof buf);
}

void ela_btc_header_hash(ela_uint256 *out, const ela_btc_header *h)
{
    uint8_t buf[ELA_BTC_HEADER_SIZE];
    ela_btc_header_serialize(buf, h);
    ela_hash256(out, buf, sizeof buf);
}

/* ---- AuxPoW ---- */

void ela_auxpow_init(ela_auxpow *aux) { memset(aux, 0, sizeof *aux); }

void ela_auxpow_clear(ela_auxpow *aux)
{
    ela_btc_tx_clear(&aux->coinbase);
    free(aux->coinbase_branch);
    free(aux->aux_branch);
    memset(aux, 0, sizeof *aux);
}

static bool read_branch(ela_reader *r, ela_uint256 **out, size_t *n_out)
{
    size_t n;
    if (!ela_read_count(r, &n, ela_reader_left(r) / 32))
        return false;
    if (n == 0)
        return true;
    ela_uint256 *b = ela_xmalloc(n * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        if (!ela_read_uint256(r, &b[i])) {
            free(b);
            return false;
        }
    }
    *out = b;
    *n_out = n;
    return true;
}

bool ela_auxpow_read(ela_reader *r, ela_auxpow *aux)
{
    memset(aux, 0, sizeof *aux);
    if (!ela_btc_tx_read(r, &aux->coinbase))
        return false;
    if (!ela_read_uint256(r, &aux->parent_hash) ||
        !read_branch(r, &aux->coinbase_branch, &aux->n_coinbase_branch) ||
        !ela_read_u32(r, &aux->coinbase_index) ||
        !read_branch(r, &aux->aux_branch, &aux->n_aux_branch) ||
        !ela_read_u32(r, &aux->aux_index) || !ela_btc_header_read(r, &aux->parent_header)) {
        ela_auxpow_clear(aux);
        return false;
    }
    return true;
}

bool ela_auxpow_parse(ela_auxpow *aux, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool read = ela_auxpow_read(&r, aux);
    if (ela_reader_finish(&r, why))
        return true;
    if (read)
        ela_auxpow_clear(aux);
    return false;
}

void ela_auxpow_write(ela_writer *w, const ela_auxpow *aux)
{
    ela_btc_tx_write(w, &aux->coinbase);
    ela_write_uint256(w, &aux->parent_hash);
    ela_write_varint(w, aux->n_coinbase_branch);
    for (size_t i = 0; i < aux->n_coinbase_branch; i++)
        ela_write_uint256(w, &aux->coinbase_branch[i]);
    ela_write_u32(w, aux->coinbase_index);
    ela_write_varint(w, aux->n_aux_branch);
    for (size_t i = 0; i < aux->n_aux_branch; i++)
        ela_write_uint256(w, &aux->aux_branch[i]);
    ela_write_u32(w, aux->aux_index);
    ela_btc_header_write(w, &aux->parent_header);
}

void ela_auxpow_copy(ela_auxpow *dst, const ela_auxpow *src)
{
    *dst = *src;
    const ela_btc_tx *s = &src->coinbase;
    ela_btc_tx *d = &dst->coinbase;
    d->inputs = s->n_inputs ? ela_xcalloc(s->n_inputs, sizeof *d->inputs) : NULL;
    for (size_t i = 0; i < s->n_inputs; i++) {
        d->inputs[i] = s->inputs[i];
        d->inputs[i].script = (ela_bytes){0};
        ela_bytes_set(&d->inputs[i].script, s->inputs[i].script.data, s->inputs[i].script.len);
    }
    d->outputs = s->n_outputs ? ela_xcalloc(s->n_outputs, sizeof *d->outputs) : NULL;
    for (size_t i = 0; i < s->n_outputs; i++) {
        d->outputs[i] = s->outputs[i];
        d->outputs[i].script = (ela_bytes){0};
        ela_bytes_set(&d->outputs[i].script, s->outputs[i].script.data, s->outputs[i].script.len);
    }
    dst->coinbase_branch = src->n_coinbase_branch
                               ? ela_xmemdup(src->coinbase_branch,
                                             src->n_coinbase_branch * sizeof(ela_uint256))
                               : NULL;
    dst->aux_branch = src->n_aux_branch
                          ? ela_xmemdup(src->aux_branch, src->n_aux_branch * sizeof(ela_uint256))
                          : NULL;
}

void ela_auxpow_init_solo(ela_auxpow *aux, const ela_uint256 *block_hash, uint32_t timestamp)
{
    memset(aux, 0, sizeof *aux);
    uint8_t script[44] = {ELA_AUXPOW_MAGIC_0, ELA_AUXPOW_MAGIC_1, ELA_AUXPOW_MAGIC_2,
                          ELA_AUXPOW_MAGIC_3};
    memcpy(script + 4, block_hash->b, 32);
    put_u32(script + 36, 1); /* merkle size 1: no aux branch */
    put_u32(script + 40, 0); /* merkle nonce */
    aux->coinbase.version = 1;
    ela_uint256 zero = {{0}};
    ela_btc_tx_add_input(&aux->coinbase, &zero, 0, script, sizeof script, 0);
    ela_btc_tx_update_hash(&aux->coinbase);
    aux->parent_header.version = 0x7fffffffu;
    aux->parent_header.merkle_root = aux->coinbase.hash;
    aux->parent_header.timestamp = timestamp;
}

uint32_t ela_auxpow_expected_index(uint32_t nonce, uint32_t chain_id, unsigned h)
{
    assert(h < 32);
    uint32_t r = nonce * UINT32_C(1103515245) + 12345u;
    r += chain_id;
    r = r * UINT32_C(1103515245) + 12345u;
    return r & ((UINT32_C(1) << h) - 1);
}

/* The reference searches hex(script) as TEXT (§2.4). Positions below are nibble indexes into
 * that text: nibble 2k is the high half of script[k], nibble 2k+1 its low half. A needle of
 * whole bytes matches at an even nibble index exactly when the bytes match; at an odd index
 * 2k+1 it matches when the low nibble of script[k] is the needle's first nibble, the bytes in
 * between equal the needle shifted by one nibble, and the high nibble of the last byte is the
 * needle's last nibble. This gives the same first index as strings.Index on the hex text
 * without building it. */
typedef struct nibble_needle {
    const uint8_t *bytes; /* the needle, m bytes (2m nibbles) */
    size_t m;
    uint8_t shifted[32];  /* shifted[i] = low(bytes[i]) << 4 | high(bytes[i+1]), i < m-1 */
} nibble_needle;

static void needle_init(nibble_needle *n, const uint8_t *bytes, size_t m)
{
    assert(m >= 2 && m <= 33);
    n->bytes = bytes;
    n->m = m;
    for (size_t i = 0; i + 1 < m; i++)
        n->shifted[i] = (uint8_t)((bytes[i] & 0x0f) << 4 | bytes[i + 1] >> 4);
}

static bool match_at(const nibble_needle *n, const uint8_t *s, size_t len, size_t pos)
{
    size_t k = pos / 2;
    if (pos % 2 == 0)
        return k + n->m <= len && memcmp(s + k, n->bytes, n->m) == 0;
    /* odd: nibbles 2k+1 .. 2k+2m, i.e. low(s[k]), s[k+1..k+m-1], high(s[k+m]) */
    if (k + n->m + 1 > len)
        return false;
    return (s[k] & 0x0f) == (n->bytes[0] >> 4) &&
           memcmp(s + k + 1, n->shifted, n->m - 1) == 0 &&
           (s[k + n->m] >> 4) == (n->bytes[n->m - 1] & 0x0f);
}

/* First nibble index >= from where the needle matches, or -1. */
static long find_from(const nibble_needle *n, const uint8_t *s, size_t len, size_t from)
{
    size_t total = 2 * len;
    if (total < 2 * n->m)
        return -1;
    for (size_t pos = from; pos + 2 * n->m <= total; pos++) {
        if (match_at(n, s, len, pos))
            return (long)pos;
    }
    return -1;
}

/* True when the needle matches at some nibble index below limit. */
static bool occurs_before(const nibble_needle *n, const uint8_t *s, size_t len, size_t limit)
{
    for (size_t pos = 0; pos < limit && pos + 2 * n->m <= 2 * len; pos++) {
        if (match_at(n, s, len, pos))
            return true;
    }
    return false;
}

static bool fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return false;
}

bool ela_auxpow_check(const ela_auxpow *aux, const ela_uint256 *block_hash, uint32_t chain_id,
                      const char **why)
{
    ela_uint256 root;
    ela_merkle_branch_root(&root, &aux->coinbase.hash, aux->coinbase_branch,
                           aux->n_coinbase_branch, aux->coinbase_index);
    if (!ela_uint256_equal(&root, &aux->parent_header.merkle_root))
        return fail(why, "auxpow: coinbase merkle branch does not reach the parent merkle root");

    /* The leaf is the byte-reversed block hash, and the script must carry the byte-reversed
     * aux root: with an empty branch that is the block hash in internal order. */
    ela_uint256 leaf, aux_root;
    for (int i = 0; i < 32; i++)
        leaf.b[i] = block_hash->b[31 - i];
    ela_merkle_branch_root(&aux_root, &leaf, aux->aux_branch, aux->n_aux_branch, aux->aux_index);
    uint8_t want[32];
    for (int i = 0; i < 32; i++)
        want[i] = aux_root.b[31 - i];

    if (aux->coinbase.n_inputs == 0)
        return fail(why, "auxpow: parent coinbase has no inputs");
    const uint8_t *s = aux->coinbase.inputs[0].script.data;
    size_t len = aux->coinbase.inputs[0].script.len;

    static const uint8_t magic[4] = {ELA_AUXPOW_MAGIC_0, ELA_AUXPOW_MAGIC_1, ELA_AUXPOW_MAGIC_2,
                                     ELA_AUXPOW_MAGIC_3};
    nibble_needle nm, nr;
    needle_init(&nm, magic, sizeof magic);
    needle_init(&nr, want, sizeof want);

    long hi = find_from(&nm, s, len, 0);
    if (hi < 0)
        return fail(why, "auxpow: merged-mining magic not found in coinbase script");
    /* ri = first index of the root. Fast path: it sits right after the magic and nowhere
     * earlier; otherwise search the whole text (failure paths only). */
    size_t expect = (size_t)hi + 8;
    long ri;
    if (match_at(&nr, s, len, expect) && expect + 64 <= 2 * len &&
        !occurs_before(&nr, s, len, expect))
        ri = (long)expect;
    else
        ri = find_from(&nr, s, len, 0);
    if (ri < 0)
        return fail(why, "auxpow: chain merkle root not found");
    if (find_from(&nm, s, len, (size_t)hi + 2) >= 0)
        return fail(why, "auxpow: multiple merged-mining headers in coinbase");
    if ((size_t)ri != expect)
        return fail(why, "auxpow: chain merkle root does not follow the magic");
    /* Size and nonce are read from byte offset (ri+64)/2 (truncating); fewer than 8 bytes
     * there is a Go panic (or its "< 8 hex chars" guard): invalid either way. */
    size_t b = ((size_t)ri + 64) / 2;
    if (b + 8 > len)
        return fail(why, "auxpow: missing merkle size and nonce");
    uint32_t size = get_u32(s + b);
    uint32_t nonce = get_u32(s + b + 4);
    size_t h = aux->n_aux_branch;
    if (h >= 32)
        return fail(why, "auxpow: aux merkle branch too long");
    if (size != (UINT32_C(1) << h))
        return fail(why, "auxpow: merkle size does not match branch length");
    if (aux->aux_index != ela_auxpow_expected_index(nonce, chain_id, (unsigned)h))
        return fail(why, "auxpow: wrong aux chain index");
    return true;
}
