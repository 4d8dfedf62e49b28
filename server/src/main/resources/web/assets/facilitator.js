'use strict';
(() => {
  const { $, el, fmt, num, variable } = QD;
  const KEY = 'quarterdeck.facilitator';
  const hashToken = new URLSearchParams(location.hash.slice(1)).get('token');
  let saved = JSON.parse(localStorage.getItem(KEY) || 'null');
  const hashCode = new URLSearchParams(location.hash.slice(1)).get('code');
  if (hashToken && (!saved || saved.token !== hashToken)) saved = { token: hashToken, joinCode: hashCode || '' };
  const st = { saved, lastTurn: -1, phase: '' };

  const conn = new QD.Connection(onMessage, (s) => { $('#conn').textContent = s === 'online' ? '● online' : '○ reconnecting…'; });
  conn.onOpen = async () => {
    if (!st.saved) return;
    try {
      await conn.request({ resume: { token: st.saved.token } });
      await conn.request({ facilitator: { liveView: {} } }).catch(() => {});
    } catch (e) {
      $('#create-error').textContent = 'Could not resume the saved session: ' + e.message;
      forget();
    }
  };
  conn.connect().catch(() => {});

  function save() { localStorage.setItem(KEY, JSON.stringify(st.saved)); }
  function forget() { localStorage.removeItem(KEY); st.saved = null; $('#session').classList.add('hidden'); $('#create-section').classList.remove('hidden'); }
  $('#new-session').addEventListener('click', forget);

  $('#create-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#create-error').textContent = '';
    const settings = { teams: num($('#teams').value), turnDeadlineSeconds: num($('#deadline').value), title: $('#session-title').value.trim() };
    const bots = $('#bots').value.trim();
    if (bots) settings.botStrategies = bots.split(',').map((s) => s.trim());
    if (num($('#seed').value)) settings.seed = String(num($('#seed').value));
    const body = { settings };
    const file = $('#scenario-file').files[0];
    if (file) {
      if (file.size > 48 * 1024) { $('#create-error').textContent = 'The scenario file is larger than 48 KiB.'; return; }
      body.scenarioText = await file.text();
    } else body.builtinScenario = $('#scenario').value;
    if ($('#admin-token').value) body.adminToken = $('#admin-token').value;
    try {
      const reply = await conn.request({ createSession: body });
      const c = reply.sessionCreated;
      st.saved = { token: c.facilitatorToken, sessionId: c.sessionId, joinCode: c.joinCode };
      save();
      await conn.request({ resume: { token: c.facilitatorToken } });
      await conn.request({ facilitator: { liveView: {} } }).catch(() => {});
    } catch (e) {
      $('#create-error').textContent = 'Could not create the session: ' + e.message;
    }
  });

  function showSession() {
    $('#create-section').classList.add('hidden');
    $('#session').classList.remove('hidden');
    const code = st.saved.joinCode || '';
    $('#join-code').textContent = code || '(see the printed join code)';
    const link = location.origin + '/' + (code ? '?code=' + encodeURIComponent(code) : '');
    $('#join-link').textContent = link;
    $('#join-link').href = link;
    $('#qr').src = '/qr?text=' + encodeURIComponent(link);
    if (st.saved.sessionId) $('#replay-link').href = '/replay/' + encodeURIComponent(st.saved.sessionId) + '#token=' + encodeURIComponent(st.saved.token);
  }

  function onMessage(msg) {
    if (msg.snapshot) {
      const s = msg.snapshot;
      if (st.saved) { st.saved.sessionId = s.sessionId; save(); }
      $('#title').textContent = (s.title || 'Quarterdeck') + ' — facilitator';
      showSession();
      setPhase(s.phase, 0);
      if (s.lobby) lobby(s.lobby);
    } else if (msg.liveView) live(msg.liveView);
    else if (msg.lobbyUpdate) lobby(msg.lobbyUpdate);
    else if (msg.phaseChanged) setPhase(msg.phaseChanged.phase, num(msg.phaseChanged.turn));
    else if (msg.goodbye && msg.goodbye.reason === 'REPLACED') {
      // Another window (often the replay page) resumed with this token and took the seat.
      conn.close();
      $('#banner').replaceChildren('This session was opened in another window (for example the replay page). ',
        el('button', { type: 'button', id: 'take-back', onclick: () => { $('#banner').classList.add('hidden'); conn.closedByUs = false; conn.connect().catch(() => {}); } }, 'Take it back here'));
      $('#banner').classList.remove('hidden');
    }
  }

  function banner(t) { $('#banner').textContent = t; $('#banner').classList.remove('hidden'); }

  function setPhase(p, turn) {
    st.phase = p || '';
    document.body.dataset.phase = st.phase;
    $('#phase').textContent = { LOBBY: 'Lobby', TURN_OPEN: 'Turn open', PAUSED: 'Paused', ENDED: 'Ended' }[p] || '';
    if (turn) $('#turn').textContent = 'Turn ' + turn;
  }

  function lobby(l) {
    const seats = l.seats || [];
    const rows = seats.map((s) => el('tr', {}, el('td', { class: 'n', text: String(num(s.team) + 1) }), el('td', { text: s.hat && s.hat !== 'BOTH' ? s.hat.toLowerCase() : '' }),
      el('td', { text: s.displayName || '' }), el('td', { text: s.bot ? 'bot (' + (s.botStrategy || 'adaptive') + ')' : 'person' }), el('td', { text: s.bot ? '' : (s.connected ? 'connected' : 'away') })));
    $('#lobby').replaceChildren(el('p', {}, 'People: ' + seats.filter((s) => !s.bot && s.displayName).length + ', spectators: ' + num(l.spectators)),
      el('table', { id: 'lobby-table' }, el('thead', {}, el('tr', {}, el('th', { class: 'n', text: 'Team' }), el('th', { text: 'Hat' }), el('th', { text: 'Name' }), el('th', { text: 'Seat' }), el('th', { text: '' }))), el('tbody', {}, rows)));
    const humans = seats.filter((s) => !s.bot && s.displayName);
    const sel = $('#kick-team');
    const keep = sel.value;
    sel.replaceChildren(...humans.map((s) => el('option', { value: num(s.team) + ':' + (s.hat || 'BOTH'), text: 'team ' + (num(s.team) + 1) + ' — ' + s.displayName })));
    if (keep) sel.value = keep;
  }

  function live(v) {
    setPhase(v.phase, num(v.turn));
    if (v.lobby) lobby(v.lobby);
    const rows = (v.teams || []).map((lt) => {
      const t = lt.team || {};
      const done = num(lt.submitted) >= num(lt.seats) && num(lt.seats) > 0;
      return el('tr', { 'data-team': String(num(t.team)) }, el('td', { text: t.name || 'Team ' + (num(t.team) + 1) }), el('td', { text: t.bot ? 'bot' : (t.players || []).join(', ') }),
        el('td', { class: done ? 'ok submitted' : 'pending', text: num(lt.submitted) + '/' + num(lt.seats) + (done ? ' ✓' : '') }),
        el('td', { class: 'n', text: fmt(variable(t, 'morale'), 1) }), el('td', { class: 'n', text: fmt(variable(t, 'results'), 1) }), el('td', { class: 'n', text: fmt(variable(t, 'adoption') * 100, 0) + '%' }));
    });
    $('#grid').replaceChildren(el('table', { id: 'grid-table', 'data-turn': String(num(v.turn)) }, el('thead', {}, el('tr', {}, el('th', { text: 'Team' }), el('th', { text: 'Players' }), el('th', { text: 'Submitted' }), el('th', { class: 'n', text: 'Morale' }), el('th', { class: 'n', text: 'Results' }), el('th', { class: 'n', text: 'Adoption' }))), el('tbody', {}, rows)));
    if (num(v.turn) !== st.lastTurn || v.phase === 'ENDED') { st.lastTurn = num(v.turn); charts(); }
  }

  async function charts() {
    try {
      const r = (await conn.request({ getReplay: {} })).replay;
      const frames = r.frames || [];
      const turns = frames.map((f) => num(f.turn));
      const teams = (frames[0] && frames[0].teams) || [];
      for (const [name, label, scale] of [['morale', 'Morale', 1], ['results', 'Results', 1], ['adoption', 'Adoption %', 100]]) {
        QD.lineChart($('#chart-' + name), label, turns, teams.map((t, i) => ({ label: t.name || 'Team ' + (i + 1), values: frames.map((f) => variable((f.teams || []).find((x) => num(x.team) === num(t.team)), name) * scale) })));
      }
    } catch (e) { /* charts are best effort */ }
  }

  async function command(cmd, label) {
    $('#cmd-status').textContent = label + '…';
    try {
      const ack = (await conn.request({ facilitator: cmd })).facilitatorAck || {};
      $('#cmd-status').textContent = label + ': done (' + (ack.phase || '') + (ack.turn ? ', turn ' + ack.turn : '') + ')';
    } catch (e) {
      $('#cmd-status').textContent = label + ': ' + e.message;
    }
  }
  for (const b of document.querySelectorAll('button[data-cmd]')) {
    b.addEventListener('click', () => {
      if (b.dataset.cmd === 'end' && !confirm('End the game for everyone?')) return;
      command({ [b.dataset.cmd]: {} }, b.textContent);
    });
  }
  $('#cmd-extend').addEventListener('click', () => command({ extendSeconds: num($('#extend').value) }, 'Extend'));
  // "You have until 10:45": the next time that time of day comes round, by this browser's clock.
  $('#cmd-until').addEventListener('click', () => {
    const v = $('#until').value;
    if (!v) return;
    const [h, m, sec] = v.split(':').map(Number);
    const at = new Date();
    at.setHours(h, m, sec || 0, 0);
    if (at.getTime() <= Date.now()) at.setDate(at.getDate() + 1);
    command({ deadlineAtEpochMs: String(at.getTime()) }, 'End the turn at ' + v);
  });
  $('#cmd-broadcast').addEventListener('click', () => { const t = $('#broadcast').value.trim(); if (t) command({ broadcast: t }, 'Broadcast'); });
  $('#cmd-inject').addEventListener('click', () => {
    const title = $('#inject-title').value.trim();
    const text = $('#inject-text').value.trim();
    if (!title) return;
    const effects = [{ name: $('#inject-var').value, value: num($('#inject-amount').value) }];
    command({ inject: text ? { custom: { title, narrative: text, effects } } : { deckEvent: title } }, 'Inject');
  });
  $('#cmd-kick').addEventListener('click', () => {
    const v = $('#kick-team').value;
    if (!v) return;
    const [team, hat] = v.split(':');
    command({ kick: { team: Number(team), hat } }, 'Kick');
  });
})();
