/* elad: the Elastos (ELA) full node daemon. See doc/elad.1.
 *
 * Start-up: options and config.json (node/config.c), network parameters, the node (node/node.h)
 * and the chain store it listens to, then the -loadblock imports (straight into the chain: the
 * mempool does not exist yet, so there is nothing to maintain), then the node's mempool (the
 * saved one re-admitted against the imported tip) and miner, then the P2P network (net/net.h:
 * listener, dials, the address book and bans), then the JSON-RPC server (with its cookie) and
 * the event loop. Everything runs on the main thread (DESIGN.md "Threads");
 * the chain engine owns its signature workers.
 *
 * Shutdown, on every path once the node has started: the RPC server closes (removing the
 * cookie), the P2P network stops (closing every connection, saving the address book and the
 * bans), the node stops (saving the mempool), then the chain closes.
 *
 * Signals (STYLE.md guideline 15): the handlers only set a flag and write a byte to a pipe that
 * the loop watches. The loop, or the import loop between two blocks, does the work: SIGINT and
 * SIGTERM stop RPC, close (flush) the chain and exit 0; SIGHUP reopens the log file. The `stop`
 * RPC takes the same path once its reply has been written.
 *
 * Exit status: 0 after a clean stop, 1 on a bad option or config, a store that cannot be
 * opened, an RPC or P2P port that cannot be bound, or an environment failure during import. */
#include "config.h"

#include "net/net.h"
#include "node/config.h"
#include "node/node.h"
#include "rpc/rpc.h"

#include <ela/block.h>
#include <ela/chain.h>
#include <ela/hex.h>
#include <ela/log.h>
#include <ela/uint256.h>
#include <ela/validation.h>

#include <event2/event.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- signals ------------------------------------------------------------------------------- */

static volatile sig_atomic_t shutdown_requested;
static volatile sig_atomic_t reopen_requested;
static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGHUP)
        reopen_requested = 1;
    else
        shutdown_requested = 1;
    if (signal_pipe[1] >= 0) {
        ssize_t r = write(signal_pipe[1], "s", 1);
        (void)r; /* a full pipe already holds a wake-up */
    }
    errno = saved;
}

