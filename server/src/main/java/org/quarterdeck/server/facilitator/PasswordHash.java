package org.quarterdeck.server.facilitator;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A facilitator's password as stored: PBKDF2 with HMAC-SHA-256 (the JDK's own, no library needed),
 * a per-account random salt and the iteration count, written as {@code
 * pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash in Base64). The password itself is never
 * stored or logged.
 */
public final class PasswordHash {
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; each sign-in costs about a CPU second here. */
  public static final int DEFAULT_ITERATIONS = 600_000;

  /** The least a stored hash may use; below it a file is refused as too weak. */
  public static final int MIN_ITERATIONS = 1_000;

  private static final String SCHEME = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int iterations;
  private final byte[] salt;
  private final byte[] hash;

  private PasswordHash(int iterations, byte[] salt, byte[] hash) {
    this.iterations = iterations;
    this.salt = salt;
    this.hash = hash;
  }

  /** Hashes a new password with a fresh salt. */
  public static PasswordHash of(char[] password, int iterations) {
    requireNonNull(password, "password");
    if (iterations < MIN_ITERATIONS) {
      throw new IllegalArgumentException("at least " + MIN_ITERATIONS + " iterations");
    }
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return new PasswordHash(iterations, salt, derive(password, salt, iterations));
  }

  /** Reads the stored form; throws {@link IllegalArgumentException} naming what is wrong. */
  public static PasswordHash parse(String stored) {
    String[] parts = requireNonNull(stored, "stored").split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException(
          "a password hash must look like " + SCHEME + "$ITERATIONS$SALT$HASH");
    }
    int iterations;
    try {
      iterations = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the iteration count is not a number");
    }
    if (iterations < MIN_ITERATIONS) {
      throw new IllegalArgumentException("the iteration count is below " + MIN_ITERATIONS);
    }
    try {
      return new PasswordHash(
          iterations, Base64.getDecoder().decode(parts[2]), Base64.getDecoder().decode(parts[3]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the salt or hash is not Base64");
    }
  }

  /** True when the password matches; compares in constant time. Costs the full iterations. */
  public boolean matches(char[] password) {
    return MessageDigest.isEqual(
        hash, derive(requireNonNull(password, "password"), salt, iterations));
  }

  int iterations() {
    return iterations;
  }

  /** The stored form. */
  @Override
  public String toString() {
    return SCHEME
        + "$"
        + iterations
        + "$"
        + Base64.getEncoder().encodeToString(salt)
        + "$"
        + Base64.getEncoder().encodeToString(hash);
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java 17 runtime has PBKDF2WithHmacSHA256", e);
    } finally {
      spec.clearPassword();
    }
  }
}
