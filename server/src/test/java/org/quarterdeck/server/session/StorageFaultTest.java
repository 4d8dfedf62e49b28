package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.FaultyFiles;
import org.quarterdeck.server.store.FsyncMode;
import org.quarterdeck.server.store.StoreOptions;

/**
 * The session layer on the real event log over a file channel that fails on demand (EPERM on create
 * or open, a full disk on write or fsync): no SessionCreated without a durable record, no
 * UNAVAILABLE for anything that was stored and no success for anything that was not, and one log
 * that cannot be opened quarantines its session alone.
 */
class StorageFaultTest {
  @TempDir Path data;

  private final FaultyFiles files = new FaultyFiles();
  private final DefaultEventLoop loop = new DefaultEventLoop();
  private final AtomicLong requestIds = new AtomicLong();
  private EventStore store;
  private SessionManager manager;

  private void start() throws Exception {
    store = EventStore.open(data, StoreOptions.DEFAULTS.withFsyncMode(FsyncMode.BATCH), files);
    EventLoopSessionThread thread = new EventLoopSessionThread(loop);
    manager = new SessionManager(() -> thread, new EventStoreJournals(store), null, 100, 1000);
  }

  private int restart() throws Exception {
    store.close();
    start();
    return manager.recoverAll();
  }

  @AfterEach
  void stop() throws Exception {
    if (store != null) {
      store.close();
    }
    loop.shutdownGracefully().sync();
  }

  private ServerMessage call(FakeConnection c, ClientMessage.Builder m) throws Exception {
    long id = requestIds.incrementAndGet();
    manager.handle(c, m.setRequestId(id).build());
    return c.awaitReply(id);
  }

