/* elad: the hash functions of ELA through OpenSSL (spec/wire.md §1.6). */
#ifndef ELA_HASH_H
#define ELA_HASH_H

#include <ela/ela.h>
#include <ela/uint256.h>

void ela_sha256(uint8_t out[32], const uint8_t *p, size_t len);
/* SHA-256(SHA-256(p)): block ids, txids, merkle nodes, checksums. */
void ela_sha256d(uint8_t out[32], const uint8_t *p, size_t len);
void ela_ripemd160(uint8_t out[20], const uint8_t *p, size_t len);
/* RIPEMD-160(SHA-256(p)): the code hash of a redeem script. */
void ela_hash160(uint8_t out[20], const uint8_t *p, size_t len);
/* SHA256d into an ela_uint256 (internal byte order). */
void ela_hash256(ela_uint256 *out, const uint8_t *p, size_t len);

/* Incremental SHA-256 for messages built from several parts. */
typedef struct ela_sha256_ctx {
    void *md; /* EVP_MD_CTX, owned */
} ela_sha256_ctx;

void ela_sha256_init(ela_sha256_ctx *ctx);
void ela_sha256_update(ela_sha256_ctx *ctx, const uint8_t *p, size_t len);
/* Writes the digest and releases the context (ela_sha256_init again to reuse it). */
void ela_sha256_final(ela_sha256_ctx *ctx, uint8_t out[32]);

#endif /* ELA_HASH_H */
