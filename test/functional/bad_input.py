#!/usr/bin/env python3
"""elad's JSON-RPC server under bad input: wrong parameter types, missing parameters, bodies
over 8 MiB, invalid hex, unknown methods, garbage batches, calls without the cookie, a client
that stalls half-way through its request while another is served, and more connections than
-rpcmaxclients. After each, the node must still answer getblockcount.

Documented behaviour (spec/p2p-rpc.md §10, doc/JSON-RPC.md): 42002 for bad or missing
parameters, -32601 for unknown methods, -32600 for a bad envelope, HTTP 413 for a body over
8 MiB, HTTP 401 without the cookie (written to <datadir>/.cookie as __cookie__:<64 hex>, mode
0600, removed at a clean stop)."""

import json
import os
import re
import socket
import stat
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import Test, split_http, wait_until  # noqa: E402


def alive(t, node, after):
    try:
        n = node.rpc("getblockcount", timeout=10)
        t.check("still answers getblockcount after %s" % after, n == 1, n)
    except Exception as e:
        t.check("still answers getblockcount after %s" % after, False, repr(e))


def reply(node, body):
    status, _, data = node.post(body)
    try:
        return status, json.loads(data)
    except ValueError:
        return status, data


def params_and_methods(t, node):
    cases = [
        # (what, method, params, code or None for any error)
        ("height as a word", "getblockhash", {"height": "abc"}, 42002),
        ("negative height", "getblockhash", {"height": -1}, 42002),
        ("height as an object", "getblockhash", {"height": {"a": 1}}, 42002),
        ("height as a list", "getblockhash", [[1, 2]], 42002),
        ("missing height", "getblockhash", {}, 42002),
        ("no params at all", "getblockhash", None, 42002),
        ("blockhash as a number", "getblock", {"blockhash": 12345}, 42002),
        ("missing blockhash", "getblock", {}, 42002),
        ("blockhash of 63 chars", "getblock", {"blockhash": "1" * 63}, None),
        ("blockhash not hex", "getblock", {"blockhash": "zz" * 32}, None),
        ("txid not hex", "getrawtransaction", {"txid": "not hex"}, 42002),
        ("txid unknown", "getrawtransaction", {"txid": "ab" * 32}, 44001),
        ("tx data not hex", "sendrawtransaction", {"data": "zz"}, None),
        ("tx data odd hex", "sendrawtransaction", {"data": "abc"}, None),
        ("tx data truncated", "sendrawtransaction", {"data": "0902000100"}, None),
        ("tx data missing", "sendrawtransaction", {}, 42002),
        ("decode of a truncated tx", "decoderawtransaction", {"data": "0902"}, None),
        ("decode positional", "decoderawtransaction", ["00"], 42002),
        ("submitauxblock without params", "submitauxblock", {}, 42002),
        ("submitauxblock short hash", "submitauxblock", {"blockhash": "ab", "auxpow": "00"},
         42002),
        ("submitauxblock auxpow not hex", "submitauxblock",
         {"blockhash": "ab" * 32, "auxpow": "xyz"}, None),
        ("createauxblock bad address", "createauxblock", {"paytoaddress": "notanaddress"}, None),
        ("listunspent addresses not a list", "listunspent", {"addresses": "E"}, 42002),
        ("listunspent bad address", "listunspent", {"addresses": ["Exyz"]}, 42002),
        ("getreceivedbyaddress bad address", "getreceivedbyaddress", {"address": "123"}, 42002),
        ("getutxosbyamount amount as a number", "getutxosbyamount",
         {"address": "Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj", "amount": 1}, 42002),
        ("estimatesmartfee above 25", "estimatesmartfee", {"confirmations": 26}, 42002),
        ("togglemining with a string", "togglemining", {"mining": "yes"}, None),
        ("setloglevel out of range", "setloglevel", {"level": 99}, 42002),
        ("discretemining negative count", "discretemining", {"count": -1}, None),
    ]
    for what, method, params, code in cases:
        c, msg = node.rpc_error(method, params)
        if code is None:
            t.check("%s (%s): an error" % (what, method), c is not None and isinstance(msg, str)
                    and msg != "", "got %r %r" % (c, msg))
        else:
            t.check("%s (%s): %d" % (what, method, code), c == code, "got %r %r" % (c, msg))
    alive(t, node, "bad parameters")

    for m in ("nosuchmethod", "getnetworkinfo", "getblockchaininfo", "getauxblock",
              "getblocktemplate", "submitblock", "GETBLOCKCOUNT"):
        c, msg = node.rpc_error(m)
        t.check("unknown method %s: -32601" % m,
                c == -32601 and msg == "JSON-RPC method %s not found" % m, "%r %r" % (c, msg))
    status, doc = reply(node, {"params": [], "id": 3})
    t.check("no method: -32600", status == 200 and isinstance(doc, dict) and
            doc.get("error", {}).get("code") == -32600, doc)
    status, doc = reply(node, {"method": "getblockcount", "params": "x", "id": 4})
    t.check("params a string: -32600", status == 200 and isinstance(doc, dict) and
            (doc.get("error") or {}).get("code") == -32600, doc)
    status, doc = reply(node, {"method": 7, "id": 5})
    t.check("method a number: an error reply", isinstance(doc, dict) and
            isinstance(doc.get("error"), dict), doc)
    alive(t, node, "unknown methods")

    # Garbage batches: a JSON array whatever the elements (or the transport's 400).
    for body in ('[1,"x",null,{},[]]', '[]', '[' + ','.join(['{"method":"getblockcount",'
                                                              '"id":%d}' % i
                                                              for i in range(200)]) + ']',
                 '[{"method":"nosuchmethod","id":1},{"method":"getblockcount","id":2}]'):
        status, doc = reply(node, body)
        if status == 200 and isinstance(doc, list):
            n = len(json.loads(body))
            ok = len(doc) == n or (n == 0 and doc == [])
            t.check("batch %s…: one reply per element" % body[:30], ok, str(doc)[:300])
        else:
            t.check("batch %s…: a JSON error reply" % body[:30],
                    isinstance(doc, dict) and isinstance(doc.get("error"), dict),
                    "%d %r" % (status, doc))
    status, doc = reply(node, '[{"method":"nosuchmethod","id":1},{"method":"getblockcount",'
                              '"id":2}]')
    t.check("mixed batch: the good call answered in order",
            isinstance(doc, list) and len(doc) == 2 and doc[1].get("result") == 1 and
            doc[0]["error"]["code"] == -32601, doc)
    for body in (b"{", b"\x00\xff\xfe", b'{"method":"getblockcount"' * 1000, b"null", b"42",
                 b'"str"', b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
                 b"[" * 100000):
        status, _, data = node.post(body)
        t.check("garbage body %r…: an HTTP reply" % body[:20], status in (200, 400, 413), status)
    alive(t, node, "garbage batches and bodies")


