// Searching every visible layer by text.
/* global L */
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { get_json, filter_params } from './api.js?v=@ASSET_VERSION@';
import { h, render_search_results } from './panels.js?v=@ASSET_VERSION@';
import { $, state, page, tracked, show_error } from './context.js?v=@ASSET_VERSION@';
import { fit, feature_bounds } from './map_view.js?v=@ASSET_VERSION@';
import { roles_of } from './roles.js?v=@ASSET_VERSION@';
import { apply } from './filters.js?v=@ASSET_VERSION@';
import { select_feature } from './detail.js?v=@ASSET_VERSION@';

let search_abort = null;
export async function run_search(query) {
  const box = $('search-results');
  state.q = query.trim();
  apply();
  if (!state.q) {
    box.hidden = true;
    $('search-input').setAttribute('aria-expanded', 'false');
    return;
  }
  search_abort?.abort();
  search_abort = new AbortController();
  box.hidden = false;
  $('search-input').setAttribute('aria-expanded', 'true');
  box.replaceChildren(h('p', { class: 'muted' }, t('loading')));
  const targets = state.layers.map((id) => page.by_id.get(id)).filter(Boolean);
  try {
    const results = await tracked(Promise.all(targets.map(async (c) => {
      const roles = await roles_of(c.id);
      const doc = await get_json(`collections/${encodeURIComponent(c.id)}/items`,
        // The search itself applies to every layer, context layers too (to find a protected area by name).
        { ...filter_params(state, c, roles), q: state.q, limit: 8, sortby: '-area_ha' }, { signal: search_abort.signal });
      return { collection: c, roles, doc };
    })));
    const pick = (c, f) => {
      box.hidden = true;
      $('search-input').setAttribute('aria-expanded', 'false');
      select_feature(c.id, f.id, { feature: f, zoom: true });
    };
    render_search_results(box, results, state.q, pick);
    // Zoom to what was found.
    const bounds = L.latLngBounds([]);
    for (const r of results) for (const f of r.doc.features) { const b = feature_bounds(f); if (b) bounds.extend(b); }
    if (bounds.isValid()) fit(bounds, 12);
  } catch (error) {
    show_error(box, t('search_results'), error);
  }
}

export function bind_search_events() {
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); run_search($('search-input').value); });
  $('search-input').addEventListener('search', (e) => { if (!e.target.value) run_search(''); });
}
