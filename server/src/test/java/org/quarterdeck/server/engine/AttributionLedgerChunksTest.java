package org.quarterdeck.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A ledger with more entries than a few whole chunks (a large session, or a turn that records far
 * more than {@link AttributionLedger#ENTRIES_PER_TEAM} per team) keeps every entry with its team,
 * variable, label and origin turn.
 */
class AttributionLedgerChunksTest {
  private static final Rules RULES = Fixtures.rules();

  @Test
  void entriesPastSeveralWholeChunksKeepTheirTeamVariableLabelAndTurn() {
    for (int teams : new int[] {1, 3, 127, 128, 129, 300}) {
      int perTeam = 3 * AttributionLedger.CHUNK / teams + 1;
      AttributionLedger ledger = new AttributionLedger(teams);
      for (int k = 0; k < perTeam; k++) {
        for (int t = 0; t < teams; t++) {
          // team t records on morale (even k) and trust (odd k), from turns 1..3, worth k + t
          Var var = k % 2 == 0 ? Var.MORALE : Var.TRUST;
          ledger.add(t, var.ordinal(), Cause.NO_RECOGNITION.ordinal(), 1 + k % 3, k + t);
        }
      }
      for (int t = 0; t < teams; t++) {
        List<Attribution>[] byVar = ledger.contributions(t, RULES);
        for (Var var : new Var[] {Var.MORALE, Var.TRUST}) {
          double[] expected = new double[4]; // by origin turn
          for (int k = var == Var.MORALE ? 0 : 1; k < perTeam; k += 2) {
            expected[1 + k % 3] += k + t;
          }
          double[] got = new double[4];
          for (Attribution a : byVar[var.ordinal()]) {
            assertEquals(Cause.NO_RECOGNITION, a.cause());
            got[a.originTurn()] += a.amount();
          }
          for (int turn = 1; turn <= 3; turn++) {
            assertEquals(
                expected[turn], got[turn], teams + " teams, team " + t + ", " + var + ", " + turn);
          }
        }
      }
    }
  }
}
