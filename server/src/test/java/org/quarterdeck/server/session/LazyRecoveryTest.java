package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.session.SessionFixture.even;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.TurnClosed;
import org.quarterdeck.server.session.SessionFixture.Player;

/**
 * Serving at once and rebuilding behind, at start and when a cluster node takes sessions over: a
 * session not rebuilt yet answers a request exactly as an eagerly rebuilt one does (the request
 * waits for its rebuild), and a deadline that falls due before the session was rebuilt still fires.
 */
class LazyRecoveryTest {

  /** Rebuilds behind only when the test says so. */
  private static final class HeldBack implements java.util.concurrent.Executor {
    final List<Runnable> tasks = new ArrayList<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }
  }

  private static ManualThread threadAt(long nowMillis) {
    ManualThread t = new ManualThread();
    t.advanceSeconds((nowMillis - t.nowMillis()) / 1000);
    return t;
  }

  private static String stateHash(SessionManager manager, String id) throws Exception {
    String[] hash = new String[1];
    manager.onSession(id, s -> hash[0] = s.game().stateHashHex()).get();
    return hash[0];
  }

  /** Start-up of the file store, and a cluster node's takeover of a dead node's sessions. */
  @ParameterizedTest
  @ValueSource(strings = {"start", "takeover"})
  void aSessionNotRebuiltYetAnswersAsAnEagerlyRebuiltOne(String start) throws Exception {
    SessionFixture f = new SessionFixture();
    f.givenSession(
        SessionSettings.newBuilder()
            .setTeams(3)
            .setTurnDeadlineSeconds(60)
            .setSeed(21)
            .addBotStrategies("adaptive")
            .addBotStrategies("numbers")
            .addBotStrategies("balanced")
            .build());
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    f.submit(ben, 1, 1, even(f.lastOpening(ben)));
    f.submit(ana, 2, 1, even(f.lastOpening(ana)));
    f.thread.advanceSeconds(60); // Ben misses turn 2
    f.submit(ben, 3, 1, even(f.lastOpening(ben)));
    String id = f.created.getSessionId();

    ManualThread eagerThread = threadAt(f.thread.nowMillis());
    SessionManager eager = new SessionManager(() -> eagerThread, f.storage, null, 100, 5);
    assertEquals(1, eager.recoverAll());

    ManualThread lazyThread = threadAt(f.thread.nowMillis());
    SessionManager lazy = new SessionManager(() -> lazyThread, f.storage, null, 100, 5);
    HeldBack behind = new HeldBack();
    CompletableFuture<Integer> rebuilt =
        start.equals("takeover")
            ? lazy.takeOver(List.of(id), behind).rebuilt()
            : lazy.serveWhileRebuilding(1, behind);
    assertTrue(lazy.recoveryProgress().finished(), "serving: every log is read and indexed");
    assertEquals(1, lazy.sessionsToRebuild());
    assertEquals(0, lazy.sessionCount());
    assertTrue(lazy.holds(id), "a cluster routes a session waiting for its rebuild here");

    for (String token : List.of(ana.token, ben.token, f.created.getFacilitatorToken())) {
      ServerMessage expected = SessionFixture.resume(eager, token);
      assertTrue(expected.hasSnapshot(), expected.toString());
      assertEquals(expected, SessionFixture.resume(lazy, token));
    }
    assertEquals(0, lazy.sessionsToRebuild());
    assertEquals(1, lazy.sessionCount());
    assertEquals(stateHash(eager, id), stateHash(lazy, id));

    behind.tasks.forEach(Runnable::run); // the rebuild behind finds it rebuilt already
    assertEquals(1, rebuilt.get());
    assertTrue(lazy.quarantined().isEmpty(), lazy.quarantined().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"start", "takeover"})
  void aDeadlineThatFallsDueBeforeTheRebuildStillFires(String start) throws Exception {
    SessionFixture f = new SessionFixture();
    f.givenSession(
        SessionSettings.newBuilder()
            .setTeams(2)
            .setTurnDeadlineSeconds(30)
            .setSeed(4)
            .addBotStrategies("adaptive")
            .addBotStrategies("adaptive")
            .build());
    f.join("Ana"); // who never submits: the turn waits for its deadline
    f.start();
    String id = f.created.getSessionId();

    ManualThread lazyThread = threadAt(f.thread.nowMillis() + 10_000); // restarted 10 s later
    SessionManager lazy = new SessionManager(() -> lazyThread, f.storage, null, 100, 5);
    HeldBack behind = new HeldBack();
    if (start.equals("takeover")) {
      assertEquals(1, lazy.takeOver(List.of(id), behind).serving());
    } else {
      lazy.serveWhileRebuilding(1, behind);
    }
    assertEquals(1, lazy.sessionsToRebuild());

    lazyThread.advanceSeconds(19);
    assertEquals(1, lazy.sessionsToRebuild(), "not due yet, and nothing asked for it");
    assertEquals(0, closedByDeadline(f.storage.read(id).records()));

    lazyThread.advanceSeconds(2);
    assertEquals(0, lazy.sessionsToRebuild());
    assertEquals(
        1, closedByDeadline(f.storage.read(id).records()), "turn 1 closed by its deadline");
    assertEquals(2, turnOfSession(lazy, id));
    assertTrue(behind.tasks.size() <= 1);
  }

  private static long closedByDeadline(List<SessionRecord> records) {
    return records.stream()
        .filter(
            r -> r.hasTurnClosed() && r.getTurnClosed().getTrigger() == TurnClosed.Trigger.DEADLINE)
        .count();
  }

  private static int turnOfSession(SessionManager manager, String id) throws Exception {
    int[] turn = new int[1];
    manager.onSession(id, s -> turn[0] = s.game().turn()).get();
    return turn[0];
  }
}
