package org.quarterdeck.server.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSummary;
import org.quarterdeck.server.session.SharedDesk;
import org.quarterdeck.server.testing.Await;

/**
 * The facilitator desk's rows on a real PostgreSQL: version 3 fills in the facilitator of older
 * sessions from their first record; a facilitator's list is one query over every node's sessions
 * (the admin's with those created with a token only); a node writes the summaries of the sessions
 * it owns and of no others; OpenSession's token is made resumable; every node reads one credential
 * key.
 */
class SharedDeskRowsTest {
  private TestDatabase database;
  private PostgresJournals nodeA;
  private PostgresJournals nodeB;
  private ClusterDesk deskA;
  private ClusterDesk deskB;

  @BeforeEach
  void open() throws Exception {
    database = TestDatabase.create();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {deskB, deskA, nodeB, nodeA}) {
      if (c != null) {
        c.close();
      }
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void versionThreeFillsInTheFacilitatorOfOlderSessionsFromTheirFirstRecord() throws Exception {
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      assertEquals(2, Schema.migrate(c, 2));
      s.execute(
          "INSERT INTO session_owner (session_id, node_id, join_code) VALUES ('s-1', 'a', 'C1'),"
              + " ('s-2', 'a', 'C2'), ('s-3', 'a', 'C3')");
      firstRecord(c, "s-1", "alice");
      firstRecord(c, "s-2", ""); // created with a token only; s-3 has no record at all
      assertEquals(Schema.MIGRATIONS.size(), Schema.migrate(c));
      assertEquals(
          Map.of("s-1", "alice", "s-2", "", "s-3", ""),
          rows(c, "SELECT session_id, facilitator FROM session_owner"));
    }
  }

  @Test
  void aListHoldsEveryNodesSessionsWithTheSummariesTheirOwnersWrote() throws Exception {
    nodeA = PostgresJournals.open(database.url(), new PostgresJournals.Node("a", "-", "-"));
    nodeB = PostgresJournals.open(database.url(), new PostgresJournals.Node("b", "-", "-"));
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO session_owner (session_id, node_id, join_code, facilitator) VALUES"
              + " ('s-1', 'a', 'C1', 'alice'), ('s-2', 'b', 'C2', 'alice'),"
              + " ('s-3', 'a', 'C3', 'bob'), ('s-4', 'b', 'C4', '')");
      s.execute("INSERT INTO archived_session (session_id) VALUES ('s-2')");
    }
    deskA = ClusterDesk.open(nodeA);
    deskB = ClusterDesk.open(nodeB);
    assertArrayEquals(deskA.credentialKey(), deskB.credentialKey(), "one key for every node");
    assertEquals(32, deskA.credentialKey().length);

    // each node writes what it owns; A's summary of B's session is not written
    deskA.summaryChanged(summary("s-1", Phase.TURN_OPEN, 2));
    deskA.summaryChanged(summary("s-2", Phase.ENDED, 9));
    deskB.summaryChanged(summary("s-2", Phase.PAUSED, 3));
    Await.until(
        "both summaries written",
        Duration.ofSeconds(10),
        () -> listed(deskA, "alice", false).values().stream().allMatch(l -> l.summary() != null));
    Map<String, SharedDesk.Listed> alice = listed(deskB, "alice", false);
    assertEquals(List.of("s-1", "s-2"), List.copyOf(alice.keySet()));
    assertEquals(Phase.TURN_OPEN, alice.get("s-1").summary().getPhase());
    assertEquals(2, alice.get("s-1").summary().getTurn());
    assertEquals(Phase.PAUSED, alice.get("s-2").summary().getPhase(), "B's own, not A's");
    assertEquals(true, alice.get("s-2").archived());
    assertEquals("C1", alice.get("s-1").joinCode());

    // the admin also sees the session created with a token only, which has no summary yet
    Map<String, SharedDesk.Listed> admin = listed(deskA, "admin", true);
    assertEquals(List.of("s-4"), List.copyOf(admin.keySet()));
    assertNull(admin.get("s-4").summary());
    assertEquals(List.of("s-3"), List.copyOf(listed(deskA, "bob", false).keySet()));

    // a fenced node writes no summary
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      s.execute("UPDATE node_lease SET epoch = epoch + 1, state = 'dead' WHERE node_id = 'a'");
    }
    deskA.summaryChanged(summary("s-1", Phase.ENDED, 4));
    deskB.summaryChanged(summary("s-2", Phase.ENDED, 4));
    Await.until(
        "B's write landed",
        Duration.ofSeconds(10),
        () -> listed(deskB, "alice", false).get("s-2").summary().getPhase() == Phase.ENDED);
    assertEquals(
        Phase.TURN_OPEN,
        listed(deskB, "alice", false).get("s-1").summary().getPhase(),
        "A, fenced, wrote nothing");

    // OpenSession's fresh token resumes through any node
    deskB.facilitatorTokenAdmitted("s-2", "ab".repeat(32)).get();
    try (Connection c = database.connect()) {
      assertEquals(
          Map.of("ab".repeat(32), "s-2"),
          rows(c, "SELECT token_hash, session_id FROM member_token"));
    }
  }

  private static SessionSummary summary(String id, Phase phase, int turn) {
    return SessionSummary.newBuilder()
        .setSessionId(id)
        .setTitle("Q" + turn)
        .setPhase(phase)
        .setTurn(turn)
        .setTurns(12)
        .setTeams(2)
        .build();
  }

  private static Map<String, SharedDesk.Listed> listed(
      ClusterDesk desk, String facilitator, boolean alsoUnowned) {
    Map<String, SharedDesk.Listed> byId = new TreeMap<>();
    desk.sessionsOf(facilitator, alsoUnowned).join().forEach(l -> byId.put(l.sessionId(), l));
    return byId;
  }

  private static void firstRecord(Connection c, String sessionId, String owner) throws Exception {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO session_record (session_id, seq, node_epoch, body) VALUES (?, 0, 1, ?)")) {
      p.setString(1, sessionId);
      p.setBytes(
          2,
          SessionRecord.newBuilder()
              .setOpened(SessionOpened.newBuilder().setSessionId(sessionId).setOwner(owner))
              .build()
              .toByteArray());
      p.executeUpdate();
    }
  }

  private static Map<String, String> rows(Connection c, String sql) throws Exception {
    Map<String, String> rows = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        rows.put(r.getString(1), r.getString(2));
      }
    }
    return rows;
  }
}
