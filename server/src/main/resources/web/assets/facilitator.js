'use strict';
// The facilitator's console: sign in, the list of one's sessions, creating and reopening them,
// and running one (controls by phase, confirmations, countdown, people, teams, end view).
// Every text comes from /assets/i18n/facilitator.<lang>.js.
(() => {
  const { $, el, num, round, variable } = QD;
  const t = I18N.t;
  const KEY = 'quarterdeck.facilitator';
  const CREDENTIAL_KEY = 'quarterdeck.facilitator.credential';
  const PHASES = ['LOBBY', 'TURN_OPEN', 'PAUSED', 'ENDED'];
  // Which controls make sense in which phase; the others are disabled.
  const ENABLED = {
    'cmd-start': ['LOBBY'], 'cmd-pause': ['TURN_OPEN'], 'cmd-resume': ['PAUSED'],
    'cmd-force': ['TURN_OPEN', 'PAUSED'], 'cmd-end': ['LOBBY', 'TURN_OPEN', 'PAUSED'],
    'cmd-extend': ['TURN_OPEN', 'PAUSED'], 'cmd-until': ['TURN_OPEN'],
    'cmd-broadcast': ['LOBBY', 'TURN_OPEN', 'PAUSED'], 'cmd-inject': ['TURN_OPEN', 'PAUSED'],
    'cmd-kick': ['LOBBY', 'TURN_OPEN', 'PAUSED'],
  };

  const hash = new URLSearchParams(location.hash.slice(1));
  let saved = readJson(KEY);
  if (hash.get('token') && (!saved || saved.token !== hash.get('token'))) saved = { token: hash.get('token'), joinCode: hash.get('code') || '' };
  // The token leaves the address bar and the history once read (it is kept in localStorage).
  if (hash.get('token')) { localStorage.setItem(KEY, JSON.stringify(saved)); history.replaceState(null, '', location.pathname + location.search); }
  const st = { saved, signedIn: null, phase: '', turn: 0, turns: 0, deadlineAt: 0, lastTurn: -1, deck: [], lobby: null, people: null, publicUrl: location.origin, ended: false };

  function readJson(key) { try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) { return null; } }
  function save() { if (st.saved) localStorage.setItem(KEY, JSON.stringify(st.saved)); else localStorage.removeItem(KEY); }

  I18N.apply();
  $('#lang-slot').replaceChildren(I18N.switcher());

  const conn = new QD.Connection(onMessage, (s) => { $('#conn').textContent = s === 'online' ? t('facilitator.online') : t('facilitator.reconnecting'); });
  conn.onOpen = async () => {
    // The server says where people reach it; the address bar may say 127.0.0.1.
    if (conn.welcome && conn.welcome.publicUrl) st.publicUrl = conn.welcome.publicUrl;
    const credential = localStorage.getItem(CREDENTIAL_KEY);
    if (credential) {
      try { signedIn((await conn.request({ signIn: { credential } })).signedIn); } catch (e) { localStorage.removeItem(CREDENTIAL_KEY); }
    }
    if (st.saved) await openSaved();
    else showLists();
  };
  conn.connect().catch(() => {});

  async function openSaved() {
    try {
      await conn.request({ resume: { token: st.saved.token } });
      await conn.request({ facilitator: { liveView: {} } }).catch(() => {});
    } catch (e) {
      if (e.code === 'UNAVAILABLE') {
        conn.retryLater(e.retryAfterMs); // the session is moving or being restored: keep it
        return;
      }
      $('#create-error').textContent = t('facilitator.resumeFailed', { message: e.message });
      st.saved = null;
      save();
      showLists();
    }
  }

  // ------------------------------------------------------------------ sign in and the list

  $('#signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#signin-error').textContent = '';
    try {
      const reply = await conn.request({ signIn: { name: $('#signin-name').value.trim(), password: $('#signin-password').value } });
      $('#signin-password').value = '';
      signedIn(reply.signedIn);
      if (!st.saved) showLists();
    } catch (e) {
      $('#signin-error').textContent = t('facilitator.signIn.failed', { message: e.message });
    }
  });

  function signedIn(s) {
    st.signedIn = { name: s.name, roomUrl: s.roomUrl };
    localStorage.setItem(CREDENTIAL_KEY, s.credential);
    $('#signed-in-as').textContent = t('facilitator.signIn.as', { name: s.name });
    $('#room-link').textContent = s.roomUrl;
    $('#room-link').href = s.roomUrl;
    $('#room-qr').src = '/qr?text=' + encodeURIComponent(s.roomUrl);
    $('#back-to-list').classList.remove('hidden');
    document.body.dataset.signedIn = s.name;
  }

  $('#signout').addEventListener('click', () => {
    // Signing out on a shared laptop also forgets the session this page had open.
    localStorage.removeItem(CREDENTIAL_KEY);
    localStorage.removeItem(KEY);
    location.reload();
  });

  function showLists() {
    $('#session').classList.add('hidden');
    $('#create-section').classList.remove('hidden');
    $('#signin-section').classList.toggle('hidden', !!st.signedIn);
    $('#sessions-section').classList.toggle('hidden', !st.signedIn);
    if (st.signedIn) refreshList();
  }

  async function refreshList() {
    try {
      renderList((await conn.request({ listSessions: { archived: $('#show-archived').checked } })).sessionList);
    } catch (e) { $('#session-list').textContent = e.message; }
  }
  $('#show-archived').addEventListener('change', refreshList);

  function renderList(list) {
    const sessions = (list && list.sessions) || [];
    if (!sessions.length) { $('#session-list').replaceChildren(el('p', { class: 'muted', text: t('facilitator.sessions.none') })); return; }
    const rows = sessions.map((s) => el('tr', { 'data-session-id': s.sessionId, 'data-phase': s.phase },
      el('td', { text: (s.title || s.scenarioName) + (s.archived ? ' (' + t('facilitator.sessions.archived') + ')' : '') }),
      el('td', { class: 'mono', text: s.joinCode }),
      el('td', { text: t('facilitator.phase.' + (s.phase || 'LOBBY')) }),
      el('td', { class: 'n', text: num(s.turn) + '/' + num(s.turns) }),
      el('td', { class: 'n', text: String(num(s.teams)) }),
      el('td', { class: 'n', text: String(num(s.people)) }),
      el('td', {}, el('button', { type: 'button', class: 'open-session', onclick: () => openSession(s.sessionId), text: t('facilitator.sessions.open') }),
        el('button', { type: 'button', class: 'secondary archive-session', onclick: () => archive(s.sessionId, !s.archived), text: t(s.archived ? 'facilitator.sessions.unarchive' : 'facilitator.sessions.archive') }))));
    $('#session-list').replaceChildren(el('table', { id: 'session-list-table' },
      el('thead', {}, el('tr', {}, ...['title', 'code', 'state', 'progress', 'teams', 'people'].map((k) => el('th', { text: t('facilitator.sessions.' + k) })), el('th', {}))),
      el('tbody', {}, rows)));
  }

  async function openSession(sessionId) {
    try {
      const c = (await conn.request({ openSession: { sessionId } })).sessionCreated;
      await facilitate(c);
    } catch (e) { $('#session-list').prepend(el('p', { class: 'bad', text: e.message })); }
  }

  async function archive(sessionId, archived) {
    try {
      await conn.request({ archiveSession: { sessionId, archived } });
      refreshList();
    } catch (e) { $('#session-list').prepend(el('p', { class: 'bad', text: e.message })); }
  }

  // ------------------------------------------------------------------ creating

  $('#create-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#create-error').textContent = '';
    const settings = { teams: num($('#teams').value), turnDeadlineSeconds: num($('#deadline').value), title: $('#session-title').value.trim() };
    if (num($('#people-per-team').value) > 1) settings.peoplePerTeam = num($('#people-per-team').value);
    const bots = $('#bots').value.trim();
    // "-" (as on the command line) leaves a team to people only: an empty strategy on the wire.
    if (bots) settings.botStrategies = bots.split(',').map((s) => s.trim()).map((s) => (s === '-' ? '' : s));
    if (num($('#seed').value)) settings.seed = String(num($('#seed').value));
    const body = { settings };
    const file = $('#scenario-file').files[0];
    if (file) {
      if (file.size > 48 * 1024) { $('#create-error').textContent = t('facilitator.create.tooLarge'); return; }
      body.scenarioText = await file.text();
    } else body.builtinScenario = $('#scenario').value;
    if ($('#admin-token').value) body.adminToken = $('#admin-token').value;
    try {
      await facilitate((await conn.request({ createSession: body })).sessionCreated);
    } catch (e) {
      $('#create-error').textContent = t('facilitator.create.failed', { message: e.message });
    }
  });

  /** Takes up a session this page may facilitate (created or reopened): resume, then watch. */
  async function facilitate(c) {
    st.saved = { token: c.facilitatorToken, sessionId: c.sessionId, joinCode: c.joinCode };
    st.ended = false;
    st.lastTurn = -1;
    save();
    await conn.request({ resume: { token: c.facilitatorToken } });
    await conn.request({ facilitator: { liveView: {} } }).catch(() => {});
  }

  $('#new-session').addEventListener('click', () => { st.saved = null; save(); showLists(); });
  $('#back-to-list').addEventListener('click', () => { st.saved = null; save(); showLists(); });

  // ------------------------------------------------------------------ the console

  function showSession() {
    for (const id of ['#create-section', '#sessions-section', '#signin-section']) $(id).classList.add('hidden');
    $('#session').classList.remove('hidden');
    const code = st.saved.joinCode || '';
    $('#join-code').textContent = code || t('facilitator.joinCodeMissing');
    const link = st.publicUrl + '/' + (code ? '?code=' + encodeURIComponent(code) : '');
    $('#join-link').textContent = link;
    $('#join-link').href = link;
    $('#qr').src = '/qr?text=' + encodeURIComponent(link);
    if (st.saved.sessionId) $('#replay-link').href = '/replay/' + encodeURIComponent(st.saved.sessionId) + '#token=' + encodeURIComponent(st.saved.token);
  }

  function onMessage(msg) {
    if (msg.snapshot && msg.snapshot.role === 'FACILITATOR') snapshot(msg.snapshot);
    else if (msg.liveView) live(msg.liveView);
    else if (msg.lobbyUpdate) { st.lobby = msg.lobbyUpdate; renderPeople(); }
    else if (msg.phaseChanged) { setPhase(msg.phaseChanged.phase, num(msg.phaseChanged.turn)); deadline(msg.phaseChanged); }
    else if (msg.sessionEnded) ended(msg.sessionEnded);
    else if (msg.goodbye && msg.goodbye.reason === 'REPLACED') {
      conn.close();
      $('#banner').replaceChildren(t('facilitator.takenElsewhere'),
        el('button', { type: 'button', id: 'take-back', onclick: () => { $('#banner').classList.add('hidden'); conn.closedByUs = false; conn.connect().catch(() => {}); } }, t('facilitator.takeBack')));
      $('#banner').classList.remove('hidden');
    }
  }

  function snapshot(s) {
    if (!st.saved) return;
    st.saved.sessionId = s.sessionId;
    save();
    st.turns = num(s.turns);
    st.deck = s.deck || [];
    $('#title').textContent = (s.title || 'Quarterdeck') + ' — ' + t('facilitator.heading');
    showSession();
    renderDeck();
    setPhase(s.phase, num(s.openTurn && s.openTurn.turn));
    if (s.openTurn) deadline(s.openTurn);
    if (s.lobby) { st.lobby = s.lobby; renderPeople(); }
    $('#end-view').classList.toggle('hidden', s.phase !== 'ENDED');
    if (s.phase === 'ENDED' && !st.ended) standings((s.standings || []).map((x) => ({ name: x.name, score: x.score })), []);
  }

  function setPhase(p, turn) {
    st.phase = p || '';
    document.body.dataset.phase = st.phase;
    $('#phase').textContent = PHASES.includes(p) ? t('facilitator.phase.' + p) : '';
    if (turn) st.turn = turn;
    // After the last turn the game has no further turn: show the last one played.
    const shown = st.turns ? Math.min(st.turn, st.turns) : st.turn;
    $('#turn').textContent = !shown ? '' : st.turns ? t('facilitator.turnOf', { turn: shown, turns: st.turns }) : t('facilitator.turn', { turn: shown });
    for (const [id, phases] of Object.entries(ENABLED)) $('#' + id).disabled = !phases.includes(st.phase);
    tick();
  }

  function deadline(d) {
    st.deadlineAt = num(d.deadlineEpochMs) ? Date.now() + num(d.remainingMs) : 0;
    tick();
  }

  function tick() {
    const c = $('#countdown');
    if (st.phase === 'PAUSED') c.textContent = t('facilitator.countdown.paused');
    else if (st.phase === 'TURN_OPEN' && st.deadlineAt) {
      const left = Math.max(0, Math.round((st.deadlineAt - Date.now()) / 1000));
      c.textContent = t('facilitator.countdown.left', { time: Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') });
      c.dataset.seconds = String(left);
    } else if (st.phase === 'TURN_OPEN') c.textContent = t('facilitator.countdown.none');
    else c.textContent = '';
  }
  setInterval(tick, 500);

  function renderDeck() {
    $('#inject-deck').replaceChildren(el('option', { value: '', text: '—' }), ...st.deck.map((e) => el('option', { value: e.id, text: e.title || e.id })));
    preview();
  }
  function preview() {
    const e = st.deck.find((x) => x.id === $('#inject-deck').value);
    $('#inject-preview').textContent = e ? e.narrative || '' : '';
  }
  $('#inject-deck').addEventListener('change', preview);

  /** The per-person monitor: who is connected, who submitted (which version), last seen. */
  function renderPeople() {
    const l = st.lobby || {};
    const seats = l.seats || [];
    const peopleCount = seats.filter((s) => !s.bot && s.displayName).reduce((n, s) => n + 1 + (s.coPlayers || []).length, 0);
    const people = st.people || seats.filter((s) => !s.bot && s.displayName).map((s) => ({ seat: { team: s.team, hat: s.hat }, displayName: s.displayName, connected: s.connected }));
    const teamLabel = (seat) => String(num(seat && seat.team) + 1) + (seat && seat.hat && seat.hat !== 'BOTH' ? ' (' + seat.hat.toLowerCase() + ')' : '');
    const canNudge = st.phase === 'TURN_OPEN' || st.phase === 'PAUSED';
    const rows = people.map((p) => el('tr', { 'data-person': p.displayName },
      el('td', {}, p.displayName || '', p.coPlayer ? el('span', { class: 'tag', text: t('facilitator.people.coPlayer') }) : null),
      el('td', { class: 'n', text: teamLabel(p.seat) }),
      el('td', { class: p.connected ? 'ok' : 'muted', text: t(p.connected ? 'facilitator.people.connected' : 'facilitator.people.away') }),
      el('td', { class: p.submitted ? 'ok submitted' : 'pending', text: p.submitted ? t('facilitator.people.version', { version: num(p.version) }) : t('facilitator.people.waiting') }),
      el('td', { text: num(p.lastSeenEpochMs) ? new Date(num(p.lastSeenEpochMs)).toLocaleTimeString() : '' }),
      el('td', {}, p.coPlayer ? null : [
        el('button', { type: 'button', class: 'secondary remind', disabled: !canNudge || p.submitted, onclick: () => command({ remind: p.seat }, t('facilitator.people.remind')), text: t('facilitator.people.remind') }),
        el('button', { type: 'button', class: 'secondary play-default', disabled: !canNudge || p.submitted, onclick: () => command({ playDefault: p.seat }, t('facilitator.people.default')), text: t('facilitator.people.default') })])));
    $('#lobby').replaceChildren(el('p', { text: t('facilitator.people.count', { people: peopleCount, spectators: num(l.spectators) }) }),
      rows.length ? el('table', { id: 'people-table' }, el('thead', {}, el('tr', {}, ...['name', 'team', 'connection', 'submitted', 'lastSeen'].map((k) => el('th', { text: t('facilitator.people.' + k) })), el('th', {}))), el('tbody', {}, rows))
        : el('p', { class: 'muted', text: t('facilitator.people.none') }));
    const humans = seats.filter((s) => !s.bot && s.displayName);
    const sel = $('#kick-team');
    const keep = sel.value;
    sel.replaceChildren(...humans.map((s) => el('option', { value: num(s.team) + ':' + (s.hat || 'BOTH'), 'data-name': s.displayName, text: t('facilitator.teams.team') + ' ' + (num(s.team) + 1) + ' — ' + s.displayName })));
    if (keep) sel.value = keep;
  }

  function live(v) {
    setPhase(v.phase, num(v.turn));
    deadline(v);
    if (v.lobby) st.lobby = v.lobby;
    st.people = v.people || null;
    renderPeople();
    const rows = (v.teams || []).map((lt) => {
      const tv = lt.team || {};
      const done = num(lt.submitted) >= num(lt.seats) && num(lt.seats) > 0;
      return el('tr', { 'data-team': String(num(tv.team)) }, el('td', { text: tv.name || t('facilitator.teams.team') + ' ' + (num(tv.team) + 1) }), el('td', { text: tv.bot ? t('facilitator.teams.bot') : (tv.players || []).join(', ') }),
        el('td', { class: done ? 'ok submitted' : 'pending', text: num(lt.submitted) + '/' + num(lt.seats) + (done ? ' ✓' : '') }),
        el('td', { class: 'n', text: round(variable(tv, 'morale'), 1) }), el('td', { class: 'n', text: round(variable(tv, 'results'), 1) }), el('td', { class: 'n', text: round(variable(tv, 'adoption') * 100, 0) + '%' }));
    });
    $('#grid').replaceChildren(el('table', { id: 'grid-table', 'data-turn': String(num(v.turn)) }, el('thead', {}, el('tr', {}, el('th', { text: t('facilitator.teams.team') }), el('th', { text: t('facilitator.teams.players') }), el('th', { text: t('facilitator.teams.submitted') }), el('th', { class: 'n', text: t('facilitator.var.morale') }), el('th', { class: 'n', text: t('facilitator.var.results') }), el('th', { class: 'n', text: t('facilitator.var.adoption') }))), el('tbody', {}, rows)));
    if (num(v.turn) !== st.lastTurn || v.phase === 'ENDED') { st.lastTurn = num(v.turn); charts(); }
    $('#end-view').classList.toggle('hidden', v.phase !== 'ENDED');
  }

  /** The end view: final scores (best first) and the debrief. */
  function ended(e) {
    st.ended = true;
    setPhase('ENDED', 0);
    $('#end-view').classList.remove('hidden');
    standings(e.scores || [], e.debrief || []);
  }

  function standings(scores, debrief) {
    const sorted = scores.slice().sort((a, b) => num(b.score) - num(a.score));
    $('#final-standings').replaceChildren(el('table', { id: 'final-table' },
      el('thead', {}, el('tr', {}, el('th', { class: 'n', text: t('facilitator.end.rank') }), el('th', { text: t('facilitator.teams.team') }), el('th', { class: 'n', text: t('facilitator.end.score') }))),
      el('tbody', {}, sorted.map((s, i) => el('tr', {}, el('td', { class: 'n', text: String(i + 1) }), el('td', { text: s.name }), el('td', { class: 'n', text: round(num(s.score), 1) }))))));
    $('#final-debrief').replaceChildren(...debrief.map((d) => el('p', { text: d })));
  }

  async function charts() {
    try {
      const r = (await conn.request({ getReplay: {} })).replay;
      const frames = r.frames || [];
      const turns = frames.map((f) => num(f.turn));
      const teams = (frames[0] && frames[0].teams) || [];
      for (const [name, key, scale] of [['morale', 'facilitator.var.morale', 1], ['results', 'facilitator.var.results', 1], ['adoption', 'facilitator.var.adoptionPercent', 100]]) {
        QD.lineChart($('#chart-' + name), t(key), turns, teams.map((tm, i) => ({ label: tm.name || t('facilitator.teams.team') + ' ' + (i + 1), values: frames.map((f) => variable((f.teams || []).find((x) => num(x.team) === num(tm.team)), name) * scale) })));
      }
    } catch (e) { /* charts are best effort */ }
  }

  $('#export-link').addEventListener('click', async (ev) => {
    ev.preventDefault();
    if (!st.saved || !st.saved.sessionId) return;
    // The token goes in a header, not the address (addresses end up in logs and history).
    const r = await fetch('/sessions/' + encodeURIComponent(st.saved.sessionId) + '/export?format=csv', { headers: { Authorization: 'Bearer ' + st.saved.token } });
    const a = el('a', { href: URL.createObjectURL(await r.blob()), download: st.saved.sessionId + '.csv' });
    document.body.append(a);
    a.click();
    a.remove();
  });

  // ------------------------------------------------------------------ commands

  /** Asks before an action that cannot be undone; resolves true when confirmed. */
  function ask(text) {
    const d = $('#confirm-dialog');
    $('#confirm-text').textContent = text;
    return new Promise((resolve) => {
      const done = (answer) => { d.close(); $('#confirm-yes').onclick = null; $('#confirm-no').onclick = null; resolve(answer); };
      $('#confirm-yes').onclick = () => done(true);
      $('#confirm-no').onclick = () => done(false);
      d.showModal();
    });
  }

  async function command(cmd, label) {
    $('#cmd-status').textContent = t('facilitator.cmdRunning', { label });
    try {
      await conn.request({ facilitator: cmd });
      $('#cmd-status').textContent = t('facilitator.cmdDone', { label });
    } catch (e) {
      $('#cmd-status').textContent = t('facilitator.cmdFailed', { label, message: e.message });
    }
  }
  for (const b of document.querySelectorAll('button[data-cmd]')) {
    b.addEventListener('click', async () => {
      const confirmKey = { end: 'facilitator.confirm.end', forceResolve: 'facilitator.confirm.forceResolve' }[b.dataset.cmd];
      if (confirmKey && !(await ask(t(confirmKey)))) return;
      command({ [b.dataset.cmd]: {} }, b.textContent);
    });
  }
  $('#cmd-extend').addEventListener('click', () => command({ extendSeconds: num($('#extend').value) }, t('facilitator.extendButton')));
  // "You have until 10:45": the next time that time of day comes round, by this browser's clock.
  $('#cmd-until').addEventListener('click', () => {
    const v = $('#until').value;
    if (!v) return;
    const [h, m, sec] = v.split(':').map(Number);
    const at = new Date();
    at.setHours(h, m, sec || 0, 0);
    if (at.getTime() <= Date.now()) at.setDate(at.getDate() + 1);
    command({ deadlineAtEpochMs: String(at.getTime()) }, t('facilitator.untilStatus', { time: v }));
  });
  $('#cmd-broadcast').addEventListener('click', () => { const text = $('#broadcast').value.trim(); if (text) command({ broadcast: text }, t('facilitator.broadcastButton')); });
  $('#cmd-inject').addEventListener('click', () => {
    const title = $('#inject-title').value.trim();
    const text = $('#inject-text').value.trim();
    const deck = $('#inject-deck').value;
    if (title) {
      const effects = [{ name: $('#inject-var').value, value: num($('#inject-amount').value) }];
      command({ inject: { custom: { title, narrative: text, effects } } }, t('facilitator.inject.button'));
    } else if (deck) command({ inject: { deckEvent: deck } }, t('facilitator.inject.button'));
  });
  $('#cmd-kick').addEventListener('click', async () => {
    const sel = $('#kick-team');
    if (!sel.value) return;
    const name = sel.selectedOptions[0].dataset.name || '';
    if (!(await ask(t('facilitator.confirm.kick', { name })))) return;
    const [team, hat] = sel.value.split(':');
    command({ kick: { team: Number(team), hat } }, t('facilitator.kickButton'));
  });
  setPhase('', 0);
})();
