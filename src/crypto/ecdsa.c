/* elad: P-256 public keys and ECDSA through OpenSSL 3 (spec/wire.md §4.1–§4.3).
 *
 * Why EVP and not EC_KEY + ECDSA_do_verify: measured on the build machine (OpenSSL 3.0.x, one
 * core, 20000 verifications), raw ECDSA_do_verify with a prebuilt EC_KEY and ECDSA_SIG and raw
 * EVP_PKEY_verify with a reused, initialised context cost the same within noise (about 42 us);
 * a fresh EVP_PKEY_CTX per call adds about 1.5 us. So ela_pubkey keeps an initialised context
 * and ela_ecdsa_verify_digest only DER-encodes r || s (tens of ns) before EVP_PKEY_verify: the
 * non-deprecated path at the raw speed, with no warnings exemption. */
#include <ela/ecdsa.h>

#include <ela/hash.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Field prime p and group order n of P-256, big-endian. */
static const uint8_t P256_P[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t P256_N[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

static EC_GROUP *g_group;
/* A P-256 public key to copy: EVP_PKEY_dup of it plus a new point costs about 4 us, where
 * building a key from parameters (EVP_PKEY_fromdata) costs about 15 us, mostly in setting up the
 * group again each time. */
static EVP_PKEY *g_template;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void p256_init(void)
{
    g_group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    uint8_t gen[ELA_PUBKEY_UNCOMPRESSED_SIZE];
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, gen, sizeof(gen)),
        OSSL_PARAM_construct_end(),
    };
    if (g_group == NULL || ctx == NULL ||
        EC_POINT_point2oct(g_group, EC_GROUP_get0_generator(g_group),
                           POINT_CONVERSION_UNCOMPRESSED, gen, sizeof(gen), NULL) != sizeof(gen) ||
        EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &g_template, EVP_PKEY_PUBLIC_KEY, params) != 1)
        g_template = NULL;
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
}

/* The shared P-256 group (lives as long as the process). */
static const EC_GROUP *p256(void)
{
    pthread_once(&g_once, p256_init);
    return g_group;
}

static bool is_zero32(const uint8_t *v)
{
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++)
        acc |= v[i];
    return acc == 0;
}

/* v in [1, n-1] */
static bool in_scalar_range(const uint8_t *v)
{
    return !is_zero32(v) && memcmp(v, P256_N, 32) < 0;
}

/* Decodes a point already vetted for length, prefix and coordinate range; checks the curve. */
static EC_POINT *decode_point(const uint8_t *p, size_t len, BN_CTX *bn)
{
    EC_POINT *pt = EC_POINT_new(p256());
    if (pt == NULL)
        return NULL;
    if (EC_POINT_oct2point(p256(), pt, p, len, bn) != 1 || EC_POINT_is_at_infinity(p256(), pt)) {
        EC_POINT_free(pt);
        ERR_clear_error();
        return NULL;
    }
    return pt;
}

/* An EVP_PKEY holding only the public point given as uncompressed SEC1 octets. */
static EVP_PKEY *pkey_from_public(const uint8_t oct[ELA_PUBKEY_UNCOMPRESSED_SIZE])
{
    (void)p256();
    EVP_PKEY *pkey = g_template ? EVP_PKEY_dup(g_template) : NULL;
    if (pkey != NULL &&
        EVP_PKEY_set1_encoded_public_key(pkey, oct, ELA_PUBKEY_UNCOMPRESSED_SIZE) != 1) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    ERR_clear_error();
    return pkey;
}

