'use strict';
(() => {
  const { $, el, fmt, num } = QD;
  const TOKEN_KEY = 'quarterdeck.player.token';
  const CODE_KEY = 'quarterdeck.player.code'; // the join code of the stored seat
  const st = { token: localStorage.getItem(TOKEN_KEY), turn: null, version: 0, deadlineAt: 0, paused: false, phase: '', team: null, submitted: false };

  const params = new URLSearchParams(location.search);
  if (params.get('code')) $('#code').value = params.get('code').toUpperCase();
  followNewLink();

  const conn = new QD.Connection(onMessage, (s) => { $('#conn').textContent = s === 'online' ? '● online' : s === 'offline' ? '○ reconnecting…' : '○ connecting…'; });
  conn.onOpen = async () => {
    if (!st.token) return;
    try {
      await conn.request({ resume: { token: st.token } });
    } catch (e) {
      if (e.code === 'NOT_FOUND' || e.code === 'UNAUTHENTICATED' || e.code === 'PERMISSION_DENIED') {
        localStorage.removeItem(TOKEN_KEY);
        st.token = null;
        showJoin('Your seat could not be resumed: ' + e.message);
      }
    }
  };
  conn.connect().catch(() => {});
  if (!st.token) showJoin();

  function showJoin(error) {
    $('#join-section').classList.remove('hidden');
    $('#game').classList.add('hidden');
    $('#join-error').textContent = error || '';
  }

  $('#join-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#join-error').textContent = '';
    try {
      const reply = await conn.request({ joinSession: { joinCode: $('#code').value.trim().toUpperCase(), displayName: $('#name').value.trim(), preferredTeam: -1 } });
      st.token = reply.joined.token;
      localStorage.setItem(TOKEN_KEY, st.token);
      localStorage.setItem(CODE_KEY, $('#code').value.trim().toUpperCase());
    } catch (e) {
      $('#join-error').textContent = 'Could not join: ' + e.message;
    }
  });

  function onMessage(msg) {
    if (msg.joined) { if (msg.joined.snapshot) snapshot(msg.joined.snapshot); }
    else if (msg.snapshot) snapshot(msg.snapshot);
    else if (msg.turnOpened) turnOpened(msg.turnOpened, null, 0);
    else if (msg.turnResolved) turnResolved(msg.turnResolved);
    else if (msg.phaseChanged) phaseChanged(msg.phaseChanged);
    else if (msg.submissionProgress) progress(msg.submissionProgress);
    else if (msg.quarterClosed) quarterClosed(msg.quarterClosed);
    else if (msg.sessionEnded) ended(msg.sessionEnded);
    else if (msg.broadcast) banner('Facilitator: ' + msg.broadcast.text);
    else if (msg.goodbye) goodbye(msg.goodbye);
    else if (msg.teamPlan) teamPlan(msg.teamPlan);
  }

  function banner(text) { const b = $('#banner'); b.textContent = text; b.classList.remove('hidden'); }

  function goodbye(g) {
    if (g.reason === 'KICKED') {
      conn.close();
      localStorage.removeItem(TOKEN_KEY);
      st.token = null;
      showJoin('You were removed from the session by the facilitator.');
    } else if (g.reason === 'REPLACED') {
      conn.close();
      banner('This seat was opened in another window. Reload to take it back here.');
    }
  }

  function snapshot(s) {
    $('#join-section').classList.add('hidden');
    $('#game').classList.remove('hidden');
    $('#title').textContent = s.title || 'Quarterdeck';
    document.title = (s.title || 'Quarterdeck') + ' — player';
    setPhase(s.phase);
    const own = (s.teams || []).find((t) => num(t.team) === num(s.team)) || (s.teams || [])[0];
    if (own) renderTeam(own);
    renderStandings(s.standings || []);
    const hist = s.history || [];
    if (hist.length) renderReport(hist[hist.length - 1]);
    if (s.openTurn && s.phase !== 'LOBBY' && s.phase !== 'ENDED') turnOpened(s.openTurn, s.draft, num(s.draftVersion));
  }

  function setPhase(p) {
    st.phase = p || '';
    const names = { LOBBY: 'Lobby', TURN_OPEN: 'Turn open', PAUSED: 'Paused', ENDED: 'Ended' };
    $('#phase').textContent = names[p] || '';
    $('#phase').id = 'phase';
    document.body.dataset.phase = st.phase;
    if (p === 'PAUSED') st.paused = true;
    if (p === 'TURN_OPEN') st.paused = false;
    tick();
  }

  function renderTeam(t) {
    st.team = t;
    $('#team-name').textContent = t.name || ('Team ' + (num(t.team) + 1));
    const rows = (t.variables || []).map((v) => el('tr', {}, el('th', { scope: 'row', text: v.label || v.name }), el('td', { class: 'n', 'data-var': v.name, text: fmt(num(v.value), 2) })));
    $('#dashboard').replaceChildren(el('table', {}, el('tbody', {}, rows)));
  }

  function renderStandings(list) {
    if (!list.length) { $('#standings').replaceChildren(el('p', { class: 'muted', text: 'No standings yet.' })); return; }
    const rows = list.slice().sort((a, b) => num(a.rank) - num(b.rank)).map((s) => el('tr', {}, el('td', { class: 'n', text: String(num(s.rank)) }), el('td', { text: s.name }), el('td', { class: 'n', text: fmt(num(s.score), 1) }), el('td', { class: 'n', text: fmt(num(s.results), 1) })));
    $('#standings').replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, el('th', { class: 'n', text: 'Rank' }), el('th', { text: 'Team' }), el('th', { class: 'n', text: 'Score' }), el('th', { class: 'n', text: 'Results' }))), el('tbody', {}, rows)));
  }

  function turnOpened(t, draft, draftVersion) {
    const sameTurn = st.turn === num(t.turn) && !$('#decision-form').classList.contains('hidden');
    // The same turn comes again when the facilitator injects an event: keep what was typed and
    // the submitted version (a snapshot after a reconnect carries the server's draft instead).
    const typed = {};
    if (sameTurn) for (const i of document.querySelectorAll('#acts input[data-act]')) typed[i.dataset.act] = i.value;
    st.turn = num(t.turn);
    if (!sameTurn || draftVersion) st.version = draftVersion || 0;
    st.submitted = st.version > 0;
    st.free = num(t.freeHours);
    st.overtime = num(t.maxOvertimeHours);
    st.paused = !!t.paused;
    st.deadlineAt = num(t.deadlineEpochMs) ? Date.now() + num(t.remainingMs) : 0;
    if (!t.paused && st.phase !== 'TURN_OPEN') setPhase('TURN_OPEN');
    if (t.paused) setPhase('PAUSED');
    $('#turn-heading').textContent = 'Turn ' + st.turn + (t.quarter ? ' · quarter ' + t.quarter + (t.turnsPerQuarter ? ' (' + (t.turnInQuarter || 1) + '/' + t.turnsPerQuarter + ')' : '') : '');
    $('#events').replaceChildren(
      el('p', {}, 'Budget ' + fmt(num(t.budgetHours), 0) + ' h; interruptions take ' + fmt(num(t.interruptionHours), 0) + ' h, leaving ' + fmt(st.free, 0) + ' h (plus up to ' + fmt(st.overtime, 0) + ' h overtime).'),
      ...(t.events || []).map((e) => el('div', { class: 'banner' }, el('strong', { text: e.title }), el('br'), e.narrative || '')));
    const hours = {};
    if (sameTurn && !draft) Object.assign(hours, typed);
    for (const h of (draft && draft.hours) || []) hours[h.act] = num(h.hours);
    const choices = {};
    for (const c of (draft && draft.choices) || []) choices[c.dilemma] = c.option;
    $('#acts').replaceChildren(...(t.acts || []).map((a) => el('div', { class: 'act' },
      el('label', { for: 'act-' + a.id }, a.name, a.leadership ? el('span', { class: 'tag', text: 'leadership' }) : el('span', { class: 'tag', text: 'management' })),
      el('input', { id: 'act-' + a.id, type: 'number', min: '0', step: 'any', inputmode: 'decimal', 'data-act': a.id, value: String(hours[a.id] || 0), 'aria-describedby': 'desc-' + a.id, oninput: updateBudget }),
      el('div', { class: 'desc', id: 'desc-' + a.id, text: a.description || '' }))));
    $('#dilemmas').replaceChildren(...(t.dilemmas || []).map((d) => el('fieldset', {},
      el('legend', { text: d.text }),
      ...(d.options || []).map((o, i) => el('label', { style: 'font-weight:normal' },
        el('input', { type: 'radio', name: 'dilemma-' + d.id, value: o.id, 'data-dilemma': d.id, checked: (choices[d.id] ? choices[d.id] === o.id : i === 0) }), ' ' + o.text)))));
    $('#decision-form').classList.remove('hidden');
    $('#submit-status').textContent = st.submitted ? 'Submitted (version ' + st.version + '). You can revise until the deadline.' : '';
    $('#submit').textContent = st.submitted ? 'Revise decision' : 'Submit decision';
    updateBudget();
    tick();
  }

  function booked() {
    let sum = 0;
    let bad = false;
    for (const i of document.querySelectorAll('#acts input[data-act]')) {
      const v = i.value === '' ? 0 : Number(i.value);
      if (!Number.isFinite(v) || v < 0) bad = true; else sum += v;
    }
    return { sum, bad };
  }

  function updateBudget() {
    const { sum, bad } = booked();
    const max = st.free + st.overtime;
    const over = sum > max + 1e-9;
    const ot = Math.max(0, sum - st.free);
    $('#budget').className = over || bad ? 'bad' : '';
    $('#budget').textContent = bad ? 'Hours must be numbers of 0 or more.' : 'Booked ' + fmt(sum, 0) + ' of ' + fmt(st.free, 0) + ' free hours' + (ot > 0 ? ' (' + fmt(ot, 0) + ' h overtime)' : '') + (over ? ' — over the budget of ' + fmt(max, 0) + ' h; remove ' + fmt(sum - max, 0) + ' h.' : '');
    $('#submit').disabled = over || bad || st.phase !== 'TURN_OPEN';
  }

  $('#decision-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { sum, bad } = booked();
    if (bad || sum > st.free + st.overtime + 1e-9) { updateBudget(); return; }
    const hours = [...document.querySelectorAll('#acts input[data-act]')].map((i) => ({ act: i.dataset.act, hours: i.value === '' ? 0 : Number(i.value) })).filter((h) => h.hours > 0);
    const choices = [...document.querySelectorAll('#dilemmas input[type=radio]:checked')].map((r) => ({ dilemma: r.dataset.dilemma, option: r.value }));
    const version = st.version + 1;
    $('#submit').disabled = true;
    try {
      const reply = await conn.request({ submitDecision: { turn: st.turn, version, decision: { hours, choices } } });
      st.version = num(reply.decisionAccepted.version) || version;
      st.submitted = true;
      document.body.dataset.accepted = st.turn + ':' + st.version;
      $('#submit-status').textContent = 'Submitted (version ' + st.version + '). You can revise until the deadline.';
      $('#submit').textContent = 'Revise decision';
    } catch (e) {
      $('#submit-status').textContent = 'Not accepted: ' + e.message;
    }
    updateBudget();
  });

  function phaseChanged(p) {
    setPhase(p.phase);
    if (p.phase === 'PAUSED') st.paused = true;
    if (p.phase === 'TURN_OPEN') { st.paused = false; st.deadlineAt = num(p.deadlineEpochMs) ? Date.now() + num(p.remainingMs) : 0; }
    updateBudget();
    tick();
  }

  function progress(p) {
    if (num(p.turn) === st.turn) $('#countdown').dataset.progress = num(p.submitted) + '/' + num(p.expected);
  }

  function turnResolved(r) {
    if (r.team) renderTeam(r.team);
    renderStandings(r.standings || []);
    if (r.report) renderReport(r.report);
    $('#decision-form').classList.add('hidden');
    $('#turn-heading').textContent = 'Turn ' + num(r.turn) + ' resolved — waiting for the next turn';
    st.deadlineAt = 0;
    tick();
  }

  function renderReport(rep) {
    const rows = (rep.changes || []).map((c) => el('tr', {},
      el('th', { scope: 'row', text: c.label || c.name }),
      el('td', { class: 'n', text: fmt(num(c.before), 2) + ' → ' + fmt(num(c.after), 2) }),
      el('td', {}, el('ul', {}, (c.contributions || []).map((k) => el('li', { text: k.label + ': ' + (num(k.delta) >= 0 ? '+' : '') + fmt(num(k.delta), 2) + (k.fromTurn && num(k.fromTurn) !== num(rep.turn) ? ' (from turn ' + k.fromTurn + ')' : '') }))))));
    $('#results').replaceChildren(
      el('h3', { id: 'results-turn', 'data-turn': String(num(rep.turn)), text: 'Turn ' + num(rep.turn) + (rep.defaulted ? ' (default decision: no submission in time)' : '') }),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'What' }), el('th', { class: 'n', text: 'Before → after' }), el('th', { text: 'Why' }))), el('tbody', {}, rows)));
  }

  function quarterClosed(q) {
    banner('Quarter ' + q.quarter + ' closed: results ' + fmt(num(q.results), 1) + ' against a target of ' + fmt(num(q.target), 1) + (q.targetMet ? ' — target met.' : ' — target missed.'));
    renderStandings(q.standings || []);
  }

  function ended(e) {
    setPhase('ENDED');
    $('#decision-form').classList.add('hidden');
    $('#end-section').classList.remove('hidden');
    $('#end').replaceChildren(
      el('ol', {}, (e.scores || []).map((s) => el('li', { text: s.name + ': ' + fmt(num(s.score), 1) }))),
      ...(e.debrief || []).map((d) => el('p', { text: d })));
  }

  function tick() {
    const c = $('#countdown');
    if (st.phase === 'PAUSED') c.textContent = 'Paused';
    else if (st.phase === 'TURN_OPEN' && st.deadlineAt) {
      const left = Math.max(0, Math.round((st.deadlineAt - Date.now()) / 1000));
      c.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') + ' left';
      c.setAttribute('aria-label', left + ' seconds left');
    } else if (st.phase === 'TURN_OPEN') c.textContent = 'No deadline';
    else c.textContent = '';
  }
  setInterval(tick, 500);

  // ---- joining another session, leaving, co-players (added by the facilitator side) ----

  /**
   * A join link for another session than the stored seat's wins: the page offers the join form
   * for the new code, and the old seat only as a button (its token is kept until then).
   */
  function followNewLink() {
    const linkCode = (params.get('code') || '').toUpperCase();
    const seatCode = localStorage.getItem(CODE_KEY);
    if (!st.token || !linkCode || !seatCode || linkCode === seatCode) return;
    const old = { token: st.token, code: seatCode };
    st.token = null;
    const b = $('#resume-old');
    b.textContent = 'Back to my seat in ' + old.code;
    b.classList.remove('hidden');
    b.addEventListener('click', async () => {
      st.token = old.token;
      try {
        await conn.request({ resume: { token: old.token } });
      } catch (e) {
        st.token = null;
        $('#join-error').textContent = 'Your seat could not be resumed: ' + e.message;
      }
    });
  }

  $('#leave').addEventListener('click', async () => {
    try { await conn.request({ leave: {} }); } catch (e) { /* leaving anyway */ }
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(CODE_KEY);
    st.token = null;
    st.turn = null;
    $('#decision-form').classList.add('hidden');
    showJoin();
  });

  /** A teammate saved the team's plan: show it, and revise from its version. */
  function teamPlan(p) {
    if (num(p.turn) !== st.turn) return;
    st.version = num(p.version);
    st.submitted = true;
    const hours = {};
    for (const h of (p.decision && p.decision.hours) || []) hours[h.act] = num(h.hours);
    for (const i of document.querySelectorAll('#acts input[data-act]')) i.value = String(hours[i.dataset.act] || 0);
    $('#submit-status').textContent = 'Saved by ' + (p.by || 'your team') + ' (version ' + st.version + '). You can revise until the deadline.';
    $('#submit').textContent = 'Revise decision';
    document.body.dataset.teamPlan = st.turn + ':' + st.version;
    updateBudget();
  }
})();
