package org.quarterdeck.server.bot;

import static java.util.Objects.requireNonNull;

import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.engine.SeatDecision;
import org.quarterdeck.server.engine.SeededRandom;
import org.quarterdeck.server.engine.TeamState;
import org.quarterdeck.server.engine.Verdict;

/**
 * Plays a seat with a strategy: the way the session layer fills an empty seat and the way ghost
 * baselines are played. The bot sees only the seat's opening and its own team's state, draws from
 * the bot stream of (session seed, turn, seat) and goes through the engine's ordinary validation.
 */
public final class BotPlayer {
  private BotPlayer() {}

  /** The strategy's decision for a seat in the game's open turn, as a player would send it. */
  public static SeatDecision propose(Game game, Seat seat, Strategy strategy) {
    requireNonNull(game, "game");
    requireNonNull(seat, "seat");
    requireNonNull(strategy, "strategy");
    TeamState team = game.team(seat.teamId());
    SeededRandom random =
        SeededRandom.of(
            game.seed(),
            game.turn(),
            team.index() * 4 + seat.hat().ordinal(),
            SeededRandom.STREAM_BOT);
    return strategy.decide(game.opening(seat), team, random);
  }

  /** The strategy's checked decision for a seat in the game's open turn. */
  public static AcceptedDecision decide(Game game, Seat seat, Strategy strategy) {
    SeatDecision d = propose(game, seat, strategy);
    Verdict<AcceptedDecision> v = game.validate(d);
    if (!v.isAccepted()) {
      throw new IllegalStateException(
          "strategy "
              + strategy.name()
              + " made an invalid decision for "
              + seat
              + ": "
              + v.rejection().orElseThrow());
    }
    return v.value();
  }
}
