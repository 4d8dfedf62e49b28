package org.quarterdeck.client.bot;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ActView;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Hat;
import org.quarterdeck.protocol.v1.Joined;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionEnded;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TeamView;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.protocol.v1.Variable;

/**
 * One bot on one connection: it joins, decides every turn as soon as it opens (once per turn),
 * keeps its team's variables from each result, and finishes when the session ends. It also picks up
 * after the client resumes a dropped connection. Callbacks arrive on the connection's event loop;
 * the methods are synchronized because a resumed connection may use another thread.
 */
public final class BotPlayer {
  /**
   * What a bot tells the person running it, as facts: the caller words them (the command line in
   * its language).
   */
  public interface Notes {
    /** Notes nobody reads. */
    Notes SILENT =
        new Notes() {
          @Override
          public void goodbye(String reason) {}

          @Override
          public void notAccepted(int turn, String why) {}
        };

    /** The server said goodbye for {@code reason} (a {@code GoodbyeReason} name). */
    void goodbye(String reason);

    /** The decision for {@code turn} was not stored, because of {@code why}. */
    void notAccepted(int turn, String why);
  }

  private final QuarterdeckClient client;
  private final SampleStrategy strategy;
  private final Random random;
  private final Notes log;
  private final CompletableFuture<SessionEnded> finished = new CompletableFuture<>();
  private final Map<String, Double> team = new LinkedHashMap<>();
  private Hat hat = Hat.BOTH;
  private int teamIndex = -1;
  private int decidedTurn;
  private int turnsPlayed;

  /**
   * @param client a connected client that has said Hello
   * @param log where the bot reports what befalls it; may ignore everything
   */
  public BotPlayer(QuarterdeckClient client, SampleStrategy strategy, long seed, Notes log) {
    this.client = requireNonNull(client, "client");
    this.strategy = requireNonNull(strategy, "strategy");
    this.random = new Random(seed);
    this.log = requireNonNull(log, "log");
    client.onPush(this::onPush);
    client.onConnection(
        new QuarterdeckClient.ConnectionListener() {
          @Override
          public void resumed(Snapshot snapshot) {
            onSnapshot(snapshot);
          }

          @Override
          public void gaveUp(Throwable cause) {
            finished.completeExceptionally(cause);
          }
        });
  }

  /** Joins a session by code; the game is played from then on by pushes. */
  public CompletableFuture<Joined> join(String joinCode, String displayName) {
    return client
        .join(joinCode, displayName)
        .thenApply(
            joined -> {
              synchronized (this) {
                teamIndex = joined.getTeam();
                hat = joined.getHat();
              }
              onSnapshot(joined.getSnapshot());
              return joined;
            });
  }

  /** Completes with the final scores when the session ends. */
  public CompletableFuture<SessionEnded> finished() {
    return finished;
  }

  /** The team the bot plays (0-based), or -1 before it joined. */
  public synchronized int team() {
    return teamIndex;
  }

  public synchronized int turnsPlayed() {
    return turnsPlayed;
  }

  private synchronized void onSnapshot(Snapshot s) {
    if (s.getTeamsCount() > 0) {
      remember(s.getTeams(0));
    }
    if (s.hasOpenTurn() && s.getDraftVersion() == 0) {
      decide(s.getOpenTurn());
    }
  }

  private synchronized void onPush(ServerMessage m) {
    switch (m.getBodyCase()) {
      case TURN_OPENED -> decide(m.getTurnOpened());
      case TURN_RESOLVED -> {
        if (m.getTurnResolved().hasTeam()) {
          remember(m.getTurnResolved().getTeam());
        }
      }
      case SESSION_ENDED -> finished.complete(m.getSessionEnded());
      case GOODBYE -> log.goodbye(m.getGoodbye().getReason().name());
      default -> {}
    }
  }

  private void remember(TeamView view) {
    for (Variable v : view.getVariablesList()) {
      team.put(v.getName(), v.getValue());
    }
  }

  private void decide(TurnOpened turn) {
    if (turn.getTurn() <= decidedTurn) {
      return; // the same turn again (an injected event): the decision stands
    }
    decidedTurn = turn.getTurn();
    TurnOpened.Builder allowed = turn.toBuilder().clearActs();
    for (ActView a : turn.getActsList()) {
      if (hat == Hat.LEADER ? a.getLeadership() : hat != Hat.MANAGER || !a.getLeadership()) {
        allowed.addActs(a);
      }
    }
    Decision decision = strategy.decide(allowed.build(), Map.copyOf(team), random);
    int turnNumber = turn.getTurn();
    client
        .call(
            ClientMessage.newBuilder()
                .setSubmitDecision(
                    SubmitDecision.newBuilder()
                        .setTurn(turnNumber)
                        .setVersion(1)
                        .setDecision(decision)))
        .whenComplete(
            (reply, failure) -> {
              if (failure != null) {
                log.notAccepted(turnNumber, failure.getMessage());
                synchronized (this) {
                  // Not stored (a drop, a server going away): the snapshot after the resume
                  // shows the turn still open without a draft, and the bot decides again.
                  if (decidedTurn == turnNumber) {
                    decidedTurn = turnNumber - 1;
                  }
                }
              } else {
                synchronized (this) {
                  turnsPlayed++;
                }
              }
            });
  }
}
