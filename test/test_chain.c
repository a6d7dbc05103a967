/* elad tests: the chain engine (include/ela/chain.h) and its store: fresh stores, import of the
 * reference node's regnet chains, the address index against the reference's listunspent,
 * reopen and reindex, intake outcomes (duplicate, orphan, garbage, mutation), damaged stores,
 * and a small fork/reorganisation self-test built from the InstantBlock chain. */
#include "testutil.h"

#include <ela/address.h>
#include <ela/amount.h>
#include <ela/auxpow.h>
#include <ela/chain.h>
#include <ela/log.h>
#include <ela/pow.h>

#include "chain/chainstate.h"
#include "chain/checkpool.h"
#include "chain/hmap.h"
#include "chain/sigcache.h"
#include "store/store.h"

#include <leveldb/c.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NODE1_CHAIN "refnode/chain/regnet_node1_blocks.jsonl"
#define INSTANT_CHAIN "refnode/chain/regnet_instantblock_node3_first50.jsonl"
#define REGNET_GENESIS "6418be20291bc857c9a01e5ba205445b85a0593d47cc0b576d55a55e464f31b3"

/* ---- fixtures -------------------------------------------------------------------------------- */

static char tmpdir[512];
static char dbpath[600];

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[1200];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0)
            remove_dir(p);
    }
    closedir(d);
    rmdir(dir);
}

static void setup_dir(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/elad-chain-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof dbpath, "%s/db", tmpdir);
    /* Invalid blocks are logged at warn; the tests make them on purpose. */
    ela_log_set_level(ELA_LOG_ERROR);
}

/* JSON-lines documents loaded by the running test, released by the teardown. */
static json_t *held_lines[4];

static const json_t *hold_jsonl(const char *rel)
{
    for (size_t i = 0; i < ELA_ARRAY_LEN(held_lines); i++) {
        if (!held_lines[i])
            return held_lines[i] = ela_test_load_jsonl(rel);
    }
    ck_abort_msg("too many JSON-lines documents held");
    return NULL;
}

static void teardown_dir(void)
{
    remove_dir(tmpdir);
    ela_test_release_json();
    for (size_t i = 0; i < ELA_ARRAY_LEN(held_lines); i++) {
        json_decref(held_lines[i]);
        held_lines[i] = NULL;
    }
}

/* The vector chains were mined in late 2026: a clock well after them. */
static int64_t test_clock(void *ctx)
{
    (void)ctx;
    return INT64_C(2000000000);
}

static ela_params regnet;
static ela_params instant;

static void init_params(void)
{
    ela_params_init(&regnet, ELA_NET_REGNET);
    ela_params_init(&instant, ELA_NET_REGNET);
    /* What ela_params_apply_config does for PowConfiguration.InstantBlock = true (§8). */
    ela_params_set_instant_block(&instant);
}

static ela_chain *open_at(const char *path, const ela_params *p, bool reindex, char *err,
                          size_t errlen)
{
    ela_chain_options opt;
    memset(&opt, 0, sizeof opt);
    opt.path = path;
    opt.params = p;
    opt.dbcache_bytes = 16u << 20;
    opt.workers = 2;
    opt.reindex = reindex;
    opt.adjusted_time = test_clock;
    return ela_chain_open(&opt, err, errlen);
}

static ela_chain *open_ok(const ela_params *p, bool reindex)
{
    char err[512] = "";
    ela_chain *c = open_at(dbpath, p, reindex, err, sizeof err);
    ck_assert_msg(c != NULL, "open failed: %s", err);
    return c;
}

static void stats(ela_chain *c, ela_utxo_stats *s)
{
    ck_assert(ela_chain_utxo_stats(c, s));
}

/* Feeds lines [from, to] of a JSON-lines chain; every block must connect (line 0, genesis,
 * must be a duplicate), and the tip must follow the recorded hashes. */
static void import(ela_chain *c, const json_t *lines, size_t from, size_t to)
{
    for (size_t i = from; i <= to && i < json_array_size(lines); i++) {
        const json_t *l = json_array_get(lines, i);
        ela_bytes raw = ela_test_unhex(ela_test_json_str(l, "raw"));
        ela_validation_state st;
        ela_block_status s = ela_chain_process_block_bytes(c, &st, raw.data, raw.len);
        ela_bytes_clear(&raw);
        size_t height = (size_t)json_integer_value(json_object_get(l, "height"));
        if (height == 0) {
            ck_assert_int_eq(s, ELA_BLOCK_DUPLICATE);
            continue;
        }
        ck_assert_msg(s == ELA_BLOCK_CONNECTED, "block %zu: status %d %s %s", height, (int)s,
                      st.reason, st.detail);
        ela_uint256 tip;
        ela_chain_tip_hash(c, &tip);
        ela_uint256 want = ela_test_hash_display(ela_test_json_str(l, "hash"));
        ck_assert(ela_uint256_equal(&tip, &want));
        ck_assert_uint_eq(ela_chain_height(c), height);
    }
}

static void tip_is(ela_chain *c, const ela_uint256 *want)
{
    ela_uint256 tip;
    ela_chain_tip_hash(c, &tip);
    ck_assert(ela_uint256_equal(&tip, want));
}

static ela_bytes line_raw(const json_t *lines, size_t i)
{
    return ela_test_unhex(ela_test_json_str(json_array_get(lines, i), "raw"));
}

/* ---- internals: hash table, signature cache, worker pool, store ----------------------------- */

