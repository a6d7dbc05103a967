/* elad tests: block assembly and mining (src/mining/mining.h) and the mining RPC methods
 * (src/rpc/rpc_mining.c): templates that pass sanity and connect, the coinbase against the
 * reference node's regnet block 1, the synthetic AuxPoW byte for byte, the aux-block cache, a
 * pool-style merged-mining submission (and tampered ones), discrete and CPU mining, a pooled
 * tx taken into the template, and the RPC replies against the reference's transcripts. */
#include "testutil.h"

#include "chainfix.h"
#include "chaingen.h"

#include "mempool/mempool.h"
#include "mining/mining.h"
#include "node/node.h"
#include "rpc/rpc.h"

#include <ela/address.h>
#include <ela/auxpow.h>
#include <ela/blockcheck.h>
#include <ela/chain.h>
#include <ela/genesis.h>
#include <ela/hex.h>
#include <ela/log.h>
#include <ela/merkle.h>
#include <ela/pow.h>

#include <event2/event.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NODE1_CHAIN "refnode/chain/regnet_node1_blocks.jsonl"
#define TEST_ADDR "Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj"
#define TEST_ADDR2 "EgATHA9UFjVDnMG7iAGBCvaPV4h8M5YLcA"
/* The start of an error reply to id 1. */
#define ERROR_ID1 "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":"
#define REGNET_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* ---- fixture: a fresh chain in a temporary directory --------------------------------------- */

static char tmpdir[512];
static char dbpath[600];
static int64_t g_now = INT64_C(2000000000);
static ela_params regnet, instant;

static int64_t test_clock(void *ctx)
{
    (void)ctx;
    return g_now;
}

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

static void setup(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/elad-mining-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof dbpath, "%s/db", tmpdir);
    ela_log_set_level(ELA_LOG_ERROR);
    g_now = INT64_C(2000000000);
    ela_params_init(&regnet, ELA_NET_REGNET);
    ela_params_init(&instant, ELA_NET_REGNET);
    ela_params_set_instant_block(&instant);
}

static void teardown(void)
{
    remove_dir(tmpdir);
    ela_test_release_json();
}

static ela_chain *open_chain(const ela_params *p)
{
    ela_chain_options opt;
    memset(&opt, 0, sizeof opt);
    opt.path = dbpath;
    opt.params = p;
    opt.dbcache_bytes = 16u << 20;
    opt.workers = 2;
    opt.adjusted_time = test_clock;
    char err[512] = "";
    ela_chain *c = ela_chain_open(&opt, err, sizeof err);
    ck_assert_msg(c != NULL, "open failed: %s", err);
    return c;
}

static ela_uint168 ph_of(const char *addr)
{
    ela_uint168 ph;
    ck_assert(ela_address_to_program_hash(&ph, addr));
    return ph;
}

/* The miner's submit callback in tests without a node: the chain directly. */
typedef struct submitter {
    ela_chain *chain;
    size_t connected;
    size_t stop_after;          /* CPU miner test: break the loop after this many */
    struct event_base *base;
} submitter;

static ela_block_status submit_cb(void *ctx, ela_validation_state *st, const ela_block *b)
{
    submitter *s = ctx;
    ela_block_status r = ela_chain_process_block(s->chain, st, b, NULL, 0);
    if (r == ELA_BLOCK_CONNECTED) {
        s->connected++;
        if (s->base && s->stop_after && s->connected >= s->stop_after)
            event_base_loopbreak(s->base);
    }
    return r;
}

static ela_miner *new_miner(const ela_params *p, submitter *s, const ela_uint168 *payto,
                            struct event_base *base, ela_mempool *mp)
{
    ela_miner_options o = {
        .params = p,
        .chain = s->chain,
        .mempool = mp,
        .base = base,
        .miner_info = "ELA",
        .payto = payto,
        .now = test_clock,
        .submit = submit_cb,
        .submit_ctx = s,
    };
    return ela_miner_new(&o);
}

static void build_template(ela_block *b, int64_t *fees, const ela_params *p, ela_chain *c,
                           ela_mempool *mp, const ela_uint168 *payto)
{
    ela_template_options o = {.params = p, .chain = c, .mempool = mp, .payto = payto,
                              .miner_info = "ELA", .now = g_now};
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert_msg(ela_template_build(b, fees, &st, &o), "template: %s %s", st.reason, st.detail);
}

/* ---- templates ---------------------------------------------------------------------------- */

START_TEST(template_on_genesis_connects)
{
    ela_chain *c = open_chain(&instant);
    ela_uint168 payto = ph_of(TEST_ADDR);
    ela_block b;
    int64_t fees = -1;
    build_template(&b, &fees, &instant, c, NULL, &payto);
    ck_assert_int_eq(fees, 0);
    ela_uint256 genesis;
    ela_chain_tip_hash(c, &genesis);
    ck_assert(ela_uint256_equal(&b.header.prev, &genesis));
    ck_assert_uint_eq(b.header.height, 1);
    ck_assert_uint_eq(b.header.version, 0);
    ck_assert_uint_eq(b.header.bits, ELA_POW_INSTANT_BITS);
    ck_assert_uint_eq(b.header.timestamp, (uint32_t)g_now);
    ck_assert_uint_eq(b.n_txs, 1);
    const ela_tx *cb = &b.txs[0];
    ck_assert(ela_tx_is_coinbase(cb));
    ck_assert_uint_eq(cb->lock_time, 1);
    ck_assert_uint_eq(cb->output_count, 3);
    int64_t sum = 0;
    for (size_t i = 0; i < 3; i++)
        sum += cb->outputs[i].value;
    ck_assert_int_eq(sum, ela_params_block_reward(&instant, 1));
    ck_assert(ela_uint168_equal(&cb->outputs[1].program_hash, &payto));

    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert_msg(ela_block_check_sanity(&st, &instant, &b, g_now) == false,
                  "an unsolved template should fail the PoW rule");
    ck_assert(ela_aux_solve(&b, b.header.timestamp, 1000000));
    ela_validation_init(&st);
    ck_assert_msg(ela_block_check_sanity(&st, &instant, &b, g_now), "sanity: %s %s", st.reason,
                  st.detail);
    submitter s = {.chain = c};
    ela_validation_init(&st);
    ck_assert_int_eq(submit_cb(&s, &st, &b), ELA_BLOCK_CONNECTED);
    ela_uint256 tip;
    ela_chain_tip_hash(c, &tip);
    ck_assert(ela_uint256_equal(&tip, &b.header.hash));
    ela_block_clear(&b);

    /* The template timestamp stays above the median time past when the clock lags. */
    g_now = 1000;
    build_template(&b, &fees, &instant, c, NULL, &payto);
    uint32_t mtp;
    ck_assert(ela_chain_median_time(c, &mtp, &tip));
    ck_assert_uint_eq(b.header.timestamp, mtp + 1);
    ck_assert_uint_eq(b.header.height, 2);
    ela_block_clear(&b);
    ela_chain_close(c);
}
END_TEST

