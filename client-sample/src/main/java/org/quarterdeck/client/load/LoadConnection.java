package org.quarterdeck.client.load;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.Pong;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TurnOpened;

/**
 * One generator connection and its handler, above the codec of its {@link Wire}: it sends and
 * receives envelopes whatever the transport. Everything but {@link #call} and {@link #counted} runs
 * on the connection's event loop, so no field is shared.
 */
final class LoadConnection extends SimpleChannelInboundHandler<ServerMessage> {
  /** What the run wants to hear about; called on the connection's event loop. */
  interface Observer {
    default void turnOpened(LoadConnection c, TurnOpened open) {}

    default void turnResolved(LoadConnection c, int turn, long receivedEpochMs) {}

    /** The open turn's deadline changed (a PhaseChanged); 0 means none. */
    default void deadlineChanged(LoadConnection c, int turn, long deadlineEpochMs) {}

    default void sessionEnded(LoadConnection c) {}
  }

  private static final String[] ECHO_ACTS = {"push", "report", "coach", "change", "serve"};

  final int index;
  final int session;
  final Role role;
  private final Stats stats;
  private volatile Observer observer = new Observer() {};
  private final CompletableFuture<LoadConnection> ready = new CompletableFuture<>();
  private Channel channel;
  private long nextRequestId;
  private final Map<Long, CompletableFuture<ServerMessage>> calls = new HashMap<>();
  private final Map<Long, Long> decisionsInFlight = new HashMap<>();
  private final Map<Long, Long> pingsInFlight = new HashMap<>();
  private TurnOpened open;
  // The open turn's act ids, read once per turn: a decision is built thousands of times a second
  // and the generator's own allocation competes with the server's on a shared machine.
  private List<String> acts = List.of(ECHO_ACTS);
  // The decisions this seat cycles through (they depend on the version modulo the number of acts),
  // built once per turn instead of once per revision.
  private Decision[] decisions;
  private int nextVersion = 1;
  private volatile boolean closing;
  volatile boolean autoSubmit;
  volatile String token;
  volatile int team = -1;

  LoadConnection(int index, int session, Role role, Stats stats) {
    this.index = index;
    this.session = session;
    this.role = role;
    this.stats = requireNonNull(stats, "stats");
    if (role == Role.ECHO) {
      open = TurnOpened.newBuilder().setTurn(1).setFreeHours(40).build();
    }
  }

  CompletableFuture<LoadConnection> ready() {
    return ready;
  }

  void observe(Observer o) {
    observer = requireNonNull(o, "observer");
  }

  /** Sends a request and completes with its reply (an error reply included). */
  CompletableFuture<ServerMessage> call(ClientMessage.Builder message) {
    CompletableFuture<ServerMessage> reply = new CompletableFuture<>();
    channel
        .eventLoop()
        .execute(
            () -> {
              long id = ++nextRequestId;
              calls.put(id, reply);
              write(message.setRequestId(id).build());
            });
    return reply;
  }

  /**
   * Counts a decision as sent before it is handed to the event loop ({@link #submitNow}), so that a
   * drain never misses it.
   */
  void counted() {
    stats.sent.increment();
  }

  /** Sends a Ping whose Pong counts as a heartbeat answered. */
  void heartbeat() {
    channel
        .eventLoop()
        .execute(
            () -> {
              long id = ++nextRequestId;
              pingsInFlight.put(id, System.nanoTime());
              stats.pingsSent.increment();
              write(
                  ClientMessage.newBuilder()
                      .setRequestId(id)
                      .setPing(Ping.newBuilder().setNonce(id))
                      .build());
            });
  }

  void close() {
    closing = true;
    if (channel != null) {
      channel.close();
    }
  }

  Channel channel() {
    return channel;
  }

  /**
   * Sends the next revision of this seat's decision, due at {@code scheduledNanos}; on the loop.
   */
  void submitNow(long scheduledNanos) {
    if (open == null) {
      stats.error("error.noOpenTurn", "");
      return;
    }
    long id = ++nextRequestId;
    decisionsInFlight.put(id, scheduledNanos);
    int version = nextVersion++;
    write(
        ClientMessage.newBuilder()
            .setRequestId(id)
            .setSubmitDecision(
                SubmitDecision.newBuilder()
                    .setTurn(open.getTurn())
                    .setVersion(version)
                    .setDecision(decision(version)))
            .build());
  }

