/* elad tests: block rules without a database (blockcheck.h): sanity (§3.2) and per-block
 * uniqueness (§3.3), retarget (§2.4), median time past, header context, finality and the
 * coinbase reward (§3.5).
 *
 * Valid inputs are real blocks of the reference node (refnode/chain/ JSON lines); each rejecting
 * case mutates one thing. A mutation that changes the header hash needs a new AuxPoW: the
 * block is then re-mined at bits 0x207fffff (about one hash in two succeeds), so that only the
 * mutated rule can fail. */
#include "testutil.h"

#include <ela/auxpow.h>
#include <ela/block.h>
#include <ela/contract.h>
#include <ela/blockcheck.h>
#include <ela/params.h>
#include <ela/payload.h>
#include <ela/pow.h>
#include <ela/serialize.h>
#include <ela/tx.h>
#include <ela/txcheck.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REGNET_CHAIN "refnode/chain/regnet_node1_blocks.jsonl"
#define INSTANT_CHAIN "refnode/chain/regnet_instantblock_node3_first50.jsonl"
#define REGNET_REWARD INT64_C(502283105)

/* ---- helpers ----------------------------------------------------------------------------- */

static json_t *chains[2];

static json_t *chain(int which)
{
    if (!chains[which])
        chains[which] = ela_test_load_jsonl(which ? INSTANT_CHAIN : REGNET_CHAIN);
    return chains[which];
}

static size_t chain_len(int which)
{
    return json_array_size(chain(which));
}

/* Parses the block at `height` of a chain file (0: regnet node1, 1: instant node3). */
static void load_block(ela_block *b, int which, size_t height)
{
    const json_t *e = json_array_get(chain(which), height);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(json_integer_value(json_object_get(e, "height")), (json_int_t)height);
    ela_bytes raw = ela_test_unhex(ela_test_json_str(e, "raw"));
    const char *why = NULL;
    ck_assert_msg(ela_block_parse(b, raw.data, raw.len, &why), "block %zu: %s", height, why);
    ela_bytes_clear(&raw);
    ck_assert_uint_eq(b->header.height, height);
}

static void regnet(ela_params *p)
{
    ela_params_init(p, ELA_NET_REGNET);
}

static void expect_reason(const ela_validation_state *st, const char *reason)
{
    ck_assert_msg(!ela_validation_ok(st), "accepted; expected %s", reason);
    ck_assert_msg(strcmp(st->reason, reason) == 0, "reason \"%s\" (%s), expected \"%s\"",
                  st->reason, st->detail, reason);
}

static void expect_ok(const ela_validation_state *st)
{
    ck_assert_msg(ela_validation_ok(st), "rejected: %s (%s)", st->reason, st->detail);
}

/* Sanity of b under p with adjusted time "now": must reject with reason (NULL: accept). */
static void sanity_expect(const ela_params *p, const ela_block *b, const char *reason)
{
    ela_validation_state st;
    ela_validation_init(&st);
    bool ok = ela_block_check_sanity(&st, p, b, (int64_t)time(NULL));
    ck_assert(ok == ela_validation_ok(&st));
    if (reason)
        expect_reason(&st, reason);
    else
        expect_ok(&st);
}

/* Gives the header a fresh AuxPoW committing to its current hash, without mining. */
static void resolo(ela_block *b)
{
    ela_block_header *h = &b->header;
    ela_block_header_update_hash(h);
    ela_auxpow_clear(&h->auxpow);
    ela_auxpow_init_solo(&h->auxpow, &h->hash, h->timestamp);
}

/* resolo then grinds the parent nonce until the proof of work meets `bits`. */
static void remine(ela_block *b, uint32_t bits)
{
    b->header.bits = bits;
    resolo(b);
    for (int i = 0; i < 100000; i++) {
        if (ela_pow_check_auxpow(&b->header.auxpow, bits, NULL))
            return;
        b->header.auxpow.parent_header.nonce++;
    }
    ck_abort_msg("no proof of work found for bits %08x", bits);
}

static void tx_copy(ela_tx *dst, const ela_tx *src)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, src);
    ck_assert(ela_tx_parse(dst, w.data, w.len, NULL));
    ela_writer_clear(&w);
}

static size_t header_full_size(const ela_block_header *h)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_block_header_write(&w, h);
    size_t n = w.len;
    ela_writer_clear(&w);
    return n;
}

/* A RecordSponsor (type 0x66, tx version 9): no inputs, outputs or programs, one attribute. */
static void make_record_sponsor(ela_tx *tx, uint8_t fill)
{
    ela_tx_init(tx);
    tx->version = ELA_TX_VERSION_09;
    ela_payload_init(&tx->payload, ELA_TX_RECORD_SPONSOR, 0);
    uint8_t key[33];
    memset(key, fill, sizeof key);
    key[0] = 0x02;
    ela_bytes_set(&tx->payload.u.record_sponsor.sponsor, key, sizeof key);
    tx->attribute_count = 1;
    tx->attributes = ela_xcalloc(1, sizeof *tx->attributes);
    tx->attributes[0].usage = ELA_ATTR_NONCE;
    ela_bytes_set(&tx->attributes[0].data, &fill, 1);
    ela_tx_compute_hash(tx);
}

/* ---- whole chains ------------------------------------------------------------------------ */

