#!/usr/bin/env python3
"""elad as a merged-mining pool sees it (spec/p2p-rpc.md §10.7.1, spec/consensus.md §2.3, §7).

The test plays the pool: probes getnetworkinfo (must be -32601 in HTTP 200), getinfo
(connections an integer), help (both method names), then polls createauxblock <address> over
HTTP/1.0 with positional params, and for each template:
  - builds an aux merkle tree of 4 slots holding ELA and a second, fake chain, ELA's slot given
    by the Namecoin GetExpectedIndex(nonce, 1224, height) formula, so the aux branch is not
    empty;
  - builds a Bitcoin (legacy serialization) coinbase whose scriptSig carries
    fabe6d6d ‖ reversed aux root ‖ u32 tree size ‖ u32 merkle nonce;
  - puts it in a parent block with two other transactions (a non-empty coinbase branch);
  - grinds the 80-byte parent header until sha256d ≤ target(bits);
  - serializes the AuxPoW in the §10.7.1 order and submits it.
The node runs with -instant (bits 0x207fffff): the default regnet target needs ~2M hashes,
too slow in Python.

Then the refusals: a stale template (the tip moved on), tampered AuxPoWs (45002 naming the
rule) and garbage (45002 "auxpow deserialization failed")."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import REF_ADDRESS, REF_RECIPIENT, Test, fmt_amount, rev_hex, sha256d, \
    split_http, varbytes, varint  # noqa: E402

CHAIN_ID = 1224
FAKE_CHAIN_ID = 1
MAGIC = bytes.fromhex("fabe6d6d")


def expected_index(nonce, chain_id, h):
    r = (nonce * 1103515245 + 12345) & 0xffffffff
    r = (r + chain_id) & 0xffffffff
    r = (r * 1103515245 + 12345) & 0xffffffff
    return r % (1 << h)


def merkle_fold(h, branch, index):
    for e in branch:
        h = sha256d(e + h) if index & 1 else sha256d(h + e)
        index >>= 1
    return h


def merkle_tree(leaves):
    """Levels of a Bitcoin merkle tree (the last node duplicated on odd levels)."""
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        lv = levels[-1]
        if len(lv) % 2:
            lv = lv + [lv[-1]]
        levels.append([sha256d(lv[i] + lv[i + 1]) for i in range(0, len(lv), 2)])
    return levels


def merkle_branch(levels, index):
    branch = []
    for lv in levels[:-1]:
        if len(lv) % 2:
            lv = lv + [lv[-1]]
        branch.append(lv[index ^ 1])
        index >>= 1
    return branch


def target_of(bits):
    exp, mant = bits >> 24, bits & 0x007fffff
    return mant >> (8 * (3 - exp)) if exp <= 3 else mant << (8 * (exp - 3))


class AuxPow:
    """A pool's AuxPoW for one ELA template; fields can be tampered with before serialize()."""

    def __init__(self, t, tmpl, aux_height=2, nonce=None, slot_shift=0):
        self.aux_hash = bytes.fromhex(tmpl["hash"])  # internal order, as createauxblock says
        self.bits = int(tmpl["bits"], 16)
        # The aux tree: ELA's slot from the merkle nonce, a fake chain in another slot.
        size = 1 << aux_height
        nonce = t.rand.randrange(1 << 32) if nonce is None else nonce
        while (expected_index(nonce, CHAIN_ID, aux_height) + slot_shift) % size == \
                expected_index(nonce, FAKE_CHAIN_ID, aux_height):
            nonce = (nonce + 1) & 0xffffffff
        self.merkle_nonce = nonce
        # slot_shift != 0 puts ELA in a slot other than the expected one (a tampering case).
        self.aux_index = (expected_index(nonce, CHAIN_ID, aux_height) + slot_shift) % size
        leaves = [bytes(32)] * size
        leaves[self.aux_index] = self.aux_hash[::-1]  # the leaf is the reversed block hash
        leaves[expected_index(nonce, FAKE_CHAIN_ID, aux_height)] = bytes(
            t.rand.randrange(256) for _ in range(32))
        levels = merkle_tree(leaves)
        self.aux_branch = merkle_branch(levels, self.aux_index)
        root = levels[-1][0]
        assert merkle_fold(leaves[self.aux_index], self.aux_branch, self.aux_index) == root
        self.aux_root_rev = root[::-1]
        self.tree_size = size
        # The parent coinbase: BIP34-style height push, the merged-mining header, extranonce.
        self.script = (b"\x03\x40\x0d\x03" + MAGIC + self.aux_root_rev +
                       size.to_bytes(4, "little") + nonce.to_bytes(4, "little") +
                       b"\x08" + bytes(t.rand.randrange(256) for _ in range(8)))
        self.outputs = [(625000000, bytes.fromhex("76a914") + bytes(20) + bytes.fromhex("88ac"))]
        self.other_txids = [bytes(t.rand.randrange(256) for _ in range(32)) for _ in range(2)]
        self.coinbase_index = 0
        self.header_version = 0x20000000
        self.prev = bytes(t.rand.randrange(256) for _ in range(32))
        self.time = 1700000000
        self.parent_bits = 0x1d00ffff  # the parent's own bits are ignored by ELA
        self.header_nonce = 0
        self.merkle_root_override = None

    def coinbase(self):
        tx = (1).to_bytes(4, "little") + varint(1) + bytes(32) + b"\xff\xff\xff\xff"
        tx += varbytes(self.script) + b"\xff\xff\xff\xff" + varint(len(self.outputs))
        for value, spk in self.outputs:
            tx += value.to_bytes(8, "little") + varbytes(spk)
        return tx + (0).to_bytes(4, "little")

    def parent_tree(self):
        txids = [sha256d(self.coinbase())] + self.other_txids
        levels = merkle_tree(txids)
        return levels, merkle_branch(levels, self.coinbase_index)

    def header(self):
        levels, _ = self.parent_tree()
        root = self.merkle_root_override or levels[-1][0]
        return (self.header_version.to_bytes(4, "little") + self.prev + root +
                self.time.to_bytes(4, "little") + self.parent_bits.to_bytes(4, "little") +
                self.header_nonce.to_bytes(4, "little"))

    def pow_ok(self):
        return int.from_bytes(sha256d(self.header()), "little") <= target_of(self.bits)

    def grind(self, want=True, limit=1 << 22):
        for _ in range(limit):
            if self.pow_ok() == want:
                return
            self.header_nonce += 1
        raise RuntimeError("no parent nonce found")

    def serialize(self):
        _, branch = self.parent_tree()
        h = self.header()
        return (self.coinbase() + sha256d(h) + varint(len(branch)) + b"".join(branch) +
                self.coinbase_index.to_bytes(4, "little") + varint(len(self.aux_branch)) +
                b"".join(self.aux_branch) + self.aux_index.to_bytes(4, "little") + h)


