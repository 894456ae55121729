#!/usr/bin/env python3
"""Helpers for bench/boxes (standard library only; the boxes are bench/api's).

    boxes.py source CATALOG              the elc collection's source, resolved as the server does
    boxes.py lists OUTDIR COUNT          seeded boxes, bench/api's small (1-3 km) and large (50-100 km):
                                         OUTDIR/{small,large}.box (COUNT each) and {small,large}.warm.box
                                         (2,000, another seed), one x0,y0,x1,y1 a line
    boxes.py urls LIST PREFIX SUFFIX     one URL path per line of LIST: PREFIX + line + SUFFIX
    boxes.py wrk FILE                    req/s requests errors (non-2xx answers + socket errors)
    boxes.py compare OURS PEER OURS_URLS PEER_URLS N SAVE
                                         fetches the first N URLs of each list once; prints ours_bytes
                                         peer_bytes equal n ours_matched peer_matched peer_more ours_more
                                         same_ids same_ours_bytes same_peer_bytes (means over the N
                                         answers; equal: answers whose numberMatched agree;
                                         peer_more/ours_more: those where one side matched more; same_ids:
                                         non-empty answers holding the same feature ids on both sides, and
                                         the mean bytes of each side over those); saves the largest answer that both return with
                                         the same feature ids as SAVE.ours and SAVE.peer (with its URL
                                         in SAVE.url)
    boxes.py breakdown OURS PEER         where the bytes of two answers holding the same features go
    boxes.py table ROWS ROUNDS           the report table and the verdicts
"""

import json
import json.decoder
import os
import random
import re
import sys
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ left in bench/api.d
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api.d"))
import bench  # noqa: E402  (bench/api's helpers: box lists, catalog paths, wrk output)

CASES = {"small": ("small boxes (1-3 km), limit=100", 3.0), "large": ("large boxes (50-100 km), limit=1000", 5.0)}


def source(catalog):
    doc, resolve = bench.read_catalog(catalog)
    print(resolve(next(c for c in doc["collections"] if c["id"] == "elc")["source"]))


def lists(outdir, count):
    for kind in CASES:
        lo, hi, seed = bench.KINDS[kind]
        bench.box_list(os.path.join(outdir, kind + ".box"), random.Random(seed), lo, hi, count, kind, None)
        bench.box_list(os.path.join(outdir, kind + ".warm.box"), random.Random(seed + 100), lo, hi, 2000, kind, None)


def wrk(path):
    rps, _, _, reqs, non2xx, sock = bench.parse_wrk(path)
    print("%s %s %d" % (rps, reqs, non2xx + sock))


def fetch(url):
    """(body, document) of URL; (b"", None) when the request or the JSON fails."""
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            body = r.read()
        return body, json.loads(body)
    except Exception:
        return b"", None


def compare(ours_base, peer_base, ours_urls, peer_urls, n, save):
    ours_paths = [l.strip() for l in open(ours_urls) if l.strip()][:n]
    peer_paths = [l.strip() for l in open(peer_urls) if l.strip()][:n]
    ob = pb = om = pm = equal = peer_more = ours_more = same = same_ob = same_pb = 0
    best = None
    for op, pp in zip(ours_paths, peer_paths):
        obody, odoc = fetch(ours_base + op)
        pbody, pdoc = fetch(peer_base + pp)
        ob += len(obody)
        pb += len(pbody)
        if odoc is None or pdoc is None:
            continue
        o, p = odoc.get("numberMatched", -1), pdoc.get("numberMatched", -1)
        om += o
        pm += p
        equal += o == p
        peer_more += p > o
        ours_more += o > p
        oids = sorted(f.get("id") for f in odoc["features"])
        if oids and oids == sorted(f.get("id") for f in pdoc["features"]):
            same += 1
            same_ob += len(obody)
            same_pb += len(pbody)
            if best is None or len(obody) > len(best[0]):
                best = (obody, pbody, op)
    if best:
        open(save + ".ours", "wb").write(best[0])
        open(save + ".peer", "wb").write(best[1])
        open(save + ".url", "w").write(best[2] + "\n")
    k = max(1, len(ours_paths))
    print("%.0f %.0f %d %d %.2f %.2f %d %d %d %.0f %.0f" % (ob / k, pb / k, equal, len(ours_paths), om / k, pm / k,
                                                          peer_more, ours_more, same, same_ob / max(1, same),
                                                          same_pb / max(1, same)))


NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
SPACE = re.compile(r"[ \t\n\r]*")


