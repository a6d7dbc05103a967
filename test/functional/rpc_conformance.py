#!/usr/bin/env python3
"""elad against every JSON-RPC transcript of the reference node (vectors/refnode/rpc/*.json and
rpc/raw/*.json).

The reference's regnet chain (vectors/refnode/chain/regnet_node1_blocks.jsonl) is imported in
stages with -loadblock, and each transcript's exact request is sent at the tip height it was
recorded at (confirmations, chainwork and nextblockhash depend on the tip):

  tip 0    00-12, 51-54, 95 (on an -instant node)
  tip 3    21
  tip 4    23, 30-32, 40-44 (createauxblock / submitauxblock)
  tip 5    45-50, 55-66 and every rpc/raw exchange (HTTP level: raw bytes over a socket)
  tip 107  80-84: the reference's signed transfer is sent at the height it was sent
  tip 108  87-91: the block that mined it

The reply must equal response_raw byte for byte, unless the file is one of the EXCEPTIONS
below, each with its reason and what is checked instead. Every transcript file must be covered:
a file that is neither compared nor named here fails the test."""

import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import ELAD, REF_ADDRESS, Test, split_http  # noqa: E402

HEX64 = re.compile(r"^[0-9a-f]{64}$")

# File -> why it is not compared byte for byte (what is checked instead is in the code).
EXCEPTIONS = {
    "10_getnodestate.json": "compile is elad's version, ports are this run's: the other "
                            "fields are compared exactly",
    "61_getnodestate.json": "as 10_getnodestate",
    "20_discretemining_1_call1.json": "block hashes depend on the time and a random coinbase "
                                      "nonce: shape checked on an -instant node",
    "20_discretemining_1_call2.json": "as 20_discretemining_1_call1",
    "20_discretemining_1_call3.json": "as 20_discretemining_1_call1",
    "22_discretemining_5.json": "hashes depend on time; elad mines count blocks (5 hashes, a "
                                "deliberate fix; the reference mines 1)",
    "40_createauxblock.json": "hash depends on the time and a random nonce: every other field "
                              "exact, hash 64 hex",
    "41_createauxblock_again.json": "as 40; must return 40's cached template",
    "42_submitauxblock_bad_hash.json": "elad appends the reason: 45002 'adding block failed: …'",
    "44_submitauxblock.json": "the recorded AuxPoW commits to the reference's template hash, "
                              "which elad cannot rebuild (time, nonce): covered by "
                              "mining_pool.py; here the reference's AuxPoW for our template "
                              "must be refused",
    "47_submitauxblock_again.json": "elad appends the reason: 45002 'adding block failed: …'",
    "59_getarbitratorgroupbyheight.json": "needs the BPoS state (later issue): the current "
                                          "behaviour, -32601 method not found, is asserted",
    "65_getarbitersinfo.json": "needs the BPoS state (later issue): -32601 asserted",
    "70_node1_getneighbors.json": "P2P",
    "71_node1_getnodestate.json": "P2P",
    "72_node2_getnodestate.json": "P2P",
    "73_node2_getbestblockhash.json": "P2P",
    "74_node1_getbestblockhash.json": "P2P",
    "75_node1_getconnectioncount.json": "P2P",
    "76_discretemining_relay.json": "P2P relay; hashes depend on time",
    "85_node2_getrawmempool.json": "P2P",
    "56_getrawtransaction_v1.json": "the reference served this coinbase from the in-memory "
                                    "template its own createauxblock built, whose first two "
                                    "outputs carry an empty payload object ({}); its stored form "
                                    "(getblock 48_, v2) has null. elad always serves the stored "
                                    "form: compared exactly with the vout payloads of 48_'s tx",
    "86_discretemining_with_tx.json": "the hash depends on time: block 108 is imported instead "
                                      "and 87-91 compared exactly",
}
P2P_REASON = ("a reply of two reference nodes connected to each other (their ports, times and "
              "heights); p2p_sync.py checks these methods on connected elad nodes against the "
              "keys and formats of 70 and 71")


