// First view of the map page against a plain Leaflet page that loads the
// whole ELC layer as one GeoJSON document (issue 5, "Measured"). See
// bench/web --help.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const runs = Number(option('--runs', 7));
// Lighthouse's mobile throttling ("slow 4G"): 150 ms round trips, 1.6 Mbit/s
// down, 750 kbit/s up, applied by Chromium to every request.
const networks = {
  localhost: null,
  'slow-4g': { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
};
const network_names = option('--network', 'localhost,slow-4g').split(',');
for (const n of network_names) if (!(n in networks)) { console.error(`bench/web: --network takes ${Object.keys(networks).join(', ')}`); process.exit(2); }
const binary = process.env.CONCESSIONS_BIN || path.join(root, 'build/server/concessions');
const shared = process.env.CONCESSIONS_SHARED_DATA || path.resolve(root, '../shared/data');
const chromium_path = process.env.CHROMIUM || '/usr/bin/chromium';
const viewport = { width: 1280, height: 800 };

for (const [what, file] of [['the server', binary], ['Chromium', chromium_path], ['the real ODC layers', path.join(shared, 'odc-elc')],
  ['playwright-core', path.join(root, 'web/node_modules/playwright-core')]]) {
  if (!fs.existsSync(file)) {
    console.error(`bench/web: ${what} not found at ${file} (scripts/build builds the server; scripts/setup installs the rest; CONCESSIONS_SHARED_DATA points at the layers)`);
    process.exit(1);
  }
}
const { chromium } = createRequire(path.join(root, 'web/package.json'))('playwright-core');

// The peer: Leaflet (the same embedded copy, so the same bytes) and one
// fetch of every ELC polygon, drawn with L.geoJSON; `canvas` picks Leaflet's
// canvas renderer instead of its default SVG.
const peer_html = (canvas) => `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/assets/leaflet/leaflet.css"><script src="/assets/leaflet/leaflet.js"></script>
<style>html,body,#map{height:100%;margin:0}</style></head><body><div id="map"></div><script>
const map = L.map('map', { preferCanvas: ${canvas} }).fitBounds([[10.4, 102.3], [14.7, 107.7]]);
fetch('/collections/elc/items?limit=10000').then((r) => r.json()).then((doc) => {
  const layer = L.geoJSON(doc, { style: { color: '#d95f02', weight: 1 } }).addTo(map);
  map.fitBounds(layer.getBounds());
  requestAnimationFrame(() => { window.first_drawn_ms = performance.now(); });
});
</script></body></html>`;

function start_server() {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--port', '0', '--quiet', path.join(root, 'data/odc-catalog.json')],
      { env: { ...process.env, CONCESSIONS_SHARED_DATA: shared }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const on_data = (chunk) => {
      output += chunk;
      const m = output.match(/serving on (http:\/\/[^\s/]+)\//);
      if (m) resolve({ child, url: m[1] });
    };
    child.stdout.on('data', on_data);
    child.stderr.on('data', on_data);
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
}

// Bytes on the wire (headers and compressed bodies, from the resource
// timing of every request, the document included) up to a moment, and in all.
async function measure(browser, url, drawn_expression, idle_expression, route = null, network = null, device = null) {
  const context = await browser.newContext(device ?? { viewport });  // a cold cache every time
  const page = await context.newPage();
  if (network) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', network);
  }
  await page.addInitScript(() => performance.setResourceTimingBufferSize(2000));
  if (route) await page.route(route.url, (r) => r.fulfill({ contentType: 'text/html; charset=utf-8', body: route.body }));
  await page.goto(url);
  await page.waitForFunction(drawn_expression, null, { timeout: 60_000 });
  await page.waitForFunction(idle_expression, null, { timeout: 60_000 });
  await page.waitForTimeout(500);
  const result = await page.evaluate(({ drawn_expression, route_bytes }) => {
    const drawn = Function(`return (${drawn_expression})`)();
    const nav = performance.getEntriesByType('navigation')[0];
    const entries = performance.getEntriesByType('resource');
    const size = (e) => e.transferSize || 0;
    const early = entries.filter((e) => e.responseEnd <= drawn);
    // The page marks when the province outline is first drawn (issue 18); the peer has none.
    const outline = performance.getEntriesByName('concessions-outline')[0];
    return {
      drawn_ms: drawn,
      outline_ms: outline ? outline.startTime : NaN,
      bytes_drawn: (nav.transferSize || route_bytes) + early.reduce((s, e) => s + size(e), 0),
      requests_drawn: early.length + 1,
      bytes_total: (nav.transferSize || route_bytes) + entries.reduce((s, e) => s + size(e), 0),
      requests_total: entries.length + 1,
    };
  }, { drawn_expression, route_bytes: route ? route.body.length : 0 });
  await context.close();
  return result;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const server = await start_server();
const base = server.url;
const browser = await chromium.launch({ executablePath: chromium_path, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] });
try {
  const ours_drawn = 'window.concessions_page && window.concessions_page.first_drawn_ms';
  const ours_idle = 'window.concessions_page.is_idle() && document.querySelectorAll(".province-label").length > 0';
  const cases = [
    { name: 'ours, ELC layer only', url: `${base}/#layers=elc&basemap=none`, drawn: ours_drawn, idle: ours_idle },
    { name: 'ours, default layers (3)', url: `${base}/#basemap=none`, drawn: ours_drawn, idle: ours_idle },
    // A phone (375x667, touch, 2x pixels): the layout and the tiles it asks for differ.
    { name: 'ours, default layers, phone', url: `${base}/#basemap=none`, drawn: ours_drawn, idle: ours_idle,
      device: { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } },
    { name: 'peer: L.geoJSON, SVG', url: `${base}/peer-svg.html`, drawn: 'window.first_drawn_ms', idle: 'true', route: { url: `${base}/peer-svg.html`, body: peer_html(false) } },
    { name: 'peer: L.geoJSON, canvas', url: `${base}/peer-canvas.html`, drawn: 'window.first_drawn_ms', idle: 'true', route: { url: `${base}/peer-canvas.html`, body: peer_html(true) } },
  ];
  // One untimed run each: the server's caches are then warm for both sides.
  for (const c of cases) await measure(browser, c.url, c.drawn, c.idle, c.route, null, c.device);
  console.log(`First view at ${viewport.width}x${viewport.height} (the phone row: 375x667), no basemap; median of ${runs} cold-cache runs (min-max); Chromium ${browser.version()}`);
  console.log('Bytes: transfer sizes (headers + compressed bodies) of every response finished before the concessions were drawn, and of all responses once the page is idle.');
  for (const network_name of network_names) {
    const results = new Map(cases.map((c) => [c.name, []]));
    for (let i = 0; i < runs; ++i)
      for (const c of cases) results.get(c.name).push(await measure(browser, c.url, c.drawn, c.idle, c.route, networks[network_name], c.device));

    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`\nnetwork: ${network_name}${networks[network_name] ? ' (150 ms RTT, 1.6 Mbit/s down, emulated by Chromium)' : ' (loopback)'}; load average ${load}`);
    const kb = (b) => `${(b / 1024).toFixed(0)} KB`;
    const rows = [['page', 'drawn ms', 'outline ms', 'bytes to drawn', 'requests', 'bytes when idle', 'requests']];
    for (const c of cases) {
      const r = results.get(c.name);
      const d = r.map((x) => x.drawn_ms);
      const o = r.map((x) => x.outline_ms);
      rows.push([c.name, `${median(d).toFixed(0)} (${Math.min(...d).toFixed(0)}-${Math.max(...d).toFixed(0)})`,
        o.every(Number.isFinite) ? `${median(o).toFixed(0)} (${Math.min(...o).toFixed(0)}-${Math.max(...o).toFixed(0)})` : '-',
        kb(median(r.map((x) => x.bytes_drawn))), String(median(r.map((x) => x.requests_drawn))),
        kb(median(r.map((x) => x.bytes_total))), String(median(r.map((x) => x.requests_total)))]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    for (const row of rows) console.log(row.map((cell, i) => (i ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  '));
    const ours = results.get(cases[0].name), peer = results.get('peer: L.geoJSON, SVG');
    console.log(`ours (ELC) / peer (SVG): time ${(median(ours.map((x) => x.drawn_ms)) / median(peer.map((x) => x.drawn_ms))).toFixed(2)}, ` +
      `bytes to drawn ${(median(ours.map((x) => x.bytes_drawn)) / median(peer.map((x) => x.bytes_drawn))).toFixed(2)}`);
  }
} finally {
  await browser.close();
  server.child.kill('SIGTERM');
}
