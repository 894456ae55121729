// Crops a person can pick (issue 15 §4). The oracle is the server's own
// JSON, asked here and not through the page: the classes and their Khmer
// names (/collections/elc/queryables: purpose_class's enum and x-enum-km),
// how many concessions each holds under a filter (stats?group=purpose_class),
// what a class selects (items?purpose_class=Rubber) and each feature's
// classes (items: purpose_class). The filter lists exactly the classes with
// those counts, and they follow the other filters; choosing one gives the
// statistics, list, map and download of the server's selection, in the URL
// through a reload; an older link's purpose=<text> still selects what it
// did; the page's own classification of a purpose text (web/layers.js, the
// map's crop colours come from it, since tiles carry the text) agrees with
// the server's for every ELC purpose; a layer without crops (mining) keeps
// its own values; axe-core finds nothing on a desktop and a phone, in
// English and Khmer.
import { test, assert, api, settled, shot, tile_features, open_page, use_server_and_browser, axe_violations } from './harness.mjs';

use_server_and_browser();

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const en = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const stat_count = async (page) => Number(await page.getAttribute('#stat-count', 'data-value'));
const matched = async (query) => (await api(`/collections/elc/items?limit=1&${query}`)).numberMatched;

// The select's options once the counts are in: [{value, text}], "Any" left out.
async function crop_options(page) {
  await page.waitForFunction(() => document.querySelector('#purpose-select option[value="Rubber"]')?.textContent.includes('('));
  return page.evaluate(() => [...document.querySelectorAll('#purpose-select option')].filter((o) => o.value).map((o) => ({ value: o.value, text: o.textContent })));
}

// What the options should say: each class of the enum with its count (0
// when stats has no group for it), named in `names`.
async function expected_options(query, names) {
  const q = (await api('/collections/elc/queryables')).properties.purpose_class;
  const stats = await api(`/collections/elc/stats?group=purpose_class${query ? `&${query}` : ''}`);
  const count = new Map(stats.groups.map((g) => [g.key, g.count]));
  const label = names === 'km' ? q['x-enum-km'] : q.enum;
  return q.enum.map((c, i) => ({ value: c, text: `${label[i]} (${new Intl.NumberFormat(names === 'km' ? 'km-KH' : 'en-GB').format(count.get(c) ?? 0)})` }));
}

function record_requests(page) {
  const urls = [];
  page.on('request', (r) => urls.push(new URL(r.url())));
  return urls;
}

