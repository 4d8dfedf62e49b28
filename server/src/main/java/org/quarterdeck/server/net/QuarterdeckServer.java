package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.port.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Netty server with two listening ports: HTTP (pages, health, metrics, WebSocket at /ws) and
 * plain TCP. Both feed the same dispatcher.
 */
public final class QuarterdeckServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QuarterdeckServer.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(3);

  /** How often the TLS files are checked for a renewed certificate. */
  static final Duration TLS_RELOAD_CHECK = Duration.ofSeconds(60);

  public static final String GATE = "gate";

  /**
   * The most one read of a connection's socket takes (Netty's default grows to 64 KiB, and a loop
   * turn read up to 16 of them): what one read brings is decoded at once, so this bounds the
   * decoding a flooding connection costs its loop per turn ({@link FairShare} bounds the serving).
   * A message larger than this arrives over several reads, as it would over a slow network.
   */
  public static final int READ_BYTES = 2048;

  /**
   * The kernel's receive buffer of a connection (Linux doubles it, and without it grows the buffer
   * to megabytes): what a client may send ahead of what the server reads. A flooding connection
   * that is cut off after a few hundred requests so has pushed kilobytes into the server's kernel,
   * not megabytes (copied and thrown away, on the cores that serve the games). A large upload only
   * waits for the server to read, 64 KiB a round trip.
   */
  public static final int RECEIVE_BUFFER_BYTES = 64 * 1024;

  public static final String TLS = "tls";

  private final InetSocketAddress httpBind;
  private final InetSocketAddress tcpBind;
  private final NetLimits limits;
  private final ServerMetrics metrics;
  private final ConnectionRegistry connections = new ConnectionRegistry();
  private final ConnectionPipeline tail;
  private final Function<ConnectionPipeline, ChannelInitializer<SocketChannel>> httpInitializer;
  private final IoTransport transport;
  private final Perimeter perimeter;
  private final ConnectionGate gate;
  private io.netty.util.concurrent.ScheduledFuture<?> tlsReload;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private Channel httpChannel;
  private Channel tcpChannel;
  private boolean closed;

  /**
   * @param httpInitializer builds the HTTP port's pipeline from the common connection tail (the
   *     {@code http} package owns HTTP routes; this class only binds)
   * @param transport the I/O transport {@code workers} were made with
   * @param workers the event loops of connections (sessions may share them); closed with the server
   */
  public QuarterdeckServer(
      InetSocketAddress httpBind,
      InetSocketAddress tcpBind,
      NetLimits limits,
      Dispatcher dispatcher,
      ServerMetrics metrics,
      Function<ConnectionPipeline, ChannelInitializer<SocketChannel>> httpInitializer,
      IoTransport transport,
      EventLoopGroup workers) {
    this(
        httpBind,
        tcpBind,
        limits,
        dispatcher,
        metrics,
        httpInitializer,
        transport,
        workers,
        Perimeter.defaults());
  }

  /**
   * @param perimeter connection caps, TLS and the Origin policy, applied to both listeners
   */
  public QuarterdeckServer(
      InetSocketAddress httpBind,
      InetSocketAddress tcpBind,
      NetLimits limits,
      Dispatcher dispatcher,
      ServerMetrics metrics,
      Function<ConnectionPipeline, ChannelInitializer<SocketChannel>> httpInitializer,
      IoTransport transport,
      EventLoopGroup workers,
      Perimeter perimeter) {
    this.perimeter = requireNonNull(perimeter, "perimeter");
    this.gate = new ConnectionGate(perimeter.caps(), perimeter.floods(), metrics, System::nanoTime);
    this.transport = requireNonNull(transport, "transport");
    this.boss = transport.newGroup(1);
    this.workers = requireNonNull(workers, "workers");
    this.httpBind = requireNonNull(httpBind, "httpBind");
    this.tcpBind = requireNonNull(tcpBind, "tcpBind");
    this.limits = requireNonNull(limits, "limits");
    this.metrics = requireNonNull(metrics, "metrics");
    this.tail =
        new ConnectionPipeline(
            limits, requireNonNull(dispatcher, "dispatcher"), metrics, connections);
    this.httpInitializer = requireNonNull(httpInitializer, "httpInitializer");
  }

  /** Binds both ports; returns where they listen (ports chosen by the system when 0). */
  public synchronized ServerAddresses start() throws InterruptedException {
    httpChannel = bind(bootstrap(httpInitializer.apply(tail), true), httpBind, PortTaken.Port.HTTP);
    tcpChannel =
        bind(bootstrap(new TcpChannelInitializer(tail), false), tcpBind, PortTaken.Port.TCP);
    TlsCertificates tls = perimeter.tls();
    if (tls != null) {
      tlsReload =
          boss.next()
              .scheduleWithFixedDelay(
                  tls::reloadIfChanged,
                  TLS_RELOAD_CHECK.toSeconds(),
                  TLS_RELOAD_CHECK.toSeconds(),
                  TimeUnit.SECONDS);
    }
    ServerAddresses addresses = addresses();
    log.info(
        "listening: http {} (WebSocket {}), tcp {}; {} transport; {}; at most {} connections"
            + " ({} per address); WebSocket from {}",
        addresses.httpUrl(),
        addresses.webSocketUrl(),
        addresses.tcpUrl(),
        transport.flagValue(),
        tls == null ? "no TLS" : "TLS from " + tls.certificateChain(),
        perimeter.caps().total(),
        perimeter.caps().perAddress(),
        perimeter.origins());
    return addresses;
  }

  /**
   * Binds one port. Netty's own failure names neither the port nor its purpose ("bind(..) failed
   * with error(-98)"); the operator needs both to fix it.
   */
  private static Channel bind(
      ServerBootstrap bootstrap, InetSocketAddress address, PortTaken.Port port)
      throws InterruptedException {
    io.netty.channel.ChannelFuture bound = bootstrap.bind(address).await();
    if (!bound.isSuccess()) {
      throw new PortTaken(port, address, bound.cause());
    }
    return bound.channel();
  }

  public ServerAddresses addresses() {
    return new ServerAddresses(
        (InetSocketAddress) httpChannel.localAddress(),
        (InetSocketAddress) tcpChannel.localAddress(),
        perimeter.tls() != null);
  }

  public ServerMetrics metrics() {
    return metrics;
  }

  public int openConnections() {
    return connections.size();
  }

  /** The connection caps' counter (tests read how many connections it holds). */
  public ConnectionGate gate() {
    return gate;
  }

  /**
   * Every accepted connection first passes the gate (caps), then TLS when configured, then the
   * listener's own pipeline; one from a trusted proxy reads its PROXY header before the gate.
   */
  private ServerBootstrap bootstrap(
      ChannelInitializer<SocketChannel> initializer, boolean healthReserve) {
    io.netty.channel.ChannelHandler gateHandler = gate.forListener(healthReserve);
    ChannelInitializer<SocketChannel> front =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (perimeter.proxies().trusts(ch.remoteAddress())) {
              // the header comes first on the wire, before TLS; the gate waits for it
              ProxyHeaderReader.install(ch.pipeline(), limits.handshakeTimeout().toNanos());
            } else if (perimeter.proxies().peer(ch.remoteAddress())) {
              // another node: a header if it relays a client, none if it fetches for itself
              PeerProxyHeader.install(ch.pipeline(), limits.handshakeTimeout().toNanos());
            }
            ch.pipeline().addLast(GATE, gateHandler);
            TlsCertificates tls = perimeter.tls();
            if (tls != null) {
              ch.pipeline().addLast(TLS, tls.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(initializer);
          }
        };
    return new ServerBootstrap()
        .group(boss, workers)
        .channel(transport.serverChannel())
        .handler(gate.acceptor(perimeter.proxies()))
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
        .childOption(
            ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 1024, READ_BYTES))
        .childOption(
            ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(limits.writeBufferLowBytes(), limits.writeBufferHighBytes()))
        .childHandler(front);
  }

  /**
   * Stops accepting, tells every client the server is going away, closes the connections and stops
   * the event loops. Safe to call twice.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (tlsReload != null) {
      tlsReload.cancel(false);
    }
    log.info("shutting down: {} connections open", connections.size());
    if (httpChannel != null) {
      httpChannel.close().awaitUninterruptibly();
    }
    if (tcpChannel != null) {
      tcpChannel.close().awaitUninterruptibly();
    }
    for (Connection connection : connections.snapshot()) {
      connection.close(Goodbye.Reason.SERVER_SHUTDOWN, "the server is shutting down");
    }
    long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
    while (connections.size() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    workers
        .shutdownGracefully(0, SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly();
    boss.shutdownGracefully(0, SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly();
    log.info("stopped");
  }
}
