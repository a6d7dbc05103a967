/* elad tests: fork choice and reorganisation of the chain engine (spec/consensus.md §2.5,
 * §3.6.2, §3.8, §5; DESIGN.md "A reorg is disconnect then connect, each block its own atomic
 * batch").
 *
 * Every case starts from a copy of a 105-block InstantBlock regnet chain (chainfix.h) and
 * grows competing branches with chaingen from its tip. InstantBlock work is the same for every
 * block, so "more work" is "longer". The UTXO-set hash of ela_chain_utxo_stats is the witness
 * that disconnect/connect are exact inverses: after any sequence of reorgs the node must hold
 * the same set as a fresh copy of the template that only ever saw the winning branch. */
#include "chainfix.h"
#include "testutil.h"

#include <ela/blockcheck.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define R_CB_AMOUNT "bad-cb-amount"

#define MAX_BRANCH 48

static chainfix F;

static void setup(void)
{
    chainfix_open(&F);
}

static void teardown(void)
{
    chainfix_close(&F);
}

/* A branch of blocks grown from a chaingen_branch. */
typedef struct branch {
    chaingen_branch *gb;
    ela_block blocks[MAX_BRANCH];
    size_t n;
} branch;

static void branch_start(branch *b, const chaingen_branch *from)
{
    memset(b, 0, sizeof *b);
    b->gb = chaingen_branch_copy(from);
}

static void branch_free(branch *b)
{
    for (size_t i = 0; i < b->n; i++)
        ela_block_clear(&b->blocks[i]);
    chaingen_branch_free(b->gb);
    b->gb = NULL;
    b->n = 0;
}

/* Grows the branch by `count` blocks of up to ntx transfers each (not processed). */
static void branch_grow(branch *b, size_t count, size_t ntx)
{
    for (size_t i = 0; i < count; i++) {
        ck_assert_uint_lt(b->n, MAX_BRANCH);
        ela_block *blk = &b->blocks[b->n++];
        chaingen_build_block(chainfix_gen(), blk, b->gb, ntx, 2);
        chaingen_branch_accept(b->gb, blk);
    }
}

static const ela_block *branch_tip(const branch *b)
{
    ck_assert_uint_gt(b->n, 0);
    return &b->blocks[b->n - 1];
}

static ela_block_status process(chainfix *f, const ela_block *blk)
{
    ela_validation_state st;
    ela_block_status s = chainfix_process(f, &st, blk);
    if (s == ELA_BLOCK_INVALID || s == ELA_BLOCK_ERROR)
        printf("block %u %s: %s (%s: %s)\n", blk->header.height,
               chainfix_hash_str(&blk->header.hash), chainfix_status_name(s), st.reason,
               st.detail);
    return s;
}

static void expect_status(chainfix *f, const ela_block *blk, ela_block_status want)
{
    ela_block_status s = process(f, blk);
    ck_assert_msg(s == want, "block %u: expected %s, got %s", blk->header.height,
                  chainfix_status_name(want), chainfix_status_name(s));
}

/* Processes blocks [from, to) of b, each expected to become the tip. */
static void connect_range(chainfix *f, const branch *b, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        expect_status(f, &b->blocks[i], ELA_BLOCK_CONNECTED);
        ela_uint256 tip;
        ela_chain_tip_hash(f->chain, &tip);
        ck_assert(ela_uint256_equal(&tip, &b->blocks[i].header.hash));
    }
}

static void assert_tip(chainfix *f, const ela_block *blk)
{
    ela_uint256 tip;
    ela_chain_tip_hash(f->chain, &tip);
    ck_assert_msg(ela_uint256_equal(&tip, &blk->header.hash), "tip is %s, expected %s (%u)",
                  chainfix_hash_str(&tip), chainfix_hash_str(&blk->header.hash),
                  blk->header.height);
    ck_assert_uint_eq(ela_chain_height(f->chain), blk->header.height);
}

