#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kn-test-timeout: 420
#
# Services, backends and the connection table over raw generic netlink, as
# any client would send them (uapi/kn.h, "Services (ClusterIP)"): every bad
# request is refused with its errno and an extack message and changes
# nothing; defaults; EEXIST, ENOENT; REPLACE changes what it names and
# keeps the rest (a service its backends, a backend its place), and adds
# what is missing; dumps of every service, of one, of one service's
# backends and of every backend, whole across several reads; the
# connection table's statistics (every attribute) follow the
# conntrack-max setting; writers need CAP_NET_ADMIN, readers do not;
# services belong to their namespace and go with it.
# Packets through services are services.sh's business.
#
#   +-------------------------------+   +-------------------------------+
#   | svcc-a                        |   | svcc-b                        |
#   |   services under test         |   |   its own, separate table     |
#   |   (no kn device is needed)    |   |                               |
#   +-------------------------------+   +-------------------------------+
source "$(dirname "$0")/lib.sh"

# uapi/kn.h
CMD_SET_SETTINGS=3 A_SETTINGS=3 SETTING_CONNTRACK_MAX=5
CMD_NEW_SERVICE=14 CMD_DEL_SERVICE=15 CMD_GET_SERVICE=16 CMD_REPLACE_SERVICE=17
CMD_NEW_BACKEND=18 CMD_DEL_BACKEND=19 CMD_GET_BACKEND=20 CMD_REPLACE_BACKEND=21
CMD_GET_CONNTRACK=22 CMD_FLUSH_CONNTRACK=23 CMD_GET_CONNTRACK_STATS=24
A_SERVICE=11 A_BACKEND=12
SVC_ADDR=1 SVC_PORT=2 SVC_PROTO=3 SVC_AFFINITY=4 SVC_TIMEOUT=5
BE_ADDR=2 BE_PORT=3 BE_WEIGHT=4 BE_FLAGS=5
TCP=6 UDP=17
CT_STATS_KEYS=(entries max_entries buckets entry_bytes inserts clashes expired removed
	early_drops drop_full drop_nomem drop_invalid no_backend drop_clash drop_redirect)

ns=svcc-a
ns2=svcc-b
kn_tmp_init
kn_load
netns_del_prefix svcc-
netns_add $ns
netns_add $ns2
genl_start

# a KN_A_BACKEND nest: be ADDR PORT [ATTR:TYPE:VALUE...]
be() {
	local addr=$1 port=$2
	shift 2
	echo "--nest $A_BACKEND $BE_ADDR:be32:$(be32 "$addr") $BE_PORT:u16:$port${*:+ $*}"
}
# the key of the service most requests name, 10.96.0.10:80/tcp
web() { svc_nest 10.96.0.10 80 $TCP "$@"; }
# refused RE ARGS...: the request ARGS, made in $ns, is refused with an
# errno matching RE (the spec names no errno for a value out of range: the
# policy's ERANGE or kn's EINVAL) and a message
refused() { local re=$1; shift; expect_genl $ns 1 "^error ($re): ." "$@"; }

# services [NS]: every service of NS ($ns), one JSON line each, into $SVCS
services() {
	SVCS=$(genl_at "${1:-$ns}" --dump --json $CMD_GET_SERVICE) || fail "service dump: $SVCS"
	SVCS=${SVCS%ok}
	SVCS=${SVCS%$'\n'}
}
# service ARGS...: the one service that ARGS (a key) name, into $SVC
service() {
	SVC=$(genl_at $ns --dump --json $CMD_GET_SERVICE "$@") || fail "service dump $*: $SVC"
	SVC=${SVC%ok}
	SVC=${SVC%$'\n'}
	[ "$(count '"service"' "$SVC")" = 1 ] || fail "dump of one service: $SVC"
}
# backends [ARGS...]: the backends of the service ARGS name (every
# backend without), one JSON line each, into $BES
backends() {
	BES=$(genl_at $ns --dump --json $CMD_GET_BACKEND "$@") || fail "backend dump $*: $BES"
	BES=${BES%ok}
	BES=${BES%$'\n'}
}
# count STRING TEXT: the lines of TEXT with STRING
count() {
	local line n=0
	while IFS= read -r line; do
		[[ $line != *"$1"* ]] || n=$((n + 1))
	done <<< "$2"
	echo $n
}
# backend_line ADDR PORT: the line of $BES for backend ADDR:PORT
backend_line() {
	local line
	while IFS= read -r line; do
		[[ $(json_nest backend "$line") != *"\"addr\": \"$1\", "*"\"port\": $2,"* ]] || {
			echo "$line"
			return
		}
	done <<< "$BES"
	fail "no backend $1:$2 in: $BES"
}
ct_stats() { CTS=$(genl_at "${1:-$ns}" --json $CMD_GET_CONNTRACK_STATS) || fail "conntrack stats: $CTS"; }

