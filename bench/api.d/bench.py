#!/usr/bin/env python3
"""Helpers for bench/api (standard library only).

    bench.py sources CATALOG            elc source, province source, name field (TSV)
    bench.py boxes OUTDIR COUNT         seeded box lists: OUTDIR/boxes.tsv (for PostGIS)
                                        and OUTDIR/{small,medium,large}.box (x0,y0,x1,y1),
                                        plus 2,000 others (another seed) in KIND.warm.box
    bench.py provinces NAMES OUT COUNT  seeded list of COUNT province names (from the
                                        file NAMES, one a line): OUT, and OUT.tsv (id, name)
    bench.py urls LIST PREFIX SUFFIX [quote]
                                        one URL path per line of LIST: PREFIX + line + SUFFIX
                                        (the line %-encoded when 'quote' is given)
    bench.py wrk FILE                   req/s p50_ms p99_ms requests errors (from wrk --latency)
    bench.py pglog FILE...              p50_ms p99_ms transactions (pgbench -l logs)
    bench.py metric URL NAME...         values from /metrics (0 when missing)
    bench.py check BASE URLS PGFILE N [IDS]
                                        compares features returned and bytes, ours vs PostGIS;
                                        IDS: the feature ids of each answer, one answer a line
    bench.py sameids BASE URLS IDS N    compares the ids of the first N answers with IDS
    bench.py onecollection OUT COLLECTION SOURCE LAYER CATALOG LOWER
                                        a catalog of one collection read from SOURCE (and LAYER),
                                        with CATALOG's entry and provinces (field names in lower
                                        case with LOWER 1, as ogr2ogr launders them), or roles guessed
    bench.py curlloop URL SECONDS OUT   sequential downloads with curl for about SECONDS
    bench.py table ROWS                 the report table
"""

import json
import math
import os
import random
import re
import subprocess
import sys
import time
import urllib.request

# Cambodia, roughly: every box lies inside this rectangle.
LON = (102.5, 107.5)
LAT = (10.5, 14.5)
KINDS = {"small": (1.0, 3.0, 11), "medium": (10.0, 20.0, 12), "large": (50.0, 100.0, 13)}  # km, km, seed


def read_catalog(catalog):
    """The catalog's JSON, and a function giving a source's path as the server
    resolves it (${VAR:-default} expanded, relative to data_root)."""
    doc = json.load(open(catalog))

    def expand(s):
        def sub(m):
            value = os.environ.get(m.group(1), "")
            return value if value else (m.group(3) or "")
        return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}", sub, s)

    root = os.path.join(os.path.dirname(os.path.abspath(catalog)), expand(doc.get("data_root", "")))

    def resolve(src):
        src = expand(src)
        return src if os.path.isabs(src) else os.path.normpath(os.path.join(root, src))
    return doc, resolve


def sources(catalog):
    doc, resolve = read_catalog(catalog)
    elc = next(c for c in doc["collections"] if c["id"] == "elc")
    prov = doc["provinces"]
    print("\t".join([resolve(elc["source"]), resolve(prov["source"]), prov.get("name_field", "PROV_NAME")]))


def boxes(outdir, count):
    with open(os.path.join(outdir, "boxes.tsv"), "w") as tsv:
        for kind, (lo, hi, seed) in KINDS.items():
            box_list(os.path.join(outdir, kind + ".box"), random.Random(seed), lo, hi, count, kind, tsv)
            # a separate list (another seed) for the warm-up runs
            box_list(os.path.join(outdir, kind + ".warm.box"), random.Random(seed + 100), lo, hi, 2000, kind, None)


def box_list(path, rng, lo, hi, count, kind, tsv):
    with open(path, "w") as out:
        for i in range(1, count + 1):
            h = rng.uniform(lo, hi) / 110.574
            y0 = rng.uniform(LAT[0], LAT[1] - h)
            w = rng.uniform(lo, hi) / (111.320 * math.cos(math.radians(y0 + h / 2)))
            x0 = rng.uniform(LON[0], LON[1] - w)
            c = ["%.6f" % v for v in (x0, y0, x0 + w, y0 + h)]
            out.write(",".join(c) + "\n")
            if tsv:
                tsv.write("\t".join([kind, str(i)] + c) + "\n")


def provinces(names_file, out, count):
    names = [n.strip() for n in open(names_file) if n.strip()]
    rng = random.Random(14)
    picks = [rng.choice(names) for _ in range(count)]
    with open(out, "w") as f, open(out + ".tsv", "w") as tsv:
        for i, n in enumerate(picks, 1):
            f.write(n + "\n")
            tsv.write("%d\t%s\n" % (i, n))


def urls(list_file, prefix, suffix, quote=""):
    from urllib.parse import quote as q
    for line in open(list_file):
        value = line.strip()
        print(prefix + (q(value) if quote else value) + suffix)


def to_ms(text):
    m = re.match(r"([0-9.]+)(us|ms|s|m|h)$", text)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}[m.group(2)]


