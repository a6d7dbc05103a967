/* elad tests: transaction validation (spec/consensus.md §4): sanity, context against an
 * in-memory chain view and state, signatures, finality, the coin encoding and the null state.
 * Every rule has an accepting and a rejecting case; the reference's quirks have their own. */
#include "testutil.h"

#include <ela/address.h>
#include <ela/block.h>
#include <ela/contract.h>
#include <ela/ecdsa.h>
#include <ela/genesis.h>
#include <ela/hash.h>
#include <ela/hex.h>
#include <ela/params.h>
#include <ela/schnorr.h>
#include <ela/serialize.h>
#include <ela/tx.h>
#include <ela/txcheck.h>

#include <stdlib.h>
#include <string.h>

/* The throwaway regnet wallet of vectors/refnode/README.md. */
#define REGNET_PRIV "9a3503c0afccdf8251e94c8ad7bb36b761c1766a0bcbddbb9f5d375a194bafe9"

static const ela_uint168 DESTROY = {{0x21, 0x20, 0xfe, 0xe5, 0xd7, 0xeb, 0x3e, 0x5c, 0x7d, 0x31,
                                     0x97, 0xfe, 0xcf, 0x6c, 0x0d, 0xe3, 0x0f, 0x88, 0x9a, 0xce,
                                     0xf7}};

/* ---- keys ---------------------------------------------------------------------------------- */

typedef struct key {
    uint8_t priv[32], pub[33], code[35];
    ela_uint168 ph;
} key;

static void key_setup(key *k)
{
    ela_contract_standard_code(k->code, k->pub);
    ela_contract_program_hash(&k->ph, ELA_PREFIX_STANDARD, k->code, sizeof k->code);
}

static void key_from_priv(key *k, const char *hex)
{
    ela_test_unhex_n(k->priv, hex, 32);
    ck_assert(ela_pubkey_from_privkey(k->pub, k->priv));
    key_setup(k);
}

static void key_new(key *k)
{
    ck_assert(ela_keypair_generate(k->priv, k->pub));
    key_setup(k);
}

static ela_uint168 ph_with_prefix(uint8_t prefix, uint8_t fill)
{
    ela_uint168 ph;
    memset(ph.b, fill, sizeof ph.b);
    ph.b[0] = prefix;
    return ph;
}

/* ---- the environment of one test ----------------------------------------------------------- */

typedef struct fcoin {
    ela_uint256 txid;
    uint16_t index;
    ela_bytes enc; /* ela_coin_write form: the view hands out decoded copies */
} fcoin;

#define MAX_COINS 1024
#define MAX_TXS 256
#define MAX_HASHES 16

typedef struct fview {
    fcoin coins[MAX_COINS];
    size_t n_coins;
    ela_bytes txs[MAX_TXS];
    ela_uint256 txids[MAX_TXS];
    size_t n_txs;
    ela_uint256 withdrawn[MAX_HASHES];
    size_t n_withdrawn;
    ela_uint256 refunded[MAX_HASHES];
    size_t n_refunded;
    int nonce;
} fview;

typedef struct fstate {
    int mode;
    bool arb_known;
    uint8_t arb_keys[ELA_MAX_ARBITERS][ELA_PUBKEY_SIZE];
    bool arb_normal[ELA_MAX_ARBITERS];
    size_t n_arb;
    bool onduty_known;
    uint8_t onduty[ELA_PUBKEY_SIZE];
    int check_tx_calls;
    bool check_tx_ok;
    int deposit_answer; /* -1 cannot say, 0 not registered, 1 registered */
} fstate;

static ela_params P;
static fview V;
static fstate S;
static ela_chain_view VIEW;
static ela_state_ops STATE;
static key K; /* the regnet wallet */

static bool v_get_coin(void *ctx, ela_coin *out, const ela_uint256 *txid, uint16_t index)
{
    fview *v = ctx;
    for (size_t i = 0; i < v->n_coins; i++) {
        if (v->coins[i].index != index || !ela_uint256_equal(&v->coins[i].txid, txid))
            continue;
        ela_reader r;
        ela_reader_init(&r, v->coins[i].enc.data, v->coins[i].enc.len);
        ck_assert(ela_coin_read(&r, out));
        ck_assert(ela_reader_finish(&r, NULL));
        return true;
    }
    return false;
}

static bool v_have_tx(void *ctx, const ela_uint256 *txid)
{
    fview *v = ctx;
    for (size_t i = 0; i < v->n_txs; i++)
        if (ela_uint256_equal(&v->txids[i], txid))
            return true;
    return false;
}

static bool v_get_tx(void *ctx, ela_tx *out, const ela_uint256 *txid)
{
    fview *v = ctx;
    for (size_t i = 0; i < v->n_txs; i++) {
        if (!ela_uint256_equal(&v->txids[i], txid))
            continue;
        ck_assert(ela_tx_parse(out, v->txs[i].data, v->txs[i].len, NULL));
        return true;
    }
    ela_tx_init(out);
    return false;
}

static bool in_list(const ela_uint256 *list, size_t n, const ela_uint256 *h)
{
    for (size_t i = 0; i < n; i++)
        if (ela_uint256_equal(&list[i], h))
            return true;
    return false;
}

static bool v_withdraw_known(void *ctx, const ela_uint256 *h)
{
    fview *v = ctx;
    return in_list(v->withdrawn, v->n_withdrawn, h);
}

static bool v_deposit_refunded(void *ctx, const ela_uint256 *h)
{
    fview *v = ctx;
    return in_list(v->refunded, v->n_refunded, h);
}

static int s_mode(void *ctx)
{
    return ((fstate *)ctx)->mode;
}

static bool s_arbiters(void *ctx, uint8_t (*keys)[ELA_PUBKEY_SIZE], bool *normal, size_t *n,
                       size_t max, uint32_t tip)
{
    fstate *s = ctx;
    (void)tip;
    if (!s->arb_known || s->n_arb > max)
        return false;
    memcpy(keys, s->arb_keys, s->n_arb * ELA_PUBKEY_SIZE);
    memcpy(normal, s->arb_normal, s->n_arb * sizeof *normal);
    *n = s->n_arb;
    return true;
}

static bool s_onduty(void *ctx, uint8_t out[ELA_PUBKEY_SIZE], uint32_t tip)
{
    fstate *s = ctx;
    (void)tip;
    if (!s->onduty_known)
        return false;
    memcpy(out, s->onduty, ELA_PUBKEY_SIZE);
    return true;
}

static bool s_check_tx(void *ctx, ela_validation_state *st, const ela_tx *tx,
                       const ela_coin *refs, uint32_t height)
{
    fstate *s = ctx;
    (void)tx;
    (void)refs;
    (void)height;
    s->check_tx_calls++;
    if (s->check_tx_ok)
        return true;
    return ela_validation_invalid(st, ELA_ERR_TRANSACTION_PAYLOAD, "test-state-says-no", NULL);
}

static bool s_deposit(void *ctx, bool *registered, const ela_uint168 *ph)
{
    fstate *s = ctx;
    (void)ph;
    if (s->deposit_answer < 0)
        return false;
    *registered = s->deposit_answer == 1;
    return true;
}

static void env_setup(void)
{
    ela_params_init(&P, ELA_NET_REGNET);
    memset(&V, 0, sizeof V);
    memset(&S, 0, sizeof S);
    S.mode = ELA_CONSENSUS_DPOS;
    S.check_tx_ok = true;
    S.deposit_answer = -1;
    VIEW = (ela_chain_view){&V, v_get_coin, v_have_tx, v_get_tx, v_withdraw_known,
                            v_deposit_refunded};
    memset(&STATE, 0, sizeof STATE);
    STATE.ctx = &S;
    STATE.consensus_mode = s_mode;
    STATE.crosschain_arbiters = s_arbiters;
    STATE.onduty_crosschain_arbiter = s_onduty;
    STATE.check_tx = s_check_tx;
    STATE.deposit_address_registered = s_deposit;
    key_from_priv(&K, REGNET_PRIV);
}

static void env_teardown(void)
{
    for (size_t i = 0; i < V.n_coins; i++)
        ela_bytes_clear(&V.coins[i].enc);
    for (size_t i = 0; i < V.n_txs; i++)
        ela_bytes_clear(&V.txs[i]);
    memset(&V, 0, sizeof V);
}

/* ---- building transactions ------------------------------------------------------------------ */

static void tx_new(ela_tx *tx, uint8_t version, uint8_t type, uint8_t pv)
{
    ela_tx_init(tx);
    tx->version = version;
    ela_payload_clear(&tx->payload);
    ela_payload_init(&tx->payload, type, pv);
}

static ela_input *tx_add_input(ela_tx *tx, const ela_uint256 *txid, uint16_t index)
{
    tx->inputs = ela_xrealloc(tx->inputs, (tx->input_count + 1) * sizeof *tx->inputs);
    ela_input *in = &tx->inputs[tx->input_count++];
    in->prev_txid = *txid;
    in->prev_index = index;
    in->sequence = 0xffffffffu;
    return in;
}

static ela_output *tx_add_output(ela_tx *tx, int64_t value, const ela_uint168 *ph)
{
    tx->outputs = ela_xrealloc(tx->outputs, (tx->output_count + 1) * sizeof *tx->outputs);
    ela_output *o = &tx->outputs[tx->output_count++];
    memset(o, 0, sizeof *o);
    ela_genesis_asset_id(&o->asset_id);
    o->value = value;
    o->program_hash = *ph;
    return o;
}

static void tx_add_attr(ela_tx *tx, uint8_t usage, const void *data, size_t len)
{
    tx->attributes =
        ela_xrealloc(tx->attributes, (tx->attribute_count + 1) * sizeof *tx->attributes);
    ela_attribute *a = &tx->attributes[tx->attribute_count++];
    a->usage = usage;
    memset(&a->data, 0, sizeof a->data);
    ela_bytes_set(&a->data, data, len);
}

static void tx_add_program(ela_tx *tx, const uint8_t *code, size_t clen, const uint8_t *param,
                           size_t plen)
{
    tx->programs = ela_xrealloc(tx->programs, (tx->program_count + 1) * sizeof *tx->programs);
    ela_program *pr = &tx->programs[tx->program_count++];
    memset(pr, 0, sizeof *pr);
    ela_bytes_set(&pr->code, code, clen);
    ela_bytes_set(&pr->parameter, param, plen);
}

/* Appends k's standard program signing the tx as it is now (programs are not signed). */
static void tx_sign(ela_tx *tx, const key *k)
{
    ela_bytes msg = {0};
    ela_tx_signed_data(&msg, tx);
    uint8_t param[65];
    param[0] = 0x40;
    ck_assert(ela_ecdsa_sign(param + 1, k->priv, msg.data, msg.len));
    ela_bytes_clear(&msg);
    tx_add_program(tx, k->code, sizeof k->code, param, sizeof param);
    ela_tx_compute_hash(tx);
}

/* A program that passes sanity without being a signature (for sanity-only tests). */
static void tx_add_dummy_program(ela_tx *tx)
{
    tx_add_program(tx, K.code, sizeof K.code, NULL, 0);
}

/* Puts tx in the fake main chain at `height`: its outputs become coins (except RegisterAsset,
 * §5) and the outputs it spends are removed. */
static void chain_add(const ela_tx *tx, uint32_t height)
{
    ck_assert_uint_lt(V.n_txs, MAX_TXS);
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, tx);
    ela_writer_release(&w, &V.txs[V.n_txs]);
    V.txids[V.n_txs++] = tx->txid;
    if (!ela_tx_is_coinbase(tx)) {
        for (size_t i = 0; i < tx->input_count; i++) {
            for (size_t j = 0; j < V.n_coins; j++) {
                if (V.coins[j].index == tx->inputs[i].prev_index &&
                    ela_uint256_equal(&V.coins[j].txid, &tx->inputs[i].prev_txid)) {
                    ela_bytes_clear(&V.coins[j].enc);
                    V.coins[j] = V.coins[--V.n_coins];
                    break;
                }
            }
        }
    }
    if (ela_tx_type(tx) == ELA_TX_REGISTER_ASSET)
        return;
    for (size_t i = 0; i < tx->output_count; i++) {
        ck_assert_uint_lt(V.n_coins, MAX_COINS);
        ela_coin c = {0};
        ela_writer cw;
        ela_writer_init(&cw);
        ela_output_write(&cw, &tx->outputs[i], true);
        ela_reader r;
        ela_reader_init(&r, cw.data, cw.len);
        ck_assert(ela_output_read(&r, &c.out, true));
        ela_writer_clear(&cw);
        c.height = height;
        c.tx_lock_time = tx->lock_time;
        c.tx_type = ela_tx_type(tx);
        c.tx_version = tx->version;
        if (ela_tx_is_coinbase(tx))
            c.flags |= ELA_COIN_COINBASE;
        if (ela_tx_type(tx) == ELA_TX_SIDECHAIN_POW && tx->input_count == 0)
            c.flags |= ELA_COIN_SIDECHAIN_POW_NEW;
        fcoin *f = &V.coins[V.n_coins++];
        f->txid = tx->txid;
        f->index = (uint16_t)i;
        ela_writer_init(&cw);
        ela_coin_write(&cw, &c);
        ela_writer_release(&cw, &f->enc);
        ela_coin_clear(&c);
    }
}

/* A confirmed tx of `type` paying value to ph (output 0), made unique by a nonce; returns its
 * txid. The funding tx itself is never validated. */
static ela_uint256 fund_typed(uint8_t type, uint32_t lock_time, const ela_uint168 *ph,
                              int64_t value, uint32_t output_lock)
{
    ela_tx tx;
    tx_new(&tx, 0, type, 0);
    int nonce = ++V.nonce;
    tx_add_attr(&tx, ELA_ATTR_NONCE, &nonce, sizeof nonce);
    ela_uint256 src;
    memset(src.b, 0xee, sizeof src.b);
    if (type == ELA_TX_COINBASE) {
        memset(src.b, 0, sizeof src.b);
        tx_add_input(&tx, &src, 0xffff);
    } else if (type != ELA_TX_SIDECHAIN_POW) {
        tx_add_input(&tx, &src, (uint16_t)nonce);
    }
    ela_output *o = tx_add_output(&tx, value, ph);
    o->output_lock = output_lock;
    tx.lock_time = lock_time;
    ela_tx_compute_hash(&tx);
    chain_add(&tx, 10);
    ela_uint256 id = tx.txid;
    ela_tx_clear(&tx);
    return id;
}

