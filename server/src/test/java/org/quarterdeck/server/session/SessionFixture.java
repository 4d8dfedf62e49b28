package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TurnOpened;

/** Given/when/then helpers for session tests: a manager, a manual clock, fake connections. */
final class SessionFixture {
  final ManualThread thread = new ManualThread();
  final Journals storage = Journals.inMemory();
  final SessionManager manager = new SessionManager(() -> thread, storage, null, 100, 5);
  private final AtomicLong requestIds = new AtomicLong(100);

  FakeConnection facilitator;
  SessionCreated created;

  /** A player at the table: their connection and token. */
  static final class Player {
    FakeConnection connection;
    final String token;
    final int team;

    Player(FakeConnection connection, String token, int team) {
      this.connection = connection;
      this.token = token;
      this.team = team;
    }
  }

  /** The session's log as stored. */
  List<org.quarterdeck.protocol.v1.SessionRecord> journal() {
    return storage.read(created.getSessionId()).records();
  }

  /** A fresh connection's Resume with {@code token} on {@code manager}, and its reply. */
  static ServerMessage resume(SessionManager manager, String token) {
    FakeConnection c = new FakeConnection("10.0.9.1:3000");
    manager.handle(
        c,
        ClientMessage.newBuilder()
            .setRequestId(7)
            .setResume(Resume.newBuilder().setToken(token))
            .build());
    return c.reply(7);
  }

  long nextId() {
    return requestIds.incrementAndGet();
  }

  ServerMessage send(FakeConnection c, ClientMessage.Builder message) {
    long id = nextId();
    manager.handle(c, message.setRequestId(id).build());
    return c.reply(id);
  }

  SessionFixture givenSession(SessionSettings settings) {
    return givenSession(CreateSession.newBuilder().setSettings(settings));
  }

  SessionFixture givenSession(CreateSession.Builder create) {
    facilitator = new FakeConnection("10.0.0.1:1000");
    ServerMessage reply = send(facilitator, ClientMessage.newBuilder().setCreateSession(create));
    assertTrue(reply.hasSessionCreated(), reply.toString());
    created = reply.getSessionCreated();
    ServerMessage resumed =
        send(
            facilitator,
            ClientMessage.newBuilder()
                .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())));
    assertTrue(resumed.hasSnapshot(), resumed.toString());
    return this;
  }

  Player join(String name) {
    FakeConnection c = new FakeConnection("10.0.1." + name.length() + ":2000");
    ServerMessage reply =
        send(
            c,
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode(created.getJoinCode())
                        .setDisplayName(name)
                        .setPreferredTeam(-1)));
    assertTrue(reply.hasJoined(), reply.toString());
    return new Player(c, reply.getJoined().getToken(), reply.getJoined().getTeam());
  }

  ServerMessage facilitate(FacilitatorCommand.Builder command) {
    return send(facilitator, ClientMessage.newBuilder().setFacilitator(command));
  }

  void start() {
    ServerMessage ack =
        facilitate(FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()));
    assertTrue(ack.hasFacilitatorAck(), ack.toString());
  }

  /** The latest opening a player was shown: a TurnOpened push, or the snapshot on joining. */
  TurnOpened lastOpening(Player p) {
    return p
        .connection
        .all(m -> m.hasTurnOpened() || (m.hasJoined() && m.getJoined().getSnapshot().hasOpenTurn()))
        .stream()
        .reduce((a, b) -> b)
        .map(m -> m.hasTurnOpened() ? m.getTurnOpened() : m.getJoined().getSnapshot().getOpenTurn())
        .orElseThrow();
  }

  /** A decision that spreads {@code share} of the free hours over the given acts. */
  static Decision spread(TurnOpened opening, double share, String... acts) {
    Decision.Builder d = Decision.newBuilder();
    double each = opening.getFreeHours() * share / acts.length;
    for (String act : acts) {
      d.addHours(ActHours.newBuilder().setAct(act).setHours(each));
    }
    return d.build();
  }

  /** Every act of the opening, evenly over the free hours. */
  static Decision even(TurnOpened opening) {
    return spread(
        opening, 1.0, opening.getActsList().stream().map(a -> a.getId()).toArray(String[]::new));
  }

  ServerMessage submit(Player p, int turn, int version, Decision decision) {
    return send(
        p.connection,
        ClientMessage.newBuilder()
            .setSubmitDecision(
                SubmitDecision.newBuilder()
                    .setTurn(turn)
                    .setVersion(version)
                    .setDecision(decision)));
  }

  static void assertError(ErrorCode code, ServerMessage reply) {
    assertEquals(code, reply.getError().getCode(), reply.toString());
  }
}