START_TEST(template_refuses_dpos_heights)
{
    ela_params p = instant;
    p.public_dpos_height = 1;
    ela_chain *c = open_chain(&p);
    ela_uint168 payto = ph_of(TEST_ADDR);
    ela_template_options o = {.params = &p, .chain = c, .payto = &payto, .now = g_now};
    ela_block b;
    int64_t fees;
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert(!ela_template_build(&b, &fees, &st, &o));
    ck_assert_str_eq(st.reason, ELA_REASON_NEEDS_STATE);
    ela_block_clear(&b);
    ela_chain_close(c);
}
END_TEST

/* Block 1 of the reference's regnet chain. */
static void node1_block(ela_block *b, uint32_t height)
{
    json_t *lines = ela_test_load_jsonl(NODE1_CHAIN);
    const json_t *line = json_array_get(lines, height);
    ck_assert_ptr_nonnull(line);
    ela_bytes raw = ela_test_unhex(ela_test_json_str(line, "raw"));
    const char *why = NULL;
    ck_assert_msg(ela_block_parse(b, raw.data, raw.len, &why), "%s", why ? why : "");
    ela_bytes_clear(&raw);
    json_decref(lines);
}

START_TEST(coinbase_matches_reference_block1)
{
    ela_block ref;
    node1_block(&ref, 1);
    const ela_tx *rcb = &ref.txs[0];
    ck_assert_uint_eq(rcb->output_count, 3);

    ela_chain *c = open_chain(&regnet);
    ela_block b;
    int64_t fees;
    build_template(&b, &fees, &regnet, c, NULL, &rcb->outputs[1].program_hash);
    const ela_tx *cb = &b.txs[0];
    ck_assert_uint_eq(b.header.bits, ref.header.bits);
    ck_assert(ela_uint256_equal(&b.header.prev, &ref.header.prev));
    ck_assert_uint_eq(b.header.height, ref.header.height);
    ck_assert_uint_eq(b.header.version, ref.header.version);
    ck_assert_uint_eq(cb->version, rcb->version);
    ck_assert_uint_eq(ela_tx_payload_version(cb), ela_tx_payload_version(rcb));
    ck_assert(ela_bytes_equal(&cb->payload.u.coinbase.content, &rcb->payload.u.coinbase.content));
    ck_assert_uint_eq(cb->attribute_count, rcb->attribute_count);
    ck_assert_uint_eq(cb->attributes[0].usage, rcb->attributes[0].usage);
    ck_assert_uint_eq(cb->attributes[0].data.len, rcb->attributes[0].data.len);
    ck_assert_uint_eq(cb->input_count, 1);
    ck_assert(ela_uint256_equal(&cb->inputs[0].prev_txid, &rcb->inputs[0].prev_txid));
    ck_assert_uint_eq(cb->inputs[0].prev_index, rcb->inputs[0].prev_index);
    ck_assert_uint_eq(cb->inputs[0].sequence, rcb->inputs[0].sequence);
    ck_assert_uint_eq(cb->lock_time, rcb->lock_time);
    ck_assert_uint_eq(cb->output_count, rcb->output_count);
    for (size_t i = 0; i < cb->output_count; i++) {
        ck_assert_int_eq(cb->outputs[i].value, rcb->outputs[i].value);
        ck_assert(ela_uint168_equal(&cb->outputs[i].program_hash,
                                    &rcb->outputs[i].program_hash));
        ck_assert(ela_uint256_equal(&cb->outputs[i].asset_id, &rcb->outputs[i].asset_id));
        ck_assert_uint_eq(cb->outputs[i].output_lock, rcb->outputs[i].output_lock);
    }
    /* The documented pre-DPoS split of 502,283,105. */
    ck_assert_int_eq(cb->outputs[0].value, 150684931);
    ck_assert_int_eq(cb->outputs[1].value, 175799086);
    ck_assert_int_eq(cb->outputs[2].value, 175799088);
    /* Only the random nonce differs: same size. */
    ck_assert_uint_eq(cb->size, rcb->size);
    ela_block_clear(&b);
    ela_block_clear(&ref);
    ela_chain_close(c);
}
END_TEST

START_TEST(synthetic_auxpow_matches_block1)
{
    ela_block ref;
    node1_block(&ref, 1);
    ela_bytes want;
    {
        ela_writer w;
        ela_writer_init(&w);
        ela_auxpow_write(&w, &ref.header.auxpow);
        ela_writer_release(&w, &want);
    }
    uint32_t time = ref.header.auxpow.parent_header.timestamp;
    uint32_t nonce = ref.header.auxpow.parent_header.nonce;
    ck_assert_uint_gt(nonce, 0);

    ela_block b;
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, &ref);
    ck_assert(ela_block_parse(&b, w.data, w.len, NULL));
    ela_writer_clear(&w);
    size_t size = b.size;
    ela_auxpow_clear(&b.header.auxpow);
    ela_block_update(&b);
    ck_assert_uint_lt(b.size, size);
    /* A budget one short of the winning nonce is not enough. */
    ck_assert(!ela_aux_solve(&b, time, nonce));
    ck_assert(ela_aux_solve(&b, time, (uint64_t)nonce + 1));
    ck_assert_uint_eq(b.header.auxpow.parent_header.nonce, nonce);
    ela_writer_init(&w);
    ela_auxpow_write(&w, &b.header.auxpow);
    ck_assert_uint_eq(w.len, want.len);
    ck_assert_str_eq(ela_test_hex(w.data, w.len), ela_test_hex(want.data, want.len));
    ela_writer_clear(&w);
    ck_assert_uint_eq(b.size, size);
    ela_bytes_clear(&want);
    ela_block_clear(&b);
    ela_block_clear(&ref);
}
END_TEST

