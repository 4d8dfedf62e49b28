package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.session.SessionFixture.assertError;
import static org.quarterdeck.server.session.SessionFixture.even;
import static org.quarterdeck.server.session.SessionFixture.spread;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CustomEvent;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.InjectEvent;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.Variable;
import org.quarterdeck.server.engine.ModelVersion;
import org.quarterdeck.server.replay.Reenactment;
import org.quarterdeck.server.replay.Timeline;
import org.quarterdeck.server.session.SessionFixture.Player;

/** A session rebuilt from its log is the same session: same state, seats, drafts and clock. */
class SessionReplayTest {

  private static GameSession live(SessionFixture f) throws Exception {
    GameSession[] out = new GameSession[1];
    f.manager.onSession(f.created.getSessionId(), s -> out[0] = s).get();
    return out[0];
  }

  private static GameSession replay(List<SessionRecord> records, ManualThread thread)
      throws SessionRebuilder.ReplayException {
    return SessionRebuilder.replay(
        records, thread, SessionJournal.discarding(), new Outbox(thread));
  }

  private static void assertSameSession(GameSession a, GameSession b) {
    assertEquals(a.game().stateHashHex(), b.game().stateHashHex());
    assertEquals(a.game().turn(), b.game().turn());
    assertEquals(a.phase(), b.phase());
    assertEquals(a.deadline().remainingMs(), b.deadline().remainingMs());
    for (int i = 0; i < a.seats().size(); i++) {
      SeatState x = a.seats().get(i);
      SeatState y = b.seats().get(i);
      assertEquals(x.human(), y.human());
      if (x.human()) {
        assertEquals(x.player.tokenHash, y.player.tokenHash);
        assertEquals(x.player.displayName, y.player.displayName);
      } else {
        assertEquals(x.bot == null, y.bot == null);
      }
      assertEquals(x.wireDecision, y.wireDecision);
      assertEquals(x.version, y.version);
    }
  }

  @Test
  void aSessionWithEveryKindOfRecordReplaysExactly() throws Exception {
    SessionFixture f = new SessionFixture();
    f.givenSession(
        SessionSettings.newBuilder()
            .setTeams(3)
            .setTurnDeadlineSeconds(30)
            .setSeed(5)
            .addBotStrategies("adaptive")
            .addBotStrategies("adaptive")
            .addBotStrategies("numbers")
            .build());
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    f.submit(ana, 1, 2, spread(f.lastOpening(ana), 1.0, "coach", "push"));
    f.thread.advanceSeconds(30); // Ben misses turn 1
    f.facilitate(
        FacilitatorCommand.newBuilder()
            .setInject(
                InjectEvent.newBuilder()
                    .setCustom(
                        CustomEvent.newBuilder()
                            .setTitle("Party")
                            .setNarrative("Cake")
                            .addEffects(Variable.newBuilder().setName("morale").setValue(5)))));
    f.submit(ben, 2, 1, even(f.lastOpening(ben)));
    f.thread.advanceSeconds(10);
    f.facilitate(FacilitatorCommand.newBuilder().setPause(Empty.getDefaultInstance()));
    f.facilitate(FacilitatorCommand.newBuilder().setExtendSeconds(20));
    f.facilitate(FacilitatorCommand.newBuilder().setResume(Empty.getDefaultInstance()));
    f.facilitate(
        FacilitatorCommand.newBuilder()
            .setKick(SeatRef.newBuilder().setTeam(ben.team).setHat(Hat.BOTH)));
    f.facilitate(FacilitatorCommand.newBuilder().setBroadcast("Hello"));
    f.submit(ana, 2, 1, even(f.lastOpening(ana))); // closes turn 2: Ben's seat is a bot now
    Player cy = f.join("Cy");
    f.submit(cy, 3, 1, spread(f.lastOpening(cy), 0.5, "change"));
    long until = f.thread.nowMillis() + 90_000;
    f.facilitate(FacilitatorCommand.newBuilder().setDeadlineAtEpochMs(until));
    f.thread.advanceSeconds(7);

    GameSession original = live(f);
    ManualThread other = new ManualThread();
    other.advanceSeconds((f.thread.nowMillis() - other.nowMillis()) / 1000);
    GameSession rebuilt = replay(f.journal(), other);
    assertEquals(3, original.game().turn());
    assertSameSession(original, rebuilt);
    assertEquals(original.records(), rebuilt.records());
    assertEquals(until, rebuilt.deadline().deadlineMs(), "the deadline set by clock time");
  }

