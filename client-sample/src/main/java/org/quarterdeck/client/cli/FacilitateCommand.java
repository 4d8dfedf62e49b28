package org.quarterdeck.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jline.terminal.Terminal;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.AssignSeat;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.CustomEvent;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorAck;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.GetReplay;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.InjectEvent;
import org.quarterdeck.protocol.v1.LiveTeam;
import org.quarterdeck.protocol.v1.LiveView;
import org.quarterdeck.protocol.v1.LobbyUpdate;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.Variable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code facilitate}: creates a session (or takes one back with the facilitator token), shows the
 * lobby and the live view, and runs the facilitator's commands typed (or scripted) on standard
 * input. Teams are numbered from 1 here, as players see them.
 */
public final class FacilitateCommand {
  private static final List<String> FACILITATE_WORDS =
      List.of(
          "start",
          "pause",
          "resume",
          "force",
          "end",
          "extend",
          "until",
          "inject",
          "inject-custom",
          "broadcast",
          "kick",
          "assign",
          "live",
          "replay",
          "export",
          "wait-players",
          "wait-turn",
          "wait-end",
          "help",
          "quit");
  private final PrintStream out;
  private final Texts texts;
  private final Views views;
  private final Console console;

  /** The terminal's console when a person types, else null (a script on a pipe). */
  private TerminalConsole screen;

  /** What Tab completes: the commands, then the open turn's acts and dilemmas. */
  private java.util.concurrent.atomic.AtomicReference<java.util.Collection<String>> completions =
      new java.util.concurrent.atomic.AtomicReference<>(FACILITATE_WORDS);

  private final Deque<Console.Event> deferred = new ArrayDeque<>();
  private QuarterdeckClient client;
  private String sessionId = "";
  private Phase phase = Phase.LOBBY;
  private int turn;
  private int humans;
  private boolean ended;
  private String lastLive = "";
  private final java.util.Map<Integer, String> liveLines = new java.util.HashMap<>();
  private static final List<String> LIVE_VARIABLES =
      List.of("morale", "stress", "adoption", "results", "target");
  private String lastLobby = "";

  /** While set, input waits until this holds. */
  private java.util.function.BooleanSupplier waiting;

  private FacilitateCommand(PrintStream out, Texts texts) {
    this.out = out;
    this.texts = texts;
    this.views = new Views(texts);
    this.console = new Console(views);
  }

  /** {@code facilitate}'s options; the command line's {@code facilitate} runs this. */
  @Command(name = "facilitate", mixinStandardHelpOptions = true, sortOptions = false)
  static final class Options implements Callable<Integer> {
    @Spec private CommandSpec spec;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--server", required = true, paramLabel = "URL")
    URI server;

    @Option(names = "--token", paramLabel = "TOKEN")
    String token;

    @Option(names = "--create")
    boolean create;

    @Option(names = "--scenario", paramLabel = "NAME")
    String scenario;

    @Option(names = "--scenario-file", paramLabel = "FILE")
    Path scenarioFile;

    @Option(names = "--teams", defaultValue = "0", paramLabel = "N")
    int teams;

    @Option(names = "--deadline", defaultValue = "0", paramLabel = "SECONDS")
    int deadline;

    @Option(names = "--bots", paramLabel = "adaptive,numbers,...")
    String bots;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N")
    long seed;

    @Option(names = "--title", paramLabel = "TEXT")
    String title;