static ela_uint256 fund(const ela_uint168 *ph, int64_t value)
{
    return fund_typed(ELA_TX_TRANSFER_ASSET, 0, ph, value, 0);
}

/* A signed TransferAsset spending (txid, 0) owned by K, paying value to `to`. */
static void transfer(ela_tx *tx, const ela_uint256 *txid, int64_t value, const ela_uint168 *to)
{
    tx_new(tx, ELA_TX_VERSION_09, ELA_TX_TRANSFER_ASSET, 0);
    tx_add_input(tx, txid, 0);
    tx_add_output(tx, value, to);
    ela_tx_compute_hash(tx);
}

/* ---- checking ------------------------------------------------------------------------------- */

#define EXPECT_SANITY(tx, h, reason) expect_sanity(__LINE__, (tx), (h), (reason))
#define EXPECT_CONTEXT(tx, h, reason) expect_context(__LINE__, (tx), (h), (reason), NULL)

static void expect_reason(int line, const char *what, bool ok, const ela_validation_state *st,
                          const char *reason)
{
    if (reason == NULL) {
        ck_assert_msg(ok, "line %d: %s rejected: %s (%s)", line, what, st->reason, st->detail);
        ck_assert(ela_validation_ok(st));
    } else {
        ck_assert_msg(!ok, "line %d: %s accepted, wanted %s", line, what, reason);
        ck_assert_msg(strcmp(st->reason, reason) == 0, "line %d: %s: reason %s (%s), wanted %s",
                      line, what, st->reason, st->detail, reason);
        ck_assert_int_ne(st->code, 0);
    }
}

static void expect_sanity(int line, const ela_tx *tx, uint32_t h, const char *reason)
{
    ela_validation_state st;
    ela_validation_init(&st);
    bool ok = ela_tx_check_sanity(&st, &P, tx, h);
    expect_reason(line, "sanity", ok, &st, reason);
}

/* Context at height h (tip h - 1); *fee_out (if not NULL) receives the fee. */
static void expect_context(int line, const ela_tx *tx, uint32_t h, const char *reason,
                           int64_t *fee_out)
{
    ela_validation_state st;
    ela_validation_init(&st);
    ela_coin *refs = ela_xcalloc(tx->input_count + 1, sizeof *refs);
    ela_tx_context ctx = {.height = h, .tip_height = h - 1, .timestamp = 0, .in_block = true};
    int64_t fee = -1;
    bool ok = ela_tx_check_context(&st, &fee, refs, &P, &VIEW, &STATE, tx, &ctx);
    for (size_t i = 0; i < tx->input_count; i++)
        ela_coin_clear(&refs[i]);
    free(refs);
    expect_reason(line, "context", ok, &st, reason);
    if (fee_out)
        *fee_out = fee;
}

/* Context then programs, as the chain runs them. */
static bool context_and_programs(ela_validation_state *st, const ela_tx *tx, uint32_t h)
{
    ela_coin *refs = ela_xcalloc(tx->input_count + 1, sizeof *refs);
    ela_tx_context ctx = {.height = h, .tip_height = h - 1};
    int64_t fee;
    bool ok = ela_tx_check_context(st, &fee, refs, &P, &VIEW, &STATE, tx, &ctx) &&
              ela_txcheck_programs(st, tx, refs);
    for (size_t i = 0; i < tx->input_count; i++)
        ela_coin_clear(&refs[i]);
    free(refs);
    return ok;
}

/* ==== sanity ================================================================================ */

START_TEST(sanity_transfer_basic)
{
    ela_uint256 id = fund(&K.ph, 1000);
    ela_tx tx;
    transfer(&tx, &id, 900, &K.ph);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);

    /* Size: 0 < size <= MaxBlockContextSize. */
    P.max_block_context_size = (uint32_t)tx.size;
    EXPECT_SANITY(&tx, 1000, NULL);
    P.max_block_context_size = (uint32_t)tx.size - 1;
    EXPECT_SANITY(&tx, 1000, "bad-txns-oversize");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(sanity_inputs)
{
    ela_uint256 a = fund(&K.ph, 1000), zero = {{0}};
    ela_tx tx;
    transfer(&tx, &a, 900, &K.ph);
    tx_add_dummy_program(&tx);

    /* No inputs. */
    tx.input_count = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-vin-empty");
    tx.input_count = 1;

    /* A second input with the same outpoint. */
    tx_add_input(&tx, &a, 0);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-inputs-duplicate");
    /* Same txid, other index: fine. */
    tx.inputs[1].prev_index = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);

    /* The null prevout outside a coinbase; index 0 with a zero txid is not null. */
    tx.inputs[1].prev_txid = zero;
    tx.inputs[1].prev_index = 0xffff;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-prevout-null");
    tx.inputs[1].prev_index = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);

    /* Which problem is met first decides the reason: [a, a, null] is a duplicate,
     * [null, a, a] a null prevout. */
    tx.inputs[1] = tx.inputs[0];
    tx_add_input(&tx, &zero, 0xffff);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-inputs-duplicate");
    ela_input t = tx.inputs[0];
    tx.inputs[0] = tx.inputs[2];
    tx.inputs[2] = t;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-prevout-null");
    ela_tx_clear(&tx);
}
END_TEST

static void coinbase_tx(ela_tx *tx, int64_t v0, int64_t v1)
{
    tx_new(tx, 0, ELA_TX_COINBASE, 4);
    ela_uint256 zero = {{0}};
    tx_add_input(tx, &zero, 0xffff);
    ela_uint168 f = P.foundation;
    tx_add_output(tx, v0, &f);
    tx_add_output(tx, v1, &K.ph);
    tx_add_attr(tx, ELA_ATTR_NONCE, "12345678", 8);
    ela_tx_compute_hash(tx);
}

START_TEST(sanity_coinbase)
{
    ela_tx tx;
    uint32_t pre = P.public_dpos_height - 1, post = P.public_dpos_height;
    /* Σ = 1000: output 0 needs trunc(1000 * 0.3) = 300. */
    coinbase_tx(&tx, 300, 700);
    EXPECT_SANITY(&tx, pre, NULL);
    tx.outputs[0].value = 299;
    tx.outputs[1].value = 701;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, pre, "bad-cb-ratio");
    /* The pre-DPoS split of the reference miner passes (150,684,931 of 502,283,105). */
    tx.outputs[0].value = 150684931;
    tx.outputs[1].value = 175799086;
    tx_add_output(&tx, 175799088, &P.foundation);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, pre, NULL);
    /* Pre-H2 every output must be ELA ... */
    tx.outputs[2].asset_id.b[0] ^= 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, pre, "bad-txns-vout-asset");
    /* ... post-H2 nobody looks (OBSERVED), and with 3 outputs no ratio applies. */
    tx.outputs[0].value = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, post, NULL);
    ela_tx_clear(&tx);

    /* Post-H2 with two outputs: o0 >= trunc((o0 + o1) * 0.3 / 0.65). */
    coinbase_tx(&tx, 45662101, 53272449);
    EXPECT_SANITY(&tx, post, NULL);
    /* Σ 98,934,551: need trunc(98934551 * 0.3 / 0.65) = 45,662,100. */
    tx.outputs[0].value = 45662100;
    tx.outputs[1].value = 53272451;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, post, NULL);
    tx.outputs[0].value = 45662099;
    tx.outputs[1].value = 53272452;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, post, "bad-cb-ratio");
    ela_tx_clear(&tx);

    /* One output. */
    coinbase_tx(&tx, 300, 700);
    tx.output_count = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, pre, "bad-cb-outputs");
    tx.output_count = 2;
    /* The input: null outpoint with sequence 0xFFFFFFFF, exactly one. */
    tx.inputs[0].sequence = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, pre, "bad-cb-input");
    tx.inputs[0].sequence = 0xffffffffu;
    tx.inputs[0].prev_index = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, pre, "bad-cb-input");
    tx.inputs[0].prev_index = 0xffff;
    ela_uint256 null_txid = tx.inputs[0].prev_txid;
    tx_add_input(&tx, &null_txid, 0xffff);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, pre, "bad-cb-input");
    tx.input_count = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, pre, NULL);
    /* No programs. */
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, pre, "bad-txns-program-count");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(sanity_outputs)
{
    ela_uint256 a = fund(&K.ph, 1000);
    ela_tx tx;
    transfer(&tx, &a, 900, &K.ph);
    tx_add_dummy_program(&tx);

    tx.output_count = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-vout-empty");
    tx.output_count = 1;

    tx.outputs[0].asset_id.b[31] ^= 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-vout-asset");
    tx.outputs[0].asset_id.b[31] ^= 1;

    /* Zero-value outputs are legal, negative ones not. */
    tx.outputs[0].value = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    tx.outputs[0].value = -1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-vout-negative");
    tx.outputs[0].value = 1;

    /* Program-hash prefixes from CheckAddressHeight. */
    static const uint8_t good[] = {0x21, 0x12, 0x4b, 0x1f, 0x3f};
    for (size_t i = 0; i < sizeof good; i++) {
        tx.outputs[0].program_hash = ph_with_prefix(good[i], 7);
        ela_tx_compute_hash(&tx);
        EXPECT_SANITY(&tx, 1000, NULL);
    }
    static const uint8_t bad[] = {0x67, 0x1c, 0x00, 0x22};
    for (size_t i = 0; i < sizeof bad; i++) {
        tx.outputs[0].program_hash = ph_with_prefix(bad[i], 7);
        ela_tx_compute_hash(&tx);
        EXPECT_SANITY(&tx, 1000, "bad-txns-vout-address");
    }
    /* ... but the all-zero hash and the two CR vanity addresses are allowed, */
    memset(tx.outputs[0].program_hash.b, 0, 21);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    ck_assert(ela_address_to_program_hash(&tx.outputs[0].program_hash,
                                          "CRASSETSXXXXXXXXXXXXXXXXXXXX2qDX5J"));
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    ck_assert(ela_address_to_program_hash(&tx.outputs[0].program_hash,
                                          "CREXPENSESXXXXXXXXXXXXXXXXXX4UdT6b"));
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    /* ... and below CheckAddressHeight anything goes. */
    tx.outputs[0].program_hash = ph_with_prefix(0x67, 7);
    P.check_address_height = 2000;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    EXPECT_SANITY(&tx, 2000, "bad-txns-vout-address");
    tx.outputs[0].program_hash = K.ph;

    /* Output types of a TransferAsset: OTNone, OTVote (standard address), OTMapping. */
    tx.outputs[0].type = ELA_OUTPUT_CROSSCHAIN;
    ela_bytes_set(&tx.outputs[0].payload.crosschain.target_address, (const uint8_t *)"x", 1);
    tx.outputs[0].payload.crosschain.target_amount = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-vout-type");
    ela_output_clear(&tx.outputs[0]);
    ela_genesis_asset_id(&tx.outputs[0].asset_id);
    tx.outputs[0].value = 1;
    tx.outputs[0].program_hash = K.ph;
    /* A legacy (version 0) tx has no output types at all. */
    tx.version = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);

    /* More than 65535 outputs. */
    tx.version = ELA_TX_VERSION_09;
    size_t many = 65536;
    tx.outputs = ela_xrealloc(tx.outputs, many * sizeof *tx.outputs);
    for (size_t i = 1; i < many; i++)
        tx.outputs[i] = tx.outputs[0];
    tx.output_count = many;
    ela_tx_compute_hash(&tx);
    P.max_block_context_size = 100000000;
    EXPECT_SANITY(&tx, 1000, "bad-txns-vout-toomany");
    tx.output_count = 65535;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    ela_tx_clear(&tx);
}
END_TEST

/* A TransferAsset with one OTVote output of `version` with one content of `vote_type`. */
static void vote_tx(ela_tx *tx, uint8_t version, uint8_t vote_type, size_t ncand)
{
    ela_uint256 a = fund(&K.ph, 100000);
    transfer(tx, &a, 99000, &K.ph);
    ela_output *o = &tx->outputs[0];
    o->type = ELA_OUTPUT_VOTE;
    o->payload.vote.version = version;
    o->payload.vote.content_count = 1;
    o->payload.vote.contents = ela_xcalloc(1, sizeof(ela_vote_content));
    ela_vote_content *c = &o->payload.vote.contents[0];
    c->vote_type = vote_type;
    c->candidate_count = ncand;
    c->candidates = ela_xcalloc(ncand ? ncand : 1, sizeof(ela_candidate_votes));
    for (size_t i = 0; i < ncand; i++) {
        uint8_t cand[33];
        memset(cand, (int)i + 1, sizeof cand);
        cand[0] = 0x02;
        ela_bytes_set(&c->candidates[i].candidate, cand, sizeof cand);
        c->candidates[i].votes = version >= 1 ? 1000 : 0;
    }
    tx_add_dummy_program(tx);
    ela_tx_compute_hash(tx);
}

