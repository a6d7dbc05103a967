/* elad: the BIP-Schnorr-like signatures ELA uses on P-256 (spec/wire.md §4.6).
 *
 * A signature is 64 bytes r || s. r is the X coordinate of the nonce point R, s a scalar. Keys
 * are 33-byte compressed points; an aggregate key is the plain point sum of the signers' keys.
 * In transactions the message is SHA256d(unsigned tx) and the program parameter is the raw
 * 64-byte signature (no 0x40 length byte). */
#ifndef ELA_SCHNORR_H
#define ELA_SCHNORR_H

#include <ela/ela.h>

#define ELA_SCHNORR_SIG_SIZE 64

/* Verifies sig over the 32-byte message exactly as the reference's SchnorrVerify:
 * the key must be 33 bytes 02/03 || X with X < p and on the curve; r < p; s < n;
 * e = SHA-256(r || key || msg) mod n; R = s*G - e*P must not be infinity, R.y must be a
 * quadratic residue mod p (Jacobi symbol 1) and R.x must equal r. Returns true iff valid;
 * *why (if not NULL) is set to a static reason on failure ("bad public key", "r >= p",
 * "s >= n", "R at infinity", "R.y not a residue", "R.x != r"). */
ELA_WARN_UNUSED_RESULT bool ela_schnorr_verify(const uint8_t pubkey[33], const uint8_t msg[32],
                                               const uint8_t sig[ELA_SCHNORR_SIG_SIZE],
                                               const char **why);

/* Writes the compressed point sum of n >= 1 compressed public keys (the aggregate key the
 * arbiters' Schnorr redeem script carries). Fails (out zeroed) on a bad key or when the sum is
 * the point at infinity. */
ELA_WARN_UNUSED_RESULT bool ela_schnorr_aggregate_pubkeys(uint8_t out[33],
                                                          const uint8_t (*keys)[33], size_t n);

/* Signs msg with n >= 1 private keys at once (the reference's AggregateSignatures), giving a
 * signature valid for the aggregate of their public keys: R = sum k_i*G, every k_i replaced by
 * n - k_i when R.y is not a residue, s = sum (k_i + e*d_i) mod n. nonces holds n secret 32-byte
 * nonces in [1, n-1], or is NULL to draw them from OpenSSL's CSPRNG (pass nonces only to
 * reproduce test vectors; reusing a nonce reveals the key). Fails (sig zeroed) on a private key
 * or nonce out of range, or if R or the aggregate key is the point at infinity. Secrets are
 * wiped. For tests and tools: the node itself only verifies. */
ELA_WARN_UNUSED_RESULT bool ela_schnorr_sign(uint8_t sig[ELA_SCHNORR_SIG_SIZE],
                                             const uint8_t (*privs)[32],
                                             const uint8_t (*nonces)[32], size_t n,
                                             const uint8_t msg[32]);

#endif /* ELA_SCHNORR_H */
