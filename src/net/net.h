/* elad: the P2P network (DESIGN.md "services: net/"; spec/p2p-rpc.md §2-8): one libevent loop
 * with a bufferevent per connection, the ELA handshake and timers, inbound and outbound limits,
 * misbehaviour scores and bans, an address manager persisted across restarts, seeds given as
 * host:port P2P nodes, initial block download, relay of blocks and transactions, and SPV
 * serving (bloom filters, txfilter, merkleblock).
 *
 * Layout of src/net/:
 *   net.h    this API, used by elad and the RPC methods;
 *   peer.h   the contract between the connection layer (peer.c, addrman.c: sockets, framing,
 *            handshake, timers, limits, bans, addresses) and the protocol layer (sync.c:
 *            sync, relay, data serving, SPV), which never touch each other's internals.
 *
 * Threads: the node's loop thread only (the chain, the mempool and the net share it). */
#ifndef ELA_NET_NET_H
#define ELA_NET_NET_H

#include <ela/ela.h>
#include <ela/params.h>

struct event_base;
struct ela_node;

typedef struct ela_net ela_net;

typedef struct ela_net_options {
    struct event_base *base;
    struct ela_node *node;       /* chain, mempool, params; the net sets node->net */
    const ela_params *params;    /* magic, ports, MaxNodePerHost, NewP2PProtocolVersionHeight */

    bool listen;                 /* accept inbound connections (-listen, default 1) */
    const char *bind;            /* listen address; NULL: every interface (0.0.0.0 and ::) */
    uint16_t port;               /* -port, else NodePort */

    /* -connect: connect only to these host:port peers (no seeds, no address manager dials). */
    const char *const *connect;
    size_t n_connect;
    /* -addnode and PermanentPeers: always connected, re-dialled with back-off. */
    const char *const *addnode;
    size_t n_addnode;
    /* DNSSeeds (host:port P2P nodes, spec §7.4): asked for addresses (getaddr) when the
     * address manager knows too few. */
    const char *const *seeds;
    size_t n_seeds;

    unsigned max_connections;    /* -maxconnections: all peers together (default 125) */
    unsigned max_outbound;       /* target outbound connections (default 8) */
    unsigned max_per_host;       /* peers per remote IP (MaxNodePerHost) */
    uint64_t services;           /* advertised: 7 (SFNodeNetwork|SFTxFiltering|SFNodeBloom), or 1
                                  * with DisableTxFilters (then filters are refused, spec §5.3) */
    const char *node_version;    /* the v80000 nodeVersion string, e.g. "elad-0.1.0" */
    const char *peers_path;      /* address book, e.g. <datadir>/data/peers.json */
    const char *bans_path;       /* bans, e.g. <datadir>/data/banlist.json */
    /* Timers in seconds; 0: the reference's values (handshake 30, ping 30, idle 120, stall 30:
     * a getblocks or getdata unanswered for that long). Tests shorten them (elad's hidden
     * -pinginterval / -idletimeout / -stalltimeout / -txtrickle). */
    unsigned handshake_timeout;
    unsigned ping_interval;
    unsigned idle_timeout;
    unsigned stall_timeout;
    unsigned tx_trickle_ms;     /* tx inventory flush interval in ms; 0: 5000 (spec §5.1) */
} ela_net_options;

/* Starts listening (when opt->listen) and dialling. NULL with a one-line reason in err when the
 * port cannot be bound or an option is invalid. Loads the address book and the bans (a damaged
 * file is logged and ignored: the node starts with an empty one). Registers itself in
 * opt->node->net so that blocks and txs the node accepts are relayed. */
ela_net *ela_net_start(const ela_net_options *opt, char *err, size_t errlen);
/* Closes every connection, saves the address book and the bans, and detaches from the node.
 * ela_net_stop(NULL) is a no-op. */
void ela_net_stop(ela_net *n);

/* The net started on node (registered in node->net by ela_net_start), or NULL when none runs
 * (node may be NULL). For the RPC methods, whose context is the node. */
ela_net *ela_net_from_node(const struct ela_node *node);

/* The port the node listens on (the one the system chose when opt->port was 0); 0 when not
 * listening. */
uint16_t ela_net_port(const ela_net *n);

/* ---- what the RPC methods show ------------------------------------------------------------ */

/* One connected peer (after its version arrived), as getnodestate's neighbors and getneighbors
 * show it (spec §10.7.2). */
typedef struct ela_net_peer_view {
    uint64_t id;
    char addr[64];          /* "ip:port" */
    bool inbound;
    bool permanent;
    uint64_t services;
    bool relay;
    uint32_t version;       /* the peer's advertised protocol version */
    char node_version[48];  /* its nodeVersion ("" for v20000) */
    uint64_t start_height;
    uint64_t height;        /* latest known */
    int64_t conn_time, last_send, last_recv; /* unix seconds */
    int64_t time_offset;    /* its version timestamp minus our clock when it arrived */
    int64_t ping_micros;    /* last ping round trip, -1 when none yet */
    int64_t last_ping_time; /* unix seconds of the last pong, 0 when none yet */
    int ban_score;
    bool sync_peer;         /* the peer we download blocks from */
} ela_net_peer_view;

/* Fills out[0..max) with the connected peers in connection order; returns how many there are
 * (may exceed max). */
size_t ela_net_peers(const ela_net *n, ela_net_peer_view *out, size_t max);
/* Connected peers (handshake done). */
size_t ela_net_connection_count(const ela_net *n);

/* Sync progress (getnodestate, the log). */
typedef struct ela_net_sync_status {
    bool syncing;           /* a sync peer is set and we are below its height */
    uint32_t height;        /* our tip */
    uint64_t target;        /* the best height peers told us (ours when none is higher) */
    double progress;        /* height / target in [0, 1] */
    uint64_t blocks_received;
} ela_net_sync_status;

void ela_net_sync_status_get(const ela_net *n, ela_net_sync_status *out);

/* ---- operator controls (RPC addnode / disconnectnode / setban / listbanned / clearbanned) -- */

/* Dials host:port now; permanent: keep it connected (as -addnode); else one try. false with
 * err for an unparsable address or when it is already connected. */
ELA_WARN_UNUSED_RESULT bool ela_net_add_node(ela_net *n, const char *hostport, bool permanent,
                                             char *err, size_t errlen);
/* Stops keeping a permanent node (does not disconnect). false when it was not added. */
bool ela_net_remove_node(ela_net *n, const char *hostport);
/* Disconnects the peer with this "ip:port" or id (decimal). false when no such peer. */
bool ela_net_disconnect(ela_net *n, const char *addr_or_id);

typedef struct ela_net_ban {
    char ip[48];
    int64_t until;      /* unix seconds */
    int64_t created;
    char reason[64];
} ela_net_ban;

/* Bans ip (an IPv4 or IPv6 address) for seconds (0: 24 h) and disconnects its peers. */
ELA_WARN_UNUSED_RESULT bool ela_net_ban_ip(ela_net *n, const char *ip, int64_t seconds,
                                           const char *reason);
bool ela_net_unban_ip(ela_net *n, const char *ip);
void ela_net_clear_bans(ela_net *n);
/* Current bans (expired ones are dropped first) into out[0..max); returns how many. */
size_t ela_net_bans(ela_net *n, ela_net_ban *out, size_t max);

#endif /* ELA_NET_NET_H */
