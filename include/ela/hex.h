/* elad: hexadecimal text <-> bytes. */
#ifndef ELA_HEX_H
#define ELA_HEX_H

#include <ela/ela.h>

/* Writes 2*len lowercase hex characters and a NUL into out (which holds 2*len+1 bytes). */
void ela_hex_encode(char *out, const uint8_t *p, size_t len);
/* Returns a heap string of 2*len lowercase hex characters; the caller frees it. */
char *ela_hex_encode_new(const uint8_t *p, size_t len);
/* Decodes exactly hexlen characters of hex (either case) into out, which holds hexlen/2 bytes.
 * Fails on an odd length or any non-hex character. */
ELA_WARN_UNUSED_RESULT bool ela_hex_decode(uint8_t *out, const char *hex, size_t hexlen);
/* Decodes a whole NUL-terminated hex string into *out (heap, caller clears). On failure *out
 * is left clear and *why (if not NULL) names the problem ("odd number of hex digits",
 * "not a hex digit"). */
ELA_WARN_UNUSED_RESULT bool ela_hex_decode_bytes(ela_bytes *out, const char *hex, const char **why);

#endif /* ELA_HEX_H */
