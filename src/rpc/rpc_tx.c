/* elad: the transaction, mempool and UTXO methods of the JSON-RPC server (spec/p2p-rpc.md
 * §10.7.2, §10.7.3, §10.8), with the reference's replies, error codes and texts.
 *
 * Not implemented: createrawtransaction and signrawtransactionwithkey (wallet conveniences the
 * spec marks non-essential; ela-cli builds and signs transactions offline). They answer
 * "method not found" like any unknown method. */
#include "rpc/rpc.h"

#include "mempool/mempool.h"
#include "node/node.h"

#include <ela/address.h>
#include <ela/amount.h>
#include <ela/chain.h>
#include <ela/genesis.h>
#include <ela/hex.h>
#include <ela/json.h>
#include <ela/serialize.h>
#include <ela/tx.h>
#include <ela/txcheck.h>
#include <ela/uint256.h>

#include <stdlib.h>
#include <string.h>

/* The ELA asset id (the txid of the genesis RegisterAsset), set by ela_rpc_tx_register. */
static ela_uint256 ela_asset;

static json_t *checked(json_t *j)
{
    if (!j)
        abort(); /* jansson allocation failure */
    return j;
}

static json_t *hash_json(const ela_uint256 *h)
{
    char hex[ELA_UINT256_HEX_LEN + 1];
    ela_uint256_to_display(hex, h);
    return checked(json_string(hex));
}

static json_t *amount_json(int64_t sela)
{
    char s[ELA_AMOUNT_STR_LEN];
    ela_amount_to_string(s, sela);
    return checked(json_string(s));
}

static json_t *hex_json(const uint8_t *p, size_t len)
{
    char *hex = ela_hex_encode_new(p, len);
    json_t *j = checked(json_string(hex));
    free(hex);
    return j;
}

/* The message the reference's sendrawtransaction gives for a refused tx: the pool's slot
 * errors and the capacity error carry their own text; every validation error reads
 * "transaction validate error: <detail>". */
static void refusal_message(char *out, size_t outlen, const ela_validation_state *st)
{
    const char *d = st->detail[0] ? st->detail : st->reason;
    if (strcmp(st->reason, "txn-mempool-conflict") == 0)
        snprintf(out, outlen, "%s", d);
    else if (strcmp(st->reason, "mempool-full") == 0)
        snprintf(out, outlen, "pool about transaction error: %s", d);
    else if (strcmp(st->reason, "txn-coinbase") == 0)
        snprintf(out, outlen, "block validate error: %s", d);
    else
        snprintf(out, outlen, "transaction validate error: %s", d);
}

/* ---- transactions ---------------------------------------------------------------------------- */

/* getrawtransaction: the chain first, then the pool. */
static json_t *m_getrawtransaction(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    const char *str;
    if (!ela_rpc_param_string(&str, call->params, "txid"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, NULL);
    ela_bytes b = {0};
    if (!ela_hex_decode_bytes(&b, str, NULL))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, NULL);
    /* The reference reverses the bytes and reads a hash from the front: fewer than 32 bytes
     * fail the read, extra ones are ignored. */
    if (b.len < 32) {
        ela_bytes_clear(&b);
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_TRANSACTION, NULL);
    }
    ela_uint256 txid;
    for (size_t i = 0; i < 32; i++)
        txid.b[i] = b.data[b.len - 1 - i];
    ela_bytes_clear(&b);
    bool verbose = false;
    if (!ela_rpc_param_bool(&verbose, call->params, "verbose"))
        verbose = false;

    ela_tx tx;
    ela_uint256 block_hash;
    uint32_t height = 0;
    if (ela_chain_get_tx(n->chain, &tx, &block_hash, &height, &txid)) {
        json_t *r;
        if (verbose) {
            ela_chain_header_info hi;
            uint32_t time = 0;
            if (ela_chain_header_at(n->chain, &hi, height))
                time = hi.timestamp;
            ela_json_tx_ctx ctx = {.block_hash = &block_hash, .block_height = height,
                                   .block_time = time,
                                   .tip_height = ela_chain_height(n->chain)};
            r = checked(ela_tx_to_json(&tx, &ctx));
        } else {
            size_t len;
            ela_writer w;
            ela_writer_init(&w);
            ela_tx_write(&w, &tx);
            len = w.len;
            r = hex_json(w.data, len);
            ela_writer_clear(&w);
        }
        ela_tx_clear(&tx);
        return r;
    }
    ela_tx_clear(&tx);
    const ela_tx *ptx = n->mempool ? ela_mempool_get(n->mempool, &txid) : NULL;
    if (!ptx)
        return ela_rpc_fail(call, ELA_RPC_ERR_UNKNOWN_TRANSACTION,
                            "cannot find transaction in blockchain and transactionpool");
    if (verbose) {
        ela_json_tx_ctx ctx = {.block_hash = NULL};
        return checked(ela_tx_to_json(ptx, &ctx));
    }
    size_t len = 0;
    const uint8_t *raw = ela_mempool_get_raw(n->mempool, &txid, &len);
    return hex_json(raw, len);
}

