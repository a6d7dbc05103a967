/* elad tests: the P2P protocol layer (src/net/sync.c) with a real chain, mempool and node.
 *
 * The connection layer's side of src/net/peer.h is implemented here as a test double: a fake
 * peer records every message the protocol layer sends it, and two fake peers can be wired back
 * to back so that what one sync instance sends is delivered (as bytes, through the real codecs)
 * to another. Delivery is a FIFO pumped by the test; only the timers (trickle, stall) run the
 * event loop. */
#include "chainfix.h"
#include "testutil.h"

#include "mempool/mempool.h"
#include "net/peer.h"
#include "node/node.h"

#include <ela/p2p.h>
#include <ela/payload.h>

#include <check.h>
#include <event2/event.h>

#include <stdlib.h>
#include <string.h>

/* ---- the fake connection layer ---------------------------------------------------------- */

typedef struct msg {
    char cmd[16];
    ela_bytes data;
} msg;

struct ela_net {
    ela_peer *peers[8];
    size_t n;
    ela_node *node;
};

struct ela_peer {
    ela_peer_state st;
    void *data;
    ela_net *net;
    ela_sync *sync;    /* the sync instance that owns this peer */
    ela_peer *remote;  /* deliveries go to remote on remote->sync; NULL: only recorded */
    bool disconnecting;
    size_t queued;     /* what ela_peer_send_queue reports (the fakes deliver at once) */
    char reason[96];
    int ban, ban_transient;
    msg *log;
    size_t nlog, cap;
};

typedef struct delivery {
    ela_peer *to;
    msg m;
} delivery;

static delivery *queue;
static size_t q_head, q_n, q_cap;

const ela_peer_state *ela_peer_state_of(const ela_peer *p) { return &p->st; }

void ela_peer_send(ela_peer *p, const char *cmd, const uint8_t *payload, size_t len)
{
    if (p->disconnecting)
        return;
    if (p->nlog == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->log = realloc(p->log, p->cap * sizeof *p->log);
    }
    msg *m = &p->log[p->nlog++];
    memset(m, 0, sizeof *m);
    snprintf(m->cmd, sizeof m->cmd, "%s", cmd);
    ela_bytes_set(&m->data, payload, len);
    if (p->remote) {
        if (q_n == q_cap) {
            q_cap = q_cap ? q_cap * 2 : 256;
            queue = realloc(queue, q_cap * sizeof *queue);
        }
        delivery *d = &queue[q_n++];
        d->to = p->remote;
        snprintf(d->m.cmd, sizeof d->m.cmd, "%s", cmd);
        d->m.data.data = NULL;
        d->m.data.len = 0;
        ela_bytes_set(&d->m.data, payload, len);
    }
}

void ela_peer_send_reject(ela_peer *p, const char *cmd, uint8_t code, const char *reason,
                          const ela_uint256 *hash)
{
    ela_p2p_reject rj = {.code = code};
    rj.command.data = (uint8_t *)cmd;
    rj.command.len = strlen(cmd);
    rj.reason.data = (uint8_t *)reason;
    rj.reason.len = strlen(reason);
    if (hash)
        rj.hash = *hash;
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_reject_write(&w, &rj);
    ela_peer_send(p, ELA_CMD_REJECT, w.data, w.len);
    ela_writer_clear(&w);
}

void ela_peer_misbehaving(ela_peer *p, int score, bool transient, const char *reason)
{
    p->ban += score;
    if (transient)
        p->ban_transient += score;
    if (p->ban >= 100)
        ela_peer_disconnect(p, reason);
}

void ela_peer_disconnect(ela_peer *p, const char *reason)
{
    if (!p->disconnecting)
        snprintf(p->reason, sizeof p->reason, "%s", reason);
    p->disconnecting = true;
}

bool ela_peer_disconnecting(const ela_peer *p) { return p->disconnecting; }
/* The fake peers deliver at once; a test sets `queued` to play a peer that reads slowly. */
size_t ela_peer_send_queue(const ela_peer *p) { return p->queued; }
void ela_peer_set_height(ela_peer *p, uint64_t height) { p->st.height = height; }
void *ela_peer_sync_data(const ela_peer *p) { return p->data; }
void ela_peer_set_sync_data(ela_peer *p, void *data) { p->data = data; }

void ela_net_foreach_peer(ela_net *n, bool (*fn)(void *ctx, ela_peer *p), void *ctx)
{
    for (size_t i = 0; i < n->n; i++)
        if (!n->peers[i]->disconnecting && n->peers[i]->data && !fn(ctx, n->peers[i]))
            return;
}

uint32_t ela_net_our_height(const ela_net *n) { return ela_chain_height(n->node->chain); }

/* Delivers queued messages until none is left (or the cap, to fail instead of hanging). */
static size_t pump(void)
{
    size_t delivered = 0;
    while (q_head < q_n && delivered < 1000000) {
        delivery d = queue[q_head++];
        if (!d.to->disconnecting && d.to->data)
            ck_assert_msg(ela_sync_message(d.to->sync, d.to, d.m.cmd, d.m.data.data, d.m.data.len),
                          "undecodable %s", d.m.cmd);
        ela_bytes_clear(&d.m.data);
        delivered++;
    }
    q_head = q_n = 0;
    return delivered;
}

/* ---- a node on the fixture ---------------------------------------------------------------- */

typedef struct tnode {
    chainfix f;
    ela_node node;
    ela_net net;
    ela_sync *sync;
} tnode;

static struct event_base *base;

static void relay_block_hook(void *ctx, const ela_block *b, const void *from)
{
    ela_sync_relay_block(ctx, b, from);
}

static void relay_tx_hook(void *ctx, const ela_tx *tx, const void *from)
{
    ela_sync_relay_tx(ctx, tx, from);
}

