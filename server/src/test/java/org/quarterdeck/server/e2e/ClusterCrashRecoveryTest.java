package org.quarterdeck.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.cluster.TestDatabase;
import org.quarterdeck.server.session.Journals;

/**
 * {@link CrashRecoveryTest} on the cluster store: a server process on PostgreSQL, killed with
 * SIGKILL at random moments and restarted under the same node id (so under a new epoch). No
 * acknowledged decision is lost, the final states equal an uninterrupted run, and every session's
 * rows were appended under epochs that never go back.
 */
class ClusterCrashRecoveryTest extends CrashRecoveryTest {
  private TestDatabase database;

  @BeforeEach
  void database() throws Exception {
    database = TestDatabase.create();
  }

  @AfterEach
  void dropDatabase() throws Exception {
    if (database != null) {
      database.close();
    }
  }

  @Override
  List<String> storeArguments() {
    return List.of("--store", database.operatorUrl(), "--node-id", "crash-node");
  }

  @Override
  Journals openStore() throws Exception {
    return PostgresJournals.open(database.url(), new PostgresJournals.Node("checker", "-", "-"));
  }

  @Override
  int kills() {
    return Integer.getInteger("quarterdeck.cluster.crash.kills", 10);
  }

  @Override
  void checkLogs(List<String> sessionIds) throws Exception {
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      // a record appended under an older epoch than one before it would be a fenced writer's
      try (ResultSet r =
          s.executeQuery(
              "SELECT count(*) FROM (SELECT node_epoch, max(node_epoch)"
                  + " OVER (PARTITION BY session_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1"
                  + " PRECEDING) AS before FROM session_record) x WHERE node_epoch < before")) {
        r.next();
        assertEquals(0, r.getLong(1), "records appended under a fenced epoch");
      }
      try (ResultSet r = s.executeQuery("SELECT count(DISTINCT node_epoch) FROM session_record")) {
        r.next();
        assertTrue(
            r.getLong(1) > kills() / 2,
            "the sessions were written across restarts, under " + r.getLong(1) + " epochs");
      }
    }
    // every played session is owned by the node (sessions created in the kill bursts are too, but
    // only those acknowledged were kept by the base test's checks)
    try (Connection c = database.connect();
        java.sql.PreparedStatement owned =
            c.prepareStatement(
                "SELECT count(*) FROM session_owner WHERE node_id = 'crash-node' AND session_id = ANY(?)")) {
      owned.setArray(1, c.createArrayOf("text", sessionIds.toArray()));
      try (ResultSet r = owned.executeQuery()) {
        r.next();
        assertEquals(sessionIds.size(), r.getLong(1), "one owner per session");
      }
    }
  }
}
