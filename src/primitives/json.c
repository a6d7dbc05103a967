/* elad: transactions and blocks as the reference node's RPC prints them. */
#include <ela/json.h>

#include <ela/address.h>
#include <ela/amount.h>
#include <ela/hex.h>
#include <ela/payload.h>
#include <ela/serialize.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Go string semantics ---------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at p[0..len), or 0 when the first byte does not
 * start one. The rules are Go's utf8.DecodeRune: no overlong forms, no surrogates, nothing
 * above U+10FFFF. */
size_t ela_utf8_seq_len(const uint8_t *p, size_t len)
{
    uint8_t c = p[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint8_t lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (len < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return n;
}

json_t *ela_json_string_from_bytes(const uint8_t *p, size_t len)
{
    static const uint8_t fffd[3] = {0xef, 0xbf, 0xbd};
    /* Worst case every byte becomes three. */
    uint8_t *buf = ela_xmalloc(len * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t n = ela_utf8_seq_len(p + i, len - i);
        if (n == 0) {
            memcpy(buf + o, fffd, 3);
            o += 3;
            i++;
        } else {
            memcpy(buf + o, p + i, n);
            o += n;
            i += n;
        }
    }
    json_t *s = json_stringn(len ? (const char *)buf : "", o);
    free(buf);
    if (!s) /* only on allocation failure: the text is valid UTF-8 by construction */
        abort();
    return s;
}

static json_t *checked(json_t *j)
{
    if (!j)
        abort(); /* jansson allocation failure */
    return j;
}

json_t *ela_json_uint256_display(const ela_uint256 *h)
{
    char hex[ELA_UINT256_HEX_LEN + 1];
    ela_uint256_to_display(hex, h);
    return checked(json_string(hex));
}

json_t *ela_json_amount(int64_t sela)
{
    char s[ELA_AMOUNT_STR_LEN];
    ela_amount_to_string(s, sela);
    return checked(json_string(s));
}

static json_t *hex_json(const uint8_t *p, size_t len)
{
    char *h = ela_hex_encode_new(p, len);
    json_t *j = checked(json_string(h));
    free(h);
    return j;
}

static json_t *bytes_hex_json(const ela_bytes *b) { return hex_json(b->data, b->len); }

static json_t *bytes_str_json(const ela_bytes *b)
{
    return ela_json_string_from_bytes(b->data, b->len);
}

/* The reference ignores ToAddress's error and prints the empty string. */
static json_t *address_json(const ela_uint168 *ph)
{
    char addr[ELA_ADDRESS_MAX];
    if (!ela_address_from_program_hash(addr, ph))
        addr[0] = '\0';
    return checked(json_string(addr));
}

static void set(json_t *obj, const char *key, json_t *val)
{
    if (json_object_set_new(obj, key, val) != 0)
        abort(); /* allocation failure: keys are constant ASCII */
}

static json_t *u32_json(uint32_t v) { return checked(json_integer((json_int_t)v)); }

/* ---- transactions ------------------------------------------------------------------------ */

static json_t *candidate_json(uint8_t vote_type, const ela_bytes *c)
{
    switch (vote_type) {
    case ELA_VOTE_CRC:
    case ELA_VOTE_CRC_IMPEACHMENT:
        if (c->len == sizeof(ela_uint168)) {
            ela_uint168 ph;
            memcpy(ph.b, c->data, sizeof ph.b);
            return address_json(&ph);
        }
        return checked(json_string("")); /* the reference panics here */
    case ELA_VOTE_CRC_PROPOSAL:
        if (c->len == sizeof(ela_uint256)) {
            ela_uint256 h;
            memcpy(h.b, c->data, sizeof h.b);
            return ela_json_uint256_display(&h);
        }
        return checked(json_string("")); /* the reference panics here */
    default: /* Delegate, DposV2 */
        return bytes_hex_json(c);
    }
}

static json_t *vote_output_json(const ela_vote_output *v)
{
    json_t *o = checked(json_object());
    set(o, "version", u32_json(v->version));
    /* Go appends to nil slices: no element gives null, not []. */
    json_t *contents = v->content_count ? checked(json_array()) : json_null();
    for (size_t i = 0; i < v->content_count; i++) {
        const ela_vote_content *vc = &v->contents[i];
        json_t *c = checked(json_object());
        set(c, "votetype", u32_json(vc->vote_type));
        bool listed = vc->vote_type <= ELA_VOTE_DPOSV2 && vc->candidate_count > 0;
        json_t *cands = listed ? checked(json_array()) : json_null();
        for (size_t k = 0; listed && k < vc->candidate_count; k++) {
            json_t *cv = checked(json_object());
            set(cv, "candidate", candidate_json(vc->vote_type, &vc->candidates[k].candidate));
            set(cv, "votes", ela_json_amount(vc->candidates[k].votes));
            json_array_append_new(cands, cv);
        }
        set(c, "candidates", cands);
        json_array_append_new(contents, c);
    }
    set(o, "contents", contents);
    return o;
}

json_t *ela_json_output_payload(const ela_output *o, uint8_t tx_version)
{
    if (tx_version < ELA_TX_VERSION_09)
        return json_null(); /* legacy outputs carry no payload object at all */
    json_t *j;
    switch (o->type) {
    case ELA_OUTPUT_NONE:
        return checked(json_object());
    case ELA_OUTPUT_VOTE:
    case ELA_OUTPUT_DPOSV2_VOTE:
        return vote_output_json(&o->payload.vote);
    case ELA_OUTPUT_CROSSCHAIN: {
        const ela_crosschain_output *p = &o->payload.crosschain;
        j = checked(json_object());
        set(j, "Version", u32_json(p->version));
        set(j, "TargetAddress", bytes_str_json(&p->target_address));
        set(j, "TargetAmount", ela_json_amount(p->target_amount));
        set(j, "TargetData", bytes_hex_json(&p->target_data));
        return j;
    }
    case ELA_OUTPUT_WITHDRAW: {
        const ela_withdraw_output *p = &o->payload.withdraw;
        char hex[ELA_UINT256_HEX_LEN + 1];
        ela_uint256_to_internal_hex(hex, &p->sidechain_txid);
        j = checked(json_object());
        set(j, "Version", u32_json(p->version));
        set(j, "GenesisBlockAddress", bytes_str_json(&p->genesis_block_address));
        set(j, "SideChainTransactionHash", checked(json_string(hex)));
        set(j, "TargetData", bytes_hex_json(&p->target_data));
        return j;
    }
    case ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT: {
        const ela_return_deposit_output *p = &o->payload.return_deposit;
        j = checked(json_object());
        set(j, "Version", u32_json(p->version));
        set(j, "GenesisBlockAddress", bytes_str_json(&p->genesis_block_address));
        set(j, "DepositTransactionHash", ela_json_uint256_display(&p->deposit_txid));
        return j;
    }
    case ELA_OUTPUT_STAKE:
        j = checked(json_object());
        set(j, "Version", u32_json(o->payload.stake.version));
        set(j, "StakeAddress", address_json(&o->payload.stake.stake_address));
        return j;
    default: /* OTMapping: no case in the reference */
        return json_null();
    }
}

json_t *ela_tx_to_json(const ela_tx *tx, const ela_json_tx_ctx *ctx)
{
    json_t *j = checked(json_object());
    set(j, "txid", ela_json_uint256_display(&tx->txid));
    set(j, "hash", ela_json_uint256_display(&tx->txid));
    set(j, "size", u32_json((uint32_t)tx->size));
    set(j, "vsize", u32_json((uint32_t)tx->size));
    set(j, "version", u32_json(tx->version));
    set(j, "type", u32_json(ela_tx_type(tx)));
    set(j, "payloadversion", u32_json(ela_tx_payload_version(tx)));
    json_t *payload = ela_payload_to_json_tx(&tx->payload, &tx->txid);
    set(j, "payload", payload ? payload : json_null());

    json_t *attrs = checked(json_array());
    for (size_t i = 0; i < tx->attribute_count; i++) {
        json_t *a = checked(json_object());
        set(a, "usage", u32_json(tx->attributes[i].usage));
        set(a, "data", bytes_hex_json(&tx->attributes[i].data));
        json_array_append_new(attrs, a);
    }
    set(j, "attributes", attrs);

    json_t *vin = checked(json_array());
    for (size_t i = 0; i < tx->input_count; i++) {
        json_t *in = checked(json_object());
        set(in, "txid", ela_json_uint256_display(&tx->inputs[i].prev_txid));
        set(in, "vout", u32_json(tx->inputs[i].prev_index));
        set(in, "sequence", u32_json(tx->inputs[i].sequence));
        json_array_append_new(vin, in);
    }
    set(j, "vin", vin);

    json_t *vout = checked(json_array());
    for (size_t i = 0; i < tx->output_count; i++) {
        const ela_output *o = &tx->outputs[i];
        json_t *out = checked(json_object());
        set(out, "value", ela_json_amount(o->value));
        set(out, "n", u32_json((uint32_t)i));
        set(out, "address", address_json(&o->program_hash));
        set(out, "assetid", ela_json_uint256_display(&o->asset_id));
        set(out, "outputlock", u32_json(o->output_lock));
        set(out, "type", u32_json(o->type));
        set(out, "payload", ela_json_output_payload(o, tx->version));
        json_array_append_new(vout, out);
    }
    set(j, "vout", vout);
    set(j, "locktime", u32_json(tx->lock_time));

    json_t *progs = checked(json_array());
    for (size_t i = 0; i < tx->program_count; i++) {
        json_t *p = checked(json_object());
        set(p, "code", bytes_hex_json(&tx->programs[i].code));
        set(p, "parameter", bytes_hex_json(&tx->programs[i].parameter));
        json_array_append_new(progs, p);
    }
    set(j, "programs", progs);

    if (ctx) {
        if (ctx->block_hash) {
            set(j, "blockhash", ela_json_uint256_display(ctx->block_hash));
            set(j, "confirmations", u32_json(ctx->tip_height - ctx->block_height + 1));
            set(j, "time", u32_json(ctx->block_time));
            set(j, "blocktime", u32_json(ctx->block_time));
        } else {
            set(j, "blockhash", checked(json_string("")));
            set(j, "confirmations", u32_json(0));
            set(j, "time", u32_json(0));
            set(j, "blocktime", u32_json(0));
        }
    }
    return j;
}

/* ---- blocks ----------------------------------------------------------------------------- */

json_t *ela_block_to_json(const ela_block *b, int verbosity, const ela_json_block_ctx *ctx)
{
    const ela_block_header *h = &b->header;
    ela_json_block_ctx tip = {h->height, NULL, ELA_JSON_POW_LIMIT_BITS};
    if (!ctx)
        ctx = &tip;

    if (verbosity == 0) {
        ela_writer w;
        ela_writer_init(&w);
        ela_block_write(&w, b);
        json_t *j = hex_json(w.data, w.len);
        ela_writer_clear(&w);
        return j;
    }

    json_t *txs = checked(json_array());
    ela_json_tx_ctx tctx = {&h->hash, h->height, h->timestamp, ctx->tip_height};
    for (size_t i = 0; i < b->n_txs; i++) {
        json_t *t = verbosity == 2 ? ela_tx_to_json(&b->txs[i], &tctx)
                                   : ela_json_uint256_display(&b->txs[i].txid);
        json_array_append_new(txs, t);
    }

    char hex8[9];
    uint32_t distance = ctx->tip_height - h->height;
    snprintf(hex8, sizeof hex8, "%08x", (unsigned)h->version);
    json_t *versionhex = checked(json_string(hex8));
    snprintf(hex8, sizeof hex8, "%08x", (unsigned)distance);
    json_t *chainwork = checked(json_string(hex8));

    ela_uint256 zero;
    memset(&zero, 0, sizeof zero);
    char *difficulty = ela_json_difficulty(ctx->pow_limit_bits, h->bits);

    ela_writer w;
    ela_writer_init(&w);
    ela_auxpow_write(&w, &h->auxpow);
    json_t *auxpow = hex_json(w.data, w.len);
    ela_writer_clear(&w);

    json_t *miner;
    if (b->n_txs > 0 && ela_tx_type(&b->txs[0]) == ELA_TX_COINBASE)
        miner = bytes_str_json(&b->txs[0].payload.u.coinbase.content);
    else
        miner = checked(json_string("")); /* the reference panics on such a block */

    uint32_t size = (uint32_t)b->size;
    json_t *j = checked(json_object());
    set(j, "hash", ela_json_uint256_display(&h->hash));
    set(j, "confirmations", u32_json(distance + 1));
    set(j, "strippedsize", u32_json(size));
    set(j, "size", u32_json(size));
    set(j, "weight", u32_json(size * 4));
    set(j, "height", u32_json(h->height));
    set(j, "version", u32_json(h->version));
    set(j, "versionhex", versionhex);
    set(j, "merkleroot", ela_json_uint256_display(&h->merkle_root));
    set(j, "tx", txs);
    set(j, "time", u32_json(h->timestamp));
    set(j, "mediantime", u32_json(h->timestamp));
    set(j, "nonce", u32_json(h->nonce));
    set(j, "bits", u32_json(h->bits));
    set(j, "difficulty", checked(json_string(difficulty)));
    set(j, "chainwork", chainwork);
    set(j, "previousblockhash", ela_json_uint256_display(&h->prev));
    set(j, "nextblockhash", ela_json_uint256_display(ctx->next_hash ? ctx->next_hash : &zero));
    set(j, "auxpow", auxpow);
    set(j, "minerinfo", miner);
    free(difficulty);
    return j;
}

/* ---- difficulty ------------------------------------------------------------------------- */

/* A non-negative integer of up to 2048 bits: enough for the largest compact value
 * (23-bit mantissa shifted by 8*252). Little-endian 32-bit limbs. */
#define BIG_LIMBS 66
typedef struct big {
    uint32_t l[BIG_LIMBS];
} big;

/* Magnitude m * 2^shift and sign of a compact number, as Go's CompactToBig. */
static void compact_decode(uint32_t bits, uint32_t *m, unsigned *shift, bool *neg)
{
    uint32_t mant = bits & 0x007fffffu;
    unsigned exp = bits >> 24;
    if (exp <= 3) {
        mant >>= 8 * (3 - exp);
        *shift = 0;
    } else {
        *shift = 8 * (exp - 3);
    }
    *m = mant;
    *neg = (bits & 0x00800000u) != 0 && mant != 0; /* Go has no negative zero */
}

/* b /= d (d > 0); returns the remainder. */
static uint32_t big_divmod_small(big *b, uint32_t d)
{
    uint64_t rem = 0;
    for (int i = BIG_LIMBS - 1; i >= 0; i--) {
        uint64_t cur = (rem << 32) | b->l[i];
        b->l[i] = (uint32_t)(cur / d);
        rem = cur % d;
    }
    return (uint32_t)rem;
}

static bool big_is_zero(const big *b)
{
    for (int i = 0; i < BIG_LIMBS; i++)
        if (b->l[i])
            return false;
    return true;
}

static void big_add_small(big *b, uint32_t v)
{
    uint64_t carry = v;
    for (int i = 0; i < BIG_LIMBS && carry; i++) {
        uint64_t cur = (uint64_t)b->l[i] + carry;
        b->l[i] = (uint32_t)cur;
        carry = cur >> 32;
    }
}

static char *big_to_decimal(const big *v, bool neg)
{
    big b = *v;
    /* 2048 bits < 617 decimal digits. */
    char digits[700];
    size_t n = 0;
    do {
        uint32_t chunk = big_divmod_small(&b, 1000000000u);
        for (int k = 0; k < 9; k++) {
            digits[n++] = (char)('0' + chunk % 10);
            chunk /= 10;
        }
    } while (!big_is_zero(&b));
    while (n > 1 && digits[n - 1] == '0')
        n--;
    bool minus = neg && !(n == 1 && digits[0] == '0');
    char *out = ela_xmalloc(n + 2);
    size_t o = 0;
    if (minus)
        out[o++] = '-';
    while (n > 0)
        out[o++] = digits[--n];
    out[o] = '\0';
    return out;
}

char *ela_json_difficulty(uint32_t pow_limit_bits, uint32_t bits)
{
    uint32_t a, b;
    unsigned sa, sb;
    bool na, nb;
    compact_decode(pow_limit_bits, &a, &sa, &na);
    compact_decode(bits, &b, &sb, &nb);
    big q;
    memset(&q, 0, sizeof q);
    if (b == 0)
        return big_to_decimal(&q, false); /* the reference divides by zero (panics) */
    bool rem_nonzero;
    if (sa >= sb) {
        /* q = (a << (sa - sb)) / b */
        unsigned s = sa - sb;
        uint64_t wide = (uint64_t)a << (s % 32);
        q.l[s / 32] = (uint32_t)wide;
        q.l[s / 32 + 1] = (uint32_t)(wide >> 32);
        rem_nonzero = big_divmod_small(&q, b) != 0;
    } else {
        /* q = a / (b << (sb - sa)); the divisor exceeds any mantissa once the shift is 40+. */
        unsigned s = sb - sa;
        if (s >= 40) {
            rem_nonzero = a != 0;
        } else {
            uint64_t d = (uint64_t)b << s;
            q.l[0] = (uint32_t)(a / d);
            rem_nonzero = a % d != 0;
        }
    }
    /* Euclidean division as big.Int.Div: the remainder is never negative. */
    if (na && rem_nonzero)
        big_add_small(&q, 1);
    return big_to_decimal(&q, na != nb);
}

/* ---- Go-compatible serializer ----------------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_put(sbuf *s, const char *p, size_t n)
{
    if (s->cap - s->len < n + 1) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap - s->len < n + 1)
            cap *= 2;
        s->p = ela_xrealloc(s->p, cap);
        s->cap = cap;
    }
    memcpy(s->p + s->len, p, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void sb_puts(sbuf *s, const char *p) { sb_put(s, p, strlen(p)); }

static void dump_string(sbuf *s, const char *p, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *u = (const uint8_t *)p;
    sb_put(s, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < len;) {
        uint8_t c = u[i];
        const char *esc = NULL;
        char tmp[8];
        size_t adv = 1;
        if (c < 0x80) {
            if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
                i++;
                continue;
            }
            if (c == '"' || c == '\\') {
                tmp[0] = '\\';
                tmp[1] = (char)c;
                tmp[2] = '\0';
            } else if (c == '\n') {
                strcpy(tmp, "\\n");
            } else if (c == '\r') {
                strcpy(tmp, "\\r");
            } else if (c == '\t') {
                strcpy(tmp, "\\t");
            } else {
                /* Go 1.20 writes \b and \f in this long form too. */
                tmp[0] = '\\';
                tmp[1] = 'u';
                tmp[2] = '0';
                tmp[3] = '0';
                tmp[4] = hex[c >> 4];
                tmp[5] = hex[c & 15];
                tmp[6] = '\0';
            }
            esc = tmp;
        } else {
            size_t n = ela_utf8_seq_len(u + i, len - i);
            if (n == 0) {
                esc = "\\ufffd"; /* not reachable through jansson, kept for safety */
            } else if (n == 3 && c == 0xef && u[i + 1] == 0xbf && u[i + 2] == 0xbd) {
                esc = "\\ufffd";
                adv = 3;
            } else if (n == 3 && c == 0xe2 && u[i + 1] == 0x80 &&
                       (u[i + 2] == 0xa8 || u[i + 2] == 0xa9)) {
                esc = u[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
                adv = 3;
            } else {
                i += n;
                continue;
            }
        }
        sb_put(s, p + start, i - start);
        sb_puts(s, esc);
        i += adv;
        start = i;
    }
    sb_put(s, p + start, len - start);
    sb_put(s, "\"", 1);
}

