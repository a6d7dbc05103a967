/* elad tests: blocks, headers, DPoS confirm, genesis and the reference node's chains. */
#include "testutil.h"

#include <ela/auxpow.h>
#include <ela/block.h>
#include <ela/genesis.h>
#include <ela/hash.h>
#include <ela/merkle.h>
#include <ela/network.h>
#include <ela/pow.h>
#include <ela/serialize.h>
#include <ela/tx.h>
#include <ela/uint256.h>

#include <stdlib.h>
#include <string.h>

/* Serializes b and compares with want[0..len). */
static void assert_reserializes(const ela_block *b, const uint8_t *want, size_t len)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, b);
    ck_assert_uint_eq(w.len, len);
    ck_assert(memcmp(w.data, want, len) == 0);
    ela_writer_clear(&w);
}

/* Full consistency of a parsed block: merkle root over the txids, AuxPoW and PoW. */
static void assert_block_valid_pow(const ela_block *b)
{
    ela_uint256 root;
    ck_assert(ela_block_compute_merkle_root(&root, b));
    ck_assert(ela_uint256_equal(&root, &b->header.merkle_root));
    const char *why = NULL;
    ck_assert_msg(ela_auxpow_check(&b->header.auxpow, &b->header.hash, ELA_AUXPOW_CHAIN_ID, &why),
                  "height %u: %s", b->header.height, why);
    ck_assert_msg(ela_pow_check_auxpow(&b->header.auxpow, b->header.bits, &why), "height %u: %s",
                  b->header.height, why);
}

/* ---- unit ---- */

START_TEST(network_names)
{
    ela_network n = ELA_NET_MAINNET;
    ck_assert(ela_network_from_name(&n, "regnet"));
    ck_assert_int_eq(n, ELA_NET_REGNET);
    ck_assert(ela_network_from_name(&n, "TestNet"));
    ck_assert_int_eq(n, ELA_NET_TESTNET);
    ck_assert(ela_network_from_name(&n, "mainnet"));
    ck_assert_int_eq(n, ELA_NET_MAINNET);
    ck_assert(!ela_network_from_name(&n, "main"));
    ck_assert(!ela_network_from_name(&n, ""));
    ck_assert(!ela_network_from_name(&n, NULL));
    ck_assert(!ela_network_from_name(&n, "regnetx"));
    ck_assert_int_eq(n, ELA_NET_MAINNET);
    ck_assert_str_eq(ela_network_name(ELA_NET_TESTNET), "testnet");
}
END_TEST

