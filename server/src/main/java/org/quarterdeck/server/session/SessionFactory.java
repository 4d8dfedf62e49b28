package org.quarterdeck.server.session;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.Mode;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.server.bot.Strategies;
import org.quarterdeck.server.port.Connection;
import org.quarterdeck.server.port.Errors;
import org.quarterdeck.server.scenario.LoadedScenario;
import org.quarterdeck.server.scenario.ScenarioCatalog;
import org.quarterdeck.server.scenario.ScenarioException;
import org.quarterdeck.server.wire.WireMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates sessions: checks who may (the admin token, or an address's quota and the server's ceiling
 * of live sessions), validates the request against today's limits, builds the session on a thread
 * and registers it; the creator hears SessionCreated only once the first record is durable.
 */
final class SessionFactory {
  private static final Logger log = LoggerFactory.getLogger(SessionFactory.class);
  private static final SecureRandom SEEDS = new SecureRandom();

  private final SessionRegistry registry;
  private final Supplier<SessionManager.SessionThread> threads;
  private final Journals storage;
  private final BiConsumer<GameSession, SessionManager.SessionThread> register;
  private final String adminTokenHash;
  private final int maxSessions;
  private final GuessLimiter guesses;
  private final SessionLimits limits;
  private final CreationQuota creations;
  private final LongSupplier wallClock;
  private final Supplier<FacilitatorDesk> desk;

  SessionFactory(
      SessionRegistry registry,
      Supplier<SessionManager.SessionThread> threads,
      Journals storage,
      BiConsumer<GameSession, SessionManager.SessionThread> register,
      String adminTokenHash,
      int maxSessions,
      GuessLimiter guesses,
      SessionLimits limits,
      LongSupplier wallClock,
      Supplier<FacilitatorDesk> desk) {
    this.registry = requireNonNull(registry, "registry");
    this.threads = requireNonNull(threads, "threads");
    this.storage = requireNonNull(storage, "storage");
    this.register = requireNonNull(register, "register");
    this.adminTokenHash = adminTokenHash;
    this.maxSessions = maxSessions;
    this.guesses = requireNonNull(guesses, "guesses");
    this.limits = requireNonNull(limits, "limits");
    this.creations = new CreationQuota(limits.creationsPerAddressPerHour());
    this.wallClock = requireNonNull(wallClock, "wallClock");
    this.desk = requireNonNull(desk, "desk");
  }

