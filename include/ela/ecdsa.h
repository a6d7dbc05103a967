/* elad: P-256 public keys and ECDSA as ELA uses them (spec/wire.md §4.1–§4.3).
 *
 *  - Curve NIST P-256 (secp256r1), not secp256k1.
 *  - Signatures are 64 bytes r || s (32-byte big-endian each), no DER. Valid iff r and s are in
 *    [1, n-1] and textbook ECDSA verification succeeds; there is no low-S rule, so (r, n-s) is
 *    as valid as (r, s).
 *  - The digest of a message is a single SHA-256; its 32 bytes are the integer (no truncation).
 *
 * A public key is parsed once into an ela_pubkey, which holds the OpenSSL key and a verify
 * context already initialised, so a verification costs what a raw OpenSSL verification costs.
 * Threads: an ela_pubkey holds mutable OpenSSL state, so one object must not be used by two
 * threads at the same time; a parallel checker parses the key in the worker (parsing a
 * compressed key costs about a third of a verification, mostly the square root).
 *
 * Implementation note: verification goes through the non-deprecated OpenSSL 3 EVP interface
 * (EVP_PKEY_verify); src/crypto/ecdsa.c records its measured cost against the EC_KEY path. */
#ifndef ELA_ECDSA_H
#define ELA_ECDSA_H

#include <ela/ela.h>

#define ELA_PUBKEY_COMPRESSED_SIZE 33
#define ELA_PUBKEY_UNCOMPRESSED_SIZE 65
#define ELA_ECDSA_SIG_SIZE 64
#define ELA_PRIVKEY_SIZE 32

/* A parsed, validated P-256 public key. Embed it and pair ela_pubkey_parse with
 * ela_pubkey_clear; a zeroed ela_pubkey is clear. */
typedef struct ela_pubkey {
    void *pkey;                                      /* EVP_PKEY *, owned; NULL when clear */
    void *vctx;                                      /* EVP_PKEY_CTX * ready to verify, owned */
    uint8_t compressed[ELA_PUBKEY_COMPRESSED_SIZE]; /* 02/03 || X of the point */
} ela_pubkey;

/* Parses a public key: 33-byte compressed (02/03 || X) or 65-byte uncompressed (04 || X || Y;
 * the reference also accepts the prefixes 06 and 07 there and ignores their parity hint, and so
 * does this function). Rejects X or Y >= p, points off the curve and compressed X with no square
 * root. *out must be clear on entry; on failure it is left clear. */
ELA_WARN_UNUSED_RESULT bool ela_pubkey_parse(ela_pubkey *out, const uint8_t *p, size_t len);

/* Releases the key and zeroes *pk. A clear key is a no-op. */
void ela_pubkey_clear(ela_pubkey *pk);

/* ela_pubkey_parse through a small per-thread cache of parsed 33-byte compressed keys
 * (addresses are reused, and parsing a key costs about half a verification). Returns the
 * cached key, or NULL when the bytes do not parse (failures are not cached). The pointer
 * belongs to the calling thread's cache and stays valid only until that thread's next call;
 * never free it. Every thread's cache is released when the thread exits. */
const ela_pubkey *ela_pubkey_cached(const uint8_t key[ELA_PUBKEY_COMPRESSED_SIZE]);

/* Quirk helper (spec/wire.md §4.2): true when the reference's DecodePoint would accept these
 * bytes. It differs from ela_pubkey_parse only in that the reference reduces a compressed X
 * that is >= p modulo p before taking the square root, and does not check an uncompressed
 * point at all; such keys decode there but can never verify a signature. The multisig checker
 * needs the difference: a key the reference cannot decode fails the whole program, a key it
 * decodes but cannot use is merely skipped. */
bool ela_pubkey_reference_decodes(const uint8_t *p, size_t len);

/* Verifies sig = r || s over the 32-byte digest (already hashed). Returns true iff valid.
 * pk is const for the caller but its OpenSSL context is used: see the note on threads above. */
ELA_WARN_UNUSED_RESULT bool ela_ecdsa_verify_digest(const ela_pubkey *pk,
                                                    const uint8_t digest[32],
                                                    const uint8_t sig[ELA_ECDSA_SIG_SIZE]);

/* Verifies sig over SHA-256(msg[0..len)), as every ELA transaction and payload signature. */
ELA_WARN_UNUSED_RESULT bool ela_ecdsa_verify(const ela_pubkey *pk, const uint8_t *msg,
                                             size_t len, const uint8_t sig[ELA_ECDSA_SIG_SIZE]);

/* Parses the key and verifies in one call (convenience for a single check; parse once and use
 * ela_ecdsa_verify when the same key verifies several signatures). False on a bad key too. */
ELA_WARN_UNUSED_RESULT bool ela_ecdsa_verify_raw(const uint8_t *pubkey, size_t pubkey_len,
                                                 const uint8_t *msg, size_t len,
                                                 const uint8_t sig[ELA_ECDSA_SIG_SIZE]);

/* True when priv, as a big-endian integer, is a usable private key: in [1, n-1]. */
bool ela_privkey_is_valid(const uint8_t priv[ELA_PRIVKEY_SIZE]);

/* Derives the compressed public key of priv. Fails (out zeroed) when priv is not in [1, n-1]. */
ELA_WARN_UNUSED_RESULT bool ela_pubkey_from_privkey(uint8_t out[ELA_PUBKEY_COMPRESSED_SIZE],
                                                    const uint8_t priv[ELA_PRIVKEY_SIZE]);

/* Generates a fresh key pair from OpenSSL's CSPRNG. Fails only if the RNG or OpenSSL fails; on
 * failure both outputs are zeroed. */
ELA_WARN_UNUSED_RESULT bool ela_keypair_generate(uint8_t priv[ELA_PRIVKEY_SIZE],
                                                 uint8_t pub[ELA_PUBKEY_COMPRESSED_SIZE]);

/* Signs the 32-byte digest with priv (random nonce from OpenSSL), writing r || s. Fails (sig
 * zeroed) when priv is not in [1, n-1] or OpenSSL fails. Intermediate secrets are wiped. */
ELA_WARN_UNUSED_RESULT bool ela_ecdsa_sign_digest(uint8_t sig[ELA_ECDSA_SIG_SIZE],
                                                  const uint8_t priv[ELA_PRIVKEY_SIZE],
                                                  const uint8_t digest[32]);

/* Signs SHA-256(msg[0..len)) as ela_ecdsa_sign_digest. */
ELA_WARN_UNUSED_RESULT bool ela_ecdsa_sign(uint8_t sig[ELA_ECDSA_SIG_SIZE],
                                           const uint8_t priv[ELA_PRIVKEY_SIZE],
                                           const uint8_t *msg, size_t len);

#endif /* ELA_ECDSA_H */
