package org.quarterdeck.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.e2e.ClusterHarness.call;
import static org.quarterdeck.server.e2e.ClusterHarness.create;
import static org.quarterdeck.server.e2e.ClusterHarness.join;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ArchiveSession;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.ListSessions;
import org.quarterdeck.protocol.v1.OpenSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Role;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSummary;
import org.quarterdeck.protocol.v1.SignIn;
import org.quarterdeck.server.e2e.ClusterHarness.NodeProcess;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;
import org.quarterdeck.server.testing.Await;

/**
 * The facilitator desk across two node processes on a real PostgreSQL: a facilitator signed in
 * through node A lists their sessions on A and on B (not another facilitator's), B's with the
 * phase, turn and people B wrote; opens B's session through A (the fresh facilitator token resumes
 * through A); archives it through A; both nodes then list it archived. B is killed (SIGKILL), A
 * takes its sessions over, and A's list still shows the session once, still archived; the token the
 * opening handed out still resumes as its facilitator, and A's room link does not lead to it.
 */
class ClusterDeskTest {
  private static final String PASSWORD = "correct horse battery";
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension final ClusterHarness cluster = ClusterHarness.onAFreshDatabase();

  @TempDir Path dir;

  @Test
  void aFacilitatorOnOneNodeListsOpensAndArchivesSessionsOfEveryNode() throws Exception {
    Path accounts = dir.resolve("facilitators.txt");
    FacilitatorAccounts.put(accounts, "alice", PASSWORD.toCharArray(), 1_000);
    FacilitatorAccounts.put(accounts, "bob", PASSWORD.toCharArray(), 1_000);
    List<NodeProcess> nodes =
        cluster.startNodes(
            2, "--http-port", "0", "--tcp-port", "0", "--facilitators", accounts.toString());
    NodeProcess a = nodes.get(0);
    NodeProcess b = nodes.get(1);

    // alice signs in through A; the credential is good on B as well
    QuarterdeckClient aliceOnA = cluster.connect(a.tcp());
    String credential =
        signIn(aliceOnA, SignIn.newBuilder().setName("alice").setPassword(PASSWORD));
    SessionCreated onA = create(aliceOnA, 11, 3600);
    SessionCreated onB = create(signedIn(b.tcp(), credential), 12, 3600);
    QuarterdeckClient bobOnB = cluster.connect(b.tcp());
    signIn(bobOnB, SignIn.newBuilder().setName("bob").setPassword(PASSWORD));
    SessionCreated bobs = create(bobOnB, 13, 3600);
    assertEquals("node-a", cluster.owner(onA.getSessionId()));
    assertEquals("node-b", cluster.owner(onB.getSessionId()));
    assertEquals("node-b", cluster.owner(bobs.getSessionId()));

    // a player joins B's session and it starts: A's list shows what B wrote of it
    String player = join(cluster.connect(b.tcp()), onB.getJoinCode(), 0);
    ClusterHarness.start(cluster.connect(b.tcp()), onB);
    Await.until(
        "A's list shows B's session playing turn 1 with one person",
        PATIENCE,
        () -> {
          SessionSummary s;
          try {
            s = find(list(aliceOnA, false), onB.getSessionId());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          return s != null
              && s.getPhase() == Phase.TURN_OPEN
              && s.getTurn() == 1
              && s.getPeople() == 1;
        });
    List<SessionSummary> listed = list(aliceOnA, false);
    assertEquals(Set.of(onA.getSessionId(), onB.getSessionId()), ids(listed), "alice's, not bob's");
    SessionSummary fromB = find(listed, onB.getSessionId());
    assertEquals(onB.getJoinCode(), fromB.getJoinCode());
    assertEquals(2, fromB.getTeams());
    assertEquals(Phase.LOBBY, find(listed, onA.getSessionId()).getPhase());

    // B's session opened through A: the fresh facilitator token resumes through A (served by B)
    ServerMessage opened =
        call(
            signedIn(a.tcp(), credential),
            ClientMessage.newBuilder()
                .setOpenSession(OpenSession.newBuilder().setSessionId(onB.getSessionId())));
    assertTrue(opened.hasSessionCreated(), "opened through A: " + opened);
    assertEquals(onB.getJoinCode(), opened.getSessionCreated().getJoinCode());
    assertEquals(
        Phase.TURN_OPEN,
        ClusterHarness.resume(
                cluster.connect(a.tcp()), opened.getSessionCreated().getFacilitatorToken())
            .getPhase());

    // archived through A; the answer is the list without it
    ServerMessage archived =
        call(
            signedIn(a.tcp(), credential),
            ClientMessage.newBuilder()
                .setArchiveSession(
                    ArchiveSession.newBuilder()
                        .setSessionId(onB.getSessionId())
                        .setArchived(true)));
    assertTrue(archived.hasSessionList(), "archived through A: " + archived);
    assertEquals(Set.of(onA.getSessionId()), ids(archived.getSessionList().getSessionsList()));

    // both nodes list it archived
    for (URI node : List.of(a.tcp(), b.tcp())) {
      QuarterdeckClient desk = signedIn(node, credential);
      assertEquals(Set.of(onA.getSessionId()), ids(list(desk, false)), "through " + node);
      assertTrue(find(list(desk, true), onB.getSessionId()).getArchived(), "through " + node);
    }

    // B dies: A takes its sessions over, and its list shows the session once, still archived
    b.process().destroyForcibly().waitFor();
    assertTrue(cluster.resumeUntilServed(a.tcp(), player).hasSnapshot());
    assertEquals("node-a", cluster.owner(onB.getSessionId()));
    List<SessionSummary> afterwards = list(signedIn(a.tcp(), credential), true);
    assertEquals(
        2,
        afterwards.size(),
        "each session once: " + afterwards.stream().map(SessionSummary::getSessionId).toList());
    assertEquals(Set.of(onA.getSessionId(), onB.getSessionId()), ids(afterwards));
    SessionSummary moved = find(afterwards, onB.getSessionId());
    assertTrue(moved.getArchived());
    assertEquals(Phase.TURN_OPEN, moved.getPhase());

    // the token B handed out when alice opened the session through A still makes her its
    // facilitator on A, which took the session over (sealed with the cluster's key)
    ServerMessage reopened =
        cluster.resumeUntilServed(a.tcp(), opened.getSessionCreated().getFacilitatorToken());
    assertTrue(reopened.hasSnapshot(), "the opened token after the takeover: " + reopened);
    assertEquals(Role.FACILITATOR, reopened.getSnapshot().getRole());

    // A's room link leads to alice's running session that is not archived: B archived the newer
    // one after A started, and A read its flag when it took it over
    HttpResponse<Void> room =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(a.http().resolve("/room/alice")).build(),
                HttpResponse.BodyHandlers.discarding());
    assertEquals(303, room.statusCode());
    assertEquals("/?code=" + onA.getJoinCode(), room.headers().firstValue("Location").orElse(""));
  }