static void assert_on_main(chainfix *f, const ela_block *blk, bool want)
{
    uint32_t h = 0;
    bool on_main = !want;
    ck_assert_msg(ela_chain_block_height(f->chain, &h, &on_main, &blk->header.hash),
                  "block %u unknown to the engine", blk->header.height);
    ck_assert_uint_eq(h, blk->header.height);
    ck_assert_msg(on_main == want, "block %u: on_main %d, expected %d", blk->header.height,
                  on_main, want);
    if (want) {
        ela_uint256 at;
        ck_assert(ela_chain_hash_at(f->chain, &at, h));
        ck_assert(ela_uint256_equal(&at, &blk->header.hash));
    }
}

static void utxo_equal(const ela_utxo_stats *a, const ela_utxo_stats *b)
{
    ck_assert_msg(ela_uint256_equal(&a->hash, &b->hash), "UTXO hashes differ: %s vs %s",
                  chainfix_hash_str(&a->hash), chainfix_hash_str(&b->hash));
    ck_assert_uint_eq(a->txouts, b->txouts);
    ck_assert_uint_eq(a->transactions, b->transactions);
    ck_assert_int_eq(a->total_amount, b->total_amount);
    ck_assert_uint_eq(a->height, b->height);
    ck_assert(ela_uint256_equal(&a->tip, &b->tip));
}

/* The UTXO set of a fresh copy of the template that imported only b[0..n). */
static void fresh_utxo(ela_utxo_stats *out, const branch *b, size_t n)
{
    chainfix g;
    chainfix_open(&g);
    connect_range(&g, b, 0, n);
    chainfix_utxo(&g, out);
    chainfix_close(&g);
}

/* True when some block of b holds a tx with this id. */
static bool branch_has_tx(const branch *b, const ela_uint256 *txid)
{
    for (size_t i = 0; i < b->n; i++)
        for (size_t j = 0; j < b->blocks[i].n_txs; j++)
            if (ela_uint256_equal(&b->blocks[i].txs[j].txid, txid))
                return true;
    return false;
}

/* After the chain switched to `win`, the tx index and the UTXO set know the winner's
 * transactions and not the loser's; outputs the loser spent are back unless the winner spent
 * them too. */
static void assert_txs_follow(chainfix *f, const branch *win, const branch *lose)
{
    size_t checked = 0;
    for (size_t i = 0; i < lose->n; i++) {
        for (size_t j = 1; j < lose->blocks[i].n_txs; j++) {
            const ela_tx *tx = &lose->blocks[i].txs[j];
            if (branch_has_tx(win, &tx->txid))
                continue;
            ela_tx got;
            ela_tx_init(&got);
            ela_uint256 bh;
            uint32_t h;
            ck_assert_msg(!ela_chain_get_tx(f->chain, &got, &bh, &h, &tx->txid),
                          "a tx of the losing branch is still indexed");
            ela_tx_clear(&got);
            ela_coin c;
            memset(&c, 0, sizeof c);
            ck_assert_msg(!ela_chain_get_coin(f->chain, &c, &tx->txid, 0),
                          "an output of the losing branch is still unspent");
            checked++;
        }
    }
    for (size_t i = 0; i < win->n; i++) {
        for (size_t j = 0; j < win->blocks[i].n_txs; j++) {
            ela_tx got;
            ela_uint256 bh;
            uint32_t h = 0;
            ck_assert_msg(ela_chain_get_tx(f->chain, &got, &bh, &h, &win->blocks[i].txs[j].txid),
                          "a tx of the winning branch is not indexed");
            ck_assert(ela_uint256_equal(&bh, &win->blocks[i].header.hash));
            ck_assert_uint_eq(h, win->blocks[i].header.height);
            ela_tx_clear(&got);
        }
    }
    (void)checked;
}

/* ---- fork choice -------------------------------------------------------------------------- */