static void tnode_start(tnode *t, bool empty, uint64_t services)
{
    memset(t, 0, sizeof *t);
    if (empty)
        chainfix_open_empty(&t->f);
    else
        chainfix_open(&t->f);
    ela_node_init(&t->node, base, NULL, &t->f.params);
    t->node.chain = t->f.chain;
    char err[256];
    ck_assert_msg(ela_node_start(&t->node, err, sizeof err), "%s", err);
    t->net.node = &t->node;
    t->sync = ela_sync_new(&t->net, &t->node, base, services);
    t->node.net.ctx = t->sync;
    t->node.net.relay_block = relay_block_hook;
    t->node.net.relay_tx = relay_tx_hook;
}

static void tnode_stop(tnode *t)
{
    ela_sync_free(t->sync);
    ela_node_stop(&t->node);
    chainfix_close(&t->f);
}

static ela_peer *peer_new(tnode *t, uint64_t height, bool relay)
{
    ela_peer *p = calloc(1, sizeof *p);
    static uint64_t ids;
    p->st.id = ++ids;
    snprintf(p->st.addr, sizeof p->st.addr, "127.0.0.1:%llu", (unsigned long long)(20000 + ids));
    snprintf(p->st.ip, sizeof p->st.ip, "127.0.0.1");
    p->st.version = ELA_P2P_PROTOCOL_V2;
    p->st.services = 7;
    p->st.relay = relay;
    p->st.height = p->st.start_height = height;
    p->net = &t->net;
    p->sync = t->sync;
    t->net.peers[t->net.n++] = p;
    return p;
}

static void peer_free(ela_peer *p)
{
    for (size_t i = 0; i < p->nlog; i++)
        ela_bytes_clear(&p->log[i].data);
    free(p->log);
    free(p);
}

static void log_reset(ela_peer *p)
{
    for (size_t i = 0; i < p->nlog; i++)
        ela_bytes_clear(&p->log[i].data);
    p->nlog = 0;
}

static size_t count_cmd(const ela_peer *p, const char *cmd)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nlog; i++)
        n += strcmp(p->log[i].cmd, cmd) == 0;
    return n;
}

static const msg *nth_cmd(const ela_peer *p, const char *cmd, size_t k)
{
    for (size_t i = 0; i < p->nlog; i++)
        if (strcmp(p->log[i].cmd, cmd) == 0 && k-- == 0)
            return &p->log[i];
    return NULL;
}

/* Hands payload of cmd to t's sync as if p had sent it. */
static bool recv_msg(tnode *t, ela_peer *p, const char *cmd, const ela_writer *w)
{
    return ela_sync_message(t->sync, p, cmd, w ? w->data : NULL, w ? w->len : 0);
}

static void write_inv1(ela_writer *w, uint32_t type, const ela_uint256 *h)
{
    ela_p2p_inv_vect it = {.type = type, .hash = *h};
    ela_p2p_inv inv = {.items = &it, .n = 1};
    ela_writer_init(w);
    ela_p2p_inv_write(w, &inv);
}

static void parse_inv(ela_p2p_inv *inv, const msg *m)
{
    ck_assert_ptr_nonnull(m);
    ck_assert(ela_p2p_inv_parse(inv, m->data.data, m->data.len, NULL));
}

static ela_uint256 hash_at(tnode *t, uint32_t h)
{
    ela_uint256 out;
    ck_assert(ela_chain_hash_at(t->f.chain, &out, h));
    return out;
}

/* ---- sync of a 1,200-block chain between two instances ------------------------------------ */

START_TEST(sync_two_nodes)
{
    tnode a, b;
    tnode_start(&a, false, 7);
    tnode_start(&b, true, 7);
    uint32_t top = ela_chain_height(a.f.chain);
    ck_assert_uint_ge(top, 1200);
    ela_peer *pa = peer_new(&a, 0, true);   /* a's view of b */
    ela_peer *pb = peer_new(&b, top, true); /* b's view of a */
    pa->remote = pb;
    pb->remote = pa;
    ela_sync_peer_ready(a.sync, pa);
    ela_sync_peer_ready(b.sync, pb);
    ck_assert(ela_sync_is_sync_peer(b.sync, pb));
    ck_assert(!ela_sync_is_sync_peer(a.sync, pa));
    ela_net_sync_status ss;
    ela_sync_status(b.sync, &ss);
    ck_assert(ss.syncing);
    ck_assert_uint_eq(ss.target, top);
    pump();
    ck_assert_uint_eq(ela_chain_height(b.f.chain), top);
    ela_utxo_stats ua, ub;
    chainfix_utxo(&a.f, &ua);
    chainfix_utxo(&b.f, &ub);
    ck_assert(ela_uint256_equal(&ua.tip, &ub.tip));
    ck_assert(ela_uint256_equal(&ua.hash, &ub.hash));
    ck_assert(!pa->disconnecting && !pb->disconnecting);
    /* Pipelining: more than one getblocks, and the first full inv was followed at once by a
     * getblocks([last, first]). */
    ck_assert_uint_ge(count_cmd(pb, ELA_CMD_GETBLOCKS), 3);
    const msg *g2 = nth_cmd(pb, ELA_CMD_GETBLOCKS, 1);
    ela_p2p_getblocks gb;
    ck_assert(ela_p2p_getblocks_parse(&gb, g2->data.data, g2->data.len, NULL));
    ck_assert_uint_eq(gb.n, 2);
    ela_uint256 h500 = hash_at(&a, 500), h1 = hash_at(&a, 1);
    ck_assert(ela_uint256_equal(&gb.locator[0], &h500));
    ck_assert(ela_uint256_equal(&gb.locator[1], &h1));
    ela_p2p_getblocks_clear(&gb);
    /* Every getdata asked for type 4 and each block was asked once. */
    size_t blocks = 0;
    for (size_t i = 0; i < pb->nlog; i++) {
        if (strcmp(pb->log[i].cmd, ELA_CMD_GETDATA) != 0)
            continue;
        ela_p2p_inv inv;
        parse_inv(&inv, &pb->log[i]);
        for (size_t k = 0; k < inv.n; k++)
            ck_assert_uint_eq(inv.items[k].type, ELA_INV_CONFIRMED_BLOCK);
        blocks += inv.n;
        ela_p2p_inv_clear(&inv);
    }
    ck_assert_uint_eq(blocks, top);
    ela_sync_status(b.sync, &ss);
    ck_assert(!ss.syncing);
    ck_assert_uint_eq(ss.blocks_received, top);
    ck_assert(!ela_sync_is_sync_peer(b.sync, pb));
    ela_sync_peer_gone(a.sync, pa);
    ela_sync_peer_gone(b.sync, pb);
    peer_free(pa);
    peer_free(pb);
    tnode_stop(&a);
    tnode_stop(&b);
}
END_TEST