echo "## an empty table"
services
expect_eq "services" "$SVCS" ""
backends
expect_eq "backends" "$BES" ""
expect_eq "connections" "$(genl_at $ns --dump --json $CMD_GET_CONNTRACK)" "ok"
ct_stats
for key in "${CT_STATS_KEYS[@]}"; do
	json_num "$key" "$CTS" > /dev/null
done
echo "ok: conntrack stats has ${CT_STATS_KEYS[*]}" >&2
json_has "conntrack stats" "$CTS" entries=0 max_entries=262144 inserts=0 no_backend=0
entry_bytes=$(json_num entry_bytes "$CTS")
[ "$entry_bytes" -gt 0 ] || fail "conntrack stats: no entry size: $CTS"

echo "## bad services are refused, each with a message"
# protocol: TCP or UDP only
refused EINVAL $CMD_NEW_SERVICE "$(svc_nest 10.96.0.10 80 1)"
refused EINVAL $CMD_NEW_SERVICE "$(svc_nest 10.96.0.10 80 132)"
refused EINVAL $CMD_NEW_SERVICE "$(svc_nest 10.96.0.10 80 0)"
# port 1..65535
refused "EINVAL|ERANGE" $CMD_NEW_SERVICE "$(svc_nest 10.96.0.10 0 $TCP)"
# the VIP: unicast, not loopback
for vip in 0.0.0.0 224.0.0.1 239.255.0.1 255.255.255.255 127.0.0.1 127.1.2.3; do
	refused EINVAL $CMD_NEW_SERVICE "$(svc_nest $vip 80 $TCP)"
done
# every key attribute is needed, and the nest
refused EINVAL $CMD_NEW_SERVICE --nest $A_SERVICE $SVC_PORT:u16:80 $SVC_PROTO:u8:$TCP
refused EINVAL $CMD_NEW_SERVICE --nest $A_SERVICE $SVC_ADDR:be32:0x0a60000a $SVC_PROTO:u8:$TCP
refused EINVAL $CMD_NEW_SERVICE --nest $A_SERVICE $SVC_ADDR:be32:0x0a60000a $SVC_PORT:u16:80
refused EINVAL $CMD_NEW_SERVICE --nest $A_SERVICE
refused EINVAL $CMD_NEW_SERVICE
# attributes of the wrong size, unknown ones (strict validation)
refused "EINVAL|ERANGE" $CMD_NEW_SERVICE --nest $A_SERVICE $SVC_ADDR:u16:1 $SVC_PORT:u16:80 $SVC_PROTO:u8:$TCP
refused "EINVAL|ERANGE" $CMD_NEW_SERVICE --nest $A_SERVICE $SVC_ADDR:be32:0x0a60000a $SVC_PORT:u32:80 $SVC_PROTO:u8:$TCP
refused EINVAL $CMD_NEW_SERVICE "$(web 9:u32:1)"
refused EINVAL $CMD_NEW_SERVICE 99:u32:1 "$(web)"
# affinity: none or client-ip; its timeout 1..86400 s, and only with client-ip
refused "EINVAL|ERANGE" $CMD_NEW_SERVICE "$(web $SVC_AFFINITY:u8:2)"
refused "EINVAL|ERANGE" $CMD_NEW_SERVICE "$(web $SVC_AFFINITY:u8:1 $SVC_TIMEOUT:u32:0)"
refused "EINVAL|ERANGE" $CMD_NEW_SERVICE "$(web $SVC_AFFINITY:u8:1 $SVC_TIMEOUT:u32:86401)"
refused "EINVAL|ERANGE" $CMD_NEW_SERVICE "$(web $SVC_AFFINITY:u8:1 $SVC_TIMEOUT:u32:0xffffffff)"
refused EINVAL $CMD_NEW_SERVICE "$(web $SVC_TIMEOUT:u32:60)"
refused EINVAL $CMD_NEW_SERVICE "$(web $SVC_AFFINITY:u8:0 $SVC_TIMEOUT:u32:60)"
# REPLACE checks the same
refused EINVAL $CMD_REPLACE_SERVICE "$(svc_nest 127.0.0.1 80 $TCP)"
refused "EINVAL|ERANGE" $CMD_REPLACE_SERVICE "$(web $SVC_AFFINITY:u8:1 $SVC_TIMEOUT:u32:0)"
services
expect_eq "services after the refusals" "$SVCS" ""

