#!/bin/sh
# make check: a tiny run of the import benchmark (3 blocks of 5 transfers after maturity) so that
# gen_chain and bench_import keep working. The figures of so small a run mean nothing.
set -e
builddir=${builddir:-.}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smoke-import-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$builddir/bench/gen_chain" -blocks 3 -txs 5 -keys 4 -seed 7 "$tmp/chain.hex"
test "$(wc -l < "$tmp/chain.hex")" -eq 104
out=$("$builddir/bench/bench_import" -baseline-seconds 0.05 -datadir "$tmp/store" "$tmp/chain.hex")
echo "$out"
echo "$out" | grep -q "blocks  *104 (tip height 104)"
echo "$out" | grep -q "signatures verified  *15 "
