"""bench/soak's request mix: a seeded list of requests for one data set,
made from the server's own documents (collections, queryables, TileJSON,
provinces, the map page and a sample of features), so that the same list
serves the real catalog and the generated set.

Each request has a kind (the report's rows), a path, the statuses it may
get, and whether the client leaves in the middle of its body. Weights
(per 100 picks) are in WEIGHTS; the If-None-Match requests are made at run
time from ETags the clients have seen (client.py)."""

import json
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

# How often each kind is picked (out of their sum); "conditional" requests
# come on top (client.CONDITIONAL_SHARE of the picks re-ask a seen URL).
WEIGHTS = {
    "items": 20,        # pages: bbox, province, q, property, datetime, sortby, limit/offset, f=csv
    "item": 8,          # one feature by id
    "tile mvt": 15,     # every zoom the collection serves
    "tile geojson": 15,
    "provinces": 4,     # /provinces and /provinces/{p}
    "stats": 6,         # every group of every collection
    "documents": 6,     # landing (page and JSON), api, conformance, collections, queryables, tiles.json, assets
    "download": 8,      # items?f=...&download=1, every format
    "download multi": 3,  # /download?collections=a,b&f=...
    "abandoned": 4,     # a large download the client leaves after a few KB
    "errors": 2,        # requests that must get a 4xx (and keep getting the same one)
}

DOWNLOAD_FORMATS = ["geojson", "csv", "kml", "gpkg", "shp"]
STATS_GROUPS = ["province", "company", "purpose", "nationality", "year"]
OK = frozenset({200})
TILE_OK = frozenset({200, 204})  # 204: no feature in the tile


@dataclass
class request:
    kind: str
    path: str
    expect: frozenset = OK
    accept: str = ""           # an Accept header (the page wants text/html)
    abandon: bool = False      # read a few KB of the body, then close the socket
    zoom: int = -1             # tiles: their zoom, to report which zooms were asked


@dataclass
class data_set:
    """What the list is made from, read from the server."""
    collections: list = field(default_factory=list)  # dicts: id, kind, bbox, minzoom, maxzoom, queryables, sample
    provinces: list = field(default_factory=list)    # (name, code)
    assets: list = field(default_factory=list)       # paths the map page loads
    large: bool = False                              # the generated set: keep whole-layer downloads for abandoning


def get_json(base, path):
    with urllib.request.urlopen(base + path, timeout=120) as r:
        return json.load(r)


def status_of(base, path):
    """The status a request gets now (a 4xx is an answer, not an exception)."""
    try:
        with urllib.request.urlopen(base + path, timeout=120) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def read_data_set(base, rng, large):
    d = data_set(large=large)
    for c in get_json(base, "/collections")["collections"]:
        cid = c["id"]
        tj = get_json(base, "/collections/%s/tiles.json" % cid)
        queryables = sorted(get_json(base, "/collections/%s/queryables" % cid)["properties"])
        total = get_json(base, "/collections/%s/items?limit=1" % cid)["numberMatched"]
        # A sample of features: ids, positions for tiles and boxes, words and
        # property values for filters. Pages at seeded offsets (the large set
        # has 200,000 features; the real layers a few hundred at most).
        sample = []
        for offset in sorted({rng.randrange(max(total - 100, 1)) for _ in range(3 if large else 2)} | {0}):
            sample += get_json(base, "/collections/%s/items?limit=100&offset=%d" % (cid, offset))["features"]
        d.collections.append({
            "id": cid, "kind": c.get("kind", "concession"), "bbox": c["extent"]["spatial"]["bbox"][0],
            "minzoom": tj["minzoom"], "maxzoom": tj["maxzoom"], "queryables": queryables,
            "sample": [f for f in sample if f.get("geometry")], "total": total,
            "dated": bool(c["extent"].get("temporal", {}).get("interval", [[None]])[0][0]),
        })
    for f in get_json(base, "/provinces")["features"]:
        p = f["properties"]
        d.provinces.append((p["name"], p.get("code") or f.get("id")))
    page_request = urllib.request.Request(base + "/", headers={"Accept": "text/html"})
    page = urllib.request.urlopen(page_request, timeout=60).read()
    d.assets = sorted(set(re.findall(rb'(?:src|href)="(/assets/[^"?#]+)"', page)))[:6]
    d.assets = [a.decode() for a in d.assets]
    return d


def positions(geometry):
    """Every [lon, lat] of a GeoJSON geometry."""
    def walk(c):
        if c and isinstance(c[0], (int, float)):
            yield c
        else:
            for x in c:
                yield from walk(x)
    if geometry["type"] == "GeometryCollection":
        for g in geometry["geometries"]:
            yield from positions(g)
    else:
        yield from walk(geometry["coordinates"])


