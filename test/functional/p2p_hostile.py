#!/usr/bin/env python3
"""Protocol violations against elad (spec/p2p-rpc.md §2.2, §4.1, §5.3, §7.5), each from a fresh
p2p.HostilePeer on 127.0.0.1, while node N also has an honest peer H (-connect=N).

Every violation must end the hostile connection (disconnect, or ban for notfound-of-a-block and
the getdata flood), send the reject the spec names where it names one (unknown command and
undecodable payload: reject "malformed" 0x01; duplicate version: reject 0x12), and ban nobody
when the spec says "disconnect without score". After each: N answers RPC, H is still connected
and still receives N's new blocks. A ban refuses a reconnect from 127.0.0.1 until clearbanned.
The stalled truncated payload runs on a separate node S started with short test timers
(-idletimeout, -pinginterval: skipped when elad does not accept them)."""

import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import REF_ADDRESS, Test, wait_until  # noqa: E402
import p2p  # noqa: E402
from p2p import Block, HostilePeer, ProtocolError, Reject  # noqa: E402

DISCONNECT_WAIT = 20


def rejects(peer):
    out = []
    for payload in peer.received("reject"):
        try:
            out.append(Reject.parse(payload))
        except ValueError:
            pass
    return out


def refused(port):
    """True when a new connection from 127.0.0.1 gets no version back and is closed."""
    p = HostilePeer(port, timeout=10)
    try:
        try:
            p.connect()
            p.send_msg(p.version_msg())
        except OSError:
            return True
        try:
            p.recv_until(lambda c, _: c == "version", timeout=5)
            return False
        except (ProtocolError, OSError):
            return True
        except socket.timeout:
            return p.is_disconnected(5)
    finally:
        p.close()


class Hostile:
    def __init__(self, t, n, h):
        self.t, self.n, self.h = t, n, h

    def healthy(self, what):
        t, n, h = self.t, self.n, self.h
        t.check("%s: N answers RPC" % what, isinstance(n.rpc("getblockcount"), int))
        try:
            wait_until(lambda: h.rpc("getconnectioncount") >= 1 and
                       n.rpc("getconnectioncount") >= 1, 60, "H to be connected to N")
            ok = True
        except Exception as e:  # noqa: BLE001 (reported as a failure)
            ok = False
            t.check("%s: honest peer H still connected" % what, False, str(e))
        if ok:
            t.check("%s: honest peer H still connected" % what, True)
            nb = n.rpc("getneighbors")
            t.check("%s: getneighbors lists H only" % what, len(nb) == 1, nb)
        n.mine(1)
        tip = n.tip()
        try:
            wait_until(lambda: h.tip() == tip, 30, "H to receive N's new block")
            t.check("%s: H receives N's new block" % what, True)
        except Exception as e:  # noqa: BLE001
            t.check("%s: H receives N's new block" % what, False, str(e))

    def case(self, what, act, handshake=True, ban=False, reject=None, maybe_ban=False):
        """act(peer) commits the violation. reject: (cmd or None, code) expected in a reject."""
        t, n = self.t, self.n
        p = HostilePeer(n.p2p_port, timeout=15, height=n.height())
        try:
            if handshake:
                p.handshake()
            else:
                p.connect()
            try:
                act(p)
            except OSError:
                pass  # the node may hang up while we are still writing
            gone = p.is_disconnected(DISCONNECT_WAIT)
            t.check("%s: disconnected" % what, gone)
            if reject is not None:
                rj = rejects(p)
                t.check("%s: reject %r code 0x%02x sent" % (what, reject[0], reject[1]),
                        any(r.code == reject[1] and (reject[0] is None or r.cmd == reject[0])
                            for r in rj), [(r.cmd, r.code, r.reason) for r in rj])
        finally:
            p.close()
        bans = n.rpc("listbanned")
        if ban:
            t.check("%s: 127.0.0.1 banned" % what,
                    isinstance(bans, list) and any("127.0.0.1" in str(b) for b in bans), bans)
            t.check("%s: a reconnect from 127.0.0.1 is refused while banned" % what,
                    refused(n.p2p_port))
            n.rpc("clearbanned")
            t.equal("%s: clearbanned empties the ban list" % what, n.rpc("listbanned"), [])
            pp = HostilePeer(n.p2p_port, timeout=10)
            try:
                pp.handshake()
                t.check("%s: after clearbanned a reconnect is accepted" % what, True)
            except (OSError, ProtocolError, socket.timeout) as e:
                t.check("%s: after clearbanned a reconnect is accepted" % what, False, repr(e))
            finally:
                pp.close()
        elif maybe_ban:
            if bans:
                n.rpc("clearbanned")
        else:
            t.equal("%s: no ban (disconnect without score)" % what, bans, [])
        self.healthy(what)


