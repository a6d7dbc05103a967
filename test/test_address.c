/* elad tests: redeem scripts, program hashes and Base58Check addresses. */
#include "testutil.h"

#include <ela/address.h>
#include <ela/contract.h>
#include <ela/ecdsa.h>
#include <ela/hash.h>
#include <ela/hex.h>
#include <ela/uint256.h>

#include <string.h>

static ela_uint168 ph_from_hex(const char *hex)
{
    ela_uint168 ph;
    ck_assert(ela_uint168_from_hex(&ph, hex));
    return ph;
}

static const char *addr_of(const ela_uint168 *ph)
{
    static char out[ELA_ADDRESS_MAX];
    ck_assert(ela_address_from_program_hash(out, ph));
    return out;
}

/* ---- addresses ---- */

START_TEST(address_well_known)
{
    static const struct {
        const char *addr, *ph;
    } cases[] = {
        /* spec/wire.md §5.6 */
        {"8VYXVxKKSAxkmRrfmGpQR2Kc66XhG6m3ta", "129e9cf1c5f336fcf3a6c954444ed482c5d916e506"},
        {"ELANULLXXXXXXXXXXXXXXXXXXXXXYvs3rr", "2120fee5d7eb3e5c7d3197fecf6c0de30f889acef7"},
        {"CRASSETSXXXXXXXXXXXXXXXXXXXX2qDX5J", "1c5f6c3e9f0c9a7110b8eb6e3702630f71274df1c0"},
        {"STAKEPooLXXXXXXXXXXXXXXXXXXXpP1PQ2", "3f405c9e713f2013a3163949bdd6f0bcadd6c8f5ab"},
        {"XKUh4GLhFJiqAMTF6HyWQrV9pK9HcGUdfJ", "4b5929cbd09401eb2ce4134cb5ee117a01152c387e"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        ela_uint168 ph = ph_from_hex(cases[i].ph), back;
        ck_assert_str_eq(addr_of(&ph), cases[i].addr);
        ck_assert(ela_address_to_program_hash(&back, cases[i].addr));
        ck_assert(ela_uint168_equal(&back, &ph));
    }
}
END_TEST

START_TEST(address_rejects)
{
    ela_uint168 ph;
    static const char *bad[] = {
        "",
        "1234567890",
        "ELANULLXXXXXXXXXXXXXXXXXXXXXYvs3r",   /* 33 characters */
        "ELANULLXXXXXXXXXXXXXXXXXXXXXYvs3rrr", /* 35 characters */
        "ELANULLXXXXXXXXXXXXXXXXXXXXXYvs3rs",  /* checksum */
        "ELANULLXXXXXXXXXXXXXXXXXXXXXYvs3r0",  /* not base58 */
        "ELANULLXXXXXXXXXXXXXXXXXXXXXYvs3r ",
        "1111111111111111111111111111111111", /* decodes to zero */
        "111111111111111111111111111111112g", /* too short an integer after the ones */
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", /* 26-byte integer: first 21 bytes re-encode */
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(bad); i++) {
        memset(&ph, 0xaa, sizeof(ph));
        ck_assert_msg(!ela_address_to_program_hash(&ph, bad[i]), "accepted '%s'", bad[i]);
        ck_assert(ela_uint168_is_zero(&ph));
    }
}
END_TEST

START_TEST(address_random_roundtrip)
{
    ela_test_seed();
    static const uint8_t prefixes[] = {0x21, 0x12, 0x4b, 0x1f, 0x67, 0x3f, 0x1c, 0x01, 0xff};
    for (int i = 0; i < 300; i++) {
        ela_uint168 ph, back;
        ph.b[0] = prefixes[i % ELA_ARRAY_LEN(prefixes)];
        for (int j = 1; j < 21; j++)
            ph.b[j] = (uint8_t)ela_test_rand();
        const char *a = addr_of(&ph);
        if (strlen(a) == 34) {
            ck_assert(ela_address_to_program_hash(&back, a));
            ck_assert(ela_uint168_equal(&back, &ph));
        } else {
            /* A small prefix gives 33 characters and 0xff gives 35: the reference cannot parse
             * those back either. */
            ck_assert(ph.b[0] < 0x12 || ph.b[0] == 0xff);
            ck_assert(!ela_address_to_program_hash(&back, a));
        }
    }
}
END_TEST

/* ---- contracts ---- */

START_TEST(contract_standard_and_derived)
{
    /* The refnode test wallet: key -> code -> program hash -> address. */
    uint8_t key[33], code[35], schnorr[35];
    ela_test_unhex_n(key, "029a0a45b45c5f1406aac117ae490cf1ad0535e470a13bd3068e2a2862c22ab4d9", 33);
    ela_contract_standard_code(code, key);
    ck_assert(ela_contract_is_standard(code, sizeof(code)));
    ck_assert(!ela_contract_is_schnorr(code, sizeof(code)));
    ck_assert(!ela_contract_is_multisig(code, sizeof(code)));
    ck_assert_int_eq(ela_contract_code_type(code, sizeof(code)), ELA_CODE_STANDARD);
    ck_assert_uint_eq(ela_contract_prefix_for_code(code, sizeof(code)), ELA_PREFIX_STANDARD);
    ela_uint168 ph;
    ela_contract_program_hash(&ph, ELA_PREFIX_STANDARD, code, sizeof(code));
    ck_assert_str_eq(addr_of(&ph), "Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj");
    uint8_t ch[20];
    ela_contract_code_hash(ch, code, sizeof(code));
    ck_assert_mem_eq(ch, ph.b + 1, 20);

    /* Derived hashes share the code hash, except the DID. */
    ela_uint168 d;
    ela_contract_deposit_program_hash(&d, code, sizeof(code));
    ck_assert_uint_eq(d.b[0], 0x1f);
    ck_assert_mem_eq(d.b + 1, ch, 20);
    ck_assert_uint_eq(addr_of(&d)[0], 'D');
    ela_contract_stake_program_hash(&d, code, sizeof(code));
    ck_assert_uint_eq(d.b[0], 0x3f);
    ck_assert_mem_eq(d.b + 1, ch, 20);
    ck_assert_uint_eq(addr_of(&d)[0], 'S');
    ela_contract_cid_program_hash(&d, code, sizeof(code));
    ck_assert_uint_eq(d.b[0], 0x67);
    ck_assert_mem_eq(d.b + 1, ch, 20);
    ck_assert_uint_eq(addr_of(&d)[0], 'i');
    ela_contract_did_program_hash(&d, code, sizeof(code));
    uint8_t didcode[35];
    memcpy(didcode, code, 35);
    didcode[34] = ELA_OP_DID;
    ela_uint168 expect;
    ela_contract_program_hash(&expect, 0x67, didcode, 35);
    ck_assert(ela_uint168_equal(&d, &expect));
    ela_contract_cr_did_program_hash(&d, code, sizeof(code));
    ck_assert(ela_uint168_equal(&d, &expect)); /* same rule for a standard code */

    /* Schnorr code: the CR DID rule drops the version byte instead. */
    ela_contract_schnorr_code(schnorr, key);
    ck_assert(ela_contract_is_schnorr(schnorr, sizeof(schnorr)));
    ck_assert(!ela_contract_is_standard(schnorr, sizeof(schnorr)));
    ck_assert_int_eq(ela_contract_code_type(schnorr, 35), ELA_CODE_SCHNORR);
    ck_assert_uint_eq(ela_contract_prefix_for_code(schnorr, 35), ELA_PREFIX_STANDARD);
    ela_contract_cr_did_program_hash(&d, schnorr, sizeof(schnorr));
    ck_assert(ela_uint168_equal(&d, &expect)); /* 21 <key> AD either way */
    ela_contract_did_program_hash(&d, schnorr, sizeof(schnorr));
    ck_assert(!ela_uint168_equal(&d, &expect));

    /* Predicates reject near misses. */
    code[34] = ELA_OP_CHECKMULTISIG;
    ck_assert(!ela_contract_is_standard(code, 35));
    code[34] = ELA_OP_CHECKSIG;
    ck_assert(!ela_contract_is_standard(code, 34));
    code[0] = 0x20;
    ck_assert(!ela_contract_is_standard(code, 35));
    schnorr[1] = 0x20;
    ck_assert(!ela_contract_is_schnorr(schnorr, 35));
    schnorr[1] = 0x21;
    schnorr[0] = 0x52;
    ck_assert(!ela_contract_is_schnorr(schnorr, 35));
    ck_assert_int_eq(ela_contract_code_type(schnorr, 35), ELA_CODE_CUSTOM);
    ck_assert_uint_eq(ela_contract_prefix_for_code(schnorr, 35), 0);
}
END_TEST

/* Three fixed valid keys: the compressed G, 2G and 3G of P-256. */
static const char *KEYS3[] = {
    "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
    "037cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978",
    "025ecbe4d1a6330a44c8f7ef951d4bf165e6c6b721efada985fb41661bc6e7fd6c",
};

START_TEST(contract_multisig_build_and_predicates)
{
    uint8_t keys[3][33];
    for (int i = 0; i < 3; i++)
        ela_test_unhex_n(keys[i], KEYS3[i], 33);
    ela_bytes code = {0};
    ck_assert(ela_contract_multisig_code(&code, 2, keys, 3, false));
    ck_assert_uint_eq(code.len, 3 + 34 * 3);
    ck_assert_uint_eq(code.data[0], 0x52);
    ck_assert_uint_eq(code.data[code.len - 2], 0x53);
    ck_assert_uint_eq(code.data[code.len - 1], ELA_OP_CHECKMULTISIG);
    /* Sorted ascending by X: 3G (5ecb..) < G (6b17..) < 2G (7cf2..). */
    ck_assert_mem_eq(code.data + 2, keys[2], 33);
    ck_assert_mem_eq(code.data + 36, keys[0], 33);
    ck_assert_mem_eq(code.data + 70, keys[1], 33);
    ck_assert(ela_contract_is_multisig(code.data, code.len));
    ck_assert(!ela_contract_is_crosschain_multisig(code.data, code.len));
    ck_assert_int_eq(ela_contract_code_type(code.data, code.len), ELA_CODE_MULTISIG);
    ck_assert_uint_eq(ela_contract_prefix_for_code(code.data, code.len), ELA_PREFIX_MULTISIG);

    /* Input order does not matter. */
    uint8_t rev[3][33];
    for (int i = 0; i < 3; i++)
        memcpy(rev[i], keys[2 - i], 33);
    ela_bytes code2 = {0};
    ck_assert(ela_contract_multisig_code(&code2, 2, rev, 3, false));
    ck_assert(ela_bytes_equal(&code, &code2));
    ela_bytes_clear(&code2);

    /* Structural rejections of IsMultiSig. */
    bool panics;
    code.data[code.len - 1] = ELA_OP_CROSSCHAIN;
    ck_assert(!ela_contract_is_multisig_ex(code.data, code.len, &panics));
    ck_assert(!panics);
    ck_assert(ela_contract_is_crosschain_multisig(code.data, code.len));
    ck_assert_uint_eq(ela_contract_prefix_for_code(code.data, code.len), ELA_PREFIX_CROSSCHAIN);
    /* m, keys, n and no final opcode: the reference reads past the end. */
    ck_assert(!ela_contract_is_multisig_ex(code.data, code.len - 1, &panics));
    ck_assert(panics);
    code.data[code.len - 1] = ELA_OP_CHECKMULTISIG;
    code.data[0] = 0x54; /* m = 4 > n = 3 */
    ck_assert(!ela_contract_is_multisig(code.data, code.len));
    code.data[0] = 0x50; /* m = 0 */
    ck_assert(!ela_contract_is_multisig(code.data, code.len));
    code.data[0] = 0x52;
    code.data[code.len - 2] = 0x52; /* n byte says 2, three keys */
    ck_assert(!ela_contract_is_multisig(code.data, code.len));
    code.data[code.len - 2] = 0x53;
    ck_assert(ela_contract_is_multisig(code.data, code.len));
    ck_assert(!ela_contract_is_multisig(code.data, 36));
    ela_bytes_clear(&code);

    /* PUSHBYTES1 m and n are multisig to IsMultiSig (m = 17 needs 17 keys). */
    uint8_t big[2 + 17 * 34 + 2 + 1];
    size_t k = 0;
    big[k++] = 0x01;
    big[k++] = 2;
    for (int i = 0; i < 17; i++) {
        big[k++] = 33;
        memcpy(big + k, keys[i % 3], 33);
        k += 33;
    }
    big[k++] = 0x01;
    big[k++] = 17;
    big[k++] = ELA_OP_CHECKMULTISIG;
    ck_assert(ela_contract_is_multisig(big, k));
    big[k - 2] = 16;
    ck_assert(!ela_contract_is_multisig(big, k));
    /* PUSHBYTES2 forms. */
    big[0] = 0x02;
    big[1] = 0x00;
    ck_assert(!ela_contract_is_multisig(big, k)); /* m = 0x0021 then garbage */

    /* Builder rejections. */
    ela_bytes out = {0};
    ck_assert(!ela_contract_multisig_code(&out, 0, keys, 3, false));
    ck_assert(!ela_contract_multisig_code(&out, 4, keys, 3, false));
    ck_assert(!ela_contract_multisig_code(&out, 1, keys, 0, false));
    uint8_t badkeys[2][33];
    memcpy(badkeys[0], keys[0], 33);
    memcpy(badkeys[1], keys[1], 33);
    badkeys[1][0] = 0x04;
    ck_assert(!ela_contract_multisig_code(&out, 1, badkeys, 2, false));
    ck_assert_ptr_null(out.data);

    /* More than 16 keys: PUSHBYTES1 for n (as the reference's PushNumber). */
    uint8_t many[17][33];
    uint8_t priv[32] = {0};
    for (int i = 0; i < 17; i++) {
        priv[31] = (uint8_t)(i + 1);
        ck_assert(ela_pubkey_from_privkey(many[i], priv));
    }
    ck_assert(ela_contract_multisig_code(&out, 3, many, 17, false));
    ck_assert_uint_eq(out.len, 1 + 17 * 34 + 2 + 1);
    ck_assert_uint_eq(out.data[0], 0x53);
    ck_assert_uint_eq(out.data[out.len - 3], 0x01);
    ck_assert_uint_eq(out.data[out.len - 2], 17);
    ck_assert(ela_contract_is_multisig(out.data, out.len));
    ela_bytes_clear(&out);
}
END_TEST

START_TEST(contract_crosschain)
{
    /* DID side chain genesis (display order in spec/wire.md §5.5). */
    ela_uint256 g;
    ck_assert(ela_uint256_from_display(
        &g, "56be936978c261b2e649d58dbfaf3f23d4a868274f5522cd2adb4308a955c4a3"));
    uint8_t code[34];
    ela_contract_crosschain_code(code, &g);
    ck_assert_uint_eq(code[0], 0x20);
    ck_assert_uint_eq(code[33], ELA_OP_CROSSCHAIN);
    ela_uint168 ph;
    ela_contract_crosschain_program_hash(&ph, &g);
    ck_assert_str_eq(addr_of(&ph), "XKUh4GLhFJiqAMTF6HyWQrV9pK9HcGUdfJ");
    ck_assert_uint_eq(ela_contract_prefix_for_code(code, 34), ELA_PREFIX_CROSSCHAIN);
    ck_assert(!ela_contract_is_crosschain_multisig(code, 34));
}
END_TEST

START_TEST(vectors_addresses)
{
    json_t *root = ela_test_hold_json("addresses.json");
    json_t *arr = json_object_get(root, "addresses");
    ck_assert(json_array_size(arr) >= 20);
    size_t i, codes = 0;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *a = ela_test_json_str(v, "address");
        ela_uint168 ph = ph_from_hex(ela_test_json_str(v, "program_hash")), back;
        ck_assert_str_eq(addr_of(&ph), a);
        ck_assert(ela_address_to_program_hash(&back, a));
        ck_assert(ela_uint168_equal(&back, &ph));

        json_t *pk = json_object_get(v, "public_key");
        json_t *pv = json_object_get(v, "private_key");
        json_t *cd = json_object_get(v, "code");
        json_t *did = json_object_get(v, "did_code");
        json_t *gen = json_object_get(v, "side_chain_genesis_display");
        if (pv != NULL) {
            uint8_t priv[32], pub[33];
            ela_test_unhex_n(priv, json_string_value(pv), 32);
            ck_assert(ela_pubkey_from_privkey(pub, priv));
            ck_assert_str_eq(ela_test_hex(pub, 33), json_string_value(pk));
        }
        if (cd != NULL) {
            ela_bytes code = ela_test_unhex(json_string_value(cd));
            ela_uint168 mine;
            ela_contract_program_hash(&mine, ph.b[0], code.data, code.len);
            ck_assert(ela_uint168_equal(&mine, &ph));
            if (json_object_get(v, "code_hash") != NULL) {
                uint8_t ch[20];
                ela_contract_code_hash(ch, code.data, code.len);
                ck_assert_str_eq(ela_test_hex(ch, 20), ela_test_json_str(v, "code_hash"));
            }
            if (pk != NULL && code.len == 35) {
                uint8_t key[33], built[35];
                ela_test_unhex_n(key, json_string_value(pk), 33);
                if (ela_contract_is_schnorr(code.data, code.len))
                    ela_contract_schnorr_code(built, key);
                else
                    ela_contract_standard_code(built, key);
                ck_assert_mem_eq(built, code.data, 35);
            }
            if (ela_contract_is_multisig(code.data, code.len)) {
                /* Rebuild from the keys in reverse order: the sort restores the code. */
                size_t n = (code.len - 3) / 34;
                uint8_t keys[16][33];
                ck_assert(n <= 16);
                for (size_t k = 0; k < n; k++)
                    memcpy(keys[n - 1 - k], code.data + 2 + 34 * k, 33);
                ela_bytes built = {0};
                ck_assert(ela_contract_multisig_code(&built, code.data[0] - 0x50u, keys, n,
                                                     false));
                ck_assert(ela_bytes_equal(&built, &code));
                ela_bytes_clear(&built);
            }
            if (gen != NULL) {
                ela_uint256 g;
                ck_assert(ela_uint256_from_display(&g, json_string_value(gen)));
                ela_uint168 x;
                ela_contract_crosschain_program_hash(&x, &g);
                ck_assert(ela_uint168_equal(&x, &ph));
            }
            ela_bytes_clear(&code);
            codes++;
        }
        if (did != NULL) {
            /* did_code is the owner's standard code; the DID replaces its last byte. */
            ela_bytes code = ela_test_unhex(json_string_value(did));
            ela_uint168 mine;
            ela_contract_did_program_hash(&mine, code.data, code.len);
            ck_assert(ela_uint168_equal(&mine, &ph));
            ela_bytes_clear(&code);
        }
    }
    ck_assert(codes >= 10);

    json_t *inv = json_object_get(root, "invalid_addresses");
    ck_assert(json_array_size(inv) >= 3);
    json_array_foreach(inv, i, v)
    {
        ela_uint168 ph;
        ck_assert(!ela_address_to_program_hash(&ph, ela_test_json_str(v, "address")));
    }

    json_t *xs = json_object_get(json_object_get(ela_test_hold_json("crosschain.json"),
                                                 "computed_crosschecked"),
                                 "crosschain_addresses");
    ck_assert(json_array_size(xs) >= 3);
    json_array_foreach(xs, i, v)
    {
        ela_uint256 g;
        ck_assert(ela_uint256_from_display(&g, ela_test_json_str(v, "genesis_hash_display")));
        uint8_t code[34];
        ela_contract_crosschain_code(code, &g);
        ck_assert_str_eq(ela_test_hex(code, 34), ela_test_json_str(v, "redeem_script_hex"));
        ela_uint168 ph;
        ela_contract_crosschain_program_hash(&ph, &g);
        char hex[ELA_UINT168_HEX_LEN + 1];
        ela_uint168_to_hex(hex, &ph);
        ck_assert_str_eq(hex, ela_test_json_str(v, "program_hash_hex"));
        ck_assert_str_eq(addr_of(&ph), ela_test_json_str(v, "address"));
    }
}
END_TEST

