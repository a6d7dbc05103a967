/* elad: block rules that need no database (spec/consensus.md §2.4, §3.2-3.5).
 *
 * Reject reasons used here (stable; tests and logs match on them). Every block-level reject
 * carries ELA_ERR_INTERNAL, the code the reference's submitblock reports for a refused block.
 * A transaction that fails ela_tx_check_sanity inside a block keeps the reason and code the
 * transaction check gave it.
 *
 *   ela_block_check_sanity (§3.2, in this order):
 *     "bad-auxpow"                  step 1: the AuxPoW does not commit to the block hash
 *     "bad-diffbits"                step 2: header bits decode to a zero or negative target
 *     "bad-diffbits-powlimit"       step 2: target above PowLimit (2^255 - 1)
 *     "high-hash"                   step 2: AuxPoW parent header hash above the target
 *     "time-too-new"                step 3: timestamp > adjusted time + MaxTimeOffset (7200 s)
 *     "bad-blk-tx-count"            step 4: no transaction, or more than MaxTxPerBlock
 *     "bad-header-size"             step 5: serialized header (with AuxPoW) > MaxBlockHeaderSize
 *     "bad-blk-length"              step 6: serialized block > MaxBlockSize + MaxBlockHeaderSize
 *     "bad-cb-missing"              step 7: the first transaction is not a coinbase
 *     "bad-cb-multiple"             step 7: a later transaction is a coinbase
 *     "bad-txns-duplicate"          step 8: two transactions with the same txid
 *     (tx sanity reason)            step 8: ela_tx_check_sanity at the header's height
 *     "bad-txns-sanity"             step 8: fallback if that check fails without a reason
 *     "bad-txns-inputs-duplicate"   step 8: an outpoint spent twice in the block
 *     "bad-blk-dup-sponsor"         step 9 (§3.3): more than one RecordSponsor
 *     "bad-blk-dup-withdraw-hash"   step 9: a side-chain tx hash in two WithdrawFromSideChain
 *                                   payloads (or twice in one)
 *     "bad-blk-dup-producer"        step 9: an owner key in two Register/Update/CancelProducer
 *     "bad-blk-dup-producer-node"   step 9: a node key in two Register/UpdateProducer
 *     "bad-blk-dup-cr"              step 9: a CID in two Register/Update/UnregisterCR
 *     "bad-txnmrklroot"             step 10: merkle root of the txids != header merkle root
 *   ela_block_check_header_context (§3.4 steps 1-2, ProcessBlock's height rule):
 *     "bad-height"                  height != parent height + 1
 *     "bad-diffbits"                bits != CalcNextRequiredDifficulty
 *     "time-too-old"                timestamp < median time past (equality accepted)
 *   ela_block_check_final (§3.4 step 3):
 *     "bad-txns-nonfinal"           a non-coinbase tx is not final at the block height
 *   ela_block_check_coinbase (§3.5):
 *     "bad-cb-missing"              no coinbase to check
 *     "bad-cb-amount"               era C: Σ coinbase outputs − fees != reward; also the
 *                                   fallback when the state's era A/B check fails without
 *                                   saying why
 *     ELA_REASON_NEEDS_STATE        era A/B with no state able to check them
 */
#include <ela/blockcheck.h>

#include <ela/hash.h>
#include <ela/merkle.h>
#include <ela/pow.h>
#include <ela/serialize.h>

#include <openssl/bn.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reject(ela_validation_state *st, const char *reason, const char *fmt, ...)
    ELA_PRINTF(3, 4);

static bool reject(ela_validation_state *st, const char *reason, const char *fmt, ...)
{
    char detail[sizeof st->detail];
    detail[0] = '\0';
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
    }
    return ela_validation_invalid(st, ELA_ERR_INTERNAL, reason, "%s", detail);
}

/* ---- duplicate detection by sorting ------------------------------------------------------
 *
 * The reference walks the block once with hash maps and stops at the first repeat. The same
 * answer (which element repeats first, in the reference's walking order) comes from sorting
 * (key, position) pairs: within each group of equal keys every member after the first is a
 * repeat, and the earliest such position over all groups is where the walk would stop. Sorting
 * keeps the cost O(n log n) whatever keys an attacker picks. */

