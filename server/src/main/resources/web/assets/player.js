'use strict';
(() => {
  const { $, el, num, round, varLabel, varValue, varScale, variable } = QD;
  const t = I18N.t;
  const TOKEN_KEY = 'quarterdeck.player.token';
  const CODE_KEY = 'quarterdeck.player.code'; // the join code of the stored seat
  // One-tap steps for hours: big enough to plan a month quickly, small enough to fine-tune.
  const STEP_HOURS = 5;
  const st = {
    token: localStorage.getItem(TOKEN_KEY), sessionId: '', turn: null, version: 0, deadlineAt: 0,
    closesAt: 0, phase: '', team: null, teamIndex: -1, submitted: false, free: 0, overtime: 0,
    lastHours: null, progress: null, quarterNote: null, summary: '', ended: null,
  };

  I18N.apply(document);
  $('#lang-slot').append(I18N.switcher());
  const params = new URLSearchParams(location.search);
  if (params.get('code')) $('#code').value = params.get('code').toUpperCase();
  followNewLink();

  const conn = new QD.Connection(onMessage, (s) => {
    $('#conn').textContent = t(s === 'online' ? 'common.conn.online' : s === 'offline' ? 'common.conn.offline' : 'common.conn.connecting');
  });
  conn.onOpen = async () => {
    if (!st.token) return;
    try {
      await conn.request({ resume: { token: st.token } });
    } catch (e) {
      if (e.code === 'NOT_FOUND' || e.code === 'UNAUTHENTICATED' || e.code === 'PERMISSION_DENIED') {
        localStorage.removeItem(TOKEN_KEY);
        st.token = null;
        showJoin(t('player.join.resumeFailed', { reason: QD.errorText(e) }));
      } else if (e.code === 'UNAVAILABLE') {
        conn.retryLater(e.retryAfterMs); // the seat is moving or being restored: keep the token
      }
    }
  };
  conn.connect().catch(() => {});
  if (!st.token) showJoin();

  function showJoin(error) {
    $('#join-section').classList.remove('hidden');
    $('#game').classList.add('hidden');
    $('#turn-bar').classList.add('hidden');
    $('#join-error').textContent = error || '';
  }

  $('#join-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('#join-error').textContent = '';
    try {
      const reply = await conn.request({ joinSession: { joinCode: $('#code').value.trim().toUpperCase(), displayName: $('#name').value.trim() } });
      st.token = reply.joined.token;
      localStorage.setItem(TOKEN_KEY, st.token);
      localStorage.setItem(CODE_KEY, $('#code').value.trim().toUpperCase());
    } catch (e) {
      $('#join-error').textContent = t('player.join.failed', { reason: QD.errorText(e) });
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
    else if (msg.broadcast) banner(t('player.banner.facilitator', { text: msg.broadcast.text }));
    else if (msg.goodbye) goodbye(msg.goodbye);
    else if (msg.teamPlan) teamPlan(msg.teamPlan);
  }

  // ---------------------------------------------------------------- banner (dismissable)

  function banner(text) { $('#banner-text').textContent = text; $('#banner').classList.remove('hidden'); }
  function clearBanner() { $('#banner').classList.add('hidden'); $('#banner-text').textContent = ''; }
  $('#banner-close').addEventListener('click', clearBanner);

  function goodbye(g) {
    if (g.reason === 'KICKED') {
      conn.close();
      localStorage.removeItem(TOKEN_KEY);
      st.token = null;
      showJoin(t('player.goodbye.kicked'));
    } else if (g.reason === 'REPLACED') {
      conn.close();
      banner(t('player.goodbye.replaced'));
    } else if (g.reason === 'SESSION_ARCHIVED') {
      conn.close();
      localStorage.removeItem(TOKEN_KEY);
      st.token = null;
      showJoin(t('player.goodbye.archived'));
    }
    // SERVER_SHUTDOWN and the rest: the server closes the connection next, and the connection
    // comes back by itself and resumes the seat (on another node in a cluster).
  }

  // ---------------------------------------------------------------- snapshot and phase

  function snapshot(s) {
    $('#join-section').classList.add('hidden');
    $('#game').classList.remove('hidden');
    st.sessionId = s.sessionId || '';
    st.teamIndex = num(s.team);
    st.summary = s.summary || '';
    $('#title').textContent = s.title || 'Quarterdeck';
    document.title = (s.title || 'Quarterdeck') + ' — ' + t('player.titleSuffix');
    setPhase(s.phase);
    const own = (s.teams || []).find((x) => num(x.team) === num(s.team)) || (s.teams || [])[0];
    if (own) renderTeam(own);
    renderStandings(s.standings || []);
    const hist = s.history || [];
    if (hist.length) {
      renderReport(hist[hist.length - 1]);
      st.lastHours = hoursOf(hist[hist.length - 1].decision);
    }
    if (s.progress) progress(s.progress);
    if (s.phase === 'ENDED' && s.ended) ended(s.ended);
    else if (s.openTurn && s.phase !== 'LOBBY') turnOpened(s.openTurn, s.draft, num(s.draftVersion));
    briefing();
  }

  function setPhase(p) {
    st.phase = p || '';
    const names = { LOBBY: 'player.phase.lobby', TURN_OPEN: 'player.phase.open', PAUSED: 'player.phase.paused', ENDED: 'player.phase.ended' };
    $('#phase').textContent = names[p] ? t(names[p]) : '';
    document.body.dataset.phase = st.phase;
    tick();
  }

  // ---------------------------------------------------------------- briefing (before turn 1)

  const briefingKey = () => 'quarterdeck.briefing.' + st.sessionId;
  function briefing() {
    const early = st.phase === 'LOBBY' || (st.turn === 1 && !st.ended);
    let dismissed = false;
    try { dismissed = sessionStorage.getItem(briefingKey()) === '1'; } catch (e) { /* private mode */ }
    $('#briefing-story').textContent = st.summary;
    $('#briefing').classList.toggle('hidden', !early || (dismissed && st.phase !== 'LOBBY'));
  }
  $('#briefing-close').addEventListener('click', () => {
    try { sessionStorage.setItem(briefingKey(), '1'); } catch (e) { /* private mode */ }
    $('#briefing').classList.add('hidden');
    const first = document.querySelector('#acts input[data-act]');
    if (first) first.focus();
  });

  // ---------------------------------------------------------------- team, standings

  function renderTeam(team) {
    st.team = team;
    $('#team-name').textContent = team.name || t('common.teamN', { n: num(team.team) + 1 });
    $('#gauges').replaceChildren(...QD.gauges(team));
    const rows = (team.variables || []).map((v) => el('tr', {}, el('th', { scope: 'row', text: varLabel(v.name, v.label) }), el('td', { class: 'n', 'data-var': v.name, text: varValue(v.name, num(v.value)) })));
    $('#dashboard').replaceChildren(el('table', {}, el('tbody', {}, rows)));
  }

  function standingsTable(list) {
    const rows = list.slice().sort((a, b) => num(a.rank) - num(b.rank)).map((s) => el('tr', { class: num(s.team) === st.teamIndex ? 'own' : null },
      el('td', { class: 'n', text: String(num(s.rank)) }),
      el('td', { text: s.name + (num(s.team) === st.teamIndex ? ' ' + t('player.standings.you') : '') }),
      el('td', { class: 'n', text: round(num(s.results)) })));
    return el('table', {}, el('thead', {}, el('tr', {}, el('th', { class: 'n', text: t('player.standings.rank') }), el('th', { text: t('player.standings.team') }), el('th', { class: 'n', text: t('player.standings.results') }))), el('tbody', {}, rows));
  }

  function renderStandings(list) {
    if (!list.length) { $('#standings').replaceChildren(el('p', { class: 'muted', text: t('player.standings.none') })); return; }
    $('#standings').replaceChildren(standingsTable(list));
  }

  // ---------------------------------------------------------------- the open turn

  const hoursOf = (decision) => {
    const h = {};
    for (const x of (decision && decision.hours) || []) h[x.act] = num(x.hours);
    return Object.keys(h).length ? h : null;
  };
  const inputs = () => [...document.querySelectorAll('#acts input[data-act]')];

  function turnOpened(turn, draft, draftVersion) {
    const sameTurn = st.turn === num(turn.turn) && !$('#decision-form').classList.contains('hidden');
    // The same turn comes again when the facilitator injects an event: keep what was typed and
    // the submitted version (a snapshot after a reconnect carries the server's draft instead).
    const typed = {};
    if (sameTurn) for (const i of inputs()) typed[i.dataset.act] = i.value;
    const chosen = {};
    if (sameTurn) for (const r of document.querySelectorAll('#dilemmas input:checked')) chosen[r.dataset.dilemma] = r.value;
    if (!sameTurn && st.turn !== null && num(turn.turn) !== st.turn) st.progress = null;
    st.turn = num(turn.turn);
    if (!sameTurn || draftVersion) st.version = draftVersion || 0;
    st.submitted = st.version > 0;
    st.free = num(turn.freeHours);
    st.overtime = num(turn.maxOvertimeHours);
    st.deadlineAt = num(turn.deadlineEpochMs) ? Date.now() + num(turn.remainingMs) : 0;
    if (turn.paused) setPhase('PAUSED'); else if (st.phase !== 'TURN_OPEN') setPhase('TURN_OPEN');
    $('#turn-heading').dataset.turn = String(st.turn);
    $('#turn-heading').textContent = turn.quarter
      ? t('player.turn.headingQuarter', { turn: st.turn, quarter: turn.quarter, month: turn.turnInQuarter || 1, months: turn.turnsPerQuarter || 1 })
      : t('player.turn.heading', { turn: st.turn });
    $('#budget-info').textContent = t('player.turn.budgetInfo', { budget: round(num(turn.budgetHours)), interruptions: round(num(turn.interruptionHours)), free: round(st.free), overtime: round(st.overtime) });
    $('#events').replaceChildren(...(turn.events || []).map((e) => el('div', { class: 'event' }, el('strong', { text: e.title }), el('br'), e.narrative || '')));
    // Prefill: the draft the server holds, else what was typed, else last turn's hours.
    let hours = hoursOf(draft);
    if (!hours && sameTurn) hours = typed;
    if (!hours) hours = st.lastHours || {};
    const choices = Object.assign({}, chosen);
    for (const c of (draft && draft.choices) || []) choices[c.dilemma] = c.option;
    $('#acts').replaceChildren(...(turn.acts || []).map(actRow));
    for (const i of inputs()) i.value = String(num(hours[i.dataset.act]));
    $('#same-as-last').disabled = !st.lastHours;
    $('#dilemmas').replaceChildren(...(turn.dilemmas || []).map((d) => el('fieldset', { class: 'dilemma', 'data-dilemma': d.id },
      el('legend', { text: d.text }),
      el('p', { class: 'muted small', text: t('player.dilemma.choose') }),
      ...(d.options || []).map((o) => el('label', { class: 'option' },
        // No answer is chosen for the player: the honest one must be a choice, not a default.
        el('input', { type: 'radio', name: 'dilemma-' + d.id, value: o.id, 'data-dilemma': d.id, checked: choices[d.id] === o.id }), ' ' + o.text)))));
    $('#decision-form').classList.remove('hidden');
    $('#turn-bar').classList.remove('hidden');
    document.body.classList.add('has-turn-bar');
    statusText();
    updateBudget();
    renderProgress();
    briefing();
    tick();
  }

  function actRow(a) {
    const id = 'act-' + a.id;
    const aims = a.aimsAt ? varLabel(a.aimsAt) : '';
    const when = t(a.leadership ? 'player.act.later' : 'player.act.now');
    const input = el('input', { id, type: 'number', min: '0', step: '1', inputmode: 'numeric', 'data-act': a.id, 'aria-describedby': 'desc-' + a.id + ' effect-' + a.id, oninput: updateBudget });
    const step = (delta) => () => {
      input.value = String(Math.max(0, Math.round((Number(input.value) || 0) + delta)));
      updateBudget();
    };
    return el('div', { class: 'act' + (a.leadership ? ' leadership' : '') },
      el('label', { for: id }, a.name, el('span', { class: 'tag', text: t(a.leadership ? 'player.act.leadership' : 'player.act.management') })),
      el('div', { class: 'stepper' },
        el('button', { type: 'button', class: 'secondary step', 'aria-label': t('player.act.less', { act: a.name, n: STEP_HOURS }), onclick: step(-STEP_HOURS), text: '−' }),
        input,
        el('button', { type: 'button', class: 'secondary step', 'aria-label': t('player.act.more', { act: a.name, n: STEP_HOURS }), onclick: step(STEP_HOURS), text: '+' })),
      el('div', { class: 'desc', id: 'desc-' + a.id, text: a.description || '' }),
      el('div', { class: 'effect', id: 'effect-' + a.id, text: aims ? t('player.act.effect', { what: aims, when }) : when }));
  }

  $('#same-as-last').addEventListener('click', () => {
    for (const i of inputs()) i.value = String(num((st.lastHours || {})[i.dataset.act]));
    updateBudget();
  });
  $('#clear-hours').addEventListener('click', () => {
    for (const i of inputs()) i.value = '0';
    updateBudget();
  });

  // Enter in a box moves on, never submits: a plan goes in only by its button.
  $('#decision-form').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && ev.target.tagName === 'INPUT') {
      ev.preventDefault();
      const all = inputs();
      const next = all[all.indexOf(ev.target) + 1];
      if (next) next.focus(); else ev.target.blur();
    }
  });

  function booked() {
    let sum = 0;
    let bad = false;
    for (const i of inputs()) {
      const v = i.value === '' ? 0 : Number(i.value);
      if (!Number.isFinite(v) || v < 0) bad = true; else sum += v;
    }
    return { sum, bad };
  }

  function updateBudget() {
    const { sum, bad } = booked();
    const max = st.free + st.overtime;
    const over = sum > max + 1e-9;
    const overtime = Math.max(0, sum - st.free);
    const b = $('#budget');
    b.className = over || bad ? 'bad' : '';
    if (bad) b.textContent = t('player.budget.bad');
    else if (over) b.textContent = t('player.budget.over', { booked: round(sum), max: round(max), remove: round(sum - max) });
    else b.textContent = t(overtime > 0 ? 'player.budget.overtime' : 'player.budget.booked', { booked: round(sum), free: round(st.free), left: round(Math.max(0, st.free - sum)), overtime: round(overtime) });
    b.dataset.booked = String(sum);
    $('#submit').disabled = over || bad || st.phase !== 'TURN_OPEN';
  }

  function statusText(extra) {
    let text = '';
    if (st.submitted) text = t(st.closesAt ? 'player.turn.submittedLastCall' : 'player.turn.submitted', { version: st.version });
    $('#submit-status').textContent = extra || text;
    $('#submit').textContent = t(st.submitted ? 'player.turn.revise' : 'player.turn.submit');
  }

  $('#decision-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { sum, bad } = booked();
    if (bad || sum > st.free + st.overtime + 1e-9) { updateBudget(); return; }
    const open = [...document.querySelectorAll('#dilemmas fieldset')].find((f) => !f.querySelector('input:checked'));
    if (open) {
      statusText(t('player.dilemma.missing'));
      open.scrollIntoView({ block: 'center' });
      open.querySelector('input').focus();
      return;
    }
    // A plan that leaves most of the month empty is usually a slip: ask before sending it.
    if (sum === 0 || sum < st.free / 2) {
      const yes = await confirmPlan(sum === 0 ? t('player.confirm.zero') : t('player.confirm.half', { booked: round(sum), free: round(st.free) }));
      if (!yes) return;
    }
    send();
  });

  function confirmPlan(text) {
    const dialog = $('#confirm');
    $('#confirm-text').textContent = text;
    return new Promise((resolve) => {
      const done = (answer) => () => { dialog.close(); $('#confirm-yes').onclick = null; $('#confirm-no').onclick = null; dialog.oncancel = null; resolve(answer); };
      $('#confirm-yes').onclick = done(true);
      $('#confirm-no').onclick = done(false);
      dialog.oncancel = done(false);
      dialog.showModal();
      $('#confirm-no').focus();
    });
  }

  async function send() {
    const hours = inputs().map((i) => ({ act: i.dataset.act, hours: i.value === '' ? 0 : Number(i.value) })).filter((h) => h.hours > 0);
    const choices = [...document.querySelectorAll('#dilemmas input[type=radio]:checked')].map((r) => ({ dilemma: r.dataset.dilemma, option: r.value }));
    const version = st.version + 1;
    $('#submit').disabled = true;
    try {
      const reply = await conn.request({ submitDecision: { turn: st.turn, version, decision: { hours, choices } } });
      st.version = num(reply.decisionAccepted.version) || version;
      st.submitted = true;
      st.lastHours = hoursOf({ hours });
      document.body.dataset.accepted = st.turn + ':' + st.version;
      statusText();
    } catch (e) {
      statusText(t('player.turn.notAccepted', { reason: QD.errorText(e) }));
    }
    updateBudget();
  }

  function phaseChanged(p) {
    setPhase(p.phase);
    if (p.phase === 'TURN_OPEN') st.deadlineAt = num(p.deadlineEpochMs) ? Date.now() + num(p.remainingMs) : 0;
    if (p.phase === 'PAUSED') st.closesAt = 0; // the server calls the last call off while paused
    statusText();
    updateBudget();
    tick();
  }

  function progress(p) {
    if (st.turn !== null && num(p.turn) !== st.turn) return;
    st.progress = p;
    st.closesAt = num(p.closesEpochMs) ? Date.now() + num(p.closesInMs) : 0;
    renderProgress();
    statusText();
    tick();
  }

  function renderProgress() {
    const p = st.progress;
    const e = $('#progress');
    if (!p || !num(p.expected)) { e.textContent = ''; delete e.dataset.progress; return; }
    e.textContent = t('player.bar.progress', { n: num(p.submitted), m: num(p.expected) });
    e.dataset.progress = num(p.submitted) + '/' + num(p.expected);
  }

  // ---------------------------------------------------------------- the results moment

  function turnResolved(r) {
    if (r.team) renderTeam(r.team);
    renderStandings(r.standings || []);
    if (r.report) {
      renderReport(r.report);
      const h = hoursOf(r.report.decision);
      if (h) st.lastHours = h;
    }
    st.quarterNote = null;
    st.closesAt = 0;
    st.progress = null;
    clearBanner();
    resultsCard(r);
    $('#decision-form').classList.add('hidden');
    $('#turn-heading').textContent = t('player.turn.waitingNext', { turn: num(r.turn) });
    delete $('#turn-heading').dataset.turn;
    st.deadlineAt = 0;
    tick();
  }

  /** The biggest moves of a report, each on its own scale, with their largest causes. */
  function biggestChanges(report, team) {
    return (report.changes || [])
      .filter((c) => c.name !== 'results' && c.name !== 'target')
      .map((c) => ({ c, size: Math.abs(num(c.after) - num(c.before)) / varScale(c.name, team) }))
      .filter((x) => x.size > 1e-6)
      .sort((a, b) => b.size - a.size)
      .slice(0, 3)
      .map(({ c }) => {
        const causes = (c.contributions || []).slice().sort((a, b) => Math.abs(num(b.delta)) - Math.abs(num(a.delta))).slice(0, 2)
          .map((k) => k.label + ' ' + signed(c.name, num(k.delta)) + (num(k.fromTurn) && num(k.fromTurn) !== num(report.turn) ? ' ' + t('player.card.fromTurn', { turn: num(k.fromTurn) }) : ''));
        const up = num(c.after) >= num(c.before);
        return el('li', {}, t(up ? 'player.card.rose' : 'player.card.fell', { what: varLabel(c.name, c.label), from: varValue(c.name, num(c.before)), to: varValue(c.name, num(c.after)) }),
          causes.length ? el('span', { class: 'why', text: ' ' + t('player.card.because', { causes: causes.join(', ') }) }) : null);
      });
  }

  const signed = (name, delta) => {
    const text = name === 'adoption' ? round(100 * Math.abs(delta), 1) : round(Math.abs(delta), Math.abs(delta) < 1 ? 1 : 0);
    return (delta >= 0 ? '+' : '−') + text;
  };

  function resultsCard(r) {
    const card = $('#results-card');
    const team = r.team || st.team;
    const report = r.report || {};
    $('#card-heading').textContent = t('player.card.heading', { turn: num(r.turn) }) + (report.defaulted ? ' ' + t('player.card.defaulted') : '');
    const changes = biggestChanges(report, team);
    const body = [
      el('h3', { text: t('player.card.changedMost') }),
      changes.length ? el('ul', { class: 'changes' }, changes) : el('p', { class: 'muted', text: t('player.card.nothing') }),
      el('p', { class: 'quarter', id: 'card-quarter', text: t('player.card.quarter', { results: round(variable(team, 'results')), target: round(variable(team, 'target')), percent: round(100 * variable(team, 'results') / Math.max(1e-9, variable(team, 'target'))) }) }),
    ];
    if ((r.standings || []).length) body.push(el('h3', { text: t('player.card.standings') }), el('div', { class: 'scroll' }, standingsTable(r.standings)));
    $('#card-body').replaceChildren(...body);
    card.dataset.turn = String(num(r.turn));
    card.classList.remove('hidden');
    showCard();
  }

  // The card is where people look after a turn: bring it into view (the next turn opens below).
  function showCard() {
    const card = $('#results-card');
    card.focus({ preventScroll: true });
    window.scrollTo({ top: Math.max(0, card.getBoundingClientRect().top + window.scrollY - 8), behavior: 'auto' });
  }

  function renderReport(rep) {
    const rows = (rep.changes || []).map((c) => el('tr', {},
      el('th', { scope: 'row', text: varLabel(c.name, c.label) }),
      el('td', { class: 'n', text: varValue(c.name, num(c.before)) + ' → ' + varValue(c.name, num(c.after)) }),
      el('td', { class: 'why' }, el('ul', {}, (c.contributions || []).map((k) => el('li', { text: k.label + ' ' + signed(c.name, num(k.delta)) + (num(k.fromTurn) && num(k.fromTurn) !== num(rep.turn) ? ' ' + t('player.card.fromTurn', { turn: num(k.fromTurn) }) : '') }))))));
    $('#results').replaceChildren(
      el('h3', { id: 'results-turn', 'data-turn': String(num(rep.turn)), text: t('player.results.turn', { turn: num(rep.turn) }) + (rep.defaulted ? ' ' + t('player.card.defaulted') : '') }),
      el('table', { class: 'report' }, el('thead', {}, el('tr', {}, el('th', { text: t('player.results.what') }), el('th', { class: 'n', text: t('player.results.beforeAfter') }), el('th', { text: t('player.results.why') }))), el('tbody', {}, rows)));
  }

  function quarterClosed(q) {
    const text = t(q.targetMet ? 'player.card.quarterMet' : 'player.card.quarterMissed', { quarter: q.quarter, results: round(num(q.results)), target: round(num(q.target)) });
    const line = $('#card-quarter');
    if (line && !$('#results-card').classList.contains('hidden')) line.textContent = text;
    else banner(text);
    renderStandings(q.standings || []);
  }

  // ---------------------------------------------------------------- the end

  function ended(e) {
    st.ended = e;
    setPhase('ENDED');
    $('#decision-form').classList.add('hidden');
    $('#turn-bar').classList.add('hidden');
    document.body.classList.remove('has-turn-bar');
    $('#results-card').classList.add('hidden');
    $('#briefing').classList.add('hidden');
    $('#turn-heading').textContent = t('player.turn.ended');
    const scores = (e.scores || []).slice().sort((a, b) => num(b.score) - num(a.score) || num(a.team) - num(b.team));
    const own = scores.find((s) => num(s.team) === st.teamIndex);
    const rows = scores.map((s, i) => el('tr', { class: num(s.team) === st.teamIndex ? 'own' : null },
      el('td', { class: 'n', text: String(i + 1) }),
      el('td', { text: s.name + (s.bot ? ' ' + t('player.end.bot') : '') + (num(s.team) === st.teamIndex ? ' ' + t('player.standings.you') : '') }),
      el('td', { class: 'n', text: round(num(s.score), 1) })));
    const parts = own && (own.parts || []).length ? el('p', { class: 'parts', text: t('player.end.parts', { parts: own.parts.map((p) => QD.t('player.end.part.' + p.name, null, p.label || p.name) + ' ' + round(num(p.value), 1)).join(' · ') }) }) : null;
    $('#end').replaceChildren(
      el('table', { id: 'end-standings' }, el('thead', {}, el('tr', {}, el('th', { class: 'n', text: t('player.standings.rank') }), el('th', { text: t('player.standings.team') }), el('th', { class: 'n', text: t('player.end.score') }))), el('tbody', {}, rows)),
      parts,
      el('h3', { text: t('player.end.debrief') }),
      ...(e.debrief || []).map((d) => el('p', { class: 'debrief-line', text: d })));
    $('#end-replay').href = '/replay/' + encodeURIComponent(st.sessionId);
    $('#end-section').classList.remove('hidden');
    window.scrollTo({ top: 0, behavior: 'auto' });
  }
  $('#end-print').addEventListener('click', () => window.print());

  function tick() {
    const c = $('#countdown');
    const now = Date.now();
    if (st.phase === 'PAUSED') c.textContent = t('player.bar.paused');
    else if (st.phase === 'TURN_OPEN' && (st.deadlineAt || st.closesAt)) {
      const lastCall = st.closesAt && (!st.deadlineAt || st.closesAt <= st.deadlineAt);
      const left = Math.max(0, Math.round(((lastCall ? st.closesAt : st.deadlineAt) - now) / 1000));
      const clock = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
      c.textContent = t(lastCall ? 'player.bar.lastCall' : 'player.bar.left', { time: clock });
      c.setAttribute('aria-label', t('player.bar.secondsLeft', { n: left }));
    } else if (st.phase === 'TURN_OPEN') c.textContent = t('player.bar.noDeadline');
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
    b.textContent = t('player.join.backToSeat', { code: old.code });
    b.classList.remove('hidden');
    b.addEventListener('click', async () => {
      st.token = old.token;
      try {
        await conn.request({ resume: { token: old.token } });
      } catch (e) {
        st.token = null;
        $('#join-error').textContent = t('player.join.resumeFailed', { reason: QD.errorText(e) });
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
    $('#turn-bar').classList.add('hidden');
    document.body.classList.remove('has-turn-bar');
    showJoin();
  });

  /** A teammate saved the team's plan: show it, and revise from its version. */
  function teamPlan(p) {
    if (num(p.turn) !== st.turn) return;
    st.version = num(p.version);
    st.submitted = true;
    const hours = {};
    for (const h of (p.decision && p.decision.hours) || []) hours[h.act] = num(h.hours);
    for (const i of inputs()) i.value = String(hours[i.dataset.act] || 0);
    statusText(t('player.turn.savedBy', { by: p.by || t('player.turn.yourTeam'), version: st.version }));
    document.body.dataset.teamPlan = st.turn + ':' + st.version;
    updateBudget();
  }
})();