START_TEST(regnet_chain_passes_every_rule)
{
    ela_params p;
    regnet(&p);
    size_t n = chain_len(0);
    ck_assert_uint_ge(n, 100);
    uint32_t times[200], bits[200];
    ela_block b;
    load_block(&b, 0, 0);
    times[0] = b.header.timestamp;
    bits[0] = b.header.bits;
    ela_block_clear(&b);
    for (size_t h = 1; h < n && h < 200; h++) {
        load_block(&b, 0, h);
        sanity_expect(&p, &b, NULL);

        uint32_t prev = (uint32_t)h - 1;
        /* 200 blocks never reach a retarget window; the loop stays below 720. */
        ck_assert(!ela_pow_needs_retarget(&p, prev));
        uint32_t first = 0;
        uint32_t expected = ela_pow_next_bits(&p, prev, bits[prev], times[prev], first);
        uint32_t window[ELA_MTP_SPAN];
        size_t k = 0;
        for (size_t j = h; j > 0 && k < ELA_MTP_SPAN; j--)
            window[k++] = times[j - 1];
        uint32_t mtp = ela_median_time_past(window, k);

        ela_validation_state st;
        ela_validation_init(&st);
        ck_assert(ela_block_check_header_context(&st, &b.header, prev, expected, mtp));
        ck_assert(ela_block_check_final(&st, &b));
        /* Only block 108 carries a fee: Σ coinbase outputs − reward. */
        int64_t sum = 0;
        for (size_t i = 0; i < b.txs[0].output_count; i++)
            sum += b.txs[0].outputs[i].value;
        int64_t fee = sum - REGNET_REWARD;
        ck_assert(b.n_txs > 1 || fee == 0);
        ck_assert(ela_block_check_coinbase(&st, &p, NULL, &b, fee));
        expect_ok(&st);

        /* The reference miner's split (§1.6) is exactly what these coinbases hold. */
        int64_t f, m, r;
        ela_reward_split_pre_dpos(&f, &m, &r, sum);
        ck_assert_uint_eq(b.txs[0].output_count, 3);
        ck_assert_int_eq(b.txs[0].outputs[0].value, f);
        ck_assert_int_eq(b.txs[0].outputs[1].value, m);
        ck_assert_int_eq(b.txs[0].outputs[2].value, r);

        times[h] = b.header.timestamp;
        bits[h] = b.header.bits;
        ela_block_clear(&b);
    }
}
END_TEST

START_TEST(instant_chain_passes_every_rule)
{
    ela_params p;
    regnet(&p);
    ela_params_set_instant_block(&p);
    size_t n = chain_len(1);
    ck_assert_uint_ge(n, 10);
    uint32_t prev_bits = 0, prev_time = 0;
    for (size_t h = 0; h < n; h++) {
        ela_block b;
        load_block(&b, 1, h);
        if (h > 0) {
            /* Instant blocks run ahead of the wall clock: check against their own time. */
            ela_validation_state st;
            ela_validation_init(&st);
            ck_assert_msg(ela_block_check_sanity(&st, &p, &b, b.header.timestamp), "%zu: %s",
                          h, st.reason);
            ck_assert(!ela_pow_needs_retarget(&p, (uint32_t)h - 1));
            uint32_t want = ela_pow_next_bits(&p, (uint32_t)h - 1, prev_bits, prev_time, 0);
            ck_assert_uint_eq(want, 0x207fffff);
            ck_assert_uint_eq(b.header.bits, want);
        }
        prev_bits = b.header.bits;
        prev_time = b.header.timestamp;
        ela_block_clear(&b);
    }
}
END_TEST

/* ---- §3.2 sanity, step by step ----------------------------------------------------------- */

START_TEST(sanity_auxpow)
{
    ela_params p;
    regnet(&p);
    ela_block b;
    load_block(&b, 0, 5);
    sanity_expect(&p, &b, NULL);
    /* Any header field change moves the hash away from the one the AuxPoW commits to. */
    b.header.nonce ^= 1;
    ela_block_header_update_hash(&b.header);
    sanity_expect(&p, &b, "bad-auxpow");
    b.header.nonce ^= 1;
    b.header.bits = 0x1f0008fe;
    ela_block_header_update_hash(&b.header);
    sanity_expect(&p, &b, "bad-auxpow");
    /* A stale hash field is not trusted: the hash is recomputed from the fields. */
    ela_block_clear(&b);
    load_block(&b, 0, 5);
    b.header.timestamp++;
    sanity_expect(&p, &b, "bad-auxpow");
    ela_block_clear(&b);
}
END_TEST

START_TEST(sanity_pow)
{
    ela_params p;
    regnet(&p);
    ela_block b;
    load_block(&b, 0, 7);
    /* The parent nonce is outside the ELA hash: the AuxPoW still commits, the work fails. */
    const char *why = NULL;
    while (ela_pow_check_auxpow(&b.header.auxpow, b.header.bits, &why))
        b.header.auxpow.parent_header.nonce++;
    ck_assert_str_eq(why, "high-hash");
    sanity_expect(&p, &b, "high-hash");

    b.header.bits = 0;
    resolo(&b);
    sanity_expect(&p, &b, "bad-diffbits");
    b.header.bits = 0x1f8008ff; /* negative */
    resolo(&b);
    sanity_expect(&p, &b, "bad-diffbits");
    b.header.bits = 0x2100ffff; /* above 2^255 - 1 */
    resolo(&b);
    sanity_expect(&p, &b, "bad-diffbits-powlimit");
    /* Sanity judges the header's own bits against PowLimit, not the network's bits. */
    remine(&b, 0x207fffff);
    sanity_expect(&p, &b, NULL);
    ela_block_clear(&b);
}
END_TEST

START_TEST(sanity_time)
{
    ela_params p;
    regnet(&p);
    ela_block b;
    load_block(&b, 0, 9);
    int64_t ts = b.header.timestamp;
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert(ela_block_check_sanity(&st, &p, &b, ts - 7200));
    ck_assert(!ela_block_check_sanity(&st, &p, &b, ts - 7201));
    expect_reason(&st, "time-too-new");
    p.max_time_offset = 0;
    ela_validation_init(&st);
    ck_assert(ela_block_check_sanity(&st, &p, &b, ts));
    ck_assert(!ela_block_check_sanity(&st, &p, &b, ts - 1));
    expect_reason(&st, "time-too-new");
    ela_block_clear(&b);
}
END_TEST

