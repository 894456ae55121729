#!/usr/bin/env python3
"""Generate SYNTHETIC land-concession data as ESRI shapefiles (or a GeoPackage) in UTM zone 48N.

Nothing written by this script describes a real concession, company or
province boundary. Every name says "Synthetic" or "Sample", and every
concession carries Synthetic=yes.

Usage:
    python3 data/generate.py sample [OUTDIR]
        Small sample (default OUTDIR: data/sample next to this script):
        synthetic_provinces.shp and synthetic_concessions.shp.

    python3 data/generate.py large OUTDIR [--count 200000] [--vertices 125]
                                          [--format shp|gpkg]
        Benchmark set: OUTDIR/large_concessions.shp with COUNT random polygons
        of about VERTICES vertices each, placed inside Cambodia, and
        OUTDIR/large_provinces.shp, the geoBoundaries ADM1 file from
        ${CONCESSIONS_SHARED_DATA:-../shared/data} reprojected to UTM 48N.
        --format gpkg writes the polygons to OUTDIR/large_concessions.gpkg
        instead (layer large_concessions, the same fields, geometry and seed):
        a shapefile cannot pass 4 GB, which 2,000,000 polygons do.

Only the Python standard library and the ogr2ogr command are used. Geometry
is written as GeoJSON in UTM metres (EPSG:32648) to a temporary file, then
converted with ogr2ogr, which writes the .prj and .cpg files. The random
seed is fixed, so the same arguments give the same output bytes (with the
same Python and GDAL versions).
"""

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

SEED = 20101026
EPSG = 32648  # WGS 84 / UTM zone 48N
# The .dbf header holds a "last update" date; fix it so output is reproducible.
DBF_DATE = "2024-01-01"
# The same for a GeoPackage's gpkg_contents.last_change (GDAL's OGR_CURRENT_DATE).
GPKG_DATE = "2024-01-01T00:00:00.000Z"

PURPOSES = ["Rubber", "Sugar cane", "Cassava", "Acacia", "Oil Palm"]
NATIONS = ["Cambodian", "Vietnamese", "Chinese", "Thai", "Korean", "Malaysian"]
# A dozen fictitious companies, each with a fixed investor country.
COMPANIES = [("Sample Agro Co. %d" % (i + 1), NATIONS[i % len(NATIONS)])
             for i in range(12)]
DURATIONS = [50, 70, 70, 70, 70, 99]
BAD_DATES = ["12:00:00 AM", "unknown", "n/a"]

# Sample area: a rectangle over central Cambodia (about 104-106.8 E, 11.7-13.6 N).
SAMPLE_X = (400000.0, 700000.0)
SAMPLE_Y = (1300000.0, 1500000.0)
SAMPLE_COLUMNS, SAMPLE_ROWS = 3, 2
SAMPLE_COUNT = 300


# ---------------------------------------------------------------------------
# Geometry helpers. A ring is a list of (x, y) tuples whose last point equals
# the first; a polygon is a list of rings (exterior first, then holes).

def ring_area(ring):
    """Signed area (shoelace): positive for counter-clockwise rings."""
    return 0.5 * sum(x0 * y1 - x1 * y0
                     for (x0, y0), (x1, y1) in zip(ring, ring[1:]))


def point_in_ring(x, y, ring):
    """Even-odd ray casting."""
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def point_in_polygon(x, y, polygon):
    """Inside the exterior ring and outside every hole."""
    if not point_in_ring(x, y, polygon[0]):
        return False
    return not any(point_in_ring(x, y, hole) for hole in polygon[1:])


