package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Hello;
import org.quarterdeck.protocol.v1.JoinSession;
import org.quarterdeck.protocol.v1.Leave;
import org.quarterdeck.protocol.v1.Ping;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.Spectate;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.protocol.v1.TurnOpened;
import org.quarterdeck.server.testing.Await;
import org.quarterdeck.server.testing.TestServer;

/**
 * Floods from one address against a real server at its default limits (issue 12: "a normal client's
 * Ping stays under 100 ms p99 while /qr, spectators or floods run"). Each flood comes from its own
 * loopback address on eight connections that pipeline as fast as they can and come back 5 ms after
 * they are closed. A player on 127.0.0.1 pings every 20 ms from before the flood to its end, at a
 * fixed rate whatever the answers (a stall shows in every ping it delays); meanwhile the flooder's
 * address must be cooled down (its connections closed, new ones reset on accept), and after that,
 * the flood going on, another player plays a turn. The Ping p99 must stay under 100 ms over the
 * whole flood, from its first request to its end, and over the part after the cut-off: an absolute
 * bound, whenever the same machine meets it without a flood (see the end of {@link #measure}).
 */
@Timeout(value = 30, unit = SECONDS)
class FloodEndToEndTest {
  private static final int FLOOD_CONNECTIONS = 8;
  private static final long PING_EVERY_MS = 20;
  private static final int WARM_UP_PINGS = 50;
  private static final int REFERENCE_PINGS = 100;
  private static final int PINGS_AFTER_CUT_OFF = 300;
  private static final double P99_BOUND_MS = 100;

  @RegisterExtension static final TestServer server = TestServer.inMemory();

  @Test
  void aHealthzFloodIsCutOffWhilePingsStayFast() throws Exception {
    byte[][] batches = httpBatches("/healthz?x=", 500);
    measure("/healthz", "127.0.0.2", (socket, i) -> socket.write(batches[i % batches.length]));
  }

  @Test
  void aQrFloodIsCutOffWhilePingsStayFast() throws Exception {
    byte[][] batches = httpBatches("/qr?text=", 500);
    measure("/qr", "127.0.0.3", (socket, i) -> socket.write(batches[i % batches.length]));
  }

  @Test
  void aSpectatorFloodIsCutOffWhilePingsStayFast() throws Exception {
    SessionCreated watched = server.createSession(2);
    byte[] hello =
        delimited(
            ClientMessage.newBuilder()
                .setHello(Hello.newBuilder().setClientName("flood").addProtocolVersions(1)));
    byte[] batch = spectateAndLeave(watched.getJoinCode());
    measure(
        "Spectate+Leave",
        "127.0.0.4",
        new Flood() {
          @Override
          public int port() {
            return server.addresses().tcp().getPort();
          }

          @Override
          public void start(OutputStream socket) throws IOException {
            socket.write(hello);
          }

          @Override
          public void send(OutputStream socket, int i) throws IOException {
            socket.write(batch);
          }
        });
  }

  /**
   * The defaults leave room for a real workshop: 60 phones behind one venue NAT (127.0.0.5) load
   * the player page at once (the page, every script and style sheet it names, the icon) and open
   * the game's WebSocket (Hello, Spectate), and then all do it again, as if everyone reloaded. No
   * request is refused and the address is not cooled down.
   */
  @Test
  void aWorkshopOfSixtyPhonesBehindOneAddressLoadsThePageTwice() throws Exception {
    SessionCreated room = server.createSession(6);
    long cooldownsBefore = server.server().metrics().addressCooldowns();
    InetAddress venue = InetAddress.getByName("127.0.0.5");
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ExecutorService phones = Executors.newFixedThreadPool(PHONES);
    try {
      for (int round = 1; round <= 2; round++) {
        List<Future<Integer>> loads = new ArrayList<>();
        for (int p = 0; p < PHONES; p++) {
          loads.add(phones.submit(() -> loadThePlayerPage(venue, room.getJoinCode(), group)));
        }
        int requests = 0;
        for (Future<Integer> load : loads) {
          requests += load.get(20, SECONDS);
        }
        System.out.printf(
            "workshop round %d: %d phones behind one address, %d requests (%d a phone)%n",
            round, PHONES, requests, requests / PHONES);
      }
    } finally {
      phones.shutdownNow();
      group.shutdownGracefully(0, 0, SECONDS);
    }
    assertEquals(
        cooldownsBefore,
        server.server().metrics().addressCooldowns(),
        "the venue's address was not cooled down");
  }

