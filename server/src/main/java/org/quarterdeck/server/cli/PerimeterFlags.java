package org.quarterdeck.server.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.quarterdeck.server.net.ConnectionCaps;
import org.quarterdeck.server.net.OriginPolicy;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.net.TlsCertificates;

/**
 * The {@code serve} flags of what faces the network (connection caps, TLS, WebSocket origins),
 * kept apart from the other flags so they move as one piece.
 */
final class PerimeterFlags {
  static final Set<String> FLAGS = Set.of("allowed-origins", "tls-cert", "tls-key",
      "max-connections", "max-connections-per-address");

  static final String USAGE = String.join("\n",
      "      [--tls-cert chain.pem --tls-key key.pem] [--allowed-origins https://a.example,...]",
      "      [--max-connections N] [--max-connections-per-address 512]",
      "  --tls-cert/--tls-key: PEM certificate chain and PKCS#8 private key; both listeners then",
      "  speak TLS only (https, wss and TLS around the TCP frames); the files are re-read within",
      "  a minute of a change. --allowed-origins: web pages besides this server's own that may",
      "  open a WebSocket (* = any). --max-connections: default 10,000 or the descriptor limit",
      "  less 256; --max-connections-per-address: default 512.");

  private PerimeterFlags() {}

  static Perimeter parse(Flags flags) {
    ConnectionCaps defaults = ConnectionCaps.defaults();
    int total = flags.getInt("max-connections", defaults.total(), 1, 1_000_000);
    int perAddress = flags.getInt("max-connections-per-address",
        Math.min(defaults.perAddress(), total), 1, 1_000_000);
    Perimeter perimeter = Perimeter.defaults()
        .withCaps(defaults.withTotal(total).withPerAddress(perAddress));
    Optional<String> origins = flags.get("allowed-origins");
    if (origins.isPresent()) {
      try {
        perimeter = perimeter.withOrigins(
            OriginPolicy.allowing(Arrays.asList(origins.get().split(","))));
      } catch (IllegalArgumentException e) {
        throw new Flags.UsageException("--allowed-origins: " + e.getMessage());
      }
    }
    Optional<String> cert = flags.get("tls-cert");
    Optional<String> key = flags.get("tls-key");
    if (cert.isPresent() != key.isPresent()) {
      throw new Flags.UsageException("--tls-cert and --tls-key go together");
    }
    if (cert.isPresent()) {
      try {
        perimeter = perimeter.withTls(
            TlsCertificates.load(Path.of(cert.get()), Path.of(key.get())));
      } catch (IllegalArgumentException e) {
        throw new Flags.UsageException("--tls-cert/--tls-key: " + e.getMessage());
      }
    }
    return perimeter;
  }
}
