package org.quarterdeck.client.load;

/** What a generator connection is in its session. */
enum Role {
  /** Created the session and starts it; receives live views. */
  FACILITATOR,
  /** A seated player that submits decisions. */
  PLAYER,
  /** A seated player that never submits, so the turn stays open for revisions. */
  SILENT,
  /** A connection to the echo server: no session, every frame comes back as it went. */
  ECHO
}