  private static final int PHONES = 60;

  /**
   * One phone loads the player page and what it names, on one keep-alive connection, then opens the
   * game and spectates; returns the requests it made. Fails on any answer but 200 or 404 (the
   * icon), above all a 429.
   */
  private static int loadThePlayerPage(InetAddress from, String joinCode, EventLoopGroup group)
      throws Exception {
    int requests = 0;
    try (Socket socket =
        new Socket(
            InetAddress.getByName("127.0.0.1"), server.addresses().http().getPort(), from, 0)) {
      socket.setSoTimeout(10_000);
      String page = httpGet(socket, "/?code=" + joinCode, 200);
      requests++;
      java.util.regex.Matcher links =
          java.util.regex.Pattern.compile("(?:src|href)=\"(/assets/[^\"]+)\"").matcher(page);
      int assets = 0;
      while (links.find()) {
        httpGet(socket, links.group(1), 200);
        requests++;
        assets++;
      }
      assertTrue(assets >= 5, "the page names its scripts and styles: " + assets);
      httpGet(socket, "/favicon.ico", 0);
      requests++;
    }
    try (QuarterdeckClient phone =
        QuarterdeckClient.connect(
                server.webSocket(),
                ClientOptions.defaults(),
                group,
                new java.net.InetSocketAddress(from, 0))
            .get(10, SECONDS)) {
      phone.hello().get(10, SECONDS);
      ServerMessage watching =
          phone
              .request(
                  ClientMessage.newBuilder()
                      .setSpectate(Spectate.newBuilder().setJoinCode(joinCode)))
              .get(10, SECONDS);
      assertTrue(watching.hasJoined(), watching.toString());
      requests += 3; // the upgrade, Hello, Spectate
    }
    return requests;
  }