START_TEST(genesis_from_parameters)
{
    static const struct {
        ela_network net;
        const char *hash_internal, *merkle_internal;
    } cases[] = {
        {ELA_NET_MAINNET, "8d7014f2f941caa1972c8033b2f0a860ec8d4938b12bae2c62512852a558f405",
         "206cf70af49fa40e594189634da713872fe5ba6d0457ae235890e0438c853692"},
        {ELA_NET_TESTNET, "b3314f465ea5556d570bcc473d59a0855b4405a25b1ea0c957c81b2920be1864",
         "725295b0c5af69065595e7681d56898de22b2cc79d9da11388cbc5be001695a3"},
        {ELA_NET_REGNET, "b3314f465ea5556d570bcc473d59a0855b4405a25b1ea0c957c81b2920be1864",
         "725295b0c5af69065595e7681d56898de22b2cc79d9da11388cbc5be001695a3"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        ela_block b;
        ela_genesis_block(&b, cases[i].net);
        ck_assert_str_eq(ela_test_hash_hex(&b.header.hash), cases[i].hash_internal);
        ck_assert_str_eq(ela_test_hash_hex(&b.header.merkle_root), cases[i].merkle_internal);
        ck_assert_uint_eq(b.size, 392);
        ck_assert_uint_eq(b.n_txs, 2);
        /* parse what we built: identical */
        ela_writer w;
        ela_writer_init(&w);
        ela_block_write(&w, &b);
        ela_block back;
        const char *why = NULL;
        ck_assert_msg(ela_block_parse(&back, w.data, w.len, &why), "%s", why);
        ck_assert(ela_uint256_equal(&back.header.hash, &b.header.hash));
        ck_assert(ela_uint256_equal(&back.txs[0].txid, &b.txs[0].txid));
        assert_reserializes(&back, w.data, w.len);
        ela_block_clear(&back);
        ela_writer_clear(&w);
        ela_block_clear(&b);
    }
    ela_uint256 asset;
    ela_genesis_asset_id(&asset);
    ck_assert_str_eq(ela_test_hash_hex(&asset), "b037db964a231458d2d6ffd5ea18944c4f90e63d547c5d3b9874df66a4ead0a3");
}
END_TEST

START_TEST(header_hash_excludes_auxpow)
{
    ela_block b;
    ela_genesis_block(&b, ELA_NET_REGNET);
    ela_uint256 id = b.header.hash, with_aux1, with_aux2;
    ela_block_header_hash_with_aux(&with_aux1, &b.header);
    ela_auxpow_clear(&b.header.auxpow);
    ela_auxpow_init_solo(&b.header.auxpow, &id, 1);
    ela_block_header_update_hash(&b.header);
    ck_assert(ela_uint256_equal(&id, &b.header.hash));
    ela_block_header_hash_with_aux(&with_aux2, &b.header);
    ck_assert(!ela_uint256_equal(&with_aux1, &with_aux2));
    /* every base field is covered */
    b.header.height = 1;
    ela_block_header_update_hash(&b.header);
    ck_assert(!ela_uint256_equal(&id, &b.header.hash));
    ela_block_clear(&b);
}
END_TEST

START_TEST(trailer_byte_any_value)
{
    ela_block b;
    ela_genesis_block(&b, ELA_NET_MAINNET);
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, &b);
    size_t trailer = 84 + 132;
    ck_assert_uint_eq(w.data[trailer], 0x01);
    w.data[trailer] = 0x7f;
    ela_block back;
    const char *why = NULL;
    ck_assert_msg(ela_block_parse(&back, w.data, w.len, &why), "%s", why);
    ck_assert(ela_uint256_equal(&back.header.hash, &b.header.hash));
    ela_writer w2;
    ela_writer_init(&w2);
    ela_block_write(&w2, &back);
    ck_assert_uint_eq(w2.data[trailer], 0x01); /* always written as 0x01 */
    ela_writer_clear(&w2);
    ela_block_clear(&back);
    ela_writer_clear(&w);
    ela_block_clear(&b);
}
END_TEST

START_TEST(block_truncation_every_offset)
{
    ela_block b;
    ela_genesis_block(&b, ELA_NET_MAINNET);
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, &b);
    for (size_t cut = 0; cut < w.len; cut++) {
        ela_block t;
        const char *why = NULL;
        ck_assert_msg(!ela_block_parse(&t, w.data, cut, &why), "accepted %zu bytes", cut);
        ck_assert_ptr_nonnull(why);
        ck_assert_ptr_null(t.txs);
        ck_assert_uint_eq(t.n_txs, 0);
    }
    /* trailing byte */
    ela_write_u8(&w, 0);
    ela_block t;
    const char *why = NULL;
    ck_assert(!ela_block_parse(&t, w.data, w.len, &why));
    ck_assert_str_eq(why, "trailing bytes");
    ela_writer_clear(&w);
    ela_block_clear(&b);
}
END_TEST

