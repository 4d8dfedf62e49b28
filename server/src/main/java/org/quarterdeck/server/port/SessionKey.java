package org.quarterdeck.server.port;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a client names a session by: its id (GetReplay, the export route), its join code (Join,
 * Spectate) or a seat, spectator or facilitator token (Resume). A token is kept only as its hash,
 * as the logs and the cluster's tables keep it.
 */
public record SessionKey(Kind kind, String value) {
  /** Which of the three names {@link #value} is. */
  public enum Kind {
    SESSION_ID,
    JOIN_CODE,
    TOKEN_HASH
  }

  public SessionKey {
    requireNonNull(kind, "kind");
    requireNonNull(value, "value");
  }

  public static SessionKey sessionId(String id) {
    return new SessionKey(Kind.SESSION_ID, id == null ? "" : id);
  }

  /** A join code as typed: upper-cased, spaces and dashes dropped ("abcd-efgh" is "ABCDEFGH"). */
  public static SessionKey joinCode(String typed) {
    return new SessionKey(Kind.JOIN_CODE, normalizeJoinCode(typed));
  }

  /** A bearer token, by its hash (lowercase hex SHA-256 of its UTF-8 bytes). */
  public static SessionKey token(String token) {
    return new SessionKey(Kind.TOKEN_HASH, hashToken(token == null ? "" : token));
  }

  /** A token already hashed (from a log record or a database row). */
  public static SessionKey tokenHash(String hash) {
    return new SessionKey(Kind.TOKEN_HASH, hash == null ? "" : hash);
  }

  /** Upper-cases and drops spaces and dashes, so "abcd-efgh" finds "ABCDEFGH". */
  public static String normalizeJoinCode(String typed) {
    return typed == null ? "" : typed.toUpperCase(Locale.ROOT).replaceAll("[\\s-]", "");
  }

  /** Lowercase hex SHA-256 of the token's UTF-8 bytes: the only form a server keeps a token in. */
  public static String hashToken(String token) {
    return Hashing.sha256().hashString(token, StandardCharsets.UTF_8).toString();
  }
}
