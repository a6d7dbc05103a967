#!/bin/sh
# Installs the Debian 12 packages elad needs to build and test, skipping those already present.
# Usage: contrib/install-deps.sh [--fuzz]   (--fuzz adds clang and its libFuzzer runtime)
set -e
pkgs="gcc make autoconf automake libtool pkg-config libssl-dev libleveldb-dev libevent-dev
      libsecp256k1-dev check libjansson-dev python3"
[ "${1:-}" = "--fuzz" ] && pkgs="$pkgs clang libclang-rt-14-dev"

missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
