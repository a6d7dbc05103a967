/* elad: the JSON-RPC server (see rpc.h and spec/p2p-rpc.md §10). */
#include "rpc/rpc.h"

#include <ela/hash.h>
#include <ela/json.h>
#include <ela/log.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/util.h>

#include <openssl/rand.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ---- error texts ------------------------------------------------------------------------- */

static const struct {
    int code;
    const char *text;
} ERROR_TEXTS[] = {
    {-1, "Unclassified error"},
    {0, "Success"},
    {41001, "Session expired"},
    {41003, "Illegal Dataformat"},
    {41004, "pow service not started"},
    {42001, "Invalid method"},
    {42002, "Invalid Params"},
    {42003, "Verify token error"},
    {43001, "Invalid transaction"},
    {43002, "Invalid asset"},
    {44001, "Unknown BaseTransaction"},
    {44002, "Unknown asset"},
    {44003, "Unknown Block"},
    {44004, "Unknown Confirm"},
    {45002, "Internal error"},
    {45003, "INTERNAL ERROR, ErrInvalidInput"},
    {45004, "INTERNAL ERROR, ErrInvalidOutput"},
    {45005, "INTERNAL ERROR, ErrAssetPrecision"},
    {45006, "INTERNAL ERROR, ErrTransactionBalance"},
    {45007, "INTERNAL ERROR, ErrAttributeProgram"},
    {45008, "INTERNAL ERROR, ErrTransactionSignature"},
    {45009, "INTERNAL ERROR, ErrTransactionPayload"},
    {45010, "INTERNAL ERROR, ErrDoubleSpend"},
    {45011, "INTERNAL ERROR, ErrTransactionDuplicate"},
    {45012, "INTERNAL ERROR, ErrSidechainTxDuplicate"},
    {45014, "INTERNAL ERROR, ErrXmitFail"},
    {45015, "INTERNAL ERROR, ErrTransactionSize"},
    {45016, "INTERNAL ERROR, ErrUnknownReferredTx"},
    {45018, "INTERNAL ERROR, ErrIneffectiveCoinbase"},
    {45019, "Error utxo locked"},
    {45020, "Error sidechain pow consensus"},
    {45021, "Error return deposit consensus"},
    {45022, "Error producer processing"},
    {45023, "Error producer node processing"},
    {45024, "Error transactions size of transaction pool"},
    {45025, "Error CR processing"},
    {45026, "Error height version of transaction"},
};

const char *ela_rpc_error_text(int code)
{
    for (size_t i = 0; i < ELA_ARRAY_LEN(ERROR_TEXTS); i++)
        if (ERROR_TEXTS[i].code == code)
            return ERROR_TEXTS[i].text;
    return "";
}

ela_rpc_level ela_rpc_level_from_string(const char *s)
{
    static const char *const NAMES[] = {"ConfigurationPermitted", "MiningPermitted",
                                        "TransactionPermitted", "WalletPermitted", "QueryOnly"};
    for (size_t i = 0; s && i < ELA_ARRAY_LEN(NAMES); i++)
        if (strcmp(s, NAMES[i]) == 0)
            return (ela_rpc_level)i;
    return ELA_RPC_LEVEL_CONFIGURATION;
}

json_t *ela_rpc_fail(ela_rpc_call *call, int code, const char *fmt, ...)
{
    call->code = code;
    if (!fmt || !*fmt) {
        snprintf(call->message, sizeof call->message, "%s", ela_rpc_error_text(code));
        return NULL;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(call->message, sizeof call->message, fmt, ap);
    va_end(ap);
    if (!call->message[0]) /* a message that formats to "" gets the default, as ResponsePack */
        snprintf(call->message, sizeof call->message, "%s", ela_rpc_error_text(code));
    return NULL;
}

static json_t *checked(json_t *j)
{
    if (!j)
        abort(); /* jansson allocation failure: memory exhaustion, as ela_xmalloc */
    return j;
}

/* ---- method table ------------------------------------------------------------------------ */

typedef struct entry {
    const ela_rpc_method *m;
    void *ctx;
} entry;

struct ela_rpc_table {
    entry *v;
    size_t n, cap;
    int level;
};

ela_rpc_table *ela_rpc_table_new(int level)
{
    ela_rpc_table *t = ela_xcalloc(1, sizeof *t);
    t->level = level;
    return t;
}

void ela_rpc_table_free(ela_rpc_table *t)
{
    if (!t)
        return;
    free(t->v);
    free(t);
}

void ela_rpc_table_add(ela_rpc_table *t, const ela_rpc_method *methods, size_t n, void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        size_t k;
        for (k = 0; k < t->n; k++)
            if (strcmp(t->v[k].m->name, methods[i].name) == 0)
                break;
        if (k == t->n) {
            if (t->n == t->cap) {
                t->cap = t->cap ? 2 * t->cap : 32;
                t->v = ela_xrealloc(t->v, t->cap * sizeof *t->v);
            }
            t->n++;
        }
        t->v[k].m = &methods[i];
        t->v[k].ctx = ctx;
    }
}

static const entry *table_find(const ela_rpc_table *t, const char *name, size_t len)
{
    for (size_t i = 0; i < t->n; i++) {
        const char *m = t->v[i].m->name;
        if (strlen(m) == len && memcmp(m, name, len) == 0)
            return &t->v[i];
    }
    return NULL;
}

/* ---- parameters ---------------------------------------------------------------------------- */

/* Go converts float64 to an integer type with CVTTSD2SQ on amd64: the value truncated to int64,
 * and 0x8000000000000000 when it does not fit. The narrower types keep the low bits. */
static int64_t go_float_to_int64(double v)
{
    if (!(v > -9223372036854775808.0 - 1.0 && v < 9223372036854775808.0))
        return INT64_MIN;
    return (int64_t)v;
}

/* strconv.ParseUint(s, 10, 64): digits only, no sign, no spaces, no overflow. */
static bool go_parse_uint64(uint64_t *out, const char *s, size_t len)
{
    if (len == 0)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* strconv.ParseInt(s, 10, 64): an optional '+' or '-', then as ParseUint within int64. */
static bool go_parse_int64(int64_t *out, const char *s, size_t len)
{
    bool neg = false;
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++;
        len--;
    }
    uint64_t u;
    if (!go_parse_uint64(&u, s, len))
        return false;
    if (neg) {
        if (u > (uint64_t)INT64_MAX + 1)
            return false;
        *out = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
    } else {
        if (u > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)u;
    }
    return true;
}

