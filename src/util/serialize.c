/* elad: bounds-checked reader and growable writer. */
#include <ela/serialize.h>

#include <stdlib.h>
#include <string.h>

void ela_reader_init(ela_reader *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->pos = 0;
    r->err = NULL;
}

bool ela_reader_fail(ela_reader *r, const char *why)
{
    if (!r->err)
        r->err = why;
    return false;
}

bool ela_reader_finish(ela_reader *r, const char **why)
{
    if (!r->err && r->pos != r->len)
        ela_reader_fail(r, "trailing bytes");
    if (r->err && why)
        *why = r->err;
    return r->err == NULL;
}

static bool take(ela_reader *r, size_t n, const uint8_t **p)
{
    if (r->err)
        return false;
    if (n > r->len - r->pos)
        return ela_reader_fail(r, "truncated");
    *p = r->p + r->pos;
    r->pos += n;
    return true;
}

bool ela_read_u8(ela_reader *r, uint8_t *v)
{
    const uint8_t *p;
    if (!take(r, 1, &p)) {
        *v = 0;
        return false;
    }
    *v = p[0];
    return true;
}

bool ela_read_u16(ela_reader *r, uint16_t *v)
{
    const uint8_t *p;
    if (!take(r, 2, &p)) {
        *v = 0;
        return false;
    }
    *v = (uint16_t)(p[0] | p[1] << 8);
    return true;
}

bool ela_read_u32(ela_reader *r, uint32_t *v)
{
    const uint8_t *p;
    if (!take(r, 4, &p)) {
        *v = 0;
        return false;
    }
    *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return true;
}

bool ela_read_u64(ela_reader *r, uint64_t *v)
{
    const uint8_t *p;
    if (!take(r, 8, &p)) {
        *v = 0;
        return false;
    }
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | p[i];
    *v = x;
    return true;
}

bool ela_read_i32(ela_reader *r, int32_t *v)
{
    uint32_t u;
    bool ok = ela_read_u32(r, &u);
    *v = (int32_t)u;
    return ok;
}

bool ela_read_i64(ela_reader *r, int64_t *v)
{
    uint64_t u;
    bool ok = ela_read_u64(r, &u);
    *v = (int64_t)u;
    return ok;
}

bool ela_read_bool(ela_reader *r, bool *v)
{
    uint8_t b;
    bool ok = ela_read_u8(r, &b);
    *v = b != 0;
    return ok;
}

bool ela_read_varint(ela_reader *r, uint64_t *v)
{
    uint8_t prefix;
    *v = 0;
    if (!ela_read_u8(r, &prefix))
        return false;
    if (prefix < 0xfd) {
        *v = prefix;
        return true;
    }
    uint64_t x, min;
    bool ok;
    if (prefix == 0xfd) {
        uint16_t u;
        ok = ela_read_u16(r, &u);
        x = u;
        min = 0xfd;
    } else if (prefix == 0xfe) {
        uint32_t u;
        ok = ela_read_u32(r, &u);
        x = u;
        min = 0x10000;
    } else {
        ok = ela_read_u64(r, &x);
        min = UINT64_C(0x100000000);
    }
    if (!ok)
        return false;
    if (x < min)
        return ela_reader_fail(r, "non-canonical varint");
    *v = x;
    return true;
}

bool ela_read_count(ela_reader *r, size_t *v, size_t max)
{
    uint64_t x;
    *v = 0;
    if (!ela_read_varint(r, &x))
        return false;
    if (x > max)
        return ela_reader_fail(r, "count exceeds limit");
    *v = (size_t)x;
    return true;
}

bool ela_read_bytes(ela_reader *r, uint8_t *out, size_t n)
{
    const uint8_t *p;
    if (!take(r, n, &p)) {
        memset(out, 0, n);
        return false;
    }
    memcpy(out, p, n);
    return true;
}

bool ela_read_view(ela_reader *r, const uint8_t **out, size_t n)
{
    *out = NULL;
    return take(r, n, out);
}

bool ela_read_varbytes(ela_reader *r, ela_bytes *out, size_t max)
{
    size_t n;
    const uint8_t *p;
    out->data = NULL;
    out->len = 0;
    if (!ela_read_count(r, &n, max))
        return false;
    /* Compare with what is left before allocating: a lying length costs nothing. */
    if (!take(r, n, &p))
        return false;
    ela_bytes_set(out, p, n);
    return true;
}

bool ela_read_uint256(ela_reader *r, ela_uint256 *h)
{
    return ela_read_bytes(r, h->b, 32);
}

bool ela_read_uint168(ela_reader *r, ela_uint168 *h)
{
    return ela_read_bytes(r, h->b, 21);
}

void ela_writer_init(ela_writer *w)
{
    w->data = NULL;
    w->len = 0;
    w->cap = 0;
}

void ela_writer_clear(ela_writer *w)
{
    free(w->data);
    ela_writer_init(w);
}

void ela_writer_release(ela_writer *w, ela_bytes *out)
{
    if (w->len == 0) {
        free(w->data);
        out->data = NULL;
    } else {
        out->data = w->data;
    }
    out->len = w->len;
    ela_writer_init(w);
}

static uint8_t *grow(ela_writer *w, size_t n)
{
    if (n > w->cap - w->len) {
        size_t cap = w->cap ? w->cap : 64;
        while (cap - w->len < n)
            cap *= 2;
        w->data = ela_xrealloc(w->data, cap);
        w->cap = cap;
    }
    uint8_t *p = w->data + w->len;
    w->len += n;
    return p;
}

void ela_write_u8(ela_writer *w, uint8_t v)
{
    *grow(w, 1) = v;
}

void ela_write_u16(ela_writer *w, uint16_t v)
{
    uint8_t *p = grow(w, 2);
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void ela_write_u32(ela_writer *w, uint32_t v)
{
    uint8_t *p = grow(w, 4);
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

void ela_write_u64(ela_writer *w, uint64_t v)
{
    uint8_t *p = grow(w, 8);
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

void ela_write_i32(ela_writer *w, int32_t v)
{
    ela_write_u32(w, (uint32_t)v);
}

void ela_write_i64(ela_writer *w, int64_t v)
{
    ela_write_u64(w, (uint64_t)v);
}

void ela_write_bool(ela_writer *w, bool v)
{
    ela_write_u8(w, v ? 1 : 0);
}

void ela_write_varint(ela_writer *w, uint64_t v)
{
    if (v < 0xfd) {
        ela_write_u8(w, (uint8_t)v);
    } else if (v <= 0xffff) {
        ela_write_u8(w, 0xfd);
        ela_write_u16(w, (uint16_t)v);
    } else if (v <= 0xffffffff) {
        ela_write_u8(w, 0xfe);
        ela_write_u32(w, (uint32_t)v);
    } else {
        ela_write_u8(w, 0xff);
        ela_write_u64(w, v);
    }
}

size_t ela_varint_size(uint64_t v)
{
    return v < 0xfd ? 1 : v <= 0xffff ? 3 : v <= 0xffffffff ? 5 : 9;
}

void ela_write_bytes(ela_writer *w, const uint8_t *p, size_t len)
{
    if (len)
        memcpy(grow(w, len), p, len);
}

void ela_write_varbytes(ela_writer *w, const uint8_t *p, size_t len)
{
    ela_write_varint(w, len);
    ela_write_bytes(w, p, len);
}

void ela_write_uint256(ela_writer *w, const ela_uint256 *h)
{
    ela_write_bytes(w, h->b, 32);
}

void ela_write_uint168(ela_writer *w, const ela_uint168 *h)
{
    ela_write_bytes(w, h->b, 21);
}