START_TEST(block_count_limits)
{
    ela_block b;
    ela_genesis_block(&b, ELA_NET_MAINNET);
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, &b);
    size_t count_at = 84 + 132 + 1;
    ela_block t;
    const char *why = NULL;
    /* above MaxTxPerBlock */
    w.data[count_at] = 0x11;
    w.data[count_at + 1] = 0x27; /* 10001 */
    ck_assert(!ela_block_parse(&t, w.data, w.len, &why));
    ck_assert_str_eq(why, "too many transactions");
    /* more than the bytes left could hold: rejected before allocating */
    w.data[count_at] = 0x10;
    w.data[count_at + 1] = 0x27; /* 10000 */
    ck_assert(!ela_block_parse(&t, w.data, w.len, &why));
    ck_assert_str_eq(why, "truncated");
    /* a count of 3 with two txs present */
    w.data[count_at] = 3;
    w.data[count_at + 1] = 0;
    ck_assert(!ela_block_parse(&t, w.data, w.len, &why));
    /* zero transactions parses (sanity rejects it), then the rest is trailing */
    w.data[count_at] = 0;
    ck_assert(!ela_block_parse(&t, w.data, w.len, &why));
    ck_assert_str_eq(why, "trailing bytes");
    ck_assert(ela_block_parse(&t, w.data, count_at + 4, &why));
    ck_assert_uint_eq(t.n_txs, 0);
    ela_uint256 root;
    ck_assert(!ela_block_compute_merkle_root(&root, &t));
    ela_block_clear(&t);
    ela_writer_clear(&w);
    ela_block_clear(&b);
}
END_TEST

static void make_confirm(ela_confirm *c, const ela_uint256 *block_hash, size_t n_votes)
{
    ela_confirm_init(c);
    uint8_t key[33], sig[64];
    memset(key, 0x02, sizeof key);
    memset(sig, 0x5a, sizeof sig);
    ela_bytes_set(&c->proposal.sponsor, key, sizeof key);
    c->proposal.block_hash = *block_hash;
    c->proposal.view_offset = 3;
    ela_bytes_set(&c->proposal.sign, sig, sizeof sig);
    ela_uint256 ph;
    ela_dpos_proposal_hash(&ph, &c->proposal);
    c->n_votes = n_votes;
    c->votes = n_votes ? ela_xcalloc(n_votes, sizeof *c->votes) : NULL;
    for (size_t i = 0; i < n_votes; i++) {
        key[32] = (uint8_t)i;
        c->votes[i].proposal_hash = ph;
        ela_bytes_set(&c->votes[i].signer, key, sizeof key);
        c->votes[i].accept = true;
        ela_bytes_set(&c->votes[i].sign, sig, sizeof sig);
    }
}

START_TEST(dpos_block_roundtrip)
{
    ela_dpos_block d;
    ela_dpos_block_init(&d);
    ela_genesis_block(&d.block, ELA_NET_REGNET);
    /* without a confirm: block || 00 */
    ela_writer w;
    ela_writer_init(&w);
    ela_dpos_block_write(&w, &d);
    ck_assert_uint_eq(w.len, 393);
    ck_assert_uint_eq(w.data[392], 0);
    ela_dpos_block back;
    const char *why = NULL;
    ck_assert_msg(ela_dpos_block_parse(&back, w.data, w.len, &why), "%s", why);
    ck_assert(!back.have_confirm);
    ela_dpos_block_clear(&back);
    ela_writer_clear(&w);

    d.have_confirm = true;
    make_confirm(&d.confirm, &d.block.header.hash, 3);
    ela_writer_init(&w);
    ela_dpos_block_write(&w, &d);
    /* proposal 1+33+32+4+1+64, u64 count, 3 votes of 32+1+33+1+1+64 */
    ck_assert_uint_eq(w.len, 393 + 135 + 8 + 3 * 132);
    ck_assert_uint_eq(w.data[393 + 135], 3);
    ck_assert_msg(ela_dpos_block_parse(&back, w.data, w.len, &why), "%s", why);
    ck_assert(back.have_confirm);
    ck_assert_uint_eq(back.confirm.n_votes, 3);
    ck_assert(back.confirm.votes[2].accept);
    ela_uint256 ph;
    ela_dpos_proposal_hash(&ph, &back.confirm.proposal);
    ck_assert(ela_uint256_equal(&ph, &back.confirm.votes[0].proposal_hash));
    ela_uint256 vh0, vh1;
    ela_dpos_vote_hash(&vh0, &back.confirm.votes[0]);
    ela_dpos_vote_hash(&vh1, &back.confirm.votes[1]);
    ck_assert(!ela_uint256_equal(&vh0, &vh1));
    ela_writer w2;
    ela_writer_init(&w2);
    ela_dpos_block_write(&w2, &back);
    ck_assert(w2.len == w.len && memcmp(w.data, w2.data, w.len) == 0);
    ela_writer_clear(&w2);
    ela_dpos_block_clear(&back);
    /* accept byte: only 1 is true */
    size_t accept_at = 393 + 135 + 8 + 32 + 34;
    ck_assert_uint_eq(w.data[accept_at], 1);
    w.data[accept_at] = 2;
    ck_assert(ela_dpos_block_parse(&back, w.data, w.len, &why));
    ck_assert(!back.confirm.votes[0].accept);
    ela_dpos_block_clear(&back);
    w.data[accept_at] = 1;
    /* truncation everywhere in the confirm */
    for (size_t cut = 392; cut < w.len; cut++)
        ck_assert(!ela_dpos_block_parse(&back, w.data, cut, &why));
    /* a vote count beyond the bytes left */
    w.data[393 + 135 + 7] = 0x01;
    ck_assert(!ela_dpos_block_parse(&back, w.data, w.len, &why));
    ck_assert_str_eq(why, "truncated");
    /* sponsor longer than 33 bytes */
    w.data[393 + 135 + 7] = 0;
    w.data[393] = 34;
    ck_assert(!ela_dpos_block_parse(&back, w.data, w.len, &why));
    ck_assert_str_eq(why, "count exceeds limit");
    ela_writer_clear(&w);
    ela_dpos_block_clear(&d);
}
END_TEST