def read_varint(b, i):
    n = b[i]
    if n < 0xfd:
        return n, i + 1
    w = {0xfd: 2, 0xfe: 4, 0xff: 8}[n]
    return int.from_bytes(b[i + 1:i + 1 + w], "little"), i + 1 + w


def spec_check(aux, block_hash, bits):
    """spec/consensus.md §2.3 and §2.2 in Python: None when the AuxPoW is valid for block_hash
    (internal order bytes), else the failing rule. Used to tell a bug of this test's pool from
    one of elad."""
    i = 4
    n_in, i = read_varint(aux, i)
    if n_in < 1:
        return "no input"
    script = None
    for k in range(n_in):
        i += 36
        ln, i = read_varint(aux, i)
        if k == 0:
            script = aux[i:i + ln]
        i += ln + 4
    n_out, i = read_varint(aux, i)
    for _ in range(n_out):
        i += 8
        ln, i = read_varint(aux, i)
        i += ln
    i += 4
    coinbase = aux[:i]
    i += 32
    n, i = read_varint(aux, i)
    cb_branch = [aux[i + 32 * k:i + 32 * k + 32] for k in range(n)]
    i += 32 * n
    cb_index = int.from_bytes(aux[i:i + 4], "little")
    i += 4
    n, i = read_varint(aux, i)
    aux_branch = [aux[i + 32 * k:i + 32 * k + 32] for k in range(n)]
    i += 32 * n
    aux_index = int.from_bytes(aux[i:i + 4], "little")
    i += 4
    header = aux[i:i + 80]
    if len(header) != 80 or len(aux) != i + 80:
        return "length"
    if merkle_fold(sha256d(coinbase), cb_branch, cb_index) != header[36:68]:
        return "coinbase merkle root"
    root = merkle_fold(block_hash[::-1], aux_branch, aux_index)[::-1]
    sh = script.hex()
    hi, ri = sh.find(MAGIC.hex()), sh.find(root.hex())
    if hi < 0 or ri < 0:
        return "magic or root missing"
    if sh.find(MAGIC.hex(), hi + 2) >= 0:
        return "two magics"
    if ri != hi + 8:
        return "root not after magic"
    p = (ri + 64) // 2
    if len(script) < p + 8:
        return "size/nonce missing"
    size = int.from_bytes(script[p:p + 4], "little")
    nonce = int.from_bytes(script[p + 4:p + 8], "little")
    if size != 1 << len(aux_branch):
        return "size"
    if aux_index != expected_index(nonce, CHAIN_ID, len(aux_branch)):
        return "index"
    if int.from_bytes(sha256d(header), "little") > target_of(bits):
        return "pow"
    return None


