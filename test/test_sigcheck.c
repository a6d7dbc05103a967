/* elad tests: transaction program verification (RunPrograms and the per-contract checks). */
#include "testutil.h"

#include <ela/address.h>
#include <ela/contract.h>
#include <ela/ecdsa.h>
#include <ela/hash.h>
#include <ela/hex.h>
#include <ela/schnorr.h>
#include <ela/serialize.h>
#include <ela/sigcheck.h>

#include <stdlib.h>
#include <string.h>

static const uint8_t MSG[] = "unsigned transaction bytes for the sigcheck tests";

/* A signer with its standard code and program hash. */
typedef struct signer {
    uint8_t priv[32], pub[33], code[35];
    ela_uint168 ph;
} signer;

static void signer_new(signer *s)
{
    ck_assert(ela_keypair_generate(s->priv, s->pub));
    ela_contract_standard_code(s->code, s->pub);
    ela_contract_program_hash(&s->ph, ELA_PREFIX_STANDARD, s->code, sizeof(s->code));
}

/* 0x40 || ECDSA signature of MSG into out[65]. */
static void sign_item(uint8_t out[65], const signer *s)
{
    out[0] = 0x40;
    ck_assert(ela_ecdsa_sign(out + 1, s->priv, MSG, sizeof(MSG)));
}

static bool check(const ela_uint168 *ph, const uint8_t *code, size_t code_len,
                  const uint8_t *param, size_t param_len, const char **why)
{
    ela_program_view p = {code, code_len, param, param_len};
    ela_sighash h;
    ela_sighash_init(&h, MSG, sizeof(MSG));
    return ela_sigcheck_program(ph, &p, &h, why);
}

START_TEST(sighash_digests)
{
    ela_sighash h;
    ela_sighash_init(&h, MSG, sizeof(MSG));
    uint8_t a[32], b[32];
    ela_sha256(a, MSG, sizeof(MSG));
    ela_sha256d(b, MSG, sizeof(MSG));
    ck_assert_mem_eq(h.sha256, a, 32);
    ck_assert_mem_eq(h.sha256d, b, 32);
}
END_TEST

START_TEST(standard_program)
{
    signer s, other;
    signer_new(&s);
    signer_new(&other);
    uint8_t param[66];
    sign_item(param, &s);
    const char *why = "unset";
    ck_assert(check(&s.ph, s.code, 35, param, 65, &why));
    ck_assert_ptr_null(why);

    /* §8 item 9: the first parameter byte is not checked. */
    param[0] = 0x00;
    ck_assert(check(&s.ph, s.code, 35, param, 65, NULL));
    /* Deposit prefix: same checks. */
    ela_uint168 dep;
    ela_contract_deposit_program_hash(&dep, s.code, 35);
    ck_assert(check(&dep, s.code, 35, param, 65, NULL));

    ck_assert(!check(&s.ph, s.code, 35, param, 64, &why));
    ck_assert_str_eq(why, "sig: invalid signature length");
    param[65] = 0;
    ck_assert(!check(&s.ph, s.code, 35, param, 66, &why));
    ck_assert_str_eq(why, "sig: invalid signature length");
    ck_assert(!check(&s.ph, s.code, 35, param, 0, &why));
    ck_assert_str_eq(why, "sig: invalid signature length");
    param[10] ^= 1;
    ck_assert(!check(&s.ph, s.code, 35, param, 65, &why));
    ck_assert_str_eq(why, "sig: invalid signature");
    param[10] ^= 1;
    /* Another key's code under this program hash; and that key's own hash. */
    ck_assert(!check(&s.ph, other.code, 35, param, 65, &why));
    ck_assert_str_eq(why, "sig: code hash mismatch");
    ck_assert(!check(&other.ph, other.code, 35, param, 65, &why));
    ck_assert_str_eq(why, "sig: invalid signature");
    /* Prefixes that programs cannot spend. */
    static const uint8_t nospend[] = {0x3f, 0x67, 0x1c, 0x00};
    for (size_t i = 0; i < ELA_ARRAY_LEN(nospend); i++) {
        ela_uint168 ph = s.ph;
        ph.b[0] = nospend[i];
        ck_assert(!check(&ph, s.code, 35, param, 65, &why));
        ck_assert_str_eq(why, "sig: unknown signature type");
    }
    /* A standard code with an undecodable key (02 || 0). */
    uint8_t badkey[33] = {0x02}, badcode[35];
    ela_contract_standard_code(badcode, badkey);
    ela_uint168 bph;
    ela_contract_program_hash(&bph, ELA_PREFIX_STANDARD, badcode, 35);
    ck_assert(!check(&bph, badcode, 35, param, 65, &why));
    ck_assert(strcmp(why, "sig: invalid public key") == 0 || strcmp(why, "sig: invalid signature") == 0);
}
END_TEST

