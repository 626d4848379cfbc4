package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.it.client.AuditEntry;
import io.cfs.repl.it.client.InodeValue;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17, a site that lost its data dir, with real node JVMs: site-a replicates to site-b, stops, its data dir is
 * wiped and it starts again with a new journal whose seqs start over. site-b refuses its link as
 * INCARNATION_MISMATCH (site-a's status shows it, site-b's audit has it) and applies nothing of the new history;
 * after the operator's forget-incarnation on site-b, site-a's new history replicates and both hold the same value of
 * every inode it wrote.
 */
@ExtendWith(ItExtension.class)
@Timeout(300)
class WipedSiteTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final String TOKEN = "it-incarnation-token";
  private static final int INODES = 300;

  @Test
  void aWipedSiteIsRefusedThenTakenAfterTheOperatorForgetsItsOldHistory(ItContext it) throws IOException {
    SiteCluster cluster = it.topology(A, B).config("cfs-repl.admin.token = \"" + TOKEN + "\"").start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));
    try (Workload before = Workload.on(cluster, new History(), it.seed()).site(A, 500).shards(8).inodes(INODES)
        .start()) {
      before.awaitAcknowledged(A, 1_000, Duration.ofSeconds(60));
      before.stop(Duration.ofSeconds(30));
    }
    cluster.awaitLink(A, B, Duration.ofSeconds(60), "caught up", p -> p.lagEntries() == 0);
    long appliedOld = cluster.admin(A).status().requirePeer(B).ackedEntries();

    cluster.node(A).stop();
    wipe(cluster.node(A).spec().dataDir());
    long restartedAt = System.currentTimeMillis();
    cluster.node(A).restart();
    History after = new History();
    try (Workload fresh = Workload.on(cluster, after, it.seed() + 1).site(A, 500).shards(8).inodes(INODES)
        .start()) {
      fresh.awaitAcknowledged(A, 500, Duration.ofSeconds(60));
      fresh.stop(Duration.ofSeconds(30));
    }

    Status.Peer refused = cluster.awaitLink(A, B, Duration.ofSeconds(60), "refused as another incarnation",
        p -> p.lastError() != null && p.lastError().contains("INCARNATION_MISMATCH"));
    assertThat(refused.state()).isNotEqualTo("CONNECTED");
    List<AuditEntry> refusals = cluster.admin(B).audit(restartedAt, "INCARNATION_REFUSED");
    assertThat(refusals).singleElement().satisfies(r -> assertThat(r.peer()).isEqualTo(A));
    String held = refusals.get(0).attributes().get("held");
    assertThat(refused.lastError()).contains(held, refusals.get(0).attributes().get("offered"));
    for (long inode = 1; inode <= INODES; inode++) {
      Optional<InodeValue> atB = cluster.admin(B).inode(inode);
      assertThat(atB.map(InodeValue::hlc).orElse(0L)).as("inode %d at %s: nothing of the new history", inode, B)
          .isLessThan(restartedAt * 1_000_000L); // hlc in epoch nanos: nothing stamped since the restart
    }

    cluster.admin(B).forgetIncarnation(A, held, TOKEN);
    assertThat(cluster.admin(B).audit(restartedAt, "INCARNATION_FORGOTTEN")).hasSize(1);
    cluster.awaitLink(A, B, Duration.ofSeconds(60), "caught up on the new history",
        p -> p.state().equals("CONNECTED") && p.lagEntries() == 0 && p.ackedEntries() >= after.acknowledged(A));
    int compared = 0;
    for (long inode = 1; inode <= INODES; inode++) {
      Optional<InodeValue> atA = cluster.admin(A).inode(inode);
      if (atA.isEmpty()) continue;
      assertThat(cluster.admin(B).inode(inode).map(InodeValue::replicated)).as("inode %d", inode)
          .isEqualTo(atA.map(InodeValue::replicated));
      compared++;
    }
    assertThat(compared).isGreaterThan(INODES / 2);
    System.out.println("[it] " + A + " -> " + B + ": " + appliedOld + " entries of the old history, refused as "
        + held + ", then " + after.acknowledged(A) + " of the new one; " + compared + " inodes equal");
  }

  private static void wipe(Path dataDir) throws IOException {
    try (Stream<Path> walk = Files.walk(dataDir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    assertThat(Files.exists(dataDir)).isFalse();
  }
}
