package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CustomEvent;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.GetReplay;
import org.quarterdeck.protocol.v1.InjectEvent;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.ReplayFrame;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.Variable;
import org.quarterdeck.server.replay.Export;
import org.quarterdeck.server.replay.Reenactment;
import org.quarterdeck.server.replay.Timeline;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.session.SessionFixture.Player;

/**
 * A crash can cut a log after any record. For every record boundary of a recorded 12-turn game (two
 * people, a bot, deadlines that expire, a pause, a revision, an injected event), recovery from that
 * prefix must give a session that is not quarantined, whose log then replays through the engine
 * alone (GetReplay, {@code verify}) and exports, and that goes on playing with a log that still
 * replays. The same proof as a process killed at each of those points, without a process per cut.
 */
class RecordBoundaryRecoveryTest {
  private static List<SessionRecord> recorded;
  private static String sessionId;
  private static String facilitatorToken;

  @BeforeAll
  static void recordAGame() {
    SessionFixture f = new SessionFixture();
    // teams 0 and 1 wait for people, team 2 is the adaptive bot
    f.givenSession(
        SessionSettings.newBuilder()
            .setTeams(3)
            .setTurnDeadlineSeconds(60)
            .setSeed(77)
            .addBotStrategies("")
            .addBotStrategies("")
            .addBotStrategies("adaptive")
            .build());
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.start();
    for (int round = 0; round < 40; round++) {
      if (!ana.connection.all(ServerMessage::hasSessionEnded).isEmpty()) {
        break;
      }
      TurnOpened open = f.lastOpening(ana);
      int turn = open.getTurn();
      if (turn == 2 && f.journal().stream().noneMatch(SessionRecord::hasInjected)) {
        assertTrue(
            f.facilitate(
                    FacilitatorCommand.newBuilder()
                        .setInject(
                            InjectEvent.newBuilder()
                                .setCustom(
                                    CustomEvent.newBuilder()
                                        .setTitle("Audit")
                                        .setNarrative("An audit takes the team's week")
                                        .addEffects(
                                            Variable.newBuilder().setName("morale").setValue(-4)))))
                .hasFacilitatorAck());
        open = f.lastOpening(ana);
      }
      if (turn == 3) {
        f.facilitate(FacilitatorCommand.newBuilder().setPause(Empty.getDefaultInstance()));
        f.thread.advanceSeconds(30);
        f.facilitate(FacilitatorCommand.newBuilder().setResume(Empty.getDefaultInstance()));
      }
      assertTrue(
          f.submit(ana, turn, 1, SessionFixture.spread(open, 0.5, "push", "coach"))
              .hasDecisionAccepted());
      if (turn % 3 == 0) {
        f.thread.advanceSeconds(61); // Ben misses the deadline: the default decision plays
      } else {
        TurnOpened bens = f.lastOpening(ben);
        assertTrue(
            f.submit(ben, turn, 1, SessionFixture.spread(bens, 0.9, "push")).hasDecisionAccepted());
        if (turn % 2 == 1) {
          // a revision; the turn already closed once both had submitted, so it may be refused
          f.submit(ben, turn, 2, SessionFixture.even(bens));
        }
      }
    }
    assertFalse(ana.connection.all(ServerMessage::hasSessionEnded).isEmpty(), "the game ended");
    recorded = List.copyOf(f.journal());
    sessionId = f.created.getSessionId();
    facilitatorToken = f.created.getFacilitatorToken();
    assertEquals(12, Timeline.of(recorded).turns().size());
  }