START_TEST(quirk_custom_code_passes_unchecked)
{
    /* §8 item 12: under prefix 0x21 or 0x1f a code that is neither Schnorr, standard nor
     * multisig but matches the program hash passes with no signature at all. */
    uint8_t code[40];
    memset(code, 0x61, sizeof(code));
    ck_assert_int_eq(ela_contract_code_type(code, sizeof(code)), ELA_CODE_CUSTOM);
    ela_uint168 ph;
    const char *why = "unset";
    ela_contract_program_hash(&ph, ELA_PREFIX_STANDARD, code, sizeof(code));
    ck_assert(check(&ph, code, sizeof(code), NULL, 0, &why));
    ck_assert_ptr_null(why);
    ela_contract_program_hash(&ph, ELA_PREFIX_DEPOSIT, code, sizeof(code));
    ck_assert(check(&ph, code, sizeof(code), (const uint8_t *)"junk", 4, NULL));
    /* The hash must still match, and the multisig prefix does check. */
    ph.b[5] ^= 1;
    ck_assert(!check(&ph, code, sizeof(code), NULL, 0, &why));
    ck_assert_str_eq(why, "sig: code hash mismatch");
    ela_contract_program_hash(&ph, ELA_PREFIX_MULTISIG, code, sizeof(code));
    ck_assert(!check(&ph, code, sizeof(code), NULL, 0, &why));
    ck_assert_str_eq(why, "sig: invalid multisig code");
    /* Empty code under 0x21 passes too; under 0x12 the reference would panic. */
    ela_contract_program_hash(&ph, ELA_PREFIX_STANDARD, code, 0);
    ck_assert(check(&ph, code, 0, NULL, 0, NULL));
    ela_contract_program_hash(&ph, ELA_PREFIX_MULTISIG, code, 0);
    ck_assert(!check(&ph, code, 0, NULL, 0, &why));
    ck_assert_str_eq(why, "sig: malformed code");
}
END_TEST

/* Builds an m-of-n multisig code from signers (sorted by the builder). */
static ela_bytes multisig_code(unsigned m, signer *s, size_t n, bool crosschain)
{
    uint8_t keys[8][33];
    for (size_t i = 0; i < n; i++)
        memcpy(keys[i], s[i].pub, 33);
    ela_bytes code = {0};
    ck_assert(ela_contract_multisig_code(&code, m, keys, n, crosschain));
    return code;
}

