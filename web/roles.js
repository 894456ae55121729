// Field roles: which source field is the name, company, purpose... of a
// collection.
/* global L */
import { get_json, collection_roles, server_roles, infer_roles } from './api.js?v=@ASSET_VERSION@';
import { $, state, page, tracked } from './context.js?v=@ASSET_VERSION@';
import { load_focus_options } from './filters.js?v=@ASSET_VERSION@';
import { refresh_list } from './results.js?v=@ASSET_VERSION@';
import { show_detail } from './detail.js?v=@ASSET_VERSION@';

// Which source field is the name, company, purpose... of a collection;
// fetched when first needed, kept in page.roles for synchronous use.
export function roles_of(id) {
  const c = page.by_id.get(id);
  if (!c) return Promise.resolve({});
  if (!page.roles.has(id)) page.roles.set(id, {});
  page.roles_pending ??= new Map();
  if (!page.roles_pending.has(id)) {
    page.roles_pending.set(id, tracked(collection_roles(c)).then((roles) => {
      page.roles.set(id, roles);
      return roles;
    }));
  }
  return page.roles_pending.get(id);
}

// When /collections does not name the roles, learn them once per collection
// from the first tile that shows a feature with a name, company or purpose.
export const roles_learned = new Set();
export async function learn_roles(id, features) {
  const c = page.by_id.get(id);
  if (!c || server_roles(c) || roles_learned.has(id) || !features?.length) return;
  roles_learned.add(id);
  await page.drawn;
  const filled = (f) => ['name', 'company', 'purpose'].filter((k) => f.properties[k] !== null && f.properties[k] !== undefined && f.properties[k] !== '').length;
  // The most filled-in feature, and of those the smallest (the cheapest to fetch).
  const better = (f, best) => filled(f) > filled(best) || (filled(f) === filled(best) && (f.properties.area_ha ?? 0) < (best.properties.area_ha ?? 0));
  const sample = features.reduce((best, f) => (better(f, best) ? f : best));
  if (!filled(sample)) return;
  try {
    const [guessed, item] = await Promise.all([roles_of(id), tracked(get_json(`collections/${encodeURIComponent(id)}/items/${sample.id}`))]);
    const learned = infer_roles(sample.properties, item.properties ?? {}, guessed);
    if (JSON.stringify(learned) === JSON.stringify(guessed)) return;
    page.roles.set(id, learned);
    page.roles_pending.set(id, Promise.resolve(learned));
    if (id === state.focus) {
      load_focus_options();
      refresh_list(false);
    }
    if (state.selected?.collection === id && !$('detail').hidden) show_detail(id, state.selected.id);
  } catch (error) {
    console.warn(`roles of ${id}:`, error.message);
  }
}
