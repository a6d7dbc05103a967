"""ELA main-network P2P for the functional tests (Python 3 standard library only).

spec/p2p-rpc.md §2-§8 and spec/wire.md. What is here:

- Framing (§2): frame(), parse_header(), split_frames(), checksum().
- Messages (§3): one class per command with parse(payload) / serialize(); decode_msg(cmd,
  payload) and encode_msg(msg). Blocks keep their raw bytes plus a parsed Header (block hash =
  SHA256d of the 84-byte base header, AuxPoW excluded) and parsed Txs (txid = SHA256d of the tx
  without its programs).
- BIP-37 (§8): murmur3(), BloomFilter (sizing, insert/contains, ELA matching rules incl. the
  side-chain mode of tweak 0xffffffff), build_partial_tree() / PartialTree-checking in
  check_partial_tree() (returns the computed root and the matched txids).
- locator() (§6.2), merkle_root() (wire.md §7.1), solve_auxpow()/rebuild_block() to make
  (deliberately broken) blocks that still pass the proof of work on a regnet -instant chain.
- Peer (blocking socket client), HostilePeer (protocol violations), SpvClient (filtered sync).

Hashes are bytes in internal order unless a name says "display" (hex reversed)."""

import math
import os
import random
import socket
import struct
import time
from collections import deque

from framework import GENESIS_HASH, b58decode_check, sha256d, varbytes, varint

MAGIC_MAINNET = 2017001
MAGIC_TESTNET = 2018101
MAGIC_REGNET = 2018201
HEADER_LEN = 24
EMPTY_CHECKSUM = bytes.fromhex("5df6e0e2")
MAX_MESSAGE_PAYLOAD = 33554432

SF_NODE_NETWORK = 1
SF_TX_FILTERING = 2
SF_NODE_BLOOM = 4

INV_ERROR, INV_TX, INV_BLOCK, INV_FILTERED_BLOCK, INV_CONFIRMED_BLOCK, INV_ADDRESS = range(6)

REJECT_MALFORMED = 0x01
REJECT_INVALID = 0x10
REJECT_OBSOLETE = 0x11
REJECT_DUPLICATE = 0x12
REJECT_NONSTANDARD = 0x40
REJECT_DUST = 0x41
REJECT_INSUFFICIENTFEE = 0x42
REJECT_CHECKPOINT = 0x43

ZERO_HASH = bytes(32)
GENESIS_REGNET = bytes.fromhex(GENESIS_HASH)[::-1]  # internal order


def max_payload(cmd, ctx=2000000, hdr=1000000):
    """The reader's cap for a command (§2.3; regnet/mainnet defaults), None if unknown."""
    caps = {"version": 82, "verack": 0, "getaddr": 0, "mempool": 0, "filterclear": 0,
            "ping": 8, "pong": 8, "addr": 8 + 1000 * 42, "getblocks": 4 + 500 * 32 + 32,
            "inv": 4 + 50000 * 36, "getdata": 4 + 50000 * 36, "notfound": 4 + 50000 * 36,
            "block": 2 * (ctx + hdr), "tx": ctx, "merkleblock": ctx + hdr, "reject": 524288,
            "filterload": 36012, "filteradd": 523, "txfilter": 50004, "daddr": 387}
    return caps.get(cmd)


class DecodeError(ValueError):
    pass


class ProtocolError(Exception):
    """The remote broke the framing (bad magic, checksum, ...) or the connection ended."""


def dhex(h):
    """Display hex of an internal-order hash."""
    return h[::-1].hex()


def from_dhex(s):
    return bytes.fromhex(s)[::-1]


# ---- reader --------------------------------------------------------------------------------

