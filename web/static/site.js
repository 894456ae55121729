// The static map that `concessions export --site` writes (issue 14): reads
// site.json and the PMTiles archive beside this page and draws them with
// MapLibre GL, so the exported folder is a complete map on any static host
// that answers Range requests. MapLibre GL and pmtiles are the classic
// scripts in vendor/, loaded before this module (globals maplibregl, pmtiles).
// Data goes into the page through textContent only, never as HTML.

// For a collection whose colour the catalog leaves empty (the live page's
// default first).
const fallback_colours = ['#ff7900', '#7b75d1', '#219873', '#c2185b', '#1f78b4', '#8d6e00'];

// OpenStreetMap's standard tiles: optional, so that the map still draws
// its concessions offline or when the tile server refuses.
const basemap = {
  type: 'raster',
  tiles: ['https://tile.openstreetmap.org/{z}/{x}/{y}.png'],
  tileSize: 256,
  maxzoom: 19,
  attribution: '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
};

// The properties tiles carry (server: geo::tile_index::property_names), in
// the popup's order.
const popup_fields = [
  ['company', 'Company'],
  ['purpose', 'Purpose'],
  ['area_ha', 'Area'],
  ['provinces', 'Provinces'],
  ['contract_date', 'Contract date'],
];

// ----- page state ----------------------------------------------------------

// "loading", "ready" or "error", for styles and tests.
function set_state(state) {
  document.body.dataset.state = state;
}

// A failure the reader must see: the map may be empty or incomplete.
function show_alert(message) {
  const alert = document.getElementById('site-alert');
  alert.textContent = message;
  alert.hidden = false;
  set_state('error');
}

// A URL from site.json as a link target, or null unless it is http(s).
function safe_url(value) {
  if (!value) return null;  // '' would resolve to this page
  try {
    const url = new URL(value, document.baseURI);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function element(tag, attributes = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  for (const c of children) e.append(c);  // strings become text nodes
  return e;
}

// ----- loading -------------------------------------------------------------

async function load_site() {
  const url = new URL('site.json', document.baseURI);
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`Cannot read site.json (${e.message}).`);
  }
  if (!response.ok) throw new Error(`Cannot read site.json: the server answered HTTP ${response.status}.`);
  try {
    return await response.json();
  } catch {
    throw new Error('site.json is not valid JSON.');
  }
}

// Registers the archive with the pmtiles protocol and reads its header, so
// that a missing archive or a server without byte serving is reported here,
// once, rather than as failed tiles. Returns the source URL for MapLibre.
async function open_archive(site) {
  const url = new URL(site.archive, document.baseURI).href;
  const protocol = new pmtiles.Protocol();
  maplibregl.addProtocol('pmtiles', protocol.tile);
  const archive = new pmtiles.PMTiles(url);
  protocol.add(archive);
  try {
    await archive.getHeader();
  } catch (e) {
    throw new Error(`Cannot read the map's tiles from ${site.archive}: ${e.message}`);
  }
  return `pmtiles://${url}`;
}

// ----- style ---------------------------------------------------------------

function colour_of(layer, index) {
  return /^#[0-9a-f]{3,8}$/i.test(layer.color) ? layer.color : fallback_colours[index % fallback_colours.length];
}

const is_point = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false];
const is_polygon = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];

// The MapLibre layers drawing one collection (its MVT layer has the
// collection's id): polygons as a fill and an outline, points as circles.
function map_layers_of(layer, colour) {
  const common = { source: 'concessions', 'source-layer': layer.id, metadata: { collection: layer.id } };
  const context = layer.kind === 'context';
  return {
    polygons: [
      { ...common, id: `${layer.id}-fill`, type: 'fill', filter: is_polygon,
        paint: { 'fill-color': colour, 'fill-opacity': context ? 0.2 : 0.4 } },
      { ...common, id: `${layer.id}-outline`, type: 'line', filter: is_polygon,
        paint: { 'line-color': colour, 'line-width': ['interpolate', ['linear'], ['zoom'], 5, 0.6, 12, 2] } },
    ],
    points: [
      { ...common, id: `${layer.id}-points`, type: 'circle', filter: is_point,
        paint: { 'circle-color': colour, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 5, 3.5, 12, 7],
                 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 } },
    ],
  };
}

// Context layers (protected areas...) under the concessions, every point
// above every polygon.
function build_style(site, source_url) {
  const ordered = [...site.layers.filter((l) => l.kind === 'context'), ...site.layers.filter((l) => l.kind !== 'context')];
  const drawn = ordered.map((l) => map_layers_of(l, colour_of(l, site.layers.indexOf(l))));
  return {
    version: 8,
    sources: {
      osm: basemap,
      concessions: { type: 'vector', url: source_url },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef1ee' } },
      { id: 'osm', type: 'raster', source: 'osm', paint: { 'raster-saturation': -0.5, 'raster-opacity': 0.85 } },
      ...drawn.flatMap((d) => d.polygons),
      ...drawn.flatMap((d) => d.points),
    ],
  };
}

