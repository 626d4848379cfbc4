package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.check.Checker;
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
 * Scenario 2, active-active: both sites take writes at once, to the same small set of inodes, so most inodes are
 * written concurrently on both sides. Proves: nothing acknowledged is lost, and every inode ends on both sites at the
 * last-write-wins winner among all acknowledged writes ((hlc, site) highest, deletes included), whichever order the
 * two sites saw them in; the digests agree. The writers send the binary layout, encoded from the README alone.
 */
@ExtendWith(ItExtension.class)
@Timeout(300)
class ActiveActiveTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final int INODES = 300;

  @Test
  void bothSitesWritingTheSameInodesConvergeToTheLwwWinners(ItContext it) {
    SiteCluster cluster = it.topology(A, B).start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));
    History history = new History();
    Workload workload = it.register(Workload.on(cluster, history, it.seed())
        .site(A, 800).site(B, 800).shards(8).inodes(INODES).sharedInodes(true).limitPerSite(12_000)
        .binaryIngest(true).start());

    workload.awaitLimit(Duration.ofSeconds(120));
    workload.stop(Duration.ofSeconds(30));

    assertThat(history.acknowledged()).isEqualTo(24_000);
    assertThat(history.distinctInodes()).as("both sites wrote one shared set of inodes").isEqualTo(INODES);
    Checker.of(cluster, history).assertConverged();
  }
}