/* §3.6.2: equal work keeps the first seen; strictly more work wins. */
START_TEST(fork_choice)
{
    branch a, b;
    branch_start(&a, F.br);
    branch_start(&b, F.br);
    branch_grow(&a, 3, 2);
    branch_grow(&b, 4, 1);
    ck_assert(!ela_uint256_equal(&a.blocks[0].header.hash, &b.blocks[0].header.hash));

    connect_range(&F, &a, 0, 3);
    ela_chain_counters c0;
    ela_chain_get_counters(F.chain, &c0);
    for (size_t i = 0; i < 3; i++)
        expect_status(&F, &b.blocks[i], ELA_BLOCK_SIDE);
    assert_tip(&F, branch_tip(&a)); /* a tie: first seen stays */
    for (size_t i = 0; i < 3; i++) {
        assert_on_main(&F, &a.blocks[i], true);
        assert_on_main(&F, &b.blocks[i], false);
    }
    /* duplicates are recognised on both branches */
    expect_status(&F, &a.blocks[1], ELA_BLOCK_DUPLICATE);
    expect_status(&F, &b.blocks[1], ELA_BLOCK_DUPLICATE);

    expect_status(&F, &b.blocks[3], ELA_BLOCK_CONNECTED);
    assert_tip(&F, branch_tip(&b));
    for (size_t i = 0; i < 3; i++) {
        assert_on_main(&F, &a.blocks[i], false);
        assert_on_main(&F, &b.blocks[i], true);
    }
    ela_chain_counters c1;
    ela_chain_get_counters(F.chain, &c1);
    ck_assert_uint_eq(c1.blocks_disconnected - c0.blocks_disconnected, 3);
    ck_assert_uint_eq(c1.blocks_connected - c0.blocks_connected, 4);
    assert_txs_follow(&F, &b, &a);
    branch_free(&a);
    branch_free(&b);
}
END_TEST

/* Disconnect then reconnect restores the UTXO set bit for bit: A (3) -> B (4) -> A (5), each
 * state compared with a node that saw only that branch; a restart keeps the result. */
START_TEST(utxo_roundtrip)
{
    branch a, b;
    branch_start(&a, F.br);
    branch_start(&b, F.br);
    branch_grow(&a, 5, 2);
    branch_grow(&b, 4, 1);

    ela_utxo_stats at_a3, at_b4, at_a5, fresh;
    connect_range(&F, &a, 0, 3);
    chainfix_utxo(&F, &at_a3);
    for (size_t i = 0; i < 3; i++)
        expect_status(&F, &b.blocks[i], ELA_BLOCK_SIDE);
    expect_status(&F, &b.blocks[3], ELA_BLOCK_CONNECTED);
    chainfix_utxo(&F, &at_b4);
    expect_status(&F, &a.blocks[3], ELA_BLOCK_SIDE); /* A4 ties B4 */
    expect_status(&F, &a.blocks[4], ELA_BLOCK_CONNECTED);
    assert_tip(&F, branch_tip(&a));
    chainfix_utxo(&F, &at_a5);
    assert_txs_follow(&F, &a, &b);

    fresh_utxo(&fresh, &a, 3);
    utxo_equal(&at_a3, &fresh);
    fresh_utxo(&fresh, &b, 4);
    utxo_equal(&at_b4, &fresh);
    fresh_utxo(&fresh, &a, 5);
    utxo_equal(&at_a5, &fresh);
    ck_assert(!ela_uint256_equal(&at_a3.hash, &at_b4.hash));

    chainfix_reopen(&F);
    assert_tip(&F, branch_tip(&a));
    ela_utxo_stats after;
    chainfix_utxo(&F, &after);
    utxo_equal(&after, &at_a5);
    branch_free(&a);
    branch_free(&b);
}
END_TEST

