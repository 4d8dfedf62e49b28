package org.quarterdeck.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * On a connection from another node of the cluster ({@link TrustedProxies#peer}): a PROXY header
 * may come first, sent by the node's relay ({@code OwnerRelay}) to name the client it carries on,
 * and is then read as from a trusted proxy ({@link ProxyHeaderReader}); without one (an export the
 * node fetches, a client on the same host) the connection is an ordinary one from the peer's
 * address. The connection becomes active for the handlers after this one only when its first bytes
 * have told which (or after the handshake timeout with no bytes at all), so the gate counts the
 * right address.
 */
final class PeerProxyHeader extends ByteToMessageDecoder {
  static final String NAME = "peerProxyHeader";

  /** What a PROXY v2 header begins with. */
  private static final byte[] V2_SIGNATURE = {
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
  };

  /** What a PROXY v1 header begins with. */
  private static final byte[] V1_SIGNATURE = "PROXY ".getBytes(StandardCharsets.US_ASCII);

  private final long timeoutNanos;
  private final HeaderDeadline deadline;

  PeerProxyHeader(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
    this.deadline = new HeaderDeadline(timeoutNanos);
  }

  static void install(ChannelPipeline pipeline, long timeoutNanos) {
    pipeline.addLast(NAME, new PeerProxyHeader(timeoutNanos));
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // held back until the first bytes tell whether a header names the client; one that says
    // nothing in time is an ordinary connection
    deadline.start(ctx, () -> decide(ctx, false));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (deadline.met()) {
      return;
    }
    if (in.readableBytes() < V2_SIGNATURE.length) {
      // Netty's detection waits for 12 bytes; a short first message (a small Hello) must not wait
      // for more that never come: it is no header as soon as it differs from both signatures
      if (!startsLike(in, V2_SIGNATURE) && !startsLike(in, V1_SIGNATURE)) {
        decide(ctx, false);
      }
      return;
    }
    ProtocolDetectionResult<HAProxyProtocolVersion> header =
        HAProxyMessageDecoder.detectProtocol(in);
    decide(ctx, header.state() == ProtocolDetectionState.DETECTED);
  }

  /** Whether the bytes readable so far are the beginning of {@code signature} (or it of them). */
  static boolean startsLike(ByteBuf in, byte[] signature) {
    int n = Math.min(in.readableBytes(), signature.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != signature[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Lets the connection go on, behind a header reader when a header comes first; the bytes read so
   * far follow this handler's removal.
   */
  private void decide(ChannelHandlerContext ctx, boolean withHeader) {
    deadline.meet();
    if (withHeader) {
      ProxyHeaderReader.installAfter(ctx.pipeline(), ctx.name(), timeoutNanos);
    }
    // to the header reader (which holds it back until the header is read) or the gate
    ctx.fireChannelActive();
    ctx.pipeline().remove(this);
  }
}
