package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.testing.TestServer;

/** Garbage on either port leaves the server healthy and other connections undisturbed. */
class BadInputEndToEndTest {
  @RegisterExtension static final TestServer server = TestServer.inMemory();

  /** Writes bytes until the server closes the connection; returns what the server sent. */
  private static byte[] throwGarbage(InetSocketAddress address, long seed, int maxBytes)
      throws IOException {
    Random random = new Random(seed);
    try (Socket socket = new Socket()) {
      socket.connect(address, 5000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      byte[] chunk = new byte[512];
      try {
        for (int sent = 0; sent < maxBytes; sent += chunk.length) {
          random.nextBytes(chunk);
          out.write(chunk);
        }
        socket.shutdownOutput();
      } catch (SocketException closedByServer) {
        // expected: the server gave up on us
      }
      try {
        return socket.getInputStream().readAllBytes();
      } catch (SocketException reset) {
        return new byte[0];
      }
    }
  }

  private static void assertHealthy() throws Exception {
    assertEquals(200, server.get("/healthz").statusCode());
    try (QuarterdeckClient client = server.client(server.tcp(), false)) {
      client.hello().get(10, SECONDS);
    }
  }

  @Test
  void randomBytesOnTheTcpPortGetAnErrorAndAClose() throws Exception {
    for (long seed = 1; seed <= 10; seed++) {
      throwGarbage(server.addresses().tcp(), seed, 256 * 1024);
    }
    assertHealthy();
  }

  @Test
  void aFrameThatClaimsTooManyBytesIsAnsweredTooLarge() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(server.addresses().tcp(), 5000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(new byte[] {(byte) 0x81, (byte) 0x80, 0x10}); // 262,145
      InputStream in = socket.getInputStream();
      ServerMessage error = ServerMessage.parseDelimitedFrom(in);
      assertEquals(ErrorCode.TOO_LARGE, error.getError().getCode());
      assertTrue(ServerMessage.parseDelimitedFrom(in).hasGoodbye());
      assertEquals(-1, in.read(), "then the server closes");
    }
  }

  @Test
  void randomBytesOnTheHttpPortAreRefused() throws Exception {
    for (long seed = 1; seed <= 10; seed++) {
      byte[] answer = throwGarbage(server.addresses().http(), seed, 64 * 1024);
      String text = new String(answer, java.nio.charset.StandardCharsets.ISO_8859_1);
      assertTrue(text.isEmpty() || text.startsWith("HTTP/1.1 400"), text);
    }
    assertHealthy();
  }

  @Test
  void garbageOnOneConnectionDoesNotDisturbAnother() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger garbageConnections = new AtomicInteger();
    CompletableFuture<Void> hammer =
        CompletableFuture.runAsync(
            () -> {
              long seed = 100;
              while (!done.get() && garbageConnections.get() < 200) {
                try {
                  throwGarbage(
                      seed % 2 == 0 ? server.addresses().tcp() : server.addresses().http(),
                      seed++,
                      32 * 1024);
                  garbageConnections.incrementAndGet();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    try {
      for (int round = 0; round < 30; round++) {
        java.net.URI uri = round % 3 == 2 ? server.tcp() : server.webSocket();
        try (QuarterdeckClient healthy = server.client(uri, round % 3 == 1)) {
          healthy.hello().get(10, SECONDS);
          for (int i = 0; i < 10; i++) {
            long nonce = round * 100L + i;
            ServerMessage pong =
                healthy
                    .request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)))
                    .get(10, SECONDS);
            assertEquals(nonce, pong.getPong().getNonce());
          }
        }
      }
    } finally {
      done.set(true);
      hammer.get(60, SECONDS);
    }
    assertTrue(garbageConnections.get() > 0);
    assertHealthy();
  }
}
