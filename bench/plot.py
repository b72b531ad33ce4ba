#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Draws the services scenario's connection figures as an SVG (python3's
standard library only): new TCP connections per second and the connect()
time through a ClusterIP, against the number of services (log scale), one
line per side (kn, kube-proxy's iptables, IPVS and nftables data paths),
each point the median over the repetitions with a whisker from the
smallest to the largest; and a third panel with kn's ratio to each peer in
new connections per second, per repetition (kn's run against the peer's
next to it, as bench/report.py computes it: the figure that holds under
TCG, where the VM's speed drifts between repetitions), its median and
range.

    plot.py OUTDIR SCENARIO OUT.svg [CAPTION]

OUTDIR/SCENARIO.{sides,metrics,tsv,meta} are bench/lib.sh's raw results
(those bench/report.py reads; bench/run.sh keeps them under KN_BENCH_DIR).
bench/report.py calls write_svg() itself for the services scenario, so
that bench/run.sh services writes bench/results/services.svg next to
services.md."""

import csv
import math
import os
import statistics
import sys
from xml.sax.saxutils import escape

# Per side: colour, dash pattern, marker; told apart in grey too.
STYLES = [
    ("#d62728", "", "circle"),        # kn
    ("#1f77b4", "6,3", "square"),     # iptables
    ("#2ca02c", "2,3", "triangle"),   # IPVS
    ("#9467bd", "8,3,2,3", "diamond"),  # nftables
    ("#8c564b", "4,4", "circle"),
    ("#e377c2", "1,2", "square"),
]

PANELS = [
    ("conn_rate_", "New TCP connections per second", "connections/s (higher is better)", False),
    ("connect_us_", "connect() time (SYN to SYN-ACK)", "µs, median of a run (lower is better)", False),
    ("conn_rate_", "kn's new connections/s ÷ the peer's", "ratio per run (above 1: kn better)", True),
]

W_PANEL, H_PANEL = 360, 300         # plot area of one panel
M_LEFT, M_RIGHT, M_TOP, M_BOTTOM = 78, 30, 64, 58
GAP = 70                            # between the panels


def rows(path):
    with open(path, newline="") as f:
        return [r for r in csv.reader(f, delimiter="\t") if r]


def load(base):
    """sides [(side, label)], {metric: {side: {rep: value}}}, meta rows."""
    sides = rows(base + ".sides")
    values = {}
    for metric, side, rep, value in rows(base + ".tsv"):
        values.setdefault(metric, {}).setdefault(side, {})[int(rep)] = float(value)
    meta = rows(base + ".meta") if os.path.exists(base + ".meta") else []
    return sides, values, meta


def nice_step(span, ticks=5):
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def fmt(v):
    if v != int(v):
        return "%g" % round(v, 6)
    if v >= 1000 and v % 1000 == 0:
        return "%dk" % (v // 1000) if v >= 10000 else "%d" % v
    if v == int(v):
        return "%d" % v
    return "%g" % v


def points(values, prefix, sizes, side, kn=None):
    """Per size: (n, median, min, max, runs) of side's values, or of kn's
    ratio to side's, run by run (higher is better: kn/side)."""
    pts = []
    for n in sizes:
        v = values.get(prefix + str(n), {})
        b = v.get(side, {})
        if kn is None:
            r = list(b.values())
        else:
            a = v.get(kn, {})
            r = [a[i] / b[i] for i in sorted(a) if i in b and a[i] > 0 and b[i] > 0]
        if r:
            pts.append((n, statistics.median(r), min(r), max(r), len(r)))
    return pts


def panel(out, x0, y0, prefix, title, ylabel, ratio, sides, values):
    """One panel at (x0, y0), its plot area W_PANEL x H_PANEL; returns
    whether it had anything to draw."""
    sizes = sorted(int(m[len(prefix):]) for m in values
                   if m.startswith(prefix) and m[len(prefix):].isdigit())
    series = []
    top = 1.0 if ratio else 0.0
    for k, (side, label) in enumerate(sides):
        if ratio and k == 0:
            continue
        pts = points(values, prefix, sizes, side, sides[0][0] if ratio else None)
        top = max([top] + [p[3] for p in pts])
        series.append((k, side, label, pts))
    if not sizes or top <= 0 or not any(pts for _, _, _, pts in series):
        return False

    # x: log10, a little room either side of the sizes; y: 0 .. a round top.
    lo, hi = math.log10(sizes[0]), math.log10(sizes[-1])
    if hi - lo < 1:
        lo, hi = lo - 0.5, hi + 0.5
    pad = (hi - lo) * 0.06
    lo, hi = lo - pad, hi + pad
    step = nice_step(top)
    ytop = step * math.ceil(top * 1.04 / step)

    def px(n, k=0):
        # the sides' points pulled apart a little, so whiskers do not hide each other
        off = (k - (len(sides) - 1) / 2) * 5
        return x0 + (math.log10(n) - lo) / (hi - lo) * W_PANEL + off

    def py(v):
        return y0 + H_PANEL - v / ytop * H_PANEL

    out.append('<text x="%.1f" y="%.1f" class="title">%s</text>'
               % (x0 + W_PANEL / 2, y0 - 14, escape(title)))
    out.append('<rect x="%d" y="%d" width="%d" height="%d" class="frame"/>'
               % (x0, y0, W_PANEL, H_PANEL))
    # y grid and ticks
    v = 0.0
    while v <= ytop + step / 2:
        y = py(v)
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="grid"/>'
                   % (x0, y, x0 + W_PANEL, y))
        out.append('<text x="%d" y="%.1f" class="ytick">%s</text>' % (x0 - 6, y + 4, fmt(v)))
        v += step
    if ratio:
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="axis" stroke-dasharray="4,2"/>'
                   % (x0, py(1), x0 + W_PANEL, py(1)))
    # x: a faint line per decade, a labelled tick per size measured
    d = math.ceil(lo)
    while d <= hi:
        x = x0 + (d - lo) / (hi - lo) * W_PANEL
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" class="grid"/>'
                   % (x, y0, x, y0 + H_PANEL))
        d += 1
    for n in sizes:
        x = px(n)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" class="axis"/>'
                   % (x, y0 + H_PANEL, x, y0 + H_PANEL + 5))
        out.append('<text x="%.1f" y="%d" class="xtick">%s</text>'
                   % (x, y0 + H_PANEL + 19, "{:,}".format(n)))
    out.append('<text x="%.1f" y="%d" class="label">number of services (log scale)</text>'
               % (x0 + W_PANEL / 2, y0 + H_PANEL + 40))
    out.append('<text x="%d" y="%.1f" class="label" transform="rotate(-90 %d %.1f)">%s</text>'
               % (x0 - 56, y0 + H_PANEL / 2, x0 - 56, y0 + H_PANEL / 2, escape(ylabel)))

    for k, side, label, pts in series:
        colour, dash, marker = STYLES[k % len(STYLES)]
        if not pts:
            continue
        out.append('<g class="series"><title>%s</title>' % escape(label))
        if len(pts) > 1:
            out.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>'
                       % (" ".join("%.1f,%.1f" % (px(n, k), py(m)) for n, m, _, _, _ in pts),
                          colour, ' stroke-dasharray="%s"' % dash if dash else ""))
        for n, m, a, b, reps in pts:
            x = px(n, k)
            r = (lambda v: "%.2f" % v) if ratio else (lambda v: fmt(round(v)))
            out.append('<g><title>%s%s, %s services: median %s (%s–%s, %d runs)</title>'
                       % ("kn vs " if ratio else "", escape(label), "{:,}".format(n),
                          r(m), r(a), r(b), reps))
            if b > a:
                out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.2"/>'
                           % (x, py(a), x, py(b), colour))
                for v in (a, b):
                    out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.2"/>'
                               % (x - 3.5, py(v), x + 3.5, py(v), colour))
            out.append(mark(marker, x, py(m), colour))
            out.append('</g>')
        out.append('</g>')
    return True


