/* elad: the node's options (see config.h and spec/p2p-rpc.md §12). */
#include "node/config.h"

#include "rpc/rpc.h"

#include <ela/address.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char USAGE[] =
    "Usage: elad [options]\n"
    "Elastos (ELA) full node. With no options: regnet, data in ./elastos, JSON-RPC on\n"
    "127.0.0.1:22336. Options take -name=value, -name value, --name=value or --name value.\n"
    "\n"
    "  -help, -h, -?          print this help and exit\n"
    "  -version               print the version and exit\n"
    "  -datadir=DIR           data root (default: elastos; Configuration.DataDir)\n"
    "  -conf=FILE             config.json to read (default: ./config.json if present)\n"
    "  -regnet | -testnet | -mainnet\n"
    "                         network (default: the config's ActiveNet, else regnet)\n"
    "  -instant               InstantBlock mode (trivial difficulty, 1 s blocks)\n"
    "  -dbcache=MB            database and UTXO cache size (default: 450)\n"
    "  -reindex               rebuild the indexes and UTXO set from the stored blocks\n"
    "  -loadblock=FILE        import blocks from FILE, one hex block per line (repeatable)\n"
    "  -stopafterimport       exit after opening the chain and importing -loadblock files\n"
    "  -enablerpc=0|1         JSON-RPC server on or off (default: on; Configuration.EnableRPC)\n"
    "  -rpcport=PORT          JSON-RPC port (default: the network's HttpJsonPort)\n"
    "  -rpcbind=ADDR          JSON-RPC listen address (default: 127.0.0.1)\n"
    "  -rpcuser=USER          JSON-RPC basic-auth user (RpcConfiguration.User)\n"
    "  -rpcpassword=PASS      JSON-RPC basic-auth password (RpcConfiguration.Pass)\n"
    "  -rpcallowip=IP         also accept JSON-RPC clients from IP (repeatable; 0.0.0.0: all)\n"
    "  -rpccookiefile=FILE    cookie file when no password is set (default: DATADIR/.cookie)\n"
    "  -rpcnoauth             no password and no cookie (only with a loopback -rpcbind)\n"
    "  -rpcmaxclients=N       concurrent JSON-RPC connections (default: 64)\n"
    "  -rpctimeout=SECONDS    time a client has to send a request or read a reply (default: 30)\n"
    "  -paytoaddr=ADDR        mining reward address (PowConfiguration.PayToAddr)\n"
    "  -minerinfo=TEXT        coinbase text of mined blocks (PowConfiguration.MinerInfo)\n"
    "  -automining=0|1        start the CPU miner at boot (PowConfiguration.AutoMining)\n"
    "  -maxmempool=MB         mempool size cap in MB of 10^6 bytes (default: 20)\n"
    "  -mempoolexpiry=HOURS   drop mempool transactions older than this (default: 336)\n"
    "  -persistmempool=0|1    save the mempool at shutdown and reload it (default: 1)\n"
    "  -listen=0|1            accept P2P connections (default: 1)\n"
    "  -bind=ADDR             P2P listen address (default: every interface)\n"
    "  -port=PORT             P2P port (default: the network's NodePort)\n"
    "  -connect=HOST:PORT     connect only to this peer (repeatable; no seeds, no address book)\n"
    "  -addnode=HOST:PORT     keep a connection to this peer (repeatable; PermanentPeers)\n"
    "  -seednode=HOST:PORT    also ask this node for addresses (repeatable; DNSSeeds)\n"
    "  -noseeds               use no seed nodes\n"
    "  -maxconnections=N      peers in total (default: 125)\n"
    "  -maxoutbound=N         outbound peers the node keeps (default: 8)\n"
    "  -printlevel=N          log level 0 debug, 1 info, 2 warn, 3 error, 4 fatal, 5 off\n"
    "  -loglevel=SPEC         LEVEL[,CATEGORY=LEVEL...], e.g. info,net=debug\n"
    "  -logfile=FILE          log file (default: DATADIR/logs/node/elad.log; '-': stderr only)\n"
    "\n"
    "Signals: SIGINT/SIGTERM stop the node cleanly, SIGHUP reopens the log file.\n"
    "See elad(1).\n";

const char *ela_node_config_usage(void) { return USAGE; }

/* ---- helpers ------------------------------------------------------------------------------- */

static bool failf(char *err, size_t errlen, const char *fmt, ...) ELA_PRINTF(3, 4);

static bool failf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

static char *xstrdup(const char *s) { return ela_xmemdup(s, strlen(s) + 1); }

