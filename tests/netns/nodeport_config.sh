#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kn-test-timeout: 600
#
# The configuration of NodePorts, traffic policies, local backends, the SNAT
# port range and egress masquerade (uapi/kn.h, "NodePort"), through kn-ctl
# and, past kn-ctl's own checks, over raw generic netlink: what kn-ctl
# prints, text and JSON, for what the kernel holds; a NodePort outside the
# NodePort range refused (ERANGE) and one another service has for the same
# protocol refused (EADDRINUSE), each with the kernel's message printed by
# kn-ctl, and nothing changed; the same port over the other protocol
# accepted; a policy without a NodePort refused by kn-ctl and, sent raw, by
# the kernel (EINVAL); replace changes and removes a NodePort, delete frees
# it; a narrower NodePort range refuses new NodePorts outside it and leaves
# the services that have one alone; the SNAT port range and masquerade set,
# shown and validated; the local flag of backends, given or found by kn0's
# subnet; unprivileged writers get EPERM, readers do not.  Packets through
# NodePorts are nodeport.sh's business.
#
#   +---------------------------------------------+
#   | npc-a                                       |
#   |   kn0 10.244.1.1/24 (no port: its subnet    |
#   |   makes backends local)                     |
#   |   services 10.96.0.x, NodePorts 30000-32767 |
#   +---------------------------------------------+
source "$(dirname "$0")/lib.sh"

# uapi/kn.h
CMD_SET_SETTINGS=3 CMD_NEW_SERVICE=14 CMD_GET_SERVICE=16 CMD_REPLACE_SERVICE=17
CMD_NEW_BACKEND=18
A_SETTINGS=3 A_BACKEND=12
SETTING_NODEPORT_MIN=3 SETTING_NODEPORT_MAX=4
SETTING_SNAT_MIN=6 SETTING_SNAT_MAX=7 SETTING_MASQUERADE=8
SVC_AFFINITY=4 SVC_NODEPORT=7 SVC_POLICY=8
BE_ADDR=2 BE_PORT=3 BE_FLAGS=5
TCP=6 UDP=17
POLICY_CLUSTER=0 POLICY_LOCAL=1
F_TERMINATING=1 F_LOCAL=2

ns=npc-a
kn_tmp_init
kn_load
netns_del_prefix npc-
netns_add $ns
genl_start

