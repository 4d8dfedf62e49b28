package org.quarterdeck.client.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32FrameDecoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Opens generator connections to one server address (WebSocket, binary or JSON, or plain TCP; see
 * {@link Wire}) on a shared event loop group. On a loopback server it binds connection i to
 * 127.0.0.(1 + i mod K), so each source address has its own ~28k ephemeral ports and the generator
 * can pass ~60k connections.
 */
final class Connector {
  static final String HTTP = "http";
  static final String HTTP_AGGREGATOR = "http-aggregator";
  static final String WEBSOCKET = "websocket";
  static final String FRAME_AGGREGATOR = "frame-aggregator";
  static final String ENVELOPES = "envelopes";
  static final String FRAMES = "frames";
  static final String FRAME_LENGTH = "frame-length";
  static final String PROTOBUF = "protobuf";
  static final String PLAYER = "player";

  private final URI uri;
  private final Wire wire;
  private final InetSocketAddress remote;
  private final EventLoopGroup group;
  private final int sourceAddresses;
  private final long handshakeTimeoutMs;

  Connector(
      URI uri, Wire wire, EventLoopGroup group, int sourceAddresses, long handshakeTimeoutMs) {
    this.uri = uri;
    this.wire = wire;
    this.remote = new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80);
    this.group = group;
    this.sourceAddresses =
        remote.getAddress() != null && remote.getAddress().isLoopbackAddress()
            ? sourceAddresses
            : 1;
    this.handshakeTimeoutMs = handshakeTimeoutMs;
  }

  CompletableFuture<LoadConnection> connect(LoadConnection connection) {
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NativeIo.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) handshakeTimeoutMs)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ChannelPipeline p = ch.pipeline();
                    if (wire == Wire.TCP) {
                      p.addLast(FRAMES, new ProtobufVarint32FrameDecoder());
                      p.addLast(PROTOBUF, new EnvelopeSkim.TcpDecoder());
                      p.addLast(FRAME_LENGTH, new ProtobufVarint32LengthFieldPrepender());
                      p.addLast(ENVELOPES, new ProtobufEncoder());
                      p.addLast(PLAYER, connection);
                      return;
                    }
                    p.addLast(HTTP, new HttpClientCodec());
                    p.addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(8192));
                    p.addLast(
                        WEBSOCKET,
                        new WebSocketClientProtocolHandler(
                            WebSocketClientProtocolConfig.newBuilder()
                                .webSocketUri(uri)
                                .version(WebSocketVersion.V13)
                                .maxFramePayloadLength(1 << 20)
                                .handshakeTimeoutMillis(handshakeTimeoutMs)
                                .customHeaders(new DefaultHttpHeaders())
                                .build()));
                    p.addLast(FRAME_AGGREGATOR, new WebSocketFrameAggregator(1 << 20));
                    p.addLast(ENVELOPES, new LoadCodec(wire == Wire.WEBSOCKET_JSON));
                    p.addLast(PLAYER, connection);
                  }
                });
    var future =
        sourceAddresses <= 1
            ? bootstrap.connect(remote)
            : bootstrap.connect(remote, source(connection.index));
    future.addListener(
        f -> {
          if (!f.isSuccess()) {
            connection.ready().completeExceptionally(f.cause());
          }
        });
    return connection.ready();
  }

  private InetSocketAddress source(int index) {
    byte[] a = {127, 0, 0, (byte) (1 + index % sourceAddresses)};
    try {
      return new InetSocketAddress(InetAddress.getByAddress(a), 0);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