static json_t *m_decoderawtransaction(ela_rpc_call *call)
{
    const char *str;
    if (!ela_rpc_param_string(&str, call->params, "data"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "need a parameter named data");
    ela_bytes b = {0};
    const char *why = NULL;
    if (!ela_hex_decode_bytes(&b, str, &why))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid raw tx data, %s", why);
    /* As the reference, bytes after the transaction are not looked at. */
    ela_reader r;
    ela_reader_init(&r, b.data, b.len);
    ela_tx tx;
    if (!ela_tx_read(&r, &tx)) {
        json_t *e = ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid raw tx data, %s",
                                 r.err ? r.err : "bad transaction");
        ela_bytes_clear(&b);
        return e;
    }
    ela_bytes_clear(&b);
    json_t *res = checked(ela_tx_to_json(&tx, NULL));
    ela_tx_clear(&tx);
    return res;
}

static json_t *m_sendrawtransaction(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    const char *str;
    if (!ela_rpc_param_string(&str, call->params, "data"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS,
                            "need a string parameter named data");
    ela_bytes b = {0};
    if (!ela_hex_decode_bytes(&b, str, NULL))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "hex string to bytes error");
    ela_reader r;
    ela_reader_init(&r, b.data, b.len);
    ela_tx tx;
    if (!ela_tx_read(&r, &tx)) {
        ela_bytes_clear(&b);
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_TRANSACTION, "invalid transaction");
    }
    ela_validation_state st;
    ela_validation_init(&st);
    bool ok = n->mempool && ela_node_submit_tx(n, &st, &tx, b.data, r.pos, NULL);
    ela_bytes_clear(&b);
    if (!ok) {
        char msg[300];
        if (!n->mempool)
            snprintf(msg, sizeof msg, "transaction pool not started");
        else
            refusal_message(msg, sizeof msg, &st);
        ela_tx_clear(&tx);
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_TRANSACTION, "%s", msg);
    }
    json_t *res = hash_json(&tx.txid);
    ela_tx_clear(&tx);
    return res;
}

typedef struct mempool_walk {
    json_t *arr;
    bool all;
} mempool_walk;

static bool mempool_item(void *ctx, const ela_mempool_entry *e)
{
    mempool_walk *w = ctx;
    if (w->all) {
        ela_json_tx_ctx c = {.block_hash = NULL};
        json_array_append_new(w->arr, checked(ela_tx_to_json(e->tx, &c)));
    } else {
        json_array_append_new(w->arr, hash_json(&e->tx->txid));
    }
    return true;
}

static json_t *m_getrawmempool(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    const char *state;
    mempool_walk w = {.arr = checked(json_array()), .all = false};
    if (ela_rpc_param_string(&state, call->params, "state"))
        w.all = strcmp(state, "all") == 0;
    if (n->mempool)
        ela_mempool_foreach(n->mempool, mempool_item, &w);
    return w.arr;
}

/* ---- UTXO queries ------------------------------------------------------------------------ */

typedef struct utxo_list {
    ela_address_utxo *v;
    size_t n, cap;
} utxo_list;

