/* elad tests: AuxPoW (format and exact check), proof of work, merkle trees. */
#include "testutil.h"

#include <ela/auxpow.h>
#include <ela/hash.h>
#include <ela/hex.h>
#include <ela/merkle.h>
#include <ela/pow.h>
#include <ela/serialize.h>
#include <ela/uint256.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */

static ela_uint256 leaf_of(uint8_t i)
{
    ela_uint256 h;
    ela_hash256(&h, &i, 1);
    return h;
}

/* ---- compact bits and PoW ---- */

START_TEST(compact_decode)
{
    ela_uint256 t;
    bool neg;
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x1d03ffff));
    ck_assert(!neg);
    ck_assert_str_eq(ela_test_hash_hex(&t), "0000000000000000000000000000000000000000000000000000ffff03000000");
    /* exponent <= 3 shifts the mantissa right */
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x01123456));
    ck_assert_uint_eq(t.b[0], 0x12);
    ck_assert_uint_eq(t.b[1], 0);
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x02123456));
    ck_assert_uint_eq(t.b[0], 0x34);
    ck_assert_uint_eq(t.b[1], 0x12);
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x03123456));
    ck_assert_uint_eq(t.b[0], 0x56);
    ck_assert_uint_eq(t.b[2], 0x12);
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x00123456));
    ck_assert(ela_uint256_is_zero(&t));
    /* sign bit: negative, unless the value is zero */
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x04923456));
    ck_assert(neg);
    ck_assert_uint_eq(t.b[1], 0x56);
    ck_assert_uint_eq(t.b[3], 0x12);
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x01803456));
    ck_assert(!neg);
    ck_assert(ela_uint256_is_zero(&t));
    /* largest representable and overflow */
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x2000ffff));
    ck_assert_uint_eq(t.b[30], 0xff);
    ck_assert_uint_eq(t.b[31], 0x00);
    ck_assert(!ela_pow_compact_to_target(&t, &neg, 0x21010000));
    ck_assert(!ela_pow_compact_to_target(&t, &neg, 0xff123456));
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x22000000)); /* zero mantissa never overflows */
    ck_assert(ela_uint256_is_zero(&t));
}
END_TEST

START_TEST(compact_encode)
{
    static const uint32_t canon[] = {0x1d03ffff, 0x1e08ff00, 0x207fffff, 0x1d00ffff, 0x1800b7c9,
                                     0x01120000, 0x02123400, 0x03123456, 0x04123456, 0x2000ffff};
    for (size_t i = 0; i < ELA_ARRAY_LEN(canon); i++) {
        ela_uint256 t;
        bool neg;
        ck_assert(ela_pow_compact_to_target(&t, &neg, canon[i]));
        ck_assert_uint_eq(ela_pow_target_to_compact(&t), canon[i]);
    }
    /* a mantissa whose top bit would be set moves a byte into the exponent */
    ela_uint256 t = {{0}};
    t.b[0] = 0x80;
    ck_assert_uint_eq(ela_pow_target_to_compact(&t), 0x02008000);
    memset(&t, 0, sizeof t);
    ck_assert_uint_eq(ela_pow_target_to_compact(&t), 0);
    /* non-canonical encodings decode to the same target as the canonical one: PowLimitBits
     * 0x1f0008ff itself is such a value (BigToCompact gives 0x1e08ff00) */
    bool neg;
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x1f0008ff));
    ck_assert_uint_eq(ela_pow_target_to_compact(&t), 0x1e08ff00);
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x04001234));
    ck_assert_uint_eq(ela_pow_target_to_compact(&t), 0x03123400);
}
END_TEST

START_TEST(pow_check_reasons)
{
    const char *why = NULL;
    ela_uint256 h = {{0}};
    ck_assert(ela_pow_check(&h, 0x207fffff, &why));
    /* target exactly: passes; one above: high-hash */
    ela_uint256 t;
    bool neg;
    ck_assert(ela_pow_compact_to_target(&t, &neg, 0x1f0008ff));
    ck_assert(ela_pow_check(&t, 0x1f0008ff, &why));
    t.b[0] = 1;
    ck_assert(!ela_pow_check(&t, 0x1f0008ff, &why));
    ck_assert_str_eq(why, "high-hash");
    /* zero, negative, above the limit, unrepresentable */
    why = NULL;
    ck_assert(!ela_pow_check(&h, 0x1d000000, &why));
    ck_assert_str_eq(why, "bad-diffbits");
    ck_assert(!ela_pow_check(&h, 0x1effffff, &why));
    ck_assert_str_eq(why, "bad-diffbits");
    why = NULL;
    ck_assert(!ela_pow_check(&h, 0x21008000, &why)); /* exactly 2^255 */
    ck_assert_str_eq(why, "bad-diffbits-powlimit");
    ck_assert(ela_pow_check(&h, 0x207fffff, NULL)); /* 0x7fffff * 2^232 < 2^255 */
    ck_assert(!ela_pow_check(&h, 0x2100ffff, &why));
    ck_assert_str_eq(why, "bad-diffbits-powlimit");
    ck_assert(!ela_pow_check(&h, 0xff7fffff, &why));
    ck_assert_str_eq(why, "bad-diffbits-powlimit");
    ck_assert(!ela_pow_check(&h, 0xff800001, &why));
    ck_assert_str_eq(why, "bad-diffbits");
    ela_uint256 limit;
    ela_pow_limit(&limit);
    ck_assert_uint_eq(limit.b[31], 0x7f);
    ck_assert_uint_eq(limit.b[0], 0xff);
}
END_TEST

START_TEST(pow_work)
{
    ela_uint256 w;
    ela_pow_work(&w, 0x1d00ffff); /* Bitcoin difficulty 1: 0x100010001 */
    ck_assert_str_eq(ela_test_hash_hex(&w), "0100010001000000000000000000000000000000000000000000000000000000");
    ela_pow_work(&w, 0x207fffff);
    ck_assert_str_eq(ela_test_hash_hex(&w), "0200000000000000000000000000000000000000000000000000000000000000");
    ela_pow_work(&w, 0x03000001); /* target 1: 2^255 */
    ck_assert_uint_eq(w.b[31], 0x80);
    ela_pow_work(&w, 0);
    ck_assert(ela_uint256_is_zero(&w));
    ela_pow_work(&w, 0x04923456);
    ck_assert(ela_uint256_is_zero(&w));
    ela_pow_work(&w, 0xff123456);
    ck_assert(ela_uint256_is_zero(&w));
    ela_uint256 acc = {{0}}, one;
    ela_pow_work(&one, 0x1d00ffff);
    for (int i = 0; i < 3; i++)
        ela_pow_work_add(&acc, &one);
    ck_assert_str_eq(ela_test_hash_hex(&acc), "0300030003000000000000000000000000000000000000000000000000000000");
}
END_TEST

/* ---- merkle ---- */

static void naive_root(ela_uint256 *out, const ela_uint256 *leaves, size_t n)
{
    ela_uint256 lvl[16];
    memcpy(lvl, leaves, n * sizeof *lvl);
    while (n > 1) {
        if (n % 2)
            lvl[n] = lvl[n - 1], n++;
        for (size_t i = 0; i < n / 2; i++)
            ela_merkle_parent(&lvl[i], &lvl[2 * i], &lvl[2 * i + 1]);
        n /= 2;
    }
    *out = lvl[0];
}

