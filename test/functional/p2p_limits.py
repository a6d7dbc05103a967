#!/usr/bin/env python3
"""Connection limits (spec/p2p-rpc.md §4.3, §7.1): inbound connections over -maxconnections, and
over MaxNodePerHost (10 on regnet) from one IP, are refused cleanly: the extra socket gets no
version and is closed, the node keeps serving the peers it has (they answer ping with pong) and
RPC, and a slot freed by a departing peer is usable again."""

import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import Test, wait_until  # noqa: E402
from p2p import Peer, ProtocolError  # noqa: E402

MAX_PER_HOST_REGNET = 10


def try_peer(port):
    """A handshaked Peer, or None when the node closed the connection without a version."""
    p = Peer(port, timeout=10)
    try:
        p.connect()
        p.send_msg(p.version_msg())
        p.recv_until(lambda c, _: c == "version", timeout=8)
        p.send("verack")
        return p
    except (OSError, ProtocolError):
        p.close()
        return None
    except socket.timeout:
        closed = p.is_disconnected(5)
        p.close()
        if not closed:
            raise AssertionError("no version and no close within 13 s")
        return None


def alive(peers):
    ok = True
    for p in peers:
        try:
            p.ping(timeout=10)
        except (OSError, ProtocolError, socket.timeout):
            ok = False
    return ok


def fill(t, node, n, what):
    peers = []
    for i in range(n):
        p = try_peer(node.p2p_port)
        t.check("%s: connection %d of %d accepted" % (what, i + 1, n), p is not None)
        if p is not None:
            peers.append(p)
    wait_until(lambda: node.rpc("getconnectioncount") == len(peers), 30,
               "%s: %d connections" % (what, len(peers)))
    return peers


def over(t, node, peers, what):
    extra = try_peer(node.p2p_port)
    t.check("%s: the extra connection is refused (no version, closed)" % what, extra is None)
    if extra is not None:
        extra.close()
    t.equal("%s: connection count unchanged" % what, node.rpc("getconnectioncount"), len(peers))
    t.check("%s: the connected peers are still served (ping/pong)" % what, alive(peers))
    t.check("%s: RPC still answers" % what, isinstance(node.rpc("getblockcount"), int))
    peers.pop().close()
    wait_until(lambda: node.rpc("getconnectioncount") == len(peers), 30,
               "%s: a peer's departure to be noticed" % what)
    again = try_peer(node.p2p_port)
    t.check("%s: the freed slot is usable again" % what, again is not None)
    if again is not None:
        peers.append(again)
    for p in peers:
        p.close()


def main(t):
    t.need_p2p()
    a = t.node("A", ["-maxconnections=3"]).start()
    over(t, a, fill(t, a, 3, "-maxconnections=3"), "-maxconnections=3")
    b = t.node("B", ["-maxconnections=40"]).start()
    over(t, b, fill(t, b, MAX_PER_HOST_REGNET, "MaxNodePerHost"), "MaxNodePerHost 10")


if __name__ == "__main__":
    Test("p2p_limits", timeout=150).run(main)
