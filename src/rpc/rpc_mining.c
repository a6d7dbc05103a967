/* elad: the mining and node-summary methods of the JSON-RPC server (spec/p2p-rpc.md §10.7.1,
 * §10.7.6): help, getinfo, getmininginfo, the merged-mining pair createauxblock /
 * submitauxblock, and the regnet conveniences discretemining and togglemining. Replies have the
 * reference's shapes; a refused submitauxblock says why after the reference's message. */
#include "rpc/rpc.h"

#include "mempool/mempool.h"
#include "mining/mining.h"
#include "node/node.h"

#include <ela/address.h>
#include <ela/block.h>
#include <ela/chain.h>
#include <ela/hex.h>
#include <ela/json.h>
#include <ela/network.h>
#include <ela/params.h>
#include <ela/uint256.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference's PowServiceNotStarted. */
#define ERR_POW_NOT_STARTED 41004
/* getinfo "version": the reference reports pact.DPOSStartVersion. */
#define GETINFO_VERSION 20000
/* getmininginfo looks this many blocks back for networkhashps (the reference's lookup). */
#define HASHPS_LOOKUP 120u
/* discretemining refuses counts above this (the hashes are held in memory). */
#define DISCRETE_MAX_COUNT 100000u

static json_t *checked(json_t *j)
{
    if (!j)
        abort(); /* jansson allocation failure */
    return j;
}

static void set(json_t *obj, const char *key, json_t *value)
{
    json_object_set_new(obj, key, checked(value));
}

/* "reason" or "reason (detail)". */
static void describe(char *out, size_t len, const ela_validation_state *st)
{
    if (st->detail[0])
        snprintf(out, len, "%s (%s)", st->reason, st->detail);
    else
        snprintf(out, len, "%s", st->reason);
}

static json_t *m_help(ela_rpc_call *call)
{
    (void)call;
    return checked(json_string("createauxblock==submitauxblock"));
}

static json_t *m_getinfo(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    json_t *r = checked(json_object());
    set(r, "version", json_integer(GETINFO_VERSION));
    set(r, "balance", json_integer(0));
    set(r, "blocks", json_integer((json_int_t)ela_chain_height(n->chain)));
    set(r, "timeoffset", json_integer(0));
    set(r, "connections", json_integer((json_int_t)ela_node_connection_count(n)));
    set(r, "testnet", json_false());
    set(r, "keypoololdest", json_integer(0));
    set(r, "keypoolsize", json_integer(0));
    set(r, "unlocked_until", json_integer(0));
    set(r, "paytxfee", json_integer(0));
    set(r, "relayfee", json_integer(0));
    set(r, "errors", json_string("Tobe written"));
    return r;
}

/* ---- 256-bit helpers for networkhashps (little-endian numbers in ela_uint256) ------------- */