bool ela_rpc_param_uint(uint32_t *out, const json_t *params, const char *name)
{
    const json_t *v = params ? json_object_get(params, name) : NULL;
    if (!v)
        return false;
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d < 0)
            return false;
        *out = (uint32_t)(uint64_t)go_float_to_int64(d);
        return true;
    }
    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0)
            return false;
        *out = (uint32_t)json_integer_value(v);
        return true;
    }
    if (json_is_string(v)) {
        uint64_t u;
        if (!go_parse_uint64(&u, json_string_value(v), json_string_length(v)))
            return false;
        *out = (uint32_t)u;
        return true;
    }
    return false;
}

bool ela_rpc_param_int(int64_t *out, const json_t *params, const char *name)
{
    const json_t *v = params ? json_object_get(params, name) : NULL;
    if (!v)
        return false;
    if (json_is_real(v)) {
        *out = go_float_to_int64(json_real_value(v));
        return true;
    }
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    if (json_is_string(v))
        return go_parse_int64(out, json_string_value(v), json_string_length(v));
    return false;
}

bool ela_rpc_param_string(const char **out, const json_t *params, const char *name)
{
    const json_t *v = params ? json_object_get(params, name) : NULL;
    if (!v || !json_is_string(v))
        return false;
    *out = json_string_value(v);
    return true;
}

bool ela_rpc_param_bool(bool *out, const json_t *params, const char *name)
{
    const json_t *v = params ? json_object_get(params, name) : NULL;
    if (!v || !json_is_boolean(v))
        return false;
    *out = json_is_true(v);
    return true;
}

/* ---- Go's JSON syntax check ----------------------------------------------------------------
 *
 * The reference answers a body that is not JSON with the message of Go's scanner
 * (encoding/json/scanner.go), which validates the whole input before decoding. This is the same
 * state machine, so that a client sees the same text ("invalid character 'o' in literal null
 * (expecting 'u')", "unexpected end of JSON input"...). */

typedef enum scan_state {
    S_BEGIN_VALUE, S_BEGIN_VALUE_OR_EMPTY, S_BEGIN_STRING_OR_EMPTY, S_BEGIN_STRING,
    S_END_VALUE, S_END_TOP, S_IN_STRING, S_IN_STRING_ESC, S_ESC_U, S_ESC_U1, S_ESC_U12,
    S_ESC_U123, S_NEG, S_ONE, S_ZERO, S_DOT, S_DOT0, S_E, S_ESIGN, S_E0,
    S_T, S_TR, S_TRU, S_F, S_FA, S_FAL, S_FALS, S_N, S_NU, S_NUL,
} scan_state;

enum { P_OBJECT_KEY, P_OBJECT_VALUE, P_ARRAY_VALUE };

/* Go's maxNestingDepth. */
#define GO_MAX_DEPTH 10000

typedef struct scanner {
    scan_state step;
    uint8_t *stack;
    size_t depth, cap;
    bool end_top;
    bool failed;
    char err[192];
} scanner;

