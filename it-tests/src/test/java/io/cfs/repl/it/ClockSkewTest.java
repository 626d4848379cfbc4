package io.cfs.repl.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.AuditEntry;
import io.cfs.repl.it.client.IngestEntry;
import io.cfs.repl.it.client.IngestRejectedException;
import io.cfs.repl.it.client.IngestResult;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.model.hlc.Clocks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16, clocks: site B's node and the metadata service writing to it run 2 s ahead (the node through the test-only
 * clock offset, its writer by stamping with B's time). Proves: both sites still converge on the same last-write-wins
 * winners; site A's link warns of the skew in its audit trail; and A's ingest refuses entries stamped with B's time,
 * 2 s ahead of A's clock, naming the entry and writing nothing.
 */
@ExtendWith(ItExtension.class)
@Timeout(300)
class ClockSkewTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final long SKEW_MILLIS = 2_000;
  private static final int INODES = 50;

  @Test
  void aSiteTwoSecondsAheadConvergesIsAuditedAndCannotStampWritesOnItsPeer(ItContext it) throws Exception {
    long startedAt = System.currentTimeMillis();
    SiteCluster cluster = it.topology(A, B)
        .jvmFlags(B, List.of("-D" + Clocks.TEST_OFFSET_PROPERTY + "=" + SKEW_MILLIS)).start();
    cluster.awaitAllConnected(Duration.ofSeconds(30));

    History history = new History();
    for (int round = 1; round <= 20; round++) {
      write(cluster, history, A, round, 0);
      write(cluster, history, B, round, SKEW_MILLIS);
    }
    Checker.of(cluster, history).assertConverged();

    await("site A's audit trail warns of B's clock").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      List<AuditEntry> skews = cluster.admin(A).audit(startedAt, "CLOCK_SKEW");
      assertThat(skews).anySatisfy(e -> {
        assertThat(e.peer()).isEqualTo(B);
        assertThat(Long.parseLong(e.attribute("offsetMillis"))).isBetween(SKEW_MILLIS - 300, SKEW_MILLIS + 300);
      });
    });

    Map<Integer, Long> headsBefore = cluster.journalHeads(A);
    List<IngestEntry> stampedByB = batch(A, headsBefore.getOrDefault(0, 0L) + 1, 1, SKEW_MILLIS);
    assertThatThrownBy(() -> cluster.ingest(A).append(stampedByB, Duration.ZERO))
        .isInstanceOfSatisfying(IngestRejectedException.class, refused -> {
          assertThat(refused.error().error()).isEqualTo("CLOCK_AHEAD");
          assertThat(refused.error().shard()).isZero();
          assertThat(refused.error().seq()).isEqualTo(stampedByB.get(0).seq());
        });
    assertThat(cluster.journalHeads(A)).as("nothing of the refused batch written").isEqualTo(headsBefore);
  }

  /** One batch of 10 entries to {@code site}, on the inodes both sites write, stamped {@code aheadMillis} ahead. */
  private static void write(SiteCluster cluster, History history, String site, int round, long aheadMillis)
      throws InterruptedException {
    List<IngestEntry> batch = batch(site, (round - 1) * 10L + 1, round, aheadMillis);
    IngestResult result = cluster.ingest(site).append(batch, Duration.ofSeconds(10));
    history.recordAcked(site, batch, result);
  }

  private static List<IngestEntry> batch(String site, long firstSeq, int round, long aheadMillis) {
    List<IngestEntry> batch = new ArrayList<>();
    long hlc = Clocks.epochNanos() + aheadMillis * 1_000_000L;
    for (int i = 0; i < 10; i++) {
      long inode = 1 + (round * 7L + i) % INODES;
      batch.add(IngestEntry.of(site, 0, firstSeq + i, hlc + i, "WRITE", inode,
          (site + " round " + round + " entry " + i).getBytes(StandardCharsets.UTF_8)));
    }
    return batch;
  }
}