    @Option(names = "--admin-token", paramLabel = "T")
    String adminToken;

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
      if (create == (token != null)) {
        throw new ParameterException(
            spec.commandLine(), Texts.of(spec).say("facilitate.usage.create-or-token"));
      }
      if (scenario != null && scenarioFile != null) {
        throw new ParameterException(
            spec.commandLine(), Texts.of(spec).say("facilitate.usage.scenario-twice"));
      }
      Ranges.check(spec, "--teams", teams, 0, 60);
      Ranges.check(spec, "--deadline", deadline, 0, 86_400);
      return run(this, in, out, err, terminal);
    }
  }

  static int run(Options a, InputStream in, PrintStream out, PrintStream err, Terminal terminal) {
    java.util.concurrent.atomic.AtomicReference<java.util.Collection<String>> words =
        new java.util.concurrent.atomic.AtomicReference<>(FACILITATE_WORDS);
    TerminalConsole screen = terminal == null ? null : new TerminalConsole(terminal, words::get);
    FacilitateCommand f =
        new FacilitateCommand(screen == null ? out : screen.printer(), Texts.of(a.spec));
    f.screen = screen;
    f.completions = words;
    try {
      return f.facilitate(a, in, err);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      if (f.client != null) {
        f.client.close();
      }
      if (screen != null) {
        screen.close();
      }
    }
  }

  private int facilitate(Options a, InputStream in, PrintStream err) throws InterruptedException {
    URI server = a.server;
    try {
      CreateSession create = a.create ? createRequest(a) : null;
      client =
          QuarterdeckClient.connect(
                  server,
                  ClientOptions.forPeople().withJson(a.json).withTrustCertificate(a.trustCert))
              .get(15, TimeUnit.SECONDS);
      client.onPush(m -> console.post(new Console.Push(m)));
      client.onConnection(console.connectionEvents());
      client.hello(Texts.of(a.spec).language()).get(15, TimeUnit.SECONDS);
      String token;
      if (create != null) {
        SessionCreated created =
            client
                .call(ClientMessage.newBuilder().setCreateSession(create))
                .get(15, TimeUnit.SECONDS)
                .getSessionCreated();
        token = created.getFacilitatorToken();
        out.println(texts.say("facilitate.created", created.getSessionId()));
        out.println("  " + texts.say("facilitate.join-code", created.getJoinCode()));
        out.println("  " + texts.say("facilitate.token", token));
        out.println("  " + texts.say("facilitate.players-run", server, created.getJoinCode()));
        out.println("  " + texts.say("facilitate.bots-run", server, created.getJoinCode()));
        out.println("  " + texts.say("facilitate.come-back", server, token));
      } else {
        token = a.token;
      }
      Snapshot snapshot = client.resume(token).get(15, TimeUnit.SECONDS);
      apply(snapshot);
    } catch (ExecutionException | TimeoutException e) {
      err.println("facilitate: " + views.refusal(e));
      return 1;
    } catch (IOException e) {
      // The operating system's reason after our sentence (docs/operations.md, Languages).
      err.println("facilitate: " + texts.say("facilitate.scenario-unreadable", a.scenarioFile, e));
      return 2;
    }
    out.println(texts.say("play.type-help"));
    if (screen != null) {
      console.echo(false);
      screen.readInto(console, "facilitator> ");
    } else {
      console.readLines(in);
    }
    while (true) {
      Integer code = handle(console.take());
      if (code != null) {
        return code;
      }
    }
  }

  private static CreateSession createRequest(Options a) throws IOException {
    CreateSession.Builder b = CreateSession.newBuilder();
    if (a.scenarioFile != null) {
      b.setScenarioText(Files.readString(a.scenarioFile, StandardCharsets.UTF_8));
    } else {
      b.setBuiltinScenario(a.scenario == null ? "market-year" : a.scenario);
    }
    SessionSettings.Builder s =
        SessionSettings.newBuilder()
            .setTeams(a.teams)
            .setTurnDeadlineSeconds(a.deadline)
            .setSeed(a.seed);
    if (a.title != null) {
      s.setTitle(a.title);
    }
    if (a.bots != null) {
      for (String bot : a.bots.split(",", -1)) {
        s.addBotStrategies(bot.strip().equals("-") ? "" : bot.strip());
      }
    }
    if (a.adminToken != null) {
      b.setAdminToken(a.adminToken);
    }
    return b.setSettings(s).build();
  }

  private Integer handle(Console.Event event) {
    if (event instanceof Console.Line || event instanceof Console.EndOfInput) {
      if (waiting != null) {
        deferred.add(event);
        return null;
      }
      if (event instanceof Console.Line line) {
        return line(line.text());
      }
      out.println(texts.say("facilitate.end-of-input"));
      return 0;
    } else if (event instanceof Console.Push push) {
      push(push.message());
    } else if (event instanceof Console.Dropped d) {
      out.println(texts.say("play.reconnecting", d.delayMs(), d.attempt()));
    } else if (event instanceof Console.Resumed r) {
      out.println(texts.say("facilitate.reconnected"));
      apply(r.snapshot());
    } else if (event instanceof Console.GaveUp g) {
      out.println(texts.say("play.disconnected", g.why()));
      return 1;
    }
    if (waiting != null && waiting.getAsBoolean()) {
      waiting = null;
      while (waiting == null && !deferred.isEmpty()) {
        Integer code = handle(deferred.poll());
        if (code != null) {
          return code;
        }
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ input

  private Integer line(String text) {
    List<String> w = console.command(text, out);
    if (w == null) {
      return null;
    }
    String command = w.get(0).toLowerCase(Locale.ROOT);
    try {
      switch (command) {
        case "help", "?" -> out.println(texts.say("facilitate.help"));
        case "quit", "exit" -> {
          out.println(texts.say("facilitate.leaving"));
          return 0;
        }
        case "start" ->
            command(FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()));
        case "pause" ->
            command(FacilitatorCommand.newBuilder().setPause(Empty.getDefaultInstance()));
        case "resume" ->
            command(FacilitatorCommand.newBuilder().setResume(Empty.getDefaultInstance()));
        case "force" ->
            command(FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()));
        case "end" -> command(FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance()));
        case "extend" ->
            command(
                FacilitatorCommand.newBuilder().setExtendSeconds(number(w, 1, "extend SECONDS")));
        case "until" -> {
          if (w.size() != 2) {
            throw new Correction("facilitate.use", "until HH:MM[:SS]");
          }
          ZonedDateTime at = nextTimeOfDay(w.get(1), ZonedDateTime.now());
          out.println(
              "  " + texts.say("facilitate.turn-ends", at.toLocalTime(), at.toOffsetDateTime()));
          command(
              FacilitatorCommand.newBuilder().setDeadlineAtEpochMs(at.toInstant().toEpochMilli()));
        }
        case "assign" -> call(ClientMessage.newBuilder().setAssignSeat(assignment(w)));
        case "live" -> {
          command(FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()));
        }
        case "broadcast" -> {
          String message = text.strip().substring(w.get(0).length()).strip();
          if (message.isEmpty()) {
            throw new Correction("facilitate.use", "broadcast TEXT");
          }
          command(FacilitatorCommand.newBuilder().setBroadcast(message));
        }
        case "kick" -> {
          if (w.size() < 2 || w.size() > 3) {
            throw new Correction("facilitate.use", "kick TEAM [leader|manager]");
          }
          Hat hat = w.size() == 3 ? hat(w.get(2)) : Hat.BOTH;
          command(
              FacilitatorCommand.newBuilder()
                  .setKick(
                      SeatRef.newBuilder().setTeam(number(w, 1, "kick TEAM") - 1).setHat(hat)));
        }
        case "inject" -> {
          if (w.size() < 2) {
            throw new Correction("facilitate.use", "inject DECK_EVENT_ID [TEAM...]");
          }
          InjectEvent.Builder inject = InjectEvent.newBuilder().setDeckEvent(w.get(1));
          for (int i = 2; i < w.size(); i++) {
            inject.addTeams(number(w, i, "inject DECK_EVENT_ID [TEAM...]") - 1);
          }
          command(FacilitatorCommand.newBuilder().setInject(inject));
        }
        case "inject-custom" ->
            command(FacilitatorCommand.newBuilder().setInject(customInjection(w)));
        case "replay" -> replay(w);
        case "export" -> export(w);
        case "wait-players" -> {
          int n = number(w, 1, "wait-players N");
          waitUntil(() -> humans >= n || ended, texts.say("facilitate.wait-players", n));
        }
        case "wait-turn" -> {
          int n = number(w, 1, "wait-turn N");
          waitUntil(
              () -> (turn >= n && phase == Phase.TURN_OPEN) || ended,
              texts.say("facilitate.wait-turn", n));
        }
        case "wait-end" -> waitUntil(() -> ended, texts.say("facilitate.wait-end"));
        default -> out.println("  " + texts.say("facilitate.unknown", command));
      }
    } catch (Correction e) {
      out.println("  " + texts.say(e.key, e.values));
    } catch (IllegalArgumentException e) {
      out.println("  " + e.getMessage());
    }
    return null;
  }

  private void waitUntil(java.util.function.BooleanSupplier condition, String message) {
    if (!condition.getAsBoolean()) {
      out.println("  " + message);
      waiting = condition;
    }
  }

  private static int number(List<String> w, int index, String usage) {
    if (index >= w.size()) {
      throw new Correction("facilitate.use", usage);
    }
    try {
      return Integer.parseInt(w.get(index));
    } catch (NumberFormatException e) {
      throw new Correction("facilitate.not-whole", w.get(index), usage);
    }
  }

  private static InjectEvent.Builder customInjection(List<String> w) {
    String usage = "inject-custom \"TITLE\" VAR=AMOUNT... [teams=1,2] [narrative=\"...\"]";
    if (w.size() < 3) {
      throw new Correction("facilitate.use", usage);
    }
    CustomEvent.Builder custom = CustomEvent.newBuilder().setTitle(w.get(1));
    InjectEvent.Builder inject = InjectEvent.newBuilder();
    for (int i = 2; i < w.size(); i++) {
      String[] pair = w.get(i).split("=", 2);
      if (pair.length != 2 || pair[0].isEmpty()) {
        throw new Correction("facilitate.not-pair", w.get(i), usage);
      }
      switch (pair[0]) {
        case "teams" -> {
          for (String t : pair[1].split(",")) {
            inject.addTeams(number(List.of(t.strip()), 0, usage) - 1);
          }
        }
        case "narrative" -> custom.setNarrative(pair[1]);
        default -> {
          double amount;
          try {
            amount = Double.parseDouble(pair[1]);
          } catch (NumberFormatException e) {
            throw new Correction("facilitate.not-number", pair[1], usage);
          }
          custom.addEffects(Variable.newBuilder().setName(pair[0]).setValue(amount));
        }
      }
    }
    return inject.setCustom(custom);
  }

  /**
   * The next time {@code hhmm} (HH:MM or HH:MM:SS) comes round after {@code now}: today, or
   * tomorrow when it has passed.
   */
  static ZonedDateTime nextTimeOfDay(String hhmm, ZonedDateTime now) {
    LocalTime time;
    try {
      time = LocalTime.parse(hhmm);
    } catch (DateTimeParseException e) {
      throw new Correction("facilitate.not-time", hhmm, "until HH:MM");
    }
    ZonedDateTime at = now.with(time);
    return at.isAfter(now) ? at : at.plusDays(1);
  }

  /** {@code assign TEAM[/HAT] TO_TEAM[/HAT]} or {@code assign TEAM[/HAT] bot STRATEGY}. */
  static AssignSeat.Builder assignment(List<String> w) {
    String usage = "assign TEAM[/HAT] TO_TEAM[/HAT] | assign TEAM[/HAT] bot STRATEGY";
    if (w.size() == 4 && w.get(2).equalsIgnoreCase("bot")) {
      return AssignSeat.newBuilder().setTo(seatRef(w.get(1), usage)).setBotStrategy(w.get(3));
    }
    if (w.size() != 3) {
      throw new Correction("facilitate.use", usage);
    }
    return AssignSeat.newBuilder()
        .setFrom(seatRef(w.get(1), usage))
        .setTo(seatRef(w.get(2), usage));
  }

  private static SeatRef seatRef(String text, String usage) {
    String[] parts = text.split("/", 2);
    Hat hat = parts.length == 2 ? hat(parts[1]) : Hat.BOTH;
    return SeatRef.newBuilder()
        .setTeam(number(List.of(parts[0]), 0, usage) - 1)
        .setHat(hat)
        .build();
  }

  /** A hat as typed: leader, manager or both. */
  static Hat hat(String typed) {
    return switch (typed.toLowerCase(Locale.ROOT)) {
      case "leader" -> Hat.LEADER;
      case "manager" -> Hat.MANAGER;
      case "both" -> Hat.BOTH;
      default -> throw new Correction("facilitate.not-hat", typed);
    };
  }

  private void command(FacilitatorCommand.Builder command) {
    call(ClientMessage.newBuilder().setFacilitator(command));
  }

  private void call(ClientMessage.Builder message) {
    try {
      ServerMessage reply = client.call(message).get(15, TimeUnit.SECONDS);
      if (reply.hasFacilitatorAck()) {
        FacilitatorAck ack = reply.getFacilitatorAck();
        out.println("  " + texts.say("facilitate.ok", ack.getPhase(), ack.getTurn()));
      } else if (reply.hasLiveView()) {
        live(reply.getLiveView(), true);
      }
    } catch (ExecutionException | TimeoutException e) {
      out.println("  " + views.refusal(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ServerMessage replayRequest(int from, int to)
      throws ExecutionException, TimeoutException, InterruptedException {
    return client
        .call(
            ClientMessage.newBuilder()
                .setGetReplay(
                    GetReplay.newBuilder().setSessionId(sessionId).setFromTurn(from).setToTurn(to)))
        .get(30, TimeUnit.SECONDS);
  }

  private void replay(List<String> w) {
    int from = w.size() > 1 ? number(w, 1, "replay [FROM [TO]]") : 0;
    int to = w.size() > 2 ? number(w, 2, "replay [FROM [TO]]") : 0;
    try {
      ReplayExport.summary(out, replayRequest(from, to).getReplay(), views, texts);
    } catch (ExecutionException | TimeoutException e) {
      out.println("  replay: " + views.refusal(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void export(List<String> w) {
    if (w.size() < 2 || !(w.get(1).equals("csv") || w.get(1).equals("json"))) {
      throw new Correction("facilitate.use", "export csv|json [FILE]");
    }
    try {
      String text = ReplayExport.render(replayRequest(0, 0).getReplay(), w.get(1));
      if (w.size() > 2) {
        Files.writeString(Path.of(w.get(2)), text, StandardCharsets.UTF_8);
        out.println("  " + texts.say("facilitate.wrote", w.get(2)));
      } else {
        out.print(text);
      }
    } catch (ExecutionException | TimeoutException e) {
      out.println("  export: " + views.refusal(e));
    } catch (IOException e) {
      out.println("  export: " + texts.say("facilitate.cannot-write", e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ pushes

  private void apply(Snapshot s) {
    sessionId = s.getSessionId();
    phase = s.getPhase();
    ended = phase == Phase.ENDED;
    humans = Views.humans(s.getLobby());
    out.println(
        texts.say(
            "facilitate.session",
            s.getTitle(),
            s.getScenarioName(),
            s.getTeamsCount(),
            s.getMode(),
            s.getPhase()));
    lobby(s.getLobby());
  }

  private void push(ServerMessage m) {
    switch (m.getBodyCase()) {
      case LOBBY_UPDATE -> lobby(m.getLobbyUpdate());
      case LIVE_VIEW -> live(m.getLiveView(), false);
      case TURN_RESOLVED -> {
        out.println(texts.say("facilitate.resolved", m.getTurnResolved().getTurn()));
        views.standings(out, m.getTurnResolved().getStandingsList());
      }
      case QUARTER_CLOSED -> views.quarter(out, m.getQuarterClosed());
      case SESSION_ENDED -> {
        views.ended(out, m.getSessionEnded());
        ended = true;
        phase = Phase.ENDED;
      }
      case PHASE_CHANGED -> {
        phase = m.getPhaseChanged().getPhase();
        turn = m.getPhaseChanged().getTurn();
        out.println(
            texts.say("facilitate.phase", phase, turn)
                + (m.getPhaseChanged().getRemainingMs() > 0
                    ? texts.say(
                        "facilitate.left", Views.duration(m.getPhaseChanged().getRemainingMs()))
                    : ""));
      }
      case BROADCAST ->
          out.println("[" + texts.say("facilitate.broadcast") + "] " + m.getBroadcast().getText());
      case GOODBYE ->
          out.println(
              texts.say("play.goodbye", m.getGoodbye().getReason(), m.getGoodbye().getMessage()));
      default -> {} // SubmissionProgress is in the live view; unknown pushes are ignored
    }
  }

  private void lobby(LobbyUpdate lobby) {
    humans = Views.humans(lobby);
    String text = lobby.toString();
    if (text.equals(lastLobby)) {
      return;
    }
    lastLobby = text;
    out.println(texts.say("facilitate.lobby", humans, lobby.getSpectators()));
    views.lobby(out, lobby);
  }

  /**
   * Prints the live view: everything on request, otherwise (the server sends one after each change)
   * only the teams whose line changed, so a room of sixty stays readable.
   */
  private void live(LiveView v, boolean always) {
    phase = v.getPhase();
    turn = v.getTurn();
    humans = Views.humans(v.getLobby());
    String header = texts.say("facilitate.live", v.getPhase(), v.getTurn());
    List<String> changed = new java.util.ArrayList<>();
    for (LiveTeam t : v.getTeamsList()) {
      StringBuilder b =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "    %-10s %-24s %s",
                  t.getTeam().getName(),
                  t.getTeam().getPlayersCount() > 0
                      ? String.join(", ", t.getTeam().getPlayersList())
                      : t.getTeam().getBot() ? "(" + texts.say("view.bot") + ")" : "",
                  texts.say("facilitate.live.submitted", t.getSubmitted(), t.getSeats())));
      for (Variable var : t.getTeam().getVariablesList()) {
        if (LIVE_VARIABLES.contains(var.getName())) {
          b.append("  ").append(var.getName()).append(' ').append(views.num(var.getValue()));
        }
      }
      String line = b.toString();
      if (always || !line.equals(liveLines.put(t.getTeam().getTeam(), line))) {
        changed.add(line);
      }
      if (always) {
        liveLines.put(t.getTeam().getTeam(), line);
      }
    }
    if (screen != null && !always) {
      // A person at a terminal: the view redraws in place at the bottom, one short row a team.
      screen.showLive(compactLive(header, v, views, texts));
      return;
    }
    if (always || !changed.isEmpty() || !header.equals(lastLive)) {
      lastLive = header;
      out.println(header);
      changed.forEach(out::println);
    }
  }

  /** The live view as a compact table: a header, then one row per team of at most 80 columns. */
  static List<String> compactLive(String header, LiveView v, Views views, Texts texts) {
    List<String> rows = new java.util.ArrayList<>();
    rows.add(header + "   " + texts.say("facilitate.live.columns"));
    for (LiveTeam t : v.getTeamsList()) {
      java.util.Map<String, String> values = new java.util.HashMap<>();
      for (Variable var : t.getTeam().getVariablesList()) {
        values.put(var.getName(), views.num(var.getValue()));
      }
      String who =
          t.getTeam().getPlayersCount() > 0
              ? String.join(",", t.getTeam().getPlayersList())
              : t.getTeam().getBot() ? "(" + texts.say("view.bot") + ")" : "-";
      rows.add(
          String.format(
              Locale.ROOT,
              "%-8.8s %-14.14s %2d/%-2d %5s %5s %5s %6s/%s",
              t.getTeam().getName(),
              who,
              t.getSubmitted(),
              t.getSeats(),
              values.getOrDefault("morale", "-"),
              values.getOrDefault("stress", "-"),
              values.getOrDefault("adoption", "-"),
              values.getOrDefault("results", "-"),
              values.getOrDefault("target", "-")));
    }
    return rows;
  }

  /**
   * A mistyped facilitator command: the sentence that corrects it is {@code key} in the bundle,
   * filled with {@code values}; the message (for tests and logs) is the English one.
   */
  static final class Correction extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    final String key;
    final transient Object[] values;

    Correction(String key, Object... values) {
      super(Texts.english().say(key, values));
      this.key = key;
      this.values = values;
    }
  }
}