// ----- map -----------------------------------------------------------------

function valid_bounds(b) {
  return Array.isArray(b) && b.length === 4 && b.every(Number.isFinite) && b[0] < b[2] && b[1] < b[3];
}

// At the archive's centre: fit_to_data() then shows all of it.
function create_map(site, style) {
  const [lng = 104.9, lat = 12.5, zoom = 6] = site.center ?? [];
  const map = new maplibregl.Map({ container: 'map', style, center: [lng, lat], zoom, maxZoom: 18, attributionControl: false });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
  map.addControl(new maplibregl.ScaleControl(), 'bottom-left');
  map.addControl(new maplibregl.AttributionControl({ compact: true }), 'bottom-right');
  return map;
}

// The data's bounds, beside the open layer list (`covered` px at the right)
// rather than under it when the map is wide enough for both.
function fit_to_data(map, bounds, covered) {
  if (!valid_bounds(bounds)) return;
  const right = map.getContainer().clientWidth - covered > 400 ? covered : 0;
  map.fitBounds(bounds, { padding: { top: 24, bottom: 24, left: 24, right: 24 + right }, animate: false });
}

// The ids of the map layers that draw collection `id`.
function map_layer_ids(map, id) {
  return map.getStyle().layers.filter((l) => l.metadata?.collection === id).map((l) => l.id);
}

function interactive_layer_ids(map) {
  return map.getStyle().layers.filter((l) => l.metadata?.collection && l.type !== 'line').map((l) => l.id);
}

// Tile errors: the basemap's are expected offline; any other means the
// concessions are not all drawn, which the reader must know.
function watch_errors(map) {
  map.on('error', (event) => {
    // MapLibre renders no frame after a tile fails, so without one the map
    // would never report 'idle' offline.
    if (event.sourceId === 'osm') return map.triggerRepaint();
    console.error(event.error);
    show_alert(`Part of the map could not be drawn: ${event.error?.message ?? 'unknown error'}`);
  });
}

// ----- layer list ----------------------------------------------------------

// The legend: one checkbox per collection (shows or hides its map layers)
// and a link to its GeoJSON download. A MapLibre control; closed at first
// on a narrow map so that it does not cover it.
class LayerList {
  constructor(site, options = {}) {
    this.site = site;
    this.options = {
      narrow: 640,  // map width (px) under which the list starts closed
      ...options,
    };
  }

  onAdd(map) {
    this.map = map;
    const open = map.getContainer().clientWidth >= this.options.narrow;
    this.body = element('div', { id: 'layer-list-body', class: 'layer-list-body' }, this.render_list());
    this.body.hidden = !open;
    this.toggle = element('button', { type: 'button', class: 'layer-list-toggle', 'aria-expanded': String(open),
                                      'aria-controls': 'layer-list-body' },
                          'Layers', element('span', { class: 'chevron', 'aria-hidden': 'true' }));
    this.toggle.addEventListener('click', () => this.set_open(this.body.hidden));
    this.container = element('section', { class: 'maplibregl-ctrl maplibregl-ctrl-group layer-list', 'aria-label': 'Layers' },
                             this.toggle, this.body);
    return this.container;
  }

  onRemove() {
    this.container.remove();
    this.map = undefined;
  }

  // How much of the map's width the open list hides.
  covered_width() {
    return this.body.hidden ? 0 : this.container.offsetWidth + 10;
  }

  set_open(open) {
    this.body.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
  }

  render_list() {
    return element('ul', {}, ...this.site.layers.map((layer, i) => this.render_item(layer, i)));
  }