def tile_of(lon, lat, z):
    n = 2 ** z
    lat = max(min(lat, 85.0), -85.0)
    x = min(int((lon + 180) / 360 * n), n - 1)
    y = min(int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n), n - 1)
    return x, y


def tile_request(c, z, lon, lat, fmt):
    x, y = tile_of(lon, lat, z)
    return request("tile " + fmt, "/collections/%s/tiles/%d/%d/%d.%s" % (c["id"], z, x, y, fmt), TILE_OK, zoom=z)


def q(value):
    return urllib.parse.quote(str(value), safe="")


def make_list(base, rng, large, count=4000):
    """The seeded list: `count` requests in the proportions of WEIGHTS, plus
    the probes' findings (stats groups a collection has no field for are
    kept as errors with the 4xx they got)."""
    d = read_data_set(base, rng, large)
    colls = d.collections
    concessions = [c for c in colls if c["kind"] != "context"] or colls
    names = [p[0] for p in d.provinces]

    def point(c):
        f = rng.choice(c["sample"])
        return rng.choice(list(positions(f["geometry"])))

    def box(c, lo, hi):
        lon, lat = point(c)
        w = rng.uniform(lo, hi)
        return "%.5f,%.5f,%.5f,%.5f" % (lon - w / 2, lat - w / 2, lon + w / 2, lat + w / 2)

    def word(c):
        for _ in range(20):
            props = rng.choice(c["sample"])["properties"]
            text = " ".join(str(v) for v in props.values() if isinstance(v, str))
            words = re.findall(r"[A-Za-z]{4,}", text)
            if words:
                return rng.choice(words).lower()
        return "rubber"

    def property_filter(c):
        for _ in range(20):
            props = rng.choice(c["sample"])["properties"]
            options = [(k, v) for k, v in props.items()
                       if k in c["queryables"] and isinstance(v, str) and 0 < len(v) < 40]
            if options:
                k, v = rng.choice(options)
                return "%s=%s" % (q(k), q(v))
        return ""

    def sort_key(c):
        keys = [k for k in ("area_ha", "contract_date", "id") if k in c["queryables"]] or c["queryables"]
        return rng.choice(["", "-"]) + rng.choice(keys)

    # One builder per kind; each returns a request.
    def items():
        c = rng.choice(colls)
        filters = []
        pick = rng.random()
        if pick < 0.35:
            filters.append("bbox=" + box(c, 0.01, 0.5 if not large else 0.2))
        elif pick < 0.55:
            filters.append("province=" + q(rng.choice(names)))
        elif pick < 0.7:
            filters.append("q=" + q(word(c)))
        elif pick < 0.8:
            filters.append(property_filter(c))
        elif pick < 0.88 and c["dated"]:
            y = rng.randint(1995, 2014)
            filters.append("datetime=%d-01-01/%d-12-31" % (y, y + rng.randint(0, 5)))
        if rng.random() < 0.3:
            filters.append("sortby=" + q(sort_key(c)))
        filters.append("limit=%d" % rng.choice([1, 10, 10, 100, 100, 1000 if not large else 300]))
        if rng.random() < 0.3:
            filters.append("offset=%d" % rng.choice([10, 100, 1000]))
        if rng.random() < 0.1:
            filters.append("f=csv")
        return request("items", "/collections/%s/items?%s" % (c["id"], "&".join(f for f in filters if f)))

    def item():
        c = rng.choice(colls)
        return request("item", "/collections/%s/items/%s" % (c["id"], q(rng.choice(c["sample"])["id"])))

    def tile(fmt):
        def make():
            c = rng.choice(colls)
            z = rng.randint(c["minzoom"], c["maxzoom"])
            if rng.random() < 0.8:
                lon, lat = point(c)
            else:  # anywhere over the layer: empty tiles too
                x0, y0, x1, y1 = c["bbox"]
                lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
            return tile_request(c, z, lon, lat, fmt)
        return make

    def provinces():
        if rng.random() < 0.2:
            return request("provinces", "/provinces")
        name, code = rng.choice(d.provinces)
        return request("provinces", "/provinces/" + q(rng.choice([name, name, code])))

    stats_ok, stats_refused = [], []
    for c in colls:
        for g in STATS_GROUPS:
            path = "/collections/%s/stats?group=%s" % (c["id"], g)
            s = status_of(base, path)
            (stats_refused if 400 <= s < 500 else stats_ok).append((path, s))

    def stats():
        path, _ = rng.choice(stats_ok)
        if rng.random() < 0.3:
            path += "&province=" + q(rng.choice(names))
        return request("stats", path)

    documents_list = [("/", "text/html"), ("/?f=json", ""), ("/", "application/json"), ("/api", ""),
                      ("/conformance", ""), ("/collections", "")]
    for c in colls:
        documents_list += [("/collections/" + c["id"], ""), ("/collections/%s/queryables" % c["id"], ""),
                           ("/collections/%s/tiles.json" % c["id"], "")]
    documents_list += [(a, "") for a in d.assets]

    def documents():
        path, accept = rng.choice(documents_list)
        return request("documents", path, accept=accept)

    def download_filter(c, fmt):
        """Whole layer, a province or a box on the real layers; on the
        generated set a box (a province's CSV is ~50 MB there)."""
        if large:
            return "bbox=" + box(c, 0.05, 0.15)
        pick = rng.random()
        if pick < 0.4:
            return ""
        if pick < 0.7:
            return "province=" + q(rng.choice(names))
        return "bbox=" + box(c, 0.2, 1.0)

    def download():
        c = rng.choice(concessions if rng.random() < 0.6 else colls)
        fmt = rng.choice(DOWNLOAD_FORMATS)
        flt = download_filter(c, fmt)
        return request("download", "/collections/%s/items?f=%s&download=1%s" % (c["id"], fmt, "&" + flt if flt else ""))

    def download_multi():
        fmt = rng.choice(DOWNLOAD_FORMATS)
        listed = rng.sample([c["id"] for c in colls], min(len(colls), rng.randint(1, 3)))
        first = next(c for c in colls if c["id"] == listed[0])
        flt = download_filter(first, fmt)
        path = "/download?collections=%s&f=%s%s" % (",".join(listed), fmt, "&" + flt if flt else "")
        return request("download multi", path)

    def abandoned():
        """Large answers the client leaves: whole layers (streamed: on the
        generated set hundreds of MB), the provinces' boundaries, and the
        GDAL formats (written whole before the first byte goes)."""
        c = rng.choice(colls)
        pick = rng.random()
        if pick < 0.15 and not large:
            path = "/provinces"
        elif pick < 0.7:
            path = "/collections/%s/items?f=%s&download=1" % (c["id"], rng.choice(["geojson", "csv"]))
        else:
            fmt = rng.choice(["kml", "gpkg", "shp"])
            flt = "bbox=" + box(c, 0.1, 0.3) if large else ""
            path = "/collections/%s/items?f=%s&download=1%s" % (c["id"], fmt, "&" + flt if flt else "")
        return request("abandoned", path, abandon=True)

    c0 = "/collections/" + colls[0]["id"]
    error_paths = ["/collections/no-such-layer/items", c0 + "/items/999999999", c0 + "/items?bbox=1,2,3",
                   c0 + "/items?f=html", c0 + "/items?limit=-5", c0 + "/tiles/%d/0/0.mvt" % (colls[0]["maxzoom"] + 1),
                   c0 + "/stats?group=colour", c0 + "/items?sortby=no_such_field", "/provinces/Nowhere",
                   "/download?collections=no-such-layer&f=gpkg", "/download?f=gpkg"]
    errors_list = []
    for path in error_paths:
        s = status_of(base, path)
        # A 5xx here is a finding: keep expecting a 4xx so that it is reported.
        errors_list.append((path, frozenset({s}) if 400 <= s < 500 else frozenset(range(400, 500))))
    errors_list += [(path, frozenset({s})) for path, s in stats_refused]

    def errors():
        path, expect = rng.choice(errors_list)
        return request("errors", path, expect)

    builders = {"items": items, "item": item, "tile mvt": tile("mvt"), "tile geojson": tile("geojson"),
                "provinces": provinces, "stats": stats, "documents": documents, "download": download,
                "download multi": download_multi, "abandoned": abandoned, "errors": errors}
    kinds = list(WEIGHTS)
    weights = [WEIGHTS[k] for k in kinds]
    out = [builders[k]() for k in rng.choices(kinds, weights, k=count)]
    # Every zoom of every collection at least once, in both formats.
    for c in colls:
        for z in range(c["minzoom"], c["maxzoom"] + 1):
            for fmt in ("mvt", "geojson"):
                out.append(tile_request(c, z, *point(c), fmt))
    summary = "%d collections, %d features, %d provinces; %d requests in the list (%d distinct)" % (
        len(colls), sum(c["total"] for c in colls), len(d.provinces), len(out), len({r.path for r in out}))
    return out, summary
