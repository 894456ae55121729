// The selected feature and its detail panel.
/* global L */
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { get_json } from './api.js?v=@ASSET_VERSION@';
import { render_detail } from './panels.js?v=@ASSET_VERSION@';
import { write_state } from './url_state.js?v=@ASSET_VERSION@';
import { $, state, page, tracked } from './context.js?v=@ASSET_VERSION@';
import { report_failure, clear_failure } from './status.js?v=@ASSET_VERSION@';
import { map, fit, feature_bounds } from './map_view.js?v=@ASSET_VERSION@';
import { roles_of } from './roles.js?v=@ASSET_VERSION@';
import { highlight, purpose_label } from './layers.js?v=@ASSET_VERSION@';
import { crop_info, choose_crop } from './crops.js?v=@ASSET_VERSION@';
import { choose_province } from './provinces.js?v=@ASSET_VERSION@';
import { choose_overlap, remember_overlap_names } from './overlaps.js?v=@ASSET_VERSION@';
import { show_company } from './company.js?v=@ASSET_VERSION@';

export async function select_feature(collection_id, id, { feature = null, zoom = false } = {}) {
  state.selected = { collection: collection_id, id };
  highlight(collection_id, id);
  write_state(state);
  await show_detail(collection_id, id, { feature, zoom });
}

let detail_abort = null;
let opener = null;
export async function show_detail(collection_id, id, { feature = null, zoom = false } = {}) {
  const c = page.by_id.get(collection_id);
  if (!c) return;
  const panel = open_sheet();
  const mine = sheet_turn();
  detail_abort?.abort();
  detail_abort = new AbortController();
  if (!feature || !feature.geometry) {
    $('detail-title').textContent = t('loading');
    $('detail-body').replaceChildren();
    try {
      feature = await tracked(get_json(`collections/${encodeURIComponent(c.id)}/items/${id}`, null, { signal: detail_abort.signal }));
    } catch (error) {
      report_failure('detail', { where: $('detail-body'), what: () => t('detail'), error,
        retry: () => show_detail(collection_id, id, { zoom }) });
      return;
    }
  }
  clear_failure('detail');
  const roles = await roles_of(c.id);
  const crops = roles.purpose ? await crop_info(c.id) : null;
  if (mine !== sheet_turn()) return;
  const p = feature.properties ?? {};
  $('detail-title').textContent = p[roles.name] ?? p[roles.company] ?? `${t('detail')} #${feature.id}`;
  remember_overlap_names(p.overlaps);
  const bounds = feature_bounds(feature);
  const zoom_to = () => { if (bounds) fit(bounds); };
  render_detail($('detail-body'), {
    collection: c, roles, feature,
    on_zoom: zoom_to,
    on_province: (name) => choose_province(name),
    collection_of: (other) => page.by_id.get(other),
    on_overlap: (value) => { if (state.overlaps !== value) choose_overlap(value); },
    on_company: (name) => show_company(name),
    // A layer with crop classes shows a concession's; on the focus layer each filters.
    crops: crops?.in_use ? {
      label: (name) => purpose_label(name),
      on_choose: c.id === state.focus ? (name) => choose_crop(name) : null,
    } : null,
    on_copy: async (event) => {
      try { await navigator.clipboard.writeText(window.location.href); event.target.textContent = t('copied'); } catch { /* not allowed */ }
    },
  });
  if (zoom) zoom_to();
  if (!panel.contains(document.activeElement)) panel.focus({ preventScroll: true });
}

// Opens the detail sheet (a feature's, or a company's profile: company.js),
// remembering where the keyboard was to go back there when it closes.
// Each opening is a turn: an answer that arrives after another opening
// (a feature picked while a profile loads) is not shown.
let turn = 0;
export function sheet_turn() { return turn; }
export function open_sheet() {
  turn += 1;
  const panel = $('detail');
  if (panel.hidden && document.activeElement !== document.body) opener = document.activeElement;
  panel.hidden = false;
  document.body.classList.add('detail-open');
  document.body.classList.remove('panel-open');
  $('panel-toggle').setAttribute('aria-expanded', 'false');
  return panel;
}

export function close_detail() {
  clear_failure('detail');
  const had_focus = $('detail').contains(document.activeElement);
  $('detail').hidden = true;
  document.body.classList.remove('detail-open');
  state.selected = null;
  highlight(null, null);
  write_state(state);
  if (had_focus) return_focus(opener);
  opener = null;
}

// Back to an element if it is still on the page and shown; a list row
// redrawn since (the list follows the map) by its feature id; else the map.
export function return_focus(el) {
  const shown = (x) => x?.isConnected && x.getClientRects().length > 0;
  const row_id = el?.closest?.('#list tr[data-id]')?.dataset.id;
  const row = row_id && document.querySelector(`#list tr[data-id="${CSS.escape(row_id)}"] .row-open`);
  const target = shown(el) ? el : shown(row) ? row : map.getContainer();
  target.focus({ preventScroll: true });
}
