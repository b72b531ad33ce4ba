#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes N ClusterIP services, each with two backends, in the input format
of each data path the services scenario (bench/scenarios/services.sh)
compares, the way each is programmed:

    svcgen.py DIR N LIVE_BACKEND... [update]

    DIR/kn.batch        kn-ctl -b: "service add" and "backend add" lines
    DIR/iptables.rules  iptables-restore --noflush input: the filter and nat
                        tables of kube-proxy's iptables mode, full sync
    DIR/ipvs.rules      ipvsadm -R input (kube-proxy's IPVS mode: one virtual
                        server per service, masquerading real servers)
    DIR/ipvs.addrs      ip -batch input: the VIPs on the dummy kube-ipvs0
    DIR/nft.rules       nft -f input: kube-proxy's nftables mode, table ip
                        kube-proxy, full sync
    DIR/nft-lookup.rules  the same lookup path for less: every service an
                        element of the service-ips map, as above, but those
                        of all services other than the first and the last
                        lead to the first one's chain (see services.sh)
    DIR/kn.flush        kn-ctl -b: "service del" of every service
    DIR/target          the last service's VIP
    DIR/changes         how many services the batched change touches (below)

Service i (0-based) is VIP 10.96.0.0/12 + i + 1, port 80/tcp, named
bench/svc-i:http; its backends are made-up pod addresses on port 8080, but
for the last service, whose backends are LIVE_BACKEND... (ADDR:PORT): it is
the one the scenario connects to, programmed last, so last in
KUBE-SERVICES, which iptables walks rule by rule.

With "update", also the inputs that add one backend to the first service
when the N services are in place (the first: the one whose chains
nft-lookup.rules has too), and that take it away again, as each data path's
programmer would: DIR/UPD.add and DIR/UPD.del for UPD in iptables (kube-
proxy's partial sync: iptables-restore --noflush of the whole KUBE-SERVICES
chain and the changed service's chains), nft (the new endpoint chain and
the service chain rewritten), ipvs (ipvsadm arguments) and kn (kn-ctl
arguments).

With "update", also a batch of changes: one backend more for each of the
CHANGES (100, or $KN_SVC_CHANGES, at most N - 2) services after the first (never the
last, the one connected to), each its own new endpoint, in one run of each
programmer, and the batch that takes them away again: DIR/UPD.change-add
and DIR/UPD.change-del, for UPD in iptables (one kube-proxy partial sync
with those services' chains), nft (one nft -f transaction, each service
as in nft.add), ipvs (ipvsadm -R input, one -a or -d line per service) and
kn (kn-ctl -b input, one backend add or del line per service).  Those
services have chains of their own in nft-lookup.rules too, so that the
nftables change is the same on either table.

