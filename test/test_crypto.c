/* elad tests: base58, P-256 keys and ECDSA, Schnorr. */
#include "testutil.h"

#include <ela/base58.h>
#include <ela/ecdsa.h>
#include <ela/hash.h>
#include <ela/hex.h>
#include <ela/schnorr.h>

#include <openssl/bn.h>

#include <stdlib.h>
#include <string.h>

static const char P_HEX[] = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
static const char N_HEX[] = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
static const char G_COMPRESSED[] =
    "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
static const char G_UNCOMPRESSED[] =
    "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
    "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

/* out = a - b for 32-byte big-endian values (a >= b). */
static void sub32(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int v = a[i] - b[i] - borrow;
        borrow = v < 0;
        out[i] = (uint8_t)(v & 0xff);
    }
}

/* A decimal number as a 32-byte big-endian value. */
static void dec_to_32(uint8_t out[32], const char *dec)
{
    BIGNUM *bn = NULL;
    ck_assert(BN_dec2bn(&bn, dec) > 0);
    ck_assert_int_eq(BN_bn2binpad(bn, out, 32), 32);
    BN_free(bn);
}

/* ---- base58 ---- */

START_TEST(base58_known_answers)
{
    static const struct {
        const char *hex, *b58;
    } cases[] = {
        {"", ""},
        {"00", "1"},
        {"0000", "11"},
        {"61", "2g"},
        {"626262", "a3gV"},
        {"636363", "aPEr"},
        {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
        {"00eb15231dfceb60925886b67d065299925915aeb172c06647",
         "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
        {"516b6fcd0f", "ABnLTmg"},
        {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
        {"10c8511e", "Rt5zm"},
        {"00000000000000000000", "1111111111"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        ela_bytes raw = ela_test_unhex(cases[i].hex);
        char out[128];
        size_t n = ela_base58_encode(out, sizeof(out), raw.data, raw.len);
        ck_assert_uint_eq(n, strlen(cases[i].b58));
        ck_assert_str_eq(out, cases[i].b58);
        ela_bytes back = {0};
        ck_assert(ela_base58_decode(&back, cases[i].b58));
        ck_assert(ela_bytes_equal(&back, &raw));
        ela_bytes_clear(&back);
        ela_bytes_clear(&raw);
    }
}
END_TEST

START_TEST(base58_rejects)
{
    static const char *bad[] = {"0", "O", "I", "l", "abc ", " abc", "2g\n", "ab+c", "\xc3\xa9"};
    for (size_t i = 0; i < ELA_ARRAY_LEN(bad); i++) {
        ela_bytes out = {0};
        ck_assert_msg(!ela_base58_decode(&out, bad[i]), "accepted '%s'", bad[i]);
        ck_assert_ptr_null(out.data);
        ck_assert_uint_eq(out.len, 0);
    }
    /* An output buffer too small for the encoding. */
    const uint8_t v[3] = {0x62, 0x62, 0x62};
    char small[4];
    ck_assert_uint_eq(ela_base58_encode(small, sizeof(small), v, 3), 0);
    ck_assert_str_eq(small, "");
    char exact[5];
    ck_assert_uint_eq(ela_base58_encode(exact, sizeof(exact), v, 3), 4);
    ck_assert_str_eq(exact, "a3gV");
}
END_TEST

START_TEST(base58_random_roundtrip)
{
    ela_test_seed();
    for (int iter = 0; iter < 200; iter++) {
        uint8_t buf[40];
        size_t len = (size_t)(ela_test_rand() % sizeof(buf));
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)ela_test_rand();
        if (len > 0 && ela_test_rand() % 4 == 0)
            buf[0] = 0;
        char out[ELA_BASE58_ENCODED_MAX(40) + 1];
        (void)ela_base58_encode(out, sizeof(out), buf, len);
        ela_bytes back = {0};
        ck_assert(ela_base58_decode(&back, out));
        ck_assert_uint_eq(back.len, len);
        ck_assert(len == 0 || memcmp(back.data, buf, len) == 0);
        ela_bytes_clear(&back);
    }
}
END_TEST

/* ---- public keys ---- */

START_TEST(pubkey_parse_forms)
{
    uint8_t comp[33], unc[65];
    ela_test_unhex_n(comp, G_COMPRESSED, 33);
    ela_test_unhex_n(unc, G_UNCOMPRESSED, 65);
    ela_pubkey a = {0}, b = {0};
    ck_assert(ela_pubkey_parse(&a, comp, 33));
    ck_assert(ela_pubkey_parse(&b, unc, 65));
    ck_assert_mem_eq(a.compressed, comp, 33);
    ck_assert_mem_eq(b.compressed, comp, 33);
    ela_pubkey_clear(&a);
    ela_pubkey_clear(&b);
    ck_assert_ptr_null(a.pkey);
    ela_pubkey_clear(&a); /* clear twice is a no-op */

    /* The hybrid prefixes 06/07 are accepted whatever their parity hint says (§4.2). */
    for (uint8_t pfx = 6; pfx <= 7; pfx++) {
        unc[0] = pfx;
        ck_assert(ela_pubkey_parse(&a, unc, 65));
        ck_assert_mem_eq(a.compressed, comp, 33);
        ela_pubkey_clear(&a);
    }
}
END_TEST

START_TEST(pubkey_parse_rejects)
{
    uint8_t comp[33], unc[65], p[32];
    ela_test_unhex_n(comp, G_COMPRESSED, 33);
    ela_test_unhex_n(unc, G_UNCOMPRESSED, 65);
    ela_test_unhex_n(p, P_HEX, 32);
    ela_pubkey k = {0};

    ck_assert(!ela_pubkey_parse(&k, comp, 32));
    ck_assert(!ela_pubkey_parse(&k, comp, 34));
    ck_assert(!ela_pubkey_parse(&k, comp, 0));
    ck_assert(!ela_pubkey_parse(&k, unc, 33)); /* 04 prefix with 33 bytes */
    uint8_t c2[33];
    memcpy(c2, comp, 33);
    for (unsigned pfx = 0; pfx < 256; pfx++) {
        if (pfx == 2 || pfx == 3)
            continue;
        c2[0] = (uint8_t)pfx;
        ck_assert_msg(!ela_pubkey_parse(&k, c2, 33), "prefix %02x", pfx);
    }
    ck_assert_ptr_null(k.pkey);

    /* Off the curve: G with y + 1. */
    uint8_t u2[65];
    memcpy(u2, unc, 65);
    u2[64] ^= 0x01;
    ck_assert(!ela_pubkey_parse(&k, u2, 65));
    ck_assert(ela_pubkey_reference_decodes(u2, 65)); /* the reference does not check */
    /* Coordinates >= p. */
    memcpy(u2, unc, 65);
    memcpy(u2 + 1, p, 32);
    ck_assert(!ela_pubkey_parse(&k, u2, 65));
    memcpy(u2, unc, 65);
    memcpy(u2 + 33, p, 32);
    ck_assert(!ela_pubkey_parse(&k, u2, 65));

    /* A compressed X with no square root, found by search: both refuse it. */
    int found = 0;
    for (uint8_t x = 1; x < 50 && !found; x++) {
        memset(c2, 0, 33);
        c2[0] = 0x02;
        c2[32] = x;
        if (!ela_pubkey_reference_decodes(c2, 33)) {
            ck_assert(!ela_pubkey_parse(&k, c2, 33));
            found = 1;
        } else {
            ck_assert(ela_pubkey_parse(&k, c2, 33));
            ela_pubkey_clear(&k);
        }
    }
    ck_assert(found);

    /* X = p + t: the reference reduces it and may decode it; we never accept it. */
    found = 0;
    for (uint8_t t = 0; t < 50 && !found; t++) {
        c2[0] = 0x03;
        memcpy(c2 + 1, p, 32);
        unsigned carry = t;
        for (int i = 32; i >= 1 && carry; i--) {
            unsigned v = c2[i] + carry;
            c2[i] = (uint8_t)v;
            carry = v >> 8;
        }
        ck_assert(!ela_pubkey_parse(&k, c2, 33));
        if (ela_pubkey_reference_decodes(c2, 33))
            found = 1;
    }
    ck_assert(found);
    ck_assert(!ela_pubkey_reference_decodes(comp, 0));
    ck_assert(!ela_pubkey_reference_decodes(unc, 64));
}
END_TEST

START_TEST(privkey_range_and_derivation)
{
    uint8_t priv[32] = {0}, pub[33], n[32], g[33];
    ela_test_unhex_n(n, N_HEX, 32);
    ela_test_unhex_n(g, G_COMPRESSED, 33);
    ck_assert(!ela_privkey_is_valid(priv));
    ck_assert(!ela_pubkey_from_privkey(pub, priv));
    priv[31] = 1;
    ck_assert(ela_privkey_is_valid(priv));
    ck_assert(ela_pubkey_from_privkey(pub, priv));
    ck_assert_mem_eq(pub, g, 33);
    ck_assert(!ela_privkey_is_valid(n));
    ck_assert(!ela_pubkey_from_privkey(pub, n));
    uint8_t zeros[33] = {0};
    ck_assert_mem_eq(pub, zeros, 33);
    uint8_t nm1[32];
    memcpy(nm1, n, 32);
    nm1[31] -= 1;
    ck_assert(ela_pubkey_from_privkey(pub, nm1)); /* -G: same X as G, even Y */
    ck_assert_uint_eq(pub[0], 0x02);
    ck_assert_mem_eq(pub + 1, g + 1, 32);

    /* The refnode test wallet key. */
    ela_test_unhex_n(priv, "9a3503c0afccdf8251e94c8ad7bb36b761c1766a0bcbddbb9f5d375a194bafe9", 32);
    ck_assert(ela_pubkey_from_privkey(pub, priv));
    ck_assert_str_eq(ela_test_hex(pub, 33),
                     "029a0a45b45c5f1406aac117ae490cf1ad0535e470a13bd3068e2a2862c22ab4d9");
}
END_TEST

/* ---- ECDSA ---- */

START_TEST(ecdsa_sign_verify_and_high_s)
{
    uint8_t priv[32], pub[33], sig[64], n[32];
    ela_test_unhex_n(n, N_HEX, 32);
    ck_assert(ela_keypair_generate(priv, pub));
    ck_assert(ela_privkey_is_valid(priv));
    uint8_t check[33];
    ck_assert(ela_pubkey_from_privkey(check, priv));
    ck_assert_mem_eq(check, pub, 33);

    const uint8_t msg[] = "elad ecdsa test message";
    ck_assert(ela_ecdsa_sign(sig, priv, msg, sizeof(msg)));
    ela_pubkey pk = {0};
    ck_assert(ela_pubkey_parse(&pk, pub, 33));
    ck_assert(ela_ecdsa_verify(&pk, msg, sizeof(msg), sig));
    ck_assert(ela_ecdsa_verify_raw(pub, 33, msg, sizeof(msg), sig));
    uint8_t digest[32];
    ela_sha256(digest, msg, sizeof(msg));
    ck_assert(ela_ecdsa_verify_digest(&pk, digest, sig));
    /* The digest is single SHA-256: SHA256d does not verify. */
    uint8_t dd[32];
    ela_sha256d(dd, msg, sizeof(msg));
    ck_assert(!ela_ecdsa_verify_digest(&pk, dd, sig));

    /* No low-S rule: (r, n - s) is valid too (§4.3). */
    uint8_t twin[64];
    memcpy(twin, sig, 32);
    sub32(twin + 32, n, sig + 32);
    ck_assert(ela_ecdsa_verify(&pk, msg, sizeof(msg), twin));

    /* Rejections: changed message, changed s, r = 0, s = 0, s = n, r = n, another key. */
    ck_assert(!ela_ecdsa_verify(&pk, msg, sizeof(msg) - 1, sig));
    uint8_t bad[64];
    memcpy(bad, sig, 64);
    bad[63] ^= 1;
    ck_assert(!ela_ecdsa_verify(&pk, msg, sizeof(msg), bad));
    memcpy(bad, sig, 64);
    memset(bad, 0, 32);
    ck_assert(!ela_ecdsa_verify(&pk, msg, sizeof(msg), bad));
    memcpy(bad, sig, 64);
    memset(bad + 32, 0, 32);
    ck_assert(!ela_ecdsa_verify(&pk, msg, sizeof(msg), bad));
    memcpy(bad, sig, 64);
    memcpy(bad + 32, n, 32);
    ck_assert(!ela_ecdsa_verify(&pk, msg, sizeof(msg), bad));
    memcpy(bad, sig, 64);
    memcpy(bad, n, 32);
    ck_assert(!ela_ecdsa_verify(&pk, msg, sizeof(msg), bad));
    uint8_t g[33];
    ela_test_unhex_n(g, G_COMPRESSED, 33);
    ck_assert(!ela_ecdsa_verify_raw(g, 33, msg, sizeof(msg), sig));
    ck_assert(!ela_ecdsa_verify_raw(g, 32, msg, sizeof(msg), sig));
    ela_pubkey_clear(&pk);
    ela_pubkey empty = {0};
    ck_assert(!ela_ecdsa_verify_digest(&empty, digest, sig));

    /* Signing with a bad key fails and zeroes the output. */
    uint8_t zero[32] = {0};
    ck_assert(!ela_ecdsa_sign_digest(sig, zero, digest));
    ck_assert_mem_eq(sig, (uint8_t[64]){0}, 64);
    ck_assert(!ela_ecdsa_sign_digest(sig, n, digest));
}
END_TEST

START_TEST(ecdsa_many_random)
{
    ela_test_seed();
    for (int i = 0; i < 20; i++) {
        uint8_t priv[32], pub[33], sig[64], digest[32];
        ck_assert(ela_keypair_generate(priv, pub));
        for (int j = 0; j < 32; j++)
            digest[j] = (uint8_t)ela_test_rand();
        ck_assert(ela_ecdsa_sign_digest(sig, priv, digest));
        ela_pubkey pk = {0};
        ck_assert(ela_pubkey_parse(&pk, pub, 33));
        ck_assert(ela_ecdsa_verify_digest(&pk, digest, sig));
        digest[i] ^= 0x80;
        ck_assert(!ela_ecdsa_verify_digest(&pk, digest, sig));
        ela_pubkey_clear(&pk);
    }
}
END_TEST

START_TEST(pubkey_cache)
{
    ela_test_seed();
    uint8_t priv[32], pub[33], other_priv[32], other[33], sig[64], digest[32];
    ck_assert(ela_keypair_generate(priv, pub));
    for (int j = 0; j < 32; j++)
        digest[j] = (uint8_t)ela_test_rand();
    ck_assert(ela_ecdsa_sign_digest(sig, priv, digest));

    const ela_pubkey *a = ela_pubkey_cached(pub);
    ck_assert_ptr_nonnull(a);
    ck_assert(ela_ecdsa_verify_digest(a, digest, sig));
    /* A second lookup is served from the cache: the same parsed key. */
    ck_assert_ptr_eq(ela_pubkey_cached(pub), a);
    ck_assert(ela_ecdsa_verify_digest(ela_pubkey_cached(pub), digest, sig));

    /* Keys that land in the same set (same bytes 1..3 of X) evict the first once the set's
     * ways are used up; every cached key stays correct and the first is parsed again on its
     * next use. */
    for (int k = 0; k < 6; k++) {
        do {
            ck_assert(ela_keypair_generate(other_priv, other));
        } while (memcmp(other, pub, 33) == 0);
        memcpy(other + 1, pub + 1, 3);
        const ela_pubkey *b = ela_pubkey_cached(other);
        if (b) /* not every X is on the curve */
            ck_assert(!ela_ecdsa_verify_digest(b, digest, sig));
    }
    ck_assert(ela_ecdsa_verify_digest(ela_pubkey_cached(pub), digest, sig));

    /* Bytes that are no key are refused and not cached. */
    uint8_t bad[33];
    memset(bad, 0xff, sizeof bad);
    bad[0] = 0x02;
    ck_assert_ptr_null(ela_pubkey_cached(bad));
    ck_assert_ptr_null(ela_pubkey_cached(bad));
}
END_TEST

START_TEST(vectors_ecdsa)
{
    json_t *root = ela_test_hold_json("signatures.json");
    json_t *arr = json_object_get(root, "ecdsa");
    ck_assert(json_array_size(arr) >= 6);
    size_t i, valid = 0, invalid = 0;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        ela_bytes key = ela_test_unhex(ela_test_json_str(v, "public_key"));
        ela_bytes msg = ela_test_unhex(ela_test_json_str(v, "message_hex"));
        ela_bytes sig = ela_test_unhex(ela_test_json_str(v, "signature_r_s"));
        bool expect = json_is_true(json_object_get(json_object_get(v, "expected"), "valid"));
        uint8_t digest[32];
        ela_sha256(digest, msg.data, msg.len);
        ck_assert_str_eq(ela_test_hex(digest, 32), ela_test_json_str(v, "sha256_of_message"));
        bool got = sig.len == 64 && ela_ecdsa_verify_raw(key.data, key.len, msg.data, msg.len,
                                                         sig.data);
        ck_assert_msg(got == expect, "ecdsa vector %zu (%s)", i,
                      ela_test_json_str(v, "description"));
        if (expect)
            valid++;
        else
            invalid++;
        ela_bytes_clear(&key);
        ela_bytes_clear(&msg);
        ela_bytes_clear(&sig);
    }
    ck_assert(valid >= 2 && invalid >= 3);

    json_t *kp = json_object_get(ela_test_hold_json("addresses.json"), "keypairs");
    ck_assert(json_array_size(kp) > 0);
    json_array_foreach(kp, i, v)
    {
        uint8_t priv[32], pub[33];
        ela_test_unhex_n(priv, ela_test_json_str(v, "private_key"), 32);
        ck_assert(ela_pubkey_from_privkey(pub, priv));
        ck_assert_str_eq(ela_test_hex(pub, 33), ela_test_json_str(v, "public_key_compressed"));
    }
    json_t *rk =
        json_object_get(ela_test_hold_json("realdata/regnet_foundation_keys.json"), "keys");
    ck_assert_uint_eq(json_array_size(rk), 4);
    json_array_foreach(rk, i, v)
    {
        uint8_t priv[32], pub[33];
        ela_test_unhex_n(priv, ela_test_json_str(v, "private_key"), 32);
        ck_assert(ela_pubkey_from_privkey(pub, priv));
        ck_assert_str_eq(ela_test_hex(pub, 33), ela_test_json_str(v, "public_key_compressed"));
    }
    json_t *tk = json_object_get(
        json_object_get(json_object_get(ela_test_hold_json("crosschain.json"), "computed"),
                        "test_keys"),
        "keys");
    ck_assert_uint_eq(json_array_size(tk), 4);
    json_array_foreach(tk, i, v)
    {
        uint8_t priv[32], pub[33];
        ela_test_unhex_n(priv, ela_test_json_str(v, "priv"), 32);
        ck_assert(ela_pubkey_from_privkey(pub, priv));
        ck_assert_str_eq(ela_test_hex(pub, 33), ela_test_json_str(v, "pub"));
    }
}
END_TEST

/* ---- Schnorr ---- */

START_TEST(schnorr_sign_verify)
{
    uint8_t priv[3][32], pub[3][33], agg[33], msg[32], sig[64];
    for (int i = 0; i < 3; i++)
        ck_assert(ela_keypair_generate(priv[i], pub[i]));
    ela_sha256d(msg, (const uint8_t *)"tx", 2);
    const char *why = "unset";

    ck_assert(ela_schnorr_sign(sig, priv, NULL, 1, msg));
    ck_assert(ela_schnorr_verify(pub[0], msg, sig, &why));
    ck_assert_ptr_null(why);
    ck_assert(!ela_schnorr_verify(pub[1], msg, sig, &why));

    ck_assert(ela_schnorr_aggregate_pubkeys(agg, pub, 3));
    ck_assert(ela_schnorr_sign(sig, priv, NULL, 3, msg));
    ck_assert(ela_schnorr_verify(agg, msg, sig, NULL));
    ck_assert(!ela_schnorr_verify(pub[0], msg, sig, NULL));
    msg[0] ^= 1;
    ck_assert(!ela_schnorr_verify(agg, msg, sig, &why));
    ck_assert_ptr_nonnull(why);
    msg[0] ^= 1;

    /* Range checks: r >= p, s >= n; bad keys. */
    uint8_t bad[64], p[32], n[32];
    ela_test_unhex_n(p, P_HEX, 32);
    ela_test_unhex_n(n, N_HEX, 32);
    memcpy(bad, sig, 64);
    memcpy(bad, p, 32);
    ck_assert(!ela_schnorr_verify(agg, msg, bad, &why));
    ck_assert_str_eq(why, "r >= p");
    memcpy(bad, sig, 64);
    memcpy(bad + 32, n, 32);
    ck_assert(!ela_schnorr_verify(agg, msg, bad, &why));
    ck_assert_str_eq(why, "s >= n");
    uint8_t badkey[33];
    memcpy(badkey, agg, 33);
    badkey[0] = 0x04;
    ck_assert(!ela_schnorr_verify(badkey, msg, sig, &why));
    ck_assert_str_eq(why, "bad public key");
    memcpy(badkey + 1, p, 32);
    badkey[0] = 0x02;
    ck_assert(!ela_schnorr_verify(badkey, msg, sig, &why));
    ck_assert_str_eq(why, "bad public key");

    /* Aggregation and signing refuse bad input. */
    ck_assert(!ela_schnorr_aggregate_pubkeys(agg, pub, 0));
    ck_assert(!ela_schnorr_aggregate_pubkeys(agg, (const uint8_t(*)[33])badkey, 1));
    uint8_t zero[1][32] = {{0}};
    ck_assert(!ela_schnorr_sign(sig, zero, NULL, 1, msg));
    ck_assert_mem_eq(sig, (uint8_t[64]){0}, 64);
    ck_assert(!ela_schnorr_sign(sig, priv, zero, 1, msg)); /* zero nonce */
    ck_assert(!ela_schnorr_sign(sig, priv, NULL, 0, msg));
    /* A key and its negation sum to infinity. */
    uint8_t two[2][33];
    memcpy(two[0], pub[0], 33);
    memcpy(two[1], pub[0], 33);
    two[1][0] ^= 1;
    ck_assert(!ela_schnorr_aggregate_pubkeys(agg, two, 2));
}
END_TEST

START_TEST(vectors_schnorr)
{
    json_t *arr = json_object_get(ela_test_hold_json("signatures.json"), "schnorr");
    ck_assert(json_array_size(arr) >= 6);
    size_t i, jacobi_rejects = 0;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        uint8_t key[33], msg[32], sig[64];
        ela_test_unhex_n(key, ela_test_json_str(v, "public_key"), 33);
        ela_test_unhex_n(msg, ela_test_json_str(v, "message32"), 32);
        ela_test_unhex_n(sig, ela_test_json_str(v, "signature_r_s"), 64);
        json_t *exp = json_object_get(v, "expected");
        bool expect = json_is_true(json_object_get(exp, "valid"));
        const char *why = NULL;
        ck_assert_msg(ela_schnorr_verify(key, msg, sig, &why) == expect, "schnorr vector %zu",
                      i);

        /* Synthetic cases name their key and nonce: signing must reproduce them, except the
         * negative one, whose signer skipped the negation that ela_schnorr_sign performs. */
        json_t *pk = json_object_get(exp, "private_key");
        json_t *nk = json_object_get(exp, "nonce_k");
        if (pk != NULL && nk != NULL) {
            uint8_t priv[1][32], nonce[1][32], mine[64];
            ela_test_unhex_n(priv[0], json_string_value(pk), 32);
            dec_to_32(nonce[0], json_string_value(nk));
            ck_assert(ela_schnorr_sign(mine, priv, nonce, 1, msg));
            ck_assert(ela_schnorr_verify(key, msg, mine, NULL));
            if (expect)
                ck_assert_mem_eq(mine, sig, 64);
            else {
                /* Only the Jacobi test tells the un-negated signature apart (R.x matches). */
                ck_assert_str_eq(why, "R.y not a residue");
                jacobi_rejects++;
                ck_assert(memcmp(mine + 32, sig + 32, 32) != 0 && memcmp(mine, sig, 32) == 0);
            }
        }
    }
    ck_assert_uint_eq(jacobi_rejects, 1);
}
END_TEST

/* Private key of a crosschain.json test key, looked up by its public key. */
static void test_key_priv(uint8_t out[32], const json_t *keys, const char *pub)
{
    size_t i;
    json_t *v;
    json_array_foreach(keys, i, v)
    {
        if (strcmp(ela_test_json_str(v, "pub"), pub) == 0) {
            ela_test_unhex_n(out, ela_test_json_str(v, "priv"), 32);
            return;
        }
    }
    ck_abort_msg("no test key %s", pub);
}

START_TEST(vectors_schnorr_aggregate)
{
    json_t *c = json_object_get(ela_test_hold_json("crosschain.json"), "computed");
    json_t *keys = json_object_get(json_object_get(c, "test_keys"), "keys");
    json_t *w = json_object_get(c, "withdraw_v2_schnorr");
    json_t *f = json_object_get(w, "facts");
    json_t *signers = json_object_get(f, "signers");
    json_t *arbiters = json_object_get(f, "arbiter_list");
    size_t ns = json_array_size(signers);
    ck_assert_uint_eq(ns, 3);

    uint8_t pubs[3][33], privs[3][32], nonces[3][32], agg[33], sig[64], msg[32];
    for (size_t i = 0; i < ns; i++) {
        const char *pub =
            json_string_value(json_array_get(arbiters, json_integer_value(json_array_get(signers, i))));
        ela_test_unhex_n(pubs[i], pub, 33);
        test_key_priv(privs[i], keys, pub);
        ela_test_unhex_n(nonces[i], json_string_value(json_array_get(json_object_get(f, "nonces_k"), i)),
                32);
    }
    ck_assert(ela_schnorr_aggregate_pubkeys(agg, pubs, ns));
    ck_assert_str_eq(ela_test_hex(agg, 33), ela_test_json_str(f, "aggregated_pubkey"));
    ela_bytes unsigned_tx = ela_test_unhex(ela_test_json_str(w, "unsigned_hex"));
    ela_sha256d(msg, unsigned_tx.data, unsigned_tx.len);
    ela_bytes_clear(&unsigned_tx);
    ck_assert(ela_schnorr_sign(sig, privs, nonces, ns, msg));
    ck_assert_str_eq(ela_test_hex(sig, 64), ela_test_json_str(f, "signature"));
    ck_assert(ela_schnorr_verify(agg, msg, sig, NULL));

    /* The k -> n - k branch (Jacobi(R.y) = -1) with the same signers. */
    json_t *neg = json_object_get(c, "schnorr_negated_nonce_case");
    ck_assert_int_eq(json_integer_value(json_object_get(neg, "jacobi_Ry")), -1);
    for (size_t i = 0; i < ns; i++)
        ela_test_unhex_n(nonces[i], json_string_value(json_array_get(json_object_get(neg, "nonces_k"), i)),
                32);
    ela_test_unhex_n(msg, ela_test_json_str(neg, "message_raw"), 32);
    ck_assert_str_eq(ela_test_hex(agg, 33), ela_test_json_str(neg, "aggregated_pubkey"));
    ck_assert(ela_schnorr_sign(sig, privs, nonces, ns, msg));
    ck_assert_str_eq(ela_test_hex(sig, 64), ela_test_json_str(neg, "signature"));
    ck_assert(ela_schnorr_verify(agg, msg, sig, NULL));
}
END_TEST

static Suite *crypto_suite(void)
{
    Suite *s = suite_create("crypto");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, base58_known_answers);
    tcase_add_test(tc, base58_rejects);
    tcase_add_test(tc, base58_random_roundtrip);
    tcase_add_test(tc, pubkey_parse_forms);
    tcase_add_test(tc, pubkey_parse_rejects);
    tcase_add_test(tc, privkey_range_and_derivation);
    tcase_add_test(tc, ecdsa_sign_verify_and_high_s);
    tcase_add_test(tc, ecdsa_many_random);
    tcase_add_test(tc, pubkey_cache);
    tcase_add_test(tc, schnorr_sign_verify);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("crypto vectors")) {
        TCase *tv = tcase_create("vectors");
        tcase_add_checked_fixture(tv, NULL, ela_test_release_json);
        tcase_add_test(tv, vectors_ecdsa);
        tcase_add_test(tv, vectors_schnorr);
        tcase_add_test(tv, vectors_schnorr_aggregate);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    return ela_test_run(crypto_suite());
}