START_TEST(sanity_tx_count)
{
    ela_params p;
    regnet(&p);
    ela_block b;
    load_block(&b, 0, 108);
    ck_assert_uint_eq(b.n_txs, 2);
    p.max_tx_per_block = 2;
    sanity_expect(&p, &b, NULL);
    p.max_tx_per_block = 1;
    sanity_expect(&p, &b, "bad-blk-tx-count");
    regnet(&p);
    /* No transactions: the header (and its AuxPoW) is untouched. */
    for (size_t i = 0; i < b.n_txs; i++)
        ela_tx_clear(&b.txs[i]);
    b.n_txs = 0;
    sanity_expect(&p, &b, "bad-blk-tx-count");
    ela_block_clear(&b);
}
END_TEST

START_TEST(sanity_sizes)
{
    ela_params p;
    regnet(&p);
    ela_block b;
    load_block(&b, 0, 108);
    size_t hsize = header_full_size(&b.header);
    ck_assert_uint_lt(hsize, b.size);
    p.max_block_header_size = (uint32_t)hsize;
    sanity_expect(&p, &b, NULL);
    p.max_block_header_size = (uint32_t)hsize - 1;
    sanity_expect(&p, &b, "bad-header-size");

    /* The whole block against MaxBlockSize + MaxBlockHeaderSize. */
    regnet(&p);
    p.max_block_context_size = (uint32_t)b.size - p.max_block_header_size;
    sanity_expect(&p, &b, NULL);
    p.max_block_context_size--;
    sanity_expect(&p, &b, "bad-blk-length");
    ela_block_clear(&b);
}
END_TEST

START_TEST(sanity_coinbase_position)
{
    ela_params p;
    regnet(&p);
    ela_block b;
    load_block(&b, 0, 108);
    ela_tx t = b.txs[0];
    b.txs[0] = b.txs[1];
    b.txs[1] = t;
    sanity_expect(&p, &b, "bad-cb-missing");
    ela_block_clear(&b);

    load_block(&b, 0, 6);
    ela_tx cb;
    tx_copy(&cb, &b.txs[0]);
    cb.lock_time++; /* another txid, so this is about the coinbase count only */
    ela_tx_compute_hash(&cb);
    ela_block_add_tx(&b, &cb);
    sanity_expect(&p, &b, "bad-cb-multiple");
    ela_block_clear(&b);
}
END_TEST

START_TEST(sanity_duplicate_tx_and_inputs)
{
    ela_params p;
    regnet(&p);
    ela_block b;
    ela_tx t;

    load_block(&b, 0, 108);
    tx_copy(&t, &b.txs[1]);
    ela_block_add_tx(&b, &t);
    sanity_expect(&p, &b, "bad-txns-duplicate");
    ela_block_clear(&b);

    /* Same inputs, another txid. */
    load_block(&b, 0, 108);
    tx_copy(&t, &b.txs[1]);
    t.lock_time += 1;
    ela_tx_compute_hash(&t);
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert(ela_tx_check_sanity(&st, &p, &t, 108));
    ela_block_add_tx(&b, &t);
    sanity_expect(&p, &b, "bad-txns-inputs-duplicate");
    ela_block_clear(&b);
}
END_TEST

START_TEST(sanity_tx_rules_apply)
{
    ela_params p;
    regnet(&p);
    ela_block b;
    load_block(&b, 0, 108);
    /* A negative output in tx 1: the block fails with the transaction's own reason. */
    b.txs[1].outputs[0].value = -1;
    ela_tx_compute_hash(&b.txs[1]);
    ela_validation_state tx_st;
    ela_validation_init(&tx_st);
    ck_assert(!ela_tx_check_sanity(&tx_st, &p, &b.txs[1], 108));
    sanity_expect(&p, &b, tx_st.reason);
    ela_block_clear(&b);

    /* The coinbase rules run at the header's height: a 29 % foundation share fails. */
    load_block(&b, 0, 50);
    ela_tx *cb = &b.txs[0];
    int64_t total = 0;
    for (size_t i = 0; i < cb->output_count; i++)
        total += cb->outputs[i].value;
    cb->outputs[0].value = total * 29 / 100;
    cb->outputs[2].value += total - (cb->outputs[0].value + cb->outputs[1].value +
                                     cb->outputs[2].value);
    ela_tx_compute_hash(cb);
    ela_validation_init(&tx_st);
    ck_assert(!ela_tx_check_sanity(&tx_st, &p, cb, 50));
    ela_block_update(&b);
    remine(&b, 0x207fffff);
    sanity_expect(&p, &b, tx_st.reason);
    ela_block_clear(&b);
}
END_TEST

START_TEST(sanity_merkle_root)
{
    ela_params p;
    regnet(&p);
    ela_block b;
    load_block(&b, 0, 108);
    remine(&b, 0x207fffff);
    sanity_expect(&p, &b, NULL); /* re-mining alone changes nothing else */
    b.header.merkle_root.b[0] ^= 0x01;
    remine(&b, 0x207fffff);
    sanity_expect(&p, &b, "bad-txnmrklroot");
    ela_block_clear(&b);

    /* Reordered transactions: a different root (after the coinbase rule, so order 0,2,1). */
    load_block(&b, 0, 108);
    ela_tx t;
    tx_copy(&t, &b.txs[1]);
    t.lock_time += 7;
    for (size_t i = 0; i < t.input_count; i++)
        t.inputs[i].prev_index ^= 0x100; /* distinct outpoints */
    ela_tx_compute_hash(&t);
    ela_block_add_tx(&b, &t);
    ela_block_update(&b);
    remine(&b, 0x207fffff);
    sanity_expect(&p, &b, NULL);
    t = b.txs[1];
    b.txs[1] = b.txs[2];
    b.txs[2] = t;
    sanity_expect(&p, &b, "bad-txnmrklroot");
    ela_block_clear(&b);
}
END_TEST

