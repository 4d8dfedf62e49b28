package org.quarterdeck.server.net;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import org.quarterdeck.server.port.Transport;

/** Plain TCP: varint-length frames of protobuf envelopes. */
public final class TcpChannelInitializer extends ChannelInitializer<SocketChannel> {
  public static final String FRAME_DECODER = "frameDecoder";
  public static final String ENVELOPE_DECODER = "envelopeDecoder";
  public static final String FRAME_ENCODER = "frameEncoder";

  private static final VarintFrameEncoder ENCODER = new VarintFrameEncoder();

  private final ConnectionPipeline tail;
  private final EnvelopeParser parser;

  public TcpChannelInitializer(ConnectionPipeline tail) {
    this.tail = tail;
    this.parser = new EnvelopeParser(tail.limits());
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    configure(ch.pipeline());
  }

  /** Installs the TCP handlers on a pipeline (public so tests can use an EmbeddedChannel). */
  public void configure(ChannelPipeline p) {
    p.addLast(FRAME_DECODER, new VarintFrameDecoder(tail.limits().maxFrameBytes()));
    p.addLast(ENVELOPE_DECODER, new BinaryEnvelopeDecoder(parser));
    p.addLast(FairShare.NAME, new FairShare());
    p.addLast(FRAME_ENCODER, ENCODER);
    tail.addTail(p, Transport.TCP);
  }
}
