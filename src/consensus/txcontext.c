/* elad: the transaction context check (spec/consensus.md §4.3, §4.6, §4.7), the reference's
 * DefaultChecker.ContextCheck with the per-type SpecialContextCheck of the types that need no
 * BPoS/CR state. The reject reasons are listed at the top of txcheck.c. */
#include <ela/txcheck.h>

#include "consensus/txcheck_int.h"

#include <ela/address.h>
#include <ela/contract.h>
#include <ela/ecdsa.h>
#include <ela/schnorr.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Everything one context check works with. */
typedef struct cx {
    ela_validation_state *st;
    const ela_params *p;
    const ela_chain_view *view;
    const ela_state_ops *state;
    const ela_tx *tx;
    const ela_tx_context *ctx;
    ela_coin *refs; /* tx->input_count entries */
} cx;

static bool needs_state(const cx *c, int code, const char *what)
{
    return ela_validation_invalid(c->st, code, ELA_REASON_NEEDS_STATE, "%s", what);
}

static bool payload_fail(const cx *c, const char *reason, const char *detail)
{
    return ela_validation_invalid(c->st, ELA_ERR_TRANSACTION_PAYLOAD, reason, "%s",
                                  detail ? detail : "");
}

static uint8_t prefix_of(const ela_uint168 *ph)
{
    return ph->b[0];
}

static bool any_ref_with_prefix(const cx *c, uint8_t prefix)
{
    for (size_t i = 0; i < c->tx->input_count; i++)
        if (prefix_of(&c->refs[i].out.program_hash) == prefix)
            return true;
    return false;
}

static bool all_refs_with_prefix(const cx *c, uint8_t prefix)
{
    for (size_t i = 0; i < c->tx->input_count; i++)
        if (prefix_of(&c->refs[i].out.program_hash) != prefix)
            return false;
    return true;
}

/* ---- §4.3 step 3: references ---------------------------------------------------------------- */

enum ref_result { REF_UNKNOWN, REF_UNSPENT, REF_SPENT, REF_SPENT_NO_OUTPUT };

/* Copies output `index` of prev (with what the rules need to know about prev) into *c. */
static void coin_from_tx(ela_coin *c, const ela_tx *prev, uint16_t index)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_output_write(&w, &prev->outputs[index], true);
    ela_reader r;
    ela_reader_init(&r, w.data, w.len);
    bool ok = ela_output_read(&r, &c->out, true);
    assert(ok && "an output reads back what it wrote");
    (void)ok;
    ela_writer_clear(&w);
    c->height = 0; /* not known here and not needed: maturity goes by the lock time */
    c->tx_lock_time = prev->lock_time;
    c->tx_type = ela_tx_type(prev);
    c->tx_version = prev->version;
    c->flags = 0;
    if (ela_tx_is_coinbase(prev))
        c->flags |= ELA_COIN_COINBASE;
    if (ela_tx_type(prev) == ELA_TX_SIDECHAIN_POW && prev->input_count == 0)
        c->flags |= ELA_COIN_SIDECHAIN_POW_NEW;
}

/* The reference reads the referenced output from the tx store (GetTxReference) and only later
 * asks the unspent index (IsDoubleSpend), so a spent output still takes part in steps 4-6.
 * A view with get_tx gives exactly that; without it a spent output can only be reported as a
 * double spend at once. */
static enum ref_result resolve_ref(const ela_chain_view *v, ela_coin *c, const ela_input *in)
{
    if (v->get_coin(v->ctx, c, &in->prev_txid, in->prev_index))
        return REF_UNSPENT;
    ela_coin_clear(c);
    if (v->get_tx != NULL) {
        ela_tx prev;
        ela_tx_init(&prev);
        enum ref_result r = REF_UNKNOWN;
        if (v->get_tx(v->ctx, &prev, &in->prev_txid) && in->prev_index < prev.output_count) {
            coin_from_tx(c, &prev, in->prev_index);
            r = REF_SPENT;
        }
        ela_tx_clear(&prev);
        return r;
    }
    return v->have_tx(v->ctx, &in->prev_txid) ? REF_SPENT_NO_OUTPUT : REF_UNKNOWN;
}

/* ---- sets of program hashes ---------------------------------------------------------------- */

static int ph_cmp(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(ela_uint168));
}

/* The program hashes of the referenced outputs, sorted, for membership tests. */
static ela_uint168 *ref_hash_set(const cx *c)
{
    size_t n = c->tx->input_count;
    ela_uint168 *v = ela_xmalloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = c->refs[i].out.program_hash;
    qsort(v, n, sizeof *v, ph_cmp);
    return v;
}

static bool in_hash_set(const ela_uint168 *set, size_t n, const ela_uint168 *ph)
{
    return n && bsearch(ph, set, n, sizeof *set, ph_cmp) != NULL;
}

/* Every output pays one of the referenced addresses (the POW-mode rule of TransferAsset and
 * Voting, §4.9). */
static bool outputs_within_inputs(const cx *c)
{
    ela_uint168 *set = ref_hash_set(c);
    bool ok = true;
    for (size_t i = 0; i < c->tx->output_count && ok; i++)
        ok = in_hash_set(set, c->tx->input_count, &c->tx->outputs[i].program_hash);
    free(set);
    return ok;
}

/* ---- §4.3 step 6 / §4.9: POW mode --------------------------------------------------------- */