Chain names are kube-proxy's own: KUBE-SVC-/KUBE-SEP- and the first 16
characters of the base32 of a SHA-256 (iptables), service-/endpoint- and 8
such characters before the readable name (nftables).  With more than 1000
endpoints kube-proxy's iptables mode leaves the per-endpoint comments out
("large cluster mode"), and so does this."""

import base64
import hashlib
import os
import sys

CHANGES = int(os.environ.get("KN_SVC_CHANGES", "100"))
CLUSTER_CIDR = "10.244.0.0/16"
SERVICE_CIDR = "10.96.0.0/12"
NS = "bench"
PORT = 80
TARGET_PORT = 8080
MASQ = "0x4000"


def vip(i):
    n = (10 << 24 | 96 << 16) + i + 1
    return "%d.%d.%d.%d" % (n >> 24, n >> 16 & 255, n >> 8 & 255, n & 255)


def fake_backend(i, j):
    """Backend j of service i: 10.200.0.0 and up, never answered."""
    n = (10 << 24 | 200 << 16) + 2 * i + j + 1
    return "%d.%d.%d.%d:%d" % (n >> 24, n >> 16 & 255, n >> 8 & 255, n & 255, TARGET_PORT)


def b32(s, n):
    """The first n (a multiple of 8) characters of the base32 of the SHA-256
    of s: those of its first n * 5 / 8 bytes (base32 encoding is pure Python,
    and slow, in Python before 3.12)."""
    return base64.b32encode(hashlib.sha256(s.encode()).digest()[:n * 5 // 8]).decode()


class Service:
    def __init__(self, i, backends):
        self.i = i
        self.vip = vip(i)
        self.name = "%s/svc-%d:http" % (NS, i)
        self.backends = backends
        self.names = {}
        # pkg/proxy/iptables: servicePortChainName, servicePortEndpointChainName
        self.svc_chain = "KUBE-SVC-" + b32(self.name + "tcp", 16)
        # pkg/proxy/nftables: servicePortChainNameBase
        self.nft_base = "%s/svc-%d/tcp/http" % (NS, self.i)
        self.nft_chain = "service-%s-%s" % (b32(self.nft_base, 8), self.nft_base)

    def sep_chain(self, ep):
        if ("sep", ep) not in self.names:
            self.names["sep", ep] = "KUBE-SEP-" + b32(self.name + "tcp" + ep, 16)
        return self.names["sep", ep]

    def nft_ep_chain(self, ep):
        if ("nft", ep) not in self.names:
            name = "%s__%s" % (self.nft_base, ep.replace(":", "/"))
            self.names["nft", ep] = "endpoint-%s-%s" % (b32(name, 8), name)
        return self.names["nft", ep]


# --- iptables (pkg/proxy/iptables/proxier.go, syncProxyRules) ---------------

IPT_FILTER = """*filter
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-FIREWALL - [0:0]
-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark %(masq)s/%(masq)s -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
""" % {"masq": MASQ}

IPT_NAT_HEAD = """*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
"""

IPT_NAT_FIXED = """-A KUBE-POSTROUTING -m mark ! --mark %(masq)s/%(masq)s -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark %(masq)s
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --or-mark %(masq)s
""" % {"masq": MASQ}

IPT_NODEPORTS_LAST = ('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; '
                      'NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL '
                      '-j KUBE-NODEPORTS\n')


def ipt_services_rule(s):
    return ('-A KUBE-SERVICES -m comment --comment "%s cluster IP" -m tcp -p tcp -d %s '
            '--dport %d -j %s\n' % (s.name, s.vip, PORT, s.svc_chain))


def ipt_service_chains(s, large):
    """The chain lines and rules of one service's KUBE-SVC and KUBE-SEP chains."""
    chains = [":%s - [0:0]\n" % s.svc_chain]
    rules = ['-A %s -m comment --comment "%s cluster IP" -m tcp -p tcp -d %s --dport %d '
             '! -s %s -j KUBE-MARK-MASQ\n' % (s.svc_chain, s.name, s.vip, PORT, CLUSTER_CIDR)]
    n = len(s.backends)
    for k, ep in enumerate(s.backends):
        line = "-A %s" % s.svc_chain
        if not large:
            line += ' -m comment --comment "%s -> %s"' % (s.name, ep)
        if k < n - 1:
            line += " -m statistic --mode random --probability %0.10f" % (1.0 / (n - k))
        rules.append(line + " -j %s\n" % s.sep_chain(ep))
    for ep in s.backends:
        sep = s.sep_chain(ep)
        chains.append(":%s - [0:0]\n" % sep)
        comment = "" if large else " -m comment --comment %s" % s.name
        rules.append("-A %s%s -s %s -j KUBE-MARK-MASQ\n" % (sep, comment, ep.split(":")[0]))
        rules.append("-A %s%s -m tcp -p tcp -j DNAT --to-destination %s\n" % (sep, comment, ep))
    return chains, rules


def ipt_restore(services, changed, large):
    """iptables-restore --noflush input: every service's chains for a full
    sync (changed is None), only those of the changed ones for a partial
    one; KUBE-SERVICES is rewritten whole either way, as kube-proxy does."""
    chains, rules = [], []
    for s in services:
        if changed is None or s.i in changed:
            c, r = ipt_service_chains(s, large)
            chains += c
            rules += r
    out = [IPT_FILTER, IPT_NAT_HEAD]
    out += chains
    out.append(IPT_NAT_FIXED)
    out += [ipt_services_rule(s) for s in services]
    out.append(IPT_NODEPORTS_LAST)
    out += rules
    out.append("COMMIT\n")
    return "".join(out)


# --- nftables (pkg/proxy/nftables/proxier.go) -------------------------------

