package io.cfs.repl.engine.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeHooks;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.node.TestSites;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.StoredValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tombstone collection between two sites over loopback TCP, on embedded storage: A deletes inodes, B applies the
 * deletes, and with a tiny tombstone-min-age both remove the tombstones (A its own once B's cursors are past them, B
 * once A's batches say every site has them) and their stores stay equal; while B is down, A keeps every tombstone B
 * has not applied; when B is back, both collect them and agree again.
 */
class TombstoneGcTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int SHARDS = 4;

  @TempDir
  Path dir;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String siteA = "tomb-a-" + run;
  private final String siteB = "tomb-b-" + run;
  private final Map<String, Integer> ports = Map.of(siteA, LoopbackSites.freePort(), siteB, LoopbackSites.freePort());
  private final GcRecorder gcOfA = new GcRecorder();
  private final GcRecorder gcOfB = new GcRecorder();

  private Config config(String site) {
    return ConfigFactory.parseMap(Map.of("cfs-repl.journal-gc.interval", "200ms",
            "cfs-repl.journal-gc.keep-entries", 0, "cfs-repl.journal-gc.tombstone-min-age", "1ms"))
        .withFallback(TestSites.config(site, dir.resolve(site), ports));
  }

  private ReplicationNode startA() throws Exception {
    return ReplicationNode.start(config(siteA), NodeHooks.NONE.withMetrics(gcOfA));
  }

  private ReplicationNode startB() throws Exception {
    return ReplicationNode.start(config(siteB), NodeHooks.NONE.withMetrics(gcOfB));
  }

  @Test
  void bothSitesCollectTombstonesEverySiteHasAndAKeepsThoseTheStoppedPeerHasNot() throws Exception {
    try (ReplicationNode a = startA()) {
      Map<Integer, Long> acknowledged;
      try (ReplicationNode b = startB()) {
        TestSites.append(a.journal(), SHARDS, 2_000, 100, 1); // one entry in ten deletes its inode
        // a round's removals reach the store before the round ends and its metric is published: wait for both
        await().atMost(WAIT).until(() -> b.store().watermarks(siteA).equals(a.journal().heads())
            && tombstones(a.store()).isEmpty() && tombstones(b.store()).isEmpty()
            && gcOfA.tombstones.getOrDefault(siteA, 0L) > 0 && gcOfB.tombstones.getOrDefault(siteA, 0L) > 0);
        assertThat(gcOfA.tombstones.get(siteA)).as("A removed its own").isPositive();
        assertThat(gcOfB.tombstones.get(siteA)).as("B removed A's, on A's word").isPositive();
        assertThat(b.store().digest()).isEqualTo(a.store().digest());
        acknowledged = a.journal().heads();
        // a round of A has seen B's cursors at the heads, so B holds nothing back when it stops
        await().atMost(WAIT).until(() -> gcOfA.behind.get().getOrDefault(siteB, -1L) == 0);
      }

      TestSites.append(a.journal(), SHARDS, 1_000, 100, 2);
      await().atMost(WAIT).until(() -> a.store().watermarks(siteA).equals(a.journal().heads()));
      long rounds = gcOfA.rounds(JournalCollector.COLLECTED);
      await().atMost(WAIT).until(() -> gcOfA.rounds(JournalCollector.COLLECTED) >= rounds + 3);
      List<StoredValue> kept = tombstones(a.store());
      assertThat(kept).as("B has not applied the new deletes: A keeps their tombstones").isNotEmpty();
      assertThat(kept).allSatisfy(t -> assertThat(t.seq()).as("inode %d", t.inodeId())
          .isGreaterThan(acknowledged.get(t.shard())));

      try (ReplicationNode b2 = startB()) {
        await().atMost(WAIT).until(() -> b2.store().watermarks(siteA).equals(a.journal().heads())
            && tombstones(a.store()).isEmpty() && tombstones(b2.store()).isEmpty());
        assertThat(b2.store().digest()).isEqualTo(a.store().digest());
      }
    }
  }

  private static List<StoredValue> tombstones(MetadataStore store) {
    List<StoredValue> held = new ArrayList<>();
    store.scan(v -> {
      if (v.tombstone()) held.add(v);
    });
    return held;
  }
}
