#!/bin/bash
# Finds kernel splats in a serial console log.
#
#   scan-log.sh LOG           prints each splat line as LOG:LINE: TEXT and
#                             exits 1 if there is any, 0 if none
#   scan-log.sh --events LOG  prints, for tests/check.sh, one event a line:
#                               begin<TAB>TEST       a test's start marker
#                               end<TAB>TEST<TAB>RC  its end marker
#                               splat<TAB>TEST<TAB>TEXT
#                             TEST of a splat being the test that was running
#                             (lib.sh's markers) or "-" outside any; exits 0
#
# Only kernel messages count, told apart from a command's own output by their
# printk timestamp ("[   12.345678] ", run-vm.sh boots with printk.time=1),
# which may sit mid-line where the console interleaved the two.
#
# Inside a KUnit module's test ("kunit/MODULE"), a splat is pinned on the
# KUnit case whose "ok N NAME" line the console shows next, as
# "kunit/SUITE/NAME".
set -euo pipefail

events=0
if [ "${1:-}" = --events ]; then
	events=1
	shift
fi
[ $# -eq 1 ] || { echo "usage: scan-log.sh [--events] LOG" >&2; exit 2; }
[ -r "$1" ] || { echo "scan-log: cannot read $1" >&2; exit 2; }

LC_ALL=C awk -v events="$events" -v logname="$1" '
function splat(m) {
	return m ~ /^(WARNING|BUG|UBSAN|ODEBUG):/ ||
	    m ~ /^------------\[ cut here \]------------/ ||
	    m ~ /^kernel BUG at/ ||
	    m ~ /^Kernel panic/ ||
	    m ~ /^Oops/ ||
	    m ~ /^invalid opcode:/ ||
	    m ~ /general protection fault/ ||
	    m ~ /Unable to handle kernel/ ||
	    m ~ /KASAN: / ||
	    m ~ /possible circular locking/ ||
	    m ~ /possible recursive locking/ ||
	    m ~ /inconsistent lock state/ ||
	    m ~ /suspicious RCU usage/ ||
	    m ~ /sleeping function called from invalid context/ ||
	    m ~ /scheduling while atomic/ ||
	    m ~ /DEBUG_LOCKS_WARN_ON/ ||
	    m ~ /unreferenced object 0x/ ||
	    m ~ /new suspected memory leaks?/ ||
	    m ~ /INFO: task .* blocked for more than/ ||
	    m ~ /rcu.*detected stalls? on/ ||
	    m ~ /self-detected stall/ ||
	    m ~ /refcount_t: / ||
	    m ~ /list_(add|del) corruption/ ||
	    m ~ /soft lockup/ ||
	    m ~ /hard LOCKUP/ ||
	    m ~ /workqueue lockup/ ||
	    m ~ /stack-protector:/ ||
	    m ~ /double fault/ ||
	    m ~ /unregister_netdevice: waiting for/ ||
	    m ~ /ref_tracker: .* has [0-9]+\/[0-9]+ users/ ||
	    m ~ /^Call Trace:/
}
function report(test, m, line) {
	found++
	if (events)
		printf "splat\t%s\t%s\n", test, m
	else
		printf "%s:%d: %s\n", logname, line, m
}
function flush_pending(test,   i) {
	for (i = 0; i < npending; i++)
		report(test, pending[i], pendline[i])
	npending = 0
}
BEGIN { current = "-"; suite = ""; npending = 0; found = 0 }
{
	sub(/\r+$/, "")
	if (!match($0, /\[ *[0-9]+\.[0-9]+\] /))
		next
	m = substr($0, RSTART + RLENGTH)
	if (m ~ /^kn-test: begin /) {
		flush_pending(current)
		split(m, f, " ")
		current = f[3]
		suite = ""
		if (events)
			printf "begin\t%s\n", current
		next
	}
	if (m ~ /^kn-test: end /) {
		flush_pending(current)
		split(m, f, " ")
		if (events)
			printf "end\t%s\t%s\n", f[3], substr(f[4], 4)
		current = "-"
		next
	}
	if (current ~ /^kunit\//) {
		if (m ~ /^    # Subtest: /) {
			suite = substr(m, 16)
			next
		}
		if (m ~ /^    (not )?ok [0-9]+ / && npending > 0) {
			c = m
			sub(/^    (not )?ok [0-9]+ /, "", c)
			sub(/ # .*$/, "", c)
			flush_pending("kunit/" suite "/" c)
			next
		}
	}
	if (!splat(m))
		next
	if (current ~ /^kunit\//) {
		pendline[npending] = FNR
		pending[npending++] = m
	} else
		report(current, m, FNR)
}
END {
	flush_pending(current)
	if (!events && found)
		exit 1
}
' "$1"