/* A reorg 35 blocks deep (deeper than any flush interval of a UTXO cache). */
START_TEST(deep_reorg)
{
    enum { DEPTH = 35 };
    branch a, b;
    branch_start(&a, F.br);
    branch_start(&b, F.br);
    branch_grow(&a, DEPTH, 1);
    branch_grow(&b, DEPTH + 1, 2);
    connect_range(&F, &a, 0, DEPTH);
    ela_utxo_stats at_a;
    chainfix_utxo(&F, &at_a);
    ela_chain_counters c0;
    ela_chain_get_counters(F.chain, &c0);
    for (size_t i = 0; i < DEPTH; i++)
        expect_status(&F, &b.blocks[i], ELA_BLOCK_SIDE);
    assert_tip(&F, branch_tip(&a));
    expect_status(&F, &b.blocks[DEPTH], ELA_BLOCK_CONNECTED);
    assert_tip(&F, branch_tip(&b));
    ela_chain_counters c1;
    ela_chain_get_counters(F.chain, &c1);
    ck_assert_uint_eq(c1.blocks_disconnected - c0.blocks_disconnected, DEPTH);
    ck_assert_uint_eq(c1.blocks_connected - c0.blocks_connected, DEPTH + 1);
    for (size_t i = 0; i < DEPTH; i++)
        assert_on_main(&F, &a.blocks[i], false);
    assert_txs_follow(&F, &b, &a);

    ela_utxo_stats at_b, fresh;
    chainfix_utxo(&F, &at_b);
    fresh_utxo(&fresh, &b, DEPTH + 1);
    utxo_equal(&at_b, &fresh);

    chainfix_reopen(&F);
    assert_tip(&F, branch_tip(&b));
    ela_utxo_stats after;
    chainfix_utxo(&F, &after);
    utxo_equal(&after, &at_b);
    ck_assert(!ela_uint256_equal(&at_a.hash, &at_b.hash));
    branch_free(&a);
    branch_free(&b);
}
END_TEST

/* A heavier branch with an invalid block in its middle: B1 valid, B2 pays its coinbase one
 * sela too much (a rule only connect can check), B3.. build on B2. The switch fails at B2; the
 * node returns to A exactly, B2 is marked failed and its descendants are refused. */
START_TEST(invalid_block_in_branch)
{
    branch a, b;
    branch_start(&a, F.br);
    branch_start(&b, F.br);
    branch_grow(&a, 4, 2);
    branch_grow(&b, 1, 1);
    {
        ela_block *bad = &b.blocks[b.n++];
        chaingen_build_block(chainfix_gen(), bad, b.gb, 1, 2);
        bad->txs[0].outputs[0].value += 1;
        chaingen_seal(bad);
        chaingen_branch_accept(b.gb, bad);
    }
    branch_grow(&b, 3, 1); /* B3, B4, B5 */

    connect_range(&F, &a, 0, 3);
    ela_utxo_stats at_a3;
    chainfix_utxo(&F, &at_a3);
    expect_status(&F, &b.blocks[0], ELA_BLOCK_SIDE);
    /* B2 is on a branch with less work: only its header and sanity can be judged now */
    expect_status(&F, &b.blocks[1], ELA_BLOCK_SIDE);
    expect_status(&F, &b.blocks[2], ELA_BLOCK_SIDE);

    /* B4 makes B heavier: the engine tries it, fails at B2 and says why */
    ela_validation_state st;
    ela_block_status s = chainfix_process(&F, &st, &b.blocks[3]);
    ck_assert_msg(s == ELA_BLOCK_INVALID, "B4: expected INVALID, got %s",
                  chainfix_status_name(s));
    ck_assert_str_eq(st.reason, R_CB_AMOUNT);
    assert_tip(&F, &a.blocks[2]);
    ela_utxo_stats now;
    chainfix_utxo(&F, &now);
    utxo_equal(&now, &at_a3);
    for (size_t i = 0; i < 3; i++)
        assert_on_main(&F, &a.blocks[i], true);

    /* descendants of the failed block are refused; the failed block is not retried */
    s = chainfix_process(&F, &st, &b.blocks[4]);
    ck_assert_msg(s == ELA_BLOCK_INVALID, "B5: expected INVALID, got %s",
                  chainfix_status_name(s));
    s = chainfix_process(&F, &st, &b.blocks[1]);
    ck_assert_msg(s == ELA_BLOCK_INVALID, "B2 again: expected INVALID, got %s",
                  chainfix_status_name(s));
    assert_tip(&F, &a.blocks[2]);

    /* the node goes on with A */
    expect_status(&F, &a.blocks[3], ELA_BLOCK_CONNECTED);
    ela_utxo_stats fresh;
    chainfix_utxo(&F, &now);
    fresh_utxo(&fresh, &a, 4);
    utxo_equal(&now, &fresh);

    /* and remembers the failure across a restart */
    chainfix_reopen(&F);
    s = chainfix_process(&F, &st, &b.blocks[4]);
    ck_assert_msg(s == ELA_BLOCK_INVALID, "B5 after restart: got %s", chainfix_status_name(s));
    s = chainfix_process(&F, &st, &b.blocks[1]);
    ck_assert_msg(s == ELA_BLOCK_INVALID, "B2 after restart: got %s", chainfix_status_name(s));
    assert_tip(&F, &a.blocks[3]);
    branch_free(&a);
    branch_free(&b);
}
END_TEST

