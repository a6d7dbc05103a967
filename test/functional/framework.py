"""elad functional tests: a small framework shared by the scripts in this directory.

Python 3 standard library only. Every node runs regnet on 127.0.0.1 with a fresh temporary data
directory; nothing here talks to any other address.

- Binaries: $ELAD and $ELA_CLI, else <builddir>/src/elad and <builddir>/src/ela-cli, where
  builddir is $builddir (exported by make check) or the current directory.
- Vectors: $ELA_VECTORS (make check sets it); Test.need_vectors() exits 77 when absent.
- Ports: derived from a per-run random base; ELA_TEST_SEED=<n> reproduces a run's ports.
- Results: Test.check() counts passes and names failures; the script ends with the line
  "<name>: N passed, N failed" and exit status 0 (all passed), 1 (a failure) or 77 (skipped).
- Every wait polls a condition against a deadline (wait_until); nothing sleeps a fixed time to
  wait for a state.
"""

import base64
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

SKIP = 77


def _builddir():
    return os.path.abspath(os.environ.get("builddir") or os.environ.get("ELA_BUILDDIR") or ".")


def binary(env_name, rel):
    path = os.environ.get(env_name) or os.path.join(_builddir(), rel)
    return os.path.abspath(path)


ELAD = binary("ELAD", "src/elad")
ELA_CLI = binary("ELA_CLI", "src/ela-cli")
GEN_CHAIN = binary("GEN_CHAIN", "bench/gen_chain")

# The reference's throwaway regnet wallet (vectors/refnode/README.md): regnet only.
REF_PRIVKEY = "9a3503c0afccdf8251e94c8ad7bb36b761c1766a0bcbddbb9f5d375a194bafe9"
REF_PUBKEY = "029a0a45b45c5f1406aac117ae490cf1ad0535e470a13bd3068e2a2862c22ab4d9"
REF_ADDRESS = "Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj"
REF_RECIPIENT = "EgATHA9UFjVDnMG7iAGBCvaPV4h8M5YLcA"
GENESIS_HASH = "6418be20291bc857c9a01e5ba205445b85a0593d47cc0b576d55a55e464f31b3"