START_TEST(sanity_vote_outputs)
{
    uint32_t h = P.cr_voting_start_height;
    ela_tx tx;
    vote_tx(&tx, 1, ELA_VOTE_DELEGATE, 3);
    EXPECT_SANITY(&tx, h, NULL);
    /* §4.8: vote payload v1 only from CRVotingStartHeight. */
    EXPECT_SANITY(&tx, h - 1, "bad-txns-height-version");
    tx.outputs[0].payload.vote.version = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h - 1, NULL);
    /* Vote outputs must pay a standard address. */
    tx.outputs[0].program_hash = ph_with_prefix(ELA_PREFIX_MULTISIG, 3);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vote-address");
    tx.outputs[0].program_hash = K.ph;
    tx.outputs[0].payload.vote.version = 1;

    ela_vote_content *c = &tx.outputs[0].payload.vote.contents[0];
    /* Duplicate candidate. */
    ela_bytes_clear(&c->candidates[2].candidate);
    ela_bytes_set(&c->candidates[2].candidate, c->candidates[0].candidate.data, 33);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    c->candidates[2].candidate.data[5] ^= 0xff;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    /* Votes must be positive from payload v1. */
    c->candidates[1].votes = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    c->candidates[1].votes = 1;
    /* Version above 2, unknown vote type. */
    tx.outputs[0].payload.vote.version = 3;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    tx.outputs[0].payload.vote.version = 2;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    c->vote_type = 5;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    c->vote_type = ELA_VOTE_CRC;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    /* An empty candidate list. */
    size_t ncand = c->candidate_count;
    c->candidate_count = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    c->candidate_count = ncand;
    ela_tx_clear(&tx);

    /* At most 36 Delegate candidates; other types are not limited here. */
    vote_tx(&tx, 1, ELA_VOTE_DELEGATE, 36);
    EXPECT_SANITY(&tx, h, NULL);
    ela_tx_clear(&tx);
    vote_tx(&tx, 1, ELA_VOTE_DELEGATE, 37);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    tx.outputs[0].payload.vote.contents[0].vote_type = ELA_VOTE_CRC_PROPOSAL;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(sanity_mapping_output)
{
    key owner;
    key_new(&owner);
    ela_uint256 a = fund(&K.ph, 100000);
    ela_tx tx;
    transfer(&tx, &a, 99000, &K.ph);
    ela_output *o = &tx.outputs[0];
    o->type = ELA_OUTPUT_MAPPING;
    ela_mapping_output *m = &o->payload.mapping;
    ela_bytes_set(&m->owner_key, owner.pub, 33);
    ela_bytes_set(&m->side_producer_id, (const uint8_t *)"side-producer", 13);
    /* Signed content: version, var-bytes owner key, var-bytes side producer id. */
    ela_writer w;
    ela_writer_init(&w);
    ela_write_u8(&w, m->version);
    ela_write_varbytes(&w, m->owner_key.data, m->owner_key.len);
    ela_write_varbytes(&w, m->side_producer_id.data, m->side_producer_id.len);
    uint8_t sig[64];
    ck_assert(ela_ecdsa_sign(sig, owner.priv, w.data, w.len));
    ela_writer_clear(&w);
    ela_bytes_set(&m->signature, sig, sizeof sig);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    m->side_producer_id.data[0] ^= 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-vout-payload");
    m->side_producer_id.data[0] ^= 1;
    /* A non-33-byte owner key is a multisig code whose signatures cannot fit in 64 bytes. */
    ela_bytes_clear(&m->owner_key);
    ela_bytes_set(&m->owner_key, owner.code, sizeof owner.code);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-vout-payload");
    ela_tx_clear(&tx);
}
END_TEST

/* The §4.2 payload rules of the cross-chain output types, each in the one tx type that may
 * carry it (heights where the payload versions are right). */
START_TEST(sanity_output_payloads)
{
    ela_uint256 a = fund(&K.ph, 100000);
    ela_uint168 x = ph_with_prefix(ELA_PREFIX_CROSSCHAIN, 1);
    ela_tx tx;
    /* OTCrossChain: version 0, a target address, target amount > 0. */
    uint32_t h = P.new_crosschain_start_height + 1;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_TRANSFER_CROSSCHAIN_ASSET, 1);
    tx_add_input(&tx, &a, 0);
    ela_output *o = tx_add_output(&tx, 30000, &x);
    o->type = ELA_OUTPUT_CROSSCHAIN;
    ela_bytes_set(&o->payload.crosschain.target_address, (const uint8_t *)"Eside", 5);
    o->payload.crosschain.target_amount = 1;
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    tx.outputs[0].payload.crosschain.target_amount = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    tx.outputs[0].payload.crosschain.target_amount = 1;
    tx.outputs[0].payload.crosschain.version = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    tx.outputs[0].payload.crosschain.version = 0;
    tx.outputs[0].payload.crosschain.target_address.len = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    tx.outputs[0].payload.crosschain.target_address.len = 5;
    ela_tx_clear(&tx);

    /* OTWithdrawFromSideChain: version 0 and a genesis block address. */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_WITHDRAW_FROM_SIDECHAIN, 1);
    tx_add_input(&tx, &a, 0);
    o = tx_add_output(&tx, 30000, &K.ph);
    o->type = ELA_OUTPUT_WITHDRAW;
    ela_bytes_set(&o->payload.withdraw.genesis_block_address, (const uint8_t *)"Xg", 2);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    tx.outputs[0].payload.withdraw.version = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-vout-payload");
    tx.outputs[0].payload.withdraw.version = 0;
    tx.outputs[0].payload.withdraw.genesis_block_address.len = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-vout-payload");
    tx.outputs[0].payload.withdraw.genesis_block_address.len = 2;
    ela_tx_clear(&tx);

    /* OTReturnSideChainDepositCoin: the same two rules. */
    h = P.return_crosschain_coin_start_height;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN, 0);
    tx_add_input(&tx, &a, 0);
    o = tx_add_output(&tx, 30000, &K.ph);
    o->type = ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT;
    ela_bytes_set(&o->payload.return_deposit.genesis_block_address, (const uint8_t *)"Xg", 2);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    tx.outputs[0].payload.return_deposit.version = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    /* ... and no other special output type in this tx type. */
    tx.outputs[0].payload.return_deposit.version = 0;
    tx.outputs[0].payload.return_deposit.genesis_block_address.len = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    tx.outputs[0].payload.return_deposit.genesis_block_address.len = 2;
    ela_tx_clear(&tx);

    /* OTStake: version 0 and a 0x3f stake address (ExchangeVotes). */
    ela_uint168 pool;
    ck_assert(ela_address_to_program_hash(&pool, "STAKEPooLXXXXXXXXXXXXXXXXXXXpP1PQ2"));
    h = P.dposv2_start_height;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_EXCHANGE_VOTES, 0);
    tx_add_input(&tx, &a, 0);
    o = tx_add_output(&tx, 5000, &pool);
    o->type = ELA_OUTPUT_STAKE;
    ela_contract_stake_program_hash(&o->payload.stake.stake_address, K.code, sizeof K.code);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    tx.outputs[0].payload.stake.version = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    tx.outputs[0].payload.stake.version = 0;
    tx.outputs[0].payload.stake.stake_address.b[0] = ELA_PREFIX_STANDARD;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-payload");
    /* Output 0 must be the OTStake one. */
    tx.outputs[0].payload.stake.stake_address.b[0] = ELA_PREFIX_DPOS_V2;
    tx.outputs[0].type = ELA_OUTPUT_NONE;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-exchangevotes-outputs");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(sanity_attributes_programs)
{
    ela_uint256 a = fund(&K.ph, 1000);
    ela_tx tx;
    transfer(&tx, &a, 900, &K.ph);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-program-count");
    /* Code shorter than 23 bytes. */
    tx_add_program(&tx, K.code, 22, NULL, 0);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-program");
    tx.programs[0].code.len = 23;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    /* An unknown attribute usage (the parser never makes one). */
    tx_add_attr(&tx, 0x55, "x", 1);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-attribute");
    tx.attributes[0].usage = ELA_ATTR_MEMO;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    /* A Schnorr program only from NormalSchnorrStartHeight. */
    uint8_t schnorr[ELA_SCHNORR_CODE_SIZE];
    ela_contract_schnorr_code(schnorr, K.pub);
    ela_bytes_clear(&tx.programs[0].code);
    ela_bytes_set(&tx.programs[0].code, schnorr, sizeof schnorr);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, P.normal_schnorr_start_height - 1, "bad-txns-program-schnorr");
    EXPECT_SANITY(&tx, P.normal_schnorr_start_height, NULL);
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(sanity_payloads)
{
    /* RegisterAsset: precision in [0, 8], amount a multiple of 10^(8 - precision). */
    ela_uint256 a = fund(&K.ph, 1000);
    ela_tx tx;
    tx_new(&tx, 0, ELA_TX_REGISTER_ASSET, 0);
    tx_add_input(&tx, &a, 0);
    tx_add_output(&tx, 800, &K.ph);
    tx_add_dummy_program(&tx);
    tx.payload.u.register_asset.precision = 8;
    tx.payload.u.register_asset.amount = 12345;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    tx.payload.u.register_asset.precision = 9;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-asset-precision");
    tx.payload.u.register_asset.precision = 6;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-asset-precision");
    tx.payload.u.register_asset.amount = 1200;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    ela_tx_clear(&tx);

    /* IllegalSidechainEvidence: the reference's payload check always fails. */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE, 0);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-payload-type");
    ela_tx_clear(&tx);
    /* ... while its sibling IllegalBlockEvidence passes sanity with no inputs/outputs. */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_ILLEGAL_BLOCK_EVIDENCE, 0);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    ela_tx_clear(&tx);

    /* WithdrawFromSideChain v0 with the same side-chain hash twice. */
    ela_uint256 x = fund(&K.ph, 1000);
    tx_new(&tx, 0, ELA_TX_WITHDRAW_FROM_SIDECHAIN, 0);
    tx_add_input(&tx, &x, 0);
    tx_add_output(&tx, 800, &K.ph);
    tx_add_dummy_program(&tx);
    ela_uint256_list *l = &tx.payload.u.withdraw_from_sidechain.side_chain_tx_hashes;
    l->items = ela_xcalloc(3, sizeof *l->items);
    l->count = 3;
    l->items[0].b[0] = 1;
    l->items[1].b[0] = 2;
    l->items[2].b[0] = 3;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    l->items[2].b[0] = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-withdraw-duplicate-hash");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(sanity_zero_cost_types)
{
    ela_uint256 a = fund(&K.ph, 1000);
    ela_tx tx;
    /* RevertToPOW: no inputs, no outputs, no attributes, no programs; §4.8 gate. */
    uint32_t h = P.revert_to_pow_start_height;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_REVERT_TO_POW, 0);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    EXPECT_SANITY(&tx, h - 1, "bad-txns-height-version");
    tx_add_input(&tx, &a, 0);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vin-not-empty");
    tx.input_count = 0;
    tx_add_output(&tx, 1, &K.ph);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-not-empty");
    tx.output_count = 0;
    tx_add_attr(&tx, ELA_ATTR_NONCE, "n", 1);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-attribute");
    ela_tx_clear(&tx);

    /* InactiveArbitrators: exactly one program and one attribute; its code length is free. */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_INACTIVE_ARBITRATORS, 0);
    tx_add_attr(&tx, ELA_ATTR_NONCE, "n", 1);
    tx_add_program(&tx, K.code, 3, NULL, 0);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    tx_add_program(&tx, K.code, 35, NULL, 0);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-program-count");
    ela_tx_clear(&tx);

    /* ActivateProducer: zero-cost up to NFTStartHeight, unconstrained after. */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_ACTIVATE_PRODUCER, 0);
    tx_add_input(&tx, &a, 0);
    tx_add_output(&tx, 5, &K.ph);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, P.nft_start_height, "bad-txns-vin-not-empty");
    EXPECT_SANITY(&tx, P.nft_start_height + 1, NULL);
    ela_tx_clear(&tx);

    /* RecordSponsor: payload v0, from RecordSponsorStartHeight, one attribute. */
    P.record_sponsor_start_height = 5000;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_RECORD_SPONSOR, 0);
    tx_add_attr(&tx, ELA_ATTR_NONCE, "n", 1);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 5000, NULL);
    EXPECT_SANITY(&tx, 4999, "bad-txns-height-version");
    tx.payload.version = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 5000, "bad-txns-height-version");
    tx.payload.version = 0;
    tx.attribute_count = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 5000, "bad-txns-attribute");
    tx.attribute_count = 1;
    ela_tx_clear(&tx);

    /* ProposalResult keeps the default output rule (at least one output). */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_PROPOSAL_RESULT, 0);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-vout-empty");
    tx_add_output(&tx, 0, &K.ph);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    ela_tx_clear(&tx);

    /* CRCAppropriation: two outputs, CR expenses then CR assets, no programs. */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_CRC_APPROPRIATION, 0);
    tx_add_input(&tx, &a, 0);
    ela_uint168 exp, assets;
    ck_assert(ela_address_to_program_hash(&exp, "CREXPENSESXXXXXXXXXXXXXXXXXX4UdT6b"));
    ck_assert(ela_address_to_program_hash(&assets, "CRASSETSXXXXXXXXXXXXXXXXXXXX2qDX5J"));
    tx_add_output(&tx, 10, &exp);
    tx_add_output(&tx, 10, &assets);
    ela_tx_compute_hash(&tx);
    h = P.cr_committee_start_height;
    EXPECT_SANITY(&tx, h, NULL);
    EXPECT_SANITY(&tx, h - 1, "bad-txns-height-version");
    tx.outputs[1].program_hash = exp;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-appropriation-outputs");
    tx.outputs[1].program_hash = assets;
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-program-count");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(sanity_height_version)
{
    ela_uint256 a = fund(&K.ph, 100000);
    ela_tx tx;
    /* TransferCrossChainAsset: v0 up to and including NewCrossChainStartHeight, v1 after. */
    uint32_t n = P.new_crosschain_start_height;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_TRANSFER_CROSSCHAIN_ASSET, 0);
    tx_add_input(&tx, &a, 0);
    tx_add_output(&tx, 1000, &K.ph);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, n, NULL);
    EXPECT_SANITY(&tx, n + 1, "bad-txns-height-version");
    tx.payload.version = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, n + 1, NULL);
    EXPECT_SANITY(&tx, n, "bad-txns-height-version");
    ela_tx_clear(&tx);

    /* ReturnSideChainDepositCoin from ReturnCrossChainCoinStartHeight. */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN, 0);
    tx_add_input(&tx, &a, 0);
    tx_add_output(&tx, 1000, &K.ph);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, P.return_crosschain_coin_start_height, NULL);
    EXPECT_SANITY(&tx, P.return_crosschain_coin_start_height - 1, "bad-txns-height-version");
    ela_tx_clear(&tx);

    /* RegisterCR: v0 from CRVotingStartHeight, v1 from RegisterCRByDIDHeight, v3 never. */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_REGISTER_CR, 0);
    tx_add_input(&tx, &a, 0);
    tx_add_output(&tx, 1000, &K.ph);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, P.cr_voting_start_height, NULL);
    EXPECT_SANITY(&tx, P.cr_voting_start_height - 1, "bad-txns-height-version");
    tx.payload.version = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, P.register_cr_by_did_height, NULL);
    EXPECT_SANITY(&tx, P.register_cr_by_did_height - 1, "bad-txns-height-version");
    tx.payload.version = 3;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, P.nft_start_height, "bad-txns-height-version");
    ela_tx_clear(&tx);

    /* DPoS 2.0 types from DPoSV2StartHeight. */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_RETURN_VOTES, 0);
    tx_add_input(&tx, &a, 0);
    tx_add_output(&tx, 1000, &K.ph);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, P.dposv2_start_height, NULL);
    EXPECT_SANITY(&tx, P.dposv2_start_height - 1, "bad-txns-height-version");
    /* ... with exactly one program. */
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, P.dposv2_start_height, "bad-txns-program-count");
    ela_tx_clear(&tx);

    /* NextTurnDPOSInfo v1 only from DexStartHeight (never on regnet). */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_NEXT_TURN_DPOS_INFO, 1);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-height-version");
    tx.payload.version = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(sanity_exchange_votes)
{
    uint32_t h = P.dposv2_start_height;
    ela_uint256 a = fund(&K.ph, 100000);
    ela_uint168 pool;
    ck_assert(ela_address_to_program_hash(&pool, "STAKEPooLXXXXXXXXXXXXXXXXXXXpP1PQ2"));
    ela_tx tx;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_EXCHANGE_VOTES, 0);
    tx_add_input(&tx, &a, 0);
    ela_output *o = tx_add_output(&tx, 5000, &pool);
    o->type = ELA_OUTPUT_STAKE;
    ela_contract_stake_program_hash(&o->payload.stake.stake_address, K.code, sizeof K.code);
    tx_add_output(&tx, 4000, &K.ph);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    /* The stake address is 0x3f || hash160 of the (single) program's code. */
    tx.outputs[0].payload.stake.stake_address.b[9] ^= 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-exchangevotes-outputs");
    tx.outputs[0].payload.stake.stake_address.b[9] ^= 1;
    /* Values must be positive here. */
    tx.outputs[1].value = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-negative");
    tx.outputs[1].value = 1;
    /* Change only to a standard or multisig address. */
    tx.outputs[1].program_hash = ph_with_prefix(ELA_PREFIX_CROSSCHAIN, 1);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-exchangevotes-outputs");
    tx.outputs[1].program_hash = K.ph;
    /* Output 0 to the stake pool. */
    tx.outputs[0].program_hash = K.ph;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-exchangevotes-outputs");
    tx.outputs[0].program_hash = pool;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(sanity_new_sidechain_pow)
{
    ela_tx tx;
    tx_new(&tx, 0, ELA_TX_SIDECHAIN_POW, 0);
    tx_add_output(&tx, 0, &K.ph);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    tx.outputs[0].value = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-sidechainpow-outputs");
    tx.outputs[0].value = 0;
    tx_add_attr(&tx, ELA_ATTR_NONCE, "n", 1);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, "bad-txns-attribute");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(sanity_voting_payload)
{
    uint32_t h = P.dposv2_start_height;
    ela_uint256 a = fund(&K.ph, 100000);
    ela_tx tx;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_VOTING, 0);
    tx_add_input(&tx, &a, 0);
    tx_add_output(&tx, 1000, &K.ph);
    tx_add_dummy_program(&tx);
    ela_payload_voting *v = &tx.payload.u.voting;
    v->count = 1;
    v->contents = ela_xcalloc(1, sizeof *v->contents);
    v->contents[0].vote_type = ELA_VOTE_DPOSV2;
    v->contents[0].count = 2;
    v->contents[0].votes = ela_xcalloc(2, sizeof(ela_votes_with_locktime));
    ela_bytes_set(&v->contents[0].votes[0].candidate, (const uint8_t *)"aa", 2);
    ela_bytes_set(&v->contents[0].votes[1].candidate, (const uint8_t *)"bb", 2);
    v->contents[0].votes[0].votes = 5;
    v->contents[0].votes[1].votes = 5;
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    v->contents[0].votes[1].candidate.data[0] = 'a';
    v->contents[0].votes[1].candidate.data[1] = 'a';
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-voting-payload");
    ela_tx_clear(&tx);
}
END_TEST

