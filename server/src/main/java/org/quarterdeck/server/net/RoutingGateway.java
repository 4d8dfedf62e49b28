package org.quarterdeck.server.net;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Errors;
import org.quarterdeck.server.port.OwnerDirectory;
import org.quarterdeck.server.port.OwnerDirectory.Place;
import org.quarterdeck.server.port.SessionGateway;
import org.quarterdeck.server.port.SessionKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any node accepts any connection: a message that names a session (a join code, a token) is looked
 * up in the cluster, served here when this node owns the session, and otherwise relayed, with
 * everything that connection sends after it, to the owner ({@link OwnerRelay}): joins, Resumes,
 * replays by session id, and a facilitator's OpenSession and ArchiveSession (the relay signs the
 * facilitator in at the owner). Messages that name no session (CreateSession, a sign-in, the
 * facilitator's list, which holds every node's sessions) are served here.
 */
public final class RoutingGateway implements SessionGateway {
  private static final Logger log = LoggerFactory.getLogger(RoutingGateway.class);

  /** How long a client waits before asking again for a session whose node is being replaced. */
  static final int RETRY_AFTER_MS = 500;

  /** Messages a connection may send while its session is looked up; more is a flood. */
  static final int MAX_WAITING = 64;

  private final SessionGateway local;
  private final OwnerDirectory locator;
  private final EventLoopGroup loops;
  private final IoTransport transport;
  private final Map<Long, Route> routes = new ConcurrentHashMap<>();
  private final LongAdder relayed = new LongAdder();

