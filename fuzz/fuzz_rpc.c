/* Fuzz target: a JSON-RPC request body through the envelope (ela_rpc_process): parsing with
 * Go's error texts, batches, ids, positional/named parameters and their coercion, dispatch and
 * error replies. The methods here only read their parameters, so every path of the envelope is
 * reachable without a chain. Property: every body gets a reply that is valid JSON, with HTTP
 * status 200 or 400, and an object or array for 200. */
#include "fuzz.h"

#include "rpc/rpc.h"

#include <jansson.h>
#include <stdlib.h>

static json_t *echo_uint(ela_rpc_call *call)
{
    uint32_t v;
    if (!ela_rpc_param_uint(&v, call->params, "height"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, NULL);
    return json_integer(v);
}

static json_t *echo_mixed(ela_rpc_call *call)
{
    int64_t i = 0;
    const char *s = "";
    bool b = false;
    if (!ela_rpc_param_string(&s, call->params, "blockhash"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "need a parameter named blockhash");
    /* Optional parameters: absent or malformed leaves the default, as getblock's verbosity. */
    if (!ela_rpc_param_int(&i, call->params, "verbosity"))
        i = 1;
    if (!ela_rpc_param_bool(&b, call->params, "verbose"))
        b = false;
    json_t *o = json_object();
    json_object_set_new(o, "s", json_string(s));
    json_object_set_new(o, "i", json_integer(i));
    json_object_set_new(o, "b", json_boolean(b));
    return o;
}

static const ela_rpc_method METHODS[] = {
    {"getblockhash", echo_uint, {"height", NULL}, ELA_RPC_LEVEL_CONFIGURATION},
    {"getblock", echo_mixed, {"blockhash", "verbosity", NULL}, ELA_RPC_LEVEL_QUERY_ONLY},
    {"createauxblock", echo_mixed, {"paytoaddress", NULL}, ELA_RPC_LEVEL_MINING},
    {"setloglevel", echo_uint, {"level", NULL}, ELA_RPC_LEVEL_CONFIGURATION},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ela_rpc_table *t;
    if (!t) {
        t = ela_rpc_table_new(ELA_RPC_LEVEL_CONFIGURATION);
        ela_rpc_table_add(t, METHODS, ELA_ARRAY_LEN(METHODS), NULL);
    }
    ela_rpc_reply r;
    ela_rpc_process(&r, t, (const char *)data, size);
    FUZZ_ASSERT(r.body != NULL);
    FUZZ_ASSERT(r.status == 200 || r.status == 400);
    json_error_t err;
    json_t *reply = json_loads(r.body, JSON_DECODE_ANY, &err);
    FUZZ_ASSERT(reply != NULL);
    if (r.status == 200)
        FUZZ_ASSERT(json_is_object(reply) || json_is_array(reply));
    json_decref(reply);
    free(r.body);
    return 0;
}