/* ---- the aux interface -------------------------------------------------------------------- */

/* A merged-mining pool's AuxPoW for an ELA block hash (internal order) as a Bitcoin pool builds
 * it: a coinbase with a height push, fabe6d6d, the reversed aux root of a two-chain tree with
 * ELA in the slot the Namecoin formula gives, merkle size and nonce, and an output; a parent
 * block with two more txs; the parent nonce ground against bits. */
static void pool_auxpow(ela_auxpow *aux, const ela_uint256 *hash, uint32_t bits)
{
    ela_auxpow_init(aux);
    const uint32_t mm_nonce = 0x5eed1234u;
    uint32_t slot = ela_auxpow_expected_index(mm_nonce, ELA_AUXPOW_CHAIN_ID, 1);
    ela_uint256 leaves[2], other;
    memset(other.b, 0x77, 32);
    for (int i = 0; i < 32; i++)
        leaves[slot].b[i] = hash->b[31 - i];
    leaves[1 - slot] = other;
    ela_uint256 root;
    ela_merkle_parent(&root, &leaves[0], &leaves[1]);
    aux->n_aux_branch = 1;
    aux->aux_branch = ela_xcalloc(1, sizeof *aux->aux_branch);
    aux->aux_branch[0] = leaves[1 - slot];
    aux->aux_index = slot;

    ela_writer w;
    ela_writer_init(&w);
    static const uint8_t height_push[] = {0x03, 0x40, 0x0d, 0x03};
    ela_write_bytes(&w, height_push, sizeof height_push);
    static const uint8_t magic[4] = {0xfa, 0xbe, 0x6d, 0x6d};
    ela_write_bytes(&w, magic, 4);
    for (int i = 31; i >= 0; i--)
        ela_write_u8(&w, root.b[i]);
    ela_write_u32(&w, 2); /* 2^h leaves */
    ela_write_u32(&w, mm_nonce);
    static const uint8_t tag[] = "/pool/";
    ela_write_bytes(&w, tag, sizeof tag - 1);
    aux->coinbase.version = 1;
    ela_uint256 zero = {{0}};
    ela_btc_tx_add_input(&aux->coinbase, &zero, 0xffffffffu, w.data, w.len, 0xffffffffu);
    ela_writer_clear(&w);
    aux->coinbase.n_outputs = 1;
    aux->coinbase.outputs = ela_xcalloc(1, sizeof *aux->coinbase.outputs);
    aux->coinbase.outputs[0].value = 625000000;
    static const uint8_t spk[] = {0x51};
    ela_bytes_set(&aux->coinbase.outputs[0].script, spk, sizeof spk);
    ela_btc_tx_update_hash(&aux->coinbase);

    ela_uint256 txs[3];
    txs[0] = aux->coinbase.hash;
    memset(txs[1].b, 0x11, 32);
    memset(txs[2].b, 0x22, 32);
    ela_uint256 branch[ELA_MERKLE_MAX_DEPTH];
    size_t nb = 0;
    uint32_t idx = 0;
    ck_assert(ela_merkle_branch(branch, &nb, &idx, txs, 3, 0));
    aux->n_coinbase_branch = nb;
    aux->coinbase_branch = ela_xmemdup(branch, nb * sizeof *branch);
    aux->coinbase_index = idx;
    ck_assert(ela_merkle_root(&aux->parent_header.merkle_root, txs, 3));
    aux->parent_header.version = 0x20000000;
    memset(aux->parent_header.prev.b, 0x33, 32);
    aux->parent_header.timestamp = 1700000000;
    aux->parent_header.bits = 0x17034219;
    for (uint32_t n = 0;; n++) {
        aux->parent_header.nonce = n;
        if (ela_pow_check_auxpow(aux, bits, NULL))
            break;
        ck_assert_uint_lt(n, 10000);
    }
}

static ela_bytes auxpow_bytes(const ela_auxpow *aux)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_auxpow_write(&w, aux);
    ela_bytes out;
    ela_writer_release(&w, &out);
    return out;
}

static ela_aux_result submit_pool(ela_miner *m, ela_validation_state *st, const ela_uint256 *hash,
                                  const ela_auxpow *aux)
{
    ela_bytes raw = auxpow_bytes(aux);
    ela_validation_init(st);
    ela_aux_result r = ela_miner_submit_aux(m, st, hash, raw.data, raw.len);
    ela_bytes_clear(&raw);
    return r;
}

START_TEST(aux_cache_and_pool_submission)
{
    ela_chain *c = open_chain(&instant);
    submitter s = {.chain = c};
    ela_miner *m = new_miner(&instant, &s, NULL, NULL, NULL);
    ela_uint168 a = ph_of(TEST_ADDR), b = ph_of(TEST_ADDR2);
    ela_validation_state st;
    ela_validation_init(&st);

    ela_aux_block x1, x2, y;
    ck_assert(ela_miner_create_aux(m, &x1, &a, &st));
    ck_assert(ela_miner_create_aux(m, &x2, &a, &st));
    ck_assert(ela_uint256_equal(&x1.hash, &x2.hash));
    ck_assert_uint_eq(x1.height, 0);
    ck_assert_uint_eq(x1.bits, ELA_POW_INSTANT_BITS);
    ck_assert_int_eq(x1.coinbase_value, 175799086);
    ela_uint256 genesis;
    ela_chain_tip_hash(c, &genesis);
    ck_assert(ela_uint256_equal(&x1.prev, &genesis));
    /* Another address gets its own template; later calls still give each its own. */
    ck_assert(ela_miner_create_aux(m, &y, &b, &st));
    ck_assert(!ela_uint256_equal(&x1.hash, &y.hash));
    ck_assert(ela_miner_create_aux(m, &x2, &a, &st));
    ck_assert(ela_uint256_equal(&x1.hash, &x2.hash));

    /* Garbage AuxPoW: an encoding failure whatever the hash. */
    static const uint8_t garbage[] = {0x00};
    ela_validation_init(&st);
    ck_assert_int_eq(ela_miner_submit_aux(m, &st, &y.hash, garbage, 1), ELA_AUX_BAD_ENCODING);

    /* A tampered submission names the AuxPoW rule that failed. */
    ela_auxpow aux;
    pool_auxpow(&aux, &y.hash, y.bits);
    aux.aux_index ^= 1;
    ck_assert_int_eq(submit_pool(m, &st, &y.hash, &aux), ELA_AUX_REJECTED);
    ck_assert_str_eq(st.reason, "bad-auxpow");
    ck_assert_str_eq(st.detail, "auxpow: chain merkle root not found");
    aux.aux_index ^= 1;
    /* A coinbase branch that does not lead to the parent's merkle root. */
    aux.coinbase_branch[0].b[0] ^= 1;
    ck_assert_int_eq(submit_pool(m, &st, &y.hash, &aux), ELA_AUX_REJECTED);
    ck_assert_str_eq(st.reason, "bad-auxpow");
    ck_assert_str_eq(st.detail,
                     "auxpow: coinbase merkle branch does not reach the parent merkle root");
    ela_auxpow_clear(&aux);
    /* Nothing was submitted to the chain. */
    ck_assert_uint_eq(s.connected, 0);
    ck_assert_uint_eq(ela_chain_height(c), 0);
    ela_chain_close(c);
    ela_miner_free(m);
}
END_TEST

