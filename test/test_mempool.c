/* elad tests: the transaction pool (src/mempool/mempool.h) and the RPC methods of
 * src/rpc/rpc_tx.c, over a regnet InstantBlock chain built by chaingen (test/chainfix.h). The
 * chain is reopened with the listener of a hand-built ela_node so that connects, disconnects
 * and reorganisations reach the pool as they do in elad. */
#include "chainfix.h"
#include "testutil.h"

#include "mempool/mempool.h"
#include "node/node.h"
#include "rpc/rpc.h"

#include <ela/address.h>
#include <ela/hex.h>
#include <ela/json.h>
#include <ela/serialize.h>
#include <ela/txcheck.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static chainfix F;
static ela_node N;
static ela_mempool *MP;
static int64_t NOW;

static int64_t test_clock(void *ctx) { return *(const int64_t *)ctx; }

static ela_mempool *new_pool(size_t max_bytes, int64_t expiry)
{
    ela_mempool_options o = {
        .params = &F.params,
        .chain = F.chain,
        .max_bytes = max_bytes,
        .expiry_seconds = expiry,
        .now = test_clock,
        .now_ctx = &NOW,
    };
    return ela_mempool_new(&o);
}

static void setup(void)
{
    chainfix_open(&F);
    /* Reopen the copied store with the node's listener (chainfix opens it without one). */
    ela_chain_close(F.chain);
    ela_node_init(&N, NULL, NULL, &F.params);
    ela_chain_options opt = {
        .path = F.dir,
        .params = &F.params,
        .dbcache_bytes = 8u << 20,
        .workers = 2,
        .adjusted_time = chainfix_clock,
        .time_ctx = &F,
        .listener = &N.listener,
    };
    char err[256] = "";
    F.chain = ela_chain_open(&opt, err, sizeof err);
    ck_assert_msg(F.chain != NULL, "reopen: %s", err);
    N.chain = F.chain;
    NOW = 1000000;
    MP = new_pool(0, 0);
    N.mempool = MP;
}

static void teardown(void)
{
    N.mempool = NULL;
    ela_mempool_free(MP);
    MP = NULL;
    chainfix_close(&F);
}

/* ---- helpers ------------------------------------------------------------------------------ */

/* n signed transfers (one input, one output each) spending distinct mature wallet outputs of
 * F's branch, taken from a block built on it and thrown away. */
static void transfers(ela_tx *out, size_t n)
{
    ela_block b;
    size_t got = chaingen_build_block(chainfix_gen(), &b, F.br, n, 1);
    ck_assert_uint_eq(got, n);
    for (size_t i = 0; i < n; i++)
        chainfix_tx_copy(&out[i], &b.txs[1 + i]);
    ela_block_clear(&b);
}

static void clear_txs(ela_tx *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ela_tx_clear(&v[i]);
}

/* Value of the output tx's first input spends. */
static int64_t input_value(const ela_tx *tx)
{
    ela_coin c;
    ck_assert(ela_chain_get_coin(F.chain, &c, &tx->inputs[0].prev_txid, tx->inputs[0].prev_index));
    int64_t v = c.out.value;
    ela_coin_clear(&c);
    return v;
}

/* Sets tx's fee (single output) and re-signs it. */
static void set_fee(ela_tx *tx, int64_t fee)
{
    tx->outputs[0].value = input_value(tx) - fee;
    ck_assert(chaingen_resign(chainfix_gen(), tx, F.br));
}

static bool accept(ela_validation_state *st, const ela_tx *tx)
{
    return ela_mempool_accept(MP, st, tx, NULL, 0);
}

static void must_accept(const ela_tx *tx)
{
    ela_validation_state st;
    bool ok = accept(&st, tx);
    ck_assert_msg(ok, "refused: %d %s %s", st.code, st.reason, st.detail);
}

static void must_refuse(const ela_tx *tx, int code, const char *reason, const char *detail)
{
    ela_validation_state st;
    ck_assert(!accept(&st, tx));
    ck_assert_int_eq(st.code, code);
    ck_assert_str_eq(st.reason, reason);
    if (detail)
        ck_assert_str_eq(st.detail, detail);
}

