package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.client.ClientOptions;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.Goodbye;
import org.quarterdeck.protocol.v1.ServerMessage;

/** {@code serve} as its own process: it prints its addresses and shuts down cleanly on SIGTERM. */
class ServeProcessTest {
  private static final Pattern TCP = Pattern.compile("TCP\\s+(tcp://\\S+)");
  private static final Pattern WS = Pattern.compile("WebSocket\\s+(ws://\\S+)");
  private static final Pattern HTTP = Pattern.compile("HTTP\\s+(http://\\S+)");

  @Test
  void servesUntilSigtermThenSaysGoodbye(@TempDir Path data) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = data.resolve("server.log");
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
                data.toString())
            .redirectError(log.toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String http = null;
      String ws = null;
      String tcp = null;
      while (tcp == null) {
        String line = out.readLine();
        assertNotNull(line, "the server stopped before printing its addresses");
        Matcher m;
        if ((m = HTTP.matcher(line)).find()) {
          http = m.group(1);
        }
        if ((m = WS.matcher(line)).find()) {
          ws = m.group(1);
        }
        if ((m = TCP.matcher(line)).find()) {
          tcp = m.group(1);
        }
      }
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(http + "/healthz")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode());

      QuarterdeckClient wsClient =
          QuarterdeckClient.connect(URI.create(ws), ClientOptions.defaults()).get(10, SECONDS);
      QuarterdeckClient tcpClient =
          QuarterdeckClient.connect(URI.create(tcp), ClientOptions.defaults()).get(10, SECONDS);
      wsClient.hello().get(10, SECONDS);
      tcpClient.hello().get(10, SECONDS);
      LinkedBlockingQueue<ServerMessage> pushes = new LinkedBlockingQueue<>();
      wsClient.onPush(pushes::add);

      process.destroy(); // SIGTERM
      assertTrue(process.waitFor(20, SECONDS), "the server exits after SIGTERM");
      assertEquals(0, process.exitValue(), "a graceful stop exits 0, not 143");
      assertEquals(
          Goodbye.Reason.SERVER_SHUTDOWN, pushes.poll(10, SECONDS).getGoodbye().getReason());
      tcpClient.closeFuture().get(10, SECONDS);
      wsClient.close();
      tcpClient.close();
      String serverLog = Files.readString(log);
      assertTrue(serverLog.contains("shutting down: 2 connections open"), serverLog);
      assertTrue(serverLog.contains("stopped"), serverLog);
    } finally {
      process.destroyForcibly();
    }
  }
}