START_TEST(multisig_program)
{
    signer s[3];
    for (int i = 0; i < 3; i++)
        signer_new(&s[i]);
    ela_bytes code = multisig_code(2, s, 3, false);
    ela_uint168 ph;
    ela_contract_program_hash(&ph, ELA_PREFIX_MULTISIG, code.data, code.len);
    uint8_t param[4 * 65];
    const char *why = "unset";

    sign_item(param, &s[2]);
    sign_item(param + 65, &s[0]);
    ck_assert(check(&ph, code.data, code.len, param, 130, &why)); /* any order */
    ck_assert_ptr_null(why);
    /* Multisig code under the standard prefix is checked as multisig too. */
    ela_uint168 sph;
    ela_contract_program_hash(&sph, ELA_PREFIX_STANDARD, code.data, code.len);
    ck_assert(check(&sph, code.data, code.len, param, 130, NULL));

    ck_assert(!check(&ph, code.data, code.len, param, 65, &why));
    ck_assert_str_eq(why, "sig: not enough signatures");
    ck_assert(!check(&ph, code.data, code.len, param, 129, &why));
    ck_assert_str_eq(why, "sig: invalid signature length");

    /* A garbage signature among enough good ones is ignored. */
    memset(param + 130, 0x40, 65);
    ck_assert(check(&ph, code.data, code.len, param, 195, NULL));
    /* ... but two good ones are needed among the items. */
    memcpy(param + 65, param + 130, 65);
    ck_assert(!check(&ph, code.data, code.len, param, 195, &why));
    ck_assert_str_eq(why, "sig: not enough signatures");
    /* Two signatures by the same key: duplicate. */
    sign_item(param + 65, &s[2]);
    ck_assert(!check(&ph, code.data, code.len, param, 130, &why));
    ck_assert_str_eq(why, "sig: multisig duplicate signer");
    /* More items than keys. */
    sign_item(param + 65, &s[0]);
    sign_item(param + 130, &s[1]);
    memset(param + 195, 0x40, 65);
    ck_assert(check(&ph, code.data, code.len, param, 195, NULL));
    ck_assert(!check(&ph, code.data, code.len, param, 260, &why));
    ck_assert_str_eq(why, "sig: too many signatures");

    /* The same code ending in CROSSCHAIN is not a CHECKMULTISIG program. */
    ela_bytes xcode = multisig_code(2, s, 3, true);
    ela_uint168 xph;
    ela_contract_program_hash(&xph, ELA_PREFIX_MULTISIG, xcode.data, xcode.len);
    ck_assert(!check(&xph, xcode.data, xcode.len, param, 130, &why));
    ck_assert_str_eq(why, "sig: invalid multisig code");
    /* Under the cross-chain prefix it verifies, and the code hash is not compared. */
    ela_uint168 any = {{ELA_PREFIX_CROSSCHAIN}};
    ck_assert(check(&any, xcode.data, xcode.len, param, 130, &why));
    ck_assert(!check(&any, xcode.data, xcode.len, param, 65, &why));
    ck_assert_str_eq(why, "sig: not enough signatures");
    ck_assert(!check(&any, code.data, code.len, param, 130, &why));
    ck_assert_str_eq(why, "sig: invalid multisig code");

    /* Cross-chain quirk: m is not range-checked, so m = 0 with no signatures passes. */
    xcode.data[0] = 0x50;
    ck_assert(check(&any, xcode.data, xcode.len, NULL, 0, NULL));
    ck_assert(!check(&any, xcode.data, 1, NULL, 0, &why));
    ck_assert_str_eq(why, "sig: malformed code");
    ela_bytes_clear(&xcode);
    ela_bytes_clear(&code);
}
END_TEST

