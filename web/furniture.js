// What a printed or exported map carries besides the map: the legend
// entries, the credit lines, a scale bar's length, the date. Print
// (print.js), the PNG export (export_png.js) and the embedded map
// (embed.js) draw them each in their own way from these.
import { t, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { state, page } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { purpose_label, other_purpose, unknown_purpose } from './layers.js?v=@ASSET_VERSION@';
import { crops_text } from './crops.js?v=@ASSET_VERSION@';
import { size_text } from './filters.js?v=@ASSET_VERSION@';

export function visible_collections() {
  return state.layers.map((id) => page.by_id.get(id)).filter(Boolean);
}

// [{ fill, stroke, label, indent }]: each visible layer, and under the focus
// layer its crop classes when the map colours by crop.
export function legend_items() {
  const items = [];
  for (const c of visible_collections()) {
    const colour = c.color ?? '#888888';
    items.push({ fill: `${colour}80`, stroke: colour, label: collection_label(c), indent: false });
    const by_crop = c.id === state.focus && c.kind !== 'context' && state.colour_by_purpose && page.purpose_classes.size;
    if (!by_crop) continue;
    for (const { key, label } of page.purpose_labels)
      items.push({ fill: page.purpose_classes.get(key), stroke: colour, label: purpose_label(key, label), indent: true });
    items.push({ fill: other_purpose, stroke: colour, label: t('other'), indent: true });
    items.push({ fill: unknown_purpose, stroke: colour, label: t('unknown'), indent: true });
  }
  return items;
}

// One plain-text credit line per visible layer that has one (see credit()
// in layers.js): publisher, licence, data date.
export function credit_lines() {
  return visible_collections().filter((c) => c.attribution)
    .map((c) => `${collection_label(c)}: ${t('credit', { who: c.attribution, license: c.license || '–', date: c.as_of || '–' })}`);
}

// The latest data date among the visible layers ("2014-05-06"), or ''.
export function data_date() {
  return visible_collections().map((c) => c.as_of ?? '').filter(Boolean).sort().pop() ?? '';
}

export function today() { return new Date().toISOString().slice(0, 10); }

// A round length (1, 2 or 5 times a power of ten, in metres) at most
// `max_px` wide at the map's centre: { metres, px, label }.
export function scale_bar(max_px = 120) {
  const size = map.getSize();
  const y = size.y / 2;
  const a = map.containerPointToLatLng([size.x / 2 - 50, y]), b = map.containerPointToLatLng([size.x / 2 + 50, y]);
  const metres_per_px = map.distance(a, b) / 100;
  const most = metres_per_px * max_px;
  const power = 10 ** Math.floor(Math.log10(most));
  const metres = [5, 2, 1].map((m) => m * power).find((m) => m <= most) ?? power;
  const label = metres >= 1000 ? `${metres / 1000} km` : `${metres} m`;
  return { metres, px: metres / metres_per_px, label };
}

// The filters in words, for a printed map's subtitle.
export function filter_summary() {
  const parts = [];
  if (state.province) parts.push(state.province);
  if (state.q) parts.push(`“${state.q}”`);
  if (state.crops.length) parts.push(crops_text(state.crops));
  if (state.purpose) parts.push(state.purpose);
  if (state.country) parts.push(state.country);
  if (state.year_from || state.year_to) parts.push(`${state.year_from || '…'}–${state.year_to || '…'}`);
  if (state.min_ha || state.max_ha) parts.push(size_text());
  if (state.as_of) parts.push(t('timeline_chip', { year: state.as_of }));
  if (state.area) parts.push(t('area_drawn'));
  return parts.join(' · ');
}
