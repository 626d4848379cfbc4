package io.cfs.repl.engine.gc;

import static io.cfs.repl.model.entry.TestEntries.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * stops collection, an answer lets it go up to the lowest position of all, and with collection off it only measures.
 */
class JournalCollectorTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private final ActorTestKit kit = ActorTestKit.create();
  private final ExecutorService storage = Executors.newSingleThreadExecutor();
  private final GcRecorder metrics = new GcRecorder();
  /** Per peer its cursors; a peer absent does not answer. */
  private final Map<String, Map<Integer, Long>> answers = new ConcurrentHashMap<>();
  private RocksDbJournal journal;

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
    JournalGcSettings settings = new JournalGcSettings(enabled, Duration.ofMillis(50), 0, Duration.ofSeconds(1));
    Map<Integer, Long> applied = Map.of(0, 20L, 1, 20L, 2, 20L);
    kit.spawn(JournalCollector.create("a", Set.of("b", "c"), journal, () -> applied,
        (peer, timeout) -> answers.containsKey(peer) ? CompletableFuture.completedFuture(answers.get(peer))
            : CompletableFuture.failedFuture(new IllegalStateException(peer + " does not answer")),
        storage, settings, metrics));
  }

  @Test
  void aSilentPeerStopsCollectionAndItsAnswerLetsItGoToTheLowestPositionOfAll() {
    answers.put("b", Map.of(0, 10L, 1, 20L, 2, 5L));
    start(true);

    await().atMost(WAIT).until(() -> metrics.rounds(JournalCollector.BLOCKED) >= 3);
    assertThat(List.of(journal.horizon(0), journal.horizon(1), journal.horizon(2))).containsOnly(1L);
    assertThat(metrics.holder.get()).isEqualTo("c");
    assertThat(metrics.behind.get()).containsEntry("c", HorizonHolder.UNKNOWN);
    assertThat(metrics.removed.get()).isZero();

    answers.put("c", Map.of(0, 15L, 1, 12L, 2, 20L));

    await().atMost(WAIT).until(() -> metrics.removed.get() == 10 + 12 + 5);
    assertThat(List.of(journal.horizon(0), journal.horizon(1), journal.horizon(2))).containsExactly(11L, 13L, 6L);
    await().atMost(WAIT).until(() -> metrics.heldEntries.get() == 60 - 27);
    assertThat(metrics.holder.get()).isEqualTo("b");
    assertThat(metrics.behind.get()).isEqualTo(Map.of("a", 0L, "b", 10L + 15, "c", 5L + 8));
  }

  @Test
  void withCollectionOffRoundsOnlyMeasure() {
    answers.put("b", Map.of(0, 20L, 1, 20L, 2, 20L));
    answers.put("c", Map.of(0, 20L, 1, 20L, 2, 20L));
    start(false);

    await().atMost(WAIT).until(() -> metrics.rounds(JournalCollector.COLLECTED) >= 3);
    assertThat(metrics.heldEntries.get()).isEqualTo(60);
    assertThat(metrics.removed.get()).isZero();
    assertThat(journal.horizon(0)).isEqualTo(1);
    assertThat(metrics.holder.get()).as("every site has everything").isNull();
  }
}
