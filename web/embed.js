// "Embed this map": the <iframe> code of the current view and filters, and
// the minimal page that iframe shows (embed=1: no panels, no search bar,
// the map with its legend, credits and a link to the full map).
/* global L */
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { state_fragment } from './url_state.js?v=@ASSET_VERSION@';
import { state } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { open_dialog } from './dialog.js?v=@ASSET_VERSION@';
import { legend_items } from './furniture.js?v=@ASSET_VERSION@';

const sizes = { small: [600, 400], medium: [800, 600], large: [1000, 700] };

function page_url(fragment) {
  return `${window.location.origin}${window.location.pathname}${fragment ? `#${fragment}` : ''}`;
}

export function embed_url() { return page_url(state_fragment({ ...state, embed: true })); }
export function full_map_url() { return page_url(state_fragment({ ...state, embed: false })); }

export function embed_code(size = 'medium') {
  const [w, h_px] = sizes[size] ?? sizes.medium;
  const escape = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<iframe src="${escape(embed_url())}" width="${w}" height="${h_px}" style="border:0" ` +
    `title="${escape(t('title'))}" loading="lazy" allowfullscreen></iframe>`;
}

export function open_embed_dialog() {
  const size = h('select', { id: 'embed-size' }, Object.entries(sizes).map(([key, [w, hh]]) =>
    h('option', { value: key, selected: key === 'medium' }, `${t(`size_${key}`)} (${w} × ${hh})`)));
  const code = h('textarea', { id: 'embed-code', rows: 5, readonly: true, spellcheck: 'false' }, embed_code());
  const copy = h('button', { type: 'button', class: 'button' }, t('copy'));
  const status = h('p', { class: 'muted small', role: 'status' });
  size.addEventListener('change', () => { code.value = embed_code(size.value); status.textContent = ''; });
  copy.addEventListener('click', async () => {
    code.select();
    // The clipboard API may wait on a permission prompt: give it a second,
    // then copy the selected text the old way.
    const written = navigator.clipboard?.writeText(code.value).then(() => true, () => false) ?? Promise.resolve(false);
    const ok = await Promise.race([written, new Promise((resolve) => { setTimeout(() => resolve(false), 1000); })]);
    if (!ok) document.execCommand('copy');
    status.textContent = t('code_copied');
  });
  open_dialog('embed-dialog', 'embed_map', [
    h('p', { class: 'muted' }, t('embed_help')),
    h('label', { class: 'field' }, h('span', {}, t('embed_size')), size),
    h('label', { class: 'field' }, h('span', {}, t('embed_code')), code),
    h('div', { class: 'button-row' }, copy),
    status,
  ]);
  code.focus();
  code.select();
}

// The legend of the embedded map, from the same entries as print and PNG.
const EmbedLegend = L.Control.extend({
  options: { position: 'bottomleft' },
  onAdd() {
    const box = L.DomUtil.create('div', 'embed-legend');
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', t('legend'));
    this._box = box;
    this.update();
    return box;
  },
  // Collapsible: open when the frame is tall enough for it not to hide the map.
  update() {
    const open = this._details ? this._details.open : map.getSize().y >= 500;
    this._details = h('details', { open }, h('summary', {}, t('legend')),
      h('ul', {}, legend_items().map((item) => h('li', { class: item.indent ? 'indent' : '' },
        h('span', { class: 'swatch', style: `background:${item.fill};border-color:${item.stroke}` }), item.label))));
    this._box.replaceChildren(this._details);
  },
});

const FullMapLink = L.Control.extend({
  options: { position: 'topleft' },
  onAdd() {
    const a = h('a', { class: 'button embed-full-link', target: '_blank', rel: 'noopener' }, t('open_full_map'));
    const refresh = () => { a.href = full_map_url(); };
    refresh();
    map.on('moveend', refresh);
    a.addEventListener('focus', refresh);
    return a;
  },
});

let legend = null;
export function start_embed_mode() {
  document.body.classList.add('embed');
  map.invalidateSize();
  new FullMapLink().addTo(map);
  legend = new EmbedLegend().addTo(map);
  document.addEventListener('concessions:legend', update_embed_legend);
}

// The crop classes arrive after start: the legend follows.
export function update_embed_legend() { legend?.update(); }