START_TEST(sanity_record_sponsor_once)
{
    ela_params p;
    regnet(&p);
    p.record_sponsor_start_height = 0;
    ela_block b;
    ela_tx t;
    load_block(&b, 0, 20);
    make_record_sponsor(&t, 0x11);
    ela_block_add_tx(&b, &t);
    ela_block_update(&b);
    remine(&b, 0x207fffff);
    sanity_expect(&p, &b, NULL);
    make_record_sponsor(&t, 0x22); /* another sponsor: still two RecordSponsor txs */
    ela_block_add_tx(&b, &t);
    ela_block_update(&b);
    remine(&b, 0x207fffff);
    sanity_expect(&p, &b, "bad-blk-dup-sponsor");
    ela_block_clear(&b);
}
END_TEST

/* ---- §3.3 uniqueness on synthetic blocks ------------------------------------------------- */

static ela_tx *add_tx(ela_block *b, uint8_t type)
{
    ela_tx t;
    ela_tx_init(&t);
    t.version = ELA_TX_VERSION_09;
    ela_payload_init(&t.payload, type, 0);
    ela_block_add_tx(b, &t);
    return &b->txs[b->n_txs - 1];
}

static void set_key(ela_bytes *dst, uint8_t v)
{
    uint8_t k[33];
    memset(k, v, sizeof k);
    ela_bytes_clear(dst);
    ela_bytes_set(dst, k, sizeof k);
}

static ela_tx *add_producer(ela_block *b, uint8_t type, uint8_t owner, uint8_t node)
{
    ela_tx *t = add_tx(b, type);
    if (type == ELA_TX_CANCEL_PRODUCER) {
        set_key(&t->payload.u.process_producer.owner_key, owner);
    } else {
        set_key(&t->payload.u.producer_info.owner_key, owner);
        set_key(&t->payload.u.producer_info.node_public_key, node);
    }
    return t;
}

static void add_cr(ela_block *b, uint8_t type, uint8_t cid)
{
    ela_tx *t = add_tx(b, type);
    ela_uint168 *c = type == ELA_TX_UNREGISTER_CR ? &t->payload.u.unregister_cr.cid
                                                  : &t->payload.u.cr_info.cid;
    memset(c->b, cid, sizeof c->b);
}

static void add_withdraw(ela_block *b, const uint8_t *fills, size_t n)
{
    ela_tx *t = add_tx(b, ELA_TX_WITHDRAW_FROM_SIDECHAIN);
    ela_uint256_list *l = &t->payload.u.withdraw_from_sidechain.side_chain_tx_hashes;
    l->items = ela_xcalloc(n ? n : 1, sizeof *l->items);
    l->count = n;
    for (size_t i = 0; i < n; i++)
        memset(l->items[i].b, fills[i], 32);
}

static void dup_expect(const ela_block *b, const char *reason)
{
    ela_validation_state st;
    ela_validation_init(&st);
    bool ok = ela_block_check_duplicates(&st, b);
    ck_assert(ok == ela_validation_ok(&st));
    if (reason)
        expect_reason(&st, reason);
    else
        expect_ok(&st);
}

START_TEST(duplicates_rules)
{
    ela_block b;

    /* Distinct everything: accepted, including a CancelProducer whose owner key equals
     * another producer's NODE key (different namespaces). */
    ela_block_init(&b);
    add_tx(&b, ELA_TX_COINBASE);
    add_producer(&b, ELA_TX_REGISTER_PRODUCER, 1, 2);
    add_producer(&b, ELA_TX_UPDATE_PRODUCER, 3, 4);
    add_producer(&b, ELA_TX_CANCEL_PRODUCER, 2, 0);
    add_cr(&b, ELA_TX_REGISTER_CR, 1);
    add_cr(&b, ELA_TX_UPDATE_CR, 2);
    add_cr(&b, ELA_TX_UNREGISTER_CR, 3);
    add_withdraw(&b, (const uint8_t[]){1, 2}, 2);
    add_withdraw(&b, (const uint8_t[]){3}, 1);
    add_withdraw(&b, NULL, 0);
    add_tx(&b, ELA_TX_RECORD_SPONSOR);
    dup_expect(&b, NULL);
    ela_block_clear(&b);

    /* Each rule rejecting. */
    ela_block_init(&b);
    add_tx(&b, ELA_TX_RECORD_SPONSOR);
    add_tx(&b, ELA_TX_RECORD_SPONSOR);
    dup_expect(&b, "bad-blk-dup-sponsor");
    ela_block_clear(&b);

    ela_block_init(&b);
    add_withdraw(&b, (const uint8_t[]){1, 2}, 2);
    add_withdraw(&b, (const uint8_t[]){3, 2}, 2);
    dup_expect(&b, "bad-blk-dup-withdraw-hash");
    ela_block_clear(&b);

    ela_block_init(&b);
    add_producer(&b, ELA_TX_REGISTER_PRODUCER, 1, 2);
    add_producer(&b, ELA_TX_CANCEL_PRODUCER, 1, 0);
    dup_expect(&b, "bad-blk-dup-producer");
    ela_block_clear(&b);

    ela_block_init(&b);
    add_producer(&b, ELA_TX_REGISTER_PRODUCER, 1, 2);
    add_producer(&b, ELA_TX_UPDATE_PRODUCER, 3, 2);
    dup_expect(&b, "bad-blk-dup-producer-node");
    ela_block_clear(&b);

    ela_block_init(&b);
    add_cr(&b, ELA_TX_UPDATE_CR, 7);
    add_cr(&b, ELA_TX_UNREGISTER_CR, 7);
    dup_expect(&b, "bad-blk-dup-cr");
    ela_block_clear(&b);

    /* The first repeat in block order decides the reason: the CR repeat (tx 3) comes before
     * the producer repeat (tx 4). */
    ela_block_init(&b);
    add_producer(&b, ELA_TX_REGISTER_PRODUCER, 1, 2);
    add_cr(&b, ELA_TX_REGISTER_CR, 5);
    add_tx(&b, ELA_TX_TRANSFER_ASSET);
    add_cr(&b, ELA_TX_UPDATE_CR, 5);
    add_producer(&b, ELA_TX_UPDATE_PRODUCER, 1, 9);
    dup_expect(&b, "bad-blk-dup-cr");
    ela_block_clear(&b);

    /* Within one producer tx the owner is looked at before the node key. */
    ela_block_init(&b);
    add_producer(&b, ELA_TX_REGISTER_PRODUCER, 1, 2);
    add_producer(&b, ELA_TX_UPDATE_PRODUCER, 1, 2);
    dup_expect(&b, "bad-blk-dup-producer");
    ela_block_clear(&b);
}
END_TEST

