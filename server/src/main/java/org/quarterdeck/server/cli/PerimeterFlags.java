package org.quarterdeck.server.cli;

import java.nio.file.Path;
import java.util.Arrays;
import org.quarterdeck.server.net.ConnectionCaps;
import org.quarterdeck.server.net.OriginPolicy;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.net.TlsCertificates;
import org.quarterdeck.server.net.TrustedProxies;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code serve} options of what faces the network (connection caps, TLS, WebSocket origins,
 * trusted proxies), a picocli mixin kept apart from the other options so they move as one piece.
 */
final class PerimeterFlags {
  @Spec(Spec.Target.MIXEE)
  private CommandSpec spec;

  @Option(
      names = "--tls-cert",
      paramLabel = "chain.pem",
      description =
          "PEM certificate chain (with --tls-key); both listeners then speak TLS only"
              + " (https, wss and TLS around the TCP frames); the files are re-read within a minute"
              + " of a change.")
  private Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "key.pem",
      description = "PKCS#8 private key of --tls-cert.")
  private Path tlsKey;

  @Option(
      names = "--allowed-origins",
      paramLabel = "https://a.example,...",
      description = "Web pages besides this server's own that may open a WebSocket (* = any).")
  private String allowedOrigins;

  @Option(
      names = "--trusted-proxies",
      paramLabel = "CIDR,...",
      description =
          "Proxies (addresses or blocks, e.g. 127.0.0.1,10.0.0.0/8) whose connections begin with a"
              + " PROXY protocol header (v1 or v2, HAProxy's send-proxy-v2): the per-address limits"
              + " then count the client it names. None by default.")
  private String trustedProxies;

  private Integer maxConnections;
  private Integer maxConnectionsPerAddress;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description = "Connections open at most (default: 10,000 or the descriptor limit less 256).")
  void maxConnections(int value) {
    maxConnections = Ranges.check(spec, "--max-connections", value, 1, 1_000_000);
  }

  @Option(
      names = "--max-connections-per-address",
      paramLabel = "N",
      description = "Connections open at most from one address (default: 512).")
  void maxConnectionsPerAddress(int value) {
    maxConnectionsPerAddress =
        Ranges.check(spec, "--max-connections-per-address", value, 1, 1_000_000);
  }

  /**
   * The perimeter these options describe.
   *
   * @throws ParameterException for origins that do not parse, a lone --tls-cert or --tls-key, or
   *     TLS files that cannot be loaded
   */
  Perimeter perimeter() {
    ConnectionCaps defaults = ConnectionCaps.defaults();
    int total = maxConnections == null ? defaults.total() : maxConnections;
    int perAddress =
        maxConnectionsPerAddress == null
            ? Math.min(defaults.perAddress(), total)
            : maxConnectionsPerAddress;
    Perimeter perimeter =
        Perimeter.defaults().withCaps(defaults.withTotal(total).withPerAddress(perAddress));
    if (allowedOrigins != null) {
      try {
        perimeter =
            perimeter.withOrigins(OriginPolicy.allowing(Arrays.asList(allowedOrigins.split(","))));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--allowed-origins: " + e.getMessage(), e);
      }
    }
    if (trustedProxies != null) {
      try {
        perimeter = perimeter.withTrustedProxies(TrustedProxies.parse(trustedProxies));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--trusted-proxies: " + e.getMessage(), e);
      }
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
    }
    if (tlsCert != null) {
      try {
        perimeter = perimeter.withTls(TlsCertificates.load(tlsCert, tlsKey));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), "--tls-cert/--tls-key: " + e.getMessage(), e);
      }
    }
    return perimeter;
  }
}