START_TEST(pool_submission_accepted_and_stale)
{
    ela_chain *c = open_chain(&instant);
    submitter s = {.chain = c};
    ela_miner *m = new_miner(&instant, &s, NULL, NULL, NULL);
    ela_uint168 a = ph_of(TEST_ADDR), b = ph_of(TEST_ADDR2);
    ela_validation_state st;
    ela_validation_init(&st);
    ela_aux_block x, y;
    ck_assert(ela_miner_create_aux(m, &x, &a, &st));
    ck_assert(ela_miner_create_aux(m, &y, &b, &st));

    /* The AuxPoW of x does not commit to y. */
    ela_auxpow aux;
    pool_auxpow(&aux, &x.hash, x.bits);
    ck_assert_int_eq(submit_pool(m, &st, &y.hash, &aux), ELA_AUX_REJECTED);
    ck_assert_str_eq(st.reason, "bad-auxpow");
    ck_assert_str_eq(st.detail, "auxpow: chain merkle root not found");
    ela_auxpow_clear(&aux);

    /* A parent hash above the target names the PoW rule. */
    pool_auxpow(&aux, &y.hash, y.bits);
    for (uint32_t n = 0;; n++) {
        aux.parent_header.nonce = n;
        if (!ela_pow_check_auxpow(&aux, y.bits, NULL))
            break;
    }
    ck_assert_int_eq(submit_pool(m, &st, &y.hash, &aux), ELA_AUX_REJECTED);
    ck_assert_str_eq(st.reason, "high-hash");
    ela_auxpow_clear(&aux);

    /* The pool's real submission for y connects and pays y's address. */
    pool_auxpow(&aux, &y.hash, y.bits);
    ck_assert_int_eq(submit_pool(m, &st, &y.hash, &aux), ELA_AUX_ACCEPTED);
    ela_auxpow_clear(&aux);
    ela_uint256 tip;
    ela_chain_tip_hash(c, &tip);
    ck_assert(ela_uint256_equal(&tip, &y.hash));
    ela_block got;
    ck_assert(ela_chain_get_block(c, &got, &tip));
    ck_assert(ela_uint168_equal(&got.txs[0].outputs[1].program_hash, &b));
    ck_assert_int_eq(got.txs[0].outputs[1].value, y.coinbase_value);
    ck_assert_uint_eq(got.header.auxpow.n_aux_branch, 1);
    ela_block_clear(&got);

    /* The tip moved: x is stale, a hash never handed out is unknown. */
    pool_auxpow(&aux, &x.hash, x.bits);
    ck_assert_int_eq(submit_pool(m, &st, &x.hash, &aux), ELA_AUX_UNKNOWN);
    ck_assert_str_eq(st.reason, "aux-stale");
    ela_auxpow_clear(&aux);
    ela_uint256 never;
    memset(never.b, 0x42, 32);
    pool_auxpow(&aux, &never, x.bits);
    ck_assert_int_eq(submit_pool(m, &st, &never, &aux), ELA_AUX_UNKNOWN);
    ck_assert_str_eq(st.reason, "aux-unknown-hash");
    ela_auxpow_clear(&aux);
    /* The same block again: its template is gone with the old tip. */
    pool_auxpow(&aux, &y.hash, y.bits);
    ck_assert_int_eq(submit_pool(m, &st, &y.hash, &aux), ELA_AUX_UNKNOWN);
    ck_assert_str_eq(st.reason, "aux-stale");
    ela_auxpow_clear(&aux);

    /* A new template for the new tip; ela_miner_tip_changed forgets it too. */
    ela_aux_block z;
    ck_assert(ela_miner_create_aux(m, &z, &a, &st));
    ck_assert_uint_eq(z.height, 1);
    ck_assert(ela_uint256_equal(&z.prev, &y.hash));
    ela_miner_tip_changed(m);
    pool_auxpow(&aux, &z.hash, z.bits);
    ck_assert_int_eq(submit_pool(m, &st, &z.hash, &aux), ELA_AUX_UNKNOWN);
    ck_assert_str_eq(st.reason, "aux-stale");
    ela_auxpow_clear(&aux);
    ela_miner_free(m);
    ela_chain_close(c);
}
END_TEST

/* ---- discrete and CPU mining -------------------------------------------------------------- */

START_TEST(discrete_mines_count_blocks)
{
    ela_chain *c = open_chain(&instant);
    submitter s = {.chain = c};
    ela_uint168 a = ph_of(TEST_ADDR);
    ela_miner *m = new_miner(&instant, &s, &a, NULL, NULL);
    ela_uint256 hashes[3];
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert_uint_eq(ela_miner_discrete(m, hashes, 3, &st), 3);
    ck_assert(ela_validation_ok(&st));
    ck_assert_uint_eq(ela_chain_height(c), 3);
    for (uint32_t h = 1; h <= 3; h++) {
        ela_uint256 at;
        ck_assert(ela_chain_hash_at(c, &at, h));
        ck_assert(ela_uint256_equal(&at, &hashes[h - 1]));
    }
    ela_miner_free(m);

    /* Without PayToAddr nothing is mined. */
    m = new_miner(&instant, &s, NULL, NULL, NULL);
    ck_assert_uint_eq(ela_miner_discrete(m, hashes, 1, &st), 0);
    ck_assert_str_eq(st.reason, "no-payto");
    ck_assert_uint_eq(ela_chain_height(c), 3);
    ela_validation_init(&st);
    ck_assert(!ela_miner_set_mining(m, true, &st));
    ck_assert_str_eq(st.reason, "no-payto");
    ela_miner_free(m);
    ela_chain_close(c);
}
END_TEST

