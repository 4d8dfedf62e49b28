package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.session.SessionFixture.assertError;
import static org.quarterdeck.server.session.SessionFixture.even;
import static org.quarterdeck.server.session.SessionFixture.spread;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.CustomEvent;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.InjectEvent;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.Variable;
import org.quarterdeck.server.session.SessionFixture.Player;

/** Lobby, turns, deadlines and the facilitator, given/when/then, without a network. */
class SessionLifecycleTest {
  private final SessionFixture f = new SessionFixture();

  private static SessionSettings settings(int teams, int deadlineSeconds, String... bots) {
    return SessionSettings.newBuilder()
        .setTeams(teams)
        .setTurnDeadlineSeconds(deadlineSeconds)
        .setSeed(42)
        .addAllBotStrategies(List.of(bots))
        .build();
  }

  @Test
  void createGivesAnUnambiguousJoinCodeAndA128BitToken() {
    f.givenSession(settings(3, 60));
    String code = f.created.getJoinCode();
    assertTrue(code.length() >= 6);
    assertTrue(code.chars().allMatch(ch -> JoinCodes.ALPHABET.indexOf(ch) >= 0), code);
    assertTrue(
        java.util.Base64.getUrlDecoder().decode(f.created.getFacilitatorToken()).length >= 16);
  }

