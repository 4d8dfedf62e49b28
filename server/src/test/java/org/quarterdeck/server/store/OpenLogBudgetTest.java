package org.quarterdeck.server.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store holds at most {@link StoreOptions#maxOpenLogs()} log files open however many sessions
 * write, loses no acknowledged record when it closes and reopens files, and recovers many logs
 * without keeping them open.
 */
class OpenLogBudgetTest {
  private static final int SESSIONS = 40;
  private static final int BUDGET = 4;

  @TempDir Path data;

  /** Descriptors this process holds on {@code .qlog} files of the data directory (Linux). */
  private long openLogDescriptors() throws IOException {
    Path sessions = data.resolve("sessions").toRealPath();
    long count = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          Path target = Files.readSymbolicLink(fd);
          if (target.startsWith(sessions) && target.toString().endsWith(".qlog")) {
            count++;
          }
        } catch (IOException e) {
          // the descriptor closed while listing (this listing's own, for one)
        }
      }
    }
    return count;
  }

  private static byte[] record(int session, int n) {
    return ("session " + session + " record " + n).getBytes(UTF_8);
  }

  @ParameterizedTest
  @EnumSource(FsyncMode.class)
  void manySessionsWriteThroughFewOpenFilesAndEveryAcknowledgedRecordIsThere(FsyncMode mode)
      throws Exception {
    StoreOptions options = StoreOptions.DEFAULTS.withFsyncMode(mode).withMaxOpenLogs(BUDGET);
    List<EventLog> logs = new ArrayList<>();
    try (EventStore store = EventStore.open(data, options)) {
      for (int s = 0; s < SESSIONS; s++) {
        logs.add(store.create("s" + s).get(10, TimeUnit.SECONDS));
      }
      assertTrue(openLogDescriptors() <= BUDGET, "open after creating: " + openLogDescriptors());
      // interleaved appends: every round touches every session, the worst case for an LRU
      for (int round = 0; round < 5; round++) {
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
          acks.add(logs.get(s).append(record(s, round)));
        }
        for (int s = 0; s < SESSIONS; s++) {
          assertEquals(round, acks.get(s).get(10, TimeUnit.SECONDS));
        }
        assertTrue(openLogDescriptors() <= BUDGET, "open in round " + round);
      }
      assertTrue(store.usage().openLogFiles() <= BUDGET);
      assertEquals(SESSIONS, store.usage().logFiles());
    }
    try (EventStore reopened = EventStore.open(data, options)) {
      for (int s = 0; s < SESSIONS; s++) {
        List<byte[]> records = reopened.read("s" + s).records();
        assertEquals(5, records.size());
        for (int round = 0; round < 5; round++) {
          assertEquals(new String(record(s, round), UTF_8), new String(records.get(round), UTF_8));
        }
      }
    }
  }

  @Test
  void recoveringManyLogsKeepsNoneOpenAndEachAppendsAfterItsLastRecord() throws Exception {
    StoreOptions options = StoreOptions.DEFAULTS.withMaxOpenLogs(BUDGET);
    try (EventStore store = EventStore.open(data, options)) {
      for (int s = 0; s < SESSIONS; s++) {
        EventLog log = store.create("s" + s).get(10, TimeUnit.SECONDS);
        log.append(record(s, 0)).get(10, TimeUnit.SECONDS);
      }
    }
    try (EventStore store = EventStore.open(data, options)) {
      List<EventLog> logs = new ArrayList<>();
      for (String id : store.sessionIds()) {
        RecoveredLog recovered = store.recover(id);
        assertEquals(1, recovered.contents().records().size());
        logs.add(recovered.log().orElseThrow());
      }
      assertEquals(0, openLogDescriptors(), "recovery keeps no file open");
      for (EventLog log : logs) {
        assertEquals(1L, log.append("after".getBytes(UTF_8)).get(10, TimeUnit.SECONDS));
      }
      assertTrue(openLogDescriptors() <= BUDGET);
    }
    try (EventStore store = EventStore.open(data, options)) {
      for (int s = 0; s < SESSIONS; s++) {
        List<byte[]> records = store.read("s" + s).records();
        assertEquals(
            List.of("session " + s + " record 0", "after"),
            records.stream().map(r -> new String(r, UTF_8)).toList());
      }
    }
  }

  @Test
  void usageCountsTheBytesOnDisk() throws Exception {
    try (EventStore store = EventStore.open(data, StoreOptions.DEFAULTS.withMaxOpenLogs(2))) {
      for (int s = 0; s < 5; s++) {
        EventLog log = store.create("s" + s).get(10, TimeUnit.SECONDS);
        log.append(new byte[100 * (s + 1)]).get(10, TimeUnit.SECONDS);
      }
      assertEquals(5, store.usage().logFiles());
      assertEquals(bytesOnDisk(), store.usage().logBytes());
    }
    try (EventStore store = EventStore.open(data, StoreOptions.DEFAULTS)) {
      assertEquals(bytesOnDisk(), store.usage().logBytes(), "counted again at start");
    }
  }

  private long bytesOnDisk() throws IOException {
    try (Stream<Path> files = Files.list(data.resolve("sessions"))) {
      long total = 0;
      for (Path f : (Iterable<Path>) files::iterator) {
        total += Files.size(f);
      }
      return total;
    }
  }
}