NFT_BASE = """add table ip kube-proxy { comment "rules for kube-proxy" ; }
add set ip kube-proxy cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }
add set ip kube-proxy nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }
add map ip kube-proxy firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }
add map ip kube-proxy no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }
add map ip kube-proxy no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }
add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }
add map ip kube-proxy service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }
add chain ip kube-proxy cluster-ips-check
add chain ip kube-proxy filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }
add chain ip kube-proxy filter-output-pre-dnat { type filter hook output priority -110 ; }
add chain ip kube-proxy filter-forward { type filter hook forward priority 0 ; }
add chain ip kube-proxy filter-input { type filter hook input priority 0 ; }
add chain ip kube-proxy filter-output { type filter hook output priority 0 ; }
add chain ip kube-proxy firewall-check
add chain ip kube-proxy mark-for-masquerade
add chain ip kube-proxy masquerading
add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }
add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }
add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }
add chain ip kube-proxy nodeport-endpoints-check
add chain ip kube-proxy reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }
add chain ip kube-proxy services
add chain ip kube-proxy service-endpoints-check
add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"
add rule ip kube-proxy cluster-ips-check ip daddr { %(svc_cidr)s } drop comment "Drop traffic to unallocated ClusterIPs"
add rule ip kube-proxy filter-prerouting-pre-dnat ct state new jump firewall-check
add rule ip kube-proxy filter-forward ct state new jump service-endpoints-check
add rule ip kube-proxy filter-forward ct state new jump cluster-ips-check
add rule ip kube-proxy filter-input ct state new jump nodeport-endpoints-check
add rule ip kube-proxy filter-input ct state new jump service-endpoints-check
add rule ip kube-proxy filter-output ct state new jump service-endpoints-check
add rule ip kube-proxy filter-output-pre-dnat ct state new jump firewall-check
add rule ip kube-proxy filter-output ct state new jump cluster-ips-check
add rule ip kube-proxy firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips
add rule ip kube-proxy mark-for-masquerade mark set mark or %(masq)s
add rule ip kube-proxy masquerading mark and %(masq)s == 0 return
add rule ip kube-proxy masquerading mark set mark xor %(masq)s
add rule ip kube-proxy masquerading masquerade fully-random
add rule ip kube-proxy nat-output jump services
add rule ip kube-proxy nat-postrouting jump masquerading
add rule ip kube-proxy nat-prerouting jump services
add rule ip kube-proxy nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports
add rule ip kube-proxy reject-chain reject
add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
add rule ip kube-proxy services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports
add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services
""" % {"svc_cidr": SERVICE_CIDR, "masq": MASQ}


def nft_service_chain_rules(s):
    vm = " , ".join("%d : goto %s" % (k, s.nft_ep_chain(ep)) for k, ep in enumerate(s.backends))
    return ("add rule ip kube-proxy %s ip daddr %s ip saddr != %s jump mark-for-masquerade\n"
            "add rule ip kube-proxy %s numgen random mod %d vmap { %s }\n"
            % (s.nft_chain, s.vip, CLUSTER_CIDR, s.nft_chain, len(s.backends), vm))


def nft_endpoint_rules(s, ep):
    c = s.nft_ep_chain(ep)
    return ("add rule ip kube-proxy %s ip saddr %s jump mark-for-masquerade\n"
            "add rule ip kube-proxy %s meta l4proto tcp dnat to %s\n"
            % (c, ep.split(":")[0], c, ep))


def nft_full(services):
    """A full sync: every chain made first (a rule may only name a chain
    that exists), then the rules, then the map and set elements."""
    out = [NFT_BASE]
    for s in services:
        out.append("add chain ip kube-proxy %s\n" % s.nft_chain)
        out += ["add chain ip kube-proxy %s\n" % s.nft_ep_chain(ep) for ep in s.backends]
    for s in services:
        out.append(nft_service_chain_rules(s))
        out += [nft_endpoint_rules(s, ep) for ep in s.backends]
    for s in services:
        out.append("add element ip kube-proxy cluster-ips { %s }\n" % s.vip)
        out.append("add element ip kube-proxy service-ips { %s . tcp . %d : goto %s }\n"
                   % (s.vip, PORT, s.nft_chain))
    return "".join(out)


def nft_lookup(services, own):
    """The packet path of nft_full(services) for the last service, with the
    chains of the first and the last service and of those in own only:
    every other service's element of service-ips leads to the first
    service's chain."""
    first, last = services[0], services[-1]
    keep = [first] + [s for s in own if s is not first and s is not last] + [last]
    out = [NFT_BASE]
    for s in keep:
        out.append("add chain ip kube-proxy %s\n" % s.nft_chain)
        out += ["add chain ip kube-proxy %s\n" % s.nft_ep_chain(ep) for ep in s.backends]
    for s in keep:
        out.append(nft_service_chain_rules(s))
        out += [nft_endpoint_rules(s, ep) for ep in s.backends]
    kept = {s.i for s in keep}
    for s in services:
        chain = s.nft_chain if s.i in kept else first.nft_chain
        out.append("add element ip kube-proxy cluster-ips { %s }\n" % s.vip)
        out.append("add element ip kube-proxy service-ips { %s . tcp . %d : goto %s }\n"
                   % (s.vip, PORT, chain))
    return "".join(out)


def nft_update(s, new_ep, add):
    """kube-proxy's partial sync of one service whose backends changed: the
    service chain flushed and rewritten, the endpoint chain made or deleted."""
    out = []
    if add:
        out.append("add chain ip kube-proxy %s\n" % s.nft_ep_chain(new_ep))
        out.append(nft_endpoint_rules(s, new_ep))
    out.append("flush chain ip kube-proxy %s\n" % s.nft_chain)
    out.append(nft_service_chain_rules(s))
    if not add:
        out.append("delete chain ip kube-proxy %s\n" % s.nft_ep_chain(new_ep))
    return "".join(out)


