// The view, layers and filters live in the URL's fragment, so a copied link
// reproduces the map (and the server never sees page state). A query string
// is read too, so a link such as /?basemap=none&province=Kratie also works.
//
//   #map=9/11.62/103.51&layers=elc,mining&focus=elc&province=Koh%20Kong
//    &q=rubber&crop=Rubber,Sugar%20cane&country=Chinese&year=2008-2012
//    (crop: the server's purpose classes, one or several, crops.js; purpose=Rubber%20plantation,
//     the source's own text, is a layer's value where it has no crop classes,
//     mining's commodities, and still works in older links)
//    &min_ha=5000&max_ha=10000 (hectares computed from the boundary, filters.js)
//    &as_of=2010 (the timeline's year: what was in force on 31 December 2010;
//     year= is taken by the contract years)
//    &overlaps=protected-areas:9 (the concessions inside protected area 9;
//     overlaps=protected-areas: inside any) &overlap_map=1 (the map
//     highlights where concessions lie inside protected areas; overlaps.js)
//    &company=angkor-sugar (one company's concessions, its profile open; company.js)
//    &sort=-area_ha&sel=elc/100&lang=km&basemap=none&ctx=province
//    (basemap: osm, satellite, none or a tile URL)
//    &area=104.1,12.2;104.9,12.2;104.5,12.9 (a drawn polygon's vertices, lng,lat
//     with 5 decimals, about a metre; a rectangle may be minLng,minLat,maxLng,maxLat)
//    &embed=1 (the minimal page an <iframe> shows)

export function read_state(location = window.location) {
  const params = new URLSearchParams(location.search);
  for (const [k, v] of new URLSearchParams(location.hash.replace(/^#/, ''))) params.set(k, v);
  const state = {
    view: null,
    layers: null,
    focus: params.get('focus') || '',
    province: params.get('province') || '',
    q: params.get('q') || '',
    crops: (params.get('crop') || '').split(',').filter(Boolean),  // crops.js: one class or several
    purpose: params.get('purpose') || '',
    country: params.get('country') || '',
    year_from: '',
    year_to: '',
    min_ha: read_hectares(params.get('min_ha')),  // filters.js
    max_ha: read_hectares(params.get('max_ha')),
    as_of: /^\d{4}$/.test(params.get('as_of') ?? '') ? params.get('as_of') : '',  // timeline.js
    overlaps: params.get('overlaps') || '',  // overlaps.js
    company: params.get('company') || '',  // company.js: a company's slug
    overlap_map: params.get('overlap_map') === '1',  // overlap_tiles.js
    sort: params.get('sort') || '-area_ha',
    selected: null,
    lang: params.get('lang') || '',
    basemap: params.get('basemap') || '',
    colour_by_purpose: params.get('colour') !== 'collection',
    provinces_shown: params.get('boundaries') !== 'off',
    area: read_area(params.get('area') || ''),
    embed: params.get('embed') === '1',
    context_province: params.get('ctx') === 'province',  // the province filter narrows context layers too
  };
  const map = (params.get('map') || '').split('/').map(Number);
  if (map.length === 3 && map.every(Number.isFinite)) state.view = { zoom: map[0], lat: map[1], lng: map[2] };
  if (params.has('layers')) state.layers = params.get('layers').split(',').filter(Boolean);
  const year_text = params.get('year') || '';
  const year = year_text.match(/^(\d{4})?(?:-(\d{4})?)?$/);
  if (year_text && year) {
    state.year_from = year[1] || '';
    state.year_to = year_text.includes('-') ? year[2] || '' : year[1] || '';
  }
  const sel = (params.get('sel') || '').match(/^(.+)\/(-?\d+)$/);
  if (sel) state.selected = { collection: sel[1], id: Number(sel[2]) };
  return state;
}

// A size bound from its URL text: a positive number as written, else ''.
function read_hectares(text) {
  return /^\d+(\.\d+)?$/.test(text ?? '') && Number(text) > 0 ? text : '';
}

// A drawn area from its URL text: a list of [lng, lat] (the ring, not
// closed), or null when the text is not one.
export function read_area(text) {
  const numbers = (part) => part.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  const parts = text.split(';').filter(Boolean);
  if (parts.length === 1) {
    const b = numbers(parts[0]);
    if (b.length !== 4 || !b.every(Number.isFinite) || b[0] >= b[2] || b[1] >= b[3] ||
        Math.abs(b[0]) > 180 || Math.abs(b[2]) > 180 || Math.abs(b[1]) > 90 || Math.abs(b[3]) > 90) return null;
    return [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]];
  }
  const ring = parts.map(numbers);
  const ok = ring.length >= 3 && ring.every((p) => p.length === 2 && p.every(Number.isFinite) && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90);
  return ok ? ring : null;
}

export function area_text(ring) {
  return ring.map(([lng, lat]) => `${lng.toFixed(5)},${lat.toFixed(5)}`).join(';');
}

// The fragment for a state; empty and default values are left out.
export function state_fragment(state) {
  const p = new URLSearchParams();
  if (state.view) p.set('map', `${state.view.zoom}/${state.view.lat.toFixed(4)}/${state.view.lng.toFixed(4)}`);
  if (state.layers) p.set('layers', state.layers.join(','));
  for (const key of ['focus', 'province', 'q']) if (state[key]) p.set(key, state[key]);
  if (state.crops.length) p.set('crop', state.crops.join(','));
  for (const key of ['purpose', 'country', 'overlaps', 'company', 'min_ha', 'max_ha']) if (state[key]) p.set(key, state[key]);
  if (state.year_from || state.year_to)
    p.set('year', state.year_from === state.year_to ? state.year_from : `${state.year_from}-${state.year_to}`);
  if (state.as_of) p.set('as_of', state.as_of);
  if (state.sort && state.sort !== '-area_ha') p.set('sort', state.sort);
  if (state.selected) p.set('sel', `${state.selected.collection}/${state.selected.id}`);
  if (state.lang && state.lang !== 'en') p.set('lang', state.lang);
  if (state.basemap) p.set('basemap', state.basemap);
  if (!state.colour_by_purpose) p.set('colour', 'collection');
  if (!state.provinces_shown) p.set('boundaries', 'off');
  if (state.context_province) p.set('ctx', 'province');
  if (state.overlap_map) p.set('overlap_map', '1');
  if (state.area) p.set('area', area_text(state.area));
  if (state.embed) p.set('embed', '1');
  // URLSearchParams writes spaces as '+', commas as %2C, slashes as %2F,
  // semicolons as %3B and colons as %3A; %20, ',', '/', ';' and ':' read the
  // same and make a link people can read.
  return p.toString().replace(/\+/g, '%20').replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3B/g, ';').replace(/%3A/g, ':');
}

export function write_state(state) {
  const fragment = state_fragment(state);
  // A query string given on arrival is now part of the state: drop it, so a
  // filter cleared on the page does not come back from it on reload.
  const url = `${window.location.pathname}${fragment ? `#${fragment}` : ''}`;
  if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`)
    window.history.replaceState(null, '', url);
}
