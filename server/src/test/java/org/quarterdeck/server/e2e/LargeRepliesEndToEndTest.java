package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.GetReplay;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.WhatIf;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.testing.Await;
import org.quarterdeck.server.testing.TestServer;

/**
 * Replies far above the write buffer's high-water mark reach a client that reads, over both
 * transports, pipelined; a client that asks and never reads is closed as a slow reader (issue 12,
 * item 4).
 */
@Timeout(value = 240, unit = SECONDS)
class LargeRepliesEndToEndTest {
  /**
   * The default grace (15 s): a reading client that spends seconds parsing a 16 MB JSON reply takes
   * no byte meanwhile, and on a loaded machine a 6 s grace closed such a reader (seen in a run at
   * load 28); the never-reading client is awaited on a condition, so the longer grace costs only
   * time.
   */
  private static final NetLimits LIMITS = NetLimits.defaults();

  private static TestServer server;
  private static SessionCreated game;

  @BeforeAll
  static void playABigGame() throws Exception {
    server = TestServer.with(LIMITS, Storage.memory()).start();
    game = BigSessions.playedToTheEnd(server.tcp());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ClientMessage.Builder replay() {
    return ClientMessage.newBuilder()
        .setGetReplay(GetReplay.newBuilder().setSessionId(game.getSessionId()));
  }

  private static ClientMessage.Builder whatIf() {
    return ClientMessage.newBuilder()
        .setWhatIf(WhatIf.newBuilder().setSessionId(game.getSessionId()).setFromTurn(1));
  }

  private static void replaysReachAReader(URI uri, boolean json, int pipelined, long minimumBytes)
      throws Exception {
    try (QuarterdeckClient client =
        QuarterdeckClient.connect(uri, BigSessions.bigFrames(json)).get(10, SECONDS)) {
      client.hello().get(10, SECONDS);
      client
          .request(
              ClientMessage.newBuilder()
                  .setResume(Resume.newBuilder().setToken(game.getFacilitatorToken())))
          .get(20, SECONDS);
      var replies =
          new java.util.ArrayList<java.util.concurrent.CompletableFuture<ServerMessage>>();
      for (int i = 0; i < pipelined; i++) {
        replies.add(client.request(i % 2 == 0 ? replay() : whatIf()));
      }
      for (var reply : replies) {
        ServerMessage m = reply.get(60, SECONDS);
        assertTrue(m.hasReplay() || m.hasWhatIfResult(), m.getBodyCase().toString());
        long wire =
            json
                ? JsonFormat.printer().print(m).getBytes(StandardCharsets.UTF_8).length
                : m.getSerializedSize();
        System.out.printf(
            "%s over %s (%s): %,d bytes on the wire%n",
            m.getBodyCase(), uri.getScheme(), json ? "JSON" : "binary", wire);
        assertTrue(
            wire > minimumBytes,
            "a reply of "
                + wire
                + " bytes (wanted more than "
                + minimumBytes
                + ", far above the 1 MiB high-water mark)");
      }
      assertTrue(client.isOpen(), "the reading client is still connected");
    }
  }

  @Test
  void aMultiMegabyteReplayReachesAReaderOverWebSocketJson() throws Exception {
    replaysReachAReader(server.webSocket(), true, 4, 4_000_000);
  }

  @Test
  void pipelinedReplaysReachAReaderOverTcp() throws Exception {
    replaysReachAReader(server.tcp(), false, 6, 1_500_000);
  }

  /**
   * Requests pipelined behind a Resume in one write are answered as the resumed member: they wait
   * behind the Resume on the session's thread instead of being refused as unbound (the cause of the
   * never-reading test's flakiness: its twenty replays were refused UNAUTHENTICATED whenever they
   * overtook the Resume, so there was nothing large to leave unread).
   */
  @Test
  void requestsPipelinedBehindAResumeAreAnsweredAsTheMember() throws Exception {
    for (int round = 0; round < 10; round++) {
      try (Socket socket = new Socket("127.0.0.1", server.addresses().tcp().getPort())) {
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        ClientMessage.newBuilder()
            .setRequestId(1)
            .setHello(Hello.newBuilder().addProtocolVersions(1))
            .build()
            .writeDelimitedTo(out);
        ClientMessage.newBuilder()
            .setRequestId(2)
            .setResume(Resume.newBuilder().setToken(game.getFacilitatorToken()))
            .build()
            .writeDelimitedTo(out);
        for (int i = 0; i < 3; i++) {
          ClientMessage.newBuilder()
              .setRequestId(10 + i)
              .setGetReplay(
                  GetReplay.newBuilder()
                      .setSessionId(game.getSessionId())
                      .setFromTurn(1)
                      .setToTurn(1))
              .build()
              .writeDelimitedTo(out);
        }
        out.flush();
        InputStream in = socket.getInputStream();
        int answered = 0;
        while (answered < 3) {
          ServerMessage m = ServerMessage.parseDelimitedFrom(in);
          if (m.getRequestId() >= 10) {
            assertTrue(m.hasReplay(), "round " + round + ": " + m);
            answered++;
          }
        }
      }
    }
  }

  @Test
  void aClientThatAsksAndNeverReadsIsClosed() throws Exception {
    long before = server.server().metrics().slowReaderCloses();
    try (Socket socket = new Socket("127.0.0.1", server.addresses().tcp().getPort())) {
      socket.setReceiveBufferSize(16 * 1024);
      OutputStream out = socket.getOutputStream();
      ClientMessage.newBuilder()
          .setRequestId(1)
          .setHello(Hello.newBuilder().addProtocolVersions(1))
          .build()
          .writeDelimitedTo(out);
      ClientMessage.newBuilder()
          .setRequestId(2)
          .setResume(Resume.newBuilder().setToken(game.getFacilitatorToken()))
          .build()
          .writeDelimitedTo(out);
      for (int i = 0; i < 20; i++) {
        replay().setRequestId(10 + i).build().writeDelimitedTo(out);
      }
      out.flush();
      // never read: the server must give up on this connection one grace after its buffers fill
      // (20 replays of 2 MB each against a few MB of socket buffers); the replays are computed
      // on the session's thread first, which on a busy machine takes a while, so the bound is
      // generous (the wait ends as soon as the connection is closed)
      Await.until(
          "the never-reading client closed as a slow reader",
          Duration.ofSeconds(120),
          () -> server.server().metrics().slowReaderCloses() > before);
      assertEquals(
          before + 1, server.server().metrics().slowReaderCloses(), "closed as a slow reader");
      // and what was queued for it is gone: draining now ends at EOF
      InputStream in = new DataInputStream(socket.getInputStream());
      byte[] sink = new byte[1 << 16];
      socket.setSoTimeout(20_000);
      try {
        while (in.read(sink) >= 0) {
          // drain
        }
      } catch (java.net.SocketException reset) {
        // a reset also ends it
      }
    }
  }
}
