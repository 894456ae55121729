// Issue 18 §4, second half: "Draw an area" (statistics, list, downloads and
// every layer for exactly that area, in the URL), "Print or export the map"
// (print layout and PNG) and "Embed this map", each found by its accessible
// name. The API answers for the same polygon are the oracle.
import fs from 'node:fs';
import path from 'node:path';
import { test, assert, ctx, api, settled, shot, tile_features, interior_point, open_page, screenshots, use_server_and_browser, inject_axe } from './harness.mjs';

use_server_and_browser();

const view = '#map=9/11.9/103.6&layers=elc,mining,protected-areas&focus=elc';

// The page's own WKT for its state's area, rebuilt here from the URL text
// (5 decimals, closed), to ask the API the same question.
function wkt_of(ring) {
  const points = [...ring, ring[0]].map(([lng, lat]) => `${lng.toFixed(5)} ${lat.toFixed(5)}`);
  return `POLYGON((${points.join(',')}))`;
}
const area_in_url = (url) => new URL(url).hash.match(/[#&]area=([^&]+)/)?.[1];
const ring_of = (text) => text.split(';').map((p) => p.split(',').map(Number));

async function stat_count(page) { return Number(await page.getAttribute('#stat-count', 'data-value')); }

async function axe_violations(page, include) {
  await inject_axe(page);
  return page.evaluate(async (selectors) => {
    const result = await window.axe.run({ include: selectors.map((s) => [s]) });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, include);
}

test('a polygon drawn by clicks selects what the API selects for it, on every layer, and lives in the URL', { timeout: 180_000 }, async () => {
  const { context, page, problems } = await open_page(view);
  const total = await stat_count(page);
  const draw = page.getByRole('button', { name: 'Draw an area' });
  await draw.click();
  await page.getByRole('button', { name: 'Polygon' }).click();
  assert.match(await page.locator('.area-tool [role=status]').textContent(), /Click or tap to add corners/);
  const box = await page.locator('#map').boundingBox();
  // A concave pentagon over the middle of the map, closed on its first corner.
  const corners = [[0.35, 0.3], [0.7, 0.35], [0.65, 0.75], [0.5, 0.55], [0.3, 0.7]];
  for (const [fx, fy] of corners) await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
  await page.mouse.click(box.x + box.width * corners[0][0], box.y + box.height * corners[0][1]);
  await settled(page);

  const text = area_in_url(page.url());
  assert.ok(text, `no area in the URL ${page.url()}`);
  const ring = ring_of(text);
  assert.equal(ring.length, corners.length);
  const wkt = encodeURIComponent(wkt_of(ring));
  const expected = await api(`/collections/elc/stats?group=company&intersects=${wkt}`);
  assert.ok(expected.numberMatched > 0 && expected.numberMatched < total, `the area holds ${expected.numberMatched} of ${total}: the test could not fail`);
  assert.equal(await stat_count(page), expected.numberMatched, 'statistics count');
  assert.equal(Number((await page.textContent('#stat-area')).replace(/[^\d]/g, '')), Math.round(expected.area_ha), 'statistics hectares');

  // The list shows only features of the area; the download link carries it.
  const in_area = new Set((await api(`/collections/elc/items?limit=10000&intersects=${wkt}`)).features.map((f) => f.id));
  const rows = await page.locator('#list tbody tr').count();
  assert.ok(rows > 0 && rows <= in_area.size, `${rows} rows for ${in_area.size} in the area`);
  const href = await page.getAttribute('#download-link', 'href');
  assert.equal(new URL(href).searchParams.get('intersects'), wkt_of(ring));

  // Every visible layer, context layers too, is cut to the area.
  for (const id of ['elc', 'mining', 'protected-areas']) {
    const allowed = new Set((await api(`/collections/${id}/items?limit=10000&intersects=${wkt}`)).features.map((f) => f.id));
    const shown = new Set((await tile_features(page, id)).map((f) => f.id));
    for (const fid of shown) assert.ok(allowed.has(fid), `${id} ${fid} is drawn but lies outside the area`);
    if (id !== 'mining') assert.ok(shown.size > 0, `${id}: nothing drawn in the area`);
  }
  assert.match(await page.textContent('#area-note'), /Only what lies in the drawn area/);
  await shot(page, 'area-01-drawn-desktop-en.png');

  // A shared link restores the area and its answers.
  const shared = await context.newPage();
  await shared.goto(page.url());
  await settled(shared);
  assert.equal(area_in_url(shared.url()), text);
  assert.equal(await stat_count(shared), expected.numberMatched, 'restored statistics');
  assert.equal(await shared.locator('.leaflet-area-pane path').count(), 1, 'the outline of the area');

  // "Clear area" takes it away.
  await page.getByRole('button', { name: 'Clear area' }).first().click();
  await settled(page);
  assert.equal(area_in_url(page.url()), undefined);
  assert.equal(await stat_count(page), total);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a rectangle, the map view as the area, and a bbox in a link', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page(`${view}&area=103.3,11.5,104.0,12.3`);
  const ring = await page.evaluate(() => window.concessions_page.state.area);
  assert.deepEqual(ring, [[103.3, 11.5], [104, 11.5], [104, 12.3], [103.3, 12.3]]);
  const expected = await api(`/collections/elc/stats?group=company&intersects=${encodeURIComponent(wkt_of(ring))}`);
  assert.equal(await stat_count(page), expected.numberMatched);

  await page.getByRole('button', { name: 'Draw an area' }).click();
  await page.getByRole('button', { name: 'Rectangle' }).click();
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.4);
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.6);
  await settled(page);
  const rect = ring_of(area_in_url(page.url()));
  assert.equal(rect.length, 4);
  assert.equal(await stat_count(page), (await api(`/collections/elc/stats?intersects=${encodeURIComponent(wkt_of(rect))}`)).numberMatched);

  // The keyboard path: the map view as the area.
  await page.getByRole('button', { name: 'Draw an area' }).click();
  await page.getByRole('button', { name: 'Draw an area' }).click();
  await page.getByRole('button', { name: 'The map view' }).focus();
  await page.keyboard.press('Enter');
  await settled(page);
  const whole = ring_of(area_in_url(page.url()));
  const b = await page.evaluate(() => window.concessions_page.map.getBounds().toBBoxString().split(',').map(Number));
  assert.ok(Math.abs(whole[0][0] - b[0]) < 1e-4 && Math.abs(whole[2][1] - b[3]) < 1e-4, `${whole} is not the view ${b}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the drawing tool on a phone, in Khmer', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page(`${view}&area=103.3,11.5,104.0,12.3&lang=km`,
    { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  await page.getByRole('button', { name: 'គូរតំបន់' }).click();
  const size = await page.getByRole('button', { name: 'គូរតំបន់' }).boundingBox();
  assert.ok(size.width >= 44 && size.height >= 44, `tap target ${size.width}x${size.height}`);
  await shot(page, 'area-02-menu-phone-km.png');
  await page.click('#panel-toggle');
  await page.locator('#area-note').scrollIntoViewIfNeeded();
  assert.match(await page.textContent('#area-note'), /តំបន់/);
  await shot(page, 'area-03-note-phone-km.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('print: a layout chooser, then the page as paper: title, map, legend, scale, north arrow, credits; panels hidden', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page(`${view}&area=103.3,11.5,104.0,12.3`);
  const opener = page.getByRole('button', { name: 'Print or export the map' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Print or export the map' });
  await dialog.waitFor();
  assert.deepEqual(await axe_violations(page, ['#print-dialog', '.map-tool']), []);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.ok(await opener.evaluate((el) => el === document.activeElement), 'the focus went back to the button');
  assert.ok(await page.locator('#panel').isVisible(), 'Escape closed the panel too');

  await opener.click();
  await page.getByLabel('Page layout').selectOption('a4-portrait');
  await page.getByLabel('Title').fill('Concessions near the Cardamoms');
  await page.evaluate(() => { window.print = () => { window.printed = true; }; });
  await page.getByRole('button', { name: 'Print', exact: true }).click();
  await page.waitForFunction(() => window.printed === true, null, { timeout: 30_000 });
  assert.match(await page.textContent('#print-page-style'), /size: A4 portrait/);
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: path.join(screenshots, 'area-04-print-a4-portrait.png'), fullPage: true });
  for (const hidden of ['#panel', '.topbar', '#print-back', '.leaflet-control-zoom'])
    assert.equal(await page.locator(hidden).isVisible(), false, `${hidden} shows in print`);
  assert.equal(await page.textContent('#print-header h1'), 'Concessions near the Cardamoms');
  const legend = await page.locator('.print-legend li').allTextContents();
  for (const title of ['Economic land concessions', 'Mining concession licences', 'Protected areas'])
    assert.ok(legend.some((l) => l.includes(title)), `legend lacks ${title}: ${legend}`);
  assert.match(await page.textContent('.print-scale'), /\d+ k?m/);
  assert.ok(await page.locator('.print-north').isVisible());
  const credits = await page.textContent('.print-credits');
  const collections = (await api('/collections')).collections;
  for (const id of ['elc', 'mining']) {
    const c = collections.find((x) => x.id === id);
    assert.ok(credits.includes(c.attribution) && credits.includes(c.as_of), `credits lack ${id}: ${credits}`);
  }
  // The map fills the paper's width (190 mm at 96 px per inch).
  const width = (await page.locator('#map').boundingBox()).width;
  assert.ok(Math.abs(width - 190 * 96 / 25.4) < 4, `map ${width} px wide`);
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assert.equal(await page.locator('#print-header').count(), 0);
  assert.ok(await page.locator('#panel').isVisible());
  assert.deepEqual(problems, []);
  await context.close();
});

test('export: a PNG of the map with its furniture, with the concessions drawn', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page(view);
  await page.getByRole('button', { name: 'Print or export the map' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()]);
  assert.match(download.suggestedFilename(), /^concessions-map-\d{4}-\d{2}-\d{2}\.png$/);
  const file = await download.path();
  const bytes = fs.readFileSync(file);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const png_width = bytes.readUInt32BE(16), png_height = bytes.readUInt32BE(20);
  const map_box = await page.locator('#map').boundingBox();
  assert.equal(png_width, Math.round(map_box.width), 'PNG width (device pixel ratio 1)');
  assert.ok(png_height > map_box.height + 80, `PNG height ${png_height}: no room for title and footer`);

  // Decoded in the page: a concession's interior is painted, and much of
  // the map is not the plain land colour.
  const some = (await api('/collections/elc/items?limit=50&bbox=103.2,11.5,104.0,12.3&sortby=-area_ha')).features[0];
  const p = interior_point(some.geometry);
  const point = await page.evaluate(({ lat, lng }) => window.concessions_page.map.latLngToContainerPoint([lat, lng]), p);
  const result = await page.evaluate(async ({ b64, point }) => {
    const image = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const canvas = new OffscreenCanvas(image.width, image.height);
    const g = canvas.getContext('2d');
    g.drawImage(image, 0, 0);
    const header = 46;  // no filter summary: the title band alone
    const d = g.getImageData(0, header, image.width, image.height - header).data;
    let coloured = 0;
    for (let i = 0; i < d.length; i += 4)
      if (Math.abs(d[i] - 0xf2) + Math.abs(d[i + 1] - 0xef) + Math.abs(d[i + 2] - 0xe9) > 40 && !(d[i] > 240 && d[i + 1] > 240 && d[i + 2] > 240)) coloured += 1;
    const at = g.getImageData(Math.round(point.x), Math.round(point.y) + header, 1, 1).data;
    return { coloured, at: [...at] };
  }, { b64: bytes.toString('base64'), point });
  assert.ok(result.coloured > 5000, `only ${result.coloured} coloured pixels`);
  const [r, g, b] = result.at;
  assert.ok(Math.abs(r - 0xf2) + Math.abs(g - 0xef) + Math.abs(b - 0xe9) > 30, `concession ${some.id} is not painted in the PNG: ${result.at}`);
  fs.copyFileSync(file, path.join(screenshots, 'area-05-export.png'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('embed: the iframe code reproduces the view and filters in a minimal page', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page(`${view}&year=2008-2010&area=103.3,11.5,104.0,12.3`);
  const opener = page.getByRole('button', { name: 'Embed this map' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Embed this map' });
  await dialog.waitFor();
  assert.deepEqual(await axe_violations(page, ['#embed-dialog']), []);
  const code = await page.getByLabel('Embed code').inputValue();
  const src = code.match(/<iframe src="([^"]+)"/)?.[1]?.replace(/&amp;/g, '&');
  assert.ok(src, code);
  assert.match(code, /width="800" height="600"/);
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.waitForFunction(() => /Copied/.test(document.querySelector('#embed-dialog [role=status]').textContent), null, { timeout: 5000 });
  await shot(page, 'area-06-embed-dialog.png');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.ok(await opener.evaluate((el) => el === document.activeElement));

  const source_state = await page.evaluate(() => ({ ...window.concessions_page.state }));
  const count = await stat_count(page);
  const embedded = await context.newPage();
  await embedded.setViewportSize({ width: 800, height: 600 });
  await embedded.goto(src);
  await settled(embedded);
  const state = await embedded.evaluate(() => ({ ...window.concessions_page.state }));
  for (const key of ['layers', 'focus', 'year_from', 'year_to', 'area']) assert.deepEqual(state[key], source_state[key], key);
  assert.equal(state.view.zoom, source_state.view.zoom);
  const two_pixels = 2 * 360 / (256 * 2 ** state.view.zoom);  // Leaflet rounds the centre to whole pixels
  assert.ok(Math.abs(state.view.lat - source_state.view.lat) < two_pixels && Math.abs(state.view.lng - source_state.view.lng) < two_pixels,
    `embedded view ${JSON.stringify(state.view)}, page view ${JSON.stringify(source_state.view)}, src ${src}`);
  for (const hidden of ['#panel', '.topbar', '#search-input']) assert.equal(await embedded.locator(hidden).isVisible(), false, `${hidden} shows`);
  await embedded.waitForFunction(() => document.querySelectorAll('.embed-legend li').length >= 3);
  assert.match(await embedded.textContent('.embed-legend'), /Economic land concessions/);
  assert.match(await embedded.textContent('.leaflet-control-attribution'), /Open Development Cambodia/);
  const full = embedded.getByRole('link', { name: 'Open the full map' });
  const full_href = await full.getAttribute('href');
  assert.ok(!full_href.includes('embed=1') && full_href.includes('area=') && full_href.includes('year=2008-2010'), full_href);
  // The embedded page asks the same filtered question (its stats are not
  // shown, but its tiles are cut the same way).
  const shown = new Set((await tile_features(embedded, 'elc')).map((f) => f.id));
  assert.ok(shown.size > 0 && shown.size <= count, `${shown.size} drawn for ${count} matches`);
  await shot(embedded, 'area-07-embedded.png');
  await embedded.setViewportSize({ width: 375, height: 667 });
  await settled(embedded);
  await shot(embedded, 'area-08-embedded-phone.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the bad-area messages reach a client as 400s', { timeout: 30_000 }, async () => {
  const r = await fetch(new URL(`/collections/elc/items?intersects=${encodeURIComponent('POLYGON((104 12,105 13,105 12,104 13,104 12))')}`, ctx.base));
  assert.equal(r.status, 400);
  assert.match((await r.json()).description, /intersects .*Self-intersection/);
});
