"""elad functional tests: helpers shared by the scripts that start the real daemon.

Python 3 standard library only. Every daemon runs on 127.0.0.1 with its own temporary data
directory; nothing here touches any other address. Binaries come from the build directory
(`builddir`, exported by make check; override with ELAD / GEN_CHAIN).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


def build_path(rel, env_name):
    path = os.environ.get(env_name) or os.path.join(os.environ.get("builddir", "."), rel)
    return os.path.abspath(path)


ELAD = build_path("src/elad", "ELAD")
GEN_CHAIN = build_path("bench/gen_chain", "GEN_CHAIN")


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def skip_unless_built():
    """Exit 77 (automake's SKIP) when a binary this test needs is not built."""
    for p in (ELAD, GEN_CHAIN):
        if not os.access(p, os.X_OK):
            print("SKIP: %s is not built" % p)
            sys.exit(77)


def tmpdir(prefix):
    base = os.environ.get("TMPDIR") or "/tmp"
    return tempfile.mkdtemp(prefix=prefix, dir=base)


def gen_chain(path, blocks, txs, seed, keys=64):
    """Writes 101 + blocks regnet InstantBlock blocks (hex lines) to path; returns the lines."""
    r = subprocess.run([GEN_CHAIN, "-blocks", str(blocks), "-txs", str(txs), "-keys", str(keys),
                        "-seed", str(seed), path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300)
    if r.returncode != 0:
        fail("gen_chain failed: %s" % r.stdout.decode(errors="replace"))
    with open(path) as f:
        return [line.rstrip("\n") for line in f]


def elad_args(datadir, *extra):
    # The log goes to a file per run in the datadir; -instant matches gen_chain's chains.
    # -listen=0: no P2P listener, so parallel tests never share the regnet P2P port.
    return [ELAD, "-datadir=" + datadir, "-regnet", "-instant", "-listen=0"] + list(extra)


def run_import(datadir, blockfile, logfile, timeout=300):
    """Runs an import to completion: returns (exit status, stdout+stderr text)."""
    args = elad_args(datadir, "-loadblock=" + blockfile, "-stopafterimport",
                     "-logfile=" + logfile)
    r = subprocess.run(args, cwd=datadir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    return r.returncode, r.stdout.decode(errors="replace")


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rpc(port, method, params=None, timeout=10):
    body = json.dumps({"method": method, "params": params or {}, "id": 1}).encode()
    req = urllib.request.Request("http://127.0.0.1:%d/" % port, data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        doc = json.loads(r.read().decode())
    err = doc.get("error")
    if err and not (isinstance(err, dict) and err.get("code") == 0):
        raise RuntimeError("%s: %s" % (method, err))
    return doc["result"]


def chain_state(datadir, logfile):
    """Starts elad on datadir with RPC on a free 127.0.0.1 port, reads the tip and the UTXO-set
    summary, stops it with SIGTERM (which must exit 0) and returns the state as a dict."""
    port = free_port()
    # -rpcnoauth: a loopback-only node without the cookie (the reference's open server).
    args = elad_args(datadir, "-rpcport=%d" % port, "-rpcnoauth", "-logfile=" + logfile)
    p = subprocess.Popen(args, cwd=datadir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        info = None
        while time.time() < deadline:
            if p.poll() is not None:
                fail("elad exited with %d before serving RPC: %s" %
                     (p.returncode, p.stdout.read().decode(errors="replace")))
            try:
                info = rpc(port, "gettxoutsetinfo")
                best = rpc(port, "getbestblockhash")
                break
            except (OSError, urllib.error.URLError):
                time.sleep(0.05)
        if info is None:
            fail("elad did not answer RPC on port %d" % port)
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=30)
        if rc != 0:
            fail("elad exited with %d after SIGTERM" % rc)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    if best != info["bestblock"]:
        fail("getbestblockhash %s != gettxoutsetinfo bestblock %s" % (best, info["bestblock"]))
    return {k: info[k] for k in ("height", "bestblock", "txouts", "total_amount",
                                 "hash_serialized", "transactions")}


def read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""
