package org.quarterdeck.server.cluster;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Facilitators' archive flags in the cluster's database ({@code archived_session}), so that every
 * node shows a facilitator the same list, whichever node they reach.
 */
public final class ArchiveFlags {
  private final DataSource db;

  public ArchiveFlags(PostgresJournals journals) {
    this.db = requireNonNull(journals, "journals").database();
  }

  /** Every archived session's id. */
  public List<String> load() throws IOException {
    List<String> ids = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement p = c.prepareStatement("SELECT session_id FROM archived_session");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        ids.add(r.getString(1));
      }
      return ids;
    } catch (SQLException e) {
      throw new IOException("cannot read the archive flags: " + e.getMessage(), e);
    }
  }

  /** The archived ones among {@code sessionIds} (a node reads them for sessions it takes over). */
  public List<String> archivedAmong(java.util.Collection<String> sessionIds) throws IOException {
    requireNonNull(sessionIds, "sessionIds");
    List<String> ids = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                "SELECT session_id FROM archived_session WHERE session_id = ANY(?)")) {
      p.setArray(1, c.createArrayOf("text", sessionIds.toArray()));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new IOException("cannot read the archive flags: " + e.getMessage(), e);
    }
  }

  /** Sets one session's flag; committed when this returns. */
  public void set(String sessionId, boolean archived) throws IOException {
    requireNonNull(sessionId, "sessionId");
    try (Connection c = db.getConnection();
        PreparedStatement p =
            c.prepareStatement(
                archived
                    ? "INSERT INTO archived_session (session_id) VALUES (?) ON CONFLICT DO NOTHING"
                    : "DELETE FROM archived_session WHERE session_id = ?")) {
      p.setString(1, sessionId);
      p.executeUpdate();
    } catch (SQLException e) {
      throw new IOException(
          "cannot write the archive flag of " + sessionId + ": " + e.getMessage(), e);
    }
  }
}
