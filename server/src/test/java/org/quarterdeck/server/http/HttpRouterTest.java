package org.quarterdeck.server.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.net.ConnectionPipeline;
import org.quarterdeck.server.net.ConnectionRegistry;
import org.quarterdeck.server.net.NetLimits;
import org.quarterdeck.server.net.ProtocolDispatcher;
import org.quarterdeck.server.port.SessionGateway;
import org.quarterdeck.server.port.Transport;

class HttpRouterTest {
  private final ServerMetrics metrics = new ServerMetrics();

  private EmbeddedChannel channel() {
    EmbeddedChannel channel = new EmbeddedChannel();
    NetLimits limits = NetLimits.defaults();
    new HttpChannelInitializer(
            new ConnectionPipeline(
                limits,
                new ProtocolDispatcher(limits, SessionGateway.unavailable(), "t"),
                metrics,
                new ConnectionRegistry()),
            metrics)
        .configure(channel.pipeline());
    return channel;
  }

  private static String exchange(EmbeddedChannel channel, String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder();
    ByteBuf chunk;
    while ((chunk = channel.readOutbound()) != null) {
      out.append(chunk.toString(StandardCharsets.UTF_8));
      chunk.release();
    }
    return out.toString();
  }

  @Test
  void unknownAssetNamesAreNotRemembered() {
    exchange(channel(), "GET /assets/style.css HTTP/1.1\r\nHost: x\r\n\r\n");
    int cached = StaticFiles.cachedFiles();
    // 20,000 distinct misses (100 per connection, under the per-connection request limit)
    for (int c = 0; c < 200; c++) {
      EmbeddedChannel channel = channel();
      StringBuilder requests = new StringBuilder();
      for (int i = 0; i < 100; i++) {
        requests
            .append("GET /assets/missing-")
            .append(c)
            .append('-')
            .append(i)
            .append(".js HTTP/1.1\r\nHost: x\r\n\r\n");
      }
      String responses = exchange(channel, requests.toString());
      assertTrue(responses.startsWith("HTTP/1.1 404"), responses);
      channel.finishAndReleaseAll();
    }
    assertTrue(
        StaticFiles.cachedFiles() <= cached + 1,
        "the cache holds files, not misses: " + StaticFiles.cachedFiles());
  }

  @Test
  void healthzAnswersOkWithJson() {
    String response = exchange(channel(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 200 OK"), response);
    assertTrue(response.contains("application/json"), response);
    assertTrue(
        response.contains(
            "{\"status\":\"ok\",\"live\":true,\"ready\":true,\"protocolVersion\":1,\"connections\":0,"),
        response);
  }

  @Test
  void metricsUseThePrometheusTextFormat() {
    metrics.connectionOpened(Transport.TCP);
    String response = exchange(channel(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(response.contains("text/plain; version=0.0.4"), response);
    assertTrue(response.contains("quarterdeck_connections_open{transport=\"tcp\"} 1.0"), response);
    assertTrue(
        response.contains("quarterdeck_connections_open{transport=\"websocket\"} 0.0"), response);
    assertTrue(
        response.contains("quarterdeck_connections_accepted_total{transport=\"tcp\"} 1.0"),
        response);
    assertTrue(response.contains("jvm_memory_used_bytes"), "JVM binders: " + response);
  }

  @Test
  void metricsCarryTheLatencyHistograms() {
    metrics.decisionAcknowledged(3_000_000);
    metrics.turnClosed(40_000_000);
    metrics.batchCommitted(12, 2_000_000);
    metrics.fsynced(1_500_000);
    String response = exchange(channel(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    for (String histogram :
        new String[] {
          "quarterdeck_decision_ack_seconds",
          "quarterdeck_turn_close_seconds",
          "quarterdeck_store_append_batch_seconds",
          "quarterdeck_store_fsync_seconds",
          "quarterdeck_store_batch_records"
        }) {
      assertTrue(response.contains("# TYPE " + histogram + " histogram"), histogram);
      assertTrue(response.contains(histogram + "_bucket{le=\"+Inf\"} 1"), histogram);
      assertTrue(response.contains(histogram + "_count 1"), histogram);
    }
    // 3 ms sits in a bucket at or under 4 ms (the buckets are Micrometer's defaults, in seconds).
    assertTrue(
        response
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("quarterdeck_decision_ack_seconds_bucket")
                        && l.endsWith(" 1")
                        && bound(l) <= 0.0045
                        && bound(l) >= 0.003),
        response);
  }

  @Test
  void sessionsAreCountedByPhaseAtEachScrape() {
    java.util.Map<String, Long> phases =
        new java.util.TreeMap<>(java.util.Map.of("LOBBY", 2L, "TURN_OPEN", 1L));
    metrics.sessionsByPhase(() -> phases);
    String first = exchange(channel(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(first.contains("quarterdeck_sessions{phase=\"lobby\"} 2.0"), first);
    assertTrue(first.contains("quarterdeck_sessions{phase=\"turn_open\"} 1.0"), first);
    phases.remove("LOBBY");
    String second = exchange(channel(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(!second.contains("phase=\"lobby\""), "an emptied phase goes: " + second);
  }

  private static double bound(String bucketLine) {
    int at = bucketLine.indexOf("le=\"") + 4;
    return Double.parseDouble(bucketLine.substring(at, bucketLine.indexOf('"', at)));
  }

  @Test
  void unknownPathsAndMethodsAreRefused() {
    EmbeddedChannel channel = channel();
    assertTrue(
        exchange(channel, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 404"));
    assertTrue(
        exchange(channel(), "DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .startsWith("HTTP/1.1 405"));
  }

  @Test
  void aGarbledRequestGetsBadRequestAndIsClosed() {
    EmbeddedChannel channel = channel();
    String response = exchange(channel, "\u0001\u0002 garbage \u0003\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 400"), response);
    channel.runPendingTasks();
    assertTrue(!channel.isOpen());
  }

  @Test
  void theUpgradeAtWsAnswers101WithoutCompression() {
    String response =
        exchange(
            channel(),
            "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 101"), response);
    assertTrue(!response.toLowerCase().contains("permessage-deflate"), response);
  }
}
