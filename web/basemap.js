// The basemap under the concessions, and what happens when it fails.
/* global L */
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { write_state } from './url_state.js?v=@ASSET_VERSION@';
import { $, state, page } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { province_style } from './provinces.js?v=@ASSET_VERSION@';

export const default_basemap = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
export const osm_attribution = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

let basemap = null;

export function set_basemap() {
  if (basemap) map.removeLayer(basemap);
  basemap = null;
  page.basemap_failed = false;
  show_basemap_status();
  const url = state.basemap || default_basemap;
  $('basemap-input').value = url;
  $('basemap-status').textContent = '';
  document.body.classList.toggle('no-basemap', url === 'none');
  page.province_layer?.setStyle(province_style);
  if (url === 'none') return;
  let loaded = 0, failed = 0;
  basemap = L.tileLayer(url, {
    maxZoom: 19,
    attribution: url === default_basemap ? osm_attribution : '',
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
    const value = $('basemap-input').value.trim();
    state.basemap = value === default_basemap ? '' : value;
    set_basemap();
    write_state(state);
  });
  $('basemap-reset').addEventListener('click', () => { state.basemap = ''; set_basemap(); write_state(state); });
}
