package org.quarterdeck.server.engine;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 over a canonical encoding of a game's state, so a replay can prove it reached the same
 * state. Encoding (big-endian, fixed field order): the tag "quarterdeck-state-v2"; scenario id;
 * seed; open turn; team count; then per team in session order: id, index, every {@link Var} in
 * declaration order, the delayed-effect ring (sparse: length, count, then index and value of each
 * non-zero entry in ring order), the hires ring, quarter results and targets. Strings are a 4-byte
 * length plus their UTF-16 code units (2 bytes each). Doubles are their exact IEEE-754 bits via
 * {@link Double#doubleToLongBits}, with no rounding: the engine's arithmetic is IEEE-exact on every
 * JVM since Java 17 and uses {@code StrictMath}, never platform-dependent maths.
 */
public final class StateHash {
  private StateHash() {}

  /** The hash of a game's state. */
  public static byte[] of(Game game) {
    Encoder enc = ENCODERS.get();
    enc.pos = 0;
    enc.string("quarterdeck-state-v2");
    enc.string(game.rules.id());
    enc.longValue(game.seed);
    enc.intValue(game.turn);
    enc.intValue(game.teams.length);
    for (TeamState s : game.teams) {
      enc.string(s.id);
      enc.intValue(s.index);
      enc.doubles(s.values);
      enc.sparse(s.pending);
      enc.doubles(s.hires);
      enc.doubles(s.quarterResults);
      enc.doubles(s.quarterTargets);
    }
    return enc.finish();
  }

  /**
   * One encoder per thread, reused: its buffer and digest (which {@code digest()} resets) would
   * otherwise be allocated again for every turn of every session on that thread.
   */
  private static final ThreadLocal<Encoder> ENCODERS = ThreadLocal.withInitial(Encoder::new);

  /** Lowercase hex of a hash. */
  public static String hex(byte[] hash) {
    return HEX.formatHex(hash);
  }

  private static final HexFormat HEX = HexFormat.of(); // lowercase, no delimiter

  /**
   * A fresh SHA-256 digest. Cloning a prototype skips the provider lookup of {@link
   * MessageDigest#getInstance}, which cost as much as hashing a small game; a provider whose digest
   * cannot be cloned gets the lookup.
   */
  private static MessageDigest sha256() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return lookUp();
    }
  }

  private static final MessageDigest PROTOTYPE = lookUp();

  private static MessageDigest lookUp() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Big-endian encoder feeding the digest through a small buffer (one update per 512 bytes: a small
   * game's encoding is about 1 KiB, and a buffer allocated per hash should not be 8 KiB).
   */
  private static final class Encoder {
    final MessageDigest digest = sha256();
    final byte[] buf = new byte[512];
    int pos;

    private void room(int n) {
      if (pos + n > buf.length) {
        digest.update(buf, 0, pos);
        pos = 0;
      }
    }

    void longValue(long x) {
      room(8);
      for (int k = 7; k >= 0; k--) {
        buf[pos + k] = (byte) x;
        x >>>= 8;
      }
      pos += 8;
    }

    void intValue(int x) {
      room(4);
      buf[pos] = (byte) (x >>> 24);
      buf[pos + 1] = (byte) (x >>> 16);
      buf[pos + 2] = (byte) (x >>> 8);
      buf[pos + 3] = (byte) x;
      pos += 4;
    }

    void string(String s) {
      intValue(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        room(2);
        buf[pos] = (byte) (c >>> 8);
        buf[pos + 1] = (byte) c;
        pos += 2;
      }
    }

    void doubles(double[] xs) {
      intValue(xs.length);
      for (double x : xs) {
        longValue(Double.doubleToLongBits(x));
      }
    }

    void sparse(double[] xs) {
      int nonZero = 0;
      for (double x : xs) {
        if (x != 0.0) {
          nonZero++;
        }
      }
      intValue(xs.length);
      intValue(nonZero);
      for (int i = 0; i < xs.length; i++) {
        if (xs[i] != 0.0) {
          intValue(i);
          longValue(Double.doubleToLongBits(xs[i]));
        }
      }
    }

    byte[] finish() {
      digest.update(buf, 0, pos);
      pos = 0;
      return digest.digest();
    }
  }
}