typedef struct dup_item {
    const uint8_t *key;
    size_t len;
    uint32_t ns;  /* namespace: keys only collide within one */
    size_t pos;   /* position in the reference's walking order */
    size_t owner; /* what to report (a tx index) */
} dup_item;

static int dup_cmp(const void *a, const void *b)
{
    const dup_item *x = a, *y = b;
    if (x->ns != y->ns)
        return x->ns < y->ns ? -1 : 1;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    int c = x->len ? memcmp(x->key, y->key, x->len) : 0;
    if (c)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The first repeated item in walking order, or NULL. Sorts items in place. */
static const dup_item *first_repeat(dup_item *items, size_t n)
{
    if (n < 2)
        return NULL;
    qsort(items, n, sizeof *items, dup_cmp);
    const dup_item *best = NULL;
    for (size_t i = 1; i < n; i++) {
        const dup_item *a = &items[i - 1], *b = &items[i];
        if (a->ns == b->ns && a->len == b->len &&
            (a->len == 0 || memcmp(a->key, b->key, a->len) == 0)) {
            /* b is not the first of its group; within the group positions ascend. */
            if (!best || b->pos < best->pos)
                best = b;
        }
    }
    return best;
}

/* ---- §3.3 per-block uniqueness ---------------------------------------------------------- */

enum { NS_SPONSOR, NS_WITHDRAW, NS_PRODUCER, NS_PRODUCER_NODE, NS_CR };

static void push(dup_item **items, size_t *n, size_t *cap, uint32_t ns, const uint8_t *key,
                 size_t len, size_t *pos, size_t owner)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *items = ela_xrealloc(*items, *cap * sizeof **items);
    }
    (*items)[(*n)++] = (dup_item){key, len, ns, (*pos)++, owner};
}

bool ela_block_check_duplicates(ela_validation_state *st, const ela_block *b)
{
    dup_item *items = NULL;
    size_t n = 0, cap = 0, pos = 0;
    for (size_t i = 0; i < b->n_txs; i++) {
        const ela_tx *tx = &b->txs[i];
        const ela_payload *pl = &tx->payload;
        switch (ela_tx_type(tx)) {
        case ELA_TX_RECORD_SPONSOR:
            /* Every RecordSponsor has the same (empty) key: the second one is the repeat. */
            push(&items, &n, &cap, NS_SPONSOR, NULL, 0, &pos, i);
            break;
        case ELA_TX_WITHDRAW_FROM_SIDECHAIN: {
            /* Only the payload's hash list (payload v0) takes part (§3.3). */
            const ela_uint256_list *l = &pl->u.withdraw_from_sidechain.side_chain_tx_hashes;
            for (size_t k = 0; k < l->count; k++)
                push(&items, &n, &cap, NS_WITHDRAW, l->items[k].b, 32, &pos, i);
            break;
        }
        case ELA_TX_REGISTER_PRODUCER:
        case ELA_TX_UPDATE_PRODUCER: {
            const ela_payload_producer_info *pi = &pl->u.producer_info;
            push(&items, &n, &cap, NS_PRODUCER, pi->owner_key.data, pi->owner_key.len, &pos, i);
            push(&items, &n, &cap, NS_PRODUCER_NODE, pi->node_public_key.data,
                 pi->node_public_key.len, &pos, i);
            break;
        }
        case ELA_TX_CANCEL_PRODUCER: {
            const ela_bytes *ok = &pl->u.process_producer.owner_key;
            push(&items, &n, &cap, NS_PRODUCER, ok->data, ok->len, &pos, i);
            break;
        }
        case ELA_TX_REGISTER_CR:
        case ELA_TX_UPDATE_CR:
            push(&items, &n, &cap, NS_CR, pl->u.cr_info.cid.b, 21, &pos, i);
            break;
        case ELA_TX_UNREGISTER_CR:
            push(&items, &n, &cap, NS_CR, pl->u.unregister_cr.cid.b, 21, &pos, i);
            break;
        default:
            break;
        }
    }
    const dup_item *rep = first_repeat(items, n);
    bool ok = true;
    if (rep) {
        static const char *const reasons[] = {
            [NS_SPONSOR] = "bad-blk-dup-sponsor",
            [NS_WITHDRAW] = "bad-blk-dup-withdraw-hash",
            [NS_PRODUCER] = "bad-blk-dup-producer",
            [NS_PRODUCER_NODE] = "bad-blk-dup-producer-node",
            [NS_CR] = "bad-blk-dup-cr",
        };
        ok = reject(st, reasons[rep->ns], "transaction %zu", rep->owner);
    }
    free(items);
    return ok;
}

