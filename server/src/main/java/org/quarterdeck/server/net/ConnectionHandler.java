package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Errors;
import org.quarterdeck.server.port.Languages;
import org.quarterdeck.server.port.ServerTexts;
import org.quarterdeck.server.port.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every connection: applies the per-connection limits (handshake deadline, idle
 * pings, rate limit, bad-frame budget, slow readers), answers bad frames with typed errors and
 * hands every good envelope to the {@link Dispatcher}.
 */
public final class ConnectionHandler extends ChannelInboundHandlerAdapter implements Connection {
  private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
  private static final AtomicLong IDS = new AtomicLong();

  /** How long a closing WebSocket waits for the client to close its side. */
  static final long CLOSE_GRACE_MS = 1000;

  /** The window over which refused messages are counted to tell a flood (10 s). */
  static final long FLOOD_WINDOW_NANOS = 10_000_000_000L;

  private final long id = IDS.incrementAndGet();
  private final Transport transport;
  private final NetLimits limits;
  private final Dispatcher dispatcher;
  private final ServerMetrics metrics;
  private final ConnectionRegistry registry;

  private ChannelHandlerContext ctx;
  private RateLimiter rateLimiter;
  private ScheduledFuture<?> handshakeDeadline;
  private boolean started;
  private boolean reading;
  // A linked queue: an idle connection holds one empty node, not an array chunk. Each element is a
  // ServerMessage or an EncodedEnvelope.
  private final Queue<Object> outgoing = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private boolean closing;
  private volatile boolean handshakeDone;

  /** What Hello.language asked for; texts for people go out in it (ServerTexts). */
  private volatile String language = Languages.DEFAULT;

  private int consecutiveBadFrames;

  /** Request ids of decisions read and not yet answered, with the time they were read. */
  private final DecisionClock decisions = new DecisionClock();

  /** Start (ticker nanos) of the window in which refused messages are counted. */
  private long floodWindowStart;

  private int refusedInWindow;

  /** Bytes the socket has taken (null in tests without it: then only the hard cap applies). */
  private final OutboundProgress progress;

  private ScheduledFuture<?> slowReaderWatch;
  private long sentAtLastLook;

  public ConnectionHandler(
      Transport transport,
      NetLimits limits,
      Dispatcher dispatcher,
      ServerMetrics metrics,
      ConnectionRegistry registry) {
    this(transport, limits, dispatcher, metrics, registry, null);
  }

  ConnectionHandler(
      Transport transport,
      NetLimits limits,
      Dispatcher dispatcher,
      ServerMetrics metrics,
      ConnectionRegistry registry,
      OutboundProgress progress) {
    this.progress = progress;
    this.transport = requireNonNull(transport, "transport");
    this.limits = requireNonNull(limits, "limits");
    this.dispatcher = requireNonNull(dispatcher, "dispatcher");
    this.metrics = requireNonNull(metrics, "metrics");
    this.registry = requireNonNull(registry, "registry");
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      start();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start();
    ctx.fireChannelActive();
  }

