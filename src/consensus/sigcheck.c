/* elad: RunPrograms and the per-contract signature checks (spec/wire.md §4.4, §4.5). */
#include <ela/sigcheck.h>

#include <ela/contract.h>
#include <ela/ecdsa.h>
#include <ela/hash.h>
#include <ela/schnorr.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define SIG_ITEM 65 /* 0x40 || r || s in a standard or multisig parameter */
#define KEY_CHUNK 34 /* 0x21 || compressed key in a multisig code */

static bool fail(const char **reason, const char *why)
{
    if (reason != NULL)
        *reason = why;
    return false;
}

static bool pass(const char **reason)
{
    if (reason != NULL)
        *reason = NULL;
    return true;
}

void ela_sighash_init(ela_sighash *out, const uint8_t *msg, size_t len)
{
    ela_sha256(out->sha256, msg, len);
    ela_sha256(out->sha256d, out->sha256, 32);
}

bool ela_sigcheck_standard(const ela_program_view *prog, const ela_sighash *h,
                           const char **reason)
{
    assert(ela_contract_is_standard(prog->code, prog->code_len));
    if (prog->param_len != SIG_ITEM)
        return fail(reason, "sig: invalid signature length");
    const uint8_t *key = prog->code + 1;
    /* Addresses are reused, so the parsed key usually comes from the thread's cache. */
    const ela_pubkey *pk = ela_pubkey_cached(key);
    if (!pk)
        return fail(reason, ela_pubkey_reference_decodes(key, 33) ? "sig: invalid signature"
                                                                    : "sig: invalid public key");
    /* §8 item 9: parameter[0] (normally 0x40) is not checked. */
    bool ok = ela_ecdsa_verify_digest(pk, h->sha256, prog->param + 1);
    return ok ? pass(reason) : fail(reason, "sig: invalid signature");
}

/* State of one multisig key, parsed when the claim search first reaches it. */
enum key_state { KEY_UNSEEN = 0, KEY_USABLE, KEY_NEVER_VERIFIES, KEY_UNDECODABLE };

bool ela_sigcheck_multisig(const ela_program_view *prog, const ela_sighash *h, bool crosschain,
                           const char **reason)
{
    const uint8_t *code = prog->code;
    size_t len = prog->code_len;
    if (len < 2)
        return fail(reason, "sig: malformed code"); /* the reference indexes code[len-2] */
    int n = (int)code[len - 2] - ELA_OP_PUSH1 + 1;
    int m = (int)code[0] - ELA_OP_PUSH1 + 1;
    if (!crosschain && (m < 1 || m > n))
        return fail(reason, "sig: invalid multisig code");
    uint8_t last = crosschain ? ELA_OP_CROSSCHAIN : ELA_OP_CHECKMULTISIG;
    if (len < 71 || code[len - 1] != last || (len - 3) % KEY_CHUNK != 0)
        return fail(reason, "sig: invalid multisig code");
    size_t nkeys = (len - 3) / KEY_CHUNK;
    /* The chunks' first bytes are not checked: the reference reads the 33 bytes after each. */
    if (n < 0 || nkeys != (size_t)n)
        return fail(reason, "sig: invalid multisig code");
    if (prog->param_len % SIG_ITEM != 0)
        return fail(reason, "sig: invalid signature length");
    size_t count = prog->param_len / SIG_ITEM;
    if ((long)count < m)
        return fail(reason, "sig: not enough signatures");
    if (count > nkeys)
        return fail(reason, "sig: too many signatures");

    ela_pubkey *keys = ela_xcalloc(nkeys, sizeof(*keys));
    uint8_t *state = ela_xcalloc(nkeys, 1);
    bool *claimed = ela_xcalloc(nkeys, sizeof(*claimed));
    long distinct = 0;
    const char *why = NULL;
    for (size_t s = 0; s < count && why == NULL; s++) {
        const uint8_t *sig = prog->param + s * SIG_ITEM + 1;
        for (size_t k = 0; k < nkeys; k++) {
            const uint8_t *key = code + 1 + k * KEY_CHUNK + 1;
            if (state[k] == KEY_UNSEEN) {
                if (ela_pubkey_parse(&keys[k], key, 33))
                    state[k] = KEY_USABLE;
                else if (ela_pubkey_reference_decodes(key, 33))
                    state[k] = KEY_NEVER_VERIFIES; /* decodes there, verify always fails */
                else
                    state[k] = KEY_UNDECODABLE;
            }
            if (state[k] == KEY_UNDECODABLE) {
                why = "sig: invalid public key";
                break;
            }
            if (state[k] != KEY_USABLE || !ela_ecdsa_verify_digest(&keys[k], h->sha256, sig))
                continue;
            if (claimed[k]) {
                why = "sig: multisig duplicate signer";
                break;
            }
            claimed[k] = true;
            distinct++;
            break;
        }
    }
    for (size_t k = 0; k < nkeys; k++)
        ela_pubkey_clear(&keys[k]);
    free(keys);
    free(state);
    free(claimed);
    if (why != NULL)
        return fail(reason, why);
    if (distinct < m)
        return fail(reason, "sig: not enough signatures");
    return pass(reason);
}