  private Decision decision(int version) {
    if (decisions == null) {
      decisions = new Decision[acts.size()];
    }
    int slot = version % decisions.length;
    if (decisions[slot] == null) {
      decisions[slot] = decision(acts, open.getFreeHours(), team, version);
    }
    return decisions[slot];
  }

  /**
   * A bot-like decision: half the free hours on one act and four tenths on another, the acts
   * rotating with the team and the version so that revisions differ.
   */
  static Decision decision(List<String> acts, double freeHours, int team, int version) {
    double free = Math.max(0, freeHours);
    int n = acts.size();
    int t = Math.max(team, 0);
    return Decision.newBuilder()
        .addHours(
            ActHours.newBuilder()
                .setAct(acts.get((t + version) % n))
                .setHours(Math.floor(free * 0.5)))
        .addHours(
            ActHours.newBuilder()
                .setAct(acts.get((t * 3 + version + 1) % n))
                .setHours(Math.floor(free * 0.4)))
        .build();
  }

  private void write(ClientMessage message) {
    channel.writeAndFlush(message, channel.voidPromise());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Plain TCP carries envelopes from the first byte; a WebSocket waits for its handshake.
    if (ctx.pipeline().get(Connector.WEBSOCKET) == null) {
      ready.complete(this);
    }
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      ready.complete(this);
    } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      ready.completeExceptionally(new LoadFailure("failure.handshakeTimeout"));
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ServerMessage m) {
    long now = System.nanoTime();
    long id = m.getRequestId();
    if (id != 0) {
      Long scheduled = decisionsInFlight.remove(id);
      if (scheduled != null) {
        decisionAnswered(m, scheduled, now);
        return;
      }
      Long pinged = pingsInFlight.remove(id);
      if (pinged != null) {
        if (m.hasPong()) {
          stats.pongs.increment();
        } else {
          stats.error("error.pingAnswer", m.getBodyCase());
        }
        return;
      }
      CompletableFuture<ServerMessage> reply = calls.remove(id);
      if (reply != null) {
        reply.complete(m);
        return;
      }
    }
    push(m);
  }

  private void decisionAnswered(ServerMessage m, long scheduled, long now) {
    if (m.hasDecisionAccepted()) {
      stats.recordAccepted(scheduled, now);
    } else if (m.hasError()) {
      stats.error("error.decisionRefused", m.getError().getCode());
    } else {
      stats.error("error.decisionAnswer", m.getBodyCase());
    }
  }

  private void push(ServerMessage m) {
    switch (m.getBodyCase()) {
      case PING ->
          write(
              ClientMessage.newBuilder()
                  .setPong(Pong.newBuilder().setNonce(m.getPing().getNonce()))
                  .build());
      case TURN_OPENED -> {
        boolean newTurn = open == null || open.getTurn() != m.getTurnOpened().getTurn();
        open = m.getTurnOpened();
        decisions = null;
        if (open.getActsCount() > 0) {
          acts = open.getActsList().stream().map(a -> a.getId()).toList();
        }
        if (newTurn) {
          nextVersion = 1;
          observer.turnOpened(this, open);
          if (autoSubmit) {
            stats.sent.increment();
            submitNow(System.nanoTime());
          }
        }
      }
      case TURN_RESOLVED ->
          observer.turnResolved(this, m.getTurnResolved().getTurn(), System.currentTimeMillis());
      case PHASE_CHANGED ->
          observer.deadlineChanged(
              this, m.getPhaseChanged().getTurn(), m.getPhaseChanged().getDeadlineEpochMs());
      case SESSION_ENDED -> observer.sessionEnded(this);
      case GOODBYE -> {
        if (!closing) {
          stats.error("error.goodbye", m.getGoodbye().getReason());
        }
      }
      case ERROR -> stats.error("error.push", m.getError().getCode());
      default -> {}
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ready.completeExceptionally(new LoadFailure("failure.closedBeforeReady"));
    if (!closing) {
      stats.error("error.connectionLost", "");
    }
    LoadFailure lost = new LoadFailure("failure.closed");
    calls.values().forEach(f -> f.completeExceptionally(lost));
    calls.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ready.completeExceptionally(cause);
    if (!closing) {
      stats.error("error.exception", cause.getClass().getSimpleName());
    }
    ctx.close();
  }
}
