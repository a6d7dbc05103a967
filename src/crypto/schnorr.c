/* elad: Schnorr signatures on P-256 with OpenSSL EC_POINT/BIGNUM (spec/wire.md §4.6). */
#include <ela/schnorr.h>

#include <ela/hash.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static EC_GROUP *g_group;
static BIGNUM *g_p, *g_n; /* field prime and group order */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void p256_init(void)
{
    g_group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    g_p = BN_new();
    g_n = BN_new();
    if (g_group == NULL || g_p == NULL || g_n == NULL ||
        EC_GROUP_get_curve(g_group, g_p, NULL, NULL, NULL) != 1 ||
        EC_GROUP_get_order(g_group, g_n, NULL) != 1) {
        EC_GROUP_free(g_group);
        g_group = NULL;
    }
}

/* The shared group, or NULL if OpenSSL could not build it (then every call fails). */
static const EC_GROUP *p256(void)
{
    pthread_once(&g_once, p256_init);
    return g_group;
}

/* Decodes a compressed key; rejects X >= p and X without a square root. */
static EC_POINT *decode_compressed(const uint8_t key[33], BN_CTX *bn)
{
    if (key[0] != 0x02 && key[0] != 0x03)
        return NULL;
    BIGNUM *x = BN_bin2bn(key + 1, 32, NULL);
    EC_POINT *pt = EC_POINT_new(g_group);
    bool ok = x && pt && BN_cmp(x, g_p) < 0 &&
              EC_POINT_set_compressed_coordinates(g_group, pt, x, key[0] & 1, bn) == 1;
    BN_free(x);
    if (!ok) {
        EC_POINT_free(pt);
        ERR_clear_error();
        return NULL;
    }
    return pt;
}

static bool encode_compressed(uint8_t out[33], const EC_POINT *pt, BN_CTX *bn)
{
    return !EC_POINT_is_at_infinity(g_group, pt) &&
           EC_POINT_point2oct(g_group, pt, POINT_CONVERSION_COMPRESSED, out, 33, bn) == 33;
}

/* e = SHA-256(r32 || key33 || msg32) mod n */
static bool challenge(BIGNUM *e, const uint8_t r[32], const uint8_t key[33], const uint8_t msg[32],
                      BN_CTX *bn)
{
    uint8_t buf[32 + 33 + 32], h[32];
    memcpy(buf, r, 32);
    memcpy(buf + 32, key, 33);
    memcpy(buf + 65, msg, 32);
    ela_sha256(h, buf, sizeof(buf));
    return BN_bin2bn(h, 32, e) != NULL && BN_nnmod(e, e, g_n, bn) == 1;
}

bool ela_schnorr_verify(const uint8_t pubkey[33], const uint8_t msg[32],
                        const uint8_t sig[ELA_SCHNORR_SIG_SIZE], const char **why)
{
    if (p256() == NULL) {
        if (why != NULL)
            *why = "internal error";
        return false;
    }
    const char *reason;
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *r = BN_bin2bn(sig, 32, NULL);
    BIGNUM *s = BN_bin2bn(sig + 32, 32, NULL);
    BIGNUM *e = BN_new(), *x = BN_new(), *y = BN_new();
    EC_POINT *P = NULL, *R = EC_POINT_new(g_group);
    bool ok = false;
    reason = "internal error";
    if (!bn || !r || !s || !e || !x || !y || !R)
        goto out;
    reason = "bad public key";
    if ((P = decode_compressed(pubkey, bn)) == NULL)
        goto out;
    reason = "r >= p";
    if (BN_cmp(r, g_p) >= 0)
        goto out;
    reason = "s >= n";
    if (BN_cmp(s, g_n) >= 0)
        goto out;
    reason = "internal error";
    /* R = s*G + (n - e)*P */
    if (!challenge(e, sig, pubkey, msg, bn) || BN_mod_sub(e, g_n, e, g_n, bn) != 1 ||
        EC_POINT_mul(g_group, R, s, P, e, bn) != 1)
        goto out;
    reason = "R at infinity";
    if (EC_POINT_is_at_infinity(g_group, R))
        goto out;
    reason = "internal error";
    if (EC_POINT_get_affine_coordinates(g_group, R, x, y, bn) != 1)
        goto out;
    reason = "R.y not a residue";
    if (BN_kronecker(y, g_p, bn) != 1)
        goto out;
    reason = "R.x != r";
    if (BN_cmp(x, r) != 0)
        goto out;
    ok = true;
out:
    EC_POINT_free(R);
    EC_POINT_free(P);
    BN_free(y);
    BN_free(x);
    BN_free(e);
    BN_free(s);
    BN_free(r);
    BN_CTX_free(bn);
    ERR_clear_error();
    if (why != NULL)
        *why = ok ? NULL : reason;
    return ok;
}

