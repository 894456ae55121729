// What the side panel, the detail panel and the search results show, built
// as DOM (never innerHTML with data: source attributes are untrusted text).
import { t, format_number, province_label, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { api_url } from './api.js?v=@ASSET_VERSION@';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style') el.style.cssText = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const ha = (v) => `${format_number(v)} ${t('ha')}`;

// An item's province shares ([{name, code, share}]): its provinces, named
// provinces_1 where the source has a field of that name in any case (the
// ELC layer's own Provinces).
export function province_shares(properties) {
  for (const [k, v] of Object.entries(properties ?? {})) if (Array.isArray(v) && /^provinces(_\d+)?$/.test(k)) return v;
  return [];
}

// A tile feature's provinces are one text; an item's are its shares.
export function province_names(feature) {
  const shares = province_shares(feature.properties);
  if (shares.length) return shares.map((p) => province_label(p.name, p.code)).join(', ');
  const text = feature.properties?.provinces;
  return typeof text === 'string' ? text : '';
}

export function render_stats(el, totals, companies, on_company = null) {
  el.replaceChildren(
    h('dl', { class: 'stats' },
      h('div', {}, h('dt', {}, t('count')), h('dd', { id: 'stat-count', 'data-value': totals.numberMatched }, format_number(totals.numberMatched))),
      h('div', {}, h('dt', {}, t('hectares')), h('dd', { id: 'stat-area' }, format_number(totals.area_ha))),
      h('div', {}, h('dt', {}, t('declared')), h('dd', {}, format_number(totals.declared_ha)))),
  );
  const top = (companies?.groups ?? []).filter((g) => g.key && g.key !== '(unknown)').slice(0, 5);
  if (!top.length) return;
  const max = top[0].area_ha || 1;
  el.append(h('h3', {}, t('top_companies')),
    h('ol', { class: 'bars' }, top.map((g) => h('li', {},
      h('span', { class: 'bar-label' }, on_company && g.slug
        ? h('button', { type: 'button', class: 'link-button', title: t('company_open', { name: g.key }), onclick: () => on_company(g.slug) }, g.key) : g.key),
      h('span', { class: 'bar-value' }, ha(g.area_ha), g.count > 1 ? ` · ${format_number(g.count)}` : ''),
      h('span', { class: 'bar', style: `width:${Math.max(2, 100 * g.area_ha / max)}%`, 'aria-hidden': 'true' })))));
}

// A row of the list; `crops` is the feature's crop classes in words, shown
// under its name (the list has no purpose column).
export function list_row(feature, roles, on_open, crops = '') {
  const p = feature.properties ?? {};
  const name = p[roles.name] ?? p[roles.company] ?? `#${feature.id}`;
  const year = (p.contract_date ?? '').slice(0, 4);
  return h('tr', { 'data-id': feature.id },
    h('td', {}, h('button', { type: 'button', class: 'row-open', onclick: () => on_open(feature) }, name),
      crops ? h('span', { class: 'row-crops' }, crops) : null),
    h('td', {}, province_names(feature)),
    h('td', { class: 'num' }, format_number(p.area_ha)),
    h('td', { class: 'num' }, year || '–'));
}

export function render_search_results(el, results, query, on_pick, companies = null, on_company = null) {
  const items = [];
  let total = 0;
  const found_companies = companies?.companies ?? [];
  const company_items = found_companies.map((c) => h('li', { 'data-slug': c.slug },
    h('button', { type: 'button', class: 'search-hit search-company', onclick: () => on_company?.(c.slug) },
      h('span', { class: 'swatch company-swatch', 'aria-hidden': 'true' }),
      h('span', { class: 'hit-name' }, c.name),
      h('span', { class: 'hit-meta' }, [t('company_hit', { n: format_number(c.count) }), ha(c.area_ha)].join(' · ')))));
  for (const { collection, roles, doc } of results) {
    total += doc.numberMatched ?? doc.features.length;
    for (const f of doc.features) {
      const p = f.properties ?? {};
      items.push(h('li', {}, h('button', { type: 'button', class: 'search-hit', onclick: () => on_pick(collection, f) },
        h('span', { class: 'swatch', style: `background:${collection.color ?? '#888'}` }),
        h('span', { class: 'hit-name' }, p[roles.name] ?? p[roles.company] ?? `#${f.id}`),
        h('span', { class: 'hit-meta' }, [collection_label(collection), province_names(f), p.area_ha ? ha(p.area_ha) : ''].filter(Boolean).join(' · ')))));
    }
  }
  // The concessions, then the companies whose names hold the words (each
  // opens its profile). Headings only when both are there.
  const both = company_items.length && items.length;
  el.replaceChildren(...[
    both ? h('h2', { class: 'search-group' }, t('search_concessions')) : null,
    items.length ? h('ul', { class: 'search-concessions' }, items) : company_items.length ? null : h('p', { class: 'muted' }, t('search_none', { q: query })),
    total > items.length ? h('p', { class: 'muted small' }, t('search_more', { n: format_number(total - items.length) })) : null,
    company_items.length ? h('h2', { class: 'search-group' }, t('search_companies')) : null,
    company_items.length ? h('ul', { class: 'search-companies' }, company_items) : null,
  ].filter(Boolean));
}

function value_text(v) {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// Source documents named in a field (ELC "References": "Sub_Decree_No_41__15.03.2011.pdf",
// several separated by ; or ,) as links through the catalog's document_url
// template; full URLs (SEZ references) link as they are. null when the value
// is not such a list, or names files without a template to find them.
const document_name = /^[^;,/\\]+\.(pdf|docx?|xlsx?|jpe?g|png)$/i;
export function document_links(value, template) {
  if (typeof value !== 'string') return null;
  const parts = value.split(/\s*[;,]\s*/).filter(Boolean);
  const href = (part) => (/^https?:\/\/\S+$/.test(part) ? part
    : template && document_name.test(part) ? template.replace('{document}', encodeURIComponent(part)) : null);
  if (!parts.length || !parts.every(href)) return null;
  const links = parts.map((part) => h('a', { href: href(part), target: '_blank', rel: 'noopener noreferrer', class: 'document-link',
    title: t('document_link', { name: part.replace(/^.*\//, '') }) }, part.replace(/^.*\//, '')));
  return links.flatMap((a, i) => (i ? [', ', a] : [a]));
}

function value_node(v, template) {
  return document_links(v, template) ?? value_text(v);
}

// The source file named in the collection's description ("... from x.shp)").
function source_file(collection) {
  const m = (collection.description ?? '').match(/from ([^)]+)\)\s*$/);
  return m ? m[1] : '';
}

// A contract's term in years, from a number (ELC "Duration": 70) or text
// ("2 years", "6 months"); null when unknown (0, empty, "Not found").
export function term_years(value) {
  if (typeof value === 'number') return value > 0 ? value : null;
  const m = String(value ?? '').trim().match(/^(\d+(?:\.\d+)?)\s*(years?|months?)?$/i);
  if (!m) return null;
  const n = Number(m[1]) / (/^month/i.test(m[2] ?? '') ? 12 : 1);
  return n > 0 ? n : null;
}

// A concession's overlaps with protected land (issue 15 §2: items carry
// them as overlaps: [{collection, id, name, hectares, share}], largest
// first), under the title of each collection it is measured against, in
// the catalog's order. Each name filters the map to what lies inside it.
// Nothing for a layer measured against nothing.
function overlap_list(collection, overlaps, collection_of, on_overlap) {
  const measured = collection.overlaps_with ?? [];
  if (!measured.length) return null;
  const list = Array.isArray(overlaps) ? overlaps : [];
  const order = [...measured, ...list.map((o) => o.collection).filter((id) => !measured.includes(id))];
  const groups = [...new Set(order)].map((id) => [id, list.filter((o) => o.collection === id)]).filter(([, items]) => items.length);
  const title = (id) => { const c = collection_of(id); return c ? collection_label(c) : id; };
  return h('section', { class: 'detail-overlaps', 'aria-labelledby': 'detail-overlaps-heading' },
    h('h3', { id: 'detail-overlaps-heading' }, t('overlaps_heading')),
    groups.length ? groups.flatMap(([id, items]) => [
      h('h4', { class: 'overlap-collection' }, title(id)),
      h('ul', { class: 'shares overlaps', 'data-collection': id }, items.map((o) => h('li', { 'data-collection': id, 'data-id': o.id },
        h('button', { type: 'button', class: 'link-button', title: t('overlap_show_only', { name: o.name }), onclick: () => on_overlap(`${id}:${o.id}`) }, o.name),
        ' ', h('span', { class: 'overlap-figures' }, `${ha(o.hectares)} · ${o.share > 0 && o.share < 0.0005 ? `< ${format_number(0.1, 1)}` : format_number(100 * o.share, 1)}%`)))),
    ]) : h('p', { class: 'muted', id: 'detail-no-overlap' }, t('overlaps_none', { layers: measured.map(title).join(', ') })));
}

// A concession's crop classes (the server's purpose_class) under its
// purpose text; each a button that filters by it when `on_crop` is given
// (the layer is the focus, which the crop filter applies to).
function crop_row(classes, crop_label, on_crop) {
  return h('ul', { class: 'crop-classes' }, classes.map((c) => h('li', { 'data-class': c },
    on_crop ? h('button', { type: 'button', class: 'link-button', title: t('crop_show_only', { c: crop_label(c) }), onclick: () => on_crop(c) }, crop_label(c))
      : crop_label(c))));
}

export function render_detail(body, { collection, roles, feature, on_zoom, on_province, on_copy, collection_of = () => null, on_overlap = () => {},
  crops = null, on_company = null }) {
  const p = feature.properties ?? {};
  const computed = p.area_ha;
  const declared = roles.area_ha ? Number(p[roles.area_ha]) : NaN;
  const rows = [];
  const row = (label, value, id) => rows.push(h('div', { class: 'kv', id }, h('dt', {}, label), h('dd', {}, value)));
  if (roles.company && p[roles.company]) {
    const name = value_text(p[roles.company]);
    row(t('company'), on_company ? h('button', { type: 'button', class: 'link-button', title: t('company_open', { name }), onclick: () => on_company(p[roles.company]) }, name)
      : name, 'detail-company');
  }
  if (roles.purpose && p[roles.purpose]) row(t('purpose'), value_text(p[roles.purpose]));
  if (crops && Array.isArray(p.purpose_class) && p.purpose_class.length)
    row(t('crop_classes'), crop_row(p.purpose_class, crops.label, crops.on_choose), 'detail-crops');
  if (roles.nationality && p[roles.nationality]) row(t('country'), value_text(p[roles.nationality]));
  if (p.contract_date) row(t('contract_date'), p.contract_date);
  const years = term_years(roles.duration_years ? p[roles.duration_years] : null);
  if (years) {
    // The server's end date (issue 15 §1: contract date plus duration, or an end date field).
    const end = p.end_date ? Number(p.end_date.slice(0, 4)) : p.contract_date ? Number(p.contract_date.slice(0, 4)) + Math.floor(years) : null;
    row(t('term'), end ? t('term_to', { n: format_number(years, 1), year: end }) : t('term_years', { n: format_number(years, 1) }), 'detail-term');
  }
  if (p.cancelled_date) row(t('cancelled_date'), p.cancelled_date, 'detail-cancelled');
  if (computed !== undefined) row(t('area_computed'), ha(computed), 'detail-area');
  if (Number.isFinite(declared) && declared > 0) {
    const diff = computed ? ` (${t('difference')} ${computed >= declared ? '+' : ''}${format_number(100 * (computed - declared) / declared, 1)}%)` : '';
    row(t('area_declared'), `${ha(declared)}${diff}`, 'detail-declared');
  }
  const shares = province_shares(p);
  const attributes = Object.entries(p).filter(([k, v]) => !(Array.isArray(v) && /^provinces(_\d+)?$/.test(k)) && k !== 'overlaps');
  const template = collection.document_url;
  const references = attributes.filter(([k, v]) => v && (/reference|source|^ref$/i.test(k) || document_links(v, template)));
  body.replaceChildren(
    h('p', { class: 'detail-collection' }, h('span', { class: 'swatch', style: `background:${collection.color ?? '#888'}` }), collection_label(collection)),
    h('dl', { class: 'kvs' }, rows),
    shares.length ? h('h3', {}, t('provinces_shares')) : null,
    shares.length ? h('ul', { class: 'shares' }, shares.map((s) => h('li', {},
      h('button', { type: 'button', class: 'link-button', onclick: () => on_province(s.name) }, province_label(s.name, s.code)),
      ` ${s.share === null || s.share === undefined ? '' : `${format_number(100 * s.share, 1)}%`}`))) : null,
    overlap_list(collection, p.overlaps, collection_of, on_overlap),
    h('div', { class: 'button-row' },
      h('button', { type: 'button', onclick: on_zoom }, t('zoom_to')),
      h('button', { type: 'button', onclick: on_copy }, t('copy_link'))),
    h('h3', {}, t('sources')),
    h('ul', { class: 'sources' },
      h('li', {}, `${t('source_layer')}: ${collection.title}${source_file(collection) ? ` (${source_file(collection)})` : ''}`),
      references.map(([k, v]) => h('li', { 'data-field': k }, `${k}: `, value_node(v, template))),
      h('li', {}, h('a', { href: api_url(`collections/${encodeURIComponent(collection.id)}/items/${feature.id}`).href, target: '_blank', rel: 'noopener' }, t('source_api')))),
    h('details', { class: 'attributes', open: window.innerWidth > 800 },
      h('summary', {}, t('all_attributes')),
      h('table', { class: 'attrs' }, h('tbody', {}, attributes.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, value_node(v, template))))))),
  );
}
