package org.quarterdeck.server.bench.recovery;

import io.netty.channel.DefaultEventLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionRecord;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.SessionKey;
import org.quarterdeck.server.port.Transport;
import org.quarterdeck.server.session.EventLoopSessionThread;
import org.quarterdeck.server.session.Journals;
import org.quarterdeck.server.session.SessionManager;
import org.quarterdeck.server.store.EventLog;
import org.quarterdeck.server.store.EventStore;
import org.quarterdeck.server.store.FsyncMode;
import org.quarterdeck.server.store.StoreOptions;

/**
 * Writes a data directory of real, replayable session logs for the recovery benchmark: a few
 * template games are played through a real session manager (bots decide, the facilitator forces
 * each turn), then copied under fresh session ids, join codes and token hashes until the directory
 * holds the asked number of sessions and about the asked number of records.
 */
final class RecoveryDataDirectory {
  private static final int TEMPLATES = 8;

  /** What the logs hold: games still in play, or games that ended. */
  enum Games {
    /**
     * Games in play, as after a crash in the middle of a workshop: 10 teams (8 bots, 2 people who
     * joined and let the facilitator force their turns), each log cut in the middle of an open turn
     * (some bots have decided, the rest and the people have not) whose deadline falls a day after
     * the directory was written. Every session is rebuilt from its log.
     */
    LIVE(10, 2, 86_400), // the longest deadline a turn may have
    /**
     * Games of 6 bot teams that ended (98 records each): past their archive time they load as
     * archived summaries, not rebuilt.
     */
    ENDED(6, 0, 3600);

    final int teams;
    final int people;
    final int deadlineSeconds;

    Games(int teams, int people, int deadlineSeconds) {
      this.teams = teams;
      this.people = people;
      this.deadlineSeconds = deadlineSeconds;
    }
  }

  private RecoveryDataDirectory() {}