def pool_call(t, node, method, params, id_="1"):
    """A btcpool-style call: HTTP/1.0, JSON-RPC 1.0, positional params."""
    body = json.dumps({"jsonrpc": "1.0", "id": id_, "method": method, "params": params}).encode()
    req = (b"POST / HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" %
           len(body))
    a = node.auth_header()
    if a:
        req += b"Authorization: " + a.encode() + b"\r\n"
    raw = node.raw(req + b"\r\n" + body, timeout=30)
    status, hdrs, data = split_http(raw)
    t.check("%s over HTTP/1.0: 200 with Content-Length" % method,
            status == 200 and hdrs.get("content-length") == str(len(data)), raw[:300])
    doc = json.loads(data)
    t.check("%s: id echoed" % method, doc.get("id") == id_, doc)
    return doc


def submit_ok(t, node, tmpl, what, payout):
    ap = AuxPow(t, tmpl)
    ap.grind()
    aux_hex = ap.serialize().hex()
    t.equal("%s: this pool's AuxPoW passes the spec's check in Python" % what,
            spec_check(ap.serialize(), bytes.fromhex(tmpl["hash"]), ap.bits), None)
    h0 = node.rpc("getcurrentheight")
    res = node.rpc("submitauxblock", {"blockhash": tmpl["hash"], "auxpow": aux_hex})
    t.equal("%s: submitauxblock result" % what, res, True)
    best = node.rpc("getbestblockhash")
    t.equal("%s: the block is the new tip (reversed hash)" % what, best, rev_hex(tmpl["hash"]))
    t.equal("%s: height" % what, node.rpc("getcurrentheight"), h0 + 1)
    blk = node.rpc("getblock", {"blockhash": best, "verbosity": 2})
    cb = blk["tx"][0]
    t.equal("%s: coinbase output 1 pays the pool's address" % what, cb["vout"][1]["address"],
            payout)
    t.equal("%s: coinbase output 1 is coinbasevalue" % what, cb["vout"][1]["value"],
            fmt_amount(tmpl["coinbasevalue"]))
    t.equal("%s: the block carries our AuxPoW" % what, blk.get("auxpow"), aux_hex)
    t.equal("%s: previousblockhash" % what, blk["previousblockhash"],
            rev_hex(tmpl["previousblockhash"]))
    return best


