package org.quarterdeck.server.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.quarterdeck.server.port.Transport;

/**
 * What an operator reads on {@code /metrics} (Prometheus text) and {@code /healthz}: counters of
 * the transports, latency histograms of the decision path, the turn and the store, the JVM, Netty
 * and event-loop lag, all on one Micrometer registry. Safe to update from any thread.
 */
public final class ServerMetrics {
  /** How often each event loop measures its lag. */
  static final Duration LAG_PROBE_INTERVAL = Duration.ofMillis(500);

  private volatile Supplier<String> moreText = () -> "";
  private volatile BooleanSupplier ready = () -> true;
  private volatile BooleanSupplier recovered = () -> true;
  private volatile Supplier<String> recovery = () -> "";
  private volatile Supplier<CompletableFuture<String>> clusterView = null;

  /**
   * Adds a gauge (a figure another part of the server keeps: sessions, the data directory) read on
   * every scrape; {@code value} must not block (it runs on an event loop).
   */
  public void gauge(String name, String help, LongSupplier value) {
    requireNonNull(value, "value");
    // strong: the supplier (often a method reference) is held by nothing else
    Gauge.builder(name, value, v -> (double) v.getAsLong())
        .description(help)
        .strongReference(true)
        .register(registry);
  }

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<Transport, AtomicLong> open = new EnumMap<>(Transport.class);
  private final Map<Transport, Counter> accepted = new EnumMap<>(Transport.class);
  private final Counter messagesIn;
  private final Counter messagesOut;
  private final Counter errorsOut;
  private final Counter badFrames;
  private final Counter rateLimited;
  private final Counter slowReaderCloses;
  private final Counter refusedConnections;
  private final Counter addressCooldowns;
  private final Timer decisionAck;
  private final Timer turnClose;
  private final Timer appendBatch;
  private final DistributionSummary batchRecords;
  private final Timer fsync;
  private final Timer eventLoopLag;
  private final MultiGauge sessionsByPhase;
  private final long startNanos = System.nanoTime();
  private volatile Supplier<Map<String, Long>> phaseCounts = Map::of;

