// Overlap with protected land on the page (issue 15 §2). The oracle is the
// server's own JSON, asked here and not through the page: a feature's
// overlaps (/collections/elc/items/{id}), the hectares inside protected
// land and the top protected areas for a filter (stats?group=overlap), and
// the concessions inside one protected area (items?overlaps=protected-areas:<id>).
// The detail panel lists exactly a clicked feature's overlaps; the panel's
// section gives the same hectares as the statistics for the same filter
// (and follows a province); a protected area chosen there filters the
// statistics, list and map to what lies inside it, and the URL keeps it
// through a reload; the highlight paints only where a concession lies
// inside a protected area (inside the concession and the protected area
// drawn by their own layers, and nowhere on a concession with no overlap);
// axe-core finds nothing on a desktop and a phone, in English and Khmer.
import { test, assert, api, settled, shot, tile_features, open_page, use_server_and_browser, axe_violations, interior_point, bbox_of } from './harness.mjs';

use_server_and_browser();

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const en = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const en1 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const stat_count = async (page) => Number(await page.getAttribute('#stat-count', 'data-value'));
const query = (params) => new URLSearchParams(params).toString();

// What the section shows: {collection: hectares} from its data-value.
const section_inside = (page) => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#overlap-stats .overlap-total')]
  .map((el) => [el.dataset.collection, Number(el.querySelector('dd').dataset.value)])));
const section_top = (page) => page.evaluate(() => [...document.querySelectorAll('#overlap-stats .overlap-top li')]
  .map((li) => ({ id: Number(li.dataset.id), name: li.querySelector('button').textContent.replace(/^✓ /, ''), value: li.querySelector('.bar-value').textContent })));

// Fits the map to a box [w, s, e, n] and waits for every layer.
async function show_box(page, b) {
  await page.evaluate((box) => window.concessions_page.map.fitBounds([[box[1], box[0]], [box[3], box[2]]], { animate: false, maxZoom: 12 }), b);
  await settled(page);
}

// Alpha of a layer's canvas at a place ('overlap': the highlight).
function alpha_at(page, layer_id, { lat, lng }) {
  return page.evaluate(({ layer_id, lat, lng }) => {
    const cp = window.concessions_page;
    const layer = layer_id === 'overlap' ? cp.overlap_layer : cp.layers.get(layer_id);
    const z = layer._tileZoom;
    const p = cp.map.project([lat, lng], z);
    const tx = Math.floor(p.x / 512), ty = Math.floor(p.y / 512);
    const tile = layer._tiles?.[`${tx}:${ty}:${z}`];
    if (!tile) return null;
    const ratio = tile.el.width / 512;
    return tile.el.getContext('2d').getImageData(Math.floor((p.x - tx * 512) * ratio), Math.floor((p.y - ty * 512) * ratio), 1, 1).data[3];
  }, { layer_id, lat, lng });
}

