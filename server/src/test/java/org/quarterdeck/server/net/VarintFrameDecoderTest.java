package org.quarterdeck.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ErrorCode;

class VarintFrameDecoderTest {
  private final EmbeddedChannel channel = new EmbeddedChannel(new VarintFrameDecoder(300));

  private static ByteBuf frame(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ByteBuf buf = Unpooled.buffer();
    int n = bytes.length;
    while (n >= 0x80) {
      buf.writeByte((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    buf.writeByte(n);
    return buf.writeBytes(bytes);
  }

  private String readBody() {
    ByteBuf body = channel.readInbound();
    try {
      return body.toString(StandardCharsets.UTF_8);
    } finally {
      body.release();
    }
  }

  @Test
  void splitsSeveralFramesArrivingInOneBuffer() {
    ByteBuf both = Unpooled.wrappedBuffer(frame("first"), frame("second"), frame(""));
    channel.writeInbound(both);
    assertEquals("first", readBody());
    assertEquals("second", readBody());
    assertEquals("", readBody());
    assertNull(channel.readInbound());
    assertEquals(0, both.refCnt(), "input buffer released");
  }

  @Test
  void reassemblesAFrameDeliveredOneByteAtATime() {
    String long200 = "x".repeat(200); // a two-byte length prefix
    ByteBuf whole = frame(long200);
    while (whole.isReadable()) {
      assertNull(channel.readInbound(), "nothing before the frame is complete");
      channel.writeInbound(whole.readRetainedSlice(1));
    }
    whole.release();
    assertEquals(long200, readBody());
  }

  @Test
  void refusesAFrameLongerThanTheLimitFromItsPrefixAlone() {
    ByteBuf prefixOnly = Unpooled.buffer().writeByte(0xAD).writeByte(0x02); // 301
    channel.writeInbound(prefixOnly);
    BadFrame bad = assertInstanceOf(BadFrame.class, channel.readInbound());
    assertEquals(ErrorCode.TOO_LARGE, bad.code());
    assertTrue(bad.fatal());
    assertTrue(bad.message().contains("301"), bad.message());
    assertEquals(0, prefixOnly.refCnt());
  }

  @Test
  void discardsEverythingAfterAFatalFrame() {
    channel.writeInbound(
        Unpooled.buffer()
            .writeByte(0xFF)
            .writeByte(0xFF)
            .writeByte(0xFF)
            .writeByte(0xFF)
            .writeByte(0xFF)
            .writeByte(0x01));
    BadFrame bad = assertInstanceOf(BadFrame.class, channel.readInbound());
    assertEquals(ErrorCode.INVALID_ARGUMENT, bad.code());
    ByteBuf later = frame("ignored");
    channel.writeInbound(later);
    assertNull(channel.readInbound());
    assertEquals(0, later.refCnt());
  }

  @Test
  void releasesAPartialFrameWhenTheChannelCloses() {
    ByteBuf partial = frame("partial body");
    partial.writerIndex(partial.writerIndex() - 3);
    channel.writeInbound(partial);
    assertFalse(channel.finish(), "no frame comes out of a truncated input");
    assertEquals(0, partial.refCnt());
  }
}
