#!/bin/sh
# The P2P sync benchmark: the signature-heavy chain of the import benchmark (bench/gen_chain,
# cached like bench/run-import.sh does), imported locally by one elad (-loadblock
# -stopafterimport), then served by an elad to a fresh elad syncing it over loopback P2P
# (-connect). Prints blocks/s and signatures/s of both and the ratio sync/import (target >= 0.8).
#
# Usage (from the build directory, or with builddir= set): bench/run-sync.sh
#   [-blocks N] [-txs M] [-seed S]      defaults: 200 blocks of 1,000 transfers (+101 maturity)
# `make bench-sync` runs it with the defaults. Everything listens on 127.0.0.1 only.
set -e
builddir=${builddir:-.}
gen=$builddir/bench/gen_chain
elad=$builddir/src/elad
cli=$builddir/src/ela-cli
blocks=200
txs=1000
seed=1
while [ $# -gt 0 ]; do
    case $1 in
        -blocks) blocks=$2; shift 2 ;;
        -txs) txs=$2; shift 2 ;;
        -seed) seed=$2; shift 2 ;;
        *) echo "run-sync.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
for p in "$gen" "$elad" "$cli"; do
    if [ ! -x "$p" ]; then
        echo "run-sync.sh: $p not built (run make in the build directory)" >&2
        exit 1
    fi
done
if ! "$elad" -help 2>&1 | grep -q -- "-connect="; then
    echo "run-sync.sh: this elad has no P2P network (-connect)" >&2
    exit 1
fi
cache=$builddir/bench/chain-${blocks}x${txs}-s${seed}.hex
if [ ! -s "$cache" ] || [ "$gen" -nt "$cache" ]; then
    "$gen" -blocks "$blocks" -txs "$txs" -seed "$seed" "$cache.tmp"
    mv "$cache.tmp" "$cache"
else
    echo "run-sync.sh: using cached $cache"
fi
tip=$(($(wc -l < "$cache")))       # one block a line, heights 1..tip
sigs=$((blocks * txs))

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-sync-XXXXXX")
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

now() { date +%s.%N; }
# Free loopback ports from a per-run base (a bound port fails elad's start, reported below).
base=$((20000 + ($$ * 7) % 30000))
rpc_s=$base; p2p_s=$((base + 1)); rpc_f=$((base + 2)); p2p_f=$((base + 3)); rpc_i=$((base + 4))

height() { # datadir rpcport
    "$cli" -rpcport="$2" -rpccookiefile="$1/.cookie" getblockcount 2>/dev/null | tr -d ' \n"' ||
        true
}
wait_height() { # datadir rpcport height timeout-seconds pid
    deadline=$(($(date +%s) + $4))
    while :; do
        h=$(height "$1" "$2")
        if [ -n "$h" ] && [ "$h" -gt "$3" ] 2>/dev/null; then return 0; fi # getblockcount = height + 1
        if ! kill -0 "$5" 2>/dev/null; then echo "run-sync.sh: elad exited" >&2; return 1; fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "run-sync.sh: timed out at getblockcount $h (want $(($3 + 1)))" >&2; return 1
        fi
        sleep 0.05
    done
}

# 1. local import
t0=$(now)
"$elad" -regnet -instant -listen=0 -datadir="$tmp/import" -rpcport=$rpc_i -loadblock="$cache" \
    -stopafterimport > "$tmp/import.log" 2>&1
t1=$(now)
imp=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

# 2. a server holding the chain
"$elad" -regnet -instant -datadir="$tmp/server" -rpcport=$rpc_s -port=$p2p_s -bind=127.0.0.1 \
    -loadblock="$cache" > "$tmp/server.log" 2>&1 &
spid=$!; pids="$spid"
wait_height "$tmp/server" $rpc_s "$tip" 600 "$spid"

# 3. a fresh node syncing it over P2P
t0=$(now)
"$elad" -regnet -instant -datadir="$tmp/fresh" -rpcport=$rpc_f -port=$p2p_f -bind=127.0.0.1 \
    -connect=127.0.0.1:$p2p_s > "$tmp/fresh.log" 2>&1 &
fpid=$!; pids="$pids $fpid"
wait_height "$tmp/fresh" $rpc_f "$tip" 600 "$fpid"
t1=$(now)
syn=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

awk -v tip="$tip" -v sigs="$sigs" -v imp="$imp" -v syn="$syn" 'BEGIN {
    printf "chain: %d blocks, %d signatures (%d blocks of transfers)\n", tip, sigs, tip - 101
    printf "import (-loadblock, process start to exit): %.2f s  %.0f blocks/s  %.0f signatures/s\n",
        imp, tip / imp, sigs / imp
    printf "P2P sync (loopback, process start to tip): %.2f s  %.0f blocks/s  %.0f signatures/s\n",
        syn, tip / syn, sigs / syn
    printf "ratio sync/import (rate): %.2f (target >= 0.8)\n", imp / syn
}'
