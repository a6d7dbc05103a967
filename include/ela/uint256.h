/* elad: fixed-size hash types (Uint256, Uint168) and their text forms (spec/wire.md §1.5). */
#ifndef ELA_UINT256_H
#define ELA_UINT256_H

#include <ela/ela.h>

/* A 32-byte hash in internal byte order: exactly the bytes SHA256d produces, as on the wire. */
typedef struct ela_uint256 {
    uint8_t b[32];
} ela_uint256;

/* A 21-byte program hash: prefix byte followed by hash160(code). */
typedef struct ela_uint168 {
    uint8_t b[21];
} ela_uint168;

#define ELA_UINT256_HEX_LEN 64
#define ELA_UINT168_HEX_LEN 42

/* Display hex (byte-reversed, as RPC and explorers print it) into out[65], NUL-terminated. */
void ela_uint256_to_display(char out[ELA_UINT256_HEX_LEN + 1], const ela_uint256 *h);
/* Internal hex (stored byte order, Go's Uint256.String()) into out[65]. */
void ela_uint256_to_internal_hex(char out[ELA_UINT256_HEX_LEN + 1], const ela_uint256 *h);
/* Parses 64 hex characters in display order. Returns false (and zeroes *out) on any other input. */
ELA_WARN_UNUSED_RESULT bool ela_uint256_from_display(ela_uint256 *out, const char *hex);
/* Parses 64 hex characters in internal order. Returns false (and zeroes *out) otherwise. */
ELA_WARN_UNUSED_RESULT bool ela_uint256_from_internal_hex(ela_uint256 *out, const char *hex);

bool ela_uint256_is_zero(const ela_uint256 *h);
bool ela_uint256_equal(const ela_uint256 *a, const ela_uint256 *b);
/* The reference's comparison (spec/wire.md §1.5): from the last byte down to the first, i.e.
 * the bytes read as a little-endian number. Returns <0, 0, >0. */
int ela_uint256_compare(const ela_uint256 *a, const ela_uint256 *b);

/* Program hash as 42 hex characters of the stored bytes, into out[43]. */
void ela_uint168_to_hex(char out[ELA_UINT168_HEX_LEN + 1], const ela_uint168 *h);
ELA_WARN_UNUSED_RESULT bool ela_uint168_from_hex(ela_uint168 *out, const char *hex);
bool ela_uint168_is_zero(const ela_uint168 *h);
bool ela_uint168_equal(const ela_uint168 *a, const ela_uint168 *b);
/* Reverse-byte comparison as for Uint256. */
int ela_uint168_compare(const ela_uint168 *a, const ela_uint168 *b);

#endif /* ELA_UINT256_H */
