// Province boundaries, their labels, the province filter and the popup of
// a province clicked on the map.
/* global L */
import { render_chips } from './chips.js?v=@ASSET_VERSION@';
import { t, format_number, province_label, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { get_json } from './api.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { write_state } from './url_state.js?v=@ASSET_VERSION@';
import { $, state, page, tracked } from './context.js?v=@ASSET_VERSION@';
import { map, fit } from './map_view.js?v=@ASSET_VERSION@';
import { apply } from './filters.js?v=@ASSET_VERSION@';
import { show_basemap_status } from './basemap.js?v=@ASSET_VERSION@';
import { report_failure, clear_failure, update_loading } from './status.js?v=@ASSET_VERSION@';

export function province_style(feature) {
  const selected = state.province && same_province(feature.properties, state.province);
  return {
    pane: 'provinces', color: selected ? '#222' : '#6b6b6b', weight: selected ? 2.5 : 0.8, opacity: 0.9,
    // Land colour only where there is no basemap to show it.
    fillColor: '#f7f4ec', fillOpacity: document.body.classList.contains('no-basemap') ? 1 : 0, interactive: false,
  };
}

export function same_province(p, name) {
  if (!name) return false;
  const norm = (s) => String(s ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
  return norm(p.name) === norm(name) || norm(p.code) === norm(name) || norm(p.source_name) === norm(name);
}

// Boundaries simplified for the zoom (GET /provinces?zoom=z keeps them
// within half a pixel at z): ~30 KB for the country view instead of the
// 866 KB of every surveyed vertex, so they can load with the first tiles.
// Zooming in past a tier loads the next (Infinity: every vertex); a coarser
// set is never asked for once a finer one is there.
export const boundary_tiers = [8, 11, 14, Infinity];
export function boundary_tier(zoom) {
  return boundary_tiers.find((z) => zoom <= z + 0.5);
}

export async function load_provinces() {
  const tier = boundary_tier(map.getZoom());
  if (page.provinces && page.provinces_tier >= tier) return page.provinces;
  if (page.provinces_promise && page.provinces_promise.tier >= tier) return page.provinces_promise;
  const params = Number.isFinite(tier) ? { zoom: tier } : undefined;
  page.boundaries_loading = (page.boundaries_loading ?? 0) + 1;
  update_loading();
  const promise = get_json('provinces', params).then((doc) => {
    if (page.provinces_tier >= tier) return page.provinces;  // a finer set came first
    show_boundaries(doc, tier);
    return doc;
  }).catch((error) => {
    console.warn('provinces:', error.message);
    if (page.provinces_promise === promise) page.provinces_promise = null;
    page.boundaries_failed = !page.provinces;
    report_failure('boundaries', { what: () => t('province_boundaries'), error, retry: load_provinces });
    show_basemap_status();
    return page.provinces;
  }).finally(() => {
    page.boundaries_loading -= 1;
    update_loading();
  });
  promise.tier = tier;
  page.provinces_promise = promise;
  return promise;
}

function show_boundaries(doc, tier) {
  const first = !page.provinces;
  if (page.province_layer) map.removeLayer(page.province_layer);
  page.provinces = doc;
  page.provinces_tier = tier;
  page.province_layer = L.geoJSON(doc, { style: province_style, renderer: L.canvas({ pane: 'provinces' }) });
  if (state.provinces_shown) page.province_layer.addTo(map);
  if (first) performance.mark('concessions-outline');
  document.body.dataset.boundaries = String(tier);
  page.boundaries_failed = false;
  clear_failure('boundaries');
  show_basemap_status();
  fill_province_select();
  draw_province_labels();
  render_chips();  // a province chip reads its name in the page's language from the boundaries
}

export function geometry_bounds(geometry) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      if (c[0] < w) w = c[0];
      if (c[0] > e) e = c[0];
      if (c[1] < s) s = c[1];
      if (c[1] > n) n = c[1];
    } else {
      for (const x of c) walk(x);
    }
  };
  walk(geometry.coordinates);
  return L.latLngBounds([s, w], [n, e]);
}

// A point inside the province for its label: the middle of the widest run
// of the largest polygon along the line through its middle latitude.
export function label_point(geometry) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best = null, box = null, best_size = -1;
  for (const p of polygons) {
    const b = geometry_bounds({ coordinates: p[0] });
    const size = (b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth());
    if (size > best_size) { best_size = size; best = p; box = b; }
  }
  const y = (box.getSouth() + box.getNorth()) / 2;
  const crossings = [];
  for (const ring of best)
    for (let i = 1; i < ring.length; ++i) {
      const [x1, y1] = ring[i - 1], [x2, y2] = ring[i];
      if ((y1 > y) !== (y2 > y)) crossings.push(x1 + (y - y1) * (x2 - x1) / (y2 - y1));
    }
  crossings.sort((a, b) => a - b);
  let x = (box.getWest() + box.getEast()) / 2, widest = -1;
  for (let i = 0; i + 1 < crossings.length; i += 2)
    if (crossings[i + 1] - crossings[i] > widest) { widest = crossings[i + 1] - crossings[i]; x = (crossings[i] + crossings[i + 1]) / 2; }
  return L.latLng(y, x);
}