START_TEST(vectors_multisig_codes)
{
    /* Regnet foundation: four keys -> 3-of-4 code -> 8ZNizBf4KhhPjeJRGpox6rPcHE5Np6tFx3. */
    json_t *root = ela_test_hold_json("realdata/regnet_foundation_keys.json");
    json_t *keys = json_object_get(root, "keys");
    json_t *ms = json_object_get(root, "multisig");
    uint8_t k4[4][33];
    size_t i;
    json_t *v;
    json_array_foreach(keys, i, v)
    {
        ck_assert(i < 4);
        ela_test_unhex_n(k4[i], ela_test_json_str(v, "public_key_compressed"), 33);
        uint8_t code[35];
        ela_contract_standard_code(code, k4[i]);
        ck_assert_str_eq(ela_test_hex(code, 35), ela_test_json_str(v, "standard_redeem_script"));
        ela_uint168 ph;
        ela_contract_program_hash(&ph, ELA_PREFIX_STANDARD, code, 35);
        ck_assert_str_eq(addr_of(&ph), ela_test_json_str(v, "address"));
    }
    ela_bytes code = {0};
    ck_assert(ela_contract_multisig_code(&code, 3, k4, 4, false));
    ck_assert_str_eq(ela_test_hex(code.data, code.len), ela_test_json_str(ms, "redeem_script"));
    ela_uint168 ph;
    ela_contract_program_hash(&ph, ELA_PREFIX_MULTISIG, code.data, code.len);
    ck_assert_str_eq(addr_of(&ph), "8ZNizBf4KhhPjeJRGpox6rPcHE5Np6tFx3");
    ck_assert_str_eq(addr_of(&ph), ela_test_json_str(ms, "address"));
    ela_bytes_clear(&code);

    /* The arbiters' cross-chain 3-of-4 code (ends in 0xAF) from the synthetic test keys. */
    json_t *c = json_object_get(ela_test_hold_json("crosschain.json"), "computed");
    json_t *tk = json_object_get(json_object_get(c, "test_keys"), "keys");
    json_array_foreach(tk, i, v)
    {
        ck_assert(i < 4);
        ela_test_unhex_n(k4[i], ela_test_json_str(v, "pub"), 33);
    }
    json_t *f = json_object_get(json_object_get(c, "withdraw_v1_multisig"), "facts");
    ck_assert(ela_contract_multisig_code(&code, 3, k4, 4, true));
    ck_assert_str_eq(ela_test_hex(code.data, code.len), ela_test_json_str(f, "redeem_script"));
    ck_assert(ela_contract_is_crosschain_multisig(code.data, code.len));
    ck_assert(!ela_contract_is_multisig(code.data, code.len));
    ela_bytes_clear(&code);

    /* The test side chain's X address. */
    json_t *sc = json_object_get(c, "test_sidechain");
    ela_uint256 g;
    ck_assert(ela_uint256_from_display(&g, ela_test_json_str(sc, "genesis_hash_display")));
    ela_contract_crosschain_program_hash(&ph, &g);
    ck_assert_str_eq(addr_of(&ph), ela_test_json_str(sc, "x_address"));
}
END_TEST

static Suite *address_suite(void)
{
    Suite *s = suite_create("address");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, address_well_known);
    tcase_add_test(tc, address_rejects);
    tcase_add_test(tc, address_random_roundtrip);
    tcase_add_test(tc, contract_standard_and_derived);
    tcase_add_test(tc, contract_multisig_build_and_predicates);
    tcase_add_test(tc, contract_crosschain);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("address vectors")) {
        TCase *tv = tcase_create("vectors");
        tcase_add_checked_fixture(tv, NULL, ela_test_release_json);
        tcase_add_test(tv, vectors_addresses);
        tcase_add_test(tv, vectors_multisig_codes);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    return ela_test_run(address_suite());
}
