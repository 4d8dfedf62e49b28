package org.quarterdeck.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.e2e.ClusterHarness.call;
import static org.quarterdeck.server.e2e.ClusterHarness.create;
import static org.quarterdeck.server.e2e.ClusterHarness.join;
import static org.quarterdeck.server.e2e.ClusterHarness.resume;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.ActHours;
import org.quarterdeck.protocol.v1.ClientMessage;
import org.quarterdeck.protocol.v1.Decision;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.protocol.v1.SubmitDecision;
import org.quarterdeck.server.Application;

/**
 * PostgreSQL restarted (pg_ctl restart) in the middle of a game on a two-node cluster: the nodes
 * wait and go on, every acknowledged decision is kept, and the outage alone fences nobody. Before
 * the restart, the operator's views: /cluster, /healthz, /readyz, /metrics.
 */
class ClusterDatabaseRestartTest {
  @RegisterExtension final ClusterHarness cluster = ClusterHarness.onAFreshDatabase();

  @Test
  void nodesRideOutADatabaseRestart() throws Exception {
    String dir = System.getenv("QUARTERDECK_TEST_DATABASE_DIR");
    Path script = Path.of("..", ".ci", "postgres").toAbsolutePath().normalize();
    if (dir == null || !Files.exists(script)) {
      Assumptions.abort(
          "restarting PostgreSQL needs the server .ci/run started"
              + " (QUARTERDECK_TEST_DATABASE_DIR)");
    }
    Application a = cluster.node("node-a");
    cluster.node("node-b");
    URI tcp = URI.create(a.addresses().tcpUrl());
    QuarterdeckClient f = cluster.connect(tcp);
    SessionCreated created = create(f, 7, 3600);
    QuarterdeckClient[] players = new QuarterdeckClient[2];
    String[] tokens = new String[2];
    for (int p = 0; p < 2; p++) {
      players[p] = cluster.connect(tcp);
      tokens[p] = join(players[p], created.getJoinCode(), p);
    }
    ClusterHarness.start(f, created);
    long epochA = cluster.value("SELECT epoch FROM node_lease WHERE node_id = 'node-a'");
    long epochB = cluster.value("SELECT epoch FROM node_lease WHERE node_id = 'node-b'");

    // the operator's views of the cluster
    String http = a.addresses().httpUrl();
    String view = get(http + "/cluster", 200);
    assertTrue(
        view.contains("\"nodeId\":\"node-a\",\"epoch\":" + epochA + ",\"state\":\"live\""), view);
    assertTrue(view.matches("(?s).*\"nodeId\":\"node-a\"[^}]*\"sessions\":1}.*"), view);
    assertTrue(view.matches("(?s).*\"nodeId\":\"node-b\"[^}]*\"sessions\":0}.*"), view);
    assertTrue(get(http + "/healthz", 200).contains("\"live\":true,\"ready\":true"));
    get(http + "/readyz", 200);
    String metrics = get(http + "/metrics", 200);
    assertTrue(metrics.contains("quarterdeck_cluster_lease_held 1"), metrics);
    assertTrue(metrics.contains("quarterdeck_cluster_sessions_owned 1"), metrics);
    assertFalse(metrics.contains("quarterdeck_cluster_append_batches_total 0\n"), metrics);

    Process restart =
        new ProcessBuilder("bash", script.toString(), "restart", dir)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    // player 0 submits while the database restarts: accepted once it is back, or UNAVAILABLE
    // ("nothing changed, try again") and accepted on a later try
    int unavailable = submitUntilAccepted(players[0], 1);
    assertEquals(0, restart.waitFor(), "pg_ctl restart");
    submitUntilAccepted(players[1], 1);
    // the turn resolved with both decisions: turn 2 is open, and player 0 plays on
    Snapshot snap = resume(players[0], tokens[0]);
    assertEquals(2, snap.getOpenTurn().getTurn(), "turn 1 resolved across the restart");

    // nobody was fenced by the outage alone; the session stayed with its owner
    Thread.sleep(Duration.ofSeconds(7).toMillis()); // past a lease TTL and a takeover round
    assertEquals(epochA, cluster.value("SELECT epoch FROM node_lease WHERE node_id = 'node-a'"));
    assertEquals(epochB, cluster.value("SELECT epoch FROM node_lease WHERE node_id = 'node-b'"));
    assertEquals(2, cluster.value("SELECT count(*) FROM node_lease WHERE state = 'live'"));
    assertEquals(1, cluster.value("SELECT count(*) FROM session_owner WHERE node_id = 'node-a'"));
    System.out.printf(
        "database restart: %d UNAVAILABLE replies before the decision was"
            + " accepted; no takeover%n",
        unavailable);
  }

  private static String get(String url, int status) throws Exception {
    java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(status, response.statusCode(), url + ": " + response.body());
    return response.body();
  }

  private int submitUntilAccepted(QuarterdeckClient c, int turn) throws Exception {
    int unavailable = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      ServerMessage reply;
      try {
        reply =
            call(
                c,
                ClientMessage.newBuilder()
                    .setSubmitDecision(
                        SubmitDecision.newBuilder()
                            .setTurn(turn)
                            .setVersion(1)
                            .setDecision(
                                Decision.newBuilder()
                                    .addHours(ActHours.newBuilder().setAct("coach").setHours(10))
                                    .addHours(ActHours.newBuilder().setAct("push").setHours(10)))));
      } catch (java.util.concurrent.TimeoutException e) {
        unavailable++;
        continue;
      }
      if (reply.hasDecisionAccepted()) {
        return unavailable;
      }
      assertTrue(reply.hasError(), "accepted or an error: " + reply);
      unavailable++;
      Thread.sleep(200);
    }
    throw new AssertionError("the decision was never accepted");
  }
}
