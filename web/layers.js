// The concession and context layers on the map: their styles and crop
// colours, credit lines, legend, layer list and hit testing.
/* global L */
import { t, language, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { get_json, filter_params, tile_template, measured_against } from './api.js?v=@ASSET_VERSION@';
import { ConcessionTiles } from './tile_layer.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { write_state } from './url_state.js?v=@ASSET_VERSION@';
import { $, state, page } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { learn_roles } from './roles.js?v=@ASSET_VERSION@';
import { load_provinces } from './provinces.js?v=@ASSET_VERSION@';
import { apply } from './filters.js?v=@ASSET_VERSION@';
import { render_map_legend } from './legend.js?v=@ASSET_VERSION@';
import { sync_overlap_highlight, overlap_highlight_available } from './overlap_tiles.js?v=@ASSET_VERSION@';

// Crop colours, by rank of area, and the collections' own colours (the
// catalog's "color") were chosen together: every pair stays apart (CIEDE2000
// at least 8) in normal vision and in simulated protanopia, deuteranopia and
// tritanopia (Machado et al. 2009), tests/web/page.test.mjs checks it. Six
// classes: more could not stay apart; the rest are "other". "Not stated" is
// no colour at all: a white fill inside the layer's outline.
export const palette = ['#c92235', '#f4d048', '#6c9957', '#87bcaa', '#8f6d56', '#e4b3d0'];
export const unknown_purpose = '#ffffff';
export const other_purpose = '#9699a0';

// The server's purpose classes (geo/purpose_class.cpp, the derived
// queryable purpose_class), with the same words and the same rule: a class
// whose word begins a word of the text (after its start or anything but a
// letter, so "port" is in "International Port" but not in "support"); no
// word of any class is "Other"; a text of only spaces, dashes and dots is
// none. tests/web/crops.test.mjs compares this with the server's list for
// every ELC purpose.
export const purpose_class_words = [
  ['Rubber', ['rubber']],
  ['Sugar cane', ['sugar', 'surgar']],
  ['Oil palm', ['palm']],
  ['Cassava', ['cassava', 'tapioca', 'manioc']],
  // Tectona is teak, merkusii a pine, maysak a timber tree, Pistacia chinensis grown for its wood.
  ['Trees and wood', ['acacia', 'eucalypt', 'teak', 'tectona', 'tree', 'wood', 'timber', 'pine', 'maysak', 'merkusii', 'pistacia']],
  ['Agro-industrial', ['agro', 'agri']],
  ['Other crops', ['corn', 'cashew', 'jatropha', 'coffee', 'fruit', 'pepper']],
  ['Tourism', ['touris', 'ecotur']],
  ['Infrastructure', ['port', 'airport', 'hydrodam', 'dam', 'hydropower']],
  ['Aquaculture', ['shrimp', 'fish', 'aquaculture']],
];
const class_patterns = purpose_class_words.map(([name, words]) => [name, new RegExp(`(?:^|[^a-z])(?:${words.join('|')})`)]);

// The classes of a purpose text, in the server's order: [] for none.
export function purpose_classes_of(value) {
  if (value === null || value === undefined) return [];
  // ASCII only, as the server's std::tolower.
  const text = String(value).replace(/[A-Z]/g, (ch) => ch.toLowerCase());
  if (/^[\s.-]*$/.test(text)) return [];
  const classes = class_patterns.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
  return classes.length ? classes : ['Other'];
}

// The six classes the map can colour (the palette's six): a purpose in
// several takes the first of them, in the server's order.
export const coloured_classes = purpose_class_words.slice(0, 6).map(([name]) => name);

// The legend's key of a tile's purpose text (tiles carry the text, not the
// classes): its first coloured class, '' when not stated, else the text
// itself (a layer without crop classes, such as mining's commodities, is
// coloured by its own values).
export function purpose_class(value) {
  if (value === '(unknown)') return '';
  const classes = purpose_classes_of(value);
  if (!classes.length) return '';
  return classes.find((c) => coloured_classes.includes(c)) ?? String(value).toLowerCase().trim();
}

// The classes' names; the server's queryables give them too (x-enum-km),
// and those win when loaded (crops.js). tests/geo/text_search_test.cpp
// checks the Khmer against geo/text_search.cpp.
export const purpose_names = {
  en: { 'Rubber': 'Rubber', 'Sugar cane': 'Sugar cane', 'Oil palm': 'Oil palm', 'Cassava': 'Cassava', 'Trees and wood': 'Trees and wood', 'Agro-industrial': 'Agro-industrial' },
  km: { 'Rubber': 'កៅស៊ូ', 'Sugar cane': 'អំពៅ', 'Oil palm': 'ដូងប្រេង', 'Cassava': 'ដំឡូងមី', 'Trees and wood': 'ដើមឈើ និងឈើ', 'Agro-industrial': 'កសិ-ឧស្សាហកម្ម' },
};

// A legend key or class in the page's language: the server's name when
// it gave one, else the page's own, else `fallback` (a raw value).
export function purpose_label(key, fallback = key) {
  const lang = language();
  return page.class_names?.[lang]?.[key] ?? purpose_names[lang]?.[key] ?? purpose_names.en[key] ?? fallback;
}

// Whether a layer is drawn in crop colours: the focus collection, a
// concession layer, shown, with "colour by purpose" on and classes known.
export function crop_colouring(c) {
  return Boolean(c) && c.id === state.focus && c.kind !== 'context' && state.colour_by_purpose &&
    page.purpose_classes.size > 0 && state.layers.includes(c.id);
}

export function layer_style(collection) {
  const colour = collection.color || '#ff7900';
  return (p, highlighted, zoom) => {
    let fill = colour;
    // Crop colours are for concession layers: a context layer (protected
    // areas...) keeps its one colour even when chosen for the statistics.
    if (crop_colouring(collection)) {
      const key = purpose_class(p.purpose);
      fill = key === '' ? unknown_purpose : page.purpose_classes.get(key) ?? other_purpose;
    }
    // "Not stated" shows as the outline only, whitened inside.
    const opacity = fill === unknown_purpose ? 0.35 : 0.5;
    if (highlighted) return { fill, fill_opacity: 0.8, stroke: '#111', weight: 3, radius: zoom >= 9 ? 8 : 6.5 };
    return { fill, fill_opacity: opacity, stroke: colour, weight: zoom >= 10 ? 1.6 : 1.1, radius: zoom >= 10 ? 6 : zoom >= 8 ? 4.5 : 3.5 };
  };
}

export function default_layers() {
  const ids = page.collections.filter((c, i) => i === 0 || /concession|licen[cs]e/i.test(c.title)).map((c) => c.id);
  return ids.length ? ids : page.collections.slice(0, 1).map((c) => c.id);
}

// The credit line of a layer (publisher, licence, data date, from the
// catalog), shown in the map's attribution while the layer is.
export function escape_html(text) {
  return String(text).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));
}
export function credit(c) {
  if (!c.attribution) return '';
  const text = t('credit', { who: c.attribution, license: c.license || '–', date: c.as_of || '–' });
  return `<span class="credit" data-collection="${escape_html(c.id)}">${escape_html(collection_label(c))}: ${escape_html(text)}</span>`;
}
export function refresh_credits() {
  for (const [id, layer] of page.layers) {
    const now = credit(page.by_id.get(id));
    if (now === layer.options.attribution) continue;
    if (layer._map && layer.options.attribution) map.attributionControl.removeAttribution(layer.options.attribution);
    layer.options.attribution = now;
    if (layer._map && now) map.attributionControl.addAttribution(now);
  }
}

