package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.AssignSeat;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.GetReplay;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.InjectEvent;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Leave;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Spectate;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.WhatIf;
import org.quarterdeck.protocol.v1.WhatIfChange;
import org.quarterdeck.server.testing.TestServer;

/**
 * wire.proto is the documentation a third party reads: this test walks every request kind over a
 * real loopback server and checks the reply kind and the error codes (and fields) the comments
 * promise, including the cases an independent client found wrong (issue #11).
 */
class ProtocolContractTest {
  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.inMemory().start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static TestPlayer connect() throws Exception {
    return new TestPlayer(server.tcp(), false);
  }

  private static void assertReply(Predicate<ServerMessage> kind, ServerMessage reply) {
    assertTrue(kind.test(reply), reply.toString());
  }

  private static void assertError(ErrorCode code, ServerMessage reply) {
    assertEquals(code, reply.getError().getCode(), reply.toString());
  }

  private static void assertError(ErrorCode code, String field, ServerMessage reply) {
    assertError(code, reply);
    assertEquals(field, reply.getError().getField(), reply.toString());
  }

  private static SessionCreated create(TestPlayer c, int teams) throws Exception {
    ServerMessage reply =
        c.call(
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setBuiltinScenario("market-year")
                        .setSettings(
                            SessionSettings.newBuilder()
                                .setTeams(teams)
                                .addBotStrategies("")
                                .addBotStrategies(""))));
    assertReply(ServerMessage::hasSessionCreated, reply);
    return reply.getSessionCreated();
  }

  @Test
  void handshakeAndLiveness() throws Exception {
    QuarterdeckClient raw = server.client(server.tcp(), false);
    try {
      ServerMessage early =
          raw.request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(5)))
              .get(10, SECONDS);
      assertError(ErrorCode.UNAUTHENTICATED, early); // a request before Hello
      ServerMessage longName =
          raw.request(
                  ClientMessage.newBuilder()
                      .setHello(
                          Hello.newBuilder().addProtocolVersions(1).setClientName("x".repeat(201))))
              .get(10, SECONDS);
      assertError(ErrorCode.INVALID_ARGUMENT, longName); // text fields: at most 200 characters
      ServerMessage future =
          raw.request(
                  ClientMessage.newBuilder().setHello(Hello.newBuilder().addProtocolVersions(99)))
              .get(10, SECONDS);
      assertError(ErrorCode.UNSUPPORTED_VERSION, future);
      ServerMessage welcome =
          raw.request(
                  ClientMessage.newBuilder()
                      .setHello(Hello.newBuilder().setClientName("x".repeat(200))))
              .get(10, SECONDS);
      assertReply(ServerMessage::hasWelcome, welcome);
      assertEquals(1, welcome.getWelcome().getProtocolVersion());
      ServerMessage again =
          raw.request(ClientMessage.newBuilder().setHello(Hello.getDefaultInstance()))
              .get(10, SECONDS);
      assertError(ErrorCode.WRONG_PHASE, again);
      ServerMessage pong =
          raw.request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(42)))
              .get(10, SECONDS);
      assertEquals(42, pong.getPong().getNonce());
      ServerMessage empty = raw.request(ClientMessage.newBuilder()).get(10, SECONDS);
      assertError(ErrorCode.INVALID_ARGUMENT, empty);
    } finally {
      raw.close();
    }
  }

  @Test
  void everySessionRequestGetsTheReplyOrErrorItsCommentPromises() throws Exception {
    try (TestPlayer facilitator = connect();
        TestPlayer ana = connect();
        TestPlayer ben = connect();
        TestPlayer cy = connect();
        TestPlayer spectator = connect();
        TestPlayer stranger = connect()) {
      // CreateSession: SessionCreated; an unknown scenario is NOT_FOUND; bad settings are
      // INVALID_ARGUMENT
      assertError(
          ErrorCode.NOT_FOUND,
          "create_session.builtin_scenario",
          stranger.call(
              ClientMessage.newBuilder()
                  .setCreateSession(
                      CreateSession.newBuilder().setBuiltinScenario("no-such-scenario"))));
      assertError(
          ErrorCode.INVALID_ARGUMENT,
          stranger.call(
              ClientMessage.newBuilder()
                  .setCreateSession(
                      CreateSession.newBuilder()
                          .setSettings(SessionSettings.newBuilder().setTeams(999)))));
      SessionCreated created = create(facilitator, 2);

      // requests that need a session, on a connection that has none: UNAUTHENTICATED
      assertError(
          ErrorCode.UNAUTHENTICATED,
          stranger.call(
              ClientMessage.newBuilder()
                  .setSubmitDecision(SubmitDecision.newBuilder().setTurn(1).setVersion(1))));
      assertError(
          ErrorCode.UNAUTHENTICATED,
          stranger.call(ClientMessage.newBuilder().setGetReplay(GetReplay.getDefaultInstance())));
      assertError(
          ErrorCode.UNAUTHENTICATED,
          stranger.call(
              ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken("no-such-token"))));
      assertError(
          ErrorCode.NOT_FOUND,
          "get_replay.session_id",
          stranger.call(
              ClientMessage.newBuilder()
                  .setGetReplay(GetReplay.newBuilder().setSessionId("s-nope"))));
      assertError(
          ErrorCode.NOT_FOUND,
          stranger.call(
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder().setJoinCode("ZZZZZZ").setDisplayName("Zed"))));

      // Resume with the facilitator token: Snapshot with role FACILITATOR
      ServerMessage lobby =
          facilitator.call(
              ClientMessage.newBuilder()
                  .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())));
      assertEquals(Role.FACILITATOR, lobby.getSnapshot().getRole());

      // JoinSession: Joined; preferred_team absent = any free seat (twice: two seats)
      assertError(
          ErrorCode.INVALID_ARGUMENT,
          "join_session.preferred_team",
          cy.call(
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder()
                          .setJoinCode(created.getJoinCode())
                          .setDisplayName("Cy")
                          .setPreferredTeam(7))));
      ServerMessage anaJoined =
          ana.call(
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder()
                          .setJoinCode(created.getJoinCode())
                          .setDisplayName("Ana")));
      ServerMessage benJoined =
          ben.call(
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder()
                          .setJoinCode(created.getJoinCode())
                          .setDisplayName("Ben")));
      assertEquals(Role.PLAYER, anaJoined.getJoined().getRole());
      assertEquals(0, anaJoined.getJoined().getTeam()); // 0-based on the wire
      assertEquals(1, benJoined.getJoined().getTeam());
      // every seat now held by a person: a co-player or spectator place, still a Joined
      assertReply(
          ServerMessage::hasJoined,
          cy.call(
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder()
                          .setJoinCode(created.getJoinCode())
                          .setDisplayName("Cy"))));

      // Spectate: Joined with role SPECTATOR and team -1
      ServerMessage watching =
          spectator.call(
              ClientMessage.newBuilder()
                  .setSpectate(Spectate.newBuilder().setJoinCode(created.getJoinCode())));
      assertEquals(Role.SPECTATOR, watching.getJoined().getRole());
      assertEquals(-1, watching.getJoined().getTeam());

      // SubmitDecision in the lobby: WRONG_PHASE
      assertError(
          ErrorCode.WRONG_PHASE,
          ana.call(
              ClientMessage.newBuilder()
                  .setSubmitDecision(SubmitDecision.newBuilder().setTurn(1).setVersion(1))));

      // FacilitatorCommand: a player may not (PERMISSION_DENIED); start gives FacilitatorAck;
      // a second start is WRONG_PHASE; live_view gives LiveView
      assertError(
          ErrorCode.PERMISSION_DENIED,
          ana.call(
              ClientMessage.newBuilder()
                  .setFacilitator(
                      FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()))));
      assertReply(
          ServerMessage::hasFacilitatorAck,
          facilitator.call(
              ClientMessage.newBuilder()
                  .setFacilitator(
                      FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()))));
      assertError(
          ErrorCode.WRONG_PHASE,
          facilitator.call(
              ClientMessage.newBuilder()
                  .setFacilitator(
                      FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()))));
      assertReply(
          ServerMessage::hasLiveView,
          facilitator.call(
              ClientMessage.newBuilder()
                  .setFacilitator(
                      FacilitatorCommand.newBuilder().setLiveView(Empty.getDefaultInstance()))));
      assertError(
          ErrorCode.INVALID_ARGUMENT,
          facilitator.call(
              ClientMessage.newBuilder()
                  .setFacilitator(
                      FacilitatorCommand.newBuilder()
                          .setInject(InjectEvent.newBuilder().setDeckEvent("no-such-card")))));
      // the facilitator's snapshot carries the open turn while a turn is open
      ServerMessage facilitatorView =
          facilitator.call(
              ClientMessage.newBuilder()
                  .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())));
      assertEquals(1, facilitatorView.getSnapshot().getOpenTurn().getTurn());

      TurnOpened open = ana.await(ServerMessage::hasTurnOpened, 10).getTurnOpened();
      // SubmitDecision: another turn is WRONG_PHASE; a negative entry of a repeated act and
      // more than 64 entries are INVALID_ARGUMENT naming the field; a spectator may not
      assertError(ErrorCode.WRONG_PHASE, ana.call(submit(2, 1, Decision.getDefaultInstance())));
      assertError(
          ErrorCode.INVALID_ARGUMENT,
          "submit_decision.decision.hours[push]",
          ana.call(
              submit(
                  1,
                  1,
                  Decision.newBuilder()
                      .addHours(ActHours.newBuilder().setAct("push").setHours(10))
                      .addHours(ActHours.newBuilder().setAct("push").setHours(-5))
                      .build())));
      Decision.Builder many = Decision.newBuilder();
      for (int i = 0; i < 65; i++) {
        many.addHours(ActHours.newBuilder().setAct("push").setHours(0.01));
      }
      assertError(
          ErrorCode.INVALID_ARGUMENT,
          "submit_decision.decision.hours",
          ana.call(submit(1, 1, many.build())));
      assertError(
          ErrorCode.INVALID_ARGUMENT,
          "submit_decision.decision.hours[pushh]",
          ana.call(
              submit(
                  1,
                  1,
                  Decision.newBuilder()
                      .addHours(ActHours.newBuilder().setAct("pushh").setHours(1))
                      .build())));
      assertError(
          ErrorCode.PERMISSION_DENIED, spectator.call(submit(1, 1, Decision.getDefaultInstance())));
      Decision half =
          Decision.newBuilder()
              .addHours(ActHours.newBuilder().setAct("push").setHours(open.getFreeHours() / 4))
              .addHours(ActHours.newBuilder().setAct("push").setHours(open.getFreeHours() / 4))
              .build(); // a repeated act is summed
      assertReply(ServerMessage::hasDecisionAccepted, ana.call(submit(1, 1, half)));
      assertError(ErrorCode.WRONG_PHASE, ana.call(submit(1, 1, half))); // a stale version

      // AssignSeat: players may not; the facilitator gets FacilitatorAck
      assertError(
          ErrorCode.PERMISSION_DENIED,
          ana.call(
              ClientMessage.newBuilder()
                  .setAssignSeat(
                      AssignSeat.newBuilder()
                          .setTo(SeatRef.newBuilder().setTeam(1))
                          .setBotStrategy("adaptive"))));
      assertError(
          ErrorCode.INVALID_ARGUMENT,
          facilitator.call(
              ClientMessage.newBuilder()
                  .setAssignSeat(
                      AssignSeat.newBuilder()
                          .setTo(SeatRef.newBuilder().setTeam(9))
                          .setBotStrategy("adaptive"))));

      assertReply(
          ServerMessage::hasFacilitatorAck,
          facilitator.call(
              ClientMessage.newBuilder()
                  .setFacilitator(
                      FacilitatorCommand.newBuilder()
                          .setForceResolve(Empty.getDefaultInstance()))));

      // GetReplay: Replay for a member; another session's id is PERMISSION_DENIED
      assertReply(
          ServerMessage::hasReplay,
          ana.call(ClientMessage.newBuilder().setGetReplay(GetReplay.getDefaultInstance())));
      SessionCreated other = create(stranger, 2);
      assertError(
          ErrorCode.PERMISSION_DENIED,
          ana.call(
              ClientMessage.newBuilder()
                  .setGetReplay(GetReplay.newBuilder().setSessionId(other.getSessionId()))));

      // WhatIf: facilitator only; from_turn out of range is INVALID_ARGUMENT
      assertError(
          ErrorCode.PERMISSION_DENIED,
          ana.call(ClientMessage.newBuilder().setWhatIf(WhatIf.newBuilder().setFromTurn(1))));
      assertError(
          ErrorCode.INVALID_ARGUMENT,
          facilitator.call(
              ClientMessage.newBuilder().setWhatIf(WhatIf.newBuilder().setFromTurn(0))));
      ServerMessage whatIf =
          facilitator.call(
              ClientMessage.newBuilder()
                  .setWhatIf(
                      WhatIf.newBuilder()
                          .setFromTurn(1)
                          .addChanges(
                              WhatIfChange.newBuilder().setTeam(0).setBotStrategy("numbers"))));
      assertReply(ServerMessage::hasWhatIfResult, whatIf);
      assertEquals(1, whatIf.getWhatIfResult().getActualCount()); // the turns closed so far

      // Leave: Left
      assertReply(
          ServerMessage::hasLeft,
          ben.call(ClientMessage.newBuilder().setLeave(Leave.getDefaultInstance())));
    }
  }

  @Test
  void jsonJoinWithoutPreferredTeamTakesAnyFreeSeat() throws Exception {
    try (TestPlayer facilitator = connect();
        TestPlayer ana = new TestPlayer(server.webSocket(), true);
        TestPlayer ben = new TestPlayer(server.webSocket(), true)) {
      SessionCreated created = create(facilitator, 2);
      ServerMessage a =
          ana.call(
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder()
                          .setJoinCode(created.getJoinCode())
                          .setDisplayName("Ana")));
      ServerMessage b =
          ben.call(
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder()
                          .setJoinCode(created.getJoinCode())
                          .setDisplayName("Ben")));
      assertTrue(a.hasJoined() && b.hasJoined(), a + " / " + b);
      assertEquals(1, Math.abs(a.getJoined().getTeam() - b.getJoined().getTeam()));
    }
  }

  private static ClientMessage.Builder submit(int turn, int version, Decision decision) {
    return ClientMessage.newBuilder()
        .setSubmitDecision(
            SubmitDecision.newBuilder().setTurn(turn).setVersion(version).setDecision(decision));
  }
}
