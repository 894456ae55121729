// What equality cannot say, said in CQL2 (issue 13 §1): the size control
// (min_ha, max_ha: filter=area_ha >= 5000 on every concession layer) and
// several crops at once (crop=Rubber,Sugar%20cane: filter=purpose_class IN
// (...) on the focus layer), ANDed in one filter= on the tiles, list,
// statistics, timeline and downloads, kept in the URL, shown in the
// controls and as chips. The oracle is the layer's every feature
// (items?limit=10000), counted here from their area_ha and purpose_class.
import { test, assert, api, ctx, watch, settled, shot, tile_features, open_page, use_server_and_browser, axe_violations } from './harness.mjs';

use_server_and_browser();

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const en = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const stat_count = async (page) => Number(await page.getAttribute('#stat-count', 'data-value'));
const link = '/?layers=elc,elc-partial,mining,protected-areas&focus=elc&min_ha=5000&crop=Rubber,Sugar%20cane';
const both = "purpose_class IN ('Rubber', 'Sugar cane') AND area_ha >= 5000";

let all_elc = null;
async function elc_features() {
  all_elc ??= await api('/collections/elc/items?limit=10000');
  assert.equal(all_elc.features.length, all_elc.numberMatched, 'every ELC feature in one page');
  return all_elc.features;
}

// The ELC features of at least min (and at most max) hectares in any of the crops.
async function expected({ crops = [], min = 0, max = Infinity }) {
  const chosen = (await elc_features()).filter((f) => f.properties.area_ha >= min && f.properties.area_ha <= max &&
    (!crops.length || f.properties.purpose_class.some((c) => crops.includes(c))));
  return new Set(chosen.map((f) => f.id));
}

async function open_recording(url, options = {}) {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const problems = watch(page);
  const urls = [];
  page.on('request', (r) => urls.push(new URL(r.url())));
  await page.goto(`${ctx.base}${url}`);
  await settled(page);
  return { context, page, problems, urls };
}

const ticked = (page) => page.locator('#crop-choices input:checked').evaluateAll((inputs) => inputs.map((i) => i.value));

