/* ela-cli: a JSON-RPC call over HTTP/1.1 through libevent's evhttp client. */
#ifndef ELA_CLI_RPCCLIENT_H
#define ELA_CLI_RPCCLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct ela_cli_conn {
    char host[256];
    int port;
    char path[256]; /* request path, "/" unless -rpcurl gives one */
    char *auth;     /* "user:password" (heap, wiped on clear); NULL: no Authorization header */
    int timeout;    /* seconds; 0: none */
} ela_cli_conn;

void ela_cli_conn_clear(ela_cli_conn *c);

enum {
    ELA_CLI_RPC_OK = 0,       /* *reply holds the response object */
    ELA_CLI_RPC_CONNECT = 2,  /* could not connect / no answer */
    ELA_CLI_RPC_AUTH = 3,     /* HTTP 401 */
    ELA_CLI_RPC_HTTP = 4,     /* another HTTP error; *reply may hold a JSON body */
    ELA_CLI_RPC_BADREPLY = 5, /* 200 with a body that is not a JSON object */
};

/* Sends {"jsonrpc":"2.0","id":1,"method":method,"params":params} (params may be NULL: then
 * {} is sent) and waits for the answer. Returns one of the codes above; on anything but OK,
 * err holds a message. *reply (caller decrefs) is set for OK and possibly HTTP. */
int ela_cli_rpc(const ela_cli_conn *c, json_t **reply, const char *method, json_t *params,
                char *err, size_t errlen);

/* Convenience: the "result" of a call, or NULL with *code and *msg (code 0 for transport problems,
 * the RPC error code otherwise; *status the ELA_CLI_RPC_* value). The result is a new reference
 * (json_null() for a null result). msg holds the message. */
json_t *ela_cli_call(const ela_cli_conn *c, const char *method, json_t *params, int *status,
                     long long *code, char *msg, size_t msglen);

#endif /* ELA_CLI_RPCCLIENT_H */
