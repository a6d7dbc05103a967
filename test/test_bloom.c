/* elad tests: bloom module (MurmurHash3, bloom filter, filterload/filteradd/txfilter). */
#include "testutil.h"

#include <ela/address.h>
#include <ela/bloom.h>
#include <ela/serialize.h>
#include <ela/uint256.h>

#include <stdlib.h>
#include <string.h>

/* SMHasher's self-test for MurmurHash3_x86_32: hash keys {0}, {0,1}, ... {0..254} with seed
 * 256 - len, hash the 256 little-endian results with seed 0; the published answer is
 * 0xB0F57EE3. It exercises every tail length and many block counts at once. */
START_TEST(murmur3_smhasher_verification)
{
    uint8_t key[256], hashes[256 * 4];
    for (int i = 0; i < 256; i++) {
        key[i] = (uint8_t)i;
        uint32_t h = ela_murmur3_32((uint32_t)(256 - i), key, (size_t)i);
        for (int b = 0; b < 4; b++)
            hashes[4 * i + b] = (uint8_t)(h >> (8 * b));
    }
    ck_assert_uint_eq(ela_murmur3_32(0, hashes, sizeof hashes), 0xB0F57EE3u);
    /* A NULL pointer with length 0 is allowed. */
    ck_assert_uint_eq(ela_murmur3_32(7, NULL, 0), ela_murmur3_32(7, key, 0));
    /* Seed and every byte matter. */
    ck_assert_uint_ne(ela_murmur3_32(0, key, 5), ela_murmur3_32(1, key, 5));
    ck_assert_uint_ne(ela_murmur3_32(0, key, 5), ela_murmur3_32(0, key, 6));
}
END_TEST

static void check_size(uint32_t n, double p, size_t bytes, uint32_t k)
{
    ela_bloom bf;
    ela_bloom_init(&bf, n, p, 0x12345678, 2);
    ck_assert_msg(bf.filter.len == bytes && bf.hash_funcs == k, "n=%u p=%g: %zu bytes, k=%u",
                  n, p, bf.filter.len, bf.hash_funcs);
    ck_assert_uint_eq(bf.tweak, 0x12345678);
    ck_assert_uint_eq(bf.flags, 2);
    ck_assert_uint_eq(bf.tx_types.len, 0);
    for (size_t i = 0; i < bf.filter.len; i++)
        ck_assert_uint_eq(bf.filter.data[i], 0);
    ela_bloom_clear(&bf);
    ck_assert_ptr_null(bf.filter.data);
}

START_TEST(bloom_init_sizing)
{
    /* bits = trunc(-n ln p / ln^2 2); bytes = min(bits, 288000) / 8; k = trunc(8 bytes/n ln 2) */
    check_size(100, 0.01, 119, 6);     /* 958 bits */
    check_size(10, 1e-9, 53, 29);      /* 431 bits */
    check_size(2000, 1e-6, 7188, 19);  /* 57510 bits */
    check_size(1000000, 1e-4, 36000, 0); /* capped at the maximum size */
    check_size(3, 0.5, 0, 0);          /* 4 bits: less than a byte */
    /* fprate is clamped into [1e-9, 1]. */
    check_size(1, 0.0, 5, 27);
    check_size(1, -3.0, 5, 27);
    check_size(1, 1e-12, 5, 27);
    check_size(50, 1.0, 0, 0);
    check_size(50, 7.0, 0, 0);
    /* Zero elements: NaN hash count, which Go on amd64 turns into 0. */
    check_size(0, 0.01, 0, 0);
}
END_TEST