START_TEST(merkle_roots)
{
    ela_uint256 leaves[8], r, expect;
    for (uint8_t i = 0; i < 8; i++)
        leaves[i] = leaf_of(i);
    ck_assert(!ela_merkle_root(&r, leaves, 0));
    ck_assert(ela_merkle_root(&r, leaves, 1));
    ck_assert(ela_uint256_equal(&r, &leaves[0]));
    ck_assert(ela_merkle_root(&r, leaves, 2));
    ela_merkle_parent(&expect, &leaves[0], &leaves[1]);
    ck_assert(ela_uint256_equal(&r, &expect));
    /* 3 and 5 leaves: the known answers of merkle.json's synthetic cases */
    ck_assert(ela_merkle_root(&r, leaves, 3));
    ck_assert_str_eq(ela_test_hash_hex(&r), "e129dfe02f567fc612d126596d43406144f40a771810ac7143421d2df3e5c1d0");
    ck_assert(ela_merkle_root(&r, leaves, 5));
    ck_assert_str_eq(ela_test_hash_hex(&r), "f4113849d628f7c3bc91cc0ff785a6aee3ee236c1c912b28cc09c44f9f97b748");
    for (size_t n = 1; n <= 8; n++) {
        ck_assert(ela_merkle_root(&r, leaves, n));
        naive_root(&expect, leaves, n);
        ck_assert_msg(ela_uint256_equal(&r, &expect), "n=%zu", n);
    }
}
END_TEST

START_TEST(merkle_branches)
{
    ela_uint256 leaves[9], root, br[ELA_MERKLE_MAX_DEPTH], r;
    for (uint8_t i = 0; i < 9; i++)
        leaves[i] = leaf_of(i);
    for (size_t n = 1; n <= 9; n++) {
        ck_assert(ela_merkle_root(&root, leaves, n));
        for (size_t pos = 0; pos < n; pos++) {
            size_t nb;
            uint32_t idx;
            ck_assert(ela_merkle_branch(br, &nb, &idx, leaves, n, pos));
            ela_merkle_branch_root(&r, &leaves[pos], br, nb, idx);
            ck_assert_msg(ela_uint256_equal(&r, &root), "n=%zu pos=%zu", n, pos);
            /* the minimal index (pos itself) folds to the same root */
            ela_merkle_branch_root(&r, &leaves[pos], br, nb, (uint32_t)pos);
            ck_assert(ela_uint256_equal(&r, &root));
            /* a wrong leaf does not */
            ela_merkle_branch_root(&r, &leaves[(pos + 1) % 9], br, nb, idx);
            if (n > 1)
                ck_assert(!ela_uint256_equal(&r, &root));
        }
        size_t nb;
        uint32_t idx;
        ck_assert(!ela_merkle_branch(br, &nb, &idx, leaves, n, n));
    }
    /* tx 4 of 5: dead-zone levels set their bit (GetTxMerkleBranch gives 7, minimal 4) */
    size_t nb;
    uint32_t idx;
    ck_assert(ela_merkle_branch(br, &nb, &idx, leaves, 5, 4));
    ck_assert_uint_eq(nb, 3);
    ck_assert_uint_eq(idx, 7);
    ck_assert(ela_uint256_equal(&br[0], &leaves[4]));
    ck_assert(!ela_merkle_branch(br, &nb, &idx, leaves, 0, 0));
}
END_TEST

START_TEST(partial_merkle_roundtrip)
{
    uint64_t seed = ela_test_seed();
    (void)seed;
    ela_uint256 leaves[40];
    for (uint8_t i = 0; i < 40; i++)
        leaves[i] = leaf_of(i);
    for (size_t n = 1; n <= 40; n++) {
        for (int trial = 0; trial < 6; trial++) {
            bool matched[40];
            size_t n_expect = 0;
            for (size_t i = 0; i < n; i++) {
                matched[i] = trial == 0 ? false : trial == 1 ? true : (ela_test_rand() % 3) == 0;
                n_expect += matched[i];
            }
            ela_partial_merkle pm;
            ela_partial_merkle_build(&pm, leaves, matched, n);
            ela_uint256 root, expect, *m = NULL;
            uint32_t *pos = NULL;
            size_t nm;
            const char *why = NULL;
            ck_assert_msg(ela_partial_merkle_extract(&root, &m, &pos, &nm, &pm, &why), "%s", why);
            ck_assert(ela_merkle_root(&expect, leaves, n));
            ck_assert(ela_uint256_equal(&root, &expect));
            ck_assert_uint_eq(nm, n_expect);
            for (size_t k = 0, j = 0; k < n; k++) {
                if (!matched[k])
                    continue;
                ck_assert_uint_eq(pos[j], k);
                ck_assert(ela_uint256_equal(&m[j], &leaves[k]));
                /* the branch out of the partial tree equals the full-tree one */
                ela_uint256 b1[ELA_MERKLE_MAX_DEPTH], b2[ELA_MERKLE_MAX_DEPTH];
                size_t n1, n2;
                uint32_t i1, i2;
                ck_assert(ela_partial_merkle_branch(b1, &n1, &i1, &pm, &leaves[k], &why));
                ck_assert(ela_merkle_branch(b2, &n2, &i2, leaves, n, k));
                ck_assert_uint_eq(n1, n2);
                ck_assert_uint_eq(i1, i2);
                ck_assert(memcmp(b1, b2, n1 * sizeof *b1) == 0);
                j++;
            }
            /* wire round trip */
            ela_writer w;
            ela_writer_init(&w);
            ela_partial_merkle_write(&w, &pm);
            ela_reader r;
            ela_reader_init(&r, w.data, w.len);
            ela_partial_merkle back;
            ck_assert(ela_partial_merkle_read(&r, &back));
            ck_assert_uint_eq(ela_reader_left(&r), 0);
            ck_assert_uint_eq(back.n_hashes, pm.n_hashes);
            ck_assert(ela_bytes_equal(&back.flags, &pm.flags));
            ela_partial_merkle_clear(&back);
            ela_writer_clear(&w);
            free(m);
            free(pos);
            ela_partial_merkle_clear(&pm);
        }
    }
}
END_TEST

START_TEST(partial_merkle_rejects)
{
    ela_uint256 leaves[5];
    for (uint8_t i = 0; i < 5; i++)
        leaves[i] = leaf_of(i);
    bool matched[5] = {false, false, false, true, false};
    ela_partial_merkle pm;
    ela_partial_merkle_build(&pm, leaves, matched, 5);
    ela_uint256 root;
    size_t nm;
    const char *why = NULL;

    /* CVE-2012-2459: two equal siblings */
    ela_uint256 dup[5] = {leaves[0], leaves[0], leaves[2], leaves[3], leaves[4]};
    bool m0[5] = {true, false, false, false, false};
    ela_partial_merkle pd;
    ela_partial_merkle_build(&pd, dup, m0, 5);
    ck_assert(!ela_partial_merkle_extract(&root, NULL, NULL, &nm, &pd, &why));
    ck_assert_str_eq(why, "merkle: duplicate sibling hashes");
    ck_assert_uint_eq(nm, 0);
    ela_partial_merkle_clear(&pd);

    /* no transactions / no flag bits */
    ela_partial_merkle bad = pm;
    bad.n_tx = 0;
    ck_assert(!ela_partial_merkle_extract(&root, NULL, NULL, &nm, &bad, &why));
    ck_assert_str_eq(why, "merkle: no transactions");
    bad = pm;
    bad.flags.len = 0;
    ck_assert(!ela_partial_merkle_extract(&root, NULL, NULL, &nm, &bad, &why));
    ck_assert_str_eq(why, "merkle: no flag bits");
    /* ran out of hashes */
    bad = pm;
    bad.n_hashes--;
    ck_assert(!ela_partial_merkle_extract(&root, NULL, NULL, &nm, &bad, &why));
    ck_assert_str_eq(why, "merkle: ran out of hashes");
    /* ran out of flag bits: a tree of 40 txs needs more than 8 bits */
    ela_uint256 many[40];
    bool mm[40] = {0};
    for (uint8_t i = 0; i < 40; i++)
        many[i] = leaf_of(i);
    mm[39] = true;
    ela_partial_merkle pb;
    ela_partial_merkle_build(&pb, many, mm, 40);
    ck_assert_uint_gt(pb.flags.len, 1);
    bad = pb;
    bad.flags.len = 1;
    ck_assert(!ela_partial_merkle_extract(&root, NULL, NULL, &nm, &bad, &why));
    ck_assert_str_eq(why, "merkle: ran out of flag bits");
    ela_partial_merkle_clear(&pb);
    /* a changed hash changes the root (the caller's comparison catches it) */
    ela_uint256 good;
    ck_assert(ela_merkle_root(&good, leaves, 5));
    pm.hashes[0].b[0] ^= 1;
    ck_assert(ela_partial_merkle_extract(&root, NULL, NULL, &nm, &pm, &why));
    ck_assert(!ela_uint256_equal(&root, &good));
    /* unknown txid for a branch */
    ela_uint256 br[ELA_MERKLE_MAX_DEPTH];
    size_t nb;
    uint32_t idx;
    ck_assert(!ela_partial_merkle_branch(br, &nb, &idx, &pm, &leaves[0], &why));
    ck_assert_str_eq(why, "merkle: txid not in the tree");
    ela_partial_merkle_clear(&pm);

    /* reader limits */
    uint8_t big[8] = {1, 0, 0, 0, 0x11, 0x27, 0, 0}; /* 10001 hashes */
    ela_reader r;
    ela_reader_init(&r, big, sizeof big);
    ck_assert(!ela_partial_merkle_read(&r, &pd));
    ck_assert_str_eq(r.err, "count exceeds limit");
    uint8_t shortp[8] = {1, 0, 0, 0, 2, 0, 0, 0};
    ela_reader_init(&r, shortp, sizeof shortp);
    ck_assert(!ela_partial_merkle_read(&r, &pd));
    ck_assert_str_eq(r.err, "truncated");
}
END_TEST