/* ---- getblocks serving --------------------------------------------------------------------- */

static void send_getblocks(tnode *t, ela_peer *p, const ela_uint256 *loc, size_t n,
                           const ela_uint256 *stop)
{
    ela_p2p_getblocks gb = {.locator = (ela_uint256 *)loc, .n = n};
    if (stop)
        gb.stop = *stop;
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_getblocks_write(&w, &gb);
    ck_assert(recv_msg(t, p, ELA_CMD_GETBLOCKS, &w));
    ela_writer_clear(&w);
}

START_TEST(getblocks_serving)
{
    tnode a;
    tnode_start(&a, false, 7);
    uint32_t top = ela_chain_height(a.f.chain);
    ela_peer *p = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, p);

    /* Genesis locator: 500 hashes from height 1, type 4; the last one is the continue hash. */
    ela_uint256 g = hash_at(&a, 0);
    send_getblocks(&a, p, &g, 1, NULL);
    ck_assert_uint_eq(p->nlog, 1);
    ela_p2p_inv inv;
    parse_inv(&inv, nth_cmd(p, ELA_CMD_INV, 0));
    ck_assert_uint_eq(inv.n, 500);
    for (size_t i = 0; i < inv.n; i++) {
        ela_uint256 h = hash_at(&a, (uint32_t)i + 1);
        ck_assert(ela_uint256_equal(&inv.items[i].hash, &h));
        ck_assert_uint_eq(inv.items[i].type, ELA_INV_CONFIRMED_BLOCK);
    }
    ela_p2p_inv_clear(&inv);

    /* Serving the continue hash is followed by inv(best). */
    log_reset(p);
    ela_uint256 h500 = hash_at(&a, 500), tip;
    ela_chain_tip_hash(a.f.chain, &tip);
    ela_writer w;
    write_inv1(&w, ELA_INV_CONFIRMED_BLOCK, &h500);
    ck_assert(recv_msg(&a, p, ELA_CMD_GETDATA, &w));
    ela_writer_clear(&w);
    ck_assert_uint_eq(p->nlog, 2);
    ck_assert_str_eq(p->log[0].cmd, ELA_CMD_BLOCK);
    ela_dpos_block d;
    ck_assert(ela_p2p_block_parse(&d, p->log[0].data.data, p->log[0].data.len, NULL));
    ck_assert(ela_uint256_equal(&d.block.header.hash, &h500));
    ck_assert(!d.have_confirm);
    ela_dpos_block_clear(&d);
    parse_inv(&inv, nth_cmd(p, ELA_CMD_INV, 0));
    ck_assert_uint_eq(inv.n, 1);
    ck_assert(ela_uint256_equal(&inv.items[0].hash, &tip));
    ck_assert_uint_eq(inv.items[0].type, ELA_INV_CONFIRMED_BLOCK);
    ela_p2p_inv_clear(&inv);

    /* A later locator entry on the main chain with a stop hash: (1000, 1005]. */
    log_reset(p);
    ela_uint256 unknown;
    memset(unknown.b, 0x5a, 32);
    ela_uint256 loc[3] = {unknown, hash_at(&a, 1000), g};
    ela_uint256 stop = hash_at(&a, 1005);
    send_getblocks(&a, p, loc, 3, &stop);
    parse_inv(&inv, nth_cmd(p, ELA_CMD_INV, 0));
    ck_assert_uint_eq(inv.n, 5);
    ela_uint256 h1001 = hash_at(&a, 1001);
    ck_assert(ela_uint256_equal(&inv.items[0].hash, &h1001));
    ck_assert(ela_uint256_equal(&inv.items[4].hash, &stop));
    ela_p2p_inv_clear(&inv);

    /* Only unknown hashes: from genesis. The tip: nothing follows, nothing is sent. */
    log_reset(p);
    send_getblocks(&a, p, &unknown, 1, NULL);
    parse_inv(&inv, nth_cmd(p, ELA_CMD_INV, 0));
    ck_assert_uint_eq(inv.n, 500);
    ela_uint256 h1 = hash_at(&a, 1);
    ck_assert(ela_uint256_equal(&inv.items[0].hash, &h1));
    ela_p2p_inv_clear(&inv);
    log_reset(p);
    send_getblocks(&a, p, &tip, 1, NULL);
    ck_assert_uint_eq(p->nlog, 0);

    /* A peer with a filter gets type 2. */
    ela_bloom bf;
    ela_bloom_init(&bf, 1, 0.0001, 7, 0);
    ela_writer_init(&w);
    ela_bloom_write(&w, &bf);
    ck_assert(recv_msg(&a, p, ELA_CMD_FILTERLOAD, &w));
    ela_writer_clear(&w);
    ela_bloom_clear(&bf);
    ela_uint256 h1190 = hash_at(&a, top - 10);
    send_getblocks(&a, p, &h1190, 1, NULL);
    parse_inv(&inv, nth_cmd(p, ELA_CMD_INV, 0));
    ck_assert_uint_eq(inv.n, 10);
    ck_assert_uint_eq(inv.items[0].type, ELA_INV_BLOCK);
    ela_p2p_inv_clear(&inv);
    ck_assert(!p->disconnecting);
    ela_sync_peer_gone(a.sync, p);
    peer_free(p);
    tnode_stop(&a);
}
END_TEST