bool ela_sigcheck_schnorr(const ela_program_view *prog, const ela_sighash *h, const char **reason)
{
    assert(ela_contract_is_schnorr(prog->code, prog->code_len));
    if (prog->param_len < 64)
        return fail(reason, "sig: invalid signature length");
    if (!ela_schnorr_verify(prog->code + 2, h->sha256d, prog->param, NULL))
        return fail(reason, "sig: invalid schnorr signature");
    return pass(reason);
}

bool ela_sigcheck_program(const ela_uint168 *ph, const ela_program_view *prog,
                          const ela_sighash *h, const char **reason)
{
    const uint8_t *code = prog->code;
    size_t len = prog->code_len;
    uint8_t prefix = ph->b[0];

    if (prefix == ELA_PREFIX_CROSSCHAIN) {
        /* §8 item 12: no code-hash comparison for cross-chain program hashes. */
        if (ela_contract_is_schnorr(code, len))
            return ela_sigcheck_schnorr(prog, h, reason);
        return ela_sigcheck_multisig(prog, h, true, reason);
    }

    uint8_t code_hash[20];
    ela_hash160(code_hash, code, len);
    if (memcmp(code_hash, ph->b + 1, 20) != 0)
        return fail(reason, "sig: code hash mismatch");

    if (prefix == ELA_PREFIX_STANDARD || prefix == ELA_PREFIX_DEPOSIT) {
        if (ela_contract_is_schnorr(code, len))
            return ela_sigcheck_schnorr(prog, h, reason);
        if (ela_contract_is_standard(code, len))
            return ela_sigcheck_standard(prog, h, reason);
        bool panics;
        if (ela_contract_is_multisig_ex(code, len, &panics))
            return ela_sigcheck_multisig(prog, h, false, reason);
        if (panics)
            return fail(reason, "sig: malformed code");
        /* §8 item 12: the reference has no else-branch here; any other code that hashes to the
         * program hash passes without a signature check. Consensus behaviour: keep it. */
        return pass(reason);
    }
    if (prefix == ELA_PREFIX_MULTISIG)
        return ela_sigcheck_multisig(prog, h, false, reason);
    return fail(reason, "sig: unknown signature type");
}

/* Reverse-byte comparison of the code-hash parts (bytes 1..20), as Uint160.Compare. */
static int code_hash_cmp(const uint8_t a[20], const uint8_t b[20])
{
    for (int i = 19; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

typedef struct sort_item {
    uint8_t hash[20];
    uint8_t tie; /* prefix for required hashes; unused for programs */
    size_t index;
} sort_item;

static int item_cmp(const void *pa, const void *pb)
{
    const sort_item *a = pa, *b = pb;
    int c = code_hash_cmp(a->hash, b->hash);
    if (c != 0)
        return c;
    if (a->tie != b->tie)
        return a->tie < b->tie ? -1 : 1;
    return a->index < b->index ? -1 : (a->index > b->index);
}

bool ela_sigcheck_match(size_t *req_order, size_t *prog_order, size_t *n_unique,
                        ela_uint168 *required, size_t n_required,
                        const ela_program_view *progs, size_t n_progs, const char **reason)
{
    /* The reference collects the hashes into a set (GetTxProgramHashes). */
    size_t u = 0;
    for (size_t i = 0; i < n_required; i++) {
        bool seen = false;
        for (size_t j = 0; j < u && !seen; j++)
            seen = ela_uint168_equal(&required[j], &required[i]);
        if (!seen)
            required[u++] = required[i];
    }
    *n_unique = u;
    if (u != n_progs)
        return fail(reason, "sig: program count mismatch");
    if (u == 0)
        return pass(reason);

    sort_item *items = ela_xmalloc(u * sizeof(*items));
    for (size_t i = 0; i < u; i++) {
        memcpy(items[i].hash, required[i].b + 1, 20);
        items[i].tie = required[i].b[0];
        items[i].index = i;
    }
    qsort(items, u, sizeof(*items), item_cmp);
    for (size_t i = 0; i < u; i++)
        req_order[i] = items[i].index;

    for (size_t i = 0; i < u; i++) {
        ela_hash160(items[i].hash, progs[i].code, progs[i].code_len);
        items[i].tie = 0;
        items[i].index = i;
    }
    qsort(items, u, sizeof(*items), item_cmp);
    for (size_t i = 0; i < u; i++)
        prog_order[i] = items[i].index;
    free(items);
    return pass(reason);
}

bool ela_sigcheck_run_programs(const ela_uint168 *required, size_t n_required,
                               const ela_program_view *progs, size_t n_progs, const uint8_t *msg,
                               size_t len, const char **reason)
{
    ela_uint168 *req = ela_xmemdup(required, n_required * sizeof(*req));
    size_t *req_order = ela_xmalloc(n_progs * sizeof(size_t));
    size_t *prog_order = ela_xmalloc(n_progs * sizeof(size_t));
    size_t u;
    bool ok = ela_sigcheck_match(req_order, prog_order, &u, req, n_required, progs, n_progs,
                                 reason);
    if (ok && u > 0) {
        ela_sighash h;
        ela_sighash_init(&h, msg, len);
        for (size_t i = 0; i < u && ok; i++)
            ok = ela_sigcheck_program(&req[req_order[i]], &progs[prog_order[i]], &h, reason);
    }
    free(prog_order);
    free(req_order);
    free(req);
    return ok;
}