static bool is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static bool is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Go's quoteChar: the byte as a one-character Go-quoted string in single quotes. The byte is
 * taken as the code point of the same value (Go's string(c) on a byte), so 0xff shows as 'ÿ'. */
static void quote_char(char *out, size_t outlen, uint8_t c)
{
    if (c == '\'') {
        snprintf(out, outlen, "'\\''");
    } else if (c == '"') {
        snprintf(out, outlen, "'\"'");
    } else if (c == '\\') {
        snprintf(out, outlen, "'\\\\'");
    } else if (c >= 0x20 && c < 0x7f) {
        snprintf(out, outlen, "'%c'", c);
    } else if (c == 0x07 || c == 0x08 || c == 0x0c || c == 0x0a || c == 0x0d || c == 0x09 ||
               c == 0x0b) {
        static const char ESC[] = "\a\b\f\n\r\t\v";
        static const char NAME[] = "abfnrtv";
        snprintf(out, outlen, "'\\%c'", NAME[strchr(ESC, c) - ESC]);
    } else if (c < 0x20 || c == 0x7f) {
        snprintf(out, outlen, "'\\x%02x'", c);
    } else if (c < 0xa0 || c == 0xad) {
        /* C1 controls, NBSP and the soft hyphen are not printable for strconv.Quote */
        snprintf(out, outlen, "'\\u%04x'", c);
    } else {
        snprintf(out, outlen, "'%c%c'", 0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    }
}

static bool scan_error(scanner *s, uint8_t c, const char *context)
{
    char q[16];
    quote_char(q, sizeof q, c);
    snprintf(s->err, sizeof s->err, "invalid character %s %s", q, context);
    s->failed = true;
    return false;
}

static bool scan_push(scanner *s, uint8_t kind)
{
    if (s->depth == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->stack = ela_xrealloc(s->stack, s->cap);
    }
    s->stack[s->depth++] = kind;
    if (s->depth > GO_MAX_DEPTH) {
        snprintf(s->err, sizeof s->err, "exceeded max depth");
        s->failed = true;
        return false;
    }
    return true;
}

static void scan_pop(scanner *s)
{
    s->depth--;
    if (s->depth == 0) {
        s->step = S_END_TOP;
        s->end_top = true;
    } else {
        s->step = S_END_VALUE;
    }
}

/* One byte through the state machine; false on a syntax error (s->err set). */
static bool scan_step(scanner *s, uint8_t c)
{
    for (;;) {
        switch (s->step) {
        case S_BEGIN_VALUE_OR_EMPTY:
            if (is_space(c))
                return true;
            if (c == ']') {
                s->step = S_END_VALUE;
                continue;
            }
            s->step = S_BEGIN_VALUE;
            continue;
        case S_BEGIN_VALUE:
            if (is_space(c))
                return true;
            switch (c) {
            case '{':
                s->step = S_BEGIN_STRING_OR_EMPTY;
                return scan_push(s, P_OBJECT_KEY);
            case '[':
                s->step = S_BEGIN_VALUE_OR_EMPTY;
                return scan_push(s, P_ARRAY_VALUE);
            case '"': s->step = S_IN_STRING; return true;
            case '-': s->step = S_NEG; return true;
            case '0': s->step = S_ZERO; return true;
            case 't': s->step = S_T; return true;
            case 'f': s->step = S_F; return true;
            case 'n': s->step = S_N; return true;
            default:
                if (c >= '1' && c <= '9') {
                    s->step = S_ONE;
                    return true;
                }
                return scan_error(s, c, "looking for beginning of value");
            }
        case S_BEGIN_STRING_OR_EMPTY:
            if (is_space(c))
                return true;
            if (c == '}') {
                s->stack[s->depth - 1] = P_OBJECT_VALUE;
                s->step = S_END_VALUE;
                continue;
            }
            s->step = S_BEGIN_STRING;
            continue;
        case S_BEGIN_STRING:
            if (is_space(c))
                return true;
            if (c == '"') {
                s->step = S_IN_STRING;
                return true;
            }
            return scan_error(s, c, "looking for beginning of object key string");
        case S_END_VALUE:
            if (s->depth == 0) {
                s->step = S_END_TOP;
                s->end_top = true;
                continue;
            }
            if (is_space(c))
                return true;
            switch (s->stack[s->depth - 1]) {
            case P_OBJECT_KEY:
                if (c == ':') {
                    s->stack[s->depth - 1] = P_OBJECT_VALUE;
                    s->step = S_BEGIN_VALUE;
                    return true;
                }
                return scan_error(s, c, "after object key");
            case P_OBJECT_VALUE:
                if (c == ',') {
                    s->stack[s->depth - 1] = P_OBJECT_KEY;
                    s->step = S_BEGIN_STRING;
                    return true;
                }
                if (c == '}') {
                    scan_pop(s);
                    return true;
                }
                return scan_error(s, c, "after object key:value pair");
            default:
                if (c == ',') {
                    s->step = S_BEGIN_VALUE;
                    return true;
                }
                if (c == ']') {
                    scan_pop(s);
                    return true;
                }
                return scan_error(s, c, "after array element");
            }
        case S_END_TOP:
            if (!is_space(c))
                return scan_error(s, c, "after top-level value");
            return true;
        case S_IN_STRING:
            if (c == '"') {
                s->step = S_END_VALUE;
                return true;
            }
            if (c == '\\') {
                s->step = S_IN_STRING_ESC;
                return true;
            }
            if (c < 0x20)
                return scan_error(s, c, "in string literal");
            return true;
        case S_IN_STRING_ESC:
            if (strchr("bfnrt\\/\"", c) && c) {
                s->step = S_IN_STRING;
                return true;
            }
            if (c == 'u') {
                s->step = S_ESC_U;
                return true;
            }
            return scan_error(s, c, "in string escape code");
        case S_ESC_U:
        case S_ESC_U1:
        case S_ESC_U12:
        case S_ESC_U123:
            if (!is_hex(c))
                return scan_error(s, c, "in \\u hexadecimal character escape");
            s->step = s->step == S_ESC_U123 ? S_IN_STRING : (scan_state)(s->step + 1);
            return true;
        case S_NEG:
            if (c == '0') {
                s->step = S_ZERO;
                return true;
            }
            if (c >= '1' && c <= '9') {
                s->step = S_ONE;
                return true;
            }
            return scan_error(s, c, "in numeric literal");
        case S_ONE:
            if (c >= '0' && c <= '9')
                return true;
            s->step = S_ZERO;
            continue;
        case S_ZERO:
            if (c == '.') {
                s->step = S_DOT;
                return true;
            }
            if (c == 'e' || c == 'E') {
                s->step = S_E;
                return true;
            }
            s->step = S_END_VALUE;
            continue;
        case S_DOT:
            if (c >= '0' && c <= '9') {
                s->step = S_DOT0;
                return true;
            }
            return scan_error(s, c, "after decimal point in numeric literal");
        case S_DOT0:
            if (c >= '0' && c <= '9')
                return true;
            if (c == 'e' || c == 'E') {
                s->step = S_E;
                return true;
            }
            s->step = S_END_VALUE;
            continue;
        case S_E:
            if (c == '+' || c == '-') {
                s->step = S_ESIGN;
                return true;
            }
            s->step = S_ESIGN;
            continue;
        case S_ESIGN:
            if (c >= '0' && c <= '9') {
                s->step = S_E0;
                return true;
            }
            return scan_error(s, c, "in exponent of numeric literal");
        case S_E0:
            if (c >= '0' && c <= '9')
                return true;
            s->step = S_END_VALUE;
            continue;
        default: {
            /* the letters of true, false and null */
            static const struct {
                scan_state st;
                char want;
                const char *msg;
            } LIT[] = {
                {S_T, 'r', "in literal true (expecting 'r')"},
                {S_TR, 'u', "in literal true (expecting 'u')"},
                {S_TRU, 'e', "in literal true (expecting 'e')"},
                {S_F, 'a', "in literal false (expecting 'a')"},
                {S_FA, 'l', "in literal false (expecting 'l')"},
                {S_FAL, 's', "in literal false (expecting 's')"},
                {S_FALS, 'e', "in literal false (expecting 'e')"},
                {S_N, 'u', "in literal null (expecting 'u')"},
                {S_NU, 'l', "in literal null (expecting 'l')"},
                {S_NUL, 'l', "in literal null (expecting 'l')"},
            };
            for (size_t i = 0; i < ELA_ARRAY_LEN(LIT); i++) {
                if (LIT[i].st != s->step)
                    continue;
                if (c != (uint8_t)LIT[i].want)
                    return scan_error(s, c, LIT[i].msg);
                bool last = s->step == S_TRU || s->step == S_FALS || s->step == S_NUL;
                s->step = last ? S_END_VALUE : (scan_state)(s->step + 1);
                return true;
            }
            abort(); /* unreachable: every state is handled */
        }
        }
    }
}

/* checkValid: the whole input, then the end-of-input rule (a space is fed so that a trailing
 * number or literal ends, or reports what it expected). */
static bool go_json_check(const uint8_t *p, size_t len, char *err, size_t errlen)
{
    scanner s = {.step = S_BEGIN_VALUE};
    bool ok = true;
    for (size_t i = 0; i < len && ok; i++)
        ok = scan_step(&s, p[i]);
    if (ok && !s.end_top) {
        ok = scan_step(&s, ' ');
        if (ok && !s.end_top) {
            snprintf(s.err, sizeof s.err, "unexpected end of JSON input");
            ok = false;
        }
    }
    if (!ok)
        snprintf(err, errlen, "%s", s.err);
    free(s.stack);
    return ok;
}

/* ---- Go's string decoding ------------------------------------------------------------------ */


static unsigned hex4(const uint8_t *p)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t c = p[i];
        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/* Rewrites syntactically valid JSON so that jansson decodes it to the values Go's decoder
 * produces: inside strings every byte that does not start valid UTF-8 becomes U+FFFD, and a
 * \u escape of a surrogate that is not a high-low pair becomes \ufffd. Returns a heap copy
 * (length in *outlen) the caller frees. */
static char *go_json_sanitize(const uint8_t *p, size_t len, size_t *outlen)
{
    char *out = ela_xmalloc(len * 3 + 1);
    size_t o = 0;
    bool in_string = false;
    for (size_t i = 0; i < len;) {
        uint8_t c = p[i];
        if (!in_string) {
            if (c == '"')
                in_string = true;
            out[o++] = (char)c;
            i++;
            continue;
        }
        if (c == '"') {
            in_string = false;
            out[o++] = '"';
            i++;
        } else if (c == '\\' && p[i + 1] == 'u') {
            /* the scanner guaranteed four hex digits */
            unsigned u = hex4(p + i + 2);
            if (u >= 0xd800 && u < 0xdc00 && i + 12 <= len && p[i + 6] == '\\' &&
                p[i + 7] == 'u' && is_hex(p[i + 8]) && is_hex(p[i + 9]) && is_hex(p[i + 10]) &&
                is_hex(p[i + 11]) && hex4(p + i + 8) >= 0xdc00 && hex4(p + i + 8) < 0xe000) {
                memcpy(out + o, p + i, 12);
                o += 12;
                i += 12;
            } else if (u >= 0xd800 && u < 0xe000) {
                memcpy(out + o, "\\ufffd", 6);
                o += 6;
                i += 6;
            } else {
                memcpy(out + o, p + i, 6);
                o += 6;
                i += 6;
            }
        } else if (c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)p[i + 1];
            i += 2;
        } else {
            size_t n = ela_utf8_seq_len(p + i, len - i);
            if (n == 0) {
                memcpy(out + o, "\xef\xbf\xbd", 3);
                o += 3;
                i++;
            } else {
                memcpy(out + o, p + i, n);
                o += n;
                i += n;
            }
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* A deep copy of a decoded value as Go would marshal it back: Go decodes objects into maps,
 * and marshals map keys sorted (byte order, which strcmp gives). */
static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *go_copy(const json_t *v)
{
    if (json_is_object(v)) {
        size_t n = json_object_size(v), i = 0;
        const char **keys = ela_xmalloc((n ? n : 1) * sizeof *keys);
        const char *k;
        json_t *val;
        json_object_foreach((json_t *)v, k, val)
            keys[i++] = k;
        qsort(keys, n, sizeof *keys, key_cmp);
        json_t *o = checked(json_object());
        for (i = 0; i < n; i++)
            json_object_set_new(o, keys[i], go_copy(json_object_get(v, keys[i])));
        free(keys);
        return o;
    }
    if (json_is_array(v)) {
        json_t *a = checked(json_array());
        for (size_t i = 0; i < json_array_size(v); i++)
            json_array_append_new(a, go_copy(json_array_get(v, i)));
        return a;
    }
    return checked(json_deep_copy(v));
}

/* ---- envelope -------------------------------------------------------------------------------- */

/* A request decoded as Go decodes into the reference's Request struct. */
typedef struct request {
    const json_t *method; /* a string, or NULL */
    const json_t *id;     /* NULL: absent or null */
    const json_t *params; /* NULL: absent or null */
} request;

/* Go's case-insensitive match of an object key against a struct field name: ASCII letters in
 * either case, and the two non-ASCII runes that fold to ASCII (U+017F for 's', U+212A for 'k'). */
static bool go_key_match(const char *key, size_t klen, const char *field)
{
    size_t i = 0;
    for (const char *f = field; *f; f++) {
        if (i < klen && ((unsigned char)key[i] | 0x20) == (unsigned char)*f &&
            ((*f >= 'a' && *f <= 'z'))) {
            i++;
        } else if (*f == 's' && i + 2 <= klen && memcmp(key + i, "\xc5\xbf", 2) == 0) {
            i += 2;
        } else if (*f == 'k' && i + 3 <= klen && memcmp(key + i, "\xe2\x84\xaa", 3) == 0) {
            i += 3;
        } else {
            return false;
        }
    }
    return i == klen;
}

static const char *go_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_TRUE:
    case JSON_FALSE: return "bool";
    case JSON_NULL: return "null";
    default: return "number";
    }
}

/* Decodes an object into *rq as json.Unmarshal into Request does (keys in order, later ones
 * win, null leaves a string field unchanged). false with err set on a type mismatch. */
static bool decode_request(request *rq, const json_t *obj, char *err, size_t errlen)
{
    bool ok = true;
    memset(rq, 0, sizeof *rq);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        size_t kl = strlen(k);
        if (go_key_match(k, kl, "method")) {
            if (json_is_string(v)) {
                rq->method = v;
            } else if (!json_is_null(v) && ok) {
                snprintf(err, errlen,
                         "json: cannot unmarshal %s into Go struct field Request.method of type "
                         "string", go_kind(v));
                ok = false;
            }
        } else if (go_key_match(k, kl, "id")) {
            rq->id = json_is_null(v) ? NULL : v;
        } else if (go_key_match(k, kl, "params")) {
            rq->params = json_is_null(v) ? NULL : v;
        }
    }
    return ok;
}

/* {"jsonrpc":"2.0","result":null,"id":id,"error":{"code":code,"id":id,"message":msg}} */
static json_t *error_response(const json_t *id, int code, const char *msg, size_t msglen)
{
    json_t *e = checked(json_object());
    json_object_set_new(e, "code", checked(json_integer(code)));
    json_object_set_new(e, "id", id ? go_copy(id) : json_null());
    json_object_set_new(e, "message", checked(json_stringn(msg, msglen)));
    json_t *r = checked(json_object());
    json_object_set_new(r, "jsonrpc", checked(json_string("2.0")));
    json_object_set_new(r, "result", json_null());
    json_object_set_new(r, "id", id ? go_copy(id) : json_null());
    json_object_set_new(r, "error", e);
    return r;
}

static json_t *result_response(const json_t *id, json_t *result)
{
    json_t *r = checked(json_object());
    json_object_set_new(r, "jsonrpc", checked(json_string("2.0")));
    json_object_set_new(r, "result", result);
    json_object_set_new(r, "id", id ? go_copy(id) : json_null());
    json_object_set_new(r, "error", json_null());
    return r;
}

/* getResponse of the reference: one request to one response object. */
static json_t *dispatch(ela_rpc_table *t, const request *rq, ela_rpc_reply *out)
{
    static const char NEED[] = "JSON-RPC need a method";
    if (!rq->method || json_string_length(rq->method) == 0)
        return error_response(rq->id, ELA_RPC_INVALID_REQUEST, NEED, sizeof NEED - 1);
    const char *name = json_string_value(rq->method);
    size_t nlen = json_string_length(rq->method);
    const entry *e = table_find(t, name, nlen);
    if (!e) {
        size_t mlen = nlen + 32;
        char *msg = ela_xmalloc(mlen);
        memcpy(msg, "JSON-RPC method ", 16);
        memcpy(msg + 16, name, nlen);
        memcpy(msg + 16 + nlen, " not found", 10);
        json_t *r = error_response(rq->id, ELA_RPC_METHOD_NOT_FOUND, msg, nlen + 26);
        free(msg);
        return r;
    }

    json_t *params;
    if (!rq->params) {
        params = checked(json_object());
    } else if (json_is_object(rq->params)) {
        params = json_incref((json_t *)rq->params);
    } else if (json_is_array(rq->params)) {
        params = checked(json_object());
        for (size_t i = 0; i < json_array_size(rq->params) && i < ELA_RPC_MAX_POSITIONAL &&
                           e->m->positional[i];
             i++)
            json_object_set(params, e->m->positional[i], json_array_get(rq->params, i));
    } else {
        static const char FMT[] = "params format error, must be an array or a map";
        return error_response(rq->id, ELA_RPC_INVALID_REQUEST, FMT, sizeof FMT - 1);
    }

    ela_rpc_call call = {.params = params, .ctx = e->ctx};
    json_t *result;
    if (e->m->level != ELA_RPC_UNGATED && e->m->level < t->level)
        result = ela_rpc_fail(&call, ELA_RPC_ERR_INVALID_METHOD,
                              "requesting method if out of service level");
    else
        result = e->m->handler(&call);
    json_decref(params);
    ela_log_debug(ELA_LOGC_RPC, "%s: %s", e->m->name, result ? "ok" : call.message);
    if (call.after_reply) {
        out->after_reply = call.after_reply;
        out->after_reply_arg = call.after_reply_arg;
    }
    if (!result) {
        if (call.code == 0)
            ela_rpc_fail(&call, ELA_RPC_ERR_INTERNAL, NULL);
        return error_response(rq->id, call.code, call.message, strlen(call.message));
    }
    return result_response(rq->id, result);
}

char *ela_rpc_transport_error(int code, const char *message)
{
    /* Go marshals the reference's map with its keys sorted. */
    json_t *e = checked(json_object());
    json_object_set_new(e, "code", checked(json_integer(code)));
    json_object_set_new(e, "id", json_null());
    json_object_set_new(e, "message", checked(json_string(message)));
    json_t *r = checked(json_object());
    json_object_set_new(r, "error", e);
    json_object_set_new(r, "jsonrpc", checked(json_string("2.0")));
    json_object_set_new(r, "result", json_null());
    char *s = ela_json_dumps(r);
    json_decref(r);
    return s;
}

static void reply_parse_error(ela_rpc_reply *out, const char *why)
{
    char msg[512];
    snprintf(msg, sizeof msg, "JSON-RPC request parsing error:%s", why);
    out->body = ela_rpc_transport_error(ELA_RPC_PARSE_ERROR, msg);
    out->status = 400;
}

void ela_rpc_process(ela_rpc_reply *out, ela_rpc_table *t, const char *body, size_t len)
{
    memset(out, 0, sizeof *out);
    char why[256];
    if (!go_json_check((const uint8_t *)body, len, why, sizeof why)) {
        reply_parse_error(out, why);
        return;
    }
    size_t clen;
    char *clean = go_json_sanitize((const uint8_t *)body, len, &clen);
    json_error_t jerr;
    json_t *doc = json_loadb(clean, clen, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL |
                                              JSON_ALLOW_NUL, &jerr);
    free(clean);
    if (!doc) {
        /* Valid for Go's scanner but not representable (a number beyond float64, nesting
         * deeper than jansson allows): Go fails these while decoding too. */
        reply_parse_error(out, jerr.text);
        return;
    }

    json_t *reply = NULL;
    request rq;
    if (json_is_object(doc)) {
        if (!decode_request(&rq, doc, why, sizeof why)) {
            reply_parse_error(out, why);
            json_decref(doc);
            return;
        }
        reply = dispatch(t, &rq, out);
    } else if (json_is_null(doc) || (json_is_array(doc) && json_array_size(doc) == 0)) {
        /* the reference's Request stays empty: "need a method" */
        memset(&rq, 0, sizeof rq);
        reply = dispatch(t, &rq, out);
    } else if (json_is_array(doc)) {
        size_t n = json_array_size(doc);
        request *rqs = ela_xcalloc(n, sizeof *rqs);
        bool ok = true;
        for (size_t i = 0; i < n && ok; i++) {
            const json_t *el = json_array_get(doc, i);
            if (json_is_object(el))
                ok = decode_request(&rqs[i], el, why, sizeof why);
            else
                ok = json_is_null(el);
        }
        if (ok) {
            reply = checked(json_array());
            for (size_t i = 0; i < n; i++)
                json_array_append_new(reply, dispatch(t, &rqs[i], out));
        }
        free(rqs);
        if (!ok) {
            /* the reference reports the error of its first attempt, a single Request */
            reply_parse_error(out, "json: cannot unmarshal array into Go value of type "
                                   "servers.Request");
            json_decref(doc);
            return;
        }
    } else {
        snprintf(why, sizeof why, "json: cannot unmarshal %s into Go value of type "
                                  "servers.Request", go_kind(doc));
        reply_parse_error(out, why);
        json_decref(doc);
        return;
    }
    out->body = ela_json_dumps(reply);
    out->status = 200;
    json_decref(reply);
    json_decref(doc);
}

/* ---- transport rules --------------------------------------------------------------------- */

bool ela_rpc_content_type_ok(const char *value)
{
    if (!value)
        return false;
    const char *end = strchr(value, ';');
    size_t n = end ? (size_t)(end - value) : strlen(value);
    while (n > 0 && (*value == ' ' || *value == '\t')) {
        value++;
        n--;
    }
    while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
        n--;
    return (n == 16 && strncasecmp(value, "application/json", 16) == 0) ||
           (n == 10 && strncasecmp(value, "text/plain", 10) == 0);
}

/* Parses a numeric address into 16 bytes (IPv4 as IPv4-mapped IPv6). */
static bool parse_ip(uint8_t out[16], const char *s)
{
    struct in_addr a4;
    if (inet_pton(AF_INET, s, &a4) == 1) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy(out + 12, &a4, 4);
        return true;
    }
    struct in6_addr a6;
    if (inet_pton(AF_INET6, s, &a6) == 1) {
        memcpy(out, &a6, 16);
        return true;
    }
    return false;
}

