// "Download everything shown" (issue 18 §5): the page's one-file download of
// every visible layer under its filters, opened with GDAL's ogrinfo (the
// oracle for what the file holds) and counted against the API's
// numberMatched for each layer under the filters that layer takes on the map.
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { test, assert, api, open_page, shot, use_server_and_browser } from './harness.mjs';

use_server_and_browser();

// Feature count per layer, as ogrinfo -so reports it.
function ogr_counts(file) {
  const out = execFileSync('ogrinfo', ['-so', '-al', file], { encoding: 'utf8' });
  const counts = {};
  let layer = null;
  for (const line of out.split('\n')) {
    const name = line.match(/^Layer name: (.+)$/);
    if (name) layer = name[1].trim();
    const count = line.match(/^Feature Count: (\d+)$/);
    if (count && layer) counts[layer] = Number(count[1]);
  }
  return counts;
}

async function matched(collection, query) {
  const doc = await api(`/collections/${collection}/items?${query}${query ? '&' : ''}limit=1`);
  return doc.numberMatched;
}

async function download_all(page, format) {
  await page.selectOption('#download-format', format);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download everything shown/ }).click()]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'download-all-')), download.suggestedFilename());
  await download.saveAs(file);
  return file;
}

const filters = 'province=Kratie&datetime=2000-01-01/2012-12-31';
const link = '#layers=elc,mining,protected-areas&focus=elc&province=Kratie&purpose=Rubber%20plantation&year=2000-2012';

test('everything shown in one GeoPackage: a layer each, counted as the API counts them, context layers whole', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page(link);
  const name = await page.getByRole('link', { name: /Download everything shown/ }).textContent();
  assert.match(name, /3 layers/);
  const file = await download_all(page, 'gpkg');
  assert.match(path.basename(file), /^concessions-elc\+mining\+protected-areas-.*\.gpkg$/);
  const counts = ogr_counts(file);
  assert.deepEqual(Object.keys(counts).sort(), ['elc', 'mining', 'protected-areas']);
  // Purpose applies to the layer it was chosen for; province and years to
  // every concession layer; the protected areas stay whole.
  const expected = {
    elc: await matched('elc', `${filters}&Purpose=Rubber%20plantation`),
    mining: await matched('mining', filters),
    'protected-areas': await matched('protected-areas', ''),
  };
  assert.ok(expected.elc > 0 && expected.mining > 0, `the filters select something: ${JSON.stringify(expected)}`);
  assert.deepEqual(counts, expected);
  // The provenance travels in the file.
  const info = execFileSync('ogrinfo', ['-so', file], { encoding: 'utf8' });
  assert.match(info, /README=/);
  assert.match(info, /Open Development Cambodia/);
  await page.locator('#download-heading').scrollIntoViewIfNeeded();
  await shot(page, 'download-all-desktop.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('with the province asked for context layers too, and as a zip of GeoJSON with a README', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page(`${link}&ctx=province`);
  const file = await download_all(page, 'geojson');
  assert.match(path.basename(file), /\.geojson\.zip$/);
  const listing = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n').sort();
  assert.deepEqual(listing, ['README.txt', 'elc.geojson', 'mining.geojson', 'protected-areas.geojson']);
  const count = (entry) => ogr_counts(`/vsizip/${file}/${entry}`);
  assert.equal(Object.values(count('protected-areas.geojson'))[0], await matched('protected-areas', 'province=Kratie'));
  assert.equal(Object.values(count('elc.geojson'))[0], await matched('elc', `${filters}&Purpose=Rubber%20plantation`));
  const readme = execFileSync('unzip', ['-p', file, 'README.txt'], { encoding: 'utf8' });
  assert.match(readme, /licence:/);
  // The URL in the README reproduces the download.
  const again = readme.match(/Reproduce it: +(\S+)/)[1];
  const r = await fetch(again);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-features'), String(Object.values(count('elc.geojson'))[0] + Object.values(count('mining.geojson'))[0] +
    Object.values(count('protected-areas.geojson'))[0]));
  assert.deepEqual(problems, []);
  await context.close();
});
