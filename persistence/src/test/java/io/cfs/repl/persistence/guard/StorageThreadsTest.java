package io.cfs.repl.persistence.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.model.entry.TestEntries;
import io.cfs.repl.persistence.RocksDbSettings;
import io.cfs.repl.persistence.audit.AuditKind;
import io.cfs.repl.persistence.audit.AuditLog;
import io.cfs.repl.persistence.audit.AuditQuery;
import io.cfs.repl.persistence.audit.AuditRecord;
import io.cfs.repl.persistence.audit.RocksDbAuditLog;
import io.cfs.repl.persistence.journal.JournalSettings;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.journal.RocksDbJournal;
import io.cfs.repl.persistence.store.MetadataStore;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class StorageThreadsTest {
  private final ActorTestKit kit = ActorTestKit.create("StorageThreadsTest", ConfigFactory.parseString(
      "storage-pool { type = Dispatcher, executor = thread-pool-executor }"));
  @TempDir
  Path dir;
  private RocksDbMetadataStore store;
  private MetadataStore checked;

  @BeforeEach
  void open() {
    store = RocksDbMetadataStore.open(dir, StoreSettings.defaults());
    checked = StorageThreads.checked(store);
  }

  @AfterEach
  void close() {
    store.close();
    kit.shutdownTestKit();
  }

  @Test
  void testRunsCheckStorageThreads() {
    // the surefire configuration sets it, so every test of every module runs with the rule checked
    assertThat(StorageThreads.checking()).isTrue();
    assertThat(checked).isNotSameAs(store);
  }

  @Test
  void aStoreCallOnPekkosDefaultDispatcherIsRefusedAndWritesNothing() {
    Executor pekko = kit.system().executionContext();
    assertThatThrownBy(() -> CompletableFuture.runAsync(
        () -> checked.apply("site-a", List.of(TestEntries.entry("site-a", 0, 1))), pekko).join())
        .isInstanceOf(CompletionException.class)
        .hasRootCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("storage call store.apply on StorageThreadsTest-pekko.actor.default-dispatcher");
    assertThat(store.watermark("site-a", 0)).isZero();
  }

  /** Journal GC blocks (deletes, and reads to measure): refused on Pekko's threads like a read, removing nothing. */
  @Test
  void aJournalCollectionOnPekkosDefaultDispatcherIsRefusedAndRemovesNothing() throws Exception {
    try (RocksDbJournal raw = RocksDbJournal.open(dir.resolve("journal"), "site-a", JournalSettings.defaults())) {
      raw.append(TestEntries.range("site-a", 0, 1, 5)).toCompletableFuture().get();
      LocalJournal journal = StorageThreads.checked(raw);
      Executor pekko = kit.system().executionContext();
      assertThatThrownBy(() -> CompletableFuture.runAsync(() -> journal.collect(Map.of(0, 3L)), pekko).join())
          .hasRootCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("storage call journal.collect on StorageThreadsTest-pekko.actor.default-dispatcher");
      assertThatThrownBy(() -> CompletableFuture.runAsync(journal::footprint, pekko).join())
          .hasMessageContaining("storage call journal.footprint");
      assertThat(raw.horizon(0)).isEqualTo(1);
      assertThat(journal.collect(Map.of(0, 3L))).as("on the test's own thread").isEqualTo(3);
    }
  }

  /**
   * A tail runs on its stream's dispatcher and reads storage only through the executor it is given: none at all is
   * refused at once; a storage read (after a reopen nothing is held in memory) found on one of Pekko's threads is
   * logged as a violation (refused, its tail would hang instead), one on a storage pool is not.
   */
  @Test
  void aTailReadsStorageOnlyOnAStorageExecutor() throws Exception {
    Path at = dir.resolve("journal");
    try (RocksDbJournal raw = RocksDbJournal.open(at, "site-a", JournalSettings.defaults())) {
      raw.append(TestEntries.range("site-a", 0, 1, 5)).toCompletableFuture().get();
    }
    try (RocksDbJournal raw = RocksDbJournal.open(at, "site-a", JournalSettings.defaults())) {
      LocalJournal journal = StorageThreads.checked(raw);
      assertThatThrownBy(() -> journal.tail(Map.of(), 100, () -> Long.MAX_VALUE, null))
          .hasMessageContaining("a tail without an executor for its reads");
      ListAppender<ILoggingEvent> logged = new ListAppender<>();
      logged.start();
      Logger guard = (Logger) LoggerFactory.getLogger(StorageThreads.class);
      guard.addAppender(logged);
      try {
        Executor storage = kit.system().dispatchers().lookup(DispatcherSelector.fromConfig("storage-pool"));
        assertThat(journal.tail(Map.of(), 100, () -> Long.MAX_VALUE, storage)
            .runWith(Sink.head(), kit.system()).toCompletableFuture().join())
            .isEqualTo(TestEntries.range("site-a", 0, 1, 5));
        assertThat(logged.list).isEmpty();
        Executor pekko = kit.system().executionContext();
        assertThat(journal.tail(Map.of(), 100, () -> Long.MAX_VALUE, pekko)
            .runWith(Sink.head(), kit.system()).toCompletableFuture().join())
            .isEqualTo(TestEntries.range("site-a", 0, 1, 5));
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
            .contains("storage call journal.tail read on StorageThreadsTest-pekko.actor.default-dispatcher")
            .contains(StorageThreads.VIOLATION);
      } finally {
        guard.detachAppender(logged);
      }
    }
  }

  @Test
  void anAuditLogCallOnPekkosDefaultDispatcherIsRefusedAndWritesNothing() {
    try (AuditLog audit = StorageThreads.checked(RocksDbAuditLog.open(dir.resolve("audit"), "site-a",
        RocksDbSettings.create(ConfigFactory.defaultReference(), "cfs-repl.persistence.audit.rocksdb")))) {
      AuditRecord record = AuditRecord.of(AuditKind.LINK_UP, 1, "site-a", "up");
      assertThatThrownBy(() -> CompletableFuture.runAsync(() -> audit.record(List.of(record)),
          kit.system().executionContext()).join())
          .hasRootCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("storage call audit.record on StorageThreadsTest-pekko.actor.default-dispatcher");
      assertThat(audit.query(AuditQuery.newest(1)).records()).isEmpty();
    }
  }

  @Test
  void aStoreCallOnAStorageDispatcherOrAPlainThreadIsServed() {
    Executor storage = kit.system().dispatchers().lookup(DispatcherSelector.fromConfig("storage-pool"));
    CompletableFuture.runAsync(() -> checked.apply("site-a", List.of(TestEntries.entry("site-a", 0, 1))), storage)
        .join();
    assertThat(checked.watermark("site-a", 0)).isEqualTo(1);
  }
}
