package org.quarterdeck.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.server.scenario.ScenarioCatalog;

/**
 * The state hash is what a replay and {@code verify} compare with the hash a log recorded, so its
 * function and encoding must not change while the model version stays the same. The expected values
 * were computed by the hash as it was before it was made cheaper (commit a9f096c, model version 2):
 * three built-in scenarios, three teams, every seat on its default decision.
 */
class StateHashCompatibilityTest {
  private static final int RECORDED_WITH_MODEL = 2;

  @Test
  void hashesWhatOlderLogsRecorded() throws Exception {
    // a new model version replays no older log, so these values would no longer apply
    assumeTrue(ModelVersion.CURRENT == RECORDED_WITH_MODEL, "the model changed since");
    assertEquals(
        List.of(
            "e618100b297b72665f29a2e6bd3de5c3cf96a997d0dcceb192486528f864204e",
            "fd64c56d22743ebe3f1d296a63e98cf5d89659dc3f0593fdae4e3ad711a0334a"),
        hashesAfterTurnOneAndAtTheEnd("market-year"));
    assertEquals(
        List.of(
            "aba64d91f94e6b3410c476589285fe3d82c9f0eb55a4c20186010ef2ca05116b",
            "6744902e98163c79b1275f68b6ae76978dbfc0bf01aa6ec47fe635f17bb1c287"),
        hashesAfterTurnOneAndAtTheEnd("two-hats"));
    assertEquals(
        List.of(
            "49bb1f1eb5bd1ff1e877c8720d14af14b24e99135f3d1bdafcf5457d836f8bcb",
            "4ab0820a3731fbca5dfcfb39a8856c833e823d48a5163751743f7cf22c0aa83a"),
        hashesAfterTurnOneAndAtTheEnd("company"));
  }

  private static List<String> hashesAfterTurnOneAndAtTheEnd(String scenario) throws Exception {
    Rules rules = ScenarioCatalog.builtIn(scenario).rules();
    Game g = Game.start(rules, 20261202L, List.of("red", "blue", "gold"));
    List<String> hashes = new ArrayList<>();
    while (!g.isOver()) {
      g = g.resolve(List.of(), List.of()).next();
      if (g.turn() == 2 || g.isOver()) {
        hashes.add(g.stateHashHex());
      }
    }
    return hashes;
  }
}
