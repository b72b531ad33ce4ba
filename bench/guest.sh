#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench` inside the VM (Debian's stock kernel): loads kn, then runs
# each scenario named on the command line (bench/scenarios/NAME.sh), each in
# its own subshell, leaving results in $KN_BENCH_OUT for bench/run.sh and,
# when it completed, the file SCENARIO.ok.
#
#   guest.sh SCENARIO...
#
# See bench/lib.sh for the KN_BENCH_* variables.  Exits non-zero if any
# scenario failed; the others still run.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR
source "$here/lib.sh"

[ $# -gt 0 ] || die "usage: guest.sh SCENARIO..."
# The tools it needs, before anything else.
for t in iperf3 sockperf nsenter "$KN_CTL"; do
	command -v "$t" > /dev/null || die "$t is missing (make deps; make tools)"
done

case "$KN_BENCH_KIND" in
kn)
	"$KN_ROOT/tests/qemu/kn-insmod.sh" "${KN_KO:?KN_KO names the kn.ko to load}"
	ip link add kn-probe type kn 2> /dev/null ||
		die "this kn module has no link type \"kn\" (KN_BENCH_KIND=bridge benchmarks a stand-in)"
	ip link del kn-probe
	kn_version=$(cat /sys/module/kn/version 2> /dev/null || echo unknown)
	;;
bridge)
	log "KN_BENCH_KIND=bridge: a Linux bridge stands in for kn0"
	kn_version="none (stand-in)"
	;;
*)
	die "KN_BENCH_KIND must be kn or bridge, not '$KN_BENCH_KIND'"
	;;
esac

rc=0
for scenario in "$@"; do
	[ -f "$here/scenarios/$scenario.sh" ] || die "no scenario $scenario"
	(
		# shellcheck source=/dev/null
		source "$here/scenarios/$scenario.sh"
		# shellcheck disable=SC2034 # lib.sh's, for bench_meta
		BENCH_SCENARIO=$scenario
		mkdir -p "$KN_BENCH_OUT"
		rm -f "$KN_BENCH_OUT/$scenario".*
		bench_meta kernel "$(uname -r)"
		bench_meta kn "$kn_version"
		bench_meta vcpus "$(nproc)"
		bench_run_scenario "$scenario"
	) || { log "scenario $scenario FAILED"; rc=1; continue; }
	touch "$KN_BENCH_OUT/$scenario.ok"
done
[ "$KN_BENCH_KIND" != kn ] || pp rmmod kn || log "rmmod kn failed"
exit $rc
