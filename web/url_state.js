// The view, layers and filters live in the URL's fragment, so a copied link
// reproduces the map (and the server never sees page state). A query string
// is read too, so a link such as /?basemap=none&province=Kratie also works.
//
//   #map=9/11.62/103.51&layers=elc,mining&focus=elc&province=Koh%20Kong
//    &q=rubber&purpose=Rubber%20plantation&country=Chinese&year=2008-2012
//    &sort=-area_ha&sel=elc/100&lang=km&basemap=none   (basemap: osm, satellite, none or a tile URL)

export function read_state(location = window.location) {
  const params = new URLSearchParams(location.search);
  for (const [k, v] of new URLSearchParams(location.hash.replace(/^#/, ''))) params.set(k, v);
  const state = {
    view: null,
    layers: null,
    focus: params.get('focus') || '',
    province: params.get('province') || '',
    q: params.get('q') || '',
    purpose: params.get('purpose') || '',
    country: params.get('country') || '',
    year_from: '',
    year_to: '',
    sort: params.get('sort') || '-area_ha',
    selected: null,
    lang: params.get('lang') || '',
    basemap: params.get('basemap') || '',
    colour_by_purpose: params.get('colour') !== 'collection',
    provinces_shown: params.get('boundaries') !== 'off',
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

// The fragment for a state; empty and default values are left out.
export function state_fragment(state) {
  const p = new URLSearchParams();
  if (state.view) p.set('map', `${state.view.zoom}/${state.view.lat.toFixed(4)}/${state.view.lng.toFixed(4)}`);
  if (state.layers) p.set('layers', state.layers.join(','));
  for (const key of ['focus', 'province', 'q', 'purpose', 'country']) if (state[key]) p.set(key, state[key]);
  if (state.year_from || state.year_to)
    p.set('year', state.year_from === state.year_to ? state.year_from : `${state.year_from}-${state.year_to}`);
  if (state.sort && state.sort !== '-area_ha') p.set('sort', state.sort);
  if (state.selected) p.set('sel', `${state.selected.collection}/${state.selected.id}`);
  if (state.lang && state.lang !== 'en') p.set('lang', state.lang);
  if (state.basemap) p.set('basemap', state.basemap);
  if (!state.colour_by_purpose) p.set('colour', 'collection');
  if (!state.provinces_shown) p.set('boundaries', 'off');
  // URLSearchParams writes spaces as '+', commas as %2C and slashes as %2F;
  // %20, ',' and '/' read the same and make a link people can read.
  return p.toString().replace(/\+/g, '%20').replace(/%2C/g, ',').replace(/%2F/g, '/');
}

export function write_state(state) {
  const fragment = state_fragment(state);
  // A query string given on arrival is now part of the state: drop it, so a
  // filter cleared on the page does not come back from it on reload.
  const url = `${window.location.pathname}${fragment ? `#${fragment}` : ''}`;
  if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`)
    window.history.replaceState(null, '', url);
}