static bool allowed_in_pow(const cx *c)
{
    const ela_tx *tx = c->tx;
    switch (ela_tx_type(tx)) {
    case ELA_TX_COINBASE:
    case ELA_TX_REGISTER_PRODUCER:
    case ELA_TX_UPDATE_PRODUCER:
    case ELA_TX_ACTIVATE_PRODUCER:
    case ELA_TX_RETURN_DEPOSIT_COIN:
    case ELA_TX_CRC_APPROPRIATION:
    case ELA_TX_CR_ASSETS_RECTIFY:
    case ELA_TX_CR_COUNCIL_MEMBER_CLAIM_NODE:
    case ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW:
    case ELA_TX_PROPOSAL_RESULT:
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE:
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE:
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE:
    case ELA_TX_INACTIVE_ARBITRATORS:
    case ELA_TX_NEXT_TURN_DPOS_INFO:
    case ELA_TX_REVERT_TO_POW:
    case ELA_TX_REVERT_TO_DPOS:
    case ELA_TX_RECORD_SPONSOR:
    case ELA_TX_EXCHANGE_VOTES:
    case ELA_TX_VOTES_REAL_WITHDRAW:
    case ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW:
        return true;
    case ELA_TX_TRANSFER_ASSET: {
        /* Only DPoS v1 votes for producers, and only back to the spending addresses. */
        if (tx->version < ELA_TX_VERSION_09)
            return false;
        bool has_vote = false;
        for (size_t i = 0; i < tx->output_count; i++) {
            const ela_output *o = &tx->outputs[i];
            if (o->type != ELA_OUTPUT_VOTE)
                continue;
            for (size_t j = 0; j < o->payload.vote.content_count; j++) {
                uint8_t vt = o->payload.vote.contents[j].vote_type;
                if (vt == ELA_VOTE_CRC || vt == ELA_VOTE_CRC_PROPOSAL ||
                    vt == ELA_VOTE_CRC_IMPEACHMENT)
                    return false;
            }
            has_vote = true;
        }
        return has_vote && outputs_within_inputs(c);
    }
    case ELA_TX_VOTING:
        if (ela_tx_payload_version(tx) == 0) {
            const ela_payload_voting *v = &tx->payload.u.voting;
            for (size_t i = 0; i < v->count; i++) {
                uint8_t vt = v->contents[i].vote_type;
                if (vt != ELA_VOTE_DELEGATE && vt != ELA_VOTE_DPOSV2)
                    return false;
            }
        }
        return outputs_within_inputs(c);
    default:
        return false;
    }
}

/* ---- cross-chain arbiters (§4.7.5) ---------------------------------------------------------- */

typedef struct arbiters {
    uint8_t keys[ELA_MAX_ARBITERS][ELA_PUBKEY_SIZE];
    bool normal[ELA_MAX_ARBITERS];
    size_t n;
} arbiters;

static bool load_arbiters(const cx *c, arbiters *a)
{
    memset(a, 0, sizeof *a);
    if (c->state->crosschain_arbiters == NULL ||
        !c->state->crosschain_arbiters(c->state->ctx, a->keys, a->normal, &a->n,
                                       ELA_MAX_ARBITERS, c->ctx->tip_height))
        return needs_state(c, ELA_ERR_TRANSACTION_PAYLOAD, "cross-chain arbiters unknown");
    assert(a->n <= ELA_MAX_ARBITERS);
    return true;
}

static size_t normal_count(const arbiters *a)
{
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++)
        k += a->normal[i];
    return k;
}

/* ParseCrossChainScriptV1: m and n from the first and the last-but-one byte (as the reference
 * computes them, so they may be 0 or negative), the keys as 34-byte chunks whose first byte is
 * not looked at. */
typedef struct xscript {
    int m, n;
    size_t nkeys;
    const uint8_t *chunks;
} xscript;

static bool parse_crosschain_script(xscript *x, const ela_bytes *code)
{
    if (!ela_contract_is_crosschain_multisig(code->data, code->len))
        return false;
    x->m = (int)code->data[0] - 0x50;
    x->n = (int)code->data[code->len - 2] - 0x50;
    x->nkeys = (code->len - 3) / 34;
    x->chunks = code->data + 1;
    return true;
}

/* checkCrossChainArbitrators: every normal cross-chain arbiter's node key appears in the
 * script, and the script holds exactly as many keys as there are (distinct) normal arbiters. */
static bool script_keys_are_arbiters(const xscript *x, const arbiters *a)
{
    size_t count = 0, distinct = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (!a->normal[i])
            continue;
        count++;
        bool found = false;
        for (size_t k = 0; k < x->nkeys && !found; k++)
            found = memcmp(x->chunks + 34 * k + 1, a->keys[i], ELA_PUBKEY_SIZE) == 0;
        if (!found)
            return false;
        bool repeat = false;
        for (size_t j = 0; j < i && !repeat; j++)
            repeat = a->normal[j] && memcmp(a->keys[j], a->keys[i], ELA_PUBKEY_SIZE) == 0;
        distinct += !repeat;
    }
    return count == x->nkeys && count == distinct;
}

/* The arbiter-program rule shared by WithdrawFromSideChain v1 (and v0 from
 * CRClaimDPOSNodeStartHeight) and ReturnSideChainDepositCoin under the restriction: n equals
 * the number of normal arbiters, m reaches the threshold of the era, and the keys are those
 * of the normal cross-chain arbiters. The reference counts n over GetArbitrators (from
 * DPOSNodeCrossChainHeight) or GetCRCArbiters and takes the keys from GetCrossChainArbiters at
 * the tip; the two lists differ only in the block at exactly DPOSNodeCrossChainHeight (never
 * reached on any network), where the state's one list serves both. */
