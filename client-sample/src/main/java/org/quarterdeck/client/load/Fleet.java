package org.quarterdeck.client.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;

/**
 * The generator's sessions: one facilitator connection per session creates and starts it, and the
 * players join it, each over its own connection. Setup runs with a bounded number of connections in
 * progress so that the server's accept queue is not flooded.
 */
final class Fleet implements AutoCloseable {
  final List<LoadConnection> facilitators = new ArrayList<>();
  final List<LoadConnection> players = new ArrayList<>();
  private final List<SessionCreated> created = new ArrayList<>();
  private final LoadOptions options;
  private final Connector connector;
  private final Stats stats;

  private Fleet(LoadOptions options, Connector connector, Stats stats) {
    this.options = options;
    this.connector = connector;
    this.stats = stats;
  }

  /** Connects the facilitators and creates the sessions (lobby open, nobody seated). */
  static Fleet createSessions(LoadOptions options, Connector connector, Stats stats)
      throws Exception {
    Fleet fleet = new Fleet(options, connector, stats);
    for (int s = 0; s < options.sessions(); s++) {
      fleet.facilitators.add(new LoadConnection(s, s, Role.FACILITATOR, stats));
      fleet.created.add(null);
    }
    fleet.bounded(
        fleet.facilitators,
        f ->
            fleet
                .hello(f)
                .thenCompose(
                    x ->
                        f.call(
                            ClientMessage.newBuilder()
                                .setCreateSession(
                                    CreateSession.newBuilder()
                                        .setSettings(fleet.settings(f.session)))))
                .thenCompose(
                    m -> {
                      SessionCreated c =
                          expect(m, m.hasSessionCreated(), "SessionCreated").getSessionCreated();
                      synchronized (fleet.created) {
                        fleet.created.set(f.session, c);
                      }
                      return f.call(
                          ClientMessage.newBuilder()
                              .setResume(Resume.newBuilder().setToken(c.getFacilitatorToken())));
                    })
                .thenApply(m -> expect(m, m.hasSnapshot(), "Snapshot")));
    return fleet;
  }

  /** Connects and seats every player; the last seat of a session is silent when asked. */
  void joinPlayers(boolean oneSilentSeatPerSession) throws Exception {
    int perSession = options.playersPerSession();
    for (int i = 0; i < options.players(); i++) {
      int session = i / perSession;
      boolean silent = oneSilentSeatPerSession && i % perSession == perSession - 1;
      players.add(
          new LoadConnection(
              options.sessions() + i, session, silent ? Role.SILENT : Role.PLAYER, stats));
    }
    bounded(
        players,
        p ->
            hello(p)
                .thenCompose(
                    x ->
                        p.call(
                            ClientMessage.newBuilder()
                                .setJoinSession(
                                    JoinSession.newBuilder()
                                        .setJoinCode(created.get(p.session).getJoinCode())
                                        .setDisplayName("load-" + p.index))))
                .thenApply(
                    m -> {
                      expect(m, m.hasJoined(), "Joined");
                      p.token = m.getJoined().getToken();
                      p.team = m.getJoined().getTeam();
                      return m;
                    }));
  }

  /** Starts every session as fast as the facilitators' replies allow. */
  void startAll() throws Exception {
    bounded(
        facilitators,
        f ->
            f.call(
                    ClientMessage.newBuilder()
                        .setFacilitator(
                            FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())))
                .thenApply(m -> expect(m, m.hasFacilitatorAck(), "FacilitatorAck")));
  }

  /** Sets every session's open turn to end at one clock time. */
  void endTurnsAt(long epochMs) throws Exception {
    bounded(
        facilitators,
        f ->
            f.call(
                    ClientMessage.newBuilder()
                        .setFacilitator(
                            FacilitatorCommand.newBuilder().setDeadlineAtEpochMs(epochMs)))
                .thenApply(m -> expect(m, m.hasFacilitatorAck(), "FacilitatorAck")));
  }

  int connections() {
    return facilitators.size() + players.size();
  }

  private SessionSettings settings(int session) {
    SessionSettings.Builder s =
        SessionSettings.newBuilder()
            .setTitle("load " + session)
            .setTeams(options.playersPerSession() + options.botTeams())
            .setSeed(1000L + session)
            .setTurnDeadlineSeconds(0);
    for (int i = 0; i < options.playersPerSession(); i++) {
      s.addBotStrategies("");
    }
    for (int i = 0; i < options.botTeams(); i++) {
      s.addBotStrategies("adaptive");
    }
    return s.build();
  }

  private CompletableFuture<ServerMessage> hello(LoadConnection c) {
    return connector
        .connect(c)
        .thenCompose(
            x ->
                c.call(
                    ClientMessage.newBuilder()
                        .setHello(
                            Hello.newBuilder()
                                .addProtocolVersions(1)
                                .setClientName("quarterdeck-load"))))
        .thenApply(m -> expect(m, m.hasWelcome(), "Welcome"));
  }

  static ServerMessage expect(ServerMessage m, boolean ok, String what) {
    if (!ok) {
      throw m.hasError()
          ? new LoadFailure(
              "failure.refused", what, m.getError().getCode(), m.getError().getMessage())
          : new LoadFailure("failure.unexpected", what, m.getBodyCase());
    }
    return m;
  }

  /** Runs {@code step} for each connection with at most connect-concurrency in progress. */
  private void bounded(
      List<LoadConnection> connections, Function<LoadConnection, CompletableFuture<?>> step)
      throws Exception {
    Semaphore permits = new Semaphore(options.connectConcurrency());
    List<CompletableFuture<?>> all = new ArrayList<>(connections.size());
    long timeoutMs = options.timeout().toMillis();
    for (LoadConnection c : connections) {
      if (!permits.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
        throw new LoadFailure("failure.stalled", timeoutMs);
      }
      CompletableFuture<?> f = step.apply(c).orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
      f.whenComplete((x, e) -> permits.release());
      all.add(f);
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new LoadFailure("failure.stalled", timeoutMs);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        throw new LoadFailure("failure.stalled", timeoutMs); // a step's own time ran out
      }
      throw e;
    }
  }

  @Override
  public void close() {
    for (LoadConnection p : players) {
      p.close();
    }
    for (LoadConnection f : facilitators) {
      f.close();
    }
  }
}