class RpcError(Exception):
    """A JSON-RPC error object: code and message as the node sent them."""

    def __init__(self, code, message, doc=None):
        Exception.__init__(self, "%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.doc = doc


class TestFailure(Exception):
    pass


def wait_until(pred, timeout, what, interval=0.05):
    """Polls pred() until it returns a true value (returned) or timeout seconds pass (raises
    TestFailure naming what was awaited). Exceptions of pred count as 'not yet'."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            v = pred()
            if v:
                return v
        except (OSError, RpcError, ValueError, http.client.HTTPException) as e:
            last = e
        if time.monotonic() >= deadline:
            raise TestFailure("timed out after %ss waiting for %s%s" %
                              (timeout, what, (" (last error: %r)" % last) if last else ""))
        time.sleep(interval)


# ---- ports --------------------------------------------------------------------------------

class Ports:
    """Free loopback ports from a per-run random base; never the same one twice in a run."""

    def __init__(self, seed):
        self.next = 20000 + (seed * 97) % 38000

    def get(self):
        for _ in range(2000):
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
        raise TestFailure("no free port on 127.0.0.1")


# ---- HTTP helpers ---------------------------------------------------------------------------

def split_http(raw):
    """Splits a raw HTTP response: (status, {lower-case header: value}, body bytes)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        status = 0
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, body


def elad_help():
    try:
        r = subprocess.run([ELAD, "-help"], capture_output=True, timeout=30)
        return r.stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return ""


_HELP = []


def elad_has_option(name):
    """True when `elad -help` documents -name (to name what a test needs when it is missing)."""
    if not _HELP:
        _HELP.append(elad_help())
    return ("-" + name + "=") in _HELP[0] or ("-" + name + " ") in _HELP[0] or \
        ("-" + name + "\n") in _HELP[0] or ("-" + name + ",") in _HELP[0]


# ---- nodes ----------------------------------------------------------------------------------

class TestNode:
    """One elad process: regnet, a fresh datadir under the test's temporary directory, RPC on a
    port of its own on 127.0.0.1."""

    def __init__(self, test, name, args=(), instant=False, auth="auto", listen=True):
        self.test = test
        self.name = name
        self.dir = os.path.join(test.tmp, name)
        self.datadir = os.path.join(self.dir, "data")
        os.makedirs(self.dir, exist_ok=True)
        self.port = test.ports.get()
        self.p2p_port = test.ports.get()
        self.args = list(args)
        self.instant = instant
        self.listen = listen  # P2P: listen on 127.0.0.1:p2p_port; False: -listen=0
        self.auth = auth  # "auto": the cookie when the node wrote one; None; or (user, password)
        self.proc = None
        self.log = os.path.join(self.dir, "elad.log")
        self.out = os.path.join(self.dir, "stdout-stderr.txt")
        self._outf = None
        self.rpc_timeout = 60
        test.nodes.append(self)

    # -- process --

    def cmdline(self, extra=()):
        args = [ELAD, "-regnet", "-datadir=" + self.datadir, "-rpcport=%d" % self.port,
                "-logfile=" + self.log]
        if self.instant:
            args.append("-instant")
        if elad_has_option("port"):
            # Every node has a P2P port of its own on loopback (parallel tests never collide);
            # regnet has no default seeds, so a node dials nobody unless told to.
            if self.listen:
                args += ["-port=%d" % self.p2p_port, "-bind=127.0.0.1"]
            else:
                args.append("-listen=0")
        return args + self.args + list(extra)

    def start(self, extra=(), wait=True, timeout=60):
        if self.proc is not None and self.proc.poll() is None:
            raise TestFailure("%s: already running" % self.name)
        self._outf = open(self.out, "ab")
        self.proc = subprocess.Popen(self.cmdline(extra), cwd=self.dir, stdout=self._outf,
                                     stderr=self._outf)
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=60):
        def ready():
            if self.proc.poll() is not None:
                raise TestFailure("%s: elad exited with %s before answering RPC: %s" %
                                  (self.name, self.proc.returncode, self.output_tail()))
            self.rpc("getblockcount", timeout=5)
            return True
        wait_until(ready, timeout, "%s to answer getblockcount" % self.name)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=60, expect_rc=0):
        """Stops with the stop RPC (SIGTERM, then SIGKILL as fallbacks) and checks the exit
        status. Returns the exit status (None when it had to be killed)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.rpc("stop", timeout=10)
            except (OSError, RpcError, ValueError, http.client.HTTPException) as e:
                self.test.note("%s: stop RPC failed (%r); sending SIGTERM" % (self.name, e))
                self.proc.send_signal(signal.SIGTERM)
        rc = None
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(15)
                self.test.note("%s: needed SIGTERM after the stop RPC" % self.name)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                rc = None
        if self._outf:
            self._outf.close()
            self._outf = None
        if expect_rc is not None:
            self.test.check("%s: clean exit after stop" % self.name, rc == expect_rc,
                            "exit status %s; %s" % (rc, self.output_tail()))
        return rc

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._outf:
            self._outf.close()
            self._outf = None

    def output_tail(self, n=2500):
        out = []
        for p in (self.out, self.log):
            try:
                with open(p, "rb") as f:
                    data = f.read()
                out.append("[%s] %s" % (os.path.basename(p),
                                        data[-n:].decode("utf-8", "replace")))
            except OSError:
                pass
        return "\n".join(out)

    # -- auth --

    def cookie_path(self):
        return os.path.join(self.datadir, ".cookie")

    def auth_header(self):
        if self.auth is None:
            return None
        if isinstance(self.auth, tuple):
            cred = "%s:%s" % self.auth
        else:
            try:
                with open(self.cookie_path()) as f:
                    cred = f.read().strip()
            except OSError:
                return None  # no cookie written: the node runs without auth
        return "Basic " + base64.b64encode(cred.encode()).decode()

    # -- RPC --

    def post(self, body, headers=None, path="/", timeout=None, auth=True):
        """POSTs body (bytes, str or a JSON value); returns (status, headers, body bytes)."""
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body, separators=(",", ":"))
        if isinstance(body, str):
            body = body.encode()
        h = {"Content-Type": "application/json"} if headers is None else dict(headers)
        if auth:
            a = self.auth_header()
            if a and "Authorization" not in h:
                h["Authorization"] = a
        conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=timeout or self.rpc_timeout)
        try:
            conn.request("POST", path, body, h)
            r = conn.getresponse()
            data = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            return r.status, hdrs, data
        finally:
            conn.close()

    def call(self, method, params=None, id_=1, timeout=None):
        """Returns the whole reply document (dict) of one call."""
        req = {"jsonrpc": "2.0", "method": method, "id": id_}
        if params is not None:
            req["params"] = params
        status, _, data = self.post(req, timeout=timeout)
        try:
            doc = json.loads(data)
        except ValueError:
            raise RpcError(-1, "HTTP %d, not JSON: %r" % (status, data[:300]))
        if status != 200 and not isinstance(doc.get("error"), dict):
            raise RpcError(-1, "HTTP %d: %r" % (status, data[:300]))
        return doc

    def rpc(self, method, params=None, timeout=None):
        """Result of a call, or RpcError(code, message)."""
        doc = self.call(method, params, timeout=timeout)
        err = doc.get("error")
        if err:
            raise RpcError(err.get("code"), err.get("message"), doc)
        return doc.get("result")

    def rpc_error(self, method, params=None):
        """The (code, message) of a call that must fail; (None, result) when it succeeded."""
        try:
            return None, self.rpc(method, params)
        except RpcError as e:
            return e.code, e.message

    def raw(self, data, timeout=30):
        """Sends raw bytes on a fresh connection and reads until the server closes."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(data)
            out = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
            return out
        finally:
            s.close()

    def cli(self, *args, env=None, input_=None, timeout=120, auth=True):
        """Runs ela-cli against this node; returns subprocess.CompletedProcess (text)."""
        argv = [ELA_CLI, "-rpcport=%d" % self.port]
        if auth:
            if isinstance(self.auth, tuple):
                argv += ["-rpcuser=" + self.auth[0], "-rpcpassword=" + self.auth[1]]
            elif self.auth == "auto" and os.path.exists(self.cookie_path()):
                argv += ["-rpccookiefile=" + self.cookie_path()]
        e = dict(os.environ)
        if env:
            e.update(env)
        return subprocess.run(argv + [str(a) for a in args], capture_output=True, text=True,
                              env=e, input=input_, timeout=timeout, cwd=self.dir)

    # -- P2P helpers --

    def p2p_addr(self):
        """Its P2P "127.0.0.1:port" (for -connect / -addnode / addnode)."""
        return "127.0.0.1:%d" % self.p2p_port

    def connections(self):
        return self.rpc("getconnectioncount")

    def wait_connections(self, at_least, timeout=30):
        return wait_until(lambda: self.rpc("getconnectioncount") >= at_least, timeout,
                          "%s to have %d connections" % (self.name, at_least))

    def tip(self):
        return self.rpc("getbestblockhash")

    # -- chain helpers --

    def height(self):
        return self.rpc("getcurrentheight")

    def mine(self, n):
        """discretemining n (elad mines n blocks per call); returns the hashes."""
        hashes = self.rpc("discretemining", {"count": n}, timeout=300)
        if not isinstance(hashes, list) or len(hashes) != n:
            raise TestFailure("%s: discretemining %d returned %r" % (self.name, n,
                                                                     hashes if not isinstance(
                                                                         hashes, list)
                                                                     else len(hashes)))
        return hashes


