package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.quarterdeck.protocol.v1.ArchiveSession;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.ListSessions;
import org.quarterdeck.protocol.v1.OpenSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionList;
import org.quarterdeck.protocol.v1.SessionSummary;
import org.quarterdeck.protocol.v1.SignIn;
import org.quarterdeck.protocol.v1.SignedIn;
import org.quarterdeck.server.facilitator.ArchivedSessions;
import org.quarterdeck.server.facilitator.FacilitatorAccounts;
import org.quarterdeck.server.facilitator.SignIns;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facilitator's front desk: signing in (an account, the admin token or an earlier credential),
 * the list of one's sessions, reopening one on any device, archiving, and the room link. Which
 * facilitator owns a session is recorded in the session's first log record, so the list survives a
 * restart. On a cluster ({@link SharedDesk}) the list holds the facilitator's sessions on every
 * node, and a session's opening and archiving are relayed to the node that serves it.
 */
final class FacilitatorDesk {
  private static final Logger log = LoggerFactory.getLogger(FacilitatorDesk.class);
  static final int MAX_PASSWORD_CHARS = 200;

  /** How long a sign-in credential stays valid. */
  static final long CREDENTIAL_LIFETIME_MS = 12 * 3600_000L;

  /** When a client may ask again after a node with another accounts file refused to check. */
  static final int STALE_ACCOUNTS_RETRY_MS = 500;

  /** What the desk needs from the session manager. */
  interface Sessions {
    /** The sessions that run here (not the archived ones). */
    List<GameSession> all();

    /** The archived sessions, as their summaries. */
    java.util.Collection<ArchivedSession> archived();

    /** Makes a token resumable as an archived session's facilitator. */
    void admitFacilitatorToken(ArchivedSession session, String tokenHash);

    /** Runs a task on a session's thread. */
    void onThread(GameSession session, Runnable task);

    /** Makes a token resumable as the session's facilitator. */
    void admitFacilitatorToken(GameSession session, String tokenHash);
  }

  private final FacilitatorAccounts accounts;
  private final SignIns signIns;
  private final String adminTokenHash;
  private final ArchivedSessions archived;
  private final Executor slowWork;
  private final Supplier<String> publicUrl;
  private final GuessLimiter failures;
  private final Sessions sessions;
  private final SharedDesk shared;
  private final Map<Long, String> signedIn = new ConcurrentHashMap<>();

  /**
   * @param slowWork runs the password hashing (about a CPU second each) off the event loops
   * @param shared what the desk shares with other nodes; null on a single server
   */
  FacilitatorDesk(
      FacilitatorAccounts accounts,
      SignIns signIns,
      String adminTokenHash,
      ArchivedSessions archived,
      Executor slowWork,
      Supplier<String> publicUrl,
      GuessLimiter failures,
      Sessions sessions,
      SharedDesk shared) {
    this.accounts = requireNonNull(accounts, "accounts");
    this.signIns = requireNonNull(signIns, "signIns");
    this.adminTokenHash = adminTokenHash;
    this.archived = requireNonNull(archived, "archived");
    this.slowWork = requireNonNull(slowWork, "slowWork");
    this.publicUrl = requireNonNull(publicUrl, "publicUrl");
    this.failures = requireNonNull(failures, "failures");
    this.sessions = requireNonNull(sessions, "sessions");
    this.shared = shared;
    if (shared != null && accounts.size() > 0) {
      shared.accountsStarted(accounts.fingerprint());
    }
  }

  /** The facilitator the connection signed in as. */
  Optional<String> nameOf(Connection c) {
    return Optional.ofNullable(signedIn.get(c.id()));
  }

  void disconnected(Connection c) {
    signedIn.remove(c.id());
  }

  /**
   * A credential for the facilitator {@code c} signed in as, which the node this connection is
   * relayed to accepts; empty when it is not signed in, or on a single server.
   */
  Optional<String> passFor(Connection c) {
    if (shared == null) {
      return Optional.empty();
    }
    return nameOf(c).map(signIns::issue);
  }

  /** Whether other nodes list this node's sessions from the summaries it shares (a cluster). */
  boolean sharesSummaries() {
    return shared != null;
  }

  /**
   * A session this node serves may show something new in its summary: the other nodes' lists learn
   * it (a single server's list is built from the sessions themselves). On the session's thread.
   */
  void summaryChanged(GameSession s) {
    if (shared != null) {
      shared.summaryChanged(summary(s, false));
    }
  }

  // ------------------------------------------------------------------ signing in

