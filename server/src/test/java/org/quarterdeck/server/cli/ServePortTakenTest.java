package org.quarterdeck.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} on a port another process holds stops at once and says which flag to change. */
class ServePortTakenTest {

  @Test
  void aTakenHttpPortNamesThePortAndTheFlag(@TempDir Path data) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Result r =
          serve("--http-port", String.valueOf(port), "--tcp-port", "0", "--data", data.toString());
      assertEquals(1, r.code, r.err);
      assertTrue(r.err.contains("HTTP port " + port), r.err);
      assertTrue(r.err.contains("--http-port"), r.err);
      assertTrue(r.err.contains("QUARTERDECK_HTTP_PORT"), r.err);
      assertTrue(!r.out.contains("is up"), r.out);
    }
  }

  @Test
  void aTakenTcpPortNamesTheTcpFlag(@TempDir Path data) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Result r =
          serve("--http-port", "0", "--tcp-port", String.valueOf(port), "--data", data.toString());
      assertEquals(1, r.code, r.err);
      assertTrue(r.err.contains("TCP port " + port), r.err);
      assertTrue(r.err.contains("--tcp-port"), r.err);
    }
  }

  private record Result(int code, String out, String err) {}

  private static Result serve(String... flags) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ServeCommand.run(
            flags,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