class Reader:
    """Bounds-checked little-endian reader over bytes; every failure is a DecodeError."""

    def __init__(self, data, pos=0):
        self.b = bytes(data)
        self.pos = pos

    def left(self):
        return len(self.b) - self.pos

    def read(self, n):
        if n < 0 or self.pos + n > len(self.b):
            raise DecodeError("short read: want %d at %d of %d" % (n, self.pos, len(self.b)))
        v = self.b[self.pos:self.pos + n]
        self.pos += n
        return v

    def u8(self):
        return self.read(1)[0]

    def u16(self):
        return struct.unpack("<H", self.read(2))[0]

    def u32(self):
        return struct.unpack("<I", self.read(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.read(8))[0]

    def i64(self):
        return struct.unpack("<q", self.read(8))[0]

    def hash(self):
        return self.read(32)

    def varint(self):
        f = self.u8()
        if f < 0xfd:
            return f
        if f == 0xfd:
            v, lo = self.u16(), 0xfd
        elif f == 0xfe:
            v, lo = self.u32(), 0x10000
        else:
            v, lo = self.u64(), 0x100000000
        if v < lo:
            raise DecodeError("non-canonical varint")
        return v

    def varbytes(self, maxlen=16 * 1024 * 1024):
        n = self.varint()
        if n > maxlen:
            raise DecodeError("varbytes of %d over its cap %d" % (n, maxlen))
        return self.read(n)

    def done(self):
        if self.left():
            raise DecodeError("%d trailing bytes" % self.left())


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def i64(v):
    return struct.pack("<q", v)


# ---- framing (§2) --------------------------------------------------------------------------

def checksum(payload):
    return sha256d(payload)[:4]


def frame(cmd, payload=b"", magic=MAGIC_REGNET):
    """A complete message: 24-byte header + payload."""
    c = cmd.encode() if isinstance(cmd, str) else cmd
    if len(c) > 11:
        raise ValueError("command longer than 11 bytes: %r" % cmd)
    return u32(magic) + c.ljust(12, b"\0") + u32(len(payload)) + checksum(payload) + payload


def parse_header(h):
    """(magic, command str, length, checksum) of a 24-byte header; DecodeError when the command
    field holds no NUL or is not ASCII up to the first NUL."""
    if len(h) != HEADER_LEN:
        raise DecodeError("header is %d bytes" % len(h))
    magic, raw, length, chk = struct.unpack("<I12sI4s", h)
    if b"\0" not in raw:
        raise DecodeError("command field without NUL")
    try:
        cmd = raw[:raw.index(b"\0")].decode("ascii")
    except UnicodeDecodeError:
        raise DecodeError("non-ASCII command")
    return magic, cmd, length, chk


def split_frames(data):
    """Splits a byte stream into [(magic, cmd, payload, checksum_ok)]; DecodeError on a
    truncated tail."""
    out = []
    pos = 0
    while pos < len(data):
        magic, cmd, length, chk = parse_header(data[pos:pos + HEADER_LEN])
        payload = data[pos + HEADER_LEN:pos + HEADER_LEN + length]
        if len(payload) != length:
            raise DecodeError("truncated frame %s" % cmd)
        out.append((magic, cmd, payload, checksum(payload) == chk))
        pos += HEADER_LEN + length
    return out


# ---- chain structures (wire.md §2, §3) -------------------------------------------------------

class BtcTx:
    """A parent-chain (Bitcoin legacy) tx inside an AuxPoW; raw kept."""

    @classmethod
    def parse(cls, r):
        start = r.pos
        t = cls()
        t.version = r.u32()
        t.inputs = []
        for _ in range(r.varint()):
            t.inputs.append((r.hash(), r.u32(), r.varbytes(10000), r.u32()))
        t.outputs = []
        for _ in range(r.varint()):
            t.outputs.append((r.i64(), r.varbytes(10000)))
        t.locktime = r.u32()
        t.raw = r.b[start:r.pos]
        return t


class AuxPow:
    @classmethod
    def parse(cls, r):
        start = r.pos
        a = cls()
        a.coinbase = BtcTx.parse(r)
        a.parent_hash = r.hash()
        a.coinbase_branch = [r.hash() for _ in range(r.varint())]
        a.coinbase_index = r.u32()
        a.aux_branch = [r.hash() for _ in range(r.varint())]
        a.aux_index = r.u32()
        a.parent_header = r.read(80)
        a.raw = r.b[start:r.pos]
        return a


class Header:
    """Block header: version, prev, merkle_root, timestamp, bits, nonce, height, auxpow; hash =
    SHA256d(base 84 bytes). raw = the full serialization (84 + AuxPoW + trailer byte)."""

    @classmethod
    def parse(cls, r):
        start = r.pos
        h = cls()
        h.base = r.read(84)
        (h.version, h.prev, h.merkle_root, h.timestamp, h.bits, h.nonce,
         h.height) = struct.unpack("<I32s32sIIII", h.base)
        h.auxpow = AuxPow.parse(r)
        h.trailer = r.u8()
        h.raw = r.b[start:r.pos]
        h.hash = sha256d(h.base)
        return h

    @classmethod
    def from_bytes(cls, b):
        r = Reader(b)
        h = cls.parse(r)
        r.done()
        return h

    def display_hash(self):
        return dhex(self.hash)


def base_header(version, prev, merkle_root, timestamp, bits, nonce, height):
    return struct.pack("<I32s32sIIII", version, prev, merkle_root, timestamp, bits, nonce, height)


# tx payload readers by type: each consumes the payload from the Reader (wire.md §3.7).

def _pl_empty(r, pv):
    pass


def _pl_coinbase(r, pv):
    r.varbytes(1 << 20)


def _pl_register_asset(r, pv):
    r.varbytes(); r.varbytes(); r.read(3); r.i64(); r.read(21)


def _pl_record(r, pv):
    r.varbytes(); r.varbytes(1 << 20)


def _pl_sidechain_pow(r, pv):
    r.read(68); r.varbytes(1 << 20)


def _pl_withdraw(r, pv):
    if pv == 0:
        r.u32(); r.varbytes()
        for _ in range(r.varint()):
            r.hash()
    elif pv == 2:
        r.read(r.varint())


def _pl_cross_chain(r, pv):
    if pv == 0:
        for _ in range(r.varint()):
            r.varbytes(); r.varint(); r.i64()


def _pl_producer(r, pv):
    r.varbytes(34003); r.varbytes(34003); r.varbytes(); r.varbytes(); r.u64(); r.varbytes()
    if pv >= 1:
        r.u32()
    if pv in (0, 1):
        r.varbytes(64)


def _pl_cancel_producer(r, pv):
    r.varbytes(34003)
    if pv == 0:
        r.varbytes(64)


def _pl_activate_producer(r, pv):
    r.varbytes(33); r.varbytes(64)


def _pl_inactive_arbitrators(r, pv):
    r.varbytes(33); r.u32()
    for _ in range(r.varint()):
        r.varbytes(33)


def _pl_update_version(r, pv):
    r.u32(); r.u32()


def _pl_next_turn(r, pv):
    r.u32()
    for _ in range(r.varint()):
        r.varbytes(33)
    for _ in range(r.varint()):
        r.varbytes(33)
    if pv >= 1:
        for _ in range(r.varint()):
            r.varbytes(33)


def _pl_proposal_result(r, pv):
    for _ in range(r.varint()):
        r.hash(); r.u16(); r.u8()


def _pl_cr_info(r, pv):
    if pv in (0, 1):
        r.varbytes(34003)
    r.read(21)
    if pv >= 1:
        r.read(21)
    r.varbytes(); r.varbytes(); r.u64()
    if pv in (0, 1):
        r.varbytes(64001)


def _pl_unregister_cr(r, pv):
    r.read(21)
    if pv not in (1, 2):
        r.varbytes(64001)


def _pl_hashes(r, pv):
    for _ in range(r.varint()):
        r.hash()


def _pl_claim_node(r, pv):
    r.varbytes(33); r.read(21); r.varbytes(64001)


def _pl_revert_to_pow(r, pv):
    r.u8(); r.u32()


def _pl_revert_to_dpos(r, pv):
    r.u32(); r.u32()


def _pl_return_deposit(r, pv):
    if pv == 1:
        r.read(r.varint())


def _pl_claim_reward(r, pv):
    r.read(21)
    if pv == 0:
        r.varbytes(34003); r.i64(); r.varbytes(64001)
    else:
        r.i64()


def _pl_votes_withdraw(r, pv):
    for _ in range(r.varint()):
        r.hash(); r.read(21); r.i64()


def _pl_record_sponsor(r, pv):
    r.varbytes(33)


def _pl_voting(r, pv):
    n = r.varint()
    if pv == 0:
        for _ in range(n):
            r.u8()
            for _ in range(r.varint()):
                r.varbytes(34003); r.i64(); r.u32()
    elif pv == 1:
        for _ in range(n):
            r.hash(); r.varbytes(34003); r.i64(); r.u32()


def _pl_create_nft(r, pv):
    r.hash(); r.varbytes(); r.hash()
    if pv >= 1:
        r.u32(); r.u32(); r.i64(); r.i64(); r.varbytes(34003)


def _pl_nft_destroy(r, pv):
    for _ in range(r.varint()):
        r.hash()
    for _ in range(r.varint()):
        r.read(21)
    r.hash()


TX_PAYLOADS = {
    0x00: _pl_coinbase, 0x01: _pl_register_asset, 0x02: _pl_empty, 0x03: _pl_record,
    0x05: _pl_sidechain_pow, 0x07: _pl_withdraw, 0x08: _pl_cross_chain,
    0x09: _pl_producer, 0x0a: _pl_cancel_producer, 0x0b: _pl_producer,
    0x0c: _pl_empty, 0x0d: _pl_activate_producer, 0x12: _pl_inactive_arbitrators,
    0x13: _pl_update_version, 0x14: _pl_next_turn, 0x15: _pl_proposal_result,
    0x21: _pl_cr_info, 0x22: _pl_unregister_cr, 0x23: _pl_cr_info, 0x24: _pl_empty,
    0x28: _pl_empty, 0x2a: _pl_hashes, 0x2b: _pl_empty, 0x31: _pl_claim_node,
    0x41: _pl_revert_to_pow, 0x42: _pl_revert_to_dpos, 0x51: _pl_return_deposit,
    0x60: _pl_claim_reward, 0x61: _pl_hashes, 0x62: _pl_empty, 0x63: _pl_voting,
    0x64: _pl_claim_reward, 0x65: _pl_votes_withdraw, 0x66: _pl_record_sponsor,
    0x71: _pl_create_nft, 0x72: _pl_nft_destroy,
}
# Not parsed here (DecodeError "unsupported tx type"): the CR proposal family 0x25-0x27, 0x29
# and the evidence types 0x0e-0x11; the functional tests do not build those.

ATTR_USAGES = {0x00, 0x20, 0x81, 0x90, 0x91, 0x92}


def _vote_output(r):
    ver = r.u8()
    for _ in range(r.varint()):
        r.u8()
        for _ in range(r.varint()):
            r.varbytes(34003)
            if ver >= 1:
                r.i64()


def _output_payload(r, otype):
    if otype == 0:
        return
    if otype in (1, 6):
        _vote_output(r)
    elif otype == 2:
        r.u8(); r.varbytes(34003); r.varbytes(256); r.varbytes(64)
    elif otype == 3:
        r.u8(); r.varbytes(); r.i64(); r.varbytes(1024)
    elif otype == 4:
        r.u8(); r.varbytes(); r.hash(); r.varbytes(1024)
    elif otype == 5:
        r.u8(); r.varbytes(); r.hash()
    elif otype == 7:
        r.u8(); r.read(21)
    else:
        raise DecodeError("unknown output type %d" % otype)


class Tx:
    """A parsed transaction: raw, unsigned (bytes the txid covers), txid (internal order),
    version, type, payload_version, inputs [(prev txid, index, sequence)], outputs [(asset,
    value, output_lock, program_hash, type)], locktime, programs [(parameter, code)]."""

    @classmethod
    def parse(cls, r):
        start = r.pos
        t = cls()
        f = r.u8()
        if f >= 0x09:
            t.version, t.type = f, r.u8()
        else:
            t.version, t.type = 0, f
        t.payload_version = r.u8()
        fn = TX_PAYLOADS.get(t.type)
        if fn is None:
            raise DecodeError("unsupported tx type 0x%02x" % t.type)
        fn(r, t.payload_version)
        t.attributes = []
        for _ in range(r.varint()):
            usage = r.u8()
            if usage not in ATTR_USAGES:
                raise DecodeError("unknown attribute usage 0x%02x" % usage)
            t.attributes.append((usage, r.varbytes()))
        t.inputs = []
        for _ in range(r.varint()):
            t.inputs.append((r.hash(), r.u16(), r.u32()))
        t.outputs = []
        for _ in range(r.varint()):
            asset, value, lock, ph = r.hash(), r.i64(), r.u32(), r.read(21)
            otype = 0
            if t.version >= 9:
                otype = r.u8()
                _output_payload(r, otype)
            t.outputs.append((asset, value, lock, ph, otype))
        t.locktime = r.u32()
        t.unsigned = r.b[start:r.pos]
        t.programs = []
        for _ in range(r.varint()):
            t.programs.append((r.varbytes(20000), r.varbytes(10000)))
        t.raw = r.b[start:r.pos]
        t.txid = sha256d(t.unsigned)
        return t

    @classmethod
    def from_bytes(cls, b):
        r = Reader(b)
        t = cls.parse(r)
        r.done()
        return t

    def display_txid(self):
        return dhex(self.txid)


def parse_confirm(r):
    """Consumes a Confirm (wire.md §2.7); returns its raw bytes."""
    start = r.pos
    r.varbytes(33); r.hash(); r.u32(); r.varbytes(64)
    for _ in range(r.u64()):
        r.hash(); r.varbytes(33); r.u8(); r.varbytes(64)
    return r.b[start:r.pos]


def merkle_root(txids):
    """wire.md §7.1 (internal order)."""
    if not txids:
        raise ValueError("no txids")
    level = list(txids)
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


# ---- messages (§3) -------------------------------------------------------------------------

class Msg:
    command = None

    def frame(self, magic=MAGIC_REGNET):
        return frame(self.command, self.serialize(), magic)

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join(
            "%s=%r" % kv for kv in sorted(self.__dict__.items()) if kv[0] != "raw"))


