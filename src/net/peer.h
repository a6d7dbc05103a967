/* elad: the contract between the connection layer and the protocol layer of the P2P network
 * (net.h explains the split).
 *
 * The connection layer (peer.c, addrman.c) owns sockets and bufferevents, reads and checks
 * frames (magic, the NUL in the command, unknown commands, ela_p2p_max_payload, checksum), runs
 * the handshake (spec §4.1-4.3), ping/pong and the timers of §4.4 (handshake 30 s, ping 30 s,
 * idle 2 min), the limits of §7.1, bans and ban scores (§7.5), getaddr/addr and the address
 * manager (§7.2-7.4). It answers version, verack, ping, pong, getaddr and addr itself; a frame
 * or payload it cannot accept gets reject("malformed", 0x01) and a disconnect.
 *
 * The protocol layer (sync.c) gets every other message of a ready peer through
 * ela_sync_message: inv, getdata, notfound, getblocks, block, tx, reject, mempool, filterload,
 * filteradd, filterclear, txfilter, merkleblock, daddr. It owns sync (§6), relay (§5.1), data
 * serving (§5.2), the receiving rules of §5.3 (including the stall timers of §4.4 for what it
 * asked for) and SPV serving (§8).
 *
 * Threads: the loop thread only. */
#ifndef ELA_NET_PEER_H
#define ELA_NET_PEER_H

#include "net/net.h"

#include <ela/block.h>
#include <ela/ela.h>
#include <ela/tx.h>
#include <ela/uint256.h>

struct event_base;
struct ela_node;

typedef struct ela_peer ela_peer;
typedef struct ela_sync ela_sync;

/* ---- provided by the connection layer (peer.c) -------------------------------------------- */

/* What the protocol layer may read of a peer. Valid while the peer exists (until
 * ela_sync_peer_gone returned). */
typedef struct ela_peer_state {
    uint64_t id;            /* unique in this process */
    char addr[64];          /* "ip:port" */
    char ip[48];
    bool inbound;
    bool permanent;         /* -addnode / PermanentPeers / -connect */
    bool seed;              /* an address-fetch connection to a DNSSeeds entry: the reference
                             * rejects inv on such a connection and closes it (§7.4) */
    uint32_t version;       /* the peer's protocol version (20000 or 80000) */
    uint64_t services;
    bool relay;             /* version.relay: announce txs to it (until a filter says more) */
    uint64_t start_height;
    uint64_t height;        /* from version, ping, pong, and ela_peer_set_height */
    int64_t conn_time;      /* unix seconds */
} ela_peer_state;

const ela_peer_state *ela_peer_state_of(const ela_peer *p);

/* Queues cmd with its payload (the frame is built here: magic, command, length, checksum).
 * Never blocks; a peer whose output queue grows past a cap (e.g. 64 MiB) is disconnected. A
 * no-op once the peer is disconnecting. */
void ela_peer_send(ela_peer *p, const char *cmd, const uint8_t *payload, size_t len);
/* Bytes queued for the peer and not yet written to its socket. The protocol layer serves a
 * getdata only while this is below ELA_PEER_SEND_HIGH, and resumes in ela_sync_peer_drained. */
size_t ela_peer_send_queue(const ela_peer *p);
#define ELA_PEER_SEND_HIGH (4u << 20)
/* ela_sync_peer_drained is called once the queue has fallen to this. */
#define ELA_PEER_SEND_LOW (1u << 20)

/* reject(command, code, reason, hash) (spec §3.9); hash NULL: zero. */
void ela_peer_send_reject(ela_peer *p, const char *cmd, uint8_t code, const char *reason,
                          const ela_uint256 *hash);
/* Adds to the peer's ban score (transient parts decay with a 60 s half-life, spec §7.5). At 100
 * the IP is banned for 24 h and the peer disconnected; above 50 a warning is logged. */
void ela_peer_misbehaving(ela_peer *p, int score, bool transient, const char *reason);
/* Closes the connection once queued output is written (at most a few seconds). Logged with
 * reason at debug level (info for permanent peers). The protocol layer's peer_gone follows. */
void ela_peer_disconnect(ela_peer *p, const char *reason);
bool ela_peer_disconnecting(const ela_peer *p);
/* Records a height the peer proved it has (e.g. it served a block at that height). */
void ela_peer_set_height(ela_peer *p, uint64_t height);

/* Per-peer data of the protocol layer (set in peer_ready, freed by it in peer_gone). */
void *ela_peer_sync_data(const ela_peer *p);
void ela_peer_set_sync_data(ela_peer *p, void *data);

/* Calls fn for every ready peer (handshake done, not disconnecting) in connection order; stops
 * when fn returns false. The peer set must not change during the walk (disconnects requested
 * from fn take effect after it). */
void ela_net_foreach_peer(ela_net *n, bool (*fn)(void *ctx, ela_peer *p), void *ctx);

/* Our best height as the handshake and pings announce it (the chain's tip). */
uint32_t ela_net_our_height(const ela_net *n);

/* ---- provided by the protocol layer (sync.c) ---------------------------------------------- */

/* Created by ela_net_start after the listener, freed by ela_net_stop before the peers. */
ela_sync *ela_sync_new(ela_net *net, struct ela_node *node, struct event_base *base,
                       uint64_t our_services);
void ela_sync_free(ela_sync *s);
/* The stall deadline and the tx trickle interval in milliseconds (defaults 30,000 and 5,000,
 * spec §4.4, §5.1); 0 keeps a value. */
void ela_sync_set_timeouts(ela_sync *s, int64_t stall_ms, int64_t trickle_ms);

/* The version exchange with p is complete (verack sent; spec §4.1: messages may arrive before
 * its verack). Starts sync with it when it is a better candidate (§6.1). */
void ela_sync_peer_ready(ela_sync *s, ela_peer *p);
/* p is gone (closed by either side); release its data, pick another sync peer if it was one,
 * forget what was requested from it. */
void ela_sync_peer_gone(ela_sync *s, ela_peer *p);
/* A message of a ready peer for the protocol layer (see the list above). payload passed the
 * frame checks. Returns false when the payload does not decode: the connection layer then sends
 * reject("malformed") and disconnects. Protocol violations (unrequested block, notfound for a
 * block, filter misuse) are handled here with ela_peer_misbehaving / ela_peer_disconnect and
 * return true. */
bool ela_sync_message(ela_sync *s, ela_peer *p, const char *cmd, const uint8_t *payload,
                      size_t len);
/* The peer's height changed (ping/pong): a chance to start syncing from it. */
void ela_sync_peer_height(ela_sync *s, ela_peer *p);
/* p's output queue fell to ELA_PEER_SEND_LOW bytes or fewer: serve more of what it asked for. */
void ela_sync_peer_drained(ela_sync *s, ela_peer *p);

/* Relay hooks (the node calls them through ela_node_net): announce a block now connected as
 * the tip / a tx the mempool accepted, to every peer except `from` (an ela_peer or NULL). */
void ela_sync_relay_block(ela_sync *s, const ela_block *b, const void *from);
void ela_sync_relay_tx(ela_sync *s, const ela_tx *tx, const void *from);

/* The sync status of net.h. */
void ela_sync_status(const ela_sync *s, ela_net_sync_status *out);
/* True when p is the sync peer. */
bool ela_sync_is_sync_peer(const ela_sync *s, const ela_peer *p);

#endif /* ELA_NET_PEER_H */