static ela_block_status submit(const ela_block *b)
{
    ela_validation_state st;
    ela_validation_init(&st);
    return ela_node_submit_block(&N, &st, b, NULL, 0, NULL);
}

/* ---- admission ------------------------------------------------------------------------------ */

START_TEST(accept_then_block_uses_sigcache)
{
    ela_block b;
    ck_assert_uint_eq(chaingen_build_block(chainfix_gen(), &b, F.br, 2, 1), 2);
    must_accept(&b.txs[1]);
    must_accept(&b.txs[2]);
    ck_assert_uint_eq(ela_mempool_count(MP), 2);
    ck_assert_uint_eq(ela_mempool_bytes(MP), b.txs[1].size + b.txs[2].size);
    ck_assert(ela_mempool_contains(MP, &b.txs[1].txid));
    const ela_tx *got = ela_mempool_get(MP, &b.txs[2].txid);
    ck_assert(got && ela_uint256_equal(&got->txid, &b.txs[2].txid));
    size_t len = 0;
    ck_assert(ela_mempool_get_raw(MP, &b.txs[1].txid, &len) != NULL);
    ck_assert_uint_eq(len, b.txs[1].size);
    ck_assert(ela_mempool_spends(MP, &b.txs[1].inputs[0].prev_txid, b.txs[1].inputs[0].prev_index));
    ck_assert(!ela_mempool_spends(MP, &b.txs[1].txid, 0));

    ela_chain_counters before, after;
    ela_chain_get_counters(F.chain, &before);
    ck_assert_int_eq(submit(&b), ELA_BLOCK_CONNECTED);
    chaingen_branch_accept(F.br, &b);
    ela_chain_get_counters(F.chain, &after);
    ck_assert_uint_eq(after.sigcache_hits - before.sigcache_hits, 2);
    /* The listener removed what the block confirmed. */
    ck_assert_uint_eq(ela_mempool_count(MP), 0);
    ck_assert_uint_eq(ela_mempool_bytes(MP), 0);

    /* Already in the chain. */
    must_refuse(&b.txs[1], ELA_ERR_TRANSACTION_DUPLICATE, "txn-already-known",
                "transaction already exist");
    /* A coinbase never enters the pool. */
    must_refuse(&b.txs[0], ELA_ERR_INEFFECTIVE_COINBASE, "txn-coinbase", NULL);
    ela_block_clear(&b);
}
END_TEST

START_TEST(refusals)
{
    ela_tx t[3];
    transfers(t, 3);
    must_accept(&t[0]);
    uint64_t gen = ela_mempool_generation(MP);
    /* Already pooled. */
    must_refuse(&t[0], ELA_ERR_TRANSACTION_DUPLICATE, "txn-already-in-mempool",
                "transaction already exist");

    /* Double spend within the pool: same input, more fee, re-signed (another txid). */
    ela_tx ds;
    chainfix_tx_copy(&ds, &t[0]);
    set_fee(&ds, 900);
    ck_assert(!ela_uint256_equal(&ds.txid, &t[0].txid));
    must_refuse(&ds, ELA_ERR_DOUBLE_SPEND, "txn-mempool-conflict",
                "slot TxInputsReferKeys verify tx error");

    /* Bad signature: the programs are not covered by the txid. */
    ela_tx bad;
    chainfix_tx_copy(&bad, &t[1]);
    bad.programs[0].parameter.data[10] ^= 0x01;
    must_refuse(&bad, ELA_ERR_TRANSACTION_SIGNATURE, "bad-txns-signature", NULL);

    /* Fee below the minimum (100 sela). */
    ela_tx low;
    chainfix_tx_copy(&low, &t[1]);
    set_fee(&low, 50);
    must_refuse(&low, ELA_ERR_TRANSACTION_BALANCE, "bad-txns-fee-too-low", NULL);

    /* Spending an output of a pooled tx: no chains of unconfirmed txs. */
    ela_tx child;
    chainfix_tx_copy(&child, &t[1]);
    child.inputs[0].prev_txid = t[0].txid;
    child.inputs[0].prev_index = 0;
    child.outputs[0].value = t[0].outputs[0].value - 1000;
    ela_tx_compute_hash(&child);
    must_refuse(&child, ELA_ERR_UNKNOWN_REFERRED_TX, "bad-txns-unknown-referenced",
                "unknown referred transaction");

    /* Nothing refused changed the pool. */
    ck_assert_uint_eq(ela_mempool_count(MP), 1);
    ck_assert_uint_eq(ela_mempool_generation(MP), gen);
    must_accept(&t[1]);
    must_accept(&t[2]);
    ck_assert_uint_eq(ela_mempool_count(MP), 3);
    ck_assert(ela_mempool_remove(MP, &t[1].txid));
    ck_assert(!ela_mempool_remove(MP, &t[1].txid));
    ck_assert_uint_eq(ela_mempool_count(MP), 2);
    ela_tx_clear(&ds);
    ela_tx_clear(&bad);
    ela_tx_clear(&low);
    ela_tx_clear(&child);
    clear_txs(t, 3);
}
END_TEST