static char *xjoin(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = ela_xmalloc(la + lb + lc + 1);
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

static void push(char ***v, size_t *n, const char *s)
{
    *v = ela_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = xstrdup(s);
}

/* A decimal number within [lo, hi]; nothing else (no sign, spaces or suffix). */
static bool parse_ulong(unsigned long *out, const char *s, unsigned long lo, unsigned long hi)
{
    if (!*s)
        return false;
    unsigned long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (ULONG_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_bool(bool *out, const char *s)
{
    static const char *const YES[] = {"1", "true", "yes", "on"};
    static const char *const NO[] = {"0", "false", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, YES[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, NO[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Case-insensitive member lookup, as the reference's loader matches keys; *dup is set when two
 * keys differ only in case (which value would win is unclear, so the caller refuses it). */
static json_t *get_ci(const json_t *obj, const char *key, bool *dup)
{
    json_t *found = NULL;
    const char *k;
    json_t *v;
    *dup = false;
    json_object_foreach((json_t *)obj, k, v) {
        if (strcasecmp(k, key) == 0) {
            if (found)
                *dup = true;
            found = v;
        }
    }
    return found;
}

/* Removes every case variant of key, then sets it. */
static void set_ci(json_t *obj, const char *key, json_t *value)
{
    for (;;) {
        const char *k;
        json_t *v;
        const char *hit = NULL;
        json_object_foreach(obj, k, v) {
            if (strcasecmp(k, key) == 0) {
                hit = k;
                break;
            }
        }
        if (!hit)
            break;
        json_object_del(obj, hit);
    }
    json_object_set_new(obj, key, value);
}

/* ---- command line -------------------------------------------------------------------------- */

enum opt_id {
    OPT_HELP, OPT_VERSION, OPT_DATADIR, OPT_CONF, OPT_REGNET, OPT_TESTNET, OPT_MAINNET,
    OPT_INSTANT, OPT_DBCACHE, OPT_REINDEX, OPT_LOADBLOCK, OPT_STOPAFTERIMPORT, OPT_ENABLERPC,
    OPT_RPCPORT, OPT_RPCBIND, OPT_RPCUSER, OPT_RPCPASSWORD, OPT_RPCALLOWIP, OPT_PRINTLEVEL,
    OPT_LOGLEVEL, OPT_LOGFILE, OPT_RPCCOOKIEFILE, OPT_RPCNOAUTH, OPT_RPCMAXCLIENTS,
    OPT_RPCTIMEOUT, OPT_PAYTOADDR, OPT_MINERINFO, OPT_AUTOMINING, OPT_MAXMEMPOOL,
    OPT_MEMPOOLEXPIRY, OPT_PERSISTMEMPOOL, OPT_LISTEN, OPT_BIND, OPT_PORT, OPT_CONNECT,
    OPT_ADDNODE, OPT_SEEDNODE, OPT_NOSEEDS, OPT_MAXCONNECTIONS, OPT_MAXOUTBOUND,
    OPT_PINGINTERVAL, OPT_IDLETIMEOUT, OPT_STALLTIMEOUT, OPT_TXTRICKLE,
};

static const struct opt {
    const char *name;
    enum opt_id id;
    bool takes_value; /* else a boolean flag: -x, or -x=0|1 */
} OPTS[] = {
    {"help", OPT_HELP, false},           {"h", OPT_HELP, false},
    {"?", OPT_HELP, false},              {"version", OPT_VERSION, false},
    {"datadir", OPT_DATADIR, true},      {"conf", OPT_CONF, true},
    {"regnet", OPT_REGNET, false},       {"testnet", OPT_TESTNET, false},
    {"mainnet", OPT_MAINNET, false},     {"instant", OPT_INSTANT, false},
    {"dbcache", OPT_DBCACHE, true},      {"reindex", OPT_REINDEX, false},
    {"loadblock", OPT_LOADBLOCK, true},  {"stopafterimport", OPT_STOPAFTERIMPORT, false},
    {"enablerpc", OPT_ENABLERPC, false}, {"rpcport", OPT_RPCPORT, true},
    {"rpcbind", OPT_RPCBIND, true},      {"rpcuser", OPT_RPCUSER, true},
    {"rpcpassword", OPT_RPCPASSWORD, true}, {"rpcallowip", OPT_RPCALLOWIP, true},
    {"printlevel", OPT_PRINTLEVEL, true}, {"loglevel", OPT_LOGLEVEL, true},
    {"logfile", OPT_LOGFILE, true},      {"rpccookiefile", OPT_RPCCOOKIEFILE, true},
    {"rpcnoauth", OPT_RPCNOAUTH, false}, {"rpcmaxclients", OPT_RPCMAXCLIENTS, true},
    {"rpctimeout", OPT_RPCTIMEOUT, true}, {"paytoaddr", OPT_PAYTOADDR, true},
    {"minerinfo", OPT_MINERINFO, true},  {"automining", OPT_AUTOMINING, false},
    {"maxmempool", OPT_MAXMEMPOOL, true}, {"mempoolexpiry", OPT_MEMPOOLEXPIRY, true},
    {"persistmempool", OPT_PERSISTMEMPOOL, false},
    {"listen", OPT_LISTEN, false},       {"bind", OPT_BIND, true},
    {"port", OPT_PORT, true},            {"connect", OPT_CONNECT, true},
    {"addnode", OPT_ADDNODE, true},      {"seednode", OPT_SEEDNODE, true},
    {"noseeds", OPT_NOSEEDS, false},     {"maxconnections", OPT_MAXCONNECTIONS, true},
    {"maxoutbound", OPT_MAXOUTBOUND, true},
    /* test options (elad(1) "TEST OPTIONS"), not in -help */
    {"pinginterval", OPT_PINGINTERVAL, true}, {"idletimeout", OPT_IDLETIMEOUT, true},
    {"stalltimeout", OPT_STALLTIMEOUT, true}, {"txtrickle", OPT_TXTRICKLE, true},
};

/* The network's seed nodes (spec/p2p-rpc.md §1; DNSSeeds replaces them, regnet has none). */
static const char *const SEEDS_MAINNET[] = {"52.74.28.202:20338", "52.62.113.83:20338",
                                            "35.156.51.127:20338", "35.177.89.244:20338"};
static const char *const SEEDS_TESTNET[] = {"13.234.24.155:21338", "15.206.198.252:21338",
                                            "13.234.249.168:21338"};

/* "host:port" with a non-empty host (a name, an IPv4 address or a [bracketed] IPv6 one) and a
 * port from 1 to 65535. */
static bool valid_hostport(const char *s)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s)
        return false;
    unsigned long port;
    if (!parse_ulong(&port, colon + 1, 1, 65535))
        return false;
    size_t hl = (size_t)(colon - s);
    if (s[0] == '[') {
        char buf[64];
        unsigned char ip[16];
        if (hl < 3 || colon[-1] != ']' || hl - 2 >= sizeof buf)
            return false;
        memcpy(buf, s + 1, hl - 2);
        buf[hl - 2] = '\0';
        return inet_pton(AF_INET6, buf, ip) == 1;
    }
    for (size_t i = 0; i < hl; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* Upper bounds of the numeric options. */
#define MAX_RPC_CLIENTS 4096ul
#define MAX_RPC_TIMEOUT 3600ul
#define MAX_MEMPOOL_MB (SIZE_MAX / 1000000u < 1000000u ? SIZE_MAX / 1000000u : 1000000u)
#define MAX_MEMPOOL_EXPIRY_HOURS 87600ul /* ten years */
#define MAX_P2P_CONNECTIONS 100000ul
#define MAX_P2P_TIMER 86400ul

/* The command line as given, before the config file is consulted. */
typedef struct args {
    const char *datadir, *conf, *logfile, *loglevel, *rpcbind, *rpcuser, *rpcpassword;
    const char *rpccookiefile, *paytoaddr, *minerinfo;
    bool rpcnoauth;
    long rpcmaxclients, rpctimeout, maxmempool, mempoolexpiry; /* -1: none */
    int automining, persistmempool;                             /* -1: none */
    int net;              /* -1: none given */
    long printlevel;      /* -1: none */
    long rpcport;         /* -1: none */
    long dbcache;         /* -1: none */
    int enablerpc;        /* -1: none */
    bool instant, reindex, stop_after_import, help, version;
    const char **loadblock;
    size_t n_loadblock;
    const char **allowip;
    size_t n_allowip;
    /* P2P */
    int listen, noseeds;                         /* -1: none */
    const char *bind;
    long port, maxconnections, maxoutbound;      /* -1: none */
    long pinginterval, idletimeout, stalltimeout, txtrickle; /* -1: none */
    const char **connect, **addnode, **seednode;
    size_t n_connect, n_addnode, n_seednode;
} args;

static void push_arg(const char ***v, size_t *n, const char *s)
{
    *v = ela_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = s;
}

static bool parse_args(args *a, int argc, char *const *argv, char *err, size_t errlen)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == '\0')
            return failf(err, errlen, "unexpected argument '%s' (options start with '-'; see "
                                      "elad -help)", arg);
        const char *name = arg + 1 + (arg[1] == '-');
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const struct opt *o = NULL;
        for (size_t k = 0; k < ELA_ARRAY_LEN(OPTS); k++)
            if (strlen(OPTS[k].name) == nlen && strncmp(OPTS[k].name, name, nlen) == 0)
                o = &OPTS[k];
        if (!o)
            return failf(err, errlen, "unknown option %.*s (see elad -help)",
                         (int)(name + nlen - arg), arg);
        const char *val = eq ? eq + 1 : NULL;
        bool on = true;
        if (o->takes_value) {
            if (!val) {
                if (i + 1 >= argc)
                    return failf(err, errlen, "option -%s needs a value", o->name);
                val = argv[++i];
            }
        } else if (val && !parse_bool(&on, val)) {
            return failf(err, errlen, "option -%s takes no value other than 0 or 1 (got '%s')",
                         o->name, val);
        }
        unsigned long n;
        ela_log_level lvl;
        switch (o->id) {
        case OPT_HELP: a->help = on; break;
        case OPT_VERSION: a->version = on; break;
        case OPT_DATADIR:
            if (!*val)
                return failf(err, errlen, "-datadir must not be empty");
            a->datadir = val;
            break;
        case OPT_CONF:
            if (!*val)
                return failf(err, errlen, "-conf must not be empty");
            a->conf = val;
            break;
        case OPT_REGNET:
        case OPT_TESTNET:
        case OPT_MAINNET: {
            if (!on)
                break;
            int net = o->id == OPT_REGNET ? ELA_NET_REGNET
                      : o->id == OPT_TESTNET ? ELA_NET_TESTNET : ELA_NET_MAINNET;
            if (a->net >= 0 && a->net != net)
                return failf(err, errlen, "-regnet, -testnet and -mainnet are exclusive");
            a->net = net;
            break;
        }
        case OPT_INSTANT: a->instant = on; break;
        case OPT_DBCACHE:
            if (!parse_ulong(&n, val, 4, 1048576))
                return failf(err, errlen, "-dbcache: expected a size in MB from 4 to 1048576, "
                                          "got '%s'", val);
            a->dbcache = (long)n;
            break;
        case OPT_REINDEX: a->reindex = on; break;
        case OPT_LOADBLOCK:
            a->loadblock = ela_xrealloc(a->loadblock, (a->n_loadblock + 1) * sizeof(char *));
            a->loadblock[a->n_loadblock++] = val;
            break;
        case OPT_STOPAFTERIMPORT: a->stop_after_import = on; break;
        case OPT_ENABLERPC: a->enablerpc = on; break;
        case OPT_RPCPORT:
            if (!parse_ulong(&n, val, 1, 65535))
                return failf(err, errlen, "-rpcport: expected a port from 1 to 65535, got '%s'",
                             val);
            a->rpcport = (long)n;
            break;
        case OPT_RPCBIND:
            if (!*val)
                return failf(err, errlen, "-rpcbind must not be empty");
            a->rpcbind = val;
            break;
        case OPT_RPCUSER: a->rpcuser = val; break;
        case OPT_RPCPASSWORD: a->rpcpassword = val; break;
        case OPT_RPCALLOWIP:
            a->allowip = ela_xrealloc(a->allowip, (a->n_allowip + 1) * sizeof(char *));
            a->allowip[a->n_allowip++] = val;
            break;
        case OPT_PRINTLEVEL:
            if (!ela_log_level_from_name(&lvl, val))
                return failf(err, errlen, "-printlevel: expected 0-5 or debug, info, warn, "
                                          "error, fatal, off; got '%s'", val);
            a->printlevel = (long)lvl;
            break;
        case OPT_LOGLEVEL: a->loglevel = val; break;
        case OPT_LOGFILE:
            if (!*val)
                return failf(err, errlen, "-logfile must not be empty (use '-' for stderr)");
            a->logfile = val;
            break;
        case OPT_RPCCOOKIEFILE:
            if (!*val)
                return failf(err, errlen, "-rpccookiefile must not be empty");
            a->rpccookiefile = val;
            break;
        case OPT_RPCNOAUTH: a->rpcnoauth = on; break;
        case OPT_RPCMAXCLIENTS:
            if (!parse_ulong(&n, val, 1, MAX_RPC_CLIENTS))
                return failf(err, errlen, "-rpcmaxclients: expected a number of connections "
                                          "from 1 to %lu, got '%s'", MAX_RPC_CLIENTS, val);
            a->rpcmaxclients = (long)n;
            break;
        case OPT_RPCTIMEOUT:
            if (!parse_ulong(&n, val, 1, MAX_RPC_TIMEOUT))
                return failf(err, errlen, "-rpctimeout: expected seconds from 1 to %lu, got "
                                          "'%s'", MAX_RPC_TIMEOUT, val);
            a->rpctimeout = (long)n;
            break;
        case OPT_PAYTOADDR: a->paytoaddr = val; break;
        case OPT_MINERINFO: a->minerinfo = val; break;
        case OPT_AUTOMINING: a->automining = on; break;
        case OPT_MAXMEMPOOL:
            if (!parse_ulong(&n, val, 1, MAX_MEMPOOL_MB))
                return failf(err, errlen, "-maxmempool: expected a size in MB from 1 to %lu, "
                                          "got '%s'", (unsigned long)MAX_MEMPOOL_MB, val);
            a->maxmempool = (long)n;
            break;
        case OPT_MEMPOOLEXPIRY:
            if (!parse_ulong(&n, val, 1, MAX_MEMPOOL_EXPIRY_HOURS))
                return failf(err, errlen, "-mempoolexpiry: expected hours from 1 to %lu, got "
                                          "'%s'", MAX_MEMPOOL_EXPIRY_HOURS, val);
            a->mempoolexpiry = (long)n;
            break;
        case OPT_PERSISTMEMPOOL: a->persistmempool = on; break;
        case OPT_LISTEN: a->listen = on; break;
        case OPT_NOSEEDS: a->noseeds = on; break;
        case OPT_BIND: {
            unsigned char ip[16];
            if (inet_pton(AF_INET, val, ip) != 1 && inet_pton(AF_INET6, val, ip) != 1)
                return failf(err, errlen, "-bind: expected a numeric IPv4 or IPv6 address, got "
                                          "'%s'", val);
            a->bind = val;
            break;
        }
        case OPT_PORT:
            if (!parse_ulong(&n, val, 1, 65535))
                return failf(err, errlen, "-port: expected a port from 1 to 65535, got '%s'",
                             val);
            a->port = (long)n;
            break;
        case OPT_CONNECT:
        case OPT_ADDNODE:
        case OPT_SEEDNODE:
            if (!valid_hostport(val))
                return failf(err, errlen, "-%s: expected HOST:PORT (port 1-65535; IPv6 as "
                                          "[ADDR]:PORT), got '%s'", o->name, val);
            if (o->id == OPT_CONNECT)
                push_arg(&a->connect, &a->n_connect, val);
            else if (o->id == OPT_ADDNODE)
                push_arg(&a->addnode, &a->n_addnode, val);
            else
                push_arg(&a->seednode, &a->n_seednode, val);
            break;
        case OPT_MAXCONNECTIONS:
        case OPT_MAXOUTBOUND:
            if (!parse_ulong(&n, val, o->id == OPT_MAXOUTBOUND ? 0 : 1, MAX_P2P_CONNECTIONS))
                return failf(err, errlen, "-%s: expected a number of connections from %d to "
                                          "%lu, got '%s'", o->name,
                             o->id == OPT_MAXOUTBOUND ? 0 : 1, MAX_P2P_CONNECTIONS, val);
            if (o->id == OPT_MAXCONNECTIONS)
                a->maxconnections = (long)n;
            else
                a->maxoutbound = (long)n;
            break;
        case OPT_PINGINTERVAL:
        case OPT_IDLETIMEOUT:
        case OPT_STALLTIMEOUT:
            if (!parse_ulong(&n, val, 1, MAX_P2P_TIMER))
                return failf(err, errlen, "-%s: expected seconds from 1 to %lu, got '%s'",
                             o->name, MAX_P2P_TIMER, val);
            if (o->id == OPT_PINGINTERVAL)
                a->pinginterval = (long)n;
            else if (o->id == OPT_IDLETIMEOUT)
                a->idletimeout = (long)n;
            else
                a->stalltimeout = (long)n;
            break;
        case OPT_TXTRICKLE:
            if (!parse_ulong(&n, val, 1, MAX_P2P_TIMER * 1000ul))
                return failf(err, errlen, "-%s: expected milliseconds from 1 to %lu, got '%s'",
                             o->name, MAX_P2P_TIMER * 1000ul, val);
            a->txtrickle = (long)n;
            break;
        }
    }
    return true;
}

/* -loglevel=LEVEL[,CATEGORY=LEVEL...]: the first item may also be a CATEGORY=LEVEL. */
static bool parse_loglevel(ela_node_config *cfg, const char *spec, char *err, size_t errlen)
{
    if (!*spec)
        return failf(err, errlen, "-loglevel must not be empty");
    char *copy = xstrdup(spec);
    bool ok = true;
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item && ok;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        ela_log_level lvl;
        if (!eq) {
            if (!ela_log_level_from_name(&lvl, item))
                ok = failf(err, errlen, "-loglevel: unknown level '%s' (debug, info, warn, "
                                        "error, fatal, off or 0-5)", item);
            else
                cfg->log_level = lvl;
            continue;
        }
        *eq = '\0';
        ela_log_category cat;
        if (!ela_log_category_from_name(&cat, item)) {
            ok = failf(err, errlen, "-loglevel: unknown category '%s'", item);
        } else if (!ela_log_level_from_name(&lvl, eq + 1)) {
            ok = failf(err, errlen, "-loglevel: unknown level '%s' for %s", eq + 1, item);
        } else if (cfg->n_log_overrides < ELA_LOGC_COUNT_) {
            cfg->log_cat[cfg->n_log_overrides] = cat;
            cfg->log_cat_level[cfg->n_log_overrides++] = lvl;
        }
    }
    free(copy);
    return ok;
}

/* ---- config file --------------------------------------------------------------------------- */

/* Line of the key that an error such as "PowConfiguration.InstantBlock: why" names, found by
 * searching the file's text for the quoted section and then the quoted key; 0 when unsure. */
static int locate_key(const char *path, const char *msg)
{
    const char *colon = strstr(msg, ": ");
    if (!colon || colon - msg > 200)
        return 0;
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(colon - msg), msg);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char *text = NULL;
    size_t len = 0, cap = 0, n;
    char buf[8192];
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && len < (16u << 20)) {
        if (len + n + 1 > cap) {
            cap = 2 * (len + n + 1);
            text = ela_xrealloc(text, cap);
        }
        memcpy(text + len, buf, n);
        len += n;
    }
    fclose(f);
    if (!text)
        return 0;
    text[len] = '\0';
    const char *from = text;
    int line = 0;
    for (char *part = name, *dot; part; part = dot ? dot + 1 : NULL) {
        dot = strchr(part, '.');
        if (dot)
            *dot = '\0';
        size_t pl = strlen(part);
        const char *hit = NULL;
        for (const char *p = from; (p = strchr(p, '"')) != NULL; p++) {
            if (strncasecmp(p + 1, part, pl) == 0 && p[1 + pl] == '"') {
                hit = p;
                break;
            }
        }
        if (!hit) {
            line = 0;
            break;
        }
        from = hit + 1;
        line = 1;
        for (const char *p = text; p < hit; p++)
            line += *p == '\n';
    }
    free(text);
    return line;
}

static bool conf_fail(char *err, size_t errlen, const char *path, const char *msg)
{
    int line = locate_key(path, msg);
    if (line > 0)
        return failf(err, errlen, "%s:%d: %s", path, line, msg);
    return failf(err, errlen, "%s: %s", path, msg);
}

/* Reads and checks the file's "Configuration" object; *out is a new reference (an empty object
 * when the file has no such key). */
static bool load_file(json_t **out, const char *path, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        if (je.line < 0)
            return failf(err, errlen, "%s: %s", path, je.text);
        return failf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    }
    if (!json_is_object(root)) {
        json_decref(root);
        return failf(err, errlen, "%s: expected a JSON object {\"Configuration\": {...}}", path);
    }
    bool dup;
    json_t *c = get_ci(root, "Configuration", &dup);
    if (dup) {
        json_decref(root);
        return conf_fail(err, errlen, path, "Configuration: given more than once (keys are "
                                            "case-insensitive)");
    }
    if (c && !json_is_object(c)) {
        json_decref(root);
        return conf_fail(err, errlen, path, "Configuration: expected an object");
    }
    *out = c ? json_deep_copy(c) : json_object();
    json_decref(root);
    if (!*out)
        abort();
    return true;
}