/* ==== context =============================================================================== */

START_TEST(context_transfer_fee_and_signature)
{
    ela_uint256 a = fund(&K.ph, 1000);
    ela_tx tx;
    transfer(&tx, &a, 900, &K.ph);
    tx_sign(&tx, &K);
    EXPECT_SANITY(&tx, 1000, NULL);
    int64_t fee;
    expect_context(__LINE__, &tx, 1000, NULL, &fee);
    ck_assert_int_eq(fee, 100);
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert_msg(context_and_programs(&st, &tx, 1000), "%s", st.reason);
    ela_tx_clear(&tx);

    /* Fee 99 < MinTransactionFee. */
    transfer(&tx, &a, 901, &K.ph);
    tx_sign(&tx, &K);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-fee-too-low");
    ela_tx_clear(&tx);

    /* A wrong signature passes the context (signatures are split out) and fails programs. */
    transfer(&tx, &a, 900, &K.ph);
    tx_sign(&tx, &K);
    tx.programs[0].parameter.data[10] ^= 1;
    EXPECT_CONTEXT(&tx, 1000, NULL);
    ela_validation_init(&st);
    ck_assert(!context_and_programs(&st, &tx, 1000));
    ck_assert_str_eq(st.reason, "bad-txns-signature");
    ck_assert_int_eq(st.code, ELA_ERR_TRANSACTION_SIGNATURE);
    ela_tx_clear(&tx);

    /* Signed by another key: the program does not match the output's hash. */
    key other;
    key_new(&other);
    transfer(&tx, &a, 900, &K.ph);
    tx_sign(&tx, &other);
    ela_validation_init(&st);
    ck_assert(!context_and_programs(&st, &tx, 1000));
    ck_assert_str_eq(st.reason, "bad-txns-signature");
    ela_tx_clear(&tx);

    /* No program at all for the hash to sign. */
    transfer(&tx, &a, 900, &K.ph);
    ela_tx_compute_hash(&tx);
    ela_validation_init(&st);
    ck_assert(!context_and_programs(&st, &tx, 1000));
    ck_assert_str_eq(st.reason, "bad-txns-program-count-mismatch");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(context_references)
{
    ela_uint256 a = fund(&K.ph, 1000);
    ela_tx tx;
    transfer(&tx, &a, 900, &K.ph);
    tx_sign(&tx, &K);
    EXPECT_CONTEXT(&tx, 1000, NULL);

    /* Unknown tx; index past the outputs of a known tx. */
    tx.inputs[0].prev_txid.b[0] ^= 1;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-unknown-referenced");
    tx.inputs[0].prev_txid.b[0] ^= 1;
    tx.inputs[0].prev_index = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-unknown-referenced");
    tx.inputs[0].prev_index = 0;
    ela_tx_compute_hash(&tx);

    /* In the chain: a duplicate; its input spent: a double spend for any other spender. */
    chain_add(&tx, 20);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-duplicate");
    ela_tx other;
    transfer(&other, &a, 800, &K.ph);
    tx_sign(&other, &K);
    EXPECT_CONTEXT(&other, 1000, "bad-txns-double-spend");
    /* Without get_tx the view can still tell spent from unknown through have_tx. */
    VIEW.get_tx = NULL;
    EXPECT_CONTEXT(&other, 1000, "bad-txns-double-spend");
    other.inputs[0].prev_txid.b[3] ^= 1;
    ela_tx_compute_hash(&other);
    EXPECT_CONTEXT(&other, 1000, "bad-txns-unknown-referenced");
    ela_tx_clear(&other);
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(context_register_asset_outputs_unspendable)
{
    /* §5 / §9 quirk 7: a RegisterAsset tx's outputs never enter the unspent index, so spending
     * one is a double spend although the tx is in the chain. */
    ela_uint256 a = fund_typed(ELA_TX_REGISTER_ASSET, 0, &K.ph, 1000, 0);
    ck_assert(v_have_tx(&V, &a));
    ela_coin c = {0};
    ck_assert(!v_get_coin(&V, &c, &a, 0));
    ela_tx tx;
    transfer(&tx, &a, 900, &K.ph);
    tx_sign(&tx, &K);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-double-spend");
    ela_tx_clear(&tx);

    /* RegisterAsset's own context: the defaults (fee, signatures), not allowed in POW mode. */
    ela_uint256 b = fund(&K.ph, 1000);
    tx_new(&tx, 0, ELA_TX_REGISTER_ASSET, 0);
    tx_add_input(&tx, &b, 0);
    tx_add_output(&tx, 900, &K.ph);
    tx.payload.u.register_asset.precision = 8;
    ela_tx_compute_hash(&tx);
    tx_sign(&tx, &K);
    EXPECT_SANITY(&tx, 1000, NULL);
    EXPECT_CONTEXT(&tx, 1000, NULL);
    S.mode = ELA_CONSENSUS_POW;
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-pow-mode");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(context_output_lock)
{
    ela_uint256 a = fund_typed(ELA_TX_TRANSFER_ASSET, 0, &K.ph, 1000, 500);
    ela_tx tx;
    transfer(&tx, &a, 900, &K.ph);
    tx.inputs[0].sequence = 0xfffffffeu;
    tx.lock_time = 500;
    ela_tx_compute_hash(&tx);
    tx_sign(&tx, &K);
    EXPECT_CONTEXT(&tx, 1000, NULL);
    tx.lock_time = 499;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-output-locked");
    tx.lock_time = 500;
    tx.inputs[0].sequence = 0xffffffffu;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-lock-sequence");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(context_destroy_and_deposit)
{
    /* DESTROY outputs are never spendable. */
    ela_uint256 d = fund(&DESTROY, 1000);
    ela_tx tx;
    transfer(&tx, &d, 900, &K.ph);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-destroy-input");
    ela_tx_clear(&tx);

    /* Deposit (0x1f) UTXOs only through ReturnDepositCoin / ReturnCRDepositCoin. */
    ela_uint168 dep;
    ela_contract_deposit_program_hash(&dep, K.code, sizeof K.code);
    ela_uint256 e = fund(&dep, 1000);
    transfer(&tx, &e, 900, &K.ph);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-deposit-input");
    ela_tx_clear(&tx);
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_RETURN_DEPOSIT_COIN, 0);
    tx_add_input(&tx, &e, 0);
    tx_add_output(&tx, 900, &K.ph);
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, NULL);
    ck_assert_int_eq(S.check_tx_calls, 1); /* its special check is the state's */
    ela_tx_clear(&tx);
    /* ... which in turn spend nothing else. */
    ela_uint256 f = fund(&K.ph, 1000);
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_RETURN_DEPOSIT_COIN, 0);
    tx_add_input(&tx, &f, 0);
    tx_add_output(&tx, 900, &K.ph);
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-deposit-input");
    ela_tx_clear(&tx);

    /* Deposit outputs: free for RegisterProducer; otherwise the state must know the owner. */
    ela_uint256 g = fund(&K.ph, 100000);
    transfer(&tx, &g, 900, &dep);
    EXPECT_CONTEXT(&tx, 1000, ELA_REASON_NEEDS_STATE);
    S.deposit_answer = 0;
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-deposit-output");
    S.deposit_answer = 1;
    EXPECT_CONTEXT(&tx, 1000, NULL);
    S.deposit_answer = -1;
    ela_tx_clear(&tx);
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_REGISTER_PRODUCER, 0);
    tx_add_input(&tx, &g, 0);
    tx_add_output(&tx, 900, &dep);
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, NULL);
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(context_coinbase_maturity)
{
    /* §4.3 step 15 / §9 quirk 4: maturity counts tip - coinbase.lockTime in u32. */
    ela_uint256 cb = fund_typed(ELA_TX_COINBASE, 900, &K.ph, 1000, 0);
    ela_tx tx;
    transfer(&tx, &cb, 900, &K.ph);
    tx_sign(&tx, &K);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-premature-spend-of-coinbase"); /* tip 999: 99 */
    EXPECT_CONTEXT(&tx, 1001, NULL);                                   /* tip 1000: 100 */
    ela_tx_clear(&tx);

    /* lockTime 0: counted as created at height 0, whatever block held it (the fake chain put
     * it in block 10): spendable as soon as the tip reaches 100, e.g. by a tx in the very next
     * block after a coinbase mined at height 1000; not before. */
    ela_uint256 cb0 = fund_typed(ELA_TX_COINBASE, 0, &K.ph, 1000, 0);
    transfer(&tx, &cb0, 900, &K.ph);
    tx_sign(&tx, &K);
    EXPECT_CONTEXT(&tx, 1001, NULL);
    EXPECT_CONTEXT(&tx, 101, NULL);
    EXPECT_CONTEXT(&tx, 100, "bad-txns-premature-spend-of-coinbase");
    ela_tx_clear(&tx);
    /* lockTime above the tip wraps around: mature too. */
    ela_uint256 cbw = fund_typed(ELA_TX_COINBASE, 5000, &K.ph, 1000, 0);
    transfer(&tx, &cbw, 900, &K.ph);
    tx_sign(&tx, &K);
    EXPECT_CONTEXT(&tx, 1000, NULL);
    /* ... unless the wrapped difference is below 100: lockTime = tip + 1 - 100 + 1. */
    ela_tx_clear(&tx);
    ela_uint256 cbn = fund_typed(ELA_TX_COINBASE, 999 - 99 + 1, &K.ph, 1000, 0);
    transfer(&tx, &cbn, 900, &K.ph);
    tx_sign(&tx, &K);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-premature-spend-of-coinbase");
    ela_tx_clear(&tx);

    /* Outputs of a "new" SideChainPow (no inputs) are never spendable. */
    ela_uint256 sp = fund_typed(ELA_TX_SIDECHAIN_POW, 0, &K.ph, 1000, 0);
    transfer(&tx, &sp, 900, &K.ph);
    tx_sign(&tx, &K);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-spend-sidechainpow");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(context_frozen_and_crosschain_freeze)
{
    ela_uint168 x = ph_with_prefix(ELA_PREFIX_CROSSCHAIN, 9);
    ela_uint256 a = fund(&x, 1000);
    ela_tx tx;
    transfer(&tx, &a, 900, &K.ph);
    /* Regnet: no freeze; a generic tx may spend an X-UTXO (§4.4 OBSERVED). */
    EXPECT_CONTEXT(&tx, 1000, NULL);
    /* Mainnet-style heights. */
    P.crosschain_utxo_freeze_height = 2000;
    P.crosschain_utxo_restriction_height = 3000;
    EXPECT_CONTEXT(&tx, 1999, NULL);
    EXPECT_CONTEXT(&tx, 2000, "bad-txns-crosschain-frozen");
    EXPECT_CONTEXT(&tx, 3000, "bad-txns-crosschain-restricted");
    ela_tx_clear(&tx);
    /* A ReturnSideChainDepositCoin v0 spending only X-UTXOs gets past step 4 (and then needs
     * arbiter programs, §4.7.6). */
    P.return_crosschain_coin_start_height = 0;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN, 0);
    tx_add_input(&tx, &a, 0);
    tx_add_output(&tx, 900, &K.ph);
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 3000, "bad-return-deposit-program");
    /* ... but not with another input mixed in. */
    ela_uint256 b = fund(&K.ph, 1000);
    tx_add_input(&tx, &b, 0);
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 3000, "bad-txns-crosschain-restricted");
    ela_tx_clear(&tx);

    /* Frozen addresses, both directions, from their own height. */
    key fz;
    key_new(&fz);
    P.n_frozen = 1;
    P.frozen[0] = fz.ph;
    P.frozen_from[0] = 5000;
    ela_uint256 c = fund(&fz.ph, 1000);
    transfer(&tx, &c, 900, &K.ph);
    EXPECT_CONTEXT(&tx, 4999, NULL);
    EXPECT_CONTEXT(&tx, 5000, "bad-txns-frozen-address");
    ela_tx_clear(&tx);
    ela_uint256 d = fund(&K.ph, 1000);
    transfer(&tx, &d, 900, &fz.ph);
    EXPECT_CONTEXT(&tx, 4999, NULL);
    EXPECT_CONTEXT(&tx, 5000, "bad-txns-frozen-address");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(context_pow_mode_and_votes)
{
    uint32_t h = P.cr_voting_start_height;
    ela_tx tx;
    /* A plain transfer is refused in POW mode. */
    ela_uint256 a = fund(&K.ph, 1000);
    transfer(&tx, &a, 900, &K.ph);
    EXPECT_CONTEXT(&tx, h, NULL);
    S.mode = ELA_CONSENSUS_POW;
    EXPECT_CONTEXT(&tx, h, "bad-txns-pow-mode");
    ela_tx_clear(&tx);

    /* A producer vote back to the spending address is allowed; the vote itself is state. */
    vote_tx(&tx, 1, ELA_VOTE_DELEGATE, 2);
    S.check_tx_calls = 0;
    EXPECT_CONTEXT(&tx, h, NULL);
    ck_assert_int_eq(S.check_tx_calls, 1);
    S.check_tx_ok = false;
    EXPECT_CONTEXT(&tx, h, "test-state-says-no");
    S.check_tx_ok = true;
    /* ... but not to another address, nor a CR vote. */
    tx.outputs[0].program_hash.b[5] ^= 1;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-txns-pow-mode");
    tx.outputs[0].program_hash.b[5] ^= 1;
    tx.outputs[0].payload.vote.contents[0].vote_type = ELA_VOTE_CRC;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-txns-pow-mode");
    S.mode = ELA_CONSENSUS_DPOS;
    EXPECT_CONTEXT(&tx, h, NULL);
    /* With the null state every vote output is refused. */
    ela_state_ops saved = STATE;
    ela_state_ops_null(&STATE, &P);
    EXPECT_CONTEXT(&tx, h, ELA_REASON_NEEDS_STATE);
    STATE = saved;
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(context_state_types)
{
    /* A §4.7.8 type: the null state refuses it. */
    uint32_t h = P.revert_to_pow_start_height;
    ela_tx tx;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_REVERT_TO_POW, 0);
    ela_tx_compute_hash(&tx);
    ela_state_ops saved = STATE;
    ela_state_ops_null(&STATE, &P);
    EXPECT_CONTEXT(&tx, h, ELA_REASON_NEEDS_STATE);
    STATE = saved;
    /* With a state that accepts it, validation ends at the special check: no fee rule applies
     * (the tx has no inputs) and no signature is needed. */
    int64_t fee;
    expect_context(__LINE__, &tx, h, NULL, &fee);
    ck_assert_int_eq(fee, 0);
    ck_assert(!ela_txcheck_needs_signatures(&tx));
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert(ela_txcheck_programs(&st, &tx, NULL));
    ela_tx_clear(&tx);

    /* ActivateProducer continues to the fee rule, which wants exactly 0. */
    ela_uint256 a = fund(&K.ph, 1000);
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_ACTIVATE_PRODUCER, 0);
    tx_add_input(&tx, &a, 0);
    tx_add_output(&tx, 1000, &K.ph);
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, P.nft_start_height + 1, NULL);
    tx.outputs[0].value = 900;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, P.nft_start_height + 1, "bad-txns-fee-not-zero");
    ela_tx_clear(&tx);
}
END_TEST