class Tally:
    """Byte counts of one answer, filled by walk()."""

    def __init__(self):
        self.coord_numbers = 0  # characters of the numbers inside "coordinates"
        self.coord_arrays = 0  # the whole "coordinates" values (numbers, brackets, commas, spaces)
        self.numbers = 0  # how many numbers inside "coordinates"
        self.decimals = 0  # their digits after the decimal point, summed
        self.properties = 0  # the features' "properties" values (keys and values, braces included)
        self.keys = {}  # property name -> bytes of '"name":value' summed over the features


def walk(s, i, key, depth, tally, in_coords):
    """Parses the JSON value at s[i:] (after any spaces) and returns where it ends."""
    i = SPACE.match(s, i).end()
    start = i
    c = s[i]
    if c == "{":
        i = SPACE.match(s, i + 1).end()
        while s[i] != "}":
            item = i
            name, i = json.decoder.scanstring(s, i + 1)
            i = SPACE.match(s, i).end() + 1  # the colon
            i = walk(s, i, name, depth + 1, tally, in_coords)
            if key == "properties" and depth == 3:  # one property of a feature
                tally.keys[name] = tally.keys.get(name, 0) + i - item
            i = SPACE.match(s, i).end()
            if s[i] == ",":
                i = SPACE.match(s, i + 1).end()
        i += 1
    elif c == "[":
        inner = in_coords or key == "coordinates"
        i = SPACE.match(s, i + 1).end()
        while s[i] != "]":
            i = walk(s, i, key, depth + 1, tally, inner)
            i = SPACE.match(s, i).end()
            if s[i] == ",":
                i = SPACE.match(s, i + 1).end()
        i += 1
    elif c == '"':
        _, i = json.decoder.scanstring(s, i + 1)
    elif c in "tfn":
        i += 4 if s.startswith(("true", "null"), i) else 5
    else:
        m = NUMBER.match(s, i)
        i = m.end()
        if in_coords:
            tally.coord_numbers += i - start
            tally.numbers += 1
            tally.decimals += len(m.group(1)) - 1 if m.group(1) else 0
    if key == "coordinates" and not in_coords:
        tally.coord_arrays += i - start
    if key == "properties" and depth == 3:  # document > features > a feature > its properties
        tally.properties += i - start
    return i


def tally_of(path):
    s = open(path, encoding="latin-1").read()  # one character a byte, so that lengths count bytes
    tally = Tally()
    walk(s, 0, None, 0, tally, False)
    tally.total = len(s)
    return tally


def breakdown(ours_path, peer_path):
    o, p = tally_of(ours_path), tally_of(peer_path)
    fmt = "  %-48s %15s %15s %12s\n"
    out = sys.stdout
    out.write(fmt % ("", "ours", "peer", "ours - peer"))

    def row(label, a, b, unit="bytes"):
        pa = " (%4.1f%%)" % (100.0 * a / o.total) if unit == "bytes" else ""
        pb = " (%4.1f%%)" % (100.0 * b / p.total) if unit == "bytes" else ""
        out.write(fmt % (label, "%d%s" % (a, pa), "%d%s" % (b, pb), "%+d" % (a - b)))

    def fnum(label, a, b, digits=2):
        f = "%." + str(digits) + "f"
        out.write(fmt % (label, f % a, f % b, ("%+." + str(digits) + "f") % (a - b)))

    row("whole answer", o.total, p.total)
    row("coordinates: the numbers", o.coord_numbers, p.coord_numbers)
    row("coordinates: brackets and commas", o.coord_arrays - o.coord_numbers, p.coord_arrays - p.coord_numbers)
    row("properties (the features' objects)", o.properties, p.properties)
    rest_o = o.total - o.coord_arrays - o.properties
    rest_p = p.total - p.coord_arrays - p.properties
    row("other structure (type, id, geometry, links...)", rest_o, rest_p)
    out.write(fmt % ("coordinate numbers (two a vertex)", o.numbers, p.numbers, "%+d" % (o.numbers - p.numbers)))
    fnum("mean decimals per coordinate", o.decimals / max(1, o.numbers), p.decimals / max(1, p.numbers))
    fnum("mean characters per coordinate number", o.coord_numbers / max(1, o.numbers),
         p.coord_numbers / max(1, p.numbers))
    only_o = sorted(set(o.keys) - set(p.keys))
    only_p = sorted(set(p.keys) - set(o.keys))
    if only_o:
        out.write("  properties only ours has: %s\n" % ", ".join("%s %d B" % (k, o.keys[k]) for k in only_o))
    if only_p:
        out.write("  properties only the peer has: %s\n" % ", ".join("%s %d B" % (k, p.keys[k]) for k in only_p))
    shared = sorted(set(o.keys) & set(p.keys))
    so, sp = sum(o.keys[k] for k in shared), sum(p.keys[k] for k in shared)
    out.write("  properties both have: %d B ours, %d B peer (commas between properties and braces: %d B ours, %d B peer)\n"
              % (so, sp, o.properties - sum(o.keys.values()), p.properties - sum(p.keys.values())))


