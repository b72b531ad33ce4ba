#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: kn against the kernel's own datapath, side by side in one
# QEMU VM on Debian's stock kernel, reported as ratios (TCG makes absolute
# numbers meaningless; ratios hold).  Benchmarks are not tests: nothing here
# fails on a ratio, only on a broken run.
#
#   bench/run.sh [SCENARIO...]      default: every bench/scenarios/*.sh
#
# Boots the stock kernel once (tests/qemu/run-vm.sh) with the kn.ko that
# `make module` built for it, runs bench/guest.sh there, and for each
# scenario prints its table and writes it to bench/results/SCENARIO.md
# (SCENARIO-standin.md when a Linux bridge stands in for kn).
#
#   KN_BENCH_REPS  measured repetitions per side (default 7)
#   KN_BENCH_SECS  seconds per measurement (default 5)
#   KN_BENCH_KIND  kn (default) or bridge: a Linux bridge on the kn side,
#                  which proves the harness on a module without kn0
#   KN_BENCH_MEM   the VM's memory in MB (default 2048; 3072 with the
#                  services scenario)
#   KN_BENCH_DIR   keep the VM's output directory (console.log, raw
#                  results) here (default: a temporary one, removed at the
#                  end, but for the console of a failed run)
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "bench: $*" >&2; exit 2; }

reps=${KN_BENCH_REPS:-7}
secs=${KN_BENCH_SECS:-5}
kind=${KN_BENCH_KIND:-kn}
# The services scenario holds up to 50000 services of four data paths, and
# their rule files, at once.
mem=2048
[[ " $* " != *" services "* ]] && [ $# -gt 0 ] || mem=3072
mem=${KN_BENCH_MEM:-$mem}
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "KN_BENCH_REPS: not a count: $reps"
[[ "$secs" =~ ^[1-9][0-9]*$ ]] || die "KN_BENCH_SECS: not a number of seconds: $secs"
case "$kind" in kn | bridge) ;; *) die "KN_BENCH_KIND must be kn or bridge, not '$kind'" ;; esac

if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	scenarios=()
	for f in bench/scenarios/*.sh; do
		scenarios+=("$(basename "$f" .sh)")
	done
fi
for s in "${scenarios[@]}"; do
	[ -f "bench/scenarios/$s.sh" ] || die "no scenario '$s' (bench/scenarios/$s.sh)"
done
ko=$PWD/build/stock/kn.ko
[ "$kind" = bridge ] || [ -f "$ko" ] || die "no $ko: run 'make bench' (or 'make module')"
[ -x tools/kn-ctl ] || die "no tools/kn-ctl: run 'make bench' (or 'make tools')"

# The command as typed, for the table: make's when make ran us, and every
# KN_BENCH_* variable the caller set.
cmd=
for v in $(compgen -e | grep '^KN_BENCH_' | sort); do
	cmd+="$v=${!v} "
done
if [ -n "${MAKELEVEL:-}" ]; then
	cmd+="make bench"
	[ $# -eq 0 ] || cmd+=" (bench/run.sh $*)"
else
	cmd+="bench/run.sh${*:+ $*}"
fi

if [ -n "${KN_BENCH_DIR:-}" ]; then
	out=$KN_BENCH_DIR
	mkdir -p "$out"
else
	out=$(mktemp -d /tmp/kn-bench.XXXXXX)
	trap 'rm -rf "$out"' EXIT
fi

# Per measurement about 2 s of start-up on top of its length; 3 measurements
# per side and repetition, 2+ sides, the warm-up, the boot: a generous bound.
timeout=$((300 + ${#scenarios[@]} * (reps + 1) * 4 * 3 * (secs + 5)))
# The services scenario programs tens of thousands of services four ways
# and has its own test lengths (bench/scenarios/services.sh): 40 minutes.
for s in "${scenarios[@]}"; do
	[ "$s" != services ] || timeout=$((timeout + 2400))
done
start=$SECONDS
load_before=$(cut -d' ' -f1 /proc/loadavg)
echo "bench: ${scenarios[*]}: $reps repetitions of ${secs}s per side, kn side: $kind," \
	"in QEMU/TCG (up to ${timeout}s)" >&2
rc=0
tests/qemu/run-vm.sh --kernel stock --out "$out" --timeout "$timeout" --smp 2 --mem "$mem" \
	--env KN_KO="$ko" --env KN_BENCH_KIND="$kind" --env KN_BENCH_REPS="$reps" \
	--env KN_BENCH_SECS="$secs" --env KN_BENCH_OUT=/out/bench \
	-- bench/guest.sh "${scenarios[@]}" || rc=$?
wall=$((SECONDS - start))
load="$load_before before, $(cut -d' ' -f1 /proc/loadavg) after"

host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1 | tr -s ' ')
tree=$(git describe --always --dirty 2> /dev/null || echo unknown)
mkdir -p bench/results
for s in "${scenarios[@]}"; do
	if [ ! -f "$out/bench/$s.ok" ]; then
		echo "bench: $s did not complete; no table" >&2
		[ "$rc" != 0 ] || rc=1
		continue
	fi
	md=bench/results/$s.md
	[ "$kind" = kn ] || md=bench/results/$s-standin.md
	python3 bench/report.py "$out/bench" "$s" "command=$cmd" "host=$host_cpu ($(nproc) cores)" \
		"tree=$tree" "date=$(date -u +%Y-%m-%d)" "secs=$secs" "wall=$wall" "load=$load" > "$md.tmp"
	mv "$md.tmp" "$md"
	echo
	cat "$md"
	echo
	echo "bench: wrote $md" >&2
done
if [ "$rc" != 0 ]; then
	echo "bench: the VM run failed (exit $rc); console: $out/console.log" >&2
	[ -n "${KN_BENCH_DIR:-}" ] || { cp "$out/console.log" /tmp/kn-bench-console.log 2>/dev/null &&
		echo "bench: console copied to /tmp/kn-bench-console.log" >&2; }
fi
exit "$rc"
