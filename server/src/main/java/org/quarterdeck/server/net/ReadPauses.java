package org.quarterdeck.server.net;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Why a connection does not read its socket now. Several handlers stop a connection's reading for
 * reasons of their own (its turn on the event loop is used up, a reply waits for a client that does
 * not read, a QR code is being drawn, a refusal is closing it); the connection reads again only
 * when none of them holds it. Toggling {@code autoRead} directly, one handler's resume would undo
 * another's pause. Called on the connection's event loop only.
 */
public final class ReadPauses {
  /** One handler's reason to stop reading. */
  public enum Reason {
    /** {@link FairShare}: the connection has had its share of this turn of the event loop. */
    FAIR_SHARE,
    /** A reply is queued above the high-water mark: no more requests until the client reads. */
    SLOW_READER,
    /** An HTTP answer is being made off the event loop: later requests wait for it. */
    ANSWERING,
    /** The connection was refused and is closing. */
    REFUSED
  }

  private static final AttributeKey<Integer> PAUSED =
      AttributeKey.valueOf("quarterdeck.readPauses");

  private ReadPauses() {}

  /** Stops {@code channel}'s reading for {@code reason} (after the read under way, if any). */
  public static void pause(Channel channel, Reason reason) {
    int paused = held(channel) | bit(reason);
    channel.attr(PAUSED).set(paused);
    channel.config().setAutoRead(false);
  }

  /** Withdraws {@code reason}; the channel reads again when no other reason holds it. */
  public static void resume(Channel channel, Reason reason) {
    int paused = held(channel) & ~bit(reason);
    channel.attr(PAUSED).set(paused);
    if (paused == 0) {
      channel.config().setAutoRead(true);
    }
  }

  /** True while {@code reason} holds {@code channel}'s reading. */
  public static boolean pausedFor(Channel channel, Reason reason) {
    return (held(channel) & bit(reason)) != 0;
  }

  private static int held(Channel channel) {
    Integer paused = channel.attr(PAUSED).get();
    return paused == null ? 0 : paused;
  }

  private static int bit(Reason reason) {
    return 1 << reason.ordinal();
  }
}