  public ServerMetrics() {
    for (Transport t : Transport.values()) {
      String label = t.name().toLowerCase(Locale.ROOT);
      AtomicLong count = new AtomicLong();
      open.put(t, count);
      Gauge.builder("quarterdeck.connections.open", count, AtomicLong::get)
          .description("Connections open now.")
          .tag("transport", label)
          .register(registry);
      accepted.put(
          t,
          Counter.builder("quarterdeck.connections.accepted")
              .description("Connections accepted.")
              .tag("transport", label)
              .register(registry));
    }
    messagesIn = counter("quarterdeck.messages.in", "Client envelopes parsed.");
    messagesOut = counter("quarterdeck.messages.out", "Server envelopes sent.");
    errorsOut = counter("quarterdeck.errors.out", "Typed errors sent.");
    badFrames = counter("quarterdeck.bad.frames", "Frames that were not valid envelopes.");
    rateLimited = counter("quarterdeck.rate.limited", "Messages refused by the rate limit.");
    slowReaderCloses =
        counter("quarterdeck.slow.reader.closes", "Connections closed as slow readers.");
    refusedConnections =
        counter("quarterdeck.connections.refused", "Connections refused by a connection cap.");
    addressCooldowns =
        counter(
            "quarterdeck.address.cooldowns",
            "Client addresses cooled down after flooding (requests or connections refused).");
    Gauge.builder("quarterdeck.uptime", this, ServerMetrics::uptimeSeconds)
        .description("Seconds since start.")
        .baseUnit("seconds")
        .register(registry);
    decisionAck =
        histogram(
            "quarterdeck.decision.ack",
            "From a SubmitDecision read to its DecisionAccepted written (the record is durable).");
    turnClose =
        histogram(
            "quarterdeck.turn.close",
            "Resolving a turn: the engine, the reports and the records, on the session's loop.");
    appendBatch =
        histogram(
            "quarterdeck.store.append.batch",
            "Committing one group-commit batch of the store (fsync included).");
    batchRecords =
        DistributionSummary.builder("quarterdeck.store.batch.records")
            .description("Records per group-commit batch.")
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue(65_536.0)
            .register(registry);
    fsync = histogram("quarterdeck.store.fsync", "One fsync of one session log.");
    eventLoopLag =
        histogram(
            "quarterdeck.eventloop.lag",
            "How late a task scheduled on an event loop ran: work queued ahead of it.");
    sessionsByPhase =
        MultiGauge.builder("quarterdeck.sessions")
            .description("Sessions held, by phase.")
            .register(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  private Timer histogram(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }

  /** The registry, for binders this class does not know. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Watches the event loops: Netty's own gauges (pending tasks) and a lag probe on each, a task
   * that reschedules itself and records how late it ran. Stops when the loops shut down.
   */
  public void watch(EventLoopGroup loops) {
    requireNonNull(loops, "loops");
    new NettyEventExecutorMetrics(loops).bindTo(registry);
    long interval = LAG_PROBE_INTERVAL.toNanos();
    for (EventExecutor loop : loops) {
      // Fixed delay, so each run is due one interval after the previous one ended; the
      // probes end with the loop (shutting a loop down cancels its scheduled tasks).
      AtomicLong due = new AtomicLong(System.nanoTime() + interval);
      loop.scheduleWithFixedDelay(
          () -> {
            long now = System.nanoTime();
            eventLoopLag.record(Math.max(0, now - due.get()), TimeUnit.NANOSECONDS);
            due.set(now + interval);
          },
          interval,
          interval,
          TimeUnit.NANOSECONDS);
    }
  }

  /** Counts sessions by phase at each scrape, from {@code counts} (phase name to count). */
  public void sessionsByPhase(Supplier<Map<String, Long>> counts) {
    this.phaseCounts = requireNonNull(counts, "counts");
  }

  private void refreshSessions() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (Map.Entry<String, Long> e : phaseCounts.get().entrySet()) {
      rows.add(
          MultiGauge.Row.of(Tags.of("phase", e.getKey().toLowerCase(Locale.ROOT)), e.getValue()));
    }
    sessionsByPhase.register(rows, true);
  }

  public void connectionOpened(Transport transport) {
    open.get(transport).incrementAndGet();
    accepted.get(transport).increment();
  }

  public void connectionClosed(Transport transport) {
    open.get(transport).decrementAndGet();
  }

  public void messageIn() {
    messagesIn.increment();
  }

  public void messageOut() {
    messagesOut.increment();
  }

  public void errorOut() {
    errorsOut.increment();
  }

  public void badFrame() {
    badFrames.increment();
  }

  public void rateLimited() {
    rateLimited.increment();
  }

  /** A connection refused by a connection cap. */
  public void connectionRefused() {
    refusedConnections.increment();
  }

  public void addressCooledDown() {
    addressCooldowns.increment();
  }

  public long addressCooldowns() {
    return (long) addressCooldowns.count();
  }

  public long slowReaderCloses() {
    return (long) slowReaderCloses.count();
  }

  public long refusedConnections() {
    return (long) refusedConnections.count();
  }

  public void slowReaderClosed() {
    slowReaderCloses.increment();
  }

  /** A decision acknowledged {@code nanos} after it was read. */
  public void decisionAcknowledged(long nanos) {
    decisionAck.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A turn resolved in {@code nanos}. */
  public void turnClosed(long nanos) {
    turnClose.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A group-commit batch of {@code records} committed in {@code nanos}. */
  public void batchCommitted(int records, long nanos) {
    appendBatch.record(nanos, TimeUnit.NANOSECONDS);
    batchRecords.record(records);
  }

  /** One fsync took {@code nanos}. */
  public void fsynced(long nanos) {
    fsync.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Adds another part's lines to /metrics and its say in readiness (the cluster store: ready only
   * while its lease is held).
   */
  public void addSource(Supplier<String> text, BooleanSupplier isReady) {
    this.moreText = requireNonNull(text, "text");
    this.ready = requireNonNull(isReady, "isReady");
  }

  /** Adds the cluster's admin view (GET /cluster): nodes, leases, sessions per node. */
  public void addClusterView(Supplier<CompletableFuture<String>> view) {
    this.clusterView = requireNonNull(view, "view");
  }

  /** The cluster view as JSON, or empty on a server that is no cluster node. */
  public Optional<CompletableFuture<String>> clusterView() {
    return Optional.ofNullable(clusterView).map(Supplier::get);
  }

  /** Whether this server should get new traffic (a load balancer's check: /readyz). */
  public boolean ready() {
    return recovered.getAsBoolean() && ready.getAsBoolean();
  }

  /**
   * Start-up recovery's say in readiness: not ready until {@code done}; {@code progress}
   * ("recovering: n of m", "" once done) is shown on /healthz and /readyz.
   */
  public void recovering(Supplier<String> progress, BooleanSupplier done) {
    this.recovery = requireNonNull(progress, "progress");
    this.recovered = requireNonNull(done, "done");
  }

  /** How far start-up recovery is ("recovering: n of m"), or "" once it is done. */
  public String recovery() {
    return recovery.get();
  }

  public long openConnections() {
    return open.values().stream().mapToLong(AtomicLong::get).sum();
  }

  public long uptimeSeconds() {
    return (System.nanoTime() - startNanos) / 1_000_000_000L;
  }

  /** Everything in the Prometheus text exposition format (version 0.0.4). */
  public String prometheusText() {
    refreshSessions();
    // other parts' lines (the cluster store's) follow the registry's, in the same text format
    return registry.scrape() + moreText.get();
  }
}
