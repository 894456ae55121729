// Reads a PMTiles archive with the `pmtiles` npm package (the reader MapLibre
// and Leaflet use; web/package-lock.json pins it), independently of our
// writer: prints {header, metadata} as JSON on stdout, and writes every tile
// the archive holds for zooms minZoom..maxZoom, within its bounds and one
// tile around them, decompressed, to OUT/z/x/y.mvt.
// Usage: node pmtiles_dump.mjs ARCHIVE OUT
import { createRequire } from "node:module";
import { mkdirSync, openSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const sourceDir = process.env.CONCESSIONS_SOURCE_DIR;
const require = createRequire(join(sourceDir, "web", "package.json"));
const { PMTiles, zxyToTileId } = require("pmtiles");

const [archive, out] = process.argv.slice(2);
const fd = openSync(archive, "r");
// A Source reading the file by ranges, as FetchSource reads a URL.
const source = {
  getKey: () => archive,
  getBytes: async (offset, length) => {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, offset);
    return { data: buf.buffer.slice(buf.byteOffset, buf.byteOffset + n) };
  },
};
const p = new PMTiles(source);
const header = await p.getHeader();
const metadata = await p.getMetadata();

const lon2x = (lon, z) => Math.floor(((lon + 180) / 360) * 2 ** z);
const lat2y = (lat, z) => {
  const r = (lat * Math.PI) / 180;
  return Math.floor(((1 - Math.asinh(Math.tan(r)) / Math.PI) / 2) * 2 ** z);
};
const tiles = [];
for (let z = header.minZoom; z <= header.maxZoom; z++) {
  const last = 2 ** z - 1;
  const x0 = Math.max(0, lon2x(header.minLon, z) - 1), x1 = Math.min(last, lon2x(header.maxLon, z) + 1);
  const y0 = Math.max(0, lat2y(header.maxLat, z) - 1), y1 = Math.min(last, lat2y(header.minLat, z) + 1);
  for (let x = x0; x <= x1; x++) {
    for (let y = y0; y <= y1; y++) {
      const t = await p.getZxy(z, x, y);
      if (!t) continue;
      const dir = join(out, String(z), String(x));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${y}.mvt`), Buffer.from(t.data));
      tiles.push([z, x, y, zxyToTileId(z, x, y)]);
    }
  }
}
process.stdout.write(JSON.stringify({ header, metadata, tiles }) + "\n");