START_TEST(built_block_with_solo_auxpow)
{
    /* a block assembled in memory, mined with the built-in miner's AuxPoW form */
    ela_block b;
    ela_genesis_block(&b, ELA_NET_REGNET);
    b.header.prev = b.header.hash;
    b.header.height = 1;
    b.header.bits = ELA_POW_INSTANT_BITS;
    b.header.timestamp = ELA_GENESIS_TIMESTAMP + 120;
    ela_block_update(&b);
    ela_auxpow_clear(&b.header.auxpow);
    ela_auxpow_init_solo(&b.header.auxpow, &b.header.hash, b.header.timestamp);
    while (!ela_pow_check_auxpow(&b.header.auxpow, b.header.bits, NULL))
        b.header.auxpow.parent_header.nonce++;
    assert_block_valid_pow(&b);
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, &b);
    ela_block back;
    const char *why = NULL;
    ck_assert_msg(ela_block_parse(&back, w.data, w.len, &why), "%s", why);
    ck_assert_uint_eq(back.size, w.len);
    assert_block_valid_pow(&back);
    /* the same AuxPoW does not prove a different block */
    back.header.nonce++;
    ela_block_header_update_hash(&back.header);
    ck_assert(!ela_auxpow_check(&back.header.auxpow, &back.header.hash, ELA_AUXPOW_CHAIN_ID, &why));
    ck_assert_str_eq(why, "auxpow: chain merkle root not found");
    ela_block_clear(&back);
    ela_writer_clear(&w);
    ela_block_clear(&b);
}
END_TEST

/* ---- vectors ---- */