class Conformance:
    def __init__(self, t):
        self.t = t
        self.rpcdir = t.vector_path("refnode", "rpc")
        self.covered = set()
        with open(t.vector_path("refnode", "chain", "regnet_node1_blocks.jsonl")) as f:
            self.blocks = [json.loads(line) for line in f if line.strip()]

    def load(self, name):
        with open(os.path.join(self.rpcdir, name)) as f:
            return json.load(f)

    def send(self, node, name):
        tr = self.load(name)
        status, hdrs, body = node.post(tr["request"])
        return tr, status, hdrs, body

    def exact(self, node, stage, names):
        for name in names:
            self.covered.add(name)
            tr, status, hdrs, body = self.send(node, name)
            want = tr["response_raw"].encode()
            self.t.check("tip %s %s: HTTP status" % (stage, name), status == tr["http_status"],
                         "got %d" % status)
            if body != want:
                same_json = False
                try:
                    same_json = json.loads(body) == json.loads(want)
                except ValueError:
                    pass
                self.t.check("tip %s %s: reply bytes" % (stage, name), False,
                             "%s\n  got  %s\n  want %s" %
                             ("same JSON, different bytes" if same_json else "different JSON",
                              body[:700], want[:700]))
            else:
                self.t.check("tip %s %s: reply bytes" % (stage, name), True)
            self.t.check("tip %s %s: Content-Type" % (stage, name),
                         hdrs.get("content-type") == "application/json", str(hdrs))

    def error_prefix(self, node, stage, name, code, prefix):
        self.covered.add(name)
        tr, status, hdrs, body = self.send(node, name)
        try:
            doc = json.loads(body)
            err = doc["error"]
            ok = status == 200 and doc["result"] is None and err["code"] == code and \
                err["message"].startswith(prefix) and err["id"] == tr["request"]["id"] and \
                doc["id"] == tr["request"]["id"]
        except (ValueError, KeyError, TypeError, AttributeError):
            ok = False
        self.t.check("tip %s %s: %d '%s…'" % (stage, name, code, prefix), ok, body[:400])
        return body

    def stored_form(self, node, stage, name, block_name):
        """name's reply equals the transcript except that each vout payload is the one the
        reference's getblock (block_name, verbosity 2) shows for the same tx."""
        self.covered.add(name)
        tr, status, _, body = self.send(node, name)
        want = json.loads(tr["response_raw"])
        block = self.load(block_name)["response"]["result"]
        stored = [tx for tx in block["tx"] if tx["txid"] == want["result"]["txid"]]
        ok = len(stored) == 1
        if ok:
            for out, ref in zip(want["result"]["vout"], stored[0]["vout"]):
                out["payload"] = ref["payload"]
            try:
                ok = status == 200 and json.loads(body) == want
            except ValueError:
                ok = False
        self.t.check("tip %s %s: equal with the stored payloads (%s)" % (stage, name, block_name),
                     ok, body[:700])

    def not_found(self, node, stage, name):
        tr = self.load(name)
        self.covered.add(name)
        m = tr["request"]["method"]
        _, status, _, body = self.send(node, name)
        want = ('{"jsonrpc":"2.0","result":null,"id":1,"error":{"code":-32601,"id":1,'
                '"message":"JSON-RPC method %s not found"}}' % m).encode()
        self.t.check("tip %s %s: current behaviour -32601 (%s)" % (stage, name, EXCEPTIONS[name]),
                     status == 200 and body == want, body[:300])

    def nodestate(self, node, stage, name):
        self.covered.add(name)
        tr, status, _, body = self.send(node, name)
        want = tr["response"]["result"]
        try:
            got = json.loads(body)["result"]
            keys_ok = list(got.keys()) == list(want.keys())
        except (ValueError, KeyError, AttributeError):
            got, keys_ok = {}, False
        self.t.check("tip %s %s: keys in the reference's order" % (stage, name), keys_ok, body)
        if not keys_ok:
            return
        for k in ("height", "version", "services", "neighbors"):
            self.t.equal("tip %s %s: %s" % (stage, name, k), got[k], want[k])
        self.t.check("tip %s %s: compile names elad" % (stage, name),
                     isinstance(got["compile"], str) and got["compile"].startswith("elad"),
                     got["compile"])
        self.t.equal("tip %s %s: rpcport is this node's" % (stage, name), got["rpcport"],
                     node.port)
        for k in ("port", "restport", "wsport"):
            self.t.check("tip %s %s: %s is a port number" % (stage, name, k),
                         isinstance(got[k], int) and 0 < got[k] < 65536, got[k])

    def raw_exchanges(self, node, stage):
        rawdir = os.path.join(self.rpcdir, "raw")
        auth = node.auth_header()
        for name in sorted(os.listdir(rawdir)):
            with open(os.path.join(rawdir, name)) as f:
                tr = json.load(f)
            req = tr["raw_request"].encode("latin-1")
            if auth:
                # Named difference: elad requires its cookie by default (the reference ran with
                # no auth), so the credentials are added after the request line.
                line, _, rest = req.partition(b"\r\n")
                req = line + b"\r\nAuthorization: " + auth.encode() + b"\r\n" + rest
            got = node.raw(req)
            gs, gh, gb = split_http(got)
            ws, wh, wb = split_http(tr["raw_response"].encode("latin-1"))
            w = "tip %s raw %s" % (stage, name)
            self.t.check(w + ": status", gs == ws, "got %d want %d" % (gs, ws))
            self.t.check(w + ": body", gb == wb, "\n  got  %r\n  want %r" % (gb[:500], wb[:500]))
            self.t.check(w + ": Content-Type", gh.get("content-type") == wh.get("content-type"),
                         str(gh))
            self.t.check(w + ": Content-Length", gh.get("content-length") == str(len(gb)),
                         str(gh))
            # Named header differences, not failures: Date (a clock), and any header the
            # reference's Go server adds that elad does not (or the other way round).
            extra = sorted(set(gh) ^ set(wh) - {"date"})
            if extra:
                self.t.note("%s: headers only on one side: %s" % (w, extra))
            self.covered.add("raw/" + name)

    def import_to(self, node, tip):
        path = os.path.join(node.dir, "blocks-0-%d.hex" % tip)
        with open(path, "w") as f:
            for b in self.blocks[1:tip + 1]:
                f.write(b["raw"] + "\n")
        r = subprocess.run([ELAD, "-regnet", "-datadir=" + node.datadir, "-loadblock=" + path,
                            "-stopafterimport", "-logfile=" + node.log], cwd=node.dir,
                           capture_output=True, timeout=120)
        ok = r.returncode == 0 and ("chain height %d" % tip) in r.stdout.decode()
        self.t.check("import of the reference chain to tip %d" % tip, ok,
                     "exit %d: %s %s" % (r.returncode, r.stdout.decode()[-500:],
                                         r.stderr.decode()[-1500:]))
        return ok


