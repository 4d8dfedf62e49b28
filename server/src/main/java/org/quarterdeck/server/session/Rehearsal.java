package org.quarterdeck.server.session;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throwaway games the server plays once when it starts, through a private {@link SessionManager}
 * nobody can reach, so that the JIT compiler has compiled a game's hot paths (joining, deciding,
 * the deadline's turn close, reports, state hash, records, messages) before the first real deadline
 * burst needs them. Without it the first bursts spent more CPU in the compiler threads than in the
 * event loops (docs/performance.md, "Deadline burst"). Nothing of a rehearsal is stored, sent or
 * counted: its journal serializes each record as the event log does and drops it, its connections
 * serialize each message as the codecs do and drop it, and its clock is its own.
 */
public final class Rehearsal implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Rehearsal.class);

  /** One game in this many has four people and a bot (the whole-games row); the rest two people. */
  private static final int LARGER_GAME_EVERY = 4;

  private final int games;
  private final Stage stage = new Stage();
  private int closes;

  /**
   * @param games throwaway games to play (twelve turn closes each)
   */
  public Rehearsal(int games) {
    if (games < 0) {
      throw new IllegalArgumentException("games must be >= 0, was " + games);
    }
    this.games = games;
  }

  /** Plays the rehearsal on its own daemon thread, beside whatever the server does meanwhile. */
  public Thread startInBackground() {
    Thread t = new Thread(this, "quarterdeck-rehearsal");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void run() {
    if (games == 0) {
      return;
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuBefore = threads.getCurrentThreadCpuTime();
    long wallBefore = System.nanoTime();
    try {
      play();
    } catch (RuntimeException e) {
      // a rehearsal only warms the code; a failure here must never stop the server
      log.warn("rehearsal stopped after {} turn closes: {}", closes, e.toString());
      return;
    }
    log.info(
        "rehearsal: {} throwaway games, {} turn closes, {} ms of CPU ({} ms)",
        games,
        closes,
        (threads.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000,
        (System.nanoTime() - wallBefore) / 1_000_000);
  }

  /** Plays every game to its end; returns the turn closes played. */
  int play() {
    SessionManager manager =
        new SessionManager(
            () -> stage,
            new DroppedJournals(),
            null,
            games + 1,
            5,
            Runnable::run,
            SessionLimits.TRUSTED_CLIENTS); // no quota of creations per address
    manager.withoutCreationLog();
    for (int g = 0; g < games; g++) {
      playGame(manager, g, g % LARGER_GAME_EVERY == LARGER_GAME_EVERY - 1 ? 4 : 2);
    }
    return closes;
  }

  private void playGame(SessionManager manager, int game, int people) {
    SessionSettings.Builder settings =
        SessionSettings.newBuilder()
            .setTeams(people + (people > 2 ? 1 : 0))
            .setSeed(1000L + game)
            .setTurnDeadlineSeconds(0);
    for (int p = 0; p < people; p++) {
      settings.addBotStrategies(""); // a person's seat
    }
    if (people > 2) {
      settings.addBotStrategies("adaptive");
    }
    Seat facilitator = new Seat();
    manager.handle(
        facilitator,
        ClientMessage.newBuilder()
            .setRequestId(1)
            .setCreateSession(
                CreateSession.newBuilder().setBuiltinScenario("market-year").setSettings(settings))
            .build());
    if (!facilitator.reply().hasSessionCreated()) {
      throw new IllegalStateException("no session: " + facilitator.reply());
    }
    SessionCreated created = facilitator.reply().getSessionCreated();
    manager.handle(
        facilitator,
        ClientMessage.newBuilder()
            .setRequestId(2)
            .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken()))
            .build());
    List<Seat> players = new ArrayList<>();
    for (int p = 0; p < people; p++) {
      Seat player = new Seat();
      manager.handle(
          player,
          ClientMessage.newBuilder()
              .setRequestId(3)
              .setJoinSession(
                  JoinSession.newBuilder()
                      .setJoinCode(created.getJoinCode())
                      .setDisplayName("rehearsal " + p)
                      .setPreferredTeam(p))
              .build());
      players.add(player);
    }
    manager.handle(
        facilitator,
        ClientMessage.newBuilder()
            .setRequestId(4)
            .setFacilitator(FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()))
            .build());
    GameSession[] session = new GameSession[1];
    manager.onSession(created.getSessionId(), s -> session[0] = s).join();
    long request = 10;
    while (session[0].phase() == Phase.TURN_OPEN) {
      // every seat but one decides; the silent one leaves the turn to its deadline
      for (int p = 0; p < people - 1; p++) {
        TurnOpened open = players.get(p).opened;
        if (open != null) {
          manager.handle(
              players.get(p),
              ClientMessage.newBuilder()
                  .setRequestId(++request)
                  .setSubmitDecision(
                      SubmitDecision.newBuilder()
                          .setTurn(open.getTurn())
                          .setVersion(1)
                          .setDecision(decision(open, p)))
                  .build());
        }
      }
      manager.handle(
          facilitator,
          ClientMessage.newBuilder()
              .setRequestId(++request)
              .setFacilitator(
                  FacilitatorCommand.newBuilder().setDeadlineAtEpochMs(stage.now + 1000))
              .build());
      int turn = session[0].game().turn();
      stage.advance(1000); // the deadline passes: the turn closes as a live one does
      if (session[0].phase() == Phase.TURN_OPEN && session[0].game().turn() == turn) {
        throw new IllegalStateException("turn " + turn + " did not close at its deadline");
      }
      closes++;
    }
    stage.advance(60_000); // what the session scheduled after its end
  }

  /** Half the free hours on one act, four tenths on another, as the load generator's players. */
  private static Decision decision(TurnOpened open, int seat) {
    int acts = open.getActsCount();
    double free = Math.max(0, open.getFreeHours());
    return Decision.newBuilder()
        .addHours(
            ActHours.newBuilder()
                .setAct(open.getActs((seat + open.getTurn()) % acts).getId())
                .setHours(Math.floor(free * 0.5)))
        .addHours(
            ActHours.newBuilder()
                .setAct(open.getActs((seat * 3 + open.getTurn() + 1) % acts).getId())
                .setHours(Math.floor(free * 0.4)))
        .build();
  }

  /**
   * The rehearsal's session thread and clock: tasks run at once on the rehearsal's thread (after
   * the running one, as on an event loop), time moves only when the rehearsal advances it.
   */
  private static final class Stage implements SessionManager.SessionThread, SessionClock {
    private long now = System.currentTimeMillis();
    private long order;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
    private boolean running;

    private final class Timer implements Comparable<Timer>, Cancellable {
      final long due;
      final long sequence = order++;
      final Runnable task;
      boolean cancelled;

      Timer(long due, Runnable task) {
        this.due = due;
        this.task = task;
      }

      @Override
      public int compareTo(Timer o) {
        return due != o.due ? Long.compare(due, o.due) : Long.compare(sequence, o.sequence);
      }

      @Override
      public void cancel() {
        cancelled = true;
      }
    }

    @Override
    public void execute(Runnable command) {
      if (running) {
        queued.add(command);
        return;
      }
      running = true;
      try {
        command.run();
        for (Runnable next; (next = queued.poll()) != null; ) {
          next.run();
        }
      } finally {
        running = false;
      }
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
      Timer t = new Timer(now + Math.max(0, delayMillis), task);
      timers.add(t);
      return t;
    }

    /** Moves the clock on, running every timer that falls due on the way, in order. */
    void advance(long millis) {
      long until = now + millis;
      for (Timer t; (t = timers.peek()) != null && t.due <= until; ) {
        timers.poll();
        now = Math.max(now, t.due);
        if (!t.cancelled) {
          execute(t.task);
        }
      }
      now = until;
    }
  }

  /** Session logs that serialize each record as the event log does, then drop it. */
  private static final class DroppedJournals implements Journals {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private long bytes;

    @Override
    public SessionJournal create(String sessionId) {
      return (SessionRecord record) -> {
        bytes += record.toByteArray().length;
        return DONE;
      };
    }

    @Override
    public List<String> sessionIds() {
      return List.of();
    }

    @Override
    public Stored recover(String sessionId) {
      throw new UnsupportedOperationException("a rehearsal recovers nothing");
    }

    @Override
    public Stored read(String sessionId) {
      throw new UnsupportedOperationException("a rehearsal reads nothing back");
    }
  }

  /**
   * A rehearsal's connection: serializes each message as the codecs do, keeps the last reply and
   * the open turn, and drops the rest.
   */
  private static final class Seat implements Connection {
    private static final AtomicLong IDS = new AtomicLong(-1);
    private final long id = IDS.getAndDecrement(); // negative: never a real connection's id
    private ServerMessage reply;
    private TurnOpened opened;
    private long bytes;

    ServerMessage reply() {
      if (reply == null) {
        throw new IllegalStateException("the rehearsal's request got no answer");
      }
      return reply;
    }

    @Override
    public long id() {
      return id;
    }

    @Override
    public Transport transport() {
      return Transport.WEBSOCKET;
    }

    @Override
    public void send(ServerMessage message) {
      if (message.getRequestId() != 0) {
        reply = message;
      }
      if (message.hasTurnOpened()) {
        opened = message.getTurnOpened();
      }
      bytes += message.toByteArray().length;
    }

    @Override
    public void close(Goodbye.Reason reason, String message) {}

    @Override
    public boolean handshakeDone() {
      return true;
    }

    @Override
    public void completeHandshake(int protocolVersion) {}

    @Override
    public String remoteAddress() {
      return "rehearsal";
    }
  }
}
