#!/usr/bin/env python3
"""Helpers for bench/tiles (standard library only).

    tiles.py source CATALOG ID           the source file of collection ID, resolved as the server does
    tiles.py lists EXPORT OUTDIR COUNT   seeded tile lists from a GeoJSONSeq export (EPSG:4326,
                                         one feature a line): OUTDIR/mix.tiles (zoom 5-14, weighted
                                         to 10-14) and OUTDIR/high.tiles (zoom 12-14), COUNT lines
                                         each, "z/x/y" a line
    tiles.py urls TILES PREFIX SUFFIX    one URL path a line: PREFIX + z/x/y + SUFFIX
    tiles.py fetch BASE URLS SIZES [--save ROOT] [--conc N] [--seconds S]
                                         GETs every URL of the list once (N connections, keep-alive;
                                         stops after S seconds when given), writes "status bytes" per
                                         URL to SIZES ("- -" for those not fetched), saves each 200
                                         body to ROOT/z/x/y.geojson when asked; prints
                                         fetched ok_200 other seconds
    tiles.py meanbytes SIZES [OTHER]     mean body bytes over the list's fetched URLs; with OTHER
                                         (another SIZES for the same list): n, mean of SIZES, mean of
                                         OTHER, sum(SIZES)/sum(OTHER) over the URLs both fetched
    tiles.py distinct TILES              distinct tiles in a list
    tiles.py wrk FILE                    req/s p50_ms p99_ms requests non2xx socket_errors
    tiles.py hwm PID...                  summed VmHWM (MB) of the processes and their children
    tiles.py metric URL NAME...          values from /metrics (0 when missing)
    tiles.py table ROWS                  the report

Tile lists: each line picks a random feature of the layer (random.Random, fixed seed), then
either one of its vertices or the mean of its outer ring's vertices (half and half), then a zoom
(weights below), and the XYZ tile (Web Mercator, y from the north) holding that point.
"""

import http.client
import json
import math
import os
import random
import re
import sys
import threading
import time
import urllib.parse
import urllib.request

# The catalog, wrk's output and /metrics are read as bench/api reads them.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api.d"))
from bench import metric, parse_wrk, read_catalog  # noqa: E402

SEED = 4
# zoom -> weight for the 5-14 mix: most map views of concessions are zoomed in.
MIX_WEIGHTS = {5: 1, 6: 1, 7: 2, 8: 2, 9: 3, 10: 6, 11: 7, 12: 8, 13: 8, 14: 8}
HIGH_WEIGHTS = {12: 1, 13: 1, 14: 1}


def source(catalog, cid):
    doc, resolve = read_catalog(catalog)
    print(resolve(next(c for c in doc["collections"] if c["id"] == cid)["source"]))


