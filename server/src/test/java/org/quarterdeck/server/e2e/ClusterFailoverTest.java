package org.quarterdeck.server.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quarterdeck.server.e2e.ClusterHarness.create;
import static org.quarterdeck.server.e2e.ClusterHarness.join;
import static org.quarterdeck.server.e2e.ClusterHarness.resume;
import static org.quarterdeck.server.e2e.ClusterHarness.submit;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quarterdeck.client.QuarterdeckClient;
import org.quarterdeck.protocol.v1.Phase;
import org.quarterdeck.protocol.v1.ServerMessage;
import org.quarterdeck.protocol.v1.SessionCreated;
import org.quarterdeck.protocol.v1.Snapshot;
import org.quarterdeck.server.Application;
import org.quarterdeck.server.cli.ServeCommand;
import org.quarterdeck.server.e2e.ClusterHarness.NodeProcess;

/**
 * Failover between cluster nodes on a real PostgreSQL: node A is a separate process; node B runs
 * here. When A is killed with SIGKILL, B fences A's lease, takes its session over and serves it
 * with every acknowledged decision; when A is stopped (SIGSTOP) past its lease and continued, B has
 * taken over, A finds itself fenced and exits, and A appended nothing after the fence; when A is
 * stopped with SIGTERM, it leaves its lease and B takes its session over without waiting.
 */
class ClusterFailoverTest {
  @RegisterExtension final ClusterHarness cluster = ClusterHarness.onAFreshDatabase();

  /** A session of two seats on node A, turn 1 open, team 0's decision acknowledged. */
  private record Table(String sessionId, String[] tokens) {}

  @Test
  void survivorsTakeOverAKilledNodeAndAStoppedNodeIsFenced() throws Exception {
    NodeProcess nodeA = startNodeA();
    Process a = nodeA.process();
    URI aTcp = nodeA.tcp();
    Application nodeB = cluster.node("node-b");
    URI bTcp = URI.create(nodeB.addresses().tcpUrl());

    // 1. SIGKILL: B takes the session over with the acknowledged decision
    Table first = playOneDecision(aTcp, 41);
    long killed = System.nanoTime();
    a.destroyForcibly().waitFor();
    Snapshot onB = resumeWhenServed(bTcp, first.tokens()[0]);
    long failoverMillis = (System.nanoTime() - killed) / 1_000_000;
    assertEquals(Phase.TURN_OPEN, onB.getPhase());
    assertEquals(1, onB.getOpenTurn().getTurn());
    assertTrue(onB.getDraftVersion() >= 1, "the decision acknowledged on A survived");
    // B goes on playing it: the second decision resolves turn 1
    QuarterdeckClient second = connect(bTcp);
    submit(second, resume(second, first.tokens()[1]));
    Snapshot after = resumeWhenServed(bTcp, first.tokens()[0]);
    assertTrue(
        after.getOpenTurn().getTurn() == 2 || after.getPhase() != Phase.TURN_OPEN,
        "turn 1 resolved on B");
    assertEquals("node-b", cluster.owner(first.sessionId()));

    // 2. SIGSTOP past the lease, then SIGCONT: A is fenced, exits, and appended nothing more
    NodeProcess nodeA2 = startNodeA();
    Process a2 = nodeA2.process();
    Table paused = playOneDecision(nodeA2.tcp(), 42);
    long epochBefore = epochOf("node-a");
    signal(a2, "STOP");
    Snapshot taken = resumeWhenServed(bTcp, paused.tokens()[0]);
    assertTrue(taken.getDraftVersion() >= 1);
    assertEquals(epochBefore + 1, epochOf("node-a"), "B fenced A's epoch");
    signal(a2, "CONT");
    assertTrue(a2.waitFor(30, SECONDS), "the fenced node stops by itself");
    assertEquals(ServeCommand.FENCED_EXIT_CODE, a2.exitValue());
    assertEquals(
        0,
        cluster.value(
            "SELECT count(*) FROM session_record WHERE node_epoch >= "
                + (epochBefore + 1)
                + " AND session_id IN (SELECT session_id FROM session_owner)"
                + " AND node_epoch IN (SELECT epoch FROM node_lease WHERE node_id = 'node-a')"),
        "no record under A's fenced epoch");
    assertEquals(
        0,
        cluster.value(
            "SELECT count(*) FROM (SELECT node_epoch, max(node_epoch) OVER"
                + " (PARTITION BY session_id ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1"
                + " PRECEDING) AS before FROM session_record) x WHERE node_epoch < before"),
        "records in each session's order never go back to an older epoch");
    assertEquals(
        0,
        cluster.value("SELECT count(*) FROM session_owner WHERE node_id <> 'node-b'"),
        "every session has one owner: B");

    // 3. SIGTERM: A writes what is queued, marks its lease left, and B takes over at once
    NodeProcess nodeA3 = startNodeA();
    Process a3 = nodeA3.process();
    Table drained = playOneDecision(nodeA3.tcp(), 43);
    long terminated = System.nanoTime();
    a3.destroy();
    assertTrue(a3.waitFor(30, SECONDS));
    assertEquals("left", cluster.text("SELECT state FROM node_lease WHERE node_id = 'node-a'"));
    Snapshot handed = resumeWhenServed(bTcp, drained.tokens()[0]);
    long drainMillis = (System.nanoTime() - terminated) / 1_000_000;
    assertTrue(handed.getDraftVersion() >= 1, "the decision acknowledged before SIGTERM");
    assertEquals("node-b", cluster.owner(drained.sessionId()));
    System.out.printf(
        "cluster failover: SIGKILL to the first Resume served by the survivor:"
            + " %d ms; SIGTERM to it: %d ms%n",
        failoverMillis, drainMillis);
  }

  private NodeProcess startNodeA() throws Exception {
    return cluster.startNode("node-a", "--http-port", "0", "--tcp-port", "0");
  }

  private Table playOneDecision(URI tcp, long seed) throws Exception {
    QuarterdeckClient f = connect(tcp);
    SessionCreated created = create(f, seed, 3600);
    String[] tokens = new String[2];
    List<QuarterdeckClient> players = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      players.add(connect(tcp));
      tokens[p] = join(players.get(p), created.getJoinCode(), p);
    }
    ClusterHarness.start(f, created);
    ServerMessage ack = submit(players.get(0), resume(players.get(0), tokens[0]));
    assertTrue(ack.hasDecisionAccepted(), "acknowledged: " + ack);
    return new Table(created.getSessionId(), tokens);
  }

  /** Resumes through a node until it serves the session (moving meanwhile: UNAVAILABLE). */
  private Snapshot resumeWhenServed(URI tcp, String token) {
    ServerMessage reply = cluster.resumeUntilServed(tcp, token);
    assertTrue(reply.hasSnapshot(), "served: " + reply);
    return reply.getSnapshot();
  }

  private QuarterdeckClient connect(URI tcp) throws Exception {
    return cluster.connect(tcp);
  }

  private static void signal(Process p, String signal) throws Exception {
    assertEquals(
        0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
  }

  private long epochOf(String node) throws Exception {
    return cluster.value("SELECT epoch FROM node_lease WHERE node_id = '" + node + "'");
  }
}