static bool collect_utxo(void *ctx, const ela_address_utxo *u)
{
    utxo_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = ela_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = *u;
    return true;
}

/* The reference lists an address's UTXOs in the order its index appended them: by height
 * (vectors/refnode/rpc/57_listunspent.json). Within one block the order is the index key
 * order here (txid, index), which may differ from the reference's. */
static int cmp_utxo(const void *a, const void *b)
{
    const ela_address_utxo *x = a, *y = b;
    if (x->height != y->height)
        return x->height < y->height ? -1 : 1;
    int c = memcmp(x->txid.b, y->txid.b, 32);
    if (c)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

static void address_utxos(utxo_list *out, ela_chain *c, const ela_uint168 *ph)
{
    memset(out, 0, sizeof *out);
    ela_chain_address_utxos(c, ph, collect_utxo, out);
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, cmp_utxo);
}

/* "mixed", "vote" or "normal" (and "unused" where allowed); NULL param: "mixed". */
static bool utxo_type_param(const char **out, const json_t *params, bool allow_unused)
{
    const char *t;
    *out = "mixed";
    if (!ela_rpc_param_string(&t, params, "utxotype"))
        return true;
    if (strcmp(t, "mixed") == 0 || strcmp(t, "vote") == 0 || strcmp(t, "normal") == 0 ||
        (allow_unused && strcmp(t, "unused") == 0)) {
        *out = t;
        return true;
    }
    return false;
}

/* Whether a coin passes the vote/normal filter (the reference reads the creating tx). */
static bool type_filter(const char *type, const ela_coin *coin)
{
    bool is_vote = coin->tx_version >= ELA_TX_VERSION_09 && coin->out.type == ELA_OUTPUT_VOTE;
    if (strcmp(type, "vote") == 0)
        return is_vote;
    if (strcmp(type, "normal") == 0)
        return !is_vote;
    return true;
}

static json_t *utxo_info(const ela_address_utxo *u, const ela_coin *coin, const char *address,
                         uint32_t tip)
{
    json_t *o = checked(json_object());
    json_object_set_new(o, "txtype", checked(json_integer(coin->tx_type)));
    json_object_set_new(o, "txid", hash_json(&u->txid));
    json_object_set_new(o, "assetid", hash_json(&ela_asset)); /* the reference: always ELA */
    json_object_set_new(o, "vout", checked(json_integer(u->index)));
    json_object_set_new(o, "address", checked(json_string(address)));
    json_object_set_new(o, "amount", amount_json(u->value));
    json_object_set_new(o, "outputlock", checked(json_integer(coin->out.output_lock)));
    json_object_set_new(o, "confirmations",
                        checked(json_integer((json_int_t)(uint32_t)(tip - u->height + 1u))));
    return o;
}

static bool immature_coinbase(const ela_node *n, const ela_coin *coin, uint32_t tip)
{
    return coin->tx_type == ELA_TX_COINBASE && tip - coin->height < n->params->coinbase_maturity;
}

static json_t *m_listunspent(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    const json_t *addrs = json_object_get(call->params, "addresses");
    bool ok = json_is_array(addrs);
    for (size_t i = 0; ok && i < json_array_size(addrs); i++)
        ok = json_is_string(json_array_get(addrs, i));
    if (!ok)
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "need addresses in an array!");
    const char *type;
    if (!utxo_type_param(&type, call->params, false))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid utxotype");
    bool spendable = false;
    if (!ela_rpc_param_bool(&spendable, call->params, "spendable"))
        spendable = false;
    uint32_t tip = ela_chain_height(n->chain);
    /* The reference answers null (its nil slice) when nothing is found; a client iterating
     * over the result must then special-case it. elad answers [] (doc/JSON-RPC.md). */
    json_t *result = checked(json_array());
    for (size_t i = 0; i < json_array_size(addrs); i++) {
        const char *address = json_string_value(json_array_get(addrs, i));
        ela_uint168 ph;
        if (!ela_address_to_program_hash(&ph, address)) {
            json_decref(result);
            return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid address, %s",
                                address);
        }
        utxo_list l;
        address_utxos(&l, n->chain, &ph);
        for (size_t j = 0; j < l.n; j++) {
            const ela_address_utxo *u = &l.v[j];
            ela_coin coin;
            if (!ela_chain_get_coin(n->chain, &coin, &u->txid, u->index)) {
                char hex[ELA_UINT256_HEX_LEN + 1];
                ela_uint256_to_internal_hex(hex, &u->txid);
                free(l.v);
                json_decref(result);
                return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL,
                                    "unknown transaction %s from persisted utxo", hex);
            }
            bool keep = type_filter(type, &coin) && !(spendable && immature_coinbase(n, &coin, tip))
                        && u->value != 0;
            if (keep)
                json_array_append_new(result, utxo_info(u, &coin, address, tip));
            ela_coin_clear(&coin);
        }
        free(l.v);
    }
    return result;
}

