package org.quarterdeck.server.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.quarterdeck.server.bot.BotPlayer;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.bot.Strategy;
import org.quarterdeck.server.engine.AcceptedDecision;
import org.quarterdeck.server.engine.Game;
import org.quarterdeck.server.engine.Rules;
import org.quarterdeck.server.engine.Seat;
import org.quarterdeck.server.engine.SeatDecision;
import org.quarterdeck.server.engine.Var;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/** Development aid: a strategy's hours per act and a few variables, turn by turn, one seed. */
final class HoursMain {
  public static void main(String[] args) throws Exception {
    Rules rules = ScenarioCatalog.builtIn(args[0]).rules();
    Strategy s = Strategies.parse(args[1]);
    List<Strategy> all = new ArrayList<>();
    all.add(s);
    for (String b : ExploitSearch.OPPONENTS) {
      all.add(Strategies.parse(b));
    }
    List<String> ids = List.of("me", "numbers", "leader", "balanced", "adaptive");
    Game g = Game.start(rules, Long.parseLong(args[2]), ids);
    while (!g.isOver()) {
      List<AcceptedDecision> ds = new ArrayList<>();
      for (Seat seat : g.seats()) {
        Strategy st = all.get(ids.indexOf(seat.teamId()));
        ds.add(BotPlayer.decide(g, seat, st));
        if (seat.teamId().equals("me")) {
          SeatDecision d = BotPlayer.propose(g, seat, st);
          StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "t%2d %-7s", g.turn(),
              seat.hat()));
          d.hours().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.0f", k, v)));
          var t = g.team("me");
          sb.append(String.format(Locale.ROOT, " | mor %.0f cap %.0f str %.0f comp %.0f ad %.2f en %.0f"
              + " boss %.0f int %.0f res %.0f/%.0f", t.get(Var.MORALE), t.get(Var.CAPABILITY),
              t.get(Var.STRESS), t.get(Var.COMPLACENCY), t.get(Var.ADOPTION),
              t.get(Var.LEADER_ENERGY), t.get(Var.BOSS_CONFIDENCE), t.get(Var.INTERRUPTIONS),
              t.get(Var.RESULTS), t.get(Var.TARGET)));
          System.out.println(sb);
        }
      }
      g = g.resolve(ds, List.of()).next();
    }
    g.finalScores().forEach(f -> System.out.printf(Locale.ROOT, "%s %.1f res %.2f%n", f.teamId(),
        f.score(), f.results()));
  }
}