def mark(kind, x, y, colour, r=4.2):
    if kind == "square":
        return ('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="white" stroke-width="0.8"/>'
                % (x - r, y - r, 2 * r, 2 * r, colour))
    if kind == "triangle":
        return ('<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s" stroke="white" stroke-width="0.8"/>'
                % (x, y - r * 1.2, x - r * 1.1, y + r * 0.8, x + r * 1.1, y + r * 0.8, colour))
    if kind == "diamond":
        return ('<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s" stroke="white" stroke-width="0.8"/>'
                % (x, y - r * 1.3, x + r * 1.3, y, x, y + r * 1.3, x - r * 1.3, y, colour))
    return ('<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s" stroke="white" stroke-width="0.8"/>'
            % (x, y, r, colour))


def svg(sides, values, heading, caption):
    panels = [p for p in PANELS if any(m.startswith(p[0]) for m in values)
              and not (p[3] and (len(sides) < 2 or sides[0][0] != "kn"))]
    if not panels:
        return None
    width = M_LEFT + len(panels) * W_PANEL + (len(panels) - 1) * (GAP + M_LEFT) + M_RIGHT
    legend_y = M_TOP + H_PANEL + M_BOTTOM + 8
    height = legend_y + 30 + (18 * len(caption))
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
           'font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="12">'
           % (width, height, width, height),
           '<title>%s</title>' % escape(heading),
           '<style>'
           '.frame{fill:none;stroke:#444;stroke-width:1}'
           '.grid{stroke:#ddd;stroke-width:1}'
           '.axis{stroke:#444;stroke-width:1}'
           '.title{font-size:14px;font-weight:bold;text-anchor:middle}'
           '.head{font-size:15px;font-weight:bold}'
           '.label{font-size:12px;text-anchor:middle}'
           '.xtick{font-size:11px;text-anchor:middle}'
           '.ytick{font-size:11px;text-anchor:end}'
           '.legend{font-size:12px}'
           '.caption{font-size:11px;fill:#444}'
           '</style>',
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" class="head">%s</text>' % (M_LEFT - 60, escape(heading))]
    x0 = M_LEFT
    for prefix, title, ylabel, ratio in panels:
        panel(out, x0, M_TOP, prefix, title, ylabel, ratio, sides, values)
        x0 += W_PANEL + GAP + M_LEFT
    # legend, one row under the panels
    x = M_LEFT
    for k, (_, label) in enumerate(sides):
        colour, dash, marker = STYLES[k % len(STYLES)]
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>'
                   % (x, legend_y, x + 34, legend_y, colour,
                      ' stroke-dasharray="%s"' % dash if dash else ""))
        out.append(mark(marker, x + 17, legend_y, colour))
        out.append('<text x="%d" y="%d" class="legend">%s</text>' % (x + 42, legend_y + 4, escape(label)))
        x += 42 + 7 * len(label) + 26
    out.append('<text x="%d" y="%d" class="legend">point: median; whisker: min–max over the runs</text>'
               % (x, legend_y + 4))
    y = legend_y + 28
    for line in caption:
        out.append('<text x="%d" y="%d" class="caption">%s</text>' % (M_LEFT - 60, y, escape(line)))
        y += 18
    out.append('</svg>')
    return "\n".join(out) + "\n"


def write_svg(base, path, caption=()):
    """Writes the SVG of OUTDIR/SCENARIO's results (base: OUTDIR/SCENARIO)
    to path; returns False (and writes nothing) if they have no connection
    figures."""
    sides, values, meta = load(base)
    title = dict(meta).get("title", "ClusterIP services")
    text = svg(sides, values, title, list(caption) + [
        "QEMU/TCG: the absolute numbers mean little, and the VM's speed drifts between runs; "
        "the ratios (right: each peer's line is kn against that peer, run by run) hold.",
        "Each side's points are drawn a few pixels apart so that whiskers do not overlap."])
    if text is None:
        return False
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    return True


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: plot.py OUTDIR SCENARIO OUT.svg [CAPTION]")
    out, name, path = sys.argv[1:4]
    caption = sys.argv[4:]
    if not write_svg(os.path.join(out, name), path, caption):
        sys.exit("plot.py: %s has no connection figures (conn_rate_N, connect_us_N)" % name)


if __name__ == "__main__":
    main()