static bool check_arbiter_program(const cx *c, const arbiters *a, const ela_program *prog,
                                  const char *reason)
{
    xscript x;
    if (!parse_crosschain_script(&x, &prog->code))
        return payload_fail(c, reason, "not a cross-chain arbiter script");
    uint32_t min = c->ctx->height >= c->p->dpos_node_crosschain_height
                       ? c->p->normal_arbiters_count + 1
                       : c->p->cr_agreement_count;
    if (x.n != (int)normal_count(a))
        return payload_fail(c, reason, "arbiter count in code");
    if (x.m < (int)min)
        return payload_fail(c, reason, "signer count in code");
    if (!script_keys_are_arbiters(&x, a))
        return payload_fail(c, "bad-withdraw-arbiters", "keys are not the cross-chain arbiters");
    return true;
}

/* ---- §4.7.3 SideChainPow -------------------------------------------------------------------- */

static bool special_sidechain_pow(const cx *c)
{
    const ela_payload_sidechain_pow *pl = &c->tx->payload.u.sidechain_pow;
    uint8_t key[ELA_PUBKEY_SIZE];
    if (c->state->onduty_crosschain_arbiter == NULL ||
        !c->state->onduty_crosschain_arbiter(c->state->ctx, key, c->ctx->tip_height))
        return needs_state(c, ELA_ERR_TRANSACTION_PAYLOAD, "on-duty cross-chain arbiter unknown");
    if (key[0] == 0)
        return payload_fail(c, "bad-sidechainpow-no-arbiter", NULL);
    /* The signature covers SideBlockHash, SideGenesisHash and BlockHeight: 68 bytes. */
    ela_writer w;
    ela_writer_init(&w);
    bool wrote = ela_payload_write_signed_part(&w, &c->tx->payload, ELA_PAYLOAD_SIGNER_OWNER);
    bool ok = wrote && pl->signature.len == ELA_ECDSA_SIG_SIZE &&
              ela_ecdsa_verify_raw(key, sizeof key, w.data, w.len, pl->signature.data);
    ela_writer_clear(&w);
    if (!ok)
        return payload_fail(c, "bad-sidechainpow-signature", NULL);
    return true;
}

/* ---- §4.7.4 TransferCrossChainAsset --------------------------------------------------------- */

static int entry_cmp_index(const void *a, const void *b)
{
    uint64_t x = **(const uint64_t *const *)a, y = **(const uint64_t *const *)b;
    return (x > y) - (x < y);
}

/* Orders target addresses by content, then by entry position (the pointers point into one
 * array), so that each run of equal addresses starts with its first occurrence. */
static int entry_cmp_address(const void *pa, const void *pb)
{
    const ela_bytes *a = *(const ela_bytes *const *)pa, *b = *(const ela_bytes *const *)pb;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    int r = a->len ? memcmp(a->data, b->data, a->len) : 0;
    if (r == 0)
        r = (a > b) - (a < b);
    return r;
}

static int64_t sum_refs(const cx *c)
{
    int64_t s = 0;
    for (size_t i = 0; i < c->tx->input_count; i++)
        s = ela_txcheck_wrap_add(s, c->refs[i].out.value);
    return s;
}

static int64_t sum_outputs(const ela_tx *tx)
{
    int64_t s = 0;
    for (size_t i = 0; i < tx->output_count; i++)
        s = ela_txcheck_wrap_add(s, tx->outputs[i].value);
    return s;
}

static bool crosschain_v0(const cx *c)
{
    const ela_tx *tx = c->tx;
    const ela_payload_transfer_crosschain_asset *pl = &tx->payload.u.transfer_crosschain_asset;
    size_t n = pl->count;
    if (n == 0 || n > tx->output_count)
        return payload_fail(c, "bad-crosschain-payload", "entry count");

    /* Indexes: unique and in range. (An index of 2^63 or more wraps negative in the reference's
     * int conversion, passes its range test and then panics on use; here it is rejected.) */
    const uint64_t **idx = ela_xmalloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = &pl->entries[i].output_index;
    bool bad_index = false;
    for (size_t i = 0; i < n; i++)
        bad_index |= pl->entries[i].output_index >= tx->output_count;
    qsort(idx, n, sizeof *idx, entry_cmp_index);
    for (size_t i = 1; i < n && !bad_index; i++)
        bad_index = *idx[i] == *idx[i - 1];
    free(idx);
    if (bad_index)
        return payload_fail(c, "bad-crosschain-index", NULL);

    /* Addresses: walked in entry order as the reference does, so that the first problem met
     * gives the reason. The first repeated address is found by sorting: it is the second entry
     * of some run of equal addresses, the earliest such. */
    const ela_bytes **addr = ela_xmalloc(n * sizeof *addr);
    for (size_t i = 0; i < n; i++)
        addr[i] = &pl->entries[i].address;
    qsort(addr, n, sizeof *addr, entry_cmp_address);
    size_t first_dup = SIZE_MAX;
    for (size_t i = 1; i < n; i++) {
        bool same = ela_bytes_equal(addr[i], addr[i - 1]);
        bool second = i < 2 || !ela_bytes_equal(addr[i - 1], addr[i - 2]);
        size_t pos = (size_t)((const char *)addr[i] - (const char *)&pl->entries[0].address) /
                     sizeof pl->entries[0];
        if (same && second && pos < first_dup)
            first_dup = pos;
    }
    free(addr);
    for (size_t i = 0; i < n; i++) {
        if (i == first_dup)
            return payload_fail(c, "bad-crosschain-address", "duplicate target address");
        const ela_output *o = &tx->outputs[pl->entries[i].output_index];
        if (prefix_of(&o->program_hash) != ELA_PREFIX_CROSSCHAIN)
            return payload_fail(c, "bad-crosschain-output-address", NULL);
        if (pl->entries[i].address.len == 0)
            return payload_fail(c, "bad-crosschain-address", "empty target address");
    }

    for (size_t i = 0; i < n; i++) {
        int64_t amount = pl->entries[i].amount;
        int64_t value = tx->outputs[pl->entries[i].output_index].value;
        if (amount < 0 || amount > value - c->p->min_crosschain_tx_fee)
            return payload_fail(c, "bad-crosschain-amount", NULL);
    }
    int64_t fee = ela_txcheck_wrap_sub(sum_refs(c), sum_outputs(tx));
    if (fee < c->p->min_crosschain_tx_fee)
        return payload_fail(c, "bad-crosschain-fee", NULL);
    return true;
}

