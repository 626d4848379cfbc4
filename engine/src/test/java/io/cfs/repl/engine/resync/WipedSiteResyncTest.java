package io.cfs.repl.engine.resync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeHooks;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.node.TestSites;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.ResyncView;
import io.cfs.repl.engine.replicator.StoppedShard;
import io.cfs.repl.persistence.store.ForgottenOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site that lost its data dir, brought back by a snapshot resync, two sites over loopback TCP on embedded storage.
 * B comes back empty with a new journal incarnation: A's tail finds a gap at B and stops its shards, and A refuses
 * B's data link (another history of B). An operator's resync ships A's store to B (A's values and B's own old writes,
 * which A held) with A's watermarks, and A's tail resumes from them; an operator's forget-incarnation on A then lets
 * B's new history in, and both stores converge.
 */
@Tag("integration")
class WipedSiteResyncTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration ASK = Duration.ofSeconds(5);
  private static final int SHARDS = 4;

  @TempDir
  Path dir;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String siteA = "wr-a-" + run;
  private final String siteB = "wr-b-" + run;
  private final Map<String, Integer> ports = Map.of(siteA, LoopbackSites.freePort(), siteB, LoopbackSites.freePort());

  /** Small chunks, so that the snapshot takes several acknowledged chunks. */
  private Config config(String site) {
    return ConfigFactory.parseMap(Map.of("cfs-repl.resync.chunk-max-values", 100))
        .withFallback(TestSites.config(site, dir.resolve(site), ports));
  }

  private ReplicationNode start(String site) throws Exception {
    return ReplicationNode.start(config(site), NodeHooks.NONE);
  }

  @Test
  void aWipedSiteIsResyncedFromItsPeerThenItsNewHistoryIsLetInAndBothConverge() throws Exception {
    try (ReplicationNode a = start(siteA)) {
      UUID oldB;
      try (ReplicationNode b = start(siteB)) {
        oldB = b.journal().incarnation();
        TestSites.append(a.journal(), SHARDS, 2_000, 200, 1);
        TestSites.append(b.journal(), SHARDS, 1_000, 200, 2); // on inodes A writes too
        awaitConverged(a, b);
        assertThat(a.store().incarnation(siteB)).contains(oldB);
      }
      deleteRecursively(dir.resolve(siteB));
      assertThat(Files.exists(dir.resolve(siteB))).isFalse();

      try (ReplicationNode b = start(siteB)) {
        UUID newB = b.journal().incarnation();
        assertThat(newB).isNotEqualTo(oldB);
        assertThat(TestSites.sum(b.store().watermarks(siteA))).isZero();
        assertThat(b.store().digest().inodes()).isZero();

        // 1. A's cursors are at its heads, B's watermarks of A at 0: A's next entries are a gap at B
        TestSites.append(a.journal(), SHARDS, 400, 100, 3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(statusOf(a, siteB).stoppedShards())
            .extracting(StoppedShard::shard).containsExactlyInAnyOrder(0, 1, 2, 3));
        assertThat(TestSites.sum(b.store().watermarks(siteA))).as("nothing past the gap applied").isZero();
        // and A refuses B's new history on its data link
        await().atMost(WAIT).untilAsserted(() -> assertThat(statusOf(b, siteA).lastError())
            .contains("INCARNATION_MISMATCH", oldB.toString(), newB.toString()));

        // 2. an operator resyncs B from A: A's whole store, then the tail from the snapshot's marks
        await().atMost(WAIT).until(() -> a.store().watermarks(siteA).equals(a.journal().heads()));
        ReplicatorStatus asked = a.resync(siteB, ASK).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(asked.resync()).isNotNull();
        assertThat(asked.resync().reason()).isEqualTo("requested by an operator");
        assertThat(asked.resync().phase()).isIn(ResyncView.Phase.NEEDED, ResyncView.Phase.RUNNING);
        await().atMost(WAIT).untilAsserted(() -> {
          ReplicatorStatus link = statusOf(a, siteB);
          assertThat(link.resync().phase()).isEqualTo(ResyncView.Phase.FINISHED);
          assertThat(link.stoppedShards()).as("the snapshot installed past the gap").isEmpty();
          assertThat(link.state()).isEqualTo(LinkState.CONNECTED);
        });
        ResyncView finished = statusOf(a, siteB).resync();
        assertThat(finished.values()).isEqualTo(a.store().digest().inodes());
        assertThat(finished.values()).as("several chunks of at most 100").isGreaterThan(100);
        assertThat(finished.reason()).isEqualTo("requested by an operator");
        // B holds A's values and its own old writes (A held them), and A's watermarks of every origin
        assertThat(b.store().digest().hash()).isEqualTo(a.store().digest().hash());
        assertThat(b.store().watermarks(siteA)).isEqualTo(a.journal().heads());
        assertThat(b.store().incarnation(siteA)).contains(a.journal().incarnation());
        // B's own origin is B's journal's business: a snapshot never moves the watermarks of B's new history
        assertThat(TestSites.sum(b.store().watermarks(siteB))).isZero();
        // the tail resumes where the snapshot ends
        TestSites.append(a.journal(), SHARDS, 400, 100, 4);
        await().atMost(WAIT).until(() -> b.store().watermarks(siteA).equals(a.journal().heads()));

        // 3. B's new history stays refused at A until an operator forgets the old one
        TestSites.append(b.journal(), SHARDS, 300, 100, 5);
        await().atMost(WAIT).until(() -> b.store().watermarks(siteB).equals(b.journal().heads()));
        ReplicatorStatus refused = statusOf(b, siteA);
        assertThat(refused.state()).isNotEqualTo(LinkState.CONNECTED);
        assertThat(refused.lastError()).contains("INCARNATION_MISMATCH");
        assertThat(a.store().incarnation(siteB)).contains(oldB);
        assertThat(TestSites.sum(a.store().watermarks(siteB))).as("nothing of the new history").isEqualTo(1_000);

        ForgottenOrigin forgotten = a.forgetIncarnation(siteB, oldB).toCompletableFuture()
            .get(10, TimeUnit.SECONDS).orElseThrow();
        assertThat(TestSites.sum(forgotten.watermarks())).isEqualTo(1_000);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          assertThat(a.store().watermarks(siteB)).isEqualTo(b.journal().heads());
          assertThat(statusOf(b, siteA).state()).isEqualTo(LinkState.CONNECTED);
          assertThat(statusOf(b, siteA).lagEntries()).isZero();
          assertThat(statusOf(a, siteB).lagEntries()).isZero();
        });
        assertThat(a.store().incarnation(siteB)).contains(newB);
        assertThat(b.store().digest().hash()).isEqualTo(a.store().digest().hash());
      }
    }
  }

  /** Each site applied everything of both journals, and the stores are equal. */
  private void awaitConverged(ReplicationNode a, ReplicationNode b) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      assertThat(b.store().watermarks(siteA)).isEqualTo(a.journal().heads());
      assertThat(a.store().watermarks(siteA)).isEqualTo(a.journal().heads());
      assertThat(a.store().watermarks(siteB)).isEqualTo(b.journal().heads());
      assertThat(b.store().watermarks(siteB)).isEqualTo(b.journal().heads());
      assertThat(b.store().digest().hash()).isEqualTo(a.store().digest().hash());
    });
  }

  private static ReplicatorStatus statusOf(ReplicationNode node, String peer) throws Exception {
    return node.status(ASK).toCompletableFuture().get(10, TimeUnit.SECONDS).stream()
        .filter(s -> s.peer().equals(peer)).findFirst().orElseThrow();
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