START_TEST(hmap_matches_reference)
{
    /* Random puts and removes over a small key space (many collisions of the probe runs)
     * against a plain array. */
    enum { KEYS = 300 };
    static char vals[KEYS];
    void *ref[KEYS] = {0};
    ela_hmap m;
    ela_hmap_init(&m, 34);
    (void)ela_test_seed();
    size_t count = 0;
    for (int step = 0; step < 20000; step++) {
        size_t k = (size_t)(ela_test_rand() % KEYS);
        uint8_t key[34] = {0};
        memcpy(key, &k, sizeof k);
        key[33] = (uint8_t)(k * 7);
        if (ela_test_rand() % 3 == 0) {
            void *old = ela_hmap_remove(&m, key);
            ck_assert_ptr_eq(old, ref[k]);
            if (ref[k])
                count--;
            ref[k] = NULL;
        } else {
            void *old = ela_hmap_put(&m, key, &vals[k]);
            ck_assert_ptr_eq(old, ref[k]);
            if (!ref[k])
                count++;
            ref[k] = &vals[k];
        }
        ck_assert_uint_eq(m.count, count);
        if (step % 97 == 0) {
            for (size_t j = 0; j < KEYS; j++) {
                uint8_t kj[34] = {0};
                memcpy(kj, &j, sizeof j);
                kj[33] = (uint8_t)(j * 7);
                ck_assert_ptr_eq(ela_hmap_get(&m, kj), ref[j]);
            }
        }
    }
    size_t seen = 0;
    for (size_t i = 0; i < m.cap; i++)
        seen += m.vals[i] != NULL;
    ck_assert_uint_eq(seen, count);
    ela_hmap_clear(&m);
    ck_assert_uint_eq(m.count, 0);
    uint8_t key[34] = {0};
    ck_assert_ptr_null(ela_hmap_get(&m, key));
    ck_assert_ptr_null(ela_hmap_remove(&m, key));
}
END_TEST

START_TEST(sigcache_bounded)
{
    ela_sigcache sc;
    ela_sigcache_init(&sc, 3);
    uint8_t k[5][32];
    ela_uint168 req = {{0x21}};
    for (int i = 0; i < 5; i++) {
        uint8_t raw[2] = {(uint8_t)i, 0xaa};
        ela_sigcache_key(k[i], raw, sizeof raw, &req, 1);
    }
    /* The key covers the required hashes too. */
    uint8_t k0b[32];
    uint8_t raw0[2] = {0, 0xaa};
    ela_sigcache_key(k0b, raw0, sizeof raw0, NULL, 0);
    ck_assert(memcmp(k0b, k[0], 32) != 0);
    for (int i = 0; i < 3; i++)
        ela_sigcache_insert(&sc, k[i]);
    ela_sigcache_insert(&sc, k[1]); /* again: no new slot */
    ck_assert_uint_eq(ela_sigcache_count(&sc), 3);
    ela_sigcache_insert(&sc, k[3]); /* evicts the oldest, k[0] */
    ck_assert(!ela_sigcache_contains(&sc, k[0]));
    ck_assert(ela_sigcache_contains(&sc, k[1]) && ela_sigcache_contains(&sc, k[3]));
    ela_sigcache_erase(&sc, k[2]);
    ck_assert(!ela_sigcache_contains(&sc, k[2]));
    ck_assert_uint_eq(ela_sigcache_count(&sc), 2);
    ela_sigcache_insert(&sc, k[4]);
    ck_assert_uint_le(ela_sigcache_count(&sc), 3);
    ck_assert(ela_sigcache_contains(&sc, k[4]));
    ela_sigcache_clear(&sc);
}
END_TEST

typedef struct pool_job {
    uint32_t *out;
} pool_job;

static void pool_square(void *ctx, size_t begin, size_t end)
{
    pool_job *j = ctx;
    for (size_t i = begin; i < end; i++)
        j->out[i] += (uint32_t)(i * i);
}

START_TEST(checkpool_covers_range)
{
    ela_checkpool *p = ela_checkpool_new(3);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(ela_checkpool_size(p), 3);
    enum { N = 10007 };
    uint32_t *out = ela_xcalloc(N, sizeof *out);
    pool_job j = {out};
    for (int round = 0; round < 50; round++)
        ela_checkpool_run(p, pool_square, &j, N, round % 2 ? 0 : (size_t)round + 1);
    ela_checkpool_run(p, pool_square, &j, 0, 0);
    /* Started runs overlap the caller's own work and are finished by wait; a wait with
     * nothing started (n == 0) returns at once. */
    for (int round = 0; round < 10; round++) {
        ela_checkpool_start(p, pool_square, &j, N, 0);
        volatile uint64_t busy = 0;
        for (int k = 0; k < 10000; k++)
            busy += (uint64_t)k;
        ela_checkpool_wait(p);
    }
    ela_checkpool_start(p, pool_square, &j, 0, 0);
    ela_checkpool_wait(p);
    for (size_t i = 0; i < N; i++)
        ck_assert_uint_eq(out[i], (uint32_t)(60 * (uint32_t)(i * i)));
    free(out);
    ela_checkpool_free(p);
    ela_checkpool_free(NULL);
    p = ela_checkpool_new(0);
    ck_assert_int_ge(ela_checkpool_size(p), 1);
    ela_checkpool_free(p);
}
END_TEST