static void u256_sub(ela_uint256 *out, const ela_uint256 *a, const ela_uint256 *b)
{
    int borrow = 0;
    for (int i = 0; i < 32; i++) {
        int d = (int)a->b[i] - (int)b->b[i] - borrow;
        borrow = d < 0;
        out->b[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

static void u256_div_small(ela_uint256 *q, const ela_uint256 *a, uint64_t d)
{
    uint64_t rem = 0;
    for (int i = 31; i >= 0; i--) {
        uint64_t cur = (rem << 8) | a->b[i];
        q->b[i] = (uint8_t)(cur / d);
        rem = cur % d;
    }
}

/* Decimal text of a 256-bit number into out (at least 79 bytes). */
static void u256_decimal(char *out, const ela_uint256 *a)
{
    ela_uint256 x = *a;
    char buf[80];
    size_t n = 0;
    do {
        uint32_t rem = 0;
        for (int i = 31; i >= 0; i--) {
            uint32_t cur = (rem << 8) | x.b[i];
            x.b[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
        }
        buf[n++] = (char)('0' + rem);
    } while (!ela_uint256_is_zero(&x));
    for (size_t i = 0; i < n; i++)
        out[i] = buf[n - 1 - i];
    out[n] = '\0';
}

/* The reference's getNetworkHashPS: (work(tip) - work(tip-120)) / (max - min timestamp of the
 * blocks after tip-120), where a chain shorter than that counts from zero work and includes the
 * genesis block; "0" when the time span is zero. */
static bool network_hashps(char *out, const ela_chain *c)
{
    uint32_t tip = ela_chain_height(c);
    ela_chain_header_info t;
    if (!ela_chain_header_at(c, &t, tip))
        return false;
    uint32_t lo = tip >= HASHPS_LOOKUP ? tip - HASHPS_LOOKUP + 1 : 0;
    uint32_t min_time = t.timestamp, max_time = t.timestamp;
    for (uint32_t h = lo; h < tip; h++) {
        ela_chain_header_info i;
        if (!ela_chain_header_at(c, &i, h))
            return false;
        if (i.timestamp < min_time)
            min_time = i.timestamp;
        if (i.timestamp > max_time)
            max_time = i.timestamp;
    }
    if (min_time == max_time) {
        strcpy(out, "0");
        return true;
    }
    ela_uint256 first = {{0}};
    if (tip >= HASHPS_LOOKUP) {
        ela_chain_header_info f;
        if (!ela_chain_header_at(c, &f, tip - HASHPS_LOOKUP))
            return false;
        first = f.work;
    }
    ela_uint256 diff, q;
    u256_sub(&diff, &t.work, &first);
    u256_div_small(&q, &diff, (uint64_t)(max_time - min_time));
    u256_decimal(out, &q);
    return true;
}

static json_t *m_getmininginfo(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    ela_uint256 tip;
    ela_chain_tip_hash(n->chain, &tip);
    ela_block b;
    if (!ela_chain_get_block(n->chain, &b, &tip))
        return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL, "get tip block failed");
    size_t ntx = b.n_txs;
    uint32_t bits = b.header.bits;
    ela_block_clear(&b);
    char hashps[80];
    if (!network_hashps(hashps, n->chain))
        return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL, "get tip block failed");
    char *difficulty = ela_json_difficulty(n->params->pow_limit_bits, bits);

    json_t *r = checked(json_object());
    set(r, "blocks", json_integer((json_int_t)ela_chain_height(n->chain) + 1));
    set(r, "currentblocktx", json_integer((json_int_t)ntx));
    set(r, "difficulty", json_string(difficulty));
    set(r, "networkhashps", json_string(hashps));
    set(r, "pooledtx", json_integer(n->mempool ? (json_int_t)ela_mempool_count(n->mempool) : 0));
    /* The reference prints its ActiveNet setting verbatim; ours is always a network name. */
    set(r, "chain", json_string(ela_network_name(n->params->net)));
    free(difficulty);
    return r;
}

static json_t *m_createauxblock(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    const char *addr;
    if (!ela_rpc_param_string(&addr, call->params, "paytoaddress"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "parameter paytoaddress not found");
    ela_uint168 payto;
    if (!ela_address_to_program_hash(&payto, addr))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid paytoaddress");
    if (!n->miner)
        return ela_rpc_fail(call, ERR_POW_NOT_STARTED, NULL);
    ela_aux_block ab;
    ela_validation_state st;
    ela_validation_init(&st);
    if (!ela_miner_create_aux(n->miner, &ab, &payto, &st)) {
        char why[300];
        describe(why, sizeof why, &st);
        return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL, "generate block failed: %s", why);
    }
    char hash[ELA_UINT256_HEX_LEN + 1], prev[ELA_UINT256_HEX_LEN + 1], bits[16];
    ela_uint256_to_internal_hex(hash, &ab.hash);
    ela_uint256_to_internal_hex(prev, &ab.prev);
    snprintf(bits, sizeof bits, "%x", (unsigned)ab.bits);
    json_t *r = checked(json_object());
    set(r, "chainid", json_integer(ELA_AUX_CHAIN_ID));
    set(r, "height", json_integer((json_int_t)ab.height));
    set(r, "coinbasevalue", json_integer((json_int_t)ab.coinbase_value));
    set(r, "bits", json_string(bits));
    set(r, "hash", json_string(hash));
    set(r, "previousblockhash", json_string(prev));
    return r;
}

static json_t *m_submitauxblock(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    const char *hash_hex, *aux_hex;
    if (!ela_rpc_param_string(&hash_hex, call->params, "blockhash"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "parameter blockhash not found");
    ela_uint256 hash;
    if (!ela_uint256_from_internal_hex(&hash, hash_hex))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "bad blockhash");
    if (!ela_rpc_param_string(&aux_hex, call->params, "auxpow"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "parameter auxpow not found");
    if (!n->miner)
        return ela_rpc_fail(call, ERR_POW_NOT_STARTED, NULL);
    ela_bytes raw;
    if (!ela_hex_decode_bytes(&raw, aux_hex, NULL))
        return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL, "auxpow deserialization failed");
    ela_validation_state st;
    ela_validation_init(&st);
    ela_aux_result res = ela_miner_submit_aux(n->miner, &st, &hash, raw.data, raw.len);
    ela_bytes_clear(&raw);
    switch (res) {
    case ELA_AUX_ACCEPTED:
        return json_true();
    case ELA_AUX_BAD_ENCODING:
        return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL, "auxpow deserialization failed");
    default: {
        char why[300];
        describe(why, sizeof why, &st);
        return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL, "adding block failed: %s", why);
    }
    }
}

