package org.quarterdeck.server.net;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which web pages may open a WebSocket to this server. A browser names the page's origin in the
 * {@code Origin} header and sends it with every WebSocket, even a hostile page's, and the
 * connection would then carry tokens and join codes: so by default only the server's own pages
 * (same scheme-less host and port as the {@code Host} header) are allowed, plus the origins an
 * operator lists. A client that sends no Origin (not a browser: the Java client, scripts) is
 * allowed; {@code Origin: null} (sandboxed frames, files) is not.
 */
public final class OriginPolicy {
  private final Set<String> allowed;
  private final boolean any;

  private OriginPolicy(Set<String> allowed, boolean any) {
    this.allowed = allowed;
    this.any = any;
  }

  /** Same origin only. */
  public static OriginPolicy sameOrigin() {
    return new OriginPolicy(Set.of(), false);
  }

  /**
   * Same origin plus {@code origins} (each {@code scheme://host[:port]}); {@code *} allows any.
   *
   * @throws IllegalArgumentException for an entry that is not an origin
   */
  public static OriginPolicy allowing(List<String> origins) {
    boolean any = origins.stream().anyMatch(o -> o.trim().equals("*"));
    Set<String> set =
        origins.stream()
            .map(String::trim)
            .filter(o -> !o.isEmpty() && !o.equals("*"))
            .map(
                o -> {
                  String n = normalize(o);
                  if (n == null) {
                    throw new IllegalArgumentException(
                        "not an origin (scheme://host[:port]): " + o);
                  }
                  return n;
                })
            .collect(Collectors.toUnmodifiableSet());
    return new OriginPolicy(set, any);
  }

  /**
   * Whether a WebSocket from {@code origin} (null when the header is absent) to a server reached as
   * {@code host} (the Host header, may be null) is allowed.
   */
  public boolean allows(String origin, String host) {
    if (origin == null) {
      return true;
    }
    if (any) {
      return true;
    }
    String normalized = normalize(origin);
    if (normalized == null) {
      return false;
    }
    if (allowed.contains(normalized)) {
      return true;
    }
    return host != null
        && authorityOf(normalized)
            .equals(stripDefaultPort(host.trim().toLowerCase(Locale.ROOT), schemeOf(normalized)));
  }

  /** {@code scheme://host[:port]} lower-cased without a default port, or null if not an origin. */
  static String normalize(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    int sep = o.indexOf("://");
    if (sep <= 0) {
      return null;
    }
    String scheme = o.substring(0, sep);
    String authority = o.substring(sep + 3);
    if (!scheme.equals("http") && !scheme.equals("https")
        || authority.isEmpty()
        || authority.contains("/")
        || authority.contains("@")
        || authority.contains("?")) {
      return null;
    }
    return scheme + "://" + stripDefaultPort(authority, scheme);
  }

  private static String schemeOf(String normalized) {
    return normalized.substring(0, normalized.indexOf("://"));
  }

  private static String authorityOf(String normalized) {
    return normalized.substring(normalized.indexOf("://") + 3);
  }

  private static String stripDefaultPort(String authority, String scheme) {
    String port = scheme.equals("https") ? ":443" : ":80";
    return authority.endsWith(port)
        ? authority.substring(0, authority.length() - port.length())
        : authority;
  }

  @Override
  public String toString() {
    return any
        ? "any origin"
        : allowed.isEmpty() ? "same origin" : "same origin and " + String.join(", ", allowed);
  }
}