/* ---- §2.4 retarget ------------------------------------------------------------------------------
 *
 * Expected values derived by hand with T = CompactToBig(bits):
 *   0x1f0008ff: T = 0x8ff·2^224.
 *     span 43200 (unclamped): T/2 = 0x47f80·2^216, 30 bytes, mantissa 0x047f80 -> 0x1e047f80.
 *     span 86400 (no change): T itself, renormalised: 0x08ff00·2^216 -> 0x1e08ff00.
 *     span < 21600 clamps to 21600: T/4 = 0x23fc0·2^216 -> 0x1e023fc0.
 *     span > 345600 clamps to 345600: 4T = 0x23fc00·2^216 -> 0x1e23fc00.
 *   0x1d03ffff, span 50000: floor(0x3ffff·2^208·50000/86400) -> 0x1d025097.
 *   0x207fffff, span 345600: 4T > 2^255 - 1 -> PowLimit -> 0x207fffff.
 *   0x21010000 (2^256, beyond 256 bits), span 21600: 2^254 -> 0x20400000.
 *   0x03000007 (7), span 43200: floor(3.5) = 3 -> 0x01030000.
 *   0x03800007 (-7), span 43200: Euclidean floor(-3.5) = -4 -> 0x01840000.
 *   0x03000100 (256), span 43200: 128 = 0x80, top bit moves a byte -> 0x02008000. */

START_TEST(retarget_window)
{
    ela_params p;
    regnet(&p);
    ck_assert(!ela_pow_needs_retarget(&p, 0));
    ck_assert(!ela_pow_needs_retarget(&p, 1));
    ck_assert(!ela_pow_needs_retarget(&p, 718));
    ck_assert(ela_pow_needs_retarget(&p, 719));
    ck_assert(!ela_pow_needs_retarget(&p, 720));
    ck_assert(ela_pow_needs_retarget(&p, 1439));
    ck_assert(ela_pow_needs_retarget(&p, 720u * 1000 - 1));
    /* (prev + 1) wraps to 0 in uint32: a retarget in the reference too. */
    ck_assert(ela_pow_needs_retarget(&p, UINT32_MAX));

    /* Block 1 always gets PowLimitBits, whatever the genesis bits. */
    ck_assert_uint_eq(ela_pow_next_bits(&p, 0, 0x1d03ffff, 1513936800, 0), 0x1f0008ff);
    /* Off the window the previous bits are kept (first_time unused). */
    ck_assert_uint_eq(ela_pow_next_bits(&p, 1, 0x1f0008ff, 1000, 999999), 0x1f0008ff);
    ck_assert_uint_eq(ela_pow_next_bits(&p, 720, 0x1c123456, 5, 7), 0x1c123456);
    ck_assert_uint_eq(ela_pow_next_bits(&p, 1438, 0x1e047f80, 0, 0), 0x1e047f80);
}
END_TEST

START_TEST(retarget_values)
{
    ela_params p;
    regnet(&p);
    const uint32_t t0 = 1600000000;
    static const struct {
        uint32_t bits;
        uint32_t span; /* prev_time - first_time, uint32 */
        uint32_t want;
    } cases[] = {
        {0x1f0008ff, 43200, 0x1e047f80},  {0x1f0008ff, 86400, 0x1e08ff00},
        {0x1f0008ff, 21600, 0x1e023fc0},  {0x1f0008ff, 100, 0x1e023fc0},
        {0x1f0008ff, 0, 0x1e023fc0},      {0x1f0008ff, 345600, 0x1e23fc00},
        {0x1f0008ff, 1000000, 0x1e23fc00}, {0x1d03ffff, 50000, 0x1d025097},
        {0x207fffff, 345600, 0x207fffff}, {0x21010000, 100, 0x20400000},
        {0x03000007, 43200, 0x01030000},  {0x03800007, 43200, 0x01840000},
        {0x03000100, 43200, 0x02008000},  {0x03000001, 43200, 0},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        uint32_t got = ela_pow_next_bits(&p, 719, cases[i].bits, t0 + cases[i].span, t0);
        ck_assert_msg(got == cases[i].want, "bits %08x span %u: %08x, expected %08x",
                      cases[i].bits, cases[i].span, got, cases[i].want);
    }
    /* A last block earlier than the first: the uint32 difference wraps to ~2^32 and clamps
     * to the maximum, making the next target four times easier (§9 quirk 2). */
    ck_assert_uint_eq(ela_pow_next_bits(&p, 1439, 0x1f0008ff, 1000, 2000), 0x1e23fc00);
    /* Mainnet uses the same numbers. */
    ela_params m;
    ela_params_init(&m, ELA_NET_MAINNET);
    ck_assert_uint_eq(ela_pow_next_bits(&m, 719, 0x1f0008ff, t0 + 43200, t0), 0x1e047f80);
}
END_TEST

