// Where concessions lie inside protected areas, on the map (issue 15 §2):
// a grid layer above the concession polygons whose every tile is the
// intersection of two pictures of that tile, drawn by canvas compositing:
// the concessions (every layer shown that is measured against protected
// areas, under the page's filters) filled, then only what the protected
// areas cover kept ('destination-in'), and what is left painted hatched
// ('source-in'). It shows the real intersection, not whole concessions.
//
// The features come from the layers' own tiles (tile_layer.js
// _features_for, with their parameters and caches), so with both layers
// shown no tile is asked for twice. Off (the default, state.overlap_map),
// the layer is off the map and costs nothing.
/* global L */
import { filter_params, measured_against } from './api.js?v=@ASSET_VERSION@';
import { state, page } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { trace_polygon } from './tile_layer.js?v=@ASSET_VERSION@';

const tile_size = 512;  // as tile_layer.js: the same grid, tile for tile
const protected_areas = 'protected-areas';
export const hatch = { fill: '#d6008f', stripe: '#1a1a1a' };  // magenta under dark stripes: apart from every crop and layer colour


// Each polygon filled on its own: the union of them all (one path with
// 'evenodd' would cut out where two overlap).
function fill_union(ctx, features) {
  let any = false;
  for (const f of features) {
    if (f.kind !== 'polygon') continue;
    trace_polygon(ctx, f);
    ctx.fill('evenodd');
    any = true;
  }
  return any;
}

let mask = null;  // one scratch canvas for every tile: the protected areas' union
function mask_canvas(width, height) {
  mask ??= document.createElement('canvas');
  if (mask.width !== width || mask.height !== height) { mask.width = width; mask.height = height; }
  return mask;
}

let pattern_tile = null;
function hatch_pattern(ctx) {
  if (!pattern_tile) {
    pattern_tile = document.createElement('canvas');
    pattern_tile.width = pattern_tile.height = 8;
    const g = pattern_tile.getContext('2d');
    g.fillStyle = hatch.fill;
    g.fillRect(0, 0, 8, 8);
    g.strokeStyle = hatch.stripe;
    g.lineWidth = 2;
    g.beginPath();
    for (const d of [-8, 0, 8]) { g.moveTo(d, 8); g.lineTo(d + 8, 0); }
    g.stroke();
  }
  return ctx.createPattern(pattern_tile, 'repeat');
}

export const OverlapTiles = L.GridLayer.extend({
  options: {
    pane: 'concessions',
    tileSize: tile_size,
    updateWhenZooming: false,
    zIndex: 150,  // above the polygon layers (100 and below), under point layers (tile_layer.js lifts those by 100)
    opacity: 0.85,
  },

  initialize(options) {
    L.setOptions(this, options);
    this.sources = { concessions: [], areas: null };
    this.key = '';
  },

  // As tile_layer.js: Leaflet 1.9's redraw() takes the zoom unrounded.
  _clampZoom(zoom) {
    return L.GridLayer.prototype._clampZoom.call(this, Math.round(zoom));
  },

  createTile(coords, done) {
    const canvas = L.DomUtil.create('canvas', 'leaflet-tile');
    const ratio = Math.min(window.devicePixelRatio || 1, 3);
    canvas.width = tile_size * ratio;
    canvas.height = tile_size * ratio;
    const { concessions, areas } = this.sources;
    Promise.all([Promise.all(concessions.map((l) => l._features_for(coords))), areas._features_for(coords)]).then(([lists, area_features]) => {
      this._draw(canvas, ratio, lists.flat(), area_features);
      done(null, canvas);
    }, (error) => {
      // Aborted: new parameters, and sync_overlap_highlight() redraws; a
      // failure is the concession layer's own to report (status.js).
      done(error.name === 'AbortError' ? null : error, canvas);
    });
    return canvas;
  },

  _draw(canvas, ratio, concessions, areas) {
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    if (!fill_union(ctx, concessions)) return;
    const m = mask_canvas(canvas.width, canvas.height);
    const mctx = m.getContext('2d');
    mctx.setTransform(1, 0, 0, 1, 0, 0);
    mctx.clearRect(0, 0, m.width, m.height);
    mctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    fill_union(mctx, areas);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalCompositeOperation = 'destination-in';
    ctx.drawImage(m, 0, 0);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.globalCompositeOperation = 'source-in';
    ctx.fillStyle = hatch_pattern(ctx);
    ctx.fillRect(0, 0, tile_size, tile_size);
    ctx.globalCompositeOperation = 'source-over';
  },
});

export const overlap_layer = new OverlapTiles();

// Whether the highlight can be drawn: protected areas are served and a
// layer is measured against them.
export function overlap_highlight_available() {
  return page.by_id.has(protected_areas) && page.collections.some((c) => c.kind !== 'context' && measured_against(c, protected_areas));
}

// After the layers' parameters are set (sync_layers): on or off, and
// redrawn when what it intersects changed.
export function sync_overlap_highlight() {
  const areas = page.layers.get(protected_areas);
  const concessions = state.layers.map((id) => page.layers.get(id))
    .filter((l) => l?._map && measured_against(page.by_id.get(l.collection_id), protected_areas));
  if (!state.overlap_map || !areas || !concessions.length) {
    if (overlap_layer._map) map.removeLayer(overlap_layer);
    overlap_layer.key = '';
    return;
  }
  // Shown or not, the protected areas as the map would show them (whole,
  // or cut by a drawn area).
  areas.set_params(filter_params(state, page.by_id.get(protected_areas), page.roles.get(protected_areas)));
  const key = [...concessions, areas].map((l) => `${l.collection_id}?${l._params}&v=${l._version}`).join('|');
  overlap_layer.sources = { concessions, areas };
  if (!overlap_layer._map) {
    overlap_layer.key = key;
    overlap_layer.addTo(map);
  } else if (key !== overlap_layer.key) {
    overlap_layer.key = key;
    overlap_layer.redraw();
  }
}
