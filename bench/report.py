#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turns one scenario's raw results (bench/lib.sh's NAME.sides, .metrics,
.tsv, .meta) into a markdown table: per metric, each side's median over the
repetitions, kn's ratio to each peer and the number of repetitions, then
every repetition's values.

    report.py OUTDIR SCENARIO KEY=VALUE...

The KEY=VALUE pairs are the run's context from the host (command, host,
tree, date, wall time), printed with the guest's under the heading.

A scenario with connection figures per number of services (conn_rate_N,
connect_us_N: the services scenario) also gets a plot of them, drawn by
bench/plot.py: bench/results/SCENARIO.svg (SCENARIO-standin.svg without
kn's side, as bench/run.sh names the table), or the path given as svg=PATH
(svg= for none); the table links to it.

Ratios are oriented so that above 1.0 means kn is better: kn/peer for a
metric where higher is better (throughput), peer/kn where lower is better
(latency).  One ratio per repetition, each kn run against the peer's run
next to it (bench/lib.sh interleaves them), so that drift in the VM's speed
cancels; the table gives their median and, as a measure of the noise, their
range.

A scenario run without kn's side (its first side is then not "kn") gets
each side's medians and no ratio.  Meta rows "note" (any number) are
printed as a list under the table; a meta "secs" replaces the host's
KN_BENCH_SECS in the heading (a scenario with its own lengths)."""

import csv
import math
import os
import statistics
import sys

sys.dont_write_bytecode = True  # no bench/__pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot  # noqa: E402  (bench/plot.py)


def rows(path):
    with open(path, newline="") as f:
        return [r for r in csv.reader(f, delimiter="\t") if r]


def num(x):
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    if 0 < x < 0.1:
        # two significant digits, not 0.00
        return "%.*f" % (1 - math.floor(math.log10(x)), x)
    return "%.2f" % x


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: report.py OUTDIR SCENARIO KEY=VALUE...")
    out, name = sys.argv[1], sys.argv[2]
    host = dict(a.split("=", 1) for a in sys.argv[3:])
    base = os.path.join(out, name)

    sides = rows(base + ".sides")
    metrics = rows(base + ".metrics")
    meta_rows = rows(base + ".meta")
    meta = dict(meta_rows)
    notes = [v for k, v in meta_rows if k == "note"]
    values = {}
    for metric, side, rep, value in rows(base + ".tsv"):
        values.setdefault((metric, side), {})[int(rep)] = float(value)

    kn, kn_label = sides[0]
    peers = sides[1:] if kn == "kn" else []
    reps = {len(v) for v in values.values()}

    lines = ["### %s" % meta.get("title", name), ""]
    lines.append("Command: `%s`" % host.get("command", "make bench"))
    lines.append("")
    lines.append(
        "Debian kernel %s in QEMU/TCG, %s vCPUs, on %s; kn %s; tree %s; %s. "
        "%s repetitions per side, %s s each, after a warm-up, interleaved "
        "run by run in alternating order (%s, ...); %s s in the VM, %s s "
        "in all; host load average %s."
        % (
            meta.get("kernel", "?"),
            meta.get("vcpus", "?"),
            host.get("host", "?"),
            meta.get("kn", "?").strip(),
            host.get("tree", "?"),
            host.get("date", "?"),
            "/".join(str(r) for r in sorted(reps)) or "0",
            meta.get("secs", host.get("secs", "?")),
            ", ".join([label for _, label in sides] + [label for _, label in sides[::-1]]),
            meta.get("guest_seconds", "?"),
            host.get("wall", "?"),
            host.get("load", "?"),
        )
    )
    if "checked" in meta:
        lines.append("Checked after the runs: %s." % meta["checked"])
    lines.append("")

    head = ["metric"] + ["%s, median" % label for _, label in sides]
    head += ["ratio vs %s, median (min–max)" % label for _, label in peers]
    head.append("reps")
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|---" + "|---:" * (len(head) - 1) + "|")
    for metric, better, unit, label in metrics:
        cells = ["%s, %s (%s is better)" % (label, unit, better)]
        for side, _ in sides:
            v = values.get((metric, side), {})
            cells.append(num(statistics.median(v.values())) if v else "–")
        a = values.get((metric, kn), {})
        n = len(a)
        for peer, _ in peers:
            b = values.get((metric, peer), {})
            ratios = [
                a[i] / b[i] if better == "higher" else b[i] / a[i]
                for i in sorted(a) if i in b and a[i] > 0 and b[i] > 0
            ]
            if ratios:
                cells.append("**%.2f** (%.2f–%.2f)"
                             % (statistics.median(ratios), min(ratios), max(ratios)))
            else:
                cells.append("–")
            n = min(n, len(ratios))
        cells.append(str(n))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    svg = host.get("svg")
    if svg is None:
        svg = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results",
                           name + ("" if kn == "kn" else "-standin") + ".svg")
    if svg:
        caption = ["Command: %s" % host.get("command", "make bench"),
                   "Debian kernel %s, QEMU/TCG, %s vCPUs, on %s; tree %s; %s; repetitions: %s."
                   % (meta.get("kernel", "?"), meta.get("vcpus", "?"), host.get("host", "?"),
                      host.get("tree", "?"), host.get("date", "?"),
                      "/".join(str(r) for r in sorted(reps)) or "0")]
        try:
            drawn = plot.write_svg(base, svg, caption)
        except Exception as e:  # a plot gone wrong must not cost the table
            print("report.py: no plot (%s: %s)" % (type(e).__name__, e), file=sys.stderr)
            drawn = False
        if drawn:
            lines.append("Plot: [%s](%s): new connections per second and connect() time "
                         "against the number of services (medians, min–max whiskers), and kn's "
                         "ratio to each peer in new connections per second, run by run."
                         % (os.path.basename(svg), os.path.basename(svg)))
            lines.append("")
    for note in notes:
        lines.append("- " + note)
    if notes:
        lines.append("")
    if kn != "kn":
        lines.append("No kn side in this run: no ratio.")
    lines.append(
        "Ratios are kn/peer where higher is better and peer/kn where lower is "
        "better: above 1.0, kn is better.  One ratio per repetition, kn's run "
        "against the peer's run next to it; the median of those, and their "
        "range.  TCG makes the absolute numbers meaningless; the "
        "ratios hold."
    )
    lines.append("")

    lines.append("<details><summary>Every repetition, in run order</summary>")
    lines.append("")
    allreps = sorted({r for v in values.values() for r in v})
    lines.append("| metric | side | " + " | ".join(str(r) for r in allreps) + " |")
    lines.append("|---|---" + "|---:" * len(allreps) + "|")
    for metric, _, unit, _ in metrics:
        for side, label in sides:
            v = values.get((metric, side), {})
            lines.append(
                "| %s (%s) | %s | " % (metric, unit, label)
                + " | ".join(num(v[r]) if r in v else "–" for r in allreps)
                + " |"
            )
    lines.append("")
    lines.append("</details>")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