/* The same failure when the invalid block is the first of the branch: nothing of the branch
 * gets connected, and A is restored exactly. */
START_TEST(invalid_first_block_of_branch)
{
    branch a, b;
    branch_start(&a, F.br);
    branch_start(&b, F.br);
    branch_grow(&a, 2, 2);
    {
        ela_block *bad = &b.blocks[b.n++];
        chaingen_build_block(chainfix_gen(), bad, b.gb, 1, 2);
        bad->txs[0].outputs[2].value -= 1; /* burns one sela: era C forbids it */
        chaingen_seal(bad);
        chaingen_branch_accept(b.gb, bad);
    }
    branch_grow(&b, 2, 1);
    connect_range(&F, &a, 0, 2);
    ela_utxo_stats at_a2, now;
    chainfix_utxo(&F, &at_a2);
    expect_status(&F, &b.blocks[0], ELA_BLOCK_SIDE);
    expect_status(&F, &b.blocks[1], ELA_BLOCK_SIDE);
    ela_validation_state st;
    ela_block_status s = chainfix_process(&F, &st, &b.blocks[2]);
    ck_assert_msg(s == ELA_BLOCK_INVALID, "got %s", chainfix_status_name(s));
    ck_assert_str_eq(st.reason, R_CB_AMOUNT);
    assert_tip(&F, &a.blocks[1]);
    chainfix_utxo(&F, &now);
    utxo_equal(&now, &at_a2);
    branch_free(&a);
    branch_free(&b);
}
END_TEST

/* ELA's block id and merkle root do not cover the programs: a relayed copy of B2 with one
 * signature byte flipped has B2's id. The switch to B fails on that copy and the node stays
 * on A; when the genuine B2 arrives the engine must try it again and, since B (through B4) is
 * then valid and heavier than A, end on B4 without waiting for another B block. */
START_TEST(malleated_block_then_genuine)
{
    branch a, b;
    branch_start(&a, F.br);
    branch_start(&b, F.br);
    branch_grow(&a, 3, 2);
    branch_grow(&b, 4, 1);
    ela_block bad;
    chainfix_block_copy(&bad, &b.blocks[1]);
    ck_assert_uint_ge(bad.n_txs, 2);
    bad.txs[1].programs[0].parameter.data[30] ^= 0x01;
    ela_block_update(&bad);
    ck_assert(ela_uint256_equal(&bad.header.hash, &b.blocks[1].header.hash));

    connect_range(&F, &a, 0, 3);
    ela_utxo_stats at_a3, now;
    chainfix_utxo(&F, &at_a3);
    expect_status(&F, &b.blocks[0], ELA_BLOCK_SIDE);
    expect_status(&F, &bad, ELA_BLOCK_SIDE);
    expect_status(&F, &b.blocks[2], ELA_BLOCK_SIDE);
    ela_validation_state st;
    ela_block_status s = chainfix_process(&F, &st, &b.blocks[3]);
    ck_assert_msg(s == ELA_BLOCK_INVALID, "B4 over the bad copy: got %s",
                  chainfix_status_name(s));
    ck_assert_str_eq(st.reason, "bad-txns-signature");
    assert_tip(&F, &a.blocks[2]);
    chainfix_utxo(&F, &now);
    utxo_equal(&now, &at_a3);
    /* the same bad bytes again: refused without a second attempt */
    s = chainfix_process(&F, &st, &bad);
    ck_assert_msg(s == ELA_BLOCK_INVALID, "bad copy again: got %s", chainfix_status_name(s));

    /* the genuine B2: B becomes valid again and is heavier */
    process(&F, &b.blocks[1]);
    assert_tip(&F, branch_tip(&b));
    for (size_t i = 0; i < b.n; i++)
        assert_on_main(&F, &b.blocks[i], true);
    ela_utxo_stats fresh;
    chainfix_utxo(&F, &now);
    fresh_utxo(&fresh, &b, b.n);
    utxo_equal(&now, &fresh);
    ela_block_clear(&bad);
    branch_free(&a);
    branch_free(&b);
}
END_TEST