/* A typed optional key of the Configuration object (or of one of its sections). */
static bool conf_get(const json_t **out, const json_t *obj, const char *section,
                     const char *key, json_type type, const char *path, char *err,
                     size_t errlen)
{
    char where[128];
    bool dup;
    *out = NULL;
    if (!obj)
        return true;
    const json_t *v = get_ci(obj, key, &dup);
    snprintf(where, sizeof where, "%s%s%s", section ? section : "", section ? "." : "", key);
    char msg[192];
    if (dup) {
        snprintf(msg, sizeof msg, "%s: given more than once (keys are case-insensitive)", where);
        return conf_fail(err, errlen, path, msg);
    }
    if (!v || json_is_null(v))
        return true;
    bool ok = json_typeof(v) == type || (type == JSON_TRUE && json_is_boolean(v));
    if (!ok) {
        const char *want = type == JSON_STRING    ? "a string"
                           : type == JSON_TRUE    ? "true or false"
                           : type == JSON_INTEGER ? "an integer"
                           : type == JSON_ARRAY   ? "an array"
                                                  : "an object";
        snprintf(msg, sizeof msg, "%s: expected %s", where, want);
        return conf_fail(err, errlen, path, msg);
    }
    *out = v;
    return true;
}

/* ---- resolution ---------------------------------------------------------------------------- */

