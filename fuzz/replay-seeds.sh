#!/bin/sh
# make check: builds the seed corpus from the vectors (in place, into a temporary directory)
# and replays it through every fuzz target. Exit 77 (skip) when the vectors are absent.
set -e
vec=${ELA_VECTORS:-../shared/vectors}
if [ ! -d "$vec" ]; then
    echo "SKIP: fuzz seed replay: vectors not found at $vec (set ELA_VECTORS)"
    exit 77
fi
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
python3 "${top_srcdir:-.}/fuzz/make-seeds.py" "$vec" "$corpus"
for t in $FUZZ_TARGETS; do
    name=${t#fuzz/fuzz_}
    if [ "${LIBFUZZER:-}" = yes ]; then
        # libFuzzer binary: -runs=0 replays the corpus once and exits.
        "./$t" -runs=0 "$corpus/$name"
    else
        "./$t" "$corpus/$name"
    fi
done
