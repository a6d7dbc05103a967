/* elad tests: util module (reader/writer, hex, hashes, amounts, hash types). */
#include "testutil.h"

#include <ela/amount.h>
#include <ela/hash.h>
#include <ela/hex.h>
#include <ela/serialize.h>
#include <ela/uint256.h>

#include <string.h>

START_TEST(varint_roundtrip)
{
    static const uint64_t values[] = {0, 1, 0xfc, 0xfd, 0xffff, 0x10000, 0xffffffff,
                                      UINT64_C(0x100000000), UINT64_MAX};
    for (size_t i = 0; i < ELA_ARRAY_LEN(values); i++) {
        ela_writer w;
        ela_writer_init(&w);
        ela_write_varint(&w, values[i]);
        ck_assert_uint_eq(w.len, ela_varint_size(values[i]));
        ela_reader r;
        ela_reader_init(&r, w.data, w.len);
        uint64_t v;
        ck_assert(ela_read_varint(&r, &v));
        ck_assert_uint_eq(v, values[i]);
        ck_assert_uint_eq(ela_reader_left(&r), 0);
        ela_writer_clear(&w);
    }
}
END_TEST

START_TEST(varint_rejects_noncanonical_and_truncated)
{
    static const char *bad[] = {"fdfc00", "feffff0000", "ffffffffff00000000", "fd01", "fe0000", ""};
    for (size_t i = 0; i < ELA_ARRAY_LEN(bad); i++) {
        ela_bytes b = ela_test_unhex(bad[i]);
        ela_reader r;
        ela_reader_init(&r, b.data, b.len);
        uint64_t v = 123;
        ck_assert_msg(!ela_read_varint(&r, &v), "accepted %s", bad[i]);
        ck_assert_uint_eq(v, 0);
        ck_assert_ptr_nonnull(r.err);
        ela_bytes_clear(&b);
    }
}
END_TEST

START_TEST(reader_is_sticky_and_bounded)
{
    uint8_t buf[5] = {3, 'a', 'b', 'c', 9};
    ela_reader r;
    ela_reader_init(&r, buf, sizeof buf);
    ela_bytes s = {0};
    ck_assert(!ela_read_varbytes(&r, &s, 2)); /* over the field limit */
    ck_assert_str_eq(r.err, "count exceeds limit");
    uint8_t u;
    ck_assert(!ela_read_u8(&r, &u)); /* sticky */
    ela_reader_init(&r, buf, 3);
    ck_assert(!ela_read_varbytes(&r, &s, 100)); /* length beyond the buffer */
    ck_assert_str_eq(r.err, "truncated");
    ck_assert_ptr_null(s.data);
    ela_reader_init(&r, buf, sizeof buf);
    ck_assert(ela_read_varbytes(&r, &s, 3));
    ck_assert_uint_eq(s.len, 3);
    ck_assert(memcmp(s.data, "abc", 3) == 0);
    bool b;
    ck_assert(ela_read_bool(&r, &b) && b); /* any non-zero byte is true */
    ela_bytes_clear(&s);
}
END_TEST

START_TEST(reader_finish)
{
    uint8_t buf[3] = {1, 2, 3};
    ela_reader r;
    uint8_t v;
    const char *why = NULL;
    ela_reader_init(&r, buf, 3);
    ck_assert(ela_read_u8(&r, &v));
    ck_assert(!ela_reader_finish(&r, &why)); /* two bytes left */
    ck_assert_str_eq(why, "trailing bytes");
    ela_reader_init(&r, buf, 1);
    why = NULL;
    ck_assert(ela_read_u8(&r, &v));
    ck_assert(ela_reader_finish(&r, &why)); /* consumed exactly */
    ck_assert_ptr_null(why);
    ela_reader_init(&r, buf, 1);
    uint16_t u;
    ck_assert(!ela_read_u16(&r, &u));
    ck_assert(!ela_reader_finish(&r, NULL)); /* NULL why is allowed */
    ck_assert(!ela_reader_finish(&r, &why)); /* the first failure is kept */
    ck_assert_str_eq(why, "truncated");
}
END_TEST

START_TEST(fixed_ints_little_endian)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_write_u16(&w, 0x0102);
    ela_write_u32(&w, 0x03040506);
    ela_write_i64(&w, -2);
    ck_assert_str_eq(ela_test_hex(w.data, w.len), "020106050403feffffffffffffff");
    ela_reader r;
    ela_reader_init(&r, w.data, w.len);
    uint16_t a;
    uint32_t b;
    int64_t c;
    ck_assert(ela_read_u16(&r, &a) && ela_read_u32(&r, &b) && ela_read_i64(&r, &c));
    ck_assert_uint_eq(a, 0x0102);
    ck_assert_uint_eq(b, 0x03040506);
    ck_assert_int_eq(c, -2);
    ela_bytes out;
    ela_writer_release(&w, &out);
    ck_assert_uint_eq(out.len, 14);
    ela_bytes_clear(&out);
}
END_TEST

