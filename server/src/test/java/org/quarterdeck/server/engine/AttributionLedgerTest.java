package org.quarterdeck.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ledger starts small for a small session and grows past its first chunk and across chunk
 * boundaries without losing or misplacing an entry.
 */
class AttributionLedgerTest {
  private static final Rules RULES = Fixtures.rules();

  @Test
  void keepsEveryEntryOfEveryTeamWhateverItsSize() {
    for (int teams : new int[] {1, 2, 15, 16, 17, 60}) {
      // enough entries to grow the first chunk several times and fill a few whole chunks
      int perTeam = 3 * 1024 / teams + AttributionLedger.ENTRIES_PER_TEAM * 2;
      AttributionLedger ledger = new AttributionLedger(teams);
      for (int k = 0; k < perTeam; k++) {
        for (int t = 0; t < teams; t++) {
          // two causes alternate on morale; every entry of team t is worth t + 1
          Cause cause = k % 2 == 0 ? Cause.NO_RECOGNITION : Cause.WORKLOAD_STRESS;
          ledger.add(t, Var.MORALE.ordinal(), cause.ordinal(), 1, t + 1.0);
        }
      }
      for (int t = 0; t < teams; t++) {
        List<Attribution>[] byVar = ledger.contributions(t, RULES);
        List<Attribution> morale = byVar[Var.MORALE.ordinal()];
        assertEquals(2, morale.size(), teams + " teams, team " + t);
        double total = morale.get(0).amount() + morale.get(1).amount();
        assertEquals(perTeam * (t + 1.0), total, 1e-9, teams + " teams, team " + t);
        assertEquals(perTeam - perTeam / 2, Math.round(morale.get(0).amount() / (t + 1.0)));
        assertNull(byVar[Var.TRUST.ordinal()], "nothing was recorded on trust");
      }
    }
  }
}
