/* elad wallet: transfer building and signing (see txbuild.h). */
#include "wallet/txbuild.h"

#include <ela/contract.h>
#include <ela/ecdsa.h>
#include <ela/genesis.h>
#include <ela/hash.h>
#include <ela/payload.h>
#include <ela/serialize.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIG_ITEM 65 /* 0x40 || r || s */

static bool fail(const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return false;
}

static void set_output(ela_output *o, const ela_uint256 *asset, const ela_uint168 *ph,
                       int64_t value, uint32_t lock)
{
    memset(o, 0, sizeof *o);
    o->asset_id = *asset;
    o->value = value;
    o->output_lock = lock;
    o->program_hash = *ph;
    o->type = ELA_OUTPUT_NONE;
}

bool ela_wallet_build_transfer(ela_tx *out, const ela_wallet_transfer *spec,
                               const ela_wallet_utxo *utxos, size_t utxo_count, const char **why)
{
    ela_tx_init(out);
    if (spec->to_count == 0)
        return fail(why, "no recipient");
    if (spec->fee < 0)
        return fail(why, "invalid amount");
    int64_t total = spec->fee;
    for (size_t i = 0; i < spec->to_count; i++) {
        if (spec->to[i].amount <= 0 || spec->to[i].amount > INT64_MAX - total)
            return fail(why, "invalid amount");
        total += spec->to[i].amount;
    }

    /* Inputs in the node's order until they cover the total (the reference's createInputs). */
    size_t used = 0;
    int64_t have = 0;
    while (have < total && used < utxo_count) {
        if (utxos[used].value <= 0 || utxos[used].value > INT64_MAX - have)
            return fail(why, "invalid utxo amount");
        have += utxos[used].value;
        used++;
    }
    if (have < total)
        return fail(why, "insufficient funds");

    ela_uint256 asset;
    ela_genesis_asset_id(&asset);
    out->version = ELA_TX_VERSION_09;
    ela_payload_init(&out->payload, ELA_TX_TRANSFER_ASSET, 0);

    char nonce[24];
    snprintf(nonce, sizeof nonce, "%" PRIu64, spec->nonce);
    out->attribute_count = 1;
    out->attributes = ela_xcalloc(1, sizeof *out->attributes);
    out->attributes[0].usage = ELA_ATTR_NONCE;
    ela_bytes_set(&out->attributes[0].data, (const uint8_t *)nonce, strlen(nonce));

    out->input_count = used;
    out->inputs = ela_xcalloc(used, sizeof *out->inputs);
    for (size_t i = 0; i < used; i++) {
        out->inputs[i].prev_txid = utxos[i].txid;
        out->inputs[i].prev_index = utxos[i].index;
        out->inputs[i].sequence = utxos[i].output_lock > 0 ? 0xfffffffeu : 0xffffffffu;
    }

    size_t nout = spec->to_count + (have > total ? 1 : 0);
    out->output_count = nout;
    out->outputs = ela_xcalloc(nout, sizeof *out->outputs);
    for (size_t i = 0; i < spec->to_count; i++)
        set_output(&out->outputs[i], &asset, &spec->to[i].program_hash, spec->to[i].amount,
                   spec->output_lock);
    if (have > total)
        set_output(&out->outputs[spec->to_count], &asset, &spec->from, have - total, 0);

    out->lock_time = spec->tx_lock;
    out->program_count = 1;
    out->programs = ela_xcalloc(1, sizeof *out->programs);
    ela_bytes_set(&out->programs[0].code, spec->from_code, spec->from_code_len);
    ela_tx_compute_hash(out);
    return true;
}

/* The state of one program: have/need. */
static bool program_state(unsigned *have, unsigned *need, const ela_program *p)
{
    if (ela_contract_is_standard(p->code.data, p->code.len)) {
        *need = 1;
        *have = p->parameter.len >= SIG_ITEM ? 1 : 0;
        return true;
    }
    unsigned m;
    size_t n;
    uint8_t(*keys)[33];
    if (!ela_wallet_parse_multisig(&m, &n, &keys, p->code.data, p->code.len))
        return false;
    free(keys);
    *need = m;
    *have = (unsigned)(p->parameter.len / SIG_ITEM);
    if (*have > m)
        *have = m;
    return true;
}

bool ela_wallet_sign_state(ela_wallet_sign_status *st, const ela_tx *tx, const char **why)
{
    memset(st, 0, sizeof *st);
    if (tx->program_count == 0)
        return fail(why, "no program found in transaction");
    for (size_t i = 0; i < tx->program_count; i++) {
        unsigned h, n;
        if (!program_state(&h, &n, &tx->programs[i]))
            return fail(why, "unknown program code");
        st->have += h;
        st->need += n;
    }
    return true;
}

