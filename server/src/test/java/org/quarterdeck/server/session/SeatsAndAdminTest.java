package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.session.SessionFixture.assertError;

import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.AssignSeat;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.session.SessionFixture.Player;

/** Two-hats pairs, seat assignment, and who may create sessions. */
class SeatsAndAdminTest {
  @Test
  void theFacilitatorPairsPlayersIntoLeaderAndManagerSeats() {
    SessionFixture f = new SessionFixture();
    f.givenSession(
        CreateSession.newBuilder()
            .setBuiltinScenario("two-hats")
            .setSettings(SessionSettings.newBuilder().setTeams(2).setSeed(1)));
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    assertEquals(Hat.LEADER, ana.connection.received.get(0).getJoined().getHat());
    assertEquals(Hat.MANAGER, ben.connection.received.get(0).getJoined().getHat());
    assertEquals(ana.team, ben.team, "the first two people fill one team's two hats");

    // move Ben to lead the other team
    ServerMessage moved =
        f.send(
            f.facilitator,
            ClientMessage.newBuilder()
                .setAssignSeat(
                    AssignSeat.newBuilder()
                        .setFrom(SeatRef.newBuilder().setTeam(ben.team).setHat(Hat.MANAGER))
                        .setTo(SeatRef.newBuilder().setTeam(1 - ben.team).setHat(Hat.LEADER))));
    assertTrue(moved.hasFacilitatorAck(), moved.toString());
    var snapshot = ben.connection.all(ServerMessage::hasSnapshot);
    assertEquals(1 - ben.team, snapshot.get(snapshot.size() - 1).getSnapshot().getTeam());
    var lobby =
        f.facilitate(FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()))
            .getLiveView()
            .getLobby();
    assertTrue(
        lobby.getSeatsList().stream()
            .anyMatch(s -> s.getTeam() == ben.team && s.getHat() == Hat.MANAGER && s.getBot()),
        "a bot took the seat Ben left");

    // a taken seat cannot be assigned over, a player cannot assign
    assertError(
        ErrorCode.WRONG_PHASE,
        f.send(
            f.facilitator,
            ClientMessage.newBuilder()
                .setAssignSeat(
                    AssignSeat.newBuilder()
                        .setFrom(SeatRef.newBuilder().setTeam(ana.team).setHat(Hat.LEADER))
                        .setTo(SeatRef.newBuilder().setTeam(1 - ben.team).setHat(Hat.LEADER)))));
    assertError(
        ErrorCode.PERMISSION_DENIED,
        f.send(
            ana.connection,
            ClientMessage.newBuilder()
                .setAssignSeat(
                    AssignSeat.newBuilder()
                        .setTo(SeatRef.newBuilder().setTeam(ana.team).setHat(Hat.MANAGER))
                        .setBotStrategy("numbers"))));
    assertError(
        ErrorCode.INVALID_ARGUMENT,
        f.send(
            f.facilitator,
            ClientMessage.newBuilder()
                .setAssignSeat(
                    AssignSeat.newBuilder()
                        .setTo(SeatRef.newBuilder().setTeam(ana.team).setHat(Hat.MANAGER))
                        .setBotStrategy("genius"))));
  }

  @Test
  void withAnAdminTokenOnlyItsHolderCreatesSessions() {
    ManualThread thread = new ManualThread();
    SessionManager manager =
        new SessionManager(() -> thread, Journals.inMemory(), "s3cret-admin", 10, 5);
    FakeConnection c = new FakeConnection("10.1.1.1:1");
    manager.handle(
        c,
        ClientMessage.newBuilder()
            .setRequestId(1)
            .setCreateSession(CreateSession.getDefaultInstance())
            .build());
    assertError(ErrorCode.PERMISSION_DENIED, c.reply(1));
    manager.handle(
        c,
        ClientMessage.newBuilder()
            .setRequestId(2)
            .setCreateSession(CreateSession.newBuilder().setAdminToken("wrong"))
            .build());
    assertError(ErrorCode.PERMISSION_DENIED, c.reply(2));
    assertEquals(0, manager.sessionCount());
    manager.handle(
        c,
        ClientMessage.newBuilder()
            .setRequestId(3)
            .setCreateSession(CreateSession.newBuilder().setAdminToken("s3cret-admin"))
            .build());
    assertTrue(c.reply(3).hasSessionCreated());
  }
}
