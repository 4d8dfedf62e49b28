package org.quarterdeck.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.Ping;

class EnvelopeParserTest {
  private final EnvelopeParser parser = new EnvelopeParser(NetLimits.defaults());

  @Test
  void parsesABinaryEnvelope() {
    ClientMessage hello =
        ClientMessage.newBuilder()
            .setRequestId(7)
            .setHello(Hello.newBuilder().addProtocolVersions(1))
            .build();
    ByteBuf bytes = Unpooled.wrappedBuffer(hello.toByteArray());
    Inbound inbound = assertInstanceOf(Inbound.class, parser.parseBinary(bytes));
    assertEquals(hello, inbound.message());
    assertEquals(WireFormat.BINARY, inbound.format());
    assertEquals(1, bytes.refCnt(), "the parser leaves releasing to its caller");
  }

  @Test
  void parsesTheCanonicalJsonMapping() {
    Inbound inbound =
        assertInstanceOf(
            Inbound.class, parser.parseJson("{\"requestId\":\"9\",\"ping\":{\"nonce\":\"5\"}}"));
    assertEquals(9, inbound.message().getRequestId());
    assertEquals(5, inbound.message().getPing().getNonce());
    assertEquals(WireFormat.JSON, inbound.format());
  }

  @Test
  void rejectsUnknownJsonFieldsNamingTheRequestId() {
    BadFrame bad =
        assertInstanceOf(
            BadFrame.class, parser.parseJson("{\"requestId\":\"12\",\"ping\":{},\"bogus\":1}"));
    assertEquals(ErrorCode.INVALID_ARGUMENT, bad.code());
    assertEquals(12, bad.requestId());
    assertTrue(bad.message().contains("bogus"), bad.message());
    assertFalse(bad.fatal());
  }

  @Test
  void rejectsMalformedJson() {
    BadFrame bad = assertInstanceOf(BadFrame.class, parser.parseJson("{\"requestId\": 3, "));
    assertEquals(ErrorCode.INVALID_ARGUMENT, bad.code());
    assertEquals(3, bad.requestId());
    assertInstanceOf(BadFrame.class, parser.parseJson("[[[[[[[[[[[[[[[[[[[["));
    assertInstanceOf(BadFrame.class, parser.parseJson(""));
  }

  @Test
  void rejectsAnEnvelopeWithoutABody() {
    BadFrame bad = assertInstanceOf(BadFrame.class, parser.parseJson("{\"requestId\":\"4\"}"));
    assertEquals(4, bad.requestId());
    assertTrue(bad.message().contains("no body"), bad.message());
  }

  @Test
  void treatsAnUnknownBodyCaseAsInvalid() {
    // field 999, varint: a body case from some future protocol version
    ByteBuf bytes =
        Unpooled.buffer()
            .writeByte(0x08)
            .writeByte(0x05)
            .writeByte(0xB8)
            .writeByte(0x3E)
            .writeByte(0x01);
    BadFrame bad = assertInstanceOf(BadFrame.class, parser.parseBinary(bytes));
    assertEquals(ErrorCode.INVALID_ARGUMENT, bad.code());
    assertEquals(5, bad.requestId());
  }

  @Test
  void neverThrowsOnRandomBytes() {
    Random random = new Random(42);
    for (int i = 0; i < 2000; i++) {
      byte[] garbage = new byte[random.nextInt(200)];
      random.nextBytes(garbage);
      Object result = parser.parseBinary(Unpooled.wrappedBuffer(garbage));
      assertTrue(result instanceof Inbound || result instanceof BadFrame);
      Object json =
          parser.parseJson(new String(garbage, java.nio.charset.StandardCharsets.ISO_8859_1));
      assertTrue(json instanceof Inbound || json instanceof BadFrame);
    }
  }

  @Test
  void refusesNestingDeeperThanTheRecursionLimit() {
    // A group-start tag repeated deeply nests unknown groups: the limit must stop it.
    ByteBuf deep = Unpooled.buffer();
    for (int i = 0; i < 200; i++) {
      deep.writeByte(0x7B); // field 15, start group
    }
    BadFrame bad = assertInstanceOf(BadFrame.class, parser.parseBinary(deep));
    assertEquals(ErrorCode.INVALID_ARGUMENT, bad.code());
  }

  @Test
  void refusesAFrameOverTheLimit() {
    ClientMessage big = ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(1)).build();
    EnvelopeParser small = new EnvelopeParser(NetLimits.defaults().withMaxFrameBytes(1024));
    ByteBuf bytes = Unpooled.buffer().writeBytes(big.toByteArray()).writeZero(2000);
    BadFrame bad = assertInstanceOf(BadFrame.class, small.parseBinary(bytes));
    assertEquals(ErrorCode.TOO_LARGE, bad.code());
    assertTrue(bad.fatal());
  }
}
