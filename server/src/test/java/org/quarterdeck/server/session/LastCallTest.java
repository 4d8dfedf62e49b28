package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.session.SessionFixture.assertError;
import static org.quarterdeck.server.session.SessionFixture.even;
import static org.quarterdeck.server.session.SessionFixture.spread;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SubmissionProgress;
import org.quarterdeck.protocol.v1.TurnClosed;
import org.quarterdeck.server.session.SessionFixture.Player;

/** The last call: after every player has submitted, everyone may still revise for a while. */
class LastCallTest {
  private final SessionFixture f = new SessionFixture();

  private static SessionSettings settings(int lastCallSeconds, int deadlineSeconds) {
    return SessionSettings.newBuilder()
        .setTeams(2)
        .setTurnDeadlineSeconds(deadlineSeconds)
        .setSeed(7)
        .setLastCallSeconds(lastCallSeconds)
        .build();
  }

  private static List<ServerMessage> resolved(Player p) {
    return p.connection.all(ServerMessage::hasTurnResolved);
  }

  private static SubmissionProgress lastProgress(Player p) {
    List<ServerMessage> all = p.connection.all(ServerMessage::hasSubmissionProgress);
    return all.get(all.size() - 1).getSubmissionProgress();
  }

  @Test
  void theLastSubmitterCanReviseUntilTheLastCallEnds() {
    f.givenSession(settings(10, 600));
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    f.submit(ben, 1, 1, even(f.lastOpening(ben)));

    assertTrue(resolved(ana).isEmpty(), "the last submission starts the last call, not the turn");
    SubmissionProgress call = lastProgress(ana);
    assertEquals(2, call.getSubmitted());
    assertEquals(10_000, call.getClosesInMs());
    assertEquals(f.thread.nowMillis() + 10_000, call.getClosesEpochMs());

    f.thread.advanceSeconds(9);
    ServerMessage revised = f.submit(ben, 1, 2, spread(f.lastOpening(ben), 0.5, "push"));
    assertEquals(2, revised.getDecisionAccepted().getVersion(), revised.toString());
    assertTrue(resolved(ben).isEmpty());

    f.thread.advanceSeconds(1);
    var report = resolved(ben).get(0).getTurnResolved().getReport();
    assertEquals(1, report.getDecision().getHoursCount(), "the revision counted");
    assertEquals("push", report.getDecision().getHours(0).getAct());
    assertEquals(
        TurnClosed.Trigger.ALL_SUBMITTED,
        f.journal().stream()
            .filter(r -> r.hasTurnClosed())
            .findFirst()
            .orElseThrow()
            .getTurnClosed()
            .getTrigger());
  }

  @Test
  void withoutALastCallTheLastSubmissionResolvesAtOnce() {
    f.givenSession(settings(0, 600));
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    f.submit(ben, 1, 1, even(f.lastOpening(ben)));
    assertEquals(1, resolved(ana).size());
    assertEquals(0, lastProgress(ana).getClosesEpochMs(), "no last call announced");
  }

  @Test
  void aDeadlineThatComesFirstStillResolvesTheTurn() {
    f.givenSession(settings(10, 20));
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.start();
    f.thread.advanceSeconds(15);
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    f.submit(ben, 1, 1, even(f.lastOpening(ben)));
    f.thread.advanceSeconds(5);
    assertEquals(1, resolved(ana).size(), "the deadline is not moved by the last call");
    f.thread.advanceSeconds(6); // past the end of the last call, before turn 2's deadline
    assertEquals(1, resolved(ana).size(), "the passed last call resolves nothing more");
    assertEquals(2, f.lastOpening(ana).getTurn());
  }

  @Test
  void aPauseStopsTheLastCallAndTheResumeGivesItBackInFull() {
    f.givenSession(settings(10, 0));
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    f.submit(ben, 1, 1, even(f.lastOpening(ben)));
    f.thread.advanceSeconds(4);
    f.facilitate(FacilitatorCommand.newBuilder().setPause(Empty.getDefaultInstance()));
    f.thread.advanceSeconds(60);
    assertTrue(resolved(ana).isEmpty(), "nothing resolves while paused");
    assertError(ErrorCode.WRONG_PHASE, f.submit(ana, 1, 2, even(f.lastOpening(ana))));

    f.facilitate(FacilitatorCommand.newBuilder().setResume(Empty.getDefaultInstance()));
    assertEquals(10_000, lastProgress(ana).getClosesInMs(), "the whole last call again");
    f.thread.advanceSeconds(9);
    assertTrue(resolved(ana).isEmpty());
    f.thread.advanceSeconds(1);
    assertEquals(1, resolved(ana).size());
  }

  @Test
  void aPlayerWhoTakesABotSeatDuringTheLastCallIsWaitedFor() {
    f.givenSession(settings(10, 0));
    Player ana = f.join("Ana");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    assertEquals(10_000, lastProgress(ana).getClosesInMs());

    Player ben = f.join("Ben");
    SubmissionProgress waiting = lastProgress(ana);
    assertEquals(1, waiting.getSubmitted());
    assertEquals(2, waiting.getExpected());
    assertEquals(0, waiting.getClosesEpochMs(), "the last call is called off");
    f.thread.advanceSeconds(30);
    assertTrue(resolved(ana).isEmpty(), "the newcomer has not decided yet");

    f.submit(ben, 1, 1, even(f.lastOpening(ben)));
    f.thread.advanceSeconds(10);
    assertEquals(1, resolved(ana).size());
  }

  @Test
  void aReconnectingPlayerSeesTheLastCallInTheSnapshot() {
    f.givenSession(settings(10, 0));
    Player ana = f.join("Ana");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    f.thread.advanceSeconds(3);
    FakeConnection again = new FakeConnection("10.0.1.9:2001");
    ServerMessage snap =
        f.send(
            again, ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(ana.token)));
    SubmissionProgress p = snap.getSnapshot().getProgress();
    assertEquals(1, p.getSubmitted());
    assertEquals(7_000, p.getClosesInMs());
  }

  @Test
  void aLastCallLongerThanTwoMinutesIsRefused() {
    FakeConnection c = new FakeConnection("10.0.0.2:1000");
    ServerMessage reply =
        f.send(
            c,
            ClientMessage.newBuilder()
                .setCreateSession(CreateSession.newBuilder().setSettings(settings(121, 0))));
    assertError(ErrorCode.INVALID_ARGUMENT, reply);
    assertTrue(reply.getError().getMessage().contains("last_call_seconds"), reply.toString());
  }
}
