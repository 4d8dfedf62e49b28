package org.quarterdeck.server.testing;

import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;

/** Self-signed certificates for TLS tests, made with the JDK's keytool and written as PEM. */
public final class SelfSigned {
  private SelfSigned() {}

  /** A new key pair and certificate for 127.0.0.1 and localhost, as PEM files. */
  public static KeyStore forLoopback(Path dir, String alias, Path certPem, Path keyPem)
      throws Exception {
    return create(dir, alias, "127.0.0.1", "ip:127.0.0.1,dns:localhost", certPem, keyPem);
  }

  /**
   * A new key pair and certificate, as PEM files.
   *
   * @param subjectAltNames keytool's SAN list, e.g. {@code "dns:other.example"}
   */
  public static KeyStore create(
      Path dir, String alias, String commonName, String subjectAltNames, Path certPem, Path keyPem)
      throws Exception {
    Path store = dir.resolve(alias + ".p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + commonName,
                "-ext",
                "SAN=" + subjectAltNames,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(store.toFile())) {
      keys.load(in, "changeit".toCharArray());
    }
    PrivateKey key = (PrivateKey) keys.getKey(alias, "changeit".toCharArray());
    Certificate cert = keys.getCertificate(alias);
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
    return keys;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
