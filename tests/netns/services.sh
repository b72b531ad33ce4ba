#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kn-test-timeout: 1500
# ClusterIP services (uapi/kn.h, "Services (ClusterIP)") on three kn nodes
# joined by the overlay, every node holding the same services as
# kube-proxy would: a pod connecting to VIP:PORT reaches a backend pod on
# any node, sees only the VIP as its peer, and the backend sees the pod's
# own address.
#   - TCP and UDP from a pod on every node to a backend on every node, the
#     TCP and UDP on the client's eth0 carrying no address but the VIP's;
#   - a source port closed towards one service and used again towards
#     another with the same backend gets through, TCP and UDP;
#   - 1000 connections over 4 backends, and over weights 3 and 1, spread as
#     the weights say (every count within 5 standard deviations of its
#     binomial mean, Pearson's chi-square under its p = 1e-6 critical
#     value), the kernel's per-backend counters agreeing with the clients';
#   - affinity client-ip: one client's connections stay on one backend,
#     move together when it is deleted, and spread once it is replaced
#     without affinity;
#   - no usable backend (none, or only terminating ones): TCP refused and
#     UDP answered with port unreachable at once; a terminating backend
#     keeps its connections and gets no new one;
#   - a backend deleted under a live UDP flow (a datagram every 100 ms) and
#     a live TCP connection: the datagrams go on to another backend at
#     once, the TCP connection is reset at once, their entries are gone;
#   - hairpin: a pod reaching itself through a service sees kn0's address;
#   - two datagrams of a new flow at once (sendmmsg, and two threads on the
#     two CPUs), 200 flows each way: both answered, by one backend;
#   - a process of the node itself (LOCAL_OUT) reaching services;
#   - the connection table: entries with the tuples of both directions,
#     flush of one service's entries only, a full flush; a table limited
#     to 256 entries (in buckets made for 262144) flooded by unanswered
#     SYNs keeps its established connections, evicts flood entries to make
#     room (early drop) and takes a new connection;
#   - a long transfer through a service, intact while 1000 other services
#     come and go (kn-ctl -b);
#   - then all of the first item, hairpin, refusals and LOCAL_OUT again
#     with nf_conntrack and iptables' nat (a MASQUERADE rule, a ctstate
#     INVALID drop) in every node's namespace: kn's packets go untracked.
# A kernel report (WARN, KASAN, lockdep...) fails the test: the harness
# scans the console between this test's markers (tests/qemu/scan-log.sh).
#
#  svc-c1 .1.2  svc-b1 .1.3   svc-c2 .2.2 svc-b2 .2.3 svc-b4 .2.4   svc-c3 .3.2  svc-b3 .3.3
#        |        |                 |          |          |              |          |
#   +----|--------|---------+   +---|----------|----------|---+   +------|----------|-----+
#   |   kn0 10.244.1.1/24   |   |     kn0 10.244.2.1/24      |   |   kn0 10.244.3.1/24    |
#   |   services (below)    |   |     services               |   |   services             |
#   |   route 10.96.0.0/12  |   |                            |   |                        |
#   |   dev kn0, a host     |   |                            |   |                        |
#   |   agent (LOCAL_OUT)   |   |                            |   |                        |
#   |   eth0 192.168.0.1    |   |     eth0 192.168.0.2       |   |   eth0 192.168.0.3     |
#   +-svc-n1-|--------------+   +-svc-n2--|------------------+   +-svc-n3--|--------------+
#            |                            |                                |
#   +--------|----------------------------|--------------------------------|-------------+
#   | svc-ul ul1 ------------------------ br0 192.168.0.254/24 ----------- ul3            |
#   +------------------------------------------------------------------------------------+
#   every node: overlay (kn-ctl overlay set), the other two as nodes (kn-ctl node add)
#
# Every pod (and node 1's namespace) runs one Python agent for the whole
# test: it serves (TCP 8080 greets "NAME PEER:PORT" and echoes, TCP 8090
# hashes what it gets and answers its SHA-256, UDP 8080 answers
# "NAME PEER:PORT DATAGRAM") and, on its stdin, makes connections and says
# what it saw: Python costs seconds to start in the TCG guest, and so does
# every exec, so services are configured by one `kn-ctl -b` per node.
#
# KN_SERVICES_MB (default 50) is the least the long transfer sends.
source "$(dirname "$0")/lib.sh"

# uapi/kn.h
CMD_GET_SERVICE=16 CMD_GET_BACKEND=20 CMD_GET_CONNTRACK=22 CMD_GET_CONNTRACK_STATS=24
CT_ESTABLISHED=3 CT_UDP_REPLIED=8 CT_AFFINITY=9
CT_F_REPLIED=1 CT_F_SNAT=2 CT_F_AFFINITY=4

ul=svc-ul
nodes=(- svc-n1 svc-n2 svc-n3)
node_pods=(- "svc-c1 svc-b1" "svc-c2 svc-b2 svc-b4" "svc-c3 svc-b3")
declare -A addr=(
	[svc-c1]=10.244.1.2 [svc-b1]=10.244.1.3
	[svc-c2]=10.244.2.2 [svc-b2]=10.244.2.3 [svc-b4]=10.244.2.4
	[svc-c3]=10.244.3.2 [svc-b3]=10.244.3.3
	[svc-n1]=10.244.1.1
)
# The services, the same on every node.
one=(- 10.96.0.11 10.96.0.12 10.96.0.13) # :80/tcp and /udp: svc-bN alone
spread=10.96.0.20    # :80/tcp: b1 b2 b3 b4
weighted=10.96.0.21  # :80/tcp: b1 weight 3, b2 weight 1
sticky=10.96.0.22    # :80/tcp: b1 b2 b3, affinity client-ip
empty=10.96.0.23     # :80/tcp and /udp: no backend
live=10.96.0.24      # :80/tcp and /udp: b1 b2 b3, one deleted under traffic
hairpin=10.96.0.25   # :80/tcp and /udp: b1 alone
race=10.96.0.26      # :53/udp: b1 b2 b3 b4
sink=10.96.0.27      # :80/tcp: b3's TCP 8090, which hashes
blackhole=10.96.0.28 # :80/tcp: 10.244.2.99, where no pod answers
term=10.96.0.29      # :80/tcp, node 1 only, added later: terminating backends
churn=10.97          # 10.97.0.0/16: 1000 services that come and go
mb=${KN_SERVICES_MB:-50}
kn_tmp_init
state=$tmp/state # kn-ctl's, for lib.sh's on and k

# services_diag: each node's connection table statistics and services,
# when the test failed
services_diag() {
	local i
	echo "## the nodes' tables at the failure" >&2
	for i in 1 2 3; do
		echo "    ${nodes[$i]}: $(genl_at "${nodes[$i]}" --json $CMD_GET_CONNTRACK_STATS)" >&2
		indent "$(nsenter --net="/run/netns/${nodes[$i]}" "$KN_CTL" service list 2>&1)"
	done
}

