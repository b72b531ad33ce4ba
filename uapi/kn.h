/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kn: the Kubernetes node datapath -- generic netlink interface.
 *
 * This header is the contract between the kn module and kn-ctl.  Numbers are
 * append-only: a value, once released, never changes meaning.
 *
 * Family: KN_GENL_NAME ("kn"), version KN_GENL_VERSION.  The family is
 * netns-aware: every request acts on the network namespace of the socket that
 * sends it, and no state is shared between namespaces.
 *
 * Permissions: commands that change state need CAP_NET_ADMIN in the user
 * namespace that owns the network namespace (GENL_UNS_ADMIN_PERM); others
 * fail with EPERM.  Read-only commands are open to everyone.
 *
 * Errors: every rejection carries an errno and an extended-ack message naming
 * the attribute at fault.  Requests are validated whole before anything is
 * applied: a rejected request changes nothing.  Unknown attributes are
 * rejected (strict validation).
 *
 * KN_CMD_GET_STATUS
 *   Request:  no attributes.
 *   Reply:    KN_A_VERSION   string, the module version
 *             KN_A_STATUS    nest of KN_STATUS_A_*:
 *                 KN_STATUS_A_NETNS_COOKIE  u64, identifies the namespace
 *                 KN_STATUS_A_LINKS         u32, kn devices in the namespace
 *
 * KN_CMD_GET_SETTINGS
 *   Request:  no attributes.
 *   Reply:    KN_A_SETTINGS  nest of KN_SETTING_A_*, every setting present.
 *
 * KN_CMD_SET_SETTINGS (admin)
 *   Request:  KN_A_SETTINGS  nest of KN_SETTING_A_*; only the settings
 *             present change, the others keep their value.
 *       KN_SETTING_A_CLUSTER_CIDR_ADDR    be32 network address of the
 *       KN_SETTING_A_CLUSTER_CIDR_PREFIX  u8 (0..32)  cluster's Pod CIDR;
 *             both or neither; no host bits may be set.  Default 10.244.0.0/16.
 *       KN_SETTING_A_NODEPORT_MIN         u16 (1..65535) first and last port
 *       KN_SETTING_A_NODEPORT_MAX         u16 (1..65535) of the NodePort range,
 *             both or neither, MIN <= MAX.  Default 30000-32767.
 *       KN_SETTING_A_CONNTRACK_MAX        u32 (KN_CONNTRACK_MAX_MIN ..
 *             KN_CONNTRACK_MAX_MAX) most entries in the connection table.
 *             Default KN_CONNTRACK_MAX_DEFAULT.
 *       KN_SETTING_A_SNAT_PORT_MIN        u16 (1..65535) first and last
 *       KN_SETTING_A_SNAT_PORT_MAX        u16 (1..65535) source port kn
 *             gives connections it rewrites the source of (NodePort with
 *             policy Cluster, egress masquerade); both or neither, MIN <=
 *             MAX.  Default KN_SNAT_PORT_MIN_DEFAULT-KN_SNAT_PORT_MAX_DEFAULT:
 *             kn does not track the node's own connections, so the range
 *             must not overlap the node's ip_local_port_range (32768-60999
 *             by default), or a rewritten connection may take the tuple of
 *             one the node opened itself.
 *       KN_SETTING_A_MASQUERADE           u8 (0 or 1): when 1, packets from
 *             the cluster's Pod CIDR to a destination outside it that leave
 *             by a device other than a kn device get the address of that
 *             device as source (flannel's ip-masq), so pods reach the world
 *             beyond the underlay.  Traffic inside the Pod CIDR is never
 *             rewritten.  Default 0.
 *   Reply:    none (an ack).
 *
 * kn devices: `ip link add NAME type kn` makes a virtual Ethernet
 * bridge (the node's pod bridge, conventionally "kn0"); `ip link set DEV
 * master NAME` attaches a port.  The commands below name one kn device of the
 * namespace with KN_A_IFINDEX (u32) or KN_A_IFNAME (string, < IFNAMSIZ), not
 * both; a device that does not exist or is not a kn device is rejected with
 * ENODEV or EINVAL and a message.
 *
 * KN_CMD_GET_LINK
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME.
 *   Reply:    KN_A_IFINDEX, KN_A_IFNAME,
 *             KN_A_LINK        nest of KN_LINK_A_*, every setting present,
 *             KN_A_LINK_STATS  nest of KN_LINK_STATS_A_*:
 *       KN_LINK_STATS_A_PORTS        u32, attached ports
 *       KN_LINK_STATS_A_FDB_ENTRIES  u32, learned FDB entries (the local
 *             entry for the device's own address is not counted)
 *       KN_LINK_STATS_A_FDB_FULL     u64, frames whose new source address
 *             was not learned because the FDB held KN_LINK_A_FDB_MAX entries
 *       KN_LINK_STATS_A_FORWARDED    u64, frames sent out of one known port
 *       KN_LINK_STATS_A_FLOODED      u64, frames flooded to every port but
 *             the ingress one (counted once per frame, not per copy)
 *       KN_LINK_STATS_A_DROPS        nest of KN_DROP_A_*, u64 each: frames
 *             dropped, by reason.  Drops on the way in from a port add up to
 *             the device's rx_dropped, drops of frames the host sent through
 *             the device to its tx_dropped (`ip -s link`).
 *
 * KN_CMD_SET_LINK (admin)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME, and
 *             KN_A_LINK  nest of KN_LINK_A_*; only those present change.
 *       KN_LINK_A_AGEING_TIME_MS  u32 (KN_AGEING_TIME_MS_MIN ..
 *             KN_AGEING_TIME_MS_MAX): a learned entry not refreshed by a
 *             frame for this long is removed.  Default
 *             KN_AGEING_TIME_MS_DEFAULT.
 *       KN_LINK_A_FDB_MAX         u32 (KN_FDB_MAX_MIN .. KN_FDB_MAX_MAX):
 *             most learned entries.  Lowering it below the current count
 *             removes nothing; new addresses are learned again once ageing
 *             has brought the count under it.  Default KN_FDB_MAX_DEFAULT.
 *   Reply:    none (an ack).
 *
 * KN_CMD_GET_FDB (dump)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME.
 *   Reply:    one message per FDB entry, each with KN_A_IFINDEX (the kn
 *             device) and KN_A_FDB, a nest of KN_FDB_A_*:
 *       KN_FDB_A_MAC           6 bytes, the Ethernet address
 *       KN_FDB_A_PORT_IFINDEX  u32, the port frames to MAC leave through;
 *             for a local entry, the kn device itself
 *       KN_FDB_A_PORT_NAME     string, that device's name
 *       KN_FDB_A_AGE_MS        u32, ms since a frame from MAC was last seen;
 *             0 for local entries, which never age
 *       KN_FDB_A_FLAGS         u32, KN_FDB_F_*:
 *             KN_FDB_F_LOCAL  the device's own address: frames to it go up
 *                             the host's stack
 *             The dump may span several reads; when the table changed
 *             between two of them, the messages after the change carry
 *             NLM_F_DUMP_INTR and the dump should be repeated.  A request
 *             naming no kn device is answered by an NLMSG_DONE carrying the
 *             errno and the message, as is a device deleted mid-dump.
 *
 * Overlay (VXLAN, RFC 7348).  Each node owns a subnet of the cluster's Pod
 * CIDR.  A kn device with an overlay encapsulates what the host routes
 * through it towards another node's pod subnet in VXLAN over UDP, and
 * decapsulates what arrives on its UDP port and hands it up the host's
 * stack, which routes it to the pod.  The wire format is Linux's vxlan
 * driver's and flannel's: outer IPv4 + UDP (checksum zero) + 8-byte VXLAN
 * header with only the I flag, an inner Ethernet frame carrying IPv4.
 *
 * Routing is at L3, as flannel does it: for each remote node kn-ctl installs
 * the route "PREFIX via NETWORK dev kn0 onlink" and a permanent neighbour
 * NETWORK -> kn0's own address, so the host sends remote pods' packets to
 * kn0's own MAC; kn0 looks the destination IPv4 address up in its node table
 * (longest prefix) and sends the frame to that node.  Nothing answers ARP
 * for remote pods and no frame crosses the overlay but IPv4 unicast.  The
 * host's routes and neighbours are the host's: it deletes them when kn0
 * goes down or changes address, while kn's node table stays; `kn-ctl node
 * sync` puts them back.
 *
 * KN_CMD_GET_OVERLAY
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME.
 *   Reply:    KN_A_IFINDEX, KN_A_IFNAME, and KN_A_OVERLAY (nest of
 *             KN_OVERLAY_A_*, every setting present) when one is set;
 *             without it the device has no overlay.
 *
 * KN_CMD_SET_OVERLAY (admin)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME, and KN_A_OVERLAY, a nest of:
 *       KN_OVERLAY_A_LOCAL  be32, this node's underlay address (the VTEP):
 *             the source of every encapsulated packet.  Unicast and not
 *             loopback (EINVAL); required
 *             when the device has no overlay yet.
 *       KN_OVERLAY_A_PORT   u16 (1..65535), the UDP port kn listens on and
 *             sends to.  Default KN_OVERLAY_PORT_DEFAULT (flannel's 8472;
 *             IANA's 4789 works too).  Two kn devices of one namespace
 *             cannot share a port (EADDRINUSE).
 *       KN_OVERLAY_A_VNI    u32 (0..KN_VNI_MAX), the VXLAN network
 *             identifier sent and the only one accepted.  Default 1.
 *             Absent attributes keep their value (or default).  A new port
 *             opens a new socket before the old one closes: a failure
 *             changes nothing.
 *   Reply:    none (an ack).
 *
 * KN_CMD_DEL_OVERLAY (admin)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME.  Closes the socket; ENOENT when
 *             the device has no overlay.  The node table stays.
 *
 * KN_CMD_NEW_NODE (admin)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME, and KN_A_NODE, a nest of:
 *       KN_NODE_A_PREFIX      be32  \ the remote node's pod subnet; no host
 *       KN_NODE_A_PREFIX_LEN  u8 (0..32) / bits may be set.
 *       KN_NODE_A_REMOTE      be32, that node's underlay address
 *             (unicast, not loopback).  A /0 is accepted here but cannot be
 *             routed the flannel way (its gateway would be 0.0.0.0), so
 *             kn-ctl refuses it.
 *       KN_NODE_A_MAC         6 bytes, optional: the inner destination MAC
 *             the remote VTEP expects (a Linux vxlan device's address, for
 *             a flannel node).  Without it kn sends one derived from
 *             REMOTE (see KN_NODE_MAC_DERIVED_0); a kn node accepts any.
 *             The same prefix twice is EEXIST (KN_CMD_REPLACE_NODE
 *             replaces).  No nlmsg_flags but REQUEST, ACK and ECHO are
 *             accepted, by any command of the family (EINVAL).  Prefixes
 *             may overlap; the longest match wins.  At most KN_NODES_MAX
 *             entries per device (ENOSPC).
 *   Reply:    none (an ack).
 *
 * KN_CMD_REPLACE_NODE (admin)
 *   As KN_CMD_NEW_NODE, but an entry with the same prefix is replaced
 *   atomically (a packet sees the old entry or the new one), and one is
 *   added when there is none.
 *
 * KN_CMD_DEL_NODE (admin)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME, and KN_A_NODE with PREFIX and
 *             PREFIX_LEN.  ENOENT when there is no such entry.
 *
 * KN_CMD_GET_NODE (dump)
 *   Request:  KN_A_IFINDEX or KN_A_IFNAME.
 *   Reply:    one message per entry with KN_A_IFINDEX and KN_A_NODE (every
 *             attribute, KN_NODE_A_MAC being the one sent, and
 *             KN_NODE_A_FLAGS, u32 of KN_NODE_F_*:
 *                 KN_NODE_F_MAC_SET  the MAC was configured, not derived),
 *             resumable and flagged NLM_F_DUMP_INTR as the FDB dump is.
 *
 * Encapsulation and decapsulation counters are in KN_A_LINK_STATS
 * (KN_LINK_STATS_A_ENCAP, _DECAP, packets) and the drops in its
 * KN_DROP_A_* nest.
 *
 * Services (ClusterIP).  A service is a virtual IPv4 address, port and
 * protocol (VIP:PORT/PROTO) in front of backends (pod address and port).
 * Services belong to the network namespace, not to a kn device: netfilter
 * hooks (registered once the namespace has its first service) see every
 * IPv4 packet the host receives from a pod or the wire (PRE_ROUTING) and
 * every packet its own processes send (LOCAL_OUT).  A new connection to a
 * VIP:PORT/PROTO gets a backend: random, in proportion to the backends'
 * weights, never a terminating one; its destination is rewritten (DNAT) and
 * the connection goes into kn's connection table, which every later packet
 * of it, in either direction, follows: replies leave with the VIP:PORT as
 * their source.  A reply that a kn device switches between two of its ports
 * (client and backend pods on one node) is translated there, so no reply
 * bypasses the table.  When the backend is the client itself (hairpin) the
 * source is rewritten too, to the address of the device the packet came in
 * by (kn0's), so the reply comes back through the host.  kn translates
 * without nf_conntrack: the packets it translates are marked untracked, so
 * nf_conntrack and iptables NAT, when loaded, leave them alone.  A service
 * with no usable backend refuses new connections at once with ICMP port
 * unreachable (TCP and UDP alike, as kube-proxy does).
 *
 * NodePort.  A service may also have a NodePort: a new connection to that
 * port and protocol on any of the node's own addresses (not loopback: a
 * 127.0.0.0/8 destination is left alone) goes to a backend of the service
 * as one to its VIP does.  Its traffic policy is Kubernetes'
 * externalTrafficPolicy:
 *   KN_TRAFFIC_POLICY_CLUSTER  any backend, on this node or another; the
 *       source is rewritten to the node's address towards the backend (the
 *       backend sees the node, not the client), with a source port from the
 *       SNAT range chosen so that no two connections share a 5-tuple (a
 *       TCP connection that is over, in TIME_WAIT or CLOSE, gives up its
 *       port to a new one when no other is free); when no port is free the
 *       connection is refused (ICMP port unreachable) and counted as
 *       DROP_SNAT.
 *   KN_TRAFFIC_POLICY_LOCAL    only backends on this node (KN_BACKEND_F_LOCAL);
 *       the client's address is kept.  A node with no usable local backend
 *       refuses the connection at once (ICMP port unreachable) and counts
 *       it (NO_LOCAL).
 * Connections the node's own processes open to a NodePort are sent to any
 * backend without a source rewrite (their source already is the node's).
 *
 * Ports are u16 in host byte order throughout (addresses are be32).
 *
 * A service is named by KN_A_SERVICE, a nest of:
 *       KN_SERVICE_A_ADDR   be32, the VIP (unicast, not loopback)
 *       KN_SERVICE_A_PORT   u16 (1..65535)
 *       KN_SERVICE_A_PROTO  u8, IPPROTO_TCP or IPPROTO_UDP (others EINVAL)
 *
 * KN_CMD_NEW_SERVICE (admin)
 *   Request:  KN_A_SERVICE with the three above and, optionally:
 *       KN_SERVICE_A_AFFINITY          u8, KN_AFFINITY_NONE (default) or
 *             KN_AFFINITY_CLIENT_IP: new connections from a client address
 *             go to the backend its last one went to, until that client has
 *             opened none for the timeout (Kubernetes' sessionAffinity).
 *       KN_SERVICE_A_AFFINITY_TIMEOUT  u32 seconds (1..KN_AFFINITY_TIMEOUT_MAX),
 *             default KN_AFFINITY_TIMEOUT_DEFAULT; only with CLIENT_IP.
 *       KN_SERVICE_A_NODEPORT          u16, the service's NodePort: inside
 *             the NodePort range (KN_SETTING_A_NODEPORT_MIN..MAX) at the
 *             time of the request (ERANGE), not another service's for the
 *             same protocol (EADDRINUSE).  Absent: no NodePort.
 *       KN_SERVICE_A_TRAFFIC_POLICY    u8, KN_TRAFFIC_POLICY_* (default
 *             CLUSTER); only with a NodePort (EINVAL).
 *             EEXIST when the service exists; ENOSPC beyond
 *             KN_SERVICES_MAX services.  A new service has no backend.
 *   Reply:    none (an ack).
 *
 * KN_CMD_REPLACE_SERVICE (admin)
 *   As KN_CMD_NEW_SERVICE, but an existing service takes the new affinity,
 *   NodePort and policy (absent ones: their defaults, so no NodePort) and
 *   keeps its backends, connections and counters; a service that does not
 *   exist is added.  A NodePort that changes or goes takes its connection
 *   entries with it; the packet path sees the old NodePort or the new one.
 *
 * KN_CMD_DEL_SERVICE (admin)
 *   Request:  KN_A_SERVICE (the three key attributes).  Removes the
 *             service, its backends and its connection-table entries (a
 *             later packet of such a connection is no longer translated).
 *             ENOENT when there is no such service.
 *
 * KN_CMD_GET_SERVICE (dump)
 *   Request:  none, or KN_A_SERVICE to get one service (ENOENT if none).
 *   Reply:    one message per service with KN_A_SERVICE: the key, the
 *             affinity attributes (always present), NODEPORT and
 *             TRAFFIC_POLICY when it has a NodePort, and
 *       KN_SERVICE_A_STATS  nest of KN_SERVICE_STATS_A_*:
 *           KN_SERVICE_STATS_A_BACKENDS     u32, backends
 *           KN_SERVICE_STATS_A_USABLE       u32, backends given new connections
 *           KN_SERVICE_STATS_A_CONNECTIONS  u64, connections sent to a backend
 *           KN_SERVICE_STATS_A_NO_BACKEND   u64, connections refused for
 *                 want of a usable backend
 *           KN_SERVICE_STATS_A_NO_LOCAL     u64, NodePort connections
 *                 refused under policy LOCAL for want of a usable local one
 *             Resumable and flagged NLM_F_DUMP_INTR as the FDB dump is.
 *
 * KN_CMD_NEW_BACKEND (admin)
 *   Request:  KN_A_SERVICE (key) and KN_A_BACKEND, a nest of:
 *       KN_BACKEND_A_ADDR    be32, the pod's address (unicast, not loopback)
 *       KN_BACKEND_A_PORT    u16 (1..65535), its port
 *       KN_BACKEND_A_WEIGHT  u16 (1..65535), default 1: the backend's share
 *             of new connections is its weight over the sum of the usable
 *             backends' weights.
 *       KN_BACKEND_A_FLAGS   u32 of KN_BACKEND_F_*:
 *             KN_BACKEND_F_TERMINATING  keeps its connections but gets no
 *             new one (a pod shutting down).
 *             KN_BACKEND_F_LOCAL  the pod runs on this node: the only kind
 *             a NodePort with policy LOCAL uses.  When the request does not
 *             set it, kn sets it if ADDR lies in the subnet of an IPv4
 *             address of one of the namespace's kn devices (kn0's pod
 *             subnet) at the time of the request; the dump shows it.
 *             ENOENT without the service, EEXIST when ADDR:PORT is already
 *             one of its backends, ENOSPC beyond KN_BACKENDS_MAX.  The
 *             packet path sees the service's backend set before or after
 *             the change, never in between.
 *   Reply:    none (an ack).
 *
 * KN_CMD_REPLACE_BACKEND (admin)
 *   As KN_CMD_NEW_BACKEND, but an existing backend takes the new weight and
 *   flags (absent ones: their defaults) and keeps its connections and
 *   counter; a backend that does not exist is added.
 *
 * KN_CMD_DEL_BACKEND (admin)
 *   Request:  KN_A_SERVICE (key) and KN_A_BACKEND (ADDR, PORT).  Removes
 *             the backend and every connection-table entry that leads to it,
 *             affinity included, so clients' next packets find another
 *             backend (a TCP peer is then reset by it) instead of vanishing.
 *             ENOENT without the service or the backend.
 *
 * KN_CMD_GET_BACKEND (dump)
 *   Request:  none (every service's), or KN_A_SERVICE (key): that
 *             service's backends (ENOENT if no such service).
 *   Reply:    one message per backend with KN_A_SERVICE (the key) and
 *             KN_A_BACKEND: ADDR, PORT, WEIGHT, FLAGS and
 *       KN_BACKEND_A_CONNECTIONS  u64, connections it was given.
 *             Resumable; NLM_F_DUMP_INTR as above.
 *
 * The connection table.  One entry per connection (and one per client of
 * a service with affinity), found by the tuple of either direction:
 * ORIG is the connection as the client sends it (client -> VIP), REPLY as
 * the backend sends its replies (backend -> client, or backend -> node for
 * hairpin).  Entries age out after a timeout that depends on the state
 * (KN_CT_TIMEOUT_*), refreshed by every packet.  At most
 * KN_SETTING_A_CONNTRACK_MAX entries: a new connection into a full table
 * takes the place of a connection that was never answered (a SYN flood
 * cannot evict established connections) or, when there is none nearby, is
 * dropped and counted.
 *
 * KN_CMD_GET_CONNTRACK (dump)
 *   Request:  none, or KN_A_SERVICE (key): only that service's entries.
 *   Reply:    one message per entry with KN_A_CONNTRACK, a nest of:
 *       KN_CT_A_PROTO                            u8
 *       KN_CT_A_ORIG_SRC, _ORIG_DST              be32  \ the ORIG tuple
 *       KN_CT_A_ORIG_SPORT, _ORIG_DPORT          u16   /
 *       KN_CT_A_REPLY_SRC, _REPLY_DST            be32  \ the REPLY tuple
 *       KN_CT_A_REPLY_SPORT, _REPLY_DPORT        u16   /
 *       KN_CT_A_STATE       u8, KN_CT_STATE_*
 *       KN_CT_A_TIMEOUT_MS  u32, ms left before the entry expires
 *       KN_CT_A_FLAGS       u32 of KN_CT_F_*:
 *             KN_CT_F_REPLIED   a reply was seen
 *             KN_CT_F_SNAT      the source address is rewritten too
 *                   (hairpin).  REPLY_DPORT differs from ORIG_SPORT when
 *                   the backend already answered that client port for
 *                   another connection: the source port is rewritten.
 *             KN_CT_F_AFFINITY  a sessionAffinity entry: ORIG is the client
 *                   address (ports 0) and the service, REPLY_SRC and
 *                   REPLY_SPORT the backend it sticks to
 *             KN_CT_F_NODEPORT  the connection came to a NodePort: ORIG_DST
 *                   is the node's address; with KN_CT_F_SNAT (policy
 *                   Cluster) REPLY_DST:REPLY_DPORT is the node's address
 *                   and the port from the SNAT range
 *             KN_CT_F_MASQUERADE  an egress connection of a pod whose
 *                   source is rewritten (with KN_CT_F_SNAT): no service
 *   A request with KN_A_SERVICE gets the entries of that service, those
 *   that came by its NodePort included.
 *             Resumable; NLM_F_DUMP_INTR is not set (the table changes
 *             with every connection, a dump is a sample).
 *
 * KN_CMD_FLUSH_CONNTRACK (admin)
 *   Request:  none (every entry), or KN_A_SERVICE (key): that service's.
 *   Reply:    none (an ack).
 *
 * KN_CMD_GET_CONNTRACK_STATS
 *   Request:  no attributes.
 *   Reply:    KN_A_CONNTRACK_STATS, a nest of KN_CT_STATS_A_*:
 *       ENTRIES u32 now, MAX_ENTRIES u32 (the setting), BUCKETS u32 (hash buckets),
 *       ENTRY_BYTES u32 (memory per entry, slab object size), and u64
 *       counters: INSERTS, CLASHES (two packets of one new connection met
 *       at insert: the second took the first's entry), EXPIRED, REMOVED (by
 *       flush, backend or service delete, and a closed TCP connection's
 *       entry when a new connection takes over its tuple), EARLY_DROPS (unanswered entries
 *       evicted for a new one), DROP_FULL (new connections dropped: table
 *       full), DROP_NOMEM, DROP_INVALID (malformed packets to a VIP or of a
 *       tracked connection, and rewritten ones the node cannot route),
 *       NO_BACKEND (refused for want of a backend),
 *       DROP_CLASH (new connections dropped: their REPLY tuple was taken),
 *       DROP_REDIRECT (ICMP redirects about a translated connection, not
 *       sent: they would name the backend as next hop for the VIP),
 *       DROP_SNAT (new connections refused: no free port in the SNAT range),
 *       NO_LOCAL (NodePort connections refused under policy Local: no local
 *       backend), MASQUERADED (egress connections masqueraded).
 */
#ifndef _UAPI_KN_H
#define _UAPI_KN_H

#include <linux/types.h>

#define KN_GENL_NAME		"kn"
#define KN_GENL_VERSION		1

#define KN_CONNTRACK_MAX_MIN		16
#define KN_CONNTRACK_MAX_MAX		0x01000000 /* 16M */
#define KN_CONNTRACK_MAX_DEFAULT	262144

#define KN_NODEPORT_MIN_DEFAULT		30000
#define KN_NODEPORT_MAX_DEFAULT		32767
#define KN_SNAT_PORT_MIN_DEFAULT	61000
#define KN_SNAT_PORT_MAX_DEFAULT	65535

#define KN_AGEING_TIME_MS_MIN		1000		/* 1 s */
#define KN_AGEING_TIME_MS_MAX		86400000	/* 1 day */
#define KN_AGEING_TIME_MS_DEFAULT	300000		/* 5 min */
#define KN_FDB_MAX_MIN			1
#define KN_FDB_MAX_MAX			65536
#define KN_FDB_MAX_DEFAULT		8192

#define KN_OVERLAY_PORT_DEFAULT		8472
#define KN_VNI_DEFAULT			1
#define KN_VNI_MAX			0x00ffffff
#define KN_NODES_MAX			65536
/*
 * The inner destination MAC sent to a node whose VTEP MAC is not configured:
 * these two bytes (a locally administered unicast prefix) followed by the
 * node's underlay IPv4 address, 0e:6b:c0:a8:00:02 for 192.168.0.2.
 */
#define KN_NODE_MAC_DERIVED_0		0x0e
#define KN_NODE_MAC_DERIVED_1		0x6b

#define KN_SERVICES_MAX			1048576
#define KN_BACKENDS_MAX			65536
#define KN_BACKEND_WEIGHT_DEFAULT	1
#define KN_AFFINITY_TIMEOUT_DEFAULT	10800	/* s, Kubernetes' default */
#define KN_AFFINITY_TIMEOUT_MAX		86400	/* s, Kubernetes' maximum */

/* Connection-table timeouts, seconds, by state (KN_CT_STATE_*). */
#define KN_CT_TIMEOUT_SYN_SENT		120
#define KN_CT_TIMEOUT_SYN_RECV		60
#define KN_CT_TIMEOUT_ESTABLISHED	86400	/* kube-proxy's setting */
#define KN_CT_TIMEOUT_FIN_WAIT		120
#define KN_CT_TIMEOUT_TIME_WAIT		120
#define KN_CT_TIMEOUT_CLOSE		10
#define KN_CT_TIMEOUT_UDP		30	/* until replied */
#define KN_CT_TIMEOUT_UDP_REPLIED	120

enum kn_cmd {
	KN_CMD_UNSPEC,
	KN_CMD_GET_STATUS,
	KN_CMD_GET_SETTINGS,
	KN_CMD_SET_SETTINGS,
	KN_CMD_GET_LINK,
	KN_CMD_SET_LINK,
	KN_CMD_GET_FDB,
	KN_CMD_GET_OVERLAY,
	KN_CMD_SET_OVERLAY,
	KN_CMD_DEL_OVERLAY,
	KN_CMD_NEW_NODE,
	KN_CMD_DEL_NODE,
	KN_CMD_GET_NODE,
	KN_CMD_REPLACE_NODE,
	KN_CMD_NEW_SERVICE,
	KN_CMD_DEL_SERVICE,
	KN_CMD_GET_SERVICE,
	KN_CMD_REPLACE_SERVICE,
	KN_CMD_NEW_BACKEND,
	KN_CMD_DEL_BACKEND,
	KN_CMD_GET_BACKEND,
	KN_CMD_REPLACE_BACKEND,
	KN_CMD_GET_CONNTRACK,
	KN_CMD_FLUSH_CONNTRACK,
	KN_CMD_GET_CONNTRACK_STATS,
	__KN_CMD_LAST
};

#define KN_CMD_MAX (__KN_CMD_LAST - 1)

enum kn_attr {
	KN_A_UNSPEC,
	KN_A_VERSION,
	KN_A_STATUS,
	KN_A_SETTINGS,
	KN_A_IFINDEX,
	KN_A_IFNAME,
	KN_A_LINK,
	KN_A_LINK_STATS,
	KN_A_FDB,
	KN_A_OVERLAY,
	KN_A_NODE,
	KN_A_SERVICE,
	KN_A_BACKEND,
	KN_A_CONNTRACK,
	KN_A_CONNTRACK_STATS,
	__KN_A_LAST
};

#define KN_A_MAX (__KN_A_LAST - 1)

enum kn_status_attr {
	KN_STATUS_A_UNSPEC,
	KN_STATUS_A_NETNS_COOKIE,
	KN_STATUS_A_LINKS,
	KN_STATUS_A_PAD,
	__KN_STATUS_A_LAST
};

#define KN_STATUS_A_MAX (__KN_STATUS_A_LAST - 1)

enum kn_setting_attr {
	KN_SETTING_A_UNSPEC,
	KN_SETTING_A_CLUSTER_CIDR_ADDR,
	KN_SETTING_A_CLUSTER_CIDR_PREFIX,
	KN_SETTING_A_NODEPORT_MIN,
	KN_SETTING_A_NODEPORT_MAX,
	KN_SETTING_A_CONNTRACK_MAX,
	KN_SETTING_A_SNAT_PORT_MIN,
	KN_SETTING_A_SNAT_PORT_MAX,
	KN_SETTING_A_MASQUERADE,
	__KN_SETTING_A_LAST
};

#define KN_SETTING_A_MAX (__KN_SETTING_A_LAST - 1)

enum kn_link_attr {
	KN_LINK_A_UNSPEC,
	KN_LINK_A_AGEING_TIME_MS,
	KN_LINK_A_FDB_MAX,
	__KN_LINK_A_LAST
};

#define KN_LINK_A_MAX (__KN_LINK_A_LAST - 1)

enum kn_link_stats_attr {
	KN_LINK_STATS_A_UNSPEC,
	KN_LINK_STATS_A_PAD,
	KN_LINK_STATS_A_PORTS,
	KN_LINK_STATS_A_FDB_ENTRIES,
	KN_LINK_STATS_A_FDB_FULL,
	KN_LINK_STATS_A_FORWARDED,
	KN_LINK_STATS_A_FLOODED,
	KN_LINK_STATS_A_DROPS,
	KN_LINK_STATS_A_ENCAP,
	KN_LINK_STATS_A_DECAP,
	__KN_LINK_STATS_A_LAST
};

#define KN_LINK_STATS_A_MAX (__KN_LINK_STATS_A_LAST - 1)

/* Why a kn device dropped a frame; each is a u64 in KN_LINK_STATS_A_DROPS. */
enum kn_drop_attr {
	KN_DROP_A_UNSPEC,
	KN_DROP_A_PAD,
	KN_DROP_A_LINK_DOWN,	/* arrived on a port while the kn device is down */
	KN_DROP_A_BAD_SRC,	/* source address multicast or all-zero */
	KN_DROP_A_OWN_SRC,	/* source is the kn device's own address (a loop
				 * or a spoof); never learned onto a port
				 */
	KN_DROP_A_HAIRPIN,	/* destination learned on the port the frame
				 * came in on: frames never leave by their
				 * ingress port
				 */
	KN_DROP_A_PORT_DOWN,	/* destination port is down */
	KN_DROP_A_TOO_BIG,	/* longer than the egress port's MTU */
	KN_DROP_A_NO_DEST,	/* nowhere to send it: no other port is up */
	KN_DROP_A_NOMEM,	/* no memory to copy or unshare the frame */
	KN_DROP_A_RUNT,		/* the host sent less than an Ethernet header */
	KN_DROP_A_NO_NODE,	/* routed to kn0 but no node's prefix matches */
	KN_DROP_A_NO_OVERLAY,	/* a node matches but no overlay is set */
	KN_DROP_A_UNDERLAY,	/* no underlay route to the node, or it loops
				 * back through the kn device
				 */
	KN_DROP_A_VXLAN_SHORT,	/* shorter than the VXLAN + Ethernet headers */
	KN_DROP_A_VXLAN_FLAGS,	/* I flag clear or reserved bits set */
	KN_DROP_A_VXLAN_VNI,	/* a VNI other than the overlay's */
	KN_DROP_A_VXLAN_INNER,	/* inner frame not IPv4, or not unicast
				 * between valid addresses: Ethernet source
				 * multicast or zero, destination multicast;
				 * IPv4 header short or bad, either address
				 * broadcast, multicast, loopback or 0/8
				 */
	__KN_DROP_A_LAST
};

#define KN_DROP_A_MAX (__KN_DROP_A_LAST - 1)

enum kn_fdb_attr {
	KN_FDB_A_UNSPEC,
	KN_FDB_A_MAC,
	KN_FDB_A_PORT_IFINDEX,
	KN_FDB_A_PORT_NAME,
	KN_FDB_A_AGE_MS,
	KN_FDB_A_FLAGS,
	__KN_FDB_A_LAST
};

#define KN_FDB_A_MAX (__KN_FDB_A_LAST - 1)

enum kn_overlay_attr {
	KN_OVERLAY_A_UNSPEC,
	KN_OVERLAY_A_LOCAL,
	KN_OVERLAY_A_PORT,
	KN_OVERLAY_A_VNI,
	__KN_OVERLAY_A_LAST
};

#define KN_OVERLAY_A_MAX (__KN_OVERLAY_A_LAST - 1)

enum kn_node_attr {
	KN_NODE_A_UNSPEC,
	KN_NODE_A_PREFIX,
	KN_NODE_A_PREFIX_LEN,
	KN_NODE_A_REMOTE,
	KN_NODE_A_MAC,
	KN_NODE_A_FLAGS,
	__KN_NODE_A_LAST
};

#define KN_NODE_A_MAX (__KN_NODE_A_LAST - 1)

enum kn_node_flag {
	KN_NODE_F_MAC_SET = 1U << 0,
	__KN_NODE_F_ALL = KN_NODE_F_MAC_SET
};

enum kn_fdb_flag {
	KN_FDB_F_LOCAL = 1U << 0,
	__KN_FDB_F_ALL = KN_FDB_F_LOCAL
};

enum kn_service_attr {
	KN_SERVICE_A_UNSPEC,
	KN_SERVICE_A_ADDR,
	KN_SERVICE_A_PORT,
	KN_SERVICE_A_PROTO,
	KN_SERVICE_A_AFFINITY,
	KN_SERVICE_A_AFFINITY_TIMEOUT,
	KN_SERVICE_A_STATS,
	KN_SERVICE_A_NODEPORT,
	KN_SERVICE_A_TRAFFIC_POLICY,
	__KN_SERVICE_A_LAST
};

#define KN_SERVICE_A_MAX (__KN_SERVICE_A_LAST - 1)

enum kn_affinity {
	KN_AFFINITY_NONE,
	KN_AFFINITY_CLIENT_IP,
	__KN_AFFINITY_LAST
};

#define KN_AFFINITY_MAX (__KN_AFFINITY_LAST - 1)

enum kn_traffic_policy {
	KN_TRAFFIC_POLICY_CLUSTER,
	KN_TRAFFIC_POLICY_LOCAL,
	__KN_TRAFFIC_POLICY_LAST
};

#define KN_TRAFFIC_POLICY_MAX (__KN_TRAFFIC_POLICY_LAST - 1)

enum kn_service_stats_attr {
	KN_SERVICE_STATS_A_UNSPEC,
	KN_SERVICE_STATS_A_PAD,
	KN_SERVICE_STATS_A_BACKENDS,
	KN_SERVICE_STATS_A_USABLE,
	KN_SERVICE_STATS_A_CONNECTIONS,
	KN_SERVICE_STATS_A_NO_BACKEND,
	KN_SERVICE_STATS_A_NO_LOCAL,
	__KN_SERVICE_STATS_A_LAST
};

#define KN_SERVICE_STATS_A_MAX (__KN_SERVICE_STATS_A_LAST - 1)

enum kn_backend_attr {
	KN_BACKEND_A_UNSPEC,
	KN_BACKEND_A_PAD,
	KN_BACKEND_A_ADDR,
	KN_BACKEND_A_PORT,
	KN_BACKEND_A_WEIGHT,
	KN_BACKEND_A_FLAGS,
	KN_BACKEND_A_CONNECTIONS,
	__KN_BACKEND_A_LAST
};

#define KN_BACKEND_A_MAX (__KN_BACKEND_A_LAST - 1)

enum kn_backend_flag {
	KN_BACKEND_F_TERMINATING = 1U << 0,
	KN_BACKEND_F_LOCAL = 1U << 1,
	__KN_BACKEND_F_ALL = KN_BACKEND_F_TERMINATING | KN_BACKEND_F_LOCAL
};

enum kn_ct_attr {
	KN_CT_A_UNSPEC,
	KN_CT_A_PROTO,
	KN_CT_A_ORIG_SRC,
	KN_CT_A_ORIG_DST,
	KN_CT_A_ORIG_SPORT,
	KN_CT_A_ORIG_DPORT,
	KN_CT_A_REPLY_SRC,
	KN_CT_A_REPLY_DST,
	KN_CT_A_REPLY_SPORT,
	KN_CT_A_REPLY_DPORT,
	KN_CT_A_STATE,
	KN_CT_A_TIMEOUT_MS,
	KN_CT_A_FLAGS,
	__KN_CT_A_LAST
};

#define KN_CT_A_MAX (__KN_CT_A_LAST - 1)

enum kn_ct_state {
	KN_CT_STATE_NONE,
	KN_CT_STATE_SYN_SENT,	/* TCP: the client's SYN, no answer yet */
	KN_CT_STATE_SYN_RECV,	/* TCP: the backend's SYN-ACK */
	KN_CT_STATE_ESTABLISHED,/* TCP: both sides have sent */
	KN_CT_STATE_FIN_WAIT,	/* TCP: one side sent FIN */
	KN_CT_STATE_TIME_WAIT,	/* TCP: both sides sent FIN */
	KN_CT_STATE_CLOSE,	/* TCP: RST seen */
	KN_CT_STATE_UDP,	/* UDP, not replied */
	KN_CT_STATE_UDP_REPLIED,/* UDP, replied */
	KN_CT_STATE_AFFINITY,	/* a sessionAffinity entry */
	__KN_CT_STATE_LAST
};

#define KN_CT_STATE_MAX (__KN_CT_STATE_LAST - 1)

enum kn_ct_flag {
	KN_CT_F_REPLIED = 1U << 0,
	KN_CT_F_SNAT = 1U << 1,
	KN_CT_F_AFFINITY = 1U << 2,
	KN_CT_F_NODEPORT = 1U << 3,
	KN_CT_F_MASQUERADE = 1U << 4,
	__KN_CT_F_ALL = KN_CT_F_REPLIED | KN_CT_F_SNAT | KN_CT_F_AFFINITY |
			KN_CT_F_NODEPORT | KN_CT_F_MASQUERADE
};

enum kn_ct_stats_attr {
	KN_CT_STATS_A_UNSPEC,
	KN_CT_STATS_A_PAD,
	KN_CT_STATS_A_ENTRIES,
	KN_CT_STATS_A_MAX_ENTRIES,
	KN_CT_STATS_A_BUCKETS,
	KN_CT_STATS_A_ENTRY_BYTES,
	KN_CT_STATS_A_INSERTS,
	KN_CT_STATS_A_CLASHES,
	KN_CT_STATS_A_EXPIRED,
	KN_CT_STATS_A_REMOVED,
	KN_CT_STATS_A_EARLY_DROPS,
	KN_CT_STATS_A_DROP_FULL,
	KN_CT_STATS_A_DROP_NOMEM,
	KN_CT_STATS_A_DROP_INVALID,
	KN_CT_STATS_A_NO_BACKEND,
	KN_CT_STATS_A_DROP_CLASH,
	KN_CT_STATS_A_DROP_REDIRECT,
	KN_CT_STATS_A_DROP_SNAT,
	KN_CT_STATS_A_NO_LOCAL,
	KN_CT_STATS_A_MASQUERADED,
	__KN_CT_STATS_A_LAST
};

#define KN_CT_STATS_A_MAX (__KN_CT_STATS_A_LAST - 1)

#endif /* _UAPI_KN_H */
