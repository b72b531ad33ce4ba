#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sends one raw request to the kn generic netlink family.

Lets tests reach the kernel's validation with inputs kn-ctl would refuse
itself, and check the errno and extack message the kernel returns.

  genl.py [--netns NAME] [--dump] [--json | --get KEY[,KEY...]] CMD
          [ATTR:TYPE:VALUE ...] [--nest ATTR ATTR:TYPE:VALUE ...]...

CMD and ATTR are numbers from uapi/kn.h; TYPE is u8, u16, u32, be32, str or
bytes (hex).  Attributes after --nest ATTR go inside attribute ATTR, up to
the next --nest, those before the first --nest at the top level.  --dump
sends a dump request.  Prints "ok" or "error ERRNO: MESSAGE" and exits 0
on an ack, 1 on an error reply; with --json, first prints each reply
message as one line of JSON, its attributes named after uapi/kn.h (a dump
interrupted by a change also gets "dump_intr": true).  --get KEY,... prints instead the values of those keys,
found at any depth of the first reply, on one line ("none" when absent).
--netns runs the request in the namespace NAME of `ip netns`, sparing the
caller an `ip netns exec`.

  genl.py --serve

reads requests, one per line in the syntax above (without --serve), and
answers each with what it would print followed by a line "\x01end RC": one
process for a whole test, where starting Python costs seconds.  It goes
back to its own namespace only after a request made in another, so an
unprivileged user (who may not call setns) can serve too.
"""
import errno
import json
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_DUMP, NLM_F_DUMP_INTR = 0x300, 0x10
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000


def attr(kind, payload):
    hdr = struct.pack("=HH", 4 + len(payload), kind)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def attrs_of(buf):
    out = {}
    while len(buf) >= 4:
        length, kind = struct.unpack_from("=HH", buf)
        if length < 4:
            break
        out[kind & 0x3FFF] = buf[4:length]
        buf = buf[(length + 3) & ~3:]
    return out


def request(sock, family, cmd, payload, seq, dump=False):
    body = struct.pack("=BBH", cmd, 1, 0) + payload
    flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
    msg = struct.pack("=IHHII", 16 + len(body), family, flags, seq, 0) + body
    sock.send(msg)
    replies = []
    while True:
        data = sock.recv(1 << 20)
        while data:
            length, kind, flags, _, _ = struct.unpack_from("=IHHII", data)
            msg, data = data[16:length], data[(length + 3) & ~3:]
            if kind not in (NLMSG_ERROR, NLMSG_DONE):
                replies.append((flags, msg))
                continue
            err = -struct.unpack_from("=i", msg)[0]
            text = ""
            if flags & NLM_F_ACK_TLVS:
                if kind == NLMSG_DONE:
                    tlv_start = 4
                else:
                    inner_len = 16 if flags & NLM_F_CAPPED else struct.unpack_from("=I", msg, 4)[0]
                    tlv_start = 4 + ((inner_len + 3) & ~3)
                tlvs = attrs_of(msg[tlv_start:])
                text = tlvs.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
            return err, text, replies


# uapi/kn.h, as far as replies need naming: nest -> {type: (name, kind)}
U32, U64, STR = "u32", "u64", "str"
DROPS = ["unspec", "pad", "link_down", "bad_src", "own_src", "hairpin",
         "port_down", "too_big", "no_dest", "nomem", "runt", "no_node",
         "no_overlay", "underlay", "vxlan_short", "vxlan_flags", "vxlan_vni",
         "vxlan_inner"]
SCHEMA = {
    "top": {1: ("version", STR), 2: ("status", "status"), 3: ("settings", "settings"),
            4: ("ifindex", U32), 5: ("ifname", STR), 6: ("link", "link"),
            7: ("link_stats", "link_stats"), 8: ("fdb", "fdb"),
            9: ("overlay", "overlay"), 10: ("node", "node"), 11: ("service", "service"),
            12: ("backend", "backend"), 13: ("conntrack", "conntrack"),
            14: ("conntrack_stats", "conntrack_stats")},
    "status": {1: ("netns_cookie", U64), 2: ("links", U32)},
    "settings": {1: ("cluster_cidr_addr", "be32"), 2: ("cluster_cidr_prefix", "u8"),
                 3: ("nodeport_min", "u16"), 4: ("nodeport_max", "u16"),
                 5: ("conntrack_max", U32)},
    "link": {1: ("ageing_time_ms", U32), 2: ("fdb_max", U32)},
    "link_stats": {2: ("ports", U32), 3: ("fdb_entries", U32), 4: ("fdb_full", U64),
                   5: ("forwarded", U64), 6: ("flooded", U64), 7: ("drops", "drops"),
                   8: ("encap", U64), 9: ("decap", U64)},
    "drops": {i: (name, U64) for i, name in enumerate(DROPS) if i > 1},
    "fdb": {1: ("mac", "mac"), 2: ("port_ifindex", U32), 3: ("port_name", STR),
            4: ("age_ms", U32), 5: ("flags", U32)},
    "overlay": {1: ("local", "ipv4"), 2: ("port", "u16"), 3: ("vni", U32)},
    "node": {1: ("prefix", "ipv4"), 2: ("prefix_len", "u8"), 3: ("remote", "ipv4"),
             4: ("mac", "mac"), 5: ("flags", U32)},
    "service": {1: ("addr", "ipv4"), 2: ("port", "u16"), 3: ("proto", "u8"),
                4: ("affinity", "u8"), 5: ("affinity_timeout", U32),
                6: ("stats", "service_stats")},
    "service_stats": {2: ("backends", U32), 3: ("usable", U32), 4: ("connections", U64),
                      5: ("no_backend", U64)},
    "backend": {2: ("addr", "ipv4"), 3: ("port", "u16"), 4: ("weight", "u16"),
                5: ("flags", U32), 6: ("connections", U64)},
    "conntrack": {1: ("proto", "u8"), 2: ("orig_src", "ipv4"), 3: ("orig_dst", "ipv4"),
                  4: ("orig_sport", "u16"), 5: ("orig_dport", "u16"),
                  6: ("reply_src", "ipv4"), 7: ("reply_dst", "ipv4"),
                  8: ("reply_sport", "u16"), 9: ("reply_dport", "u16"),
                  10: ("state", "u8"), 11: ("timeout_ms", U32), 12: ("flags", U32)},
    "conntrack_stats": {i: (name, U32 if i < 6 else U64) for i, name in enumerate(
        ["unspec", "pad", "entries", "max_entries", "buckets", "entry_bytes", "inserts",
         "clashes", "expired", "removed", "early_drops", "drop_full", "drop_nomem",
         "drop_invalid", "no_backend", "drop_clash", "drop_redirect"]) if i > 1},
}
FORMATS = {"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q", "be32": ">I"}


def decode(buf, nest="top"):
    out = {}
    for kind, value in attrs_of(buf).items():
        name, typ = SCHEMA.get(nest, {}).get(kind, (str(kind), "bytes"))
        if typ in SCHEMA:
            out[name] = decode(value, typ)
        elif typ in FORMATS:
            out[name] = struct.unpack(FORMATS[typ], value)[0]
        elif typ == STR:
            out[name] = value.rstrip(b"\0").decode()
        elif typ == "ipv4":
            out[name] = ".".join(str(b) for b in value)
        elif typ == "mac":
            out[name] = ":".join(f"{b:02x}" for b in value)
        else:
            out[name] = value.hex()
    return out


def encode(spec):
    kind, typ, value = spec.split(":", 2)
    packers = {"u8": "=B", "u16": "=H", "u32": "=I", "be32": ">I"}
    if typ in packers:
        return attr(int(kind), struct.pack(packers[typ], int(value, 0)))
    if typ == "str":
        return attr(int(kind), value.encode() + b"\0")
    if typ == "bytes":
        return attr(int(kind), bytes.fromhex(value))
    raise SystemExit(f"unknown type {typ}")


def find(tree, key):
    if key in tree:
        return tree[key]
    for value in tree.values():
        if isinstance(value, dict):
            found = find(value, key)
            if found is not None:
                return found
    return None


def setns(fd, what):
    import ctypes  # only here: it is slow to import
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        raise OSError(ctypes.get_errno(), f"setns {what}")


def enter_netns(name):
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        setns(fd, name)
    finally:
        os.close(fd)


def serve():
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    away = False
    for line in sys.stdin:
        args = line.split()
        if not args:
            continue
        try:
            if "--netns" in args:
                away = True
            elif away:
                setns(home, "back")
                away = False
            rc = main(args)
        except SystemExit as e:
            if not isinstance(e.code, int):
                print(e.code)
            rc = e.code if isinstance(e.code, int) else 2
        except Exception as e:  # pylint: disable=broad-except
            print(f"error {type(e).__name__}: {e}")
            rc = 2
        print(f"\x01end {rc}", flush=True)
    return 0


def main(argv):
    dump = as_json = False
    get = None
    while argv[0].startswith("--"):
        opt, argv = argv[0], argv[1:]
        if opt == "--netns":
            enter_netns(argv[0])
            argv = argv[1:]
        elif opt == "--get":
            get, argv = argv[0].split(","), argv[1:]
        elif opt == "--dump":
            dump = True
        elif opt == "--json":
            as_json = True
        else:
            raise SystemExit(f"unknown option {opt}")
    cmd = int(argv[0])
    args = argv[1:]
    nests = []
    while "--nest" in args:
        at = len(args) - 1 - args[::-1].index("--nest")
        nests.insert(0, (int(args[at + 1]), args[at + 2:]))
        args = args[:at]
    payload = b"".join(encode(a) for a in args)
    for nest, inner in nests:
        payload += attr(nest | NLA_F_NESTED, b"".join(encode(a) for a in inner))

    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC) as sock:
        return talk(sock, cmd, payload, dump, as_json, get)


def talk(sock, cmd, payload, dump, as_json, get):
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    err, text, replies = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                 attr(CTRL_ATTR_FAMILY_NAME, b"kn\0"), 1)
    if err:
        print(f"error {errno.errorcode.get(err, err)}: family kn not found")
        return 1
    family = struct.unpack("=H", attrs_of(replies[0][1][4:])[CTRL_ATTR_FAMILY_ID][:2])[0]
    err, text, replies = request(sock, family, cmd, payload, 2, dump)
    if get is not None and replies:
        reply = decode(replies[0][1][4:])
        values = [find(reply, key) for key in get]
        print(" ".join("none" if v is None else str(v) for v in values))
        return 1 if err else 0
    if as_json:
        for flags, msg in replies:
            reply = decode(msg[4:])
            if flags & NLM_F_DUMP_INTR:
                reply["dump_intr"] = True
            print(json.dumps(reply))
    if err:
        print(f"error {errno.errorcode.get(err, err)}: {text}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(serve() if sys.argv[1:] == ["--serve"] else main(sys.argv[1:]))
