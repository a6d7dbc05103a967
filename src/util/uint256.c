/* elad: Uint256 / Uint168 helpers. */
#include <ela/uint256.h>

#include <ela/hex.h>

#include <string.h>

void ela_uint256_to_display(char out[ELA_UINT256_HEX_LEN + 1], const ela_uint256 *h)
{
    uint8_t rev[32];
    for (int i = 0; i < 32; i++)
        rev[i] = h->b[31 - i];
    ela_hex_encode(out, rev, 32);
}

void ela_uint256_to_internal_hex(char out[ELA_UINT256_HEX_LEN + 1], const ela_uint256 *h)
{
    ela_hex_encode(out, h->b, 32);
}

bool ela_uint256_from_internal_hex(ela_uint256 *out, const char *hex)
{
    if (strlen(hex) != ELA_UINT256_HEX_LEN || !ela_hex_decode(out->b, hex, ELA_UINT256_HEX_LEN)) {
        memset(out, 0, sizeof *out);
        return false;
    }
    return true;
}

bool ela_uint256_from_display(ela_uint256 *out, const char *hex)
{
    if (!ela_uint256_from_internal_hex(out, hex))
        return false;
    for (int i = 0; i < 16; i++) {
        uint8_t t = out->b[i];
        out->b[i] = out->b[31 - i];
        out->b[31 - i] = t;
    }
    return true;
}

bool ela_uint256_is_zero(const ela_uint256 *h)
{
    static const ela_uint256 zero;
    return memcmp(h, &zero, sizeof zero) == 0;
}

bool ela_uint256_equal(const ela_uint256 *a, const ela_uint256 *b)
{
    return memcmp(a->b, b->b, 32) == 0;
}

static int compare_reversed(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

int ela_uint256_compare(const ela_uint256 *a, const ela_uint256 *b)
{
    return compare_reversed(a->b, b->b, 32);
}

void ela_uint168_to_hex(char out[ELA_UINT168_HEX_LEN + 1], const ela_uint168 *h)
{
    ela_hex_encode(out, h->b, 21);
}

bool ela_uint168_from_hex(ela_uint168 *out, const char *hex)
{
    if (strlen(hex) != ELA_UINT168_HEX_LEN || !ela_hex_decode(out->b, hex, ELA_UINT168_HEX_LEN)) {
        memset(out, 0, sizeof *out);
        return false;
    }
    return true;
}

bool ela_uint168_is_zero(const ela_uint168 *h)
{
    static const ela_uint168 zero;
    return memcmp(h, &zero, sizeof zero) == 0;
}

bool ela_uint168_equal(const ela_uint168 *a, const ela_uint168 *b)
{
    return memcmp(a->b, b->b, 21) == 0;
}

int ela_uint168_compare(const ela_uint168 *a, const ela_uint168 *b)
{
    return compare_reversed(a->b, b->b, 21);
}
