package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.session.SessionFixture.even;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.session.SessionFixture.Player;
import org.quarterdeck.server.store.EventLog;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreOptions;

/**
 * A log read at start is indexed without parsing most of its records: the kind of each record is
 * read from its field tags, and the rest is parsed when the session is rebuilt. A record the store
 * verified but that does not parse quarantines its session then; a checksum that fails still does
 * at start.
 */
class StoredLogTest {
  @TempDir Path data;

  /** A played game's records: a seat, decisions, a deadline, a pause, a resumption. */
  private static SessionFixture playedGame() {
    SessionFixture f = new SessionFixture();
    f.givenSession(
        SessionSettings.newBuilder()
            .setTeams(2)
            .setTurnDeadlineSeconds(60)
            .setSeed(9)
            .addBotStrategies("adaptive")
            .build());
    Player ana = f.join("Ana");
    f.start();
    f.submit(ana, 1, 1, even(f.lastOpening(ana)));
    f.thread.advanceSeconds(60);
    f.send(
        f.facilitator,
        ClientMessage.newBuilder()
            .setFacilitator(FacilitatorCommand.newBuilder().setPause(Empty.getDefaultInstance())));
    f.send(
        f.facilitator,
        ClientMessage.newBuilder()
            .setFacilitator(FacilitatorCommand.newBuilder().setResume(Empty.getDefaultInstance())));
    return f;
  }

  /** Writes {@code payloads} as one session's log of a fresh store under {@link #data}. */
  private void store(String id, List<byte[]> payloads) throws Exception {
    try (EventStore store = EventStore.open(data, StoreOptions.DEFAULTS)) {
      EventLog log = store.create(id).get(10, TimeUnit.SECONDS);
      for (byte[] p : payloads) {
        log.append(p).get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static List<byte[]> bytes(List<SessionRecord> records) {
    List<byte[]> out = new ArrayList<>();
    records.forEach(r -> out.add(r.toByteArray()));
    return out;
  }

  @Test
  void theKindOfEveryRecordIsReadWithoutParsingItAndTheParseIsTheLog() throws Exception {
    SessionFixture f = playedGame();
    List<SessionRecord> records = f.journal();
    assertTrue(
        records.stream().map(SessionRecord::getEventCase).distinct().count() >= 6,
        "the game wrote records of many kinds: " + records);
    String id = f.created.getSessionId();
    store(id, bytes(records));

    try (EventStoreJournals journals =
        new EventStoreJournals(EventStore.open(data, StoreOptions.DEFAULTS))) {
      StoredLog log = journals.recoverUnparsed(id);
      assertEquals(records.size(), log.size());
      for (int i = 0; i < records.size(); i++) {
        assertEquals(records.get(i).getEventCase(), log.eventCase(i), "record " + i);
        assertEquals(records.get(i), log.record(i), "record " + i);
      }
      assertEquals(records, log.parsed().records());
    }
  }

  @Test
  void aRecordThatDoesNotParseQuarantinesItsSessionWhenItIsRebuilt() throws Exception {
    SessionFixture f = playedGame();
    List<byte[]> payloads = bytes(f.journal());
    // field 15 (a DecisionRecorded) whose two bytes are no message: its tags walk, it does not
    // parse
    payloads.add(payloads.size() - 1, new byte[] {0x7A, 0x02, 0x0F, 0x00});
    String id = f.created.getSessionId();
    store(id, payloads);

    try (EventStoreJournals journals =
        new EventStoreJournals(EventStore.open(data, StoreOptions.DEFAULTS))) {
      ManualThread thread = new ManualThread();
      SessionManager restarted = new SessionManager(() -> thread, journals, null, 100, 5);
      restarted.serveWhileRebuilding(1, task -> {});
      assertEquals(1, restarted.sessionsToRebuild(), "indexed and served, not parsed yet");
      assertTrue(restarted.quarantined().isEmpty());

      ServerMessage reply = SessionFixture.resume(restarted, f.created.getFacilitatorToken());
      assertEquals(ErrorCode.UNAVAILABLE, reply.getError().getCode(), reply.toString());
      assertTrue(reply.getError().getMessage().contains("quarantined"), reply.toString());
      String problem = restarted.quarantined().get(id);
      assertTrue(problem.contains("record " + (payloads.size() - 2) + " does not parse"), problem);
      assertEquals(0, restarted.sessionsToRebuild());
      assertEquals(0, restarted.sessionCount());
    }
  }

  @Test
  void aChecksumThatFailsStillQuarantinesItsSessionAtStart() throws Exception {
    SessionFixture f = playedGame();
    String id = f.created.getSessionId();
    store(id, bytes(f.journal()));
    Path file = data.resolve("sessions").resolve(id + ".qlog");
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      channel.read(b, 40); // inside the first record, which more records follow
      channel.write(ByteBuffer.wrap(new byte[] {(byte) ~b.get(0)}), 40);
    }

    try (EventStoreJournals journals =
        new EventStoreJournals(EventStore.open(data, StoreOptions.DEFAULTS))) {
      ManualThread thread = new ManualThread();
      SessionManager restarted = new SessionManager(() -> thread, journals, null, 100, 5);
      restarted.serveWhileRebuilding(1, task -> {});
      assertEquals(0, restarted.sessionsToRebuild());
      assertTrue(
          restarted.quarantined().getOrDefault(id, "").contains("corrupt log"),
          restarted.quarantined().toString());
    }
  }
}
