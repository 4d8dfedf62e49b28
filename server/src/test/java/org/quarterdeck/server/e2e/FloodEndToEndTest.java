package org.quarterdeck.server.e2e;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
 * loopback address on eight connections that pipeline as fast as they can and come back as soon as
 * they are closed. The flooder's address must be cooled down (its connections closed, new ones
 * reset on accept); the pings until then are printed, not bounded (the budget's burst and the
 * refusals that lead to the cool-down are answered first: 3 to 6 s on a loaded machine). Then, the
 * flood going on and refused, a player on 127.0.0.1 pings every 20 ms for 6 s while another plays a
 * turn, and the Ping p99 must stay under 100 ms, an absolute bound, whenever the same machine meets
 * it without a flood (see the end of {@link #measure}).
 */
@Timeout(value = 30, unit = SECONDS)
class FloodEndToEndTest {
  private static final int FLOOD_CONNECTIONS = 8;
  private static final Duration PING_WINDOW = Duration.ofSeconds(6);
  private static final double P99_BOUND_MS = 100;

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.inMemory().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

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
    SessionCreated watched;
    try (TestPlayer facilitator = new TestPlayer(server.tcp(), false)) {
      watched =
          facilitator
              .call(
                  ClientMessage.newBuilder()
                      .setCreateSession(
                          CreateSession.newBuilder()
                              .setSettings(SessionSettings.newBuilder().setTeams(2))))
              .getSessionCreated();
    }
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
    SessionCreated room;
    try (TestPlayer facilitator = new TestPlayer(server.tcp(), false)) {
      room =
          facilitator
              .call(
                  ClientMessage.newBuilder()
                      .setCreateSession(
                          CreateSession.newBuilder()
                              .setSettings(SessionSettings.newBuilder().setTeams(6))))
              .getSessionCreated();
    }
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
   * Floods from {@code from} while a player on 127.0.0.1 pings every 20 ms for {@link #PING_WINDOW}
   * and another plays a turn; asserts the bound, the cool-down and that the flooder is refused
   * afterwards.
   */
  private void measure(String what, String from, Flood flood) throws Exception {
    long cooldownsBefore = server.server().metrics().addressCooldowns();
    double p99;
    double quietP99;
    Flooder flooder = new Flooder(InetAddress.getByName(from), flood);
    try (QuarterdeckClient pinger =
        QuarterdeckClient.connect(server.tcp(), ClientOptions.defaults()).get(10, SECONDS)) {
      pinger.hello().get(10, SECONDS);
      // warm-up (a cold JVM's first pings take seconds on a loaded machine), then the reference
      pings(pinger, Duration.ofSeconds(1), new ArrayList<>(), () -> false);
      double[] quiet = pings(pinger, Duration.ofSeconds(2), new ArrayList<>(), () -> false);
      flooder.start();
      Await.until("the flood under way", Duration.ofSeconds(10), () -> flooder.sent.get() > 100);
      // until the address is cut off: measured and printed, not bounded (the budget's burst and
      // the refusals before the cool-down are served or answered first)
      double[] untilCutOff =
          pings(
              pinger,
              Duration.ofSeconds(12),
              new ArrayList<>(),
              () -> server.server().metrics().addressCooldowns() > cooldownsBefore);
      double cutOffSeconds = (System.nanoTime() - flooder.began) / 1e9;
      CompletableFuture<String> game = CompletableFuture.supplyAsync(FloodEndToEndTest::playATurn);
      List<String> slow = new ArrayList<>();
      double[] flooded = pings(pinger, PING_WINDOW, slow, () -> false);
      String played = game.get(20, SECONDS);
      p99 = flooded[1];
      quietP99 = quiet[1];
      System.out.printf(
          "%s flood from %s: cut off after %.1f s (Ping p50/p99/max until then"
              + " %.1f/%.1f/%.1f ms over %.0f pings); then, the flood going on, Ping p50/p99/max"
              + " %.1f/%.1f/%.1f ms over %.0f pings (before the flood"
              + " %.1f/%.1f/%.1f ms; pings over 50 ms at [s after start] %s); the flooder wrote"
              + " %d requests on %d connections, %d connections ended by the server; %s%n",
          what,
          from,
          cutOffSeconds,
          untilCutOff[0],
          untilCutOff[1],
          untilCutOff[2],
          untilCutOff[3],
          flooded[0],
          flooded[1],
          flooded[2],
          flooded[3],
          quiet[0],
          quiet[1],
          quiet[2],
          slow,
          flooder.sent.get(),
          flooder.connections.get(),
          flooder.refused.get(),
          played);
      assertTrue(flooder.sent.get() > 1000, "the flood ran: " + flooder.sent.get());
      assertTrue(
          server.server().metrics().addressCooldowns() > cooldownsBefore,
          "the flooder's address was cooled down");
      // the flood goes on, and the server holds none of its connections
      InetAddress address = InetAddress.getByName(from);
      Await.until(
          "the flooder's connections closed",
          Duration.ofSeconds(5),
          () -> server.server().gate().openFrom(address) == 0);
    } finally {
      flooder.stop();
    }
    assertTrue(refusedNow(from, flood.port()), "a new connection from " + from + " is refused");
    assertEquals(200, server.get("/healthz").statusCode(), "127.0.0.1 is still served");
    // The bound is absolute, but it means something only on a machine that meets it without a
    // flood: on a saturated one (other builds on both cores: GC threads and event loops wait
    // for a core) the reference alone exceeds it, and the test says so instead of passing.
    assumeTrue(
        quietP99 < P99_BOUND_MS,
        String.format(
            "no verdict on the bound: without a flood the Ping p99 is already %.1f ms on this"
                + " machine (during the %s flood %.1f ms)",
            quietP99, what, p99));
    assertTrue(p99 < P99_BOUND_MS, what + " flood: Ping p99 " + p99 + " ms");
  }

  /**
   * Pings every 20 ms for {@code window} or until {@code done}; p50, p99, max in ms and the count.
   * Pings over 50 ms are listed in {@code slow} as "ms@seconds into the window".
   */
  private static double[] pings(
      QuarterdeckClient pinger,
      Duration window,
      List<String> slow,
      java.util.function.BooleanSupplier done)
      throws Exception {
    List<Long> micros = new ArrayList<>();
    long begin = System.nanoTime();
    long end = begin + window.toNanos();
    while (System.nanoTime() < end && !done.getAsBoolean()) {
      long start = System.nanoTime();
      ServerMessage pong =
          pinger
              .request(ClientMessage.newBuilder().setPing(Ping.newBuilder().setNonce(start)))
              .get(10, SECONDS);
      assertTrue(pong.hasPong(), pong.toString());
      long took = (System.nanoTime() - start) / 1000;
      micros.add(took);
      if (took > 50_000) {
        slow.add(String.format("%d@%.1f", took / 1000, (start - begin) / 1e9));
      }
      Thread.sleep(20); // the probe's pace, not a wait for the server
    }
    long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return new double[] {0, 0, 0, 0};
    }
    return new double[] {
      sorted[sorted.length / 2] / 1000.0,
      sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1000.0,
      sorted[sorted.length - 1] / 1000.0,
      sorted.length
    };
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

  /** Eight connections from one address, each pipelining batches until it is closed, then anew. */
  private static final class Flooder {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    private final AtomicBoolean flooding = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final InetAddress from;
    private final Flood flood;

    Flooder(InetAddress from, Flood flood) {
      this.from = from;
      this.flood = flood;
    }

    long began;

    void start() {
      began = System.nanoTime();
      for (int f = 0; f < FLOOD_CONNECTIONS; f++) {
        int seed = f;
        Thread t = new Thread(() -> run(seed), "flood-" + f);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    private void run(int seed) {
      int b = seed;
      while (flooding.get()) {
        try (Socket socket =
            new Socket(InetAddress.getByName("127.0.0.1"), flood.port(), from, 0)) {
          connections.incrementAndGet();
          socket.setSoTimeout(10_000);
          Thread drain = new Thread(() -> drain(socket), "flood-drain");
          drain.setDaemon(true);
          drain.start();
          OutputStream out = socket.getOutputStream();
          flood.start(out);
          while (flooding.get()) {
            flood.send(out, b++);
            out.flush();
            sent.addAndGet(BATCH);
          }
        } catch (IOException closedOrRefused) {
          // The server closed or reset this connection: come back after 5 ms. An attacker's own
          // machine pays for its reconnecting, but this one shares the server's two cores: a loop
          // without the pause measured the flooder's own system calls, not the server's work.
          refused.incrementAndGet();
          try {
            Thread.sleep(RECONNECT_PAUSE_MS);
          } catch (InterruptedException e) {
            return;
          }
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

    void stop() throws InterruptedException {
      flooding.set(false);
      for (Thread t : threads) {
        t.join(5000);
      }
    }
  }

  private static final int BATCH = 8;
  private static final long RECONNECT_PAUSE_MS = 5;

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
