package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.ReplayFrame;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.replay.Reenactment;
import org.quarterdeck.server.replay.Timeline;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.session.EventStoreJournals;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreOptions;

/**
 * The server as its own process, killed with SIGKILL at random moments while clients play several
 * sessions (two people and an adaptive bot each; one more session with a 1-second deadline that one
 * player always misses and an injected event), and during bursts of CreateSession, restarted each
 * time: no acknowledged decision or session is ever lost, after every restart every session replays
 * (GetReplay), verifies and exports, and the final states equal those of an uninterrupted run with
 * the same inputs. (Every record-boundary cut of a recorded game is proved in-process by
 * RecordBoundaryRecoveryTest.)
 */
class CrashRecoveryTest {
  private static final int SESSIONS = 3;
  private static final int KILLS = Integer.getInteger("quarterdeck.crash.kills", 20);
  private static final Pattern TCP = Pattern.compile("TCP\\s+(tcp://\\S+)");

  @TempDir Path data;

  /** What the test knows of one session. */
  private static final class Table {
    final long seed;
    String sessionId;
    String code;
    String facilitatorToken;
    final String[] tokens = new String[2];
    final int[] teams = new int[2];
    boolean ended;

    /** A table whose turns end at a 1-second deadline; its second player never submits. */
    final boolean deadlines;

    boolean injected;

    Table(long seed, boolean deadlines) {
      this.seed = seed;
      this.deadlines = deadlines;
    }
  }

  /** What the test was told of sessions created in bursts: id and facilitator token. */
  private final List<String[]> burstCreated =
      java.util.Collections.synchronizedList(new ArrayList<>());

  private int notReplaying;
  private int sessionsLost;
  private int logChecks;

  /** The decision a team plays in a turn: a function of the team, the turn and its free hours. */
  private static Decision planned(int team, int turn, double freeHours) {
    String[] acts = {"push", "coach", "change", "report", "serve", "vision"};
    return Decision.newBuilder()
        .addHours(
            ActHours.newBuilder()
                .setAct(acts[(team + turn) % acts.length])
                .setHours(Math.floor(freeHours * 0.6)))
        .addHours(
            ActHours.newBuilder()
                .setAct(acts[(2 * team + 3 * turn) % acts.length])
                .setHours(Math.floor(freeHours * 0.3)))
        .build();
  }

  /** Where the server process keeps its sessions (ClusterCrashRecoveryTest: PostgreSQL). */
  List<String> storeArguments() {
    return List.of("--data", data.toString(), "--fsync", "batch");
  }

  /** The same store, opened by the test to check the logs once the server has stopped. */
  Journals openStore() throws Exception {
    return new EventStoreJournals(EventStore.open(data, StoreOptions.DEFAULTS));
  }

  int kills() {
    return KILLS;
  }

  /** More checks of the logs, after the last stop. */
  void checkLogs(List<String> sessionIds) throws Exception {}

