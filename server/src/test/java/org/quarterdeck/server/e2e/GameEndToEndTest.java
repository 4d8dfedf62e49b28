package org.quarterdeck.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.CustomEvent;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.InjectEvent;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.Variable;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.testing.TestServer;

/** Whole games over real sockets: every transport, bots, reconnects, deadlines, the facilitator. */
class GameEndToEndTest {
  @RegisterExtension static final TestServer server = TestServer.inMemory();

  private static TestPlayer facilitator(SessionSettings settings, SessionCreated[] out)
      throws Exception {
    TestPlayer f = new TestPlayer(server.webSocket(), false);
    ServerMessage created =
        f.call(
            ClientMessage.newBuilder()
                .setCreateSession(CreateSession.newBuilder().setSettings(settings)));
    assertTrue(created.hasSessionCreated(), created.toString());
    out[0] = created.getSessionCreated();
    assertTrue(
        f.call(
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(out[0].getFacilitatorToken())))
            .hasSnapshot());
    return f;
  }

  private static TestPlayer join(URI uri, boolean json, String code, String name) throws Exception {
    TestPlayer p = new TestPlayer(uri, json);
    ServerMessage joined =
        p.call(
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode(code)
                        .setDisplayName(name)
                        .setPreferredTeam(-1)));
    assertTrue(joined.hasJoined(), joined.toString());
    p.token = joined.getJoined().getToken();
    p.team = joined.getJoined().getTeam();
    return p;
  }

  private static ServerMessage command(TestPlayer f, FacilitatorCommand.Builder c)
      throws Exception {
    return f.call(ClientMessage.newBuilder().setFacilitator(c));
  }

  /** A decision that depends only on the team and the turn, so the engine can replay it. */
  private static Decision planned(TurnOpened open, int team) {
    String[] acts = {"push", "report", "coach", "change", "serve"};
    double free = open.getFreeHours();
    Decision.Builder d = Decision.newBuilder();
    d.addHours(
        ActHours.newBuilder()
            .setAct(acts[(team + open.getTurn()) % acts.length])
            .setHours(Math.floor(free * 0.5)));
    d.addHours(
        ActHours.newBuilder()
            .setAct(acts[(team * 3 + open.getTurn()) % acts.length])
            .setHours(Math.floor(free * 0.4)));
    return d.build();
  }

  private static ServerMessage submit(TestPlayer p, TurnOpened open, int version, Decision d)
      throws Exception {
    return p.call(
        ClientMessage.newBuilder()
            .setSubmitDecision(
                SubmitDecision.newBuilder()
                    .setTurn(open.getTurn())
                    .setVersion(version)
                    .setDecision(d)));
  }

  @Test
  void threeTransportsAndTwoBotsPlayAWholeGameWithAReconnect() throws Exception {
    SessionCreated[] created = new SessionCreated[1];
    TestPlayer fac =
        facilitator(
            SessionSettings.newBuilder()
                .setTeams(5)
                .setSeed(11)
                .addBotStrategies("")
                .addBotStrategies("")
                .addBotStrategies("")
                .addBotStrategies("numbers")
                .addBotStrategies("leader")
                .build(),
            created);
    String code = created[0].getJoinCode();
    List<TestPlayer> players =
        new ArrayList<>(
            List.of(
                join(server.webSocket(), false, code, "Binary"),
                join(server.webSocket(), true, code, "Json"),
                join(server.tcp(), false, code, "Tcp")));
    assertEquals(
        Phase.TURN_OPEN,
        command(fac, FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()))
            .getFacilitatorAck()
            .getPhase());

    ServerMessage denied =
        players
            .get(0)
            .call(
                ClientMessage.newBuilder()
                    .setFacilitator(
                        FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())));
    assertEquals(ErrorCode.PERMISSION_DENIED, denied.getError().getCode());

    for (int turn = 1; turn <= 12; turn++) {
      for (int i = 0; i < players.size(); i++) {
        TestPlayer p = players.get(i);
        TurnOpened open = p.await(ServerMessage::hasTurnOpened, 20).getTurnOpened();
        assertEquals(turn, open.getTurn());
        if (turn == 3 && i == 0) {
          // a dropped player resumes with the token over another transport
          p.close();
          TestPlayer back = new TestPlayer(server.tcp(), false);
          ServerMessage snapshot =
              back.call(
                  ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(p.token)));
          assertEquals(3, snapshot.getSnapshot().getOpenTurn().getTurn());
          back.token = p.token;
          back.team = p.team;
          players.set(0, back);
          p = back;
        }
        ServerMessage wrongTurn =
            submit(p, open.toBuilder().setTurn(turn + 1).build(), 1, planned(open, p.team));
        assertEquals(ErrorCode.WRONG_PHASE, wrongTurn.getError().getCode());
        assertTrue(submit(p, open, 1, planned(open, p.team)).hasDecisionAccepted());
      }
      for (TestPlayer p : players) {
        var resolved = p.await(ServerMessage::hasTurnResolved, 20).getTurnResolved();
        assertEquals(turn, resolved.getTurn());
        assertEquals(p.team, resolved.getTeam().getTeam(), "own team only");
        assertEquals(p.team, resolved.getReport().getTeam());
        assertEquals(5, resolved.getStandingsCount());
      }
    }
    for (TestPlayer p : players) {
      var ended = p.await(ServerMessage::hasSessionEnded, 20).getSessionEnded();
      assertEquals(5, ended.getScoresCount());
      p.close();
    }
    fac.close();
  }

  @Test
  void theDeadlineResolvesForAMissingPlayer() throws Exception {
    SessionCreated[] created = new SessionCreated[1];
    TestPlayer fac =
        facilitator(
            SessionSettings.newBuilder().setTeams(2).setTurnDeadlineSeconds(1).setSeed(3).build(),
            created);
    TestPlayer here = join(server.tcp(), false, created[0].getJoinCode(), "Here");
    TestPlayer away = join(server.webSocket(), true, created[0].getJoinCode(), "Away");
    command(fac, FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()));
    TurnOpened open = here.await(ServerMessage::hasTurnOpened, 10).getTurnOpened();
    assertTrue(open.getDeadlineEpochMs() > 0);
    assertTrue(submit(here, open, 1, planned(open, here.team)).hasDecisionAccepted());
    var awayResolved = away.await(ServerMessage::hasTurnResolved, 20).getTurnResolved();
    assertTrue(awayResolved.getReport().getDefaulted(), "the missing player got the default");
    var hereResolved = here.await(ServerMessage::hasTurnResolved, 20).getTurnResolved();
    assertFalse(hereResolved.getReport().getDefaulted());
    command(fac, FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance()));
    here.close();
    away.close();
    fac.close();
  }

  @Test
  void theFacilitatorPausesExtendsInjectsAndForces() throws Exception {
    SessionCreated[] created = new SessionCreated[1];
    TestPlayer fac =
        facilitator(
            SessionSettings.newBuilder().setTeams(2).setTurnDeadlineSeconds(600).setSeed(4).build(),
            created);
    TestPlayer ana = join(server.webSocket(), false, created[0].getJoinCode(), "Ana");
    command(fac, FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()));
    TurnOpened open = ana.await(ServerMessage::hasTurnOpened, 10).getTurnOpened();

    assertEquals(
        Phase.PAUSED,
        command(fac, FacilitatorCommand.newBuilder().setPause(Empty.getDefaultInstance()))
            .getFacilitatorAck()
            .getPhase());
    var paused = ana.await(ServerMessage::hasPhaseChanged, 10).getPhaseChanged();
    assertEquals(Phase.PAUSED, paused.getPhase());
    assertEquals(
        ErrorCode.WRONG_PHASE, submit(ana, open, 1, planned(open, ana.team)).getError().getCode());
    command(fac, FacilitatorCommand.newBuilder().setExtendSeconds(60));
    command(fac, FacilitatorCommand.newBuilder().setResume(Empty.getDefaultInstance()));
    var resumed =
        ana.await(m -> m.hasPhaseChanged() && m.getPhaseChanged().getPhase() == Phase.TURN_OPEN, 10)
            .getPhaseChanged();
    assertTrue(resumed.getRemainingMs() > 600_000, "extended while paused: " + resumed);

    assertTrue(
        command(
                fac,
                FacilitatorCommand.newBuilder()
                    .setInject(
                        InjectEvent.newBuilder()
                            .setCustom(
                                CustomEvent.newBuilder()
                                    .setTitle("Reorg")
                                    .setNarrative("New boss")
                                    .addEffects(
                                        Variable.newBuilder().setName("stress").setValue(5)))))
            .hasFacilitatorAck());
    var reopened =
        ana.await(
            m ->
                m.hasTurnOpened()
                    && m.getTurnOpened().getEventsList().stream()
                        .anyMatch(e -> e.getTitle().equals("Reorg")),
            10);
    assertEquals(1, reopened.getTurnOpened().getTurn());
    command(fac, FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()));
    var resolved = ana.await(ServerMessage::hasTurnResolved, 10).getTurnResolved();
    assertTrue(
        resolved.getReport().getEventsList().stream().anyMatch(e -> e.getTitle().equals("Reorg")));
    var live =
        command(fac, FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()))
            .getLiveView();
    assertEquals(2, live.getTeamsCount());
    assertTrue(live.getEventHistoryList().stream().anyMatch(e -> e.getTitle().equals("Reorg")));
    ana.close();
    fac.close();
  }

  @Test
  void fiftySessionsAtOnceEachReachTheEngineAloneHashes() throws Exception {
    int sessions = 50;
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<String[]>> results = new ArrayList<>();
      for (int s = 0; s < sessions; s++) {
        long seed = 1000 + s;
        results.add(pool.submit(() -> playWholeSession(seed)));
      }
      for (int s = 0; s < sessions; s++) {
        String[] hashes = results.get(s).get();
        assertEquals(hashes[1], hashes[0], "session " + s + " hash");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Plays a two-team session with planned decisions; returns {server hash, engine hash}. */
  private static String[] playWholeSession(long seed) throws Exception {
    SessionCreated[] created = new SessionCreated[1];
    TestPlayer fac =
        facilitator(SessionSettings.newBuilder().setTeams(2).setSeed(seed).build(), created);
    TestPlayer a = join(server.tcp(), false, created[0].getJoinCode(), "A");
    TestPlayer b = join(server.webSocket(), seed % 2 == 0, created[0].getJoinCode(), "B");
    command(fac, FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()));
    Game game =
        Game.start(
            ScenarioCatalog.builtIn(ScenarioCatalog.defaultName()).rules(),
            seed,
            List.of("team-1", "team-2"));
    String serverHash = null;
    for (int turn = 1; turn <= 12; turn++) {
      Decision[] byTeam = new Decision[2];
      for (TestPlayer p : List.of(a, b)) {
        TurnOpened open = p.await(ServerMessage::hasTurnOpened, 30).getTurnOpened();
        byTeam[p.team] = planned(open, p.team);
        ServerMessage ok = submit(p, open, 1, byTeam[p.team]);
        assertTrue(ok.hasDecisionAccepted(), ok.toString());
      }
      serverHash = a.await(ServerMessage::hasTurnResolved, 30).getTurnResolved().getStateHash();
      List<AcceptedDecision> accepted = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Seat seat = game.seats().get(t);
        var decision = org.quarterdeck.server.engine.SeatDecision.builder(seat, game.turn());
        for (ActHours h : byTeam[t].getHoursList()) {
          decision.hours(h.getAct(), h.getHours());
        }
        accepted.add(game.validate(decision.build()).value());
      }
      game = game.resolve(accepted, List.of()).next();
    }
    a.await(ServerMessage::hasSessionEnded, 30);
    CompletableFuture.allOf().join();
    a.close();
    b.close();
    fac.close();
    return new String[] {serverHash, game.stateHashHex()};
  }
}
