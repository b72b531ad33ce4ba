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

cleanup() {
	local ns
	set +e
	for ns in "${KN_TEST_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

kn_load() {
	grep -q '^kn ' /proc/modules && return 0
	pp insmod "$KN_KO"
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
