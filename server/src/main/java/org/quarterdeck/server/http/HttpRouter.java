package org.quarterdeck.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.net.ConnectionPipeline;
import org.quarterdeck.server.net.EnvelopeParser;
import org.quarterdeck.server.net.Transport;
import org.quarterdeck.server.net.WebSocketEnvelopeCodec;

/**
 * Answers plain HTTP requests and, once a WebSocket upgrade completes, turns the pipeline into a
 * connection carrying envelopes.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String WS_AGGREGATOR = "wsAggregator";
  static final String WS_CODEC = "wsCodec";

  private final ConnectionPipeline tail;
  private final ServerMetrics metrics;

  HttpRouter(ConnectionPipeline tail, ServerMetrics metrics) {
    this.tail = tail;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n", false);
      return;
    }
    if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
      respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
          "method not allowed\n", true);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    switch (path) {
      case "/healthz" -> respond(ctx, request, HttpResponseStatus.OK, "application/json",
          "{\"status\":\"ok\",\"protocolVersion\":1,\"connections\":" + metrics.openConnections()
              + ",\"uptimeSeconds\":" + metrics.uptimeSeconds() + "}\n", true);
      case "/metrics" -> respond(ctx, request, HttpResponseStatus.OK,
          "text/plain; version=0.0.4; charset=utf-8", metrics.prometheusText(), true);
      default -> respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain",
          "not found\n", true);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      becomeWebSocket(ctx.pipeline());
      return;
    }
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void becomeWebSocket(ChannelPipeline p) {
    p.remove(HttpChannelInitializer.HTTP_IDLE);
    p.addLast(WS_AGGREGATOR, new WebSocketFrameAggregator(tail.limits().maxFrameBytes()));
    p.addLast(WS_CODEC, new WebSocketEnvelopeCodec(new EnvelopeParser(tail.limits())));
    tail.addTail(p, Transport.WEBSOCKET);
    p.remove(this);
  }

  private static void respond(ChannelHandlerContext ctx, FullHttpRequest request,
      HttpResponseStatus status, String contentType, String body, boolean keepAliveAllowed) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    boolean head = HttpMethod.HEAD.equals(request.method());
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    boolean keepAlive = keepAliveAllowed && HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
