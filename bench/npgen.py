#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes a node's NodePort services in the input format of each data path
the NodePort scenario (bench/scenarios/nodeport.sh) compares, as each is
programmed (policy Cluster, TCP):

    npgen.py DIR NODE_ADDRS SERVICE...

    NODE_ADDRS  the node's addresses, comma-separated: kube-proxy's IPVS
                mode makes a virtual server for the NodePort on each
    SERVICE     NAME/VIP:PORT/NODEPORT/BACKEND[+BACKEND...], BACKEND
                ADDR:PORT, e.g. crr/10.96.0.10:80/30080/10.244.1.2:8080

    DIR/kn.batch        kn-ctl -b: "service add VIP:PORT/tcp nodeport N"
                        (policy cluster, the default) and "backend add"
    DIR/iptables.rules  iptables-restore --noflush input: kube-proxy's
                        iptables mode, what it installs at its start (the
                        jumps from the built-in chains) and a full sync:
                        KUBE-SERVICES (the ClusterIP rules, then the jump to
                        KUBE-NODEPORTS for local destinations, last),
                        KUBE-NODEPORTS -> KUBE-EXT-<hash> (KUBE-MARK-MASQ,
                        then KUBE-SVC-<hash>) -> -m statistic --mode random
                        -> KUBE-SEP-<hash> (DNAT), KUBE-POSTROUTING's
                        MASQUERADE of marked packets, the filter chains
    DIR/ipvs.rules      ipvsadm -R input: kube-proxy's IPVS mode, a virtual
                        server (rr, masquerading real servers) for each
                        ClusterIP and for each node address:NodePort
    DIR/ipvs.addrs      ip -batch input: the ClusterIPs on kube-ipvs0
    DIR/ipvs-iptables.rules  iptables-restore --noflush input: the nat and
                        filter rules kube-proxy's IPVS mode installs, with
                        plain rules for the ipset matches it uses to mark
                        traffic for masquerading (ipset is not installed):
                        one per ClusterIP (KUBE-CLUSTER-IP) and one per
                        NodePort (KUBE-NODE-PORT-TCP)

