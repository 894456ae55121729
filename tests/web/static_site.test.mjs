// Issue 14: the folder `concessions export --site` writes is a complete
// published map. The bundled sample is exported, served from a sub-path by
// nginx (a plain static server with byte serving, as object storage or a CDN
// would be) and opened in headless Chromium at desktop and phone sizes. The
// export's own GeoJSON download is the oracle for what must be drawn. The
// basemap's host is unreachable, as it would be offline.
//
// It does not use harness.mjs, which skips without the real layers: the
// sample needs none, so only the last test (the real ODC catalog) can skip.
// Environment, as ctest sets it (defaults relative to this file):
//   CONCESSIONS_BINARY, CONCESSIONS_SOURCE_DIR, CONCESSIONS_SCREENSHOTS, CHROMIUM,
//   CONCESSIONS_SHARED_DATA (else CONCESSIONS_SHARED_DATA_DEFAULT, else ../shared/data)
// Needs nginx (exit 77, skipped, without it).
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bbox_of, interior_lon_lat } from './geometry.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const source_dir = process.env.CONCESSIONS_SOURCE_DIR || path.resolve(here, '../..');
const binary = process.env.CONCESSIONS_BINARY || path.join(source_dir, 'build/server/concessions');
const screenshots = process.env.CONCESSIONS_SCREENSHOTS || path.join(source_dir, 'build/web-screenshots');
const chromium_path = process.env.CHROMIUM || '/usr/bin/chromium';
const shared = process.env.CONCESSIONS_SHARED_DATA || process.env.CONCESSIONS_SHARED_DATA_DEFAULT ||
  path.resolve(source_dir, '../shared/data');
const sample = path.join(source_dir, 'data/sample/synthetic_concessions.shp');
const sample_provinces = path.join(source_dir, 'data/sample/synthetic_provinces.shp');
const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'].find((p) => fs.existsSync(p));

if (!nginx) {
  console.log('SKIPPED: nginx is not installed (Debian package nginx; scripts/setup installs it): the static site needs a server with byte serving');
  process.exit(77);
}
for (const [what, file, fix] of [
  ['Chromium', chromium_path, 'run scripts/setup (apt package chromium)'],
  ['playwright-core', path.join(source_dir, 'web/node_modules/playwright-core'), 'run scripts/setup (npm ci --prefix web)'],
  ['the server', binary, 'build it first (scripts/build)'],
]) {
  if (!fs.existsSync(file)) { console.error(`${what} is missing at ${file}: ${fix}`); process.exit(1); }
}

const { test, before, after } = await import('node:test');
const assert = (await import('node:assert/strict')).default;
const { chromium } = createRequire(path.join(source_dir, 'web/package.json'))('playwright-core');

// WebGL without a GPU: SwiftShader, which Chromium only allows when asked.
const chromium_args = ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const basemap_host = 'tile.openstreetmap.org';
const desktop = { viewport: { width: 1366, height: 768 } };
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'concessions-static-site-'));
const www = path.join(work, 'www');  // nginx's root; each site sits in a sub-folder
const ctx = { base: '', browser: null, nginx: null };
fs.mkdirSync(screenshots, { recursive: true });

// ----- export and static server -------------------------------------------

// `concessions export --site` into www/<folder>; returns the folder.
function export_site(folder, sources, extra = [], env = {}) {
  const out = path.join(www, folder);
  fs.mkdirSync(path.dirname(out), { recursive: true });  // export makes the last folder only
  const args = ['export', '--site', '--quiet', '--store-dir', 'none', ...extra, ...sources, out];
  const run = spawnSync(binary, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, `concessions ${args.join(' ')} failed (${run.status ?? run.signal}):\n${run.stderr}${run.stdout}`);
  return out;
}

function export_sample(folder, extra = []) {
  return export_site(folder, [sample, '--provinces', sample_provinces], ['--maxzoom', '10', ...extra]);
}

function free_port() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// nginx in the foreground, one process, everything under `dir`; types as a
// static host would send them.
function nginx_config(dir, port) {
  return `daemon off; master_process off; worker_processes 1;
pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  types { text/html html; application/javascript js; text/css css; application/json json;
          application/geo+json geojson; application/vnd.pmtiles pmtiles; }
  server { listen 127.0.0.1:${port}; root ${www}; }
}
`;
}

