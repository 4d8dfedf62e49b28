package org.quarterdeck.server.engine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 over a canonical encoding of a game's state, so a replay can prove it reached the same
 * state. Encoding (big-endian, fixed field order): the tag "quarterdeck-state-v1"; scenario id;
 * seed; open turn; team count; then per team in session order: id, index, every {@link Var} in
 * declaration order, the delayed-effect ring, the hires ring, quarter results and targets.
 * Strings are a 4-byte length plus their UTF-16 code units (2 bytes each); doubles are their exact IEEE-754 bits via
 * {@link Double#doubleToLongBits} (no rounding: the engine's arithmetic is IEEE-exact on every JVM
 * since Java 17, and it uses no platform-dependent maths — {@code StrictMath} where it needs pow).
 */
public final class StateHash {
  private StateHash() {}

  /** The hash of a game's state. */
  public static byte[] of(Game game) {
    Encoder enc = new Encoder();
    enc.string("quarterdeck-state-v1");
    enc.string(game.rules.id());
    enc.longValue(game.seed);
    enc.intValue(game.turn);
    enc.intValue(game.teams.length);
    for (TeamState s : game.teams) {
      enc.string(s.id);
      enc.intValue(s.index);
      enc.doubles(s.v);
      enc.doubles(s.pending);
      enc.doubles(s.hires);
      enc.doubles(s.quarterResults);
      enc.doubles(s.quarterTargets);
    }
    return enc.digest.digest();
  }

  /** Lowercase hex of a hash. */
  public static String hex(byte[] hash) {
    StringBuilder sb = new StringBuilder(hash.length * 2);
    for (byte b : hash) {
      sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return sb.toString();
  }

  private static final class Encoder {
    final MessageDigest digest;
    final byte[] buf = new byte[8];

    Encoder() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }

    void longValue(long x) {
      for (int k = 7; k >= 0; k--) {
        buf[k] = (byte) x;
        x >>>= 8;
      }
      digest.update(buf, 0, 8);
    }

    void intValue(int x) {
      buf[0] = (byte) (x >>> 24);
      buf[1] = (byte) (x >>> 16);
      buf[2] = (byte) (x >>> 8);
      buf[3] = (byte) x;
      digest.update(buf, 0, 4);
    }

    void string(String s) {
      intValue(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        buf[0] = (byte) (c >>> 8);
        buf[1] = (byte) c;
        digest.update(buf, 0, 2);
      }
    }

    void doubles(double[] xs) {
      intValue(xs.length);
      for (double x : xs) {
        longValue(Double.doubleToLongBits(x));
      }
    }
  }
}
