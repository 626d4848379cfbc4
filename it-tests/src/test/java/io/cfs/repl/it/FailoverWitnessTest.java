package io.cfs.repl.it;

import static io.cfs.repl.it.Failovers.TIMEOUT;
import static io.cfs.repl.it.harness.Topology.WITNESS;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two sites and a witness ({@code cfs witness}, its own JVM, behind proxies like the sites), a client writing wherever
 * the FENCED answers send it, through four faults one after the other:
 * <ol>
 *   <li>the primary is cut from the secondary only, the witness still reaching both: the secondary runs for election
 *       round after round, the witness refuses its vote while it hears the primary, so there is no split brain and
 *       the primary keeps writing;</li>
 *   <li>(healed) the witness is killed: the primary keeps taking writes (itself and the other site are a majority),
 *       nobody else is promoted. Its lease rested on the witness alone (the secondary voted beyond its epoch in 1), so
 *       it runs again and must win the secondary's vote;</li>
 *   <li>(witness restarted) the secondary is cut from both the primary and the witness: it lacks a majority and is
 *       not promoted; the primary keeps writing;</li>
 *   <li>(healed) the primary is killed: the secondary is promoted with the witness's vote and takes the writes.</li>
 * </ol>
 * Throughout, the acknowledged history shows no epoch with two writers and no write taken in an old epoch after a
 * newer one's.
 */
@ExtendWith(ItExtension.class)
@Timeout(240)
class FailoverWitnessTest {
  /** Past down-after (1.5 s) plus the election backoff and the lease (1 s): anything that would happen has. */
  private static final long HOLD_MILLIS = 3_500;
  /** A lease (1 s) and an election of the primary's own, with room for a loaded machine. */
  private static final long MAX_PAUSE_MILLIS = 3_000;

  @Test
  void twoSitesAndAWitness(ItContext it) {
    SiteCluster cluster = it.topology("site-a", "site-b").config(Failovers.activePassive("site-a")).witness().start();
    cluster.awaitAllConnected(TIMEOUT);
    String primary = Failovers.awaitPrimary(cluster);
    cluster.sites().forEach(s -> Failovers.awaitHealth(cluster, s, WITNESS, "HEALTHY"));
    History history = new History();
    EpochHistory epochs = new EpochHistory();
    PrimaryWriter writer = it.register(PrimaryWriter.on(cluster, history, epochs).startAt(primary).rate(100, 10)
        .seed(it.seed()).start());
    awaitWriteSentAfter(writer, epochs, primary, 0);

    // 1. primary and secondary cannot talk, both still reach the witness: the secondary runs, round after round, and
    // the witness refuses it while it hears the primary
    String secondary = cluster.peersOf(primary).get(0);
    long cutAt = System.currentTimeMillis();
    cluster.cutBetween(primary, secondary);
    Failovers.awaitHealth(cluster, secondary, primary, "DOWN");
    String writing = awaitWriteSentAfter(writer, epochs, null, cutAt + HOLD_MILLIS);
    System.out.println("[failover] primary cut from the secondary only: writes go on at " + writing + "; "
        + epochs.writersByEpoch());
    assertThat(writing).as("the site writing while the primary is cut from the secondary only").isEqualTo(primary);
    epochs.assertOneWriterPerEpoch();
    cluster.healBetween(primary, secondary);
    cluster.sites().forEach(s -> Failovers.awaitHealth(cluster, s, cluster.peersOf(s).get(0), "HEALTHY"));

    // 2. the witness dies: the two sites are still a majority of the three voters. The secondary voted beyond the
    // primary's epoch in 1, so the primary's lease rested on the witness alone: it must run again, and win
    long killedAt = System.currentTimeMillis();
    cluster.witness().kill();
    assertKeepsWriting(cluster, writer, epochs, primary, killedAt, "the witness killed");
    Failovers.awaitHealth(cluster, primary, WITNESS, "DOWN");
    cluster.witness().startAndAwaitReady();
    cluster.sites().forEach(s -> Failovers.awaitHealth(cluster, s, WITNESS, "HEALTHY"));

    // 3. the secondary alone on its side: one vote of three
    primary = Failovers.awaitPrimary(cluster);
    secondary = cluster.peersOf(primary).get(0);
    cutAt = System.currentTimeMillis();
    cluster.cutBetween(secondary, primary);
    cluster.cutBetween(secondary, WITNESS);
    Failovers.awaitHealth(cluster, secondary, primary, "DOWN");
    Failovers.awaitHealth(cluster, secondary, WITNESS, "DOWN");
    assertKeepsWriting(cluster, writer, epochs, primary, cutAt, "the secondary cut from primary and witness");
    cluster.healBetween(secondary, primary);
    cluster.healBetween(secondary, WITNESS);
    cluster.sites().forEach(s -> Failovers.awaitHealth(cluster, s, WITNESS, "HEALTHY"));

    // 4. the primary dies: the secondary and the witness are a majority
    String survivor = secondary;
    killedAt = System.currentTimeMillis();
    cluster.nodes(primary).forEach(NodeProcess::kill);
    awaitWriteSentAfter(writer, epochs, survivor, killedAt);
    long promotedAt = Failovers.promotedMillis(cluster, survivor, killedAt);
    System.out.printf("[failover] %s killed: %s promoted with the witness's vote after %d ms, first write there after"
            + " %d ms%n", primary, survivor, promotedAt - killedAt,
        epochs.firstAckMillis(survivor, killedAt).orElseThrow() - killedAt);
    writer.stop(TIMEOUT);
    System.out.println("[failover] " + epochs + "; " + history);
    epochs.assertOneWriterPerEpoch();
  }