static void state_arbiters(size_t n, uint8_t (*privs)[32]);

START_TEST(context_exchange_votes_pow_mode)
{
    /* From MultiExchangeVotesStartHeight sanity takes the multi-input rules (DPoS mode); in POW
     * mode the context check applies the single-input ones (exactly one program). */
    P.multi_exchange_votes_start_height = P.dposv2_start_height;
    uint32_t h = P.dposv2_start_height;
    ela_uint256 a = fund(&K.ph, 100000);
    ela_uint168 pool;
    ck_assert(ela_address_to_program_hash(&pool, "STAKEPooLXXXXXXXXXXXXXXXXXXXpP1PQ2"));
    ela_tx tx;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_EXCHANGE_VOTES, 0);
    tx_add_input(&tx, &a, 0);
    ela_output *o = tx_add_output(&tx, 5000, &pool);
    o->type = ELA_OUTPUT_STAKE;
    ela_contract_stake_program_hash(&o->payload.stake.stake_address, K.code, sizeof K.code);
    tx_add_output(&tx, 4000, &K.ph);
    tx_add_dummy_program(&tx);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    EXPECT_CONTEXT(&tx, h, NULL);
    S.mode = ELA_CONSENSUS_POW;
    EXPECT_CONTEXT(&tx, h, "bad-exchangevotes-outputs");
    tx.program_count = 1;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, NULL);
    tx.program_count = 2;
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(context_payload_shape_rejects)
{
    /* Rules of the special checks that sanity would normally stop first. */
    uint32_t h = P.new_crosschain_start_height + 1;
    ela_uint168 x = ph_with_prefix(ELA_PREFIX_CROSSCHAIN, 1);
    ela_uint256 a = fund(&K.ph, 100000);
    ela_tx tx;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_TRANSFER_CROSSCHAIN_ASSET, 1);
    tx_add_input(&tx, &a, 0);
    ela_output *o = tx_add_output(&tx, 30000, &x);
    o->type = ELA_OUTPUT_WITHDRAW;
    ela_bytes_set(&o->payload.withdraw.genesis_block_address, (const uint8_t *)"Xg", 2);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, "bad-txns-vout-type");
    EXPECT_CONTEXT(&tx, h, "bad-crosschain-output-type");
    ela_tx_clear(&tx);

    /* Withdraw v2 with a program that is not Schnorr. */
    state_arbiters(12, NULL);
    ela_uint256 b = fund(&x, 1000);
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_WITHDRAW_FROM_SIDECHAIN, 2);
    tx_add_input(&tx, &b, 0);
    tx_add_output(&tx, 900, &K.ph);
    static const uint8_t idx[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    ela_bytes_set(&tx.payload.u.withdraw_from_sidechain.signers, idx, sizeof idx);
    tx_add_dummy_program(&tx);
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, P.schnorr_start_height + 1, "bad-withdraw-program");
    ela_tx_clear(&tx);

    /* A refund whose genesis block address is not an address. */
    P.return_crosschain_coin_start_height = 0;
    ela_uint256 src = fund(&K.ph, 100000);
    ela_tx dep;
    transfer(&dep, &src, 50000, &x);
    tx_sign(&dep, &K);
    chain_add(&dep, 30);
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN, 0);
    tx_add_input(&tx, &dep.txid, 0);
    o = tx_add_output(&tx, 100, &K.ph);
    o->type = ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT;
    ela_bytes_set(&o->payload.return_deposit.genesis_block_address,
                  (const uint8_t *)"not an address", 14);
    o->payload.return_deposit.deposit_txid = dep.txid;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-return-deposit-address");
    ela_tx_clear(&tx);
    ela_tx_clear(&dep);
}
END_TEST

/* ---- SideChainPow --------------------------------------------------------------------------- */

static void sidechain_pow_tx(ela_tx *tx, const key *signer, bool legacy, ela_uint256 *fund_id)
{
    tx_new(tx, 0, ELA_TX_SIDECHAIN_POW, 0);
    ela_payload_sidechain_pow *pl = &tx->payload.u.sidechain_pow;
    memset(pl->side_block_hash.b, 0x11, 32);
    memset(pl->side_genesis_hash.b, 0x22, 32);
    pl->block_height = 77;
    ela_writer w;
    ela_writer_init(&w);
    ck_assert(ela_payload_write_signed_part(&w, &tx->payload, ELA_PAYLOAD_SIGNER_OWNER));
    ck_assert_uint_eq(w.len, 68);
    uint8_t sig[64];
    ck_assert(ela_ecdsa_sign(sig, signer->priv, w.data, w.len));
    ela_writer_clear(&w);
    ela_bytes_set(&pl->signature, sig, sizeof sig);
    if (legacy) {
        tx_add_input(tx, fund_id, 0);
        tx_add_output(tx, 900, &K.ph);
        ela_tx_compute_hash(tx);
        tx_sign(tx, &K);
    } else {
        tx_add_output(tx, 0, &K.ph);
        ela_tx_compute_hash(tx);
    }
}

START_TEST(context_sidechain_pow)
{
    key arb;
    key_new(&arb);
    S.onduty_known = true;
    memcpy(S.onduty, arb.pub, 33);
    ela_tx tx;
    sidechain_pow_tx(&tx, &arb, false, NULL);
    EXPECT_SANITY(&tx, 1000, NULL);
    int64_t fee;
    expect_context(__LINE__, &tx, 1000, NULL, &fee);
    ck_assert_int_eq(fee, 0); /* the new form ends at its special check: no fee */
    ck_assert(!ela_txcheck_needs_signatures(&tx));
    /* Another signer. */
    key other;
    key_new(&other);
    memcpy(S.onduty, other.pub, 33);
    EXPECT_CONTEXT(&tx, 1000, "bad-sidechainpow-signature");
    /* No on-duty arbiter; a state that cannot say. */
    S.onduty[0] = 0;
    EXPECT_CONTEXT(&tx, 1000, "bad-sidechainpow-no-arbiter");
    S.onduty_known = false;
    EXPECT_CONTEXT(&tx, 1000, ELA_REASON_NEEDS_STATE);
    S.onduty_known = true;
    memcpy(S.onduty, arb.pub, 33);
    /* Not in POW mode. */
    S.mode = ELA_CONSENSUS_POW;
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-pow-mode");
    S.mode = ELA_CONSENSUS_DPOS;
    ela_tx_clear(&tx);

    /* The legacy form goes on to the fee and the signatures. */
    ela_uint256 a = fund(&K.ph, 1000);
    sidechain_pow_tx(&tx, &arb, true, &a);
    EXPECT_SANITY(&tx, 1000, NULL);
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert_msg(context_and_programs(&st, &tx, 1000), "%s", st.reason);
    tx.outputs[0].value = 950;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-txns-fee-too-low");
    ela_tx_clear(&tx);

    /* The null state knows the on-duty arbiter before CRCOnlyDPOSHeight - 1 only. */
    ela_state_ops saved = STATE;
    ela_state_ops_null(&STATE, &P);
    uint8_t onduty[33];
    ck_assert(STATE.onduty_crosschain_arbiter(STATE.ctx, onduty, 999));
    ck_assert_mem_eq(onduty, P.origin_arbiters[999 % P.n_origin_arbiters], 33);
    sidechain_pow_tx(&tx, &arb, false, NULL);
    EXPECT_CONTEXT(&tx, 1000, "bad-sidechainpow-signature");
    EXPECT_CONTEXT(&tx, P.crc_only_dpos_height, ELA_REASON_NEEDS_STATE);
    STATE = saved;
    ela_tx_clear(&tx);
}
END_TEST

/* ---- TransferCrossChainAsset ----------------------------------------------------------------- */

static void crosschain_entry(ela_tx *tx, const char *addr, uint64_t index, int64_t amount)
{
    ela_payload_transfer_crosschain_asset *pl = &tx->payload.u.transfer_crosschain_asset;
    pl->entries = ela_xrealloc(pl->entries, (pl->count + 1) * sizeof *pl->entries);
    ela_crosschain_entry *e = &pl->entries[pl->count++];
    memset(e, 0, sizeof *e);
    ela_bytes_set(&e->address, (const uint8_t *)addr, strlen(addr));
    e->output_index = index;
    e->amount = amount;
}

