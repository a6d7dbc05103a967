/* ela-cli: JSON-RPC client for elad (and the reference node) plus the wallet commands.
 *
 *   ela-cli [options] METHOD [ARGS...]     call one RPC method and print its result
 *   ela-cli [options] wallet SUBCOMMAND    keystore, balances, build/sign/send transfers
 *
 * See doc/ela-cli.1. */
#include "cli/cli.h"
#include "cli/params.h"

#include "config.h"

#include <ela/ela.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Global options, wherever they appear on the command line (the reference moves them first). */
static struct {
    const char *host;
    int port;
    const char *user;
    const char *password;
    const char *cookie;
    const char *datadir;
    const char *url;
    int network; /* 0 regnet, 1 testnet, 2 mainnet */
    int timeout;
} g_opt = {NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, 900};

static const int DEFAULT_PORTS[] = {22336, 21336, 20336};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: ela-cli [options] METHOD [ARG...] [NAME=VALUE...]\n"
            "       ela-cli [options] wallet SUBCOMMAND [flags]   (ela-cli wallet -help)\n"
            "       ela-cli -help METHOD\n"
            "\n"
            "Options (one or two dashes; -opt=value or -opt value):\n"
            "  -rpcconnect=HOST   server address (default 127.0.0.1; also --rpcip)\n"
            "  -rpcport=N         port (default: regnet 22336, testnet 21336, mainnet 20336)\n"
            "  -rpcurl=URL        http://HOST:PORT[/PATH], overrides host and port\n"
            "  -rpcuser=U -rpcpassword=P   credentials (else the cookie file)\n"
            "  -rpccookiefile=F   cookie file (default <datadir>/.cookie)\n"
            "  -datadir=D         node data directory (default ./elastos)\n"
            "  -regnet | -testnet | -mainnet   network for the default port (default regnet)\n"
            "  -rpcclienttimeout=S  seconds to wait for a reply (default 900, 0 = none)\n"
            "  -help, -version\n"
            "\n"
            "Positional arguments map to the method's named parameters in order; NAME=VALUE\n"
            "sets any named parameter. Values that parse as JSON are sent as JSON.\n");
}

static void help_method(const char *name)
{
    const ela_cli_method *m = ela_cli_method_find(name);
    if (!m) {
        printf("%s: not in ela-cli's table; arguments are sent positionally as a JSON array, "
               "or by NAME=VALUE as an object\n",
               name);
        return;
    }
    printf("%s", m->name);
    for (size_t i = 0; i < ELA_CLI_MAX_PARAMS && m->params[i].name; i++)
        printf(" %s(%s)", m->params[i].name,
               m->params[i].type == 's'   ? "string"
               : m->params[i].type == 'a' ? "string list"
                                          : "json");
    printf("\n");
}

static void list_methods(void)
{
    size_t n;
    const ela_cli_method *m = ela_cli_methods(&n);
    printf("\nMethods:\n");
    for (size_t i = 0; i < n; i++) {
        printf("  %s", m[i].name);
        for (size_t j = 0; j < ELA_CLI_MAX_PARAMS && m[i].params[j].name; j++)
            printf(" [%s]", m[i].params[j].name);
        printf("\n");
    }
}

/* Options with a value: canonical name and the spellings accepted. */
typedef struct opt_def {
    const char *name;
    const char **dest;
} opt_def;

static const char *s_port, *s_timeout;

static const opt_def VALUE_OPTS[] = {
    {"rpcconnect", &g_opt.host},     {"rpcip", &g_opt.host},
    {"rpcport", &s_port},            {"rpcuser", &g_opt.user},
    {"rpcpassword", &g_opt.password}, {"rpccookiefile", &g_opt.cookie},
    {"datadir", &g_opt.datadir},     {"rpcurl", &g_opt.url},
    {"rpcclienttimeout", &s_timeout},
};

/* If argv[*i] is a global option, consumes it (and its value) and returns 1; 0 when it is not
 * one; -1 on a missing value. */
