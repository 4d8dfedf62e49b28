package org.quarterdeck.server.facilitator;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The credentials handed out at sign-in: 128 random bits, kept only as SHA-256 hashes, valid for
 * {@code lifetimeMs}. A page keeps its credential to sign in again after a reconnect without the
 * password. They live in memory: after a restart a facilitator signs in once more.
 */
public final class SignIns {
  /** Credentials one server holds at most; the oldest go first (a flood cannot grow the heap). */
  static final int MAX_CREDENTIALS = 10_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private record Grant(String name, long expiresAtMs) {}

  private final Map<String, Grant> byHash = new ConcurrentHashMap<>();
  private final long lifetimeMs;
  private final LongSupplier clock;

  /**
   * @param clock milliseconds since the epoch (tests pass their own)
   */
  public SignIns(long lifetimeMs, LongSupplier clock) {
    this.lifetimeMs = lifetimeMs;
    this.clock = requireNonNull(clock, "clock");
  }

  /** A new credential for {@code name}. */
  public String issue(String name) {
    requireNonNull(name, "name");
    long now = clock.getAsLong();
    if (byHash.size() >= MAX_CREDENTIALS) {
      byHash.values().removeIf(g -> g.expiresAtMs() <= now);
      if (byHash.size() >= MAX_CREDENTIALS) {
        byHash.entrySet().stream()
            .min(Map.Entry.comparingByValue(java.util.Comparator.comparingLong(Grant::expiresAtMs)))
            .ifPresent(e -> byHash.remove(e.getKey()));
      }
    }
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String credential = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    byHash.put(hash(credential), new Grant(name, now + lifetimeMs));
    return credential;
  }

  /** The facilitator a credential belongs to, while it is valid. */
  public Optional<String> nameOf(String credential) {
    if (credential == null || credential.isEmpty()) {
      return Optional.empty();
    }
    Grant grant = byHash.get(hash(credential));
    if (grant == null || grant.expiresAtMs() <= clock.getAsLong()) {
      return Optional.empty();
    }
    return Optional.of(grant.name());
  }

  private static String hash(String credential) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(credential.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
