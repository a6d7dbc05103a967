/* elad: the running node (node.h): chain, mempool and miner on one loop. */
#include "node/node.h"

#include "mempool/mempool.h"
#include "mining/mining.h"
#include "node/config.h"

#include <ela/log.h>
#include <ela/uint256.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void on_connected(void *ctx, const ela_block *b, uint32_t height)
{
    ela_node *n = ctx;
    if (n->mempool)
        ela_mempool_block_connected(n->mempool, b, height);
}

static void on_disconnected(void *ctx, const ela_block *b, uint32_t height)
{
    ela_node *n = ctx;
    if (n->mempool)
        ela_mempool_block_disconnected(n->mempool, b, height);
}

void ela_node_init(ela_node *n, struct event_base *base, const ela_node_config *cfg,
                   const ela_params *params)
{
    memset(n, 0, sizeof *n);
    n->base = base;
    n->cfg = cfg;
    n->params = params;
    n->listener.ctx = n;
    n->listener.block_connected = on_connected;
    n->listener.block_disconnected = on_disconnected;
    n->start_time = (int64_t)time(NULL);
}

int64_t ela_node_now(const ela_node *n)
{
    return (int64_t)time(NULL) + n->time_offset;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void ela_node_add_time_sample(ela_node *n, const char *source, int64_t offset)
{
    for (size_t i = 0; i < n->n_time_samples; i++)
        if (strcmp(n->time_samples[i].source, source) == 0)
            return;
    if (n->n_time_samples == ELA_NODE_TIME_SAMPLES) {
        memmove(n->time_samples, n->time_samples + 1,
                (ELA_NODE_TIME_SAMPLES - 1) * sizeof *n->time_samples);
        n->n_time_samples--;
    }
    ela_node_time_sample *s = &n->time_samples[n->n_time_samples++];
    snprintf(s->source, sizeof s->source, "%s", source);
    s->offset = offset;

    size_t k = n->n_time_samples;
    if (k < 5 || k % 2 == 0)
        return;
    int64_t sorted[ELA_NODE_TIME_SAMPLES];
    for (size_t i = 0; i < k; i++)
        sorted[i] = n->time_samples[i].offset;
    qsort(sorted, k, sizeof *sorted, cmp_i64);
    int64_t median = sorted[k / 2];
    if (median < ELA_NODE_MAX_TIME_OFFSET && median > -ELA_NODE_MAX_TIME_OFFSET) {
        if (median != n->time_offset)
            ela_log_info(ELA_LOGC_NET, "network-adjusted time: offset %+lld s from %zu peers",
                         (long long)median, k);
        n->time_offset = median;
        return;
    }
    n->time_offset = 0;
    bool close = false;
    for (size_t i = 0; i < k; i++)
        if (sorted[i] > -300 && sorted[i] < 300)
            close = true;
    if (!close && !n->time_warned) {
        n->time_warned = true;
        ela_log_warn(ELA_LOGC_NET, "the peers' clocks differ from ours by more than 70 "
                     "minutes: check this computer's date and time");
    }
}

static int64_t now_cb(void *ctx) { return ela_node_now(ctx); }

static ela_block_status miner_submit(void *ctx, ela_validation_state *st, const ela_block *b)
{
    return ela_node_submit_block(ctx, st, b, NULL, 0, NULL);
}

bool ela_node_start(ela_node *n, char *err, size_t errlen)
{
    const ela_node_config *cfg = n->cfg;
    ela_mempool_options mo = {
        .params = n->params,
        .chain = n->chain,
        .max_bytes = cfg ? cfg->mempool_max_bytes : 0,
        .expiry_seconds = cfg ? cfg->mempool_expiry : 0,
    };
    n->mempool = ela_mempool_new(&mo);
    if (cfg && cfg->persist_mempool && cfg->mempool_path) {
        size_t loaded = 0, skipped = 0;
        char why[256];
        if (ela_mempool_load(n->mempool, cfg->mempool_path, &loaded, &skipped, why, sizeof why))
            ela_log_info(ELA_LOGC_NODE, "mempool: %zu txs re-admitted from %s, %zu no longer "
                         "valid", loaded, cfg->mempool_path, skipped);
        else
            ela_log_warn(ELA_LOGC_NODE, "mempool: %s; starting empty", why);
    }
    ela_miner_options mi = {
        .params = n->params,
        .chain = n->chain,
        .mempool = n->mempool,
        .base = n->base,
        .miner_info = cfg && cfg->miner_info ? cfg->miner_info : "",
        .payto = cfg && cfg->has_payto ? &cfg->payto : NULL,
        .now = now_cb,
        .now_ctx = n,
        .submit = miner_submit,
        .submit_ctx = n,
    };
    n->miner = ela_miner_new(&mi);
    if (cfg && cfg->auto_mining) {
        ela_validation_state st;
        ela_validation_init(&st);
        if (!ela_miner_set_mining(n->miner, true, &st)) {
            snprintf(err, errlen, "AutoMining: %s%s%s", st.reason, st.detail[0] ? ": " : "",
                     st.detail);
            return false;
        }
        ela_log_info(ELA_LOGC_NODE, "CPU miner started (AutoMining)");
    }
    return true;
}

void ela_node_stop(ela_node *n)
{
    ela_miner_free(n->miner);
    n->miner = NULL;
    if (n->mempool && n->cfg && n->cfg->persist_mempool && n->cfg->mempool_path) {
        char why[256];
        if (ela_mempool_save(n->mempool, n->cfg->mempool_path, why, sizeof why))
            ela_log_info(ELA_LOGC_NODE, "mempool: %zu txs saved to %s",
                         ela_mempool_count(n->mempool), n->cfg->mempool_path);
        else
            ela_log_error(ELA_LOGC_NODE, "mempool: cannot save: %s", why);
    }
    ela_mempool_free(n->mempool);
    n->mempool = NULL;
}

ela_block_status ela_node_submit_block(ela_node *n, ela_validation_state *st, const ela_block *b,
                                       const uint8_t *raw, size_t raw_len, const void *from)
{
    ela_uint256 before, after;
    ela_chain_tip_hash(n->chain, &before);
    ela_block_status s = ela_chain_process_block(n->chain, st, b, raw, raw_len);
    ela_chain_tip_hash(n->chain, &after);
    if (ela_uint256_equal(&before, &after))
        return s;
    ela_node_tip_changed(n);
    if (n->net.relay_block) {
        /* Usually the block just processed is the new tip; otherwise (orphans it released) the
         * tip is read back. */
        if (ela_uint256_equal(&after, &b->header.hash)) {
            n->net.relay_block(n->net.ctx, b, from);
        } else {
            ela_block tip;
            if (ela_chain_get_block(n->chain, &tip, &after)) {
                n->net.relay_block(n->net.ctx, &tip, NULL);
                ela_block_clear(&tip);
            }
        }
    }
    return s;
}

void ela_node_tip_changed(ela_node *n)
{
    if (n->mempool)
        ela_mempool_update(n->mempool);
    if (n->miner)
        ela_miner_tip_changed(n->miner);
}

bool ela_node_submit_tx(ela_node *n, ela_validation_state *st, const ela_tx *tx,
                        const uint8_t *raw, size_t raw_len, const void *from)
{
    if (!ela_mempool_accept(n->mempool, st, tx, raw, raw_len))
        return false;
    if (n->net.relay_tx)
        n->net.relay_tx(n->net.ctx, tx, from);
    return true;
}

size_t ela_node_connection_count(const ela_node *n)
{
    return n->net.connection_count ? n->net.connection_count(n->net.ctx) : 0;
}
