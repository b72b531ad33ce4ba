# shellcheck shell=bash
# Guest-side helpers for kn's VM tests; source it (tests/netns/*.sh may too).
#
# A test brackets itself with markers in the kernel log,
#     kn-test: begin NAME
#     kn-test: end NAME rc=N
# so that scan-log.sh can pin a kernel splat on the test that was running, and
# records its outcome as one line in $KN_RESULTS (default /out/results):
#     PASS NAME | FAIL NAME (reason) | SKIP NAME (reason)
# Test names have no spaces: netns/basic, kunit/kn_hash/insert, kn/load.

KN_RESULTS=${KN_RESULTS:-/out/results}

# kn_kmsg TEXT...: one line into the kernel log (and so onto the console).
kn_kmsg() {
	{ printf 'kn-test: %s\n' "$*" > /dev/kmsg; } 2> /dev/null ||
		printf 'kn-test: %s\n' "$*" >&2
}

kn_test_begin() { kn_kmsg "begin $1"; }
kn_test_end() { kn_kmsg "end $1 rc=$2"; }

# kn_result PASS|FAIL|SKIP NAME [REASON...]
kn_result() {
	local status=$1 name=$2 line
	shift 2
	line="$status $name"
	[ $# -eq 0 ] || line+=" ($*)"
	printf '%s\n' "$line" >> "$KN_RESULTS"
	printf '%s\n' "$line"
}

# kn_run_test NAME LOG SECS COMMAND...: runs COMMAND between markers, output
# to LOG, killed after SECS; records PASS on exit 0, SKIP on exit 4 (kselftest's
# "skip" code) with the last line of LOG as the reason, FAIL otherwise.
kn_run_test() {
	local name=$1 log=$2 secs=$3 rc=0
	shift 3
	kn_test_begin "$name"
	timeout -k 10 "$secs" "$@" > "$log" 2>&1 < /dev/null || rc=$?
	kn_test_end "$name" "$rc"
	case "$rc" in
	0) kn_result PASS "$name" ;;
	4) kn_result SKIP "$name" "$(tail -n1 "$log")" ;;
	124 | 137) kn_result FAIL "$name" "timed out after ${secs}s" ;;
	*) kn_result FAIL "$name" "exit $rc" ;;
	esac
	return "$rc"
}
