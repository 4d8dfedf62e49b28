package org.quarterdeck.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quarterdeck.server.testing.Await;

/** A connection's share of its event loop: a few requests a turn, the rest held in order. */
@Timeout(30)
class FairShareTest {
  private final List<Object> served = new ArrayList<>();

  /** Records what reaches it, and "|" for each end of a read. */
  private final class Recorder extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      served.add(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      served.add("|");
    }
  }

  private EmbeddedChannel channel() {
    return new EmbeddedChannel(new FairShare(4), new Recorder());
  }

  /** One read of the socket that brings {@code requests}, then the read's end. */
  private static void read(EmbeddedChannel channel, Object... requests) {
    for (Object request : requests) {
      channel.pipeline().fireChannelRead(request);
    }
    channel.pipeline().fireChannelReadComplete();
  }

  @Test
  void aPipelinedBurstIsServedFourATurnInItsOrderWhileTheSocketIsNotRead() {
    EmbeddedChannel channel = channel();
    read(channel, "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
    assertEquals(List.of("r0", "r1", "r2", "r3", "|"), served);
    assertFalse(channel.config().isAutoRead(), "the rest waits in the socket");
    channel.runScheduledPendingTasks();
    assertEquals(List.of("r0", "r1", "r2", "r3", "|", "r4", "r5", "r6", "r7", "|"), served);
    assertFalse(channel.config().isAutoRead());
    channel.runScheduledPendingTasks();
    assertEquals(
        List.of("r0", "r1", "r2", "r3", "|", "r4", "r5", "r6", "r7", "|", "r8", "r9", "|"), served);
    assertTrue(channel.config().isAutoRead(), "all served: the socket is read again");
    channel.runScheduledPendingTasks();
    assertEquals(13, served.size(), "nothing more");
    channel.finishAndReleaseAll();
  }

  @Test
  void aClientThatWaitsForEachAnswerIsNeverHeld() {
    EmbeddedChannel channel = channel();
    for (int i = 0; i < 50; i++) {
      read(channel, "r" + i);
      assertTrue(channel.config().isAutoRead(), "request " + i);
    }
    assertEquals(100, served.size());
    channel.finishAndReleaseAll();
  }

  @Test
  void anotherReasonToPauseOutlastsTheFairShare() {
    EmbeddedChannel channel = channel();
    ReadPauses.pause(channel, ReadPauses.Reason.SLOW_READER);
    read(channel, "r0", "r1", "r2", "r3", "r4");
    channel.runScheduledPendingTasks();
    assertEquals(List.of("r0", "r1", "r2", "r3", "|", "r4", "|"), served);
    assertFalse(channel.config().isAutoRead(), "the slow reader still holds the reading");
    ReadPauses.resume(channel, ReadPauses.Reason.SLOW_READER);
    assertTrue(channel.config().isAutoRead());
    channel.finishAndReleaseAll();
  }

  @Test
  void whatIsHeldIsReleasedWhenTheConnectionCloses() {
    List<ByteBuf> requests = new ArrayList<>();
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new FairShare(4),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                served.add(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                ((ByteBuf) msg).release();
              }
            });
    for (int i = 0; i < 10; i++) {
      requests.add(Unpooled.copiedBuffer("r" + i, StandardCharsets.US_ASCII));
    }
    read(channel, requests.toArray());
    assertEquals(List.of("r0", "r1", "r2", "r3"), served);
    // EmbeddedChannel runs its due tasks before it closes: one more turn is served
    channel.close();
    assertEquals(
        List.of("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"),
        served,
        "nothing served after the close");
    for (int i = 0; i < 10; i++) {
      assertEquals(0, requests.get(i).refCnt(), "request " + i + " released");
    }
  }

  @Test
  void theShareMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new FairShare(0));
  }

  /**
   * On a real event loop: a connection pipelines 200 requests in one write; when the 10th is
   * served, a second connection of the same loop sends one. It is served after at most two more
   * turns of the flooding connection (without the fair share, after all 200: they came in one
   * read).
   */
  @Test
  void anotherConnectionOfTheLoopIsServedBetweenTheRequestsOfAFlood() throws Exception {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    Socket[] pinger = new Socket[1];
    EventLoopGroup boss = IoTransport.NIO.newGroup(1);
    EventLoopGroup loop = IoTransport.NIO.newGroup(1);
    try {
      Channel server =
          new ServerBootstrap()
              .group(boss, loop)
              .channel(IoTransport.NIO.serverChannel())
              .childOption(
                  ChannelOption.RECVBUF_ALLOCATOR,
                  new AdaptiveRecvByteBufAllocator(64, 1024, QuarterdeckServer.READ_BYTES))
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new LineBasedFrameDecoder(64))
                          .addLast(new StringDecoder(StandardCharsets.US_ASCII))
                          .addLast(FairShare.NAME, new FairShare())
                          .addLast(
                              new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                  order.add((String) msg);
                                  if (msg.equals("f10")) {
                                    send(pinger[0], "ping\n");
                                  }
                                }
                              });
                    }
                  })
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .sync()
              .channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      try (Socket ping = new Socket(InetAddress.getLoopbackAddress(), port);
          Socket flood = new Socket(InetAddress.getLoopbackAddress(), port)) {
        pinger[0] = ping;
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 200; i++) {
          burst.append('f').append(i).append('\n');
        }
        send(flood, burst.toString());
        Await.until("all served", Duration.ofSeconds(20), () -> order.size() == 201);
        int pingAt = order.indexOf("ping");
        int tenth = order.indexOf("f10");
        assertTrue(
            pingAt > tenth && pingAt <= tenth + 1 + 2 * FairShare.PER_TURN,
            "the ping waited for " + (pingAt - tenth - 1) + " requests of the flood: " + order);
        for (int i = 0, f = 0; i < order.size(); i++) {
          if (!order.get(i).equals("ping")) {
            assertEquals("f" + f++, order.get(i), "the flood's requests in their order");
          }
        }
      }
      server.close().sync();
    } finally {
      loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
      boss.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  private static void send(Socket socket, String text) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
