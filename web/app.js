// The map page: wires the map, the filters and the panels to the HTTP API.
// Page state (view, layers, filters, selection) lives in `state` and in the
// URL; every change goes through apply() so the map, list, stats, download
// link and URL always describe the same selection.
/* global L */
import { t, set_language, language, translate_page, format_number, province_label, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { get_json, api_url, collection_roles, server_roles, infer_roles, filter_params, tile_template } from './api.js?v=@ASSET_VERSION@';
import { ConcessionTiles } from './tile_layer.js?v=@ASSET_VERSION@';
import { h, render_stats, render_search_results, render_detail, list_row } from './panels.js?v=@ASSET_VERSION@';
import { read_state, write_state } from './url_state.js?v=@ASSET_VERSION@';

const default_basemap = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const osm_attribution = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
const cambodia = L.latLngBounds([10.4, 102.3], [14.7, 107.7]);
const list_page = 25;
// Purpose colours, none close to a collection's own (orange, purple, green).
const palette = ['#e15759', '#edc948', '#59a14f', '#76b7b2', '#9c755f', '#ff9da7', '#b6992d', '#499894'];
const unknown_purpose = '#c7c2b8';
const other_purpose = '#8c8c8c';

const $ = (id) => document.getElementById(id);
const state = read_state();
const page = {
  collections: [],
  by_id: new Map(),
  roles: new Map(),
  layers: new Map(),  // collection id -> ConcessionTiles
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
};
page.drawn = new Promise((resolve) => { page.set_drawn = resolve; });
// For tests and the benchmark: when the first view was drawn, whether
// anything is still loading.
window.concessions_page = {
  state,
  get first_drawn_ms() { return page.first_drawn_ms; },
  get map() { return map; },
  get layers() { return page.layers; },
  is_idle: () => page.busy === 0 && !map._animatingZoom && !map._panAnim?._inProgress &&
    [...page.layers.values()].every((l) => !l._map || !l._loading),
};

// ----- language -----------------------------------------------------------

function choose_language() {
  let lang = state.lang;
  if (!lang) {
    try { lang = localStorage.getItem('concessions.lang') || ''; } catch { lang = ''; }
  }
  if (!lang) lang = (navigator.language || '').startsWith('km') ? 'km' : 'en';
  set_language(lang);
}

function switch_language(lang) {
  state.lang = lang === 'en' ? '' : lang;
  set_language(lang);
  try { localStorage.setItem('concessions.lang', lang); } catch { /* private mode */ }
  render_static();
  show_basemap_status();
  for (const id of ['purpose-select', 'country-select', 'year-from', 'year-to']) $(id).options[0].textContent = t('any');
  render_layer_list();
  refresh_credits();
  render_purpose_legend();
  fill_province_select();
  fill_focus_select();
  draw_province_labels();
  refresh_stats();
  refresh_list(false);
  if (state.selected) show_detail(state.selected.collection, state.selected.id, { zoom: false });
  write_state(state);
}

function render_static() {
  translate_page();
  document.title = t('title');
  for (const b of document.querySelectorAll('.lang-switch button')) b.setAttribute('aria-pressed', String(b.dataset.lang === language()));
  const focus = page.by_id.get(state.focus);
  $('colour-by-purpose-label').textContent = t('colour_by_purpose', { c: focus ? collection_label(focus) : '' });
  update_sort_headers();
}

// ----- busy tracking and field roles --------------------------------------

async function tracked(promise) {
  page.busy += 1;
  try { return await promise; } finally { page.busy -= 1; }
}

// Which source field is the name, company, purpose... of a collection;
// fetched when first needed, kept in page.roles for synchronous use.
function roles_of(id) {
  const c = page.by_id.get(id);
  if (!c) return Promise.resolve({});
  if (!page.roles.has(id)) page.roles.set(id, {});
  page.roles_pending ??= new Map();
  if (!page.roles_pending.has(id)) {
    page.roles_pending.set(id, tracked(collection_roles(c)).then((roles) => {
      page.roles.set(id, roles);
      return roles;
    }));
  }
  return page.roles_pending.get(id);
}

// When /collections does not name the roles, learn them once per collection
// from the first tile that shows a feature with a name, company or purpose.
const roles_learned = new Set();
async function learn_roles(id, features) {
  const c = page.by_id.get(id);
  if (!c || server_roles(c) || roles_learned.has(id) || !features?.length) return;
  roles_learned.add(id);
  await page.drawn;
  const filled = (f) => ['name', 'company', 'purpose'].filter((k) => f.properties[k] !== null && f.properties[k] !== undefined && f.properties[k] !== '').length;
  // The most filled-in feature, and of those the smallest (the cheapest to fetch).
  const better = (f, best) => filled(f) > filled(best) || (filled(f) === filled(best) && (f.properties.area_ha ?? 0) < (best.properties.area_ha ?? 0));
  const sample = features.reduce((best, f) => (better(f, best) ? f : best));
  if (!filled(sample)) return;
  try {
    const [guessed, item] = await Promise.all([roles_of(id), tracked(get_json(`collections/${encodeURIComponent(id)}/items/${sample.id}`))]);
    const learned = infer_roles(sample.properties, item.properties ?? {}, guessed);
    if (JSON.stringify(learned) === JSON.stringify(guessed)) return;
    page.roles.set(id, learned);
    page.roles_pending.set(id, Promise.resolve(learned));
    if (id === state.focus) {
      load_focus_options();
      refresh_list(false);
    }
    if (state.selected?.collection === id && !$('detail').hidden) show_detail(id, state.selected.id);
  } catch (error) {
    console.warn(`roles of ${id}:`, error.message);
  }
}

function show_error(el, what, error) {
  if (error.name === 'AbortError') return;
  el.replaceChildren(h('p', { class: 'error' }, t('error', { what, why: error.message })));
}

// ----- map and basemap ----------------------------------------------------

// Half zoom steps let the whole country fill a phone or a laptop screen.
const map = L.map('map', { zoomControl: false, zoomSnap: 0.5, minZoom: 4, maxZoom: 18, attributionControl: true });
L.control.zoom({ position: 'topright' }).addTo(map);
map.createPane('provinces').style.zIndex = 250;
map.createPane('concessions').style.zIndex = 300;
map.createPane('province-labels').style.zIndex = 450;
map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
let basemap = null;

function set_basemap() {
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
function show_basemap_status() {
  if (basemap_attribution) map.attributionControl.removeAttribution(basemap_attribution);
  basemap_attribution = '';
  $('basemap-status').textContent = page.basemap_failed ? t('basemap_offline') : '';
  if (!page.basemap_failed) return;
  basemap_attribution = `<span class="basemap-offline">${t('basemap_offline')}</span>`;
  map.attributionControl.addAttribution(basemap_attribution);
}

// ----- concession layers --------------------------------------------------

function purpose_class(value) {
  if (value === null || value === undefined || value === '' || value === '(unknown)') return '';
  const text = String(value).toLowerCase();
  const known = [['rubber', ['rubber']], ['sugar', ['sugar']], ['palm', ['palm']], ['cassava', ['cassava']],
    // Tectona is teak, merkusii a pine, Trincomali wood a timber tree.
    ['trees', ['acacia', 'eucalypt', 'teak', 'tectona', 'tree', 'wood', 'timber', 'pine', 'merkusii', 'trincomali']],
    ['agro', ['agro', 'agri']]];
  for (const [key, words] of known) if (words.some((w) => text.includes(w))) return key;
  return text.trim();
}

const purpose_names = {
  en: { rubber: 'Rubber', sugar: 'Sugar cane', palm: 'Oil palm', cassava: 'Cassava', trees: 'Trees and wood', agro: 'Agro-industrial' },
  km: { rubber: 'កៅស៊ូ', sugar: 'អំពៅ', palm: 'ដូងប្រេង', cassava: 'ដំឡូងមី', trees: 'ដើមឈើ និងឈើ', agro: 'កសិ-ឧស្សាហកម្ម' },
};

function layer_style(collection) {
  const colour = collection.color || '#d95f02';
  return (p, highlighted, zoom) => {
    let fill = colour;
    // Crop colours are for concession layers: a context layer (protected
    // areas...) keeps its one colour even when chosen for the statistics.
    if (collection.id === state.focus && collection.kind !== 'context' && state.colour_by_purpose && page.purpose_classes.size) {
      const key = purpose_class(p.purpose);
      fill = key === '' ? unknown_purpose : page.purpose_classes.get(key) ?? other_purpose;
    }
    if (highlighted) return { fill, fill_opacity: 0.8, stroke: '#111', weight: 3, radius: zoom >= 9 ? 8 : 6.5 };
    return { fill, fill_opacity: 0.5, stroke: colour, weight: zoom >= 10 ? 1.6 : 1.1, radius: zoom >= 10 ? 6 : zoom >= 8 ? 4.5 : 3.5 };
  };
}

function default_layers() {
  const ids = page.collections.filter((c, i) => i === 0 || /concession|licen[cs]e/i.test(c.title)).map((c) => c.id);
  return ids.length ? ids : page.collections.slice(0, 1).map((c) => c.id);
}

// The credit line of a layer (publisher, licence, data date, from the
// catalog), shown in the map's attribution while the layer is.
function escape_html(text) {
  return String(text).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));
}
function credit(c) {
  if (!c.attribution) return '';
  const text = t('credit', { who: c.attribution, license: c.license || '–', date: c.as_of || '–' });
  return `<span class="credit" data-collection="${escape_html(c.id)}">${escape_html(collection_label(c))}: ${escape_html(text)}</span>`;
}
function refresh_credits() {
  for (const [id, layer] of page.layers) {
    const now = credit(page.by_id.get(id));
    if (now === layer.options.attribution) continue;
    if (layer._map && layer.options.attribution) map.attributionControl.removeAttribution(layer.options.attribution);
    layer.options.attribution = now;
    if (layer._map && now) map.attributionControl.addAttribution(now);
  }
}

