package org.quarterdeck.server.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection from another node: with a PROXY v2 header (a relayed client's), fed byte by byte,
 * the connection becomes active only once the header is read, under the client's address, and
 * everything after the header follows unchanged; without one (a small Hello, an HTTP request) it
 * becomes active at once under the peer's own address with every byte passed on; one that says
 * nothing is let through after the handshake timeout.
 */
class PeerProxyHeaderTest {
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** What the handlers after the peer's reader see. */
  private static final class Behind extends ChannelInboundHandlerAdapter {
    boolean active;
    Object addressWhenActive;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      active = true;
      addressWhenActive = ctx.channel().attr(ClientAddress.PROXIED).get();
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      bytes.writeBytes(ByteBufUtil.getBytes(buf));
      buf.release();
    }
  }

  private static EmbeddedChannel peer(Behind behind) throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime(); // the handshake timeout runs on this channel's clock only
    ch.pipeline().addLast(PeerProxyHeader.NAME, new PeerProxyHeader(TIMEOUT_NANOS));
    ch.pipeline().addLast("behind", behind);
    ch.pipeline().fireChannelActive(); // as a server channel's pipeline sees its accept
    return ch;
  }

  private static byte[] v2Header(String client, int port) {
    EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
    encoder.writeOutbound(
        new HAProxyMessage(
            HAProxyProtocolVersion.V2,
            HAProxyCommand.PROXY,
            HAProxyProxiedProtocol.TCP4,
            client,
            "127.0.0.1",
            port,
            7777));
    ByteBuf out = encoder.readOutbound();
    byte[] bytes = ByteBufUtil.getBytes(out);
    out.release();
    return bytes;
  }

  @Test
  void aRelayedClientIsNamedByItsHeaderFedByteByByte() throws Exception {
    Behind behind = new Behind();
    EmbeddedChannel ch = peer(behind);
    byte[] header = v2Header("203.0.113.9", 40_001);
    byte[] hello = {3, 8, 1, 0};
    for (byte b : header) {
      assertFalse(behind.active, "held back while the header is read");
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    ch.writeInbound(Unpooled.wrappedBuffer(hello));
    assertTrue(behind.active);
    assertEquals(new InetSocketAddress("203.0.113.9", 40_001), behind.addressWhenActive);
    assertEquals(new InetSocketAddress("203.0.113.9", 40_001), ClientAddress.of(ch));
    assertArrayEquals(hello, behind.bytes.toByteArray(), "the bytes after the header, unchanged");
    assertNull(ch.pipeline().get(PeerProxyHeader.class), "the sniffer is gone");
    assertFalse(ch.finish());
  }

  @Test
  void aHeaderAndTheFirstMessageInOneReadAreSplitRight() throws Exception {
    Behind behind = new Behind();
    EmbeddedChannel ch = peer(behind);
    byte[] header = v2Header("198.51.100.4", 5_555);
    byte[] hello = {3, 8, 1, 0};
    ch.writeInbound(Unpooled.wrappedBuffer(header, hello));
    assertEquals(new InetSocketAddress("198.51.100.4", 5_555), behind.addressWhenActive);
    assertArrayEquals(hello, behind.bytes.toByteArray());
    assertFalse(ch.finish());
  }

  @Test
  void withoutAHeaderEveryByteIsPassedOnAtOnceUnderThePeersOwnAddress() throws Exception {
    for (byte[] first :
        new byte[][] {
          {3, 8, 1, 0}, // a TCP Hello shorter than a header's signature
          "GET /sessions/s-1/export HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
          "PRO".getBytes(StandardCharsets.US_ASCII), // like "PROXY " so far...
        }) {
      Behind behind = new Behind();
      EmbeddedChannel ch = peer(behind);
      ch.writeInbound(Unpooled.wrappedBuffer(first));
      if (first.length == 3) {
        assertFalse(behind.active, "'PRO' may still become a v1 header");
        ch.writeInbound(Unpooled.wrappedBuffer("BE\r\n".getBytes(StandardCharsets.US_ASCII)));
      }
      assertTrue(behind.active);
      assertNull(behind.addressWhenActive, "no client named: the peer's address counts");
      String expected =
          new String(first, StandardCharsets.US_ASCII) + (first.length == 3 ? "BE\r\n" : "");
      assertEquals(expected, behind.bytes.toString(StandardCharsets.US_ASCII));
      assertFalse(ch.finish());
    }
  }

  @Test
  void aPeerThatSaysNothingIsLetThroughAfterTheHandshakeTimeout() throws Exception {
    Behind behind = new Behind();
    EmbeddedChannel ch = peer(behind);
    ch.advanceTimeBy(TIMEOUT_NANOS - 1, TimeUnit.NANOSECONDS);
    ch.runScheduledPendingTasks();
    assertFalse(behind.active);
    ch.advanceTimeBy(1, TimeUnit.NANOSECONDS);
    ch.runScheduledPendingTasks();
    assertTrue(behind.active);
    assertTrue(ch.isOpen());
    assertFalse(ch.finish());
  }
}