/* ---- §3.2 sanity ------------------------------------------------------------------------- */

/* Serialized size of header_full: 84 base bytes, the AuxPoW, the trailer byte. */
static size_t header_size(const ela_block_header *h)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_auxpow_write(&w, &h->auxpow);
    size_t n = ELA_HEADER_BASE_SIZE + w.len + 1;
    ela_writer_clear(&w);
    return n;
}

/* The positions (tx index) of the first repeated txid and of the tx holding the first repeated
 * outpoint, SIZE_MAX when none. Outpoint key: txid then u16 index, little-endian. */
static void find_tx_repeats(const ela_block *b, size_t *dup_tx, size_t *dup_input)
{
    *dup_tx = SIZE_MAX;
    *dup_input = SIZE_MAX;

    dup_item *items = ela_xcalloc(b->n_txs ? b->n_txs : 1, sizeof *items);
    for (size_t i = 0; i < b->n_txs; i++)
        items[i] = (dup_item){b->txs[i].txid.b, 32, 0, i, i};
    const dup_item *rep = first_repeat(items, b->n_txs);
    if (rep)
        *dup_tx = rep->owner;
    free(items);

    size_t total = 0;
    for (size_t i = 0; i < b->n_txs; i++)
        total += b->txs[i].input_count;
    if (total < 2)
        return;
    uint8_t *keys = ela_xmalloc(total * 34);
    items = ela_xmalloc(total * sizeof *items);
    size_t k = 0;
    for (size_t i = 0; i < b->n_txs; i++) {
        for (size_t j = 0; j < b->txs[i].input_count; j++, k++) {
            const ela_input *in = &b->txs[i].inputs[j];
            uint8_t *key = keys + 34 * k;
            memcpy(key, in->prev_txid.b, 32);
            key[32] = (uint8_t)in->prev_index;
            key[33] = (uint8_t)(in->prev_index >> 8);
            items[k] = (dup_item){key, 34, 0, k, i};
        }
    }
    rep = first_repeat(items, total);
    if (rep)
        *dup_input = rep->owner;
    free(items);
    free(keys);
}