def bbox(points):
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def bboxes_overlap(a, b):
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def segments_cross(p, q, r, s):
    """True if segment pq properly crosses segment rs."""
    def side(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (side(p, q, r) * side(p, q, s) < 0 and
            side(r, s, p) * side(r, s, q) < 0)


def rings_overlap(a, b):
    """True if the areas enclosed by two simple rings overlap."""
    if not bboxes_overlap(bbox(a), bbox(b)):
        return False
    if any(point_in_ring(x, y, b) for x, y in a[:-1]):
        return True
    if any(point_in_ring(x, y, a) for x, y in b[:-1]):
        return True
    return any(segments_cross(p, q, r, s)
               for p, q in zip(a, a[1:]) for r, s in zip(b, b[1:]))


def blob(rng, cx, cy, radius, n):
    """An irregular, smooth, convex-ish closed ring of n vertices (CCW).

    Vertices have strictly increasing angles around the centre, so the ring
    never crosses itself. Its radius stays between about 0.67 and 1.33 times
    `radius`.
    """
    harmonics = [(k, amp * rng.uniform(0.3, 1.0), rng.uniform(0, 2 * math.pi))
                 for k, amp in ((1, 0.12), (2, 0.1), (3, 0.06), (5, 0.02))]
    step = 2 * math.pi / n
    start = rng.uniform(0, 2 * math.pi)
    ring = []
    for i in range(n):
        angle = start + (i + rng.uniform(-0.3, 0.3)) * step
        r = radius * (1 + sum(a * math.cos(k * angle + phase)
                              for k, a, phase in harmonics)
                      + rng.uniform(-0.03, 0.03))
        ring.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    ring.append(ring[0])
    return ring


def radius_for(hectares):
    """Radius of a circle of the given area."""
    return math.sqrt(hectares * 10000.0 / math.pi)


def twisted(ring):
    """Make a ring self-intersecting by reversing a quarter of its vertices."""
    pts = ring[:-1]
    i, j = len(pts) // 4, len(pts) // 2
    pts = pts[:i] + pts[i:j][::-1] + pts[j:]
    return pts + [pts[0]]


def bow_tie(cx, cy, half_width, left, right):
    """An asymmetric bow-tie ("figure of eight") ring: invalid on purpose."""
    ring = [(cx - half_width, cy - left), (cx + half_width, cy + right),
            (cx + half_width, cy - right), (cx - half_width, cy + left)]
    return ring + [ring[0]]


def coords(ring):
    """JSON-ready coordinates, rounded to centimetres."""
    return [[round(x, 2), round(y, 2)] for x, y in ring]


# ---------------------------------------------------------------------------
# Attributes

def contract_date(rng):
    """A dd/mm/yyyy string between 1996 and 2015."""
    return "%02d/%02d/%04d" % (rng.randint(1, 28), rng.randint(1, 12),
                               rng.randint(1996, 2015))


def attributes(rng, number, digits, province, hectares, contract=None):
    company, nation = rng.choice(COMPANIES)
    return {
        "Name": "Synthetic Concession %0*d (sample data)" % (digits, number),
        "Company": company,
        "Province": province,
        "Hectares": round(hectares, 2),
        "Purpose": rng.choice(PURPOSES),
        "Contract": contract or contract_date(rng),
        "Nation": nation,
        "Duration": rng.choice(DURATIONS),
        "Synthetic": "yes",
    }


def geometry(parts):
    """GeoJSON geometry for a list of polygons (None for no geometry)."""
    if not parts:
        return None
    if len(parts) == 1:
        return {"type": "Polygon", "coordinates": [coords(r) for r in parts[0]]}
    return {"type": "MultiPolygon",
            "coordinates": [[coords(r) for r in p] for p in parts]}


def feature(properties, parts):
    return {"type": "Feature", "properties": properties,
            "geometry": geometry(parts)}


CRS_MEMBER = {"type": "name",
              "properties": {"name": "urn:ogc:def:crs:EPSG::%d" % EPSG}}


# ---------------------------------------------------------------------------
# Running ogr2ogr

def remove_shapefile(path):
    base = os.path.splitext(path)[0]
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx"):
        if os.path.exists(base + ext):
            os.remove(base + ext)


def ogr2ogr(source, destination, *options):
    remove_shapefile(destination)
    command = ["ogr2ogr", "-f", "ESRI Shapefile",
               "-lco", "ENCODING=UTF-8", "-lco", "RESIZE=YES",
               "-lco", "SPATIAL_INDEX=NO", "-lco", "DBF_DATE_LAST_UPDATE=" + DBF_DATE,
               *options, destination, source]
    subprocess.run(command, check=True)


def ogr2ogr_gpkg(source, destination, *options):
    """As ogr2ogr, to a new GeoPackage. No spatial index, as in the shapefiles."""
    if os.path.exists(destination):
        os.remove(destination)
    command = ["ogr2ogr", "-f", "GPKG", "--config", "OGR_CURRENT_DATE", GPKG_DATE,
               "-lco", "SPATIAL_INDEX=NO", *options, destination, source]
    subprocess.run(command, check=True)


# ---------------------------------------------------------------------------
# Sample data set

def jagged_edge(rng, a, b, outer):
    """Polyline from node a to node b. Outer edges are straight; inner
    edges wander sideways (less near the ends, so edges never cross)."""
    if outer:
        return [a, b]
    (ax, ay), (bx, by) = a, b
    length = math.hypot(bx - ax, by - ay)
    nx, ny = -(by - ay) / length, (bx - ax) / length  # unit normal
    points, wander, count = [a], 0.0, 14
    for m in range(1, count + 1):
        t = (m + rng.uniform(-0.3, 0.3)) / (count + 1)
        wander = max(-1.0, min(1.0, wander + rng.uniform(-0.7, 0.7)))
        offset = 7000.0 * math.sin(math.pi * t) * wander
        points.append((ax + t * (bx - ax) + offset * nx,
                       ay + t * (by - ay) + offset * ny))
    points.append(b)
    return points


def make_provinces(rng):
    """Cells of a jittered 3 x 2 grid with jagged shared edges.

    Returns a list of dicts with code, name and ring. Neighbours build their
    shared boundary from the same edge polyline, so there are no gaps or
    overlaps.
    """
    (x0, x1), (y0, y1) = SAMPLE_X, SAMPLE_Y
    cols, rows = SAMPLE_COLUMNS, SAMPLE_ROWS
    nodes = {}
    for i in range(cols + 1):
        for j in range(rows + 1):
            x = x0 + (x1 - x0) * i / cols
            y = y0 + (y1 - y0) * j / rows
            if 0 < i < cols:
                x += rng.uniform(-15000, 15000)
            if 0 < j < rows:
                y += rng.uniform(-10000, 10000)
            nodes[i, j] = (x, y)

    edges = {}  # (node, node) -> polyline, left-to-right or bottom-to-top
    for i in range(cols + 1):
        for j in range(rows + 1):
            if i < cols:
                edges[(i, j), (i + 1, j)] = jagged_edge(
                    rng, nodes[i, j], nodes[i + 1, j], outer=j in (0, rows))
            if j < rows:
                edges[(i, j), (i, j + 1)] = jagged_edge(
                    rng, nodes[i, j], nodes[i, j + 1], outer=i in (0, cols))

    provinces = []
    for j in reversed(range(rows)):          # north row first: A, B, C
        for i in range(cols):
            bottom = edges[(i, j), (i + 1, j)]
            right = edges[(i + 1, j), (i + 1, j + 1)]
            top = edges[(i, j + 1), (i + 1, j + 1)][::-1]
            left = edges[(i, j), (i, j + 1)][::-1]
            ring = bottom + right[1:] + top[1:] + left[1:]  # CCW, closed
            ring = [(round(x, 2), round(y, 2)) for x, y in ring]
            n = len(provinces)
            provinces.append({"code": "S%d" % (n + 1),
                              "name": "Synthetic Province %s" % "ABCDEF"[n],
                              "ring": ring})
    return provinces, edges


def provinces_overlapped(provinces, parts):
    """Names of the provinces whose area overlaps any exterior ring."""
    return [p["name"] for p in provinces
            if any(rings_overlap(part[0], p["ring"]) for part in parts)]


def inside_one_province(provinces, parts):
    """The province name if every part lies wholly inside one province."""
    names = provinces_overlapped(provinces, parts)
    if len(names) != 1:
        return None
    ring = next(p["ring"] for p in provinces if p["name"] == names[0])
    if all(point_in_ring(x, y, ring) for part in parts for x, y in part[0]):
        return names[0]
    return None


def sample_kinds(rng):
    special = (["multipolygon"] * 3 + ["hole"] * 3 + ["bow-tie", "twisted"] +
               ["straddle"] * 3 + ["junction", "null geometry"])
    kinds = special + ["simple"] * (SAMPLE_COUNT - len(special))
    rng.shuffle(kinds)
    return kinds


def random_centre(rng, margin=6000.0):
    return (rng.uniform(SAMPLE_X[0] + margin, SAMPLE_X[1] - margin),
            rng.uniform(SAMPLE_Y[0] + margin, SAMPLE_Y[1] - margin))


def make_shape(rng, kind, provinces, edges):
    """Return (parts, declared hectares, province text) for one feature."""
    inner_edges = [e for e in edges.values() if len(e) > 2]
    junction = edges[(1, 1), (2, 1)][-1]  # grid node where B, C, E, F meet
    while True:
        hectares = math.exp(rng.uniform(math.log(100), math.log(10000)))
        n = rng.randint(8, 40)
        if kind in ("straddle", "junction"):
            hectares = rng.uniform(4000, 10000)
            if kind == "junction":
                cx, cy = junction
            else:                    # a vertex in the middle of a shared edge
                cx, cy = rng.choice(rng.choice(inner_edges)[5:-5])
        else:
            cx, cy = random_centre(rng)
        radius = radius_for(hectares)

        if kind == "multipolygon":
            k = rng.randint(2, 3)
            r = radius / math.sqrt(k)
            angle = rng.uniform(0, 2 * math.pi)
            parts = [[blob(rng, cx + 3.2 * r * math.cos(angle + m * 2.1),
                           cy + 3.2 * r * math.sin(angle + m * 2.1),
                           r, max(8, n // k))] for m in range(k)]
        elif kind == "hole":
            outer = blob(rng, cx, cy, radius, max(n, 12))
            hole = blob(rng, cx, cy, radius * rng.uniform(0.2, 0.3), 10)[::-1]
            parts = [[outer, hole]]
        elif kind == "bow-tie":  # its two lobes cover about 2.16 w^2
            w = math.sqrt(hectares * 10000.0 / 2.16)
            parts = [[bow_tie(cx, cy, w, w * 1.3, w * 0.6)]]
        elif kind == "twisted":
            parts = [[twisted(blob(rng, cx, cy, radius, max(n, 16)))]]
        else:
            parts = [[blob(rng, cx, cy, radius, n)]]

        if kind in ("straddle", "junction"):
            names = provinces_overlapped(provinces, parts)
            if len(names) >= (4 if kind == "junction" else 2):
                break
        else:
            name = inside_one_province(provinces, parts)
            if name:
                names = [name]
                break

    if kind == "bow-tie":     # the shoelace area of its lobes cancels out
        area = hectares
    else:
        area = sum(abs(ring_area(p[0])) - sum(abs(ring_area(h)) for h in p[1:])
                   for p in parts) / 10000.0
    declared = area * rng.uniform(0.85, 1.15)
    return parts, declared, ", ".join(names)


def write_sample(outdir):
    rng = random.Random(SEED)
    os.makedirs(outdir, exist_ok=True)
    provinces, edges = make_provinces(rng)

    province_features = [
        {"type": "Feature",
         "properties": {"PROV_CODE": p["code"], "PROV_NAME": p["name"]},
         "geometry": {"type": "Polygon", "coordinates": [coords(p["ring"])]}}
        for p in provinces]

    kinds = sample_kinds(rng)
    bad_dates = dict(zip(rng.sample(
        [i for i, k in enumerate(kinds) if k == "simple"], len(BAD_DATES)),
        BAD_DATES))
    features, report = [], []
    for index, kind in enumerate(kinds):
        number = index + 1
        if kind == "null geometry":
            parts, declared = [], rng.uniform(500, 5000)
            province = rng.choice(provinces)["name"]   # attribute only
        else:
            parts, declared, province = make_shape(rng, kind, provinces, edges)
        props = attributes(rng, number, 3, province, declared,
                           bad_dates.get(index))
        features.append(feature(props, parts))
        if kind != "simple" or index in bad_dates:
            label = kind if kind != "simple" else "bad date"
            report.append("  %-14s %s  [%s]  Contract=%r" % (
                label, props["Name"], province, props["Contract"]))

    with tempfile.TemporaryDirectory() as tmp:
        for name, feats, options in (
                ("synthetic_provinces", province_features, ["-nlt", "POLYGON"]),
                ("synthetic_concessions", features,
                 ["-nlt", "PROMOTE_TO_MULTI"])):
            source = os.path.join(tmp, name + ".geojson")
            with open(source, "w", encoding="utf-8") as f:
                json.dump({"type": "FeatureCollection", "name": name,
                           "crs": CRS_MEMBER, "features": feats}, f)
            ogr2ogr(source, os.path.join(outdir, name + ".shp"),
                    "-a_srs", "EPSG:%d" % EPSG, "-nln", name, *options)

    print("wrote %d provinces and %d concessions to %s" % (
        len(province_features), len(features), outdir))
    print("special features:")
    print("\n".join(report))


# ---------------------------------------------------------------------------
# Large benchmark data set

class ProvinceIndex:
    """Point-in-province lookup on polygons in UTM metres.

    Edges are bucketed into horizontal bands so that a ray-casting test only
    looks at the few edges that span the point's y.
    """
    BAND = 2000.0

    def __init__(self, geojson_path):
        with open(geojson_path, encoding="utf-8") as f:
            data = json.load(f)
        self.provinces = []
        for feat in data["features"]:
            g = feat["geometry"]
            polygons = (g["coordinates"] if g["type"] == "MultiPolygon"
                        else [g["coordinates"]])
            bands = {}
            for polygon in polygons:
                for ring in polygon:
                    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
                        if y0 == y1:
                            continue
                        for b in range(int(min(y0, y1) // self.BAND),
                                       int(max(y0, y1) // self.BAND) + 1):
                            bands.setdefault(b, []).append((x0, y0, x1, y1))
            points = [p for polygon in polygons for ring in polygon for p in ring]
            self.provinces.append((feat["properties"]["name"], bbox(points), bands))
        self.extent = (min(p[1][0] for p in self.provinces),
                       min(p[1][1] for p in self.provinces),
                       max(p[1][2] for p in self.provinces),
                       max(p[1][3] for p in self.provinces))

    def lookup(self, x, y):
        """Name of the province containing (x, y), or None."""
        band = int(y // self.BAND)
        for name, (bx0, by0, bx1, by1), bands in self.provinces:
            if not (bx0 <= x <= bx1 and by0 <= y <= by1):
                continue
            inside = False
            for x0, y0, x1, y1 in bands.get(band, ()):
                if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                    inside = not inside
            if inside:
                return name
        return None


def ring_json(ring):
    return "[" + ",".join("[%.2f,%.2f]" % p for p in ring) + "]"


def write_large(outdir, count, vertices, file_format):
    started = time.time()
    rng = random.Random(SEED)
    os.makedirs(outdir, exist_ok=True)
    shared = os.environ.get("CONCESSIONS_SHARED_DATA") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")
    source = os.path.join(shared, "geoboundaries-khm-adm1",
                          "khm-adm1-simplified-for-bench.geojson")
    if not os.path.exists(source):
        sys.exit("province file not found: %s (set CONCESSIONS_SHARED_DATA)" % source)

    with tempfile.TemporaryDirectory() as tmp:
        # Provinces: reproject to UTM 48N, as a shapefile and as GeoJSON for
        # the point-in-polygon test below.
        ogr2ogr(source, os.path.join(outdir, "large_provinces.shp"),
                "-t_srs", "EPSG:%d" % EPSG, "-nln", "large_provinces",
                "-nlt", "PROMOTE_TO_MULTI")
        utm_provinces = os.path.join(tmp, "provinces_utm.geojson")
        subprocess.run(["ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:%d" % EPSG,
                        utm_provinces, source], check=True)
        index = ProvinceIndex(utm_provinces)
        x0, y0, x1, y1 = index.extent

        digits = max(3, len(str(count)))
        path = os.path.join(tmp, "large_concessions.geojson")
        total_vertices = 0
        with open(path, "w", encoding="utf-8") as out:
            out.write('{"type":"FeatureCollection","name":"large_concessions",'
                      '"crs":%s,"features":[\n' % json.dumps(CRS_MEMBER))
            for number in range(1, count + 1):
                while True:   # a centre inside a province
                    cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
                    province = index.lookup(cx, cy)
                    if province:
                        break
                hectares = math.exp(rng.uniform(math.log(100), math.log(10000)))
                radius = radius_for(hectares)
                n = max(8, vertices + rng.randint(-vertices // 5, vertices // 5))
                kind = rng.random()
                if kind < 0.01:        # 1%: two-part multipolygon
                    r = radius / math.sqrt(2)
                    a = rng.uniform(0, 2 * math.pi)
                    dx, dy = 1.6 * r * math.cos(a), 1.6 * r * math.sin(a)
                    polygons = [[blob(rng, cx - dx, cy - dy, r, max(8, n // 2))],
                                [blob(rng, cx + dx, cy + dy, r, max(8, n - n // 2))]]
                elif kind < 0.02:      # 1%: polygon with a hole
                    holes = max(8, n // 5)
                    polygons = [[blob(rng, cx, cy, radius, max(8, n - holes)),
                                 blob(rng, cx, cy, radius * 0.25, holes)[::-1]]]
                elif kind < 0.0205:    # 0.05%: self-intersecting ring
                    polygons = [[twisted(blob(rng, cx, cy, radius, n))]]
                else:
                    polygons = [[blob(rng, cx, cy, radius, n)]]
                total_vertices += sum(len(r) for p in polygons for r in p)
                contract = rng.choice(BAD_DATES) if rng.random() < 0.001 else None
                props = attributes(rng, number, digits, province,
                                   hectares * rng.uniform(0.85, 1.15), contract)
                if len(polygons) == 1:
                    geom = '{"type":"Polygon","coordinates":[%s]}' % ",".join(
                        ring_json(r) for r in polygons[0])
                else:
                    geom = '{"type":"MultiPolygon","coordinates":[%s]}' % ",".join(
                        "[" + ",".join(ring_json(r) for r in p) + "]"
                        for p in polygons)
                out.write('%s{"type":"Feature","properties":%s,"geometry":%s}\n' % (
                    "," if number > 1 else "",
                    json.dumps(props, ensure_ascii=False), geom))
            out.write("]}\n")
        generated = time.time()
        print("generated %d features, %d vertices, %.0f MB of GeoJSON in %.1f s" % (
            count, total_vertices, os.path.getsize(path) / 1e6, generated - started))

        destination = os.path.join(outdir, "large_concessions." + file_format)
        if file_format == "gpkg":  # declares the layer MultiPolygon, as a shapefile cannot
            write, layer_type = ogr2ogr_gpkg, "MULTIPOLYGON"
        else:
            write, layer_type = ogr2ogr, "PROMOTE_TO_MULTI"
        write(path, destination, "-a_srs", "EPSG:%d" % EPSG,
              "-nln", "large_concessions", "-nlt", layer_type)
        finished = time.time()
        print("ogr2ogr took %.1f s; %s is %.0f MB" % (
            finished - generated, destination, os.path.getsize(destination) / 1e6))
    print("total %.1f s" % (time.time() - started))


# ---------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    sample = sub.add_parser("sample", help="small sample data set")
    sample.add_argument("outdir", nargs="?", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "sample"))
    large = sub.add_parser("large", help="large benchmark data set")
    large.add_argument("outdir")
    large.add_argument("--count", type=int, default=200000)
    large.add_argument("--vertices", type=int, default=125)
    large.add_argument("--format", choices=("shp", "gpkg"), default="shp",
                       help="large_concessions as a shapefile (default) or a GeoPackage")
    args = parser.parse_args()
    if args.mode == "sample":
        write_sample(args.outdir)
    else:
        write_large(args.outdir, args.count, args.vertices, args.format)


if __name__ == "__main__":
    main()
