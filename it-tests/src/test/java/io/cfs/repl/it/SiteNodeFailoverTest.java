package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.NodeProcess;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 7: site A runs three nodes sharing their journal, store and cursors in PostgreSQL; kill -9 of the node
 * hosting A's SiteReplicator for B while both sites take writes. Proves: the replicator moves to a surviving node
 * (Pekko's split-brain resolver downs the dead one, the cluster singleton starts again elsewhere) and resumes from
 * its persisted cursors, not from seq 1; B's link to A moves to another of A's nodes; the workload's writes to A go on
 * through the surviving nodes; and after the killed node rejoins, both sites converge to the history with nothing
 * lost, no gap and nothing applied twice. NEEDS PostgreSQL on 127.0.0.1:5432 ({@code .ci/run} starts it).
 */
@ExtendWith(ItExtension.class)
@Timeout(420)
class SiteNodeFailoverTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final int MAX_BATCH = 256;
  private static final String REPLICATOR_UP = "[" + A + "->" + B + "] connected to";

  @Test
  void theReplicatorMovesOffAKilledNodeAndResumesFromItsCursors(ItContext it) {
    SiteCluster cluster = it.topology(A, B).nodes(A, 3).start();
    cluster.awaitAllConnected(Duration.ofSeconds(60));
    NodeProcess host = replicatorHost(cluster);
    System.out.println("[it] " + A + "'s replicator for " + B + " runs on " + host.name());

    History history = new History();
    Workload workload = it.register(Workload.on(cluster, history, it.seed())
        .site(A, 1_000).site(B, 200).shards(16).inodes(2_000).maxBatch(MAX_BATCH).start());
    workload.awaitAcknowledged(A, 5_000, Duration.ofSeconds(60));
    // status counts acks as they arrive; the cursors persisted trail them by a persist interval (1 s, about 1,000
    // entries here) and a persist's round trip (up to 1,800 entries in all seen under the suite's load), so after
    // 6,000 acks they are past half of them
    Status.Peer beforeKill = cluster.awaitLink(A, B, Duration.ofSeconds(30), "shipping",
        p -> p.ackedEntries() > 6_000);
    host.kill();
    long killedAt = System.currentTimeMillis();
    long ackedAtKill = history.acknowledged(A);

    // a surviving node now hosts the replicator and ships again, while A keeps taking writes through it
    Status.Peer moved = cluster.awaitLink(A, B, Duration.ofSeconds(90), "connected from another node",
        p -> p.state().equals("CONNECTED") && !host.isAlive() && otherHostConnected(cluster, host));
    NodeProcess newHost = replicatorHost(cluster);
    System.out.println("[it] the replicator moved from " + host.name() + " to " + newHost.name() + " in "
        + (System.currentTimeMillis() - killedAt) + " ms: " + moved);
    assertThat(newHost).isNotSameAs(host);
    assertThat(moved.replicatorNode()).as("status names the node the replicator runs on")
        .isNotNull().isNotEqualTo(beforeKill.replicatorNode());
    workload.awaitAcknowledged(A, ackedAtKill + 2_000, Duration.ofSeconds(90));
    // B's link to A dials A's nodes in turn: it is connected again, to a node that runs
    String deadNodeAddress = "127.0.0.1:" + cluster.proxies(B, A).get(cluster.nodes(A).indexOf(host)).port();
    Status.Peer bToA = cluster.awaitLink(B, A, Duration.ofSeconds(60), "connected to a running node of " + A,
        p -> p.state().equals("CONNECTED") && !deadNodeAddress.equals(p.peerAddress()));
    System.out.println("[it] " + B + " -> " + A + " dials " + bToA.peerAddress() + " (the killed node was "
        + deadNodeAddress + ")");

    host.restart(); // rejoins the site cluster; the replicator stays where it is
    workload.stop(Duration.ofSeconds(60));
    Checker.of(cluster, history).assertConverged();

    // The moved replicator ships what its persisted cursors had not reached. Those cursors were at least the sampled
    // acks minus what the last persist interval held back, and at most what A had acknowledged at the kill plus the
    // batch the killed node was acknowledging; from seq 1 it would ship everything.
    long total = history.acknowledged(A);
    long ackedSinceMove = cluster.admin(A).status().requirePeer(B).ackedEntries();
    System.out.println("[it] " + A + " -> " + B + ": " + beforeKill.ackedEntries() + " acknowledged before the kill, "
        + ackedAtKill + " appended by then, " + ackedSinceMove + " shipped by the moved replicator, of " + total);
    assertThat(ackedSinceMove).as("entries the moved replicator shipped: from its persisted cursors, not from 1")
        .isBetween(total - ackedAtKill - MAX_BATCH, total - beforeKill.ackedEntries() / 2);
  }

  /**
   * A running node whose log says the replicator connected from it: the singleton's host (a node that hosted it
   * earlier and died is not running; with several, the last in start order).
   */
  private static NodeProcess replicatorHost(SiteCluster cluster) {
    List<NodeProcess> hosts = cluster.nodes(A).stream()
        .filter(n -> n.isAlive() && !n.logLines(REPLICATOR_UP).isEmpty()).toList();
    assertThat(hosts).as("nodes of %s whose log says %s", A, REPLICATOR_UP).isNotEmpty();
    return hosts.get(hosts.size() - 1);
  }

  private static boolean otherHostConnected(SiteCluster cluster, NodeProcess dead) {
    return cluster.nodes(A).stream().anyMatch(n -> n != dead && !n.logLines(REPLICATOR_UP).isEmpty());
  }
}
