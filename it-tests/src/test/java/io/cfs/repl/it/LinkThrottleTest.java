package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.admin.tools.proxy.FaultProxy;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-peer throttle, measured where the network sees it: the fault proxy's byte counters of A's link to B (the
 * bytes A's link client put on the wire, forwarded to B) and of A's link to C. Three sites; A writes far more than
 * the limit while an operator throttles A->B at runtime through the admin route. Proves: over a window of 20 s
 * after the bucket's burst (a throttled link's batches are at most two seconds of its rate before compression,
 * well under a second on the wire for these entries, so the window holds dozens of frames), A->B carries its limit
 * within 10 %; A->C is not held to it (it carries all of A's
 * writes, several times the limit); the running connection took the new rate without reconnecting; the throttled
 * link stays CONNECTED with its lag growing (backpressure, not errors); once lifted, every store converges.
 */
@ExtendWith(ItExtension.class)
@Timeout(300)
class LinkThrottleTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final String C = "site-c";
  private static final String TOKEN = "it-throttle-token";
  private static final long LIMIT = 8 * 1024;
  private static final Duration WINDOW = Duration.ofSeconds(20);

  @Test
  void aThrottledLinkCarriesItsLimitAndTheOthersAreNotHeldToIt(ItContext it) throws InterruptedException {
    SiteCluster cluster = it.topology(A, B, C)
        .config(A, "cfs-repl.admin.token = \"" + TOKEN + "\"")
        .start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));
    History history = new History();
    Workload workload = it.register(Workload.on(cluster, history, it.seed())
        .site(A, 2_000).shards(16).inodes(5_000).start());
    workload.awaitAcknowledged(A, 2_000, Duration.ofSeconds(30));

    FaultProxy toB = cluster.proxy(A, B);
    FaultProxy toC = cluster.proxy(A, C);
    long connections = toB.connectionsAccepted();
    long batchesBefore = cluster.admin(A).status().requirePeer(B).ackedBatches();
    assertThat(cluster.admin(A).throttle(B, LIMIT, TOKEN)).isEqualTo(LIMIT);
    // first pass the bucket's burst, the frames already on their way and the (at most two) batches read at the old
    // rate; the batches read since are sized to the new one, and A's own measurement of the link settles
    Status.Peer settled = cluster.awaitLink(A, B, Duration.ofSeconds(60), "held to its throttle",
        p -> p.throttleBytesPerSecond() == LIMIT && p.ackedBatches() >= batchesBefore + 6
            && p.wireBytesPerSecond() > 0 && p.wireBytesPerSecond() <= LIMIT * 11 / 10);

    long b0 = toB.bytesUpstream();
    long c0 = toC.bytesUpstream();
    long t0 = System.nanoTime();
    Thread.sleep(WINDOW.toMillis()); // the measurement window: the workload runs on, the proxies count
    long elapsed = System.nanoTime() - t0;
    double toBRate = (toB.bytesUpstream() - b0) * 1e9 / elapsed;
    double toCRate = (toC.bytesUpstream() - c0) * 1e9 / elapsed;
    Status.Peer throttled = cluster.admin(A).status().requirePeer(B);
    System.out.printf("[it] over %.1f s: A->B %.0f B/s (limit %d), A->C %.0f B/s; A->B %s -> %s%n", elapsed / 1e9,
        toBRate, LIMIT, toCRate, settled, throttled);

    assertThat(toBRate).as("A->B bytes/s on the wire").isBetween(LIMIT * 0.9, LIMIT * 1.1);
    assertThat(toCRate).as("A->C bytes/s: not held to A->B's limit").isGreaterThan(LIMIT * 3.0);
    assertThat(toB.connectionsAccepted()).as("connections A->B: the new rate needed no reconnect")
        .isEqualTo(connections);
    assertThat(throttled.state()).isEqualTo("CONNECTED");
    assertThat(throttled.lagEntries()).as("A->B lag grows behind the throttle")
        .isGreaterThan(settled.lagEntries() + 1_000);
    assertThat(cluster.admin(A).status().requirePeer(C).lagMillis()).as("A->C keeps up").isLessThan(2_000);

    assertThat(cluster.admin(A).throttle(B, 0, TOKEN)).isZero();
    workload.stop(Duration.ofSeconds(30));
    Checker.of(cluster, history).assertConverged();
  }
}
