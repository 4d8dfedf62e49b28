package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.GetReplay;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.port.SessionKey;

/**
 * Start-up recovery: many logs recovered by a pool onto real event loops, progress counted, and
 * while it runs a name not read yet is "try again", never "unknown". The manager finds its own
 * sessions by id, join code and token, and no others.
 */
class StartupRecoveryTest {
  private static final int SESSIONS = 40;

  @Test
  void manyLogsAreRecoveredInParallelOntoTheirEventLoops() throws Exception {
    DefaultEventLoopGroup loops = new DefaultEventLoopGroup(3);
    try {
      Journals storage = Journals.inMemory();
      SessionManager first =
          new SessionManager(() -> new EventLoopSessionThread(loops.next()), storage, null, 100, 5);
      Map<String, SessionManager.Created> created = new HashMap<>();
      for (int i = 0; i < SESSIONS; i++) {
        SessionManager.Created c =
            first
                .create(
                    CreateSession.newBuilder()
                        .setSettings(SessionSettings.newBuilder().setTeams(2).setSeed(i + 1))
                        .build())
                .get(10, TimeUnit.SECONDS);
        first.start(c.sessionId()).get(10, TimeUnit.SECONDS);
        created.put(c.sessionId(), c);
      }

      SessionManager restarted =
          new SessionManager(() -> new EventLoopSessionThread(loops.next()), storage, null, 100, 5);
      assertEquals(SESSIONS, restarted.recoverAll(4));
      assertTrue(restarted.quarantined().isEmpty(), restarted.quarantined().toString());
      assertEquals(SESSIONS, restarted.recoveryProgress().done());
      assertEquals(SESSIONS, restarted.recoveryProgress().total());
      assertTrue(restarted.recoveryProgress().finished());
      assertEquals("", restarted.recoveryProgress().describe());

      List<String> phases = new ArrayList<>();
      for (SessionManager.Created c : created.values()) {
        assertEquals(
            Optional.of(c.sessionId()),
            restarted.sessionHere(SessionKey.joinCode(c.joinCode().toLowerCase())));
        assertEquals(
            Optional.of(c.sessionId()),
            restarted.sessionHere(SessionKey.token(c.facilitatorToken())));
        FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
        restarted.handle(
            facilitator,
            ClientMessage.newBuilder()
                .setRequestId(1)
                .setResume(Resume.newBuilder().setToken(c.facilitatorToken()))
                .build());
        ServerMessage snapshot = facilitator.awaitReply(1);
        assertTrue(snapshot.hasSnapshot(), snapshot.toString());
        phases.add(snapshot.getSnapshot().getPhase().name());
      }
      assertEquals(List.of("TURN_OPEN"), phases.stream().distinct().toList());
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void whileRecoveringAnUnknownNameIsTryAgainAndAfterwardsUnknown() {
    ManualThread thread = new ManualThread();
    SessionManager manager = new SessionManager(() -> thread, Journals.inMemory(), null, 100, 5);
    manager.recoveryProgress().starting();
    FakeConnection c = new FakeConnection("10.0.3.1:1");

    manager.handle(c, join(1, "ABCDEFGH"));
    manager.handle(c, resume(2, "some-token"));
    manager.handle(c, replay(3, "s-nothere"));
    for (long rid = 1; rid <= 3; rid++) {
      ServerMessage reply = c.reply(rid);
      assertEquals(ErrorCode.UNAVAILABLE, reply.getError().getCode(), reply.toString());
      assertTrue(reply.getError().getRetryAfterMs() > 0, reply.toString());
    }
    assertFalse(manager.recoveryProgress().finished());

    assertEquals(0, manager.recoverAll());
    manager.handle(c, join(4, "ABCDEFGH"));
    manager.handle(c, resume(5, "some-token"));
    manager.handle(c, replay(6, "s-nothere"));
    assertEquals(ErrorCode.NOT_FOUND, c.reply(4).getError().getCode());
    assertEquals(ErrorCode.UNAUTHENTICATED, c.reply(5).getError().getCode());
    assertEquals(ErrorCode.NOT_FOUND, c.reply(6).getError().getCode());
  }

  @Test
  void findsItsOwnSessionsByIdJoinCodeAndTokenAndNoOthers() {
    SessionFixture f = new SessionFixture().givenSession(SessionSettings.newBuilder().build());
    String id = f.created.getSessionId();
    assertEquals(Optional.of(id), f.manager.sessionHere(SessionKey.sessionId(id)));
    assertEquals(
        Optional.of(id), f.manager.sessionHere(SessionKey.joinCode(f.created.getJoinCode())));
    assertEquals(
        Optional.of(id), f.manager.sessionHere(SessionKey.token(f.created.getFacilitatorToken())));
    assertEquals(Optional.empty(), f.manager.sessionHere(SessionKey.sessionId("s-other")));
    assertEquals(Optional.empty(), f.manager.sessionHere(SessionKey.joinCode("zzzz-zzzz")));
    assertEquals(Optional.empty(), f.manager.sessionHere(SessionKey.token("not-a-token")));
  }

  private static ClientMessage join(long rid, String code) {
    return ClientMessage.newBuilder()
        .setRequestId(rid)
        .setJoinSession(JoinSession.newBuilder().setJoinCode(code).setDisplayName("Ann"))
        .build();
  }

  private static ClientMessage resume(long rid, String token) {
    return ClientMessage.newBuilder()
        .setRequestId(rid)
        .setResume(Resume.newBuilder().setToken(token))
        .build();
  }

  private static ClientMessage replay(long rid, String id) {
    return ClientMessage.newBuilder()
        .setRequestId(rid)
        .setGetReplay(GetReplay.newBuilder().setSessionId(id))
        .build();
  }
}