START_TEST(bloom_bits_follow_bip37)
{
    /* One byte, two hash functions: exactly the bits murmur3(i*0xFBA4C795 + tweak) mod 8. */
    const uint8_t d[] = {0xde, 0xad, 0xbe, 0xef, 0x01};
    const uint32_t tweak = 0xFFFFFFF0u; /* seeds wrap around 2^32 */
    ela_bloom bf;
    memset(&bf, 0, sizeof bf);
    bf.tweak = tweak;
    ela_bytes_set(&bf.filter, (const uint8_t[3]){0, 0, 0}, 3);
    bf.hash_funcs = 2;
    ela_bloom_add(&bf, d, sizeof d);
    uint8_t want[3] = {0, 0, 0};
    for (uint32_t i = 0; i < 2; i++) {
        uint32_t j = ela_murmur3_32(tweak + i * 0xFBA4C795u, d, sizeof d) % 24;
        want[j >> 3] |= (uint8_t)(1u << (j & 7));
    }
    ck_assert_str_eq(ela_test_hex(bf.filter.data, 3), ela_test_hex(want, 3));
    ck_assert(ela_bloom_match(&bf, d, sizeof d));
    /* Clearing any one of the set bits makes it a miss. */
    for (int byte = 0; byte < 3; byte++)
        for (int bit = 0; bit < 8; bit++) {
            if (!(want[byte] & (1u << bit)))
                continue;
            bf.filter.data[byte] = (uint8_t)(want[byte] & ~(1u << bit));
            ck_assert(!ela_bloom_match(&bf, d, sizeof d));
            bf.filter.data[byte] = want[byte];
        }
    ela_bloom_clear(&bf);
}
END_TEST

START_TEST(bloom_add_match_random)
{
    enum { N = 200, PROBES = 20000 };
    ela_test_seed();
    ela_bloom bf;
    ela_bloom_init(&bf, N, 0.01, (uint32_t)ela_test_rand(), 0);
    uint8_t items[N][21];
    for (int i = 0; i < N; i++) {
        for (int b = 0; b < 21; b++)
            items[i][b] = (uint8_t)ela_test_rand();
        ck_assert(!ela_bloom_match(&bf, items[i], 21) || i > 0);
        ela_bloom_add(&bf, items[i], 21);
        ck_assert(ela_bloom_match(&bf, items[i], 21));
    }
    for (int i = 0; i < N; i++)
        ck_assert(ela_bloom_match(&bf, items[i], 21)); /* no false negatives */
    int fp = 0;
    for (int i = 0; i < PROBES; i++) {
        uint8_t probe[32];
        for (int b = 0; b < 32; b++)
            probe[b] = (uint8_t)ela_test_rand();
        fp += ela_bloom_match(&bf, probe, sizeof probe);
    }
    /* Expected about 1% (200); 3% is far outside the binomial spread. */
    ck_assert_int_lt(fp, PROBES * 3 / 100);
    ela_bloom_clear(&bf);

    /* An empty filter with hash functions matches nothing it was not given. */
    ela_bloom_init(&bf, 10, 0.001, 0, 0);
    ck_assert_uint_gt(bf.hash_funcs, 0);
    ck_assert(!ela_bloom_match(&bf, items[0], 21));
    ela_bloom_clear(&bf);
    /* A filter with no hash functions matches everything, as in the reference. */
    ela_bloom_init(&bf, 0, 0.01, 0, 0);
    ck_assert(ela_bloom_match(&bf, items[0], 21));
    ck_assert(ela_bloom_match(&bf, NULL, 0));
    ela_bloom_clear(&bf);
}
END_TEST

static ela_bytes filterload_bytes(const ela_bloom *bf)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_bloom_write(&w, bf);
    ela_bytes out;
    ela_writer_release(&w, &out);
    return out;
}

