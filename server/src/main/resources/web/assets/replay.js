'use strict';
(() => {
  const { $, el, num, round, variable, varLabel, varValue } = QD;
  const t = I18N.t;
  const sessionId = decodeURIComponent(location.pathname.split('/')[2] || '');
  const saved = JSON.parse(localStorage.getItem('quarterdeck.facilitator') || 'null');
  const hashToken = new URLSearchParams(location.hash.slice(1)).get('token');
  // The token leaves the address bar and the history once read; this tab keeps it for reloads.
  if (hashToken) { sessionStorage.setItem('quarterdeck.replay.' + sessionId, hashToken); history.replaceState(null, '', location.pathname + location.search); }
  const token = hashToken || sessionStorage.getItem('quarterdeck.replay.' + sessionId) || (saved && saved.token) || localStorage.getItem('quarterdeck.player.token');
  const st = { frames: [], acts: {}, dilemmas: {}, teams: [], turnsPerQuarter: 3, snapshot: {}, strategies: {} };

  I18N.apply(document);
  $('#lang-slot').append(I18N.switcher());

  const conn = new QD.Connection(() => {}, (s) => { $('#conn').textContent = t(s === 'online' ? 'common.conn.online' : 'common.conn.offline'); });
  conn.onOpen = async () => {
    if (!token) { $('#error').textContent = t('replay.error.noToken'); return; }
    try {
      const snap = (await conn.request({ resume: { token } })).snapshot || {};
      st.snapshot = snap;
      $('#title').textContent = t('replay.titleOf', { title: snap.title || 'Quarterdeck' });
      document.title = $('#title').textContent;
      for (const seat of (snap.lobby && snap.lobby.seats) || []) if (seat.bot) st.strategies[num(seat.team)] = seat.botStrategy;
      const r = (await conn.request({ getReplay: { sessionId } })).replay;
      st.frames = r.frames || [];
      for (const a of r.acts || []) st.acts[a.id] = a;
      for (const d of r.dilemmas || []) st.dilemmas[d.id] = d;
      st.turnsPerQuarter = num(r.turnsPerQuarter) || 3;
      st.teams = r.teams || [];
      render();
      document.body.dataset.loaded = 'true';
    } catch (e) { $('#error').textContent = t('replay.error.load', { reason: QD.errorText(e) }); }
  };
  conn.connect().catch(() => {});

  // ---------------------------------------------------------------- who is who

  const teamInfo = (team) => st.teams.find((x) => num(x.team) === team);
  const teamName = (team) => { const i = teamInfo(team); return (i && i.name) || t('common.teamN', { n: team + 1 }); };
  const isBot = (team) => !!(teamInfo(team) && teamInfo(team).bot);
  /** A team's name with its ghost marker: "Team 3 (bot: numbers)". */
  const teamLabel = (team) => teamName(team) + (isBot(team) ? ' ' + (st.strategies[team] ? t('replay.botNamed', { strategy: st.strategies[team] }) : t('replay.bot')) : '');
  const teamIndexes = () => {
    const seen = new Set();
    for (const f of st.frames) for (const x of f.teams || []) seen.add(num(x.team));
    return [...seen].sort((a, b) => a - b);
  };
  const teamAt = (f, team) => (f.teams || []).find((x) => num(x.team) === team);
  const quarterOf = (turn) => Math.ceil(turn / st.turnsPerQuarter);
  const actName = (id) => (st.acts[id] ? st.acts[id].name : id);

  // ---------------------------------------------------------------- the debrief

  function render() {
    const frames = st.frames;
    const teams = teamIndexes();
    const ended = st.snapshot.ended;
    $('#lesson').textContent = st.snapshot.lesson || '';
    $('#final').replaceChildren(finalStandings(teams, ended));
    $('#quarters').replaceChildren(quarterTable(teams));
    $('#shares').replaceChildren(shareTable(teams));
    $('#choices').replaceChildren(choiceList(teams, true));
    // Lines about one team go on that team's page when printed; the lesson is already on top.
    const ownLine = (d) => teams.some((team) => d.startsWith(teamName(team) + ':'));
    $('#debrief-lines').replaceChildren(...((ended && ended.debrief) || []).filter((d) => d !== st.snapshot.lesson)
      .map((d) => el('p', { class: 'debrief-line' + (ownLine(d) ? ' team-line' : ''), text: d })));
    if (!ended) $('#debrief-lines').append(el('p', { class: 'muted', text: t('replay.debrief.notEnded') }));
    $('#replay-address').textContent = t('replay.debrief.address', { url: location.origin + location.pathname });
    const turns = frames.map((f) => num(f.turn));
    const series = (pick) => teams.map((team) => ({ label: teamLabel(team), values: frames.map((f) => pick(teamAt(f, team))) }));
    const small = { maxWidth: 340, height: 120, liveLegend: false };
    QD.lineChart($('#chart-results'), t('replay.chart.results'), turns, series((x) => num(x && x.resultsToDate)), small);
    QD.lineChart($('#chart-morale'), varLabel('morale'), turns, series((x) => variable(x, 'morale')), small);
    QD.lineChart($('#chart-adoption'), varLabel('adoption') + ' (%)', turns, series((x) => 100 * variable(x, 'adoption')), small);
    QD.lineChart($('#chart-capability'), varLabel('capability'), turns, series((x) => variable(x, 'capability')), small);
    $('#team-pages').replaceChildren(...teams.map((team) => teamPage(team, ended)));
    $('#timeline').replaceChildren(...frames.map((f, i) => el('button', { type: 'button', class: 'secondary turn-button', 'data-turn': String(num(f.turn)), 'aria-pressed': 'false', onclick: () => show(i), text: t('replay.timeline.turn', { turn: num(f.turn) }) })));
    if (frames.length) show(frames.length - 1); else $('#frame').replaceChildren(el('p', { class: 'muted', text: t('replay.timeline.none') }));
    split(teams);
    $('#whatif-team').replaceChildren(...teams.map((team) => el('option', { value: String(team), text: teamLabel(team) })));
    $('#whatif-turn').replaceChildren(...turns.map((x) => el('option', { value: String(x), text: t('replay.timeline.turn', { turn: x }) })));
  }

  /** Final standings by rank: the end's scores, or the running standings while the game goes on. */
  function finalStandings(teams, ended) {
    let rows;
    if (ended && (ended.scores || []).length) {
      rows = ended.scores.slice().sort((a, b) => num(b.score) - num(a.score) || num(a.team) - num(b.team))
        .map((s) => ({ team: num(s.team), value: round(num(s.score), 1) }));
    } else {
      rows = (st.snapshot.standings || []).slice().sort((a, b) => num(a.rank) - num(b.rank)).map((s) => ({ team: num(s.team), value: round(num(s.results)) }));
    }
    const players = (team) => ((teamInfo(team) && teamInfo(team).players) || []).join(', ');
    return el('table', { id: 'final-table' },
      el('thead', {}, el('tr', {}, el('th', { class: 'n', text: t('replay.rank') }), el('th', { text: t('replay.team') }), el('th', { text: t('replay.players') }), el('th', { class: 'n', text: t(ended ? 'replay.score' : 'replay.results') }))),
      el('tbody', {}, rows.map((r, i) => el('tr', { class: isBot(r.team) ? 'ghost' : null }, el('td', { class: 'n', text: String(i + 1) }), el('th', { scope: 'row', text: teamLabel(r.team) }), el('td', { text: players(r.team) }), el('td', { class: 'n', text: r.value })))));
  }

  const lastFrameTeam = (team) => { const f = st.frames[st.frames.length - 1]; return f && teamAt(f, team); };

  function quarterTable(teams) {
    const quarters = Math.max(0, ...teams.map((team) => ((lastFrameTeam(team) || {}).quarterResults || []).length));
    if (!quarters) return el('p', { class: 'muted', text: t('replay.debrief.noQuarter') });
    const qs = [...Array(quarters).keys()];
    return el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: t('replay.team') }), ...qs.map((q) => el('th', { class: 'n', text: t('replay.quarterN', { q: q + 1 }) })))),
      el('tbody', {}, teams.map((team) => {
        const x = lastFrameTeam(team) || {};
        return el('tr', {}, el('th', { scope: 'row', text: teamLabel(team) }), ...qs.map((q) => {
          const res = num((x.quarterResults || [])[q]);
          const target = num((x.quarterTargets || [])[q]);
          const met = res >= target;
          // A mark and a colour, with the word for screen readers: compact enough to print.
          return el('td', { class: 'n nowrap' }, round(res) + '/' + round(target) + ' ', el('span', { class: met ? 'ok' : 'bad', 'aria-hidden': 'true', text: met ? '✓' : '✗' }), el('span', { class: 'sr-only', text: t(met ? 'replay.met' : 'replay.missed') }));
        }));
      })));
  }

  /** Hours on leadership acts as a share of all booked hours, per team and quarter. */
  function shares() {
    const out = new Map();
    for (const f of st.frames) {
      const q = quarterOf(num(f.turn));
      for (const d of f.decisions || []) {
        const team = num(d.team);
        if (!out.has(team)) out.set(team, {});
        const row = out.get(team);
        row[q] = row[q] || { lead: 0, all: 0 };
        for (const h of (d.decision && d.decision.hours) || []) {
          row[q].all += num(h.hours);
          if (st.acts[h.act] && st.acts[h.act].leadership) row[q].lead += num(h.hours);
        }
      }
    }
    return out;
  }

  function shareTable(teams) {
    const all = shares();
    const quarters = Math.max(0, ...st.frames.map((f) => quarterOf(num(f.turn))));
    if (!quarters) return el('p', { class: 'muted', text: t('replay.timeline.none') });
    const qs = [...Array(quarters).keys()].map((q) => q + 1);
    const cell = (c) => {
      const share = c && c.all > 0 ? c.lead / c.all : 0;
      return el('td', { class: 'n' }, el('span', { class: 'share-bar', 'aria-hidden': 'true', style: 'width:' + Math.round(40 * share) + 'px' }), ' ' + (c && c.all > 0 ? round(100 * share) + ' %' : '–'));
    };
    return el('table', { id: 'share-table' }, el('thead', {}, el('tr', {}, el('th', { text: t('replay.team') }), ...qs.map((q) => el('th', { class: 'n', text: t('replay.quarterN', { q }) })))),
      el('tbody', {}, teams.filter((team) => all.has(team)).map((team) => el('tr', { class: isBot(team) ? 'ghost' : null }, el('th', { scope: 'row', text: teamLabel(team) }), ...qs.map((q) => cell(all.get(team)[q]))))));
  }

  /** The dilemma answers of the game: per team, turn, question and answer in words. */
  function choices(team) {
    const out = [];
    for (const f of st.frames) for (const d of f.decisions || []) {
      if (num(d.team) !== team) continue;
      for (const c of (d.decision && d.decision.choices) || []) {
        const dilemma = st.dilemmas[c.dilemma];
        const option = dilemma && (dilemma.options || []).find((o) => o.id === c.option);
        out.push({ turn: num(f.turn), question: dilemma ? dilemma.text : c.dilemma, answer: option ? option.text : c.option });
      }
    }
    return out;
  }

  function choiceList(teams, withTeam) {
    const items = [];
    for (const team of teams) for (const c of choices(team)) items.push(el('li', { text: (withTeam ? teamLabel(team) + ', ' : '') + t('replay.choice', { turn: c.turn, question: c.question, answer: c.answer }) }));
    return items.length ? el('ul', { class: 'choices' }, items) : el('p', { class: 'muted', text: t('replay.debrief.noChoices') });
  }

  /** One team's page: one printed A4 page each. */
  function teamPage(team, ended) {
    const x = lastFrameTeam(team) || {};
    const all = shares().get(team) || {};
    const ghosts = [...shares().entries()].filter(([k]) => isBot(k) && k !== team);
    const quarters = Math.max(0, ...st.frames.map((f) => quarterOf(num(f.turn))));
    const qs = [...Array(quarters).keys()].map((q) => q + 1);
    const pct = (c) => (c && c.all > 0 ? round(100 * c.lead / c.all) + ' %' : '–');
    const rowsFor = (label, cells) => el('tr', {}, el('th', { scope: 'row', text: label }), ...cells.map((c) => el('td', { class: 'n', text: c })));
    const score = ended && (ended.scores || []).find((s) => num(s.team) === team);
    const rank = ended ? (ended.scores || []).slice().sort((a, b) => num(b.score) - num(a.score) || num(a.team) - num(b.team)).findIndex((s) => num(s.team) === team) + 1 : 0;
    const lines = ((ended && ended.debrief) || []).filter((d) => d.startsWith(teamName(team) + ':'));
    return el('section', { class: 'print team-page', 'data-team': String(team), 'aria-labelledby': 'team-page-' + team },
      el('h2', { id: 'team-page-' + team, text: teamLabel(team) + (rank ? ' · ' + t('replay.rankN', { rank }) : '') + (score ? ' · ' + t('replay.scoreN', { score: round(num(score.score), 1) }) : '') }),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: t('replay.page.quarter') }), ...qs.map((q) => el('th', { class: 'n', text: t('replay.quarterN', { q }) })))),
        el('tbody', {},
          rowsFor(t('replay.page.share'), qs.map((q) => pct(all[q]))),
          ...ghosts.map(([k, g]) => rowsFor(t('replay.page.ghost', { team: teamLabel(k) }), qs.map((q) => pct(g[q])))),
          rowsFor(t('replay.page.results'), qs.map((q, i) => ((x.quarterResults || [])[i] === undefined ? '–' : round(num(x.quarterResults[i])) + ' / ' + round(num(x.quarterTargets[i]))))))),
      el('p', { text: t('replay.page.end', { morale: varValue('morale', variable(x, 'morale')), adoption: varValue('adoption', variable(x, 'adoption')), capability: varValue('capability', variable(x, 'capability')), results: round(num(x.resultsToDate)) }) }),
      el('h3', { text: t('replay.debrief.choices') }), choiceList([team], false),
      ...(lines.length ? [el('h3', { text: t('replay.debrief.lines') }), ...lines.map((d) => el('p', { text: d.slice(teamName(team).length + 1).trim() }))] : []));
  }

  // ---------------------------------------------------------------- the timeline

  function show(i) {
    const f = st.frames[i];
    for (const b of document.querySelectorAll('.turn-button')) b.setAttribute('aria-pressed', String(b.dataset.turn === String(num(f.turn))));
    const decisions = (f.decisions || []).map((d) => el('tr', {}, el('th', { scope: 'row', text: teamLabel(num(d.team)) + (d.hat && d.hat !== 'BOTH' ? ' (' + d.hat.toLowerCase() + ')' : '') }),
      el('td', { text: ((d.decision && d.decision.hours) || []).map((h) => actName(h.act) + ' ' + round(num(h.hours)) + ' h').join(', ') + (d.defaulted ? ' ' + t('replay.defaulted') : '') })));
    const vars = (f.teams || []).map((x) => el('tr', {}, el('th', { scope: 'row', text: teamLabel(num(x.team)) }), el('td', { class: 'n', text: varValue('morale', variable(x, 'morale')) }), el('td', { class: 'n', text: round(num(x.resultsToDate)) }), el('td', { class: 'n', text: varValue('adoption', variable(x, 'adoption')) })));
    $('#frame').replaceChildren(el('h3', { id: 'frame-turn', text: t('replay.timeline.turn', { turn: num(f.turn) }) }),
      ...(f.events || []).map((e) => el('p', {}, el('strong', { text: e.title + ': ' }), e.narrative || '')),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: t('replay.team') }), el('th', { class: 'n', text: varLabel('morale') }), el('th', { class: 'n', text: t('replay.chart.results') }), el('th', { class: 'n', text: varLabel('adoption') }))), el('tbody', {}, vars)),
      el('h4', { text: t('replay.timeline.decisions') }), el('table', {}, el('tbody', {}, decisions)));
  }

  function split(teams) {
    const totals = new Map();
    const acts = new Set();
    for (const f of st.frames) for (const d of f.decisions || []) {
      const key = num(d.team);
      if (!totals.has(key)) totals.set(key, {});
      for (const h of (d.decision && d.decision.hours) || []) { acts.add(h.act); totals.get(key)[h.act] = (totals.get(key)[h.act] || 0) + num(h.hours); }
    }
    const list = [...acts].sort((a, b) => Number(!!(st.acts[b] && st.acts[b].leadership)) - Number(!!(st.acts[a] && st.acts[a].leadership)));
    const rows = teams.filter((team) => totals.has(team)).map((team) => {
      const h = totals.get(team);
      const sum = list.reduce((s, a) => s + (h[a] || 0), 0) || 1;
      return el('tr', {}, el('th', { scope: 'row', text: teamLabel(team) }), ...list.map((a) => el('td', { class: 'n', text: round(h[a] || 0) + ' h (' + round(100 * (h[a] || 0) / sum) + ' %)' })));
    });
    $('#split').replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: t('replay.team') }), ...list.map((a) => el('th', { class: 'n', 'data-act': a }, actName(a), st.acts[a] ? el('span', { class: 'tag', text: t(st.acts[a].leadership ? 'replay.leadership' : 'replay.management') }) : null)))), el('tbody', {}, rows)));
  }

  // ---------------------------------------------------------------- what-if, in words

  $('#whatif-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const team = Number($('#whatif-team').value);
    const fromTurn = Number($('#whatif-turn').value);
    $('#whatif').textContent = t('replay.whatif.running');
    try {
      const r = (await conn.request({ whatIf: { sessionId, fromTurn, changes: [{ team, botStrategy: 'leader' }] } })).whatIfResult;
      const last = (frames) => { const f = (frames || [])[frames.length - 1]; return f && teamAt(f, team); };
      const a = last(r.actual || []);
      const c = last(r.counterfactual || []);
      const line = (name, pick, show) => {
        const diff = pick(c) - pick(a);
        return el('li', { text: t('replay.whatif.line', { what: name, would: show(pick(c)), actual: show(pick(a)), diff: (diff >= 0 ? '+' : '−') + show(Math.abs(diff)) }) });
      };
      $('#whatif').replaceChildren(
        el('p', { id: 'whatif-summary', text: t('replay.whatif.summary', { team: teamLabel(team), turn: fromTurn }) }),
        el('ul', {},
          line(varLabel('morale'), (x) => variable(x, 'morale'), (v) => round(v)),
          line(t('replay.chart.results'), (x) => num(x && x.resultsToDate), (v) => round(v)),
          line(varLabel('adoption'), (x) => 100 * variable(x, 'adoption'), (v) => round(v) + ' %'),
          line(varLabel('capability'), (x) => variable(x, 'capability'), (v) => round(v))));
    } catch (e) { $('#whatif').textContent = t('replay.whatif.failed', { reason: QD.errorText(e) }); }
  });

  // ---------------------------------------------------------------- send or save

  $('#print').addEventListener('click', () => window.print());

  /**
   * The debrief as one self-contained HTML file to send after the workshop: the debrief and team
   * pages with the stylesheets inlined and each chart as a picture; no script, no server needed.
   */
  async function exportHtml() {
    $('#export-status').textContent = t('replay.export.working');
    try {
      const css = (await Promise.all(['/assets/webjars/uplot/1.6.30/dist/uPlot.min.css', '/assets/style.css'].map((u) => fetch(u).then((x) => x.text())))).join('\n');
      const parts = [$('#debrief'), ...document.querySelectorAll('.team-page')].map((section) => {
        const copy = section.cloneNode(true);
        const canvases = section.querySelectorAll('canvas');
        copy.querySelectorAll('canvas').forEach((cv, i) => cv.replaceWith(el('img', { src: canvases[i].toDataURL('image/png'), alt: (canvases[i].closest('[aria-label]') || section).getAttribute('aria-label') || '' })));
        return copy.outerHTML;
      });
      const html = '<!doctype html><html lang="' + I18N.lang + '"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>' + escapeHtml(document.title) + '</title><style>' + css + '</style></head><body class="replay-page"><main>' + parts.join('\n') + '</main></body></html>';
      download(html, 'text/html', 'quarterdeck-debrief-' + sessionId + '.html');
      $('#export-status').textContent = t('replay.export.htmlDone', { kb: round(html.length / 1024) });
      $('#export-status').dataset.htmlBytes = String(html.length);
    } catch (e) { $('#export-status').textContent = t('replay.export.failed', { reason: e.message }); }
  }
  const escapeHtml = (s) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[ch]));

  function download(text, type, name) {
    const a = el('a', { href: URL.createObjectURL(new Blob([text], { type })), download: name });
    document.body.append(a); a.click(); a.remove();
  }

  async function exportAs(format) {
    $('#export-status').textContent = t('replay.export.working');
    try {
      const res = await fetch('/sessions/' + encodeURIComponent(sessionId) + '/export?format=' + format, { headers: { Authorization: 'Bearer ' + token } });
      if (!res.ok) throw new Error(res.status + ' ' + (await res.text()));
      const text = await res.text();
      download(text, format === 'csv' ? 'text/csv' : 'application/json', 'quarterdeck-' + sessionId + '.' + format);
      const lines = text.split('\n').filter((l) => l.length).length;
      $('#export-status').textContent = t('replay.export.done', { format: format.toUpperCase(), lines });
      $('#export-status').dataset.lines = String(lines);
      $('#export-status').dataset.head = text.split('\n')[0].slice(0, 200);
    } catch (e) { $('#export-status').textContent = t('replay.export.failed', { reason: e.message }); }
  }
  $('#export-html').addEventListener('click', exportHtml);
  $('#export-csv').addEventListener('click', () => exportAs('csv'));
  $('#export-json').addEventListener('click', () => exportAs('json'));
})();
