package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.GcLog;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.NodeProcess;
import io.cfs.repl.it.harness.ProcStats;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 5 (soak, {@code mvn -Pfull}): site B is down while A takes 1M entries ({@code -Dit.outage.entries}), then
 * B comes back and catches up. Proves: the backlog is shipped in full and both stores converge (sampled inode
 * check, digests), no node runs out of memory, and reports A's and B's peak heap (GC log) and peak RSS, with the
 * write and catch-up rates.
 */
@ExtendWith(ItExtension.class)
@Tag("soak")
@Timeout(3600)
class LongOutageSoakTest {
  private static final String A = "site-a";
  private static final String B = "site-b";

  @Test
  void peerDownWhileOneMillionEntriesAreWrittenCatchesUp(ItContext it) {
    long total = Long.getLong("it.outage.entries", 1_000_000);
    SiteCluster cluster = it.topology(A, B).start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));
    cluster.node(B).kill();

    History history = new History();
    long t0 = System.nanoTime();
    Workload workload = it.register(Workload.on(cluster, history, it.seed())
        .site(A, 0).shards(64).inodes(100_000).payloadBytes(100).maxBatch(2_000).limitPerSite(total).start());
    workload.awaitLimit(Duration.ofMinutes(30));
    double writeSeconds = (System.nanoTime() - t0) / 1e9;
    Status.Peer backlog = cluster.admin(A).status().requirePeer(B);
    assertThat(backlog.lagEntries()).as("A's backlog for B").isEqualTo(total);
    System.out.printf("[it] outage: %d entries written on %s in %.1f s (%.0f/s) while %s was down; %s%n", total, A,
        writeSeconds, total / writeSeconds, B, backlog);

    long t1 = System.nanoTime();
    cluster.node(B).restart();
    cluster.awaitLink(A, B, Duration.ofMinutes(30), "caught up", p -> p.lagEntries() == 0);
    double catchUpSeconds = (System.nanoTime() - t1) / 1e9;
    System.out.printf("[it] catch-up of %d entries: %.1f s from B's restart (%.0f/s)%n", total, catchUpSeconds,
        total / catchUpSeconds);

    Checker.of(cluster, history).sampleInodes(5_000, it.seed()).quiescenceTimeout(Duration.ofMinutes(5))
        .assertConverged();
    for (NodeProcess n : cluster.nodes()) {
      ProcStats stats = ProcStats.of(n.pid());
      System.out.printf("[it] %s: peak heap %s (of -Xmx384m), peak RSS %s, CPU %.1f s%n", n.name(),
          ProcStats.mib(GcLog.peakHeapBytes(it.logDir(), n.name())), ProcStats.mib(stats.peakRssBytes()),
          stats.cpuMillis() / 1000.0);
      assertThat(n.logLines("OutOfMemoryError")).as(n.name() + " ran out of memory").isEmpty();
    }
  }
}