START_TEST(filterload_roundtrip_and_truncation)
{
    ela_bloom bf;
    ela_bloom_init(&bf, 3, 0.001, 0xA1B2C3D4, 1);
    ela_bloom_add(&bf, (const uint8_t *)"abc", 3);
    ela_bloom_set_tx_types(&bf, (const uint8_t[]){0x08, 0x02}, 2);
    ela_bytes p = filterload_bytes(&bf);
    /* varint len, filter, u32 k, u32 tweak, u8 flags, varint 2, 08 02 */
    size_t flen = bf.filter.len;
    ck_assert_uint_eq(p.len, 1 + flen + 4 + 4 + 1 + 1 + 2);
    ck_assert_uint_eq(p.data[0], flen);
    ck_assert_uint_eq(flen, 5);                                       /* 43 bits */
    ck_assert_str_eq(ela_test_hex(p.data + 1 + flen, 4), "09000000"); /* k = 9 */
    ck_assert_str_eq(ela_test_hex(p.data + 5 + flen, 4), "d4c3b2a1");
    ck_assert_str_eq(ela_test_hex(p.data + 9 + flen, 4), "01020802");

    ela_bloom got;
    const char *why = NULL;
    ck_assert(ela_bloom_parse(&got, p.data, p.len, &why));
    ck_assert(ela_bytes_equal(&got.filter, &bf.filter));
    ck_assert(ela_bytes_equal(&got.tx_types, &bf.tx_types));
    ck_assert_uint_eq(got.hash_funcs, bf.hash_funcs);
    ck_assert_uint_eq(got.tweak, bf.tweak);
    ck_assert_uint_eq(got.flags, 1);
    ck_assert(ela_bloom_match(&got, (const uint8_t *)"abc", 3));
    ela_bytes again = filterload_bytes(&got);
    ck_assert(ela_bytes_equal(&again, &p));
    ela_bytes_clear(&again);
    ela_bloom_clear(&got);

    /* Every prefix fails, except the one that ends right after flags: the format before the
     * tx-type extension, read as an empty list. */
    size_t legacy_end = 1 + flen + 9;
    for (size_t cut = 0; cut < p.len; cut++) {
        why = NULL;
        bool ok = ela_bloom_parse(&got, p.data, cut, &why);
        if (cut == legacy_end) {
            ck_assert_msg(ok, "legacy payload rejected: %s", why);
            ck_assert_uint_eq(got.tx_types.len, 0);
            ck_assert(ela_bytes_equal(&got.filter, &bf.filter));
            ela_bloom_clear(&got);
        } else {
            ck_assert_msg(!ok, "accepted a payload cut at %zu", cut);
            ck_assert_str_eq(why, "truncated");
            ck_assert_ptr_null(got.filter.data);
            ck_assert_ptr_null(got.tx_types.data);
        }
    }

    /* A trailing byte: parse refuses it, read leaves it for the caller. */
    uint8_t *longer = ela_xmalloc(p.len + 1);
    memcpy(longer, p.data, p.len);
    longer[p.len] = 0x55;
    ck_assert(!ela_bloom_parse(&got, longer, p.len + 1, &why));
    ck_assert_str_eq(why, "trailing bytes");
    ck_assert_ptr_null(got.filter.data);
    ela_reader r;
    ela_reader_init(&r, longer, p.len + 1);
    ck_assert(ela_bloom_read(&r, &got));
    ck_assert_uint_eq(ela_reader_left(&r), 1);
    ela_bloom_clear(&got);
    free(longer);

    /* A non-canonical tx-type count is rejected. */
    uint8_t *nc = ela_xmalloc(legacy_end + 5);
    memcpy(nc, p.data, legacy_end);
    memcpy(nc + legacy_end, (const uint8_t[]){0xfd, 0x02, 0x00, 0x08, 0x02}, 5);
    ck_assert(!ela_bloom_parse(&got, nc, legacy_end + 5, &why));
    ck_assert_str_eq(why, "non-canonical varint");
    free(nc);

    ela_bytes_clear(&p);
    ela_bloom_clear(&bf);
}
END_TEST

/* A filterload payload with a filter of n zero bytes (written by hand, not by our writer). */
static ela_bytes raw_filterload(size_t n, uint32_t k)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_write_varint(&w, n);
    for (size_t i = 0; i < n; i++)
        ela_write_u8(&w, 0);
    ela_write_u32(&w, k);
    ela_write_u32(&w, 0);
    ela_write_u8(&w, 0);
    ela_write_varint(&w, 0);
    ela_bytes out;
    ela_writer_release(&w, &out);
    return out;
}

