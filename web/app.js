// The map page: wires the map, the filters and the panels to the HTTP API.
// Page state (view, layers, filters, selection) lives in `state` and in the
// URL; every change goes through apply() (filters.js) so the map, list,
// stats, download link and URL always describe the same selection.
//
// The modules, by concern: context (shared state), map_view, basemap,
// layers, provinces, filters, results (statistics, list, download),
// detail, search, language, timeline, overlaps (and overlap_tiles); this one
// binds the events and starts the page.
/* global L */
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { get_json } from './api.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { write_state } from './url_state.js?v=@ASSET_VERSION@';
import { $, state, page, tracked } from './context.js?v=@ASSET_VERSION@';
import { cambodia, map, fit } from './map_view.js?v=@ASSET_VERSION@';
import { set_basemap, bind_basemap_events, get_landing } from './basemap.js?v=@ASSET_VERSION@';
import { roles_of } from './roles.js?v=@ASSET_VERSION@';
import { default_layers, create_layers, watch_first_draw, render_layer_list, highlight, hit, bind_layer_events, watch_data_version, check_data_version } from './layers.js?v=@ASSET_VERSION@';
import { load_provinces, update_label_visibility, province_bounds, fill_province_select, province_popup, bind_province_events } from './provinces.js?v=@ASSET_VERSION@';
import { fill_focus_select, load_focus_options, apply, bind_filter_events } from './filters.js?v=@ASSET_VERSION@';
import { refresh_list, update_download, bind_result_events } from './results.js?v=@ASSET_VERSION@';
import { select_feature, show_detail, close_detail } from './detail.js?v=@ASSET_VERSION@';
import { show_company } from './company.js?v=@ASSET_VERSION@';
import { run_search, bind_search_events } from './search.js?v=@ASSET_VERSION@';
import { choose_language, switch_language, render_static } from './language.js?v=@ASSET_VERSION@';
import { add_tools } from './tools.js?v=@ASSET_VERSION@';
import { add_report_tools, render_tool_text } from './report_tools.js?v=@ASSET_VERSION@';
import { is_drawing, render_area_text } from './area.js?v=@ASSET_VERSION@';
import { watch_loading, unreachable } from './status.js?v=@ASSET_VERSION@';
import { add_timeline } from './timeline.js?v=@ASSET_VERSION@';
import { overlap_layer } from './overlap_tiles.js?v=@ASSET_VERSION@';
import { measured_collections } from './overlaps.js?v=@ASSET_VERSION@';
import { overlap_collection } from './api.js?v=@ASSET_VERSION@';

// For tests and the benchmark: when the first view was drawn, whether
// anything is still loading.
window.concessions_page = {
  state,
  get first_drawn_ms() { return page.first_drawn_ms; },
  get map() { return map; },
  get layers() { return page.layers; },
  get purpose_classes() { return page.purpose_classes; },  // the legend's crop colours
  overlap_layer,
  check_data_version,  // what the page does every few minutes: true when the data version moved
  is_idle: () => page.busy === 0 && !map._animatingZoom && !map._panAnim?._inProgress &&
    [...page.layers.values(), overlap_layer].every((l) => !l._map || !l._loading),
};

function bind_events() {
  bind_search_events();
  bind_basemap_events();
  bind_layer_events();
  bind_province_events();
  bind_filter_events();
  bind_result_events();
  for (const b of document.querySelectorAll('.lang-switch button')) b.addEventListener('click', () => {
    switch_language(b.dataset.lang);
    render_tool_text();
    render_area_text();
  });
  $('panel-toggle').addEventListener('click', () => {
    const open = !document.body.classList.contains('panel-open');
    document.body.classList.toggle('panel-open', open);
    $('panel-toggle').setAttribute('aria-expanded', String(open));
    if (open) $('panel').focus();
  });
  for (const b of document.querySelectorAll('[data-close]')) {
    b.addEventListener('click', () => {
      if (b.dataset.close === 'detail') close_detail();
      else { document.body.classList.remove('panel-open'); $('panel-toggle').setAttribute('aria-expanded', 'false'); $('panel-toggle').focus(); }
    });
  }
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    if (!$('search-results').hidden) { $('search-results').hidden = true; $('search-input').focus(); }
    else if (!$('detail').hidden) close_detail();
    else if (document.body.classList.contains('panel-open')) { document.body.classList.remove('panel-open'); $('panel-toggle').focus(); }
  });
  let move_timer = null;
  map.on('moveend', () => {
    const c = map.getCenter();
    state.view = { zoom: map.getZoom(), lat: c.lat, lng: c.lng };
    write_state(state);
    update_label_visibility();
    update_download();
    // The list follows the view, once the map has come to rest.
    if (move_timer) clearTimeout(move_timer); else page.busy += 1;
    move_timer = setTimeout(() => {
      move_timer = null;
      page.busy -= 1;
      refresh_list(false);
    }, 250);
  });
  map.on('click', on_map_click);
  let hover_frame = 0;
  map.on('mousemove', (e) => {
    if (hover_frame) return;
    hover_frame = requestAnimationFrame(() => {
      hover_frame = 0;
      map.getContainer().classList.toggle('over-feature', Boolean(hit(e.latlng)));
    });
  });
}