/* ---- AuxPoW construction ---- */

/* Builds an AuxPoW for block_hash: coinbase script = prefix || fabe6d6d || reversed aux root ||
 * size || nonce || suffix, an aux branch of h hashes with the correct slot for chain_id, a
 * coinbase branch of cb_depth hashes, parent bits 0x207fffff and a parent nonce ground until
 * the parent hash meets 0x207fffff. */
typedef struct build_opts {
    const uint8_t *prefix;
    size_t prefix_len;
    const uint8_t *suffix;
    size_t suffix_len;
    unsigned h;
    uint32_t mm_nonce;
    uint32_t chain_id;
    unsigned cb_depth;
    int size_override; /* -1: 1 << h */
} build_opts;

static void grind(ela_auxpow *aux)
{
    for (;;) {
        if (ela_pow_check_auxpow(aux, ELA_POW_INSTANT_BITS, NULL))
            return;
        aux->parent_header.nonce++;
    }
}

static void fix_parent_root(ela_auxpow *aux)
{
    ela_btc_tx_update_hash(&aux->coinbase);
    ela_merkle_branch_root(&aux->parent_header.merkle_root, &aux->coinbase.hash,
                           aux->coinbase_branch, aux->n_coinbase_branch, aux->coinbase_index);
}

static void build_auxpow(ela_auxpow *aux, const ela_uint256 *block_hash, const build_opts *o)
{
    ela_auxpow_init(aux);
    aux->n_aux_branch = o->h;
    aux->aux_branch = o->h ? ela_xcalloc(o->h, sizeof(ela_uint256)) : NULL;
    for (unsigned i = 0; i < o->h; i++)
        aux->aux_branch[i] = leaf_of((uint8_t)(100 + i));
    aux->aux_index = o->h < 32 ? ela_auxpow_expected_index(o->mm_nonce, o->chain_id, o->h) : 0;
    ela_uint256 leaf, root;
    for (int i = 0; i < 32; i++)
        leaf.b[i] = block_hash->b[31 - i];
    ela_merkle_branch_root(&root, &leaf, aux->aux_branch, aux->n_aux_branch, aux->aux_index);

    ela_writer w;
    ela_writer_init(&w);
    ela_write_bytes(&w, o->prefix, o->prefix_len);
    static const uint8_t magic[4] = {0xfa, 0xbe, 0x6d, 0x6d};
    ela_write_bytes(&w, magic, 4);
    for (int i = 31; i >= 0; i--)
        ela_write_u8(&w, root.b[i]);
    ela_write_u32(&w, o->size_override >= 0 ? (uint32_t)o->size_override
                                            : (o->h < 32 ? UINT32_C(1) << o->h : 0));
    ela_write_u32(&w, o->mm_nonce);
    ela_write_bytes(&w, o->suffix, o->suffix_len);

    aux->coinbase.version = 1;
    ela_uint256 zero = {{0}};
    ela_btc_tx_add_input(&aux->coinbase, &zero, 0xffffffff, w.data, w.len, 0xffffffff);
    ela_writer_clear(&w);
    aux->n_coinbase_branch = o->cb_depth;
    aux->coinbase_branch = o->cb_depth ? ela_xcalloc(o->cb_depth, sizeof(ela_uint256)) : NULL;
    for (unsigned i = 0; i < o->cb_depth; i++)
        aux->coinbase_branch[i] = leaf_of((uint8_t)(200 + i));
    aux->parent_header.version = 0x20000000;
    aux->parent_header.bits = 0x207fffff;
    fix_parent_root(aux);
    grind(aux);
}

static void replace_script(ela_auxpow *aux, const uint8_t *p, size_t len)
{
    ela_bytes_clear(&aux->coinbase.inputs[0].script);
    ela_bytes_set(&aux->coinbase.inputs[0].script, p, len);
    fix_parent_root(aux);
}

static const build_opts DEFAULT_OPTS = {
    .prefix = (const uint8_t *)"\x03\x13\xee\x09", .prefix_len = 4, .h = 2,
    .mm_nonce = 2596996162u, .chain_id = ELA_AUXPOW_CHAIN_ID, .cb_depth = 2, .size_override = -1};

static const char *check_reason(const ela_auxpow *aux, const ela_uint256 *hash, uint32_t chain)
{
    const char *why = NULL;
    if (ela_auxpow_check(aux, hash, chain, &why))
        return "ok";
    ck_assert_ptr_nonnull(why);
    return why;
}

START_TEST(auxpow_expected_index)
{
    ck_assert_uint_eq(ela_auxpow_expected_index(12345, 1, 30), 684357196);
    ck_assert_uint_eq(ela_auxpow_expected_index(12345, 1, 1), 0);
    ck_assert_uint_eq(ela_auxpow_expected_index(2596996162u, 1224, 1), 0);
    ck_assert_uint_eq(ela_auxpow_expected_index(2596996162u, 6, 1), 0);
    ck_assert_uint_eq(ela_auxpow_expected_index(2596996162u, 1, 1), 1);
    ck_assert_uint_eq(ela_auxpow_expected_index(777, 1224, 0), 0);
}
END_TEST

