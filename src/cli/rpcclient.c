/* ela-cli: JSON-RPC over HTTP with libevent's evhttp client. */
#include "cli/rpcclient.h"

#include <ela/ela.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ela_cli_conn_clear(ela_cli_conn *c)
{
    if (c->auth) {
        ela_memzero(c->auth, strlen(c->auth));
        free(c->auth);
    }
    memset(c, 0, sizeof *c);
}

typedef struct reply_ctx {
    int status;   /* HTTP status, 0 when none arrived */
    int error;    /* evhttp_request_error + 1, 0 when none */
    char *body;
    size_t len;
} reply_ctx;

static void on_reply(struct evhttp_request *req, void *arg)
{
    reply_ctx *r = arg;
    if (!req)
        return;
    r->status = evhttp_request_get_response_code(req);
    struct evbuffer *buf = evhttp_request_get_input_buffer(req);
    size_t len = buf ? evbuffer_get_length(buf) : 0;
    r->body = ela_xmalloc(len + 1);
    if (len)
        evbuffer_remove(buf, r->body, len);
    r->body[len] = '\0';
    r->len = len;
}

static void on_error(enum evhttp_request_error e, void *arg)
{
    reply_ctx *r = arg;
    r->error = (int)e + 1;
}

static const char *error_text(int e)
{
    switch (e - 1) {
    case EVREQ_HTTP_TIMEOUT:
        return "timeout";
    case EVREQ_HTTP_EOF:
        return "connection closed before a reply (EOF)";
    case EVREQ_HTTP_INVALID_HEADER:
        return "invalid HTTP reply";
    case EVREQ_HTTP_BUFFER_ERROR:
        return "connection error";
    default:
        return "request failed";
    }
}

int ela_cli_rpc(const ela_cli_conn *c, json_t **reply, const char *method, json_t *params,
                char *err, size_t errlen)
{
    *reply = NULL;
    json_t *req = json_object();
    json_object_set_new(req, "jsonrpc", json_string("2.0"));
    json_object_set_new(req, "id", json_integer(1));
    json_object_set_new(req, "method", json_string(method));
    json_object_set(req, "params", params ? params : json_object());
    if (!params)
        json_decref(json_object_get(req, "params")); /* drop the extra reference */
    char *body = json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(req);
    if (!body) {
        snprintf(err, errlen, "cannot encode the request");
        return ELA_CLI_RPC_CONNECT;
    }

    struct event_base *base = event_base_new();
    struct evhttp_connection *conn =
        base ? evhttp_connection_base_new(base, NULL, c->host, (unsigned short)c->port) : NULL;
    reply_ctx r = {0};
    int rc = ELA_CLI_RPC_CONNECT;
    if (!conn) {
        snprintf(err, errlen, "cannot set up a connection to %s:%d", c->host, c->port);
        goto out;
    }
    if (c->timeout > 0)
        evhttp_connection_set_timeout(conn, c->timeout);
    evhttp_connection_set_retries(conn, 0);
    struct evhttp_request *hr = evhttp_request_new(on_reply, &r);
    evhttp_request_set_error_cb(hr, on_error);
    struct evkeyvalq *h = evhttp_request_get_output_headers(hr);
    char hostport[300], clen[32];
    snprintf(hostport, sizeof hostport, "%s:%d", c->host, c->port);
    snprintf(clen, sizeof clen, "%zu", strlen(body));
    evhttp_add_header(h, "Host", hostport);
    evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "Content-Length", clen);
    evhttp_add_header(h, "Connection", "close");
    if (c->auth) {
        size_t al = strlen(c->auth);
        size_t cap = 4 * ((al + 2) / 3) + 1;
        char *b64 = ela_xmalloc(cap + 6);
        memcpy(b64, "Basic ", 6);
        EVP_EncodeBlock((unsigned char *)b64 + 6, (const unsigned char *)c->auth, (int)al);
        evhttp_add_header(h, "Authorization", b64);
        ela_memzero(b64, cap + 6);
        free(b64);
    }
    evbuffer_add(evhttp_request_get_output_buffer(hr), body, strlen(body));
    if (evhttp_make_request(conn, hr, EVHTTP_REQ_POST, c->path[0] ? c->path : "/") != 0) {
        snprintf(err, errlen, "cannot send the request to %s:%d", c->host, c->port);
        goto out;
    }
    event_base_dispatch(base);

    if (r.status == 0) {
        snprintf(err, errlen,
                 "could not connect to the server %s:%d (%s)\n\n"
                 "Make sure elad is running with RPC enabled and that -rpcconnect/-rpcport "
                 "(or the network flag) are right.",
                 c->host, c->port, r.error ? error_text(r.error) : "no reply");
        goto out;
    }
    if (r.status == 401) {
        snprintf(err, errlen, "incorrect rpcuser or rpcpassword (or cookie)");
        rc = ELA_CLI_RPC_AUTH;
        goto out;
    }
    json_t *j = json_loadb(r.body, r.len, 0, NULL);
    if (r.status != 200) {
        snprintf(err, errlen, "server returned HTTP status %d", r.status);
        *reply = j;
        rc = ELA_CLI_RPC_HTTP;
        goto out;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(err, errlen, "the server's reply is not a JSON object");
        rc = ELA_CLI_RPC_BADREPLY;
        goto out;
    }
    *reply = j;
    rc = ELA_CLI_RPC_OK;
out:
    free(r.body);
    if (conn)
        evhttp_connection_free(conn);
    if (base)
        event_base_free(base);
    free(body);
    return rc;
}

json_t *ela_cli_call(const ela_cli_conn *c, const char *method, json_t *params, int *status,
                     long long *code, char *msg, size_t msglen)
{
    json_t *reply = NULL;
    *code = 0;
    *status = ela_cli_rpc(c, &reply, method, params, msg, msglen);
    json_t *e = reply ? json_object_get(reply, "error") : NULL;
    if (e && json_is_object(e)) {
        *code = json_integer_value(json_object_get(e, "code"));
        const char *m = json_string_value(json_object_get(e, "message"));
        snprintf(msg, msglen, "%s", m ? m : "");
        if (*status == ELA_CLI_RPC_HTTP)
            *status = ELA_CLI_RPC_OK; /* an RPC error carried by a transport status */
        json_decref(reply);
        return NULL;
    }
    if (*status != ELA_CLI_RPC_OK) {
        json_decref(reply);
        return NULL;
    }
    json_t *res = json_object_get(reply, "result");
    res = res ? json_incref(res) : json_null();
    json_decref(reply);
    return res;
}
