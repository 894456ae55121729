// The timeline (issue 15 §1): the concessions in force year by year, a
// control at the bottom left of the map. A year slider, "All years" (no
// date: everything the layers hold, the page's default), play and pause (a
// year a second, stopping at the last year), and a small chart of the
// hectares in force at each year's end with the chosen year marked; a table
// of the same figures stands in for the chart for screen readers.
//
// The year is state.as_of (url_state.js: as_of=2010). Choosing one goes
// through apply() like every filter, and filter_params (api.js) turns it
// into as_of=2010-12-31 on every concession layer's tiles, list, statistics
// and downloads; context layers have no dates and take none. The chart's
// figures are /collections/{c}/timeline under the other filters (never
// as_of itself) for the focus collection, or for the first concession layer
// shown when the focus is a context layer.
/* global L */
import { t, format_number, collection_label } from './i18n.js?v=@ASSET_VERSION@';
import { get_json, filter_params } from './api.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';
import { state, page, tracked } from './context.js?v=@ASSET_VERSION@';
import { roles_of } from './roles.js?v=@ASSET_VERSION@';
import { apply } from './filters.js?v=@ASSET_VERSION@';
import { report_failure, clear_failure } from './status.js?v=@ASSET_VERSION@';

const phone_width = 800;  // the same breakpoint as style.css
const svg_ns = 'http://www.w3.org/2000/svg';
const icons = {
  play: '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"><path d="M4 2.5v11l9-5.5z" fill="currentColor"/></svg>',
  pause: '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false"><path d="M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z" fill="currentColor"/></svg>',
};

// The collection the timeline speaks of: the focus, unless it is a context
// layer (no dates), then the first concession layer shown, else none.
export function timeline_collection() {
  const dated = (c) => c && c.kind !== 'context';
  const focus = page.by_id.get(state.focus);
  if (dated(focus)) return focus;
  return state.layers.map((id) => page.by_id.get(id)).find(dated) ?? null;
}

// One row per year from the first to the last the answer covers, stretched
// to hold a chosen year outside them (none in force before the first; the
// last year's figures after the last). The chart measures computed
// hectares, or the declared ones for a layer of points (no area).
export function timeline_rows(doc, chosen) {
  const years = doc?.years ?? [];
  if (!years.length) return { rows: [], measure: 'area_ha' };
  const by_year = new Map(years.map((y) => [y.year, y.in_force]));
  const first = years[0].year, last = years[years.length - 1].year;
  const lo = chosen ? Math.min(first, chosen) : first, hi = chosen ? Math.max(last, chosen) : last;
  const none = { count: 0, area_ha: 0, declared_ha: 0 };
  const rows = [];
  for (let year = lo; year <= hi; ++year)
    rows.push({ year, in_force: by_year.get(year) ?? (year < first ? none : years[years.length - 1].in_force) });
  const measure = rows.some((r) => r.in_force.area_ha > 0) ? 'area_ha' : 'declared_ha';
  return { rows, measure };
}

