/* elad: the node methods of the JSON-RPC server (spec/p2p-rpc.md §10.7.2, §10.7.6):
 * getnodestate, getconnectioncount, getneighbors and setloglevel.
 *
 * Named differences from the reference:
 *   - getnodestate.compile is "elad-" PACKAGE_VERSION (the reference puts its own build
 *     version there, e.g. "v0.9.9.6");
 *   - setloglevel also takes an optional "category" ({"level":N,"category":"mempool"}) that
 *     sets one category of our log (include/ela/log.h) instead of all of them; levels above 5
 *     are refused (the reference's message says 0-6; it has no level 6 either).
 *   - getnodestate.services and .port are this node's (services 1 with DisableTxFilters; the
 *     P2P port of -port/NodePort);
 *   - conntime is written like lastsend (the reference's text carries nanoseconds and Go's
 *     monotonic clock reading, "... +0000 UTC m=+321.19").
 * Neighbors come from the P2P network (rpc_net.c); without one they are [] and
 * getconnectioncount is 0. */
#include "config.h"

#include "node/config.h"
#include "node/node.h"
#include "rpc/rpc.h"

#include <ela/chain.h>
#include <ela/log.h>
#include <ela/params.h>

#include <stdlib.h>

/* The reference's protocol versions (pact.DPOSStartVersion, pact.CRProposalVersion). */
#define P2P_VERSION_DPOS 20000
#define P2P_VERSION_CR 80000

static json_t *checked(json_t *j)
{
    if (!j)
        abort(); /* jansson allocation failure */
    return j;
}

static void set_int(json_t *o, const char *key, json_int_t v)
{
    json_object_set_new(o, key, checked(json_integer(v)));
}

/* ServerInfo, with the reference's keys in its order. */
static json_t *m_getnodestate(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    uint32_t height = ela_chain_height(n->chain);
    json_t *r = checked(json_object());
    json_object_set_new(r, "compile", checked(json_string("elad-" PACKAGE_VERSION)));
    set_int(r, "height", height);
    set_int(r, "version", height > n->params->new_p2p_protocol_version_height
                              ? P2P_VERSION_CR : P2P_VERSION_DPOS);
    char svc[96];
    ela_rpc_net_services_text(svc, sizeof svc,
                              n->cfg && n->cfg->disable_tx_filters ? 1u : 7u);
    json_object_set_new(r, "services", checked(json_string(svc)));
    set_int(r, "port", n->cfg && n->cfg->p2p_port ? n->cfg->p2p_port : n->params->node_port);
    set_int(r, "rpcport", n->cfg ? n->cfg->rpc_port : n->params->rpc_port);
    set_int(r, "restport", n->params->rest_port);
    set_int(r, "wsport", n->params->ws_port);
    json_object_set_new(r, "neighbors", ela_rpc_net_neighbors(n));
    return r;
}

static json_t *m_getconnectioncount(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    return checked(json_integer((json_int_t)ela_node_connection_count(n)));
}

static json_t *m_getneighbors(ela_rpc_call *call)
{
    return ela_rpc_net_neighbor_strings(call->ctx);
}

static json_t *m_setloglevel(ela_rpc_call *call)
{
    int64_t level;
    if (!ela_rpc_param_int(&level, call->params, "level") || level < ELA_LOG_DEBUG ||
        level > ELA_LOG_OFF)
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "level must be an integer in 0-5");
    const json_t *cat_json = json_object_get(call->params, "category");
    if (cat_json && !json_is_null(cat_json)) {
        const char *name;
        ela_log_category cat;
        if (!ela_rpc_param_string(&name, call->params, "category") ||
            !ela_log_category_from_name(&cat, name))
            return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "unknown log category");
        ela_log_set_category_level(cat, (ela_log_level)level);
        ela_log_info(ELA_LOGC_NODE, "log level of %s set to %d by setloglevel",
                     ela_log_category_name(cat), (int)level);
        return checked(json_sprintf("log level of %s has been set to %d",
                                    ela_log_category_name(cat), (int)level));
    }
    ela_log_set_level((ela_log_level)level);
    ela_log_info(ELA_LOGC_NODE, "log level set to %d by setloglevel", (int)level);
    return checked(json_sprintf("log level has been set to %d", (int)level));
}

static const ela_rpc_method METHODS[] = {
    {"getnodestate", m_getnodestate, {NULL}, ELA_RPC_UNGATED},
    {"getconnectioncount", m_getconnectioncount, {NULL}, ELA_RPC_UNGATED},
    {"getneighbors", m_getneighbors, {NULL}, ELA_RPC_UNGATED},
    {"setloglevel", m_setloglevel, {"level", NULL}, ELA_RPC_LEVEL_CONFIGURATION},
};

void ela_rpc_node_register(ela_rpc_table *t, ela_node *n)
{
    ela_rpc_table_add(t, METHODS, ELA_ARRAY_LEN(METHODS), n);
}
