// Company profiles on the page (issue 15 §3). The oracle is the server's
// own JSON, asked here and not through the page: /companies?q= (who the
// search should offer), /companies/{slug} (the profile: name, records,
// hectares) and items?company= (what the filter selects). The search finds
// a company by a romanised variant of its name; its profile lists every
// record across layers; the map, statistics and URL then hold exactly its
// concessions; a record opens its detail and the detail's company opens
// the profile again; the largest holders in the statistics open theirs; a
// shared link opens the profile; the chip takes the filter away; axe-core
// finds nothing on a desktop and a phone, in English and Khmer.
import { test, assert, api, settled, shot, tile_features, open_page, use_server_and_browser, axe_violations } from './harness.mjs';

use_server_and_browser();

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const stat_count = async (page) => Number(await page.getAttribute('#stat-count', 'data-value'));
const fragment = (page) => new URLSearchParams(new URL(page.url()).hash.replace(/^#/, ''));

async function expect_profile(page, profile) {
  await page.waitForFunction((name) => document.querySelector('#detail-title')?.textContent === name, profile.name);
  await settled(page);
  assert.equal(await page.locator('#detail:not([hidden])').count(), 1);
  const records = await page.locator('#detail-body .company-records li').evaluateAll((els) => els.map((e) => `${e.dataset.collection}/${e.dataset.id}`));
  assert.deepEqual(records.sort(), profile.records.map((r) => `${r.collection}/${r.id}`).sort());
  assert.equal(await page.getAttribute('#company-count', 'id'), 'company-count');
  assert.equal(fragment(page).get('company'), profile.slug);
  assert.equal(await page.locator('#filter-chips .chip', { hasText: profile.name }).count(), 1, 'a chip names the company');
  assert.equal((await page.textContent('#company-filter .link-button')).trim(), profile.name, 'the filters block names it');
}

test('the search finds a company by a variant of its name, and its profile draws exactly its concessions', { timeout: 120_000 }, async () => {
  const expected = await api('/companies?q=Phea%20Phimex&collections=elc,elc-partial,mining&limit=5');
  assert.ok(expected.companies.some((c) => c.slug === 'pheapimex'), JSON.stringify(expected.companies.map((c) => c.slug)));
  const profile = await api('/companies/pheapimex');
  assert.ok(profile.count >= 5 && profile.spellings.length >= 3, 'several records and spellings: the test could not fail otherwise');

  const { context, page, problems } = await open_page('#layers=elc,mining,protected-areas&focus=elc');
  const total = await stat_count(page);
  await page.fill('#search-input', 'Phea Phimex');
  await page.press('#search-input', 'Enter');
  await page.waitForSelector('#search-results .search-companies');
  const offered = await page.locator('#search-results .search-companies li').evaluateAll((els) => els.map((e) => e.dataset.slug));
  assert.deepEqual(offered, expected.companies.map((c) => c.slug));
  await shot(page, 'company-01-search.png');
  await page.click('#search-results li[data-slug="pheapimex"] button');
  await expect_profile(page, profile);
  await shot(page, 'company-02-profile-desktop.png');

  // The statistics and the map hold the company's elc records, nothing else.
  const elc = profile.records.filter((r) => r.collection === 'elc').map((r) => r.id);
  const selected = await api('/collections/elc/items?company=pheapimex&limit=100');
  assert.deepEqual(selected.features.map((f) => f.id).sort(), [...elc].sort());
  await page.waitForFunction((n) => Number(document.querySelector('#stat-count')?.dataset.value) === n, elc.length);
  assert.ok(total > elc.length);
  const drawn = new Set((await tile_features(page, 'elc')).map((f) => f.id));
  assert.ok(drawn.size > 0, 'the company\'s concession is drawn');
  for (const id of drawn) assert.ok(elc.includes(id), `elc ${id} is not Pheapimex's`);
  const mining = new Set((await tile_features(page, 'mining')).map((f) => f.id));
  for (const id of mining) assert.ok(profile.records.some((r) => r.collection === 'mining' && r.id === id), `mining ${id} is not Pheapimex's`);

  // A record opens its detail; the detail's company opens the profile again.
  const record = profile.records.find((r) => r.collection === 'mining');
  await page.click(`#detail-body .company-records li[data-collection="mining"][data-id="${record.id}"] button`);
  await page.waitForFunction((name) => document.querySelector('#detail-title')?.textContent === name, record.name);
  await page.click('#detail-company button');
  await expect_profile(page, profile);

  // The filters block's × takes the filter away (a phone's chip does too): every concession again.
  await page.click('#detail button.close');
  await page.click('#company-filter .company-filter-remove');
  await settled(page);
  assert.equal(await stat_count(page), total);
  assert.equal(fragment(page).get('company'), null);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a shared link opens the profile; the largest holders open theirs; no axe violation on a phone, in English and Khmer', { timeout: 180_000 }, async () => {
  const profile = await api('/companies/angkor-sugar');
  for (const lang of ['en', 'km']) {
    const { context, page, problems } = await open_page(`#layers=elc&focus=elc&company=angkor-sugar&lang=${lang}`, phone);
    await expect_profile(page, profile);
    await page.waitForFunction((n) => Number(document.querySelector('#stat-count')?.dataset.value) === n, profile.count);
    await shot(page, `company-03-profile-phone-${lang}.png`);
    assert.deepEqual(await axe_violations(page), []);
    if (lang === 'en') {  // a phone's chip takes the filter away
      await page.click('#detail button.close');
      await page.click('#filter-chips .chip');
      await settled(page);
      assert.equal(await stat_count(page), (await api('/collections/elc/items?limit=1')).numberMatched);
    }
    assert.deepEqual(problems, []);
    await context.close();
  }

  const { context, page, problems } = await open_page('#layers=elc&focus=elc');
  const stats = await api('/collections/elc/stats?group=company');
  const top = stats.groups.find((g) => g.slug);
  await page.click(`#stats .bars button:has-text("${top.key}")`);
  await expect_profile(page, await api(`/companies/${top.slug}`));
  assert.deepEqual(await axe_violations(page), []);
  await shot(page, 'company-04-from-statistics.png');
  assert.deepEqual(problems, []);
  await context.close();
});
