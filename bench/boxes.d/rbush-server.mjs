// bench/boxes peer: rbush over pre-serialised features behind a minimal
// node:http server, the fastest way Node has to answer a box query.
//
// Usage: node rbush-server.mjs EXPORT PORT
//   EXPORT  a GeoJSON FeatureCollection in EPSG:4326, as written by ogr2ogr -f
//           GeoJSON -t_srs EPSG:4326 -makevalid -preserve_fid -lco RFC7946=YES
//           (7 decimals)
//   PORT    loopback port (0: any free port)
// At start, each feature is written once with JSON.stringify (its keys in the
// export's order: type, id, properties, geometry) and kept as UTF-8 bytes, and
// its bounding box goes into an rbush index (bulk load, default node size).
// Then it answers
//   GET /items?bbox=minx,miny,maxx,maxy&limit=N
// with {"type":"FeatureCollection","numberMatched":M,"features":[...]}: the M
// features whose bounding box meets the box (rbush's search: a bbox test only,
// no exact geometry test), the first N of them in the export's order (limit
// defaults to 10, at most 10,000), their stored bytes joined with commas.
// No JSON is written per request. Prints "loaded N features in S s", then
// "ready on http://127.0.0.1:PORT/" once it serves.
import fs from 'node:fs';
import http from 'node:http';
import RBush from 'rbush';

const [exportPath, portArg] = process.argv.slice(2);
if (!exportPath) {
    console.error('usage: node rbush-server.mjs EXPORT PORT');
    process.exit(2);
}

const t0 = performance.now();
const collection = JSON.parse(fs.readFileSync(exportPath, 'utf8'));

// The bounding box of a GeoJSON geometry, from its nested coordinate arrays.
function boundsOf(geometry) {
    const box = {minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity};
    const visit = (c) => {
        if (typeof c[0] === 'number') {
            if (c[0] < box.minX) box.minX = c[0];
            if (c[0] > box.maxX) box.maxX = c[0];
            if (c[1] < box.minY) box.minY = c[1];
            if (c[1] > box.maxY) box.maxY = c[1];
        } else {
            for (const child of c) visit(child);
        }
    };
    const geometries = geometry.type === 'GeometryCollection' ? geometry.geometries : [geometry];
    for (const g of geometries) visit(g.coordinates);
    return box;
}

// Each entry: its bbox, its place in the export (answers keep that order),
// and ",{feature}" as bytes (the first feature of an answer drops the comma).
const entries = [];
for (const feature of collection.features) {
    if (!feature.geometry) continue;
    const entry = boundsOf(feature.geometry);
    entry.order = entries.length;
    entry.bytes = Buffer.from(',' + JSON.stringify(feature));
    entries.push(entry);
}
const index = new RBush();
index.load(entries);
console.log(`loaded ${entries.length} features in ${((performance.now() - t0) / 1000).toFixed(2)} s`);

const byOrder = (a, b) => a.order - b.order;
const tail = Buffer.from(']}');

function fail(res, status, message) {
    const body = JSON.stringify({error: message});
    res.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)});
    res.end(body);
}

function answer(req, res) {
    const q = req.url.indexOf('?');
    if (req.method !== 'GET' || (q < 0 ? req.url : req.url.slice(0, q)) !== '/items') return fail(res, 404, 'not found');
    const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    const bbox = (query.get('bbox') ?? '').split(',').map(Number);
    if (bbox.length !== 4 || bbox.some(Number.isNaN)) return fail(res, 400, 'bbox: four numbers');
    const limit = Math.min(10000, query.has('limit') ? Number(query.get('limit')) : 10);
    if (!(limit >= 1)) return fail(res, 400, 'limit: a positive integer');

    const hits = index.search({minX: bbox[0], minY: bbox[1], maxX: bbox[2], maxY: bbox[3]});
    hits.sort(byOrder);
    const n = Math.min(limit, hits.length);
    const parts = new Array(n + 2);
    parts[0] = Buffer.from(`{"type":"FeatureCollection","numberMatched":${hits.length},"features":[`);
    let length = parts[0].length + tail.length;
    for (let i = 0; i < n; i++) {
        const bytes = i === 0 ? hits[i].bytes.subarray(1) : hits[i].bytes;
        parts[i + 1] = bytes;
        length += bytes.length;
    }
    parts[n + 1] = tail;
    const body = Buffer.concat(parts, length);
    res.writeHead(200, {'Content-Type': 'application/geo+json', 'Content-Length': length});
    res.end(body);
}

const server = http.createServer(answer);
server.keepAliveTimeout = 60000;
server.listen(+(portArg ?? 0), '127.0.0.1', () => {
    console.log(`ready on http://127.0.0.1:${server.address().port}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
