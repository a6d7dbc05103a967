/* elad: Base58 encoding (Bitcoin alphabet). */
#include <ela/base58.h>

#include <stdlib.h>
#include <string.h>

static const char ALPHABET[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static int digit_value(char c)
{
    const char *at = c ? strchr(ALPHABET, c) : NULL;
    return at ? (int)(at - ALPHABET) : -1;
}

size_t ela_base58_encode(char *out, size_t out_size, const uint8_t *p, size_t len)
{
    size_t zeros = 0;
    while (zeros < len && p[zeros] == 0)
        zeros++;

    /* Base-58 digits, least significant first, built by repeated multiply-and-add. */
    size_t cap = ELA_BASE58_ENCODED_MAX(len);
    uint8_t *digits = ela_xcalloc(cap ? cap : 1, 1);
    size_t ndigits = 0;
    for (size_t i = zeros; i < len; i++) {
        unsigned carry = p[i];
        for (size_t j = 0; j < ndigits; j++) {
            carry += (unsigned)digits[j] << 8;
            digits[j] = (uint8_t)(carry % 58);
            carry /= 58;
        }
        while (carry) {
            digits[ndigits++] = (uint8_t)(carry % 58);
            carry /= 58;
        }
    }

    size_t total = zeros + ndigits;
    if (total + 1 > out_size) {
        if (out_size > 0)
            out[0] = '\0';
        free(digits);
        return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < zeros; i++)
        out[k++] = '1';
    for (size_t j = ndigits; j > 0; j--)
        out[k++] = ALPHABET[digits[j - 1]];
    out[k] = '\0';
    free(digits);
    return total;
}

bool ela_base58_decode(ela_bytes *out, const char *s)
{
    out->data = NULL;
    out->len = 0;
    size_t slen = strlen(s);
    size_t ones = 0;
    while (ones < slen && s[ones] == '1')
        ones++;

    /* log(58)/log(256) < 0.733: every base-58 digit adds at most that many bytes. */
    size_t cap = slen * 733 / 1000 + 1;
    uint8_t *bytes = ela_xcalloc(cap, 1); /* little-endian while accumulating */
    size_t nbytes = 0;
    for (size_t i = ones; i < slen; i++) {
        int v = digit_value(s[i]);
        if (v < 0) {
            free(bytes);
            return false;
        }
        unsigned carry = (unsigned)v;
        for (size_t j = 0; j < nbytes; j++) {
            carry += (unsigned)bytes[j] * 58;
            bytes[j] = (uint8_t)(carry & 0xff);
            carry >>= 8;
        }
        while (carry) {
            bytes[nbytes++] = (uint8_t)(carry & 0xff);
            carry >>= 8;
        }
    }

    size_t total = ones + nbytes;
    if (total > 0) {
        out->data = ela_xmalloc(total);
        memset(out->data, 0, ones);
        for (size_t j = 0; j < nbytes; j++)
            out->data[ones + j] = bytes[nbytes - 1 - j];
        out->len = total;
    }
    free(bytes);
    return true;
}