  private Process startServer(URI[] tcp) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "org.quarterdeck.server.cli.Main",
                "serve",
                "--http-port",
                "0",
                "--tcp-port",
                "0"));
    command.addAll(storeArguments());
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(data.resolve("server.log").toFile()))
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = TCP.matcher(line);
      if (m.find()) {
        tcp[0] = URI.create(m.group(1));
        return process;
      }
    }
    throw new AssertionError(
        "the server exited before listening; see " + data.resolve("server.log"));
  }

  private static QuarterdeckClient connect(URI tcp) throws Exception {
    QuarterdeckClient c =
        QuarterdeckClient.connect(
                tcp, ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(5)))
            .get(10, SECONDS);
    c.hello().get(10, SECONDS);
    return c;
  }

  private static ServerMessage call(QuarterdeckClient c, ClientMessage.Builder m) throws Exception {
    return c.request(m).get(10, SECONDS);
  }

  @Test
  void acknowledgedDecisionsSurviveRepeatedSigkill() throws Exception {
    List<Table> tables = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      tables.add(new Table(500 + s, false));
    }
    tables.add(new Table(900, true));
    int bursts = 0;
    Set<String> acked = new HashSet<>();
    Random random = new Random(2026);
    ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
    int kills = 0;
    int lost = 0;
    int[] checked = new int[1];
    try {
      for (int cycle = 0; cycle < kills() + 6 && (kills < kills() || !allEnded(tables)); cycle++) {
        URI[] tcp = new URI[1];
        Process server = startServer(tcp);
        // the first run only creates the sessions and seats the players: a join whose reply a
        // crash swallowed would leave a seat nobody can resume, and nothing would ever move it
        boolean setup = cycle == 0;
        boolean kill = !setup && kills < kills();
        if (!setup) {
          checkAfterRestart(tables, tcp[0]);
        }
        if (kill && kills % 4 == 2) {
          // a burst of CreateSession with the kill in the middle of it
          burst(tcp[0], 30);
          bursts++;
          killer.schedule(
              server::destroyForcibly,
              300 + random.nextInt(1500),
              java.util.concurrent.TimeUnit.MILLISECONDS);
        } else if (kill) {
          long delay = 50 + random.nextInt(1200);
          killer.schedule(
              server::destroyForcibly, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        List<QuarterdeckClient> clients = new ArrayList<>();
        try {
          lost += checkAcked(tables, acked, tcp[0], clients, checked);
          drive(tables, acked, tcp[0], clients, setup);
        } catch (Exception | AssertionError e) {
          if (!kill) {
            throw e;
          }
          // the server died under us: expected
        } finally {
          clients.forEach(QuarterdeckClient::close);
        }
        if (kill) {
          server.destroyForcibly();
          server.waitFor();
          kills++;
        } else {
          server.destroy();
          assertTrue(server.waitFor(30, SECONDS));
        }
      }
    } finally {
      killer.shutdownNow();
    }
    URI[] tcp = new URI[1];
    Process last = startServer(tcp);
    try {
      checkAfterRestart(tables, tcp[0]);
    } finally {
      last.destroy();
      assertTrue(last.waitFor(30, SECONDS));
    }
    System.out.printf(
        "crash test: %d SIGKILLs (%d during CreateSession bursts), %d acknowledged"
            + " decisions, %d checks of them after restarts, %d lost; %d sessions acknowledged in"
            + " bursts, %d lost; %d restarts checked (replay, verify, export), %d sessions did not"
            + " replay%n",
        kills,
        bursts,
        acked.size(),
        checked[0],
        lost,
        burstCreated.size(),
        sessionsLost,
        logChecks,
        notReplaying);
    assertEquals(0, lost, "acknowledged decisions lost");
    assertEquals(0, sessionsLost, "acknowledged sessions lost");
    assertEquals(0, notReplaying, "sessions that did not replay after a restart");
    assertTrue(logChecks >= kills(), "logs checked after every restart: " + logChecks);
    assertTrue(bursts > 0 && !burstCreated.isEmpty(), "kills during CreateSession bursts");
    assertTrue(checked[0] > acked.size(), "acknowledged decisions were checked after restarts");
    assertTrue(kills >= kills(), "killed " + kills + " times");
    assertTrue(allEnded(tables), "every session reached its end");

    try (Journals storage = openStore()) {
      for (Table t : tables) {
        if (t.deadlines) {
          continue; // not compared: the deadline decides when its turns end
        }
        List<ReplayFrame> frames =
            new Reenactment(Timeline.of(storage.read(t.sessionId).records())).actual();
        assertEquals(12, frames.size());
        assertEquals(
            uninterrupted(t),
            frames.get(frames.size() - 1).getStateHash(),
            "session " + t.sessionId + " ends where an uninterrupted run ends");
      }
    }
    checkLogs(tables.stream().map(t -> t.sessionId).toList());
  }

  private static boolean allEnded(List<Table> tables) {
    return tables.stream().allMatch(t -> t.ended || t.deadlines);
  }

  /** Sends {@code count} CreateSession requests at once; remembers those acknowledged. */
  private void burst(URI tcp, int count) throws Exception {
    QuarterdeckClient c = connect(tcp);
    for (int i = 0; i < count; i++) {
      c.request(
              ClientMessage.newBuilder()
                  .setCreateSession(
                      CreateSession.newBuilder()
                          .setSettings(SessionSettings.newBuilder().setTeams(2))))
          .thenAccept(
              reply -> {
                if (reply.hasSessionCreated()) {
                  burstCreated.add(
                      new String[] {
                        reply.getSessionCreated().getSessionId(),
                        reply.getSessionCreated().getFacilitatorToken()
                      });
                }
              });
    }
  }

  /**
   * After a restart: every session of the data directory verifies and exports offline (what {@code
   * verify} and {@code export} do), each table's facilitator gets a Replay, and every session
   * acknowledged in a burst resumes. Counts failures instead of asserting, so that a kill in the
   * middle never hides one.
   */
  private void checkAfterRestart(List<Table> tables, URI tcp) throws Exception {
    // the offline tools read the embedded store's files; a PostgreSQL store is checked by GetReplay
    boolean files = storeArguments().contains("--data");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream print = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
    if (files
        && org.quarterdeck.server.cli.Main.run(
                new String[] {"verify", "--data", data.toString()}, print, print)
            != 0) {
      System.out.println(out);
      notReplaying++;
    }
    for (Table t : tables) {
      if (t.sessionId == null) {
        continue;
      }
      if (files
          && org.quarterdeck.server.cli.Main.run(
                  new String[] {
                    "export", "--data", data.toString(), "--session", t.sessionId, "--format", "csv"
                  },
                  new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                  print)
              != 0) {
        System.out.println(out);
        notReplaying++;
      }
      QuarterdeckClient f = connect(tcp);
      try {
        call(
            f,
            ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(t.facilitatorToken)));
        ServerMessage replay =
            call(
                f,
                ClientMessage.newBuilder()
                    .setGetReplay(org.quarterdeck.protocol.v1.GetReplay.getDefaultInstance()));
        if (!replay.hasReplay()) {
          System.out.println("no replay: " + replay);
          notReplaying++;
        }
      } finally {
        f.close();
      }
    }
    List<String[]> created;
    synchronized (burstCreated) {
      created = List.copyOf(burstCreated);
    }
    QuarterdeckClient f = connect(tcp);
    try {
      for (String[] session : created) {
        ServerMessage back =
            call(f, ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(session[1])));
        for (int retry = 0;
            retry < 20
                && back.getError().getCode() == org.quarterdeck.protocol.v1.ErrorCode.RATE_LIMITED;
            retry++) {
          Thread.sleep(Math.max(10, back.getError().getRetryAfterMs())); // one checking connection
          back =
              call(
                  f,
                  ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(session[1])));
        }
        if (!back.hasSnapshot()) {
          System.out.println("acknowledged session " + session[0] + " lost: " + back);
          sessionsLost++;
        }
        call(
            f,
            ClientMessage.newBuilder()
                .setLeave(org.quarterdeck.protocol.v1.Leave.getDefaultInstance()));
      }
    } finally {
      f.close();
    }
    logChecks++;
  }

  /** Resumes every player and checks each acknowledged decision is still there. */
  private static int checkAcked(
      List<Table> tables,
      Set<String> acked,
      URI tcp,
      List<QuarterdeckClient> clients,
      int[] checked)
      throws Exception {
    int lost = 0;
    for (int s = 0; s < tables.size(); s++) {
      Table t = tables.get(s);
      if (t.sessionId == null) {
        continue;
      }
      for (int p = 0; p < 2; p++) {
        if (t.tokens[p] == null) {
          continue;
        }
        QuarterdeckClient c = connect(tcp);
        clients.add(c);
        Snapshot snap =
            call(c, ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(t.tokens[p])))
                .getSnapshot();
        for (String a : acked) {
          String[] parts = a.split("/");
          if (Integer.parseInt(parts[0]) != s || Integer.parseInt(parts[1]) != t.teams[p]) {
            continue;
          }
          int turn = Integer.parseInt(parts[2]);
          boolean kept =
              snap.getPhase() == Phase.ENDED
                  || snap.getOpenTurn().getTurn() > turn
                  || (snap.getOpenTurn().getTurn() == turn && snap.getDraftVersion() >= 1);
          lost += kept ? 0 : 1;
          checked[0]++;
        }
      }
    }
    return lost;
  }

  private static void drive(
      List<Table> tables,
      Set<String> acked,
      URI tcp,
      List<QuarterdeckClient> clients,
      boolean setupOnly)
      throws Exception {
    QuarterdeckClient c = connect(tcp);
    clients.add(c);
    for (Table t : tables) {
      if (t.sessionId == null) {
        var created =
            call(
                    c,
                    ClientMessage.newBuilder()
                        .setCreateSession(
                            CreateSession.newBuilder()
                                .setSettings(
                                    SessionSettings.newBuilder()
                                        .setTeams(3)
                                        .setSeed(t.seed)
                                        .setTurnDeadlineSeconds(t.deadlines ? 1 : 0)
                                        .addBotStrategies("")
                                        .addBotStrategies("")
                                        .addBotStrategies("adaptive"))))
                .getSessionCreated();
        assertFalse(created.getSessionId().isEmpty());
        t.sessionId = created.getSessionId();
        t.code = created.getJoinCode();
        t.facilitatorToken = created.getFacilitatorToken();
      }
    }
    List<QuarterdeckClient> seats = new ArrayList<>();
    for (Table t : tables) {
      for (int p = 0; p < 2; p++) {
        QuarterdeckClient pc = connect(tcp);
        clients.add(pc);
        seats.add(pc);
        if (t.tokens[p] == null) {
          var joined =
              call(
                      pc,
                      ClientMessage.newBuilder()
                          .setJoinSession(
                              JoinSession.newBuilder()
                                  .setJoinCode(t.code)
                                  .setDisplayName("P" + p)
                                  .setPreferredTeam(p)))
                  .getJoined();
          assertFalse(joined.getToken().isEmpty(), "joined");
          t.tokens[p] = joined.getToken();
          t.teams[p] = joined.getTeam();
        }
      }
    }
    for (Table t : tables) {
      QuarterdeckClient f = connect(tcp);
      clients.add(f);
      Snapshot snap =
          call(
                  f,
                  ClientMessage.newBuilder()
                      .setResume(Resume.newBuilder().setToken(t.facilitatorToken)))
              .getSnapshot();
      if (snap.getPhase() == Phase.LOBBY) {
        call(
            f,
            ClientMessage.newBuilder()
                .setFacilitator(
                    FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
      }
      if (t.deadlines
          && !t.injected
          && snap.getPhase() == Phase.TURN_OPEN
          && snap.getOpenTurn().getTurn() >= 2) {
        t.injected =
            call(
                    f,
                    ClientMessage.newBuilder()
                        .setFacilitator(
                            FacilitatorCommand.newBuilder()
                                .setInject(
                                    org.quarterdeck.protocol.v1.InjectEvent.newBuilder()
                                        .setCustom(
                                            org.quarterdeck.protocol.v1.CustomEvent.newBuilder()
                                                .setTitle("Audit")
                                                .setNarrative("An audit takes the week")
                                                .addEffects(
                                                    org.quarterdeck.protocol.v1.Variable
                                                        .newBuilder()
                                                        .setName("morale")
                                                        .setValue(-3))))))
                .hasFacilitatorAck();
      }
    }
    if (setupOnly) {
      return;
    }
    for (int round = 0; round < 100 && !allEnded(tables); round++) {
      int i = 0;
      for (int s = 0; s < tables.size(); s++) {
        Table t = tables.get(s);
        for (int p = 0; p < 2; p++) {
          QuarterdeckClient pc = seats.get(i++);
          Snapshot snap =
              call(
                      pc,
                      ClientMessage.newBuilder()
                          .setResume(Resume.newBuilder().setToken(t.tokens[p])))
                  .getSnapshot();
          if (snap.getPhase() == Phase.ENDED) {
            t.ended = true;
            continue;
          }
          if (snap.getPhase() != Phase.TURN_OPEN
              || snap.getDraftVersion() > 0
              || (t.deadlines && p == 1)) {
            continue;
          }
          int turn = snap.getOpenTurn().getTurn();
          ServerMessage reply =
              call(
                  pc,
                  ClientMessage.newBuilder()
                      .setSubmitDecision(
                          SubmitDecision.newBuilder()
                              .setTurn(turn)
                              .setVersion(1)
                              .setDecision(
                                  planned(t.teams[p], turn, snap.getOpenTurn().getFreeHours()))));
          if (reply.hasDecisionAccepted()) {
            acked.add(s + "/" + t.teams[p] + "/" + turn);
          }
        }
      }
    }
  }

  /** The final state hash of the same session played without interruption, by the engine. */
  private static String uninterrupted(Table t) throws Exception {
    Game game =
        Game.start(
            ScenarioCatalog.builtIn(ScenarioCatalog.defaultName()).rules(),
            t.seed,
            List.of("team-1", "team-2", "team-3"));
    while (!game.isOver()) {
      List<AcceptedDecision> decisions = new ArrayList<>();
      for (int team = 0; team < 2; team++) {
        Seat seat = game.seats().get(team);
        Decision d = planned(team, game.turn(), game.opening(seat).freeHours());
        var engine = org.quarterdeck.server.engine.SeatDecision.builder(seat, game.turn());
        for (ActHours h : d.getHoursList()) {
          engine.hours(h.getAct(), h.getHours());
        }
        decisions.add(game.validate(engine.build()).value());
      }
      // team 3 is the adaptive bot, which decides when the turn opens
      decisions.add(
          game.validate(
                  org.quarterdeck.server.bot.BotPlayer.propose(
                      game,
                      game.seats().get(2),
                      org.quarterdeck.server.bot.Strategies.parse("adaptive")))
              .value());
      game = game.resolve(decisions, List.of()).next();
    }
    return game.stateHashHex();
  }
}