START_TEST(filterload_limits)
{
    static const struct {
        size_t n;
        uint32_t k;
        const char *why; /* NULL: accepted */
    } cases[] = {
        {36000, 50, NULL},
        {36001, 1, "filter too large"},
        {1, 51, "too many hash funcs"},
        {1, UINT32_MAX, "too many hash funcs"},
        {0, 1, "empty filter with hash funcs"},
        {0, 0, NULL},
        {1, 0, NULL},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        ela_bytes p = raw_filterload(cases[i].n, cases[i].k);
        ela_bloom bf;
        const char *why = NULL;
        bool ok = ela_bloom_parse(&bf, p.data, p.len, &why);
        if (cases[i].why) {
            ck_assert_msg(!ok, "case %zu accepted", i);
            ck_assert_str_eq(why, cases[i].why);
            ck_assert_ptr_null(bf.filter.data);
        } else {
            ck_assert_msg(ok, "case %zu rejected: %s", i, why);
            ck_assert_uint_eq(bf.filter.len, cases[i].n);
            ck_assert_uint_eq(bf.hash_funcs, cases[i].k);
            ela_bytes back = filterload_bytes(&bf);
            ck_assert(ela_bytes_equal(&back, &p));
            ela_bytes_clear(&back);
        }
        ela_bloom_clear(&bf);
        ela_bytes_clear(&p);
    }
    /* A filter length far beyond the buffer is refused before anything is allocated. */
    static const uint8_t huge[] = {0xfe, 0xff, 0xff, 0xff, 0x7f};
    ela_bloom bf;
    const char *why = NULL;
    ck_assert(!ela_bloom_parse(&bf, huge, sizeof huge, &why));
    ck_assert_str_eq(why, "filter too large");
    /* A tx-type count beyond the bytes left is truncation. */
    ela_bytes p = raw_filterload(1, 1);
    p.data[p.len - 1] = 0xfc;
    ck_assert(!ela_bloom_parse(&bf, p.data, p.len, &why));
    ck_assert_str_eq(why, "truncated");
    ela_bytes_clear(&p);
}
END_TEST

START_TEST(filteradd_payload)
{
    uint8_t elem[ELA_FILTERADD_MAX_SIZE + 1];
    for (size_t i = 0; i < sizeof elem; i++)
        elem[i] = (uint8_t)(i * 7);
    ela_writer w;
    ela_writer_init(&w);
    ela_filteradd_write(&w, elem, ELA_FILTERADD_MAX_SIZE);
    ck_assert_uint_eq(w.len, 3 + ELA_FILTERADD_MAX_SIZE);
    ela_bytes got = {0};
    const char *why = NULL;
    ck_assert(ela_filteradd_parse(&got, w.data, w.len, &why));
    ck_assert_uint_eq(got.len, ELA_FILTERADD_MAX_SIZE);
    ck_assert(memcmp(got.data, elem, got.len) == 0);
    ela_bytes_clear(&got);
    for (size_t cut = 0; cut < w.len; cut++) {
        ck_assert_msg(!ela_filteradd_parse(&got, w.data, cut, &why), "cut %zu", cut);
        ck_assert_ptr_null(got.data);
    }
    ela_write_u8(&w, 0);
    ck_assert(!ela_filteradd_parse(&got, w.data, w.len, &why));
    ck_assert_str_eq(why, "trailing bytes");
    ck_assert_ptr_null(got.data);
    ela_writer_clear(&w);

    /* 521 bytes: over the limit. */
    ela_writer_init(&w);
    ela_write_varbytes(&w, elem, sizeof elem);
    ck_assert(!ela_filteradd_parse(&got, w.data, w.len, &why));
    ck_assert_str_eq(why, "count exceeds limit");
    ck_assert_ptr_null(got.data);
    ela_writer_clear(&w);
}
END_TEST