START_TEST(store_basics)
{
    char err[256] = "";
    ela_store *s = ela_store_open(dbpath, 1u << 20, err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
    /* A second handle on the same directory is refused (LevelDB's lock). */
    char err2[256] = "";
    ck_assert_ptr_null(ela_store_open(dbpath, 1u << 20, err2, sizeof err2));
    ck_assert(strlen(err2) > 0);
    uint8_t k1[ELA_STORE_COIN_KEY_LEN], k2[ELA_STORE_COIN_KEY_LEN];
    uint8_t txid[32];
    memset(txid, 7, sizeof txid);
    ela_store_key_coin(k1, txid, 1);
    ela_store_key_coin(k2, txid, 256);
    ck_assert_uint_eq(k2[33], 1); /* big-endian: index order is key order */
    ela_bytes v = {0};
    ck_assert_int_eq(ela_store_get(s, &v, k1, sizeof k1), ELA_STORE_NOTFOUND);
    ck_assert_ptr_null(v.data);
    ela_store_batch *b = ela_store_batch_new();
    ela_store_batch_put(b, k2, sizeof k2, (const uint8_t *)"two", 3);
    ela_store_batch_put(b, k1, sizeof k1, (const uint8_t *)"one", 3);
    ela_store_batch_delete(b, k2, sizeof k2);
    ela_store_batch_put(b, k2, sizeof k2, NULL, 0); /* empty value; later op wins */
    ck_assert_uint_eq(ela_store_batch_count(b), 4);
    ck_assert(ela_store_write(s, b, false));
    ela_store_batch_reset(b);
    ck_assert_uint_eq(ela_store_batch_count(b), 0);
    ela_store_batch_free(b);
    ck_assert_int_eq(ela_store_get(s, &v, k1, sizeof k1), ELA_STORE_OK);
    ck_assert_uint_eq(v.len, 3);
    ck_assert(memcmp(v.data, "one", 3) == 0);
    ela_bytes_clear(&v);
    ck_assert_int_eq(ela_store_exists(s, k2, sizeof k2), ELA_STORE_OK);
    ck_assert_int_eq(ela_store_get(s, &v, k2, sizeof k2), ELA_STORE_OK);
    ck_assert_uint_eq(v.len, 0);
    ela_store_iter *it = ela_store_iter_new(s);
    uint8_t c = ELA_STORE_T_COIN;
    size_t n = 0;
    for (ela_store_iter_seek(it, &c, 1); ela_store_iter_valid(it); ela_store_iter_next(it)) {
        size_t klen;
        const uint8_t *k = ela_store_iter_key(it, &klen);
        ck_assert_uint_eq(klen, ELA_STORE_COIN_KEY_LEN);
        ck_assert(memcmp(k, n == 0 ? k1 : k2, klen) == 0);
        n++;
    }
    ck_assert(!ela_store_iter_failed(it));
    ela_store_iter_free(it);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(ela_store_last_error(s), "");
    ela_store_close(s);
    ela_store_close(NULL);
}
END_TEST

/* ---- 1: a fresh store ------------------------------------------------------------------------ */

START_TEST(fresh_store_has_genesis)
{
    ela_chain *c = open_ok(&regnet, false);
    ck_assert_uint_eq(ela_chain_height(c), 0);
    ela_uint256 tip, want = ela_test_hash_display(REGNET_GENESIS);
    ela_chain_tip_hash(c, &tip);
    ck_assert(ela_uint256_equal(&tip, &want));
    ela_uint256 h0;
    ck_assert(ela_chain_hash_at(c, &h0, 0));
    ck_assert(ela_uint256_equal(&h0, &want));
    ck_assert(!ela_chain_hash_at(c, &h0, 1));
    ela_utxo_stats s1;
    stats(c, &s1);
    ck_assert_uint_eq(s1.txouts, 1);
    ck_assert_uint_eq(s1.transactions, 1);
    ck_assert_int_eq(s1.total_amount, INT64_C(3300000000000000));
    ck_assert_uint_eq(s1.height, 0);
    /* A fresh store already occupies its log and manifest (the genesis block is in the log). */
    ck_assert_uint_gt(s1.disk_size, 1000);

    /* The genesis block reads back, and both its txs are in the tx index. */
    ela_block g;
    ck_assert(ela_chain_get_block(c, &g, &want));
    ck_assert_uint_eq(g.n_txs, 2);
    for (size_t i = 0; i < 2; i++) {
        ela_tx tx;
        ela_uint256 bh;
        uint32_t h = 99;
        ck_assert(ela_chain_get_tx(c, &tx, &bh, &h, &g.txs[i].txid));
        ck_assert(ela_uint256_equal(&tx.txid, &g.txs[i].txid));
        ck_assert(ela_uint256_equal(&bh, &want));
        ck_assert_uint_eq(h, 0);
        ela_tx_clear(&tx);
    }
    /* The coinbase output is a coin; the RegisterAsset tx has none. */
    ela_coin coin;
    ck_assert(ela_chain_get_coin(c, &coin, &g.txs[0].txid, 0));
    ck_assert_int_eq(coin.out.value, INT64_C(3300000000000000));
    ck_assert_uint_eq(coin.flags & ELA_COIN_COINBASE, ELA_COIN_COINBASE);
    ela_coin_clear(&coin);
    ck_assert(!ela_chain_get_coin(c, &coin, &g.txs[0].txid, 1));
    uint32_t mtp = 0;
    ck_assert(ela_chain_median_time(c, &mtp, &want));
    ck_assert_uint_eq(mtp, g.header.timestamp);
    ela_block_clear(&g);
    ela_chain_close(c);

    c = open_ok(&regnet, false);
    ela_chain_tip_hash(c, &tip);
    ck_assert(ela_uint256_equal(&tip, &want));
    ela_utxo_stats s2;
    stats(c, &s2);
    ck_assert(ela_uint256_equal(&s1.hash, &s2.hash));
    ck_assert_uint_eq(s2.txouts, 1);
    ela_chain_close(c);
}
END_TEST

START_TEST(other_network_refused)
{
    ela_chain *c = open_ok(&regnet, false);
    ela_chain_close(c);
    ela_params main;
    ela_params_init(&main, ELA_NET_MAINNET);
    char err[512] = "";
    ck_assert_ptr_null(open_at(dbpath, &main, false, err, sizeof err));
    ck_assert_msg(strstr(err, "genesis") != NULL, "%s", err);
}
END_TEST

/* ---- 2: the reference's regnet chain and its listunspent replies ----------------------------- */

typedef struct utxo_list {
    ela_address_utxo items[64];
    size_t n;
} utxo_list;

static bool collect(void *ctx, const ela_address_utxo *u)
{
    utxo_list *l = ctx;
    ck_assert_uint_lt(l->n, 64);
    l->items[l->n++] = *u;
    return true;
}

/* Compares the address index with a listunspent reply: the same (txid, vout, amount) set. */
static void check_listunspent(ela_chain *c, const char *rel)
{
    const json_t *doc = ela_test_hold_json(rel);
    const json_t *req = json_object_get(doc, "request");
    const char *addr = json_string_value(
        json_array_get(json_object_get(json_object_get(req, "params"), "addresses"), 0));
    ck_assert_ptr_nonnull(addr);
    const json_t *result = json_object_get(json_object_get(doc, "response"), "result");
    ck_assert(json_is_array(result));
    ela_uint168 ph;
    ck_assert(ela_address_to_program_hash(&ph, addr));
    utxo_list got = {0};
    size_t visited = ela_chain_address_utxos(c, &ph, collect, &got);
    ck_assert_uint_eq(visited, got.n);
    ck_assert_uint_eq(got.n, json_array_size(result));
    for (size_t i = 0; i < json_array_size(result); i++) {
        const json_t *e = json_array_get(result, i);
        ela_uint256 txid = ela_test_hash_display(ela_test_json_str(e, "txid"));
        uint16_t vout = (uint16_t)json_integer_value(json_object_get(e, "vout"));
        int64_t amount;
        ck_assert(ela_amount_from_string(&amount, ela_test_json_str(e, "amount")));
        bool found = false;
        for (size_t k = 0; k < got.n && !found; k++) {
            const ela_address_utxo *u = &got.items[k];
            if (ela_uint256_equal(&u->txid, &txid) && u->index == vout) {
                ck_assert_int_eq(u->value, amount);
                ck_assert_uint_eq(u->output_lock,
                                  (uint32_t)json_integer_value(json_object_get(e, "outputlock")));
                /* confirmations = tip - height + 1 */
                uint32_t conf = (uint32_t)json_integer_value(json_object_get(e, "confirmations"));
                ck_assert_uint_eq(ela_chain_height(c) - u->height + 1, conf);
                found = true;
            }
        }
        ck_assert_msg(found, "%s: %s:%u missing", rel, ela_test_json_str(e, "txid"), vout);
    }
}

START_TEST(import_node1_chain)
{
    const json_t *lines = hold_jsonl(NODE1_CHAIN);
    ck_assert_uint_eq(json_array_size(lines), 109);
    ela_chain *c = open_ok(&regnet, false);
    /* 57_listunspent was taken at height 5 (five coinbases, 1 to 5 confirmations). */
    import(c, lines, 0, 5);
    check_listunspent(c, "refnode/rpc/57_listunspent.json");
    import(c, lines, 6, 107);

    /* Block 108 with a byte of the transfer's signature changed: the block hash does not cover
     * programs, so this is "block 108" as far as the id goes. Refused without condemning the
     * id: the genuine block connects after it, and the broken copy is then a duplicate. */
    ela_bytes b108 = line_raw(lines, 108);
    /* The mempool verified the genuine transfer: the signature cache knows it. That must not
     * vouch for a copy with other programs. */
    ela_block g108;
    ck_assert(ela_block_parse(&g108, b108.data, b108.len, NULL));
    ck_assert_uint_eq(g108.n_txs, 2);
    ela_coin refs[4];
    memset(refs, 0, sizeof refs);
    ck_assert_uint_le(g108.txs[1].input_count, 4);
    for (size_t i = 0; i < g108.txs[1].input_count; i++)
        ck_assert(ela_chain_get_coin(c, &refs[i], &g108.txs[1].inputs[i].prev_txid,
                                     g108.txs[1].inputs[i].prev_index));
    ela_chain_sigcache_add(c, &g108.txs[1], refs);
    for (size_t i = 0; i < 4; i++)
        ela_coin_clear(&refs[i]);
    ela_block_clear(&g108);
    /* The block ends with the transfer's program: varbytes(65-byte parameter), varbytes(35). */
    size_t sig_byte = b108.len - 36 - 20;
    b108.data[sig_byte] ^= 0x01;
    ela_validation_state st;
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, b108.data, b108.len),
                     ELA_BLOCK_INVALID);
    ck_assert_msg(strstr(st.reason, "sig") != NULL, "%s %s", st.reason, st.detail);
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, b108.data, b108.len),
                     ELA_BLOCK_INVALID);
    ck_assert_str_eq(st.reason, "duplicate-invalid");
    ck_assert_uint_eq(ela_chain_height(c), 107);
    import(c, lines, 108, 108);
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, b108.data, b108.len),
                     ELA_BLOCK_DUPLICATE);
    ela_bytes_clear(&b108);
    ck_assert_uint_eq(ela_chain_height(c), 108);
    /* 91 was taken after block 108, which holds the transfer to the second address. */
    check_listunspent(c, "refnode/rpc/91_listunspent_recipient.json");

    /* The transfer's input is spent, its outputs are coins, it is in the tx index. */
    ela_uint256 transfer =
        ela_test_hash_display("76c77d090a7981efa404d326daf6dc39cae72e8ce546abf55bd34e10926e3a6d");
    ela_tx tx;
    uint32_t h = 0;
    ela_uint256 bh, want_bh = ela_test_hash_display(
        ela_test_json_str(json_array_get(lines, 108), "hash"));
    ck_assert(ela_chain_get_tx(c, &tx, &bh, &h, &transfer));
    ck_assert_uint_eq(h, 108);
    ck_assert(ela_uint256_equal(&bh, &want_bh));
    ela_coin coin;
    ck_assert(!ela_chain_get_coin(c, &coin, &tx.inputs[0].prev_txid, tx.inputs[0].prev_index));
    ck_assert(ela_chain_get_coin(c, &coin, &transfer, 0));
    ck_assert_int_eq(coin.out.value, INT64_C(150000000));
    ck_assert_uint_eq(coin.height, 108);
    ck_assert_uint_eq(coin.flags, 0);
    ela_coin_clear(&coin);
    ela_tx_clear(&tx);

    /* Every coinbase's outputs exist: 2 outputs per block 1..108 except spent ones. */
    ela_utxo_stats s;
    stats(c, &s);
    ck_assert_uint_eq(s.height, 108);
    ela_chain_counters k;
    ela_chain_get_counters(c, &k);
    ck_assert_uint_eq(k.blocks_connected, 108);
    ck_assert_uint_eq(k.txs_checked, 2);
    /* The broken copy was verified (and failed); the genuine block hit the cache. */
    ck_assert_uint_eq(k.sigs_verified, 1);
    ck_assert_uint_eq(k.sigcache_hits, 1);
    ck_assert(k.sig_seconds > 0 && k.connect_seconds >= k.sig_seconds);
    ela_chain_close(c);
}
END_TEST