bool ela_block_check_sanity(ela_validation_state *st, const ela_params *p, const ela_block *b,
                            int64_t adjusted_time)
{
    const ela_block_header *h = &b->header;

    /* 1. The AuxPoW must commit to this header's hash, recomputed here rather than trusted. */
    uint8_t base[ELA_HEADER_BASE_SIZE];
    ela_block_header_serialize_base(base, h);
    ela_uint256 hash;
    ela_hash256(&hash, base, sizeof base);
    const char *why = NULL;
    if (!ela_auxpow_check(&h->auxpow, &hash, ELA_AUXPOW_CHAIN_ID, &why))
        return reject(st, "bad-auxpow", "%s", why ? why : "");

    /* 2. Proof of work of the parent header against the ELA header's bits. */
    if (!ela_pow_check_auxpow(&h->auxpow, h->bits, &why))
        return reject(st, why ? why : "high-hash", "bits %08" PRIx32, h->bits);

    /* 3. Not too far in the future (timestamps have whole-second precision by construction). */
    if ((int64_t)h->timestamp > adjusted_time + (int64_t)p->max_time_offset)
        return reject(st, "time-too-new", "timestamp %" PRIu32 ", adjusted time %" PRId64,
                      h->timestamp, adjusted_time);

    /* 4. Transaction count. */
    if (b->n_txs == 0)
        return reject(st, "bad-blk-tx-count", "no transactions");
    if (b->n_txs > p->max_tx_per_block)
        return reject(st, "bad-blk-tx-count", "%zu transactions, limit %" PRIu32, b->n_txs,
                      p->max_tx_per_block);

    /* 5. Header size. */
    size_t hsize = header_size(h);
    if (hsize > p->max_block_header_size)
        return reject(st, "bad-header-size", "%zu bytes, limit %" PRIu32, hsize,
                      p->max_block_header_size);

    /* 6. Block size. The limit is the uint32 sum of the two settings, as in the reference. */
    uint64_t bsize = (uint64_t)hsize + 4;
    for (size_t i = 0; i < b->n_txs; i++)
        bsize += b->txs[i].size;
    uint32_t limit = p->max_block_context_size + p->max_block_header_size;
    if (bsize > limit)
        return reject(st, "bad-blk-length", "%" PRIu64 " bytes, limit %" PRIu32, bsize, limit);

    /* 7. Exactly one coinbase, first. */
    if (!ela_tx_is_coinbase(&b->txs[0]))
        return reject(st, "bad-cb-missing", "first transaction is not a coinbase");
    for (size_t i = 1; i < b->n_txs; i++)
        if (ela_tx_is_coinbase(&b->txs[i]))
            return reject(st, "bad-cb-multiple", "transaction %zu is a coinbase", i);

    /* 8. Per transaction, in the reference's order: repeated txid, sanity, repeated outpoint. */
    size_t dup_tx, dup_input;
    find_tx_repeats(b, &dup_tx, &dup_input);
    for (size_t i = 0; i < b->n_txs; i++) {
        if (i == dup_tx)
            return reject(st, "bad-txns-duplicate", "transaction %zu", i);
        if (!ela_tx_check_sanity(st, p, &b->txs[i], h->height)) {
            if (ela_validation_ok(st))
                reject(st, "bad-txns-sanity", "transaction %zu", i);
            return false;
        }
        if (i == dup_input)
            return reject(st, "bad-txns-inputs-duplicate", "transaction %zu", i);
    }

    /* 9. §3.3 at most one per block. */
    if (!ela_block_check_duplicates(st, b))
        return false;

    /* 10. Merkle root over the txids. */
    ela_uint256 root;
    if (!ela_block_compute_merkle_root(&root, b) ||
        !ela_uint256_equal(&root, &h->merkle_root))
        return reject(st, "bad-txnmrklroot", NULL);
    return true;
}

/* ---- §2.4 difficulty --------------------------------------------------------------------- */

static uint32_t blocks_per_retarget(const ela_params *p)
{
    return p->target_time_per_block ? p->target_timespan / p->target_time_per_block : 0;
}

bool ela_pow_needs_retarget(const ela_params *p, uint32_t prev_height)
{
    if (prev_height == 0 || p->pow_limit_bits == ELA_POW_INSTANT_BITS)
        return false;
    uint32_t per = blocks_per_retarget(p);
    /* The reference's (prevNode.Height+1) % blocksPerRetarget, in uint32. per == 0 cannot come
     * out of the config loader; it means "never" here instead of a division by zero. */
    return per != 0 && (uint32_t)(prev_height + 1) % per == 0;
}

static _Noreturn void bn_oom(void)
{
    fputs("elad: out of memory (OpenSSL BIGNUM)\n", stderr);
    abort();
}

/* CompactToBig into a signed BIGNUM. */
static bool compact_to_bn(BIGNUM *bn, uint32_t bits)
{
    uint32_t mantissa = bits & 0x007fffffu;
    unsigned exponent = bits >> 24;
    if (exponent <= 3) {
        mantissa >>= 8 * (3 - exponent);
        if (!BN_set_word(bn, mantissa))
            return false;
    } else if (!BN_set_word(bn, mantissa) || !BN_lshift(bn, bn, (int)(8 * (exponent - 3)))) {
        return false;
    }
    if (bits & 0x00800000u)
        BN_set_negative(bn, 1);
    return true;
}

