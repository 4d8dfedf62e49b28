package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.session.SessionFixture.assertError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Leave;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Spectate;

/** Creation quotas without an admin token, the spectator cap and archiving of ended sessions. */
class SessionLimitsTest {
  private final ManualThread thread = new ManualThread();
  private final Journals storage = Journals.inMemory();
  private long requestIds = 1;

  private SessionManager manager(String adminToken, SessionLimits limits) {
    return new SessionManager(
        () -> thread, storage, adminToken, 1000, 20, Runnable::run, limits, thread::nowMillis);
  }

  private ServerMessage send(SessionManager m, FakeConnection c, ClientMessage.Builder message) {
    long id = requestIds++;
    m.handle(c, message.setRequestId(id).build());
    return c.reply(id);
  }

  private ServerMessage create(SessionManager m, FakeConnection c) {
    return send(
        m,
        c,
        ClientMessage.newBuilder()
            .setCreateSession(
                CreateSession.newBuilder().setSettings(SessionSettings.newBuilder().setTeams(2))));
  }

  private ServerMessage spectate(SessionManager m, FakeConnection c, String code) {
    return send(
        m, c, ClientMessage.newBuilder().setSpectate(Spectate.newBuilder().setJoinCode(code)));
  }

  @Test
  void anAddressCreatesItsQuotaPerHourAndOthersAreNotHeldBack() {
    SessionManager m = manager(null, new SessionLimits(3, 100, 10, Duration.ofHours(1)));
    FakeConnection a = new FakeConnection("10.0.0.1:1000");
    for (int i = 0; i < 3; i++) {
      assertTrue(create(m, a).hasSessionCreated());
    }
    ServerMessage refused = create(m, a);
    assertError(ErrorCode.RATE_LIMITED, refused);
    assertTrue(refused.getError().getRetryAfterMs() > 0);
    assertEquals(3, m.sessionCount(), "a refusal creates nothing");
    // another port of the same host is the same address; another host is not
    assertError(ErrorCode.RATE_LIMITED, create(m, new FakeConnection("10.0.0.1:1001")));
    assertTrue(create(m, new FakeConnection("10.0.0.2:1000")).hasSessionCreated());
    thread.advanceSeconds(3600);
    assertTrue(create(m, a).hasSessionCreated(), "the quota comes back after an hour");
  }

