/* elad: the JSON-RPC server (spec/p2p-rpc.md §10): HTTP transport on libevent's evhttp, the
 * request/response envelope, dispatch to a table of methods, parameter coercion and the error
 * codes of the reference node.
 *
 * The envelope is a pure function of the request body (ela_rpc_process) so that it can be unit
 * tested and fuzzed without sockets; the server (ela_rpc_server_start) adds the HTTP rules: POST
 * only, Content-Type, Basic auth (a configured password or the cookie), the client IP filter
 * and the limits.
 *
 * Limits (spec/p2p-rpc.md §10.1, and what a node on the network needs besides):
 *   - body: up to ELA_RPC_MAX_BODY (8 MiB) is read. A body of exactly one byte more gets the
 *     reference's reply (400, -32600 "http: request body too large"); a Content-Length larger
 *     than that is refused by evhttp with 413 without reading the body (the reference would
 *     read 8 MiB of it first, then answer 400);
 *   - request line and headers together: ELA_RPC_MAX_HEADERS (64 KiB; the reference's Go
 *     server allows 1 MiB, then answers 431), beyond which evhttp answers 400 and closes;
 *   - time: a client must deliver each request within `timeout` seconds of connecting (or of
 *     the previous reply) and every read or write must progress within that time, else the
 *     connection is closed, so a client sending half a request and stalling holds one
 *     connection slot for at most `timeout` seconds; it never delays other clients (the server
 *     never blocks: evhttp is event driven);
 *   - connections: at most `max_clients` at once; one more is accepted and closed at once
 *     (no HTTP reply: it is refused before a request is read), and logged.
 * HTTP/1.0 clients (btcpool) get Content-Length and the connection closed after the reply.
 *
 * Replies are written byte for byte as the reference writes them (Go's encoding/json through
 * ela_json_dumps): a method reply is {"jsonrpc","result","id","error"} in that order, an error
 * object is {"code","id","message"}, and a transport error (400/401/403/405/415) is
 * {"error":{...},"jsonrpc":"2.0","result":null} with no top-level id. Request bodies are read
 * as Go reads them: numbers are float64 (so an id 1 echoes as 1 and 1.5 as 1.5), object keys of
 * a request match case-insensitively, invalid UTF-8 in strings becomes U+FFFD, and a syntax
 * error is reported with Go's own message ("invalid character 'o' in literal null (expecting
 * 'u')").
 *
 * Threads: everything runs on the thread of the event loop. */
#ifndef ELA_RPC_RPC_H
#define ELA_RPC_RPC_H

#include <ela/ela.h>

#include <jansson.h>

struct event_base;

/* JSON-RPC 2.0 codes the transport and dispatcher use (the reference's). Method errors use the
 * ELA codes below and those of include/ela/validation.h. */
enum {
    ELA_RPC_PARSE_ERROR = -32700,
    ELA_RPC_INVALID_REQUEST = -32600,
    ELA_RPC_METHOD_NOT_FOUND = -32601,
    ELA_RPC_INTERNAL_ERROR = -32603,
};

/* ELA server error codes (servers/errors/errcode.go) that are not validation codes. */
enum {
    ELA_RPC_ERR_UNCLASSIFIED = -1,
    ELA_RPC_ERR_INVALID_METHOD = 42001, /* method above the configured service level */
    ELA_RPC_ERR_INVALID_PARAMS = 42002,
    ELA_RPC_ERR_INVALID_TRANSACTION = 43001,
    ELA_RPC_ERR_UNKNOWN_TRANSACTION = 44001,
    ELA_RPC_ERR_UNKNOWN_BLOCK = 44003,
    ELA_RPC_ERR_UNKNOWN_CONFIRM = 44004,
    ELA_RPC_ERR_INTERNAL = 45002,
};

/* Largest request body accepted (the reference's MaxRPCRead). */
#define ELA_RPC_MAX_BODY (8u * 1024u * 1024u)
/* Largest request line plus headers. */
#define ELA_RPC_MAX_HEADERS (64u * 1024u)
/* The user name of cookie authentication (as Bitcoin Core's). */
#define ELA_RPC_COOKIE_USER "__cookie__"

/* The reference's RPCServiceLevel (§10.5). A gated method runs only when its level is at or
 * above the configured one; ELA_RPC_UNGATED methods always run. */
typedef enum ela_rpc_level {
    ELA_RPC_UNGATED = -1,
    ELA_RPC_LEVEL_CONFIGURATION = 0, /* ConfigurationPermitted (the default) */
    ELA_RPC_LEVEL_MINING = 1,        /* MiningPermitted */
    ELA_RPC_LEVEL_TRANSACTION = 2,   /* TransactionPermitted */
    ELA_RPC_LEVEL_WALLET = 3,        /* WalletPermitted */
    ELA_RPC_LEVEL_QUERY_ONLY = 4,    /* QueryOnly */
} ela_rpc_level;

