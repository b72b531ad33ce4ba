#!/bin/bash
# kn's test orchestrator; `make check` runs it.
#
#   tests/check.sh [unit] [lint] [kernel] [stock]    (default: all, in order)
#
#   unit    host unit tests: make -C tools test
#   lint    make lint, when the top Makefile has that target
#   kernel  `make module-test tools` (which builds the debug test kernel with
#           qemu/build-kernel.sh if it is not cached), then one boot of that
#           kernel: load kn.ko, every KUnit module (one result per case),
#           every tests/netns/*.sh but lib.sh, unload kn, kmemleak
#   stock   `make module` (kn.ko for the stock kernel), then one boot of the
#           stock Debian kernel: every tests/stock/*.sh
#
# Each VM runs qemu/guest-run.sh over a plan made here; a test script passes
# with exit 0 and skips with exit 4, and its output goes to NAME.log in the
# VM's log directory, shown here when it fails.  A script that needs longer
# than $KN_TEST_TIMEOUT says so in a line of its own: "# kn-test-timeout: SECS".
#
# Prints one line per test, "PASS NAME", "FAIL NAME (why)" or "SKIP NAME
# (why)", the logs of what failed, and last the one line
# "N passed, N failed[, N skipped]".  Exits 1 if anything failed.  A kernel
# splat fails the test during which it happened (qemu/scan-log.sh); a VM that
# dies fails the test it was running and every test it did not get to.
#
#   KN_KO            kn.ko built against the test kernel
#                    (default: build/test/kn.ko, from `make module-test`)
#   KN_KUNIT_DIR     its KUnit modules (default: build/test/tests/kunit)
#   KN_CHECK_OUT     logs (default: build/check): unit.log, lint.log,
#                    kernel/ and stock/ (console.log, results, NAME.log)
#   KN_TEST_TIMEOUT  seconds for one test inside a VM (default 900: a DKMS
#                    build under TCG takes five minutes)
#   KN_VM_TIMEOUT    seconds for a whole VM (default: from the test count)
#   KN_VM_MEM, KN_VM_SMP   guest size (default 1024 MB, 2 CPUs)
set -uo pipefail
shopt -s nullglob

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
qemu=$here/qemu
out=${KN_CHECK_OUT:-$repo/build/check}
secs=${KN_TEST_TIMEOUT:-900}
npass=0 nfail=0 nskip=0

# result PASS|FAIL|SKIP NAME [WHY...]
result() {
	local status=$1 name=$2 line
	shift 2
	line="$status $name"
	[ $# -eq 0 ] || [ -z "$*" ] || line+=" ($*)"
	echo "$line"
	case "$status" in
	PASS) npass=$((npass + 1)) ;;
	FAIL) nfail=$((nfail + 1)) ;;
	SKIP) nskip=$((nskip + 1)) ;;
	esac
}

# show FILE [LINES]: the end of a log, indented under the result it explains.
show() {
	[ -s "$1" ] || return 0
	echo "    --- ${1#"$repo"/} (last ${2:-50} lines) ---"
	tail -n "${2:-50}" "$1" | sed 's/\r$//; s/^/    | /'
}

# make_has TARGET: whether the top Makefile has TARGET, running nothing.
make_has() { { make -C "$repo" -pRrq : 2> /dev/null || :; } | grep -q "^$1:"; }

# passthrough LOG PREFIX: re-emits LOG's "PASS|FAIL|SKIP NAME" lines as
# PREFIX/NAME, or NAME when NAME already starts with PREFIX/.  Sets $lines
# and $fails to the count of lines and FAIL lines.
passthrough() {
	local status name
	lines=0 fails=0
	while read -r status name; do
		[[ "$name" == "$2/"* ]] || name=$2/$name
		result "$status" "$name"
		lines=$((lines + 1))
		[ "$status" != FAIL ] || fails=$((fails + 1))
	done < <(grep -E '^(PASS|FAIL|SKIP) ' "$1")
}

stage_unit() {
	local log=$out/unit.log rc=0 lines fails summary p f s
	if [ ! -f "$repo/tools/Makefile" ]; then
		result SKIP tools "no tools/Makefile"
		return
	fi
	make -C "$repo/tools" test > "$log" 2>&1 || rc=$?
	passthrough "$log" tools
	summary=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n1)
	read -r p f s <<< "$(sed -E 's/^[A-Za-z]+: //; s/[^0-9]+/ /g' <<< "$summary")"
	if [ "$lines" = 0 ] && [ -n "$summary" ]; then
		# Only a summary: count what it counts.
		[ "$p" = 0 ] || { result PASS "tools/*" "$p tests"; npass=$((npass + p - 1)); }
		[ "$f" = 0 ] || { result FAIL "tools/*" "$f tests"; nfail=$((nfail + f - 1)); fails=$f; }
		[ -z "$s" ] || [ "$s" = 0 ] || { result SKIP "tools/*" "$s tests"; nskip=$((nskip + s - 1)); }
	elif [ -n "$summary" ] && [ "$f" -gt "$fails" ]; then
		result FAIL tools "its summary counts $f failed, it printed $fails FAIL lines"
		fails=$((fails + 1))
	fi
	if [ "$rc" != 0 ] && [ "$fails" = 0 ]; then
		result FAIL tools "make -C tools test exited with $rc"
		fails=1
	elif [ "$lines" = 0 ] && [ -z "$summary" ]; then
		result PASS tools "printed neither PASS lines nor a summary"
	fi
	[ "$fails" = 0 ] || show "$log"
}

