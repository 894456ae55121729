// What the filters select: the statistics, the list of concessions in view
// and the download link.
/* global L */
import { t, format_number, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { get_json, api_url, filter_params } from './api.js?v=@ASSET_VERSION@';
import { render_stats, list_row } from './panels.js?v=@ASSET_VERSION@';
import { write_state } from './url_state.js?v=@ASSET_VERSION@';
import { $, state, page, tracked } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { roles_of } from './roles.js?v=@ASSET_VERSION@';
import { select_feature } from './detail.js?v=@ASSET_VERSION@';
import { report_failure, clear_failure } from './status.js?v=@ASSET_VERSION@';
import { set_aside } from './layers.js?v=@ASSET_VERSION@';
import { crop_info, crop_text } from './crops.js?v=@ASSET_VERSION@';
import { show_company } from './company.js?v=@ASSET_VERSION@';

export const list_page = 25;

let stats_abort = null;
export async function refresh_stats() {
  const c = page.by_id.get(state.focus);
  if (!c) return;
  await tracked(page.drawn);
  await roles_of(c.id);
  stats_abort?.abort();
  stats_abort = new AbortController();
  const params = { group: 'company', ...filter_params(state, c, page.roles.get(c.id)) };
  try {
    const doc = await tracked(get_json(`collections/${encodeURIComponent(c.id)}/stats`, params, { signal: stats_abort.signal }));
    render_stats($('stats'), doc, doc, (slug) => show_company(slug));
    $('sheet-summary').textContent = `${format_number(doc.numberMatched)} · ${format_number(doc.area_ha)} ${t('ha')}`;
    $('download-what').textContent = t('download_what', { layer: collection_label(c), n: format_number(doc.numberMatched) });
    page.matched = doc.numberMatched;
    render_list_summary();
    clear_failure('stats');
  } catch (error) {
    if (error.name === 'AbortError') return;
    // No stale figures: what the failed request was to replace goes.
    $('sheet-summary').textContent = '';
    $('download-what').textContent = '';
    page.matched = undefined;
    report_failure('stats', { where: $('stats'), what: () => t('stats'), error, retry: refresh_stats });
  }
}

export function view_bbox() {
  const b = map.getBounds();
  const clamp = (v, m) => Math.max(-m, Math.min(m, v));
  return [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].map((v) => v.toFixed(5)).join(',');
}

export function sort_param() {
  const desc = state.sort.startsWith('-');
  const key = state.sort.replace(/^-/, '');
  const roles = page.roles.get(state.focus) ?? {};
  const field = key === 'name' ? roles.name : key === 'province' ? roles.province : key;
  return field ? `${desc ? '-' : ''}${field}` : '-area_ha';
}

export function update_sort_headers() {
  const key = state.sort.replace(/^-/, '');
  for (const th of document.querySelectorAll('#list th[data-sort]')) {
    const active = th.dataset.sort === key;
    th.setAttribute('aria-sort', active ? (state.sort.startsWith('-') ? 'descending' : 'ascending') : 'none');
    const button = th.querySelector('button');
    button.title = t('sort_by', { col: button.textContent });
  }
}

let list_abort = null;
export async function refresh_list(append) {
  const c = page.by_id.get(state.focus);
  if (!c) return;
  await tracked(page.drawn);
  if ((await roles_of(c.id)).purpose) await crop_info(c.id);  // the rows name their crop classes
  list_abort?.abort();
  list_abort = new AbortController();
  page.list_offset = append ? page.list_offset + list_page : 0;
  const roles = page.roles.get(c.id) ?? {};
  // The rows need no geometry (a row opened fetches its feature, detail.js):
  // without it the list is a tenth of the bytes.
  const params = { ...filter_params(state, c, roles), bbox: view_bbox(), limit: list_page, offset: page.list_offset || undefined, sortby: sort_param(), skipGeometry: true };
  const tbody = $('list').tBodies[0];
  try {
    const doc = await tracked(get_json(`collections/${encodeURIComponent(c.id)}/items`, params, { signal: list_abort.signal }));
    const open = (f) => select_feature(c.id, f.id, { feature: f, zoom: true });
    const rows = doc.features.map((f) => list_row(f, roles, open, crop_text(c.id, f)));
    if (append) tbody.append(...rows); else tbody.replaceChildren(...rows);
    page.in_view = doc.numberMatched;
    page.shown = page.list_offset + doc.numberReturned;
    $('list-more').hidden = page.shown >= doc.numberMatched;
    $('list').hidden = page.in_view === 0 && !append;
    render_list_summary();
    clear_failure('list');
  } catch (error) {
    if (error.name === 'AbortError') return;
    tbody.replaceChildren();
    $('list-more').hidden = true;
    page.in_view = undefined;
    report_failure('list', { where: $('list-summary'), what: () => t('list'), error, retry: () => refresh_list(false) });
  }
}

export function render_list_summary() {
  if (page.in_view === undefined) return;
  $('list-summary').textContent = page.in_view === 0 ? t('list_empty')
    : t('list_summary', { shown: format_number(page.shown), inview: format_number(page.in_view), total: format_number(page.matched ?? 0) });
}

export function update_download() {
  const c = page.by_id.get(state.focus);
  if (!c) return;
  const params = { ...filter_params(state, c, page.roles.get(c.id)), f: $('download-format').value, download: 1 };
  if ($('download-view').checked) params.bbox = view_bbox();
  $('download-link').href = api_url(`collections/${encodeURIComponent(c.id)}/items`, params).href;
  const all = download_all();
  $('download-all-link').href = all.url.href;
  $('download-all-link').textContent = t('download_all', { n: format_number(all.ids.length) });
  $('download-all-link').hidden = all.ids.length === 0;  // no layer shown: nothing to download
}

// Every visible layer as the map shows it, in one file (GET /download): the
// filters every concession layer takes, the purpose and country under the
// name of the layer they were chosen for (id:field), context layers cut
// only by the view, the drawn area and, when asked, the province.
//
// The overlap filter is the server's for every concession layer listed, so
// a layer not measured for it (set aside on the map too) is not listed.
// What the focus layer alone takes (its crops, purpose, country) is named
// for it (elc:purpose_class=Rubber; several crops as elc:filter=..., which
// the server ANDs with the shared filter=).
export function download_all() {
  const ids = state.layers.filter((id) => page.by_id.has(id) && !set_aside(page.by_id.get(id)));
  const shared = filter_params({ ...state, focus: '' }, { id: '', kind: 'concession' }, null);
  if (state.overlaps) shared.overlaps = state.overlaps;
  const params = { collections: ids.join(','), ...shared };
  const focus = page.by_id.get(state.focus);
  if (focus && ids.includes(focus.id)) {
    const own = filter_params(state, focus, page.roles.get(focus.id));
    for (const [key, value] of Object.entries(own)) if (shared[key] !== value) params[`${focus.id}:${key}`] = value;
  }
  if (state.context_province && state.province) params.context_province = 'true';
  if ($('download-view').checked) params.bbox = view_bbox();
  params.f = $('download-format').value;
  return { url: api_url('download', params), ids };
}

export function bind_result_events() {
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
}
