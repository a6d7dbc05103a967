#!/usr/bin/env python3
"""Block and transaction sync between elad nodes over loopback P2P (spec/p2p-rpc.md §5, §6).

- A (-instant, -paytoaddr of the reference's throwaway regnet key) mines 2,000 blocks in
  batches; after coinbase maturity, transfers signed in Python (elatx.py) are sent to A every few
  hundred blocks so blocks carry transactions;
- B (-connect=A) and C (-addnode=A) sync: all three reach the same tip and the same UTXO set
  (gettxoutsetinfo hash_serialized); getconnectioncount, getneighbors, getnodestate.neighbors and
  getsyncinfo show real data;
- a block mined on A reaches B and C; a tx sent to B reaches the pools of A and C;
- C is stopped while syncing a second batch, restarted, and reaches the tip;
- partition: C alone (-listen=0, -connect to a closed port) mines a heavier branch while A mines
  a lighter one; C reconnects and A, B and C converge on C's branch; the tx of A's branch that
  C's branch lacks returns to the pools."""

import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import REF_ADDRESS, REF_PRIVKEY, REF_RECIPIENT, Test, TestFailure, \
    parse_amount, wait_until  # noqa: E402
import elatx  # noqa: E402

FEE = 10000
TOTAL = 2000
BATCH = 250
MATURITY_SAFE = 110  # spend coinbases only once they are this deep (regnet maturity is 100)


class Wallet:
    """Spends the coinbase outputs (index 1) of A's blocks, oldest first."""

    def __init__(self, node):
        self.node = node
        self.next_height = 1

    def transfer(self, tip_height, amount=10000000):
        if self.next_height + MATURITY_SAFE > tip_height:
            return None
        blk = self.node.rpc("getblock", [self.node.rpc("getblockhash", [self.next_height]), 2])
        self.next_height += 1
        cb = blk["tx"][0]
        if cb["vout"][1]["address"] != REF_ADDRESS:
            raise TestFailure("coinbase output 1 of %d does not pay %s" % (blk["height"],
                                                                          REF_ADDRESS))
        value = parse_amount(cb["vout"][1]["value"])
        tx = elatx.Transfer([(cb["txid"], 1)], [(REF_RECIPIENT, amount),
                                                 (REF_ADDRESS, value - amount - FEE)])
        return tx.sign(REF_PRIVKEY)


def utxo_hash(node):
    return node.rpc("gettxoutsetinfo", timeout=120)["hash_serialized"]


def mine_with_txs(t, a, wallet, blocks, txs_every=300, txs_per_round=3):
    """Mines `blocks` on A in batches, sending transfers before a batch every txs_every
    blocks. Returns the txids sent."""
    sent = []
    done = 0
    since = txs_every
    while done < blocks:
        h = a.height()
        if since >= txs_every:
            for _ in range(txs_per_round):
                tx = wallet.transfer(h)
                if tx is None:
                    break
                t.equal("A accepts transfer %s" % tx.txid()[:12],
                        a.rpc("sendrawtransaction", [tx.hex()]), tx.txid())
                sent.append(tx.txid())
            since = 0
        n = min(BATCH, blocks - done, txs_every - since)
        a.mine(n)
        done += n
        since += n
    return sent


