// "Print or export the map": a layout chooser (A4 or A3, landscape or
// portrait) and a title, then either the browser's print (a print preview
// of the page: title, map, legend, scale bar, north arrow, credit line and
// dates, sized for the paper by @page) or a PNG with the same furniture
// (export_png.js). Loaded on first use, not with the page.
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { $, page } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { open_dialog } from './dialog.js?v=@ASSET_VERSION@';
import { legend_items, credit_lines, data_date, today, scale_bar, filter_summary } from './furniture.js?v=@ASSET_VERSION@';
import { export_png } from './export_png.js?v=@ASSET_VERSION@';

// Paper in millimetres (ISO 216); the map gets what the margins, the title
// and the footer leave.
export const layouts = {
  'a4-landscape': { size: 'A4 landscape', w: 297, h: 210 },
  'a4-portrait': { size: 'A4 portrait', w: 210, h: 297 },
  'a3-landscape': { size: 'A3 landscape', w: 420, h: 297 },
  'a3-portrait': { size: 'A3 portrait', w: 297, h: 420 },
};
const margin_mm = 10, header_mm = 18, footer_mm = 42;
let chosen = { layout: 'a4-landscape', title: '' };

export function open_print_dialog() {
  const layout = h('select', { id: 'print-layout' },
    Object.keys(layouts).map((key) => h('option', { value: key, selected: key === chosen.layout }, t(`layout_${key.replace('-', '_')}`))));
  const title = h('input', { id: 'print-title', type: 'text', value: chosen.title || t('title') });
  const print_button = h('button', { type: 'button', class: 'button' }, t('print'));
  const png_button = h('button', { type: 'button', class: 'button' }, t('download_png'));
  const status = h('p', { class: 'muted small', role: 'status' });
  const remember = () => { chosen = { layout: layout.value, title: title.value.trim() }; };
  const dialog = open_dialog('print-dialog', 'print_export', [
    h('label', { class: 'field' }, h('span', {}, t('print_layout')), layout),
    h('label', { class: 'field' }, h('span', {}, t('print_title')), title),
    h('div', { class: 'button-row' }, print_button, png_button),
    status,
  ]);
  print_button.addEventListener('click', () => { remember(); dialog.close(); print_map(chosen); });
  png_button.addEventListener('click', async () => {
    remember();
    status.textContent = t('png_working');
    try {
      await export_png(chosen.title || t('title'));
      status.textContent = t('png_done');
    } catch (error) {
      status.textContent = t('error', { what: 'PNG', why: error.message });
    }
  });
}

function furniture_block(title) {
  const header = h('header', { id: 'print-header', class: 'print-furniture' },
    h('h1', {}, title), h('p', {}, filter_summary()));
  const legend = h('ul', { class: 'print-legend', 'aria-label': t('legend') }, legend_items().map((item) =>
    h('li', { class: item.indent ? 'indent' : '' },
      h('span', { class: 'swatch', style: `background:${item.fill};border-color:${item.stroke}` }), item.label)));
  const scale = scale_bar(140);
  const footer = h('footer', { id: 'print-footer', class: 'print-furniture' },
    legend,
    h('div', { class: 'print-marks' },
      h('div', { class: 'print-scale', role: 'img', 'aria-label': `${t('scale')} ${scale.label}` },
        h('span', { class: 'bar', style: `width:${scale.px.toFixed(0)}px` }), h('span', {}, scale.label)),
      h('div', { class: 'print-north', role: 'img', 'aria-label': t('north') }, '▲', h('br'), t('north_letter'))),
    h('div', { class: 'print-credits' },
      credit_lines().map((line) => h('p', {}, line)),
      h('p', {}, t('map_dates', { made: today(), data: data_date() || '–' })),
      h('p', { class: 'print-url' }, window.location.href)));
  return { header, footer };
}

function idle() {
  return new Promise((resolve) => {
    const check = () => (window.concessions_page.is_idle() ? resolve() : setTimeout(check, 100));
    setTimeout(check, 150);
  });
}

// The page becomes its own print preview (panels hidden, the map sized to
// the paper), prints, and comes back when the print dialog closes.
export async function print_map({ layout, title }) {
  const paper = layouts[layout] ?? layouts['a4-landscape'];
  leave_print_mode();
  const centre = map.getCenter(), zoom = map.getZoom();
  const { header, footer } = furniture_block(title || t('title'));
  const back = h('button', { type: 'button', id: 'print-back', class: 'button print-back' }, t('print_back'));
  back.addEventListener('click', leave_print_mode);
  const style = h('style', { id: 'print-page-style' },
    `@page { size: ${paper.size}; margin: ${margin_mm}mm; }`);
  const body = document.body;
  body.style.setProperty('--print-width', `${paper.w - 2 * margin_mm}mm`);
  body.style.setProperty('--print-map-height', `${paper.h - 2 * margin_mm - header_mm - footer_mm}mm`);
  document.head.append(style);
  document.querySelector('main.layout').before(back, header);
  document.querySelector('main.layout').after(footer);
  body.classList.add('print-mode');
  body.dataset.printLayout = layout;
  map.invalidateSize();
  map.setView(centre, zoom, { animate: false });
  // The scale bar is measured on the map at its printed size.
  const scale = scale_bar(140);
  footer.querySelector('.print-scale .bar').style.width = `${scale.px.toFixed(0)}px`;
  footer.querySelector('.print-scale span:last-child').textContent = scale.label;
  window.addEventListener('afterprint', leave_print_mode, { once: true });
  await idle();
  await page.drawn;
  window.print();
}

export function leave_print_mode() {
  if (!document.body.classList.contains('print-mode')) return;
  for (const id of ['print-page-style', 'print-header', 'print-footer', 'print-back']) $(id)?.remove();
  document.body.classList.remove('print-mode');
  delete document.body.dataset.printLayout;
  map.invalidateSize();
}
