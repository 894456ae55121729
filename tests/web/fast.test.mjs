// Issue 18, part 3: fast and honest on a slow phone. The first load's bytes,
// boundaries simplified for the zoom and loaded with the first tiles, the
// loading indicator, and every failure (tiles, boundaries, statistics, the
// server gone, a detail, a search) shown where it happened with a Retry that
// works. The Fast-3G timing is a benchmark, not a test: bench/web.
import http from 'node:http';
import { test, assert, ctx, api, watch, settled, shot, painted_pixels, tile_features, bbox_of, open_page, use_server_and_browser } from './harness.mjs';

use_server_and_browser();

const phone = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

// The body as sent (gzip when the server compresses), and its length.
function raw_get(pathname) {
  return new Promise((resolve, reject) => {
    http.get(new URL(pathname, ctx.base), { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode, bytes: Buffer.concat(chunks).length, encoding: r.headers['content-encoding'] }));
    }).on('error', reject);
  });
}

const vertices = (g) => (typeof g[0] === 'number' ? 1 : g.reduce((n, c) => n + vertices(c), 0));

// Transfer sizes (headers and compressed bodies) of the document and every
// response so far, and the requests' timings, from resource timing.
function transferred(page) {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const entries = performance.getEntriesByType('resource');
    return {
      bytes: nav.transferSize + entries.reduce((s, e) => s + (e.transferSize || 0), 0),
      requests: entries.map((e) => ({ url: e.name, start: e.startTime, end: e.responseEnd, bytes: e.transferSize })),
      marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])),
    };
  });
}

async function open_with(url, options = {}, before = null) {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const problems = watch(page);
  await page.addInitScript(() => performance.setResourceTimingBufferSize(2000));
  if (before) await before(page, context);
  await page.goto(`${ctx.base}/${url}`);
  return { context, page, problems };
}

const alerts = (page) => page.locator('[role="alert"]');

test('/provinces?zoom=8 is under 100 KB on the wire and keeps every province, its figures and its extent', { timeout: 60_000 }, async () => {
  const full = await api('/provinces');
  const simple = await api('/provinces?zoom=8');
  const wire = await raw_get('/provinces?zoom=8');
  const wire_full = await raw_get('/provinces');
  console.log(`# /provinces: ${(wire_full.bytes / 1024).toFixed(0)} KB on the wire, ${vertices(full.features.map((f) => f.geometry.coordinates))} vertices; ` +
    `?zoom=8: ${(wire.bytes / 1024).toFixed(1)} KB, ${vertices(simple.features.map((f) => f.geometry.coordinates))} vertices`);
  assert.equal(wire.status, 200);
  assert.ok(wire.bytes < 100 * 1024, `${wire.bytes} bytes`);
  assert.equal(simple.features.length, full.features.length);
  const tolerance = 360 / 256 / 2 ** 8 / 2;
  const rounding = 1e-4;  // 4 decimals at zoom 8
  const union = (boxes) => [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))];
  for (const [i, f] of full.features.entries()) {
    const s = simple.features[i];
    assert.equal(s.id, f.id);
    assert.deepEqual(s.properties, f.properties, `${f.properties.name}: figures changed`);
    assert.ok(vertices(s.geometry.coordinates) < vertices(f.geometry.coordinates), `${f.properties.name} not simplified`);
    // Nothing drawn outside the province (islets under the tolerance may go, so it can shrink).
    const a = bbox_of(f.geometry), b = bbox_of(s.geometry);
    assert.ok(b[0] >= a[0] - rounding && b[1] >= a[1] - rounding && b[2] <= a[2] + rounding && b[3] <= a[3] + rounding, `${f.properties.name}: ${a} -> ${b}`);
  }
  // The country's outline keeps its extent, to the tolerance, but for
  // islets smaller than the tolerance both ways (under half a pixel: left out).
  const parts = (g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).map((p) => bbox_of({ coordinates: p }));
  const drawable = full.features.flatMap((f) => parts(f.geometry)).filter((b) => b[2] - b[0] >= tolerance || b[3] - b[1] >= tolerance);
  const a = union(drawable), b = union(simple.features.map((f) => bbox_of(f.geometry)));
  for (let k = 0; k < 4; ++k) assert.ok(Math.abs(a[k] - b[k]) <= tolerance + rounding, `the country's extent moved: ${a} -> ${b}`);
  const bad = await raw_get('/provinces?zoom=99');
  assert.equal(bad.status, 400);
});