/* ---- getdata for what we do not have, receiving rules --------------------------------------- */

START_TEST(getdata_unknown_and_rules)
{
    tnode a;
    tnode_start(&a, false, 7);
    ela_peer *p = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, p);
    ela_uint256 unknown;
    memset(unknown.b, 0x33, 32);
    ela_writer w;
    write_inv1(&w, ELA_INV_CONFIRMED_BLOCK, &unknown);
    ck_assert(recv_msg(&a, p, ELA_CMD_GETDATA, &w));
    ela_writer_clear(&w);
    write_inv1(&w, ELA_INV_BLOCK, &unknown);
    ck_assert(recv_msg(&a, p, ELA_CMD_GETDATA, &w));
    ela_writer_clear(&w);
    ck_assert_uint_eq(p->nlog, 0); /* never notfound for a block */
    write_inv1(&w, ELA_INV_TX, &unknown);
    ck_assert(recv_msg(&a, p, ELA_CMD_GETDATA, &w));
    ela_writer_clear(&w);
    ck_assert_uint_eq(p->nlog, 1);
    ela_p2p_inv inv;
    parse_inv(&inv, nth_cmd(p, ELA_CMD_NOTFOUND, 0));
    ck_assert_uint_eq(inv.n, 1);
    ck_assert(ela_uint256_equal(&inv.items[0].hash, &unknown));
    ela_p2p_inv_clear(&inv);

    /* A notfound for a tx is fine; for a block: +100. */
    write_inv1(&w, ELA_INV_TX, &unknown);
    ck_assert(recv_msg(&a, p, ELA_CMD_NOTFOUND, &w));
    ela_writer_clear(&w);
    ck_assert_int_eq(p->ban, 0);
    write_inv1(&w, ELA_INV_BLOCK, &unknown);
    ck_assert(recv_msg(&a, p, ELA_CMD_NOTFOUND, &w));
    ela_writer_clear(&w);
    ck_assert_int_eq(p->ban, 100);
    ck_assert(p->disconnecting);

    /* An unrequested block -> disconnect. */
    ela_peer *q = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, q);
    ela_uint256 h5 = hash_at(&a, 5);
    ela_bytes raw = {0};
    ck_assert(ela_chain_get_block_raw(a.f.chain, &raw, &h5));
    ela_writer_init(&w);
    ela_write_bytes(&w, raw.data, raw.len);
    ela_write_u8(&w, 0);
    ela_bytes_clear(&raw);
    ck_assert(recv_msg(&a, q, ELA_CMD_BLOCK, &w));
    ela_writer_clear(&w);
    ck_assert(q->disconnecting);
    ck_assert_str_eq(q->reason, "unrequested block");

    /* Garbage decodes to false (the connection layer sends reject malformed). */
    ela_peer *r = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, r);
    uint8_t junk[3] = {1, 2, 3};
    ck_assert(!ela_sync_message(a.sync, r, ELA_CMD_INV, junk, sizeof junk));
    ck_assert(!ela_sync_message(a.sync, r, ELA_CMD_BLOCK, junk, sizeof junk));

    /* Big getdata: transient ban score items x 99 / 50000. */
    ela_p2p_inv big = {.n = 50000};
    big.items = calloc(big.n, sizeof *big.items);
    for (size_t i = 0; i < big.n; i++)
        big.items[i].type = ELA_INV_BLOCK;
    ela_writer_init(&w);
    ela_p2p_inv_write(&w, &big);
    free(big.items);
    ck_assert(recv_msg(&a, r, ELA_CMD_GETDATA, &w));
    ela_writer_clear(&w);
    ck_assert_int_eq(r->ban_transient, 99);
    ck_assert(!r->disconnecting);

    ela_sync_peer_gone(a.sync, p);
    ela_sync_peer_gone(a.sync, q);
    ela_sync_peer_gone(a.sync, r);
    peer_free(p);
    peer_free(q);
    peer_free(r);
    tnode_stop(&a);
}
END_TEST

/* A getdata is served only while the peer's output queue is below the high-water mark; the rest
 * waits, in order, until the connection layer reports the queue drained. */