  void signIn(Connection c, long rid, SignIn request) {
    if (request.getPassword().length() > MAX_PASSWORD_CHARS
        || request.getName().length() > MAX_PASSWORD_CHARS) {
      c.sendError(
          rid,
          ErrorCode.INVALID_ARGUMENT,
          "sign_in.password is limited to " + MAX_PASSWORD_CHARS + " characters");
      return;
    }
    if (!request.getCredential().isEmpty()) {
      Optional<String> name = signIns.nameOf(request.getCredential());
      if (name.isEmpty()) {
        c.sendError(
            rid,
            ErrorCode.UNAUTHENTICATED,
            "the sign-in has expired or the server restarted; sign in again");
        return;
      }
      admit(c, rid, name.get(), request.getCredential());
      return;
    }
    String address = hostOf(c);
    long wait = failures.waitMillis(c.id(), address, System.currentTimeMillis());
    if (wait > 0) {
      c.send(
          Errors.reply(
              rid,
              ErrorCode.RATE_LIMITED,
              "too many failed sign-ins from this address; try again later",
              (int) wait));
      return;
    }
    if (request.getName().isEmpty()) {
      if (adminTokenHash != null
          && Tokens.sameHash(adminTokenHash, Tokens.hash(request.getPassword()))) {
        admit(c, rid, FacilitatorAccounts.ADMIN, signIns.issue(FacilitatorAccounts.ADMIN));
      } else {
        refuse(
            c,
            rid,
            address,
            adminTokenHash == null
                ? "this server has no admin token: sign in with a facilitator name and password"
                : "that is not the server's admin token");
      }
      return;
    }
    String name = request.getName().strip().toLowerCase(java.util.Locale.ROOT);
    char[] password = request.getPassword().toCharArray();
    CompletableFuture.supplyAsync(
            () -> staleAccounts() ? null : accounts.check(name, password), slowWork)
        .whenComplete(
            (ok, error) -> {
              java.util.Arrays.fill(password, '\0');
              if (error == null && ok == null) {
                log.warn(
                    "connection {}: a password sign-in cannot be checked here: this node's"
                        + " --facilitators file is not the one the newest node started with",
                    c.id());
                c.send(
                    Errors.reply(
                        rid,
                        ErrorCode.UNAVAILABLE,
                        "this node's facilitator accounts (--facilitators) are not the ones the"
                            + " newest node started with; try again (another node may sign you in)",
                        STALE_ACCOUNTS_RETRY_MS));
              } else if (error == null && ok) {
                admit(c, rid, name, signIns.issue(name));
              } else {
                refuse(c, rid, address, "unknown facilitator or wrong password");
              }
            });
  }

  /**
   * On a cluster: whether this node's accounts file differs from the one the newest node with a
   * file started with, so that its passwords may be out of date (an account added, removed or
   * changed since). Such a node checks no password. (Blocks: on {@code slowWork}.)
   */
  private boolean staleAccounts() {
    return shared != null && !shared.accountsCurrent(accounts.fingerprint());
  }

  private void admit(Connection c, long rid, String name, String credential) {
    signedIn.put(c.id(), name);
    log.info("connection {} signed in as facilitator {}", c.id(), name);
    c.send(
        ServerMessage.newBuilder()
            .setRequestId(rid)
            .setSignedIn(
                SignedIn.newBuilder()
                    .setName(name)
                    .setCredential(credential)
                    .setRoomUrl(roomUrl(name)))
            .build());
  }

  private void refuse(Connection c, long rid, String address, String why) {
    failures.failed(c.id(), address, System.currentTimeMillis());
    log.info("connection {} from {}: a sign-in was refused", c.id(), address);
    c.sendError(rid, ErrorCode.UNAUTHENTICATED, why);
  }

  String roomUrl(String name) {
    return publicUrl.get() + "/room/" + name;
  }

  // ------------------------------------------------------------------ one's sessions

  void list(Connection c, long rid, ListSessions request) {
    Optional<String> name = signedInOrError(c, rid);
    if (name.isEmpty()) {
      return;
    }
    // only a cluster's list can fail: its database is away
    answerWhen(
        c,
        rid,
        summaries(name.get(), request.getArchived()),
        list -> sessionList(rid, list),
        "the session list cannot be read now: ");
  }

  /** Sends {@code reply} once {@code done} completes, or UNAVAILABLE: {@code failure} and why. */
  private static <T> void answerWhen(
      Connection c,
      long rid,
      CompletableFuture<T> done,
      java.util.function.Function<T, ServerMessage> reply,
      String failure) {
    done.whenComplete(
        (value, error) -> {
          if (error != null) {
            c.sendError(rid, ErrorCode.UNAVAILABLE, failure + error.getMessage());
          } else {
            c.send(reply.apply(value));
          }
        });
  }

  private static ServerMessage sessionList(long rid, List<SessionSummary> list) {
    return ServerMessage.newBuilder()
        .setRequestId(rid)
        .setSessionList(SessionList.newBuilder().addAllSessions(list))
        .build();
  }

