/* elad tests: chaingen, the block generator of the tests and benchmarks. Every block it makes
 * must pass the block and signature rules, and a chain of them must import into ela_chain with
 * the UTXO total the reward schedule predicts. */
#include "testutil.h"

#include "chaingen.h"

#include <ela/auxpow.h>
#include <ela/blockcheck.h>
#include <ela/chain.h>
#include <ela/genesis.h>
#include <ela/log.h>
#include <ela/pow.h>
#include <ela/serialize.h>
#include <ela/txcheck.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHAIN_BLOCKS 150u
#define TXS_PER_BLOCK 6u
#define OUTPUTS_PER_TX 2u

static ela_params params;

static void setup_params(void)
{
    ela_params_init(&params, ELA_NET_REGNET);
    ela_params_set_instant_block(&params);
}

/* ---- a minimal view of every output ever created, for the signature checks ------------- */

typedef struct made_output {
    ela_uint256 txid;
    uint16_t index;
    ela_output out; /* shallow: generated outputs are OTNone and own nothing */
} made_output;

typedef struct ledger {
    made_output *v;
    size_t n, cap;
} ledger;

static void ledger_add_block(ledger *l, const ela_block *b)
{
    for (size_t t = 0; t < b->n_txs; t++) {
        const ela_tx *tx = &b->txs[t];
        for (size_t j = 0; j < tx->output_count; j++) {
            if (l->n == l->cap) {
                l->cap = l->cap ? 2 * l->cap : 256;
                l->v = ela_xrealloc(l->v, l->cap * sizeof *l->v);
            }
            made_output *m = &l->v[l->n++];
            m->txid = tx->txid;
            m->index = (uint16_t)j;
            m->out = tx->outputs[j];
            ck_assert_int_eq(m->out.type, ELA_OUTPUT_NONE);
        }
    }
}

static const ela_output *ledger_find(const ledger *l, const ela_uint256 *txid, uint16_t index)
{
    for (size_t i = l->n; i-- > 0;)
        if (l->v[i].index == index && ela_uint256_equal(&l->v[i].txid, txid))
            return &l->v[i].out;
    return NULL;
}

/* Checks every program of tx against the outputs it spends (ela_txcheck_programs). */
static bool programs_ok(const ledger *l, const ela_tx *tx, ela_validation_state *st)
{
    ela_coin *refs = ela_xcalloc(tx->input_count ? tx->input_count : 1, sizeof *refs);
    for (size_t i = 0; i < tx->input_count; i++) {
        const ela_output *o = ledger_find(l, &tx->inputs[i].prev_txid, tx->inputs[i].prev_index);
        ck_assert_ptr_nonnull(o);
        refs[i].out = *o;
    }
    ela_validation_init(st);
    bool ok = ela_txcheck_programs(st, tx, refs);
    free(refs); /* the shallow outputs own nothing: no ela_coin_clear */
    return ok;
}

/* The context-free rules a generated block must pass on its own. */
static void check_block_alone(const ela_block *b)
{
    const char *why = NULL;
    ck_assert_msg(ela_auxpow_check(&b->header.auxpow, &b->header.hash, ELA_AUXPOW_CHAIN_ID, &why),
                  "auxpow: %s", why ? why : "");
    ck_assert_msg(ela_pow_check_auxpow(&b->header.auxpow, b->header.bits, &why), "pow: %s",
                  why ? why : "");
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert_msg(ela_block_check_sanity(&st, &params, b, (int64_t)time(NULL)),
                  "sanity at %u: %s %s", b->header.height, st.reason, st.detail);

    /* The bytes parse back to the same block. */
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, b);
    ck_assert_uint_eq(w.len, b->size);
    ela_block back;
    ck_assert(ela_block_parse(&back, w.data, w.len, NULL));
    ck_assert(ela_uint256_equal(&back.header.hash, &b->header.hash));
    ck_assert(ela_uint256_equal(&back.header.merkle_root, &b->header.merkle_root));
    ela_block_clear(&back);
    ela_writer_clear(&w);
}

static void remove_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", path, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(path);
}