START_TEST(getdata_flow_control)
{
    tnode a;
    tnode_start(&a, false, 7);
    ela_peer *p = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, p);
    ela_p2p_inv req = {.n = 3};
    req.items = calloc(req.n, sizeof *req.items);
    for (size_t i = 0; i < req.n; i++) {
        req.items[i].type = ELA_INV_CONFIRMED_BLOCK;
        req.items[i].hash = hash_at(&a, (uint32_t)(10 + i));
    }
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_inv_write(&w, &req);
    p->queued = ELA_PEER_SEND_HIGH; /* full: nothing goes out */
    ck_assert(recv_msg(&a, p, ELA_CMD_GETDATA, &w));
    ck_assert_uint_eq(p->nlog, 0);
    p->queued = 0; /* drained */
    ela_sync_peer_drained(a.sync, p);
    ck_assert_uint_eq(p->nlog, 3);
    for (size_t i = 0; i < req.n; i++) {
        ck_assert_str_eq(p->log[i].cmd, ELA_CMD_BLOCK);
        ela_dpos_block d;
        ck_assert(ela_p2p_block_parse(&d, p->log[i].data.data, p->log[i].data.len, NULL));
        ck_assert(ela_uint256_equal(&d.block.header.hash, &req.items[i].hash));
        ela_dpos_block_clear(&d);
    }
    /* Nothing left: a further drain sends nothing. */
    ela_sync_peer_drained(a.sync, p);
    ck_assert_uint_eq(p->nlog, 3);
    ela_writer_clear(&w);
    free(req.items);
    ela_sync_peer_gone(a.sync, p);
    peer_free(p);
    tnode_stop(&a);
}
END_TEST

/* ---- relay ----------------------------------------------------------------------------------- */

START_TEST(block_relay_not_echoed)
{
    tnode a;
    tnode_start(&a, false, 7);
    ela_peer *p1 = peer_new(&a, 0, true), *p2 = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, p1);
    ela_sync_peer_ready(a.sync, p2);
    ck_assert(!ela_sync_is_sync_peer(a.sync, p1));
    ela_block b;
    chaingen_build_block(chainfix_gen(), &b, a.f.br, 1, 1);
    ela_writer w;
    write_inv1(&w, ELA_INV_BLOCK, &b.header.hash);
    ck_assert(recv_msg(&a, p1, ELA_CMD_INV, &w));
    ela_writer_clear(&w);
    ela_p2p_inv inv;
    parse_inv(&inv, nth_cmd(p1, ELA_CMD_GETDATA, 0));
    ck_assert_uint_eq(inv.n, 1);
    ck_assert_uint_eq(inv.items[0].type, ELA_INV_BLOCK);
    ela_p2p_inv_clear(&inv);
    /* The same hash announced by p2 is not requested again. */
    write_inv1(&w, ELA_INV_BLOCK, &b.header.hash);
    ck_assert(recv_msg(&a, p2, ELA_CMD_INV, &w));
    ela_writer_clear(&w);
    ck_assert_uint_eq(count_cmd(p2, ELA_CMD_GETDATA), 0);
    /* p2 did announce it: it is known to have it. Use a third peer to see the relay. */
    ela_peer *p3 = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, p3);
    log_reset(p1);
    ela_writer_init(&w);
    ela_dpos_block d = {.block = b};
    ela_dpos_block_write(&w, &d);
    ck_assert(recv_msg(&a, p1, ELA_CMD_BLOCK, &w));
    ela_writer_clear(&w);
    ela_uint256 tip;
    ela_chain_tip_hash(a.f.chain, &tip);
    ck_assert(ela_uint256_equal(&tip, &b.header.hash));
    ck_assert_uint_eq(p1->nlog, 0);
    ck_assert_uint_eq(count_cmd(p2, ELA_CMD_INV), 0);
    parse_inv(&inv, nth_cmd(p3, ELA_CMD_INV, 0));
    ck_assert_uint_eq(inv.n, 1);
    ck_assert_uint_eq(inv.items[0].type, ELA_INV_BLOCK);
    ck_assert(ela_uint256_equal(&inv.items[0].hash, &tip));
    ela_p2p_inv_clear(&inv);
    ck_assert(!p1->disconnecting);
    ela_block_clear(&b);
    ela_sync_peer_gone(a.sync, p1);
    ela_sync_peer_gone(a.sync, p2);
    ela_sync_peer_gone(a.sync, p3);
    peer_free(p1);
    peer_free(p2);
    peer_free(p3);
    tnode_stop(&a);
}
END_TEST

/* Runs the loop until cond holds (at most n rounds). */
#define RUN_UNTIL(cond)                                                                          \
    for (int round_ = 0; !(cond) && round_ < 2000; round_++)                                     \
    event_base_loop(base, EVLOOP_ONCE)