  private CompletableFuture<List<SessionSummary>> summaries(String owner, boolean withArchived) {
    if (shared != null) {
      return shared
          .sessionsOf(owner, owner.equals(FacilitatorAccounts.ADMIN))
          .thenCompose(listed -> summaries(listed, withArchived));
    }
    List<CompletableFuture<SessionSummary>> parts = new ArrayList<>();
    java.util.Set<String> listed = new java.util.HashSet<>();
    for (GameSession s : sessions.all()) {
      listed.add(s.id()); // a session being archived this moment is listed once
      boolean isArchived = archived.contains(s.id());
      if (!owns(owner, s.owner()) || (isArchived && !withArchived)) {
        continue;
      }
      CompletableFuture<SessionSummary> part = new CompletableFuture<>();
      sessions.onThread(s, () -> part.complete(summary(s, isArchived)));
      parts.add(part);
    }
    for (ArchivedSession a : sessions.archived()) {
      boolean isArchived = archived.contains(a.id());
      if (owns(owner, a.owner()) && (!isArchived || withArchived) && !listed.contains(a.id())) {
        parts.add(CompletableFuture.completedFuture(a.listing(isArchived)));
      }
    }
    return newestFirst(parts);
  }

  /**
   * A cluster's list: the sessions this node serves summed up here and now, the others as their
   * owners last wrote them; the archive flags as the database holds them.
   */
  private CompletableFuture<List<SessionSummary>> summaries(
      List<SharedDesk.Listed> listed, boolean withArchived) {
    Map<String, GameSession> here = new java.util.HashMap<>();
    for (GameSession s : sessions.all()) {
      here.put(s.id(), s);
    }
    List<CompletableFuture<SessionSummary>> parts = new ArrayList<>();
    for (SharedDesk.Listed l : listed) {
      if (l.archived() && !withArchived) {
        continue;
      }
      GameSession s = here.get(l.sessionId());
      if (s != null) {
        CompletableFuture<SessionSummary> part = new CompletableFuture<>();
        sessions.onThread(s, () -> part.complete(summary(s, l.archived())));
        parts.add(part);
      } else {
        parts.add(CompletableFuture.completedFuture(elsewhere(l)));
      }
    }
    return newestFirst(parts);
  }

  /** A session another node serves, as its owner last wrote it. */
  private static SessionSummary elsewhere(SharedDesk.Listed l) {
    SessionSummary.Builder b =
        l.summary() != null
            ? l.summary().toBuilder()
            : SessionSummary.newBuilder()
                .setSessionId(l.sessionId())
                .setJoinCode(l.joinCode())
                .setCreatedEpochMs(l.createdEpochMs());
    return b.setArchived(l.archived()).build();
  }

