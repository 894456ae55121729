// GeoJSON helpers the browser tests share (no server, no browser: a test
// that must run without the real data imports this, not harness.mjs).

export function bbox_of(geometry) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') { b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]); }
    else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return b;
}

// A point inside a polygon: the middle of the widest run of its largest
// part along the line through that part's middle latitude.
export function interior_lon_lat(geometry) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const area = (ring) => Math.abs(ring.reduce((s, [x1, y1], i) => { const [x2, y2] = ring[(i + 1) % ring.length]; return s + x1 * y2 - x2 * y1; }, 0));
  const best = polygons.reduce((a, p) => (area(p[0]) > area(a[0]) ? p : a));
  const ys = best[0].map((c) => c[1]);
  const y = (Math.min(...ys) + Math.max(...ys)) / 2;
  const xs = [];
  for (const ring of best)
    for (let i = 1; i < ring.length; ++i) {
      const [x1, y1] = ring[i - 1], [x2, y2] = ring[i];
      if ((y1 > y) !== (y2 > y)) xs.push(x1 + (y - y1) * (x2 - x1) / (y2 - y1));
    }
  xs.sort((a, b) => a - b);
  let x = xs[0], widest = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) if (xs[i + 1] - xs[i] > widest) { widest = xs[i + 1] - xs[i]; x = (xs[i] + xs[i + 1]) / 2; }
  return [x, y];
}
