package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.CreateSession;
import org.quarterdeck.protocol.v1.Empty;
import org.quarterdeck.protocol.v1.ErrorCode;
import org.quarterdeck.protocol.v1.FacilitatorCommand;
import org.quarterdeck.protocol.v1.Resume;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.SessionSettings;
import org.quarterdeck.protocol.v1.SignIn;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.ServerOptions;
import org.quarterdeck.server.Storage;
import org.quarterdeck.server.cli.FacilitatorAccountCommand;
import org.quarterdeck.server.cli.Main;

/**
 * {@code serve} with facilitator accounts, as its own process: passwords (right and wrong) never
 * reach its output or its data directory; and the CLI's CSV export equals the web's byte for byte.
 */
class FacilitatorServeTest {
  private static final Pattern WS = Pattern.compile("WebSocket\\s+(ws://\\S+)");
  private static final Pattern OPEN = Pattern.compile("Open\\s+(http://\\S+)");
  static final String PASSWORD = "Tr0ub4dor&3-unique-" + System.nanoTime();
  static final String WRONG = "wrong-guess-" + System.nanoTime();

  @Test
  @Timeout(120)
  void passwordsNeverReachTheLogsOrTheDataDirectory(@TempDir Path dir) throws Exception {
    Path accounts = dir.resolve("facilitators.txt");
    Path data = dir.resolve("data");
    ByteArrayOutputStream added = new ByteArrayOutputStream();
    assertEquals(
        0,
        FacilitatorAccountCommand.run(
            new String[] {
              "--facilitators", accounts.toString(), "--name", "alice", "--iterations", "20000"
            },
            new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)),
            new PrintStream(added, true, StandardCharsets.UTF_8),
            System.err));

    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = dir.resolve("server.log");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.quarterdeck.server.cli.Main",
                "serve",
                "--http-port",
                "0",
                "--tcp-port",
                "0",
                "--data",
                data.toString(),
                "--facilitators",
                accounts.toString(),
                "--admin-token",
                "admin-" + System.nanoTime(),
                "--public-url",
                "http://quarterdeck.example:8080")
            .redirectErrorStream(true)
            .start();
    StringBuilder output = new StringBuilder();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String ws = null;
      String open = null;
      while (ws == null || open == null) {
        String line = out.readLine();
        assertNotNull(line, "the server stopped before printing its addresses:\n" + output);
        output.append(line).append('\n');
        Matcher m;
        if ((m = WS.matcher(line)).find()) {
          ws = m.group(1);
        }
        if ((m = OPEN.matcher(line)).find()) {
          open = m.group(1);
        }
      }
      assertEquals("http://quarterdeck.example:8080", open, "the operator's public URL");
      Thread drain =
          new Thread(
              () -> {
                try {
                  out.lines()
                      .forEach(
                          l -> {
                            synchronized (output) {
                              output.append(l).append('\n');
                            }
                          });
                } catch (java.io.UncheckedIOException closed) {
                  // the process ended and its output closed
                }
              });
      drain.setDaemon(true);
      drain.start();

      try (TestPlayer facilitator = new TestPlayer(URI.create(ws), true)) {
        ServerMessage refused =
            facilitator.call(
                ClientMessage.newBuilder()
                    .setSignIn(SignIn.newBuilder().setName("alice").setPassword(WRONG)));
        assertEquals(ErrorCode.UNAUTHENTICATED, refused.getError().getCode(), refused.toString());
        ServerMessage signedIn =
            facilitator.call(
                ClientMessage.newBuilder()
                    .setSignIn(SignIn.newBuilder().setName("alice").setPassword(PASSWORD)));
        assertEquals(
            "http://quarterdeck.example:8080/room/alice",
            signedIn.getSignedIn().getRoomUrl(),
            signedIn.toString());
        ServerMessage created =
            facilitator.call(
                ClientMessage.newBuilder()
                    .setCreateSession(
                        CreateSession.newBuilder()
                            .setSettings(SessionSettings.newBuilder().setTeams(2))));
        assertTrue(created.hasSessionCreated(), "a signed-in facilitator needs no admin token");
      }
      process.destroy();
      assertTrue(process.waitFor(30, SECONDS), "the server exits after SIGTERM");
    } finally {
      process.destroyForcibly();
    }
    String text;
    synchronized (output) {
      text = output.toString();
    }
    Files.writeString(log, text);
    assertTrue(text.contains("signed in as facilitator alice"), text);
    assertFalse(text.contains(PASSWORD), "the password is in the server's output");
    assertFalse(text.contains(WRONG), "a wrong password is in the server's output");
    byte[] password = PASSWORD.getBytes(StandardCharsets.UTF_8);
    byte[] wrong = WRONG.getBytes(StandardCharsets.UTF_8);
    boolean ownerRecorded = false;
    try (Stream<Path> files = Stream.concat(Files.walk(data), Stream.of(accounts))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(f);
        assertFalse(contains(bytes, password), "the password is in " + f);
        assertFalse(contains(bytes, wrong), "a wrong password is in " + f);
        ownerRecorded |=
            contains(bytes, "alice".getBytes(StandardCharsets.UTF_8)) && !f.equals(accounts);
      }
    }
    assertTrue(ownerRecorded, "the session log names its owner");
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Test
  @Timeout(120)
  void theCliCsvExportEqualsTheWebsByteForByte(@TempDir Path data) throws Exception {
    String sessionId;
    byte[] web;
    try (Application app =
        ServerOptions.loopback()
            .serverName("csv-test")
            .storage(Storage.files(data, org.quarterdeck.server.store.StoreOptions.DEFAULTS))
            .start()) {
      try (TestPlayer facilitator =
          new TestPlayer(URI.create(app.addresses().webSocketUrl()), false)) {
        SessionCreated created =
            facilitator
                .call(
                    ClientMessage.newBuilder()
                        .setCreateSession(
                            CreateSession.newBuilder()
                                .setBuiltinScenario("market-year")
                                .setSettings(SessionSettings.newBuilder().setTeams(3).setSeed(42))))
                .getSessionCreated();
        sessionId = created.getSessionId();
        facilitator.call(
            ClientMessage.newBuilder()
                .setResume(Resume.newBuilder().setToken(created.getFacilitatorToken())));
        for (FacilitatorCommand.Builder command :
            List.of(
                FacilitatorCommand.newBuilder().setStart(Empty.getDefaultInstance()),
                FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()),
                FacilitatorCommand.newBuilder().setForceResolve(Empty.getDefaultInstance()))) {
          ServerMessage ack = facilitator.call(ClientMessage.newBuilder().setFacilitator(command));
          assertTrue(ack.hasFacilitatorAck(), ack.toString());
        }
        HttpResponse<byte[]> response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                app.addresses().httpUrl()
                                    + "/sessions/"
                                    + sessionId
                                    + "/export?format=csv"))
                        .header("Authorization", "Bearer " + created.getFacilitatorToken())
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        web = response.body();
      }
    }
    ByteArrayOutputStream cli = new ByteArrayOutputStream();
    assertEquals(
        0,
        Main.run(
            new String[] {
              "export", "--data", data.toString(), "--session", sessionId, "--format", "csv"
            },
            new PrintStream(cli, true, StandardCharsets.UTF_8),
            System.err));
    String text = new String(web, StandardCharsets.UTF_8);
    assertTrue(text.lines().count() >= 7, "a header and 3 teams x 2 turns:\n" + text);
    assertArrayEquals(web, cli.toByteArray(), "CLI:\n" + cli + "\nweb:\n" + text);
  }

  @Test
  @Timeout(60)
  void aRoomLinkLeadsToTheFacilitatorsNewestRunningSession(@TempDir Path dir) throws Exception {
    Path accounts = dir.resolve("facilitators.txt");
    org.quarterdeck.server.facilitator.FacilitatorAccounts.put(
        accounts, "alice", PASSWORD.toCharArray(), 1_000);
    try (Application app =
            ServerOptions.loopback()
                .serverName("room-test")
                .accounts(org.quarterdeck.server.facilitator.FacilitatorAccounts.load(accounts))
                .start();
        TestPlayer facilitator = new TestPlayer(URI.create(app.addresses().webSocketUrl()), true)) {
      HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
      URI room = URI.create(app.addresses().httpUrl() + "/room/alice");
      assertEquals(
          404,
          http.send(HttpRequest.newBuilder(room).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode(),
          "no session yet");
      facilitator.call(
          ClientMessage.newBuilder()
              .setSignIn(SignIn.newBuilder().setName("alice").setPassword(PASSWORD)));
      String code = null;
      for (int round = 0; round < 2; round++) {
        code =
            facilitator
                .call(
                    ClientMessage.newBuilder()
                        .setCreateSession(
                            CreateSession.newBuilder()
                                .setSettings(SessionSettings.newBuilder().setTeams(2))))
                .getSessionCreated()
                .getJoinCode();
        HttpResponse<String> redirect =
            http.send(HttpRequest.newBuilder(room).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, redirect.statusCode());
        assertEquals("/?code=" + code, redirect.headers().firstValue("Location").orElseThrow());
      }
      assertEquals(
          404,
          http.send(
                  HttpRequest.newBuilder(URI.create(app.addresses().httpUrl() + "/room/..%2Fetc"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode());
    }
  }
}
