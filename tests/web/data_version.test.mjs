// Versioned tile URLs (issue 14): the page writes v=<data version> (from
// /collections' data_version, as TileJSON writes its templates) into every
// tile URL, after the filters, and the server lets caches keep such a tile
// for good; after a reload of the data the page takes the new version and
// fetches the tiles on screen again under it, and draws them. On a copy of
// the bundled sample, changed (a newer modification time) and reloaded
// with SIGHUP.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, after } from 'node:test';
import { test, assert, chromium, chromium_path, chromium_args, source_dir, start_server, stop_servers, settled, watch, painted_pixels } from './harness.mjs';

const collection = 'synthetic-concessions';
let dir = '';
let server = null;
let browser = null;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concessions-data-version-'));
  for (const name of fs.readdirSync(path.join(source_dir, 'data/sample'))) fs.copyFileSync(path.join(source_dir, 'data/sample', name), path.join(dir, name));
  server = await start_server([path.join(dir, 'synthetic_concessions.shp'), '--provinces', path.join(dir, 'synthetic_provinces.shp'),
    '--no-watch', '--store-dir', 'none', '--quiet']);
  browser = await chromium.launch({ executablePath: chromium_path, headless: true, args: chromium_args });
}, { timeout: 200_000 });

after(async () => {
  await browser?.close();
  await stop_servers();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const health = async () => (await fetch(`${server.url}/healthz`)).json();

test('tile URLs carry the data version, kept for good; after a reload the page asks for the new version\'s tiles', { timeout: 180_000 }, async () => {
  const before_version = (await health()).version;
  assert.equal((await (await fetch(`${server.url}/collections`)).json()).data_version, before_version);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watch(page);
  const tiles = [];  // {url, cache_control}
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith(`/collections/${collection}/tiles/`)) tiles.push({ url, cache_control: r.headers()['cache-control'] });
  });
  await page.goto(`${server.url}/#layers=${collection}`);
  await settled(page);
  assert.ok(tiles.length > 0, 'no tile asked for');
  for (const t of tiles) {
    assert.equal(t.url.searchParams.get('v'), before_version, t.url.href);
    assert.ok(t.url.search.endsWith(`v=${before_version}`), `v= comes last: ${t.url.href}`);
    assert.equal(t.cache_control, 'public, max-age=31536000, immutable', t.url.href);
  }
  assert.equal(await page.evaluate(() => window.concessions_page.check_data_version()), false, 'the version has not moved');

  // New data: a newer file, reloaded.
  const later = new Date(Date.now() + 5_000);
  fs.utimesSync(path.join(dir, 'synthetic_concessions.dbf'), later, later);
  server.child.kill('SIGHUP');
  let after_version = before_version;
  for (let i = 0; i < 200 && after_version === before_version; ++i) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const h = await health();
    if (!h.reload.running) after_version = h.version;
  }
  assert.notEqual(after_version, before_version, 'the server did not reload within 20 s');

  // The page's check (every few minutes, and when it comes back into view).
  tiles.length = 0;
  assert.equal(await page.evaluate(() => window.concessions_page.check_data_version()), true, 'the new version was not seen');
  await settled(page);
  assert.ok(tiles.length > 0, 'the tiles on screen were not asked for again');
  for (const t of tiles) {
    assert.equal(t.url.searchParams.get('v'), after_version, t.url.href);
    assert.equal(t.cache_control, 'public, max-age=31536000, immutable', t.url.href);
  }
  assert.ok((await painted_pixels(page)).painted > 0, 'the new tiles were not drawn');
  assert.deepEqual(problems, []);
  await context.close();
});
