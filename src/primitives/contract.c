/* elad: redeem scripts and program hashes (spec/wire.md §5). */
#include <ela/contract.h>

#include <ela/ecdsa.h>
#include <ela/hash.h>

#include <stdlib.h>
#include <string.h>

void ela_contract_code_hash(uint8_t out[20], const uint8_t *code, size_t len)
{
    ela_hash160(out, code, len);
}

void ela_contract_program_hash(ela_uint168 *out, uint8_t prefix, const uint8_t *code, size_t len)
{
    out->b[0] = prefix;
    ela_hash160(out->b + 1, code, len);
}

void ela_contract_standard_code(uint8_t out[ELA_STANDARD_CODE_SIZE], const uint8_t key[33])
{
    out[0] = 33;
    memcpy(out + 1, key, 33);
    out[34] = ELA_OP_CHECKSIG;
}

void ela_contract_schnorr_code(uint8_t out[ELA_SCHNORR_CODE_SIZE], const uint8_t key[33])
{
    out[0] = ELA_OP_PUSH1; /* version 1 ("TapRootVersion") */
    out[1] = 33;
    memcpy(out + 2, key, 33);
}

void ela_contract_crosschain_code(uint8_t out[ELA_CROSSCHAIN_CODE_SIZE],
                                  const ela_uint256 *genesis_internal)
{
    out[0] = 32;
    memcpy(out + 1, genesis_internal->b, 32);
    out[33] = ELA_OP_CROSSCHAIN;
}

/* The reference's ProgramBuilder.PushNumber for 1..24: an opcode up to 16, else PUSHBYTES1. */
static void push_number(ela_bytes *b, unsigned v)
{
    if (v <= 16) {
        b->data[b->len++] = (uint8_t)(ELA_OP_PUSH1 - 1 + v);
    } else {
        b->data[b->len++] = 0x01;
        b->data[b->len++] = (uint8_t)v;
    }
}

bool ela_contract_multisig_code(ela_bytes *out, unsigned m, const uint8_t (*keys)[33], size_t n,
                                bool crosschain)
{
    out->data = NULL;
    out->len = 0;
    if (n == 0 || n > ELA_MULTISIG_MAX_KEYS || m < 1 || m > n)
        return false;
    for (size_t i = 0; i < n; i++) {
        ela_pubkey pk = {0};
        if (keys[i][0] != 0x02 && keys[i][0] != 0x03)
            return false;
        if (!ela_pubkey_parse(&pk, keys[i], 33))
            return false;
        ela_pubkey_clear(&pk);
    }

    /* Insertion sort with the reference's "X <= X" less-than: this is what Go's sort.Sort does
     * for up to 12 elements, and for distinct X every correct sort agrees anyway. */
    size_t *order = ela_xmalloc(n * sizeof(*order));
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && memcmp(keys[order[j]] + 1, keys[order[j - 1]] + 1, 32) <= 0;
             j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }

    out->data = ela_xmalloc(2 + 34 * n + 2 + 1);
    push_number(out, m);
    for (size_t i = 0; i < n; i++) {
        out->data[out->len++] = 33;
        memcpy(out->data + out->len, keys[order[i]], 33);
        out->len += 33;
    }
    push_number(out, (unsigned)n);
    out->data[out->len++] = crosschain ? ELA_OP_CROSSCHAIN : ELA_OP_CHECKMULTISIG;
    free(order);
    return true;
}

bool ela_contract_is_standard(const uint8_t *code, size_t len)
{
    return len == 35 && code[0] == 33 && code[34] == ELA_OP_CHECKSIG;
}

bool ela_contract_is_schnorr(const uint8_t *code, size_t len)
{
    return len == 35 && code[0] == ELA_OP_PUSH1 && (size_t)code[1] + 2 == len;
}

/* The reference's BytesToInt16: big-endian int16, or 0 when fewer than 2 bytes are left. */
static int bytes_to_int16(const uint8_t *code, size_t len, size_t i)
{
    if (len < i + 2)
        return 0;
    return (int16_t)(uint16_t)((code[i] << 8) | code[i + 1]);
}

