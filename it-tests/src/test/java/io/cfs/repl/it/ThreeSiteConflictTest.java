package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.AuditedConflict;
import io.cfs.repl.it.client.ConflictStream;
import io.cfs.repl.it.client.StreamedConflict;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.ConflictHistoryCheck;
import io.cfs.repl.it.workload.ConflictHistoryCheck.Fate;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16, three sites writing in parallel to one small set of inodes with their links up (150 ms one way, as over a
 * WAN), until one moment, so writes of an inode (the last ones too) meet before they have seen each other. Proves,
 * once the sites converged: the history checker ({@link ConflictHistoryCheck}), reading every site's CONFLICT audit
 * records and final values over HTTP, accounts for every acknowledged write as the winner of its inode, in the
 * winner's causal past, or lost unseen in a recorded conflict; the sites hold the same winner, seq, seen and knowledge
 * of every inode; conflicts were really recorded and some writes were lost unseen; each site's trail holds each
 * conflict once (ids 1..n) and its conflict stream delivers the same ids.
 */
@ExtendWith(ItExtension.class)
@Timeout(240)
class ThreeSiteConflictTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final String C = "site-c";
  private static final int INODES = 100;
  private static final int PER_SITE = 4_000;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LINK_DELAY = Duration.ofMillis(150);

  @Test
  void everyAcknowledgedWriteIsTheWinnerInItsPastOrARecordedLoser(ItContext it) {
    SiteCluster cluster = it.topology(A, B, C).start();
    cluster.awaitAllConnected(TIMEOUT);
    // a WAN's delay on every link, so that writes of an inode a few hundred ms apart have not seen each other
    // whatever the machine's load: without it the window is a few ms of loopback and some runs lose nothing unseen
    for (String from : cluster.sites()) {
      for (String to : cluster.peersOf(from)) cluster.proxy(from, to).delay(LINK_DELAY);
    }
    History history = History.keepingWrites();
    Workload workload = it.register(Workload.on(cluster, history, it.seed())
        .site(A, 400).site(B, 400).site(C, 400).shards(8).inodes(INODES).sharedInodes(true).maxBatch(32)
        .binaryIngest(true).start());
    for (String site : List.of(A, B, C)) workload.awaitAcknowledged(site, PER_SITE, Duration.ofSeconds(90));
    // all three write until this moment (no per-site limit, which a writer ahead would reach first): the last writes
    // of an inode meet before they could see each other, so some are lost unseen whatever the pace of each site
    workload.stop(TIMEOUT);
    assertThat(history.acknowledged()).isGreaterThanOrEqualTo(3L * PER_SITE);
    Checker.of(cluster, history).assertConverged();

    ConflictHistoryCheck.awaitTrailsSettled(cluster, TIMEOUT);
    Map<String, List<AuditedConflict>> trails = ConflictHistoryCheck.conflicts(cluster);
    for (String site : cluster.sites()) {
      List<AuditedConflict> trail = trails.get(site);
      assertThat(trail).extracting(AuditedConflict::conflictId).as("%s's conflict ids: each once, dense", site)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, trail.size()).boxed().toList());
      assertStreamHoldsTheTrail(cluster, site, trail.size());
    }

    ConflictHistoryCheck.Result result = ConflictHistoryCheck.read(cluster, history);
    System.out.println("[it] " + result);
    result.assertHolds();
    assertThat(result.writes()).isEqualTo(history.acknowledged());
    assertThat(result.count(Fate.WINNER)).as("one winner per inode").isEqualTo(result.inodes());
    assertThat(result.conflicts().values().stream().mapToInt(Integer::intValue).sum())
        .as("the workload collided").isPositive();
    assertThat(result.count(Fate.LOST_UNSEEN)).as("writes lost unseen").isPositive();
  }

  /** The site's conflict stream from 0 delivers ids 1..n, n the size of its trail. */
  private static void assertStreamHoldsTheTrail(SiteCluster cluster, String site, int n) {
    List<StreamedConflict> streamed;
    try (ConflictStream stream = cluster.ingest(site).conflicts(0)) {
      streamed = stream.awaitConflicts(n, TIMEOUT);
    }
    assertThat(streamed.stream().map(StreamedConflict::id).collect(Collectors.toList()))
        .as("%s's streamed conflict ids", site)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
  }
}