def huge_body(t, node):
    size = 8 * 1024 * 1024 + 4096
    head = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\n" % size)
    a = node.auth_header()
    if a:
        head += "Authorization: %s\r\n" % a
    head += "Connection: close\r\n\r\n"
    body = b'{"method":"getblockcount","params":["' + b"a" * (size - 40)
    body = body + b'"]}'.ljust(size - len(body), b" ")
    s = socket.create_connection(("127.0.0.1", node.port), timeout=30)
    out = b""
    try:
        s.sendall(head.encode())
        try:
            s.sendall(body)
        except OSError:
            pass  # the server may answer and close before reading it all
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except OSError:
            pass
    finally:
        s.close()
    status, _, _ = split_http(out)
    t.check("body over 8 MiB: HTTP 413", status == 413, repr(out[:200]))
    # Exactly at a size the server accepts: a 7 MiB params string is read, then refused.
    status, _, data = node.post(b'{"method":"getblockcount","id":1,"params":{"x":"' +
                                b"b" * (7 * 1024 * 1024) + b'"}}')
    t.check("7 MiB body: read and answered", status == 200, status)
    alive(t, node, "huge bodies")


def cookie_auth(t, node):
    path = node.cookie_path()
    if not os.path.exists(path):
        t.check("cookie file %s written at start" % path, False, "no cookie file")
        return
    with open(path) as f:
        cookie = f.read().strip()
    t.check("cookie is __cookie__:<64 hex>", re.match(r"^__cookie__:[0-9a-f]{64}$", cookie),
            cookie)
    t.check("cookie file mode 0600", stat.S_IMODE(os.stat(path).st_mode) == 0o600,
            oct(os.stat(path).st_mode))
    body = b'{"method":"getblockcount","id":1}'
    status, _, data = node.post(body, auth=False)
    t.check("no Authorization: 401", status == 401, "%d %r" % (status, data[:200]))
    import base64
    for what, cred in (("wrong cookie", "__cookie__:" + "0" * 64),
                       ("wrong user", "user:" + cookie.split(":", 1)[1]),
                       ("empty", ":")):
        status, _, _ = node.post(body, {"Content-Type": "application/json", "Authorization":
                                        "Basic " + base64.b64encode(cred.encode()).decode()},
                                 auth=False)
        t.check("%s: 401" % what, status == 401, status)
    status, _, _ = node.post(body, {"Content-Type": "application/json",
                                    "Authorization": "Bearer x"}, auth=False)
    t.check("non-Basic scheme: 401", status == 401, status)
    status, _, data = node.post(b'{"method":"stop","id":1}', auth=False)
    t.check("stop without the cookie: 401 and the node keeps running",
            status == 401 and node.running(), status)
    alive(t, node, "unauthenticated calls")


