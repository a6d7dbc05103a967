/* elad: unspent outputs and their stored form (include/ela/txcheck.h). */
#include <ela/txcheck.h>

#include <string.h>

/* Encoding (version 1):
 *   u8 1 | varint height | varint flags | varint tx_lock_time | u8 tx_type | u8 tx_version |
 *   output in its v09 form (asset, value, lock, program hash, type, payload)
 * The output is always written in the v09 form: a legacy output is type OTNone, one byte more,
 * and one form keeps the reader simple. */
#define COIN_ENCODING_V1 1
#define COIN_KNOWN_FLAGS (ELA_COIN_COINBASE | ELA_COIN_SIDECHAIN_POW_NEW)

void ela_coin_clear(ela_coin *c)
{
    ela_output_clear(&c->out);
    memset(c, 0, sizeof *c);
}

void ela_coin_write(ela_writer *w, const ela_coin *c)
{
    ela_write_u8(w, COIN_ENCODING_V1);
    ela_write_varint(w, c->height);
    ela_write_varint(w, c->flags);
    ela_write_varint(w, c->tx_lock_time);
    ela_write_u8(w, c->tx_type);
    ela_write_u8(w, c->tx_version);
    ela_output_write(w, &c->out, true);
}

static bool read_u32_varint(ela_reader *r, uint32_t *v)
{
    uint64_t x;
    if (!ela_read_varint(r, &x))
        return false;
    if (x > UINT32_MAX)
        return ela_reader_fail(r, "coin field out of range");
    *v = (uint32_t)x;
    return true;
}

bool ela_coin_read(ela_reader *r, ela_coin *c)
{
    memset(c, 0, sizeof *c);
    uint8_t enc;
    if (!ela_read_u8(r, &enc))
        return false;
    if (enc != COIN_ENCODING_V1)
        return ela_reader_fail(r, "unknown coin encoding");
    if (!read_u32_varint(r, &c->height) || !read_u32_varint(r, &c->flags) ||
        !read_u32_varint(r, &c->tx_lock_time) || !ela_read_u8(r, &c->tx_type) ||
        !ela_read_u8(r, &c->tx_version))
        goto fail;
    if (c->flags & ~(uint32_t)COIN_KNOWN_FLAGS) {
        ela_reader_fail(r, "unknown coin flags");
        goto fail;
    }
    if (!ela_output_read(r, &c->out, true))
        goto fail;
    return true;
fail:
    ela_coin_clear(c);
    return false;
}