START_TEST(tx_relay_trickle_and_mempool)
{
    tnode a;
    tnode_start(&a, false, 7);
    ela_sync_set_timeouts(a.sync, 0, 20);
    ela_peer *p1 = peer_new(&a, 0, true), *p2 = peer_new(&a, 0, false),
             *p3 = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, p1);
    ela_sync_peer_ready(a.sync, p2);
    ela_sync_peer_ready(a.sync, p3);
    ela_block b;
    ck_assert_uint_ge(chaingen_build_block(chainfix_gen(), &b, a.f.br, 2, 1), 2);
    const ela_tx *tx = &b.txs[1];
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, tx);
    ck_assert(recv_msg(&a, p1, ELA_CMD_TX, &w));
    ela_writer_clear(&w);
    ck_assert(ela_mempool_contains(a.node.mempool, &tx->txid));
    ck_assert_uint_eq(count_cmd(p3, ELA_CMD_INV), 0); /* not before the trickle */
    RUN_UNTIL(count_cmd(p3, ELA_CMD_INV) > 0);
    ela_p2p_inv inv;
    parse_inv(&inv, nth_cmd(p3, ELA_CMD_INV, 0));
    ck_assert_uint_eq(inv.n, 1);
    ck_assert_uint_eq(inv.items[0].type, ELA_INV_TX);
    ck_assert(ela_uint256_equal(&inv.items[0].hash, &tx->txid));
    ela_p2p_inv_clear(&inv);
    ck_assert_uint_eq(count_cmd(p1, ELA_CMD_INV), 0); /* the sender */
    ck_assert_uint_eq(count_cmd(p2, ELA_CMD_INV), 0); /* relay = 0 */

    /* getdata for it serves the pooled bytes. */
    write_inv1(&w, ELA_INV_TX, &tx->txid);
    ck_assert(recv_msg(&a, p3, ELA_CMD_GETDATA, &w));
    ela_writer_clear(&w);
    const msg *m = nth_cmd(p3, ELA_CMD_TX, 0);
    ck_assert_ptr_nonnull(m);
    ela_tx got;
    ck_assert(ela_p2p_tx_parse(&got, m->data.data, m->data.len, NULL));
    ck_assert(ela_uint256_equal(&got.txid, &tx->txid));
    ela_tx_clear(&got);

    /* A tx inv: unknown ones are requested, pooled ones are not. */
    ela_uint256 other;
    memset(other.b, 0x77, 32);
    write_inv1(&w, ELA_INV_TX, &tx->txid);
    ck_assert(recv_msg(&a, p2, ELA_CMD_INV, &w));
    ela_writer_clear(&w);
    ck_assert_uint_eq(count_cmd(p2, ELA_CMD_GETDATA), 0);
    write_inv1(&w, ELA_INV_TX, &other);
    ck_assert(recv_msg(&a, p2, ELA_CMD_INV, &w));
    ela_writer_clear(&w);
    ck_assert_uint_eq(count_cmd(p2, ELA_CMD_GETDATA), 1);

    /* An invalid tx (changed after signing) gets a reject with its txid. */
    ela_tx bad;
    chainfix_tx_copy(&bad, &b.txs[2]);
    bad.outputs[0].value -= 1;
    ela_writer_init(&w);
    ela_tx_write(&w, &bad);
    ela_tx_clear(&bad);
    ela_tx badp;
    ck_assert(ela_p2p_tx_parse(&badp, w.data, w.len, NULL));
    ck_assert(recv_msg(&a, p2, ELA_CMD_TX, &w));
    ela_writer_clear(&w);
    const msg *rjm = nth_cmd(p2, ELA_CMD_REJECT, 0);
    ck_assert_ptr_nonnull(rjm);
    ela_p2p_reject rj;
    ck_assert(ela_p2p_reject_parse(&rj, rjm->data.data, rjm->data.len, NULL));
    ck_assert(ela_uint256_equal(&rj.hash, &badp.txid));
    ck_assert_uint_eq(rj.command.len, 2);
    ela_p2p_reject_clear(&rj);
    ela_tx_clear(&badp);
    ck_assert(!ela_mempool_contains(a.node.mempool, &b.txs[2].txid));

    /* mempool command: services with tx filtering -> +33 transient and the pool's txids. */
    log_reset(p3);
    ck_assert(recv_msg(&a, p3, ELA_CMD_MEMPOOL, NULL));
    ck_assert_int_eq(p3->ban_transient, 33);
    parse_inv(&inv, nth_cmd(p3, ELA_CMD_INV, 0));
    ck_assert_uint_eq(inv.n, 1);
    ck_assert(ela_uint256_equal(&inv.items[0].hash, &tx->txid));
    ela_p2p_inv_clear(&inv);
    /* With a filter that matches nothing relevant: an empty answer (nothing sent). */
    ela_bloom bf;
    ela_bloom_init(&bf, 1, 0.000001, 11, 0);
    uint8_t nothing[21] = {0x21, 9, 9, 9};
    ela_bloom_add(&bf, nothing, sizeof nothing);
    ela_writer_init(&w);
    ela_bloom_write(&w, &bf);
    ela_bloom_clear(&bf);
    ck_assert(recv_msg(&a, p3, ELA_CMD_FILTERLOAD, &w));
    ela_writer_clear(&w);
    log_reset(p3);
    ck_assert(recv_msg(&a, p3, ELA_CMD_MEMPOOL, NULL));
    ck_assert_uint_eq(p3->nlog, 0);

    ela_block_clear(&b);
    ela_sync_peer_gone(a.sync, p1);
    ela_sync_peer_gone(a.sync, p2);
    ela_sync_peer_gone(a.sync, p3);
    peer_free(p1);
    peer_free(p2);
    peer_free(p3);
    tnode_stop(&a);
}
END_TEST

START_TEST(filtering_disabled)
{
    tnode a;
    tnode_start(&a, false, ELA_SF_NODE_NETWORK);
    ela_peer *p = peer_new(&a, 0, true), *q = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, p);
    ela_sync_peer_ready(a.sync, q);
    ck_assert(recv_msg(&a, p, ELA_CMD_MEMPOOL, NULL));
    ck_assert_int_eq(p->ban, 100);
    ck_assert(p->disconnecting);
    ela_bloom bf;
    ela_bloom_init(&bf, 1, 0.01, 0, 0);
    ela_writer w;
    ela_writer_init(&w);
    ela_bloom_write(&w, &bf);
    ela_bloom_clear(&bf);
    ck_assert(recv_msg(&a, q, ELA_CMD_FILTERLOAD, &w));
    ela_writer_clear(&w);
    ck_assert_int_eq(q->ban, 100);
    ela_sync_peer_gone(a.sync, p);
    ela_sync_peer_gone(a.sync, q);
    peer_free(p);
    peer_free(q);
    tnode_stop(&a);
}
END_TEST