START_TEST(multisig_key_decoding_order)
{
    /* 1-of-2 codes with one good key and one odd key, written by hand to fix the order. */
    signer s;
    signer_new(&s);
    uint8_t param[65];
    sign_item(param, &s);
    const char *why;

    /* An X with no square root: the reference fails the program when it reaches that key. */
    uint8_t none[33] = {0x02};
    for (uint8_t x = 1;; x++) {
        none[32] = x;
        if (!ela_pubkey_reference_decodes(none, 33))
            break;
    }
    /* An X >= p that the reference reduces and decodes, but which never verifies. */
    uint8_t big[33] = {0x02};
    ela_test_unhex_n(big + 1, "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 32);
    for (unsigned t = 0;; t++) {
        uint8_t k[33];
        memcpy(k, big, 33);
        unsigned carry = t;
        for (int i = 32; i >= 1 && carry; i--) {
            unsigned v = k[i] + carry;
            k[i] = (uint8_t)v;
            carry = v >> 8;
        }
        if (ela_pubkey_reference_decodes(k, 33)) {
            memcpy(big, k, 33);
            break;
        }
    }

    const uint8_t *odd[2] = {none, big};
    for (int which = 0; which < 2; which++) {
        for (int first = 0; first < 2; first++) {
            uint8_t code[71];
            code[0] = 0x51;
            code[1] = 33;
            memcpy(code + 2, first ? odd[which] : s.pub, 33);
            code[35] = 33;
            memcpy(code + 36, first ? s.pub : odd[which], 33);
            code[69] = 0x52;
            code[70] = ELA_OP_CHECKMULTISIG;
            ela_uint168 ph;
            ela_contract_program_hash(&ph, ELA_PREFIX_MULTISIG, code, sizeof(code));
            bool ok = check(&ph, code, sizeof(code), param, 65, &why);
            if (which == 0 && first) {
                ck_assert(!ok);
                ck_assert_str_eq(why, "sig: invalid public key");
            } else {
                ck_assert_msg(ok, "which %d first %d: %s", which, first, why);
            }
        }
    }
}
END_TEST

START_TEST(schnorr_program)
{
    signer s;
    signer_new(&s);
    uint8_t code[35], param[66];
    ela_contract_schnorr_code(code, s.pub);
    ela_uint168 ph;
    ela_contract_program_hash(&ph, ELA_PREFIX_STANDARD, code, 35);
    ela_sighash h;
    ela_sighash_init(&h, MSG, sizeof(MSG));
    uint8_t priv[1][32];
    memcpy(priv[0], s.priv, 32);
    ck_assert(ela_schnorr_sign(param, priv, NULL, 1, h.sha256d));
    const char *why = "unset";
    ck_assert(check(&ph, code, 35, param, 64, &why));
    ck_assert_ptr_null(why);
    param[64] = 0x99; /* bytes after the first 64 are ignored */
    ck_assert(check(&ph, code, 35, param, 65, NULL));
    ck_assert(!check(&ph, code, 35, param, 63, &why));
    ck_assert_str_eq(why, "sig: invalid signature length");
    /* The wallet habit of a 0x40 prefix breaks it. */
    memmove(param + 1, param, 64);
    param[0] = 0x40;
    ck_assert(!check(&ph, code, 35, param, 65, &why));
    ck_assert_str_eq(why, "sig: invalid schnorr signature");
    /* A signature over the single SHA-256 is not valid (the message is SHA256d). */
    ck_assert(ela_schnorr_sign(param, priv, NULL, 1, h.sha256));
    ck_assert(!check(&ph, code, 35, param, 64, NULL));
    /* Cross-chain prefix: Schnorr without code-hash comparison. */
    ck_assert(ela_schnorr_sign(param, priv, NULL, 1, h.sha256d));
    ela_uint168 x = {{ELA_PREFIX_CROSSCHAIN, 1, 2, 3}};
    ck_assert(check(&x, code, 35, param, 64, NULL));
    ck_assert(!check(&x, code, 35, param, 10, &why));
}
END_TEST

START_TEST(run_programs_matching)
{
    signer s[3];
    for (int i = 0; i < 3; i++)
        signer_new(&s[i]);
    uint8_t params[3][65];
    for (int i = 0; i < 3; i++)
        sign_item(params[i], &s[i]);
    ela_program_view progs[3];
    for (int i = 0; i < 3; i++)
        progs[i] = (ela_program_view){s[i].code, 35, params[i], 65};
    /* Required hashes in another order, with duplicates (several inputs of one address). */
    ela_uint168 req[5] = {s[2].ph, s[0].ph, s[2].ph, s[1].ph, s[0].ph};
    const char *why = "unset";
    ck_assert(ela_sigcheck_run_programs(req, 5, progs, 3, MSG, sizeof(MSG), &why));
    ck_assert_ptr_null(why);
    ck_assert(ela_uint168_equal(&req[0], &s[2].ph)); /* input not modified */

    /* The split form: match, then check every pair independently. */
    ela_uint168 req2[5];
    memcpy(req2, req, sizeof(req));
    size_t ro[3], po[3], u;
    ck_assert(ela_sigcheck_match(ro, po, &u, req2, 5, progs, 3, NULL));
    ck_assert_uint_eq(u, 3);
    ela_sighash h;
    ela_sighash_init(&h, MSG, sizeof(MSG));
    for (size_t i = 0; i < u; i++) {
        ck_assert(ela_sigcheck_program(&req2[ro[i]], &progs[po[i]], &h, NULL));
        ck_assert(ela_uint168_equal(&req2[ro[i]], &s[po[i]].ph));
        if (i > 0) {
            /* Ascending by code hash read from its last byte. */
            const uint8_t *a = req2[ro[i - 1]].b + 1, *b = req2[ro[i]].b + 1;
            int c = 0;
            for (int k = 19; k >= 0 && c == 0; k--)
                c = (a[k] > b[k]) - (a[k] < b[k]);
            ck_assert_int_lt(c, 0);
        }
    }

    /* Count mismatches. */
    ck_assert(!ela_sigcheck_run_programs(req, 5, progs, 2, MSG, sizeof(MSG), &why));
    ck_assert_str_eq(why, "sig: program count mismatch");
    ck_assert(!ela_sigcheck_run_programs(req, 2, progs, 3, MSG, sizeof(MSG), &why));
    ck_assert_str_eq(why, "sig: program count mismatch");
    ck_assert(ela_sigcheck_run_programs(NULL, 0, NULL, 0, MSG, sizeof(MSG), NULL));
    /* A wrong signature anywhere fails the whole. */
    params[1][20] ^= 1;
    ck_assert(!ela_sigcheck_run_programs(req, 5, progs, 3, MSG, sizeof(MSG), &why));
    ck_assert_str_eq(why, "sig: invalid signature");
    params[1][20] ^= 1;
    /* A program for an address nobody requires. */
    signer t;
    signer_new(&t);
    progs[1] = (ela_program_view){t.code, 35, params[1], 65};
    ck_assert(!ela_sigcheck_run_programs(req, 5, progs, 3, MSG, sizeof(MSG), &why));
    ck_assert(strcmp(why, "sig: code hash mismatch") == 0 ||
              strcmp(why, "sig: invalid signature") == 0);
}
END_TEST

/* ---- vectors ---- */

START_TEST(vectors_tx_signature_checks)
{
    json_t *vecs = json_object_get(ela_test_hold_json("tx.json"), "vectors");
    size_t i, checked = 0, valid = 0;
    json_t *v;
    json_array_foreach(vecs, i, v)
    {
        json_t *exp = json_object_get(v, "expected");
        json_t *checks = json_object_get(exp, "signature_checks");
        json_t *programs = json_object_get(exp, "programs");
        if (checks == NULL || json_array_size(programs) == 0)
            continue;
        ela_bytes tx = ela_test_unhex(ela_test_json_str(v, "hex"));
        size_t usize = (size_t)json_integer_value(json_object_get(exp, "unsigned_size"));
        ck_assert(usize > 0 && usize < tx.len);
        size_t np = json_array_size(programs);
        ck_assert_uint_eq(tx.data[usize], np); /* the program count follows the unsigned part */
        ela_bytes *params = ela_xcalloc(np, sizeof(*params));
        ela_bytes *codes = ela_xcalloc(np, sizeof(*codes));
        ela_program_view *views = ela_xcalloc(np, sizeof(*views));
        ela_uint168 *req = ela_xcalloc(np, sizeof(*req));
        bool all_valid = true;
        ela_sighash h;
        ela_sighash_init(&h, tx.data, usize);
        for (size_t p = 0; p < np; p++) {
            json_t *prog = json_array_get(programs, p);
            params[p] = ela_test_unhex(ela_test_json_str(prog, "param"));
            codes[p] = ela_test_unhex(ela_test_json_str(prog, "code"));
            views[p] = (ela_program_view){codes[p].data, codes[p].len, params[p].data,
                                          params[p].len};
            uint8_t prefix = ela_contract_prefix_for_code(codes[p].data, codes[p].len);
            ck_assert_uint_ne(prefix, 0);
            ela_contract_program_hash(&req[p], prefix, codes[p].data, codes[p].len);

            json_t *c = json_array_get(checks, p);
            json_t *ev = json_object_get(c, "valid");
            if (ev == NULL)
                ev = json_object_get(c, "valid_as_node_checks_first_64_bytes");
            ck_assert_ptr_nonnull(ev);
            bool expect = json_is_true(ev);
            const char *why = NULL;
            bool got = ela_sigcheck_program(&req[p], &views[p], &h, &why);
            ck_assert_msg(got == expect, "tx vector %zu program %zu: %s (%s)", i, p,
                          why ? why : "valid", ela_test_json_str(v, "description"));
            all_valid = all_valid && expect;
            checked++;
            valid += expect;
        }
        ck_assert(ela_sigcheck_run_programs(req, np, views, np, tx.data, usize, NULL) ==
                  all_valid);
        for (size_t p = 0; p < np; p++) {
            ela_bytes_clear(&params[p]);
            ela_bytes_clear(&codes[p]);
        }
        free(params);
        free(codes);
        free(views);
        free(req);
        ela_bytes_clear(&tx);
    }
    ck_assert(checked >= 20);
    ck_assert(valid >= 5);
}
END_TEST

START_TEST(vectors_multisig_cases)
{
    json_t *arr = json_object_get(ela_test_hold_json("signatures.json"), "multisig");
    ck_assert(json_array_size(arr) >= 6);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        ela_bytes code = ela_test_unhex(ela_test_json_str(v, "code"));
        ela_bytes param = ela_test_unhex(ela_test_json_str(v, "parameter_hex"));
        ela_bytes msg = ela_test_unhex(ela_test_json_str(v, "message_hex"));
        bool expect = json_is_true(json_object_get(json_object_get(v, "expected"), "valid"));
        ela_program_view p = {code.data, code.len, param.data, param.len};
        ela_sighash h;
        ela_sighash_init(&h, msg.data, msg.len);
        const char *why = NULL;
        ck_assert_msg(ela_sigcheck_multisig(&p, &h, false, &why) == expect, "multisig %zu: %s",
                      i, why ? why : "valid");
        ela_uint168 ph;
        ela_contract_program_hash(&ph, ELA_PREFIX_MULTISIG, code.data, code.len);
        ck_assert(ela_sigcheck_run_programs(&ph, 1, &p, 1, msg.data, msg.len, NULL) == expect);
        ela_bytes_clear(&code);
        ela_bytes_clear(&param);
        ela_bytes_clear(&msg);
    }
}
END_TEST