echo "## a service: defaults, EEXIST, the key is address, port and protocol"
expect_genl $ns 0 "^ok" $CMD_NEW_SERVICE "$(web)"
service "$(web)"
json_has "new service" "$SVC" addr=10.96.0.10 port=80 proto=$TCP affinity=0 affinity_timeout=10800 \
	backends=0 usable=0 connections=0 no_backend=0
expect_genl $ns 1 "^error EEXIST: ." $CMD_NEW_SERVICE "$(web)"
expect_genl $ns 1 "^error EEXIST: ." $CMD_NEW_SERVICE "$(web $SVC_AFFINITY:u8:1)"
expect_genl $ns 0 "^ok" $CMD_NEW_SERVICE "$(svc_nest 10.96.0.10 80 $UDP)"
expect_genl $ns 0 "^ok" $CMD_NEW_SERVICE "$(svc_nest 10.96.0.10 81 $TCP)"
# the edges of the ranges
expect_genl $ns 0 "^ok" $CMD_NEW_SERVICE "$(svc_nest 10.96.0.10 65535 $UDP)"
expect_genl $ns 0 "^ok" $CMD_NEW_SERVICE "$(svc_nest 10.96.0.10 1 $UDP)"
services
expect_eq "services" "$(count '"service"' "$SVCS")" 5
service "$(svc_nest 10.96.0.10 81 $TCP)"
json_has "10.96.0.10:81/tcp" "$SVC" addr=10.96.0.10 port=81 proto=$TCP
expect_genl $ns 1 "^error ENOENT: ." --dump $CMD_GET_SERVICE "$(svc_nest 10.96.0.10 82 $TCP)"
expect_genl $ns 1 "^error ENOENT: ." --dump $CMD_GET_SERVICE "$(svc_nest 10.96.0.11 80 $TCP)"

echo "## affinity"
expect_genl $ns 0 "^ok" $CMD_NEW_SERVICE "$(svc_nest 10.96.0.11 80 $TCP $SVC_AFFINITY:u8:1 $SVC_TIMEOUT:u32:60)"
service "$(svc_nest 10.96.0.11 80 $TCP)"
json_has "client-ip, 60 s" "$SVC" affinity=1 affinity_timeout=60
expect_genl $ns 0 "^ok" $CMD_NEW_SERVICE "$(svc_nest 10.96.0.12 80 $TCP $SVC_AFFINITY:u8:1)"
service "$(svc_nest 10.96.0.12 80 $TCP)"
json_has "client-ip, default timeout" "$SVC" affinity=1 affinity_timeout=10800
expect_genl $ns 0 "^ok" $CMD_NEW_SERVICE "$(svc_nest 10.96.0.13 80 $TCP $SVC_AFFINITY:u8:1 $SVC_TIMEOUT:u32:86400)"
service "$(svc_nest 10.96.0.13 80 $TCP)"
json_has "client-ip, longest timeout" "$SVC" affinity=1 affinity_timeout=86400
expect_genl $ns 0 "^ok" $CMD_NEW_SERVICE "$(svc_nest 10.96.0.13 81 $TCP $SVC_AFFINITY:u8:1 $SVC_TIMEOUT:u32:1)"
expect_genl $ns 0 "^ok" $CMD_NEW_SERVICE "$(svc_nest 10.96.0.13 82 $TCP $SVC_AFFINITY:u8:0)"
service "$(svc_nest 10.96.0.13 82 $TCP)"
json_has "affinity none, said" "$SVC" affinity=0 affinity_timeout=10800

echo "## backends: bad ones refused, with a message, and none added"
expect_genl $ns 1 "^error ENOENT: ." $CMD_NEW_BACKEND "$(svc_nest 10.96.0.99 80 $TCP)" "$(be 10.244.1.2 8080)"
for addr in 0.0.0.0 224.0.0.1 255.255.255.255 127.0.0.1; do
	refused EINVAL $CMD_NEW_BACKEND "$(web)" "$(be $addr 8080)"
