package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's certificate chain and private key (PEM files, the key in PKCS#8), re-read when
 * either file changes so a renewed certificate (e.g. from an ACME client) is used by new
 * connections without a restart. A file that fails to load keeps the previous certificate in use.
 */
public final class TlsCertificates {
  private static final Logger log = LoggerFactory.getLogger(TlsCertificates.class);

  private final Path certificateChain;
  private final Path privateKey;
  private volatile SslContext context;
  private volatile String loadedStamp;

  private TlsCertificates(Path certificateChain, Path privateKey) {
    this.certificateChain = requireNonNull(certificateChain, "certificateChain");
    this.privateKey = requireNonNull(privateKey, "privateKey");
  }

  /**
   * Loads the pair.
   *
   * @throws IllegalArgumentException when a file is missing or not a usable certificate or key
   */
  public static TlsCertificates load(Path certificateChain, Path privateKey) {
    TlsCertificates certificates = new TlsCertificates(certificateChain, privateKey);
    try {
      certificates.reload();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot load TLS certificate "
              + certificateChain
              + " with key "
              + privateKey
              + ": "
              + e.getMessage(),
          e);
    }
    return certificates;
  }

  /** Re-reads the files if they changed since the last load; true when a new pair is in use. */
  public boolean reloadIfChanged() {
    String stamp;
    try {
      stamp = stamp();
    } catch (IOException e) {
      log.warn("TLS files unreadable, keeping the certificate in use: {}", e.toString());
      return false;
    }
    if (stamp.equals(loadedStamp)) {
      return false;
    }
    try {
      reload();
      log.info("TLS certificate reloaded from {}", certificateChain);
      return true;
    } catch (IOException | RuntimeException e) {
      log.warn(
          "TLS certificate {} did not load, keeping the one in use: {}",
          certificateChain,
          e.toString());
      return false;
    }
  }

  private void reload() throws IOException {
    String stamp = stamp();
    SslContext next;
    try {
      next =
          SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
              .protocols("TLSv1.3", "TLSv1.2")
              .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    context = next;
    loadedStamp = stamp;
  }

  private String stamp() throws IOException {
    FileTime certTime = Files.getLastModifiedTime(certificateChain);
    FileTime keyTime = Files.getLastModifiedTime(privateKey);
    return certTime
        + "/"
        + Files.size(certificateChain)
        + "/"
        + keyTime
        + "/"
        + Files.size(privateKey);
  }

  /** A handler for one new connection, with the certificate in use now. */
  public SslHandler newHandler(ByteBufAllocator alloc) {
    return context.newHandler(alloc);
  }

  /** The certificate file (for logs). */
  public Path certificateChain() {
    return certificateChain;
  }
}