def check_views(t, node, peers_expected, what):
    """getconnectioncount / getneighbors / getnodestate neighbors / getsyncinfo."""
    n = node.rpc("getconnectioncount")
    t.check("%s: getconnectioncount %d >= %d" % (what, n, peers_expected),
            isinstance(n, int) and n >= peers_expected, n)
    nb = node.rpc("getneighbors")
    t.check("%s: getneighbors lists %d peers as strings with 127.0.0.1" % (what, n),
            isinstance(nb, list) and len(nb) == n and
            all(isinstance(s, str) and s.startswith("127.0.0.1:") for s in nb), nb)
    st = node.rpc("getnodestate")
    neigh = st.get("neighbors")
    ok = isinstance(neigh, list) and len(neigh) == n and all(
        isinstance(x, dict) and str(x.get("netaddress", "")).startswith("127.0.0.1:") and
        isinstance(x.get("inbound"), bool) and isinstance(x.get("lastblock"), int) and
        isinstance(x.get("version"), int) and x.get("version") in (20000, 80000)
        for x in (neigh or []))
    t.check("%s: getnodestate.neighbors has %d entries with netaddress, inbound, lastblock" %
            (what, n), ok, neigh)
    # The reference's own replies with peers (node1's, transcripts 70 and 71): the same keys in
    # the same order, and the same getneighbors text format.
    if t.have_vectors():
        with open(t.vector_path("refnode", "rpc", "71_node1_getnodestate.json")) as f:
            ref = json.load(f)["response"]["result"]
        t.equal("%s: getnodestate keys as the reference's" % what, list(st.keys()),
                list(ref.keys()))
        t.check("%s: neighbor keys as the reference's" % what,
                all(list(x.keys()) == list(ref["neighbors"][0].keys()) for x in neigh), neigh)
        with open(t.vector_path("refnode", "rpc", "70_node1_getneighbors.json")) as f:
            ref_nb = json.load(f)["response"]["result"]
        form = re.compile(r"^\d+\.\d+\.\d+\.\d+:\d+ \((inbound|outbound)\) \((20000|80000) [^)]*\)$")
        t.check("%s: getneighbors text as the reference's %r" % (what, ref_nb[0]),
                all(form.match(s) for s in nb + ref_nb), nb)
    t.equal("%s: getnodestate.port is its P2P port" % what, st.get("port"), node.p2p_port)
    si = node.rpc("getsyncinfo")
    h = node.height()
    ok = isinstance(si, dict) and si.get("height") == h and \
        isinstance(si.get("target"), int) and si.get("target") >= h and \
        isinstance(si.get("progress"), (int, float)) and 0 <= si.get("progress") <= 1 and \
        isinstance(si.get("syncing"), bool)
    t.check("%s: getsyncinfo {height, target, progress, syncing, syncpeer}" % what,
            ok and "syncpeer" in si, si)
    return neigh or []