  @Test
  void creationRefusesBadSettingsWithAClearReason() {
    FakeConnection c = new FakeConnection("10.0.0.9:1");
    ServerMessage reply =
        f.send(
            c,
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder().setBuiltinScenario("no-such-scenario")));
    assertError(ErrorCode.NOT_FOUND, reply); // wire.proto: NOT_FOUND names "scenario"
    assertEquals("create_session.builtin_scenario", reply.getError().getField());
    reply =
        f.send(
            c,
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder().setSettings(settings(2, 60, "adaptive", "genius"))));
    assertError(ErrorCode.INVALID_ARGUMENT, reply);
    assertTrue(reply.getError().getMessage().contains("bot_strategies[1]"), reply.toString());
    reply =
        f.send(
            c,
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setScenarioText("id: \"broken\"\nturns_per_quarter: banana\n")));
    assertError(ErrorCode.INVALID_ARGUMENT, reply);
    assertTrue(reply.getError().getMessage().contains("2"), "names the line: " + reply);
    assertEquals(0, f.manager.sessionCount());
  }

  @Test
  void playersJoinWithTheCodeAndSeeOnlyTheirTeam() {
    f.givenSession(settings(3, 60));
    Player ana = f.join("Ana");
    ServerMessage joined = ana.connection.received.get(0);
    assertEquals(1, joined.getJoined().getSnapshot().getTeamsCount());
    assertEquals(ana.team, joined.getJoined().getSnapshot().getTeams(0).getTeam());
    assertEquals(Phase.LOBBY, joined.getJoined().getSnapshot().getPhase());
    Player ben = f.join("Ben");
    assertNotEquals(ana.team, ben.team);
    assertTrue(ana.connection.last().hasLobbyUpdate(), "others see the lobby change");
  }

  @Test
  void wrongJoinCodesAreNotFoundThenRateLimited() {
    f.givenSession(settings(2, 60));
    FakeConnection guesser = new FakeConnection("10.9.9.9:5555");
    for (int i = 0; i < 5; i++) {
      assertError(
          ErrorCode.NOT_FOUND,
          f.send(
              guesser,
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder().setJoinCode("ZZZZZZZZ").setDisplayName("x"))));
    }
    ServerMessage limited =
        f.send(
            guesser,
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode(f.created.getJoinCode())
                        .setDisplayName("x")));
    assertError(ErrorCode.RATE_LIMITED, limited);
    assertTrue(limited.getError().getRetryAfterMs() > 0);
  }

  @Test
  void aRoomBehindTheGuessersAddressStillJoinsWithTheRightCode() {
    f.givenSession(settings(4, 60));
    // the fixture allows 5 misses per address and minute; the guesser makes 30 on 6 connections
    for (int c = 0; c < 6; c++) {
      FakeConnection guesser = new FakeConnection("10.9.9.9:" + (6000 + c));
      for (int i = 0; i < 5; i++) {
        ServerMessage reply =
            f.send(
                guesser,
                ClientMessage.newBuilder()
                    .setJoinSession(
                        JoinSession.newBuilder().setJoinCode("ZZZZZZZZ").setDisplayName("x")));
        assertTrue(reply.hasError(), reply.toString());
      }
    }
    for (int p = 0; p < 4; p++) {
      FakeConnection player = new FakeConnection("10.9.9.9:" + (7000 + p));
      ServerMessage joined =
          f.send(
              player,
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder()
                          .setJoinCode(f.created.getJoinCode())
                          .setDisplayName("p" + p)
                          .setPreferredTeam(-1)));
      assertTrue(joined.hasJoined(), "player " + p + ": " + joined);
    }
  }

  @Test
  void aPlayerTokenCannotFacilitate() {
    f.givenSession(settings(2, 60));
    Player ana = f.join("Ana");
    ServerMessage reply =
        f.send(
            ana.connection,
            ClientMessage.newBuilder()
                .setFacilitator(
                    FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
    assertError(ErrorCode.PERMISSION_DENIED, reply);
    ServerMessage live =
        f.facilitate(FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()));
    assertEquals(Phase.LOBBY, live.getLiveView().getPhase(), "nothing changed");
  }

  @Test
  void aTurnOpensWithBudgetAndDeadlineAndBotsHaveDecided() {
    f.givenSession(settings(3, 60));
    Player ana = f.join("Ana");
    f.start();
    TurnOpened open = f.lastOpening(ana);
    assertEquals(1, open.getTurn());
    assertTrue(open.getFreeHours() > 0 && open.getFreeHours() <= open.getBudgetHours());
    assertEquals(f.thread.nowMillis() + 60_000, open.getDeadlineEpochMs());
    assertEquals(10, open.getActsCount());
    var live =
        f.facilitate(FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()))
            .getLiveView();
    long botsDecided =
        live.getTeamsList().stream()
            .filter(t -> t.getTeam().getTeam() != ana.team && t.getSubmitted() == 1)
            .count();
    assertEquals(2, botsDecided);
  }

  @Test
  void decisionsAreValidatedAndRevisedByVersion() {
    f.givenSession(settings(2, 60));
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.start();
    TurnOpened open = f.lastOpening(ana);

    Decision negative =
        Decision.newBuilder().addHours(ActHours.newBuilder().setAct("push").setHours(-1)).build();
    ServerMessage bad = f.submit(ana, 1, 1, negative);
    assertError(ErrorCode.INVALID_ARGUMENT, bad);
    assertTrue(bad.getError().getField().startsWith("submit_decision.decision."), bad.toString());
    assertError(
        ErrorCode.INVALID_ARGUMENT,
        f.submit(
            ana,
            1,
            1,
            Decision.newBuilder()
                .addHours(ActHours.newBuilder().setAct("push").setHours(Double.NaN))
                .build()));
    assertError(
        ErrorCode.INVALID_ARGUMENT,
        f.submit(
            ana,
            1,
            1,
            Decision.newBuilder()
                .addHours(ActHours.newBuilder().setAct("golf").setHours(1))
                .build()));
    assertError(
        ErrorCode.INVALID_ARGUMENT,
        f.submit(
            ana,
            1,
            1,
            Decision.newBuilder()
                .addHours(
                    ActHours.newBuilder()
                        .setAct("push")
                        .setHours(open.getFreeHours() + open.getMaxOvertimeHours() + 1))
                .build()));
    assertError(ErrorCode.WRONG_PHASE, f.submit(ana, 2, 1, even(open)));

    assertTrue(f.submit(ana, 1, 1, even(open)).hasDecisionAccepted());
    assertError(ErrorCode.WRONG_PHASE, f.submit(ana, 1, 1, even(open)));
    ServerMessage revised = f.submit(ana, 1, 2, spread(open, 1.0, "push"));
    assertEquals(2, revised.getDecisionAccepted().getVersion());

    List<ServerMessage> progress = ben.connection.all(ServerMessage::hasSubmissionProgress);
    assertEquals(1, progress.size(), "a revision changes no count, so it sends no progress");
    assertEquals(1, progress.get(0).getSubmissionProgress().getSubmitted());
    assertEquals(2, progress.get(0).getSubmissionProgress().getExpected());
  }

  @Test
  void liveViewsArePacedAndTheLastOneShowsTheLatestState() {
    f.givenSession(settings(3, 0));
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.join("Cy");
    f.start();
    f.thread.advanceSeconds(1);
    f.facilitator.clear();

    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    assertEquals(
        1,
        f.facilitator.all(ServerMessage::hasLiveView).size(),
        "the first change after a quiet spell is pushed at once");
    f.submit(ben, 1, 1, even(f.lastOpening(ben)));
    assertEquals(
        1,
        f.facilitator.all(ServerMessage::hasLiveView).size(),
        "a change within the interval waits");

    f.thread.advanceSeconds(1);
    List<ServerMessage> views = f.facilitator.all(ServerMessage::hasLiveView);
    assertEquals(2, views.size(), "one push at the end of the interval");
    int submitted =
        views.get(1).getLiveView().getTeamsList().stream().mapToInt(t -> t.getSubmitted()).sum();
    assertEquals(2, submitted, "built from the state at the end of the interval");
  }

  @Test
  void theTurnResolvesWhenEveryPlayerHasSubmitted() {
    f.givenSession(settings(3, 60));
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    assertTrue(ana.connection.all(ServerMessage::hasTurnResolved).isEmpty());
    f.submit(ben, 1, 1, even(f.lastOpening(ben)));
    ServerMessage resolved = ana.connection.all(ServerMessage::hasTurnResolved).get(0);
    assertEquals(1, resolved.getTurnResolved().getTurn());
    assertEquals(ana.team, resolved.getTurnResolved().getTeam().getTeam());
    assertFalse(resolved.getTurnResolved().getReport().getDefaulted());
    assertEquals(3, resolved.getTurnResolved().getStandingsCount());
    assertEquals(2, f.lastOpening(ana).getTurn(), "the next turn opens");
  }

  @Test
  void theDeadlineResolvesWithTheDefaultDecisionForMissingPlayers() {
    f.givenSession(settings(2, 30));
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    f.thread.advanceSeconds(29);
    assertTrue(ben.connection.all(ServerMessage::hasTurnResolved).isEmpty());
    f.thread.advanceSeconds(1);
    var benResolved = ben.connection.all(ServerMessage::hasTurnResolved).get(0).getTurnResolved();
    assertTrue(benResolved.getReport().getDefaulted(), "Ben missed the deadline");
    var anaResolved = ana.connection.all(ServerMessage::hasTurnResolved).get(0).getTurnResolved();
    assertFalse(anaResolved.getReport().getDefaulted());
  }

  @Test
  void pauseStopsTheClockAndResumeGivesBackWhatWasLeft() {
    f.givenSession(settings(2, 60));
    Player ana = f.join("Ana");
    f.join("Ben");
    f.start();
    f.thread.advanceSeconds(20);
    assertEquals(
        Phase.PAUSED,
        f.facilitate(FacilitatorCommand.newBuilder().setPause(Empty.getDefaultInstance()))
            .getFacilitatorAck()
            .getPhase());
    assertError(ErrorCode.WRONG_PHASE, f.submit(ana, 1, 1, even(f.lastOpening(ana))));
    f.thread.advanceSeconds(600);
    assertTrue(ana.connection.all(ServerMessage::hasTurnResolved).isEmpty(), "clock stopped");
    var paused = ana.connection.all(ServerMessage::hasPhaseChanged).get(0).getPhaseChanged();
    assertEquals(Phase.PAUSED, paused.getPhase());
    assertEquals(40_000, paused.getRemainingMs());

    f.facilitate(FacilitatorCommand.newBuilder().setResume(Empty.getDefaultInstance()));
    f.facilitate(FacilitatorCommand.newBuilder().setExtendSeconds(15));
    f.thread.advanceSeconds(54);
    assertTrue(ana.connection.all(ServerMessage::hasTurnResolved).isEmpty());
    f.thread.advanceSeconds(1);
    assertEquals(1, ana.connection.all(ServerMessage::hasTurnResolved).size());
    assertError(
        ErrorCode.INVALID_ARGUMENT,
        f.facilitate(FacilitatorCommand.newBuilder().setExtendSeconds(0)));
  }

  @Test
  void theFacilitatorCanEndTheTurnAtAClockTime() {
    f.givenSession(settings(2, 60));
    Player ana = f.join("Ana");
    f.join("Ben");
    f.start();
    long now = f.thread.nowMillis();
    assertError(
        ErrorCode.INVALID_ARGUMENT,
        f.facilitate(FacilitatorCommand.newBuilder().setDeadlineAtEpochMs(now - 5_000)));
    assertError(
        ErrorCode.INVALID_ARGUMENT,
        f.facilitate(
            FacilitatorCommand.newBuilder().setDeadlineAtEpochMs(now + 25 * 3600 * 1000L)));
    assertError(
        ErrorCode.PERMISSION_DENIED,
        f.send(
            ana.connection,
            ClientMessage.newBuilder()
                .setFacilitator(
                    FacilitatorCommand.newBuilder().setDeadlineAtEpochMs(now + 90_000))));

    assertTrue(
        f.facilitate(FacilitatorCommand.newBuilder().setDeadlineAtEpochMs(now + 90_500))
            .hasFacilitatorAck());
    var changed = ana.connection.all(ServerMessage::hasPhaseChanged);
    assertEquals(
        now + 90_500,
        changed.get(changed.size() - 1).getPhaseChanged().getDeadlineEpochMs(),
        "players are told the new deadline");
    f.thread.advanceSeconds(90);
    assertTrue(
        ana.connection.all(ServerMessage::hasTurnResolved).isEmpty(),
        "the old 60-s deadline no longer applies and the new one has not passed");
    f.thread.advanceSeconds(1);
    assertEquals(1, ana.connection.all(ServerMessage::hasTurnResolved).size());

    f.facilitate(FacilitatorCommand.newBuilder().setPause(Empty.getDefaultInstance()));
    assertError(
        ErrorCode.WRONG_PHASE,
        f.facilitate(
            FacilitatorCommand.newBuilder().setDeadlineAtEpochMs(f.thread.nowMillis() + 90_000)));
  }

  @Test
  void forceResolveAndInjectedEventsReachTheReport() {
    f.givenSession(settings(2, 0));
    Player ana = f.join("Ana");
    f.start();
    ServerMessage outOfBounds =
        f.facilitate(
            FacilitatorCommand.newBuilder()
                .setInject(
                    InjectEvent.newBuilder()
                        .setCustom(
                            CustomEvent.newBuilder()
                                .setTitle("Flood")
                                .setNarrative("Water everywhere")
                                .addEffects(
                                    Variable.newBuilder().setName("morale").setValue(-80)))));
    assertError(ErrorCode.INVALID_ARGUMENT, outOfBounds);
    assertError(
        ErrorCode.INVALID_ARGUMENT,
        f.facilitate(
            FacilitatorCommand.newBuilder()
                .setInject(InjectEvent.newBuilder().setDeckEvent("alien-invasion"))));
    assertTrue(
        f.facilitate(
                FacilitatorCommand.newBuilder()
                    .setInject(
                        InjectEvent.newBuilder()
                            .setCustom(
                                CustomEvent.newBuilder()
                                    .setTitle("Team party")
                                    .setNarrative("Cake")
                                    .addEffects(
                                        Variable.newBuilder().setName("morale").setValue(10)))
                            .addTeams(ana.team)))
            .hasFacilitatorAck());
    assertTrue(
        f.lastOpening(ana).getEventsList().stream()
            .anyMatch(e -> e.getInjected() && e.getTitle().equals("Team party")));

    f.facilitate(FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()));
    var report =
        ana.connection.all(ServerMessage::hasTurnResolved).get(0).getTurnResolved().getReport();
    assertTrue(report.getDefaulted());
    assertTrue(report.getEventsList().stream().anyMatch(e -> e.getTitle().equals("Team party")));
    var morale =
        report.getChangesList().stream()
            .filter(c -> c.getName().equals("morale"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        morale.getContributionsList().stream()
            .anyMatch(c -> c.getLabel().contains("Team party") && c.getDelta() == 10),
        morale.toString());
  }

  @Test
  void aBroadcastReachesEveryone() {
    f.givenSession(settings(2, 60));
    Player ana = f.join("Ana");
    f.facilitate(FacilitatorCommand.newBuilder().setBroadcast("Ten minutes left"));
    assertEquals("Ten minutes left", ana.connection.last().getBroadcast().getText());
    assertError(
        ErrorCode.INVALID_ARGUMENT,
        f.facilitate(FacilitatorCommand.newBuilder().setBroadcast("x".repeat(501))));
  }

  @Test
  void reconnectingGivesAFullSnapshotAndReplacesTheOldConnection() {
    f.givenSession(settings(2, 60));
    Player ana = f.join("Ana");
    f.join("Ben"); // has not submitted, so the turn stays open
    f.start();
    Decision draft = spread(f.lastOpening(ana), 1.0, "coach", "change");
    f.submit(ana, 1, 1, draft);
    FakeConnection old = ana.connection;
    FakeConnection fresh = new FakeConnection("10.0.2.2:3000");
    ServerMessage snapshot =
        f.send(
            fresh, ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(ana.token)));
    assertEquals(Phase.TURN_OPEN, snapshot.getSnapshot().getPhase());
    assertEquals(1, snapshot.getSnapshot().getOpenTurn().getTurn());
    assertEquals(draft, snapshot.getSnapshot().getDraft());
    assertEquals(1, snapshot.getSnapshot().getDraftVersion());
    assertEquals(Goodbye.Reason.REPLACED, old.closedWith);
    ana.connection = fresh;
    assertTrue(f.submit(ana, 1, 2, draft).hasDecisionAccepted(), "the new connection plays on");
    assertError(
        ErrorCode.UNAUTHENTICATED,
        f.send(
            new FakeConnection("10.0.3.3:1"),
            ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken("not-a-token"))));
  }

  @Test
  void kickedPlayersLoseTheirSeatToABotAndTheirTokenStopsWorking() {
    f.givenSession(settings(2, 60));
    Player ana = f.join("Ana");
    f.start();
    f.facilitate(
        FacilitatorCommand.newBuilder()
            .setKick(SeatRef.newBuilder().setTeam(ana.team).setHat(Hat.BOTH)));
    assertEquals(Goodbye.Reason.KICKED, ana.connection.closedWith);
    assertError(
        ErrorCode.UNAUTHENTICATED,
        f.send(
            new FakeConnection("10.0.4.4:1"),
            ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(ana.token))));
    var lobby =
        f.facilitate(FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()))
            .getLiveView()
            .getLobby();
    assertTrue(lobby.getSeats(ana.team).getBot(), "a bot took the seat");
  }

  @Test
  void lateJoinersTakeABotSeat() {
    f.givenSession(settings(2, 60, "numbers", "leader"));
    f.start();
    Player late = f.join("Late");
    ServerMessage joined = late.connection.received.get(0);
    assertEquals(1, joined.getJoined().getSnapshot().getOpenTurn().getTurn());
    assertTrue(
        f.submit(late, 1, 1, even(joined.getJoined().getSnapshot().getOpenTurn()))
            .hasDecisionAccepted());
  }

  @Test
  void theFacilitatorEndsTheSessionAndEveryoneGetsScores() {
    f.givenSession(settings(2, 60));
    Player ana = f.join("Ana");
    f.start();
    f.facilitate(FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance()));
    var ended = ana.connection.all(ServerMessage::hasSessionEnded).get(0).getSessionEnded();
    assertEquals(2, ended.getScoresCount());
    assertError(ErrorCode.WRONG_PHASE, f.submit(ana, 1, 1, even(f.lastOpening(ana))));
    assertError(
        ErrorCode.WRONG_PHASE,
        f.facilitate(FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())));
  }
}