  /**
   * Writes {@code sessions} logs of about {@code recordsPerSession} records into {@code dir}.
   *
   * @throws IllegalArgumentException for live games when a game ends before that many records
   */
  static long write(Path dir, int sessions, int recordsPerSession, Games games) throws Exception {
    List<List<SessionRecord>> templates = new ArrayList<>();
    for (int t = 0; t < TEMPLATES; t++) {
      templates.add(template(1000 + t, recordsPerSession, games));
    }
    long records = 0;
    try (EventStore store =
        EventStore.open(dir, StoreOptions.DEFAULTS.withFsyncMode(FsyncMode.OFF))) {
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (int s = 0; s < sessions; s++) {
        List<SessionRecord> template = templates.get(s % templates.size());
        String id = String.format(Locale.ROOT, "s-bench%07d", s);
        EventLog log = store.create(id).get(30, TimeUnit.SECONDS);
        for (SessionRecord r : template) {
          SessionRecord copy = r;
          if (r.hasOpened()) {
            copy =
                r.toBuilder()
                    .setOpened(
                        r.getOpened().toBuilder()
                            .setSessionId(id)
                            .setJoinCode(joinCode(s))
                            .setFacilitatorTokenHash(SessionKey.hashToken("facilitator-" + s)))
                    .build();
          } else if (r.hasSeatTaken()) {
            // every player's token is their own: the index finds a session by its token hashes
            copy =
                r.toBuilder()
                    .setSeatTaken(
                        r.getSeatTaken().toBuilder()
                            .setTokenHash(
                                SessionKey.hashToken(
                                    "player-" + s + "-" + r.getSeatTaken().getSeat().getTeam())))
                    .build();
          }
          pending.add(log.append(copy));
          records++;
        }
        if (pending.size() > 20_000) {
          CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
              .get(60, TimeUnit.SECONDS);
          pending.clear();
        }
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
    return records;
  }

  /** A distinct join code per session (8 characters of the join-code alphabet). */
  private static String joinCode(int n) {
    String alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    StringBuilder code = new StringBuilder();
    long v = n + 1_000_000_000L;
    for (int i = 0; i < 8; i++) {
      code.append(alphabet.charAt((int) (v % alphabet.length())));
      v /= alphabet.length();
    }
    return code.toString();
  }

  /** One game, turns forced by its facilitator, cut at {@code records}. */
  private static List<SessionRecord> template(long seed, int records, Games games)
      throws Exception {
    DefaultEventLoop loop = new DefaultEventLoop();
    Journals memory = Journals.inMemory();
    try {
      SessionManager manager =
          new SessionManager(() -> new EventLoopSessionThread(loop), memory, null, 10, 1000);
      SessionSettings.Builder settings =
          SessionSettings.newBuilder()
              .setTeams(games.teams)
              .setSeed(seed)
              .setTurnDeadlineSeconds(games.deadlineSeconds);
      String[] bots = {"numbers", "leader", "balanced", "adaptive", "random", "balanced"};
      for (int team = 0; team < games.teams; team++) {
        // the people's seats come first: an empty strategy leaves the seat for a person
        settings.addBotStrategies(team < games.people ? "" : bots[team % bots.length]);
      }
      SessionManager.Created created =
          manager
              .create(CreateSession.newBuilder().setSettings(settings).build())
              .get(30, TimeUnit.SECONDS);
      Replies facilitator = new Replies(1);
      long rid = 1;
      manager.handle(
          facilitator,
          ClientMessage.newBuilder()
              .setRequestId(rid)
              .setResume(Resume.newBuilder().setToken(created.facilitatorToken()))
              .build());
      facilitator.await(rid);
      String joinCode = memory.read(created.sessionId()).records().get(0).getOpened().getJoinCode();
      for (int person = 0; person < games.people; person++) {
        Replies player = new Replies(2 + person);
        rid++;
        manager.handle(
            player,
            ClientMessage.newBuilder()
                .setRequestId(rid)
                .setJoinSession(
                    JoinSession.newBuilder()
                        .setJoinCode(joinCode)
                        .setDisplayName("Player " + (person + 1))
                        .setPreferredTeam(person))
                .build());
        if (!player.await(rid).hasJoined()) {
          throw new IllegalStateException("a person could not join the template game");
        }
      }
      manager.start(created.sessionId()).get(30, TimeUnit.SECONDS);
      while (memory.read(created.sessionId()).records().size() < records) {
        rid++;
        manager.handle(
            facilitator,
            ClientMessage.newBuilder()
                .setRequestId(rid)
                .setFacilitator(
                    FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()))
                .build());
        if (!facilitator.await(rid).hasFacilitatorAck()) {
          break; // the game ended
        }
      }
      List<SessionRecord> log = memory.read(created.sessionId()).records();
      List<SessionRecord> cut = List.copyOf(log.subList(0, Math.min(records, log.size())));
      if (games == Games.LIVE && (cut.size() < records || cut.get(cut.size() - 1).hasClosed())) {
        throw new IllegalArgumentException(
            "a game of "
                + games.teams
                + " teams ends after "
                + log.size()
                + " records, before "
                + records
                + ": ask for fewer records per session");
      }
      return cut;
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** A connection that keeps what it is sent, to wait for a reply. */
  private static final class Replies implements Connection {
    private final BlockingQueue<ServerMessage> received = new LinkedBlockingQueue<>();
    private final long id;

    Replies(long id) {
      this.id = id;
    }

    ServerMessage await(long requestId) throws InterruptedException {
      while (true) {
        ServerMessage m = received.poll(30, TimeUnit.SECONDS);
        if (m == null) {
          throw new IllegalStateException("no reply to request " + requestId);
        }
        if (m.getRequestId() == requestId) {
          return m;
        }
      }
    }

    @Override
    public long id() {
      return id;
    }

    @Override
    public Transport transport() {
      return Transport.values()[0];
    }

    @Override
    public void send(ServerMessage message) {
      received.add(message);
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
      return "127.0.0.1:1";
    }
  }
}
