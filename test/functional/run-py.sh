#!/bin/sh
# make check: runs one functional test script (the automake PY_LOG_COMPILER). Skips (77)
# without python3; no bytecode is written next to the sources (the srcdir may be read-only).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: $1: python3 not found"; exit 77; }
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE
exec python3 "$@"