  /**
   * A rebuild skips building past turns' reports (only a reconnecting player's snapshot and the
   * facilitator's view read them) and builds them from the log when first asked: they must be the
   * reports the live session built, in order, also after the rebuilt session closes a turn itself.
   */
  @Test
  void pastReportsOfARebuiltSessionAreTheLiveSessionsOnes() throws Exception {
    SessionFixture f = new SessionFixture();
    f.givenSession(
        SessionSettings.newBuilder()
            .setTeams(3)
            .setTurnDeadlineSeconds(30)
            .setSeed(11)
            .addBotStrategies("adaptive")
            .addBotStrategies("numbers")
            .addBotStrategies("balanced")
            .build());
    Player ana = f.join("Ana");
    f.start();
    f.submit(ana, 1, 1, spread(f.lastOpening(ana), 1.0, "coach", "push"));
    f.facilitate(
        FacilitatorCommand.newBuilder()
            .setInject(
                InjectEvent.newBuilder()
                    .setCustom(
                        CustomEvent.newBuilder()
                            .setTitle("Offsite")
                            .setNarrative("Two days away")
                            .addEffects(Variable.newBuilder().setName("morale").setValue(3)))));
    f.submit(ana, 2, 1, even(f.lastOpening(ana)));
    f.thread.advanceSeconds(30); // turn 3 by its deadline
    f.submit(ana, 4, 1, even(f.lastOpening(ana)));

    GameSession original = live(f);
    ManualThread other = new ManualThread();
    other.advanceSeconds((f.thread.nowMillis() - other.nowMillis()) / 1000);
    GameSession rebuilt = replay(f.journal(), other);
    assertEquals(5, rebuilt.game().turn());
    for (int team = 0; team < 3; team++) {
      assertEquals(4, original.reports(team).size());
      assertEquals(original.reports(team), rebuilt.reports(team), "team " + team);
      assertEquals(original.latestReport(team), rebuilt.latestReport(team), "team " + team);
    }
    assertEquals(original.eventHistory(), rebuilt.eventHistory());

    // asked only after the rebuilt session closed a turn of its own: the replayed turns come first
    GameSession again = replay(f.journal(), other);
    f.thread.advanceSeconds(30);
    other.advanceSeconds(30);
    assertEquals(6, original.game().turn());
    assertEquals(6, again.game().turn());
    assertEquals(original.game().stateHashHex(), again.game().stateHashHex());
    assertEquals(original.eventHistory(), again.eventHistory());
    for (int team = 0; team < 3; team++) {
      assertEquals(5, again.reports(team).size());
      assertEquals(original.reports(team), again.reports(team), "team " + team);
      assertEquals(original.latestReport(team), again.latestReport(team), "team " + team);
    }
  }

