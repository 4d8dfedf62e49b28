package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CustomEvent;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.InjectEvent;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.Variable;
import org.quarterdeck.server.replay.Reenactment;
import org.quarterdeck.server.replay.Timeline;
import org.quarterdeck.server.session.SessionFixture.Player;

/**
 * A log written while the server's limits were looser recovers under today's tighter ones: a
 * rebuild applies what the log records (a title, a seat's name, people on a team, an event's texts)
 * and never asks today's limits again. The log is one a real game wrote, with the fields that
 * limits guard widened past today's limits, as an older, looser server would have accepted them;
 * none of them feeds the engine, so the recorded hashes stay what they were.
 */
class LooserLimitsRecoveryTest {
  private static final String LONG_TITLE = "T".repeat(SessionManager.MAX_TITLE_CHARS * 3);
  private static final String LONG_NAME = "N".repeat(SessionCommands.MAX_NAME_CHARS * 5);
  private static final String LONG_TEXT = "x".repeat(SessionCommands.MAX_EVENT_TEXT_CHARS * 4);
  private static final int MANY_PEOPLE = SessionManager.MAX_PEOPLE_PER_TEAM + 4;

  @Test
  void aLogBeyondTodaysLimitsRecoversVerifiesAndPlaysOn() throws Exception {
    SessionFixture f = new SessionFixture();
    f.givenSession(
        SessionSettings.newBuilder()
            .setTeams(2)
            .setSeed(11)
            .setPeoplePerTeam(2)
            .setTurnDeadlineSeconds(600)
            .build());
    Player ana = f.join("Ana");
    Player ben = f.join("Ben");
    f.join("Cy"); // a co-player of Ana's team
    f.start();
    assertTrue(
        f.facilitate(
                FacilitatorCommand.newBuilder()
                    .setInject(
                        InjectEvent.newBuilder()
                            .setCustom(
                                CustomEvent.newBuilder()
                                    .setTitle("Audit")
                                    .setNarrative("An audit")
                                    .addEffects(
                                        Variable.newBuilder().setName("morale").setValue(-4)))))
            .hasFacilitatorAck());
    playOneTurn(f, ana, ben);
    String id = f.created.getSessionId();
    List<SessionRecord> looser = widened(f.journal());

    // today's limits refuse each of these widened fields when a client sends them
    FakeConnection late = new FakeConnection("10.0.9.9:1");
    assertErrorCode(
        ErrorCode.INVALID_ARGUMENT,
        f.send(
            late,
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode(f.created.getJoinCode())
                        .setDisplayName(LONG_NAME)
                        .setPreferredTeam(-1))));
    assertErrorCode(
        ErrorCode.INVALID_ARGUMENT,
        f.facilitate(
            FacilitatorCommand.newBuilder()
                .setInject(
                    InjectEvent.newBuilder()
                        .setCustom(
                            CustomEvent.newBuilder().setTitle("a").setNarrative(LONG_TEXT)))));

    // recovered under today's limits: nothing is quarantined
    Journals storage = Journals.inMemory();
    SessionJournal journal = storage.create(id);
    looser.forEach(journal::append);
    ManualThread thread = new ManualThread();
    thread.advanceSeconds(looser.get(looser.size() - 1).getAtMs() / 1000 + 1);
    SessionManager recovered = new SessionManager(() -> thread, storage, null, 100, 5);
    assertEquals(1, recovered.recoverAll(), recovered.quarantined().toString());
    assertTrue(recovered.quarantined().isEmpty());
    assertHashChainHolds(storage.read(id).records());

    // the recorded facts are what the session now holds
    FakeConnection anaAgain = new FakeConnection("10.0.1.3:2");
    ServerMessage snapshot = resume(recovered, anaAgain, ana.token, 1);
    assertTrue(snapshot.hasSnapshot(), snapshot.toString());
    List<String> names = new ArrayList<>();
    recovered
        .onSession(
            id,
            s -> {
              assertEquals(LONG_TITLE, s.title());
              assertEquals(MANY_PEOPLE, s.peoplePerTeam());
              s.forEachMember(m -> names.add(m.displayName));
            })
        .get();
    assertTrue(names.contains(LONG_NAME), names.toString());