services_cleanup() {
	local rc=$?
	set +e
	[ "$rc" = 0 ] || [ ! -e "$tmp/genl.req" ] || (services_diag)
	agents_stop
	netns_del_prefix svc-
	cleanup
}
trap services_cleanup EXIT

# kb N FILE: kn-ctl's batch FILE in node N
kb() { pp nsenter --net="/run/netns/${nodes[$1]}" "$KN_CTL" -b "$2"; }

### the agents

cat > "$tmp/agent.py" <<'EOF'
import collections, errno, hashlib, os, random, selectors, socket, sys, threading, time

# agent.py NAME ADDR DEV: serves and, on stdin, takes commands; see services.sh.
name, me, dev = sys.argv[1], sys.argv[2], sys.argv[3]
GREET, SINK = 8080, 8090


def say(*words):
    print(*words, flush=True)


def ename(e):
    return errno.errorcode.get(e.errno, type(e).__name__) if e.errno else type(e).__name__


### the servers: TCP GREET greets with "NAME PEER_ADDR:PEER_PORT" then
### echoes; TCP SINK hashes what it gets and answers "BYTES SHA256" at its
### end; UDP GREET answers each datagram with "NAME PEER DATAGRAM".
def listen():
    sel = selectors.DefaultSelector()
    for kind, port in (("greet", GREET), ("sink", SINK), ("udp", GREET)):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port))
        if kind != "udp":
            s.listen(256)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, (kind, None))
    return sel


def serve(sel):
    while True:
        for key, _ in sel.select():
            s, (kind, st) = key.fileobj, key.data
            try:
                if kind == "udp":
                    data, peer = s.recvfrom(65535)
                    s.sendto(("%s %s:%d " % (name, peer[0], peer[1])).encode() + data, peer)
                elif kind in ("greet", "sink"):
                    c, peer = s.accept()
                    c.setblocking(True)
                    if kind == "greet":
                        c.sendall(("%s %s:%d\n" % (name, peer[0], peer[1])).encode())
                        sel.register(c, selectors.EVENT_READ, ("echo", None))
                    else:
                        sel.register(c, selectors.EVENT_READ, ("sinking", [hashlib.sha256(), 0]))
                    continue
                else:
                    data = s.recv(1 << 18)
                    if data and kind == "echo":
                        s.sendall(data)
                    elif data:
                        st[0].update(data)
                        st[1] += len(data)
                    else:
                        if kind == "sinking":
                            s.sendall(("%d %s\n" % (st[1], st[0].hexdigest())).encode())
                        sel.unregister(s)
                        s.close()
            except OSError:
                if kind in ("echo", "sinking"):
                    sel.unregister(s)
                    s.close()


### the client side
class Sniffer(threading.Thread):
    """The far ends of the TCP and UDP packets on DEV, either way, and the
    ICMP messages (redirects with the next hop they name), apart."""

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
            if pkt[23] == 1:
                icmp = pkt[14 + (pkt[14] & 15) * 4:]
                self.icmp.add("%d/%d:%s>%s%s" % (icmp[0], icmp[1], src, dst, ":gw=" + socket.inet_ntoa(
                    icmp[4:8]) if icmp[0] == 5 else ""))
            else:
                self.far.add(dst if src == me else src)

    def stop(self):
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


def report(got, peers, kept, n, extra=()):
    say("backends", " ".join("%s=%d" % kv for kv in sorted(got.items())))
    say("peers", " ".join(sorted(peers)))
    say("ports_kept", kept, "of", n)
    for line in extra:
        say(*line)


def tcp(vip, port, n, sniff=None):
    """N connections, one after the other: who answered, whom it saw"""
    got, peers, kept = collections.Counter(), set(), 0
    sn = Sniffer() if sniff else None
    for _ in range(n):
        with socket.create_connection((vip, port), timeout=5) as s:
            backend, peer = readline(s).split()
            got[backend] += 1
            addr, pport = peer.rsplit(":", 1)
            peers.add(addr)
            kept += int(pport) == s.getsockname()[1]
    report(got, peers, kept, n, sn.stop() if sn else ())


def udp(vip, port, n, sniff=None):
    """N datagrams, each from a new unconnected socket, so that the source
    of the answer is seen as it came"""
    got, peers, kept, sources, resent = collections.Counter(), set(), 0, set(), 0
    sn = Sniffer() if sniff else None
    for i in range(n):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(1)
            for _ in range(5):
                s.sendto(b"q%d" % i, (vip, port))
                try:
                    data, src = s.recvfrom(4096)
                    break
                except socket.timeout:
                    resent += 1
            else:
                raise TimeoutError("no answer to datagram %d after 5 tries" % i)
            backend, peer, _ = data.decode().split()
            got[backend] += 1
            addr, pport = peer.rsplit(":", 1)
            peers.add(addr)
            kept += int(pport) == s.getsockname()[1]
            sources.add("%s:%d" % src)
    extra = [("sources", " ".join(sorted(sources))), ("resent", resent)]
    report(got, peers, kept, n, extra + (sn.stop() if sn else []))


def refused(proto, vip, port):
    """what a new connection to VIP:PORT meets, and how soon"""
    t0 = time.monotonic()
    try:
        if proto == "tcp":
            socket.create_connection((vip, port), timeout=5).close()
            what = "connected"
        else:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((vip, port))
                s.settimeout(3)
                s.send(b"anyone?")
                s.recv(4096)
                what = "answered"
    except socket.timeout:
        what = "timeout"
    except OSError as e:
        what = ename(e)
    say(what, "%d ms" % ((time.monotonic() - t0) * 1000))


def reuse(proto, vip1, vip2, port):
    """one connection (or datagram) to VIP1:PORT, closed, then one to
    VIP2:PORT from the same source port, which the client's kernel allows
    (another destination): who answered each, and whom they saw"""
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    sport = 0
    for vip in (vip1, vip2):
        with socket.socket(socket.AF_INET, kind) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((me, sport))
            sport = s.getsockname()[1]
            s.settimeout(5)
            try:
                s.connect((vip, port))
                if proto == "tcp":
                    answer = readline(s).split()
                else:
                    s.send(b"reused")
                    answer = s.recv(4096).decode().split()[:2]
            except OSError as e:
                say(vip, "port", sport, "error", ename(e))
                continue
            say(vip, "port", sport, "backend", *answer)


