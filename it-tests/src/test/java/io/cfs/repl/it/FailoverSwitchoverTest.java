package io.cfs.repl.it;

import static io.cfs.repl.it.Failovers.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.NodeProcess;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.EpochHistory;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.PrimaryWriter;
import io.cfs.repl.it.workload.Workload;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three sites active-passive: the primary's store is filled, then a client writes at a steady rate while the operator
 * switches over to another site (POST /replication/failover to the primary); the original site is then killed (kill
 * -9) while the new primary takes writes, restarted, and the operator fails back to it. Proves: each switch hands over
 * to the target in a higher epoch and the client's writes follow; no epoch had two writers; after both switches every
 * site holds every acknowledged write (the checker, identical digests); the restart and failback shipped far less
 * than a full copy of the store (it catches up from its cursors). Prints each switch's phases and write pause (the
 * longest time without an ack around it) and the bytes moved between sites against a full copy's.
 */
@ExtendWith(ItExtension.class)
@Timeout(240)
class FailoverSwitchoverTest {
  private static final int PRELOAD = 30_000;
  private static final int MISSED = 500;

  @Test
  void aPlannedSwitchoverAndTheFailbackLoseNothing(ItContext it) {
    SiteCluster cluster = it.topology("site-a", "site-b", "site-c").config(Failovers.activePassive("site-a")).start();
    cluster.awaitAllConnected(TIMEOUT);
    String original = Failovers.awaitPrimary(cluster);
    String target = cluster.peersOf(original).get(0);
    History history = new History();
    long copyBefore = cluster.proxy(original, target).bytesUpstream();
    Workload preload = it.register(Workload.on(cluster, history, it.seed()).site(original, 0).limitPerSite(PRELOAD)
        .payloadBytes(256).binaryIngest(true).start());
    preload.awaitLimit(Duration.ofSeconds(90));
    cluster.peersOf(original).forEach(peer -> cluster.awaitLink(original, peer, Duration.ofSeconds(60), "caught up",
        p -> p.lagEntries() == 0));
    long fullCopy = cluster.proxy(original, target).bytesUpstream() - copyBefore;

    EpochHistory epochs = new EpochHistory();
    PrimaryWriter writer = it.register(writer(cluster, history, epochs, original, it.seed()));
    awaitAcks(writer, epochs, original, 0, 200);

    long switchAt = switchTo(cluster, writer, epochs, original, target);
    awaitAcks(writer, epochs, target, switchAt, 200);

    // the original goes down as a secondary and misses MISSED of the new primary's writes (the client then pauses,
    // however long the restart takes); back, it catches up and takes over
    long killedAt = System.currentTimeMillis();
    cluster.nodes(original).forEach(NodeProcess::kill);
    awaitAcks(writer, epochs, target, killedAt, MISSED);
    writer.stop(TIMEOUT);
    long bytesBefore = cluster.proxiedBytes(original);
    cluster.nodes(original).forEach(NodeProcess::restart);
    writer = it.register(writer(cluster, history, epochs, target, it.seed() + 1));
    awaitAcks(writer, epochs, target, System.currentTimeMillis(), 50);
    long failbackAt = switchTo(cluster, writer, epochs, target, original);
    long failbackBytes = cluster.proxiedBytes(original) - bytesBefore;
    System.out.printf("[failover] %s restarted, caught up %d entries written since it was killed and took writes back:"
            + " %d bytes on its links; a full copy of the store (%d entries) to one site was %d bytes%n", original,
        epochs.acknowledged(target, killedAt) - epochs.acknowledged(target, failbackAt), failbackBytes, PRELOAD,
        fullCopy);
    awaitAcks(writer, epochs, original, failbackAt, 200);
    writer.stop(TIMEOUT);
    System.out.println("[failover] " + epochs + "; " + history);

    epochs.assertOneWriterPerEpoch();
    Checker.of(cluster, history).assertConverged();
    assertThat(failbackBytes).as("bytes of the failback against a full copy (" + fullCopy + ")")
        .isLessThan(fullCopy / 5);
  }

  /** A client at 100 entries/s that continues the history's seqs wherever it writes. */
  private static PrimaryWriter writer(SiteCluster cluster, History history, EpochHistory epochs, String site,
                                     long seed) {
    return PrimaryWriter.on(cluster, history, epochs).startAt(site).rate(100, 5).seed(seed).start();
  }

  /**
   * Asks {@code from} (the primary) to hand over to {@code to}, waits for the client's first write there, prints the
   * write pause and returns when the switch was asked.
   */
  private static long switchTo(SiteCluster cluster, PrimaryWriter writer, EpochHistory epochs, String from,
                               String to) {
    long epochBefore = Failovers.status(cluster, from).epoch();
    long at = System.currentTimeMillis();
    cluster.admin(from).requestFailover(to, false, Failovers.TOKEN);
    awaitAcks(writer, epochs, to, at, 1);
    long first = epochs.firstAckMillis(to, at).orElseThrow();
    long handedOver = Failovers.auditedMillis(cluster, from, "DEMOTED", at);
    long promoted = Failovers.promotedMillis(cluster, to, at);
    System.out.printf("[failover] switchover %s -> %s: drained and handed over after %d ms, %s promoted %d ms later,"
            + " its first write %d ms later (%d ms after the request); write pause %d ms%n", from, to, handedOver - at,
        to, promoted - handedOver, first - promoted, first - at, epochs.longestAckGapMillis(at, first));
    assertThat(Failovers.status(cluster, to).epoch()).as("the switch raised the epoch").isGreaterThan(epochBefore);
    return at;
  }

  private static void awaitAcks(PrimaryWriter writer, EpochHistory epochs, String site, long sinceMillis, long n) {
    await(n + " entries acknowledged by " + site).atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
      writer.rethrow();
      return epochs.acknowledged(site, sinceMillis) >= n;
    });
  }
}
