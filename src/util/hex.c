/* elad: hexadecimal text <-> bytes. */
#include <ela/hex.h>

#include <stdlib.h>
#include <string.h>

static const char digits[] = "0123456789abcdef";

void ela_hex_encode(char *out, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * len] = '\0';
}

char *ela_hex_encode_new(const uint8_t *p, size_t len)
{
    char *s = ela_xmalloc(2 * len + 1);
    ela_hex_encode(s, p, len);
    return s;
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool ela_hex_decode(uint8_t *out, const char *hex, size_t hexlen)
{
    if (hexlen % 2)
        return false;
    for (size_t i = 0; i < hexlen / 2; i++) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool ela_hex_decode_bytes(ela_bytes *out, const char *hex, const char **why)
{
    size_t n = strlen(hex);
    out->data = NULL;
    out->len = 0;
    if (n % 2) {
        if (why)
            *why = "odd number of hex digits";
        return false;
    }
    uint8_t *buf = ela_xmalloc(n / 2);
    if (!ela_hex_decode(buf, hex, n)) {
        free(buf);
        if (why)
            *why = "not a hex digit";
        return false;
    }
    if (n == 0) {
        free(buf);
        buf = NULL;
    }
    out->data = buf;
    out->len = n / 2;
    return true;
}