  /**
   * Creates a session for an operator (the demo) without a connection; the future completes once
   * the session's first record is durable, and fails if it could not be stored.
   */
  CompletableFuture<SessionManager.Created> create(CreateSession request) {
    CompletableFuture<SessionManager.Created> result = new CompletableFuture<>();
    try {
      SessionManager.Created created = open(request, "");
      GameSession session = registry.byId(created.sessionId());
      session
          .openedDurably()
          .whenComplete(
              (ok, error) -> {
                if (error == null) {
                  result.complete(created);
                } else {
                  dropUnsaved(session, error);
                  result.completeExceptionally(error);
                }
              });
    } catch (IllegalArgumentException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /** A session whose first record could not be stored never existed for anyone: forget it. */
  private void dropUnsaved(GameSession session, Throwable error) {
    log.warn(
        "session {} was not created: its first record could not be stored ({})",
        session.id(),
        error.toString());
    registry.unregister(session);
  }

  /** A client's CreateSession: answered with SessionCreated once durable, or a typed error. */
  void create(Connection c, long rid, CreateSession request) {
    String owner = desk.get().nameOf(c).orElse("");
    if (adminTokenHash != null && owner.isEmpty()) {
      // wrong admin tokens count as guesses, like wrong join codes
      String address = SessionRouter.hostOf(c);
      long now = System.currentTimeMillis();
      long wait = guesses.waitMillis(c.id(), address, now);
      if (wait > 0) {
        c.send(
            Errors.reply(
                rid, ErrorCode.RATE_LIMITED, "too many wrong tokens; try again later", (int) wait));
        return;
      }
      if (!Tokens.sameHash(adminTokenHash, Tokens.hash(request.getAdminToken()))) {
        guesses.failed(c.id(), address, now);
        c.sendError(
            rid, ErrorCode.PERMISSION_DENIED, "creating a session needs the server's admin token");
        return;
      }
    }
    // Without an admin token anyone may create sessions: each address gets a quota, and the
    // server a ceiling of live sessions, so one client cannot fill the disk, heap or fd table.
    boolean anonymous = adminTokenHash == null;
    String address = SessionRouter.hostOf(c);
    long now = wallClock.getAsLong();
    if (anonymous) {
      int live = registry.size() - registry.archivedCount();
      if (live >= limits.maxAnonymousSessions()) {
        c.send(
            Errors.reply(
                rid,
                ErrorCode.UNAVAILABLE,
                "the server holds its maximum of "
                    + limits.maxAnonymousSessions()
                    + " live sessions; try again when some have ended",
                60_000));
        return;
      }
      long wait = creations.take(address, now);
      if (wait > 0) {
        c.send(
            Errors.reply(
                rid,
                ErrorCode.RATE_LIMITED,
                "this address has created "
                    + limits.creationsPerAddressPerHour()
                    + " sessions in the last hour; try again later",
                (int) Math.min(Integer.MAX_VALUE, wait)));
        return;
      }
    }
    try {
      SessionManager.Created created = open(request, owner);
      GameSession session = registry.byId(created.sessionId());
      // SessionCreated only once the session's first record is durable: a token or join code
      // handed out for a session that a crash (or a full disk) undoes would be a lie
      session
          .openedDurably()
          .whenCompleteAsync(
              (ok, error) -> {
                if (error == null) {
                  c.send(
                      ServerMessage.newBuilder()
                          .setRequestId(rid)
                          .setSessionCreated(
                              SessionCreated.newBuilder()
                                  .setSessionId(created.sessionId())
                                  .setJoinCode(created.joinCode())
                                  .setFacilitatorToken(created.facilitatorToken()))
                          .build());
                } else {
                  dropUnsaved(session, error);
                  c.send(
                      Errors.reply(
                          rid,
                          ErrorCode.UNAVAILABLE,
                          "the session could not be saved ("
                              + SessionRecovery.rootMessage(error)
                              + "); nothing was created, try again",
                          1000));
                }
              },
              threadOrCaller(session));
    } catch (TooManySessions e) {
      giveBack(anonymous, address, now);
      c.sendError(rid, ErrorCode.UNAVAILABLE, e.getMessage());
    } catch (UnknownScenario e) {
      giveBack(anonymous, address, now);
      c.send(
          SessionRouter.withField(
              Errors.reply(rid, ErrorCode.NOT_FOUND, e.getMessage()),
              "create_session.builtin_scenario"));
    } catch (IllegalArgumentException e) {
      giveBack(anonymous, address, now);
      c.sendError(rid, ErrorCode.INVALID_ARGUMENT, e.getMessage());
    }
  }

  private void giveBack(boolean anonymous, String address, long now) {
    if (anonymous) {
      creations.giveBack(address, now);
    }
  }

  /** The session's thread, or (for a session already dropped) the caller's. */
  private java.util.concurrent.Executor threadOrCaller(GameSession session) {
    SessionManager.SessionThread thread = registry.threadOf(session);
    return thread == null ? Runnable::run : thread;
  }

  /** CreateSession named a built-in scenario this server does not have. */
  private static final class UnknownScenario extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownScenario(String message) {
      super(message);
    }
  }

  private static final class TooManySessions extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    TooManySessions(String message) {
      super(message);
    }
  }

  /** Validates the request, builds the session on its thread's behalf and registers it. */
  private SessionManager.Created open(CreateSession request, String owner) {
    if (registry.size() >= maxSessions) {
      throw new TooManySessions("the server holds its maximum of " + maxSessions + " sessions");
    }
    LoadedScenario scenario = scenario(request);
    SessionSettings settings = settings(request.getSettings(), scenario);
    String id = "s-" + Tokens.newToken().substring(0, 12);
    String code = uniqueCode();
    String facilitatorToken = Tokens.newToken();
    long seed = settings.getSeed() != 0 ? settings.getSeed() : SEEDS.nextLong();
    SessionManager.SessionThread thread = threads.get();
    Outbox outbox = new Outbox(thread);
    GameSession session =
        new GameSession(
            id,
            code,
            Tokens.hash(facilitatorToken),
            owner,
            scenario,
            settings,
            seed,
            thread.clock(),
            storage.create(id),
            outbox,
            threadCheck(thread, id),
            false);
    register.accept(session, thread);
    log.info(
        "session {} created: scenario {}, {} teams, join code {}",
        id,
        scenario.id(),
        settings.getTeams(),
        code);
    return new SessionManager.Created(id, code, facilitatorToken);
  }