def parse_wrk(path):
    """(req/s, p50 text, p99 text, requests, non-2xx answers, socket errors) from wrk --latency output;
    req/s and latencies are 'FAIL' when wrk printed none."""
    text = open(path).read()
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", text)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    reqs = re.search(r"(\d+) requests in", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return (rps.group(1) if rps else "FAIL",
            "%.3f" % to_ms(p50.group(1)) if p50 else "FAIL",
            "%.3f" % to_ms(p99.group(1)) if p99 else "FAIL",
            reqs.group(1) if reqs else "0",
            int(non2xx.group(1)) if non2xx else 0,
            sum(int(g) for g in sock.groups()) if sock else 0)


def wrk(path):
    rps, p50, p99, reqs, non2xx, sock = parse_wrk(path)
    print("%s %s %s %s %d" % (rps, p50, p99, reqs, non2xx + sock))


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(math.ceil(p / 100.0 * len(sorted_values))) - 1))
    return sorted_values[k]


def pglog(paths):
    lat = []
    for p in paths:
        for line in open(p):
            f = line.split()
            if len(f) >= 3 and f[2].isdigit():  # failed transactions log "failed" here
                lat.append(int(f[2]) / 1000.0)
    lat.sort()
    if not lat:
        print("FAIL FAIL 0")
    else:
        print("%.3f %.3f %d" % (percentile(lat, 50), percentile(lat, 99), len(lat)))


def metric(url, names):
    try:
        text = urllib.request.urlopen(url, timeout=10).read().decode()
    except Exception:
        text = ""
    values = []
    for name in names:
        m = re.search(r"^" + re.escape(name) + r"\s+(\S+)", text, re.M)
        values.append(m.group(1) if m else "0")
    print(" ".join(values))


def fetch_ids(base, path):
    """The body of BASE+PATH and its features' ids, sorted (None: the request failed)."""
    try:
        with urllib.request.urlopen(base + path, timeout=120) as r:
            body = r.read()
        doc = json.loads(body)
    except Exception:
        return None, None, None
    return body, doc, sorted(f.get("id") for f in doc.get("features", []))


def check(base, url_file, pg_file, n, ids_file=None):
    """Fetches the first N URLs; PGFILE holds 'count<TAB>bytes' for the same N
    queries. Prints: equal n ours_features pg_features ours_bytes pg_bytes bad_status, then the
    first request whose feature counts differ: index ours postgis path (or nothing). With
    IDS_FILE, writes there the ids of each answer, one answer a line ('FAIL' for a failed one)."""
    paths = [l.strip() for l in open(url_file) if l.strip()][:n]
    pg = [l.split("\t") for l in open(pg_file).read().splitlines() if l.strip()]
    ids_out = open(ids_file, "w") if ids_file else None
    equal = bad = 0
    first = ""
    of = pf = ob = pb = 0
    for path, row in zip(paths, pg):
        body, doc, ids = fetch_ids(base, path)
        if ids_out:
            ids_out.write("FAIL\n" if ids is None else " ".join(str(i) for i in ids) + "\n")
        if doc is None:
            bad += 1
            continue
        got = doc.get("numberReturned", len(doc.get("features", [])))
        want = int(row[0])
        equal += got == want
        if got != want and not first:
            first = "%d %d %d %s" % (paths.index(path) + 1, got, want, path)
        of += got
        pf += want
        ob += len(body)
        pb += int(row[1])
    k = max(1, min(len(paths), len(pg)))
    print("%d %d %.2f %.2f %.0f %.0f %d %s" % (equal, k, of / k, pf / k, ob / k, pb / k, bad, first))


def sameids(base, url_file, ids_file, n):
    """Fetches the first N URLs and compares their answers' ids with IDS_FILE (from check).
    Prints: equal n ours_features file_features ours_bytes, then the first request that
    differs: index ours_count file_count path (or nothing)."""
    paths = [l.strip() for l in open(url_file) if l.strip()][:n]
    want = [l.split() for l in open(ids_file).read().split("\n")[:len(paths)]]
    equal = 0
    first = ""
    of = wf = ob = 0
    for i, (path, expected) in enumerate(zip(paths, want), 1):
        body, _, ids = fetch_ids(base, path)
        got = None if ids is None else [str(x) for x in ids]
        equal += got == expected
        of += len(got or [])
        ob += len(body or b"")
        wf += len(expected) if expected != ["FAIL"] else 0
        if got != expected and not first:
            first = "%d %s %d %s" % (i, "FAIL" if got is None else len(got), len(expected), path)
    k = max(1, min(len(paths), len(want)))
    print("%d %d %.2f %.2f %.0f %s" % (equal, k, of / k, wf / k, ob / k, first))