/* ---- 3: the InstantBlock chain --------------------------------------------------------------- */

START_TEST(import_instant_chain)
{
    const json_t *lines = hold_jsonl(INSTANT_CHAIN);
    ck_assert_uint_eq(json_array_size(lines), 50);
    ela_chain *c = open_ok(&instant, false);
    import(c, lines, 0, 49);
    ck_assert_uint_eq(ela_chain_height(c), 49);
    ela_chain_close(c);
}
END_TEST

/* ---- 4: reopen and reindex ------------------------------------------------------------------- */

START_TEST(reopen_and_reindex)
{
    const json_t *lines = hold_jsonl(NODE1_CHAIN);
    ela_chain *c = open_ok(&regnet, false);
    import(c, lines, 0, 108);
    ela_uint256 tip1, tip2, tip3;
    ela_utxo_stats s1, s2, s3;
    ela_chain_tip_hash(c, &tip1);
    stats(c, &s1);
    ela_chain_close(c);

    c = open_ok(&regnet, false);
    ela_chain_tip_hash(c, &tip2);
    stats(c, &s2);
    ck_assert(ela_uint256_equal(&tip1, &tip2));
    ck_assert(ela_uint256_equal(&s1.hash, &s2.hash));
    ck_assert_uint_eq(s1.txouts, s2.txouts);
    ela_chain_close(c);

    c = open_ok(&regnet, true);
    ela_chain_tip_hash(c, &tip3);
    stats(c, &s3);
    ck_assert(ela_uint256_equal(&tip1, &tip3));
    ck_assert(ela_uint256_equal(&s1.hash, &s3.hash));
    ck_assert_uint_eq(s1.total_amount, s3.total_amount);
    check_listunspent(c, "refnode/rpc/91_listunspent_recipient.json");
    ela_chain_close(c);

    /* And it opens normally after the reindex. */
    c = open_ok(&regnet, false);
    ela_chain_tip_hash(c, &tip3);
    ck_assert(ela_uint256_equal(&tip1, &tip3));
    ela_chain_close(c);
}
END_TEST