  /**
   * One GET on a keep-alive connection; returns the body. {@code expected} 0 accepts 200 or 404.
   */
  private static String httpGet(Socket socket, String path, int expected) throws IOException {
    socket
        .getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    String status = readLine(in);
    int length = 0;
    for (String header; !(header = readLine(in)).isEmpty(); ) {
      if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(header.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    int code = Integer.parseInt(status.split(" ")[1]);
    assertTrue(expected == 0 ? code == 200 || code == 404 : code == expected, path + ": " + status);
    return new String(body, StandardCharsets.UTF_8);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new IOException("connection closed after: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** What one flooding connection writes: once at the start, then batch after batch. */
  private interface Flood {
    default int port() {
      return server.addresses().http().getPort();
    }

    default void start(OutputStream socket) throws IOException {}

    void send(OutputStream socket, int i) throws IOException;
  }

  /**
   * Floods from {@code from} while a player on 127.0.0.1 pings (from before the flood to its end)
   * and, after the cut-off, another plays a turn; asserts the cool-down, that the flooder is
   * refused afterwards, and the bound over the whole flood and over the part after the cut-off.
   */
  private void measure(String what, String from, Flood flood) throws Exception {
    long cooldownsBefore = server.server().metrics().addressCooldowns();
    Flooder flooder = new Flooder(InetAddress.getByName(from), flood);
    ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
    AtomicLong cutOff = new AtomicLong();
    Pinger pinger = new Pinger(server.tcp());
    long referenceFrom;
    long referenceTo;
    String played;
    try {
      // warm-up (a cold JVM's first pings take seconds on a loaded machine), then the reference
      pinger.awaitAnswered(WARM_UP_PINGS);
      referenceFrom = System.nanoTime();
      pinger.awaitAnswered(WARM_UP_PINGS + REFERENCE_PINGS);
      referenceTo = System.nanoTime();
      // the moment the address is cooled down, to within 5 ms
      watch.scheduleAtFixedRate(
          () -> {
            if (server.server().metrics().addressCooldowns() > cooldownsBefore) {
              cutOff.compareAndSet(0, System.nanoTime());
            }
          },
          0,
          5,
          MILLISECONDS);
      flooder.start();
      Await.until(
          "the flooder's address cooled down", Duration.ofSeconds(12), () -> cutOff.get() != 0);
      int ticksAtCutOff = pinger.ticks();
      CompletableFuture<String> game = CompletableFuture.supplyAsync(FloodEndToEndTest::playATurn);
      Await.until(
          PINGS_AFTER_CUT_OFF + " pings after the cut-off",
          Duration.ofSeconds(12),
          () -> pinger.ticks() >= ticksAtCutOff + PINGS_AFTER_CUT_OFF);
      played = game.get(20, SECONDS);
      assertTrue(flooder.sent.get() > 1000, "the flood ran: " + flooder.sent.get());
      // the flood goes on, and the server holds none of its connections
      InetAddress address = InetAddress.getByName(from);
      Await.until(
          "the flooder's connections closed",
          Duration.ofSeconds(5),
          () -> server.server().gate().openFrom(address) == 0);
    } finally {
      watch.shutdownNow();
      flooder.stop();
      pinger.close(); // after the flood: every ping sent during it is answered by now
    }
    Report report =
        new Report(
            pinger.between(referenceFrom, referenceTo, flooder.began),
            pinger.between(flooder.began, flooder.ended, flooder.began),
            pinger.between(flooder.began, cutOff.get(), flooder.began),
            pinger.between(cutOff.get(), flooder.ended, flooder.began),
            played);
    System.out.printf(
        "%s flood from %s: first connection ended by the server after %.0f ms, address cooled"
            + " down after %.0f ms; Ping p50/p99/max (pings): whole flood %s, until the cut-off"
            + " %s, after it %s, before the flood %s; pings over 50 ms [ms@s into the flood] %s"
            + " (%d ticks of the pinger skipped: this JVM had no core);"
            + " the flooder wrote %d requests on %d connections, %d ended by the server; %s%n",
        what,
        from,
        (flooder.firstEnded.get() - flooder.began) / 1e6,
        (cutOff.get() - flooder.began) / 1e6,
        report.whole(),
        report.untilCutOff(),
        report.afterCutOff(),
        report.reference(),
        report.whole().slow(),
        pinger.skipped(),
        flooder.sent.get(),
        flooder.connections.get(),
        flooder.endedByServer.get(),
        report.played());
    assertEquals(0, pinger.failed(), "every ping answered");
    assertTrue(
        server.server().metrics().addressCooldowns() > cooldownsBefore,
        "the flooder's address was cooled down");
    assertTrue(refusedNow(from, flood.port()), "a new connection from " + from + " is refused");
    assertEquals(200, server.get("/healthz").statusCode(), "127.0.0.1 is still served");
    // The bound is absolute, but it means something only on a machine that meets it without a
    // flood: on a saturated one (other builds on both cores: GC threads and event loops wait
    // for a core) the reference alone exceeds it, and the test says so instead of passing.
    assumeTrue(
        report.reference().p99() < P99_BOUND_MS,
        String.format(
            "no verdict on the bound: without a flood the Ping p99 is already %.1f ms on this"
                + " machine (during the %s flood %.1f ms)",
            report.reference().p99(), what, report.whole().p99()));
    assertTrue(
        report.whole().p99() < P99_BOUND_MS,
        what + " flood, from its first request to its end: Ping " + report.whole());
    assertTrue(
        report.afterCutOff().p99() < P99_BOUND_MS,
        what + " flood, after the cut-off: Ping " + report.afterCutOff());
  }

  /** The Ping figures of one flood's windows, and what the player who played a turn saw. */
  private record Report(
      PingWindow reference,
      PingWindow whole,
      PingWindow untilCutOff,
      PingWindow afterCutOff,
      String played) {}

  /**
   * Ping round trips of the pings sent in one window: p50, p99 and max in ms, their count, and the
   * pings over 50 ms as "ms@seconds into the flood".
   */
  private record PingWindow(double p50, double p99, double max, int count, List<String> slow) {
    @Override
    public String toString() {
      return String.format("%.1f/%.1f/%.1f ms (%d)", p50, p99, max, count);
    }
  }

  /**
   * A player on 127.0.0.1 that pings every {@value #PING_EVERY_MS} ms at a fixed rate on a
   * scheduler of its own, not waiting for the answers: a stall of the server delays every ping sent
   * during it, so it shows in the percentiles as long as it lasts. A tick that comes more than a
   * period late (this JVM got no core meanwhile) is skipped and counted, not caught up with a burst
   * of pings: a burst would exceed the connection's own rate limit and get the player's address
   * cooled down.
   */
  private static final class Pinger implements AutoCloseable {
    private static final long PERIOD_NANOS = MILLISECONDS.toNanos(PING_EVERY_MS);

    private final QuarterdeckClient client;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();

    /** {sent at (nanoTime), round trip (nanos)} of every answered ping. */
    private final java.util.Queue<long[]> answered = new ConcurrentLinkedQueue<>();

    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger ticks = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final long origin;

    Pinger(java.net.URI uri) throws Exception {
      client = QuarterdeckClient.connect(uri, ClientOptions.defaults()).get(10, SECONDS);
      client.hello().get(10, SECONDS);
      origin = System.nanoTime();
      clock.scheduleAtFixedRate(this::ping, 0, PING_EVERY_MS, MILLISECONDS);
    }

    private void ping() {
      long start = System.nanoTime();
      long due = origin + ticks.getAndIncrement() * PERIOD_NANOS;
      if (start - due > PERIOD_NANOS) {
        skipped.incrementAndGet();
        return;
      }
      sent.incrementAndGet();
      client
          .request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(start)))
          .whenComplete(
              (pong, failure) -> {
                if (failure == null && pong.hasPong()) {
                  answered.add(new long[] {start, System.nanoTime() - start});
                } else {
                  failed.incrementAndGet();
                }
              });
    }

    int sent() {
      return sent.get();
    }

    /** Periods of the schedule begun (a ping sent or skipped): the pinger's clock. */
    int ticks() {
      return ticks.get();
    }

    int skipped() {
      return skipped.get();
    }

    int failed() {
      return failed.get();
    }

    void awaitAnswered(int count) {
      Await.until(
          count + " pings answered", Duration.ofSeconds(20), () -> answered.size() >= count);
    }

    /**
     * The pings sent from {@code from} to {@code to} (nanoTime); slow ones timed from {@code zero}.
     */
    PingWindow between(long from, long to, long zero) {
      List<long[]> in = new ArrayList<>();
      for (long[] p : answered) {
        if (p[0] - from >= 0 && p[0] - to < 0) {
          in.add(p);
        }
      }
      List<String> slow = new ArrayList<>();
      long[] sorted = new long[in.size()];
      for (int i = 0; i < in.size(); i++) {
        long[] p = in.get(i);
        sorted[i] = p[1];
        if (p[1] > 50_000_000L) {
          slow.add(String.format("%d@%.2f", p[1] / 1_000_000, (p[0] - zero) / 1e9));
        }
      }
      java.util.Arrays.sort(sorted);
      if (sorted.length == 0) {
        return new PingWindow(0, 0, 0, 0, slow);
      }
      return new PingWindow(
          sorted[sorted.length / 2] / 1e6,
          sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
          sorted[sorted.length - 1] / 1e6,
          sorted.length,
          slow);
    }

    /** Stops pinging, waits for the answers still due, closes the connection. */
    @Override
    public void close() throws InterruptedException {
      clock.shutdownNow();
      clock.awaitTermination(5, SECONDS);
      Await.until(
          "the last pings answered or failed",
          Duration.ofSeconds(15),
          () -> answered.size() + failed.get() >= sent.get());
      client.close();
    }
  }

  /** True when a connection from {@code from} gets no answer but a reset or end of stream. */
  private static boolean refusedNow(String from, int port) throws IOException {
    try (Socket socket =
        new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException resetOrRefused) {
      return true;
    }
  }

  /**
   * A player on 127.0.0.1 joins a new session of two teams (one of them a bot), the facilitator
   * starts it, the player submits a decision and sees the turn resolved.
   */
  private static String playATurn() {
    long start = System.nanoTime();
    try (TestPlayer facilitator = new TestPlayer(server.webSocket(), false);
        TestPlayer player = new TestPlayer(server.tcp(), false)) {
      SessionCreated created =
          facilitator
              .call(
                  ClientMessage.newBuilder()
                      .setCreateSession(
                          CreateSession.newBuilder()
                              .setSettings(
                                  SessionSettings.newBuilder()
                                      .setTeams(2)
                                      .setSeed(5)
                                      .addBotStrategies("")
                                      .addBotStrategies("numbers"))))
              .getSessionCreated();
      assertTrue(
          facilitator
              .call(
                  ClientMessage.newBuilder()
                      .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())))
              .hasSnapshot());
      ServerMessage joined =
          player.call(
              ClientMessage.newBuilder()
                  .setJoinSession(
                      JoinSession.newBuilder()
                          .setJoinCode(created.getJoinCode())
                          .setDisplayName("Here")
                          .setPreferredTeam(-1)));
      assertTrue(joined.hasJoined(), joined.toString());
      facilitator.call(
          ClientMessage.newBuilder()
              .setFacilitator(
                  FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance())));
      TurnOpened open = player.await(ServerMessage::hasTurnOpened, 10).getTurnOpened();
      ServerMessage accepted =
          player.call(
              ClientMessage.newBuilder()
                  .setSubmitDecision(
                      SubmitDecision.newBuilder()
                          .setTurn(open.getTurn())
                          .setVersion(1)
                          .setDecision(
                              Decision.newBuilder()
                                  .addHours(
                                      ActHours.newBuilder()
                                          .setAct("coach")
                                          .setHours(Math.floor(open.getFreeHours() / 2))))));
      assertTrue(accepted.hasDecisionAccepted(), accepted.toString());
      player.await(ServerMessage::hasTurnResolved, 10);
      return String.format(
          "a player joined and played a turn in %d ms", (System.nanoTime() - start) / 1_000_000);
    } catch (Exception e) {
      throw new AssertionError("the player on 127.0.0.1 could not play", e);
    }
  }

  /**
   * Eight connections from one address, each pipelining batches until the server ends it, then
   * connecting anew {@value #RECONNECT_PAUSE_MS} ms later (scheduled, not slept).
   */
  private static final class Flooder {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    final AtomicLong endedByServer = new AtomicLong();

    /** nanoTime when the server first ended one of the flood's connections (0 until then). */
    final AtomicLong firstEnded = new AtomicLong();

    /** nanoTime just before the first connection; and when the flood stopped. */
    volatile long began;

    volatile long ended;

    private final AtomicBoolean flooding = new AtomicBoolean(true);
    private final ScheduledExecutorService lanes =
        Executors.newScheduledThreadPool(FLOOD_CONNECTIONS, daemons("flood"));
    private final ExecutorService drains = Executors.newCachedThreadPool(daemons("flood-drain"));
    private final java.util.Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final InetAddress from;
    private final Flood flood;

    Flooder(InetAddress from, Flood flood) {
      this.from = from;
      this.flood = flood;
    }

    void start() {
      began = System.nanoTime();
      for (int lane = 0; lane < FLOOD_CONNECTIONS; lane++) {
        int first = lane;
        lanes.execute(() -> connect(first));
      }
    }

    /**
     * One connection of a lane: writes batch after batch from {@code batch} on until it fails, then
     * schedules the lane's next connection.
     */
    private void connect(int batch) {
      int b = batch;
      try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), flood.port(), from, 0)) {
        open.add(socket);
        connections.incrementAndGet();
        socket.setSoTimeout(10_000);
        // What the flooder writes beyond what the server reads waits in its own send buffer, which
        // Linux grows to megabytes: gigabytes copied per run on the cores the server shares with
        // it here (a real attacker's machine pays for that itself). The server's side is as full.
        socket.setSendBufferSize(FLOOD_SEND_BUFFER_BYTES);
        drains.execute(() -> drain(socket));
        OutputStream out = socket.getOutputStream();
        flood.start(out);
        while (flooding.get()) {
          flood.send(out, b++);
          out.flush();
          sent.addAndGet(BATCH);
        }
        return;
      } catch (IOException closedOrRefused) {
        // The server closed or reset this connection: come back 5 ms later. An attacker's own
        // machine pays for its reconnecting, but this one shares the server's two cores: a loop
        // without the pause measured the flooder's own system calls, not the server's work.
        if (flooding.get()) {
          endedByServer.incrementAndGet();
          firstEnded.compareAndSet(0, System.nanoTime());
        }
      } finally {
        open.removeIf(Socket::isClosed);
      }
      int next = b;
      if (flooding.get()) {
        try {
          lanes.schedule(() -> connect(next), RECONNECT_PAUSE_MS, MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
          // the flood was stopped meanwhile
        }
      }
    }

    /** Reads (and drops) what the server answers until the connection ends. */
    private static void drain(Socket socket) {
      byte[] sink = new byte[4096];
      try {
        InputStream in = socket.getInputStream();
        while (in.read(sink) > 0) {
          // drop
        }
      } catch (IOException ended) {
        // closed or reset
      }
    }

    /** Stops the flood: no new connection, the open ones closed (a blocked write ends). */
    void stop() throws InterruptedException {
      if (!flooding.getAndSet(false)) {
        return;
      }
      ended = System.nanoTime();
      lanes.shutdown();
      for (Socket socket : open) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      lanes.awaitTermination(5, SECONDS);
      drains.shutdown();
      drains.awaitTermination(5, SECONDS);
    }
  }

  private static java.util.concurrent.ThreadFactory daemons(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static final int BATCH = 8;
  private static final long RECONNECT_PAUSE_MS = 5;
  private static final int FLOOD_SEND_BUFFER_BYTES = 64 * 1024;

  /** 512 batches of {@value #BATCH} pipelined requests for {@code prefix} + distinct text. */
  private static byte[][] httpBatches(String prefix, int textLength) {
    Random random = new Random(12);
    byte[][] batches = new byte[512][];
    for (int b = 0; b < batches.length; b++) {
      StringBuilder batch = new StringBuilder();
      for (int r = 0; r < BATCH; r++) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < textLength; i++) {
          text.append((char) ('a' + random.nextInt(26)));
        }
        batch.append("GET ").append(prefix).append(text).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
      }
      batches[b] = batch.toString().getBytes(StandardCharsets.US_ASCII);
    }
    return batches;
  }

  /** Spectate and Leave, {@value #BATCH} messages in all. */
  private static byte[] spectateAndLeave(String joinCode) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < BATCH / 2; i++) {
      out.write(
          delimited(
              ClientMessage.newBuilder()
                  .setRequestId(2 * i + 1)
                  .setSpectate(Spectate.newBuilder().setJoinCode(joinCode))));
      out.write(
          delimited(
              ClientMessage.newBuilder()
                  .setRequestId(2 * i + 2)
                  .setLeave(Leave.getDefaultInstance())));
    }
    return out.toByteArray();
  }

  /** A message as the TCP port frames it: a varint length, then the bytes. */
  private static byte[] delimited(ClientMessage.Builder message) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    message.build().writeDelimitedTo(out);
    return out.toByteArray();
  }
}