START_TEST(auxpow_valid_and_roundtrip)
{
    ela_uint256 bh = leaf_of(7);
    for (unsigned h = 0; h <= 4; h++) {
        for (unsigned cb = 0; cb <= 2; cb++) {
            build_opts o = DEFAULT_OPTS;
            o.h = h;
            o.cb_depth = cb;
            ela_auxpow aux;
            build_auxpow(&aux, &bh, &o);
            ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID), "ok");
            ck_assert(ela_pow_check_auxpow(&aux, ELA_POW_INSTANT_BITS, NULL));
            /* serialize, parse, check again: same bytes, same verdict */
            ela_writer w;
            ela_writer_init(&w);
            ela_auxpow_write(&w, &aux);
            ela_auxpow back;
            const char *why = NULL;
            ck_assert_msg(ela_auxpow_parse(&back, w.data, w.len, &why), "%s", why);
            ck_assert(ela_uint256_equal(&back.coinbase.hash, &aux.coinbase.hash));
            ck_assert_str_eq(check_reason(&back, &bh, ELA_AUXPOW_CHAIN_ID), "ok");
            ela_writer w2;
            ela_writer_init(&w2);
            ela_auxpow_write(&w2, &back);
            ck_assert_uint_eq(w.len, w2.len);
            ck_assert(memcmp(w.data, w2.data, w.len) == 0);
            /* a copy checks the same */
            ela_auxpow cp;
            ela_auxpow_copy(&cp, &back);
            ck_assert_str_eq(check_reason(&cp, &bh, ELA_AUXPOW_CHAIN_ID), "ok");
            ela_auxpow_clear(&cp);
            /* truncation at every offset fails cleanly; a trailing byte too */
            for (size_t cut = 0; cut < w.len; cut++) {
                ela_auxpow t;
                ck_assert(!ela_auxpow_parse(&t, w.data, cut, &why));
            }
            ela_write_u8(&w, 0);
            ck_assert(!ela_auxpow_parse(&cp, w.data, w.len, &why));
            ck_assert_str_eq(why, "trailing bytes");
            ela_writer_clear(&w);
            ela_writer_clear(&w2);
            ela_auxpow_clear(&back);
            ela_auxpow_clear(&aux);
        }
    }
}
END_TEST

START_TEST(auxpow_empty_and_solo)
{
    ela_auxpow aux;
    ela_auxpow_init(&aux);
    ela_writer w;
    ela_writer_init(&w);
    ela_auxpow_write(&w, &aux);
    ck_assert_uint_eq(w.len, 132);
    for (size_t i = 0; i < w.len; i++)
        ck_assert_uint_eq(w.data[i], 0);
    /* parsed (so the coinbase hash is computed), as in the genesis block */
    ck_assert(ela_auxpow_parse(&aux, w.data, w.len, NULL));
    ck_assert(!ela_uint256_is_zero(&aux.coinbase.hash));
    ela_writer_clear(&w);
    ela_uint256 bh = leaf_of(1);
    /* the empty AuxPoW has no coinbase input; its zero parent root is not the coinbase's */
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: coinbase merkle branch does not reach the parent merkle root");

    ela_auxpow_init_solo(&aux, &bh, 1513936800);
    ck_assert_uint_eq(aux.coinbase.inputs[0].script.len, 44);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID), "ok");
    ela_writer_init(&w);
    ela_auxpow_write(&w, &aux);
    ck_assert_uint_eq(w.len, 217); /* the built-in miner's size, as in mainnet block 123 */
    ela_writer_clear(&w);
    ela_uint256 other = leaf_of(2);
    ck_assert_str_eq(check_reason(&aux, &other, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: chain merkle root not found");
    ela_auxpow_clear(&aux);
}
END_TEST

START_TEST(auxpow_each_failure)
{
    ela_uint256 bh = leaf_of(9);
    ela_auxpow aux;
    build_opts o = DEFAULT_OPTS;

    /* parent merkle root */
    build_auxpow(&aux, &bh, &o);
    aux.parent_header.merkle_root.b[5] ^= 1;
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: coinbase merkle branch does not reach the parent merkle root");
    ela_auxpow_clear(&aux);
    build_auxpow(&aux, &bh, &o);
    aux.coinbase_index ^= 1;
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: coinbase merkle branch does not reach the parent merkle root");
    /* bits of the coinbase index beyond the branch length are ignored */
    aux.coinbase_index ^= 1;
    aux.coinbase_index |= 0x80000000u;
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID), "ok");
    ela_auxpow_clear(&aux);

    /* no inputs */
    build_auxpow(&aux, &bh, &o);
    ela_bytes_clear(&aux.coinbase.inputs[0].script);
    aux.coinbase.n_inputs = 0;
    fix_parent_root(&aux);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: parent coinbase has no inputs");
    ela_auxpow_clear(&aux);

    /* magic missing */
    build_auxpow(&aux, &bh, &o);
    aux.coinbase.inputs[0].script.data[4] = 0xfb;
    fix_parent_root(&aux);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: merged-mining magic not found in coinbase script");
    ela_auxpow_clear(&aux);

    /* root not found: another block hash; or a wrong aux branch */
    build_auxpow(&aux, &bh, &o);
    ela_uint256 other = bh;
    other.b[0] ^= 1;
    ck_assert_str_eq(check_reason(&aux, &other, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: chain merkle root not found");
    aux.aux_branch[1].b[3] ^= 0x40;
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: chain merkle root not found");
    ela_auxpow_clear(&aux);

    /* a second magic after the first (even overlapping it by a byte) */
    static const uint8_t magic[4] = {0xfa, 0xbe, 0x6d, 0x6d};
    o.suffix = magic;
    o.suffix_len = 4;
    build_auxpow(&aux, &bh, &o);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: multiple merged-mining headers in coinbase");
    ela_auxpow_clear(&aux);
    o = DEFAULT_OPTS;

    /* root not directly after the magic */
    build_auxpow(&aux, &bh, &o);
    {
        ela_bytes *s = &aux.coinbase.inputs[0].script;
        uint8_t buf[200];
        size_t len = s->len;
        memcpy(buf, s->data, 8);              /* prefix(4) + magic(4) */
        buf[8] = 0x00;                        /* one stray byte */
        memcpy(buf + 9, s->data + 8, len - 8);
        replace_script(&aux, buf, len + 1);
    }
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: chain merkle root does not follow the magic");
    ela_auxpow_clear(&aux);
    /* the root occurring earlier than after the magic also counts as not following */
    build_auxpow(&aux, &bh, &o);
    {
        ela_bytes *s = &aux.coinbase.inputs[0].script;
        uint8_t buf[200];
        memcpy(buf, s->data + 8, 32); /* a copy of the root first */
        memcpy(buf + 32, s->data, s->len);
        replace_script(&aux, buf, s->len + 32);
    }
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: chain merkle root does not follow the magic");
    ela_auxpow_clear(&aux);

    /* size and nonce missing: 0..7 bytes after the root */
    for (size_t keep = 0; keep < 8; keep++) {
        build_auxpow(&aux, &bh, &o);
        ela_bytes *s = &aux.coinbase.inputs[0].script;
        uint8_t buf[200];
        memcpy(buf, s->data, 40 + keep);
        replace_script(&aux, buf, 40 + keep);
        ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                         "auxpow: missing merkle size and nonce");
        ela_auxpow_clear(&aux);
    }

    /* size does not match */
    o.size_override = 8;
    build_auxpow(&aux, &bh, &o);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: merkle size does not match branch length");
    ela_auxpow_clear(&aux);
    o = DEFAULT_OPTS;

    /* branch of 32 hashes (Go: shift to 0, then a division by zero) */
    o.h = 32;
    o.size_override = 0;
    build_auxpow(&aux, &bh, &o);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: aux merkle branch too long");
    ela_auxpow_clear(&aux);
    o = DEFAULT_OPTS;

    /* wrong slot; right slot for another chain id */
    build_auxpow(&aux, &bh, &o);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID), "ok");
    o.chain_id = 1;
    ela_auxpow a1;
    build_auxpow(&a1, &bh, &o);
    if (a1.aux_index != aux.aux_index) {
        ck_assert_str_eq(check_reason(&a1, &bh, ELA_AUXPOW_CHAIN_ID),
                         "auxpow: wrong aux chain index");
        ck_assert_str_eq(check_reason(&a1, &bh, 1), "ok");
    }
    ela_auxpow_clear(&a1);
    aux.aux_index ^= 1;
    /* moving the slot changes the root too: rebuild the script for the wrong slot */
    ck_assert_str_ne(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID), "ok");
    ela_auxpow_clear(&aux);
    {
        /* same tree, same root, but a nonce whose slot differs */
        o = DEFAULT_OPTS;
        o.h = 3;
        build_auxpow(&aux, &bh, &o);
        uint32_t right = aux.aux_index;
        ela_bytes *s = &aux.coinbase.inputs[0].script;
        uint32_t nonce = 0;
        while (ela_auxpow_expected_index(nonce, ELA_AUXPOW_CHAIN_ID, 3) == right)
            nonce++;
        size_t off = 4 + 4 + 32 + 4;
        s->data[off] = (uint8_t)nonce;
        s->data[off + 1] = (uint8_t)(nonce >> 8);
        s->data[off + 2] = (uint8_t)(nonce >> 16);
        s->data[off + 3] = (uint8_t)(nonce >> 24);
        fix_parent_root(&aux);
        ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                         "auxpow: wrong aux chain index");
        ela_auxpow_clear(&aux);
    }
}
END_TEST

