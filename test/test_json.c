/* elad tests: json module (reference RPC rendering of transactions and blocks). */
#include "testutil.h"

#include <ela/json.h>

#include <ela/block.h>
#include <ela/hex.h>
#include <ela/serialize.h>
#include <ela/tx.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---------------------------------------------------------------------------- */

static void assert_dump(const json_t *j, const char *want)
{
    char *got = ela_json_dumps(j);
    ck_assert_str_eq(got, want);
    free(got);
}

/* ---- unit tests ------------------------------------------------------------------------- */

START_TEST(string_from_bytes_replaces_invalid_utf8)
{
    static const struct {
        const char *in;
        size_t len;
        const char *want; /* dumped */
    } cases[] = {
        {"ELA", 3, "\"ELA\""},
        {"", 0, "\"\""},
        {"\xff", 1, "\"\\ufffd\""},
        {"a\xc3\xa9z", 4, "\"a\xc3\xa9z\""},                     /* é kept */
        {"\xc3", 1, "\"\\ufffd\""},                              /* truncated */
        {"\xc0\x80", 2, "\"\\ufffd\\ufffd\""},                   /* overlong: one per byte */
        {"\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""},        /* surrogate */
        {"\xe2\x82x", 3, "\"\\ufffd\\ufffdx\""},                 /* cut 3-byte form */
        {"\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* > U+10FFFF */
        {"\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\""},         /* U+1F600 kept */
        {"a\0b", 3, "\"a\\u0000b\""},                            /* NUL kept, escaped */
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        json_t *s = ela_json_string_from_bytes((const uint8_t *)cases[i].in, cases[i].len);
        ck_assert_ptr_nonnull(s);
        assert_dump(s, cases[i].want);
        json_decref(s);
    }
    /* The value (not only the dump) carries U+FFFD, as a Go client decoding the reply sees. */
    json_t *s = ela_json_string_from_bytes((const uint8_t *)"x\x80", 2);
    ck_assert_str_eq(json_string_value(s), "x\xef\xbf\xbd");
    json_decref(s);
}
END_TEST

START_TEST(dumps_escapes_like_go)
{
    json_t *o = json_object();
    json_object_set_new(o, "z", json_string("<a href=\"x\">&</a>"));
    json_object_set_new(o, "a", json_string("tab\there\nnl\rcr\b\f\x01\x1f\x7f/\\"));
    json_object_set_new(o, "ls", json_string("\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xaa"));
    json_object_set_new(o, "n", json_integer(-42));
    json_object_set_new(o, "big", json_integer(4294967295));
    json_object_set_new(o, "t", json_true());
    json_object_set_new(o, "f", json_false());
    json_object_set_new(o, "nul", json_null());
    json_object_set_new(o, "arr", json_pack("[i,s,[],{}]", 1, "x"));
    assert_dump(o, "{\"z\":\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e\","
                   "\"a\":\"tab\\there\\nnl\\rcr\\u0008\\u000c\\u0001\\u001f\x7f/\\\\\","
                   "\"ls\":\"\\u2028\\u2029\xe2\x80\xaa\","
                   "\"n\":-42,\"big\":4294967295,\"t\":true,\"f\":false,\"nul\":null,"
                   "\"arr\":[1,\"x\",[],{}]}");
    json_decref(o);
    assert_dump(json_null(), "null");
    ck_assert_ptr_null(ela_json_dumps(NULL));
}
END_TEST

START_TEST(dumps_reals_like_go)
{
    static const struct {
        double v;
        const char *want;
    } cases[] = {
        {1.5, "1.5"},         {0.1, "0.1"},       {100, "100"},
        {1e20, "100000000000000000000"},
        {1e21, "1e+21"},      {1e-6, "0.000001"}, {1e-7, "1e-7"},      {1.25e-10, "1.25e-10"},
        {-2.5, "-2.5"},       {0, "0"},           {123456.789, "123456.789"},
        {0.30000000000000004, "0.30000000000000004"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        json_t *r = json_real(cases[i].v);
        assert_dump(r, cases[i].want);
        json_decref(r);
    }
}
END_TEST

START_TEST(difficulty_matches_reference)
{
    static const struct {
        uint32_t limit, bits;
        const char *want;
    } cases[] = {
        {0x1f0008ff, 0x1d03ffff, "575"},  /* regnet genesis, seen in getblock */
        {0x1f0008ff, 0x1f0008ff, "1"},    /* regnet default bits */
        {0x207fffff, 0x207fffff, "1"},    /* InstantBlock */
        {0x1f0008ff, 0x207fffff, "0"},    /* easier than the limit */
        {0x1f0008ff, 0x1800ffff, "2532213917286152"}, /* 2303 * 2^56 / 65535 */
        {0x1f0008ff, 0x03000001,
         "62088757174447923447118135745406209441386343605110938423981614403944448"},
        {0x1f0008ff, 0x1f8008ff, "-1"},   /* negative target: Euclidean quotient */
        {0x1f0008ff, 0x1f000000, "0"},    /* zero target: the reference panics */
        {0x1f0008ff, 0x02000080, "0"},    /* mantissa shifted out: zero target */
        {0x1f0008ff, 0x01003456, "0"},    /* 0x34 >> 8 = 0 */
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        char *d = ela_json_difficulty(cases[i].limit, cases[i].bits);
        ck_assert_msg(strcmp(d, cases[i].want) == 0, "%08x/%08x: got %s want %s",
                      cases[i].limit, cases[i].bits, d, cases[i].want);
        free(d);
    }
    /* A huge limit exponent still works (no overflow of the 2048-bit buffer). */
    char *d = ela_json_difficulty(0xff7fffff, 0x03000001);
    ck_assert_uint_gt(strlen(d), 600);
    free(d);
}
END_TEST

START_TEST(amounts_and_hashes)
{
    json_t *a = ela_json_amount(150000000);
    ck_assert_str_eq(json_string_value(a), "1.50000000");
    json_decref(a);
    a = ela_json_amount(3300000000000000);
    ck_assert_str_eq(json_string_value(a), "33000000");
    json_decref(a);
    a = ela_json_amount(-10);
    ck_assert_str_eq(json_string_value(a), "-0.00000010");
    json_decref(a);
    ela_uint256 h;
    memset(&h, 0, sizeof h);
    h.b[0] = 0xb0;
    h.b[31] = 0xa3;
    json_t *s = ela_json_uint256_display(&h);
    ck_assert_str_eq(json_string_value(s),
                     "a3" "000000000000000000000000000000000000000000000000000000000000" "b0");
    json_decref(s);
}
END_TEST

/* Program hashes and addresses of the transfer transaction in the reference transcripts. */
#define PH_SENDER "21c08a73769eb36fba33e03bdd64807c24972e57a3"
#define ADDR_SENDER "Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj"
#define PH_RECIPIENT "21fc656d2b96b1c549229a1ed0a01b6eecb6dd008e"
#define ADDR_RECIPIENT "EgATHA9UFjVDnMG7iAGBCvaPV4h8M5YLcA"

static ela_bytes view(const char *s, size_t len)
{
    ela_bytes b = {(uint8_t *)s, len};
    return b;
}

static void assert_payload(const ela_output *o, uint8_t tx_version, const char *want)
{
    json_t *j = ela_json_output_payload(o, tx_version);
    ck_assert_ptr_nonnull(j);
    assert_dump(j, want);
    json_decref(j);
}

START_TEST(output_payload_none_legacy_and_v09)
{
    ela_output o;
    memset(&o, 0, sizeof o);
    o.type = ELA_OUTPUT_NONE;
    assert_payload(&o, 0, "null");          /* legacy: no payload on the wire */
    assert_payload(&o, ELA_TX_VERSION_09, "{}");
    assert_payload(&o, 0x0a, "{}");         /* any version >= 9 */
    o.type = ELA_OUTPUT_MAPPING;            /* the reference has no case for OTMapping */
    assert_payload(&o, ELA_TX_VERSION_09, "null");
}
END_TEST

START_TEST(output_payload_vote)
{
    ela_uint168 crc;
    ck_assert(ela_uint168_from_hex(&crc, PH_SENDER));
    uint8_t prop[32];
    for (int i = 0; i < 32; i++)
        prop[i] = (uint8_t)i;
    static const uint8_t pk[3] = {0x02, 0xab, 0xcd};
    ela_candidate_votes dele[2] = {{view((const char *)pk, 3), 0}, {view("\x03", 1), 5}};
    ela_candidate_votes crcv[1] = {{view((const char *)crc.b, 21), 150000000}};
    ela_candidate_votes propv[1] = {{view((const char *)prop, 32), 1}};
    ela_candidate_votes odd[1] = {{view("\x01", 1), 7}};
    ela_vote_content contents[] = {
        {ELA_VOTE_DELEGATE, 2, dele},   {ELA_VOTE_CRC, 1, crcv},
        {ELA_VOTE_CRC_PROPOSAL, 1, propv}, {ELA_VOTE_CRC_IMPEACHMENT, 1, crcv},
        {ELA_VOTE_DPOSV2, 1, odd},      {ELA_VOTE_CRC, 0, NULL},
        {0x07, 1, odd}, /* unknown vote type: the reference lists no candidates */
    };
    ela_output o;
    memset(&o, 0, sizeof o);
    o.type = ELA_OUTPUT_VOTE;
    o.payload.vote.version = 1;
    o.payload.vote.content_count = ELA_ARRAY_LEN(contents);
    o.payload.vote.contents = contents;
    assert_payload(&o, 9,
                   "{\"version\":1,\"contents\":["
                   "{\"votetype\":0,\"candidates\":[{\"candidate\":\"02abcd\",\"votes\":\"0\"},"
                   "{\"candidate\":\"03\",\"votes\":\"0.00000005\"}]},"
                   "{\"votetype\":1,\"candidates\":[{\"candidate\":\"" ADDR_SENDER "\","
                   "\"votes\":\"1.50000000\"}]},"
                   "{\"votetype\":2,\"candidates\":[{\"candidate\":\"1f1e1d1c1b1a191817161514131211100f0e0d"
                   "0c0b0a09080706050403020100\",\"votes\":\"0.00000001\"}]},"
                   "{\"votetype\":3,\"candidates\":[{\"candidate\":\"" ADDR_SENDER "\","
                   "\"votes\":\"1.50000000\"}]},"
                   "{\"votetype\":4,\"candidates\":[{\"candidate\":\"01\",\"votes\":\"0.00000007\"}]},"
                   "{\"votetype\":1,\"candidates\":null},"
                   "{\"votetype\":7,\"candidates\":null}]}");
    /* DposV2 output type renders the same structure; no contents is null, not []. */
    o.type = ELA_OUTPUT_DPOSV2_VOTE;
    o.payload.vote.version = 2;
    o.payload.vote.content_count = 0;
    o.payload.vote.contents = NULL;
    assert_payload(&o, 9, "{\"version\":2,\"contents\":null}");
    /* A CRC candidate that is not a program hash (the reference panics) shows "". */
    ela_vote_content bad = {ELA_VOTE_CRC, 1, odd};
    o.payload.vote.content_count = 1;
    o.payload.vote.contents = &bad;
    assert_payload(&o, 9, "{\"version\":2,\"contents\":[{\"votetype\":1,\"candidates\":"
                          "[{\"candidate\":\"\",\"votes\":\"0.00000007\"}]}]}");
}
END_TEST

START_TEST(output_payload_sidechain_types)
{
    ela_uint256 h;
    for (int i = 0; i < 32; i++)
        h.b[i] = (uint8_t)(0xa0 + i % 16);
    h.b[0] = 0x01;
    h.b[31] = 0xff;
    ela_output o;
    memset(&o, 0, sizeof o);

    o.type = ELA_OUTPUT_CROSSCHAIN;
    o.payload.crosschain.version = 0;
    o.payload.crosschain.target_address = view("E<x>&\xff", 6);
    o.payload.crosschain.target_amount = 123456789;
    o.payload.crosschain.target_data = view("\x00\x01", 2);
    assert_payload(&o, 9, "{\"Version\":0,\"TargetAddress\":\"E\\u003cx\\u003e\\u0026\\ufffd\","
                          "\"TargetAmount\":\"1.23456789\",\"TargetData\":\"0001\"}");

    memset(&o, 0, sizeof o);
    o.type = ELA_OUTPUT_WITHDRAW;
    o.payload.withdraw.version = 1;
    o.payload.withdraw.genesis_block_address = view("XKUh4GLhFJiqAMTF6HyWQrV9pK9HcGUdfJ", 34);
    o.payload.withdraw.sidechain_txid = h;
    assert_payload(&o, 9, "{\"Version\":1,\"GenesisBlockAddress\":\"XKUh4GLhFJiqAMTF6HyWQrV9pK9HcGUdfJ\","
                          "\"SideChainTransactionHash\":\"01a1a2a3a4a5a6a7a8a9aaabacadaeafa0a1a2a3a4"
                          "a5a6a7a8a9aaabacadaeff\",\"TargetData\":\"\"}"); /* internal order */

    memset(&o, 0, sizeof o);
    o.type = ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT;
    o.payload.return_deposit.version = 0;
    o.payload.return_deposit.genesis_block_address = view("", 0);
    o.payload.return_deposit.deposit_txid = h;
    assert_payload(&o, 9, "{\"Version\":0,\"GenesisBlockAddress\":\"\","
                          "\"DepositTransactionHash\":\"ffaeadacabaaa9a8a7a6a5a4a3a2a1a0afaeadacab"
                          "aaa9a8a7a6a5a4a3a2a101\"}"); /* display order */

    memset(&o, 0, sizeof o);
    o.type = ELA_OUTPUT_STAKE;
    ck_assert(ela_uint168_from_hex(&o.payload.stake.stake_address, PH_RECIPIENT));
    assert_payload(&o, 9, "{\"Version\":0,\"StakeAddress\":\"" ADDR_RECIPIENT "\"}");
}
END_TEST

/* A TransferAsset with one attribute, input, output and program. */
static void build_tx(ela_tx *tx, uint8_t version)
{
    ela_tx_init(tx);
    tx->version = version;
    ela_payload_init(&tx->payload, ELA_TX_TRANSFER_ASSET, 0);
    tx->attribute_count = 1;
    tx->attributes = ela_xcalloc(1, sizeof *tx->attributes);
    tx->attributes[0].usage = ELA_ATTR_NONCE;
    ela_bytes_set(&tx->attributes[0].data, (const uint8_t *)"\x01\x02", 2);
    tx->input_count = 1;
    tx->inputs = ela_xcalloc(1, sizeof *tx->inputs);
    tx->inputs[0].prev_txid.b[0] = 0xaa;
    tx->inputs[0].prev_index = 65535;
    tx->inputs[0].sequence = 4294967295u;
    tx->output_count = 1;
    tx->outputs = ela_xcalloc(1, sizeof *tx->outputs);
    tx->outputs[0].asset_id.b[31] = 0xa3;
    tx->outputs[0].value = 150000000;
    tx->outputs[0].output_lock = 7;
    ck_assert(ela_uint168_from_hex(&tx->outputs[0].program_hash, PH_RECIPIENT));
    tx->lock_time = 12;
    tx->program_count = 1;
    tx->programs = ela_xcalloc(1, sizeof *tx->programs);
    ela_bytes_set(&tx->programs[0].code, (const uint8_t *)"\xac", 1);
    ela_bytes_set(&tx->programs[0].parameter, (const uint8_t *)"\x40", 1);
    ela_tx_compute_hash(tx);
}

/* build_tx's TransactionInfo: txid, txid, size, size, version, output payload. */
#define TX_JSON_FMT                                                                              \
    "{\"txid\":\"%s\",\"hash\":\"%s\",\"size\":%zu,\"vsize\":%zu,\"version\":%d,\"type\":2,"   \
    "\"payloadversion\":0,\"payload\":null,\"attributes\":[{\"usage\":0,\"data\":\"0102\"}],"     \
    "\"vin\":[{\"txid\":\"000000000000000000000000000000000000000000000000000000000000"             \
    "00aa\",\"vout\":65535,\"sequence\":4294967295}],"                                           \
    "\"vout\":[{\"value\":\"1.50000000\",\"n\":0,\"address\":\"" ADDR_RECIPIENT "\","            \
    "\"assetid\":\"a300000000000000000000000000000000000000000000000000000000000000\","           \
    "\"outputlock\":7,\"type\":0,\"payload\":%s}],\"locktime\":12,"                              \
    "\"programs\":[{\"code\":\"ac\",\"parameter\":\"40\"}]}"

START_TEST(tx_json_forms)
{
    ela_tx tx;
    build_tx(&tx, ELA_TX_VERSION_09);
    char id[ELA_UINT256_HEX_LEN + 1];
    ela_uint256_to_display(id, &tx.txid);
    char want[2048];

    /* decoderawtransaction form: no context members */
    json_t *j = ela_tx_to_json(&tx, NULL);
    snprintf(want, sizeof want, TX_JSON_FMT, id, id, tx.size, tx.size, 9, "{}");
    assert_dump(j, want);
    json_decref(j);

    /* mempool form: empty block hash and zeros */
    ela_json_tx_ctx mempool = {NULL, 100, 200, 300};
    j = ela_tx_to_json(&tx, &mempool);
    ck_assert_str_eq(json_string_value(json_object_get(j, "blockhash")), "");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "confirmations")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "time")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "blocktime")), 0);
    ck_assert_uint_eq(json_object_size(j), 17);
    json_decref(j);

    /* in a block: confirmations = tip - height + 1, both times are the block's */
    ela_uint256 bh;
    memset(&bh, 0x11, sizeof bh);
    ela_json_tx_ctx inblock = {&bh, 100, 1700000000, 104};
    j = ela_tx_to_json(&tx, &inblock);
    char *d = ela_json_dumps(j);
    ck_assert_ptr_nonnull(strstr(d, ",\"blockhash\":\"1111111111111111111111111111111111111111111111"
                                    "111111111111111111\",\"confirmations\":5,\"time\":1700000000,"
                                    "\"blocktime\":1700000000}"));
    free(d);
    json_decref(j);

    /* the same transaction as a legacy one: output payload null */
    ela_tx_clear(&tx);
    build_tx(&tx, 0);
    ela_uint256_to_display(id, &tx.txid);
    j = ela_tx_to_json(&tx, NULL);
    snprintf(want, sizeof want, TX_JSON_FMT, id, id, tx.size, tx.size, 0, "null");
    assert_dump(j, want);
    json_decref(j);
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(block_json_defaults_and_minerinfo)
{
    ela_block b;
    ela_block_init(&b);
    b.header.version = 0x20000001;
    b.header.bits = 0x1d03ffff;
    b.header.height = 7;
    b.header.timestamp = 1600000000;
    ela_tx cb;
    ela_tx_init(&cb); /* a legacy coinbase */
    ela_bytes_set(&cb.payload.u.coinbase.content, (const uint8_t *)"\xff<pool>", 7);
    ela_block_add_tx(&b, &cb);
    ela_block_update(&b);

    json_t *j = ela_block_to_json(&b, 1, NULL); /* as the tip of mainnet/regnet */
    ck_assert_int_eq(json_integer_value(json_object_get(j, "confirmations")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(j, "chainwork")), "00000000");
    ck_assert_str_eq(json_string_value(json_object_get(j, "versionhex")), "20000001");
    ck_assert_str_eq(json_string_value(json_object_get(j, "difficulty")), "575");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "weight")), 4 * (json_int_t)b.size);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "mediantime")), 1600000000);
    char zero[65];
    memset(zero, '0', 64);
    zero[64] = '\0';
    ck_assert_str_eq(json_string_value(json_object_get(j, "nextblockhash")), zero);
    ck_assert_str_eq(json_string_value(json_object_get(j, "previousblockhash")), zero);
    ck_assert_uint_eq(json_string_length(json_object_get(j, "auxpow")), 2 * 132); /* empty AuxPoW */
    char *d = ela_json_dumps(json_object_get(j, "minerinfo"));
    ck_assert_str_eq(d, "\"\\ufffd\\u003cpool\\u003e\"");
    free(d);
    json_t *tx = json_array_get(json_object_get(j, "tx"), 0);
    ck_assert(json_is_string(tx)); /* verbosity 1: txids */
    json_decref(j);

    /* verbosity 2 with a chain position: tx contexts follow the block's */
    ela_uint256 next;
    memset(&next, 0x22, sizeof next);
    ela_json_block_ctx ctx = {9, &next, 0x207fffff};
    j = ela_block_to_json(&b, 2, &ctx);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "confirmations")), 3);
    ck_assert_str_eq(json_string_value(json_object_get(j, "chainwork")), "00000002");
    ck_assert_str_eq(json_string_value(json_object_get(j, "difficulty")), "536872896");
    tx = json_array_get(json_object_get(j, "tx"), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(tx, "confirmations")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(tx, "blocktime")), 1600000000);
    ck_assert_str_eq(json_string_value(json_object_get(tx, "blockhash")),
                     json_string_value(json_object_get(j, "hash")));
    json_decref(j);

    /* a tip below the block: the reference's uint32 arithmetic wraps */
    ctx.tip_height = 5;
    j = ela_block_to_json(&b, 1, &ctx);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "confirmations")), 4294967295);
    ck_assert_str_eq(json_string_value(json_object_get(j, "chainwork")), "fffffffe");
    json_decref(j);

    /* verbosity 0: the serialized block */
    j = ela_block_to_json(&b, 0, NULL);
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, &b);
    ck_assert_str_eq(json_string_value(j), ela_test_hex(w.data, w.len));
    ela_writer_clear(&w);
    json_decref(j);
    ela_block_clear(&b);
}
END_TEST

