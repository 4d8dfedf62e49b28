package org.quarterdeck.server.net;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.quarterdeck.server.metrics.ServerMetrics;
import org.quarterdeck.server.port.Transport;

/** Adds the handlers every connection ends with, after its transport's codec. */
public final class ConnectionPipeline {
  public static final String IDLE = "idle";
  public static final String CONNECTION = "connection";

  private final NetLimits limits;
  private final Dispatcher dispatcher;
  private final ServerMetrics metrics;
  private final ConnectionRegistry registry;

  public ConnectionPipeline(
      NetLimits limits, Dispatcher dispatcher, ServerMetrics metrics, ConnectionRegistry registry) {
    this.limits = limits;
    this.dispatcher = dispatcher;
    this.metrics = metrics;
    this.registry = registry;
  }

  public NetLimits limits() {
    return limits;
  }

  public void addTail(ChannelPipeline pipeline, Transport transport) {
    pipeline.addLast(
        IDLE, new IdleStateHandler(limits.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
    OutboundProgress progress = new OutboundProgress();
    pipeline.addFirst(OutboundProgress.NAME, progress);
    pipeline.addLast(
        CONNECTION,
        new ConnectionHandler(transport, limits, dispatcher, metrics, registry, progress));
  }
}
