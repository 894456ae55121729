// Browser tests of issue 18's page parts: the legend on the map and its
// colours under colour-vision deficiencies (§1), the context layers' province
// filter on request (§1), source document links (§2), search and shared
// links, Khmer search and filter chips (§6), axe-core, tap targets and focus
// (§7). The API is the oracle wherever there is a number to compare.
import { test, assert, ctx, api, settled, shot, tile_features, open_page, use_server_and_browser, axe_violations } from './harness.mjs';
import { closest_pair, visions } from './colour_vision.mjs';

use_server_and_browser();

const phone = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
// CIEDE2000 between any two legend colours, in each vision: about 2 is "just
// noticeable" side by side; 8 keeps small swatches and map fills apart.
const min_delta_e = 8;

const view_of = (page) => page.evaluate(() => {
  const m = window.concessions_page.map;
  const c = m.getCenter();
  return { zoom: m.getZoom(), lat: c.lat, lng: c.lng };
});
const stat_count = async (page) => Number(await page.getAttribute('#stat-count', 'data-value'));
const count = async (query) => (await api(`/collections/elc/items?limit=1&${query}`)).numberMatched;

test('the map legend lists each visible layer and the crop classes; every pair of its colours stays apart in normal vision and simulated protanopia, deuteranopia and tritanopia', { timeout: 120_000 }, async () => {
  const collections = (await api('/collections')).collections;
  const all = collections.map((c) => c.id);
  const { context, page, problems } = await open_page(`#layers=${all.join(',')}&focus=elc`);
  const legend = page.getByRole('region', { name: 'Legend' });
  await legend.locator('.map-legend-crops li').first().waitFor();
  assert.equal(await page.getAttribute('.map-legend-toggle', 'aria-expanded'), 'true', 'the legend is closed on a desktop');
  assert.equal(await page.getByRole('button', { name: 'Legend' }).count(), 1);
  // One row per visible layer, in the catalog's order, in the catalog's colour.
  const rows = await legend.locator('.map-legend-list > li').evaluateAll((lis) => lis.map((li) => ({
    id: li.dataset.collection, colour: li.querySelector('.swatch').dataset.colour,
    point: li.querySelector('.swatch').classList.contains('swatch-point') })));
  assert.deepEqual(rows.map((r) => r.id), all);
  for (const r of rows) assert.equal(r.colour, collections.find((c) => c.id === r.id).color, `${r.id}'s legend colour`);
  assert.ok(rows.find((r) => r.id === 'hydropower').point, 'dams (points) are not drawn as a dot');
  assert.ok(!rows.find((r) => r.id === 'elc').point, 'ELC polygons drawn as a dot');
  // Crop classes under ELC, as drawn on the map.
  const crops = await legend.locator('.map-legend-crops .swatch').evaluateAll((s) => s.map((x) => x.dataset.colour));
  const page_palette = await page.evaluate(() => import(document.querySelector('link[href*="layers.js"]').href)
    .then((m) => ({ palette: m.palette, other: m.other_purpose, unknown: m.unknown_purpose })));
  assert.ok(crops.length >= 4, `only ${crops.length} crop classes in the legend`);
  assert.equal(crops.at(-2), page_palette.other);
  assert.equal(crops.at(-1), page_palette.unknown);
  // "Not stated" is an outline in the layer's colour, not a colour of its own.
  const unknown_border = await legend.locator('.map-legend-crops .swatch').last().evaluate((s) => getComputedStyle(s).borderTopColor);
  assert.equal(unknown_border, 'rgb(255, 121, 0)', 'not stated is not outlined in the ELC colour');

  // Everything the legend can show at once: every layer, the whole palette and "other".
  const colours = [...new Set([...rows.map((r) => r.colour), ...page_palette.palette, page_palette.other])];
  for (const vision of visions) {
    const pair = closest_pair(colours, vision);
    console.log(`# ${vision}: closest legend colours ${pair.a} and ${pair.b}, CIEDE2000 ${pair.delta_e.toFixed(1)}`);
    assert.ok(pair.delta_e >= min_delta_e, `${vision}: ${pair.a} and ${pair.b} differ by ${pair.delta_e.toFixed(1)} (< ${min_delta_e})`);
  }
  await shot(page, 'page-01-legend-all-layers.png');
  assert.deepEqual(problems, []);
  await context.close();

  // A phone: closed, one tap opens it.
  const small = await open_page('#focus=elc', phone);
  const toggle = small.page.getByRole('button', { name: 'Legend' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'the legend covers a phone map at first');
  assert.equal(await small.page.isVisible('#map-legend-body'), false);
  await toggle.tap();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok(await small.page.isVisible('#map-legend-body .map-legend-list'));
  await shot(small.page, 'page-02-phone-legend.png');
  assert.deepEqual(small.problems, []);
  await small.context.close();
});

test('the province filter narrows context layers only when asked (ctx=province)', { timeout: 120_000 }, async () => {
  const in_province = new Set((await api('/collections/protected-areas/items?province=Koh%20Kong&limit=1000')).features.map((f) => f.id));
  const total = (await api('/collections/protected-areas/items?limit=1')).numberMatched;
  assert.ok(in_province.size > 0 && in_province.size < total, `${in_province.size} of ${total} protected areas in Koh Kong`);
  const view = '#map=8/11.5/103.6&layers=elc,protected-areas&focus=elc&province=Koh%20Kong';
  const ids = async (page) => new Set((await tile_features(page, 'protected-areas')).map((f) => f.id));
  const { context, page, problems } = await open_page(view);
  const whole = await ids(page);
  assert.ok([...whole].some((id) => !in_province.has(id)), 'protected areas outside Koh Kong are not drawn without ctx=province');
  assert.equal(await page.isChecked('#context-province'), false);
  await page.check('#context-province');
  await settled(page);
  assert.match(page.url(), /[#&]ctx=province(&|$)/);
  const narrowed = await ids(page);
  assert.ok(narrowed.size > 0, 'no protected area drawn in Koh Kong');
  for (const id of narrowed) assert.ok(in_province.has(id), `protected area ${id} drawn outside Koh Kong`);
  await page.reload();
  await settled(page);
  assert.equal(await page.isChecked('#context-province'), true, 'ctx=province lost on reload');
  assert.deepEqual([...await ids(page)].sort(), [...narrowed].sort());
  await page.uncheck('#context-province');
  await settled(page);
  assert.doesNotMatch(page.url(), /ctx=/);
  assert.deepEqual([...await ids(page)].sort(), [...whole].sort());
  assert.deepEqual(problems, []);
  await context.close();
});

test('the detail links each source document named in a feature through the catalog\'s document_url', { timeout: 90_000 }, async () => {
  const elc = await api('/collections/elc');
  assert.match(elc.document_url ?? '', /\{document\}/, 'the ELC collection has no document_url');
  const all = (await api('/collections/elc/items?limit=10000')).features;
  const documents = (x) => [x.properties.References, x.properties.Cancelled].flatMap((v) => (v ?? '').split(/\s*[;,]\s*/)).filter(Boolean);
  // The feature naming the most documents, in References and Cancelled both.
  const f = all.filter((x) => x.properties.References && x.properties.Cancelled).sort((a, b) => documents(b).length - documents(a).length)[0];
  assert.ok(f && documents(f).length >= 2, 'no ELC with a reference and a cancellation document');
  const names = documents(f);
  const { context, page, problems } = await open_page(`#sel=elc/${f.id}`);
  await page.waitForSelector('#detail:not([hidden]) .sources .document-link');
  const links = await page.locator('#detail .sources a.document-link').evaluateAll((as) => as.map((a) => ({
    text: a.textContent, href: a.getAttribute('href'), target: a.target, rel: a.rel })));
  assert.deepEqual(links.map((l) => l.text), names);
  for (const l of links) {
    assert.equal(l.href, elc.document_url.replace('{document}', encodeURIComponent(l.text)));
    assert.equal(l.target, '_blank');
    assert.match(l.rel, /\bnoopener\b/);
  }
  assert.ok(await page.locator('#detail .attrs a.document-link').count() >= names.length, 'the attribute table does not link the documents');
  await shot(page, 'page-03-detail-documents.png');
  await page.click('.lang-switch button[data-lang="km"]');
  await settled(page);
  await page.waitForSelector('#detail .sources .document-link');
  await shot(page, 'page-04-detail-documents-km.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a search that finds nothing says so and leaves the map as it was; Escape closes the results and keeps the query', { timeout: 90_000 }, async () => {
  const { context, page, problems } = await open_page('#map=9/12.4/105.5');
  const before = await view_of(page);
  const url = page.url();
  const stats = await stat_count(page);
  await page.fill('#search-input', 'zzqx nothing');
  await page.press('#search-input', 'Enter');
  await page.waitForSelector('#search-results .search-none');
  await settled(page);
  assert.equal(await page.innerText('#search-results'), 'No match for “zzqx nothing”.');
  assert.deepEqual(await view_of(page), before, 'the map moved');
  assert.equal(page.url(), url, 'the URL changed');
  assert.equal(await stat_count(page), stats, 'the statistics changed');
  await page.keyboard.press('Escape');
  assert.equal(await page.isHidden('#search-results'), true);
  assert.equal(await page.inputValue('#search-input'), 'zzqx nothing', 'Escape wiped the query');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input');

  // With results too.
  await page.fill('#search-input', 'Hoang Anh');
  await page.press('#search-input', 'Enter');
  await page.waitForSelector('.search-hit');
  await settled(page);
  await page.keyboard.press('Escape');
  assert.equal(await page.isHidden('#search-results'), true);
  assert.equal(await page.inputValue('#search-input'), 'Hoang Anh');
  assert.match(page.url(), /[#&]q=Hoang%20Anh(&|$)/, 'Escape dropped the search filter');
  assert.equal(await stat_count(page), await count('q=Hoang%20Anh'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a shared link with a search, a view and a selection opens exactly that view', { timeout: 90_000 }, async () => {
  const hit = (await api('/collections/elc/items?q=Hoang%20Anh&limit=1')).features[0];
  const link = `#map=12.5/13.7512/106.9817&layers=elc&focus=elc&q=Hoang%20Anh&sel=elc/${hit.id}`;
  const { context, page, problems } = await open_page(link);
  await page.waitForSelector('#detail:not([hidden]) #detail-company');
  await settled(page);
  const view = await view_of(page);
  assert.equal(view.zoom, 12.5, 'the map re-zoomed');
  assert.ok(Math.abs(view.lat - 13.7512) < 1e-4 && Math.abs(view.lng - 106.9817) < 1e-4, `the map moved to ${JSON.stringify(view)}`);
  assert.equal(await page.isHidden('#search-results'), true, 'the results reopened over the detail');
  assert.equal(await page.inputValue('#search-input'), 'Hoang Anh');
  assert.equal(await stat_count(page), await count('q=Hoang%20Anh'));
  assert.match(page.url(), new RegExp(`[#&]sel=elc/${hit.id}(&|$)`));
  assert.match(page.url(), /[#&]map=12\.5\/13\.7512\/106\.9817(&|$)/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('links already shared keep working: every URL parameter of today takes effect', { timeout: 120_000 }, async () => {
  const collections = (await api('/collections')).collections;
  const target = (await api('/collections/elc/items?province=Koh%20Kong&sortby=-area_ha&limit=1')).features[0];
  const q = 'Co';
  const purpose = target.properties.Purpose;
  const country = target.properties.Nation;
  const year = target.properties.contract_date.slice(0, 4);
  const params = new URLSearchParams({ map: '9/11.4/103.5', layers: 'elc,mining,protected-areas', focus: 'elc', province: 'Koh Kong', q,
    purpose, country, year: `${year}-${year}`, sel: `elc/${target.id}`, lang: 'km', basemap: 'none', colour: 'collection', boundaries: 'off' });
  const { context, page, problems } = await open_page(`#${params.toString().replace(/\+/g, '%20')}`);
  await page.waitForSelector('#detail:not([hidden]) #detail-company');
  await settled(page);
  const view = await view_of(page);
  assert.deepEqual([view.zoom, Math.round(view.lat * 10) / 10, Math.round(view.lng * 10) / 10], [9, 11.4, 103.5], 'map');
  const shown = await page.evaluate(() => [...window.concessions_page.layers].filter(([, l]) => l._map).map(([id]) => id));
  assert.deepEqual(shown, ['elc', 'mining', 'protected-areas'], 'layers');
  assert.equal(await page.inputValue('#focus-select'), 'elc', 'focus');
  assert.equal(await page.inputValue('#province-select'), 'Koh Kong', 'province');
  assert.equal(await page.inputValue('#search-input'), q, 'q');
  await page.waitForFunction((p) => document.getElementById('purpose-select').value === p, purpose);
  assert.equal(await page.inputValue('#country-select'), country, 'country');
  assert.deepEqual([await page.inputValue('#year-from'), await page.inputValue('#year-to')], [year, year], 'year');
  const expected = await count(`province=Koh%20Kong&q=${q}&Purpose=${encodeURIComponent(purpose)}&Nation=${encodeURIComponent(country)}&datetime=${year}-01-01/${year}-12-31`);
  assert.ok(expected >= 1);
  assert.equal(await stat_count(page), expected, 'the filters together');
  assert.equal(await page.innerText('#detail-title'), target.properties.Name, 'sel');
  assert.equal(await page.getAttribute('html', 'lang'), 'km', 'lang');
  assert.equal(await page.evaluate(() => document.body.classList.contains('no-basemap')), true, 'basemap');
  assert.equal(await page.isChecked('#colour-by-purpose'), false, 'colour');
  assert.equal(await page.locator('.map-legend-crops').count(), 0, 'colour=collection still shows crop colours');
  const fills = await page.evaluate(() => {
    const layer = window.concessions_page.layers.get('elc');
    const out = new Set();
    for (const key in layer._tiles) for (const f of layer._tiles[key].el._features ?? []) out.add(layer._style(f.properties, false, 9).fill);
    return [...out];
  });
  assert.deepEqual(fills, [collections.find((c) => c.id === 'elc').color], 'colour=collection');
  assert.equal(await page.isChecked('#show-provinces'), false, 'boundaries');
  assert.equal(await page.locator('.province-label').count(), 0, 'boundaries=off still labels provinces');
  await shot(page, 'page-05-old-link-km.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a search in Khmer finds by province and crop names', { timeout: 90_000 }, async () => {
  const { context, page, problems } = await open_page('#layers=elc&focus=elc&lang=km');
  for (const [khmer, english] of [['កោះកុង', 'Koh Kong'], ['កៅស៊ូ', 'Rubber']]) {
    const expected = await api(`/collections/elc/items?q=${encodeURIComponent(english)}&sortby=-area_ha&limit=8`);
    assert.ok(expected.numberMatched > 0, `the API finds nothing for ${english}`);
    await page.fill('#search-input', khmer);
    await page.press('#search-input', 'Enter');
    await page.waitForSelector('.search-hit');
    await settled(page);
    const names = await page.locator('#search-results .search-concessions .hit-name').allTextContents();
    assert.deepEqual(names, expected.features.map((f) => f.properties.Name), `${khmer}: listed`);
    // The companies whose names hold the words follow ("Koh Kong Sugar..."), as /companies finds them.
    const companies = await api(`/companies?q=${encodeURIComponent(english)}&collections=elc,elc-partial,mining&limit=5`);
    assert.deepEqual(await page.locator('#search-results .search-companies .hit-name').allTextContents(), companies.companies.map((c) => c.name));
    assert.equal(await stat_count(page), expected.numberMatched, `${khmer}: statistics`);
    assert.equal(await page.inputValue('#search-input'), khmer, 'the query was rewritten in the box');
    await shot(page, `page-06-khmer-search-${english.replace(/ /g, '-').toLowerCase()}.png`);
    await page.keyboard.press('Escape');
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('on a phone the active filters show as chips above the map, each removable with one tap', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page('#province=Koh%20Kong&year=2000-2012&map=9/11.5/103.5', phone);
  const koh_kong = page.getByRole('button', { name: 'Remove filter: Koh Kong' });
  const years = page.getByRole('button', { name: 'Remove filter: 2000–2012' });
  assert.ok(await koh_kong.isVisible() && await years.isVisible(), 'no chips for the province and the years');
  const chip = await koh_kong.boundingBox();
  const map = await page.locator('#map').boundingBox();
  assert.ok(chip.y >= map.y && chip.y + chip.height < map.y + 80, 'the chip is not at the top of the map');
  await shot(page, 'page-07-phone-chips.png');
  await koh_kong.tap();
  await settled(page);
  assert.doesNotMatch(page.url(), /province=/);
  assert.equal(await koh_kong.count(), 0);
  assert.equal(await stat_count(page), await count('datetime=2000-01-01/2012-12-31'));
  await years.tap();
  await settled(page);
  assert.equal(await stat_count(page), await count(''));
  assert.equal(await page.isVisible('#filter-chips'), false, 'an empty chip row is shown');
  // Khmer names the chips in Khmer.
  await page.goto(`${ctx.base}/#province=Koh%20Kong&q=rubber&lang=km`);
  await page.reload();
  await settled(page);
  await page.keyboard.press('Escape');
  assert.ok(await page.getByRole('button', { name: 'ដកតម្រងចេញ៖ កោះកុង' }).isVisible());
  await shot(page, 'page-08-phone-chips-km.png');
  assert.deepEqual(problems, []);
  await context.close();
});

// ----- §7 ---------------------------------------------------------------------

// A point in a province with no concession layer feature under it.
async function open_province_popup(page) {
  await page.evaluate(() => window.concessions_page.map.setView([11.33, 105.45], 9, { animate: false }));  // Prey Veng
  await settled(page);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector('.leaflet-popup .province-popup');
  // Faded in: half transparent, its text would fail axe's contrast check.
  await page.waitForFunction(() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1');
}

for (const [device, options] of [['desktop', {}], ['phone', phone]]) {
  for (const lang of ['en', 'km']) {
    test(`axe-core finds no violation (${device}, ${lang}): first view, search results, detail, popup${device === 'phone' ? ', sheet' : ''}`, { timeout: 180_000 }, async () => {
      const hit = (await api('/collections/elc/items?q=Hoang%20Anh&limit=1')).features[0];
      const { context, page, problems } = await open_page(`#lang=${lang}&province=Koh%20Kong&map=8/12/104.8`, options);
      const found = {};
      found.first = await axe_violations(page);
      await page.fill('#search-input', 'rubber');
      await page.press('#search-input', 'Enter');
      await page.waitForSelector('.search-hit');
      await settled(page);
      found.results = await axe_violations(page);
      await page.goto(`${ctx.base}/#lang=${lang}&sel=elc/${hit.id}`);
      await page.reload();
      await settled(page);
      await page.waitForSelector('#detail:not([hidden]) #detail-company');
      found.detail = await axe_violations(page);
      await page.keyboard.press('Escape');
      await open_province_popup(page);
      found.popup = await axe_violations(page);
      if (device === 'phone') {
        await page.tap('#panel-toggle');
        await page.waitForSelector('#panel .sheet-body');
        found.sheet = await axe_violations(page);
      }
      await shot(page, `page-09-axe-${device}-${lang}.png`);
      for (const [state, list] of Object.entries(found)) assert.deepEqual(list, [], `${state}: ${list.join('\n')}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

// Every visible button, link, input, select and summary on a phone is at
// least 44x44 CSS px, or is one of these exceptions:
//  - links in the credit line: inline text in a sentence (WCAG 2.5.5's
//    "inline" exception), the line itself opens on a tap;
//  - a checkbox inside a label: the label is the target, and is measured;
//  - province names on the map: a shortcut, the province list in the
//    filters does the same.
const tap_exceptions = '.leaflet-control-attribution a, .check input[type=checkbox], .province-label';
async function small_targets(page) {
  return page.evaluate((exceptions) => {
    const out = [];
    const targets = [...document.querySelectorAll('button, a[href], input, select, summary, [role=button], .check')];
    for (const el of targets) {
      if (el.matches(exceptions)) continue;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!r.width || !r.height || style.visibility === 'hidden' || el.closest('[hidden]')) continue;
      if (r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) continue;  // scrolled off
      // The target is its box, or a label around it.
      const box = el.closest('label') ?? el;
      const b = box.getBoundingClientRect();
      if (Math.round(b.width) < 44 || Math.round(b.height) < 44)
        out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${String(el.className).split(' ')[0]} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}" ${Math.round(b.width)}x${Math.round(b.height)}`);
    }
    return out;
  }, tap_exceptions);
}

test('on a phone every tap target is at least 44x44 CSS px', { timeout: 120_000 }, async () => {
  const hit = (await api('/collections/elc/items?q=Hoang%20Anh&limit=1')).features[0];
  const { context, page, problems } = await open_page('#province=Koh%20Kong&q=rubber', phone);
  await page.keyboard.press('Escape');
  const found = { map: await small_targets(page) };
  await page.getByRole('button', { name: 'Legend' }).tap();
  found.legend = await small_targets(page);
  await page.tap('#panel-toggle');
  await page.waitForSelector('#panel .sheet-body');
  found.sheet = await small_targets(page);
  await page.evaluate(() => document.querySelector('#panel .sheet-body').scrollTo(0, 1e6));
  found.sheet_end = await small_targets(page);
  await page.goto(`${ctx.base}/#sel=elc/${hit.id}`);
  await page.reload();
  await settled(page);
  await page.waitForSelector('#detail:not([hidden]) #detail-company');
  found.detail = await small_targets(page);
  await page.evaluate(() => document.querySelector('#detail .sheet-body').scrollTo(0, 1e6));
  found.detail_end = await small_targets(page);
  await shot(page, 'page-10-phone-detail-targets.png');
  await page.keyboard.press('Escape');
  await open_province_popup(page);
  found.popup = await small_targets(page);
  for (const [state, list] of Object.entries(found)) assert.deepEqual(list, [], `${state}: ${list.join('\n')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('focus returns where it was when the detail, the search results or the phone sheet close', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page('#map=9/12.4/105.5&layers=elc&focus=elc');
  const active = () => page.evaluate(() => {
    const el = document.activeElement;
    return el.id || `${el.tagName.toLowerCase()}.${el.className}:${el.textContent.trim().slice(0, 40)}`;
  });
  // A list row opened with the keyboard; Escape, then the close button.
  await page.waitForSelector('#list tbody .row-open');
  const row = page.locator('#list tbody .row-open').nth(1);
  await row.focus();
  const row_name = await active();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#detail:not([hidden]) #detail-company');
  assert.ok(await page.evaluate(() => document.getElementById('detail').contains(document.activeElement)), 'focus did not move into the detail');
  await page.keyboard.press('Escape');
  assert.equal(await page.isHidden('#detail'), true);
  assert.equal(await active(), row_name, 'Escape on the detail lost the focus');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#detail:not([hidden]) #detail-company');
  await page.focus('#detail .close');
  await page.keyboard.press('Enter');
  assert.equal(await active(), row_name, 'the close button lost the focus');
  // Search results: back to the box; a picked result's detail: back to the box too.
  await page.focus('#search-input');
  await page.keyboard.type('Hoang Anh');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.search-hit');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.match(await active(), /search-hit/);
  await page.keyboard.press('Escape');
  assert.equal(await active(), 'search-input');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.search-hit');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#detail:not([hidden]) #detail-company');
  await page.keyboard.press('Escape');
  assert.equal(await active(), 'search-input', 'closing a searched detail lost the focus');
  assert.deepEqual(problems, []);
  await context.close();

  // The phone sheet: back to the Filters button.
  const small = await open_page('', phone);
  await small.page.focus('#panel-toggle');
  await small.page.keyboard.press('Enter');
  await small.page.waitForSelector('#panel .sheet-body');
  await small.page.keyboard.press('Escape');
  assert.equal(await small.page.isVisible('#panel .sheet-body'), false);
  assert.equal(await small.page.evaluate(() => document.activeElement.id), 'panel-toggle');
  await small.page.keyboard.press('Enter');
  await small.page.focus('#panel .close');
  await small.page.keyboard.press('Enter');
  assert.equal(await small.page.evaluate(() => document.activeElement.id), 'panel-toggle');
  assert.deepEqual(small.problems, []);
  await small.context.close();
});

// A browser set to Khmer sends Accept-Language: km, and the API answers
// /collections in Khmer: the page asks for its own words in English (it has
// its Khmer labels), so its default layers and English labels stay right.
test('a browser set to Khmer gets the same default layers, and English labels after switching', { timeout: 90_000 }, async () => {
  const english = await open_page();
  const expected = await english.page.evaluate(() => window.concessions_page.state.layers);
  await english.context.close();
  const { context, page, problems } = await open_page('', { locale: 'km-KH' });
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'km');
  assert.deepEqual(await page.evaluate(() => window.concessions_page.state.layers), expected);
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  const titles = (await api('/collections?lang=en')).collections.map((c) => c.title);
  const labels = await page.$$eval('#layers label', (ls) => ls.map((l) => l.textContent.trim()));
  assert.deepEqual(labels, titles);
  assert.deepEqual(problems, []);
  await context.close();
});