/* ---- vector tests: the reference node's own output --------------------------------------
 *
 * Every rendering is compared as a whole with what the reference printed (json_equal), and,
 * where the transcript keeps the exact reply bytes, byte for byte through ela_json_dumps.
 *
 * Named exception (chain position): confirmations, chainwork and nextblockhash depend on the
 * tip at the moment of capture, which the raw bytes cannot tell. The tests take ONLY the tip
 * height from the recording (one number per chain file / per transcript: confirmations +
 * height - 1); the next block's hash comes from the chain file itself, and only for the last
 * block of a file whose successor is not in it is nextblockhash read from the recording. */

/* Finds the first differing path between got and want; *g and *w are the values there (NULL
 * for a missing member). Returns false when they are equal. */
static bool json_diff(char *path, size_t cap, const json_t *got, const json_t *want,
                      const json_t **g, const json_t **w)
{
    if (json_equal(got, want))
        return false;
    *g = got;
    *w = want;
    size_t len = strlen(path);
    if (json_is_object(got) && json_is_object(want)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)want, k, v) {
            snprintf(path + len, cap - len, ".%s", k);
            json_t *sub = json_object_get(got, k);
            if (!sub) {
                *g = NULL;
                *w = v;
                return true;
            }
            if (json_diff(path, cap, sub, v, g, w))
                return true;
        }
        snprintf(path + len, cap - len, " (extra members)");
        return true;
    }
    if (json_is_array(got) && json_is_array(want) &&
        json_array_size(got) == json_array_size(want)) {
        for (size_t i = 0; i < json_array_size(want); i++) {
            snprintf(path + len, cap - len, "[%zu]", i);
            if (json_diff(path, cap, json_array_get(got, i), json_array_get(want, i), g, w))
                return true;
        }
    }
    path[len] = '\0';
    return true;
}