done
refused "EINVAL|ERANGE" $CMD_NEW_BACKEND "$(web)" "$(be 10.244.1.2 0)"
refused "EINVAL|ERANGE" $CMD_NEW_BACKEND "$(web)" "$(be 10.244.1.2 8080 $BE_WEIGHT:u16:0)"
refused EINVAL $CMD_NEW_BACKEND "$(web)" "$(be 10.244.1.2 8080 $BE_FLAGS:u32:4)"
refused EINVAL $CMD_NEW_BACKEND "$(web)" "$(be 10.244.1.2 8080 $BE_FLAGS:u32:0x80000001)"
refused EINVAL $CMD_NEW_BACKEND "$(web)" --nest $A_BACKEND $BE_PORT:u16:8080
refused EINVAL $CMD_NEW_BACKEND "$(web)" --nest $A_BACKEND $BE_ADDR:be32:0x0af40102
refused EINVAL $CMD_NEW_BACKEND "$(web)" --nest $A_BACKEND
refused EINVAL $CMD_NEW_BACKEND "$(web)"
refused EINVAL $CMD_NEW_BACKEND "$(be 10.244.1.2 8080)"
refused EINVAL $CMD_NEW_BACKEND "$(web)" "$(be 10.244.1.2 8080 9:u32:1)"
refused "EINVAL|ERANGE" $CMD_NEW_BACKEND "$(web)" "$(be 10.244.1.2 8080 $BE_WEIGHT:u32:1)"
# a key no service can have: refused as bad or as absent (the spec says
# neither), never added
refused "EINVAL|ENOENT" $CMD_NEW_BACKEND "$(svc_nest 10.96.0.10 80 1)" "$(be 10.244.1.2 8080)"
refused "EINVAL|ERANGE" $CMD_REPLACE_BACKEND "$(web)" "$(be 10.244.1.2 8080 $BE_WEIGHT:u16:0)"
backends
expect_eq "backends after the refusals" "$BES" ""
service "$(web)"
json_has "service after the refusals" "$SVC" backends=0 usable=0

echo "## backends: defaults, weight and flags, EEXIST, dumps"
expect_genl $ns 0 "^ok" $CMD_NEW_BACKEND "$(web)" "$(be 10.244.1.2 8080)"
expect_genl $ns 0 "^ok" $CMD_NEW_BACKEND "$(web)" "$(be 10.244.1.3 8080 $BE_WEIGHT:u16:3 $BE_FLAGS:u32:1)"
expect_genl $ns 0 "^ok" $CMD_NEW_BACKEND "$(web)" "$(be 10.244.1.3 8081 $BE_WEIGHT:u16:65535)"
expect_genl $ns 1 "^error EEXIST: ." $CMD_NEW_BACKEND "$(web)" "$(be 10.244.1.2 8080)"
expect_genl $ns 1 "^error EEXIST: ." $CMD_NEW_BACKEND "$(web)" "$(be 10.244.1.3 8080 $BE_WEIGHT:u16:7)"
# the same address and port behind another service is another backend
expect_genl $ns 0 "^ok" $CMD_NEW_BACKEND "$(svc_nest 10.96.0.11 80 $TCP)" "$(be 10.244.1.2 8080)"
backends "$(web)"
expect_eq "backends of 10.96.0.10:80/tcp" "$(count '"backend"' "$BES")" 3
line=$(backend_line 10.244.1.2 8080)
json_has "its service" "$(json_nest service "$line")" addr=10.96.0.10 port=80 proto=$TCP
json_has "a default backend" "$(json_nest backend "$line")" weight=1 flags=0 connections=0
line=$(backend_line 10.244.1.3 8080)
json_has "a terminating backend" "$(json_nest backend "$line")" weight=3 flags=1 connections=0
line=$(backend_line 10.244.1.3 8081)
json_has "the heaviest backend" "$(json_nest backend "$line")" weight=65535 flags=0
service "$(web)"
json_has "service with a terminating backend" "$SVC" backends=3 usable=2
backends
expect_eq "every backend" "$(count '"backend"' "$BES")" 4
expect_eq "every backend: 10.96.0.11's" "$(count '"addr": "10.96.0.11"' "$BES")" 1
expect_genl $ns 1 "^error ENOENT: ." --dump $CMD_GET_BACKEND "$(svc_nest 10.96.0.99 80 $TCP)"

