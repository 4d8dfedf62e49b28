package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.session.SessionFixture.assertError;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Leave;
import org.quarterdeck.protocol.v1.LiveView;
import org.quarterdeck.protocol.v1.LobbySeat;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.server.session.SessionFixture.Player;

/** Several people per team (co-players), spectators once full, and the facilitator's nudges. */
class CoPlayersTest {
  static SessionSettings threeTeams(int peoplePerTeam) {
    return SessionSettings.newBuilder()
        .setTeams(3)
        .setSeed(7)
        .setPeoplePerTeam(peoplePerTeam)
        .setTurnDeadlineSeconds(600)
        .build();
  }

  static ServerMessage joinReply(SessionFixture f, String name) {
    FakeConnection c = new FakeConnection("10.0.2." + name.length() + ":1");
    return f.send(
        c,
        ClientMessage.newBuilder()
            .setJoinSession(
                JoinSession.newBuilder()
                    .setJoinCode(f.created.getJoinCode())
                    .setDisplayName(name)
                    .setPreferredTeam(-1)));
  }

  @Test
  void fivePeopleOnThreeTeamsGetSeatsWithTwoTeamsOfTwoThenSpectators() {
    SessionFixture f = new SessionFixture().givenSession(threeTeams(2));
    List<ServerMessage> joined =
        List.of("Ada", "Ben", "Cy", "Dee", "Eve").stream().map(n -> joinReply(f, n)).toList();
    joined.forEach(j -> assertEquals(Role.PLAYER, j.getJoined().getRole(), j.toString()));
    Map<Integer, Long> perTeam =
        joined.stream()
            .collect(Collectors.groupingBy(j -> j.getJoined().getTeam(), Collectors.counting()));
    assertEquals(Map.of(0, 2L, 1, 2L, 2, 1L), perTeam);
    assertEquals(2, joined.stream().filter(j -> j.getJoined().getCoPlayer()).count());

    LobbySeat first =
        f.facilitate(FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()))
            .getLiveView()
            .getLobby()
            .getSeats(0);
    assertEquals("Ada", first.getDisplayName());
    assertEquals(List.of("Dee"), first.getCoPlayersList());

    assertEquals(Role.PLAYER, joinReply(f, "Fay").getJoined().getRole());
    ServerMessage seventh = joinReply(f, "Gus");
    assertEquals(Role.SPECTATOR, seventh.getJoined().getRole(), "full: a spectator place");
  }

  @Test
  void oneTeamPlanTheSeatsVersionRulesAndEveryoneOfTheTeamSeesIt() {
    SessionFixture f = new SessionFixture().givenSession(threeTeams(2));
    Player ada = f.join("Ada");
    f.join("Ben");
    f.join("Cy");
    Player dee = f.join("Dee"); // Ada's co-player
    assertEquals(ada.team, dee.team);
    f.start();
    TurnOpened opening = f.lastOpening(dee);
    assertTrue(f.submit(dee, 1, 1, SessionFixture.even(opening)).hasDecisionAccepted());
    List<ServerMessage> plans = ada.connection.all(ServerMessage::hasTeamPlan);
    assertEquals(1, plans.size(), "Ada hears of Dee's plan once");
    ServerMessage plan = plans.get(0);
    assertTrue(plan.hasTeamPlan(), plan.toString());
    assertEquals(1, plan.getTeamPlan().getVersion());
    assertEquals("Dee", plan.getTeamPlan().getBy());
    // Ada revises: the team's next version; Dee's stale version 2 is refused.
    assertTrue(
        f.submit(ada, 1, 2, SessionFixture.spread(opening, 0.5, "push")).hasDecisionAccepted());
    List<ServerMessage> deePlans = dee.connection.all(ServerMessage::hasTeamPlan);
    assertEquals(1, deePlans.size(), "Dee is not told of Dee's own plan");
    assertEquals(2, deePlans.get(0).getTeamPlan().getVersion());
    assertError(ErrorCode.WRONG_PHASE, f.submit(dee, 1, 2, SessionFixture.even(opening)));
    LiveView live =
        f.facilitate(FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()))
            .getLiveView();
    assertEquals(1, live.getTeams(ada.team).getSubmitted(), "one submission per team");
    assertTrue(
        live.getPeopleList().stream()
            .anyMatch(
                p ->
                    p.getDisplayName().equals("Dee")
                        && p.getCoPlayer()
                        && p.getSubmitted()
                        && p.getVersion() == 2));
  }

  @Test
  void whenThePlayerLeavesTheCoPlayerKeepsTheSeatAndARebuildAgrees() throws Exception {
    SessionFixture f = new SessionFixture().givenSession(threeTeams(2));
    Player ada = f.join("Ada");
    f.join("Ben");
    f.join("Cy");
    Player dee = f.join("Dee");
    assertTrue(
        f.send(ada.connection, ClientMessage.newBuilder().setLeave(Leave.getDefaultInstance()))
            .hasLeft());
    LobbySeat seat =
        f.facilitate(FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()))
            .getLiveView()
            .getLobby()
            .getSeats(dee.team);
    assertEquals("Dee", seat.getDisplayName());
    assertFalse(seat.getBot());
    assertTrue(seat.getCoPlayersList().isEmpty());

    GameSession rebuilt =
        SessionRebuilder.replay(
            f.journal(), f.thread, SessionJournal.discarding(), new Outbox(f.thread));
    SeatState again = rebuilt.seat(dee.team, org.quarterdeck.server.engine.SeatHat.BOTH);
    assertEquals("Dee", again.player.displayName);
    assertTrue(again.coPlayers.isEmpty());
  }

  @Test
  void remindReachesTheSeatAndPlayingTheDefaultResolvesTheTurn() {
    SessionFixture f =
        new SessionFixture()
            .givenSession(
                SessionSettings.newBuilder()
                    .setTeams(2)
                    .setSeed(3)
                    .addBotStrategies("")
                    .addBotStrategies("")
                    .setTurnDeadlineSeconds(600)
                    .build());
    Player ada = f.join("Ada");
    Player ben = f.join("Ben");
    SeatRef bens = SeatRef.newBuilder().setTeam(ben.team).setHat(Hat.BOTH).build();
    assertError(
        ErrorCode.WRONG_PHASE, f.facilitate(FacilitatorCommand.newBuilder().setRemind(bens)));
    f.start();
    assertTrue(f.facilitate(FacilitatorCommand.newBuilder().setRemind(bens)).hasFacilitatorAck());
    assertTrue(ben.connection.last().getBroadcast().getText().contains("turn 1"));
    assertTrue(ada.connection.all(ServerMessage::hasBroadcast).isEmpty(), "only Ben's seat");

    assertTrue(f.submit(ada, 1, 1, SessionFixture.even(f.lastOpening(ada))).hasDecisionAccepted());
    ServerMessage ack = f.facilitate(FacilitatorCommand.newBuilder().setPlayDefault(bens));
    assertEquals(2, ack.getFacilitatorAck().getTurn(), "the last missing seat: turn 1 resolved");
    assertTrue(ben.connection.all(m -> m.hasTurnResolved()).size() == 1);
    assertError(
        ErrorCode.INVALID_ARGUMENT,
        f.facilitate(
            FacilitatorCommand.newBuilder().setPlayDefault(SeatRef.newBuilder().setTeam(9))));
  }
}