def main(t):
    t.need_p2p()
    n = t.node("N", ["-paytoaddr=" + REF_ADDRESS], instant=True).start()
    n.mine(5)
    h = t.node("H", ["-connect=" + n.p2p_addr()], instant=True).start()
    t.wait_same_tip([n, h], 60, "H to sync N")
    hs = Hostile(t, n, h)
    hs.healthy("start")
    tip_raw = bytes.fromhex(n.rpc("getblock", [n.tip(), 0]))

    # §2.2 framing
    hs.case("bad magic", lambda p: p.bad_magic())
    hs.case("command without NUL", lambda p: p.command_without_nul())
    hs.case("unknown command", lambda p: p.unknown_command("sendheaders"),
            reject=("malformed", p2p.REJECT_MALFORMED))
    hs.case("oversize length (ping of 9 bytes)", lambda p: p.oversize_length("ping"))
    hs.case("oversize length (getblocks)", lambda p: p.oversize_length("getblocks"))
    hs.case("bad checksum", lambda p: p.bad_checksum())
    hs.case("garbage getblocks payload", lambda p: p.garbage_payload("getblocks"),
            reject=("malformed", p2p.REJECT_MALFORMED))
    hs.case("garbage inv payload", lambda p: p.garbage_payload("inv"),
            reject=("malformed", p2p.REJECT_MALFORMED))
    # §4.1 handshake
    hs.case("first message not version", lambda p: p.first_not_version(), handshake=False)
    hs.case("duplicate version", lambda p: p.duplicate_version(),
            reject=(None, p2p.REJECT_DUPLICATE))
    hs.case("duplicate verack", lambda p: p.duplicate_verack())
    # §5.3 / §7.5
    hs.case("empty addr", lambda p: p.empty_addr())
    hs.case("unsolicited block", lambda p: p.unsolicited_block(tip_raw))
    tip_before = n.tip()
    blk = Block(bytes.fromhex(n.rpc("getblock", [n.tip(), 0])))
    bad = p2p.rebuild_block(blk, prev=blk.hash, height=blk.header.height + 1,
                            timestamp=blk.header.timestamp + 1, merkle_root=os.urandom(32))
    hs.case("invalid block after getdata", lambda p: p.serve_block(bad), maybe_ban=True)
    t.check("the invalid block was not connected",
            n.rpc("getblockcount") >= 1 and p2p.dhex(Block(bad).hash) not in
            (n.tip(), tip_before))
    hs.case("notfound for a block", lambda p: p.notfound_block(), ban=True)
    hs.case("filteradd without a filter", lambda p: p.filteradd_without_filter())
    hs.case("getdata flood", lambda p: p.getdata_flood(messages=3), ban=True)

    # stall mid-frame: a separate node with short timers
    opts = ["-idletimeout=4", "-pinginterval=1"]
    if all(t.accepts_option(o) for o in opts):
        s = t.node("S", opts).start()
        p = HostilePeer(s.p2p_port, timeout=15)
        try:
            p.handshake()
            p.truncated_payload("ping", claimed=8, sent=3)
            t.check("truncated payload then stall: disconnected by -idletimeout",
                    p.is_disconnected(30))
        finally:
            p.close()
        t.check("S answers RPC after the stall", isinstance(s.rpc("getblockcount"), int))
        t.equal("S: no ban for a stall", s.rpc("listbanned"), [])
    else:
        t.skip("truncated payload then stall", "elad does not accept %s" % " ".join(opts))


if __name__ == "__main__":
    Test("p2p_hostile", timeout=240).run(main)