  public RoutingGateway(
      SessionGateway local, OwnerDirectory locator, EventLoopGroup loops, IoTransport transport) {
    this.local = requireNonNull(local, "local");
    this.locator = requireNonNull(locator, "locator");
    this.loops = requireNonNull(loops, "loops");
    this.transport = requireNonNull(transport, "transport");
    loops
        .next()
        .scheduleWithFixedDelay(
            this::closeRelaysToLostNodes, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * A node that lost its lease (stopped, partitioned) may still hold its TCP connections open; its
   * sessions will be served elsewhere, so its relays are closed and their clients reconnect.
   */
  private void closeRelaysToLostNodes() {
    for (Route route : routes.values()) {
      OwnerRelay relay = route.relay();
      if (relay != null && !locator.live(relay.owner())) {
        log.info(
            "node {} lost its lease: closing connection {}'s relay to it",
            relay.owner(),
            route.connection.id());
        relay.close();
      }
    }
  }

  /**
   * The session a message names, or null when it names none (an empty name, or its connection's own
   * session).
   */
  static SessionKey keyOf(ClientMessage m) {
    return switch (m.getBodyCase()) {
      case JOIN_SESSION -> named(m.getJoinSession().getJoinCode(), SessionKey::joinCode);
      case SPECTATE -> named(m.getSpectate().getJoinCode(), SessionKey::joinCode);
      case RESUME -> named(m.getResume().getToken(), SessionKey::token);
      case GET_REPLAY -> named(m.getGetReplay().getSessionId(), SessionKey::sessionId);
      // a facilitator's desk: opened and archived where the session is served
      case OPEN_SESSION -> named(m.getOpenSession().getSessionId(), SessionKey::sessionId);
      case ARCHIVE_SESSION -> named(m.getArchiveSession().getSessionId(), SessionKey::sessionId);
      default -> null;
    };
  }

  private static SessionKey named(
      String name, java.util.function.Function<String, SessionKey> key) {
    return name.isEmpty() ? null : key.apply(name);
  }

  @Override
  public void handle(Connection connection, ClientMessage message) {
    Route route = routes.get(connection.id());
    if (route != null && route.take(message)) {
      return;
    }
    SessionKey key = keyOf(message);
    if (key == null) {
      local.handle(connection, message);
      return;
    }
    Route fresh = new Route(connection);
    routes.put(connection.id(), fresh);
    fresh.take(message);
    locator
        .locate(key)
        .whenComplete(
            (place, failure) -> {
              if (failure != null) {
                fresh.fail(
                    ErrorCode.UNAVAILABLE,
                    "cannot find the session's node now (" + failure.getMessage() + "); try again");
              } else {
                resolved(fresh, place);
              }
            });
  }

  private void resolved(Route route, Place place) {
    switch (place.where()) {
      case HERE -> route.serveHere();
      case MOVING ->
          route.fail(
              ErrorCode.UNAVAILABLE,
              "the session's node "
                  + place.node()
                  + " stopped answering and another node is taking its sessions over; try again");
      case ELSEWHERE -> {
        InetSocketAddress owner;
        try {
          URI uri = URI.create(place.tcpAddress());
          owner = new InetSocketAddress(uri.getHost(), uri.getPort());
        } catch (IllegalArgumentException e) {
          route.fail(
              ErrorCode.UNAVAILABLE,
              "the session's node " + place.node() + " has no usable address; try again");
          return;
        }
        OwnerRelay.open(
                loops,
                transport,
                place.node(),
                owner,
                route.connection,
                local.facilitatorPass(route.connection))
            .whenComplete(
                (relay, failure) -> {
                  if (failure != null) {
                    route.fail(
                        ErrorCode.UNAVAILABLE,
                        "cannot reach the session's node " + place.node() + "; try again");
                  } else {
                    relayed.increment();
                    route.relayTo(relay);
                  }
                });
      }
    }
  }

  @Override
  public void disconnected(Connection connection) {
    Route route = routes.remove(connection.id());
    if (route != null) {
      route.closed();
    }
    local.disconnected(connection);
  }

  /** Connections relayed to another node since start. */
  public long relayedConnections() {
    return relayed.sum();
  }

  /** Connections being relayed now. */
  public int relaying() {
    return (int) routes.values().stream().filter(Route::relaying).count();
  }

  /**
   * One connection's way to its session: waiting for the lookup (messages queue in order), or
   * relayed. A connection served here has no route.
   */
  private final class Route {
    private final Connection connection;
    private final Queue<ClientMessage> waiting = new ArrayDeque<>();
    private OwnerRelay relay;
    private boolean done;

    Route(Connection connection) {
      this.connection = connection;
    }

    /** Takes the message if this route decides where it goes; false: the caller serves it. */
    synchronized boolean take(ClientMessage message) {
      if (done) {
        return false;
      }
      if (relay != null) {
        relay.forward(message);
        return true;
      }
      if (waiting.size() >= MAX_WAITING) {
        connection.sendError(
            message.getRequestId(),
            ErrorCode.RATE_LIMITED,
            "more than " + MAX_WAITING + " messages while the session is looked up");
        return true;
      }
      waiting.add(message);
      return true;
    }

    synchronized boolean relaying() {
      return relay != null;
    }

    synchronized OwnerRelay relay() {
      return relay;
    }

    /** This node serves the session: everything queued goes to the local sessions, in order. */
    synchronized void serveHere() {
      routes.remove(connection.id(), this);
      done = true;
      for (ClientMessage m; (m = waiting.poll()) != null; ) {
        local.handle(connection, m);
      }
    }

    synchronized void relayTo(OwnerRelay owner) {
      if (done) {
        owner.close(); // the client left while the relay connected
        return;
      }
      relay = owner;
      log.debug("connection {} relayed to node {}", connection.id(), owner.owner());
      for (ClientMessage m; (m = waiting.poll()) != null; ) {
        owner.forward(m);
      }
    }

    /** Nothing can serve the queued messages now: each gets the error; the next try looks again. */
    synchronized void fail(ErrorCode code, String why) {
      routes.remove(connection.id(), this);
      done = true;
      for (ClientMessage m; (m = waiting.poll()) != null; ) {
        connection.send(
            Errors.reply(
                m.getRequestId(), code, why, code == ErrorCode.UNAVAILABLE ? RETRY_AFTER_MS : 0));
      }
    }

    synchronized void closed() {
      done = true;
      waiting.clear();
      if (relay != null) {
        relay.close();
      }
    }
  }
}
