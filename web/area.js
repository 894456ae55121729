// "Draw an area": a polygon or rectangle drawn on the map (or the map view
// taken as one), after which the statistics, list, downloads and every
// visible layer cover only what lies in it (the API's intersects=, through
// filter_params). The area lives in the URL (url_state.js: area=lng,lat;...).
//
// A small tool of our own rather than leaflet-geoman (290 KB): two shapes,
// clicks or taps only, and a keyboard path (the map view as the area).
/* global L */
import { t, format_number } from './i18n.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { $, state } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { apply } from './filters.js?v=@ASSET_VERSION@';

const outline = { color: '#111', weight: 2, dashArray: '6 4', fillColor: '#111', fillOpacity: 0.04, interactive: false, pane: 'area' };
const close_px = 14;  // a click this near the first corner closes the polygon

let drawing = null;  // { mode, points: [L.LatLng], preview: L.LayerGroup }
let area_layer = null;
let control = null;

export function is_drawing() { return drawing !== null; }

// Whether two segments cross (touching ends of neighbours do not count).
function segments_cross(a, b, c, d) {
  const side = (p, q, r) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  return side(a, b, c) !== side(a, b, d) && side(c, d, a) !== side(c, d, b) &&
    side(a, b, c) !== 0 && side(a, b, d) !== 0;
}

// The API refuses a ring whose edges cross (not a valid polygon).
export function ring_is_simple(ring) {
  const n = ring.length;
  for (let i = 0; i < n; ++i)
    for (let j = i + 2; j < n; ++j) {
      if (i === 0 && j === n - 1) continue;  // neighbours through the closing edge
      if (segments_cross(ring[i], ring[(i + 1) % n], ring[j], ring[(j + 1) % n])) return false;
    }
  return true;
}

// Square kilometres of a lon/lat ring (spherical excess is negligible at
// this scale: a local equirectangular projection).
export function ring_km2(ring) {
  const lat0 = ring.reduce((s, p) => s + p[1], 0) / ring.length * Math.PI / 180;
  const kx = 111.32 * Math.cos(lat0), ky = 110.57;
  let sum = 0;
  for (let i = 0; i < ring.length; ++i) {
    const [x1, y1] = ring[i], [x2, y2] = ring[(i + 1) % ring.length];
    sum += x1 * kx * y2 * ky - x2 * kx * y1 * ky;
  }
  return Math.abs(sum) / 2;
}

function set_status(text) {
  const el = control?.status;
  if (!el) return;
  el.textContent = text;
  el.hidden = !text;
}

function redraw_preview(cursor) {
  const { mode, points, preview } = drawing;
  preview.clearLayers();
  const style = { ...outline, dashArray: null, fillOpacity: 0.08 };
  if (mode === 'rectangle') {
    if (points.length === 1 && cursor) L.rectangle(L.latLngBounds(points[0], cursor), style).addTo(preview);
  } else {
    const line = cursor ? [...points, cursor] : points;
    if (line.length > 1) L.polyline(line, style).addTo(preview);
  }
  points.forEach((p, i) => L.circleMarker(p, { radius: i === 0 ? 7 : 5, color: '#111', weight: 2, fillColor: '#fff', fillOpacity: 1, interactive: false, pane: 'area' }).addTo(preview));
}

function stop_drawing() {
  if (!drawing) return;
  drawing.preview.remove();
  map.off('click', on_click);
  map.off('mousemove', on_move);
  map.off('dblclick', finish_polygon);
  map.doubleClickZoom.enable();
  map.getContainer().classList.remove('drawing');
  drawing = null;
  set_status('');
  render_control();
}

export function start_drawing(mode) {
  stop_drawing();
  // One tool takes the map's clicks at a time: measuring stops (measure.js).
  document.dispatchEvent(new CustomEvent('concessions:tool', { detail: 'draw' }));
  drawing = { mode, points: [], preview: L.layerGroup().addTo(map) };
  map.doubleClickZoom.disable();
  map.getContainer().classList.add('drawing');
  map.on('click', on_click);
  map.on('mousemove', on_move);
  if (mode === 'polygon') map.on('dblclick', finish_polygon);
  set_status(t(mode === 'polygon' ? 'draw_polygon_hint' : 'draw_rectangle_hint'));
  render_control();
}

function on_move(e) { redraw_preview(e.latlng); }

function on_click(e) {
  const { mode, points } = drawing;
  const px = map.latLngToContainerPoint(e.latlng);
  const last = points.length ? map.latLngToContainerPoint(points[points.length - 1]) : null;
  if (last && px.distanceTo(last) < 3) return;  // the second click of a double click
  if (mode === 'polygon' && points.length >= 3 && px.distanceTo(map.latLngToContainerPoint(points[0])) < close_px) {
    finish_polygon();
    return;
  }
  points.push(e.latlng);
  if (mode === 'rectangle' && points.length === 2) {
    const b = L.latLngBounds(points[0], points[1]);
    set_area([[b.getWest(), b.getSouth()], [b.getEast(), b.getSouth()], [b.getEast(), b.getNorth()], [b.getWest(), b.getNorth()]]);
    return;
  }
  redraw_preview(null);
}

