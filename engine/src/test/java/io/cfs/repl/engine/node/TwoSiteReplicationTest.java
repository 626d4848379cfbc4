package io.cfs.repl.engine.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.epoch.HighestEpochSeen;
import io.cfs.repl.engine.epoch.WriteGate;
import io.cfs.repl.engine.link.LinkState;
import io.cfs.repl.engine.replicator.PersistedCursors;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.SiteReplicator;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditQuery;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.persistence.store.ForgottenOrigin;
import io.cfs.repl.persistence.store.StoredValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sites, each its own actor system and data dir, replicating over real loopback TCP on embedded storage.
 */
@Tag("integration")
class TwoSiteReplicationTest {
  private static final Duration CONVERGE = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  private Map<String, Integer> ports;

  /** Counts what B applied from A across restarts: more than the entries written would be a duplicate effect. */
  private final AtomicLong appliedFromA = new AtomicLong();
  private final ApplyListener countFromA = TestSites.countApplied("site-a", appliedFromA);

  @BeforeEach
  void ports() throws Exception {
    ports = TestSites.twoSitePorts();
  }

  private ReplicationNode startA() throws Exception {
    return TestSites.start("site-a", dir.resolve("a"), ports, ApplyListener.NONE);
  }

  private ReplicationNode startB() throws Exception {
    return TestSites.start("site-b", dir.resolve("b"), ports, countFromA);
  }

  @Test
  void hundredThousandEntriesOverSixteenShardsEndUpIdentical() throws Exception {
    try (ReplicationNode a = startA(); ReplicationNode b = startB()) {
      TestSites.append(a.journal(), 16, 100_000, 1_000, 1);
      TestSites.append(b.journal(), 16, 10_000, 500, 2); // and the other way, on overlapping inodes
      awaitConverged(a, b, 100_000, 10_000);
      assertThat(appliedFromA.get()).isEqualTo(100_000);
      assertThat(b.store().digest().hash()).isEqualTo(a.store().digest().hash());
      assertThat(a.store().digest().inodes()).isGreaterThan(16 * 1000);
      // both ends share this machine's clock: the measured skew is within the loopback round trip's error
      assertThat(statusOf(a, "site-b").clockSkewMillis()).isNotNull().isBetween(-100L, 100L);
      assertThat(statusOf(b, "site-a").clockSkewMillis()).isNotNull().isBetween(-100L, 100L);
    }
  }

