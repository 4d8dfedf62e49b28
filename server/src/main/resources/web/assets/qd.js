// Quarterdeck web client: one WebSocket speaking the proto3 JSON mapping of wire.proto.
'use strict';
const QD = (() => {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const kid of kids.flat()) if (kid !== null && kid !== undefined) e.append(kid);
    return e;
  };
  const num = (v) => Number(v || 0);

  /** A connection that says Hello, answers pings, matches replies and reconnects by itself. */
  class Connection {
    constructor(onPush, onState) {
      this.onPush = onPush;
      this.onState = onState || (() => {});
      this.nextId = 1;
      this.pending = new Map();
      this.onOpen = null; // called (async) after each Welcome, e.g. to Resume
      this.closedByUs = false;
      this.retryMs = 500;
    }
    url() {
      return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    }
    connect() {
      this.onState('connecting');
      const ws = new WebSocket(this.url());
      this.ws = ws;
      return new Promise((resolve, reject) => {
        let welcomed = false;
        ws.onopen = () => {
          // The page's language (browser or switch): the server sends its errors and the scenario's
          // texts in it where it has them (wire.proto, Hello.language).
          this.raw({ requestId: String(this.nextId++), hello: { protocolVersions: [1], clientName: 'quarterdeck-web', language: I18N.lang } });
        };
        ws.onmessage = (ev) => {
          let msg;
          try { msg = JSON.parse(ev.data); } catch (e) { return; }
          if (!welcomed && msg.welcome) {
            welcomed = true;
            this.welcome = msg.welcome; // pages read welcome.publicUrl for links they show
            this.retryMs = 500;
            this.onState('online');
            const after = this.onOpen ? Promise.resolve(this.onOpen()).catch(() => {}) : Promise.resolve();
            after.then(() => resolve());
            return;
          }
          this.dispatch(msg);
        };
        ws.onclose = () => {
          for (const p of this.pending.values()) p.reject(new Error('connection lost'));
          this.pending.clear();
          if (!welcomed) reject(new Error('cannot connect'));
          if (this.closedByUs) return;
          this.onState('offline');
          setTimeout(() => this.connect().catch(() => {}), this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, 5000);
        };
      });
    }
    dispatch(msg) {
      if (msg.ping) {
        this.raw({ pong: { nonce: msg.ping.nonce || '0' } });
        return;
      }
      const id = msg.requestId;
      if (id && this.pending.has(id)) {
        const p = this.pending.get(id);
        this.pending.delete(id);
        if (msg.error) {
          const err = new Error(msg.error.message || msg.error.code);
          err.code = msg.error.code;
          err.retryAfterMs = Number(msg.error.retryAfterMs || 0);
          p.reject(err);
        } else {
          p.resolve(msg);
        }
        // A reply can carry state (snapshot, joined); let the page see it too.
        this.onPush(msg, true);
        return;
      }
      this.onPush(msg, false);
    }
    raw(obj) {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(obj));
    }
    request(body) {
      const id = String(this.nextId++);
      return new Promise((resolve, reject) => {
        if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
          reject(new Error('not connected'));
          return;
        }
        this.pending.set(id, { resolve, reject });
        this.ws.send(JSON.stringify(Object.assign({ requestId: id }, body)));
      });
    }
    close() {
      this.closedByUs = true;
      if (this.ws) this.ws.close();
    }
    /**
     * Drops this connection and opens a new one no sooner than {@code ms} (the server's
     * retry_after_ms): a session moving to another node or being rebuilt answers UNAVAILABLE, and
     * the next connection may reach the node that has it.
     */
    retryLater(ms) {
      this.retryMs = Math.max(this.retryMs, Number(ms) || 500);
      if (this.ws) this.ws.close();
    }
  }

  // ---------------------------------------------------------------- numbers and words for people

  // Pages without the I18N loader (facilitator) still work: English and the server's labels.
  const hasI18n = typeof I18N !== 'undefined';
  const t = (key, params, fallback) => {
    if (hasI18n && known().has(key)) return I18N.t(key, params);
    return fallback !== undefined ? fallback : key;
  };
  let knownKeys = null;
  const known = () => (knownKeys || (knownKeys = new Set(hasI18n ? I18N.keys('en') : [])));
  const locale = () => (hasI18n ? I18N.lang : 'en');

  /** A number rounded for people, with the language's separators. */
  const round = (v, digits) => new Intl.NumberFormat(locale(), { maximumFractionDigits: digits || 0, minimumFractionDigits: digits || 0 }).format(Number(v) || 0);

  /** A variable's name in the page's language (the server's label for one the bundles lack). */
  const varLabel = (name, serverLabel) => t('common.var.' + name, null, serverLabel || name);

  // Variables on a 0..1 scale are shown as percentages; everything else as whole numbers.
  const SHARES = new Set(['adoption']);
  /** A variable's value as people read it: "66", "42 %", "1,234". */
  const varValue = (name, value) => (SHARES.has(name) ? round(100 * value) + ' %' : round(value));
  /** How far a variable moves on its own scale (0..1 for shares, 0..100 for the rest). */
  const varScale = (name, team) => (SHARES.has(name) ? 1 : name === 'results' || name === 'target' ? Math.max(1, variable(team, 'target')) : 100);

  /**
   * The six headline gauges: name, how to read the value as a share of the bar, whether lower is
   * better. "results" is shown against the quarter's target.
   */
  const GAUGES = [
    { name: 'morale', share: (tm) => variable(tm, 'morale') / 100 },
    { name: 'results', share: (tm) => variable(tm, 'results') / Math.max(1e-9, variable(tm, 'target')) },
    { name: 'adoption', share: (tm) => variable(tm, 'adoption') },
    { name: 'capability', share: (tm) => variable(tm, 'capability') / 100 },
    { name: 'stress', share: (tm) => variable(tm, 'stress') / 100, lowerIsBetter: true },
    { name: 'boss_confidence', share: (tm) => variable(tm, 'boss_confidence') / 100 },
  ];

  /** The headline gauges of a team: a labelled bar and the value in words for each. */
  function gauges(team) {
    return GAUGES.map((g) => {
      const share = Math.max(0, Math.min(1, g.share(team) || 0));
      const text = g.name === 'results'
        ? t('common.gauge.resultsVsTarget', { results: round(variable(team, 'results')), target: round(variable(team, 'target')), percent: round(100 * g.share(team)) }, round(variable(team, 'results')) + ' / ' + round(variable(team, 'target')))
        : varValue(g.name, variable(team, g.name));
      const label = g.name === 'results' ? t('common.gauge.results', null, 'Results vs target') : varLabel(g.name);
      return el('div', { class: 'gauge', 'data-gauge': g.name },
        el('span', { class: 'gauge-label', text: label + (g.lowerIsBetter ? ' ' + t('common.gauge.lowerIsBetter', null, '(lower is better)') : '') }),
        el('span', { class: 'gauge-bar', 'aria-hidden': 'true' }, el('span', { class: 'gauge-fill' + (g.lowerIsBetter ? ' lower' : ''), style: 'width:' + Math.round(100 * share) + '%' })),
        el('span', { class: 'gauge-value', text }));
    });
  }

  /**
   * A server error as people read it: the typed code in the page's language, then the server's
   * own detail, which names the field or the limit (in the page's language where the server has
   * the sentence, else English: the code's text is the fallback that is always translated).
   */
  const errorText = (e) => {
    const code = e && e.code ? String(e.code) : '';
    const said = t('common.error.' + code, null, '');
    const detail = (e && e.message) || '';
    if (!said) return detail;
    return detail && detail !== code ? said + ' (' + detail + ')' : said;
  };

  // ---------------------------------------------------------------- charts

  // Okabe–Ito: distinguishable with every common colour-vision deficiency. Yellow comes last (low
  // contrast on white); each series also has its own dash and marker, so colour is never alone.
  const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
  const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [12, 6], [1, 5], [6, 2, 2, 2]];

  /**
   * A line chart over turns with one series per team (uPlot from the WebJar): whole-turn ticks,
   * the Okabe–Ito palette with a dash and a marker per team, a legend that names the teams.
   */
  function lineChart(container, title, turns, series, options) {
    container.textContent = '';
    const opts0 = options || {};
    if (typeof uPlot === 'undefined' || turns.length === 0) {
      container.append(el('p', { text: title + ': ' + t('common.chart.noData', null, 'no data yet') }));
      return null;
    }
    const width = Math.max(260, Math.min(container.clientWidth || 600, opts0.maxWidth || 720));
    const turnLabel = t('common.chart.turn', null, 'turn');
    const opts = {
      title, width, height: opts0.height || 220,
      // A static legend (names only) is shorter: for pages that are printed.
      legend: { live: opts0.liveLegend !== false },
      scales: { x: { time: false, range: (u, min, max) => [Math.min(min, max - 1), Math.max(max, min + 1)] } },
      axes: [
        // Turns are whole numbers: ticks at 1, 2, 5 or 10 turn steps, never at 2.5.
        { label: turnLabel, labelSize: 20, incrs: [1, 2, 5, 10, 20, 50], values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? String(v) : '')) },
        { values: (u, vals) => vals.map((v) => round(v)), size: 56 },
      ],
      series: [{ label: turnLabel }].concat(series.map((s, i) => ({
        label: s.label, stroke: COLORS[i % COLORS.length], width: 2, dash: DASHES[i % DASHES.length],
        points: { show: true, size: 7 + 2 * (i % 3), fill: i % 2 ? '#fff' : COLORS[i % COLORS.length], stroke: COLORS[i % COLORS.length] },
        value: (u, v) => (v === null || v === undefined ? '–' : round(v, opts0.digits || 0)),
      }))),
    };
    container.setAttribute('role', 'img');
    container.setAttribute('aria-label', title + ': ' + series.map((s) => s.label + ' ' + round(s.values[s.values.length - 1] || 0, opts0.digits || 0)).join(', '));
    return new uPlot(opts, [turns].concat(series.map((s) => s.values)), container);
  }

  const variable = (team, name) => {
    const v = (team && team.variables || []).find((x) => x.name === name);
    return v ? num(v.value) : 0;
  };

  return { $, el, num, Connection, lineChart, variable, round, varLabel, varValue, varScale, gauges, COLORS, t, errorText };
})();
