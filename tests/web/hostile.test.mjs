// Source attributes stay text on the page (issue 12, part 7): a layer whose
// names, companies and purposes hold HTML and script is listed, searched,
// opened and counted, and nothing in them runs; the page's answer carries
// its Content-Security-Policy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, assert, ctx, start_server, watch, settled, shot, use_server_and_browser } from './harness.mjs';

use_server_and_browser();

const payloads = {
  Name: '<img src=x onerror="window.__xss=\'img\'">Hostile estate',
  Company: '<script>window.__xss=\'script\'</script>Hostile Co',
  Purpose: '"><svg onload="window.__xss=\'svg\'">',
};

function hostile_layer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  const square = (x, y) => [[[x, y], [x + 0.05, y], [x + 0.05, y + 0.05], [x, y + 0.05], [x, y]]];
  const features = [0, 1, 2].map((i) => ({
    type: 'Feature',
    properties: { ...payloads, Name: `${payloads.Name} ${i}`, Contract: '2010-05-0' + (i + 1) },
    geometry: { type: 'Polygon', coordinates: square(104.8 + i * 0.1, 11.5) },
  }));
  const file = path.join(dir, 'hostile.geojson');
  fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return file;
}

test('HTML and script in source attributes are shown as text and never run', { timeout: 120_000 }, async () => {
  const { url } = await start_server([hostile_layer()]);
  const page_answer = await fetch(`${url}/`, { headers: { Accept: 'text/html' } });  // as a browser asks: */* gets the JSON landing page
  assert.match(page_answer.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.equal(page_answer.headers.get('x-content-type-options'), 'nosniff');

  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watch(page);
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
  await page.goto(`${url}/#map=11/11.52/104.93`);
  await settled(page);
  // The list, the statistics' largest holders, a search, the detail.
  await page.waitForSelector('#list tbody tr');
  const row = await page.locator('#list tbody tr').first().textContent();
  assert.ok(row.includes('<img src=x'), `the list shows the name as text: ${row}`);
  assert.ok((await page.textContent('#stats')).includes('<script>'), 'the holders show the company as text');
  await page.fill('#search-input', 'Hostile');
  await page.press('#search-input', 'Enter');
  await page.waitForSelector('#search-results:not([hidden]) li');
  await page.locator('#search-results li button, #search-results li a').first().click();
  await page.waitForFunction(() => document.getElementById('detail-title').textContent.includes('<img src=x'));
  assert.ok((await page.textContent('#detail-body')).includes('<svg onload='), 'the detail shows the purpose as text');
  await shot(page, 'hostile-detail.png');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'an attribute ran as script');
  assert.equal(dialogs, 0);
  assert.equal(await page.locator('#detail img[src="x"], #list img[src="x"], #search-results img[src="x"]').count(), 0);
  assert.deepEqual(problems, [], 'no console error, no CSP violation');
  await context.close();
});
