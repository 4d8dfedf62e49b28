package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SignIn;
import org.quarterdeck.server.port.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's connection carried on to the node that owns its session, envelope by envelope, over
 * that node's plain TCP game port. The client keeps its own transport and format (the relaying node
 * decoded its frames and encodes the owner's replies its way); the owner sees an ordinary TCP
 * client, at the client's own address (a PROXY v2 header, which the owner reads from its peers).
 * When the owner goes away the client is told and closed, and its reconnect (through the load
 * balancer) is routed to the session's new owner.
 */
final class OwnerRelay {
  private static final Logger log = LoggerFactory.getLogger(OwnerRelay.class);

  /** Replies from a trusted peer may be large (replays, exports) but not unbounded. */
  static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;

  /** The relay's own Hello: its Welcome is not the client's to see. */
  static final long HELLO_REQUEST_ID = Long.MAX_VALUE;

  /** The relay's sign-in with the facilitator's pass: its answer is not the client's either. */
  static final long PASS_REQUEST_ID = Long.MAX_VALUE - 1;

  static final String CLIENT_NAME = "quarterdeck-relay";

  /** How long the owner has to answer the relay's Hello. */
  static final long WELCOME_MS = 2_000;

  private final Channel channel;
  private final String owner;

  private OwnerRelay(Channel channel, String owner) {
    this.channel = channel;
    this.owner = owner;
  }

  /**
   * Connects to {@code owner} on {@code loops}, names the client in a PROXY v2 header (so that the
   * owner counts it against the client's address, not this node's), says Hello, signs the client's
   * facilitator in with {@code pass} when there is one, and from then on passes every reply to
   * {@code client}; completes once the owner has answered the Hello.
   */
  static CompletableFuture<OwnerRelay> open(
      EventLoopGroup loops,
      IoTransport transport,
      String node,
      InetSocketAddress owner,
      Connection client,
      java.util.Optional<String> pass) {
    return open(loops, transport, node, owner, client, pass, WELCOME_MS);
  }

