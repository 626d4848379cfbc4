package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.LagSampler;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 6 (soak, {@code mvn -Pfull}): three sites; A's link to C is throttled to a trickle while A writes 1,000
 * entries/s for 40 s. Proves: A's replication to B is not slowed by the slow peer (its lag stays low), C's backlog
 * grows (the throttle bites), and once the throttle is lifted C catches up and all three stores converge.
 */
@ExtendWith(ItExtension.class)
@Tag("soak")
@Timeout(900)
class SlowPeerSoakTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final String C = "site-c";

  @Test
  void aThrottledPeerDoesNotSlowTheOthers(ItContext it) throws InterruptedException {
    SiteCluster cluster = it.topology(A, B, C).start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));
    cluster.proxy(A, C).throttle(8_000); // bytes/s: a tenth or less of what A's entries need

    History history = new History();
    Workload workload = it.register(Workload.on(cluster, history, it.seed())
        .site(A, 1_000).site(B, 50).site(C, 50).shards(16).inodes(5_000).start());
    workload.awaitAcknowledged(A, 3_000, Duration.ofSeconds(30)); // warm-up
    LagSampler lag = it.register(LagSampler.start(cluster, Duration.ofMillis(250)));
    Thread.sleep(40_000); // the measurement window: the workload runs on, assertions are on the samples
    lag.close();
    workload.rethrowFailures();

    LagSampler.Percentiles toB = lag.link(A, B);
    LagSampler.Percentiles toC = lag.link(A, C);
    Status.Peer slow = cluster.admin(A).status().requirePeer(C);
    System.out.println("[it] A->B (unthrottled) lag: " + toB);
    System.out.println("[it] A->C (8 KB/s) lag: " + toC + "; now " + slow);
    System.out.println("[it] all links: " + lag.links());
    assertThat(slow.lagEntries()).as("the throttled peer falls behind").isGreaterThan(10_000);
    assertThat(toB.p99()).as("A->B lag p99 (ms) while A->C crawls").isLessThan(1_000);
    assertThat(toB.max()).as("A->B lag max (ms) while A->C crawls").isLessThan(3_000);

    cluster.proxy(A, C).throttle(0);
    workload.stop(Duration.ofSeconds(60));
    Checker.of(cluster, history).quiescenceTimeout(Duration.ofMinutes(5)).sampleInodes(3_000, it.seed())
        .assertConverged();
  }
}