/* ---- the hex-text search quirk ---- */

static void from_nibbles(ela_bytes *out, const char *nib)
{
    ela_bytes_clear(out);
    ck_assert(ela_hex_decode_bytes(out, nib, NULL));
}

/* A solo-style AuxPoW (no aux branch) whose script is the given hex text. */
static void nibble_auxpow(ela_auxpow *aux, const char *text)
{
    ela_bytes s = {0};
    from_nibbles(&s, text);
    ela_auxpow_init(aux);
    aux->coinbase.version = 1;
    ela_uint256 zero = {{0}};
    ela_btc_tx_add_input(&aux->coinbase, &zero, 0, s.data, s.len, 0);
    ela_bytes_clear(&s);
    fix_parent_root(aux);
}

START_TEST(auxpow_odd_nibble_offsets)
{
    /* Block hash whose internal hex ends in '0': with an empty branch the script must carry
     * the internal-order hash. Placed at nibble offset 1, the size is read from byte 36, whose
     * high nibble is that final '0' - so "1" then six '0's make size == 1. The reference
     * accepts this AuxPoW; a byte-aligned search would not even find the magic. */
    const char *hash_hex = "11223344556677889900aabbccddeeff0123456789abcdef0123456789abcde0";
    ela_uint256 bh = ela_test_hash_internal(hash_hex);
    char text[256];
    ela_auxpow aux;

    snprintf(text, sizeof text, "0fabe6d6d%s100000000000000", hash_hex);
    ck_assert_uint_eq(strlen(text) % 2, 0);
    nibble_auxpow(&aux, text);
    ck_assert_uint_eq(aux.coinbase.inputs[0].script.len, 44);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID), "ok");
    ela_auxpow_clear(&aux);

    /* one byte shorter: byte 36 + 8 > 43 bytes (Go would panic) */
    snprintf(text, sizeof text, "0fabe6d6d%s1000000000000", hash_hex);
    nibble_auxpow(&aux, text);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: missing merkle size and nonce");
    ela_auxpow_clear(&aux);

    /* the same layout but the size nibble says 2: size is read across the nibble boundary */
    snprintf(text, sizeof text, "0fabe6d6d%s200000000000000", hash_hex);
    nibble_auxpow(&aux, text);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: merkle size does not match branch length");
    ela_auxpow_clear(&aux);

    /* magic at an odd offset, root at an even one: they are not adjacent in the text */
    snprintf(text, sizeof text, "0fabe6d6d0%s0100000000000000", hash_hex);
    nibble_auxpow(&aux, text);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: chain merkle root does not follow the magic");
    ela_auxpow_clear(&aux);

    /* a magic at an odd offset after an aligned one is a second header */
    snprintf(text, sizeof text, "fabe6d6d%s01000000000000000fabe6d6d0", hash_hex);
    nibble_auxpow(&aux, text);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: multiple merged-mining headers in coinbase");
    ela_auxpow_clear(&aux);

    /* ...and one straddling bytes before the aligned one is the first header: the aligned one
     * is then the second */
    snprintf(text, sizeof text, "afabe6d6d0fabe6d6d%s0100000000000000", hash_hex);
    nibble_auxpow(&aux, text);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID),
                     "auxpow: multiple merged-mining headers in coinbase");
    ela_auxpow_clear(&aux);

    /* a magic overlapping itself by one byte ("fabe6d6d" at 0 and the text from 2 on) is not a
     * second header unless it really recurs */
    snprintf(text, sizeof text, "fafabe6d6d%s0100000000000000", hash_hex);
    nibble_auxpow(&aux, text);
    ck_assert_str_eq(check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID), "ok");
    ela_auxpow_clear(&aux);
}
END_TEST

/* The Go algorithm transcribed literally on hex text, as an oracle for random scripts. */
static const char *oracle(const uint8_t *script, size_t len, const char *root_needle,
                          unsigned h, uint32_t aux_index, uint32_t chain)
{
    char *s = ela_hex_encode_new(script, len);
    const char *why = "ok";
    const char *m = strstr(s, "fabe6d6d");
    const char *rt = strstr(s, root_needle);
    if (!m) {
        why = "auxpow: merged-mining magic not found in coinbase script";
    } else if (!rt) {
        why = "auxpow: chain merkle root not found";
    } else if (strstr(m + 2, "fabe6d6d")) {
        why = "auxpow: multiple merged-mining headers in coinbase";
    } else if (m + 8 != rt) {
        why = "auxpow: chain merkle root does not follow the magic";
    } else {
        size_t ri = (size_t)(rt - s) + 64;
        size_t b = ri / 2;
        if (2 * len - ri < 8 || b + 8 > len) {
            why = "auxpow: missing merkle size and nonce";
        } else {
            uint32_t size = script[b] | script[b + 1] << 8 | script[b + 2] << 16 |
                            (uint32_t)script[b + 3] << 24;
            uint32_t nonce = script[b + 4] | script[b + 5] << 8 | script[b + 6] << 16 |
                             (uint32_t)script[b + 7] << 24;
            if (size != (UINT32_C(1) << h))
                why = "auxpow: merkle size does not match branch length";
            else if (aux_index != ela_auxpow_expected_index(nonce, chain, h))
                why = "auxpow: wrong aux chain index";
        }
    }
    free(s);
    return why;
}

START_TEST(auxpow_search_matches_hex_text)
{
    uint64_t seed = ela_test_seed();
    (void)seed;
    /* Scripts assembled from pieces that straddle byte boundaries: shifted magics, shifted
     * roots, partial magics, size/nonce words and random bytes. */
    const char *hash_hex = "a0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeef0";
    ela_uint256 bh = ela_test_hash_internal(hash_hex);
    size_t counts[16] = {0};
    for (int iter = 0; iter < 20000; iter++) {
        char text[600] = "";
        size_t tl = 0;
        int pieces = 1 + (int)(ela_test_rand() % 6);
        for (int p = 0; p < pieces; p++) {
            const char *piece;
            char rnd[9];
            switch (ela_test_rand() % 8) {
            case 0: case 1: piece = "fabe6d6d"; break;
            case 2: case 3: piece = hash_hex; break;
            case 4: piece = "01000000"; break;
            case 5: piece = "fabe6d"; break;
            case 6: piece = "1000000"; break;
            default:
                for (int k = 0; k < 8; k++)
                    rnd[k] = "0123456789abcdef"[ela_test_rand() % 16];
                rnd[(ela_test_rand() % 8) + 1] = 0;
                piece = rnd;
            }
            size_t pl = strlen(piece);
            if (tl + pl + 20 >= sizeof text)
                break;
            memcpy(text + tl, piece, pl);
            tl += pl;
            if (ela_test_rand() % 3 == 0)
                text[tl++] = "0123456789abcdef"[ela_test_rand() % 16];
        }
        /* random tail of 0..9 nibbles, even total */
        int tail = (int)(ela_test_rand() % 10);
        for (int k = 0; k < tail; k++)
            text[tl++] = "0123456789abcdef"[ela_test_rand() % 16];
        if (tl % 2)
            text[tl++] = '0';
        text[tl] = 0;
        if (tl == 0)
            continue;
        ela_auxpow aux;
        nibble_auxpow(&aux, text);
        const ela_bytes *s = &aux.coinbase.inputs[0].script;
        const char *want = oracle(s->data, s->len, hash_hex, 0, 0, ELA_AUXPOW_CHAIN_ID);
        const char *got = check_reason(&aux, &bh, ELA_AUXPOW_CHAIN_ID);
        ck_assert_msg(strcmp(want, got) == 0, "script %s: oracle '%s' check '%s'", text, want,
                      got);
        counts[strcmp(got, "ok") == 0 ? 0 : 1 + (strlen(got) % 15)]++;
        ela_auxpow_clear(&aux);
    }
    /* the generator reaches both accepting and rejecting scripts */
    ck_assert_uint_gt(counts[0], 10);
}
END_TEST

