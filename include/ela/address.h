/* elad: Base58Check addresses of program hashes (spec/wire.md §5.4).
 *
 * An address is base58(ph || SHA256d(ph)[0..4]) where the 25 bytes are read as one big-endian
 * integer, as the reference does (no leading-'1' rule; no ELA prefix byte is zero). */
#ifndef ELA_ADDRESS_H
#define ELA_ADDRESS_H

#include <ela/ela.h>
#include <ela/uint256.h>

/* Room for the 34 characters of an address and its NUL, with slack. */
#define ELA_ADDRESS_MAX 36

/* Writes the address of *ph, NUL-terminated, into out. Returns false only if the encoding does
 * not fit (impossible for a non-zero prefix byte); out is then the empty string. */
ELA_WARN_UNUSED_RESULT bool ela_address_from_program_hash(char out[ELA_ADDRESS_MAX],
                                                          const ela_uint168 *ph);

/* Parses an address as the reference's Uint168FromAddress: exactly 34 characters of the
 * Bitcoin base58 alphabet, decoded as an integer whose big-endian bytes begin with the program
 * hash; re-encoding that program hash must reproduce addr exactly (this checks the checksum).
 * On failure *out is zeroed. */
ELA_WARN_UNUSED_RESULT bool ela_address_to_program_hash(ela_uint168 *out, const char *addr);

#endif /* ELA_ADDRESS_H */
