# SPDX-License-Identifier: GPL-2.0
"""The agent of nodeport.sh: one per namespace for the whole test (Python
costs seconds to start in the TCG guest).

  np_agent.py NAME ADDR DEV

Serves, on every address: TCP 8080 and 8081 greet each connection with
"NAME PEER_ADDR:PEER_PORT" and then echo; UDP 8080 and 8081 answer each
datagram with "NAME PEER_ADDR:PEER_PORT DATAGRAM".  Remembers the peers it
served (command "seen").  Reads commands on stdin, one a line (see
command()), answers with lines "KEY VALUE..." and then "\\x01end RC".
ADDR is the namespace's own address and DEV the device its traffic
passes, for the sniffer.
"""
import collections
import errno
import selectors
import socket
import struct
import sys
import threading
import time

name, me, dev = sys.argv[1], sys.argv[2], sys.argv[3]
PORTS = (8080, 8081)
seen, seen_lock = [], threading.Lock()


def say(*words):
    print(*words, flush=True)


def ename(e):
    if isinstance(e, socket.timeout):
        return "timeout"
    return errno.errorcode.get(e.errno, type(e).__name__) if e.errno else type(e).__name__


def remember(proto, peer):
    with seen_lock:
        if len(seen) < 10000:
            seen.append("%s:%s:%d" % (proto, peer[0], peer[1]))


### the servers
def listen():
    sel = selectors.DefaultSelector()
    for port in PORTS:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", port))
            if kind == socket.SOCK_STREAM:
                s.listen(1024)
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, "udp" if kind == socket.SOCK_DGRAM else "listen")
    return sel


def serve(sel):
    while True:
        for key, _ in sel.select():
            s, kind = key.fileobj, key.data
            try:
                if kind == "udp":
                    data, peer = s.recvfrom(65535)
                    remember("udp", peer)
                    s.sendto(("%s %s:%d " % (name, peer[0], peer[1])).encode() + data, peer)
                elif kind == "listen":
                    c, peer = s.accept()
                    remember("tcp", peer)
                    c.setblocking(True)
                    c.settimeout(5)
                    c.sendall(("%s %s:%d\n" % (name, peer[0], peer[1])).encode())
                    c.setblocking(False)
                    sel.register(c, selectors.EVENT_READ, "echo")
                else:
                    data = s.recv(1 << 16)
                    if data:
                        s.setblocking(True)
                        s.settimeout(5)
                        s.sendall(data)
                        s.setblocking(False)
                    else:
                        sel.unregister(s)
                        s.close()
            except OSError:
                if kind == "echo":
                    sel.unregister(s)
                    s.close()


### the client side
class Sniffer(threading.Thread):
    """The far ends (ADDR:PORT) of the TCP and UDP packets to or from ME on
    DEV, and the ICMP messages there ("TYPE/CODE:SRC>DST")"""

    def __init__(self):
        super().__init__(daemon=True)
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.s.bind((dev, 0))
        self.s.settimeout(0.2)
        self.far, self.icmp, self.done = set(), set(), False
        self.start()

    def run(self):
        while True:
            try:
                pkt = self.s.recv(128)
            except socket.timeout:
                if self.done:
                    return
                continue
            src, dst = socket.inet_ntoa(pkt[26:30]), socket.inet_ntoa(pkt[30:34])
            if me not in (src, dst):
                continue
            l4 = pkt[14 + (pkt[14] & 15) * 4:]
            if pkt[23] == 1:
                self.icmp.add("%d/%d:%s>%s" % (l4[0], l4[1], src, dst))
            elif pkt[23] in (6, 17):
                sport, dport = struct.unpack("!HH", l4[:4])
                self.far.add("%s:%d" % ((dst, dport) if src == me else (src, sport)))

    def stop(self):
        time.sleep(0.3)
        self.done = True
        self.join()
        self.s.close()
        return [("wire", " ".join(sorted(self.far))), ("icmp", " ".join(sorted(self.icmp)))]


def readline(s):
    buf = b""
    while not buf.endswith(b"\n"):
        more = s.recv(1024)
        if not more:
            raise ConnectionError("EOF after %r" % buf)
        buf += more
    return buf.decode()


