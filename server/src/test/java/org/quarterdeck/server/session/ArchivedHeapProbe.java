package org.quarterdeck.server.session;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Locale;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionSettings;

/**
 * On demand, not a test: the heap an archived session keeps (issue 12, item 13). Plays N sessions
 * of two bot teams to their end in memory on a manual clock, archives them, and prints the heap
 * after a full GC per archived session (and the same for N sessions left in their lobby).
 *
 * <pre>
 * java -cp server/target/test-classes:server/target/classes:protocol/target/classes:$(cat cp.txt) \
 *     org.quarterdeck.server.session.ArchivedHeapProbe 2000
 * </pre>
 */
public final class ArchivedHeapProbe {
  private ArchivedHeapProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    ManualThread thread = new ManualThread();
    SessionManager m =
        new SessionManager(
            () -> thread,
            Journals.inMemory(),
            null,
            100_000,
            20,
            Runnable::run,
            new SessionLimits(Integer.MAX_VALUE, 100_000, 10, Duration.ZERO, Duration.ZERO),
            thread::nowMillis);
    FakeConnection facilitator = new FakeConnection("10.0.0.1:1");
    long[] ids = {1};
    // one of each first, so that classes, scenario caches and pools are not counted
    play(m, thread, facilitator, ids);
    long before = heapAfterGc();
    for (int i = 0; i < n; i++) {
      play(m, thread, facilitator, ids);
      facilitator.clear();
    }
    thread.advanceSeconds(1);
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
    // the journals in memory hold the logs too: subtract what a file store would keep on disk
    System.out.println("(Journals.inMemory keeps each log in the heap as well: an upper bound)");
  }

  private static void play(
      SessionManager m, ManualThread thread, FakeConnection facilitator, long[] ids) {
    ServerMessage created =
        send(
            m,
            facilitator,
            ids,
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setSettings(SessionSettings.newBuilder().setTeams(2).setSeed(7))));
    send(
        m,
        facilitator,
        ids,
        ClientMessage.newBuilder()
            .setResume(
                Resume.newBuilder().setToken(created.getSessionCreated().getFacilitatorToken())));
    send(
        m,
        facilitator,
        ids,
        ClientMessage.newBuilder()
            .setFacilitator(FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
    for (int turn = 0; turn < 40; turn++) {
      send(
          m,
          facilitator,
          ids,
          ClientMessage.newBuilder()
              .setFacilitator(
                  FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance())));
      thread.advanceSeconds(1);
    }
    send(
        m,
        facilitator,
        ids,
        ClientMessage.newBuilder()
            .setFacilitator(FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())));
    // a facilitator connection that moves on: the session keeps no binding to it
    m.disconnected(facilitator);
    thread.advanceSeconds(1);
  }

  private static ServerMessage send(
      SessionManager m, FakeConnection c, long[] ids, ClientMessage.Builder message) {
    long id = ids[0]++;
    m.handle(c, message.setRequestId(id).build());
    return c.reply(id);
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