static bool ip_is_loopback(const uint8_t ip[16])
{
    static const uint8_t MAPPED[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t LOOP6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (memcmp(ip, MAPPED, 12) == 0)
        return ip[12] == 127;
    return memcmp(ip, LOOP6, 16) == 0;
}

bool ela_rpc_ip_allowed(const char *ip, const char *const *allow, size_t n_allow)
{
    uint8_t a[16], b[16];
    if (!ip || !parse_ip(a, ip))
        return false;
    if (ip_is_loopback(a))
        return true;
    for (size_t i = 0; i < n_allow; i++) {
        if (strcmp(allow[i], "0.0.0.0") == 0)
            return true;
        if (parse_ip(b, allow[i]) && memcmp(a, b, 16) == 0)
            return true;
    }
    return false;
}

/* ---- HTTP server --------------------------------------------------------------------------- */

/* libevent 2.1 (Debian 12) has no connection limit of its own and tells nobody when it accepts
 * a connection. The server learns of each one through the bufferevent hook (evhttp_set_bevcb,
 * called as it accepts), then, from an event activated there and so run before the loop polls
 * again, finds the connection (the bufferevent's callback argument, checked against
 * evhttp_connection_get_bufferevent) and attaches a close callback and a deadline timer to it.
 * The count of attached connections is the limit's; the close callback keeps it exact. */
typedef struct rpc_conn {
    struct ela_rpc_server *s;
    struct bufferevent *bev;
    struct evhttp_connection *evcon; /* NULL until attached */
    struct event *timer;             /* attach, then the request deadline */
    /* The after_reply hook of a reply sent on this connection (run once it closes). */
    void (*after_reply)(void *arg);
    void *after_reply_arg;
    struct rpc_conn *prev, *next;
} rpc_conn;

struct ela_rpc_server {
    struct event_base *base;
    struct evhttp *http;
    struct evhttp_bound_socket *bound;
    ela_rpc_table *table;
    bool need_auth;
    uint8_t auth_hash[32]; /* SHA-256 of the expected Authorization header */
    char **allow;
    size_t n_allow;
    char *cookie_path; /* the cookie file written, removed at free */
    unsigned max_clients, timeout;
    rpc_conn *conns;   /* every connection known, attached or not */
    size_t n_attached;
    uint64_t n_refused; /* connections over max_clients */
    time_t last_refusal_warning;
};

static char *base64(const uint8_t *p, size_t len)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = ela_xmalloc(4 * ((len + 2) / 3) + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        out[o++] = A[(v >> 18) & 63];
        out[o++] = A[(v >> 12) & 63];
        out[o++] = i + 1 < len ? A[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? A[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

static const char *reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 405: return "Method Not Allowed";
    case 415: return "Unsupported Media Type";
    default: return "Error";
    }
}

/* ---- connection tracking ---- */

static void conn_unlink(rpc_conn *c)
{
    ela_rpc_server *s = c->s;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (c->evcon)
        s->n_attached--;
    if (c->timer)
        event_free(c->timer);
    free(c);
}

/* evhttp is closing the connection (the client left, a timeout, the reply of a closing
 * connection was written, or the server is being freed). */
static void conn_closed(struct evhttp_connection *evcon, void *arg)
{
    rpc_conn *c = arg;
    void (*hook)(void *) = c->after_reply;
    void *hook_arg = c->after_reply_arg;
    conn_unlink(c);
    if (hook)
        hook(hook_arg);
}

static void arm_deadline(rpc_conn *c)
{
    struct timeval tv = {(time_t)c->s->timeout, 0};
    evtimer_add(c->timer, &tv);
}

static void conn_timer(evutil_socket_t fd, short what, void *arg)
{
    rpc_conn *c = arg;
    ela_rpc_server *s = c->s;
    if (c->evcon) {
        /* the deadline of the request passed */
        ela_log_debug(ELA_LOGC_RPC, "closing a connection that sent no complete request in "
                      "%u s", s->timeout);
        evhttp_connection_free(c->evcon); /* runs conn_closed */
        return;
    }
    /* attach: evhttp has set the bufferevent's callbacks with its connection as argument */
    void *cbarg = NULL;
    bufferevent_getcb(c->bev, NULL, NULL, NULL, &cbarg);
    struct evhttp_connection *evcon = cbarg;
    if (!evcon || evhttp_connection_get_bufferevent(evcon) != c->bev) {
        /* not the libevent this was written for: serve without tracking this one */
        ela_log_error(ELA_LOGC_RPC, "cannot track a JSON-RPC connection (libevent internals "
                      "changed); connection limit and deadline not applied");
        conn_unlink(c);
        return;
    }
    c->evcon = evcon;
    s->n_attached++;
    evhttp_connection_set_closecb(evcon, conn_closed, c);
    if (s->n_attached > s->max_clients) {
        char *host = NULL;
        ev_uint16_t port = 0;
        evhttp_connection_get_peer(evcon, &host, &port);
        /* a warning at most every 10 s (a flood must not flood the log), debug otherwise */
        time_t now = time(NULL);
        s->n_refused++;
        if (now - s->last_refusal_warning >= 10) {
            ela_log_warn(ELA_LOGC_RPC, "refusing a JSON-RPC connection from %s: %u connections "
                         "open (-rpcmaxclients); %llu refused so far", host ? host : "?",
                         s->max_clients, (unsigned long long)s->n_refused);
            s->last_refusal_warning = now;
        } else {
            ela_log_debug(ELA_LOGC_RPC, "refusing a JSON-RPC connection from %s",
                          host ? host : "?");
        }
        evhttp_connection_free(evcon); /* runs conn_closed */
        return;
    }
    arm_deadline(c);
}

/* evhttp accepted a connection and asks for its bufferevent. */
static struct bufferevent *new_bev(struct event_base *base, void *arg)
{
    ela_rpc_server *s = arg;
    struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    if (!bev)
        return NULL; /* evhttp tries its own, untracked */
    rpc_conn *c = ela_xcalloc(1, sizeof *c);
    c->s = s;
    c->bev = bev;
    c->timer = evtimer_new(base, conn_timer, c);
    if (!c->timer)
        abort();
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    /* Runs in this loop iteration, after evhttp has finished setting the connection up and
     * before any of its data is read. */
    event_active(c->timer, EV_TIMEOUT, 1);
    return bev;
}

static rpc_conn *find_conn(ela_rpc_server *s, struct evhttp_connection *evcon)
{
    for (rpc_conn *c = s->conns; c; c = c->next)
        if (c->evcon == evcon)
            return c;
    return NULL;
}

/* The reply was written: the client gets `timeout` seconds for its next request. */
static void reply_done(struct evhttp_request *req, void *arg)
{
    ela_rpc_server *s = arg;
    rpc_conn *c = find_conn(s, evhttp_request_get_connection(req));
    if (c)
        arm_deadline(c);
}

static void after_reply_closed(struct evhttp_connection *conn, void *arg)
{
    ela_rpc_reply *hook = arg;
    hook->after_reply(hook->after_reply_arg);
    free(hook);
}

/* Sends body (taken over) with status; Content-Length always, as HTTP/1.0 clients (btcpool)
 * need it and evhttp adds it only for HTTP/1.1 and keep-alive. */
static void send_reply(ela_rpc_server *s, struct evhttp_request *req, int status, char *body,
                       const ela_rpc_reply *hook)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    rpc_conn *c = find_conn(s, evcon);
    size_t len = strlen(body);
    char clen[32];
    snprintf(clen, sizeof clen, "%zu", len);
    evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "Content-Length", clen);
    if (hook && hook->after_reply) {
        /* The reply must reach the client before the hook (stop) runs: ask evhttp to close the
         * connection once it is written, and run the hook when it closes. */
        evhttp_add_header(h, "Connection", "close");
        if (c) {
            c->after_reply = hook->after_reply;
            c->after_reply_arg = hook->after_reply_arg;
        } else {
            ela_rpc_reply *copy = ela_xmemdup(hook, sizeof *hook);
            evhttp_connection_set_closecb(evcon, after_reply_closed, copy);
        }
    }
    if (c)
        evhttp_request_set_on_complete_cb(req, reply_done, s);
    struct evbuffer *buf = evbuffer_new();
    if (!buf)
        abort();
    evbuffer_add(buf, body, len);
    free(body);
    evhttp_send_reply(req, status, reason_phrase(status), buf);
    evbuffer_free(buf);
}

