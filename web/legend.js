// The legend on the map (issue 18 §1): each visible layer with its swatch
// (a dot for point layers) and, when a concession layer is coloured by
// crop, the crop classes under it. Open by default on a desktop, one tap
// away on a phone.
/* global L */
import { t, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { state, page } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { purpose_label, other_purpose, unknown_purpose, crop_colouring, set_aside } from './layers.js?v=@ASSET_VERSION@';
import { overlap_layer, hatch } from './overlap_tiles.js?v=@ASSET_VERSION@';

const phone_width = 800;  // the same breakpoint as style.css

export const LegendControl = L.Control.extend({
  options: {
    // A desktop's top left is free (the tools are on the right, the credit
    // line and scale at the bottom); on a phone the filter chips take it.
    position: window.innerWidth > phone_width ? 'topleft' : 'bottomright',
    open: window.innerWidth > phone_width,  // open on a desktop, closed on a phone
  },

  onAdd() {
    this._open = this.options.open;
    this._toggle = h('button', { type: 'button', class: 'map-legend-toggle', 'aria-controls': 'map-legend-body', 'aria-expanded': String(this._open) });
    this._body = h('div', { id: 'map-legend-body', class: 'map-legend-body', hidden: !this._open });
    this._toggle.addEventListener('click', () => this.set_open(!this._open));
    this._container = h('div', { class: 'leaflet-control map-legend', role: 'region' }, this._toggle, this._body);
    L.DomEvent.disableClickPropagation(this._container);
    L.DomEvent.disableScrollPropagation(this._container);
    this.render();
    return this._container;
  },

  set_open(open) {
    this._open = open;
    this._body.hidden = !open;
    this._toggle.setAttribute('aria-expanded', String(open));
  },

  render() {
    if (!this._container) return;
    this._container.setAttribute('aria-label', t('legend'));
    this._toggle.textContent = t('legend');
    const rows = state.layers.map((id) => page.by_id.get(id)).filter((c) => c && !set_aside(c)).map(layer_row);
    // The highlight of concession land inside protected areas (overlap_tiles.js), hatched as on the map.
    if (overlap_layer._map) rows.unshift(h('li', { 'data-overlap': 'protected-areas' }, h('span', { class: 'map-legend-item' },
      h('span', { class: 'swatch swatch-hatch', style: `--hatch-fill:${hatch.fill};--hatch-stripe:${hatch.stripe}`, 'aria-hidden': 'true' }), t('overlap_legend'))));
    this._body.replaceChildren(h('ul', { class: 'map-legend-list' }, rows));
  },
});

function swatch(colour, { point = false, outline = null } = {}) {
  const cls = `swatch${point ? ' swatch-point' : ''}`;
  // The solid colour (the map fills it at half opacity), outlined as on the map.
  return h('span', { class: cls, 'data-colour': colour, style: `background:${colour};border-color:${outline ?? colour}`, 'aria-hidden': 'true' });
}

function layer_row(c) {
  const colour = c.color ?? '#888888';
  const point = page.point_layers?.has(c.id);
  const row = h('li', { 'data-collection': c.id }, h('span', { class: 'map-legend-item' }, swatch(colour, { point }), collection_label(c)));
  if (crop_colouring(c)) row.append(crop_list(c));
  return row;
}

function crop_list(c) {
  const item = (colour, text, options) => h('li', { class: 'map-legend-item' }, swatch(colour, options), text);
  return h('ul', { class: 'map-legend-crops', 'aria-label': t('colour_by_purpose', { c: collection_label(c) }) },
    // Outlined in the layer's colour, as on the map: a crop's fill with the
    // ELC outline is told apart from a context layer of a similar fill.
    page.purpose_labels.map(({ key, label }) => item(page.purpose_classes.get(key), purpose_label(key, label), { outline: c.color })),
    item(other_purpose, t('other'), { outline: c.color }),
    item(unknown_purpose, t('unknown'), { outline: c.color }));
}

export const legend = new LegendControl();

export function render_map_legend() {
  if (!legend._map) legend.addTo(map);
  legend.render();
}
