package org.quarterdeck.server.cluster;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One batch of records written by one statement in its own transaction (autocommit: the statement
 * and its commit are one round trip). The statement's text never changes, the rows travel as arrays
 * ({@code unnest}), so PostgreSQL plans it once per connection. In order, within the one statement:
 *
 * <ol>
 *   <li>the fence: {@code FOR SHARE} on this node's lease row with its epoch. A survivor's epoch
 *       bump waits for this transaction, and after the bump the row no longer matches, so every
 *       other part below, all joined to the fence, writes nothing;
 *   <li>owner rows for the batch's new sessions, with their join codes and facilitators ({@code ON
 *       CONFLICT DO NOTHING}: a session someone else owns, or a join code taken, is not ours);
 *   <li>the batch's sessions this node owns: the owner rows naming it, and the ones just claimed;
 *   <li>token hashes of those sessions' members, for routing;
 *   <li>the records of those sessions ({@code ON CONFLICT DO NOTHING}: a retried batch whose commit
 *       landed finds its rows there and they are compared, not doubled).
 * </ol>
 */
final class FencedAppend {
  static final String SQL =
      "WITH fence AS (SELECT node_id FROM node_lease WHERE node_id = ? AND epoch = ?"
          + " AND state = 'live' FOR SHARE),"
          + " claimed AS (INSERT INTO session_owner (session_id, node_id, join_code, facilitator)"
          + " SELECT n.s, f.node_id, n.c, n.f FROM unnest(?::text[], ?::text[], ?::text[])"
          + " AS n (s, c, f)"
          + " CROSS JOIN fence f ON CONFLICT DO NOTHING RETURNING session_id),"
          + " owned AS (SELECT o.session_id FROM session_owner o JOIN fence f"
          + " ON o.node_id = f.node_id WHERE o.session_id = ANY (?::text[])"
          + " UNION SELECT session_id FROM claimed),"
          + " tokens AS (INSERT INTO member_token (token_hash, session_id)"
          + " SELECT t.h, t.s FROM unnest(?::text[], ?::text[]) AS t (h, s)"
          + " WHERE t.s IN (SELECT session_id FROM owned) ON CONFLICT DO NOTHING),"
          + " written AS (INSERT INTO session_record (session_id, seq, node_epoch, body)"
          + " SELECT v.s, v.q, ?, v.b FROM unnest(?::text[], ?::bigint[], ?::bytea[]) AS v (s, q, b)"
          + " WHERE v.s IN (SELECT session_id FROM owned)"
          + " ON CONFLICT (session_id, seq) DO NOTHING RETURNING 1)"
          + " SELECT (SELECT count(*) FROM fence), (SELECT count(*) FROM written),"
          + " ARRAY (SELECT session_id FROM owned)";

  /**
   * What the statement did.
   *
   * @param fenced the lease row did not match: nothing was written
   * @param owned the batch's sessions this node owns (their records are durable)
   */
  record Outcome(boolean fenced, Set<String> owned) {}

  /**
   * What a new session's owner row holds besides its node: its join code and its facilitator (""
   * for a session created with a token only), both from its SessionOpened record (null without
   * one).
   */
  record NewSession(String joinCode, String facilitator) {
    static NewSession of(org.quarterdeck.protocol.v1.SessionRecord first) {
      return first.hasOpened()
          ? new NewSession(first.getOpened().getJoinCode(), first.getOpened().getOwner())
          : new NewSession(null, null);
    }
  }

  private FencedAppend() {}

