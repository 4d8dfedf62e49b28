package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

/**
 * What faces the network before any game message: connection caps, TLS (null for plain connections,
 * e.g. behind a TLS-terminating proxy), the WebSocket Origin policy, the proxies whose PROXY
 * protocol header names the client, and what one address may ask before it is cooled down.
 */
public record Perimeter(
    ConnectionCaps caps,
    TlsCertificates tls,
    OriginPolicy origins,
    TrustedProxies proxies,
    FloodLimits floods) {
  public Perimeter {
    requireNonNull(caps, "caps");
    requireNonNull(origins, "origins");
    requireNonNull(proxies, "proxies");
    requireNonNull(floods, "floods");
  }

  public Perimeter(
      ConnectionCaps caps, TlsCertificates tls, OriginPolicy origins, TrustedProxies proxies) {
    this(caps, tls, origins, proxies, FloodLimits.defaults());
  }

  public Perimeter(ConnectionCaps caps, TlsCertificates tls, OriginPolicy origins) {
    this(caps, tls, origins, TrustedProxies.none());
  }

  public static Perimeter defaults() {
    return new Perimeter(ConnectionCaps.defaults(), null, OriginPolicy.sameOrigin());
  }

  public Perimeter withCaps(ConnectionCaps value) {
    return new Perimeter(value, tls, origins, proxies, floods);
  }

  public Perimeter withTls(TlsCertificates value) {
    return new Perimeter(caps, value, origins, proxies, floods);
  }

  public Perimeter withOrigins(OriginPolicy value) {
    return new Perimeter(caps, tls, value, proxies, floods);
  }

  public Perimeter withTrustedProxies(TrustedProxies value) {
    return new Perimeter(caps, tls, origins, value, floods);
  }

  public Perimeter withFloods(FloodLimits value) {
    return new Perimeter(caps, tls, origins, proxies, value);
  }
}
