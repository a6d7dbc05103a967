#!/usr/bin/env python3
"""elad functional test: -loadblock with bad lines among valid blocks.

A file holds valid blocks 1..K, then a truncated block line, a line longer than the hex of the
largest block, a non-hex line, an odd-length hex line, valid hex that is no block, block K+1
with its lock time altered (the merkle root no longer matches; the id is the real K+1's), a
duplicate of an earlier block, then the valid blocks K+1..M. The import must exit
0 (elad's documented status: refused blocks are logged and counted, not fatal), count exactly
the bad lines as invalid with a reason per line in the log, and connect every valid block. A
second import on the same store (garbage, then block M+1 with one signature byte altered,
which neither ELA's block id nor its merkle root covers, then the genuine M+1..) must lose
nothing and accept the genuine M+1 after its malleated copy. The
final state must equal that of a clean import of the valid blocks alone.
"""

import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import elad_testlib as t  # noqa: E402

# Longest line elad reads (src/elad.c MAX_LINE): the hex of ELA_MAX_BLOCK_SIZE (9,000,000) + 64.
MAX_LINE = 2 * 9000000 + 64

SUMMARY = re.compile(r"loadblock \S+: (\d+) imported \((\d+) on a side branch, (\d+) orphan\), "
                     r"(\d+) duplicate, (\d+) invalid; chain height (\d+)")


def summary(out):
    m = SUMMARY.search(out)
    if not m:
        t.fail("no import summary in the output:\n" + out)
    keys = ("imported", "side", "orphan", "duplicate", "invalid", "height")
    return dict(zip(keys, map(int, m.groups())))


def expect(got, **want):
    for k, v in want.items():
        if got[k] != v:
            t.fail("import summary %s = %d, expected %d (%s)" % (k, got[k], v, got))


def flip(line, offset):
    """The block of a hex line with one byte flipped at offset (negative: from the end).

    A generated block ends with its last transfer: u32 lock time, one program = varbytes
    parameter (1 + 65) then varbytes code (1 + 35). So offset -107 is the lock time (in the
    txid: the merkle root no longer matches) and -40 lies in the signature's s (not in the
    txid: header, merkle root and block id all stay, only the signature check fails)."""
    raw = bytearray.fromhex(line)
    raw[offset] ^= 0x01
    return raw.hex()


def main():
    t.skip_unless_built()
    root = t.tmpdir("elad-loadbad-")
    ok = False
    try:
        chain = os.path.join(root, "chain.hex")
        lines = t.gen_chain(chain, 10, 3, seed=11)  # 111 blocks
        top = len(lines)
        k, m = 104, 108  # first file: 1..k, bad lines, k+1..m; second file: m+1..top

        bad = [
            lines[k][: len(lines[k]) // 2],            # truncated block
            "ab" * (MAX_LINE // 2 + 16),                # longer than the largest block's hex
            "this is not hex at all",                   # not hex
            lines[k][:101],                             # odd number of hex digits
            "00" * 80 + "ff" * 400,                     # valid hex, not a block
            flip(lines[k], -107),                       # real header, altered txid
        ]
        dup = [lines[5]]                                # already imported: a duplicate
        first = os.path.join(root, "first.hex")
        with open(first, "w") as f:
            f.write("\n".join(lines[:k] + bad + dup + lines[k:m]) + "\n")

        d = os.path.join(root, "node")
        os.mkdir(d)
        log1 = os.path.join(d, "first.log")
        rc, out = t.run_import(d, first, log1)
        if rc != 0:
            t.fail("import with bad lines exited %d (expected 0):\n%s" % (rc, out))
        s = summary(out)
        expect(s, imported=m, side=0, orphan=0, duplicate=1, invalid=len(bad), height=m)
        log = t.read_text(log1)
        # a reason for each bad line, naming its line number
        n0 = k + 1  # 1-based line number of the first bad line
        for i, what in enumerate(["bad-block-encoding", "longer than", "not hex", "not hex",
                                  "bad-block-encoding", "bad-txnmrklroot"]):
            pat = re.compile(r"loadblock \S+:%d: .*%s" % (n0 + i, re.escape(what)))
            if not pat.search(log):
                t.fail("no '%s' reason for line %d in the log:\n%s" % (what, n0 + i, log))

        # more garbage, block m+1 with a broken signature (its real id), then the rest: what is
        # stored stays and the genuine m+1 is still accepted after its malleated copy
        second = os.path.join(root, "second.hex")
        with open(second, "w") as f:
            f.write("\n".join(["zz", lines[m][:64], flip(lines[m], -40), ""] + lines[m:]) + "\n")
        log2 = os.path.join(d, "second.log")
        rc, out = t.run_import(d, second, log2)
        if rc != 0:
            t.fail("second import exited %d:\n%s" % (rc, out))
        s = summary(out)
        if s["height"] != top:
            print(t.read_text(log2))
        expect(s, imported=top - m, invalid=3, duplicate=0, height=top)
        if not re.search(r"loadblock \S+:3: block refused: bad-txns-signature", t.read_text(log2)):
            t.fail("no bad-txns-signature reason for line 3 of the second file")
        got = t.chain_state(d, os.path.join(d, "state.log"))

        # the same valid blocks, imported clean
        clean = os.path.join(root, "clean")
        os.mkdir(clean)
        rc, out = t.run_import(clean, chain, os.path.join(clean, "import.log"))
        if rc != 0:
            t.fail("clean import exited %d:\n%s" % (rc, out))
        expect(summary(out), imported=top, invalid=0, height=top)
        ref = t.chain_state(clean, os.path.join(clean, "state.log"))
        for key in ("height", "bestblock", "hash_serialized", "txouts", "total_amount"):
            if got[key] != ref[key]:
                t.fail("%s differs: %s (with bad lines) vs %s (clean)" % (key, got[key], ref[key]))
        ok = True
        print("PASS: loadblock_bad (%d blocks, %d bad lines refused)" % (top, len(bad) + 2))
    finally:
        if ok or not os.environ.get("KEEP_TMP"):
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("kept %s" % root)


if __name__ == "__main__":
    main()