/* Reads the programs after `unsigned_len` bytes of a signed tx: count, then (param, code). */
static size_t read_programs(ela_program_view *out, size_t max, const ela_bytes *tx,
                            size_t unsigned_len)
{
    ela_reader r;
    ela_reader_init(&r, tx->data + unsigned_len, tx->len - unsigned_len);
    uint64_t n;
    ck_assert(ela_read_varint(&r, &n));
    ck_assert(n <= max);
    for (size_t i = 0; i < n; i++) {
        uint64_t pl, cl;
        ck_assert(ela_read_varint(&r, &pl));
        ck_assert(ela_read_view(&r, &out[i].param, pl));
        out[i].param_len = pl;
        ck_assert(ela_read_varint(&r, &cl));
        ck_assert(ela_read_view(&r, &out[i].code, cl));
        out[i].code_len = cl;
    }
    ck_assert_uint_eq(ela_reader_left(&r), 0);
    return n;
}

START_TEST(vectors_refnode_transfer)
{
    char *signed_hex = ela_test_read_text("refnode/rpc/transfer_tx_signed.hex");
    char *unsigned_hex = ela_test_read_text("refnode/rpc/transfer_tx_unsigned.hex");
    signed_hex[strcspn(signed_hex, " \r\n")] = '\0';
    unsigned_hex[strcspn(unsigned_hex, " \r\n")] = '\0';
    ela_bytes tx = ela_test_unhex(signed_hex);
    ela_bytes utx = ela_test_unhex(unsigned_hex);
    /* The unsigned file is the tx with one empty-parameter program: count 01, param 00, code. */
    size_t msg_len = utx.len - (1 + 1 + 1 + 35);
    ck_assert_mem_eq(tx.data, utx.data, msg_len);
    ck_assert_uint_eq(utx.data[msg_len], 1);
    ck_assert_uint_eq(utx.data[msg_len + 1], 0);

    ela_program_view progs[2];
    ck_assert_uint_eq(read_programs(progs, 2, &tx, msg_len), 1);
    ck_assert_uint_eq(progs[0].param_len, 65);
    ck_assert(ela_contract_is_standard(progs[0].code, progs[0].code_len));
    ck_assert_str_eq(ela_test_hex(progs[0].code + 1, 33),
                     "029a0a45b45c5f1406aac117ae490cf1ad0535e470a13bd3068e2a2862c22ab4d9");
    ela_uint168 ph;
    ela_contract_program_hash(&ph, ELA_PREFIX_STANDARD, progs[0].code, progs[0].code_len);
    char addr[ELA_ADDRESS_MAX];
    ck_assert(ela_address_from_program_hash(addr, &ph));
    ck_assert_str_eq(addr, "Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj");
    const char *why = NULL;
    ck_assert_msg(ela_sigcheck_run_programs(&ph, 1, progs, 1, tx.data, msg_len, &why), "%s", why);
    /* One byte more or less of message does not verify. */
    ck_assert(!ela_sigcheck_run_programs(&ph, 1, progs, 1, tx.data, msg_len + 1, NULL));
    ck_assert(!ela_sigcheck_run_programs(&ph, 1, progs, 1, tx.data, msg_len - 1, NULL));
    ela_bytes_clear(&tx);
    ela_bytes_clear(&utx);
    free(signed_hex);
    free(unsigned_hex);
}
END_TEST

