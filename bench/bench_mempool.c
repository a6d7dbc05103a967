/* bench_mempool: mempool admission speed, and what the signature cache saves at block connect,
 * against raw OpenSSL measured in the same run.
 *
 * Usage: bench_mempool [-txs N] [-workers W] [-dbcache MB] [-keys K] [-seed S]
 *                      [-baseline-seconds S]
 *
 * 1. Generates (test/chaingen.h) a regnet InstantBlock chain whose early coinbases fan out into
 *    enough outputs, built past coinbase maturity, and N signed P-256 transfers (one input, two
 *    outputs) spending distinct outputs of it that no block holds.
 * 2. Measures raw OpenSSL P-256 verification (EVP_PKEY_verify of one of those transfers'
 *    signatures over its digest) on one thread.
 * 3. Opens store A (a temporary directory) with that chain and a pool on it, and admits the N
 *    transfers with ela_mempool_accept on this one thread (each from its serialization, as a
 *    peer or sendrawtransaction hands it over): transfers/s, signatures/s, and the ratio to the
 *    raw 1-thread verify rate (1.0 would mean admission costs only its signature check).
 * 4. Drains the pool into blocks with ela_template_build (MaxTxPerBlock and the size limit
 *    apply), attaches a synthetic AuxPoW (ela_aux_solve) and connects each with
 *    ela_chain_process_block: their signatures are in the cache, so connect skips them. Then
 *    opens store B with the same chain and an empty cache, and connects the very same blocks:
 *    every signature is verified (by the chain's signature workers). Connect time per block
 *    (ela_chain_counters.connect_seconds) and process_block wall time per block for both, and
 *    the ratios.
 *
 * Prints key=value lines. Nothing is asserted about time; the run fails only when a transfer
 * is refused or a block does not connect. */
#include "config.h"

#include "baseline.h"
#include "chaingen.h"
#include "mempool/mempool.h"
#include "mining/mining.h"

#include <ela/block.h>
#include <ela/chain.h>
#include <ela/hash.h>
#include <ela/log.h>
#include <ela/params.h>
#include <ela/serialize.h>
#include <ela/tx.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MATURITY 101u /* a coinbase of height C is spendable from height C + 101 */
#define FAN_MAX 5000u /* outputs per fanned-out coinbase (keeps each block well under 1 MB) */

static void usage(void)
{
    fprintf(stderr, "usage: bench_mempool [-txs N] [-workers W] [-dbcache MB] [-keys K] "
                    "[-seed S] [-baseline-seconds S]\n"
                    "  defaults: 20000 transfers, one signature worker per core, 256 MB, 1000 "
                    "keys, seed 1, 2 s\n");
    exit(2);
}

static void die(const char *what)
{
    fprintf(stderr, "bench_mempool: %s failed\n", what);
    exit(1);
}

static unsigned long long parse_num(const char *s, unsigned long long max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v > max)
        usage();
    return v;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void serialize_block(ela_bytes *out, const ela_block *b)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, b);
    ela_writer_release(&w, out);
}

/* ---- stores ------------------------------------------------------------------------------- */

/* Opens a store in dir/name and connects the base chain. */
static ela_chain *open_store(const char *dir, const char *name, const ela_params *params,
                             size_t dbcache_mb, int workers, const ela_bytes *base,
                             size_t n_base)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ela_chain_options opt = {
        .path = path,
        .params = params,
        .dbcache_bytes = dbcache_mb << 20,
        .workers = workers,
    };
    char err[512] = "";
    ela_chain *c = ela_chain_open(&opt, err, sizeof err);
    if (!c) {
        fprintf(stderr, "bench_mempool: cannot open the store at %s: %s\n", path, err);
        exit(1);
    }
    for (size_t i = 0; i < n_base; i++) {
        ela_validation_state st;
        ela_validation_init(&st);
        ela_block_status s = ela_chain_process_block_bytes(c, &st, base[i].data, base[i].len);
        if (s != ELA_BLOCK_CONNECTED) {
            fprintf(stderr, "bench_mempool: %s: base block %zu not connected: status %d, %s (%s)\n",
                    name, i + 1, (int)s, st.reason, st.detail);
            exit(1);
        }
    }
    return c;
}

