package org.quarterdeck.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32FrameDecoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ServerMessage;

/**
 * A TCP server the test drives by hand: every message a client sends lands in a queue with its
 * channel, and the test decides what (and when, and whether) to answer.
 */
final class FakeServer implements AutoCloseable {
  /** A message as received, with the connection it came on. */
  record Received(Channel channel, ClientMessage message) {
    void reply(ServerMessage.Builder body) {
      channel.writeAndFlush(body.setRequestId(message.getRequestId()).build());
    }
  }

  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  final BlockingQueue<Channel> connections = new LinkedBlockingQueue<>();
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;

  FakeServer() throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(
                            new ProtobufVarint32FrameDecoder(),
                            new ProtobufDecoder(ClientMessage.getDefaultInstance()),
                            new ProtobufVarint32LengthFieldPrepender(),
                            new ProtobufEncoder(),
                            new SimpleChannelInboundHandler<ClientMessage>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, ClientMessage msg) {
                                received.add(new Received(ctx.channel(), msg));
                              }
                            });
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  URI uri() {
    return URI.create("tcp://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort());
  }

  /** The next message a client sent, failing the test if none comes within five seconds. */
  Received next() throws InterruptedException {
    Received r = received.poll(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("the client sent nothing within 5 s");
    }
    return r;
  }

  /** Stops accepting connections; open ones stay up. */
  void stopListening() {
    server.close().syncUninterruptibly();
  }

  @Override
  public void close() {
    if (group.isShuttingDown()) {
      return;
    }
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