    // play on: both players decide, the turn closes, and the longer log still verifies
    FakeConnection benAgain = new FakeConnection("10.0.1.4:2");
    assertTrue(resume(recovered, benAgain, ben.token, 2).hasSnapshot());
    int turn = snapshot.getSnapshot().getOpenTurn().getTurn();
    submit(recovered, anaAgain, turn, snapshot.getSnapshot().getOpenTurn(), 3);
    submit(
        recovered,
        benAgain,
        turn,
        resume(recovered, benAgain, ben.token, 4).getSnapshot().getOpenTurn(),
        5);
    List<SessionRecord> playedOn = storage.read(id).records();
    assertTrue(
        playedOn.subList(looser.size(), playedOn.size()).stream()
            .anyMatch(r -> r.hasTurnClosed() && r.getTurnClosed().getTurn() == turn),
        "the turn after recovery closed and was recorded");
    assertHashChainHolds(playedOn);

    // and that log recovers again, to the same hashes
    Journals again = Journals.inMemory();
    SessionJournal againJournal = again.create(id);
    playedOn.forEach(againJournal::append);
    ManualThread otherThread = new ManualThread();
    otherThread.advanceSeconds(playedOn.get(playedOn.size() - 1).getAtMs() / 1000 + 1);
    SessionManager third = new SessionManager(() -> otherThread, again, null, 100, 5);
    assertEquals(1, third.recoverAll(), third.quarantined().toString());
  }

  /** The real log with the guarded fields widened past today's limits. */
  private static List<SessionRecord> widened(List<SessionRecord> real) {
    List<SessionRecord> out = new ArrayList<>();
    boolean namedOne = false;
    for (SessionRecord r : real) {
      SessionRecord.Builder b = r.toBuilder();
      if (r.hasOpened()) {
        b.getOpenedBuilder()
            .getSettingsBuilder()
            .setTitle(LONG_TITLE)
            .setPeoplePerTeam(MANY_PEOPLE);
      } else if (r.hasSeatTaken() && !namedOne) {
        b.getSeatTakenBuilder().setDisplayName(LONG_NAME);
        namedOne = true;
      } else if (r.hasInjected() && r.getInjected().getEvent().hasCustom()) {
        b.getInjectedBuilder()
            .getEventBuilder()
            .getCustomBuilder()
            .setTitle(LONG_TEXT)
            .setNarrative(LONG_TEXT);
      }
      out.add(b.build());
    }
    assertTrue(namedOne && out.stream().anyMatch(SessionRecord::hasInjected));
    return out;
  }

  private static void playOneTurn(SessionFixture f, Player ana, Player ben) {
    TurnOpened open = f.lastOpening(ana);
    assertTrue(
        f.submit(ana, open.getTurn(), 1, SessionFixture.spread(open, 0.5, "push"))
            .hasDecisionAccepted());
    TurnOpened bens = f.lastOpening(ben);
    assertTrue(f.submit(ben, bens.getTurn(), 1, SessionFixture.even(bens)).hasDecisionAccepted());
    assertTrue(
        f.journal().stream()
            .anyMatch(r -> r.hasTurnClosed() && r.getTurnClosed().getTurn() == open.getTurn()));
  }

  private static ServerMessage resume(
      SessionManager m, FakeConnection c, String token, long requestId) {
    m.handle(
        c,
        ClientMessage.newBuilder()
            .setRequestId(requestId)
            .setResume(Resume.newBuilder().setToken(token))
            .build());
    return c.reply(requestId);
  }

  private static void submit(
      SessionManager m, FakeConnection c, int turn, TurnOpened open, long requestId) {
    m.handle(
        c,
        ClientMessage.newBuilder()
            .setRequestId(requestId)
            .setSubmitDecision(
                org.quarterdeck.protocol.v1.SubmitDecision.newBuilder()
                    .setTurn(turn)
                    .setVersion(1)
                    .setDecision(SessionFixture.even(open)))
            .build());
    ServerMessage reply = c.reply(requestId);
    assertTrue(reply.hasDecisionAccepted(), reply.toString());
  }

  /** Every TurnClosed hash is what the engine alone reaches from the log. */
  private static void assertHashChainHolds(List<SessionRecord> log) throws Exception {
    Timeline timeline = Timeline.of(log);
    assertEquals(timeline.turns().size(), new Reenactment(timeline).actual().size());
  }

  private static void assertErrorCode(ErrorCode code, ServerMessage reply) {
    assertEquals(code, reply.getError().getCode(), reply.toString());
  }
}