static void send_transport_error(ela_rpc_server *s, struct evhttp_request *req, int status,
                                 int code, const char *msg)
{
    send_reply(s, req, status, ela_rpc_transport_error(code, msg), NULL);
}

static void peer_ip(struct evhttp_request *req, char *out, size_t outlen)
{
    out[0] = '\0';
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    const struct sockaddr *sa = conn ? evhttp_connection_get_addr(conn) : NULL;
    if (!sa)
        return;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        evutil_inet_ntop(AF_INET, &s4->sin_addr, out, outlen);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        evutil_inet_ntop(AF_INET6, &s6->sin6_addr, out, outlen);
    }
}

/* The reference's Handle: IP filter, method, content type, auth, body, then the envelope. */
static void on_request(struct evhttp_request *req, void *arg)
{
    ela_rpc_server *s = arg;
    /* The request is complete: its deadline is over (the reply's writes have evhttp's). */
    rpc_conn *c = find_conn(s, evhttp_request_get_connection(req));
    if (c)
        evtimer_del(c->timer);
    char ip[64];
    peer_ip(req, ip, sizeof ip);
    if (!ela_rpc_ip_allowed(ip, (const char *const *)s->allow, s->n_allow)) {
        ela_log_debug(ELA_LOGC_RPC, "refused client %s: not in WhiteIPList", ip);
        send_transport_error(s, req, 403, ELA_RPC_INTERNAL_ERROR, "Client ip is not allowed");
        return;
    }
    if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
        send_transport_error(s, req, 405, ELA_RPC_INTERNAL_ERROR,
                             "JSON-RPC protocol only allows POST method");
        return;
    }
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    if (!ela_rpc_content_type_ok(evhttp_find_header(in, "Content-Type"))) {
        send_transport_error(s, req, 415, ELA_RPC_INTERNAL_ERROR,
                             "JSON-RPC need content type to be application/json or text/plain");
        return;
    }
    if (s->need_auth) {
        const char *auth = evhttp_find_header(in, "Authorization");
        uint8_t h[32];
        unsigned diff = 1;
        if (auth) {
            /* compare digests in constant time so the header's prefix cannot be probed */
            ela_sha256(h, (const uint8_t *)auth, strlen(auth));
            diff = 0;
            for (size_t i = 0; i < 32; i++)
                diff |= (unsigned)(h[i] ^ s->auth_hash[i]);
        }
        if (diff) {
            ela_log_debug(ELA_LOGC_RPC, "client %s failed authentication", ip);
            send_transport_error(s, req, 401, ELA_RPC_INTERNAL_ERROR,
                                 "Client authenticate failed");
            return;
        }
    }
    struct evbuffer *body = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(body);
    if (len > ELA_RPC_MAX_BODY) {
        send_transport_error(s, req, 400, ELA_RPC_INVALID_REQUEST,
                             "JSON-RPC request reading error:http: request body too large");
        return;
    }
    const char *p = len ? (const char *)evbuffer_pullup(body, -1) : "";
    ela_rpc_reply r;
    ela_rpc_process(&r, s->table, p, len);
    send_reply(s, req, r.status, r.body, &r);
}