static bool crosschain_v1(const cx *c)
{
    const ela_tx *tx = c->tx;
    if (tx->version < ELA_TX_VERSION_09)
        return payload_fail(c, "bad-crosschain-tx-version", NULL);
    size_t deposits = 0;
    for (size_t i = 0; i < tx->output_count; i++) {
        const ela_output *o = &tx->outputs[i];
        if (o->type == ELA_OUTPUT_NONE)
            continue;
        if (o->type != ELA_OUTPUT_CROSSCHAIN)
            return payload_fail(c, "bad-crosschain-output-type", NULL);
        if (c->ctx->height >= c->p->prohibit_transfer_to_did_height &&
            ela_uint168_equal(&o->program_hash, &ela_ph_did_sidechain))
            return payload_fail(c, "bad-crosschain-did", NULL);
        if (prefix_of(&o->program_hash) != ELA_PREFIX_CROSSCHAIN)
            return payload_fail(c, "bad-crosschain-output-address", NULL);
        /* Go's int64 sum wraps: a huge target amount makes the bound negative. */
        int64_t need = ela_txcheck_wrap_add(c->p->min_crosschain_tx_fee,
                                            o->payload.crosschain.target_amount);
        if (o->value < need)
            return payload_fail(c, "bad-crosschain-amount", NULL);
        deposits++;
    }
    if (deposits == 0)
        return payload_fail(c, "bad-crosschain-no-output", NULL);
    return true;
}

/* ---- §4.7.5 WithdrawFromSideChain ----------------------------------------------------------- */

static bool withdraw_inputs_crosschain(const cx *c)
{
    if (!all_refs_with_prefix(c, ELA_PREFIX_CROSSCHAIN))
        return payload_fail(c, "bad-withdraw-input-address", NULL);
    return true;
}

static bool withdraw_v0(const cx *c)
{
    const ela_payload_withdraw_from_sidechain *pl = &c->tx->payload.u.withdraw_from_sidechain;
    for (size_t i = 0; i < pl->side_chain_tx_hashes.count; i++)
        if (c->view->withdraw_known(c->view->ctx, &pl->side_chain_tx_hashes.items[i]))
            return payload_fail(c, "bad-withdraw-duplicate", "side-chain tx already withdrawn");
    if (!withdraw_inputs_crosschain(c))
        return false;
    if (c->tx->program_count == 0)
        return true;
    arbiters a;
    bool loaded = false;
    for (size_t i = 0; i < c->tx->program_count; i++) {
        const ela_program *prog = &c->tx->programs[i];
        if (c->ctx->height >= c->p->cr_claim_dpos_node_start_height) {
            if (!loaded && !load_arbiters(c, &a))
                return false;
            loaded = true;
            if (!check_arbiter_program(c, &a, prog, "bad-withdraw-program"))
                return false;
            continue;
        }
        xscript x;
        if (!parse_crosschain_script(&x, &prog->code))
            return payload_fail(c, "bad-withdraw-program", "not a cross-chain arbiter script");
        /* Before CRClaimDPOSNodeStartHeight: the arbiter count comes from the parameters
         * (origin arbiters until the tip reaches CRCOnlyDPOSHeight - 1, then CRC arbiters) and
         * m must exceed two thirds of it. */
        size_t count = c->ctx->tip_height < (uint32_t)(c->p->crc_only_dpos_height - 1)
                           ? c->p->n_origin_arbiters
                           : c->p->n_crc_arbiters;
        int majority = (int)(count * 2 / 3);
        if (x.m < 1 || x.m > x.n || x.n != (int)count || x.m <= majority)
            return payload_fail(c, "bad-withdraw-program", "m / n");
        if (!loaded && !load_arbiters(c, &a))
            return false;
        loaded = true;
        if (!script_keys_are_arbiters(&x, &a))
            return payload_fail(c, "bad-withdraw-arbiters", NULL);
    }
    return true;
}

static bool withdraw_v1(const cx *c)
{
    const ela_tx *tx = c->tx;
    for (size_t i = 0; i < tx->output_count; i++) {
        const ela_output *o = &tx->outputs[i];
        if (o->type == ELA_OUTPUT_WITHDRAW &&
            c->view->withdraw_known(c->view->ctx, &o->payload.withdraw.sidechain_txid))
            return payload_fail(c, "bad-withdraw-duplicate", "side-chain tx already withdrawn");
    }
    if (!withdraw_inputs_crosschain(c))
        return false;
    if (tx->program_count == 0)
        return true;
    arbiters a;
    if (!load_arbiters(c, &a))
        return false;
    for (size_t i = 0; i < tx->program_count; i++)
        if (!check_arbiter_program(c, &a, &tx->programs[i], "bad-withdraw-program"))
            return false;
    return true;
}

