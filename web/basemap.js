// The basemap under the concessions: OpenStreetMap, satellite imagery, a
// plain background or a tile URL of the user's own, chosen on the map
// (BasemapPicker) or in the map settings, and what happens when it fails.
//
// state.basemap (the URL's basemap=): '' or 'osm' OpenStreetMap, 'satellite',
// 'none', or an XYZ template. The server says which tile URLs and credit
// lines stand behind 'osm' and 'satellite' (the landing page's "basemaps",
// set by `serve --basemap-url/--imagery-url`); until it answers, or if it
// cannot, the defaults below serve.
/* global L */
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { get_json } from './api.js?v=@ASSET_VERSION@';
import { write_state } from './url_state.js?v=@ASSET_VERSION@';
import { $, state, page } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { province_style } from './provinces.js?v=@ASSET_VERSION@';

export const default_basemap = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
export const osm_attribution = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
const default_sources = {
  osm: { url: default_basemap, attribution: osm_attribution },
  satellite: {
    url: 'https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}',
    attribution: 'Tiles &copy; <a href="https://www.esri.com">Esri</a> (Powered by Esri) &mdash; Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community',
  },
};
export const basemap_choices = ['osm', 'satellite', 'none'];

// The landing page's JSON, asked for once (the sample notice reads it too).
let landing_promise = null;
export function get_landing() {
  landing_promise ??= get_json('', { f: 'json' });
  return landing_promise;
}

let sources_promise = null;
function basemap_sources() {
  sources_promise ??= get_landing().then((landing) => {
    const out = { ...default_sources };
    for (const b of landing.basemaps ?? []) if (b?.id && b.url) out[b.id] = { url: b.url, attribution: b.attribution ?? '' };
    return out;
  }).catch(() => default_sources);
  return sources_promise;
}

// Which of the picker's choices state.basemap is ('custom' for a URL of the user's).
export function basemap_choice(value = state.basemap, sources = default_sources) {
  if (!value || value === 'osm' || value === sources.osm.url) return 'osm';
  if (value === 'satellite' || value === sources.satellite?.url) return 'satellite';
  return value === 'none' ? 'none' : 'custom';
}

let basemap = null;
let generation = 0;  // a choice made while the sources load wins over the earlier one

export async function set_basemap() {
  const mine = ++generation;
  const sources = await basemap_sources();
  if (mine !== generation) return;
  if (basemap) map.removeLayer(basemap);
  basemap = null;
  page.basemap_failed = false;
  show_basemap_status();
  const choice = basemap_choice(state.basemap, sources);
  const source = choice === 'custom' ? { url: state.basemap, attribution: '' } : sources[choice];
  $('basemap-input').value = choice === 'none' ? 'none' : source.url;
  $('basemap-status').textContent = '';
  document.body.classList.toggle('no-basemap', choice === 'none');
  document.body.dataset.basemap = choice;
  page.province_layer?.setStyle(province_style);
  map.fire('basemapchange', { choice });
  if (choice === 'none') return;
  let loaded = 0, failed = 0;
  basemap = L.tileLayer(source.url, {
    maxZoom: 19,
    attribution: source.attribution,
    crossOrigin: false,
  });
  // Offline, or a wrong URL: stop asking, show provinces on a plain background.
  basemap.on('tileload', () => { loaded += 1; });
  basemap.on('tileerror', () => {
    failed += 1;
    if (loaded === 0 && failed >= 2 && basemap) {
      map.removeLayer(basemap);
      basemap = null;
      page.basemap_failed = true;
      document.body.classList.add('no-basemap');
      page.province_layer?.setStyle(province_style);
      show_basemap_status();
    }
  });
  basemap.addTo(map);
}

// The choice from the picker or the settings form: the default is left out of the URL.
export function choose_basemap(value) {
  state.basemap = value === 'osm' || value === default_basemap ? '' : value;
  write_state(state);
  return set_basemap();
}

let basemap_attribution = '';
export function show_basemap_status() {
  if (basemap_attribution) map.attributionControl.removeAttribution(basemap_attribution);
  basemap_attribution = '';
  // "showing provinces on a plain background" is not true when they failed too.
  const note = page.boundaries_failed ? t('basemap_and_boundaries_offline') : t('basemap_offline');
  $('basemap-status').textContent = page.basemap_failed ? note : '';
  if (!page.basemap_failed) return;
  basemap_attribution = `<span class="basemap-offline">${note}</span>`;
  map.attributionControl.addAttribution(basemap_attribution);
}

export function bind_basemap_events() {
  $('basemap-form').addEventListener('submit', (e) => {
    e.preventDefault();
    choose_basemap($('basemap-input').value.trim());
  });
  $('basemap-reset').addEventListener('click', () => choose_basemap(''));
}
