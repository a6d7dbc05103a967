#!/usr/bin/env python3
"""elad's transaction pool through the RPC (spec/consensus.md §6, doc/JSON-RPC.md).

Node A runs -instant with -paytoaddr of the reference's throwaway regnet key, so its coinbases
(output 1) are ours to spend; transfers are built and signed in Python (elatx.py, checked against
the reference's signed transfer first), so this test does not depend on the wallet.

- reorg: node B imports A's first blocks, mines a longer branch whose T' spends input X; A pools
  and mines T (also spending X) and U (independent), pools V; A restarts with -loadblock of B's
  blocks and reorganises: T is not re-admitted (conflict), U is back in the pool, V stays;
- send (txid echoed, getrawmempool, getrawtransaction from the pool with confirmations 0),
  duplicate (43001 "transaction validate error: transaction already exist"), double spend,
  fee below 100 sela, an immature coinbase: refused;
- restart with a pooled tx: still pooled (-persistmempool, on by default);
- mining: the tx leaves the pool and is in the block;
- -maxmempool=1: big low-fee-rate txs fill the pool; a higher fee-rate newcomer evicts the lowest;
  a lower one is refused."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import REF_ADDRESS, REF_PRIVKEY, REF_PUBKEY, REF_RECIPIENT, RpcError, Test, \
    parse_amount, wait_until  # noqa: E402
import elatx  # noqa: E402

FEE = 10000


class Coins:
    """The coinbase outputs (index 1) of A's blocks: height -> (txid, sela)."""

    def __init__(self, node, heights):
        self.c = {}
        for h in heights:
            blk = node.rpc("getblock", [node.rpc("getblockhash", [h]), 2])
            cb = blk["tx"][0]
            self.c[h] = (cb["txid"], parse_amount(cb["vout"][1]["value"]))
            assert cb["vout"][1]["address"] == REF_ADDRESS


def transfer(coin, amount=10000000, fee=FEE, to=REF_RECIPIENT, nonce=None):
    txid, value = coin
    tx = elatx.Transfer([(txid, 1)], [(to, amount), (REF_ADDRESS, value - amount - fee)],
                        nonce=nonce)
    return tx.sign(REF_PRIVKEY)


def big_transfer(coin, n_out, fee):
    txid, value = coin
    outs = [(REF_RECIPIENT, 1000)] * n_out
    outs.append((REF_ADDRESS, value - 1000 * n_out - fee))
    return elatx.Transfer([(txid, 1)], outs).sign(REF_PRIVKEY)


def send(node, tx):
    return node.rpc("sendrawtransaction", [tx.hex()])


def export_blocks(node, lo, hi, path):
    with open(path, "w") as f:
        for h in range(lo, hi + 1):
            f.write(node.rpc("getblock", [node.rpc("getblockhash", [h]), 0]) + "\n")


def pool(node):
    return node.rpc("getrawmempool")


