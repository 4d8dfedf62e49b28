package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.net.TlsCertificates;
import org.quarterdeck.server.testing.SelfSigned;
import org.quarterdeck.server.testing.TestServer;

/**
 * TLS on both listeners with a self-signed certificate made in the test (the JDK's keytool): https,
 * wss:// carrying envelopes, TLS around the TCP frames, and a renewed certificate picked up without
 * a restart (issue 12, item 12).
 */
@Timeout(value = 60, unit = SECONDS)
class TlsEndToEndTest {

  private static KeyStore selfSigned(Path dir, String alias, Path certPem, Path keyPem)
      throws Exception {
    return SelfSigned.forLoopback(dir, alias, certPem, keyPem);
  }

  private static SSLContext trusting(KeyStore keys) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", keys.getCertificate(keys.aliases().nextElement()));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static ClientMessage hello() {
    return ClientMessage.newBuilder()
        .setRequestId(1)
        .setHello(Hello.newBuilder().addProtocolVersions(1))
        .build();
  }

  /** Hello over TLS around varint frames; returns the server's certificate. */
  private static X509Certificate helloOverTlsTcp(SSLContext context, int port) throws Exception {
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      hello().writeDelimitedTo(socket.getOutputStream());
      socket.getOutputStream().flush();
      ServerMessage welcome = ServerMessage.parseDelimitedFrom(socket.getInputStream());
      assertTrue(welcome.hasWelcome(), welcome.toString());
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void bothListenersSpeakTlsAndARenewedCertificateIsUsedWithoutARestart(@TempDir Path dir)
      throws Exception {
    Path cert = dir.resolve("chain.pem");
    Path key = dir.resolve("key.pem");
    KeyStore first = selfSigned(dir, "first", cert, key);
    TlsCertificates tls = TlsCertificates.load(cert, key);
    try (TestServer server =
        TestServer.with(NetLimits.defaults(), Storage.memory())
            .withPerimeter(Perimeter.defaults().withTls(tls))
            .start()) {
      assertTrue(server.addresses().webSocketUrl().startsWith("wss://"));
      assertTrue(server.addresses().tcpUrl().startsWith("tcps://"));
      SSLContext trustFirst = trusting(first);
      HttpClient https = HttpClient.newBuilder().sslContext(trustFirst).build();
      HttpResponse<String> health =
          https.send(
              HttpRequest.newBuilder(URI.create(server.addresses().httpUrl() + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());

      // wss:// carrying a binary envelope
      CompletableFuture<ServerMessage> reply = new CompletableFuture<>();
      WebSocket ws =
          https
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create(server.addresses().webSocketUrl()),
                  new WebSocket.Listener() {
                    private final java.io.ByteArrayOutputStream parts =
                        new java.io.ByteArrayOutputStream();

                    @Override
                    public CompletionStage<?> onBinary(
                        WebSocket socket, ByteBuffer data, boolean last) {
                      byte[] bytes = new byte[data.remaining()];
                      data.get(bytes);
                      parts.writeBytes(bytes);
                      if (last) {
                        try {
                          reply.complete(ServerMessage.parseFrom(parts.toByteArray()));
                        } catch (Exception e) {
                          reply.completeExceptionally(e);
                        }
                      }
                      socket.request(1);
                      return null;
                    }
                  })
              .get(10, SECONDS);
      ws.sendBinary(ByteBuffer.wrap(hello().toByteArray()), true).get(10, SECONDS);
      assertTrue(reply.get(10, SECONDS).hasWelcome());
      ws.abort();

      // TLS TCP
      int tcpPort = server.addresses().tcp().getPort();
      X509Certificate seen = helloOverTlsTcp(trustFirst, tcpPort);
      assertEquals(first.getCertificate("first"), seen);

      // plain text to a TLS listener gets nowhere
      try (java.net.Socket plain = new java.net.Socket("127.0.0.1", tcpPort)) {
        plain.setSoTimeout(10_000);
        hello().writeDelimitedTo(plain.getOutputStream());
        ServerMessage none = null;
        try {
          none = ServerMessage.parseDelimitedFrom(plain.getInputStream());
        } catch (Exception expected) {
          // the TLS handler rejects the bytes and closes
        }
        assertTrue(none == null || !none.hasWelcome(), "no Welcome without TLS");
      }

      // renewal: new files in place, the server re-reads them
      KeyStore second = selfSigned(dir, "second", cert, key);
      Files.setLastModifiedTime(
          cert, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
      assertTrue(tls.reloadIfChanged(), "the renewed certificate is loaded");
      X509Certificate renewed = helloOverTlsTcp(trusting(second), tcpPort);
      assertEquals(second.getCertificate("second"), renewed);
      assertNotEquals(seen, renewed);

      // a broken file keeps the certificate in use
      Files.writeString(cert, "not a certificate");
      assertTrue(!tls.reloadIfChanged(), "a broken file is not loaded");
      assertEquals(renewed, helloOverTlsTcp(trusting(second), tcpPort));
    }
  }
}