# ---- the test runner ------------------------------------------------------------------------

class Test:
    """Results and resources of one test script."""

    def __init__(self, name, timeout=170):
        self.name = name
        self.timeout = int(os.environ.get("ELA_TEST_TIMEOUT", timeout))
        self.passes = 0
        self.fails = []
        self.skips = []
        self.nodes = []
        seed = os.environ.get("ELA_TEST_SEED")
        self.seed = int(seed) if seed else random.randrange(1 << 30)
        self.ports = Ports(self.seed)
        self.rand = random.Random(self.seed)
        base = os.environ.get("TMPDIR") or "/tmp"
        self.tmp = tempfile.mkdtemp(prefix="elad-%s-" % name, dir=base)
        self.vectors = os.environ.get("ELA_VECTORS") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "vectors")
        print("%s: seed %d (ELA_TEST_SEED=%d reproduces the ports), tmp %s" %
              (name, self.seed, self.seed, self.tmp), flush=True)

    # -- results --

    def check(self, what, cond, detail=""):
        if cond:
            self.passes += 1
        else:
            self.fails.append(what)
            d = detail if isinstance(detail, str) else repr(detail)
            if len(d) > 3000:
                d = d[:3000] + "..."
            print("FAIL: %s%s" % (what, (": " + d) if d else ""), flush=True)
        return bool(cond)

    def equal(self, what, got, want):
        return self.check(what, got == want, "\n  got  %r\n  want %r" % (got, want))

    def expect_error(self, what, fn, code=None, message=None, prefix=None):
        """fn() must raise RpcError with this code and message (or message prefix)."""
        try:
            r = fn()
        except RpcError as e:
            ok = (code is None or e.code == code) and \
                (message is None or e.message == message) and \
                (prefix is None or (isinstance(e.message, str) and e.message.startswith(prefix)))
            self.check(what, ok, "got %s %r; want %s %r" % (e.code, e.message, code,
                                                             message or (prefix and prefix + "…")))
            return e
        self.check(what, False, "succeeded with %r; want error %s %r" % (r, code,
                                                                         message or prefix))
        return None

    def skip(self, what, reason):
        """A named part that does not run, with the reason (printed, counted)."""
        self.skips.append(what)
        print("SKIP: %s: %s" % (what, reason), flush=True)

    def note(self, msg):
        print("NOTE: %s" % msg, flush=True)

    # -- prerequisites --

    def need_binaries(self, *paths):
        for p in paths or (ELAD,):
            if not os.access(p, os.X_OK):
                print("SKIP: %s is not built" % p)
                self._finish(SKIP)

    def have_vectors(self):
        return os.path.isdir(os.path.join(self.vectors, "refnode"))

    def need_vectors(self):
        if not self.have_vectors():
            print("SKIP: %s: vectors not found at %s (set ELA_VECTORS)" % (self.name,
                                                                             self.vectors))
            self._finish(SKIP)

    def vector_path(self, *parts):
        return os.path.join(self.vectors, *parts)

    def node(self, name, args=(), instant=False, auth="auto", listen=True):
        return TestNode(self, name, args, instant, auth, listen)

    def need_p2p(self):
        """Exits 77 when elad has no P2P options yet (-port, -connect in `elad -help`)."""
        self.need_binaries()
        if not (elad_has_option("port") and elad_has_option("connect")):
            print("SKIP: %s: elad has no P2P network yet (-port/-connect not in elad -help)" %
                  self.name)
            self._finish(SKIP)

    def accepts_option(self, opt):
        """True when elad starts with this option (e.g. "-idletimeout=5"): probed with
        -stopafterimport on a scratch datadir (hidden test options are not in -help)."""
        d = tempfile.mkdtemp(prefix="probe-", dir=self.tmp)
        try:
            r = subprocess.run([ELAD, "-regnet", "-datadir=" + d, "-listen=0", "-rpcport=%d" %
                                self.ports.get(), "-stopafterimport", opt],
                               capture_output=True, timeout=60)
            return r.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            return False
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def wait_same_tip(self, nodes, timeout=60, what="the same tip"):
        """Polls until every node reports the same best block hash; returns it."""
        def same():
            tips = {n.rpc("getbestblockhash") for n in nodes}
            return tips.pop() if len(tips) == 1 else None
        return wait_until(same, timeout, "%s on %s" % (what, ", ".join(n.name for n in nodes)),
                          interval=0.2)

    # -- running --

    def _on_timeout(self, signum, frame):
        raise TestFailure("the test ran longer than its %d s guard" % self.timeout)

    def run(self, fn):
        """Runs fn(self) under the timeout guard, stops every node and exits."""
        signal.signal(signal.SIGALRM, self._on_timeout)
        signal.alarm(self.timeout)
        try:
            fn(self)
        except TestFailure as e:
            self.check("%s ran to completion" % self.name, False, str(e))
        except Exception:  # a crash of the script is a failure with its traceback
            self.check("%s ran to completion" % self.name, False, traceback.format_exc())
        finally:
            signal.alarm(0)
        for n in self.nodes:
            if n.running():
                try:
                    n.stop(timeout=30, expect_rc=None)
                except Exception:
                    n.kill()
        self._finish(1 if self.fails else 0)

    def _finish(self, rc):
        for n in self.nodes:
            n.kill()
        if self.fails:
            for n in self.nodes:
                print("---- %s (%s) ----\n%s" % (n.name, n.dir, n.output_tail()), flush=True)
            print("%s: kept %s" % (self.name, self.tmp))
        elif os.environ.get("ELA_TEST_KEEP"):
            print("%s: kept %s" % (self.name, self.tmp))
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        if rc == SKIP:
            sys.exit(SKIP)
        if self.skips:
            print("%s: %d parts skipped: %s" % (self.name, len(self.skips),
                                                "; ".join(self.skips)))
        if self.fails:
            print("%s: failed: %s" % (self.name, "; ".join(self.fails[:40])))
        print("%s: %d passed, %d failed" % (self.name, self.passes, len(self.fails)), flush=True)
        sys.exit(rc)


