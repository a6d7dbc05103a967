/* elad tests: the JSON-RPC envelope, parameter coercion and transport rules (src/rpc/rpc.c),
 * the HTTP server's limits and cookie over real sockets on 127.0.0.1 (the server's loop runs on
 * a second thread; clients are blocking sockets whose receive timeout only keeps a broken
 * server from hanging the test), the node methods that need no chain (src/rpc/rpc_node.c), and
 * the node options (src/node/config.c). The methods here are test methods registered in a
 * table, which is what the envelope dispatches to. */
#include "testutil.h"

#include "node/config.h"
#include "node/node.h"
#include "rpc/rpc.h"

#include <ela/address.h>
#include <ela/log.h>

#include <event2/event.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---- a method table for the envelope tests ------------------------------------------------ */

static json_t *m_count(ela_rpc_call *call) { return json_integer(6); }

static json_t *m_echo(ela_rpc_call *call)
{
    return json_deep_copy(call->params);
}

static json_t *m_height(ela_rpc_call *call)
{
    uint32_t h;
    if (!ela_rpc_param_uint(&h, call->params, "height"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS,
                            "height parameter should be a positive integer");
    return json_integer(h);
}

static json_t *m_fail_default(ela_rpc_call *call)
{
    return ela_rpc_fail(call, ELA_RPC_ERR_UNKNOWN_BLOCK, NULL);
}

static int hook_calls;
static void hook(void *arg) { hook_calls += *(int *)arg; }
static int hook_arg = 1;

static json_t *m_stop(ela_rpc_call *call)
{
    call->after_reply = hook;
    call->after_reply_arg = &hook_arg;
    return json_string("elad stopping");
}

static const ela_rpc_method TEST_METHODS[] = {
    {"getblockcount", m_count, {NULL}, ELA_RPC_UNGATED},
    {"echo", m_echo, {"a", "b", NULL}, ELA_RPC_UNGATED},
    {"getblockhash", m_height, {"height", NULL}, ELA_RPC_UNGATED},
    {"unknownblock", m_fail_default, {NULL}, ELA_RPC_UNGATED},
    {"mining", m_count, {NULL}, ELA_RPC_LEVEL_MINING},
    {"stop", m_stop, {NULL}, ELA_RPC_LEVEL_CONFIGURATION},
};

/* Runs body through a table at service level `level` and checks status and reply bytes. */
static void expect_level(int level, const char *body, size_t len, int status, const char *want)
{
    ela_rpc_table *t = ela_rpc_table_new(level);
    ela_rpc_table_add(t, TEST_METHODS, ELA_ARRAY_LEN(TEST_METHODS), NULL);
    ela_rpc_reply r;
    ela_rpc_process(&r, t, body, len);
    ck_assert_msg(r.status == status, "%s: status %d, wanted %d", body, r.status, status);
    ck_assert_msg(strcmp(r.body, want) == 0, "%s:\n got  %s\n want %s", body, r.body, want);
    free(r.body);
    ela_rpc_table_free(t);
}

static void expect(const char *body, int status, const char *want)
{
    expect_level(ELA_RPC_LEVEL_CONFIGURATION, body, strlen(body), status, want);
}

/* A parse error as the reference writes it. */
static void expect_parse_error(const char *body, size_t len, const char *why)
{
    char want[512];
    snprintf(want, sizeof want,
             "{\"error\":{\"code\":-32700,\"id\":null,\"message\":\"JSON-RPC request parsing "
             "error:%s\"},\"jsonrpc\":\"2.0\",\"result\":null}", why);
    expect_level(0, body, len, 400, want);
}

/* ---- envelope ----------------------------------------------------------------------------- */

START_TEST(envelope_matches_reference_bytes)
{
    /* rpc/raw r01, r04, r05, r08, r10, r11, r12 of the reference transcripts */
    expect("{\"jsonrpc\":\"2.0\",\"method\":\"getblockcount\",\"params\":[],\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":1,\"error\":null}");
    expect("{\"method\":\"getblockcount\",\"params\":[],\"id\":\"abc\"}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":\"abc\",\"error\":null}");
    expect("{\"method\":\"getblockcount\"}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":null,\"error\":null}");
    expect("{\"jsonrpc\":\"2.0\",\"method\":\"getblockhash\",\"params\":[1],\"id\":null}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":null,\"error\":null}");
    expect("{\"jsonrpc\":\"1.0\",\"method\":\"getblockhash\",\"params\":[1],\"id\":3}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":3,\"error\":null}");
    expect("{\"jsonrpc\":\"2.0\",\"method\":\"foo\",\"params\":[],\"id\":4}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":4,\"error\":{\"code\":-32601,\"id\":4,"
           "\"message\":\"JSON-RPC method foo not found\"}}");
    expect("[{\"jsonrpc\":\"2.0\",\"method\":\"getblockcount\",\"params\":[],\"id\":1},"
           "{\"jsonrpc\":\"2.0\",\"method\":\"getblockhash\",\"params\":[5],\"id\":2}]", 200,
           "[{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":1,\"error\":null},"
           "{\"jsonrpc\":\"2.0\",\"result\":5,\"id\":2,\"error\":null}]");
    expect_parse_error("not json", 8, "invalid character 'o' in literal null (expecting 'u')");
}
END_TEST

START_TEST(ids_echo_as_go_decodes_them)
{
    /* Go decodes numbers into float64 and objects into maps (marshalled with sorted keys). */
    expect("{\"method\":\"getblockcount\",\"id\":1.0}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":1,\"error\":null}");
    expect("{\"method\":\"getblockcount\",\"id\":1.5}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":1.5,\"error\":null}");
    expect("{\"method\":\"getblockcount\",\"id\":12345678901234567890}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":12345678901234567000,\"error\":null}");
    expect("{\"method\":\"getblockcount\",\"id\":1e21}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":1e+21,\"error\":null}");
    expect("{\"method\":\"getblockcount\",\"id\":{\"b\":1,\"a\":[true,{\"d\":0,\"c\":\"<\"}]}}",
           200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":{\"a\":[true,{\"c\":\"\\u003c\",\"d\":0}],"
           "\"b\":1},\"error\":null}");
    /* Keys match case-insensitively; the last one wins. */
    expect("{\"METHOD\":\"getblockcount\",\"Id\":7,\"id\":8}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":8,\"error\":null}");
    /* Go folds U+017F to 's' when matching "params". */
    expect("{\"method\":\"getblockhash\",\"param\xc5\xbf\":[9],\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":9,\"id\":1,\"error\":null}");
    /* A null method leaves an earlier one in place. */
    expect("{\"method\":\"getblockcount\",\"Method\":null,\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":1,\"error\":null}");
    /* Invalid UTF-8 and lone surrogates become U+FFFD instead of failing the request. */
    expect("{\"method\":\"getblockcount\",\"id\":\"a\xffz\"}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":\"a\\ufffdz\",\"error\":null}");
    expect("{\"method\":\"getblockcount\",\"id\":\"\\ud800x\\udc00\\ud83d\\ude00\"}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":\"\\ufffdx\\ufffd\xf0\x9f\x98\x80\","
           "\"error\":null}");
}
END_TEST

START_TEST(dispatch_errors)
{
    expect("{\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":-32600,\"id\":1,"
           "\"message\":\"JSON-RPC need a method\"}}");
    expect("{\"method\":\"\",\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":-32600,\"id\":1,"
           "\"message\":\"JSON-RPC need a method\"}}");
    /* null and [] decode to an empty request: one reply, not a batch */
    const char *need = "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":null,\"error\":{\"code\":"
                       "-32600,\"id\":null,\"message\":\"JSON-RPC need a method\"}}";
    expect("null", 200, need);
    expect(" [ ] ", 200, need);
    expect("[null]", 200, "[{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":null,\"error\":{\"code\":"
                          "-32600,\"id\":null,\"message\":\"JSON-RPC need a method\"}}]");
    expect("{\"method\":\"getblockcount\",\"params\":\"x\",\"id\":2}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":2,\"error\":{\"code\":-32600,\"id\":2,"
           "\"message\":\"params format error, must be an array or a map\"}}");
    /* the method is looked up before the params are checked */
    expect("{\"method\":\"nope\",\"params\":5,\"id\":2}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":2,\"error\":{\"code\":-32601,\"id\":2,"
           "\"message\":\"JSON-RPC method nope not found\"}}");
    expect("{\"method\":\"GetBlockCount\",\"id\":2}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":2,\"error\":{\"code\":-32601,\"id\":2,"
           "\"message\":\"JSON-RPC method GetBlockCount not found\"}}");
    /* a failure without a message gets the code's default text */
    expect("{\"method\":\"unknownblock\",\"id\":3}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":3,\"error\":{\"code\":44003,\"id\":3,"
           "\"message\":\"Unknown Block\"}}");
    expect("{\"method\":\"getblockhash\",\"params\":[\"abc\"],\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,\"id\":1,"
           "\"message\":\"height parameter should be a positive integer\"}}");
    /* service levels */
    const char *gated = "{\"method\":\"mining\",\"id\":1}";
    expect_level(ELA_RPC_LEVEL_MINING, gated, strlen(gated), 200,
                 "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":1,\"error\":null}");
    expect_level(ELA_RPC_LEVEL_TRANSACTION, gated, strlen(gated), 200,
                 "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42001,"
                 "\"id\":1,\"message\":\"requesting method if out of service level\"}}");
}
END_TEST

START_TEST(positional_and_named_params)
{
    expect("{\"method\":\"echo\",\"params\":[1,\"x\"],\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":{\"a\":1,\"b\":\"x\"},\"id\":1,\"error\":null}");
    /* extras are ignored (the reference panics) */
    expect("{\"method\":\"echo\",\"params\":[1,2,3,4,5,6],\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":{\"a\":1,\"b\":2},\"id\":1,\"error\":null}");
    expect("{\"method\":\"echo\",\"params\":{\"z\":true},\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":{\"z\":true},\"id\":1,\"error\":null}");
    expect("{\"method\":\"echo\",\"params\":null,\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":{},\"id\":1,\"error\":null}");
    /* a method without positional names gets nothing from an array */
    expect("{\"method\":\"getblockcount\",\"params\":[1,2],\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":1,\"error\":null}");
    /* r14/r15: 1.0 and "1" are both a height */
    expect("{\"method\":\"getblockhash\",\"params\":[1.0],\"id\":6}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":6,\"error\":null}");
    expect("{\"method\":\"getblockhash\",\"params\":[\"1\"],\"id\":6}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":6,\"error\":null}");
    expect("{\"method\":\"getblockhash\",\"params\":{\"height\":2.9},\"id\":6}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":6,\"error\":null}");
}
END_TEST

START_TEST(go_syntax_error_messages)
{
    static const struct {
        const char *body;
        const char *why;
    } cases[] = {
        {"", "unexpected end of JSON input"},
        {"   ", "unexpected end of JSON input"},
        {"{", "unexpected end of JSON input"},
        {"{\"method\":\"x\"", "unexpected end of JSON input"},
        {"\"abc", "unexpected end of JSON input"},
        {"tru", "invalid character ' ' in literal true (expecting 'e')"},
        {"nul", "invalid character ' ' in literal null (expecting 'l')"},
        {"fx", "invalid character 'x' in literal false (expecting 'a')"},
        {"[1,]", "invalid character ']' looking for beginning of value"},
        {"{\"a\" 1}", "invalid character '1' after object key"},
        {"{\"a\":1 \"b\"}", "invalid character '\\\"' after object key:value pair"},
        {"{\"a\":1,}", "invalid character '}' looking for beginning of object key string"},
        {"{1:2}", "invalid character '1' looking for beginning of object key string"},
        {"[1 2]", "invalid character '2' after array element"},
        {"1 2", "invalid character '2' after top-level value"},
        {"01", "invalid character '1' after top-level value"},
        {"-", "invalid character ' ' in numeric literal"},
        {"-a", "invalid character 'a' in numeric literal"},
        {"1.", "invalid character ' ' after decimal point in numeric literal"},
        {"1.e5", "invalid character 'e' after decimal point in numeric literal"},
        {"1e+", "invalid character ' ' in exponent of numeric literal"},
        {"\"\\x\"", "invalid character 'x' in string escape code"},
        {"\"\\u12g4\"", "invalid character 'g' in \\\\u hexadecimal character escape"},
        {"\"a\tb\"", "invalid character '\\\\t' in string literal"},
        {"\"\x01\"", "invalid character '\\\\x01' in string literal"},
        {"'a'", "invalid character '\\\\'' looking for beginning of value"},
        {"\\", "invalid character '\\\\\\\\' looking for beginning of value"},
        {"\x7f", "invalid character '\\\\x7f' looking for beginning of value"},
        {"\x80", "invalid character '\\\\u0080' looking for beginning of value"},
        {"\xff", "invalid character '\xc3\xbf' looking for beginning of value"},
        {"{}x", "invalid character 'x' after top-level value"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++)
        expect_parse_error(cases[i].body, strlen(cases[i].body), cases[i].why);
    /* a NUL byte outside a string */
    expect_parse_error("1\0", 2, "invalid character '\\\\x00' after top-level value");
    /* Go's nesting limit */
    size_t n = 10001;
    char *deep = malloc(n);
    memset(deep, '[', n);
    expect_parse_error(deep, n, "exceeded max depth");
    free(deep);
}
END_TEST

START_TEST(go_type_errors)
{
    expect_parse_error("{\"method\":5}", 12,
                       "json: cannot unmarshal number into Go struct field Request.method of "
                       "type string");
    expect_parse_error("{\"method\":true,\"id\":1}", 22,
                       "json: cannot unmarshal bool into Go struct field Request.method of type "
                       "string");
    expect_parse_error("{\"method\":[\"x\"]}", 16,
                       "json: cannot unmarshal array into Go struct field Request.method of "
                       "type string");
    expect_parse_error("5", 1, "json: cannot unmarshal number into Go value of type "
                               "servers.Request");
    expect_parse_error("\"getblockcount\"", 15,
                       "json: cannot unmarshal string into Go value of type servers.Request");
    /* a batch with any bad element fails whole, with the single-request error */
    expect_parse_error("[1]", 3,
                       "json: cannot unmarshal array into Go value of type servers.Request");
    expect_parse_error("[{\"method\":\"getblockcount\"},{\"method\":1}]", 41,
                       "json: cannot unmarshal array into Go value of type servers.Request");
}
END_TEST

START_TEST(after_reply_hook_is_returned)
{
    ela_rpc_table *t = ela_rpc_table_new(ELA_RPC_LEVEL_CONFIGURATION);
    ela_rpc_table_add(t, TEST_METHODS, ELA_ARRAY_LEN(TEST_METHODS), NULL);
    ela_rpc_reply r;
    const char *body = "{\"method\":\"stop\",\"id\":1}";
    ela_rpc_process(&r, t, body, strlen(body));
    ck_assert_str_eq(r.body, "{\"jsonrpc\":\"2.0\",\"result\":\"elad stopping\",\"id\":1,"
                             "\"error\":null}");
    ck_assert_ptr_nonnull(r.after_reply);
    hook_calls = 0;
    r.after_reply(r.after_reply_arg);
    ck_assert_int_eq(hook_calls, 1);
    free(r.body);
    /* refused by the service level: no hook */
    ela_rpc_table_free(t);
    t = ela_rpc_table_new(ELA_RPC_LEVEL_QUERY_ONLY);
    ela_rpc_table_add(t, TEST_METHODS, ELA_ARRAY_LEN(TEST_METHODS), NULL);
    ela_rpc_process(&r, t, body, strlen(body));
    ck_assert_ptr_null(r.after_reply);
    free(r.body);
    ela_rpc_table_free(t);
}
END_TEST

/* ---- parameters --------------------------------------------------------------------------- */

START_TEST(param_coercion)
{
    json_error_t e;
    json_t *p = json_loads("{\"f\":2.7,\"neg\":-1,\"s\":\"42\",\"ss\":\"+42\",\"sn\":\"-42\","
                           "\"big\":4294967297,\"bigs\":\"4294967298\",\"bad\":\"4x\","
                           "\"empty\":\"\",\"b\":true,\"one\":1,\"huge\":1e300,"
                           "\"over\":\"18446744073709551616\",\"nul\":null,\"arr\":[1]}",
                           JSON_DECODE_INT_AS_REAL, &e);
    ck_assert_ptr_nonnull(p);
    uint32_t u;
    int64_t i;
    bool b;
    const char *s;
    ck_assert(ela_rpc_param_uint(&u, p, "f") && u == 2);
    ck_assert(!ela_rpc_param_uint(&u, p, "neg"));
    ck_assert(ela_rpc_param_uint(&u, p, "s") && u == 42);
    ck_assert(!ela_rpc_param_uint(&u, p, "ss")); /* ParseUint takes no sign */
    ck_assert(ela_rpc_param_uint(&u, p, "big") && u == 1);
    ck_assert(ela_rpc_param_uint(&u, p, "bigs") && u == 2);
    ck_assert(!ela_rpc_param_uint(&u, p, "bad"));
    ck_assert(!ela_rpc_param_uint(&u, p, "empty"));
    ck_assert(!ela_rpc_param_uint(&u, p, "b"));
    ck_assert(!ela_rpc_param_uint(&u, p, "over"));
    ck_assert(!ela_rpc_param_uint(&u, p, "nul"));
    ck_assert(!ela_rpc_param_uint(&u, p, "arr"));
    ck_assert(!ela_rpc_param_uint(&u, p, "missing"));
    ck_assert(ela_rpc_param_uint(&u, p, "huge") && u == 0);
    ck_assert(ela_rpc_param_int(&i, p, "neg") && i == -1);
    ck_assert(ela_rpc_param_int(&i, p, "ss") && i == 42);
    ck_assert(ela_rpc_param_int(&i, p, "sn") && i == -42);
    ck_assert(ela_rpc_param_int(&i, p, "f") && i == 2);
    ck_assert(ela_rpc_param_int(&i, p, "huge") && i == INT64_MIN);
    ck_assert(!ela_rpc_param_int(&i, p, "bad"));
    ck_assert(ela_rpc_param_bool(&b, p, "b") && b);
    ck_assert(!ela_rpc_param_bool(&b, p, "one")); /* 1 is not a boolean */
    ck_assert(ela_rpc_param_string(&s, p, "s") && strcmp(s, "42") == 0);
    ck_assert(!ela_rpc_param_string(&s, p, "one"));
    json_decref(p);
}
END_TEST

/* ---- transport rules ---------------------------------------------------------------------- */

START_TEST(transport_rules)
{
    ck_assert(ela_rpc_content_type_ok("application/json"));
    ck_assert(ela_rpc_content_type_ok("application/json; charset=utf-8"));
    ck_assert(ela_rpc_content_type_ok(" Application/JSON ;x"));
    ck_assert(ela_rpc_content_type_ok("text/plain"));
    ck_assert(!ela_rpc_content_type_ok(NULL));
    ck_assert(!ela_rpc_content_type_ok(""));
    ck_assert(!ela_rpc_content_type_ok("application/jsonx"));
    ck_assert(!ela_rpc_content_type_ok("application/x-www-form-urlencoded"));

    const char *none[] = {NULL};
    ck_assert(ela_rpc_ip_allowed("127.0.0.1", none, 0));
    ck_assert(ela_rpc_ip_allowed("127.8.9.10", none, 0));
    ck_assert(ela_rpc_ip_allowed("::1", none, 0));
    ck_assert(ela_rpc_ip_allowed("::ffff:127.0.0.1", none, 0));
    ck_assert(!ela_rpc_ip_allowed("10.0.0.1", none, 0));
    ck_assert(!ela_rpc_ip_allowed("", none, 0));
    ck_assert(!ela_rpc_ip_allowed(NULL, none, 0));
    const char *one[] = {"10.0.0.1"};
    ck_assert(ela_rpc_ip_allowed("10.0.0.1", one, 1));
    ck_assert(ela_rpc_ip_allowed("::ffff:10.0.0.1", one, 1));
    ck_assert(!ela_rpc_ip_allowed("10.0.0.2", one, 1));
    const char *all[] = {"junk", "0.0.0.0"};
    ck_assert(ela_rpc_ip_allowed("192.0.2.7", all, 2));

    char *e = ela_rpc_transport_error(ELA_RPC_INTERNAL_ERROR,
                                      "JSON-RPC protocol only allows POST method");
    ck_assert_str_eq(e, "{\"error\":{\"code\":-32603,\"id\":null,\"message\":\"JSON-RPC protocol "
                        "only allows POST method\"},\"jsonrpc\":\"2.0\",\"result\":null}");
    free(e);
    ck_assert_str_eq(ela_rpc_error_text(42002), "Invalid Params");
    ck_assert_str_eq(ela_rpc_error_text(12345), "");
    ck_assert_int_eq(ela_rpc_level_from_string("QueryOnly"), ELA_RPC_LEVEL_QUERY_ONLY);
    ck_assert_int_eq(ela_rpc_level_from_string("queryonly"), ELA_RPC_LEVEL_CONFIGURATION);
    ck_assert_int_eq(ela_rpc_level_from_string(NULL), ELA_RPC_LEVEL_CONFIGURATION);
}
END_TEST

/* ---- options ------------------------------------------------------------------------------ */

static char tmpdir[256];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/elad-test-rpc-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *write_conf(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* ---- the HTTP server over sockets --------------------------------------------------------- */

typedef struct test_server {
    struct event_base *base;
    ela_rpc_table *table;
    ela_rpc_server *server;
    int quit[2];
    struct event *quit_ev;
    pthread_t thread;
    uint16_t port;
} test_server;

static void on_quit(evutil_socket_t fd, short what, void *arg)
{
    event_base_loopbreak(((test_server *)arg)->base);
}

static void *loop_thread(void *arg)
{
    event_base_dispatch(((test_server *)arg)->base);
    return NULL;
}

/* Starts a server on 127.0.0.1 (a port the system chooses) serving TEST_METHODS. NULL opt
 * fields get test defaults; the loop runs on its own thread until server_stop. */
static void server_start(test_server *v, ela_rpc_server_options o)
{
    memset(v, 0, sizeof *v);
    v->base = event_base_new();
    ck_assert_ptr_nonnull(v->base);
    v->table = ela_rpc_table_new(ELA_RPC_LEVEL_CONFIGURATION);
    ela_rpc_table_add(v->table, TEST_METHODS, ELA_ARRAY_LEN(TEST_METHODS), NULL);
    o.bind = "127.0.0.1";
    char err[256] = "";
    v->server = ela_rpc_server_start(v->base, v->table, &o, err, sizeof err);
    ck_assert_msg(v->server, "server: %s", err);
    v->port = ela_rpc_server_port(v->server);
    ck_assert_uint_ne(v->port, 0);
    ck_assert_int_eq(pipe(v->quit), 0);
    v->quit_ev = event_new(v->base, v->quit[0], EV_READ, on_quit, v);
    ck_assert_int_eq(event_add(v->quit_ev, NULL), 0);
    ck_assert_int_eq(pthread_create(&v->thread, NULL, loop_thread, v), 0);
}

static void server_stop(test_server *v)
{
    ck_assert_int_eq(write(v->quit[1], "q", 1), 1);
    ck_assert_int_eq(pthread_join(v->thread, NULL), 0);
    ela_rpc_server_free(v->server);
    ela_rpc_table_free(v->table);
    event_free(v->quit_ev);
    close(v->quit[0]);
    close(v->quit[1]);
    event_base_free(v->base);
}

/* A blocking client socket; the receive timeout is only a guard against a hung server. */
static int client(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct timeval tv = {60, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

static void send_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        ck_assert_int_gt(w, 0);
        p += w;
        len -= (size_t)w;
    }
}

static void send_str(int fd, const char *s) { send_all(fd, s, strlen(s)); }

/* Reads until the server closes the connection; *closed_ok is false when the read ended on
 * the guard timeout instead. Returns the bytes (heap, NUL-terminated). */
static char *read_to_close(int fd, bool *closed_ok)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    *closed_ok = false;
    for (;;) {
        if (len + 1024 > cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        ssize_t r = recv(fd, buf + len, cap - len - 1, 0);
        if (r > 0) {
            len += (size_t)r;
            continue;
        }
        *closed_ok = r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
        break;
    }
    buf[len] = '\0';
    return buf;
}

/* An HTTP/1.0 POST of body with extra header lines (each ending in \r\n); returns the status
 * and, in *body_out, the reply body (heap). The server must close after the reply. */
static int post10(uint16_t port, const char *extra, const char *body, char **body_out)
{
    int fd = client(port);
    char head[128];
    snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", strlen(body));
    send_str(fd, "POST / HTTP/1.0\r\nContent-Type: application/json\r\n");
    send_str(fd, extra ? extra : "");
    send_str(fd, head);
    send_str(fd, body);
    bool closed;
    char *reply = read_to_close(fd, &closed);
    close(fd);
    ck_assert_msg(closed, "the server did not close the HTTP/1.0 connection");
    int status = 0;
    ck_assert_msg(sscanf(reply, "HTTP/1.%*d %d", &status) == 1, "not HTTP: '%s'", reply);
    char *sep = strstr(reply, "\r\n\r\n");
    ck_assert_ptr_nonnull(sep);
    /* Content-Length present and exact */
    const char *cl = strstr(reply, "Content-Length: ");
    ck_assert_msg(cl && cl < sep, "no Content-Length: '%s'", reply);
    ck_assert_uint_eq(strtoul(cl + 16, NULL, 10), strlen(sep + 4));
    if (body_out)
        *body_out = strdup(sep + 4);
    free(reply);
    return status;
}

static const char COUNT_REQ[] = "{\"method\":\"getblockcount\",\"id\":1}";
static const char COUNT_REPLY[] = "{\"jsonrpc\":\"2.0\",\"result\":6,\"id\":1,\"error\":null}";

static void expect_count_ok(uint16_t port, const char *extra)
{
    char *b = NULL;
    int st = post10(port, extra, COUNT_REQ, &b);
    ck_assert_msg(st == 200 && strcmp(b, COUNT_REPLY) == 0, "%d %s", st, b);
    free(b);
}

static char *basic_header(const char *login)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t len = strlen(login), o = 0;
    char *out = malloc(64 + 4 * (len / 3 + 1));
    ck_assert_ptr_nonnull(out);
    o += (size_t)sprintf(out, "Authorization: Basic ");
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)(uint8_t)login[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)(uint8_t)login[i + 1] << 8;
        if (i + 2 < len)
            v |= (uint8_t)login[i + 2];
        out[o++] = A[(v >> 18) & 63];
        out[o++] = A[(v >> 12) & 63];
        out[o++] = i + 1 < len ? A[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? A[v & 63] : '=';
    }
    strcpy(out + o, "\r\n");
    return out;
}


START_TEST(server_http10_and_keepalive)
{
    test_server v;
    server_start(&v, (ela_rpc_server_options){0});
    /* HTTP/1.0 (btcpool): a complete reply with Content-Length, then the server closes */
    expect_count_ok(v.port, NULL);
    /* HTTP/1.1: two requests on one connection, then an explicit close */
    int fd = client(v.port);
    char req[512];
    snprintf(req, sizeof req, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
             "Content-Length: %zu\r\n\r\n%s", strlen(COUNT_REQ), COUNT_REQ);
    for (int i = 0; i < 2; i++) {
        send_str(fd, req);
        char buf[2048];
        size_t len = 0;
        while (!strstr(buf, COUNT_REPLY)) {
            ssize_t r = recv(fd, buf + len, sizeof buf - 1 - len, 0);
            ck_assert_int_gt(r, 0);
            len += (size_t)r;
            buf[len] = '\0';
        }
        ck_assert_msg(strncmp(buf, "HTTP/1.1 200", 12) == 0, "%s", buf);
        memset(buf, 0, sizeof buf);
    }
    close(fd);
    server_stop(&v);
}
END_TEST

START_TEST(server_slow_client_does_not_block_others)
{
    test_server v;
    server_start(&v, (ela_rpc_server_options){.timeout = 300});
    /* A sends half a request (headers promise a body it never sends) and stalls; B, C and
     * D are served meanwhile. */
    int a = client(v.port);
    send_str(a, "POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n"
                "\r\n{\"method\":");
    int a2 = client(v.port);
    send_str(a2, "POST / HTTP/1.1\r\nContent-Ty"); /* stalls inside the headers */
    for (int i = 0; i < 3; i++)
        expect_count_ok(v.port, NULL);
    /* A finishes after all: it is answered too */
    char rest[128];
    memset(rest, ' ', sizeof rest);
    memcpy(rest, "\"getblockcount\",\"id\":1}", 23);
    send_all(a, rest, 100 - strlen("{\"method\":"));
    char buf[1024] = "";
    size_t len = 0;
    while (!strstr(buf, COUNT_REPLY)) {
        ssize_t r = recv(a, buf + len, sizeof buf - 1 - len, 0);
        ck_assert_int_gt(r, 0);
        len += (size_t)r;
        buf[len] = '\0';
    }
    close(a);
    close(a2);
    server_stop(&v);
}
END_TEST

START_TEST(server_timeout_closes_stalled_clients)
{
    test_server v;
    server_start(&v, (ela_rpc_server_options){.timeout = 1});
    /* half a request line, then nothing: closed without a reply */
    int a = client(v.port);
    send_str(a, "POST / HT");
    bool closed;
    char *got = read_to_close(a, &closed);
    ck_assert_msg(closed, "a stalled client was not disconnected");
    close(a);
    free(got);
    /* a trickle that keeps each read alive still has to finish the request in time */
    a = client(v.port);
    send_str(a, "POST / HTTP/1.1\r\n");
    for (int i = 0; i < 8; i++) {
        ssize_t w = send(a, "X", 1, MSG_NOSIGNAL);
        if (w <= 0)
            break; /* already closed */
        struct timespec ts = {0, 400 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    got = read_to_close(a, &closed);
    ck_assert_msg(closed, "a trickling client was not disconnected");
    ck_assert_msg(strstr(got, COUNT_REPLY) == NULL, "%s", got);
    close(a);
    free(got);
    /* the server still serves */
    expect_count_ok(v.port, NULL);
    server_stop(&v);
}
END_TEST

START_TEST(server_max_clients)
{
    test_server v;
    server_start(&v, (ela_rpc_server_options){.max_clients = 2, .timeout = 300});
    int a = client(v.port), b = client(v.port);
    send_str(a, "POST / HTTP/1.0\r\nContent-Type: application/json\r\n");
    send_str(b, "POST / HTTP/1.0\r\n");
    /* a third is accepted and closed at once, with no reply */
    int c = client(v.port);
    bool closed;
    char *got = read_to_close(c, &closed);
    ck_assert_msg(closed && got[0] == '\0', "the third connection got '%s'", got);
    free(got);
    close(c);
    /* A completes its request: answered, then closed; its slot is free again */
    char tail[128];
    snprintf(tail, sizeof tail, "Content-Length: %zu\r\n\r\n%s", strlen(COUNT_REQ), COUNT_REQ);
    send_str(a, tail);
    got = read_to_close(a, &closed);
    ck_assert_msg(closed && strstr(got, COUNT_REPLY), "%s", got);
    free(got);
    close(a);
    expect_count_ok(v.port, NULL);
    close(b);
    server_stop(&v);
}
END_TEST

START_TEST(server_size_limits)
{
    test_server v;
    server_start(&v, (ela_rpc_server_options){0});
    /* a body far over 8 MiB: 413 from its Content-Length, without reading it */
    int fd = client(v.port);
    send_str(fd, "POST / HTTP/1.1\r\nContent-Type: application/json\r\n"
                 "Content-Length: 100000000\r\n\r\n{");
    bool closed;
    char *got = read_to_close(fd, &closed);
    ck_assert_msg(closed && strncmp(got, "HTTP/1.1 413", 12) == 0, "%s", got);
    free(got);
    close(fd);
    /* headers over ELA_RPC_MAX_HEADERS: refused and closed */
    fd = client(v.port);
    send_str(fd, "POST / HTTP/1.1\r\nContent-Type: application/json\r\n");
    char line[1100];
    memset(line, 'a', sizeof line);
    memcpy(line, "X-Pad: ", 7);
    memcpy(line + sizeof line - 2, "\r\n", 2);
    for (size_t i = 0; i < ELA_RPC_MAX_HEADERS / sizeof line + 2; i++) {
        if (send(fd, line, sizeof line, MSG_NOSIGNAL) <= 0)
            break; /* refused already */
    }
    got = read_to_close(fd, &closed);
    ck_assert_msg(closed, "oversized headers: connection not closed");
    /* evhttp 2.1 answers 400 (text/html) and closes; a reset before the reply is read is
     * also a refusal */
    ck_assert_msg(got[0] == '\0' || strncmp(got, "HTTP/1.1 400", 12) == 0, "%s", got);
    ck_assert_msg(strstr(got, COUNT_REPLY) == NULL, "%s", got);
    free(got);
    close(fd);
    /* headers just under the limit are fine */
    char *extra = malloc(ELA_RPC_MAX_HEADERS / 2 + 16);
    ck_assert_ptr_nonnull(extra);
    strcpy(extra, "X-Pad: ");
    memset(extra + 7, 'b', ELA_RPC_MAX_HEADERS / 2);
    strcpy(extra + 7 + ELA_RPC_MAX_HEADERS / 2, "\r\n");
    expect_count_ok(v.port, extra);
    free(extra);
    server_stop(&v);
}
END_TEST

static void read_file_text(const char *path, char *out, size_t outlen)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f, "cannot open %s", path);
    size_t n = fread(out, 1, outlen - 1, f);
    out[n] = '\0';
    fclose(f);
}

START_TEST(server_cookie_auth)
{
    make_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/.cookie", tmpdir);
    test_server v;
    server_start(&v, (ela_rpc_server_options){.cookie_path = path});
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    char cookie[256];
    read_file_text(path, cookie, sizeof cookie);
    ck_assert_uint_eq(strlen(cookie), 11 + 64);
    ck_assert(strncmp(cookie, "__cookie__:", 11) == 0);
    for (size_t i = 11; i < strlen(cookie); i++)
        ck_assert_msg(strchr("0123456789abcdef", cookie[i]), "'%s'", cookie);

    char *b = NULL;
    ck_assert_int_eq(post10(v.port, NULL, COUNT_REQ, &b), 401);
    ck_assert_str_eq(b, "{\"error\":{\"code\":-32603,\"id\":null,\"message\":\"Client "
                        "authenticate failed\"},\"jsonrpc\":\"2.0\",\"result\":null}");
    free(b);
    char *good = basic_header(cookie);
    expect_count_ok(v.port, good);
    cookie[strlen(cookie) - 1] ^= 1;
    char *bad = basic_header(cookie);
    ck_assert_int_eq(post10(v.port, bad, COUNT_REQ, NULL), 401);
    free(bad);

    /* a second server on the same port fails and leaves the running one's cookie alone */
    struct event_base *b2 = event_base_new();
    ela_rpc_table *t2 = ela_rpc_table_new(0);
    char other[512], err[256] = "";
    snprintf(other, sizeof other, "%s/other.cookie", tmpdir);
    ela_rpc_server_options o2 = {.bind = "127.0.0.1", .port = v.port, .cookie_path = path};
    ck_assert_ptr_null(ela_rpc_server_start(b2, t2, &o2, err, sizeof err));
    ck_assert_msg(strstr(err, "cannot listen"), "%s", err);
    o2.cookie_path = other;
    ck_assert_ptr_null(ela_rpc_server_start(b2, t2, &o2, err, sizeof err));
    ck_assert_int_ne(access(other, F_OK), 0);
    ela_rpc_table_free(t2);
    event_base_free(b2);
    expect_count_ok(v.port, good); /* same cookie still valid */
    free(good);

    server_stop(&v);
    ck_assert_msg(access(path, F_OK) != 0, "cookie not removed at stop");

    /* with a password, the cookie is not written and the password is required */
    server_start(&v, (ela_rpc_server_options){.cookie_path = path, .user = "u",
                                              .password = "p"});
    ck_assert_int_ne(access(path, F_OK), 0);
    ck_assert_int_eq(post10(v.port, NULL, COUNT_REQ, NULL), 401);
    good = basic_header("u:p");
    expect_count_ok(v.port, good);
    free(good);
    server_stop(&v);

    /* no cookie path and no password: open (-rpcnoauth) */
    server_start(&v, (ela_rpc_server_options){0});
    expect_count_ok(v.port, NULL);
    server_stop(&v);

    /* a cookie that cannot be written: the server does not start */
    snprintf(other, sizeof other, "%s/no/such/dir/.cookie", tmpdir);
    b2 = event_base_new();
    t2 = ela_rpc_table_new(0);
    ela_rpc_server_options o3 = {.bind = "127.0.0.1", .port = 0, .cookie_path = other};
    ck_assert_ptr_null(ela_rpc_server_start(b2, t2, &o3, err, sizeof err));
    ck_assert_msg(strstr(err, "cookie"), "%s", err);
    ela_rpc_table_free(t2);
    event_base_free(b2);
    remove_tmpdir();
}
END_TEST

/* ---- node methods without a chain ---------------------------------------------------------- */

static size_t two_peers(void *ctx) { return 2; }

START_TEST(node_methods)
{
    ela_node n;
    memset(&n, 0, sizeof n);
    ela_rpc_table *t = ela_rpc_table_new(ELA_RPC_LEVEL_CONFIGURATION);
    ela_rpc_node_register(t, &n);
    ela_rpc_reply r;
#define EXPECT(req_, want_)                                                                  \
    do {                                                                                     \
        ela_rpc_process(&r, t, req_, strlen(req_));                                          \
        ck_assert_msg(strcmp(r.body, want_) == 0, "%s:\n got  %s\n want %s", req_, r.body,   \
                      want_);                                                                \
        free(r.body);                                                                        \
    } while (0)
    EXPECT("{\"method\":\"getneighbors\",\"params\":[],\"id\":1}",
           "{\"jsonrpc\":\"2.0\",\"result\":[],\"id\":1,\"error\":null}");
    EXPECT("{\"method\":\"getconnectioncount\",\"params\":[],\"id\":1}",
           "{\"jsonrpc\":\"2.0\",\"result\":0,\"id\":1,\"error\":null}");
    n.net.connection_count = two_peers;
    EXPECT("{\"method\":\"getconnectioncount\",\"id\":1}",
           "{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":1,\"error\":null}");

    EXPECT("{\"method\":\"setloglevel\",\"params\":[3],\"id\":1}",
           "{\"jsonrpc\":\"2.0\",\"result\":\"log level has been set to 3\",\"id\":1,"
           "\"error\":null}");
    ck_assert(!ela_log_enabled(ELA_LOGC_NODE, ELA_LOG_WARN));
    ck_assert(ela_log_enabled(ELA_LOGC_NODE, ELA_LOG_ERROR));
    EXPECT("{\"method\":\"setloglevel\",\"params\":{\"level\":\"0\",\"category\":\"mempool\"},"
           "\"id\":1}",
           "{\"jsonrpc\":\"2.0\",\"result\":\"log level of mempool has been set to 0\",\"id\":1,"
           "\"error\":null}");
    ck_assert(ela_log_enabled(ELA_LOGC_MEMPOOL, ELA_LOG_DEBUG));
    ck_assert(!ela_log_enabled(ELA_LOGC_NODE, ELA_LOG_DEBUG));
    static const char *const bad[] = {
        "{\"method\":\"setloglevel\",\"params\":[6],\"id\":1}",
        "{\"method\":\"setloglevel\",\"params\":[-1],\"id\":1}",
        "{\"method\":\"setloglevel\",\"params\":{},\"id\":1}",
        "{\"method\":\"setloglevel\",\"params\":[true],\"id\":1}",
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(bad); i++)
        EXPECT(bad[i], "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,"
                       "\"id\":1,\"message\":\"level must be an integer in 0-5\"}}");
    EXPECT("{\"method\":\"setloglevel\",\"params\":{\"level\":1,\"category\":\"moon\"},\"id\":1}",
           "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42002,\"id\":1,"
           "\"message\":\"unknown log category\"}}");
    ela_rpc_table_free(t);

    /* ConfigurationPermitted gate: a node at MiningPermitted refuses setloglevel */
    t = ela_rpc_table_new(ELA_RPC_LEVEL_MINING);
    ela_rpc_node_register(t, &n);
    EXPECT("{\"method\":\"setloglevel\",\"params\":[1],\"id\":1}",
           "{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":1,\"error\":{\"code\":42001,\"id\":1,"
           "\"message\":\"requesting method if out of service level\"}}");
    EXPECT("{\"method\":\"getneighbors\",\"id\":1}",
           "{\"jsonrpc\":\"2.0\",\"result\":[],\"id\":1,\"error\":null}");
#undef EXPECT
    ela_rpc_table_free(t);
    ela_log_set_level(ELA_LOG_INFO);
}
END_TEST


/* Loads argv (NULL-terminated, program name first); returns success and the message. */
static bool load(ela_node_config *cfg, char *err, size_t errlen, const char *const *argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return ela_node_config_load(cfg, argc, (char *const *)argv, err, errlen);
}

START_TEST(config_defaults_and_flags)
{
    ela_node_config c;
    char err[512];
    const char *a0[] = {"elad", NULL};
    ck_assert_msg(load(&c, err, sizeof err, a0), "%s", err);
    ck_assert_int_eq(c.net, ELA_NET_REGNET);
    ck_assert_str_eq(c.datadir, "elastos");
    ck_assert_str_eq(c.chain_path, "elastos/data/chain-regnet");
    ck_assert_str_eq(c.log_path, "elastos/logs/node/elad.log");
    ck_assert(c.rpc_enabled);
    ck_assert_int_eq(c.rpc_port, 22336);
    ck_assert_str_eq(c.rpc_bind, "127.0.0.1");
    ck_assert_str_eq(c.rpc_user, "");
    ck_assert_int_eq(c.dbcache_mb, 450);
    ck_assert_int_eq(c.log_level, ELA_LOG_INFO);
    ck_assert_ptr_null(c.conf_path);
    ela_node_config_clear(&c);

    const char *a1[] = {"elad", "--mainnet", "-datadir=/x/y", "--rpcport", "1234", "-rpcbind",
                        "::1", "-reindex", "-instant", "-dbcache=100", "--logfile=-",
                        "-loglevel=warn,rpc=debug,net=0", "-rpcuser=u", "-rpcpassword", "p",
                        "-enablerpc=0", "-rpcallowip=10.1.2.3", NULL};
    ck_assert_msg(load(&c, err, sizeof err, a1), "%s", err);
    ck_assert_int_eq(c.net, ELA_NET_MAINNET);
    ck_assert_str_eq(c.chain_path, "/x/y/data/chain-mainnet");
    ck_assert_int_eq(c.rpc_port, 1234);
    ck_assert_str_eq(c.rpc_bind, "::1");
    ck_assert(c.reindex && c.params.instant_block && !c.rpc_enabled);
    ck_assert_uint_eq(c.params.pow_limit_bits, 0x207fffff);
    ck_assert_int_eq(c.dbcache_mb, 100);
    ck_assert_ptr_null(c.log_path);
    ck_assert_int_eq(c.log_level, ELA_LOG_WARN);
    ck_assert_int_eq(c.n_log_overrides, 2);
    ck_assert_int_eq(c.log_cat[0], ELA_LOGC_RPC);
    ck_assert_int_eq(c.log_cat_level[1], ELA_LOG_DEBUG);
    ck_assert_str_eq(c.rpc_user, "u");
    ck_assert_str_eq(c.rpc_password, "p");
    ck_assert_int_eq(c.n_rpc_allow, 1);
    ela_node_config_clear(&c);

    const char *a2[] = {"elad", "-testnet", "-rpcallowip=10.1.2.3", NULL};
    ck_assert_msg(load(&c, err, sizeof err, a2), "%s", err);
    ck_assert_int_eq(c.rpc_port, 21336);
    ck_assert_str_eq(c.rpc_bind, "0.0.0.0"); /* a remote client is allowed: listen widely */
    ela_node_config_clear(&c);

    const char *a3[] = {"elad", "-help", NULL};
    ck_assert(load(&c, err, sizeof err, a3) && c.help);
    ela_node_config_clear(&c);
}
END_TEST

START_TEST(config_bad_flags)
{
    static const struct {
        const char *argv[4];
        const char *needle;
    } cases[] = {
        {{"elad", "-frobnicate", NULL}, "unknown option -frobnicate"},
        {{"elad", "--rpcport=0", NULL}, "-rpcport"},
        {{"elad", "-rpcport=70000", NULL}, "-rpcport"},
        {{"elad", "-rpcport", NULL}, "needs a value"},
        {{"elad", "-dbcache=lots", NULL}, "-dbcache"},
        {{"elad", "-regnet", "-mainnet", NULL}, "exclusive"},
        {{"elad", "-reindex=maybe", NULL}, "-reindex"},
        {{"elad", "stray", NULL}, "unexpected argument"},
        {{"elad", "-printlevel=9", NULL}, "-printlevel"},
        {{"elad", "-loglevel=info,moon=debug", NULL}, "unknown category 'moon'"},
        {{"elad", "-loglevel=loud", NULL}, "unknown level 'loud'"},
        {{"elad", "-conf=/nonexistent/elad.json", NULL}, "/nonexistent/elad.json"},
        {{"elad", "-loadblock=/nonexistent/blocks", NULL}, "/nonexistent/blocks"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        ela_node_config c;
        char err[512] = "";
        ck_assert_msg(!load(&c, err, sizeof err, cases[i].argv), "case %zu accepted", i);
        ck_assert_msg(strstr(err, cases[i].needle), "case %zu: '%s' lacks '%s'", i, err,
                      cases[i].needle);
        ela_node_config_clear(&c);
    }
}
END_TEST

START_TEST(config_file)
{
    make_tmpdir();
    ela_node_config c;
    char err[512];

    const char *good = write_conf("good.json",
        "{\"Configuration\": {\n"
        "  \"ActiveNet\": \"testnet\",\n"
        "  \"datadir\": \"/srv/ela\",\n"
        "  \"HttpJsonPort\": 30000,\n"
        "  \"EnableRPC\": false,\n"
        "  \"PrintLevel\": 2,\n"
        "  \"RPCServiceLevel\": \"QueryOnly\",\n"
        "  \"RpcConfiguration\": {\"User\": \"alice\", \"Pass\": \"pw\",\n"
        "                         \"WhiteIPList\": [\"127.0.0.1\"]}\n"
        "}}\n");
    const char *a1[] = {"elad", "-conf", good, NULL};
    ck_assert_msg(load(&c, err, sizeof err, a1), "%s", err);
    ck_assert_int_eq(c.net, ELA_NET_TESTNET);
    ck_assert_str_eq(c.datadir, "/srv/ela");
    ck_assert_int_eq(c.rpc_port, 30000);
    ck_assert(!c.rpc_enabled);
    ck_assert_int_eq(c.log_level, ELA_LOG_WARN);
    ck_assert_int_eq(c.rpc_level, ELA_RPC_LEVEL_QUERY_ONLY);
    ck_assert_str_eq(c.rpc_user, "alice");
    ck_assert_str_eq(c.rpc_bind, "127.0.0.1"); /* only loopback listed */
    ela_node_config_clear(&c);

    /* flags win over the file */
    const char *a2[] = {"elad", "-conf", good, "-regnet", "-rpcport=4000", "-enablerpc",
                        "-datadir=d", "-printlevel=debug", NULL};
    ck_assert_msg(load(&c, err, sizeof err, a2), "%s", err);
    ck_assert_int_eq(c.net, ELA_NET_REGNET);
    ck_assert_int_eq(c.rpc_port, 4000);
    ck_assert(c.rpc_enabled);
    ck_assert_str_eq(c.chain_path, "d/data/chain-regnet");
    ck_assert_int_eq(c.log_level, ELA_LOG_DEBUG);
    ela_node_config_clear(&c);

    /* a file without ActiveNet runs regnet, not mainnet */
    const char *plain = write_conf("plain.json", "{\"Configuration\":{\"PrintLevel\":1}}");
    const char *a3[] = {"elad", "-conf", plain, NULL};
    ck_assert_msg(load(&c, err, sizeof err, a3), "%s", err);
    ck_assert_int_eq(c.net, ELA_NET_REGNET);
    ela_node_config_clear(&c);

    static const struct {
        const char *text;
        const char *needle;
    } bad[] = {
        {"{\"Configuration\": {\n  \"HttpJsonPort\": 22336,\n  oops\n}}", ":3:"},
        {"[1,2]", "expected a JSON object"},
        {"{\"Configuration\": 5}", "Configuration: expected an object"},
        {"{\"Configuration\": {\n\"EnableRPC\": \"yes\"}}",
         ":2: EnableRPC: expected true or false"},
        {"{\"Configuration\": {\"PrintLevel\": 9}}", "PrintLevel"},
        {"{\"Configuration\": {\"DataDir\": 5}}", "DataDir: expected a string"},
        {"{\"Configuration\": {\"RpcConfiguration\": {\"WhiteIPList\": [1]}}}", "WhiteIPList"},
        {"{\"Configuration\": {\"RpcConfiguration\": {\"User\": 1}}}", "RpcConfiguration.User"},
        {"{\"Configuration\": {\"ActiveNet\": \"moonnet\"}}", "ActiveNet"},
        {"{\"Configuration\": {\n\n\"HttpJsonPort\": \"x\"}}", ":3: HttpJsonPort"},
        {"{\"Configuration\": {\"PowConfiguration\": {\n\"InstantBlock\": 1}}}",
         "InstantBlock"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(bad); i++) {
        const char *path = write_conf("bad.json", bad[i].text);
        const char *av[] = {"elad", "-conf", path, NULL};
        ck_assert_msg(!load(&c, err, sizeof err, av), "bad config %zu accepted", i);
        ck_assert_msg(strstr(err, path) && strstr(err, bad[i].needle),
                      "bad config %zu: '%s' lacks the path or '%s'", i, err, bad[i].needle);
        ck_assert_msg(!strchr(err, '\n'), "bad config %zu: message is not one line", i);
        ela_node_config_clear(&c);
    }
    remove_tmpdir();
}
END_TEST

START_TEST(config_new_options)
{
    ela_node_config c;
    char err[512];
    const char *a0[] = {"elad", NULL};
    ck_assert_msg(load(&c, err, sizeof err, a0), "%s", err);
    ck_assert_str_eq(c.rpc_cookie_path, "elastos/.cookie");
    ck_assert(!c.rpc_no_auth);
    ck_assert_uint_eq(c.rpc_max_clients, 64);
    ck_assert_uint_eq(c.rpc_timeout, 30);
    ck_assert(!c.has_payto && !c.auto_mining);
    ck_assert_str_eq(c.miner_info, "");
    ck_assert_uint_eq(c.mempool_max_bytes, 20000000u);
    ck_assert_int_eq(c.mempool_expiry, 336 * 3600);
    ck_assert(c.persist_mempool);
    ck_assert_str_eq(c.mempool_path, "elastos/data/mempool-regnet.dat");
    ck_assert_ptr_null(c.active_net);
    ela_node_config_clear(&c);

    static const char ADDR[] = "Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj";
    ela_uint168 want;
    ck_assert(ela_address_to_program_hash(&want, ADDR));
    const char *a1[] = {"elad", "-testnet", "-datadir=/v", "-rpccookiefile=/run/ela.cookie",
                        "-rpcnoauth", "-rpcmaxclients=5", "--rpctimeout", "7", "-paytoaddr",
                        ADDR, "-minerinfo=hello pool", "-automining", "-maxmempool=300",
                        "-mempoolexpiry=2", "-persistmempool=0", NULL};
    ck_assert_msg(load(&c, err, sizeof err, a1), "%s", err);
    ck_assert_str_eq(c.rpc_cookie_path, "/run/ela.cookie");
    ck_assert(c.rpc_no_auth);
    ck_assert_uint_eq(c.rpc_max_clients, 5);
    ck_assert_uint_eq(c.rpc_timeout, 7);
    ck_assert(c.has_payto && memcmp(&c.payto, &want, sizeof want) == 0);
    ck_assert_str_eq(c.miner_info, "hello pool");
    ck_assert(c.auto_mining);
    ck_assert_uint_eq(c.mempool_max_bytes, 300000000u);
    ck_assert_int_eq(c.mempool_expiry, 7200);
    ck_assert(!c.persist_mempool);
    ck_assert_str_eq(c.mempool_path, "/v/data/mempool-testnet.dat");
    ela_node_config_clear(&c);

    /* -rpcnoauth with an explicit loopback bind, and -automining=0 */
    const char *a2[] = {"elad", "-rpcnoauth", "-rpcbind=::1", "-automining=0",
                        "-persistmempool", NULL};
    ck_assert_msg(load(&c, err, sizeof err, a2), "%s", err);
    ck_assert(c.rpc_no_auth && !c.auto_mining && c.persist_mempool);
    ela_node_config_clear(&c);
    /* with RPC disabled, -rpcnoauth on any bind is harmless */
    const char *a3[] = {"elad", "-rpcnoauth", "-rpcbind=0.0.0.0", "-enablerpc=0", NULL};
    ck_assert_msg(load(&c, err, sizeof err, a3), "%s", err);
    ela_node_config_clear(&c);
    /* a non-loopback bind with the cookie (no -rpcnoauth) is fine */
    const char *a4[] = {"elad", "-rpcbind=0.0.0.0", NULL};
    ck_assert_msg(load(&c, err, sizeof err, a4), "%s", err);
    ela_node_config_clear(&c);
}
END_TEST

START_TEST(config_new_bad_options)
{
    static const struct {
        const char *argv[5];
        const char *needle;
    } cases[] = {
        {{"elad", "-rpcmaxclients=0", NULL}, "-rpcmaxclients"},
        {{"elad", "-rpcmaxclients=5000", NULL}, "-rpcmaxclients"},
        {{"elad", "-rpctimeout=x", NULL}, "-rpctimeout"},
        {{"elad", "-rpctimeout=0", NULL}, "-rpctimeout"},
        {{"elad", "-rpccookiefile=", NULL}, "-rpccookiefile"},
        {{"elad", "-rpcnoauth=perhaps", NULL}, "-rpcnoauth"},
        {{"elad", "-paytoaddr=bogus", NULL}, "-paytoaddr: 'bogus'"},
        {{"elad", "-paytoaddr=Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvJ", NULL}, "-paytoaddr"},
        {{"elad", "-maxmempool=0", NULL}, "-maxmempool"},
        {{"elad", "-maxmempool=-3", NULL}, "-maxmempool"},
        {{"elad", "-mempoolexpiry=0", NULL}, "-mempoolexpiry"},
        {{"elad", "-mempoolexpiry=1h", NULL}, "-mempoolexpiry"},
        {{"elad", "-persistmempool=2", NULL}, "-persistmempool"},
        {{"elad", "-automining", NULL}, "PayToAddr"},
        {{"elad", "-rpcnoauth", "-rpcbind=0.0.0.0", NULL}, "loopback"},
        {{"elad", "-rpcnoauth", "-rpcallowip=10.1.2.3", NULL}, "loopback"},
        {{"elad", "-rpcnoauth", "-rpcpassword=p", NULL}, "contradicts"},
        {{"elad", "-rpcnoauth", "-rpcuser=u", NULL}, "contradicts"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++) {
        ela_node_config c;
        char err[512] = "";
        ck_assert_msg(!load(&c, err, sizeof err, cases[i].argv), "case %zu accepted", i);
        ck_assert_msg(strstr(err, cases[i].needle), "case %zu: '%s' lacks '%s'", i, err,
                      cases[i].needle);
        ck_assert_msg(!strchr(err, '\n'), "case %zu: message is not one line", i);
        ela_node_config_clear(&c);
    }
}
END_TEST

START_TEST(config_file_mining)
{
    make_tmpdir();
    ela_node_config c;
    char err[512];
    const char *good = write_conf("pow.json",
        "{\"Configuration\": {\"ActiveNet\": \"TestNet\", \"DisableDNS\": true,\n"
        "  \"PowConfiguration\": {\"PayToAddr\": \"Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj\",\n"
        "    \"MinerInfo\": \"ELA\", \"AutoMining\": true, \"MinTxFee\": 100}}}\n");
    const char *a1[] = {"elad", "-conf", good, NULL};
    ck_assert_msg(load(&c, err, sizeof err, a1), "%s", err);
    ck_assert_int_eq(c.net, ELA_NET_TESTNET);
    ck_assert_str_eq(c.active_net, "TestNet"); /* verbatim */
    ck_assert(c.has_payto && c.auto_mining);
    ck_assert_str_eq(c.miner_info, "ELA");
    ela_node_config_clear(&c);
    /* flags win */
    const char *a2[] = {"elad", "-conf", good, "-minerinfo=", "-automining=0", "-regnet", NULL};
    ck_assert_msg(load(&c, err, sizeof err, a2), "%s", err);
    ck_assert_str_eq(c.miner_info, "");
    ck_assert(!c.auto_mining && c.has_payto);
    ck_assert_int_eq(c.net, ELA_NET_REGNET);
    ck_assert_str_eq(c.active_net, "TestNet");
    ela_node_config_clear(&c);
    /* an empty PayToAddr is the reference's default: no address */
    const char *empty = write_conf("empty.json",
        "{\"Configuration\": {\"PowConfiguration\": {\"PayToAddr\": \"\"}}}");
    const char *a3[] = {"elad", "-conf", empty, NULL};
    ck_assert_msg(load(&c, err, sizeof err, a3), "%s", err);
    ck_assert(!c.has_payto);
    ela_node_config_clear(&c);

    static const struct {
        const char *text;
        const char *needle;
    } bad[] = {
        {"{\"Configuration\": {\"PowConfiguration\": {\n\"PayToAddr\": \"nope\"}}}",
         ":2: PowConfiguration.PayToAddr: 'nope' is not a valid address"},
        {"{\"Configuration\": {\"PowConfiguration\": {\"PayToAddr\": 5}}}",
         "PowConfiguration.PayToAddr: expected a string"},
        {"{\"Configuration\": {\"PowConfiguration\": {\"MinerInfo\": [1]}}}",
         "PowConfiguration.MinerInfo: expected a string"},
        {"{\"Configuration\": {\"PowConfiguration\": {\"AutoMining\": \"yes\"}}}",
         "PowConfiguration.AutoMining: expected true or false"},
        {"{\"Configuration\": {\"PowConfiguration\": {\"AutoMining\": true}}}", "PayToAddr"},
        {"{\"Configuration\": {\"PowConfiguration\": 3}}", "PowConfiguration"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(bad); i++) {
        const char *path = write_conf("bad.json", bad[i].text);
        const char *av[] = {"elad", "-conf", path, NULL};
        ck_assert_msg(!load(&c, err, sizeof err, av), "bad config %zu accepted", i);
        ck_assert_msg(strstr(err, bad[i].needle), "bad config %zu: '%s' lacks '%s'", i, err,
                      bad[i].needle);
        ela_node_config_clear(&c);
    }
    remove_tmpdir();
}
END_TEST

/* Every config of the reference node's test network loads (vectors/refnode/configs). */
START_TEST(config_reference_files)
{
    static const char *const NAMES[] = {"arbiter", "node1", "node2", "node3", "node4"};
    for (size_t i = 0; i < ELA_ARRAY_LEN(NAMES); i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/refnode/configs/%s.config.json", ela_test_vectors_dir(),
                 NAMES[i]);
        ela_node_config c;
        char err[512] = "";
        const char *av[] = {"elad", "-conf", path, NULL};
        ck_assert_msg(load(&c, err, sizeof err, av), "%s: %s", NAMES[i], err);
        ck_assert_int_eq(c.net, ELA_NET_REGNET);
        ck_assert_str_eq(c.active_net, "regnet");
        ela_node_config_clear(&c);
    }
    /* node1 in detail: PayToAddr, MinerInfo, no password (so the cookie) */
    char path[1024];
    snprintf(path, sizeof path, "%s/refnode/configs/node1.config.json", ela_test_vectors_dir());
    ela_node_config c;
    char err[512] = "";
    const char *av[] = {"elad", "-conf", path, NULL};
    ck_assert_msg(load(&c, err, sizeof err, av), "%s", err);
    ela_uint168 want;
    ck_assert(ela_address_to_program_hash(&want, "Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj"));
    ck_assert(c.has_payto && memcmp(&c.payto, &want, sizeof want) == 0);
    ck_assert_str_eq(c.miner_info, "ELA");
    ck_assert(!c.auto_mining && !c.rpc_no_auth);
    ck_assert_str_eq(c.rpc_password, "");
    ela_node_config_clear(&c);
}
END_TEST

static Suite *rpc_suite(void)
{
    Suite *s = suite_create("rpc");
    TCase *tc = tcase_create("envelope");
    tcase_add_test(tc, envelope_matches_reference_bytes);
    tcase_add_test(tc, ids_echo_as_go_decodes_them);
    tcase_add_test(tc, dispatch_errors);
    tcase_add_test(tc, positional_and_named_params);
    tcase_add_test(tc, go_syntax_error_messages);
    tcase_add_test(tc, go_type_errors);
    tcase_add_test(tc, after_reply_hook_is_returned);
    tcase_add_test(tc, param_coercion);
    tcase_add_test(tc, transport_rules);
    suite_add_tcase(s, tc);
    TCase *tcfg = tcase_create("config");
    tcase_add_test(tcfg, config_defaults_and_flags);
    tcase_add_test(tcfg, config_bad_flags);
    tcase_add_test(tcfg, config_file);
    tcase_add_test(tcfg, config_new_options);
    tcase_add_test(tcfg, config_new_bad_options);
    tcase_add_test(tcfg, config_file_mining);
    suite_add_tcase(s, tcfg);
    if (ela_test_have_vectors("rpc: reference configs")) {
        TCase *tv = tcase_create("reference configs");
        tcase_add_test(tv, config_reference_files);
        suite_add_tcase(s, tv);
    }
    TCase *tsrv = tcase_create("server");
    tcase_set_timeout(tsrv, 120);
    tcase_add_test(tsrv, server_http10_and_keepalive);
    tcase_add_test(tsrv, server_slow_client_does_not_block_others);
    tcase_add_test(tsrv, server_timeout_closes_stalled_clients);
    tcase_add_test(tsrv, server_max_clients);
    tcase_add_test(tsrv, server_size_limits);
    tcase_add_test(tsrv, server_cookie_auth);
    tcase_add_test(tsrv, node_methods);
    suite_add_tcase(s, tsrv);
    return s;
}

int main(void)
{
    return ela_test_run(rpc_suite());
}