class Stream(threading.Thread):
    """One flow kept going, a message every 100 ms: UDP from one connected
    socket, or one TCP connection whose greeting names its backend and
    whose echoes must come back.  Logs (time, seq, backend) per answer."""

    def __init__(self, proto, vip, port):
        super().__init__(daemon=True)
        self.proto, self.done, self.answers, self.sent = proto, False, [], []
        self.error = None
        if proto == "udp":
            self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.s.connect((vip, port))
            self.s.settimeout(0.1)
        else:
            self.s = socket.create_connection((vip, port), timeout=5)
            self.backend = readline(self.s).split()[0]
        self.start()

    def run(self):
        seq = 0
        while not self.done:
            try:
                if self.proto == "udp":
                    self.s.send(b"%d" % seq)
                    self.sent.append((time.time(), seq))
                    end = time.time() + 0.1
                    while time.time() < end:
                        try:
                            backend, _, got = self.s.recv(4096).decode().split()
                            self.answers.append((time.time(), int(got), backend))
                        except (socket.timeout, ConnectionRefusedError):
                            pass
                else:
                    self.s.sendall(b"%08d\n" % seq)
                    self.sent.append((time.time(), seq))
                    self.s.settimeout(10)
                    buf = b""
                    while len(buf) < 9:
                        more = self.s.recv(9 - len(buf))
                        if not more:
                            raise ConnectionError("EOF")
                        buf += more
                    self.answers.append((time.time(), int(buf), self.backend))
                    time.sleep(0.1)
            except (OSError, ValueError) as e:
                self.error = (time.time(), ename(e) if isinstance(e, OSError) else str(e))
                return
            seq += 1

    def report(self, mark, mark2):
        """the answers as runs of one backend ("B:FIRST-LAST"), the seqs
        never answered with when they were sent, when the last run began,
        the last answer came and an error ended a TCP stream, all in ms
        after MARK, and MARK2 too"""
        runs = []
        for t, seq, backend in self.answers:
            if runs and runs[-1][0] == backend:
                runs[-1][2] = seq
            else:
                runs.append([backend, seq, seq, t])
        answered = {seq for _, seq, _ in self.answers}
        last = self.sent[-1][0] if self.sent else 0
        lost = ["%d@%+dms" % (seq, (t - mark) * 1000) for t, seq in self.sent
                if seq not in answered and t < last - 1]
        say("mark2_ms", "%+d" % ((mark2 - mark) * 1000))
        say("runs", " ".join("%s:%d-%d" % tuple(r[:3]) for r in runs))
        say("lost", len(lost), *lost)
        if runs:
            say("last_run_ms", "%+d" % ((runs[-1][3] - mark) * 1000))
            say("last_answer_ms", "%+d" % ((self.answers[-1][0] - mark) * 1000))
        if self.error:
            say("error", self.error[1], "%+d" % ((self.error[0] - mark) * 1000))
        else:
            say("error none")

    def stop(self):
        self.done = True
        self.join()
        self.s.close()


def pairs(vip, port, n, mode):
    """N new sockets, each sending two datagrams at once: with sendmmsg
    (glibc's resolver does) or from two threads pinned to two CPUs; both
    must be answered, by one backend"""
    cpus = sorted(os.sched_getaffinity(0))
    split, lost, got = [], [], collections.Counter()
    go, sent = threading.Barrier(3, timeout=60), threading.Barrier(3, timeout=60)
    box = {}

    def worker(k):
        if len(cpus) > 1:
            os.sched_setaffinity(0, {cpus[k % len(cpus)]})
        while True:
            go.wait()
            if box.get("end"):
                return
            try:
                box["s"].send(b"%d.%d" % (box["i"], k))
            except OSError as e:
                box["error"] = "%s in flow %d" % (ename(e), box["i"])
            sent.wait()

    if mode == "threads":
        workers = [threading.Thread(target=worker, args=(k,), daemon=True) for k in (0, 1)]
        for w in workers:
            w.start()
    else:
        import ctypes  # only here: slow to import
        libc = ctypes.CDLL(None, use_errno=True)

        class IOVec(ctypes.Structure):
            _fields_ = [("base", ctypes.c_char_p), ("len", ctypes.c_size_t)]

        class MsgHdr(ctypes.Structure):
            _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                        ("iov", ctypes.POINTER(IOVec)), ("iovlen", ctypes.c_size_t),
                        ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                        ("flags", ctypes.c_int)]

        class MMsgHdr(ctypes.Structure):
            _fields_ = [("hdr", MsgHdr), ("len", ctypes.c_uint)]

    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((vip, port))
        if mode == "threads":
            box["s"], box["i"] = s, i
            go.wait()
            sent.wait()
            if "error" in box:
                raise OSError(box["error"])
        else:
            data = [b"%d.0" % i, b"%d.1" % i]
            iovs = (IOVec * 2)(*(IOVec(d, len(d)) for d in data))
            msgs = (MMsgHdr * 2)()
            for k in (0, 1):
                msgs[k].hdr.iov = ctypes.cast(ctypes.byref(iovs, k * ctypes.sizeof(IOVec)),
                                              ctypes.POINTER(IOVec))
                msgs[k].hdr.iovlen = 1
            if libc.sendmmsg(s.fileno(), msgs, 2, 0) != 2:
                raise OSError(ctypes.get_errno(), "sendmmsg")
        s.settimeout(2)
        answers = {}
        try:
            while len(answers) < 2:
                backend, _, what = s.recv(4096).decode().split()
                answers[what] = backend
        except (socket.timeout, ConnectionRefusedError):
            pass
        s.close()
        if len(answers) < 2:
            lost.append("%d:%s" % (i, ",".join("%s=%s" % kv for kv in sorted(answers.items())) or "none"))
        elif len(set(answers.values())) > 1:
            split.append("%d:%s" % (i, ",".join(sorted(answers.values()))))
        else:
            got[answers["%d.0" % i]] += 1
    if mode == "threads":
        box["end"] = True
        go.wait()
    say("backends", " ".join("%s=%d" % kv for kv in sorted(got.items())))
    say("lost", len(lost), *lost[:10])
    say("split", len(split), *split[:10])
    say("cpus", len(cpus))


class Bulk(threading.Thread):
    """random bytes to VIP:PORT (a sink) until stopped and at least MB
    sent; the sink's count and SHA-256 against the sender's"""

    def __init__(self, vip, port):
        super().__init__(daemon=True)
        self.s = socket.create_connection((vip, port), timeout=30)
        self.sent, self.sha, self.mb, self.result = 0, hashlib.sha256(), None, None
        self.start()

    def run(self):
        rnd = random.Random(1)
        try:
            while self.mb is None or self.sent < self.mb * 1000000:
                chunk = rnd.randbytes(1 << 16)
                self.s.sendall(chunk)
                self.sha.update(chunk)
                self.sent += len(chunk)
            self.s.shutdown(socket.SHUT_WR)
            self.result = "sent %d %s got %s" % (self.sent, self.sha.hexdigest(), readline(self.s).strip())
        except OSError as e:
            self.result = "error %s after %d bytes" % (ename(e), self.sent)
        self.s.close()


held, flooded, streams, bulk, marks = [], [], {}, None, {}