echo "## replace: a backend takes the new weight and flags, or is added"
expect_genl $ns 0 "^ok" $CMD_REPLACE_BACKEND "$(web)" "$(be 10.244.1.3 8080 $BE_WEIGHT:u16:5)"
backends "$(web)"
json_has "replaced backend" "$(json_nest backend "$(backend_line 10.244.1.3 8080)")" weight=5 flags=0
expect_genl $ns 0 "^ok" $CMD_REPLACE_BACKEND "$(web)" "$(be 10.244.1.2 8080 $BE_FLAGS:u32:1)"
backends "$(web)"
json_has "replaced, terminating" "$(json_nest backend "$(backend_line 10.244.1.2 8080)")" weight=1 flags=1
expect_genl $ns 0 "^ok" $CMD_REPLACE_BACKEND "$(web)" "$(be 10.244.1.4 8080)"
backends "$(web)"
expect_eq "backends after replacing a new one" "$(count '"backend"' "$BES")" 4
service "$(web)"
json_has "service after the replacements" "$SVC" backends=4 usable=3
expect_genl $ns 1 "^error ENOENT: ." $CMD_REPLACE_BACKEND "$(svc_nest 10.96.0.99 80 $TCP)" "$(be 10.244.1.2 8080)"

echo "## replace: a service takes the new affinity and keeps its backends"
expect_genl $ns 0 "^ok" $CMD_REPLACE_SERVICE "$(web $SVC_AFFINITY:u8:1 $SVC_TIMEOUT:u32:30)"
service "$(web)"
json_has "replaced service" "$SVC" affinity=1 affinity_timeout=30 backends=4 usable=3
expect_genl $ns 0 "^ok" $CMD_REPLACE_SERVICE "$(web)"
service "$(web)"
json_has "replaced again, no affinity" "$SVC" affinity=0 affinity_timeout=10800 backends=4
refused "EINVAL|ERANGE" $CMD_REPLACE_SERVICE "$(web $SVC_AFFINITY:u8:1 $SVC_TIMEOUT:u32:86401)"
service "$(web)"
json_has "after a refused replace" "$SVC" affinity=0 affinity_timeout=10800 backends=4
expect_genl $ns 1 "^error ENOENT: ." --dump $CMD_GET_SERVICE "$(svc_nest 10.96.0.14 80 $TCP)"
expect_genl $ns 0 "^ok" $CMD_REPLACE_SERVICE "$(svc_nest 10.96.0.14 80 $TCP $SVC_AFFINITY:u8:1)"
service "$(svc_nest 10.96.0.14 80 $TCP)"
json_has "a service added by replace" "$SVC" affinity=1 affinity_timeout=10800 backends=0

echo "## delete: ENOENT for what is not there; a service takes its backends"
expect_genl $ns 1 "^error ENOENT: ." $CMD_DEL_BACKEND "$(web)" "$(be 10.244.1.9 8080)"
expect_genl $ns 1 "^error ENOENT: ." $CMD_DEL_BACKEND "$(web)" "$(be 10.244.1.2 8082)"
expect_genl $ns 1 "^error ENOENT: ." $CMD_DEL_BACKEND "$(svc_nest 10.96.0.99 80 $TCP)" "$(be 10.244.1.2 8080)"
refused EINVAL $CMD_DEL_BACKEND "$(web)" --nest $A_BACKEND $BE_ADDR:be32:0x0af40102
refused EINVAL $CMD_DEL_BACKEND "$(web)"
expect_genl $ns 0 "^ok" $CMD_DEL_BACKEND "$(web)" "$(be 10.244.1.4 8080)"
expect_genl $ns 1 "^error ENOENT: ." $CMD_DEL_BACKEND "$(web)" "$(be 10.244.1.4 8080)"
backends "$(web)"
expect_eq "backends after a delete" "$(count '"backend"' "$BES")" 3
expect_genl $ns 1 "^error ENOENT: ." $CMD_DEL_SERVICE "$(svc_nest 10.96.0.99 80 $TCP)"
refused EINVAL $CMD_DEL_SERVICE --nest $A_SERVICE $SVC_ADDR:be32:0x0a60000a $SVC_PORT:u16:80
refused EINVAL $CMD_DEL_SERVICE
expect_genl $ns 0 "^ok" $CMD_DEL_SERVICE "$(web)"
expect_genl $ns 1 "^error ENOENT: ." --dump $CMD_GET_SERVICE "$(web)"
expect_genl $ns 1 "^error ENOENT: ." --dump $CMD_GET_BACKEND "$(web)"
backends
expect_eq "every backend after the delete: 10.96.0.11's alone" "$(count '"backend"' "$BES")" 1
expect_genl $ns 1 "^error ENOENT: ." $CMD_DEL_SERVICE "$(web)"
# the key names it all: the same VIP and port over UDP is still there
service "$(svc_nest 10.96.0.10 80 $UDP)"