bool ela_pubkey_parse(ela_pubkey *out, const uint8_t *p, size_t len)
{
    memset(out, 0, sizeof(*out));
    uint8_t buf[ELA_PUBKEY_UNCOMPRESSED_SIZE];
    if (len == ELA_PUBKEY_COMPRESSED_SIZE && (p[0] == 0x02 || p[0] == 0x03)) {
        if (memcmp(p + 1, P256_P, 32) >= 0)
            return false;
        memcpy(buf, p, len);
    } else if (len == ELA_PUBKEY_UNCOMPRESSED_SIZE &&
               (p[0] == 0x04 || p[0] == 0x06 || p[0] == 0x07)) {
        if (memcmp(p + 1, P256_P, 32) >= 0 || memcmp(p + 33, P256_P, 32) >= 0)
            return false;
        memcpy(buf, p, len);
        buf[0] = 0x04; /* the reference ignores the hybrid forms' parity hint (§4.2) */
    } else {
        return false;
    }

    BN_CTX *bn = BN_CTX_new();
    EC_POINT *pt = bn ? decode_point(buf, len, bn) : NULL;
    /* OpenSSL gets the uncompressed form so that it does not take the square root again. */
    bool ok = pt != NULL &&
              EC_POINT_point2oct(p256(), pt, POINT_CONVERSION_COMPRESSED, out->compressed,
                                 sizeof(out->compressed), bn) == sizeof(out->compressed) &&
              EC_POINT_point2oct(p256(), pt, POINT_CONVERSION_UNCOMPRESSED, buf, sizeof(buf),
                                 bn) == sizeof(buf);
    if (ok) {
        out->pkey = pkey_from_public(buf);
        out->vctx = out->pkey ? EVP_PKEY_CTX_new_from_pkey(NULL, out->pkey, NULL) : NULL;
        ok = out->vctx != NULL && EVP_PKEY_verify_init(out->vctx) == 1;
    }
    EC_POINT_free(pt);
    BN_CTX_free(bn);
    if (!ok) {
        ERR_clear_error();
        ela_pubkey_clear(out);
    }
    return ok;
}

void ela_pubkey_clear(ela_pubkey *pk)
{
    EVP_PKEY_CTX_free(pk->vctx);
    EVP_PKEY_free(pk->pkey);
    memset(pk, 0, sizeof(*pk));
}

/* The per-thread key cache: 4-way set associative with round-robin replacement, indexed by
 * bytes of X (uniform for real keys; a crafted collision only evicts). 2,048 keys per thread
 * cover the working set of busy blocks without a direct-mapped cache's collision thrashing.
 * Allocated on first use and freed by the key's destructor when the thread exits, so worker
 * threads leave nothing behind. */
#define KEY_CACHE_SETS 512u
#define KEY_CACHE_WAYS 4u

typedef struct key_cache {
    bool used[KEY_CACHE_SETS][KEY_CACHE_WAYS];
    uint8_t raw[KEY_CACHE_SETS][KEY_CACHE_WAYS][ELA_PUBKEY_COMPRESSED_SIZE];
    ela_pubkey key[KEY_CACHE_SETS][KEY_CACHE_WAYS];
    uint8_t next[KEY_CACHE_SETS]; /* the way to replace next */
} key_cache;

static pthread_key_t g_cache_key;
static pthread_once_t g_cache_once = PTHREAD_ONCE_INIT;

static void key_cache_free(void *p)
{
    key_cache *c = p;
    for (size_t i = 0; i < KEY_CACHE_SETS; i++)
        for (size_t w = 0; w < KEY_CACHE_WAYS; w++)
            if (c->used[i][w])
                ela_pubkey_clear(&c->key[i][w]);
    free(c);
}

static void key_cache_init(void)
{
    if (pthread_key_create(&g_cache_key, key_cache_free) != 0)
        abort(); /* out of thread keys: an environment failure at start-up */
}

const ela_pubkey *ela_pubkey_cached(const uint8_t key[ELA_PUBKEY_COMPRESSED_SIZE])
{
    pthread_once(&g_cache_once, key_cache_init);
    key_cache *c = pthread_getspecific(g_cache_key);
    if (!c) {
        c = ela_xcalloc(1, sizeof(*c));
        if (pthread_setspecific(g_cache_key, c) != 0) {
            free(c);
            abort();
        }
    }
    size_t set = ((size_t)key[1] | (size_t)key[2] << 8 | (size_t)key[3] << 16) % KEY_CACHE_SETS;
    for (size_t w = 0; w < KEY_CACHE_WAYS; w++)
        if (c->used[set][w] && memcmp(c->raw[set][w], key, ELA_PUBKEY_COMPRESSED_SIZE) == 0)
            return &c->key[set][w];
    size_t w = c->next[set];
    c->next[set] = (uint8_t)((w + 1) % KEY_CACHE_WAYS);
    if (c->used[set][w]) {
        ela_pubkey_clear(&c->key[set][w]);
        c->used[set][w] = false;
    }
    if (!ela_pubkey_parse(&c->key[set][w], key, ELA_PUBKEY_COMPRESSED_SIZE))
        return NULL;
    memcpy(c->raw[set][w], key, ELA_PUBKEY_COMPRESSED_SIZE);
    c->used[set][w] = true;
    return &c->key[set][w];
}