START_TEST(txfilter_payload)
{
    for (unsigned t = 0; t <= 5; t++)
        ck_assert(ela_txfilter_type_known((uint8_t)t));
    ck_assert(!ela_txfilter_type_known(6));
    ck_assert(!ela_txfilter_type_known(255));

    ela_bloom bf;
    ela_bloom_init(&bf, 2, 0.01, ELA_BLOOM_TWEAK_SIDECHAIN, 0);
    ela_bloom_add(&bf, (const uint8_t *)"x", 1);
    ela_writer w;
    ela_writer_init(&w);
    ela_txfilter_write_bloom(&w, ELA_TXFILTER_NEXT_TURN_DPOS_INFO, &bf);
    ela_bytes inner = filterload_bytes(&bf);
    ck_assert_uint_eq(w.len, 2 + inner.len);
    ck_assert_uint_eq(w.data[0], 2);
    ck_assert_uint_eq(w.data[1], inner.len);

    ela_txfilter tf;
    const char *why = NULL;
    ck_assert(ela_txfilter_parse(&tf, w.data, w.len, &why));
    ck_assert_uint_eq(tf.type, ELA_TXFILTER_NEXT_TURN_DPOS_INFO);
    ck_assert(ela_bytes_equal(&tf.data, &inner));
    ela_bloom got;
    ck_assert(ela_bloom_parse(&got, tf.data.data, tf.data.len, &why));
    ck_assert(ela_bloom_match(&got, (const uint8_t *)"x", 1));
    ck_assert_uint_eq(got.tweak, ELA_BLOOM_TWEAK_SIDECHAIN);
    ela_bloom_clear(&got);
    ela_writer w2;
    ela_writer_init(&w2);
    ela_txfilter_write(&w2, &tf);
    ck_assert_str_eq(ela_test_hex(w2.data, w2.len), ela_test_hex(w.data, w.len));
    ela_writer_clear(&w2);
    ela_txfilter_clear(&tf);

    for (size_t cut = 0; cut < w.len; cut++) {
        ck_assert_msg(!ela_txfilter_parse(&tf, w.data, cut, &why), "cut %zu", cut);
        ck_assert_str_eq(why, "truncated");
        ck_assert_ptr_null(tf.data.data);
    }
    ela_write_u8(&w, 9);
    ck_assert(!ela_txfilter_parse(&tf, w.data, w.len, &why));
    ck_assert_str_eq(why, "trailing bytes");
    ck_assert_ptr_null(tf.data.data);
    ela_writer_clear(&w);
    ela_bytes_clear(&inner);
    ela_bloom_clear(&bf);

    /* Data of exactly 50000 bytes is accepted, 50001 refused; unknown types still decode. */
    uint8_t *big = ela_xcalloc(ELA_TXFILTER_MAX_DATA_SIZE + 1, 1);
    for (size_t extra = 0; extra <= 1; extra++) {
        ela_writer_init(&w);
        ela_write_u8(&w, 0xee);
        ela_write_varbytes(&w, big, ELA_TXFILTER_MAX_DATA_SIZE + extra);
        bool ok = ela_txfilter_parse(&tf, w.data, w.len, &why);
        if (extra == 0) {
            ck_assert(ok);
            ck_assert_uint_eq(tf.type, 0xee);
            ck_assert_uint_eq(tf.data.len, ELA_TXFILTER_MAX_DATA_SIZE);
        } else {
            ck_assert(!ok);
            ck_assert_str_eq(why, "count exceeds limit");
        }
        ela_txfilter_clear(&tf);
        ela_writer_clear(&w);
    }
    free(big);
}
END_TEST

/* ---- vectors: crosschain.json ---- */

static uint32_t hex_u32(const json_t *obj, const char *key)
{
    const char *s = ela_test_json_str(obj, key);
    char *end;
    unsigned long v = strtoul(s, &end, 16);
    ck_assert_msg(strlen(s) == 8 && *end == '\0', "%s: bad u32 hex %s", key, s);
    return (uint32_t)v;
}