static int take_global(int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (a[0] != '-')
        return 0;
    const char *n = a + (a[1] == '-' ? 2 : 1);
    if (strcmp(n, "regnet") == 0 || strcmp(n, "testnet") == 0 || strcmp(n, "mainnet") == 0) {
        g_opt.network = n[0] == 'r' ? 0 : n[0] == 't' ? 1 : 2;
        return 1;
    }
    for (size_t k = 0; k < sizeof VALUE_OPTS / sizeof VALUE_OPTS[0]; k++) {
        size_t l = strlen(VALUE_OPTS[k].name);
        if (strncmp(n, VALUE_OPTS[k].name, l) != 0)
            continue;
        if (n[l] == '=') {
            *VALUE_OPTS[k].dest = n + l + 1;
            return 1;
        }
        if (n[l] == '\0') {
            if (*i + 1 >= argc) {
                fprintf(stderr, "error: option %s needs a value\n", a);
                return -1;
            }
            *VALUE_OPTS[k].dest = argv[++*i];
            return 1;
        }
    }
    return 0;
}

static bool parse_url(ela_cli_conn *c, const char *url)
{
    const char *p = url;
    if (strncmp(p, "http://", 7) == 0)
        p += 7;
    else if (strstr(p, "://"))
        return false; /* https is not supported */
    const char *slash = strchr(p, '/');
    const char *colon = strchr(p, ':');
    size_t hl = slash ? (size_t)(slash - p) : strlen(p);
    if (colon && (!slash || colon < slash)) {
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || port <= 0 || port > 65535 || (*end && *end != '/'))
            return false;
        c->port = (int)port;
        hl = (size_t)(colon - p);
    }
    if (hl == 0 || hl >= sizeof c->host)
        return false;
    memcpy(c->host, p, hl);
    c->host[hl] = '\0';
    snprintf(c->path, sizeof c->path, "%s", slash ? slash : "/");
    return true;
}

bool ela_cli_connect_settings(ela_cli_conn *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->host, sizeof c->host, "%s", g_opt.host ? g_opt.host : "127.0.0.1");
    c->port = DEFAULT_PORTS[g_opt.network];
    snprintf(c->path, sizeof c->path, "/");
    c->timeout = g_opt.timeout;
    if (s_port) {
        char *end;
        long p = strtol(s_port, &end, 10);
        if (*end || p <= 0 || p > 65535) {
            fprintf(stderr, "error: invalid -rpcport '%s'\n", s_port);
            return false;
        }
        c->port = (int)p;
    }
    if (s_timeout) {
        char *end;
        long t = strtol(s_timeout, &end, 10);
        if (*end || t < 0 || t > 1000000) {
            fprintf(stderr, "error: invalid -rpcclienttimeout '%s'\n", s_timeout);
            return false;
        }
        c->timeout = (int)t;
    }
    if (g_opt.url && !parse_url(c, g_opt.url)) {
        fprintf(stderr, "error: invalid -rpcurl '%s' (expected http://HOST[:PORT][/PATH])\n",
                g_opt.url);
        return false;
    }
    if (g_opt.user || g_opt.password) {
        size_t n = strlen(g_opt.user ? g_opt.user : "") +
                   strlen(g_opt.password ? g_opt.password : "") + 2;
        c->auth = ela_xmalloc(n);
        snprintf(c->auth, n, "%s:%s", g_opt.user ? g_opt.user : "",
                 g_opt.password ? g_opt.password : "");
        return true;
    }
    /* The cookie the daemon writes when no password is configured (network-independent). */
    char path[4096];
    if (g_opt.cookie)
        snprintf(path, sizeof path, "%s", g_opt.cookie);
    else
        snprintf(path, sizeof path, "%s/.cookie", g_opt.datadir ? g_opt.datadir : "elastos");
    FILE *f = fopen(path, "r");
    if (!f) {
        if (g_opt.cookie) {
            fprintf(stderr, "error: cannot read the cookie file %s: %s\n", path, strerror(errno));
            return false;
        }
        return true; /* no auth: a node run with -rpcnoauth, or the reference's default */
    }
    char line[512] = {0};
    bool ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    if (!ok || !strchr(line, ':')) {
        fprintf(stderr, "error: the cookie file %s is malformed\n", path);
        ela_memzero(line, sizeof line);
        return false;
    }
    c->auth = strdup(line);
    ela_memzero(line, sizeof line);
    if (!c->auth)
        abort();
    return true;
}

