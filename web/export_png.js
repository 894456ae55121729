// The map as a PNG for reports and press, composed on a canvas: the
// concession tiles (canvases already) and the province outlines (Leaflet's
// canvas renderer) drawn where they sit on screen, basemap tiles only when
// they are same-origin (others would taint the canvas; a plain land colour
// instead), the drawn area, then a title band and a footer with the legend,
// scale bar, north arrow, credit lines and dates. Province labels are not
// drawn.
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { state } from './context.js?v=@ASSET_VERSION@';
import { map } from './map_view.js?v=@ASSET_VERSION@';
import { legend_items, credit_lines, data_date, today, scale_bar, filter_summary } from './furniture.js?v=@ASSET_VERSION@';

const font_family = 'system-ui, "Noto Sans", "Noto Sans Khmer", "Khmer OS", sans-serif';
const ink = '#1d2327', muted = '#5b6670', land = '#f2efe9';
const pad = 16;

function font(px, weight = 400) { return `${weight} ${px}px ${font_family}`; }

// Lines of `text` no wider than `width` at the context's font.
function wrap(ctx, text, width) {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) { lines.push(line); line = word; } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function same_origin(src) {
  try { return new URL(src, document.baseURI).origin === window.location.origin; } catch { return false; }
}

// Every drawable element of the map, where it sits in the map's box.
function draw_map(ctx, map_box) {
  ctx.fillStyle = land;
  ctx.fillRect(0, 0, map_box.width, map_box.height);
  const at = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left - map_box.left, r.top - map_box.top, r.width, r.height];
  };
  for (const img of map.getPane('tilePane').querySelectorAll('img.leaflet-tile-loaded'))
    if (same_origin(img.src) && img.naturalWidth) ctx.drawImage(img, ...at(img));
  const provinces = map.getPane('provinces')?.querySelector('canvas');
  if (provinces) ctx.drawImage(provinces, ...at(provinces));
  // Layers in their stacking order, tiles within each as placed.
  const layers = [...map.getPane('concessions').querySelectorAll('.leaflet-layer')]
    .sort((a, b) => Number(a.style.zIndex || 0) - Number(b.style.zIndex || 0));
  for (const layer of layers) {
    if (layer.style.display === 'none') continue;
    for (const tile of layer.querySelectorAll('canvas.leaflet-tile')) ctx.drawImage(tile, ...at(tile));
  }
  if (state.area) {
    ctx.beginPath();
    state.area.forEach(([lng, lat], i) => {
      const p = map.latLngToContainerPoint([lat, lng]);
      if (i) ctx.lineTo(p.x, p.y); else ctx.moveTo(p.x, p.y);
    });
    ctx.closePath();
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#111';
    ctx.stroke();
    ctx.setLineDash([]);
  }
}

function draw_north_arrow(ctx, x, y) {
  ctx.fillStyle = ink;
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x + 9, y + 24);
  ctx.lineTo(x, y + 18);
  ctx.lineTo(x - 9, y + 24);
  ctx.closePath();
  ctx.fill();
  ctx.font = font(13, 700);
  ctx.textAlign = 'center';
  ctx.fillText(t('north_letter'), x, y + 40);
  ctx.textAlign = 'left';
}

function draw_scale_bar(ctx, x, y) {
  const scale = scale_bar(140);
  ctx.fillStyle = ink;
  ctx.fillRect(x, y, scale.px, 4);
  ctx.fillRect(x, y - 5, 2, 9);
  ctx.fillRect(x + scale.px - 2, y - 5, 2, 9);
  ctx.font = font(12);
  ctx.fillText(scale.label, x, y + 20);
}

// The footer: legend in columns on the left, scale and north arrow on the
// right, credit lines and dates below. Returns its height; draws only when
// `draw` (a first pass measures).
function footer(ctx, width, top, draw) {
  const items = legend_items();
  const column_width = 220, row = 20;
  const columns = Math.max(1, Math.floor((width - 2 * pad - 200) / column_width));
  const rows = Math.ceil(items.length / columns);
  if (draw) {
    ctx.font = font(12);
    items.forEach((item, i) => {
      const x = pad + Math.floor(i / rows) * column_width + (item.indent ? 14 : 0);
      const y = top + pad + (i % rows) * row;
      ctx.fillStyle = item.fill;
      ctx.fillRect(x, y, 14, 12);
      ctx.strokeStyle = item.stroke;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(x, y, 14, 12);
      ctx.fillStyle = ink;
      ctx.fillText(item.label, x + 20, y + 11, column_width - 40);
    });
    draw_scale_bar(ctx, width - pad - 180, top + pad + 10);
    draw_north_arrow(ctx, width - pad - 14, top + pad - 4);
  }
  let y = top + pad + Math.max(rows * row, 48) + 8;
  ctx.font = font(11);
  const text_lines = [...credit_lines(), t('map_dates', { made: today(), data: data_date() || '–' }), window.location.href]
    .flatMap((line) => wrap(ctx, line, width - 2 * pad));
  for (const line of text_lines) {
    if (draw) { ctx.fillStyle = muted; ctx.fillText(line, pad, y + 11); }
    y += 15;
  }
  return y + pad - top;
}

// Draws the PNG and hands it to the browser as concessions-map-<date>.png.
export async function export_png(title) {
  const map_box = map.getContainer().getBoundingClientRect();
  const width = Math.round(map_box.width), map_height = Math.round(map_box.height);
  const scale = Math.max(1, Math.min(window.devicePixelRatio || 1, 2));
  const measure = document.createElement('canvas').getContext('2d');
  const subtitle = filter_summary();
  const header_height = subtitle ? 64 : 46;
  const footer_height = footer(measure, width, 0, false);
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = (header_height + map_height + footer_height) * scale;
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, header_height + map_height + footer_height);
  ctx.fillStyle = ink;
  ctx.font = font(20, 700);
  ctx.fillText(title, pad, 30, width - 2 * pad);
  if (subtitle) { ctx.font = font(13); ctx.fillStyle = muted; ctx.fillText(subtitle, pad, 52, width - 2 * pad); }
  ctx.save();
  ctx.translate(0, header_height);
  ctx.beginPath();
  ctx.rect(0, 0, width, map_height);
  ctx.clip();
  draw_map(ctx, map_box);
  ctx.restore();
  ctx.strokeStyle = '#999';
  ctx.strokeRect(0.5, header_height + 0.5, width - 1, map_height - 1);
  footer(ctx, width, header_height + map_height, true);
  const blob = await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas.toBlob failed'))), 'image/png'));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `concessions-map-${today()}.png`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