START_TEST(vectors_murmur3)
{
    json_t *j = ela_test_load_json("crosschain.json");
    json_t *vals = json_object_get(
        json_object_get(json_object_get(j, "computed_crosschecked"), "murmur3"), "values");
    ck_assert(json_is_array(vals));
    size_t i;
    json_t *e;
    json_array_foreach(vals, i, e) {
        /* seed and hash are written as big-endian numbers (0x6a396f08 for seed 0xfba4c795 and
         * no data, as in Bitcoin's hash_tests.cpp), not as little-endian bytes. */
        uint32_t seed = hex_u32(e, "seed");
        ela_bytes d = ela_test_unhex(ela_test_json_str(e, "data_hex"));
        uint32_t got = ela_murmur3_32(seed, d.data, d.len);
        ck_assert_msg(got == hex_u32(e, "hash"), "seed %08x data %s: got %08x",
                      seed, ela_test_json_str(e, "data_hex"), got);
        ela_bytes_clear(&d);
    }
    ck_assert_uint_ge(json_array_size(vals), 13);
    json_decref(j);
}
END_TEST

/* Program hash of the named cross-chain address from computed_crosschecked, checked against
 * our own base58 decoding of the address. */
static void crosschain_program_hash(ela_uint168 *out, json_t *j, const char *address)
{
    json_t *list = json_object_get(json_object_get(j, "computed_crosschecked"),
                                   "crosschain_addresses");
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        if (strcmp(ela_test_json_str(e, "address"), address) != 0)
            continue;
        ck_assert(ela_uint168_from_hex(out, ela_test_json_str(e, "program_hash_hex")));
        ela_uint168 decoded;
        ck_assert(ela_address_to_program_hash(&decoded, address));
        ck_assert(ela_uint168_equal(&decoded, out));
        return;
    }
    ck_abort_msg("address %s not in crosschain_addresses", address);
}

static void check_hex(const ela_writer *w, const json_t *v, const char *key)
{
    ck_assert_msg(strcmp(ela_test_hex(w->data, w->len), ela_test_json_str(v, key)) == 0,
                  "%s: got %s", key, ela_test_hex(w->data, w->len));
}

