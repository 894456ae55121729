// The tools a map page has (issue 18 §4): basemap picker, scale bar, show my
// location, fullscreen and measuring, each a Leaflet control on the map.
// Plugins not needed to draw the first view load on first use:
// leaflet.locatecontrol when "Show my location" is pressed, the measuring
// tool (measure.js) when "Measure" is.
/* global L */
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { BasemapPicker } from './basemap_picker.js?v=@ASSET_VERSION@';

const icons = {
  locate: '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="4" fill="currentColor"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3" stroke="currentColor" stroke-width="2"/><circle cx="12" cy="12" r="7.5" fill="none" stroke="currentColor" stroke-width="2"/></svg>',
  fullscreen: '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="M3 9V3h6M15 3h6v6M21 15v6h-6M9 21H3v-6" fill="none" stroke="currentColor" stroke-width="2.2"/></svg>',
  measure: '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="M2 16.5 16.5 2 22 7.5 7.5 22z" fill="none" stroke="currentColor" stroke-width="2"/><path d="M6 13l2 2M9 10l3 3M12 7l2 2M15 4l3 3" stroke="currentColor" stroke-width="1.6"/></svg>',
};

// A button of ours, named in both languages (translate_page renames it).
export function tool_button(key, icon, attrs = {}) {
  const button = h('button', { type: 'button', class: 'tool-button', 'aria-label': t(key), title: t(key),
    'data-i18n-aria-label': key, 'data-i18n-title': key, ...attrs });
  button.innerHTML = icon;  // our own markup, never data
  return button;
}

function bar(...children) {
  const div = h('div', { class: 'leaflet-bar leaflet-control tool-bar' }, ...children);
  L.DomEvent.disableClickPropagation(div);
  L.DomEvent.disableScrollPropagation(div);
  return div;
}

// A message over the map (role alert) with a close button: what a tool
// says when it cannot do what was asked.
export function show_map_message(text) {
  const container = map.getContainer();
  container.querySelector('.map-message')?.remove();
  const close = h('button', { type: 'button', class: 'close', 'aria-label': t('close') }, '×');
  const message = h('div', { class: 'map-message', role: 'alert' }, h('span', {}, text), close);
  close.addEventListener('click', () => message.remove());
  L.DomEvent.disableClickPropagation(message);
  container.append(message);
  return message;
}

// Classic scripts and style sheets of the plugins, asked for once.
const loaded = new Map();
export function load_asset(path) {
  if (!loaded.has(path)) {
    loaded.set(path, new Promise((resolve, reject) => {
      const css = /\.css(\?|$)/.test(path);
      const el = css ? h('link', { rel: 'stylesheet', href: path }) : h('script', { src: path });
      el.addEventListener('load', resolve);
      el.addEventListener('error', () => { loaded.delete(path); reject(new Error(`could not load ${path}`)); });
      document.head.append(el);
    }));
  }
  return loaded.get(path);
}

// "Show my location": leaflet.locatecontrol, loaded on the first press.
// A refused permission or a browser without geolocation is said over the
// map, never left silent (the plugin's default is window.alert).
export const LocateButton = L.Control.extend({
  options: { position: 'topright' },

  onAdd() {
    this._button = tool_button('tool_locate', `<span class="locate-icon">${icons.locate}</span>`);
    this._button.addEventListener('click', () => this._first_press(), { once: true });
    this._container = bar(this._button);
    return this._container;
  },

  async _first_press() {
    // Leaflet reports a missing geolocation API before the plugin listens: say it here.
    if (!('geolocation' in navigator)) {
      this._button.addEventListener('click', () => this._first_press(), { once: true });
      show_map_message(t('locate_failed', { why: t('locate_unsupported') }));
      return;
    }
    this._button.classList.add('loading');
    try {
      await Promise.all([load_asset('assets/vendor/leaflet.locatecontrol/L.Control.Locate.min.css?v=@ASSET_VERSION@'),
        load_asset('assets/vendor/leaflet.locatecontrol/L.Control.Locate.umd.js?v=@ASSET_VERSION@')]);
    } catch (error) {
      this._button.addEventListener('click', () => this._first_press(), { once: true });
      show_map_message(t('error', { what: t('tool_locate'), why: error.message }));
      return;
    } finally {
      this._button.classList.remove('loading');
    }
    const button = this._button;
    this.plugin = L.control.locate({
      position: this.options.position,
      icon: 'locate-icon',
      iconLoading: 'locate-loading',
      showPopup: false,
      showCompass: false,
      markerStyle: { interactive: false, keyboard: false },  // a marker without a name is no button
      circleStyle: { interactive: false },
      locateOptions: { maxZoom: 14, watch: true, setView: false },
      strings: { title: t('tool_locate') },
      // Our button (its name, its icon) moves into the plugin's container.
      createButtonCallback(container) {
        container.append(button);
        return { link: button, icon: button.querySelector('.locate-icon') };
      },
      onLocationError: (error) => show_map_message(error.code === 1 ? t('locate_denied') : t('locate_failed', { why: error.message })),
    });
    this.plugin.addTo(this._map);
    const plugin_container = this.plugin.getContainer();
    this._container.replaceWith(plugin_container);
    plugin_container.classList.add('tool-bar');
    button.focus();
    this.plugin.start();
  },
});

// Fullscreen: leaflet.fullscreen on the whole page (the search, the
// panels and the legend stay usable). One name, pressed or not.
function fullscreen_control() {
  const control = new L.Control.FullScreen({
    position: 'topright',
    title: t('tool_fullscreen'),
    titleCancel: t('tool_fullscreen'),
    content: icons.fullscreen,
    forceSeparateButton: true,
    fullscreenElement: document.documentElement,
  });
  return control;
}

export const MeasureButton = L.Control.extend({
  options: { position: 'topright' },

  onAdd(map_) {
    const button = tool_button('tool_measure', icons.measure, { 'aria-pressed': 'false' });
    button.addEventListener('click', async () => {
      const { toggle_measuring } = await import('./measure.js?v=@ASSET_VERSION@');
      toggle_measuring(map_, button);
    });
    return bar(button);
  },
});

// The scale bar: metric only, named for screen readers.
function scale_control() {
  const scale = L.control.scale({ position: 'bottomleft', imperial: false, maxWidth: 120 });
  scale.addTo(map);
  const el = scale.getContainer();
  el.setAttribute('role', 'group');
  el.setAttribute('aria-label', t('tool_scale'));
  el.dataset.i18nAriaLabel = 'tool_scale';
  return scale;
}

export function add_tools() {
  new BasemapPicker().addTo(map);
  new LocateButton().addTo(map);
  const fullscreen = fullscreen_control().addTo(map);
  // The plugin renames its button on each change: keep our name, in the page's language.
  map.on('enterFullscreen exitFullscreen', () => {
    fullscreen.link.setAttribute('aria-label', t('tool_fullscreen'));
    fullscreen.link.title = t('tool_fullscreen');
  });
  fullscreen.link.dataset.i18nAriaLabel = 'tool_fullscreen';
  fullscreen.link.dataset.i18nTitle = 'tool_fullscreen';
  fullscreen.link.classList.add('tool-button');
  fullscreen.getContainer().classList.add('tool-bar');
  new MeasureButton().addTo(map);
  scale_control();
}