START_TEST(btc_tx_limits)
{
    /* input count larger than the bytes left allow: rejected before allocating */
    uint8_t b[] = {1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0x0f};
    ela_reader r;
    ela_reader_init(&r, b, sizeof b);
    ela_btc_tx tx;
    ck_assert(!ela_btc_tx_read(&r, &tx));
    ck_assert_ptr_null(tx.inputs);
    /* script over 10000 bytes */
    ela_writer w;
    ela_writer_init(&w);
    ela_write_i32(&w, 1);
    ela_write_varint(&w, 1);
    ela_uint256 z = {{0}};
    ela_write_uint256(&w, &z);
    ela_write_u32(&w, 0);
    uint8_t *big = ela_xcalloc(10001, 1);
    ela_write_varbytes(&w, big, 10001);
    ela_write_u32(&w, 0);
    ela_write_varint(&w, 0);
    ela_write_u32(&w, 0);
    ela_reader_init(&r, w.data, w.len);
    ck_assert(!ela_btc_tx_read(&r, &tx));
    ck_assert_str_eq(r.err, "count exceeds limit");
    free(big);
    ela_writer_clear(&w);
}
END_TEST

/* ---- vectors ---- */

static void check_auxpow_vector_fields(const ela_auxpow *aux, const json_t *ex)
{
    const char *s;
    if ((s = json_string_value(json_object_get(ex, "parent_coinbase_script_hex"))))
        ck_assert_str_eq(ela_test_hex(aux->coinbase.inputs[0].script.data,
                                      aux->coinbase.inputs[0].script.len), s);
    if ((s = json_string_value(json_object_get(ex, "parent_coinbase_txid_display")))) {
        ela_uint256 h = ela_test_hash_display(s);
        ck_assert(ela_uint256_equal(&h, &aux->coinbase.hash));
    }
    if ((s = json_string_value(json_object_get(ex, "parent_header_hash_display")))) {
        ela_uint256 h = ela_test_hash_display(s), got;
        ela_btc_header_hash(&got, &aux->parent_header);
        ck_assert(ela_uint256_equal(&h, &got));
    }
    if ((s = json_string_value(json_object_get(ex, "parent_header_hex")))) {
        uint8_t hb[80];
        ela_btc_header_serialize(hb, &aux->parent_header);
        ck_assert_str_eq(ela_test_hex(hb, 80), s);
    }
    json_t *br = json_object_get(ex, "aux_branch");
    if (br) {
        ck_assert_uint_eq(json_array_size(br), aux->n_aux_branch);
        for (size_t i = 0; i < aux->n_aux_branch; i++)
            ck_assert_str_eq(ela_test_hash_hex(&aux->aux_branch[i]), json_string_value(json_array_get(br, i)));
    }
    json_t *v;
    if ((v = json_object_get(ex, "aux_index")))
        ck_assert_uint_eq(aux->aux_index, json_integer_value(v));
    if ((v = json_object_get(ex, "coinbase_index")))
        ck_assert_uint_eq(aux->coinbase_index, json_integer_value(v));
    if ((v = json_object_get(ex, "coinbase_branch")))
        ck_assert_uint_eq(aux->n_coinbase_branch, json_array_size(v));
    for (int c = 0; c < 3; c++) {
        static const uint32_t ids[] = {1224, 6, 1};
        char key[64];
        snprintf(key, sizeof key, "expected_index_chain%u", ids[c]);
        if ((v = json_object_get(ex, key)))
            ck_assert_uint_eq(ela_auxpow_expected_index((uint32_t)json_integer_value(
                                                            json_object_get(ex, "merkle_nonce")),
                                                        ids[c], (unsigned)aux->n_aux_branch),
                              json_integer_value(v));
    }
}

START_TEST(vectors_auxpow_json)
{
    json_t *j = ela_test_load_json("auxpow.json");
    size_t i, checks = 0, negatives = 0;
    json_t *e;
    json_array_foreach(json_object_get(j, "vectors"), i, e) {
        ela_bytes b = ela_test_unhex(ela_test_json_str(e, "hex"));
        ela_auxpow aux;
        const char *why = NULL;
        ck_assert_msg(ela_auxpow_parse(&aux, b.data, b.len, &why), "vector %zu: %s", i, why);
        ela_writer w;
        ela_writer_init(&w);
        ela_auxpow_write(&w, &aux);
        ck_assert_uint_eq(w.len, b.len);
        ck_assert(memcmp(w.data, b.data, b.len) == 0);
        ela_writer_clear(&w);
        ela_uint256 hash = ela_test_hash_internal(ela_test_json_str(e, "aux_block_hash_internal_bytes"));
        json_t *ex = json_object_get(e, "expected");
        check_auxpow_vector_fields(&aux, ex);
        const char *key;
        json_t *val;
        json_object_foreach(ex, key, val) {
            unsigned chain;
            if (sscanf(key, "check_chainid_%u", &chain) != 1)
                continue;
            bool want = json_is_true(val);
            const char *got = check_reason(&aux, &hash, chain);
            ck_assert_msg((strcmp(got, "ok") == 0) == want, "vector %zu %s: %s", i, key, got);
            checks++;
            negatives += !want;
        }
        if (json_object_get(ex, "pow_ok")) {
            uint32_t bits = (uint32_t)strtoul(ela_test_json_str(ex, "ela_header_bits"), NULL, 16);
            ck_assert(ela_pow_check_auxpow(&aux, bits, NULL) == json_is_true(json_object_get(ex, "pow_ok")));
        }
        ela_auxpow_clear(&aux);
        ela_bytes_clear(&b);
    }
    ck_assert_uint_ge(checks, 10);
    ck_assert_uint_ge(negatives, 4);
    json_decref(j);
}
END_TEST

