/* elad: the ELA main-network P2P wire protocol codecs (spec/p2p-rpc.md §2, §3). */
#include <ela/p2p.h>

#include <ela/hash.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* ---- framing ---- */

static const char *set_why(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return reason;
}

bool ela_p2p_header_parse(ela_p2p_header *h, const uint8_t buf[ELA_P2P_HEADER_SIZE],
                          const char **why)
{
    memset(h, 0, sizeof *h);
    const uint8_t *cmd = buf + 4;
    const uint8_t *nul = memchr(cmd, 0, ELA_P2P_COMMAND_SIZE);
    if (!nul) {
        set_why(why, "command not NUL-terminated");
        return false;
    }
    h->magic = ela_get_u32le(buf);
    memcpy(h->command, cmd, (size_t)(nul - cmd));
    h->length = ela_get_u32le(buf + 16);
    memcpy(h->checksum, buf + 20, 4);
    if (why)
        *why = NULL;
    return true;
}

/* §2.3; the names are the only ones the reference's decoder tables know. */
uint32_t ela_p2p_max_payload(const ela_params *p, const char *command, bool *known)
{
    static const struct {
        const char *cmd;
        uint32_t max;
    } fixed[] = {
        {ELA_CMD_VERSION, ELA_P2P_VERSION_MAX_PAYLOAD},
        {ELA_CMD_VERACK, 0},
        {ELA_CMD_GETADDR, 0},
        {ELA_CMD_MEMPOOL, 0},
        {ELA_CMD_FILTERCLEAR, 0},
        {ELA_CMD_PING, 8},
        {ELA_CMD_PONG, 8},
        {ELA_CMD_ADDR, 8 + ELA_P2P_MAX_ADDR * 42},
        {ELA_CMD_GETBLOCKS, 4 + ELA_P2P_MAX_LOCATOR * 32 + 32},
        {ELA_CMD_INV, 4 + ELA_P2P_MAX_INV * ELA_P2P_INV_VECT_SIZE},
        {ELA_CMD_GETDATA, 4 + ELA_P2P_MAX_INV * ELA_P2P_INV_VECT_SIZE},
        {ELA_CMD_NOTFOUND, 4 + ELA_P2P_MAX_INV * ELA_P2P_INV_VECT_SIZE},
        {ELA_CMD_REJECT, 524288},
        {ELA_CMD_FILTERLOAD, 36012},
        {ELA_CMD_FILTERADD, 523},
        {ELA_CMD_TXFILTER, 50004},
        {ELA_CMD_DADDR, 387},
    };
    if (known)
        *known = true;
    uint64_t ctx = p->max_block_context_size, hdr = p->max_block_header_size, v;
    if (strcmp(command, ELA_CMD_BLOCK) == 0)
        v = 2 * (ctx + hdr);
    else if (strcmp(command, ELA_CMD_TX) == 0)
        v = ctx;
    else if (strcmp(command, ELA_CMD_MERKLEBLOCK) == 0)
        v = ctx + hdr;
    else {
        for (size_t i = 0; i < ELA_ARRAY_LEN(fixed); i++)
            if (strcmp(command, fixed[i].cmd) == 0)
                return fixed[i].max;
        if (known)
            *known = false;
        return 0;
    }
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

bool ela_p2p_header_check(const ela_params *p, const ela_p2p_header *h, const char **why)
{
    bool known;
    uint32_t max = ela_p2p_max_payload(p, h->command, &known);
    if (!known) {
        set_why(why, "unknown command");
        return false;
    }
    if (h->length > max) {
        set_why(why, "message size exceeded");
        return false;
    }
    if (why)
        *why = NULL;
    return true;
}

void ela_p2p_checksum(uint8_t out[4], const uint8_t *p, size_t len)
{
    uint8_t d[32];
    ela_sha256d(d, len ? p : (const uint8_t *)"", len);
    memcpy(out, d, 4);
}

bool ela_p2p_checksum_ok(const ela_p2p_header *h, const uint8_t *p, size_t len)
{
    uint8_t c[4];
    if (h->length != len)
        return false;
    ela_p2p_checksum(c, p, len);
    return memcmp(c, h->checksum, 4) == 0;
}

void ela_p2p_header_make(ela_p2p_header *h, uint32_t magic, const char *command, const uint8_t *p,
                         size_t len)
{
    size_t n = strlen(command);
    assert(n >= 1 && n <= ELA_P2P_MAX_COMMAND_LEN);
    assert(len <= ELA_P2P_MAX_PAYLOAD);
    memset(h, 0, sizeof *h);
    h->magic = magic;
    memcpy(h->command, command, n);
    h->length = (uint32_t)len;
    ela_p2p_checksum(h->checksum, p, len);
}

void ela_p2p_header_serialize(uint8_t out[ELA_P2P_HEADER_SIZE], const ela_p2p_header *h)
{
    memset(out, 0, ELA_P2P_HEADER_SIZE);
    ela_put_u32le(out, h->magic);
    memcpy(out + 4, h->command, strnlen(h->command, ELA_P2P_MAX_COMMAND_LEN));
    ela_put_u32le(out + 16, h->length);
    memcpy(out + 20, h->checksum, 4);
}

void ela_p2p_frame_write(ela_writer *w, uint32_t magic, const char *command, const uint8_t *p,
                         size_t len)
{
    ela_p2p_header h;
    uint8_t buf[ELA_P2P_HEADER_SIZE];
    ela_p2p_header_make(&h, magic, command, p, len);
    ela_p2p_header_serialize(buf, &h);
    ela_write_bytes(w, buf, sizeof buf);
    if (len)
        ela_write_bytes(w, p, len);
}

/* ---- decoding helpers ---- */

/* Ends a payload decode: the reference decodes from a buffer of exactly `length` bytes and
 * never looks at what its decoder left unread (§2.2 step 5), so neither do we. */
static bool done(ela_reader *r, bool ok, const char **why)
{
    if (ok && ela_reader_ok(r)) {
        if (why)
            *why = NULL;
        return true;
    }
    if (why)
        *why = r->err ? r->err : "invalid payload";
    return false;
}

bool ela_p2p_empty_parse(size_t len, const char **why)
{
    if (len != 0) {
        set_why(why, "non-empty payload");
        return false;
    }
    if (why)
        *why = NULL;
    return true;
}

/* ---- version ---- */

bool ela_p2p_version_parse(ela_p2p_version *v, const uint8_t *p, size_t len, const char **why)
{
    memset(v, 0, sizeof *v);
    ela_reader r;
    ela_reader_init(&r, p, len);
    uint8_t relay = 0;
    if (ela_read_u32(&r, &v->version) && ela_read_u64(&r, &v->services) &&
        ela_read_u32(&r, &v->timestamp) && ela_read_u16(&r, &v->port) &&
        ela_read_u64(&r, &v->nonce) && ela_read_u64(&r, &v->height) && ela_read_u8(&r, &relay)) {
        v->relay = relay != 0;
        if (v->version >= ELA_P2P_PROTOCOL_V2) {
            uint64_t n = 0;
            if (ela_read_varint(&r, &n)) {
                if (n > ELA_P2P_MAX_NODE_VERSION)
                    ela_reader_fail(&r, "node version too long");
                else if (ela_read_bytes(&r, (uint8_t *)v->node_version, (size_t)n))
                    v->node_version_len = (size_t)n;
            }
        }
    }
    if (!done(&r, true, why)) {
        memset(v, 0, sizeof *v);
        return false;
    }
    return true;
}

void ela_p2p_version_write(ela_writer *w, const ela_p2p_version *v)
{
    ela_write_u32(w, v->version);
    ela_write_u64(w, v->services);
    ela_write_u32(w, v->timestamp);
    ela_write_u16(w, v->port);
    ela_write_u64(w, v->nonce);
    ela_write_u64(w, v->height);
    ela_write_bool(w, v->relay);
    if (v->version >= ELA_P2P_PROTOCOL_V2) {
        assert(v->node_version_len <= ELA_P2P_MAX_NODE_VERSION);
        ela_write_varbytes(w, (const uint8_t *)v->node_version, v->node_version_len);
    }
}

/* ---- ping / pong ---- */

bool ela_p2p_ping_parse(uint64_t *nonce, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    *nonce = 0;
    if (!ela_read_u64(&r, nonce))
        *nonce = 0;
    return done(&r, true, why);
}

void ela_p2p_ping_write(ela_writer *w, uint64_t nonce) { ela_write_u64(w, nonce); }

/* ---- addr ---- */

void ela_p2p_addr_clear(ela_p2p_addr *a)
{
    free(a->addrs);
    memset(a, 0, sizeof *a);
}

static bool read_netaddr(ela_reader *r, ela_p2p_netaddr *na)
{
    return ela_read_i64(r, &na->timestamp) && ela_read_u64(r, &na->services) &&
           ela_read_bytes(r, na->ip, sizeof na->ip) && ela_read_u16(r, &na->port);
}

bool ela_p2p_addr_parse(ela_p2p_addr *a, const uint8_t *p, size_t len, const char **why)
{
    memset(a, 0, sizeof *a);
    ela_reader r;
    ela_reader_init(&r, p, len);
    uint64_t count = 0;
    if (ela_read_u64(&r, &count)) {
        if (count > ELA_P2P_MAX_ADDR)
            ela_reader_fail(&r, "count exceeds limit");
        else if (count * ELA_P2P_NETADDR_SIZE > ela_reader_left(&r))
            ela_reader_fail(&r, "truncated");
        else {
            a->addrs = ela_xcalloc(count ? (size_t)count : 1, sizeof *a->addrs);
            a->n = (size_t)count;
            for (size_t i = 0; i < a->n && read_netaddr(&r, &a->addrs[i]); i++)
                ;
        }
    }
    if (!done(&r, true, why)) {
        ela_p2p_addr_clear(a);
        return false;
    }
    return true;
}

void ela_p2p_netaddr_write(ela_writer *w, const ela_p2p_netaddr *na)
{
    ela_write_i64(w, na->timestamp);
    ela_write_u64(w, na->services);
    ela_write_bytes(w, na->ip, sizeof na->ip);
    ela_write_u16(w, na->port);
}

void ela_p2p_addr_write(ela_writer *w, const ela_p2p_addr *a)
{
    assert(a->n <= ELA_P2P_MAX_ADDR);
    ela_write_u64(w, a->n);
    for (size_t i = 0; i < a->n; i++)
        ela_p2p_netaddr_write(w, &a->addrs[i]);
}

/* ---- inv / getdata / notfound ---- */

void ela_p2p_inv_clear(ela_p2p_inv *inv)
{
    free(inv->items);
    memset(inv, 0, sizeof *inv);
}

bool ela_p2p_inv_parse(ela_p2p_inv *inv, const uint8_t *p, size_t len, const char **why)
{
    memset(inv, 0, sizeof *inv);
    ela_reader r;
    ela_reader_init(&r, p, len);
    uint32_t count = 0;
    if (ela_read_u32(&r, &count)) {
        if (count > ELA_P2P_MAX_INV)
            ela_reader_fail(&r, "count exceeds limit");
        else if ((size_t)count * ELA_P2P_INV_VECT_SIZE > ela_reader_left(&r))
            ela_reader_fail(&r, "truncated");
        else {
            inv->items = ela_xcalloc(count ? count : 1, sizeof *inv->items);
            inv->n = count;
            for (size_t i = 0; i < inv->n; i++)
                if (!ela_read_u32(&r, &inv->items[i].type) ||
                    !ela_read_uint256(&r, &inv->items[i].hash))
                    break;
        }
    }
    if (!done(&r, true, why)) {
        ela_p2p_inv_clear(inv);
        return false;
    }
    return true;
}

void ela_p2p_inv_write(ela_writer *w, const ela_p2p_inv *inv)
{
    assert(inv->n <= ELA_P2P_MAX_INV);
    ela_write_u32(w, (uint32_t)inv->n);
    for (size_t i = 0; i < inv->n; i++) {
        ela_write_u32(w, inv->items[i].type);
        ela_write_uint256(w, &inv->items[i].hash);
    }
}

/* ---- getblocks ---- */

void ela_p2p_getblocks_clear(ela_p2p_getblocks *gb)
{
    free(gb->locator);
    memset(gb, 0, sizeof *gb);
}

bool ela_p2p_getblocks_parse(ela_p2p_getblocks *gb, const uint8_t *p, size_t len,
                             const char **why)
{
    memset(gb, 0, sizeof *gb);
    ela_reader r;
    ela_reader_init(&r, p, len);
    uint32_t count = 0;
    if (ela_read_u32(&r, &count)) {
        if (count > ELA_P2P_MAX_LOCATOR)
            ela_reader_fail(&r, "count exceeds limit");
        else if ((size_t)count * 32 + 32 > ela_reader_left(&r))
            ela_reader_fail(&r, "truncated");
        else {
            gb->locator = ela_xcalloc(count ? count : 1, sizeof *gb->locator);
            gb->n = count;
            for (size_t i = 0; i < gb->n; i++)
                if (!ela_read_uint256(&r, &gb->locator[i]))
                    break;
            if (!ela_read_uint256(&r, &gb->stop))
                gb->n = 0; /* r.err says why; cleared below */
        }
    }
    if (!done(&r, true, why)) {
        ela_p2p_getblocks_clear(gb);
        return false;
    }
    return true;
}

void ela_p2p_getblocks_write(ela_writer *w, const ela_p2p_getblocks *gb)
{
    assert(gb->n <= ELA_P2P_MAX_LOCATOR);
    ela_write_u32(w, (uint32_t)gb->n);
    for (size_t i = 0; i < gb->n; i++)
        ela_write_uint256(w, &gb->locator[i]);
    ela_write_uint256(w, &gb->stop);
}

/* ---- block, tx ---- */

bool ela_p2p_block_parse(ela_dpos_block *d, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool ok = ela_dpos_block_read(&r, d);
    return done(&r, ok, why);
}

bool ela_p2p_tx_parse(ela_tx *tx, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool ok = ela_tx_read(&r, tx);
    return done(&r, ok, why);
}

/* ---- reject ---- */

void ela_p2p_reject_clear(ela_p2p_reject *rj)
{
    ela_bytes_clear(&rj->command);
    ela_bytes_clear(&rj->reason);
    memset(rj, 0, sizeof *rj);
}

bool ela_p2p_reject_parse(ela_p2p_reject *rj, const uint8_t *p, size_t len, const char **why)
{
    memset(rj, 0, sizeof *rj);
    ela_reader r;
    ela_reader_init(&r, p, len);
    (void)(ela_read_varbytes(&r, &rj->command, ELA_MAX_VAR_STRING) &&
           ela_read_u8(&r, &rj->code) &&
           ela_read_varbytes(&r, &rj->reason, ELA_MAX_VAR_STRING) &&
           ela_read_uint256(&r, &rj->hash));
    if (!done(&r, true, why)) {
        ela_p2p_reject_clear(rj);
        return false;
    }
    return true;
}

void ela_p2p_reject_write(ela_writer *w, const ela_p2p_reject *rj)
{
    ela_write_varbytes(w, rj->command.data, rj->command.len);
    ela_write_u8(w, rj->code);
    ela_write_varbytes(w, rj->reason.data, rj->reason.len);
    ela_write_uint256(w, &rj->hash);
}

/* ---- filterload, filteradd, txfilter ---- */

bool ela_p2p_filterload_parse(ela_bloom *bf, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool ok = ela_bloom_read(&r, bf);
    return done(&r, ok, why);
}

bool ela_p2p_filteradd_parse(ela_bytes *out, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool ok = ela_read_varbytes(&r, out, ELA_FILTERADD_MAX_SIZE);
    return done(&r, ok, why);
}

bool ela_p2p_txfilter_parse(ela_txfilter *tf, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool ok = ela_txfilter_read(&r, tf);
    return done(&r, ok, why);
}

/* ---- merkleblock ---- */

void ela_p2p_merkleblock_init(ela_p2p_merkleblock *mb)
{
    memset(mb, 0, sizeof *mb);
    ela_block_header_init(&mb->header);
    ela_confirm_init(&mb->confirm);
    ela_partial_merkle_init(&mb->tree);
}

void ela_p2p_merkleblock_clear(ela_p2p_merkleblock *mb)
{
    ela_block_header_clear(&mb->header);
    ela_confirm_clear(&mb->confirm);
    ela_partial_merkle_clear(&mb->tree);
    memset(mb, 0, sizeof *mb);
}

bool ela_p2p_merkleblock_parse(ela_p2p_merkleblock *mb, bool dpos_header, const uint8_t *p,
                               size_t len, const char **why)
{
    ela_p2p_merkleblock_init(mb);
    mb->dpos_header = dpos_header;
    ela_reader r;
    ela_reader_init(&r, p, len);
    if (ela_block_header_read(&r, &mb->header)) {
        bool ok = true;
        if (dpos_header && (ok = ela_read_bool(&r, &mb->have_confirm)) && mb->have_confirm)
            ok = ela_confirm_read(&r, &mb->confirm);
        if (ok && !ela_partial_merkle_read(&r, &mb->tree))
            ok = false; /* r.err says why */
    }
    if (!done(&r, true, why)) {
        ela_p2p_merkleblock_clear(mb);
        return false;
    }
    return true;
}

void ela_p2p_merkleblock_write(ela_writer *w, const ela_p2p_merkleblock *mb)
{
    ela_block_header_write(w, &mb->header);
    if (mb->dpos_header) {
        ela_write_bool(w, mb->have_confirm);
        if (mb->have_confirm)
            ela_confirm_write(w, &mb->confirm);
    }
    ela_partial_merkle_write(w, &mb->tree);
}

/* Deep copy through the wire form: the modules have no copy functions, and the writer/reader
 * pair of each is exact for what it produced. */
static void copy_header(ela_block_header *dst, const ela_block_header *src)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_block_header_write(&w, src);
    ela_reader r;
    ela_reader_init(&r, w.data, w.len);
    bool ok = ela_block_header_read(&r, dst);
    assert(ok);
    (void)ok;
    ela_writer_clear(&w);
}