def report(got, peers, ports, kept, n, extra=()):
    say("backends", " ".join("%s=%d" % kv for kv in sorted(got.items())))
    say("peers", " ".join(sorted(peers)))
    say("peerports", "%d-%d" % (min(ports), max(ports)) if ports else "none")
    say("kept", kept, "of", n)
    for line in extra:
        say(*line)


def tcp(host, port, n, sniff=None):
    """N connections, one after the other: who answered, whom it saw"""
    got, peers, ports, kept = collections.Counter(), set(), [], 0
    sn = Sniffer() if sniff else None
    for _ in range(n):
        with socket.create_connection((host, port), timeout=5) as s:
            backend, peer = readline(s).split()
            s.sendall(b"echo\n")
            if readline(s) != "echo\n":
                raise ValueError("%s did not echo" % backend)
            got[backend] += 1
            addr, pport = peer.rsplit(":", 1)
            peers.add(addr)
            ports.append(int(pport))
            kept += int(pport) == s.getsockname()[1]
    report(got, peers, ports, kept, n, sn.stop() if sn else ())


def udp(host, port, n, sniff=None):
    """N datagrams, each from a new unconnected socket, so that the source
    of the answer is seen as it came"""
    got, peers, ports, kept, sources, resent = collections.Counter(), set(), [], 0, set(), 0
    sn = Sniffer() if sniff else None
    for i in range(n):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(1)
            for _ in range(5):
                s.sendto(b"q%d" % i, (host, port))
                try:
                    data, src = s.recvfrom(4096)
                    break
                except socket.timeout:
                    resent += 1
            else:
                raise TimeoutError("no answer to datagram %d after 5 tries" % i)
            backend, peer, what = data.decode().split()
            if what != "q%d" % i:
                raise ValueError("datagram %d answered with %r" % (i, data))
            got[backend] += 1
            addr, pport = peer.rsplit(":", 1)
            peers.add(addr)
            ports.append(int(pport))
            kept += int(pport) == s.getsockname()[1]
            sources.add("%s:%d" % src)
    extra = [("sources", " ".join(sorted(sources))), ("resent", resent)]
    report(got, peers, ports, kept, n, extra + (sn.stop() if sn else []))


def refused(proto, host, port, secs=5.0):
    """what a new connection to HOST:PORT meets, and how soon"""
    t0 = time.monotonic()
    try:
        if proto == "tcp":
            socket.create_connection((host, port), timeout=secs).close()
            what = "connected"
        else:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((host, port))
                s.settimeout(secs)
                s.send(b"anyone?")
                s.recv(4096)
                what = "answered"
    except OSError as e:
        what = ename(e)
    say(what, "%d ms" % ((time.monotonic() - t0) * 1000))


held = []


def hold(host, port, n, sport=0):
    """N connections kept open (from SPORT when given): each greeting"""
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if sport:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((me, sport))
        s.settimeout(5)
        s.connect((host, port))
        backend, peer = readline(s).split()
        held.append((s, backend))
        say("held", backend, "%s:%d" % s.getsockname(), peer)


def check_held():
    alive = collections.Counter()
    for s, backend in held:
        try:
            s.settimeout(5)
            s.sendall(b"ping\n")
            alive[backend] += readline(s) == "ping\n"
        except OSError as e:
            say("dead", backend, "%s:%d" % s.getsockname(), ename(e))
    say("alive", sum(alive.values()), "of", len(held), " ".join("%s=%d" % kv for kv in sorted(alive.items())))


def release(rst=None):
    """closes the held connections: with a reset when RST"""
    for s, _ in held:
        if rst:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    say("released", len(held))
    held.clear()


def udpfrom(host, port, sport):
    """one datagram from SPORT: who answered, whom it saw, from where"""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((me, sport))
        s.settimeout(1)
        for _ in range(5):
            s.sendto(b"from%d" % sport, (host, port))
            try:
                data, src = s.recvfrom(4096)
                break
            except socket.timeout:
                pass
        else:
            raise TimeoutError("no answer from %s:%d to port %d" % (host, port, sport))
        backend, peer, _ = data.decode().split()
        say("answer", backend, peer, "%s:%d" % src)


