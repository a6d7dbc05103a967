/* elad: the connection layer of the P2P network (net.h, peer.h; spec/p2p-rpc.md §2, §4, §7):
 * listeners, bufferevents, framing, the handshake, ping/pong and the timers, limits, ban scores
 * and bans, getaddr/addr, the connection manager (-connect, -addnode, address-manager dials,
 * seeds) and the periodic saves.
 *
 * Decisions where the reference leaves room:
 *   - peers marked permanent (-connect, -addnode, PermanentPeers, addnode "add") are never
 *     banned by a ban score: reaching 100 only disconnects them (and they are re-dialled), so a
 *     misconfigured operator peer cannot lock itself out for 24 h. An operator ban (setban)
 *     still applies to them, and a banned IP is never dialled;
 *   - an inbound connection is never permanent: when the node is full it is refused. A
 *     permanent outbound dial on a full node evicts the newest inbound peer;
 *   - a version from an SPV peer (no SFNodeNetwork) over the 100 SPV peers disconnects it;
 *   - a first message other than version gets reject(<its command>, malformed) and a
 *     disconnect (the reference leaves such connections to idle out);
 *   - seeds are address-fetch connections: version with relay 0, getaddr, the first addr is
 *     taken, then the connection is closed (10 s without one closes it too).
 *
 * Peer lifetime: a peer is marked dead (closed by either side, or its output drained after
 * ela_peer_disconnect) and freed later by the reaper event, so that no callback ever runs on
 * freed memory and the peer set never changes during ela_net_foreach_peer. */
#include "net/peer.h"

#include "net/addrman.h"
#include "node/node.h"

#include <ela/chain.h>
#include <ela/log.h>
#include <ela/p2p.h>
#include <ela/serialize.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include <jansson.h>

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_HANDSHAKE_TIMEOUT 30u
#define DEFAULT_PING_INTERVAL 30u
#define DEFAULT_IDLE_TIMEOUT 120u
#define DIAL_TIMEOUT 30
#define SEED_ADDR_TIMEOUT 10
#define CLOSE_GRACE 5
#define MAX_OUTPUT (64u << 20)
#define MAX_SPV_PEERS 100u
#define BAN_THRESHOLD 100
#define BAN_WARN 50
#define BAN_DEFAULT_SECONDS (24 * 3600)
#define DECAY_HALF_LIFE 60.0
#define SAVE_INTERVAL 600
#define STAT_INTERVAL 60
#define MAX_PERMANENT_BACKOFF 300
#define MAX_SEED_TRIES 50

/* ---- types -------------------------------------------------------------------------------- */

typedef enum target_kind { T_CONNECT, T_ADDNODE, T_ONETRY, T_SEED } target_kind;

/* A host:port the connection manager dials by name (not from the address manager). */
typedef struct target {
    char *hostport;
    target_kind kind;
    unsigned retries;    /* failed dials in a row */
    unsigned tries;      /* seeds: dials so far */
    int64_t next_try;
    bool busy;           /* a lookup, dial or connection is in progress */
    bool removed;        /* addnode remove / one try used: never dialled again */
    bool got_addr;       /* seeds: the last connection delivered addresses */
    struct evdns_getaddrinfo_request *req;
    ela_net *net;
} target;

struct ela_peer {
    ela_net *net;
    ela_peer_state st;
    struct bufferevent *bev;
    uint8_t ip16[16];
    uint16_t port;
    target *target;          /* NULL for inbound and address-manager dials */
    bool connected;          /* TCP up */
    bool version_sent, version_received, verack_received, ready;
    bool disconnecting, dead;
    bool getaddr_answered;
    bool have_header;
    ela_p2p_header hdr;
    uint64_t our_nonce;
    char node_version[48];
    int64_t last_send, last_recv, time_offset;
    int64_t ping_sent_us;    /* 0: no ping outstanding */
    int64_t ping_micros;     /* -1: none yet */
    int64_t last_ping_time;  /* unix seconds of the last pong, 0: none */
    double ban_persistent, ban_transient;
    int64_t ban_transient_us;
    struct event *hs_timer;  /* handshake / dial / seed timeout, then the close grace */
    struct event *ping_timer;
    void *sync_data;
};

struct ela_net {
    struct event_base *base;
    ela_node *node;
    const ela_params *params;
    ela_net_options opt;
    struct evconnlistener *listeners[2];
    size_t n_listeners;
    uint16_t port;
    ela_peer **peers;
    size_t n_peers, cap_peers;
    uint64_t next_id;
    target **targets;
    size_t n_targets;
    ela_addrman *am;
    ela_net_ban *bans;
    size_t n_bans;
    struct event *tick, *reaper, *save_timer, *stat_timer;
    struct evdns_base *dns;
    ela_sync *sync;
    unsigned handshake_timeout, ping_interval, idle_timeout;
    bool stopping;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static int64_t now_s(void) { return (int64_t)time(NULL); }

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t rnd64(void)
{
    uint64_t v;
    evutil_secure_rng_get_bytes(&v, sizeof v);
    return v;
}

static char *xstrdup(const char *s) { return ela_xmemdup(s, strlen(s) + 1); }

static void sockaddr_to_ip16(uint8_t ip[16], uint16_t *port, const struct sockaddr *sa)
{
    memset(ip, 0, 16);
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        ip[10] = ip[11] = 0xff;
        memcpy(ip + 12, &s4->sin_addr, 4);
        *port = ntohs(s4->sin_port);
    } else {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        memcpy(ip, &s6->sin6_addr, 16);
        *port = ntohs(s6->sin6_port);
    }
}

static socklen_t ip16_to_sockaddr(struct sockaddr_storage *ss, const uint8_t ip[16],
                                  uint16_t port)
{
    static const uint8_t V4[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    memset(ss, 0, sizeof *ss);
    if (memcmp(ip, V4, 12) == 0) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
        s4->sin_family = AF_INET;
        memcpy(&s4->sin_addr, ip + 12, 4);
        s4->sin_port = htons(port);
        return sizeof *s4;
    }
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    memcpy(&s6->sin6_addr, ip, 16);
    s6->sin6_port = htons(port);
    return sizeof *s6;
}

/* Splits "host:port" / "[v6]:port" into host and port; false when malformed. */
static bool split_hostport(char *host, size_t hostlen, uint16_t *port, const char *s)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s)
        return false;
    const char *h = s;
    size_t hl = (size_t)(colon - s);
    if (s[0] == '[') {
        if (colon[-1] != ']')
            return false;
        h++;
        hl -= 2;
    }
    if (hl == 0 || hl >= hostlen)
        return false;
    memcpy(host, h, hl);
    host[hl] = '\0';
    unsigned long v = 0;
    const char *p = colon + 1;
    if (!*p)
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > 65535)
            return false;
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v == 0 || v > 65535)
        return false;
    *port = (uint16_t)v;
    return true;
}

/* ---- bans ------------------------------------------------------------------------------------ */

static bool canonical_ip(char out[48], const char *ip)
{
    uint8_t b[16];
    uint8_t v4[4];
    if (inet_pton(AF_INET, ip, v4) == 1) {
        memset(b, 0, 10);
        b[10] = b[11] = 0xff;
        memcpy(b + 12, v4, 4);
    } else if (inet_pton(AF_INET6, ip, b) != 1) {
        return false;
    }
    ela_addr_ip_string(out, 48, b);
    return true;
}