/* ---- main --------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    unsigned long long ntx = 20000, nkeys = 1000, seed = 1, dbcache_mb = 256;
    int workers = 0;
    double baseline_seconds = 2.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "-txs") && more)
            ntx = parse_num(argv[++i], 1000000);
        else if (!strcmp(a, "-workers") && more)
            workers = (int)parse_num(argv[++i], 1024);
        else if (!strcmp(a, "-dbcache") && more)
            dbcache_mb = parse_num(argv[++i], 1u << 20);
        else if (!strcmp(a, "-keys") && more)
            nkeys = parse_num(argv[++i], 1000000);
        else if (!strcmp(a, "-seed") && more)
            seed = parse_num(argv[++i], UINT64_MAX);
        else if (!strcmp(a, "-baseline-seconds") && more)
            baseline_seconds = atof(argv[++i]);
        else
            usage();
    }
    if (ntx == 0 || nkeys == 0 || baseline_seconds <= 0)
        usage();
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int cores = workers > 0 ? workers : (online > 0 ? (int)online : 1);

    ela_params params;
    ela_params_init(&params, ELA_NET_REGNET);
    ela_params_set_instant_block(&params);
    ela_log_set_level(ELA_LOG_WARN);

    /* 1. The base chain: coinbases 1..F fan out into ntx outputs in all, then blocks with
     * their coinbase only until every fanned-out output is mature at the next height. */
    double t_gen = now();
    chaingen *g = chaingen_new(&params, seed, (size_t)nkeys);
    chaingen_branch *br = chaingen_branch_genesis(g);
    size_t fan = ntx < FAN_MAX ? (size_t)ntx : FAN_MAX;
    size_t fan_blocks = (size_t)((ntx + fan - 1) / fan);
    size_t n_base = fan_blocks + MATURITY - 1;
    ela_bytes *base = ela_xcalloc(n_base, sizeof *base);
    for (size_t h = 1; h <= n_base; h++) {
        chaingen_set_coinbase_outputs(g, h <= fan_blocks ? fan : 2);
        ela_block blk;
        if (chaingen_build_block(g, &blk, br, 0, 2) != 0)
            die("building a base block");
        serialize_block(&base[h - 1], &blk);
        chaingen_branch_accept(br, &blk);
        ela_block_clear(&blk);
    }
    if (chaingen_branch_spendable(br) < ntx) {
        fprintf(stderr, "bench_mempool: only %zu mature outputs for %llu transfers\n",
                chaingen_branch_spendable(br), ntx);
        return 1;
    }
    /* The transfers: a block built on the tip but never connected; its transfers spend
     * distinct outputs (one input each). Each is handed to the pool as its serialization. */
    ela_block pending;
    if (chaingen_build_block(g, &pending, br, (size_t)ntx, 2) != ntx)
        die("building the transfers");
    size_t n = (size_t)ntx;
    ela_tx *txs = ela_xcalloc(n, sizeof *txs);
    ela_bytes *raws = ela_xcalloc(n, sizeof *raws);
    unsigned long long sigs = 0, tx_bytes = 0;
    for (size_t i = 0; i < n; i++) {
        ela_writer w;
        ela_writer_init(&w);
        ela_tx_write(&w, &pending.txs[1 + i]);
        ela_writer_release(&w, &raws[i]);
        if (!ela_tx_parse(&txs[i], raws[i].data, raws[i].len, NULL))
            die("ela_tx_parse of a transfer");
        sigs += txs[i].program_count;
        tx_bytes += raws[i].len;
    }
    ela_block_clear(&pending);
    uint32_t base_time = chaingen_branch_time(br);
    ela_uint168 payto; /* the templates' miner output */
    chaingen_key_program_hash(g, &payto, 0);
    chaingen_branch_free(br);
    chaingen_free(g);
    double gen_seconds = now() - t_gen;

    char dir[4096];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/bench_mempool-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "bench_mempool: mkdtemp %s: %s\n", dir, strerror(errno));
        return 1;
    }

    /* 2. The baseline, before the stores start their workers. */
    bench_sig rs;
    if (!bench_sig_from_tx(&rs, &txs[0]))
        die("finding a standard program in the first transfer");
    double raw1 = bench_raw_verify_rate(&rs, baseline_seconds);
    bench_sig_clear(&rs);

    /* 3. Admission on store A. */
    ela_chain *ca = open_store(dir, "a", &params, (size_t)dbcache_mb, workers, base, n_base);
    ela_mempool_options mo = {
        .params = &params,
        .chain = ca,
        .max_bytes = (size_t)tx_bytes * 2 + ELA_MEMPOOL_DEFAULT_MAX_BYTES,
        .expiry_seconds = -1,
    };
    ela_mempool *mp = ela_mempool_new(&mo);
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        ela_validation_state st;
        ela_validation_init(&st);
        if (!ela_mempool_accept(mp, &st, &txs[i], raws[i].data, raws[i].len)) {
            fprintf(stderr, "bench_mempool: transfer %zu refused: %s (%s)\n", i, st.reason,
                    st.detail);
            return 1;
        }
    }
    double admit_seconds = now() - t0;
    if (ela_mempool_count(mp) != n)
        die("pooling every transfer");

    /* 4a. Blocks from the pool, connected on store A (signatures cached at admission). */
    ela_chain_counters ca0, ca1;
    ela_chain_get_counters(ca, &ca0);
    size_t n_blocks = 0, cap_blocks = 8, in_blocks = 0;
    ela_bytes *built = ela_xcalloc(cap_blocks, sizeof *built);
    double template_seconds = 0, process_a = 0;
    int64_t clock_now = (int64_t)time(NULL);
    if (clock_now <= (int64_t)base_time)
        clock_now = (int64_t)base_time + 1;
    while (ela_mempool_count(mp) > 0) {
        ela_template_options to = {.params = &params, .chain = ca, .mempool = mp,
                                   .payto = &payto, .miner_info = "bench_mempool",
                                   .now = clock_now};
        ela_block b;
        int64_t fees = 0;
        ela_validation_state st;
        ela_validation_init(&st);
        double t1 = now();
        if (!ela_template_build(&b, &fees, &st, &to)) {
            fprintf(stderr, "bench_mempool: template: %s (%s)\n", st.reason, st.detail);
            return 1;
        }
        template_seconds += now() - t1;
        if (b.n_txs <= 1) {
            fprintf(stderr, "bench_mempool: the template took none of the %zu pooled txs\n",
                    ela_mempool_count(mp));
            return 1;
        }
        if (!ela_aux_solve(&b, b.header.timestamp, 10000000))
            die("ela_aux_solve");
        if (n_blocks == cap_blocks) {
            cap_blocks *= 2;
            built = ela_xrealloc(built, cap_blocks * sizeof *built);
        }
        serialize_block(&built[n_blocks], &b);
        const ela_bytes *raw = &built[n_blocks];
        ela_validation_init(&st);
        double t2 = now();
        ela_block_status s = ela_chain_process_block(ca, &st, &b, raw->data, raw->len);
        process_a += now() - t2;
        if (s != ELA_BLOCK_CONNECTED) {
            fprintf(stderr, "bench_mempool: pool block %zu not connected: status %d, %s (%s)\n",
                    n_blocks + 1, (int)s, st.reason, st.detail);
            return 1;
        }
        ela_mempool_block_connected(mp, &b, b.header.height);
        in_blocks += b.n_txs - 1;
        n_blocks++;
        clock_now++;
        ela_block_clear(&b);
    }
    ela_chain_get_counters(ca, &ca1);
    uint32_t height_a = ela_chain_height(ca);
    ela_mempool_free(mp);
    ela_chain_close(ca);
    if (in_blocks != n)
        die("putting every pooled transfer in a block");

    /* 4b. The same blocks on store B, whose signature cache never saw them. */
    ela_chain *cb = open_store(dir, "b", &params, (size_t)dbcache_mb, workers, base, n_base);
    ela_chain_counters cb0, cb1;
    ela_chain_get_counters(cb, &cb0);
    double process_b = 0;
    for (size_t i = 0; i < n_blocks; i++) {
        ela_validation_state st;
        ela_validation_init(&st);
        double t2 = now();
        ela_block_status s = ela_chain_process_block_bytes(cb, &st, built[i].data, built[i].len);
        process_b += now() - t2;
        if (s != ELA_BLOCK_CONNECTED) {
            fprintf(stderr, "bench_mempool: block %zu not connected on the second store: "
                            "status %d, %s (%s)\n",
                    i + 1, (int)s, st.reason, st.detail);
            return 1;
        }
    }
    ela_chain_get_counters(cb, &cb1);
    uint32_t height_b = ela_chain_height(cb);
    ela_chain_close(cb);
    bench_remove_tree(dir);
    if (height_a != height_b)
        die("reaching the same height on both stores");

    double admit_tx = admit_seconds > 0 ? (double)n / admit_seconds : 0;
    double admit_sigs = admit_seconds > 0 ? (double)sigs / admit_seconds : 0;
    double conn_a = ca1.connect_seconds - ca0.connect_seconds;
    double conn_b = cb1.connect_seconds - cb0.connect_seconds;
    double nb = (double)n_blocks;
    printf("bench_mempool: %zu transfers (%llu signatures, %llu bytes) on a base chain of %zu "
           "blocks, generated in %.1f s; %d signature workers (online cores %ld)\n",
           n, sigs, tx_bytes, n_base, gen_seconds, cores, online);
    printf("raw_verify_per_s_1thread=%.0f\n", raw1);
    printf("mempool_admit_seconds=%.3f\n", admit_seconds);
    printf("mempool_admit_tx_per_s=%.0f\n", admit_tx);
    printf("mempool_admit_sigs_per_s=%.0f\n", admit_sigs);
    printf("mempool_admit_us_per_tx=%.1f\n", admit_seconds / (double)n * 1e6);
    printf("ratio_admit_vs_raw_verify=%.3f\n", raw1 > 0 ? admit_sigs / raw1 : 0);
    printf("blocks_from_pool=%zu\n", n_blocks);
    printf("txs_per_block=%.1f\n", (double)in_blocks / nb);
    printf("template_ms_per_block=%.2f\n", template_seconds / nb * 1e3);
    printf("sigcache_hits=%llu\n", (unsigned long long)(ca1.sigcache_hits - ca0.sigcache_hits));
    printf("sigs_verified_cached=%llu\n",
           (unsigned long long)(ca1.sigs_verified - ca0.sigs_verified));
    printf("sigs_verified_uncached=%llu\n",
           (unsigned long long)(cb1.sigs_verified - cb0.sigs_verified));
    printf("connect_ms_per_block_cached=%.2f\n", conn_a / nb * 1e3);
    printf("connect_ms_per_block_uncached=%.2f\n", conn_b / nb * 1e3);
    printf("sigcache_speedup=%.2f\n", conn_a > 0 ? conn_b / conn_a : 0);
    printf("process_ms_per_block_cached=%.2f\n", process_a / nb * 1e3);
    printf("process_ms_per_block_uncached=%.2f\n", process_b / nb * 1e3);
    printf("process_speedup=%.2f\n", process_a > 0 ? process_b / process_a : 0);

    for (size_t i = 0; i < n; i++) {
        ela_tx_clear(&txs[i]);
        ela_bytes_clear(&raws[i]);
    }
    free(txs);
    free(raws);
    for (size_t i = 0; i < n_base; i++)
        ela_bytes_clear(&base[i]);
    free(base);
    for (size_t i = 0; i < n_blocks; i++)
        ela_bytes_clear(&built[i]);
    free(built);
    return 0;
}
