/* bench_import: block import speed of the chain engine, against raw OpenSSL measured in the
 * same run.
 *
 * Usage: bench_import [-workers N] [-dbcache MB] [-datadir DIR] [-keep]
 *                     [-baseline-seconds S] FILE
 *
 * FILE holds one block per line in hex (gen_chain's output, elad's -loadblock format), on top
 * of the regnet genesis, with InstantBlock parameters. Every block goes through
 * ela_chain_process_block_bytes into a fresh store (a temporary directory unless -datadir) with
 * N signature workers (0, the default: one per online core) and must connect.
 *
 * Prints blocks, transactions, signatures verified, wall time, blocks/s, the signature rate
 * while the workers verified (ela_chain_counters: sigs_verified / sig_seconds) and over the
 * whole connect time, and the baseline: raw OpenSSL P-256 verification (EVP_PKEY_verify of a
 * real signature of the file over its digest, as bench/bench_ela.c measures it) on one thread,
 * that rate times the worker count, and the rate of as many threads verifying in parallel (the
 * true multi-core bound, which shared caches, memory bandwidth and frequency scaling keep
 * below N times one thread). The ratio of the worker rate to the parallel bound is the figure
 * of merit (target >= 0.8). To tell the library's per-transaction cost from the engine's
 * scheduling, it also measures ela_txcheck_programs of that transfer (what a worker runs per
 * tx) on as many threads. Then peak RSS and the store's size on disk. */
#include "config.h"

#include "baseline.h"

#include <ela/block.h>
#include <ela/chain.h>
#include <ela/contract.h>
#include <ela/hash.h>
#include <ela/hex.h>
#include <ela/log.h>
#include <ela/params.h>
#include <ela/serialize.h>
#include <ela/tx.h>

#include <openssl/evp.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "usage: bench_import [-workers N] [-dbcache MB] [-datadir DIR] [-keep] "
                    "[-baseline-seconds S] FILE\n");
    exit(2);
}