static bool install_signals(void)
{
    if (pipe(signal_pipe) != 0)
        return false;
    for (int i = 0; i < 2; i++) {
        fcntl(signal_pipe[i], F_SETFL, fcntl(signal_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(signal_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0 ||
        sigaction(SIGHUP, &sa, NULL) != 0)
        return false;
    /* A client that hangs up mid-reply must not kill the node. */
    sa.sa_handler = SIG_IGN;
    return sigaction(SIGPIPE, &sa, NULL) == 0;
}

/* Work the handlers asked for, outside the handler. */
static void service_signals(void)
{
    if (reopen_requested) {
        reopen_requested = 0;
        ela_log_reopen();
        ela_log_info(ELA_LOGC_NODE, "log file reopened");
    }
}

/* ---- files --------------------------------------------------------------------------------- */

/* mkdir -p, for the data and log directories. */
static bool make_dirs(const char *path)
{
    char *p = ela_xmemdup(path, strlen(path) + 1);
    bool ok = true;
    for (char *s = p + 1; ok; s++) {
        bool end = *s == '\0';
        if (*s != '/' && !end)
            continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            ok = false;
        if (end)
            break;
        *s = '/';
    }
    if (ok) {
        struct stat st;
        ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    }
    free(p);
    return ok;
}

static bool make_parent_dirs(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash || slash == file)
        return true;
    char *dir = ela_xmemdup(file, (size_t)(slash - file) + 1);
    dir[slash - file] = '\0';
    bool ok = make_dirs(dir);
    free(dir);
    return ok;
}

/* ---- -loadblock ---------------------------------------------------------------------------- */

/* Longest line worth reading: the hex of the largest block the format allows, with room for
 * surrounding blanks. Longer lines are skipped without being held in memory. */
#define MAX_LINE (2u * ELA_MAX_BLOCK_SIZE + 64u)

typedef struct import_stats {
    uint64_t connected, side, orphan, duplicate, invalid;
} import_stats;

typedef enum import_result { IMPORT_DONE, IMPORT_INTERRUPTED, IMPORT_FAILED } import_result;

/* Reads one line into *buf (grown as needed, at most MAX_LINE bytes kept). Returns false at end
 * of file with nothing read; *oversized when the line was longer than MAX_LINE. */
static bool read_line(FILE *f, char **buf, size_t *cap, size_t *len, bool *oversized)
{
    int ch;
    bool any = false;
    *len = 0;
    *oversized = false;
    /* One lock for the whole line: a locked getc per byte was a tenth of an import's time. */
    flockfile(f);
    while ((ch = getc_unlocked(f)) != EOF) {
        any = true;
        if (ch == '\n')
            break;
        if (*len >= MAX_LINE) {
            *oversized = true;
            continue;
        }
        if (*len + 1 >= *cap) {
            *cap = *cap ? 2 * *cap : 1 << 16;
            if (*cap > MAX_LINE + 1)
                *cap = MAX_LINE + 1;
            *buf = ela_xrealloc(*buf, *cap);
        }
        (*buf)[(*len)++] = (char)ch;
    }
    funlockfile(f);
    if (*buf)
        (*buf)[*len] = '\0';
    return any;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* One line of a -loadblock file. false only on an environment failure (the store). */
static bool import_line(ela_chain *chain, const char *path, size_t lineno, char *s,
                        import_stats *st)
{
    while (is_blank(*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && is_blank(e[-1]))
        *--e = '\0';
    if (*s == '\0' || *s == '#')
        return true;

    ela_bytes raw = {0};
    const char *why = NULL;
    if (!ela_hex_decode_bytes(&raw, s, &why)) {
        ela_log_warn(ELA_LOGC_NODE, "loadblock %s:%zu: not hex (%s); skipped", path, lineno, why);
        st->invalid++;
        return true;
    }
    ela_validation_state vs;
    ela_validation_init(&vs);
    ela_block_status bs = ela_chain_process_block_bytes(chain, &vs, raw.data, raw.len);
    ela_bytes_clear(&raw);
    switch (bs) {
    case ELA_BLOCK_CONNECTED: st->connected++; break;
    case ELA_BLOCK_SIDE: st->side++; break;
    case ELA_BLOCK_ORPHAN: st->orphan++; break;
    case ELA_BLOCK_DUPLICATE: st->duplicate++; break;
    case ELA_BLOCK_INVALID:
        st->invalid++;
        ela_log_warn(ELA_LOGC_NODE, "loadblock %s:%zu: block refused: %s%s%s", path, lineno,
                     vs.reason, vs.detail[0] ? ": " : "", vs.detail);
        break;
    case ELA_BLOCK_ERROR:
        ela_log_error(ELA_LOGC_NODE, "loadblock %s:%zu: cannot store the block: %s%s%s", path,
                      lineno, vs.reason, vs.detail[0] ? ": " : "", vs.detail);
        return false;
    }
    return true;
}

static import_result import_file(ela_chain *chain, const char *path, import_stats *st)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ela_log_error(ELA_LOGC_NODE, "loadblock %s: %s", path, strerror(errno));
        return IMPORT_FAILED;
    }
    ela_log_info(ELA_LOGC_NODE, "loadblock %s: importing", path);
    char *buf = NULL;
    size_t cap = 0, len, lineno = 0;
    bool oversized;
    import_result res = IMPORT_DONE;
    time_t last_progress = time(NULL);
    while (res == IMPORT_DONE && read_line(f, &buf, &cap, &len, &oversized)) {
        lineno++;
        if (oversized) {
            ela_log_warn(ELA_LOGC_NODE, "loadblock %s:%zu: line longer than the hex of the "
                         "largest block (%u bytes); skipped", path, lineno, MAX_LINE);
            st->invalid++;
        } else if (buf && !import_line(chain, path, lineno, buf, st)) {
            res = IMPORT_FAILED;
            break;
        }
        /* Signals are honoured between blocks: an import of millions of blocks can be
         * stopped, and the store is consistent after every block. */
        service_signals();
        if (shutdown_requested) {
            ela_log_info(ELA_LOGC_NODE, "loadblock %s: interrupted after line %zu", path,
                         lineno);
            res = IMPORT_INTERRUPTED;
        } else if (time(NULL) - last_progress >= 10) {
            last_progress = time(NULL);
            ela_log_info(ELA_LOGC_NODE, "loadblock %s: line %zu, chain height %u", path, lineno,
                         ela_chain_height(chain));
        }
    }
    if (res == IMPORT_DONE && ferror(f)) {
        ela_log_error(ELA_LOGC_NODE, "loadblock %s: read error after line %zu", path, lineno);
        res = IMPORT_FAILED;
    }
    free(buf);
    fclose(f);
    return res;
}

/* Imports every -loadblock file in order and prints a summary of each. */
static import_result import_all(ela_chain *chain, const ela_node_config *cfg)
{
    for (size_t i = 0; i < cfg->n_loadblock; i++) {
        import_stats st = {0};
        import_result r = import_file(chain, cfg->loadblock[i], &st);
        char line[512];
        snprintf(line, sizeof line,
                 "loadblock %s: %llu imported (%llu on a side branch, %llu orphan), %llu "
                 "duplicate, %llu invalid; chain height %u", cfg->loadblock[i],
                 (unsigned long long)(st.connected + st.side + st.orphan),
                 (unsigned long long)st.side, (unsigned long long)st.orphan,
                 (unsigned long long)st.duplicate, (unsigned long long)st.invalid,
                 ela_chain_height(chain));
        ela_log_info(ELA_LOGC_NODE, "%s", line);
        printf("%s\n", line);
        fflush(stdout);
        if (r != IMPORT_DONE)
            return r;
    }
    return IMPORT_DONE;
}

/* ---- the loop ------------------------------------------------------------------------------ */

typedef struct loop {
    struct event_base *base;
    ela_node *node;
    struct event *signal_ev;
    struct event *stop_timer;
} loop;

static void on_signal_pipe(evutil_socket_t fd, short what, void *arg)
{
    loop *n = arg;
    char drain[64];
    while (read(fd, drain, sizeof drain) > 0)
        ;
    service_signals();
    if (shutdown_requested) {
        ela_log_info(ELA_LOGC_NODE, "shutdown requested by signal");
        n->node->stopping = true;
        event_base_loopbreak(n->base);
    }
}

static void request_shutdown(void *arg)
{
    loop *n = arg;
    shutdown_requested = 1;
    n->node->stopping = true;
    event_base_loopbreak(n->base);
}

static void on_stop_timer(evutil_socket_t fd, short what, void *arg) { request_shutdown(arg); }

/* stop (ours; the reference has none): replies, then shuts down as SIGTERM does once the reply
 * is written. The timer covers a client that never lets the connection close. */
static json_t *m_stop(ela_rpc_call *call)
{
    loop *n = call->ctx;
    if (!n->node->stopping) {
        n->node->stopping = true;
        ela_log_info(ELA_LOGC_NODE, "shutdown requested by the stop RPC");
        struct timeval tv = {3, 0};
        evtimer_add(n->stop_timer, &tv);
    }
    call->after_reply = request_shutdown;
    call->after_reply_arg = n;
    json_t *r = json_string("elad stopping");
    if (!r)
        abort();
    return r;
}

static const ela_rpc_method DAEMON_METHODS[] = {
    {"stop", m_stop, {NULL}, ELA_RPC_LEVEL_CONFIGURATION},
};

/* Runs RPC and the loop of the started node until a signal or `stop`. Returns the exit
 * status. The RPC server is closed (and its cookie removed) before it returns. */
static int serve(ela_node *node, const ela_node_config *cfg)
{
    loop n = {.base = node->base, .node = node};
    int status = 1;
    ela_rpc_table *table = NULL;
    ela_rpc_server *rpc = NULL;
    ela_rpc_chain_ctx chain_ctx = {node->chain, &cfg->params};

    n.signal_ev = event_new(n.base, signal_pipe[0], EV_READ | EV_PERSIST, on_signal_pipe, &n);
    n.stop_timer = evtimer_new(n.base, on_stop_timer, &n);
    if (!n.signal_ev || !n.stop_timer || event_add(n.signal_ev, NULL) != 0) {
        ela_log_error(ELA_LOGC_NODE, "cannot set up the event loop");
        goto out;
    }
    if (cfg->rpc_enabled) {
        table = ela_rpc_table_new(cfg->rpc_level);
        ela_rpc_chain_register(table, &chain_ctx);
        ela_rpc_tx_register(table, node);
        ela_rpc_mining_register(table, node);
        ela_rpc_node_register(table, node);
        ela_rpc_net_register(table, node);
        ela_rpc_table_add(table, DAEMON_METHODS, ELA_ARRAY_LEN(DAEMON_METHODS), &n);
        ela_rpc_server_options ro = {
            .bind = cfg->rpc_bind,
            .port = cfg->rpc_port,
            .user = cfg->rpc_user,
            .password = cfg->rpc_password,
            .allow_ips = (const char *const *)cfg->rpc_allow,
            .n_allow_ips = cfg->n_rpc_allow,
            /* with no password: the cookie, unless -rpcnoauth (loopback only, checked) */
            .cookie_path = cfg->rpc_no_auth ? NULL : cfg->rpc_cookie_path,
            .max_clients = cfg->rpc_max_clients,
            .timeout = cfg->rpc_timeout,
        };
        char err[512];
        if (ro.cookie_path && !*cfg->rpc_user && !*cfg->rpc_password &&
            !make_parent_dirs(ro.cookie_path)) {
            snprintf(err, sizeof err, "cannot create the directory of the RPC cookie file %s: %s",
                     ro.cookie_path, strerror(errno));
            ela_log_error(ELA_LOGC_NODE, "%s", err);
            fprintf(stderr, "elad: %s\n", err);
            goto out;
        }
        rpc = ela_rpc_server_start(n.base, table, &ro, err, sizeof err);
        if (!rpc) {
            ela_log_error(ELA_LOGC_NODE, "%s", err);
            fprintf(stderr, "elad: %s\n", err);
            goto out;
        }
    } else {
        ela_log_info(ELA_LOGC_NODE, "JSON-RPC disabled (EnableRPC false)");
    }

    ela_log_info(ELA_LOGC_NODE, "elad running: chain height %u", ela_chain_height(node->chain));
    if (!shutdown_requested)
        event_base_dispatch(n.base);
    ela_log_info(ELA_LOGC_NODE, "shutting down");
    status = 0;

out:
    ela_rpc_server_free(rpc);
    ela_rpc_table_free(table);
    if (n.stop_timer)
        event_free(n.stop_timer);
    if (n.signal_ev)
        event_free(n.signal_ev);
    return status;
}

/* ---- main ---------------------------------------------------------------------------------- */

/* The chain's clock: the network-adjusted time of the node (peers' clock samples). */
static int64_t node_adjusted_time(void *ctx) { return ela_node_now(ctx); }

int main(int argc, char **argv)
{
    /* First of all, so that a SIGTERM that arrives during start-up is a clean stop rather than
     * the default kill (a service manager may stop the node at any moment). */
    if (!install_signals()) {
        fprintf(stderr, "elad: cannot install signal handlers: %s\n", strerror(errno));
        return 1;
    }
    ela_node_config cfg;
    char err[512];
    if (!ela_node_config_load(&cfg, argc, argv, err, sizeof err)) {
        fprintf(stderr, "elad: %s\n", err);
        ela_node_config_clear(&cfg);
        return 1;
    }
    if (cfg.help) {
        fputs(ela_node_config_usage(), stdout);
        ela_node_config_clear(&cfg);
        return 0;
    }
    if (cfg.version) {
        printf("elad version %s\n", PACKAGE_VERSION);
        ela_node_config_clear(&cfg);
        return 0;
    }

    int status = 1;
    ela_chain *chain = NULL;
    ela_node node;
    bool node_started = false;
    ela_net *net = NULL;
    struct event_base *base = event_base_new();
    if (!base) {
        fprintf(stderr, "elad: cannot create the event loop\n");
        ela_node_config_clear(&cfg);
        return 1;
    }
    ela_node_init(&node, base, &cfg, &cfg.params);
    ela_node_config_apply_log_levels(&cfg);
    if (!make_dirs(cfg.datadir)) {
        fprintf(stderr, "elad: cannot create the data directory %s: %s\n", cfg.datadir,
                strerror(errno));
        goto out;
    }
    if (cfg.log_path && (!make_parent_dirs(cfg.log_path) || !ela_log_open(cfg.log_path, true))) {
        fprintf(stderr, "elad: cannot open the log file %s: %s\n", cfg.log_path,
                strerror(errno));
        goto out;
    }
    ela_log_info(ELA_LOGC_NODE, "elad %s starting: network %s, data directory %s, config %s",
                 PACKAGE_VERSION, ela_network_name(cfg.net), cfg.datadir,
                 cfg.conf_path ? cfg.conf_path : "(none: built-in defaults)");
    if (!make_parent_dirs(cfg.chain_path)) {
        fprintf(stderr, "elad: cannot create the directory of %s: %s\n", cfg.chain_path,
                strerror(errno));
        goto out;
    }

    ela_chain_options co = {
        .path = cfg.chain_path,
        .params = &cfg.params,
        .dbcache_bytes = cfg.dbcache_mb << 20,
        .reindex = cfg.reindex,
        .listener = &node.listener,
        .adjusted_time = node_adjusted_time,
        .time_ctx = &node,
    };
    chain = ela_chain_open(&co, err, sizeof err);
    node.chain = chain;
    if (!chain) {
        ela_log_error(ELA_LOGC_NODE, "cannot open the chain at %s: %s", cfg.chain_path, err);
        fprintf(stderr, "elad: cannot open the chain at %s: %s\n", cfg.chain_path, err);
        goto out;
    }
    ela_uint256 tip;
    char tiphex[ELA_UINT256_HEX_LEN + 1];
    ela_chain_tip_hash(chain, &tip);
    ela_uint256_to_display(tiphex, &tip);
    ela_log_info(ELA_LOGC_NODE, "chain %s opened at height %u (%s)", cfg.chain_path,
                 ela_chain_height(chain), tiphex);

    /* The mempool exists before the import, so that a reorganisation the imported blocks cause
     * re-admits the txs of the blocks it disconnects (the chain listener queues them; the
     * update after the import admits them against the new tip). */
    node_started = true; /* ela_node_stop is safe after a partial start */
    if (!ela_node_start(&node, err, sizeof err)) {
        ela_log_error(ELA_LOGC_NODE, "cannot start the node: %s", err);
        fprintf(stderr, "elad: %s\n", err);
        goto out;
    }
    import_result ir = import_all(chain, &cfg);
    if (cfg.n_loadblock)
        ela_node_tip_changed(&node);
    if (ir == IMPORT_FAILED) {
        fprintf(stderr, "elad: block import failed (see the log)\n");
        goto out;
    }
    if (cfg.stop_after_import || ir == IMPORT_INTERRUPTED || shutdown_requested) {
        status = 0;
        goto out;
    }
    ela_net_options no = {
        .base = base,
        .node = &node,
        .params = &cfg.params,
        .listen = cfg.p2p_listen,
        .bind = cfg.p2p_bind,
        .port = cfg.p2p_port,
        .connect = (const char *const *)cfg.p2p_connect,
        .n_connect = cfg.n_p2p_connect,
        .addnode = (const char *const *)cfg.p2p_addnode,
        .n_addnode = cfg.n_p2p_addnode,
        /* -connect: only those peers, no address fetches */
        .seeds = cfg.n_p2p_connect ? NULL : (const char *const *)cfg.p2p_seeds,
        .n_seeds = cfg.n_p2p_connect ? 0 : cfg.n_p2p_seeds,
        .max_connections = cfg.p2p_max_connections,
        .max_outbound = cfg.p2p_max_outbound,
        .max_per_host = cfg.params.max_node_per_host,
        .services = cfg.disable_tx_filters ? UINT64_C(1) : UINT64_C(7),
        .node_version = "elad-" PACKAGE_VERSION,
        .peers_path = cfg.peers_path,
        .bans_path = cfg.bans_path,
        .ping_interval = cfg.p2p_ping_interval,
        .idle_timeout = cfg.p2p_idle_timeout,
        .stall_timeout = cfg.p2p_stall_timeout,
        .tx_trickle_ms = cfg.p2p_tx_trickle_ms,
    };
    if (!make_parent_dirs(cfg.peers_path)) {
        fprintf(stderr, "elad: cannot create the directory of %s: %s\n", cfg.peers_path,
                strerror(errno));
        goto out;
    }
    net = ela_net_start(&no, err, sizeof err);
    if (!net) {
        ela_log_error(ELA_LOGC_NODE, "cannot start the P2P network: %s", err);
        fprintf(stderr, "elad: %s\n", err);
        goto out;
    }
    status = serve(&node, &cfg);

out:
    ela_net_stop(net); /* before the node: relay hooks and the address book */
    if (node_started)
        ela_node_stop(&node); /* saves the mempool: before the chain closes */
    if (chain) {
        ela_chain_close(chain);
        ela_log_info(ELA_LOGC_NODE, "chain closed");
    }
    if (status == 0)
        ela_log_info(ELA_LOGC_NODE, "elad stopped");
    event_base_free(base);
    ela_log_close();
    ela_node_config_clear(&cfg);
    return status;
}