def discretemining_shape(t, c):
    """20_*, 22_: the hashes depend on the time; the shape and count on an -instant node."""
    node = t.node("instant", ["-paytoaddr=" + REF_ADDRESS], instant=True).start()
    c.exact(node, "0 (instant)", ["95_instant_getmininginfo.json"])
    for name in ("20_discretemining_1_call1.json", "20_discretemining_1_call2.json",
                 "20_discretemining_1_call3.json", "22_discretemining_5.json"):
        c.covered.add(name)
        tr, status, _, body = c.send(node, name)
        n = tr["request"]["params"][0]
        try:
            res = json.loads(body)["result"]
            ok = isinstance(res, list) and len(res) == n and all(HEX64.match(h) for h in res) \
                and res[-1] == node.rpc("getbestblockhash")
        except (ValueError, KeyError, TypeError):
            ok = False
        t.check("%s: %d display hashes, the last one the new tip (%s)" %
                (name, n, EXCEPTIONS[name]), status == 200 and ok, body[:400])
    node.stop()


def conformance(t):
    t.need_binaries()
    t.need_vectors()
    c = Conformance(t)
    node = t.node("ref")

    # ---- tip 0
    node.start()
    c.exact(node, 0, ["00_getblockcount.json", "01_getcurrentheight.json",
                      "02_getbestblockhash.json", "03_getblockhash_0.json",
                      "04_getblock_genesis_v0.json", "05_getblock_genesis_v1.json",
                      "06_getblock_genesis_v2.json", "07_getblockbyheight_0.json",
                      "08_getinfo.json", "09_getmininginfo.json", "11_getrawmempool.json",
                      "12_getconnectioncount.json", "51_getblock_unknown_hash.json",
                      "52_getblockhash_out_of_range.json", "53_unknown_method.json",
                      "54_getblockhash_bad_param.json"])
    c.nodestate(node, 0, "10_getnodestate.json")
    node.stop()

    try:
        discretemining_shape(t, c)
    except Exception as e:  # keep going: the chain stages do not depend on it
        t.check("discretemining shape on an -instant node", False, repr(e))

    # ---- tip 3, tip 4
    if c.import_to(node, 3):
        node.start()
        c.exact(node, 3, ["21_getblockcount_after3.json"])
        node.stop()
    if c.import_to(node, 4):
        node.start()
        c.exact(node, 4, ["23_getblockcount.json", "30_getblockhash_1.json",
                          "30_getblockhash_2.json", "31_getblock_h1_v0.json",
                          "31_getblock_h1_v1.json", "31_getblock_h1_v2.json",
                          "31_getblock_h2_v0.json", "31_getblock_h2_v1.json",
                          "31_getblock_h2_v2.json", "32_getblockbyheight_1.json",
                          "32_getblockbyheight_2.json"])
        aux_templates(t, c, node)
        node.stop()

    # ---- tip 5
    if c.import_to(node, 5):
        node.start()
        c.exact(node, 5, ["45_getblockcount_after_aux.json", "46_getbestblockhash_after_aux.json",
                          "48_getblock_auxmined_h5_v0.json", "48_getblock_auxmined_h5_v1.json",
                          "48_getblock_auxmined_h5_v2.json", "49_getblock_default_verbosity.json",
                          "50_getblock_named_params.json", "55_getrawtransaction_v0.json",
                          "57_listunspent.json",
                          "58_getreceivedbyaddress.json", "60_getmininginfo_h6.json",
                          "62_getneighbors.json", "63_help.json", "64_estimatesmartfee.json",
                          "66_togglemining_false.json"])
        c.error_prefix(node, 5, "47_submitauxblock_again.json", 45002, "adding block failed")
        c.stored_form(node, 5, "56_getrawtransaction_v1.json", "48_getblock_auxmined_h5_v2.json")
        c.nodestate(node, 5, "61_getnodestate.json")
        c.not_found(node, 5, "59_getarbitratorgroupbyheight.json")
        c.not_found(node, 5, "65_getarbitersinfo.json")
        c.raw_exchanges(node, 5)
        node.stop()

    # ---- tip 107: the transfer is sent at the height the reference sent it
    if c.import_to(node, 107):
        node.start()
        c.exact(node, 107, ["80_decoderawtransaction_positional_fails.json",
                            "80b_decoderawtransaction_named.json", "81_sendrawtransaction.json",
                            "81b_sendrawtransaction_named_dup.json",
                            "82_sendrawtransaction_duplicate.json", "83_getrawmempool.json",
                            "84_getrawmempool_all.json"])
        with open(os.path.join(c.rpcdir, "transfer_tx_signed.hex")) as f:
            signed = f.read().strip()
        t.check("tip 107: transfer_tx_signed.hex is the tx the transcripts send",
                c.load("81_sendrawtransaction.json")["request"]["params"][0] == signed)
        node.stop()

    # ---- tip 108: the block that mined it
    if c.import_to(node, 108):
        node.start()
        c.exact(node, 108, ["87_getblock_with_tx_v0.json", "87_getblock_with_tx_v1.json",
                            "87_getblock_with_tx_v2.json",
                            "88_getrawtransaction_transfer_v1.json",
                            "89_getrawtransaction_transfer_v0.json",
                            "90_getreceivedbyaddress_recipient.json",
                            "91_listunspent_recipient.json"])
        t.equal("tip 108: the mined transfer left the pool", node.rpc_error("getrawmempool"),
                (None, []))
        node.stop()

    # ---- P2P transcripts and 86 are named exceptions without a check here.
    for name in sorted(EXCEPTIONS):
        if EXCEPTIONS[name] == "P2P" or name.startswith("76_"):
            t.skip(name, P2P_REASON)
            c.covered.add(name)
    c.covered.add("86_discretemining_with_tx.json")

    # Every transcript is covered (compared or named).
    files = [f for f in os.listdir(c.rpcdir) if f.endswith(".json")]
    files += ["raw/" + f for f in os.listdir(os.path.join(c.rpcdir, "raw"))]
    missing = sorted(set(files) - c.covered)
    t.check("every transcript file is compared or named as an exception", not missing,
            "not covered: %s" % missing)