static void expire_bans(ela_net *n)
{
    int64_t t = now_s();
    size_t k = 0;
    for (size_t i = 0; i < n->n_bans; i++)
        if (n->bans[i].until > t)
            n->bans[k++] = n->bans[i];
    n->n_bans = k;
}

static bool ip16_banned(ela_net *n, const uint8_t ip[16])
{
    char s[48];
    ela_addr_ip_string(s, sizeof s, ip);
    expire_bans(n);
    for (size_t i = 0; i < n->n_bans; i++)
        if (strcmp(n->bans[i].ip, s) == 0)
            return true;
    return false;
}

static void save_bans(ela_net *n)
{
    if (!n->opt.bans_path)
        return;
    expire_bans(n);
    json_t *arr = json_array();
    if (!arr)
        abort();
    for (size_t i = 0; i < n->n_bans; i++) {
        const ela_net_ban *b = &n->bans[i];
        json_t *o = json_pack("{s:s,s:I,s:I,s:s}", "ip", b->ip, "until", (json_int_t)b->until,
                              "created", (json_int_t)b->created, "reason", b->reason);
        if (!o)
            abort();
        json_array_append_new(arr, o);
    }
    json_t *root = json_pack("{s:i,s:o}", "version", 1, "bans", arr);
    if (!root)
        abort();
    size_t len = strlen(n->opt.bans_path);
    char *tmp = ela_xmalloc(len + 5);
    memcpy(tmp, n->opt.bans_path, len);
    memcpy(tmp + len, ".tmp", 5);
    if (json_dump_file(root, tmp, JSON_COMPACT) != 0 || rename(tmp, n->opt.bans_path) != 0) {
        ela_log_error(ELA_LOGC_NET, "cannot save the ban list to %s: %s", n->opt.bans_path,
                      strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    json_decref(root);
}

static void load_bans(ela_net *n)
{
    if (!n->opt.bans_path || access(n->opt.bans_path, F_OK) != 0)
        return;
    json_error_t je;
    json_t *root = json_load_file(n->opt.bans_path, 0, &je);
    const json_t *arr = root ? json_object_get(root, "bans") : NULL;
    bool ok = json_is_array(arr);
    ela_net_ban *v = ela_xcalloc(json_array_size(arr) + 1, sizeof *v);
    size_t nv = 0;
    for (size_t i = 0; ok && i < json_array_size(arr); i++) {
        const json_t *o = json_array_get(arr, i);
        const json_t *ip = json_object_get(o, "ip"), *until = json_object_get(o, "until");
        const json_t *created = json_object_get(o, "created"), *reason = json_object_get(o, "reason");
        ok = json_is_string(ip) && json_is_integer(until) && json_is_integer(created) &&
             json_is_string(reason) && canonical_ip(v[nv].ip, json_string_value(ip));
        if (ok) {
            v[nv].until = json_integer_value(until);
            v[nv].created = json_integer_value(created);
            snprintf(v[nv].reason, sizeof v[nv].reason, "%s", json_string_value(reason));
            nv++;
        }
    }
    if (!ok) {
        ela_log_error(ELA_LOGC_NET, "ban list %s is damaged (%s); starting with no bans",
                      n->opt.bans_path, root ? "unexpected content" : je.text);
        nv = 0;
    }
    free(n->bans);
    n->bans = v;
    n->n_bans = nv;
    expire_bans(n);
    if (n->n_bans)
        ela_log_info(ELA_LOGC_NET, "%zu bans loaded from %s", n->n_bans, n->opt.bans_path);
    json_decref(root);
}

/* ---- peers: lifetime ------------------------------------------------------------------------ */

static void log_closed(const ela_peer *p)
{
    if (p->st.permanent)
        ela_log_info(ELA_LOGC_NET, "peer %s (%s) closed", p->st.addr,
                     p->st.inbound ? "inbound" : "outbound");
    else
        ela_log_debug(ELA_LOGC_NET, "peer %s (%s) closed", p->st.addr,
                      p->st.inbound ? "inbound" : "outbound");
}

static void mark_dead(ela_peer *p)
{
    if (p->dead)
        return;
    p->dead = true;
    p->disconnecting = true;
    if (p->bev)
        bufferevent_disable(p->bev, EV_READ | EV_WRITE);
    if (p->hs_timer)
        event_del(p->hs_timer);
    if (p->ping_timer)
        event_del(p->ping_timer);
    if (!p->net->stopping)
        event_active(p->net->reaper, EV_TIMEOUT, 0);
}

static void target_done(ela_net *n, target *t, bool success)
{
    t->busy = false;
    int64_t now = now_s();
    if (t->kind == T_ONETRY) {
        t->removed = true;
    } else if (t->kind == T_SEED) {
        if (t->got_addr) {
            t->retries = 0;
            t->next_try = now + MAX_PERMANENT_BACKOFF;
        } else {
            t->retries++;
            int64_t d = (int64_t)t->retries * 10;
            t->next_try = now + (d > MAX_PERMANENT_BACKOFF ? MAX_PERMANENT_BACKOFF : d);
        }
        t->got_addr = false;
    } else {
        if (success)
            t->retries = 0;
        else
            t->retries++;
        int64_t d = (int64_t)t->retries * 5;
        t->next_try = now + (d > MAX_PERMANENT_BACKOFF ? MAX_PERMANENT_BACKOFF : d);
    }
    (void)n;
}

static void peer_free(ela_peer *p)
{
    ela_net *n = p->net;
    if (p->ready && n->sync)
        ela_sync_peer_gone(n->sync, p);
    if (p->target)
        target_done(n, p->target, p->ready);
    if (p->hs_timer)
        event_free(p->hs_timer);
    if (p->ping_timer)
        event_free(p->ping_timer);
    if (p->bev)
        bufferevent_free(p->bev);
    log_closed(p);
    free(p);
}

static void on_reap(evutil_socket_t fd, short what, void *arg)
{
    ela_net *n = arg;
    size_t k = 0;
    for (size_t i = 0; i < n->n_peers; i++) {
        ela_peer *p = n->peers[i];
        if (p->dead)
            peer_free(p);
        else
            n->peers[k++] = p;
    }
    n->n_peers = k;
}

static void on_close_grace(evutil_socket_t fd, short what, void *arg) { mark_dead(arg); }

static void on_drained(struct bufferevent *bev, void *arg)
{
    ela_peer *p = arg;
    if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
        mark_dead(p);
}

static void on_event(struct bufferevent *bev, short what, void *arg);

void ela_peer_disconnect(ela_peer *p, const char *reason)
{
    if (p->disconnecting)
        return;
    p->disconnecting = true;
    if (p->st.permanent)
        ela_log_info(ELA_LOGC_NET, "disconnecting peer %s: %s", p->st.addr, reason);
    else
        ela_log_debug(ELA_LOGC_NET, "disconnecting peer %s: %s", p->st.addr, reason);
    if (p->ping_timer)
        event_del(p->ping_timer);
    if (!p->connected || evbuffer_get_length(bufferevent_get_output(p->bev)) == 0) {
        mark_dead(p);
        return;
    }
    bufferevent_disable(p->bev, EV_READ);
    bufferevent_setcb(p->bev, NULL, on_drained, on_event, p);
    event_del(p->hs_timer);
    event_assign(p->hs_timer, p->net->base, -1, 0, on_close_grace, p);
    struct timeval tv = {CLOSE_GRACE, 0};
    evtimer_add(p->hs_timer, &tv);
}

bool ela_peer_disconnecting(const ela_peer *p) { return p->disconnecting; }

size_t ela_peer_send_queue(const ela_peer *p)
{
    return p->connected ? evbuffer_get_length(bufferevent_get_output(p->bev)) : 0;
}

/* The output queue fell to the low-water mark: the protocol layer may serve more. */
static void on_write(struct bufferevent *bev, void *arg)
{
    ela_peer *p = arg;
    if (p->ready && !p->disconnecting && p->net->sync)
        ela_sync_peer_drained(p->net->sync, p);
}

/* ---- peers: output ------------------------------------------------------------------------- */

void ela_peer_send(ela_peer *p, const char *cmd, const uint8_t *payload, size_t len)
{
    if (p->disconnecting || !p->connected)
        return;
    struct evbuffer *out = bufferevent_get_output(p->bev);
    if (evbuffer_get_length(out) + len > MAX_OUTPUT) {
        ela_log_warn(ELA_LOGC_NET, "peer %s does not read its messages (%zu bytes queued); "
                     "disconnecting", p->st.addr, evbuffer_get_length(out));
        mark_dead(p);
        return;
    }
    ela_p2p_header h;
    uint8_t hb[ELA_P2P_HEADER_SIZE];
    ela_p2p_header_make(&h, p->net->params->magic, cmd, payload, len);
    ela_p2p_header_serialize(hb, &h);
    evbuffer_add(out, hb, sizeof hb);
    if (len)
        evbuffer_add(out, payload, len);
    p->last_send = now_s();
    ela_log_debug(ELA_LOGC_NET, "send %s (%zu bytes) to %s", cmd, len, p->st.addr);
}

static void send_writer(ela_peer *p, const char *cmd, ela_writer *w)
{
    ela_peer_send(p, cmd, w->data, w->len);
    ela_writer_clear(w);
}

void ela_peer_send_reject(ela_peer *p, const char *cmd, uint8_t code, const char *reason,
                          const ela_uint256 *hash)
{
    ela_p2p_reject rj;
    memset(&rj, 0, sizeof rj);
    ela_bytes_set(&rj.command, (const uint8_t *)cmd, strlen(cmd));
    ela_bytes_set(&rj.reason, (const uint8_t *)reason, strlen(reason));
    rj.code = code;
    if (hash)
        rj.hash = *hash;
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_reject_write(&w, &rj);
    ela_p2p_reject_clear(&rj);
    send_writer(p, ELA_CMD_REJECT, &w);
}

static void reject_and_close(ela_peer *p, const char *cmd, uint8_t code, const char *reason)
{
    ela_peer_send_reject(p, cmd, code, reason, NULL);
    ela_peer_disconnect(p, reason);
}

/* ---- ban scores ---------------------------------------------------------------------------- */

static double ban_score(ela_peer *p)
{
    int64_t t = mono_us();
    if (p->ban_transient > 0) {
        double dt = (double)(t - p->ban_transient_us) / 1e6;
        p->ban_transient *= pow(0.5, dt / DECAY_HALF_LIFE);
        if (p->ban_transient < 1e-3)
            p->ban_transient = 0;
    }
    p->ban_transient_us = t;
    return p->ban_persistent + p->ban_transient;
}

void ela_peer_misbehaving(ela_peer *p, int score, bool transient, const char *reason)
{
    if (p->dead)
        return;
    double before = ban_score(p);
    if (transient)
        p->ban_transient += score;
    else
        p->ban_persistent += score;
    double s = before + score;
    if (s >= BAN_THRESHOLD) {
        if (p->st.permanent) {
            ela_log_warn(ELA_LOGC_NET, "permanent peer %s misbehaved (%s, ban score %.0f); "
                         "disconnecting without a ban", p->st.addr, reason, s);
            ela_peer_disconnect(p, "ban score reached");
            return;
        }
        ela_log_warn(ELA_LOGC_NET, "banning %s for 24 h: %s (ban score %.0f)", p->st.ip,
                     reason, s);
        if (!ela_net_ban_ip(p->net, p->st.ip, 0, reason))
            ela_peer_disconnect(p, "ban score reached");
    } else if (s > BAN_WARN) {
        ela_log_warn(ELA_LOGC_NET, "peer %s misbehaving: %s (ban score %.0f)", p->st.addr,
                     reason, s);
    }
}

/* ---- handshake ----------------------------------------------------------------------------- */

uint32_t ela_net_our_height(const ela_net *n)
{
    return n->node && n->node->chain ? ela_chain_height(n->node->chain) : 0;
}

static void send_version(ela_peer *p)
{
    ela_net *n = p->net;
    ela_p2p_version v;
    memset(&v, 0, sizeof v);
    uint32_t h = ela_net_our_height(n);
    v.version = h >= n->params->new_p2p_protocol_version_height ? ELA_P2P_PROTOCOL_V2
                                                                : ELA_P2P_PROTOCOL_V1;
    v.services = n->opt.services;
    v.timestamp = (uint32_t)now_s();
    v.port = n->port ? n->port : n->opt.port;
    v.nonce = p->our_nonce;
    v.height = h;
    v.relay = !p->st.seed;
    if (v.version >= ELA_P2P_PROTOCOL_V2) {
        const char *nv = n->opt.node_version ? n->opt.node_version : "";
        size_t l = strlen(nv);
        if (l > ELA_P2P_MAX_NODE_VERSION)
            l = ELA_P2P_MAX_NODE_VERSION;
        memcpy(v.node_version, nv, l);
        v.node_version_len = l;
    }
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_version_write(&w, &v);
    send_writer(p, ELA_CMD_VERSION, &w);
    p->version_sent = true;
}

static size_t count_spv(const ela_net *n)
{
    size_t c = 0;
    for (size_t i = 0; i < n->n_peers; i++)
        c += n->peers[i]->ready && !n->peers[i]->dead &&
             !(n->peers[i]->st.services & ELA_SF_NODE_NETWORK);
    return c;
}

static void on_ping_timer(evutil_socket_t fd, short what, void *arg)
{
    ela_peer *p = arg;
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_ping_write(&w, ela_net_our_height(p->net));
    p->ping_sent_us = mono_us();
    send_writer(p, ELA_CMD_PING, &w);
}

static void send_own_address(ela_peer *p)
{
    ela_net *n = p->net;
    if (!n->opt.listen || !n->opt.bind)
        return; /* the address others reach us at is unknown */
    ela_p2p_netaddr na = {.timestamp = now_s(), .services = n->opt.services, .port = n->port};
    uint8_t v4[4];
    if (inet_pton(AF_INET, n->opt.bind, v4) == 1) {
        na.ip[10] = na.ip[11] = 0xff;
        memcpy(na.ip + 12, v4, 4);
    } else if (inet_pton(AF_INET6, n->opt.bind, na.ip) != 1) {
        return;
    }
    if (!ela_addr_routable(na.ip))
        return;
    ela_p2p_addr a = {.addrs = &na, .n = 1};
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_addr_write(&w, &a);
    send_writer(p, ELA_CMD_ADDR, &w);
}

static bool is_own_nonce(const ela_net *n, uint64_t nonce)
{
    for (size_t i = 0; i < n->n_peers; i++)
        if (n->peers[i]->our_nonce == nonce)
            return true;
    return false;
}

static void on_hs_timeout(evutil_socket_t fd, short what, void *arg);

static void handle_version(ela_peer *p, const uint8_t *payload, size_t len)
{
    ela_net *n = p->net;
    ela_p2p_version v;
    const char *why;
    if (p->version_received) {
        reject_and_close(p, ELA_CMD_VERSION, ELA_REJECT_DUPLICATE, "duplicate version message");
        return;
    }
    if (!ela_p2p_version_parse(&v, payload, len, &why)) {
        reject_and_close(p, "malformed", ELA_REJECT_MALFORMED, why);
        return;
    }
    if (is_own_nonce(n, v.nonce)) {
        ela_peer_disconnect(p, "connected to ourselves");
        return;
    }
    if (!(v.services & ELA_SF_NODE_NETWORK) && count_spv(n) >= MAX_SPV_PEERS) {
        ela_peer_disconnect(p, "too many SPV peers");
        return;
    }
    if ((v.services & ELA_SF_NODE_NETWORK) && v.version < ELA_P2P_PROTOCOL_V1) {
        ela_peer_disconnect(p, "protocol version too old");
        return;
    }
    p->version_received = true;
    p->st.version = v.version;
    p->st.services = v.services;
    p->st.relay = v.relay;
    p->st.start_height = v.height;
    p->st.height = v.height;
    p->time_offset = (int64_t)v.timestamp - now_s();
    if (n->node)
        ela_node_add_time_sample(n->node, p->st.addr, p->time_offset);
    snprintf(p->node_version, sizeof p->node_version, "%.*s", (int)v.node_version_len,
             v.node_version);
    if (p->st.inbound)
        send_version(p);
    ela_peer_send(p, ELA_CMD_VERACK, NULL, 0);
    if (!p->st.inbound) {
        if (p->st.seed || ela_addrman_need_more(n->am))
            ela_peer_send(p, ELA_CMD_GETADDR, NULL, 0);
        send_own_address(p);
        if (!p->target)
            ela_addrman_good(n->am, p->ip16, p->port, now_s());
    }
    if (p->disconnecting)
        return;
    p->ready = true;
    event_del(p->hs_timer);
    if (p->st.seed) {
        struct timeval tv = {SEED_ADDR_TIMEOUT, 0};
        evtimer_add(p->hs_timer, &tv);
    }
    struct timeval pi = {(time_t)n->ping_interval, 0};
    evtimer_add(p->ping_timer, &pi);
    if (p->target && p->target->kind != T_SEED)
        p->target->retries = 0;
    if (p->st.permanent)
        ela_log_info(ELA_LOGC_NET, "connected to %s (%s, version %u %s, height %llu)",
                     p->st.addr, p->st.inbound ? "inbound" : "outbound", p->st.version,
                     p->node_version, (unsigned long long)p->st.height);
    else
        ela_log_debug(ELA_LOGC_NET, "connected to %s (%s, version %u %s, height %llu)",
                      p->st.addr, p->st.inbound ? "inbound" : "outbound", p->st.version,
                      p->node_version, (unsigned long long)p->st.height);
    if (n->sync)
        ela_sync_peer_ready(n->sync, p);
}

static void handle_addr(ela_peer *p, const uint8_t *payload, size_t len)
{
    ela_net *n = p->net;
    ela_p2p_addr a;
    const char *why;
    if (!ela_p2p_addr_parse(&a, payload, len, &why)) {
        reject_and_close(p, "malformed", ELA_REJECT_MALFORMED, why);
        return;
    }
    if (a.n == 0) {
        ela_p2p_addr_clear(&a);
        ela_peer_disconnect(p, "empty addr message");
        return;
    }
    int64_t t = now_s();
    size_t added = 0;
    for (size_t i = 0; i < a.n; i++) {
        ela_p2p_netaddr na = a.addrs[i];
        if (na.timestamp > t + 600)
            na.timestamp = t - 5 * 86400;
        added += ela_addrman_add(n->am, &na);
    }
    ela_log_debug(ELA_LOGC_NET, "addr from %s: %zu entries, %zu kept (%zu known)", p->st.addr,
                  a.n, added, ela_addrman_count(n->am));
    ela_p2p_addr_clear(&a);
    if (p->st.seed) {
        if (p->target)
            p->target->got_addr = true;
        ela_peer_disconnect(p, "seed delivered addresses");
    }
}

static void handle_getaddr(ela_peer *p)
{
    if (!p->st.inbound || p->getaddr_answered)
        return;
    p->getaddr_answered = true;
    ela_p2p_netaddr *v = ela_xcalloc(ELA_P2P_MAX_ADDR, sizeof *v);
    size_t k = ela_addrman_sample(p->net->am, v, ELA_P2P_MAX_ADDR, rnd64);
    if (k) { /* an empty addr would get us disconnected */
        ela_p2p_addr a = {.addrs = v, .n = k};
        ela_writer w;
        ela_writer_init(&w);
        ela_p2p_addr_write(&w, &a);
        send_writer(p, ELA_CMD_ADDR, &w);
    }
    free(v);
}

static void dispatch(ela_peer *p, const char *cmd, const uint8_t *payload, size_t len)
{
    ela_net *n = p->net;
    const char *why;
    uint64_t nonce;
    ela_log_debug(ELA_LOGC_NET, "recv %s (%zu bytes) from %s", cmd, len, p->st.addr);
    if (strcmp(cmd, ELA_CMD_VERSION) == 0) {
        handle_version(p, payload, len);
        return;
    }
    if (!p->version_received) {
        reject_and_close(p, cmd, ELA_REJECT_MALFORMED, "first message is not version");
        return;
    }
    if (strcmp(cmd, ELA_CMD_VERACK) == 0) {
        if (p->verack_received)
            ela_peer_disconnect(p, "duplicate verack");
        p->verack_received = true;
    } else if (strcmp(cmd, ELA_CMD_PING) == 0 || strcmp(cmd, ELA_CMD_PONG) == 0) {
        if (!ela_p2p_ping_parse(&nonce, payload, len, &why)) {
            reject_and_close(p, "malformed", ELA_REJECT_MALFORMED, why);
            return;
        }
        p->st.height = nonce;
        if (cmd[1] == 'i') {
            ela_writer w;
            ela_writer_init(&w);
            ela_p2p_ping_write(&w, ela_net_our_height(n));
            send_writer(p, ELA_CMD_PONG, &w);
        } else if (p->ping_sent_us) {
            p->ping_micros = mono_us() - p->ping_sent_us;
            p->ping_sent_us = 0;
            p->last_ping_time = now_s();
        }
        if (n->sync && p->ready)
            ela_sync_peer_height(n->sync, p);
    } else if (strcmp(cmd, ELA_CMD_GETADDR) == 0) {
        handle_getaddr(p);
    } else if (strcmp(cmd, ELA_CMD_ADDR) == 0) {
        handle_addr(p, payload, len);
    } else if (n->sync) {
        if (!ela_sync_message(n->sync, p, cmd, payload, len))
            reject_and_close(p, "malformed", ELA_REJECT_MALFORMED, "cannot decode payload");
    }
}

/* ---- peers: input -------------------------------------------------------------------------- */

static void on_read(struct bufferevent *bev, void *arg)
{
    ela_peer *p = arg;
    ela_net *n = p->net;
    struct evbuffer *in = bufferevent_get_input(bev);
    while (!p->disconnecting) {
        if (!p->have_header) {
            if (evbuffer_get_length(in) < ELA_P2P_HEADER_SIZE)
                return;
            uint8_t hb[ELA_P2P_HEADER_SIZE];
            evbuffer_remove(in, hb, sizeof hb);
            p->last_recv = now_s();
            uint32_t magic = ela_get_u32le(hb);
            if (magic != n->params->magic) {
                ela_peer_disconnect(p, "wrong network magic");
                return;
            }
            const char *why;
            if (!ela_p2p_header_parse(&p->hdr, hb, &why)) {
                reject_and_close(p, "malformed", ELA_REJECT_MALFORMED, why);
                return;
            }
            if (!ela_p2p_header_check(n->params, &p->hdr, &why)) {
                bool known;
                (void)ela_p2p_max_payload(n->params, p->hdr.command, &known);
                if (!known)
                    reject_and_close(p, "malformed", ELA_REJECT_MALFORMED, why);
                else
                    ela_peer_disconnect(p, why); /* the payload is not read */
                return;
            }
            p->have_header = true;
        }
        size_t len = p->hdr.length;
        if (evbuffer_get_length(in) < len)
            return;
        const uint8_t *payload = len ? evbuffer_pullup(in, (ev_ssize_t)len) : NULL;
        p->last_recv = now_s();
        p->have_header = false;
        if (!ela_p2p_checksum_ok(&p->hdr, payload, len)) {
            ela_peer_disconnect(p, "checksum mismatch");
            return;
        }
        char cmd[ELA_P2P_COMMAND_SIZE + 1];
        memcpy(cmd, p->hdr.command, sizeof cmd);
        dispatch(p, cmd, payload, len);
        evbuffer_drain(in, len);
    }
}

static void on_hs_timeout(evutil_socket_t fd, short what, void *arg)
{
    ela_peer *p = arg;
    if (!p->connected)
        ela_peer_disconnect(p, "dial timeout");
    else if (!p->ready)
        ela_peer_disconnect(p, "handshake timeout");
    else
        ela_peer_disconnect(p, "seed sent no addresses");
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    ela_peer *p = arg;
    if (what & BEV_EVENT_CONNECTED) {
        p->connected = true;
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        (void)ss;
        (void)sl;
        event_del(p->hs_timer);
        struct timeval tv = {(time_t)p->net->handshake_timeout, 0};
        evtimer_add(p->hs_timer, &tv);
        bufferevent_enable(bev, EV_READ | EV_WRITE);
        send_version(p);
        return;
    }
    if (what & BEV_EVENT_TIMEOUT) {
        ela_peer_disconnect(p, "idle timeout");
        return;
    }
    if (p->connected || !p->st.inbound)
        ela_log_debug(ELA_LOGC_NET, "peer %s: %s", p->st.addr,
                      (what & BEV_EVENT_EOF) ? "closed by the peer"
                                             : evutil_socket_error_to_string(
                                                   EVUTIL_SOCKET_ERROR()));
    mark_dead(p);
}

/* A new peer around bev, appended to the peer list. */
static ela_peer *peer_new(ela_net *n, struct bufferevent *bev, bool inbound,
                          const uint8_t ip16[16], uint16_t port, target *t, bool seed)
{
    ela_peer *p = ela_xcalloc(1, sizeof *p);
    p->net = n;
    p->bev = bev;
    memcpy(p->ip16, ip16, 16);
    p->port = port;
    p->target = t;
    p->st.id = ++n->next_id;
    p->st.inbound = inbound;
    p->st.permanent = t && (t->kind == T_CONNECT || t->kind == T_ADDNODE);
    p->st.seed = seed;
    p->st.conn_time = now_s();
    ela_addr_format(p->st.addr, sizeof p->st.addr, ip16, port);
    ela_addr_ip_string(p->st.ip, sizeof p->st.ip, ip16);
    p->our_nonce = rnd64();
    p->ping_micros = -1;
    p->hs_timer = evtimer_new(n->base, on_hs_timeout, p);
    p->ping_timer = event_new(n->base, -1, EV_PERSIST, on_ping_timer, p);
    if (!p->hs_timer || !p->ping_timer)
        abort();
    bufferevent_setcb(bev, on_read, on_write, on_event, p);
    bufferevent_setwatermark(bev, EV_WRITE, ELA_PEER_SEND_LOW, 0);
    struct timeval idle = {(time_t)n->idle_timeout, 0};
    bufferevent_set_timeouts(bev, &idle, NULL);
    if (n->n_peers == n->cap_peers) {
        n->cap_peers = n->cap_peers ? 2 * n->cap_peers : 16;
        n->peers = ela_xrealloc(n->peers, n->cap_peers * sizeof *n->peers);
    }
    n->peers[n->n_peers++] = p;
    if (t)
        t->busy = true;
    return p;
}

static size_t count_live(const ela_net *n)
{
    size_t c = 0;
    for (size_t i = 0; i < n->n_peers; i++)
        c += !n->peers[i]->dead;
    return c;
}

static size_t count_ip(const ela_net *n, const uint8_t ip[16])
{
    size_t c = 0;
    for (size_t i = 0; i < n->n_peers; i++)
        c += !n->peers[i]->dead && memcmp(n->peers[i]->ip16, ip, 16) == 0;
    return c;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                      int salen, void *arg)
{
    ela_net *n = arg;
    uint8_t ip[16];
    uint16_t port;
    sockaddr_to_ip16(ip, &port, sa);
    char addr[64];
    ela_addr_format(addr, sizeof addr, ip, port);
    const char *refuse = NULL;
    if (ip16_banned(n, ip))
        refuse = "banned";
    else if (count_ip(n, ip) >= n->opt.max_per_host)
        refuse = "too many connections from this host";
    else if (count_live(n) >= n->opt.max_connections)
        refuse = "too many connections";
    if (refuse) {
        ela_log_debug(ELA_LOGC_NET, "inbound connection from %s refused: %s", addr, refuse);
        evutil_closesocket(fd);
        return;
    }
    struct bufferevent *bev = bufferevent_socket_new(n->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (!bev) {
        evutil_closesocket(fd);
        return;
    }
    ela_peer *p = peer_new(n, bev, true, ip, port, NULL, false);
    p->connected = true;
    struct timeval tv = {(time_t)n->handshake_timeout, 0};
    evtimer_add(p->hs_timer, &tv);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
    ela_log_debug(ELA_LOGC_NET, "inbound connection from %s", addr);
}

/* Evicts the newest inbound peer to make room for a permanent one. */
static bool evict_inbound(ela_net *n)
{
    for (size_t i = n->n_peers; i-- > 0;) {
        ela_peer *p = n->peers[i];
        if (!p->dead && !p->disconnecting && p->st.inbound && !p->st.permanent) {
            ela_peer_disconnect(p, "evicted for a permanent peer");
            mark_dead(p);
            return true;
        }
    }
    return false;
}

/* Dials ip:port. t: the target it serves (NULL: address manager). */
static bool dial(ela_net *n, const uint8_t ip[16], uint16_t port, target *t, bool seed)
{
    if (ip16_banned(n, ip)) {
        char a[64];
        ela_addr_format(a, sizeof a, ip, port);
        ela_log_debug(ELA_LOGC_NET, "not dialling banned address %s", a);
        return false;
    }
    if (count_live(n) >= n->opt.max_connections) {
        bool permanent = t && (t->kind == T_CONNECT || t->kind == T_ADDNODE);
        if (!permanent || !evict_inbound(n))
            return false;
    }
    if (count_ip(n, ip) >= n->opt.max_per_host)
        return false;
    struct sockaddr_storage ss;
    socklen_t sl = ip16_to_sockaddr(&ss, ip, port);
    struct bufferevent *bev = bufferevent_socket_new(n->base, -1, BEV_OPT_CLOSE_ON_FREE);
    if (!bev)
        return false;
    ela_peer *p = peer_new(n, bev, false, ip, port, t, seed);
    struct timeval tv = {DIAL_TIMEOUT, 0};
    evtimer_add(p->hs_timer, &tv);
    if (p->st.permanent)
        ela_log_info(ELA_LOGC_NET, "dialling %s", p->st.addr);
    else
        ela_log_debug(ELA_LOGC_NET, "dialling %s%s", p->st.addr, seed ? " (seed)" : "");
    if (bufferevent_socket_connect(bev, (struct sockaddr *)&ss, (int)sl) != 0)
        mark_dead(p);
    return true;
}

static void on_resolved(int result, struct evutil_addrinfo *res, void *arg)
{
    target *t = arg;
    t->req = NULL;
    if (result == EVUTIL_EAI_CANCEL)
        return;
    ela_net *n = t->net;
    bool dialled = false;
    if (result == 0 && res) {
        uint8_t ip[16];
        uint16_t port;
        sockaddr_to_ip16(ip, &port, res->ai_addr);
        dialled = dial(n, ip, port, t, t->kind == T_SEED);
    } else {
        ela_log_info(ELA_LOGC_NET, "cannot resolve %s: %s", t->hostport,
                     evutil_gai_strerror(result));
    }
    if (res)
        evutil_freeaddrinfo(res);
    if (!dialled)
        target_done(n, t, false);
}

static void dial_target(ela_net *n, target *t)
{
    uint8_t ip[16];
    uint16_t port;
    t->busy = true;
    if (t->kind == T_SEED)
        t->tries++;
    if (ela_addr_parse(ip, &port, t->hostport)) {
        if (!dial(n, ip, port, t, t->kind == T_SEED))
            target_done(n, t, false);
        return;
    }
    char host[256], ports[8];
    if (!split_hostport(host, sizeof host, &port, t->hostport)) {
        ela_log_error(ELA_LOGC_NET, "not a host:port address: %s", t->hostport);
        t->removed = true;
        t->busy = false;
        return;
    }
    if (!n->dns) {
        n->dns = evdns_base_new(n->base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
        if (!n->dns) {
            ela_log_error(ELA_LOGC_NET, "cannot set up DNS resolution for %s", t->hostport);
            target_done(n, t, false);
            return;
        }
    }
    snprintf(ports, sizeof ports, "%u", (unsigned)port);
    struct evutil_addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = EVUTIL_AI_ADDRCONFIG;
    /* The callback may run before this returns; then req is NULL. */
    struct evdns_getaddrinfo_request *req =
        evdns_getaddrinfo(n->dns, host, ports, &hints, on_resolved, t);
    if (t->busy && req)
        t->req = req;
}

/* ---- the connection manager ---------------------------------------------------------------- */

static bool addr_in_use(void *ctx, const ela_addr_entry *e)
{
    ela_net *n = ctx;
    for (size_t i = 0; i < n->n_peers; i++)
        if (!n->peers[i]->dead && n->peers[i]->port == e->port &&
            memcmp(n->peers[i]->ip16, e->ip, 16) == 0)
            return true;
    return ip16_banned(n, e->ip);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    ela_net *n = arg;
    int64_t t = now_s();
    for (size_t i = 0; i < n->n_targets; i++) {
        target *g = n->targets[i];
        if (g->busy || g->removed || g->next_try > t || g->kind == T_SEED)
            continue;
        dial_target(n, g);
    }
    if (n->opt.n_connect)
        return;
    /* Seeds: while the address manager knows too few, one address fetch per seed at a time. */
    if (ela_addrman_need_more(n->am)) {
        for (size_t i = 0; i < n->n_targets; i++) {
            target *g = n->targets[i];
            if (g->kind == T_SEED && !g->busy && !g->removed && g->next_try <= t &&
                g->tries < MAX_SEED_TRIES)
                dial_target(n, g);
        }
    }
    /* Outbound peers from the address manager. */
    size_t out = 0;
    for (size_t i = 0; i < n->n_peers; i++) {
        const ela_peer *p = n->peers[i];
        out += !p->dead && !p->st.inbound && !p->st.seed && !p->target;
    }
    for (unsigned tries = 0; out < n->opt.max_outbound && tries < 8; tries++) {
        ela_addr_entry e;
        if (!ela_addrman_select(n->am, &e, t, addr_in_use, n, rnd64))
            break;
        ela_addrman_attempt(n->am, e.ip, e.port, t);
        if (dial(n, e.ip, e.port, NULL, false))
            out++;
    }
}

static void save_addresses(ela_net *n)
{
    if (!n->opt.peers_path)
        return;
    char err[256];
    if (!ela_addrman_save(n->am, n->opt.peers_path, err, sizeof err))
        ela_log_error(ELA_LOGC_NET, "cannot save the address book: %s", err);
}

static void on_save(evutil_socket_t fd, short what, void *arg) { save_addresses(arg); }

static void on_stat(evutil_socket_t fd, short what, void *arg)
{
    ela_net *n = arg;
    ela_net_sync_status s;
    ela_net_sync_status_get(n, &s);
    size_t in = 0, out = 0;
    for (size_t i = 0; i < n->n_peers; i++) {
        const ela_peer *p = n->peers[i];
        if (p->ready && !p->dead) {
            if (p->st.inbound)
                in++;
            else
                out++;
        }
    }
    ela_log_info(ELA_LOGC_NET, "STAT height %u, peers %zu (%zu in, %zu out), %s %.2f%% of %llu, "
                 "%zu addresses known", s.height, in + out, in, out,
                 s.syncing ? "syncing" : "synced", s.progress * 100.0,
                 (unsigned long long)s.target, ela_addrman_count(n->am));
}

/* ---- relay hooks for the node -------------------------------------------------------------- */

static void node_relay_block(void *ctx, const ela_block *b, const void *from)
{
    ela_net *n = ctx;
    if (n->sync)
        ela_sync_relay_block(n->sync, b, from);
}

static void node_relay_tx(void *ctx, const ela_tx *tx, const void *from)
{
    ela_net *n = ctx;
    if (n->sync)
        ela_sync_relay_tx(n->sync, tx, from);
}

static size_t node_connection_count(void *ctx) { return ela_net_connection_count(ctx); }

ela_net *ela_net_from_node(const struct ela_node *node)
{
    if (!node || node->net.connection_count != node_connection_count)
        return NULL;
    return node->net.ctx;
}

/* ---- start / stop -------------------------------------------------------------------------- */

static bool listen_on(ela_net *n, const char *ip, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl;
    uint16_t port = n->port ? n->port : n->opt.port;
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC;
    if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons(port);
        sl = sizeof *s4;
    } else if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        sl = sizeof *s6;
        flags |= LEV_OPT_BIND_IPV6ONLY;
    } else {
        snprintf(err, errlen, "-bind: '%s' is not an IP address", ip);
        return false;
    }
    struct evconnlistener *l = evconnlistener_new_bind(n->base, on_accept, n, flags, 128,
                                                       (struct sockaddr *)&ss, (int)sl);
    if (!l) {
        snprintf(err, errlen, "cannot listen for P2P connections on %s port %u: %s", ip,
                 (unsigned)port, strerror(errno));
        return false;
    }
    n->listeners[n->n_listeners++] = l;
    if (!n->port) {
        struct sockaddr_storage got;
        socklen_t gl = sizeof got;
        uint8_t tmp[16];
        if (getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&got, &gl) == 0)
            sockaddr_to_ip16(tmp, &n->port, (struct sockaddr *)&got);
    }
    return true;
}

static void add_target(ela_net *n, const char *hostport, target_kind kind)
{
    target *t = ela_xcalloc(1, sizeof *t);
    t->hostport = xstrdup(hostport);
    t->kind = kind;
    t->net = n;
    n->targets = ela_xrealloc(n->targets, (n->n_targets + 1) * sizeof *n->targets);
    n->targets[n->n_targets++] = t;
}

ela_net *ela_net_start(const ela_net_options *opt, char *err, size_t errlen)
{
    ela_net *n = ela_xcalloc(1, sizeof *n);
    n->opt = *opt;
    n->base = opt->base;
    n->node = opt->node;
    n->params = opt->params;
    if (!n->opt.max_connections)
        n->opt.max_connections = 125;
    if (!n->opt.max_per_host)
        n->opt.max_per_host = opt->params->max_node_per_host ? opt->params->max_node_per_host
                                                              : 1;
    n->handshake_timeout = opt->handshake_timeout ? opt->handshake_timeout
                                                  : DEFAULT_HANDSHAKE_TIMEOUT;
    n->ping_interval = opt->ping_interval ? opt->ping_interval : DEFAULT_PING_INTERVAL;
    n->idle_timeout = opt->idle_timeout ? opt->idle_timeout : DEFAULT_IDLE_TIMEOUT;
    n->am = ela_addrman_new(0, opt->params->net == ELA_NET_REGNET);
    for (size_t i = 0; i < opt->n_connect + opt->n_addnode + opt->n_seeds; i++) {
        const char *s = i < opt->n_connect ? opt->connect[i]
                        : i < opt->n_connect + opt->n_addnode
                            ? opt->addnode[i - opt->n_connect]
                            : opt->seeds[i - opt->n_connect - opt->n_addnode];
        char host[256];
        uint16_t port;
        if (!split_hostport(host, sizeof host, &port, s)) {
            snprintf(err, errlen, "not a host:port address: '%s'", s);
            ela_net_stop(n);
            return NULL;
        }
    }
    n->reaper = event_new(n->base, -1, 0, on_reap, n);
    n->tick = event_new(n->base, -1, EV_PERSIST, on_tick, n);
    n->save_timer = event_new(n->base, -1, EV_PERSIST, on_save, n);
    n->stat_timer = event_new(n->base, -1, EV_PERSIST, on_stat, n);
    if (!n->reaper || !n->tick || !n->save_timer || !n->stat_timer)
        abort();
    if (opt->listen) {
        bool ok;
        if (opt->bind) {
            ok = listen_on(n, opt->bind, err, errlen);
        } else {
            ok = listen_on(n, "0.0.0.0", err, errlen);
            char e6[256];
            if (ok && !listen_on(n, "::", e6, sizeof e6))
                ela_log_info(ELA_LOGC_NET, "no IPv6 listener: %s", e6);
        }
        if (!ok) {
            ela_net_stop(n);
            return NULL;
        }
    }
    /* Addresses and bans. */
    if (opt->peers_path) {
        char e[512];
        if (!ela_addrman_load(n->am, opt->peers_path, e, sizeof e))
            ela_log_error(ELA_LOGC_NET, "address book damaged (%s); starting with an empty one",
                          e);
        else if (ela_addrman_count(n->am))
            ela_log_info(ELA_LOGC_NET, "%zu addresses loaded from %s", ela_addrman_count(n->am),
                         opt->peers_path);
    }
    load_bans(n);
    for (size_t i = 0; i < opt->n_connect; i++)
        add_target(n, opt->connect[i], T_CONNECT);
    for (size_t i = 0; i < opt->n_addnode; i++)
        add_target(n, opt->addnode[i], T_ADDNODE);
    for (size_t i = 0; i < opt->n_seeds; i++)
        add_target(n, opt->seeds[i], T_SEED);

    n->sync = ela_sync_new(n, n->node, n->base, n->opt.services);
    ela_sync_set_timeouts(n->sync, (int64_t)opt->stall_timeout * 1000,
                          (int64_t)opt->tx_trickle_ms);
    if (n->node) {
        n->node->net.ctx = n;
        n->node->net.relay_block = node_relay_block;
        n->node->net.relay_tx = node_relay_tx;
        n->node->net.connection_count = node_connection_count;
    }
    struct timeval one = {1, 0}, save = {SAVE_INTERVAL, 0}, stat = {STAT_INTERVAL, 0};
    evtimer_add(n->tick, &one);
    evtimer_add(n->save_timer, &save);
    evtimer_add(n->stat_timer, &stat);
    event_active(n->tick, EV_TIMEOUT, 0);
    ela_log_info(ELA_LOGC_NET, "P2P network started: %s%s port %u, services %llu, %zu connect, "
                 "%zu addnode, %zu seeds", opt->listen ? "listening on " : "not listening",
                 opt->listen ? (opt->bind ? opt->bind : "every interface") : "",
                 (unsigned)ela_net_port(n), (unsigned long long)opt->services, opt->n_connect,
                 opt->n_addnode, opt->n_seeds);
    return n;
}

void ela_net_stop(ela_net *n)
{
    if (!n)
        return;
    n->stopping = true;
    if (n->node && n->node->net.ctx == n)
        memset(&n->node->net, 0, sizeof n->node->net);
    for (size_t i = 0; i < n->n_listeners; i++)
        evconnlistener_free(n->listeners[i]);
    n->n_listeners = 0;
    /* The protocol layer lets go of every ready peer, then is freed, then the peers are. */
    if (n->sync) {
        for (size_t i = 0; i < n->n_peers; i++) {
            ela_peer *p = n->peers[i];
            p->disconnecting = true;
            if (p->ready) {
                p->ready = false;
                ela_sync_peer_gone(n->sync, p);
            }
        }
        ela_sync_free(n->sync);
        n->sync = NULL;
    }
    for (size_t i = 0; i < n->n_peers; i++) {
        n->peers[i]->target = NULL;
        n->peers[i]->dead = true;
        peer_free(n->peers[i]);
    }
    n->n_peers = 0;
    free(n->peers);
    for (size_t i = 0; i < n->n_targets; i++) {
        if (n->targets[i]->req)
            evdns_getaddrinfo_cancel(n->targets[i]->req);
    }
    if (n->dns)
        evdns_base_free(n->dns, 0);
    for (size_t i = 0; i < n->n_targets; i++) {
        free(n->targets[i]->hostport);
        free(n->targets[i]);
    }
    free(n->targets);
    if (n->am && n->reaper) /* started: save what was learnt */
        save_addresses(n);
    if (n->reaper) {
        save_bans(n);
        event_free(n->reaper);
        event_free(n->tick);
        event_free(n->save_timer);
        event_free(n->stat_timer);
    }
    ela_addrman_free(n->am);
    free(n->bans);
    ela_log_info(ELA_LOGC_NET, "P2P network stopped");
    free(n);
}

uint16_t ela_net_port(const ela_net *n) { return n->n_listeners ? n->port : 0; }

/* ---- views ----------------------------------------------------------------------------------- */

const ela_peer_state *ela_peer_state_of(const ela_peer *p) { return &p->st; }

void ela_peer_set_height(ela_peer *p, uint64_t height)
{
    if (height > p->st.height)
        p->st.height = height;
}

void *ela_peer_sync_data(const ela_peer *p) { return p->sync_data; }

void ela_peer_set_sync_data(ela_peer *p, void *data) { p->sync_data = data; }

void ela_net_foreach_peer(ela_net *n, bool (*fn)(void *ctx, ela_peer *p), void *ctx)
{
    size_t count = n->n_peers; /* peers are only appended by callbacks, never by fn */
    for (size_t i = 0; i < count; i++) {
        ela_peer *p = n->peers[i];
        if (p->ready && !p->disconnecting && !fn(ctx, p))
            break;
    }
}

size_t ela_net_peers(const ela_net *n, ela_net_peer_view *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n->n_peers; i++) {
        const ela_peer *p = n->peers[i];
        if (!p->ready || p->dead)
            continue;
        if (k < max) {
            ela_net_peer_view *v = &out[k];
            memset(v, 0, sizeof *v);
            v->id = p->st.id;
            snprintf(v->addr, sizeof v->addr, "%s", p->st.addr);
            v->inbound = p->st.inbound;
            v->permanent = p->st.permanent;
            v->services = p->st.services;
            v->relay = p->st.relay;
            v->version = p->st.version;
            snprintf(v->node_version, sizeof v->node_version, "%s", p->node_version);
            v->start_height = p->st.start_height;
            v->height = p->st.height;
            v->conn_time = p->st.conn_time;
            v->last_send = p->last_send;
            v->last_recv = p->last_recv;
            v->time_offset = p->time_offset;
            v->ping_micros = p->ping_micros;
            v->last_ping_time = p->last_ping_time;
            v->ban_score = (int)(p->ban_persistent + p->ban_transient);
            v->sync_peer = n->sync && ela_sync_is_sync_peer(n->sync, p);
        }
        k++;
    }
    return k;
}