function create_layers() {
  page.collections.forEach((c, index) => {
    const load_limits = () => get_json(`collections/${encodeURIComponent(c.id)}/tiles.json`).then((tj) => {
      if (Number.isFinite(tj.maxzoom)) layer.options.maxDataZoom = tj.maxzoom;
      if (Number.isFinite(tj.minzoom)) layer.options.minDataZoom = tj.minzoom;
    }).catch(() => { /* the tile URLs are known without it; keep the defaults */ });
    // No requests for the empty tiles around the collection.
    const bbox = c.extent?.spatial?.bbox?.[0];
    const bounds = bbox ? L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]).pad(0.02) : undefined;
    const layer = new ConcessionTiles(c.id, tile_template(c.id), layer_style(c), { zIndex: 100 - index, load_limits, bounds, attribution: credit(c) });
    layer.on('tileload', (e) => {
      learn_roles(c.id, e.tile._features);
      // Points go above polygons whatever the catalog order.
      if (e.tile._features?.some((f) => f.kind === 'point') && layer.options.zIndex < 200) layer.setZIndex(layer.options.zIndex + 100);
    });
    page.layers.set(c.id, layer);
  });
}

function sync_layers() {
  for (const [id, layer] of page.layers) {
    const visible = state.layers.includes(id);
    if (visible) {
      layer.set_params(filter_params(state, page.by_id.get(id), page.roles.get(id)));
      if (!layer._map) layer.addTo(map);
    } else if (layer._map) {
      map.removeLayer(layer);
    }
  }
}

