package io.cfs.repl.persistence.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