static bool is_loopback_text(const char *ip)
{
    return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
           strncmp(ip, "::ffff:127.", 11) == 0 || strcasecmp(ip, "localhost") == 0;
}

/* A config-file list of host:port strings (DNSSeeds, PermanentPeers) appended to *v. */
static bool conf_hostports(char ***v, size_t *n, const json_t *conf, const char *key,
                           const char *P, char *err, size_t errlen)
{
    const json_t *arr;
    if (!conf_get(&arr, conf, NULL, key, JSON_ARRAY, P, err, errlen))
        return false;
    for (size_t i = 0; arr && i < json_array_size(arr); i++) {
        const json_t *e = json_array_get(arr, i);
        if (!json_is_string(e) || !valid_hostport(json_string_value(e))) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s: entry %zu is not a \"host:port\" string (port "
                                      "1-65535)", key, i);
            return conf_fail(err, errlen, P, msg);
        }
        push(v, n, json_string_value(e));
    }
    return true;
}

/* The P2P options (spec/p2p-rpc.md §7, §12.2): flags over the file over the network's
 * defaults. */
static bool load_p2p(ela_node_config *cfg, const args *a, const json_t *conf, const char *P,
                     char *err, size_t errlen)
{
    const json_t *v;
    cfg->p2p_listen = a->listen >= 0 ? a->listen == 1 : true;
    cfg->p2p_bind = a->bind ? xstrdup(a->bind) : NULL;
    cfg->p2p_port = a->port > 0 ? (uint16_t)a->port : cfg->params.node_port;
    for (size_t i = 0; i < a->n_connect; i++)
        push(&cfg->p2p_connect, &cfg->n_p2p_connect, a->connect[i]);
    if (!conf_hostports(&cfg->p2p_addnode, &cfg->n_p2p_addnode, conf, "PermanentPeers", P, err,
                        errlen))
        return false;
    for (size_t i = 0; i < a->n_addnode; i++)
        push(&cfg->p2p_addnode, &cfg->n_p2p_addnode, a->addnode[i]);

    bool dup;
    const json_t *seeds = get_ci(conf, "DNSSeeds", &dup);
    if (seeds && !json_is_null(seeds)) {
        if (!conf_hostports(&cfg->p2p_seeds, &cfg->n_p2p_seeds, conf, "DNSSeeds", P, err,
                            errlen))
            return false;
    } else if (cfg->net == ELA_NET_MAINNET || cfg->net == ELA_NET_TESTNET) {
        bool main = cfg->net == ELA_NET_MAINNET;
        size_t k = main ? ELA_ARRAY_LEN(SEEDS_MAINNET) : ELA_ARRAY_LEN(SEEDS_TESTNET);
        for (size_t i = 0; i < k; i++)
            push(&cfg->p2p_seeds, &cfg->n_p2p_seeds, main ? SEEDS_MAINNET[i] : SEEDS_TESTNET[i]);
    }
    for (size_t i = 0; i < a->n_seednode; i++)
        push(&cfg->p2p_seeds, &cfg->n_p2p_seeds, a->seednode[i]);
    if (a->noseeds == 1) {
        for (size_t i = 0; i < cfg->n_p2p_seeds; i++)
            free(cfg->p2p_seeds[i]);
        free(cfg->p2p_seeds);
        cfg->p2p_seeds = NULL;
        cfg->n_p2p_seeds = 0;
    }

    cfg->p2p_max_connections = a->maxconnections > 0 ? (unsigned)a->maxconnections : 125u;
    cfg->p2p_max_outbound = a->maxoutbound >= 0 ? (unsigned)a->maxoutbound : 8u;
    if (cfg->p2p_max_outbound > cfg->p2p_max_connections) {
        if (a->maxoutbound >= 0)
            return failf(err, errlen, "-maxoutbound (%u) exceeds -maxconnections (%u)",
                         cfg->p2p_max_outbound, cfg->p2p_max_connections);
        cfg->p2p_max_outbound = cfg->p2p_max_connections; /* the default fits the total */
    }
    cfg->p2p_ping_interval = a->pinginterval > 0 ? (unsigned)a->pinginterval : 0;
    cfg->p2p_idle_timeout = a->idletimeout > 0 ? (unsigned)a->idletimeout : 0;
    cfg->p2p_stall_timeout = a->stalltimeout > 0 ? (unsigned)a->stalltimeout : 0;
    cfg->p2p_tx_trickle_ms = a->txtrickle > 0 ? (unsigned)a->txtrickle : 0;

    if (!conf_get(&v, conf, NULL, "DisableTxFilters", JSON_TRUE, P, err, errlen))
        return false;
    cfg->disable_tx_filters = v && json_is_true(v);
    cfg->peers_path = xjoin(cfg->datadir, "/data/", "peers.json");
    cfg->bans_path = xjoin(cfg->datadir, "/data/", "banlist.json");
    return true;
}

