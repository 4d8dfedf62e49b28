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
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32FrameDecoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.quarterdeck.client.net.ClientCodecs;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.Pong;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.Welcome;

/**
 * An asynchronous Quarterdeck client over WebSocket ({@code ws://host:port/ws}, binary or JSON)
 * or plain TCP ({@code tcp://host:port}). Requests are matched to replies by request id; messages
 * the server sends on its own (request id 0) go to the push listeners. The client answers the
 * server's pings by itself.
 *
 * <pre>{@code
 * try (QuarterdeckClient client = QuarterdeckClient.connect(URI.create("ws://127.0.0.1:8080/ws"),
 *     ClientOptions.defaults()).get()) {
 *   Welcome welcome = client.hello().get();
 *   ServerMessage pong = client.request(ClientMessage.newBuilder()
 *       .setPing(Ping.newBuilder().setNonce(42))).get();
 * }
 * }</pre>
 */
public final class QuarterdeckClient implements AutoCloseable {
  private final Channel channel;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final ClientOptions options;
  private final AtomicLong nextRequestId = new AtomicLong();
  private final Map<Long, CompletableFuture<ServerMessage>> pending = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Consumer<ServerMessage>> pushListeners =
      new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private QuarterdeckClient(Channel channel, EventLoopGroup group, boolean ownsGroup,
      ClientOptions options) {
    this.channel = channel;
    this.group = group;
    this.ownsGroup = ownsGroup;
    this.options = options;
  }

