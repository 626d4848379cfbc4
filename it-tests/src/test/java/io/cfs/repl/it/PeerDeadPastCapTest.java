package io.cfs.repl.it;

import static io.cfs.repl.it.CapDrops.A;
import static io.cfs.repl.it.CapDrops.B;
import static io.cfs.repl.it.CapDrops.KEEP_ENTRIES;
import static io.cfs.repl.it.CapDrops.SHARDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.AuditEntry;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The journal's retention cap with real node JVMs: site-b is killed while site-a writes on past its journal's cap
 * (256 KiB, rounds every 500 ms), so a's journal GC drops b from the horizon (b's link NEEDS a resync naming the cap,
 * audited) and collects past what b acknowledged. b restarts: a ships its store as a snapshot over the resync channel,
 * b installs it (audited there), the link goes back to tailing the journal from the snapshot's watermarks, and both
 * sites converge to every acknowledged entry.
 */
@ExtendWith(ItExtension.class)
@Timeout(300)
class PeerDeadPastCapTest {

  @Test
  void aPeerDeadPastTheCapIsDroppedThenResyncedBySnapshotAndConverges(ItContext it) {
    SiteCluster cluster = it.topology(A, B).config(A, CapDrops.config()).start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));
    History history = new History();
    Workload workload = it.register(CapDrops.workload(Workload.on(cluster, history, it.seed())).start());
    CapDrops.DroppedPeer drop = CapDrops.killPastTheCap(cluster, workload);
    Status.Peer dropped = drop.link();
    assertThat(dropped.resync().reason()).as("why B needs a resync").contains("retention cap")
        .contains("max-journal-bytes 262144");
    // auto resync is on: the link keeps dialling the dead peer to start the run
    assertThat(dropped.state()).as("A->B while B is dead").isIn("CONNECTING", "BACKOFF");
    // the next rounds collect past B: the journal holds about what keep-entries keeps, not B's backlog
    Status.Journal[] collected = new Status.Journal[1];
    Status.Peer backlog = cluster.awaitLink(A, B, Duration.ofSeconds(30), "collected past", p -> {
      collected[0] = cluster.admin(A).status().journal();
      return p.lagEntries() > 4L * SHARDS * KEEP_ENTRIES && collected[0].entries() < 2L * SHARDS * KEEP_ENTRIES
          && !B.equals(collected[0].horizonHeldBy());
    });
    workload.stop(Duration.ofSeconds(30));
    System.out.println("[it] " + A + " dropped " + B + " (" + drop.dropsWhileUp() + " drops while it was up); B's"
        + " backlog " + backlog.lagEntries() + " entries, the journal " + collected[0]);

    // B returns to a fixed target (writes during the run would leave it behind by them when it ends: a cap still
    // exceeded would drop it again if that were half of the journal)
    cluster.node(B).restart();
    Status.Peer resynced = cluster.awaitLink(A, B, Duration.ofSeconds(90), "resynced and tailing again",
        p -> "FINISHED".equals(p.resyncPhase()) && p.state().equals("CONNECTED"));
    Status.Resync run = resynced.resync();
    System.out.println("[it] resync " + run.resyncId() + " of " + B + ": " + run.values() + " values, " + run.bytes()
        + " payload bytes in " + (run.finishedMillis() - run.startedMillis()) + " ms");
    assertThat(run.values()).as("values shipped").isPositive()
        .isLessThanOrEqualTo(cluster.admin(A).digest().inodes());
    assertThat(run.bytes()).as("payload bytes shipped").isPositive();

    // the tail goes on from the snapshot's watermarks
    Workload after = it.register(Workload.on(cluster, history, it.seed() + 1)
        .site(A, 200).shards(SHARDS).inodes(2_000).limitPerSite(500).start());
    after.awaitLimit(Duration.ofSeconds(30));
    Checker.of(cluster, history).assertConverged();
    assertThat(cluster.admin(A).status().requirePeer(B).resync().resyncId()).as("one run, no second drop")
        .isEqualTo(run.resyncId());

    List<AuditEntry> needed = cluster.admin(A).audit(drop.killedAtMillis(), "RESYNC_NEEDED");
    assertThat(needed).singleElement().satisfies(r -> {
      assertThat(r.peer()).isEqualTo(B);
      assertThat(r.detail()).contains("retention cap");
    });
    assertThat(cluster.admin(A).audit(drop.killedAtMillis(), "RESYNC_FINISHED")).singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(B));
    assertThat(cluster.admin(B).audit(drop.killedAtMillis(), "RESYNC_INSTALLED")).singleElement().satisfies(r -> {
      assertThat(r.peer()).isEqualTo(A);
      assertThat(r.attribute("resyncId")).isEqualTo(Long.toString(run.resyncId()));
    });
  }
}