class Empty(Msg):
    """verack, getaddr, mempool, filterclear."""

    def __init__(self, command):
        self.command = command

    @classmethod
    def parse_as(cls, command, payload):
        if payload:
            raise DecodeError("%s carries %d bytes" % (command, len(payload)))
        return cls(command)

    def serialize(self):
        return b""


class Version(Msg):
    command = "version"

    def __init__(self, version=20000, services=0, timestamp=None, port=0, nonce=None,
                 height=0, relay=True, node_version=None):
        self.version = version
        self.services = services
        self.timestamp = int(time.time()) if timestamp is None else timestamp
        self.port = port
        self.nonce = random.getrandbits(64) if nonce is None else nonce
        self.height = height
        self.relay = relay
        self.node_version = node_version if node_version is not None else (
            "ela-py-test" if version >= 80000 else None)

    @classmethod
    def parse(cls, payload):
        r = Reader(payload)
        m = cls(r.u32(), r.u64(), r.u32(), r.u16(), r.u64(), r.u64(), r.u8())
        m.relay_byte = m.relay
        m.relay = m.relay != 0
        m.node_version = r.varbytes(46).decode("latin-1") if m.version >= 80000 else None
        return m

    def serialize(self):
        b = u32(self.version) + u64(self.services) + u32(self.timestamp) + u16(self.port) + \
            u64(self.nonce) + u64(self.height)
        rb = getattr(self, "relay_byte", None)  # a parsed message keeps its exact byte
        b += bytes([rb if rb is not None and bool(rb) == self.relay else int(bool(self.relay))])
        if self.version >= 80000:
            b += varbytes((self.node_version or "").encode("latin-1"))
        return b


class Ping(Msg):
    command = "ping"

    def __init__(self, nonce=0, command="ping"):
        self.nonce = nonce
        self.command = command

    @classmethod
    def parse_as(cls, command, payload):
        r = Reader(payload)
        return cls(r.u64(), command)

    def serialize(self):
        return u64(self.nonce)


class NetAddress:
    def __init__(self, timestamp, services, ip, port):
        self.timestamp, self.services, self.port = timestamp, services, port
        if isinstance(ip, str):
            ip = bytes(10) + b"\xff\xff" + socket.inet_aton(ip)
        self.ip = ip

    def ipv4(self):
        if self.ip[:12] == bytes(10) + b"\xff\xff":
            return socket.inet_ntoa(self.ip[12:])
        return None

    def serialize(self):
        return i64(self.timestamp) + u64(self.services) + self.ip + u16(self.port)

    def __repr__(self):
        return "NetAddress(%s:%d, services %d, ts %d)" % (self.ipv4() or self.ip.hex(),
                                                          self.port, self.services,
                                                          self.timestamp)


