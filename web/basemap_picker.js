// The basemap picker on the map: a "Basemap" button that opens a choice of
// OpenStreetMap, Satellite and Plain (radio buttons: arrows move between
// them, Escape closes and gives the focus back to the button).
/* global L */
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { state } from './context.js?v=@ASSET_VERSION@';
import { basemap_choice, basemap_choices, choose_basemap } from './basemap.js?v=@ASSET_VERSION@';

const icon = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="M12 3 2 8l10 5 10-5z" fill="currentColor"/><path d="m2 12 10 5 10-5M2 16l10 5 10-5" fill="none" stroke="currentColor" stroke-width="2"/></svg>';
const labels = { osm: 'basemap_osm', satellite: 'basemap_satellite', none: 'basemap_none' };

export const BasemapPicker = L.Control.extend({
  options: { position: 'topright' },

  onAdd(map) {
    this._button = h('button', { type: 'button', class: 'tool-button', 'aria-expanded': 'false', 'aria-controls': 'basemap-menu',
      'aria-label': t('tool_basemap'), title: t('tool_basemap'), 'data-i18n-aria-label': 'tool_basemap', 'data-i18n-title': 'tool_basemap' });
    this._button.innerHTML = icon;  // our own markup
    this._menu = h('fieldset', { id: 'basemap-menu', class: 'basemap-menu', hidden: true },
      h('legend', { 'data-i18n': 'tool_basemap' }, t('tool_basemap')),
      basemap_choices.map((choice) => h('label', { class: 'check' },
        h('input', { type: 'radio', name: 'basemap-choice', value: choice }),
        h('span', { 'data-i18n': labels[choice] }, t(labels[choice])))));
    this._button.addEventListener('click', () => this.toggle());
    this._menu.addEventListener('change', (e) => choose_basemap(e.target.value));
    this._menu.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();  // not the page's Escape (it closes the detail)
      this.toggle(false);
      this._button.focus();
    });
    this._outside = (e) => { if (!this._container.contains(e.target)) this.toggle(false); };
    map.on('basemapchange', this._show_choice, this);
    const container = h('div', { class: 'leaflet-bar leaflet-control tool-bar basemap-picker' }, this._button, this._menu);
    L.DomEvent.disableClickPropagation(container);
    L.DomEvent.disableScrollPropagation(container);
    this._container = container;
    this._show_choice();
    return container;
  },

  onRemove(map) {
    map.off('basemapchange', this._show_choice, this);
    document.removeEventListener('pointerdown', this._outside);
  },

  toggle(open = this._menu.hidden) {
    this._menu.hidden = !open;
    this._button.setAttribute('aria-expanded', String(open));
    if (open) {
      document.addEventListener('pointerdown', this._outside);
      (this._menu.querySelector('input:checked') ?? this._menu.querySelector('input')).focus();
    } else {
      document.removeEventListener('pointerdown', this._outside);
    }
  },

  // A tile URL of the user's own (map settings) checks none of the three.
  _show_choice(e) {
    const choice = e?.choice ?? basemap_choice(state.basemap);
    for (const input of this._menu.querySelectorAll('input')) input.checked = input.value === choice;
  },
});
