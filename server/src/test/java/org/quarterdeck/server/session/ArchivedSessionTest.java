package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.GetReplay;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Leave;
import org.quarterdeck.protocol.v1.ListSessions;
import org.quarterdeck.protocol.v1.OpenSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SessionSummary;
import org.quarterdeck.protocol.v1.SignIn;
import org.quarterdeck.protocol.v1.WhatIf;
import org.quarterdeck.protocol.v1.WhatIfChange;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.cluster.TestDatabase;
import org.quarterdeck.server.facilitator.ArchivedSessions;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.FsyncMode;
import org.quarterdeck.server.store.StoreOptions;
import org.quarterdeck.server.testing.Await;

/**
 * An archived session keeps only its summary in memory (issue 12, item 13): its game is let go of,
 * and replays, what-ifs, exports and a player's return to the end screen are answered from its log,
 * byte for byte as before; after a restart it loads as a summary, not rebuilt. On a real event loop
 * with the logs in a real on-disk store.
 */
class ArchivedSessionTest {
  private static final String ADMIN = "admin-secret";
  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir Path data;
  private final DefaultEventLoop loop = new DefaultEventLoop();
  private final List<AutoCloseable> stores = new ArrayList<>();
  private TestDatabase database;
  private long requestIds = 1;

  /** Where the logs are: a file store in {@link #data} unless a test chooses the cluster's. */
  private Callable<Journals> logs =
      () ->
          new EventStoreJournals(
              EventStore.open(data, StoreOptions.DEFAULTS.withFsyncMode(FsyncMode.OFF)));

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable store : stores) {
      store.close();
    }
    if (database != null) {
      database.close();
    }
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
  }

  private SessionManager manager(Duration archiveAfter) throws Exception {
    Journals journals = logs.call();
    stores.add(journals);
    EventLoopSessionThread thread = new EventLoopSessionThread(loop);
    SessionManager m =
        new SessionManager(
            () -> thread,
            journals,
            ADMIN,
            1000,
            20,
            Runnable::run,
            new SessionLimits(100, 1000, 10, archiveAfter, Duration.ZERO));
    m.useFacilitators(
        FacilitatorAccounts.none(), ArchivedSessions.inMemory(), Runnable::run, () -> "");
    return m;
  }

  private ServerMessage send(SessionManager m, FakeConnection c, ClientMessage.Builder message)
      throws InterruptedException {
    long id = requestIds++;
    m.handle(c, message.setRequestId(id).build());
    return c.awaitReply(id);
  }

  private static ClientMessage.Builder facilitator(FacilitatorCommand.Builder command) {
    return ClientMessage.newBuilder().setFacilitator(command);
  }

  private static ClientMessage.Builder resume(String token) {
    return ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(token));
  }

  private static ClientMessage.Builder replay() {
    return ClientMessage.newBuilder().setGetReplay(GetReplay.getDefaultInstance());
  }

  private static ClientMessage.Builder whatIf() {
    return ClientMessage.newBuilder()
        .setWhatIf(
            WhatIf.newBuilder()
                .setFromTurn(1)
                .addChanges(WhatIfChange.newBuilder().setTeam(0).setBotStrategy("numbers")));
  }

  /** The reply without its request id, to compare replies to different requests. */
  private static ServerMessage answer(ServerMessage reply) {
    return reply.toBuilder().clearRequestId().build();
  }

  /** A game of three teams, one of them a person's, ended early after three turns. */
  private record Played(SessionCreated created, String playerToken) {}

  private SessionCreated create(
      SessionManager m, FakeConnection host, SessionSettings.Builder settings)
      throws InterruptedException {
    return send(
            m,
            host,
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder().setAdminToken(ADMIN).setSettings(settings)))
        .getSessionCreated();
  }

  private Played play(SessionManager m, FakeConnection host) throws InterruptedException {
    SessionCreated created = create(m, host, SessionSettings.newBuilder().setTeams(3).setSeed(11));
    FakeConnection player = new FakeConnection("10.0.0.2:1");
    ServerMessage joined =
        send(
            m,
            player,
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode(created.getJoinCode())
                        .setDisplayName("Ada")));
    String playerToken = joined.getJoined().getToken();
    send(m, host, resume(created.getFacilitatorToken()));
    send(
        m, host, facilitator(FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
    for (int turn = 0; turn < 3; turn++) {
      send(
          m,
          host,
          facilitator(FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance())));
    }
    assertTrue(
        send(
                m,
                host,
                facilitator(FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())))
            .hasFacilitatorAck());
    m.disconnected(player);
    return new Played(created, playerToken);
  }

  /** Everything an ended session answers from its state: compared before and after archiving. */
  private record Answers(
      ServerMessage replay,
      ServerMessage whatIf,
      ServerMessage snapshot,
      String json,
      String csv) {}

  private Answers ask(SessionManager m, FakeConnection host, Played p) throws Exception {
    ServerMessage replay = answer(send(m, host, replay()));
    ServerMessage whatIf = answer(send(m, host, whatIf()));
    FakeConnection back = new FakeConnection("10.0.0.2:2");
    ServerMessage snapshot = answer(send(m, back, resume(p.playerToken())));
    m.disconnected(back);
    String id = p.created().getSessionId();
    String token = p.created().getFacilitatorToken();
    String json = m.export(id, token, SessionManager.ExportFormat.JSON).get(10, TimeUnit.SECONDS);
    String csv = m.export(id, token, SessionManager.ExportFormat.CSV).get(10, TimeUnit.SECONDS);
    assertTrue(replay.hasReplay(), replay.toString());
    assertTrue(whatIf.hasWhatIfResult(), whatIf.toString());
    assertTrue(snapshot.hasSnapshot(), snapshot.toString());
    assertEquals(Phase.ENDED, snapshot.getSnapshot().getPhase(), "the end screen");
    return new Answers(replay, whatIf, snapshot, json, csv);
  }

  private WeakReference<GameSession> held(SessionManager m, String id) throws Exception {
    AtomicReference<WeakReference<GameSession>> ref = new AtomicReference<>();
    m.onSession(id, s -> ref.set(new WeakReference<>(s))).get(10, TimeUnit.SECONDS);
    return ref.get();
  }

  private static void awaitCollected(WeakReference<GameSession> ref, String what) {
    Await.until(
        what,
        Duration.ofSeconds(20),
        () -> {
          System.gc();
          return ref.get() == null;
        });
  }

  private List<SessionSummary> list(SessionManager m, FakeConnection c) throws Exception {
    send(m, c, ClientMessage.newBuilder().setSignIn(SignIn.newBuilder().setPassword(ADMIN)));
    return send(m, c, ClientMessage.newBuilder().setListSessions(ListSessions.getDefaultInstance()))
        .getSessionList()
        .getSessionsList();
  }

  @Test
  void anArchivedSessionLetsGoOfItsGameAndAnswersFromItsLogAsBefore() throws Exception {
    SessionManager m = manager(HOUR);
    FakeConnection host = new FakeConnection("10.0.0.1:1");
    Played p = play(m, host);
    String id = p.created().getSessionId();
    Answers before = ask(m, host, p);
    List<SessionSummary> listedBefore = list(m, new FakeConnection("10.0.0.9:1"));
    WeakReference<GameSession> game = held(m, id);

    assertTrue(m.archive(id).get(10, TimeUnit.SECONDS));
    assertEquals(1, m.archivedSessionCount());
    assertEquals(0, m.liveSessionCount());
    awaitCollected(game, "the archived session's game is let go of");
    assertTrue(m.sessions().isEmpty(), "nothing is rebuilt before someone asks");
    assertEquals(
        listedBefore, list(m, new FakeConnection("10.0.0.9:2")), "the list shows the same line");

    // the facilitator's connection stayed open across the archiving: it is answered from the log
    Answers after = ask(m, host, p);
    assertEquals(before, after);
    assertEquals(1, m.archivedSessionsTakenOut());
    ServerMessage refused =
        send(
            m,
            host,
            facilitator(FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())));
    assertEquals(ErrorCode.WRONG_PHASE, refused.getError().getCode(), refused.toString());
    assertFalse(m.archive(id).get(10, TimeUnit.SECONDS), "archiving twice changes nothing");
  }

  @Test
  void afterARestartAnArchivedSessionIsASummaryThatIsListedAndReplayable() throws Exception {
    playArchiveAndRestart();
    Await.until(
        "the archived log is closed at start",
        Duration.ofSeconds(10),
        () -> ((EventStoreJournals) stores.get(0)).usage().openLogFiles() == 0);
  }

  /** The same on the cluster's store: the log is read from PostgreSQL. */
  @Test
  void onTheClusterStoreAnArchivedSessionIsReadFromTheDatabase() throws Exception {
    database = TestDatabase.create();
    logs =
        () ->
            PostgresJournals.open(
                database.url(), new PostgresJournals.Node("n1", "http://n1", "http://n1"));
    SessionManager m = manager(HOUR);
    FakeConnection host = new FakeConnection("10.0.0.1:1");
    Played p = play(m, host);
    String id = p.created().getSessionId();
    Answers before = ask(m, host, p);
    WeakReference<GameSession> game = held(m, id);
    assertTrue(m.archive(id).get(10, TimeUnit.SECONDS));
    awaitCollected(game, "the archived session's game is let go of");
    assertEquals(before, ask(m, host, p));
    stores.remove(0).close();

    SessionManager restarted = manager(Duration.ZERO);
    assertEquals(1, restarted.recoverAll());
    assertEquals(1, restarted.archivedSessionCount());
    assertTrue(restarted.sessions().isEmpty(), "an archived log is not rebuilt at start");
    FakeConnection console = new FakeConnection("10.0.0.1:2");
    assertTrue(send(restarted, console, resume(p.created().getFacilitatorToken())).hasSnapshot());
    assertEquals(before, ask(restarted, console, p));
  }

  /**
   * Plays a game, asks everything of it and lists it, restarts past its archive time, and checks
   * that it comes back as a summary that answers the same.
   */
  private void playArchiveAndRestart() throws Exception {
    SessionManager first = manager(HOUR);
    FakeConnection host = new FakeConnection("10.0.0.1:1");
    Played p = play(first, host);
    Answers before = ask(first, host, p);
    List<SessionSummary> listedBefore = list(first, new FakeConnection("10.0.0.9:1"));
    stores.remove(0).close();

    SessionManager restarted = manager(Duration.ZERO);
    assertEquals(1, restarted.recoverAll());
    assertEquals(1, restarted.archivedSessionCount());
    assertEquals(0, restarted.liveSessionCount());
    assertTrue(restarted.sessions().isEmpty(), "an archived log is not rebuilt at start");
    assertEquals(listedBefore, list(restarted, new FakeConnection("10.0.0.9:2")));

    FakeConnection console = new FakeConnection("10.0.0.1:2");
    assertTrue(send(restarted, console, resume(p.created().getFacilitatorToken())).hasSnapshot());
    assertEquals(before, ask(restarted, console, p));
  }

  @Test
  void aReopenedArchivedSessionGivesItsFacilitatorANewTokenThatResumes() throws Exception {
    SessionManager m = manager(HOUR);
    Played p = play(m, new FakeConnection("10.0.0.1:1"));
    String id = p.created().getSessionId();
    assertTrue(m.archive(id).get(10, TimeUnit.SECONDS));

    FakeConnection desk = new FakeConnection("10.0.0.1:3");
    list(m, desk);
    SessionCreated reopened =
        send(
                m,
                desk,
                ClientMessage.newBuilder()
                    .setOpenSession(OpenSession.newBuilder().setSessionId(id)))
            .getSessionCreated();
    assertEquals(id, reopened.getSessionId());
    FakeConnection console = new FakeConnection("10.0.0.1:4");
    ServerMessage snapshot = send(m, console, resume(reopened.getFacilitatorToken()));
    assertTrue(snapshot.hasSnapshot(), snapshot.toString());
    assertTrue(send(m, console, replay()).hasReplay());
  }

  @Test
  void copiesTakenOutOfTheArchiveAreBoundedByCount() throws Exception {
    SessionManager m = manager(HOUR);
    int n = TakenOutSessions.CAPACITY + 2;
    List<FakeConnection> hosts = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      FakeConnection host = new FakeConnection("10.0.1." + i + ":1");
      hosts.add(host);
      ids.add(play(m, host).created().getSessionId());
      assertTrue(m.archive(ids.get(i)).get(10, TimeUnit.SECONDS));
    }
    ServerMessage firstReplay = answer(send(m, hosts.get(0), replay()));
    assertTrue(firstReplay.hasReplay());
    WeakReference<GameSession> firstCopy = held(m, ids.get(0));
    for (int i = 1; i < n; i++) {
      assertTrue(send(m, hosts.get(i), replay()).hasReplay());
    }
    Await.until(
        "the least recently used copies are put back",
        Duration.ofSeconds(10),
        () -> m.archivedSessionsTakenOut() <= TakenOutSessions.CAPACITY);
    awaitCollected(firstCopy, "the first copy, put back, is let go of");
    assertEquals(n, m.archivedSessionCount());
    // its facilitator's connection asks again: taken out once more, the same answer
    assertEquals(firstReplay, answer(send(m, hosts.get(0), replay())));
  }

  @Test
  void theSummaryReadFromALogShowsWhatTheSessionShowed() throws Exception {
    SessionManager m = manager(HOUR);
    FakeConnection host = new FakeConnection("10.0.0.1:1");
    SessionCreated created =
        create(
            m,
            host,
            SessionSettings.newBuilder().setTeams(2).setPeoplePerTeam(2).setTitle("Thursday"));
    List<FakeConnection> people = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      FakeConnection c = new FakeConnection("10.0.2." + i + ":1");
      people.add(c);
      send(
          m,
          c,
          ClientMessage.newBuilder()
              .setJoinSession(
                  JoinSession.newBuilder()
                      .setJoinCode(created.getJoinCode())
                      .setDisplayName("P" + i)));
    }
    send(m, host, resume(created.getFacilitatorToken()));
    send(
        m, host, facilitator(FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
    send(m, people.get(0), ClientMessage.newBuilder().setLeave(Leave.getDefaultInstance()));
    send(
        m,
        host,
        facilitator(
            FacilitatorCommand.newBuilder()
                .setKick(SeatRef.newBuilder().setTeam(1).setHat(Hat.BOTH))));
    send(
        m,
        host,
        facilitator(FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance())));
    send(m, host, facilitator(FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())));
    String id = created.getSessionId();
    AtomicReference<SessionSummary> live = new AtomicReference<>();
    AtomicReference<SessionSummary> read = new AtomicReference<>();
    m.onSession(
            id,
            s -> {
              live.set(FacilitatorDesk.summary(s, false));
              try {
                read.set(ArchivedSession.fromLog(s.records()).listing(false));
              } catch (SessionRebuilder.ReplayException e) {
                throw new AssertionError(e);
              }
            })
        .get(10, TimeUnit.SECONDS);
    assertNotNull(live.get());
    assertTrue(live.get().getPeople() > 0, live.get().toString());
    assertEquals(live.get(), read.get());
  }
}