/* ---- maintenance ------------------------------------------------------------------------- */

START_TEST(block_removes_included_and_conflicting)
{
    ela_block b, b2;
    ck_assert_uint_eq(chaingen_build_block(chainfix_gen(), &b, F.br, 2, 1), 2);
    /* Built on the same branch: its first two transfers spend what b's spend. */
    ck_assert_uint_eq(chaingen_build_block(chainfix_gen(), &b2, F.br, 3, 1), 3);
    ela_tx conflict;
    chainfix_tx_copy(&conflict, &b.txs[2]);
    set_fee(&conflict, 777);
    must_accept(&b.txs[1]);     /* included in b */
    must_accept(&conflict);     /* double spends b's second tx */
    must_accept(&b2.txs[3]);    /* unrelated */
    ck_assert_uint_eq(ela_mempool_count(MP), 3);
    ck_assert_int_eq(submit(&b), ELA_BLOCK_CONNECTED);
    chaingen_branch_accept(F.br, &b);
    ck_assert_uint_eq(ela_mempool_count(MP), 1);
    ck_assert(ela_mempool_contains(MP, &b2.txs[3].txid));
    ck_assert(!ela_mempool_contains(MP, &conflict.txid));
    ela_tx_clear(&conflict);
    ela_block_clear(&b);
    ela_block_clear(&b2);
}
END_TEST

START_TEST(reorg_readmits_and_revalidates)
{
    chaingen *g = chainfix_gen();
    chaingen_branch *alt = chaingen_branch_copy(F.br);
    ela_block a1;
    ck_assert_uint_eq(chaingen_build_block(g, &a1, F.br, 1, 1), 1);
    ck_assert_int_eq(submit(&a1), ELA_BLOCK_CONNECTED);
    chaingen_branch_accept(F.br, &a1);
    const ela_tx *t = &a1.txs[1];

    /* P spends T's output: valid while A1 is on the main chain. */
    ela_tx p;
    chainfix_tx_copy(&p, t);
    p.inputs[0].prev_txid = t->txid;
    p.inputs[0].prev_index = 0;
    p.outputs[0].value = t->outputs[0].value - 500;
    ck_assert(chaingen_resign(g, &p, F.br));
    must_accept(&p);

    /* A heavier branch without A1. */
    ela_block b1, b2;
    chaingen_build_block(g, &b1, alt, 0, 1);
    chaingen_branch_accept(alt, &b1);
    chaingen_build_block(g, &b2, alt, 0, 1);
    chaingen_branch_accept(alt, &b2);
    ck_assert_int_eq(submit(&b1), ELA_BLOCK_SIDE);
    ck_assert_int_eq(submit(&b2), ELA_BLOCK_CONNECTED);
    ela_uint256 tip;
    ela_chain_tip_hash(F.chain, &tip);
    ck_assert(ela_uint256_equal(&tip, &b2.header.hash));

    /* T came back from the disconnected block; P now spends an unconfirmed output and went. */
    ck_assert(ela_mempool_contains(MP, &t->txid));
    ck_assert(!ela_mempool_contains(MP, &p.txid));
    ck_assert_uint_eq(ela_mempool_count(MP), 1);

    ela_tx_clear(&p);
    ela_block_clear(&a1);
    ela_block_clear(&b1);
    ela_block_clear(&b2);
    chaingen_branch_free(alt);
}
END_TEST

