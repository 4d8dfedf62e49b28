package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Errors;
import org.quarterdeck.server.port.SessionKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests that reach an archived session kept only as its summary — by join code, token or id, or
 * from a connection whose place in it was shelved — wait for a copy to be taken out of the archive
 * ({@link TakenOutSessions}) and are then routed as usual. A connection's later requests wait
 * behind them, in order (the replay page sends Resume and GetReplay in one write).
 */
final class ArchivedRequests {
  private static final Logger log = LoggerFactory.getLogger(ArchivedRequests.class);

  /** Requests one connection may queue while an archived session is read; the rest are refused. */
  static final int MAX_WAITING = 64;

  private static final int RETRY_MS = 1000;

  private final SessionRegistry registry;
  private final ConnectionBindings bindings;
  private final TakenOutSessions takenOut;
  private final Map<Long, Waiting> waiting = new ConcurrentHashMap<>();

  /** A connection's requests waiting behind a take-out, oldest first; closed once drained. */
  private static final class Waiting {
    private final ArrayDeque<ClientMessage> queue = new ArrayDeque<>();
    private boolean closed;

    /** False when the queue has been drained and closed (the caller routes the request itself). */
    synchronized boolean offer(Connection c, ClientMessage m) {
      if (closed) {
        return false;
      }
      if (queue.size() >= MAX_WAITING) {
        c.send(
            Errors.reply(
                m.getRequestId(),
                ErrorCode.UNAVAILABLE,
                "too many requests while an archived session is read; try again in a moment",
                RETRY_MS));
        return true;
      }
      queue.add(m);
      return true;
    }

    /** The next request, or null (and closed) when none waits. */
    synchronized ClientMessage next() {
      ClientMessage m = queue.poll();
      closed = m == null;
      return m;
    }
  }

  ArchivedRequests(
      SessionRegistry registry, ConnectionBindings bindings, TakenOutSessions takenOut) {
    this.registry = requireNonNull(registry, "registry");
    this.bindings = requireNonNull(bindings, "bindings");
    this.takenOut = requireNonNull(takenOut, "takenOut");
  }

  /** Routes {@code m} with {@code route} now, or once the archived session it needs is out. */
  void handle(Connection c, ClientMessage m, BiConsumer<Connection, ClientMessage> route) {
    Waiting queued = waiting.get(c.id());
    if (queued != null && queued.offer(c, m)) {
      return;
    }
    String id = archivedNamedBy(c, m);
    if (id == null) {
      route.accept(c, m);
      return;
    }
    Waiting fresh = new Waiting();
    waiting.put(c.id(), fresh);
    takenOut.takeOut(id).whenComplete((ok, error) -> drain(c, fresh, m, id, error, route));
  }

  /** Routes the request that waited and then each one queued behind it, in order. */
  private void drain(
      Connection c,
      Waiting queued,
      ClientMessage first,
      String id,
      Throwable error,
      BiConsumer<Connection, ClientMessage> route) {
    if (error != null) {
      String why = SessionRecovery.rootMessage(error);
      log.warn("archived session {} cannot be taken out of the archive: {}", id, why);
      c.sendError(
          first.getRequestId(),
          ErrorCode.UNAVAILABLE,
          "the archived session " + id + " cannot be read: " + why);
    } else {
      route.accept(c, first);
    }
    ClientMessage next;
    while ((next = queued.next()) != null) {
      String needed = archivedNamedBy(c, next);
      if (needed != null) {
        ClientMessage waiter = next;
        takenOut
            .takeOut(needed)
            .whenComplete((ok, e) -> drain(c, queued, waiter, needed, e, route));
        return;
      }
      route.accept(c, next);
    }
    waiting.remove(c.id(), queued);
  }

  /** The connection closed. */
  void gone(Connection c) {
    waiting.remove(c.id());
  }

  /**
   * The id of the archived session the request needs and no copy of which is registered, or null
   * (route it as usual).
   */
  private String archivedNamedBy(Connection c, ClientMessage m) {
    ArchivedSession archived =
        switch (m.getBodyCase()) {
          case JOIN_SESSION ->
              registry.archived(SessionKey.joinCode(m.getJoinSession().getJoinCode()));
          case SPECTATE -> registry.archived(SessionKey.joinCode(m.getSpectate().getJoinCode()));
          case RESUME -> registry.archived(SessionKey.token(m.getResume().getToken()));
          case LEAVE, SUBMIT_DECISION, FACILITATOR, ASSIGN_SEAT, GET_REPLAY, WHAT_IF ->
              shelvedIn(c);
          default -> null;
        };
    return archived == null || registry.byId(archived.id()) != null ? null : archived.id();
  }

  /** The archived session the connection's shelved place is in, unless it is bound elsewhere. */
  private ArchivedSession shelvedIn(Connection c) {
    ConnectionBindings.Shelved shelved = bindings.shelved(c);
    return shelved == null || bindings.get(c) != null
        ? null
        : registry.archived(shelved.sessionId());
  }
}
