package org.quarterdeck.server.e2e.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Joined;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.net.TlsCertificates;
import org.quarterdeck.server.testing.SelfSigned;
import org.quarterdeck.server.testing.TestServer;

/**
 * The Java client and {@code play} over TLS against a real server with a self-signed certificate:
 * {@code wss://} and {@code tcps://} with the certificate trusted by {@code --trust-cert}; a
 * certificate nobody trusts, or one for another host name, fails the connection with a sentence
 * saying so (issue 12, item 12, the client's side).
 */
@Timeout(value = 60, unit = SECONDS)
class ClientTlsEndToEndTest {
  @TempDir static Path dir;
  private static Path cert;
  private static Path stranger;
  private static Path otherHost;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    cert = dir.resolve("server.pem");
    SelfSigned.forLoopback(dir, "server", cert, dir.resolve("server-key.pem"));
    stranger = dir.resolve("stranger.pem");
    SelfSigned.forLoopback(dir, "stranger", stranger, dir.resolve("stranger-key.pem"));
    server =
        TestServer.with(NetLimits.defaults(), Storage.memory())
            .withPerimeter(
                Perimeter.defaults()
                    .withTls(TlsCertificates.load(cert, dir.resolve("server-key.pem"))))
            .start();
    // a certificate that is trusted but names another host
    otherHost = dir.resolve("other-host.pem");
    SelfSigned.create(
        dir, "other", "other.example", "dns:other.example", otherHost, dir.resolve("o-key.pem"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static QuarterdeckClient connect(String url, Path trusted) throws Exception {
    return QuarterdeckClient.connect(
            URI.create(url),
            ClientOptions.defaults()
                .withRequestTimeout(Duration.ofSeconds(10))
                .withTrustCertificate(trusted))
        .get(10, SECONDS);
  }

  private static SessionCreated create(QuarterdeckClient c) throws Exception {
    return c.call(
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setBuiltinScenario("market-year")
                        .setSettings(SessionSettings.newBuilder().setTeams(2))))
        .get(10, SECONDS)
        .getSessionCreated();
  }

  @Test
  void bothTransportsCarryAGameOverTlsWithTheTrustedCertificate() throws Exception {
    String wss = server.addresses().webSocketUrl();
    String tcps = server.addresses().tcpUrl();
    assertTrue(wss.startsWith("wss://") && tcps.startsWith("tcps://"), wss + " " + tcps);
    try (QuarterdeckClient facilitator = connect(wss, cert);
        QuarterdeckClient player = connect(tcps, cert)) {
      facilitator.hello().get(10, SECONDS);
      SessionCreated session = create(facilitator);
      player.hello().get(10, SECONDS);
      Joined joined = player.join(session.getJoinCode(), "Tess").get(10, SECONDS);
      assertEquals(session.getSessionId(), joined.getSnapshot().getSessionId());
    }
  }

  @Test
  void playJoinsOverWssWithTrustCert() throws Exception {
    SessionCreated session;
    try (QuarterdeckClient facilitator = connect(server.addresses().webSocketUrl(), cert)) {
      facilitator.hello().get(10, SECONDS);
      session = create(facilitator);
    }
    Terminal play =
        Terminal.start(
            "play",
            "--server",
            server.addresses().webSocketUrl(),
            "--trust-cert",
            cert.toString(),
            "--join",
            session.getJoinCode(),
            "--name",
            "Una");
    play.await("^Your token:");
    play.type("quit");
    assertEquals(0, play.exitCode(Duration.ofSeconds(10)));
  }

  private static String refusal(String url, Path trusted) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> connect(url, trusted).close());
    SSLHandshakeException tls = assertInstanceOf(SSLHandshakeException.class, e.getCause());
    return tls.getMessage();
  }

  @Test
  void aCertificateNobodyTrustsFailsWithAClearError() {
    for (String url : new String[] {server.addresses().webSocketUrl(), server.tcp().toString()}) {
      String jdkTrust = refusal(url, null);
      assertTrue(
          jdkTrust.startsWith("TLS handshake with 127.0.0.1:")
              && jdkTrust.contains("not trusted by this JVM")
              && jdkTrust.contains("--trust-cert FILE"),
          jdkTrust);
      String wrongFile = refusal(url, stranger);
      assertTrue(wrongFile.contains("is not signed by " + stranger), wrongFile);
    }
  }

  @Test
  void aCertificateForAnotherHostNameIsRefused() throws Exception {
    // The server presents a certificate for other.example only; the client trusts exactly it,
    // so nothing but host name verification can refuse it.
    try (TestServer elsewhere =
        TestServer.with(NetLimits.defaults(), Storage.memory())
            .withPerimeter(
                Perimeter.defaults()
                    .withTls(TlsCertificates.load(otherHost, dir.resolve("o-key.pem"))))
            .start()) {
      String message = refusal(elsewhere.addresses().tcpUrl(), otherHost);
      assertTrue(message.contains("TLS handshake with 127.0.0.1:"), message);
      assertTrue(message.toLowerCase(java.util.Locale.ROOT).contains("127.0.0.1"), message);
    }
  }

  @Test
  void aTrustFileThatIsNoCertificateIsRefusedBeforeConnecting() throws Exception {
    Path junk = dir.resolve("junk.pem");
    java.nio.file.Files.writeString(junk, "not a certificate");
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> connect(server.addresses().tcpUrl(), junk).close());
    IllegalArgumentException bad = assertInstanceOf(IllegalArgumentException.class, e.getCause());
    assertTrue(bad.getMessage().contains(junk.toString()), bad.getMessage());
  }
}
