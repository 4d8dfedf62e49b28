package org.quarterdeck.server.http;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.quarterdeck.server.net.ConnectionGate;
import org.quarterdeck.server.net.OriginPolicy;
import org.quarterdeck.server.net.RateLimiter;
import org.quarterdeck.server.net.ReadPauses;
import org.quarterdeck.server.net.RequestVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, before the WebSocket upgrade and the routes, whether a request may go on: a WebSocket
 * from a foreign page's Origin gets 403, and a connection admitted from the health-check reserve
 * (past a connection cap) may ask only for {@code /healthz} or {@code /metrics}, then is closed; a
 * connection that sends requests faster than the message rate limit gets 429 and is closed.
 */
final class RequestAdmission extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RequestAdmission.class);

  private final OriginPolicy origins;
  private final int perSecond;
  private final int burst;
  private RateLimiter requests;
  private boolean refused;

  /** Refused as part of a flood: the requests read behind the refusal count as refusals too. */
  private boolean flooding;

  /**
   * @param perSecond HTTP requests a second one connection may send, sustained; past a burst of
   *     {@code burst} the connection gets 429 and is closed (a pipelined flood of even the cheapest
   *     route held an event loop for seconds)
   */
  RequestAdmission(OriginPolicy origins, int perSecond, int burst) {
    this.origins = requireNonNull(origins, "origins");
    this.perSecond = perSecond;
    this.burst = burst;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    requests = new RateLimiter(perSecond, burst, ctx.executor().ticker()::nanoTime);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (refused) {
      ReferenceCountUtil.release(request); // pipelined behind a refusal: the connection is closing
      if (flooding) {
        // read in the same buffer as the refused request: as far over the limit as it, so it
        // counts too, and a flooder that pipelines reaches its cool-down within one read
        ConnectionGate.refused(ctx.channel());
      }
      return;
    }
    if (!requests.tryAcquire()) {
      ConnectionGate.refused(ctx.channel()); // counts towards the address's cool-down
      flooding = true;
      refuse(
          ctx,
          request,
          HttpResponseStatus.TOO_MANY_REQUESTS,
          "more than " + perSecond + " requests a second on one connection\n",
          seconds(requests.millisUntilNextToken()));
      return;
    }
    RequestVerdict verdict = ConnectionGate.charge(ctx.channel());
    if (verdict != RequestVerdict.ALLOWED) {
      flooding = true;
      long wait = ConnectionGate.millisUntilAllowed(ctx.channel());
      refuse(
          ctx,
          request,
          HttpResponseStatus.TOO_MANY_REQUESTS,
          verdict == RequestVerdict.COOLING_DOWN
              ? "too many requests from this address; try again in " + seconds(wait) + " s\n"
              : "more than "
                  + ConnectionGate.requestsPerSecond(ctx.channel())
                  + " requests a second from this address\n",
          seconds(wait));
      return;
    }
    String path = pathOf(request.uri());
    if (Boolean.TRUE.equals(ctx.channel().attr(ConnectionGate.HEALTH_ONLY).get())) {
      if (path.equals("/healthz") || path.equals("/metrics")) {
        HttpUtil.setKeepAlive(request, false);
        ctx.fireChannelRead(request);
      } else {
        refuse(
            ctx,
            request,
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            "the server is at its connection limit; try again later\n",
            1);
      }
      return;
    }
    if (path.equals(HttpChannelInitializer.WS_PATH)) {
      String origin = request.headers().get(HttpHeaderNames.ORIGIN);
      String host = request.headers().get(HttpHeaderNames.HOST);
      if (!origins.allows(origin, host)) {
        log.info(
            "refused a WebSocket from origin {} (host {}) at {}",
            origin,
            host,
            ctx.channel().remoteAddress());
        refuse(
            ctx,
            request,
            HttpResponseStatus.FORBIDDEN,
            "WebSocket connections from this page's origin are not allowed\n",
            0);
        return;
      }
    }
    ctx.fireChannelRead(request);
  }

  /** The path without the query, undecoded (the router decodes and checks it). */
  private static String pathOf(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  /** Whole seconds, at least 1, for a Retry-After header. */
  private static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }

  /**
   * Answers {@code status} and closes the connection.
   *
   * @param retryAfterSeconds the Retry-After header's value; 0 for none
   */
  private void refuse(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      HttpResponseStatus status,
      String body,
      long retryAfterSeconds) {
    refused = true;
    // read no more: what the client pipelined behind this would only be parsed and dropped
    ReadPauses.pause(ctx.channel(), ReadPauses.Reason.REFUSED);
    ReferenceCountUtil.release(request);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    if (retryAfterSeconds > 0) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
    }
    SecurityHeaders.common(response.headers());
    HttpUtil.setKeepAlive(response, false);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
