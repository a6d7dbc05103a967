#!/usr/bin/env python3
"""elad functional test: the daemon, its JSON-RPC server and -loadblock, against the reference
node's transcripts (../shared/vectors/refnode, read in place through ELA_VECTORS).

Starts real elad processes on 127.0.0.1 only, each with a temporary data directory and ports
taken from a per-run random base (ELA_TEST_SEED=<n> reproduces a run). Replies are compared byte
for byte with the reference's response_raw. The chain is imported in stages so that every
transcript is compared at the tip height it was taken at (confirmations, chainwork and
nextblockhash depend on the tip): blocks 0-4 for 30_/31_/32_ (tip 4), 0-5 for 45_-50_ and the
raw rpc/raw exchanges (tip 5), 0-108 for 87_ (tip 108).

Exit status: 0 all passed, 1 a check failed, 77 the vectors are absent (the checks that need no
vectors still run and must pass)."""

import argparse
import base64
import collections
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

FAILS = []
PASSES = [0]


def check(name, cond, detail=""):
    if cond:
        PASSES[0] += 1
    else:
        FAILS.append(name)
        print("FAIL: %s%s" % (name, (": " + detail) if detail else ""), flush=True)
    return cond


class Ports:
    """Free loopback ports from a random base, never the same one twice in a run."""

    def __init__(self, seed):
        self.next = 20000 + seed % 30000

    def get(self):
        for _ in range(1000):
            p = self.next
            self.next += 1
            if self.next > 60000:
                self.next = 20000
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind(("127.0.0.1", p))
                return p
            except OSError:
                continue
            finally:
                s.close()
        raise RuntimeError("no free port")