/* ---- 5: intake outcomes ---------------------------------------------------------------------- */

START_TEST(duplicate_orphan_garbage_mutation)
{
    const json_t *lines = hold_jsonl(NODE1_CHAIN);
    ela_chain *c = open_ok(&regnet, false);
    import(c, lines, 0, 1);
    ela_validation_state st;

    ela_bytes b1 = line_raw(lines, 1), b2 = line_raw(lines, 2), b3 = line_raw(lines, 3);
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, b1.data, b1.len), ELA_BLOCK_DUPLICATE);

    /* Block 3 before 2: an orphan (and a duplicate orphan), connected when 2 arrives. */
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, b3.data, b3.len), ELA_BLOCK_ORPHAN);
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, b3.data, b3.len),
                     ELA_BLOCK_DUPLICATE);
    ck_assert_uint_eq(ela_chain_height(c), 1);
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, b2.data, b2.len), ELA_BLOCK_CONNECTED);
    ck_assert_uint_eq(ela_chain_height(c), 3);
    ela_uint256 tip, want = ela_test_hash_display(
        ela_test_json_str(json_array_get(lines, 3), "hash"));
    ela_chain_tip_hash(c, &tip);
    ck_assert(ela_uint256_equal(&tip, &want));
    uint32_t h;
    bool on_main = false;
    ck_assert(ela_chain_block_height(c, &h, &on_main, &want));
    ck_assert_uint_eq(h, 3);
    ck_assert(on_main);

    ela_utxo_stats before, after;
    stats(c, &before);

    /* Garbage. */
    static const uint8_t junk[] = {1, 2, 3, 4, 5};
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, junk, sizeof junk), ELA_BLOCK_INVALID);
    ck_assert_str_eq(st.reason, "bad-block-encoding");
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, NULL, 0), ELA_BLOCK_INVALID);
    ck_assert_str_eq(st.reason, "bad-block-encoding");

    /* Block 4 with one byte of its merkle root changed: refused, nothing moves. */
    ela_bytes b4 = line_raw(lines, 4);
    b4.data[4 + 32 + 5] ^= 0x01;
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, b4.data, b4.len), ELA_BLOCK_INVALID);
    ck_assert(st.invalid);
    ck_assert_uint_eq(ela_chain_height(c), 3);
    stats(c, &after);
    ck_assert(ela_uint256_equal(&before.hash, &after.hash));
    /* The real block 4 still connects. */
    b4.data[4 + 32 + 5] ^= 0x01;
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, b4.data, b4.len), ELA_BLOCK_CONNECTED);

    /* A block with a tx byte changed (merkle mismatch with the header). */
    ela_bytes b5 = line_raw(lines, 5);
    b5.data[b5.len - 10] ^= 0x40;
    ela_block_status s5 = ela_chain_process_block_bytes(c, &st, b5.data, b5.len);
    ck_assert_int_eq(s5, ELA_BLOCK_INVALID);
    ck_assert_uint_eq(ela_chain_height(c), 4);

    ela_bytes_clear(&b1);
    ela_bytes_clear(&b2);
    ela_bytes_clear(&b3);
    ela_bytes_clear(&b4);
    ela_bytes_clear(&b5);
    ela_chain_close(c);
}
END_TEST

