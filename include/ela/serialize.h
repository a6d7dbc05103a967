/* elad: bounds-checked reader and growable writer for the ELA wire encodings
 * (spec/wire.md §1: little-endian integers, canonical CompactSize varints, var-bytes).
 *
 * A reader never reads past its buffer and never allocates more than the bytes left in it
 * allow. Every read returns false on failure and records the first failure's reason in
 * r->err (a static string such as "truncated" or "non-canonical varint"); after a failure
 * every further read fails too, so a parser may check once at the end of a group of reads. */
#ifndef ELA_SERIALIZE_H
#define ELA_SERIALIZE_H

#include <ela/ela.h>
#include <ela/uint256.h>

/* The reference's global cap on var-strings and unbounded var-bytes (MaxVarStringLength). */
#define ELA_MAX_VAR_STRING (16u * 1024u * 1024u)

typedef struct ela_reader {
    const uint8_t *p;
    size_t len;
    size_t pos;
    const char *err; /* NULL while no read has failed */
} ela_reader;

/* Little-endian u32 in a fixed buffer (keys and records built outside a writer). */
static inline void ela_put_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline uint32_t ela_get_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void ela_reader_init(ela_reader *r, const uint8_t *p, size_t len);
static inline size_t ela_reader_left(const ela_reader *r) { return r->len - r->pos; }
static inline bool ela_reader_ok(const ela_reader *r) { return r->err == NULL; }
/* Records why (if no earlier failure is recorded) and returns false. */
bool ela_reader_fail(ela_reader *r, const char *why);

/* Ends a whole-buffer parse: when no read has failed but bytes are left, records "trailing
 * bytes". Stores the first failure's reason in *why (when why is not NULL and a read failed)
 * and returns true only when nothing failed. */
ELA_WARN_UNUSED_RESULT bool ela_reader_finish(ela_reader *r, const char **why);

ELA_WARN_UNUSED_RESULT bool ela_read_u8(ela_reader *r, uint8_t *v);
ELA_WARN_UNUSED_RESULT bool ela_read_u16(ela_reader *r, uint16_t *v);
ELA_WARN_UNUSED_RESULT bool ela_read_u32(ela_reader *r, uint32_t *v);
ELA_WARN_UNUSED_RESULT bool ela_read_u64(ela_reader *r, uint64_t *v);
ELA_WARN_UNUSED_RESULT bool ela_read_i32(ela_reader *r, int32_t *v);
ELA_WARN_UNUSED_RESULT bool ela_read_i64(ela_reader *r, int64_t *v);
/* The reference reads any non-zero byte as true. */
ELA_WARN_UNUSED_RESULT bool ela_read_bool(ela_reader *r, bool *v);
/* CompactSize; a value encoded with a longer prefix than needed fails ("non-canonical varint"). */
ELA_WARN_UNUSED_RESULT bool ela_read_varint(ela_reader *r, uint64_t *v);
/* A varint that is also a count or length no larger than max ("count exceeds limit"). */
ELA_WARN_UNUSED_RESULT bool ela_read_count(ela_reader *r, size_t *v, size_t max);
ELA_WARN_UNUSED_RESULT bool ela_read_bytes(ela_reader *r, uint8_t *out, size_t n);
/* Points *out at the next n bytes of the buffer without copying. */
ELA_WARN_UNUSED_RESULT bool ela_read_view(ela_reader *r, const uint8_t **out, size_t n);
/* varint length (<= max, and <= the bytes left) then that many bytes, copied into *out, which
 * must be clear on entry and is clear again after a failure. */
ELA_WARN_UNUSED_RESULT bool ela_read_varbytes(ela_reader *r, ela_bytes *out, size_t max);
ELA_WARN_UNUSED_RESULT bool ela_read_uint256(ela_reader *r, ela_uint256 *h);
ELA_WARN_UNUSED_RESULT bool ela_read_uint168(ela_reader *r, ela_uint168 *h);

/* A growable output buffer. Writes cannot fail (allocation failure aborts, see ela.h). */
typedef struct ela_writer {
    uint8_t *data;
    size_t len;
    size_t cap;
} ela_writer;

void ela_writer_init(ela_writer *w);
void ela_writer_clear(ela_writer *w);
/* Hands the buffer to the caller as an ela_bytes and leaves *w initialised and empty. */
void ela_writer_release(ela_writer *w, ela_bytes *out);

void ela_write_u8(ela_writer *w, uint8_t v);
void ela_write_u16(ela_writer *w, uint16_t v);
void ela_write_u32(ela_writer *w, uint32_t v);
void ela_write_u64(ela_writer *w, uint64_t v);
void ela_write_i32(ela_writer *w, int32_t v);
void ela_write_i64(ela_writer *w, int64_t v);
void ela_write_bool(ela_writer *w, bool v);
void ela_write_varint(ela_writer *w, uint64_t v);
void ela_write_bytes(ela_writer *w, const uint8_t *p, size_t len);
void ela_write_varbytes(ela_writer *w, const uint8_t *p, size_t len);
void ela_write_uint256(ela_writer *w, const ela_uint256 *h);
void ela_write_uint168(ela_writer *w, const ela_uint168 *h);
/* Number of bytes ela_write_varint(v) produces. */
size_t ela_varint_size(uint64_t v);

#endif /* ELA_SERIALIZE_H */
