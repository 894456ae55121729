// Crops a person can pick (issue 15 §4): the purpose filter offers the
// server's purpose classes (the derived queryable purpose_class: Rubber,
// Sugar cane, ...; a concession can be in several), named in the page's
// language (the queryables' enum and x-enum-km), each with how many
// concessions it holds under the other filters (stats?group=purpose_class).
// The choice is state.crops (crop=Rubber in the URL), sent as
// purpose_class=Rubber (api.js filter_params). Several at once (issue 13
// §1: crop=Rubber,Sugar%20cane) are ticked under "Several crops at once"
// and sent as CQL2, filter=purpose_class IN ('Rubber', 'Sugar cane'); the
// select then names them all.
//
// A layer whose purposes are no crops (every one "Other": mining's
// commodities) keeps the list of its own values instead, as state.purpose
// (the source's text, in its own field). An older link's purpose=<text>
// keeps working on any layer: it selects what it selected before, and the
// list shows it "as the source writes it" until a class is chosen; a text
// that is a class's name (purpose=rubber) becomes that class.
import { t, format_number } from './i18n.js?v=@ASSET_VERSION@';
import { get_json, filter_params } from './api.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { $, state, page, tracked } from './context.js?v=@ASSET_VERSION@';
import { purpose_label, compute_purpose_classes } from './layers.js?v=@ASSET_VERSION@';
import { apply } from './filters.js?v=@ASSET_VERSION@';

const infos = new Map();     // collection id -> promise of its crop_info
const resolved = new Map();  // collection id -> its crop_info, once known
let counts = null;           // class -> concessions under the other filters
let counts_abort = null;

// A collection's classes: { classes (the enum, in the server's order),
// groups (stats?group=purpose_class, unfiltered: the legend ranks by them),
// in_use (some concession in a class other than "Other") }, or null when
// the collection has no purpose_class.
export function crop_info(collection_id) {
  if (!infos.has(collection_id)) {
    const path = `collections/${encodeURIComponent(collection_id)}`;
    const promise = Promise.all([get_json(`${path}/queryables`), get_json(`${path}/stats`, { group: 'purpose_class' })])
      .then(([queryables, stats]) => {
        const p = queryables.properties?.purpose_class;
        if (!Array.isArray(p?.enum)) return null;
        const km = Array.isArray(p['x-enum-km']) ? p['x-enum-km'] : [];
        // One table of classes for every collection: its names serve all.
        page.class_names = { en: Object.fromEntries(p.enum.map((c) => [c, c])), km: Object.fromEntries(p.enum.map((c, i) => [c, km[i] ?? c])) };
        const groups = stats.groups ?? [];
        return { classes: p.enum, groups, in_use: groups.some((g) => g.count > 0 && g.key !== 'Other' && g.key !== '(unknown)') };
      })
      .catch(() => {
        infos.delete(collection_id);  // asked again next time; meanwhile the layer's own values
        return null;
      })
      .then((info) => { resolved.set(collection_id, info); return info; });
    infos.set(collection_id, promise);
  }
  return infos.get(collection_id);
}

// The classes of a collection already asked about (the detail panel and
// the list show a concession's classes only for a layer with crops).
function known_crops(collection_id) {
  return resolved.get(collection_id) ?? null;
}

// A feature's classes in the page's language ("Rubber · Agro-industrial"),
// or '' for a layer without crops.
export function crop_text(collection_id, feature) {
  const classes = feature.properties?.purpose_class;
  if (!known_crops(collection_id)?.in_use || !Array.isArray(classes)) return '';
  return classes.map((c) => purpose_label(c)).join(' · ');
}

