package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.quarterdeck.server.metrics.ServerMetrics;

/**
 * The first handler of every accepted connection: counts open connections in total and per client
 * address and refuses (closes at once) those over {@link ConnectionCaps}. One client can so hold at
 * most its share of the descriptors, and players already connected keep theirs. On the HTTP port a
 * few connections past a cap are still admitted for health checks only (the router sees {@link
 * #HEALTH_ONLY}), so a load balancer can tell a busy server from a dead one.
 */
@ChannelHandler.Sharable
public final class ConnectionGate extends ChannelInboundHandlerAdapter {
  /** Set on a connection admitted from the health-check reserve. */
  public static final AttributeKey<Boolean> HEALTH_ONLY =
      AttributeKey.valueOf("quarterdeck.healthOnly");

  private static final AttributeKey<String> COUNTED = AttributeKey.valueOf("quarterdeck.counted");

  private final ConnectionCaps caps;
  private final ServerMetrics metrics;
  private final LongSupplier nanoTime;
  private static final int SWEEP_EVERY_MASK = 1023;

  /** How long a connection from the health-check reserve may stay open. */
  static final int HEALTH_ONLY_SECONDS = 5;

  private final AtomicInteger open = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong admissions =
      new java.util.concurrent.atomic.AtomicLong();
  private final ConcurrentHashMap<String, Address> addresses = new ConcurrentHashMap<>();

  /** What one client address holds: its open connections and its new-connection bucket. */
  private static final class Address {
    int open;
    final RateLimiter arrivals;

    Address(RateLimiter arrivals) {
      this.arrivals = arrivals;
    }
  }

  public ConnectionGate(ConnectionCaps caps, ServerMetrics metrics, LongSupplier nanoTime) {
    this.caps = requireNonNull(caps, "caps");
    this.metrics = requireNonNull(metrics, "metrics");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
  }

  public ConnectionCaps caps() {
    return caps;
  }

  /** Open connections counted by the gate. */
  public int open() {
    return open.get();
  }

  /**
   * Admits or refuses {@code channel}; true when admitted (and counted until it closes).
   *
   * @param healthReserve whether this listener may admit past a cap for health checks
   */
  boolean admit(Channel channel, boolean healthReserve) {
    String key = addressKey(ClientAddress.of(channel));
    boolean[] overflow = {false};
    boolean[] refused = {false};
    int total = open.incrementAndGet();
    addresses.compute(
        key,
        (k, a) -> {
          Address address =
              a != null
                  ? a
                  : new Address(new RateLimiter(caps.newPerSecond(), caps.newBurst(), nanoTime));
          boolean arrivalAllowed = address.arrivals.tryAcquire();
          boolean overAddress = address.open >= caps.perAddress();
          boolean overTotal = total > caps.total();
          if (arrivalAllowed && !overAddress && !overTotal) {
            address.open++;
          } else if (healthReserve
              && address.open < caps.perAddress() + caps.healthReserve()
              && total <= caps.total() + caps.healthReserve()) {
            address.open++;
            overflow[0] = true;
          } else {
            refused[0] = true;
          }
          return address.open == 0 && address.arrivals.full() ? null : address;
        });
    if ((admissions.incrementAndGet() & SWEEP_EVERY_MASK) == 0) {
      sweep();
    }
    if (refused[0]) {
      open.decrementAndGet();
      metrics.connectionRefused();
      return false;
    }
    channel.attr(COUNTED).set(key);
    if (overflow[0]) {
      channel.attr(HEALTH_ONLY).set(Boolean.TRUE);
    }
    return true;
  }

  /** Forgets the addresses that hold no connection and whose bucket has refilled. */
  private void sweep() {
    addresses.forEach(
        (key, value) ->
            addresses.computeIfPresent(key, (k, a) -> a.open <= 0 && a.arrivals.full() ? null : a));
  }

  void release(Channel channel) {
    String key = channel.attr(COUNTED).getAndSet(null);
    if (key == null) {
      return;
    }
    open.decrementAndGet();
    addresses.computeIfPresent(
        key,
        (k, a) -> {
          a.open--;
          // forget an address once it holds nothing and its bucket has refilled
          return a.open <= 0 && a.arrivals.full() ? null : a;
        });
  }

  /** Addresses the gate currently remembers (for tests of its memory bound). */
  int addressesRemembered() {
    return addresses.size();
  }

  /** The handler for one listener; {@code healthReserve} only on the HTTP port. */
  public ChannelHandler forListener(boolean healthReserve) {
    return new Listener(healthReserve);
  }

  @ChannelHandler.Sharable
  private final class Listener extends ChannelInboundHandlerAdapter {
    private final boolean healthReserve;

    Listener(boolean healthReserve) {
      this.healthReserve = healthReserve;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (!admit(ctx.channel(), healthReserve)) {
        // SO_LINGER 0 would send a reset; a plain close is enough and lets the peer see EOF
        ctx.close();
        return;
      }
      if (Boolean.TRUE.equals(ctx.channel().attr(HEALTH_ONLY).get())) {
        // a reserve slot is lent briefly: a client that holds it open gives it back soon
        ctx.executor()
            .schedule(
                () -> {
                  ctx.close();
                },
                HEALTH_ONLY_SECONDS,
                java.util.concurrent.TimeUnit.SECONDS);
      }
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      release(ctx.channel());
      ctx.fireChannelInactive();
    }
  }

  /** The client's address; an IPv6 client counts by its /64, which one subscriber usually holds. */
  static String addressKey(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      InetAddress address = inet.getAddress();
      if (address instanceof Inet6Address) {
        byte[] bytes = address.getAddress();
        StringBuilder prefix = new StringBuilder("v6:");
        for (int i = 0; i < 8; i++) {
          prefix.append(String.format("%02x", bytes[i]));
        }
        return prefix.append("::/64").toString();
      }
      return address.getHostAddress();
    }
    return String.valueOf(remote);
  }
}
