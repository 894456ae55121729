// bench/tiles peer (c): geojson-vt behind a minimal node:http server.
//
// Usage: node geojson-vt-server.mjs EXPORT PORT [LAYER]
//   EXPORT  GeoJSON text sequence (one Feature a line, EPSG:4326, as written by
//           ogr2ogr -f GeoJSONSeq), read line by line so that sets larger
//           than V8's largest string (~512 MB) load too
//   PORT    loopback port (0: any free port)
//   LAYER   the MVT layer's name (default "tiles"; bench/tiles gives the
//           collection's id, as our server names its layer)
// Builds one index (maxZoom 14, tolerance 3, extent 4096, buffer 64,
// indexMaxZoom and indexMaxPoints at their defaults), then answers
//   GET /tiles/{z}/{x}/{y}.json     getTile(z, x, y) as JSON: geojson-vt's own
//       tile format, {"features": [{"type", "geometry" (tile units), "tags",
//       "id"}]}, and {"features": []} for a tile with nothing in it
//       (geojson-vt returns null): what bench/tiles times
//   GET /tiles/{z}/{x}/{y}.geojson  the same tile as a GeoJSON
//       FeatureCollection in lon/lat with the decimals our server writes at
//       that zoom (enough to resolve a tile unit), rings grouped into
//       polygons by winding: our tiles' format, for byte counts
//   GET /tiles/{z}/{x}/{y}.mvt      the same tile as Mapbox Vector Tile 2.1
//       (vt-pbf, pinned beside geojson-vt), 204 when empty: for byte counts
// geojson-vt keeps every tile it has cut, so a tile asked for twice is cut once.
// Prints "loaded N features in S s", then "ready on http://127.0.0.1:PORT/
// (index S s)" once it serves.
import fs from 'node:fs';
import http from 'node:http';
import readline from 'node:readline';
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';

const [exportPath, portArg, layerName = 'tiles'] = process.argv.slice(2);
if (!exportPath) {
    console.error('usage: node geojson-vt-server.mjs EXPORT PORT');
    process.exit(2);
}

const t0 = performance.now();
const features = [];
const lines = readline.createInterface({input: fs.createReadStream(exportPath), crlfDelay: Infinity});
for await (const line of lines) {
    const text = line.charCodeAt(0) === 0x1e ? line.slice(1) : line; // RFC 8142 record separator
    if (text.trim()) features.push(JSON.parse(text));
}
const t1 = performance.now();
console.log(`loaded ${features.length} features in ${((t1 - t0) / 1000).toFixed(1)} s`);

const index = new GeoJSONVT({type: 'FeatureCollection', features},
    {maxZoom: 14, tolerance: 3, extent: 4096, buffer: 64});
features.length = 0; // the index holds what it needs
const t2 = performance.now();

const tilePath = /^\/tiles\/(\d+)\/(\d+)\/(\d+)\.(json|geojson|mvt)$/;

// Decimals that resolve a tile unit at zoom z, as our server chooses them.
function decimalsFor(z) {
    return Math.min(9, Math.max(1, Math.ceil(Math.log10(2 ** z * 4096 / 360))));
}

// geojson-vt's tile (tile units, y down) as a GeoJSON FeatureCollection.
function asGeoJSON(tile, z, x, y) {
    const n = 2 ** z, d = decimalsFor(z);
    const lonlat = ([px, py]) => {
        const ux = (x + px / 4096) / n, uy = (y + py / 4096) / n;
        const lat = Math.atan(Math.sinh(Math.PI * (1 - 2 * uy))) * 180 / Math.PI;
        return [+(ux * 360 - 180).toFixed(d), +lat.toFixed(d)];
    };
    const area = (ring) => { // surveyor's formula, y down: > 0 for an exterior ring
        let a = 0;
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[i][1] + ring[j][1]);
        return a;
    };
    const features = (tile?.features ?? []).map((f) => {
        let geometry;
        if (f.type === 1) {
            const pts = f.geometry.map(lonlat);
            geometry = pts.length === 1 ? {type: 'Point', coordinates: pts[0]} : {type: 'MultiPoint', coordinates: pts};
        } else if (f.type === 2) {
            const lines = f.geometry.map((l) => l.map(lonlat));
            geometry = lines.length === 1 ? {type: 'LineString', coordinates: lines[0]} : {type: 'MultiLineString', coordinates: lines};
        } else {
            const polygons = [];
            for (const ring of f.geometry) {
                if (area(ring) < 0 && polygons.length) polygons[polygons.length - 1].push(ring.map(lonlat));
                else polygons.push([ring.map(lonlat)]);
            }
            geometry = polygons.length === 1 ? {type: 'Polygon', coordinates: polygons[0]} : {type: 'MultiPolygon', coordinates: polygons};
        }
        return {type: 'Feature', id: f.id, geometry, properties: f.tags};
    });
    return {type: 'FeatureCollection', features};
}

function answer(req, res) {
    const m = tilePath.exec(req.url);
    if (req.method !== 'GET' || !m) {
        res.writeHead(404, {'Content-Type': 'application/json'});
        res.end('{"error":"not found"}');
        return;
    }
    const [z, x, y] = [+m[1], +m[2], +m[3]];
    if (z > 24 || x >= 2 ** z || y >= 2 ** z) {
        res.writeHead(400, {'Content-Type': 'application/json'});
        res.end('{"error":"bad tile"}');
        return;
    }
    const tile = index.getTile(z, x, y);
    if (m[4] === 'mvt') {
        if (!tile || !tile.features.length) {
            res.writeHead(204);
            res.end();
            return;
        }
        const body = Buffer.from(vtpbf.fromGeojsonVt({[layerName]: tile}, {version: 2, extent: 4096}));
        res.writeHead(200, {'Content-Type': 'application/vnd.mapbox-vector-tile', 'Content-Length': body.length});
        res.end(body);
        return;
    }
    const body = JSON.stringify(m[4] === 'geojson' ? asGeoJSON(tile, z, x, y) : (tile ?? {features: []}));
    res.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)});
    res.end(body);
}

// One request per turn of the event loop, so that a client that has gone (wrk
// at the end of a run) is seen before its tile is cut: on the 200,000-polygon
// set one low-zoom tile takes seconds, and a backlog of abandoned requests
// would otherwise eat into the next run.
const queue = [];
let scheduled = false;
function pump() {
    scheduled = false;
    const job = queue.shift();
    if (job && !job[1].destroyed && !job[0].socket.destroyed) answer(job[0], job[1]);
    if (queue.length && !scheduled) {
        scheduled = true;
        setImmediate(pump);
    }
}
const server = http.createServer((req, res) => {
    queue.push([req, res]);
    if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
    }
});
server.keepAliveTimeout = 60000;
server.listen(+(portArg ?? 0), '127.0.0.1', () => {
    console.log(`ready on http://127.0.0.1:${server.address().port}/ (index ${((t2 - t1) / 1000).toFixed(1)} s)`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