START_TEST(vectors_blocks_json)
{
    json_t *j = ela_test_load_json("blocks.json");
    size_t i, n = 0;
    json_t *e;
    json_array_foreach(json_object_get(j, "vectors"), i, e) {
        json_t *ex = json_object_get(e, "expected");
        ela_bytes raw = ela_test_unhex(ela_test_json_str(e, "hex"));
        ela_block b;
        const char *why = NULL;
        ck_assert_msg(ela_block_parse(&b, raw.data, raw.len, &why), "vector %zu: %s", i, why);
        assert_reserializes(&b, raw.data, raw.len);
        ck_assert_uint_eq(b.size, json_integer_value(json_object_get(ex, "size")));
        ck_assert_str_eq(ela_test_hash_hex(&b.header.hash), ela_test_json_str(ex, "block_hash_internal_bytes"));
        uint8_t base[84];
        ela_block_header_serialize_base(base, &b.header);
        ck_assert_str_eq(ela_test_hex(base, 84), ela_test_json_str(ex, "header_no_aux_hex"));
        ela_uint256 m = ela_test_hash_display(ela_test_json_str(ex, "merkle_root_display")), root;
        ck_assert(ela_uint256_equal(&m, &b.header.merkle_root));
        ck_assert(ela_block_compute_merkle_root(&root, &b));
        ck_assert(ela_uint256_equal(&root, &m));
        ela_uint256 prev = ela_test_hash_display(ela_test_json_str(ex, "previous_display"));
        ck_assert(ela_uint256_equal(&prev, &b.header.prev));
        ck_assert_uint_eq(b.header.timestamp, json_integer_value(json_object_get(ex, "timestamp")));
        ck_assert_uint_eq(b.header.bits, strtoul(ela_test_json_str(ex, "bits"), NULL, 16));
        ck_assert_uint_eq(b.header.nonce, json_integer_value(json_object_get(ex, "nonce")));
        ck_assert_uint_eq(b.header.height, json_integer_value(json_object_get(ex, "height")));
        ck_assert_uint_eq(b.n_txs, json_integer_value(json_object_get(ex, "tx_count_uint32")));
        json_t *ids = json_object_get(ex, "txids_display");
        for (size_t k = 0; k < b.n_txs; k++) {
            ela_uint256 t = ela_test_hash_display(json_string_value(json_array_get(ids, k)));
            ck_assert(ela_uint256_equal(&t, &b.txs[k].txid));
        }
        ela_writer w;
        ela_writer_init(&w);
        ela_auxpow_write(&w, &b.header.auxpow);
        ck_assert_uint_eq(w.len, json_integer_value(json_object_get(ex, "auxpow_len")));
        ela_writer_clear(&w);
        ela_uint256 hwa;
        ela_block_header_hash_with_aux(&hwa, &b.header);
        ck_assert_str_eq(ela_test_hash_hex(&hwa), ela_test_json_str(
                                         ex, "header_with_aux_hash_internal (HashWithAux, not the block id)"));
        ela_uint256 ph = ela_test_hash_display(ela_test_json_str(ex, "parent_header_hash_display")), got;
        ela_btc_header_hash(&got, &b.header.auxpow.parent_header);
        ck_assert(ela_uint256_equal(&ph, &got));
        const char *ac = ela_test_json_str(ex, "auxpow_check_chainid_1224");
        if (strcmp(ac, "OK") == 0) {
            assert_block_valid_pow(&b);
        } else {
            ck_assert(!ela_auxpow_check(&b.header.auxpow, &b.header.hash, ELA_AUXPOW_CHAIN_ID, NULL));
        }
        json_t *pow = json_object_get(ex, "pow_ok (parent hash as LE integer <= target)");
        if (pow)
            ck_assert_uint_eq(ela_pow_check_auxpow(&b.header.auxpow, b.header.bits, NULL),
                              json_is_true(pow));
        /* the genesis vectors equal the blocks built from parameters */
        if (b.header.height == 0) {
            ela_network net = strstr(ela_test_json_str(e, "description"), "MAINNET") ? ELA_NET_MAINNET
                                                                                    : ELA_NET_TESTNET;
            ela_block g;
            ela_genesis_block(&g, net);
            assert_reserializes(&g, raw.data, raw.len);
            ela_block_clear(&g);
        }
        ela_block_clear(&b);
        ela_bytes_clear(&raw);
        n++;
    }
    ck_assert_uint_ge(n, 5);
    json_decref(j);
}
END_TEST

