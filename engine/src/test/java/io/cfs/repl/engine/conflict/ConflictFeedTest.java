package io.cfs.repl.engine.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;
import io.cfs.repl.persistence.store.WriteConflict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conflict subscription: in id order, resumable after an id, woken by applies, never skipping a collected one. */
class ConflictFeedTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  /** Long, so that only a wake-up by an apply can deliver within the test's waits. */
  private static final ConflictSettings SLOW_POLL = new ConflictSettings(Duration.ofSeconds(1), Duration.ofMinutes(5), 2);

  @TempDir
  Path dir;
  private RocksDbMetadataStore store;
  private final ExecutorService storage = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-storage"));
  private ConflictFeed feed;

  @BeforeEach
  void open() {
    store = RocksDbMetadataStore.open(dir, StoreSettings.defaults());
    feed = new ConflictFeed("site-b", store, storage, SLOW_POLL, ApplyListener.NONE);
  }

  @AfterEach
  void close() {
    storage.shutdownNow();
    store.close();
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @Test
  void aSubscriptionSendsWhatIsHeldInIdOrderThenWhatAnApplyRecordsAndResumesAfterAnId() {
    Conflicts.make(store, 1, 5); // more than one batch of 2
    TestSubscriber.Probe<WriteConflict> probe = feed.subscribe(0)
        .runWith(TestSink.probe(testKit.system().classicSystem()), testKit.system());

    probe.request(10);
    assertThat(List.of(probe.expectNext(), probe.expectNext(), probe.expectNext(), probe.expectNext(),
        probe.expectNext())).extracting(WriteConflict::id).containsExactly(1L, 2L, 3L, 4L, 5L);
    probe.expectNoMessage(Duration.ofMillis(200));
    ApplyResult more = Conflicts.make(store, 6, 6);
    feed.onBatchApplied(Conflicts.B, List.of(), more, 0); // as the node's applier reports it
    assertThat(probe.expectNext(Duration.ofSeconds(5)).id()).isEqualTo(6);
    probe.cancel();

    TestSubscriber.Probe<WriteConflict> resumed = feed.subscribe(4)
        .runWith(TestSink.probe(testKit.system().classicSystem()), testKit.system());
    resumed.request(10);
    assertThat(List.of(resumed.expectNext(), resumed.expectNext())).extracting(WriteConflict::id)
        .containsExactly(5L, 6L);
    resumed.cancel();
  }

  @Test
  void aSubscriptionThatWouldSkipCollectedConflictsFailsNamingTheOldestHeld() {
    Conflicts.make(store, 1, 5);
    assertThat(store.trimConflicts(0, 2)).isEqualTo(3);

    TestSubscriber.Probe<WriteConflict> fromStart = feed.subscribe(0)
        .runWith(TestSink.probe(testKit.system().classicSystem()), testKit.system());
    fromStart.request(10);
    Throwable failure = fromStart.expectError();
    assertThat(failure).isInstanceOf(ConflictsCollectedException.class).hasMessageContaining("oldest held is 4");
    assertThat(((ConflictsCollectedException) failure).oldestHeld()).isEqualTo(4);

    TestSubscriber.Probe<WriteConflict> knowingly = feed.subscribe(3)
        .runWith(TestSink.probe(testKit.system().classicSystem()), testKit.system());
    knowingly.request(10);
    assertThat(knowingly.expectNext().id()).isEqualTo(4);
    knowingly.cancel();
    assertThatThrownBy(() -> feed.subscribe(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