function finish_polygon() {
  if (!drawing || drawing.points.length < 3) return;
  const ring = drawing.points.map((p) => [p.lng, p.lat]);
  if (!ring_is_simple(ring)) {
    drawing.points = [];
    redraw_preview(null);
    set_status(`${t('area_crossing')} ${t('draw_polygon_hint')}`);
    return;
  }
  set_area(ring);
}

// The area becomes the state: every layer, the statistics, the list, the
// download link and the URL follow through apply().
export function set_area(ring) {
  stop_drawing();
  // The URL keeps 5 decimals: round here so the page and a shared link ask
  // the API the same question.
  state.area = ring ? ring.map(([lng, lat]) => [Number(lng.toFixed(5)), Number(lat.toFixed(5))]) : null;
  show_area();
  apply();
}

export function area_from_view() {
  const b = map.getBounds();
  const clamp = (v, m) => Math.max(-m, Math.min(m, v));
  const w = clamp(b.getWest(), 180), e = clamp(b.getEast(), 180), s = clamp(b.getSouth(), 90), n = clamp(b.getNorth(), 90);
  set_area([[w, s], [e, s], [e, n], [w, n]]);
}

// The outline on the map and the note in the filters panel.
export function show_area() {
  area_layer?.remove();
  area_layer = state.area ? L.polygon(state.area.map(([lng, lat]) => [lat, lng]), outline).addTo(map) : null;
  let note = $('area-note');
  if (!note) {
    note = h('div', { id: 'area-note', class: 'area-note' });
    $('clear-filters').before(note);
  }
  note.hidden = !state.area;
  if (state.area) {
    const clear = h('button', { type: 'button', class: 'link-button' }, t('clear_area'));
    clear.addEventListener('click', () => set_area(null));
    note.replaceChildren(h('p', {}, t('area_note', { km2: format_number(ring_km2(state.area)) })), clear);
  }
  render_control();
}

function render_control() {
  if (!control) return;
  const { button, menu, clear } = control;
  button.setAttribute('aria-expanded', String(!menu.hidden));
  button.classList.toggle('active', Boolean(state.area) || is_drawing());
  clear.hidden = !state.area && !is_drawing();
  clear.textContent = is_drawing() ? t('cancel_drawing') : t('clear_area');
  for (const b of menu.querySelectorAll('[data-i18n]')) b.textContent = t(b.dataset.i18n);
  button.setAttribute('aria-label', t('draw_area'));
  button.title = t('draw_area');
}

const pencil = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="M4 18 9 5l7 3 4 10-8 2z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/><circle cx="4" cy="18" r="1.8"/><circle cx="9" cy="5" r="1.8"/><circle cx="16" cy="8" r="1.8"/><circle cx="20" cy="18" r="1.8"/><circle cx="12" cy="20" r="1.8"/></svg>';

export const AreaControl = L.Control.extend({
  options: { position: 'topright' },  // under the zoom buttons

  onAdd() {
    const box = L.DomUtil.create('div', 'leaflet-bar map-tool area-tool');
    const button = h('button', { type: 'button', class: 'tool-button', 'aria-controls': 'area-menu', 'aria-expanded': 'false' });
    button.innerHTML = pencil;
    const menu = h('div', { id: 'area-menu', class: 'tool-menu', role: 'group', hidden: true });
    const choice = (key, act) => {
      const b = h('button', { type: 'button', 'data-i18n': key }, t(key));
      b.addEventListener('click', act);
      return b;
    };
    const clear = h('button', { type: 'button' });
    clear.addEventListener('click', () => (is_drawing() ? stop_drawing() : set_area(null)));
    menu.append(choice('draw_polygon', () => start_drawing('polygon')), choice('draw_rectangle', () => start_drawing('rectangle')),
      choice('area_from_view', area_from_view), clear);
    const status = h('p', { class: 'tool-status', role: 'status', hidden: true });
    button.addEventListener('click', () => { menu.hidden = !menu.hidden; render_control(); });
    box.append(button, menu, status);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    control = { button, menu, clear, status };
    render_control();
    return box;
  },

  onRemove() { stop_drawing(); control = null; },
});

// The outline of a drawn area always; the drawing control unless `control`
// is false (the embedded map shows an area but draws none).
export function add_area_tool({ control: with_control = true } = {}) {
  map.createPane('area').style.zIndex = 420;
  if (with_control) new AreaControl().addTo(map);
  show_area();
  document.addEventListener('concessions:area', show_area);  // "Clear filters" cleared it
  document.addEventListener('concessions:tool', (e) => { if (e.detail !== 'draw' && drawing) stop_drawing(); });
  // Enter finishes a polygon, Escape cancels the drawing (before the page's
  // own Escape, which would close a panel).
  window.addEventListener('keydown', (e) => {
    if (!drawing) return;
    if (e.key === 'Escape') { stop_drawing(); control?.button.focus(); e.stopPropagation(); }
    else if (e.key === 'Enter' && drawing.mode === 'polygon') { finish_polygon(); e.preventDefault(); }
  }, true);
}

// After a language switch.
export function render_area_text() {
  show_area();
  if (drawing) set_status(t(drawing.mode === 'polygon' ? 'draw_polygon_hint' : 'draw_rectangle_hint'));
}
