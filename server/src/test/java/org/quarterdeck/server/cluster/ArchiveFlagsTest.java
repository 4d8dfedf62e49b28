package org.quarterdeck.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quarterdeck.server.facilitator.ArchivedSessions;

/**
 * Facilitators' archive flags on a real PostgreSQL: set through one node, seen by a node that
 * starts later, cleared again; read again by a node for the sessions it takes over; a flag the
 * database refuses is not kept in memory either.
 */
class ArchiveFlagsTest {
  private TestDatabase database;
  private PostgresJournals nodeA;
  private PostgresJournals nodeB;

  @BeforeEach
  void open() throws Exception {
    database = TestDatabase.create();
    nodeA = PostgresJournals.open(database.url(), new PostgresJournals.Node("a", "-", "-"));
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO session_owner (session_id, node_id) VALUES ('s-1', 'a'), ('s-2', 'a')");
    }
  }

  @AfterEach
  void close() throws Exception {
    if (nodeB != null) {
      nodeB.close();
    }
    if (nodeA != null) {
      nodeA.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void flagsSetOnOneNodeAreSeenByANodeStartingLaterAndClearedAgain() throws Exception {
    ArchiveFlags onA = new ArchiveFlags(nodeA);
    ArchivedSessions archiveA = kept(onA);
    archiveA.set("s-1", true);
    assertTrue(archiveA.contains("s-1"));

    nodeB = PostgresJournals.open(database.url(), new PostgresJournals.Node("b", "-", "-"));
    ArchiveFlags onB = new ArchiveFlags(nodeB);
    assertEquals(List.of("s-1"), onB.load());
    ArchivedSessions archiveB = kept(onB);
    assertTrue(archiveB.contains("s-1"));
    assertFalse(archiveB.contains("s-2"));

    archiveB.set("s-1", false);
    assertEquals(List.of(), onA.load());
  }

  /**
   * A node that started before another set a flag learns it when it reads the flags of the sessions
   * it takes over (and a flag cleared meanwhile goes); the flags of other sessions stay as they
   * were.
   */
  @Test
  void aNodeRereadsTheFlagsOfSessionsItTakesOver() throws Exception {
    ArchiveFlags onA = new ArchiveFlags(nodeA);
    ArchivedSessions archiveA = kept(onA);
    archiveA.set("s-1", true);
    nodeB = PostgresJournals.open(database.url(), new PostgresJournals.Node("b", "-", "-"));
    ArchiveFlags onB = new ArchiveFlags(nodeB);
    ArchivedSessions archiveB = kept(onB);
    // after B started: A archives s-2 and unarchives s-1
    archiveA.set("s-2", true);
    archiveA.set("s-1", false);
    assertTrue(archiveB.contains("s-1"), "B's flags as it read them at start");
    assertFalse(archiveB.contains("s-2"));

    archiveB.reread(List.of("s-2"));
    assertTrue(archiveB.contains("s-2"), "read again for the session B takes over");
    assertTrue(archiveB.contains("s-1"), "not read again: B does not take it over");
    archiveB.reread(List.of("s-1", "s-2"));
    assertFalse(archiveB.contains("s-1"));
    assertTrue(archiveB.contains("s-2"));
  }

  private static ArchivedSessions kept(ArchiveFlags flags) throws Exception {
    return ArchivedSessions.keptBy(flags.load(), flags::set, flags::archivedAmong);
  }

  @Test
  void aFlagTheDatabaseRefusesIsNotKept() throws Exception {
    ArchiveFlags flags = new ArchiveFlags(nodeA);
    ArchivedSessions archive = kept(flags);
    // no such session: the foreign key refuses the row
    assertThrows(UncheckedIOException.class, () -> archive.set("s-missing", true));
    assertFalse(archive.contains("s-missing"));
    assertEquals(List.of(), flags.load());
  }
}