START_TEST(filter_misuse)
{
    tnode a;
    tnode_start(&a, false, 7);
    ela_peer *p = peer_new(&a, 0, true), *q = peer_new(&a, 0, true), *r = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, p);
    ela_sync_peer_ready(a.sync, q);
    ela_sync_peer_ready(a.sync, r);
    ela_writer w;
    ela_writer_init(&w);
    uint8_t el[4] = {1, 2, 3, 4};
    ela_filteradd_write(&w, el, sizeof el);
    ck_assert(recv_msg(&a, p, ELA_CMD_FILTERADD, &w));
    ela_writer_clear(&w);
    ck_assert(p->disconnecting);
    ck_assert(recv_msg(&a, q, ELA_CMD_FILTERCLEAR, NULL));
    ck_assert(q->disconnecting);
    ela_txfilter tf = {.type = 9};
    ela_writer_init(&w);
    ela_txfilter_write(&w, &tf);
    ck_assert(recv_msg(&a, r, ELA_CMD_TXFILTER, &w));
    ela_writer_clear(&w);
    ck_assert(r->disconnecting);
    ck_assert_int_eq(p->ban + q->ban + r->ban, 0);
    ela_sync_peer_gone(a.sync, p);
    ela_sync_peer_gone(a.sync, q);
    ela_sync_peer_gone(a.sync, r);
    peer_free(p);
    peer_free(q);
    peer_free(r);
    tnode_stop(&a);
}
END_TEST

/* ---- SPV ------------------------------------------------------------------------------------- */

/* Out-points matched so far, as the exact (non-bloom) model of the filter. */
typedef struct opset {
    ela_uint256 txid[4096];
    uint16_t idx[4096];
    size_t n;
} opset;

static bool opset_has(const opset *s, const ela_uint256 *t, uint16_t i)
{
    for (size_t k = 0; k < s->n; k++)
        if (s->idx[k] == i && ela_uint256_equal(&s->txid[k], t))
            return true;
    return false;
}

/* Requests merkleblocks for heights [from, to] and checks each proof and its matched txs
 * against model(tx) -> expected. */
typedef bool (*model_fn)(void *ctx, const ela_tx *tx);

static size_t check_merkleblocks(tnode *t, ela_peer *p, uint32_t from, uint32_t to, bool dpos,
                                 model_fn model, void *mctx)
{
    size_t total = 0;
    for (uint32_t h = from; h <= to; h++) {
        log_reset(p);
        ela_uint256 bh = hash_at(t, h);
        ela_writer w;
        write_inv1(&w, ELA_INV_FILTERED_BLOCK, &bh);
        ck_assert(recv_msg(t, p, ELA_CMD_GETDATA, &w));
        ela_writer_clear(&w);
        ela_block b;
        ck_assert(ela_chain_get_block(t->f.chain, &b, &bh));
        ck_assert_uint_ge(p->nlog, 1);
        ck_assert_str_eq(p->log[0].cmd, ELA_CMD_MERKLEBLOCK);
        ela_p2p_merkleblock mb;
        ck_assert(ela_p2p_merkleblock_parse(&mb, dpos, p->log[0].data.data, p->log[0].data.len,
                                            NULL));
        ck_assert(ela_uint256_equal(&mb.header.hash, &bh));
        ela_uint256 root, *matched = NULL;
        size_t nm = 0;
        ck_assert(ela_partial_merkle_extract(&root, &matched, NULL, &nm, &mb.tree, NULL));
        ck_assert(ela_uint256_equal(&root, &b.header.merkle_root));
        size_t k = 0;
        for (size_t i = 0; i < b.n_txs; i++) {
            if (!model(mctx, &b.txs[i]))
                continue;
            ck_assert_uint_lt(k, nm);
            ck_assert_msg(ela_uint256_equal(&matched[k], &b.txs[i].txid), "height %u tx %zu", h,
                          i);
            const msg *m = &p->log[1 + k];
            ck_assert_str_eq(m->cmd, ELA_CMD_TX);
            ela_tx tx;
            ck_assert(ela_p2p_tx_parse(&tx, m->data.data, m->data.len, NULL));
            ck_assert(ela_uint256_equal(&tx.txid, &b.txs[i].txid));
            ela_tx_clear(&tx);
            k++;
        }
        ck_assert_uint_eq(k, nm);
        ck_assert_uint_eq(p->nlog, 1 + nm);
        total += nm;
        free(matched);
        ela_p2p_merkleblock_clear(&mb);
        ela_block_clear(&b);
    }
    return total;
}

typedef struct normal_model {
    ela_uint168 ph;
    opset ops;
    size_t by_input; /* txs matched only through a spent out-point */
} normal_model;

static bool normal_model_fn(void *ctx, const ela_tx *tx)
{
    normal_model *m = ctx;
    bool hit = false;
    for (size_t i = 0; i < tx->output_count; i++) {
        if (!ela_uint168_equal(&tx->outputs[i].program_hash, &m->ph))
            continue;
        hit = true;
        ck_assert_uint_lt(m->ops.n, 4096);
        m->ops.txid[m->ops.n] = tx->txid;
        m->ops.idx[m->ops.n++] = (uint16_t)i;
    }
    if (hit)
        return true;
    for (size_t i = 0; i < tx->input_count; i++)
        if (opset_has(&m->ops, &tx->inputs[i].prev_txid, tx->inputs[i].prev_index)) {
            m->by_input++;
            return true;
        }
    return false;
}

typedef struct side_model {
    ela_uint168 ph;
    uint8_t type;
} side_model;

static bool side_model_fn(void *ctx, const ela_tx *tx)
{
    side_model *m = ctx;
    if (ela_tx_type(tx) != m->type)
        return false;
    for (size_t i = 0; i < tx->output_count; i++)
        if (ela_uint168_equal(&tx->outputs[i].program_hash, &m->ph))
            return true;
    return false;
}

