package org.quarterdeck.client;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32FrameDecoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.quarterdeck.client.net.ClientCodecs;
import org.quarterdeck.client.net.ClientTls;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Joined;
import org.quarterdeck.protocol.v1.Pong;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.Welcome;

/**
 * An asynchronous Quarterdeck client over WebSocket ({@code ws://host:port/ws}, binary or JSON) or
 * TCP ({@code tcp://host:port}), each also over TLS ({@code wss://host:port/ws}, {@code
 * tcps://host:port}; the host name is verified against the server's certificate, trusted by the JDK
 * or by {@link ClientOptions#trustCertificate()}). Requests are matched to replies by request id;
 * messages the server sends on its own (request id 0) go to the push listeners. The client answers
 * the server's pings by itself.
 *
 * <p>Once the client holds a token (after {@link #join}, {@link #resume} or any Joined reply), a
 * dropped connection, or a Goodbye that lets it come back (a server shutting down or draining), is
 * followed by a new connection with backoff ({@link ClientOptions#reconnect()}): the client sends
 * Hello then Resume with the token, and hands the Snapshot to the {@link ConnectionListener}s. A
 * Resume answered UNAVAILABLE (the session is moving to another node or being rebuilt) is tried
 * again on a new connection after the server's {@code retry_after_ms}. Requests in flight when the
 * connection drops fail with {@link ClosedChannelException}, as do requests made while it is being
 * restored; nothing is resent on its own, except with {@link ClientOptions#retryUnavailable()} a
 * request answered UNAVAILABLE with a retry hint (nothing changed on the server). A Goodbye saying
 * the seat was replaced or kicked, or that the session was archived, ends the client for good.
 *
 * <pre>{@code
 * try (QuarterdeckClient client = QuarterdeckClient.connect(URI.create("ws://127.0.0.1:8080/ws"),
 *     ClientOptions.defaults()).get()) {
 *   client.hello().get();
 *   client.onPush(message -> System.out.println(message.getBodyCase()));
 *   Joined joined = client.join("ABC234", "Ada").get();
 *   System.out.println("resume later with " + joined.getToken());
 * }
 * }</pre>
 */
public final class QuarterdeckClient implements AutoCloseable {
  /**
   * An address this client cannot connect to (not {@code ws://}, {@code wss://}, {@code tcp://} or
   * {@code tcps://} with a host). The message is English; a command line words it again.
   */
  public static final class UnsupportedAddress extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final URI address;

    UnsupportedAddress(URI address) {
      super(
          "unsupported address "
              + address
              + ": use ws://host:port/ws or tcp://host:port, or wss:// and tcps:// for TLS");
      this.address = address;
    }