  /**
   * Nodes started with different accounts files: the newest file wins. Node A started with alice
   * only; node B, started after it with alice and carol, records its file as the cluster's. A,
   * whose passwords may be out of date, checks none: a password sign-in through A is answered
   * UNAVAILABLE naming --facilitators (a client that tries again may reach another node), and B
   * signs alice in.
   */
  @Test
  void aNodeWithAnOlderAccountsFileSaysSoAndChecksNoPassword() throws Exception {
    Path older = dir.resolve("older.txt");
    FacilitatorAccounts.put(older, "alice", PASSWORD.toCharArray(), 1_000);
    Path newer = dir.resolve("newer.txt");
    FacilitatorAccounts.put(newer, "alice", PASSWORD.toCharArray(), 1_000);
    FacilitatorAccounts.put(newer, "carol", PASSWORD.toCharArray(), 1_000);
    NodeProcess a =
        cluster.startNode(
            "node-a", "--http-port", "0", "--tcp-port", "0", "--facilitators", older.toString());
    NodeProcess b =
        cluster.startNode(
            "node-b", "--http-port", "0", "--tcp-port", "0", "--facilitators", newer.toString());

    ServerMessage throughA =
        call(
            cluster.connect(a.tcp()),
            ClientMessage.newBuilder()
                .setSignIn(SignIn.newBuilder().setName("alice").setPassword(PASSWORD)));
    assertTrue(throughA.hasError(), "A checks no password: " + throughA);
    assertEquals(ErrorCode.UNAVAILABLE, throughA.getError().getCode());
    assertTrue(
        throughA.getError().getMessage().contains("--facilitators"),
        throughA.getError().getMessage());
    assertTrue(throughA.getError().getRetryAfterMs() > 0);

    signIn(cluster.connect(b.tcp()), SignIn.newBuilder().setName("carol").setPassword(PASSWORD));
    signIn(cluster.connect(b.tcp()), SignIn.newBuilder().setName("alice").setPassword(PASSWORD));
  }

  /** Signs in; the credential. */
  private static String signIn(QuarterdeckClient c, SignIn.Builder how) throws Exception {
    ServerMessage reply = call(c, ClientMessage.newBuilder().setSignIn(how));
    assertTrue(reply.hasSignedIn(), "signed in: " + reply);
    return reply.getSignedIn().getCredential();
  }

  /** A new connection to {@code node}, signed in with {@code credential}. */
  private QuarterdeckClient signedIn(URI node, String credential) throws Exception {
    QuarterdeckClient c = cluster.connect(node);
    signIn(c, SignIn.newBuilder().setCredential(credential));
    return c;
  }

  private static List<SessionSummary> list(QuarterdeckClient c, boolean archived) throws Exception {
    ServerMessage reply =
        call(
            c,
            ClientMessage.newBuilder()
                .setListSessions(ListSessions.newBuilder().setArchived(archived)));
    assertTrue(reply.hasSessionList(), "listed: " + reply);
    return reply.getSessionList().getSessionsList();
  }

  private static SessionSummary find(List<SessionSummary> list, String sessionId) {
    return list.stream().filter(s -> s.getSessionId().equals(sessionId)).findFirst().orElse(null);
  }

  private static Set<String> ids(List<SessionSummary> list) {
    Set<String> ids = new TreeSet<>();
    list.forEach(s -> ids.add(s.getSessionId()));
    return ids;
  }
}