START_TEST(retarget_instant)
{
    ela_params p;
    regnet(&p);
    ela_params_set_instant_block(&p);
    /* PowLimitBits 0x207fffff turns retargeting off entirely. */
    for (uint32_t h = 0; h < 2000; h += 7) {
        ck_assert(!ela_pow_needs_retarget(&p, h));
        ck_assert_uint_eq(ela_pow_next_bits(&p, h, 0x1f0008ff, 10, 1), 0x207fffff);
    }
    ck_assert_uint_eq(ela_pow_next_bits(&p, 719, 0x1e047f80, 100000, 0), 0x207fffff);
    /* The window follows the configured timespan / spacing (here 3600 / 60 = 60 blocks). */
    regnet(&p);
    p.target_timespan = 3600;
    p.target_time_per_block = 60;
    ck_assert(ela_pow_needs_retarget(&p, 59));
    ck_assert(!ela_pow_needs_retarget(&p, 60));
    /* span 1800 of 3600: half the target. */
    ck_assert_uint_eq(ela_pow_next_bits(&p, 59, 0x1f0008ff, 1800, 0), 0x1e047f80);
}
END_TEST

/* ---- median time past and header context ------------------------------------------------- */

START_TEST(median_time)
{
    uint32_t t11[ELA_MTP_SPAN + 1] = {110, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 1};
    ck_assert_uint_eq(ela_median_time_past(t11, 11), 60);
    /* Only the first 11 (newest) count. */
    ck_assert_uint_eq(ela_median_time_past(t11, 12), 60);
    uint32_t mixed[5] = {500, 100, 900, 300, 700};
    ck_assert_uint_eq(ela_median_time_past(mixed, 5), 500);
    ck_assert_uint_eq(mixed[0], 500); /* input untouched */
    uint32_t two[2] = {100, 50};
    ck_assert_uint_eq(ela_median_time_past(two, 2), 100); /* element n/2 = 1 after sorting */
    uint32_t four[4] = {4, 3, 2, 1};
    ck_assert_uint_eq(ela_median_time_past(four, 4), 3);
    ck_assert_uint_eq(ela_median_time_past(two, 1), 100);
    uint32_t same[3] = {7, 7, 7};
    ck_assert_uint_eq(ela_median_time_past(same, 3), 7);
}
END_TEST

START_TEST(header_context_rules)
{
    ela_block_header h;
    ela_block_header_init(&h);
    h.height = 100;
    h.bits = 0x1f0008ff;
    h.timestamp = 5000;
    ela_validation_state st;

    ela_validation_init(&st);
    ck_assert(ela_block_check_header_context(&st, &h, 99, 0x1f0008ff, 4999));
    /* Timestamp equal to the median is accepted (§9 quirk 1) ... */
    ck_assert(ela_block_check_header_context(&st, &h, 99, 0x1f0008ff, 5000));
    expect_ok(&st);
    /* ... one second below is not. */
    ck_assert(!ela_block_check_header_context(&st, &h, 99, 0x1f0008ff, 5001));
    expect_reason(&st, "time-too-old");

    ela_validation_init(&st);
    ck_assert(!ela_block_check_header_context(&st, &h, 99, 0x1f0008fe, 0));
    expect_reason(&st, "bad-diffbits");
    ela_validation_init(&st);
    ck_assert(!ela_block_check_header_context(&st, &h, 98, 0x1f0008ff, 0));
    expect_reason(&st, "bad-height");
    ela_validation_init(&st);
    ck_assert(!ela_block_check_header_context(&st, &h, 100, 0x1f0008ff, 0));
    expect_reason(&st, "bad-height");
    /* The height rule comes first, then bits, then time. */
    ela_validation_init(&st);
    ck_assert(!ela_block_check_header_context(&st, &h, 50, 1, 9999));
    expect_reason(&st, "bad-height");
    ela_validation_init(&st);
    ck_assert(!ela_block_check_header_context(&st, &h, 99, 1, 9999));
    expect_reason(&st, "bad-diffbits");
    /* Parent height + 1 in uint32. */
    h.height = 0;
    ela_validation_init(&st);
    ck_assert(ela_block_check_header_context(&st, &h, UINT32_MAX, 0x1f0008ff, 0));
    ela_block_header_clear(&h);
}
END_TEST

START_TEST(header_context_real_mtp)
{
    /* Block 60 of the regnet chain against its real parents, with its timestamp moved to the
     * median of those parents (accepted) and one below (rejected). */
    ela_params p;
    regnet(&p);
    uint32_t window[ELA_MTP_SPAN];
    for (size_t k = 0; k < ELA_MTP_SPAN; k++) {
        ela_block a;
        load_block(&a, 0, 59 - k);
        window[k] = a.header.timestamp;
        ela_block_clear(&a);
    }
    uint32_t mtp = ela_median_time_past(window, ELA_MTP_SPAN);
    ela_block b;
    load_block(&b, 0, 60);
    ck_assert_uint_gt(b.header.timestamp, mtp);
    ela_validation_state st;
    ela_validation_init(&st);
    b.header.timestamp = mtp;
    ck_assert(ela_block_check_header_context(&st, &b.header, 59, b.header.bits, mtp));
    b.header.timestamp = mtp - 1;
    ck_assert(!ela_block_check_header_context(&st, &b.header, 59, b.header.bits, mtp));
    expect_reason(&st, "time-too-old");
    ela_block_clear(&b);
}
END_TEST

/* ---- finality ---------------------------------------------------------------------------- */

START_TEST(finality)
{
    ela_block b;
    ela_validation_state st;
    load_block(&b, 0, 108);
    ela_tx *t = &b.txs[1];
    /* The coinbase is not looked at (the reference miner sets its lock time to the height). */
    b.txs[0].lock_time = 108;
    b.txs[0].inputs[0].sequence = 0;
    for (size_t i = 0; i < t->input_count; i++)
        t->inputs[i].sequence = 0xfffffffe;

    t->lock_time = 107; /* below the height: final */
    ela_validation_init(&st);
    ck_assert(ela_block_check_final(&st, &b));
    t->lock_time = 0;
    ck_assert(ela_block_check_final(&st, &b));
    expect_ok(&st);

    t->lock_time = 108;
    ck_assert(!ela_block_check_final(&st, &b));
    expect_reason(&st, "bad-txns-nonfinal");

    /* Sequence 0xFFFF on every input makes it final (§9 quirk 6), 0xFFFFFFFF does not. */
    for (size_t i = 0; i < t->input_count; i++)
        t->inputs[i].sequence = 0xffff;
    ela_validation_init(&st);
    ck_assert(ela_block_check_final(&st, &b));
    for (size_t i = 0; i < t->input_count; i++)
        t->inputs[i].sequence = 0xffffffff;
    ck_assert(!ela_block_check_final(&st, &b));
    expect_reason(&st, "bad-txns-nonfinal");
    ela_block_clear(&b);
}
END_TEST