START_TEST(update_expires)
{
    /* The update keeps what is still valid and drops (and counts) what expired; dropping a tx
     * the chain made invalid is reorg_readmits_and_revalidates. */
    ela_tx t[1];
    transfers(t, 1);
    must_accept(&t[0]);
    ck_assert_uint_eq(ela_mempool_update(MP), 0);
    ck_assert_uint_eq(ela_mempool_count(MP), 1);
    /* Expiry in the update. */
    NOW += ELA_MEMPOOL_DEFAULT_EXPIRY + 1;
    ck_assert_uint_eq(ela_mempool_update(MP), 1);
    ck_assert_uint_eq(ela_mempool_count(MP), 0);
    clear_txs(t, 1);
}
END_TEST

START_TEST(expiry)
{
    ela_mempool_free(MP);
    MP = new_pool(0, 100);
    N.mempool = MP;
    ela_tx t[2];
    transfers(t, 2);
    NOW = 1000;
    must_accept(&t[0]);
    NOW = 1050;
    must_accept(&t[1]);
    NOW = 1100;
    ck_assert_uint_eq(ela_mempool_expire(MP), 0);
    NOW = 1101;
    ck_assert_uint_eq(ela_mempool_expire(MP), 1);
    ck_assert(!ela_mempool_contains(MP, &t[0].txid));
    ck_assert(ela_mempool_contains(MP, &t[1].txid));
    NOW = 1151;
    ck_assert_uint_eq(ela_mempool_expire(MP), 1);
    ck_assert_uint_eq(ela_mempool_count(MP), 0);
    clear_txs(t, 2);
}
END_TEST

START_TEST(eviction_by_fee_rate)
{
    ela_tx t[4];
    transfers(t, 4);
    set_fee(&t[0], 100);
    set_fee(&t[1], 500);
    set_fee(&t[2], 5000);
    set_fee(&t[3], 200);
    size_t sz = t[0].size;
    for (int i = 1; i < 4; i++)
        ck_assert_uint_eq(t[i].size, sz);
    ela_mempool_free(MP);
    MP = new_pool(2 * sz + sz / 2, 0); /* room for two */
    N.mempool = MP;
    must_accept(&t[0]);
    must_accept(&t[1]);
    /* The newcomer pays more than the cheapest: it goes in, the cheapest goes out. */
    must_accept(&t[2]);
    ck_assert_uint_eq(ela_mempool_count(MP), 2);
    ck_assert(!ela_mempool_contains(MP, &t[0].txid));
    /* 200 is below every pooled rate (500, 5000): refused, nothing evicted. */
    must_refuse(&t[3], ELA_ERR_TRANSACTION_POOL_SIZE, "mempool-full", "over capacity");
    ck_assert(ela_mempool_contains(MP, &t[1].txid));
    ck_assert(ela_mempool_contains(MP, &t[2].txid));
    /* An equal rate does not evict either. */
    ela_tx same;
    chainfix_tx_copy(&same, &t[0]);
    set_fee(&same, 500);
    must_refuse(&same, ELA_ERR_TRANSACTION_POOL_SIZE, "mempool-full", NULL);
    ck_assert_uint_le(ela_mempool_bytes(MP), 2 * sz + sz / 2);
    ela_tx_clear(&same);
    clear_txs(t, 4);
}
END_TEST

