// A company's profile (issue 15 §3), in the detail sheet: every record of
// one company across the layers, as /companies/{slug} groups its spellings
// ("Angkor Sugar Co., Ltd (Region 1)" to "(Region 5)" are one company), with
// its hectares, provinces, years, countries, protected land and downloads.
// Opening a profile makes the company a filter (state.company: company= in
// the URL and to every concession layer), so the map draws only its
// concessions; its chip, or the profile's button, takes the filter away.
// Opened from a concession's detail (its company), from the largest
// holders in the statistics, and from the search, which finds companies
// as well as concessions (/companies?q=).
/* global L */
import { t, format_number, province_label, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { get_json, api_url } from './api.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { $, state, page, tracked } from './context.js?v=@ASSET_VERSION@';
import { report_failure, clear_failure } from './status.js?v=@ASSET_VERSION@';
import { fit } from './map_view.js?v=@ASSET_VERSION@';
import { apply } from './filters.js?v=@ASSET_VERSION@';
import { open_sheet, sheet_turn, select_feature } from './detail.js?v=@ASSET_VERSION@';
import { highlight } from './layers.js?v=@ASSET_VERSION@';
import { write_state } from './url_state.js?v=@ASSET_VERSION@';
import { choose_province } from './provinces.js?v=@ASSET_VERSION@';
import { choose_overlap, remember_overlap_names } from './overlaps.js?v=@ASSET_VERSION@';

// slug -> name, from the answers seen, for the chip.
const names = new Map();
export function remember_company(slug, name) {
  if (slug && name) names.set(slug, name);
}

export function company_chip_label(slug) {
  return t('company_chip', { name: names.get(slug) ?? slug });
}

// The collections whose companies the search offers: those the company
// filter draws (concession layers; context layers stay whole).
export function company_collections() {
  return page.collections.filter((c) => c.kind !== 'context').map((c) => c.id);
}

const ha = (v) => `${format_number(v)} ${t('ha')}`;
// Computed hectares, or for points (no area) the declared ones, said so.
const hectares = (x) => (x.area_ha > 0 || !(x.declared_ha > 0) ? ha(x.area_ha) : `${ha(x.declared_ha)} (${t('declared_short')})`);
const label_of = (id) => { const c = page.by_id.get(id); return c ? collection_label(c) : id; };

// Chosen again, the filter goes; a profile's own button says which.
export function choose_company(slug) {
  state.company = state.company === slug ? '' : slug;
  apply();
}

// The company filter in the filters block (a phone shows it as a chip too):
// its name opens the profile, × takes the filter away.
export function render_company_filter() {
  const el = $('company-filter');
  el.hidden = !state.company;
  if (!state.company) return el.replaceChildren();
  const name = names.get(state.company) ?? state.company;
  el.replaceChildren(
    h('span', { class: 'company-filter-label' }, t('company'), ': '),
    h('button', { type: 'button', class: 'link-button', title: t('company_open', { name }), onclick: () => show_company(state.company, { filter: false }) }, name),
    h('button', { type: 'button', class: 'company-filter-remove', 'aria-label': t('remove_filter', { f: t('company_chip', { name }) }),
      onclick: () => { state.company = ''; apply(); $('province-select').focus(); } }, '×'));
}

let abort = null;
// slug_or_name: a slug or any spelling of the company's name (a
// concession's company field): the server finds the company either way.
export async function show_company(slug_or_name, { zoom = true, filter = true } = {}) {
  open_sheet();
  const mine = sheet_turn();
  state.selected = null;
  highlight(null, null);
  abort?.abort();
  abort = new AbortController();
  $('detail-title').textContent = t('loading');
  $('detail-body').replaceChildren();
  let doc;
  try {
    doc = await tracked(get_json(`companies/${encodeURIComponent(slug_or_name)}`, null, { signal: abort.signal }));
  } catch (error) {
    if (mine !== sheet_turn()) return;
    report_failure('company', { where: $('detail-body'), what: () => t('company_profile'), error,
      retry: () => show_company(slug_or_name, { zoom, filter }) });
    return;
  }
  clear_failure('company');
  if (mine !== sheet_turn()) return;
  remember_company(doc.slug, doc.name);
  if (filter && state.company !== doc.slug) {
    state.company = doc.slug;
    apply();
  } else {
    render_company_filter();  // the name is known now
    write_state(state);
  }
  $('detail-title').textContent = doc.name;
  render_company($('detail-body'), doc);
  const b = doc.bbox;
  const bounds = b ? L.latLngBounds([[b[1], b[0]], [b[3], b[2]]]) : null;
  if (zoom && bounds?.isValid()) fit(bounds, 12);
  const panel = $('detail');
  if (!panel.contains(document.activeElement)) panel.focus({ preventScroll: true });
}

function render_company(body, doc) {
  const rows = [];
  const row = (label, value, id) => rows.push(h('div', { class: 'kv', id }, h('dt', {}, label), h('dd', {}, value)));
  row(t('company_records'), format_number(doc.count), 'company-count');
  row(t('area_computed'), ha(doc.area_ha), 'company-area');
  if (doc.declared_ha > 0) row(t('area_declared'), ha(doc.declared_ha), 'company-declared');
  const years = (doc.years ?? []).map((y) => y.year);
  if (years.length) row(t('company_years'), years[0] === years[years.length - 1] ? years[0] : `${years[0]}–${years[years.length - 1]}`);
  if (doc.nationalities?.length) row(t('country'), doc.nationalities.map((n) => n.name).join(', '));

  const layers = h('ul', { class: 'shares company-layers' }, (doc.collections ?? []).map((c) => h('li', { 'data-collection': c.id },
    h('span', { class: 'swatch', style: `background:${page.by_id.get(c.id)?.color ?? '#888'}` }),
    `${label_of(c.id)}: ${format_number(c.count)} · ${hectares(c)}`)));

  const provinces = (doc.provinces ?? []).map((p) => h('li', {},
    h('button', { type: 'button', class: 'link-button', onclick: () => choose_province(p.name) }, province_label(p.name)),
    p.area_ha >= 0.5 ? ` ${ha(p.area_ha)}` : ''));

  // Protected land: per layer of its records, the hectares inside each
  // kind (counted once), then the areas that hold the most.
  const overlap_sections = (doc.overlaps ?? []).flatMap((o) => {
    const inside = Object.entries(o.inside_ha ?? {});
    if (!inside.length) return [];
    remember_overlap_names(o.areas);
    const top = (o.areas ?? []).slice(0, 5);
    return [
      h('h4', { class: 'overlap-collection' }, label_of(o.collection)),
      h('ul', { class: 'shares company-inside', 'data-collection': o.collection }, inside.map(([id, v]) => h('li', { 'data-collection': id },
        `${label_of(id)}: ${ha(v)}`))),
      top.length ? h('ul', { class: 'shares overlaps' }, top.map((a) => h('li', { 'data-collection': a.collection, 'data-id': a.id },
        h('button', { type: 'button', class: 'link-button', title: t('overlap_show_only', { name: a.name }),
          onclick: () => { if (state.overlaps !== `${a.collection}:${a.id}`) choose_overlap(`${a.collection}:${a.id}`); } }, a.name),
        ` ${ha(a.inside_ha)}`))) : null,
    ];
  });

  const records = h('ul', { class: 'company-records' }, (doc.records ?? []).map((r) => h('li', { 'data-collection': r.collection, 'data-id': r.id },
    h('button', { type: 'button', class: 'search-hit', onclick: () => select_feature(r.collection, r.id, { zoom: true }) },
      h('span', { class: 'swatch', style: `background:${page.by_id.get(r.collection)?.color ?? '#888'}` }),
      h('span', { class: 'hit-name' }, r.name || r.company || `#${r.id}`),
      h('span', { class: 'hit-meta' }, [label_of(r.collection), (r.provinces ?? []).map((p) => province_label(p)).join(', '),
        r.area_ha || r.declared_ha ? hectares(r) : '',
        (r.contract_date ?? '').slice(0, 4)].filter(Boolean).join(' · '))))));

  const link = (rel, type) => (doc.links ?? []).find((l) => l.rel === rel && (!type || l.type === type));
  const gpkg = link('enclosure', 'application/geopackage+sqlite3');
  const csv = link('alternate', 'text/csv');
  const filtered = state.company === doc.slug;
  const spellings = doc.spellings ?? [];

  body.replaceChildren(...[
    h('p', { class: 'detail-collection' }, t('company_profile')),
    h('dl', { class: 'kvs' }, rows),
    h('div', { class: 'button-row' },
      h('button', { type: 'button', id: 'company-toggle', 'aria-pressed': String(filtered), onclick: () => choose_company(doc.slug) },
        filtered ? t('company_show_all') : t('company_show_only')),
      doc.bbox ? h('button', { type: 'button', onclick: () => fit(L.latLngBounds([[doc.bbox[1], doc.bbox[0]], [doc.bbox[3], doc.bbox[2]]]), 12) }, t('zoom_to')) : null),
    h('h3', {}, t('company_layers')),
    layers,
    provinces.length ? h('h3', {}, t('provinces_shares')) : null,
    provinces.length ? h('ul', { class: 'shares' }, provinces) : null,
    overlap_sections.length ? h('section', { class: 'detail-overlaps' }, h('h3', {}, t('overlaps_heading_company')), overlap_sections) : null,
    h('h3', { id: 'company-records-heading' }, t('company_records_heading', { n: format_number(doc.count) })),
    records,
    h('h3', {}, t('company_spellings')),
    h('ul', { class: 'company-spellings' }, spellings.map((s) => h('li', {}, s))),
    h('h3', {}, t('download')),
    h('ul', { class: 'sources' },
      gpkg ? h('li', {}, h('a', { href: gpkg.href, download: '' }, t('company_download_gpkg'))) : null,
      csv ? h('li', {}, h('a', { href: csv.href, download: '' }, t('company_download_csv'))) : null),
    h('h3', {}, t('sources')),
    h('ul', { class: 'sources' },
      h('li', {}, t('company_sources_hectares')),
      h('li', {}, t('company_sources_grouping')),
      h('li', {}, t('company_sources_version', { v: doc.sources?.data_version ?? '' })),
      h('li', {}, h('a', { href: api_url(`companies/${encodeURIComponent(doc.slug)}`).href, target: '_blank', rel: 'noopener' }, t('source_api')))),
  ].filter(Boolean));
}

// The companies whose names hold the search's words, for the search
// results; [] when asking fails (the concessions found still show).
export async function find_companies(q, signal) {
  const collections = company_collections();
  if (!collections.length) return { companies: [], numberMatched: 0 };
  try {
    const doc = await get_json('companies', { q, collections: collections.join(','), limit: 5 }, { signal });
    for (const c of doc.companies ?? []) remember_company(c.slug, c.name);
    return doc;
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    return { companies: [], numberMatched: 0 };
  }
}