  render_item(layer, index) {
    const box = element('input', { type: 'checkbox', id: `show-${layer.id}`, 'data-collection': layer.id });
    box.checked = true;
    box.addEventListener('change', () => this.set_visible(layer.id, box.checked));
    const swatch = element('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.setProperty('--colour', colour_of(layer, index));
    const label = element('label', { for: box.id }, swatch, layer.title || layer.id);
    if (layer.title_km) label.append(' ', element('span', { lang: 'km', class: 'title-km' }, layer.title_km));
    const item = element('li', { 'data-collection': layer.id }, box, label);
    const href = safe_url(layer.download);
    if (href)
      item.append(element('a', { class: 'download', href, download: '' }, 'GeoJSON',
                          element('span', { class: 'visually-hidden' }, ` of ${layer.title || layer.id}`)));
    return item;
  }

  set_visible(id, visible) {
    for (const map_layer of map_layer_ids(this.map, id))
      this.map.setLayoutProperty(map_layer, 'visibility', visible ? 'visible' : 'none');
  }
}

// ----- popup ---------------------------------------------------------------

// A property as the popup shows it, or null when it says nothing (points
// carry an area of 0).
function format_value(key, value) {
  if (value === undefined || value === null || value === '') return null;
  if (key !== 'area_ha') return String(value);
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return n > 0 ? `${n.toLocaleString('en', { maximumFractionDigits: n < 10 ? 1 : 0 })} hectares` : null;
}

// One feature's properties as a titled list.
function feature_details(feature, layer) {
  const p = feature.properties;
  const section = element('section', { class: 'feature' },
    element('p', { class: 'feature-layer' }, layer?.title || feature.sourceLayer),
    element('h2', { class: 'feature-name' }, p.name || 'No name in the data'));
  const list = element('dl');
  for (const [key, label] of popup_fields) {
    const text = format_value(key, p[key]);
    if (text !== null) list.append(element('dt', {}, label), element('dd', {}, text));
  }
  section.append(list);
  return section;
}

// What is under a click (a few pixels around it, for fingers), topmost first,
// each feature once.
function features_at(map, point) {
  const box = [[point.x - 4, point.y - 4], [point.x + 4, point.y + 4]];
  const seen = new Set();
  return map.queryRenderedFeatures(box, { layers: interactive_layer_ids(map) }).filter((f) => {
    const key = `${f.sourceLayer}/${f.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function show_popup(map, site, event, popup) {
  const features = features_at(map, event.point).slice(0, 5);
  if (!features.length) return popup.remove();
  const content = element('div', { class: 'features' },
    ...features.map((f) => feature_details(f, site.layers.find((l) => l.id === f.sourceLayer))));
  popup.setLngLat(event.lngLat).setDOMContent(content).addTo(map);
}

function enable_popups(map, site) {
  const popup = new maplibregl.Popup({ maxWidth: '320px', focusAfterOpen: false });
  map.on('click', (event) => show_popup(map, site, event, popup));
  map.on('mousemove', (event) => {
    map.getCanvas().style.cursor = features_at(map, event.point).length ? 'pointer' : '';
  });
}

// ----- header and credits --------------------------------------------------

function render_header(site) {
  if (site.title) {
    document.title = `${site.title}: map`;
    document.getElementById('site-title').textContent = site.title;
  }
  if (site.filters) {
    const words = [...new URLSearchParams(site.filters)].map(([k, v]) => `${k} = ${v}`).join('; ');
    const note = document.getElementById('site-filter');
    note.textContent = `Only the features matching ${words} (the filter this map was exported with).`;
    note.hidden = false;
  }
}

// "Data from" each source once, linked to where it came from, with the
// dates the layers are as of; then the data version.
function render_credits(site) {
  const sources = new Map();
  for (const layer of site.layers) {
    const name = layer.attribution || site.attribution || layer.title;
    const key = `${name}\n${layer.source_url}`;
    if (!sources.has(key)) sources.set(key, { name, url: safe_url(layer.source_url), as_of: new Set(), license: layer.license });
    if (layer.as_of) sources.get(key).as_of.add(layer.as_of);
  }
  const line = document.getElementById('site-credits');
  line.replaceChildren('Data from ');
  [...sources.values()].forEach((s, i) => {
    if (i) line.append('; ');
    line.append(s.url ? element('a', { href: s.url }, s.name) : s.name);
    const notes = [];
    if (s.as_of.size) notes.push(`as of ${[...s.as_of].join(', ')}`);
    if (s.license && !s.license.startsWith('not stated')) notes.push(`licence: ${s.license}`);
    if (notes.length) line.append(` (${notes.join('; ')})`);
  });
  line.append('. ', element('span', { class: 'version' }, `Data version ${site.version || 'unknown'}.`));
}

// ----- start ---------------------------------------------------------------

async function main() {
  if (typeof maplibregl === 'undefined' || typeof pmtiles === 'undefined')
    throw new Error('The map library did not load (vendor/maplibre-gl.js, vendor/pmtiles.js).');
  const site = await load_site();
  if (!Array.isArray(site.layers)) throw new Error('site.json lists no layers.');
  render_header(site);
  render_credits(site);
  const source_url = await open_archive(site);
  const map = create_map(site, build_style(site, source_url));
  window.concessionsMap = map;  // for tests and the curious
  window.concessionsSite = site;
  const layer_list = new LayerList(site);
  map.addControl(layer_list, 'top-right');
  fit_to_data(map, site.bounds, layer_list.covered_width());
  watch_errors(map);
  enable_popups(map, site);
  map.once('idle', () => {
    if (document.body.dataset.state === 'loading') set_state('ready');
  });
}

main().catch((e) => {
  console.error(e);
  show_alert(e.message);
});