# expect_ctl RC WANT ARGS...: kn-ctl ARGS, run in $ns, exits RC and prints
# exactly WANT (standard output and error together)
expect_ctl() {
	local want_rc=$1 want=$2 out rc=0
	shift 2
	echo "+ kn-ctl $* (expecting exit $want_rc)" >&2
	out=$(ip netns exec $ns "$KN_CTL" "$@" 2>&1) || rc=$?
	indent "$out"
	[ "$rc" = "$want_rc" ] || fail "kn-ctl $*: exited $rc, want $want_rc"
	[ "$out" = "$want" ] || fail "kn-ctl $*: printed '$out', want '$want'"
	echo "ok: kn-ctl $*: exit $want_rc, the output wanted" >&2
}
# ok_ctl ARGS...: kn-ctl ARGS succeeds in $ns and prints nothing
ok_ctl() { expect_ctl 0 "" "$@"; }
# usage_ctl OBJECT WHY ARGS...: kn-ctl ARGS is refused by kn-ctl itself
# (exit 2, nothing sent) for WHY
usage_ctl() {
	local object=$1 why=$2
	shift 2
	expect_ctl 2 "kn-ctl: $why"$'\n'"Try 'kn-ctl $object --help' for more information." "$@"
}
# raw_refused ERRNO ARGS...: the request ARGS, made raw in $ns, is refused
# with ERRNO (an alternation) and a message, which goes into $MSG
raw_refused() {
	local want=$1 out rc=0 re
	shift
	echo "+ genl $ns $* (expecting $want and a message)" >&2
	out=$(genl_at $ns "$@") || rc=$?
	indent "$out"
	re="^error ($want): (.+)$"
	if [ "$rc" != 1 ] || ! [[ $out =~ $re ]]; then
		fail "genl $*: '$out', want error $want: MESSAGE"
	fi
	MSG=${BASH_REMATCH[2]}
	echo "ok: refused with ${BASH_REMATCH[1]}: $MSG" >&2
}
# svc_is KEY TEXT JSON: `kn-ctl service list KEY` prints exactly TEXT, and
# with -j exactly JSON
svc_is() {
	expect_ctl 0 "$2" service list "$1"
	expect_ctl 0 "$3" -j service list "$1"
}
# svc_json KEY AFFINITY TIMEOUT NODEPORT_POLICY BACKENDS USABLE [BACKENDS_JSON]:
# the JSON of one service without traffic, as kn-ctl prints it;
# NODEPORT_POLICY is "PORT POLICY" or "" for none
svc_json() {
	local key=$1 affinity=$2 timeout=$3 np=$4 backends=$5 usable=$6 list=${7:-}
	local rest=${key#*:} np_json=
	[ -z "$np" ] || np_json="\"nodeport\":${np% *},\"policy\":\"${np#* }\","
	printf '[{"service":"%s","address":"%s","port":%s,"protocol":"%s","affinity":"%s","affinity_timeout":%s,%s"stats":{"backends":%s,"usable":%s,"connections":0,"no_backend":0,"no_local":0},"backends":[%s]}]' \
		"$key" "${key%%:*}" "${rest%/*}" "${rest#*/}" "$affinity" "$timeout" "$np_json" \
		"$backends" "$usable" "$list"
}
# np ADDR PORT PROTO NODEPORT [POLICY [ATTR:TYPE:VALUE...]]: the KN_A_SERVICE
# nest kn-ctl sends for "service add ADDR:PORT/PROTO nodeport NODEPORT
# [policy ...]" (affinity none, the policy, cluster by default)
np() {
	local addr=$1 port=$2 proto=$3 nodeport=$4 policy=${5:-$POLICY_CLUSTER}
	shift $(($# < 5 ? $# : 5))
	svc_nest "$addr" "$port" "$proto" $SVC_AFFINITY:u8:0 $SVC_NODEPORT:u16:"$nodeport" \
		$SVC_POLICY:u8:"$policy" "$@"
}
# absent KEY: no service KEY in $ns (a raw dump of it is ENOENT)
absent() { expect_genl $ns 1 "^error ENOENT: ." --dump $CMD_GET_SERVICE "$(svc_key "$1")"; }

PERM="Operation not permitted"
RANGE="Numerical result out of range"
INUSE="Address already in use"

echo "## the new settings' defaults, the new counters at zero"
show=$(ip netns exec $ns "$KN_CTL" config show)
indent "$show"
expect_eq "config show" "$show" "cluster-cidr 10.244.0.0/16
nodeport-range 30000-32767
conntrack-max 262144
snat-port-range 61000-65535
masquerade off"
expect_ctl 0 '{"cluster_cidr":"10.244.0.0/16","nodeport_range":"30000-32767","conntrack_max":262144,"snat_port_range":"61000-65535","masquerade":false}' \
	-j config show
stats=$(ip netns exec $ns "$KN_CTL" conntrack stats)
indent "$stats"
expect_match "conntrack stats: the last counters, at zero" "$stats" \
	" drop-redirect 0 drop-snat 0 no-local 0 masqueraded 0$"
stats=$(ip netns exec $ns "$KN_CTL" -j conntrack stats)
expect_match "conntrack stats -j: the last counters, at zero" "$stats" \
	'"drop_redirect":0,"drop_snat":0,"no_local":0,"masqueraded":0\}$'

echo "## NodePorts: added, listed in text and JSON, policy local and cluster"
# the issue's own command line
ok_ctl service add 10.96.0.10:80/tcp nodeport 30080 policy local
svc_is 10.96.0.10:80/tcp \
	"10.96.0.10:80/tcp affinity none nodeport 30080 policy local backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	"$(svc_json 10.96.0.10:80/tcp none 10800 "30080 local" 0 0)"
ok_ctl service add 10.96.0.11:80/tcp nodeport 30081
svc_is 10.96.0.11:80/tcp \
	"10.96.0.11:80/tcp affinity none nodeport 30081 policy cluster backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	"$(svc_json 10.96.0.11:80/tcp none 10800 "30081 cluster" 0 0)"
ok_ctl service add 10.96.0.12:80/tcp policy cluster affinity client-ip nodeport 30082 timeout 60
svc_is 10.96.0.12:80/tcp \
	"10.96.0.12:80/tcp affinity client-ip timeout 60 nodeport 30082 policy cluster backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	"$(svc_json 10.96.0.12:80/tcp client-ip 60 "30082 cluster" 0 0)"
ok_ctl service add 10.96.0.13:80/tcp
svc_is 10.96.0.13:80/tcp \
	"10.96.0.13:80/tcp affinity none backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	"$(svc_json 10.96.0.13:80/tcp none 10800 "" 0 0)"
# the range's edges
ok_ctl service add 10.96.0.14:53/udp nodeport 30000 policy local
ok_ctl service add 10.96.0.15:53/udp nodeport 32767
expect_ctl 0 "10.96.0.14:53/udp affinity none nodeport 30000 policy local backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.14:53/udp
expect_ctl 0 "10.96.0.15:53/udp affinity none nodeport 32767 policy cluster backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service show 10.96.0.15:53/udp
# one list of every service: six lines, the four with a NodePort say so
list=$(ip netns exec $ns "$KN_CTL" service list)
indent "$list"
expect_eq "services listed" "$(grep -c . <<< "$list")" 6
expect_eq "services listed with a nodeport" "$(grep -c ' nodeport [0-9]* policy ' <<< "$list")" 5

echo "## a NodePort outside the NodePort range: ERANGE, the kernel's message printed, nothing added"
for port in 29999 32768 80 65535; do
	raw_refused ERANGE $CMD_NEW_SERVICE "$(np 10.96.0.20 80 $TCP $port)"
	expect_ctl 1 "kn-ctl: service add 10.96.0.20:80/tcp: $RANGE: $MSG" \
		service add 10.96.0.20:80/tcp nodeport $port
	absent 10.96.0.20:80/tcp
done
raw_refused ERANGE $CMD_REPLACE_SERVICE "$(np 10.96.0.20 80 $TCP 29999 $POLICY_LOCAL)"
expect_ctl 1 "kn-ctl: service replace 10.96.0.20:80/tcp: $RANGE: $MSG" \
	service replace 10.96.0.20:80/tcp nodeport 29999 policy local
absent 10.96.0.20:80/tcp
# not even a range's value (0) makes a NodePort
raw_refused "EINVAL|ERANGE" $CMD_NEW_SERVICE "$(np 10.96.0.20 80 $TCP 0)"
absent 10.96.0.20:80/tcp

echo "## another service's NodePort for the same protocol: EADDRINUSE, the kernel's message printed"
raw_refused EADDRINUSE $CMD_NEW_SERVICE "$(np 10.96.0.21 80 $TCP 30080)"
expect_ctl 1 "kn-ctl: service add 10.96.0.21:80/tcp: $INUSE: $MSG" \
	service add 10.96.0.21:80/tcp nodeport 30080
absent 10.96.0.21:80/tcp
# the VIP does not matter, nor the service's port, nor the policy
raw_refused EADDRINUSE $CMD_NEW_SERVICE "$(np 10.96.0.10 81 $TCP 30081 $POLICY_LOCAL)"
expect_ctl 1 "kn-ctl: service add 10.96.0.10:81/tcp: $INUSE: $MSG" \
	service add 10.96.0.10:81/tcp nodeport 30081 policy local
absent 10.96.0.10:81/tcp
# a replace may not take another's either, and keeps its own
raw_refused EADDRINUSE $CMD_REPLACE_SERVICE "$(np 10.96.0.11 80 $TCP 30080)"
expect_ctl 1 "kn-ctl: service replace 10.96.0.11:80/tcp: $INUSE: $MSG" \
	service replace 10.96.0.11:80/tcp nodeport 30080
svc_is 10.96.0.11:80/tcp \
	"10.96.0.11:80/tcp affinity none nodeport 30081 policy cluster backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	"$(svc_json 10.96.0.11:80/tcp none 10800 "30081 cluster" 0 0)"
# nor can a service without a NodePort get one that is taken
expect_ctl 1 "kn-ctl: service replace 10.96.0.13:80/tcp: $INUSE: $MSG" \
	service replace 10.96.0.13:80/tcp nodeport 30080
expect_ctl 0 "10.96.0.13:80/tcp affinity none backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.13:80/tcp

echo "## the same port number over the other protocol is another NodePort"
ok_ctl service add 10.96.0.10:80/udp nodeport 30080
ok_ctl service add 10.96.0.16:53/tcp nodeport 32767 policy local
expect_ctl 0 "10.96.0.10:80/udp affinity none nodeport 30080 policy cluster backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.10:80/udp
expect_ctl 0 "10.96.0.16:53/tcp affinity none nodeport 32767 policy local backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.16:53/tcp
# and is then taken for that protocol too
raw_refused EADDRINUSE $CMD_NEW_SERVICE "$(np 10.96.0.21 53 $UDP 30080)"
absent 10.96.0.21:53/udp

echo "## a policy without a NodePort: refused by kn-ctl, and by the kernel (EINVAL)"
usage_ctl service "service add: policy goes with nodeport" service add 10.96.0.22:80/tcp policy local
usage_ctl service "service replace: policy goes with nodeport" \
	service replace 10.96.0.10:80/tcp policy cluster
for policy in $POLICY_LOCAL $POLICY_CLUSTER; do
	raw_refused EINVAL $CMD_NEW_SERVICE "$(svc_nest 10.96.0.22 80 $TCP $SVC_POLICY:u8:"$policy")"
	raw_refused EINVAL $CMD_REPLACE_SERVICE "$(svc_nest 10.96.0.22 80 $TCP $SVC_POLICY:u8:"$policy")"
	absent 10.96.0.22:80/tcp
done
# the replace of an existing service with a policy alone changes nothing
raw_refused EINVAL $CMD_REPLACE_SERVICE "$(svc_nest 10.96.0.10 80 $TCP $SVC_POLICY:u8:$POLICY_CLUSTER)"
expect_ctl 0 "10.96.0.10:80/tcp affinity none nodeport 30080 policy local backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.10:80/tcp
# a policy that is neither, a NodePort of the wrong size
raw_refused "EINVAL|ERANGE" $CMD_NEW_SERVICE "$(np 10.96.0.22 80 $TCP 30222 2)"
raw_refused "EINVAL|ERANGE" $CMD_NEW_SERVICE \
	"$(svc_nest 10.96.0.22 80 $TCP $SVC_NODEPORT:u32:30222)"
absent 10.96.0.22:80/tcp
# kn-ctl's own refusals of the rest, nothing sent
usage_ctl service "service add: nodeport '0' is outside 1 to 65535" \
	service add 10.96.0.22:80/tcp nodeport 0
usage_ctl service "service add: policy 'Local' is not cluster or local" \
	service add 10.96.0.22:80/tcp nodeport 30222 policy Local
absent 10.96.0.22:80/tcp

echo "## replace: a NodePort changed or removed, the backends kept; the freed port taken by another"
ok_ctl backend add 10.96.0.10:80/tcp 10.244.2.5:8080
ok_ctl service replace 10.96.0.10:80/tcp nodeport 30090
svc_is 10.96.0.10:80/tcp \
	"10.96.0.10:80/tcp affinity none nodeport 30090 policy cluster backends 1 usable 1 connections 0 no-backend 0 no-local 0 backend 10.244.2.5:8080 weight 1 connections 0" \
	"$(svc_json 10.96.0.10:80/tcp none 10800 "30090 cluster" 1 1 \
		'{"address":"10.244.2.5","port":8080,"weight":1,"terminating":false,"local":false,"connections":0}')"
ok_ctl service add 10.96.0.21:80/tcp nodeport 30080 policy local
expect_ctl 0 "10.96.0.21:80/tcp affinity none nodeport 30080 policy local backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.21:80/tcp
# the same NodePort, restated with another policy and an affinity
ok_ctl service replace 10.96.0.10:80/tcp nodeport 30090 policy local affinity client-ip
expect_ctl 0 "10.96.0.10:80/tcp affinity client-ip timeout 10800 nodeport 30090 policy local backends 1 usable 1 connections 0 no-backend 0 no-local 0 backend 10.244.2.5:8080 weight 1 connections 0" \
	service list 10.96.0.10:80/tcp
# a replace without nodeport removes it
ok_ctl service replace 10.96.0.10:80/tcp
svc_is 10.96.0.10:80/tcp \
	"10.96.0.10:80/tcp affinity none backends 1 usable 1 connections 0 no-backend 0 no-local 0 backend 10.244.2.5:8080 weight 1 connections 0" \
	"$(svc_json 10.96.0.10:80/tcp none 10800 "" 1 1 \
		'{"address":"10.244.2.5","port":8080,"weight":1,"terminating":false,"local":false,"connections":0}')"
ok_ctl service add 10.96.0.23:80/tcp nodeport 30090
expect_ctl 0 "10.96.0.23:80/tcp affinity none nodeport 30090 policy cluster backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.23:80/tcp
# and a NodePort given back to a service that had none
ok_ctl service replace 10.96.0.10:80/tcp nodeport 30091 policy local
expect_ctl 0 "10.96.0.10:80/tcp affinity none nodeport 30091 policy local backends 1 usable 1 connections 0 no-backend 0 no-local 0 backend 10.244.2.5:8080 weight 1 connections 0" \
	service list 10.96.0.10:80/tcp
# a replace that adds the service, with a NodePort
absent 10.96.0.24:80/tcp
ok_ctl service replace 10.96.0.24:80/tcp nodeport 30094 policy local
expect_ctl 0 "10.96.0.24:80/tcp affinity none nodeport 30094 policy local backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.24:80/tcp

echo "## delete frees the NodePort"
raw_refused EADDRINUSE $CMD_NEW_SERVICE "$(np 10.96.0.25 80 $TCP 30080)"
ok_ctl service del 10.96.0.21:80/tcp
ok_ctl service add 10.96.0.25:80/tcp nodeport 30080
expect_ctl 0 "10.96.0.25:80/tcp affinity none nodeport 30080 policy cluster backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.25:80/tcp

echo "## a batch: NodePort lines sent, a taken one refused with the kernel's message"
raw_refused EADDRINUSE $CMD_NEW_SERVICE "$(np 10.96.0.27 80 $TCP 30080)"
echo "+ kn-ctl -b - (three lines, expecting exit 1)" >&2
out=$(ip netns exec $ns "$KN_CTL" -b - 2>&1 <<EOF
service add 10.96.0.26:80/tcp nodeport 30096 policy local
service add 10.96.0.27:80/tcp nodeport 30080
backend add 10.96.0.26:80/tcp 10.244.2.6:8080 local
EOF
) && fail "the batch succeeded: $out"
indent "$out"
expect_eq "the batch's report" "$out" "kn-ctl: <stdin>:2: $INUSE: $MSG
kn-ctl: <stdin>: 1 of 3 changes refused"
expect_ctl 0 "10.96.0.26:80/tcp affinity none nodeport 30096 policy local backends 1 usable 1 connections 0 no-backend 0 no-local 0 backend 10.244.2.6:8080 weight 1 local connections 0" \
	service list 10.96.0.26:80/tcp
absent 10.96.0.27:80/tcp

echo "## a narrower NodePort range: new NodePorts outside it refused, existing ones kept"
ok_ctl config set nodeport-range 31000-31999
expect_ctl 0 "cluster-cidr 10.244.0.0/16
nodeport-range 31000-31999
conntrack-max 262144
snat-port-range 61000-65535
masquerade off" config show
for port in 30500 30999 32000 32767; do
	raw_refused ERANGE $CMD_NEW_SERVICE "$(np 10.96.0.28 80 $TCP $port)"
	expect_ctl 1 "kn-ctl: service add 10.96.0.28:80/tcp: $RANGE: $MSG" \
		service add 10.96.0.28:80/tcp nodeport $port
	absent 10.96.0.28:80/tcp
done
list=$(ip netns exec $ns "$KN_CTL" service list)
indent "$list"
for kept in "10.96.0.25:80/tcp affinity none nodeport 30080 policy cluster " \
	"10.96.0.14:53/udp affinity none nodeport 30000 policy local " \
	"10.96.0.15:53/udp affinity none nodeport 32767 policy cluster " \
	"10.96.0.16:53/tcp affinity none nodeport 32767 policy local " \
	"10.96.0.10:80/tcp affinity none nodeport 30091 policy local "; do
	[[ $list == *"$kept"* ]] || fail "after the range changed, no '$kept' in the list"
	echo "ok: kept: $kept" >&2
done
# a replace states its NodePort anew: checked against the range of now
raw_refused ERANGE $CMD_REPLACE_SERVICE "$(np 10.96.0.25 80 $TCP 30080)"
expect_ctl 1 "kn-ctl: service replace 10.96.0.25:80/tcp: $RANGE: $MSG" \
	service replace 10.96.0.25:80/tcp nodeport 30080
expect_ctl 0 "10.96.0.25:80/tcp affinity none nodeport 30080 policy cluster backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.25:80/tcp
# inside it, the edges
ok_ctl service add 10.96.0.28:80/tcp nodeport 31000
ok_ctl service add 10.96.0.29:80/tcp nodeport 31999 policy local
expect_ctl 0 "10.96.0.28:80/tcp affinity none nodeport 31000 policy cluster backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.28:80/tcp
expect_ctl 0 "10.96.0.29:80/tcp affinity none nodeport 31999 policy local backends 0 usable 0 connections 0 no-backend 0 no-local 0" \
	service list 10.96.0.29:80/tcp
# the range back; a NodePort kept outside the narrow one is still taken
expect_genl $ns 0 "^ok" $CMD_SET_SETTINGS --nest $A_SETTINGS $SETTING_NODEPORT_MIN:u16:30000 \
	$SETTING_NODEPORT_MAX:u16:32767
raw_refused EADDRINUSE $CMD_NEW_SERVICE "$(np 10.96.0.30 80 $TCP 30080)"
absent 10.96.0.30:80/tcp

echo "## the SNAT port range and masquerade: set, shown, validated"
ok_ctl config set snat-port-range 62000-63000
expect_ctl 0 "cluster-cidr 10.244.0.0/16
nodeport-range 30000-32767
conntrack-max 262144
snat-port-range 62000-63000
masquerade off" config show
ok_ctl config set masquerade on
expect_ctl 0 '{"cluster_cidr":"10.244.0.0/16","nodeport_range":"30000-32767","conntrack_max":262144,"snat_port_range":"62000-63000","masquerade":true}' \
	-j config show
expect_ctl 0 "cluster-cidr 10.244.0.0/16
nodeport-range 30000-32767
conntrack-max 262144
snat-port-range 62000-63000
masquerade on" config show
ok_ctl config set masquerade off snat-port-range 40000-40000
expect_ctl 0 '{"cluster_cidr":"10.244.0.0/16","nodeport_range":"30000-32767","conntrack_max":262144,"snat_port_range":"40000-40000","masquerade":false}' \
	-j config show
ok_ctl config set snat-port-range 1-65535 masquerade on
expect_ctl 0 "cluster-cidr 10.244.0.0/16
nodeport-range 30000-32767
conntrack-max 262144
snat-port-range 1-65535
masquerade on" config show
ok_ctl config set snat-port-range 61000-65535 masquerade off
# kn-ctl's own refusals
usage_ctl config "config set: snat-port-range '63000-62000' has MIN greater than MAX" \
	config set snat-port-range 63000-62000
usage_ctl config "config set: snat-port-range '0-100' has a port outside 1 to 65535" \
	config set snat-port-range 0-100
usage_ctl config "config set: masquerade 'yes' is not on or off" config set masquerade yes
# the kernel's, sent raw: MIN > MAX, one without the other, 0, a boolean
# that is not one, and a good part with a bad one: nothing changes
raw_refused EINVAL $CMD_SET_SETTINGS --nest $A_SETTINGS $SETTING_SNAT_MIN:u16:63000 $SETTING_SNAT_MAX:u16:62000
raw_refused EINVAL $CMD_SET_SETTINGS --nest $A_SETTINGS $SETTING_SNAT_MIN:u16:62000
raw_refused EINVAL $CMD_SET_SETTINGS --nest $A_SETTINGS $SETTING_SNAT_MAX:u16:63000
raw_refused "EINVAL|ERANGE" $CMD_SET_SETTINGS --nest $A_SETTINGS $SETTING_SNAT_MIN:u16:0 $SETTING_SNAT_MAX:u16:100
raw_refused "EINVAL|ERANGE" $CMD_SET_SETTINGS --nest $A_SETTINGS $SETTING_MASQUERADE:u8:2
raw_refused "EINVAL|ERANGE" $CMD_SET_SETTINGS --nest $A_SETTINGS $SETTING_MASQUERADE:u32:1
raw_refused EINVAL $CMD_SET_SETTINGS --nest $A_SETTINGS $SETTING_MASQUERADE:u8:1 \
	$SETTING_SNAT_MIN:u16:5 $SETTING_SNAT_MAX:u16:4
raw_refused EINVAL $CMD_SET_SETTINGS --nest $A_SETTINGS $SETTING_SNAT_MIN:u16:62000 \
	$SETTING_SNAT_MAX:u16:63000 $SETTING_NODEPORT_MIN:u16:2 $SETTING_NODEPORT_MAX:u16:1
expect_ctl 0 '{"cluster_cidr":"10.244.0.0/16","nodeport_range":"30000-32767","conntrack_max":262144,"snat_port_range":"61000-65535","masquerade":false}' \
	-j config show

echo "## backends: the local flag, given or found by kn0's subnet"
pp ip -n $ns link add kn0 type kn
pp ip -n $ns addr add 10.244.1.1/24 dev kn0
pp ip -n $ns link set kn0 up
ok_ctl service add 10.96.0.40:80/tcp nodeport 30400 policy local
ok_ctl backend add 10.96.0.40:80/tcp 10.244.2.5:8080 local
ok_ctl backend add 10.96.0.40:80/tcp 10.244.2.6:8080
ok_ctl backend add 10.96.0.40:80/tcp 10.244.1.5:8080
ok_ctl backend add 10.96.0.40:80/tcp 10.244.2.7:8080 terminating local weight 2
expect_genl $ns 0 "^ok" $CMD_NEW_BACKEND "$(svc_nest 10.96.0.40 80 $TCP)" \
	--nest $A_BACKEND $BE_ADDR:be32:"$(be32 10.244.2.8)" $BE_PORT:u16:8080 $BE_FLAGS:u32:$((F_LOCAL | F_TERMINATING))
expect_ctl 0 "10.96.0.40:80/tcp 10.244.1.5:8080 weight 1 local connections 0
10.96.0.40:80/tcp 10.244.2.5:8080 weight 1 local connections 0
10.96.0.40:80/tcp 10.244.2.6:8080 weight 1 connections 0
10.96.0.40:80/tcp 10.244.2.7:8080 weight 2 terminating local connections 0
10.96.0.40:80/tcp 10.244.2.8:8080 weight 1 terminating local connections 0" \
	backend list 10.96.0.40:80/tcp
expect_ctl 0 '[{"service":"10.96.0.40:80/tcp","address":"10.244.1.5","port":8080,"weight":1,"terminating":false,"local":true,"connections":0},{"service":"10.96.0.40:80/tcp","address":"10.244.2.5","port":8080,"weight":1,"terminating":false,"local":true,"connections":0},{"service":"10.96.0.40:80/tcp","address":"10.244.2.6","port":8080,"weight":1,"terminating":false,"local":false,"connections":0},{"service":"10.96.0.40:80/tcp","address":"10.244.2.7","port":8080,"weight":2,"terminating":true,"local":true,"connections":0},{"service":"10.96.0.40:80/tcp","address":"10.244.2.8","port":8080,"weight":1,"terminating":true,"local":true,"connections":0}]' \
	-j backend list 10.96.0.40:80/tcp
# replace sets the flags the request says: local cleared outside kn0's
# subnet, found again inside it, given to a backend outside it
ok_ctl backend replace 10.96.0.40:80/tcp 10.244.2.5:8080
ok_ctl backend replace 10.96.0.40:80/tcp 10.244.1.5:8080 weight 3
ok_ctl backend replace 10.96.0.40:80/tcp 10.244.2.6:8080 local
ok_ctl backend replace 10.96.0.40:80/tcp 10.244.2.7:8080 local
expect_ctl 0 "10.96.0.40:80/tcp affinity none nodeport 30400 policy local backends 5 usable 4 connections 0 no-backend 0 no-local 0 backend 10.244.1.5:8080 weight 3 local connections 0 backend 10.244.2.5:8080 weight 1 connections 0 backend 10.244.2.6:8080 weight 1 local connections 0 backend 10.244.2.7:8080 weight 1 local connections 0 backend 10.244.2.8:8080 weight 1 terminating local connections 0" \
	service list 10.96.0.40:80/tcp
usage_ctl backend "backend add: local is given twice" \
	backend add 10.96.0.40:80/tcp 10.244.2.9:8080 local local
# a flag the contract does not have
raw_refused EINVAL $CMD_NEW_BACKEND "$(svc_nest 10.96.0.40 80 $TCP)" \
	--nest $A_BACKEND $BE_ADDR:be32:"$(be32 10.244.2.9)" $BE_PORT:u16:8080 $BE_FLAGS:u32:4
expect_eq "backends after the refusals" \
	"$(ip netns exec $ns "$KN_CTL" backend list 10.96.0.40:80/tcp | grep -c .)" 5

echo "## writers need CAP_NET_ADMIN for every new form; readers do not"
nobody() { ip netns exec $ns setpriv --reuid=65534 --regid=65534 --clear-groups "$KN_CTL" "$@"; }
writes=(
	"service add 10.96.0.50:80/tcp nodeport 30500 policy local"
	"service add 10.96.0.50:80/tcp nodeport 30500"
	"service replace 10.96.0.10:80/tcp nodeport 30501 policy cluster"
	"service replace 10.96.0.10:80/tcp"
	"backend add 10.96.0.40:80/tcp 10.244.2.9:8080 local"
	"backend replace 10.96.0.40:80/tcp 10.244.2.5:8080 local terminating"
	"config set snat-port-range 61000-61999"
	"config set masquerade on"
	"config set masquerade off snat-port-range 62000-62999"
)
for line in "${writes[@]}"; do
	read -ra words <<< "$line"
	expect_exit 1 nobody "${words[@]}"
	# what kn-ctl names in its message: the service, the backend, or the settings
	case ${words[0]} in
	service) what="${words[*]:0:3}" ;;
	backend) what="${words[*]:0:4}" ;;
	config) what="config set" ;;
	esac
	[[ $OUT == "kn-ctl: $what: $PERM"* ]] || fail "nobody: $line: '$OUT', want 'kn-ctl: $what: $PERM...'"
	echo "ok: nobody: $line: $PERM" >&2