    /** The address as given. */
    public URI address() {
      return address;
    }
  }

  private final URI server;
  private final ClientOptions options;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final SocketAddress localAddress;
  private final AtomicLong nextRequestId = new AtomicLong();
  private final Map<Long, CompletableFuture<ServerMessage>> pending = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Consumer<ServerMessage>> pushListeners =
      new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<ConnectionListener> connectionListeners =
      new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final SslContext tls;

  // Connection state; transitions happen under the monitor (they are rare).
  private volatile Channel channel;
  private volatile boolean restoring;
  private volatile String token;

  /** Hello.language: what the person reads; empty means the server's default (English). */
  private volatile String language = "";

  private boolean closing;
  private boolean finalGoodbye;
  private int attempt;

  /** The server's retry_after_ms for the next attempt to restore the connection, or 0. */
  private long retryHintMs;

  /** Hears how the connection fares: drops, successful resumes, and giving up. */
  public interface ConnectionListener {
    /** The connection dropped; attempt {@code attempt} to restore it starts in {@code delay}. */
    default void dropped(int attempt, Duration delay) {}

    /** The connection was restored and the seat resumed: the full view as it is now. */
    default void resumed(Snapshot snapshot) {}

    /** The client stopped trying (or may not resume) and is closed for good. */
    default void gaveUp(Throwable cause) {}
  }

  private QuarterdeckClient(
      URI server,
      ClientOptions options,
      EventLoopGroup group,
      boolean ownsGroup,
      SocketAddress localAddress,
      SslContext tls) {
    this.server = server;
    this.options = options;
    this.group = group;
    this.ownsGroup = ownsGroup;
    this.localAddress = localAddress;
    this.tls = tls;
  }

  /** Connects with a fresh single-thread event loop that the client closes with itself. */
  public static CompletableFuture<QuarterdeckClient> connect(URI server, ClientOptions options) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    CompletableFuture<QuarterdeckClient> result = connect(server, options, group, null, true);
    result.whenComplete(
        (c, e) -> {
          if (e != null) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
          }
        });
    return result;
  }

  /**
   * Connects on a shared event loop group (for many clients in one process, as the {@code bots}
   * command does), optionally from a given local address. (The load generator does not use this
   * client: it has its own lean connections in {@code client.load}.)
   */
  public static CompletableFuture<QuarterdeckClient> connect(
      URI server, ClientOptions options, EventLoopGroup group, SocketAddress localAddress) {
    return connect(server, options, group, localAddress, false);
  }

  private static CompletableFuture<QuarterdeckClient> connect(
      URI server,
      ClientOptions options,
      EventLoopGroup group,
      SocketAddress localAddress,
      boolean ownsGroup) {
    requireNonNull(server, "server");
    requireNonNull(options, "options");
    requireNonNull(group, "group");
    String scheme = String.valueOf(server.getScheme());
    if (!List.of("ws", "wss", "tcp", "tcps").contains(scheme) || server.getHost() == null) {
      return CompletableFuture.failedFuture(new UnsupportedAddress(server));
    }
    SslContext tls;
    try {
      tls = secure(server) ? ClientTls.context(options.trustCertificate()) : null;
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    QuarterdeckClient client =
        new QuarterdeckClient(server, options, group, ownsGroup, localAddress, tls);
    return client
        .open()
        .thenApply(
            ch -> {
              client.install(ch);
              return client;
            });
  }

  private static boolean secure(URI server) {
    return server.getScheme().equals("wss") || server.getScheme().equals("tcps");
  }

  /** Opens one transport connection; completes when it can carry envelopes. */
  private CompletableFuture<Channel> open() {
    boolean webSocket = server.getScheme().startsWith("ws");
    int port = server.getPort() > 0 ? server.getPort() : tls != null ? 443 : 80;
    CompletableFuture<Channel> ready = new CompletableFuture<>();
    Handler handler = new Handler(ready, this);
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, options.requestTimeout().toMillis()))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ChannelPipeline p = ch.pipeline();
                    if (tls != null) {
                      p.addLast(tls.newHandler(ch.alloc(), server.getHost(), port));
                    }
                    if (webSocket) {
                      p.addLast(new HttpClientCodec());
                      p.addLast(new HttpObjectAggregator(8192));
                      p.addLast(
                          new WebSocketClientProtocolHandler(
                              WebSocketClientProtocolConfig.newBuilder()
                                  .webSocketUri(server)
                                  .version(WebSocketVersion.V13)
                                  .maxFramePayloadLength(options.maxFrameBytes())
                                  .handshakeTimeoutMillis(options.requestTimeout().toMillis())
                                  .customHeaders(new DefaultHttpHeaders())
                                  .build()));
                      p.addLast(new WebSocketFrameAggregator(options.maxFrameBytes()));
                      p.addLast(new ClientCodecs.WebSocketEnvelopes(options.json()));
                    } else {
                      p.addLast(new ProtobufVarint32FrameDecoder());
                      p.addLast(new ProtobufDecoder(ServerMessage.getDefaultInstance()));
                      p.addLast(new ProtobufVarint32LengthFieldPrepender());
                      p.addLast(new ProtobufEncoder());
                    }
                    p.addLast(handler);
                  }
                });
    InetSocketAddress remote = new InetSocketAddress(server.getHost(), port);
    (localAddress == null ? bootstrap.connect(remote) : bootstrap.connect(remote, localAddress))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                ready.completeExceptionally(f.cause());
              }
            });
    return ready;
  }

  private void install(Channel ch) {
    channel = ch;
    ch.closeFuture().addListener(f -> onChannelClosed(ch));
  }

  /** Sends Hello offering protocol version 1 and waits for Welcome. */
  public CompletableFuture<Welcome> hello() {
    return call(helloMessage()).thenApply(ServerMessage::getWelcome);
  }

  /**
   * Sends Hello naming the language the person reads (a BCP 47 tag such as "de" or "de-CH"), so the
   * server's errors and the scenario's texts come in it where the server has them; the same
   * language is named again after a reconnect.
   */
  public CompletableFuture<Welcome> hello(String language) {
    this.language = requireNonNull(language, "language");
    return hello();
  }

  private ClientMessage.Builder helloMessage() {
    return ClientMessage.newBuilder()
        .setHello(
            Hello.newBuilder()
                .addProtocolVersions(1)
                .setClientName("quarterdeck-client")
                .setLanguage(language));
  }

  /**
   * Joins a session by its code ({@code preferredTeam} 0-based, or -1 for any free seat, which
   * leaves the field out); the client keeps the token of the reply to resume after a drop.
   */
  public CompletableFuture<Joined> join(String joinCode, String displayName, int preferredTeam) {
    JoinSession.Builder join =
        JoinSession.newBuilder()
            .setJoinCode(requireNonNull(joinCode, "joinCode"))
            .setDisplayName(requireNonNull(displayName, "displayName"));
    if (preferredTeam >= 0) {
      join.setPreferredTeam(preferredTeam);
    }
    return call(ClientMessage.newBuilder().setJoinSession(join))
        .thenApply(ServerMessage::getJoined);
  }

  /** Joins a session on any free seat. */
  public CompletableFuture<Joined> join(String joinCode, String displayName) {
    return join(joinCode, displayName, -1);
  }

  /**
   * Takes a seat, a spectator place or the facilitator's place back with its token; the client
   * keeps the token to resume again after a later drop.
   */
  public CompletableFuture<Snapshot> resume(String resumeToken) {
    requireNonNull(resumeToken, "resumeToken");
    return call(ClientMessage.newBuilder().setResume(Resume.newBuilder().setToken(resumeToken)))
        .thenApply(ServerMessage::getSnapshot);
  }

  /**
   * Like {@link #request}, but an error reply fails the future with {@link ServerReplyException}.
   */
  public CompletableFuture<ServerMessage> call(ClientMessage.Builder message) {
    return request(message)
        .thenApply(
            reply -> {
              if (reply.hasError()) {
                throw new ServerReplyException(reply.getError());
              }
              return reply;
            });
  }

  /**
   * Sends a request with the next request id; the future completes with the server's reply (an
   * error reply included) or fails after the request timeout, when the connection closes, or at
   * once while the client is restoring a dropped connection.
   */
  public CompletableFuture<ServerMessage> request(ClientMessage.Builder message) {
    requireNonNull(message, "message");
    if (!options.retryUnavailable()) {
      return requestOnce(message);
    }
    CompletableFuture<ServerMessage> result = new CompletableFuture<>();
    requestUntilAvailable(message, System.nanoTime() + options.requestTimeout().toNanos(), result);
    return result;
  }

  private CompletableFuture<ServerMessage> requestOnce(ClientMessage.Builder message) {
    if (restoring) {
      return CompletableFuture.failedFuture(
          new ClosedChannelException()); // the app hears of the resume through its listener
    }
    return requestOn(channel, message);
  }

  /**
   * Sends the request, and again after the server's retry_after_ms while it answers UNAVAILABLE
   * with that hint (nothing changed on the server) and the time left allows; then hands on the last
   * answer.
   */
  private void requestUntilAvailable(
      ClientMessage.Builder message, long deadlineNanos, CompletableFuture<ServerMessage> result) {
    requestOnce(message)
        .whenComplete(
            (reply, failure) -> {
              if (failure != null) {
                result.completeExceptionally(failure);
                return;
              }
              long waitMs = retryAfterMs(reply);
              boolean inTime =
                  System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs) < deadlineNanos;
              if (waitMs <= 0 || !inTime || closed.isDone()) {
                result.complete(reply);
                return;
              }
              try {
                group
                    .next()
                    .schedule(
                        () -> requestUntilAvailable(message, deadlineNanos, result),
                        waitMs,
                        TimeUnit.MILLISECONDS);
              } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
                result.complete(reply);
              }
            });
  }

  /** The server's retry_after_ms when it answered UNAVAILABLE with a hint; else 0. */
  private static long retryAfterMs(ServerMessage reply) {
    return reply.hasError() && reply.getError().getCode() == ErrorCode.UNAVAILABLE
        ? reply.getError().getRetryAfterMs()
        : 0;
  }

  private CompletableFuture<ServerMessage> requestOn(Channel ch, ClientMessage.Builder message) {
    long id = nextRequestId.incrementAndGet();
    CompletableFuture<ServerMessage> reply = new CompletableFuture<>();
    pending.put(id, reply);
    long timeoutMs = options.requestTimeout().toMillis();
    io.netty.util.concurrent.ScheduledFuture<?> timer;
    try {
      timer =
          ch.eventLoop()
              .schedule(
                  () ->
                      fail(
                          id,
                          new TimeoutException(
                              "no reply to request " + id + " within " + timeoutMs + " ms")),
                  timeoutMs,
                  TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
      // a closed client's loop is gone: the same answer as a closed connection, not a throw
      pending.remove(id);
      return CompletableFuture.failedFuture(new ClosedChannelException());
    }
    String resumeToken = message.hasResume() ? message.getResume().getToken() : null;
    reply.whenComplete(
        (r, e) -> {
          timer.cancel(false);
          if (r != null && resumeToken != null && r.hasSnapshot()) {
            token = resumeToken;
          }
        });
    ClientMessage built = message.setRequestId(id).build();
    if (!ch.isActive()) {
      fail(id, new ClosedChannelException());
      return reply;
    }
    ch.writeAndFlush(built)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                fail(id, f.cause());
              }
            });
    return reply;
  }

  /** Sends an envelope as it is, without waiting for anything. */
  public void send(ClientMessage message) {
    channel.writeAndFlush(requireNonNull(message, "message"));
  }

  /** Registers a listener for messages the server sends on its own (request id 0). */
  public void onPush(Consumer<ServerMessage> listener) {
    pushListeners.add(requireNonNull(listener, "listener"));
  }

  /** Registers a listener for drops, resumes and the end of reconnection attempts. */
  public void onConnection(ConnectionListener listener) {
    connectionListeners.add(requireNonNull(listener, "listener"));
  }

  /** The token the client resumes with after a drop, or null before it joined or resumed. */
  public String token() {
    return token;
  }

  /** Completes when the client is closed for good: by {@link #close} or after giving up. */
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** True while a connection is up and not being restored. */
  public boolean isOpen() {
    return !restoring && channel.isActive();
  }

  @Override
  public void close() {
    synchronized (this) {
      closing = true;
    }
    closed.complete(null); // before the channel closes, so no listener hears "gave up"
    channel.close().awaitUninterruptibly();
    if (ownsGroup) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }

  private void fail(long id, Throwable cause) {
    CompletableFuture<ServerMessage> reply = pending.remove(id);
    if (reply != null) {
      reply.completeExceptionally(cause);
    }
  }

  private void onMessage(Channel from, ServerMessage message) {
    if (message.hasPing()) {
      from.writeAndFlush(
          ClientMessage.newBuilder()
              .setPong(Pong.newBuilder().setNonce(message.getPing().getNonce()))
              .build());
    }
    if (message.hasGoodbye()) {
      Goodbye.Reason reason = message.getGoodbye().getReason();
      if (reason == Goodbye.Reason.REPLACED
          || reason == Goodbye.Reason.KICKED
          || reason == Goodbye.Reason.SESSION_ARCHIVED) {
        synchronized (this) {
          finalGoodbye = true;
        }
      } else {
        // The server is going (shutting down, draining, a relay's owner gone): come back at once
        // on a new connection rather than wait for it to close this one. The push listeners
        // still hear the Goodbye below.
        from.eventLoop().execute(from::close);
      }
    }
    CompletableFuture<ServerMessage> reply =
        message.getRequestId() == 0 ? null : pending.remove(message.getRequestId());
    if (reply != null) {
      if (message.hasJoined() && !message.getJoined().getToken().isEmpty()) {
        token = message.getJoined().getToken();
      }
      reply.complete(message);
      return;
    }
    for (Consumer<ServerMessage> listener : pushListeners) {
      listener.accept(message);
    }
  }

  private void onChannelClosed(Channel ch) {
    boolean retry;
    int next;
    synchronized (this) {
      if (ch != channel) {
        return;
      }
      retry =
          !closing && !finalGoodbye && token != null && attempt < options.reconnect().attempts();
      next = ++attempt;
      restoring = retry;
    }
    for (Long id : pending.keySet()) {
      fail(id, new ClosedChannelException());
    }
    if (retry) {
      scheduleRestore(next);
    } else {
      giveUp(new ClosedChannelException());
    }
  }

  private void scheduleRestore(int n) {
    Duration backoff = options.reconnect().delay(n);
    Duration delay;
    synchronized (this) {
      delay = retryHintMs > backoff.toMillis() ? Duration.ofMillis(retryHintMs) : backoff;
      retryHintMs = 0;
    }
    connectionListeners.forEach(l -> l.dropped(n, delay));
    group.next().schedule(() -> restore(n), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One attempt: open a connection, Hello, Resume; on a transport failure try again later. */
  private void restore(int n) {
    synchronized (this) {
      if (closing) {
        return;
      }
    }
    open()
        .whenComplete(
            (ch, connectFailure) -> {
              if (connectFailure != null) {
                retryOrGiveUp(connectFailure);
                return;
              }
              synchronized (this) {
                if (closing) {
                  ch.close();
                  return;
                }
                install(ch);
              }
              requestOn(ch, helloMessage())
                  .thenCompose(
                      welcome ->
                          welcome.hasError()
                              ? CompletableFuture.completedFuture(welcome)
                              : requestOn(
                                  ch,
                                  ClientMessage.newBuilder()
                                      .setResume(Resume.newBuilder().setToken(token))))
                  .whenComplete(
                      (reply, failure) -> {
                        if (failure != null) {
                          ch.close(); // onChannelClosed schedules the next attempt
                        } else if (retryAfterMs(reply) > 0 || isUnavailable(reply)) {
                          // The session is moving (a drained or failed node) or being rebuilt:
                          // try again on a new connection, which a load balancer may send to
                          // another node, no sooner than the server asked.
                          synchronized (this) {
                            retryHintMs = retryAfterMs(reply);
                          }
                          ch.close();
                        } else if (reply.hasError()) {
                          // The server refused the token (revoked, kicked, session gone): resuming
                          // cannot work.
                          synchronized (this) {
                            closing = true;
                          }
                          giveUp(new ServerReplyException(reply.getError()));
                          ch.close();
                        } else {
                          synchronized (this) {
                            attempt = 0;
                            restoring = false;
                          }
                          Snapshot snapshot = reply.getSnapshot();
                          connectionListeners.forEach(l -> l.resumed(snapshot));
                        }
                      });
            });
  }

  private static boolean isUnavailable(ServerMessage reply) {
    return reply.hasError() && reply.getError().getCode() == ErrorCode.UNAVAILABLE;
  }

  private void retryOrGiveUp(Throwable cause) {
    int next;
    synchronized (this) {
      if (closing || attempt >= options.reconnect().attempts()) {
        closing = true;
        next = -1;
      } else {
        next = ++attempt;
      }
    }
    if (next < 0) {
      giveUp(cause);
    } else {
      scheduleRestore(next);
    }
  }

  private void giveUp(Throwable cause) {
    synchronized (this) {
      restoring = false;
    }
    if (!closed.isDone()) {
      connectionListeners.forEach(l -> l.gaveUp(cause));
    }
    closed.complete(null);
    if (ownsGroup) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** Completes {@code ready} when the transport can carry envelopes, then feeds the client. */
  private static final class Handler extends SimpleChannelInboundHandler<ServerMessage> {
    private final CompletableFuture<Channel> ready;
    private final QuarterdeckClient client;

    Handler(CompletableFuture<Channel> ready, QuarterdeckClient client) {
      this.ready = ready;
      this.client = client;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (ctx.pipeline().get(WebSocketClientProtocolHandler.class) == null
          && ctx.pipeline().get(SslHandler.class) == null) {
        ready.complete(ctx.channel());
      }
      ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent done) {
        if (!done.isSuccess()) {
          ready.completeExceptionally(
              ClientTls.handshakeFailed(
                  client.server.getHost() + ":" + client.server.getPort(),
                  done.cause(),
                  client.options.trustCertificate()));
          ctx.close();
        } else if (ctx.pipeline().get(WebSocketClientProtocolHandler.class) == null) {
          ready.complete(ctx.channel());
        }
      } else if (evt
          == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        ready.complete(ctx.channel());
      } else if (evt
          == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        ready.completeExceptionally(new TimeoutException("WebSocket handshake timed out"));
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ServerMessage msg) {
      client.onMessage(ctx.channel(), msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ready.completeExceptionally(new ClosedChannelException());
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ready.completeExceptionally(
          cause.getCause() instanceof javax.net.ssl.SSLException
              ? ClientTls.handshakeFailed(
                  client.server.getHost() + ":" + client.server.getPort(),
                  cause.getCause(),
                  client.options.trustCertificate())
              : cause);
      ctx.close();
    }
  }
}