START_TEST(context_crosschain_v0)
{
    ela_uint168 x1 = ph_with_prefix(ELA_PREFIX_CROSSCHAIN, 1), x2 = ph_with_prefix(0x4b, 2);
    ela_uint256 a = fund(&K.ph, 100000);
    ela_tx tx;
    tx_new(&tx, 0, ELA_TX_TRANSFER_CROSSCHAIN_ASSET, 0);
    tx_add_input(&tx, &a, 0);
    tx_add_output(&tx, 30000, &x1);
    tx_add_output(&tx, 30000, &x2);
    tx_add_output(&tx, 20000, &K.ph); /* change; fee 20000 */
    crosschain_entry(&tx, "EaddrOne", 0, 20000);
    crosschain_entry(&tx, "EaddrTwo", 1, 20000);
    ela_tx_compute_hash(&tx);
    tx_sign(&tx, &K);
    EXPECT_SANITY(&tx, 1000, NULL);
    EXPECT_CONTEXT(&tx, 1000, NULL);
    ela_payload_transfer_crosschain_asset *pl = &tx.payload.u.transfer_crosschain_asset;
    /* Amount <= value - MinCrossChainTxFee. */
    pl->entries[0].amount = 20001;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-crosschain-amount");
    pl->entries[0].amount = -1;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-crosschain-amount");
    pl->entries[0].amount = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, NULL);
    /* Indexes unique and in range. */
    pl->entries[1].output_index = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-crosschain-index");
    pl->entries[1].output_index = 3;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-crosschain-index");
    pl->entries[1].output_index = UINT64_MAX;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-crosschain-index");
    /* The indexed output must pay an X address. */
    pl->entries[1].output_index = 2;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-crosschain-output-address");
    pl->entries[1].output_index = 1;
    /* Target addresses unique and non-empty. */
    pl->entries[1].address.data[5] = 'O';
    pl->entries[1].address.data[6] = 'n';
    pl->entries[1].address.data[7] = 'e';
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-crosschain-address");
    pl->entries[1].address.len = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-crosschain-address");
    pl->entries[1].address.len = 8;
    pl->entries[1].address.data[5] = 'T';
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, NULL);
    /* The tx fee must reach MinCrossChainTxFee. */
    tx.outputs[2].value = 90001;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-crosschain-fee");
    tx.outputs[2].value = 30000; /* fee exactly 10000 */
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, NULL);
    /* Entry lists: non-empty, no longer than the outputs. */
    size_t n = pl->count;
    pl->count = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-crosschain-payload");
    pl->count = n;
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(context_crosschain_v1)
{
    uint32_t h = P.new_crosschain_start_height + 1;
    ela_uint168 x = ph_with_prefix(ELA_PREFIX_CROSSCHAIN, 1);
    ela_uint256 a = fund(&K.ph, 100000);
    ela_tx tx;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_TRANSFER_CROSSCHAIN_ASSET, 1);
    tx_add_input(&tx, &a, 0);
    ela_output *o = tx_add_output(&tx, 30000, &x);
    o->type = ELA_OUTPUT_CROSSCHAIN;
    ela_bytes_set(&o->payload.crosschain.target_address, (const uint8_t *)"EsideAddr", 9);
    o->payload.crosschain.target_amount = 20000;
    tx_add_output(&tx, 60000, &K.ph);
    ela_tx_compute_hash(&tx);
    tx_sign(&tx, &K);
    EXPECT_SANITY(&tx, h, NULL);
    EXPECT_CONTEXT(&tx, h, NULL);
    /* value >= MinCrossChainTxFee + targetAmount. */
    tx.outputs[0].payload.crosschain.target_amount = 20001;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-crosschain-amount");
    /* OBSERVED: the bound is an int64 sum that wraps, so a huge target amount passes. */
    tx.outputs[0].payload.crosschain.target_amount = INT64_MAX;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, NULL);
    tx.outputs[0].payload.crosschain.target_amount = 20000;
    /* An X address, not the DID side chain's from ProhibitTransferToDIDHeight. */
    tx.outputs[0].program_hash = K.ph;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-crosschain-output-address");
    ck_assert(ela_address_to_program_hash(&tx.outputs[0].program_hash,
                                          "XKUh4GLhFJiqAMTF6HyWQrV9pK9HcGUdfJ"));
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-crosschain-did");
    P.prohibit_transfer_to_did_height = h + 1;
    EXPECT_CONTEXT(&tx, h, NULL);
    /* At least one OTCrossChain output. */
    ela_output_clear(&tx.outputs[0]);
    ela_genesis_asset_id(&tx.outputs[0].asset_id);
    tx.outputs[0].value = 30000;
    tx.outputs[0].program_hash = x;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-crosschain-no-output");
    /* A legacy tx cannot carry v1. */
    tx.version = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-crosschain-tx-version");
    ela_tx_clear(&tx);
}
END_TEST

/* ---- WithdrawFromSideChain ------------------------------------------------------------------ */

/* A cross-chain arbiter script: m, the keys as 0x21 || key, n, 0xAF. */
static void arbiter_script(ela_bytes *out, int m, const uint8_t (*keys)[33], size_t n)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_write_u8(&w, (uint8_t)(0x50 + m));
    for (size_t i = 0; i < n; i++) {
        ela_write_u8(&w, 0x21);
        ela_write_bytes(&w, keys[i], 33);
    }
    ela_write_u8(&w, (uint8_t)(0x50 + n));
    ela_write_u8(&w, ELA_OP_CROSSCHAIN);
    ela_writer_release(&w, out);
}

static void withdraw_tx(ela_tx *tx, uint8_t pv, const ela_uint256 *input, int m,
                        const uint8_t (*keys)[33], size_t n)
{
    tx_new(tx, ELA_TX_VERSION_09, ELA_TX_WITHDRAW_FROM_SIDECHAIN, pv);
    tx_add_input(tx, input, 0);
    tx_add_output(tx, 900, &K.ph);
    if (pv == 0) {
        ela_uint256_list *l = &tx->payload.u.withdraw_from_sidechain.side_chain_tx_hashes;
        l->items = ela_xcalloc(1, sizeof *l->items);
        l->count = 1;
        memset(l->items[0].b, 0x5a, 32);
    }
    ela_bytes code = {0};
    arbiter_script(&code, m, keys, n);
    tx_add_program(tx, code.data, code.len, NULL, 0);
    ela_bytes_clear(&code);
    ela_tx_compute_hash(tx);
}

START_TEST(context_withdraw_v0)
{
    /* Before CRCOnlyDPOSHeight - 1 the cross-chain arbiters are the 5 origin arbiters. */
    ck_assert_uint_eq(P.n_origin_arbiters, 5);
    ela_state_ops saved = STATE;
    ela_state_ops_null(&STATE, &P);
    ela_uint168 x = ph_with_prefix(ELA_PREFIX_CROSSCHAIN, 3);
    ela_uint256 a = fund(&x, 1000);
    const uint8_t(*keys)[33] = (const uint8_t(*)[33])P.origin_arbiters;
    ela_tx tx;
    withdraw_tx(&tx, 0, &a, 4, keys, 5);
    EXPECT_SANITY(&tx, 1000, NULL);
    EXPECT_CONTEXT(&tx, 1000, NULL);
    ela_tx_clear(&tx);
    /* m must exceed floor(5 * 2 / 3) = 3. */
    withdraw_tx(&tx, 0, &a, 3, keys, 5);
    EXPECT_CONTEXT(&tx, 1000, "bad-withdraw-program");
    ela_tx_clear(&tx);
    /* n must be the arbiter count. */
    withdraw_tx(&tx, 0, &a, 4, keys, 4);
    EXPECT_CONTEXT(&tx, 1000, "bad-withdraw-program");
    ela_tx_clear(&tx);
    /* The keys must be the arbiters. */
    uint8_t other[5][33];
    memcpy(other, keys, sizeof other);
    key k;
    key_new(&k);
    memcpy(other[2], k.pub, 33);
    withdraw_tx(&tx, 0, &a, 4, (const uint8_t(*)[33])other, 5);
    EXPECT_CONTEXT(&tx, 1000, "bad-withdraw-arbiters");
    ela_tx_clear(&tx);
    /* Already withdrawn side-chain tx. */
    withdraw_tx(&tx, 0, &a, 4, keys, 5);
    memset(V.withdrawn[V.n_withdrawn++].b, 0x5a, 32);
    EXPECT_CONTEXT(&tx, 1000, "bad-withdraw-duplicate");
    V.n_withdrawn = 0;
    /* From the tip CRCOnlyDPOSHeight - 1 on the count is the 12 CRC arbiters; the keys are
     * then CR state, which the null state cannot give. */
    EXPECT_CONTEXT(&tx, P.crc_only_dpos_height, "bad-withdraw-program");
    ela_tx_clear(&tx);
    ck_assert_uint_eq(P.n_crc_arbiters, 12);
    withdraw_tx(&tx, 0, &a, 9, (const uint8_t(*)[33])P.crc_arbiters, 12);
    EXPECT_CONTEXT(&tx, P.crc_only_dpos_height - 1, "bad-withdraw-program");
    EXPECT_CONTEXT(&tx, P.crc_only_dpos_height, ELA_REASON_NEEDS_STATE);
    STATE = saved;
    ela_tx_clear(&tx);
    /* Inputs must be X-UTXOs. */
    ela_uint256 b = fund(&K.ph, 1000);
    withdraw_tx(&tx, 0, &b, 4, keys, 5);
    EXPECT_CONTEXT(&tx, 1000, "bad-withdraw-input-address");
    ela_tx_clear(&tx);
}
END_TEST

/* Fills the fake state with n fresh arbiter keys (private keys in privs when not NULL). */
static void state_arbiters(size_t n, uint8_t (*privs)[32])
{
    S.arb_known = true;
    S.n_arb = n;
    for (size_t i = 0; i < n; i++) {
        key k;
        key_new(&k);
        memcpy(S.arb_keys[i], k.pub, 33);
        S.arb_normal[i] = true;
        if (privs)
            memcpy(privs[i], k.priv, 32);
    }
}

START_TEST(context_withdraw_v1)
{
    /* v1 (and v0 from CRClaimDPOSNodeStartHeight): n = normal arbiters, m >= CRAgreementCount. */
    uint32_t h = P.cr_claim_dpos_node_start_height;
    state_arbiters(12, NULL);
    ela_uint168 x = ph_with_prefix(ELA_PREFIX_CROSSCHAIN, 3);
    ela_uint256 a = fund(&x, 1000);
    ela_tx tx;
    withdraw_tx(&tx, 1, &a, 8, (const uint8_t(*)[33])S.arb_keys, 12);
    ela_output *o = &tx.outputs[0];
    o->type = ELA_OUTPUT_WITHDRAW;
    ela_bytes_set(&o->payload.withdraw.genesis_block_address, (const uint8_t *)"Xgen", 4);
    memset(o->payload.withdraw.sidechain_txid.b, 0x77, 32);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    EXPECT_CONTEXT(&tx, h, NULL);
    /* Any height: v1 always uses this rule. */
    EXPECT_CONTEXT(&tx, 1000, NULL);
    /* Side-chain hash already withdrawn. */
    memset(V.withdrawn[V.n_withdrawn++].b, 0x77, 32);
    EXPECT_CONTEXT(&tx, h, "bad-withdraw-duplicate");
    V.n_withdrawn = 0;
    /* An arbiter that is not normal no longer counts. */
    S.arb_normal[11] = false;
    EXPECT_CONTEXT(&tx, h, "bad-withdraw-program");
    S.arb_normal[11] = true;
    ela_tx_clear(&tx);
    withdraw_tx(&tx, 1, &a, 7, (const uint8_t(*)[33])S.arb_keys, 12);
    EXPECT_CONTEXT(&tx, h, "bad-withdraw-program");
    ela_tx_clear(&tx);
    /* Above SchnorrStartHeight only v2. */
    withdraw_tx(&tx, 1, &a, 8, (const uint8_t(*)[33])S.arb_keys, 12);
    EXPECT_CONTEXT(&tx, P.schnorr_start_height + 1, "bad-withdraw-version");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(context_withdraw_v2)
{
    uint32_t h = P.schnorr_start_height + 1; /* above CRClaimDPOSNodeStartHeight: >= 8 signers */
    uint8_t privs[12][32];
    state_arbiters(12, privs);
    ela_uint168 x = ph_with_prefix(ELA_PREFIX_CROSSCHAIN, 3);
    ela_uint256 a = fund(&x, 1000);
    static const uint8_t idx[] = {0, 2, 3, 4, 5, 7, 8, 10};
    uint8_t sel[8][33];
    for (size_t i = 0; i < 8; i++)
        memcpy(sel[i], S.arb_keys[idx[i]], 33);
    uint8_t agg[33];
    ck_assert(ela_schnorr_aggregate_pubkeys(agg, (const uint8_t(*)[33])sel, 8));
    uint8_t code[ELA_SCHNORR_CODE_SIZE];
    ela_contract_schnorr_code(code, agg);

    ela_tx tx;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_WITHDRAW_FROM_SIDECHAIN, 2);
    tx_add_input(&tx, &a, 0);
    tx_add_output(&tx, 900, &K.ph);
    ela_bytes_set(&tx.payload.u.withdraw_from_sidechain.signers, idx, sizeof idx);
    ela_tx_compute_hash(&tx);
    /* The aggregate signature of the 8 signers over SHA256d(unsigned tx). */
    ela_bytes msg = {0};
    ela_tx_signed_data(&msg, &tx);
    uint8_t digest[32], sig[64], sp[8][32];
    ela_sha256d(digest, msg.data, msg.len);
    ela_bytes_clear(&msg);
    for (size_t i = 0; i < 8; i++)
        memcpy(sp[i], privs[idx[i]], 32);
    ck_assert(ela_schnorr_sign(sig, (const uint8_t(*)[32])sp, NULL, 8, digest));
    tx_add_program(&tx, code, sizeof code, sig, sizeof sig);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    EXPECT_CONTEXT(&tx, h, NULL);
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert_msg(context_and_programs(&st, &tx, h), "%s", st.reason);

    /* Another arbiter at one index: the aggregate no longer matches the program. */
    tx.payload.u.withdraw_from_sidechain.signers.data[7] = 11;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-withdraw-aggregate");
    /* An index past the arbiter list. */
    tx.payload.u.withdraw_from_sidechain.signers.data[7] = 12;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-withdraw-signers");
    /* Too few signers: 7 < 8. */
    tx.payload.u.withdraw_from_sidechain.signers.len = 7;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-withdraw-signers");
    /* At or below CRClaimDPOSNodeStartHeight 9 are needed. */
    tx.payload.u.withdraw_from_sidechain.signers.len = 8;
    tx.payload.u.withdraw_from_sidechain.signers.data[7] = 10;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, P.cr_claim_dpos_node_start_height, "bad-withdraw-signers");
    /* A repeated index is summed twice before the restriction height and refused from it. */
    tx.payload.u.withdraw_from_sidechain.signers.data[7] = 0;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-withdraw-aggregate");
    P.crosschain_utxo_restriction_height = h;
    P.crosschain_utxo_freeze_height = h;
    EXPECT_CONTEXT(&tx, h, "bad-withdraw-signers");
    ela_tx_clear(&tx);
}
END_TEST

