#!/usr/bin/env python3
"""elad functional test: an import killed at random moments ends in the same state as an
uninterrupted one (DESIGN.md: every block connect is one LevelDB batch that moves the tip).

1. gen_chain writes a chain of signed transfers; D1 imports it in one go (-stopafterimport),
   then an RPC run records the tip and gettxoutsetinfo.
2. D2 imports the same file ROUNDS times, each run SIGKILLed (every fifth SIGTERMed, which
   must exit 0) after a random delay; every restart must open the store (no exit 1, no
   "-reindex" advice) at a height no lower than the previous open.
3. A last run completes; D2's tip, height and UTXO-set hash must equal D1's.

The delays come from a seed printed at the start (CRASH_SEED=<n> reproduces the schedule).
"""

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import elad_testlib as t  # noqa: E402

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "20"))
BLOCKS = int(os.environ.get("CRASH_BLOCKS", "250"))  # + 101 maturity blocks
TXS = int(os.environ.get("CRASH_TXS", "40"))

OPENED = re.compile(r"chain \S+ opened at height (\d+)")


def main():
    t.skip_unless_built()
    seed = int(os.environ.get("CRASH_SEED") or int(time.time() * 1000) % 1000000007)
    print("crash_import: seed %d (rerun with CRASH_SEED=%d)" % (seed, seed), flush=True)
    rng = random.Random(seed)
    root = t.tmpdir("elad-crash-")
    ok = False
    try:
        chain = os.path.join(root, "chain.hex")
        lines = t.gen_chain(chain, BLOCKS, TXS, seed=7)
        top = len(lines)

        # 1. the reference: one uninterrupted import
        d1 = os.path.join(root, "d1")
        os.mkdir(d1)
        start = time.time()
        rc, out = t.run_import(d1, chain, os.path.join(d1, "import.log"))
        t_full = time.time() - start
        if rc != 0:
            t.fail("uninterrupted import exited %d: %s" % (rc, out))
        if "chain height %d" % top not in out:
            t.fail("uninterrupted import did not reach height %d: %s" % (top, out))
        ref = t.chain_state(d1, os.path.join(d1, "state.log"))
        print("reference: %d blocks imported in %.2f s; %s" % (top, t_full, ref), flush=True)
        if ref["height"] != top:
            t.fail("reference height %s != %d" % (ref["height"], top))

        # 2. the same import, killed again and again. Mean delay ~ t_full / ROUNDS so that
        # most rounds die mid-import; capped at 2 s.
        d2 = os.path.join(root, "d2")
        os.mkdir(d2)
        max_delay = min(2.0, max(0.1, 2.0 * t_full / ROUNDS))
        last_open = 0
        kills = finished = 0
        for i in range(ROUNDS):
            log = os.path.join(d2, "run-%02d.log" % i)
            args = t.elad_args(d2, "-loadblock=" + chain, "-stopafterimport", "-logfile=" + log)
            p = subprocess.Popen(args, cwd=d2, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            delay = rng.uniform(0.0, max_delay)
            term = i % 5 == 4
            if term:
                # A SIGTERM must stop the node cleanly once it runs; one that arrives while
                # the process is still being loaded (before main) kills it by default. The
                # delay therefore counts from the node's first log line.
                start_wait = time.time() + 10
                while (time.time() < start_wait and p.poll() is None and
                       "starting" not in t.read_text(log)):
                    time.sleep(0.002)
            deadline = time.time() + delay
            while time.time() < deadline and p.poll() is None:
                time.sleep(0.005)
            if p.poll() is None:
                p.send_signal(signal.SIGTERM if term else signal.SIGKILL)
            try:
                out, _ = p.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                t.fail("round %d: elad did not stop" % i)
            rc = p.returncode
            text = out.decode(errors="replace") + t.read_text(log)
            if "reindex" in text:
                t.fail("round %d: the store needed -reindex:\n%s" % (i, text))
            if rc == -signal.SIGKILL:
                kills += 1
            elif rc == 0:
                finished += 1  # SIGTERM honoured, or the import ended before the signal
            else:
                t.fail("round %d (delay %.3f s): exit status %d:\n%s" % (i, delay, rc, text))
            m = OPENED.search(text)
            if m:
                h = int(m.group(1))
                if h < last_open:
                    t.fail("round %d: store opened at height %d, below %d" % (i, h, last_open))
                last_open = h
            print("round %2d: delay %.3f s, %s, opened at %s" %
                  (i, delay, "SIGTERM" if term else "SIGKILL",
                   m.group(1) if m else "(killed before opening)"), flush=True)
            if term and rc != 0:
                t.fail("round %d: SIGTERM gave exit status %d" % (i, rc))

        # 3. run to completion and compare
        rc, out = t.run_import(d2, chain, os.path.join(d2, "final.log"))
        if rc != 0:
            t.fail("final import exited %d: %s" % (rc, out))
        got = t.chain_state(d2, os.path.join(d2, "state.log"))
        print("after %d interrupted runs (%d SIGKILLed): %s" % (ROUNDS, kills, got), flush=True)
        for k in ("height", "bestblock", "hash_serialized", "txouts", "total_amount",
                  "transactions"):
            if got[k] != ref[k]:
                t.fail("%s differs: %s (interrupted) vs %s (uninterrupted)" % (k, got[k], ref[k]))
        if kills == 0:
            t.fail("no round was killed mid-import: the test proved nothing")
        ok = True
        print("PASS: crash_import (seed %d)" % seed)
    finally:
        if ok or not os.environ.get("KEEP_TMP"):
            shutil.rmtree(root, ignore_errors=True)
        else:
            print("kept %s" % root)


if __name__ == "__main__":
    main()