echo "## dumps across several reads: 300 services, 300 backends of one"
services
before=$(count '"service"' "$SVCS")
key=$(svc_nest 10.96.0.11 80 $TCP)
for ((i = 1; i <= 300; i++)); do
	printf -v hex '0x0a62%04x' $i
	out=$(genl_at $ns $CMD_NEW_SERVICE --nest $A_SERVICE $SVC_ADDR:be32:"$hex" $SVC_PORT:u16:53 $SVC_PROTO:u8:$UDP) ||
		fail "service $i: $out"
	printf -v hex '0x0af5%04x' $i
	out=$(genl_at $ns $CMD_NEW_BACKEND "$key" --nest $A_BACKEND $BE_ADDR:be32:"$hex" $BE_PORT:u16:80) ||
		fail "backend $i: $out"
done
echo "ok: 300 services of 10.98.0.0/16 and 300 backends of 10.96.0.11:80/tcp added" >&2
services
expect_eq "services dumped" "$(count '"service"' "$SVCS")" $((before + 300))
expect_eq "services dumped once each" "$(sort -u <<< "$SVCS" | wc -l)" $((before + 300))
backends "$(svc_nest 10.96.0.11 80 $TCP)"
expect_eq "backends of 10.96.0.11:80/tcp dumped" "$(count '"backend"' "$BES")" 301
expect_eq "backends dumped once each" "$(sort -u <<< "$BES" | wc -l)" 301
service "$(svc_nest 10.96.0.11 80 $TCP)"
json_has "its count" "$SVC" backends=301 usable=301
backends
expect_eq "every backend" "$(count '"backend"' "$BES")" 301
expect_genl $ns 0 "^ok" $CMD_DEL_SERVICE "$(svc_nest 10.96.0.11 80 $TCP)"
backends
expect_eq "every backend, its service deleted" "$BES" ""

echo "## the connection table: dumps, flushes and statistics"
expect_eq "connections" "$(genl_at $ns --dump --json $CMD_GET_CONNTRACK)" "ok"
expect_eq "connections of a service" \
	"$(genl_at $ns --dump --json $CMD_GET_CONNTRACK "$(svc_nest 10.96.0.10 80 $UDP)")" "ok"
expect_genl $ns 0 "^ok" $CMD_FLUSH_CONNTRACK
expect_genl $ns 0 "^ok" $CMD_FLUSH_CONNTRACK "$(svc_nest 10.96.0.10 80 $UDP)"
expect_genl $ns 0 "^ok" $CMD_SET_SETTINGS --nest $A_SETTINGS $SETTING_CONNTRACK_MAX:u32:1000
ct_stats
json_has "conntrack stats follow the setting" "$CTS" max_entries=1000 entries=0
# the table may wait for the first service; there are services now
buckets=$(json_num buckets "$CTS")
[ "$buckets" -gt 0 ] || fail "conntrack stats: no buckets with services: $CTS"
ct_stats $ns2
json_has "not another namespace's" "$CTS" max_entries=262144

