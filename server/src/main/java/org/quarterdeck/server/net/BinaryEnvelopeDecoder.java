package org.quarterdeck.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/** Parses each TCP frame body into an {@link Inbound} envelope or a {@link BadFrame}. */
public final class BinaryEnvelopeDecoder extends MessageToMessageDecoder<ByteBuf> {
  private final EnvelopeParser parser;

  public BinaryEnvelopeDecoder(EnvelopeParser parser) {
    super(ByteBuf.class);
    this.parser = parser;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    out.add(parser.parseBinary(frame));
  }
}