// Every painted pixel of the highlight's tiles, and how many of them the
// concessions' and the protected areas' own tiles also paint.
function highlight_pixels(page) {
  return page.evaluate(() => {
    const cp = window.concessions_page;
    const elc = cp.layers.get('elc'), areas = cp.layers.get('protected-areas');
    let painted = 0, in_both = 0, tiles = 0;
    for (const [key, tile] of Object.entries(cp.overlap_layer._tiles)) {
      const a = elc._tiles[key]?.el, b = areas._tiles[key]?.el;
      if (!a || !b || !tile.current) continue;
      tiles += 1;
      const get = (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const h = get(tile.el), da = get(a), db = get(b);
      for (let i = 3; i < h.length; i += 4) {
        if (!h[i]) continue;
        painted += 1;
        if (da[i] && db[i]) in_both += 1;
      }
    }
    return { painted, in_both, tiles };
  });
}

test('the detail panel lists exactly the overlaps of the feature clicked, under each collection\'s title; nothing for a layer measured against nothing', { timeout: 180_000 }, async () => {
  const collections = new Map((await api('/collections')).collections.map((c) => [c.id, c]));
  const measured = collections.get('elc').overlaps_with;
  assert.deepEqual(measured, ['protected-areas', 'community-forests', 'kba']);
  // A concession inside all three kinds of protected land, clicked on the map.
  const all = (await api('/collections/elc/items?overlaps=protected-areas&limit=10000')).features;
  const target = all.filter((f) => new Set(f.properties.overlaps.map((o) => o.collection)).size === 3)
    .sort((a, b) => b.properties.area_ha - a.properties.area_ha)[0];
  assert.ok(target, 'a concession inside a protected area, a community forest and a KBA');

  const { context, page, problems } = await open_page('#layers=elc,protected-areas&focus=elc');
  await show_box(page, bbox_of(target.geometry));
  const at = interior_point(target.geometry);
  const point = await page.evaluate(({ lat, lng }) => window.concessions_page.map.latLngToContainerPoint([lat, lng]), at);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + point.x, box.y + point.y);
  await page.waitForSelector('#detail:not([hidden]) .detail-overlaps');
  await settled(page);
  const selected = await page.evaluate(() => window.concessions_page.state.selected);
  assert.equal(selected.collection, 'elc');
  const item = await api(`/collections/elc/items/${selected.id}`);
  const expected = item.properties.overlaps;
  assert.ok(expected.length > 0, `feature ${selected.id} clicked has overlaps`);

  const shown = await page.evaluate(() => [...document.querySelectorAll('#detail .detail-overlaps li')].map((li) => ({
    collection: li.dataset.collection, id: Number(li.dataset.id), name: li.querySelector('button').textContent, figures: li.querySelector('.overlap-figures').textContent })));
  const want = measured.flatMap((c) => expected.filter((o) => o.collection === c)).map((o) => ({
    collection: o.collection, id: o.id, name: o.name, figures: `${en.format(o.hectares)} ha · ${o.share > 0 && o.share < 0.0005 ? '< 0.1' : en1.format(100 * o.share)}%` }));
  assert.deepEqual(shown, want);
  const headings = await page.locator('#detail .detail-overlaps h4').allTextContents();
  assert.deepEqual(headings, measured.filter((c) => expected.some((o) => o.collection === c)).map((c) => collections.get(c).title));
  await shot(page, 'overlaps-01-detail.png');

  // A name in the detail filters the map to what lies inside it.
  const first = expected.find((o) => o.collection === 'protected-areas');
  await page.locator('#detail .detail-overlaps ul[data-collection="protected-areas"] button').first().click();
  await settled(page);
  assert.equal(await page.evaluate(() => window.concessions_page.state.overlaps), `protected-areas:${first.id}`);
  assert.equal(await stat_count(page), (await api(`/collections/elc/items?limit=1&overlaps=protected-areas:${first.id}`)).numberMatched);
  await context.close();

  // No overlap: said so. A layer measured against nothing: no such section.
  const outside = (await api('/collections/elc/items?limit=10000')).features.find((f) => f.properties.overlaps?.length === 0);
  const none = await open_page(`#layers=elc&focus=elc&sel=elc/${outside.id}`);
  await none.page.waitForSelector('#detail-no-overlap');
  assert.equal(await none.page.locator('#detail .detail-overlaps li').count(), 0);
  await none.page.evaluate(() => document.querySelector('[data-close="detail"]').click());
  await none.context.close();
  const context_layer = await open_page('#layers=protected-areas&focus=protected-areas&sel=protected-areas/9');
  await context_layer.page.waitForSelector('#detail-body .kvs');
  assert.equal(await context_layer.page.locator('#detail .detail-overlaps').count(), 0);
  assert.equal(await context_layer.page.isHidden('#overlap-block'), true, 'the section for a layer measured against nothing');
  assert.deepEqual([...problems, ...none.problems, ...context_layer.problems], []);
  await context_layer.context.close();
});