static void load_filter(tnode *t, ela_peer *p, const ela_uint168 *ph, uint32_t tweak,
                        const uint8_t *types, size_t ntypes, int txfilter_type)
{
    ela_bloom bf;
    ela_bloom_init(&bf, 2000, 0.0000001, tweak, 0);
    ela_bloom_add(&bf, ph->b, sizeof ph->b);
    ela_bloom_set_tx_types(&bf, types, ntypes);
    ela_writer w;
    ela_writer_init(&w);
    if (txfilter_type < 0) {
        ela_bloom_write(&w, &bf);
        ck_assert(recv_msg(t, p, ELA_CMD_FILTERLOAD, &w));
    } else {
        ela_txfilter_write_bloom(&w, (uint8_t)txfilter_type, &bf);
        ck_assert(recv_msg(t, p, ELA_CMD_TXFILTER, &w));
    }
    ela_writer_clear(&w);
    ela_bloom_clear(&bf);
    ck_assert(!p->disconnecting);
}

START_TEST(spv_bloom_outpoint_update)
{
    tnode a;
    tnode_start(&a, false, 7);
    ela_peer *p = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, p);
    normal_model *m = calloc(1, sizeof *m);
    chaingen_key_program_hash(chainfix_gen(), &m->ph, 1);
    load_filter(&a, p, &m->ph, 12345, NULL, 0, -1);
    uint32_t top = ela_chain_height(a.f.chain);
    size_t n = check_merkleblocks(&a, p, 1, top, false, normal_model_fn, m);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_gt(m->by_input, 0); /* a later spend of a matched output was matched */
    free(m);
    ela_sync_peer_gone(a.sync, p);
    peer_free(p);
    tnode_stop(&a);
}
END_TEST

START_TEST(spv_sidechain_mode)
{
    tnode a;
    tnode_start(&a, false, 7);
    ela_peer *p = peer_new(&a, 0, true), *q = peer_new(&a, 0, true);
    ela_sync_peer_ready(a.sync, p);
    ela_sync_peer_ready(a.sync, q);
    side_model m = {.type = ELA_TX_TRANSFER_ASSET};
    chaingen_key_program_hash(chainfix_gen(), &m.ph, 2);
    uint8_t types[1] = {ELA_TX_TRANSFER_ASSET};
    /* txfilter type 0 carrying a side-chain bloom: both the type and an output must match (a
     * coinbase paying the key is not matched). */
    load_filter(&a, p, &m.ph, ELA_BLOOM_TWEAK_SIDECHAIN, types, 1, ELA_TXFILTER_BLOOM);
    uint32_t top = ela_chain_height(a.f.chain);
    size_t n = check_merkleblocks(&a, p, top - 300, top, false, side_model_fn, &m);
    ck_assert_uint_gt(n, 0);
    /* txfilter type 1: a DPOSHeader merkleblock. */
    load_filter(&a, q, &m.ph, ELA_BLOOM_TWEAK_SIDECHAIN, types, 1, ELA_TXFILTER_DPOS);
    n = check_merkleblocks(&a, q, top - 20, top, true, side_model_fn, &m);
    ck_assert_uint_gt(n, 0);
    ela_sync_peer_gone(a.sync, p);
    ela_sync_peer_gone(a.sync, q);
    peer_free(p);
    peer_free(q);
    tnode_stop(&a);
}
END_TEST

/* ---- stall ------------------------------------------------------------------------------------ */

START_TEST(stall_rotates_sync_peer)
{
    tnode b;
    tnode_start(&b, true, 7);
    ela_sync_set_timeouts(b.sync, 40, 0);
    ela_peer *p1 = peer_new(&b, 50, true), *p2 = peer_new(&b, 40, true);
    ela_sync_peer_ready(b.sync, p1);
    ck_assert(ela_sync_is_sync_peer(b.sync, p1));
    ela_sync_peer_ready(b.sync, p2);
    ck_assert(ela_sync_is_sync_peer(b.sync, p1)); /* still the best */
    ck_assert_uint_eq(count_cmd(p1, ELA_CMD_GETBLOCKS), 1);
    ck_assert_uint_eq(count_cmd(p2, ELA_CMD_GETBLOCKS), 0);
    RUN_UNTIL(p1->disconnecting);
    ck_assert(p1->disconnecting);
    ck_assert_str_eq(p1->reason, "stalled: no inv after getblocks");
    /* The connection layer reports it gone: the next best takes over. */
    ela_sync_peer_gone(b.sync, p1);
    ck_assert(ela_sync_is_sync_peer(b.sync, p2));
    ck_assert_uint_eq(count_cmd(p2, ELA_CMD_GETBLOCKS), 1);
    ela_sync_peer_gone(b.sync, p2);
    peer_free(p1);
    peer_free(p2);
    tnode_stop(&b);
}
END_TEST

static void setup(void) { base = event_base_new(); }
static void teardown(void)
{
    event_base_free(base);
    base = NULL;
}

static void add(Suite *s, const char *name, const TTest *t)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, t);
    suite_add_tcase(s, tc);
}
#define ADD(s, t) add(s, #t, t)

int main(void)
{
    chainfix_global_init(1200, 2, 2);
    Suite *s = suite_create("sync");
    ADD(s, sync_two_nodes);
    ADD(s, getblocks_serving);
    ADD(s, getdata_unknown_and_rules);
    ADD(s, getdata_flow_control);
    ADD(s, block_relay_not_echoed);
    ADD(s, tx_relay_trickle_and_mempool);
    ADD(s, filtering_disabled);
    ADD(s, filter_misuse);
    ADD(s, spv_bloom_outpoint_update);
    ADD(s, spv_sidechain_mode);
    ADD(s, stall_rotates_sync_peer);
    /* No fork: the template's LevelDB started its background compaction thread in this
     * process, and a forked child would wait forever for that thread (which does not exist
     * there) as soon as its own store compacts, as the 1,200-block sync does. */
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int rc = srunner_ntests_failed(sr) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    srunner_free(sr);
    chainfix_global_cleanup();
    return rc;
}