  private SessionCreated create(FakeConnection c, ErrorCode expectedError) throws Exception {
    ServerMessage reply =
        call(
            c,
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setSettings(
                            SessionSettings.newBuilder()
                                .setTeams(3)
                                .addBotStrategies("")
                                .addBotStrategies("")
                                .addBotStrategies(""))));
    if (expectedError != null) {
      assertEquals(expectedError, reply.getError().getCode(), reply.toString());
      return null;
    }
    assertTrue(reply.hasSessionCreated(), reply.toString());
    return reply.getSessionCreated();
  }

  @Test
  void noSessionCreatedWithoutADurableRecord() throws Exception {
    start();
    FakeConnection c = new FakeConnection("10.0.0.1:1");
    files.failCreates.set(1); // EPERM: an immutable data directory
    create(c, ErrorCode.UNAVAILABLE);
    assertTrue(
        c.last().getError().getMessage().contains(FaultyFiles.NOT_PERMITTED), c.last().toString());
    files.failWrites.set(1); // the disk is full when SessionOpened is written
    create(c, ErrorCode.UNAVAILABLE);
    files.failForces.set(1); // or when it is fsynced
    create(c, ErrorCode.UNAVAILABLE);
    assertEquals(0, c.all(ServerMessage::hasSessionCreated).size());
    assertEquals(0, manager.sessionCount(), "nothing was created");

    SessionCreated created = create(c, null);
    assertTrue(
        call(
                c,
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())))
            .hasSnapshot());

    assertEquals(1, restart(), "only the acknowledged session comes back");
    assertEquals(java.util.Map.of(), manager.quarantined(), "no phantom is quarantined");
    try (var logs = Files.list(data.resolve("sessions"))) {
      assertEquals(
          1,
          logs.filter(p -> p.toString().endsWith(".qlog")).count(),
          "the header-only logs of the failed creations are removed");
    }
    FakeConnection again = new FakeConnection("10.0.0.1:2");
    assertTrue(
        call(
                again,
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())))
            .hasSnapshot());
  }

  @Test
  void everyAnswerSaysExactlyWhatIsDurable() throws Exception {
    start();
    FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
    SessionCreated created = create(facilitator, null);
    List<FakeConnection> players = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (String name : List.of("Ana", "Ben", "Cy")) {
      FakeConnection p = new FakeConnection("10.0.1.1:" + name.length());
      ServerMessage joined =
          call(
              p,
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder()
                          .setJoinCode(created.getJoinCode())
                          .setDisplayName(name)));
      assertTrue(joined.hasJoined(), joined.toString());
      players.add(p);
      tokens.add(joined.getJoined().getToken());
    }
    call(
        facilitator,
        ClientMessage.newBuilder()
            .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())));
    call(
        facilitator,
        ClientMessage.newBuilder()
            .setFacilitator(FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
    TurnOpened open = players.get(0).all(ServerMessage::hasTurnOpened).get(0).getTurnOpened();
    Decision decision = SessionFixture.spread(open, 0.5, "push", "coach");

    // Ana and Ben revise their drafts (Cy never submits, so turn 1 stays open) while the disk
    // fails now and then; two requests are in flight at once, so a failure can hit one of them
    // with the other's reply held behind or before it
    int[] next = {1, 1};
    Set<String> acknowledged = new HashSet<>();
    int refused = 0;
    for (int round = 0; round < 40; round++) {
      switch (round % 5) {
        case 1 -> files.failForces.set(1);
        case 3 -> files.failWrites.set(1);
        default -> {}
      }
      long[] ids = new long[2];
      for (int p = 0; p < 2; p++) {
        ids[p] = requestIds.incrementAndGet();
        manager.handle(
            players.get(p),
            ClientMessage.newBuilder()
                .setRequestId(ids[p])
                .setSubmitDecision(
                    SubmitDecision.newBuilder()
                        .setTurn(1)
                        .setVersion(next[p])
                        .setDecision(decision))
                .build());
      }
      for (int p = 0; p < 2; p++) {
        ServerMessage reply = players.get(p).awaitReply(ids[p]);
        // a refused version is sent again until the rebuilt session takes it (bounded)
        for (int attempt = 0; attempt < 100; attempt++) {
          if (reply.hasDecisionAccepted()) {
            acknowledged.add(p + "/" + next[p]);
            next[p]++;
            break;
          }
          // UNAVAILABLE means nothing changed: the same version is the next one to send; a
          // "stale decision version" here would mean an UNAVAILABLE answer was in fact stored
          assertEquals(ErrorCode.UNAVAILABLE, reply.getError().getCode(), reply.toString());
          refused++;
          Thread.sleep(20); // the rebuild reads the log on another thread
          reply =
              call(
                  players.get(p),
                  ClientMessage.newBuilder()
                      .setSubmitDecision(
                          SubmitDecision.newBuilder()
                              .setTurn(1)
                              .setVersion(next[p])
                              .setDecision(decision)));
        }
      }
    }
    assertTrue(refused > 0, "the faults refused some decisions");
    assertEquals(80, acknowledged.size(), "every decision was stored in the end");

    Set<String> stored = new HashSet<>();
    for (SessionRecord r :
        store.read(created.getSessionId()).records().stream()
            .map(StorageFaultTest::parse)
            .toList()) {
      if (r.hasDecision() && !r.getDecision().getBot()) {
        stored.add(r.getDecision().getSeat().getTeam() + "/" + r.getDecision().getVersion());
      }
    }
    Set<String> expected = new HashSet<>();
    for (String a : acknowledged) {
      String[] parts = a.split("/");
      int team =
          players
              .get(Integer.parseInt(parts[0]))
              .all(ServerMessage::hasJoined)
              .get(0)
              .getJoined()
              .getTeam();
      expected.add(team + "/" + parts[1]);
    }
    assertEquals(expected, stored, "the log holds exactly the acknowledged decisions");

    assertEquals(1, restart());
    for (int p = 0; p < 2; p++) {
      FakeConnection back = new FakeConnection("10.0.2.1:" + p);
      ServerMessage snapshot =
          call(
              back,
              ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(tokens.get(p))));
      assertEquals(
          next[p] - 1,
          snapshot.getSnapshot().getDraftVersion(),
          "after a restart the draft is the last acknowledged version");
    }
  }

  private static SessionRecord parse(byte[] bytes) {
    try {
      return SessionRecord.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aHeaderOnlyLogFromACrashDuringCreateIsNotAQuarantine() throws Exception {
    Path sessions = Files.createDirectories(data.resolve("sessions"));
    Path phantom = sessions.resolve("s-phantom.qlog");
    Files.write(phantom, new byte[] {'Q', 'D', 'L', 'G', 0, 1, 0, 0});
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    assertEquals(
        0,
        org.quarterdeck.server.cli.Main.run(
            new String[] {"verify", "--data", data.toString()},
            new java.io.PrintStream(out),
            new java.io.PrintStream(new java.io.ByteArrayOutputStream())),
        out.toString());
    start();
    assertEquals(0, manager.recoverAll());
    assertEquals(java.util.Map.of(), manager.quarantined());
    assertFalse(Files.exists(phantom), "the empty log is removed");
  }

  @Test
  void oneLogThatCannotBeOpenedQuarantinesOneSession() throws Exception {
    start();
    FakeConnection c = new FakeConnection("10.0.0.1:1");
    SessionCreated good = create(c, null);
    SessionCreated bad = create(c, null);
    FakeConnection p = new FakeConnection("10.0.1.1:1");
    ServerMessage joined =
        call(
            p,
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder().setJoinCode(bad.getJoinCode()).setDisplayName("Ana")));
    assertTrue(joined.hasJoined(), joined.toString());

    files.refuseOpenOf = bad.getSessionId(); // EPERM on that one file
    assertEquals(1, restart(), "the server starts, with the other session");
    assertTrue(manager.quarantined().containsKey(bad.getSessionId()));
    assertTrue(
        manager.quarantined().get(bad.getSessionId()).contains(FaultyFiles.NOT_PERMITTED),
        manager.quarantined().toString());

    FakeConnection back = new FakeConnection("10.0.2.1:1");
    ServerMessage player =
        call(
            back,
            ClientMessage.newBuilder()
                .setResume(Resume.newBuilder().setToken(joined.getJoined().getToken())));
    assertEquals(
        ErrorCode.UNAVAILABLE,
        player.getError().getCode(),
        "a player of a quarantined session keeps their token: " + player);
    assertTrue(player.getError().getMessage().contains("quarantined"), player.toString());
    ServerMessage facilitator =
        call(
            back,
            ClientMessage.newBuilder()
                .setResume(Resume.newBuilder().setToken(bad.getFacilitatorToken())));
    assertEquals(ErrorCode.UNAVAILABLE, facilitator.getError().getCode(), facilitator.toString());
    ServerMessage code =
        call(
            back,
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder().setJoinCode(bad.getJoinCode()).setDisplayName("Ben")));
    assertEquals(ErrorCode.UNAVAILABLE, code.getError().getCode(), code.toString());
    assertTrue(
        call(
                back,
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(good.getFacilitatorToken())))
            .hasSnapshot(),
        "the other session serves");

    files.refuseOpenOf = null; // the operator repairs the permissions
    assertEquals(2, restart());
    FakeConnection later = new FakeConnection("10.0.3.1:1");
    assertTrue(
        call(
                later,
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(joined.getJoined().getToken())))
            .hasSnapshot(),
        "the player resumes");
    assertFalse(manager.quarantined().containsKey(bad.getSessionId()));
  }
}