/* ---- tests -------------------------------------------------------------------------------- */

START_TEST(deterministic_for_a_seed)
{
    chaingen *a = chaingen_new(&params, 7, 4), *b = chaingen_new(&params, 7, 4);
    chaingen *c = chaingen_new(&params, 8, 4);
    ck_assert_uint_eq(chaingen_key_count(a), 4);
    for (size_t i = 0; i < 4; i++) {
        ela_uint168 pa, pb, pc;
        chaingen_key_program_hash(a, &pa, i);
        chaingen_key_program_hash(b, &pb, i);
        chaingen_key_program_hash(c, &pc, i);
        ck_assert(ela_uint168_equal(&pa, &pb));
        ck_assert(!ela_uint168_equal(&pa, &pc));
        ck_assert_int_eq(pa.b[0], 0x21);
        ck_assert_mem_eq(chaingen_key_priv(a, i), chaingen_key_priv(b, i), 32);
    }
    /* Same seed, same calls: the same block ids (signatures are randomised but not hashed). */
    chaingen_branch *ba = chaingen_branch_genesis(a), *bb = chaingen_branch_genesis(b);
    ela_block genesis;
    ela_genesis_block_params(&genesis, &params);
    ela_uint256 tip;
    chaingen_branch_tip(ba, &tip);
    ck_assert(ela_uint256_equal(&tip, &genesis.header.hash));
    ela_block_clear(&genesis);
    for (int i = 0; i < 3; i++) {
        ela_block x, y;
        chaingen_build_block(a, &x, ba, 0, 1);
        chaingen_build_block(b, &y, bb, 0, 1);
        ck_assert(ela_uint256_equal(&x.header.hash, &y.header.hash));
        ck_assert_uint_eq(x.header.height, (uint32_t)i + 1);
        chaingen_branch_accept(ba, &x);
        chaingen_branch_accept(bb, &y);
        ela_block_clear(&x);
        ela_block_clear(&y);
    }
    ck_assert_uint_eq(chaingen_branch_height(ba), 3);
    /* Coinbases are not spendable yet (maturity). */
    ck_assert_uint_eq(chaingen_branch_wallet_size(ba), 6);
    ck_assert_uint_eq(chaingen_branch_spendable(ba), 0);
    chaingen_branch_free(ba);
    chaingen_branch_free(bb);
    chaingen_free(a);
    chaingen_free(b);
    chaingen_free(c);
}
END_TEST

START_TEST(forks_differ)
{
    chaingen *g = chaingen_new(&params, 11, 3);
    chaingen_branch *b = chaingen_branch_genesis(g);
    chaingen_branch *c = chaingen_branch_copy(b);
    ela_block x, y;
    chaingen_build_block(g, &x, b, 0, 1);
    chaingen_build_block(g, &y, c, 0, 1);
    /* Two children of one parent must not collide, or a fork test would see a duplicate. */
    ck_assert(!ela_uint256_equal(&x.header.hash, &y.header.hash));
    ck_assert(ela_uint256_equal(&x.header.prev, &y.header.prev));
    chaingen_branch_accept(b, &x);
    chaingen_branch_accept(c, &y);
    ela_uint256 tb, tc;
    chaingen_branch_tip(b, &tb);
    chaingen_branch_tip(c, &tc);
    ck_assert(ela_uint256_equal(&tb, &x.header.hash));
    ck_assert(ela_uint256_equal(&tc, &y.header.hash));
    ela_block_clear(&x);
    ela_block_clear(&y);
    chaingen_branch_free(b);
    chaingen_branch_free(c);
    chaingen_free(g);
}
END_TEST

/* 150 blocks: coinbases mature at block C + 101, transfers from block 102 on, every block and
 * signature valid, and the whole chain connects in ela_chain with the predicted UTXO total. */
