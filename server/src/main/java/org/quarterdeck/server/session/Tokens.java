package org.quarterdeck.server.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.quarterdeck.server.port.SessionKey;

/**
 * Bearer tokens: 128 random bits, URL-safe text. The server keeps only their SHA-256 hashes and
 * compares hashes in constant time.
 */
public final class Tokens {
  private static final int TOKEN_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  public static String newToken() {
    byte[] bytes = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Lowercase hex SHA-256 of the token's UTF-8 bytes. */
  public static String hash(String token) {
    return SessionKey.hashToken(token);
  }

  /** Compares two hashes without leaking where they differ. */
  public static boolean sameHash(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