test('the section gives the server\'s hectares inside protected land for the filter; a top protected area filters statistics, list and map to what lies inside it, and the URL keeps it', { timeout: 240_000 }, async () => {
  const stats = await api('/collections/elc/stats?group=overlap');
  const top = stats.groups.filter((g) => g.collection === 'protected-areas').slice(0, 5);
  const { context, page, problems } = await open_page('#layers=elc,protected-areas&focus=elc');
  await page.waitForSelector('#overlap-stats .overlap-top');
  assert.deepEqual(await section_inside(page), stats.inside_ha);
  assert.deepEqual(await section_top(page), top.map((g) => ({ id: g.id, name: g.key, value: `${en.format(g.area_ha)} ha · ${en.format(g.count)} concessions` })));
  const csv_url = new URL(await page.getAttribute('#overlap-csv', 'href'));
  assert.equal(csv_url.pathname, '/collections/elc/overlaps/protected-areas');
  assert.equal(csv_url.searchParams.get('f'), 'csv');
  const csv = await fetch(csv_url);
  assert.equal(csv.status, 200);
  assert.match(await csv.text(), /^collection,id,name,/);
  await page.locator('#overlap-block').scrollIntoViewIfNeeded();
  await shot(page, 'overlaps-02-section.png');

  // The first protected area: the server's count of what lies inside it.
  const chosen = top[0];
  const inside = await api(`/collections/elc/items?overlaps=protected-areas:${chosen.id}&limit=10000`);
  const inside_ids = new Set(inside.features.map((f) => f.id));
  await page.locator('#overlap-stats .overlap-top button', { hasText: chosen.key }).click();
  await settled(page);
  assert.equal(await page.evaluate(() => window.concessions_page.state.overlaps), `protected-areas:${chosen.id}`);
  assert.equal(await stat_count(page), inside.numberMatched);
  assert.match(await page.textContent('#list-summary'), new RegExp(` ${inside.numberMatched} match the filters`));
  const listed = await page.evaluate(() => [...document.querySelectorAll('#list tbody tr')].map((tr) => Number(tr.dataset.id)));
  assert.ok(listed.length > 0 && listed.every((id) => inside_ids.has(id)), `listed ${listed} not all inside`);
  const drawn = new Set((await tile_features(page, 'elc')).map((f) => f.id));
  assert.ok(drawn.size > 0 && [...drawn].every((id) => inside_ids.has(id)), 'the map draws only what lies inside');
  assert.equal(await page.getAttribute(`#overlap-stats .overlap-top button[data-overlap="protected-areas:${chosen.id}"]`, 'aria-pressed'), 'true');
  assert.equal(await page.textContent('#filter-chips .chip-label'), `Inside ${chosen.key}`);
  assert.equal(new URL(await page.getAttribute('#download-link', 'href')).searchParams.get('overlaps'), `protected-areas:${chosen.id}`);
  const everything = new URL(await page.getAttribute('#download-all-link', 'href'));
  assert.equal(everything.searchParams.get('overlaps'), `protected-areas:${chosen.id}`);
  const download = await fetch(everything);
  assert.equal(download.status, 200, 'everything shown downloads under the filter');
  await download.body.cancel();
  assert.match(page.url(), new RegExp(`[#&]overlaps=protected-areas:${chosen.id}(&|$)`));

  // A reload opens the same filter, its chip named.
  await page.reload();
  await settled(page);
  await page.waitForFunction((name) => document.querySelector('#filter-chips .chip-label')?.textContent === `Inside ${name}`, chosen.key);
  assert.equal(await page.evaluate(() => window.concessions_page.state.overlaps), `protected-areas:${chosen.id}`);
  assert.equal(await stat_count(page), inside.numberMatched);
  await shot(page, 'overlaps-03-filtered.png');

  // Its chip removes it (the chips are a phone's: clicked as a screen reader would).
  await page.locator('#filter-chips .chip').evaluate((chip) => chip.click());
  await settled(page);
  assert.equal(await page.evaluate(() => window.concessions_page.state.overlaps), '');
  assert.equal(await stat_count(page), stats.numberMatched);
  assert.doesNotMatch(page.url(), /overlaps=/);

  // A province: the section follows it, and agrees with the server again.
  const province = (await page.locator('#province-select option', { hasText: 'Mondulkiri' }).getAttribute('value'));
  await page.selectOption('#province-select', province);
  await settled(page);
  const sent = await page.evaluate(() => window.concessions_page.state.province);
  const in_province = await api(`/collections/elc/stats?${query({ group: 'overlap', province: sent })}`);
  assert.notDeepEqual(in_province.inside_ha, stats.inside_ha);
  assert.deepEqual(await section_inside(page), in_province.inside_ha);
  assert.deepEqual((await section_top(page)).map((g) => g.id), in_province.groups.filter((g) => g.collection === 'protected-areas').slice(0, 5).map((g) => g.id));
  assert.equal(new URL(await page.getAttribute('#overlap-csv', 'href')).searchParams.get('province'), sent);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the highlight paints only where a concession lies inside a protected area', { timeout: 240_000 }, async () => {
  const features = (await api('/collections/elc/items?limit=10000')).features.filter((f) => /Polygon/.test(f.geometry.type));
  const pa = (f) => (f.properties.overlaps ?? []).filter((o) => o.collection === 'protected-areas');
  const largest = (list) => list.sort((a, b) => b.properties.area_ha - a.properties.area_ha)[0];
  const wholly_inside = largest(features.filter((f) => pa(f).some((o) => o.share > 0.99)));
  const outside = largest(features.filter((f) => pa(f).length === 0));

  const { context, page, problems } = await open_page('#layers=elc,protected-areas&focus=elc');
  assert.equal(await page.evaluate(() => Boolean(window.concessions_page.overlap_layer._map)), false, 'off by default');
  await page.locator('#overlap-map').check();
  await settled(page);
  assert.match(page.url(), /[#&]overlap_map=1(&|$)/);
  assert.equal(await page.locator('.map-legend [data-overlap]').count(), 1, 'the legend shows the hatch');

  // Every painted pixel of the highlight lies where both layers paint
  // (allowing the anti-aliased rims), and there is some.
  const country = await highlight_pixels(page);
  assert.ok(country.tiles > 0 && country.painted > 500, JSON.stringify(country));
  assert.ok(country.in_both / country.painted > 0.98, JSON.stringify(country));
  await shot(page, 'overlaps-04-highlight.png');

  await show_box(page, bbox_of(wholly_inside.geometry));
  const in_point = interior_point(wholly_inside.geometry);
  assert.ok((await alpha_at(page, 'overlap', in_point)) > 0, `no highlight inside concession ${wholly_inside.id}, inside a protected area`);
  const near = await highlight_pixels(page);
  assert.ok(near.painted > 1000 && near.in_both / near.painted > 0.98, JSON.stringify(near));
  await shot(page, 'overlaps-05-highlight-inside.png');

  await show_box(page, bbox_of(outside.geometry));
  const out_point = interior_point(outside.geometry);
  assert.ok((await alpha_at(page, 'elc', out_point)) > 0, `concession ${outside.id} drawn`);
  assert.equal(await alpha_at(page, 'overlap', out_point), 0, `highlight on concession ${outside.id}, which lies in no protected area`);

  // Off again: the layer leaves the map.
  await page.locator('#overlap-map').uncheck();
  await settled(page);
  assert.equal(await page.evaluate(() => Boolean(window.concessions_page.overlap_layer._map)), false);
  assert.doesNotMatch(page.url(), /overlap_map/);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [device, options] of [['desktop', { viewport: { width: 1366, height: 768 } }], ['phone', phone]]) {
  for (const lang of ['en', 'km']) {
    test(`axe-core finds no violation with the overlaps shown (${device}, ${lang})`, { timeout: 120_000 }, async () => {
      const { context, page, problems } = await open_page(`#lang=${lang}&layers=elc,protected-areas&focus=elc&sel=elc/0&overlaps=protected-areas:20&overlap_map=1`, options);
      await page.waitForSelector('#detail .detail-overlaps li');
      await page.waitForSelector('#overlap-stats .overlap-top', { state: 'attached' });
      const found = await axe_violations(page);
      await shot(page, `overlaps-06-${device}-${lang}-detail.png`);
      // The panel's section: on a phone, behind the Filters button.
      await page.locator('#detail [data-close="detail"]').click();
      if (device === 'phone') await page.locator('#panel-toggle').tap();
      await page.locator('#overlap-block').scrollIntoViewIfNeeded();
      await settled(page);
      found.push(...await axe_violations(page));
      await shot(page, `overlaps-07-${device}-${lang}-section.png`);
      assert.deepEqual(found, []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}
