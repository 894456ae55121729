// What every part of the page shares: the page state (also in the URL),
// what has been loaded (page), and small helpers. Failures are shown by
// status.js.
/* global L */
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { read_state } from './url_state.js?v=@ASSET_VERSION@';

export const $ = (id) => document.getElementById(id);
export const state = read_state();

export const page = {
  collections: [],
  by_id: new Map(),
  roles: new Map(),
  layers: new Map(),  // collection id -> ConcessionTiles
  data_version: '',   // /collections' data_version: the tile URLs' v= (layers.js)
  provinces: null,    // FeatureCollection from /provinces
  province_layer: null,
  label_layer: null,
  purpose_classes: new Map(),  // class key -> colour, for the focus collection
  purpose_labels: [],
  list_offset: 0,
  busy: 0,
  first_drawn_ms: null,
  // Settled once the first view's tiles are drawn: what the map does not
  // need waits for it, so tiles get the browser's connections first.
  drawn: null,
  set_drawn: null,
  basemap_failed: false,
  boundaries_failed: false,  // no province boundaries at all (status.js shows why)
  boundaries_loading: 0,
  provinces_tier: 0,         // the zoom the loaded boundaries are simplified for (provinces.js)
  point_layers: new Set(),  // collections seen to hold points (drawn as dots)
  measuring: false,  // the map's clicks add points to a measurement (measure.js)
};
page.drawn = new Promise((resolve) => { page.set_drawn = resolve; });

// Counts what the page waits for; the loading indicator (status.js) listens.
export async function tracked(promise) {
  page.busy += 1;
  document.dispatchEvent(new Event('concessions-busy'));
  try { return await promise; } finally {
    page.busy -= 1;
    document.dispatchEvent(new Event('concessions-busy'));
  }
}

