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
