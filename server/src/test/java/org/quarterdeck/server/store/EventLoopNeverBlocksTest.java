package org.quarterdeck.server.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * Proves with BlockHound that a real Netty event loop can append and create logs while the disk is
 * stuck, without ever blocking. BlockHound is installed for this JVM, but it only checks threads of
 * the event loop group made here, so other tests in the same JVM are unaffected.
 */
class EventLoopNeverBlocksTest {
  private static final String LOOP_THREADS = "store-blockhound-loop";

  @TempDir Path data;

  private EventLoopGroup group;
  private EventLoop loop;
  private final FaultyFiles files = new FaultyFiles();
  private EventStore store;

  @BeforeAll
  static void installBlockHound() {
    BlockHound.builder()
        .loadIntegrations() // Netty's own integration: what its event loop may do internally
        .nonBlockingThreadPredicate(p -> t -> t.getName().startsWith(LOOP_THREADS))
        .install();
  }

  @BeforeEach
  void start() throws Exception {
    group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory(LOOP_THREADS), NioIoHandler.newFactory());
    loop = group.next();
    store = EventStore.open(data, StoreOptions.DEFAULTS, files);
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
  }

  @Test
  void blockHoundCatchesBlockingOnTheEventLoop() {
    // The control: if this passed silently, the test below would prove nothing.
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                loop.submit(
                        () -> {
                          java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                          return null;
                        })
                    .get(10, TimeUnit.SECONDS));
    assertInstanceOf(BlockingOperationError.class, e.getCause());
  }

  @Test
  void waitingForAnAcknowledgementOnTheEventLoopIsCaught() throws Exception {
    EventLog log = store.create("s1").get(10, TimeUnit.SECONDS);
    // Hold the disk so the acknowledgement cannot already be there when join() is called.
    FaultyFiles.Gate disk = files.blockWrites();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                loop.submit(() -> log.append("x".getBytes(UTF_8)).join())
                    .get(10, TimeUnit.SECONDS));
    assertInstanceOf(BlockingOperationError.class, e.getCause());
    disk.open();
  }

  @Test
  void appendingFromAnEventLoopNeverBlocksEvenWhenTheDiskIsStuck() throws Exception {
    EventLog log = store.create("s1").get(10, TimeUnit.SECONDS);
    FaultyFiles.Gate disk = files.blockWrites();
    CompletableFuture<Long> stuck = log.append("stuck".getBytes(UTF_8));
    disk.awaitEntered(); // the writer thread now hangs inside write()

    List<CompletableFuture<Long>> acks =
        loop.submit(
                () -> {
                  List<CompletableFuture<Long>> mine = new ArrayList<>();
                  for (int i = 0; i < 1000; i++) {
                    mine.add(log.append(("decision " + i).getBytes(UTF_8)));
                  }
                  return mine;
                })
            .get(10, TimeUnit.SECONDS);
    CompletableFuture<EventLog> created =
        loop.submit(() -> store.create("s2")).get(10, TimeUnit.SECONDS);
    assertEquals(42, loop.submit(() -> 42).get(1, TimeUnit.SECONDS), "event loop unresponsive");
    assertFalse(stuck.isDone());
    assertTrue(acks.stream().noneMatch(CompletableFuture::isDone));

    // The caller hops back to its event loop for the acknowledgement.
    AtomicReference<Boolean> ranOnLoop = new AtomicReference<>();
    CompletableFuture<Void> hopped =
        acks.get(999).thenAcceptAsync(sequence -> ranOnLoop.set(loop.inEventLoop()), loop);
    disk.open();
    assertEquals(0L, stuck.get(10, TimeUnit.SECONDS));
    for (int i = 0; i < acks.size(); i++) {
      assertEquals(i + 1L, acks.get(i).get(10, TimeUnit.SECONDS));
    }
    hopped.get(10, TimeUnit.SECONDS);
    assertTrue(ranOnLoop.get());
    assertEquals("s2", created.get(10, TimeUnit.SECONDS).sessionId());
  }
}
