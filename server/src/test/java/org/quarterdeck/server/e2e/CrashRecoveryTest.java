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
 * The server as its own process, killed with SIGKILL at random moments while clients play
 * several sessions, restarted each time: no acknowledged decision is ever lost, and the final
 * states equal those of an uninterrupted run with the same inputs.
 */
class CrashRecoveryTest {
  private static final int SESSIONS = 3;
  private static final int KILLS = Integer.getInteger("quarterdeck.crash.kills", 20);
  private static final Pattern TCP = Pattern.compile("TCP\\s+(tcp://\\S+)");

  @TempDir
  Path data;

  /** What the test knows of one session. */
  private static final class Table {
    final long seed;
    String sessionId;
    String code;
    String facilitatorToken;
    final String[] tokens = new String[2];
    final int[] teams = new int[2];
    boolean ended;

    Table(long seed) {
      this.seed = seed;
    }
  }

  /** The decision a team plays in a turn: a function of the team, the turn and its free hours. */
  private static Decision planned(int team, int turn, double freeHours) {
    String[] acts = {"push", "coach", "change", "report", "serve", "vision"};
    return Decision.newBuilder()
        .addHours(ActHours.newBuilder().setAct(acts[(team + turn) % acts.length])
            .setHours(Math.floor(freeHours * 0.6)))
        .addHours(ActHours.newBuilder().setAct(acts[(2 * team + 3 * turn) % acts.length])
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
    List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "org.quarterdeck.server.cli.Main", "serve",
        "--http-port", "0", "--tcp-port", "0"));
    command.addAll(storeArguments());
    Process process = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(data.resolve("server.log").toFile()))
        .start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      Matcher m = TCP.matcher(line);
      if (m.find()) {
        tcp[0] = URI.create(m.group(1));
        return process;
      }
    }
    throw new AssertionError("the server exited before listening; see " + data
        .resolve("server.log"));
  }

  private static QuarterdeckClient connect(URI tcp) throws Exception {
    QuarterdeckClient c = QuarterdeckClient.connect(tcp, ClientOptions.defaults()
        .withRequestTimeout(Duration.ofSeconds(5))).get(10, SECONDS);
    c.hello().get(10, SECONDS);
    return c;
  }

  private static ServerMessage call(QuarterdeckClient c, ClientMessage.Builder m)
      throws Exception {
    return c.request(m).get(10, SECONDS);
  }

  @Test
  void acknowledgedDecisionsSurviveRepeatedSigkill() throws Exception {
    List<Table> tables = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      tables.add(new Table(500 + s));
    }
    Set<String> acked = new HashSet<>();
    Random random = new Random(2026);
    ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
    int kills = 0;
    int lost = 0;
    int[] checked = new int[1];
    try {
      for (int cycle = 0; cycle < kills() + 6 && (kills < kills() || !allEnded(tables));
          cycle++) {
        URI[] tcp = new URI[1];
        Process server = startServer(tcp);
        // the first run only creates the sessions and seats the players: a join whose reply a
        // crash swallowed would leave a seat nobody can resume, and nothing would ever move it
        boolean setup = cycle == 0;
        boolean kill = !setup && kills < kills();
        if (kill) {
          long delay = 50 + random.nextInt(1200);
          killer.schedule(server::destroyForcibly, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
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
    System.out.printf("crash test: %d SIGKILLs, %d acknowledged decisions, %d checks of them"
        + " after restarts, %d lost%n", kills, acked.size(), checked[0], lost);
    assertEquals(0, lost, "acknowledged decisions lost");
    assertTrue(checked[0] > acked.size(), "acknowledged decisions were checked after restarts");
    assertTrue(kills >= kills(), "killed " + kills + " times");
    assertTrue(allEnded(tables), "every session reached its end");

    try (Journals storage = openStore()) {
      for (Table t : tables) {
        List<ReplayFrame> frames = new Reenactment(Timeline.of(
            storage.read(t.sessionId).records())).actual();
        assertEquals(12, frames.size());
        assertEquals(uninterrupted(t), frames.get(frames.size() - 1).getStateHash(),
            "session " + t.sessionId + " ends where an uninterrupted run ends");
      }
    }
    checkLogs(tables.stream().map(t -> t.sessionId).toList());
  }

  private static boolean allEnded(List<Table> tables) {
    return tables.stream().allMatch(t -> t.ended);
  }

  /** Resumes every player and checks each acknowledged decision is still there. */
  private static int checkAcked(List<Table> tables, Set<String> acked, URI tcp,
      List<QuarterdeckClient> clients, int[] checked) throws Exception {
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
        Snapshot snap = call(c, ClientMessage.newBuilder().setResume(Resume.newBuilder()
            .setToken(t.tokens[p]))).getSnapshot();
        for (String a : acked) {
          String[] parts = a.split("/");
          if (Integer.parseInt(parts[0]) != s || Integer.parseInt(parts[1]) != t.teams[p]) {
            continue;
          }
          int turn = Integer.parseInt(parts[2]);
          boolean kept = snap.getPhase() == Phase.ENDED || snap.getOpenTurn().getTurn() > turn
              || (snap.getOpenTurn().getTurn() == turn && snap.getDraftVersion() >= 1);
          lost += kept ? 0 : 1;
          checked[0]++;
        }
      }
    }
    return lost;
  }

  private static void drive(List<Table> tables, Set<String> acked, URI tcp,
      List<QuarterdeckClient> clients, boolean setupOnly) throws Exception {
    QuarterdeckClient c = connect(tcp);
    clients.add(c);
    for (Table t : tables) {
      if (t.sessionId == null) {
        var created = call(c, ClientMessage.newBuilder().setCreateSession(CreateSession
            .newBuilder().setSettings(SessionSettings.newBuilder().setTeams(2).setSeed(t.seed))))
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
          var joined = call(pc, ClientMessage.newBuilder().setJoinSession(JoinSession
              .newBuilder().setJoinCode(t.code).setDisplayName("P" + p).setPreferredTeam(p)))
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
      Snapshot snap = call(f, ClientMessage.newBuilder().setResume(Resume.newBuilder()
          .setToken(t.facilitatorToken))).getSnapshot();
      if (snap.getPhase() == Phase.LOBBY) {
        call(f, ClientMessage.newBuilder().setFacilitator(FacilitatorCommand.newBuilder()
            .setStart(Empty.getDefaultInstance())));
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
          Snapshot snap = call(pc, ClientMessage.newBuilder().setResume(Resume.newBuilder()
              .setToken(t.tokens[p]))).getSnapshot();
          if (snap.getPhase() == Phase.ENDED) {
            t.ended = true;
            continue;
          }
          if (snap.getPhase() != Phase.TURN_OPEN || snap.getDraftVersion() > 0) {
            continue;
          }
          int turn = snap.getOpenTurn().getTurn();
          ServerMessage reply = call(pc, ClientMessage.newBuilder().setSubmitDecision(
              SubmitDecision.newBuilder().setTurn(turn).setVersion(1).setDecision(
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
    Game game = Game.start(ScenarioCatalog.builtIn(ScenarioCatalog.defaultName()).rules(),
        t.seed, List.of("team-1", "team-2"));
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
      game = game.resolve(decisions, List.of()).next();
    }
    return game.stateHashHex();
  }
}