def main(t):
    t.need_p2p()
    start = time.monotonic()
    a = t.node("A", ["-paytoaddr=" + REF_ADDRESS], instant=True).start()
    wallet = Wallet(a)
    sent = mine_with_txs(t, a, wallet, TOTAL)
    t.check("A mined %d blocks with %d transfers" % (TOTAL, len(sent)),
            a.height() == TOTAL and len(sent) >= 9, (a.height(), len(sent)))
    with_txs = 0
    for txid in sent:
        info = a.rpc("getrawtransaction", [txid, True])
        with_txs += 1 if info.get("blockhash") else 0
    t.equal("every transfer is in a block", with_txs, len(sent))
    t.note("A: %d blocks mined in %.1f s" % (TOTAL, time.monotonic() - start))

    # ---- B and C sync from A
    # Every node runs -instant: InstantBlock changes the difficulty rules (the chain is only
    # valid under them); -paytoaddr so that any of them can mine.
    b = t.node("B", ["-paytoaddr=" + REF_ADDRESS, "-connect=" + a.p2p_addr()],
               instant=True).start()
    c = t.node("C", ["-paytoaddr=" + REF_ADDRESS, "-addnode=" + a.p2p_addr()],
               instant=True).start()
    t0 = time.monotonic()
    tip = a.tip()
    t.wait_same_tip([a, b, c], 120, "B and C to sync A's %d blocks" % TOTAL)
    t.note("B and C synced %d blocks in %.1f s" % (TOTAL, time.monotonic() - t0))
    t.equal("B: height", b.height(), TOTAL)
    t.equal("C: height", c.height(), TOTAL)
    t.equal("B and C: tip is A's", c.tip(), tip)
    ua = utxo_hash(a)
    t.equal("B: UTXO set hash equals A's", utxo_hash(b), ua)
    t.equal("C: UTXO set hash equals A's", utxo_hash(c), ua)

    a.wait_connections(2)
    neigh = check_views(t, a, 2, "A")
    t.check("A: both peers are inbound", sum(1 for x in neigh if x.get("inbound")) >= 2, neigh)
    neigh = check_views(t, b, 1, "B")
    t.check("B: A is an outbound neighbor",
            any(x.get("netaddress") == a.p2p_addr() and x.get("inbound") is False
                for x in neigh), neigh)
    t.check("B: A's lastblock is %d" % TOTAL,
            any(x.get("netaddress") == a.p2p_addr() and x.get("lastblock") == TOTAL
                for x in neigh), neigh)
    si = wait_until(lambda: (lambda s: s if not s.get("syncing") else None)(
        b.rpc("getsyncinfo")), 30, "B: getsyncinfo syncing false")
    t.equal("B: getsyncinfo after sync", (si.get("height"), si.get("target"), si.get("progress")),
            (TOTAL, TOTAL, 1))
    check_views(t, c, 1, "C")

    # ---- a new block on A and a new tx sent to B reach everyone
    a.mine(1)
    new_tip = a.tip()
    wait_until(lambda: b.tip() == new_tip and c.tip() == new_tip, 30,
               "the new block to reach B and C")
    t.check("new block relayed to B and C", True)
    tx = wallet.transfer(a.height())
    t.equal("B accepts a transfer", b.rpc("sendrawtransaction", [tx.hex()]), tx.txid())
    wait_until(lambda: all(tx.txid() in n.rpc("getrawmempool") for n in (a, b, c)), 60,
               "the tx sent to B to reach the pools of A and C")
    t.check("tx relayed from B to A and C", True)
    a.mine(1)
    wait_until(lambda: all(tx.txid() not in n.rpc("getrawmempool") for n in (a, b, c)) and
               b.tip() == a.tip() and c.tip() == a.tip(), 30,
               "the block with the tx to empty every pool")
    t.check("the mined tx left every pool", True)

    # ---- C stopped while syncing a second batch, restarted: resumes
    c_before = c.height()
    c.stop()
    sent += mine_with_txs(t, a, wallet, 1500)
    target = a.height()
    c.start()
    caught = None
    try:
        caught = wait_until(lambda: (lambda h: h if c_before < h < target else None)(c.height()),
                            60, "C to be mid-sync", interval=0.01)
    except TestFailure:
        pass
    if caught is not None and c.height() < target:
        c.stop()
        c.start()
        mid = c.height()
        t.check("C kept the blocks synced before the restart (%d)" % caught, mid >= caught,
                (mid, caught))
    else:
        t.note("C finished the second batch before it could be stopped mid-sync")
    wait_until(lambda: c.tip() == a.tip(), 120, "C to reach A's tip after the restart")
    t.equal("C: UTXO set hash after restart", utxo_hash(c), utxo_hash(a))
    wait_until(lambda: b.tip() == a.tip(), 60, "B to follow the second batch")

    # ---- partition: C alone mines a heavier branch, A a lighter one; reconnect
    fork = a.height()
    c.stop()
    closed = t.ports.get()
    c.listen = False
    c.args = ["-paytoaddr=" + REF_ADDRESS, "-connect=127.0.0.1:%d" % closed]
    c.start()
    t.equal("C isolated: no connections", c.rpc("getconnectioncount"), 0)
    tx_a = wallet.transfer(a.height())
    t.equal("A accepts a transfer on its branch", a.rpc("sendrawtransaction", [tx_a.hex()]),
            tx_a.txid())
    a.mine(10)
    c.mine(30)
    wait_until(lambda: b.tip() == a.tip(), 30, "B to follow A's branch")
    t.equal("A and B at fork+10", (a.height(), b.height()), (fork + 10, fork + 10))
    heavy = c.tip()
    t.check("C's branch differs", heavy != a.tip())
    c.stop()
    c.listen = True
    c.args = ["-paytoaddr=" + REF_ADDRESS, "-connect=" + a.p2p_addr()]
    c.start()
    t.wait_same_tip([a, b, c], 120, "A, B and C to converge")
    t.equal("converged on C's heavier branch", a.tip(), heavy)
    t.equal("A: height after reorg", a.height(), fork + 30)
    ua = utxo_hash(a)
    t.equal("B: UTXO set after reorg", utxo_hash(b), ua)
    t.equal("C: UTXO set after reorg", utxo_hash(c), ua)
    t.check("A: the transfer of the lost branch is back in its pool",
            tx_a.txid() in a.rpc("getrawmempool"), a.rpc("getrawmempool"))
    t.note("p2p_sync total %.1f s" % (time.monotonic() - start))


if __name__ == "__main__":
    Test("p2p_sync", timeout=300).run(main)
