// The page talks only to the public HTTP API (DESIGN.md); every URL is
// relative to the page, so the server can sit behind a path prefix.
import { english_search } from './i18n.js?v=@ASSET_VERSION@';

export function api_url(path, params) {
  const url = new URL(path.replace(/^\//, ''), document.baseURI);
  if (params) for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  return url;
}

// `cache`: fetch's cache mode ('no-cache': revalidate what the browser keeps).
export async function get_json(path, params, { signal, cache } = {}) {
  const response = await fetch(api_url(path, params), { signal, cache, headers: { Accept: 'application/json' } });
  if (!response.ok) {
    let description = response.statusText;
    try { description = (await response.json()).description ?? description; } catch { /* not JSON */ }
    throw new Error(`${response.status} ${description}`);
  }
  return response.json();
}

// Which source field plays which role (name, company, purpose, ...). The
// server knows (the catalog says, or it guesses from field names); when
// /collections does not say, the page guesses from the queryables with the
// same name lists as geo/catalog.cpp's guess_roles.
const role_guesses = {
  name: ['name', 'min_name', 'block', 'shapename', 'prov_name', 'title'],
  company: ['company', 'operator', 'developer', 'owner_name', 'min_name', 'name'],
  area_ha: ['hectares', 'area_ha', 'size_ha', 'lsize_ha', 'con_size_h', 'landarea_h', 'hectare'],
  purpose: ['purpose', 'crop', 'commodity', 'category', 'status'],
  nationality: ['nation', 'nationality', 'in_country', 'country', 'dir_nation'],
  province: ['provinces', 'province', 'prov_name', 'shapename'],
  contract_date: ['contract', 'contract_date', 'con_date', 'issuedate', 'date_sub', 'date'],
  duration_years: ['duration', 'duration_years', 'term'],
};
const computed = new Set(['id', 'area_ha', 'contract_date']);

export function guess_roles(queryable_names) {
  const source_fields = queryable_names.filter((n) => !computed.has(n));
  const roles = {};
  for (const [role, names] of Object.entries(role_guesses)) {
    for (const want of names) {
      const hit = source_fields.find((f) => f.toLowerCase() === want);
      if (hit) { roles[role] = hit; break; }
    }
  }
  return roles;
}

// The server's roles when /collections gives them ("roles": {"name":
// "Name", "company": "Name", ...}), otherwise guessed from the queryables.
const roles_cache = new Map();
export function server_roles(collection) {
  const given = collection.roles;
  return given && typeof given === 'object' && !Array.isArray(given) ? given : null;
}

export async function collection_roles(collection) {
  const given = server_roles(collection);
  if (given) return given;
  if (!roles_cache.has(collection.id)) {
    roles_cache.set(collection.id, get_json(`collections/${encodeURIComponent(collection.id)}/queryables`)
      .then((q) => guess_roles(Object.keys(q.properties ?? {})))
      .catch(() => ({})));
  }
  return roles_cache.get(collection.id);
}

// The tiles carry role-named properties (name, company, purpose), so one
// feature seen in a tile and fetched as an item tells which source field
// plays each of those roles: the first field holding the same value.
export function infer_roles(tile_properties, item_properties, guessed) {
  const roles = { ...guessed };
  for (const role of ['name', 'company', 'purpose']) {
    const value = tile_properties[role];
    if (value === null || value === undefined || value === '') continue;
    const field = Object.keys(item_properties).find((k) => !computed.has(k) && k !== 'provinces' && item_properties[k] === value);
    if (field) roles[role] = field;
  }
  return roles;
}

// Filters as API parameters for one collection. Context layers (the
// catalog's "kind": "context": protected areas, forests, dams) take none,
// except the province when the user asks for it (filters.context_province):
// they stay whole under every filter, so that "which concessions lie in
// protected land?" can be seen. On concession layers, province, text,
// contract years and the timeline's year apply to every layer (only they
// have dates: a context layer is shown whole whatever the year), the
// overlap filter to every layer measured against its collection; crop,
// purpose and investor country only to the collection they were chosen
// for, through its own field names.
//
// A drawn area is the exception: it applies to every layer, context layers
// too ("what lies in the area I drew").
//
// What equality cannot say (a size, several crops) is CQL2 text (OGC API -
// Features Part 3), its pieces joined with AND in one filter=, which the
// server ANDs with every other parameter.
export function filter_params(filters, collection, roles) {
  const p = {};
  if (!collection) return p;
  if (filters.area) p.intersects = area_wkt(filters.area);
  if (collection.kind === 'context') {
    if (filters.context_province && filters.province) p.province = filters.province;
    return p;
  }
  const cql2 = [];
  const collection_id = collection.id;
  if (filters.province) p.province = filters.province;
  if (filters.q) p.q = english_search(filters.q);
  if (filters.year_from || filters.year_to)
    p.datetime = `${filters.year_from ? `${filters.year_from}-01-01` : '..'}/${filters.year_to ? `${filters.year_to}-12-31` : '..'}`;
  // The timeline's year (timeline.js): what was in force at its end.
  if (filters.as_of) p.as_of = `${filters.as_of}-12-31`;
  // Inside protected land (overlaps.js): only a layer measured against
  // that collection can say (the catalog's "overlaps"; the server answers
  // 400 for another).
  if (filters.overlaps && measured_against(collection, filters.overlaps)) p.overlaps = filters.overlaps;
  // One company's concessions (company.js), by the server's slug.
  if (filters.company) p.company = filters.company;
  if (collection_id === filters.focus && roles) {
    // Crop classes (crops.js) are the server's derived purpose_class (one
    // by equality, as older links did); a purpose is the source's own
    // text, in its own field.
    const crops = roles.purpose ? filters.crops : [];
    if (crops.length === 1) p.purpose_class = crops[0];
    if (crops.length > 1) cql2.push(`purpose_class IN (${crops.map(cql2_string).join(', ')})`);
    if (filters.purpose && roles.purpose) p[roles.purpose] = filters.purpose;
    if (filters.country && roles.nationality) p[roles.nationality] = filters.country;
  }
  // The size (filters.js): hectares computed from the boundary.
  if (filters.min_ha) cql2.push(`area_ha >= ${filters.min_ha}`);
  if (filters.max_ha) cql2.push(`area_ha <= ${filters.max_ha}`);
  if (cql2.length) p.filter = cql2.join(' AND ');
  return p;
}

// A CQL2 character literal: in single quotes, each one inside doubled.
export function cql2_string(text) {
  return `'${String(text).replace(/'/g, "''")}'`;
}

// The collection an overlaps= value names: 'protected-areas' of
// 'protected-areas' or 'protected-areas:9'.
export function overlap_collection(value) {
  return String(value ?? '').split(':')[0];
}

// Whether a concession layer's features are measured against the
// collection an overlaps= value names.
export function measured_against(collection, value) {
  return Boolean(collection?.overlaps_with?.includes(overlap_collection(value)));
}

// A drawn ring of [lng, lat] as the API's intersects= (a WKT POLYGON,
// closed, 5 decimals as in the URL).
export function area_wkt(ring) {
  const points = [...ring, ring[0]].map(([lng, lat]) => `${lng.toFixed(5)} ${lat.toFixed(5)}`);
  return `POLYGON((${points.join(',')}))`;
}

export function tile_template(collection_id) {
  return api_url(`collections/${encodeURIComponent(collection_id)}/tiles/{z}/{x}/{y}.geojson`).href
    .replace(/%7B/g, '{').replace(/%7D/g, '}');
}
