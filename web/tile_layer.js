// A Leaflet grid layer that draws one collection's GeoJSON tiles
// (GET /collections/{c}/tiles/{z}/{x}/{y}.geojson) on canvas.
//
// Each canvas is 512 px and shows the server's 256-px tile of the zoom above
// (same x and y): a quarter as many requests as 256-px tiles, which matters
// with a browser's six HTTP/1.1 connections per host, and the server's
// simplification (a few units of 4096) stays far below a pixel.
//
// Tiles arrive clipped to the tile (plus perhaps a buffer), so a polygon cut
// by a tile edge has an artificial edge there: it is filled but not stroked,
// and tiles meet without seams. A feature keeps the same id in every tile,
// which is how a selected feature is highlighted whole, across tiles.
//
// Tile URLs end in v=<data version> (options.version, set_version): the
// server lets caches keep such a tile for good, and a reload of its data
// changes the version, so the map then asks for new URLs (issue 14).
/* global L */
import { cluster_below_zoom, cluster_points, cluster_radius, draw_cluster } from './point_clusters.js?v=@ASSET_VERSION@';

const tile_size = 512;  // canvas pixels per grid tile
const max_cached_tiles = 512;
// Zooms every server tiles (issue 5's contract: z 0..14 typically): up to
// here tiles are asked for at once; deeper ones wait for TileJSON's maxzoom.
const surely_tiled = 10;

// Web Mercator, in pixels of a world `world` pixels wide.
// A polygon feature's rings (tile pixels, flat x,y lists) as the canvas path.
export function trace_polygon(ctx, f) {
  ctx.beginPath();
  for (const polygon of f.parts)
    for (const r of polygon) {
      ctx.moveTo(r[0], r[1]);
      for (let i = 2; i < r.length; i += 2) ctx.lineTo(r[i], r[i + 1]);
      ctx.closePath();
    }
}

function project(lon, lat, world) {
  const s = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180);
  return [(lon + 180) / 360 * world, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * world];
}

// GeoJSON geometry -> {kind, parts} in tile pixels: parts is a list of
// polygons (each a list of rings), of lines, or of points.
function to_pixels(geometry, world, ox, oy) {
  if (!geometry) return null;
  const ring = (coords) => {
    const out = new Float64Array(coords.length * 2);
    for (let i = 0; i < coords.length; ++i) {
      const [x, y] = project(coords[i][0], coords[i][1], world);
      out[2 * i] = x - ox;
      out[2 * i + 1] = y - oy;
    }
    return out;
  };
  const c = geometry.coordinates;
  switch (geometry.type) {
    case 'Polygon': return { kind: 'polygon', parts: [c.map(ring)] };
    case 'MultiPolygon': return { kind: 'polygon', parts: c.map((p) => p.map(ring)) };
    case 'LineString': return { kind: 'line', parts: [ring(c)] };
    case 'MultiLineString': return { kind: 'line', parts: c.map(ring) };
    case 'Point': return { kind: 'point', parts: [ring([c])] };
    case 'MultiPoint': return { kind: 'point', parts: [ring(c)] };
    case 'GeometryCollection': {
      const all = geometry.geometries.map((g) => to_pixels(g, world, ox, oy)).filter(Boolean);
      return all.length ? all[0] : null;  // tiles do not send these; keep the first part
    }
    default: return null;
  }
}

// An edge lying on (or beyond) one side of the tile is a clipping artefact.
function on_tile_edge(x1, y1, x2, y2) {
  const lo = 0.01, hi = tile_size - 0.01;  // the server's buffer puts clip edges beyond the tile
  return (x1 <= lo && x2 <= lo) || (x1 >= hi && x2 >= hi) || (y1 <= lo && y2 <= lo) || (y1 >= hi && y2 >= hi);
}

function ring_contains(r, x, y) {
  let inside = false;
  for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
    const xi = r[i], yi = r[i + 1], xj = r[j], yj = r[j + 1];
    if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function segment_distance(px, py, x1, y1, x2, y2) {
  const dx = x2 - x1, dy = y2 - y1;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len)) : 0;
  return Math.hypot(px - (x1 + t * dx), py - (y1 + t * dy));
}

