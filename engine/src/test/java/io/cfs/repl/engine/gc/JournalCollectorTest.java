package io.cfs.repl.engine.gc;

import static io.cfs.repl.model.entry.TestEntries.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.engine.membership.PeerSet;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's rounds on a real journal, with the peers' answers in the test's hands: a peer that does not answer
 * stops collection, an answer lets it go up to the lowest position of all, and with collection off it only measures;
 * past the retention cap the peer holding the horizon back is dropped, and a released peer holds nothing back. The same
 * rounds publish this site's stable seqs and collect tombstones per origin up to them.
 */
class JournalCollectorTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private final ActorTestKit kit = ActorTestKit.create();
  private final ExecutorService storage = Executors.newSingleThreadExecutor();
  private final GcRecorder metrics = new GcRecorder();
  /** Per peer its cursors, empty once released; a peer absent does not answer. */
  private final Map<String, PeerHold> answers = new ConcurrentHashMap<>();
  /** The peers dropped by the cap, with the reason, in order. */
  private final List<String> drops = new CopyOnWriteArrayList<>();
  private RocksDbJournal journal;
  private final StableSeqs stable = new StableSeqs();
  /** Each tombstone collection asked of the store: origin, stable seqs, cut, in order. */
  private final List<TombstoneCall> tombstoneCalls = new CopyOnWriteArrayList<>();

  private record TombstoneCall(String origin, Map<Integer, Long> stableSeqs, long olderThanHlc, int max) {
  }

  @BeforeEach
  void open() throws Exception {
    journal = RocksDbJournal.open(dir, "a", JournalSettings.defaults());
    for (int shard = 0; shard < 3; shard++) {
      journal.append(range("a", shard, 1, 20)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void close() {
    kit.shutdownTestKit();
    storage.shutdown();
    journal.close();
  }

  private void start(boolean enabled) {
    start(new JournalGcSettings(enabled, Duration.ofMillis(50), 0, Duration.ofSeconds(1)));
  }

  private void start(JournalGcSettings settings) {
    Map<Integer, Long> applied = Map.of(0, 20L, 1, 20L, 2, 20L);
    kit.spawn(JournalCollector.create("a", PeerSet.of(Set.of("b", "c")), journal, () -> applied,
        (peer, timeout) -> answers.containsKey(peer) ? CompletableFuture.completedFuture(answers.get(peer))
            : CompletableFuture.failedFuture(new IllegalStateException(peer + " does not answer")),
        (peer, reason, timeout) -> {
          // as a replicator does: the peer needs a resync and, none running, is released
          drops.add(peer + ": " + reason);
          answers.put(peer, PeerHold.releasedPeer());
          return CompletableFuture.completedFuture(null);
        },
        stable, (origin, seqs, olderThanHlc, max) -> {
          tombstoneCalls.add(new TombstoneCall(origin, seqs, olderThanHlc, max));
          return origin.equals("a") ? 2 : 1;
        },
        storage, settings, metrics));
  }

  private void answer(String peer, Map<Integer, Long> cursors) {
    answers.put(peer, PeerHold.acknowledged(cursors));
  }

  @Test
  void pastTheByteCapTheSlowestPeerIsDroppedAndTheNextRoundCollectsPastIt() {
    answer("b", Map.of(0, 2L, 1, 2L, 2, 2L));
    answer("c", Map.of(0, 20L, 1, 20L, 2, 20L));
    start(new JournalGcSettings(true, Duration.ofMillis(50), 0, Duration.ofSeconds(1), 1, Duration.ZERO));

    // b is dropped, then everything but each shard's newest entry goes (the journal keeps those on its own)
    await().atMost(WAIT).until(() -> metrics.removed.get() == 3 * 19);
    assertThat(drops).hasSize(1);
    assertThat(drops.get(0)).startsWith("b: the journal holds ").contains("max-journal-bytes 1")
        .contains("b held the horizon back by 54 entries");
    assertThat(List.of(journal.horizon(0), journal.horizon(1), journal.horizon(2))).containsExactly(20L, 20L, 20L);
    // still past a 1-byte cap, but nothing holds the horizon back any more: nobody else is dropped
    long rounds = metrics.rounds(JournalCollector.COLLECTED);
    await().atMost(WAIT).until(() -> metrics.rounds(JournalCollector.COLLECTED) >= rounds + 3);
    assertThat(drops).hasSize(1);
    assertThat(metrics.rounds(JournalCollector.DROPPED)).isEqualTo(1);
  }

  @Test
  void withoutACapAReleasedPeerHoldsNothingBackAndNobodyIsDropped() {
    answers.put("b", PeerHold.releasedPeer());
    answer("c", Map.of(0, 15L, 1, 16L, 2, 17L));
    start(true);

    await().atMost(WAIT).until(() -> metrics.removed.get() == 15 + 16 + 17);
    assertThat(metrics.behind.get()).doesNotContainKey("b");
    await().atMost(WAIT).until(() -> metrics.rounds(JournalCollector.COLLECTED) >= 3);
    assertThat(drops).isEmpty();
  }

  @Test
  void aSilentPeerStopsCollectionAndItsAnswerLetsItGoToTheLowestPositionOfAll() {
    answer("b", Map.of(0, 10L, 1, 20L, 2, 5L));
    start(true);

    await().atMost(WAIT).until(() -> metrics.rounds(JournalCollector.BLOCKED) >= 3);
    assertThat(List.of(journal.horizon(0), journal.horizon(1), journal.horizon(2))).containsOnly(1L);
    assertThat(metrics.holder.get()).isEqualTo("c");
    assertThat(metrics.behind.get()).containsEntry("c", HorizonHolder.UNKNOWN);
    assertThat(metrics.removed.get()).isZero();

    answer("c", Map.of(0, 15L, 1, 12L, 2, 20L));

    await().atMost(WAIT).until(() -> metrics.removed.get() == 10 + 12 + 5);
    assertThat(List.of(journal.horizon(0), journal.horizon(1), journal.horizon(2))).containsExactly(11L, 13L, 6L);
    await().atMost(WAIT).until(() -> metrics.heldEntries.get() == 60 - 27);
    assertThat(metrics.holder.get()).isEqualTo("b");
    assertThat(metrics.behind.get()).isEqualTo(Map.of("a", 0L, "b", 10L + 15, "c", 5L + 8));
  }

  @Test
  void withCollectionOffRoundsOnlyMeasure() {
    answer("b", Map.of(0, 20L, 1, 20L, 2, 20L));
    answer("c", Map.of(0, 20L, 1, 20L, 2, 20L));
    start(false);

    await().atMost(WAIT).until(() -> metrics.rounds(JournalCollector.COLLECTED) >= 3);
    assertThat(metrics.heldEntries.get()).isEqualTo(60);
    assertThat(metrics.removed.get()).isZero();
    assertThat(journal.horizon(0)).isEqualTo(1);
    assertThat(metrics.holder.get()).as("every site has everything").isNull();
    assertThat(stable.own()).as("published all the same: peers may collect").isEqualTo(Map.of(0, 20L, 1, 20L, 2, 20L));
    assertThat(tombstoneCalls).as("nothing removed while collection is off").isEmpty();
  }

  @Test
  void ownTombstonesGoUpToTheLowestPositionOfAllOthersUpToWhatTheirOriginSaid() {
    answer("b", Map.of(0, 10L, 1, 20L, 2, 5L));
    answer("c", Map.of(0, 15L, 1, 12L));
    stable.heard("c", Map.of(0, 7L));
    stable.heard("b", Map.of());
    Duration minAge = Duration.ofMinutes(5);
    start(new JournalGcSettings(true, Duration.ofMillis(50), 0, Duration.ofSeconds(1), 0, Duration.ZERO, minAge, 3,
        JournalGcSettings.CapPolicy.DROP_PEER));

    await().atMost(WAIT).until(() -> metrics.tombstones.getOrDefault("c", 0L) >= 2);
    assertThat(stable.own()).as("c has acknowledged nothing of shard 2").isEqualTo(Map.of(0, 10L, 1, 12L));
    TombstoneCall own = tombstoneCalls.stream().filter(c -> c.origin().equals("a")).findFirst().orElseThrow();
    assertThat(own.stableSeqs()).isEqualTo(Map.of(0, 10L, 1, 12L));
    assertThat(own.max()).isEqualTo(3);
    long cutMillis = own.olderThanHlc() / 1_000_000;
    assertThat(cutMillis).isBetween(System.currentTimeMillis() - minAge.toMillis() - WAIT.toMillis(),
        System.currentTimeMillis() - minAge.toMillis());
    assertThat(tombstoneCalls).filteredOn(c -> c.origin().equals("c")).first()
        .extracting(TombstoneCall::stableSeqs).isEqualTo(Map.of(0, 7L));
    assertThat(tombstoneCalls).as("an origin that said nothing is not asked").noneMatch(c -> c.origin().equals("b"));
    assertThat(metrics.tombstones.get("a")).isGreaterThanOrEqualTo(4);

    // a released peer would be resynced from a snapshot without the tombstone, keeping the older live value
    answers.put("b", PeerHold.releasedPeer());
    await().atMost(WAIT).until(() -> stable.own().isEmpty());
    long calls = tombstoneCalls.stream().filter(c -> c.origin().equals("a")).count();
    long rounds = metrics.rounds(JournalCollector.COLLECTED);
    await().atMost(WAIT).until(() -> metrics.rounds(JournalCollector.COLLECTED) >= rounds + 3);
    assertThat(tombstoneCalls.stream().filter(c -> c.origin().equals("a")).count()).isEqualTo(calls);

    // a peer receiving a resync holds the run's marks, not what it acknowledged: nothing of its own is stable either
    answers.put("b", new PeerHold(Map.of(0, 20L, 1, 20L, 2, 20L), false, true));
    long resyncRounds = metrics.rounds(JournalCollector.COLLECTED);
    await().atMost(WAIT).until(() -> metrics.rounds(JournalCollector.COLLECTED) >= resyncRounds + 3);
    assertThat(stable.own()).isEmpty();
    assertThat(tombstoneCalls.stream().filter(c -> c.origin().equals("a")).count()).isEqualTo(calls);

    answers.remove("c"); // silent: nothing of its own is stable either
    answer("b", Map.of(0, 20L, 1, 20L, 2, 20L));
    await().atMost(WAIT).until(() -> metrics.rounds(JournalCollector.BLOCKED) >= 2);
    assertThat(stable.own()).isEmpty();
  }
}
