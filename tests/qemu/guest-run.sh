#!/bin/bash
# Runs, inside a run-vm.sh guest, the tests that tests/check.sh planned.
#
#   guest-run.sh PLAN
#
# PLAN has one test per line, KIND<TAB>NAME<TAB>ARG[<TAB>SECS], run in order:
#   load    kn/load      PATH/kn.ko   install the module where modprobe finds
#                                     it (so `ip link add type kn` and kn-ctl
#                                     can autoload it) and modprobe it
#   kunit   kunit/MOD    PATH/MOD.ko  insmod a KUnit module, one result per
#                                     case (kunit/SUITE/CASE), then rmmod it
#   script  netns/NAME   PATH         run a test script; exit 0 passes, 4 skips
#   unload  kn/unload    MODULE       rmmod, retrying while netns teardown
#                                     still holds references
#
# Each test is bracketed by lib.sh's markers in the kernel log, and by
# "# begin NAME" / "# end NAME rc=N" in $KN_RESULTS (/out/results) around
# its result lines.  Its output goes to /out/NAME.log, slashes made dashes
# (/out/netns-NAME.log); KUnit suites' KTAP to /out/kunit-SUITE.ktap.
#
# Scripts run from the repository's top directory with KN_REPO, KN_OUT, KN_LIB
# (this lib.sh), KN_KO (the loaded kn.ko) and KN_TEST_NAME set.  A test is
# killed after SECS seconds, or $KN_TEST_TIMEOUT (default 900).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

