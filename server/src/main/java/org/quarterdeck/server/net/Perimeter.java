package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

/**
 * What faces the network before any game message: connection caps, TLS (null for plain connections,
 * e.g. behind a TLS-terminating proxy) and the WebSocket Origin policy.
 */
public record Perimeter(ConnectionCaps caps, TlsCertificates tls, OriginPolicy origins) {
  public Perimeter {
    requireNonNull(caps, "caps");
    requireNonNull(origins, "origins");
  }

  public static Perimeter defaults() {
    return new Perimeter(ConnectionCaps.defaults(), null, OriginPolicy.sameOrigin());
  }

  public Perimeter withCaps(ConnectionCaps value) {
    return new Perimeter(value, tls, origins);
  }

  public Perimeter withTls(TlsCertificates value) {
    return new Perimeter(caps, value, origins);
  }

  public Perimeter withOrigins(OriginPolicy value) {
    return new Perimeter(caps, tls, value);
  }
}
