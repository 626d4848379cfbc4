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
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 5 (soak, {@code mvn -Pfull}): site B is down while A takes 1M entries ({@code -Dit.outage.entries}; issue
 * 17 asks for 10M), then B comes back and catches up. Both node JVMs run in a 256 MiB heap
 * ({@code -Dit.outage.heap}), the bound the issue sets for a backlog of any size. Proves: the backlog is shipped in
 * full and both stores converge (sampled inode check, digests), no node runs out of memory, and reports A's and B's
 * peak heap (GC log), peak RSS and A's journal at the end of the outage, with the write and catch-up rates.
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
    String heap = System.getProperty("it.outage.heap", "256m");
    SiteCluster cluster = it.topology(A, B)
        .jvmFlags(List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-XX:-UsePerfData")).start();
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
    System.out.printf("[it] outage: %d entries written on %s in %.1f s (%.0f/s) while %s was down; %s; %s's journal"
        + " %s%n", total, A, writeSeconds, total / writeSeconds, B, backlog, A, cluster.admin(A).status().journal());

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
      System.out.printf("[it] %s: peak heap %s (of -Xmx" + heap + "), peak RSS %s, CPU %.1f s%n", n.name(),
          ProcStats.mib(GcLog.peakHeapBytes(it.logDir(), n.name())), ProcStats.mib(stats.peakRssBytes()),
          stats.cpuMillis() / 1000.0);
      assertThat(n.logLines("OutOfMemoryError")).as(n.name() + " ran out of memory").isEmpty();
    }
  }
}
