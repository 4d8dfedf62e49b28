package org.quarterdeck.client.net;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The client's side of TLS ({@code wss://} and {@code tcps://}): whom it trusts and how a failed
 * handshake is explained. Host names are always verified against the server's certificate.
 */
public final class ClientTls {
  private ClientTls() {}

  /**
   * A client context trusting the certificates in {@code trusted} (PEM: a CA or the server's own
   * certificate), or the JDK's default trust store when it is null.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate
   */
  public static SslContext context(Path trusted) {
    SslContextBuilder builder =
        SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
    if (trusted != null) {
      if (!Files.isReadable(trusted)) {
        throw new IllegalArgumentException("cannot read the trusted certificate file " + trusted);
      }
      try {
        builder.trustManager(trusted.toFile());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            trusted + " holds no PEM certificate: " + e.getMessage(), e);
      }
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException(
          (trusted == null ? "cannot set up TLS" : "cannot use " + trusted + " to trust servers")
              + ": "
              + rootMessage(e),
          e);
    }
  }

  /**
   * The failure of a TLS handshake with {@code server}, said so a person can act on it: most often
   * a certificate that is not trusted or names another host.
   */
  public static SSLHandshakeException handshakeFailed(
      String server, Throwable cause, Path trusted) {
    String why = rootMessage(cause);
    String hint =
        isCertificateProblem(cause)
            ? trusted == null
                ? "; the server's certificate is not trusted by this JVM (name its CA or the"
                    + " certificate itself with --trust-cert FILE) or is not for this host name"
                : "; the server's certificate is not signed by "
                    + trusted
                    + " or is not for this host name"
            : "";
    SSLHandshakeException failed =
        new SSLHandshakeException("TLS handshake with " + server + " failed: " + why + hint);
    failed.initCause(cause);
    return failed;
  }

  private static boolean isCertificateProblem(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof CertificateException
          || t.getClass().getName().startsWith("sun.security.validator")
          || t.getClass().getName().startsWith("sun.security.provider.certpath")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
