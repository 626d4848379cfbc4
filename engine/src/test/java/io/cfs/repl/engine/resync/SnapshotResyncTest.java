package io.cfs.repl.engine.resync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.gc.JournalStatus;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeHooks;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.engine.node.TestSites;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.ResyncView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot resync between two sites over loopback TCP, on embedded storage: site B is down while A writes past its
 * journal's retention cap, so A drops B from the horizon (NEEDS a resync, audited) and collects past B's cursors; when B
 * returns, A ships its store in chunks, B installs it and the tail resumes from the snapshot's watermarks: identical
 * digests, nothing missing. A run cut half-way (B stopped while a throttled snapshot streams) resumes from the last
 * chunk B acknowledged, in the same run, and does not start over.
 */
class SnapshotResyncTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int SHARDS = 4;

  @TempDir
  Path dir;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String siteA = "rs-a-" + run;
  private final String siteB = "rs-b-" + run;
  private final Map<String, Integer> ports = Map.of(siteA, LoopbackSites.freePort(), siteB, LoopbackSites.freePort());

  /** A's journal is capped at 64 KiB, rounds every 200 ms; chunks are small so that a run has many. */
  private Config config(String site) {
    return ConfigFactory.parseMap(Map.of(
            "cfs-repl.journal-gc.interval", "200ms",
            "cfs-repl.journal-gc.keep-entries", 0,
            "cfs-repl.journal-gc.max-journal-bytes", "64 KiB",
            "cfs-repl.resync.chunk-max-values", 100,
            "cfs-repl.replicator.backoff.max", "500ms"))
        .withFallback(TestSites.config(site, dir.resolve(site), ports));
  }

  private ReplicationNode start(String site) throws Exception {
    return ReplicationNode.start(config(site), NodeHooks.NONE);
  }

  private static ReplicatorStatus link(ReplicationNode node) throws Exception {
    return node.status(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS).get(0);
  }

  /** Waits for the link to tail the journal again after a finished resync; its view of the run. */
  private static ResyncView awaitInstalled(ReplicationNode a) {
    await().atMost(WAIT).until(() -> {
      ReplicatorStatus s = link(a);
      return s.state() == LinkState.CONNECTED && s.resync() != null && s.resync().phase() == ResyncView.Phase.FINISHED;
    });
    try {
      return link(a).resync();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long storeSize(ReplicationNode node) {
    long[] n = {0};
    node.store().scan(v -> n[0]++);
    return n[0];
  }

  @Test
  void aPeerDeadPastTheCapIsDroppedThenResyncedBySnapshotAndConverges() throws Exception {
    try (ReplicationNode a = start(siteA)) {
      try (ReplicationNode b = start(siteB)) {
        TestSites.append(a.journal(), SHARDS, 400, 100, 1);
        await().atMost(WAIT).until(() -> b.store().watermarks(siteA).equals(a.journal().heads()));
      }
      Map<Integer, Long> acknowledged = a.journal().heads();

      // B is down: A writes well past its cap, drops B and collects past what B acknowledged
      TestSites.append(a.journal(), SHARDS, 4_000, 200, 2);
      await().atMost(WAIT).until(() -> link(a).resync() != null);
      ResyncView needed = link(a).resync();
      assertThat(needed.reason()).contains("retention cap").contains("max-journal-bytes 65536");
      await().atMost(WAIT).until(() -> acknowledged.entrySet().stream()
          .allMatch(e -> a.journal().horizon(e.getKey()) > e.getValue() + 1));
      JournalStatus released = a.journalStatus(List.of(link(a))).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(released.holder()).as("a dropped peer holds nothing back, in status as in collection")
          .satisfiesAnyOf(h -> assertThat(h).isNull(), h -> assertThat(h.site()).isNotEqualTo(siteB));

      // B returns: a snapshot, then the tail; identical stores, and the link back to CONNECTED
      try (ReplicationNode b = start(siteB)) {
        ResyncView finished = awaitInstalled(a);
        // A's store as of the snapshot: what its local apply had applied of the 4,400 entries then (the rest came by
        // the tail)
        assertThat(finished.values()).isPositive().isLessThanOrEqualTo(storeSize(a));
        assertThat(finished.bytes()).isPositive();
        TestSites.append(a.journal(), SHARDS, 400, 100, 3); // the tail goes on from the snapshot's watermarks
        await().atMost(WAIT).until(() -> b.store().watermarks(siteA).equals(a.journal().heads()));
        assertThat(b.store().digest().hash()).isEqualTo(a.store().digest().hash());
        assertThat(link(a).stoppedShards()).isEmpty();
      }
    }
  }

  @Test
  void aSnapshotCutHalfWayResumesFromTheLastAcknowledgedChunk() throws Exception {
    try (ReplicationNode a = start(siteA)) {
      try (ReplicationNode b = start(siteB)) {
        TestSites.append(a.journal(), SHARDS, 100, 100, 1);
        await().atMost(WAIT).until(() -> b.store().watermarks(siteA).equals(a.journal().heads()));
      }
      TestSites.append(a.journal(), SHARDS, 4_000, 200, 2);
      await().atMost(WAIT).until(() -> link(a).resync() != null);
      // slow the link so that the run is cut half-way: 100 values of about 100 bytes per chunk, ~4 chunks a second
      a.throttle(siteB, 40_000, Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);

      long resyncId;
      long valuesBeforeCut;
      try (ReplicationNode b = start(siteB)) {
        await().atMost(WAIT).until(() -> link(a).resync().values() >= 1_000);
        ResyncView running = link(a).resync();
        assertThat(running.phase()).isEqualTo(ResyncView.Phase.RUNNING);
        resyncId = running.resyncId();
      }
      // cut: B is gone mid-run; what A recorded as acknowledged is where the run resumes
      await().atMost(WAIT).until(() -> link(a).state() != LinkState.RESYNCING);
      valuesBeforeCut = link(a).resync().values();
      assertThat(valuesBeforeCut).isLessThan(4_100);
      a.throttle(siteB, 0, Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);

      try (ReplicationNode b = start(siteB)) {
        ResyncView finished = awaitInstalled(a);
        assertThat(finished.resyncId()).as("the same run, resumed").isEqualTo(resyncId);
        assertThat(finished.values()).as("the run went on after the cut")
            .isGreaterThan(valuesBeforeCut);
        assertThat(finished.values()).as("no value acknowledged twice but the cut chunk: the run did not start over")
            .isLessThanOrEqualTo(storeSize(a) + 100);
        await().atMost(WAIT).until(() -> b.store().watermarks(siteA).equals(a.journal().heads()));
        assertThat(b.store().digest().hash()).isEqualTo(a.store().digest().hash());
      }
    }
  }
}