static void expect_json(const char *what, const json_t *got, const json_t *want)
{
    char path[512] = "$";
    const json_t *g = NULL, *w = NULL;
    if (!json_diff(path, sizeof path, got, want, &g, &w))
        return;
    char *gs = g ? ela_json_dumps(g) : ela_xmemdup("(missing)", 10);
    char *ws = ela_json_dumps(w);
    ck_abort_msg("%s: differs at %s\n got:  %.2000s\n want: %.2000s", what, path, gs, ws);
}

typedef struct chain {
    json_t *lines; /* the jsonl rows: height, hash, raw, verbose1 */
    size_t n;
    ela_block *blocks;
    ela_bytes *raw;
} chain;

static void chain_load(chain *c, const char *rel)
{
    c->lines = ela_test_load_jsonl(rel);
    c->n = json_array_size(c->lines);
    ck_assert_uint_gt(c->n, 0);
    c->blocks = ela_xcalloc(c->n, sizeof *c->blocks);
    c->raw = ela_xcalloc(c->n, sizeof *c->raw);
    for (size_t i = 0; i < c->n; i++) {
        json_t *l = json_array_get(c->lines, i);
        c->raw[i] = ela_test_unhex(ela_test_json_str(l, "raw"));
        const char *why = NULL;
        ck_assert_msg(ela_block_parse(&c->blocks[i], c->raw[i].data, c->raw[i].len, &why),
                      "%s line %zu: %s", rel, i, why);
        char hex[ELA_UINT256_HEX_LEN + 1];
        ela_uint256_to_display(hex, &c->blocks[i].header.hash);
        ck_assert_str_eq(hex, ela_test_json_str(l, "hash"));
        ck_assert_uint_eq(c->blocks[i].header.height,
                          (uint64_t)json_integer_value(json_object_get(l, "height")));
    }
}