static void die(const char *what)
{
    fprintf(stderr, "bench_import: %s failed\n", what);
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of the calling thread: unlike wall time, barely moved by other processes
 * competing for the cores, so the CPU cost per signature is comparable between runs. */
static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of the whole process so far. */
static double process_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* ---- the raw OpenSSL baseline ------------------------------------------------------------ */

/* The baseline signature (bench/baseline.h) and the transfer it came from (empty for a fresh
 * signature). */
typedef struct baseline_sig {
    bench_sig sig;
    ela_bytes tx;
} baseline_sig;

/* Takes the first standard program of the first transfer in the block, if any. */
static bool sig_from_block(baseline_sig *bs, const ela_block *b)
{
    for (size_t t = 1; t < b->n_txs; t++) {
        const ela_tx *tx = &b->txs[t];
        if (!bench_sig_from_tx(&bs->sig, tx))
            continue;
        ela_writer w;
        ela_writer_init(&w);
        ela_tx_write(&w, tx);
        ela_writer_release(&w, &bs->tx);
        return true;
    }
    return false;
}

typedef struct verify_thread {
    const baseline_sig *bs;
    bool txcheck; /* ela_txcheck_programs of the whole tx instead of raw OpenSSL */
    double seconds;
    pthread_barrier_t *start;
    unsigned long long count;
    double elapsed;
    double cpu; /* thread CPU seconds of the timed loop */
} verify_thread;

/* What a signature worker of the chain engine runs per transfer: ela_txcheck_programs (the
 * signed data and its digest, the program matching, parsing the compressed key, verifying). */
static void *txcheck_loop(verify_thread *vt)
{
    ela_tx tx;
    if (!ela_tx_parse(&tx, vt->bs->tx.data, vt->bs->tx.len, NULL))
        die("ela_tx_parse of the baseline tx");
    ela_coin ref;
    memset(&ref, 0, sizeof ref);
    ela_contract_program_hash(&ref.out.program_hash, ELA_PREFIX_STANDARD, tx.programs[0].code.data,
                              tx.programs[0].code.len);
    pthread_barrier_wait(vt->start);
    double t0 = now(), c0 = thread_cpu(), t;
    unsigned long long n = 0;
    do {
        for (int i = 0; i < 16; i++) {
            ela_validation_state st;
            ela_validation_init(&st);
            if (!ela_txcheck_programs(&st, &tx, &ref))
                die("ela_txcheck_programs of the baseline tx");
        }
        n += 16;
        t = now();
    } while (t - t0 < vt->seconds);
    vt->count = n;
    vt->elapsed = t - t0;
    vt->cpu = thread_cpu() - c0;
    ela_tx_clear(&tx);
    return NULL;
}

/* Verifies the baseline signature for `seconds`, each thread with its own context. */
static void *verify_loop(void *arg)
{
    verify_thread *vt = arg;
    if (vt->txcheck)
        return txcheck_loop(vt);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(vt->bs->sig.key, NULL);
    if (!ctx || EVP_PKEY_verify_init(ctx) != 1)
        die("EVP_PKEY_verify_init");
    if (EVP_PKEY_verify(ctx, vt->bs->sig.der, vt->bs->sig.der_len, vt->bs->sig.digest, 32) != 1)
        die("raw OpenSSL verify of the baseline signature");
    pthread_barrier_wait(vt->start);
    double t0 = now(), c0 = thread_cpu(), t;
    unsigned long long n = 0;
    do {
        for (int i = 0; i < 64; i++)
            if (EVP_PKEY_verify(ctx, vt->bs->sig.der, vt->bs->sig.der_len, vt->bs->sig.digest, 32) != 1)
                die("raw OpenSSL verify");
        n += 64;
        t = now();
    } while (t - t0 < vt->seconds);
    vt->count = n;
    vt->elapsed = t - t0;
    vt->cpu = thread_cpu() - c0;
    EVP_PKEY_CTX_free(ctx);
    return NULL;
}

/* Verifications per second of `threads` threads verifying at the same time; *cpu_each (if not
 * NULL) gets the CPU seconds one verification costs. */
static double rate_of(const baseline_sig *bs, bool txcheck, int threads, double seconds,
                      double *cpu_each)
{
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    verify_thread *vt = calloc((size_t)threads, sizeof *vt);
    pthread_barrier_t start;
    if (!tid || !vt || pthread_barrier_init(&start, NULL, (unsigned)threads) != 0)
        die("baseline setup");
    for (int i = 0; i < threads; i++) {
        vt[i] = (verify_thread){.bs = bs, .txcheck = txcheck, .seconds = seconds,
                                .start = &start};
        if (pthread_create(&tid[i], NULL, verify_loop, &vt[i]) != 0)
            die("pthread_create");
    }
    double rate = 0, cpu = 0;
    unsigned long long count = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        rate += (double)vt[i].count / vt[i].elapsed;
        cpu += vt[i].cpu;
        count += vt[i].count;
    }
    if (cpu_each)
        *cpu_each = count ? cpu / (double)count : 0;
    pthread_barrier_destroy(&start);
    free(tid);
    free(vt);
    return rate;
}

/* ---- the store directory ----------------------------------------------------------------- */

/* Bytes allocated on disk under path (what du counts). */
static unsigned long long disk_usage(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0;
    unsigned long long sum = (unsigned long long)st.st_blocks * 512u;
    if (!S_ISDIR(st.st_mode))
        return sum;
    DIR *d = opendir(path);
    if (!d)
        return sum;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        sum += disk_usage(p);
    }
    closedir(d);
    return sum;
}