static void copy_confirm(ela_confirm *dst, const ela_confirm *src)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_confirm_write(&w, src);
    ela_reader r;
    ela_reader_init(&r, w.data, w.len);
    bool ok = ela_confirm_read(&r, dst);
    assert(ok);
    (void)ok;
    ela_writer_clear(&w);
}

void ela_p2p_merkleblock_build(ela_p2p_merkleblock *mb, const ela_block *b, const bool *matched,
                               bool dpos_header, const ela_confirm *confirm)
{
    assert(b->n_txs >= 1 && b->n_txs <= UINT32_MAX);
    assert(dpos_header || confirm == NULL);
    ela_p2p_merkleblock_init(mb);
    mb->dpos_header = dpos_header;
    copy_header(&mb->header, &b->header);
    if (confirm) {
        mb->have_confirm = true;
        copy_confirm(&mb->confirm, confirm);
    }
    ela_uint256 *txids = ela_xmalloc(b->n_txs * sizeof *txids);
    for (size_t i = 0; i < b->n_txs; i++)
        txids[i] = b->txs[i].txid;
    ela_partial_merkle_build(&mb->tree, txids, matched, b->n_txs);
    free(txids);
}

/* ---- daddr ---- */

void ela_p2p_daddr_clear(ela_p2p_daddr *da)
{
    ela_bytes_clear(&da->cipher);
    ela_bytes_clear(&da->signature);
    memset(da, 0, sizeof *da);
}