echo "## writers need CAP_NET_ADMIN; readers do not"
# One genl.py for every request, as nobody: python3 costs seconds to start.
# Each answer is "RC TEXT".
requests=(
	"$CMD_NEW_SERVICE $(svc_nest 10.96.0.20 80 $TCP)"
	"$CMD_REPLACE_SERVICE $(svc_nest 10.96.0.10 80 $UDP $SVC_AFFINITY:u8:1)"
	"$CMD_DEL_SERVICE $(svc_nest 10.96.0.10 80 $UDP)"
	"$CMD_NEW_BACKEND $(svc_nest 10.96.0.10 80 $UDP) $(be 10.244.1.2 53)"
	"$CMD_NEW_SERVICE $(svc_nest 10.96.0.10 80 $UDP)"
	"$CMD_FLUSH_CONNTRACK"
	"$CMD_FLUSH_CONNTRACK $(svc_nest 10.96.0.10 80 $UDP)"
	"$CMD_SET_SETTINGS --nest $A_SETTINGS $SETTING_CONNTRACK_MAX:u32:2000"
)
expect_genl $ns 0 "^ok" $CMD_NEW_BACKEND "$(svc_nest 10.96.0.10 80 $UDP)" "$(be 10.244.1.3 53)"
requests+=(
	"$CMD_REPLACE_BACKEND $(svc_nest 10.96.0.10 80 $UDP) $(be 10.244.1.3 53 $BE_WEIGHT:u16:9)"
	"$CMD_DEL_BACKEND $(svc_nest 10.96.0.10 80 $UDP) $(be 10.244.1.3 53)"
)
writes=${#requests[@]}
requests+=(
	"--dump --json $CMD_GET_SERVICE"
	"--dump --json $CMD_GET_SERVICE $(svc_nest 10.96.0.10 80 $UDP)"
	"--dump --json $CMD_GET_BACKEND"
	"--dump --json $CMD_GET_BACKEND $(svc_nest 10.96.0.10 80 $UDP)"
	"--dump --json $CMD_GET_CONNTRACK"
	"--json $CMD_GET_CONNTRACK_STATS"
)
echo "+ ip netns exec $ns setpriv --reuid=65534 ... genl.py --serve: ${#requests[@]} requests" >&2
answers=()
text=
while IFS= read -r line; do
	if [[ $line == $'\x01end '* ]]; then
		answers+=("${line#$'\x01end '} $text")
		text=
	else
		text+="$line "
	fi
done < <(printf '%s\n' "${requests[@]}" |
	ip netns exec $ns setpriv --reuid=65534 --regid=65534 --clear-groups python3 -S "$GENL" --serve)
expect_eq "answers" "${#answers[@]}" "${#requests[@]}"
for ((i = 0; i < ${#requests[@]}; i++)); do
	echo "    nobody: ${requests[$i]} -> ${answers[$i]}" >&2
	if [ "$i" -lt "$writes" ]; then
		expect_match "unprivileged write" "${answers[$i]}" "^1 error EPERM"
	else
		expect_match "unprivileged read" "${answers[$i]}" "^0 .*ok $"
	fi
done
expect_match "nobody's service dump" "${answers[$writes]}" '"addr": "10\.96\.0\.10", "port": 80, "proto": 17'
expect_match "nobody's backend dump" "${answers[$((writes + 3))]}" '"addr": "10\.244\.1\.3", "port": 53'
expect_match "nobody's conntrack stats" "${answers[$((writes + 5))]}" '"max_entries": 1000'
service "$(svc_nest 10.96.0.10 80 $UDP)"
json_has "after the refused writes" "$SVC" affinity=0 backends=1
backends "$(svc_nest 10.96.0.10 80 $UDP)"
json_has "after the refused writes" "$(json_nest backend "$BES")" addr=10.244.1.3 weight=1
expect_genl $ns 1 "^error ENOENT: ." --dump $CMD_GET_SERVICE "$(svc_nest 10.96.0.20 80 $TCP)"

echo "## a namespace's own table; the namespace takes its services along"
services $ns2
expect_eq "$ns2's services" "$SVCS" ""
expect_genl $ns2 0 "^ok" $CMD_NEW_SERVICE "$(svc_nest 10.96.0.10 80 $UDP)"
expect_genl $ns2 0 "^ok" $CMD_NEW_BACKEND "$(svc_nest 10.96.0.10 80 $UDP)" "$(be 10.244.1.9 53)"
services $ns2
expect_eq "$ns2's services" "$(count '"service"' "$SVCS")" 1
backends "$(svc_nest 10.96.0.10 80 $UDP)"
expect_eq "$ns's backends of the same key, untouched" "$(count '"backend"' "$BES")" 1
json_has "$ns's backend" "$(json_nest backend "$BES")" addr=10.244.1.3
pp ip netns del $ns
pp ip netns del $ns2
echo "PASS: services configuration"