  private static Runnable threadCheck(SessionManager.SessionThread thread, String id) {
    return () -> {
      if (!thread.inThread()) {
        throw new IllegalStateException("session " + id + " touched off its thread");
      }
    };
  }

  private String uniqueCode() {
    String code;
    do {
      code = JoinCodes.newCode();
    } while (registry.codeTaken(code));
    return code;
  }

  private static LoadedScenario scenario(CreateSession request) {
    try {
      return switch (request.getScenarioCase()) {
        case BUILTIN_SCENARIO -> {
          if (!ScenarioCatalog.builtInNames().contains(request.getBuiltinScenario())) {
            throw new UnknownScenario(
                "no built-in scenario '"
                    + request.getBuiltinScenario()
                    + "'; this server has "
                    + ScenarioCatalog.builtInNames());
          }
          yield ScenarioCatalog.builtIn(request.getBuiltinScenario());
        }
        case SCENARIO_TEXT -> {
          if (request.getScenarioText().length() > SessionManager.MAX_SCENARIO_CHARS) {
            throw new IllegalArgumentException(
                "scenario_text is limited to " + SessionManager.MAX_SCENARIO_CHARS + " characters");
          }
          yield ScenarioCatalog.fromText("upload", request.getScenarioText());
        }
        case SCENARIO_NOT_SET -> ScenarioCatalog.builtIn(ScenarioCatalog.defaultName());
      };
    } catch (ScenarioException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static SessionSettings settings(SessionSettings asked, LoadedScenario scenario) {
    SessionSettings.Builder s = asked.toBuilder();
    int min = Math.max(1, scenario.scenario().getMinTeams());
    int max =
        scenario.scenario().getMaxTeams() == 0
            ? SessionManager.MAX_TEAMS
            : Math.min(SessionManager.MAX_TEAMS, scenario.scenario().getMaxTeams());
    if (s.getTeams() == 0) {
      s.setTeams(Math.max(min, Math.min(max, 4)));
    }
    if (s.getTeams() < min || s.getTeams() > max) {
      throw new IllegalArgumentException(
          "settings.teams must be "
              + min
              + ".."
              + max
              + " for scenario "
              + scenario.id()
              + ", was "
              + s.getTeams());
    }
    if (s.getTurnDeadlineSeconds() > SessionManager.MAX_DEADLINE_SECONDS) {
      throw new IllegalArgumentException(
          "settings.turn_deadline_seconds is at most " + SessionManager.MAX_DEADLINE_SECONDS);
    }
    if (s.getPeoplePerTeam() > SessionManager.MAX_PEOPLE_PER_TEAM) {
      throw new IllegalArgumentException(
          "settings.people_per_team must be 0.."
              + SessionManager.MAX_PEOPLE_PER_TEAM
              + ", was "
              + s.getPeoplePerTeam());
    }
    if (s.getLastCallSeconds() > SessionManager.MAX_LAST_CALL_SECONDS) {
      throw new IllegalArgumentException(
          "settings.last_call_seconds is at most " + SessionManager.MAX_LAST_CALL_SECONDS);
    }
    if (s.getTitle().length() > SessionManager.MAX_TITLE_CHARS) {
      throw new IllegalArgumentException(
          "settings.title is limited to " + SessionManager.MAX_TITLE_CHARS + " characters");
    }
    Mode mode = WireMapping.mode(scenario.rules().mode());
    if (s.getMode() != Mode.MODE_UNSPECIFIED && s.getMode() != mode) {
      throw new IllegalArgumentException(
          "scenario "
              + scenario.id()
              + " is played in mode "
              + mode
              + "; choose a scenario written for "
              + s.getMode());
    }
    s.setMode(mode);
    if (s.getBotStrategiesCount() > s.getTeams()) {
      throw new IllegalArgumentException("settings.bot_strategies has more entries than teams");
    }
    for (int i = 0; i < s.getBotStrategiesCount(); i++) {
      String name = s.getBotStrategies(i);
      if (!name.isEmpty()) {
        try {
          Strategies.parse(name);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "settings.bot_strategies[" + i + "]: " + e.getMessage());
        }
      }
    }
    return s.build();
  }
}
