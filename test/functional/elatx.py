"""ELA transactions for the functional tests: TransferAsset (type 2, version 9) serialization
and P-256 ECDSA signing in pure Python (stdlib only; for regnet test keys only — not constant
time, not for real funds).

Serialization (spec/consensus.md §4, checked against vectors/refnode/rpc/transfer_tx_signed.hex
by selftest()): version byte 0x09, type, payload version, payload (empty for a transfer),
attributes (usage u8 + varbytes), inputs (prev txid internal order, u16 index, u32 sequence),
outputs (asset id, i64 value, u32 output lock, 21-byte program hash, u8 output type, payload),
lock time u32, then the programs (parameter varbytes, code varbytes). The signature is over
SHA-256 of the unsigned serialization; the txid is SHA256d of it, shown reversed."""

import hashlib
import os

from framework import b58decode_check, b58encode_check, program_hash, sha256, sha256d, varbytes, \
    varint

ELA_ASSET = bytes.fromhex("b037db964a231458d2d6ffd5ea18944c4f90e63d547c5d3b9874df66a4ead0a3")

# ---- P-256 -----------------------------------------------------------------------------------

P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff
A = P - 3
B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b
N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551
G = (0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296,
     0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5)


def _add(p1, p2):
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2:
        if (y1 + y2) % P == 0:
            return None
        lam = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return x3, (lam * (x1 - x3) - y1) % P


def _mul(k, pt):
    r = None
    while k:
        if k & 1:
            r = _add(r, pt)
        pt = _add(pt, pt)
        k >>= 1
    return r


def pubkey(priv_hex):
    """The compressed public key (33 bytes) of a private key (hex)."""
    x, y = _mul(int(priv_hex, 16), G)
    return bytes([2 + (y & 1)]) + x.to_bytes(32, "big")


def _decompress(pk):
    x = int.from_bytes(pk[1:], "big")
    y = pow((x * x * x + A * x + B) % P, (P + 1) // 4, P)
    if (y & 1) != (pk[0] & 1):
        y = P - y
    return x, y


def sign(priv_hex, data):
    """r ‖ s (64 bytes) over SHA-256(data); k derived from the key and the digest."""
    d = int(priv_hex, 16)
    e = int.from_bytes(sha256(data), "big")
    ctr = 0
    while True:
        k = int.from_bytes(hashlib.sha512(d.to_bytes(32, "big") + sha256(data) +
                                          bytes([ctr])).digest(), "big") % N
        ctr += 1
        if k == 0:
            continue
        r = _mul(k, G)[0] % N
        s = pow(k, -1, N) * (e + r * d) % N
        if r and s:
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def verify(pk, data, sig):
    e = int.from_bytes(sha256(data), "big")
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    if not (0 < r < N and 0 < s < N):
        return False
    w = pow(s, -1, N)
    pt = _add(_mul(e * w % N, G), _mul(r * w % N, _decompress(pk)))
    return pt is not None and pt[0] % N == r


# ---- addresses -------------------------------------------------------------------------------

def standard_code(pk):
    return bytes([0x21]) + pk + bytes([0xac])


def address_of_pubkey(pk):
    """The standard (E…) address of a compressed public key (needs hashlib's ripemd160)."""
    h = hashlib.new("ripemd160", sha256(standard_code(pk))).digest()
    return b58encode_check(bytes([0x21]) + h)


# ---- transactions ----------------------------------------------------------------------------

class Transfer:
    """A TransferAsset tx: inputs [(txid display hex, index)], outputs [(address, sela)]."""

    def __init__(self, inputs, outputs, nonce=None, locktime=0):
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.nonce = nonce if nonce is not None else os.urandom(8).hex().encode()
        self.locktime = locktime
        self.programs = []

    def unsigned(self):
        b = bytes([0x09, 0x02, 0x00])
        b += varint(1) + bytes([0x00]) + varbytes(self.nonce)
        b += varint(len(self.inputs))
        for txid, idx in self.inputs:
            b += bytes.fromhex(txid)[::-1] + idx.to_bytes(2, "little") + b"\xff\xff\xff\xff"
        b += varint(len(self.outputs))
        for addr, value in self.outputs:
            b += ELA_ASSET + value.to_bytes(8, "little", signed=True) + b"\0\0\0\0"
            b += program_hash(addr) + b"\x00"
        b += self.locktime.to_bytes(4, "little")
        return b

    def sign(self, priv_hex):
        pk = pubkey(priv_hex)
        sig = sign(priv_hex, self.unsigned())
        self.programs = [(bytes([0x40]) + sig, standard_code(pk))]
        return self

    def serialize(self):
        b = self.unsigned() + varint(len(self.programs))
        for param, code in self.programs:
            b += varbytes(param) + varbytes(code)
        return b

    def hex(self):
        return self.serialize().hex()

    def txid(self):
        return sha256d(self.unsigned())[::-1].hex()


def selftest(signed_hex, priv_hex, pub_hex, sender, recipient):
    """Checks this module against the reference's signed transfer; returns a list of errors."""
    errs = []
    raw = bytes.fromhex(signed_hex)
    if pubkey(priv_hex).hex() != pub_hex:
        errs.append("pubkey(privkey) != the reference's public key")
    try:
        if address_of_pubkey(bytes.fromhex(pub_hex)) != sender:
            errs.append("address_of_pubkey != the reference's address")
    except ValueError:
        pass  # no ripemd160 in this hashlib: the tests use addresses, not derivation
    # Re-encode the vector's fields and compare.
    t = Transfer([("6f1106a4835c5f96590704acaa7f199eed2210756577df77e532238a0d9b0e50", 1)],
                 [(recipient, 150000000), (sender, 25789086)],
                 nonce=b"3558225401631984137")
    unsigned = t.unsigned()
    if raw[:len(unsigned)] != unsigned:
        errs.append("unsigned serialization differs from the vector")
    if t.txid() != "76c77d090a7981efa404d326daf6dc39cae72e8ce546abf55bd34e10926e3a6d":
        errs.append("txid differs: " + t.txid())
    sig = raw[len(unsigned) + 3:len(unsigned) + 3 + 64]
    if not verify(bytes.fromhex(pub_hex), unsigned, sig):
        errs.append("the vector's signature does not verify with this ECDSA")
    t.sign(priv_hex)
    if not verify(bytes.fromhex(pub_hex), unsigned, t.programs[0][0][1:]):
        errs.append("our own signature does not verify")
    b58decode_check(sender)
    return errs