START_TEST(sorted_order)
{
    ela_tx t[4];
    transfers(t, 4);
    set_fee(&t[0], 300);
    set_fee(&t[1], 5000);
    set_fee(&t[2], 300);
    set_fee(&t[3], 1000);
    for (int i = 0; i < 4; i++)
        must_accept(&t[i]);
    ela_mempool_entry *v = NULL;
    size_t n = ela_mempool_sorted(MP, &v);
    ck_assert_uint_eq(n, 4);
    ck_assert(ela_uint256_equal(&v[0].tx->txid, &t[1].txid));
    ck_assert(ela_uint256_equal(&v[1].tx->txid, &t[3].txid));
    ck_assert(ela_uint256_equal(&v[2].tx->txid, &t[0].txid)); /* ties: admission order */
    ck_assert(ela_uint256_equal(&v[3].tx->txid, &t[2].txid));
    ck_assert_int_eq(v[0].fee, 5000);
    free(v);
    clear_txs(t, 4);
}
END_TEST

/* ---- persistence --------------------------------------------------------------------------- */

static void pool_path(char *out, size_t n)
{
    snprintf(out, n, "%s/mempool.dat", F.dir);
}

static bool times_in_order(void *ctx, const ela_mempool_entry *e)
{
    int64_t **p = ctx;
    ck_assert_int_eq(e->time, **p);
    (*p)++;
    return true;
}

START_TEST(save_load)
{
    ela_tx t[2];
    transfers(t, 2);
    NOW = 5000;
    must_accept(&t[0]);
    NOW = 5007;
    must_accept(&t[1]);
    char path[PATH_MAX + 16], err[256];
    pool_path(path, sizeof path);
    ck_assert_msg(ela_mempool_save(MP, path, err, sizeof err), "%s", err);

    /* A missing file is an empty pool, not an error. */
    char missing[PATH_MAX + 16];
    snprintf(missing, sizeof missing, "%s/none.dat", F.dir);
    ela_mempool *m2 = new_pool(0, 0);
    size_t loaded = 9, skipped = 9;
    ck_assert(ela_mempool_load(m2, missing, &loaded, &skipped, err, sizeof err));
    ck_assert_uint_eq(loaded, 0);

    ck_assert_msg(ela_mempool_load(m2, path, &loaded, &skipped, err, sizeof err), "%s", err);
    ck_assert_uint_eq(loaded, 2);
    ck_assert_uint_eq(skipped, 0);
    ck_assert(ela_mempool_contains(m2, &t[0].txid) && ela_mempool_contains(m2, &t[1].txid));
    int64_t want[2] = {5000, 5007}, *p = want;
    ela_mempool_foreach(m2, times_in_order, &p);
    ck_assert(p == want + 2);
    /* Loading again: both are duplicates now. */
    ck_assert(ela_mempool_load(m2, path, &loaded, &skipped, err, sizeof err));
    ck_assert_uint_eq(loaded, 0);
    ck_assert_uint_eq(skipped, 2);
    ela_mempool_free(m2);

    /* Damaged: one byte flipped in a tx. */
    FILE *f = fopen(path, "r+b");
    ck_assert(f != NULL);
    ck_assert_int_eq(fseek(f, 40, SEEK_SET), 0);
    int c = fgetc(f);
    ck_assert_int_eq(fseek(f, 40, SEEK_SET), 0);
    fputc(c ^ 0x20, f);
    fclose(f);
    m2 = new_pool(0, 0);
    ck_assert(!ela_mempool_load(m2, path, &loaded, &skipped, err, sizeof err));
    ck_assert_msg(strstr(err, "checksum") != NULL, "%s", err);
    ck_assert_uint_eq(ela_mempool_count(m2), 0);

    /* Truncated. */
    ck_assert(ela_mempool_save(MP, path, err, sizeof err));
    ck_assert_int_eq(truncate(path, 60), 0);
    ck_assert(!ela_mempool_load(m2, path, &loaded, &skipped, err, sizeof err));
    ck_assert_uint_eq(ela_mempool_count(m2), 0);
    ck_assert_int_eq(truncate(path, 5), 0);
    ck_assert(!ela_mempool_load(m2, path, &loaded, &skipped, err, sizeof err));
    ck_assert_msg(strstr(err, "truncated") != NULL, "%s", err);
    ck_assert_uint_eq(ela_mempool_count(m2), 0);
    ela_mempool_free(m2);
    clear_txs(t, 2);
}
END_TEST

