package org.quarterdeck.client.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.DecisionAccepted;
import org.quarterdeck.protocol.v1.DilemmaOptionView;
import org.quarterdeck.protocol.v1.DilemmaView;
import org.quarterdeck.protocol.v1.EventView;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.Joined;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.PhaseChanged;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.TurnResolved;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code play}: one seat in the terminal. Line-oriented so that a script on standard input plays as
 * well as a person: lines that need an open turn wait for one, and {@code wait} waits for the next
 * turn.
 */
public final class PlayCommand {
  private static final long[] REMINDERS_SECONDS = {60, 30, 10};
  private static final List<String> PLAY_WORDS =
      List.of("help", "quit", "show", "time", "wait", "submit", "clear", "choose");

  private final PrintStream out;
  private final Texts texts;
  private final Views views;
  private final Console console;

  /** The terminal's console when a person types, else null (a script on a pipe). */
  private TerminalConsole screen;

  /** What Tab completes: the commands, then the open turn's acts and dilemmas. */
  private java.util.concurrent.atomic.AtomicReference<java.util.Collection<String>> completions =
      new java.util.concurrent.atomic.AtomicReference<>(PLAY_WORDS);

  private final Deque<Console.Event> deferred = new ArrayDeque<>();
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "quarterdeck-play-timer");
            t.setDaemon(true);
            return t;
          });
  private QuarterdeckClient client;

  private Hat hat = Hat.BOTH;
  private TeamView team;
  private Phase phase = Phase.LOBBY;
  private Draft draft;
  private int acceptedVersion;
  private boolean dirty;
  private long deadlineNanos;
  private boolean paused;
  private long timerGeneration;
  private int lastResolvedTurn;
  private int lobbyHumans = -1;

  /** While set, input lines wait until a turn above this number opens. */
  private Integer waitAbove;

  private boolean ended;

  /** False until the first snapshot: the history it brings is old news then. */
  private boolean started;

  private PlayCommand(PrintStream out, Texts texts) {
    this.out = out;
    this.texts = texts;
    this.views = new Views(texts);
    this.console = new Console(views);
  }

  /** {@code play}'s options; the command line's {@code play} runs this. */
  @Command(name = "play", mixinStandardHelpOptions = true, sortOptions = false)
  static final class Options implements Callable<Integer> {
    @Spec private CommandSpec spec;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--server", required = true, paramLabel = "URL")
    URI server;

    @Option(names = "--join", paramLabel = "CODE")
    String join;

    @Option(names = "--name", paramLabel = "NAME")
    String name;

    @Option(names = "--team", defaultValue = "0", paramLabel = "N")
    int team;

    @Option(names = "--token", paramLabel = "TOKEN")
    String token;

    @Option(names = "--json")
    boolean json;

    @Option(names = "--trust-cert", paramLabel = "FILE")
    java.nio.file.Path trustCert;

    /** A terminal to read from with line editing, or null to read plain lines from {@code in}. */
    private final Terminal terminal;

    Options(InputStream in, PrintStream out, PrintStream err, Terminal terminal) {
      this.in = in;
      this.out = out;
      this.err = err;
      this.terminal = terminal;
    }

    @Override
    public Integer call() {
      if (token == null && (join == null || name == null)) {
        throw new ParameterException(spec.commandLine(), Texts.of(spec).say("play.usage"));
      }
      Ranges.check(spec, "--team", team, 0, 60);
      return run(this, in, out, err, terminal);
    }
  }

  static int run(Options a, InputStream in, PrintStream out, PrintStream err, Terminal terminal) {
    java.util.concurrent.atomic.AtomicReference<java.util.Collection<String>> words =
        new java.util.concurrent.atomic.AtomicReference<>(PLAY_WORDS);
    TerminalConsole screen = terminal == null ? null : new TerminalConsole(terminal, words::get);
    PlayCommand play = new PlayCommand(screen == null ? out : screen.printer(), Texts.of(a.spec));
    play.screen = screen;
    play.completions = words;
    try {
      return play.play(a, in, err);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      play.timers.shutdownNow();
      if (play.client != null) {
        play.client.close();
      }
      if (screen != null) {
        screen.close();
      }
    }
  }

  private int play(Options a, InputStream in, PrintStream err) throws InterruptedException {
    URI server = a.server;
    try {
      client =
          QuarterdeckClient.connect(
                  server,
                  ClientOptions.forPeople().withJson(a.json).withTrustCertificate(a.trustCert))
              .get(15, TimeUnit.SECONDS);
      client.onPush(m -> console.post(new Console.Push(m)));
      client.onConnection(console.connectionEvents());
      client.hello(texts.language()).get(15, TimeUnit.SECONDS);
      Snapshot snapshot;
      if (a.token != null) {
        snapshot = client.resume(a.token).get(15, TimeUnit.SECONDS);
        out.println(texts.say("play.resumed"));
      } else {
        Joined joined = client.join(a.join, a.name, a.team - 1).get(15, TimeUnit.SECONDS);
        snapshot = joined.getSnapshot();
        out.println(
            texts.say("play.joined", a.name, joined.getTeam() + 1, views.hat(joined.getHat())));
      }
      out.println(texts.say("play.token", client.token()));
      out.println("  " + texts.say("play.token-later", server, client.token()));
      apply(snapshot);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      err.println("play: " + views.refusal(e));
      return 1;
    }
    out.println(texts.say("play.type-help"));
    if (screen != null) {
      console.echo(false);
      screen.readInto(console, "play> ");
    } else {
      console.readLines(in);
    }
    while (true) {
      Console.Event event = console.take();
      Integer code = handle(event);
      if (code != null) {
        return code;
      }
      if (ended) {
        return 0;
      }
    }
  }

  /** Handles one event; a non-null result ends the command with that exit code. */
  private Integer handle(Console.Event event) {
    if (event instanceof Console.Line line) {
      if (waitAbove != null) {
        deferred.add(line);
        return null;
      }
      Integer code = line(line.text());
      if (code != null) {
        return code;
      }
    } else if (event instanceof Console.EndOfInput) {
      if (waitAbove != null) {
        deferred.add(event);
        return null;
      }
      out.println(texts.say("play.end-of-input"));
      return 0;
    } else if (event instanceof Console.Push push) {
      push(push.message());
    } else if (event instanceof Console.Dropped d) {
      out.println(texts.say("play.reconnecting", d.delayMs(), d.attempt()));
    } else if (event instanceof Console.Resumed r) {
      out.println(texts.say("play.reconnected"));
      apply(r.snapshot());
    } else if (event instanceof Console.GaveUp g) {
      out.println(texts.say("play.disconnected", g.why()));
      return 1;
    } else if (event instanceof Console.Tick tick) {
      remind(tick);
    }
    return releaseWaiting();
  }

  /** When the wait is over, runs the lines that waited, in order, until one waits again. */
  private Integer releaseWaiting() {
    if (waitAbove == null) {
      return null;
    }
    boolean over =
        ended || (draft != null && phase == Phase.TURN_OPEN && draft.turn().getTurn() > waitAbove);
    if (!over) {
      return null;
    }
    waitAbove = null;
    while (waitAbove == null && !deferred.isEmpty()) {
      Integer code = handle(deferred.poll());
      if (code != null) {
        return code;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ input

  private Integer line(String text) {
    List<String> words = console.command(text, out);
    if (words == null) {
      return null;
    }
    String command = words.get(0).toLowerCase(Locale.ROOT);
    switch (command) {
      case "help", "?" -> out.println(texts.say("play.help"));
      case "quit", "exit" -> {
        out.println(texts.say("play.leaving"));
        return 0;
      }
      case "show" -> show();
      case "time" -> out.println(timeLeft());
      case "wait" -> {
        if (ended) {
          out.println(texts.say("play.ended"));
        } else {
          int above =
              draft == null
                  ? lastResolvedTurn
                  : acceptedVersion > 0 ? draft.turn().getTurn() : draft.turn().getTurn() - 1;
          waitFor(above, texts.say("play.waiting"));
        }
      }
      default -> {
        if (ended) {
          out.println(texts.say("play.ended-no-decisions"));
        } else if (draft == null) {
          waitFor(lastResolvedTurn, texts.say("play.no-turn-yet"));
          deferred.addFirst(new Console.Line(text));
        } else {
          decide(command, words);
        }
      }
    }
    return null;
  }

  private void waitFor(int turnAbove, String message) {
    out.println(message);
    waitAbove = turnAbove;
  }

  private void decide(String command, List<String> words) {
    try {
      switch (command) {
        case "submit" -> submit();
        case "clear" -> {
          draft.clear();
          dirty = true;
          out.println("  " + texts.say("play.cleared"));
        }
        case "choose" -> {
          if (words.size() != 2 || words.get(1).indexOf('=') <= 0) {
            throw new Draft.Refused(texts.say("play.choose-usage"));
          }
          String[] pair = words.get(1).split("=", 2);
          draft.choose(pair[0], pair[1]);
          dirty = true;
          out.println("  " + texts.say("play.chose", pair[1], pair[0]) + unsent());
        }
        default -> {
          draft.assign(words);
          dirty = true;
          out.println("  " + budgetLine() + unsent());
        }
      }
    } catch (Draft.Refused e) {
      out.println("  " + texts.say("play.refused", e.getMessage()));
    }
  }

  private String unsent() {
    return " " + texts.say("play.unsent");
  }

  private String budgetLine() {
    double booked = draft.booked();
    double free = draft.turn().getFreeHours();
    String overtime =
        booked > free + 1e-9 ? texts.say("play.overtime", views.hours(booked - free)) : "";
    return texts.say(
        "play.booked", views.hours(booked), views.hours(free), views.hours(draft.max()), overtime);
  }

  private void submit() {
    if (phase == Phase.PAUSED) {
      out.println("  " + texts.say("play.paused-submit"));
      return;
    }
    int turn = draft.turn().getTurn();
    int version = acceptedVersion + 1;
    try {
      ServerMessage reply =
          client
              .call(
                  ClientMessage.newBuilder()
                      .setSubmitDecision(
                          SubmitDecision.newBuilder()
                              .setTurn(turn)
                              .setVersion(version)
                              .setDecision(draft.toDecision())))
              .get(15, TimeUnit.SECONDS);
      DecisionAccepted accepted = reply.getDecisionAccepted();
      acceptedVersion = accepted.getVersion();
      dirty = false;
      out.println(
          "  "
              + texts.say(
                  "play.accepted",
                  accepted.getVersion(),
                  accepted.getTurn(),
                  views.hours(draft.booked())));
      for (DilemmaView d : draft.turn().getDilemmasList()) {
        if (!draft.choices().containsKey(d.getId())) {
          out.println("  " + texts.say("play.unanswered", d.getId()));
        }
      }
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      out.println("  " + texts.say("play.not-accepted", views.refusal(e)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ pushes

  private void push(ServerMessage m) {
    switch (m.getBodyCase()) {
      case TURN_OPENED -> opened(m.getTurnOpened());
      case TURN_RESOLVED -> resolved(m.getTurnResolved());
      case QUARTER_CLOSED -> views.quarter(out, m.getQuarterClosed());
      case SESSION_ENDED -> {
        views.ended(out, m.getSessionEnded());
        phase = Phase.ENDED;
        draft = null;
        ended = true;
      }
      case SUBMISSION_PROGRESS ->
          out.println(
              "  ("
                  + texts.say(
                      "play.progress",
                      m.getSubmissionProgress().getSubmitted(),
                      m.getSubmissionProgress().getExpected())
                  + ")");
      case PHASE_CHANGED -> phaseChanged(m.getPhaseChanged());
      case BROADCAST ->
          out.println("[" + texts.say("play.facilitator") + "] " + m.getBroadcast().getText());
      case LOBBY_UPDATE -> {
        int humans = Views.humans(m.getLobbyUpdate());
        if (phase == Phase.LOBBY && humans != lobbyHumans) {
          lobbyHumans = humans;
          out.println(texts.say("play.lobby", humans));
        }
      }
      case SNAPSHOT -> apply(m.getSnapshot());
      case GOODBYE ->
          out.println(
              texts.say("play.goodbye", m.getGoodbye().getReason(), m.getGoodbye().getMessage()));
      case ERROR ->
          out.println(
              texts.say("play.server-error", m.getError().getCode(), m.getError().getMessage()));
      default -> {} // other pushes are for other roles; newer ones are ignored on purpose
    }
  }

  private void apply(Snapshot s) {
    phase = s.getPhase();
    hat = s.getHat() == Hat.HAT_UNSPECIFIED ? Hat.BOTH : s.getHat();
    if (s.getTeamsCount() > 0) {
      team = s.getTeams(0);
    }
    for (org.quarterdeck.protocol.v1.TurnReport report : s.getHistoryList()) {
      if (report.getTurn() > lastResolvedTurn) {
        if (started) {
          // Resolved while the connection was down: the pushes were missed, the history was not.
          out.println(texts.say("play.results-away", report.getTurn()));
          views.report(out, report);
        }
        lastResolvedTurn = report.getTurn();
      }
    }
    if (s.getPhase() != Phase.TURN_OPEN && s.getPhase() != Phase.PAUSED) {
      draft = null;
    }
    started = true;
    out.println(texts.say("play.session", s.getTitle(), s.getScenarioName(), s.getPhase()));
    if (team != null) {
      out.println(texts.say("play.your-team"));
      views.team(out, team);
    }
    if (s.hasOpenTurn() && (phase == Phase.TURN_OPEN || phase == Phase.PAUSED)) {
      boolean sameTurn = draft != null && draft.turn().getTurn() == s.getOpenTurn().getTurn();
      if (!sameTurn) {
        opened(s.getOpenTurn());
      } else {
        startClock(s.getOpenTurn().getRemainingMs(), s.getOpenTurn().getPaused());
      }
      if (s.getDraftVersion() > 0 && (!dirty || !sameTurn)) {
        draft.load(s.getDraft());
        acceptedVersion = s.getDraftVersion();
        dirty = false;
        out.println(texts.say("play.held", acceptedVersion));
      }
    } else if (phase == Phase.LOBBY) {
      out.println(texts.say("play.waiting-start"));
    } else if (phase == Phase.ENDED) {
      ended = true;
      out.println(texts.say("play.ended"));
    }
  }

  private void opened(TurnOpened t) {
    boolean sameTurn = draft != null && draft.turn().getTurn() == t.getTurn();
    Draft next = new Draft(t, hat, texts);
    if (sameTurn) {
      // The facilitator injected an event into the open turn: keep what was typed.
      next.load(draft.toDecision());
      out.println(texts.say("play.injected", t.getTurn()));
      for (EventView e : t.getEventsList()) {
        views.event(out, e);
      }
      draft = next;
      return;
    }
    draft = next;
    List<String> words = new java.util.ArrayList<>(PLAY_WORDS);
    t.getActsList().forEach(act -> words.add(act.getId() + "="));
    t.getDilemmasList()
        .forEach(d -> d.getOptionsList().forEach(o -> words.add(d.getId() + "=" + o.getId())));
    completions.set(List.copyOf(words));
    acceptedVersion = 0;
    dirty = false;
    phase = t.getPaused() ? Phase.PAUSED : Phase.TURN_OPEN;
    out.println();
    out.println(texts.say("play.turn-open", t.getTurn(), t.getQuarter()));
    out.println(
        "  "
            + texts.say(
                "play.budget",
                views.hours(t.getBudgetHours()),
                views.hours(t.getInterruptionHours()),
                views.hours(t.getFreeHours()),
                views.hours(t.getMaxOvertimeHours())));
    for (EventView e : t.getEventsList()) {
      views.event(out, e);
    }
    for (DilemmaView d : t.getDilemmasList()) {
      out.println("  " + texts.say("play.dilemma", d.getId(), d.getText()));
      for (DilemmaOptionView o : d.getOptionsList()) {
        out.println("    choose " + d.getId() + "=" + o.getId() + "   " + o.getText());
      }
    }
    acts(t);
    startClock(t.getRemainingMs(), t.getPaused());
    out.println("  " + timeLeft());
    out.println("  " + texts.say("play.how-to-book"));
  }

  private void acts(TurnOpened t) {
    out.println("  " + texts.say("play.acts"));
    for (ActView a : t.getActsList()) {
      if (!draft.mayBook(a)) {
        continue;
      }
      double h = draft.hoursOn(a.getId());
      out.printf(
          Locale.ROOT,
          "    %-10s %-11s %-28s %s%n",
          a.getId(),
          texts.say(a.getLeadership() ? "play.leadership" : "play.management"),
          a.getName(),
          h > 0 ? views.hours(h) + " h" : "");
    }
  }

  private void resolved(TurnResolved r) {
    out.println();
    out.println(texts.say("play.results", r.getTurn()));
    if (r.hasReport()) {
      views.report(out, r.getReport());
    }
    if (r.hasTeam()) {
      team = r.getTeam();
    }
    views.standings(out, r.getStandingsList());
    lastResolvedTurn = r.getTurn();
    if (draft != null && draft.turn().getTurn() == r.getTurn()) {
      draft = null;
      timerGeneration++;
    }
  }

  private void phaseChanged(PhaseChanged p) {
    Phase before = phase;
    phase = p.getPhase();
    switch (p.getPhase()) {
      case PAUSED -> {
        startClock(p.getRemainingMs(), true);
        out.println(
            p.getRemainingMs() > 0
                ? texts.say("play.paused-left", Views.duration(p.getRemainingMs()))
                : texts.say("play.paused"));
      }
      case TURN_OPEN -> {
        startClock(p.getRemainingMs(), false);
        out.println(
            (before == Phase.PAUSED ? texts.say("play.runs-again") + " " : "") + timeLeft());
      }
      default -> {}
    }
  }

  // ------------------------------------------------------------------ time

  private void startClock(long remainingMs, boolean pausedNow) {
    paused = pausedNow;
    long generation = ++timerGeneration;
    deadlineNanos = remainingMs > 0 ? System.nanoTime() + remainingMs * 1_000_000 : 0;
    if (remainingMs <= 0 || pausedNow) {
      return;
    }
    for (long seconds : REMINDERS_SECONDS) {
      long at = remainingMs - seconds * 1000;
      if (at > 0) {
        timers.schedule(
            () -> console.post(new Console.Tick(generation, seconds)), at, TimeUnit.MILLISECONDS);
      }
    }
  }

  private long remainingMs() {
    return deadlineNanos == 0 ? 0 : Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }

  private String timeLeft() {
    if (draft == null) {
      return texts.say("play.no-turn");
    }
    if (deadlineNanos == 0) {
      return texts.say("play.no-deadline", draft.turn().getTurn());
    }
    return texts.say(
        paused ? "play.time-left-paused" : "play.time-left",
        draft.turn().getTurn(),
        Views.duration(remainingMs()));
  }

  private void remind(Console.Tick tick) {
    if (tick.generation() != timerGeneration || draft == null || paused) {
      return;
    }
    out.println(
        "  "
            + texts.say(
                acceptedVersion == 0
                    ? "play.reminder.not-submitted"
                    : dirty ? "play.reminder.changed" : "play.reminder.in",
                tick.secondsLeft(),
                draft.turn().getTurn(),
                acceptedVersion));
  }

  private void show() {
    if (team != null) {
      out.println(texts.say("play.your-team"));
      views.team(out, team);
    }
    if (draft == null) {
      out.println(texts.say(ended ? "play.ended" : "play.no-turn"));
      return;
    }
    TurnOpened t = draft.turn();
    out.println(
        texts.say(
            "play.show-turn",
            t.getTurn(),
            t.getQuarter(),
            views.hours(t.getFreeHours()),
            views.hours(t.getMaxOvertimeHours())));
    acts(t);
    draft.choices().forEach((d, o) -> out.println("  " + texts.say("play.dilemma", d, o)));
    out.println("  " + budgetLine());
    out.println(
        "  "
            + texts.say(
                acceptedVersion == 0
                    ? "play.not-submitted"
                    : dirty ? "play.submitted-changed" : "play.submitted",
                acceptedVersion));
    out.println("  " + timeLeft());
  }
}
