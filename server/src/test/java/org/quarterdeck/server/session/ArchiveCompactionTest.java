package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SpectatorAdmitted;
import org.quarterdeck.server.replay.Reenactment;
import org.quarterdeck.server.replay.Timeline;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreOptions;

/**
 * An archived session's log, written the old way (the built-in scenario's text copied in, and
 * spectator admissions), is rewritten without them and still replays and recovers.
 */
class ArchiveCompactionTest {
  private final ManualThread thread = new ManualThread();
  private final SessionLimits limits = new SessionLimits(10, 10, 10, Duration.ofMinutes(30));
  private long requestIds = 1;

  /** Replies wait for the store's fsync, which completes on its own thread. */
  private ServerMessage send(SessionManager m, FakeConnection c, ClientMessage.Builder message)
      throws InterruptedException {
    long id = requestIds++;
    m.handle(c, message.setRequestId(id).build());
    return c.awaitReply(id);
  }

  private SessionManager manager(EventStore store) {
    return new SessionManager(
        () -> thread,
        new EventStoreJournals(store),
        null,
        100,
        20,
        Runnable::run,
        limits,
        thread::nowMillis);
  }

  @Test
  void anArchivedOldStyleLogIsCompactedAndStillReplays(@TempDir Path data) throws Exception {
    String id;
    String token;
    try (EventStore store = EventStore.open(data, StoreOptions.DEFAULTS)) {
      SessionManager first = manager(store);
      FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
      ServerMessage created =
          send(
              first,
              facilitator,
              ClientMessage.newBuilder()
                  .setCreateSession(
                      CreateSession.newBuilder()
                          .setSettings(SessionSettings.newBuilder().setTeams(3))));
      id = created.getSessionCreated().getSessionId();
      token = created.getSessionCreated().getFacilitatorToken();
      send(
          first,
          facilitator,
          ClientMessage.newBuilder()
              .setResume(
                  Resume.newBuilder().setToken(created.getSessionCreated().getFacilitatorToken())));
      send(
          first,
          facilitator,
          ClientMessage.newBuilder()
              .setFacilitator(
                  FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
      send(
          first,
          facilitator,
          ClientMessage.newBuilder()
              .setFacilitator(FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())));
      // the ack is sent before SessionClosed is written (and the store's acknowledgement
      // thread may run the session's work): wait for the record before closing the store
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!lastIsClosed(store, id) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(lastIsClosed(store, id), "SessionClosed is in the log");
    }
    List<SessionRecord> oldStyle = new ArrayList<>();
    try (EventStore store = EventStore.open(data, StoreOptions.DEFAULTS)) {
      // the log as servers before this change wrote it
      List<byte[]> records = store.read(id).records();
      SessionRecord opened = SessionRecord.parseFrom(records.get(0));
      String text =
          TextFormat.printer().printToString(ScenarioCatalog.builtIn("market-year").scenario());
      oldStyle.add(
          opened.toBuilder()
              .setOpened(opened.getOpened().toBuilder().setScenarioText(text).clearScenarioSha256())
              .build());
      oldStyle.add(
          SessionRecord.newBuilder()
              .setSpectatorAdmitted(SpectatorAdmitted.newBuilder().setTokenHash("ab".repeat(32)))
              .build());
      for (int i = 1; i < records.size(); i++) {
        oldStyle.add(SessionRecord.parseFrom(records.get(i)));
      }
      List<byte[]> bytes = new ArrayList<>();
      oldStyle.forEach(r -> bytes.add(r.toByteArray()));
      store.rewrite(id, bytes);
    }
    Path file = data.resolve("sessions").resolve(id + ".qlog");
    long oldSize = Files.size(file);

    try (EventStore store = EventStore.open(data, StoreOptions.DEFAULTS)) {
      SessionManager restarted = manager(store);
      assertEquals(1, restarted.recoverAll());
      thread.advanceSeconds(31 * 60);
      assertEquals(1, restarted.archivedSessionCount());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (Files.size(file) == oldSize && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(Files.size(file) < oldSize / 2, Files.size(file) + " of " + oldSize + " bytes");
      List<SessionRecord> compacted = new ArrayList<>();
      for (byte[] b : store.read(id).records()) {
        compacted.add(SessionRecord.parseFrom(b));
      }
      assertEquals(oldStyle.size() - 1, compacted.size());
      assertEquals("", compacted.get(0).getOpened().getScenarioText());
      assertEquals(64, compacted.get(0).getOpened().getScenarioSha256().length());
      assertFalse(compacted.stream().anyMatch(SessionRecord::hasSpectatorAdmitted));
      assertEquals(
          new Reenactment(Timeline.of(oldStyle)).actual(),
          new Reenactment(Timeline.of(compacted)).actual(),
          "the same frames replay");
    }
    try (EventStore store = EventStore.open(data, StoreOptions.DEFAULTS)) {
      SessionManager again = manager(store);
      assertEquals(1, again.recoverAll(), "the compacted log recovers");
      assertTrue(again.quarantined().isEmpty());
      assertEquals(1, again.archivedSessionCount(), "kept as its summary, past its time");
      assertTrue(
          again.export(id, token, SessionManager.ExportFormat.JSON).get().contains(id),
          "read from the compacted log when asked");
    }
  }

  private static boolean lastIsClosed(EventStore store, String id) throws Exception {
    List<byte[]> records = store.read(id).records();
    return !records.isEmpty()
        && SessionRecord.parseFrom(records.get(records.size() - 1)).hasClosed();
  }
}
