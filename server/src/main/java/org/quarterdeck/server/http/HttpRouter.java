package org.quarterdeck.server.http;

import com.google.gson.JsonObject;
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
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.net.ConnectionGate;
import org.quarterdeck.server.net.ConnectionPipeline;
import org.quarterdeck.server.net.EnvelopeParser;
import org.quarterdeck.server.net.ReadPauses;
import org.quarterdeck.server.net.WebSocketEnvelopeCodec;
import org.quarterdeck.server.port.Transport;

/**
 * Answers plain HTTP requests and, once a WebSocket upgrade completes, turns the pipeline into a
 * connection carrying envelopes.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final String WS_AGGREGATOR = "wsAggregator";
  static final String WS_CODEC = "wsCodec";

  private static final String EXPORT_PREFIX = "/sessions/";
  private static final String EXPORT_SUFFIX = "/export";

  /** One renderer for the process: QR codes are the same whichever server asks. */
  private static final QrCodes QR_CODES = new QrCodes();

  private final ConnectionPipeline tail;
  private final ServerMetrics metrics;
  private final Exporter exporter;
  private final Rooms rooms;
  private static final String ROOM_PREFIX = "/room/";
  private static final java.util.regex.Pattern ROOM_NAME =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  HttpRouter(ConnectionPipeline tail, ServerMetrics metrics, Exporter exporter, Rooms rooms) {
    this.rooms = rooms;
    this.tail = tail;
    this.metrics = metrics;
    this.exporter = exporter;
  }

  /**
   * Requests that arrived (pipelined) while an answer computed off the event loop (an export, a QR
   * code) was pending: HTTP/1.1 answers in request order, so they wait their turn. Reading stops
   * meanwhile, so only what one read held can wait; bounded all the same.
   */
  private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();

  private static final int MAX_WAITING = 1024;
  private boolean answering;

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (answering) {
      if (waiting.size() >= MAX_WAITING) {
        ctx.close();
        return;
      }
      waiting.add(request.retain());
      return;
    }
    route(ctx, request);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    for (FullHttpRequest r; (r = waiting.poll()) != null; ) {
      r.release();
    }
    super.channelInactive(ctx);
  }

  /**
   * A request the codec could not take (e.g. pipelined past its depth) ends this connection with
   * one line at debug level: a client must not be able to flood the log with stack traces.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    org.slf4j.LoggerFactory.getLogger(HttpRouter.class)
        .debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  /** Runs {@code answer} later on this channel's event loop, holding later requests until then. */
  private <T> void later(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      CompletableFuture<T> work,
      java.util.function.BiConsumer<FullHttpRequest, T> answer) {
    answering = true;
    ReadPauses.pause(ctx.channel(), ReadPauses.Reason.ANSWERING);
    FullHttpRequest held = request.retainedDuplicate();
    work.whenComplete(
        (value, error) ->
            ctx.executor()
                .execute(
                    () -> {
                      try {
                        if (!ctx.channel().isActive()) {
                          return;
                        }
                        if (error == null) {
                          answer.accept(held, value);
                        } else {
                          Throwable cause =
                              error instanceof CompletionException && error.getCause() != null
                                  ? error.getCause()
                                  : error;
                          if (cause instanceof RejectedExecutionException) {
                            respond(
                                ctx,
                                held,
                                HttpResponseStatus.SERVICE_UNAVAILABLE,
                                "text/plain",
                                "busy, try again\n",
                                true);
                          } else {
                            HttpResponseStatus status =
                                cause instanceof SecurityException
                                    ? HttpResponseStatus.FORBIDDEN
                                    : cause instanceof IllegalArgumentException
                                        ? HttpResponseStatus.NOT_FOUND
                                        : HttpResponseStatus.INTERNAL_SERVER_ERROR;
                            respond(
                                ctx, held, status, "text/plain", cause.getMessage() + "\n", true);
                          }
                        }
                      } finally {
                        held.release();
                        answering = false;
                        drainWaiting(ctx);
                      }
                    }));
  }

  private void drainWaiting(ChannelHandlerContext ctx) {
    while (!answering) {
      FullHttpRequest next = waiting.poll();
      if (next == null) {
        ctx.flush();
        ReadPauses.resume(ctx.channel(), ReadPauses.Reason.ANSWERING);
        return;
      }
      try {
        route(ctx, next);
      } finally {
        next.release();
      }
    }
    ctx.flush();
  }

  private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n", false);
      return;
    }
    if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
      respond(
          ctx,
          request,
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          "text/plain",
          "method not allowed\n",
          true);
      return;
    }
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    String path;
    try {
      // decode everything now: a malformed escape (%zz) is the client's error, answered at once
      path = query.path();
      query.parameters();
    } catch (IllegalArgumentException e) {
      respond(
          ctx,
          request,
          HttpResponseStatus.BAD_REQUEST,
          "text/plain",
          "malformed percent-encoding in the address\n",
          false);
      return;
    }
    if (path.startsWith(EXPORT_PREFIX) && path.endsWith(EXPORT_SUFFIX)) {
      export(
          ctx,
          request,
          query,
          path.substring(EXPORT_PREFIX.length(), path.length() - EXPORT_SUFFIX.length()));
      return;
    }
    if (path.startsWith(ROOM_PREFIX)) {
      room(ctx, request, path.substring(ROOM_PREFIX.length()));
      return;
    }
    switch (path) {
      case "/healthz" ->
          respond(ctx, request, HttpResponseStatus.OK, "application/json", health(), true);
      // for load balancers: 503 while a cluster node does not hold its lease
      case "/readyz" ->
          respond(
              ctx,
              request,
              metrics.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
              "application/json",
              ready(),
              true);
      case "/cluster" -> cluster(ctx, request);
      case "/metrics" ->
          respond(
              ctx,
              request,
              HttpResponseStatus.OK,
              "text/plain; version=0.0.4; charset=utf-8",
              metrics.prometheusText(),
              true);
      case "/qr" -> qr(ctx, request, first(query, "text", ""));
      default -> {
        if (!StaticFiles.handle(ctx, request, query)) {
          respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n", true);
        }
      }
    }
  }

  /**
   * {@code GET /sessions/ID/export?format=csv|json} with the facilitator token as {@code
   * Authorization: Bearer TOKEN} only: a token in the address would end up in proxy logs, browser
   * history and Referer headers.
   */
  private void export(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      QueryStringDecoder query,
      String sessionId) {
    String format = first(query, "format", "csv");
    if (!format.equals("csv") && !format.equals("json")) {
      respond(
          ctx,
          request,
          HttpResponseStatus.BAD_REQUEST,
          "text/plain",
          "format must be csv or json\n",
          true);
      return;
    }
    if (query.parameters().containsKey("token")) {
      respond(
          ctx,
          request,
          HttpResponseStatus.BAD_REQUEST,
          "text/plain",
          "send the token as Authorization: Bearer TOKEN, not in the address\n",
          true);
      return;
    }
    String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
    String token = auth.startsWith("Bearer ") ? auth.substring(7).trim() : "";
    later(
        ctx,
        request,
        exporter.export(sessionId, token, format.equals("csv")),
        (held, text) ->
            respond(
                ctx,
                held,
                HttpResponseStatus.OK,
                format.equals("csv") ? "text/csv; charset=utf-8" : "application/json",
                text,
                true));
  }

  /** {@code /qr?text=...}: an SVG QR code, drawn off the event loop. */
  private void qr(ChannelHandlerContext ctx, FullHttpRequest request, String text) {
    CompletableFuture<QrCodes.Rendered> work;
    try {
      work = QR_CODES.render(text);
    } catch (RejectedExecutionException e) {
      ConnectionGate.refused(ctx.channel());
      respond(
          ctx,
          request,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "text/plain",
          "busy, try again\n",
          true);
      return;
    }
    if (work.isCompletedExceptionally()) {
      // past the ration of new codes: a refusal that counts towards the address's cool-down
      ConnectionGate.refused(ctx.channel());
      respond(
          ctx,
          request,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "text/plain",
          "busy drawing QR codes, try again\n",
          true);
      return;
    }
    if (work.isDone()) {
      answerQr(ctx, request, work.join());
      return;
    }
    later(ctx, request, work, (held, rendered) -> answerQr(ctx, held, rendered));
  }

  private static void answerQr(
      ChannelHandlerContext ctx, FullHttpRequest request, QrCodes.Rendered rendered) {
    if (rendered.svg() == null) {
      respond(
          ctx,
          request,
          HttpResponseStatus.BAD_REQUEST,
          "text/plain; charset=utf-8",
          rendered.problem() + "\n",
          true);
    } else {
      StaticFiles.write(
          ctx,
          request,
          HttpResponseStatus.OK,
          "image/svg+xml",
          rendered.svg(),
          "public, max-age=3600");
    }
  }

  /**
   * {@code GET /room/NAME}: a facilitator's permanent room link. It redirects (303, never cached)
   * to the player page of their newest session that has not ended, so one printed QR code serves
   * every round of a day.
   */
  private void room(ChannelHandlerContext ctx, FullHttpRequest request, String name) {
    java.util.Optional<String> code =
        ROOM_NAME.matcher(name).matches()
            ? rooms.currentJoinCode(name)
            : java.util.Optional.empty();
    if (code.isEmpty()) {
      respond(
          ctx,
          request,
          HttpResponseStatus.NOT_FOUND,
          "text/plain; charset=utf-8",
          "No game is running in this room yet. Ask your facilitator, then reload this page.\n",
          true);
      return;
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER, Unpooled.EMPTY_BUFFER);
    response
        .headers()
        .set(HttpHeaderNames.LOCATION, "/?code=" + code.get())
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** {@code GET /cluster}: the nodes of the cluster (404 on a single server). */
  private void cluster(ChannelHandlerContext ctx, FullHttpRequest request) {
    var view = metrics.clusterView();
    if (view.isEmpty()) {
      respond(
          ctx,
          request,
          HttpResponseStatus.NOT_FOUND,
          "text/plain",
          "this server is no cluster node\n",
          true);
      return;
    }
    FullHttpRequest held = request.retainedDuplicate();
    view.get()
        .whenComplete(
            (json, error) ->
                ctx.executor()
                    .execute(
                        () -> {
                          try {
                            if (error == null) {
                              respond(
                                  ctx, held, HttpResponseStatus.OK, "application/json", json, true);
                            } else {
                              Throwable cause = error.getCause() != null ? error.getCause() : error;
                              respond(
                                  ctx,
                                  held,
                                  HttpResponseStatus.SERVICE_UNAVAILABLE,
                                  "text/plain",
                                  cause.getMessage() + "\n",
                                  true);
                            }
                          } finally {
                            held.release();
                          }
                        }));
  }

  private static String first(QueryStringDecoder query, String name, String fallback) {
    java.util.List<String> values = query.parameters().get(name);
    return values == null || values.isEmpty() ? fallback : values.get(0);
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
    p.remove(HttpChannelInitializer.ADMISSION);
    p.addLast(WS_AGGREGATOR, new WebSocketFrameAggregator(tail.limits().maxFrameBytes()));
    p.addLast(WS_CODEC, new WebSocketEnvelopeCodec(new EnvelopeParser(tail.limits())));
    tail.addTail(p, Transport.WEBSOCKET);
    p.remove(this);
  }

  private static void respond(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      HttpResponseStatus status,
      String contentType,
      String body,
      boolean keepAliveAllowed) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    boolean head = HttpMethod.HEAD.equals(request.method());
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    if (HttpResponseStatus.SERVICE_UNAVAILABLE.equals(status)) {
      // busy (QR codes) or not serving (a cluster node without its lease): try again shortly
      response.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
    }
    SecurityHeaders.common(response.headers());
    boolean keepAlive = keepAliveAllowed && HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private String health() {
    JsonObject health = new JsonObject();
    health.addProperty("status", "ok");
    health.addProperty("live", true);
    health.addProperty("ready", metrics.ready());
    if (!metrics.recovery().isEmpty()) {
      health.addProperty("recovering", metrics.recovery());
    }
    health.addProperty("protocolVersion", 1);
    health.addProperty("connections", metrics.openConnections());
    health.addProperty("uptimeSeconds", metrics.uptimeSeconds());
    return health + "\n";
  }

  private String ready() {
    JsonObject ready = new JsonObject();
    ready.addProperty("ready", metrics.ready());
    if (!metrics.recovery().isEmpty()) {
      ready.addProperty("recovering", metrics.recovery());
    }
    return ready + "\n";
  }
}
