/* elad: SHA-256, RIPEMD-160 and their compositions through OpenSSL. */
#include <ela/hash.h>

#include <assert.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdlib.h>

void ela_sha256(uint8_t out[32], const uint8_t *p, size_t len)
{
    SHA256(p, len, out);
}

void ela_sha256d(uint8_t out[32], const uint8_t *p, size_t len)
{
    uint8_t t[32];
    SHA256(p, len, t);
    SHA256(t, 32, out);
}

void ela_hash256(ela_uint256 *out, const uint8_t *p, size_t len)
{
    ela_sha256d(out->b, p, len);
}

void ela_ripemd160(uint8_t out[20], const uint8_t *p, size_t len)
{
    unsigned int n = 0;
    /* RIPEMD-160 is in OpenSSL's default provider from 3.0.7 on (Debian 12 ships 3.0.x >= 7). */
    int ok = EVP_Digest(p, len, out, &n, EVP_ripemd160(), NULL);
    assert(ok == 1 && n == 20);
    (void)ok;
}

void ela_hash160(uint8_t out[20], const uint8_t *p, size_t len)
{
    uint8_t t[32];
    SHA256(p, len, t);
    ela_ripemd160(out, t, 32);
}

void ela_sha256_init(ela_sha256_ctx *ctx)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
        abort(); /* OpenSSL could not allocate a digest context: memory is exhausted */
    ctx->md = md;
}

void ela_sha256_update(ela_sha256_ctx *ctx, const uint8_t *p, size_t len)
{
    int ok = EVP_DigestUpdate(ctx->md, p, len);
    assert(ok == 1);
    (void)ok;
}

void ela_sha256_final(ela_sha256_ctx *ctx, uint8_t out[32])
{
    unsigned int n = 0;
    int ok = EVP_DigestFinal_ex(ctx->md, out, &n);
    assert(ok == 1 && n == 32);
    (void)ok;
    EVP_MD_CTX_free(ctx->md);
    ctx->md = NULL;
}
