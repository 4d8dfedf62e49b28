'use strict';
(() => {
  const { $, el, fmt, num, variable } = QD;
  const sessionId = decodeURIComponent(location.pathname.split('/')[2] || '');
  const saved = JSON.parse(localStorage.getItem('quarterdeck.facilitator') || 'null');
  const token = new URLSearchParams(location.hash.slice(1)).get('token') || (saved && saved.token) || localStorage.getItem('quarterdeck.player.token');
  const st = { frames: [], acts: {} };

  const conn = new QD.Connection(() => {}, (s) => { $('#conn').textContent = s === 'online' ? '● online' : '○ reconnecting…'; });
  conn.onOpen = async () => {
    if (!token) { $('#error').textContent = 'No facilitator token: open this page from the facilitator dashboard or add #token=… to the address.'; return; }
    try {
      const snap = (await conn.request({ resume: { token } })).snapshot || {};
      $('#title').textContent = (snap.title || 'Quarterdeck') + ' — replay and debrief';
      if (snap.openTurn) for (const a of snap.openTurn.acts || []) st.acts[a.id] = a;
      const r = (await conn.request({ getReplay: { sessionId } })).replay;
      st.frames = r.frames || [];
      render();
    } catch (e) { $('#error').textContent = 'Could not load the replay: ' + e.message; }
  };
  conn.connect().catch(() => {});

  const teamName = (team) => { for (const f of st.frames) { const t = (f.teams || []).find((x) => num(x.team) === team); if (t) return t.name || 'Team ' + (team + 1); } return 'Team ' + (team + 1); };

  function render() {
    const frames = st.frames;
    $('#timeline').replaceChildren(...frames.map((f, i) => el('button', { type: 'button', class: 'secondary turn-button', 'data-turn': String(num(f.turn)), 'aria-pressed': 'false', onclick: () => show(i), text: 'Turn ' + num(f.turn) })));
    if (frames.length) show(frames.length - 1); else $('#frame').replaceChildren(el('p', { class: 'muted', text: 'No turn has been played yet.' }));
    const turns = frames.map((f) => num(f.turn));
    const teams = (frames[0] && frames[0].teams) || [];
    for (const [name, label, scale] of [['morale', 'Morale', 1], ['results', 'Results', 1], ['adoption', 'Adoption %', 100]]) {
      QD.lineChart($('#chart-' + name), label, turns, teams.map((t) => ({ label: t.name || 'Team ' + (num(t.team) + 1), values: frames.map((f) => variable((f.teams || []).find((x) => num(x.team) === num(t.team)), name) * scale) })));
    }
    split();
    $('#whatif-team').replaceChildren(...teams.map((t) => el('option', { value: String(num(t.team)), text: t.name || 'Team ' + (num(t.team) + 1) })));
    $('#whatif-turn').replaceChildren(...turns.map((t) => el('option', { value: String(t), text: 'Turn ' + t })));
  }

  function show(i) {
    const f = st.frames[i];
    for (const b of document.querySelectorAll('.turn-button')) b.setAttribute('aria-pressed', String(b.dataset.turn === String(num(f.turn))));
    const decisions = (f.decisions || []).map((d) => el('tr', {}, el('td', { text: teamName(num(d.team)) + (d.hat && d.hat !== 'BOTH' ? ' (' + d.hat.toLowerCase() + ')' : '') }),
      el('td', { text: ((d.decision && d.decision.hours) || []).map((h) => actName(h.act) + ' ' + fmt(num(h.hours), 0) + ' h').join(', ') + (d.defaulted ? ' (default)' : '') })));
    const vars = (f.teams || []).map((t) => el('tr', {}, el('td', { text: (t.name || '') + (t.bot ? ' (bot)' : '') }), el('td', { class: 'n', text: fmt(variable(t, 'morale'), 1) }), el('td', { class: 'n', text: fmt(variable(t, 'results'), 1) }), el('td', { class: 'n', text: fmt(variable(t, 'adoption') * 100, 0) + '%' })));
    $('#frame').replaceChildren(el('h3', { id: 'frame-turn', text: 'Turn ' + num(f.turn) }),
      ...(f.events || []).map((e) => el('p', {}, el('strong', { text: e.title + ': ' }), e.narrative || '')),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'Team' }), el('th', { class: 'n', text: 'Morale' }), el('th', { class: 'n', text: 'Results' }), el('th', { class: 'n', text: 'Adoption' }))), el('tbody', {}, vars)),
      el('h4', { text: 'Decisions' }), el('table', {}, el('tbody', {}, decisions)));
  }

  const actName = (id) => (st.acts[id] ? st.acts[id].name : id);

  function split() {
    const totals = new Map();
    const acts = new Set();
    for (const f of st.frames) for (const d of f.decisions || []) {
      const key = num(d.team);
      if (!totals.has(key)) totals.set(key, {});
      for (const h of (d.decision && d.decision.hours) || []) { acts.add(h.act); totals.get(key)[h.act] = (totals.get(key)[h.act] || 0) + num(h.hours); }
    }
    const list = [...acts].sort((a, b) => Number(!!(st.acts[b] && st.acts[b].leadership)) - Number(!!(st.acts[a] && st.acts[a].leadership)));
    const bots = new Set(); for (const f of st.frames) for (const t of f.teams || []) if (t.bot) bots.add(num(t.team));
    const rows = [...totals.entries()].sort((a, b) => a[0] - b[0]).map(([team, h]) => {
      const sum = list.reduce((s, a) => s + (h[a] || 0), 0) || 1;
      return el('tr', {}, el('th', { scope: 'row', text: teamName(team) + (bots.has(team) ? ' (bot)' : '') }), ...list.map((a) => el('td', { class: 'n', text: fmt(h[a] || 0, 0) + ' h (' + fmt(100 * (h[a] || 0) / sum, 0) + '%)' })));
    });
    $('#split').replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'Team' }), ...list.map((a) => el('th', { class: 'n' }, actName(a), st.acts[a] ? el('span', { class: 'tag', text: st.acts[a].leadership ? 'leadership' : 'management' }) : null)))), el('tbody', {}, rows)));
  }

  $('#whatif-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const team = Number($('#whatif-team').value);
    const fromTurn = Number($('#whatif-turn').value);
    $('#whatif').textContent = 'Running…';
    try {
      const r = (await conn.request({ whatIf: { sessionId, fromTurn, changes: [{ team, botStrategy: 'leader' }] } })).whatIfResult;
      const last = (frames) => { const f = (frames || [])[frames.length - 1]; return f && (f.teams || []).find((t) => num(t.team) === team); };
      const a = last(r.actual || []), c = last(r.counterfactual || []);
      $('#whatif').replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: '' }), el('th', { class: 'n', text: 'Actual' }), el('th', { class: 'n', text: 'With the leader bot' }))),
        el('tbody', {}, ['morale', 'results', 'adoption'].map((n) => el('tr', {}, el('th', { scope: 'row', text: n }), el('td', { class: 'n', text: fmt(variable(a, n), 2) }), el('td', { class: 'n', text: fmt(variable(c, n), 2) }))))));
    } catch (e) { $('#whatif').textContent = 'What-if failed: ' + e.message; }
  });

  async function exportAs(format) {
    $('#export-status').textContent = 'Exporting ' + format.toUpperCase() + '…';
    try {
      const res = await fetch('/sessions/' + encodeURIComponent(sessionId) + '/export?format=' + format, { headers: { Authorization: 'Bearer ' + token } });
      if (!res.ok) throw new Error(res.status + ' ' + (await res.text()));
      const text = await res.text();
      const blob = new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/json' });
      const a = el('a', { href: URL.createObjectURL(blob), download: 'quarterdeck-' + sessionId + '.' + format });
      document.body.append(a); a.click(); a.remove();
      const lines = text.split('\n').filter((l) => l.length).length;
      $('#export-status').textContent = 'Exported ' + format.toUpperCase() + ': ' + lines + ' lines.';
      $('#export-status').dataset.lines = String(lines);
      $('#export-status').dataset.head = text.split('\n')[0].slice(0, 200);
    } catch (e) { $('#export-status').textContent = 'Export failed: ' + e.message; }
  }
  $('#export-csv').addEventListener('click', () => exportAs('csv'));
  $('#export-json').addEventListener('click', () => exportAs('json'));
})();