  @Test
  void everyPrefixOfTheLogRecoversReplaysAndExports() throws Exception {
    int checked = 0;
    for (int cut = 1; cut <= recorded.size(); cut++) {
      List<SessionRecord> prefix = recorded.subList(0, cut);
      String at = "cut after record " + (cut - 1) + " (" + prefix.get(cut - 1).getEventCase() + ")";
      Journals storage = Journals.inMemory();
      SessionJournal journal = storage.create(sessionId);
      prefix.forEach(journal::append);
      ManualThread thread = new ManualThread();
      thread.advanceSeconds(prefix.get(cut - 1).getAtMs() / 1000 + 1);
      SessionManager manager = new SessionManager(() -> thread, storage, null, 100, 5);

      assertEquals(1, manager.recoverAll(), at + ": " + manager.quarantined());
      List<SessionRecord> after = storage.read(sessionId).records();
      assertTrue(after.size() >= cut, at);
      assertEquals(prefix, after.subList(0, cut), at + ": recovery only appends");
      replaysVerifiesAndExports(after, at);

      // play on: the facilitator forces the open turn; the log must still replay
      FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
      manager.handle(
          facilitator,
          ClientMessage.newBuilder()
              .setRequestId(1)
              .setResume(Resume.newBuilder().setToken(facilitatorToken))
              .build());
      ServerMessage snapshot = facilitator.reply(1);
      assertTrue(snapshot.hasSnapshot(), at + ": " + snapshot);
      Phase phase = snapshot.getSnapshot().getPhase();
      if (phase == Phase.TURN_OPEN || phase == Phase.PAUSED) {
        manager.handle(
            facilitator,
            ClientMessage.newBuilder()
                .setRequestId(2)
                .setFacilitator(
                    FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()))
                .build());
        assertTrue(facilitator.reply(2).hasFacilitatorAck(), at + ": " + facilitator.reply(2));
      }
      manager.handle(
          facilitator,
          ClientMessage.newBuilder()
              .setRequestId(3)
              .setGetReplay(GetReplay.getDefaultInstance())
              .build());
      ServerMessage replay = facilitator.reply(3);
      assertTrue(replay.hasReplay(), at + ": " + replay);
      replaysVerifiesAndExports(storage.read(sessionId).records(), at + ", then played on");
      checked++;
    }
    assertEquals(recorded.size(), checked);
    assertTrue(checked > 50, "a 12-turn game has many records: " + checked);
  }

  /** What {@code verify} and {@code export} do with a log: replay it through the engine alone. */
  private static void replaysVerifiesAndExports(List<SessionRecord> log, String at)
      throws Exception {
    Timeline timeline = Timeline.of(log);
    List<ReplayFrame> frames;
    try {
      frames = new Reenactment(timeline).actual();
    } catch (Reenactment.ReenactmentException e) {
      throw new AssertionError(at + ": the log does not replay: " + e.getMessage(), e);
    }
    assertEquals(timeline.turns().size(), frames.size(), at);
    var acts =
        ScenarioCatalog.forLog(
                timeline.opened().getScenarioSource(),
                timeline.opened().getScenarioText(),
                timeline.opened().getScenarioSha256())
            .rules()
            .acts();
    assertFalse(Export.csv(sessionId, frames, acts).isEmpty(), at);
    assertFalse(Export.json(sessionId, frames, log).isEmpty(), at);
    try {
      SessionRebuilder.replay(
          log, new ManualThread(), SessionJournal.discarding(), new Outbox(Runnable::run));
    } catch (SessionRebuilder.ReplayException e) {
      throw new AssertionError(at + ": the session does not rebuild: " + e.getMessage(), e);
    }
  }

  /** The cut at TurnClosed the issue reported: recovery records the next opening it plays. */
  @Test
  void aCutRightAfterTurnClosedRecordsTheNextOpening() throws Exception {
    int closed = -1;
    for (int i = 0; i < recorded.size(); i++) {
      if (recorded.get(i).hasTurnClosed() && recorded.get(i).getTurnClosed().getTurn() == 2) {
        closed = i;
      }
    }
    Journals storage = Journals.inMemory();
    SessionJournal journal = storage.create(sessionId);
    recorded.subList(0, closed + 1).forEach(journal::append);
    ManualThread thread = new ManualThread();
    SessionManager manager = new SessionManager(() -> thread, storage, null, 100, 5);
    assertEquals(1, manager.recoverAll());
    List<SessionRecord> after = new ArrayList<>(storage.read(sessionId).records());
    List<SessionRecord> added = after.subList(closed + 1, after.size());
    assertTrue(
        added.stream().anyMatch(r -> r.hasTurnStarted() && r.getTurnStarted().getTurn() == 3),
        "TurnStarted(3) is recorded: " + added);
    assertTrue(
        added.stream()
            .anyMatch(
                r -> r.hasDecision() && r.getDecision().getBot() && r.getDecision().getTurn() == 3),
        "the bot's decision for turn 3 is recorded");
  }
}
