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

class HttpRouterTest {
  private final ServerMetrics metrics = new ServerMetrics();

  private EmbeddedChannel channel() {
    EmbeddedChannel channel = new EmbeddedChannel();
    NetLimits limits = NetLimits.defaults();
    new HttpChannelInitializer(new ConnectionPipeline(limits,
        new ProtocolDispatcher(limits, SessionGateway.unavailable(), "t"), metrics,
        new ConnectionRegistry()), metrics).configure(channel.pipeline());
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
        requests.append("GET /assets/missing-").append(c).append('-').append(i)
            .append(".js HTTP/1.1\r\nHost: x\r\n\r\n");
      }
      String responses = exchange(channel, requests.toString());
      assertTrue(responses.startsWith("HTTP/1.1 404"), responses);
      channel.finishAndReleaseAll();
    }
    assertTrue(StaticFiles.cachedFiles() <= cached + 1,
        "the cache holds files, not misses: " + StaticFiles.cachedFiles());
  }

  @Test
  void healthzAnswersOkWithJson() {
    String response = exchange(channel(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 200 OK"), response);
    assertTrue(response.contains("application/json"), response);
    assertTrue(response.contains("\"status\":\"ok\""), response);
  }

  @Test
  void metricsUseThePrometheusTextFormat() {
    metrics.connectionOpened();
    String response = exchange(channel(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    assertTrue(response.contains("quarterdeck_connections_open 1"), response);
  }

  @Test
  void unknownPathsAndMethodsAreRefused() {
    EmbeddedChannel channel = channel();
    assertTrue(exchange(channel, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        .startsWith("HTTP/1.1 404"));
    assertTrue(exchange(channel(), "DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
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
    String response = exchange(channel(), "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 101"), response);
    assertTrue(!response.toLowerCase().contains("permessage-deflate"), response);
  }
}
