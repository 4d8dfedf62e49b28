package org.quarterdeck.server.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes the socket has taken from this connection's outbound buffer, including the
 * partial writes of one large buffer (a 10 MB replay leaves in many writes). The first handler of
 * the pipeline, so it sees the bytes as they go to the socket. The slow-reader rule uses the count
 * to tell a client that reads slowly from one that does not read at all.
 */
final class OutboundProgress extends ChannelOutboundHandlerAdapter {
  static final String NAME = "outboundProgress";

  private long sent;

  /** Bytes written to the socket so far; read on the event loop. */
  long sent() {
    return sent;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    long size =
        msg instanceof ByteBuf buf
            ? buf.readableBytes()
            : msg instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
    if (size == 0) {
      ctx.write(msg, promise);
      return;
    }
    ChannelProgressivePromise tracked = ctx.newProgressivePromise();
    tracked.addListener(
        new ChannelProgressiveFutureListener() {
          private long counted;

          @Override
          public void operationProgressed(
              ChannelProgressiveFuture future, long progress, long total) {
            sent += progress - counted;
            counted = progress;
          }

          @Override
          public void operationComplete(ChannelProgressiveFuture future) {
            if (future.isSuccess()) {
              sent += size - counted;
              counted = size;
            }
          }
        });
    if (promise.isVoid()) {
      // a void promise reports a failed write to exceptionCaught; keep that
      tracked.addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    } else {
      tracked.addListener(
          f -> {
            if (f.isSuccess()) {
              promise.trySuccess();
            } else {
              promise.tryFailure(f.cause());
            }
          });
    }
    ctx.write(msg, tracked);
  }
}