static void chain_free(chain *c)
{
    for (size_t i = 0; i < c->n; i++) {
        ela_block_clear(&c->blocks[i]);
        ela_bytes_clear(&c->raw[i]);
    }
    free(c->blocks);
    free(c->raw);
    json_decref(c->lines);
}

static size_t chain_find_hash(const chain *c, const char *display)
{
    ela_uint256 h;
    ck_assert_msg(ela_uint256_from_display(&h, display), "bad hash %s", display);
    for (size_t i = 0; i < c->n; i++)
        if (ela_uint256_equal(&c->blocks[i].header.hash, &h))
            return i;
    ck_abort_msg("block %s is not in the chain file", display);
    return 0;
}

static size_t chain_find_height(const chain *c, uint32_t height)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->blocks[i].header.height == height)
            return i;
    ck_abort_msg("height %u is not in the chain file", height);
    return 0;
}

static bool chain_find_tx(const chain *c, const ela_uint256 *txid, size_t *bi, size_t *ti)
{
    for (size_t i = 0; i < c->n; i++)
        for (size_t k = 0; k < c->blocks[i].n_txs; k++)
            if (ela_uint256_equal(&c->blocks[i].txs[k].txid, txid)) {
                *bi = i;
                *ti = k;
                return true;
            }
    return false;
}