  /** The same, the owner having {@code welcomeMs} to answer the Hello (tests on a busy machine). */
  static CompletableFuture<OwnerRelay> open(
      EventLoopGroup loops,
      IoTransport transport,
      String node,
      InetSocketAddress owner,
      Connection client,
      java.util.Optional<String> pass,
      long welcomeMs) {
    requireNonNull(client, "client");
    requireNonNull(pass, "pass");
    CompletableFuture<OwnerRelay> opened = new CompletableFuture<>();
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loops)
            .channel(transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast("proxyHeader", HAProxyMessageEncoder.INSTANCE)
                        .addLast("frameDecoder", new VarintFrameDecoder(MAX_REPLY_BYTES))
                        .addLast("frameEncoder", new ClientFrameEncoder())
                        .addLast("replies", new Replies(client, node));
                  }
                });
    ChannelFuture connect = bootstrap.connect(owner);
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            opened.completeExceptionally(f.cause());
            return;
          }
          Channel ch = connect.channel();
          Replies replies = ch.pipeline().get(Replies.class);
          replies.welcomed = () -> opened.complete(new OwnerRelay(ch, node));
          replies.refused = why -> opened.completeExceptionally(new java.io.IOException(why));
          // a stopped process still completes the TCP handshake (the kernel does): only its
          // Welcome shows that the owner is there
          ch.eventLoop()
              .schedule(
                  () -> {
                    if (!opened.isDone()) {
                      opened.completeExceptionally(
                          new java.io.IOException(
                              "node "
                                  + node
                                  + " did not answer Hello within "
                                  + welcomeMs
                                  + " ms"));
                      ch.close();
                    }
                  },
                  welcomeMs,
                  java.util.concurrent.TimeUnit.MILLISECONDS);
          ch.closeFuture()
              .addListener(
                  c ->
                      opened.completeExceptionally(
                          new java.io.IOException("node " + node + " closed the connection")));
          ch.write(header(client, ch.remoteAddress()));
          ch.write(
              ClientMessage.newBuilder()
                  .setRequestId(HELLO_REQUEST_ID)
                  .setHello(Hello.newBuilder().setClientName(CLIENT_NAME).addProtocolVersions(1))
                  .build());
          pass.ifPresent(
              credential ->
                  ch.write(
                      ClientMessage.newBuilder()
                          .setRequestId(PASS_REQUEST_ID)
                          .setSignIn(SignIn.newBuilder().setCredential(credential))
                          .build()));
          ch.flush();
        });
    return opened;
  }

  /**
   * The PROXY v2 header naming {@code client}'s address; LOCAL (the owner keeps this node's
   * address) when the client's is not an IP address.
   */
  static HAProxyMessage header(Connection client, SocketAddress ownerSide) {
    SocketAddress from =
        client instanceof ConnectionHandler handler ? handler.clientAddress() : null;
    if (!(from instanceof InetSocketAddress source) || source.getAddress() == null) {
      return new HAProxyMessage(
          HAProxyProtocolVersion.V2,
          HAProxyCommand.LOCAL,
          HAProxyProxiedProtocol.UNKNOWN,
          null,
          null,
          0,
          0);
    }
    boolean v4 = source.getAddress() instanceof Inet4Address;
    InetAddress to =
        ownerSide instanceof InetSocketAddress dest
                && dest.getAddress() != null
                && (dest.getAddress() instanceof Inet4Address) == v4
            ? dest.getAddress()
            : null;
    return new HAProxyMessage(
        HAProxyProtocolVersion.V2,
        HAProxyCommand.PROXY,
        v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
        NetUtil.toAddressString(source.getAddress()),
        to != null ? NetUtil.toAddressString(to) : (v4 ? "0.0.0.0" : "::"),
        source.getPort(),
        to != null ? ((InetSocketAddress) ownerSide).getPort() : 0);
  }

  /** Passes one of the client's envelopes on; may be called from any thread. */
  void forward(ClientMessage message) {
    channel.writeAndFlush(message, channel.voidPromise());
  }

  void close() {
    channel.close();
  }

  boolean open() {
    return channel.isActive();
  }

  String owner() {
    return owner;
  }

  /** The owner's envelopes, on to the client; the owner's close, on to the client. */
  private static final class Replies extends SimpleChannelInboundHandler<ByteBuf> {
    private final Connection client;
    private final String node;
    private volatile Runnable welcomed = () -> {};
    private volatile java.util.function.Consumer<String> refused = why -> {};
    private volatile boolean serving;
    private boolean refusedHeader;

    Replies(Connection client, String node) {
      this.client = client;
      this.node = node;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) throws IOException {
      ServerMessage message;
      try (ByteBufInputStream in = new ByteBufInputStream(frame)) {
        message = ServerMessage.parseFrom(in);
      }
      if (refusedHeader) {
        return; // the rest of what the owner sent in the same read, its Welcome too
      }
      if (message.hasWelcome() && message.getRequestId() == HELLO_REQUEST_ID) {
        serving = true;
        welcomed.run();
        return;
      }
      if (!serving) {
        // The owner answers the Hello first unless it read the PROXY header as frames: it does not
        // count this node among its peers yet (it reads their addresses every second), so it
        // would count the client at this node's address. (A v2 header happens to split into
        // three frames, which the owner answers with errors, and the Hello after it is read as
        // any client's.) Not a relay: the client is told to try again.
        String why =
            "node "
                + node
                + " did not read this node's PROXY header (it answered "
                + message.getBodyCase()
                + " before the Hello); it does not know this node's address yet";
        log.info("relay for connection {}: {}", client.id(), why);
        refusedHeader = true;
        refused.accept(why);
        ctx.close();
        return;
      }
      if (message.getRequestId() == PASS_REQUEST_ID) {
        // the facilitator's pass at the owner: the client signed in here already
        if (message.hasError()) {
          log.info(
              "node {} refused the facilitator pass of connection {}: {}",
              node,
              client.id(),
              message.getError().getMessage());
        }
        return;
      }
      if (message.hasPing() && message.getRequestId() == 0) {
        // the owner's liveness check of this relay connection: the relay answers it, the client
        // has its own with this node
        ctx.writeAndFlush(
            ClientMessage.newBuilder()
                .setPong(
                    org.quarterdeck.protocol.v1.Pong.newBuilder()
                        .setNonce(message.getPing().getNonce()))
                .build());
        return;
      }
      if (message.hasPong()) {
        return; // the client's pings are answered by this node; these answer nobody
      }
      if (message.hasGoodbye()) {
        // the owner closes (it drains, or it kicked the client): the client hears why
        client.close(message.getGoodbye().getReason(), message.getGoodbye().getMessage());
        return;
      }
      client.send(message);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      log.debug("relay to node {} for connection {} closed", node, client.id());
      if (serving) {
        client.close(
            Goodbye.Reason.SERVER_SHUTDOWN,
            "the node serving this session (" + node + ") went away; reconnect");
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("relay to node {}: {}", node, cause.toString());
      ctx.close();
    }
  }

  /** {@code varint32 length | protobuf bytes}, the client side of the TCP framing. */
  private static final class ClientFrameEncoder extends MessageToByteEncoder<ClientMessage> {
    ClientFrameEncoder() {
      super(ClientMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ClientMessage msg, ByteBuf out)
        throws IOException {
      try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
        msg.writeDelimitedTo(stream);
      }
    }
  }
}