/* Go's float64 encoding: shortest round-trip digits, 'f' form unless the magnitude is below
 * 1e-6 or at least 1e21, then 'e' form with a one-digit negative exponent kept short. */
static void dump_real(sbuf *s, double v)
{
    char buf[64];
    if (v == 0) {
        sb_puts(s, signbit(v) ? "-0" : "0");
        return;
    }
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    /* buf = [-]d[.ddd]e±XX */
    bool neg = buf[0] == '-';
    const char *q = buf + (neg ? 1 : 0);
    char digits[24];
    size_t nd = 0;
    for (; *q && *q != 'e'; q++)
        if (*q != '.')
            digits[nd++] = *q;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    int exp = atoi(q + 1);
    double a = v < 0 ? -v : v;
    char out[400];
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if (a < 1e-6 || a >= 1e21) {
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, nd - 1);
            o += nd - 1;
        }
        o += (size_t)snprintf(out + o, sizeof out - o, "e%c%d", exp < 0 ? '-' : '+',
                              exp < 0 ? -exp : exp);
        /* Go writes two exponent digits and then shortens e-0X to e-X; this form is only
         * used for exponents <= -7 or >= 21, so "%d" gives the same text. */
    } else if (exp < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int k = 0; k < -exp - 1; k++)
            out[o++] = '0';
        memcpy(out + o, digits, nd);
        o += nd;
    } else if ((size_t)exp + 1 >= nd) {
        memcpy(out + o, digits, nd);
        o += nd;
        for (size_t k = nd; k < (size_t)exp + 1; k++)
            out[o++] = '0';
    } else {
        memcpy(out + o, digits, (size_t)exp + 1);
        o += (size_t)exp + 1;
        out[o++] = '.';
        memcpy(out + o, digits + exp + 1, nd - (size_t)exp - 1);
        o += nd - (size_t)exp - 1;
    }
    sb_put(s, out, o);
}