async function answers(url, child) {
  for (let i = 0; i < 100 && child.exitCode === null; ++i) {
    try {
      await fetch(url);
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

// Starts nginx on a free loopback port (again on another if one was taken
// meanwhile); returns its child process and base URL.
async function start_nginx() {
  const dir = path.join(work, 'nginx');
  fs.mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 5; ++attempt) {
    const port = await free_port();
    fs.writeFileSync(path.join(dir, 'nginx.conf'), nginx_config(dir, port));
    const child = spawn(nginx, ['-e', path.join(dir, 'error.log'), '-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    if (await answers(`${base}/`, child)) return { child, base };
    await stop(child);
  }
  throw new Error(`nginx did not start:\n${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
}

function stop(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

before(async () => {
  export_sample('maps/sample');
  ctx.nginx = await start_nginx();
  ctx.browser = await chromium.launch({ executablePath: chromium_path, headless: true, args: chromium_args });
  console.log(`# nginx ${ctx.base = ctx.nginx.base}, Chromium ${ctx.browser.version()}, screenshots in ${screenshots}`);
}, { timeout: 120_000 });

after(async () => {
  await ctx.browser?.close();
  await stop(ctx.nginx?.child);
  fs.rmSync(work, { recursive: true, force: true });
});

// ----- the page --------------------------------------------------------------

// Console errors, page errors, failed requests and HTTP errors, except the
// basemap's (unreachable here, on purpose).
function watch(page) {
  const problems = [];
  const basemap = (url) => url.includes(`//${basemap_host}/`);
  page.on('console', (m) => { if (m.type() === 'error' && !basemap(m.location().url ?? '')) problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
  page.on('requestfailed', (r) => {
    if (!basemap(r.url()) && r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return problems;
}

// The answers to the archive's requests: status and the Range asked for.
function watch_archive(page) {
  const answers = [];
  page.on('response', (r) => {
    if (r.url().endsWith('/concessions.pmtiles')) answers.push({ status: r.status(), range: r.request().headers().range });
  });
  return answers;
}

// Everything loaded and the map at rest, twice 300 ms apart.
async function settled(page) {
  const at_rest = () => page.evaluate(() => {
    const m = window.concessionsMap;
    return m.loaded() && m.areTilesLoaded() && !m.isMoving();
  });
  for (let i = 0; i < 100; ++i) {
    if (await at_rest()) {
      await page.waitForTimeout(300);
      if (await at_rest()) return;
    }
    await page.waitForTimeout(100);
  }
  throw new Error('the map never came to rest');
}

// Opens the site at `folder` (a path under nginx's root, ending in /);
// `routes` runs first, to break what a test wants broken.
async function open_site(folder, options, routes = async () => {}) {
  const context = await ctx.browser.newContext(options);
  const page = await context.newPage();
  await page.route(`https://${basemap_host}/**`, (r) => r.abort('internetdisconnected'));
  await routes(page);
  const problems = watch(page);
  const archive = watch_archive(page);
  await page.goto(`${ctx.base}/${folder}`);
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 60_000 });
  return { context, page, problems, archive };
}

async function open_map(folder, options) {
  const opened = await open_site(folder, options);
  const alert = await opened.page.textContent('#site-alert');
  assert.equal(await opened.page.evaluate(() => document.body.dataset.state), 'ready', `the page shows an alert: ${alert}`);
  await settled(opened.page);
  return opened;
}

// Distinct ids of the rendered features, per collection (MVT layer), and
// the MapLibre layers that drew them.
function rendered(page) {
  return page.evaluate(() => {
    const out = {};
    for (const f of window.concessionsMap.queryRenderedFeatures()) {
      const c = (out[f.sourceLayer] ??= { ids: new Set(), layers: new Set() });
      c.ids.add(f.id);
      c.layers.add(f.layer.id);
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { ids: [...v.ids], layers: [...v.layers] }]));
  });
}

const count_rendered = async (page, id) => (await rendered(page))[id]?.ids.length ?? 0;

function map_bounds(page) {
  return page.evaluate(() => window.concessionsMap.getBounds().toArray().flat());
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(screenshots, name) });
}

// axe-core's violations on the whole page, one line each.
async function axe_violations(page) {
  await page.evaluate(fs.readFileSync(path.join(source_dir, 'web/node_modules/axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  assert.ok(result.passes.length > 20, `axe-core ran only ${result.passes.length} rules`);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(' | ')}`);
}

// ----- the oracle: the site's GeoJSON downloads ------------------------------

function read_json(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// The ids of features wholly inside `view` (they must be drawn) and of those
// whose box meets it (nothing else may be).
function in_view(features, view) {
  const inside = [], meeting = [];
  for (const f of features.filter((x) => x.geometry)) {
    const b = bbox_of(f.geometry);
    if (b[0] >= view[0] && b[1] >= view[1] && b[2] <= view[2] && b[3] <= view[3]) inside.push(f.id);
    if (b[2] >= view[0] && b[3] >= view[1] && b[0] <= view[2] && b[1] <= view[3]) meeting.push(f.id);
  }
  return { inside, meeting };
}

function assert_drawn_as_in_view(ids, features, view, what) {
  const { inside, meeting } = in_view(features, view);
  const drawn = new Set(ids);
  assert.deepEqual(inside.filter((id) => !drawn.has(id)), [], `${what}: features wholly in view are not drawn`);
  const allowed = new Set(meeting);
  assert.deepEqual(ids.filter((id) => !allowed.has(id)), [], `${what}: features drawn that are not in view`);
  return { inside: inside.length, meeting: meeting.length };
}


// The largest polygon of a download, by its area_ha.
function largest_polygon(features) {
  return features.filter((f) => /Polygon/.test(f.geometry?.type ?? '')).reduce((a, f) => (f.properties.area_ha > a.properties.area_ha ? f : a));
}

// Clicks (or taps) the map at `lnglat`; returns the names in the popup.
async function popup_names_at(page, lnglat, tap = false) {
  const box = await page.locator('#map').boundingBox();
  const p = await page.evaluate((ll) => window.concessionsMap.project(ll), lnglat);
  if (tap) await page.touchscreen.tap(box.x + p.x, box.y + p.y);
  else await page.mouse.click(box.x + p.x, box.y + p.y);
  await page.locator('.maplibregl-popup .feature-name').first().waitFor();
  return page.locator('.maplibregl-popup .feature-name').allTextContents();
}

// ----- tests -----------------------------------------------------------------

const sample_dir = () => path.join(www, 'maps/sample');

test('the export holds the page, the archive, the downloads and the libraries, and the page is the one in web/static', () => {
  const dir = sample_dir();
  for (const f of ['index.html', 'site.js', 'site.css', 'site.json', 'concessions.pmtiles', 'vendor/maplibre-gl.js', 'vendor/maplibre-gl.css', 'vendor/pmtiles.js'])
    assert.ok(fs.statSync(path.join(dir, f)).size > 0, `${f} is empty`);
  for (const f of ['index.html', 'site.js', 'site.css'])
    assert.equal(fs.readFileSync(path.join(dir, f), 'utf8'), fs.readFileSync(path.join(source_dir, 'web/static', f), 'utf8'),
      `${f} differs from web/static/${f}: rebuild the binary (cmake --build build --target concessions)`);
  const site = read_json(path.join(dir, 'site.json'));
  assert.deepEqual(site.layers.map((l) => l.id), ['synthetic-concessions']);
  assert.equal(site.filters, '');
  for (const l of site.layers) assert.equal(read_json(path.join(dir, l.download)).type, 'FeatureCollection');
});

test('desktop (1366x768): the sample is drawn from the archive by Range requests, as the download says, with title, credits, popups, layer switches and download links; axe finds nothing', { timeout: 180_000 }, async () => {
  const site = read_json(path.join(sample_dir(), 'site.json'));
  const features = read_json(path.join(sample_dir(), site.layers[0].download)).features;
  const id = site.layers[0].id;
  const { context, page, problems, archive } = await open_map('maps/sample/', desktop);

  // Title, credits and version; no alert, no filter note.
  assert.equal(await page.textContent('h1'), site.title);
  assert.match(await page.textContent('#site-credits'), new RegExp(`Data from .*Data version ${site.version}`));
  assert.equal(await page.isVisible('#site-alert'), false);
  assert.equal(await page.isVisible('#site-filter'), false);

  // Fitted to the data: every feature with a geometry is drawn, by the fill.
  const fitted = (await rendered(page))[id];
  assert.ok(fitted, `nothing of ${id} is drawn`);
  assert.deepEqual(fitted.ids.sort((a, b) => a - b), features.filter((f) => f.geometry).map((f) => f.id).sort((a, b) => a - b),
    'the fitted view does not draw exactly the download\'s features');
  assert.ok(fitted.layers.includes(`${id}-fill`), `drawn by ${fitted.layers}`);
  await shot(page, 'static-site-01-desktop.png');

  // At zoom 9 on a part of it: what is wholly in view is drawn, nothing else.
  await page.evaluate((c) => window.concessionsMap.jumpTo({ center: c, zoom: 9 }), site.center.slice(0, 2));
  await settled(page);
  const z9 = await rendered(page);
  const counts = assert_drawn_as_in_view(z9[id]?.ids ?? [], features, await map_bounds(page), 'zoom 9');
  console.log(`# zoom 9: ${z9[id].ids.length} drawn, ${counts.inside} wholly in view, ${counts.meeting} meeting it`);
  assert.ok(counts.inside > 10, `only ${counts.inside} features wholly in view at zoom 9`);

  // Byte serving: every answer for the archive was partial content.
  assert.ok(archive.length >= 2, `${archive.length} requests for the archive`);
  assert.deepEqual(archive.filter((a) => a.status !== 206 || !/^bytes=\d+-\d+$/.test(a.range ?? '')), [], 'archive requests answered without a range');

  // A click on the largest concession names it in a popup.
  const largest = largest_polygon(features);
  const at = interior_lon_lat(largest.geometry);
  await page.evaluate((c) => window.concessionsMap.jumpTo({ center: c, zoom: 10 }), at);
  await settled(page);
  const names = await popup_names_at(page, at);
  assert.ok(names.includes(largest.properties.Name), `the popup shows ${JSON.stringify(names)}, not ${largest.properties.Name}`);
  const details = await page.locator('.maplibregl-popup .feature').first().textContent();
  assert.match(details, /hectares/);
  await shot(page, 'static-site-02-desktop-popup.png');
  assert.deepEqual(await axe_violations(page), [], 'axe-core (with the popup open)');

  // Hiding the layer removes its features; showing it again brings them back.
  const shown = await count_rendered(page, id);
  await page.getByRole('checkbox', { name: site.layers[0].title }).uncheck();
  await settled(page);
  assert.equal(await count_rendered(page, id), 0, 'a hidden layer is still drawn');
  await page.getByRole('checkbox', { name: site.layers[0].title }).check();
  await settled(page);
  assert.equal(await count_rendered(page, id), shown);

  // The download links resolve to the GeoJSON beside the page.
  const links = await page.locator('.layer-list a.download').evaluateAll((as) => as.map((a) => a.href));
  assert.equal(links.length, site.layers.length);
  for (const href of links) {
    const r = await fetch(href);
    assert.equal(r.status, 200, href);
    const doc = await r.json();
    assert.equal(doc.features.length, features.length, href);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('phone (390x844): the layer list starts closed and opens; the map draws every polygon in view; a tap shows a popup; axe finds nothing', { timeout: 180_000 }, async () => {
  const site = read_json(path.join(sample_dir(), 'site.json'));
  const features = read_json(path.join(sample_dir(), site.layers[0].download)).features;
  const id = site.layers[0].id;
  const { context, page, problems } = await open_map('maps/sample/', phone);
  const toggle = page.getByRole('button', { name: 'Layers', exact: true });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'the layer list covers the phone map at first');
  const drawn = (await rendered(page))[id]?.ids ?? [];
  const counts = assert_drawn_as_in_view(drawn, features, await map_bounds(page), 'phone');
  assert.ok(counts.inside > 0, 'no feature wholly in view on the phone');
  await shot(page, 'static-site-03-phone.png');
  assert.deepEqual(await axe_violations(page), [], 'axe-core (phone)');

  await toggle.tap();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok(await page.getByRole('checkbox', { name: site.layers[0].title }).isVisible());
  await shot(page, 'static-site-04-phone-layers.png');
  await toggle.tap();

  const largest = largest_polygon(features);
  const at = interior_lon_lat(largest.geometry);
  await page.evaluate((c) => window.concessionsMap.jumpTo({ center: c, zoom: 10 }), at);
  await settled(page);
  const names = await popup_names_at(page, at, true);
  assert.ok(names.includes(largest.properties.Name), `the popup shows ${JSON.stringify(names)}`);
  await shot(page, 'static-site-05-phone-popup.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an export made with a filter says so and draws only what the filter selected', { timeout: 120_000 }, async () => {
  const dir = export_sample('maps/kratie-like', ['--province', 'Synthetic Province C']);
  const site = read_json(path.join(dir, 'site.json'));
  assert.equal(site.filters, 'province=Synthetic%20Province%20C');
  const features = read_json(path.join(dir, site.layers[0].download)).features;
  const { context, page, problems } = await open_map('maps/kratie-like/', desktop);
  assert.match(await page.textContent('#site-filter'), /province = Synthetic Province C/);
  const drawn = (await rendered(page))[site.layers[0].id]?.ids ?? [];
  assert.deepEqual(drawn.sort((a, b) => a - b), features.filter((f) => f.geometry).map((f) => f.id).sort((a, b) => a - b));
  await shot(page, 'static-site-06-filtered.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('failures are shown, not silent: site.json missing, the archive missing, a server without byte serving', { timeout: 120_000 }, async () => {
  const archive = fs.readFileSync(path.join(sample_dir(), 'concessions.pmtiles'));
  const cases = [
    ['site.json missing', '**/site.json', (r) => r.fulfill({ status: 404, body: 'not found' }), /site\.json.*404/],
    ['archive missing', '**/concessions.pmtiles', (r) => r.fulfill({ status: 404, body: 'not found' }), /concessions\.pmtiles.*404/],
    ['no byte serving', '**/concessions.pmtiles', (r) => r.fulfill({ status: 200, body: archive, contentType: 'application/octet-stream' }), /Byte Serving/],
  ];
  for (const [what, pattern, handler, message] of cases) {
    const { context, page } = await open_site('maps/sample/', desktop, (p) => p.route(pattern, handler));
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), message, what);
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'error', what);
    if (what === 'archive missing') await shot(page, 'static-site-07-archive-missing.png');
    await context.close();
  }
});

test('text and links from site.json are shown as text, never as markup or script URLs', { timeout: 60_000 }, async () => {
  const site = read_json(path.join(sample_dir(), 'site.json'));
  const title = '<img src="x.png" id="injected-title">';
  const hostile = { ...site, title,
    layers: site.layers.map((l) => ({ ...l, title: '<img src="y.png" id="injected-layer">', attribution: '<b id="injected-credit">ODC</b>',
                                      source_url: 'javascript:alert(1)' })) };
  const { context, page, problems } = await open_site('maps/sample/', desktop,
    (p) => p.route('**/site.json', (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(hostile) })));
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
  assert.equal(await page.textContent('h1'), title);
  assert.equal(await page.locator('#injected-title, #injected-layer, #injected-credit').count(), 0, 'site.json text became markup');
  assert.equal(await page.locator('a[href^="javascript:"]').count(), 0, 'a javascript: link');
  assert.match(await page.textContent('#site-credits'), /<b id="injected-credit">ODC<\/b>/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the real ODC catalog: every collection is drawn, polygons filled and points as circles', { timeout: 300_000 }, async (t) => {
  if (!fs.existsSync(path.join(shared, 'odc-elc'))) {
    t.skip(`SKIPPED: the real ODC layers are not at ${shared} (set CONCESSIONS_SHARED_DATA)`);
    return;
  }
  const dir = export_site('maps/odc', [path.join(source_dir, 'data/odc-catalog.json')], ['--maxzoom', '8'], { CONCESSIONS_SHARED_DATA: shared });
  const site = read_json(path.join(dir, 'site.json'));
  for (const [options, name] of [[desktop, 'static-site-08-odc-desktop.png'], [phone, 'static-site-09-odc-phone.png']]) {
    const { context, page, problems } = await open_map('maps/odc/', options);
    const drawn = await rendered(page);
    for (const layer of site.layers) {
      const features = read_json(path.join(dir, layer.download)).features.filter((f) => f.geometry);
      const points = features.every((f) => /Point/.test(f.geometry.type));
      const ids = new Set(features.map((f) => f.id));
      const got = drawn[layer.id];
      assert.ok(got?.ids.length > 0, `${layer.id}: nothing drawn`);
      assert.deepEqual(got.ids.filter((x) => !ids.has(x)), [], `${layer.id}: drawn ids not in its download`);
      assert.deepEqual(got.layers.sort(), points ? [`${layer.id}-points`] : [`${layer.id}-fill`, `${layer.id}-outline`], layer.id);
      console.log(`# ${options.viewport.width}px, ${layer.id}: ${got.ids.length} of ${features.length} drawn`);
    }
    await shot(page, name);
    assert.deepEqual(problems, []);
    await context.close();
  }
});
