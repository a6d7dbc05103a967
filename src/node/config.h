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