class Addr(Msg):
    command = "addr"

    def __init__(self, addrs=()):
        self.addrs = list(addrs)

    @classmethod
    def parse(cls, payload):
        r = Reader(payload)
        n = r.u64()
        if n > 1000:
            raise DecodeError("addr count %d" % n)
        return cls([NetAddress(r.i64(), r.u64(), r.read(16), r.u16()) for _ in range(n)])

    def serialize(self):
        return u64(len(self.addrs)) + b"".join(a.serialize() for a in self.addrs)


class Inv(Msg):
    """inv / getdata / notfound: items [(type, hash)]."""

    def __init__(self, items=(), command="inv"):
        self.items = list(items)
        self.command = command

    @classmethod
    def parse_as(cls, command, payload):
        r = Reader(payload)
        n = r.u32()
        if n > 50000:
            raise DecodeError("%s count %d" % (command, n))
        return cls([(r.u32(), r.hash()) for _ in range(n)], command)

    def serialize(self):
        return u32(len(self.items)) + b"".join(u32(t) + h for t, h in self.items)


class GetBlocks(Msg):
    command = "getblocks"

    def __init__(self, locator=(), stop=ZERO_HASH):
        self.locator = list(locator)
        self.stop = stop

    @classmethod
    def parse(cls, payload):
        r = Reader(payload)
        n = r.u32()
        if n > 500:
            raise DecodeError("getblocks locator of %d" % n)
        return cls([r.hash() for _ in range(n)], r.hash())

    def serialize(self):
        return u32(len(self.locator)) + b"".join(self.locator) + self.stop


class Block(Msg):
    """A `block` message (DposBlock): raw block bytes, have_confirm, confirm (raw or None);
    header (Header), txs ([Tx]), hash, height."""
    command = "block"

    def __init__(self, raw, have_confirm=False, confirm=None, parse=True):
        self.raw = bytes(raw)
        self.have_confirm = have_confirm
        self.confirm = confirm
        if parse:
            r = Reader(self.raw)
            self._parse_block(r)
            r.done()

    def _parse_block(self, r):
        self.header = Header.parse(r)
        n = r.u32()
        if n > 10000:
            raise DecodeError("block with %d txs" % n)
        self.txs = [Tx.parse(r) for _ in range(n)]
        self.hash = self.header.hash
        self.height = self.header.height

    @classmethod
    def parse(cls, payload):
        r = Reader(payload)
        m = cls(b"", parse=False)
        m._parse_block(r)
        m.raw = payload[:r.pos]
        m.have_confirm = r.u8() != 0
        m.confirm = parse_confirm(r) if m.have_confirm else None
        return m

    def txids(self):
        return [t.txid for t in self.txs]

    def computed_merkle_root(self):
        return merkle_root(self.txids())

    def serialize(self):
        b = self.raw + (b"\x01" if self.have_confirm else b"\x00")
        if self.have_confirm:
            b += self.confirm
        return b


class TxMsg(Msg):
    command = "tx"

    def __init__(self, raw, parse=True):
        self.raw = bytes(raw)
        self.tx = Tx.from_bytes(self.raw) if parse else None
        self.txid = self.tx.txid if parse else None

    @classmethod
    def parse(cls, payload):
        r = Reader(payload)
        t = Tx.parse(r)
        m = cls(t.raw, parse=False)
        m.tx, m.txid = t, t.txid
        return m

    def serialize(self):
        return self.raw


class Reject(Msg):
    command = "reject"

    def __init__(self, cmd="", code=REJECT_MALFORMED, reason="", hash=ZERO_HASH):
        self.cmd, self.code, self.reason, self.hash = cmd, code, reason, hash

    @classmethod
    def parse(cls, payload):
        r = Reader(payload)
        return cls(r.varbytes().decode("latin-1"), r.u8(), r.varbytes().decode("latin-1"),
                   r.hash())

    def serialize(self):
        return varbytes(self.cmd.encode("latin-1")) + bytes([self.code]) + \
            varbytes(self.reason.encode("latin-1")) + self.hash


class FilterLoad(Msg):
    """filter bytes, hash_funcs, tweak, flags, tx_types (None = absent from the payload)."""
    command = "filterload"

    def __init__(self, filter=b"", hash_funcs=0, tweak=0, flags=0, tx_types=None):
        self.filter, self.hash_funcs, self.tweak, self.flags = bytes(filter), hash_funcs, \
            tweak, flags
        self.tx_types = tx_types

    @classmethod
    def parse(cls, payload):
        r = Reader(payload)
        m = cls(r.varbytes(36000), r.u32(), r.u32(), r.u8())
        if r.left():
            m.tx_types = list(r.read(r.varint()))
        return m

    def serialize(self):
        b = varbytes(self.filter) + u32(self.hash_funcs) + u32(self.tweak) + bytes([self.flags])
        if self.tx_types is not None:
            b += varint(len(self.tx_types)) + bytes(self.tx_types)
        return b


class FilterAdd(Msg):
    command = "filteradd"

    def __init__(self, data=b""):
        self.data = bytes(data)

    @classmethod
    def parse(cls, payload):
        return cls(Reader(payload).varbytes(520))

    def serialize(self):
        return varbytes(self.data)


class TxFilter(Msg):
    """type u8 + data varbytes; for types 0 and 1 .load() is the FilterLoad inside."""
    command = "txfilter"

    def __init__(self, type=0, data=b""):
        self.type, self.data = type, bytes(data)

    @classmethod
    def parse(cls, payload):
        r = Reader(payload)
        return cls(r.u8(), r.varbytes(50000))

    def load(self):
        return FilterLoad.parse(self.data)

    def serialize(self):
        return bytes([self.type]) + varbytes(self.data)


class MerkleBlock(Msg):
    """header (Header), [have_confirm, confirm for the DPOSHeader form of txfilter type 1],
    total (tx count), hashes, flags. check() verifies the partial tree."""
    command = "merkleblock"

    def __init__(self, header_raw=b"", total=0, hashes=(), flags=b"", dpos=False,
                 have_confirm=False, confirm=None):
        self.header_raw = bytes(header_raw)
        self.header = Header.from_bytes(self.header_raw) if header_raw else None
        self.total, self.hashes, self.flags = total, list(hashes), bytes(flags)
        self.dpos, self.have_confirm, self.confirm = dpos, have_confirm, confirm

    @classmethod
    def parse(cls, payload, dpos=False):
        r = Reader(payload)
        h = Header.parse(r)
        m = cls(dpos=dpos)
        m.header, m.header_raw = h, h.raw
        if dpos:
            m.have_confirm = r.u8() != 0
            m.confirm = parse_confirm(r) if m.have_confirm else None
        m.total = r.u32()
        n = r.u32()
        if n > 10000:
            raise DecodeError("merkleblock with %d hashes" % n)
        m.hashes = [r.hash() for _ in range(n)]
        m.flags = r.varbytes(1250)
        return m

    def serialize(self):
        b = self.header_raw
        if self.dpos:
            b += b"\x01" + self.confirm if self.have_confirm else b"\x00"
        return b + u32(self.total) + u32(len(self.hashes)) + b"".join(self.hashes) + \
            varbytes(self.flags)

    def check(self):
        """(matched txids, computed root); ValueError if the tree is malformed or its root is not
        the header's merkle root."""
        root, matched = check_partial_tree(self.total, self.hashes, self.flags)
        if root != self.header.merkle_root:
            raise ValueError("merkleblock root %s != header merkle root %s" %
                             (dhex(root), dhex(self.header.merkle_root)))
        return [h for _, h in matched], root