START_TEST(vectors_realdata_genesis)
{
    json_t *j = ela_test_load_json("realdata/ela_genesis_blocks.json");
    json_t *nets = json_object_get(j, "networks");
    static const struct {
        const char *key;
        ela_network net;
    } map[] = {{"mainnet", ELA_NET_MAINNET}, {"testnet_and_regnet", ELA_NET_TESTNET},
               {"testnet_and_regnet", ELA_NET_REGNET}};
    for (size_t i = 0; i < ELA_ARRAY_LEN(map); i++) {
        json_t *n = json_object_get(nets, map[i].key);
        ela_bytes raw = ela_test_unhex(ela_test_json_str(n, "block_hex"));
        ela_block g;
        ela_genesis_block(&g, map[i].net);
        assert_reserializes(&g, raw.data, raw.len);
        ck_assert_str_eq(ela_test_hash_hex(&g.header.hash), ela_test_json_str(n, "block_hash_internal"));
        ela_uint256 disp = ela_test_hash_display(ela_test_json_str(n, "block_hash_rpc_display"));
        ck_assert(ela_uint256_equal(&disp, &g.header.hash));
        ck_assert_str_eq(ela_test_hash_hex(&g.txs[0].txid),
                         ela_test_json_str(json_object_get(n, "coinbase"), "txid_internal"));
        ck_assert_str_eq(ela_test_hash_hex(&g.txs[1].txid),
                         ela_test_json_str(json_object_get(n, "register_asset"), "txid_internal"));
        ela_uint168 f;
        ela_genesis_foundation(&f, map[i].net);
        ck_assert_str_eq(ela_test_hex(f.b, 21), ela_test_json_str(n, "foundation_program_hash"));
        ela_block_clear(&g);
        ela_bytes_clear(&raw);
    }
    json_decref(j);
}
END_TEST

START_TEST(vectors_mainnet_block_10000)
{
    json_t *j = ela_test_load_json("realdata/ela_mainnet_block_10000.json");
    ela_bytes raw = ela_test_unhex(ela_test_json_str(j, "block_hex"));
    ela_block b;
    const char *why = NULL;
    ck_assert_msg(ela_block_parse(&b, raw.data, raw.len, &why), "%s", why);
    assert_reserializes(&b, raw.data, raw.len);
    ck_assert_uint_eq(b.size, json_integer_value(json_object_get(j, "size")));
    ck_assert_str_eq(ela_test_hash_hex(&b.header.hash), ela_test_json_str(j, "block_hash_internal_derived"));
    json_t *h = json_object_get(j, "header");
    ck_assert_str_eq(ela_test_hash_hex(&b.header.merkle_root), ela_test_json_str(h, "merkle_root_internal"));
    ck_assert_str_eq(ela_test_hash_hex(&b.header.prev), ela_test_json_str(h, "previous_internal"));
    ck_assert_uint_eq(b.header.bits, strtoul(ela_test_json_str(h, "bits_hex"), NULL, 16));
    ck_assert_uint_eq(b.header.height, 10000);
    ck_assert_uint_eq(b.n_txs, 2);
    json_t *txs = json_object_get(j, "transactions");
    for (size_t k = 0; k < 2; k++)
        ck_assert_str_eq(ela_test_hash_hex(&b.txs[k].txid),
                         ela_test_json_str(json_object_get(json_array_get(txs, k), "parsed"), "txid_internal"));
    ela_uint256 ph = ela_test_hash_internal(ela_test_json_str(json_object_get(j, "auxpow"), "parent_header_hash_internal")), got;
    ela_btc_header_hash(&got, &b.header.auxpow.parent_header);
    ck_assert(ela_uint256_equal(&ph, &got));
    assert_block_valid_pow(&b);
    /* the parent hash does not meet a target 256 times harder */
    ck_assert(!ela_pow_check_auxpow(&b.header.auxpow, b.header.bits - 0x01000000, &why));
    ck_assert_str_eq(why, "high-hash");
    /* truncation at every offset */
    for (size_t cut = 0; cut < raw.len; cut++) {
        ela_block t;
        ck_assert(!ela_block_parse(&t, raw.data, cut, &why));
    }
    ela_block_clear(&b);
    ela_bytes_clear(&raw);
    json_decref(j);
}
END_TEST