export function draw_province_labels() {
  if (!page.provinces) return;
  if (page.label_layer) map.removeLayer(page.label_layer);
  page.label_layer = L.layerGroup();
  for (const f of page.provinces.features) {
    if (!f.geometry) continue;
    f._label_point ??= label_point(f.geometry);
    f._bounds ??= geometry_bounds(f.geometry);
    const name = province_label(f.properties.name, f.properties.code);
    const selected = state.province && same_province(f.properties, state.province);
    const marker = L.marker(f._label_point, {
      pane: 'province-labels',
      icon: L.divIcon({ className: `province-label${selected ? ' selected' : ''}`, html: '', iconSize: null }),
      title: t('filter_province', { p: name }),
      alt: name,
      keyboard: true,
      riseOnHover: true,
    });
    marker._province_bounds = f._bounds;
    marker._label_width = name.length * 6.5;
    marker.on('add', () => {
      marker.getElement().textContent = name;
      fit_label(marker);
    });
    marker.on('click', () => choose_province(f.properties.name));
    page.label_layer.addLayer(marker);
  }
  update_label_visibility();
}

// A name wider than its province hides until the map is zoomed in enough
// (Phnom Penh, Kep and Pailin would cover their neighbours' names).
export function fit_label(marker) {
  const el = marker.getElement();
  if (!el) return;
  const b = marker._province_bounds;
  const width = map.latLngToContainerPoint(b.getNorthEast()).x - map.latLngToContainerPoint(b.getSouthWest()).x;
  const selected = el.classList.contains('selected');
  el.hidden = !selected && width < marker._label_width;
}

export function update_label_visibility() {
  if (!page.label_layer) return;
  const show = state.provinces_shown && map.getZoom() >= 6;
  if (show && !map.hasLayer(page.label_layer)) page.label_layer.addTo(map);
  if (!show && map.hasLayer(page.label_layer)) map.removeLayer(page.label_layer);
  if (show) page.label_layer.eachLayer(fit_label);
}

export function province_at(latlng) {
  if (!page.provinces) return null;
  const inside = (ring) => {
    let result = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > latlng.lat) !== (yj > latlng.lat) && latlng.lng < (xj - xi) * (latlng.lat - yi) / (yj - yi) + xi) result = !result;
    }
    return result;
  };
  for (const f of page.provinces.features) {
    const g = f.geometry;
    if (!g) continue;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    for (const p of polygons) if (p.reduce((acc, ring) => acc !== inside(ring), false)) return f;
  }
  return null;
}

export function province_bounds(name) {
  const f = page.provinces?.features.find((x) => same_province(x.properties, name));
  return f?.geometry ? geometry_bounds(f.geometry) : null;
}

export async function choose_province(name, { zoom = true } = {}) {
  map.closePopup();
  state.province = name;
  apply();
  if (zoom && name) {
    await load_provinces();
    const b = province_bounds(name);
    if (b) fit(b, 11);
  }
}

// ----- filters ------------------------------------------------------------

export function fill_province_select() {
  const select = $('province-select');
  const options = [h('option', { value: '' }, t('all_provinces'))];
  const names = page.provinces
    ? page.provinces.features.map((f) => ({ value: f.properties.name, label: province_label(f.properties.name, f.properties.code) }))
    : [];
  names.sort((a, b) => a.label.localeCompare(b.label));
  if (state.province && !names.some((n) => same_province({ name: n.value }, state.province)))
    names.unshift({ value: state.province, label: state.province });
  for (const n of names) options.push(h('option', { value: n.value }, n.label));
  select.replaceChildren(...options);
  const current = names.find((n) => same_province({ name: n.value }, state.province));
  select.value = current ? current.value : '';
}

export function province_popup(latlng) {
  const province = province_at(latlng);
  if (!province) return;
  const p = province.properties;
  const name = province_label(p.name, p.code);
  const counts = state.layers.map((id) => {
    const c = page.by_id.get(id), n = p.collections?.[id];
    return n ? h('li', {}, `${collection_label(c)}: ${format_number(n.count)} · ${format_number(n.area_ha)} ${t('ha')}`) : null;
  });
  const content = h('div', { class: 'province-popup' }, h('strong', {}, name),
    h('p', { class: 'muted small' }, t('in_province')), h('ul', {}, counts),
    state.province && same_province(p, state.province) ? null
      : h('button', { type: 'button', onclick: () => choose_province(p.name) }, t('filter_province', { p: name })));
  L.popup({ maxWidth: 280 }).setLatLng(latlng).setContent(content).openOn(map);
}

export function bind_province_events() {
  $('province-select').addEventListener('change', (e) => choose_province(e.target.value));
  $('show-provinces').checked = state.provinces_shown;
  $('show-provinces').addEventListener('change', (e) => {
    state.provinces_shown = e.target.checked;
    if (page.province_layer) (state.provinces_shown ? page.province_layer.addTo(map) : map.removeLayer(page.province_layer));
    update_label_visibility();
    write_state(state);
  });
  // Finer boundaries once the map is zoomed past what the loaded ones are
  // simplified for (only after the first set: start() asks for that one).
  map.on('zoomend', () => { if (page.provinces) load_provinces(); });
}
