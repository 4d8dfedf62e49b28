package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;

/**
 * A lobby nobody starts is closed and archived after {@code --lobby-idle-minutes} without a request
 * (issue 12, item 13): counted from the last request, not from creation; its people are told {@code
 * Goodbye SESSION_ARCHIVED}; a started session or a zero setting is never closed so. The session's
 * own manual clock is advanced; nothing sleeps.
 */
class LobbyIdleTest {
  private final ManualThread thread = new ManualThread();
  private final Journals storage = Journals.inMemory();
  private long requestIds = 1;

  private SessionManager manager(Duration lobbyIdle) {
    return new SessionManager(
        () -> thread,
        storage,
        null,
        1000,
        20,
        Runnable::run,
        new SessionLimits(10, 10, 5, Duration.ofHours(1), lobbyIdle),
        thread::nowMillis);
  }

  private ServerMessage send(SessionManager m, FakeConnection c, ClientMessage.Builder message) {
    long id = requestIds++;
    m.handle(c, message.setRequestId(id).build());
    return c.reply(id);
  }

  private SessionCreated createAndResume(SessionManager m, FakeConnection facilitator) {
    SessionCreated created =
        send(
                m,
                facilitator,
                ClientMessage.newBuilder()
                    .setCreateSession(
                        CreateSession.newBuilder()
                            .setSettings(SessionSettings.newBuilder().setTeams(2))))
            .getSessionCreated();
    assertTrue(
        send(
                m,
                facilitator,
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())))
            .hasSnapshot());
    return created;
  }

  private ServerMessage join(SessionManager m, FakeConnection c, String code, String name) {
    return send(
        m,
        c,
        ClientMessage.newBuilder()
            .setJoinSession(JoinSession.newBuilder().setJoinCode(code).setDisplayName(name)));
  }

  @Test
  void anIdleLobbyIsClosedAndArchivedCountingFromItsLastRequest() {
    SessionManager m = manager(Duration.ofMinutes(30));
    FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
    SessionCreated created = createAndResume(m, facilitator);
    FakeConnection player = new FakeConnection("10.0.0.2:1");

    thread.advanceSeconds(20 * 60);
    assertTrue(join(m, player, created.getJoinCode(), "Ana").hasJoined(), "a request at 20 min");
    thread.advanceSeconds(25 * 60); // 45 min after creation, 25 after the join
    assertEquals(0, m.archivedSessionCount(), "idle time counts from the last request");
    assertNull(player.closedWith);

    thread.advanceSeconds(5 * 60 + 1);
    assertEquals(1, m.archivedSessionCount());
    assertEquals(0, m.liveSessionCount());
    assertEquals(Goodbye.Reason.SESSION_ARCHIVED, player.closedWith);
    assertEquals(Goodbye.Reason.SESSION_ARCHIVED, facilitator.closedWith);

    List<SessionRecord> log = storage.read(created.getSessionId()).records();
    SessionRecord last = log.get(log.size() - 1);
    assertTrue(last.hasClosed(), "the log records the end: " + last);
    assertTrue(log.stream().noneMatch(SessionRecord::hasTurnStarted));

    // Nothing more is written: the log is closed; the code now answers like an ended session.
    FakeConnection late = new FakeConnection("10.0.0.3:1");
    ServerMessage refused = join(m, late, created.getJoinCode(), "Bo");
    assertTrue(refused.hasError(), refused.toString());
    assertEquals(log.size(), storage.read(created.getSessionId()).records().size());
  }

  @Test
  void aStartedSessionIsNotClosedAsAnIdleLobby() {
    SessionManager m = manager(Duration.ofMinutes(10));
    FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
    createAndResume(m, facilitator);
    assertTrue(
        send(
                m,
                facilitator,
                ClientMessage.newBuilder()
                    .setFacilitator(
                        FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())))
            .hasFacilitatorAck());
    thread.advanceSeconds(60 * 60);
    assertEquals(0, m.archivedSessionCount());
    assertNull(facilitator.closedWith);
  }

  @Test
  void zeroNeverClosesALobby() {
    SessionManager m = manager(Duration.ZERO);
    FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
    createAndResume(m, facilitator);
    thread.advanceSeconds(7 * 24 * 3600);
    assertEquals(0, m.archivedSessionCount());
    assertEquals(1, m.liveSessionCount());
  }

  @Test
  void aRestartedServerFindsTheClosedLobbyEnded() throws Exception {
    SessionManager first = manager(Duration.ofMinutes(30));
    SessionCreated created = createAndResume(first, new FakeConnection("10.0.0.1:1"));
    thread.advanceSeconds(31 * 60);
    assertEquals(1, first.archivedSessionCount());

    SessionManager restarted = manager(Duration.ofMinutes(30));
    assertEquals(1, restarted.recoverAll());
    FakeConnection facilitator = new FakeConnection("10.0.0.1:2");
    ServerMessage snapshot =
        send(
            restarted,
            facilitator,
            ClientMessage.newBuilder()
                .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())));
    assertEquals(Phase.ENDED, snapshot.getSnapshot().getPhase(), snapshot.toString());
    ServerMessage start =
        send(
            restarted,
            facilitator,
            ClientMessage.newBuilder()
                .setFacilitator(
                    FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
    assertEquals(ErrorCode.WRONG_PHASE, start.getError().getCode(), start.toString());
  }
}
