package io.cfs.repl.it;

import static io.cfs.repl.it.Failovers.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.it.harness.ItContext;
import io.cfs.repl.it.harness.ItExtension;
import io.cfs.repl.it.harness.NodeProcess;
import io.cfs.repl.it.harness.SiteCluster;
import io.cfs.repl.it.workload.EpochHistory;
import io.cfs.repl.it.workload.History;
import io.cfs.repl.it.workload.PrimaryWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three sites active-passive with the shipped failover timing, a client writing to the primary; every node of the
 * primary site is killed (kill -9). Proves: a secondary is promoted in a higher epoch and takes the client's writes
 * (the client finds it from the FENCED answers of the others), the other secondary refuses appends naming it, and no
 * epoch had two writers. Prints the failover time split into detection (kill to the first survivor recording the
 * primary DOWN), vote (to the winner's PROMOTED) and first accepted write (the client's first ack there), from the
 * audit trails and the client's clock (one machine, one clock); the seed target is under 5 s in all.
 */
@ExtendWith(ItExtension.class)
@Timeout(180)
class FailoverKillPrimaryTest {
  private static final long TARGET_MILLIS = 5_000;

  @Test
  void killingThePrimarySitePromotesASecondaryThatTakesWrites(ItContext it) {
    SiteCluster cluster = it.topology("site-a", "site-b", "site-c").config(Failovers.activePassive("site-a")).start();
    cluster.awaitAllConnected(TIMEOUT);
    String primary = Failovers.awaitPrimary(cluster);
    long epochBefore = Failovers.status(cluster, primary).epoch();
    History history = new History();
    EpochHistory epochs = new EpochHistory();
    PrimaryWriter writer = it.register(PrimaryWriter.on(cluster, history, epochs).startAt(primary).rate(200, 10)
        .seed(it.seed()).start());
    await("writes on " + primary).atMost(TIMEOUT).until(() -> {
      writer.rethrow();
      return epochs.acknowledged(primary, 0) >= 200;
    });

    long killedAt = System.currentTimeMillis();
    cluster.nodes(primary).forEach(NodeProcess::kill);
    String promoted = await("a new primary").atMost(TIMEOUT).ignoreExceptions()
        .until(() -> Failovers.primaryNow(cluster).orElse(null), p -> p != null);
    await("the client's first write on " + promoted).atMost(TIMEOUT).until(() -> {
      writer.rethrow();
      return epochs.firstAckMillis(promoted, killedAt).isPresent();
    });
    long firstWrite = epochs.firstAckMillis(promoted, killedAt).getAsLong();
    long down = Failovers.firstDownMillis(cluster, primary, killedAt);
    long promotedAt = Failovers.promotedMillis(cluster, promoted, killedAt);
    System.out.printf("[failover] %s killed; %s promoted: detection %d ms, vote %d ms, first accepted write %d ms;"
            + " total %d ms%n", primary, promoted, down - killedAt, promotedAt - down, firstWrite - promotedAt,
        firstWrite - killedAt);

    String other = cluster.sites().stream().filter(s -> !s.equals(primary) && !s.equals(promoted)).findFirst()
        .orElseThrow();
    Failovers.assertFenced(cluster, other, promoted);
    long epochAfter = Failovers.status(cluster, promoted).epoch();
    assertThat(epochAfter).as("the promotion raised the epoch").isGreaterThan(epochBefore);
    assertThat(Failovers.status(cluster, other).epoch()).as(other + " adopted the new epoch").isEqualTo(epochAfter);
    long ackedBeforeStop = epochs.acknowledged(promoted, killedAt);
    writer.stop(TIMEOUT);
    System.out.println("[failover] " + epochs + "; " + history);
    assertThat(ackedBeforeStop).as("writes taken by " + promoted).isPositive();
    assertThat(List.of(down, promotedAt, firstWrite)).as("detection, vote, first write in order").isSorted();
    assertThat(firstWrite - killedAt).as("failover time, ms").isLessThan(TARGET_MILLIS);
    epochs.assertOneWriterPerEpoch();
  }
}