stage_lint() {
	local log=$out/lint.log rc=0 lines fails
	if ! make_has lint; then
		result SKIP lint "no lint target in the Makefile"
		return
	fi
	make -C "$repo" lint > "$log" 2>&1 || rc=$?
	passthrough "$log" lint
	if [ "$rc" != 0 ] && [ "$fails" = 0 ]; then
		result FAIL lint "make lint exited with $rc"
		fails=1
	elif [ "$lines" = 0 ]; then
		result PASS lint
	fi
	[ "$fails" = 0 ] || show "$log" 100
}

# The reason a VM stopped early, from run-vm.sh's exit status and the console.
vm_status() {
	local dir=$1 rc=$2 panic
	if [ "$rc" = 124 ]; then
		echo "the VM timed out after ${3}s"
	elif [ -f "$dir/exit-code" ]; then
		echo ok
	else
		panic=$(sed 's/\r$//' "$dir/console.log" 2> /dev/null | grep -m1 -o 'Kernel panic - not syncing: .*')
		echo "the VM died${panic:+: $panic}"
	fi
}

# reconcile DIR VMNAME STATUS: the result lines of one VM run, as
# STATUS<TAB>NAME<TAB>WHY, from the plan (DIR/items), the results the guest
# wrote (DIR/results) and the console's markers and splats (DIR/events).
reconcile() {
	local dir=$1
	LC_ALL=C awk -F'\t' -v vm="$2" -v vmstatus="$3" '
	function emit(status, name, why) { printf "%s\t%s\t%s\n", status, name, why }
	FILENAME == ARGV[1] { plan[++np] = $1; next }
	FILENAME == ARGV[2] {
		if ($0 ~ /^# begin /) { cur = substr($0, 9); rbegun[cur] = 1; next }
		if ($0 ~ /^# end /) { split($0, f, " "); rended[f[3]] = 1; cur = ""; next }
		if (cur != "" && $0 ~ /^(PASS|FAIL|SKIP) /) res[cur, ++nres[cur]] = $0
		next
	}
	$1 == "begin" { begun[$2] = 1; next }
	$1 == "end" { ended[$2] = 1; rc[$2] = $3; next }
	$1 == "splat" { if (!nsplat[$2]++) splat[$2] = $3; next }
	END {
		for (i = 1; i <= np; i++) {
			it = plan[i]
			if (!begun[it] && !rbegun[it]) { emit("FAIL", it, "not run"); continue }
			finished = ended[it] || rended[it]
			if (!finished)
				running = it
			for (j = 1; j <= nres[it]; j++) {
				line = res[it, j]
				status = substr(line, 1, 4)
				rest = substr(line, 6)
				name = rest; why = ""
				if ((k = index(rest, " (")) > 0) {
					name = substr(rest, 1, k - 1)
					why = substr(rest, k + 2); sub(/\)$/, "", why)
				}
				if ((name in nsplat) && !done[name]++) {
					status = "FAIL"
					why = "kernel splat: " splat[name]
				}
				emit(status, name, why)
			}
			if (!finished)
				emit("FAIL", it, "did not finish: " vmstatus)
			else if ((it in nsplat) && !done[it])
				emit("FAIL", it, "kernel splat: " splat[it])
			else if (nres[it] == 0)
				emit(rc[it] == 0 ? "PASS" : "FAIL", it, rc[it] == 0 ? "" : "exit " rc[it])
			done[it] = 1
		}
		for (t in nsplat)
			if (t != "-" && !done[t])
				emit("FAIL", t, "kernel splat: " splat[t])
		if ("-" in nsplat)
			emit("FAIL", "vm/" vm, "kernel splat outside any test: " splat["-"])
		else if (vmstatus != "ok")
			emit("FAIL", "vm/" vm, vmstatus (running != "" ? ", during " running : ""))
		else
			emit("PASS", "vm/" vm, "")
	}' "$dir/items" "$dir/results" "$dir/events"
}

# run_vm KERNEL VMNAME PLAN: boots KERNEL once to run PLAN (guest-run.sh) and
# reports every test in it, plus "vm/VMNAME" for the VM itself.
run_vm() {
	local kernel=$1 vm=$2 plan=$3 dir=$out/$2 rc=0 vmstatus timeout n
	local status name why shown=" "
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$plan" "$dir/plan"
	cut -f2 "$plan" > "$dir/items"
	[ "$kernel" != test ] || echo kmemleak >> "$dir/items"
	# Boot and kmemleak, two minutes a KUnit module, each script's own.
	timeout=${KN_VM_TIMEOUT:-$(awk -F'\t' '
		{ t += $1 == "script" ? $4 + 30 : 120 } END { print t + 240 }' "$plan")}
	echo "# $vm: one VM for $(wc -l < "$plan") test(s), at most ${timeout}s; logs in ${dir#"$repo"/}/"
	"$qemu/run-vm.sh" --kernel "$kernel" --out "$dir" --quiet --timeout "$timeout" \
		--mem "${KN_VM_MEM:-1024}" --smp "${KN_VM_SMP:-2}" --env KN_TEST_TIMEOUT="$secs" \
		-- tests/qemu/guest-run.sh /out/plan > "$dir/run-vm.log" 2>&1 || rc=$?
	touch "$dir/results" "$dir/console.log"
	"$qemu/scan-log.sh" --events "$dir/console.log" > "$dir/events"
	vmstatus=$(vm_status "$dir" "$rc" "$timeout")
	while IFS=$'\t' read -r status name why; do
		result "$status" "$name" "$why"
		[ "$status" = FAIL ] || continue
		case "$name" in
		kunit/*/*)
			n=${name#kunit/}
			n=${n%%/*}
			[[ "$shown" == *" $n "* ]] || show "$dir/kunit-$n.ktap" 80
			shown+="$n "
			;;
		vm/*)
			show "$dir/run-vm.log" 10
			show "$dir/console.log" 40
			;;
		kmemleak) show "$dir/kmemleak.txt" 80 ;;
		*)
			show "$dir/${name//\//-}.log" 80
			show "$dir/kunit-${name#kunit/}.ktap" 80
			;;
		esac
		awk -F'\t' -v t="$name" '
			$1 == "splat" && ($2 == t || (t ~ /^vm\// && $2 == "-")) {
				if (!n++) print "    --- kernel splat lines ---"
				if (n <= 40) print "    | " $3
			}' "$dir/events"
	done < <(reconcile "$dir" "$vm" "$vmstatus")
}

# plan_script GROUP PATH: the plan line of a test script, with its timeout.
plan_script() {
	local t
	t=$(sed -n 's/^# kn-test-timeout: *\([0-9][0-9]*\) *$/\1/p' "$2" | head -n1)
	printf 'script\t%s/%s\t%s\t%s\n' "$1" "$(basename "$2" .sh)" "$2" "${t:-$secs}"
}

stage_kernel() {
	local ko=${KN_KO:-$repo/build/test/kn.ko} kunitdir=${KN_KUNIT_DIR:-$repo/build/test/tests/kunit}
	local plan=$out/kernel.plan log=$out/build-test.log f kunit netns
	# kn.ko and its KUnit modules for the test kernel, which build-kernel.sh
	# builds first if it is not cached; kn-ctl for the netns tests.
	if make_has module-test && ! make -C "$repo" module-test tools > "$log" 2>&1; then
		result FAIL vm/test-kernel "make module-test tools failed"
		show "$log"
		return
	fi
	kunit=("$kunitdir"/*.ko)
	netns=("$repo"/tests/netns/*.sh)
	netns=("${netns[@]/*\/lib.sh/}")
	if [ ! -f "$ko" ] && [ ${#kunit[@]} = 0 ] && [ -z "${netns[*]}" ]; then
		result SKIP vm/test-kernel "nothing to run: no ${ko#"$repo"/}, KUnit modules or tests/netns/*.sh"
		return
	fi
	{
		printf 'load\tkn/load\t%s\n' "$ko"
		for f in "${kunit[@]}"; do printf 'kunit\tkunit/%s\t%s\n' "$(basename "$f" .ko)" "$f"; done
		for f in "${netns[@]}"; do
			[ -z "$f" ] || plan_script netns "$f"
		done
		printf 'unload\tkn/unload\t%s\n' "$(basename "$ko" .ko)"
	} > "$plan"
	run_vm test test-kernel "$plan"
}

stage_stock() {
	local plan=$out/stock.plan log=$out/build-stock.log f
	local stock=("$repo"/tests/stock/*.sh)
	stock=("${stock[@]/*\/lib.sh/}")
	if [ -z "${stock[*]}" ]; then
		result SKIP vm/stock-kernel "no tests/stock/*.sh"
		return
	fi
	# kn.ko for the stock kernel (build/stock/kn.ko), for the scripts that
	# load it themselves rather than through DKMS
	if make_has module && ! make -C "$repo" module > "$log" 2>&1; then
		result FAIL vm/stock-kernel "make module failed"
		show "$log"
		return
	fi
	for f in "${stock[@]}"; do
		[ -z "$f" ] || plan_script stock "$f"
	done > "$plan"
	run_vm stock stock-kernel "$plan"
}

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(unit lint kernel stock)
for s in "${stages[@]}"; do
	case "$s" in
	unit | lint | kernel | stock) ;;
	*) echo "usage: check.sh [unit] [lint] [kernel] [stock]" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
for s in "${stages[@]}"; do
	"stage_$s"
done

summary="$npass passed, $nfail failed"
[ $nskip = 0 ] || summary+=", $nskip skipped"
echo "$summary"
[ $nfail = 0 ]
