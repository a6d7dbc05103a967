#!/bin/sh
# make check: the elad functional test (test/elad_rpc.py). It starts real elad processes on
# 127.0.0.1 with temporary data directories; exit 77 (skip) without python3 or the vectors.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: elad_rpc: python3 not found"; exit 77; }
here=$(dirname "$0")
exec python3 "$here/elad_rpc.py" --elad ./src/elad