/* v2: the programs must be Schnorr scripts of the sum of the signers' node keys. OBSERVED: the
 * side-chain hashes are not checked against earlier withdrawals here (§4.7.5). */
static bool withdraw_v2(const cx *c)
{
    const ela_tx *tx = c->tx;
    const ela_bytes *signers = &tx->payload.u.withdraw_from_sidechain.signers;
    uint32_t h = c->ctx->height;
    uint32_t members = c->p->cr_member_count;
    /* More than two thirds of the CR members, except strictly between CRClaimDPOSNodeStartHeight
     * and DPOSNodeCrossChainHeight where two thirds suffice. */
    bool relaxed = h > c->p->cr_claim_dpos_node_start_height &&
                   h < c->p->dpos_node_crosschain_height;
    size_t need = relaxed ? members * 2 / 3 : members * 2 / 3 + 1;
    if (signers->len < need)
        return payload_fail(c, "bad-withdraw-signers", "not enough signers");
    if (!withdraw_inputs_crosschain(c))
        return false;
    arbiters a;
    if (!load_arbiters(c, &a))
        return false;
    bool restricted = h >= c->p->crosschain_utxo_restriction_height;
    bool seen[256] = {false};
    uint8_t(*keys)[ELA_PUBKEY_SIZE] = ela_xmalloc(signers->len * sizeof *keys);
    for (size_t i = 0; i < signers->len; i++) {
        uint8_t idx = signers->data[i];
        /* Unrestricted, the reference indexes its list without a bound check and panics on an
         * index past the end: such a tx can never be in the chain, so it is rejected. */
        if (idx >= a.n || (restricted && seen[idx])) {
            free(keys);
            return payload_fail(c, "bad-withdraw-signers", "signer index");
        }
        seen[idx] = true;
        memcpy(keys[i], a.keys[idx], ELA_PUBKEY_SIZE);
    }
    uint8_t agg[ELA_PUBKEY_SIZE];
    bool ok = ela_schnorr_aggregate_pubkeys(agg, (const uint8_t(*)[ELA_PUBKEY_SIZE])keys,
                                            signers->len);
    free(keys);
    if (!ok)
        return payload_fail(c, "bad-withdraw-aggregate", "no aggregate key");
    uint8_t script[ELA_SCHNORR_CODE_SIZE];
    ela_contract_schnorr_code(script, agg);
    for (size_t i = 0; i < tx->program_count; i++) {
        const ela_bytes *code = &tx->programs[i].code;
        if (!ela_contract_is_schnorr(code->data, code->len))
            return payload_fail(c, "bad-withdraw-program", "not a Schnorr program");
        if (memcmp(code->data, script, sizeof script) != 0)
            return payload_fail(c, "bad-withdraw-aggregate", "signers do not match");
    }
    return true;
}

static bool special_withdraw(const cx *c)
{
    uint8_t pv = ela_tx_payload_version(c->tx);
    if (c->ctx->height > c->p->schnorr_start_height && pv != 2)
        return payload_fail(c, "bad-withdraw-version", NULL);
    switch (pv) {
    case 0: return withdraw_v0(c);
    case 1: return withdraw_v1(c);
    case 2: return withdraw_v2(c);
    default: return true; /* OBSERVED: other versions have no special check at all */
    }
}

/* ---- §4.7.6 ReturnSideChainDepositCoin ------------------------------------------------------ */

/* The deposited amount a refund output must match, or false when the deposit is unusable.
 * *skip is set when the reference skips the amount test (a payload version 0 or 1 deposit tx
 * whose payload is not a TransferCrossChainAsset: it logs and continues). */
static bool deposit_amount(const cx *c, int64_t *amount, bool *skip, const ela_tx *dep,
                           const ela_uint168 *xph)
{
    *amount = 0;
    *skip = false;
    uint8_t pv = ela_tx_payload_version(dep);
    if (pv > 1)
        return true;
    if (ela_tx_type(dep) != ELA_TX_TRANSFER_CROSSCHAIN_ASSET) {
        *skip = true;
        return true;
    }
    if (pv == 0) {
        const ela_payload_transfer_crosschain_asset *pl =
            &dep->payload.u.transfer_crosschain_asset;
        for (size_t i = 0; i < pl->count; i++) {
            uint64_t idx = pl->entries[i].output_index;
            if (idx >= dep->output_count)
                return payload_fail(c, "bad-return-deposit-unknown", "deposit output index");
            if (ela_uint168_equal(xph, &dep->outputs[idx].program_hash))
                *amount = ela_txcheck_wrap_add(*amount, dep->outputs[idx].value);
        }
    } else {
        for (size_t i = 0; i < dep->output_count; i++) {
            const ela_output *o = &dep->outputs[i];
            if (o->type == ELA_OUTPUT_CROSSCHAIN && ela_uint168_equal(xph, &o->program_hash))
                *amount = ela_txcheck_wrap_add(*amount, o->value);
        }
    }
    return true;
}