  /** Connects with a fresh single-thread event loop that the client closes with itself. */
  public static CompletableFuture<QuarterdeckClient> connect(URI server, ClientOptions options) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    CompletableFuture<QuarterdeckClient> result = connect(server, options, group, null, true);
    result.whenComplete((c, e) -> {
      if (e != null) {
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      }
    });
    return result;
  }

  /**
   * Connects on a shared event loop group (for many clients in one process), optionally from a
   * given local address (the load generator spreads connections over 127.0.0.x).
   */
  public static CompletableFuture<QuarterdeckClient> connect(URI server, ClientOptions options,
      EventLoopGroup group, SocketAddress localAddress) {
    return connect(server, options, group, localAddress, false);
  }

  private static CompletableFuture<QuarterdeckClient> connect(URI server, ClientOptions options,
      EventLoopGroup group, SocketAddress localAddress, boolean ownsGroup) {
    requireNonNull(server, "server");
    requireNonNull(options, "options");
    String scheme = String.valueOf(server.getScheme());
    boolean webSocket = scheme.equals("ws");
    if (!webSocket && !scheme.equals("tcp")) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "unsupported address " + server + ": use ws://host:port/ws or tcp://host:port"));
    }
    CompletableFuture<Channel> ready = new CompletableFuture<>();
    Handler handler = new Handler(ready);
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) options.requestTimeout().toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ChannelPipeline p = ch.pipeline();
            if (webSocket) {
              p.addLast(new HttpClientCodec());
              p.addLast(new HttpObjectAggregator(8192));
              p.addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig
                  .newBuilder()
                  .webSocketUri(server)
                  .version(WebSocketVersion.V13)
                  .maxFramePayloadLength(options.maxFrameBytes())
                  .handshakeTimeoutMillis(options.requestTimeout().toMillis())
                  .customHeaders(new DefaultHttpHeaders())
                  .build()));
              p.addLast(new WebSocketFrameAggregator(options.maxFrameBytes()));
              p.addLast(new ClientCodecs.WebSocketEnvelopes(
                  options.json()));
            } else {
              p.addLast(new ProtobufVarint32FrameDecoder());
              p.addLast(new ProtobufDecoder(ServerMessage.getDefaultInstance()));
              p.addLast(new ProtobufVarint32LengthFieldPrepender());
              p.addLast(new ProtobufEncoder());
            }
            p.addLast(handler);
          }
        });
    int port = server.getPort() > 0 ? server.getPort() : 80;
    InetSocketAddress remote = new InetSocketAddress(server.getHost(), port);
    (localAddress == null ? bootstrap.connect(remote) : bootstrap.connect(remote, localAddress))
        .addListener(f -> {
          if (!f.isSuccess()) {
            ready.completeExceptionally(f.cause());
          }
        });
    return ready.thenApply(ch -> {
      QuarterdeckClient client = new QuarterdeckClient(ch, group, ownsGroup, options);
      handler.client = client;
      ch.closeFuture().addListener(f -> client.onClosed());
      return client;
    });
  }

  /** Sends Hello offering protocol version 1 and waits for Welcome. */
  public CompletableFuture<Welcome> hello() {
    return request(ClientMessage.newBuilder()
        .setHello(Hello.newBuilder().addProtocolVersions(1).setClientName("quarterdeck-client")))
        .thenApply(reply -> {
          if (reply.hasError()) {
            throw new ServerReplyException(reply.getError());
          }
          return reply.getWelcome();
        });
  }

  /**
   * Sends a request with the next request id; the future completes with the server's reply (an
   * error reply included) or fails after the request timeout or when the connection closes.
   */
  public CompletableFuture<ServerMessage> request(ClientMessage.Builder message) {
    long id = nextRequestId.incrementAndGet();
    CompletableFuture<ServerMessage> reply = new CompletableFuture<>();
    pending.put(id, reply);
    long timeoutMs = options.requestTimeout().toMillis();
    io.netty.util.concurrent.ScheduledFuture<?> timer = channel.eventLoop().schedule(() ->
        fail(id, new TimeoutException("no reply to request " + id + " within " + timeoutMs
            + " ms")), timeoutMs, TimeUnit.MILLISECONDS);
    reply.whenComplete((r, e) -> timer.cancel(false));
    channel.writeAndFlush(message.setRequestId(id).build()).addListener(f -> {
      if (!f.isSuccess()) {
        fail(id, f.cause());
      }
    });
    return reply;
  }

  /** Sends an envelope as it is, without waiting for anything. */
  public void send(ClientMessage message) {
    channel.writeAndFlush(message);
  }

  /** Registers a listener for messages the server sends on its own (request id 0). */
  public void onPush(Consumer<ServerMessage> listener) {
    pushListeners.add(requireNonNull(listener, "listener"));
  }

  /** Completes when the connection is closed, by either side. */
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public void close() {
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

  private void onMessage(ServerMessage message) {
    if (message.hasPing()) {
      channel.writeAndFlush(ClientMessage.newBuilder()
          .setPong(Pong.newBuilder().setNonce(message.getPing().getNonce())).build());
    }
    CompletableFuture<ServerMessage> reply =
        message.getRequestId() == 0 ? null : pending.remove(message.getRequestId());
    if (reply != null) {
      reply.complete(message);
      return;
    }
    for (Consumer<ServerMessage> listener : pushListeners) {
      listener.accept(message);
    }
  }

  private void onClosed() {
    for (Long id : pending.keySet()) {
      fail(id, new java.nio.channels.ClosedChannelException());
    }
    closed.complete(null);
  }

  /** Completes {@code ready} when the transport can carry envelopes, then feeds the client. */
  private static final class Handler extends SimpleChannelInboundHandler<ServerMessage> {
    private final CompletableFuture<Channel> ready;
    private volatile QuarterdeckClient client;

    Handler(CompletableFuture<Channel> ready) {
      this.ready = ready;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (ctx.pipeline().get(WebSocketClientProtocolHandler.class) == null) {
        ready.complete(ctx.channel());
      }
      ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        ready.complete(ctx.channel());
      } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        ready.completeExceptionally(new TimeoutException("WebSocket handshake timed out"));
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ServerMessage msg) {
      QuarterdeckClient c = client;
      if (c != null) {
        c.onMessage(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ready.completeExceptionally(new java.nio.channels.ClosedChannelException());
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ready.completeExceptionally(cause);
      ctx.close();
    }
  }
}