def table(rows_file, rounds):
    """ROWS (TSV): round case ours_rps ours_errors peer_rps peer_errors ours_bytes peer_bytes agreement load
    ours_cpu peer_cpu (each "user system", microseconds of CPU per answer)."""
    rows = [l.rstrip("\n").split("\t") for l in open(rows_file) if l.strip()]
    fmt = "%5s  %-36s %10s %10s %6s %17s %17s %6s %11s %11s  %-28s %s\n"
    head = fmt % ("round", "case", "ours req/s", "peer req/s", "ratio", "ours CPU µs/ans.", "peer CPU µs/ans.",
                  "ratio", "ours bytes", "peer bytes", "numberMatched (first 50)", "load")
    sys.stdout.write(head + "-" * (len(head) - 1) + "\n")
    ratios, cpu_ratios, ceilings = {}, {}, {}
    errors = []

    def ratio(a, b):
        try:
            return float(a) / float(b)
        except (ValueError, ZeroDivisionError):
            return None

    def cpu(text):
        """(user, system, total) microseconds, or None."""
        try:
            user, system = (float(x) for x in text.split())
            return user, system, user + system
        except ValueError:
            return None

    for rnd, case, ours, oerr, peer, perr, obytes, pbytes, agree, load, ocpu_text, pcpu_text in rows:
        r = ratio(ours, peer)
        ratios.setdefault(case, []).append(r)
        ocpu, pcpu = cpu(ocpu_text), cpu(pcpu_text)
        cr = ratio(pcpu[2], ocpu[2]) if ocpu and pcpu else None
        cpu_ratios.setdefault(case, []).append(cr)
        if ocpu and pcpu and ocpu[1] > 0:
            ceilings.setdefault(case, []).append(pcpu[2] / ocpu[1])
        if oerr != "0" or perr != "0":
            errors.append("round %s, %s: %s errors ours, %s peer (non-2xx answers and socket errors)"
                          % (rnd, case, oerr, perr))
        shown = lambda c: "n/a" if c is None else "%.1f+%.1f=%.1f" % c
        sys.stdout.write(fmt % (rnd, CASES[case][0], ours, peer, "n/a" if r is None else "%.2f" % r, shown(ocpu),
                                shown(pcpu), "n/a" if cr is None else "%.2f" % cr, obytes, pbytes, agree, load))
    sys.stdout.write("\n")
    for case, (label, target) in CASES.items():
        got = ratios.get(case, [])
        if not got:
            continue
        if None in got:
            sys.stdout.write("%s: a round has no ratio (a run failed): MISS\n" % label)
            continue
        low = min(got)
        sys.stdout.write("%s: ours/peer %s over %d rounds, minimum %.2f, target >= %g in each of %d rounds: %s\n"
                         % (label, " ".join("%.2f" % r for r in got), len(got), low, target, rounds,
                            "ok" if low >= target and len(got) >= rounds else "MISS"))
        cr = [c for c in cpu_ratios.get(case, []) if c is not None]
        if cr:
            sys.stdout.write("  CPU per answer, peer/ours: %s\n" % " ".join("%.2f" % c for c in cr))
        if ceilings.get(case):
            sys.stdout.write("  ceiling (the peer's CPU per answer over our system time alone): %s: %s\n"
                             % (" ".join("%.2f" % c for c in ceilings[case]),
                                "below the target: the kernel's share of an answer alone rules it out"
                                if max(ceilings[case]) < target else "the target is within reach"))
    for e in errors:
        sys.stdout.write("- " + e + "\n")


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "source":
        source(args[0])
    elif cmd == "lists":
        lists(args[0], int(args[1]))
    elif cmd == "urls":
        bench.urls(*args)
    elif cmd == "wrk":
        wrk(args[0])
    elif cmd == "compare":
        compare(args[0], args[1], args[2], args[3], int(args[4]), args[5])
    elif cmd == "breakdown":
        breakdown(args[0], args[1])
    elif cmd == "table":
        table(args[0], int(args[1]))
    else:
        sys.exit("boxes.py: unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