START_TEST(discrete_default_difficulty)
{
    ela_chain *c = open_chain(&regnet);
    submitter s = {.chain = c};
    ela_uint168 a = ph_of(TEST_ADDR);
    ela_miner *m = new_miner(&regnet, &s, &a, NULL, NULL);
    ela_uint256 h;
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert_msg(ela_miner_discrete(m, &h, 1, &st) == 1, "%s %s", st.reason, st.detail);
    ela_block b;
    ck_assert(ela_chain_get_block(c, &b, &h));
    ck_assert_uint_eq(b.header.bits, ELA_POW_LIMIT_BITS);
    ck_assert_uint_eq(b.header.height, 1);
    ela_block_clear(&b);
    ela_miner_free(m);
    ela_chain_close(c);
}
END_TEST

START_TEST(cpu_miner_on_event_loop)
{
    ela_chain *c = open_chain(&instant);
    struct event_base *base = event_base_new();
    ck_assert_ptr_nonnull(base);
    submitter s = {.chain = c, .stop_after = 2, .base = base};
    ela_uint168 a = ph_of(TEST_ADDR);
    ela_miner *m = new_miner(&instant, &s, &a, base, NULL);
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert(!ela_miner_is_mining(m));
    ck_assert(ela_miner_set_mining(m, true, &st));
    ck_assert(ela_miner_is_mining(m));
    /* discretemining is refused while the CPU miner runs. */
    ela_uint256 h;
    ck_assert_uint_eq(ela_miner_discrete(m, &h, 1, &st), 0);
    ck_assert_str_eq(st.reason, "node-is-mining");

    ck_assert_int_eq(event_base_dispatch(base), 0);
    ck_assert_uint_ge(s.connected, 2);
    ck_assert_uint_ge(ela_miner_blocks_found(m), 2);
    ck_assert_uint_ge(ela_chain_height(c), 2);
    ela_validation_init(&st);
    ck_assert(ela_miner_set_mining(m, false, &st));
    ck_assert(!ela_miner_is_mining(m));
    /* Stopped: the loop has nothing left to run. */
    uint32_t height = ela_chain_height(c);
    ck_assert_int_eq(event_base_dispatch(base), 1);
    ck_assert_uint_eq(ela_chain_height(c), height);
    ela_miner_free(m);
    event_base_free(base);
    ela_chain_close(c);
}
END_TEST

/* ---- the mempool -------------------------------------------------------------------------- */

static int64_t fix_clock(void *ctx)
{
    return ((chainfix *)ctx)->now;
}

static ela_mempool *fix_mempool(chainfix *f)
{
    ela_mempool_options o = {.params = &f->params, .chain = f->chain, .now = fix_clock,
                             .now_ctx = f};
    return ela_mempool_new(&o);
}

/* Two signed transfers built on the fixture's tip, admitted to the pool. */
static void pool_two(chainfix *f, ela_mempool *mp, ela_block *carrier)
{
    ck_assert_uint_eq(chaingen_build_block(chainfix_gen(), carrier, f->br, 2, 1), 2);
    for (size_t i = 1; i <= 2; i++) {
        ela_validation_state st;
        ela_validation_init(&st);
        ck_assert_msg(ela_mempool_accept(mp, &st, &carrier->txs[i], NULL, 0), "accept: %s %s",
                      st.reason, st.detail);
    }
    ck_assert_uint_eq(ela_mempool_count(mp), 2);
}

static bool block_has(const ela_block *b, const ela_uint256 *txid)
{
    for (size_t i = 0; i < b->n_txs; i++)
        if (ela_uint256_equal(&b->txs[i].txid, txid))
            return true;
    return false;
}

START_TEST(pooled_txs_in_template)
{
    chainfix f;
    chainfix_open(&f);
    ela_mempool *mp = fix_mempool(&f);
    ela_block carrier;
    pool_two(&f, mp, &carrier);
    ela_uint168 payto = ph_of(TEST_ADDR);
    g_now = f.now;
    ela_block b;
    int64_t fees = 0;
    build_template(&b, &fees, &f.params, f.chain, mp, &payto);
    ck_assert_uint_eq(b.n_txs, 3);
    ck_assert(block_has(&b, &carrier.txs[1].txid));
    ck_assert(block_has(&b, &carrier.txs[2].txid));
    ck_assert_int_gt(fees, 0);
    int64_t sum = 0;
    for (size_t i = 0; i < b.txs[0].output_count; i++)
        sum += b.txs[0].outputs[i].value;
    ck_assert_int_eq(sum, ela_params_block_reward(&f.params, b.header.height) + fees);
    ck_assert(ela_aux_solve(&b, b.header.timestamp, 1000000));
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert_msg(ela_block_check_sanity(&st, &f.params, &b, f.now), "%s %s", st.reason,
                  st.detail);
    ck_assert_int_eq(chainfix_process(&f, &st, &b), ELA_BLOCK_CONNECTED);
    ela_block_clear(&b);

    /* The pool was not told: its txs are in the chain now, and the context re-check leaves
     * them out of the next template. */
    build_template(&b, &fees, &f.params, f.chain, mp, &payto);
    ck_assert_uint_eq(b.n_txs, 1);
    ck_assert_int_eq(fees, 0);
    ela_block_clear(&b);

    ela_block_clear(&carrier);
    ela_mempool_free(mp);
    chainfix_close(&f);
}
END_TEST