/* ---- 6: damaged stores ----------------------------------------------------------------------- */

static void raw_db_edit(const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
    leveldb_options_t *o = leveldb_options_create();
    char *err = NULL;
    leveldb_t *db = leveldb_open(o, dbpath, &err);
    ck_assert_msg(db != NULL, "%s", err ? err : "?");
    leveldb_writeoptions_t *w = leveldb_writeoptions_create();
    if (val)
        leveldb_put(db, w, (const char *)key, klen, (const char *)val, vlen, &err);
    else
        leveldb_delete(db, w, (const char *)key, klen, &err);
    ck_assert_msg(err == NULL, "%s", err ? err : "");
    leveldb_writeoptions_destroy(w);
    leveldb_close(db);
    leveldb_options_destroy(o);
}

START_TEST(damaged_store_needs_reindex)
{
    const json_t *lines = hold_jsonl(NODE1_CHAIN);
    ela_chain *c = open_ok(&regnet, false);
    import(c, lines, 0, 20);
    ela_uint256 tip;
    ela_utxo_stats s1;
    ela_chain_tip_hash(c, &tip);
    stats(c, &s1);
    ela_chain_close(c);

    /* The tip's undo record ('u' ‖ hash) gone. */
    uint8_t key[33];
    key[0] = 'u';
    memcpy(key + 1, tip.b, 32);
    raw_db_edit(key, sizeof key, NULL, 0);
    char err[512] = "";
    ck_assert_ptr_null(open_at(dbpath, &regnet, false, err, sizeof err));
    ck_assert_msg(strstr(err, "-reindex") != NULL, "%s", err);
    c = open_ok(&regnet, true);
    ela_uint256 tip2;
    ela_utxo_stats s2;
    ela_chain_tip_hash(c, &tip2);
    stats(c, &s2);
    ck_assert(ela_uint256_equal(&tip, &tip2));
    ck_assert(ela_uint256_equal(&s1.hash, &s2.hash));
    ela_chain_close(c);

    /* A schema version from the future. */
    static const uint8_t vkey[2] = {'m', 'v'}, vval[4] = {99, 0, 0, 0};
    raw_db_edit(vkey, sizeof vkey, vval, sizeof vval);
    err[0] = '\0';
    ck_assert_ptr_null(open_at(dbpath, &regnet, false, err, sizeof err));
    ck_assert_msg(strstr(err, "-reindex") != NULL, "%s", err);
    c = open_ok(&regnet, true);
    ela_chain_tip_hash(c, &tip2);
    ck_assert(ela_uint256_equal(&tip, &tip2));
    ela_chain_close(c);

    /* The tip record pointing at an unknown block. */
    static const uint8_t tkey[2] = {'m', 't'};
    uint8_t bogus[32];
    memset(bogus, 0x5a, sizeof bogus);
    raw_db_edit(tkey, sizeof tkey, bogus, sizeof bogus);
    err[0] = '\0';
    ck_assert_ptr_null(open_at(dbpath, &regnet, false, err, sizeof err));
    ck_assert_msg(strstr(err, "-reindex") != NULL, "%s", err);
    c = open_ok(&regnet, true);
    ela_chain_tip_hash(c, &tip2);
    ck_assert(ela_uint256_equal(&tip, &tip2));
    ela_chain_close(c);

    /* A reindex killed half way leaves its marker: the next plain open refuses and says so,
     * and a new -reindex finishes the job. */
    static const uint8_t rkey[2] = {'m', 'r'}, rval[1] = {1};
    raw_db_edit(rkey, sizeof rkey, rval, sizeof rval);
    err[0] = '\0';
    ck_assert_ptr_null(open_at(dbpath, &regnet, false, err, sizeof err));
    ck_assert_msg(strstr(err, "interrupted") != NULL && strstr(err, "-reindex") != NULL, "%s",
                  err);
    c = open_ok(&regnet, true);
    ela_chain_tip_hash(c, &tip2);
    stats(c, &s2);
    ck_assert(ela_uint256_equal(&tip, &tip2));
    ck_assert(ela_uint256_equal(&s1.hash, &s2.hash));
    ela_chain_close(c);
    c = open_ok(&regnet, false);
    ela_chain_close(c);
}
END_TEST

/* A crash after a block's body and index entry were stored but before it was connected: the
 * next open connects it. Simulated by writing what accept_block writes, with the raw API. */
