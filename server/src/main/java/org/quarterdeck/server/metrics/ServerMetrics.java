package org.quarterdeck.server.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.LongAdder;

/** Counters an operator reads on /metrics and /healthz. Safe to update from any thread. */
public final class ServerMetrics {
  private final AtomicLong openConnections = new AtomicLong();
  private final LongAdder acceptedConnections = new LongAdder();
  private final LongAdder messagesIn = new LongAdder();
  private final LongAdder messagesOut = new LongAdder();
  private final LongAdder errorsOut = new LongAdder();
  private final LongAdder badFrames = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  private final LongAdder slowReaderCloses = new LongAdder();
  private final LongAdder refusedConnections = new LongAdder();
  private final long startNanos = System.nanoTime();
  private volatile java.util.function.Supplier<String> moreText = () -> "";
  private volatile java.util.function.BooleanSupplier ready = () -> true;
  private volatile java.util.function.Supplier<java.util.concurrent.CompletableFuture<String>>
      clusterView = null;
  private final List<Gauge> gauges = new CopyOnWriteArrayList<>();

  /** A figure another part of the server keeps (sessions, the data directory). */
  private record Gauge(String name, String help, LongSupplier value) {}

  /**
   * Adds a gauge read on every scrape; {@code value} must not block (it runs on an event loop).
   */
  public void gauge(String name, String help, LongSupplier value) {
    gauges.add(new Gauge(name, help, value));
  }

  public void connectionOpened() {
    openConnections.incrementAndGet();
    acceptedConnections.increment();
  }

  public void connectionClosed() {
    openConnections.decrementAndGet();
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

  public long slowReaderCloses() {
    return slowReaderCloses.sum();
  }

  public long refusedConnections() {
    return refusedConnections.sum();
  }

  public void slowReaderClosed() {
    slowReaderCloses.increment();
  }

  /**
   * Adds another part's lines to /metrics and its say in readiness (the cluster store: ready
   * only while its lease is held).
   */
  public void addSource(java.util.function.Supplier<String> text,
      java.util.function.BooleanSupplier isReady) {
    this.moreText = java.util.Objects.requireNonNull(text, "text");
    this.ready = java.util.Objects.requireNonNull(isReady, "isReady");
  }

  /** Adds the cluster's admin view (GET /cluster): nodes, leases, sessions per node. */
  public void addClusterView(
      java.util.function.Supplier<java.util.concurrent.CompletableFuture<String>> view) {
    this.clusterView = java.util.Objects.requireNonNull(view, "view");
  }

  /** The cluster view as JSON, or empty on a server that is no cluster node. */
  public java.util.Optional<java.util.concurrent.CompletableFuture<String>> clusterView() {
    return java.util.Optional.ofNullable(clusterView).map(java.util.function.Supplier::get);
  }

  /** Whether this server should get new traffic (a load balancer's check: /readyz). */
  public boolean ready() {
    return ready.getAsBoolean();
  }

  public long openConnections() {
    return openConnections.get();
  }

  public long uptimeSeconds() {
    return (System.nanoTime() - startNanos) / 1_000_000_000L;
  }

  /** The counters in the Prometheus text exposition format. */
  public String prometheusText() {
    StringBuilder out = new StringBuilder(1024);
    gauge(out, "quarterdeck_connections_open", "Connections open now.", openConnections.get());
    counter(out, "quarterdeck_connections_accepted_total", "Connections accepted.",
        acceptedConnections.sum());
    counter(out, "quarterdeck_messages_in_total", "Client envelopes parsed.", messagesIn.sum());
    counter(out, "quarterdeck_messages_out_total", "Server envelopes sent.", messagesOut.sum());
    counter(out, "quarterdeck_errors_out_total", "Typed errors sent.", errorsOut.sum());
    counter(out, "quarterdeck_bad_frames_total", "Frames that were not valid envelopes.",
        badFrames.sum());
    counter(out, "quarterdeck_rate_limited_total", "Messages refused by the rate limit.",
        rateLimited.sum());
    counter(out, "quarterdeck_slow_reader_closes_total", "Connections closed as slow readers.",
        slowReaderCloses.sum());
    counter(out, "quarterdeck_connections_refused_total",
        "Connections refused by a connection cap.", refusedConnections.sum());
    gauge(out, "quarterdeck_uptime_seconds", "Seconds since start.", uptimeSeconds());
    out.append(moreText.get());
    for (Gauge g : gauges) {
      gauge(out, g.name(), g.help(), g.value().getAsLong());
    }
    return out.toString();
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    metric(out, name, help, "counter", value);
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    metric(out, name, help, "gauge", value);
  }

  private static void metric(StringBuilder out, String name, String help, String type, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(' ').append(type).append('\n')
        .append(name).append(' ').append(value).append('\n');
  }
}
