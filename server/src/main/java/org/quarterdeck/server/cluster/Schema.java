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
 * quarterdeck_schema_version}. Plain files rather than Flyway: two scripts do not earn a library
 * and its per-database plugin.
 */
final class Schema {
  private static final Logger log = LoggerFactory.getLogger(Schema.class);

  /** The migrations in order; version n is the n-th. Append, never edit a released one. */
  static final List<String> MIGRATIONS =
      List.of("V1__records_owners_leases.sql", "V2__archived_sessions.sql");

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
      for (int version = current + 1; version <= MIGRATIONS.size(); version++) {
        String script = MIGRATIONS.get(version - 1);
        s.execute(read(script));
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
      return MIGRATIONS.size();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
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