// The focus layer's classes, once load_focus_options has its roles: the
// filter lists them and the legend ranks them. False for a layer without;
// the caller lists its own values then. Says whether the state changed.
export function use_crops(collection, roles, info) {
  const before = `${state.crops}\n${state.purpose}`;
  page.crops = roles.purpose && info?.in_use ? info : null;
  if (!page.crops) {
    state.crops = [];  // no class to hold (the server would refuse it)
    return before !== `${state.crops}\n${state.purpose}`;
  }
  const as_class = (text) => info.classes.find((c) => c.toLowerCase() === text.trim().toLowerCase()) ?? '';
  state.crops = info.classes.filter((c) => state.crops.some((text) => as_class(text) === c));  // the server's order, once each
  if (!state.crops.length && as_class(state.purpose)) [state.crops, state.purpose] = [[as_class(state.purpose)], ''];
  counts = null;
  $('crop-picker').open = state.crops.length > 1;  // a link with several shows them ticked
  render_crop_options();
  compute_purpose_classes(info.groups, true);
  return before !== `${state.crops}\n${state.purpose}`;
}

// The counts beside each class: the other filters' selection, never the
// crop's own (a class chosen would leave the others at zero).
export async function refresh_crop_counts() {
  const c = page.by_id.get(state.focus);
  if (!c || !page.crops) return;
  counts_abort?.abort();
  counts_abort = new AbortController();
  const params = { group: 'purpose_class', ...filter_params({ ...state, crops: [], purpose: '' }, c, page.roles.get(c.id)) };
  try {
    const doc = await tracked(get_json(`collections/${encodeURIComponent(c.id)}/stats`, params, { signal: counts_abort.signal }));
    if (c.id !== state.focus) return;
    counts = new Map((doc.groups ?? []).map((g) => [g.key, g.count]));
  } catch (error) {
    if (error.name === 'AbortError') return;
    counts = null;  // the classes without numbers rather than stale ones
  }
  render_crop_options();
}

// The classes chosen, in words ("Rubber, Sugar cane"): the select, the
// chips and a printed map's subtitle.
export function crops_text(crops) {
  return crops.map((c) => purpose_label(c)).join(', ');
}

// The select's options: every class (a choice never disappears under the
// other filters; "(0)" says it holds nothing now), the classes ticked when
// there are several, and an older link's text while it is the filter. The
// checkboxes of "Several crops at once" say the same.
export function render_crop_options() {
  if (!page.crops) return;
  const label = (name) => (counts ? `${purpose_label(name)} (${format_number(counts.get(name) ?? 0)})` : purpose_label(name));
  const select = $('purpose-select');
  const options = [h('option', { value: '' }, t('any'))];
  if (state.purpose) options.push(h('option', { value: state.purpose }, t('purpose_written', { p: state.purpose })));
  if (state.crops.length > 1) options.push(h('option', { value: state.crops.join(',') }, t('crops_chosen', { list: crops_text(state.crops) })));
  for (const name of page.crops.classes) options.push(h('option', { value: name }, label(name)));
  select.replaceChildren(...options);
  select.disabled = false;
  select.value = state.crops.join(',') || state.purpose;
  // The checkboxes are made once per list of classes and then only
  // updated, so a keyboard's place among them survives every apply().
  const box = $('crop-choices');
  if (box.dataset.classes !== page.crops.classes.join(',')) {
    box.dataset.classes = page.crops.classes.join(',');
    box.replaceChildren(...page.crops.classes.map((name) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: name }), h('span', {}))));
  }
  for (const input of box.querySelectorAll('input')) {
    input.checked = state.crops.includes(input.value);
    input.nextElementSibling.textContent = label(input.value);
  }
  $('crop-picker').hidden = false;
}

// A choice in the select: a class (or the several already ticked), or (a
// layer without crops) its own value.
export function choose_purpose(value) {
  if (page.crops) {
    if (value && value === state.purpose) return;
    state.crops = value.split(',').filter(Boolean);
    state.purpose = '';
  } else {
    state.purpose = value;
    state.crops = [];
  }
}

// A class ticked or unticked under "Several crops at once".
export function tick_crop(name, ticked) {
  const chosen = new Set(state.crops);
  if (ticked) chosen.add(name); else chosen.delete(name);
  state.crops = page.crops.classes.filter((c) => chosen.has(c));
  state.purpose = '';
}

// A class chosen in a concession's detail (its layer the focus).
export function choose_crop(name) {
  state.crops = [name];
  state.purpose = '';
  apply();
}