START_TEST(template_limits)
{
    chainfix f;
    chainfix_open(&f);
    ela_mempool *mp = fix_mempool(&f);
    ela_block carrier;
    pool_two(&f, mp, &carrier);
    ela_uint168 payto = ph_of(TEST_ADDR);
    g_now = f.now;
    ela_block b;
    int64_t fees;
    build_template(&b, &fees, &f.params, f.chain, mp, &payto);
    ck_assert_uint_eq(b.n_txs, 3);
    size_t cb = b.txs[0].size, t1 = b.txs[1].size, t2 = b.txs[2].size;
    ela_block_clear(&b);
    /* Two txs per block: the coinbase and one pooled tx. */
    f.params.max_tx_per_block = 2;
    build_template(&b, &fees, &f.params, f.chain, mp, &payto);
    ck_assert_uint_eq(b.n_txs, 2);
    ela_block_clear(&b);
    /* A context area one byte short of the coinbase and the smaller tx: coinbase only. */
    f.params.max_tx_per_block = 10000;
    f.params.max_block_context_size = (uint32_t)(cb + (t1 < t2 ? t1 : t2) - 1);
    build_template(&b, &fees, &f.params, f.chain, mp, &payto);
    ck_assert_uint_eq(b.n_txs, 1);
    ck_assert_int_eq(fees, 0);
    ela_block_clear(&b);
    /* Exactly the three. */
    f.params.max_block_context_size = (uint32_t)(cb + t1 + t2);
    build_template(&b, &fees, &f.params, f.chain, mp, &payto);
    ck_assert_uint_eq(b.n_txs, 3);
    ela_block_clear(&b);
    ela_block_clear(&carrier);
    ela_mempool_free(mp);
    chainfix_close(&f);
}
END_TEST

START_TEST(aux_refresh_with_mempool)
{
    chainfix f;
    chainfix_open(&f);
    ela_mempool *mp = fix_mempool(&f);
    g_now = f.now;
    submitter s = {.chain = f.chain};
    ela_miner *m = new_miner(&f.params, &s, NULL, NULL, mp);
    ela_uint168 a = ph_of(TEST_ADDR);
    ela_validation_state st;
    ela_validation_init(&st);
    ela_aux_block x1, x2, x3;
    ck_assert(ela_miner_create_aux(m, &x1, &a, &st));
    ela_block carrier;
    pool_two(&f, mp, &carrier);
    /* The pool changed but the template is young: the same one. */
    ck_assert(ela_miner_create_aux(m, &x2, &a, &st));
    ck_assert(ela_uint256_equal(&x1.hash, &x2.hash));
    /* Older than ELA_AUX_REFRESH_SECONDS: a new one with the pooled txs and their fees. */
    g_now += ELA_AUX_REFRESH_SECONDS;
    ck_assert(ela_miner_create_aux(m, &x3, &a, &st));
    ck_assert(!ela_uint256_equal(&x1.hash, &x3.hash));
    ck_assert_int_gt(x3.coinbase_value, x1.coinbase_value);
    /* Unchanged pool: no rebuild however old. */
    g_now += 100;
    ck_assert(ela_miner_create_aux(m, &x2, &a, &st));
    ck_assert(ela_uint256_equal(&x2.hash, &x3.hash));
    /* The older template is still submittable. */
    ela_auxpow aux;
    pool_auxpow(&aux, &x1.hash, x1.bits);
    ck_assert_msg(submit_pool(m, &st, &x1.hash, &aux) == ELA_AUX_ACCEPTED, "%s %s", st.reason,
                  st.detail);
    ela_auxpow_clear(&aux);
    ela_uint256 tip;
    ela_chain_tip_hash(f.chain, &tip);
    ck_assert(ela_uint256_equal(&tip, &x1.hash));
    ela_miner_free(m);
    ela_block_clear(&carrier);
    ela_mempool_free(mp);
    chainfix_close(&f);
}
END_TEST

/* ---- RPC ---------------------------------------------------------------------------------- */

typedef struct rpc_fixture {
    ela_node node;
    ela_rpc_table *table;
    struct event_base *base;
} rpc_fixture;

static ela_block_status node_submit(void *ctx, ela_validation_state *st, const ela_block *b)
{
    return ela_node_submit_block(ctx, st, b, NULL, 0, NULL);
}

static void rpc_open(rpc_fixture *r, const ela_params *p, const ela_uint168 *payto)
{
    memset(r, 0, sizeof *r);
    r->base = event_base_new();
    ck_assert_ptr_nonnull(r->base);
    ela_node_init(&r->node, r->base, NULL, p);
    r->node.chain = open_chain(p);
    ela_miner_options o = {
        .params = p,
        .chain = r->node.chain,
        .base = r->base,
        .miner_info = "ELA",
        .payto = payto,
        .now = test_clock,
        .submit = node_submit,
        .submit_ctx = &r->node,
    };
    r->node.miner = ela_miner_new(&o);
    r->table = ela_rpc_table_new(ELA_RPC_LEVEL_CONFIGURATION);
    ela_rpc_mining_register(r->table, &r->node);
}

static void rpc_close(rpc_fixture *r)
{
    ela_rpc_table_free(r->table);
    ela_miner_free(r->node.miner);
    ela_chain_close(r->node.chain);
    event_base_free(r->base);
}

/* The reply body to a request (caller frees). */
static char *rpc(rpc_fixture *r, const char *body)
{
    ela_rpc_reply rep;
    ela_rpc_process(&rep, r->table, body, strlen(body));
    ck_assert_int_eq(rep.status, 200);
    return rep.body;
}

/* Sends a transcript's request and returns our reply body. */
static char *rpc_transcript(rpc_fixture *r, const json_t *t)
{
    char *req = json_dumps(json_object_get(t, "request"), JSON_COMPACT);
    ck_assert_ptr_nonnull(req);
    char *body = rpc(r, req);
    free(req);
    return body;
}

static void expect_transcript(rpc_fixture *r, const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "refnode/rpc/%s", name);
    const json_t *t = ela_test_hold_json(rel);
    char *body = rpc_transcript(r, t);
    ck_assert_str_eq(body, ela_test_json_str(t, "response_raw"));
    free(body);
}

START_TEST(rpc_transcripts_at_genesis)
{
    rpc_fixture r;
    rpc_open(&r, &regnet, NULL);
    expect_transcript(&r, "63_help.json");
    expect_transcript(&r, "08_getinfo.json");
    expect_transcript(&r, "09_getmininginfo.json");
    expect_transcript(&r, "66_togglemining_false.json");
    expect_transcript(&r, "43_submitauxblock_garbage_auxpow.json");
    rpc_close(&r);
}
END_TEST