# --- IPVS, kn ---------------------------------------------------------------

def ipvs_service(s):
    out = ["-A -t %s:%d -s rr\n" % (s.vip, PORT)]
    out += ["-a -t %s:%d -r %s -m -w 1\n" % (s.vip, PORT, ep) for ep in s.backends]
    return "".join(out)


def kn_service(s):
    out = ["service add %s:%d/tcp\n" % (s.vip, PORT)]
    out += ["backend add %s:%d/tcp %s\n" % (s.vip, PORT, ep) for ep in s.backends]
    return "".join(out)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: svcgen.py DIR N LIVE_BACKEND... [update]")
    out, n = sys.argv[1], int(sys.argv[2])
    args = sys.argv[3:]
    update = args[-1] == "update"
    live = args[:-1] if update else args
    os.makedirs(out, exist_ok=True)
    services = [Service(i, [fake_backend(i, 0), fake_backend(i, 1)]) for i in range(n - 1)]
    services.append(Service(n - 1, live))
    large = sum(len(s.backends) for s in services) > 1000
    # The services the batched change touches: after the first (which the
    # single change is made to), before the last (connected to).
    changed = services[1:1 + max(0, min(CHANGES, n - 2))]

    write(os.path.join(out, "kn.batch"), "".join(kn_service(s) for s in services))
    write(os.path.join(out, "ipvs.rules"), "".join(ipvs_service(s) for s in services))
    write(os.path.join(out, "ipvs.addrs"),
          "".join("addr add %s/32 dev kube-ipvs0\n" % s.vip for s in services))
    write(os.path.join(out, "iptables.rules"), ipt_restore(services, None, large))
    write(os.path.join(out, "nft.rules"), nft_full(services))
    write(os.path.join(out, "nft-lookup.rules"), nft_lookup(services, changed))
    write(os.path.join(out, "kn.flush"),
          "".join("service del %s:%d/tcp\n" % (s.vip, PORT) for s in services))
    write(os.path.join(out, "target"), services[-1].vip + "\n")
    write(os.path.join(out, "changes"), "%d\n" % len(changed))
    if not update:
        return

    s = services[0]
    old = list(s.backends)
    new_ep = fake_backend(n + 1, 0)
    s.backends = old + [new_ep]
    write(os.path.join(out, "iptables.add"), ipt_restore(services, {s.i}, large))
    write(os.path.join(out, "nft.add"), nft_update(s, new_ep, True))
    write(os.path.join(out, "ipvs.add"), "-a -t %s:%d -r %s -m -w 1\n" % (s.vip, PORT, new_ep))
    write(os.path.join(out, "kn.add"), "backend add %s:%d/tcp %s\n" % (s.vip, PORT, new_ep))
    s.backends = old
    write(os.path.join(out, "iptables.del"), ipt_restore(services, {s.i}, large))
    write(os.path.join(out, "nft.del"), nft_update(s, new_ep, False))
    write(os.path.join(out, "ipvs.del"), "-d -t %s:%d -r %s\n" % (s.vip, PORT, new_ep))
    write(os.path.join(out, "kn.del"), "backend del %s:%d/tcp %s\n" % (s.vip, PORT, new_ep))
    if changed:
        write_changes(out, services, changed, n, large)


def write_changes(out, services, changed, n, large):
    """The batched change's inputs (see the module's doc): each changed
    service gets an endpoint of its own, addresses no other backend has."""
    olds = [list(s.backends) for s in changed]
    news = [fake_backend(n + 2 + k, 0) for k in range(len(changed))]
    idx = {s.i for s in changed}
    for s, old, ep in zip(changed, olds, news):
        s.backends = old + [ep]
    write_change(out, services, changed, news, idx, large, True)
    for s, old in zip(changed, olds):
        s.backends = old
    write_change(out, services, changed, news, idx, large, False)


def write_change(out, services, changed, news, idx, large, add):
    """One direction of the batched change: each data path's input that
    adds (or takes away again) the endpoint news[k] of service changed[k]."""
    verb = "add" if add else "del"
    ipvs = "-a -t %s:%d -r %s -m -w 1\n" if add else "-d -t %s:%d -r %s\n"
    pairs = list(zip(changed, news))
    write(os.path.join(out, "iptables.change-" + verb), ipt_restore(services, idx, large))
    write(os.path.join(out, "nft.change-" + verb),
          "".join(nft_update(s, ep, add) for s, ep in pairs))
    write(os.path.join(out, "ipvs.change-" + verb),
          "".join(ipvs % (s.vip, PORT, ep) for s, ep in pairs))
    write(os.path.join(out, "kn.change-" + verb),
          "".join("backend %s %s:%d/tcp %s\n" % (verb, s.vip, PORT, ep) for s, ep in pairs))


if __name__ == "__main__":
    main()