def main(t):
    t.need_binaries()
    if t.have_vectors():
        with open(t.vector_path("refnode", "rpc", "transfer_tx_signed.hex")) as f:
            errs = elatx.selftest(f.read().strip(), REF_PRIVKEY, REF_PUBKEY, REF_ADDRESS,
                                  REF_RECIPIENT)
        t.check("elatx reproduces the reference's signed transfer", not errs, errs)
    a = t.node("A", ["-paytoaddr=" + REF_ADDRESS], instant=True).start()
    a.mine(115)
    coins = Coins(a, range(1, 16))

    # ---- reorg with a conflict
    shared = os.path.join(t.tmp, "shared-1-115.hex")
    export_blocks(a, 1, 115, shared)
    b = t.node("B", ["-paytoaddr=" + REF_ADDRESS], instant=True)
    b.start(["-loadblock=" + shared])
    wait_until(lambda: b.rpc("getcurrentheight") == 115, 60, "B to import A's 115 blocks")
    t.equal("B shares A's chain", b.rpc("getbestblockhash"), a.rpc("getbestblockhash"))
    t_prime = transfer(coins.c[3], amount=50000000)
    t.equal("B: T' accepted", send(b, t_prime), t_prime.txid())
    b.mine(3)
    t.check("B: T' mined", t_prime.txid() not in pool(b))
    tx_t = transfer(coins.c[3], amount=30000000)
    tx_u = transfer(coins.c[4])
    t.equal("A: T accepted", send(a, tx_t), tx_t.txid())
    t.equal("A: U accepted", send(a, tx_u), tx_u.txid())
    a.mine(1)
    blk = a.rpc("getblock", [a.rpc("getbestblockhash"), 1])
    t.check("A: T and U mined at 116", tx_t.txid() in blk["tx"] and tx_u.txid() in blk["tx"],
            blk["tx"])
    tx_v = transfer(coins.c[5])
    t.equal("A: V pooled", send(a, tx_v), tx_v.txid())
    branch = os.path.join(t.tmp, "b-116-118.hex")
    export_blocks(b, 116, 118, branch)
    b_tip = b.rpc("getbestblockhash")
    b.stop()
    a.stop()
    a.start(["-loadblock=" + branch])
    try:
        wait_until(lambda: a.rpc("getbestblockhash") == b_tip, 60, "A to reorganise to B")
        t.check("A reorganised to B's longer branch", True)
    except Exception as e:
        t.check("A reorganised to B's longer branch", False, repr(e))
    p = pool(a)
    t.check("reorg: T (conflicts with T' in the chain) not re-admitted", tx_t.txid() not in p, p)
    t.check("reorg: U (from the disconnected block, no conflict) back in the pool",
            tx_u.txid() in p, p)
    t.check("reorg: V still pooled", tx_v.txid() in p, p)
    try:
        r = a.rpc("getrawtransaction", {"txid": t_prime.txid(), "verbose": True})
        t.check("reorg: T' is in A's chain", r.get("confirmations", 0) >= 1, r)
    except RpcError as e:
        t.check("reorg: T' is in A's chain", False, repr(e))
    a.mine(1)
    t.check("U and V mined after the reorg", not ({tx_u.txid(), tx_v.txid()} & set(pool(a))),
            pool(a))

    # ---- send, duplicate, double spend, low fee, immature
    tx1 = transfer(coins.c[6])
    t.equal("sendrawtransaction echoes the txid", send(a, tx1), tx1.txid())
    t.check("getrawmempool lists it", tx1.txid() in pool(a))
    r = a.rpc("getrawtransaction", {"txid": tx1.txid(), "verbose": True})
    t.equal("getrawtransaction from the pool: confirmations 0", r.get("confirmations"), 0)
    t.equal("getrawtransaction from the pool: txid", r.get("txid"), tx1.txid())
    t.equal("getrawtransaction from the pool, raw", a.rpc("getrawtransaction", [tx1.txid()]),
            tx1.hex())
    t.expect_error("duplicate: 43001 transaction already exist", lambda: send(a, tx1),
                   code=43001, message="transaction validate error: transaction already exist")
    ds = transfer(coins.c[6], amount=12345678)
    # The reference's conflict-slot error for a double spend within the pool.
    t.expect_error("double spend of a pooled input: refused", lambda: send(a, ds), code=43001,
                   message="slot TxInputsReferKeys verify tx error")
    t.check("double spend not pooled", ds.txid() not in pool(a))
    low = transfer(coins.c[7], fee=10)
    t.expect_error("fee of 10 sela: refused", lambda: send(a, low), code=43001,
                   prefix="transaction validate error")
    h = a.rpc("getcurrentheight")
    immature = Coins(a, [h - 50]).c[h - 50]
    t.expect_error("spending an immature coinbase: refused",
                   lambda: send(a, transfer(immature)), code=43001,
                   prefix="transaction validate error")
    spent = transfer(coins.c[3], amount=5)  # spent by T' in the chain
    t.expect_error("spending an output spent in the chain: refused", lambda: send(a, spent),
                   code=43001, prefix="transaction validate error")
    t.equal("only the good tx is pooled", pool(a), [tx1.txid()])

    # ---- persistence across a restart
    a.stop()
    a.start()
    try:
        wait_until(lambda: tx1.txid() in pool(a), 30, "the pooled tx after the restart")
        t.check("restart: the pooled tx is still pooled", True)
    except Exception as e:
        t.check("restart: the pooled tx is still pooled", False, repr(e))

    # ---- mining confirms it
    hashes = a.mine(1)
    blk = a.rpc("getblock", [hashes[0], 1])
    t.check("mined: the tx is in the block", tx1.txid() in blk["tx"], blk["tx"])
    t.check("mined: the tx left the pool", tx1.txid() not in pool(a))
    r = a.rpc("getrawtransaction", {"txid": tx1.txid(), "verbose": True})
    t.equal("mined: confirmations 1", r.get("confirmations"), 1)
    t.expect_error("mined: sending it again is refused", lambda: send(a, tx1), code=43001,
                   prefix="transaction validate error")

    # ---- eviction by fee rate under -maxmempool=1
    a.stop()
    a.start(["-maxmempool=1"])
    big = []
    for i, hgt in enumerate(range(8, 15)):
        tx = big_transfer(coins.c[hgt], 2100, fee=20000 + 1000 * i)  # ~139 kB each
        try:
            send(a, tx)
            big.append(tx)
        except RpcError as e:
            t.check("big tx %d admitted under 1 MB" % i, False, repr(e))
    size = sum(len(x.serialize()) for x in big)
    t.note("pooled %d big txs, %d bytes" % (len(big), size))
    rich = big_transfer(coins.c[15], 2100, fee=2000000)
    try:
        send(a, rich)
        ok = True
    except RpcError as e:
        ok = repr(e)
    t.check("a higher fee-rate tx is admitted when the pool is full", ok is True, ok)
    p = pool(a)
    t.check("the lowest fee-rate tx was evicted for it", big and big[0].txid() not in p and
            rich.txid() in p, p)
    t.check("the other big txs stay", all(x.txid() in p for x in big[1:]), p)
    t.expect_error("a lower fee-rate tx is refused when the pool is full",
                   lambda: send(a, big_transfer(Coins(a, [16]).c[16], 2100, fee=15000)),
                   code=43001)
    a.stop()


if __name__ == "__main__":
    Test("mempool", timeout=170).run(main)