  @Test
  void anInvalidRequestUsesNoQuota() {
    SessionManager m = manager(null, new SessionLimits(1, 100, 10, Duration.ofHours(1)));
    FakeConnection a = new FakeConnection("10.0.0.1:1000");
    ServerMessage bad =
        send(
            m,
            a,
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setSettings(SessionSettings.newBuilder().setTeams(999))));
    assertError(ErrorCode.INVALID_ARGUMENT, bad);
    assertTrue(create(m, a).hasSessionCreated());
  }

  @Test
  void withoutAnAdminTokenTheServerHoldsAtMostItsCeilingOfLiveSessions() {
    SessionManager m = manager(null, new SessionLimits(100, 2, 10, Duration.ofHours(1)));
    assertTrue(create(m, new FakeConnection("10.0.0.1:1")).hasSessionCreated());
    assertTrue(create(m, new FakeConnection("10.0.0.2:1")).hasSessionCreated());
    assertError(ErrorCode.UNAVAILABLE, create(m, new FakeConnection("10.0.0.3:1")));
    assertEquals(2, m.sessionCount());
  }

  @Test
  void theAdminTokenHolderIsNotLimited() {
    SessionManager m = manager("secret", new SessionLimits(1, 1, 10, Duration.ofHours(1)));
    FakeConnection a = new FakeConnection("10.0.0.1:1000");
    for (int i = 0; i < 3; i++) {
      ServerMessage reply =
          send(
              m,
              a,
              ClientMessage.newBuilder()
                  .setCreateSession(
                      CreateSession.newBuilder()
                          .setAdminToken("secret")
                          .setSettings(SessionSettings.newBuilder().setTeams(2))));
      assertTrue(reply.hasSessionCreated(), reply.toString());
    }
  }

  @Test
  void spectatorsAreCappedAndLeavingOrDisconnectingFreesTheirPlace() {
    SessionManager m = manager(null, new SessionLimits(10, 10, 3, Duration.ofHours(1)));
    String code = create(m, new FakeConnection("10.0.0.1:1")).getSessionCreated().getJoinCode();
    List<FakeConnection> watchers = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      FakeConnection c = new FakeConnection("10.0.2." + i + ":1");
      ServerMessage joined = spectate(m, c, code);
      assertTrue(joined.hasJoined(), joined.toString());
      watchers.add(c);
      tokens.add(joined.getJoined().getToken());
    }
    assertError(ErrorCode.UNAVAILABLE, spectate(m, new FakeConnection("10.0.3.1:1"), code));

    assertTrue(
        send(m, watchers.get(0), ClientMessage.newBuilder().setLeave(Leave.getDefaultInstance()))
            .hasLeft());
    m.disconnected(watchers.get(1));
    assertTrue(spectate(m, new FakeConnection("10.0.3.1:1"), code).hasJoined());
    assertTrue(spectate(m, new FakeConnection("10.0.3.2:1"), code).hasJoined());
    assertError(ErrorCode.UNAVAILABLE, spectate(m, new FakeConnection("10.0.3.3:1"), code));

    // a spectator who disconnected is gone: the token no longer resumes
    assertError(
        ErrorCode.UNAUTHENTICATED,
        send(
            m,
            new FakeConnection("10.0.2.1:2"),
            ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(tokens.get(1)))));
  }

  @Test
  void spectatingAndLeavingDoesNotGrowTheLogAndTheLobbyCountsOnlyWhoIsThere() {
    SessionManager m = manager(null, new SessionLimits(10, 10, 5, Duration.ofHours(1)));
    FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
    ServerMessage created = create(m, facilitator);
    String id = created.getSessionCreated().getSessionId();
    send(
        m,
        facilitator,
        ClientMessage.newBuilder()
            .setResume(
                Resume.newBuilder().setToken(created.getSessionCreated().getFacilitatorToken())));
    int logBefore = storage.read(id).records().size();
    for (int i = 0; i < 200; i++) {
      FakeConnection c = new FakeConnection("10.0.4.1:" + i);
      assertTrue(spectate(m, c, created.getSessionCreated().getJoinCode()).hasJoined());
      if (i % 2 == 0) {
        send(m, c, ClientMessage.newBuilder().setLeave(Leave.getDefaultInstance()));
      } else {
        m.disconnected(c);
      }
    }
    assertEquals(logBefore, storage.read(id).records().size());
    thread.advanceSeconds(2);
    ServerMessage lastLobby =
        facilitator.all(ServerMessage::hasLobbyUpdate).stream().reduce((a, b) -> b).orElseThrow();
    assertEquals(0, lastLobby.getLobbyUpdate().getSpectators());
  }

  @Test
  void aCrowdArrivingCostsTheFacilitatorAFewLobbyUpdatesNotOnePerArrival() {
    SessionManager m = manager(null, new SessionLimits(10, 10, 500, Duration.ofHours(1)));
    FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
    ServerMessage created = create(m, facilitator);
    send(
        m,
        facilitator,
        ClientMessage.newBuilder()
            .setResume(
                Resume.newBuilder().setToken(created.getSessionCreated().getFacilitatorToken())));
    facilitator.clear();
    List<FakeConnection> crowd = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      FakeConnection c = new FakeConnection("10.0.5." + (i % 250) + ":" + i);
      crowd.add(c);
      assertTrue(spectate(m, c, created.getSessionCreated().getJoinCode()).hasJoined());
    }
    thread.advanceSeconds(2);
    List<ServerMessage> updates = facilitator.all(ServerMessage::hasLobbyUpdate);
    assertTrue(updates.size() <= 3, "lobby updates for 300 arrivals: " + updates.size());
    assertEquals(300, updates.get(updates.size() - 1).getLobbyUpdate().getSpectators());
    long toSpectators =
        crowd.stream().mapToLong(c -> c.all(ServerMessage::hasLobbyUpdate).size()).sum();
    assertEquals(0, toSpectators, "spectators are not told of each other's arrival");
  }

  @Test
  void anEndedSessionIsArchivedAfterItsTimeAndStaysExportable() throws Exception {
    SessionManager m = manager(null, new SessionLimits(10, 10, 5, Duration.ofMinutes(30)));
    FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
    ServerMessage created = create(m, facilitator);
    String token = created.getSessionCreated().getFacilitatorToken();
    String id = created.getSessionCreated().getSessionId();
    send(m, facilitator, ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(token)));
    assertTrue(
        send(
                m,
                facilitator,
                ClientMessage.newBuilder()
                    .setFacilitator(
                        FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())))
            .hasFacilitatorAck());
    assertTrue(
        send(
                m,
                facilitator,
                ClientMessage.newBuilder()
                    .setFacilitator(
                        FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())))
            .hasFacilitatorAck());
    assertEquals(1, m.liveSessionCount());

    thread.advanceSeconds(29 * 60);
    assertEquals(0, m.archivedSessionCount(), "not before its time");
    thread.advanceSeconds(60);
    assertEquals(1, m.archivedSessionCount());
    assertEquals(0, m.liveSessionCount());

    int records = storage.read(id).records().size();
    assertError(
        ErrorCode.WRONG_PHASE,
        send(
            m,
            facilitator,
            ClientMessage.newBuilder()
                .setFacilitator(
                    FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance()))));
    assertEquals(records, storage.read(id).records().size());
    String json = m.export(id, token, SessionManager.ExportFormat.JSON).get();
    assertTrue(json.contains(id));
    assertFalse(m.archive(id).get(), "archiving twice changes nothing");
  }

  @Test
  void aRecoveredSessionThatHadEndedIsArchivedCountingFromItsEnd() throws Exception {
    SessionManager first = manager(null, new SessionLimits(10, 10, 5, Duration.ofMinutes(30)));
    FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
    ServerMessage created = create(first, facilitator);
    send(
        first,
        facilitator,
        ClientMessage.newBuilder()
            .setResume(
                Resume.newBuilder().setToken(created.getSessionCreated().getFacilitatorToken())));
    send(
        first,
        facilitator,
        ClientMessage.newBuilder()
            .setFacilitator(FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())));
    thread.advanceSeconds(20 * 60);

    SessionManager restarted = manager(null, new SessionLimits(10, 10, 5, Duration.ofMinutes(30)));
    assertEquals(1, restarted.recoverAll());
    assertEquals(0, restarted.archivedSessionCount());
    thread.advanceSeconds(10 * 60);
    assertEquals(1, restarted.archivedSessionCount());
  }

  @Test
  void aBuiltInScenarioIsNamedInTheLogNotCopied() {
    SessionManager m = manager(null, SessionLimits.DEFAULTS);
    String id = create(m, new FakeConnection("10.0.0.1:1")).getSessionCreated().getSessionId();
    SessionRecord opened = storage.read(id).records().get(0);
    assertEquals("", opened.getOpened().getScenarioText());
    assertEquals(64, opened.getOpened().getScenarioSha256().length());
    assertTrue(opened.getOpened().getScenarioSource().contains("market-year"));
  }
}