export const ConcessionTiles = L.GridLayer.extend({
  options: {
    pane: 'concessions',
    tileSize: tile_size,
    updateWhenZooming: false,
    maxDataZoom: 14,  // overwritten from TileJSON's maxzoom; deeper zooms redraw that zoom's tiles
    minDataZoom: 0,
  },

  // style(properties, highlighted, zoom) -> {fill, fill_opacity, stroke, weight, radius}
  // `load_limits`: called before the first tile, returns a promise settled
  // once minDataZoom/maxDataZoom are known (from TileJSON), so that no tile
  // outside the server's zoom range is asked for.
  initialize(collection_id, template, style, options) {
    L.setOptions(this, options);
    this._ready = null;
    this.collection_id = collection_id;
    this._template = template;
    this._style = style;
    this._params = '';
    this._version = options.version ?? '';  // v= of every tile URL; none when not known
    this._highlight = null;
    this._data = new Map();  // URL -> Promise of FeatureCollection (LRU by insertion order)
    this._abort = new AbortController();
    this._refilling = 0;  // tiles on screen waiting for their features under new parameters
    this._generation = 0;  // set_params' count: a refill's late answers are dropped
  },

  onRemove(map) {
    this._generation += 1;
    this._refilling = 0;
    L.GridLayer.prototype.onRemove.call(this, map);
  },

  // Leaflet 1.9's redraw() takes the map's zoom unrounded: with zoomSnap
  // 0.5 it would ask for tile 7.5/x/y.
  _clampZoom(zoom) {
    return L.GridLayer.prototype._clampZoom.call(this, Math.round(zoom));
  },

  set_params(params) {
    const text = new URLSearchParams(params).toString();
    if (text === this._params) return false;
    this._params = text;
    this._refetch();
    return true;
  },

  // The data changed on the server (a reload): the tiles on screen are
  // fetched again under the new version's URLs, in place as for new
  // parameters.
  set_version(version) {
    if (!version || version === this._version) return false;
    this._version = version;
    this._refetch();
    return true;
  },

  _refetch() {
    this._abort.abort();
    this._abort = new AbortController();
    this._data.clear();
    if (this._map) this._refill();
  },

  // New parameters (a filter, the timeline's next year): the tiles on
  // screen keep their picture until their new features are drawn over it,
  // where redraw() would blank the map while they load (a year played each
  // second blinked). Tiles still loading were aborted: they go, and
  // _update() asks for them again. The layer is loading ('loading' ...
  // 'load', as for new tiles) until every refilled tile is drawn.
  _refill() {
    const generation = ++this._generation;
    for (const key in this._tiles) if (!this._tiles[key].loaded) this._removeTile(key);
    const shown = Object.values(this._tiles).filter((tile) => tile.current);
    this._refilling = shown.length;
    if (shown.length && !this._loading) {
      this._loading = true;
      this.fire('loading');
    }
    for (const tile of shown) {
      this._features_for(tile.coords).then((features) => {
        if (generation !== this._generation) return;
        tile.el._features = features;
        this._draw(tile.el);
        this.fire('tileload', { tile: tile.el, coords: tile.coords });
      }, (error) => {
        if (generation !== this._generation || error.name === 'AbortError') return;
        tile.el._features = [];  // no stale picture under the new parameters: empty, and the failure said (status.js)
        this._draw(tile.el);
        this.fire('tileerror', { error, tile: tile.el, coords: tile.coords });
      }).finally(() => {
        if (generation !== this._generation) return;
        this._refilling -= 1;
        if (this._noTilesToLoad()) {
          this._loading = false;
          this.fire('load');
        }
      });
    }
    this._update();
  },

  _noTilesToLoad() {
    return this._refilling === 0 && L.GridLayer.prototype._noTilesToLoad.call(this);
  },

  set_style(style) {
    this._style = style;
    this.repaint();
  },

  set_highlight(id) {
    if (id === this._highlight) return;
    this._highlight = id;
    this.repaint();
  },

  repaint() {
    for (const key in this._tiles) {
      const el = this._tiles[key].el;
      if (el._features) this._draw(el);
    }
  },

  // The filters, then v= last, as the server's TileJSON orders them.
  _tile_url(z, x, y) {
    const url = this._template.replace('{z}', z).replace('{x}', x).replace('{y}', y);
    const query = [this._params, this._version && `v=${encodeURIComponent(this._version)}`].filter(Boolean).join('&');
    return query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
  },

  _fetch(z, x, y) {
    const url = this._tile_url(z, x, y);
    let promise = this._data.get(url);
    if (promise) {
      this._data.delete(url);  // refresh its place in the LRU order
    } else {
      promise = fetch(url, { signal: this._abort.signal }).then((r) => {
        // Short, for the page's alert; the URL is in the console's own line.
        if (!r.ok) throw Object.assign(new Error(`${r.status} ${r.statusText}`), { url });
        return r.json();
      });
      promise.catch(() => this._data.delete(url));
    }
    this._data.set(url, promise);
    while (this._data.size > max_cached_tiles) this._data.delete(this._data.keys().next().value);
    return promise;
  },

  createTile(coords, done) {
    const canvas = L.DomUtil.create('canvas', 'leaflet-tile');
    const ratio = Math.min(window.devicePixelRatio || 1, 3);
    canvas.width = tile_size * ratio;
    canvas.height = tile_size * ratio;
    canvas._ratio = ratio;
    canvas._z = coords.z;
    this._features_for(coords).then((features) => {
      canvas._features = features;
      this._draw(canvas);
      done(null, canvas);
    }, (error) => {
      canvas._features = [];
      if (error.name !== 'AbortError') done(error, canvas);
    });
    return canvas;
  },

  // A grid tile's features in its canvas pixels, from the server's tile.
  _features_for(coords) {
    const wanted = Math.max(0, coords.z - 1);  // the server's zoom for this 512-px tile
    if (wanted > surely_tiled) this._ready ??= this.options.load_limits ? this.options.load_limits() : Promise.resolve();
    const limits = wanted <= surely_tiled ? Promise.resolve() : this._ready;
    return limits.then(() => {
      if (wanted < this.options.minDataZoom) return { features: [] };
      // Past the deepest zoom the server tiles, draw the covering tile of
      // that zoom at this scale (vectors stay sharp).
      const dz = Math.min(wanted, this.options.maxDataZoom);
      const scale = 2 ** (wanted - dz);
      return this._fetch(dz, Math.floor(coords.x / scale), Math.floor(coords.y / scale));
    }).then((collection) => {
      const world = 256 * 2 ** coords.z;  // Leaflet's world size in pixels at this zoom
      const features = [];
      for (const f of collection.features ?? []) {
        const shape = to_pixels(f.geometry, world, coords.x * tile_size, coords.y * tile_size);
        if (!shape) continue;
        const properties = f.properties ?? {};
        features.push({ id: f.id ?? properties.id, properties, ...shape });
      }
      // Large areas first, so small ones stay visible and clickable on top.
      features.sort((a, b) => (b.properties.area_ha ?? 0) - (a.properties.area_ha ?? 0));
      return features;
    });
  },

  _draw(canvas) {
    const ctx = canvas.getContext('2d');
    ctx.setTransform(canvas._ratio, 0, 0, canvas._ratio, 0, 0);
    ctx.clearRect(0, 0, tile_size, tile_size);
    const zoom = this._map ? this._map.getZoom() : 8;
    // Points at low zooms go into clusters (point_clusters.js); a point
    // alone stays a point.
    const clusters = canvas._z < cluster_below_zoom ? cluster_points(canvas._features, tile_size).filter((c) => c.members.length > 1) : [];
    canvas._clusters = clusters;
    canvas._clustered = new Set(clusters.flatMap((c) => c.members));
    let highlighted = null;
    for (const f of canvas._features) {
      const selected = this._highlight !== null && f.id === this._highlight;
      if (canvas._clustered.has(f) && !selected) continue;
      if (this._highlight !== null && f.id === this._highlight) highlighted = f;
      else this._draw_feature(ctx, f, this._style(f.properties, false, zoom));
    }
    for (const c of clusters) draw_cluster(ctx, c, this._style(c.members[0].properties, false, zoom));
    if (highlighted) this._draw_feature(ctx, highlighted, this._style(highlighted.properties, true, zoom));
  },

  _draw_feature(ctx, f, s) {
    ctx.lineJoin = 'round';
    if (f.kind === 'point') {
      ctx.beginPath();
      for (const pts of f.parts)
        for (let i = 0; i < pts.length; i += 2) {
          ctx.moveTo(pts[i] + s.radius, pts[i + 1]);
          ctx.arc(pts[i], pts[i + 1], s.radius, 0, 2 * Math.PI);
        }
      ctx.globalAlpha = s.fill_opacity;
      ctx.fillStyle = s.fill;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = s.weight;
      ctx.strokeStyle = s.stroke;
      ctx.stroke();
      return;
    }
    if (f.kind === 'polygon') {
      trace_polygon(ctx, f);
      ctx.globalAlpha = s.fill_opacity;
      ctx.fillStyle = s.fill;
      ctx.fill('evenodd');
      ctx.globalAlpha = 1;
    }
    ctx.beginPath();
    const rings = f.kind === 'polygon' ? f.parts.flat() : f.parts;
    for (const r of rings) {
      const n = r.length / 2;
      const closed = f.kind === 'polygon';
      ctx.moveTo(r[0], r[1]);
      for (let k = 1; k < n + (closed ? 1 : 0); ++k) {
        const i = (k % n) * 2, j = (k - 1) * 2;
        if (on_tile_edge(r[j], r[j + 1], r[i], r[i + 1])) ctx.moveTo(r[i], r[i + 1]);
        else ctx.lineTo(r[i], r[i + 1]);
      }
    }
    ctx.lineWidth = s.weight;
    ctx.strokeStyle = s.stroke;
    ctx.stroke();
  },

  // The topmost feature under a map point, or null: {id, properties}.
  hit_test(latlng) {
    if (!this._map) return null;
    const z = this._tileZoom ?? Math.round(this._map.getZoom());
    const world = 256 * 2 ** z;
    const [wx, wy] = project(latlng.lng, latlng.lat, world);
    const tx = Math.floor(wx / tile_size), ty = Math.floor(wy / tile_size);
    const tile = this._tiles[`${tx}:${ty}:${z}`];
    if (!tile || !tile.el._features) return null;
    const x = wx - tx * tile_size, y = wy - ty * tile_size;
    const scale = 2 ** (this._map.getZoom() - z);  // during a zoom animation
    for (const c of tile.el._clusters ?? [])
      if (Math.hypot(c.x - x, c.y - y) <= (cluster_radius(c.members.length) + 4) / scale) return this._cluster_hit(c, tx, ty, z);
    const features = tile.el._features;
    for (let k = features.length - 1; k >= 0; --k) {
      const f = features[k];
      if (tile.el._clustered?.has(f)) continue;
      if (f.kind === 'polygon') {
        for (const polygon of f.parts) {
          let inside = false;
          for (const r of polygon) if (ring_contains(r, x, y)) inside = !inside;
          if (inside) return f;
        }
      } else {
        const s = this._style(f.properties, false, this._map.getZoom());
        const slack = (f.kind === 'point' ? s.radius + 3 : 5) / scale;
        for (const pts of f.parts) {
          if (f.kind === 'point') {
            for (let i = 0; i < pts.length; i += 2) if (Math.hypot(pts[i] - x, pts[i + 1] - y) <= slack) return f;
          } else {
            for (let i = 2; i < pts.length; i += 2)
              if (segment_distance(x, y, pts[i - 2], pts[i - 1], pts[i], pts[i + 1]) <= slack) return f;
          }
        }
      }
    }
    return null;
  },

  // A cluster under the pointer, as hit_test answers it: no id, its members
  // and the bounds that hold them (clicking it zooms there).
  _cluster_hit(c, tx, ty, z) {
    const at = ([x, y]) => this._map.unproject([tx * tile_size + x, ty * tile_size + y], z);
    return { id: null, kind: 'cluster', properties: {}, members: c.members, bounds: L.latLngBounds(c.points.map(at)) };
  },
});
