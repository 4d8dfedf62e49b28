package org.quarterdeck.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quarterdeck.server.net.IoTransport;
import org.quarterdeck.server.store.FsyncMode;
import picocli.CommandLine.ParameterException;

class ServeOptionsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    ServeCommand o = ServeCommand.parse(new String[0], Map.of());
    assertEquals(8080, o.http().getPort());
    assertEquals(7777, o.tcp().getPort());
    assertEquals("127.0.0.1", o.http().getHostString());
    assertEquals(Path.of("./quarterdeck-data"), o.data());
    assertEquals(64 * 1024, o.limits().maxFrameBytes());
    assertFalse(o.demo());
    assertEquals(FsyncMode.BATCH, o.fsync());
    assertEquals(0, o.fsyncBatchMillis());
    assertEquals(IoTransport.best(), o.loops().transport());
    assertEquals(0, o.loops().threads(), "0: one event loop per core");
  }

  @Test
  void transportThreadsAndBatchWindowAreSettable() {
    ServeCommand o =
        ServeCommand.parse(
            new String[] {"--transport", "nio", "--io-threads", "3", "--fsync-batch-ms", "2"},
            Map.of());
    assertEquals(IoTransport.NIO, o.loops().transport());
    assertEquals(3, o.loops().threads());
    assertEquals(2, o.fsyncBatchMillis());
    assertThrows(
        ParameterException.class,
        () -> ServeCommand.parse(new String[] {"--transport", "carrier-pigeon"}, Map.of()));
    assertThrows(
        ParameterException.class,
        () -> ServeCommand.parse(new String[] {"--fsync-batch-ms", "5000"}, Map.of()));
  }

  @Test
  void environmentSetsAFlagAndTheCommandLineWins() {
    Map<String, String> env =
        Map.of(
            "QUARTERDECK_HTTP_PORT",
            "9000",
            "QUARTERDECK_TCP_PORT",
            "9001",
            "QUARTERDECK_IDLE_TIMEOUT_SECONDS",
            "5");
    ServeCommand o =
        ServeCommand.parse(new String[] {"--tcp-port=9100", "--demo", "--bind", "0.0.0.0"}, env);
    assertEquals(9000, o.http().getPort());
    assertEquals(9100, o.tcp().getPort());
    assertEquals(Duration.ofSeconds(5), o.limits().idleTimeout());
    assertEquals("0.0.0.0", o.http().getHostString());
    assertTrue(o.demo());
  }

  @Test
  void badFlagsAreUsageErrors() {
    assertThrows(
        ParameterException.class,
        () -> ServeCommand.parse(new String[] {"--http-port", "eighty"}, Map.of()));
    assertThrows(
        ParameterException.class,
        () -> ServeCommand.parse(new String[] {"--http-port", "70000"}, Map.of()));
    assertThrows(
        ParameterException.class,
        () -> ServeCommand.parse(new String[] {"--colour", "blue"}, Map.of()));
    assertThrows(
        ParameterException.class, () -> ServeCommand.parse(new String[] {"--bind"}, Map.of()));
  }

  @Test
  void theClusterStoreIsChosenByStoreDatabaseUrlOrTheEnvironment() {
    assertEquals(
        null,
        ServeCommand.parse(new String[0], Map.of()).database(),
        "the file store is the default");
    ServeCommand byStore =
        ServeCommand.parse(
            new String[] {"--store", "postgres://qd:pw@db:6000/games", "--node-id", "n1"},
            Map.of());
    assertEquals("jdbc:postgresql://db:6000/games", byStore.database().jdbcUrl());
    assertEquals("n1", byStore.nodeId());
    ServeCommand byEnv =
        ServeCommand.parse(new String[0], Map.of("QUARTERDECK_DATABASE_URL", "postgres://db/q"));
    assertEquals("jdbc:postgresql://db:5432/q", byEnv.database().jdbcUrl());
    assertTrue(byEnv.nodeId().endsWith(":8080"), byEnv.nodeId());
    ParameterException e =
        assertThrows(
            ParameterException.class,
            () -> ServeCommand.parse(new String[] {"--store", "mysql://db/q"}, Map.of()));
    assertTrue(e.getMessage().contains("postgres://"), e.getMessage());
    assertThrows(
        ParameterException.class,
        () ->
            ServeCommand.parse(
                new String[] {"--store", "postgres://a/x", "--database-url", "postgres://b/y"},
                Map.of()));
  }

  @Test
  void aClusterNodesWriterLanesAreFourUnlessToldAndBounded() {
    assertEquals(4, ServeCommand.parse(new String[0], Map.of()).dbWriters());
    assertEquals(8, ServeCommand.parse(new String[] {"--db-writers", "8"}, Map.of()).dbWriters());
    ParameterException e =
        assertThrows(
            ParameterException.class,
            () -> ServeCommand.parse(new String[] {"--db-writers", "0"}, Map.of()));
    assertTrue(e.getMessage().contains("--db-writers"), e.getMessage());
  }

  @Test
  void theAdminTokenComesFromAFileOrTheEnvironmentSoPsDoesNotShowIt(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("admin-token");
    Files.writeString(file, "s3cret-token\n# ignored\n");
    assertEquals(
        "s3cret-token",
        ServeCommand.parse(new String[] {"--admin-token-file", file.toString()}, Map.of())
            .adminToken());
    assertEquals(
        "s3cret-token",
        ServeCommand.parse(new String[0], Map.of("QUARTERDECK_ADMIN_TOKEN_FILE", file.toString()))
            .adminToken());
    assertEquals(
        "from-env",
        ServeCommand.parse(new String[0], Map.of("QUARTERDECK_ADMIN_TOKEN", "from-env"))
            .adminToken());
    assertThrows(
        ParameterException.class,
        () ->
            ServeCommand.parse(
                new String[] {"--admin-token", "x", "--admin-token-file", file.toString()},
                Map.of()));
    assertThrows(
        ParameterException.class,
        () ->
            ServeCommand.parse(
                new String[] {"--admin-token-file", dir.resolve("missing").toString()}, Map.of()));
    Files.writeString(file, "\n");
    assertThrows(
        ParameterException.class,
        () -> ServeCommand.parse(new String[] {"--admin-token-file", file.toString()}, Map.of()));
  }

  @Test
  void sessionLimitsAndTheOpenLogBudgetAreSettable() {
    ServeCommand defaults = ServeCommand.parse(new String[0], Map.of());
    assertEquals(256, defaults.maxOpenLogs());
    assertEquals(org.quarterdeck.server.session.SessionLimits.DEFAULTS, defaults.sessionLimits());
    ServeCommand o =
        ServeCommand.parse(
            new String[] {
              "--max-open-logs",
              "32",
              "--creations-per-address-per-hour",
              "5",
              "--max-anonymous-sessions",
              "50",
              "--max-spectators",
              "7",
              "--archive-after-minutes",
              "0"
            },
            Map.of());
    assertEquals(32, o.maxOpenLogs());
    assertEquals(5, o.sessionLimits().creationsPerAddressPerHour());
    assertEquals(50, o.sessionLimits().maxAnonymousSessions());
    assertEquals(7, o.sessionLimits().maxSpectatorsPerSession());
    assertEquals(Duration.ZERO, o.sessionLimits().archiveAfter());
  }
}
