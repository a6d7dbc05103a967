#!/bin/sh
# make check: ela-util end to end — genesis hashes, decoding the reference node's chain files
# and transactions (compared with what the reference printed), AuxPoW checks, addresses, and
# bad input (one-line error, exit status 2, never a crash).
set -u
util=./src/ela-util
vec=${ELA_VECTORS:-../shared/vectors}
fails=0
passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect STATUS DESCRIPTION -- COMMAND...: runs COMMAND, checks its exit status.
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$what: exit $got, wanted $want; stderr: $(cat "$tmp/err")"
        return 1
    fi
    ok
    return 0
}

# Genesis blocks: hashes of spec/wire.md §6.4.
expect 0 "genesis mainnet" -- $util genesis mainnet &&
    { [ "$(head -1 "$tmp/out")" = 05f458a5522851622cae2bb138498dec60a8f0b233802c97a1ca41f9f214708d ] && ok || fail "mainnet genesis hash"; }
expect 0 "genesis regnet" -- $util genesis regnet &&
    { [ "$(head -1 "$tmp/out")" = 6418be20291bc857c9a01e5ba205445b85a0593d47cc0b576d55a55e464f31b3 ] && ok || fail "regnet genesis hash"; }
expect 0 "genesis testnet" -- $util genesis testnet &&
    { [ "$(sed -n 2p "$tmp/out" | wc -c)" -eq 785 ] && ok || fail "testnet genesis is 392 bytes"; }
expect 2 "genesis of an unknown network" -- $util genesis moonnet

# Addresses.
expect 0 "standard address" -- $util address 029a0a45b45c5f1406aac117ae490cf1ad0535e470a13bd3068e2a2862c22ab4d9 &&
    { [ "$(cat "$tmp/out")" = Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj ] && ok || fail "standard address value"; }
expect 2 "address of a point not on the curve" -- $util address 02ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
expect 2 "address of odd hex" -- $util address 029a0
expect 2 "multisig with M > N" -- $util address -m 3 029a0a45b45c5f1406aac117ae490cf1ad0535e470a13bd3068e2a2862c22ab4d9

# Bad input: one line on stderr, exit 2, no crash.
for bad in "" "0" "zz" "00" "0902" "ff"; do
    expect 2 "decodetx '$bad'" -- $util decodetx "$bad" &&
        { [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || fail "decodetx '$bad' error is not one line"; }
    expect 2 "decodeblock '$bad'" -- $util decodeblock "$bad"
done
expect 2 "no command" -- $util
expect 2 "unknown command" -- $util frobnicate
expect 2 "checkauxpow with a short hash" -- $util checkauxpow 00 00
expect 2 "missing file" -- $util decodetx @"$tmp/nonexistent"

if [ ! -d "$vec" ]; then
    echo "SKIP: ela-util vector checks: vectors not found at $vec (set ELA_VECTORS)"
else
    # Every block of the reference node's regnet chain decodes; its hash and txids match what
    # the reference recorded; trailing garbage and truncation are refused.
    python3 - "$vec/refnode/chain/regnet_node1_blocks.jsonl" "$tmp" <<'PY' && ok || fail "reference chain blocks"
import json, subprocess, sys
path, tmp = sys.argv[1], sys.argv[2]
n = 0
for line in open(path):
    rec = json.loads(line)
    raw = rec["raw"]
    with open(tmp + "/block.hex", "w") as f:
        f.write(raw + "\n")
    out = subprocess.run(["./src/ela-util", "decodeblock", "@" + tmp + "/block.hex"],
                         capture_output=True, text=True)
    assert out.returncode == 0, (rec["height"], out.stderr)
    got = json.loads(out.stdout)
    want = rec["verbose1"]
    assert got["hash"] == want["hash"], rec["height"]
    assert [t["txid"] for t in got["tx"]] == want["tx"], rec["height"]
    for k in ("size", "height", "merkleroot", "time", "bits", "nonce", "auxpow", "minerinfo",
              "previousblockhash", "difficulty", "version"):
        assert got[k] == want[k], (rec["height"], k, got[k], want[k])
    for bad in (raw + "00", raw[:-2], raw[:200]):
        r = subprocess.run(["./src/ela-util", "decodeblock", bad], capture_output=True, text=True)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, (rec["height"], r.returncode, r.stderr)
    if rec["height"] > 0:
        aux = want["auxpow"]
        r = subprocess.run(["./src/ela-util", "checkauxpow", rec["hash"], aux],
                           capture_output=True, text=True)
        assert r.returncode == 0 and r.stdout.startswith("ok"), (rec["height"], r.stdout)
        other = rec["hash"][:-1] + ("0" if rec["hash"][-1] != "0" else "1")
        r = subprocess.run(["./src/ela-util", "checkauxpow", other, aux],
                           capture_output=True, text=True)
        assert r.returncode == 1 and r.stdout.startswith("auxpow:"), (rec["height"], r.stdout)
    n += 1
assert n == 109, n
print("ela-util: %d reference blocks decoded and checked" % n)
PY
    # decodetx of the reference's signed transfer equals its decoderawtransaction reply.
    python3 - "$vec/refnode/rpc" <<'PY' && ok || fail "decodetx of the reference transfer"
import json, subprocess, sys
d = sys.argv[1]
rec = json.load(open(d + "/80b_decoderawtransaction_named.json"))
out = subprocess.run(["./src/ela-util", "decodetx", rec["request"]["params"]["data"]],
                     capture_output=True, text=True)
assert out.returncode == 0, out.stderr
assert json.loads(out.stdout) == rec["response"]["result"], out.stdout
print("ela-util: decodetx equals the reference's decoderawtransaction")
PY
fi

echo "ela-util.sh: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
