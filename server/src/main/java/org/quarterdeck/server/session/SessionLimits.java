package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How many sessions and spectators a server takes, and when an ended session, or a lobby nobody
 * starts, is archived.
 *
 * @param creationsPerAddressPerHour sessions one client address may create in an hour when the
 *     server has no admin token (anyone may create); with an admin token, creators are trusted
 * @param maxAnonymousSessions live (not archived) sessions the server holds at most when it has no
 *     admin token; further creations get UNAVAILABLE
 * @param maxSpectatorsPerSession spectators one session admits at once; more get UNAVAILABLE
 * @param archiveAfter how long after it ended a session is archived: its log is closed (and
 *     compacted), it takes no more commands but stays replayable and exportable, and it no longer
 *     counts towards {@code maxAnonymousSessions}; zero archives at once
 * @param lobbyIdle how long a lobby (no turn played yet) may go without any request from its
 *     facilitator, players or spectators before it is closed and archived, its people told with
 *     {@code Goodbye SESSION_ARCHIVED}; zero never closes a lobby
 */
public record SessionLimits(
    int creationsPerAddressPerHour,
    int maxAnonymousSessions,
    int maxSpectatorsPerSession,
    Duration archiveAfter,
    Duration lobbyIdle) {

  /**
   * 20 creations per address and hour, 1,000 live sessions, 200 spectators, archive after 1 h, a
   * lobby idle for a day closed.
   */
  public static final SessionLimits DEFAULTS =
      new SessionLimits(20, 1000, 200, Duration.ofHours(1), Duration.ofDays(1));

  /**
   * For embedded servers whose clients are trusted (tests, tools, the load generator's own server):
   * no quota per address; the ceiling is the server's maximum of sessions.
   */
  public static final SessionLimits TRUSTED_CLIENTS =
      new SessionLimits(Integer.MAX_VALUE, 20_000, 200, Duration.ofHours(1), Duration.ZERO);

  /** Lobbies are never closed for idleness. */
  public SessionLimits(
      int creationsPerAddressPerHour,
      int maxAnonymousSessions,
      int maxSpectatorsPerSession,
      Duration archiveAfter) {
    this(
        creationsPerAddressPerHour,
        maxAnonymousSessions,
        maxSpectatorsPerSession,
        archiveAfter,
        Duration.ZERO);
  }

  public SessionLimits {
    requireNonNull(archiveAfter, "archiveAfter");
    requireNonNull(lobbyIdle, "lobbyIdle");
    if (lobbyIdle.isNegative()) {
      throw new IllegalArgumentException("lobbyIdle must not be negative: " + lobbyIdle);
    }
    if (creationsPerAddressPerHour < 1 || maxAnonymousSessions < 1 || maxSpectatorsPerSession < 0) {
      throw new IllegalArgumentException("session limits must be positive");
    }
    if (archiveAfter.isNegative()) {
      throw new IllegalArgumentException("archiveAfter must not be negative: " + archiveAfter);
    }
  }
}
