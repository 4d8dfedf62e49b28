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

  @Option(names = "--tls-cert", paramLabel = "chain.pem")
  private Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "key.pem")
  private Path tlsKey;

  @Option(names = "--allowed-origins", paramLabel = "https://a.example,...")
  private String allowedOrigins;

  @Option(names = "--trusted-proxies", paramLabel = "CIDR,...")
  private String trustedProxies;

  private Integer maxConnections;
  private Integer maxConnectionsPerAddress;

  @Option(names = "--max-connections", paramLabel = "N")
  void maxConnections(int value) {
    maxConnections = Ranges.check(spec, "--max-connections", value, 1, 1_000_000);
  }

  @Option(names = "--max-connections-per-address", paramLabel = "N")
  void maxConnectionsPerAddress(int value) {
    maxConnectionsPerAddress =
        Ranges.check(spec, "--max-connections-per-address", value, 1, 1_000_000);
  }

  private Integer requestsPerAddress;

  @Option(names = "--requests-per-address", paramLabel = "N")
  void requestsPerAddress(int value) {
    requestsPerAddress = Ranges.check(spec, "--requests-per-address", value, 1, 1_000_000);
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
    if (requestsPerAddress != null) {
      perimeter =
          perimeter.withFloods(perimeter.floods().withRequestsPerSecond(requestsPerAddress));
    }
    if (allowedOrigins != null) {
      try {
        perimeter =
            perimeter.withOrigins(OriginPolicy.allowing(Arrays.asList(allowedOrigins.split(","))));
      } catch (IllegalArgumentException e) {
        // net/ words its reason in English; the whole flag's value says which entry to look at
        throw new ParameterException(
            spec.commandLine(), Texts.of(spec).say("usage.allowed-origins", allowedOrigins), e);
      }
    }
    if (trustedProxies != null) {
      try {
        perimeter = perimeter.withTrustedProxies(TrustedProxies.parse(trustedProxies));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), Texts.of(spec).say("usage.trusted-proxies", trustedProxies), e);
      }
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ParameterException(spec.commandLine(), Texts.of(spec).say("usage.tls-pair"));
    }
    if (tlsCert != null) {
      try {
        perimeter = perimeter.withTls(TlsCertificates.load(tlsCert, tlsKey));
      } catch (IllegalArgumentException e) {
        // after our sentence, the reason of the file system or the TLS library, verbatim
        Throwable reason = e.getCause() != null ? e.getCause() : e;
        throw new ParameterException(
            spec.commandLine(),
            Texts.of(spec).say("usage.tls-files", tlsCert, tlsKey, reason.getMessage()),
            e);
      }
    }
    return perimeter;
  }
}
