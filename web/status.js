// What the page is waiting for, and what failed (issue 18, part 3: "fast and
// honest on a slow phone"): a loading indicator over the map while tiles,
// boundaries or panels load, and each failure shown where it happened as an
// alert with a Retry button, never an empty map or stale figures.
//
// A failure is reported under a key (one per thing that can fail: a layer's
// tiles, the boundaries, the statistics...) with the function that retries
// it; reporting the same key again replaces it, and clear_failure() takes it
// away once that thing has loaded. A request that got no answer at all
// (fetch's TypeError: the server is gone, or the network) is shown once, as
// "the server cannot be reached", whose Retry retries everything that failed.
import { t, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { $, page } from './context.js?v=@ASSET_VERSION@';

const failures = new Map();  // key -> { what(), error, retry, where }

// True when the request got no HTTP answer: fetch rejects with a TypeError
// ("Failed to fetch" in Chromium, "NetworkError..." in Firefox, "Load
// failed" in Safari), unlike a TypeError of the page's own code.
export function unreachable(error) {
  return error instanceof TypeError && /fetch|network|load failed/i.test(error.message);
}

// where: the element the failure is shown in (default: over the map);
// what(): its name in the page's language, read again on a language switch.
export function report_failure(key, { what, error, retry, where = null }) {
  if (error?.name === 'AbortError') return;
  failures.set(key, { what, error, retry, where });
  render_failures();
}

export function clear_failure(key) {
  if (!failures.delete(key)) return;
  render_failures();
}

export function has_failure(key) {
  return failures.has(key);
}

// The failure's place says "Loading…" until the retry answers.
function start_retry(f) {
  f.where?.replaceChildren(h('span', { class: 'muted' }, t('loading')));
  f.retry();
}

export function retry_all() {
  const pending = [...failures.values()];
  failures.clear();
  render_failures();
  for (const f of pending) start_retry(f);
}

// A span, so that it may stand in a paragraph (the list's summary).
function alert_box(key, message, on_retry) {
  return h('span', { class: 'failure', role: 'alert', 'data-failure': key },
    h('span', { class: 'failure-text' }, message),
    h('button', { type: 'button', class: 'retry', onclick: on_retry }, t('retry')));
}

function retry_one(key) {
  const f = failures.get(key);
  if (!f) return;
  failures.delete(key);
  render_failures();
  start_retry(f);
}

// Over the map: one "server unreachable" alert for every failure without
// an answer, then the others that have no place of their own. In a panel
// (statistics, list): the failure replaces what was shown there.
export function render_failures() {
  const over_map = [];
  let unreachable_count = 0;
  for (const [key, f] of failures) {
    if (unreachable(f.error)) unreachable_count += 1;
    if (f.where) {
      f.where.replaceChildren(alert_box(key, t('error', { what: f.what(), why: why(f.error) }), () => retry_one(key)));
    } else if (!unreachable(f.error)) {
      over_map.push(alert_box(key, t('error', { what: f.what(), why: why(f.error) }), () => retry_one(key)));
    }
  }
  if (unreachable_count) over_map.unshift(alert_box('server', t('server_unreachable'), retry_all));
  $('map-alerts').replaceChildren(...over_map);
  document.body.classList.toggle('server-unreachable', unreachable_count > 0);
}

function why(error) {
  return unreachable(error) ? t('no_answer') : error?.message ?? String(error);
}

// ----- the loading indicator -------------------------------------------------

// Shown while a request the page waits for is in flight (page.busy, through
// tracked()) or a visible layer's tiles or the boundaries load; it appears
// only after a short delay (CSS), so a fast answer does not flash it.
export function update_loading() {
  const tiles = [...page.layers.values()].some((l) => l._map && l._loading);
  const loading = page.busy > 0 || tiles || Boolean(page.boundaries_loading);
  $('map-loading').classList.toggle('shown', loading);
  $('map').setAttribute('aria-busy', String(loading));
}

export function watch_loading() {
  document.addEventListener('concessions-busy', update_loading);
  for (const layer of page.layers.values()) {
    layer.on('loading load tileerror remove', update_loading);
    watch_tile_failures(layer);
  }
  update_loading();
}

// A layer's tiles: a failed tile reports the layer (the first error says
// why); a round of tiles with no failure clears it. Retry redraws the
// layer, which asks again only for the tiles that failed (the others are
// cached by the layer).
function watch_tile_failures(layer) {
  const key = `tiles:${layer.collection_id}`;
  let failed = 0;
  layer.on('loading', () => { failed = 0; });
  layer.on('tileerror', (e) => {
    failed += 1;
    if (failed > 1 && has_failure(key)) return;
    const c = page.by_id.get(layer.collection_id);
    report_failure(key, { what: () => t('tiles_of', { layer: c ? collection_label(c) : layer.collection_id }), error: e.error, retry: () => layer.redraw() });
  });
  layer.on('load', () => { if (!failed) clear_failure(key); });
  layer.on('remove', () => clear_failure(key));
}