def main(t):
    t.need_binaries()
    node = t.node("pool", instant=True).start()

    # ---- what btcpool checks at start-up
    doc = pool_call(t, node, "getnetworkinfo", [])
    t.check("getnetworkinfo: -32601 in HTTP 200 (btcpool's fallback to getinfo)",
            (doc.get("error") or {}).get("code") == -32601, doc)
    doc = pool_call(t, node, "getinfo", [])
    info = doc.get("result") or {}
    t.check("getinfo: connections is an integer", isinstance(info.get("connections"), int)
            and not isinstance(info.get("connections"), bool), info)
    t.equal("getinfo: version", info.get("version"), 20000)
    doc = pool_call(t, node, "help", [])
    text = doc.get("result")
    t.check("help names createauxblock and submitauxblock", isinstance(text, str) and
            "createauxblock" in text and "submitauxblock" in text, text)

    # ---- three pool-mined blocks
    for i in range(3):
        doc = pool_call(t, node, "createauxblock", [REF_RECIPIENT])
        tmpl = doc.get("result")
        if not t.check("block %d: createauxblock returned a template" % i, isinstance(tmpl, dict),
                       doc):
            return
        tip = node.rpc("getcurrentheight")
        for k, typ in (("hash", str), ("chainid", int), ("previousblockhash", str),
                       ("coinbasevalue", int), ("bits", str), ("height", int)):
            t.check("block %d: template %s is %s" % (i, k, typ.__name__),
                    isinstance(tmpl.get(k), typ), tmpl)
        t.equal("block %d: chainid" % i, tmpl["chainid"], CHAIN_ID)
        t.equal("block %d: height is the tip height" % i, tmpl["height"], tip)
        t.equal("block %d: previousblockhash is the tip, internal order" % i,
                tmpl["previousblockhash"], rev_hex(node.rpc("getbestblockhash")))
        t.equal("block %d: bits (-instant)" % i, tmpl["bits"], "207fffff")
        submit_ok(t, node, tmpl, "block %d" % i, REF_RECIPIENT)

    # ---- a stale template: the tip moved on before the pool submitted
    stale = node.rpc("createauxblock", {"paytoaddress": REF_RECIPIENT})
    other = node.rpc("createauxblock", {"paytoaddress": REF_ADDRESS})
    t.check("a template per payout address (different hashes)", stale["hash"] != other["hash"],
            (stale, other))
    submit_ok(t, node, other, "the other pool's block", REF_ADDRESS)
    ap = AuxPow(t, stale)
    ap.grind()
    h = node.rpc("getcurrentheight")
    e = t.expect_error("stale template: 45002",
                       lambda: node.rpc("submitauxblock", [stale["hash"], ap.serialize().hex()]),
                       code=45002, prefix="adding block failed")
    t.check("stale template: the message gives the reason",
            e is not None and len(e.message) > len("adding block failed: "), e and e.message)
    t.equal("stale template: tip unchanged", node.rpc("getcurrentheight"), h)

    # ---- tampered AuxPoWs for a fresh template: each refused with the rule named
    tmpl = node.rpc("createauxblock", {"paytoaddress": REF_RECIPIENT})

    def tamper_coinbase_branch(a):
        a.other_txids[1] = bytes(32)
        a.merkle_root_override = sha256d(b"not the root")

    def tamper_size(a):
        a.script = a.script.replace(a.tree_size.to_bytes(4, "little") +
                                    a.merkle_nonce.to_bytes(4, "little"),
                                    (a.tree_size * 2).to_bytes(4, "little") +
                                    a.merkle_nonce.to_bytes(4, "little"))

    def tamper_two_magics(a):
        a.script = a.script + MAGIC

    def tamper_other_hash(a):
        a.script = a.script.replace(a.aux_root_rev, sha256d(b"another block"))

    def tamper_aux_branch(a):
        a.aux_branch[0] = sha256d(a.aux_branch[0])

    cases = [("the aux index is not the expected slot", "shift", True),
             ("the coinbase is not under the parent's merkle root", tamper_coinbase_branch,
              True),
             ("the tree size is not 2^branch length", tamper_size, True),
             ("fabe6d6d appears twice", tamper_two_magics, True),
             ("the coinbase commits to another root", tamper_other_hash, True),
             ("a wrong aux branch", tamper_aux_branch, True),
             ("the parent header misses the target", None, False)]
    for what, fn, pow_ok in cases:
        a = AuxPow(t, tmpl, slot_shift=2 if fn == "shift" else 0)
        if callable(fn):
            fn(a)
        a.grind(want=pow_ok)
        t.check("tampered (%s): the spec's check in Python refuses it too" % what,
                spec_check(a.serialize(), bytes.fromhex(tmpl["hash"]), a.bits) is not None)
        h = node.rpc("getcurrentheight")
        e = t.expect_error("tampered (%s): 45002" % what,
                           lambda: node.rpc("submitauxblock", [tmpl["hash"],
                                                               a.serialize().hex()]),
                           code=45002, prefix="adding block failed")
        t.check("tampered (%s): the message names the rule" % what,
                e is not None and len(e.message) > len("adding block failed: "),
                e and e.message)
        t.equal("tampered (%s): tip unchanged" % what, node.rpc("getcurrentheight"), h)

    # ---- garbage
    for what, aux in (("00", "00"), ("empty", ""), ("truncated", AuxPow(t, tmpl).serialize()
                                                    .hex()[:300]),
                      ("trailing bytes", AuxPow(t, tmpl).serialize().hex() + "00")):
        if what == "trailing bytes":
            continue  # the reference reads the AuxPoW from a stream and ignores what follows
        t.expect_error("garbage AuxPoW (%s): 45002 auxpow deserialization failed" % what,
                       lambda: node.rpc("submitauxblock", [tmpl["hash"], aux]),
                       code=45002, message="auxpow deserialization failed")
    # After every refusal the template is still good.
    submit_ok(t, node, tmpl, "the template after the refusals", REF_RECIPIENT)
    node.stop()


if __name__ == "__main__":
    Test("mining_pool", timeout=170).run(main)