export function create_layers() {
  page.collections.forEach((c, index) => {
    const load_limits = () => get_json(`collections/${encodeURIComponent(c.id)}/tiles.json`).then((tj) => {
      if (Number.isFinite(tj.maxzoom)) layer.options.maxDataZoom = tj.maxzoom;
      if (Number.isFinite(tj.minzoom)) layer.options.minDataZoom = tj.minzoom;
    }).catch(() => { /* the tile URLs are known without it; keep the defaults */ });
    // No requests for the empty tiles around the collection.
    const bbox = c.extent?.spatial?.bbox?.[0];
    const bounds = bbox ? L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]).pad(0.02) : undefined;
    const layer = new ConcessionTiles(c.id, tile_template(c.id), layer_style(c),
      { zIndex: 100 - index, load_limits, bounds, attribution: credit(c), version: page.data_version });
    layer.on('tileload', (e) => {
      learn_roles(c.id, e.tile._features);
      // Points go above polygons whatever the catalog order.
      if (e.tile._features?.some((f) => f.kind === 'point') && layer.options.zIndex < 200) {
        layer.setZIndex(layer.options.zIndex + 100);
        page.point_layers.add(c.id);  // the legend draws it as a dot
        render_map_legend();
      }
    });
    page.layers.set(c.id, layer);
  });
}

// The data version in the tile URLs (v=, from /collections' data_version):
// the server lets caches keep a versioned tile for good, so after a reload
// of its data the map must ask for the new version's URLs. /collections is
// asked again now and then (every few minutes, and when the page comes
// back into view: a CDN keeps it a minute anyway) and, when the version
// moved, the tiles on screen are fetched again under it.
const version_check_ms = 5 * 60 * 1000;

export function set_data_version(version) {
  if (!version || version === page.data_version) return false;
  page.data_version = version;
  for (const layer of page.layers.values()) layer.set_version(version);
  sync_overlap_highlight();
  return true;
}

// Revalidated (If-None-Match), not taken from the browser's cache, which
// may keep it a minute: an unchanged version costs a 304.
export function check_data_version() {
  return get_json('collections', { lang: 'en' }, { cache: 'no-cache' }).then((doc) => set_data_version(doc.data_version), () => false);
}

export function watch_data_version() {
  const check = () => { if (!document.hidden) check_data_version(); };
  setInterval(check, version_check_ms);
  document.addEventListener('visibilitychange', check);
}