/* ---- coinbase reward (§3.5) -------------------------------------------------------------- */

typedef struct mock_state {
    int calls;
    int64_t total, total_fee;
    uint32_t height;
    bool answer;
    const char *reason; /* set by the mock on failure, or NULL */
} mock_state;

static bool mock_check_coinbase(void *ctx, ela_validation_state *st, const ela_tx *coinbase,
                                int64_t total, int64_t total_fee, uint32_t height)
{
    mock_state *m = ctx;
    ck_assert(ela_tx_is_coinbase(coinbase));
    m->calls++;
    m->total = total;
    m->total_fee = total_fee;
    m->height = height;
    if (!m->answer && m->reason)
        return ela_validation_invalid(st, ELA_ERR_INTERNAL, m->reason, NULL);
    return m->answer;
}

/* A real mainnet block (height 10,000, early 2018) passes every context-free rule with the
 * mainnet parameters: its merged-mining AuxPoW, the parent PoW against 0x1d5601dd, the merkle
 * root, both transactions' sanity and the coinbase ratio; and its transfer's P-256 signature
 * verifies against the address its program commits to. One flipped signature byte fails. */
START_TEST(mainnet_block_10000)
{
    json_t *doc = ela_test_load_json("realdata/ela_mainnet_block_10000.json");
    ela_bytes raw = ela_test_unhex(ela_test_json_str(doc, "block_hex"));
    ela_block b;
    const char *why = NULL;
    ck_assert_msg(ela_block_parse(&b, raw.data, raw.len, &why), "%s", why);
    ck_assert_uint_eq(b.header.height, 10000);
    ck_assert_uint_eq(b.n_txs, 2);

    ela_params p;
    ela_params_init(&p, ELA_NET_MAINNET);
    ela_validation_state st;
    ela_validation_init(&st);
    ck_assert_msg(ela_block_check_sanity(&st, &p, &b, (int64_t)time(NULL)), "%s: %s",
                  st.reason, st.detail);
    ck_assert_uint_eq(b.header.bits, 0x1d5601ddu);
    /* The same block one second past the future-time bound is refused. */
    ela_validation_init(&st);
    ck_assert(!ela_block_check_sanity(&st, &p, &b,
                                      (int64_t)b.header.timestamp - p.max_time_offset - 1));
    ck_assert_str_eq(st.reason, "time-too-new");

    /* The transfer's program: a standard single-key code; its address is what the spent
     * output must pay, so the reference is built from it. */
    const ela_tx *tx = &b.txs[1];
    ck_assert_uint_eq(tx->program_count, 1);
    ela_coin ref;
    memset(&ref, 0, sizeof ref);
    ela_contract_program_hash(&ref.out.program_hash, ELA_PREFIX_STANDARD,
                              tx->programs[0].code.data, tx->programs[0].code.len);
    ela_validation_init(&st);
    ck_assert_msg(ela_txcheck_programs(&st, tx, &ref), "%s: %s", st.reason, st.detail);
    ela_tx bad;
    ela_bytes txraw = {0};
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, tx);
    ela_bytes_set(&txraw, w.data, w.len);
    ela_writer_clear(&w);
    txraw.data[txraw.len - 1 - 35 - 10] ^= 0x01; /* inside the 65-byte parameter */
    ck_assert(ela_tx_parse(&bad, txraw.data, txraw.len, NULL));
    ela_validation_init(&st);
    ck_assert(!ela_txcheck_programs(&st, &bad, &ref));
    ela_tx_clear(&bad);
    ela_bytes_clear(&txraw);
    ela_block_clear(&b);
    ela_bytes_clear(&raw);
    json_decref(doc);
}
END_TEST

START_TEST(coinbase_era_c)
{
    ela_params p;
    regnet(&p);
    ela_block b;
    ela_validation_state st;
    load_block(&b, 0, 108);
    int64_t sum = 0;
    for (size_t i = 0; i < b.txs[0].output_count; i++)
        sum += b.txs[0].outputs[i].value;
    int64_t fee = sum - REGNET_REWARD;
    ck_assert_int_gt(fee, 0);
    ela_validation_init(&st);
    ck_assert(ela_block_check_coinbase(&st, &p, NULL, &b, fee));
    /* Burning is not allowed and nor is overpaying: exact equality. */
    ck_assert(!ela_block_check_coinbase(&st, &p, NULL, &b, fee + 1));
    expect_reason(&st, "bad-cb-amount");
    ela_validation_init(&st);
    ck_assert(!ela_block_check_coinbase(&st, &p, NULL, &b, fee - 1));
    expect_reason(&st, "bad-cb-amount");
    /* One sela more in any output. */
    b.txs[0].outputs[2].value++;
    ela_validation_init(&st);
    ck_assert(!ela_block_check_coinbase(&st, &p, NULL, &b, fee));
    expect_reason(&st, "bad-cb-amount");
    ela_validation_init(&st);
    ck_assert(ela_block_check_coinbase(&st, &p, NULL, &b, fee + 1));
    ela_block_clear(&b);

    /* After NewELAIssuanceHeight the reward follows (§1.5): 304,414,003 for block 5. */
    load_block(&b, 0, 5);
    p.new_ela_issuance_height = 5;
    ela_validation_init(&st);
    ck_assert(!ela_block_check_coinbase(&st, &p, NULL, &b, 0));
    expect_reason(&st, "bad-cb-amount");
    ela_validation_init(&st);
    ck_assert(ela_block_check_coinbase(&st, &p, NULL, &b, REGNET_REWARD - 304414003));
    ela_block_clear(&b);

    /* No coinbase first. */
    ela_block_init(&b);
    ela_validation_init(&st);
    ck_assert(!ela_block_check_coinbase(&st, &p, NULL, &b, 0));
    expect_reason(&st, "bad-cb-missing");
}
END_TEST