START_TEST(rpc_instant_getmininginfo)
{
    rpc_fixture r;
    rpc_open(&r, &instant, NULL);
    expect_transcript(&r, "95_instant_getmininginfo.json");
    expect_transcript(&r, "08_getinfo.json");
    rpc_close(&r);
}
END_TEST

START_TEST(rpc_getmininginfo_after_five_blocks)
{
    rpc_fixture r;
    rpc_open(&r, &regnet, NULL);
    json_t *lines = ela_test_load_jsonl(NODE1_CHAIN);
    for (uint32_t h = 1; h <= 5; h++) {
        ela_bytes raw = ela_test_unhex(ela_test_json_str(json_array_get(lines, h), "raw"));
        ela_validation_state st;
        ela_validation_init(&st);
        ck_assert_int_eq(ela_chain_process_block_bytes(r.node.chain, &st, raw.data, raw.len),
                         ELA_BLOCK_CONNECTED);
        ela_bytes_clear(&raw);
    }
    json_decref(lines);
    expect_transcript(&r, "60_getmininginfo_h6.json");
    rpc_close(&r);
}
END_TEST

/* The keys of a JSON object in order, with the type of each value. */
static void key_shape(char *out, size_t len, const json_t *obj)
{
    out[0] = '\0';
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)obj, k, v)
    {
        size_t n = strlen(out);
        snprintf(out + n, len - n, "%s:%d,", k, (int)json_typeof(v));
    }
}

START_TEST(rpc_aux_methods)
{
    rpc_fixture r;
    rpc_open(&r, &regnet, NULL);
    const json_t *t = ela_test_hold_json("refnode/rpc/40_createauxblock.json");
    char *body = rpc_transcript(&r, t);
    json_t *ours = json_loads(body, 0, NULL);
    ck_assert_ptr_nonnull(ours);
    free(body);
    const json_t *want = json_object_get(json_object_get(t, "response"), "result");
    const json_t *got = json_object_get(ours, "result");
    ck_assert_ptr_nonnull(got);
    char ws[512], gs[512];
    key_shape(ws, sizeof ws, want);
    key_shape(gs, sizeof gs, got);
    ck_assert_str_eq(gs, ws);
    ck_assert_int_eq(json_integer_value(json_object_get(got, "chainid")), 1224);
    ck_assert_int_eq(json_integer_value(json_object_get(got, "height")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(got, "coinbasevalue")), 175799086);
    ck_assert_str_eq(json_string_value(json_object_get(got, "bits")), "1f0008ff");
    ela_uint256 genesis;
    ela_chain_tip_hash(r.node.chain, &genesis);
    ck_assert_str_eq(json_string_value(json_object_get(got, "previousblockhash")),
                     ela_test_hash_hex(&genesis));
    /* hash is internal order: the synthetic AuxPoW over those bytes as they are is accepted. */
    ela_uint256 hash = ela_test_hash_internal(json_string_value(json_object_get(got, "hash")));
    char *again = rpc(&r, "{\"method\":\"createauxblock\",\"params\":{\"paytoaddress\":\""
                          TEST_ADDR "\"},\"id\":2}");
    json_t *again_j = json_loads(again, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(again_j, "result"),
                                                       "hash")),
                     ela_test_hash_hex(&hash));
    json_decref(again_j);
    free(again);

    ela_auxpow aux;
    /* Solve with a pool-style AuxPoW for the default regnet bits: grind the parent nonce. */
    pool_auxpow(&aux, &hash, ELA_POW_INSTANT_BITS);
    for (uint32_t n = 0;; n++) {
        aux.parent_header.nonce = n;
        if (ela_pow_check_auxpow(&aux, ELA_POW_LIMIT_BITS, NULL))
            break;
    }
    ela_bytes raw = auxpow_bytes(&aux);
    ela_auxpow_clear(&aux);
    char *hex = ela_hex_encode_new(raw.data, raw.len);
    ela_bytes_clear(&raw);
    size_t reqlen = strlen(hex) + 300;
    char *req = ela_xmalloc(reqlen);
    snprintf(req, reqlen, "{\"method\":\"submitauxblock\",\"params\":[\"%s\",\"%s\"],\"id\":1}",
             ela_test_hash_hex(&hash), hex);
    body = rpc(&r, req);
    ck_assert_str_eq(body, "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":1,\"error\":null}");
    free(body);
    ck_assert_uint_eq(ela_chain_height(r.node.chain), 1);
    ela_uint256 tip;
    ela_chain_tip_hash(r.node.chain, &tip);
    ck_assert(ela_uint256_equal(&tip, &hash));
    /* Again: the reference's message, then why. */
    body = rpc(&r, req);
    ck_assert_str_eq(body, ERROR_ID1 "{\"code\":45002,"
                           "\"id\":1,\"message\":\"adding block failed: aux-stale (the template "
                           "is for an earlier tip or was superseded)\"}}");
    free(body);
    free(req);
    free(hex);

    /* Parameter errors. */
    static const struct {
        const char *req, *reply;
    } cases[] = {
        {"{\"method\":\"createauxblock\",\"params\":{},\"id\":1}",
         "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,\"id\":1,"
         "\"message\":\"parameter paytoaddress not found\"}}"},
        {"{\"method\":\"createauxblock\",\"params\":[\"Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvk\"],"
         "\"id\":1}",
         "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,\"id\":1,"
         "\"message\":\"invalid paytoaddress\"}}"},
        {"{\"method\":\"submitauxblock\",\"params\":{},\"id\":1}",
         "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,\"id\":1,"
         "\"message\":\"parameter blockhash not found\"}}"},
        {"{\"method\":\"submitauxblock\",\"params\":[\"00\",\"00\"],\"id\":1}",
         "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,\"id\":1,"
         "\"message\":\"bad blockhash\"}}"},
        {"{\"method\":\"submitauxblock\",\"params\":[\"" REGNET_ZERO_HASH "\"],\"id\":1}",
         "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,\"id\":1,"
         "\"message\":\"parameter auxpow not found\"}}"},
        {"{\"method\":\"submitauxblock\",\"params\":[\"" REGNET_ZERO_HASH "\",\"zz\"],\"id\":1}",
         "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":45002,\"id\":1,"
         "\"message\":\"auxpow deserialization failed\"}}"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        body = rpc(&r, cases[i].req);
        ck_assert_str_eq(body, cases[i].reply);
        free(body);
    }

    /* The reference's unknown-hash transcript: same code and message prefix. */
    t = ela_test_hold_json("refnode/rpc/42_submitauxblock_bad_hash.json");
    body = rpc_transcript(&r, t);
    ck_assert_str_eq(body, ERROR_ID1 "{\"code\":45002,"
                           "\"id\":1,\"message\":\"adding block failed: aux-unknown-hash (no "
                           "template with this hash)\"}}");
    free(body);
    json_decref(ours);
    rpc_close(&r);
}
END_TEST

