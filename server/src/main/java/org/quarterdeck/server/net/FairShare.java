package org.quarterdeck.server.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A connection's share of its event loop: it is served at most {@link #PER_TURN} requests (HTTP
 * requests, WebSocket frames or TCP messages, just decoded) as its socket is read and {@link
 * #PER_TURN} more of what it held when the loop runs its tasks; the rest is held, in order, and its
 * socket not read, until its next turn. Every other connection of the loop (a player's Ping) is
 * read and answered in between.
 *
 * <p>Without it one loop turn read up to 16 × 64 KiB of every ready connection and served every
 * request pipelined in it: a flooding connection that sent 2,000 requests in one write had them all
 * served before the loop came back to anyone else, and a player's Ping on the same loop waited
 * seconds. A turn of the loop is: read every ready socket, then run the queued tasks. The held
 * requests are handed on by a task scheduled with no delay, which the loop takes up only when it
 * runs its tasks after the next reading of its sockets (a plain {@code execute} would run in the
 * same round of tasks, again and again, and starve the sockets). So between two shares of a flood
 * every other ready connection of the loop gets its turn; the decoding a flood costs a turn is
 * bounded by the size of one read ({@link QuarterdeckServer#READ_BYTES}).
 *
 * <p>A client that waits for each answer never has anything held; one that pipelines (a page
 * loading its scripts on one connection) is served in the same order, a few a turn.
 */
public final class FairShare extends ChannelInboundHandlerAdapter {
  public static final String NAME = "fairShare";

  /** Requests a connection is served per turn of its event loop. */
  public static final int PER_TURN = 4;

  private final int perTurn;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private int servedThisTurn;
  private boolean releaseDue;

  public FairShare() {
    this(PER_TURN);
  }

  FairShare(int perTurn) {
    if (perTurn < 1) {
      throw new IllegalArgumentException("perTurn must be positive, was " + perTurn);
    }
    this.perTurn = perTurn;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (held.isEmpty() && servedThisTurn < perTurn) {
      servedThisTurn++;
      ctx.fireChannelRead(msg);
      return;
    }
    held.add(msg);
    if (held.size() == 1) {
      // the read under way ends with this buffer; the socket keeps the rest (the sender waits)
      ReadPauses.pause(ctx.channel(), ReadPauses.Reason.FAIR_SHARE);
      releaseNextTurn();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    servedThisTurn = 0;
    ctx.fireChannelReadComplete();
  }

  /** Requests held for the next turns (tests). */
  int held() {
    return held.size();
  }

  private void releaseNextTurn() {
    if (!releaseDue) {
      releaseDue = true;
      // delay 0: due now, but taken up with the tasks after the loop's next reading of sockets
      ctx.executor().schedule(this::release, 0, TimeUnit.NANOSECONDS);
    }
  }

  private void release() {
    releaseDue = false;
    if (ctx.isRemoved() || !ctx.channel().isActive()) {
      dropHeld();
      return;
    }
    for (int n = 0; n < perTurn && !held.isEmpty() && ctx.channel().isActive(); n++) {
      ctx.fireChannelRead(held.poll());
    }
    ctx.fireChannelReadComplete();
    if (!ctx.channel().isActive()) {
      dropHeld();
    } else if (held.isEmpty()) {
      ReadPauses.resume(ctx.channel(), ReadPauses.Reason.FAIR_SHARE);
    } else {
      releaseNextTurn();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    dropHeld();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    dropHeld();
  }

  /** The connection is gone: what it sent and was not served is dropped (its buffers released). */
  private void dropHeld() {
    for (Object m; (m = held.poll()) != null; ) {
      ReferenceCountUtil.release(m);
    }
  }
}