[ $# -eq 1 ] && [ -r "$1" ] || { echo "usage: guest-run.sh PLAN" >&2; exit 2; }
plan=$1
out=${KN_OUT:-/out}
secs=${KN_TEST_TIMEOUT:-900}
release=$(uname -r)
export KN_REPO=${KN_REPO:-$(cd "$here/../.." && pwd)} KN_OUT=$out KN_LIB=$here/lib.sh
failed=0
: > "$KN_RESULTS"

logname() { echo "$out/${1//\//-}.log"; }
group_begin() { item_failed=0; echo "# begin $1" >> "$KN_RESULTS"; kn_test_begin "$1"; }
group_end() { kn_test_end "$1" "$2"; echo "# end $1 rc=$2" >> "$KN_RESULTS"; }
fail() { kn_result FAIL "$@"; failed=1 item_failed=1; }

run_load() {
	local name=$1 ko=$2 log mod vermagic rc=0
	log=$(logname "$name")
	mod=$(basename "$ko" .ko)
	group_begin "$name"
	vermagic=$(modinfo -F vermagic "$ko" 2> /dev/null | cut -d' ' -f1)
	if [ ! -f "$ko" ]; then
		rc=1
		fail "$name" "$ko does not exist"
	elif [ "$vermagic" != "$release" ]; then
		rc=1
		fail "$name" "$ko is built for ${vermagic:-an unknown kernel}, this is $release"
	else
		mkdir -p "/lib/modules/$release/extra"
		cp "$ko" "/lib/modules/$release/extra/"
		depmod -a
		if timeout -k 10 "$secs" modprobe "$mod" > "$log" 2>&1; then
			kn_result PASS "$name"
			export KN_KO=$ko
		else
			rc=1
			fail "$name" "modprobe $mod failed: $(tail -n1 "$log")"
		fi
	fi
	group_end "$name" "$rc"
}

# The results of one suite from its debugfs KTAP: the case lines are the ones
# indented by exactly four spaces ("    ok 2 name # SKIP why").
kunit_suite_results() {
	local suite=$1 ktap=$2 line desc why plan n=0
	while IFS= read -r line; do
		[[ "$line" =~ ^\ {4}(not\ )?ok\ [0-9]+\ (.*)$ ]] || continue
		n=$((n + 1))
		desc=${BASH_REMATCH[2]}
		if [[ "$desc" == *" # SKIP"* ]]; then
			why=${desc#* # SKIP}
			kn_result SKIP "kunit/$suite/${desc%% # SKIP*}" "${why# }"
		elif [ -n "${BASH_REMATCH[1]}" ]; then
			fail "kunit/$suite/$desc" "see $(basename "$ktap")"
		else
			kn_result PASS "kunit/$suite/$desc"
		fi
	done < "$ktap"
	if [ $n = 0 ]; then
		why=$(grep -m1 '# failed' "$ktap" || tail -n1 "$ktap")
		fail "kunit/$suite" "no test case ran: $(echo $why)"
	fi
	# A case's log in debugfs is small (512 bytes in 6.1): a case with a
	# few failure messages can lose its own "not ok" line.  The suite's
	# plan and its verdict (the last line, unindented) still tell.
	plan=$(grep -m1 -E '^ {4}1\.\.[0-9]+$' "$ktap" | tr -d ' ')
	if [ -n "$plan" ] && [ "${plan#1..}" != $n ]; then
		fail "kunit/$suite" "planned ${plan#1..} cases, found $n results"
	fi
	if grep -qE '^not ok [0-9]+ ' "$ktap"; then
		fail "kunit/$suite" "the suite's verdict is 'not ok': see $(basename "$ktap")"
	fi
}

run_kunit() {
	local name=$1 ko=$2 log mod suite before=() after=() new=0
	local d=/sys/kernel/debug/kunit
	log=$(logname "$name")
	mod=$(basename "$ko" .ko)
	group_begin "$name"
	[ -d $d ] && mapfile -t before < <(ls $d)
	timeout -k 10 "$secs" insmod "$ko" > "$log" 2>&1 ||
		fail "$name" "insmod failed: $(tail -n1 "$log")"
	[ -d $d ] && mapfile -t after < <(ls $d)
	for suite in "${after[@]}"; do
		[[ " ${before[*]} " == *" $suite "* ]] && continue
		new=$((new + 1))
		cp "$d/$suite/results" "$out/kunit-$suite.ktap"
		kunit_suite_results "$suite" "$out/kunit-$suite.ktap"
	done
	[ $item_failed = 1 ] || [ $new != 0 ] || fail "$name" "no KUnit suite appeared in $d"
	if [ -d "/sys/module/${mod//-/_}" ] && ! rmmod "$mod" >> "$log" 2>&1; then
		fail "$name" "rmmod $mod failed"
	fi
	group_end "$name" "$item_failed"
}

run_script() {
	local name=$1 path=$2 secs=$3 rc=0
	echo "# begin $name" >> "$KN_RESULTS"
	KN_TEST_NAME=$name kn_run_test "$name" "$(logname "$name")" "$secs" bash "$path" || rc=$?
	[ $rc = 0 ] || [ $rc = 4 ] || failed=1
	echo "# end $name rc=$rc" >> "$KN_RESULTS"
}

run_unload() {
	local name=$1 mod=$2 log rc=1
	log=$(logname "$name")
	group_begin "$name"
	if [ ! -d "/sys/module/$mod" ]; then
		rc=0
	else
		for _ in $(seq 50); do
			rmmod "$mod" > "$log" 2>&1 && { rc=0; break; }
			sleep 0.2
		done
	fi
	if [ $rc = 0 ]; then
		kn_result PASS "$name"
	else
		fail "$name" "rmmod $mod failed: $(tail -n1 "$log"), refcount $(cat "/sys/module/$mod/refcnt" 2> /dev/null)"
	fi
	group_end "$name" "$rc"
}

while IFS=$'\t' read -r kind name arg t; do
	case "$kind" in
	load) run_load "$name" "$arg" ;;
	kunit) run_kunit "$name" "$arg" ;;
	script) run_script "$name" "$arg" "${t:-$secs}" ;;
	unload) run_unload "$name" "$arg" ;;
	'' | '#'*) ;;
	*) echo "guest-run: unknown test kind '$kind' in $plan" >&2; exit 2 ;;
	esac < /dev/null
done < "$plan"
exit $failed