test('a link with min_ha=5000 and two crops: the controls show them; tiles, list, statistics, timeline and downloads select what the features say', { timeout: 180_000 }, async () => {
  const ids = await expected({ crops: ['Rubber', 'Sugar cane'], min: 5000 });
  const rubber_only = await expected({ crops: ['Rubber'], min: 5000 });
  assert.ok(ids.size > rubber_only.size && rubber_only.size > 0, `${ids.size} selected, ${rubber_only.size} of them Rubber`);
  const { context, page, problems, urls } = await open_recording(link);
  await page.waitForFunction(() => document.querySelector('#crop-choices input:checked'));
  await settled(page);

  // The controls say the state.
  assert.equal(await page.inputValue('#min-ha'), '5000');
  assert.equal(await page.locator('#min-ha option:checked').textContent(), '5,000 ha');
  assert.equal(await page.inputValue('#max-ha'), '');
  assert.equal(await page.inputValue('#purpose-select'), 'Rubber,Sugar cane');
  assert.equal(await page.locator('#purpose-select option:checked').textContent(), 'Several: Rubber, Sugar cane');
  assert.equal(await page.getAttribute('#crop-picker', 'open'), '', 'the several crops are shown ticked');
  assert.deepEqual(await ticked(page), ['Rubber', 'Sugar cane']);
  // The query string is now the fragment, in the same words.
  assert.match(page.url(), /#.*[#&]crop=Rubber,Sugar%20cane(&|$)/);
  assert.match(page.url(), /[#&]min_ha=5000(&|$)/);

  // The statistics, the list and the map.
  assert.equal(await stat_count(page), ids.size, 'statistics');
  assert.match(await page.textContent('#list-summary'), new RegExp(`${en.format(ids.size)} match the filters`));
  const drawn = await tile_features(page, 'elc');
  assert.ok(drawn.length > 0, 'some ELC feature is drawn');
  for (const f of drawn) assert.ok(ids.has(f.id), `feature ${f.id} drawn but not selected`);

  // The requests: one filter=, the crops on the focus layer only, the size
  // on every concession layer, none on the protected areas.
  const on = (prefix) => urls.filter((u) => u.pathname.startsWith(prefix));
  for (const prefix of ['/collections/elc/tiles/', '/collections/elc/items', '/collections/elc/stats', '/collections/elc/timeline']) {
    const asked = on(prefix).filter((u) => !(prefix.endsWith('stats') && u.searchParams.get('group') === 'purpose_class'));
    assert.ok(asked.length > 0, `no request ${prefix}`);
    // The counts beside the crops are the other filters' (the size alone).
    assert.ok(asked.some((u) => u.searchParams.get('filter') === both), `${prefix}: ${asked.map((u) => u.search).join(' ')}`);
  }
  const counts = on('/collections/elc/stats').filter((u) => u.searchParams.get('group') === 'purpose_class' && u.searchParams.has('filter'));
  assert.ok(counts.length > 0 && counts.every((u) => u.searchParams.get('filter') === 'area_ha >= 5000'), 'the crops\' counts');
  for (const id of ['mining', 'elc-partial']) {
    const tiles = on(`/collections/${id}/tiles/`);
    assert.ok(tiles.length > 0 && tiles.every((u) => u.searchParams.get('filter') === 'area_ha >= 5000'), `${id}'s tiles`);
  }
  assert.ok(on('/collections/protected-areas/').every((u) => !u.searchParams.has('filter')), 'a context layer got the filter');
  assert.ok(urls.every((u) => !u.searchParams.has('purpose_class')), 'several crops are not purpose_class=');

  // The counts beside each crop: the size alone, as the features say.
  const rubber_5000 = (await expected({ crops: ['Rubber'], min: 5000 })).size;
  assert.equal(await page.locator('#crop-choices label', { has: page.locator('input[value="Rubber"]') }).textContent(), `Rubber (${en.format(rubber_5000)})`);

  // The layer's download is the selection; everything shown holds every
  // layer shown, the size for all concession layers and the crops named for
  // the focus layer alone (elc:filter=, which the server ANDs with filter=).
  const download = new URL(await page.getAttribute('#download-link', 'href'));
  assert.equal(download.searchParams.get('filter'), both);
  const file = await (await fetch(download)).json();
  assert.deepEqual(new Set(file.features.map((f) => f.id)), ids, 'the download');
  const everything = new URL(await page.getAttribute('#download-all-link', 'href'));
  const listed = everything.searchParams.get('collections').split(',');
  for (const id of ['elc', 'mining', 'elc-partial']) assert.ok(listed.includes(id), `${id} in everything shown`);
  assert.equal(everything.searchParams.get('filter'), 'area_ha >= 5000');
  assert.equal(everything.searchParams.get('elc:filter'), both);
  everything.searchParams.set('f', 'geojson');  // a zip with a GeoJSON file per layer: count elc's features
  const everything_file = await fetch(everything);
  assert.equal(everything_file.status, 200, 'everything shown');
  assert.ok((await everything_file.arrayBuffer()).byteLength > 0);
  const elc_only = new URL(everything);
  elc_only.searchParams.set('collections', 'elc');
  elc_only.searchParams.set('f', 'gpkg');
  const elc_reply = await fetch(elc_only);
  assert.equal(elc_reply.status, 200);
  assert.equal(Number(elc_reply.headers.get('x-features')), ids.size, 'elc in everything shown');
  await elc_reply.arrayBuffer();
  await page.locator('#filters-heading').scrollIntoViewIfNeeded();
  await shot(page, 'cql2-01-desktop-link.png');
  await page.locator('#download-all-link').scrollIntoViewIfNeeded();
  await shot(page, 'cql2-02-desktop-download.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the controls change the URL and the selection: ticking by keyboard, the select, the size, the chips, clearing', { timeout: 180_000 }, async () => {
  const { context, page, problems, urls } = await open_recording('/#layers=elc,mining&focus=elc&crop=Rubber');
  await page.waitForFunction(() => document.querySelector('#crop-choices input[value="Rubber"]')?.checked);
  // One crop reads as before: purpose_class=, no filter=, the picker closed.
  assert.equal(await page.inputValue('#purpose-select'), 'Rubber');
  assert.equal(await page.getAttribute('#crop-picker', 'open'), null);
  assert.ok(urls.some((u) => u.pathname === '/collections/elc/stats' && u.searchParams.get('purpose_class') === 'Rubber' && !u.searchParams.has('filter')));
  assert.equal(await stat_count(page), (await expected({ crops: ['Rubber'] })).size);

  // Open "Several crops at once" and tick Cassava, by keyboard.
  await page.locator('#crop-picker summary').focus();
  await page.keyboard.press('Enter');
  await page.locator('#crop-choices input[value="Cassava"]').focus();
  await page.keyboard.press('Space');
  await settled(page);
  assert.match(page.url(), /[#&]crop=Rubber,Cassava(&|$)/);
  assert.deepEqual(await ticked(page), ['Rubber', 'Cassava']);
  assert.equal(await page.evaluate(() => document.activeElement.value), 'Cassava', 'the keyboard stays where it was');
  assert.equal(await stat_count(page), (await expected({ crops: ['Rubber', 'Cassava'] })).size);
  const list = urls.filter((u) => u.pathname === '/collections/elc/items').at(-1);
  assert.equal(list.searchParams.get('filter'), "purpose_class IN ('Rubber', 'Cassava')");

  // The size: at least 10,000, at most 50,000 hectares.
  await page.selectOption('#min-ha', '10000');
  await settled(page);
  assert.match(page.url(), /[#&]min_ha=10000(&|$)/);
  await page.selectOption('#max-ha', '50000');
  await settled(page);
  assert.match(page.url(), /[#&]max_ha=50000(&|$)/);
  const sized = await expected({ crops: ['Rubber', 'Cassava'], min: 10000, max: 50000 });
  assert.equal(await stat_count(page), sized.size);
  const download = new URL(await page.getAttribute('#download-link', 'href'));
  assert.equal(download.searchParams.get('filter'), "purpose_class IN ('Rubber', 'Cassava') AND area_ha >= 10000 AND area_ha <= 50000");
  assert.equal((await (await fetch(download)).json()).features.length, sized.size, 'the download');
  const mining = new URL(urls.filter((u) => u.pathname.startsWith('/collections/mining/tiles/')).at(-1));
  assert.equal(mining.searchParams.get('filter'), 'area_ha >= 10000 AND area_ha <= 50000');
  // The chips (a phone's; their labels are the same here): one per crop, one for the size.
  assert.deepEqual(await page.locator('#filter-chips .chip-label').allTextContents(), ['Rubber', 'Cassava', '10,000–50,000 ha']);
  await page.locator('#filter-chips .chip', { hasText: 'Rubber' }).evaluate((chip) => chip.click());
  await settled(page);
  assert.match(page.url(), /[#&]crop=Cassava(&|$)/);
  assert.equal(await page.inputValue('#purpose-select'), 'Cassava');

  // The select chooses one again; Any takes every crop away.
  await page.selectOption('#purpose-select', 'Rubber');
  await settled(page);
  assert.deepEqual(await ticked(page), ['Rubber']);
  assert.equal(await stat_count(page), (await expected({ crops: ['Rubber'], min: 10000, max: 50000 })).size);
  await page.selectOption('#purpose-select', '');
  await settled(page);
  assert.doesNotMatch(page.url(), /crop=/);
  assert.deepEqual(await ticked(page), []);

  // Clear filters: no size, every concession.
  await page.click('#clear-filters');
  await settled(page);
  assert.doesNotMatch(page.url(), /_ha=/);
  assert.equal(await page.inputValue('#min-ha'), '');
  assert.equal(await stat_count(page), (await elc_features()).length);

  // A layer without crops hides the picker; the size still applies to it.
  await page.selectOption('#focus-select', 'mining');
  await settled(page);
  assert.equal(await page.isVisible('#crop-picker'), false);
  await page.selectOption('#min-ha', '1000');
  await settled(page);
  assert.equal(await stat_count(page), (await api('/collections/mining/items?limit=1&filter=area_ha%20%3E%3D%201000')).numberMatched);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a size a link gives that is not offered is listed; one that is no number is left out', { timeout: 90_000 }, async () => {
  const { context, page, problems } = await open_page('#layers=elc&focus=elc&min_ha=1234&max_ha=ten');
  assert.equal(await page.inputValue('#min-ha'), '1234');
  assert.equal(await page.locator('#min-ha option:checked').textContent(), '1,234 ha');
  assert.equal(await page.inputValue('#max-ha'), '');
  assert.doesNotMatch(page.url(), /max_ha/);
  assert.equal(await stat_count(page), (await expected({ min: 1234 })).size);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [device, options] of [['desktop', {}], ['phone', phone]]) {
  for (const lang of ['en', 'km']) {
    test(`axe-core finds no violation with a size and two crops chosen (${device}, ${lang})`, { timeout: 120_000 }, async () => {
      const { context, page, problems } = await open_page(`?lang=${lang}&layers=elc,mining,protected-areas&focus=elc&min_ha=5000&crop=Rubber,Sugar%20cane`, options);
      await page.waitForFunction(() => document.querySelector('#crop-choices input:checked'));
      const found = await axe_violations(page);
      if (device === 'phone') {
        // The chips say the filters over the map; each removes its own.
        const n = await page.evaluate((l) => new Intl.NumberFormat(l === 'km' ? 'km-KH' : 'en-GB').format(5000), lang);
        const size = lang === 'en' ? `At least ${n} ha` : `យ៉ាងតិច ${n} ហ.ត`;
        const chip = page.getByRole('button', { name: lang === 'en' ? `Remove filter: ${size}` : `ដកតម្រងចេញ៖ ${size}` });
        assert.ok(await chip.isVisible(), 'no chip for the size');
        await shot(page, `cql2-03-phone-${lang}-chips.png`);
        await page.locator('#panel-toggle').tap();
      }
      await page.locator('#crop-picker').scrollIntoViewIfNeeded();
      await settled(page);
      found.push(...await axe_violations(page));
      await shot(page, `cql2-04-${device}-${lang}-filters.png`);
      assert.deepEqual(found, []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}