class Raw(Msg):
    """Anything else (daddr, unknown commands): payload kept as is."""

    def __init__(self, command, payload):
        self.command, self.payload = command, bytes(payload)

    def serialize(self):
        return self.payload


def decode_msg(cmd, payload, dpos_merkleblock=False):
    """The message object of (cmd, payload); DecodeError when it does not decode. Trailing bytes
    are ignored, as the reference does (§2.2 step 5)."""
    if cmd in ("verack", "getaddr", "mempool", "filterclear"):
        return Empty.parse_as(cmd, payload)
    if cmd in ("ping", "pong"):
        return Ping.parse_as(cmd, payload)
    if cmd in ("inv", "getdata", "notfound"):
        return Inv.parse_as(cmd, payload)
    if cmd == "merkleblock":
        return MerkleBlock.parse(payload, dpos_merkleblock)
    cls = {"version": Version, "addr": Addr, "getblocks": GetBlocks, "block": Block,
           "tx": TxMsg, "reject": Reject, "filterload": FilterLoad, "filteradd": FilterAdd,
           "txfilter": TxFilter}.get(cmd)
    if cls is None:
        return Raw(cmd, payload)
    return cls.parse(payload)


def encode_msg(msg):
    return msg.serialize()


# ---- BIP-37 (§8) ---------------------------------------------------------------------------

def murmur3(seed, data):
    """MurmurHash3 x86_32."""
    c1, c2 = 0xcc9e2d51, 0x1b873593
    h = seed & 0xffffffff
    n = len(data) // 4
    for i in range(n):
        k = int.from_bytes(data[4 * i:4 * i + 4], "little")
        k = (k * c1) & 0xffffffff
        k = ((k << 15) | (k >> 17)) & 0xffffffff
        k = (k * c2) & 0xffffffff
        h ^= k
        h = ((h << 13) | (h >> 19)) & 0xffffffff
        h = (h * 5 + 0xe6546b64) & 0xffffffff
    tail = data[4 * n:]
    k = 0
    if len(tail) >= 3:
        k ^= tail[2] << 16
    if len(tail) >= 2:
        k ^= tail[1] << 8
    if len(tail) >= 1:
        k ^= tail[0]
        k = (k * c1) & 0xffffffff
        k = ((k << 15) | (k >> 17)) & 0xffffffff
        k = (k * c2) & 0xffffffff
        h ^= k
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85ebca6b) & 0xffffffff
    h ^= h >> 13
    h = (h * 0xc2b2ae35) & 0xffffffff
    h ^= h >> 16
    return h


SIDECHAIN_TWEAK = 0xffffffff


