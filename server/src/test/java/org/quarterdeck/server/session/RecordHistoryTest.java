package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.DecisionRecorded;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.TurnClosed;

class RecordHistoryTest {

  @Test
  void givesBackEveryRecordInOrderAcrossChunksOfEverySize() {
    RecordHistory history = new RecordHistory();
    List<SessionRecord> written = new ArrayList<>();
    // an uploaded scenario's text is larger than the largest chunk, so it gets a chunk of its own
    written.add(opened("x".repeat(200_000), 1));
    for (int i = 0; i < 5_000; i++) {
      written.add(decision(i));
    }
    written.add(
        SessionRecord.newBuilder()
            .setAtMs(9_000)
            .setTurnClosed(TurnClosed.newBuilder().setTurn(12))
            .build());
    written.forEach(history::add);

    assertEquals(written.size(), history.size());
    assertEquals(written, history.list());
    assertEquals(written.subList(0, 1_234), history.first(1_234));
    assertEquals(1, history.firstAtMs());
    assertEquals(9_000, history.lastAtMs());
  }

  @Test
  void isEmptyUntilARecordIsAddedAndCanBeReplacedByARebuiltLog() {
    RecordHistory history = new RecordHistory();
    assertTrue(history.isEmpty());
    assertEquals(-1, history.lastAtMs());
    assertEquals(List.of(), history.list());

    history.add(opened("", 5));
    List<SessionRecord> rebuilt = List.of(opened("", 7), opened("", 8));
    history.replaceWith(rebuilt);

    assertEquals(rebuilt, history.list());
    assertEquals(7, history.firstAtMs());
    assertEquals(8, history.lastAtMs());
    assertThrows(IndexOutOfBoundsException.class, () -> history.first(3));
  }

  @Test
  void aSecondListGivesTheRecordsWrittenSinceAndLeavesTheFirstListAsItWas() {
    RecordHistory history = new RecordHistory();
    List<SessionRecord> written = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      SessionRecord r = decision(i);
      written.add(r);
      // the live session hands over the bytes it serialized for the journal
      history.add(r.toByteArray(), r.getAtMs());
      if (i == 999 || i == 1_000 || i == 2_345) {
        List<SessionRecord> sofar = history.list();
        assertEquals(written, sofar);
        assertThrows(UnsupportedOperationException.class, () -> sofar.add(decision(-1)));
      }
    }
    List<SessionRecord> before = history.list();
    history.add(decision(3_000));

    assertEquals(3_000, before.size());
    assertEquals(3_001, history.list().size());
    assertEquals(decision(3_000), history.list().get(3_000));
    assertEquals(written.subList(0, 2_500), history.first(2_500));
    assertEquals(2, history.firstAtMs());
    assertEquals(3_002, history.lastAtMs());
  }

  @Test
  void aRebuiltLogReplacesWhatAnEarlierListParsed() {
    RecordHistory history = new RecordHistory();
    history.add(decision(1));
    history.add(decision(2));
    assertEquals(List.of(decision(1), decision(2)), history.list());

    history.replaceWith(List.of(decision(7)));
    history.add(decision(8).toByteArray(), decision(8).getAtMs());

    assertEquals(List.of(decision(7), decision(8)), history.list());
  }

  private static SessionRecord decision(int i) {
    return SessionRecord.newBuilder()
        .setAtMs(2 + i)
        .setDecision(DecisionRecorded.newBuilder().setTurn(i % 12 + 1).setVersion(i))
        .build();
  }

  private static SessionRecord opened(String scenarioText, long atMs) {
    return SessionRecord.newBuilder()
        .setAtMs(atMs)
        .setOpened(SessionOpened.newBuilder().setSessionId("s-1").setScenarioText(scenarioText))
        .build();
  }
}
