// The map's tool buttons for this part of issue 18 §4: "Draw an area"
// (area.js), "Print or export the map" and "Embed this map", whose dialogs
// (print_export.js, embed.js) load on first use, not with the page.
/* global L */
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { state } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { add_area_tool } from './area.js?v=@ASSET_VERSION@';

const v = '?v=@ASSET_VERSION@';
const icons = {
  print: '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="M7 9V3h10v6M7 17H4v-7h16v7h-3M7 14h10v7H7z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/></svg>',
  embed: '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="M8 7l-5 5 5 5M16 7l5 5-5 5M14 4l-4 16" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
};

// One button that opens a dialog from a module loaded when first pressed.
const DialogButton = L.Control.extend({
  options: { position: 'topright', label_key: '', icon: '', open: null },
  onAdd() {
    // Print and embed are for a desktop: on a phone the map keeps its height.
    const box = L.DomUtil.create('div', 'leaflet-bar map-tool map-tool-desktop');
    const button = h('button', { type: 'button', class: 'tool-button', 'aria-haspopup': 'dialog', 'data-i18n-aria-label': this.options.label_key,
      'aria-label': t(this.options.label_key), title: t(this.options.label_key) });
    button.innerHTML = this.options.icon;
    button.addEventListener('click', () => this.options.open().catch((error) => console.error(error)));
    box.append(button);
    L.DomEvent.disableClickPropagation(box);
    return box;
  },
});

export function add_report_tools() {
  add_area_tool({ control: !state.embed });
  if (state.embed) {
    import(`./embed.js${v}`).then((m) => m.start_embed_mode());
    return;
  }
  new DialogButton({ label_key: 'print_export', icon: icons.print,
    open: () => import(`./print_export.js${v}`).then((m) => m.open_print_dialog()) }).addTo(map);
  new DialogButton({ label_key: 'embed_map', icon: icons.embed,
    open: () => import(`./embed.js${v}`).then((m) => m.open_embed_dialog()) }).addTo(map);
}

// After a language switch: titles of the buttons (aria-labels are
// translated by translate_page through data-i18n-aria-label).
export function render_tool_text() {
  for (const b of document.querySelectorAll('.map-tool .tool-button[data-i18n-aria-label]')) b.title = t(b.dataset.i18nAriaLabel);
}
