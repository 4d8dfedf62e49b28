package org.quarterdeck.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a connection from a trusted proxy: reads the PROXY header (v1 or v2; Netty's decoder before
 * this handler), remembers the client it names ({@link ClientAddress}) and only then lets the
 * connection become active for the handlers after it, so the connection caps count the client, not
 * the proxy. No header within the handshake timeout, or a broken one: closed. A {@code LOCAL}
 * header (the proxy's own health check) keeps the proxy's address.
 */
final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {
  static final String DECODER = "proxyHeaderDecoder";
  static final String NAME = "proxyHeader";
  private static final Logger log = LoggerFactory.getLogger(ProxyHeaderReader.class);

  private final HeaderDeadline deadline;

  ProxyHeaderReader(long timeoutNanos) {
    this.deadline = new HeaderDeadline(timeoutNanos);
  }

  static void install(io.netty.channel.ChannelPipeline pipeline, long timeoutNanos) {
    pipeline.addLast(DECODER, new HAProxyMessageDecoder());
    pipeline.addLast(NAME, new ProxyHeaderReader(timeoutNanos));
  }

  /** The same, right after the handler named {@code after} (a peer's header, found late). */
  static void installAfter(
      io.netty.channel.ChannelPipeline pipeline, String after, long timeoutNanos) {
    pipeline.addAfter(after, DECODER, new HAProxyMessageDecoder());
    pipeline.addAfter(DECODER, NAME, new ProxyHeaderReader(timeoutNanos));
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // held back until the header names the client
    deadline.start(
        ctx,
        () -> {
          log.debug("{}: no PROXY header in time", ctx.channel().remoteAddress());
          ctx.close();
        });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (deadline.met() || !(msg instanceof HAProxyMessage header)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      deadline.meet();
      if (header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null) {
        ctx.channel()
            .attr(ClientAddress.PROXIED)
            .set(
                new InetSocketAddress(
                    // a literal the decoder has checked: no name lookup
                    NetUtil.createInetAddressFromIpAddressString(header.sourceAddress()),
                    header.sourcePort()));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelActive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!deadline.met()) {
      // a broken or missing header from a trusted proxy: nothing after it can be trusted
      log.debug("{}: bad PROXY header: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
      return;
    }
    ctx.fireExceptionCaught(cause);
  }
}
