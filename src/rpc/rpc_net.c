/* elad: the network methods of the JSON-RPC server (src/net/net.h).
 *
 * The reference's shapes (spec/p2p-rpc.md §10.7.2): getnodestate's neighbors (built here by
 * ela_rpc_net_neighbors for rpc_node.c), getneighbors' "ip:port (inbound) (20000 )" strings.
 * Ours (the reference has none of these): addnode, disconnectnode, setban, listbanned,
 * clearbanned and getsyncinfo. The operator controls need ConfigurationPermitted (level 0), as
 * setloglevel; getsyncinfo is ungated. Without a running net (no P2P) the queries answer as an
 * unconnected node and the controls fail with "P2P network not running". */
#include "net/net.h"
#include "node/node.h"
#include "rpc/rpc.h"

#include <ela/p2p.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_VIEW 1024u

static json_t *checked(json_t *j)
{
    if (!j)
        abort(); /* jansson allocation failure */
    return j;
}

void ela_rpc_net_services_text(char *out, size_t outlen, uint64_t services)
{
    static const char *const NAMES[] = {"SFNodeNetwork", "SFTxFiltering", "SFNodeBloom"};
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < 3; i++) {
        if (services & (UINT64_C(1) << i))
            len += (size_t)snprintf(out + len, len < outlen ? outlen - len : 0, "%s%s",
                                    len ? "|" : "", NAMES[i]);
    }
    if (len == 0)
        snprintf(out, outlen, "0x0");
}

/* Go's time.Time text in UTC: "2006-01-02 15:04:05 +0000 UTC"; 0 is Go's zero time. */
static json_t *go_time(int64_t t)
{
    if (t <= 0)
        return checked(json_string("0001-01-01 00:00:00 +0000 UTC"));
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
    return checked(json_string(buf));
}

static size_t views(ela_net *n, ela_net_peer_view **out)
{
    *out = NULL;
    if (!n)
        return 0;
    ela_net_peer_view *v = ela_xcalloc(MAX_VIEW, sizeof *v);
    size_t k = ela_net_peers(n, v, MAX_VIEW);
    *out = v;
    return k < MAX_VIEW ? k : MAX_VIEW;
}

json_t *ela_rpc_net_neighbors(struct ela_node *node)
{
    ela_net_peer_view *v;
    size_t k = views(ela_net_from_node(node), &v);
    json_t *arr = checked(json_array());
    for (size_t i = 0; i < k; i++) {
        char svc[96];
        ela_rpc_net_services_text(svc, sizeof svc, v[i].services);
        json_t *o = checked(json_object());
        json_object_set_new(o, "netaddress", checked(json_string(v[i].addr)));
        json_object_set_new(o, "services", checked(json_string(svc)));
        json_object_set_new(o, "relaytx", json_false()); /* always false in the reference */
        json_object_set_new(o, "lastsend", go_time(v[i].last_send));
        json_object_set_new(o, "lastrecv", go_time(v[i].last_recv));
        json_object_set_new(o, "conntime", go_time(v[i].conn_time));
        json_object_set_new(o, "timeoffset", checked(json_integer(v[i].time_offset)));
        json_object_set_new(o, "version", checked(json_integer(v[i].version)));
        json_object_set_new(o, "inbound", json_boolean(v[i].inbound));
        json_object_set_new(o, "startingheight",
                            checked(json_integer((json_int_t)v[i].start_height)));
        json_object_set_new(o, "lastblock", checked(json_integer((json_int_t)v[i].height)));
        json_object_set_new(o, "lastpingtime", go_time(v[i].last_ping_time));
        json_object_set_new(o, "lastpingmicros",
                            checked(json_integer(v[i].ping_micros > 0 ? v[i].ping_micros : 0)));
        json_object_set_new(o, "nodeversion", checked(json_string(v[i].node_version)));
        json_array_append_new(arr, o);
    }
    free(v);
    return arr;
}

json_t *ela_rpc_net_neighbor_strings(struct ela_node *node)
{
    ela_net_peer_view *v;
    size_t k = views(ela_net_from_node(node), &v);
    json_t *arr = checked(json_array());
    for (size_t i = 0; i < k; i++)
        json_array_append_new(arr, checked(json_sprintf("%s (%s) (%u %s)", v[i].addr,
                                                        v[i].inbound ? "inbound" : "outbound",
                                                        v[i].version, v[i].node_version)));
    free(v);
    return arr;
}

static ela_net *net_or_fail(ela_rpc_call *call)
{
    ela_net *n = ela_net_from_node(call->ctx);
    if (!n)
        ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL, "P2P network not running");
    return n;
}

