package io.cfs.repl.engine.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeHooks;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.node.TestSites;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journal GC between two sites over loopback TCP, on embedded storage (the PostgreSQL run is
 * {@link PostgresJournalGcTest}): site A's journal shrinks behind site B's acknowledgements while A writes; while B is
 * down nothing it has not acknowledged is collected and status names it as the peer holding the horizon back; when it
 * comes back it catches up with nothing missing. Site ids are unique per run: PostgreSQL's tables outlive runs.
 */
class JournalGcTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int SHARDS = 4;

  @TempDir
  Path dir;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String siteA = "gc-a-" + run;
  private final String siteB = "gc-b-" + run;
  private final Map<String, Integer> ports = Map.of(siteA, LoopbackSites.freePort(), siteB, LoopbackSites.freePort());
  private final GcRecorder gcOfA = new GcRecorder();
  private final AtomicLong appliedFromA = new AtomicLong();

  /** The storage the sites run on: embedded here. */
  Config storage(Config node) {
    return node;
  }

  /** Rounds every 200 ms and nothing kept beyond what the journal keeps itself, so that the horizon is exact. */
  private Config config(String site) {
    return ConfigFactory.parseMap(Map.of("cfs-repl.journal-gc.interval", "200ms",
        "cfs-repl.journal-gc.keep-entries", 0)).withFallback(storage(TestSites.config(site, dir.resolve(site), ports)));
  }

  private ReplicationNode startA() throws Exception {
    return ReplicationNode.start(config(siteA), NodeHooks.NONE.withMetrics(gcOfA));
  }

  private ReplicationNode startB() throws Exception {
    return ReplicationNode.start(config(siteB), NodeHooks.of(TestSites.countApplied(siteA, appliedFromA)));
  }

  @Test
  void theJournalShrinksBehindThePeerAStoppedPeerHoldsTheHorizonAndCatchesUpWithNothingMissing() throws Exception {
    try (ReplicationNode a = startA()) {
      ReplicationNode b = startB();
      try {
        // while writing: each chunk is collected once B has acknowledged it, before the next one is written
        for (int chunk = 1; chunk <= 5; chunk++) {
          TestSites.append(a.journal(), SHARDS, 1_000, 100, chunk);
          long written = chunk * 1_000L;
          await().atMost(WAIT).until(() -> {
            assertNothingCollectedPast(a.journal(), () -> b.store().watermarks(siteA));
            return TestSites.sum(a.journal().heads()) == written && collectedToTheHeads(a.journal());
          });
        }
        assertThat(a.journal().footprint().entries()).as("one entry per shard, the newest").isEqualTo(SHARDS);
        // a round publishes what it removed only after its tombstone collection, which follows the journal's
        await().atMost(WAIT).untilAsserted(() -> assertThat(gcOfA.removed.get()).isEqualTo(5_000 - SHARDS));
        // a round has seen B's persisted cursors at the heads: where they stay while it is down
        await().atMost(WAIT).until(() -> gcOfA.behind.get().getOrDefault(siteB, -1L) == 0);
      } finally {
        b.close();
      }

      // B is down: its cursors are where it stopped, and the journal keeps everything past them
      Map<Integer, Long> acknowledged = a.journal().heads();
      TestSites.append(a.journal(), SHARDS, 2_000, 100, 6);
      long rounds = gcOfA.rounds(JournalCollector.COLLECTED);
      await().atMost(WAIT).until(() -> gcOfA.rounds(JournalCollector.COLLECTED) >= rounds + 3);
      for (int shard = 0; shard < SHARDS; shard++) {
        assertThat(a.journal().horizon(shard)).as("shard %d: collected through its cursor, no further", shard)
            .isEqualTo(acknowledged.get(shard) + 1);
      }
      assertThat(a.journal().footprint().entries()).isEqualTo(2_000);
      List<ReplicatorStatus> links = a.status(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      JournalStatus status = a.journalStatus(links).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(status.holder()).isEqualTo(new HorizonHolder(siteB, 2_000));
      assertThat(status.held().entries()).isEqualTo(2_000);
      assertThat(status.held().bytes()).isPositive();
      assertThat(status.collecting()).isTrue();
      assertThat(gcOfA.holder.get()).isEqualTo(siteB);

      // back: it catches up from its cursors, nothing missing and nothing applied twice, then the journal shrinks
      try (ReplicationNode b2 = startB()) {
        await().atMost(WAIT).until(() -> b2.store().watermarks(siteA).equals(a.journal().heads()));
        assertThat(appliedFromA.get()).isEqualTo(7_000);
        await().atMost(WAIT).until(() -> a.store().watermarks(siteA).equals(a.journal().heads()));
        assertThat(b2.store().digest().hash()).isEqualTo(a.store().digest().hash());
        await().atMost(WAIT).until(() -> collectedToTheHeads(a.journal()));
        JournalStatus caughtUp = a.journalStatus(a.status(Duration.ofSeconds(5)).toCompletableFuture()
            .get(10, TimeUnit.SECONDS)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(caughtUp.holder()).as("nothing holds it back").isNull();
        assertThat(caughtUp.held().entries()).isEqualTo(SHARDS);
      }
    }
  }

  /** Every shard collected up to its head (the journal keeps the head entry itself). */
  private static boolean collectedToTheHeads(LocalJournal journal) {
    return journal.heads().entrySet().stream().allMatch(h -> journal.horizon(h.getKey()) == h.getValue());
  }

  /**
   * Nothing the peer has not applied was collected. The horizons are read first and the peer's watermarks (which only
   * grow) after, so a horizon past them now was past them when it was read.
   */
  private static void assertNothingCollectedPast(LocalJournal journal, Supplier<Map<Integer, Long>> peerApplied) {
    Map<Integer, Long> horizons = new HashMap<>();
    journal.heads().keySet().forEach(shard -> horizons.put(shard, journal.horizon(shard)));
    Map<Integer, Long> applied = peerApplied.get();
    horizons.forEach((shard, horizon) -> assertThat(horizon - 1).as("collected through, shard %d", shard)
        .isLessThanOrEqualTo(applied.getOrDefault(shard, 0L)));
  }
}
