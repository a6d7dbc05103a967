/* gen_chain: writes a regnet InstantBlock chain for the import benchmark (bench_import) and for
 * elad -loadblock: one block per line in lowercase hex, genesis excluded.
 *
 * Usage: gen_chain [-blocks N] [-txs M] [-outputs K] [-keys K] [-seed S] FILE
 *
 * The file holds 101 + N blocks (heights 1 .. N + 101). Blocks 1 .. 101 carry only their
 * coinbase: coinbase maturity (spec/consensus.md §4.3 step 15) makes the first coinbase
 * spendable at height 102. Blocks 102 .. N + 101 each carry M TransferAsset transactions with
 * one P-256 signed input and K outputs (default 2: a payment and its change), so the file
 * holds N * M signatures to verify. The coinbases of blocks 1 .. N fan out into M outputs each
 * (plus the foundation's share), so block h spends the M outputs of the coinbase of block
 * h - 101: every spend reaches 101 blocks back into the UTXO set, and the transfer outputs
 * stay unspent (the set grows by M * K per block). Same seed, same block ids. */
#include "config.h"

#include "chaingen.h"

#include <ela/params.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MATURITY_BLOCKS 101u

static void usage(void)
{
    fprintf(stderr, "usage: gen_chain [-blocks N] [-txs M] [-outputs K] [-keys K] [-seed S] "
                    "FILE\n"
                    "  writes 101 + N regnet InstantBlock blocks (hex lines) to FILE; blocks "
                    "102..N+101\n"
                    "  carry M signed transfers each (defaults: N 200, M 1000, K outputs 2, "
                    "1000 keys, seed 1)\n");
    exit(2);
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

int main(int argc, char **argv)
{
    unsigned long long nblocks = 200, ntxs = 1000, outputs = 2, nkeys = 1000, seed = 1;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "-blocks") && more)
            nblocks = parse_num(argv[++i], 1000000);
        else if (!strcmp(a, "-txs") && more)
            ntxs = parse_num(argv[++i], 9999); /* MaxTxPerBlock 10,000 with the coinbase */
        else if (!strcmp(a, "-outputs") && more)
            outputs = parse_num(argv[++i], 1000);
        else if (!strcmp(a, "-keys") && more)
            nkeys = parse_num(argv[++i], 1000000);
        else if (!strcmp(a, "-seed") && more)
            seed = parse_num(argv[++i], UINT64_MAX);
        else if (a[0] == '-' || path)
            usage();
        else
            path = a;
    }
    if (!path || outputs == 0 || nkeys == 0)
        usage();

    ela_params params;
    ela_params_init(&params, ELA_NET_REGNET);
    ela_params_set_instant_block(&params);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "gen_chain: %s: %s\n", path, strerror(errno));
        return 1;
    }

    double start = now();
    chaingen *g = chaingen_new(&params, seed, nkeys);
    chaingen_branch *b = chaingen_branch_genesis(g);
    uint64_t total = MATURITY_BLOCKS + nblocks, transfers = 0, bytes = 0;
    size_t largest = 0;
    for (uint64_t h = 1; h <= total; h++) {
        /* Only coinbases that mature inside the file need to fan out. */
        chaingen_set_coinbase_outputs(g, h <= nblocks && ntxs > 0 ? ntxs : 2);
        size_t want = h > MATURITY_BLOCKS ? ntxs : 0;
        ela_block blk;
        size_t n = chaingen_build_block(g, &blk, b, want, outputs);
        if (n != want) {
            fprintf(stderr, "gen_chain: block %llu: only %zu of %zu transfers had a mature "
                            "output to spend\n", (unsigned long long)h, n, want);
            return 1;
        }
        if (blk.size > (size_t)params.max_block_context_size + params.max_block_header_size) {
            fprintf(stderr, "gen_chain: block %llu is %zu bytes, above the regnet limit; use "
                            "fewer -txs or -outputs\n", (unsigned long long)h, blk.size);
            return 1;
        }
        chaingen_write_hex_line(f, &blk);
        transfers += n;
        bytes += blk.size;
        if (blk.size > largest)
            largest = blk.size;
        chaingen_branch_accept(b, &blk);
        ela_block_clear(&blk);
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "gen_chain: %s: %s\n", path, strerror(errno));
        return 1;
    }
    double secs = now() - start;
    printf("gen_chain: wrote %s: %llu blocks (heights 1..%llu; %llu maturity blocks, then %llu "
           "blocks of %llu transfers)\n",
           path, (unsigned long long)total, (unsigned long long)total,
           (unsigned long long)MATURITY_BLOCKS, (unsigned long long)nblocks, ntxs);
    printf("gen_chain: %llu signed transfers = %llu signatures, %llu outputs each; %llu block "
           "bytes (largest %zu), %.1f s\n",
           (unsigned long long)transfers, (unsigned long long)transfers, outputs,
           (unsigned long long)bytes, largest, secs);
    chaingen_branch_free(b);
    chaingen_free(g);
    return 0;
}