/* ---- RPC ------------------------------------------------------------------------------------ */

static char *rpc(ela_rpc_table *t, const char *body)
{
    ela_rpc_reply r;
    ela_rpc_process(&r, t, body, strlen(body));
    ck_assert_int_eq(r.status, 200);
    return r.body;
}

static void rpc_expect(ela_rpc_table *t, const char *body, const char *want)
{
    char *got = rpc(t, body);
    ck_assert_msg(strcmp(got, want) == 0, "request %s\n got %s\nwant %s", body, got, want);
    free(got);
}

static char *tx_hex(const ela_tx *tx)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, tx);
    char *hex = ela_hex_encode_new(w.data, w.len);
    ela_writer_clear(&w);
    return hex;
}

START_TEST(rpc_methods)
{
    ela_rpc_table *t = ela_rpc_table_new(ELA_RPC_LEVEL_CONFIGURATION);
    ela_rpc_tx_register(t, &N);
    ela_tx tx[1];
    transfers(tx, 1);
    char *hex = tx_hex(&tx[0]);
    char id[ELA_UINT256_HEX_LEN + 1];
    ela_uint256_to_display(id, &tx[0].txid);
    char body[8192], want[16384];

    rpc_expect(t, "{\"method\":\"getrawmempool\",\"id\":1}",
               "{\"jsonrpc\":\"2.0\",\"result\":[],\"id\":1,\"error\":null}");
    snprintf(body, sizeof body, "{\"method\":\"sendrawtransaction\",\"params\":[\"%s\"],\"id\":1}",
             hex);
    snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"result\":\"%s\",\"id\":1,\"error\":null}",
             id);
    rpc_expect(t, body, want);
    ck_assert(ela_mempool_contains(MP, &tx[0].txid));
    /* Again, named: the reference's duplicate text (vectors 81b/82). */
    snprintf(body, sizeof body,
             "{\"method\":\"sendrawtransaction\",\"params\":{\"data\":\"%s\"},\"id\":1}", hex);
    rpc_expect(t, body, "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":43001,"
                        "\"id\":1,\"message\":\"transaction validate error: transaction already "
                        "exist\"}}");
    rpc_expect(t, "{\"method\":\"sendrawtransaction\",\"params\":[\"zz\"],\"id\":1}",
               "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,"
               "\"id\":1,\"message\":\"hex string to bytes error\"}}");
    rpc_expect(t, "{\"method\":\"sendrawtransaction\",\"params\":[\"0902\"],\"id\":1}",
               "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":43001,"
               "\"id\":1,\"message\":\"invalid transaction\"}}");

    /* getrawmempool plain and "all". */
    snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"result\":[\"%s\"],\"id\":1,\"error\":null}",
             id);
    rpc_expect(t, "{\"method\":\"getrawmempool\",\"params\":[],\"id\":1}", want);
    ela_json_tx_ctx pool_ctx = {.block_hash = NULL};
    json_t *info = ela_tx_to_json(&tx[0], &pool_ctx);
    char *info_s = ela_json_dumps(info);
    ck_assert(strstr(info_s, "\"blockhash\":\"\",\"confirmations\":0,\"time\":0,\"blocktime\":0}"));
    snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"result\":[%s],\"id\":1,\"error\":null}",
             info_s);
    rpc_expect(t, "{\"method\":\"getrawmempool\",\"params\":[\"all\"],\"id\":1}", want);

    /* getrawtransaction from the pool. */
    snprintf(body, sizeof body, "{\"method\":\"getrawtransaction\",\"params\":[\"%s\",true],"
             "\"id\":1}", id);
    snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"result\":%s,\"id\":1,\"error\":null}",
             info_s);
    rpc_expect(t, body, want);
    snprintf(body, sizeof body, "{\"method\":\"getrawtransaction\",\"params\":[\"%s\"],\"id\":1}",
             id);
    snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"result\":\"%s\",\"id\":1,\"error\":null}",
             hex);
    rpc_expect(t, body, want);
    free(info_s);
    json_decref(info);

    /* getrawtransaction from the chain: a transfer of the tip block. */
    ela_uint256 tiph;
    ela_chain_tip_hash(F.chain, &tiph);
    ela_block tipb;
    ck_assert(ela_chain_get_block(F.chain, &tipb, &tiph));
    ck_assert_uint_ge(tipb.n_txs, 2);
    ela_json_tx_ctx chain_ctx = {.block_hash = &tiph, .block_height = tipb.header.height,
                                 .block_time = tipb.header.timestamp,
                                 .tip_height = ela_chain_height(F.chain)};
    info = ela_tx_to_json(&tipb.txs[1], &chain_ctx);
    info_s = ela_json_dumps(info);
    ck_assert(strstr(info_s, "\"confirmations\":1,"));
    ela_uint256_to_display(id, &tipb.txs[1].txid);
    snprintf(body, sizeof body, "{\"method\":\"getrawtransaction\",\"params\":{\"txid\":\"%s\","
             "\"verbose\":true},\"id\":1}", id);
    snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"result\":%s,\"id\":1,\"error\":null}",
             info_s);
    rpc_expect(t, body, want);
    free(info_s);
    json_decref(info);
    ela_block_clear(&tipb);
    rpc_expect(t, "{\"method\":\"getrawtransaction\",\"params\":[\"ffffffffffffffffffffffffffffff"
                  "ffffffffffffffffffffffffffffffffff\"],\"id\":1}",
               "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":44001,\"id\":1,"
               "\"message\":\"cannot find transaction in blockchain and transactionpool\"}}");

    /* listunspent: [] for an address with nothing (the reference says null: a deliberate
     * difference); an array of UTXOs for a funded one. */
    rpc_expect(t, "{\"method\":\"listunspent\",\"params\":{\"addresses\":"
                  "[\"EgATHA9UFjVDnMG7iAGBCvaPV4h8M5YLcA\"]},\"id\":1}",
               "{\"jsonrpc\":\"2.0\",\"result\":[],\"id\":1,\"error\":null}");
    rpc_expect(t, "{\"method\":\"listunspent\",\"params\":{\"addresses\":[\"nope\"]},\"id\":1}",
               "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,\"id\":1,"
               "\"message\":\"invalid address, nope\"}}");
    ela_uint168 ph;
    chaingen_key_program_hash(chainfix_gen(), &ph, 0);
    char addr[ELA_ADDRESS_MAX];
    ck_assert(ela_address_from_program_hash(addr, &ph));
    snprintf(body, sizeof body, "{\"method\":\"listunspent\",\"params\":{\"addresses\":[\"%s\"]},"
             "\"id\":1}", addr);
    char *got = rpc(t, body);
    ck_assert_msg(strncmp(got, "{\"jsonrpc\":\"2.0\",\"result\":[{\"txtype\":", 37) == 0, "%s", got);
    free(got);

    /* getutxosbyamount: more than there is; amount as a number. */
    snprintf(body, sizeof body, "{\"method\":\"getutxosbyamount\",\"params\":{\"address\":\"%s\","
             "\"amount\":\"100000000\"},\"id\":1}", addr);
    rpc_expect(t, body, "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":45002,"
                        "\"id\":1,\"message\":\"not enough utxo\"}}");
    snprintf(body, sizeof body, "{\"method\":\"getutxosbyamount\",\"params\":{\"address\":\"%s\","
             "\"amount\":1},\"id\":1}", addr);
    rpc_expect(t, body, "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,"
                        "\"id\":1,\"message\":\"need a parameter named amount!\"}}");
    snprintf(body, sizeof body, "{\"method\":\"getutxosbyamount\",\"params\":{\"address\":\"%s\","
             "\"amount\":\"0.00000001\"},\"id\":1}", addr);
    got = rpc(t, body);
    ck_assert_msg(strstr(got, "\"result\":[{\"txtype\":") != NULL, "%s", got);
    free(got);

    /* getreceivedbyaddress: 0 for an empty address. */
    rpc_expect(t, "{\"method\":\"getreceivedbyaddress\",\"params\":"
                  "[\"EgATHA9UFjVDnMG7iAGBCvaPV4h8M5YLcA\"],\"id\":1}",
               "{\"jsonrpc\":\"2.0\",\"result\":\"0\",\"id\":1,\"error\":null}");

    /* estimatesmartfee bounds. */
    rpc_expect(t, "{\"method\":\"estimatesmartfee\",\"params\":[1],\"id\":1}",
               "{\"jsonrpc\":\"2.0\",\"result\":10000,\"id\":1,\"error\":null}");
    rpc_expect(t, "{\"method\":\"estimatesmartfee\",\"params\":[25],\"id\":1}",
               "{\"jsonrpc\":\"2.0\",\"result\":10000,\"id\":1,\"error\":null}");
    rpc_expect(t, "{\"method\":\"estimatesmartfee\",\"params\":[0],\"id\":1}",
               "{\"jsonrpc\":\"2.0\",\"result\":20000,\"id\":1,\"error\":null}");
    rpc_expect(t, "{\"method\":\"estimatesmartfee\",\"params\":[26],\"id\":1}",
               "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,\"id\":1,"
               "\"message\":\"support only 25 confirmations at most\"}}");

    /* decoderawtransaction: named only. */
    snprintf(body, sizeof body, "{\"method\":\"decoderawtransaction\",\"params\":[\"%s\"],"
             "\"id\":1}", hex);
    rpc_expect(t, body, "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,"
                        "\"id\":1,\"message\":\"need a parameter named data\"}}");

    free(hex);
    clear_txs(tx, 1);
    ela_rpc_table_free(t);
}
END_TEST