export const TimelineControl = L.Control.extend({
  options: {
    position: 'bottomleft',  // above the scale bar; the tools and the credit line hold the right
    open: window.innerWidth > phone_width,  // open on a desktop; on a phone one tap away, the map keeps its room
    step_ms: 1000,  // playing: a year a second, or longer while that year's map and figures load
    max_wait_ms: 5000,  // ... but no longer than this for a slow answer
  },

  onAdd() {
    this._open = this.options.open;  // closed, its button still says the year (and a phone's chips too)
    this._doc = null;
    this._key = '';
    this._playing = false;
    this._toggle = h('button', { type: 'button', class: 'timeline-toggle', 'aria-controls': 'timeline-body' },
      h('span', { class: 'timeline-name' }), h('span', { class: 'timeline-current' }));
    this._title = h('p', { class: 'timeline-title' });
    this._chart = document.createElementNS(svg_ns, 'svg');
    this._chart.setAttribute('class', 'timeline-chart');
    this._chart.setAttribute('aria-hidden', 'true');
    this._chart.setAttribute('preserveAspectRatio', 'none');
    this._slider = h('input', { type: 'range', id: 'timeline-year', class: 'timeline-slider', step: 1 });
    this._label = h('label', { for: 'timeline-year', class: 'visually-hidden' });
    this._ticks = h('div', { class: 'timeline-ticks', 'aria-hidden': 'true' });
    this._play = h('button', { type: 'button', class: 'timeline-play', 'aria-pressed': 'false' });
    this._figure = h('p', { class: 'timeline-figure' });
    this._all = h('button', { type: 'button', class: 'timeline-all' });
    this._table = h('table', { class: 'visually-hidden' });
    this._body = h('div', { id: 'timeline-body', class: 'timeline-body', hidden: !this._open },
      this._title,
      this._track = h('div', { class: 'timeline-track' }, this._chart, this._label, this._slider, this._ticks),
      h('div', { class: 'timeline-row' }, this._play, this._figure, this._all),
      this._table);
    this._container = h('div', { class: 'leaflet-control timeline', role: 'region', id: 'timeline' }, this._toggle, this._body);
    L.DomEvent.disableClickPropagation(this._container);
    L.DomEvent.disableScrollPropagation(this._container);

    this._toggle.addEventListener('click', () => this.set_open(!this._open));
    // The map follows on release (or each key press): dragging across the
    // years only moves the figures.
    this._slider.addEventListener('input', () => this._show_year(this._slider.value));
    this._slider.addEventListener('change', () => { this.pause(); this.choose(this._slider.value); });
    // At all years the thumb rests on the last year: a key or a press that
    // leaves it there (no change event) chooses that year.
    const take_resting = () => requestAnimationFrame(() => { if (!state.as_of && !this._slider.disabled) this.choose(this._slider.value); });
    this._slider.addEventListener('keydown', (e) => { if (/^(Arrow|Page|Home|End)/.test(e.key)) take_resting(); });
    this._slider.addEventListener('pointerup', take_resting);
    this._play.addEventListener('click', () => (this._playing ? this.pause() : this.play()));
    this._all.addEventListener('click', () => { this.pause(); this.choose(''); });
    this._chart.addEventListener('click', (e) => this._chart_click(e));
    this._container.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape' || !this._playing) return;
      e.stopPropagation();  // Escape pauses; it does not close the detail behind
      this.pause();
    });
    this.render();
    return this._container;
  },

  onRemove() {
    this.pause();
  },

  set_open(open) {
    this._open = open;
    this._body.hidden = !open;
    this._toggle.setAttribute('aria-expanded', String(open));
    if (open) this.refresh();
  },

  // After every apply(): the figures again when the filters changed (not
  // when only the year did), the marks in any case.
  refresh() {
    if (this._playing && !state.as_of) this.pause();  // the year was cleared (a chip, Clear filters)
    this.render();
    if (this._open) this._load().catch((error) => console.error(error));
  },

  async _load() {
    await page.drawn;  // the first view's tiles come first
    const c = timeline_collection();
    if (!c) {
      this._key = '';
      this._doc = null;
      this.render();
      return;
    }
    await roles_of(c.id);
    const params = filter_params({ ...state, as_of: '' }, c, page.roles.get(c.id));
    const key = `${c.id}?${new URLSearchParams(params)}`;
    if (key === this._key) return;
    this._key = key;
    this._abort?.abort();
    this._abort = new AbortController();
    try {
      const doc = await tracked(get_json(`collections/${encodeURIComponent(c.id)}/timeline`, params, { signal: this._abort.signal }));
      if (key !== this._key) return;
      this._doc = { ...doc, collection: c };
      this._failed = false;
      clear_failure('timeline');
      this.render();
    } catch (error) {
      if (error.name === 'AbortError') return;
      this._key = '';  // asked again by the next apply() or Retry
      this._doc = null;
      this._failed = true;
      this.render();
      report_failure('timeline', { where: this._figure, what: () => t('timeline'), error, retry: () => this.refresh() });
    }
  },

  choose(year) {
    if (year === state.as_of) return this.render();
    state.as_of = year;
    apply();
  },

  play() {
    const { rows } = timeline_rows(this._doc, null);
    if (!rows.length) return;
    const first = rows[0].year, last = rows[rows.length - 1].year;
    this._playing = true;
    // From the start when at all years or already at the end.
    if (!state.as_of || Number(state.as_of) >= last || Number(state.as_of) < first) this.choose(String(first));
    else this.render();
    this._next_step(first, last);
  },

  pause() {
    if (!this._playing) return;
    this._playing = false;
    clearTimeout(this._timer);
    this.render();
  },

  // The next year once a step's time has passed and what the last one asked
  // for has come (a year is seen, not skipped over), or max_wait_ms.
  _next_step(first, last) {
    const started = performance.now();
    const step = () => {
      if (!this._playing) return;
      const waited = performance.now() - started;
      const loading = page.busy > 0 || [...page.layers.values()].some((l) => l._map && l._loading);
      if (waited < this.options.step_ms || (loading && waited < this.options.max_wait_ms)) {
        this._timer = setTimeout(step, Math.max(50, this.options.step_ms - waited));
        return;
      }
      const year = Math.max(first, Number(state.as_of) + 1);
      if (year >= last) this._playing = false;  // stops at the last year
      this.choose(String(Math.min(year, last)));
      if (this._playing) this._next_step(first, last);
    };
    this._timer = setTimeout(step, this.options.step_ms);
  },

  _chart_click(e) {
    const n = this._rows.length;
    if (!n) return;
    const box = this._chart.getBoundingClientRect();
    const i = n > 1 ? Math.round((e.clientX - box.left) / box.width * (n - 1)) : 0;
    this.pause();
    this.choose(String(this._rows[Math.max(0, Math.min(n - 1, i))].year));
  },

  render() {
    if (!this._container) return;
    const c = this._doc?.collection ?? timeline_collection();
    const chosen = state.as_of ? Number(state.as_of) : null;
    const { rows, measure } = timeline_rows(this._doc, chosen);
    this._rows = rows;
    this._measure = measure;
    this._container.setAttribute('aria-label', t('timeline'));
    this._toggle.setAttribute('aria-expanded', String(this._open));
    this._toggle.querySelector('.timeline-name').textContent = t('timeline');
    this._toggle.querySelector('.timeline-current').textContent = state.as_of || t('timeline_all');
    // The layer is named when it is not the one the panel is about.
    const name = c ? collection_label(c) : '';
    const measured = t(measure === 'area_ha' ? 'timeline_chart_title' : 'timeline_chart_title_declared');
    const title = c && c.id !== state.focus ? t('timeline_chart_of', { title: measured, layer: name }) : measured;
    this._title.textContent = !c ? t('timeline_no_layer') : this._doc && !rows.length ? t('timeline_no_dates', { layer: name }) : title;
    // Nothing to show through time: no slider, no play (while loading they keep their place).
    const nothing = !c || Boolean(this._doc && !rows.length);
    this._track.hidden = nothing;
    this._play.hidden = nothing;
    this._label.textContent = t('timeline_year');
    this._play.innerHTML = this._playing ? icons.pause : icons.play;  // our own markup
    this._play.setAttribute('aria-label', t('timeline_play'));
    this._play.title = t('timeline_play');
    this._play.setAttribute('aria-pressed', String(this._playing));
    this._play.disabled = !rows.length;
    this._all.textContent = t('timeline_all');
    this._all.setAttribute('aria-pressed', String(!state.as_of));
    this._slider.disabled = !rows.length;
    if (rows.length) {
      this._slider.min = rows[0].year;
      this._slider.max = rows[rows.length - 1].year;
      this._slider.value = state.as_of || this._slider.max;  // all years: resting on the last
    }
    this._slider.classList.toggle('all', !state.as_of);
    this._show_year(state.as_of);
    this._draw_chart();
    this._fill_table(title);
  },

  // The figures for a year ('' all years), shown while the slider moves and
  // after: the line under the chart and what the slider says it points at.
  _show_year(year) {
    const row = this._rows.find((r) => String(r.year) === year);
    const values = row ? { year, n: format_number(row.in_force.count), ha: format_number(row.in_force[this._measure]) } : null;
    this._slider.setAttribute('aria-valuetext', values ? t('timeline_valuetext', values) : year || t('timeline_all'));
    if (!this._failed)  // else the figure's place holds the failure and its Retry (status.js)
      this._figure.textContent = values ? t('timeline_in_force', values) : year ? t('timeline_in_force_year', { year }) : t('timeline_all_note');
    this._mark_bars(year);
  },

  // Bars on the slider's stops: the svg is inset by half the thumb (CSS),
  // so the bar of year i stands where the thumb does at that year; those
  // before the chosen year are darker than those after it.
  _draw_chart() {
    const rows = this._rows;
    const stops = rows.length;
    this._chart.replaceChildren();
    this._ticks.replaceChildren();
    if (!stops) return;
    const height = 100;
    this._chart.setAttribute('viewBox', `0 0 ${Math.max(1, stops - 1)} ${height}`);
    const max = Math.max(...rows.map((r) => r.in_force[this._measure]), 1);
    rows.forEach((r, i) => {
      const value = r.in_force[this._measure];
      const bar_height = value > 0 ? Math.max(3, height * value / max) : 0;
      const bar = document.createElementNS(svg_ns, 'rect');
      bar.setAttribute('x', String(i - 0.36));
      bar.setAttribute('width', '0.72');
      bar.setAttribute('y', String(height - bar_height));
      bar.setAttribute('height', String(bar_height));
      bar.dataset.year = String(r.year);
      this._chart.append(bar);
    });
    this._ticks.append(h('span', {}, rows[0].year), h('span', {}, rows[stops - 1].year));
    this._mark_bars(state.as_of);
  },

  _mark_bars(year) {
    for (const bar of this._chart.querySelectorAll('rect')) {
      bar.classList.toggle('chosen', bar.dataset.year === year);
      bar.classList.toggle('later', Boolean(year) && Number(bar.dataset.year) > Number(year));
    }
  },

  _fill_table(caption) {
    const rows = this._rows;
    if (!rows.length) { this._table.replaceChildren(); return; }
    this._table.replaceChildren(
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('col_year')), h('th', { scope: 'col' }, t('timeline_count')),
        h('th', { scope: 'col' }, t('col_area')))),
      h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, String(r.year)),
        h('td', {}, format_number(r.in_force.count)), h('td', {}, format_number(r.in_force[this._measure]))))));
  },
});

export const timeline = new TimelineControl();

export function add_timeline(map) {
  timeline.addTo(map);
}

// apply() and the language switch call this; nothing before add_timeline.
export function refresh_timeline() {
  timeline.refresh();
}
