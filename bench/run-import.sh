#!/bin/sh
# The import benchmark: generates a chain once (cached in the build directory, regenerated when
# gen_chain is newer than the cache), then imports it with bench_import and prints the figures.
#
# Usage (from the build directory, or with builddir= set): bench/run-import.sh
#   [-blocks N] [-txs M] [-seed S] [bench_import options...]
# Defaults: 200 blocks of 1,000 signed transfers after the 101 maturity blocks (301 blocks,
# 200,000 signatures). `make bench` runs it with the defaults.
set -e
builddir=${builddir:-.}
gen=$builddir/bench/gen_chain
imp=$builddir/bench/bench_import
blocks=200
txs=1000
seed=1
while [ $# -gt 0 ]; do
    case $1 in
        -blocks) blocks=$2; shift 2 ;;
        -txs) txs=$2; shift 2 ;;
        -seed) seed=$2; shift 2 ;;
        *) break ;;
    esac
done
for p in "$gen" "$imp"; do
    if [ ! -x "$p" ]; then
        echo "run-import.sh: $p not built (run make in the build directory)" >&2
        exit 1
    fi
done
cache=$builddir/bench/chain-${blocks}x${txs}-s${seed}.hex
if [ ! -s "$cache" ] || [ "$gen" -nt "$cache" ]; then
    "$gen" -blocks "$blocks" -txs "$txs" -seed "$seed" "$cache.tmp"
    mv "$cache.tmp" "$cache"
else
    echo "run-import.sh: using cached $cache"
fi
exec "$imp" "$@" "$cache"