/* BigToCompact of a signed BIGNUM (magnitude shortened to a 23-bit mantissa; the exponent is
 * truncated into the top byte as Go's uint32(exponent<<24) does). */
static uint32_t bn_to_compact(const BIGNUM *n, BN_CTX *ctx)
{
    if (BN_is_zero(n))
        return 0;
    BIGNUM *m = BN_CTX_get(ctx);
    if (!m || !BN_copy(m, n))
        bn_oom();
    BN_set_negative(m, 0);
    uint64_t exponent = (uint64_t)BN_num_bytes(m);
    uint32_t mantissa;
    if (exponent <= 3) {
        mantissa = (uint32_t)BN_get_word(m) << (8 * (3 - exponent));
    } else {
        if (!BN_rshift(m, m, (int)(8 * (exponent - 3))))
            bn_oom();
        mantissa = (uint32_t)BN_get_word(m);
    }
    if (mantissa & 0x00800000u) {
        mantissa >>= 8;
        exponent++;
    }
    uint32_t compact = (uint32_t)(exponent << 24) | mantissa;
    if (BN_is_negative(n))
        compact |= 0x00800000u;
    return compact;
}

uint32_t ela_pow_next_bits(const ela_params *p, uint32_t prev_height, uint32_t prev_bits,
                           uint32_t prev_time, uint32_t first_time)
{
    /* Block 1, and every block of an InstantBlock network, use PowLimitBits (§2.4). */
    if (prev_height == 0 || p->pow_limit_bits == ELA_POW_INSTANT_BITS)
        return p->pow_limit_bits;
    if (!ela_pow_needs_retarget(p, prev_height))
        return prev_bits;

    /* The timestamps are uint32 and subtracted as such: an earlier last block wraps to a huge
     * span, which the clamp turns into the maximum (§9 quirk 2). */
    int64_t timespan = p->target_timespan;
    int64_t factor = p->adjustment_factor ? p->adjustment_factor : 1;
    int64_t actual = (int64_t)(uint32_t)(prev_time - first_time);
    int64_t lo = timespan / factor, hi = timespan * factor;
    if (actual < lo)
        actual = lo;
    else if (actual > hi)
        actual = hi;

    /* OpenSSL's big numbers fail only when memory runs out: an environment failure that
     * aborts like ela_xmalloc, never a wrong answer. */
    BN_CTX *ctx = BN_CTX_new();
    if (!ctx)
        bn_oom();
    BN_CTX_start(ctx);
    BIGNUM *t = BN_CTX_get(ctx), *limit = BN_CTX_get(ctx);
    if (!limit || !compact_to_bn(t, prev_bits) || !BN_mul_word(t, (BN_ULONG)actual))
        bn_oom();
    /* Go's big.Int.Div is Euclidean: for a positive divisor, floor, also below zero. */
    bool neg = BN_is_negative(t);
    BN_set_negative(t, 0);
    BN_ULONG rem = BN_div_word(t, (BN_ULONG)timespan);
    if (rem == (BN_ULONG)-1)
        bn_oom();
    if (neg) {
        if (rem != 0 && !BN_add_word(t, 1))
            bn_oom();
        BN_set_negative(t, 1);
    }
    /* Clamp to PowLimit = 2^255 - 1 (not to pow_limit_bits): the result may be 0x207fffff. */
    if (!BN_one(limit) || !BN_lshift(limit, limit, 255) || !BN_sub_word(limit, 1))
        bn_oom();
    if (BN_cmp(t, limit) > 0 && !BN_copy(t, limit))
        bn_oom();
    uint32_t result = bn_to_compact(t, ctx);
    BN_CTX_end(ctx);
    BN_CTX_free(ctx);
    return result;
}

/* ---- §3.4 header context, finality ------------------------------------------------------- */

