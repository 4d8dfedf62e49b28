package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.CustomEvent;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.InjectEvent;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.Variable;

/**
 * The turn close may be made faster, never different: fifteen whole games (1, 2, 7, 10 and 60
 * teams, three seeds each; bots of every kind and people, some seats left to the default, closes by
 * deadline and by everyone submitting, a custom event injected, English and German clients, two
 * snapshots a game) and the SHA-256 of every message each member received and every record the log
 * holds from the first turn on must be the digest the server gave at 82e5562, before the fourth
 * pass on the close (docs/performance.md, "Turn close"). Random ids and tokens (session id, join
 * code, tokens) are left out of the digest; everything else is in it.
 */
class TurnCloseDigestTest {
  /** Every message and record of the fifteen games, as main 82e5562 sent and wrote them. */
  static final String DIGEST_AT_82E5562 =
      "27b08c62bd974cf94685d3b50aaa4a035e402c759e8f51db44f6539579e63d5e";

  private static final List<String> BOTS =
      List.of("numbers", "leader", "balanced", "adaptive", "random");

  @Test
  void fifteenGamesSendAndRecordTheSameBytes() throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    int[] counted = new int[2];
    int game = 0;
    for (int teams : new int[] {1, 2, 7, 10, 60}) {
      for (long seed : new long[] {1, 42, 20261202}) {
        play(teams, seed, game++, sha256, counted);
      }
    }
    String digest = HexFormat.of().formatHex(sha256.digest());
    assertTrue(counted[0] > 10_000, counted[0] + " messages");
    for (ServerMessage.BodyCase kind :
        List.of(
            ServerMessage.BodyCase.TURN_RESOLVED,
            ServerMessage.BodyCase.QUARTER_CLOSED,
            ServerMessage.BodyCase.TURN_OPENED,
            ServerMessage.BodyCase.SESSION_ENDED,
            ServerMessage.BodyCase.SNAPSHOT,
            ServerMessage.BodyCase.LIVE_VIEW)) {
      assertTrue(seen.contains(kind), "no " + kind + " in " + seen);
    }
    assertEquals(
        DIGEST_AT_82E5562, digest, counted[0] + " messages and " + counted[1] + " records");
    // the teams' TurnResolved left with the bytes the session made, and they were the message's
    assertTrue(sentWithBytes > 1_000, sentWithBytes + " messages sent with their bytes");
    assertEquals(0, sentWithOtherBytes, "messages sent with bytes not theirs");
  }

  private int sentWithBytes;
  private int sentWithOtherBytes;

  /** One whole game; its messages and records go into {@code sha256}. */
  private void play(int teams, long seed, int game, MessageDigest sha256, int[] counted) {
    ManualThread thread = new ManualThread();
    Journals storage = Journals.inMemory();
    SessionManager manager = new SessionManager(() -> thread, storage, null, 100, 5);
    SessionSettings.Builder settings =
        SessionSettings.newBuilder().setTeams(teams).setSeed(seed).setTurnDeadlineSeconds(60);
    boolean[] bot = new boolean[teams];
    for (int t = 0; t < teams; t++) {
      bot[t] = teams > 1 && (t + game) % 3 == 0;
      settings.addBotStrategies(bot[t] ? BOTS.get((t + game) % BOTS.size()) : "");
    }
    Listener facilitator = new Listener(game % 2 == 0 ? "en" : "de");
    ServerMessage created =
        ask(
            manager,
            facilitator,
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setBuiltinScenario("market-year")
                        .setSettings(settings)));
    assertTrue(created.hasSessionCreated(), created.toString());
    String sessionId = created.getSessionCreated().getSessionId();
    ask(
        manager,
        facilitator,
        ClientMessage.newBuilder()
            .setResume(
                Resume.newBuilder().setToken(created.getSessionCreated().getFacilitatorToken())));
    List<Listener> people = new ArrayList<>();
    Listener[] byTeam = new Listener[teams];
    for (int t = 0; t < teams; t++) {
      if (bot[t]) {
        continue;
      }
      Listener person = new Listener(t % 3 == 1 ? "de" : "en");
      ServerMessage joined =
          ask(
              manager,
              person,
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder()
                          .setJoinCode(created.getSessionCreated().getJoinCode())
                          .setDisplayName("person " + t)
                          .setPreferredTeam(t)));
      assertTrue(joined.hasJoined(), joined.toString());
      person.token = joined.getJoined().getToken();
      person.team = t;
      people.add(person);
      byTeam[t] = person;
    }
    List<Listener> everyone = new ArrayList<>(people);
    everyone.add(facilitator);
    for (Listener l : everyone) {
      l.connection.clear(); // the lobby's messages carry the random join code and tokens
    }
    ask(
        manager,
        facilitator,
        ClientMessage.newBuilder()
            .setFacilitator(FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));

    GameSession[] session = new GameSession[1];
    manager.onSession(sessionId, s -> session[0] = s).join();
    for (int turn = 1; turn <= 12; turn++) {
      assertEquals(turn, session[0].game().turn(), teams + " teams, seed " + seed);
      if (turn == 3) {
        ServerMessage ack =
            ask(
                manager,
                facilitator,
                ClientMessage.newBuilder()
                    .setFacilitator(
                        FacilitatorCommand.newBuilder()
                            .setInject(
                                InjectEvent.newBuilder()
                                    .setCustom(
                                        CustomEvent.newBuilder()
                                            .setTitle("Team party")
                                            .setNarrative("Cake for everyone")
                                            .addEffects(
                                                Variable.newBuilder()
                                                    .setName("morale")
                                                    .setValue(5)))
                                    .addTeams(0))));
        assertTrue(ack.hasFacilitatorAck(), ack.toString());
      }
      boolean everyoneSubmits = (turn + game) % 4 == 0;
      for (int t = 0; t < teams; t++) {
        Listener person = byTeam[t];
        if (person == null || (!everyoneSubmits && (t + turn + game) % 3 == 0)) {
          continue; // a bot's seat, or a person who lets the default decide
        }
        TurnOpened opening = person.lastOpening();
        ServerMessage accepted =
            ask(
                manager,
                person,
                ClientMessage.newBuilder()
                    .setSubmitDecision(
                        SubmitDecision.newBuilder()
                            .setTurn(opening.getTurn())
                            .setVersion(1)
                            .setDecision(decision(opening, t + turn))));
        assertTrue(accepted.hasDecisionAccepted(), accepted.toString());
      }
      if (turn == 6 && !people.isEmpty()) {
        // the first person comes back on a new connection, which is theirs from now on
        Listener back = resume(manager, people.get(0).token, "de");
        back.token = people.get(0).token;
        byTeam[people.get(0).team] = back;
        people.set(0, back);
        everyone.add(back);
      }
      if (session[0].game().turn() == turn && session[0].phase() != Phase.ENDED) {
        thread.advanceSeconds(60); // the deadline: not everyone submitted
      }
    }
    Listener atTheEnd = resume(manager, people.isEmpty() ? null : people.get(0).token, "en");
    if (atTheEnd != null) {
      everyone.add(atTheEnd);
    }
    assertEquals(Phase.ENDED, session[0].phase(), teams + " teams, seed " + seed);

    for (Listener l : everyone) {
      digest(l.received, sha256, counted);
      sentWithBytes += l.connection.sentWithBytes();
      sentWithOtherBytes += l.connection.sentWithOtherBytes();
    }
    boolean turnsBegan = false;
    for (SessionRecord r : storage.read(sessionId).records()) {
      turnsBegan |= r.hasTurnStarted();
      if (turnsBegan) {
        sha256.update(r.toByteArray());
        counted[1]++;
      }
    }
  }

  /** Hours on a few of the opening's acts, depending on {@code salt}. */
  private static Decision decision(TurnOpened opening, int salt) {
    List<ActView> acts = opening.getActsList();
    Decision.Builder d = Decision.newBuilder();
    int n = 1 + salt % 3;
    double each = opening.getFreeHours() * (0.5 + 0.1 * (salt % 5)) / n;
    for (int i = 0; i < n; i++) {
      d.addHours(
          ActHours.newBuilder().setAct(acts.get((salt + i) % acts.size()).getId()).setHours(each));
    }
    return d.build();
  }

  /** A fresh connection's Resume with {@code token} (null: none), in {@code language}. */
  private static Listener resume(SessionManager manager, String token, String language) {
    if (token == null) {
      return null;
    }
    Listener l = new Listener(language);
    ServerMessage snapshot =
        ask(manager, l, ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(token)));
    assertTrue(snapshot.hasSnapshot(), snapshot.toString());
    return l;
  }

  private final java.util.EnumSet<ServerMessage.BodyCase> seen =
      java.util.EnumSet.noneOf(ServerMessage.BodyCase.class);

  private void digest(List<ServerMessage> messages, MessageDigest sha256, int[] counted) {
    for (ServerMessage m : messages) {
      if (m.hasGoodbye()) {
        continue; // a connection closed (FakeConnection notes it as a message): not sent bytes
      }
      seen.add(m.getBodyCase());
      if (m.hasSnapshot()) {
        m = m.toBuilder().setSnapshot(m.getSnapshot().toBuilder().clearSessionId()).build();
      }
      sha256.update(m.toByteArray());
      counted[0]++;
    }
  }

  private static ServerMessage ask(
      SessionManager manager, Listener on, ClientMessage.Builder message) {
    long id = ++on.requests; // per connection: the same ids every run
    manager.handle(on.connection, message.setRequestId(id).build());
    for (int i = on.received.size() - 1; i >= 0; i--) {
      if (on.received.get(i).getRequestId() == id) {
        return on.received.get(i);
      }
    }
    throw new AssertionError("no reply to " + message);
  }

  /** A member's connection, and what the test knows of them. */
  private static final class Listener {
    private static long addresses;
    final FakeConnection connection;
    final List<ServerMessage> received;
    String token;
    int team;
    long requests;

    Listener(String language) {
      connection = new FakeConnection("127.0.0.1:" + ++addresses, language);
      received = connection.received;
    }

    TurnOpened lastOpening() {
      for (int i = received.size() - 1; i >= 0; i--) {
        ServerMessage m = received.get(i);
        if (m.hasTurnOpened()) {
          return m.getTurnOpened();
        }
        if (m.hasSnapshot() && m.getSnapshot().hasOpenTurn()) {
          return m.getSnapshot().getOpenTurn(); // came back while this turn was open
        }
      }
      throw new AssertionError("no opening");
    }
  }
}