/* ---- main --------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    int workers = 0;
    size_t dbcache_mb = 256;
    const char *datadir = NULL, *path = NULL;
    bool keep = false;
    double baseline_seconds = 2.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "-workers") && more)
            workers = atoi(argv[++i]);
        else if (!strcmp(a, "-dbcache") && more)
            dbcache_mb = (size_t)strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "-datadir") && more)
            datadir = argv[++i];
        else if (!strcmp(a, "-keep"))
            keep = true;
        else if (!strcmp(a, "-baseline-seconds") && more)
            baseline_seconds = atof(argv[++i]);
        else if (a[0] == '-' || path)
            usage();
        else
            path = a;
    }
    if (!path || workers < 0 || baseline_seconds <= 0)
        usage();
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    /* The check pool starts one worker per online core when asked for 0. */
    int cores = workers > 0 ? workers : (online > 0 ? (int)online : 1);

    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_import: %s: %s\n", path, strerror(errno));
        return 1;
    }
    char tmpl[4096];
    if (!datadir) {
        const char *tmp = getenv("TMPDIR");
        snprintf(tmpl, sizeof tmpl, "%s/bench_import-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(tmpl)) {
            fprintf(stderr, "bench_import: mkdtemp %s: %s\n", tmpl, strerror(errno));
            return 1;
        }
        datadir = tmpl;
    }

    ela_params params;
    ela_params_init(&params, ELA_NET_REGNET);
    ela_params_set_instant_block(&params);
    ela_log_set_level(ELA_LOG_WARN);
    ela_chain_options opt = {
        .path = datadir,
        .params = &params,
        .dbcache_bytes = dbcache_mb << 20,
        .workers = workers,
    };
    char err[512] = "";
    ela_chain *chain = ela_chain_open(&opt, err, sizeof err);
    if (!chain) {
        fprintf(stderr, "bench_import: cannot open the store at %s: %s\n", datadir, err);
        return 1;
    }

    /* Import. Reading and hex-decoding the file is timed apart: it is not the engine's work. */
    baseline_sig bs = {0};
    bool have_sig = false;
    char *line = NULL;
    size_t cap = 0, raw_cap = 0;
    uint8_t *raw = NULL;
    unsigned long long blocks = 0, txs = 0, bytes = 0;
    double read_seconds = 0, process_seconds = 0;
    int rc = 0;
    double cpu_start = process_cpu();
    for (;;) {
        double t0 = now();
        ssize_t n = getline(&line, &cap, f);
        if (n < 0)
            break;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        if ((size_t)n / 2 > raw_cap) {
            raw_cap = (size_t)n / 2;
            raw = ela_xrealloc(raw, raw_cap);
        }
        if (n % 2 || !ela_hex_decode(raw, line, (size_t)n)) {
            fprintf(stderr, "bench_import: line %llu is not hex\n", blocks + 1);
            rc = 1;
            break;
        }
        size_t len = (size_t)n / 2;
        /* The tx count is the u32 after the full header; the baseline signature comes from
         * the first block with a transfer. */
        ela_reader r;
        ela_reader_init(&r, raw, len);
        ela_block_header h;
        uint32_t count = 0;
        if (ela_block_header_read(&r, &h)) {
            if (!ela_read_u32(&r, &count))
                count = 0;
            ela_block_header_clear(&h);
        }
        if (!have_sig && count > 1) {
            ela_block b;
            if (ela_block_parse(&b, raw, len, NULL)) {
                have_sig = sig_from_block(&bs, &b);
                ela_block_clear(&b);
            }
        }
        double t1 = now();
        ela_validation_state st;
        ela_validation_init(&st);
        ela_block_status s = ela_chain_process_block_bytes(chain, &st, raw, len);
        double t2 = now();
        read_seconds += t1 - t0;
        process_seconds += t2 - t1;
        blocks++;
        txs += count;
        bytes += len;
        if (s != ELA_BLOCK_CONNECTED) {
            fprintf(stderr, "bench_import: block %llu not connected: status %d, %s (%s)\n",
                    blocks, (int)s, st.reason, st.detail);
            rc = 1;
            break;
        }
    }
    free(line);
    free(raw);
    fclose(f);

    ela_chain_counters c;
    ela_chain_get_counters(chain, &c);
    uint32_t height = ela_chain_height(chain);
    double t_close = now();
    ela_chain_close(chain); /* a deferred UTXO flush is part of the import's cost */
    double close_seconds = now() - t_close;
    /* Includes reading the file, which is small next to the import. */
    double import_cpu = process_cpu() - cpu_start;
    unsigned long long store = disk_usage(datadir);
    if (!keep)
        bench_remove_tree(datadir);
    if (rc != 0)
        return rc;

    /* The baseline, after the import so that it does not warm anything the import uses. */
    if (!have_sig)
        bench_sig_fresh(&bs.sig);
    double raw_cpu = 0, lib_cpu = 0;
    double raw1 = rate_of(&bs, false, 1, baseline_seconds, &raw_cpu);
    double rawn = rate_of(&bs, false, cores, baseline_seconds, NULL);
    double libn = have_sig ? rate_of(&bs, true, cores, baseline_seconds, &lib_cpu) : 0;
    bench_sig_clear(&bs.sig);
    ela_bytes_clear(&bs.tx);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double wall = process_seconds + close_seconds;
    double worker_rate = c.sig_seconds > 0 ? (double)c.sigs_verified / c.sig_seconds : 0;
    double connect_rate = c.connect_seconds > 0 ? (double)c.sigs_verified / c.connect_seconds : 0;

    printf("bench_import: %s\n", path);
    printf("  blocks                 %llu (tip height %u), %llu bytes\n", blocks, height, bytes);
    printf("  transactions           %llu (%llu checked by the engine)\n", txs,
           (unsigned long long)c.txs_checked);
    printf("  signatures verified    %llu (sigcache hits %llu)\n",
           (unsigned long long)c.sigs_verified, (unsigned long long)c.sigcache_hits);
    printf("  workers                %d (online cores %ld)\n", cores, online);
    printf("  wall time              %.3f s (process_block %.3f s + close %.3f s; reading the "
           "file %.3f s not counted)\n",
           wall, process_seconds, close_seconds, read_seconds);
    printf("  blocks/s               %.1f\n", wall > 0 ? (double)blocks / wall : 0);
    printf("  connect time           %.3f s, of which signature fan-out %.3f s\n",
           c.connect_seconds, c.sig_seconds);
    printf("  sigs/s in fan-out      %.0f  (sigs_verified / sig_seconds)\n", worker_rate);
    printf("  sigs/s over connect    %.0f  (sigs_verified / connect_seconds)\n", connect_rate);
    printf("  sigs/s over wall       %.0f\n", wall > 0 ? (double)c.sigs_verified / wall : 0);
    printf("  raw OpenSSL P-256      %.0f verify/s on 1 thread; x %d = %.0f; %d threads in "
           "parallel: %.0f verify/s\n",
           raw1, cores, raw1 * cores, cores, rawn);
    printf("  ratio fan-out/raw      %.3f of the parallel bound (%.3f of 1-thread x %d); "
           "target >= 0.8\n",
           rawn > 0 ? worker_rate / rawn : 0, raw1 > 0 ? worker_rate / (raw1 * cores) : 0,
           cores);
    printf("  ratio connect/raw      %.3f of the parallel bound\n",
           rawn > 0 ? connect_rate / rawn : 0);
    if (have_sig)
        printf("  ela_txcheck_programs   %.0f tx/s on %d threads in parallel (%.3f of raw: the "
               "per-tx work of a worker); fan-out reaches %.3f of it\n",
               libn, cores, rawn > 0 ? libn / rawn : 0, libn > 0 ? worker_rate / libn : 0);
    if (c.sigs_verified > 0)
        printf("  CPU per signature      %.1f us (import CPU %.2f s, all threads) vs raw verify "
               "%.1f us, ela_txcheck_programs %.1f us: CPU efficiency %.3f (load-independent)\n",
               import_cpu / (double)c.sigs_verified * 1e6, import_cpu, raw_cpu * 1e6,
               lib_cpu * 1e6, raw_cpu * (double)c.sigs_verified / import_cpu);
    printf("  peak RSS               %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    printf("  store on disk          %.1f MiB%s%s\n", (double)store / (1024.0 * 1024.0),
           keep ? " at " : "", keep ? datadir : "");
    return 0;
}
