package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.OriginPolicy;
import org.quarterdeck.server.net.Perimeter;
import org.quarterdeck.server.testing.TestServer;

/**
 * The attacks of issue 12 that need no special process settings, each against a real server on
 * loopback: foreign Origins, page headers, malformed escapes, a guesser in front of a room. The
 * floods (requests, QR codes, spectators) are in {@link FloodEndToEndTest}.
 */
@Timeout(value = 30, unit = SECONDS)
class HardeningEndToEndTest {
  @RegisterExtension
  static final TestServer server =
      TestServer.with(NetLimits.defaults(), Storage.memory())
          .withPerimeter(
              Perimeter.defaults()
                  .withOrigins(OriginPolicy.allowing(List.of("https://workshop.example"))));

  /** Sends one raw HTTP request on a new connection; returns the status line and headers. */
  private static String raw(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.addresses().http().getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      StringBuilder head = new StringBuilder();
      for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
        head.append(line).append('\n');
      }
      return head.toString();
    }
  }

  private static String upgrade(String originHeader) throws Exception {
    int port = server.addresses().http().getPort();
    return raw(
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + originHeader
            + "\r\n");
  }

  @Test
  void webSocketsFromForeignOriginsGet403() throws Exception {
    int port = server.addresses().http().getPort();
    for (String foreign :
        List.of(
            "https://evil.example",
            "null",
            "http://127.0.0.1:" + (port + 1),
            "http://127.0.0.1.evil.example:" + port)) {
      String response = upgrade("Origin: " + foreign + "\r\n");
      assertTrue(response.startsWith("HTTP/1.1 403"), foreign + ": " + response);
    }
    assertTrue(
        upgrade("Origin: http://127.0.0.1:" + port + "\r\n").startsWith("HTTP/1.1 101"),
        "the server's own pages");
    assertTrue(
        upgrade("Origin: https://workshop.example\r\n").startsWith("HTTP/1.1 101"),
        "an origin the operator allowed");
    assertTrue(upgrade("").startsWith("HTTP/1.1 101"), "a client that is not a browser");
  }

  @Test
  void pagesCarryTheSecurityHeaders() throws Exception {
    for (String page : List.of("/", "/facilitator", "/replay/abc123")) {
      HttpResponse<String> response = server.get(page);
      assertEquals(200, response.statusCode(), page);
      var h = response.headers();
      String csp = h.firstValue("content-security-policy").orElse("");
      assertTrue(
          csp.contains("script-src 'self'")
              && csp.contains("frame-ancestors 'none'")
              && !csp.contains("unsafe-inline"),
          page + ": " + csp);
      assertEquals("DENY", h.firstValue("x-frame-options").orElse(""), page);
      assertEquals("no-referrer", h.firstValue("referrer-policy").orElse(""), page);
      assertEquals("nosniff", h.firstValue("x-content-type-options").orElse(""), page);
    }
    HttpResponse<String> missing = server.get("/sessions/%3Cscript%3E/export");
    assertEquals("nosniff", missing.headers().firstValue("x-content-type-options").orElse(""));
    HttpResponse<String> notFound = server.get("/nothing-here");
    assertEquals(404, notFound.statusCode());
    assertEquals("nosniff", notFound.headers().firstValue("x-content-type-options").orElse(""));
  }

  @Test
  void exportsRefuseATokenInTheAddress() throws Exception {
    HttpResponse<String> response = server.get("/sessions/abc/export?format=csv&token=secret");
    assertEquals(400, response.statusCode(), response.body());
  }

  @Test
  void malformedEscapesAreAnswered400AtOnce() throws Exception {
    for (String path : List.of("/%zz", "/qr?text=%zz", "/assets/%u2215x", "/%", "/a%2")) {
      long start = System.nanoTime();
      String response = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(response.startsWith("HTTP/1.1 400"), path + ": " + response);
      assertTrue(ms < 5000, path + " answered in " + ms + " ms");
    }
  }

  @Test
  void aRoomBehindTheGuessersAddressStillJoins() throws Exception {
    SessionCreated created = server.createSession(6);
    // The guesser: 8 connections of 6 wrong codes each, 48 misses, far over the address's 20.
    int refused = 0;
    for (int c = 0; c < 8; c++) {
      try (TestPlayer guesser = new TestPlayer(server.webSocket(), false)) {
        for (int i = 0; i < 6; i++) {
          ServerMessage reply =
              guesser.call(
                  ClientMessage.newBuilder()
                      .setJoinSession(
                          JoinSession.newBuilder()
                              .setJoinCode(String.format("ZZZZZZ%02d", c * 6 + i))
                              .setDisplayName("guess")));
          assertTrue(reply.hasError(), reply.toString());
          refused += reply.getError().getCode() == ErrorCode.RATE_LIMITED ? 1 : 0;
        }
        // the guesser's own connection is refused even with the right code
        ServerMessage right =
            guesser.call(
                ClientMessage.newBuilder()
                    .setJoinSession(
                        JoinSession.newBuilder()
                            .setJoinCode(created.getJoinCode())
                            .setDisplayName("g")));
        assertEquals(ErrorCode.RATE_LIMITED, right.getError().getCode(), right.toString());
      }
    }
    assertTrue(refused > 0, "the guesser was slowed down");
    // The room, from the same address (127.0.0.1), joins with the right code.
    for (int p = 0; p < 6; p++) {
      try (TestPlayer player =
          new TestPlayer(p % 2 == 0 ? server.webSocket() : server.tcp(), p % 3 == 0)) {
        ServerMessage joined =
            player.call(
                ClientMessage.newBuilder()
                    .setJoinSession(
                        JoinSession.newBuilder()
                            .setJoinCode(created.getJoinCode())
                            .setDisplayName("player" + p)
                            .setPreferredTeam(-1)));
        assertTrue(joined.hasJoined(), "player " + p + ": " + joined);
      }
    }
  }
}
