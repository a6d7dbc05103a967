#!/usr/bin/env python3
"""Writes the fuzz seed corpus for each target from the test vectors, read in place.

usage: make-seeds.py VECTORS_DIR OUT_DIR

The corpus is derived at test time and never committed: the vectors belong to ../shared.
Each target gets a directory OUT_DIR/<target>/ of binary files.
"""
import glob
import hashlib
import json
import os
import struct
import sys


def walk_hex(obj, key_names=("hex", "raw", "block_hex")):
    """Yields every hex string stored under one of key_names anywhere in obj."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in key_names and isinstance(v, str):
                try:
                    yield bytes.fromhex(v)
                except ValueError:
                    pass
            else:
                yield from walk_hex(v, key_names)
    elif isinstance(obj, list):
        for v in obj:
            yield from walk_hex(v, key_names)


def load(path):
    with open(path) as f:
        if path.endswith(".jsonl"):
            return [json.loads(line) for line in f if line.strip()]
        return json.load(f)


def main():
    vec, out = sys.argv[1], sys.argv[2]
    seeds = {t: set() for t in ("tx", "block", "header", "auxpow", "payload", "confirm", "rpc",
                                "p2p")}

    tx_files = [os.path.join(vec, "tx.json"), os.path.join(vec, "crosschain.json"),
                os.path.join(vec, "realdata", "ela_transactions.json")]
    for path in tx_files:
        if os.path.exists(path):
            for b in walk_hex(load(path)):
                seeds["tx"].add(b)
    for path in glob.glob(os.path.join(vec, "refnode", "rpc", "*.hex")):
        with open(path) as f:
            seeds["tx"].add(bytes.fromhex(f.read().strip()))

    block_files = [os.path.join(vec, "blocks.json"),
                   os.path.join(vec, "realdata", "ela_mainnet_block_10000.json")]
    block_files += glob.glob(os.path.join(vec, "refnode", "chain", "*.jsonl"))
    for path in block_files:
        if os.path.exists(path):
            for b in walk_hex(load(path)):
                seeds["block"].add(b)
                seeds["header"].add(b)

    path = os.path.join(vec, "auxpow.json")
    if os.path.exists(path):
        for b in walk_hex(load(path)):
            seeds["auxpow"].add(b)

    # Payload target input: type byte, payload-version byte, payload bytes (what follows the
    # payload is harmless). Derived from every transaction seed.
    for tx in seeds["tx"]:
        if len(tx) >= 2:
            seeds["payload"].add(tx[1:] if tx[0] >= 9 else tx)

    # Confirm target: a DPoS confirm built here by layout (no real one exists in the vectors):
    # proposal(sponsor, block hash, view offset, signature), u64 vote count, votes.
    def vb(b):
        return bytes([len(b)]) + b
    sponsor = b"\x02" + bytes(range(32))
    proposal = vb(sponsor) + bytes(32) + (5).to_bytes(4, "little") + vb(bytes(64))
    phash = hashlib.sha256(hashlib.sha256(vb(sponsor) + bytes(32) + (5).to_bytes(4, "little"))
                           .digest()).digest()
    vote = phash + vb(sponsor) + b"\x01" + vb(bytes(64))
    seeds["confirm"].add(proposal + (2).to_bytes(8, "little") + vote + vote)
    seeds["confirm"].add(proposal + bytes(8))

    # RPC target: the request bodies of the reference transcripts (JSON documents and the raw
    # HTTP exchanges' bodies), exactly as the reference node received them.
    for path in glob.glob(os.path.join(vec, "refnode", "rpc", "*.json")):
        req = load(path).get("request")
        if req is not None:
            seeds["rpc"].add(json.dumps(req, separators=(",", ":")).encode())
    for path in glob.glob(os.path.join(vec, "refnode", "rpc", "raw", "*.json")):
        raw = load(path).get("raw_request", "")
        if "\r\n\r\n" in raw:
            seeds["rpc"].add(raw.split("\r\n\r\n", 1)[1].encode("utf-8", "surrogateescape"))

    # P2P target: every frame of the reference's captures, header rebuilt around its payload.
    for path in glob.glob(os.path.join(vec, "refnode", "p2p", "*_messages.json")):
        for m in load(path):
            payload = bytes.fromhex(m.get("payload_hex", ""))
            check = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
            cmd = m["command"].encode()[:11].ljust(12, b"\0")
            seeds["p2p"].add(struct.pack("<I", m["magic"]) + cmd +
                             struct.pack("<I", len(payload)) + check + payload)

    for target, items in seeds.items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for b in items:
            name = hashlib.sha256(b).hexdigest()[:16]
            with open(os.path.join(d, name), "wb") as f:
                f.write(b)
        print("%s: %d seeds" % (target, len(items)))


if __name__ == "__main__":
    main()