static void chain_file(const char *rel, size_t min_blocks, bool instant)
{
    json_t *lines = ela_test_load_jsonl(rel);
    size_t i, n = 0;
    json_t *e;
    ela_uint256 prev = {{0}}, work = {{0}};
    json_array_foreach(lines, i, e) {
        json_int_t height = json_integer_value(json_object_get(e, "height"));
        ela_bytes raw = ela_test_unhex(ela_test_json_str(e, "raw"));
        ela_block b;
        const char *why = NULL;
        ck_assert_msg(ela_block_parse(&b, raw.data, raw.len, &why), "%s height %lld: %s", rel,
                      (long long)height, why);
        assert_reserializes(&b, raw.data, raw.len);
        ck_assert_uint_eq(b.header.height, height);
        ela_uint256 h = ela_test_hash_display(ela_test_json_str(e, "hash"));
        ck_assert_msg(ela_uint256_equal(&h, &b.header.hash), "%s height %lld", rel, (long long)height);
        ela_uint256 root;
        ck_assert(ela_block_compute_merkle_root(&root, &b));
        ck_assert(ela_uint256_equal(&root, &b.header.merkle_root));
        json_t *v = json_object_get(e, "verbose1");
        if (v) {
            ela_uint256 mr = ela_test_hash_display(ela_test_json_str(v, "merkleroot"));
            ck_assert(ela_uint256_equal(&mr, &b.header.merkle_root));
            json_t *bits = json_object_get(v, "bits");
            ck_assert(json_is_integer(bits) || json_is_string(bits));
            ck_assert_uint_eq(b.header.bits, json_is_integer(bits)
                                                 ? (unsigned long)json_integer_value(bits)
                                                 : strtoul(json_string_value(bits), NULL, 10));
        }
        if (height == 0) {
            ela_block g;
            ela_genesis_block(&g, ELA_NET_REGNET);
            assert_reserializes(&g, raw.data, raw.len);
            ela_block_clear(&g);
        } else {
            ck_assert(ela_uint256_equal(&prev, &b.header.prev));
            assert_block_valid_pow(&b);
            if (instant)
                ck_assert_uint_eq(b.header.bits, ELA_POW_INSTANT_BITS);
        }
        ela_uint256 w;
        ela_pow_work(&w, b.header.bits);
        ela_pow_work_add(&work, &w);
        prev = b.header.hash;
        ela_block_clear(&b);
        ela_bytes_clear(&raw);
        n++;
    }
    ck_assert_uint_ge(n, min_blocks);
    ck_assert(!ela_uint256_is_zero(&work));
    json_decref(lines);
}

START_TEST(vectors_refnode_regnet_chain)
{
    chain_file("refnode/chain/regnet_node1_blocks.jsonl", 109, false);
}
END_TEST

START_TEST(vectors_refnode_instant_chain)
{
    chain_file("refnode/chain/regnet_instantblock_node3_first50.jsonl", 50, true);
}
END_TEST

static Suite *block_suite(void)
{
    Suite *s = suite_create("block");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, network_names);
    tcase_add_test(tc, genesis_from_parameters);
    tcase_add_test(tc, header_hash_excludes_auxpow);
    tcase_add_test(tc, trailer_byte_any_value);
    tcase_add_test(tc, block_truncation_every_offset);
    tcase_add_test(tc, block_count_limits);
    tcase_add_test(tc, dpos_block_roundtrip);
    tcase_add_test(tc, built_block_with_solo_auxpow);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("block vectors")) {
        TCase *tv = tcase_create("vectors");
        tcase_set_timeout(tv, 120);
        tcase_add_test(tv, vectors_blocks_json);
        tcase_add_test(tv, vectors_realdata_genesis);
        tcase_add_test(tv, vectors_mainnet_block_10000);
        tcase_add_test(tv, vectors_refnode_regnet_chain);
        tcase_add_test(tv, vectors_refnode_instant_chain);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    return ela_test_run(block_suite());
}
