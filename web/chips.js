// The active filters as chips above the map (issue 18 §6): on a phone the
// filters live in a closed sheet, and a search silently limited to a
// province there looked like missing data. Each chip removes its filter.
import { t, province_label } from './i18n.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { $, state, page } from './context.js?v=@ASSET_VERSION@';
import { same_province } from './provinces.js?v=@ASSET_VERSION@';
import { apply, size_text } from './filters.js?v=@ASSET_VERSION@';
import { overlap_chip_label } from './overlaps.js?v=@ASSET_VERSION@';
import { company_chip_label } from './company.js?v=@ASSET_VERSION@';
import { purpose_label } from './layers.js?v=@ASSET_VERSION@';

function province_text(name) {
  const f = page.provinces?.features.find((x) => same_province(x.properties, name));
  return f ? province_label(f.properties.name, f.properties.code) : name;
}

function year_text() {
  if (state.year_from === state.year_to) return state.year_from;
  return `${state.year_from || '…'}–${state.year_to || '…'}`;
}

// [label, how to clear it] for each filter in use.
function active_filters() {
  const out = [];
  if (state.province) out.push([province_text(state.province), () => { state.province = ''; }]);
  if (state.q) out.push([`“${state.q}”`, () => { state.q = ''; $('search-results').hidden = true; }]);
  for (const crop of state.crops) out.push([purpose_label(crop), () => { state.crops = state.crops.filter((c) => c !== crop); }]);
  if (state.purpose) out.push([state.purpose, () => { state.purpose = ''; }]);
  if (state.country) out.push([state.country, () => { state.country = ''; }]);
  if (state.year_from || state.year_to) out.push([year_text(), () => { state.year_from = ''; state.year_to = ''; }]);
  if (state.min_ha || state.max_ha) out.push([size_text(), () => { state.min_ha = ''; state.max_ha = ''; }]);
  if (state.as_of) out.push([t('timeline_chip', { year: state.as_of }), () => { state.as_of = ''; }]);
  if (state.overlaps) out.push([overlap_chip_label(state.overlaps), () => { state.overlaps = ''; }]);
  if (state.company) out.push([company_chip_label(state.company), () => { state.company = ''; }]);
  if (state.area) out.push([t('area_drawn'), () => { state.area = null; document.dispatchEvent(new Event('concessions:area')); }]);
  return out;
}

export function render_chips() {
  const box = $('filter-chips');
  const filters = active_filters();
  box.hidden = filters.length === 0;
  box.replaceChildren(...filters.map(([label, clear], i) => h('button', {
    type: 'button', class: 'chip', 'aria-label': t('remove_filter', { f: label }),
    onclick: () => {
      clear();
      apply();
      // Keep the keyboard in the row: the next chip, else the filters button.
      const chips = box.querySelectorAll('.chip');
      (chips[Math.min(i, chips.length - 1)] ?? $('panel-toggle')).focus();
    },
  }, h('span', { class: 'chip-label' }, label), h('span', { class: 'chip-x', 'aria-hidden': 'true' }, '×'))));
}