static void dump_value(sbuf *s, const json_t *j)
{
    char num[32];
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *val;
        bool first = true;
        sb_put(s, "{", 1);
        /* jansson (>= 2.8) iterates in insertion order */
        json_object_foreach((json_t *)j, key, val) {
            if (!first)
                sb_put(s, ",", 1);
            first = false;
            dump_string(s, key, strlen(key));
            sb_put(s, ":", 1);
            dump_value(s, val);
        }
        sb_put(s, "}", 1);
        break;
    }
    case JSON_ARRAY:
        sb_put(s, "[", 1);
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i)
                sb_put(s, ",", 1);
            dump_value(s, json_array_get(j, i));
        }
        sb_put(s, "]", 1);
        break;
    case JSON_STRING:
        dump_string(s, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        sb_puts(s, num);
        break;
    case JSON_REAL:
        dump_real(s, json_real_value(j));
        break;
    case JSON_TRUE:
        sb_puts(s, "true");
        break;
    case JSON_FALSE:
        sb_puts(s, "false");
        break;
    case JSON_NULL:
        sb_puts(s, "null");
        break;
    }
}

char *ela_json_dumps(const json_t *j)
{
    if (!j)
        return NULL;
    sbuf s = {0};
    dump_value(&s, j);
    if (!s.p)
        return ela_xmemdup("", 1);
    return s.p;
}