/* The level an RPCServiceLevel config string names; like the reference, an unknown string
 * (including NULL) means ConfigurationPermitted. Case-sensitive, as the reference. */
ela_rpc_level ela_rpc_level_from_string(const char *s);

/* The default message of an error code ("Invalid Params", "Unknown Block"...), as the
 * reference's ErrMap; "" for a code it has no text for. */
const char *ela_rpc_error_text(int code);

/* One call of a method. The handler reads params and ctx, and either returns the result or
 * fails through ela_rpc_fail. */
typedef struct ela_rpc_call {
    const json_t *params; /* named parameters: always an object (empty when none were sent) */
    void *ctx;            /* the context the method was registered with */
    int code;             /* set by ela_rpc_fail */
    char message[512];
    /* Optional: called once the reply carrying this call's response has been written and its
     * connection closed (the server then closes the connection after the reply). Used by
     * `stop`. Without a server (ela_rpc_process alone) it is handed to the caller. */
    void (*after_reply)(void *arg);
    void *after_reply_arg;
} ela_rpc_call;

/* A method returns a new reference to its result (json_null() for a null result), or NULL after
 * ela_rpc_fail. */
typedef json_t *(*ela_rpc_handler)(ela_rpc_call *call);

/* Records an error on call and returns NULL (so a handler can `return ela_rpc_fail(...)`). With
 * fmt NULL or "", the message is the code's default text (the reference's ResponsePack). */
json_t *ela_rpc_fail(ela_rpc_call *call, int code, const char *fmt, ...) ELA_PRINTF(3, 4);

#define ELA_RPC_MAX_POSITIONAL 4

typedef struct ela_rpc_method {
    const char *name; /* case-sensitive */
    ela_rpc_handler handler;
    /* Names that positional (array) parameters map to, in order, NULL-terminated. A method
     * with none gets an empty parameter set from an array, as the reference. Extra positional
     * values are ignored (the reference panics on them). */
    const char *positional[ELA_RPC_MAX_POSITIONAL + 1];
    int level; /* ela_rpc_level */
} ela_rpc_method;

/* The methods a server dispatches to. */
typedef struct ela_rpc_table ela_rpc_table;

/* A new, empty table enforcing the service level `level` (ela_rpc_level). */
ela_rpc_table *ela_rpc_table_new(int level);
/* ela_rpc_table_free(NULL) is a no-op. */
void ela_rpc_table_free(ela_rpc_table *t);
/* Registers n methods (the array must outlive the table) with their handler context. A name
 * registered twice: the later one wins. */
void ela_rpc_table_add(ela_rpc_table *t, const ela_rpc_method *methods, size_t n, void *ctx);

/* ---- parameters (the reference's servers/params.go) ------------------------------------- */

/* An unsigned integer parameter: a JSON number (fraction truncated; negative refused; values
 * past 2^32 wrap as the reference's conversion does) or a string of decimal digits (parsed as
 * 64 bits, then truncated to 32). false when absent or anything else. */
ELA_WARN_UNUSED_RESULT bool ela_rpc_param_uint(uint32_t *out, const json_t *params,
                                               const char *name);
/* A signed integer parameter: a JSON number (fraction truncated) or a decimal string with an
 * optional sign. false when absent or anything else. */
ELA_WARN_UNUSED_RESULT bool ela_rpc_param_int(int64_t *out, const json_t *params,
                                              const char *name);
/* A string parameter (borrowed from params). false when absent or not a string. */
ELA_WARN_UNUSED_RESULT bool ela_rpc_param_string(const char **out, const json_t *params,
                                                 const char *name);
/* A boolean parameter: JSON true or false only. false when absent or anything else. */
ELA_WARN_UNUSED_RESULT bool ela_rpc_param_bool(bool *out, const json_t *params,
                                               const char *name);

/* ---- envelope ------------------------------------------------------------------------------ */

/* The outcome of one HTTP request body. */
typedef struct ela_rpc_reply {
    char *body;  /* heap, NUL-terminated; the caller frees it */
    int status;  /* HTTP status: 200, or 400 for a body that is not a request */
    /* The after_reply hooks of the calls in the body (at most one is kept: the last). */
    void (*after_reply)(void *arg);
    void *after_reply_arg;
} ela_rpc_reply;

/* Handles a request body (a request object or a batch array) against table t, as the
 * reference's handler does after its HTTP checks. Never fails: every problem becomes an error
 * reply. *out is overwritten. */
void ela_rpc_process(ela_rpc_reply *out, ela_rpc_table *t, const char *body, size_t len);

/* The body of a transport-level error: {"error":{"code":code,"id":null,"message":message},
 * "jsonrpc":"2.0","result":null}. The caller frees it. */
char *ela_rpc_transport_error(int code, const char *message);