START_TEST(coinbase_eras_a_b_delegated)
{
    ela_params p;
    regnet(&p);
    ela_block b;
    ela_validation_state st;
    load_block(&b, 0, 30);
    p.public_dpos_height = 30; /* block 30 is now in era B */

    /* No state able to judge: refused, never accepted. */
    ela_validation_init(&st);
    ck_assert(!ela_block_check_coinbase(&st, &p, NULL, &b, 0));
    expect_reason(&st, ELA_REASON_NEEDS_STATE);
    ela_state_ops ops;
    memset(&ops, 0, sizeof ops);
    ela_validation_init(&st);
    ck_assert(!ela_block_check_coinbase(&st, &p, &ops, &b, 0));
    expect_reason(&st, ELA_REASON_NEEDS_STATE);

    /* The parameters-only state refuses eras A and B as well. */
    ela_state_ops null_ops;
    ela_state_ops_null(&null_ops, &p);
    ela_validation_init(&st);
    ck_assert(!ela_block_check_coinbase(&st, &p, &null_ops, &b, 0));
    expect_reason(&st, ELA_REASON_NEEDS_STATE);

    mock_state m = {0};
    ops.ctx = &m;
    ops.check_coinbase = mock_check_coinbase;
    m.answer = true;
    ela_validation_init(&st);
    ck_assert(ela_block_check_coinbase(&st, &p, &ops, &b, 1234));
    ck_assert_int_eq(m.calls, 1);
    ck_assert_int_eq(m.total, REGNET_REWARD + 1234);
    ck_assert_int_eq(m.total_fee, 1234);
    ck_assert_uint_eq(m.height, 30);
    /* The state's own reason is kept; a silent failure gets bad-cb-amount. */
    m.answer = false;
    m.reason = "bad-cb-round-reward";
    ck_assert(!ela_block_check_coinbase(&st, &p, &ops, &b, 0));
    expect_reason(&st, "bad-cb-round-reward");
    m.reason = NULL;
    ela_validation_init(&st);
    ck_assert(!ela_block_check_coinbase(&st, &p, &ops, &b, 0));
    expect_reason(&st, "bad-cb-amount");
    /* Below PublicDPOSHeight the state is not asked. */
    p.public_dpos_height = 31;
    m.calls = 0;
    ela_validation_init(&st);
    ck_assert(ela_block_check_coinbase(&st, &p, &ops, &b, 0));
    ck_assert_int_eq(m.calls, 0);
    ela_block_clear(&b);
}
END_TEST

START_TEST(reward_split)
{
    int64_t f, m, r;
    /* §1.6: the pre-H2 split of 502,283,105. */
    ela_reward_split_pre_dpos(&f, &m, &r, 502283105);
    ck_assert_int_eq(f, 150684931);
    ck_assert_int_eq(m, 175799086);
    ck_assert_int_eq(r, 175799088);
    ela_reward_split_pre_dpos(&f, &m, &r, 0);
    ck_assert_int_eq(f + m + r, 0);
    /* Truncation, not rounding: 10 -> 3 / 3 / 4; 3 -> 0 / 1 / 2 (3*0.3 = 0.8999...). */
    ela_reward_split_pre_dpos(&f, &m, &r, 10);
    ck_assert_int_eq(f, 3);
    ck_assert_int_eq(m, 3);
    ck_assert_int_eq(r, 4);
    ela_reward_split_pre_dpos(&f, &m, &r, 3);
    ck_assert_int_eq(f, 0);
    ck_assert_int_eq(m, 1);
    ck_assert_int_eq(r, 2);
}
END_TEST

static Suite *blockcheck_suite(void)
{
    Suite *s = suite_create("blockcheck");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, duplicates_rules);
    tcase_add_test(tc, retarget_window);
    tcase_add_test(tc, retarget_values);
    tcase_add_test(tc, retarget_instant);
    tcase_add_test(tc, median_time);
    tcase_add_test(tc, header_context_rules);
    tcase_add_test(tc, reward_split);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("reference chains")) {
        TCase *tv = tcase_create("vectors");
        tcase_add_test(tv, regnet_chain_passes_every_rule);
        tcase_add_test(tv, instant_chain_passes_every_rule);
        tcase_add_test(tv, sanity_auxpow);
        tcase_add_test(tv, sanity_pow);
        tcase_add_test(tv, sanity_time);
        tcase_add_test(tv, sanity_tx_count);
        tcase_add_test(tv, sanity_sizes);
        tcase_add_test(tv, sanity_coinbase_position);
        tcase_add_test(tv, sanity_duplicate_tx_and_inputs);
        tcase_add_test(tv, sanity_tx_rules_apply);
        tcase_add_test(tv, sanity_merkle_root);
        tcase_add_test(tv, sanity_record_sponsor_once);
        tcase_add_test(tv, header_context_real_mtp);
        tcase_add_test(tv, finality);
        tcase_add_test(tv, coinbase_era_c);
        tcase_add_test(tv, coinbase_eras_a_b_delegated);
        tcase_add_test(tv, mainnet_block_10000);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    int rc = ela_test_run(blockcheck_suite());
    for (size_t i = 0; i < ELA_ARRAY_LEN(chains); i++)
        json_decref(chains[i]);
    return rc;
}