test('the first load is at most 350 KB, and the boundaries are asked for before the tiles', { timeout: 120_000 }, async () => {
  for (const [name, options] of [['desktop', {}], ['phone', phone]]) {
    const { context, page, problems } = await open_with('', options);
    await settled(page);
    await page.waitForFunction(() => document.body.dataset.boundaries);
    const t = await transferred(page);
    const provinces = t.requests.filter((r) => /\/provinces(\?|$)/.test(r.url));
    const tiles = t.requests.filter((r) => /\/tiles\/\d+\/\d+\/\d+/.test(r.url));
    console.log(`# ${name}: ${(t.bytes / 1024).toFixed(0)} KB in ${t.requests.length + 1} requests (no basemap: offline here); ` +
      `boundaries ${(provinces[0]?.bytes / 1024).toFixed(1)} KB; ${tiles.length} tiles; drawn ${t.marks['concessions-drawn']?.toFixed(0)} ms, outline ${t.marks['concessions-outline']?.toFixed(0)} ms`);
    assert.ok(t.bytes <= 350 * 1024, `${name}: ${t.bytes} bytes on the first load`);
    assert.equal(provinces.length, 1, `${name}: ${provinces.map((r) => r.url)}`);
    assert.match(provinces[0].url, /zoom=8\b/);
    assert.ok(tiles.length > 0);
    assert.ok(provinces[0].start <= Math.min(...tiles.map((r) => r.start)), `${name}: the boundaries were asked for after a tile`);
    // The outline is drawn: boundary pixels on the provinces' canvas.
    const outline = await page.evaluate(() => {
      const c = document.querySelector('.leaflet-provinces-pane canvas');
      if (!c) return 0;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n += 1;
      return n;
    });
    assert.ok(outline > 1000, `${name}: ${outline} outline pixels`);
    assert.deepEqual(problems, []);
    await shot(page, `fast-first-view-${name}.png`);
    await context.close();
  }
});

test('zooming in replaces the boundaries with finer ones', { timeout: 90_000 }, async () => {
  const { context, page } = await open_with('#map=12/11.56/104.92');
  await settled(page);
  await page.waitForFunction(() => document.body.dataset.boundaries === '14');
  await page.evaluate(() => window.concessions_page.map.setZoom(16));
  await page.waitForFunction(() => document.body.dataset.boundaries === 'Infinity', null, { timeout: 60_000 });
  const urls = (await transferred(page)).requests.map((r) => r.url).filter((u) => /\/provinces(\?|$)/.test(u));
  assert.ok(urls.some((u) => /zoom=14\b/.test(u)), urls.join(' '));
  assert.ok(urls.some((u) => /\/provinces$/.test(u)), urls.join(' '));
  assert.ok(!urls.some((u) => /zoom=8\b/.test(u)), 'a coarser set than the view needs was loaded');
  await context.close();
});

