#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sends one raw request to the kn generic netlink family.

Lets tests reach the kernel's validation with inputs kn-ctl would refuse
itself, and check the errno and extack message the kernel returns.

  genl.py CMD [--nest ATTR] [ATTR:TYPE:VALUE ...]

CMD and ATTR are numbers from uapi/kn.h; TYPE is u8, u16, u32, be32, str or
bytes (hex).  With --nest, the attributes go inside attribute ATTR.  Prints
"ok" or "error ERRNO: MESSAGE" and exits 0 on an ack, 1 on an error reply.
"""
import errno
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
NLMSG_ERROR = 2
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


def request(sock, family, cmd, payload, seq):
    body = struct.pack("=BBH", cmd, 1, 0) + payload
    msg = struct.pack("=IHHII", 16 + len(body), family, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body
    sock.send(msg)
    replies = []
    while True:
        data = sock.recv(65536)
        while data:
            length, kind, flags, _, _ = struct.unpack_from("=IHHII", data)
            msg, data = data[16:length], data[(length + 3) & ~3:]
            if kind != NLMSG_ERROR:
                replies.append(msg)
                continue
            err = -struct.unpack_from("=i", msg)[0]
            text = ""
            if flags & NLM_F_ACK_TLVS:
                inner_len = 16 if flags & NLM_F_CAPPED else struct.unpack_from("=I", msg, 4)[0]
                tlvs = attrs_of(msg[4 + ((inner_len + 3) & ~3):])
                text = tlvs.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
            return err, text, replies


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


def main(argv):
    cmd = int(argv[0])
    args = argv[1:]
    nest = None
    if args[:1] == ["--nest"]:
        nest, args = int(args[1]), args[2:]
    payload = b"".join(encode(a) for a in args)
    if nest is not None:
        payload = attr(nest | NLA_F_NESTED, payload)

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    err, text, replies = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                 attr(CTRL_ATTR_FAMILY_NAME, b"kn\0"), 1)
    if err:
        print(f"error {errno.errorcode.get(err, err)}: family kn not found")
        return 1
    family = struct.unpack("=H", attrs_of(replies[0][4:])[CTRL_ATTR_FAMILY_ID][:2])[0]
    err, text, _ = request(sock, family, cmd, payload, 2)
    if err:
        print(f"error {errno.errorcode.get(err, err)}: {text}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