static bool return_deposit_output(const cx *c, const ela_output *o)
{
    const ela_return_deposit_output *rd = &o->payload.return_deposit;
    if (c->view->deposit_refunded(c->view->ctx, &rd->deposit_txid))
        return payload_fail(c, "bad-return-deposit-refunded", NULL);
    assert(c->view->get_tx != NULL);
    ela_tx dep, first;
    ela_tx_init(&dep);
    ela_tx_init(&first);
    bool ok = false;
    if (!c->view->get_tx(c->view->ctx, &dep, &rd->deposit_txid)) {
        payload_fail(c, "bad-return-deposit-unknown", "deposit tx");
        goto out;
    }
    /* The refund goes to the address of the output the deposit's first input spent. */
    if (dep.input_count == 0 ||
        !c->view->get_tx(c->view->ctx, &first, &dep.inputs[0].prev_txid) ||
        dep.inputs[0].prev_index >= first.output_count) {
        payload_fail(c, "bad-return-deposit-unknown", "deposit's first input");
        goto out;
    }
    if (!ela_uint168_equal(&o->program_hash,
                           &first.outputs[dep.inputs[0].prev_index].program_hash)) {
        payload_fail(c, "bad-return-deposit-address", NULL);
        goto out;
    }
    /* GenesisBlockAddress is the side chain's X address as text. */
    char text[ELA_ADDRESS_MAX];
    ela_uint168 xph;
    if (rd->genesis_block_address.len >= sizeof text) {
        payload_fail(c, "bad-return-deposit-address", "genesis block address");
        goto out;
    }
    memcpy(text, rd->genesis_block_address.data, rd->genesis_block_address.len);
    text[rd->genesis_block_address.len] = '\0';
    if (memchr(text, '\0', rd->genesis_block_address.len) != NULL ||
        !ela_address_to_program_hash(&xph, text)) {
        payload_fail(c, "bad-return-deposit-address", "genesis block address");
        goto out;
    }
    int64_t amount;
    bool skip;
    if (!deposit_amount(c, &amount, &skip, &dep, &xph))
        goto out;
    if (!skip &&
        ela_txcheck_wrap_add(o->value, c->p->return_deposit_coin_fee) != amount) {
        payload_fail(c, "bad-return-deposit-amount", NULL);
        goto out;
    }
    ok = true;
out:
    ela_tx_clear(&dep);
    ela_tx_clear(&first);
    return ok;
}

static bool special_return_deposit(const cx *c)
{
    const ela_tx *tx = c->tx;
    if (c->ctx->height >= c->p->crosschain_utxo_restriction_height &&
        any_ref_with_prefix(c, ELA_PREFIX_CROSSCHAIN)) {
        if (tx->program_count == 0)
            return payload_fail(c, "bad-return-deposit-program", "no programs");
        arbiters a;
        if (!load_arbiters(c, &a))
            return false;
        for (size_t i = 0; i < tx->program_count; i++)
            if (!check_arbiter_program(c, &a, &tx->programs[i], "bad-return-deposit-program"))
                return false;
    }
    for (size_t i = 0; i < tx->output_count; i++)
        if (tx->outputs[i].type == ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT &&
            !return_deposit_output(c, &tx->outputs[i]))
            return false;
    return true;
}

/* ---- §4.3 steps 9-16 ------------------------------------------------------------------------ */

/* The type-specific step 9. *end is set when the type ends validation here with success. */
static bool special_context(const cx *c, bool *end)
{
    const ela_tx *tx = c->tx;
    *end = false;
    switch (ela_tx_type(tx)) {
    case ELA_TX_SIDECHAIN_POW:
        if (!special_sidechain_pow(c))
            return false;
        *end = tx->input_count == 0;
        return true;
    case ELA_TX_TRANSFER_CROSSCHAIN_ASSET:
        switch (ela_tx_payload_version(tx)) {
        case 0: return crosschain_v0(c);
        case 1: return crosschain_v1(c);
        default: return payload_fail(c, "bad-crosschain-payload", "payload version");
        }
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN:
        return special_withdraw(c);
    case ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN:
        return special_return_deposit(c);
    default:
        break;
    }
    if (!ela_txcheck_type_needs_state(ela_tx_type(tx)))
        return true;
    if (c->state->check_tx == NULL)
        return needs_state(c, ELA_ERR_TRANSACTION_PAYLOAD, "no state");
    if (!c->state->check_tx(c->state->ctx, c->st, tx, c->refs, c->ctx->height)) {
        if (ela_validation_ok(c->st))
            return needs_state(c, ELA_ERR_TRANSACTION_PAYLOAD, "state refused");
        return false;
    }
    *end = ela_txcheck_ends_at_special(tx);
    return true;
}

static bool is_deposit_type(uint8_t t)
{
    return t == ELA_TX_RETURN_DEPOSIT_COIN || t == ELA_TX_RETURN_CR_DEPOSIT_COIN;
}