def onecollection(out, collection, source, layer, catalog, lower):
    """A catalog holding one collection, COLLECTION, read from SOURCE (LAYER: a table, or "").
    With CATALOG (or ""), its entry of that id (title, colour, field roles; in lower case when
    LOWER is 1, as ogr2ogr's default -lco LAUNDER=YES names a table's columns) and its province
    layer; without, the id alone (roles guessed)."""
    entry = {"id": collection}
    doc = {"title": "bench/api: " + collection}
    if catalog:
        src, resolve = read_catalog(catalog)
        entry = dict(next(c for c in src["collections"] if c["id"] == collection))
        if lower == "1":
            entry["fields"] = {role: name.lower() for role, name in entry.get("fields", {}).items()}
        if "provinces" in src:
            doc["provinces"] = dict(src["provinces"], source=resolve(src["provinces"]["source"]))
    entry["source"] = source
    if layer:
        entry["layer"] = layer
    doc["collections"] = [entry]
    with open(out, "w") as f:
        json.dump(doc, f, indent=2)


def curlloop(url, seconds, out):
    """Sequential downloads until SECONDS have passed (at least one). Writes
    the last body to OUT when OUT is not '-'. Prints req/s p50_ms max_ms n errors bytes."""
    times = []
    errors = 0
    size = 0
    start = time.monotonic()
    while not times or time.monotonic() - start < seconds:
        target = out if out != "-" and not times else "/dev/null"
        r = subprocess.run(["curl", "-s", "-o", target, "-w", "%{http_code} %{time_total} %{size_download}", url],
                           capture_output=True, text=True)
        f = r.stdout.split()
        if r.returncode != 0 or len(f) != 3 or f[0] != "200":
            errors += 1
            if errors > 3:
                break
            continue
        times.append(float(f[1]) * 1000.0)
        size = int(f[2])
    if not times:
        print("FAIL FAIL FAIL 0 %d 0" % errors)
        return
    total = sum(times) / 1000.0
    s = sorted(times)
    print("%.3f %.1f %.1f %d %d %d" % (len(times) / total, percentile(s, 50), s[-1], len(times), errors, size))


def table(rows_file):
    """ROWS: case, ours rps, p50, p99, server mean, hit%, bytes, peer, peer rps, p50, p99, target kind,
    errors (TSV); a line with one field is a section heading."""
    fmt = "%-24s %10s %7s %7s %7s %4s %10s | %-7s %9s %7s %7s | %6s | %s\n"
    head = fmt % ("case", "ours req/s", "p50 ms", "p99 ms", "srv ms", "hit%", "resp bytes", "peer", "peer r/s", "p50 ms",
                  "p99 ms", "ratio", "target")
    sys.stdout.write(head)
    sys.stdout.write("-" * (len(head) - 1) + "\n")

    def num(v, digits):
        try:
            x = float(v)
        except ValueError:
            return v
        if math.isnan(x):
            return "n/a"
        return ("%." + str(digits) + "f") % x

    for line in open(rows_file):
        f = line.rstrip("\n").split("\t")
        if len(f) == 1:  # a section heading
            sys.stdout.write(f[0] + "\n")
            continue
        case, rps, p50, p99, srv, hit, size, peer, prps, pp50, pp99, target, errors = f
        try:
            ratio = float(rps) / float(prps)
            r = "%.2f" % ratio
        except (ValueError, ZeroDivisionError):
            ratio = None
            r = "n/a"
        verdict = ""
        if target == "small":
            want = "ratio>=2, p99<5ms"
            if ratio is not None:
                try:
                    ok = ratio >= 2 and float(p99) < 5
                except ValueError:
                    ok = False
                verdict = " ok" if ok else " MISS"
        elif target in ("large", "province"):
            want = "ratio>=5"
            if ratio is not None:
                verdict = " ok" if ratio >= 5 else " MISS"
        elif target == "download":
            want = "ratio>=0.5"
            if ratio is not None:
                verdict = " ok" if ratio >= 0.5 else " MISS"
        else:
            want = "-"
        if errors not in ("", "0"):
            verdict += " (%s errors)" % errors
        sys.stdout.write(fmt % (case, num(rps, 1), num(p50, 2), num(p99, 2), num(srv, 2), hit, size, peer, num(prps, 1),
                                num(pp50, 2), num(pp99, 2), r, want + verdict))


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "sources":
        sources(args[0])
    elif cmd == "boxes":
        boxes(args[0], int(args[1]))
    elif cmd == "provinces":
        provinces(args[0], args[1], int(args[2]))
    elif cmd == "urls":
        urls(*args)
    elif cmd == "wrk":
        wrk(args[0])
    elif cmd == "pglog":
        pglog(args)
    elif cmd == "metric":
        metric(args[0], args[1:])
    elif cmd == "check":
        check(args[0], args[1], args[2], int(args[3]), *args[4:5])
    elif cmd == "sameids":
        sameids(args[0], args[1], args[2], int(args[3]))
    elif cmd == "onecollection":
        onecollection(*args)
    elif cmd == "curlloop":
        curlloop(args[0], float(args[1]), args[2])
    elif cmd == "table":
        table(args[0])
    else:
        sys.exit("bench.py: unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