done
expect_exit 0 nobody service list 10.96.0.10:80/tcp
expect_eq "nobody's service list" "$OUT" \
	"10.96.0.10:80/tcp affinity none nodeport 30091 policy local backends 1 usable 1 connections 0 no-backend 0 no-local 0 backend 10.244.2.5:8080 weight 1 connections 0"
expect_exit 0 nobody -j config show
expect_eq "nobody's config show" "$OUT" \
	'{"cluster_cidr":"10.244.0.0/16","nodeport_range":"30000-32767","conntrack_max":262144,"snat_port_range":"61000-65535","masquerade":false}'
expect_exit 0 nobody backend list 10.96.0.40:80/tcp
expect_eq "nobody's backend list: nothing changed" "$OUT" \
	"10.96.0.40:80/tcp 10.244.1.5:8080 weight 3 local connections 0
10.96.0.40:80/tcp 10.244.2.5:8080 weight 1 connections 0
10.96.0.40:80/tcp 10.244.2.6:8080 weight 1 local connections 0
10.96.0.40:80/tcp 10.244.2.7:8080 weight 1 local connections 0
10.96.0.40:80/tcp 10.244.2.8:8080 weight 1 terminating local connections 0"
expect_exit 0 nobody conntrack stats
expect_match "nobody's conntrack stats" "$OUT" " drop-snat [0-9]+ no-local [0-9]+ masqueraded [0-9]+$"
absent 10.96.0.50:80/tcp

echo "## the namespace deleted with its NodePorts, backends and settings (the kernel log judges)"
pp ip netns del $ns
echo "PASS: NodePort configuration"