START_TEST(vectors_realdata_auxpow)
{
    json_t *j = ela_test_load_json("realdata/ela_auxpow_vectors.json");
    size_t i, n_checked = 0;
    json_t *e;
    json_array_foreach(json_object_get(j, "vectors"), i, e) {
        const char *id = ela_test_json_str(e, "id");
        const char *hex = json_string_value(json_object_get(e, "auxpow_hex"));
        if (hex) {
            ela_bytes b = ela_test_unhex(hex);
            ela_auxpow aux;
            const char *why = NULL;
            ck_assert_msg(ela_auxpow_parse(&aux, b.data, b.len, &why), "%s: %s", id, why);
            ela_writer w;
            ela_writer_init(&w);
            ela_auxpow_write(&w, &aux);
            ck_assert(w.len == b.len && memcmp(w.data, b.data, b.len) == 0);
            ela_writer_clear(&w);
            const char *hs = json_string_value(json_object_get(e, "aux_block_hash_as_passed_to_Check"));
            if (!hs)
                hs = json_string_value(json_object_get(e, "block_hash_stated")); /* internal, 2018 docs */
            ela_uint256 hash = ela_test_hash_internal(hs);
            json_t *cid = json_object_get(e, "chain_id");
            uint32_t chain = cid ? (uint32_t)json_integer_value(cid) : ELA_AUXPOW_CHAIN_ID;
            ck_assert_msg(strcmp(check_reason(&aux, &hash, chain), "ok") == 0, "%s", id);
            ck_assert_str_eq(check_reason(&aux, &hash, ELA_AUXPOW_CHAIN_ID), "ok");
            json_t *pr = json_object_get(e, "parsed_by_research");
            if (json_is_object(pr)) {
                ela_uint256 ph = ela_test_hash_internal(ela_test_json_str(pr, "parent_header_hash_internal")), got;
                ela_btc_header_hash(&got, &aux.parent_header);
                ck_assert(ela_uint256_equal(&ph, &got));
                ela_uint256 cb = ela_test_hash_internal(ela_test_json_str(pr, "coinbase_txid_internal"));
                ck_assert(ela_uint256_equal(&cb, &aux.coinbase.hash));
                ck_assert_uint_eq(json_integer_value(json_object_get(pr, "consumed")), b.len);
            }
            n_checked++;
            ela_auxpow_clear(&aux);
            ela_bytes_clear(&b);
        }
        json_t *gi = json_object_get(e, "GetExpectedIndex");
        size_t k;
        json_t *g;
        json_array_foreach(gi, k, g) {
            ck_assert_uint_eq(
                ela_auxpow_expected_index((uint32_t)json_integer_value(json_object_get(g, "nonce")),
                                          (uint32_t)json_integer_value(json_object_get(g, "chain_id")),
                                          (unsigned)json_integer_value(json_object_get(g, "merkle_height"))),
                json_integer_value(json_object_get(g, "expected_index")));
            n_checked++;
        }
        /* The sidechain's CheckMerkleBranch KAT is for an older algorithm (no byte reversal
         * of the leaf and root) that ELA does not use; only its index KATs apply. */
    }
    ck_assert_uint_ge(n_checked, 8);
    json_decref(j);
}
END_TEST

START_TEST(vectors_compact_bits)
{
    json_t *j = ela_test_load_json("primitives.json");
    size_t i, n = 0;
    json_t *e;
    json_array_foreach(json_object_get(j, "compact_bits"), i, e) {
        uint32_t bits = (uint32_t)strtoul(ela_test_json_str(e, "bits"), NULL, 16);
        const char *t = ela_test_json_str(e, "target_hex");
        bool want_neg = t[0] == '-';
        ela_uint256 target, expect;
        bool neg;
        ck_assert(ela_pow_compact_to_target(&target, &neg, bits));
        ck_assert_uint_eq(neg, want_neg);
        ck_assert(ela_uint256_from_display(&expect, t + want_neg)); /* big-endian text */
        ck_assert(ela_uint256_equal(&target, &expect));
        ela_uint256 zero = {{0}};
        ck_assert_uint_eq(ela_pow_check(&zero, bits, NULL), !want_neg);
        if (!want_neg) { /* re-encoding gives the same target (not always the same bits) */
            ela_uint256 again;
            ck_assert(ela_pow_compact_to_target(&again, &neg, ela_pow_target_to_compact(&target)));
            ck_assert(ela_uint256_equal(&again, &target));
        }
        n++;
    }
    ck_assert_uint_ge(n, 6);
    json_decref(j);
}
END_TEST

START_TEST(vectors_checkpoints_bits)
{
    json_t *j = ela_test_load_json("checkpoints.json");
    const char *nets[] = {"mainnet", "testnet"};
    size_t n = 0;
    ela_uint256 limit, hi;
    ela_pow_limit(&limit);
    ela_uint256 genesis_target;
    bool neg;
    ck_assert(ela_pow_compact_to_target(&genesis_target, &neg, 0x1f0008ff));
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(json_object_get(j, nets[k]), "checkpoints"), i, e) {
            uint32_t bits = (uint32_t)json_integer_value(json_array_get(e, 3));
            ck_assert(ela_pow_compact_to_target(&hi, &neg, bits));
            ck_assert(!neg);
            ck_assert(!ela_uint256_is_zero(&hi));
            ck_assert_int_le(ela_uint256_compare(&hi, &limit), 0);
            ela_uint256 again;
            ck_assert(ela_pow_compact_to_target(&again, &neg, ela_pow_target_to_compact(&hi)));
            ck_assert(ela_uint256_equal(&again, &hi));
            ela_uint256 w;
            ela_pow_work(&w, bits);
            ck_assert(!ela_uint256_is_zero(&w));
            n++;
        }
    }
    ck_assert_uint_ge(n, 60);
    json_decref(j);
}
END_TEST

static size_t btc_header_case(const json_t *hdr)
{
    const char *hex = json_string_value(json_object_get(hdr, "hex"));
    if (!hex)
        return 0;
    ela_bytes b = ela_test_unhex(hex);
    ck_assert_uint_eq(b.len, 80);
    ela_reader r;
    ela_reader_init(&r, b.data, b.len);
    ela_btc_header h;
    ck_assert(ela_btc_header_read(&r, &h));
    ela_uint256 got;
    ela_btc_header_hash(&got, &h);
    const json_t *d = json_object_get(hdr, "derived");
    ela_uint256 want = ela_test_hash_display(ela_test_json_str(d, "hash_display_derived"));
    ck_assert(ela_uint256_equal(&got, &want));
    uint32_t bits = (uint32_t)strtoul(ela_test_json_str(d, "bits"), NULL, 16);
    ck_assert_uint_eq(h.bits, bits);
    const char *why = NULL;
    ck_assert_msg(ela_pow_check(&got, h.bits, &why), "%s", why);
    /* the same hash fails against a target 256 times smaller */
    ela_uint256 t;
    bool neg;
    ck_assert(ela_pow_compact_to_target(&t, &neg, h.bits));
    ck_assert(!ela_pow_check(&got, h.bits - 0x01000000, &why) ||
              ela_uint256_compare(&got, &t) <= 0);
    uint8_t back[80];
    ela_btc_header_serialize(back, &h);
    ck_assert(memcmp(back, b.data, 80) == 0);
    ela_bytes_clear(&b);
    return 1;
}

START_TEST(vectors_btc_headers)
{
    json_t *j = ela_test_load_json("realdata/btc_header_vectors.json");
    size_t n = 0, i, k;
    json_t *e, *v;
    json_array_foreach(json_object_get(json_object_get(j, "headers_0_to_11"), "headers"), i, e)
        n += btc_header_case(e);
    json_array_foreach(json_object_get(json_object_get(j, "consecutive_chain_7"), "headers"), i, e)
        n += btc_header_case(e);
    json_array_foreach(json_object_get(json_object_get(j, "retarget_vectors"), "vectors"), i, v)
        json_array_foreach(json_object_get(v, "headers"), k, e)
            n += btc_header_case(e);
    json_t *vh = json_object_get(j, "valid_header_592920");
    json_t *fake = json_pack("{s:s, s:O}", "hex",
                             ela_test_json_str(json_object_get(vh, "stated"), "raw") + 2, "derived",
                             json_object_get(vh, "derived"));
    n += btc_header_case(fake);
    json_decref(fake);
    ck_assert_uint_ge(n, 40);
    json_decref(j);
}
END_TEST

