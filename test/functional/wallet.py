#!/usr/bin/env python3
"""ela-cli against a running elad (doc/ela-cli.1): the RPC client (cookie auth, exit codes)
and the wallet: two new keystores and a third, imported key (the reference's throwaway regnet
key), coins mined to keystore 1 (-paytoaddr), balance, buildtx / signtx / sendtx to keystore 2,
and a 2-of-3 multisig account added in two keystores: funded, spent with a partial signature
from keystore 1 completed by keystore 2."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import ELA_CLI, REF_ADDRESS, REF_PRIVKEY, REF_PUBKEY, Test, TestFailure, \
    fmt_amount, parse_amount  # noqa: E402

PASSWORD = {"ELA_WALLET_PASSWORD": "functional-test-password"}


def cli(t, node, what, *args, ok=True):
    r = node.cli(*args, env=PASSWORD)
    if ok and r.returncode != 0:
        raise TestFailure("ela-cli %s: exit %d\n%s%s" % (what, r.returncode, r.stdout, r.stderr))
    return r


def account(line):
    parts = line.split()
    return {"address": parts[0], "type": parts[1], "mn": parts[2],
            "pubkeys": parts[3].split(",")}


def balances(t, node, ks):
    out = {}
    for line in cli(t, node, "balance", "wallet", "balance", "-w", ks).stdout.splitlines():
        p = line.split()
        if len(p) == 4:
            out[p[0]] = {"available": p[1], "locked": p[2], "total": p[3]}
    return out


def last_line(r):
    lines = [x for x in r.stdout.splitlines() if x.strip()]
    return lines[-1].strip() if lines else ""


def main(t):
    t.need_binaries()
    t.need_binaries(ELA_CLI)
    node = t.node("wallet", instant=True)
    d = node.dir
    ks1, ks2, ks3 = (os.path.join(d, "ks%d.dat" % i) for i in (1, 2, 3))
    # The keystores exist before the node: no RPC needed to create them.
    r = node.cli("wallet", "create", "-w", ks1, env=PASSWORD)
    if not t.check("wallet create (keystore 1)", r.returncode == 0, r.stdout + r.stderr):
        return
    a1 = account(last_line(r))
    a2 = account(last_line(cli(t, node, "create 2", "wallet", "create", "-w", ks2)))
    a3 = account(last_line(cli(t, node, "import", "wallet", "import", REF_PRIVKEY, "-w", ks3)))
    t.check("create: a standard E… address", a1["address"].startswith("E") and
            a1["type"] == "standard", a1)
    t.check("keystore 1 is 0600", (os.stat(ks1).st_mode & 0o777) == 0o600)
    t.equal("import: the reference key's address", a3["address"], REF_ADDRESS)
    t.equal("import: the reference key's public key", a3["pubkeys"], [REF_PUBKEY])
    r = node.cli("wallet", "create", "-w", ks1, env=PASSWORD)
    t.check("create over an existing keystore: refused", r.returncode != 0, r.stdout)
    acc = cli(t, node, "account", "wallet", "account", "-w", ks1).stdout.split("\n")[0]
    t.equal("account lists keystore 1's address", account(acc)["address"], a1["address"])

    node.args = ["-paytoaddr=" + a1["address"]]
    node.start()

    # ---- the RPC client
    r = node.cli("getblockcount")
    t.check("ela-cli getblockcount (cookie)", r.returncode == 0 and r.stdout.strip() == "1",
            r.stdout + r.stderr)
    r = node.cli("nosuchmethod")
    t.check("ela-cli unknown method: exit 1 and the error code", r.returncode == 1 and
            "-32601" in r.stderr, "%d %r" % (r.returncode, r.stderr))
    bad = os.path.join(d, "badcookie")
    with open(bad, "w") as f:
        f.write("__cookie__:" + "0" * 64)
    r = node.cli("getblockcount", "-rpccookiefile=" + bad, auth=False)
    if os.path.exists(node.cookie_path()):
        t.check("ela-cli with a wrong cookie: exit 2", r.returncode == 2, "%d %r" %
                (r.returncode, r.stderr))
    else:
        t.check("elad wrote its cookie (for ela-cli)", False, node.cookie_path())

    # ---- coins for keystore 1
    node.mine(110)
    mature = sum(parse_amount(node.rpc("getblock", [node.rpc("getblockhash", [h]), 2])
                              ["tx"][0]["vout"][1]["value"]) for h in range(1, 11))
    b = balances(t, node, ks1).get(a1["address"], {})
    t.equal("balance: available = the 10 coinbases with 101+ confirmations",
            b.get("available"), fmt_amount(mature))
    t.equal("balance: total = getreceivedbyaddress", b.get("total"),
            node.rpc("getreceivedbyaddress", [a1["address"]]))

    # ---- a transfer 1 -> 2
    unsigned = os.path.join(d, "t1.txn")
    cli(t, node, "buildtx", "wallet", "buildtx", "--to", a2["address"], "--amount", "5",
        "--fee", "0.0001", "-w", ks1, "-o", unsigned)
    signed = os.path.join(d, "t1.signed")
    r = cli(t, node, "signtx", "wallet", "signtx", "-f", unsigned, "-w", ks1, "-o", signed)
    t.check("signtx: signatures 1/1", "signatures: 1/1" in r.stdout, r.stdout)
    txid = last_line(cli(t, node, "sendtx", "wallet", "sendtx", "-f", signed))
    t.check("sendtx prints the txid", re.match(r"^[0-9a-f]{64}$", txid), txid)
    t.check("the transfer is pooled", txid in node.rpc("getrawmempool"))
    node.mine(1)
    t.equal("keystore 2's balance after the transfer",
            balances(t, node, ks2).get(a2["address"], {}).get("available"), "5")
    t.equal("getreceivedbyaddress of keystore 2", node.rpc("getreceivedbyaddress",
                                                           [a2["address"]]), "5")

    # ---- 2-of-3 multisig in keystores 1 and 2
    pks = ",".join([a1["pubkeys"][0], a2["pubkeys"][0], REF_PUBKEY])
    m1 = account(last_line(cli(t, node, "addmultisig 1", "wallet", "addmultisig", "-m", "2",
                               "--pks", pks, "-w", ks1)))
    m2 = account(last_line(cli(t, node, "addmultisig 2", "wallet", "addmultisig", "-m", "2",
                               "--pks", pks, "-w", ks2)))
    t.check("addmultisig: an 8… multisig 2/3 address", m1["address"].startswith("8") and
            m1["type"] == "multisig" and m1["mn"] == "2/3", m1)
    t.equal("addmultisig: both keystores agree on the address", m2["address"], m1["address"])
    fund = os.path.join(d, "fund.txn")
    cli(t, node, "buildtx fund", "wallet", "buildtx", "--from", a1["address"], "--to",
        m1["address"], "--amount", "10", "--fee", "0.0001", "-w", ks1, "-o", fund)
    cli(t, node, "signtx fund", "wallet", "signtx", "-f", fund, "-w", ks1, "-o", fund + ".s")
    cli(t, node, "sendtx fund", "wallet", "sendtx", "-f", fund + ".s")
    node.mine(1)
    t.equal("the multisig address is funded", node.rpc("getreceivedbyaddress",
                                                       [m1["address"]]), "10")

    spend = os.path.join(d, "ms.txn")
    cli(t, node, "buildtx multisig", "wallet", "buildtx", "--from", m1["address"], "--to",
        REF_ADDRESS, "--amount", "3", "--fee", "0.0001", "-w", ks1, "-o", spend)
    part = os.path.join(d, "ms.part")
    r = cli(t, node, "signtx 1 of 2", "wallet", "signtx", "-f", spend, "-w", ks1, "-o", part)
    t.check("multisig: keystore 1 signs 1/2", "signatures: 1/2" in r.stdout, r.stdout)
    r = node.cli("wallet", "sendtx", "-f", part, env=PASSWORD)
    t.check("multisig: the partially signed tx is refused by the node", r.returncode != 0,
            r.stdout)
    full = os.path.join(d, "ms.full")
    r = cli(t, node, "signtx 2 of 2", "wallet", "signtx", "-f", part, "-w", ks2, "-o", full)
    t.check("multisig: keystore 2 completes it, 2/2", "signatures: 2/2" in r.stdout, r.stdout)
    txid = last_line(cli(t, node, "sendtx multisig", "wallet", "sendtx", "-f", full))
    t.check("multisig: sent", txid in node.rpc("getrawmempool"), txid)
    node.mine(1)
    t.equal("multisig: the recipient got 3", node.rpc("getreceivedbyaddress", [REF_ADDRESS]),
            "3")
    t.equal("multisig: the change came back", node.rpc("getreceivedbyaddress",
                                                       [m1["address"]]), "6.99990000")
    node.stop()


if __name__ == "__main__":
    Test("wallet", timeout=170).run(main)
