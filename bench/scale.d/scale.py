#!/usr/bin/env python3
"""Helpers for bench/scale (standard library only). URL lists and wrk's
figures come from bench/api.d/bench.py, the tile list from bench/tiles.d/tiles.py.

    scale.py geojson GEOJSON TILES COUNT  counts the features and vertices (closing ones included)
                                          of a GeoJSON written by ogr2ogr (one feature a line) and
                                          writes TILES, bench/tiles' seeded zoom 5-14 mix of COUNT
                                          tiles over it ("z/x/y" a line); prints: features vertices
    scale.py table ROWS                   the report table (with after/before ratios when ROWS
                                          holds "before" rows) and its targets
"""

import math
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tiles.d"))
import tiles  # noqa: E402

# A position in ogr2ogr's GeoJSON: "[ 104.510108, 13.227912 ]".
POSITION = re.compile(rb"\[ ?-?[0-9]")
FEATURE = b'{ "type": "Feature"'

# Issue 19's targets, by number of polygons.
MEMORY_TARGET = 1.5  # resident memory / GeoJSON bytes, at 200,000 and 2,000,000
MEMORY_TARGET_SIZES = (200000, 2000000)
SECOND_START_TARGET = {200000: 3.0, 2000000: 20.0}  # seconds
TILES_TARGET = {200000: 500.0}  # cold tiles/s of the mix


def geojson(path, tiles_out, count):
    """tiles.lists reads one feature a line (GeoJSONSeq): the FeatureCollection's
    feature lines, without their commas, are written for it beside PATH first."""
    features = vertices = 0
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(path))) as tmp:
        seq = os.path.join(tmp, "features.geojsonl")
        with open(path, "rb") as src, open(seq, "wb") as out:
            for line in src:
                if not line.startswith(FEATURE):
                    continue
                line = line.rstrip(b"\r\n,")
                features += 1
                vertices += len(POSITION.findall(line, line.find(b'"geometry"')))
                out.write(line + b"\n")
        if not features:
            sys.exit("scale.py: no feature lines in %s" % path)
        tiles.lists(seq, tmp, count)
        shutil.move(os.path.join(tmp, "mix.tiles"), tiles_out)
    print(features, vertices)


def number(v):
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def fmt(v, spec):
    x = number(v)
    return "n/a" if x is None else spec % x


def verdict(value, target, above):
    if value is None:
        return ""
    return " ok" if (value >= target if above else value <= target) else " MISS"


RATES = ("tiles/s", "small/s", "large/s", "provinces/s")
# Issue 19: "large boxes and provinces at least as fast as today" (after/before >= 1).
AS_FAST_AS_BEFORE = ("large/s", "provinces/s")


def ratio(after, before):
    a, b = number(after), number(before)
    return a / b if a is not None and b else None


def table(rows_file):
    """ROWS (TSV), one line a binary and data size: binary ("before" or "after"), features,
    vertices, GeoJSON bytes, first load s, second start s, VmHWM and VmRSS after load, VmRSS
    after the mix (bytes), then req/s of each of RATES ("n/a" where there is no figure).
    A "before" row is followed by the "after" row of the same size: the binary column, and
    a line of after/before ratios under each pair, appear only then."""
    rows = [line.rstrip("\n").split("\t") for line in open(rows_file) if line.strip()]
    labelled = any(r[0] == "before" for r in rows)
    head = ("polygons", "vertices", "GeoJSON", "load s", "2nd s", "VmHWM load", "VmRSS load", "VmRSS mix") \
        + RATES + ("B/vertex", "B/poly")
    units = ("", "", "MB", "", "", "MB (x GeoJSON)", "MB (x GeoJSON)", "MB (x GeoJSON)") + ("",) * 6
    line = "%9s %11s %8s %7s %6s %14s %14s %14s %8s %8s %8s %11s %8s %7s\n"
    if labelled:
        line = "%-7s" + line
        head, units = ("binary",) + head, ("",) + units
    out = sys.stdout
    out.write(line % head)
    out.write((line % units).rstrip() + "\n")
    out.write("-" * (len(line % head) - 1) + "\n")
    checks = []
    before = None  # the rates of the "before" row just written
    for r in rows:
        which, features, vertices, gj, first, second, hwm, rss, rss_mix = r[:9]
        rates = r[9:]
        n, nv, g = int(features), int(vertices), number(gj)

        def memory(v):
            x = number(v)
            if x is None or not g:
                return "n/a"
            return "%.0f (%.2fx)" % (x / 1e6, x / g)

        cells = ("{:,}".format(n), "{:,}".format(nv), fmt(g and g / 1e6, "%.0f"), fmt(first, "%.1f"),
                 fmt(second, "%.1f"), memory(hwm), memory(rss), memory(rss_mix)) \
            + tuple(fmt(v, "%.0f") for v in rates) \
            + (fmt(number(rss) and number(rss) / nv, "%.1f"), fmt(number(rss) and number(rss) / n, "%.0f"))
        out.write(line % (((which,) if labelled else ()) + cells))
        label = "{:,}".format(n)
        if which == "before":
            before = rates
            continue
        ratios = None
        if before is not None:
            ratios = dict(zip(RATES, (ratio(a, b) for a, b in zip(rates, before))))
            out.write("%s  after/before: %s\n" % (" " * 7, ", ".join(
                "%s %s" % (name, fmt(ratios[name], "%.2fx")) for name in RATES)))
            before = None
        tiles_rps = rates[0]
        if n in MEMORY_TARGET_SIZES and g:
            parts = []
            for name, v in (("VmHWM", hwm), ("VmRSS after load", rss), ("VmRSS after the mix", rss_mix)):
                x = number(v)
                share = x / g if x is not None else None
                parts.append("%s %s%s" % (name, fmt(share, "%.2fx"), verdict(share, MEMORY_TARGET, False)))
            checks.append("%s: memory <= %.1fx GeoJSON: %s" % (label, MEMORY_TARGET, ", ".join(parts)))
        if n in SECOND_START_TARGET:
            t = SECOND_START_TARGET[n]
            checks.append("%s: second start <= %.0f s: %s%s" % (label, t, fmt(second, "%.1f s"),
                                                               verdict(number(second), t, False)))
        if n in TILES_TARGET:
            t = TILES_TARGET[n]
            checks.append("%s: cold tiles >= %.0f/s: %s%s" % (label, t, fmt(tiles_rps, "%.0f/s"),
                                                             verdict(number(tiles_rps), t, True)))
        if ratios:
            checks.append("%s: large boxes and provinces at least as fast as before: %s" % (label, ", ".join(
                "%s %s%s" % (name, fmt(ratios[name], "%.2fx"), verdict(ratios[name], 1.0, True))
                for name in AS_FAST_AS_BEFORE)))
    if checks:
        out.write("targets (issue 19%s):\n" % (", of the after rows" if labelled else ""))
        for c in checks:
            out.write("  " + c + "\n")


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "geojson":
        geojson(args[0], args[1], int(args[2]))
    elif cmd == "table":
        table(args[0])
    else:
        sys.exit("scale.py: unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