def concurrent(host, port, n):
    """N TCP connections opened at once (non-blocking connects), all kept
    open until every one has been greeted and has echoed its own 1000
    bytes: how many did, who answered, whom the backends saw"""
    sel = selectors.DefaultSelector()
    conns, t0 = [], time.monotonic()
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((host, port))
        payload = (b"%04d:" % i) * 200
        c = {"i": i, "s": s, "buf": b"", "greet": None, "payload": payload, "state": "connect",
             "error": None}
        conns.append(c)
        sel.register(s, selectors.EVENT_WRITE, c)
    pending, deadline = n, time.monotonic() + 120
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(1):
            c, s = key.data, key.fileobj
            try:
                if c["state"] == "connect":
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        raise OSError(err, "connect")
                    c["state"] = "greet"
                    sel.modify(s, selectors.EVENT_READ, c)
                    continue
                more = s.recv(1 << 16)
                if not more:
                    raise ConnectionError("EOF in %s" % c["state"])
                c["buf"] += more
                if c["state"] == "greet" and b"\n" in c["buf"]:
                    line, c["buf"] = c["buf"].split(b"\n", 1)
                    c["greet"] = line.decode().split()
                    c["state"] = "echo"
                    s.setblocking(True)
                    s.sendall(c["payload"])
                    s.setblocking(False)
                if c["state"] == "echo" and len(c["buf"]) >= len(c["payload"]):
                    if c["buf"] != c["payload"]:
                        raise ValueError("wrong echo")
                    c["state"] = "done"
                    sel.unregister(s)
                    pending -= 1
            except (OSError, ValueError) as e:
                c["error"] = ename(e) if isinstance(e, OSError) else str(e)
                c["state"] = "failed"
                sel.unregister(s)
                pending -= 1
    ms = (time.monotonic() - t0) * 1000
    done = [c for c in conns if c["state"] == "done"]
    got = collections.Counter(c["greet"][0] for c in done)
    tuples = {(c["greet"][0], c["greet"][1]) for c in done}
    failed = ["%d:%s" % (c["i"], c["error"] or c["state"]) for c in conns if c["state"] != "done"]
    # every connection is still open here: all N were established at once
    say("done", len(done), "of", n)
    say("failed", len(failed), *failed[:10])
    say("backends", " ".join("%s=%d" % kv for kv in sorted(got.items())))
    say("peers", " ".join(sorted({c["greet"][1].rsplit(":", 1)[0] for c in done})))
    say("tuples", len(tuples))
    say("ms", "%d" % ms)
    for c in conns:
        c["s"].close()


def command(words):
    cmd, args = words[0], words[1:]
    if cmd == "tcp":
        tcp(args[0], int(args[1]), int(args[2]), *args[3:])
    elif cmd == "udp":
        udp(args[0], int(args[1]), int(args[2]), *args[3:])
    elif cmd == "refused":
        refused(args[0], args[1], int(args[2]), *map(float, args[3:]))
    elif cmd == "hold":
        hold(args[0], int(args[1]), int(args[2]), *map(int, args[3:]))
    elif cmd == "held":
        check_held()
    elif cmd == "release":
        release(*args)
    elif cmd == "udpfrom":
        udpfrom(args[0], int(args[1]), int(args[2]))
    elif cmd == "concurrent":
        concurrent(args[0], int(args[1]), int(args[2]))
    elif cmd == "seen":
        with seen_lock:
            say("seen", " ".join(seen))
    elif cmd == "forget":
        with seen_lock:
            seen.clear()
    else:
        raise ValueError("unknown command %s" % cmd)


threading.Thread(target=serve, args=(listen(),), daemon=True).start()
say("ready", name)
say("\x01end 0")
for line in sys.stdin:
    try:
        command(line.split())
        rc = 0
    except Exception as e:  # pylint: disable=broad-except
        say("error", type(e).__name__, e)
        rc = 1
    say("\x01end %d" % rc)
