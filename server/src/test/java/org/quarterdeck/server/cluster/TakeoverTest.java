package org.quarterdeck.server.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.BroadcastSent;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.session.SessionJournal;

/**
 * A survivor fences an expired node and takes its sessions over in chunks, each chunk's rows read
 * in one query, rebuilt on a bounded pool; and a batch written again after a lost answer is
 * recognised, not doubled (on a real PostgreSQL, see {@link TestDatabase}).
 */
class TakeoverTest {
  private TestDatabase database;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void database() throws SQLException {
    database = TestDatabase.create();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (database != null) {
      database.close();
    }
  }

  private PostgresJournals node(String id) throws SQLException {
    PostgresJournals node =
        PostgresJournals.open(
            database.url(), new PostgresJournals.Node(id, "http://" + id, "-"), 2, clock::get);
    open.add(node);
    return node;
  }

  private static SessionRecord opened(String sessionId) {
    return SessionRecord.newBuilder()
        .setOpened(SessionOpened.newBuilder().setSessionId(sessionId).setJoinCode("J" + sessionId))
        .build();
  }

  private static SessionRecord broadcast(String text) {
    return SessionRecord.newBuilder()
        .setBroadcast(BroadcastSent.newBuilder().setText(text))
        .build();
  }

  private long count(String sql) throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void aSurvivorFencesAnExpiredNodeAndRebuildsItsSessionsInChunks() throws Exception {
    PostgresJournals dead = node("a");
    int sessions = 2 * Takeover.CHUNK + 50;
    List<SessionJournal> journals = new ArrayList<>();
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int s = 0; s < sessions; s++) {
      SessionJournal j = dead.create("s" + s);
      journals.add(j);
      acks.add(j.append(opened("s" + s)));
      acks.add(j.append(broadcast("one " + s)));
      acks.add(j.append(broadcast("two " + s)));
    }
    CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get(60, SECONDS);
    // one log with a gap: that session alone is not taken over
    execute("DELETE FROM session_record WHERE session_id = 's7' AND seq = 1");
    // node a dies: its lease expires, and (as if a newer incarnation had started and died) under an
    // epoch a's own renewals cannot extend, so no renewal of a's races the survivor's fencing
    execute(
        "UPDATE node_lease SET expires_at = now() - interval '1 second', epoch = epoch + 10"
            + " WHERE node_id = 'a'");

    PostgresJournals survivor = node("b");
    Map<String, Journals.Stored> rebuilt = new ConcurrentHashMap<>();
    Takeover takeover =
        new Takeover(
            survivor,
            Takeover.Successor.rebuildingEach(
                id -> {
                  Journals.Stored stored = survivor.recover(id);
                  rebuilt.put(id, stored);
                  return !stored.corrupt();
                }),
            rebuilt::size);
    open.add(takeover);
    assertEquals(0, takeover.tick(), "no takeover before the survivor held its lease a whole TTL");
    clock.addAndGet(NodeLease.TTL.toNanos());
    assertTrue(survivor.lease().renew());

    assertEquals(sessions - 1, takeover.tick());

    assertEquals(sessions, rebuilt.size(), "every session of the dead node was claimed");
    for (int s = 0; s < sessions; s++) {
      Journals.Stored stored = rebuilt.get("s" + s);
      if (s == 7) {
        assertTrue(stored.corrupt(), "the gap quarantines s7");
        continue;
      }
      assertNull(stored.problem());
      assertEquals(3, stored.records().size());
      assertEquals("two " + s, stored.records().get(2).getBroadcast().getText());
    }
    assertEquals(sessions, count("SELECT count(*) FROM session_owner WHERE node_id = 'b'"));
    assertEquals(
        "dead", stateOf("a"), "the expired lease was fenced before its sessions were claimed");
    assertTrue(
        takeover.prometheusText().contains("quarterdeck_cluster_takeover_round_sessions " + 449),
        takeover.prometheusText());
    // the dead node's late batch is fenced and writes nothing
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> journals.get(0).append(broadcast("late")).get(10, SECONDS));
    assertTrue(e.getCause().getMessage().contains("fenced"), e.getCause().getMessage());
    assertEquals(3, count("SELECT count(*) FROM session_record WHERE session_id = 's0'"));
    // the survivor appends after the rebuilt rows
    rebuilt.get("s0").journal().append(broadcast("three")).get(10, SECONDS);
    assertEquals(4, survivor.read("s0").records().size());
    assertEquals(0, takeover.tick(), "nothing is left to take");
  }

  private String stateOf(String node) throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT state FROM node_lease WHERE node_id = '" + node + "'")) {
      r.next();
      return r.getString(1);
    }
  }

  @Test
  void aBatchWrittenAgainAfterItsCommitLandedIsRecognisedNotDoubled() throws Exception {
    PostgresJournals node = node("n");
    PostgresJournal journal = (PostgresJournal) node.create("s-r");
    journal.append(opened("s-r")).get(10, SECONDS);
    long epoch = node.lease().epoch();
    PendingRecord first = new PendingRecord(journal, broadcast("once"));
    first.seq = 1;
    try (Connection c = database.connect()) {
      FencedAppend.Outcome outcome = FencedAppend.run(c, "n", epoch, Map.of(), List.of(first));
      assertFalse(outcome.fenced());
      assertEquals(java.util.Set.of("s-r"), outcome.owned());
      // the answer was lost; the writer sends the same row again
      outcome = FencedAppend.run(c, "n", epoch, Map.of(), List.of(first));
      assertEquals(java.util.Set.of("s-r"), outcome.owned());
      assertEquals(2, count("SELECT count(*) FROM session_record WHERE session_id = 's-r'"));

      PendingRecord other = new PendingRecord(journal, broadcast("a different record"));
      other.seq = 1;
      SQLException clash =
          assertThrows(
              SQLException.class, () -> FencedAppend.run(c, "n", epoch, Map.of(), List.of(other)));
      assertEquals("23505", clash.getSQLState());

      PendingRecord stale = new PendingRecord(journal, broadcast("under an old epoch"));
      stale.seq = 2;
      assertTrue(FencedAppend.run(c, "n", epoch - 1, Map.of(), List.of(stale)).fenced());
      assertEquals(2, count("SELECT count(*) FROM session_record WHERE session_id = 's-r'"));
      assertEquals("once", node.read("s-r").records().get(1).getBroadcast().getText());
    }
  }
}
