// Searching every visible layer by text.
/* global L */
import { t, english_search } from './i18n.js?v=@ASSET_VERSION@';
import { get_json, filter_params } from './api.js?v=@ASSET_VERSION@';
import { h, render_search_results } from './panels.js?v=@ASSET_VERSION@';
import { $, state, page, tracked } from './context.js?v=@ASSET_VERSION@';
import { report_failure, clear_failure } from './status.js?v=@ASSET_VERSION@';
import { fit, feature_bounds } from './map_view.js?v=@ASSET_VERSION@';
import { roles_of } from './roles.js?v=@ASSET_VERSION@';
import { apply } from './filters.js?v=@ASSET_VERSION@';
import { select_feature } from './detail.js?v=@ASSET_VERSION@';
import { find_companies, show_company } from './company.js?v=@ASSET_VERSION@';

let search_abort = null;
// Searches the visible layers and the companies, and lists what it found
// (the concessions, then the companies: each opens its profile). A search that finds
// nothing says so and changes nothing else (filters, map, URL). `zoom`:
// fit the map to what was found (a shared link with a view keeps its own).
export async function run_search(query, { zoom = true } = {}) {
  const box = $('search-results');
  const q = query.trim();
  if (!q) {
    state.q = q;
    close_results();
    apply();
    return;
  }
  search_abort?.abort();
  search_abort = new AbortController();
  box.hidden = false;
  box.replaceChildren(h('p', { class: 'muted' }, t('loading')));
  const targets = state.layers.map((id) => page.by_id.get(id)).filter(Boolean);
  try {
    const [results, companies] = await tracked(Promise.all([Promise.all(targets.map(async (c) => {
      const roles = await roles_of(c.id);
      const doc = await get_json(`collections/${encodeURIComponent(c.id)}/items`,
        // The search itself applies to every layer, context layers too (to find a protected area by name).
        { ...filter_params({ ...state, q }, c, roles), q: english_search(q), limit: 8, sortby: '-area_ha' }, { signal: search_abort.signal });
      return { collection: c, roles, doc };
    })), find_companies(english_search(q), search_abort.signal)]));
    clear_failure('search');
    const found = results.reduce((n, r) => n + (r.doc.numberMatched ?? r.doc.features.length), 0) + (companies.companies?.length ?? 0);
    if (!found) {
      box.replaceChildren(h('p', { class: 'muted search-none' }, t('search_no_match', { q })));
      return;
    }
    state.q = q;
    apply();
    const pick = (c, f) => {
      close_results();
      $('search-input').focus();  // where the detail gives the focus back
      select_feature(c.id, f.id, { feature: f, zoom: true });
    };
    const open_company = (slug) => {
      close_results();
      $('search-input').focus();
      state.q = '';  // the company is the filter now, not the words
      show_company(slug);
    };
    render_search_results(box, results, q, pick, companies, open_company);
    const bounds = L.latLngBounds([]);
    for (const r of results) for (const f of r.doc.features) { const b = feature_bounds(f); if (b) bounds.extend(b); }
    if (zoom && bounds.isValid()) fit(bounds, 12);
  } catch (error) {
    report_failure('search', { where: box, what: () => t('search_results'), error, retry: () => run_search(q, { zoom }) });
  }
}

export function close_results() {
  clear_failure('search');
  $('search-results').hidden = true;
}

export function bind_search_events() {
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); run_search($('search-input').value); });
  $('search-input').addEventListener('search', (e) => { if (!e.target.value) run_search(''); });
  // Escape closes what is open (app.js); Chromium would also empty a search
  // box on Escape, and with it the filter.
  $('search-input').addEventListener('keydown', (e) => { if (e.key === 'Escape') e.preventDefault(); });
}