int ela_cli_report(int status, long long code, const char *msg)
{
    if (status == ELA_CLI_RPC_OK) {
        fprintf(stderr, "error code: %lld\nerror message: %s\n", code, msg);
        return 1;
    }
    fprintf(stderr, "error: %s\n", msg);
    return 2;
}

static void print_result(json_t *res)
{
    if (json_is_null(res))
        return;
    if (json_is_string(res)) {
        fwrite(json_string_value(res), 1, json_string_length(res), stdout);
        fputc('\n', stdout);
        return;
    }
    char *s = json_dumps(res, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (s) {
        puts(s);
        free(s);
    }
}

int main(int argc, char **argv)
{
    /* Pull the global options out of argv, keeping everything else in order. */
    char **rest = ela_xcalloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    bool help = false, version = false;
    for (int i = 1; i < argc; i++) {
        int t = take_global(argc, argv, &i);
        if (t < 0) {
            free(rest);
            return 1;
        }
        if (t)
            continue;
        if (nrest == 0 && (strcmp(argv[i], "-help") == 0 || strcmp(argv[i], "--help") == 0 ||
                           strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "-?") == 0)) {
            help = true;
            continue;
        }
        if (nrest == 0 && (strcmp(argv[i], "-version") == 0 || strcmp(argv[i], "--version") == 0 ||
                           strcmp(argv[i], "-v") == 0)) {
            version = true;
            continue;
        }
        rest[nrest++] = argv[i];
    }
    int rc = 0;
    if (version) {
        printf("ela-cli (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
        goto done;
    }
    if (help) {
        if (nrest > 0 && strcmp(rest[0], "wallet") != 0) {
            help_method(rest[0]);
        } else if (nrest > 0) {
            char *wargv[] = {(char *)"wallet", (char *)"-help", NULL};
            rc = ela_cli_wallet_main(2, wargv);
        } else {
            usage(stdout);
            list_methods();
        }
        goto done;
    }
    if (nrest == 0) {
        usage(stderr);
        rc = 1;
        goto done;
    }
    if (rest[0][0] == '-') {
        fprintf(stderr, "error: unknown option %s (ela-cli -help)\n", rest[0]);
        rc = 1;
        goto done;
    }
    if (strcmp(rest[0], "wallet") == 0) {
        rc = ela_cli_wallet_main(nrest, rest);
        goto done;
    }
    /* The reference's "info" group: `ela-cli info getcurrentheight` is the method itself. */
    char **margs = rest;
    int nm = nrest;
    if (strcmp(rest[0], "info") == 0 && nrest > 1) {
        margs++;
        nm--;
    }
    const char *why = NULL;
    json_t *params = ela_cli_build_params(margs[0], margs + 1, (size_t)(nm - 1), &why);
    if (!params) {
        fprintf(stderr, "error: %s\n", why);
        rc = 1;
        goto done;
    }
    ela_cli_conn conn;
    if (!ela_cli_connect_settings(&conn)) {
        json_decref(params);
        rc = 1;
        goto done;
    }
    int status;
    long long code;
    char msg[1024];
    json_t *res = ela_cli_call(&conn, margs[0], params, &status, &code, msg, sizeof msg);
    json_decref(params);
    ela_cli_conn_clear(&conn);
    if (!res) {
        rc = ela_cli_report(status, code, msg);
        goto done;
    }
    print_result(res);
    json_decref(res);
done:
    free(rest);
    return rc;
}
