// The timeline (issue 15 §1): a year on the page's slider shows what was in
// force at its end. The oracle is the server's own count, asked here and not
// through the page: /collections/elc/items?as_of=<year>-12-31 (numberMatched,
// and the ids it selects for the map's tiles). The year lives in the URL and
// survives a reload and Back; play steps through the years and stops at the
// last; "All years" is the unfiltered layer; context layers never take a
// year; axe-core finds nothing with the control open, in English, in Khmer
// and on a phone, where the open control covers none of the map's controls.
import { test, assert, api, settled, shot, tile_features, open_page, use_server_and_browser, axe_violations } from './harness.mjs';

use_server_and_browser();

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const matched = async (collection, query = '') => (await api(`/collections/${collection}/items?limit=1${query}`)).numberMatched;
const stat_count = async (page) => Number(await page.getAttribute('#stat-count', 'data-value'));
const page_year = (page) => page.evaluate(() => window.concessions_page.state.as_of);
const timeline_ready = (page) => page.waitForSelector('#timeline-year:not([disabled])');

// Every request the page makes, for the parameters it sent.
function record_requests(page) {
  const urls = [];
  page.on('request', (r) => urls.push(new URL(r.url())));
  return urls;
}
const tiles_of = (urls, collection) => urls.filter((u) => u.pathname.startsWith(`/collections/${collection}/tiles/`));

test('a year on the slider redraws the map, statistics, list and downloads as of its end; the URL keeps it through a reload and Back', { timeout: 180_000 }, async () => {
  const all = await matched('elc');
  const in_2008 = await matched('elc', '&as_of=2008-12-31');
  const in_2009 = await matched('elc', '&as_of=2009-12-31');
  assert.ok(in_2008 > 0 && in_2008 < in_2009 && in_2009 < all, `the oracle tells the years apart: ${in_2008}, ${in_2009}, ${all}`);
  const ids_2008 = new Set((await api('/collections/elc/items?as_of=2008-12-31&limit=10000')).features.map((f) => f.id));
  assert.equal(ids_2008.size, in_2008);

  const { context, page, problems } = await open_page('#layers=elc,protected-areas&focus=elc');
  await timeline_ready(page);
  assert.equal(await stat_count(page), all);
  assert.equal(await page.getAttribute('.timeline-all', 'aria-pressed'), 'true');
  const drawn_before = new Set((await tile_features(page, 'elc')).map((f) => f.id));
  const urls = record_requests(page);

  await page.locator('#timeline-year').fill('2008');
  await settled(page);
  assert.equal(await page_year(page), '2008');
  assert.equal(await stat_count(page), in_2008, 'statistics');
  assert.match(await page.textContent('#list-summary'), new RegExp(`${in_2008} match the filters`));
  assert.match(await page.textContent('.timeline-figure'), new RegExp(`End of 2008: ${in_2008} in force`));
  assert.match(await page.getAttribute('#timeline-year', 'aria-valuetext'), new RegExp(`^2008: ${in_2008} in force`));
  // The map: only what the oracle selects, and less than before.
  const drawn = new Set((await tile_features(page, 'elc')).map((f) => f.id));
  assert.ok(drawn.size > 0 && drawn.size < drawn_before.size, `${drawn.size} drawn, ${drawn_before.size} before`);
  for (const id of drawn) assert.ok(ids_2008.has(id), `feature ${id} drawn but not in force at the end of 2008`);
  // The requests: as_of on the concession layer's tiles, list and statistics; never on the context layer's.
  assert.ok(tiles_of(urls, 'elc').length > 0 && tiles_of(urls, 'elc').every((u) => u.searchParams.get('as_of') === '2008-12-31'));
  assert.ok(urls.some((u) => u.pathname === '/collections/elc/items' && u.searchParams.get('as_of') === '2008-12-31' && u.searchParams.has('bbox')), 'the list');
  assert.ok(urls.some((u) => u.pathname === '/collections/elc/stats' && u.searchParams.get('as_of') === '2008-12-31'), 'the statistics');
  assert.ok(urls.every((u) => !u.pathname.startsWith('/collections/protected-areas/') || !u.searchParams.has('as_of')), 'a context layer got as_of');
  assert.ok(!urls.some((u) => u.pathname.endsWith('/timeline') && u.searchParams.has('as_of')), 'the timeline is asked without its own year');
  assert.equal(new URL(await page.getAttribute('#download-link', 'href')).searchParams.get('as_of'), '2008-12-31');
  assert.equal(new URL(await page.getAttribute('#download-all-link', 'href')).searchParams.get('as_of'), '2008-12-31');
  assert.match(page.url(), /[#&]as_of=2008(&|$)/);
  await shot(page, 'timeline-01-desktop-2008.png');

  // The keyboard: one step right is the next year.
  await page.focus('#timeline-year');
  await page.keyboard.press('ArrowRight');
  await settled(page);
  assert.equal(await page_year(page), '2009');
  assert.equal(await stat_count(page), in_2009);

  // A reload and a trip away and Back open the same year.
  await page.reload();
  await settled(page);
  await timeline_ready(page);
  assert.equal(await page_year(page), '2009');
  assert.equal(await page.inputValue('#timeline-year'), '2009');
  assert.equal(await stat_count(page), in_2009);
  await page.goto('about:blank');
  await page.goBack();
  await settled(page);
  assert.equal(await page_year(page), '2009');
  assert.equal(await stat_count(page), in_2009);
  assert.deepEqual(problems, []);
  await context.close();
});

test('play steps a year at a time and stops at the last year; pause holds the year', { timeout: 120_000 }, async () => {
  const years = (await api('/collections/elc/timeline')).years.map((y) => y.year);
  const last = years[years.length - 1];
  const start = last - 3;
  const { context, page, problems } = await open_page(`#layers=elc&focus=elc&as_of=${start}`);
  await timeline_ready(page);
  const play = page.getByRole('button', { name: 'Play the years' });
  const t0 = Date.now();
  await play.click();
  assert.equal(await play.getAttribute('aria-pressed'), 'true');
  await page.waitForFunction((y) => window.concessions_page.state.as_of === String(y), start + 1, { timeout: 10_000 });
  await page.waitForFunction(() => document.querySelector('.timeline-play').getAttribute('aria-pressed') === 'false', null, { timeout: 30_000 });
  const seconds = (Date.now() - t0) / 1000;
  assert.equal(await page_year(page), String(last), 'play stops at the last year');
  assert.ok(seconds >= 2.5, `three years played in ${seconds} s`);
  await settled(page);
  assert.equal(await stat_count(page), await matched('elc', `&as_of=${last}-12-31`));
  // From the last year, play starts again at the first; pause stops it there.
  await play.click();
  await page.waitForFunction((y) => window.concessions_page.state.as_of === String(y + 1), years[0], { timeout: 10_000 });
  await play.click();
  assert.equal(await play.getAttribute('aria-pressed'), 'false');
  const held = await page_year(page);
  await page.waitForTimeout(2500);
  assert.equal(await page_year(page), held, 'the year moved after pause');
  assert.deepEqual(problems, []);
  await context.close();
});

test('"All years" gives back the unfiltered layer; a context layer in focus is shown whole and the timeline speaks of a concession layer', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page('#layers=elc,protected-areas&focus=elc&as_of=2008');
  await timeline_ready(page);
  assert.equal(await stat_count(page), await matched('elc', '&as_of=2008-12-31'));
  await page.getByRole('button', { name: 'All years' }).click();
  await settled(page);
  assert.equal(await page_year(page), '');
  assert.equal(await page.getAttribute('.timeline-all', 'aria-pressed'), 'true');
  assert.equal(await stat_count(page), await matched('elc'));
  assert.doesNotMatch(page.url(), /as_of=/);
  assert.equal(await page.getAttribute('#timeline-year', 'aria-valuetext'), 'All years');
  await context.close();

  // Protected areas in focus, a year chosen: the statistics and map of the
  // protected areas are whole; the timeline is the ELC's, and says so.
  const focus = await open_page('#layers=elc,protected-areas&focus=protected-areas&as_of=2008');
  await timeline_ready(focus.page);
  const urls = (await focus.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))).map((u) => new URL(u));
  assert.equal(await stat_count(focus.page), await matched('protected-areas'));
  assert.match(await focus.page.textContent('.timeline-title'), /: Economic land concessions$/);
  assert.match(await focus.page.textContent('.timeline-figure'), new RegExp(`End of 2008: ${await matched('elc', '&as_of=2008-12-31')} in force`));
  assert.ok(tiles_of(urls, 'protected-areas').length > 0 && tiles_of(urls, 'protected-areas').every((u) => !u.searchParams.has('as_of')));
  assert.ok(tiles_of(urls, 'elc').every((u) => u.searchParams.get('as_of') === '2008-12-31'));
  assert.equal(new URL(await focus.page.getAttribute('#download-link', 'href')).searchParams.get('as_of'), null);
  assert.deepEqual([...problems, ...focus.problems], []);
  await focus.context.close();
});

