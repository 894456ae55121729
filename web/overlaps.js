// Overlap with protected land (issue 15 §2), in the panel: for the focus
// layer under the page's filters, the hectares inside protected areas,
// community forests and key biodiversity areas (the land counted once:
// /collections/{c}/stats?group=overlap), the protected areas that hold the
// most of it, and the table of each protected area and the concessions in
// it as CSV (/collections/{c}/overlaps/protected-areas?f=csv). Hidden for
// a layer the catalog measures against nothing (no "overlaps_with").
//
// A protected area (or a kind of protected land) chosen here or in the
// detail panel is the filter state.overlaps ('protected-areas:9', or
// 'protected-areas' for any), in the URL, a chip, and sent by filter_params
// (api.js) as overlaps= to every layer measured against that collection.
import { t, format_number, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { get_json, api_url, filter_params, overlap_collection } from './api.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { $, state, page, tracked } from './context.js?v=@ASSET_VERSION@';
import { roles_of } from './roles.js?v=@ASSET_VERSION@';
import { apply } from './filters.js?v=@ASSET_VERSION@';
import { render_chips } from './chips.js?v=@ASSET_VERSION@';
import { report_failure, clear_failure } from './status.js?v=@ASSET_VERSION@';

export const protected_areas = 'protected-areas';  // the collection the top list and the CSV table are about
const top_count = 5;

// 'protected-areas:9' -> 'Beng Per', from the answers seen (statistics,
// a detail's overlaps), for the chip.
const names = new Map();
export function remember_overlap_names(list) {
  for (const o of list ?? []) if (o.name) names.set(`${o.collection}:${o.id}`, o.name);
}

// The collections a layer is measured against that this server holds.
export function measured_collections(c) {
  return (c?.overlaps_with ?? []).filter((id) => page.by_id.has(id));
}

// A filter's words, for its chip: "Inside Beng Per", "Inside any: Community forests".
export function overlap_chip_label(value) {
  const collection = page.by_id.get(overlap_collection(value));
  const layer = collection ? collection_label(collection) : overlap_collection(value);
  const named = value.slice(overlap_collection(value).length + 1);
  if (!named) return t('overlap_chip_any', { layer });
  return t('overlap_chip', { name: names.get(value) ?? (/^\d+$/.test(named) ? `${layer} #${named}` : named) });
}

// A filter that names a feature by id and whose name no answer has given
// yet (a link opened with it): the name from a cheap answer, then the chip again.
const asked = new Set();
async function learn_name(value) {
  const [collection, named] = [overlap_collection(value), value.slice(overlap_collection(value).length + 1)];
  if (!/^\d+$/.test(named) || names.has(value) || asked.has(value)) return;
  const measured = page.collections.find((c) => c.kind !== 'context' && c.overlaps_with?.includes(collection));
  if (!measured) return;
  asked.add(value);
  try {
    const doc = await get_json(`collections/${encodeURIComponent(measured.id)}/stats`, { group: 'overlap', overlaps: value });
    remember_overlap_names((doc.groups ?? []).map((g) => ({ collection: g.collection, id: g.id, name: g.key })));
    if (state.overlaps === value) render_chips();
  } catch { asked.delete(value); /* the chip keeps the id */ }
}

// Chosen again, the filter goes (the buttons are toggles).
export function choose_overlap(value) {
  state.overlaps = state.overlaps === value ? '' : value;
  apply();
}

// A share as the page writes one (92.4%); a sliver is not written as 0%.
export function percent(share) {
  return share > 0 && share < 0.0005 ? `< ${format_number(0.1, 1)}%` : `${format_number(100 * share, 1)}%`;
}

let abort = null;
export async function refresh_overlaps() {
  const block = $('overlap-block');
  const c = page.by_id.get(state.focus);
  const measured = measured_collections(c);
  if (state.overlaps) learn_name(state.overlaps);
  block.hidden = !measured.length;
  if (!measured.length) {
    abort?.abort();
    clear_failure('overlaps');
    return;
  }
  await tracked(page.drawn);
  await roles_of(c.id);
  abort?.abort();
  abort = new AbortController();
  const params = filter_params(state, c, page.roles.get(c.id));
  const csv = $('overlap-csv');
  csv.hidden = !measured.includes(protected_areas);
  csv.href = api_url(`collections/${encodeURIComponent(c.id)}/overlaps/${protected_areas}`, { ...params, f: 'csv' }).href;
  try {
    const doc = await tracked(get_json(`collections/${encodeURIComponent(c.id)}/stats`, { group: 'overlap', ...params }, { signal: abort.signal }));
    if (c.id !== state.focus) return;
    remember_overlap_names((doc.groups ?? []).map((g) => ({ collection: g.collection, id: g.id, name: g.key })));
    render_overlaps($('overlap-stats'), doc, c, measured);
    if (state.overlaps) render_chips();  // the chip's name may be known now
    clear_failure('overlaps');
  } catch (error) {
    if (error.name === 'AbortError') return;
    report_failure('overlaps', { where: $('overlap-stats'), what: () => t('overlap_heading'), error, retry: refresh_overlaps });
  }
}

function render_overlaps(el, doc, c, measured) {
  // A choice re-renders the list: the keyboard stays on the same button.
  const focused = el.contains(document.activeElement) ? document.activeElement.dataset.overlap : null;
  const inside = doc.inside_ha ?? {};
  const share = (ha) => (doc.area_ha > 0 ? ` · ${percent(ha / doc.area_ha)}` : '');
  const pick = (value, label, text) => h('button', {
    type: 'button', class: 'link-button overlap-pick', 'data-overlap': value, 'aria-pressed': String(state.overlaps === value),
    title: t('overlap_show_only', { name: text }), onclick: () => choose_overlap(value) }, label);
  const totals = measured.map((id) => {
    const other = page.by_id.get(id);
    const ha = inside[id] ?? 0;
    return h('div', { class: 'overlap-total', 'data-collection': id },
      h('dt', {}, pick(id, collection_label(other), collection_label(other))),
      h('dd', { 'data-value': ha }, `${format_number(ha)} ${t('ha')}`, h('span', { class: 'muted' }, share(ha))));
  });
  const top = (doc.groups ?? []).filter((g) => g.collection === protected_areas).slice(0, top_count);
  const max = top[0]?.area_ha || 1;
  el.replaceChildren(...[
    h('p', { class: 'muted small' }, t('overlap_intro', { layer: collection_label(c), ha: format_number(doc.area_ha), n: format_number(doc.numberMatched) })),
    h('dl', { class: 'overlap-totals' }, totals),
    top.length ? h('h3', { id: 'overlap-top-heading' }, t('overlap_top')) : null,
    top.length ? h('ol', { class: 'bars overlap-top', 'aria-labelledby': 'overlap-top-heading' }, top.map((g) => h('li', { 'data-id': g.id },
      h('span', { class: 'bar-label' }, pick(`${g.collection}:${g.id}`, g.key, g.key)),
      h('span', { class: 'bar-value' }, `${format_number(g.area_ha)} ${t('ha')} · ${t('overlap_concessions', { n: format_number(g.count) })}`),
      h('span', { class: 'bar', style: `width:${Math.max(2, 100 * g.area_ha / max)}%`, 'aria-hidden': 'true' })))) : null,
    top.length ? null : h('p', { class: 'muted' }, t('overlap_none_inside')),
  ].filter(Boolean));
  if (focused) el.querySelector(`[data-overlap="${CSS.escape(focused)}"]`)?.focus();
}