/* True when a Content-Type header value names application/json or text/plain (media type
 * compared case-insensitively, parameters ignored, as Go's mime.ParseMediaType). NULL (no
 * header) is refused. */
bool ela_rpc_content_type_ok(const char *value);

/* True when a client at numeric address ip may use the server: loopback always; otherwise ip
 * must equal an entry of allow (compared in canonical form; an IPv4-mapped IPv6 address counts
 * as its IPv4 address), and an entry "0.0.0.0" allows everyone. */
bool ela_rpc_ip_allowed(const char *ip, const char *const *allow, size_t n_allow);

/* ---- server -------------------------------------------------------------------------------- */

typedef struct ela_rpc_server_options {
    const char *bind;  /* address to listen on ("127.0.0.1", "0.0.0.0", "::1"...) */
    uint16_t port;
    /* Basic auth: required unless both are empty or NULL (as the reference). */
    const char *user;
    const char *password;
    /* Client addresses allowed besides loopback (the reference's WhiteIPList). */
    const char *const *allow_ips;
    size_t n_allow_ips;
    /* Cookie auth: when user and password are both empty and this is set, the server writes
     * ELA_RPC_COOKIE_USER ":" <64 hex digits from RAND_bytes> to this file (mode 0600, written
     * to a temporary file and renamed into place) once it listens, requires Basic auth with
     * it, and removes the file when freed. NULL: no cookie (no auth with no password). */
    const char *cookie_path;
    unsigned max_clients; /* concurrent connections; 0: 64 */
    unsigned timeout;     /* seconds (see the limits above); 0: 30 */
} ela_rpc_server_options;

typedef struct ela_rpc_server ela_rpc_server;

/* Listens on opt->bind:opt->port and serves table t (which must outlive the server) on base.
 * NULL on failure with a one-line reason in err (errlen bytes), e.g. the port is in use. */
ela_rpc_server *ela_rpc_server_start(struct event_base *base, ela_rpc_table *t,
                                     const ela_rpc_server_options *opt, char *err,
                                     size_t errlen);
/* Closes the listener and every connection, and removes the cookie file it wrote.
 * ela_rpc_server_free(NULL) is a no-op. */
void ela_rpc_server_free(ela_rpc_server *s);

/* The port the server listens on (the one the system chose when opt->port was 0). */
uint16_t ela_rpc_server_port(const ela_rpc_server *s);

/* Connections open now (refused ones are not counted once closed). */
size_t ela_rpc_server_connections(const ela_rpc_server *s);

/* ---- chain methods (rpc_chain.c) ----------------------------------------------------------- */

struct ela_chain;
struct ela_params;

typedef struct ela_rpc_chain_ctx {
    struct ela_chain *chain;
    const struct ela_params *params;
} ela_rpc_chain_ctx;

/* Registers getblockcount, getcurrentheight, getbestblockhash, getblockhash, getblock,
 * getblockbyheight and gettxoutsetinfo with context ctx (which must outlive the table). */
void ela_rpc_chain_register(ela_rpc_table *t, ela_rpc_chain_ctx *ctx);

/* ---- node methods ---------------------------------------------------------------------- */

struct ela_node;

/* rpc_tx.c: getrawtransaction, decoderawtransaction, sendrawtransaction, getrawmempool,
 * listunspent, getutxosbyamount, getamountbyinputs, getreceivedbyaddress, estimatesmartfee,
 * createrawtransaction, signrawtransactionwithkey. */
void ela_rpc_tx_register(ela_rpc_table *t, struct ela_node *n);

/* rpc_mining.c: help, getinfo, getmininginfo, createauxblock, submitauxblock, discretemining,
 * togglemining. */
void ela_rpc_mining_register(ela_rpc_table *t, struct ela_node *n);

/* rpc_node.c: getnodestate, getconnectioncount, getneighbors, setloglevel. */
void ela_rpc_node_register(ela_rpc_table *t, struct ela_node *n);

/* rpc_net.c: addnode, disconnectnode, setban, listbanned, clearbanned (ConfigurationPermitted)
 * and getsyncinfo, on the net ela_net_from_node(n) finds. */
void ela_rpc_net_register(ela_rpc_table *t, struct ela_node *n);
/* getnodestate's "neighbors" (spec §10.7.2) and getneighbors' strings ("ip:port (inbound)
 * (20000 )") of the net on n; [] without one. New references. */
json_t *ela_rpc_net_neighbors(struct ela_node *n);
json_t *ela_rpc_net_neighbor_strings(struct ela_node *n);
/* Service flags as the reference names them: "SFNodeNetwork|SFTxFiltering|SFNodeBloom", "0x0"
 * for none. */
void ela_rpc_net_services_text(char *out, size_t outlen, uint64_t services);

#endif /* ELA_RPC_RPC_H */
