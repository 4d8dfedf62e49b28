package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClockChanged;
import org.quarterdeck.protocol.v1.DecisionRecorded;
import org.quarterdeck.protocol.v1.SeatRef;
import org.quarterdeck.protocol.v1.SeatTaken;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SpectatorAdmitted;
import org.quarterdeck.protocol.v1.TurnStarted;

/**
 * The index reads a record's event and a few of its fields from the bytes as parsing would give
 * them: on every record (and every concatenation of records, which parses as one merged record) the
 * walk and the parse agree, and bytes that parse never fail the walk.
 */
class RecordBytesTest {
  private static final List<SessionRecord> RECORDS =
      List.of(
          SessionRecord.newBuilder()
              .setAtMs(1_700_000_000_000L)
              .setOpened(
                  SessionOpened.newBuilder()
                      .setSessionId("s-1")
                      .setJoinCode("ABCD2345")
                      .setFacilitatorTokenHash("f00d")
                      .setScenarioSource("/scenarios/market-year.textproto")
                      .addTeamIds("t1")
                      .addTeamIds("t2")
                      .setSeed(42))
              .build(),
          SessionRecord.newBuilder()
              .setAtMs(1)
              .setSeatTaken(
                  SeatTaken.newBuilder()
                      .setSeat(SeatRef.newBuilder().setTeam(1))
                      .setDisplayName("Zoë")
                      .setTokenHash("beef"))
              .build(),
          SessionRecord.newBuilder()
              .setSpectatorAdmitted(SpectatorAdmitted.newBuilder().setTokenHash("cafe"))
              .build(),
          SessionRecord.newBuilder()
              .setAtMs(2)
              .setTurnStarted(TurnStarted.newBuilder().setTurn(3).setDeadlineMs(1_700_000_060_000L))
              .build(),
          SessionRecord.newBuilder()
              .setClock(
                  ClockChanged.newBuilder()
                      .setChange(ClockChanged.Change.PAUSED)
                      .setRemainingMs(30_000))
              .build(),
          SessionRecord.newBuilder()
              .setClock(
                  ClockChanged.newBuilder()
                      .setChange(ClockChanged.Change.EXTENDED)
                      .setDeadlineMs(-5))
              .build(),
          SessionRecord.newBuilder()
              .setDecision(DecisionRecorded.newBuilder().setTurn(2).setVersion(3).setBot(true))
              .build(),
          SessionRecord.getDefaultInstance());

  /** Every event field and sub-field the index reads, with its kind. */
  private static void assertWalkIsParse(byte[] bytes) throws InvalidProtocolBufferException {
    SessionRecord parsed = SessionRecord.parseFrom(bytes);
    StoredLog walked = StoredLog.unparsed(1, i -> ByteString.copyFrom(bytes), null, null);
    StoredLog kept = StoredLog.of(new Journals.Stored(List.of(parsed), null, null));
    for (StoredLog log : List.of(walked, kept)) {
      assertEquals(parsed.getEventCase(), log.eventCase(0));
      for (SessionRecord.EventCase event : SessionRecord.EventCase.values()) {
        if (event == SessionRecord.EventCase.EVENT_NOT_SET) {
          continue;
        }
        boolean here = parsed.getEventCase() == event;
        switch (event) {
          case OPENED -> {
            assertEquals(
                here ? parsed.getOpened().getJoinCode() : "",
                log.eventString(0, event, SessionOpened.JOIN_CODE_FIELD_NUMBER));
            assertEquals(
                here ? parsed.getOpened().getFacilitatorTokenHash() : "",
                log.eventString(0, event, SessionOpened.FACILITATOR_TOKEN_HASH_FIELD_NUMBER));
          }
          case SEAT_TAKEN ->
              assertEquals(
                  here ? parsed.getSeatTaken().getTokenHash() : "",
                  log.eventString(0, event, SeatTaken.TOKEN_HASH_FIELD_NUMBER));
          case SPECTATOR_ADMITTED ->
              assertEquals(
                  here ? parsed.getSpectatorAdmitted().getTokenHash() : "",
                  log.eventString(0, event, SpectatorAdmitted.TOKEN_HASH_FIELD_NUMBER));
          case TURN_STARTED ->
              assertEquals(
                  here ? parsed.getTurnStarted().getDeadlineMs() : 0,
                  log.eventNumber(0, event, TurnStarted.DEADLINE_MS_FIELD_NUMBER));
          case CLOCK -> {
            assertEquals(
                here ? parsed.getClock().getChangeValue() : 0,
                log.eventNumber(0, event, ClockChanged.CHANGE_FIELD_NUMBER));
            assertEquals(
                here ? parsed.getClock().getDeadlineMs() : 0,
                log.eventNumber(0, event, ClockChanged.DEADLINE_MS_FIELD_NUMBER));
          }
          default -> {}
        }
      }
    }
  }

  @Test
  void everyKindOfRecordReadsAsItParses() throws Exception {
    for (SessionRecord r : RECORDS) {
      assertWalkIsParse(r.toByteArray());
    }
  }

  @Property(tries = 500)
  void recordsOneAfterAnotherReadAsTheirMergedParse(@ForAll("concatenations") byte[] bytes)
      throws Exception {
    // the last event decides; every occurrence of its field merges, field by field
    assertWalkIsParse(bytes);
  }

  @Provide
  Arbitrary<byte[]> concatenations() {
    return Arbitraries.integers()
        .between(0, RECORDS.size() - 1)
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(
            picks -> {
              ByteString all = ByteString.EMPTY;
              for (int p : picks) {
                all = all.concat(RECORDS.get(p).toByteString());
              }
              return all.toByteArray();
            });
  }

  @Property(tries = 1000)
  void bytesThatParseAlwaysWalkAndAgree(@ForAll("damaged") byte[] bytes) throws Exception {
    try {
      SessionRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return; // a record that does not parse: its rebuild quarantines the session
    }
    assertWalkIsParse(bytes);
  }

  @Provide
  Arbitrary<byte[]> damaged() {
    return Combinators.combine(
            Arbitraries.integers().between(0, RECORDS.size() - 2),
            Arbitraries.integers().between(0, 200),
            Arbitraries.bytes())
        .as(
            (pick, at, value) -> {
              byte[] b = RECORDS.get(pick).toByteArray();
              if (b.length > 0) {
                b[at % b.length] = value;
              }
              return b;
            });
  }

  @Test
  void aLengthThatRunsPastTheRecordDoesNotWalk() {
    byte[] bytes = RECORDS.get(1).toByteArray();
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 2);
    assertThrows(InvalidProtocolBufferException.class, () -> SessionRecord.parseFrom(cut));
    assertThrows(
        InvalidProtocolBufferException.class,
        () -> RecordBytes.eventString(ByteString.copyFrom(cut), 11, 3));
    assertThrows(
        InvalidProtocolBufferException.class,
        () -> RecordBytes.eventField(ByteString.copyFrom(cut)));
  }
}