bool ela_node_config_load(ela_node_config *cfg, int argc, char *const *argv, char *err,
                          size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    args a = {.net = -1, .printlevel = -1, .rpcport = -1, .dbcache = -1, .enablerpc = -1,
              .rpcmaxclients = -1, .rpctimeout = -1, .maxmempool = -1, .mempoolexpiry = -1,
              .automining = -1, .persistmempool = -1, .listen = -1, .noseeds = -1, .port = -1,
              .maxconnections = -1, .maxoutbound = -1, .pinginterval = -1, .idletimeout = -1,
              .stalltimeout = -1, .txtrickle = -1};
    json_t *conf = NULL;
    bool ok = false;
    const char *path = NULL;
    const json_t *v;

    if (!parse_args(&a, argc, argv, err, errlen))
        goto out;
    cfg->help = a.help;
    cfg->version = a.version;
    if (a.help || a.version) {
        ok = true;
        goto out;
    }

    /* The file: -conf must exist; ./config.json is read when present, as the reference. */
    if (a.conf) {
        if (access(a.conf, R_OK) != 0) {
            failf(err, errlen, "cannot read config file %s: %s", a.conf, strerror(errno));
            goto out;
        }
        path = a.conf;
    } else if (access("config.json", F_OK) == 0) {
        path = "config.json";
    }
    if (path) {
        if (!load_file(&conf, path, err, errlen))
            goto out;
        cfg->conf_path = xstrdup(path);
    } else {
        conf = json_object();
        if (!conf)
            abort();
    }
    const char *P = path ? path : "config";

    /* The network: flag, else ActiveNet, else regnet; then the effective ActiveNet is written
     * back so that the parameters are built for the same network. */
    ela_network net = ELA_NET_REGNET;
    {
        /* kept verbatim for getmininginfo.chain; NULL when the file has none */
        bool dup;
        const json_t *an = get_ci(conf, "ActiveNet", &dup);
        if (an && json_is_string(an))
            cfg->active_net = xstrdup(json_string_value(an));
    }
    if (a.net >= 0) {
        net = (ela_network)a.net;
    } else {
        bool dup;
        const json_t *an = get_ci(conf, "ActiveNet", &dup);
        if (an && !json_is_null(an)) {
            const char *why;
            if (!ela_params_config_network(&net, conf, &why)) {
                conf_fail(err, errlen, P, why);
                goto out;
            }
        }
    }
    cfg->net = net;
    set_ci(conf, "ActiveNet", json_string(ela_network_name(net)));
    char perr[256];
    if (!ela_params_apply_config(&cfg->params, conf, perr, sizeof perr)) {
        conf_fail(err, errlen, P, perr);
        goto out;
    }
    if (a.instant) {
        ela_params_set_instant_block(&cfg->params);
        ela_params_enforce(&cfg->params);
    }

    /* Node keys of the file. */
    if (!conf_get(&v, conf, NULL, "DataDir", JSON_STRING, P, err, errlen))
        goto out;
    const char *datadir = a.datadir ? a.datadir : v ? json_string_value(v) : NULL;
    if (datadir && !*datadir) {
        conf_fail(err, errlen, P, "DataDir: must not be empty");
        goto out;
    }
    cfg->datadir = xstrdup(datadir ? datadir : ELA_NODE_DEFAULT_DATADIR);

    if (!conf_get(&v, conf, NULL, "EnableRPC", JSON_TRUE, P, err, errlen))
        goto out;
    cfg->rpc_enabled = a.enablerpc >= 0 ? a.enablerpc == 1 : v ? json_is_true(v) : true;
    cfg->rpc_port = a.rpcport > 0 ? (uint16_t)a.rpcport : cfg->params.rpc_port;

    const json_t *rpc, *user = NULL, *pass = NULL, *wl = NULL;
    if (!conf_get(&rpc, conf, NULL, "RpcConfiguration", JSON_OBJECT, P, err, errlen) ||
        !conf_get(&user, rpc, "RpcConfiguration", "User", JSON_STRING, P, err, errlen) ||
        !conf_get(&pass, rpc, "RpcConfiguration", "Pass", JSON_STRING, P, err, errlen) ||
        !conf_get(&wl, rpc, "RpcConfiguration", "WhiteIPList", JSON_ARRAY, P, err, errlen))
        goto out;
    cfg->rpc_user = xstrdup(a.rpcuser ? a.rpcuser : user ? json_string_value(user) : "");
    cfg->rpc_password =
        xstrdup(a.rpcpassword ? a.rpcpassword : pass ? json_string_value(pass) : "");
    bool remote = false;
    for (size_t i = 0; wl && i < json_array_size(wl); i++) {
        const json_t *e = json_array_get(wl, i);
        if (!json_is_string(e)) {
            conf_fail(err, errlen, P, "RpcConfiguration.WhiteIPList: expected strings");
            goto out;
        }
        push(&cfg->rpc_allow, &cfg->n_rpc_allow, json_string_value(e));
    }
    for (size_t i = 0; i < a.n_allowip; i++)
        push(&cfg->rpc_allow, &cfg->n_rpc_allow, a.allowip[i]);
    for (size_t i = 0; i < cfg->n_rpc_allow; i++)
        remote |= !is_loopback_text(cfg->rpc_allow[i]);
    /* The reference listens on every interface and filters by WhiteIPList; here the default is
     * loopback, widened only when the list names a remote client. */
    cfg->rpc_bind = xstrdup(a.rpcbind ? a.rpcbind : remote ? "0.0.0.0" : ELA_NODE_DEFAULT_RPC_BIND);

    if (!conf_get(&v, conf, NULL, "RPCServiceLevel", JSON_STRING, P, err, errlen))
        goto out;
    cfg->rpc_level = (int)ela_rpc_level_from_string(v ? json_string_value(v) : NULL);

    /* RPC authentication and limits. Both user and password empty: the cookie, unless
     * -rpcnoauth asks for the reference's open server, which only a loopback bind may be. */
    cfg->rpc_cookie_path = a.rpccookiefile ? xstrdup(a.rpccookiefile)
                                           : xjoin(cfg->datadir, "/", ".cookie");
    cfg->rpc_no_auth = a.rpcnoauth;
    if (cfg->rpc_no_auth && (*cfg->rpc_user || *cfg->rpc_password)) {
        failf(err, errlen, "-rpcnoauth contradicts the configured JSON-RPC user or password "
                           "(-rpcuser/-rpcpassword, RpcConfiguration.User/Pass)");
        goto out;
    }
    if (cfg->rpc_enabled && cfg->rpc_no_auth && !is_loopback_text(cfg->rpc_bind)) {
        failf(err, errlen, "-rpcnoauth needs a loopback JSON-RPC address, but it would listen on "
                           "%s: set -rpcbind=127.0.0.1, or drop -rpcnoauth and use the cookie "
                           "or -rpcuser/-rpcpassword", cfg->rpc_bind);
        goto out;
    }
    cfg->rpc_max_clients = a.rpcmaxclients > 0 ? (unsigned)a.rpcmaxclients : 64u;
    cfg->rpc_timeout = a.rpctimeout > 0 ? (unsigned)a.rpctimeout : 30u;

    /* Mining. */
    const json_t *pow, *payto = NULL, *minfo = NULL, *automine = NULL;
    if (!conf_get(&pow, conf, NULL, "PowConfiguration", JSON_OBJECT, P, err, errlen) ||
        !conf_get(&payto, pow, "PowConfiguration", "PayToAddr", JSON_STRING, P, err, errlen) ||
        !conf_get(&minfo, pow, "PowConfiguration", "MinerInfo", JSON_STRING, P, err, errlen) ||
        !conf_get(&automine, pow, "PowConfiguration", "AutoMining", JSON_TRUE, P, err, errlen))
        goto out;
    if (a.paytoaddr) {
        if (!ela_address_to_program_hash(&cfg->payto, a.paytoaddr)) {
            failf(err, errlen, "-paytoaddr: '%s' is not a valid address", a.paytoaddr);
            goto out;
        }
        cfg->has_payto = true;
    } else if (payto && *json_string_value(payto)) {
        /* "" is the reference's default: no address */
        if (!ela_address_to_program_hash(&cfg->payto, json_string_value(payto))) {
            char msg[256];
            snprintf(msg, sizeof msg, "PowConfiguration.PayToAddr: '%.120s' is not a valid "
                                      "address", json_string_value(payto));
            conf_fail(err, errlen, P, msg);
            goto out;
        }
        cfg->has_payto = true;
    }
    cfg->miner_info = xstrdup(a.minerinfo ? a.minerinfo : minfo ? json_string_value(minfo) : "");
    cfg->auto_mining = a.automining >= 0 ? a.automining == 1
                                         : automine ? json_is_true(automine) : false;
    if (cfg->auto_mining && !cfg->has_payto) {
        failf(err, errlen, "AutoMining (-automining) needs a reward address: set -paytoaddr or "
                           "PowConfiguration.PayToAddr");
        goto out;
    }

    /* Mempool. */
    cfg->mempool_max_bytes = a.maxmempool > 0 ? (size_t)a.maxmempool * 1000000u
                                              : (size_t)20000000u;
    cfg->mempool_expiry = (int64_t)(a.mempoolexpiry > 0 ? a.mempoolexpiry : 336) * 3600;
    cfg->persist_mempool = a.persistmempool >= 0 ? a.persistmempool == 1 : true;
    {
        char name[64];
        snprintf(name, sizeof name, "/data/mempool-%s.dat", ela_network_name(net));
        cfg->mempool_path = xjoin(cfg->datadir, name, "");
    }

    /* P2P. */
    if (!load_p2p(cfg, &a, conf, P, err, errlen))
        goto out;

    /* Logging. */
    if (!conf_get(&v, conf, NULL, "PrintLevel", JSON_INTEGER, P, err, errlen))
        goto out;
    cfg->log_level = ELA_LOG_INFO;
    if (v) {
        json_int_t pl = json_integer_value(v);
        if (pl < 0 || pl > 5) {
            conf_fail(err, errlen, P, "PrintLevel: expected 0 (debug) to 5 (off)");
            goto out;
        }
        cfg->log_level = (ela_log_level)pl;
    }
    if (a.printlevel >= 0)
        cfg->log_level = (ela_log_level)a.printlevel;
    if (a.loglevel && !parse_loglevel(cfg, a.loglevel, err, errlen))
        goto out;

    /* Paths. */
    cfg->chain_path = xjoin(cfg->datadir, "/data/chain-", ela_network_name(net));
    if (a.logfile)
        cfg->log_path = strcmp(a.logfile, "-") == 0 ? NULL : xstrdup(a.logfile);
    else
        cfg->log_path = xjoin(cfg->datadir, "/logs/node/", "elad.log");

    cfg->dbcache_mb = a.dbcache > 0 ? (size_t)a.dbcache : ELA_NODE_DEFAULT_DBCACHE_MB;
    cfg->reindex = a.reindex;
    cfg->stop_after_import = a.stop_after_import;
    for (size_t i = 0; i < a.n_loadblock; i++) {
        /* access, not fopen: opening a FIFO would wait for its writer */
        if (access(a.loadblock[i], R_OK) != 0) {
            failf(err, errlen, "cannot read -loadblock file %s: %s", a.loadblock[i],
                  strerror(errno));
            goto out;
        }
        push(&cfg->loadblock, &cfg->n_loadblock, a.loadblock[i]);
    }
    ok = true;

out:
    json_decref(conf);
    free(a.loadblock);
    free(a.allowip);
    free(a.connect);
    free(a.addnode);
    free(a.seednode);
    return ok;
}