def aux_templates(t, c, node):
    """40-44 at tip 4: createauxblock fields, the cache, and the submit errors."""
    want = c.load("40_createauxblock.json")["response"]["result"]
    tr, status, _, body = c.send(node, "40_createauxblock.json")
    c.covered.add("40_createauxblock.json")
    try:
        got = json.loads(body)["result"]
        keys = list(got.keys())
    except (ValueError, KeyError, AttributeError):
        got, keys = None, None
    t.equal("tip 4 40_createauxblock: keys in the reference's order", keys, list(want.keys()))
    if got is None:
        return
    for k in ("chainid", "height", "coinbasevalue", "bits", "previousblockhash"):
        t.equal("tip 4 40_createauxblock: %s" % k, got.get(k), want[k])
    t.check("tip 4 40_createauxblock: hash is 64 hex (%s)" % EXCEPTIONS["40_createauxblock.json"],
            isinstance(got.get("hash"), str) and HEX64.match(got["hash"]), got.get("hash"))
    _, _, _, body2 = c.send(node, "41_createauxblock_again.json")
    c.covered.add("41_createauxblock_again.json")
    try:
        again = json.loads(body2)["result"]
    except (ValueError, KeyError):
        again = None
    t.equal("tip 4 41_createauxblock_again: the cached template", again, got)
    c.error_prefix(node, 4, "42_submitauxblock_bad_hash.json", 45002, "adding block failed")
    c.exact(node, 4, ["43_submitauxblock_garbage_auxpow.json"])
    # 44: the reference's AuxPoW, submitted for our template, commits to another hash.
    c.covered.add("44_submitauxblock.json")
    auxpow = c.load("44_submitauxblock.json")["request"]["params"][1]
    t.expect_error("tip 4 44_submitauxblock: the reference's AuxPoW on our template is refused",
                   lambda: node.rpc("submitauxblock", [got["hash"], auxpow]), code=45002,
                   prefix="adding block failed")
    t.equal("tip 4: the refused submission left the tip", node.rpc("getcurrentheight"), 4)


if __name__ == "__main__":
    Test("rpc_conformance", timeout=170).run(conformance)