START_TEST(resume_stored_branch_after_crash)
{
    const json_t *lines = hold_jsonl(INSTANT_CHAIN);
    ela_chain *c = open_ok(&instant, false);
    import(c, lines, 0, 20);
    ela_uint256 h20;
    ela_chain_tip_hash(c, &h20);
    ela_chain_close(c);

    ela_bytes raw = line_raw(lines, 21);
    ela_block b;
    ck_assert(ela_block_parse(&b, raw.data, raw.len, NULL));
    leveldb_options_t *o = leveldb_options_create();
    char *err = NULL;
    leveldb_t *db = leveldb_open(o, dbpath, &err);
    ck_assert_msg(db != NULL, "%s", err ? err : "?");
    leveldb_readoptions_t *ro = leveldb_readoptions_create();
    uint8_t key[33];
    key[0] = ELA_STORE_T_INDEX;
    memcpy(key + 1, h20.b, 32);
    size_t vlen = 0;
    char *v = leveldb_get(db, ro, (const char *)key, sizeof key, &vlen, &err);
    ck_assert(v != NULL && vlen == ELA_NODE_VALUE_LEN);
    ela_chain_node parent, node;
    memset(&parent, 0, sizeof parent);
    memset(&node, 0, sizeof node);
    parent.hash = h20;
    node.prev = &parent;
    node.hash = b.header.hash;
    node.merkle_root = b.header.merkle_root;
    node.version = b.header.version;
    node.timestamp = b.header.timestamp;
    node.bits = b.header.bits;
    node.nonce = b.header.nonce;
    node.height = 21;
    node.status = ELA_NODE_HAVE_BODY;
    ela_pow_work(&node.work, b.header.bits);
    memcpy(parent.work.b, v + vlen - 32, 32);
    ela_pow_work_add(&node.work, &parent.work);
    leveldb_free(v);
    uint8_t val[ELA_NODE_VALUE_LEN];
    ela_chain_node_encode(val, &node);
    leveldb_writeoptions_t *wo = leveldb_writeoptions_create();
    leveldb_writebatch_t *wb = leveldb_writebatch_create();
    memcpy(key + 1, b.header.hash.b, 32);
    leveldb_writebatch_put(wb, (const char *)key, sizeof key, (const char *)val, sizeof val);
    key[0] = ELA_STORE_T_BODY;
    leveldb_writebatch_put(wb, (const char *)key, sizeof key, (const char *)raw.data, raw.len);
    leveldb_write(db, wo, wb, &err);
    ck_assert(err == NULL);
    leveldb_writebatch_destroy(wb);
    leveldb_writeoptions_destroy(wo);
    leveldb_readoptions_destroy(ro);
    leveldb_close(db);
    leveldb_options_destroy(o);

    c = open_ok(&instant, false);
    ck_assert_uint_eq(ela_chain_height(c), 21);
    tip_is(c, &b.header.hash);
    /* And the chain goes on from there. */
    import(c, lines, 22, 25);
    ela_chain_close(c);
    ela_block_clear(&b);
    ela_bytes_clear(&raw);
}
END_TEST

/* ---- 7: forks, built from the InstantBlock chain --------------------------------------------- */

/* A block at the height of template line `height` on top of prev: the template's coinbase with
 * its nonce attribute changed by tag (so the txid, merkle root and hash differ) and extra sela
 * added to the miner output, and a solo AuxPoW ground against the instant bits. */
static void make_block(ela_block *out, const json_t *lines, uint32_t height,
                       const ela_uint256 *prev, uint8_t tag, int64_t extra)
{
    ela_bytes raw = line_raw(lines, height);
    ck_assert(ela_block_parse(out, raw.data, raw.len, NULL));
    ela_bytes_clear(&raw);
    out->header.prev = *prev;
    ela_tx *cb = &out->txs[0];
    ck_assert_uint_ge(cb->attribute_count, 1);
    ck_assert_uint_ge(cb->attributes[0].data.len, 1);
    cb->attributes[0].data.data[0] ^= tag;
    cb->outputs[cb->output_count - 1].value += extra;
    ela_tx_compute_hash(cb);
    ela_block_update(out);
    ela_auxpow_clear(&out->header.auxpow);
    ela_auxpow_init_solo(&out->header.auxpow, &out->header.hash, out->header.timestamp);
    for (uint32_t nonce = 0;; nonce++) {
        out->header.auxpow.parent_header.nonce = nonce;
        if (ela_pow_check_auxpow(&out->header.auxpow, out->header.bits, NULL))
            break;
        ck_assert_uint_lt(nonce, 1000);
    }
    ela_block_update(out);
}

static ela_block_status feed(ela_chain *c, ela_validation_state *st, const ela_block *b)
{
    return ela_chain_process_block(c, st, b, NULL, 0);
}