  @Test
  void aTamperedHashIsRefused() throws Exception {
    SessionFixture f = new SessionFixture();
    f.givenSession(SessionSettings.newBuilder().setTeams(2).setSeed(3).build());
    Player ana = f.join("Ana");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    List<SessionRecord> records = new ArrayList<>(f.journal());
    int closed = -1;
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).hasTurnClosed()) {
        closed = i;
      }
    }
    SessionRecord r = records.get(closed);
    records.set(
        closed,
        r.toBuilder()
            .setTurnClosed(
                r.getTurnClosed().toBuilder()
                    .setStateHash("00" + r.getTurnClosed().getStateHash().substring(2)))
            .build());
    SessionRebuilder.ReplayException e =
        assertThrows(
            SessionRebuilder.ReplayException.class, () -> replay(records, new ManualThread()));
    assertTrue(e.getMessage().contains("state hash mismatch"), e.getMessage());
  }

  @Test
  void aLogOfAnotherModelVersionIsRefusedByRecoveryAndReplayNamingTheVersion() throws Exception {
    SessionFixture f = new SessionFixture();
    f.givenSession(SessionSettings.newBuilder().setTeams(2).setSeed(3).build());
    Player ana = f.join("Ana");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    List<SessionRecord> records = new ArrayList<>(f.journal());
    assertEquals(
        ModelVersion.CURRENT,
        records.get(0).getOpened().getModelVersion(),
        "the log records the model version");
    // a log written before the field existed was played with model version 1
    records.set(
        0,
        records.get(0).toBuilder()
            .setOpened(records.get(0).getOpened().toBuilder().clearModelVersion())
            .build());
    SessionRebuilder.ReplayException e =
        assertThrows(
            SessionRebuilder.ReplayException.class, () -> replay(records, new ManualThread()));
    assertTrue(e.getMessage().contains("model version 1"), e.getMessage());
    Reenactment.ReenactmentException r =
        assertThrows(
            Reenactment.ReenactmentException.class,
            () -> new Reenactment(Timeline.of(records)).actual());
    assertTrue(r.getMessage().contains("model version 1"), r.getMessage());
    assertEquals(
        2,
        new Reenactment(Timeline.of(f.journal())).actual().size() + 1,
        "the current version replays");
  }

  /** Any random game, replayed from its log, reaches the same hashes turn after turn. */
  @Property(tries = 25)
  void anyRandomGameReplaysToItsHashes(
      @ForAll @IntRange(min = 1, max = 4) int teams,
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 1_000_000) int choices)
      throws Exception {
    SessionFixture f = new SessionFixture();
    f.givenSession(
        SessionSettings.newBuilder()
            .setTeams(teams)
            .setSeed(seed)
            .setTurnDeadlineSeconds(60)
            .build());
    java.util.SplittableRandom random = new java.util.SplittableRandom(choices);
    List<Player> players = new ArrayList<>();
    int humans = 1 + random.nextInt(teams);
    for (int i = 0; i < humans; i++) {
      players.add(f.join("P" + i));
    }
    f.start();
    String[] acts = {
      "push",
      "report",
      "process",
      "firefight",
      "coach",
      "change",
      "challenge",
      "vision",
      "serve",
      "values"
    };
    for (int step = 0; step < 40 && f.lastOpening(players.get(0)).getTurn() <= 12; step++) {
      Player p = players.get(random.nextInt(players.size()));
      TurnOpened open = f.lastOpening(p);
      switch (random.nextInt(5)) {
        case 0, 1, 2 -> {
          ServerMessage ok =
              f.submit(
                  p,
                  open.getTurn(),
                  nextVersion(f, p, open.getTurn()),
                  spread(
                      open,
                      random.nextDouble(),
                      acts[random.nextInt(acts.length)],
                      acts[random.nextInt(acts.length)]));
          assertTrue(ok.hasDecisionAccepted() || ok.hasError(), ok.toString());
        }
        case 3 -> f.thread.advanceSeconds(random.nextInt(70));
        default ->
            f.facilitate(
                FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()));
      }
      if (!p.connection.all(ServerMessage::hasSessionEnded).isEmpty()) {
        break;
      }
    }
    GameSession original = live(f);
    ManualThread other = new ManualThread();
    other.advanceSeconds((f.thread.nowMillis() - other.nowMillis()) / 1000);
    assertSameSession(original, replay(f.journal(), other));
  }

  private static int nextVersion(SessionFixture f, Player p, int turn) {
    return p.connection
            .all(m -> m.hasDecisionAccepted() && m.getDecisionAccepted().getTurn() == turn)
            .size()
        + 1;
  }

  @Test
  void aFailedWriteIsUnavailableAndChangesNothing() throws Exception {
    AtomicInteger failNext = new AtomicInteger();
    Journals memory = Journals.inMemory();
    Journals flaky =
        new Journals() {
          @Override
          public SessionJournal create(String id) {
            SessionJournal inner = memory.create(id);
            // like the event log: after a failed write, nothing more is written until the session
            // has been rebuilt from what is durable
            return new SessionJournal() {
              private boolean broken;

              @Override
              public CompletableFuture<Void> append(SessionRecord record) {
                if (broken || failNext.getAndDecrement() > 0) {
                  broken = true;
                  return CompletableFuture.failedFuture(
                      new java.io.IOException("No space left on device"));
                }
                return inner.append(record);
              }

              @Override
              public void reset(long durableRecords) {
                broken = false;
              }
            };
          }

          @Override
          public List<String> sessionIds() {
            return memory.sessionIds();
          }

          @Override
          public Stored recover(String id) {
            return memory.recover(id);
          }

          @Override
          public Stored read(String id) {
            return memory.read(id);
          }
        };
    ManualThread thread = new ManualThread();
    SessionManager manager = new SessionManager(() -> thread, flaky, null, 10, 5);
    FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
    manager.handle(
        facilitator,
        ClientMessage.newBuilder()
            .setRequestId(1)
            .setCreateSession(
                org.quarterdeck.protocol.v1.CreateSession.newBuilder()
                    .setSettings(
                        SessionSettings.newBuilder().setTeams(2).setTurnDeadlineSeconds(60)))
            .build());
    var created = facilitator.reply(1).getSessionCreated();
    FakeConnection ana = new FakeConnection("10.0.0.2:1");
    manager.handle(
        ana,
        ClientMessage.newBuilder()
            .setRequestId(2)
            .setJoinSession(
                org.quarterdeck.protocol.v1.JoinSession.newBuilder()
                    .setJoinCode(created.getJoinCode())
                    .setDisplayName("Ana")
                    .setPreferredTeam(-1))
            .build());
    assertTrue(ana.reply(2).hasJoined());
    manager.handle(
        facilitator,
        ClientMessage.newBuilder()
            .setRequestId(3)
            .setResume(
                org.quarterdeck.protocol.v1.Resume.newBuilder()
                    .setToken(created.getFacilitatorToken()))
            .build());
    manager.handle(
        facilitator,
        ClientMessage.newBuilder()
            .setRequestId(4)
            .setFacilitator(FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()))
            .build());
    TurnOpened open = ana.all(ServerMessage::hasTurnOpened).get(0).getTurnOpened();

    failNext.set(1); // the disk is full for the next write
    manager.handle(
        ana,
        ClientMessage.newBuilder()
            .setRequestId(5)
            .setSubmitDecision(
                org.quarterdeck.protocol.v1.SubmitDecision.newBuilder()
                    .setTurn(1)
                    .setVersion(1)
                    .setDecision(even(open)))
            .build());
    ServerMessage refused = ana.reply(5);
    assertError(ErrorCode.UNAVAILABLE, refused);
    assertTrue(refused.getError().getMessage().contains("No space left"), refused.toString());
    ServerMessage snapshot = ana.all(ServerMessage::hasSnapshot).get(0);
    assertEquals(0, snapshot.getSnapshot().getDraftVersion(), "nothing was kept");
    assertEquals(Phase.TURN_OPEN, snapshot.getSnapshot().getPhase());

    manager.handle(
        ana,
        ClientMessage.newBuilder()
            .setRequestId(6)
            .setSubmitDecision(
                org.quarterdeck.protocol.v1.SubmitDecision.newBuilder()
                    .setTurn(1)
                    .setVersion(1)
                    .setDecision(even(open)))
            .build());
    assertTrue(ana.reply(6).hasDecisionAccepted(), "the disk is back: " + ana.reply(6));
    assertEquals(1, manager.sessionCount());
  }
}
