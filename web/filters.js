// The filters (focus collection, crops or purpose, country, years, size) and apply(),
// through which every change goes so that the map, list, statistics,
// download link, timeline and URL always describe the same selection (the
// timeline's year has its own control, timeline.js).
/* global L */
import { t, format_number, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { get_json } from './api.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { write_state } from './url_state.js?v=@ASSET_VERSION@';
import { $, state, page, tracked } from './context.js?v=@ASSET_VERSION@';
import { roles_of } from './roles.js?v=@ASSET_VERSION@';
import { sync_layers, compute_purpose_classes, render_layer_list } from './layers.js?v=@ASSET_VERSION@';
import { province_style, same_province, draw_province_labels, fill_province_select } from './provinces.js?v=@ASSET_VERSION@';
import { refresh_stats, refresh_list, update_download } from './results.js?v=@ASSET_VERSION@';
import { render_static } from './language.js?v=@ASSET_VERSION@';
import { render_chips } from './chips.js?v=@ASSET_VERSION@';
import { refresh_timeline } from './timeline.js?v=@ASSET_VERSION@';
import { refresh_overlaps, measured_collections } from './overlaps.js?v=@ASSET_VERSION@';
import { overlap_collection } from './api.js?v=@ASSET_VERSION@';
import { render_company_filter } from './company.js?v=@ASSET_VERSION@';
import { crop_info, use_crops, refresh_crop_counts, render_crop_options, choose_purpose, tick_crop } from './crops.js?v=@ASSET_VERSION@';

// The size's bounds offered (hectares computed from the boundary; sent as
// CQL2, filter=area_ha >= 5000, api.js filter_params). A link may give any
// other number: it is listed too.
const size_steps = [100, 500, 1000, 5000, 10000, 50000];

export function fill_size_selects() {
  for (const [id, current] of [['min-ha', state.min_ha], ['max-ha', state.max_ha]]) {
    const steps = size_steps.map(String);
    if (current && !steps.includes(current)) steps.push(current);
    steps.sort((a, b) => a - b);
    $(id).replaceChildren(h('option', { value: '' }, t('any')),
      ...steps.map((v) => h('option', { value: v }, `${format_number(Number(v))} ${t('ha')}`)));
    $(id).value = current;
  }
}

// The size in words: a chip, a printed map's subtitle.
export function size_text() {
  const ha = (v) => format_number(Number(v));
  if (state.min_ha && state.max_ha) return t('size_between', { from: ha(state.min_ha), to: ha(state.max_ha) });
  return state.min_ha ? t('size_at_least', { n: ha(state.min_ha) }) : t('size_at_most', { n: ha(state.max_ha) });
}

export function fill_focus_select() {
  const select = $('focus-select');
  select.replaceChildren(...page.collections.map((c) => h('option', { value: c.id }, collection_label(c))));
  select.value = state.focus;
}

export function fill_group_select(select, groups, current, sort_by_key = false) {
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
export async function load_focus_options() {
  const c = page.by_id.get(state.focus);
  if (!c) return;
  await tracked(page.drawn);
  const roles = await roles_of(c.id);
  const path = `collections/${encodeURIComponent(c.id)}/stats`;
  const groups = (group) => get_json(path, { group }).catch(() => ({ groups: [] }));
  // Crops first: they colour the map and the legend. A layer with crop
  // classes lists those (crops.js), another its own purpose values.
  const info = roles.purpose ? await tracked(crop_info(c.id)) : null;
  if (c.id !== state.focus) return;
  if (use_crops(c, roles, info)) apply();
  else if (page.crops) refresh_crop_counts();
  if (!page.crops) {
    const purpose = roles.purpose ? await tracked(groups('purpose')) : { groups: [] };
    if (c.id !== state.focus) return;
    $('purpose-select').disabled = !roles.purpose;
    fill_group_select($('purpose-select'), purpose.groups, state.purpose);
    compute_purpose_classes(purpose.groups);
  }
  const [nationality, year] = await tracked(page.drawn.then(() => Promise.all([groups('nationality'), groups('year')])));
  if (c.id !== state.focus) return;
  $('country-select').disabled = !roles.nationality;
  fill_group_select($('country-select'), roles.nationality ? nationality.groups : [], state.country);
  fill_group_select($('year-from'), year.groups, state.year_from, true);
  fill_group_select($('year-to'), year.groups, state.year_to, true);
  for (const id of ['year-from', 'year-to'])
    for (const o of $(id).options) if (o.value) o.textContent = o.value;
}

export function apply({ list = true, stats = true } = {}) {
  sync_layers();
  if (page.province_layer) page.province_layer.setStyle(province_style);
  if (page.provinces) draw_province_labels();
  const select = $('province-select');
  const option = [...select.options].find((o) => o.value && same_province({ name: o.value }, state.province));
  if (state.province && !option) fill_province_select(); else select.value = option ? option.value : '';
  if (page.crops) render_crop_options(); else $('purpose-select').value = state.purpose;
  $('crop-picker').hidden = !page.crops;
  $('country-select').value = state.country;
  $('year-from').value = state.year_from;
  $('year-to').value = state.year_to;
  fill_size_selects();
  $('search-input').value = state.q;
  $('context-province').checked = state.context_province;
  render_chips();
  render_company_filter();
  if (stats) refresh_stats();
  if (stats) refresh_overlaps();
  if (stats) refresh_crop_counts();
  if (list) refresh_list(false);
  update_download();
  refresh_timeline();
  write_state(state);
}

export function bind_filter_events() {
  $('focus-select').addEventListener('change', (e) => {
    state.focus = e.target.value;
    page.crops = null;  // until load_focus_options knows the new layer's
    state.crops = [];
    state.purpose = '';
    state.country = '';
    // As the purpose: an overlap filter the new layer is not measured for goes.
    if (!measured_collections(page.by_id.get(state.focus)).includes(overlap_collection(state.overlaps))) state.overlaps = '';
    if (!state.layers.includes(state.focus)) state.layers = page.collections.map((c) => c.id).filter((id) => id === state.focus || state.layers.includes(id));
    render_layer_list();
    render_static();
    apply();
    load_focus_options();
  });
  $('purpose-select').addEventListener('change', (e) => { choose_purpose(e.target.value); apply(); });
  $('crop-choices').addEventListener('change', (e) => { tick_crop(e.target.value, e.target.checked); apply(); });
  $('min-ha').addEventListener('change', (e) => { state.min_ha = e.target.value; apply(); });
  $('max-ha').addEventListener('change', (e) => { state.max_ha = e.target.value; apply(); });
  $('country-select').addEventListener('change', (e) => { state.country = e.target.value; apply(); });
  $('year-from').addEventListener('change', (e) => { state.year_from = e.target.value; apply(); });
  $('year-to').addEventListener('change', (e) => { state.year_to = e.target.value; apply(); });
  $('context-province').addEventListener('change', (e) => { state.context_province = e.target.checked; apply(); });
  $('clear-filters').addEventListener('click', () => {
    Object.assign(state, { province: '', q: '', crops: [], purpose: '', country: '', year_from: '', year_to: '', min_ha: '', max_ha: '', as_of: '', overlaps: '', company: '', area: null });
    document.dispatchEvent(new Event('concessions:area'));  // area.js takes its outline off the map
    $('search-results').hidden = true;
    apply();
  });
}