bool ela_p2p_daddr_parse(ela_p2p_daddr *da, const uint8_t *p, size_t len, const char **why)
{
    memset(da, 0, sizeof *da);
    ela_reader r;
    ela_reader_init(&r, p, len);
    (void)(ela_read_bytes(&r, da->pid, sizeof da->pid) && ela_read_i64(&r, &da->timestamp) &&
           ela_read_bytes(&r, da->encode, sizeof da->encode) &&
           ela_read_varbytes(&r, &da->cipher, ELA_P2P_DADDR_MAX_CIPHER) &&
           ela_read_varbytes(&r, &da->signature, ELA_P2P_DADDR_MAX_SIGNATURE));
    if (!done(&r, true, why)) {
        ela_p2p_daddr_clear(da);
        return false;
    }
    return true;
}

void ela_p2p_daddr_write_signed(ela_writer *w, const ela_p2p_daddr *da)
{
    assert(da->cipher.len <= ELA_P2P_DADDR_MAX_CIPHER);
    ela_write_i64(w, da->timestamp);
    ela_write_bytes(w, da->encode, sizeof da->encode);
    ela_write_varbytes(w, da->cipher.data, da->cipher.len);
}

void ela_p2p_daddr_write(ela_writer *w, const ela_p2p_daddr *da)
{
    assert(da->signature.len <= ELA_P2P_DADDR_MAX_SIGNATURE);
    ela_write_bytes(w, da->pid, sizeof da->pid);
    ela_p2p_daddr_write_signed(w, da);
    ela_write_varbytes(w, da->signature.data, da->signature.len);
}