# ---- encodings ------------------------------------------------------------------------------

def sha256(b):
    import hashlib
    return hashlib.sha256(b).digest()


def sha256d(b):
    return sha256(sha256(b))


def rev_hex(h):
    return bytes.fromhex(h)[::-1].hex()


def varint(n):
    if n < 0xfd:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xffffffff:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def varbytes(b):
    return varint(len(b)) + b


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode_check(s):
    n = 0
    for c in s:
        n = n * 58 + B58.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    pad = len(s) - len(s.lstrip("1"))
    raw = b"\x00" * pad + raw
    data, chk = raw[:-4], raw[-4:]
    if sha256d(data)[:4] != chk:
        raise ValueError("bad address checksum: " + s)
    return data


def b58encode_check(data):
    raw = data + sha256d(data)[:4]
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def program_hash(address):
    """The 21-byte program hash of an ELA address."""
    ph = b58decode_check(address)
    if len(ph) != 21:
        raise ValueError("not an ELA address: " + address)
    return ph


def parse_amount(s):
    """An amount string ("1.5", "0.25789086") in sela."""
    whole, _, frac = s.partition(".")
    return int(whole) * 100000000 + int((frac + "00000000")[:8] or 0)


def fmt_amount(sela):
    """The reference's amount string for sela."""
    whole, frac = divmod(sela, 100000000)
    return str(whole) if frac == 0 else "%d.%08d" % (whole, frac)
