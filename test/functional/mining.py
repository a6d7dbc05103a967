#!/usr/bin/env python3
"""elad's regnet mining controls (spec/p2p-rpc.md §10.7.6, doc/JSON-RPC.md):

- discretemining N mines N blocks (elad's fix; the reference mines one per call) paying
  -paytoaddr, and returns their display hashes; a decimal string count works too;
- getmininginfo / getinfo follow the chain;
- togglemining true mines in the background (getblockcount grows; polled, no timing asserts),
  discretemining is refused meanwhile (-1 "node is mining"), togglemining false stops it;
- without -paytoaddr, discretemining and togglemining true are refused;
- -automining starts the CPU miner at boot."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import GENESIS_HASH, REF_ADDRESS, Test, wait_until  # noqa: E402

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def main(t):
    t.need_binaries()
    node = t.node("miner", ["-paytoaddr=" + REF_ADDRESS, "-minerinfo=elad-test"],
                  instant=True).start()

    info = node.rpc("getmininginfo")
    t.equal("getmininginfo at genesis (-instant, as 95_instant_getmininginfo)", info,
            {"blocks": 1, "currentblocktx": 2, "difficulty": "536872896", "networkhashps": "0",
             "pooledtx": 0, "chain": "regnet"})
    t.equal("getinfo blocks at genesis", node.rpc("getinfo").get("blocks"), 0)

    hashes = node.rpc("discretemining", {"count": 5}, timeout=120)
    t.check("discretemining 5: five display hashes", isinstance(hashes, list) and
            len(hashes) == 5 and all(HEX64.match(h) for h in hashes), hashes)
    t.equal("discretemining 5: getblockcount", node.rpc("getblockcount"), 6)
    t.equal("discretemining 5: the hashes are blocks 1-5 in order",
            [node.rpc("getblockhash", [i]) for i in range(1, 6)], hashes)
    t.equal("block 1's parent is genesis",
            node.rpc("getblock", [hashes[0], 1])["previousblockhash"], GENESIS_HASH)
    blk = node.rpc("getblock", [hashes[-1], 2])
    t.equal("the coinbase pays -paytoaddr (output 1)", blk["tx"][0]["vout"][1]["address"],
            REF_ADDRESS)
    t.equal("the block's minerinfo is -minerinfo", blk.get("minerinfo"), "elad-test")
    t.check("the block carries an AuxPoW", isinstance(blk.get("auxpow"), str) and
            len(blk["auxpow"]) > 160, blk.get("auxpow"))
    info = node.rpc("getmininginfo")
    t.equal("getmininginfo after 5 blocks: blocks", info["blocks"], 6)
    t.equal("getmininginfo after 5 blocks: currentblocktx", info["currentblocktx"], 1)
    t.equal("getmininginfo after 5 blocks: difficulty (-instant)", info["difficulty"], "1")
    t.equal("getmininginfo: chain", info["chain"], "regnet")
    t.check("getmininginfo: networkhashps a decimal string",
            isinstance(info["networkhashps"], str) and info["networkhashps"].isdigit(), info)
    t.equal("getinfo blocks after 5", node.rpc("getinfo")["blocks"], 5)

    more = node.rpc("discretemining", {"count": "3"}, timeout=120)
    t.check("discretemining with count \"3\" (a string): three hashes",
            isinstance(more, list) and len(more) == 3, more)
    t.equal("the last one is the tip", node.rpc("getbestblockhash"), more[-1])
    one = node.rpc("discretemining", [1])
    t.check("discretemining [1] (positional)", isinstance(one, list) and len(one) == 1, one)
    c, _ = node.rpc_error("discretemining", {"count": 0})
    t.check("discretemining 0: an empty array or an error", c is not None or _ == [], (c, _))

    # ---- the CPU miner
    h0 = node.rpc("getblockcount")
    t.equal("togglemining true", node.rpc("togglemining", {"mining": True}), "mining started")
    try:
        wait_until(lambda: node.rpc("getblockcount") >= h0 + 3, 60,
                   "the CPU miner to mine 3 blocks")
        t.check("togglemining true: blocks are mined in the background", True)
    except Exception as e:
        t.check("togglemining true: blocks are mined in the background", False, repr(e))
    t.expect_error("discretemining while the CPU miner runs: -1 node is mining",
                   lambda: node.rpc("discretemining", {"count": 1}), code=-1,
                   prefix="node is mining")
    t.equal("togglemining false", node.rpc("togglemining", [False]), "mining stopped")
    # Stopped: two reads of the height, the second after a block could have been found, agree.
    # (No timing assert: a block in flight may land once; then the height stays.)
    h1 = node.rpc("getblockcount")
    hashes = node.rpc("discretemining", {"count": 2}, timeout=60)
    t.equal("after togglemining false, discretemining works again and the height is exact",
            node.rpc("getblockcount"), h1 + 2 if len(hashes) == 2 else None)
    t.equal("togglemining false again", node.rpc("togglemining", {"mining": False}),
            "mining stopped")
    node.stop()

    # ---- a node without -paytoaddr
    bare = t.node("nopayto", instant=True).start()
    c, msg = bare.rpc_error("discretemining", {"count": 1})
    t.check("discretemining without -paytoaddr: refused", c is not None, (c, msg))
    c, msg = bare.rpc_error("togglemining", {"mining": True})
    t.check("togglemining true without -paytoaddr: refused", c is not None, (c, msg))
    t.equal("nothing was mined", bare.rpc("getblockcount"), 1)
    bare.stop()

    # ---- -automining
    auto = t.node("auto", ["-paytoaddr=" + REF_ADDRESS, "-automining"], instant=True).start()
    try:
        wait_until(lambda: auto.rpc("getblockcount") >= 3, 60, "-automining to mine 2 blocks")
        t.check("-automining: the CPU miner runs from boot", True)
    except Exception as e:
        t.check("-automining: the CPU miner runs from boot", False, repr(e))
    t.equal("-automining: togglemining false stops it", auto.rpc("togglemining", [False]),
            "mining stopped")
    auto.stop()


if __name__ == "__main__":
    Test("mining", timeout=170).run(main)
