// Browser tests of the map tools (issue 18 §4, first half): basemap picker,
// scale bar, show my location, fullscreen, measuring and point clusters,
// each found by the name a screen reader announces, on the real catalog.
// Oracles: the API (counts), SpatiaLite's ellipsoidal ST_Area/ST_Length
// through ogrinfo (measuring), Leaflet's own distance (the scale bar).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test, assert, ctx, start_server, settled, shot, open_page, api, use_server_and_browser, source_dir } from './harness.mjs';

use_server_and_browser();

// A 1x1 PNG, so that tiles from hosts this machine cannot reach "load".
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const imagery_host = 'server.arcgisonline.com';

// Serves the PNG for a host's tiles and records their URLs.
async function serve_tiles(context, host) {
  const urls = [];
  await context.route(`https://${host}/**`, (route) => {
    urls.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'image/png', body: png });
  });
  return urls;
}

// A new document for each link: going from /#a to /#b is only a hash change.
async function go(page, link) {
  await page.goto('about:blank');
  await page.goto(`${ctx.base}/${link}`);
  await settled(page);
}

const attribution = (page) => page.locator('.leaflet-control-attribution').textContent();
const no_problems = (problems) => problems.filter((p) => !p.includes(imagery_host));

test('every tool is on the map under its English name', { timeout: 90_000 }, async () => {
  const { context, page, problems } = await open_page();
  for (const name of ['Basemap', 'Show my location', 'Fullscreen', 'Measure'])
    assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, `button "${name}"`);
  assert.equal(await page.getByRole('group', { name: 'Scale', exact: true }).count(), 1, 'the scale bar');
  await page.getByRole('button', { name: 'Basemap', exact: true }).click();
  for (const name of ['OpenStreetMap', 'Satellite', 'Plain'])
    assert.equal(await page.getByRole('radio', { name, exact: true }).count(), 1, `basemap choice "${name}"`);
  assert.equal(await page.getByRole('radio', { name: 'OpenStreetMap' }).isChecked(), true, 'OpenStreetMap is the default');
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('radio', { name: 'Satellite' }).isVisible(), false, 'Escape closes the menu');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Basemap', 'focus back on the button');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the basemap picker switches the tiles and their credit line; plain shows none; links keep working', { timeout: 120_000 }, async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const imagery = await serve_tiles(context, imagery_host);
  const osm = await serve_tiles(context, 'tile.openstreetmap.org');
  const page = await context.newPage();
  await page.goto(`${ctx.base}/`);
  await settled(page);
  await page.waitForFunction(() => document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded').length > 0);
  assert.ok(osm.length > 0 && imagery.length === 0, 'OpenStreetMap tiles first');
  assert.match(await attribution(page), /OpenStreetMap contributors/);

  await page.getByRole('button', { name: 'Basemap', exact: true }).click();
  await page.getByRole('radio', { name: 'Satellite', exact: true }).check();
  await page.waitForFunction(() => document.body.dataset.basemap === 'satellite');
  await page.waitForFunction(() => [...document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded')].some((i) => i.src.includes('World_Imagery')));
  assert.ok(imagery.length > 0, 'no imagery tile asked for');
  for (const url of imagery) assert.match(url, /\/World_Imagery\/MapServer\/tile\/\d+\/\d+\/\d+$/);
  const credit = await attribution(page);
  assert.match(credit, /Esri/);
  assert.match(credit, /Maxar/);
  assert.doesNotMatch(credit, /OpenStreetMap contributors/);
  assert.match(page.url(), /[#&]basemap=satellite(&|$)/);
  await shot(page, 'tools-01-satellite.png');

  await page.getByRole('radio', { name: 'Plain', exact: true }).check();
  await page.waitForFunction(() => document.body.dataset.basemap === 'none');
  assert.equal(await page.locator('.leaflet-tile-pane img.leaflet-tile').count(), 0, 'tiles left in plain mode');
  assert.ok(await page.evaluate(() => document.body.classList.contains('no-basemap')));
  assert.doesNotMatch(await attribution(page), /Esri|OpenStreetMap contributors/);
  assert.match(page.url(), /[#&]basemap=none(&|$)/);

  await page.getByRole('radio', { name: 'OpenStreetMap', exact: true }).check();
  await page.waitForFunction(() => document.body.dataset.basemap === 'osm');
  assert.match(await attribution(page), /OpenStreetMap contributors/);
  assert.doesNotMatch(page.url(), /basemap=/, 'the default is left out of the URL');

  // Named values and today's URL values in a link.
  for (const [link, choice] of [['?basemap=satellite', 'satellite'], ['#basemap=none', 'none'], ['#basemap=osm', 'osm']]) {
    await go(page, link);
    await page.waitForFunction((c) => document.body.dataset.basemap === c, choice);
    await page.getByRole('button', { name: 'Basemap', exact: true }).click();
    assert.equal(await page.getByRole('radio', { name: { satellite: 'Satellite', none: 'Plain', osm: 'OpenStreetMap' }[choice], exact: true }).isChecked(), true, link);
  }
  const custom = [];
  await context.route('https://tiles.example.test/**', (route) => { custom.push(route.request().url()); return route.fulfill({ contentType: 'image/png', body: png }); });
  await go(page, `#basemap=${encodeURIComponent('https://tiles.example.test/{z}/{x}/{y}.png')}`);
  await page.waitForFunction(() => document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded').length > 0);
  assert.ok(custom.length > 0 && custom.every((u) => /tiles\.example\.test\/\d+\/\d+\/\d+\.png$/.test(u)), 'a tile URL in the link is still used');
  await context.close();
});

test('offline, satellite imagery falls back to the plain map with its note', { timeout: 90_000 }, async () => {
  const { context, page } = await open_page('#basemap=satellite');
  await page.waitForFunction(() => document.body.classList.contains('no-basemap'), null, { timeout: 30_000 });
  assert.match(await attribution(page), /basemap could not be loaded/);
  assert.equal(await page.locator('.leaflet-tile-pane img.leaflet-tile').count(), 0);
  await context.close();
});

test('serve --imagery-url and --imagery-attribution reach the page', { timeout: 200_000 }, async () => {
  const { url } = await start_server(['--imagery-url', 'https://imagery.example.test/{z}/{x}/{y}.jpg', '--imagery-attribution', 'Imagery &copy; Example Test']);
  const landing = await (await fetch(`${url}/?f=json`)).json();
  assert.deepEqual(landing.basemaps.find((b) => b.id === 'satellite'), { id: 'satellite', title: 'Satellite imagery', url: 'https://imagery.example.test/{z}/{x}/{y}.jpg', attribution: 'Imagery &copy; Example Test' });
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const asked = await serve_tiles(context, 'imagery.example.test');
  const page = await context.newPage();
  await page.goto(`${url}/#basemap=satellite`);
  await page.waitForFunction(() => document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded').length > 0);
  assert.ok(asked.length > 0 && asked.every((u) => /imagery\.example\.test\/\d+\/\d+\/\d+\.jpg$/.test(u)));
  assert.match(await attribution(page), /Imagery © Example Test/);
  await context.close();
});

test('the scale bar shows the distance its line covers on the map', { timeout: 90_000 }, async () => {
  const { context, page, problems } = await open_page('#map=9/11.5/104.9');
  const scale = page.getByRole('group', { name: 'Scale', exact: true });
  for (const zoom of [9, 13]) {
    await page.evaluate((z) => window.concessions_page.map.setZoom(z, { animate: false }), zoom);
    await settled(page);
    const { text, width, metres_per_px } = await page.evaluate(() => {
      const m = window.concessions_page.map;
      const line = document.querySelector('.leaflet-control-scale-line');
      const y = m.getSize().y / 2;
      return { text: line.textContent, width: line.getBoundingClientRect().width,
        metres_per_px: m.distance(m.containerPointToLatLng([0, y]), m.containerPointToLatLng([100, y])) / 100 };
    });
    assert.equal(await scale.textContent(), text);
    const [, value, unit] = text.match(/^([\d.]+) (km|m)$/) ?? [];
    assert.ok(value, `scale text "${text}"`);
    const metres = Number(value) * (unit === 'km' ? 1000 : 1);
    assert.ok(Math.abs(width * metres_per_px / metres - 1) < 0.03, `${text} over ${width} px at ${metres_per_px} m/px`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('show my location: granted, it goes there; denied or missing, it says so', { timeout: 120_000 }, async () => {
  const here = { latitude: 12.5657, longitude: 104.991 };  // Kampong Thom province
  {
    const { context, page, problems } = await open_page('', { permissions: ['geolocation'], geolocation: here });
    await page.getByRole('button', { name: 'Show my location', exact: true }).click();
    await page.waitForSelector('.leaflet-control-locate-location');
    await settled(page);
    const view = await page.evaluate(() => { const m = window.concessions_page.map; const c = m.getCenter(); return { zoom: m.getZoom(), lat: c.lat, lng: c.lng }; });
    assert.ok(Math.abs(view.lat - here.latitude) < 0.05 && Math.abs(view.lng - here.longitude) < 0.05, `map at ${view.lat}, ${view.lng}`);
    assert.ok(view.zoom >= 12, `zoom ${view.zoom}`);
    assert.equal(await page.getByRole('alert').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Show my location', exact: true }).count(), 1, 'one button, same name, after loading the plugin');
    await shot(page, 'tools-02-located.png');
    assert.deepEqual(problems, []);
    await context.close();
  }
  {
    const { context, page } = await open_page('');  // no permission granted: headless Chromium refuses
    await page.getByRole('button', { name: 'Show my location', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /location is not available/);
    await shot(page, 'tools-03-location-denied.png');
    await alert.getByRole('button', { name: 'Close' }).click();
    assert.equal(await page.getByRole('alert').count(), 0, 'the message closes');
    await context.close();
  }
  {
    const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(() => { delete Navigator.prototype.geolocation; });
    const page = await context.newPage();
    await page.goto(`${ctx.base}/`);
    await settled(page);
    await page.getByRole('button', { name: 'Show my location', exact: true }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').textContent(), /location could not be found \(this browser does not give locations\)/);
    await context.close();
  }
});

test('fullscreen toggles the page into and out of fullscreen', { timeout: 90_000 }, async () => {
  const { context, page, problems } = await open_page();
  const button = page.getByRole('button', { name: 'Fullscreen', exact: true });
  await button.click();
  await page.waitForFunction(() => document.fullscreenElement === document.documentElement);
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  await button.click();
  await page.waitForFunction(() => document.fullscreenElement === null);
  assert.equal(await button.getAttribute('aria-pressed'), 'false');
  assert.deepEqual(problems, []);
  await context.close();
});

// SpatiaLite's geodesic (ellipsoid) area and length, through GDAL's SQLite
// dialect (on any data source: the sample's, which has EPSG:4326 known).
function spatialite(sql) {
  const any = path.join(source_dir, 'data/sample/synthetic_provinces.shp');
  const out = execFileSync('ogrinfo', ['-q', '-dialect', 'SQLite', '-sql', sql, any], { encoding: 'utf8' });
  return Number(out.match(/v \(Real\) = ([\d.e+-]+)/)[1]);
}

test('measuring a polygon clicked on the map gives SpatiaLite\'s geodesic length and area', { timeout: 90_000 }, async () => {
  const { context, page, problems } = await open_page('#map=9/12.2/105.2');
  const measure = page.getByRole('button', { name: 'Measure', exact: true });
  await measure.click();
  const panel = page.getByRole('region', { name: 'Measure' });
  await panel.waitFor();
  assert.equal(await measure.getAttribute('aria-pressed'), 'true');
  const box = await page.locator('#map').boundingBox();
  const pixels = [[0.3, 0.25], [0.8, 0.3], [0.75, 0.75], [0.35, 0.7]].map(([x, y]) => [Math.round(box.width * x), Math.round(box.height * y)]);
  for (const [x, y] of pixels) await page.mouse.click(box.x + x, box.y + y);
  assert.equal(await page.locator('#detail').isVisible(), false, 'a click while measuring selected a concession');
  const points = await page.evaluate((px) => px.map(([x, y]) => window.concessions_page.map.containerPointToLatLng([x, y])), pixels);
  const ring = [...points, points[0]].map((p) => `${p.lng} ${p.lat}`).join(',');
  const path = points.map((p) => `${p.lng} ${p.lat}`).join(',');
  const expected_area = spatialite(`SELECT ST_Area(ST_GeomFromText('POLYGON((${ring}))', 4326), 1) AS v`);
  const expected_length = spatialite(`SELECT ST_Length(ST_GeomFromText('LINESTRING(${path})', 4326), 1) AS v`);
  const area = Number(await page.getAttribute('#measure-area', 'data-value'));
  const length = Number(await page.getAttribute('#measure-length', 'data-value'));
  console.log(`# measured ${(area / 1e4).toFixed(1)} ha (SpatiaLite ${(expected_area / 1e4).toFixed(1)}), ${(length / 1e3).toFixed(3)} km (${(expected_length / 1e3).toFixed(3)})`);
  assert.ok(Math.abs(area / expected_area - 1) < 0.005, `area ${area} m² against ${expected_area}`);
  assert.ok(Math.abs(length / expected_length - 1) < 0.005, `length ${length} m against ${expected_length}`);
  const area_text = await page.locator('#measure-area').textContent();
  assert.match(area_text, /ha · [\d,.]+ km²$/);
  assert.ok(Math.abs(Number(area_text.split(' ha')[0].replace(/,/g, '')) / (expected_area / 1e4) - 1) < 0.005, area_text);
  await shot(page, 'tools-04-measure.png');

  // Finish closes the shape: the length becomes the perimeter.
  await panel.getByRole('button', { name: 'Finish', exact: true }).click();
  const perimeter = Number(await page.getAttribute('#measure-length', 'data-value'));
  const expected_perimeter = spatialite(`SELECT ST_Length(ST_GeomFromText('LINESTRING(${ring})', 4326), 1) AS v`);
  assert.ok(Math.abs(perimeter / expected_perimeter - 1) < 0.005, `perimeter ${perimeter} against ${expected_perimeter}`);
  // From the keyboard: the map centre as a point; Clear; Escape closes and gives the focus back.
  await panel.getByRole('button', { name: 'Clear', exact: true }).click();
  assert.equal(await page.locator('#measure-length').count(), 0);
  await panel.getByRole('button', { name: 'Add the map centre', exact: true }).click();
  await panel.getByRole('button', { name: 'Add the map centre', exact: true }).click();
  assert.equal(Number(await page.getAttribute('#measure-length', 'data-value')), 0, 'the same point twice is no distance');
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('region', { name: 'Measure' }).count(), 0, 'Escape closes measuring');
  assert.equal(await measure.getAttribute('aria-pressed'), 'false');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Measure');
  assert.deepEqual(problems, []);
  await context.close();
});

// What a point layer draws: clusters (with their members) and single points,
// counted over the layer's tiles, each point once (in the tile that holds it).
function drawn_points(page, id) {
  return page.evaluate((id) => {
    const layer = window.concessions_page.layers.get(id);
    const out = { clusters: 0, singles: 0, ids: [] };
    for (const key in layer._tiles) {
      const el = layer._tiles[key].el;
      for (const c of el._clusters ?? []) { out.clusters += 1; out.ids.push(...c.members.map((f) => f.id)); }
      for (const f of el._features ?? []) {
        if (f.kind !== 'point' || el._clustered?.has(f)) continue;
        const [x, y] = f.parts[0];
        if (x < 0 || y < 0 || x >= 512 || y >= 512) continue;  // the neighbour tile's
        out.singles += 1;
        out.ids.push(f.id);
      }
    }
    return out;
  }, id);
}

test('points cluster at low zoom, every point shows zoomed in, filters still apply', { timeout: 150_000 }, async () => {
  const { context, page, problems } = await open_page('#layers=hydropower,sez,elc-partial');
  for (const id of ['hydropower', 'sez', 'elc-partial']) {
    const all = (await api(`/collections/${id}/items?limit=1`)).numberMatched;
    const drawn = await drawn_points(page, id);
    console.log(`# ${id}: ${all} points drawn as ${drawn.clusters} clusters and ${drawn.singles} single points`);
    assert.equal(drawn.ids.length, all, `${id}: every point in a cluster or alone, once`);
    assert.equal(new Set(drawn.ids).size, all);
    assert.ok(drawn.clusters + drawn.singles < all, `${id}: no fewer markers than points`);
  }
  await shot(page, 'tools-05-clusters.png');

  // A filter on a concession point layer: the clusters hold exactly the matches.
  await go(page, '#layers=elc-partial&focus=elc-partial&year=2010-2012');
  const matched = (await api('/collections/elc-partial/items?datetime=2010-01-01/2012-12-31&limit=1')).numberMatched;
  const every = (await api('/collections/elc-partial/items?limit=1')).numberMatched;
  assert.ok(matched > 0 && matched < every, `${matched} of ${every} location-only ELCs in 2010-2012`);
  assert.equal((await drawn_points(page, 'elc-partial')).ids.length, matched, 'the year filter on clustered points');

  // Clicking a cluster zooms in; zoomed in, every point is drawn alone and a click opens its detail.
  await go(page, '#layers=hydropower');
  const target = await page.evaluate(() => {
    const m = window.concessions_page.map, layer = window.concessions_page.layers.get('hydropower');
    for (const key in layer._tiles) {
      const { el, coords } = layer._tiles[key];
      const c = (el._clusters ?? []).sort((a, b) => b.members.length - a.members.length)[0];
      if (c) return m.latLngToContainerPoint(m.unproject([coords.x * 512 + c.x, coords.y * 512 + c.y], coords.z));
    }
    return null;
  });
  assert.ok(target, 'no cluster of dams at the country view');
  const before = await page.evaluate(() => window.concessions_page.map.getZoom());
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + target.x, box.y + target.y);
  await settled(page);
  assert.ok(await page.evaluate((z) => window.concessions_page.map.getZoom() > z, before), 'the cluster did not zoom in');
  assert.equal(await page.locator('#detail').isVisible(), false);

  await go(page, '#map=10/13.6/106.2&layers=hydropower');
  const bounds = await page.evaluate(() => window.concessions_page.map.getBounds().toBBoxString());
  const in_view = await api(`/collections/hydropower/items?bbox=${bounds}&limit=1000`);
  const drawn = await drawn_points(page, 'hydropower');
  assert.equal(drawn.clusters, 0, 'clusters at zoom 10');
  assert.ok(in_view.numberMatched > 1, `only ${in_view.numberMatched} dams in view`);
  const visible_ids = new Set(drawn.ids);
  for (const f of in_view.features) assert.ok(visible_ids.has(f.id), `dam ${f.id} in view but not drawn`);
  const dam = in_view.features[0];
  const at = await page.evaluate(([lng, lat]) => window.concessions_page.map.latLngToContainerPoint([lat, lng]), dam.geometry.coordinates);
  await page.mouse.click(box.x + at.x, box.y + at.y);
  await page.locator('#detail').waitFor();
  await settled(page);
  assert.match(page.url(), /[#&]sel=hydropower\/\d+/);
  assert.deepEqual(problems, []);
  await context.close();
});

async function look(name, options, hash) {
  const { context, page, problems } = await open_page(hash, options);
  const phone = options.viewport.width < 800;
  if (phone) {
    for (const name_ of ['Basemap', 'Show my location', 'Fullscreen', 'Measure', 'ផែនទីមូលដ្ឋាន', 'បង្ហាញទីតាំងរបស់ខ្ញុំ', 'ពេញអេក្រង់', 'វាស់']) {
      const button = page.getByRole('button', { name: name_, exact: true });
      if (!await button.count()) continue;
      const b = await button.boundingBox();
      assert.ok(b.width >= 44 && b.height >= 44, `${name_}: ${b.width}x${b.height} on a phone`);
    }
  }
  await page.locator('.tool-bar .tool-button').nth(3).click();  // Measure, in either language
  const map_box = await page.locator('#map').boundingBox();
  for (const [x, y] of [[0.3, 0.3], [0.7, 0.35], [0.55, 0.6]]) await page.mouse.click(map_box.x + map_box.width * x, map_box.y + map_box.height * y);
  await page.locator('.tool-bar .tool-button').first().click();  // the basemap menu
  await shot(page, name);
  assert.deepEqual(no_problems(problems), []);
  await context.close();
}

test('screenshots: desktop and phone, English and Khmer, tools in use', { timeout: 180_000 }, async () => {
  const phone = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
  const desktop = { viewport: { width: 1280, height: 800 } };
  await look('tools-10-desktop-en.png', desktop, '#layers=elc,elc-partial,hydropower,sez');
  await look('tools-11-desktop-km.png', desktop, '#layers=elc,elc-partial,hydropower,sez&lang=km');
  await look('tools-12-phone-en.png', phone, '#layers=elc,elc-partial,hydropower,sez');
  await look('tools-13-phone-km.png', phone, '#layers=elc,elc-partial,hydropower,sez&lang=km');
});