Chain names and comments are kube-proxy's (pkg/proxy/iptables, ipvs), the
hashes those of bench/svcgen.py: the first 16 characters of the base32 of
the SHA-256 of "namespace/name:port" + "tcp"."""

import os
import sys

sys.dont_write_bytecode = True  # no bench/__pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import svcgen  # noqa: E402  (bench/svcgen.py: the hash, the fixed chains)

MASQ = svcgen.MASQ
CIDR = svcgen.CLUSTER_CIDR

# What kube-proxy's iptables mode installs once, at its start
# (iptablesJumpChains, iptablesKubeletJumpChains); as in services.sh.
IPT_JUMPS = """*filter
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-FIREWALL - [0:0]
-I INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
-I INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-I INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-I INPUT -j KUBE-FIREWALL
-I FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-I FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-I FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-I OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-I OUTPUT -j KUBE-FIREWALL
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
-I OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
COMMIT
"""

# kube-proxy's IPVS mode (pkg/proxy/ipvs/proxier.go: writeIptablesRules,
# createAndLinkKubeChain), its ipset matches replaced as said above.
IPVS_FILTER = """*filter
:KUBE-FORWARD - [0:0]
:KUBE-NODE-PORT - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-SOURCE-RANGES-FIREWALL - [0:0]
:KUBE-IPVS-FILTER - [0:0]
:KUBE-IPVS-OUT-FILTER - [0:0]
-I INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER
-I INPUT -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL
-I INPUT -m comment --comment "kubernetes health check rules" -j KUBE-NODE-PORT
-I FORWARD -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL
-I FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-I OUTPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-OUT-FILTER
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark %(masq)s/%(masq)s -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
""" % {"masq": MASQ}

IPVS_NAT_HEAD = """*nat
:KUBE-SERVICES - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-NODE-PORT - [0:0]
:KUBE-LOAD-BALANCER - [0:0]
:KUBE-MARK-MASQ - [0:0]
-I OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-I POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
"""


class Service:
    def __init__(self, spec):
        try:
            name, vip, nodeport, backends = spec.split("/")
            self.vip, port = vip.split(":")
            self.port = int(port)
            self.nodeport = int(nodeport)
            self.backends = backends.split("+")
            for b in self.backends:
                int(b.split(":")[1])
        except (ValueError, IndexError):
            sys.exit("npgen.py: not NAME/VIP:PORT/NODEPORT/ADDR:PORT[+ADDR:PORT...]: %s" % spec)
        self.name = "%s/%s:http" % (svcgen.NS, name)
        h = svcgen.b32(self.name + "tcp", 16)
        self.svc_chain = "KUBE-SVC-" + h
        self.ext_chain = "KUBE-EXT-" + h

    def sep_chain(self, ep):
        return "KUBE-SEP-" + svcgen.b32(self.name + "tcp" + ep, 16)


def ipt_rules(services):
    """kube-proxy's iptables mode (pkg/proxy/iptables/proxier.go,
    syncProxyRules) for services whose external policy is Cluster."""
    chains, rules, svc_rules = [], [], []
    for s in services:
        chains += [":%s - [0:0]\n" % s.svc_chain, ":%s - [0:0]\n" % s.ext_chain]
        svc_rules.append('-A KUBE-SERVICES -m comment --comment "%s cluster IP" -m tcp -p tcp '
                         '-d %s --dport %d -j %s\n' % (s.name, s.vip, s.port, s.svc_chain))
        rules.append('-A KUBE-NODEPORTS -m comment --comment %s -m tcp -p tcp --dport %d -j %s\n'
                     % (s.name, s.nodeport, s.ext_chain))
        rules.append('-A %s -m comment --comment "masquerade traffic for %s external destinations" '
                     '-j KUBE-MARK-MASQ\n' % (s.ext_chain, s.name))
        rules.append("-A %s -j %s\n" % (s.ext_chain, s.svc_chain))
        rules.append('-A %s -m comment --comment "%s cluster IP" -m tcp -p tcp -d %s --dport %d '
                     '! -s %s -j KUBE-MARK-MASQ\n' % (s.svc_chain, s.name, s.vip, s.port, CIDR))
        n = len(s.backends)
        for k, ep in enumerate(s.backends):
            line = '-A %s -m comment --comment "%s -> %s"' % (s.svc_chain, s.name, ep)
            if k < n - 1:
                line += " -m statistic --mode random --probability %0.10f" % (1.0 / (n - k))
            rules.append(line + " -j %s\n" % s.sep_chain(ep))
        for ep in s.backends:
            sep = s.sep_chain(ep)
            chains.append(":%s - [0:0]\n" % sep)
            rules.append("-A %s -m comment --comment %s -s %s -j KUBE-MARK-MASQ\n"
                         % (sep, s.name, ep.split(":")[0]))
            rules.append("-A %s -m comment --comment %s -m tcp -p tcp -j DNAT --to-destination %s\n"
                         % (sep, s.name, ep))
    out = [IPT_JUMPS, svcgen.IPT_FILTER, svcgen.IPT_NAT_HEAD] + chains
    out.append(svcgen.IPT_NAT_FIXED)
    out += svc_rules
    out.append(svcgen.IPT_NODEPORTS_LAST)
    out += rules
    out.append("COMMIT\n")
    return "".join(out)


def ipvs_rules(services, addrs):
    out = []
    for s in services:
        for vs in ["%s:%d" % (s.vip, s.port)] + ["%s:%d" % (a, s.nodeport) for a in addrs]:
            out.append("-A -t %s -s rr\n" % vs)
            out += ["-a -t %s -r %s -m -w 1\n" % (vs, ep) for ep in s.backends]
    return "".join(out)


def ipvs_iptables(services):
    out = [IPVS_FILTER, IPVS_NAT_HEAD]
    out.append("-A KUBE-MARK-MASQ -j MARK --or-mark %s\n" % MASQ)
    out.append("-A KUBE-POSTROUTING -m mark ! --mark %s/%s -j RETURN\n" % (MASQ, MASQ))
    out.append("-A KUBE-POSTROUTING -j MARK --xor-mark %s\n" % MASQ)
    out.append('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring '
               'SNAT" -j MASQUERADE --random-fully\n')
    # -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s CIDR
    for s in services:
        out.append('-A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port '
                   'for masquerade purpose" -m tcp -p tcp -d %s/32 --dport %d ! -s %s '
                   '-j KUBE-MARK-MASQ\n' % (s.vip, s.port, CIDR))
    out.append("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT\n")
    # -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT
    for s in services:
        out.append("-A KUBE-SERVICES -m tcp -p tcp -d %s/32 --dport %d -j ACCEPT\n"
                   % (s.vip, s.port))
    # -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ
    for s in services:
        out.append('-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port '
                   'for masquerade purpose" -m tcp --dport %d -j KUBE-MARK-MASQ\n' % s.nodeport)
    out.append("COMMIT\n")
    return "".join(out)


def kn_batch(services):
    out = []
    for s in services:
        key = "%s:%d/tcp" % (s.vip, s.port)
        out.append("service add %s nodeport %d\n" % (key, s.nodeport))
        out += ["backend add %s %s\n" % (key, ep) for ep in s.backends]
    return "".join(out)


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: npgen.py DIR NODE_ADDRS SERVICE...")
    out = sys.argv[1]
    addrs = [a for a in sys.argv[2].split(",") if a]
    services = [Service(a) for a in sys.argv[3:]]
    os.makedirs(out, exist_ok=True)
    files = {
        "kn.batch": kn_batch(services),
        "iptables.rules": ipt_rules(services),
        "ipvs.rules": ipvs_rules(services, addrs),
        "ipvs.addrs": "".join("addr add %s/32 dev kube-ipvs0\n" % s.vip for s in services),
        "ipvs-iptables.rules": ipvs_iptables(services),
    }
    for name, text in files.items():
        with open(os.path.join(out, name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