  @Test
  void senderRestartMidStreamLosesNothingAndAppliesNothingTwice() throws Exception {
    try (ReplicationNode b = startB()) {
      ReplicationNode a = startA();
      // Keep appending while the sender goes down: the stop lands mid-append and mid-stream.
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          for (int call = 0; call < 400; call++) {
            TestSites.append(a.journal(), 20, 500, 500, 3 + call);
            TimeUnit.MILLISECONDS.sleep(20); // pacing (~25K/s), so the stop lands while the writer is busy
          }
        } catch (Exception stoppedUnderneath) {
          // expected: the journal closes under the writer
        }
      });
      await().atMost(CONVERGE).until(() -> TestSites.sum(b.store().watermarks("site-a")) > 5_000);
      a.close();
      writer.get(30, TimeUnit.SECONDS);
      try (ReplicationNode a2 = startA()) {
        long durableBeforeStop = TestSites.sum(a2.journal().heads());
        assertThat(durableBeforeStop).isLessThan(200_000);
        TestSites.append(a2.journal(), 20, 40_000, 1_000, 4);
        long total = durableBeforeStop + 40_000;
        awaitConverged(a2, b, total, 0);
        assertThat(appliedFromA.get()).isEqualTo(total);
        assertThat(b.store().digest().hash()).isEqualTo(a2.store().digest().hash());
      }
    }
  }

  /**
   * A sender that stops on purpose (its node leaving; a hand-over goes the same way) persists the acks that arrived
   * since its last cursor event: with cursor events an hour apart, only the first batch's would be persisted, and the
   * restarted sender would re-send the rest.
   */
  @Test
  void aSenderThatStopsOnPurposePersistsEveryAckItReceived() throws Exception {
    Config hourly = ConfigFactory.parseMap(Map.of("cfs-repl.replicator.cursor-persist-interval", "1h"))
        .withFallback(TestSites.config("site-a", dir.resolve("a"), ports));
    try (ReplicationNode b = startB()) {
      try (ReplicationNode a = ReplicationNode.start(hourly, ApplyListener.NONE)) {
        TestSites.append(a.journal(), 8, 8, 8, 7);
        // the first acks are persisted at once; the next cursor event would come an hour later
        await().atMost(CONVERGE).until(() -> TestSites.sum(cursorsOf(a, "site-b")) > 0);
        TestSites.append(a.journal(), 8, 2_000, 100, 8);
        await().atMost(CONVERGE).until(() -> statusOf(a, "site-b").lagEntries() == 0); // every entry acknowledged
        assertThat(TestSites.sum(cursorsOf(a, "site-b"))).as("persisted while running")
            .isLessThan(TestSites.sum(a.journal().heads()));
      }
    }
    // the peer is down now: nothing can move the restarted sender's cursors but what was persisted
    try (ReplicationNode a = ReplicationNode.start(hourly, ApplyListener.NONE)) {
      Map<Integer, Long> persisted = await().atMost(CONVERGE).ignoreExceptions() // until its replicator runs
          .until(() -> cursorsOf(a, "site-b"), Objects::nonNull);
      assertThat(persisted).isEqualTo(a.journal().heads());
    }
  }

  @Test
  void receiverRestartMidStreamLosesNothingAndAppliesNothingTwice() throws Exception {
    try (ReplicationNode a = startA()) {
      ReplicationNode b = startB();
      TestSites.append(a.journal(), 20, 60_000, 1_000, 5);
      await().atMost(CONVERGE).until(() -> TestSites.sum(b.store().watermarks("site-a")) > 5_000);
      b.close();
      TestSites.append(a.journal(), 20, 40_000, 1_000, 6); // written while the receiver is down
      try (ReplicationNode b2 = startB()) {
        awaitConverged(a, b2, 100_000, 0);
        assertThat(appliedFromA.get()).isEqualTo(100_000);
        assertThat(b2.store().digest().hash()).isEqualTo(a.store().digest().hash());
      }
    }
  }

  @Test
  void aGapStopsThatShardVisiblyAndOtherShardsKeepFlowing() throws Exception {
    try (ReplicationNode a = startA()) {
      ReplicationNode b = startB();
      TestSites.append(a.journal(), 4, 1_000, 100, 7);
      awaitConverged(a, b, 1_000, 0);
      // cursors are persisted once per interval: the link restarts from them
      await().atMost(CONVERGE).until(() -> cursorsOf(a, "site-b"),
          c -> c.equals(Map.of(0, 250L, 1, 250L, 2, 250L, 3, 250L)));
      b.close();
      // The peer loses its store (e.g. restored from an empty disk): its watermarks fall to 0 while our cursors
      // say 250 per shard. The next entries of shards 0..3 can no longer be applied without a gap.
      deleteRecursively(dir.resolve("b").resolve("store"));
      try (ReplicationNode b2 = startB()) {
        TestSites.append(a.journal(), 4, 40, 40, 8);
        await().atMost(CONVERGE).untilAsserted(() -> {
          ReplicatorStatus toB = statusOf(a, "site-b");
          assertThat(toB.stoppedShards()).extracting(s -> s.shard()).containsExactlyInAnyOrder(0, 1, 2, 3);
        });
        // the link itself reconnects (other shards flow); each stopped shard carries its own reason
        assertThat(statusOf(a, "site-b").stoppedShards())
            .allSatisfy(s -> assertThat(s.reason()).contains("sequence gap"));
        assertThat(statusOf(a, "site-b").stoppedShards()).allSatisfy(s -> {
          assertThat(s.expectedSeq()).isEqualTo(1);
          assertThat(s.receivedSeq()).isEqualTo(251);
        });
        assertThat(TestSites.sum(b2.store().watermarks("site-a"))).isZero(); // never skipped
        // A shard that has no gap still replicates.
        a.journal().append(List.of(JournalEntry.of("site-a", 9, 1, 1, io.cfs.repl.model.entry.Op.CREATE,
            9_999_999L, 1, new byte[] {1}))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(CONVERGE).until(() -> b2.store().watermark("site-a", 9) == 1);
        assertThat(b2.store().watermark("site-a", 0)).isZero();
      }
    }
  }

  /**
   * Site B is at epoch 3 (as after a promotion), site A still at 0: B refuses A's batches as stale, A learns the epoch
   * from the refusal and its link goes through, and A's entries, all written at epoch 0, are applied by LWW and
   * reported to B's listener as old-epoch entries.
   */
  @Test
  void aSiteBehindThePeersEpochLearnsItFromTheRefusalAndItsOlderEntriesAreReconciled() throws Exception {
    List<String> stale = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicLong oldWon = new AtomicLong();
    ApplyListener epochWatch = new ApplyListener() {
      @Override
      public void onStaleEpoch(String origin, long batchEpoch, long localEpoch) {
        stale.add(origin + " " + batchEpoch + "<" + localEpoch);
      }

      @Override
      public void onOldEpochEntries(String origin, List<JournalEntry> entries, long localEpoch, ApplyResult result) {
        entries.forEach(e -> {
          if (result.outcome(e) == ApplyResult.Outcome.WON) oldWon.incrementAndGet();
        });
      }
    };
    try (ReplicationNode b = TestSites.start("site-b", dir.resolve("b"), ports, epochWatch)) {
      b.epochs().install(WriteGate.open(3), new HighestEpochSeen(3));
      try (ReplicationNode a = startA()) {
        TestSites.append(a.journal(), 4, 2_000, 500, 9);
        awaitConverged(a, b, 2_000, 0);
        assertThat(stale).isNotEmpty().allMatch(s -> s.equals("site-a 0<3"));
        assertThat(a.epochs().current()).isEqualTo(3);
        assertThat(a.journal().read(0, 1, 10)).allSatisfy(e -> assertThat(e.epoch()).isZero());
        assertThat(oldWon.get()).isEqualTo(2_000);
        assertThat(b.store().digest().hash()).isEqualTo(a.store().digest().hash());
      }
    }
  }

  @Test
  void aWipedSiteIsRefusedUntilTheOperatorForgetsItsOldHistoryThenConverges() throws Exception {
    try (ReplicationNode b = startB()) {
      UUID first;
      try (ReplicationNode a = startA()) {
        first = a.journal().incarnation();
        TestSites.append(a.journal(), 4, 2_000, 500, 1);
        await().atMost(CONVERGE).until(() -> TestSites.sum(b.store().watermarks("site-a")) == 2_000);
        assertThat(b.store().incarnation("site-a")).contains(first);
      }
      deleteRecursively(dir.resolve("a"));
      assertThat(Files.exists(dir.resolve("a"))).isFalse();

      try (ReplicationNode a = startA()) {
        UUID second = a.journal().incarnation();
        assertThat(second).isNotEqualTo(first);
        long appliedBefore = appliedFromA.get();
        TestSites.append(a.journal(), 4, 500, 100, 2); // seqs 1..125 per shard again, other content

        await().atMost(CONVERGE).untilAsserted(() -> {
          ReplicatorStatus link = statusOf(a, "site-b");
          assertThat(link.state()).isNotEqualTo(LinkState.CONNECTED);
          assertThat(link.lastError()).contains("INCARNATION_MISMATCH", first.toString(), second.toString());
          assertThat(audit(b, AuditKind.INCARNATION_REFUSED)).singleElement().satisfies(r -> {
            assertThat(r.peer()).isEqualTo("site-a");
            assertThat(r.attributes()).containsEntry("held", first.toString())
                .containsEntry("offered", second.toString());
          });
        });
        assertThat(appliedFromA.get()).as("nothing of the new history applied").isEqualTo(appliedBefore);
        assertThat(TestSites.sum(b.store().watermarks("site-a"))).isEqualTo(2_000);
        assertThat(b.store().incarnation("site-a")).contains(first);

        assertThat(b.forgetIncarnation("site-a", second).toCompletableFuture().get(10, TimeUnit.SECONDS))
            .as("only the history held is forgotten").isEmpty();
        ForgottenOrigin forgotten = b.forgetIncarnation("site-a", first).toCompletableFuture()
            .get(10, TimeUnit.SECONDS).orElseThrow();
        assertThat(TestSites.sum(forgotten.watermarks())).isEqualTo(2_000);
        await().atMost(CONVERGE).untilAsserted(() ->
            assertThat(audit(b, AuditKind.INCARNATION_FORGOTTEN)).singleElement()
                .satisfies(r -> assertThat(r.attributes()).containsEntry("incarnation", first.toString())));

        await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          assertThat(b.store().watermarks("site-a")).isEqualTo(a.journal().heads());
          assertThat(a.store().watermarks("site-a")).isEqualTo(a.journal().heads());
          ReplicatorStatus link = statusOf(a, "site-b");
          assertThat(link.state()).isEqualTo(LinkState.CONNECTED);
          assertThat(link.lagEntries()).isZero();
        });
        assertThat(b.store().incarnation("site-a")).contains(second);
        assertThat(appliedFromA.get() - appliedBefore).isEqualTo(500);
        List<StoredValue> written = new ArrayList<>();
        a.store().scan(written::add);
        assertThat(written).isNotEmpty();
        List<Long> inodes = written.stream().map(StoredValue::inodeId).toList();
        // b also holds values only the old history wrote; on every inode the new history wrote both agree
        assertThat(digestOf(b.store().getAll(inodes))).isEqualTo(digestOf(a.store().getAll(inodes)));
      }
    }
  }

  private static List<AuditRecord> audit(ReplicationNode node, AuditKind kind) throws Exception {
    return node.audit().query(AuditQuery.newest(100)).toCompletableFuture().get(10, TimeUnit.SECONDS).records()
        .stream().filter(r -> r.kind() == kind).toList();
  }

  private static List<String> digestOf(Map<Long, StoredValue> values) {
    return values.values().stream().sorted(Comparator.comparingLong(StoredValue::inodeId))
        .map(v -> v.inodeId() + "@" + v.version() + (v.tombstone() ? " deleted" : " " + new String(v.payload(),
            StandardCharsets.UTF_8)))
        .toList();
  }

  /** The cursors {@code node}'s replicator for {@code peer} has persisted (status shows the acks, ahead of them). */
  static Map<Integer, Long> cursorsOf(ReplicationNode node, String peer) throws Exception {
    return node.<PersistedCursors>askReplicator(peer, SiteReplicator.GetCursors::new, Duration.ofSeconds(5))
        .get(10, TimeUnit.SECONDS).cursors();
  }

  static ReplicatorStatus statusOf(ReplicationNode node, String peer) throws Exception {
    return node.status(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS).stream()
        .filter(s -> s.peer().equals(peer)).findFirst().orElseThrow();
  }

  private static void awaitConverged(ReplicationNode a, ReplicationNode b, long fromA, long fromB) {
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      assertThat(TestSites.sum(b.store().watermarks("site-a"))).isEqualTo(fromA);
      assertThat(TestSites.sum(a.store().watermarks("site-b"))).isEqualTo(fromB);
      assertThat(TestSites.sum(a.store().watermarks("site-a"))).isEqualTo(fromA);
      assertThat(TestSites.sum(b.store().watermarks("site-b"))).isEqualTo(fromB);
      assertThat(statusOf(a, "site-b").lagEntries()).isZero();
      assertThat(statusOf(b, "site-a").lagEntries()).isZero();
    });
  }

  private static void deleteRecursively(Path path) throws java.io.IOException {
    try (var walk = java.nio.file.Files.walk(path)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
