/* elad tests: the connection layer of the P2P network (src/net/peer.c, addrman.c) and the P2P
 * options (node/config.c).
 *
 * Everything runs on one event loop in the test's process, on 127.0.0.1 with ports the system
 * chooses: two nets handshaking with each other, and raw-socket clients speaking the wire
 * format to one net. The protocol layer (sync.c) is replaced by the stand-ins below, which
 * record the calls the connection layer makes; a "mempool" message makes the stand-in report
 * misbehaviour (score 100) so that bans can be tested. The node is a chainfix chain, so the
 * heights in version and pong are a real tip's. Waiting is bounded (WAIT_MS) but no assertion
 * depends on timing. */
#include "chainfix.h"
#include "testutil.h"

#include "net/addrman.h"
#include "net/net.h"
#include "net/peer.h"
#include "node/config.h"
#include "node/node.h"

#include <ela/p2p.h>
#include <ela/serialize.h>

#include <event2/event.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 10000
#define TEMPLATE_BLOCKS 7u

/* ---- protocol layer stand-ins --------------------------------------------------------------- */

struct ela_sync {
    int ready, gone, height_calls, messages;
    char last_cmd[16];
};

static ela_sync *g_last_sync;

ela_sync *ela_sync_new(ela_net *net, struct ela_node *node, struct event_base *base,
                       uint64_t our_services)
{
    g_last_sync = ela_xcalloc(1, sizeof(ela_sync));
    return g_last_sync;
}

void ela_sync_free(ela_sync *s) { free(s); }
void ela_sync_set_timeouts(ela_sync *s, int64_t stall_ms, int64_t trickle_ms) {}
void ela_sync_peer_ready(ela_sync *s, ela_peer *p) { s->ready++; }
void ela_sync_peer_gone(ela_sync *s, ela_peer *p) { s->gone++; }
void ela_sync_peer_height(ela_sync *s, ela_peer *p) { s->height_calls++; }
void ela_sync_peer_drained(ela_sync *s, ela_peer *p) {}

bool ela_sync_message(ela_sync *s, ela_peer *p, const char *cmd, const uint8_t *payload,
                      size_t len)
{
    s->messages++;
    snprintf(s->last_cmd, sizeof s->last_cmd, "%s", cmd);
    if (strcmp(cmd, ELA_CMD_MEMPOOL) == 0)
        ela_peer_misbehaving(p, 100, false, "test misbehaviour");
    return strcmp(cmd, ELA_CMD_TX) != 0; /* a "tx" never decodes here */
}

void ela_sync_relay_block(ela_sync *s, const ela_block *b, const void *from) {}
void ela_sync_relay_tx(ela_sync *s, const ela_tx *tx, const void *from) {}

void ela_sync_status(const ela_sync *s, ela_net_sync_status *out)
{
    memset(out, 0, sizeof *out);
}

bool ela_sync_is_sync_peer(const ela_sync *s, const ela_peer *p) { return false; }

/* ---- fixture -------------------------------------------------------------------------------- */

typedef struct fx {
    chainfix cf;
    struct event_base *base;
    ela_node node;
    char dir[64];
} fx;

static void fx_open(fx *f)
{
    memset(f, 0, sizeof *f);
    chainfix_open(&f->cf);
    f->base = event_base_new();
    ck_assert_ptr_nonnull(f->base);
    ela_node_init(&f->node, f->base, NULL, &f->cf.params);
    f->node.chain = f->cf.chain;
    snprintf(f->dir, sizeof f->dir, "/tmp/test_net.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
}

static void fx_close(fx *f)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    ck_assert_int_eq(system(cmd), 0);
    event_base_free(f->base);
    chainfix_close(&f->cf);
}

static ela_net_options fx_options(fx *f, ela_node *node)
{
    static char peers[128], bans[128];
    snprintf(peers, sizeof peers, "%s/peers.json", f->dir);
    snprintf(bans, sizeof bans, "%s/banlist.json", f->dir);
    ela_net_options o = {
        .base = f->base,
        .node = node,
        .params = &f->cf.params,
        .listen = true,
        .bind = "127.0.0.1",
        .port = 0,
        .max_connections = 125,
        .max_outbound = 8,
        .max_per_host = 10,
        .services = 7,
        .node_version = "elad-test",
        .peers_path = peers,
        .bans_path = bans,
    };
    return o;
}

static ela_net *start(const ela_net_options *o)
{
    char err[256];
    ela_net *n = ela_net_start(o, err, sizeof err);
    ck_assert_msg(n != NULL, "ela_net_start: %s", err);
    ck_assert_uint_ne(ela_net_port(n), 0);
    return n;
}