  /**
   * Runs the statement for {@code rows} (their seqs assigned) and commits it.
   *
   * @param claim new sessions of the batch (no owner row yet) and what their owner rows hold
   */
  static Outcome run(
      Connection c,
      String nodeId,
      long epoch,
      Map<String, NewSession> claim,
      List<PendingRecord> rows)
      throws SQLException {
    c.setAutoCommit(true);
    int n = rows.size();
    String[] sessions = new String[n];
    Long[] seqs = new Long[n];
    byte[][] bodies = new byte[n][];
    List<String> tokenHashes = new ArrayList<>();
    List<String> tokenSessions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PendingRecord r = rows.get(i);
      sessions[i] = r.sessionId();
      seqs[i] = r.seq;
      bodies[i] = r.record.toByteArray();
      String hash = r.tokenHash();
      if (hash != null) {
        tokenHashes.add(hash);
        tokenSessions.add(r.sessionId());
      }
    }
    long written;
    Set<String> owned = new HashSet<>();
    try (PreparedStatement p = c.prepareStatement(SQL)) {
      int i = 1;
      p.setString(i++, nodeId);
      p.setLong(i++, epoch);
      p.setArray(i++, texts(c, claim.keySet()));
      p.setArray(i++, texts(c, claim.values().stream().map(NewSession::joinCode).toList()));
      p.setArray(i++, texts(c, claim.values().stream().map(NewSession::facilitator).toList()));
      p.setArray(i++, c.createArrayOf("text", sessions));
      p.setArray(i++, texts(c, tokenHashes));
      p.setArray(i++, texts(c, tokenSessions));
      p.setLong(i++, epoch);
      p.setArray(i++, c.createArrayOf("text", sessions));
      p.setArray(i++, c.createArrayOf("bigint", seqs));
      p.setArray(i, c.createArrayOf("bytea", bodies));
      try (ResultSet r = p.executeQuery()) {
        r.next();
        if (r.getLong(1) == 0) {
          return new Outcome(true, Set.of());
        }
        written = r.getLong(2);
        Array ids = r.getArray(3);
        owned.addAll(Arrays.asList((String[]) ids.getArray()));
      }
    }
    List<PendingRecord> mine = new ArrayList<>(n);
    for (PendingRecord r : rows) {
      if (owned.contains(r.sessionId())) {
        mine.add(r);
      }
    }
    if (written < mine.size()) {
      verifyAlreadyThere(c, mine);
    }
    return new Outcome(false, owned);
  }

  private static Array texts(Connection c, java.util.Collection<String> values)
      throws SQLException {
    return c.createArrayOf("text", values.toArray(new String[0]));
  }

  /**
   * The seq of the next record of each session that has to learn it (after a failure), in one
   * query.
   */
  static Map<String, Long> nextSeqs(Connection c, Set<String> sessionIds) throws SQLException {
    Map<String, Long> next = new HashMap<>();
    for (String id : sessionIds) {
      next.put(id, 0L);
    }
    c.setAutoCommit(true);
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT session_id, max(seq) + 1 FROM session_record"
                + " WHERE session_id = ANY (?::text[]) GROUP BY session_id")) {
      p.setArray(1, texts(c, sessionIds));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          next.put(r.getString(1), r.getLong(2));
        }
      }
    }
    return next;
  }

  /**
   * Some rows existed: a retry of a commit that landed although its answer was lost. Every such row
   * must hold exactly this record; anything else means two writers, which fencing forbids.
   */
  private static void verifyAlreadyThere(Connection c, List<PendingRecord> rows)
      throws SQLException {
    Map<String, byte[]> stored = new LinkedHashMap<>();
    String[] sessions = new String[rows.size()];
    Long[] seqs = new Long[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      sessions[i] = rows.get(i).sessionId();
      seqs[i] = rows.get(i).seq;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT r.session_id, r.seq, r.body FROM session_record r"
                + " JOIN unnest(?::text[], ?::bigint[]) AS k (s, q)"
                + " ON r.session_id = k.s AND r.seq = k.q")) {
      p.setArray(1, c.createArrayOf("text", sessions));
      p.setArray(2, c.createArrayOf("bigint", seqs));
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          stored.put(r.getString(1) + '\n' + r.getLong(2), r.getBytes(3));
        }
      }
    }
    for (PendingRecord row : rows) {
      byte[] body = stored.get(row.sessionId() + '\n' + row.seq);
      if (body == null || !Arrays.equals(body, row.record.toByteArray())) {
        throw new SQLException(
            "session " + row.sessionId() + " already holds a different record " + row.seq, "23505");
      }
    }
  }
}