/* ---- ReturnSideChainDepositCoin -------------------------------------------------------------- */

START_TEST(context_return_deposit)
{
    uint32_t h = P.new_crosschain_start_height + 1;
    /* The side chain's X address and a v1 deposit to it, funded by K. */
    ela_uint256 genesis;
    memset(genesis.b, 0x42, 32);
    ela_uint168 xph;
    ela_contract_crosschain_program_hash(&xph, &genesis);
    char xaddr[ELA_ADDRESS_MAX];
    ck_assert(ela_address_from_program_hash(xaddr, &xph));

    ela_uint256 src = fund(&K.ph, 100000);
    ela_tx dep;
    tx_new(&dep, ELA_TX_VERSION_09, ELA_TX_TRANSFER_CROSSCHAIN_ASSET, 1);
    tx_add_input(&dep, &src, 0);
    ela_output *o = tx_add_output(&dep, 30000, &xph);
    o->type = ELA_OUTPUT_CROSSCHAIN;
    ela_bytes_set(&o->payload.crosschain.target_address, (const uint8_t *)"Eside", 5);
    o->payload.crosschain.target_amount = 20000;
    tx_add_output(&dep, 60000, &K.ph);
    ela_tx_compute_hash(&dep);
    tx_sign(&dep, &K);
    chain_add(&dep, 30);

    /* The refund: spends the X-UTXO, pays K back 30000 - 100. */
    ela_tx tx;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN, 0);
    tx_add_input(&tx, &dep.txid, 0);
    ela_output *r = tx_add_output(&tx, 29900, &K.ph);
    r->type = ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT;
    ela_bytes_set(&r->payload.return_deposit.genesis_block_address, (const uint8_t *)xaddr,
                  strlen(xaddr));
    r->payload.return_deposit.deposit_txid = dep.txid;
    ela_tx_compute_hash(&tx);
    /* The X program of the refund: any cross-chain script passes the signature layer. */
    state_arbiters(12, NULL);
    EXPECT_SANITY(&tx, h, "bad-txns-program-count");
    ela_bytes code = {0};
    arbiter_script(&code, 8, (const uint8_t(*)[33])S.arb_keys, 12);
    tx_add_program(&tx, code.data, code.len, NULL, 0);
    ela_bytes_clear(&code);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, h, NULL);
    /* Fee: 30000 in, 29900 out = 100. */
    EXPECT_CONTEXT(&tx, h, NULL);

    /* Amount + ReturnDepositCoinFee must equal the deposit. */
    tx.outputs[0].value = 29800;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-return-deposit-amount");
    tx.outputs[0].value = 29900;
    /* To the deposit's first input's address. */
    tx.outputs[0].program_hash.b[4] ^= 1;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-return-deposit-address");
    tx.outputs[0].program_hash.b[4] ^= 1;
    /* A deposit nobody made; one already refunded. */
    tx.outputs[0].payload.return_deposit.deposit_txid.b[0] ^= 1;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-return-deposit-unknown");
    tx.outputs[0].payload.return_deposit.deposit_txid.b[0] ^= 1;
    ela_tx_compute_hash(&tx);
    V.refunded[V.n_refunded++] = dep.txid;
    EXPECT_CONTEXT(&tx, h, "bad-return-deposit-refunded");
    V.n_refunded = 0;
    EXPECT_CONTEXT(&tx, h, NULL);
    /* Mainnet restriction: the programs must then be the arbiters' (m >= 8 of the 12). */
    P.crosschain_utxo_freeze_height = h - 10;
    P.crosschain_utxo_restriction_height = h;
    EXPECT_CONTEXT(&tx, h, NULL);
    S.arb_keys[3][7] ^= 1;
    EXPECT_CONTEXT(&tx, h, "bad-withdraw-arbiters");
    ela_tx_clear(&tx);
    ela_tx_clear(&dep);
}
END_TEST

START_TEST(quirk_return_deposit_of_non_crosschain_tx)
{
    /* OBSERVED (§4.7.6): when the "deposit" tx has payload version 0 or 1 but is not a
     * TransferCrossChainAsset, the reference logs and skips the amount rule for that output. */
    uint32_t h = P.return_crosschain_coin_start_height;
    ela_uint256 genesis;
    memset(genesis.b, 0x43, 32);
    ela_uint168 xph;
    ela_contract_crosschain_program_hash(&xph, &genesis);
    char xaddr[ELA_ADDRESS_MAX];
    ck_assert(ela_address_from_program_hash(xaddr, &xph));
    ela_uint256 src = fund(&K.ph, 100000);
    ela_tx dep;
    transfer(&dep, &src, 50000, &xph); /* a TransferAsset, payload version 0 */
    tx_sign(&dep, &K);
    chain_add(&dep, 30);

    ela_tx tx;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN, 0);
    tx_add_input(&tx, &dep.txid, 0);
    ela_output *r = tx_add_output(&tx, 1234, &K.ph); /* any amount */
    r->type = ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT;
    ela_bytes_set(&r->payload.return_deposit.genesis_block_address, (const uint8_t *)xaddr,
                  strlen(xaddr));
    r->payload.return_deposit.deposit_txid = dep.txid;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, NULL);
    /* With payload version 2 (not 0 or 1) the amount is 0 and nothing matches. */
    ela_tx dep2;
    ela_uint256 src2 = fund(&K.ph, 100000);
    tx_new(&dep2, ELA_TX_VERSION_09, ELA_TX_TRANSFER_ASSET, 2);
    tx_add_input(&dep2, &src2, 0);
    tx_add_output(&dep2, 50000, &xph);
    ela_tx_compute_hash(&dep2);
    chain_add(&dep2, 31);
    tx.outputs[0].payload.return_deposit.deposit_txid = dep2.txid;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, h, "bad-return-deposit-amount");
    ela_tx_clear(&dep2);
    ela_tx_clear(&tx);
    ela_tx_clear(&dep);
}
END_TEST

START_TEST(context_coinbase_own)
{
    /* The coinbase's own ContextCheck (never run for blocks): output 0 address by era. */
    ela_tx tx;
    coinbase_tx(&tx, 300, 700);
    EXPECT_CONTEXT(&tx, 1000, NULL);
    tx.outputs[0].program_hash = K.ph;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, 1000, "bad-cb-address");
    ck_assert(ela_address_to_program_hash(&tx.outputs[0].program_hash,
                                          "CRASSETSXXXXXXXXXXXXXXXXXXXX2qDX5J"));
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, P.cr_committee_start_height, NULL);
    S.mode = ELA_CONSENSUS_POW;
    EXPECT_CONTEXT(&tx, P.cr_committee_start_height, "bad-cb-address");
    tx.outputs[0].program_hash = DESTROY;
    ela_tx_compute_hash(&tx);
    EXPECT_CONTEXT(&tx, P.cr_committee_start_height, NULL);
    ck_assert(!ela_txcheck_needs_signatures(&tx));
    ela_tx_clear(&tx);
}
END_TEST

/* ==== programs ============================================================================== */

START_TEST(programs_required_hashes)
{
    ela_uint256 a = fund(&K.ph, 1000), b = fund(&K.ph, 2000);
    key other;
    key_new(&other);
    ela_tx tx;
    transfer(&tx, &a, 900, &K.ph);
    tx_add_input(&tx, &b, 0);
    tx_add_attr(&tx, ELA_ATTR_SCRIPT, other.ph.b, 21);
    ela_tx_compute_hash(&tx);
    ela_coin refs[2];
    memset(refs, 0, sizeof refs);
    ck_assert(v_get_coin(&V, &refs[0], &a, 0));
    ck_assert(v_get_coin(&V, &refs[1], &b, 0));
    ela_validation_state st;
    ela_validation_init(&st);
    ela_uint168 *req;
    size_t n;
    /* Two inputs of K (one hash) plus the Script attribute's hash. */
    ck_assert(ela_txcheck_required_hashes(&st, &req, &n, &tx, refs));
    ck_assert_uint_eq(n, 2);
    ck_assert(ela_uint168_equal(&req[0], &K.ph) || ela_uint168_equal(&req[1], &K.ph));
    ck_assert(ela_uint168_equal(&req[0], &other.ph) || ela_uint168_equal(&req[1], &other.ph));
    free(req);
    /* Both must sign. */
    tx_sign(&tx, &K);
    ck_assert(!ela_txcheck_programs(&st, &tx, refs));
    ck_assert_str_eq(st.reason, "bad-txns-program-count-mismatch");
    ela_validation_init(&st);
    tx.program_count = 0;
    ela_bytes msg = {0};
    ela_tx_signed_data(&msg, &tx);
    tx.program_count = 1;
    uint8_t param[65] = {0x40};
    ck_assert(ela_ecdsa_sign(param + 1, other.priv, msg.data, msg.len));
    ela_bytes_clear(&msg);
    tx_add_program(&tx, other.code, sizeof other.code, param, sizeof param);
    ela_tx_compute_hash(&tx);
    ck_assert_msg(ela_txcheck_programs(&st, &tx, refs), "%s", st.detail);
    /* A Script attribute of another length. */
    tx.attributes[0].data.len = 20;
    ck_assert(!ela_txcheck_required_hashes(&st, &req, &n, &tx, refs));
    ck_assert_str_eq(st.reason, "bad-txns-script-attribute");
    ela_coin_clear(&refs[0]);
    ela_coin_clear(&refs[1]);
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(quirk_crosschain_program_m_zero)
{
    /* §4.4 / §9 quirk 8: a 0x4b program is matched without a code-hash binding and without a
     * lower bound on m; m = 0 with an empty parameter verifies. */
    ela_uint168 x = ph_with_prefix(ELA_PREFIX_CROSSCHAIN, 8);
    ela_uint256 a = fund(&x, 1000);
    uint8_t keys[2][33];
    key k1, k2;
    key_new(&k1);
    key_new(&k2);
    memcpy(keys[0], k1.pub, 33);
    memcpy(keys[1], k2.pub, 33);
    ela_tx tx;
    transfer(&tx, &a, 900, &K.ph);
    ela_bytes code = {0};
    arbiter_script(&code, 0, (const uint8_t(*)[33])keys, 2);
    tx_add_program(&tx, code.data, code.len, NULL, 0);
    ela_bytes_clear(&code);
    ela_tx_compute_hash(&tx);
    EXPECT_SANITY(&tx, 1000, NULL);
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert_msg(context_and_programs(&st, &tx, 1000), "%s %s", st.reason, st.detail);
    /* The same script under a standard address fails the code-hash binding. */
    ela_uint256 b = fund(&K.ph, 1000);
    tx.inputs[0].prev_txid = b;
    ela_tx_compute_hash(&tx);
    ela_validation_init(&st);
    ck_assert(!context_and_programs(&st, &tx, 1000));
    ck_assert_str_eq(st.reason, "bad-txns-signature");
    ela_tx_clear(&tx);
}
END_TEST

START_TEST(programs_exempt_types)
{
    ela_tx tx;
    static const uint8_t exempt[] = {ELA_TX_CR_ASSETS_RECTIFY, ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW,
                                     ELA_TX_NEXT_TURN_DPOS_INFO,
                                     ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW,
                                     ELA_TX_VOTES_REAL_WITHDRAW, ELA_TX_CRC_APPROPRIATION,
                                     ELA_TX_UPDATE_VERSION, ELA_TX_REVERT_TO_DPOS,
                                     ELA_TX_INACTIVE_ARBITRATORS};
    for (size_t i = 0; i < sizeof exempt; i++) {
        tx_new(&tx, ELA_TX_VERSION_09, exempt[i], 0);
        ck_assert_msg(!ela_txcheck_needs_signatures(&tx), "type 0x%02x", exempt[i]);
        ela_tx_clear(&tx);
    }
    static const uint8_t signed_types[] = {ELA_TX_TRANSFER_ASSET, ELA_TX_REGISTER_PRODUCER,
                                           ELA_TX_ACTIVATE_PRODUCER, ELA_TX_VOTING,
                                           ELA_TX_WITHDRAW_FROM_SIDECHAIN, ELA_TX_RECORD};
    for (size_t i = 0; i < sizeof signed_types; i++) {
        tx_new(&tx, ELA_TX_VERSION_09, signed_types[i], 0);
        ck_assert_msg(ela_txcheck_needs_signatures(&tx), "type 0x%02x", signed_types[i]);
        ela_tx_clear(&tx);
    }
    /* CRCProposalWithdraw: only payload v0 is exempt. */
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_CRC_PROPOSAL_WITHDRAW, 0);
    ck_assert(!ela_txcheck_needs_signatures(&tx));
    tx.payload.version = 1;
    ck_assert(ela_txcheck_needs_signatures(&tx));
    ela_tx_clear(&tx);
}
END_TEST

/* ==== finality ============================================================================== */

START_TEST(finality)
{
    ela_uint256 a = fund(&K.ph, 1000);
    ela_tx tx;
    transfer(&tx, &a, 900, &K.ph);
    tx.lock_time = 0;
    ck_assert(ela_tx_is_final(&tx, 5));
    tx.lock_time = 100;
    ck_assert(ela_tx_is_final(&tx, 101));
    ck_assert(!ela_tx_is_final(&tx, 100));
    /* §4.5 / §9 quirk 6: every sequence 0xFFFF (not 0xFFFFFFFF) makes it final. */
    tx.inputs[0].sequence = 0xffffffffu;
    ck_assert(!ela_tx_is_final(&tx, 100));
    tx.inputs[0].sequence = 0xffff;
    ck_assert(ela_tx_is_final(&tx, 100));
    tx_add_input(&tx, &a, 1);
    tx.inputs[1].sequence = 0xfffffffeu;
    ck_assert(!ela_tx_is_final(&tx, 100));
    tx.inputs[1].sequence = 0xffff;
    ck_assert(ela_tx_is_final(&tx, 100));
    ela_tx_clear(&tx);
}
END_TEST

