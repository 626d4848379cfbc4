package io.cfs.repl.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.persistence.RocksDbSettings;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditQuery;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.audit.RocksDbAuditLog;
import io.cfs.repl.persistence.guard.StorageThreads;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The trail's writer: groups what queues up during a write into one write, never blocks a producer (drops and counts
 * instead), retries a failed write before anything later, collects by age and count, and writes what is left on close.
 * Writes are held at a gate instead of timed.
 */
class AuditTrailTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final AuditSettings SETTINGS = new AuditSettings(Duration.ofDays(30), 1_000_000,
      Duration.ofMinutes(1), 100, 50);

  @TempDir
  Path dir;

  private final ExecutorService storage = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-storage"));
  private final Map<AuditKind, Integer> recorded = new ConcurrentHashMap<>();
  private final AtomicLong droppedMetric = new AtomicLong();
  private final ReplicationMetrics metrics = new ReplicationMetrics() {
    @Override
    public void onAuditRecorded(AuditKind kind, int records) {
      recorded.merge(kind, records, Integer::sum);
    }

    @Override
    public void onAuditDropped(int records) {
      droppedMetric.addAndGet(records);
    }
  };
  private GatedAuditLog log;

  @BeforeEach
  void open() {
    RocksDbSettings rocks = RocksDbSettings.create(ConfigFactory.defaultReference(),
        "cfs-repl.persistence.audit.rocksdb");
    log = new GatedAuditLog(StorageThreads.checked(RocksDbAuditLog.open(dir, "site-a", rocks)));
  }

  @AfterEach
  void close() throws Exception {
    log.open();
    storage.shutdownNow();
    storage.awaitTermination(10, TimeUnit.SECONDS);
    log.close();
  }

  private AuditTrail trail(AuditSettings settings) {
    return new AuditTrail(log, storage, settings, metrics, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static AuditRecord event(AuditKind kind, long atMillis) {
    return AuditRecord.of(kind, atMillis, "site-a", kind + " at " + atMillis).withPeer("site-b");
  }

  private List<AuditRecord> stored() throws Exception {
    return log.query(AuditQuery.newest(AuditQuery.MAX_LIMIT)).records();
  }

  @Test
  void recordsQueuedDuringAWriteGoTogetherIntoTheNextWrite() throws Exception {
    AuditTrail trail = trail(SETTINGS);
    log.closeGate();
    trail.record(event(AuditKind.LINK_UP, 1));
    await().atMost(WAIT).until(() -> log.attempts.get() == 1); // the writer holds the first record at the gate
    for (int i = 2; i <= 11; i++) trail.record(event(i % 2 == 0 ? AuditKind.LINK_DOWN : AuditKind.LINK_UP, i));
    log.open();

    await().atMost(WAIT).until(() -> log.storedWrites.equals(List.of(1, 10)));
    assertThat(stored()).extracting(AuditRecord::atMillis).containsExactly(11L, 10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
    assertThat(trail.query(AuditQuery.newest(3)).toCompletableFuture().get(10, TimeUnit.SECONDS).records())
        .extracting(AuditRecord::atMillis).containsExactly(11L, 10L, 9L);
    assertThat(recorded).isEqualTo(Map.of(AuditKind.LINK_UP, 6, AuditKind.LINK_DOWN, 5));
    assertThat(trail.dropped()).isZero();
  }

  @Test
  void aFullQueueDropsWhatDoesNotFitWithoutBlockingCountsItAndWarnsOnce() throws Exception {
    Logger trailLog = (Logger) LoggerFactory.getLogger(AuditTrail.class);
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    trailLog.addAppender(warnings);
    try {
      AuditTrail trail = trail(new AuditSettings(Duration.ofDays(1), 100, Duration.ofMinutes(1), 5, 5));
      log.closeGate();
      trail.record(event(AuditKind.LINK_UP, 0));
      await().atMost(WAIT).until(() -> log.attempts.get() == 1);
      for (int i = 1; i <= 8; i++) trail.record(event(AuditKind.LINK_DOWN, i)); // the writer is stuck: 5 fit

      assertThat(trail.dropped()).isEqualTo(3);
      assertThat(droppedMetric.get()).isEqualTo(3);
      assertThat(warnings.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).contains("dropped 1 record").contains("LINK_DOWN"));
      log.open();
      await().atMost(WAIT).until(() -> log.storedWrites.equals(List.of(1, 5)));
      assertThat(stored()).extracting(AuditRecord::atMillis).containsExactly(5L, 4L, 3L, 2L, 1L, 0L);
    } finally {
      trailLog.detachAppender(warnings);
    }
  }

  @Test
  void aFailedWriteIsRetriedBeforeLaterRecordsAndDroppedAfterItsLastAttempt() throws Exception {
    AuditTrail trail = trail(SETTINGS);
    long t = NOW.toEpochMilli(); // recent: the collection below keeps them
    log.failuresToCome.set(1);
    trail.record(event(AuditKind.LINK_UP, t + 1));
    await().atMost(WAIT).until(() -> log.attempts.get() == 1);
    trail.record(event(AuditKind.LINK_DOWN, t + 2)); // the next write retries the failed group first
    await().atMost(WAIT).until(() -> log.storedWrites.equals(List.of(1, 1)));
    List<AuditRecord> first = stored();
    assertThat(first).extracting(AuditRecord::atMillis).containsExactly(t + 2, t + 1);
    assertThat(first.get(1).id()).isLessThan(first.get(0).id());

    log.failuresToCome.set(AuditTrail.MAX_ATTEMPTS);
    trail.record(event(AuditKind.LINK_UP, t + 3));
    await().atMost(WAIT).until(() -> log.attempts.get() == 4);
    trail.collect(); // a collection retries too
    await().atMost(WAIT).until(() -> log.attempts.get() == 5);
    trail.record(event(AuditKind.LINK_DOWN, t + 4)); // third failed attempt: the group is dropped, the next one written
    await().atMost(WAIT).until(() -> log.storedWrites.size() == 3);
    assertThat(trail.dropped()).isEqualTo(1);
    assertThat(stored()).extracting(AuditRecord::atMillis).containsExactly(t + 4, t + 2, t + 1);
  }

  @Test
  void collectionRemovesWhatIsPastMaxAgeThenTheOldestBeyondMaxRecords() throws Exception {
    AuditTrail trail = trail(new AuditSettings(Duration.ofDays(30), 3, Duration.ofMinutes(1), 100, 50));
    long now = NOW.toEpochMilli();
    long day = Duration.ofDays(1).toMillis();
    for (long at : new long[] {now - 31 * day, now - 29 * day, now - 2, now - 1, now}) {
      trail.record(event(AuditKind.LINK_UP, at));
    }
    await().atMost(WAIT).until(() -> log.storedWrites.stream().mapToInt(Integer::intValue).sum() == 5);
    AuditTrail.Collected collected = trail.collect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(collected).isEqualTo(new AuditTrail.Collected(1, 1));
    assertThat(stored()).extracting(AuditRecord::atMillis).containsExactly(now, now - 1, now - 2);
  }

  @Test
  void closeWritesWhatIsStillQueuedAndLaterRecordsAreDropped() throws Exception {
    AuditTrail trail = new AuditTrail(log, task -> { }, SETTINGS, metrics, Clock.systemUTC()); // never runs a writer
    trail.record(event(AuditKind.LINK_UP, 1));
    trail.record(event(AuditKind.LINK_DOWN, 2));
    assertThat(stored()).isEmpty();
    trail.close();
    assertThat(log.storedWrites).containsExactly(2);
    trail.record(event(AuditKind.LINK_UP, 3));
    assertThat(trail.dropped()).isEqualTo(1);
    assertThat(stored()).hasSize(2);
  }

  @Test
  void producersOnPekkoThreadsNeverTouchStorage() throws Exception {
    ActorTestKit kit = ActorTestKit.create("AuditTrailTest");
    try {
      AuditTrail trail = trail(SETTINGS);
      // the log is checked: a storage call on this dispatcher would throw (and the record would be dropped)
      CompletableFuture.runAsync(() -> trail.record(event(AuditKind.LINK_UP, 1)), kit.system().executionContext())
          .get(10, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> log.storedWrites.equals(List.of(1)));
      assertThat(CompletableFuture.supplyAsync(() -> trail.query(AuditQuery.newest(1)),
              kit.system().executionContext()).get(10, TimeUnit.SECONDS)
          .toCompletableFuture().get(10, TimeUnit.SECONDS).records()).hasSize(1);
      assertThat(trail.dropped()).isZero();
    } finally {
      kit.shutdownTestKit();
    }
  }
}