class BloomFilter:
    """BIP-37 filter with the reference's sizing (bytes = floor(min(-n ln p / ln2², 288000) / 8),
    funcs = floor(min(bytes*8/n ln2, 50))) and matching rules (elanet/bloom/filter.go)."""

    def __init__(self, elements=1, fprate=0.0001, tweak=0, flags=0, tx_types=None, data=None,
                 hash_funcs=None):
        if data is None:
            fprate = min(max(fprate, 1e-9), 1.0)
            nbits = int(-1 * elements * math.log(fprate) / (math.log(2) ** 2))
            data = bytes(min(nbits, 36000 * 8) // 8)
            hash_funcs = min(int(len(data) * 8 / elements * math.log(2)), 50)
        self.data = bytearray(data)
        self.hash_funcs = hash_funcs
        self.tweak = tweak & 0xffffffff
        self.flags = flags
        self.tx_types = tx_types

    @classmethod
    def from_filterload(cls, m):
        return cls(data=m.filter, hash_funcs=m.hash_funcs, tweak=m.tweak, flags=m.flags,
                   tx_types=m.tx_types)

    def _index(self, i, data):
        return murmur3((i * 0xfba4c795 + self.tweak) & 0xffffffff, data) % (len(self.data) * 8)

    def insert(self, data):
        if not self.data:
            return
        for i in range(self.hash_funcs):
            idx = self._index(i, data)
            self.data[idx >> 3] |= 1 << (idx & 7)

    def contains(self, data):
        if not self.data:
            return self.hash_funcs == 0  # the reference would divide by zero otherwise
        for i in range(self.hash_funcs):
            idx = self._index(i, data)
            if not self.data[idx >> 3] & (1 << (idx & 7)):
                return False
        return True

    def filterload(self):
        return FilterLoad(bytes(self.data), self.hash_funcs, self.tweak, self.flags,
                          self.tx_types)

    def serialize(self):
        return self.filterload().serialize()

    def copy(self):
        return BloomFilter(data=bytes(self.data), hash_funcs=self.hash_funcs, tweak=self.tweak,
                           flags=self.flags, tx_types=self.tx_types)

    def match_tx_and_update(self, tx):
        """The reference's rule: in side-chain mode (tweak 0xffffffff) a tx matches iff (no
        txTypes or its type is listed) and the filter is non-empty and an output's program hash
        matches; no update. Otherwise: txid matches, or an output's program hash matches (each
        such outpoint txid‖u16 index is inserted), or an input's previous outpoint matches."""
        if self.tweak == SIDECHAIN_TWEAK:
            if self.tx_types and tx.type not in self.tx_types:
                return False
            if self.data:
                return any(self.contains(o[3]) for o in tx.outputs)
            return False
        matched = self.contains(tx.txid)
        for i, out in enumerate(tx.outputs):
            if self.contains(out[3]):
                matched = True
                self.insert(tx.txid + u16(i))
        if matched:
            return True
        return any(self.contains(prev + u16(idx)) for prev, idx, _ in tx.inputs)


def filter_for_addresses(addresses, fprate=0.0001, tweak=None, flags=0, elements=None):
    """A filter holding the program hashes of these ELA addresses, sized for `elements` items
    (default: the addresses; the outpoints that matching adds count too, so a filter that will
    match many txs needs room for them or its false-positive rate climbs)."""
    phs = [a if isinstance(a, bytes) else b58decode_check(a) for a in addresses]
    f = BloomFilter(max(elements or len(phs), 1), fprate,
                    random.getrandbits(31) if tweak is None else tweak, flags)
    for ph in phs:
        f.insert(ph)
    return f


def expected_matches(filt, blocks):
    """Replays the reference's matching over blocks ([Block] in chain order) with a copy of the
    filter: [(height, [txid])] of the blocks' matched txids."""
    f = filt.copy()
    return [(b.height, [t.txid for t in b.txs if f.match_tx_and_update(t)]) for b in blocks]


# ---- partial merkle trees (BIP-37) ---------------------------------------------------------

def _tree_width(n, height):
    return (n + (1 << height) - 1) >> height


def _tree_hash(height, pos, txids):
    if height == 0:
        return txids[pos]
    left = _tree_hash(height - 1, pos * 2, txids)
    if pos * 2 + 1 < _tree_width(len(txids), height - 1):
        right = _tree_hash(height - 1, pos * 2 + 1, txids)
    else:
        right = left
    return sha256d(left + right)


def _tree_height(n):
    h = 0
    while _tree_width(n, h) > 1:
        h += 1
    return h


def build_partial_tree(txids, matches):
    """(hashes, flags bytes) of BIP-37's depth-first partial tree over txids with the matched
    flags (one bool per tx)."""
    n = len(txids)
    bits, hashes = [], []

    def walk(height, pos):
        parent = any(matches[pos << height:min((pos + 1) << height, n)])
        bits.append(1 if parent else 0)
        if height == 0 or not parent:
            hashes.append(_tree_hash(height, pos, txids))
        else:
            walk(height - 1, pos * 2)
            if pos * 2 + 1 < _tree_width(n, height - 1):
                walk(height - 1, pos * 2 + 1)

    walk(_tree_height(n), 0)
    flags = bytearray((len(bits) + 7) // 8)
    for i, b in enumerate(bits):
        flags[i // 8] |= b << (i % 8)
    return hashes, bytes(flags)


def check_partial_tree(total, hashes, flags):
    """(computed root, [(index, txid)] matched) of a partial tree; ValueError when malformed:
    no txs, too many/few hashes or bits, non-zero padding, equal sibling hashes."""
    if total == 0:
        raise ValueError("no transactions")
    if total > 10000 or len(hashes) > total:
        raise ValueError("more hashes than transactions")
    if len(flags) * 8 < len(hashes):
        raise ValueError("fewer flag bits than hashes")
    nbits = len(flags) * 8
    st = {"bit": 0, "hash": 0}
    matched = []

    def walk(height, pos):
        if st["bit"] >= nbits:
            raise ValueError("ran out of flag bits")
        parent = (flags[st["bit"] // 8] >> (st["bit"] % 8)) & 1
        st["bit"] += 1
        if height == 0 or not parent:
            if st["hash"] >= len(hashes):
                raise ValueError("ran out of hashes")
            h = hashes[st["hash"]]
            st["hash"] += 1
            if height == 0 and parent:
                matched.append((pos, h))
            return h
        left = walk(height - 1, pos * 2)
        if pos * 2 + 1 < _tree_width(total, height - 1):
            right = walk(height - 1, pos * 2 + 1)
            if right == left:
                raise ValueError("equal sibling hashes")
        else:
            right = left
        return sha256d(left + right)

    root = walk(_tree_height(total), 0)
    if st["hash"] != len(hashes):
        raise ValueError("%d hashes left over" % (len(hashes) - st["hash"]))
    if (st["bit"] + 7) // 8 != len(flags):
        raise ValueError("unused flag bytes")
    if st["bit"] % 8 and flags[-1] >> (st["bit"] % 8):
        raise ValueError("non-zero padding bits")
    return root, matched


def merkleblock_for(block, filt):
    """The MerkleBlock the reference would send for block with this filter (updates filt)."""
    matches = [filt.match_tx_and_update(t) for t in block.txs]
    hashes, flags = build_partial_tree(block.txids(), matches)
    return MerkleBlock(block.header.raw, len(block.txs), hashes, flags)


# ---- locator (§6.2) ------------------------------------------------------------------------

def locator(hashes_by_height, tip):
    """BlockLocatorFromHash: hashes_by_height is a list or dict height → hash."""
    loc = [hashes_by_height[tip]]
    if tip == 0:
        return loc
    height, step = tip, 1
    while len(loc) < 499:
        if len(loc) > 10:
            step *= 2
        height -= step
        if height < 1:
            break
        loc.append(hashes_by_height[height])
    loc.append(hashes_by_height[0])
    return loc


# ---- blocks with a valid AuxPoW (to build invalid-but-well-mined blocks) ---------------------

def compact_to_target(bits):
    mant, exp = bits & 0x007fffff, bits >> 24
    t = mant >> (8 * (3 - exp)) if exp <= 3 else mant << (8 * (exp - 3))
    return -t if bits & 0x00800000 else t


def solve_auxpow(block_hash, bits, max_tries=1 << 26):
    """An AuxPoW (bytes) for this ELA block hash as the built-in miner makes it (empty branches;
    coinbase script fabe6d6d ‖ hash ‖ 01000000 ‖ 00000000) whose parent header meets bits."""
    script = bytes.fromhex("fabe6d6d") + block_hash + u32(1) + u32(0)
    cb = u32(1) + varint(1) + ZERO_HASH + u32(0) + varbytes(script) + u32(0) + varint(0) + u32(0)
    target = compact_to_target(bits)
    prefix = u32(0x7fffffff) + ZERO_HASH + sha256d(cb) + u32(int(time.time())) + u32(bits)
    for nonce in range(max_tries):
        ph = prefix + u32(nonce)
        if int.from_bytes(sha256d(ph), "little") <= target:
            return cb + ZERO_HASH + varint(0) + u32(0) + varint(0) + u32(0) + ph
    raise ValueError("no AuxPoW found in %d tries" % max_tries)


def rebuild_block(block, txs_raw=None, **fields):
    """A new raw block from block (a Block): header fields overridden by keyword (version, prev,
    merkle_root, timestamp, bits, nonce, height), txs replaced by txs_raw (list of raw txs) if
    given; merkle_root is recomputed from the txs unless given; a fresh AuxPoW is solved for the
    new hash (fast on -instant regnet bits 0x207fffff)."""
    h = block.header
    txs = [Tx.from_bytes(t) for t in txs_raw] if txs_raw is not None else block.txs
    v = dict(version=h.version, prev=h.prev, merkle_root=merkle_root([t.txid for t in txs]),
             timestamp=h.timestamp, bits=h.bits, nonce=h.nonce, height=h.height)
    v.update(fields)
    base = base_header(**v)
    aux = solve_auxpow(sha256d(base), v["bits"])
    return base + aux + b"\x01" + u32(len(txs)) + b"".join(t.raw for t in txs)


# ---- Peer ------------------------------------------------------------------------------------

class Peer:
    """A blocking P2P client to 127.0.0.1:port. recv() returns (cmd, payload); messages that a
    wait skipped stay in self.backlog for later recv() calls only when said so; every received
    message is appended to self.log. Pings are answered with pong(self.height) when
    auto_pong."""

    def __init__(self, port, magic=MAGIC_REGNET, host="127.0.0.1", timeout=10,
                 auto_pong=True, height=0):
        self.port, self.magic, self.host = port, magic, host
        self.timeout = timeout
        self.auto_pong = auto_pong
        self.height = height
        self.sock = None
        self.buf = b""
        self.backlog = deque()
        self.log = []
        self.remote_version = None
        self.eof = False

    # -- connection --

    def connect(self, timeout=None):
        self.sock = socket.create_connection((self.host, self.port),
                                             timeout=timeout or self.timeout)
        return self

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def version_msg(self, height=None, services=0, relay=True, version=20000, node_version=None,
                    port=0, nonce=None):
        return Version(version, services, None, port, nonce,
                       self.height if height is None else height, relay, node_version)

    def handshake(self, height=None, services=0, relay=True, version=20000, node_version=None,
                  port=0, timeout=None, wait_verack=True):
        """Sends version, reads the remote version (earlier messages are kept in the backlog),
        sends verack, then (wait_verack) reads until the remote verack. Returns the remote
        Version."""
        if self.sock is None:
            self.connect()
        if height is not None:
            self.height = height
        self.send_msg(self.version_msg(height, services, relay, version, node_version, port))
        skipped = []
        cmd, payload = self.recv_until(lambda c, p: c == "version", timeout, skipped)
        self.remote_version = Version.parse(payload)
        self.send("verack")
        if wait_verack:
            self.recv_until(lambda c, p: c == "verack", timeout, skipped)
        self.backlog.extend(skipped)
        return self.remote_version

    # -- sending --

    def raw_send(self, data):
        self.sock.sendall(data)

    def send(self, cmd, payload=b""):
        self.raw_send(frame(cmd, payload, self.magic))

    def send_msg(self, msg):
        self.send(msg.command, msg.serialize())

    # -- receiving --

    def _fill(self, n, deadline):
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("timed out")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.eof = True
                raise ProtocolError("connection closed by the peer")
            self.buf += chunk

    def _read_frame(self, deadline):
        self._fill(HEADER_LEN, deadline)
        magic, cmd, length, chk = parse_header(self.buf[:HEADER_LEN])
        if magic != self.magic:
            raise ProtocolError("bad magic %d" % magic)
        if length > MAX_MESSAGE_PAYLOAD:
            raise ProtocolError("%s of %d bytes" % (cmd, length))
        self._fill(HEADER_LEN + length, deadline)
        payload = self.buf[HEADER_LEN:HEADER_LEN + length]
        self.buf = self.buf[HEADER_LEN + length:]
        if checksum(payload) != chk:
            raise ProtocolError("bad checksum on %s" % cmd)
        return cmd, payload

    def recv(self, timeout=None):
        """The next message (cmd, payload); socket.timeout when none arrives in time,
        ProtocolError when the connection ends or breaks the framing."""
        if self.backlog:
            return self.backlog.popleft()
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            cmd, payload = self._read_frame(deadline)
            self.log.append((cmd, payload))
            if cmd == "ping" and self.auto_pong and self.sock is not None:
                self.send("pong", u64(self.height))
            return cmd, payload

    def recv_msg(self, timeout=None):
        cmd, payload = self.recv(timeout)
        return decode_msg(cmd, payload)

    def recv_until(self, pred, timeout=None, skipped=None):
        """Reads until pred(cmd, payload) holds; returns that (cmd, payload). Other messages are
        appended to skipped (a list) if given, else dropped (they remain in self.log)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("timed out waiting for a message")
            cmd, payload = self.recv(left)
            if pred(cmd, payload):
                return cmd, payload
            if skipped is not None:
                skipped.append((cmd, payload))

    def wait_for(self, command, timeout=None):
        """The next message of this command, decoded."""
        return decode_msg(*self.recv_until(lambda c, p: c == command, timeout))

    def is_disconnected(self, timeout=None):
        """True when the peer closes (EOF or reset) within timeout; messages read meanwhile are
        logged. False when the connection is still open at the deadline."""
        if self.eof:
            return True
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except (ConnectionResetError, BrokenPipeError):
                chunk = b""
            except OSError:
                chunk = b""
            if not chunk:
                self.eof = True
                return True
            self.buf += chunk
            try:
                while len(self.buf) >= HEADER_LEN:
                    _, cmd, length, _ = parse_header(self.buf[:HEADER_LEN])
                    if len(self.buf) < HEADER_LEN + length:
                        break
                    self.log.append((cmd, self.buf[HEADER_LEN:HEADER_LEN + length]))
                    self.buf = self.buf[HEADER_LEN + length:]
            except DecodeError:
                self.buf = b""

    def received(self, command):
        """Payloads of every logged message of this command."""
        return [p for c, p in self.log if c == command]

    # -- helpers --

    def ping(self, timeout=None):
        """Sends ping(self.height), returns the height in the pong."""
        self.send("ping", u64(self.height))
        _, p = self.recv_until(lambda c, p: c == "pong", timeout)
        return Reader(p).u64()

    def getdata(self, items):
        self.send_msg(Inv(items, "getdata"))

    def get_block(self, block_hash, inv_type=INV_BLOCK, timeout=None):
        """Requests one block by internal hash; returns the Block (ProtocolError on notfound)."""
        self.getdata([(inv_type, block_hash)])
        cmd, p = self.recv_until(lambda c, p: c == "block" and Block.parse(p).hash == block_hash
                                 or c == "notfound", timeout)
        if cmd == "notfound":
            raise ProtocolError("notfound for %s" % dhex(block_hash))
        return Block.parse(p)


# ---- HostilePeer -------------------------------------------------------------------------

class HostilePeer(Peer):
    """Each method commits one violation (§2.2, §4.1, §5.3, §7.5); most expect a completed
    handshake (call handshake() first) unless the name says otherwise. Afterwards the test
    checks is_disconnected() (and, for bans, that a new connection is refused)."""

    def bad_magic(self, cmd="ping", payload=None):
        self.raw_send(frame(cmd, u64(1) if payload is None else payload, self.magic ^ 0x5a5a))

    def command_without_nul(self):
        payload = u64(1)
        self.raw_send(u32(self.magic) + b"pingpingping" + u32(len(payload)) + checksum(payload) +
                      payload)

    def unknown_command(self, cmd="sendheaders", payload=b""):
        self.send(cmd, payload)

    def oversize_length(self, cmd="ping"):
        """A header whose length is one over the command's cap (the payload follows)."""
        n = max_payload(cmd) + 1
        payload = bytes(n)
        self.raw_send(u32(self.magic) + cmd.encode().ljust(12, b"\0") + u32(n) +
                      checksum(payload) + payload)

    def bad_checksum(self, cmd="ping", payload=None):
        payload = u64(self.height) if payload is None else payload
        bad = bytes(b ^ 0xff for b in checksum(payload))
        self.raw_send(u32(self.magic) + cmd.encode().ljust(12, b"\0") + u32(len(payload)) +
                      bad + payload)

    def truncated_payload(self, cmd="ping", claimed=8, sent=3):
        """A header announcing `claimed` bytes followed by only `sent` of them; then stall."""
        payload = bytes(claimed)
        self.raw_send(u32(self.magic) + cmd.encode().ljust(12, b"\0") + u32(claimed) +
                      checksum(payload) + payload[:sent])

    def garbage_payload(self, cmd="getblocks"):
        """A well-framed payload that fails to decode (a count promising more than is there)."""
        payloads = {"getblocks": u32(5) + bytes(32),
                    "inv": u32(3) + u32(1) + bytes(32),
                    "getdata": u32(3) + u32(1) + bytes(32),
                    "addr": u64(2) + bytes(34),
                    "version": bytes(10),
                    "ping": bytes(3),
                    "tx": b"\x09\x02\x00\x05",
                    "block": bytes(50),
                    "filterload": b"\xfd\x10\x00" + bytes(16)}
        self.send(cmd, payloads[cmd])

    def first_not_version(self, cmd="ping", payload=None):
        """Before any version: sends another message (connects if needed)."""
        if self.sock is None:
            self.connect()
        self.send(cmd, u64(0) if payload is None and cmd in ("ping", "pong") else
                  (payload or b""))

    def duplicate_version(self):
        self.send_msg(self.version_msg())

    def duplicate_verack(self):
        self.send("verack")

    def empty_addr(self):
        self.send("addr", u64(0))

    def unsolicited_block(self, block_raw):
        self.send("block", bytes(block_raw) + b"\x00")

    def serve_block(self, block_raw, inv_type=INV_BLOCK, timeout=None):
        """Announces the block (inv), waits for the node's getdata of it, sends it. Returns the
        getdata's inv type. Use with rebuild_block() for an invalid block (e.g. merkle_root=…)."""
        b = Block(block_raw)
        self.send_msg(Inv([(inv_type, b.hash)]))

        def asked(c, p):
            return c == "getdata" and any(h == b.hash for _, h in Inv.parse_as(c, p).items)
        _, p = self.recv_until(asked, timeout)
        t = [t for t, h in Inv.parse_as("getdata", p).items if h == b.hash][0]
        self.send("block", b.raw + b"\x00")
        return t

    def notfound_block(self, block_hash=None):
        self.send_msg(Inv([(INV_BLOCK, block_hash or os.urandom(32))], "notfound"))

    def filteradd_without_filter(self, data=b"\x01" * 21):
        self.send_msg(FilterAdd(data))

    def getdata_flood(self, messages=3, items=50000, inv_type=INV_TX):
        """Sends `messages` getdata of `items` random tx hashes each (ban score items*99/50000
        per message, §5.2); stops quietly when the node hangs up."""
        for _ in range(messages):
            try:
                self.send_msg(Inv([(inv_type, os.urandom(32)) for _ in range(items)],
                                  "getdata"))
            except OSError:
                return

    def garbage_stream(self, n=4096, seed=None):
        """n random bytes that are not a frame (connects if needed)."""
        if self.sock is None:
            self.connect()
        rnd = random.Random(seed)
        data = bytes(rnd.getrandbits(8) for _ in range(n))
        try:
            self.raw_send(data)
        except OSError:
            pass


# ---- SPV client ------------------------------------------------------------------------------

class SpvError(Exception):
    pass


class SpvClient(Peer):
    """An SPV peer (§8): services 0, relay false, a bloom filter for addresses, filtered block
    download with merkle proofs checked against each header."""

    def __init__(self, port, **kw):
        Peer.__init__(self, port, **kw)
        self.filter = None
        self.headers = {}

    def start(self, height=0, timeout=None):
        return self.handshake(height=height, services=0, relay=False, timeout=timeout)

    def load_filter(self, addresses, use_txfilter=False, fprate=0.0001, tweak=None, flags=0,
                    elements=None):
        """Installs a filter with the addresses' program hashes (filterload or txfilter type
        0), sized for `elements` items (filter_for_addresses). Returns the BloomFilter."""
        self.filter = filter_for_addresses(addresses, fprate, tweak, flags, elements)
        fl = self.filter.filterload()
        if use_txfilter:
            self.send_msg(TxFilter(0, fl.serialize()))
        else:
            self.send_msg(fl)
        return self.filter

    def sync(self, tip_height=None, start=None, timeout=60):
        """getblocks from genesis (or `start`, a list locator), then inv → getdata type 3 →
        merkleblock + tx until the block at tip_height (default: the height the peer announced
        in its version) has arrived. Returns [{height, hash, matched: [txid], txs: {txid: raw},
        missing: [txid]}] in arrival order. SpvError on a bad proof or a timeout."""
        if tip_height is None:
            tip_height = self.remote_version.height
        deadline = time.monotonic() + timeout
        result = []
        by_hash = {}
        requested = set()
        pending = deque()  # hashes requested, in order
        current = None
        self.send_msg(GetBlocks(start or [GENESIS_REGNET]))
        if tip_height == 0:
            return result
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SpvError("sync timed out at %d blocks (tip %d)" % (len(result),
                                                                          tip_height))
            try:
                cmd, payload = self.recv(left)
            except socket.timeout:
                continue
            if cmd == "inv":
                items = Inv.parse_as(cmd, payload).items
                blocks = [h for t, h in items if t in (INV_BLOCK, INV_CONFIRMED_BLOCK)]
                want = [h for h in blocks if h not in requested and h not in by_hash]
                if want:
                    requested.update(want)
                    pending.extend(want)
                    self.getdata([(INV_FILTERED_BLOCK, h) for h in want])
                if len(blocks) == 500:
                    self.send_msg(GetBlocks([blocks[-1], blocks[0]]))
            elif cmd == "merkleblock":
                mb = MerkleBlock.parse(payload)
                try:
                    matched, _ = mb.check()
                except ValueError as e:
                    raise SpvError("block %d: %s" % (mb.header.height, e))
                if current is not None:
                    current["missing"] = [t for t in current["matched"]
                                          if t not in current["txs"]]
                current = {"height": mb.header.height, "hash": mb.header.hash,
                           "matched": matched, "txs": {}, "missing": list(matched)}
                self.headers[mb.header.hash] = mb.header
                by_hash[mb.header.hash] = current
                result.append(current)
                if pending and pending[0] == mb.header.hash:
                    pending.popleft()
            elif cmd == "tx":
                t = TxMsg.parse(payload)
                if current is not None and t.txid in current["matched"]:
                    current["txs"][t.txid] = t.raw
                    current["missing"] = [x for x in current["matched"]
                                          if x not in current["txs"]]
            elif cmd == "notfound":
                raise SpvError("notfound: %r" % Inv.parse_as(cmd, payload).items)
            if current is not None and current["height"] >= tip_height and not pending and \
                    not current["missing"]:
                return result
