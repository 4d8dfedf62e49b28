package org.quarterdeck.server.simulate;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quarterdeck.server.bot.BotPlayer;
import org.quarterdeck.server.bot.Strategy;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.Rules;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.engine.TeamScore;
import org.quarterdeck.server.engine.TeamState;
import org.quarterdeck.server.engine.Var;

/**
 * Plays bots against each other without a network: per seed, one session in the scenario's mode
 * with one team per strategy (team id = strategy name); every seat of a team is played by that
 * team's strategy (in two-hats mode the strategy plays both hats, see {@code bot.Plan}). Bot
 * decisions go through the engine's ordinary validation, like a player's.
 */
public final class Tournament {
  private Tournament() {}

  /** Plays one seeded session and returns each team's outcome, in strategy order. */
  public static List<TeamOutcome> play(Rules rules, List<Strategy> strategies, long seed) {
    requireNonNull(rules, "rules");
    Map<String, Strategy> teams = new LinkedHashMap<>();
    for (Strategy s : strategies) {
      String id = s.name();
      for (int k = 2; teams.containsKey(id); k++) {
        id = s.name() + "#" + k;
      }
      teams.put(id, s);
    }
    List<String> ids = new ArrayList<>(teams.keySet());
    Game game = Game.start(rules, seed, ids);
    while (!game.isOver()) {
      List<AcceptedDecision> decisions = new ArrayList<>();
      for (Seat seat : game.seats()) {
        decisions.add(BotPlayer.decide(game, seat, teams.get(seat.teamId())));
      }
      game = game.resolve(decisions, List.of()).next();
    }
    List<TeamOutcome> out = new ArrayList<>();
    List<TeamScore> scores = game.finalScores();
    for (int i = 0; i < ids.size(); i++) {
      TeamState t = game.team(ids.get(i));
      out.add(
          new TeamOutcome(seed, ids.get(i), scores.get(i), t.get(Var.MORALE), t.get(Var.ADOPTION)));
    }
    return out;
  }

  /** Plays seeds 1..{@code seeds}; outcomes grouped seed by seed. */
  public static List<List<TeamOutcome>> run(Rules rules, List<Strategy> strategies, int seeds) {
    List<List<TeamOutcome>> all = new ArrayList<>();
    for (long seed = 1; seed <= seeds; seed++) {
      all.add(play(rules, strategies, seed));
    }
    return all;
  }
}
