// The page's language: chosen from the URL, the last choice or the browser,
// and switched without reloading.
/* global L */
import { t, set_language, language, translate_page, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { write_state } from './url_state.js?v=@ASSET_VERSION@';
import { $, state, page } from './context.js?v=@ASSET_VERSION@';
import { show_basemap_status } from './basemap.js?v=@ASSET_VERSION@';
import { refresh_credits, render_purpose_legend, render_layer_list } from './layers.js?v=@ASSET_VERSION@';
import { draw_province_labels, fill_province_select } from './provinces.js?v=@ASSET_VERSION@';
import { fill_focus_select, fill_size_selects } from './filters.js?v=@ASSET_VERSION@';
import { refresh_stats, update_sort_headers, refresh_list } from './results.js?v=@ASSET_VERSION@';
import { show_detail } from './detail.js?v=@ASSET_VERSION@';
import { render_failures } from './status.js?v=@ASSET_VERSION@';
import { refresh_timeline } from './timeline.js?v=@ASSET_VERSION@';
import { refresh_overlaps } from './overlaps.js?v=@ASSET_VERSION@';
import { render_chips } from './chips.js?v=@ASSET_VERSION@';
import { render_map_legend } from './legend.js?v=@ASSET_VERSION@';
import { render_crop_options } from './crops.js?v=@ASSET_VERSION@';

export function choose_language() {
  let lang = state.lang;
  if (!lang) {
    try { lang = localStorage.getItem('concessions.lang') || ''; } catch { lang = ''; }
  }
  if (!lang) lang = (navigator.language || '').startsWith('km') ? 'km' : 'en';
  set_language(lang);
}

export function switch_language(lang) {
  state.lang = lang === 'en' ? '' : lang;
  set_language(lang);
  try { localStorage.setItem('concessions.lang', lang); } catch { /* private mode */ }
  render_static();
  show_basemap_status();
  render_failures();
  for (const id of ['purpose-select', 'country-select', 'year-from', 'year-to']) $(id).options[0].textContent = t('any');
  render_crop_options();  // the classes' names in the new language
  fill_size_selects();
  render_layer_list();
  refresh_credits();
  render_purpose_legend();
  fill_province_select();
  fill_focus_select();
  draw_province_labels();
  refresh_stats();
  refresh_list(false);
  refresh_timeline();
  refresh_overlaps();
  render_chips();
  render_map_legend();
  if (state.selected) show_detail(state.selected.collection, state.selected.id, { zoom: false });
  write_state(state);
}

export function render_static() {
  translate_page();
  document.title = t('title');
  for (const b of document.querySelectorAll('.lang-switch button')) b.setAttribute('aria-pressed', String(b.dataset.lang === language()));
  const focus = page.by_id.get(state.focus);
  $('colour-by-purpose-label').textContent = t('colour_by_purpose', { c: focus ? collection_label(focus) : '' });
  update_sort_headers();
}