def tile_of(lon, lat, z):
    n = 1 << z
    lat = max(-85.05112878, min(85.05112878, lat))
    x = int((lon + 180.0) / 360.0 * n)
    s = math.sin(math.radians(lat))
    y = int((0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * n)
    return z, min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def rings(geometry):
    t, c = geometry["type"], geometry["coordinates"]
    if t == "Polygon":
        return [c]
    if t == "MultiPolygon":
        return c
    if t == "GeometryCollection":
        out = []
        for g in geometry["geometries"]:
            out.extend(rings(g))
        return out
    return []


def lists(export, outdir, count):
    # pass 1: how many features
    with open(export, "rb") as f:
        total = sum(1 for line in f if line.strip())
    plans = {}
    for name, weights, seed in (("mix", MIX_WEIGHTS, SEED), ("high", HIGH_WEIGHTS, SEED + 1)):
        rng = random.Random(seed)
        picks = [rng.randrange(total) for _ in range(count)]
        plans[name] = (rng, picks, weights)
    wanted = set()
    for _, picks, _ in plans.values():
        wanted.update(picks)
    # pass 2: the picked features' polygons (parts: lists of outer-ring vertices)
    parts = {}
    with open(export, "rb") as f:
        i = 0
        for line in f:
            if not line.strip():
                continue
            if i in wanted:
                geom = json.loads(line).get("geometry")
                parts[i] = [p[0] for p in rings(geom) if p and p[0]] if geom else []
            i += 1
    for name, (rng, picks, weights) in plans.items():
        zooms, w = list(weights), list(weights.values())
        with open(os.path.join(outdir, name + ".tiles"), "w") as out:
            for k in picks:
                polys = parts.get(k) or []
                ring = rng.choice(polys) if polys else None
                if ring is None:
                    lon, lat = 104.9, 12.5  # a feature without geometry: Cambodia's middle
                elif rng.random() < 0.5:
                    lon, lat = rng.choice(ring)[:2]
                else:
                    lon = sum(p[0] for p in ring) / len(ring)
                    lat = sum(p[1] for p in ring) / len(ring)
                z = rng.choices(zooms, w)[0]
                out.write("%d/%d/%d\n" % tile_of(lon, lat, z))


def urls(tiles, prefix, suffix):
    out = sys.stdout
    for line in open(tiles):
        line = line.strip()
        if line:
            out.write(prefix + line + suffix + "\n")


def fetch(base, url_file, sizes_file, save=None, conc=4, seconds=None):
    parsed = urllib.parse.urlsplit(base)
    paths = [l.strip() for l in open(url_file) if l.strip()]
    results = [None] * len(paths)
    lock = threading.Lock()
    state = {"next": 0}
    start = time.monotonic()
    deadline = start + seconds if seconds else None
    tile_re = re.compile(r"(\d+)/(\d+)/(\d+)\.[a-z]+$")

    def worker():
        conn = None
        while True:
            with lock:
                i = state["next"]
                if i >= len(paths) or (deadline and time.monotonic() > deadline):
                    break
                state["next"] = i + 1
            for attempt in range(3):
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=600)
                    conn.request("GET", paths[i])
                    r = conn.getresponse()
                    body = r.read()
                    results[i] = (r.status, len(body))
                    if save and r.status == 200:
                        m = tile_re.search(paths[i])
                        d = os.path.join(save, m.group(1), m.group(2))
                        os.makedirs(d, exist_ok=True)
                        with open(os.path.join(d, m.group(3) + ".geojson"), "wb") as f:
                            f.write(body)
                    if r.getheader("Connection", "").lower() == "close":
                        conn.close()
                        conn = None
                    break
                except (OSError, http.client.HTTPException):
                    if conn is not None:
                        conn.close()
                    conn = None
                    results[i] = (0, 0)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    fetched = ok = other = 0
    with open(sizes_file, "w") as f:
        for r in results:
            if r is None:
                f.write("- -\n")
                continue
            fetched += 1
            ok += r[0] == 200
            other += r[0] != 200
            f.write("%d %d\n" % r)
    print("%d %d %d %.1f" % (fetched, ok, other, elapsed))


def read_sizes(path):
    out = []
    for line in open(path):
        s, b = line.split()
        out.append(0 if s == "204" else int(b) if s == "200" else None)  # 204: an empty MVT tile
    return out


def meanbytes(path, other=None):
    a = read_sizes(path)
    if other is None:
        got = [v for v in a if v is not None]
        print("%.0f" % (sum(got) / len(got)) if got else "n/a")
        return
    b = read_sizes(other)
    pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    if not pairs:
        print("0 n/a n/a n/a")
        return
    sa, sb = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
    print("%d %.0f %.0f %s" % (len(pairs), sa / len(pairs), sb / len(pairs), "%.3f" % (sa / sb) if sb else "n/a"))


def distinct(tiles):
    print(len({l.strip() for l in open(tiles) if l.strip()}))


def wrk(path):
    print("%s %s %s %s %d %d" % parse_wrk(path))


def hwm(pids):
    seen, todo, total = set(), list(pids), 0
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            for line in open("/proc/%s/status" % pid):
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
            for task in os.listdir("/proc/%s/task" % pid):
                todo.extend(open("/proc/%s/task/%s/children" % (pid, task)).read().split())
        except OSError:
            pass
    print("%.0f" % (total / 1024.0) if total else "n/a")


def fnum(v, fmt):
    try:
        x = float(v)
    except (TypeError, ValueError):
        return v
    return "n/a" if math.isnan(x) else fmt % x


def ratio(a, b):
    try:
        a, b = float(a), float(b)
        return a / b if b else None
    except (TypeError, ValueError):
        return None


def verdict(r, target, above):
    if r is None:
        return "n/a"
    ok = r >= target if above else r <= target
    return "%.2f %s" % (r, "ok" if ok else "MISS")


