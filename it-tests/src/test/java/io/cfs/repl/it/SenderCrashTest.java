package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kill -9 of the sending site's node mid-stream, then a restart on the same data dir. The workload's batch in
 * flight at the kill is retried until the restarted node acknowledges it (once, idempotently). Proves: every entry
 * A acknowledged before the crash is still in A's journal (durable before ack), A's replicator resumes from its
 * persisted cursors and ships everything to B, B's own writes made during A's absence reach A, and both stores
 * converge to the history with no gap.
 */
@ExtendWith(ItExtension.class)
@Timeout(300)
class SenderCrashTest {
  private static final String A = "site-a";
  private static final String B = "site-b";

  @Test
  void killMinus9OfTheSenderMidStreamLosesNothing(ItContext it) {
    SiteCluster cluster = it.topology(A, B).start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));
    History history = new History();
    Workload workload = it.register(Workload.on(cluster, history, it.seed())
        .site(A, 1_000).site(B, 200).shards(16).inodes(2_000).start());

    workload.awaitAcknowledged(A, 2_000, Duration.ofSeconds(30));
    // status counts acks as they arrive; the cursors persisted trail them by a persist interval (1 s, about 1,000
    // entries here) and a persist's round trip (up to 1,800 entries in all seen under the suite's load), so after
    // 6,000 acks they are past half of them
    Status.Peer beforeKill = cluster.awaitLink(A, B, Duration.ofSeconds(30), "shipping",
        p -> p.ackedEntries() > 6_000);
    cluster.node(A).kill();
    long ackedBeforeKill = history.acknowledged(A);
    // what B applied of A's journal by the kill: B acknowledges only what it applied, so A's persisted cursors are at
    // most this (acks kept coming between the status read above and the kill)
    long appliedByBAtKill = cluster.admin(B).watermarks(A).values().stream().mapToLong(Long::longValue).sum();
    Map<Integer, Long> headsAckedBeforeKill = history.heads(A); // A's writer is stuck retrying: no new acks

    // B keeps taking writes; its link to A is down with a growing backlog
    Status.Peer down = cluster.awaitLink(B, A, Duration.ofSeconds(20), "down with a backlog",
        p -> Set.of("BACKOFF", "CONNECTING").contains(p.state()) && p.lagEntries() > 300);
    System.out.println("[it] while " + A + " is dead: " + B + " -> " + down);

    cluster.node(A).restart();
    // every entry A acknowledged before the crash survived it (durable before the ack)
    Map<Integer, Long> headsAfterRestart = cluster.ingest(A).heads();
    headsAckedBeforeKill.forEach((shard, acked) -> assertThat(headsAfterRestart.getOrDefault(shard, 0L))
        .as("A's journal head of shard %d after the restart vs acknowledged before the kill", shard)
        .isGreaterThanOrEqualTo(acked));
    workload.awaitAcknowledged(A, workload.acknowledged(A) + 2_000, Duration.ofSeconds(60));
    workload.stop(Duration.ofSeconds(60));
    assertThat(history.acknowledged(A)).isGreaterThan(ackedBeforeKill + 2_000);

    Checker.of(cluster, history).assertConverged();
    // the restarted replicator resumed from its persisted cursors: it shipped (at least) what B had not applied
    // by the kill, and not everything from seq 1 (its cursors had been persisted at least half-way to the acks seen)
    long ackedAfterRestart = cluster.admin(A).status().requirePeer(B).ackedEntries();
    long notAppliedAtKill = history.acknowledged(A) - appliedByBAtKill;
    System.out.println("[it] " + A + " -> " + B + ": " + beforeKill.ackedEntries() + " acknowledged before the kill ("
        + appliedByBAtKill + " applied by B), " + ackedAfterRestart + " after the restart, of "
        + history.acknowledged(A));
    assertThat(ackedAfterRestart).as("entries A's link acknowledged after the restart")
        .isBetween(notAppliedAtKill, history.acknowledged(A) - beforeKill.ackedEntries() / 2);
  }
}
