package org.quarterdeck.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.replay.Reenactment;
import org.quarterdeck.server.replay.Timeline;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.session.SessionClock;
import org.quarterdeck.server.session.SessionManager;
import org.quarterdeck.server.store.EventLog;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.FsyncMode;
import org.quarterdeck.server.store.LogReadResult;
import org.quarterdeck.server.store.RecoveredLog;
import org.quarterdeck.server.store.StoreOptions;

/**
 * Fuzzes the session log reader, which reads whatever is on disk after a crash: arbitrary bytes and
 * logs of a real game with records dropped, repeated, swapped or bit-flipped. The store sorts any
 * file into records, a torn tail or corruption (never an unexpected exception, never more bytes
 * than the file has); the records that parse either replay or fail with the replay's own typed
 * error.
 */
class SessionLogFuzzTest {
  private static Path data;
  private static EventStore store;
  private static List<byte[]> game;
  private static byte[] header;
  private static final AtomicLong IDS = new AtomicLong();

  @BeforeContainer
  static void openStore() throws Exception {
    data = Files.createTempDirectory("qd-log-fuzz");
    store = EventStore.open(data, StoreOptions.DEFAULTS.withFsyncMode(FsyncMode.OFF));
    game = recordedGame();
    String id = "header";
    EventLog log = store.create(id).get(10, TimeUnit.SECONDS);
    log.close().get(10, TimeUnit.SECONDS);
    header = Files.readAllBytes(store.logFile(id));
  }