static json_t *m_getutxosbyamount(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    const char *address, *amount_str, *type;
    if (!ela_rpc_param_string(&address, call->params, "address"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "need a parameter named address!");
    if (!ela_rpc_param_string(&amount_str, call->params, "amount"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "need a parameter named amount!");
    int64_t amount;
    if (!ela_amount_from_string(&amount, amount_str))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid amount!");
    ela_uint168 ph;
    if (!ela_address_to_program_hash(&ph, address))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid address, %s", address);
    if (!utxo_type_param(&type, call->params, true))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid utxotype");
    bool unused = strcmp(type, "unused") == 0;
    uint32_t tip = ela_chain_height(n->chain);
    utxo_list l;
    address_utxos(&l, n->chain, &ph);
    json_t *result = checked(json_array());
    int64_t total = 0;
    for (size_t j = 0; j < l.n && total < amount; j++) {
        const ela_address_utxo *u = &l.v[j];
        if (unused && n->mempool && ela_mempool_spends(n->mempool, &u->txid, u->index))
            continue;
        ela_coin coin;
        if (!ela_chain_get_coin(n->chain, &coin, &u->txid, u->index)) {
            char hex[ELA_UINT256_HEX_LEN + 1];
            ela_uint256_to_internal_hex(hex, &u->txid);
            free(l.v);
            json_decref(result);
            return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL,
                                "unknown transaction %s from persisted utxo", hex);
        }
        bool keep = type_filter(type, &coin) && !immature_coinbase(n, &coin, tip);
        if (keep) {
            total += u->value;
            json_array_append_new(result, utxo_info(u, &coin, address, tip));
        }
        ela_coin_clear(&coin);
    }
    free(l.v);
    if (total < amount) {
        json_decref(result);
        return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL, "not enough utxo");
    }
    return result;
}

static json_t *m_getamountbyinputs(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    const char *str;
    if (!ela_rpc_param_string(&str, call->params, "inputs"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "need a parameter named inputs!");
    ela_bytes b = {0};
    if (!ela_hex_decode_bytes(&b, str, NULL))
        b.len = 0; /* the reference ignores the hex error and reads nothing */
    ela_reader r;
    ela_reader_init(&r, b.data, b.len);
    uint64_t count;
    if (!ela_read_varint(&r, &count)) {
        ela_bytes_clear(&b);
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid inputs");
    }
    int64_t amount = 0;
    for (uint64_t i = 0; i < count; i++) {
        ela_uint256 txid;
        uint16_t index;
        uint32_t seq;
        if (!ela_read_uint256(&r, &txid) || !ela_read_u16(&r, &index) ||
            !ela_read_u32(&r, &seq)) {
            ela_bytes_clear(&b);
            return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid inputs");
        }
        ela_tx tx;
        if (!ela_chain_get_tx(n->chain, &tx, NULL, NULL, &txid)) {
            ela_tx_clear(&tx);
            ela_bytes_clear(&b);
            char hex[ELA_UINT256_HEX_LEN + 1];
            ela_uint256_to_internal_hex(hex, &txid);
            return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL,
                                "unknown transaction %s from persisted utxo", hex);
        }
        bool in_range = index < tx.output_count;
        if (in_range) /* out of range: the reference panics */
            amount += tx.outputs[index].value;
        ela_tx_clear(&tx);
        if (!in_range) {
            ela_bytes_clear(&b);
            return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid inputs");
        }
    }
    ela_bytes_clear(&b);
    return amount_json(amount);
}