START_TEST(vectors_crosschain_programs)
{
    json_t *c = json_object_get(ela_test_hold_json("crosschain.json"), "computed");
    json_t *sc = json_object_get(c, "test_sidechain");
    ela_uint168 xph;
    ck_assert(ela_uint168_from_hex(&xph, ela_test_json_str(sc, "x_program_hash")));
    static const char *names[] = {"withdraw_v1_multisig", "withdraw_v2_schnorr"};
    for (size_t i = 0; i < ELA_ARRAY_LEN(names); i++) {
        json_t *w = json_object_get(c, names[i]);
        ela_bytes tx = ela_test_unhex(ela_test_json_str(w, "hex"));
        ela_bytes utx = ela_test_unhex(ela_test_json_str(w, "unsigned_hex"));
        ck_assert_mem_eq(tx.data, utx.data, utx.len);
        ela_program_view progs[2];
        ck_assert_uint_eq(read_programs(progs, 2, &tx, utx.len), 1);
        const char *why = NULL;
        ck_assert_msg(ela_sigcheck_run_programs(&xph, 1, progs, 1, utx.data, utx.len, &why),
                      "%s: %s", names[i], why);
        /* 0x4b skips the code-hash comparison: any 0x4b hash is matched the same way. */
        ela_uint168 other = xph;
        other.b[7] ^= 0x55;
        ck_assert(ela_sigcheck_run_programs(&other, 1, progs, 1, utx.data, utx.len, NULL));
        /* Under any other prefix the code hash is compared and fails. */
        other.b[0] = ELA_PREFIX_STANDARD;
        ck_assert(!ela_sigcheck_run_programs(&other, 1, progs, 1, utx.data, utx.len, &why));
        ck_assert_str_eq(why, "sig: code hash mismatch");
        /* A changed message fails. */
        utx.data[utx.len - 1] ^= 1;
        ck_assert(!ela_sigcheck_run_programs(&xph, 1, progs, 1, utx.data, utx.len, NULL));
        ela_bytes_clear(&tx);
        ela_bytes_clear(&utx);
    }
}
END_TEST

static Suite *sigcheck_suite(void)
{
    Suite *s = suite_create("sigcheck");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sighash_digests);
    tcase_add_test(tc, standard_program);
    tcase_add_test(tc, quirk_custom_code_passes_unchecked);
    tcase_add_test(tc, multisig_program);
    tcase_add_test(tc, multisig_key_decoding_order);
    tcase_add_test(tc, schnorr_program);
    tcase_add_test(tc, run_programs_matching);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("sigcheck vectors")) {
        TCase *tv = tcase_create("vectors");
        tcase_add_checked_fixture(tv, NULL, ela_test_release_json);
        tcase_add_test(tv, vectors_tx_signature_checks);
        tcase_add_test(tv, vectors_multisig_cases);
        tcase_add_test(tv, vectors_refnode_transfer);
        tcase_add_test(tv, vectors_crosschain_programs);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    return ela_test_run(sigcheck_suite());
}