  @AfterContainer
  static void closeStore() throws IOException {
    store.close();
    try (var files = Files.walk(data)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A whole game of four bot teams, as its session wrote it. */
  static List<byte[]> recordedGame() throws Exception {
    ManualLoop loop = new ManualLoop();
    Journals journals = Journals.inMemory();
    SessionManager manager = new SessionManager(() -> loop, journals, null, 10, 10);
    String id =
        manager
            .create(
                CreateSession.newBuilder()
                    .setSettings(
                        SessionSettings.newBuilder().setTeams(4).setTurnDeadlineSeconds(60))
                    .build())
            .get()
            .sessionId();
    manager.start(id).get();
    loop.runAll();
    List<byte[]> records = new ArrayList<>();
    for (SessionRecord r : journals.read(id).records()) {
      records.add(r.toByteArray());
    }
    assertTrue(records.size() > 20, "a whole game: " + records.size() + " records");
    return records;
  }

  /** The target for a whole file: read it, recover it, decode and replay what it holds. */
  static String readAndReplay(byte[] file) {
    String id = "f" + IDS.incrementAndGet();
    try {
      Files.write(store.logFile(id), file);
      LogReadResult read = store.read(id);
      assertTrue(read.validBytes() <= file.length, "valid bytes within the file");
      if (read.isCorrupt()) {
        return "corrupt";
      }
      RecoveredLog recovered = store.recover(id);
      assertEquals(read.records().size(), recovered.contents().records().size());
      recovered.log().ifPresent(EventLog::close);
      return replay(read.records());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(store.logFile(id));
      } catch (IOException ignored) {
        // a temporary directory
      }
    }
  }

  /** Decodes records and replays them; returns how it ended, throws on anything unexpected. */
  static String replay(List<byte[]> bytes) {
    List<SessionRecord> records = new ArrayList<>();
    for (byte[] b : bytes) {
      try {
        records.add(SessionRecord.parseFrom(b));
      } catch (InvalidProtocolBufferException e) {
        return "record does not parse";
      }
    }
    Timeline timeline;
    try {
      timeline = Timeline.of(records);
    } catch (IllegalArgumentException e) {
      return "no SessionOpened";
    }
    try {
      new Reenactment(timeline).actual();
      return "replays";
    } catch (Reenactment.ReenactmentException e) {
      return "refused by the replay";
    }
  }

  static Arbitrary<byte[]> anyBytes() {
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(4096);
    return Combinators.combine(raw, Arbitraries.of(true, false))
        .as(
            (b, withHeader) -> {
              if (!withHeader) {
                return b;
              }
              byte[] out = new byte[header.length + b.length];
              System.arraycopy(header, 0, out, 0, header.length);
              System.arraycopy(b, 0, out, header.length, b.length);
              return out;
            });
  }

  /** The recorded game, its records edited; framed as a valid log or with bytes flipped. */
  static Arbitrary<byte[]> mutatedGame() {
    Arbitrary<List<Integer>> edits =
        Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(5);
    return Combinators.combine(edits, Arbitraries.integers().between(0, 2))
        .as(SessionLogFuzzTest::mutate);
  }

  static byte[] mutate(List<Integer> edits, int framing) {
    List<byte[]> records = new ArrayList<>(game);
    for (int e : edits) {
      int at = e % records.size();
      switch ((e / records.size()) % 5) {
        case 0 -> {
          if (records.size() > 1) {
            records.remove(at);
          }
        }
        case 1 -> records.add(at, records.get(at));
        case 2 -> {
          int other = (e / 13) % records.size();
          byte[] a = records.get(at);
          records.set(at, records.get(other));
          records.set(other, a);
        }
        default -> {
          byte[] r = records.get(at).clone();
          if (r.length > 0) {
            r[(e / 7) % r.length] ^= (byte) (1 << ((e / 3) % 8));
          }
          records.set(at, r);
        }
      }
    }
    byte[] file = frame(records);
    if (framing == 1) {
      // a flipped byte in the file itself (header, a frame header or a checksum)
      int at = edits.get(0) % file.length;
      file[at] ^= (byte) (1 << (edits.get(0) % 8));
    } else if (framing == 2) {
      file = java.util.Arrays.copyOf(file, edits.get(0) % (file.length + 1));
    }
    return file;
  }

  /** Frames records exactly as the store does, by writing them through a store. */
  static byte[] frame(List<byte[]> records) {
    String id = "m" + IDS.incrementAndGet();
    try {
      EventLog log = store.create(id).get(10, TimeUnit.SECONDS);
      for (byte[] r : records) {
        log.append(r);
      }
      log.close().get(10, TimeUnit.SECONDS);
      byte[] file = Files.readAllBytes(store.logFile(id));
      Files.delete(store.logFile(id));
      return file;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Property(tries = 300)
  void anyFileIsSortedIntoRecordsATornTailOrCorruption(@ForAll("anyBytes") byte[] file) {
    Statistics.collect(readAndReplay(file));
  }

  @Property(tries = 150)
  void anEditedGameReplaysOrIsRefusedWithATypedError(@ForAll("mutatedGame") byte[] file) {
    Statistics.collect(readAndReplay(file));
  }

  @Provide("anyBytes")
  Arbitrary<byte[]> anyBytesProvider() {
    return anyBytes();
  }

  @Provide("mutatedGame")
  Arbitrary<byte[]> mutatedGameProvider() {
    return mutatedGame();
  }

  /** The on-demand run: {@code scripts/fuzz-inputs.sh} sets quarterdeck.fuzz.seconds. */
  @Test
  void timedRun() throws Exception {
    Assumptions.assumeTrue(TimedFuzz.SECONDS > 0, "on demand only (scripts/fuzz-inputs.sh)");
    openStore();
    try {
      TimedFuzz.Figures bytes =
          TimedFuzz.run(
              "log-bytes", anyBytes(), SessionLogFuzzTest::readAndReplay, TimedFuzz.SECONDS / 2);
      TimedFuzz.Figures edited =
          TimedFuzz.run(
              "log-edited-game",
              mutatedGame(),
              SessionLogFuzzTest::readAndReplay,
              TimedFuzz.SECONDS - TimedFuzz.SECONDS / 2);
      assertEquals(0, bytes.crashes() + bytes.hangs() + edited.crashes() + edited.hangs());
    } finally {
      closeStore();
    }
  }

  /** A session thread whose timers run when the test says: the whole game, without waiting. */
  private static final class ManualLoop implements SessionManager.SessionThread, SessionClock {
    private long now = 1_700_000_000_000L;
    private long order;
    private final PriorityQueue<long[]> due =
        new PriorityQueue<>(
            (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    private final java.util.Map<Long, Runnable> tasks = new java.util.HashMap<>();

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public SessionClock clock() {
      return this;
    }

    @Override
    public boolean inThread() {
      return true;
    }

    @Override
    public long nowMillis() {
      return now;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMillis) {
      long id = order++;
      due.add(new long[] {now + Math.max(0, delayMillis), id});
      tasks.put(id, task);
      return () -> tasks.remove(id);
    }

    void runAll() {
      for (int i = 0; i < 10_000 && !due.isEmpty(); i++) {
        long[] next = due.poll();
        now = Math.max(now, next[0]);
        Runnable task = tasks.remove(next[1]);
        if (task != null) {
          task.run();
        }
      }
    }
  }
}
