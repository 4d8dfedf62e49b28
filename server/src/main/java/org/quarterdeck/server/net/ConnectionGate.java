package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.AttributeKey;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final AttributeKey<AddressBudget> BUDGET =
      AttributeKey.valueOf("quarterdeck.addressBudget");

  private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);

  private final ConnectionCaps caps;
  private final FloodLimits floods;
  private final ServerMetrics metrics;
  private final LongSupplier nanoTime;
  private static final int SWEEP_EVERY_MASK = 1023;

  /** How long a connection from the health-check reserve may stay open. */
  static final int HEALTH_ONLY_SECONDS = 5;

  private final AtomicInteger open = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong admissions =
      new java.util.concurrent.atomic.AtomicLong();
  private final ConcurrentHashMap<String, Address> addresses = new ConcurrentHashMap<>();

  /**
   * What one client address holds: its open connections, its new-connection bucket and its request
   * budget.
   */
  private static final class Address {
    int open;
    final RateLimiter arrivals;
    final AddressBudget budget;

    Address(RateLimiter arrivals, AddressBudget budget) {
      this.arrivals = arrivals;
      this.budget = budget;
    }

    /** Nothing to remember: no connection, a full bucket and budget, no cool-down. */
    boolean forgettable() {
      return open <= 0 && arrivals.full() && budget.idle();
    }
  }

  public ConnectionGate(ConnectionCaps caps, ServerMetrics metrics, LongSupplier nanoTime) {
    this(caps, FloodLimits.defaults(), metrics, nanoTime);
  }

  public ConnectionGate(
      ConnectionCaps caps, FloodLimits floods, ServerMetrics metrics, LongSupplier nanoTime) {
    this.caps = requireNonNull(caps, "caps");
    this.floods = requireNonNull(floods, "floods");
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
    AddressBudget[] budget = {null};
    int total = open.incrementAndGet();
    addresses.compute(
        key,
        (k, a) -> {
          Address address = a != null ? a : newAddress(k);
          budget[0] = address.budget;
          if (!address.budget.admitsConnection()) {
            refused[0] = true;
            return address;
          }
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
            if (!arrivalAllowed || overAddress) {
              // past the address's own caps (not the server's): a reconnect flood's way in
              address.budget.connectionRefused();
            }
          } else {
            refused[0] = true;
            address.budget.connectionRefused();
          }
          return address.forgettable() ? null : address;
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
    channel.attr(BUDGET).set(budget[0]);
    if (overflow[0]) {
      channel.attr(HEALTH_ONLY).set(Boolean.TRUE);
    }
    return true;
  }

  private Address newAddress(String key) {
    return new Address(
        new RateLimiter(caps.newPerSecond(), caps.newBurst(), nanoTime),
        new AddressBudget(floods, nanoTime, cause -> coolingDown(key, cause)));
  }

  private void coolingDown(String key, AddressBudget.Cooldown cause) {
    metrics.addressCooledDown();
    log.warn(
        "address {} cooled down for {} s: {} requests or connections refused within {} ms"
            + " (more than {} within {} s), after {} requests allowed",
        key,
        floods.cooldown().toSeconds(),
        cause.refusals(),
        cause.refusingNanos() / 1_000_000,
        floods.refusalsBeforeCooldown(),
        FloodLimits.REFUSAL_WINDOW.toSeconds(),
        cause.allowedBefore());
  }

  /**
   * Charges one request (an HTTP request or a game message) to the budget of {@code channel}'s
   * address. Connections the gate did not admit (tests on an EmbeddedChannel) are always allowed.
   */
  public static RequestVerdict charge(Channel channel) {
    AddressBudget budget = channel.attr(BUDGET).get();
    return budget == null ? RequestVerdict.ALLOWED : budget.charge();
  }

  /**
   * A request of {@code channel} was refused by the connection's own rate limit: it counts towards
   * the address's cool-down like a refusal of the address's budget (a flood spread over connections
   * that each stay just within the address's budget is still one flood).
   */
  public static void refused(Channel channel) {
    AddressBudget budget = channel.attr(BUDGET).get();
    if (budget != null) {
      budget.connectionRefused();
    }
  }

  /** Milliseconds until {@code channel}'s address may send again: its cool-down or its budget. */
  public static long millisUntilAllowed(Channel channel) {
    AddressBudget budget = channel.attr(BUDGET).get();
    if (budget == null) {
      return 0;
    }
    long cooldown = budget.cooldownMillisLeft();
    return cooldown > 0 ? cooldown : budget.millisUntilNextRequest();
  }

  /** The sustained requests a second {@code channel}'s address may send. */
  public static int requestsPerSecond(Channel channel) {
    AddressBudget budget = channel.attr(BUDGET).get();
    return budget == null ? Integer.MAX_VALUE : budget.requestsPerSecond();
  }

  /**
   * True when a new connection from {@code remote} is to be refused as it is accepted: its address
   * is cooling down, or has spent its request budget (which counts as one more refusal).
   */
  boolean refusesAtAccept(SocketAddress remote) {
    Address address = addresses.get(addressKey(remote));
    return address != null && !address.budget.admitsConnection();
  }

  /** Forgets the addresses that hold no connection and whose buckets have refilled. */
  private void sweep() {
    addresses.forEach(
        (key, value) -> addresses.computeIfPresent(key, (k, a) -> a.forgettable() ? null : a));
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
          // forget an address once it holds nothing and its buckets have refilled
          return a.forgettable() ? null : a;
        });
  }

  /** Connections open from {@code address} (an IPv6 address counts with its /64). */
  public int openFrom(InetAddress address) {
    Address a = addresses.get(addressKey(new InetSocketAddress(address, 0)));
    return a == null ? 0 : Math.max(0, a.open);
  }

  /** Addresses the gate currently remembers (for tests of its memory bound). */
  int addressesRemembered() {
    return addresses.size();
  }

  /**
   * The listening socket's handler: a connection from an address that is cooling down, or whose
   * request budget is spent, is reset as it is accepted, before it is given to an event loop or
   * gets a pipeline, so a flooder that keeps reconnecting costs an accept and a close, not the
   * games' event loops. Connections from {@code proxies} pass (the client they speak for is known
   * only from their PROXY header; the gate refuses them then).
   */
  public ChannelHandler acceptor(TrustedProxies proxies) {
    requireNonNull(proxies, "proxies");
    return new Acceptor(proxies);
  }

  @ChannelHandler.Sharable
  private final class Acceptor extends ChannelInboundHandlerAdapter {
    private final TrustedProxies proxies;

    Acceptor(TrustedProxies proxies) {
      this.proxies = proxies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel child) {
        SocketAddress remote = child.remoteAddress();
        if (remote != null && !proxies.trusts(remote) && refusesAtAccept(remote)) {
          metrics.connectionRefused();
          try {
            child.config().setOption(ChannelOption.SO_LINGER, 0); // a reset, no TIME_WAIT
          } catch (RuntimeException ignored) {
            // closed already: nothing to reset
          }
          child.unsafe().closeForcibly();
          return;
        }
      }
      ctx.fireChannelRead(msg);
    }
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
