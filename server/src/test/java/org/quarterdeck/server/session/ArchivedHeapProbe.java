package org.quarterdeck.server.session;

import io.netty.channel.DefaultEventLoop;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.FsyncMode;
import org.quarterdeck.server.store.StoreOptions;

/**
 * On demand, not a test: the heap an archived session keeps (issue 12, item 13). Plays N sessions
 * of two bot teams to their end on one event loop, with their logs in a real on-disk store (a
 * temporary directory, fsync off: the heap is measured, not the disk), waits until all are
 * archived, and prints the heap after a full GC per archived session.
 *
 * <pre>
 * java -Xmx1g -cp server/target/test-classes:server/target/classes:protocol/target/classes:$(cat cp.txt) \
 *     org.quarterdeck.server.session.ArchivedHeapProbe 2000
 * </pre>
 */
public final class ArchivedHeapProbe {
  private ArchivedHeapProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path data = Files.createTempDirectory("quarterdeck-heap-probe");
    DefaultEventLoop loop = new DefaultEventLoop();
    try (EventStore store =
        EventStore.open(data, StoreOptions.DEFAULTS.withFsyncMode(FsyncMode.OFF))) {
      SessionManager.SessionThread thread = new EventLoopSessionThread(loop);
      SessionManager m =
          new SessionManager(
              () -> thread,
              new EventStoreJournals(store),
              null,
              100_000,
              20,
              Runnable::run,
              new SessionLimits(Integer.MAX_VALUE, 100_000, 10, Duration.ZERO, Duration.ZERO));
      FacilitatorLine facilitator = new FacilitatorLine(m);
      // one of each first, so that classes, scenario caches and pools are not counted
      facilitator.play();
      awaitArchived(m, 1);
      long before = heapAfterGc();
      for (int i = 0; i < n; i++) {
        facilitator.play();
      }
      awaitArchived(m, n + 1);
      long after = heapAfterGc();
      System.out.printf(
          Locale.ROOT,
          "%d sessions played to the end; archived: %d; heap after GC %.1f -> %.1f MiB:"
              + " %.0f bytes per archived session%n",
          n,
          m.archivedSessionCount() - 1,
          before / 1048576.0,
          after / 1048576.0,
          (after - before) / (double) n);
      System.out.println("(logs in " + data + ", on disk, not in the heap)");
    } finally {
      loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** A facilitator who creates a session, starts it, forces every turn and ends it. */
  private static final class FacilitatorLine {
    private final SessionManager m;
    private long ids = 1;

    FacilitatorLine(SessionManager m) {
      this.m = m;
    }

    void play() throws InterruptedException {
      FakeConnection c = new FakeConnection("10.0.0.1:1");
      ServerMessage created =
          send(
              c,
              ClientMessage.newBuilder()
                  .setCreateSession(
                      CreateSession.newBuilder()
                          .setSettings(SessionSettings.newBuilder().setTeams(2).setSeed(7))));
      send(
          c,
          ClientMessage.newBuilder()
              .setResume(
                  Resume.newBuilder().setToken(created.getSessionCreated().getFacilitatorToken())));
      send(
          c,
          ClientMessage.newBuilder()
              .setFacilitator(
                  FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
      for (int turn = 0; turn < 40; turn++) {
        send(
            c,
            ClientMessage.newBuilder()
                .setFacilitator(
                    FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance())));
      }
      send(
          c,
          ClientMessage.newBuilder()
              .setFacilitator(FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())));
      // a facilitator connection that moves on: the session keeps no binding to it
      m.disconnected(c);
    }

    private ServerMessage send(FakeConnection c, ClientMessage.Builder message)
        throws InterruptedException {
      long id = ids++;
      m.handle(c, message.setRequestId(id).build());
      return c.awaitReply(id);
    }
  }

  private static void awaitArchived(SessionManager m, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (m.archivedSessionCount() < count && System.nanoTime() < deadline) {
      Thread.sleep(50); // a probe, not a test
    }
    if (m.archivedSessionCount() < count) {
      throw new IllegalStateException(
          "only " + m.archivedSessionCount() + " of " + count + " sessions archived");
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100); // a probe, not a test: let the collector settle
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
