// What every browser test file shares: the environment, the server, the
// browser and helpers to open the page and look at it. A test file calls
// use_server_and_browser() once, then uses ctx.base and ctx.browser.
//
// Environment (ctest sets all but the first; run by hand, the defaults are
// relative to this file, never to the working directory):
//   CONCESSIONS_SHARED_DATA    the real layers (default: CONCESSIONS_SHARED_DATA_DEFAULT,
//                              else ../shared/data next to the checkout); absent: exit 77 (skipped)
//   CONCESSIONS_BINARY         build/server/concessions
//   CONCESSIONS_SOURCE_DIR     the checkout (for data/odc-catalog.json and web/node_modules)
//   CONCESSIONS_SCREENSHOTS    where each step's screenshot goes (build/web-screenshots)
//   CHROMIUM                   /usr/bin/chromium
//   CONCESSIONS_TEST_URL       test a server that is already running instead of starting one
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { interior_lon_lat } from './geometry.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const source_dir = process.env.CONCESSIONS_SOURCE_DIR || path.resolve(here, '../..');
export const shared = process.env.CONCESSIONS_SHARED_DATA || process.env.CONCESSIONS_SHARED_DATA_DEFAULT ||
  path.resolve(source_dir, '../shared/data');
export const binary = process.env.CONCESSIONS_BINARY || path.join(source_dir, 'build/server/concessions');
export const screenshots = process.env.CONCESSIONS_SCREENSHOTS || path.join(source_dir, 'build/web-screenshots');
export const chromium_path = process.env.CHROMIUM || '/usr/bin/chromium';
export const catalog = path.join(source_dir, 'data/odc-catalog.json');

if (!fs.existsSync(path.join(shared, 'odc-elc'))) {
  console.log(`SKIPPED: the real ODC layers are not at ${shared} (set CONCESSIONS_SHARED_DATA)`);
  process.exit(77);
}
for (const [what, file, fix] of [
  ['Chromium', chromium_path, 'run scripts/setup (apt package chromium)'],
  ['playwright-core', path.join(source_dir, 'web/node_modules/playwright-core'), 'run scripts/setup (npm ci --prefix web)'],
  ['the server', binary, 'build it first (scripts/build)'],
]) {
  if (!process.env.CONCESSIONS_TEST_URL || what !== 'the server')
    if (!fs.existsSync(file)) { console.error(`${what} is missing at ${file}: ${fix}`); process.exit(1); }
}

const { before, after } = await import('node:test');
export const { test } = await import('node:test');
export const assert = (await import('node:assert/strict')).default;
export const { chromium } = createRequire(path.join(source_dir, 'web/package.json'))('playwright-core');

export const basemap_hosts = ['tile.openstreetmap.org'];  // offline here: its failures are expected
export const chromium_args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
fs.mkdirSync(screenshots, { recursive: true });

// ----- server ------------------------------------------------------------

const servers = [];
export function start_server(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    servers.push(child);
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 180 s:\n${output}`)), 180_000);
    const on_data = (chunk) => {
      output += chunk;
      const m = output.match(/serving on (http:\/\/[^\s/]+)\//);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1] }); }
    };
    child.stdout.on('data', on_data);
    child.stderr.on('data', on_data);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}) before serving:\n${output}`)); });
  });
}

export async function stop_servers() {
  await Promise.all(servers.map((child) => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  })));
}

// ----- helpers -----------------------------------------------------------

// Set by use_server_and_browser() before the first test.
export const ctx = { base: '', browser: null };

export async function api(pathname) {
  const r = await fetch(new URL(pathname, ctx.base));
  assert.equal(r.status, 200, `${pathname}: HTTP ${r.status}`);
  return r.json();
}

// Console errors, page errors, failed requests and HTTP errors, except the
// basemap's (there is no internet here) and fetches the page itself aborted.
export function watch(page) {
  const problems = [];
  const basemap = (url) => basemap_hosts.some((h) => url.includes(`//${h}/`));
  page.on('console', (m) => { if (m.type() === 'error' && !basemap(m.location().url ?? '')) problems.push(`console: ${m.text()} ${m.location().url ?? ''}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (!basemap(r.url()) && why !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${why}`);
  });
  page.on('response', (r) => { if (r.status() >= 400 && !basemap(r.url())) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return problems;
}

// Drawn, nothing loading and the map at rest, for 300 ms running.
export async function settled(page) {
  for (let i = 0; i < 50; ++i) {
    await page.waitForFunction(() => document.body.dataset.drawn === 'true' && window.concessions_page?.is_idle(), null, { timeout: 30_000 });
    await page.waitForTimeout(300);
    if (await page.evaluate(() => window.concessions_page.is_idle())) return;
  }
  throw new Error('the page never came to rest');
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(screenshots, name) });
}

// Non-transparent pixels on the concession canvases: proof that polygons
// were drawn, not only that elements exist.
export function painted_pixels(page) {
  return page.evaluate(() => {
    let painted = 0, tiles = 0;
    for (const c of document.querySelectorAll('.leaflet-concessions-pane canvas.leaflet-tile')) {
      tiles += 1;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted += 1;
    }
    return { tiles, painted };
  });
}

export function tile_features(page, collection) {
  return page.evaluate((id) => {
    const layer = window.concessions_page.layers.get(id);
    const out = [];
    for (const key in layer._tiles) for (const f of layer._tiles[key].el._features ?? []) out.push({ id: f.id, ...f.properties });
    return out;
  }, collection);
}

export { bbox_of } from './geometry.mjs';

// A point inside a polygon (geometry.mjs), as Leaflet takes it.
export function interior_point(geometry) {
  const [lng, lat] = interior_lon_lat(geometry);
  return { lng, lat };
}

export async function open_page(hash = '', options = {}) {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, ...options });
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(`${ctx.base}/${hash}`);
  await settled(page);
  return { context, page, problems };
}

// Starts the server on the real catalog (or uses CONCESSIONS_TEST_URL) and
// Chromium before the first test; stops both after the last.
export function use_server_and_browser() {
  before(async () => {
    if (process.env.CONCESSIONS_TEST_URL) {
      ctx.base = process.env.CONCESSIONS_TEST_URL.replace(/\/$/, '');
    } else {
      ctx.base = (await start_server([catalog], { CONCESSIONS_SHARED_DATA: shared })).url;
    }
    ctx.browser = await chromium.launch({ executablePath: chromium_path, headless: true, args: chromium_args });
    console.log(`# server ${ctx.base}, Chromium ${ctx.browser.version()}, screenshots in ${screenshots}`);
  }, { timeout: 200_000 });

  after(async () => {
    await ctx.browser?.close();
    await stop_servers();
  });
}

// axe-core in the page, through DevTools (the page's Content-Security-Policy
// refuses inline scripts, so a <script> tag of it would be blocked).
export async function inject_axe(page) {
  await page.evaluate(fs.readFileSync(path.join(source_dir, 'web/node_modules/axe-core/axe.min.js'), 'utf8'));
}

// axe-core's violations on the whole page, one line each (rule, impact, the
// first few elements); fails when axe ran too few rules to mean anything.
export async function axe_violations(page) {
  await inject_axe(page);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  assert.ok(result.passes.length > 20, `axe-core ran only ${result.passes.length} rules`);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(' | ')}`);
}
