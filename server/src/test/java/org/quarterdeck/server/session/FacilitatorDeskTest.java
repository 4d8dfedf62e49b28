package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.session.SessionFixture.assertError;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.protocol.v1.ArchiveSession;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.ListSessions;
import org.quarterdeck.protocol.v1.OpenSession;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SessionSummary;
import org.quarterdeck.protocol.v1.SignIn;
import org.quarterdeck.server.facilitator.ArchivedSessions;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;

/** Signing in, one's sessions (two in a row, reopened elsewhere, archived), room links. */
class FacilitatorDeskTest {
  static final String PASSWORD = "correct horse battery staple";

  @TempDir Path dir;
  final ManualThread thread = new ManualThread();
  final Journals storage = Journals.inMemory();
  SessionManager manager;
  FacilitatorAccounts accounts;
  long ids = 1;

  @BeforeEach
  void accounts() throws Exception {
    Path file = dir.resolve("facilitators.txt");
    FacilitatorAccounts.put(file, "alice", PASSWORD.toCharArray(), 1_000);
    FacilitatorAccounts.put(file, "bob", "another one".toCharArray(), 1_000);
    accounts = FacilitatorAccounts.load(file);
    manager = manager("admin-secret", ArchivedSessions.in(dir));
  }

  SessionManager manager(String adminToken, ArchivedSessions archived) {
    SessionManager m = new SessionManager(() -> thread, storage, adminToken, 100, 5);
    m.useFacilitators(accounts, archived, Runnable::run, () -> "http://192.0.2.7:8080");
    return m;
  }

  ServerMessage send(FakeConnection c, ClientMessage.Builder m) {
    long id = ids++;
    manager.handle(c, m.setRequestId(id).build());
    return c.reply(id);
  }

  ServerMessage signIn(FakeConnection c, String name, String password) {
    return send(
        c,
        ClientMessage.newBuilder()
            .setSignIn(SignIn.newBuilder().setName(name).setPassword(password)));
  }