uint32_t ela_median_time_past(const uint32_t *times, size_t n)
{
    if (n == 0)
        return 0;
    if (n > ELA_MTP_SPAN)
        n = ELA_MTP_SPAN;
    uint32_t s[ELA_MTP_SPAN];
    memcpy(s, times, n * sizeof *s);
    for (size_t i = 1; i < n; i++) /* insertion sort: at most 11 values */
        for (size_t j = i; j > 0 && s[j - 1] > s[j]; j--) {
            uint32_t x = s[j];
            s[j] = s[j - 1];
            s[j - 1] = x;
        }
    return s[n / 2];
}

bool ela_block_check_header_context(ela_validation_state *st, const ela_block_header *h,
                                    uint32_t parent_height, uint32_t expected_bits, uint32_t mtp)
{
    if (h->height != (uint32_t)(parent_height + 1))
        return reject(st, "bad-height", "height %" PRIu32 ", parent %" PRIu32, h->height,
                      parent_height);
    if (h->bits != expected_bits)
        return reject(st, "bad-diffbits", "bits %08" PRIx32 ", expected %08" PRIx32, h->bits,
                      expected_bits);
    /* The reference tests time.Unix(ts, 1).After(mtp): a timestamp equal to the median passes
     * (§3.4 step 2, §9 quirk 1). */
    if (h->timestamp < mtp)
        return reject(st, "time-too-old", "timestamp %" PRIu32 ", median %" PRIu32,
                      h->timestamp, mtp);
    return true;
}

bool ela_block_check_final(ela_validation_state *st, const ela_block *b)
{
    for (size_t i = 1; i < b->n_txs; i++)
        if (!ela_tx_is_final(&b->txs[i], b->header.height))
            return reject(st, "bad-txns-nonfinal", "transaction %zu, lock time %" PRIu32, i,
                          b->txs[i].lock_time);
    return true;
}

/* ---- §3.5 coinbase reward ---------------------------------------------------------------- */

bool ela_block_check_coinbase(ela_validation_state *st, const ela_params *p,
                              const ela_state_ops *state, const ela_block *b, int64_t total_fee)
{
    if (b->n_txs == 0 || !ela_tx_is_coinbase(&b->txs[0]))
        return reject(st, "bad-cb-missing", NULL);
    const ela_tx *cb = &b->txs[0];
    uint32_t height = b->header.height;
    int64_t reward = ela_params_block_reward(p, height);

    if (height >= p->public_dpos_height) {
        /* Eras A and B need the DPoS state (round rewards, DPoSV2ActiveHeight, POW mode). */
        int64_t total = (int64_t)((uint64_t)total_fee + (uint64_t)reward);
        if (!state || !state->check_coinbase)
            return ela_validation_invalid(st, ELA_ERR_INTERNAL, ELA_REASON_NEEDS_STATE,
                                          "coinbase at height %" PRIu32, height);
        if (!state->check_coinbase(state->ctx, st, cb, total, total_fee, height)) {
            if (ela_validation_ok(st))
                reject(st, "bad-cb-amount", "height %" PRIu32, height);
            return false;
        }
        return true;
    }

    /* Era C: Σ outputs − fees == reward exactly. Fixed64 sums wrap in the reference; the
     * same wrap is reproduced with unsigned arithmetic. */
    uint64_t sum = 0;
    for (size_t i = 0; i < cb->output_count; i++)
        sum += (uint64_t)cb->outputs[i].value;
    if (sum - (uint64_t)total_fee != (uint64_t)reward)
        return reject(st, "bad-cb-amount",
                      "outputs %" PRId64 " - fees %" PRId64 " != reward %" PRId64, (int64_t)sum,
                      total_fee, reward);
    return true;
}

void ela_reward_split_pre_dpos(int64_t *foundation, int64_t *miner, int64_t *remainder,
                               int64_t total)
{
    /* pow/service.go for heights below PublicDPOSHeight: Fixed64(float64(total) * 0.3) and
     * Fixed64(float64(total) * 0.35), truncated; the rest is the third output. */
    volatile double t = (double)total;
    volatile double cr = t * 0.3, m = t * 0.35;
    *foundation = (int64_t)cr;
    *miner = (int64_t)m;
    *remainder = (int64_t)((uint64_t)total - (uint64_t)*foundation - (uint64_t)*miner);
}