def stalled_client(t, node):
    """A client sends half a request and stalls: another client is served meanwhile."""
    s = socket.create_connection(("127.0.0.1", node.port), timeout=30)
    s.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              b"Content-Length: 100\r\n\r\n{\"method\":\"getbl")
    s2 = socket.create_connection(("127.0.0.1", node.port), timeout=30)
    s2.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers never finished
    try:
        t0 = time.monotonic()
        n = node.rpc("getblockcount", timeout=10)
        t.check("served while two clients stall half-way", n == 1, n)
        t.note("a call with two stalled clients took %.3f s" % (time.monotonic() - t0))
    except Exception as e:
        t.check("served while two clients stall half-way", False, repr(e))
    finally:
        s.close()
        s2.close()
    alive(t, node, "a stalled client")


def slow_node(t):
    """-rpctimeout closes a stalled client; -rpcmaxclients bounds the connections."""
    node = t.node("limits", ["-rpcmaxclients=4", "-rpctimeout=2"])
    try:
        node.start()
    except Exception as e:
        t.check("elad starts with -rpcmaxclients=4 -rpctimeout=2", False, repr(e))
        return
    s = socket.create_connection(("127.0.0.1", node.port), timeout=60)
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{")

    def closed():
        try:
            d = s.recv(4096)
        except socket.timeout:
            return False
        except OSError:
            return True
        return d == b"" or d.startswith(b"HTTP/1.1 408") or d.startswith(b"HTTP/1.1 4")
    try:
        s.settimeout(0.5)
        wait_until(closed, 30, "the server to close a client stalled past -rpctimeout=2")
        t.check("-rpctimeout: a stalled client is closed", True)
    except Exception as e:
        t.check("-rpctimeout: a stalled client is closed", False, repr(e))
    s.close()
    alive(t, node, "-rpctimeout")

    # 12 idle connections against -rpcmaxclients=4: the extra ones are closed at once.
    socks = []
    for _ in range(12):
        c = socket.create_connection(("127.0.0.1", node.port), timeout=30)
        c.settimeout(0.2)
        socks.append(c)

    def n_closed():
        n = 0
        for c in socks:
            try:
                if c.recv(1) == b"":
                    n += 1
            except socket.timeout:
                pass
            except OSError:
                n += 1
        return n
    try:
        # The idle ones allowed in are also closed after -rpctimeout; count only before that.
        n = wait_until(lambda: n_closed() >= 8 and n_closed(), 10,
                       "8 of 12 connections to be refused with -rpcmaxclients=4")
        t.check("-rpcmaxclients=4: connections over the limit are closed", n >= 8, n)
    except Exception as e:
        t.check("-rpcmaxclients=4: connections over the limit are closed", False, repr(e))
    for c in socks:
        c.close()
    try:
        wait_until(lambda: node.rpc("getblockcount", timeout=5) == 1, 30,
                   "service after the connections closed")
        t.check("served again once the connections closed", True)
    except Exception as e:
        t.check("served again once the connections closed", False, repr(e))
    node.stop()


def main(t):
    t.need_binaries()
    node = t.node("bad").start()
    steps = [("parameters and methods", lambda: params_and_methods(t, node)),
             ("huge body", lambda: huge_body(t, node)),
             ("cookie auth", lambda: cookie_auth(t, node)),
             ("stalled client", lambda: stalled_client(t, node)),
             ("limits", lambda: slow_node(t))]
    for name, fn in steps:
        try:
            fn()
        except Exception as e:  # one broken step must not hide the others
            t.check("%s: ran to completion" % name, False, repr(e))
            alive(t, node, name)
    cookie = node.cookie_path()
    had_cookie = os.path.exists(cookie)
    node.stop()
    t.check("cookie removed at a clean stop", had_cookie and not os.path.exists(cookie),
            "cookie existed: %s, still there: %s" % (had_cookie, os.path.exists(cookie)))

    # -rpcnoauth: no cookie, no auth (the reference's default).
    n2 = t.node("noauth", ["-rpcnoauth"])
    try:
        n2.start()
        t.check("-rpcnoauth: no cookie file", not os.path.exists(n2.cookie_path()))
        status, _, _ = n2.post(b'{"method":"getblockcount","id":1}', auth=False)
        t.check("-rpcnoauth: served without Authorization", status == 200, status)
        n2.stop()
    except Exception as e:
        t.check("-rpcnoauth node", False, repr(e))
    # -rpcuser/-rpcpassword: basic auth, no cookie.
    n3 = t.node("userpass", ["-rpcuser=u", "-rpcpassword=p"], auth=("u", "p"))
    try:
        n3.start()
        t.check("-rpcpassword: no cookie file", not os.path.exists(n3.cookie_path()))
        status, _, _ = n3.post(b'{"method":"getblockcount","id":1}', auth=False)
        t.check("-rpcpassword: 401 without credentials", status == 401, status)
        t.equal("-rpcpassword: served with them", n3.rpc("getblockcount"), 1)
        n3.stop()
    except Exception as e:
        t.check("-rpcuser/-rpcpassword node", False, repr(e))


if __name__ == "__main__":
    Test("bad_input", timeout=170).run(main)