bool ela_pubkey_reference_decodes(const uint8_t *p, size_t len)
{
    if (len == 0)
        return false;
    if (p[0] == 0x04 || p[0] == 0x06 || p[0] == 0x07)
        return len == ELA_PUBKEY_UNCOMPRESSED_SIZE;
    if ((p[0] != 0x02 && p[0] != 0x03) || len != ELA_PUBKEY_COMPRESSED_SIZE)
        return false;

    /* The reference computes X^3 - 3X + b mod p without reducing X first, which is the same as
     * using X mod p; it fails only when that has no square root. */
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *x = BN_bin2bn(p + 1, 32, NULL);
    BIGNUM *prime = BN_bin2bn(P256_P, 32, NULL);
    EC_POINT *pt = EC_POINT_new(p256());
    bool ok = bn && x && prime && pt && BN_nnmod(x, x, prime, bn) == 1 &&
              EC_POINT_set_compressed_coordinates(p256(), pt, x, p[0] & 1, bn) == 1;
    ERR_clear_error();
    EC_POINT_free(pt);
    BN_free(prime);
    BN_free(x);
    BN_CTX_free(bn);
    return ok;
}

/* DER INTEGER of a 32-byte big-endian non-negative value; returns bytes written (<= 35). */
static size_t der_integer(uint8_t *out, const uint8_t *v)
{
    size_t skip = 0;
    while (skip < 31 && v[skip] == 0)
        skip++;
    size_t n = 32 - skip;
    bool pad = (v[skip] & 0x80) != 0;
    out[0] = 0x02;
    out[1] = (uint8_t)(n + pad);
    out[2] = 0x00;
    memcpy(out + 2 + pad, v + skip, n);
    return 2 + pad + n;
}

bool ela_ecdsa_verify_digest(const ela_pubkey *pk, const uint8_t digest[32],
                             const uint8_t sig[ELA_ECDSA_SIG_SIZE])
{
    if (pk->vctx == NULL || !in_scalar_range(sig) || !in_scalar_range(sig + 32))
        return false;

    uint8_t der[2 + 35 + 35];
    size_t body = der_integer(der + 2, sig);
    body += der_integer(der + 2 + body, sig + 32);
    der[0] = 0x30;
    der[1] = (uint8_t)body;

    /* An initialised verify context may be used for any number of verifications. */
    bool ok = EVP_PKEY_verify(pk->vctx, der, body + 2, digest, 32) == 1;
    if (!ok)
        ERR_clear_error();
    return ok;
}

bool ela_ecdsa_verify(const ela_pubkey *pk, const uint8_t *msg, size_t len,
                      const uint8_t sig[ELA_ECDSA_SIG_SIZE])
{
    uint8_t digest[32];
    ela_sha256(digest, msg, len);
    return ela_ecdsa_verify_digest(pk, digest, sig);
}

bool ela_ecdsa_verify_raw(const uint8_t *pubkey, size_t pubkey_len, const uint8_t *msg,
                          size_t len, const uint8_t sig[ELA_ECDSA_SIG_SIZE])
{
    ela_pubkey pk;
    if (!ela_pubkey_parse(&pk, pubkey, pubkey_len))
        return false;
    bool ok = ela_ecdsa_verify(&pk, msg, len, sig);
    ela_pubkey_clear(&pk);
    return ok;
}

bool ela_privkey_is_valid(const uint8_t priv[ELA_PRIVKEY_SIZE])
{
    return in_scalar_range(priv);
}

