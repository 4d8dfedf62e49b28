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
  const fmt = (v, digits) => (typeof v === 'number' ? v.toFixed(digits === undefined ? 1 : digits) : (v === undefined ? '0' : String(v)));
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
          this.raw({ requestId: String(this.nextId++), hello: { protocolVersions: [1], clientName: 'quarterdeck-web' } });
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
  }

  /** A line chart over turns with one series per team (uPlot from the WebJar). */
  function lineChart(container, title, turns, series) {
    container.textContent = '';
    const width = Math.max(260, Math.min(container.clientWidth || 600, 720));
    const opts = {
      title, width, height: 220,
      scales: { x: { time: false } },
      axes: [{ label: 'turn' }, {}],
      series: [{ label: 'turn' }].concat(series.map((s, i) => ({
        label: s.label, stroke: COLORS[i % COLORS.length], width: 2, points: { show: true },
      }))),
    };
    if (typeof uPlot === 'undefined' || turns.length === 0) {
      container.append(el('p', { text: title + ': no data yet' }));
      return null;
    }
    return new uPlot(opts, [turns].concat(series.map((s) => s.values)), container);
  }
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

  const variable = (team, name) => {
    const v = (team && team.variables || []).find((x) => x.name === name);
    return v ? num(v.value) : 0;
  };

  return { $, el, fmt, num, Connection, lineChart, variable };
})();
