package io.cfs.repl.it;

import static io.cfs.repl.it.CapDrops.A;
import static io.cfs.repl.it.CapDrops.B;
import static io.cfs.repl.it.CapDrops.SHARDS;
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
 * A snapshot resync cut half-way, with real node JVMs: site-b is killed while site-a writes past its journal's
 * retention cap, so b needs a resync. An operator throttles a's link to b so that the snapshot takes several seconds,
 * b restarts, and while the run streams the fault proxy cuts the direction a->b. Proves: a shows the link out of
 * RESYNCING with the error, and after the heal the run resumes from the last chunk b acknowledged, in the same run
 * (same resyncId, one RESYNC_STARTED), and finishes without starting over (the values acknowledged are at most the
 * store plus the one chunk the cut lost); then the tail resumes and both sites converge.
 *
 * <p>a's workload stops before b returns: the run's target is then fixed, and no entry written during the cut makes
 * b the holder of half the journal again (the cap abandons a run the peer is not taking in, by design).
 */
@ExtendWith(ItExtension.class)
@Timeout(300)
class SnapshotCutTest {
  private static final String TOKEN = "it-resync-token";
  private static final int CHUNK_VALUES = 100;
  /**
   * About 2,000 values of 64 payload bytes to ship, some 110 KB before LZ4 and far less on the wire (the generator's
   * payloads compress well): about ten seconds at this rate.
   */
  private static final long THROTTLE = 6_000;

  @Test
  void aSnapshotCutHalfWayResumesInTheSameRunAndConverges(ItContext it) {
    SiteCluster cluster = it.topology(A, B)
        .config(A, CapDrops.config())
        .config(A, "cfs-repl.admin.token = \"" + TOKEN + "\"")
        .config(A, "cfs-repl.resync.chunk-max-values = " + CHUNK_VALUES)
        .start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));
    History history = new History();
    Workload workload = it.register(CapDrops.workload(Workload.on(cluster, history, it.seed())).start());
    long killedAt = CapDrops.killPastTheCap(cluster, workload).killedAtMillis();
    workload.awaitAcknowledged(A, workload.acknowledged(A) + 500, Duration.ofSeconds(30));
    workload.stop(Duration.ofSeconds(30));
    long storeSize = cluster.admin(A).digest().inodes();

    assertThat(cluster.admin(A).throttle(B, THROTTLE, TOKEN)).isEqualTo(THROTTLE);
    FaultProxy toB = cluster.proxy(A, B);
    long wireBefore = toB.bytesUpstream();
    cluster.node(B).start(); // not awaiting its readiness: the run may begin before b's other endpoints are up
    Status.Peer running = cluster.awaitLink(A, B, Duration.ofSeconds(60), "a third through the snapshot",
        p -> p.state().equals("RESYNCING") && "RUNNING".equals(p.resyncPhase())
            && p.resync().values() >= storeSize / 3);
    long resyncId = running.resync().resyncId();

    toB.cut();
    Status.Peer cut = cluster.awaitLink(A, B, Duration.ofSeconds(30), "cut off its run",
        p -> !p.state().equals("RESYNCING") && p.lastError() != null);
    assertThat(cut.resyncPhase()).as("the run after the cut").isEqualTo("RUNNING");
    assertThat(cut.resync().resyncId()).isEqualTo(resyncId);
    long valuesAtCut = cut.resync().values();
    assertThat(valuesAtCut).as("values acknowledged before the cut").isLessThan(storeSize);
    toB.heal();

    Status.Peer finished = cluster.awaitLink(A, B, Duration.ofSeconds(90), "resynced and tailing again",
        p -> "FINISHED".equals(p.resyncPhase()) && p.state().equals("CONNECTED"));
    Status.Resync run = finished.resync();
    long wire = toB.bytesUpstream() - wireBefore;
    String shipped = "resync " + run.resyncId() + ": " + run.values() + " values (" + valuesAtCut
        + " before the cut, store " + storeSize + "), " + run.bytes() + " payload bytes, " + wire
        + " bytes on the wire a->b, in " + (run.finishedMillis() - run.startedMillis()) + " ms";
    System.out.println("[it] " + shipped);
    assertThat(run.resyncId()).as("the same run, resumed: " + shipped).isEqualTo(resyncId);
    assertThat(run.values()).as("the run went on after the cut: " + shipped).isGreaterThan(valuesAtCut);
    assertThat(run.values()).as("no value acknowledged twice but the cut chunk's: " + shipped)
        .isLessThanOrEqualTo(storeSize + CHUNK_VALUES);
    assertThat(cluster.admin(A).audit(killedAt, "RESYNC_STARTED")).as("runs started: " + shipped).singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(B));
    assertThat(cluster.admin(A).audit(killedAt, "RESYNC_FINISHED")).singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(B));
    assertThat(cluster.admin(B).audit(killedAt, "RESYNC_INSTALLED")).singleElement()
        .satisfies(r -> assertThat(r.attribute("resyncId")).isEqualTo(Long.toString(resyncId)));

    // the tail resumes from the snapshot's watermarks
    assertThat(cluster.admin(A).throttle(B, 0, TOKEN)).isZero();
    Workload after = it.register(Workload.on(cluster, history, it.seed() + 1)
        .site(A, 500).shards(SHARDS).inodes(2_000).limitPerSite(500).start());
    after.awaitLimit(Duration.ofSeconds(30));
    Checker.of(cluster, history).assertConverged();
  }
}