void ela_node_config_apply_log_levels(const ela_node_config *cfg)
{
    ela_log_set_level(cfg->log_level);
    for (size_t i = 0; i < cfg->n_log_overrides; i++)
        ela_log_set_category_level(cfg->log_cat[i], cfg->log_cat_level[i]);
}

void ela_node_config_clear(ela_node_config *cfg)
{
    free(cfg->datadir);
    free(cfg->conf_path);
    free(cfg->chain_path);
    free(cfg->log_path);
    for (size_t i = 0; i < cfg->n_loadblock; i++)
        free(cfg->loadblock[i]);
    free(cfg->loadblock);
    free(cfg->rpc_bind);
    if (cfg->rpc_password)
        ela_memzero(cfg->rpc_password, strlen(cfg->rpc_password));
    free(cfg->rpc_user);
    free(cfg->rpc_password);
    for (size_t i = 0; i < cfg->n_rpc_allow; i++)
        free(cfg->rpc_allow[i]);
    free(cfg->rpc_allow);
    free(cfg->rpc_cookie_path);
    free(cfg->miner_info);
    free(cfg->mempool_path);
    free(cfg->active_net);
    free(cfg->p2p_bind);
    for (size_t i = 0; i < cfg->n_p2p_connect; i++)
        free(cfg->p2p_connect[i]);
    free(cfg->p2p_connect);
    for (size_t i = 0; i < cfg->n_p2p_addnode; i++)
        free(cfg->p2p_addnode[i]);
    free(cfg->p2p_addnode);
    for (size_t i = 0; i < cfg->n_p2p_seeds; i++)
        free(cfg->p2p_seeds[i]);
    free(cfg->p2p_seeds);
    free(cfg->peers_path);
    free(cfg->bans_path);
    memset(cfg, 0, sizeof *cfg);
}
