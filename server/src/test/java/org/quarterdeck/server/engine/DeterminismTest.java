package org.quarterdeck.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Same scenario + seed + decisions give the same state hashes; another seed gives others. */
class DeterminismTest {
  private static final Rules RULES = Fixtures.rules();
  private static final List<String> TEAMS = List.of("red", "blue", "green", "gold");

  /** Plays a whole game with pseudo-random (but seed-determined) decisions; returns the hashes. */
  static List<String> hashes(Rules rules, long seed, long decisionSeed) {
    Game g = Game.start(rules, seed, TEAMS);
    List<String> out = new ArrayList<>();
    while (!g.isOver()) {
      List<AcceptedDecision> ds = new ArrayList<>();
      for (Seat seat : g.seats()) {
        SeededRandom r = SeededRandom.of(decisionSeed, g.turn(), seat.teamId().hashCode(), 9);
        TurnOpening open = g.opening(seat);
        Map<String, Double> hours = new LinkedHashMap<>();
        double left = open.freeHours();
        for (Act a : open.acts()) {
          double h = left * r.nextDouble() * 0.4;
          hours.put(a.id(), h);
          left -= h;
        }
        Map<String, String> choices = new LinkedHashMap<>();
        for (Dilemma d : open.dilemmas()) {
          choices.put(d.id(), d.options().get(r.nextInt(d.options().size())).id());
        }
        if (r.nextDouble() < 0.9) { // some seats miss the deadline and get the default
          ds.add(Fixtures.accept(g, new SeatDecision(seat, g.turn(), hours, choices)));
        }
      }
      g = g.resolve(ds, List.of()).next();
      out.add(g.stateHashHex());
    }
    return out;
  }

  @Test
  void sameInputsGiveIdenticalHashesEveryTurn() {
    List<String> a = hashes(RULES, 2024, 5);
    List<String> b = hashes(new Rules(Fixtures.scenario("market-year")), 2024, 5);
    assertEquals(12, a.size());
    assertEquals(a, b);
    assertEquals(64, a.get(0).length());
  }

  @Test
  void anotherSeedGivesAnotherHash() {
    List<String> a = hashes(RULES, 2024, 5);
    List<String> b = hashes(RULES, 2025, 5);
    for (int t = 0; t < a.size(); t++) {
      assertNotEquals(a.get(t), b.get(t), "turn " + (t + 1));
    }
  }

  @Test
  void anotherDecisionGivesAnotherHash() {
    assertNotEquals(hashes(RULES, 2024, 5).get(0), hashes(RULES, 2024, 6).get(0));
  }

  @Test
  void startHashDependsOnSeedAndTeams() {
    assertNotEquals(
        Game.start(RULES, 1, TEAMS).stateHashHex(), Game.start(RULES, 2, TEAMS).stateHashHex());
    assertNotEquals(
        Game.start(RULES, 1, TEAMS).stateHashHex(),
        Game.start(RULES, 1, List.of("red", "blue", "gold", "green")).stateHashHex());
  }

  @Property(tries = 25)
  void replayReproducesTheHashes(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 1000) int who) {
    assertEquals(hashes(RULES, seed, who), hashes(RULES, seed, who));
  }

  @Test
  void seededRandomIsAPureFunctionOfItsInputs() {
    SeededRandom a = SeededRandom.of(1, 2, 3, 4);
    SeededRandom b = SeededRandom.of(1, 2, 3, 4);
    for (int i = 0; i < 100; i++) {
      assertEquals(a.nextLong(), b.nextLong());
    }
    assertNotEquals(SeededRandom.of(1, 2, 3, 4).nextLong(), SeededRandom.of(1, 2, 4, 4).nextLong());
    assertNotEquals(SeededRandom.of(1, 2, 3, 4).nextLong(), SeededRandom.of(1, 3, 3, 4).nextLong());
    assertNotEquals(SeededRandom.of(1, 2, 3, 4).nextLong(), SeededRandom.of(2, 2, 3, 4).nextLong());
  }

  @Test
  void whatIfBranchesLeaveTheRecordedLineUntouched() {
    Game g = Fixtures.solo(RULES, 77);
    List<Game> line = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      line.add(g);
      g = Fixtures.play(g, Map.of("push", 60.0, "report", 40.0)).next();
    }
    String recorded = g.stateHashHex();
    // what if the team had coached in turn 4?
    Game branch = line.get(3);
    for (int t = 0; t < 3; t++) {
      branch =
          Fixtures.play(
                  branch,
                  t == 0
                      ? Map.of("coach", 60.0, "report", 40.0)
                      : Map.of("push", 60.0, "report", 40.0))
              .next();
    }
    assertNotEquals(recorded, branch.stateHashHex());
    Game again = line.get(3);
    for (int t = 0; t < 3; t++) {
      again = Fixtures.play(again, Map.of("push", 60.0, "report", 40.0)).next();
    }
    assertEquals(recorded, again.stateHashHex(), "replaying the recorded decisions");
    assertEquals(recorded, g.stateHashHex(), "the original line never changed");
  }
}