/* ---- cookie ---- */

/* Writes "__cookie__:<hex>" to path through a temporary file created 0600 and renamed into
 * place, so that a reader never sees a partial or world-readable cookie. */
static bool write_cookie(const char *path, const char *content, char *err, size_t errlen)
{
    size_t pl = strlen(path);
    char *tmp = ela_xmalloc(pl + 5);
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp", 5);
    unlink(tmp); /* a leftover of a crash; O_EXCL below refuses anything else */
    bool ok = false;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create the RPC cookie file %s: %s", tmp, strerror(errno));
        free(tmp);
        return false;
    }
    size_t len = strlen(content), off = 0;
    while (off < len) {
        ssize_t w = write(fd, content + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    if (off == len && fsync(fd) == 0 && close(fd) == 0) {
        fd = -1;
        ok = rename(tmp, path) == 0;
    }
    if (!ok) {
        snprintf(err, errlen, "cannot write the RPC cookie file %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

/* The expected Authorization header of user:password, as its SHA-256. */
static void set_auth(ela_rpc_server *s, const char *user, const char *pass)
{
    size_t ul = strlen(user), pl = strlen(pass);
    uint8_t *login = ela_xmalloc(ul + pl + 1);
    memcpy(login, user, ul);
    login[ul] = ':';
    memcpy(login + ul + 1, pass, pl);
    char *b64 = base64(login, ul + pl + 1);
    size_t hl = strlen(b64) + 7;
    char *header = ela_xmalloc(hl);
    snprintf(header, hl, "Basic %s", b64);
    ela_sha256(s->auth_hash, (const uint8_t *)header, strlen(header));
    s->need_auth = true;
    ela_memzero(login, ul + pl + 1);
    ela_memzero(b64, strlen(b64));
    ela_memzero(header, hl);
    free(login);
    free(b64);
    free(header);
}

ela_rpc_server *ela_rpc_server_start(struct event_base *base, ela_rpc_table *t,
                                     const ela_rpc_server_options *opt, char *err,
                                     size_t errlen)
{
    ela_rpc_server *s = ela_xcalloc(1, sizeof *s);
    s->base = base;
    s->table = t;
    s->max_clients = opt->max_clients ? opt->max_clients : 64;
    s->timeout = opt->timeout ? opt->timeout : 30;
    s->http = evhttp_new(base);
    if (!s->http) {
        snprintf(err, errlen, "cannot create the HTTP server");
        free(s);
        return NULL;
    }
    /* One byte over the limit reaches the handler, which answers as the reference (400);
     * larger bodies get evhttp's 413 without being read. */
    evhttp_set_max_body_size(s->http, (ev_ssize_t)ELA_RPC_MAX_BODY + 1);
    evhttp_set_max_headers_size(s->http, (ev_ssize_t)ELA_RPC_MAX_HEADERS);
    evhttp_set_timeout(s->http, (int)s->timeout);
    /* Every method reaches the handler so that the reply is the reference's JSON 405. */
    evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                            EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                            EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                                            EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    evhttp_set_gencb(s->http, on_request, s);
    evhttp_set_bevcb(s->http, new_bev, s);

    s->n_allow = opt->n_allow_ips;
    s->allow = ela_xcalloc(s->n_allow ? s->n_allow : 1, sizeof *s->allow);
    for (size_t i = 0; i < s->n_allow; i++)
        s->allow[i] = ela_xmemdup(opt->allow_ips[i], strlen(opt->allow_ips[i]) + 1);

    s->bound = evhttp_bind_socket_with_handle(s->http, opt->bind, opt->port);
    if (!s->bound) {
        snprintf(err, errlen, "cannot listen for JSON-RPC on %s port %u: %s", opt->bind,
                 (unsigned)opt->port, strerror(errno));
        ela_rpc_server_free(s);
        return NULL;
    }

    /* Credentials only once listening, so that a node that cannot start leaves the cookie of
     * a running one alone. */
    const char *user = opt->user ? opt->user : "", *pass = opt->password ? opt->password : "";
    const char *mode = "no auth";
    if (*user || *pass) {
        set_auth(s, user, pass);
        mode = "basic auth";
    } else if (opt->cookie_path) {
        uint8_t rnd[32];
        if (RAND_bytes(rnd, sizeof rnd) != 1) {
            snprintf(err, errlen, "cannot draw random bytes for the RPC cookie");
            ela_rpc_server_free(s);
            return NULL;
        }
        char cookie[sizeof ELA_RPC_COOKIE_USER + 1 + 64];
        size_t o = (size_t)snprintf(cookie, sizeof cookie, "%s:", ELA_RPC_COOKIE_USER);
        for (size_t i = 0; i < sizeof rnd; i++)
            o += (size_t)snprintf(cookie + o, sizeof cookie - o, "%02x", rnd[i]);
        ela_memzero(rnd, sizeof rnd);
        if (!write_cookie(opt->cookie_path, cookie, err, errlen)) {
            ela_memzero(cookie, sizeof cookie);
            ela_rpc_server_free(s);
            return NULL;
        }
        s->cookie_path = ela_xmemdup(opt->cookie_path, strlen(opt->cookie_path) + 1);
        set_auth(s, ELA_RPC_COOKIE_USER, cookie + sizeof ELA_RPC_COOKIE_USER);
        ela_memzero(cookie, sizeof cookie);
        mode = "cookie auth";
    }
    ela_log_info(ELA_LOGC_RPC, "JSON-RPC listening on %s port %u (%s%s%s; at most %u "
                 "connections, %u s timeout)", opt->bind, (unsigned)ela_rpc_server_port(s),
                 mode, s->cookie_path ? ": " : "", s->cookie_path ? s->cookie_path : "",
                 s->max_clients, s->timeout);
    return s;
}

uint16_t ela_rpc_server_port(const ela_rpc_server *s)
{
    if (!s || !s->bound)
        return 0;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    evutil_socket_t fd = evhttp_bound_socket_get_fd(s->bound);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)(const void *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)(const void *)&ss)->sin6_port);
    return 0;
}

size_t ela_rpc_server_connections(const ela_rpc_server *s) { return s ? s->n_attached : 0; }

void ela_rpc_server_free(ela_rpc_server *s)
{
    if (!s)
        return;
    if (s->http)
        evhttp_free(s->http); /* closes every connection: conn_closed for the attached ones */
    while (s->conns)          /* those accepted in the last iteration, never attached */
        conn_unlink(s->conns);
    if (s->cookie_path) {
        if (unlink(s->cookie_path) != 0 && errno != ENOENT)
            ela_log_warn(ELA_LOGC_RPC, "cannot remove the RPC cookie file %s: %s",
                         s->cookie_path, strerror(errno));
        free(s->cookie_path);
    }
    for (size_t i = 0; i < s->n_allow; i++)
        free(s->allow[i]);
    free(s->allow);
    free(s);
}
