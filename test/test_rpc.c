/* elad tests: the JSON-RPC envelope, parameter coercion and transport rules (src/rpc/rpc.c),
 * and the node options (src/node/config.c). No sockets and no chain: the methods here are test
 * methods registered in a table, which is what the envelope dispatches to. */
#include "testutil.h"

#include "node/config.h"
#include "rpc/rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    suite_add_tcase(s, tcfg);
    return s;
}

int main(void)
{
    return ela_test_run(rpc_suite());
}