// True when two boxes overlap by more than a pixel.
const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;

for (const [device, options] of [['desktop', { viewport: { width: 1366, height: 768 } }], ['phone', phone]]) {
  for (const lang of ['en', 'km']) {
    test(`axe-core finds no violation with the timeline open (${device}, ${lang}); it covers none of the map's controls`, { timeout: 120_000 }, async () => {
      const { context, page, problems } = await open_page(`#lang=${lang}&as_of=2008`, options);
      if (device === 'phone') {
        assert.equal(await page.isHidden('#timeline-body'), true, 'open on a phone at first');
        await page.locator('.timeline-toggle').tap();
        await settled(page);
      }
      await timeline_ready(page);
      assert.equal(await page.getAttribute('.timeline-toggle', 'aria-expanded'), 'true');
      // The chart's text alternative: a row per year, the chosen one's figures.
      const years = (await api('/collections/elc/timeline')).years;
      assert.equal(await page.locator('#timeline table tbody tr').count(), years.length);
      const row = page.locator('#timeline table tbody tr', { has: page.locator('th', { hasText: '2008' }) });
      assert.equal(await row.locator('td').first().textContent(), String(years.find((y) => y.year === 2008).in_force.count));
      const found = await axe_violations(page);
      // Clear of the other controls (zoom, tools, legend, scale, credits).
      const boxes = await page.evaluate(() => {
        const box = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, name: el.className }; };
        return { timeline: box(document.getElementById('timeline')),
          others: [...document.querySelectorAll('.leaflet-control')].filter((el) => el.id !== 'timeline' && el.offsetParent).map(box) };
      });
      const covered = boxes.others.filter((b) => overlap(b, boxes.timeline)).map((b) => b.name);
      await shot(page, `timeline-02-${device}-${lang}.png`);
      assert.deepEqual(found, []);
      assert.deepEqual(covered, []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}
