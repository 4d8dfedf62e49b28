package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.quarterdeck.protocol.v1.SessionSummary;

/**
 * What the facilitator desk shares with the other nodes of a cluster (the cluster keeps it in its
 * database): the facilitators' sessions on every node with the summary each owner last wrote, the
 * key that seals sign-in credentials, and the facilitator tokens {@code OpenSession} hands out. A
 * single server has none: its desk sees its own sessions only.
 */
public interface SharedDesk {
  /** The key every node seals facilitators' credentials with (at least 32 bytes). */
  byte[] credentialKey();

  /**
   * Every session of {@code facilitator} on any node, and with {@code alsoUnowned} those created
   * with a token only (the admin sees them); completes off the event loops.
   */
  CompletableFuture<List<Listed>> sessionsOf(String facilitator, boolean alsoUnowned);

  /**
   * A session this node serves shows something new in its summary (phase, turn, people); called on
   * the session's thread, must not block.
   */
  void summaryChanged(SessionSummary summary);

  /**
   * A facilitator token {@code OpenSession} handed out for a session this node serves: made
   * resumable through every node. Completes once stored.
   */
  CompletableFuture<Void> facilitatorTokenAdmitted(String sessionId, String tokenHash);

  /**
   * Records the accounts file ({@code --facilitators}, its {@code FacilitatorAccounts.fingerprint})
   * a node started with as the one every node should have: the newest file wins.
   */
  void accountsStarted(String fingerprint);

  /**
   * Whether {@code fingerprint} is the accounts file recorded last ({@link #accountsStarted}); also
   * true when none was, or when the record cannot be read now (the node checks its own file).
   * Blocks: call it off the event loops.
   */
  boolean accountsCurrent(String fingerprint);

  /**
   * One of a facilitator's sessions as the cluster knows it.
   *
   * @param summary what its owner last wrote; null when it has written nothing yet (just created,
   *     or written by a node older than this one)
   * @param joinCode and {@code createdEpochMs}: from its owner row, for a session with no summary
   */
  record Listed(
      String sessionId,
      String joinCode,
      long createdEpochMs,
      SessionSummary summary,
      boolean archived) {
    public Listed {
      requireNonNull(sessionId, "sessionId");
      joinCode = joinCode == null ? "" : joinCode;
    }
  }
}