/* The reference transcripts that do not depend on the reference's own chain. */
START_TEST(rpc_vectors)
{
    if (!ela_test_have_vectors("rpc_tx transcripts"))
        return;
    static const char *files[] = {
        "refnode/rpc/64_estimatesmartfee.json",
        "refnode/rpc/80_decoderawtransaction_positional_fails.json",
        "refnode/rpc/80b_decoderawtransaction_named.json",
    };
    ela_rpc_table *t = ela_rpc_table_new(ELA_RPC_LEVEL_CONFIGURATION);
    ela_rpc_tx_register(t, &N);
    for (size_t i = 0; i < ELA_ARRAY_LEN(files); i++) {
        json_t *v = ela_test_hold_json(files[i]);
        char *req = json_dumps(json_object_get(v, "request"), JSON_COMPACT);
        char *got = rpc(t, req);
        const char *want = ela_test_json_str(v, "response_raw");
        ck_assert_msg(strcmp(got, want) == 0, "%s\n got %s\nwant %s", files[i], got, want);
        free(got);
        free(req);
    }
    ela_rpc_table_free(t);
}
END_TEST

static void add(Suite *s, const char *name, const TTest *tt)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_checked_fixture(tc, NULL, ela_test_release_json);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, tt);
    suite_add_tcase(s, tc);
}

#define ADD(s, t) add(s, #t, t)

int main(void)
{
    chainfix_global_init(112, 2, 1);
    Suite *s = suite_create("mempool");
    ADD(s, accept_then_block_uses_sigcache);
    ADD(s, refusals);
    ADD(s, block_removes_included_and_conflicting);
    ADD(s, reorg_readmits_and_revalidates);
    ADD(s, update_expires);
    ADD(s, expiry);
    ADD(s, eviction_by_fee_rate);
    ADD(s, sorted_order);
    ADD(s, save_load);
    ADD(s, rpc_methods);
    ADD(s, rpc_vectors);
    int rc = ela_test_run(s);
    chainfix_global_cleanup();
    return rc;
}