START_TEST(fork_and_reorganise)
{
    const json_t *lines = hold_jsonl(INSTANT_CHAIN);
    ela_chain *c = open_ok(&instant, false);
    import(c, lines, 0, 20);
    ela_validation_state st;
    ela_utxo_stats main20;
    stats(c, &main20);

    /* Branch A from 17: 18a 19a 20a (ties: side), 21a (more work: reorganise). */
    ela_block a[4];
    ela_uint256 prev;
    ck_assert(ela_chain_hash_at(c, &prev, 17));
    for (int i = 0; i < 4; i++) {
        make_block(&a[i], lines, 18 + (uint32_t)i, &prev, 0x11, 0);
        prev = a[i].header.hash;
    }
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(feed(c, &st, &a[i]), ELA_BLOCK_SIDE);
    bool on_main = true;
    uint32_t h = 0;
    ck_assert(ela_chain_block_height(c, &h, &on_main, &a[2].header.hash));
    ck_assert_uint_eq(h, 20);
    ck_assert(!on_main);
    ck_assert_int_eq(feed(c, &st, &a[3]), ELA_BLOCK_CONNECTED);
    tip_is(c, &a[3].header.hash);
    ck_assert_uint_eq(ela_chain_height(c), 21);
    ela_chain_counters k;
    ela_chain_get_counters(c, &k);
    ck_assert_uint_eq(k.blocks_disconnected, 3);
    /* The main chain's 18..20 coinbases are gone, branch A's are there. */
    ela_coin coin;
    ela_uint256 main18 = ela_test_hash_display(ela_test_json_str(json_array_get(lines, 18),
                                                                 "hash"));
    ela_block m18;
    ck_assert(ela_chain_get_block(c, &m18, &main18));
    ck_assert(!ela_chain_get_coin(c, &coin, &m18.txs[0].txid, 0));
    ck_assert(ela_chain_get_coin(c, &coin, &a[0].txs[0].txid, 0));
    ela_coin_clear(&coin);
    ela_tx tx;
    ck_assert(!ela_chain_get_tx(c, &tx, NULL, NULL, &m18.txs[0].txid));
    ela_tx_clear(&tx);
    ela_block_clear(&m18);
    ela_utxo_stats branch;
    stats(c, &branch);

    /* The same blocks fed straight into a fresh store give the same UTXO set. */
    char path2[700];
    snprintf(path2, sizeof path2, "%s/db2", tmpdir);
    char err[512];
    ela_chain *c2 = open_at(path2, &instant, false, err, sizeof err);
    ck_assert_msg(c2 != NULL, "%s", err);
    import(c2, lines, 0, 17);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(feed(c2, &st, &a[i]), ELA_BLOCK_CONNECTED);
    ela_utxo_stats straight;
    stats(c2, &straight);
    ck_assert(ela_uint256_equal(&straight.hash, &branch.hash));
    ela_chain_close(c2);

    /* Back: main 21 ties, main 22 wins. */
    ela_bytes r21 = line_raw(lines, 21), r22 = line_raw(lines, 22);
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, r21.data, r21.len), ELA_BLOCK_SIDE);
    ck_assert_int_eq(ela_chain_process_block_bytes(c, &st, r22.data, r22.len),
                     ELA_BLOCK_CONNECTED);
    ela_bytes_clear(&r21);
    ela_bytes_clear(&r22);
    ck_assert_uint_eq(ela_chain_height(c), 22);
    ck_assert(ela_chain_block_height(c, &h, &on_main, &a[3].header.hash));
    ck_assert(!on_main);
    ela_uint256 tip22;
    ela_chain_tip_hash(c, &tip22);
    ela_utxo_stats main22;
    stats(c, &main22);

    /* An invalid block on the tip (coinbase pays 1 sela too much): refused, then its child. */
    ela_block bad, child;
    make_block(&bad, lines, 23, &tip22, 0x22, 1);
    ck_assert_int_eq(feed(c, &st, &bad), ELA_BLOCK_INVALID);
    ck_assert(st.invalid);
    tip_is(c, &tip22);
    ck_assert_int_eq(feed(c, &st, &bad), ELA_BLOCK_INVALID);
    ck_assert_str_eq(st.reason, "duplicate-invalid");
    make_block(&child, lines, 24, &bad.header.hash, 0x22, 0);
    ck_assert_int_eq(feed(c, &st, &child), ELA_BLOCK_INVALID);
    ck_assert_str_eq(st.reason, "bad-prevblk");
    ela_block_clear(&bad);
    ela_block_clear(&child);

    /* A longer branch from 20 whose second block is invalid: the reorganisation fails and the
     * old chain comes back. */
    ela_block b[4];
    ck_assert(ela_chain_hash_at(c, &prev, 20));
    for (int i = 0; i < 4; i++) {
        make_block(&b[i], lines, 21 + (uint32_t)i, &prev, 0x33, i == 1 ? 1 : 0);
        prev = b[i].header.hash;
    }
    ck_assert_int_eq(feed(c, &st, &b[0]), ELA_BLOCK_SIDE);
    ck_assert_int_eq(feed(c, &st, &b[1]), ELA_BLOCK_SIDE);
    ck_assert_int_eq(feed(c, &st, &b[2]), ELA_BLOCK_INVALID);
    tip_is(c, &tip22);
    ela_utxo_stats again;
    stats(c, &again);
    ck_assert(ela_uint256_equal(&again.hash, &main22.hash));
    ck_assert_int_eq(feed(c, &st, &b[3]), ELA_BLOCK_INVALID);
    ck_assert_str_eq(st.reason, "bad-prevblk");
    tip_is(c, &tip22);
    for (int i = 0; i < 4; i++) {
        ela_block_clear(&a[i]);
        ela_block_clear(&b[i]);
    }
    ela_chain_close(c);

    /* The failed marks and the side branches survive a restart and a reindex. */
    c = open_ok(&instant, false);
    tip_is(c, &tip22);
    ela_chain_close(c);
    c = open_ok(&instant, true);
    tip_is(c, &tip22);
    stats(c, &again);
    ck_assert(ela_uint256_equal(&again.hash, &main22.hash));
    ela_chain_close(c);
}
END_TEST

/* ---- suite ----------------------------------------------------------------------------------- */

static Suite *chain_suite(void)
{
    init_params();
    Suite *s = suite_create("chain");
    TCase *tc = tcase_create("store");
    tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
    tcase_add_test(tc, hmap_matches_reference);
    tcase_add_test(tc, sigcache_bounded);
    tcase_add_test(tc, checkpool_covers_range);
    tcase_add_test(tc, store_basics);
    tcase_add_test(tc, fresh_store_has_genesis);
    tcase_add_test(tc, other_network_refused);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("chain vectors")) {
        TCase *tv = tcase_create("vectors");
        tcase_set_timeout(tv, 120);
        tcase_add_checked_fixture(tv, setup_dir, teardown_dir);
        tcase_add_test(tv, import_node1_chain);
        tcase_add_test(tv, import_instant_chain);
        tcase_add_test(tv, reopen_and_reindex);
        tcase_add_test(tv, duplicate_orphan_garbage_mutation);
        tcase_add_test(tv, damaged_store_needs_reindex);
        tcase_add_test(tv, resume_stored_branch_after_crash);
        tcase_add_test(tv, fork_and_reorganise);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    return ela_test_run(chain_suite());
}