/* A block context from the chain file: tip as given, next hash from the file. */
static ela_json_block_ctx chain_ctx(const chain *c, size_t i, uint32_t tip, uint32_t pow_limit)
{
    ela_json_block_ctx ctx = {tip, NULL, pow_limit};
    uint32_t height = c->blocks[i].header.height;
    if (height < tip && i + 1 < c->n && c->blocks[i + 1].header.height == height + 1)
        ctx.next_hash = &c->blocks[i + 1].header.hash;
    return ctx;
}

static void check_chain_file(const char *rel, uint32_t pow_limit)
{
    chain c;
    chain_load(&c, rel);
    /* The one recorded chain-position number: the tip at capture time. */
    json_t *v0 = json_object_get(json_array_get(c.lines, 0), "verbose1");
    uint32_t tip = (uint32_t)json_integer_value(json_object_get(v0, "confirmations")) +
                   c.blocks[0].header.height - 1;
    for (size_t i = 0; i < c.n; i++) {
        json_t *want = json_object_get(json_array_get(c.lines, i), "verbose1");
        ela_json_block_ctx ctx = chain_ctx(&c, i, tip, pow_limit);
        ela_uint256 next;
        if (!ctx.next_hash && c.blocks[i].header.height < tip) {
            /* successor not in the file: the named exception */
            ck_assert(ela_uint256_from_display(&next, ela_test_json_str(want, "nextblockhash")));
            ctx.next_hash = &next;
        }
        json_t *got = ela_block_to_json(&c.blocks[i], 1, &ctx);
        char what[128];
        snprintf(what, sizeof what, "%s height %u", rel, c.blocks[i].header.height);
        expect_json(what, got, want);
        json_decref(got);
        /* verbosity 0 is the block's own bytes */
        got = ela_block_to_json(&c.blocks[i], 0, &ctx);
        ck_assert_str_eq(json_string_value(got),
                         ela_test_json_str(json_array_get(c.lines, i), "raw"));
        json_decref(got);
    }
    chain_free(&c);
}

