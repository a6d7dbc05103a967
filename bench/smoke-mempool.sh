#!/bin/sh
# make check: a tiny run of the mempool benchmark (30 transfers) so that bench_mempool keeps
# working. The figures of so small a run mean nothing; only the counts are checked: every
# transfer reached a block, the pooled ones hit the signature cache, the others were verified.
set -e
builddir=${builddir:-.}
out=$("$builddir/bench/bench_mempool" -txs 30 -keys 8 -workers 2 -dbcache 16 \
    -baseline-seconds 0.05)
echo "$out"
for key in raw_verify_per_s_1thread mempool_admit_tx_per_s mempool_admit_sigs_per_s \
    ratio_admit_vs_raw_verify template_ms_per_block connect_ms_per_block_cached \
    connect_ms_per_block_uncached sigcache_speedup process_speedup; do
    echo "$out" | grep -q "^$key=[0-9.]*\$" || { echo "smoke-mempool: no $key line" >&2; exit 1; }
done
echo "$out" | grep -q "^blocks_from_pool=1\$"
echo "$out" | grep -q "^sigcache_hits=30\$"
echo "$out" | grep -q "^sigs_verified_cached=0\$"
echo "$out" | grep -q "^sigs_verified_uncached=30\$"
