package org.quarterdeck.server.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.DecisionRecorded;
import org.quarterdeck.protocol.v1.SessionOpened;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.server.cluster.DatabaseUrl;
import org.quarterdeck.server.cluster.PostgresJournals;
import org.quarterdeck.server.session.EventStoreJournals;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.session.SessionJournal;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.StoreOptions;

/**
 * Acknowledged decisions per second on the cluster store against the file store, in the same run:
 * SESSIONS sessions each append a decision record, wait for its acknowledgement, append the next (a
 * closed loop, as players wait for DecisionAccepted), for SECONDS seconds. Not a test.
 *
 * <pre>
 * java -cp ... org.quarterdeck.server.bench.ClusterStoreBenchmark postgres://... [sessions] [seconds] [lanes]
 * </pre>
 */
public final class ClusterStoreBenchmark {
  private ClusterStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int lanes = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    Path dir = Files.createTempDirectory("qd-bench-file");
    try (Journals file = new EventStoreJournals(EventStore.open(dir, StoreOptions.DEFAULTS))) {
      report("file store", run(file, sessions, seconds));
    }
    try (Journals pg =
        PostgresJournals.open(
            DatabaseUrl.parse(url),
            new PostgresJournals.Node("bench-" + ProcessHandle.current().pid(), "-", "-"),
            lanes)) {
      report("PostgreSQL", run(pg, sessions, seconds));
      PostgresJournals p = (PostgresJournals) pg;
      System.out.printf(
          "PostgreSQL batches: %d, mean %.1f records per commit, mean commit"
              + " %.2f ms, slowest %.1f ms%n",
          p.stats().batches(),
          (double) p.stats().records() / p.stats().batches(),
          p.stats().commitMicros() / 1000.0 / p.stats().batches(),
          p.stats().maxCommitMicros() / 1000.0);
    }
  }

  private record Result(long acks, double seconds, ConcurrentHistogram micros) {}

  private static void report(String name, Result r) {
    System.out.printf(
        "%-10s %,d acknowledged appends in %.1f s = %,.0f/s; latency p50 %.2f ms,"
            + " p99 %.2f ms, max %.1f ms%n",
        name,
        r.acks(),
        r.seconds(),
        r.acks() / r.seconds(),
        r.micros().getValueAtPercentile(50) / 1000.0,
        r.micros().getValueAtPercentile(99) / 1000.0,
        r.micros().getMaxValue() / 1000.0);
  }

  private static Result run(Journals journals, int sessions, int seconds) throws Exception {
    String prefix = "b" + Long.toHexString(System.nanoTime()) + "-";
    List<SessionJournal> logs = new ArrayList<>();
    for (int s = 0; s < sessions; s++) {
      SessionJournal j = journals.create(prefix + s);
      j.append(
              SessionRecord.newBuilder()
                  .setOpened(
                      SessionOpened.newBuilder().setSessionId(prefix + s).setJoinCode(prefix + s))
                  .build())
          .get(30, TimeUnit.SECONDS);
      logs.add(j);
    }
    SessionRecord decision =
        SessionRecord.newBuilder()
            .setAtMs(System.currentTimeMillis())
            .setDecision(
                DecisionRecorded.newBuilder()
                    .setTurn(3)
                    .setVersion(1)
                    .setDecision(
                        Decision.newBuilder()
                            .addHours(ActHours.newBuilder().setAct("coach").setHours(12))
                            .addHours(ActHours.newBuilder().setAct("push").setHours(20))
                            .addHours(ActHours.newBuilder().setAct("vision").setHours(6))))
            .build();
    ConcurrentHistogram micros = new ConcurrentHistogram(3);
    AtomicLong acks = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(sessions);
    long started = System.nanoTime();
    for (SessionJournal j : logs) {
      loop(j, decision, end, acks, micros, done);
    }
    done.await();
    return new Result(acks.get(), (System.nanoTime() - started) / 1e9, micros);
  }

  private static void loop(
      SessionJournal j,
      SessionRecord r,
      long end,
      AtomicLong acks,
      ConcurrentHistogram micros,
      CountDownLatch done) {
    long sent = System.nanoTime();
    if (sent > end) {
      done.countDown();
      return;
    }
    j.append(r)
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                done.countDown();
                return;
              }
              micros.recordValue((System.nanoTime() - sent) / 1000);
              acks.incrementAndGet();
              loop(j, r, end, acks, micros, done);
            });
  }
}