START_TEST(chain_of_150)
{
    ela_log_set_level(ELA_LOG_WARN);
    chaingen *g = chaingen_new(&params, ela_test_seed(), 5);
    chaingen_branch *br = chaingen_branch_genesis(g);
    ledger led = {0};

    char dir[] = "/tmp/test_chaingen-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ela_chain_options opt = {.path = dir, .params = &params, .dbcache_bytes = 16u << 20};
    char err[256] = "";
    ela_chain *chain = ela_chain_open(&opt, err, sizeof err);
    ck_assert_msg(chain != NULL, "ela_chain_open: %s", err);

    int64_t rewards = 0, foundation_sum = 0;
    size_t transfers = 0, foundation_outputs = 0;
    ela_block genesis;
    ela_genesis_block_params(&genesis, &params);
    ledger_add_block(&led, &genesis);
    ela_block_clear(&genesis);

    for (uint32_t h = 1; h <= CHAIN_BLOCKS; h++) {
        size_t spendable = chaingen_branch_spendable(br);
        ela_block b;
        size_t n = chaingen_build_block(g, &b, br, TXS_PER_BLOCK, OUTPUTS_PER_TX);
        ck_assert_uint_eq(b.header.height, h);
        ck_assert_uint_eq(n, spendable < TXS_PER_BLOCK ? spendable : TXS_PER_BLOCK);
        /* Only coinbases feed the wallet at first: the coinbase of block 1 matures at 102
         * (its 2 generator outputs); from 103 on, transfer outputs are spendable too. */
        if (h < 102)
            ck_assert_uint_eq(n, 0);
        else if (h == 102)
            ck_assert_uint_eq(n, 2);
        else
            ck_assert_uint_eq(n, TXS_PER_BLOCK);
        transfers += n;
        check_block_alone(&b);

        /* Coinbase: era C reward rule and the foundation share. */
        const ela_tx *cb = &b.txs[0];
        int64_t sum = 0, fees = 0;
        for (size_t j = 0; j < cb->output_count; j++)
            sum += cb->outputs[j].value;
        for (size_t t = 1; t < b.n_txs; t++) {
            const ela_tx *tx = &b.txs[t];
            const ela_output *in = ledger_find(&led, &tx->inputs[0].prev_txid,
                                               tx->inputs[0].prev_index);
            ck_assert_ptr_nonnull(in);
            int64_t out = 0;
            for (size_t j = 0; j < tx->output_count; j++)
                out += tx->outputs[j].value;
            ck_assert_int_ge(in->value - out, params.min_tx_fee);
            fees += in->value - out;
            ela_validation_state st;
            ck_assert_msg(programs_ok(&led, tx, &st), "programs: %s", st.reason);
        }
        int64_t reward = ela_params_block_reward(&params, h);
        ck_assert_int_eq(sum - fees, reward);
        ck_assert_int_ge(cb->outputs[0].value, (int64_t)((double)sum * 0.3));
        ck_assert(ela_uint168_equal(&cb->outputs[0].program_hash, &params.foundation));
        rewards += reward;
        foundation_sum += cb->outputs[0].value;
        foundation_outputs++;

        ela_validation_state st;
        ela_validation_init(&st);
        ela_block_status s = ela_chain_process_block(chain, &st, &b, NULL, 0);
        ck_assert_msg(s == ELA_BLOCK_CONNECTED, "block %u: status %d %s %s", h, (int)s,
                      st.reason, st.detail);

        ledger_add_block(&led, &b);
        chaingen_branch_accept(br, &b);
        ela_block_clear(&b);
    }
    ck_assert_uint_eq(transfers, 2 + (CHAIN_BLOCKS - 102) * TXS_PER_BLOCK);

    ck_assert_uint_eq(ela_chain_height(chain), CHAIN_BLOCKS);
    ela_uint256 tip, ctip;
    chaingen_branch_tip(br, &tip);
    ela_chain_tip_hash(chain, &ctip);
    ck_assert(ela_uint256_equal(&tip, &ctip));

    /* Fees move existing coins: the money supply is the genesis amount plus the rewards. */
    ela_utxo_stats stats;
    ck_assert(ela_chain_utxo_stats(chain, &stats));
    ck_assert_int_eq(stats.total_amount, ELA_GENESIS_FOUNDATION_AMOUNT + rewards);
    ck_assert_int_eq(ELA_GENESIS_FOUNDATION_AMOUNT + foundation_sum + chaingen_branch_balance(br),
                     stats.total_amount);
    /* Unspent: the genesis output, one foundation output per block, and the wallet. */
    ck_assert_uint_eq(stats.txouts, 1 + foundation_outputs + chaingen_branch_wallet_size(br));

    ela_chain_counters cnt;
    ela_chain_get_counters(chain, &cnt);
    ck_assert_uint_eq(cnt.blocks_connected, CHAIN_BLOCKS);

    ela_chain_close(chain);
    remove_dir(dir);
    free(led.v);
    chaingen_branch_free(br);
    chaingen_free(g);
}
END_TEST