def command(words):
    global bulk
    cmd, args = words[0], words[1:]
    if cmd == "tcp":
        tcp(args[0], int(args[1]), int(args[2]), *args[3:])
    elif cmd == "udp":
        udp(args[0], int(args[1]), int(args[2]), *args[3:])
    elif cmd == "reuse":
        reuse(args[0], args[1], args[2], int(args[3]))
    elif cmd == "refused":
        refused(args[0], args[1], int(args[2]))
    elif cmd == "pairs":
        pairs(args[0], int(args[1]), int(args[2]), args[3])
    elif cmd == "stream":
        streams[args[0]] = Stream(args[0], args[1], int(args[2]))
        say("backend", getattr(streams[args[0]], "backend", "-"))
    elif cmd == "now":
        st, end = streams[args[0]], time.time() + 5
        while len(st.answers) < 3 and time.time() < end:
            time.sleep(0.1)
        say("backend", st.answers[-1][2] if st.answers else "none", "answers", len(st.answers))
    elif cmd == "mark":
        marks[args[0]] = time.time()
    elif cmd == "report":
        st = streams.pop(args[0])
        time.sleep(1.5)
        st.stop()
        st.report(marks[args[1]], marks[args[2]])
    elif cmd == "hold":
        for _ in range(int(args[2])):
            s = socket.create_connection((args[0], int(args[1])), timeout=5)
            backend, peer = readline(s).split()
            held.append((s, backend))
            say("held", backend, "%s:%d" % s.getsockname(), peer)
    elif cmd == "held":
        alive = collections.Counter()
        for s, backend in held:
            try:
                s.settimeout(5)
                s.sendall(b"ping\n")
                alive[backend] += readline(s) == "ping\n"
            except OSError as e:
                say("dead", backend, "%s:%d" % s.getsockname(), ename(e))
        say("alive", sum(alive.values()), "of", len(held), " ".join("%s=%d" % kv for kv in sorted(alive.items())))
    elif cmd == "flood":
        # new connections never answered: SYNs only, the sockets kept
        for _ in range(int(args[2])):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((args[0], int(args[1])))
            flooded.append(s)
        say("flooded", args[2])
    elif cmd == "release":
        for s in flooded + [s for s, _ in held]:
            s.close()
        held.clear()
        flooded.clear()
    elif cmd == "bulk":
        if args[0] == "start":
            bulk = Bulk(args[1], int(args[2]))
        elif args[0] == "status":
            say("running" if bulk.is_alive() else "finished", bulk.sent)
        else:
            bulk.mb = int(args[1])
            bulk.join(float(args[2]))
            say(bulk.result or "unfinished after %d bytes" % bulk.sent)
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
EOF

# no_redirect WHAT: the client's eth0 saw no ICMP redirect in $ANS (the
# node's redirect about a translated packet would name the backend as the
# VIP's next hop: kn stops it)
no_redirect() {
	local icmp
	icmp=$(field icmp)
	[[ ! $icmp =~ (^| )5/ ]] || fail "$1: the client got an ICMP redirect: $icmp"
}
# refusal WHAT MS: $ANS (agent's "refused") is ECONNREFUSED within MS ms
refusal() {
	[[ $ANS =~ ^([A-Z_a-z]+)\ ([0-9]+)\ ms ]] || fail "$1: $ANS"
	[ "${BASH_REMATCH[1]}" = ECONNREFUSED ] || fail "$1: ${BASH_REMATCH[1]}, not ECONNREFUSED"
	[ "${BASH_REMATCH[2]}" -lt "$2" ] || fail "$1: refused after ${BASH_REMATCH[2]} ms, not within $2"
	echo "ok: $1: refused in ${BASH_REMATCH[2]} ms" >&2
}
# tally: the agent's "backends" line into TALLY (backend -> count)
declare -A TALLY
tally() {
	local kv line
	line=$(field backends)
	TALLY=()
	for kv in $line; do
		TALLY[${kv%=*}]=${kv#*=}
	done
}

# spread_ok WHAT N WANT GOT: GOT ("B=COUNT ...", N in all) against the
# weights WANT ("B=WEIGHT ..."): each count within 5 standard deviations of
# its binomial mean N*w/W (a good spread fails one in 1.7 million per
# backend), and Pearson's chi-square below its critical value for p = 1e-6
spread_ok() {
	echo "+ $1: $4, for weights $3" >&2
	awk -v what="$1" -v n="$2" -v want="$3" -v got="$4" 'BEGIN {
		crit[1] = 23.93; crit[2] = 27.63; crit[3] = 30.66
		k = split(want, w, " ")
		for (i = 1; i <= k; i++) { split(w[i], f, "="); wt[f[1]] = f[2]; sum += f[2] }
		m = split(got, g, " ")
		for (i = 1; i <= m; i++) {
			split(g[i], f, "="); obs[f[1]] = f[2]; total += f[2]
			if (!(f[1] in wt)) { printf "FAIL: %s: %s is none of its backends\n", what, f[1]; bad = 1 }
		}
		if (total != n) { printf "FAIL: %s: %d connections, not %d\n", what, total, n; bad = 1 }
		for (b in wt) {
			p = wt[b] / sum; e = n * p; sd = sqrt(n * p * (1 - p))
			lo = int(e - 5 * sd + 0.999999); hi = int(e + 5 * sd); o = obs[b] + 0
			chi += (o - e) ^ 2 / e
			printf "    %s: %d, mean %.1f, sd %.2f, bounds %d..%d\n", b, o, e, sd, lo, hi
			if (o < lo || o > hi) { printf "FAIL: %s: %s got %d, outside %d..%d\n", what, b, o, lo, hi; bad = 1 }
		}
		printf "    chi-square %.2f, %d degrees of freedom, critical value %.2f (p = 1e-6)\n", chi, k - 1, crit[k - 1]
		if (chi >= crit[k - 1]) { printf "FAIL: %s: chi-square %.2f\n", what, chi; bad = 1 }
		exit bad
	}' >&2 || fail "$1: not spread as the weights say"
	echo "ok: $1 within bounds" >&2
}

### reading the kernel's tables (raw genl: exact attributes, no exec)