  SessionCreated create(FakeConnection c, String title) {
    ServerMessage reply =
        send(
            c,
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setSettings(SessionSettings.newBuilder().setTitle(title).setTeams(2))));
    assertTrue(reply.hasSessionCreated(), reply.toString());
    SessionCreated created = reply.getSessionCreated();
    ServerMessage resumed =
        send(
            c,
            ClientMessage.newBuilder()
                .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())));
    assertTrue(resumed.hasSnapshot(), resumed.toString());
    return created;
  }

  List<SessionSummary> list(FakeConnection c, boolean archived) {
    ServerMessage reply =
        send(
            c,
            ClientMessage.newBuilder()
                .setListSessions(ListSessions.newBuilder().setArchived(archived)));
    assertTrue(reply.hasSessionList(), reply.toString());
    return reply.getSessionList().getSessionsList();
  }

  @Test
  void aPasswordSignsInAndItsCredentialSignsInAgainElsewhere() {
    FakeConnection laptop = new FakeConnection("10.0.0.1:1");
    assertError(ErrorCode.UNAUTHENTICATED, signIn(laptop, "alice", "wrong"));
    assertError(ErrorCode.UNAUTHENTICATED, signIn(laptop, "nobody", PASSWORD));
    ServerMessage ok = signIn(laptop, "alice", PASSWORD);
    assertEquals("alice", ok.getSignedIn().getName(), ok.toString());
    assertEquals("http://192.0.2.7:8080/room/alice", ok.getSignedIn().getRoomUrl());

    FakeConnection phone = new FakeConnection("10.0.0.2:1");
    ServerMessage again =
        send(
            phone,
            ClientMessage.newBuilder()
                .setSignIn(SignIn.newBuilder().setCredential(ok.getSignedIn().getCredential())));
    assertEquals("alice", again.getSignedIn().getName(), again.toString());
    assertError(
        ErrorCode.UNAUTHENTICATED,
        send(
            phone,
            ClientMessage.newBuilder().setSignIn(SignIn.newBuilder().setCredential("made-up"))));

    ServerMessage admin = signIn(new FakeConnection("10.0.0.3:1"), "", "admin-secret");
    assertEquals(FacilitatorAccounts.ADMIN, admin.getSignedIn().getName(), admin.toString());
  }

  @Test
  void failedSignInsFromOneAddressAreRateLimited() {
    FakeConnection c = new FakeConnection("10.0.0.9:1");
    for (int i = 0; i < 5; i++) {
      assertError(ErrorCode.UNAUTHENTICATED, signIn(c, "alice", "guess " + i));
    }
    assertError(ErrorCode.RATE_LIMITED, signIn(c, "alice", PASSWORD));
  }

  @Test
  void listingNeedsASignIn() {
    FakeConnection c = new FakeConnection("10.0.0.1:1");
    assertError(
        ErrorCode.UNAUTHENTICATED,
        send(c, ClientMessage.newBuilder().setListSessions(ListSessions.getDefaultInstance())));
    // With an admin token set, creating needs the token or a sign-in.
    assertError(
        ErrorCode.PERMISSION_DENIED,
        send(c, ClientMessage.newBuilder().setCreateSession(CreateSession.getDefaultInstance())));
  }

  @Test
  void twoSessionsInARowBothListedAndTheFirstReopensOnAnotherDeviceWhileTheConsoleStays() {
    FakeConnection console = new FakeConnection("10.0.0.1:1");
    signIn(console, "alice", PASSWORD);
    SessionCreated first = create(console, "Morning");
    thread.advanceSeconds(60);
    SessionCreated second = create(console, "Afternoon");
    List<SessionSummary> sessions = list(console, false);
    assertEquals(
        List.of(second.getSessionId(), first.getSessionId()),
        sessions.stream().map(SessionSummary::getSessionId).toList(),
        "newest first");
    assertEquals("Morning", sessions.get(1).getTitle());
    assertEquals(first.getJoinCode(), sessions.get(1).getJoinCode());
    assertEquals(2, sessions.get(1).getTeams());

    // Bob sees none of them and cannot open them.
    FakeConnection bob = new FakeConnection("10.0.0.5:1");
    signIn(bob, "bob", "another one");
    assertTrue(list(bob, false).isEmpty());
    assertError(
        ErrorCode.NOT_FOUND,
        send(
            bob,
            ClientMessage.newBuilder()
                .setOpenSession(OpenSession.newBuilder().setSessionId(first.getSessionId()))));

    // Alice reopens the first on a second device; the console keeps its connection to the second
    // session, and both devices of the first session hear of a player joining.
    FakeConnection tablet = new FakeConnection("10.0.0.2:1");
    signIn(tablet, "alice", PASSWORD);
    ServerMessage opened =
        send(
            tablet,
            ClientMessage.newBuilder()
                .setOpenSession(OpenSession.newBuilder().setSessionId(first.getSessionId())));
    assertEquals(first.getJoinCode(), opened.getSessionCreated().getJoinCode(), opened.toString());
    ServerMessage snapshot =
        send(
            tablet,
            ClientMessage.newBuilder()
                .setResume(
                    Resume.newBuilder()
                        .setToken(opened.getSessionCreated().getFacilitatorToken())));
    assertEquals(first.getSessionId(), snapshot.getSnapshot().getSessionId(), snapshot.toString());

    // The original token keeps working for scripts, beside the tablet: nobody is replaced.
    FakeConnection script = new FakeConnection("10.0.0.3:1");
    assertTrue(
        send(
                script,
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(first.getFacilitatorToken())))
            .hasSnapshot());
    FakeConnection player = new FakeConnection("10.0.0.4:1");
    assertTrue(
        send(
                player,
                ClientMessage.newBuilder()
                    .setJoinSession(
                        JoinSession.newBuilder()
                            .setJoinCode(first.getJoinCode())
                            .setDisplayName("Ada")
                            .setPreferredTeam(-1)))
            .hasJoined());
    for (FakeConnection f : List.of(tablet, script)) {
      assertTrue(
          f.all(
                      m ->
                          m.hasLobbyUpdate()
                              && m.getLobbyUpdate().getSeatsList().stream()
                                  .anyMatch(s -> s.getDisplayName().equals("Ada")))
                  .size()
              > 0,
          "every device sees Ada");
      assertTrue(f.all(m -> m.hasGoodbye()).isEmpty(), "no device was replaced");
    }
    assertTrue(console.all(m -> m.hasGoodbye()).isEmpty());
  }

  @Test
  void archivedSessionsLeaveTheListAndTheRoomLinkFollowsTheNewestRunningSession() {
    FakeConnection console = new FakeConnection("10.0.0.1:1");
    signIn(console, "alice", PASSWORD);
    assertTrue(manager.roomJoinCode("alice").isEmpty());
    SessionCreated first = create(console, "Round 1");
    assertEquals(first.getJoinCode(), manager.roomJoinCode("alice").orElseThrow());
    thread.advanceSeconds(1);
    SessionCreated second = create(console, "Round 2");
    assertEquals(second.getJoinCode(), manager.roomJoinCode("alice").orElseThrow());
    // The room name works as a join code: it seats people in the current session.
    ServerMessage byRoom =
        send(
            new FakeConnection("10.0.0.6:1"),
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode("Alice")
                        .setDisplayName("Roo")
                        .setPreferredTeam(-1)));
    assertEquals(second.getSessionId(), byRoom.getJoined().getSessionId(), byRoom.toString());

    ServerMessage archived =
        send(
            console,
            ClientMessage.newBuilder()
                .setArchiveSession(
                    ArchiveSession.newBuilder()
                        .setSessionId(second.getSessionId())
                        .setArchived(true)));
    assertEquals(
        List.of(first.getSessionId()),
        archived.getSessionList().getSessionsList().stream()
            .map(SessionSummary::getSessionId)
            .toList());
    assertEquals(
        first.getJoinCode(),
        manager.roomJoinCode("alice").orElseThrow(),
        "an archived session is not the room's");
    assertEquals(2, list(console, true).size());
    assertTrue(list(console, true).stream().anyMatch(SessionSummary::getArchived));
  }

  @Test
  void theListAndArchiveFlagsSurviveARestart() throws Exception {
    FakeConnection console = new FakeConnection("10.0.0.1:1");
    signIn(console, "alice", PASSWORD);
    SessionCreated kept = create(console, "Kept");
    SessionCreated hidden = create(console, "Hidden");
    send(
        console,
        ClientMessage.newBuilder()
            .setArchiveSession(
                ArchiveSession.newBuilder().setSessionId(hidden.getSessionId()).setArchived(true)));

    manager = manager("admin-secret", ArchivedSessions.in(dir)); // a restarted server
    assertEquals(2, manager.recoverAll());
    FakeConnection later = new FakeConnection("10.0.0.1:2");
    signIn(later, "alice", PASSWORD);
    assertEquals(
        List.of(kept.getSessionId()),
        list(later, false).stream().map(SessionSummary::getSessionId).toList());
    assertEquals(2, list(later, true).size());
  }

  @Test
  void aConnectionFollowingAJoinLinkToAnotherSessionLandsThere() {
    FakeConnection console = new FakeConnection("10.0.0.1:1");
    signIn(console, "alice", PASSWORD);
    SessionCreated old = create(console, "Old");
    SessionCreated fresh = create(console, "New");
    FakeConnection phone = new FakeConnection("10.0.0.8:1");
    ServerMessage first =
        send(
            phone,
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode(old.getJoinCode())
                        .setDisplayName("Lin")
                        .setPreferredTeam(-1)));
    assertEquals(old.getSessionId(), first.getJoined().getSessionId());
    ServerMessage second =
        send(
            phone,
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode(fresh.getJoinCode())
                        .setDisplayName("Lin")
                        .setPreferredTeam(-1)));
    assertEquals(fresh.getSessionId(), second.getJoined().getSessionId(), second.toString());
    // The old seat is still there, resumable with its token.
    FakeConnection back = new FakeConnection("10.0.0.8:2");
    assertEquals(
        old.getSessionId(),
        send(
                back,
                ClientMessage.newBuilder()
                    .setResume(Resume.newBuilder().setToken(first.getJoined().getToken())))
            .getSnapshot()
            .getSessionId());
    assertTrue(
        phone
            .all(m -> m.hasGoodbye() && m.getGoodbye().getReason() == Goodbye.Reason.REPLACED)
            .isEmpty(),
        "the phone, now in the new session, stays");
  }
}