  /**
   * Holds a fault for {@link #HOLD_MILLIS} and checks that {@code primary} kept taking writes: the client's writes sent
   * after the hold went there, no other site took one or was promoted, and writes never stopped for long. The primary
   * may have run again in a higher epoch of its own: its lease may have rested on the voter the fault took away, when
   * the other one had voted beyond its epoch (a secondary that ran at start-up before it heard the primary), and then
   * it renews it by an election (see ResolverLivenessTest); that costs about a lease, never the writes.
   */
  private static void assertKeepsWriting(SiteCluster cluster, PrimaryWriter writer, EpochHistory epochs,
                                         String primary, long faultAt, String fault) {
    long epoch = Failovers.status(cluster, primary).epoch();
    awaitWriteSentAfter(writer, epochs, primary, faultAt + HOLD_MILLIS);
    assertThat(epochs.acks()).as("only " + primary + " took writes with " + fault)
        .filteredOn(a -> a.sentMillis() >= faultAt).allMatch(a -> a.site().equals(primary));
    for (String other : cluster.peersOf(primary)) {
      if (!cluster.isUp(other)) continue;
      assertThat(Failovers.status(cluster, other).role()).as(other + "'s role with " + fault).isEqualTo("SECONDARY");
      assertThat(cluster.admin(other).audit(faultAt, "PROMOTED")).as(other + " promoted with " + fault).isEmpty();
    }
    long gap = epochs.longestAckGapMillis(faultAt, faultAt + HOLD_MILLIS);
    long epochNow = Failovers.status(cluster, primary).epoch();
    System.out.printf("[failover] %s: %s kept writing, %d entries in %d ms, longest pause %d ms, epoch %d -> %d%n",
        fault, primary, epochs.acknowledged(primary, faultAt), HOLD_MILLIS, gap, epoch, epochNow);
    assertThat(gap).as("longest pause of the writes with " + fault + ", ms").isLessThan(MAX_PAUSE_MILLIS);
  }

  /** Waits for an ack of a write sent at or after {@code sinceMillis} (by {@code site}, or any if null); its site. */
  private static String awaitWriteSentAfter(PrimaryWriter writer, EpochHistory epochs, String site,
                                            long sinceMillis) {
    return await("a write sent after " + sinceMillis + (site == null ? "" : " acknowledged by " + site))
        .atMost(Duration.ofMillis(Math.max(0, sinceMillis - System.currentTimeMillis())).plus(TIMEOUT))
        .pollInterval(Duration.ofMillis(50)).until(() -> {
          writer.rethrow();
          return epochs.acks().stream().filter(a -> a.sentMillis() >= sinceMillis)
              .filter(a -> site == null || a.site().equals(site)).map(EpochHistory.Ack::site).findFirst()
              .orElse(null);
        }, s -> s != null);
  }
}
