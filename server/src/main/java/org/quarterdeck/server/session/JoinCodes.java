package org.quarterdeck.server.session;

import java.security.SecureRandom;
import org.quarterdeck.server.port.SessionKey;

/**
 * Join codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 39.6 bits;
 * with join attempts rate-limited per address, guessing a live code is impractical.
 */
public final class JoinCodes {
  static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  static final int LENGTH = 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private JoinCodes() {}

  public static String newCode() {
    StringBuilder code = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return code.toString();
  }

  /** Upper-cases and drops spaces and dashes, so "abcd-efgh" finds "ABCDEFGH". */
  public static String normalize(String typed) {
    return SessionKey.normalizeJoinCode(typed);
  }
}
