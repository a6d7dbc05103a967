#!/usr/bin/env python3
"""elad answers the reference node's sync traffic as the reference did
(vectors/refnode/p2p/p2p_sync_messages.json: node2 syncing node1's 105 blocks, then relay of blocks
106 and 107).

E imports node1's chain (vectors/refnode/chain/regnet_node1_blocks.jsonl) up to the height node1
announced on the sync connection (105) with -loadblock. A Python peer replays node2's requests of
that connection in order: its version (height 0), getaddr, verack, getblocks with the captured
locator, getdata type 4 of the 105 blocks. Checks: E's version has node1's shape (version,
services, height, relay); the inv is equal to node1's; the 105 blocks are byte-identical to
node1's block messages; no notfound. Then a second elad, B, holding blocks up to 106, connects to
E: E must announce block 106 to the peer with node1's inv (type 2), and serve the captured
getdata with node1's block bytes. Skips (77) without vectors."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import Test, wait_until  # noqa: E402
from p2p import Peer, Version  # noqa: E402

NODE1_PORT = 22338


def main(t):
    t.need_vectors()
    t.need_p2p()
    with open(t.vector_path("refnode", "p2p", "p2p_sync_messages.json")) as f:
        msgs = json.load(f)
    with open(t.vector_path("refnode", "chain", "regnet_node1_blocks.jsonl")) as f:
        chain = [json.loads(line) for line in f if line.strip()]
    # the sync connection: the one on which node2 sent getblocks
    sync_port = [m["src_port"] for m in msgs if m["command"] == "getblocks"][0]
    conn = [m for m in msgs if sync_port in (m["src_port"], m["dst_port"])]
    node1_version = Version.parse(bytes.fromhex(
        [m for m in conn if m["src_port"] == NODE1_PORT and m["command"] == "version"][0]
        ["payload_hex"]))
    height = node1_version.height
    t.equal("capture: node1 announced height 105", height, 105)

    path = os.path.join(t.tmp, "node1-1-%d.hex" % height)
    with open(path, "w") as f:
        for b in chain[1:height + 1]:
            f.write(b["raw"] + "\n")
    e = t.node("E").start(["-loadblock=" + path])
    wait_until(lambda: e.height() == height, 60, "E to import node1's %d blocks" % height)
    t.equal("E's tip is node1's block %d" % height, e.tip(), chain[height]["hash"])

    first_relay = min(i for i, m in enumerate(conn) if m["t"] > 1.0)
    phase1 = conn[:first_relay]
    requests = [m for m in phase1 if m["dst_port"] == NODE1_PORT]
    answers = [m for m in phase1 if m["src_port"] == NODE1_PORT]
    t.equal("capture: node2's requests", [m["command"] for m in requests],
            ["version", "getaddr", "verack", "getblocks", "getdata"])

    p = Peer(e.p2p_port, timeout=20)
    got = []
    try:
        p.connect()
        for m in requests:
            p.send(m["command"], bytes.fromhex(m["payload_hex"]))
            if m["command"] == "version":
                cmd, payload = p.recv_until(lambda c, _: c == "version")
                v = Version.parse(payload)
                t.equal("E's version: version, services, height, relay",
                        (v.version, v.services, v.height, v.relay),
                        (node1_version.version, node1_version.services, node1_version.height,
                         node1_version.relay))
                p.recv_until(lambda c, _: c == "verack")
        # node1 answered getblocks with one inv and getdata with 105 blocks
        want_inv = [bytes.fromhex(m["payload_hex"]) for m in answers if m["command"] == "inv"]
        want_blocks = [bytes.fromhex(m["payload_hex"]) for m in answers
                       if m["command"] == "block"]
        while len([c for c, _ in got if c == "block"]) < len(want_blocks):
            cmd, payload = p.recv(timeout=30)
            if cmd in ("inv", "block", "notfound", "reject"):
                got.append((cmd, payload))
        t.equal("E's inv equals node1's (105 items, type 4)",
                [pl.hex() for c, pl in got if c == "inv"], [x.hex() for x in want_inv])
        blocks = [pl for c, pl in got if c == "block"]
        t.equal("E's 105 block messages are byte-identical to node1's",
                [b == w for b, w in zip(blocks, want_blocks)].count(False), 0)
        t.equal("E sent no notfound and no reject",
                [c for c, _ in got if c in ("notfound", "reject")], [])

        # relay: B holds block 106 and connects; E syncs it and announces it as node1 did
        relay_inv = [m for m in conn[first_relay:] if m["src_port"] == NODE1_PORT and
                     m["command"] == "inv"][0]
        relay_req = [m for m in conn[first_relay:] if m["dst_port"] == NODE1_PORT and
                     m["command"] == "getdata"][0]
        relay_block = [m for m in conn[first_relay:] if m["src_port"] == NODE1_PORT and
                       m["command"] == "block"][0]
        path2 = os.path.join(t.tmp, "node1-1-%d.hex" % (height + 1))
        with open(path2, "w") as f:
            for b in chain[1:height + 2]:
                f.write(b["raw"] + "\n")
        b_node = t.node("B", ["-connect=" + e.p2p_addr()])
        b_node.start(["-loadblock=" + path2])
        wait_until(lambda: e.height() == height + 1, 60, "E to sync block 106 from B")
        _, inv = p.recv_until(lambda c, pl: c == "inv", timeout=30)
        t.equal("E announces block 106 with node1's inv (type 2)", inv.hex(),
                relay_inv["payload_hex"])
        p.send("getdata", bytes.fromhex(relay_req["payload_hex"]))
        cmd, payload = p.recv_until(lambda c, _: c in ("block", "notfound"), timeout=30)
        t.equal("E serves block 106 byte-identical to node1", (cmd, payload.hex()),
                ("block", relay_block["payload_hex"]))
    finally:
        p.close()
    t.check("E answers RPC", e.rpc("getblockcount") == height + 2)


if __name__ == "__main__":
    Test("p2p_reference", timeout=150).run(main)