bool ela_contract_is_multisig_ex(const uint8_t *code, size_t len, bool *ref_panics)
{
    *ref_panics = false;
    if (len < 37)
        return false;
    size_t i = 0;
    int m, n = 0;
    if (code[0] > ELA_OP_PUSH16 || (code[0] < ELA_OP_PUSH1 && code[0] != 1 && code[0] != 2))
        return false;
    switch (code[0]) {
    case 1:
        m = code[1];
        i = 2;
        break;
    case 2:
        m = bytes_to_int16(code, len, 1);
        i = 3;
        break;
    default:
        m = code[0] - 80;
        i = 1;
        break;
    }
    if (m < 1 || m > 1024)
        return false;
    while (code[i] == 33) {
        i += 34;
        if (len <= i)
            return false;
        n++;
    }
    if (n < m || n > 1024)
        return false;
    /* From here the reference reads code[i] without a bounds check. */
    switch (code[i]) {
    case 1:
        if (++i >= len)
            goto panics;
        if (n != code[i])
            return false;
        i++;
        break;
    case 2:
        i++;
        if (n != bytes_to_int16(code, len, i))
            return false;
        i += 2;
        break;
    default:
        if (n != code[i] - 80)
            return false;
        i++;
        break;
    }
    if (i >= len)
        goto panics;
    if (code[i] != ELA_OP_CHECKMULTISIG)
        return false;
    return i + 1 == len;
panics:
    *ref_panics = true;
    return false;
}

bool ela_contract_is_multisig(const uint8_t *code, size_t len)
{
    bool panics;
    return ela_contract_is_multisig_ex(code, len, &panics);
}

bool ela_contract_is_crosschain_multisig(const uint8_t *code, size_t len)
{
    return len >= 71 && code[len - 1] == ELA_OP_CROSSCHAIN && (len - 3) % 34 == 0;
}

ela_code_type ela_contract_code_type(const uint8_t *code, size_t len)
{
    if (ela_contract_is_standard(code, len))
        return ELA_CODE_STANDARD;
    if (ela_contract_is_multisig(code, len))
        return ELA_CODE_MULTISIG;
    if (ela_contract_is_schnorr(code, len))
        return ELA_CODE_SCHNORR;
    return ELA_CODE_CUSTOM;
}

uint8_t ela_contract_prefix_for_code(const uint8_t *code, size_t len)
{
    if (ela_contract_is_standard(code, len) || ela_contract_is_schnorr(code, len))
        return ELA_PREFIX_STANDARD;
    if (ela_contract_is_multisig(code, len))
        return ELA_PREFIX_MULTISIG;
    if (len > 0 && code[len - 1] == ELA_OP_CROSSCHAIN)
        return ELA_PREFIX_CROSSCHAIN;
    return 0;
}

void ela_contract_deposit_program_hash(ela_uint168 *out, const uint8_t *code, size_t len)
{
    ela_contract_program_hash(out, ELA_PREFIX_DEPOSIT, code, len);
}

void ela_contract_stake_program_hash(ela_uint168 *out, const uint8_t *code, size_t len)
{
    ela_contract_program_hash(out, ELA_PREFIX_DPOS_V2, code, len);
}

void ela_contract_cid_program_hash(ela_uint168 *out, const uint8_t *code, size_t len)
{
    ela_contract_program_hash(out, ELA_PREFIX_CRDID, code, len);
}

void ela_contract_did_program_hash(ela_uint168 *out, const uint8_t *code, size_t len)
{
    uint8_t *did = ela_xmemdup(code, len);
    did[len - 1] = ELA_OP_DID;
    ela_contract_program_hash(out, ELA_PREFIX_CRDID, did, len);
    free(did);
}

void ela_contract_cr_did_program_hash(ela_uint168 *out, const uint8_t *code, size_t len)
{
    if (!ela_contract_is_schnorr(code, len)) {
        ela_contract_did_program_hash(out, code, len);
        return;
    }
    uint8_t did[ELA_SCHNORR_CODE_SIZE];
    memcpy(did, code + 1, len - 1);
    did[len - 1] = ELA_OP_DID;
    ela_contract_program_hash(out, ELA_PREFIX_CRDID, did, len);
}

void ela_contract_crosschain_program_hash(ela_uint168 *out, const ela_uint256 *genesis_internal)
{
    uint8_t code[ELA_CROSSCHAIN_CODE_SIZE];
    ela_contract_crosschain_code(code, genesis_internal);
    ela_contract_program_hash(out, ELA_PREFIX_CROSSCHAIN, code, sizeof(code));
}