START_TEST(chain_regnet_node1_verbose1)
{
    check_chain_file("refnode/chain/regnet_node1_blocks.jsonl", ELA_JSON_POW_LIMIT_BITS);
}
END_TEST

START_TEST(chain_instantblock_verbose1)
{
    /* InstantBlock regnet: PowLimitBits 0x207fffff */
    check_chain_file("refnode/chain/regnet_instantblock_node3_first50.jsonl", 0x207fffffu);
}
END_TEST

/* A positional or named parameter of a transcript request. */
static json_t *param(json_t *req, size_t pos, const char *name)
{
    json_t *p = json_object_get(req, "params");
    if (json_is_array(p))
        return json_array_get(p, pos);
    if (json_is_object(p))
        return json_object_get(p, name);
    return NULL;
}

static uint32_t int_param(json_t *v)
{
    if (json_is_string(v))
        return (uint32_t)strtoul(json_string_value(v), NULL, 10);
    return (uint32_t)json_number_value(v);
}

/* The tip height the reference had when it printed a block (or a tx of that block). */
static uint32_t recorded_tip(const json_t *result, uint32_t height)
{
    return (uint32_t)json_integer_value(json_object_get(result, "confirmations")) + height - 1;
}

typedef struct rpc_counts {
    int blocks_v0, blocks_json, txs_hex, txs_json, raw_bytes;
} rpc_counts;