  private void start() {
    if (started) {
      return;
    }
    started = true;
    metrics.connectionOpened(transport);
    registry.add(this);
    rateLimiter =
        new RateLimiter(
            limits.messagesPerSecond(), limits.messageBurst(), ctx.executor().ticker()::nanoTime);
    handshakeDeadline =
        ctx.executor()
            .schedule(
                () -> {
                  if (!handshakeDone) {
                    close(
                        Goodbye.Reason.PROTOCOL_ERROR,
                        "no Hello within " + limits.handshakeTimeout().toMillis() + " ms");
                  }
                },
                limits.handshakeTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    log.debug("connection {} opened over {} from {}", id, transport, remoteAddress());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (started) {
      metrics.connectionClosed(transport);
      registry.remove(this);
      if (handshakeDeadline != null) {
        handshakeDeadline.cancel(false);
      }
      if (slowReaderWatch != null) {
        slowReaderWatch.cancel(false);
      }
      dispatcher.disconnected(this);
      log.debug("connection {} closed", id);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    try {
      if (closing) {
        return;
      }
      if (msg instanceof Inbound inbound) {
        onInbound(inbound);
      } else if (msg instanceof BadFrame bad) {
        onBadFrame(bad);
      } else {
        log.warn("connection {}: unexpected {} in pipeline", id, msg.getClass().getName());
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onInbound(Inbound inbound) {
    consecutiveBadFrames = 0;
    if (!rateLimiter.tryAcquire()) {
      metrics.rateLimited();
      ConnectionGate.refused(ctx.channel()); // counts towards the address's cool-down
      if (floodedTooLong()) {
        close(Goodbye.Reason.PROTOCOL_ERROR, "message flood: rate limit exceeded for too long");
        return;
      }
      send(
          Errors.reply(
              inbound.message().getRequestId(),
              ErrorCode.RATE_LIMITED,
              "more than " + limits.messagesPerSecond() + " messages per second",
              rateLimiter.millisUntilNextToken()));
      return;
    }
    RequestVerdict verdict = ConnectionGate.charge(ctx.channel());
    if (verdict != RequestVerdict.ALLOWED) {
      metrics.rateLimited();
      long wait = ConnectionGate.millisUntilAllowed(ctx.channel());
      if (verdict == RequestVerdict.COOLING_DOWN) {
        close(
            Goodbye.Reason.PROTOCOL_ERROR,
            "too many requests from this address; try again in "
                + Math.max(1, (wait + 999) / 1000)
                + " s");
      } else {
        send(
            Errors.reply(
                inbound.message().getRequestId(),
                ErrorCode.RATE_LIMITED,
                "more than "
                    + ConnectionGate.requestsPerSecond(ctx.channel())
                    + " requests per second from this address",
                (int) Math.min(Integer.MAX_VALUE, wait)));
      }
      return;
    }
    metrics.messageIn();
    if (inbound.message().hasSubmitDecision()) {
      decisions.read(inbound.message().getRequestId(), System.nanoTime());
    }
    dispatcher.dispatch(this, inbound.message());
  }

  /**
   * True once more than a burst of messages was refused within {@link #FLOOD_WINDOW_NANOS}: a flood
   * just above the rate (300/s against 100/s) gets a token now and then, so counting refusals in a
   * row never closed it; counting them in a window does. A client that only bursts past its limit
   * now and then stays well below.
   */
  private boolean floodedTooLong() {
    long now = ctx.executor().ticker().nanoTime();
    if (refusedInWindow == 0 || now - floodWindowStart > FLOOD_WINDOW_NANOS) {
      floodWindowStart = now;
      refusedInWindow = 0;
    }
    return ++refusedInWindow > limits.messageBurst();
  }

  private void onBadFrame(BadFrame bad) {
    metrics.badFrame();
    send(Errors.reply(bad.requestId(), bad.code(), bad.message()));
    if (bad.fatal()) {
      close(Goodbye.Reason.PROTOCOL_ERROR, bad.message(), closeStatusFor(bad.code()));
    } else if (++consecutiveBadFrames >= limits.maxConsecutiveBadFrames()) {
      close(
          Goodbye.Reason.PROTOCOL_ERROR,
          consecutiveBadFrames + " bad frames in a row",
          WebSocketCloseStatus.INVALID_PAYLOAD_DATA);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    writeQueued();
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent idle) {
      if (idle.isFirst()) {
        send(
            ServerMessage.newBuilder()
                .setPing(Ping.newBuilder().setNonce(System.nanoTime()))
                .build());
      } else {
        close(Goodbye.Reason.IDLE, "no traffic for " + 2 * limits.idleTimeout().toSeconds() + " s");
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && slowReaderWatch != null) {
      slowReaderWatch.cancel(false);
      slowReaderWatch = null;
      ReadPauses.resume(ctx.channel(), ReadPauses.Reason.SLOW_READER);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      metrics.badFrame();
      send(
          Errors.reply(
              0,
              ErrorCode.TOO_LARGE,
              "message exceeds the limit of " + limits.maxFrameBytes() + " bytes"));
      close(
          Goodbye.Reason.PROTOCOL_ERROR, "message too large", WebSocketCloseStatus.MESSAGE_TOO_BIG);
    } else if (cause instanceof CorruptedWebSocketFrameException corrupt) {
      // An oversized or malformed frame: the decoder now discards what follows; close with its
      // status (1009 for too big, 1002 for a protocol error).
      metrics.badFrame();
      close(
          Goodbye.Reason.PROTOCOL_ERROR,
          cause.getMessage() == null ? "bad WebSocket frame" : cause.getMessage(),
          corrupt.closeStatus());
    } else if (cause instanceof java.io.IOException) {
      // resets, broken pipes, writes after close: the peer went away
      log.debug("connection {}: {}", id, cause.toString());
      ctx.close();
    } else {
      log.info("connection {} failed: {}", id, cause.toString());
      ctx.close();
    }
  }

  // ----- Connection -----

  @Override
  public long id() {
    return id;
  }

  @Override
  public Transport transport() {
    return transport;
  }

  /**
   * Queues the message; on this connection's event loop while reading, writes it at once (the
   * read's end flushes), otherwise one task writes everything queued and flushes once, so a burst
   * of messages (a turn's results and the next turn, from the session's thread) costs one system
   * call instead of one each.
   */
  @Override
  public void send(ServerMessage message) {
    queue(ServerTexts.inLanguage(message, language));
  }

  /** As {@link #send(ServerMessage)}; the bytes go out as they are unless texts were translated. */
  @Override
  public void send(ServerMessage message, ByteString encoded) {
    ServerMessage spoken = ServerTexts.inLanguage(message, language);
    queue(spoken == message ? new EncodedEnvelope(message, encoded) : spoken);
  }

  private void queue(Object envelope) {
    outgoing.add(envelope);
    if (ctx.executor().inEventLoop() && reading) {
      writeQueued();
    } else if (flushScheduled.compareAndSet(false, true)) {
      ctx.executor().execute(this::flushQueued);
    }
  }

  private void flushQueued() {
    flushScheduled.set(false);
    if (writeQueued()) {
      ctx.flush();
    }
  }

  /** Writes (without flushing) every queued message; true when something was written. */
  private boolean writeQueued() {
    boolean wrote = false;
    for (Object m; (m = outgoing.poll()) != null; ) {
      wrote |= write(m);
    }
    return wrote;
  }

  private boolean write(Object envelope) {
    Channel channel = ctx.channel();
    if (closing || !channel.isActive()) {
      return false;
    }
    if (!channel.isWritable()) {
      long queued =
          channel.unsafe().outboundBuffer() == null
              ? 0
              : channel.unsafe().outboundBuffer().totalPendingWriteBytes();
      if (queued > limits.maxQueuedBytes()) {
        closeSlowReader("more than " + limits.maxQueuedBytes() + " bytes queued", queued);
        return false;
      }
      watchSlowReader();
    }
    metrics.messageOut();
    ServerMessage message = EncodedEnvelope.messageOf(envelope);
    if (message.hasError()) {
      metrics.errorOut();
    }
    if (message.getRequestId() != 0) {
      long readAt = decisions.answered(message.getRequestId());
      if (readAt != DecisionClock.NONE && message.hasDecisionAccepted()) {
        metrics.decisionAcknowledged(System.nanoTime() - readAt);
      }
    }
    ctx.write(envelope, ctx.voidPromise());
    return true;
  }

  /**
   * Above the high-water mark: look again every {@link NetLimits#slowReaderGrace()}; a client that
   * took no byte in that time is closed, one that reads (however slowly, however large the reply)
   * is not. Reading stops meanwhile, so a client that asks without reading gets no more work done
   * for it.
   */
  private void watchSlowReader() {
    if (slowReaderWatch != null) {
      return;
    }
    ReadPauses.pause(ctx.channel(), ReadPauses.Reason.SLOW_READER);
    sentAtLastLook = progress == null ? 0 : progress.sent();
    slowReaderWatch =
        ctx.executor()
            .schedule(
                this::lookAtSlowReader, limits.slowReaderGrace().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void lookAtSlowReader() {
    slowReaderWatch = null;
    Channel channel = ctx.channel();
    if (closing || !channel.isActive()) {
      return;
    }
    if (channel.isWritable()) {
      ReadPauses.resume(channel, ReadPauses.Reason.SLOW_READER);
      return;
    }
    long sent = progress == null ? sentAtLastLook : progress.sent();
    if (sent == sentAtLastLook) {
      closeSlowReader(
          "no byte read in " + limits.slowReaderGrace().toMillis() + " ms",
          channel.unsafe().outboundBuffer() == null
              ? 0
              : channel.unsafe().outboundBuffer().totalPendingWriteBytes());
      return;
    }
    sentAtLastLook = sent;
    slowReaderWatch =
        ctx.executor()
            .schedule(
                this::lookAtSlowReader, limits.slowReaderGrace().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void closeSlowReader(String why, long queued) {
    metrics.slowReaderClosed();
    log.info("connection {}: closing slow reader: {} ({} bytes queued)", id, why, queued);
    closing = true;
    outgoing.clear();
    // Abort rather than close: a plain close leaves the unread megabytes in the kernel's send
    // buffer of an orphaned socket, which may linger with a closed window for minutes and never
    // tell the client (seen in CI: no FIN or reset within 20 s). Linger 0 drops them and resets.
    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    ctx.channel().close();
  }

  @Override
  public void close(Goodbye.Reason reason, String message) {
    close(reason, message, closeStatusFor(reason));
  }

  private void close(Goodbye.Reason reason, String message, WebSocketCloseStatus status) {
    if (!ctx.executor().inEventLoop()) {
      ctx.executor().execute(() -> close(reason, message, status));
      return;
    }
    if (closing) {
      return;
    }
    outgoing.add(
        ServerMessage.newBuilder()
            .setGoodbye(
                Goodbye.newBuilder()
                    .setReason(reason)
                    .setMessage(ServerTexts.ERRORS.translate(message, language)))
            .build());
    writeQueued(); // the goodbye goes out last, with the close below
    closing = true;
    log.info("connection {} closing: {} ({})", id, reason, message);
    if (transport == Transport.WEBSOCKET) {
      ctx.writeAndFlush(new CloseWebSocketFrame(status, truncate(message)))
          .addListener((ChannelFutureListener) f -> closeAfterPeerReads(f.channel()));
    } else {
      ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Sends FIN after the close frame but keeps reading (the decoder discards what arrives) until the
   * client closes or {@link #CLOSE_GRACE_MS} pass. Closing at once while the client's bytes sit
   * unread would make the kernel answer with a reset, and the client might never read the close
   * frame and its reason.
   */
  private void closeAfterPeerReads(Channel channel) {
    if (channel instanceof DuplexChannel duplex && channel.isActive()) {
      duplex.shutdownOutput();
      ctx.executor().schedule(() -> channel.close(), CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    } else {
      channel.close();
    }
  }

  @Override
  public boolean handshakeDone() {
    return handshakeDone;
  }

  @Override
  public String language() {
    return language;
  }

  @Override
  public void useLanguage(String language) {
    this.language = Languages.of(language);
  }

  @Override
  public void completeHandshake(int protocolVersion) {
    handshakeDone = true;
    if (handshakeDeadline != null) {
      handshakeDeadline.cancel(false);
    }
    log.debug("connection {} speaks protocol v{}", id, protocolVersion);
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(clientAddress());
  }

  /** The client's address (behind a trusted proxy or a relaying node: the one its header named). */
  java.net.SocketAddress clientAddress() {
    return ClientAddress.of(ctx.channel());
  }

  private static WebSocketCloseStatus closeStatusFor(Goodbye.Reason reason) {
    return switch (reason) {
      case SERVER_SHUTDOWN, IDLE -> WebSocketCloseStatus.ENDPOINT_UNAVAILABLE;
      case SLOW_READER, KICKED -> WebSocketCloseStatus.POLICY_VIOLATION;
      case PROTOCOL_ERROR -> WebSocketCloseStatus.PROTOCOL_ERROR;
      case REPLACED, SESSION_ARCHIVED, REASON_UNSPECIFIED, UNRECOGNIZED ->
          WebSocketCloseStatus.NORMAL_CLOSURE;
    };
  }

  private static WebSocketCloseStatus closeStatusFor(ErrorCode code) {
    return code == ErrorCode.TOO_LARGE
        ? WebSocketCloseStatus.MESSAGE_TOO_BIG
        : WebSocketCloseStatus.PROTOCOL_ERROR;
  }

  /** A close frame's reason must fit in 123 bytes of UTF-8. */
  private static String truncate(String reason) {
    return reason.length() <= 100 ? reason : reason.substring(0, 100);
  }
}
