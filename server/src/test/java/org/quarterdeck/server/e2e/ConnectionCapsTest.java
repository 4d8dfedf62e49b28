package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.net.ConnectionCaps;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.testing.TestServer;

/**
 * One client holding more half-open HTTP requests than its share (issue 12, item 7): it is capped,
 * health checks still answer (from its own address too, from the reserve), and players from another
 * address still connect and play.
 */
@Timeout(value = 30, unit = SECONDS)
class ConnectionCapsTest {
  private static final InetAddress ATTACKER = loopback(2);

  private static InetAddress loopback(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static String get(InetAddress from, int port, String path) throws Exception {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] head = new byte[12];
      int n = socket.getInputStream().readNBytes(head, 0, 12);
      return new String(head, 0, n, StandardCharsets.US_ASCII);
    }
  }

  @Test
  void halfOpenRequestsFromOneClientLockNobodyOut() throws Exception {
    ConnectionCaps caps = new ConnectionCaps(300, 100, 1000, 1000, 16);
    try (TestServer server =
        TestServer.with(NetLimits.defaults(), Storage.memory())
            .withPerimeter(Perimeter.defaults().withCaps(caps))
            .start()) {
      int port = server.addresses().http().getPort();
      List<Socket> held = new ArrayList<>();
      int refused = 0;
      try {
        for (int i = 0; i < 200; i++) {
          Socket s = new Socket();
          s.bind(new InetSocketAddress(ATTACKER, 0));
          s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
          s.getOutputStream()
              .write(
                  "GET /healthz HTTP/1.1\r\nHost: x\r\n"
                      .getBytes(StandardCharsets.US_ASCII)); // never finished
          held.add(s);
        }
        // wait until the server has counted or refused them all
        long deadline = System.nanoTime() + SECONDS.toNanos(10);
        while (server.server().metrics().refusedConnections() + server.server().gate().open() < 200
            && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        for (Socket s : held) {
          s.setSoTimeout(50);
          try (InputStream in = s.getInputStream()) {
            refused += in.read() < 0 ? 1 : 0;
          } catch (java.net.SocketTimeoutException stillOpen) {
            // admitted, holding its slot
          } catch (java.io.IOException reset) {
            refused++;
          }
        }
        assertTrue(
            server.server().gate().open() <= caps.perAddress() + caps.healthReserve(),
            "the attacker holds at most its share: " + server.server().gate().open());
        assertTrue(
            refused >= 200 - caps.perAddress() - caps.healthReserve(),
            "the rest were refused: " + refused);

        assertEquals("HTTP/1.1 200", get(loopback(1), port, "/healthz"), "another address");
        try (TestPlayer player = new TestPlayer(server.webSocket(), false)) {
          assertTrue(
              player
                  .call(
                      org.quarterdeck.protocol.v1.ClientMessage.newBuilder()
                          .setPing(org.quarterdeck.protocol.v1.Ping.newBuilder().setNonce(1)))
                  .hasPong(),
              "a player from another address plays");
        }
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
      long deadline = System.nanoTime() + SECONDS.toNanos(10);
      while (server.server().gate().open() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, server.server().gate().open(), "every slot is given back");
      assertEquals("HTTP/1.1 200", get(ATTACKER, port, "/healthz"), "the attacker may come back");
    }
  }

  @Test
  void healthChecksFromAFullAddressUseTheReserve() throws Exception {
    ConnectionCaps caps = new ConnectionCaps(300, 20, 1000, 1000, 4);
    try (TestServer server =
        TestServer.with(NetLimits.defaults(), Storage.memory())
            .withPerimeter(Perimeter.defaults().withCaps(caps))
            .start()) {
      int port = server.addresses().http().getPort();
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          Socket s = new Socket();
          s.bind(new InetSocketAddress(ATTACKER, 0));
          s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
          held.add(s);
        }
        long deadline = System.nanoTime() + SECONDS.toNanos(10);
        while (server.server().gate().open() < 20 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals("HTTP/1.1 200", get(ATTACKER, port, "/healthz"), "health from the reserve");
        assertEquals("HTTP/1.1 503", get(ATTACKER, port, "/"), "nothing else from the reserve");
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }
}