START_TEST(vectors_merkle_json)
{
    json_t *j = ela_test_load_json("merkle.json");
    size_t i, n = 0;
    json_t *e;
    json_array_foreach(json_object_get(j, "vectors"), i, e) {
        json_t *lv = json_object_get(e, "leaves_internal");
        size_t nl = json_array_size(lv);
        ela_uint256 *leaves = ela_xcalloc(nl, sizeof *leaves);
        for (size_t k = 0; k < nl; k++)
            leaves[k] = ela_test_hash_internal(json_string_value(json_array_get(lv, k)));
        ela_uint256 root;
        ck_assert(ela_merkle_root(&root, leaves, nl));
        ck_assert_str_eq(ela_test_hash_hex(&root),
                         ela_test_json_str(json_object_get(e, "expected"), "root_internal"));
        /* every leaf's branch folds to it */
        for (size_t k = 0; k < nl; k++) {
            ela_uint256 br[ELA_MERKLE_MAX_DEPTH], r;
            size_t nb;
            uint32_t idx;
            ck_assert(ela_merkle_branch(br, &nb, &idx, leaves, nl, k));
            ela_merkle_branch_root(&r, &leaves[k], br, nb, idx);
            ck_assert(ela_uint256_equal(&r, &root));
        }
        free(leaves);
        n++;
    }
    ck_assert_uint_ge(n, 5);
    json_decref(j);
}
END_TEST

START_TEST(vectors_crosschain_partial_trees)
{
    json_t *j = ela_test_load_json("crosschain.json");
    json_t *m = json_object_get(json_object_get(j, "computed"), "merkle");
    json_t *lv = json_object_get(m, "leaves_hex_raw_order");
    size_t nl = json_array_size(lv);
    ck_assert_uint_eq(nl, 5);
    ela_uint256 leaves[5], root, want_root = ela_test_hash_internal(ela_test_json_str(m, "merkle_root_hex_raw_order"));
    for (size_t k = 0; k < nl; k++)
        leaves[k] = ela_test_hash_internal(json_string_value(json_array_get(lv, k)));
    ck_assert(ela_merkle_root(&root, leaves, nl));
    ck_assert(ela_uint256_equal(&root, &want_root));
    size_t i, n = 0;
    json_t *pt;
    json_array_foreach(json_object_get(m, "partial_trees"), i, pt) {
        bool matched[5] = {0};
        size_t k;
        json_t *x;
        json_array_foreach(json_object_get(pt, "matched_indexes"), k, x)
            matched[json_integer_value(x)] = true;
        ela_partial_merkle pm;
        ela_partial_merkle_build(&pm, leaves, matched, nl);
        json_t *hs = json_object_get(pt, "hashes_hex_raw_order");
        ck_assert_uint_eq(pm.n_hashes, json_array_size(hs));
        for (k = 0; k < pm.n_hashes; k++)
            ck_assert_str_eq(ela_test_hash_hex(&pm.hashes[k]), json_string_value(json_array_get(hs, k)));
        ck_assert_str_eq(ela_test_hex(pm.flags.data, pm.flags.len), ela_test_json_str(pt, "flags_hex"));
        ela_uint256 *mt = NULL;
        uint32_t *pos = NULL;
        size_t nm;
        const char *why = NULL;
        ck_assert_msg(ela_partial_merkle_extract(&root, &mt, &pos, &nm, &pm, &why), "%s", why);
        ck_assert(ela_uint256_equal(&root, &want_root));
        ck_assert_uint_eq(nm, json_array_size(json_object_get(pt, "matched_indexes")));
        json_t *mb;
        json_array_foreach(json_object_get(pt, "merkle_branches"), k, mb) {
            uint32_t tx = (uint32_t)json_integer_value(json_object_get(mb, "tx_index"));
            ela_uint256 br[ELA_MERKLE_MAX_DEPTH];
            size_t nb;
            uint32_t idx;
            ck_assert(ela_partial_merkle_branch(br, &nb, &idx, &pm, &leaves[tx], &why));
            ck_assert_uint_eq(idx, json_integer_value(json_object_get(mb, "index_as_produced_by_GetTxMerkleBranch")));
            json_t *bh = json_object_get(mb, "branch_hex_raw_order");
            ck_assert_uint_eq(nb, json_array_size(bh));
            for (size_t q = 0; q < nb; q++)
                ck_assert_str_eq(ela_test_hash_hex(&br[q]), json_string_value(json_array_get(bh, q)));
            ela_uint256 r;
            ela_merkle_branch_root(&r, &leaves[tx], br, nb,
                                   (uint32_t)json_integer_value(json_object_get(mb, "minimal_index")));
            ck_assert(ela_uint256_equal(&r, &want_root));
            n++;
        }
        free(mt);
        free(pos);
        ela_partial_merkle_clear(&pm);
    }
    ck_assert_uint_ge(n, 4);

    /* MerkleProof: parse, fields, verify, re-serialize */
    ela_bytes b = ela_test_unhex(ela_test_json_str(m, "merkle_proof_serialized_hex"));
    ela_merkle_proof mp;
    const char *why = NULL;
    ck_assert_msg(ela_merkle_proof_parse(&mp, b.data, b.len, &why), "%s", why);
    json_t *f = json_object_get(m, "merkle_proof_fields");
    ck_assert_str_eq(ela_test_hash_hex(&mp.block_hash), ela_test_json_str(f, "block_hash_raw"));
    ck_assert_uint_eq(mp.height, json_integer_value(json_object_get(f, "height")));
    ck_assert_uint_eq(mp.tree.n_tx, json_integer_value(json_object_get(f, "transactions")));
    uint32_t *pos = NULL;
    size_t nm;
    ck_assert(ela_partial_merkle_extract(&root, NULL, &pos, &nm, &mp.tree, &why));
    ck_assert(ela_uint256_equal(&root, &want_root));
    ck_assert_uint_eq(nm, 1);
    ck_assert_uint_eq(pos[0], json_integer_value(json_object_get(f, "matched_index")));
    free(pos);
    ela_writer w;
    ela_writer_init(&w);
    ela_merkle_proof_write(&w, &mp);
    ck_assert(w.len == b.len && memcmp(w.data, b.data, b.len) == 0);
    for (size_t cut = 0; cut < b.len; cut++) {
        ela_merkle_proof t;
        ck_assert(!ela_merkle_proof_parse(&t, b.data, cut, &why));
    }
    ela_writer_clear(&w);
    ela_merkle_proof_clear(&mp);
    ela_bytes_clear(&b);
    json_decref(j);
}
END_TEST

static Suite *auxpow_suite(void)
{
    Suite *s = suite_create("auxpow");
    TCase *tc = tcase_create("unit");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, compact_decode);
    tcase_add_test(tc, compact_encode);
    tcase_add_test(tc, pow_check_reasons);
    tcase_add_test(tc, pow_work);
    tcase_add_test(tc, merkle_roots);
    tcase_add_test(tc, merkle_branches);
    tcase_add_test(tc, partial_merkle_roundtrip);
    tcase_add_test(tc, partial_merkle_rejects);
    tcase_add_test(tc, auxpow_expected_index);
    tcase_add_test(tc, auxpow_valid_and_roundtrip);
    tcase_add_test(tc, auxpow_empty_and_solo);
    tcase_add_test(tc, auxpow_each_failure);
    tcase_add_test(tc, auxpow_odd_nibble_offsets);
    tcase_add_test(tc, auxpow_search_matches_hex_text);
    tcase_add_test(tc, btc_tx_limits);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("auxpow vectors")) {
        TCase *tv = tcase_create("vectors");
        tcase_add_test(tv, vectors_auxpow_json);
        tcase_add_test(tv, vectors_realdata_auxpow);
        tcase_add_test(tv, vectors_compact_bits);
        tcase_add_test(tv, vectors_checkpoints_bits);
        tcase_add_test(tv, vectors_btc_headers);
        tcase_add_test(tv, vectors_merkle_json);
        tcase_add_test(tv, vectors_crosschain_partial_trees);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    return ela_test_run(auxpow_suite());
}