class Elad:
    """One elad process in its own working directory. Without credentials in args it runs with
    -rpcnoauth (loopback only) unless cookie=True, which keeps elad's default cookie auth and
    sends the cookie with every request."""

    def __init__(self, exe, workdir, args, port, cookie=False):
        # No P2P listener: tests run in parallel and must not share the regnet P2P port.
        self.exe, self.workdir, self.args, self.port = exe, workdir, list(args) + ["-listen=0"], port
        self.cookie = cookie
        if not cookie and not any(a.startswith(("-rpcuser", "-rpcpassword")) for a in args):
            self.args.append("-rpcnoauth")
        self.proc = None
        self.errfile = None

    def cookie_auth(self):
        """The Authorization header value of the cookie elad wrote (datadir d)."""
        with open(os.path.join(self.workdir, "d", ".cookie")) as f:
            return "Basic " + base64.b64encode(f.read().encode()).decode()

    def start(self):
        os.makedirs(self.workdir, exist_ok=True)
        self.errfile = open(os.path.join(self.workdir, "stderr.txt"), "ab")
        self.proc = subprocess.Popen([self.exe] + self.args + ["-rpcport=%d" % self.port],
                                     cwd=self.workdir, stdout=self.errfile,
                                     stderr=self.errfile)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("elad exited with %d: %s" % (self.proc.returncode,
                                                                self.stderr()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("elad did not open its RPC port: " + self.stderr())

    def stderr(self):
        try:
            with open(os.path.join(self.workdir, "stderr.txt"), "rb") as f:
                return f.read().decode("utf-8", "replace")[-3000:]
        except OSError:
            return ""

    def post(self, body, headers=None, path="/"):
        """POSTs body (bytes or str); returns (status, headers dict, body bytes)."""
        if isinstance(body, str):
            body = body.encode()
        h = {"Content-Type": "application/json"}
        if headers is not None:
            h = headers
        elif self.cookie:
            h["Authorization"] = self.cookie_auth()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("POST", path, body, h)
        r = conn.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        return r.status, hdrs, data

    def call(self, request):
        return self.post(json.dumps(request, separators=(",", ":")))

    def raw(self, data, timeout=30):
        """Sends raw bytes, reads until the server closes; returns the raw response bytes."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        s.close()
        return out

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout=30):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            rc = "timeout"
        if self.errfile:
            self.errfile.close()
            self.errfile = None
        return rc


def split_http(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, body


def run(exe, workdir, args, timeout=120):
    """Runs elad to completion; returns (exit status, stdout, stderr)."""
    os.makedirs(workdir, exist_ok=True)
    # -listen=0 (unless the test sets it): the P2P port must not collide with a parallel test.
    if not any(a.startswith("-listen") for a in args) and "-help" not in args and \
            "-version" not in args:
        args = list(args) + ["-listen=0"]
    p = subprocess.run([exe] + args, cwd=workdir, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def tree_state(path):
    """Names, sizes and mtimes of every file under path (to prove it was not touched)."""
    out = []
    for root, _, files in os.walk(path):
        for f in sorted(files):
            st = os.stat(os.path.join(root, f))
            out.append((os.path.join(root, f), st.st_size, st.st_mtime_ns))
    return sorted(out)


# ---- transcripts -------------------------------------------------------------------------------

def load_transcript(vec, name):
    with open(os.path.join(vec, "refnode", "rpc", name)) as f:
        return json.load(f)


def compare_transcripts(node, vec, names, stage):
    for name in names:
        t = load_transcript(vec, name)
        status, hdrs, body = node.call(t["request"])
        want = t["response_raw"].encode()
        check("%s %s: HTTP status" % (stage, name), status == t["http_status"],
              "got %d" % status)
        check("%s %s: reply bytes" % (stage, name), body == want,
              "\n got  %s\n want %s" % (body[:400], want[:400]))
        check("%s %s: Content-Type" % (stage, name),
              hdrs.get("content-type") == "application/json", str(hdrs))


def compare_raw_exchanges(node, vec, names, stage):
    for name in names:
        with open(os.path.join(vec, "refnode", "rpc", "raw", name)) as f:
            t = json.load(f)
        req = t["raw_request"].encode("latin-1")
        got = node.raw(req)
        gs, gh, gb = split_http(got)
        ws, wh, wb = split_http(t["raw_response"].encode("latin-1"))
        check("%s raw %s: status" % (stage, name), gs == ws, "got %d want %d" % (gs, ws))
        check("%s raw %s: body" % (stage, name), gb == wb, "\n got  %s\n want %s" % (gb, wb))
        check("%s raw %s: Content-Length" % (stage, name),
              gh.get("content-length") == str(len(gb)), str(gh))
        check("%s raw %s: Content-Type" % (stage, name),
              gh.get("content-type") == "application/json", str(gh))


def write_blocks(path, blocks, upto):
    with open(path, "w") as f:
        for b in blocks:
            if b["height"] <= upto:
                f.write(b["raw"] + "\n")


# ---- tests ---------------------------------------------------------------------------------------

def transport_tests(exe, tmp, ports):
    """Behaviour that needs no vectors: HTTP rules, auth, signals, stop, config errors."""
    work = os.path.join(tmp, "transport")
    port = ports.get()
    node = Elad(exe, work, ["-datadir=d"], port).start()

    post = b'{"jsonrpc":"2.0","method":"getblockcount","params":[],"id":1}'
    one = b'{"jsonrpc":"2.0","result":1,"id":1,"error":null}'
    s, h, b = node.post(post)
    check("getblockcount on a fresh node", s == 200 and b == one, "%d %s" % (s, b))

    # HTTP/1.0 client (btcpool): Content-Length must be present.
    raw = node.raw(b"POST / HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: %d"
                   b"\r\n\r\n%s" % (len(post), post))
    s, h, b = split_http(raw)
    check("HTTP/1.0 reply", s == 200 and b == one, repr(raw[:300]))
    check("HTTP/1.0 Content-Length", h.get("content-length") == str(len(one)), str(h))

    # Keep-alive: two requests on one HTTP/1.1 connection.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(2):
        conn.request("POST", "/any/path", post, {"Content-Type": "text/plain; charset=utf-8"})
        r = conn.getresponse()
        check("keep-alive request %d" % i, r.status == 200 and r.read() == one)
    conn.close()

    def transport_error(code, msg):
        return ('{"error":{"code":%d,"id":null,"message":"%s"},"jsonrpc":"2.0","result":null}'
                % (code, msg)).encode()

    for method in ("GET", "PUT", "OPTIONS", "DELETE"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, "/", b"", {"Content-Type": "application/json"})
        r = conn.getresponse()
        body = r.read()
        conn.close()
        check("%s gives 405" % method, r.status == 405 and
              body == transport_error(-32603, "JSON-RPC protocol only allows POST method"),
              "%d %s" % (r.status, body))
    for ctype in (None, "application/x-www-form-urlencoded", "json"):
        s, h, b = node.post(post, {} if ctype is None else {"Content-Type": ctype})
        check("Content-Type %s gives 415" % ctype, s == 415 and b == transport_error(
            -32603, "JSON-RPC need content type to be application/json or text/plain"),
            "%d %s" % (s, b))
    s, h, b = node.post(b"{bad")
    check("bad JSON gives 400", s == 400 and b == transport_error(
        -32700, "JSON-RPC request parsing error:invalid character 'b' looking for beginning "
        "of object key string"), "%d %s" % (s, b))
    s, h, b = node.post(b"")
    check("empty body gives 400", s == 400 and b == transport_error(
        -32700, "JSON-RPC request parsing error:unexpected end of JSON input"), "%d %s" % (s, b))

    # Body limit: 8 MiB is read, one byte more is refused as the reference does.
    head, tail = b'{"method":"getblockcount","id":1,"pad":"', b'"}'
    big = head + b"x" * (8 * 1024 * 1024 - len(head) - len(tail)) + tail
    check("8 MiB body is exactly the limit", len(big) == 8 * 1024 * 1024)
    s, h, b = node.post(big)
    check("8 MiB body accepted", s == 200 and b == one, "%d %s" % (s, b[:200]))
    s, h, b = node.post(big + b" ")
    check("8 MiB + 1 body refused", s == 400 and b == transport_error(
        -32600, "JSON-RPC request reading error:http: request body too large"),
        "%d %s" % (s, b[:200]))

    # Batch and id echo.
    s, h, b = node.post(b'[{"method":"getblockcount","id":"a"},{"method":"nope","id":null}]')
    check("batch", s == 200 and b == (
        b'[{"jsonrpc":"2.0","result":1,"id":"a","error":null},{"jsonrpc":"2.0","result":null,'
        b'"id":null,"error":{"code":-32601,"id":null,"message":"JSON-RPC method nope not '
        b'found"}}]'), b)
    s, h, b = node.post(b'{"method":"getblockhash","params":[0,1,2,3],"id":1}')
    check("positional extras ignored", s == 200 and b"6418be20" in b, b)
    s, h, b = node.post(b'{"method":"getblockhash","params":[-1],"id":1}')
    check("negative height refused", b == b'{"jsonrpc":"2.0","result":null,"id":1,"error":'
          b'{"code":42002,"id":1,"message":"height parameter should be a positive integer"}}', b)
    s, h, b = node.post(b'{"method":"getblockbyheight","params":[7],"id":1}')
    check("getblockbyheight above the tip", b == b'{"jsonrpc":"2.0","result":null,"id":1,'
          b'"error":{"code":44003,"id":1,"message":"not found block"}}', b)
    s, h, b = node.post(b'{"method":"getblock","params":["zz"],"id":1}')
    check("getblock with bad hex", b == b'{"jsonrpc":"2.0","result":null,"id":1,"error":'
          b'{"code":42002,"id":1,"message":"invalid block hash"}}', b)
    s, h, b = node.post(b'{"method":"getblock","params":{},"id":1}')
    check("getblock without a hash", b == b'{"jsonrpc":"2.0","result":null,"id":1,"error":'
          b'{"code":42002,"id":1,"message":"block hash not found"}}', b)
    s, h, b = node.post(b'{"method":"gettxoutsetinfo","id":1}')
    try:
        r = json.loads(b)["result"]
        ok = (r["height"] == 0 and r["txouts"] == 1 and r["total_amount"] == "33000000" and
              list(r) == ["height", "bestblock", "transactions", "txouts", "hash_serialized",
                          "disk_size", "total_amount"])
    except (ValueError, KeyError, TypeError):
        ok = False
    check("gettxoutsetinfo at genesis", ok, b)

    # A second node on the same port or the same store refuses to start.
    rc, out, err = run(exe, os.path.join(tmp, "other"), ["-datadir=d", "-rpcport=%d" % port])
    check("port in use: exit 1", rc == 1 and "cannot listen" in err, "%s %s" % (rc, err))
    rc, out, err = run(exe, work, ["-datadir=d", "-rpcport=%d" % ports.get()])
    check("store in use: exit 1", rc == 1 and "cannot open the chain" in err,
          "%s %s" % (rc, err))

    # SIGHUP reopens the log file (after rotation).
    log = os.path.join(work, "d", "logs", "node", "elad.log")
    check("default log file", os.path.exists(log))
    os.rename(log, log + ".1")
    node.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(log):
        time.sleep(0.05)
    check("SIGHUP reopens the log", os.path.exists(log))
    s, h, b = node.post(post)
    check("still serving after SIGHUP", s == 200 and b == one)

    # SIGTERM: exit 0; the store reopens.
    rc = node.stop(signal.SIGTERM)
    check("SIGTERM: exit 0", rc == 0, "%s %s" % (rc, node.stderr()))
    node = Elad(exe, work, ["-datadir=d"], port).start()
    s, h, b = node.post(post)
    check("restart after SIGTERM", s == 200 and b == one)
    rc = node.stop(signal.SIGINT)
    check("SIGINT: exit 0", rc == 0, str(rc))

    # Cookie auth, elad's default without a password: d/.cookie, 0600, removed at stop.
    node = Elad(exe, work, ["-datadir=d"], port, cookie=True).start()
    cookie = os.path.join(work, "d", ".cookie")
    try:
        with open(cookie) as f:
            text = f.read()
        mode = os.stat(cookie).st_mode & 0o777
    except OSError as e:
        text, mode = repr(e), None
    check("cookie file: __cookie__:<64 hex>",
          re.fullmatch(r"__cookie__:[0-9a-f]{64}", text) is not None, text)
    check("cookie file: mode 0600", mode == 0o600, oct(mode or 0))
    s, h, b = node.post(post, {"Content-Type": "application/json"})
    check("cookie auth: no credentials: 401", s == 401 and b == transport_error(
        -32603, "Client authenticate failed"), "%d %s" % (s, b))
    s, h, b = node.post(post)
    check("cookie auth: with the cookie: 200", s == 200 and b == one, "%d %s" % (s, b))
    stale = node.cookie_auth()
    rc = node.stop(signal.SIGTERM)
    check("cookie node: exit 0", rc == 0, "%s %s" % (rc, node.stderr()))
    check("cookie removed at stop", not os.path.exists(cookie))
    node = Elad(exe, work, ["-datadir=d"], port, cookie=True).start()
    s, h, b = node.post(post, {"Content-Type": "application/json", "Authorization": stale})
    check("cookie auth: a new cookie at each start", s == 401, "%d %s" % (s, b))
    rc = node.stop(signal.SIGTERM)
    check("cookie node 2: exit 0", rc == 0, "%s %s" % (rc, node.stderr()))
    rc, out, err = run(exe, work, ["-datadir=d", "-rpcnoauth", "-rpcbind=0.0.0.0",
                                   "-rpcport=%d" % port])
    check("-rpcnoauth on a non-loopback bind: exit 1", rc == 1 and "loopback" in err,
          "%s %s" % (rc, err))

    # Basic auth.
    node = Elad(exe, work, ["-datadir=d", "-rpcuser=alice", "-rpcpassword=s3cret"], port).start()
    check("basic auth: no cookie file", not os.path.exists(cookie))
    s, h, b = node.post(post)
    check("no credentials: 401", s == 401 and b == transport_error(
        -32603, "Client authenticate failed"), "%d %s" % (s, b))
    good = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    bad = "Basic " + base64.b64encode(b"alice:wrong").decode()
    s, h, b = node.post(post, {"Content-Type": "application/json", "Authorization": bad})
    check("wrong password: 401", s == 401)
    s, h, b = node.post(post, {"Content-Type": "application/json", "Authorization": good})
    check("right password: 200", s == 200 and b == one, "%d %s" % (s, b))
    # The content type is checked before the credentials (the reference's order).
    s, h, b = node.post(post, {"Authorization": good})
    check("415 before 401", s == 415)

    # stop: replies, then exits 0.
    s, h, b = node.post(b'{"method":"stop","id":1}', {"Content-Type": "application/json",
                                                      "Authorization": good})
    check("stop reply", s == 200 and
          b == b'{"jsonrpc":"2.0","result":"elad stopping","id":1,"error":null}', b)
    rc = node.wait(30)
    check("stop: exit 0", rc == 0, "%s %s" % (rc, node.stderr()))

    # A config that does not parse: exit 1, one line naming file and line, store untouched.
    before = tree_state(os.path.join(work, "d"))
    with open(os.path.join(work, "bad.json"), "w") as f:
        f.write('{"Configuration": {\n  "HttpJsonPort": 22336,\n  oops\n}}\n')
    rc, out, err = run(exe, work, ["-datadir=d", "-conf=bad.json"])
    check("unparsable config: exit 1", rc == 1, "%s %s" % (rc, err))
    check("unparsable config: one line naming file and line",
          err.count("\n") == 1 and "bad.json:3:" in err, err)
    check("unparsable config: store untouched", tree_state(os.path.join(work, "d")) == before)
    with open(os.path.join(work, "bad2.json"), "w") as f:
        f.write('{"Configuration": {\n  "EnableRPC": "yes"\n}}\n')
    rc, out, err = run(exe, work, ["-datadir=fresh", "-conf=bad2.json"])
    check("wrong type in config: exit 1 naming the key",
          rc == 1 and "bad2.json:2:" in err and "EnableRPC" in err, "%s %s" % (rc, err))
    check("wrong type in config: nothing created", not os.path.exists(os.path.join(work, "fresh")))
    rc, out, err = run(exe, work, ["-datadir=fresh", "-nosuchoption"])
    check("unknown option: exit 1", rc == 1 and "nosuchoption" in err, err)
    rc, out, err = run(exe, work, ["-help"])
    check("-help", rc == 0 and "-loadblock" in out)
    rc, out, err = run(exe, work, ["-version"])
    check("-version", rc == 0 and out.startswith("elad version"))

    # ./config.json of the working directory is read, as the reference reads it.
    cwd_conf = os.path.join(tmp, "cwdconf")
    os.makedirs(cwd_conf)
    p2 = ports.get()
    with open(os.path.join(cwd_conf, "config.json"), "w") as f:
        json.dump({"Configuration": {"ActiveNet": "regnet", "HttpJsonPort": p2,
                                     "DataDir": "fromconf"}}, f)
    proc = subprocess.Popen([exe], cwd=cwd_conf, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    ok = False
    deadline = time.time() + 30
    while time.time() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", p2), timeout=1).close()
            ok = True
            break
        except OSError:
            time.sleep(0.05)
    check("./config.json: HttpJsonPort and DataDir used",
          ok and os.path.isdir(os.path.join(cwd_conf, "fromconf", "data", "chain-regnet")))
    proc.send_signal(signal.SIGTERM)
    try:
        check("./config.json node: exit 0", proc.wait(30) == 0)
    except subprocess.TimeoutExpired:
        proc.kill()
        check("./config.json node: exit 0", False, "timeout")


def genesis_tests(exe, tmp, ports, vec):
    work = os.path.join(tmp, "genesis")
    node = Elad(exe, work, ["-datadir=d"], ports.get()).start()
    compare_transcripts(node, vec, [
        "00_getblockcount.json", "01_getcurrentheight.json", "02_getbestblockhash.json",
        "03_getblockhash_0.json", "04_getblock_genesis_v0.json", "05_getblock_genesis_v1.json",
        "06_getblock_genesis_v2.json", "07_getblockbyheight_0.json",
        "51_getblock_unknown_hash.json", "52_getblockhash_out_of_range.json",
        "53_unknown_method.json", "54_getblockhash_bad_param.json"], "genesis")
    compare_raw_exchanges(node, vec, ["r02_no_content_type.json", "r06_get_method.json",
                                      "r07_invalid_json.json", "r12_unknown_method.json",
                                      "r13_error_internal.json"], "genesis")
    compare_transcripts(node, vec, ["12_getconnectioncount.json", "62_getneighbors.json"],
                        "genesis")
    # getnodestate: the reference's shape and values but for compile (ours: "elad-<version>",
    # a named difference) and rpcport (the test's port).
    t = load_transcript(vec, "10_getnodestate.json")
    s, h, b = node.call(t["request"])
    want = json.loads(t["response_raw"], object_pairs_hook=collections.OrderedDict)
    try:
        got = json.loads(b, object_pairs_hook=collections.OrderedDict)
        ok = got["result"]["compile"].startswith("elad-") and got["result"]["rpcport"] == node.port
        want["result"]["compile"] = got["result"]["compile"]
        want["result"]["rpcport"] = node.port
        ok = ok and json.dumps(got) == json.dumps(want)
    except (ValueError, KeyError, TypeError, AttributeError):
        ok = False
    check("genesis 10_getnodestate.json: ServerInfo", s == 200 and ok, b)
    check("genesis node: exit 0", node.stop() == 0)


def chain_tests(exe, tmp, ports, vec):
    work = os.path.join(tmp, "chain")
    os.makedirs(work)
    with open(os.path.join(vec, "refnode", "chain", "regnet_node1_blocks.jsonl")) as f:
        blocks = [json.loads(line) for line in f if line.strip()]
    port = ports.get()

    def load_upto(upto, want_imported):
        path = os.path.join(work, "blocks-%d.hex" % upto)
        write_blocks(path, blocks, upto)
        rc, out, err = run(exe, work, ["-datadir=d", "-loadblock=" + path, "-stopafterimport"])
        check("loadblock 0-%d: exit 0" % upto, rc == 0, err[-2000:])
        check("loadblock 0-%d: summary" % upto,
              ("%d imported" % want_imported) in out and ("chain height %d" % upto) in out and
              "0 invalid" in out, out + err[-2000:])

    # Tip 4: the transcripts of blocks 1 and 2.
    load_upto(4, 4)
    node = Elad(exe, work, ["-datadir=d"], port).start()
    compare_transcripts(node, vec, [
        "23_getblockcount.json", "30_getblockhash_1.json", "30_getblockhash_2.json",
        "31_getblock_h1_v0.json", "31_getblock_h1_v1.json", "31_getblock_h1_v2.json",
        "31_getblock_h2_v0.json", "31_getblock_h2_v1.json", "31_getblock_h2_v2.json",
        "32_getblockbyheight_1.json", "32_getblockbyheight_2.json"], "tip 4")
    check("tip 4 node: exit 0", node.stop() == 0)

    # Tip 5: the aux-mined block, default verbosity, named params and the raw exchanges.
    load_upto(5, 1)
    node = Elad(exe, work, ["-datadir=d"], port).start()
    compare_transcripts(node, vec, [
        "45_getblockcount_after_aux.json", "46_getbestblockhash_after_aux.json",
        "48_getblock_auxmined_h5_v0.json", "48_getblock_auxmined_h5_v1.json",
        "48_getblock_auxmined_h5_v2.json", "49_getblock_default_verbosity.json",
        "50_getblock_named_params.json"], "tip 5")
    compare_raw_exchanges(node, vec, sorted(os.listdir(os.path.join(vec, "refnode", "rpc",
                                                                      "raw"))), "tip 5")
    check("tip 5 node: exit 0", node.stop() == 0)

    # Tip 108: the block with the transfer transaction.
    load_upto(108, 103)
    node = Elad(exe, work, ["-datadir=d"], port).start()
    compare_transcripts(node, vec, ["87_getblock_with_tx_v0.json", "87_getblock_with_tx_v1.json",
                                    "87_getblock_with_tx_v2.json"], "tip 108")
    s, h, b = node.post(b'{"method":"gettxoutsetinfo","id":1}')
    try:
        r = json.loads(b)["result"]
        ok = r["height"] == 108 and r["bestblock"] == blocks[108]["hash"]
    except (ValueError, KeyError, TypeError):
        ok = False
    check("gettxoutsetinfo at 108", ok, b)
    s, h, b = node.post(b'{"method":"stop","id":1}')
    check("stop at 108", s == 200 and b"elad stopping" in b)
    check("stop at 108: exit 0", node.wait() == 0)


def bad_lines_test(exe, tmp, vec):
    """A -loadblock file with broken lines: each is reported and the valid blocks are imported."""
    work = os.path.join(tmp, "badlines")
    os.makedirs(work)
    with open(os.path.join(vec, "refnode", "chain", "regnet_node1_blocks.jsonl")) as f:
        blocks = [json.loads(line) for line in f if line.strip()]
    path = os.path.join(work, "mixed.hex")
    with open(path, "w") as f:
        f.write(blocks[1]["raw"][: len(blocks[1]["raw"]) // 2] + "\n")  # line 1: truncated
        f.write("this is not a block\n")                                 # line 2: garbage
        f.write("\n   \r\n")                                             # lines 3-4: blank
        f.write("0" * (2 * 9000000 + 100) + "\n")                        # line 5: oversized
        f.write("abc\n")                                                 # line 6: odd hex
        f.write("00" * 90 + "\n")                                        # line 7: zeros
        f.write("  " + blocks[1]["raw"] + "  \r\n")                      # line 8: valid
        f.write("# a comment\n")                                         # line 9
        f.write(blocks[2]["raw"] + "\n")                                 # line 10: valid
        f.write(blocks[2]["raw"])                                        # line 11: duplicate
    rc, out, err = run(exe, work, ["-datadir=d", "-loadblock=" + path, "-stopafterimport",
                                   "-logfile=-"])
    check("bad lines: exit 0", rc == 0, err[-2000:])
    check("bad lines: summary", "2 imported" in out and "1 duplicate" in out and
          "5 invalid" in out and "chain height 2" in out, out)
    for line in (1, 2, 5, 6, 7):
        check("bad lines: line %d reported" % line, ("mixed.hex:%d:" % line) in err, err[-3000:])
    check("bad lines: blank and comment lines not reported",
          all(("mixed.hex:%d:" % n) not in err for n in (3, 4, 8, 9, 10, 11)), err[-3000:])


def interrupt_test(exe, tmp, vec, ports):
    """SIGTERM during -loadblock is honoured between blocks: a FIFO keeps the import waiting."""
    work = os.path.join(tmp, "interrupt")
    os.makedirs(work)
    with open(os.path.join(vec, "refnode", "chain", "regnet_node1_blocks.jsonl")) as f:
        blocks = [json.loads(line) for line in f if line.strip()]
    fifo = os.path.join(work, "blocks.fifo")
    os.mkfifo(fifo)
    proc = subprocess.Popen([exe, "-datadir=d", "-loadblock=" + fifo, "-stopafterimport",
                             "-logfile=-"], cwd=work, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    opened = []

    def writer():
        try:
            w = open(fifo, "w")
            opened.append(w)
            for b in blocks[1:4]:
                w.write(b["raw"] + "\n")
            w.flush()
        except OSError:
            pass

    t = threading.Thread(target=writer)
    t.start()
    t.join(30)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    try:
        w = opened[0]
        w.write(blocks[4]["raw"] + "\n" + blocks[5]["raw"] + "\n")
        w.flush()
    except (OSError, IndexError):
        pass
    try:
        out, err = proc.communicate(timeout=30)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        rc = "timeout"
    for w in opened:
        try:
            w.close()
        except OSError:
            pass
    out, err = out.decode(), err.decode()
    check("SIGTERM during import: exit 0", rc == 0, "%s %s" % (rc, err[-2000:]))
    check("SIGTERM during import: interrupted with the writer still open",
          "interrupted" in err and "chain height 4" in out, out + err[-2000:])
    port = ports.get()
    node = Elad(exe, work, ["-datadir=d"], port).start()
    s, h, b = node.post(b'{"method":"getcurrentheight","id":1}')
    check("store consistent after the interrupted import",
          b == b'{"jsonrpc":"2.0","result":4,"id":1,"error":null}', b)
    check("interrupt node: exit 0", node.stop() == 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elad", default="./src/elad")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    opts = ap.parse_args()
    exe = os.path.abspath(opts.elad)
    if not os.access(exe, os.X_OK):
        print("FAIL: elad not found at %s" % exe)
        return 1
    seed = int(os.environ.get("ELA_TEST_SEED", random.randrange(1 << 30)))
    print("elad_rpc: seed %d (ELA_TEST_SEED=%d reproduces the ports)" % (seed, seed), flush=True)
    ports = Ports(seed)
    vec = os.environ.get("ELA_VECTORS") or os.path.join(os.path.dirname(__file__), "..", "..",
                                                        "shared", "vectors")
    have_vectors = os.path.isdir(os.path.join(vec, "refnode"))
    tmp = tempfile.mkdtemp(prefix="elad-rpc-")
    try:
        steps = [("transport", lambda: transport_tests(exe, tmp, ports))]
        if have_vectors:
            steps += [("genesis", lambda: genesis_tests(exe, tmp, ports, vec)),
                      ("chain", lambda: chain_tests(exe, tmp, ports, vec)),
                      ("bad lines", lambda: bad_lines_test(exe, tmp, vec)),
                      ("interrupt", lambda: interrupt_test(exe, tmp, vec, ports))]
        for name, fn in steps:
            try:
                fn()
            except Exception as e:  # a crash of one step must not hide the others
                check("%s: ran to completion" % name, False, repr(e))
    finally:
        if opts.keep or FAILS:
            print("elad_rpc: kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("elad_rpc: %d passed, %d failed" % (PASSES[0], len(FAILS)))
    if FAILS:
        return 1
    if not have_vectors:
        print("SKIP: elad_rpc transcript checks: vectors not found at %s (set ELA_VECTORS)" % vec)
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
