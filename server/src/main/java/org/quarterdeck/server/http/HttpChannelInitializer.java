package org.quarterdeck.server.http;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.net.ConnectionPipeline;
import org.quarterdeck.server.net.FairShare;
import org.quarterdeck.server.net.OriginPolicy;

/**
 * The HTTP port: plain HTTP routes (health, metrics) and the WebSocket upgrade at {@code /ws}.
 * Compression extensions (permessage-deflate) are refused.
 */
public final class HttpChannelInitializer extends ChannelInitializer<SocketChannel> {
  public static final String WS_PATH = "/ws";
  static final String HTTP_CODEC = "httpCodec";
  static final String HTTP_IDLE = "httpIdle";
  static final String HTTP_AGGREGATOR = "httpAggregator";
  static final String ADMISSION = "admission";
  static final String WEBSOCKET = "webSocket";
  static final String ROUTER = "router";

  private static final int MAX_INITIAL_LINE = 4096;
  private static final int MAX_HEADER_BYTES = 8192;
  private static final int MAX_CHUNK_BYTES = 8192;

  private final ConnectionPipeline tail;
  private final ServerMetrics metrics;
  private final Exporter exporter;
  private final Rooms rooms;
  private final WebSocketServerProtocolConfig webSocketConfig;
  private final OriginPolicy origins;

  public HttpChannelInitializer(ConnectionPipeline tail, ServerMetrics metrics) {
    this(tail, metrics, Exporter.none());
  }

  public HttpChannelInitializer(ConnectionPipeline tail, ServerMetrics metrics, Exporter exporter) {
    this(tail, metrics, exporter, Rooms.none());
  }

  /**
   * @param rooms resolves facilitators' room links ({@code /room/NAME})
   */
  public HttpChannelInitializer(
      ConnectionPipeline tail, ServerMetrics metrics, Exporter exporter, Rooms rooms) {
    this(tail, metrics, exporter, rooms, OriginPolicy.sameOrigin());
  }

  /**
   * @param rooms resolves facilitators' room links ({@code /room/NAME})
   * @param origins the pages whose WebSocket connections are accepted
   */
  public HttpChannelInitializer(
      ConnectionPipeline tail,
      ServerMetrics metrics,
      Exporter exporter,
      Rooms rooms,
      OriginPolicy origins) {
    this.origins = requireNonNull(origins, "origins");
    this.rooms = rooms;
    this.tail = tail;
    this.metrics = metrics;
    this.exporter = exporter;
    int maxFrame = tail.limits().maxFrameBytes();
    this.webSocketConfig =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(WS_PATH)
            .checkStartsWith(false)
            .handshakeTimeoutMillis(tail.limits().handshakeTimeout().toMillis())
            .handleCloseFrames(true)
            // The connection handler sends its own close frame with a reason; without this Netty
            // would also write one into plain HTTP connections that were never upgraded.
            .sendCloseFrame(null)
            .dropPongFrames(true)
            .decoderConfig(
                WebSocketDecoderConfig.newBuilder()
                    .maxFramePayloadLength(maxFrame)
                    .allowExtensions(false)
                    // The decoder reports a violation (with its close status) instead of closing at
                    // once: the connection handler sends the close frame and lets the client read
                    // it.
                    .closeOnProtocolViolation(false)
                    .build())
            .build();
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    configure(ch.pipeline());
  }

  /** Installs the HTTP handlers on a pipeline (public so tests can use an EmbeddedChannel). */
  public void configure(ChannelPipeline p) {
    p.addLast(HTTP_CODEC, new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_CHUNK_BYTES));
    p.addLast(
        HTTP_IDLE,
        new IdleStateHandler(0, 0, tail.limits().idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
    p.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(tail.limits().maxFrameBytes()));
    // whole requests (and, after an upgrade, WebSocket frames) are served a few per loop turn
    p.addLast(FairShare.NAME, new FairShare());
    p.addLast(
        ADMISSION,
        new RequestAdmission(
            origins, tail.limits().messagesPerSecond(), tail.limits().messageBurst()));
    p.addLast(WEBSOCKET, new WebSocketServerProtocolHandler(webSocketConfig));
    p.addLast(ROUTER, new HttpRouter(tail, metrics, exporter, rooms));
  }
}