/* priv * G as compressed and uncompressed octets. priv must be in range. */
static bool derive_public(uint8_t comp[33], uint8_t uncomp[65], const uint8_t priv[32])
{
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *d = BN_secure_new();
    EC_POINT *pt = EC_POINT_new(p256());
    bool ok = bn && d && pt && BN_bin2bn(priv, 32, d) != NULL;
    if (ok) {
        BN_set_flags(d, BN_FLG_CONSTTIME);
        ok = EC_POINT_mul(p256(), pt, d, NULL, NULL, bn) == 1 &&
             EC_POINT_point2oct(p256(), pt, POINT_CONVERSION_COMPRESSED, comp, 33, bn) == 33 &&
             (uncomp == NULL ||
              EC_POINT_point2oct(p256(), pt, POINT_CONVERSION_UNCOMPRESSED, uncomp, 65, bn) == 65);
    }
    EC_POINT_free(pt);
    BN_clear_free(d);
    BN_CTX_free(bn);
    if (!ok)
        ERR_clear_error();
    return ok;
}

bool ela_pubkey_from_privkey(uint8_t out[ELA_PUBKEY_COMPRESSED_SIZE],
                             const uint8_t priv[ELA_PRIVKEY_SIZE])
{
    if (!in_scalar_range(priv) || !derive_public(out, NULL, priv)) {
        memset(out, 0, ELA_PUBKEY_COMPRESSED_SIZE);
        return false;
    }
    return true;
}

bool ela_keypair_generate(uint8_t priv[ELA_PRIVKEY_SIZE], uint8_t pub[ELA_PUBKEY_COMPRESSED_SIZE])
{
    for (int tries = 0; tries < 64; tries++) {
        if (RAND_priv_bytes(priv, ELA_PRIVKEY_SIZE) != 1)
            break;
        if (in_scalar_range(priv) && derive_public(pub, NULL, priv))
            return true;
    }
    ela_memzero(priv, ELA_PRIVKEY_SIZE);
    memset(pub, 0, ELA_PUBKEY_COMPRESSED_SIZE);
    return false;
}

/* Whether this host stores integers little-endian (OSSL_PARAM BIGNUMs are native-endian). */
static bool host_little_endian(void)
{
    const uint16_t one = 1;
    uint8_t first;
    memcpy(&first, &one, 1);
    return first == 1;
}

bool ela_ecdsa_sign_digest(uint8_t sig[ELA_ECDSA_SIG_SIZE], const uint8_t priv[ELA_PRIVKEY_SIZE],
                           const uint8_t digest[32])
{
    memset(sig, 0, ELA_ECDSA_SIG_SIZE);
    uint8_t comp[33], uncomp[65];
    if (!in_scalar_range(priv) || !derive_public(comp, uncomp, priv))
        return false;

    /* The private scalar goes to OpenSSL through a native-endian buffer we own and wipe. */
    uint8_t dnat[32];
    for (int i = 0; i < 32; i++)
        dnat[i] = host_little_endian() ? priv[31 - i] : priv[i];
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, uncomp, sizeof(uncomp)),
        OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, dnat, sizeof(dnat)),
        OSSL_PARAM_construct_end(),
    };

    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    bool ok = kctx != NULL && EVP_PKEY_fromdata_init(kctx) == 1 &&
              EVP_PKEY_fromdata(kctx, &pkey, EVP_PKEY_KEYPAIR, params) == 1;
    ela_memzero(dnat, sizeof(dnat));
    EVP_PKEY_CTX_free(kctx);

    uint8_t der[80];
    size_t derlen = sizeof(der);
    EVP_PKEY_CTX *sctx = ok ? EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL) : NULL;
    ok = sctx != NULL && EVP_PKEY_sign_init(sctx) == 1 &&
         EVP_PKEY_sign(sctx, der, &derlen, digest, 32) == 1;
    EVP_PKEY_CTX_free(sctx);
    EVP_PKEY_free(pkey);

    if (ok) {
        const uint8_t *q = der;
        ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)derlen);
        const BIGNUM *r = NULL, *s = NULL;
        if (es != NULL)
            ECDSA_SIG_get0(es, &r, &s);
        ok = es != NULL && BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(s, sig + 32, 32) == 32;
        ECDSA_SIG_free(es);
    }
    if (!ok) {
        memset(sig, 0, ELA_ECDSA_SIG_SIZE);
        ERR_clear_error();
    }
    return ok;
}

bool ela_ecdsa_sign(uint8_t sig[ELA_ECDSA_SIG_SIZE], const uint8_t priv[ELA_PRIVKEY_SIZE],
                    const uint8_t *msg, size_t len)
{
    uint8_t digest[32];
    ela_sha256(digest, msg, len);
    return ela_ecdsa_sign_digest(sig, priv, digest);
}
