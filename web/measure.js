// Measuring distance and area: while "Measure" is pressed, each click or
// tap on the map adds a point; the panel shows the geodesic length of the
// path and, from three points, the area it encloses (geodesy.js), as they
// change. "Add the map centre" adds a point from the keyboard; Finish
// closes the shape (the next click starts another), Clear starts again,
// Close (or Escape) ends measuring. Loaded on the first press (tools.js).
/* global L */
import { t, format_number } from './i18n.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { page } from './context.js?v=@ASSET_VERSION@';
import { close_detail } from './detail.js?v=@ASSET_VERSION@';
import { geodesic_length, geodesic_area } from './geodesy.js?v=@ASSET_VERSION@';

const line_style = { color: '#111', weight: 2.5, dashArray: '6 5', interactive: false };
const shape_style = { color: '#111', weight: 2.5, fillColor: '#ffd000', fillOpacity: 0.25, interactive: false };

// Top left: the credit line can fill the bottom of the map.
const MeasurePanel = L.Control.extend({
  options: { position: 'topleft' },

  initialize(tool) { this._tool = tool; },

  onAdd() {
    const button = (key, action) => h('button', { type: 'button', 'data-i18n': key, onclick: action }, t(key));
    this._help = h('p', { class: 'muted small', 'data-i18n': 'measure_help' }, t('measure_help'));
    this._figures = h('dl', { class: 'measure-figures', 'aria-live': 'polite' });
    const el = h('section', { class: 'leaflet-control measure-panel', role: 'region', 'aria-label': t('tool_measure'), 'data-i18n-aria-label': 'tool_measure' },
      h('header', {}, h('h2', { 'data-i18n': 'tool_measure' }, t('tool_measure')),
        h('button', { type: 'button', class: 'close', 'aria-label': t('measure_close'), 'data-i18n-aria-label': 'measure_close', onclick: () => this._tool.stop() }, '×')),
      this._help, this._figures,
      h('div', { class: 'button-row' },
        button('measure_add_centre', () => this._tool.add(this._tool.map.getCenter())),
        button('measure_finish', () => this._tool.finish()),
        button('measure_clear', () => this._tool.clear())));
    L.DomEvent.disableClickPropagation(el);
    L.DomEvent.disableScrollPropagation(el);
    return el;
  },

  show(points, closed) {
    const length = geodesic_length(closed ? [...points, points[0]] : points);
    const area = points.length >= 3 ? geodesic_area(points) : null;
    const row = (key, id, value, text) => h('div', {}, h('dt', {}, t(key)), h('dd', { id, 'data-value': value }, text));
    const rows = [row(closed ? 'measure_perimeter' : 'measure_length', 'measure-length', length.toFixed(3),
      `${format_number(length / 1000, length < 10_000 ? 2 : 1)} ${t('km')}`)];
    if (area !== null) {
      rows.push(row('measure_area', 'measure-area', area.toFixed(1),
        `${format_number(area / 10_000, area < 1e6 ? 1 : 0)} ${t('ha')} · ${format_number(area / 1e6, 2)} ${t('km2')}`));
    }
    this._figures.replaceChildren(...(points.length ? rows : []));
  },
});

class MeasureTool {
  constructor(map, button) {
    this.map = map;
    this.button = button;
    this.points = [];
    this.closed = false;
    this.layer = L.layerGroup();
    // One tool takes the map's clicks at a time: drawing an area stops this.
    document.addEventListener('concessions:tool', (e) => { if (e.detail !== 'measure' && this.active) this.stop(); });
    this.panel = new MeasurePanel(this);
    this._on_click = (e) => this.add(e.latlng);
    this._on_key = (e) => {
      if (e.key !== 'Escape') return;
      e.stopImmediatePropagation();
      this.stop();
    };
  }

  get active() { return page.measuring; }

  start() {
    document.dispatchEvent(new CustomEvent('concessions:tool', { detail: 'measure' }));
    page.measuring = true;
    close_detail();  // it would cover the panel and the shape
    this.button.setAttribute('aria-pressed', 'true');
    this.map.getContainer().classList.add('measuring');
    this.layer.addTo(this.map);
    this.panel.addTo(this.map);
    this.map.on('click', this._on_click);
    document.addEventListener('keydown', this._on_key, true);
    this.clear();
  }

  stop() {
    page.measuring = false;
    this.button.setAttribute('aria-pressed', 'false');
    this.map.getContainer().classList.remove('measuring');
    this.map.off('click', this._on_click);
    document.removeEventListener('keydown', this._on_key, true);
    this.layer.remove();
    this.panel.remove();
    this.button.focus();
  }

  add(latlng) {
    if (this.closed) this.clear();
    this.points.push(latlng);
    this.draw();
  }

  finish() {
    if (this.points.length >= 3) this.closed = true;
    this.draw();
  }

  clear() {
    this.points = [];
    this.closed = false;
    this.draw();
  }

  draw() {
    this.layer.clearLayers();
    if (this.closed || this.points.length >= 3) {
      L.polygon(this.points, this.closed ? shape_style : { ...shape_style, dashArray: '6 5' }).addTo(this.layer);
    } else if (this.points.length === 2) {
      L.polyline(this.points, line_style).addTo(this.layer);
    }
    for (const p of this.points) L.circleMarker(p, { radius: 4, color: '#111', weight: 2, fillColor: '#fff', fillOpacity: 1, interactive: false }).addTo(this.layer);
    this.panel.show(this.points, this.closed);
  }
}

let tool = null;
export function toggle_measuring(map, button) {
  tool ??= new MeasureTool(map, button);
  if (tool.active) tool.stop(); else tool.start();
}