void ela_p2p_daddr_hash(ela_uint256 *out, const ela_p2p_daddr *da)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_p2p_daddr_write_signed(&w, da);
    ela_hash256(out, w.data, w.len);
    ela_writer_clear(&w);
}

/* ---- locator ---- */

size_t ela_p2p_locator_heights(uint32_t heights[ELA_P2P_MAX_LOCATOR], uint32_t tip)
{
    size_t n = 0;
    heights[n++] = tip;
    if (tip == 0)
        return n; /* the tip is genesis: not listed twice */
    int64_t h = tip, step = 1;
    while (n < ELA_P2P_MAX_LOCATOR - 1) {
        if (n > 10)
            step *= 2;
        h -= step;
        if (h < 1)
            break;
        heights[n++] = (uint32_t)h;
    }
    heights[n++] = 0;
    return n;
}

bool ela_p2p_locator(ela_uint256 out[ELA_P2P_MAX_LOCATOR], size_t *n, uint32_t tip,
                     ela_p2p_hash_at_fn hash_at, void *ctx)
{
    uint32_t heights[ELA_P2P_MAX_LOCATOR];
    size_t count = ela_p2p_locator_heights(heights, tip);
    *n = 0;
    for (size_t i = 0; i < count; i++)
        if (!hash_at(ctx, heights[i], &out[i]))
            return false;
    *n = count;
    return true;
}