static json_t *m_addnode(ela_rpc_call *call)
{
    const char *node, *cmd;
    if (!ela_rpc_param_string(&node, call->params, "node"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "node (host:port) is required");
    if (!ela_rpc_param_string(&cmd, call->params, "command"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS,
                            "command (add, remove or onetry) is required");
    ela_net *n = net_or_fail(call);
    if (!n)
        return NULL;
    char err[256];
    if (strcmp(cmd, "add") == 0 || strcmp(cmd, "onetry") == 0) {
        if (!ela_net_add_node(n, node, cmd[0] == 'a', err, sizeof err))
            return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "%s", err);
    } else if (strcmp(cmd, "remove") == 0) {
        if (!ela_net_remove_node(n, node))
            return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "%s was not added", node);
    } else {
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS,
                            "command must be add, remove or onetry");
    }
    return json_null();
}

static json_t *m_disconnectnode(ela_rpc_call *call)
{
    const char *addr = NULL;
    int64_t id;
    char idbuf[32];
    if (!ela_rpc_param_string(&addr, call->params, "address")) {
        if (!ela_rpc_param_int(&id, call->params, "nodeid") || id < 0)
            return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS,
                                "address (ip:port) or nodeid is required");
        snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
        addr = idbuf;
    }
    ela_net *n = net_or_fail(call);
    if (!n)
        return NULL;
    if (!ela_net_disconnect(n, addr))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "no connected peer %s", addr);
    return json_null();
}

static json_t *m_setban(ela_rpc_call *call)
{
    const char *ip, *cmd;
    if (!ela_rpc_param_string(&ip, call->params, "ip"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "ip is required");
    if (!ela_rpc_param_string(&cmd, call->params, "command"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS,
                            "command (add or remove) is required");
    int64_t bantime = 0;
    const json_t *bt = json_object_get(call->params, "bantime");
    if (bt && !json_is_null(bt) &&
        (!ela_rpc_param_int(&bantime, call->params, "bantime") || bantime < 0))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS,
                            "bantime must be a number of seconds >= 0 (0: 24 h)");
    ela_net *n = net_or_fail(call);
    if (!n)
        return NULL;
    if (strcmp(cmd, "add") == 0) {
        if (!ela_net_ban_ip(n, ip, bantime, "setban"))
            return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "not an IP address: %s", ip);
    } else if (strcmp(cmd, "remove") == 0) {
        if (!ela_net_unban_ip(n, ip))
            return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "%s is not banned", ip);
    } else {
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "command must be add or remove");
    }
    return json_null();
}

static json_t *m_listbanned(ela_rpc_call *call)
{
    json_t *arr = checked(json_array());
    ela_net *n = ela_net_from_node(call->ctx);
    if (!n)
        return arr;
    size_t k = ela_net_bans(n, NULL, 0);
    ela_net_ban *b = ela_xcalloc(k + 1, sizeof *b);
    k = ela_net_bans(n, b, k);
    for (size_t i = 0; i < k; i++)
        json_array_append_new(arr, checked(json_pack("{s:s,s:I,s:I,s:s}", "address", b[i].ip,
                                                     "banned_until", (json_int_t)b[i].until,
                                                     "ban_created", (json_int_t)b[i].created,
                                                     "ban_reason", b[i].reason)));
    free(b);
    return arr;
}

static json_t *m_clearbanned(ela_rpc_call *call)
{
    ela_net *n = net_or_fail(call);
    if (!n)
        return NULL;
    ela_net_clear_bans(n);
    return json_null();
}

static json_t *m_getsyncinfo(ela_rpc_call *call)
{
    ela_net *n = ela_net_from_node(call->ctx);
    ela_net_sync_status s = {0};
    if (n)
        ela_net_sync_status_get(n, &s);
    json_t *r = checked(json_object());
    json_object_set_new(r, "height", checked(json_integer(s.height)));
    json_object_set_new(r, "target", checked(json_integer((json_int_t)s.target)));
    json_object_set_new(r, "progress", checked(json_real(n ? s.progress : 0.0)));
    json_object_set_new(r, "syncing", json_boolean(s.syncing));
    const char *peer = "";
    ela_net_peer_view *v;
    size_t k = views(n, &v);
    for (size_t i = 0; i < k; i++)
        if (v[i].sync_peer)
            peer = v[i].addr;
    json_object_set_new(r, "syncpeer", checked(json_string(peer)));
    free(v);
    return r;
}

static const ela_rpc_method METHODS[] = {
    {"addnode", m_addnode, {"node", "command", NULL}, ELA_RPC_LEVEL_CONFIGURATION},
    {"disconnectnode", m_disconnectnode, {"address", "nodeid", NULL},
     ELA_RPC_LEVEL_CONFIGURATION},
    {"setban", m_setban, {"ip", "command", "bantime", NULL}, ELA_RPC_LEVEL_CONFIGURATION},
    {"listbanned", m_listbanned, {NULL}, ELA_RPC_LEVEL_CONFIGURATION},
    {"clearbanned", m_clearbanned, {NULL}, ELA_RPC_LEVEL_CONFIGURATION},
    {"getsyncinfo", m_getsyncinfo, {NULL}, ELA_RPC_UNGATED},
};

void ela_rpc_net_register(ela_rpc_table *t, struct ela_node *n)
{
    ela_rpc_table_add(t, METHODS, ELA_ARRAY_LEN(METHODS), n);
}
