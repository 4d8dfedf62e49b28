package org.quarterdeck.server.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;

/**
 * Every request gets exactly one reply, also in the window after a lost record where the broken
 * session is swapped for the one rebuilt from its log: a command routed to the broken session that
 * reaches its thread only after the swap is answered UNAVAILABLE with a retry time (and changes
 * nothing), never dropped. Deterministic: a manual session thread, a disk executor the test runs by
 * hand, and the manager's dispatch seam to place the command exactly in the window.
 */
class RestoreWindowTest {
  private final ManualThread thread = new ManualThread();
  private final Journals memory = Journals.inMemory();
  private final AtomicBoolean failNextAppend = new AtomicBoolean();
  private final AtomicBoolean failReads = new AtomicBoolean();
  private final ArrayDeque<Runnable> disk = new ArrayDeque<>();
  private final AtomicLong requestIds = new AtomicLong(100);

  /** The in-memory logs, with an append that fails (and stores nothing) on demand. */
  private final Journals storage =
      new Journals() {
        @Override
        public SessionJournal create(String sessionId) {
          SessionJournal log = memory.create(sessionId);
          return record ->
              failNextAppend.getAndSet(false)
                  ? CompletableFuture.failedFuture(
                      new java.io.IOException("No space left on device"))
                  : log.append(record);
        }

        @Override
        public List<String> sessionIds() {
          return memory.sessionIds();
        }

        @Override
        public Stored recover(String sessionId) {
          return memory.recover(sessionId);
        }

        @Override
        public Stored read(String sessionId) {
          if (failReads.get()) {
            throw new java.io.UncheckedIOException(new java.io.IOException("Input/output error"));
          }
          return memory.read(sessionId);
        }
      };

  private final SessionManager manager =
      new SessionManager(() -> thread, storage, null, 100, 5, disk::add);

  private FakeConnection facilitator;
  private SessionCreated created;

  private long send(FakeConnection c, ClientMessage.Builder m) {
    long id = requestIds.incrementAndGet();
    manager.handle(c, m.setRequestId(id).build());
    return id;
  }

  private static List<ServerMessage> repliesTo(FakeConnection c, long id) {
    return c.all(m -> m.getRequestId() == id);
  }

  private List<SessionRecord> log() {
    return memory.read(created.getSessionId()).records();
  }

  private void runDisk() {
    Runnable task;
    while ((task = disk.poll()) != null) {
      task.run();
    }
  }

  /** A session in its lobby, its facilitator bound, and then one record lost (Ben's seat). */
  private void givenABrokenSession() {
    facilitator = new FakeConnection("10.0.0.1:1000");
    long id =
        send(
            facilitator,
            ClientMessage.newBuilder()
                .setCreateSession(
                    CreateSession.newBuilder()
                        .setSettings(
                            SessionSettings.newBuilder()
                                .setTeams(2)
                                .addBotStrategies("")
                                .addBotStrategies(""))));
    created = facilitator.reply(id).getSessionCreated();
    assertTrue(
        facilitator
            .reply(
                send(
                    facilitator,
                    ClientMessage.newBuilder()
                        .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken()))))
            .hasSnapshot());

    failNextAppend.set(true);
    FakeConnection ben = new FakeConnection("10.0.1.3:2000");
    long join =
        send(
            ben,
            ClientMessage.newBuilder()
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode(created.getJoinCode())
                        .setDisplayName("Ben")));
    assertEquals(1, repliesTo(ben, join).size(), ben.all(m -> true).toString());
    assertFalse(disk.isEmpty(), "the lost record starts a rebuild (its read waits on the disk)");
  }

  private FacilitatorCommand.Builder start() {
    return FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance());
  }

  @Test
  void aCommandRoutedToTheBrokenSessionAsItIsSwappedGetsOneTypedReply() {
    givenABrokenSession();
    int durable = log().size();
    // the facilitator's Start is routed by its binding to the broken session; before it reaches
    // that session's thread, the rebuild completes and the rebuilt session is swapped in
    manager.beforeDispatch =
        () -> {
          manager.beforeDispatch = () -> {};
          runDisk();
        };
    facilitator.clear();
    long id = send(facilitator, ClientMessage.newBuilder().setFacilitator(start()));
    assertTrue(disk.isEmpty(), "the swap happened in the window");

    List<ServerMessage> replies = repliesTo(facilitator, id);
    assertEquals(1, replies.size(), "exactly one reply: " + facilitator.all(m -> true));
    ServerMessage reply = replies.get(0);
    assertEquals(ErrorCode.UNAVAILABLE, reply.getError().getCode(), reply.toString());
    assertTrue(reply.getError().getRetryAfterMs() > 0, reply.toString());
    assertTrue(reply.getError().getMessage().contains("nothing changed"), reply.toString());
    assertEquals(durable, log().size(), "UNAVAILABLE changed nothing: no record was written");
    assertTrue(facilitator.all(ServerMessage::hasTurnOpened).isEmpty(), "no turn was opened");

    // the retry goes to the rebuilt session (the binding moved) and is carried out once
    long retry = send(facilitator, ClientMessage.newBuilder().setFacilitator(start()));
    List<ServerMessage> retried = repliesTo(facilitator, retry);
    assertEquals(1, retried.size(), retried.toString());
    assertTrue(retried.get(0).hasFacilitatorAck(), retried.get(0).toString());
    assertTrue(log().size() > durable, "the retried Start is recorded");
  }

  @Test
  void aResumeRoutedByTokenAsTheSessionIsSwappedGetsOneTypedReply() {
    givenABrokenSession();
    manager.beforeDispatch =
        () -> {
          manager.beforeDispatch = () -> {};
          runDisk();
        };
    FakeConnection again = new FakeConnection("10.0.0.1:1001");
    long id =
        send(
            again,
            ClientMessage.newBuilder()
                .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())));
    List<ServerMessage> replies = repliesTo(again, id);
    assertEquals(1, replies.size(), "exactly one reply: " + again.all(m -> true));
    assertEquals(
        ErrorCode.UNAVAILABLE, replies.get(0).getError().getCode(), replies.get(0).toString());
    assertTrue(replies.get(0).getError().getRetryAfterMs() > 0, replies.get(0).toString());
    assertTrue(
        again
            .reply(
                send(
                    again,
                    ClientMessage.newBuilder()
                        .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken()))))
            .hasSnapshot(),
        "the retry resumes");
  }

  @Test
  void aCommandForASessionQuarantinedByItsRebuildIsAnswered() {
    givenABrokenSession();
    failReads.set(true); // the rebuild cannot read the log back: the session is set aside
    runDisk();
    assertFalse(manager.quarantined().isEmpty());
    // the facilitator's connection is still bound to the session that was set aside
    long id = send(facilitator, ClientMessage.newBuilder().setFacilitator(start()));
    List<ServerMessage> replies = repliesTo(facilitator, id);
    assertEquals(1, replies.size(), "exactly one reply: " + facilitator.all(m -> true));
    assertEquals(
        ErrorCode.UNAVAILABLE, replies.get(0).getError().getCode(), replies.get(0).toString());
    assertTrue(
        replies.get(0).getError().getMessage().contains("quarantined"), replies.get(0).toString());
  }
}