/* ==== coins ================================================================================= */

START_TEST(coin_round_trip)
{
    ela_coin c = {0};
    c.height = 123456;
    c.flags = ELA_COIN_COINBASE;
    c.tx_lock_time = 0xfffffff0u;
    c.tx_type = ELA_TX_TRANSFER_ASSET;
    c.tx_version = 9;
    ela_genesis_asset_id(&c.out.asset_id);
    c.out.value = INT64_C(123456789012);
    c.out.output_lock = 77;
    c.out.program_hash = K.ph;
    c.out.type = ELA_OUTPUT_VOTE;
    c.out.payload.vote.version = 1;
    c.out.payload.vote.content_count = 1;
    c.out.payload.vote.contents = ela_xcalloc(1, sizeof(ela_vote_content));
    c.out.payload.vote.contents[0].candidate_count = 1;
    c.out.payload.vote.contents[0].candidates = ela_xcalloc(1, sizeof(ela_candidate_votes));
    ela_bytes_set(&c.out.payload.vote.contents[0].candidates[0].candidate, K.pub, 33);
    c.out.payload.vote.contents[0].candidates[0].votes = 5;

    ela_writer w;
    ela_writer_init(&w);
    ela_coin_write(&w, &c);
    ck_assert_uint_eq(w.data[0], 1); /* encoding version */
    ela_coin d;
    ela_reader r;
    ela_reader_init(&r, w.data, w.len);
    ck_assert(ela_coin_read(&r, &d));
    ck_assert(ela_reader_finish(&r, NULL));
    ela_writer w2;
    ela_writer_init(&w2);
    ela_coin_write(&w2, &d);
    ck_assert_uint_eq(w.len, w2.len);
    ck_assert_mem_eq(w.data, w2.data, w.len);
    ck_assert_uint_eq(d.height, c.height);
    ck_assert_uint_eq(d.flags, c.flags);
    ck_assert_uint_eq(d.tx_lock_time, c.tx_lock_time);
    ck_assert_int_eq(d.out.value, c.out.value);
    ck_assert_uint_eq(d.out.payload.vote.contents[0].candidates[0].votes, 5);
    ela_coin_clear(&d);
    ela_writer_clear(&w2);

    /* Every truncation fails and leaves nothing to free. */
    for (size_t n = 0; n < w.len; n++) {
        ela_reader_init(&r, w.data, n);
        ck_assert_msg(!ela_coin_read(&r, &d), "prefix %zu", n);
        ck_assert(d.out.type == 0 && d.height == 0);
    }
    /* Trailing bytes are left for the caller's finish, which fails. */
    uint8_t *longer = ela_xmalloc(w.len + 1);
    memcpy(longer, w.data, w.len);
    longer[w.len] = 0;
    ela_reader_init(&r, longer, w.len + 1);
    ck_assert(ela_coin_read(&r, &d));
    const char *why = NULL;
    ck_assert(!ela_reader_finish(&r, &why));
    ela_coin_clear(&d);
    /* Unknown encoding version, unknown flag bits. */
    longer[0] = 2;
    ela_reader_init(&r, longer, w.len);
    ck_assert(!ela_coin_read(&r, &d));
    longer[0] = 1;
    c.flags = 0x80;
    ela_writer_clear(&w);
    ela_writer_init(&w);
    ela_coin_write(&w, &c);
    ela_reader_init(&r, w.data, w.len);
    ck_assert(!ela_coin_read(&r, &d));
    free(longer);
    ela_writer_clear(&w);
    ela_coin_clear(&c);
}
END_TEST

/* ==== the null state ========================================================================= */

START_TEST(null_state)
{
    ela_state_ops s;
    ela_state_ops_null(&s, &P);
    ck_assert_int_eq(s.consensus_mode(s.ctx), ELA_CONSENSUS_DPOS);
    uint8_t keys[ELA_MAX_ARBITERS][33];
    bool normal[ELA_MAX_ARBITERS];
    size_t n = 99;
    uint32_t last = P.crc_only_dpos_height - 2;
    ck_assert(s.crosschain_arbiters(s.ctx, keys, normal, &n, ELA_MAX_ARBITERS, last));
    ck_assert_uint_eq(n, P.n_origin_arbiters);
    ck_assert_mem_eq(keys[4], P.origin_arbiters[4], 33);
    ck_assert(normal[0] && normal[4]);
    ck_assert(!s.crosschain_arbiters(s.ctx, keys, normal, &n, ELA_MAX_ARBITERS, last + 1));
    ck_assert(!s.crosschain_arbiters(s.ctx, keys, normal, &n, 2, 0)); /* no room */
    uint8_t k[33];
    ck_assert(s.onduty_crosschain_arbiter(s.ctx, k, 0));
    ck_assert_mem_eq(k, P.origin_arbiters[0], 33);
    ck_assert(s.onduty_crosschain_arbiter(s.ctx, k, 7));
    ck_assert_mem_eq(k, P.origin_arbiters[7 % P.n_origin_arbiters], 33);
    ck_assert(!s.onduty_crosschain_arbiter(s.ctx, k, last + 1));

    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert(s.check_block(s.ctx, &st, NULL, P.crc_only_dpos_height - 1));
    ck_assert(!s.check_block(s.ctx, &st, NULL, P.crc_only_dpos_height));
    ck_assert_str_eq(st.reason, ELA_REASON_NEEDS_STATE);
    ela_validation_init(&st);
    ck_assert(!s.check_coinbase(s.ctx, &st, NULL, 0, 0, P.public_dpos_height));
    ck_assert_str_eq(st.reason, ELA_REASON_NEEDS_STATE);
    ela_tx tx;
    tx_new(&tx, ELA_TX_VERSION_09, ELA_TX_REGISTER_PRODUCER, 0);
    ela_validation_init(&st);
    ck_assert(!s.check_tx(s.ctx, &st, &tx, NULL, 1000));
    ck_assert_str_eq(st.reason, ELA_REASON_NEEDS_STATE);
    ela_tx_clear(&tx);
    ela_bytes undo = {0};
    s.connect_block(s.ctx, &undo, NULL, 5);
    ck_assert_uint_eq(undo.len, 0);
    ck_assert(s.disconnect_block(s.ctx, NULL, 5, NULL, 0));
    ck_assert(s.deposit_address_registered == NULL);
}
END_TEST

/* ==== the reference node's transfer ========================================================== */

/* Builds the coins of the reference regnet chain (vectors/refnode/chain) up to height 107 and
 * checks its signed transfer (mined in block 108) through sanity, context and programs. */
START_TEST(vectors_refnode_transfer)
{
    json_t *blocks = ela_test_load_jsonl("refnode/chain/regnet_node1_blocks.jsonl");
    size_t nb = json_array_size(blocks);
    ck_assert_uint_ge(nb, 109);
    ela_tx spend_in_108;
    ela_tx_init(&spend_in_108);
    for (size_t i = 0; i < nb; i++) {
        json_t *b = json_array_get(blocks, i);
        uint32_t height = (uint32_t)json_integer_value(json_object_get(b, "height"));
        ela_bytes raw = ela_test_unhex(ela_test_json_str(b, "raw"));
        ela_block blk;
        const char *why = NULL;
        ck_assert_msg(ela_block_parse(&blk, raw.data, raw.len, &why), "block %u: %s", height,
                      why);
        ela_bytes_clear(&raw);
        for (size_t t = 0; t < blk.n_txs; t++) {
            if (height == 108 && !ela_tx_is_coinbase(&blk.txs[t])) {
                ela_tx_clear(&spend_in_108);
                ela_writer w;
                ela_writer_init(&w);
                ela_tx_write(&w, &blk.txs[t]);
                ck_assert(ela_tx_parse(&spend_in_108, w.data, w.len, NULL));
                ela_writer_clear(&w);
                continue;
            }
            if (height < 108)
                chain_add(&blk.txs[t], height);
        }
        ela_block_clear(&blk);
    }
    json_decref(blocks);

    char *hex = ela_test_read_text("refnode/rpc/transfer_tx_signed.hex");
    hex[strcspn(hex, " \r\n")] = '\0';
    ela_bytes raw = ela_test_unhex(hex);
    free(hex);
    ela_tx tx;
    ck_assert(ela_tx_parse(&tx, raw.data, raw.len, NULL));
    ela_bytes_clear(&raw);
    /* It is the tx block 108 carries, and it spends output 1 of block 1's coinbase. */
    ck_assert(ela_uint256_equal(&tx.txid, &spend_in_108.txid));
    ela_tx_clear(&spend_in_108);
    ck_assert_uint_eq(tx.input_count, 1);
    ck_assert_str_eq(ela_test_hash_hex(&tx.inputs[0].prev_txid),
                     "500e9b0d8a2332e577df7765751022ed9e197faaac040759965f5c83a406116f");
    ck_assert_uint_eq(tx.inputs[0].prev_index, 1);

    EXPECT_SANITY(&tx, 108, NULL);
    ela_coin refs[1];
    memset(refs, 0, sizeof refs);
    ela_tx_context ctx = {.height = 108, .tip_height = 107, .in_block = true};
    ela_validation_state st;
    ela_validation_init(&st);
    int64_t fee = -1;
    ck_assert_msg(ela_tx_check_context(&st, &fee, refs, &P, &VIEW, &STATE, &tx, &ctx), "%s %s",
                  st.reason, st.detail);
    ck_assert(refs[0].flags & ELA_COIN_COINBASE);
    ck_assert_uint_eq(refs[0].tx_lock_time, 1);
    ck_assert(ela_uint168_equal(&refs[0].out.program_hash, &K.ph));
    ck_assert_int_ge(fee, P.min_tx_fee);
    ck_assert_msg(ela_txcheck_programs(&st, &tx, refs), "%s %s", st.reason, st.detail);
    ela_coin_clear(&refs[0]);
    /* The null state is all this chain needs: it is below CRCOnlyDPOSHeight. */
    ela_state_ops_null(&STATE, &P);
    ela_validation_init(&st);
    ck_assert(context_and_programs(&st, &tx, 108));
    /* One block earlier the coinbase (lock time 1) is 99 blocks old. */
    ela_validation_init(&st);
    ck_assert(!context_and_programs(&st, &tx, 101));
    ck_assert_str_eq(st.reason, "bad-txns-premature-spend-of-coinbase");
    ela_validation_init(&st);
    ck_assert(context_and_programs(&st, &tx, 102));
    ela_tx_clear(&tx);
}
END_TEST

static Suite *txcheck_suite(void)
{
    Suite *s = suite_create("txcheck");
    TCase *tc = tcase_create("sanity");
    tcase_add_checked_fixture(tc, env_setup, env_teardown);
    tcase_add_test(tc, sanity_transfer_basic);
    tcase_add_test(tc, sanity_inputs);
    tcase_add_test(tc, sanity_coinbase);
    tcase_add_test(tc, sanity_outputs);
    tcase_add_test(tc, sanity_vote_outputs);
    tcase_add_test(tc, sanity_mapping_output);
    tcase_add_test(tc, sanity_output_payloads);
    tcase_add_test(tc, sanity_attributes_programs);
    tcase_add_test(tc, sanity_payloads);
    tcase_add_test(tc, sanity_zero_cost_types);
    tcase_add_test(tc, sanity_height_version);
    tcase_add_test(tc, sanity_exchange_votes);
    tcase_add_test(tc, sanity_new_sidechain_pow);
    tcase_add_test(tc, sanity_voting_payload);
    suite_add_tcase(s, tc);

    tc = tcase_create("context");
    tcase_add_checked_fixture(tc, env_setup, env_teardown);
    tcase_add_test(tc, context_transfer_fee_and_signature);
    tcase_add_test(tc, context_references);
    tcase_add_test(tc, context_register_asset_outputs_unspendable);
    tcase_add_test(tc, context_output_lock);
    tcase_add_test(tc, context_destroy_and_deposit);
    tcase_add_test(tc, context_coinbase_maturity);
    tcase_add_test(tc, context_frozen_and_crosschain_freeze);
    tcase_add_test(tc, context_pow_mode_and_votes);
    tcase_add_test(tc, context_state_types);
    tcase_add_test(tc, context_exchange_votes_pow_mode);
    tcase_add_test(tc, context_payload_shape_rejects);
    tcase_add_test(tc, context_sidechain_pow);
    tcase_add_test(tc, context_crosschain_v0);
    tcase_add_test(tc, context_crosschain_v1);
    tcase_add_test(tc, context_withdraw_v0);
    tcase_add_test(tc, context_withdraw_v1);
    tcase_add_test(tc, context_withdraw_v2);
    tcase_add_test(tc, context_return_deposit);
    tcase_add_test(tc, quirk_return_deposit_of_non_crosschain_tx);
    tcase_add_test(tc, context_coinbase_own);
    suite_add_tcase(s, tc);

    tc = tcase_create("programs");
    tcase_add_checked_fixture(tc, env_setup, env_teardown);
    tcase_add_test(tc, programs_required_hashes);
    tcase_add_test(tc, quirk_crosschain_program_m_zero);
    tcase_add_test(tc, programs_exempt_types);
    tcase_add_test(tc, finality);
    tcase_add_test(tc, coin_round_trip);
    tcase_add_test(tc, null_state);
    suite_add_tcase(s, tc);

    if (ela_test_have_vectors("txcheck vectors")) {
        tc = tcase_create("vectors");
        tcase_add_checked_fixture(tc, env_setup, env_teardown);
        tcase_add_test(tc, vectors_refnode_transfer);
        suite_add_tcase(s, tc);
    }
    return s;
}

int main(void)
{
    return ela_test_run(txcheck_suite());
}