/* A test changes a signed tx, re-signs it and re-seals the block: valid again. Without the
 * re-signing, the program check fails. */
START_TEST(resign_and_seal)
{
    chaingen *g = chaingen_new(&params, 3, 2);
    chaingen_branch *br = chaingen_branch_genesis(g);
    ledger led = {0};
    for (uint32_t h = 1; h <= 102; h++) {
        ela_block b;
        chaingen_build_block(g, &b, br, 1, 1);
        ledger_add_block(&led, &b);
        if (h == 102) {
            ck_assert_uint_eq(b.n_txs, 2);
            ela_tx *tx = &b.txs[1];
            ela_validation_state st;
            ck_assert(programs_ok(&led, tx, &st));
            tx->outputs[0].value -= 1; /* one more sela of fee */
            ela_tx_compute_hash(tx);
            ck_assert(!programs_ok(&led, tx, &st));
            ck_assert(chaingen_resign(g, tx, br));
            ck_assert(programs_ok(&led, tx, &st));
            /* The fee grew by one sela, which the coinbase must pay out (era C, §3.5). */
            b.txs[0].outputs[b.txs[0].output_count - 1].value += 1;
            chaingen_seal(&b);
            check_block_alone(&b);

            /* An input the wallet does not know cannot be re-signed. */
            tx->inputs[0].prev_index ^= 1;
            ck_assert(!chaingen_resign(g, tx, br));
        }
        chaingen_branch_accept(br, &b);
        ela_block_clear(&b);
    }
    free(led.v);
    chaingen_branch_free(br);
    chaingen_free(g);
}
END_TEST

START_TEST(hex_line)
{
    chaingen *g = chaingen_new(&params, 5, 1);
    chaingen_branch *br = chaingen_branch_genesis(g);
    ela_block b;
    chaingen_build_block(g, &b, br, 0, 1);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    chaingen_write_hex_line(f, &b);
    fclose(f);
    ck_assert_uint_eq(len, 2 * b.size + 1);
    ck_assert_int_eq(buf[len - 1], '\n');
    for (size_t i = 0; i + 1 < len; i++)
        ck_assert(strchr("0123456789abcdef", buf[i]) != NULL);
    buf[len - 1] = '\0';
    ela_bytes raw = ela_test_unhex(buf);
    ela_block back;
    ck_assert(ela_block_parse(&back, raw.data, raw.len, NULL));
    ck_assert(ela_uint256_equal(&back.header.hash, &b.header.hash));
    ela_block_clear(&back);
    ela_bytes_clear(&raw);
    free(buf);
    ela_block_clear(&b);
    chaingen_branch_free(br);
    chaingen_free(g);
}
END_TEST

static Suite *chaingen_suite(void)
{
    Suite *s = suite_create("chaingen");
    TCase *tc = tcase_create("generator");
    tcase_add_unchecked_fixture(tc, setup_params, NULL);
    tcase_add_test(tc, deterministic_for_a_seed);
    tcase_add_test(tc, forks_differ);
    tcase_add_test(tc, resign_and_seal);
    tcase_add_test(tc, hex_line);
    suite_add_tcase(s, tc);
    TCase *chain = tcase_create("chain");
    tcase_add_unchecked_fixture(chain, setup_params, NULL);
    tcase_add_test(chain, chain_of_150);
    suite_add_tcase(s, chain);
    return s;
}

int main(void)
{
    return ela_test_run(chaingen_suite());
}