static bool check_after_special(const cx *c)
{
    const ela_tx *tx = c->tx;
    const ela_params *p = c->p;
    uint8_t t = ela_tx_type(tx);

    /* Step 10: fee over all assets (only ELA exists); ActivateProducer must pay none. */
    int64_t fee = ela_txcheck_wrap_sub(sum_refs(c), sum_outputs(tx));
    if (t == ELA_TX_ACTIVATE_PRODUCER) {
        if (fee != 0)
            return ela_validation_invalid(c->st, ELA_ERR_TRANSACTION_BALANCE,
                                          "bad-txns-fee-not-zero", "fee %lld", (long long)fee);
    } else if (fee < p->min_tx_fee) {
        return ela_validation_invalid(c->st, ELA_ERR_TRANSACTION_BALANCE, "bad-txns-fee-too-low",
                                      "fee %lld", (long long)fee);
    }

    /* Step 11. */
    for (size_t i = 0; i < tx->input_count; i++)
        if (ela_uint168_equal(&c->refs[i].out.program_hash, &ela_ph_destroy))
            return ela_validation_invalid(c->st, ELA_ERR_INVALID_INPUT, "bad-txns-destroy-input",
                                          "input %zu", i);

    /* Step 12: deposit UTXOs only by the two return types, which spend nothing else. */
    for (size_t i = 0; i < tx->input_count; i++) {
        bool deposit = prefix_of(&c->refs[i].out.program_hash) == ELA_PREFIX_DEPOSIT;
        if (deposit != is_deposit_type(t))
            return ela_validation_invalid(c->st, ELA_ERR_INVALID_INPUT, "bad-txns-deposit-input",
                                          "input %zu", i);
    }

    /* Step 13: new deposit outputs only from the registering / returning types, or to the
     * deposit address of a registered producer or CR candidate (state). */
    bool deposit_type = t == ELA_TX_REGISTER_PRODUCER || t == ELA_TX_REGISTER_CR ||
                        is_deposit_type(t);
    for (size_t i = 0; i < tx->output_count && !deposit_type; i++) {
        const ela_uint168 *ph = &tx->outputs[i].program_hash;
        if (prefix_of(ph) != ELA_PREFIX_DEPOSIT)
            continue;
        bool registered = false;
        if (c->state->deposit_address_registered == NULL ||
            !c->state->deposit_address_registered(c->state->ctx, &registered, ph))
            return needs_state(c, ELA_ERR_INVALID_INPUT, "deposit address owner unknown");
        if (!registered)
            return ela_validation_invalid(c->st, ELA_ERR_INVALID_INPUT, "bad-txns-deposit-output",
                                          "output %zu", i);
    }

    /* Step 14 (signatures) is ela_txcheck_programs. */

    /* Step 15, OBSERVED (§4.3, §9 quirk 4): maturity counts from the coinbase's lock time, not
     * the height of its block, in u32 arithmetic against the tip. */
    for (size_t i = 0; i < tx->input_count; i++) {
        const ela_coin *ref = &c->refs[i];
        if (ref->flags & ELA_COIN_COINBASE) {
            uint32_t age = c->ctx->tip_height - ref->tx_lock_time;
            if (age < p->coinbase_maturity)
                return ela_validation_invalid(c->st, ELA_ERR_INEFFECTIVE_COINBASE,
                                              "bad-txns-premature-spend-of-coinbase",
                                              "input %zu: tip %u, coinbase lock time %u", i,
                                              (unsigned)c->ctx->tip_height,
                                              (unsigned)ref->tx_lock_time);
        } else if (ref->flags & ELA_COIN_SIDECHAIN_POW_NEW) {
            return ela_validation_invalid(c->st, ELA_ERR_INEFFECTIVE_COINBASE,
                                          "bad-txns-spend-sidechainpow", "input %zu", i);
        }
    }

    /* Step 16: vote outputs are state (producers, CR candidates, proposals, DPoS v2 era). */
    if (tx->version >= ELA_TX_VERSION_09) {
        bool votes = false;
        for (size_t i = 0; i < tx->output_count && !votes; i++)
            votes = tx->outputs[i].type == ELA_OUTPUT_VOTE;
        if (votes) {
            if (c->state->check_tx == NULL)
                return needs_state(c, ELA_ERR_INVALID_OUTPUT, "vote outputs");
            if (!c->state->check_tx(c->state->ctx, c->st, tx, c->refs, c->ctx->height)) {
                if (ela_validation_ok(c->st))
                    return needs_state(c, ELA_ERR_INVALID_OUTPUT, "vote outputs");
                return false;
            }
        }
    }
    return true;
}

/* The coinbase's own ContextCheck (§4.7.1). Block validation never calls it (§3.4 note); it is
 * here for completeness: duplicate hash, then the address of output 0. */
static bool coinbase_context(const cx *c)
{
    const ela_tx *tx = c->tx;
    if (c->view->have_tx(c->view->ctx, &tx->txid))
        return ela_validation_invalid(c->st, ELA_ERR_TRANSACTION_DUPLICATE, "bad-txns-duplicate",
                                      NULL);
    if (tx->output_count == 0)
        return ela_validation_invalid(c->st, ELA_ERR_INVALID_OUTPUT, "bad-cb-outputs", NULL);
    const ela_uint168 *want;
    if (c->ctx->height >= c->p->cr_committee_start_height) {
        bool pow = c->state->consensus_mode != NULL &&
                   c->state->consensus_mode(c->state->ctx) == ELA_CONSENSUS_POW;
        want = pow ? &ela_ph_destroy : &ela_ph_cr_assets;
    } else {
        want = &c->p->foundation;
    }
    if (!ela_uint168_equal(&tx->outputs[0].program_hash, want))
        return ela_validation_invalid(c->st, ELA_ERR_INVALID_OUTPUT, "bad-cb-address", NULL);
    return true;
}