typedef struct balance_walk {
    ela_node *n;
    uint32_t tip;
    bool spendable;
    int64_t sum;
    bool failed;
} balance_walk;

static bool add_balance(void *ctx, const ela_address_utxo *u)
{
    balance_walk *w = ctx;
    if (w->spendable) {
        ela_coin coin;
        if (!ela_chain_get_coin(w->n->chain, &coin, &u->txid, u->index)) {
            w->failed = true;
            return false;
        }
        bool immature = immature_coinbase(w->n, &coin, w->tip);
        ela_coin_clear(&coin);
        if (immature)
            return true;
    }
    w->sum += u->value;
    return true;
}

static json_t *m_getreceivedbyaddress(ela_rpc_call *call)
{
    ela_node *n = call->ctx;
    const char *address;
    if (!ela_rpc_param_string(&address, call->params, "address"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "need a parameter named address");
    balance_walk w = {.n = n, .tip = ela_chain_height(n->chain)};
    if (!ela_rpc_param_bool(&w.spendable, call->params, "spendable"))
        w.spendable = false;
    ela_uint168 ph;
    if (!ela_address_to_program_hash(&ph, address))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS, "invalid address, %s", address);
    ela_chain_address_utxos(n->chain, &ph, add_balance, &w);
    if (w.failed)
        return ela_rpc_fail(call, ELA_RPC_ERR_INTERNAL, "cannot read the UTXO set");
    return amount_json(w.sum);
}

/* A fixed formula in the reference: (gap < 0 ? 1 : gap + 2) * 10000 with gap = -confirmations
 * (0 -> 20000, 1..25 -> 10000, and a negative n pays more: -5 -> 70000). */
static json_t *m_estimatesmartfee(ela_rpc_call *call)
{
    int64_t confirm;
    if (!ela_rpc_param_int(&confirm, call->params, "confirmations"))
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS,
                            "need a param called confirmations");
    if (confirm > 25)
        return ela_rpc_fail(call, ELA_RPC_ERR_INVALID_PARAMS,
                            "support only 25 confirmations at most");
    int64_t gap = confirm < -INT64_C(1000000000000) ? INT64_C(1000000000000) : -confirm;
    int64_t rate = (gap < 0 ? 1 : gap + 2) * 10000;
    return checked(json_integer((json_int_t)rate));
}

static const ela_rpc_method METHODS[] = {
    {"getrawtransaction", m_getrawtransaction, {"txid", "verbose", NULL}, ELA_RPC_UNGATED},
    {"decoderawtransaction", m_decoderawtransaction, {NULL}, ELA_RPC_LEVEL_WALLET},
    {"sendrawtransaction", m_sendrawtransaction, {"data", NULL}, ELA_RPC_LEVEL_TRANSACTION},
    {"getrawmempool", m_getrawmempool, {"state", NULL}, ELA_RPC_UNGATED},
    {"listunspent", m_listunspent, {"addresses", NULL}, ELA_RPC_LEVEL_WALLET},
    {"getutxosbyamount", m_getutxosbyamount, {NULL}, ELA_RPC_LEVEL_WALLET},
    {"getamountbyinputs", m_getamountbyinputs, {NULL}, ELA_RPC_LEVEL_WALLET},
    {"getreceivedbyaddress", m_getreceivedbyaddress, {"address", NULL}, ELA_RPC_UNGATED},
    {"estimatesmartfee", m_estimatesmartfee, {"confirmations", NULL},
     ELA_RPC_LEVEL_TRANSACTION},
};

void ela_rpc_tx_register(ela_rpc_table *t, ela_node *n)
{
    ela_genesis_asset_id(&ela_asset);
    ela_rpc_table_add(t, METHODS, ELA_ARRAY_LEN(METHODS), n);
}
