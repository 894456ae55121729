// The Leaflet map, its panes, and fitting bounds clear of the panels.
/* global L */
import { $ } from './context.js?v=@ASSET_VERSION@';

export const cambodia = L.latLngBounds([10.4, 102.3], [14.7, 107.7]);

// Half zoom steps let the whole country fill a phone or a laptop screen.
export const map = L.map('map', { zoomControl: false, zoomSnap: 0.5, minZoom: 4, maxZoom: 18, attributionControl: true });
L.control.zoom({ position: 'topright' }).addTo(map);
map.createPane('provinces').style.zIndex = 250;
map.createPane('concessions').style.zIndex = 300;
map.createPane('province-labels').style.zIndex = 450;
map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');

// fitBounds clear of whatever covers the map: the detail panel on the left
// of a desktop, a sheet over the bottom of a phone, the search results
// hanging over its top.
export function fit(bounds, max_zoom = 13) {
  const map_box = map.getContainer().getBoundingClientRect();
  let top = 30, left = 30, bottom = 30;
  const covering = (el) => (el && !el.hidden && el.offsetParent !== null ? el.getBoundingClientRect() : null);
  const results = covering($('search-results'));
  if (results) top = Math.max(top, results.bottom - map_box.top + 20);
  for (const sheet of [$('detail'), $('panel')]) {
    const box = covering(sheet);
    if (!box || box.width >= map_box.width) {
      if (box && box.top > map_box.top) bottom = Math.max(bottom, Math.min(map_box.bottom - box.top, map_box.height * 0.65) + 20);
    } else if (sheet.id === 'detail' && box.left < map_box.left + map_box.width / 2) {
      left = Math.max(left, box.right - map_box.left + 20);
    }
  }
  map.fitBounds(bounds, { paddingTopLeft: [left, top], paddingBottomRight: [30, bottom], maxZoom: max_zoom });
}

export function feature_bounds(feature) {
  try {
    const b = L.geoJSON(feature).getBounds();
    return b.isValid() ? b : null;
  } catch { return null; }
}