START_TEST(rpc_discrete_and_toggle)
{
    rpc_fixture r;
    ela_uint168 payto = ph_of(TEST_ADDR);
    rpc_open(&r, &instant, &payto);
    char *body = rpc(&r, "{\"method\":\"discretemining\",\"params\":[\"3\"],\"id\":1}");
    json_t *j = json_loads(body, 0, NULL);
    free(body);
    const json_t *res = json_object_get(j, "result");
    ck_assert(json_is_array(res));
    ck_assert_uint_eq(json_array_size(res), 3);
    ck_assert_uint_eq(ela_chain_height(r.node.chain), 3);
    ela_uint256 tip;
    ela_chain_tip_hash(r.node.chain, &tip);
    char disp[ELA_UINT256_HEX_LEN + 1];
    ela_uint256_to_display(disp, &tip);
    ck_assert_str_eq(json_string_value(json_array_get(res, 2)), disp);
    json_decref(j);

    body = rpc(&r, "{\"method\":\"discretemining\",\"params\":{},\"id\":1}");
    ck_assert_str_eq(body, ERROR_ID1 "{\"code\":42002,"
                           "\"id\":1,\"message\":\"Invalid Params\"}}");
    free(body);

    body = rpc(&r, "{\"method\":\"togglemining\",\"params\":[true],\"id\":1}");
    ck_assert_str_eq(body,
                     "{\"jsonrpc\":\"2.0\",\"result\":\"mining started\",\"id\":1,\"error\":null}");
    free(body);
    ck_assert(ela_miner_is_mining(r.node.miner));
    body = rpc(&r, "{\"method\":\"discretemining\",\"params\":[1],\"id\":1}");
    ck_assert_str_eq(body, ERROR_ID1 "{\"code\":-1,"
                           "\"id\":1,\"message\":\"node is mining\"}}");
    free(body);
    body = rpc(&r, "{\"method\":\"togglemining\",\"params\":[false],\"id\":1}");
    ck_assert_str_eq(body,
                     "{\"jsonrpc\":\"2.0\",\"result\":\"mining stopped\",\"id\":1,\"error\":null}");
    free(body);
    ck_assert(!ela_miner_is_mining(r.node.miner));
    rpc_close(&r);

    /* Service levels: MiningPermitted still allows the mining methods, QueryOnly does not. */
    rpc_open(&r, &instant, NULL);
    ela_rpc_table_free(r.table);
    r.table = ela_rpc_table_new(ELA_RPC_LEVEL_TRANSACTION);
    ela_rpc_mining_register(r.table, &r.node);
    body = rpc(&r, "{\"method\":\"discretemining\",\"params\":[1],\"id\":1}");
    ck_assert_ptr_nonnull(strstr(body, "\"code\":42001"));
    free(body);
    body = rpc(&r, "{\"method\":\"help\",\"params\":[],\"id\":1}");
    ck_assert_ptr_nonnull(strstr(body, "createauxblock==submitauxblock"));
    free(body);
    ela_rpc_table_free(r.table);
    r.table = ela_rpc_table_new(ELA_RPC_LEVEL_MINING);
    ela_rpc_mining_register(r.table, &r.node);
    /* No PayToAddr configured. */
    body = rpc(&r, "{\"method\":\"discretemining\",\"params\":[1],\"id\":1}");
    ck_assert_str_eq(body, ERROR_ID1 "{\"code\":-1,"
                           "\"id\":1,\"message\":\"generate block failed: no-payto (PayToAddr is "
                           "not configured)\"}}");
    free(body);
    body = rpc(&r, "{\"method\":\"togglemining\",\"params\":[true],\"id\":1}");
    ck_assert_ptr_nonnull(strstr(body, "\"code\":42001"));
    free(body);
    rpc_close(&r);
}
END_TEST

/* ---- suite -------------------------------------------------------------------------------- */

static TCase *tcase(Suite *s, const char *name, int timeout)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, timeout);
    suite_add_tcase(s, tc);
    return tc;
}

int main(void)
{
    Suite *s = suite_create("mining");
    TCase *tc = tcase(s, "template", 60);
    tcase_add_test(tc, template_on_genesis_connects);
    tcase_add_test(tc, template_refuses_dpos_heights);
    tc = tcase(s, "aux", 60);
    tcase_add_test(tc, aux_cache_and_pool_submission);
    tcase_add_test(tc, pool_submission_accepted_and_stale);
    tc = tcase(s, "mining", 120);
    tcase_add_test(tc, discrete_mines_count_blocks);
    tcase_add_test(tc, discrete_default_difficulty);
    tcase_add_test(tc, cpu_miner_on_event_loop);
    tc = tcase(s, "mempool", 120);
    tcase_add_test(tc, pooled_txs_in_template);
    tcase_add_test(tc, template_limits);
    tcase_add_test(tc, aux_refresh_with_mempool);
    if (ela_test_have_vectors("mining: reference block 1 and RPC transcripts")) {
        tc = tcase(s, "vectors", 120);
        tcase_add_test(tc, coinbase_matches_reference_block1);
        tcase_add_test(tc, synthetic_auxpow_matches_block1);
        tcase_add_test(tc, rpc_transcripts_at_genesis);
        tcase_add_test(tc, rpc_instant_getmininginfo);
        tcase_add_test(tc, rpc_getmininginfo_after_five_blocks);
        tcase_add_test(tc, rpc_aux_methods);
    }
    tc = tcase(s, "rpc", 60);
    tcase_add_test(tc, rpc_discrete_and_toggle);
    chainfix_global_init(105, 2, 2);
    int rc = ela_test_run(s);
    chainfix_global_cleanup();
    return rc;
}