function watch_first_draw() {
  const visible = state.layers.map((id) => page.layers.get(id)).filter(Boolean);
  let pending = visible.length;
  const drawn = () => requestAnimationFrame(() => {
    page.first_drawn_ms = performance.now();
    performance.mark('concessions-drawn');
    document.body.dataset.drawn = 'true';
    page.set_drawn();
    load_provinces();  // after the first view: they are the heaviest download
  });
  // A layer with no tile in view (all outside its bounds) is drawn already.
  for (const layer of visible) {
    if (layer._loading) layer.once('load', () => { if (--pending === 0) drawn(); });
    else pending -= 1;
  }
  if (!pending) drawn();
}

// ----- province boundaries and labels -------------------------------------

function province_style(feature) {
  const selected = state.province && same_province(feature.properties, state.province);
  return {
    pane: 'provinces', color: selected ? '#222' : '#6b6b6b', weight: selected ? 2.5 : 0.8, opacity: 0.9,
    // Land colour only where there is no basemap to show it.
    fillColor: '#f7f4ec', fillOpacity: document.body.classList.contains('no-basemap') ? 1 : 0, interactive: false,
  };
}

function same_province(p, name) {
  if (!name) return false;
  const norm = (s) => String(s ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
  return norm(p.name) === norm(name) || norm(p.code) === norm(name) || norm(p.source_name) === norm(name);
}

async function load_provinces() {
  if (page.provinces) return page.provinces;
  if (!page.provinces_promise) {
    page.provinces_promise = tracked(get_json('provinces')).then((doc) => {
      page.provinces = doc;
      page.province_layer = L.geoJSON(doc, { style: province_style, renderer: L.canvas({ pane: 'provinces' }) });
      if (state.provinces_shown) page.province_layer.addTo(map);
      fill_province_select();
      draw_province_labels();
      return doc;
    }).catch((error) => {
      console.warn('provinces:', error.message);
      return null;
    });
  }
  return page.provinces_promise;
}

function geometry_bounds(geometry) {
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
function label_point(geometry) {
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

function draw_province_labels() {
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
function fit_label(marker) {
  const el = marker.getElement();
  if (!el) return;
  const b = marker._province_bounds;
  const width = map.latLngToContainerPoint(b.getNorthEast()).x - map.latLngToContainerPoint(b.getSouthWest()).x;
  const selected = el.classList.contains('selected');
  el.hidden = !selected && width < marker._label_width;
}

function update_label_visibility() {
  if (!page.label_layer) return;
  const show = state.provinces_shown && map.getZoom() >= 6;
  if (show && !map.hasLayer(page.label_layer)) page.label_layer.addTo(map);
  if (!show && map.hasLayer(page.label_layer)) map.removeLayer(page.label_layer);
  if (show) page.label_layer.eachLayer(fit_label);
}

function province_at(latlng) {
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

function province_bounds(name) {
  const f = page.provinces?.features.find((x) => same_province(x.properties, name));
  return f?.geometry ? geometry_bounds(f.geometry) : null;
}

// fitBounds clear of whatever covers the map: the detail panel on the left
// of a desktop, a sheet over the bottom of a phone, the search results
// hanging over its top.
function fit(bounds, max_zoom = 13) {
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

async function choose_province(name, { zoom = true } = {}) {
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

function fill_province_select() {
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

function fill_focus_select() {
  const select = $('focus-select');
  select.replaceChildren(...page.collections.map((c) => h('option', { value: c.id }, collection_label(c))));
  select.value = state.focus;
}

function fill_group_select(select, groups, current, sort_by_key = false) {
  const list = groups.filter((g) => g.key && g.key !== '(unknown)');
  if (sort_by_key) list.sort((a, b) => b.key.localeCompare(a.key));
  const options = [h('option', { value: '' }, t('any'))];
  if (current && !list.some((g) => g.key.toLowerCase() === current.toLowerCase())) options.push(h('option', { value: current }, current));
  for (const g of list) options.push(h('option', { value: g.key }, `${g.key} (${format_number(g.count)})`));
  select.replaceChildren(...options);
  const match = list.find((g) => g.key.toLowerCase() === current.toLowerCase());
  select.value = match ? match.key : current;
}

// Option lists for the focus collection (all its values, not only those
// left by the other filters, so a choice never disappears from under you).
async function load_focus_options() {
  const c = page.by_id.get(state.focus);
  if (!c) return;
  await tracked(page.drawn);
  const roles = await roles_of(c.id);
  const path = `collections/${encodeURIComponent(c.id)}/stats`;
  const groups = (group) => get_json(path, { group }).catch(() => ({ groups: [] }));
  // Purposes first: they colour the map and the legend.
  const purpose = await tracked(groups('purpose'));
  if (c.id !== state.focus) return;
  $('purpose-select').disabled = !roles.purpose;
  fill_group_select($('purpose-select'), roles.purpose ? purpose.groups : [], state.purpose);
  compute_purpose_classes(roles.purpose ? purpose.groups : []);
  const [nationality, year] = await tracked(page.drawn.then(() => Promise.all([groups('nationality'), groups('year')])));
  if (c.id !== state.focus) return;
  $('country-select').disabled = !roles.nationality;
  fill_group_select($('country-select'), roles.nationality ? nationality.groups : [], state.country);
  fill_group_select($('year-from'), year.groups, state.year_from, true);
  fill_group_select($('year-to'), year.groups, state.year_to, true);
  for (const id of ['year-from', 'year-to'])
    for (const o of $(id).options) if (o.value) o.textContent = o.value;
}

function compute_purpose_classes(groups) {
  const area = new Map();
  const label = new Map();
  for (const g of groups) {
    const key = purpose_class(g.key);
    if (!key) continue;
    area.set(key, (area.get(key) ?? 0) + g.area_ha);
    if (!label.has(key)) label.set(key, g.key);
  }
  const top = [...area.entries()].sort((a, b) => b[1] - a[1]).slice(0, palette.length);
  page.purpose_classes = new Map(top.map(([key], i) => [key, palette[i]]));
  page.purpose_labels = top.map(([key]) => ({ key, label: label.get(key) }));
  render_purpose_legend();
  page.layers.get(state.focus)?.repaint();
}

function render_purpose_legend() {
  const ul = $('purpose-legend');
  const focus = page.by_id.get(state.focus);
  $('colour-by-purpose-label').textContent = t('colour_by_purpose', { c: focus ? collection_label(focus) : '' });
  $('colour-by-purpose').checked = state.colour_by_purpose;
  const shown = state.colour_by_purpose && page.purpose_classes.size && state.layers.includes(state.focus) &&
    page.by_id.get(state.focus)?.kind !== 'context';
  ul.hidden = !shown;
  if (!shown) return;
  const names = purpose_names[language()] ?? purpose_names.en;
  const item = (colour, text) => h('li', {}, h('span', { class: 'swatch', style: `background:${colour};border-color:${focus?.color ?? '#555'}` }), text);
  ul.replaceChildren(
    ...page.purpose_labels.map(({ key, label }) => item(page.purpose_classes.get(key), names[key] ?? label)),
    item(other_purpose, t('other')),
    item(unknown_purpose, t('unknown')));
}

function render_layer_list() {
  const ul = $('layers');
  ul.replaceChildren(...page.collections.map((c) => {
    const input = h('input', { type: 'checkbox', id: `layer-${c.id}`, value: c.id, checked: state.layers.includes(c.id) });
    input.addEventListener('change', () => {
      state.layers = input.checked ? [...state.layers, c.id] : state.layers.filter((id) => id !== c.id);
      state.layers = page.collections.map((x) => x.id).filter((id) => state.layers.includes(id));
      apply({ list: true, stats: false });
      render_purpose_legend();
    });
    return h('li', {}, h('label', { class: 'check' }, input,
      h('span', { class: 'swatch', style: `background:${c.color ?? '#888'}80;border-color:${c.color ?? '#888'}` }),
      collection_label(c)));
  }));
}

// ----- stats, list, download ----------------------------------------------

let stats_abort = null;
async function refresh_stats() {
  const c = page.by_id.get(state.focus);
  if (!c) return;
  await tracked(page.drawn);
  await roles_of(c.id);
  stats_abort?.abort();
  stats_abort = new AbortController();
  const params = { group: 'company', ...filter_params(state, c, page.roles.get(c.id)) };
  try {
    const doc = await tracked(get_json(`collections/${encodeURIComponent(c.id)}/stats`, params, { signal: stats_abort.signal }));
    render_stats($('stats'), doc, doc);
    $('sheet-summary').textContent = `${format_number(doc.numberMatched)} · ${format_number(doc.area_ha)} ${t('ha')}`;
    $('download-what').textContent = t('download_what', { layer: collection_label(c), n: format_number(doc.numberMatched) });
    page.matched = doc.numberMatched;
    render_list_summary();
  } catch (error) {
    show_error($('stats'), t('stats'), error);
  }
}

function view_bbox() {
  const b = map.getBounds();
  const clamp = (v, m) => Math.max(-m, Math.min(m, v));
  return [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].map((v) => v.toFixed(5)).join(',');
}

function sort_param() {
  const desc = state.sort.startsWith('-');
  const key = state.sort.replace(/^-/, '');
  const roles = page.roles.get(state.focus) ?? {};
  const field = key === 'name' ? roles.name : key === 'province' ? roles.province : key;
  return field ? `${desc ? '-' : ''}${field}` : '-area_ha';
}

function update_sort_headers() {
  const key = state.sort.replace(/^-/, '');
  for (const th of document.querySelectorAll('#list th[data-sort]')) {
    const active = th.dataset.sort === key;
    th.setAttribute('aria-sort', active ? (state.sort.startsWith('-') ? 'descending' : 'ascending') : 'none');
    const button = th.querySelector('button');
    button.title = t('sort_by', { col: button.textContent });
  }
}

let list_abort = null;
async function refresh_list(append) {
  const c = page.by_id.get(state.focus);
  if (!c) return;
  await tracked(page.drawn);
  await roles_of(c.id);
  list_abort?.abort();
  list_abort = new AbortController();
  page.list_offset = append ? page.list_offset + list_page : 0;
  const roles = page.roles.get(c.id) ?? {};
  const params = { ...filter_params(state, c, roles), bbox: view_bbox(), limit: list_page, offset: page.list_offset || undefined, sortby: sort_param() };
  const tbody = $('list').tBodies[0];
  try {
    const doc = await tracked(get_json(`collections/${encodeURIComponent(c.id)}/items`, params, { signal: list_abort.signal }));
    const open = (f) => select_feature(c.id, f.id, { feature: f, zoom: true });
    const rows = doc.features.map((f) => list_row(f, roles, open));
    if (append) tbody.append(...rows); else tbody.replaceChildren(...rows);
    page.in_view = doc.numberMatched;
    page.shown = page.list_offset + doc.numberReturned;
    $('list-more').hidden = page.shown >= doc.numberMatched;
    $('list').hidden = page.in_view === 0 && !append;
    render_list_summary();
  } catch (error) {
    if (error.name !== 'AbortError') $('list-summary').textContent = t('error', { what: t('list'), why: error.message });
  }
}

function render_list_summary() {
  if (page.in_view === undefined) return;
  $('list-summary').textContent = page.in_view === 0 ? t('list_empty')
    : t('list_summary', { shown: format_number(page.shown), inview: format_number(page.in_view), total: format_number(page.matched ?? 0) });
}

function update_download() {
  const c = page.by_id.get(state.focus);
  if (!c) return;
  const params = { ...filter_params(state, c, page.roles.get(c.id)), f: $('download-format').value, download: 1 };
  if ($('download-view').checked) params.bbox = view_bbox();
  $('download-link').href = api_url(`collections/${encodeURIComponent(c.id)}/items`, params).href;
}

// ----- applying a change --------------------------------------------------

function apply({ list = true, stats = true } = {}) {
  sync_layers();
  if (page.province_layer) page.province_layer.setStyle(province_style);
  if (page.provinces) draw_province_labels();
  const select = $('province-select');
  const option = [...select.options].find((o) => o.value && same_province({ name: o.value }, state.province));
  if (state.province && !option) fill_province_select(); else select.value = option ? option.value : '';
  $('purpose-select').value = state.purpose;
  $('country-select').value = state.country;
  $('year-from').value = state.year_from;
  $('year-to').value = state.year_to;
  $('search-input').value = state.q;
  if (stats) refresh_stats();
  if (list) refresh_list(false);
  update_download();
  write_state(state);
}

// ----- selection and detail -----------------------------------------------

function highlight(collection_id, id) {
  for (const [cid, layer] of page.layers) layer.set_highlight(cid === collection_id ? id : null);
}

function feature_bounds(feature) {
  try {
    const b = L.geoJSON(feature).getBounds();
    return b.isValid() ? b : null;
  } catch { return null; }
}

async function select_feature(collection_id, id, { feature = null, zoom = false } = {}) {
  state.selected = { collection: collection_id, id };
  highlight(collection_id, id);
  write_state(state);
  await show_detail(collection_id, id, { feature, zoom });
}

let detail_abort = null;
async function show_detail(collection_id, id, { feature = null, zoom = false } = {}) {
  const c = page.by_id.get(collection_id);
  if (!c) return;
  const panel = $('detail');
  panel.hidden = false;
  document.body.classList.add('detail-open');
  document.body.classList.remove('panel-open');
  $('panel-toggle').setAttribute('aria-expanded', 'false');
  detail_abort?.abort();
  detail_abort = new AbortController();
  if (!feature || !feature.geometry) {
    $('detail-title').textContent = t('loading');
    $('detail-body').replaceChildren();
    try {
      feature = await tracked(get_json(`collections/${encodeURIComponent(c.id)}/items/${id}`, null, { signal: detail_abort.signal }));
    } catch (error) {
      show_error($('detail-body'), t('detail'), error);
      return;
    }
  }
  const roles = await roles_of(c.id);
  const p = feature.properties ?? {};
  $('detail-title').textContent = p[roles.name] ?? p[roles.company] ?? `${t('detail')} #${feature.id}`;
  const bounds = feature_bounds(feature);
  const zoom_to = () => { if (bounds) fit(bounds); };
  render_detail($('detail-body'), {
    collection: c, roles, feature,
    on_zoom: zoom_to,
    on_province: (name) => choose_province(name),
    on_copy: async (event) => {
      try { await navigator.clipboard.writeText(window.location.href); event.target.textContent = t('copied'); } catch { /* not allowed */ }
    },
  });
  if (zoom) zoom_to();
  if (!panel.contains(document.activeElement)) panel.focus({ preventScroll: true });
}

function close_detail() {
  $('detail').hidden = true;
  document.body.classList.remove('detail-open');
  state.selected = null;
  highlight(null, null);
  write_state(state);
}

// ----- search -------------------------------------------------------------

let search_abort = null;
async function run_search(query) {
  const box = $('search-results');
  state.q = query.trim();
  apply();
  if (!state.q) {
    box.hidden = true;
    $('search-input').setAttribute('aria-expanded', 'false');
    return;
  }
  search_abort?.abort();
  search_abort = new AbortController();
  box.hidden = false;
  $('search-input').setAttribute('aria-expanded', 'true');
  box.replaceChildren(h('p', { class: 'muted' }, t('loading')));
  const targets = state.layers.map((id) => page.by_id.get(id)).filter(Boolean);
  try {
    const results = await tracked(Promise.all(targets.map(async (c) => {
      const roles = await roles_of(c.id);
      const doc = await get_json(`collections/${encodeURIComponent(c.id)}/items`,
        // The search itself applies to every layer, context layers too (to find a protected area by name).
        { ...filter_params(state, c, roles), q: state.q, limit: 8, sortby: '-area_ha' }, { signal: search_abort.signal });
      return { collection: c, roles, doc };
    })));
    const pick = (c, f) => {
      box.hidden = true;
      $('search-input').setAttribute('aria-expanded', 'false');
      select_feature(c.id, f.id, { feature: f, zoom: true });
    };
    render_search_results(box, results, state.q, pick);
    // Zoom to what was found.
    const bounds = L.latLngBounds([]);
    for (const r of results) for (const f of r.doc.features) { const b = feature_bounds(f); if (b) bounds.extend(b); }
    if (bounds.isValid()) fit(bounds, 12);
  } catch (error) {
    show_error(box, t('search_results'), error);
  }
}

// ----- events -------------------------------------------------------------

function bind_events() {
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); run_search($('search-input').value); });
  $('search-input').addEventListener('search', (e) => { if (!e.target.value) run_search(''); });
  for (const b of document.querySelectorAll('.lang-switch button')) b.addEventListener('click', () => switch_language(b.dataset.lang));
  $('panel-toggle').addEventListener('click', () => {
    const open = !document.body.classList.contains('panel-open');
    document.body.classList.toggle('panel-open', open);
    $('panel-toggle').setAttribute('aria-expanded', String(open));
    if (open) $('panel').focus();
  });
  for (const b of document.querySelectorAll('[data-close]')) {
    b.addEventListener('click', () => {
      if (b.dataset.close === 'detail') close_detail();
      else { document.body.classList.remove('panel-open'); $('panel-toggle').setAttribute('aria-expanded', 'false'); $('panel-toggle').focus(); }
    });
  }
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    if (!$('search-results').hidden) { $('search-results').hidden = true; $('search-input').focus(); }
    else if (!$('detail').hidden) close_detail();
    else if (document.body.classList.contains('panel-open')) { document.body.classList.remove('panel-open'); $('panel-toggle').focus(); }
  });
  $('province-select').addEventListener('change', (e) => choose_province(e.target.value));
  $('focus-select').addEventListener('change', (e) => {
    state.focus = e.target.value;
    state.purpose = '';
    state.country = '';
    if (!state.layers.includes(state.focus)) state.layers = page.collections.map((c) => c.id).filter((id) => id === state.focus || state.layers.includes(id));
    render_layer_list();
    render_static();
    apply();
    load_focus_options();
  });
  $('purpose-select').addEventListener('change', (e) => { state.purpose = e.target.value; apply(); });
  $('country-select').addEventListener('change', (e) => { state.country = e.target.value; apply(); });
  $('year-from').addEventListener('change', (e) => { state.year_from = e.target.value; apply(); });
  $('year-to').addEventListener('change', (e) => { state.year_to = e.target.value; apply(); });
  $('clear-filters').addEventListener('click', () => {
    Object.assign(state, { province: '', q: '', purpose: '', country: '', year_from: '', year_to: '' });
    $('search-results').hidden = true;
    apply();
  });
  $('colour-by-purpose').addEventListener('change', (e) => {
    state.colour_by_purpose = e.target.checked;
    render_purpose_legend();
    page.layers.get(state.focus)?.repaint();
    write_state(state);
  });
  $('show-provinces').checked = state.provinces_shown;
  $('show-provinces').addEventListener('change', (e) => {
    state.provinces_shown = e.target.checked;
    if (page.province_layer) (state.provinces_shown ? page.province_layer.addTo(map) : map.removeLayer(page.province_layer));
    update_label_visibility();
    write_state(state);
  });
  for (const th of document.querySelectorAll('#list th[data-sort]')) {
    th.querySelector('button').addEventListener('click', () => {
      const key = th.dataset.sort;
      const current = state.sort.replace(/^-/, '');
      const numeric = key === 'area_ha' || key === 'contract_date';
      state.sort = current === key ? (state.sort.startsWith('-') ? key : `-${key}`) : (numeric ? `-${key}` : key);
      update_sort_headers();
      refresh_list(false);
      write_state(state);
    });
  }
  $('list-more').addEventListener('click', () => refresh_list(true));
  $('download-format').addEventListener('change', update_download);
  $('download-view').addEventListener('change', update_download);
  $('basemap-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('basemap-input').value.trim();
    state.basemap = value === default_basemap ? '' : value;
    set_basemap();
    write_state(state);
  });
  $('basemap-reset').addEventListener('click', () => { state.basemap = ''; set_basemap(); write_state(state); });

  let move_timer = null;
  map.on('moveend', () => {
    const c = map.getCenter();
    state.view = { zoom: map.getZoom(), lat: c.lat, lng: c.lng };
    write_state(state);
    update_label_visibility();
    update_download();
    // The list follows the view, once the map has come to rest.
    if (move_timer) clearTimeout(move_timer); else page.busy += 1;
    move_timer = setTimeout(() => {
      move_timer = null;
      page.busy -= 1;
      refresh_list(false);
    }, 250);
  });
  map.on('click', on_map_click);
  let hover_frame = 0;
  map.on('mousemove', (e) => {
    if (hover_frame) return;
    hover_frame = requestAnimationFrame(() => {
      hover_frame = 0;
      map.getContainer().classList.toggle('over-feature', Boolean(hit(e.latlng)));
    });
  });
}

function hit(latlng) {
  // Topmost layer first.
  const visible = [...page.layers.values()].filter((l) => l._map).sort((a, b) => b.options.zIndex - a.options.zIndex);
  for (const layer of visible) {
    const f = layer.hit_test(latlng);
    if (f) return { layer, feature: f };
  }
  return null;
}

function on_map_click(e) {
  const found = hit(e.latlng);
  if (found) {
    select_feature(found.layer.collection_id, found.feature.id);
    return;
  }
  const province = province_at(e.latlng);
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
  L.popup({ maxWidth: 280 }).setLatLng(e.latlng).setContent(content).openOn(map);
}

// ----- start --------------------------------------------------------------

async function show_sample_notice() {
  try {
    const landing = await get_json('', { f: 'json' });
    if (/sample|synthetic/i.test(landing.description ?? '')) {
      const notice = $('sample-notice');
      notice.hidden = false;
      notice.replaceChildren(h('strong', { 'data-i18n': 'sample_notice' }, t('sample_notice')), ' ',
        h('span', { class: 'small' }, `(${landing.description})`));
      document.body.classList.add('sample');
      map.invalidateSize();
    }
  } catch (error) {
    console.warn('landing:', error.message);
  }
}

// Marks (performance.getEntriesByType('mark')) time the start-up steps.
async function start() {
  performance.mark('concessions-start');
  choose_language();
  render_static();
  set_basemap();
  if (state.view) map.setView([state.view.lat, state.view.lng], state.view.zoom);
  page.drawn.then(show_sample_notice);
  const doc = await tracked(get_json('collections'));
  performance.mark('concessions-collections');
  page.collections = doc.collections ?? [];
  page.by_id = new Map(page.collections.map((c) => [c.id, c]));
  if (!page.collections.length) return;
  const known = (ids) => ids.filter((id) => page.by_id.has(id));
  state.layers = state.layers ? known(state.layers) : default_layers();
  if (!page.by_id.has(state.focus)) state.focus = state.layers[0] ?? page.collections[0].id;
  if (!state.view) {
    const extent = L.latLngBounds([]);
    for (const id of state.layers) {
      const bbox = page.by_id.get(id).extent?.spatial?.bbox?.[0];
      if (bbox) extent.extend([[bbox[1], bbox[0]], [bbox[3], bbox[2]]]);
    }
    map.fitBounds(extent.isValid() ? extent : cambodia, { animate: false });
  }
  // The focus collection's field roles turn purpose and country filters into
  // API parameters: wait for them only when such a filter is in the URL.
  if (state.purpose || state.country) await roles_of(state.focus);
  create_layers();
  render_static();
  render_layer_list();
  fill_focus_select();
  fill_province_select();
  bind_events();
  performance.mark('concessions-layers');
  apply();
  performance.mark('concessions-tiles-requested');
  watch_first_draw();
  load_focus_options();
  if (state.province || state.selected) {
    load_provinces().then(() => {
      // A link with a province but no view opens on that province.
      const b = state.province && !state.view && province_bounds(state.province);
      if (b) fit(b, 11);
    });
  }
  if (state.selected) show_detail(state.selected.collection, state.selected.id).then(() => highlight(state.selected?.collection, state.selected?.id));
  if (state.q) run_search(state.q);
}

start().catch((error) => {
  console.error(error);
  document.body.append(h('p', { class: 'fatal error', role: 'alert' }, t('error', { what: t('title'), why: error.message })));
});
