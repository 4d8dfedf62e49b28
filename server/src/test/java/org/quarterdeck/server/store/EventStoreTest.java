package org.quarterdeck.server.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.store.LogBytes.assertRecords;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

class EventStoreTest {
  @TempDir Path data;

  private final FaultyFiles files = new FaultyFiles();
  private final List<EventStore> stores = new ArrayList<>();

  @AfterEach
  void closeStores() {
    stores.forEach(EventStore::close);
  }

  private EventStore open(StoreOptions options) throws IOException {
    EventStore store = EventStore.open(data, options, files);
    stores.add(store);
    return store;
  }

  private EventStore open(FsyncMode mode) throws IOException {
    return open(StoreOptions.DEFAULTS.withFsyncMode(mode));
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  private static byte[] record(String text) {
    return text.getBytes(UTF_8);
  }

  private static StoreException failure(CompletableFuture<?> future) throws Exception {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
    return assertInstanceOf(StoreException.class, e.getCause());
  }

  @ParameterizedTest
  @EnumSource(FsyncMode.class)
  void recordsSurviveReopeningAndAppendingGoesOnAfterThem(FsyncMode mode) throws Exception {
    EventStore store = open(mode);
    EventLog log = await(store.create("s1"));
    assertEquals(0L, await(log.append(record("a"))));
    assertEquals(1L, await(log.append(record("b"))));
    assertEquals(2L, await(log.append(record("c"))));
    store.close();

    EventStore reopened = open(mode);
    assertEquals(List.of("s1"), reopened.sessionIds());
    RecoveredLog recovered = reopened.recover("s1");
    assertRecords(List.of(record("a"), record("b"), record("c")), recovered.contents().records());
    assertTrue(recovered.contents().tornTail().isEmpty());
    EventLog again = recovered.log().orElseThrow();
    assertEquals(3L, await(again.append(record("d"))));
    await(again.close());
    assertRecords(
        List.of(record("a"), record("b"), record("c"), record("d")), reopened.read("s1").records());
  }

  @Test
  void aReadLogSharesOneArrayAndHandsOutCopiesAndPayloadsOfTheSameBytes() throws Exception {
    EventStore store = open(FsyncMode.BATCH);
    EventLog log = await(store.create("s1"));
    for (int i = 0; i < 100; i++) { // past the reader's first 64 slots
      await(log.append(record("record " + i)));
    }
    LogReadResult read = store.read("s1");
    assertEquals(100, read.records().size());
    for (int i = 0; i < 100; i++) {
      assertArrayEquals(record("record " + i), read.payload(i).toByteArray());
      assertArrayEquals(record("record " + i), read.records().get(i));
    }
    read.records().get(5)[0] = 'X'; // the caller's copy
    assertArrayEquals(record("record 5"), read.records().get(5));
    assertArrayEquals(record("record 5"), read.payload(5).toByteArray());
    assertThrows(IndexOutOfBoundsException.class, () -> read.payload(100));
  }

  @Test
  void creatingALogThatExistsFails() throws Exception {
    EventStore store = open(FsyncMode.BATCH);
    EventLog log = await(store.create("s1"));
    assertInstanceOf(LogAlreadyExistsException.class, failure(store.create("s1")));
    await(log.close());
    StoreException onDisk = failure(store.create("s1"));
    assertInstanceOf(LogAlreadyExistsException.class, onDisk);
    assertEquals("s1", onDisk.sessionId());
    assertThrows(IllegalArgumentException.class, () -> store.create("../etc/passwd"));
  }

  @Test
  void batchModeFsyncsOncePerBatchNotOncePerRecord() throws Exception {
    EventStore store = open(FsyncMode.BATCH);
    EventLog log = await(store.create("s1"));
    FaultyFiles.Gate force = files.blockForces();
    int before = files.forces.get();
    CompletableFuture<Long> first = log.append(record("first"));
    force.awaitEntered();

    // While the first batch's fsync is stuck, 999 appends from 8 threads queue up behind it.
    ExecutorService appenders = Executors.newFixedThreadPool(8);
    List<Future<CompletableFuture<Long>>> submitted = new ArrayList<>();
    for (int i = 0; i < 999; i++) {
      byte[] payload = record("r" + i);
      submitted.add(appenders.submit(() -> log.append(payload)));
    }
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    for (Future<CompletableFuture<Long>> f : submitted) {
      acks.add(f.get(10, TimeUnit.SECONDS));
    }
    appenders.shutdown();
    assertFalse(first.isDone());
    assertTrue(acks.stream().noneMatch(CompletableFuture::isDone));
    force.open();

    Set<Long> sequences = new HashSet<>();
    sequences.add(await(first));
    for (CompletableFuture<Long> ack : acks) {
      sequences.add(await(ack));
    }
    assertEquals(1000, sequences.size());
    int forces = files.forces.get() - before;
    assertTrue(forces >= 2 && forces <= 3, "1000 appends took " + forces + " fsyncs");
  }

  @Test
  void batchModeBatchesConcurrentAppendsWithoutHelp() throws Exception {
    EventStore store = open(FsyncMode.BATCH);
    EventLog log = await(store.create("s1"));
    int before = files.forces.get();
    List<CompletableFuture<Long>> acks = appendConcurrently(log, 16, 200);
    for (CompletableFuture<Long> ack : acks) {
      await(ack);
    }
    int forces = files.forces.get() - before;
    assertTrue(forces * 4 <= acks.size(), acks.size() + " appends took " + forces + " fsyncs");
  }

  @Test
  void alwaysModeFsyncsEveryRecord() throws Exception {
    EventStore store = open(FsyncMode.ALWAYS);
    EventLog log = await(store.create("s1"));
    int before = files.forces.get();
    List<CompletableFuture<Long>> acks = appendConcurrently(log, 4, 25);
    for (CompletableFuture<Long> ack : acks) {
      await(ack);
    }
    assertEquals(100, files.forces.get() - before);
  }

  @Test
  void offModeNeverFsyncsUntilClose() throws Exception {
    EventStore store = open(FsyncMode.OFF);
    EventLog log = await(store.create("s1"));
    List<CompletableFuture<Long>> acks = appendConcurrently(log, 4, 25);
    for (CompletableFuture<Long> ack : acks) {
      await(ack);
    }
    assertEquals(0, files.forces.get());
    store.close();
    assertEquals(1, files.forces.get());
    assertEquals(100, EventStore.open(data, StoreOptions.DEFAULTS).read("s1").records().size());
  }

  private static List<CompletableFuture<Long>> appendConcurrently(
      EventLog log, int threads, int perThread) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<CompletableFuture<Long>>>> parts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      parts.add(
          pool.submit(
              () -> {
                List<CompletableFuture<Long>> mine = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                  mine.add(log.append(record(thread + ":" + i)));
                }
                return mine;
              }));
    }
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (Future<List<CompletableFuture<Long>>> part : parts) {
      all.addAll(part.get(10, TimeUnit.SECONDS));
    }
    pool.shutdown();
    return all;
  }

  @ParameterizedTest
  @EnumSource(
      value = FsyncMode.class,
      names = {"ALWAYS", "BATCH"})
  void anAppendIsNotAcknowledgedBeforeItsFsyncReturns(FsyncMode mode) throws Exception {
    EventStore store = open(mode);
    EventLog log = await(store.create("s1"));
    FaultyFiles.Gate force = files.blockForces();
    CompletableFuture<Long> ack = log.append(record("decision"));
    force.awaitEntered();
    assertThrows(TimeoutException.class, () -> ack.get(50, TimeUnit.MILLISECONDS));
    force.open();
    assertEquals(0L, await(ack));
  }

  @ParameterizedTest
  @EnumSource(FsyncMode.class)
  void aFullDiskFailsTheAppendCutsTheFileBackAndLaterAppendsSucceed(FsyncMode mode)
      throws Exception {
    EventStore store = open(mode);
    EventLog log = await(store.create("s1"));
    await(log.append(record("one")));
    await(log.append(record("two")));
    long goodSize = Files.size(store.logFile("s1"));

    files.failWrites.set(1);
    StoreException error = failure(log.append(record("three, never stored")));
    StoreUnavailableException unavailable =
        assertInstanceOf(StoreUnavailableException.class, error);
    assertEquals("s1", unavailable.sessionId());
    assertEquals(FaultyFiles.NO_SPACE, unavailable.getCause().getMessage());
    assertTrue(unavailable.getMessage().contains("s1"));
    assertEquals(goodSize, Files.size(store.logFile("s1")), "partial frame left in the file");

    // The disk has room again.
    assertEquals(2L, await(log.append(record("four"))));
    await(log.close());
    LogReadResult contents = store.read("s1");
    assertRecords(List.of(record("one"), record("two"), record("four")), contents.records());
    assertTrue(contents.tornTail().isEmpty() && !contents.isCorrupt());
  }

  @ParameterizedTest
  @EnumSource(
      value = FsyncMode.class,
      names = {"ALWAYS", "BATCH"})
  void aFailedFsyncFailsTheRecordsItCoveredAndRemovesThem(FsyncMode mode) throws Exception {
    EventStore store = open(mode);
    EventLog log = await(store.create("s1"));
    await(log.append(record("one")));
    files.failForces.set(1);
    assertInstanceOf(StoreUnavailableException.class, failure(log.append(record("lost"))));
    assertEquals(1L, await(log.append(record("two"))));
    await(log.close());
    assertRecords(List.of(record("one"), record("two")), store.read("s1").records());
  }

  @Test
  void whenTheFileCannotBeCutBackItIsReopenedBeforeTheNextWrite() throws Exception {
    EventStore store = open(FsyncMode.BATCH);
    EventLog log = await(store.create("s1"));
    await(log.append(record("one")));
    files.failWrites.set(1);
    files.failTruncates.set(1);
    assertInstanceOf(StoreUnavailableException.class, failure(log.append(record("lost 1"))));
    files.failOpens.set(1);
    StoreException reopen = failure(log.append(record("lost 2")));
    assertTrue(reopen.getMessage().contains("reopen"), reopen.getMessage());
    assertEquals(1L, await(log.append(record("two"))));
    await(log.close());
    LogReadResult contents = store.read("s1");
    assertRecords(List.of(record("one"), record("two")), contents.records());
    assertTrue(contents.tornTail().isEmpty() && !contents.isCorrupt());
  }

  @Test
  void aTornTailIsCutOffWithAWarningAndAppendingGoesOn() throws Exception {
    EventStore store = open(FsyncMode.BATCH);
    EventLog log = await(store.create("s1"));
    await(log.append(record("one")));
    await(log.append(record("two")));
    await(log.close());
    Path file = store.logFile("s1");
    long goodSize = Files.size(file);
    byte[] frame = RecordCodec.encode(record("three, half written"));
    Files.write(file, Arrays.copyOf(frame, frame.length - 3), StandardOpenOption.APPEND);

    ListAppender<ILoggingEvent> logged = capture(EventStore.class);
    RecoveredLog recovered = store.recover("s1");
    LogReadResult.TornTail torn = recovered.contents().tornTail().orElseThrow();
    assertEquals(goodSize, torn.offset());
    assertEquals(frame.length - 3, torn.discardedBytes());
    assertEquals(goodSize, Files.size(file));
    assertTrue(
        logged.list.stream()
            .anyMatch(
                e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("torn tail")),
        "no warning logged");

    assertEquals(2L, await(recovered.log().orElseThrow().append(record("three"))));
    await(recovered.log().orElseThrow().close());
    assertRecords(
        List.of(record("one"), record("two"), record("three")), store.read("s1").records());
  }

  @Test
  void aLogWithATornHeaderIsRecoveredAsEmpty() throws Exception {
    EventStore store = open(FsyncMode.BATCH);
    Files.write(store.logFile("s1"), Arrays.copyOf(RecordCodec.fileHeader(), 3));
    RecoveredLog recovered = store.recover("s1");
    assertTrue(recovered.contents().records().isEmpty());
    assertTrue(recovered.contents().tornTail().isPresent());
    assertEquals(0L, await(recovered.log().orElseThrow().append(record("first"))));
    await(recovered.log().orElseThrow().close());
    assertRecords(List.of(record("first")), store.read("s1").records());
  }

  @Test
  void aCorruptRecordInTheMiddleQuarantinesThatLogOnly() throws Exception {
    EventStore store = open(FsyncMode.BATCH);
    EventLog bad = await(store.create("bad"));
    EventLog good = await(store.create("good"));
    for (String text : List.of("one", "two", "three")) {
      await(bad.append(record(text)));
      await(good.append(record(text)));
    }
    await(bad.close());
    await(good.close());
    Path file = store.logFile("bad");
    byte[] bytes = Files.readAllBytes(file);
    long secondFrame = RecordCodec.FILE_HEADER_BYTES + RecordCodec.FRAME_HEADER_BYTES + 3;
    bytes[(int) secondFrame + RecordCodec.FRAME_HEADER_BYTES] ^= 0x20; // "two" -> "Two"
    Files.write(file, bytes);

    RecoveredLog recovered = store.recover("bad");
    LogReadResult.Corruption corruption = recovered.contents().corruption().orElseThrow();
    assertEquals(secondFrame, corruption.offset());
    assertEquals(1, corruption.sequence());
    assertTrue(corruption.reason().contains("byte " + secondFrame), corruption.reason());
    assertRecords(List.of(record("one")), recovered.contents().records());
    assertTrue(recovered.log().isEmpty());
    assertArrayEquals(bytes, Files.readAllBytes(file), "a corrupt log must be left as it is");

    assertEquals(3, store.recover("good").contents().records().size());
  }

  @Test
  void aFileThatIsNotALogIsReportedAsCorrupt() throws Exception {
    EventStore store = open(FsyncMode.BATCH);
    Files.write(store.logFile("s1"), record("PK\u0003\u0004 this is a zip file"));
    RecoveredLog recovered = store.recover("s1");
    assertEquals(0, recovered.contents().corruption().orElseThrow().offset());
  }

  @Test
  void aFullQueueRefusesAtOnceInsteadOfBlocking() throws Exception {
    EventStore store = open(StoreOptions.DEFAULTS.withQueueBounds(4, 64L << 20));
    EventLog log = await(store.create("s1"));
    FaultyFiles.Gate write = files.blockWrites();
    List<CompletableFuture<Long>> accepted = new ArrayList<>();
    accepted.add(log.append(record("taken by the writer")));
    write.awaitEntered();
    for (int i = 0; i < 4; i++) {
      accepted.add(log.append(record("queued " + i)));
    }
    CompletableFuture<Long> refused = log.append(record("one too many"));
    assertTrue(refused.isCompletedExceptionally(), "a full queue must refuse without waiting");
    assertInstanceOf(StoreOverloadedException.class, failure(refused));
    write.open();
    for (int i = 0; i < accepted.size(); i++) {
      assertEquals(i, await(accepted.get(i)));
    }
  }

  @Test
  void closeWritesAndFsyncsEverythingQueued() throws Exception {
    // A one-second window: without close's flush, nothing would be acknowledged for a second.
    EventStore store = open(StoreOptions.DEFAULTS.withBatchWindow(Duration.ofSeconds(1)));
    EventLog log = await(store.create("s1"));
    FaultyFiles.Gate write = files.blockWrites();
    List<CompletableFuture<Long>> acks = new ArrayList<>();
    acks.add(log.append(record("r0")));
    write.awaitEntered();
    for (int i = 1; i < 100; i++) {
      acks.add(log.append(record("r" + i)));
    }
    int before = files.forces.get();
    write.open();
    store.close();
    for (int i = 0; i < acks.size(); i++) {
      assertTrue(acks.get(i).isDone(), "close returned before acknowledging record " + i);
      assertEquals(i, acks.get(i).join());
    }
    assertTrue(files.forces.get() > before);
    assertInstanceOf(StoreClosedException.class, failure(log.append(record("late"))));
    assertEquals(100, EventStore.open(data, StoreOptions.DEFAULTS).read("s1").records().size());
  }

  @Test
  void aClosedLogRefusesAppends() throws Exception {
    EventStore store = open(FsyncMode.BATCH);
    EventLog log = await(store.create("s1"));
    CompletableFuture<Long> ack = log.append(record("last"));
    await(log.close());
    assertTrue(ack.isDone());
    assertInstanceOf(StoreClosedException.class, failure(log.append(record("too late"))));
  }

  @Test
  void oversizedRecordsAreRefusedAndMaximalOnesStored() throws Exception {
    EventStore store = open(FsyncMode.BATCH);
    EventLog log = await(store.create("s1"));
    byte[] max = new byte[EventLog.MAX_RECORD_BYTES];
    Arrays.fill(max, (byte) 7);
    assertInstanceOf(
        RecordTooLargeException.class,
        failure(log.append(new byte[EventLog.MAX_RECORD_BYTES + 1])));
    assertEquals(0L, await(log.append(max)));
    assertEquals(1L, await(log.append(new byte[0])));
    await(log.close());
    assertRecords(List.of(max, new byte[0]), store.read("s1").records());
  }

  private static ListAppender<ILoggingEvent> capture(Class<?> type) {
    Logger logger = (Logger) LoggerFactory.getLogger(type);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    return appender;
  }
}
