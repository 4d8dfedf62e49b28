package org.quarterdeck.server.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh, empty PostgreSQL database for one test, in the server that {@code .ci/run} starts (its
 * URL in {@code QUARTERDECK_TEST_DATABASE_URL}). Outside CI, without that variable, the tests that
 * need one are skipped with a message saying so; in CI ({@code CI=true}) they fail.
 */
public final class TestDatabase implements AutoCloseable {
  public static final String VARIABLE = "QUARTERDECK_TEST_DATABASE_URL";
  private final DatabaseUrl server;
  private final String name;
  private final DatabaseUrl url;
  private final String operatorUrl;

  private TestDatabase(DatabaseUrl server, String serverText, String name) {
    this.server = server;
    this.name = name;
    this.url =
        new DatabaseUrl(
            server.jdbcUrl().replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1"),
            server.user(),
            server.password());
    this.operatorUrl = serverText.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
  }

  /** Creates the database, or skips the test when no server is configured outside CI. */
  public static TestDatabase create() throws SQLException {
    String text = System.getenv(VARIABLE);
    if (text == null || text.isBlank()) {
      text = System.getProperty("quarterdeck.test.database.url");
    }
    if (text == null || text.isBlank()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(
            VARIABLE
                + " is not set: .ci/run starts a PostgreSQL and sets"
                + " it; the cluster tests must not be skipped in CI");
      }
      Assumptions.abort(
          "no PostgreSQL for the cluster tests: set "
              + VARIABLE
              + " (for example"
              + " with .ci/postgres start DIR, see docs/cluster.md) or run .ci/run");
    }
    DatabaseUrl server = DatabaseUrl.parse(text);
    String name =
        "qd_test_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    try (Connection c = connect(server);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return new TestDatabase(server, text.trim(), name);
  }

  /** The database as the server takes it. */
  public DatabaseUrl url() {
    return url;
  }

  /** The database as an operator writes it ({@code postgres://...}), for a server process. */
  public String operatorUrl() {
    return operatorUrl;
  }

  public Connection connect() throws SQLException {
    return connect(url);
  }

  private static Connection connect(DatabaseUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  @Override
  public void close() throws SQLException {
    try (Connection c = connect(server);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}
