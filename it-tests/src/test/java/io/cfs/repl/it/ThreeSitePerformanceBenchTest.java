package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.harness.GcLog;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.LagSampler;
import io.cfs.repl.it.harness.NodeProcess;
import io.cfs.repl.it.harness.ProcStats;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 3 (benchmark, {@code mvn -Pbench}): three sites in three JVMs, active-active, 10K entries/s in all
 * ({@code -Dit.bench.rate} per second over all sites, {@code -Dit.bench.seconds} measured after a 10 s warm-up).
 * Prints per link the lag p50 / p99 / max (sampled from status every 200 ms), per node the CPU used (share of one
 * core), peak heap (GC log) and peak RSS, and per site the ingest ack latency. Asserts that the offered rate was
 * taken, that lag p99 stays under the 500 ms seed target, and that the sites converge.
 */
@ExtendWith(ItExtension.class)
@Tag("bench")
@Timeout(900)
class ThreeSitePerformanceBenchTest {
  private static final List<String> SITES = List.of("site-a", "site-b", "site-c");

  @Test
  void threeSitesAtTenThousandOpsPerSecond(ItContext it) throws InterruptedException {
    double rate = Double.parseDouble(System.getProperty("it.bench.rate", "10000"));
    int seconds = Integer.getInteger("it.bench.seconds", 60);
    SiteCluster cluster = it.topology(SITES.toArray(String[]::new)).start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));

    History history = new History();
    Workload.Builder spec = Workload.on(cluster, history, it.seed()).shards(64).inodes(50_000).payloadBytes(128)
        .maxBatch(1_000).binaryIngest(true);
    SITES.forEach(s -> spec.site(s, rate / SITES.size()));
    Workload workload = it.register(spec.start());
    workload.awaitAcknowledged(SITES.get(0), (long) (rate / SITES.size() * 10), Duration.ofSeconds(60)); // warm-up

    Map<String, ProcStats> before = new LinkedHashMap<>();
    cluster.nodes().forEach(n -> before.put(n.name(), ProcStats.of(n.pid())));
    long acknowledgedBefore = workload.acknowledged();
    long t0 = System.nanoTime();
    LagSampler lag = it.register(LagSampler.start(cluster, Duration.ofMillis(200)));
    Thread.sleep(seconds * 1_000L); // the measurement window: the workload runs on, assertions are on the samples
    lag.close();
    double wall = (System.nanoTime() - t0) / 1e9;
    long taken = workload.acknowledged() - acknowledgedBefore;
    workload.rethrowFailures();

    StringBuilder report = new StringBuilder(String.format(
        "[it] bench: 3 sites, offered %.0f entries/s in all, took %.0f/s over %.0f s (%d entries)%n", rate,
        taken / wall, wall, taken));
    lag.links().forEach((link, p) -> report.append("[it]   lag ").append(link).append(": ").append(p).append('\n'));
    report.append("[it]   lag all links: ").append(lag.all()).append('\n');
    for (NodeProcess n : cluster.nodes()) {
      ProcStats now = ProcStats.of(n.pid());
      long[] ack = workload.ackLatenciesMillis(n.site());
      report.append(String.format("[it]   %s: CPU %.0f%% of a core, peak heap %s, peak RSS %s, ingest ack p50 %d ms"
              + " p99 %d ms%n", n.name(), (now.cpuMillis() - before.get(n.name()).cpuMillis()) / (wall * 10),
          ProcStats.mib(GcLog.peakHeapBytes(it.logDir(), n.name())), ProcStats.mib(now.peakRssBytes()),
          ack[ack.length / 2], ack[Math.min(ack.length - 1, (int) (ack.length * 0.99))]));
    }
    System.out.print(report);

    workload.stop(Duration.ofSeconds(60));
    Checker.of(cluster, history).quiescenceTimeout(Duration.ofMinutes(5)).sampleInodes(3_000, it.seed())
        .assertConverged();
    assertThat(taken / wall).as("entries/s acknowledged vs offered").isGreaterThan(rate * 0.9);
    assertThat(lag.all().p99()).as("replication lag p99 (ms), seed target 500").isLessThan(500);
  }
}