  private static CompletableFuture<List<SessionSummary>> newestFirst(
      List<CompletableFuture<SessionSummary>> parts) {
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<SessionSummary> list =
                  new ArrayList<>(parts.stream().map(CompletableFuture::join).toList());
              list.sort(
                  Comparator.comparingLong(SessionSummary::getCreatedEpochMs)
                      .reversed()
                      .thenComparing(SessionSummary::getSessionId));
              return list;
            });
  }

  /** A session's line in the list (its archived summary keeps the same line). */
  static SessionSummary summary(GameSession s, boolean isArchived) {
    int people = 0;
    for (SeatState seat : s.seats()) {
      people += seat.human() ? 1 + seat.coPlayers.size() : 0;
    }
    // After the last turn the engine's counter stands one past it; show the last turn played.
    int turn = s.phase() == Phase.LOBBY ? 0 : s.shownTurn();
    return SessionSummary.newBuilder()
        .setSessionId(s.id())
        .setTitle(s.title())
        .setJoinCode(s.joinCode())
        .setPhase(s.phase())
        .setTurn(turn)
        .setTurns(s.turnsPlanned())
        .setTeams(s.teamCount())
        .setPeople(people)
        .setScenarioName(s.scenarioName())
        .setCreatedEpochMs(s.createdAtMs())
        .setArchived(isArchived)
        .build();
  }

  /** The admin also sees sessions created with a token only (no owner). */
  private static boolean owns(String name, String owner) {
    return owner.equals(name) || (name.equals(FacilitatorAccounts.ADMIN) && owner.isEmpty());
  }

  void open(Connection c, long rid, OpenSession request) {
    Optional<ArchivedSession> kept = ownedArchived(c, request.getSessionId());
    if (kept.isPresent()) {
      ArchivedSession a = kept.get();
      String token = openingToken(a.id());
      sessions.admitFacilitatorToken(a, Tokens.hash(token));
      c.send(opened(rid, a.id(), a.joinCode(), token));
      return;
    }
    Optional<GameSession> session = ownedSession(c, rid, request.getSessionId());
    if (session.isEmpty()) {
      return;
    }
    GameSession s = session.get();
    String token = openingToken(s.id());
    sessions.onThread(
        s,
        () -> {
          String hash = Tokens.hash(token);
          sessions.admitFacilitatorToken(s, hash);
          ServerMessage opened = opened(rid, s.id(), s.joinCode(), token);
          if (shared == null) {
            c.send(opened);
            return;
          }
          // the token must lead here from any node before the facilitator can use it
          answerWhen(
              c,
              rid,
              shared.facilitatorTokenAdmitted(s.id(), hash),
              v -> opened,
              "the session cannot be opened now: ");
        });
  }

  /**
   * A new facilitator token for a session being opened: random on a single server (valid until it
   * restarts); sealed on a cluster, so that a node that takes the session over accepts it too.
   */
  private String openingToken(String sessionId) {
    return shared == null ? Tokens.newToken() : signIns.sealOpening(sessionId);
  }

  /**
   * The session an OpenSession token sealed on a cluster node is for, when its seal holds: a node
   * that took that session over since accepts it ({@link #admitOpening}).
   */
  Optional<String> openedSession(String token) {
    return shared == null ? Optional.empty() : signIns.openedSession(token);
  }

  /**
   * Makes a sealed OpenSession token (its hash) the facilitator's on its session here, running or
   * archived, then runs {@code then} (on the session's thread for a running one); false when the
   * session is not here.
   */
  boolean admitOpening(String sessionId, String tokenHash, Runnable then) {
    for (ArchivedSession a : sessions.archived()) {
      if (a.id().equals(sessionId)) {
        sessions.admitFacilitatorToken(a, tokenHash);
        then.run();
        return true;
      }
    }
    for (GameSession s : sessions.all()) {
      if (s.id().equals(sessionId)) {
        sessions.onThread(
            s,
            () -> {
              sessions.admitFacilitatorToken(s, tokenHash);
              then.run();
            });
        return true;
      }
    }
    return false;
  }

  private static ServerMessage opened(long rid, String id, String joinCode, String token) {
    return ServerMessage.newBuilder()
        .setRequestId(rid)
        .setSessionCreated(
            SessionCreated.newBuilder()
                .setSessionId(id)
                .setJoinCode(joinCode)
                .setFacilitatorToken(token))
        .build();
  }

  void archive(Connection c, long rid, ArchiveSession request) {
    if (ownedArchived(c, request.getSessionId()).isEmpty()
        && ownedSession(c, rid, request.getSessionId()).isEmpty()) {
      return;
    }
    String owner = signedIn.get(c.id());
    answerWhen(
        c,
        rid,
        CompletableFuture.runAsync(
                () -> archived.set(request.getSessionId(), request.getArchived()), slowWork)
            .thenCompose(v -> summaries(owner, false)),
        list -> sessionList(rid, list),
        "the archive flag cannot be saved: ");
  }

  /** The caller's archived session of that id (no answer is sent when there is none). */
  private Optional<ArchivedSession> ownedArchived(Connection c, String sessionId) {
    Optional<String> name = nameOf(c);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    return sessions.archived().stream()
        .filter(a -> a.id().equals(sessionId) && owns(name.get(), a.owner()))
        .findFirst();
  }

  private Optional<GameSession> ownedSession(Connection c, long rid, String sessionId) {
    Optional<String> name = signedInOrError(c, rid);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    for (GameSession s : sessions.all()) {
      if (s.id().equals(sessionId) && owns(name.get(), s.owner())) {
        return Optional.of(s);
      }
    }
    c.sendError(rid, ErrorCode.NOT_FOUND, "you have no session " + sessionId);
    return Optional.empty();
  }

  private Optional<String> signedInOrError(Connection c, long rid) {
    Optional<String> name = nameOf(c);
    if (name.isEmpty()) {
      c.sendError(rid, ErrorCode.UNAUTHENTICATED, "sign in as a facilitator first");
    }
    return name;
  }

  /** The join code of a facilitator's newest session that has not ended and is not archived. */
  Optional<String> roomJoinCode(String name) {
    return sessions.all().stream()
        .filter(
            s -> s.owner().equals(name) && s.phase() != Phase.ENDED && !archived.contains(s.id()))
        .max(Comparator.comparingLong(GameSession::createdAtMs))
        .map(GameSession::joinCode);
  }

  private static String hostOf(Connection c) {
    String address = c.remoteAddress();
    int colon = address.lastIndexOf(':');
    return colon > 0 ? address.substring(0, colon) : address;
  }
}