static void nap(void)
{
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

static int64_t ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs the loop until cond(ctx) holds; false after WAIT_MS. */
static bool pump_until(struct event_base *b, bool (*cond)(void *), void *ctx)
{
    int64_t end = ms_now() + WAIT_MS;
    while (!cond(ctx)) {
        if (ms_now() > end)
            return false;
        event_base_loop(b, EVLOOP_NONBLOCK);
        nap();
    }
    return true;
}

static void pump_for(struct event_base *b, int ms)
{
    int64_t end = ms_now() + ms;
    while (ms_now() < end) {
        event_base_loop(b, EVLOOP_NONBLOCK);
        nap();
    }
}

/* ---- raw clients ---------------------------------------------------------------------------- */

typedef struct client {
    int fd;
    struct event_base *base;
    uint8_t buf[1 << 17];
    size_t len;
    bool eof;
} client;

static void client_open(client *c, struct event_base *b, uint16_t port)
{
    memset(c, 0, sizeof *c);
    c->base = b;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(c->fd, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(c->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
}

static void client_close(client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static void client_raw(client *c, const uint8_t *p, size_t len)
{
    ck_assert_int_eq(send(c->fd, p, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void client_send(client *c, const char *cmd, const uint8_t *p, size_t len)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_frame_write(&w, chainfix_params()->magic, cmd, p, len);
    client_raw(c, w.data, w.len);
    ela_writer_clear(&w);
}

static void client_fill(client *c)
{
    for (;;) {
        ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
        if (r > 0) {
            c->len += (size_t)r;
            continue;
        }
        if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
            c->eof = true;
        return;
    }
}

static bool client_has_msg(void *ctx)
{
    client *c = ctx;
    client_fill(c);
    if (c->len >= ELA_P2P_HEADER_SIZE && c->len >= ELA_P2P_HEADER_SIZE + ela_get_u32le(c->buf + 16))
        return true;
    return c->eof;
}

/* The next message into cmd/payload; false at EOF (or after WAIT_MS). */
static bool client_recv(client *c, char cmd[13], ela_bytes *payload)
{
    if (!pump_until(c->base, client_has_msg, c))
        return false;
    if (c->len < ELA_P2P_HEADER_SIZE ||
        c->len < ELA_P2P_HEADER_SIZE + ela_get_u32le(c->buf + 16))
        return false;
    ela_p2p_header h;
    ck_assert(ela_p2p_header_parse(&h, c->buf, NULL));
    ck_assert_uint_eq(h.magic, chainfix_params()->magic);
    ck_assert(ela_p2p_checksum_ok(&h, c->buf + ELA_P2P_HEADER_SIZE, h.length));
    memcpy(cmd, h.command, 13);
    if (payload) {
        payload->data = NULL;
        payload->len = 0;
        ela_bytes_set(payload, c->buf + ELA_P2P_HEADER_SIZE, h.length);
    }
    size_t used = ELA_P2P_HEADER_SIZE + h.length;
    memmove(c->buf, c->buf + used, c->len - used);
    c->len -= used;
    return true;
}

static bool client_eof(void *ctx)
{
    client *c = ctx;
    client_fill(c);
    return c->eof;
}

/* True when the net closed the connection (after any messages it still sent). */
static bool client_closed(client *c) { return pump_until(c->base, client_eof, c); }

static void client_version(client *c, uint64_t nonce, uint64_t services)
{
    ela_p2p_version v;
    memset(&v, 0, sizeof v);
    v.version = ELA_P2P_PROTOCOL_V1;
    v.services = services;
    v.timestamp = (uint32_t)time(NULL);
    v.port = 1;
    v.nonce = nonce;
    v.height = 3;
    v.relay = true;
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_version_write(&w, &v);
    client_send(c, ELA_CMD_VERSION, w.data, w.len);
    ela_writer_clear(&w);
}

/* Handshake of a raw client: our version, then the net's version and verack. */
static void client_handshake(client *c, uint64_t nonce)
{
    char cmd[13];
    ela_bytes pl;
    client_version(c, nonce, 7);
    ck_assert(client_recv(c, cmd, &pl));
    ck_assert_str_eq(cmd, "version");
    ela_p2p_version v;
    ck_assert(ela_p2p_version_parse(&v, pl.data, pl.len, NULL));
    ck_assert_uint_eq(v.height, chainfix_template_height());
    ck_assert_uint_eq(v.services, 7);
    ela_bytes_clear(&pl);
    ck_assert(client_recv(c, cmd, NULL));
    ck_assert_str_eq(cmd, "verack");
    client_send(c, ELA_CMD_VERACK, NULL, 0);
}

static void expect_reject(client *c, const char *rcmd, uint8_t code)
{
    char cmd[13];
    ela_bytes pl;
    ck_assert(client_recv(c, cmd, &pl));
    ck_assert_str_eq(cmd, "reject");
    ela_p2p_reject rj;
    ck_assert(ela_p2p_reject_parse(&rj, pl.data, pl.len, NULL));
    ck_assert_uint_eq(rj.command.len, strlen(rcmd));
    ck_assert(memcmp(rj.command.data, rcmd, rj.command.len) == 0);
    ck_assert_uint_eq(rj.code, code);
    ela_p2p_reject_clear(&rj);
    ela_bytes_clear(&pl);
}

/* ---- two nets ------------------------------------------------------------------------------- */

typedef struct pair {
    ela_net *a, *b;
    size_t want_a, want_b;
} pair;

static bool pair_counts(void *ctx)
{
    pair *p = ctx;
    return ela_net_connection_count(p->a) == p->want_a &&
           (!p->b || ela_net_connection_count(p->b) == p->want_b);
}

START_TEST(two_nets_handshake)
{
    fx f;
    fx_open(&f);
    ela_net_options oa = fx_options(&f, &f.node);
    ela_net *a = start(&oa);
    ela_sync *sa = g_last_sync;
    ck_assert_ptr_eq(ela_net_from_node(&f.node), a);

    /* b: its own directory, no node (height 0), -addnode a */
    fx g;
    memset(&g, 0, sizeof g);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)ela_net_port(a));
    const char *const addnode[] = {addr};
    ela_net_options ob = fx_options(&f, NULL);
    char pb[128], bb[128];
    snprintf(pb, sizeof pb, "%s/b-peers.json", f.dir);
    snprintf(bb, sizeof bb, "%s/b-bans.json", f.dir);
    ob.peers_path = pb;
    ob.bans_path = bb;
    ob.addnode = addnode;
    ob.n_addnode = 1;
    ela_net *b = start(&ob);
    ela_sync *sb = g_last_sync;

    pair p = {a, b, 1, 1};
    ck_assert(pump_until(f.base, pair_counts, &p));
    ela_net_peer_view va[4], vb[4];
    ck_assert_uint_eq(ela_net_peers(a, va, 4), 1);
    ck_assert_uint_eq(ela_net_peers(b, vb, 4), 1);
    ck_assert(va[0].inbound);
    ck_assert(!vb[0].inbound);
    ck_assert(vb[0].permanent);
    ck_assert_str_eq(vb[0].addr, addr);
    ck_assert_uint_eq(va[0].version, ELA_P2P_PROTOCOL_V1);
    ck_assert_uint_eq(vb[0].start_height, chainfix_template_height()); /* a's tip */
    ck_assert_uint_eq(va[0].start_height, 0);                         /* b has no chain */
    ck_assert_uint_eq(va[0].services, 7);
    ck_assert_int_eq(sa->ready, 1);
    ck_assert_int_eq(sb->ready, 1);

    /* disconnect from a's side: b sees it gone (and will re-dial: it is permanent) */
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)va[0].id);
    ck_assert(ela_net_disconnect(a, id));
    ck_assert(!ela_net_disconnect(a, "9999"));
    p.want_a = 0;
    p.want_b = 0;
    ck_assert(pump_until(f.base, pair_counts, &p));
    ck_assert_int_eq(sa->gone, 1);
    ela_net_stop(b);
    ela_net_stop(a);
    ck_assert_ptr_null(ela_net_from_node(&f.node));
    fx_close(&f);
}
END_TEST

START_TEST(self_connection_refused)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    ela_net *a = start(&o);
    char addr[64], err[128];
    snprintf(addr, sizeof addr, "127.0.0.1:%u", (unsigned)ela_net_port(a));
    ck_assert(ela_net_add_node(a, addr, false, err, sizeof err));
    pump_for(f.base, 300);
    ck_assert_uint_eq(ela_net_connection_count(a), 0);
    ck_assert_int_eq(g_last_sync->ready, 0);
    ck_assert(!ela_net_add_node(a, "nonsense", false, err, sizeof err));
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

/* ---- framing and handshake rules over raw sockets ------------------------------------------ */

START_TEST(bad_magic_closed)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    ela_net *a = start(&o);
    client c;
    client_open(&c, f.base, ela_net_port(a));
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_frame_write(&w, chainfix_params()->magic + 1, "verack", NULL, 0);
    client_raw(&c, w.data, w.len);
    ela_writer_clear(&w);
    ck_assert(client_closed(&c));
    ck_assert_uint_eq(c.len, 0); /* nothing was sent back */
    client_close(&c);
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

START_TEST(unknown_command_rejected)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    ela_net *a = start(&o);
    client c;
    client_open(&c, f.base, ela_net_port(a));
    client_send(&c, "sendheaders", NULL, 0);
    expect_reject(&c, "malformed", ELA_REJECT_MALFORMED);
    ck_assert(client_closed(&c));
    client_close(&c);

    /* a command field without a NUL */
    client_open(&c, f.base, ela_net_port(a));
    uint8_t h[24];
    ela_put_u32le(h, chainfix_params()->magic);
    memset(h + 4, 'a', 12);
    memset(h + 16, 0, 4);
    memcpy(h + 20, "\x5d\xf6\xe0\xe2", 4);
    client_raw(&c, h, sizeof h);
    expect_reject(&c, "malformed", ELA_REJECT_MALFORMED);
    ck_assert(client_closed(&c));
    client_close(&c);
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

START_TEST(oversize_and_checksum_closed)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    ela_net *a = start(&o);
    /* version over its 82-byte cap: closed without the payload being read */
    client c;
    client_open(&c, f.base, ela_net_port(a));
    uint8_t h[24] = {0};
    ela_put_u32le(h, chainfix_params()->magic);
    memcpy(h + 4, "version", 7);
    ela_put_u32le(h + 16, 83);
    client_raw(&c, h, sizeof h);
    ck_assert(client_closed(&c));
    ck_assert_uint_eq(c.len, 0);
    client_close(&c);

    /* a checksum that does not match */
    client_open(&c, f.base, ela_net_port(a));
    uint8_t ping[32] = {0};
    ela_put_u32le(ping, chainfix_params()->magic);
    memcpy(ping + 4, "ping", 4);
    ela_put_u32le(ping + 16, 8);
    client_raw(&c, ping, sizeof ping);
    ck_assert(client_closed(&c));
    ck_assert_uint_eq(c.len, 0);
    client_close(&c);
    ck_assert_uint_eq(ela_net_connection_count(a), 0);
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

START_TEST(first_message_not_version)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    ela_net *a = start(&o);
    client c;
    client_open(&c, f.base, ela_net_port(a));
    client_send(&c, ELA_CMD_VERACK, NULL, 0);
    expect_reject(&c, "verack", ELA_REJECT_MALFORMED);
    ck_assert(client_closed(&c));
    client_close(&c);
    ck_assert_int_eq(g_last_sync->ready, 0);
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

START_TEST(duplicate_version_rejected)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    ela_net *a = start(&o);
    client c;
    client_open(&c, f.base, ela_net_port(a));
    client_handshake(&c, 42);
    ck_assert_int_eq(g_last_sync->ready, 1);
    client_version(&c, 42, 7);
    expect_reject(&c, "version", ELA_REJECT_DUPLICATE);
    ck_assert(client_closed(&c));
    client_close(&c);
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

START_TEST(ping_answered_with_height)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    ela_net *a = start(&o);
    client c;
    client_open(&c, f.base, ela_net_port(a));
    client_handshake(&c, 7);
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_ping_write(&w, 1234);
    client_send(&c, ELA_CMD_PING, w.data, w.len);
    ela_writer_clear(&w);
    char cmd[13];
    ela_bytes pl;
    ck_assert(client_recv(&c, cmd, &pl));
    ck_assert_str_eq(cmd, "pong");
    uint64_t nonce;
    ck_assert(ela_p2p_ping_parse(&nonce, pl.data, pl.len, NULL));
    ck_assert_uint_eq(nonce, chainfix_template_height());
    ela_bytes_clear(&pl);
    ela_net_peer_view v;
    ck_assert_uint_eq(ela_net_peers(a, &v, 1), 1);
    ck_assert_uint_eq(v.height, 1234);
    ck_assert_uint_eq(v.start_height, 3);
    ck_assert_int_ge(g_last_sync->height_calls, 1);

    /* other messages of a ready peer go to the protocol layer; one it cannot decode gets
     * reject malformed and a disconnect */
    client_send(&c, ELA_CMD_FILTERCLEAR, NULL, 0);
    uint8_t junk[4] = {1, 2, 3, 4};
    client_send(&c, ELA_CMD_TX, junk, sizeof junk);
    expect_reject(&c, "malformed", ELA_REJECT_MALFORMED);
    ck_assert(client_closed(&c));
    ck_assert_int_eq(g_last_sync->messages, 2);
    ck_assert_str_eq(g_last_sync->last_cmd, "tx");
    client_close(&c);
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

static void write_peers_file(const char *path, unsigned n)
{
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fprintf(fp, "{\"version\":1,\"addresses\":[");
    for (unsigned i = 0; i < n; i++)
        fprintf(fp, "%s{\"addr\":\"10.0.0.%u:22338\",\"services\":7,\"lastseen\":%lld,"
                    "\"lasttry\":0,\"lastsuccess\":0,\"attempts\":0}",
                i ? "," : "", i + 1, (long long)time(NULL));
    fprintf(fp, "]}");
    fclose(fp);
}

START_TEST(getaddr_answered_once)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    o.max_outbound = 0; /* the loaded addresses are not dialled */
    write_peers_file(o.peers_path, 3);
    ela_net *a = start(&o);
    client c;
    client_open(&c, f.base, ela_net_port(a));
    client_handshake(&c, 9);
    client_send(&c, ELA_CMD_GETADDR, NULL, 0);
    char cmd[13];
    ela_bytes pl;
    ck_assert(client_recv(&c, cmd, &pl));
    ck_assert_str_eq(cmd, "addr");
    ela_p2p_addr ad;
    ck_assert(ela_p2p_addr_parse(&ad, pl.data, pl.len, NULL));
    ck_assert_uint_eq(ad.n, 3);
    ck_assert_uint_eq(ad.addrs[0].port, 22338);
    ela_p2p_addr_clear(&ad);
    ela_bytes_clear(&pl);
    /* the second getaddr is ignored: the next message is the pong of a ping sent after it */
    client_send(&c, ELA_CMD_GETADDR, NULL, 0);
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_ping_write(&w, 1);
    client_send(&c, ELA_CMD_PING, w.data, w.len);
    ela_writer_clear(&w);
    ck_assert(client_recv(&c, cmd, NULL));
    ck_assert_str_eq(cmd, "pong");

    /* an empty addr disconnects */
    uint8_t zero[8] = {0};
    client_send(&c, ELA_CMD_ADDR, zero, sizeof zero);
    ck_assert(client_closed(&c));
    client_close(&c);
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

/* ---- limits ---------------------------------------------------------------------------------- */

START_TEST(per_host_and_total_limits)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    o.max_per_host = 2;
    ela_net *a = start(&o);
    client c[3];
    for (int i = 0; i < 3; i++)
        client_open(&c[i], f.base, ela_net_port(a));
    /* the third is closed before any handshake; the first two complete theirs */
    ck_assert(client_closed(&c[2]));
    ck_assert_uint_eq(c[2].len, 0);
    client_handshake(&c[0], 1);
    client_handshake(&c[1], 2);
    ck_assert_uint_eq(ela_net_connection_count(a), 2);
    for (int i = 0; i < 3; i++)
        client_close(&c[i]);
    ela_net_stop(a);

    o.max_per_host = 10;
    o.max_connections = 1;
    a = start(&o);
    client_open(&c[0], f.base, ela_net_port(a));
    client_handshake(&c[0], 1);
    client_open(&c[1], f.base, ela_net_port(a));
    ck_assert(client_closed(&c[1]));
    ck_assert_uint_eq(c[1].len, 0);
    ck_assert_uint_eq(ela_net_connection_count(a), 1);
    client_close(&c[0]);
    client_close(&c[1]);
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

/* ---- bans and persistence --------------------------------------------------------------------- */

START_TEST(ban_score_bans_ip)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    ela_net *a = start(&o);
    client c;
    client_open(&c, f.base, ela_net_port(a));
    client_handshake(&c, 5);
    client_send(&c, ELA_CMD_MEMPOOL, NULL, 0); /* the stand-in scores it 100 */
    ck_assert(client_closed(&c));
    client_close(&c);
    ela_net_ban bans[4];
    ck_assert_uint_eq(ela_net_bans(a, bans, 4), 1);
    ck_assert_str_eq(bans[0].ip, "127.0.0.1");
    ck_assert_int_gt(bans[0].until, (int64_t)time(NULL) + 24 * 3600 - 60);
    /* a reconnect is refused before any message */
    client_open(&c, f.base, ela_net_port(a));
    ck_assert(client_closed(&c));
    ck_assert_uint_eq(c.len, 0);
    client_close(&c);
    /* unban: connections are accepted again */
    ck_assert(ela_net_unban_ip(a, "127.0.0.1"));
    ck_assert(!ela_net_unban_ip(a, "127.0.0.1"));
    ck_assert(!ela_net_ban_ip(a, "not-an-ip", 0, "x"));
    client_open(&c, f.base, ela_net_port(a));
    client_handshake(&c, 6);
    client_close(&c);
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

START_TEST(bans_and_addresses_persist)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    o.max_outbound = 0;
    ela_net *a = start(&o);
    ck_assert(ela_net_ban_ip(a, "192.0.2.7", 3600, "operator"));
    ck_assert(ela_net_ban_ip(a, "::ffff:198.51.100.1", 0, "operator"));
    client c;
    client_open(&c, f.base, ela_net_port(a));
    client_handshake(&c, 11);
    /* two addresses (one SPV-only, which is not kept) */
    ela_p2p_netaddr na[2];
    memset(na, 0, sizeof na);
    for (int i = 0; i < 2; i++) {
        na[i].timestamp = time(NULL) + (i ? 0 : 86400); /* the future one is rewritten */
        na[i].services = i ? 0 : 7;
        na[i].ip[10] = na[i].ip[11] = 0xff;
        na[i].ip[12] = 127;
        na[i].ip[15] = (uint8_t)(i + 2);
        na[i].port = 22338;
    }
    ela_p2p_addr ad = {.addrs = na, .n = 2};
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_addr_write(&w, &ad);
    client_send(&c, ELA_CMD_ADDR, w.data, w.len);
    ela_writer_clear(&w);
    /* a ping/pong round trip makes sure the addr was handled */
    ela_writer_init(&w);
    ela_p2p_ping_write(&w, 1);
    client_send(&c, ELA_CMD_PING, w.data, w.len);
    ela_writer_clear(&w);
    char cmd[13];
    ck_assert(client_recv(&c, cmd, NULL));
    ck_assert_str_eq(cmd, "pong");
    client_close(&c);
    ela_net_stop(a);

    ela_addrman *am = ela_addrman_new(0, true);
    char err[256];
    ck_assert(ela_addrman_load(am, o.peers_path, err, sizeof err));
    ck_assert_uint_eq(ela_addrman_count(am), 1);
    ela_addr_entry e;
    uint8_t ip[16];
    uint16_t port;
    ck_assert(ela_addr_parse(ip, &port, "127.0.0.2:22338"));
    ck_assert(ela_addrman_find(am, &e, ip, port));
    ck_assert_int_lt(e.last_seen, (int64_t)time(NULL)); /* rewritten to now - 5 days */
    ela_addrman_free(am);

    a = start(&o);
    ela_net_ban bans[4];
    ck_assert_uint_eq(ela_net_bans(a, bans, 4), 2);
    ck_assert_str_eq(bans[0].ip, "192.0.2.7");
    ck_assert_str_eq(bans[1].ip, "198.51.100.1");
    ck_assert_str_eq(bans[0].reason, "operator");
    ela_net_clear_bans(a);
    ck_assert_uint_eq(ela_net_bans(a, bans, 4), 0);
    ela_net_stop(a);

    /* a damaged ban list and address book: logged, the net starts empty */
    FILE *fp = fopen(o.bans_path, "w");
    fputs("{not json", fp);
    fclose(fp);
    fp = fopen(o.peers_path, "w");
    fputs("[1,2", fp);
    fclose(fp);
    a = start(&o);
    ck_assert_uint_eq(ela_net_bans(a, bans, 4), 0);
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

START_TEST(port_in_use_fails)
{
    fx f;
    fx_open(&f);
    ela_net_options o = fx_options(&f, &f.node);
    ela_net *a = start(&o);
    ela_net_options o2 = o;
    o2.port = ela_net_port(a);
    char err[256];
    ck_assert_ptr_null(ela_net_start(&o2, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "cannot listen"));
    o2.port = 0;
    o2.bind = "not-an-ip";
    ck_assert_ptr_null(ela_net_start(&o2, err, sizeof err));
    const char *const bad[] = {"nohostport"};
    o2.bind = "127.0.0.1";
    o2.connect = bad;
    o2.n_connect = 1;
    ck_assert_ptr_null(ela_net_start(&o2, err, sizeof err));
    ela_net_stop(a);
    fx_close(&f);
}
END_TEST

/* ---- address manager ------------------------------------------------------------------------- */

static ela_p2p_netaddr mk(const char *hostport, uint64_t services, int64_t ts)
{
    ela_p2p_netaddr na = {.timestamp = ts, .services = services};
    ck_assert(ela_addr_parse(na.ip, &na.port, hostport));
    return na;
}

static uint64_t det_state = 1;
static uint64_t det_rnd(void)
{
    det_state = det_state * 6364136223846793005ull + 1442695040888963407ull;
    return det_state >> 11;
}

static bool skip_port_1(void *ctx, const ela_addr_entry *e) { return e->port == 1; }

START_TEST(addrman_insert_select_cap)
{
    ela_addrman *am = ela_addrman_new(3, false);
    ela_p2p_netaddr na = mk("1.2.3.4:20338", 7, 100);
    ck_assert(ela_addrman_add(am, &na));
    ck_assert(ela_addrman_add(am, &na)); /* refresh, not a second entry */
    ck_assert_uint_eq(ela_addrman_count(am), 1);
    na = mk("1.2.3.5:20338", 2, 100);
    ck_assert(!ela_addrman_add(am, &na)); /* no SFNodeNetwork */
    na = mk("127.0.0.1:20338", 1, 100);
    ck_assert(!ela_addrman_add(am, &na)); /* not routable here */
    na = mk("10.1.1.1:20338", 1, 100);
    ck_assert(!ela_addrman_add(am, &na));
    na = mk("[2001:db8::1]:20338", 1, 100);
    ck_assert(!ela_addrman_add(am, &na));
    na = mk("[2a00::1]:20338", 1, 100);
    ck_assert(ela_addrman_add(am, &na));
    na = mk("8.8.8.8:1", 1, 50);
    ck_assert(ela_addrman_add(am, &na));
    ck_assert_uint_eq(ela_addrman_count(am), 3);
    ck_assert(ela_addrman_need_more(am));

    /* a failed one is evicted first when full */
    uint8_t ip[16];
    uint16_t port;
    ck_assert(ela_addr_parse(ip, &port, "[2a00::1]:20338"));
    ela_addrman_attempt(am, ip, port, 1000);
    na = mk("9.9.9.9:20338", 1, 100);
    ck_assert(ela_addrman_add(am, &na));
    ck_assert_uint_eq(ela_addrman_count(am), 3);
    ck_assert(!ela_addrman_find(am, NULL, ip, port));

    /* selection skips vetoed and recently tried addresses */
    ela_addr_entry e;
    ck_assert(ela_addr_parse(ip, &port, "1.2.3.4:20338"));
    ela_addrman_attempt(am, ip, port, 1000);
    for (int i = 0; i < 20; i++) {
        ck_assert(ela_addrman_select(am, &e, 1100, skip_port_1, NULL, det_rnd));
        char s[64];
        ela_addr_format(s, sizeof s, e.ip, e.port);
        ck_assert_str_eq(s, "9.9.9.9:20338");
    }
    ela_addrman_good(am, ip, port, 2000);
    ck_assert(ela_addrman_find(am, &e, ip, port));
    ck_assert_int_eq(e.last_success, 2000);
    ck_assert_uint_eq(e.attempts, 0);

    ela_p2p_netaddr out[8];
    ck_assert_uint_eq(ela_addrman_sample(am, out, 8, det_rnd), 3);
    ck_assert_uint_eq(ela_addrman_sample(am, out, 2, det_rnd), 2);
    ela_addrman_free(am);

    am = ela_addrman_new(0, true); /* regnet: loopback kept */
    na = mk("127.0.0.1:20338", 1, 100);
    ck_assert(ela_addrman_add(am, &na));
    ck_assert(!ela_addrman_select(am, &e, 100, skip_port_1, NULL, det_rnd) ||
              e.port == 20338);
    ela_addrman_free(am);
}
END_TEST

START_TEST(addrman_persistence)
{
    char dir[] = "/tmp/test_addrman.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/peers.json", dir);
    ela_addrman *am = ela_addrman_new(0, false);
    ck_assert(ela_addrman_load(am, path, err, sizeof err)); /* missing: fine, empty */
    ck_assert_uint_eq(ela_addrman_count(am), 0);
    for (int i = 0; i < 50; i++) {
        char s[64];
        snprintf(s, sizeof s, "52.%d.1.1:20338", i);
        ela_p2p_netaddr na = mk(s, 7, 1000 + i);
        ck_assert(ela_addrman_add(am, &na));
    }
    uint8_t ip[16];
    uint16_t port;
    ck_assert(ela_addr_parse(ip, &port, "52.3.1.1:20338"));
    ela_addrman_attempt(am, ip, port, 5000);
    ck_assert(ela_addrman_save(am, path, err, sizeof err));
    ela_addrman *bm = ela_addrman_new(0, false);
    ck_assert(ela_addrman_load(bm, path, err, sizeof err));
    ck_assert_uint_eq(ela_addrman_count(bm), 50);
    ela_addr_entry e;
    ck_assert(ela_addrman_find(bm, &e, ip, port));
    ck_assert_int_eq(e.last_try, 5000);
    ck_assert_uint_eq(e.attempts, 1);
    ck_assert_int_eq(e.last_seen, 1003);
    ck_assert_uint_eq(e.services, 7);
    ela_addrman_free(bm);

    /* damaged: refused as a whole */
    FILE *fp = fopen(path, "w");
    fputs("{\"version\":1,\"addresses\":[{\"addr\":\"1.2.3.4:99999\",\"services\":1,"
          "\"lastseen\":0,\"lasttry\":0,\"lastsuccess\":0,\"attempts\":0}]}", fp);
    fclose(fp);
    bm = ela_addrman_new(0, false);
    ck_assert(!ela_addrman_load(bm, path, err, sizeof err));
    ck_assert_uint_eq(ela_addrman_count(bm), 0);
    fp = fopen(path, "w");
    fputs("garbage", fp);
    fclose(fp);
    ck_assert(!ela_addrman_load(bm, path, err, sizeof err));
    ela_addrman_free(bm);
    ela_addrman_free(am);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(addr_text_forms)
{
    uint8_t ip[16];
    uint16_t port;
    char s[64];
    ck_assert(ela_addr_parse(ip, &port, "1.2.3.4:5"));
    ela_addr_format(s, sizeof s, ip, port);
    ck_assert_str_eq(s, "1.2.3.4:5");
    ck_assert(ela_addr_parse(ip, &port, "[::1]:22338"));
    ela_addr_format(s, sizeof s, ip, port);
    ck_assert_str_eq(s, "[::1]:22338");
    ck_assert(!ela_addr_parse(ip, &port, "1.2.3.4"));
    ck_assert(!ela_addr_parse(ip, &port, "1.2.3.4:0"));
    ck_assert(!ela_addr_parse(ip, &port, "1.2.3.4:65536"));
    ck_assert(!ela_addr_parse(ip, &port, "host.example:1"));
    ck_assert(!ela_addr_parse(ip, &port, "::1:5"));
}
END_TEST

/* ---- options (node/config.c) ------------------------------------------------------------------ */

static bool load(ela_node_config *cfg, char *err, const char *const *args, size_t n)
{
    char *argv[24];
    argv[0] = (char *)"elad";
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = (char *)args[i];
    ela_node_config_clear(cfg);
    return ela_node_config_load(cfg, (int)n + 1, argv, err, 256);
}

START_TEST(config_p2p_options)
{
    ela_node_config cfg;
    memset(&cfg, 0, sizeof cfg);
    char err[256];
    const char *const def[] = {"-regnet", "-datadir=/tmp/x"};
    ck_assert(load(&cfg, err, def, 2));
    ck_assert(cfg.p2p_listen);
    ck_assert_ptr_null(cfg.p2p_bind);
    ck_assert_uint_eq(cfg.p2p_port, 22338);
    ck_assert_uint_eq(cfg.n_p2p_seeds, 0);
    ck_assert_uint_eq(cfg.p2p_max_connections, 125);
    ck_assert_uint_eq(cfg.p2p_max_outbound, 8);
    ck_assert(!cfg.disable_tx_filters);
    ck_assert_str_eq(cfg.peers_path, "/tmp/x/data/peers.json");
    ck_assert_str_eq(cfg.bans_path, "/tmp/x/data/banlist.json");

    const char *const mainnet[] = {"-mainnet"};
    ck_assert(load(&cfg, err, mainnet, 1));
    ck_assert_uint_eq(cfg.n_p2p_seeds, 4);
    ck_assert_str_eq(cfg.p2p_seeds[0], "52.74.28.202:20338");
    ck_assert_uint_eq(cfg.p2p_port, 20338);
    const char *const testnet[] = {"-testnet", "-seednode=seed.example.org:21338"};
    ck_assert(load(&cfg, err, testnet, 2));
    ck_assert_uint_eq(cfg.n_p2p_seeds, 4);
    ck_assert_str_eq(cfg.p2p_seeds[3], "seed.example.org:21338");
    const char *const noseeds[] = {"-testnet", "-noseeds"};
    ck_assert(load(&cfg, err, noseeds, 2));
    ck_assert_uint_eq(cfg.n_p2p_seeds, 0);

    const char *const all[] = {"-listen=0", "-bind=127.0.0.1", "-port=30001",
                               "-connect=127.0.0.1:30002", "-connect=[::1]:30003",
                               "-addnode=node.example:1", "-maxconnections=20",
                               "-maxoutbound=4", "-pinginterval=2", "-idletimeout=5"};
    ck_assert(load(&cfg, err, all, ELA_ARRAY_LEN(all)));
    ck_assert(!cfg.p2p_listen);
    ck_assert_str_eq(cfg.p2p_bind, "127.0.0.1");
    ck_assert_uint_eq(cfg.p2p_port, 30001);
    ck_assert_uint_eq(cfg.n_p2p_connect, 2);
    ck_assert_str_eq(cfg.p2p_connect[1], "[::1]:30003");
    ck_assert_uint_eq(cfg.n_p2p_addnode, 1);
    ck_assert_uint_eq(cfg.p2p_max_connections, 20);
    ck_assert_uint_eq(cfg.p2p_max_outbound, 4);
    ck_assert_uint_eq(cfg.p2p_ping_interval, 2);
    ck_assert_uint_eq(cfg.p2p_idle_timeout, 5);

    static const char *const bad[][2] = {
        {"-port=0", "-port"},          {"-port=65536", "-port"},
        {"-bind=localhost", "-bind"},  {"-connect=1.2.3.4", "-connect"},
        {"-addnode=:5", "-addnode"},   {"-seednode=a b:1", "-seednode"},
        {"-connect=[::1:5", "-connect"}, {"-maxconnections=0", "-maxconnections"},
        {"-maxoutbound=x", "-maxoutbound"}, {"-pinginterval=0", "-pinginterval"},
        {"-listen=2", "-listen"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(bad); i++) {
        const char *const a1[] = {bad[i][0]};
        ck_assert_msg(!load(&cfg, err, a1, 1), "%s accepted", bad[i][0]);
        ck_assert_msg(strstr(err, bad[i][1]) != NULL, "%s: %s", bad[i][0], err);
    }
    const char *const over[] = {"-maxconnections=4", "-maxoutbound=5"};
    ck_assert(!load(&cfg, err, over, 2));
    const char *const small[] = {"-maxconnections=3"};
    ck_assert(load(&cfg, err, small, 1));
    ck_assert_uint_eq(cfg.p2p_max_outbound, 3);
    ela_node_config_clear(&cfg);
}
END_TEST

START_TEST(config_p2p_file_keys)
{
    char dir[] = "/tmp/test_netcfg.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128], arg[160], err[256];
    snprintf(path, sizeof path, "%s/config.json", dir);
    snprintf(arg, sizeof arg, "-conf=%s", path);
    ela_node_config cfg;
    memset(&cfg, 0, sizeof cfg);
    FILE *fp = fopen(path, "w");
    fputs("{\"Configuration\":{\"ActiveNet\":\"testnet\",\"NodePort\":23000,\"DNSSeeds\":"
          "[\"a.example:1\"],\"PermanentPeers\":[\"10.0.0.1:21338\"],\"DisableTxFilters\":true,"
          "\"MaxNodePerHost\":3}}", fp);
    fclose(fp);
    const char *const a1[] = {arg, "-addnode=10.0.0.2:21338"};
    ck_assert(load(&cfg, err, a1, 2));
    ck_assert_uint_eq(cfg.p2p_port, 23000);
    ck_assert_uint_eq(cfg.n_p2p_seeds, 1);
    ck_assert_str_eq(cfg.p2p_seeds[0], "a.example:1");
    ck_assert_uint_eq(cfg.n_p2p_addnode, 2);
    ck_assert_str_eq(cfg.p2p_addnode[0], "10.0.0.1:21338");
    ck_assert_str_eq(cfg.p2p_addnode[1], "10.0.0.2:21338");
    ck_assert(cfg.disable_tx_filters);
    ck_assert_uint_eq(cfg.params.max_node_per_host, 3);

    static const char *const bad[][2] = {
        {"{\"Configuration\":{\"DNSSeeds\":\"a:1\"}}", "DNSSeeds"},
        {"{\"Configuration\":{\"DNSSeeds\":[\"nohost\"]}}", "DNSSeeds"},
        {"{\"Configuration\":{\"PermanentPeers\":[5]}}", "PermanentPeers"},
        {"{\"Configuration\":{\"DisableTxFilters\":\"yes\"}}", "DisableTxFilters"},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(bad); i++) {
        fp = fopen(path, "w");
        fputs(bad[i][0], fp);
        fclose(fp);
        const char *const a2[] = {arg};
        ck_assert_msg(!load(&cfg, err, a2, 1), "%s accepted", bad[i][0]);
        ck_assert_msg(strstr(err, bad[i][1]) != NULL, "%s", err);
    }
    ela_node_config_clear(&cfg);
    unlink(path);
    rmdir(dir);
}
END_TEST

int main(void)
{
    chainfix_global_init(TEMPLATE_BLOCKS, 1, 1);
    Suite *s = suite_create("net");
    TCase *tc = tcase_create("net");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, two_nets_handshake);
    tcase_add_test(tc, self_connection_refused);
    tcase_add_test(tc, bad_magic_closed);
    tcase_add_test(tc, unknown_command_rejected);
    tcase_add_test(tc, oversize_and_checksum_closed);
    tcase_add_test(tc, first_message_not_version);
    tcase_add_test(tc, duplicate_version_rejected);
    tcase_add_test(tc, ping_answered_with_height);
    tcase_add_test(tc, getaddr_answered_once);
    tcase_add_test(tc, per_host_and_total_limits);
    tcase_add_test(tc, ban_score_bans_ip);
    tcase_add_test(tc, bans_and_addresses_persist);
    tcase_add_test(tc, port_in_use_fails);
    suite_add_tcase(s, tc);
    TCase *tam = tcase_create("addrman");
    tcase_add_test(tam, addrman_insert_select_cap);
    tcase_add_test(tam, addrman_persistence);
    tcase_add_test(tam, addr_text_forms);
    suite_add_tcase(s, tam);
    TCase *tcf = tcase_create("config");
    tcase_add_test(tcf, config_p2p_options);
    tcase_add_test(tcf, config_p2p_file_keys);
    suite_add_tcase(s, tcf);
    int rc = ela_test_run(s);
    chainfix_global_cleanup();
    return rc;
}