test('a loading indicator shows while tiles load, and goes', { timeout: 90_000 }, async () => {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const { context, page } = await open_with('', {}, (p) => p.route(/\/collections\/elc\/tiles\//, async (r) => { await held; await r.continue(); }));
  const indicator = page.locator('#map-loading');
  await page.waitForFunction(() => document.getElementById('map-loading').classList.contains('shown'));
  await page.waitForTimeout(700);  // past its delay
  assert.ok(await indicator.isVisible(), 'the indicator is not visible');
  assert.equal(await page.getAttribute('#map', 'aria-busy'), 'true');
  await shot(page, 'fast-loading.png');
  release();
  await settled(page);
  await page.waitForTimeout(400);
  assert.ok(!(await indicator.isVisible()), 'the indicator stays after loading');
  assert.equal(await page.getAttribute('#map', 'aria-busy'), 'false');
  await context.close();
});

test('failed tiles: an alert names the layer, Retry draws it', { timeout: 90_000 }, async () => {
  let fail = true;
  const { context, page } = await open_with('', {}, (p) => p.route(/\/collections\/mining\/tiles\//,
    (r) => (fail ? r.fulfill({ status: 500, contentType: 'application/json', body: '{"description":"test failure"}' }) : r.continue())));
  await settled(page);
  const alert = page.locator('[data-failure="tiles:mining"]');
  await alert.waitFor();
  assert.equal(await alert.getAttribute('role'), 'alert');
  assert.match(await alert.textContent(), /Mining concession licences.*500/);
  assert.equal((await tile_features(page, 'mining')).length, 0);
  await shot(page, 'fast-tiles-failed-desktop.png');
  fail = false;
  await alert.getByRole('button', { name: 'Retry' }).click();
  await settled(page);
  assert.equal(await alert.count(), 0, 'the alert stays after a successful retry');
  assert.ok((await tile_features(page, 'mining')).length > 0, 'no mining drawn after Retry');
  await context.close();
});

test('failed boundaries: an alert with Retry, and the basemap note says both failed', { timeout: 90_000 }, async () => {
  let fail = true;
  const { context, page } = await open_with('', {}, (p) => p.route(/\/provinces(\?|$)/,
    (r) => (fail ? r.fulfill({ status: 503, contentType: 'application/json', body: '{"description":"test failure"}' }) : r.continue())));
  await settled(page);
  const alert = page.locator('[data-failure="boundaries"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Province boundaries.*503/);
  // Offline here, the basemap fails too: its note must not promise provinces.
  await page.waitForFunction(() => /Neither the basemap nor the province boundaries/.test(document.querySelector('.basemap-offline')?.textContent ?? ''));
  await shot(page, 'fast-boundaries-failed-desktop.png');
  fail = false;
  await alert.getByRole('button', { name: 'Retry' }).click();
  await page.waitForFunction(() => document.body.dataset.boundaries === '8');
  assert.equal(await alert.count(), 0);
  await page.waitForFunction(() => /showing provinces on a plain background/.test(document.querySelector('.basemap-offline')?.textContent ?? ''));
  assert.ok(await page.locator('.province-label').count() > 0, 'no province labels after Retry');
  await context.close();
});

test('failed statistics: no stale figures, an alert in their place, Retry shows the API\'s', { timeout: 90_000 }, async () => {
  let fail = true;
  const { context, page } = await open_with('', {}, (p) => p.route(/\/collections\/elc\/stats\?.*group=company/,
    (r) => (fail ? r.fulfill({ status: 500, contentType: 'application/json', body: '{"description":"test failure"}' }) : r.continue())));
  await settled(page);
  const alert = page.locator('#stats [role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Statistics.*500/);
  assert.equal(await page.locator('#stat-count').count(), 0, 'figures shown beside the failure');
  assert.equal(await page.textContent('#sheet-summary'), '');
  await page.locator('#stats').scrollIntoViewIfNeeded();
  await shot(page, 'fast-stats-failed-desktop.png');
  fail = false;
  await alert.getByRole('button', { name: 'Retry' }).click();
  await page.waitForSelector('#stat-count');
  const expected = (await api('/collections/elc/stats?group=company')).numberMatched;
  assert.equal(Number(await page.getAttribute('#stat-count', 'data-value')), expected);
  assert.equal(await page.locator('#stats [role="alert"]').count(), 0);
  await context.close();
});

test('a failed detail and a failed search say so in their panel, and Retry shows them', { timeout: 90_000 }, async () => {
  let fail = true;
  const failing = (r) => (fail ? r.fulfill({ status: 500, contentType: 'application/json', body: '{"description":"test failure"}' }) : r.continue());
  const one = (await api('/collections/elc/items?limit=1&sortby=-area_ha')).features[0];
  const { context, page } = await open_with(`#sel=elc/${one.id}`, {}, async (p) => {
    await p.route(new RegExp(`/collections/elc/items/${one.id}(\\?|$)`), failing);
    await p.route(/\/collections\/[^/]+\/items\?.*q=/, failing);
  });
  const detail_alert = page.locator('#detail-body [role="alert"]');
  await detail_alert.waitFor();
  assert.match(await detail_alert.textContent(), /500/);
  fail = false;
  await detail_alert.getByRole('button', { name: 'Retry' }).click();
  const name = one.properties.Name;
  await page.waitForFunction((n) => !document.querySelector('#detail-body [role="alert"]') &&
    document.getElementById('detail-title').textContent.trim() === n, name);
  fail = true;
  await page.fill('#search-input', 'rubber');
  await page.press('#search-input', 'Enter');
  const search_alert = page.locator('#search-results [role="alert"]');
  await search_alert.waitFor();
  fail = false;
  await search_alert.getByRole('button', { name: 'Retry' }).click();
  await page.waitForFunction(() => !document.querySelector('#search-results [role="alert"]') &&
    document.querySelectorAll('#search-results a, #search-results button').length > 0);
  await context.close();
});

test('the server gone: one alert says so, in English and Khmer; Retry restores map, stats and list', { timeout: 150_000 }, async () => {
  for (const [lang, text, retry] of [['en', /server cannot be reached/, 'Retry'], ['km', /មិនអាចភ្ជាប់ទៅម៉ាស៊ីនមេ/, 'ព្យាយាមម្ដងទៀត']]) {
    for (const [name, options] of [['desktop', {}], ['phone', phone]]) {
      const { context, page } = await open_with(`#lang=${lang}`, options);
      await settled(page);
      let gone = true;
      await context.route((url) => url.href.startsWith(ctx.base), (r) => (gone ? r.abort('connectionrefused') : r.continue()));
      // A new filter: the concession tiles, statistics and list are asked for again.
      const year = await page.$eval('#year-from', (s) => [...s.options].map((o) => o.value).filter(Boolean)[3]);
      await page.evaluate((y) => { const s = document.getElementById('year-from'); s.value = y; s.dispatchEvent(new Event('change')); }, year);
      const alert = page.locator('[data-failure="server"]');
      await alert.waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => window.concessions_page.is_idle(), null, { timeout: 30_000 });
      assert.match(await alert.textContent(), text);
      assert.equal(await page.locator('#map-alerts [role="alert"]').count(), 1, 'one alert over the map, not one per layer');
      assert.equal(await page.locator('#stat-count').count(), 0, 'stale statistics stay');
      assert.equal(await page.locator('#list tbody tr').count(), 0, 'a stale list stays');
      await shot(page, `fast-server-gone-${name}-${lang}.png`);
      gone = false;
      await alert.getByRole('button', { name: retry }).click();
      await settled(page);
      await page.waitForSelector('#stat-count', { state: 'attached' });  // in the closed sheet on a phone
      assert.equal(await alerts(page).count(), 0, 'alerts stay after Retry');
      const expected = (await api(`/collections/elc/stats?group=company&datetime=${year}-01-01%2F..`)).numberMatched;
      assert.equal(Number(await page.getAttribute('#stat-count', 'data-value')), expected, 'stats after Retry');
      assert.ok((await painted_pixels(page)).painted > 500, 'nothing painted after Retry');
      assert.ok(await page.locator('#list tbody tr').count() > 0, 'no list after Retry');
      await context.close();
    }
  }
});

test('the server gone at start: an alert with Retry that reloads', { timeout: 60_000 }, async () => {
  let gone = true;
  const { context, page } = await open_with('', {}, (p, c) => c.route(/\/collections(\?|$)/, (r) => (gone ? r.abort('connectionrefused') : r.continue())));
  const alert = page.locator('.fatal[role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /server cannot be reached/);
  gone = false;
  await alert.getByRole('button', { name: 'Retry' }).click();
  await settled(page);
  assert.ok((await painted_pixels(page)).painted > 500);
  await context.close();
});