/* §3.8: a branch that arrives child first is held as orphans and connected, with the reorg,
 * when its first block arrives. */
START_TEST(orphans_then_reorg)
{
    branch a, b;
    branch_start(&a, F.br);
    branch_start(&b, F.br);
    branch_grow(&a, 2, 2);
    branch_grow(&b, 4, 1);
    connect_range(&F, &a, 0, 2);
    for (size_t i = b.n; i-- > 1;)
        expect_status(&F, &b.blocks[i], ELA_BLOCK_ORPHAN);
    assert_tip(&F, branch_tip(&a));
    expect_status(&F, &b.blocks[3], ELA_BLOCK_DUPLICATE); /* a known orphan */
    ela_block_status s = process(&F, &b.blocks[0]);
    assert_tip(&F, branch_tip(&b));
    for (size_t i = 0; i < b.n; i++)
        assert_on_main(&F, &b.blocks[i], true);
    ela_utxo_stats now, fresh;
    chainfix_utxo(&F, &now);
    fresh_utxo(&fresh, &b, 4);
    utxo_equal(&now, &fresh);
    assert_txs_follow(&F, &b, &a);
    /* B1 ends up on the main chain: CONNECTED by chain.h's definition, although B1 alone had
     * less work than A when it arrived */
    ck_assert_msg(s == ELA_BLOCK_CONNECTED, "B1: expected CONNECTED, got %s",
                  chainfix_status_name(s));
    branch_free(&a);
    branch_free(&b);
}
END_TEST

/* Back and forth several times between two growing branches: every switch is exact. */
START_TEST(repeated_switches)
{
    branch a, b;
    branch_start(&a, F.br);
    branch_start(&b, F.br);
    branch_grow(&a, 7, 1);
    branch_grow(&b, 8, 2);
    /* feed order: A1 B1 B2 A2 A3 B3 B4 A4 A5 B5 B6 A6 A7 B7 B8: the lead changes each round */
    size_t ia = 0, ib = 0;
    connect_range(&F, &a, ia, ia + 1);
    ia++;
    while (ib < b.n) {
        for (int k = 0; k < 2 && ib < b.n; k++)
            process(&F, &b.blocks[ib++]);
        for (int k = 0; k < 2 && ia < a.n; k++)
            process(&F, &a.blocks[ia++]);
    }
    /* B has 8, A has 7: B wins */
    assert_tip(&F, branch_tip(&b));
    ela_utxo_stats now, fresh;
    chainfix_utxo(&F, &now);
    fresh_utxo(&fresh, &b, b.n);
    utxo_equal(&now, &fresh);
    assert_txs_follow(&F, &b, &a);
    branch_free(&a);
    branch_free(&b);
}
END_TEST

static void add(Suite *s, const char *name, const TTest *t)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, t);
    suite_add_tcase(s, tc);
}

#define ADD(s, t) add(s, #t, t)

int main(void)
{
    chainfix_global_init(105, 2, 2);
    Suite *s = suite_create("reorg");
    ADD(s, fork_choice);
    ADD(s, utxo_roundtrip);
    ADD(s, deep_reorg);
    ADD(s, invalid_block_in_branch);
    ADD(s, invalid_first_block_of_branch);
    ADD(s, malleated_block_then_genuine);
    ADD(s, orphans_then_reorg);
    ADD(s, repeated_switches);
    int rc = ela_test_run(s);
    chainfix_global_cleanup();
    return rc;
}
