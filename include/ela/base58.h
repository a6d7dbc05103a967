/* elad: Base58 with the Bitcoin alphabet (123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz).
 *
 * Bytes are read as one big-endian integer. Each leading zero byte is written as one leading
 * '1' and each leading '1' decodes to one zero byte (the Bitcoin convention); ELA addresses have
 * no leading zero byte, so for them this equals the reference's plain integer encoding. */
#ifndef ELA_BASE58_H
#define ELA_BASE58_H

#include <ela/ela.h>

/* Characters ela_base58_encode writes for len input bytes, at most (without the NUL). */
#define ELA_BASE58_ENCODED_MAX(len) ((len) * 138 / 100 + 1)

/* Encodes p[0..len) into out (NUL-terminated). out_size is the size of out in bytes. Returns the
 * number of characters written, or 0 (with out[0] = NUL when out_size > 0) when out is too
 * small. len == 0 encodes to the empty string and returns 0 too. */
size_t ela_base58_encode(char *out, size_t out_size, const uint8_t *p, size_t len);

/* Decodes the NUL-terminated string s into *out (heap; the caller clears it). Fails on any
 * character outside the alphabet (including whitespace); *out is then left clear. The empty
 * string decodes to zero bytes. */
ELA_WARN_UNUSED_RESULT bool ela_base58_decode(ela_bytes *out, const char *s);

#endif /* ELA_BASE58_H */
