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
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credentials handed out at sign-in, valid for {@code lifetimeMs}. A page keeps its credential
 * to sign in again after a reconnect without the password. On one server they are 128 random bits,
 * kept only as SHA-256 hashes in memory: after a restart a facilitator signs in once more. On a
 * cluster they are sealed ({@link #sealedWith}): the name and the expiry, signed with a key every
 * node shares (HMAC-SHA256), so that any node can check one another node issued, without asking
 * anyone, and a node can hand a signed-in facilitator's credential on to the node it relays them
 * to.
 */
public final class SignIns {
  /** Credentials one server holds at most; the oldest go first (a flood cannot grow the heap). */
  static final int MAX_CREDENTIALS = 10_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private record Grant(String name, long expiresAtMs) {}

  /** What a sealed credential starts with (a version, should the format ever change). */
  static final String SEALED = "q1.";

  private static final String HMAC = "HmacSHA256";

  /** Shortest key a cluster may seal credentials with. */
  static final int MIN_KEY_BYTES = 32;

  private final Map<String, Grant> byHash = new ConcurrentHashMap<>();
  private final long lifetimeMs;
  private final LongSupplier clock;
  private final SecretKeySpec key;

  /**
   * @param clock milliseconds since the epoch (tests pass their own)
   */
  public SignIns(long lifetimeMs, LongSupplier clock) {
    this(lifetimeMs, clock, null);
  }

  private SignIns(long lifetimeMs, LongSupplier clock, SecretKeySpec key) {
    this.lifetimeMs = lifetimeMs;
    this.clock = requireNonNull(clock, "clock");
    this.key = key;
  }

  /** Credentials sealed with {@code key}, which every node of a cluster shares. */
  public static SignIns sealedWith(byte[] key, long lifetimeMs, LongSupplier clock) {
    requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "a credential key needs at least " + MIN_KEY_BYTES + " bytes, had " + key.length);
    }
    return new SignIns(lifetimeMs, clock, new SecretKeySpec(key.clone(), HMAC));
  }

  /** A new credential for {@code name}. */
  public String issue(String name) {
    requireNonNull(name, "name");
    long now = clock.getAsLong();
    if (key != null) {
      String sealed = SEALED + name + "." + (now + lifetimeMs);
      return sealed + "." + seal(sealed);
    }
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

  /** What a facilitator token sealed by OpenSession on a cluster starts with. */
  static final String OPENING = "o1.";

  /**
   * A facilitator token for session {@code sessionId}, handed out when a signed-in facilitator
   * opens it (OpenSession), sealed with the cluster's key: {@code o1.SESSION.RANDOM.MAC}. Any node
   * that serves the session later (it took the session over) accepts it without asking anyone
   * ({@link #openedSession}); like the session's first facilitator token it does not expire.
   *
   * @throws IllegalStateException on a single server (no key: its tokens stay random)
   */
  public String sealOpening(String sessionId) {
    requireNonNull(sessionId, "sessionId");
    if (key == null) {
      throw new IllegalStateException("only a cluster's credentials are sealed");
    }
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String sealed =
        OPENING + sessionId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return sealed + "." + seal(sealed);
  }

  /**
   * The session a token sealed by {@link #sealOpening} is for, when its seal holds; empty for any
   * other token, and always on a single server.
   */
  public Optional<String> openedSession(String token) {
    if (key == null || token == null || !token.startsWith(OPENING)) {
      return Optional.empty();
    }
    int last = token.lastIndexOf('.');
    String sealed = last < 0 ? "" : token.substring(0, last);
    int random = sealed.lastIndexOf('.');
    if (random <= OPENING.length()
        || !MessageDigest.isEqual(
            seal(sealed).getBytes(StandardCharsets.US_ASCII),
            token.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    return Optional.of(sealed.substring(OPENING.length(), random));
  }

  /** The facilitator a credential belongs to, while it is valid. */
  public Optional<String> nameOf(String credential) {
    if (credential == null || credential.isEmpty()) {
      return Optional.empty();
    }
    if (key != null) {
      return unseal(credential);
    }
    Grant grant = byHash.get(hash(credential));
    if (grant == null || grant.expiresAtMs() <= clock.getAsLong()) {
      return Optional.empty();
    }
    return Optional.of(grant.name());
  }

  /** The name in a sealed credential whose seal holds and which has not expired. */
  private Optional<String> unseal(String credential) {
    int last = credential.lastIndexOf('.');
    if (!credential.startsWith(SEALED) || last <= SEALED.length()) {
      return Optional.empty();
    }
    String sealed = credential.substring(0, last);
    byte[] expected = seal(sealed).getBytes(StandardCharsets.US_ASCII);
    byte[] given = credential.substring(last + 1).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, given)) {
      return Optional.empty();
    }
    int dot = sealed.lastIndexOf('.');
    long expiresAtMs;
    try {
      expiresAtMs = Long.parseLong(sealed.substring(dot + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (dot <= SEALED.length() || expiresAtMs <= clock.getAsLong()) {
      return Optional.empty();
    }
    return Optional.of(sealed.substring(SEALED.length(), dot));
  }

  private String seal(String text) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | java.security.InvalidKeyException e) {
      throw new IllegalStateException("every Java runtime has " + HMAC, e);
    }
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
