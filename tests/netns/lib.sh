# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the netns tests.  Each test runs as root inside the QEMU
# guest, creates its own namespaces and removes them on exit.
#
#   KN_ROOT  repository (default: two levels up from this file)
#   KN_KO    the module to load (default: $KN_ROOT/build/test/kn.ko)
#   KN_CTL   kn-ctl (default: $KN_ROOT/tools/kn-ctl)
set -euo pipefail

KN_ROOT=${KN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KN_KO=${KN_KO:-$KN_ROOT/build/test/kn.ko}
KN_CTL=${KN_CTL:-$KN_ROOT/tools/kn-ctl}
GENL=$KN_ROOT/tests/netns/genl.py
export PATH=$KN_ROOT/tools:$PATH

# Every namespace a test makes, so cleanup removes exactly those.
KN_TEST_NETNS=()

pp() { echo "+ $*" >&2; "$@"; }
n() { local ns=$1; shift; pp ip netns exec "$ns" "$@"; }
kn_ctl() { pp "$KN_CTL" "$@"; }

netns_add() {
	pp ip netns add "$1"
	KN_TEST_NETNS+=("$1")
	ip -n "$1" link set lo up
}

# netns_del_prefix PREFIX: deletes every namespace named PREFIX*: what an
# earlier, killed run left, and pods made by kn-ctl, not by netns_add
netns_del_prefix() {
	local ns
	for ns in /run/netns/"$1"*; do
		[ ! -e "$ns" ] || ip netns del "$(basename "$ns")"
	done
}

# Scratch directories kn_tmp_init made, removed with the namespaces.
KN_TEST_TMP=()

cleanup() {
	local ns
	set +e
	for ns in "${KN_TEST_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ ${#KN_TEST_TMP[@]} = 0 ] || rm -rf "${KN_TEST_TMP[@]}"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

kn_load() {
	grep -q '^kn ' /proc/modules && return 0
	"$KN_ROOT/tests/qemu/kn-insmod.sh" "$KN_KO"
}

kn_unload() {
	grep -q '^kn ' /proc/modules || return 0
	pp rmmod kn
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	echo "ok: $1 = '$3'" >&2
}

# expect_match WHAT TEXT REGEX
expect_match() {
	grep -Eq -- "$3" <<<"$2" || fail "$1: '$2' does not match /$3/"
	echo "ok: $1 matches /$3/" >&2
}

# indent TEXT: TEXT to stderr, each line indented (no exec: sed costs a
# second in the TCG guest)
indent() { [ -z "$1" ] || printf '    %s\n' "${1//$'\n'/$'\n'    }" >&2; }

# expect_exit CODE CMD...: runs CMD, which must exit with CODE; its stderr
# and stdout are left in $OUT.
expect_exit() {
	local want=$1 rc=0
	shift
	echo "+ $* (expecting exit $want)" >&2
	OUT=$("$@" 2>&1) || rc=$?
	echo "$OUT" | sed 's/^/    /' >&2
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, want $want"
}

# kn_tmp_init: sets $tmp to a scratch directory removed on exit, and opens
# fd 9 on a fifo nothing writes to, so snooze waits without an exec (each
# exec costs about a second in the TCG guest).
kn_tmp_init() {
	tmp=$(mktemp -d)
	KN_TEST_TMP+=("$tmp")
	mkfifo "$tmp/never"
	exec 9<> "$tmp/never"
}
snooze() { read -rt "$1" -u 9 || :; }

# wait_for SECONDS CMD...: polls CMD (best a shell function) until it succeeds
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		snooze 0.2
	done
}

# genl_start: one `genl.py --serve` for the whole test (python3 costs seconds
# to start in the guest); needs kn_tmp_init.  genl_at NS ARGS...: one request
# in genl.py's syntax, made in namespace NS ("-": the test's own); prints the
# answer and returns its exit code.
genl_start() {
	mkfifo "$tmp/genl.req" "$tmp/genl.resp"
	python3 -S "$GENL" --serve < "$tmp/genl.req" > "$tmp/genl.resp" 2>&1 &
	exec 7> "$tmp/genl.req" 8< "$tmp/genl.resp"
}
genl_at() {
	local line
	if [ "$1" = - ]; then
		shift
		printf '%s\n' "$*" >&7
	else
		printf '%s\n' "--netns $*" >&7
	fi
	while IFS= read -r line <&8; do
		[[ $line == $'\x01end '* ]] && return "${line#$'\x01end '}"
		printf '%s\n' "$line"
	done
	fail "genl.py --serve died"
}

# expect_genl NS RC REGEX ARGS...: the request ARGS made in NS must exit RC
# with an answer matching REGEX (say, the errno and the extack message).
expect_genl() {
	local ns=$1 want=$2 re=$3 out rc=0
	shift 3
	echo "+ genl $ns $* (expecting $want /$re/)" >&2
	out=$(genl_at "$ns" "$@") || rc=$?
	echo "    $out" >&2
	[ "$rc" = "$want" ] || fail "genl $*: exited $rc, want $want ($out)"
	grep -Eq -- "$re" <<<"$out" || fail "genl $*: '$out' does not match /$re/"
}

### A cluster: nodes on one underlay LAN (overlay.sh, services.sh)
#
# The caller sets nodes=(- NS1 NS2 ...), node N's namespace at index N, and
# state, a directory under which kn-ctl keeps each node's pod state.  Node
# N is 192.168.0.N/24 on the underlay (its eth0) and owns 10.244.N.0/24.

underlay_ip() { echo "192.168.0.$1"; }

# cluster_underlay UL: the namespaces UL and every node's; in UL a bridge
# br0 (192.168.0.254/24) with a veth ulN to node N's eth0, for every node.
# No IPv6 anywhere: captures see only what a test sends.
cluster_underlay() {
	local ul=$1 ns i last=$((${#nodes[@]} - 1))
	for ns in "$ul" "${nodes[@]:1}"; do
		netns_add "$ns"
	done
	echo "+ ip -n $ul: br0 192.168.0.254/24, ul1..ul$last to the nodes' eth0" >&2
	{
		echo "link add br0 type bridge"
		echo "link set br0 addrgenmode none"
		echo "addr add 192.168.0.254/24 dev br0"
		echo "link set br0 up"
		for ((i = 1; i <= last; i++)); do
			echo "link add ul$i type veth peer name eth0 netns ${nodes[$i]}"
			echo "link set ul$i addrgenmode none"
			echo "link set ul$i master br0 up"
		done
	} | ip -n "$ul" -batch -
}

# eth0_links N: `ip -batch` lines giving node N its underlay address
eth0_links() {
	echo "link set eth0 addrgenmode none"
	echo "addr add $(underlay_ip "$1")/24 dev eth0"
	echo "link set eth0 up"
}

# kn_node_links N: node N's eth0 and its kn0, 10.244.N.1/24, up
kn_node_links() {
	echo "+ ip -n ${nodes[$1]}: eth0 $(underlay_ip "$1")/24, kn0 10.244.$1.1/24" >&2
	{
		eth0_links "$1"
		echo "link add kn0 type kn"
		echo "link set kn0 addrgenmode none"
		echo "addr add 10.244.$1.1/24 dev kn0"
		echo "link set kn0 up"
	} | ip -n "${nodes[$1]}" -batch -
}

# kn_node_script N PEER...: the lines, for `on N`, that make kn node N
# forward (IPv6 off), give kn0 its overlay (local: N's underlay address) and
# add every PEER as a node: a node number M, 10.244.M.0/24 via M's underlay
# address, followed by " mac MAC" for a VTEP that wants its own MAC.
kn_node_script() {
	local i=$1 peer m
	shift
	echo "sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.disable_ipv6=1"
	echo "kn-ctl overlay set dev kn0 local $(underlay_ip "$i")"
	for peer in "$@"; do
		m=${peer%% *}
		echo "kn-ctl node add 10.244.$m.0/24 via $(underlay_ip "$m") dev kn0${peer#"$m"}"
	done
}

# on N SCRIPT: SCRIPT run by bash in node N's namespace, through nsenter (as
# kn-ctl's pod add wants it), with kn-ctl's state for that node in $STATE
# and "kn-ctl" being $KN_CTL
on() {
	local n=$1
	shift
	echo "+ on ${nodes[$n]}:" >&2
	sed 's/^/    /' <<< "$1" >&2
	# shellcheck disable=SC2016 # for that bash to expand
	KN_CTL=$KN_CTL STATE=$state/n$n nsenter --net="/run/netns/${nodes[$n]}" \
		bash -euo pipefail -c 'kn-ctl() { "$KN_CTL" "$@"; }'$'\n'"$1" ||
		fail "a command of that script failed in ${nodes[$n]}"
}
# k N ARGS...: kn-ctl in node N
k() {
	local n=$1
	shift
	pp nsenter --net="/run/netns/${nodes[$n]}" "$KN_CTL" --state-dir "$state/n$n" "$@"
}

### Services

# be32 A.B.C.D: the address as genl.py's be32 value (0x0a60000b)
be32() {
	local IFS=.
	# shellcheck disable=SC2086 # split on the dots
	printf '0x%02x%02x%02x%02x\n' $1
}

# svc_nest ADDR PORT PROTO [ATTR:TYPE:VALUE...]: genl.py's arguments for a
# KN_A_SERVICE nest, PROTO a number (6 TCP, 17 UDP), ATTRs added inside
svc_nest() {
	local addr=$1 port=$2 proto=$3
	shift 3
	echo "--nest 11 1:be32:$(be32 "$addr") 2:u16:$port 3:u8:$proto${*:+ $*}"
}

# svc_key VIP:PORT/PROTO: the same for a service named as kn-ctl names it
svc_key() {
	local rest=${1#*:} proto=17
	[ "${rest#*/}" != tcp ] || proto=6
	svc_nest "${1%%:*}" "${rest%/*}" "$proto"
}

# json_match JSON KEY=VALUE...: whether JSON (genl.py --json's) has each
# "KEY": VALUE, at any depth; VALUE is quoted unless it is a number
json_match() {
	local json=$1 kv key val
	shift
	for kv in "$@"; do
		key=${kv%%=*} val=${kv#*=}
		[[ $val =~ ^[0-9]+$ ]] || val="\"$val\""
		[[ $json == *"\"$key\": $val,"* || $json == *"\"$key\": $val}"* ]] || return 1
	done
}

# json_has WHAT JSON KEY=VALUE...: the same, or fails
json_has() {
	local what=$1 json=$2 kv
	shift 2
	for kv in "$@"; do
		json_match "$json" "$kv" || fail "$what: no $kv in $json"
	done
	echo "ok: $what: $*" >&2
}

# json_nest NAME JSON: the nest "NAME": {...} of JSON, braces included (a
# nest with none inside)
json_nest() {
	local re="\"$1\": \\{([^{}]*)\\}"
	[[ $2 =~ $re ]] && echo "{${BASH_REMATCH[1]}}"
}

# json_num KEY JSON: the number "KEY": N of JSON (the first), or fails
json_num() {
	local re="\"$1\": ([0-9]+)"
	[[ $2 =~ $re ]] || fail "no \"$1\" in $2"
	echo "${BASH_REMATCH[1]}"
}

### Agents: a python3 program per namespace (a test's own), driven over two
### fifos: one command a line in, its answer out, ended by "\x01end RC"

agents=()
declare -gA agent_in agent_out

# agent_start AGENT NS ADDR DEV: AGENT (a python3 script) in namespace NS,
# whose address is ADDR and whose packets pass DEV
agent_start() {
	local agent=$1 in out
	shift
	mkfifo "$tmp/$1.in" "$tmp/$1.out"
	echo "+ ip netns exec $1 python3 ${agent##*/} $1 $2 $3 &" >&2
	ip netns exec "$1" python3 -S "$agent" "$1" "$2" "$3" \
		< "$tmp/$1.in" > "$tmp/$1.out" 2> "$tmp/$1.err" &
	agents+=($!)
	exec {in}> "$tmp/$1.in" {out}< "$tmp/$1.out"
	agent_in[$1]=$in agent_out[$1]=$out
}
# agents_stop: every agent's fifos closed, the agents gone (for cleanups)
agents_stop() {
	local ns fd
	for ns in "${!agent_in[@]}"; do
		fd=${agent_in[$ns]}
		exec {fd}>&-
		fd=${agent_out[$ns]}
		exec {fd}<&-
	done
	kill "${agents[@]}" 2> /dev/null
	wait "${agents[@]}" 2> /dev/null
}
# answer NS: the answer of NS's agent into $ANS; returns its status
answer() {
	local line
	ANS=
	while IFS= read -r line <&"${agent_out[$1]}"; do
		[[ $line != $'\x01end '* ]] || return "${line#$'\x01end '}"
		ANS+=$line$'\n'
	done
	fail "the agent in $1 died: $(< "$tmp/$1.err")"
}
# ask NS COMMAND...: the agent in NS does COMMAND; its answer, in $ANS,
# must not be an error
ask() {
	local ns=$1 rc=0
	shift
	echo "+ $ns: $*" >&2
	printf '%s\n' "$*" >&"${agent_in[$ns]}"
	answer "$ns" || rc=$?
	indent "${ANS%$'\n'}"
	[ $rc = 0 ] || fail "$ns: $*: ${ANS%$'\n'}"
}
# field KEY: what follows KEY on its line of $ANS
field() {
	local nl=$'\n' re
	re="(^|$nl)$1( ([^$nl]*))?($nl|$)"
	[[ $ANS =~ $re ]] || fail "no '$1' in the answer: $ANS"
	echo "${BASH_REMATCH[3]}"
}
# expect_field WHAT KEY WANT: that KEY of $ANS is WANT
expect_field() { expect_eq "$1: $2" "$(field "$2")" "$3"; }
