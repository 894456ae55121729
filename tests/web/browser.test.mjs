// Browser tests of the bundled map page (issue 5), in Debian's headless
// Chromium driven by playwright-core, against `concessions serve` on the real
// Open Development Cambodia catalog (and, last, on the bundled sample).
// The environment they read is described in harness.mjs.
import fs from 'node:fs';
import { test, assert, ctx, start_server, api, watch, settled, shot, painted_pixels, tile_features, bbox_of, interior_point, open_page, catalog, use_server_and_browser } from './harness.mjs';

use_server_and_browser();

test('the page loads without errors and draws the concessions', { timeout: 90_000 }, async () => {
  const { context, page, problems } = await open_page();
  const drawn_ms = await page.evaluate(() => window.concessions_page.first_drawn_ms);
  console.log(`# first view drawn ${drawn_ms.toFixed(0)} ms after navigation`);
  const { tiles, painted } = await painted_pixels(page);
  assert.ok(tiles > 0, 'no concession tiles');
  assert.ok(painted > 2000, `only ${painted} painted pixels on ${tiles} concession tiles`);
  const features = await tile_features(page, 'elc');
  assert.ok(new Set(features.map((f) => f.id)).size > 100, `only ${features.length} ELC features in the tiles`);
  const all = await api('/collections/elc/items?limit=1');
  assert.equal(Number(await page.getAttribute('#stat-count', 'data-value')), all.numberMatched);
  assert.ok(await page.locator('#list tbody tr').count() > 0, 'the list is empty');
  await page.waitForFunction(() => document.querySelectorAll('.province-label').length > 0);  // boundaries loaded
  await shot(page, '01-first-view.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('choosing Koh Kong filters map, list, stats and URL, and a reload restores it', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page();
  const expected = (await api('/collections/elc/items?province=Koh%20Kong&limit=1')).numberMatched;
  const province = await api('/provinces/Koh%20Kong');
  const [w, s, e, n] = bbox_of(province.geometry);
  const before_zoom = await page.evaluate(() => window.concessions_page.map.getZoom());

  await page.selectOption('#province-select', { label: 'Koh Kong' });
  await settled(page);
  assert.match(page.url(), /[#&]province=Koh%20Kong(&|$)/);
  assert.equal(Number(await page.getAttribute('#stat-count', 'data-value')), expected, 'stats count');
  const rows = await page.locator('#list tbody tr td:nth-child(2)').allTextContents();
  assert.ok(rows.length > 0 && rows.length <= expected, `${rows.length} rows for ${expected} matches`);
  for (const r of rows) assert.match(r, /Koh Kong/);
  const view = await page.evaluate(() => { const m = window.concessions_page.map; const c = m.getCenter(); return { zoom: m.getZoom(), lat: c.lat, lng: c.lng }; });
  assert.ok(view.zoom > before_zoom, 'the map did not zoom to the province');
  assert.ok(view.lng > w && view.lng < e && view.lat > s && view.lat < n, 'the map is not centred on Koh Kong');
  const features = await tile_features(page, 'elc');
  assert.ok(features.length > 0, 'no ELC drawn in Koh Kong');
  for (const f of features) assert.match(String(f.provinces), /Koh Kong/, `feature ${f.id} (${f.provinces}) drawn outside the filter`);
  assert.ok((await painted_pixels(page)).painted > 500, 'nothing painted');
  await shot(page, '02-koh-kong.png');

  const url = page.url();
  await page.reload();
  await settled(page);
  assert.equal(page.url(), url);
  assert.equal(await page.$eval('#province-select', (el) => el.selectedOptions[0].textContent), 'Koh Kong');
  assert.equal(Number(await page.getAttribute('#stat-count', 'data-value')), expected, 'stats count after reload');
  assert.deepEqual(await page.locator('#list tbody tr td:nth-child(2)').allTextContents(), rows);
  const again = await page.evaluate(() => { const m = window.concessions_page.map; const c = m.getCenter(); return { zoom: m.getZoom(), lat: c.lat, lng: c.lng }; });
  assert.equal(again.zoom, view.zoom);
  assert.ok(Math.abs(again.lat - view.lat) < 1e-3 && Math.abs(again.lng - view.lng) < 1e-3, 'view not restored');
  await shot(page, '03-koh-kong-reloaded.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('searching "Hoang Anh" lists it and zooms to it; clicking it shows company and hectares', { timeout: 90_000 }, async () => {
  const { context, page, problems } = await open_page();
  const hits = await api('/collections/elc/items?q=Hoang%20Anh&limit=100');
  assert.ok(hits.numberMatched >= 1);
  const target = hits.features[0];
  await page.fill('#search-input', 'Hoang Anh');
  await page.press('#search-input', 'Enter');
  await page.waitForSelector('.search-hit');
  await settled(page);
  const listed = await page.locator('.search-hit .hit-name').allTextContents();
  assert.ok(listed.some((t) => /Hoang Anh/i.test(t)), `results: ${listed.join(' | ')}`);
  assert.match(page.url(), /[#&]q=Hoang%20Anh(&|$)/);
  const [w, s, e, n] = bbox_of(target.geometry);
  const view = await page.evaluate(() => { const m = window.concessions_page.map; const b = m.getBounds(); return { zoom: m.getZoom(), b: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] }; });
  assert.ok(view.zoom >= 9, `zoom ${view.zoom} after the search`);
  assert.ok(view.b[0] <= w && view.b[1] <= s && view.b[2] >= e && view.b[3] >= n, 'the hit is not in view');
  await shot(page, '04-search-hoang-anh.png');

  await page.locator('.search-hit', { hasText: target.properties.Name }).first().click();
  await page.waitForSelector('#detail:not([hidden]) #detail-company');
  await settled(page);
  assert.equal(await page.textContent('#detail-company dd'), target.properties.Name);
  const area = Math.round(target.properties.area_ha).toLocaleString('en-GB');
  assert.match(await page.textContent('#detail-area dd'), new RegExp(area.replace(/,/g, ',')));
  assert.match(page.url(), new RegExp(`[#&]sel=elc/${target.id}(&|$)`));
  await shot(page, '05-search-detail.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('clicking a concession on the map highlights it and shows its company and hectares', { timeout: 90_000 }, async () => {
  const hits = await api('/collections/elc/items?q=Hoang%20Anh&limit=1');
  const target = hits.features[0];
  const point = interior_point(target.geometry);
  const { context, page, problems } = await open_page(`#map=11/${point.lat}/${point.lng}&layers=elc`);
  const xy = await page.evaluate(({ lat, lng }) => window.concessions_page.map.latLngToContainerPoint([lat, lng]), point);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + xy.x, box.y + xy.y);
  await page.waitForSelector('#detail:not([hidden]) #detail-company');
  await settled(page);
  assert.equal(await page.textContent('#detail-company dd'), target.properties.Name);
  assert.match(await page.textContent('#detail-area dd'), new RegExp(Math.round(target.properties.area_ha).toLocaleString('en-GB')));
  assert.match(await page.textContent('#detail-declared dd'), new RegExp(Math.round(target.properties.Hectares).toLocaleString('en-GB')));
  const shares = await page.locator('#detail .shares li').allTextContents();
  for (const p of target.properties.provinces_1) assert.ok(shares.some((s) => s.includes(p.name)), `province ${p.name} missing`);
  const highlighted = await page.evaluate(() => window.concessions_page.layers.get('elc')._highlight);
  assert.equal(highlighted, target.id);
  await shot(page, '06-map-click-detail.png');
  await page.keyboard.press('Escape');
  assert.equal(await page.isHidden('#detail'), true, 'Escape did not close the detail');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the download button yields GeoJSON with the filtered count', { timeout: 90_000 }, async () => {
  const expected = (await api('/collections/elc/items?province=Koh%20Kong&limit=1')).numberMatched;
  const { context, page, problems } = await open_page('#province=Koh%20Kong');
  await page.selectOption('#download-format', 'geojson');
  const elc = (await api('/collections/elc'));
  assert.match(await page.innerText('#download-what'), new RegExp(`^${elc.title}: .*\\(${expected} features\\)`), 'the download does not say which layer');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-link')]);
  assert.match(download.suggestedFilename(), /koh-kong.*\.geojson$/);
  const doc = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(doc.type, 'FeatureCollection');
  assert.equal(doc.features.length, expected);
  for (const f of doc.features) assert.ok(f.properties.provinces_1.some((p) => p.name === 'Koh Kong'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('crop class, investor country and contract year filter like the API; the list sorts', { timeout: 90_000 }, async () => {
  const { context, page, problems } = await open_page();
  await page.waitForFunction(() => document.querySelectorAll('#purpose-select option').length > 2 &&
    document.querySelectorAll('#country-select option').length > 2 && document.querySelectorAll('#year-from option').length > 2);
  await page.selectOption('#purpose-select', 'Rubber');
  await settled(page);
  const rubber = (await api('/collections/elc/items?purpose_class=Rubber&limit=1')).numberMatched;
  assert.equal(Number(await page.getAttribute('#stat-count', 'data-value')), rubber);
  await page.selectOption('#country-select', 'Vietnamese');
  await page.selectOption('#year-from', '2008');
  await page.selectOption('#year-to', '2011');
  await settled(page);
  const all = (await api('/collections/elc/items?purpose_class=Rubber&Nation=Vietnamese&datetime=2008-01-01/2011-12-31&limit=1')).numberMatched;
  assert.ok(all > 0 && all < rubber, `${all} of ${rubber}`);
  assert.equal(Number(await page.getAttribute('#stat-count', 'data-value')), all);
  assert.match(page.url(), /crop=Rubber/);
  assert.match(page.url(), /country=Vietnamese/);
  assert.match(page.url(), /year=2008-2011/);
  for (const f of await tile_features(page, 'elc')) assert.match(String(f.purpose), /\brubber/i, `feature ${f.id} (${f.purpose}) drawn`);

  await page.click('#clear-filters');
  await settled(page);
  const areas = async () => (await page.locator('#list tbody td:nth-child(3)').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
  const descending = await areas();
  assert.ok(descending.length > 3 && descending.every((v, i) => i === 0 || v <= descending[i - 1]), `not largest first: ${descending}`);
  await page.click('#list th[data-sort="area_ha"] button');
  await settled(page);
  const ascending = await areas();
  assert.ok(ascending.every((v, i) => i === 0 || v >= ascending[i - 1]), `not smallest first: ${ascending}`);
  assert.equal(await page.getAttribute('#list th[data-sort="area_ha"]', 'aria-sort'), 'ascending');
  assert.match(page.url(), /sort=area_ha/);
  await shot(page, '06b-filters-sorted.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('context layers stay whole under every filter; concession layers narrow', { timeout: 120_000 }, async () => {
  const collections = (await api('/collections')).collections;
  assert.equal(collections.find((c) => c.id === 'protected-areas')?.kind, 'context');
  assert.equal(collections.find((c) => c.id === 'elc')?.kind, 'concession');
  const view = '#map=8/12.6/104.9&layers=elc,protected-areas&focus=elc';
  const ids = async (page, id) => new Set((await tile_features(page, id)).map((f) => f.id));
  const plain = await open_page(view);
  const areas = await ids(plain.page, 'protected-areas');
  const elc = await ids(plain.page, 'elc');
  assert.ok(areas.size > 0 && elc.size > 0, `${areas.size} protected areas and ${elc.size} ELCs drawn without filters`);
  await plain.context.close();

  // A contract-year range and a text search: ELCs narrow, protected areas do not.
  const filtered = await open_page(`${view}&year=2008-2011&q=rubber`);
  const narrowed = await ids(filtered.page, 'elc');
  assert.ok(narrowed.size > 0 && narrowed.size < elc.size, `${narrowed.size} of ${elc.size} ELCs under the filters`);
  assert.deepEqual([...await ids(filtered.page, 'protected-areas')].sort(), [...areas].sort(), 'protected areas changed under the filters');
  // Chosen for the statistics, a context layer keeps its one colour (no crop colours).
  await filtered.page.selectOption('#focus-select', 'protected-areas');
  await settled(filtered.page);
  const fills = await filtered.page.evaluate(() => {
    const layer = window.concessions_page.layers.get('protected-areas');
    const out = new Set();
    for (const key in layer._tiles) for (const f of layer._tiles[key].el._features ?? []) out.add(layer._style(f.properties, false, 8).fill);
    return [...out];
  });
  assert.deepEqual(fills, [collections.find((c) => c.id === 'protected-areas').color], `protected areas drawn in ${fills}`);
  assert.equal(await filtered.page.isVisible('#purpose-legend'), false, 'a crop legend for protected areas');
  await shot(filtered.page, '06c-context-layers-stay.png');
  assert.deepEqual(filtered.problems, []);
  await filtered.context.close();
});

test('the map credits each layer shown: publisher, licence and data date from the catalog', { timeout: 90_000 }, async () => {
  const collections = (await api('/collections')).collections;
  const elc = collections.find((c) => c.id === 'elc');
  const areas = collections.find((c) => c.id === 'protected-areas');
  for (const c of [elc, areas]) assert.ok(c.attribution && c.license && c.as_of, `${c.id} has no provenance`);
  assert.ok(elc.links.some((l) => l.rel === 'describedby'), 'no describedby link');
  const { context, page, problems } = await open_page('#layers=elc');
  const credits = () => page.locator('.leaflet-control-attribution').innerText();
  let text = await credits();
  for (const part of [elc.attribution, elc.license, elc.as_of]) assert.ok(text.includes(part), `"${part}" not in the credit line: ${text}`);
  assert.ok(!text.includes(areas.attribution), 'a hidden layer is credited');
  await page.check('#layer-protected-areas');
  await settled(page);
  await page.waitForFunction((who) => document.querySelector('.leaflet-control-attribution').innerText.includes(who), areas.attribution);
  text = await credits();
  assert.ok(text.includes(areas.as_of), `the protected areas' date is not in the credit line: ${text}`);
  await page.click('.lang-switch button[data-lang="km"]');
  await page.waitForFunction(() => document.querySelector('.leaflet-control-attribution').innerText.includes('គិតត្រឹម'));
  await shot(page, '06d-credit-line-km.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the detail shows a concession\'s term and end year where the source has a duration', { timeout: 90_000 }, async () => {
  const all = (await api('/collections/elc/items?limit=10000')).features;
  const f = all.find((x) => x.properties.Duration > 0 && x.properties.contract_date);
  assert.ok(f, 'no ELC with a duration and a contract date');
  const end = Number(f.properties.contract_date.slice(0, 4)) + f.properties.Duration;
  const { context, page, problems } = await open_page(`#sel=elc/${f.id}`);
  await page.waitForSelector('#detail-term');
  assert.match(await page.innerText('#detail-term'), new RegExp(`${f.properties.Duration} years, to ${end}`));
  const unknown = all.find((x) => x.properties.Duration === 0);
  await page.goto(`${ctx.base}/#sel=elc/${unknown.id}`);
  await page.reload();
  await settled(page);
  await page.waitForSelector('#detail-company');
  assert.equal(await page.locator('#detail-term').count(), 0, 'a term of 0 years (unknown) was shown');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the keyboard reaches search, results and detail', { timeout: 60_000 }, async () => {
  const { context, page, problems } = await open_page();
  await page.keyboard.press('Tab');  // skip link
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input');
  await page.keyboard.type('Hoang Anh');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.search-hit');
  await page.keyboard.press('Tab');  // the Search button
  await page.keyboard.press('Tab');  // the first result
  assert.equal(await page.evaluate(() => document.activeElement.className), 'search-hit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#detail:not([hidden]) #detail-company');
  assert.ok(await page.evaluate(() => document.getElementById('detail').contains(document.activeElement)), 'focus did not move to the detail');
  await page.keyboard.press('Escape');
  assert.equal(await page.isHidden('#detail'), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('at 375x667 the map and the controls are usable', { timeout: 120_000 }, async () => {
  // After the province filter below, tap the largest concession in it.
  const largest = await api('/collections/elc/items?province=Koh%20Kong&sortby=-area_ha&limit=1');
  const point = interior_point(largest.features[0].geometry);
  const { context, page, problems } = await open_page('', { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375, 'the page scrolls sideways');
  const map_box = await page.locator('#map').boundingBox();
  assert.ok(map_box.width >= 374 && map_box.height >= 400, `map is ${map_box.width}x${map_box.height}`);
  assert.ok((await painted_pixels(page)).painted > 1000, 'nothing painted on the phone');
  for (const selector of ['#search-input', '#panel-toggle', '.leaflet-control-zoom-in', '.lang-switch button[data-lang="km"]']) {
    const b = await page.locator(selector).boundingBox();
    assert.ok(b && b.x >= 0 && b.y >= 0 && b.x + b.width <= 375 && b.y + b.height <= 667, `${selector} is off screen`);
    assert.ok(b.height >= 28, `${selector} is ${b.height}px high: too small to tap`);
  }
  await shot(page, '07-phone.png');

  const zoom = await page.evaluate(() => window.concessions_page.map.getZoom());
  await page.tap('.leaflet-control-zoom-in');
  await settled(page);
  assert.equal(await page.evaluate(() => window.concessions_page.map.getZoom()), zoom + 1);

  await page.tap('#panel-toggle');
  const panel = await page.locator('#panel').boundingBox();
  assert.ok(panel && panel.y >= 0 && panel.y + panel.height <= 667 + 1 && panel.width <= 375, 'the panel does not fit');
  await page.selectOption('#province-select', { label: 'Koh Kong' });
  await settled(page);
  const expected = (await api('/collections/elc/items?province=Koh%20Kong&limit=1')).numberMatched;
  assert.equal(Number(await page.getAttribute('#stat-count', 'data-value')), expected);
  await shot(page, '08-phone-panel.png');
  await page.tap('#panel .close');
  assert.equal(await page.isVisible('#panel'), false, 'the panel did not close');

  await page.evaluate(({ lat, lng }) => window.concessions_page.map.setView([lat, lng], 11, { animate: false }), point);
  await settled(page);
  const xy = await page.evaluate(({ lat, lng }) => window.concessions_page.map.latLngToContainerPoint([lat, lng]), point);
  const box = await page.locator('#map').boundingBox();
  await page.tap('#map', { position: { x: xy.x, y: xy.y } });
  await page.waitForSelector('#detail:not([hidden]) #detail-company');
  const detail = await page.locator('#detail').boundingBox();
  assert.ok(detail.y >= box.y && detail.y + detail.height <= 667 + 1, 'the detail does not fit');
  assert.ok(await page.locator('#detail .close').isVisible());
  await shot(page, '09-phone-detail.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Khmer switch translates the page and is kept in the URL', { timeout: 60_000 }, async () => {
  const { context, page, problems } = await open_page('#province=Koh%20Kong');
  await page.click('.lang-switch button[data-lang="km"]');
  await settled(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'km');
  assert.equal(await page.textContent('#page-title'), 'សម្បទានដីនៅកម្ពុជា');
  assert.equal(await page.$eval('#province-select', (el) => el.selectedOptions[0].textContent), 'កោះកុង');
  assert.match(page.url(), /[#&]lang=km(&|$)/);
  await shot(page, '10-khmer.png');
  await page.reload();
  await settled(page);
  assert.equal(await page.textContent('#page-title'), 'សម្បទានដីនៅកម្ពុជា');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the bundled sample is labelled as such', { timeout: 200_000, skip: Boolean(process.env.CONCESSIONS_TEST_URL) }, async () => {
  const sample = await start_server([]);
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(`${sample.url}/`);
  await settled(page);
  assert.ok(await page.isVisible('#sample-notice'), 'no sample notice');
  assert.match(await page.textContent('#sample-notice'), /synthetic/i);
  assert.ok((await painted_pixels(page)).painted > 1000, 'the sample is not drawn');
  await shot(page, '11-sample.png');
  assert.deepEqual(problems, []);
  await context.close();
});