static bool sign_with(uint8_t item[SIG_ITEM], const uint8_t priv[32], const uint8_t digest[32])
{
    item[0] = 0x40;
    return ela_ecdsa_sign_digest(item + 1, priv, digest);
}

/* A multisig program: verified existing signatures kept (keyed by the key that verifies them),
 * new ones from ks added until m, all written in the keys' code order. */
static bool sign_multisig(size_t *added, ela_program *p, const ela_keystore *ks,
                          const uint8_t digest[32], const char **why)
{
    unsigned m;
    size_t n;
    uint8_t(*keys)[33];
    if (!ela_wallet_parse_multisig(&m, &n, &keys, p->code.data, p->code.len))
        return fail(why, "unknown program code");
    uint8_t(*sigs)[SIG_ITEM] = ela_xcalloc(n, SIG_ITEM);
    bool *has = ela_xcalloc(n, sizeof *has);
    unsigned count = 0;
    bool ok = true;

    for (size_t off = 0; off + SIG_ITEM <= p->parameter.len; off += SIG_ITEM) {
        const uint8_t *item = p->parameter.data + off;
        for (size_t k = 0; k < n; k++) {
            if (has[k])
                continue;
            const ela_pubkey *pk = ela_pubkey_cached(keys[k]);
            if (pk && ela_ecdsa_verify_digest(pk, digest, item + 1)) {
                memcpy(sigs[k], item, SIG_ITEM);
                has[k] = true;
                count++;
                break;
            }
        }
    }
    for (size_t k = 0; k < n && count < m; k++) {
        if (has[k])
            continue;
        const ela_wallet_account *a = ela_keystore_find_key(ks, keys[k]);
        if (!a || !a->has_priv)
            continue;
        if (!sign_with(sigs[k], a->priv, digest)) {
            ok = fail(why, "signing failed");
            break;
        }
        has[k] = true;
        count++;
        (*added)++;
    }
    if (ok) {
        ela_bytes_clear(&p->parameter);
        if (count > 0) {
            uint8_t *buf = ela_xmalloc((size_t)count * SIG_ITEM);
            size_t w = 0;
            for (size_t k = 0; k < n; k++)
                if (has[k])
                    memcpy(buf + SIG_ITEM * w++, sigs[k], SIG_ITEM);
            p->parameter.data = buf;
            p->parameter.len = w * SIG_ITEM;
        }
    }
    ela_memzero(sigs, n * SIG_ITEM);
    free(sigs);
    free(has);
    free(keys);
    return ok;
}

bool ela_wallet_sign(ela_wallet_sign_status *st, ela_tx *tx, const ela_keystore *ks,
                     const char **why)
{
    memset(st, 0, sizeof *st);
    if (tx->program_count == 0)
        return fail(why, "no program found in transaction");
    if (!ela_keystore_unlocked(ks))
        return fail(why, "keystore is locked");
    ela_bytes msg = {0};
    uint8_t digest[32];
    ela_tx_signed_data(&msg, tx);
    ela_sha256(digest, msg.data, msg.len);
    ela_bytes_clear(&msg);

    size_t added = 0;
    for (size_t i = 0; i < tx->program_count; i++) {
        ela_program *p = &tx->programs[i];
        if (ela_contract_is_standard(p->code.data, p->code.len)) {
            const ela_pubkey *pk = ela_pubkey_cached(p->code.data + 1);
            if (p->parameter.len == SIG_ITEM && pk &&
                ela_ecdsa_verify_digest(pk, digest, p->parameter.data + 1))
                continue; /* already signed */
            const ela_wallet_account *a = ela_keystore_find_key(ks, p->code.data + 1);
            if (!a || !a->has_priv)
                continue;
            uint8_t item[SIG_ITEM];
            if (!sign_with(item, a->priv, digest))
                return fail(why, "signing failed");
            ela_bytes_clear(&p->parameter);
            ela_bytes_set(&p->parameter, item, SIG_ITEM);
            added++;
        } else if (!sign_multisig(&added, p, ks, digest, why)) {
            return false;
        }
    }
    /* Programs are not part of the txid, but size is. */
    ela_tx_compute_hash(tx);
    if (!ela_wallet_sign_state(st, tx, why))
        return false;
    st->added = added;
    if (added == 0)
        return fail(why, st->have >= st->need
                             ? "transaction was fully signed, no need more sign"
                             : "no signature added: the keystore holds none of the keys needed");
    return true;
}