def table(rows_file):
    """ROWS (TSV): 'list' lines: list, data set key, label, URLs, distinct tiles;
    'run' lines: run, key, side (a-d), req/s, p50, p99, requests, non2xx, errors, bytes, peak MB, note;
    'cmp' lines: cmp, key, n, ours mean, geojson-vt mean, ours/gvt (our GeoJSON, geojson-vt's tile JSON);
    'cmp-geojson' and 'cmp-mvt' lines: the same, both sides in that format;
    'large' lines: large, key (the 200k mix key, for the tiles/s target)."""
    lists_, runs, cmps, large = [], {}, {}, set()
    same = {"geojson": {}, "mvt": {}}
    for line in open(rows_file):
        f = line.rstrip("\n").split("\t")
        if f[0] == "list":
            lists_.append(f[1:])
        elif f[0] == "run":
            runs[(f[1], f[2])] = f[3:]
        elif f[0] == "cmp":
            cmps[f[1]] = f[2:]
        elif f[0] in ("cmp-geojson", "cmp-mvt"):
            same[f[0][4:]][f[1]] = f[2:]
        elif f[0] == "large":
            large.add(f[1])
    names = {"a": "(a) ours, --tile-cache-mb 0", "b": "(b) ours, warm cache",
             "c": "(c) geojson-vt + node:http", "d": "(d) nginx, pre-rendered"}
    fmt = "  %-28s %9s %8s %8s %11s %8s  %s\n"
    out = sys.stdout
    for key, label, n, d in lists_:
        out.write("%s (%s URLs, %s distinct tiles)\n" % (label, n, d))
        out.write(fmt % ("server", "req/s", "p50 ms", "p99 ms", "bytes/tile", "peak MB", "notes"))
        for side in "abcd":
            r = runs.get((key, side))
            if not r:
                continue
            rps, p50, p99, n_req, non2xx, errors, size, peak, note = (r + [""] * 9)[:9]
            notes = []
            if non2xx not in ("", "0"):
                notes.append("%s non-2xx of %s" % (non2xx, n_req))
            if errors not in ("", "0"):
                notes.append("%s socket errors/timeouts" % errors)
            if note:
                notes.append(note)
            out.write(fmt % (names[side], fnum(rps, "%.1f"), fnum(p50, "%.2f"), fnum(p99, "%.2f"), size, peak,
                             "; ".join(notes)))
        run = {s: runs.get((key, s)) for s in "abcd"}
        get = lambda s, i: run[s][i] if run[s] else None
        c = cmps.get(key)
        parts = [
            "(a)/(c) " + verdict(ratio(get("a", 0), get("c", 0)), 2, True) + " [>=2]",
            "(b)/(d) " + verdict(ratio(get("b", 0), get("d", 0)), 0.8, True) + " [>=0.8]",
        ]
        for kind, what in (("geojson", "GeoJSON"), ("mvt", "MVT")):
            sc = same[kind].get(key)
            if sc and sc[0] not in ("", "0"):
                parts.append("bytes %s ours/geojson-vt's %s " % (what, what) + verdict(ratio(sc[1], sc[2]), 1, False)
                             + " [<=1] over %s tiles" % sc[0])
            else:
                parts.append("bytes %s ours/geojson-vt's n/a" % what)
        if c and c[0] not in ("", "0"):
            parts.append("bytes GeoJSON ours/geojson-vt's tile JSON (tile units) %.2f" % ratio(c[1], c[2]))
        else:
            parts.append("bytes ours/geojson-vt's tile JSON n/a")
        mems = [float(v) for v in (get("a", 7), get("b", 7)) if v and re.match(r"^[0-9.]+$", v)]
        ours_mem = max(mems) if mems else None
        parts.append("memory ours/geojson-vt " + verdict(ratio(ours_mem, get("c", 7)), 1, False) + " [<=1]")
        if key in large:
            try:
                x = float(get("a", 0))
                parts.append("(a) tiles/s %.1f %s [>=100]" % (x, "ok" if x >= 100 else "MISS"))
            except (TypeError, ValueError):
                parts.append("(a) tiles/s n/a [>=100]")
        out.write("  ratios: " + "; ".join(parts) + "\n\n")
    bad = [(k, s, r[4], r[5]) for (k, s), r in sorted(runs.items()) if r[4] not in ("", "0") or r[5] not in ("", "0")]
    if bad:
        out.write("wrk saw non-2xx answers or socket errors/timeouts: %s\n" % ", ".join(
            "%s (%s) %s non-2xx, %s errors" % b for b in bad))
    else:
        out.write("wrk saw no non-2xx answer and no socket error or timeout in any run.\n")


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "source":
        source(args[0], args[1])
    elif cmd == "lists":
        lists(args[0], args[1], int(args[2]))
    elif cmd == "urls":
        urls(*args)
    elif cmd == "fetch":
        opts = {"save": None, "conc": 4, "seconds": None}
        rest = args[3:]
        while rest:
            k, v = rest[0], rest[1]
            rest = rest[2:]
            if k == "--save":
                opts["save"] = v
            elif k == "--conc":
                opts["conc"] = int(v)
            elif k == "--seconds":
                opts["seconds"] = float(v)
        fetch(args[0], args[1], args[2], **opts)
    elif cmd == "meanbytes":
        meanbytes(*args)
    elif cmd == "distinct":
        distinct(args[0])
    elif cmd == "wrk":
        wrk(args[0])
    elif cmd == "hwm":
        hwm(args)
    elif cmd == "metric":
        metric(args[0], args[1:])
    elif cmd == "table":
        table(args[0])
    else:
        sys.exit("tiles.py: unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
