/* elad: the node's options (spec/p2p-rpc.md §12): command-line flags and the reference's
 * config.json, resolved into one struct the daemon runs from.
 *
 * Order, as the reference: built-in defaults of the network, then the config file, then the
 * command line (flags win). The network is the command line's -regnet/-testnet/-mainnet, else
 * the file's ActiveNet, else regnet: unlike the reference, mainnet is never the silent default.
 *
 * The config file is -conf=FILE when given (it must exist), otherwise ./config.json when the
 * current directory has one, as the reference does. Everything is validated here, before the
 * daemon creates a directory or opens the store. */
#ifndef ELA_NODE_CONFIG_H
#define ELA_NODE_CONFIG_H

#include <ela/ela.h>
#include <ela/log.h>
#include <ela/network.h>
#include <ela/params.h>
#include <ela/uint256.h>

#include <jansson.h>

#define ELA_NODE_DEFAULT_DATADIR "elastos"
#define ELA_NODE_DEFAULT_DBCACHE_MB 450u
#define ELA_NODE_DEFAULT_RPC_BIND "127.0.0.1"

typedef struct ela_node_config {
    /* What to do. */
    bool help;
    bool version;

    ela_network net;
    ela_params params;     /* defaults + config file + -instant */
    char *datadir;         /* -datadir, else Configuration.DataDir, else "elastos" */
    char *conf_path;       /* the config file read, or NULL */
    char *chain_path;      /* <datadir>/data/chain-<network> */
    char *log_path;        /* -logfile, else <datadir>/logs/node/elad.log; NULL: stderr only */

    /* Chain and import. */
    size_t dbcache_mb;
    bool reindex;
    char **loadblock; /* -loadblock files, in order */
    size_t n_loadblock;
    bool stop_after_import;

    /* JSON-RPC. */
    bool rpc_enabled;      /* Configuration.EnableRPC (default true here), -enablerpc */
    char *rpc_bind;        /* -rpcbind; default 127.0.0.1, or 0.0.0.0 when WhiteIPList names a
                            * non-loopback client */
    uint16_t rpc_port;     /* -rpcport, else HttpJsonPort, else the network's */
    char *rpc_user;        /* -rpcuser, else RpcConfiguration.User */
    char *rpc_password;    /* -rpcpassword, else RpcConfiguration.Pass */
    char **rpc_allow;      /* RpcConfiguration.WhiteIPList then each -rpcallowip */
    size_t n_rpc_allow;
    int rpc_level;         /* RPCServiceLevel (ela_rpc_level) */
    /* Cookie auth: when no password is configured (-rpcpassword / RpcConfiguration.Pass), the
     * server writes "__cookie__:<random hex>" to this file (mode 0600) at start and removes it
     * at stop; clients (ela-cli) read it. -rpccookiefile, default <datadir>/.cookie. */
    char *rpc_cookie_path;
    bool rpc_no_auth;      /* -rpcnoauth: no password and no cookie (the reference's default);
                            * only accepted with a loopback bind */
    unsigned rpc_max_clients; /* -rpcmaxclients: concurrent connections (default 64) */
    unsigned rpc_timeout;  /* -rpctimeout: seconds a client may take to send a request or read
                            * the reply (default 30; the reference's 60 s is per read/write) */

    /* Mining (PowConfiguration). */
    bool has_payto;        /* -paytoaddr, else PowConfiguration.PayToAddr */
    ela_uint168 payto;     /* its program hash */
    char *miner_info;      /* -minerinfo, else PowConfiguration.MinerInfo, else "" */
    bool auto_mining;      /* -automining, else PowConfiguration.AutoMining: start the CPU
                            * miner at boot (needs PayToAddr) */

    /* P2P (spec/p2p-rpc.md §7, §12.2). */
    bool p2p_listen;          /* -listen=0|1 (default 1) */
    char *p2p_bind;           /* -bind=ADDR: P2P listen address (default: every interface) */
    uint16_t p2p_port;        /* -port, else NodePort (params.node_port) */
    char **p2p_connect;       /* -connect=HOST:PORT (repeatable): only these peers */
    size_t n_p2p_connect;
    char **p2p_addnode;       /* PermanentPeers then each -addnode=HOST:PORT */
    size_t n_p2p_addnode;
    char **p2p_seeds;         /* DNSSeeds (host:port), else the network's defaults (none on
                               * regnet); -seednode=HOST:PORT adds; -noseeds empties */
    size_t n_p2p_seeds;
    unsigned p2p_max_connections; /* -maxconnections (default 125) */
    unsigned p2p_max_outbound;    /* -maxoutbound (default 8) */
    bool disable_tx_filters;  /* DisableTxFilters: advertise services 1, refuse filters */
    char *peers_path;         /* <datadir>/data/peers.json */
    char *bans_path;          /* <datadir>/data/banlist.json */
    unsigned p2p_ping_interval; /* hidden test option -pinginterval (seconds); 0: 30 */
    unsigned p2p_idle_timeout;  /* hidden test option -idletimeout (seconds); 0: 120 */
    unsigned p2p_stall_timeout; /* hidden test option -stalltimeout (seconds); 0: 30 */
    unsigned p2p_tx_trickle_ms; /* hidden test option -txtrickle (milliseconds); 0: 5000 */

    /* Mempool. */
    size_t mempool_max_bytes; /* -maxmempool=<MB> (default 20 MB, the reference's cap) */
    int64_t mempool_expiry;   /* -mempoolexpiry=<hours>, in seconds (default 336 h) */
    bool persist_mempool;     /* -persistmempool=0/1 (default 1): <datadir>/data/mempool-<net>.dat */
    char *mempool_path;

    /* The file's ActiveNet string as written (getmininginfo.chain); NULL when it has none. */
    char *active_net;

    /* Logging: the level of every category, then per-category overrides. */
    ela_log_level log_level; /* -printlevel, else PrintLevel, else info */
    size_t n_log_overrides;
    ela_log_category log_cat[ELA_LOGC_COUNT_];
    ela_log_level log_cat_level[ELA_LOGC_COUNT_];
} ela_node_config;

/* Parses argv (argv[0] is the program name) and the config file into *cfg (overwritten). On
 * failure returns false with a one-line message in err (errlen bytes) naming the option, or
 * the file with line and column (syntax) or key (type, range); *cfg must still be cleared.
 * -help and -version only set their fields (the rest may be incomplete). Reads files only
 * (the config; -loadblock files are checked to be readable); creates nothing. */
ELA_WARN_UNUSED_RESULT bool ela_node_config_load(ela_node_config *cfg, int argc,
                                                 char *const *argv, char *err, size_t errlen);

/* Frees what *cfg owns and zeroes it. Clearing a zeroed config is a no-op. */
void ela_node_config_clear(ela_node_config *cfg);

/* Applies the log levels of cfg (ela_log_set_level, then the category overrides). */
void ela_node_config_apply_log_levels(const ela_node_config *cfg);

/* The -help text. */
const char *ela_node_config_usage(void);

#endif /* ELA_NODE_CONFIG_H */