/* Compares got with the transcript's result and, when raw is given, the whole reply bytes. */
static void expect_reply(const char *file, json_t *got, json_t *resp, json_t *req,
                         const char *raw, rpc_counts *n)
{
    expect_json(file, got, json_object_get(resp, "result"));
    if (!raw)
        return;
    char *res = ela_json_dumps(got);
    char *id = ela_json_dumps(json_object_get(req, "id"));
    size_t len = strlen(res) + strlen(id) + 64;
    char *env = ela_xmalloc(len);
    snprintf(env, len, "{\"jsonrpc\":\"2.0\",\"result\":%s,\"id\":%s,\"error\":null}", res, id);
    ck_assert_msg(strcmp(env, raw) == 0, "%s: reply bytes differ\n got:  %.2000s\n want: %.2000s",
                  file, env, raw);
    n->raw_bytes++;
    free(env);
    free(res);
    free(id);
}

static json_t *tx_json_at(const chain *c, size_t bi, size_t ti, uint32_t tip)
{
    const ela_block *b = &c->blocks[bi];
    ela_json_tx_ctx ctx = {&b->header.hash, b->header.height, b->header.timestamp, tip};
    return ela_tx_to_json(&b->txs[ti], &ctx);
}

static void check_transcript(const char *file, const chain *c, const ela_tx *mempool_tx,
                             rpc_counts *n)
{
    char rel[256];
    snprintf(rel, sizeof rel, "refnode/rpc/%s", file);
    json_t *t = ela_test_load_json(rel);
    json_t *req = json_object_get(t, "request");
    json_t *resp = json_object_get(t, "response");
    const char *raw = json_string_value(json_object_get(t, "response_raw"));
    json_t *result = json_object_get(resp, "result");
    const char *method = json_string_value(json_object_get(req, "method"));
    if (!method || !result || json_is_null(result) ||
        !json_is_null(json_object_get(resp, "error"))) {
        json_decref(t);
        return; /* not a rendering (errors belong to the RPC layer's tests) */
    }

    if (strcmp(method, "getblock") == 0 || strcmp(method, "getblockbyheight") == 0) {
        size_t bi;
        int verbosity;
        if (method[8] == '\0') {
            bi = chain_find_hash(c, json_string_value(param(req, 0, "blockhash")));
            json_t *v = param(req, 1, "verbosity");
            verbosity = v ? (int)int_param(v) : 1;
        } else {
            bi = chain_find_height(c, int_param(param(req, 0, "height")));
            verbosity = 2;
        }
        if (verbosity == 0) {
            ck_assert_str_eq(json_string_value(result),
                             ela_test_hex(c->raw[bi].data, c->raw[bi].len));
            json_t *got = ela_block_to_json(&c->blocks[bi], 0, NULL);
            expect_reply(file, got, resp, req, raw, n);
            json_decref(got);
            n->blocks_v0++;
        } else {
            uint32_t tip = recorded_tip(result, c->blocks[bi].header.height);
            ela_json_block_ctx ctx = chain_ctx(c, bi, tip, ELA_JSON_POW_LIMIT_BITS);
            json_t *got = ela_block_to_json(&c->blocks[bi], verbosity, &ctx);
            expect_reply(file, got, resp, req, raw, n);
            json_decref(got);
            n->blocks_json++;
        }
    } else if (strcmp(method, "getrawtransaction") == 0) {
        ela_uint256 txid;
        ck_assert(ela_uint256_from_display(&txid, json_string_value(param(req, 0, "txid"))));
        size_t bi, ti;
        ck_assert_msg(chain_find_tx(c, &txid, &bi, &ti), "%s: tx not in the chain file", file);
        const ela_tx *tx = &c->blocks[bi].txs[ti];
        if (!json_is_true(param(req, 1, "verbose"))) {
            ela_writer w;
            ela_writer_init(&w);
            ela_tx_write(&w, tx);
            ck_assert_str_eq(json_string_value(result), ela_test_hex(w.data, w.len));
            ela_writer_clear(&w);
            n->txs_hex++;
        } else {
            json_t *got = tx_json_at(c, bi, ti, recorded_tip(result, c->blocks[bi].header.height));
            json_t *want = json_deep_copy(result);
            json_t *vout0 = json_array_get(json_object_get(want, "vout"), 0);
            bool quirk = tx->version < ELA_TX_VERSION_09 && ela_tx_is_coinbase(tx) &&
                         json_is_object(json_object_get(vout0, "payload"));
            if (quirk) {
                /* Named exception (reference tx cache): the reference answered from its
                 * in-memory copy of the coinbase its miner had just built, whose first two
                 * outputs carry a DefaultOutput payload ({}) that a legacy transaction's bytes
                 * cannot hold; read back from disk (getblock verbosity 2) they print null. Pin
                 * the quirk, then compare the rest. */
                json_t *vout = json_object_get(want, "vout");
                for (size_t k = 0; k < 2; k++) {
                    json_t *o = json_array_get(vout, k);
                    ck_assert(json_is_object(json_object_get(o, "payload")));
                    ck_assert_uint_eq(json_object_size(json_object_get(o, "payload")), 0);
                    json_object_set_new(o, "payload", json_null());
                }
                expect_json(file, got, want);
            } else {
                expect_reply(file, got, resp, req, raw, n);
            }
            json_decref(want);
            json_decref(got);
            n->txs_json++;
        }
    } else if (strcmp(method, "decoderawtransaction") == 0) {
        ela_bytes b = ela_test_unhex(json_string_value(param(req, 0, "data")));
        ela_tx tx;
        const char *why = NULL;
        ck_assert_msg(ela_tx_parse(&tx, b.data, b.len, &why), "%s: %s", file, why);
        json_t *got = ela_tx_to_json(&tx, NULL);
        expect_reply(file, got, resp, req, raw, n);
        json_decref(got);
        ela_tx_clear(&tx);
        ela_bytes_clear(&b);
        n->txs_json++;
    } else if (strcmp(method, "getrawmempool") == 0 && json_is_string(param(req, 0, "state")) &&
               strcmp(json_string_value(param(req, 0, "state")), "all") == 0) {
        /* Mempool transactions: context fields "", 0, 0, 0. */
        json_t *got = json_array();
        for (size_t k = 0; k < json_array_size(result); k++) {
            const char *id = ela_test_json_str(json_array_get(result, k), "txid");
            ela_uint256 txid;
            ck_assert(ela_uint256_from_display(&txid, id));
            ck_assert_msg(ela_uint256_equal(&txid, &mempool_tx->txid), "%s: unknown tx %s", file,
                          id);
            ela_json_tx_ctx ctx = {NULL, 0, 0, 0};
            json_array_append_new(got, ela_tx_to_json(mempool_tx, &ctx));
            n->txs_json++;
        }
        expect_reply(file, got, resp, req, raw, n);
        json_decref(got);
    }
    json_decref(t);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(rpc_transcripts)
{
    chain c;
    chain_load(&c, "refnode/chain/regnet_node1_blocks.jsonl");
    char *hex = ela_test_read_text("refnode/rpc/transfer_tx_signed.hex");
    hex[strcspn(hex, " \r\n")] = '\0';
    ela_bytes b = ela_test_unhex(hex);
    ela_tx mempool_tx;
    const char *why = NULL;
    ck_assert_msg(ela_tx_parse(&mempool_tx, b.data, b.len, &why), "transfer tx: %s", why);

    char dir[512];
    snprintf(dir, sizeof dir, "%s/refnode/rpc", ela_test_vectors_dir());
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0) {
            names = ela_xrealloc(names, (count + 1) * sizeof *names);
            names[count++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, count, sizeof *names, cmp_names);

    rpc_counts n = {0};
    for (size_t i = 0; i < count; i++) {
        check_transcript(names[i], &c, &mempool_tx, &n);
        free(names[i]);
    }
    free(names);
    printf("json: rpc transcripts: %d getblock v0, %d block JSON, %d tx hex, %d tx JSON, "
           "%d replies byte-equal\n", n.blocks_v0, n.blocks_json, n.txs_hex, n.txs_json,
           n.raw_bytes);
    fflush(stdout);
    /* The transcript set has 5 verbosity-0 blocks, 15 block objects, 2 raw txs and 4 tx
     * objects: a parser change that skips files must not pass silently. */
    ck_assert_int_ge(n.blocks_v0, 5);
    ck_assert_int_ge(n.blocks_json, 15);
    ck_assert_int_ge(n.txs_hex, 2);
    ck_assert_int_ge(n.txs_json, 4);
    ela_tx_clear(&mempool_tx);
    ela_bytes_clear(&b);
    free(hex);
    chain_free(&c);
}
END_TEST

static Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, string_from_bytes_replaces_invalid_utf8);
    tcase_add_test(tc, dumps_escapes_like_go);
    tcase_add_test(tc, dumps_reals_like_go);
    tcase_add_test(tc, difficulty_matches_reference);
    tcase_add_test(tc, amounts_and_hashes);
    tcase_add_test(tc, output_payload_none_legacy_and_v09);
    tcase_add_test(tc, output_payload_vote);
    tcase_add_test(tc, output_payload_sidechain_types);
    tcase_add_test(tc, tx_json_forms);
    tcase_add_test(tc, block_json_defaults_and_minerinfo);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("json vectors")) {
        TCase *tv = tcase_create("vectors");
        tcase_add_test(tv, chain_regnet_node1_verbose1);
        tcase_add_test(tv, chain_instantblock_verbose1);
        tcase_add_test(tv, rpc_transcripts);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    return ela_test_run(json_suite());
}