size_t ela_net_connection_count(const ela_net *n)
{
    size_t c = 0;
    for (size_t i = 0; i < n->n_peers; i++)
        c += n->peers[i]->ready && !n->peers[i]->dead;
    return c;
}

void ela_net_sync_status_get(const ela_net *n, ela_net_sync_status *out)
{
    memset(out, 0, sizeof *out);
    if (n->sync) {
        ela_sync_status(n->sync, out);
        return;
    }
    out->height = ela_net_our_height(n);
    out->target = out->height;
    out->progress = 1.0;
}

/* ---- operator controls ----------------------------------------------------------------------- */

bool ela_net_add_node(ela_net *n, const char *hostport, bool permanent, char *err,
                      size_t errlen)
{
    char host[256];
    uint16_t port;
    if (!split_hostport(host, sizeof host, &port, hostport)) {
        snprintf(err, errlen, "not a host:port address: '%s'", hostport);
        return false;
    }
    for (size_t i = 0; i < n->n_targets; i++) {
        target *t = n->targets[i];
        if (strcmp(t->hostport, hostport) == 0 && !t->removed && t->kind != T_SEED) {
            if (permanent && t->kind == T_ONETRY) {
                t->kind = T_ADDNODE;
                return true;
            }
            snprintf(err, errlen, "%s is already added", hostport);
            return false;
        }
    }
    uint8_t ip[16];
    if (ela_addr_parse(ip, &port, hostport)) {
        for (size_t i = 0; i < n->n_peers; i++) {
            const ela_peer *p = n->peers[i];
            if (!p->dead && !p->st.inbound && p->port == port && memcmp(p->ip16, ip, 16) == 0) {
                snprintf(err, errlen, "already connected to %s", hostport);
                return false;
            }
        }
    }
    add_target(n, hostport, permanent ? T_ADDNODE : T_ONETRY);
    dial_target(n, n->targets[n->n_targets - 1]);
    return true;
}

