package org.quarterdeck.server.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.BroadcastSent;
import org.quarterdeck.protocol.v1.SeatTaken;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.session.SessionJournal;

/** The cluster store on a real PostgreSQL (see {@link TestDatabase}). */
class PostgresJournalsTest {
  private TestDatabase database;
  private final List<AutoCloseable> open = new ArrayList<>();

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
            database.url(), new PostgresJournals.Node(id, "http://" + id, "http://" + id));
    open.add(node);
    return node;
  }

  private static SessionRecord opened(String sessionId, String code) {
    return SessionRecord.newBuilder()
        .setAtMs(1)
        .setOpened(
            SessionOpened.newBuilder()
                .setSessionId(sessionId)
                .setJoinCode(code)
                .setFacilitatorTokenHash("f-" + sessionId))
        .build();
  }

  private static SessionRecord broadcast(int i) {
    return SessionRecord.newBuilder()
        .setAtMs(2 + i)
        .setBroadcast(BroadcastSent.newBuilder().setText("message " + i))
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

  @Test
  void recordsOfManySessionsAreGroupCommittedAndReadBackInOrder() throws Exception {
    PostgresJournals node = node("n1");
    int sessions = 20;
    int perSession = 50;
    List<SessionJournal> journals = new ArrayList<>();
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int s = 0; s < sessions; s++) {
      SessionJournal j = node.create("s-" + s);
      journals.add(j);
      acks.add(j.append(opened("s-" + s, "CODE" + s)));
    }
    for (int i = 1; i < perSession; i++) {
      for (int s = 0; s < sessions; s++) {
        acks.add(
            journals
                .get(s)
                .append(
                    i == 3
                        ? SessionRecord.newBuilder()
                            .setSeatTaken(SeatTaken.newBuilder().setTokenHash("p-" + s))
                            .build()
                        : broadcast(i)));
      }
    }
    CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).get(30, SECONDS);

    for (int s = 0; s < sessions; s++) {
      Journals.Stored stored = node.read("s-" + s);
      assertNull(stored.problem());
      assertEquals(perSession, stored.records().size());
      assertEquals("CODE" + s, stored.records().get(0).getOpened().getJoinCode());
      assertEquals("message 49", stored.records().get(49).getBroadcast().getText());
    }
    assertEquals(sessions * perSession, node.stats().records());
    assertTrue(
        node.stats().batches() < node.stats().records() / 10,
        "records were written in batches: " + node.stats().batches() + " commits");
    assertEquals(
        sessions * perSession,
        count(
            "SELECT count(*) FROM session_record WHERE" + " node_epoch = " + node.lease().epoch()));
    assertEquals(
        sessions,
        count(
            "SELECT count(*) FROM session_owner WHERE node_id = 'n1'"
                + " AND join_code LIKE 'CODE%'"));
    assertEquals(
        2 * sessions,
        count("SELECT count(*) FROM member_token"),
        "facilitator and player tokens resolve to their sessions");
    assertEquals(
        Schema.MIGRATIONS.size(), count("SELECT max(version) FROM quarterdeck_schema_version"));
  }

  @Test
  void aRestartedNodeRecoversItsSessionsUnderANewEpoch() throws Exception {
    PostgresJournals first = node("n1");
    SessionJournal j = first.create("s-a");
    j.append(opened("s-a", "AAAA")).get(10, SECONDS);
    j.append(broadcast(1)).get(10, SECONDS);
    long firstEpoch = first.lease().epoch();
    first.close();
    open.remove(first);

    PostgresJournals again = node("n1");
    assertEquals(firstEpoch + 1, again.lease().epoch());
    assertEquals(List.of("s-a"), again.sessionIds());
    Journals.Stored stored = again.recover("s-a");
    assertNull(stored.problem());
    assertEquals(2, stored.records().size());
    stored.journal().append(broadcast(2)).get(10, SECONDS);
    assertEquals(3, again.read("s-a").records().size());
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM session_record WHERE seq = 2 AND node_epoch = "
                + again.lease().epoch()));
  }

  @Test
  void anOlderIncarnationIsFencedAndAppendsNothingMore() throws Exception {
    PostgresJournals old = node("n1");
    SessionJournal j = old.create("s-f");
    j.append(opened("s-f", "FFFF")).get(10, SECONDS);
    long oldEpoch = old.lease().epoch();

    PostgresJournals newer = node("n1");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> j.append(broadcast(1)).get(10, SECONDS));
    assertInstanceOf(ClusterStoreException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("fenced"), e.getCause().getMessage());
    assertEquals(1, old.stats().fencedBatches());
    assertEquals(1, count("SELECT count(*) FROM session_record WHERE session_id = 's-f'"));
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM session_record WHERE node_epoch = " + oldEpoch + " AND seq > 0"));
    assertFalse(old.lease().renew(), "the old lease cannot be renewed");
    assertTrue(old.lease().fenced());
    assertFalse(old.lease().held());
    assertTrue(newer.lease().renew());
    // the newer incarnation owns the session and goes on appending after the durable record
    Journals.Stored stored = newer.recover("s-f");
    stored.journal().append(broadcast(1)).get(10, SECONDS);
    assertEquals(2, newer.read("s-f").records().size());
  }

  @Test
  void aNodeCannotAppendToASessionAnotherNodeOwns() throws Exception {
    PostgresJournals owner = node("n1");
    PostgresJournals other = node("n2");
    owner.create("s-o").append(opened("s-o", "OOOO")).get(10, SECONDS);
    SessionJournal intruder = other.create("s-o");
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> intruder.append(broadcast(1)).get(10, SECONDS));
    assertTrue(e.getCause().getMessage().contains("no longer owns"), e.getCause().getMessage());
    // and it stays refused: the log has no gap and no foreign record
    assertThrows(ExecutionException.class, () -> intruder.append(broadcast(2)).get(10, SECONDS));
    assertEquals(1, count("SELECT count(*) FROM session_record WHERE session_id = 's-o'"));
    assertEquals(List.of(), other.sessionIds());
    assertEquals(List.of("s-o"), owner.sessionIds());
  }

  @Test
  void aGapInTheRowsQuarantinesThatSessionOnly() throws Exception {
    PostgresJournals node = node("n1");
    SessionJournal j = node.create("s-g");
    j.append(opened("s-g", "GGGG")).get(10, SECONDS);
    j.append(broadcast(1)).get(10, SECONDS);
    j.append(broadcast(2)).get(10, SECONDS);
    node.create("s-h").append(opened("s-h", "HHHH")).get(10, SECONDS);
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM session_record WHERE session_id = 's-g' AND seq = 1");
    }
    Journals.Stored broken = node.recover("s-g");
    assertTrue(broken.corrupt());
    assertTrue(broken.problem().contains("record 1 is missing"), broken.problem());
    assertNull(broken.journal());
    assertEquals(1, broken.records().size(), "the records before the gap still name it");
    assertNull(node.recover("s-h").problem());
  }

  @Test
  void theLeaseLapsesByTheNodesOwnClockAndHealsOnRenewal() throws Exception {
    try (HikariDataSource db = pool()) {
      try (Connection c = db.getConnection()) {
        Schema.migrate(c);
        assertEquals(
            Schema.MIGRATIONS.size(), Schema.migrate(c), "a second migration changes nothing");
      }
      AtomicLong now = new AtomicLong(1_000_000_000L);
      NodeLease lease = new NodeLease(db, "n-clock", "a", "b", now::get);
      int[] lost = new int[1];
      lease.onLost(() -> lost[0]++);
      lease.acquire();
      now.addAndGet(3_900_000_000L);
      assertTrue(lease.held());
      now.addAndGet(200_000_000L);
      assertFalse(lease.held(), "4 s without a renewal: the node stops serving");
      assertTrue(lease.renew());
      assertTrue(lease.held());
      assertEquals(1, lease.renewals());

      NodeLease newer = new NodeLease(db, "n-clock", "a", "b", now::get);
      assertEquals(lease.epoch() + 1, newer.acquire());
      assertFalse(lease.renew());
      assertTrue(lease.fenced());
      assertEquals(1, lost[0]);
      now.addAndGet(1);
      assertFalse(lease.renew(), "a fence never heals");
      assertEquals(1, lost[0], "the loss is reported once");
    }
    assertEquals(
        Schema.MIGRATIONS.size(), count("SELECT count(*) FROM quarterdeck_schema_version"));
  }

  private HikariDataSource pool() {
    HikariDataSource db = new HikariDataSource();
    db.setJdbcUrl(database.url().jdbcUrl());
    db.setUsername(database.url().user());
    db.setPassword(database.url().password());
    db.setMaximumPoolSize(2);
    assertNotNull(db);
    return db;
  }
}
