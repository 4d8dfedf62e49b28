package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Leave;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Spectate;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.session.SessionLimits;
import org.quarterdeck.server.session.SessionManager;
import org.quarterdeck.server.store.StoreOptions;
import org.quarterdeck.server.testing.Await;

/**
 * Issue #12, items 2, 5 and 13, against a real server: anonymous session creation cannot exhaust
 * descriptors or heap, a restart with many sessions still serves, spectators are capped and removed
 * without a message storm while a normal client's Ping stays responsive, ended sessions are
 * archived, the admin token need not be on the command line.
 */
class LifecycleHardeningTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private static ClientMessage.Builder createMessage() {
    return ClientMessage.newBuilder()
        .setCreateSession(
            CreateSession.newBuilder().setSettings(SessionSettings.newBuilder().setTeams(2)));
  }

  private static QuarterdeckClient client(URI uri) throws Exception {
    QuarterdeckClient c =
        QuarterdeckClient.connect(uri, ClientOptions.defaults().withRequestTimeout(REQUEST_TIMEOUT))
            .get(10, SECONDS);
    c.hello().get(10, SECONDS);
    return c;
  }

  /**
   * 330 anonymous creations against a server allowed 256 descriptors, a 128 MiB heap and 300 live
   * sessions: 300 are created and 30 refused with UNAVAILABLE, the server keeps at most 16 logs
   * open, /healthz and new players are served; after a restart under the same limits all 300
   * sessions are back and served. Before the store bounded its handles, each session held a
   * descriptor and the 253rd session exhausted the table.
   */
  @Test
  @Timeout(value = 90, unit = SECONDS)
  void anonymousCreationCannotExhaustDescriptorsAndARestartStillServes(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("data");
    String[] flags = {
      "--max-open-logs",
      "16",
      "--max-anonymous-sessions",
      "300",
      "--creations-per-address-per-hour",
      "100000"
    };
    List<SessionCreated> created = new ArrayList<>();
    int unavailable = 0;
    try (ServerProcess server = ServerProcess.start(data, 256, "128m", flags)) {
      List<QuarterdeckClient> creators = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        creators.add(client(server.tcp));
      }
      for (int round = 0; round < 55; round++) {
        List<CompletableFuture<ServerMessage>> replies = new ArrayList<>();
        for (QuarterdeckClient c : creators) {
          replies.add(c.request(createMessage()));
        }
        for (CompletableFuture<ServerMessage> reply : replies) {
          ServerMessage m = reply.get(10, SECONDS);
          if (m.hasSessionCreated()) {
            created.add(m.getSessionCreated());
          } else {
            assertEquals(ErrorCode.UNAVAILABLE, m.getError().getCode(), m.toString());
            unavailable++;
          }
        }
      }
      assertEquals(300, created.size());
      assertEquals(30, unavailable);
      long[] fds = server.descriptors();
      assertTrue(fds[1] <= 16, "log files open: " + fds[1]);
      assertTrue(fds[0] < 200, "descriptors: " + fds[0]);
      assertEquals(200, server.get("/healthz").statusCode());
      assertEquals(300, server.metric("quarterdeck_data_log_files"));
      assertTrue(server.metric("quarterdeck_data_log_bytes") > 300 * 8);
      assertTrue(server.metric("quarterdeck_data_open_log_files") <= 16);
      assertEquals(300, server.metric("quarterdeck_sessions_live"));
      try (QuarterdeckClient player = client(server.webSocket)) {
        assertEquals(
            created.get(299).getSessionId(),
            player.join(created.get(299).getJoinCode(), "Ada").get(10, SECONDS).getSessionId());
      }
      creators.forEach(QuarterdeckClient::close);
      server.stop();
    }
    try (ServerProcess restarted = ServerProcess.start(data, 256, "128m", flags)) {
      assertEquals(200, restarted.get("/healthz").statusCode());
      assertEquals(300, restarted.metric("quarterdeck_sessions_held"));
      List<QuarterdeckClient> players = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        QuarterdeckClient p = client(i % 2 == 0 ? restarted.webSocket : restarted.tcp);
        players.add(p);
        SessionCreated session = created.get(i * 15);
        assertEquals(
            session.getSessionId(),
            p.join(session.getJoinCode(), "Player " + i).get(10, SECONDS).getSessionId());
      }
      long[] fds = restarted.descriptors();
      assertTrue(fds[1] <= 16, "log files open after restart: " + fds[1]);
      players.forEach(QuarterdeckClient::close);
    }
  }

  /**
   * 300 spectators arrive at once at a session that admits 100, while a normal client pings: 200
   * are refused, the arrivals cost no broadcast storm, the log does not grow, the Ping stays
   * responsive, and when they have gone (or spectated and left 200 times more) the lobby counts
   * nobody.
   */
  @Test
  @Timeout(value = 60, unit = SECONDS)
  void spectatorsAreCappedAndRemovedAndPingStaysResponsive(@TempDir Path data) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try (Application app = start(data, new SessionLimits(20, 100, 100, Duration.ofHours(1)))) {
      URI ws = URI.create(app.addresses().webSocketUrl());
      QuarterdeckClient facilitator = client(ws);
      SessionCreated session =
          facilitator.call(createMessage()).get(10, SECONDS).getSessionCreated();
      ConcurrentLinkedQueue<ServerMessage> lobby = new ConcurrentLinkedQueue<>();
      facilitator.onPush(
          m -> {
            if (m.hasLobbyUpdate()) {
              lobby.add(m);
            }
          });
      facilitator.resume(session.getFacilitatorToken()).get(10, SECONDS);
      Path logFile = data.resolve("sessions").resolve(session.getSessionId() + ".qlog");
      long logBytes = Files.size(logFile);

      QuarterdeckClient normal = client(URI.create(app.addresses().tcpUrl()));
      AtomicBoolean flooding = new AtomicBoolean(true);
      List<Long> pingMicros = new ArrayList<>();
      Thread pinger =
          new Thread(
              () -> {
                while (flooding.get()) {
                  long start = System.nanoTime();
                  try {
                    normal
                        .call(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(start)))
                        .get(10, SECONDS);
                  } catch (Exception e) {
                    throw new AssertionError("ping failed during the flood", e);
                  }
                  pingMicros.add((System.nanoTime() - start) / 1000);
                  try {
                    Thread.sleep(5); // a steady probe, not a flood of its own
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "pinger");
      long messagesBefore = metric(app, "quarterdeck_messages_out_total");
      pinger.start();

      List<CompletableFuture<QuarterdeckClient>> connecting = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        connecting.add(
            QuarterdeckClient.connect(
                ws, ClientOptions.defaults().withRequestTimeout(REQUEST_TIMEOUT), group, null));
      }
      List<QuarterdeckClient> crowd = new ArrayList<>();
      for (CompletableFuture<QuarterdeckClient> c : connecting) {
        crowd.add(c.get(20, SECONDS));
      }
      List<CompletableFuture<ServerMessage>> answers = new ArrayList<>();
      for (QuarterdeckClient c : crowd) {
        answers.add(
            c.hello()
                .thenCompose(
                    w ->
                        c.request(
                            ClientMessage.newBuilder()
                                .setSpectate(
                                    Spectate.newBuilder().setJoinCode(session.getJoinCode())))));
      }
      int admitted = 0;
      int refused = 0;
      for (CompletableFuture<ServerMessage> a : answers) {
        ServerMessage m = a.get(20, SECONDS);
        if (m.hasJoined()) {
          admitted++;
        } else {
          assertEquals(ErrorCode.UNAVAILABLE, m.getError().getCode(), m.toString());
          refused++;
        }
      }
      flooding.set(false);
      pinger.join(15_000);
      long sent = metric(app, "quarterdeck_messages_out_total") - messagesBefore;

      assertEquals(100, admitted);
      assertEquals(200, refused);
      // 300 Welcomes, 300 answers, the pongs, and a few paced lobby updates for the facilitator;
      // one LobbyUpdate to everyone per arrival would have been over 5,000
      assertTrue(sent < 600 + pingMicros.size() + 50, "messages sent: " + sent);
      assertEquals(logBytes, Files.size(logFile), "spectators are not written to the log");
      long[] sorted = pingMicros.stream().mapToLong(Long::longValue).sorted().toArray();
      assertTrue(sorted.length >= 5, "pings during the flood: " + sorted.length);
      long p50 = sorted[sorted.length / 2];
      long p99 = sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)];
      // Generous bounds: CI shares two cores with other builds (a loaded run measured p50 130 ms
      // with 300 connections opening in this same JVM). The message count above is what tells
      // the storm apart; these only show the normal client is never starved.
      System.out.println(
          "spectator flood: "
              + sorted.length
              + " pings, p50 "
              + p50
              + " µs, p99 "
              + p99
              + " µs, "
              + sent
              + " messages sent");
      assertTrue(p50 < 500_000, "ping p50 " + p50 + " µs of " + Arrays.toString(sorted));
      assertTrue(p99 < 3_000_000, "ping p99 " + p99 + " µs");

      crowd.forEach(QuarterdeckClient::close);
      // spectate and leave, 200 times, on four connections (each within its burst allowance)
      List<QuarterdeckClient> visitors = new ArrayList<>();
      for (int v = 0; v < 4; v++) {
        QuarterdeckClient visitor = client(ws);
        visitors.add(visitor);
        for (int i = 0; i < 50; i++) {
          assertTrue(
              visitor
                  .call(
                      ClientMessage.newBuilder()
                          .setSpectate(Spectate.newBuilder().setJoinCode(session.getJoinCode())))
                  .get(10, SECONDS)
                  .hasJoined());
          assertTrue(
              visitor
                  .call(ClientMessage.newBuilder().setLeave(Leave.getDefaultInstance()))
                  .get(10, SECONDS)
                  .hasLeft());
        }
      }
      assertEquals(logBytes, Files.size(logFile), "spectate-and-leave cycles grow no log");
      Await.until(
          "the lobby counts nobody once everyone left",
          Duration.ofSeconds(10),
          () -> {
            ServerMessage last = lobby.stream().reduce((a, b) -> b).orElse(null);
            return last != null && last.getLobbyUpdate().getSpectators() == 0;
          });
      visitors.forEach(QuarterdeckClient::close);
      normal.close();
      facilitator.close();
    } finally {
      group.shutdownGracefully(0, 0, SECONDS);
    }
  }

  /**
   * Archiving an ended session closes its log (no descriptor, no entry in the writer's table),
   * keeps it exportable and verifiable, and makes room under the ceiling of live sessions; a sixth
   * anonymous creation from one address in the hour is refused.
   */
  @Test
  @Timeout(value = 30, unit = SECONDS)
  void anEndedSessionIsArchivedAndAnAddressHasAQuota(@TempDir Path data) throws Exception {
    try (Application app = start(data, new SessionLimits(5, 1, 10, Duration.ZERO))) {
      QuarterdeckClient facilitator = client(URI.create(app.addresses().webSocketUrl()));
      SessionCreated session =
          facilitator.call(createMessage()).get(10, SECONDS).getSessionCreated();
      ServerMessage full = facilitator.request(createMessage()).get(10, SECONDS);
      assertEquals(ErrorCode.UNAVAILABLE, full.getError().getCode(), "one live session at most");

      facilitator.resume(session.getFacilitatorToken()).get(10, SECONDS);
      facilitator
          .call(
              ClientMessage.newBuilder()
                  .setFacilitator(
                      FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())))
          .get(10, SECONDS);
      facilitator
          .call(
              ClientMessage.newBuilder()
                  .setFacilitator(
                      FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())))
          .get(10, SECONDS);
      Await.until(
          "the ended session archived",
          Duration.ofSeconds(10),
          () -> app.sessions().archivedSessionCount() == 1);
      assertEquals(1, metric(app, "quarterdeck_sessions_archived"));
      ServerMessage refused =
          facilitator
              .request(
                  ClientMessage.newBuilder()
                      .setFacilitator(
                          FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())))
              .get(10, SECONDS);
      assertEquals(ErrorCode.WRONG_PHASE, refused.getError().getCode());
      String export =
          app.sessions()
              .export(
                  session.getSessionId(),
                  session.getFacilitatorToken(),
                  SessionManager.ExportFormat.JSON)
              .get(10, SECONDS);
      assertTrue(export.contains(session.getSessionId()));

      // the archived session no longer counts: four more creations fit the address's quota of 5
      for (int i = 0; i < 4; i++) {
        try (QuarterdeckClient next = client(URI.create(app.addresses().tcpUrl()))) {
          SessionCreated more = next.call(createMessage()).get(10, SECONDS).getSessionCreated();
          next.resume(more.getFacilitatorToken()).get(10, SECONDS);
          next.call(
                  ClientMessage.newBuilder()
                      .setFacilitator(
                          FacilitatorCommand.newBuilder().setEnd(Empty.getDefaultInstance())))
              .get(10, SECONDS);
          awaitArchived(app, i + 2);
        }
      }
      ServerMessage quota = facilitator.request(createMessage()).get(10, SECONDS);
      assertEquals(ErrorCode.RATE_LIMITED, quota.getError().getCode(), quota.toString());
      assertTrue(quota.getError().getRetryAfterMs() > 0);
      facilitator.close();
    }
  }

  private static void awaitArchived(Application app, int count) throws InterruptedException {
    Await.until(
        count + " sessions archived",
        Duration.ofSeconds(10),
        () -> app.sessions().archivedSessionCount() >= count);
    assertEquals(count, app.sessions().archivedSessionCount());
  }

  /** The admin token read from a file never appears on the command line that ps shows. */
  @Test
  @Timeout(value = 30, unit = SECONDS)
  void theAdminTokenFromAFileIsNotOnTheCommandLine(@TempDir Path dir) throws Exception {
    Path tokenFile = dir.resolve("admin-token");
    String token = "tok-" + Long.toHexString(System.nanoTime()) + "-not-in-ps";
    Files.writeString(tokenFile, token + "\n");
    try (ServerProcess server =
        ServerProcess.start(
            dir.resolve("data"), 256, "96m", "--admin-token-file", tokenFile.toString())) {
      String cmdline =
          Files.readString(Path.of("/proc", Long.toString(server.process.pid()), "cmdline"))
              .replace('\0', ' ');
      assertTrue(cmdline.contains("--admin-token-file"), cmdline);
      assertFalse(cmdline.contains(token), cmdline);
      try (QuarterdeckClient c = client(server.tcp)) {
        ServerMessage denied = c.request(createMessage()).get(10, SECONDS);
        assertEquals(ErrorCode.PERMISSION_DENIED, denied.getError().getCode());
        ServerMessage ok =
            c.request(
                    ClientMessage.newBuilder()
                        .setCreateSession(
                            CreateSession.newBuilder()
                                .setAdminToken(token)
                                .setSettings(SessionSettings.newBuilder().setTeams(2))))
                .get(10, SECONDS);
        assertTrue(ok.hasSessionCreated(), ok.toString());
      }
      assertFalse(ServerProcess.readQuietly(server.log).contains(token), "token in the log");
    }
  }

  private static Application start(Path data, SessionLimits limits) throws Exception {
    return ServerOptions.loopback()
        .serverName("lifecycle")
        .storage(Storage.files(data, StoreOptions.DEFAULTS.withMaxOpenLogs(8)))
        .sessionLimits(limits)
        .start();
  }

  private static long metric(Application app, String name) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        URI.create(app.addresses().httpUrl() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    for (String line : r.body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("no metric " + name + " in " + r.body());
  }
}
