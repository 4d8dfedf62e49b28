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
        throw new TrustFileRefused(
            Trouble.UNREADABLE_TRUST_FILE,
            trusted,
            "",
            "cannot read the trusted certificate file " + trusted,
            null);
      }
      try {
        builder.trustManager(trusted.toFile());
      } catch (IllegalArgumentException e) {
        throw new TrustFileRefused(
            Trouble.NO_PEM_CERTIFICATE,
            trusted,
            e.getMessage(),
            trusted + " holds no PEM certificate: " + e.getMessage(),
            e);
      }
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new TrustFileRefused(
          trusted == null ? Trouble.NO_TLS : Trouble.UNUSABLE_TRUST_FILE,
          trusted,
          rootMessage(e),
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
  public static HandshakeRefused handshakeFailed(String server, Throwable cause, Path trusted) {
    String why = rootMessage(cause);
    boolean certificate = isCertificateProblem(cause);
    Trouble trouble =
        !certificate
            ? Trouble.HANDSHAKE
            : trusted == null ? Trouble.CERTIFICATE_UNTRUSTED : Trouble.CERTIFICATE_NOT_SIGNED;
    String hint =
        certificate
            ? trusted == null
                ? "; the server's certificate is not trusted by this JVM (name its CA or the"
                    + " certificate itself with --trust-cert FILE) or is not for this host name"
                : "; the server's certificate is not signed by "
                    + trusted
                    + " or is not for this host name"
            : "";
    HandshakeRefused failed =
        new HandshakeRefused(
            trouble,
            server,
            trusted,
            why,
            "TLS handshake with " + server + " failed: " + why + hint);
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

  /** What went wrong with TLS, for a caller that words it again in a person's language. */
  public enum Trouble {
    /** The {@code --trust-cert} file cannot be read. */
    UNREADABLE_TRUST_FILE,
    /** The {@code --trust-cert} file holds no PEM certificate. */
    NO_PEM_CERTIFICATE,
    /** The {@code --trust-cert} file cannot be used to trust servers. */
    UNUSABLE_TRUST_FILE,
    /** This JVM cannot set up TLS at all. */
    NO_TLS,
    /** The server's certificate is not trusted by this JVM, or names another host. */
    CERTIFICATE_UNTRUSTED,
    /**
     * The server's certificate is not signed by the {@code --trust-cert} file, or names another
     * host.
     */
    CERTIFICATE_NOT_SIGNED,
    /** The handshake failed for another reason. */
    HANDSHAKE
  }

  /** A {@code --trust-cert} file (or TLS itself) that cannot be used; the message is English. */
  public static final class TrustFileRefused extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final Trouble trouble;
    private final transient Path file;
    private final String detail;

    TrustFileRefused(Trouble trouble, Path file, String detail, String message, Throwable cause) {
      super(message, cause);
      this.trouble = trouble;
      this.file = file;
      this.detail = detail;
    }

    /** What went wrong. */
    public Trouble trouble() {
      return trouble;
    }

    /** The trusted certificate file, or null for the JVM's own trust store. */
    public Path file() {
      return file;
    }

    /** The underlying library's own words (English, may be empty). */
    public String detail() {
      return detail;
    }
  }

  /** A failed TLS handshake with a server; the message is English. */
  public static final class HandshakeRefused extends SSLHandshakeException {
    private static final long serialVersionUID = 1L;
    private final Trouble trouble;
    private final String server;
    private final transient Path trusted;
    private final String detail;

    HandshakeRefused(Trouble trouble, String server, Path trusted, String detail, String message) {
      super(message);
      this.trouble = trouble;
      this.server = server;
      this.trusted = trusted;
      this.detail = detail;
    }

    /** What went wrong. */
    public Trouble trouble() {
      return trouble;
    }

    /** The server, as host:port. */
    public String server() {
      return server;
    }

    /** The trusted certificate file, or null for the JVM's own trust store. */
    public Path trusted() {
      return trusted;
    }

    /** The underlying library's own words (English). */
    public String detail() {
      return detail;
    }
  }
}