static json_t *m_discretemining(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    if (!n->miner)
        return ela_rpc_fail(call, ERR_POW_NOT_STARTED, NULL);
    uint32_t count;
    if (!ela_rpc_param_uint(&count, call->params, "count"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, NULL);
    if (count > DISCRETE_MAX_COUNT)
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "count must be at most %u",
                            DISCRETE_MAX_COUNT);
    ela_uint256 *hashes = ela_xcalloc(count ? count : 1, sizeof *hashes);
    ela_validation_state st;
    ela_validation_init(&st);
    size_t mined = ela_miner_discrete(n->miner, hashes, count, &st);
    if (mined == 0 && count > 0) {
        free(hashes);
        if (strcmp(st.reason, "node-is-mining") == 0)
            return ela_rpc_fail(call, ELA_RPC_ERR_UNCLASSIFIED, "node is mining");
        char why[300];
        describe(why, sizeof why, &st);
        return ela_rpc_fail(call, ELA_RPC_ERR_UNCLASSIFIED, "generate block failed: %s", why);
    }
    /* Fewer than count after a failure: the blocks that were mined, as the reference returns
     * what it has when a block is refused. */
    json_t *r = checked(json_array());
    for (size_t i = 0; i < mined; i++) {
        char hex[ELA_UINT256_HEX_LEN + 1];
        ela_uint256_to_display(hex, &hashes[i]);
        json_array_append_new(r, checked(json_string(hex)));
    }
    free(hashes);
    return r;
}

static json_t *m_togglemining(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    bool on;
    if (!ela_rpc_param_bool(&on, call->params, "mining"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, NULL);
    if (!n->miner)
        return ela_rpc_fail(call, ERR_POW_NOT_STARTED, NULL);
    ela_validation_state st;
    ela_validation_init(&st);
    if (!ela_miner_set_mining(n->miner, on, &st)) {
        char why[300];
        describe(why, sizeof why, &st);
        return ela_rpc_fail(call, ELA_RPC_ERR_UNCLASSIFIED, "mining not started: %s", why);
    }
    return checked(json_string(on ? "mining started" : "mining stopped"));
}

static const ela_rpc_method METHODS[] = {
    {"help", m_help, {NULL}, ELA_RPC_UNGATED},
    {"getinfo", m_getinfo, {NULL}, ELA_RPC_UNGATED},
    {"getmininginfo", m_getmininginfo, {NULL}, ELA_RPC_UNGATED},
    {"createauxblock", m_createauxblock, {"paytoaddress", NULL}, ELA_RPC_LEVEL_MINING},
    {"submitauxblock", m_submitauxblock, {"blockhash", "auxpow", NULL}, ELA_RPC_LEVEL_MINING},
    {"discretemining", m_discretemining, {"count", NULL}, ELA_RPC_LEVEL_MINING},
    {"togglemining", m_togglemining, {"mining", NULL}, ELA_RPC_LEVEL_CONFIGURATION},
};

void ela_rpc_mining_register(ela_rpc_table *t, ela_node *n)
{
    ela_rpc_table_add(t, METHODS, ELA_ARRAY_LEN(METHODS), n);
}