bool ela_net_remove_node(ela_net *n, const char *hostport)
{
    for (size_t i = 0; i < n->n_targets; i++) {
        target *t = n->targets[i];
        if (t->kind == T_ADDNODE && !t->removed && strcmp(t->hostport, hostport) == 0) {
            t->removed = true;
            t->kind = T_ONETRY;
            for (size_t k = 0; k < n->n_peers; k++)
                if (n->peers[k]->target == t)
                    n->peers[k]->st.permanent = false;
            return true;
        }
    }
    return false;
}

bool ela_net_disconnect(ela_net *n, const char *addr_or_id)
{
    char *end;
    unsigned long long id = strtoull(addr_or_id, &end, 10);
    bool by_id = *addr_or_id && *end == '\0';
    bool found = false;
    for (size_t i = 0; i < n->n_peers; i++) {
        ela_peer *p = n->peers[i];
        if (p->dead || p->disconnecting)
            continue;
        if (by_id ? p->st.id == id : strcmp(p->st.addr, addr_or_id) == 0) {
            ela_peer_disconnect(p, "disconnectnode");
            found = true;
        }
    }
    return found;
}

bool ela_net_ban_ip(ela_net *n, const char *ip, int64_t seconds, const char *reason)
{
    char c[48];
    if (!canonical_ip(c, ip) || seconds < 0)
        return false;
    int64_t t = now_s();
    if (seconds == 0)
        seconds = BAN_DEFAULT_SECONDS;
    expire_bans(n);
    ela_net_ban *b = NULL;
    for (size_t i = 0; i < n->n_bans; i++)
        if (strcmp(n->bans[i].ip, c) == 0)
            b = &n->bans[i];
    if (!b) {
        n->bans = ela_xrealloc(n->bans, (n->n_bans + 1) * sizeof *n->bans);
        b = &n->bans[n->n_bans++];
        memset(b, 0, sizeof *b);
        snprintf(b->ip, sizeof b->ip, "%s", c);
    }
    b->created = t;
    b->until = t + seconds;
    snprintf(b->reason, sizeof b->reason, "%s", reason ? reason : "");
    for (size_t i = 0; i < n->n_peers; i++) {
        ela_peer *p = n->peers[i];
        if (!p->dead && strcmp(p->st.ip, c) == 0)
            ela_peer_disconnect(p, "banned");
    }
    save_bans(n);
    return true;
}

bool ela_net_unban_ip(ela_net *n, const char *ip)
{
    char c[48];
    if (!canonical_ip(c, ip))
        return false;
    for (size_t i = 0; i < n->n_bans; i++) {
        if (strcmp(n->bans[i].ip, c) == 0) {
            n->bans[i] = n->bans[--n->n_bans];
            save_bans(n);
            return true;
        }
    }
    return false;
}

void ela_net_clear_bans(ela_net *n)
{
    n->n_bans = 0;
    save_bans(n);
}

size_t ela_net_bans(ela_net *n, ela_net_ban *out, size_t max)
{
    expire_bans(n);
    for (size_t i = 0; i < n->n_bans && i < max; i++)
        out[i] = n->bans[i];
    return n->n_bans;
}