START_TEST(hex_codec)
{
    ela_bytes b;
    const char *why = NULL;
    ck_assert(ela_hex_decode_bytes(&b, "00Ff10", &why));
    ck_assert_str_eq(ela_test_hex(b.data, b.len), "00ff10");
    ela_bytes_clear(&b);
    ck_assert(!ela_hex_decode_bytes(&b, "abc", &why));
    ck_assert_str_eq(why, "odd number of hex digits");
    ck_assert(!ela_hex_decode_bytes(&b, "zz", &why));
    ck_assert_str_eq(why, "not a hex digit");
    ck_assert(ela_hex_decode_bytes(&b, "", &why));
    ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(hash_known_answers)
{
    uint8_t out[32], r160[20];
    ela_sha256(out, (const uint8_t *)"abc", 3);
    ck_assert_str_eq(ela_test_hex(out, 32),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ela_sha256d(out, (const uint8_t *)"", 0);
    ck_assert_str_eq(ela_test_hex(out, 32),
                     "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456");
    ela_ripemd160(r160, (const uint8_t *)"abc", 3);
    ck_assert_str_eq(ela_test_hex(r160, 20), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
    ela_sha256_ctx ctx;
    ela_sha256_init(&ctx);
    ela_sha256_update(&ctx, (const uint8_t *)"a", 1);
    ela_sha256_update(&ctx, (const uint8_t *)"bc", 2);
    ela_sha256_final(&ctx, out);
    ck_assert_str_eq(ela_test_hex(out, 32),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(uint256_display_and_compare)
{
    ela_uint256 h, g;
    ck_assert(ela_uint256_from_display(
        &h, "05f458a5522851622cae2bb138498dec60a8f0b233802c97a1ca41f9f214708d"));
    char s[65];
    ela_uint256_to_internal_hex(s, &h);
    ck_assert_str_eq(s, "8d7014f2f941caa1972c8033b2f0a860ec8d4938b12bae2c62512852a558f405");
    ela_uint256_to_display(s, &h);
    ck_assert_str_eq(s, "05f458a5522851622cae2bb138498dec60a8f0b233802c97a1ca41f9f214708d");
    ck_assert(!ela_uint256_from_display(&g, "05f4"));
    ck_assert(ela_uint256_is_zero(&g));
    /* Reverse-byte comparison: the last byte is the most significant. */
    memset(&g, 0, sizeof g);
    memset(&h, 0, sizeof h);
    g.b[0] = 0xff;
    h.b[31] = 0x01;
    ck_assert_int_lt(ela_uint256_compare(&g, &h), 0);
    ck_assert_int_gt(ela_uint256_compare(&h, &g), 0);
    ck_assert_int_eq(ela_uint256_compare(&h, &h), 0);
    ela_uint168 a, b;
    ck_assert(ela_uint168_from_hex(&a, "129e9cf1c5f336fcf3a6c954444ed482c5d916e506"));
    ck_assert(!ela_uint168_from_hex(&b, "12"));
    char p[43];
    ela_uint168_to_hex(p, &a);
    ck_assert_str_eq(p, "129e9cf1c5f336fcf3a6c954444ed482c5d916e506");
}
END_TEST

START_TEST(amount_strings)
{
    char s[ELA_AMOUNT_STR_LEN];
    ela_amount_to_string(s, INT64_MIN);
    ck_assert_str_eq(s, "-92233720368.54775808");
    int64_t v;
    ck_assert(ela_amount_from_string(&v, "1.5"));
    ck_assert_int_eq(v, 150000000);
    ck_assert(ela_amount_from_string(&v, "-0.00000001"));
    ck_assert_int_eq(v, -1);
    ck_assert(!ela_amount_from_string(&v, "1.000000001"));
    ck_assert(!ela_amount_from_string(&v, "1."));
    ck_assert(!ela_amount_from_string(&v, ""));
    ck_assert(!ela_amount_from_string(&v, "1e5"));
    ck_assert(!ela_amount_from_string(&v, "92233720368.54775808"));
    ck_assert(ela_amount_from_string(&v, "92233720368.54775807"));
    ck_assert_int_eq(v, INT64_MAX);
}
END_TEST

START_TEST(vectors_primitives)
{
    json_t *j = ela_test_load_json("primitives.json");
    size_t i;
    json_t *e;
    int n = 0;
    json_array_foreach(json_object_get(j, "varint"), i, e) {
        ela_bytes b = ela_test_unhex(ela_test_json_str(e, "hex"));
        ela_reader r;
        ela_reader_init(&r, b.data, b.len);
        uint64_t v;
        bool ok = ela_read_varint(&r, &v) && ela_reader_left(&r) == 0;
        ck_assert_msg(ok == json_is_true(json_object_get(e, "expected_valid")), "varint %s",
                      ela_test_json_str(e, "hex"));
        if (ok) {
            ck_assert_uint_eq(v, (uint64_t)json_integer_value(json_object_get(e, "value")));
            ela_writer w;
            ela_writer_init(&w);
            ela_write_varint(&w, v);
            ck_assert_str_eq(ela_test_hex(w.data, w.len), ela_test_json_str(e, "hex"));
            ela_writer_clear(&w);
        }
        ela_bytes_clear(&b);
        n++;
    }
    json_array_foreach(json_object_get(j, "fixed64_string"), i, e) {
        char s[ELA_AMOUNT_STR_LEN];
        int64_t sela = json_integer_value(json_object_get(e, "int64"));
        ela_amount_to_string(s, sela);
        ck_assert_str_eq(s, ela_test_json_str(e, "string"));
        int64_t back;
        ck_assert(ela_amount_from_string(&back, s));
        ck_assert_int_eq(back, sela);
        n++;
    }
    ck_assert_int_gt(n, 20);
    json_decref(j);
}
END_TEST

static Suite *util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, varint_roundtrip);
    tcase_add_test(tc, varint_rejects_noncanonical_and_truncated);
    tcase_add_test(tc, reader_is_sticky_and_bounded);
    tcase_add_test(tc, reader_finish);
    tcase_add_test(tc, fixed_ints_little_endian);
    tcase_add_test(tc, hex_codec);
    tcase_add_test(tc, hash_known_answers);
    tcase_add_test(tc, uint256_display_and_compare);
    tcase_add_test(tc, amount_strings);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("util vectors")) {
        TCase *tv = tcase_create("vectors");
        tcase_add_test(tv, vectors_primitives);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    return ela_test_run(util_suite());
}