bool ela_schnorr_aggregate_pubkeys(uint8_t out[33], const uint8_t (*keys)[33], size_t n)
{
    memset(out, 0, 33);
    if (n == 0 || p256() == NULL)
        return false;
    BN_CTX *bn = BN_CTX_new();
    EC_POINT *sum = EC_POINT_new(g_group);
    bool ok = bn && sum && EC_POINT_set_to_infinity(g_group, sum) == 1;
    for (size_t i = 0; ok && i < n; i++) {
        EC_POINT *k = decode_compressed(keys[i], bn);
        ok = k != NULL && EC_POINT_add(g_group, sum, sum, k, bn) == 1;
        EC_POINT_free(k);
    }
    ok = ok && encode_compressed(out, sum, bn);
    if (!ok)
        memset(out, 0, 33);
    EC_POINT_free(sum);
    BN_CTX_free(bn);
    ERR_clear_error();
    return ok;
}

/* Loads a 32-byte secret scalar into a secure BIGNUM; false unless it is in [1, n-1]. */
static bool load_secret(BIGNUM *v, const uint8_t b[32])
{
    if (BN_bin2bn(b, 32, v) == NULL)
        return false;
    BN_set_flags(v, BN_FLG_CONSTTIME);
    return !BN_is_zero(v) && BN_cmp(v, g_n) < 0;
}

bool ela_schnorr_sign(uint8_t sig[ELA_SCHNORR_SIG_SIZE], const uint8_t (*privs)[32],
                      const uint8_t (*nonces)[32], size_t n, const uint8_t msg[32])
{
    memset(sig, 0, ELA_SCHNORR_SIG_SIZE);
    if (n == 0 || p256() == NULL)
        return false;
    BN_CTX *bn = BN_CTX_new();
    BIGNUM **d = ela_xcalloc(n, sizeof(*d));
    BIGNUM **k = ela_xcalloc(n, sizeof(*k));
    BIGNUM *e = BN_new(), *s = BN_secure_new(), *t = BN_secure_new();
    BIGNUM *rx = BN_new(), *ry = BN_new();
    EC_POINT *R = EC_POINT_new(g_group), *P = EC_POINT_new(g_group), *T = EC_POINT_new(g_group);
    uint8_t rbytes[32], key[33], nonce[32];
    bool ok = bn && e && s && t && rx && ry && R && P && T &&
              EC_POINT_set_to_infinity(g_group, R) == 1 &&
              EC_POINT_set_to_infinity(g_group, P) == 1;

    for (size_t i = 0; ok && i < n; i++) {
        d[i] = BN_secure_new();
        k[i] = BN_secure_new();
        if (nonces != NULL) {
            memcpy(nonce, nonces[i], 32);
        } else {
            do {
                ok = RAND_priv_bytes(nonce, 32) == 1;
            } while (ok && (BN_bin2bn(nonce, 32, t) == NULL || BN_is_zero(t) ||
                            BN_cmp(t, g_n) >= 0));
        }
        ok = ok && d[i] && k[i] && load_secret(d[i], privs[i]) && load_secret(k[i], nonce) &&
             EC_POINT_mul(g_group, T, k[i], NULL, NULL, bn) == 1 &&
             EC_POINT_add(g_group, R, R, T, bn) == 1 &&
             EC_POINT_mul(g_group, T, d[i], NULL, NULL, bn) == 1 &&
             EC_POINT_add(g_group, P, P, T, bn) == 1;
    }
    ela_memzero(nonce, sizeof(nonce));

    ok = ok && !EC_POINT_is_at_infinity(g_group, R) && encode_compressed(key, P, bn) &&
         EC_POINT_get_affine_coordinates(g_group, R, rx, ry, bn) == 1 &&
         BN_bn2binpad(rx, rbytes, 32) == 32 && challenge(e, rbytes, key, msg, bn);
    /* The verifier accepts only an R whose y is a residue; -R has the same x, so each nonce
     * is negated instead (§4.6). */
    bool negate = ok && BN_kronecker(ry, g_p, bn) != 1;
    BN_zero(s);
    for (size_t i = 0; ok && i < n; i++) {
        if (negate)
            ok = BN_sub(k[i], g_n, k[i]) == 1;
        ok = ok && BN_mod_mul(t, e, d[i], g_n, bn) == 1 && BN_mod_add(t, t, k[i], g_n, bn) == 1 &&
             BN_mod_add(s, s, t, g_n, bn) == 1;
    }
    ok = ok && BN_bn2binpad(s, sig + 32, 32) == 32;
    if (ok)
        memcpy(sig, rbytes, 32);
    else
        memset(sig, 0, ELA_SCHNORR_SIG_SIZE);

    for (size_t i = 0; i < n; i++) {
        BN_clear_free(d[i]);
        BN_clear_free(k[i]);
    }
    free(d);
    free(k);
    BN_clear_free(t);
    BN_clear_free(s);
    BN_free(e);
    BN_free(rx);
    BN_free(ry);
    EC_POINT_free(T);
    EC_POINT_free(P);
    EC_POINT_free(R);
    BN_CTX_free(bn);
    ERR_clear_error();
    return ok;
}