START_TEST(vectors_bloom_filter)
{
    json_t *j = ela_test_load_json("crosschain.json");
    json_t *v = json_object_get(json_object_get(j, "computed"), "bloom_filter");
    ck_assert(json_is_object(v));

    ela_uint168 did, esc;
    crosschain_program_hash(&did, j, "XKUh4GLhFJiqAMTF6HyWQrV9pK9HcGUdfJ");
    crosschain_program_hash(&esc, j, "XVbCTM7vqM1qHKsABSFH4xKN1qbp7ijpWf");
    char hex[ELA_UINT168_HEX_LEN + 1];
    ela_uint168_to_hex(hex, &did);
    ck_assert_str_eq(hex, "4b5929cbd09401eb2ce4134cb5ee117a01152c387e");

    /* NewFilter(elements=1, tweak, fprate=0 -> 1e-9); Add(DID program hash) */
    ela_bloom bf;
    ela_bloom_init(&bf, 1, 0.0, hex_u32(v, "tweak"), 0);
    ck_assert_uint_eq(bf.filter.len, json_integer_value(json_object_get(v, "filter_bytes_len")));
    ck_assert_uint_eq(bf.hash_funcs, json_integer_value(json_object_get(v, "hash_funcs")));
    ela_bloom_add(&bf, did.b, sizeof did.b);
    ck_assert_str_eq(ela_test_hex(bf.filter.data, bf.filter.len),
                     ela_test_json_str(v, "filter_hex"));
    ck_assert(ela_bloom_match(&bf, did.b, sizeof did.b) ==
              json_is_true(json_object_get(v, "matches_DID_program_hash")));
    ck_assert(ela_bloom_match(&bf, esc.b, sizeof esc.b) ==
              json_is_true(json_object_get(v, "matches_ESC_program_hash")));
    ck_assert(ela_bloom_match(&bf, did.b, sizeof did.b));
    ck_assert(!ela_bloom_match(&bf, esc.b, sizeof esc.b));

    ela_writer w;
    ela_writer_init(&w);
    ela_bloom_write(&w, &bf);
    check_hex(&w, v, "filterload_payload_hex");
    ela_writer_clear(&w);

    ela_writer_init(&w);
    ela_txfilter_write_bloom(&w, ELA_TXFILTER_BLOOM, &bf);
    check_hex(&w, v, "txfilter_msg_payload_type0_hex");
    ela_writer_clear(&w);
    ela_writer_init(&w);
    ela_txfilter_write_bloom(&w, ELA_TXFILTER_RETURN_SIDECHAIN_DEPOSIT, &bf);
    check_hex(&w, v, "txfilter_msg_payload_type5_hex");
    ela_writer_clear(&w);

    ela_bloom_set_tx_types(&bf, (const uint8_t[]){0x08}, 1); /* TransferCrossChainAsset */
    ela_writer_init(&w);
    ela_bloom_write(&w, &bf);
    check_hex(&w, v, "filterload_payload_with_txtypes_0x08_hex");
    ela_writer_clear(&w);

    /* Parse each payload back: same filter, and it still tells DID from ESC. */
    static const char *const loads[] = {"filterload_payload_hex",
                                        "filterload_payload_with_txtypes_0x08_hex"};
    for (size_t i = 0; i < ELA_ARRAY_LEN(loads); i++) {
        ela_bytes p = ela_test_unhex(ela_test_json_str(v, loads[i]));
        ela_bloom got;
        const char *why = NULL;
        ck_assert_msg(ela_bloom_parse(&got, p.data, p.len, &why), "%s: %s", loads[i], why);
        ck_assert(ela_bytes_equal(&got.filter, &bf.filter));
        ck_assert_uint_eq(got.hash_funcs, bf.hash_funcs);
        ck_assert_uint_eq(got.tweak, ELA_BLOOM_TWEAK_SIDECHAIN);
        ck_assert_uint_eq(got.tx_types.len, i);
        if (i == 1)
            ck_assert_uint_eq(got.tx_types.data[0], 0x08);
        ck_assert(ela_bloom_match(&got, did.b, sizeof did.b));
        ck_assert(!ela_bloom_match(&got, esc.b, sizeof esc.b));
        ela_bloom_clear(&got);
        ela_bytes_clear(&p);
    }
    static const struct {
        const char *key;
        uint8_t type;
    } tfs[] = {{"txfilter_msg_payload_type0_hex", 0}, {"txfilter_msg_payload_type5_hex", 5}};
    for (size_t i = 0; i < ELA_ARRAY_LEN(tfs); i++) {
        ela_bytes p = ela_test_unhex(ela_test_json_str(v, tfs[i].key));
        ela_txfilter tf;
        ela_bloom got;
        const char *why = NULL;
        ck_assert_msg(ela_txfilter_parse(&tf, p.data, p.len, &why), "%s: %s", tfs[i].key, why);
        ck_assert_uint_eq(tf.type, tfs[i].type);
        ck_assert(ela_bloom_parse(&got, tf.data.data, tf.data.len, &why));
        ck_assert(ela_bytes_equal(&got.filter, &bf.filter));
        ck_assert(ela_bloom_match(&got, did.b, sizeof did.b));
        ela_bloom_clear(&got);
        ela_txfilter_clear(&tf);
        ela_bytes_clear(&p);
    }
    ela_bloom_clear(&bf);
    json_decref(j);
}
END_TEST

static Suite *bloom_suite(void)
{
    Suite *s = suite_create("bloom");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, murmur3_smhasher_verification);
    tcase_add_test(tc, bloom_init_sizing);
    tcase_add_test(tc, bloom_bits_follow_bip37);
    tcase_add_test(tc, bloom_add_match_random);
    tcase_add_test(tc, filterload_roundtrip_and_truncation);
    tcase_add_test(tc, filterload_limits);
    tcase_add_test(tc, filteradd_payload);
    tcase_add_test(tc, txfilter_payload);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("bloom vectors")) {
        TCase *tv = tcase_create("vectors");
        tcase_add_test(tv, vectors_murmur3);
        tcase_add_test(tv, vectors_bloom_filter);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    return ela_test_run(bloom_suite());
}