# svc_stats N VIP:PORT/PROTO: that service's dump in node N, into $SVC
svc_stats() {
	SVC=$(genl_at "${nodes[$1]}" --dump --json $CMD_GET_SERVICE "$(svc_key "$2")") ||
		fail "service $2 in ${nodes[$1]}: $SVC"
}
# be_conns N VIP:PORT/PROTO: its backends' connection counters in node N,
# into BE_CONNS (backend address -> count)
declare -A BE_CONNS
be_conns() {
	local out line b
	out=$(genl_at "${nodes[$1]}" --dump --json $CMD_GET_BACKEND "$(svc_key "$2")") ||
		fail "backends of $2 in ${nodes[$1]}: $out"
	BE_CONNS=()
	while IFS= read -r line; do
		[[ $line == "{"* ]] || continue
		b=$(json_nest backend "$line")
		[[ $b =~ \"addr\":\ \"([0-9.]+)\".*\"connections\":\ ([0-9]+) ]] ||
			fail "no addr or connections in $b"
		BE_CONNS[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	done <<< "$out"
}
# ct N [VIP:PORT/PROTO]: node N's connection table (that service's
# entries), one JSON line each, into CT
ct() {
	local out line
	out=$(genl_at "${nodes[$1]}" --dump --json $CMD_GET_CONNTRACK "${2:+$(svc_key "$2")}") ||
		fail "conntrack of ${nodes[$1]}: $out"
	CT=()
	while IFS= read -r line; do
		[[ $line != "{"* ]] || CT+=("$line")
	done <<< "$out"
	echo "    ${nodes[$1]}: ${#CT[@]} entries${2:+ of $2}" >&2
}
# ct_find KEY=VALUE...: the first entry of CT with all of them, into ENTRY
ct_find() {
	local line
	for line in "${CT[@]}"; do
		! json_match "$line" "$@" || { ENTRY=$line; echo "    found: $line" >&2; return 0; }
	done
	fail "no entry with $* among ${#CT[@]}: $(printf '\n      %s' "${CT[@]:0:20}")"
}
ct_flags() { json_num flags "$ENTRY"; }
# ct_stats N: node N's connection table statistics into CTS
ct_stats() { CTS=$(genl_at "${nodes[$1]}" --json $CMD_GET_CONNTRACK_STATS) || fail "conntrack stats: $CTS"; }

### the topology

netns_del_prefix svc-
kn_load
cluster_underlay "$ul"
for i in 1 2 3; do
	kn_node_links "$i"
done
for i in 1 2 3; do
	peers=()
	for j in 1 2 3; do
		[ "$j" = "$i" ] || peers+=("$j")
	done
	script=$(kn_node_script "$i" "${peers[@]}")$'\n'
	for pod in ${node_pods[$i]}; do
		script+="kn-ctl --state-dir \"\$STATE\" pod add $pod dev kn0 ip ${addr[$pod]}"$'\n'
		KN_TEST_NETNS+=("$pod")
	done
	# node 1's own processes reach the services through kn0 (LOCAL_OUT)
	[ "$i" != 1 ] || script+="ip route add 10.96.0.0/12 dev kn0"$'\n'
	on "$i" "$script"
done
genl_start
for pod in "${!addr[@]}"; do
	if [ "$pod" = svc-n1 ]; then
		agent_start "$tmp/agent.py" "$pod" "${addr[$pod]}" kn0
	else
		agent_start "$tmp/agent.py" "$pod" "${addr[$pod]}" eth0
	fi
done
for pod in "${!addr[@]}"; do
	answer "$pod" || fail "the agent in $pod did not start: $ANS $(< "$tmp/$pod.err")"
done
echo "ok: agents ready in ${!addr[*]}" >&2

# The services, the same on every node, in one batch.
{
	for i in 1 2 3; do
		for p in tcp udp; do
			echo "service add ${one[$i]}:80/$p"
			echo "backend add ${one[$i]}:80/$p ${addr[svc-b$i]}:8080"
		done
	done
	echo "service add $spread:80/tcp"
	for b in svc-b1 svc-b2 svc-b3 svc-b4; do
		echo "backend add $spread:80/tcp ${addr[$b]}:8080"
	done
	echo "service add $weighted:80/tcp"
	echo "backend add $weighted:80/tcp ${addr[svc-b1]}:8080 weight 3"
	echo "backend add $weighted:80/tcp ${addr[svc-b2]}:8080 weight 1"
	echo "service add $sticky:80/tcp affinity client-ip timeout 600"
	echo "service add $live:80/tcp"
	echo "service add $live:80/udp"
	for b in svc-b1 svc-b2 svc-b3; do
		echo "backend add $sticky:80/tcp ${addr[$b]}:8080"
		echo "backend add $live:80/tcp ${addr[$b]}:8080"
		echo "backend add $live:80/udp ${addr[$b]}:8080"
	done
	echo "service add $empty:80/tcp"
	echo "service add $empty:80/udp"
	echo "service add $hairpin:80/tcp"
	echo "service add $hairpin:80/udp"
	echo "backend add $hairpin:80/tcp ${addr[svc-b1]}:8080"
	echo "backend add $hairpin:80/udp ${addr[svc-b1]}:8080"
	echo "service add $race:53/udp"
	for b in svc-b1 svc-b2 svc-b3 svc-b4; do
		echo "backend add $race:53/udp ${addr[$b]}:8080"
	done
	echo "service add $sink:80/tcp"
	echo "backend add $sink:80/tcp ${addr[svc-b3]}:8090"
	echo "service add $blackhole:80/tcp"
	echo "backend add $blackhole:80/tcp 10.244.2.99:8080"
} > "$tmp/services.b"
for i in 1 2 3; do
	kb "$i" "$tmp/services.b"
done
out=$(k 1 service list)
indent "$out"
for s in "${one[1]}:80/tcp" "${one[1]}:80/udp" "$spread:80/tcp" "$race:53/udp" "$blackhole:80/tcp"; do
	expect_match "kn-ctl service list" "$out" "${s//./\\.}"
done
out=$(k 1 backend list "$spread:80/tcp")
indent "$out"
for b in svc-b1 svc-b2 svc-b3 svc-b4; do
	expect_match "kn-ctl backend list $spread:80/tcp" "$out" "${addr[$b]//./\\.}:8080"
done
svc_stats 1 "$spread:80/tcp"
json_has "$spread:80/tcp in the kernel" "$SVC" backends=4 usable=4 connections=0
svc_stats 1 "$sticky:80/tcp"
json_has "$sticky:80/tcp in the kernel" "$SVC" affinity=1 affinity_timeout=600 backends=3

### the core: every pair of nodes, hairpin, refusals, LOCAL_OUT
# core: what must hold with and without nf_conntrack in the nodes
core() {
	local i j p n
	# TCP and UDP from a pod on every node to a backend on every node:
	# the client's eth0 sees TCP and UDP with the VIP alone and no ICMP
	# redirect (kn stops the node's), the backend sees the client
	# pod's address (and says whether its port too: "ports_kept"; the spec
	# promises the address), UDP answers come from VIP:80
	for i in 1 2 3; do
		for j in 1 2 3; do
			for p in tcp udp; do
				ask "svc-c$i" "$p" "${one[$j]}" 80 2 sniff
				expect_field "$p svc-c$i -> ${one[$j]}" backends "svc-b$j=2"
				expect_field "$p svc-c$i -> ${one[$j]}" peers "${addr[svc-c$i]}"
				expect_field "$p svc-c$i -> ${one[$j]}" wire "${one[$j]}"
				no_redirect "$p svc-c$i -> ${one[$j]}"
				[ "$p" = tcp ] || expect_field "udp svc-c$i -> ${one[$j]}" sources "${one[$j]}:80"
			done
		done
	done
	# hairpin: svc-b1 through a service whose only backend is itself
	for p in tcp udp; do
		ask svc-b1 "$p" "$hairpin" 80 3 sniff
		expect_field "$p hairpin" backends "svc-b1=3"
		expect_field "$p hairpin: the backend sees kn0's address" peers 10.244.1.1
		# the pod, client and server, sees the VIP and kn0's address
		expect_field "$p hairpin: what the pod sees" wire "10.244.1.1 $hairpin"
		no_redirect "$p hairpin"
		[ "$p" = tcp ] || expect_field "udp hairpin" sources "$hairpin:80"
	done
	# no backend: refused at once, TCP and UDP, from two nodes
	for i in 1 2; do
		ask "svc-c$i" refused tcp "$empty" 80
		refusal "TCP svc-c$i -> $empty:80, no backend" 1000
		ask "svc-c$i" refused udp "$empty" 80
		refusal "UDP svc-c$i -> $empty:80, no backend" 1000
	done
	# node 1's own processes (LOCAL_OUT): its address is kn0's
	ask svc-n1 tcp "$spread" 80 20
	expect_field "TCP node 1 -> $spread" peers 10.244.1.1
	tally
	[ ${#TALLY[@]} -ge 2 ] || fail "node 1's 20 connections to $spread all went to ${!TALLY[*]}"
	for j in 1 3; do
		for p in tcp udp; do
			ask svc-n1 "$p" "${one[$j]}" 80 2
			expect_field "$p node 1 -> ${one[$j]}" backends "svc-b$j=2"
			expect_field "$p node 1 -> ${one[$j]}" peers 10.244.1.1
			[ "$p" = tcp ] || expect_field "udp node 1 -> ${one[$j]}" sources "${one[$j]}:80"
		done
	done
	ask svc-n1 refused tcp "$empty" 80
	refusal "TCP node 1 -> $empty:80, no backend" 1000
	# what the kernel counted
	ct 1 "$hairpin:80/tcp"
	ct_find orig_src=10.244.1.3 orig_dst="$hairpin" orig_dport=80 reply_src=10.244.1.3 \
		reply_sport=8080 reply_dst=10.244.1.1
	n=$(ct_flags)
	((n & CT_F_SNAT)) || fail "hairpin entry without KN_CT_F_SNAT: $ENTRY"
	svc_stats 1 "$empty:80/tcp"
	n=$(json_num no_backend "$SVC")
	[ "$n" -ge 2 ] || fail "$empty:80/tcp counted $n refusals in node 1, not 2 or more"
	echo "ok: node 1 counted $n refusals of $empty:80/tcp" >&2
}
echo "## TCP and UDP through services, pods on every node, hairpin, refusals, LOCAL_OUT"
core
# node 1 routed svc-c1's packets for its own pod svc-b1 back out of kn0:
# the redirect it would have sent was stopped, and counted
ct_stats 1
n=$(json_num drop_redirect "$CTS")
[ "$n" -ge 1 ] || fail "node 1 counted $n redirects stopped, not 1 or more"
echo "ok: node 1 stopped $n ICMP redirects" >&2

echo "## a source port used again, towards another service with the same backend"
# The client's kernel lets a port closed towards one VIP open towards
# another; behind both is svc-b1:8080, and the first flow's entry (TIME_WAIT,
# or UDP) is still in the table: the second must get through all the same
# (as Linux's NAT does, by another source port if it must).
nl=$'\n'
for p in tcp udp; do
	ask svc-c1 reuse $p "${one[1]}" "$hairpin" 80
	for vip in "${one[1]}" "$hairpin"; do
		re="(^|$nl)${vip//./\\.} port ([0-9]+) ([^$nl]*)"
		[[ $ANS =~ $re ]] || fail "$p to $vip: no answer: $ANS"
		[[ ${BASH_REMATCH[3]} == "backend svc-b1 ${addr[svc-c1]}:"* ]] ||
			fail "$p from ${addr[svc-c1]}:${BASH_REMATCH[2]} to $vip:80, its port just used towards ${one[1]}:80: ${BASH_REMATCH[3]}"
	done
	echo "ok: $p: a source port used towards ${one[1]}:80 reaches $hairpin:80 (svc-b1 both)" >&2
done

echo "## 1000 connections over 4 backends, then over weights 3 and 1"
svc_stats 1 "$spread:80/tcp"
conns0=$(json_num connections "$SVC")
be_conns 1 "$spread:80/tcp"
declare -A conns_before
for b in "${!BE_CONNS[@]}"; do
	conns_before[$b]=${BE_CONNS[$b]}
done
ask svc-c1 tcp "$spread" 80 1000
expect_field "1000 connections to $spread" peers "${addr[svc-c1]}"
got=$(field backends)
spread_ok "$spread:80/tcp from svc-c1" 1000 "svc-b1=1 svc-b2=1 svc-b3=1 svc-b4=1" "$got"
tally
be_conns 1 "$spread:80/tcp"
for b in svc-b1 svc-b2 svc-b3 svc-b4; do
	n=${BE_CONNS[${addr[$b]}]} n0=${conns_before[${addr[$b]}]}
	expect_eq "node 1's count for $b" $((n - n0)) "${TALLY[$b]}"
done
svc_stats 1 "$spread:80/tcp"
expect_eq "node 1's count for $spread:80/tcp" "$(($(json_num connections "$SVC") - conns0))" 1000
ask svc-c2 tcp "$weighted" 80 1000
expect_field "1000 connections to $weighted" peers "${addr[svc-c2]}"
got=$(field backends)
spread_ok "$weighted:80/tcp from svc-c2" 1000 "svc-b1=3 svc-b2=1" "$got"

echo "## affinity client-ip: one client, one backend"
ask svc-c1 tcp "$sticky" 80 50
tally
[ ${#TALLY[@]} = 1 ] || fail "svc-c1's 50 connections to $sticky went to ${!TALLY[*]}"
first=${!TALLY[*]}
expect_eq "svc-c1's connections to $sticky on $first" "${TALLY[$first]}" 50
ask svc-c2 tcp "$sticky" 80 50
tally
[ ${#TALLY[@]} = 1 ] || fail "svc-c2's 50 connections to $sticky went to ${!TALLY[*]}"
echo "ok: svc-c1 sticks to $first, svc-c2 to ${!TALLY[*]}" >&2
ct 1 "$sticky:80/tcp"
ct_find orig_src="${addr[svc-c1]}" orig_sport=0 orig_dst="$sticky" orig_dport=80 \
	reply_src="${addr[$first]}" reply_sport=8080 state=$CT_AFFINITY
n=$(ct_flags)
((n & CT_F_AFFINITY)) || fail "affinity entry without KN_CT_F_AFFINITY: $ENTRY"
# its backend deleted, the client sticks to another
k 1 backend del "$sticky:80/tcp" "${addr[$first]}:8080"
ask svc-c1 tcp "$sticky" 80 20
tally
[ ${#TALLY[@]} = 1 ] || fail "svc-c1's 20 connections to $sticky went to ${!TALLY[*]}"
second=${!TALLY[*]}
[ "$second" != "$first" ] || fail "svc-c1 still reaches $first, deleted"
expect_eq "svc-c1's connections on $second" "${TALLY[$second]}" 20
ct 1 "$sticky:80/tcp"
ct_find orig_src="${addr[svc-c1]}" orig_sport=0 reply_src="${addr[$second]}" state=$CT_AFFINITY
# replaced without affinity, it keeps its backends and spreads again
k 1 service replace "$sticky:80/tcp"
svc_stats 1 "$sticky:80/tcp"
json_has "$sticky:80/tcp replaced" "$SVC" affinity=0 backends=2 usable=2
ask svc-c1 tcp "$sticky" 80 30
tally
[ ${#TALLY[@]} = 2 ] || fail "svc-c1's 30 connections to $sticky, no affinity, went to ${!TALLY[*]} alone"

echo "## terminating backends: refused while none is usable; one keeps its connections"
printf '%s\n' "service add $term:80/tcp" \
	"backend add $term:80/tcp ${addr[svc-b1]}:8080 terminating" > "$tmp/term.b"
kb 1 "$tmp/term.b"
ask svc-c1 refused tcp "$term" 80
refusal "TCP to $term:80, its one backend terminating" 1000
svc_stats 1 "$term:80/tcp"
json_has "$term:80/tcp" "$SVC" backends=1 usable=0
k 1 backend replace "$term:80/tcp" "${addr[svc-b1]}:8080"
ask svc-c1 hold "$term" 80 1
expect_match "held" "$(field held)" "^svc-b1 "
k 1 backend add "$term:80/tcp" "${addr[svc-b2]}:8080"
k 1 backend replace "$term:80/tcp" "${addr[svc-b1]}:8080" terminating
ask svc-c1 tcp "$term" 80 20
expect_field "new connections to $term, svc-b1 terminating" backends "svc-b2=20"
ask svc-c1 held
expect_field "svc-b1's connection, terminating" alive "1 of 1 svc-b1=1"
ask svc-c1 release

echo "## a backend deleted under a live UDP flow and a live TCP connection"
ask svc-c1 stream tcp "$live" 80
tcp_be=$(field backend)
ask svc-c1 stream udp "$live" 80
ask svc-c1 now udp
udp_be=$(field backend)
udp_be=${udp_be%% *}
[ -n "${addr[$udp_be]:-}" ] || fail "the UDP stream got no answer: $ANS"
printf '%s\n' "backend del $live:80/udp ${addr[$udp_be]}:8080" \
	"backend del $live:80/tcp ${addr[$tcp_be]}:8080" > "$tmp/del.b"
ask svc-c1 mark del0
kb 1 "$tmp/del.b"
ask svc-c1 mark del1
ask svc-c1 report udp del0 del1
del_ms=$(field mark2_ms)
runs=$(field runs)
[[ $runs =~ ^([-a-z0-9]+):[0-9]+-[0-9]+\ ([-a-z0-9]+):[0-9]+-[0-9]+$ ]] ||
	fail "the UDP flow's answers, by backend: '$runs', want its backend, then another"
newbe=${BASH_REMATCH[2]}
if [ "${BASH_REMATCH[1]}" != "$udp_be" ] || [ "$newbe" = "$udp_be" ]; then
	fail "the UDP flow's answers, by backend: '$runs', want $udp_be, then another"
fi
moved=$(field last_run_ms)
((moved >= 0 && moved <= del_ms + 1000)) ||
	fail "the UDP flow moved at ${moved} ms, the delete took 0..${del_ms} ms: want within 1 s of it"
last=$(field last_answer_ms)
((last > del_ms + 1000)) || fail "the UDP flow's last answer came at $last ms, it stopped"
read -r nlost lost <<< "$(field lost)"
[ "$nlost" -le 2 ] || fail "the UDP flow lost $nlost datagrams: $lost"
for l in $lost; do
	ms=${l#*@}
	ms=${ms%ms}
	((ms >= -300 && ms <= del_ms + 300)) || fail "the UDP flow lost datagram $l, away from the delete (0..$del_ms ms)"
done
echo "ok: the UDP flow moved from $udp_be to $newbe at $moved ms (delete 0..$del_ms ms), lost ${nlost}" >&2
ask svc-c1 report tcp del0 del1
read -r err ms <<< "$(field error)"
expect_eq "what ended the TCP connection to $tcp_be" "$err" ECONNRESET
((ms <= del_ms + 2000)) || fail "the TCP connection was reset at $ms ms, the delete took 0..$del_ms ms"
echo "ok: the TCP connection to $tcp_be was reset at $ms ms" >&2
for p in udp tcp; do
	ct 1 "$live:80/$p"
	be=$udp_be
	[ $p = udp ] || be=$tcp_be
	for line in "${CT[@]}"; do
		! json_match "$line" reply_src="${addr[$be]}" || fail "an entry to $be, deleted, is left: $line"
	done
done
echo "ok: no entry leads to the deleted backends" >&2

echo "## two datagrams of a new flow at once: both answered, by one backend"
ct_stats 1
clashes0=$(json_num clashes "$CTS")
for mode in mmsg threads; do
	ask svc-c1 pairs "$race" 53 200 $mode
	expect_field "200 pairs ($mode)" lost 0
	expect_field "200 pairs ($mode)" split 0
	n=$(field cpus)
	[ "$mode" != threads ] || [ "$n" -gt 1 ] ||
		echo "    note: this machine has $n CPU: the two threads took turns, not both at once" >&2
	tally
	[ ${#TALLY[@]} = 4 ] || fail "200 new flows ($mode) to 4 backends reached only ${!TALLY[*]}"
done
ct_stats 1
echo "    node 1 counted $(($(json_num clashes "$CTS") - clashes0)) clashes" >&2

echo "## the connection table: both tuples, kn-ctl list and stats, one service flushed"
ask svc-c1 hold "${one[1]}" 80 1
read -r _ mine peer <<< "$(field held)"
port=${mine#*:}
expect_eq "the address the backend saw" "${peer%:*}" "${addr[svc-c1]}"
ct 1 "${one[1]}:80/tcp"
ct_find proto=6 orig_src="${addr[svc-c1]}" orig_sport="$port" orig_dst="${one[1]}" orig_dport=80 \
	reply_src="${addr[svc-b1]}" reply_sport=8080 reply_dst="${addr[svc-c1]}" reply_dport="${peer#*:}" \
	state=$CT_ESTABLISHED
n=$(ct_flags)
((n & CT_F_REPLIED)) || fail "an established connection without KN_CT_F_REPLIED: $ENTRY"
n=$(json_num timeout_ms "$ENTRY")
((n > 86300000 && n <= 86400000)) || fail "an established connection expires in $n ms"
out=$(k 1 conntrack list service "${one[1]}:80/tcp")
indent "$out"
for want in "${addr[svc-c1]}" "$port" "${one[1]}" "${addr[svc-b1]}"; do
	expect_match "kn-ctl conntrack list" "$out" "${want//./\\.}"
done
out=$(k 1 conntrack list -j)
expect_match "kn-ctl conntrack list -j" "$out" "${addr[svc-c1]//./\\.}"
out=$(k 1 conntrack stats)
indent "$out"
expect_match "kn-ctl conntrack stats" "$out" "entries"
out=$(k 1 conntrack stats -j)
expect_match "kn-ctl conntrack stats -j" "$out" '"entries"'
ask svc-c1 udp "${one[1]}" 80 3
ask svc-c1 udp "${one[2]}" 80 3
ct 1 "${one[1]}:80/udp"
flushed=${#CT[@]}
ct_find proto=17 orig_src="${addr[svc-c1]}" orig_dst="${one[1]}" orig_dport=80 \
	reply_src="${addr[svc-b1]}" reply_sport=8080 reply_dst="${addr[svc-c1]}" state=$CT_UDP_REPLIED
n=$(ct_flags)
((n & CT_F_REPLIED)) || fail "an answered UDP flow without KN_CT_F_REPLIED: $ENTRY"
ct_stats 1
removed0=$(json_num removed "$CTS")
k 1 conntrack flush service "${one[1]}:80/udp"
ct 1 "${one[1]}:80/udp"
expect_eq "entries of ${one[1]}:80/udp after its flush" "${#CT[@]}" 0
ct 1 "${one[2]}:80/udp"
[ ${#CT[@]} -ge 3 ] || fail "the flush of ${one[1]}:80/udp took ${one[2]}:80/udp's entries too"
ct 1 "${one[1]}:80/tcp"
ct_find orig_sport="$port" state=$CT_ESTABLISHED
ct_stats 1
removed=$(($(json_num removed "$CTS") - removed0))
# the 3 entries just made cannot have expired in between; older ones may
[ "$removed" -ge 3 ] || fail "the flush of $flushed entries (3 of them new) counted $removed removed"
echo "ok: the flush of $flushed entries counted $removed removed" >&2
ask svc-c1 held
expect_field "the TCP connection to ${one[1]}:80 after the UDP flush" alive "1 of 1 svc-b1=1"
ask svc-c1 release

echo "## a table limited to 256 entries, flooded with SYNs nobody answers, keeps its established connections and takes new ones"
# The table's buckets were made for the default limit (262144): at 256
# entries they are sparse, and early drop must look further than its
# usual 8 buckets (2048 here: about 8 entries) to find a flood entry.
k 2 conntrack flush
ct_stats 2
json_has "node 2's table flushed" "$CTS" entries=0
k 2 config set conntrack-max 256
ask svc-c2 hold "${one[2]}" 80 8
ct_stats 2
json_has "node 2's table" "$CTS" entries=8 max_entries=256
early0=$(json_num early_drops "$CTS") full0=$(json_num drop_full "$CTS")
ask svc-c2 flood "$blackhole" 80 300
snooze 2
ct_stats 2
echo "    $CTS" >&2
n=$(json_num entries "$CTS")
[ "$n" -le 256 ] || fail "node 2's table holds $n entries, more than 256"
early=$(($(json_num early_drops "$CTS") - early0))
n=$((early + $(json_num drop_full "$CTS") - full0))
[ "$n" -ge 52 ] || fail "300 SYNs into 248 free places: $n early drops and drops for a full table, want 52 or more"
# each of the 52 SYNs over the limit finds one of about 16 flood entries in
# its 2048 buckets (none there: p ~ 1e-7)
[ "$early" -ge 26 ] || fail "300 SYNs into 248 free places: $early early drops, want most of 52"
echo "ok: $early early drops for 52 SYNs over the limit" >&2
ask svc-c2 held
expect_field "established connections after the flood" alive "8 of 8 svc-b2=8"
# the table is still full of the flood: a new connection gets a place
ask svc-c2 tcp "${one[1]}" 80 1
expect_field "a new connection into the full table" backends "svc-b1=1"
ask svc-c2 release
k 2 config set conntrack-max 262144

echo "## $mb MB through a service while 1000 others come and go"
for verb in add del; do
	for ((i = 0; i < 1000; i++)); do
		s=$churn.$((i / 250)).$((i % 250 + 1)):80/tcp
		echo "service $verb $s"
		[ $verb = del ] || echo "backend add $s ${addr[svc-b3]}:8080"
	done > "$tmp/churn-$verb.b"
done
# services_in N: how many services node N has
services_in() {
	local out
	out=$(genl_at "${nodes[$1]}" --dump --json $CMD_GET_SERVICE) || fail "service dump: $out"
	grep -c '"service"' <<< "$out" || :
}
before=$(services_in 1)
ask svc-c1 bulk start "$sink" 80
for round in 1 2; do
	kb 1 "$tmp/churn-add.b"
	expect_eq "services in node 1, round $round" "$(services_in 1)" $((before + 1000))
	kb 1 "$tmp/churn-del.b"
	expect_eq "services in node 1, round $round" "$(services_in 1)" "$before"
done
ask svc-c1 bulk status
expect_match "the transfer, after the churn" "$ANS" "^running [0-9]+"
ask svc-c1 bulk stop "$mb" 900
read -r what sent sha _ got gsha <<< "$ANS"
expect_eq "the transfer" "$what" sent
[ "$sent" -ge $((mb * 1000000)) ] || fail "sent only $sent bytes"
expect_eq "bytes received" "$got" "$sent"
expect_eq "SHA-256 received" "$gsha" "$sha"

echo "## again, with nf_conntrack and iptables' nat in every node"
pp modprobe -a nf_conntrack iptable_nat
for i in 1 2 3; do
	echo "+ ip netns exec ${nodes[$i]} iptables-legacy-restore: MASQUERADE, ctstate INVALID drop" >&2
	ip netns exec "${nodes[$i]}" iptables-legacy-restore <<-EOF
		*nat
		:PREROUTING ACCEPT [0:0]
		:INPUT ACCEPT [0:0]
		:OUTPUT ACCEPT [0:0]
		:POSTROUTING ACCEPT [0:0]
		-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE
		COMMIT
		*filter
		:INPUT ACCEPT [0:0]
		:FORWARD ACCEPT [0:0]
		:OUTPUT ACCEPT [0:0]
		-A FORWARD -m conntrack --ctstate INVALID -j DROP
		-A FORWARD -m conntrack --ctstate UNTRACKED
		-A OUTPUT -m conntrack --ctstate UNTRACKED
		COMMIT
	EOF
done
core
# kn's packets went by conntrack untracked, in node 1's FORWARD (pods)
# and OUTPUT (its own), while conntrack tracked the rest
for chain in FORWARD OUTPUT; do
	out=$(ip netns exec "${nodes[1]}" iptables-legacy -w -nvxL $chain)
	indent "$out"
	re=$'(^|\n) *([0-9]+) [^\n]*ctstate UNTRACKED'
	[[ $out =~ $re ]] || fail "no UNTRACKED rule in node 1's $chain"
	[ "${BASH_REMATCH[2]}" -gt 0 ] || fail "nothing untracked went through node 1's $chain"
	echo "ok: ${BASH_REMATCH[2]} untracked packets through node 1's $chain" >&2
done
n=$(ip netns exec "${nodes[3]}" cat /proc/sys/net/netfilter/nf_conntrack_count)
[ "$n" -gt 0 ] || fail "conntrack tracks nothing in ${nodes[3]}"
echo "ok: conntrack tracks $n connections in ${nodes[3]}" >&2

for i in 1 2 3; do
	ct_stats "$i"
	echo "    ${nodes[$i]}: $CTS" >&2
done
echo "services: all checks passed"
