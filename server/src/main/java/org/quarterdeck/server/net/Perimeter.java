package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

/**
 * What faces the network before any game message: connection caps, TLS (null for plain connections,
 * e.g. behind a TLS-terminating proxy), the WebSocket Origin policy and the proxies whose PROXY
 * protocol header names the client.
 */
public record Perimeter(
    ConnectionCaps caps, TlsCertificates tls, OriginPolicy origins, TrustedProxies proxies) {
  public Perimeter {
    requireNonNull(caps, "caps");
    requireNonNull(origins, "origins");
    requireNonNull(proxies, "proxies");
  }

  public Perimeter(ConnectionCaps caps, TlsCertificates tls, OriginPolicy origins) {
    this(caps, tls, origins, TrustedProxies.none());
  }

  public static Perimeter defaults() {
    return new Perimeter(ConnectionCaps.defaults(), null, OriginPolicy.sameOrigin());
  }

  public Perimeter withCaps(ConnectionCaps value) {
    return new Perimeter(value, tls, origins, proxies);
  }

  public Perimeter withTls(TlsCertificates value) {
    return new Perimeter(caps, value, origins, proxies);
  }

  public Perimeter withOrigins(OriginPolicy value) {
    return new Perimeter(caps, tls, value, proxies);
  }

  public Perimeter withTrustedProxies(TrustedProxies value) {
    return new Perimeter(caps, tls, origins, value);
  }
}