function on_map_click(e) {
  if (is_drawing()) return;  // the click is a corner of the area being drawn
  if (page.measuring) return;  // the clicks are the measuring tool's (measure.js)
  const found = hit(e.latlng);
  if (found?.feature.kind === 'cluster') fit(found.feature.bounds, Math.min(map.getMaxZoom(), map.getZoom() + 3));
  else if (found) select_feature(found.layer.collection_id, found.feature.id);
  else province_popup(e.latlng);
}

async function show_sample_notice() {
  try {
    const landing = await get_landing();
    if (/sample|synthetic/i.test(landing.description ?? '')) {
      const notice = $('sample-notice');
      notice.hidden = false;
      notice.replaceChildren(h('strong', { 'data-i18n': 'sample_notice' }, t('sample_notice')), ' ',
        h('span', { class: 'small' }, `(${landing.description})`));
      document.body.classList.add('sample');
      map.invalidateSize();
    }
  } catch (error) {
    console.warn('landing:', error.message);
  }
}

// Marks (performance.getEntriesByType('mark')) time the start-up steps.
async function start() {
  performance.mark('concessions-start');
  choose_language();
  if (!state.embed) add_tools();  // the embedded map is the map, its legend and credits
  render_static();
  set_basemap();
  if (state.view) map.setView([state.view.lat, state.view.lng], state.view.zoom);
  page.drawn.then(show_sample_notice);
  const doc = await tracked(get_json('collections', { lang: 'en' }));
  performance.mark('concessions-collections');
  page.collections = doc.collections ?? [];
  page.data_version = doc.data_version ?? '';  // the tile URLs' v= (layers.js)
  page.by_id = new Map(page.collections.map((c) => [c.id, c]));
  if (!page.collections.length) return;
  const known = (ids) => ids.filter((id) => page.by_id.has(id));
  state.layers = state.layers ? known(state.layers) : default_layers();
  if (!page.by_id.has(state.focus)) state.focus = state.layers[0] ?? page.collections[0].id;
  // An overlap filter the focus layer is not measured for (as on changing the focus: filters.js).
  if (!measured_collections(page.by_id.get(state.focus)).includes(overlap_collection(state.overlaps))) state.overlaps = '';
  if (!state.view) {
    const extent = L.latLngBounds([]);
    for (const id of state.layers) {
      const bbox = page.by_id.get(id).extent?.spatial?.bbox?.[0];
      if (bbox) extent.extend([[bbox[1], bbox[0]], [bbox[3], bbox[2]]]);
    }
    map.fitBounds(extent.isValid() ? extent : cambodia, { animate: false });
  }
  // The focus collection's field roles turn crop, purpose and country filters into
  // API parameters: wait for them only when such a filter is in the URL.
  if (state.crops.length || state.purpose || state.country) await roles_of(state.focus);
  create_layers();
  watch_data_version();
  render_static();
  render_layer_list();
  fill_focus_select();
  fill_province_select();
  bind_events();
  add_report_tools();
  if (!state.embed) add_timeline(map);
  watch_loading();
  performance.mark('concessions-layers');
  // The boundaries, simplified for this zoom, are asked for before the
  // tiles, so that the country outline appears with the first concessions.
  load_provinces();
  apply();
  performance.mark('concessions-tiles-requested');
  watch_first_draw();
  load_focus_options();
  if (state.province || state.selected) {
    load_provinces().then(() => {
      // A link with a province but no view opens on that province.
      const b = state.province && !state.view && province_bounds(state.province);
      if (b) fit(b, 11);
    });
  }
  if (state.selected) show_detail(state.selected.collection, state.selected.id).then(() => highlight(state.selected?.collection, state.selected?.id));
  // A company's link opens its profile (a selection's detail stays in front).
  else if (state.company) show_company(state.company, { zoom: !state.view });
  // A shared link opens the same view: a selection's detail stays in front
  // (the search is already a filter through apply()), a given view stays.
  if (state.q && !state.selected && !state.company) run_search(state.q, { zoom: !state.view });
}

start().catch((error) => {
  console.error(error);
  const why = unreachable(error) ? t('server_unreachable') : t('error', { what: t('title'), why: error.message });
  document.body.append(h('div', { class: 'fatal error', role: 'alert' }, why, ' ',
    h('button', { type: 'button', class: 'retry', onclick: () => window.location.reload() }, t('retry'))));
});