bool ela_tx_check_context(ela_validation_state *st, int64_t *fee, ela_coin *refs,
                          const ela_params *p, const ela_chain_view *view,
                          const ela_state_ops *state, const ela_tx *tx,
                          const ela_tx_context *ctx)
{
    assert(view != NULL && view->get_coin != NULL && view->have_tx != NULL);
    assert(view->withdraw_known != NULL && view->deposit_refunded != NULL);
    assert(state != NULL);
    *fee = 0;
    if (tx->input_count)
        memset(refs, 0, tx->input_count * sizeof *refs);
    cx c = {st, p, view, state, tx, ctx, refs};

    if (ela_tx_is_coinbase(tx))
        return coinbase_context(&c);

    /* Step 1. */
    if (!ela_txcheck_height_version(st, p, tx, ctx->height))
        return false;
    /* Step 2. */
    if (view->have_tx(view->ctx, &tx->txid))
        return ela_validation_invalid(st, ELA_ERR_TRANSACTION_DUPLICATE, "bad-txns-duplicate",
                                      NULL);
    /* Step 3. */
    size_t first_spent = SIZE_MAX;
    for (size_t i = 0; i < tx->input_count; i++) {
        switch (resolve_ref(view, &refs[i], &tx->inputs[i])) {
        case REF_UNSPENT:
            break;
        case REF_SPENT:
            if (first_spent == SIZE_MAX)
                first_spent = i;
            break;
        case REF_SPENT_NO_OUTPUT:
            return ela_validation_invalid(st, ELA_ERR_DOUBLE_SPEND, "bad-txns-double-spend",
                                          "input %zu", i);
        case REF_UNKNOWN:
            return ela_validation_invalid(st, ELA_ERR_UNKNOWN_REFERRED_TX,
                                          "bad-txns-unknown-referenced", "input %zu", i);
        }
    }

    /* Step 4: the mainnet CrossChain UTXO freeze (parameters give "never" elsewhere). */
    uint32_t h = ctx->height;
    if (h >= p->crosschain_utxo_freeze_height && any_ref_with_prefix(&c, ELA_PREFIX_CROSSCHAIN)) {
        if (h < p->crosschain_utxo_restriction_height)
            return ela_validation_invalid(st, ELA_ERR_INVALID_INPUT, "bad-txns-crosschain-frozen",
                                          NULL);
        uint8_t t = ela_tx_type(tx), pv = ela_tx_payload_version(tx);
        bool allowed;
        if (t == ELA_TX_WITHDRAW_FROM_SIDECHAIN)
            allowed = pv <= 2;
        else
            allowed = t == ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN && pv == 0 &&
                      all_refs_with_prefix(&c, ELA_PREFIX_CROSSCHAIN);
        if (!allowed)
            return ela_validation_invalid(st, ELA_ERR_INVALID_INPUT,
                                          "bad-txns-crosschain-restricted", NULL);
    }

    /* Step 5: frozen addresses, each from its own height, both directions. */
    for (size_t k = 0; k < p->n_frozen; k++) {
        if (h < p->frozen_from[k])
            continue;
        for (size_t i = 0; i < tx->input_count; i++)
            if (ela_uint168_equal(&refs[i].out.program_hash, &p->frozen[k]))
                return ela_validation_invalid(st, ELA_ERR_INVALID_INPUT,
                                              "bad-txns-frozen-address", "input %zu", i);
        for (size_t i = 0; i < tx->output_count; i++)
            if (ela_uint168_equal(&tx->outputs[i].program_hash, &p->frozen[k]))
                return ela_validation_invalid(st, ELA_ERR_INVALID_INPUT,
                                              "bad-txns-frozen-address", "output %zu", i);
    }

    /* Step 6. */
    bool pow = state->consensus_mode != NULL &&
               state->consensus_mode(state->ctx) == ELA_CONSENSUS_POW;
    if (pow && !allowed_in_pow(&c))
        return ela_validation_invalid(st, ELA_ERR_INVALID_TRANSACTION, "bad-txns-pow-mode",
                                      "type 0x%02x", (unsigned)ela_tx_type(tx));
    /* ExchangeVotes' sanity took the DPoS-mode branch; in POW mode its single-input rules apply
     * (they differ only from MultiExchangeVotesStartHeight). */
    if (pow && ela_tx_type(tx) == ELA_TX_EXCHANGE_VOTES &&
        h >= p->multi_exchange_votes_start_height &&
        !ela_txcheck_exchange_votes_outputs(st, p, tx, h, true))
        return false;

    /* Step 7. */
    if (first_spent != SIZE_MAX)
        return ela_validation_invalid(st, ELA_ERR_DOUBLE_SPEND, "bad-txns-double-spend",
                                      "input %zu", first_spent);

    /* Step 8: a locked output needs sequence 0xFFFFFFFE and a lock time reaching the lock. */
    for (size_t i = 0; i < tx->input_count; i++) {
        uint32_t lock = refs[i].out.output_lock;
        if (lock == 0)
            continue;
        if (tx->inputs[i].sequence != 0xfffffffeu)
            return ela_validation_invalid(st, ELA_ERR_UTXO_LOCKED, "bad-txns-lock-sequence",
                                          "input %zu", i);
        if (tx->lock_time < lock)
            return ela_validation_invalid(st, ELA_ERR_UTXO_LOCKED, "bad-txns-output-locked",
                                          "input %zu locked until %u", i, (unsigned)lock);
    }

    /* Step 9. */
    bool end;
    if (!special_context(&c, &end))
        return false;
    if (!end && !check_after_special(&c))
        return false;

    /* The fee the block adds up (GetTxFee for the ELA asset). */
    int64_t in = 0, out = 0;
    for (size_t i = 0; i < tx->input_count; i++)
        if (ela_uint256_equal(&refs[i].out.asset_id, &ela_txcheck_ela_asset))
            in = ela_txcheck_wrap_add(in, refs[i].out.value);
    for (size_t i = 0; i < tx->output_count; i++)
        if (ela_uint256_equal(&tx->outputs[i].asset_id, &ela_txcheck_ela_asset))
            out = ela_txcheck_wrap_add(out, tx->outputs[i].value);
    *fee = ela_txcheck_wrap_sub(in, out);
    return true;
}
