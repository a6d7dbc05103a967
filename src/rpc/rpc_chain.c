/* elad: the chain query methods of the JSON-RPC server (spec/p2p-rpc.md §10.7.2), answered from
 * the chain engine with the reference's replies and error codes, plus gettxoutsetinfo (ours). */
#include "rpc/rpc.h"

#include <ela/amount.h>
#include <ela/block.h>
#include <ela/chain.h>
#include <ela/hex.h>
#include <ela/json.h>
#include <ela/params.h>
#include <ela/uint256.h>

#include <stdlib.h>
#include <string.h>

static json_t *checked(json_t *j)
{
    if (!j)
        abort(); /* jansson allocation failure */
    return j;
}

static json_t *hash_json(const ela_uint256 *h)
{
    char hex[ELA_UINT256_HEX_LEN + 1];
    ela_uint256_to_display(hex, h);
    return checked(json_string(hex));
}

static json_t *m_getblockcount(ela_rpc_call *call)
{
    ela_rpc_chain_ctx *c = call->ctx;
    return checked(json_integer((json_int_t)ela_chain_height(c->chain) + 1));
}

static json_t *m_getcurrentheight(ela_rpc_call *call)
{
    ela_rpc_chain_ctx *c = call->ctx;
    return checked(json_integer((json_int_t)ela_chain_height(c->chain)));
}

static json_t *m_getbestblockhash(ela_rpc_call *call)
{
    ela_rpc_chain_ctx *c = call->ctx;
    ela_uint256 h;
    ela_chain_tip_hash(c->chain, &h);
    return hash_json(&h);
}

static json_t *m_getblockhash(ela_rpc_call *call)
{
    ela_rpc_chain_ctx *c = call->ctx;
    uint32_t height;
    if (!ela_rpc_param_uint(&height, call->params, "height"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS,
                            "height parameter should be a positive integer");
    ela_uint256 h;
    if (!ela_chain_hash_at(c->chain, &h, height))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, NULL);
    return hash_json(&h);
}

/* The reference's getBlock: verbosity 0 hex, 2 full transactions, anything else txids. */
static json_t *block_reply(ela_rpc_call *call, const ela_uint256 *hash, uint32_t verbosity)
{
    ela_rpc_chain_ctx *c = call->ctx;
    ela_block b;
    if (!ela_chain_get_block(c->chain, &b, hash))
        return ela_rpc_fail(call, ELA_RPC_ERR_UNKNOWN_BLOCK, NULL);
    /* nextblockhash is the main chain's block at header height + 1 whichever branch this block
     * is on, and the uint32 arithmetic wraps, as the reference computes it. */
    ela_uint256 next;
    bool have_next = ela_chain_hash_at(c->chain, &next, b.header.height + 1u);
    ela_json_block_ctx ctx = {
        .tip_height = ela_chain_height(c->chain),
        .next_hash = have_next ? &next : NULL,
        .pow_limit_bits = c->params->pow_limit_bits,
    };
    int v = verbosity == 0 ? 0 : verbosity == 2 ? 2 : 1;
    json_t *r = checked(ela_block_to_json(&b, v, &ctx));
    ela_block_clear(&b);
    return r;
}

static json_t *m_getblock(ela_rpc_call *call)
{
    const char *str;
    if (!ela_rpc_param_string(&str, call->params, "blockhash"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "block hash not found");
    ela_bytes bytes = {0};
    if (!ela_hex_decode_bytes(&bytes, str, NULL))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid block hash");
    /* The reference reverses the decoded bytes and reads the first 32 into a zero hash,
     * ignoring a short read: a wrong length is looked up anyway (and is unknown). */
    ela_uint256 hash;
    memset(&hash, 0, sizeof hash);
    for (size_t i = 0; i < bytes.len && i < 32; i++)
        hash.b[i] = bytes.data[bytes.len - 1 - i];
    ela_bytes_clear(&bytes);
    uint32_t verbosity;
    if (!ela_rpc_param_uint(&verbosity, call->params, "verbosity"))
        verbosity = 1;
    return block_reply(call, &hash, verbosity);
}

static json_t *m_getblockbyheight(ela_rpc_call *call)
{
    ela_rpc_chain_ctx *c = call->ctx;
    uint32_t height;
    if (!ela_rpc_param_uint(&height, call->params, "height"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS,
                            "height parameter should be a positive integer");
    ela_uint256 h;
    if (!ela_chain_hash_at(c->chain, &h, height))
        return ela_rpc_fail(call, ELA_RPC_ERR_UNKNOWN_BLOCK, "not found block");
    return block_reply(call, &h, 2);
}

/* Ours (the reference has no such method): a summary of the UTXO set in the spirit of
 * bitcoind's, to compare two nodes' ledgers. */
static json_t *m_gettxoutsetinfo(ela_rpc_call *call)
{
    ela_rpc_chain_ctx *c = call->ctx;
    ela_utxo_stats st;
    if (!ela_chain_utxo_stats(c->chain, &st))
        return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL, "cannot read the UTXO set");
    char amount[ELA_AMOUNT_STR_LEN];
    ela_amount_to_string(amount, st.total_amount);
    json_t *r = checked(json_object());
    json_object_set_new(r, "height", checked(json_integer((json_int_t)st.height)));
    json_object_set_new(r, "bestblock", hash_json(&st.tip));
    json_object_set_new(r, "transactions", checked(json_integer((json_int_t)st.transactions)));
    json_object_set_new(r, "txouts", checked(json_integer((json_int_t)st.txouts)));
    json_object_set_new(r, "hash_serialized", hash_json(&st.hash));
    json_object_set_new(r, "disk_size", checked(json_integer((json_int_t)st.disk_size)));
    json_object_set_new(r, "total_amount", checked(json_string(amount)));
    return r;
}

static const ela_rpc_method METHODS[] = {
    {"getblockcount", m_getblockcount, {NULL}, ELA_RPC_UNGATED},
    {"getcurrentheight", m_getcurrentheight, {NULL}, ELA_RPC_UNGATED},
    {"getbestblockhash", m_getbestblockhash, {NULL}, ELA_RPC_UNGATED},
    {"getblockhash", m_getblockhash, {"height", NULL}, ELA_RPC_UNGATED},
    {"getblock", m_getblock, {"blockhash", "verbosity", NULL}, ELA_RPC_UNGATED},
    {"getblockbyheight", m_getblockbyheight, {"height", NULL}, ELA_RPC_UNGATED},
    {"gettxoutsetinfo", m_gettxoutsetinfo, {NULL}, ELA_RPC_UNGATED},
};

void ela_rpc_chain_register(ela_rpc_table *t, ela_rpc_chain_ctx *ctx)
{
    ela_rpc_table_add(t, METHODS, ELA_ARRAY_LEN(METHODS), ctx);
}