test('the filter lists the queryables\' classes with the counts of stats?group=purpose_class, under the other filters', { timeout: 120_000 }, async () => {
  const q = (await api('/collections/elc/queryables')).properties.purpose_class;
  assert.ok(q.enum.includes('Rubber') && q.enum.length === q['x-enum-km'].length, JSON.stringify(q));
  const { context, page, problems } = await open_page('#layers=elc,protected-areas&focus=elc');
  assert.deepEqual(await crop_options(page), await expected_options('', 'en'));
  // Not the source's sixty spellings.
  assert.equal(await page.locator('#purpose-select option[value="Rubber plantation"]').count(), 0);

  await page.selectOption('#province-select', 'Kratie');
  await settled(page);
  const kratie = await expected_options('province=Kratie', 'en');
  assert.ok(kratie.some((o) => o.text.endsWith('(0)')), 'some class holds nothing in Kratie, and is still listed');
  assert.deepEqual(await crop_options(page), kratie);
  await shot(page, 'crops-01-desktop-options.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('choosing Rubber gives the statistics, list, map and downloads of items?purpose_class=Rubber; the URL keeps it; its chip removes it', { timeout: 180_000 }, async () => {
  const all = await matched('');
  const rubber = await api('/collections/elc/items?purpose_class=Rubber&limit=10000');
  const ids = new Set(rubber.features.map((f) => f.id));
  assert.ok(rubber.numberMatched > 0 && rubber.numberMatched < all && ids.size === rubber.numberMatched);
  const drawn_ids = async (page) => new Set((await tile_features(page, 'elc')).map((f) => f.id));

  const { context, page, problems } = await open_page('#layers=elc,protected-areas&focus=elc');
  await crop_options(page);
  const before = await drawn_ids(page);
  const urls = record_requests(page);
  await page.selectOption('#purpose-select', 'Rubber');
  await settled(page);
  assert.equal(await stat_count(page), rubber.numberMatched, 'statistics');
  assert.match(await page.textContent('#list-summary'), new RegExp(`${en.format(rubber.numberMatched)} match the filters`));
  const drawn = await drawn_ids(page);
  assert.ok(drawn.size > 0 && drawn.size < before.size, `${drawn.size} drawn, ${before.size} before`);
  for (const id of drawn) assert.ok(ids.has(id), `feature ${id} drawn but not in the class Rubber`);
  // The requests: purpose_class on the layer's tiles, list and statistics.
  const elc_tiles = urls.filter((u) => u.pathname.startsWith('/collections/elc/tiles/'));
  assert.ok(elc_tiles.length > 0 && elc_tiles.every((u) => u.searchParams.get('purpose_class') === 'Rubber'), 'the tiles');
  assert.ok(urls.some((u) => u.pathname === '/collections/elc/items' && u.searchParams.get('purpose_class') === 'Rubber'), 'the list');
  assert.ok(urls.some((u) => u.pathname === '/collections/elc/stats' && u.searchParams.get('purpose_class') === 'Rubber'), 'the statistics');
  assert.ok(urls.every((u) => !u.pathname.startsWith('/collections/protected-areas/') || !u.searchParams.has('purpose_class')), 'a context layer got it');
  // The list names each row's classes, Rubber among them.
  const row_crops = await page.locator('#list tbody .row-crops').allTextContents();
  assert.ok(row_crops.length > 0 && row_crops.every((text) => text.split(' · ').includes('Rubber')), JSON.stringify(row_crops));
  // Downloads: the layer's file holds exactly the selection; everything shown names the layer.
  const link = new URL(await page.getAttribute('#download-link', 'href'));
  assert.equal(link.searchParams.get('purpose_class'), 'Rubber');
  const file = await (await fetch(link)).json();
  assert.deepEqual(new Set(file.features.map((f) => f.id)), ids, 'the download');
  const all_link = new URL(await page.getAttribute('#download-all-link', 'href'));
  assert.equal(all_link.searchParams.get('elc:purpose_class'), 'Rubber');
  const all_file = await fetch(all_link);
  assert.equal(all_file.status, 200, 'everything shown');
  await all_file.arrayBuffer();
  assert.match(page.url(), /[#&]crop=Rubber(&|$)/);
  await shot(page, 'crops-02-desktop-rubber.png');

  // The detail lists a feature's classes as the server does; each filters.
  await page.locator('#list tbody .row-open').first().click();
  await page.waitForSelector('#detail-crops li');
  const shown_id = await page.evaluate(() => window.concessions_page.state.selected.id);
  const item = await api(`/collections/elc/items/${shown_id}`);
  assert.deepEqual(await page.locator('#detail-crops li').evaluateAll((lis) => lis.map((li) => li.dataset.class)), item.properties.purpose_class);
  await shot(page, 'crops-03-desktop-detail.png');

  // A reload keeps it.
  await page.reload();
  await settled(page);
  await crop_options(page);
  assert.equal(await page.inputValue('#purpose-select'), 'Rubber');
  assert.equal(await stat_count(page), rubber.numberMatched, 'after a reload');

  // Its chip removes it (the chips show on a phone's width; the state is the same).
  await page.evaluate(() => document.querySelector('#filter-chips .chip').click());
  await settled(page);
  assert.equal(await stat_count(page), all);
  assert.doesNotMatch(page.url(), /crop=/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an older link\'s purpose=<source text> selects what it did; a class chosen replaces it; purpose=rubber is the class', { timeout: 120_000 }, async () => {
  const written = await matched('Purpose=Rubber%20plantation');
  const { context, page, problems } = await open_page('#layers=elc&focus=elc&purpose=Rubber%20plantation');
  await crop_options(page);
  assert.equal(await page.inputValue('#purpose-select'), 'Rubber plantation');
  assert.match(await page.locator('#purpose-select option:checked').textContent(), /as the source writes it/);
  assert.equal(await stat_count(page), written);
  await page.selectOption('#purpose-select', 'Cassava');
  await settled(page);
  assert.equal(await stat_count(page), await matched('purpose_class=Cassava'));
  assert.match(page.url(), /[#&]crop=Cassava(&|$)/);
  assert.doesNotMatch(page.url(), /purpose=/);
  assert.equal(await page.locator('#purpose-select option[value="Rubber plantation"]').count(), 0);
  await context.close();

  const second = await open_page('#layers=elc&focus=elc&purpose=rubber');
  await crop_options(second.page);
  await settled(second.page);
  assert.equal(await second.page.inputValue('#purpose-select'), 'Rubber');
  assert.equal(await stat_count(second.page), await matched('purpose_class=Rubber'));
  assert.match(second.page.url(), /[#&]crop=Rubber(&|$)/);
  assert.deepEqual([...problems, ...second.problems], []);
  await second.context.close();
});

test('the page classifies every ELC purpose text as the server does; the map\'s crop colours and the legend follow', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page('#layers=elc&focus=elc');
  await crop_options(page);
  for (const collection of ['elc', 'elc-partial']) {
    const doc = await api(`/collections/${collection}/items?limit=10000`);
    assert.equal(doc.features.length, doc.numberMatched);
    const by_text = new Map();
    for (const f of doc.features) {
      const text = f.properties.Purpose ?? null;
      const classes = f.properties.purpose_class;
      assert.ok(Array.isArray(classes), `${collection}/${f.id} has no purpose_class list`);
      if (by_text.has(text)) assert.deepEqual(classes, by_text.get(text), `two lists for “${text}”`);
      else by_text.set(text, classes);
    }
    assert.ok(by_text.size > 40, `${by_text.size} distinct purposes in ${collection}`);
    const page_classes = await page.evaluate((texts) => import(document.querySelector('link[href*="layers.js"]').href)
      .then((m) => texts.map((text) => ({ classes: m.purpose_classes_of(text), key: m.purpose_class(text), coloured: m.coloured_classes }))), [...by_text.keys()]);
    [...by_text].forEach(([text, classes], i) => {
      const mine = page_classes[i];
      assert.deepEqual(mine.classes, classes, `${collection}: “${text}”`);
      // The legend's key: the first coloured class, else the text itself ('' when not stated).
      const first = classes.find((c) => mine.coloured.includes(c));
      assert.equal(mine.key, first ?? (classes.length ? String(text).toLowerCase().trim() : ''), `${collection}: the colour of “${text}”`);
    });
  }
  // The legend: the coloured classes ranked by hectares as stats?group=purpose_class ranks them, in words.
  const coloured = await page.evaluate(() => import(document.querySelector('link[href*="layers.js"]').href).then((m) => m.coloured_classes));
  const ranked = (await api('/collections/elc/stats?group=purpose_class')).groups
    .filter((g) => coloured.includes(g.key)).sort((a, b) => b.area_ha - a.area_ha).map((g) => g.key);
  const legend = await page.locator('#purpose-legend li').allTextContents();
  assert.deepEqual(legend.slice(0, ranked.length), ranked);
  // A drawn Rubber feature is painted in Rubber's colour.
  const fills = await page.evaluate(() => {
    const cp = window.concessions_page;
    const layer = cp.layers.get('elc');
    const out = [];
    for (const key in layer._tiles) for (const f of layer._tiles[key].el._features ?? [])
      if (/^rubber plantation$/i.test(f.properties.purpose ?? '')) out.push(layer._style(f.properties, false, 8).fill);
    return { fills: [...new Set(out)], rubber: cp.purpose_classes.get('Rubber') };
  });
  assert.deepEqual(fills.fills, [fills.rubber]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a layer whose purposes are no crops (mining) keeps its own values', { timeout: 90_000 }, async () => {
  const { context, page, problems } = await open_page('#layers=mining&focus=mining');
  await page.waitForFunction(() => document.querySelectorAll('#purpose-select option').length > 3);
  const values = await page.evaluate(() => [...document.querySelectorAll('#purpose-select option')].map((o) => o.value));
  assert.ok(values.includes('Gold') && !values.includes('Rubber'), JSON.stringify(values));
  await page.selectOption('#purpose-select', 'Gold');
  await settled(page);
  assert.equal(await stat_count(page), (await api('/collections/mining/items?limit=1&commodity=Gold')).numberMatched);
  assert.match(page.url(), /[#&]purpose=Gold(&|$)/);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [device, options] of [['desktop', { viewport: { width: 1366, height: 768 } }], ['phone', phone]]) {
  for (const lang of ['en', 'km']) {
    test(`axe-core finds no violation with a crop chosen (${device}, ${lang})`, { timeout: 120_000 }, async () => {
      const rubber = (await api('/collections/elc/items?purpose_class=Rubber&limit=1&sortby=-area_ha')).features[0];
      const { context, page, problems } = await open_page(`#lang=${lang}&layers=elc,protected-areas&focus=elc&crop=Rubber&sel=elc/${rubber.id}`, options);
      await page.waitForSelector('#detail-crops li');
      const found = await axe_violations(page);
      await shot(page, `crops-04-${device}-${lang}-detail.png`);
      await page.locator('#detail [data-close="detail"]').click();
      if (device === 'phone') await page.locator('#panel-toggle').tap();
      const shown = await crop_options(page);
      assert.deepEqual(shown, await expected_options('', lang), 'the classes in the page\'s language');
      await page.locator('#purpose-select').scrollIntoViewIfNeeded();
      await settled(page);
      found.push(...await axe_violations(page));
      await shot(page, `crops-05-${device}-${lang}-filter.png`);
      assert.deepEqual(found, []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}
