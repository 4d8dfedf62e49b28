package org.quarterdeck.server.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and migrates the cluster's tables: the versioned SQL files under {@code db/cluster/},
 * each applied once, in order, in its own transaction, and noted in {@code
 * quarterdeck_schema_version}. Plain files rather than Flyway: three scripts do not earn a library
 * and its per-database plugin.
 */
final class Schema {
  private static final Logger log = LoggerFactory.getLogger(Schema.class);

  /** The migrations in order; version n is the n-th. Append, never edit a released one. */
  static final List<String> MIGRATIONS =
      List.of(
          "V1__records_owners_leases.sql", "V2__archived_sessions.sql", "V3__facilitator_desk.sql");

  /** The version that added {@code session_owner.facilitator}, filled in for older rows. */
  static final int FACILITATOR_COLUMN = 3;

  /**
   * Nodes that start together would race to create the same tables; a transaction-scoped advisory
   * lock serialises them (it ends with the transaction, so a pool cannot strand it).
   */
  private static final long MIGRATION_LOCK = 0x5144_434c_5553L;

  private Schema() {}

  /**
   * Brings the database up to the newest version.
   *
   * @return the version it is at now
   */
  static int migrate(Connection c) throws SQLException {
    return migrate(c, MIGRATIONS.size());
  }

  /** Brings the database up to version {@code upTo} (tests start from an older schema). */
  static int migrate(Connection c, int upTo) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
      s.execute(
          "CREATE TABLE IF NOT EXISTS quarterdeck_schema_version (version int PRIMARY KEY,"
              + " script text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
      int current = 0;
      try (ResultSet r =
          s.executeQuery("SELECT coalesce(max(version), 0) FROM quarterdeck_schema_version")) {
        r.next();
        current = r.getInt(1);
      }
      if (current > MIGRATIONS.size()) {
        throw new SQLException(
            "the database's schema is version "
                + current
                + ", newer than"
                + " this server knows ("
                + MIGRATIONS.size()
                + "); run a newer server");
      }
      for (int version = current + 1; version <= upTo; version++) {
        String script = MIGRATIONS.get(version - 1);
        s.execute(read(script));
        if (version == FACILITATOR_COLUMN) {
          int filled = backfillFacilitators(c);
          log.info("facilitator written on {} older sessions' owner rows", filled);
        }
        try (PreparedStatement p =
            c.prepareStatement(
                "INSERT INTO quarterdeck_schema_version (version, script) VALUES (?, ?)")) {
          p.setInt(1, version);
          p.setString(2, script);
          p.executeUpdate();
        }
        log.info("cluster schema migrated to version {} ({})", version, script);
      }
      c.commit();
      return Math.max(current, upTo);
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * Writes each older session's facilitator on its owner row, from its first record (the
   * SessionOpened that names them); a session whose first record is missing or unreadable gets ''
   * (it is listed to the admin, as a session created with a token only is).
   *
   * @return how many rows were filled in
   */
  static int backfillFacilitators(Connection c) throws SQLException {
    List<String> sessions = new java.util.ArrayList<>();
    List<String> facilitators = new java.util.ArrayList<>();
    try (PreparedStatement p =
            c.prepareStatement(
                "SELECT o.session_id, r.body FROM session_owner o LEFT JOIN session_record r"
                    + " ON r.session_id = o.session_id AND r.seq = 0 WHERE o.facilitator IS NULL");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        sessions.add(r.getString(1));
        facilitators.add(facilitatorOf(r.getBytes(2)));
      }
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE session_owner o SET facilitator = v.f FROM unnest(?::text[], ?::text[])"
                + " AS v (s, f) WHERE o.session_id = v.s")) {
      p.setArray(1, c.createArrayOf("text", sessions.toArray(new String[0])));
      p.setArray(2, c.createArrayOf("text", facilitators.toArray(new String[0])));
      return p.executeUpdate();
    }
  }

  private static String facilitatorOf(byte[] firstRecord) {
    if (firstRecord == null) {
      return "";
    }
    try {
      org.quarterdeck.protocol.v1.SessionRecord record =
          org.quarterdeck.protocol.v1.SessionRecord.parseFrom(firstRecord);
      return record.hasOpened() ? record.getOpened().getOwner() : "";
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return "";
    }
  }

  private static String read(String script) {
    try (InputStream in = Schema.class.getResourceAsStream("/db/cluster/" + script)) {
      if (in == null) {
        throw new IllegalStateException("migration " + script + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