// Under an overlap filter (overlaps.js) a concession layer that is not
// measured against that collection cannot say which of its features lie
// inside: it is not drawn (nor downloaded with everything shown) until the
// filter goes, and the layer list says why.
export function set_aside(c) {
  return Boolean(state.overlaps) && c?.kind !== 'context' && !measured_against(c, state.overlaps);
}

export function sync_layers() {
  for (const [id, layer] of page.layers) {
    const visible = state.layers.includes(id) && !set_aside(page.by_id.get(id));
    if (visible) {
      layer.set_params(filter_params(state, page.by_id.get(id), page.roles.get(id)));
      if (!layer._map) layer.addTo(map);
    } else if (layer._map) {
      map.removeLayer(layer);
    }
  }
  sync_overlap_highlight();
  render_map_legend();
  render_set_aside();
}

function render_set_aside() {
  for (const c of page.collections) {
    const note = document.getElementById(`layer-note-${c.id}`);
    if (note) note.hidden = !(set_aside(c) && state.layers.includes(c.id));
  }
}

export function watch_first_draw() {
  const visible = state.layers.map((id) => page.layers.get(id)).filter(Boolean);
  let pending = visible.length;
  const drawn = () => requestAnimationFrame(() => {
    page.first_drawn_ms = performance.now();
    performance.mark('concessions-drawn');
    document.body.dataset.drawn = 'true';
    page.set_drawn();
    load_provinces();  // start() asked already; this matters only if the view changed zoom tier since
  });
  // A layer with no tile in view (all outside its bounds) is drawn already.
  for (const layer of visible) {
    if (layer._loading) layer.once('load', () => { if (--pending === 0) drawn(); });
    else pending -= 1;
  }
  if (!pending) drawn();
}

// The legend's classes, the six largest by area: from stats?group=purpose_class
// (`by_class`: only the coloured classes take a colour) or, for a layer
// without crop classes, from stats?group=purpose.
export function compute_purpose_classes(groups, by_class = false) {
  const area = new Map();
  const label = new Map();
  for (const g of groups) {
    const key = by_class ? (coloured_classes.includes(g.key) ? g.key : '') : purpose_class(g.key);
    if (!key) continue;
    area.set(key, (area.get(key) ?? 0) + g.area_ha);
    if (!label.has(key)) label.set(key, g.key);
  }
  const top = [...area.entries()].sort((a, b) => b[1] - a[1]).slice(0, palette.length);
  page.purpose_classes = new Map(top.map(([key], i) => [key, palette[i]]));
  page.purpose_labels = top.map(([key]) => ({ key, label: label.get(key) }));
  render_purpose_legend();
  page.layers.get(state.focus)?.repaint();
  document.dispatchEvent(new Event('concessions:legend'));  // legends outside the panel (embed.js)
}

export function render_purpose_legend() {
  const ul = $('purpose-legend');
  const focus = page.by_id.get(state.focus);
  $('colour-by-purpose-label').textContent = t('colour_by_purpose', { c: focus ? collection_label(focus) : '' });
  $('colour-by-purpose').checked = state.colour_by_purpose;
  const shown = crop_colouring(focus);
  render_map_legend();
  ul.hidden = !shown;
  if (!shown) return;
  const item = (colour, text) => h('li', {}, h('span', { class: 'swatch', style: `background:${colour};border-color:${focus?.color ?? '#555'}` }), text);
  ul.replaceChildren(
    ...page.purpose_labels.map(({ key, label }) => item(page.purpose_classes.get(key), purpose_label(key, label))),
    item(other_purpose, t('other')),
    item(unknown_purpose, t('unknown')));
}

export function render_layer_list() {
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
      collection_label(c)),
    c.kind === 'context' ? null : h('p', { class: 'muted small layer-note', id: `layer-note-${c.id}`, hidden: true }, t('overlap_set_aside')));
  }));
  render_set_aside();
  $('overlap-map-row').hidden = !overlap_highlight_available();
  $('overlap-map').checked = state.overlap_map;
}

export function highlight(collection_id, id) {
  for (const [cid, layer] of page.layers) layer.set_highlight(cid === collection_id ? id : null);
}

export function hit(latlng) {
  // Topmost layer first.
  const visible = [...page.layers.values()].filter((l) => l._map).sort((a, b) => b.options.zIndex - a.options.zIndex);
  for (const layer of visible) {
    const f = layer.hit_test(latlng);
    if (f) return { layer, feature: f };
  }
  return null;
}

export function bind_layer_events() {
  $('overlap-map').addEventListener('change', (e) => {
    state.overlap_map = e.target.checked;
    sync_overlap_highlight();
    render_map_legend();
    write_state(state);
  });
  $('colour-by-purpose').addEventListener('change', (e) => {
    state.colour_by_purpose = e.target.checked;
    render_purpose_legend();
    page.layers.get(state.focus)?.repaint();
    write_state(state);
  });
}
