package io.cfs.repl.engine.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.TestEntries;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.persistence.store.RocksDbMetadataStore;
import io.cfs.repl.persistence.store.StoreSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplierTest {
  @TempDir
  Path dir;
  private RocksDbMetadataStore store;
  private final ExecutorService storage = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-storage"));
  private final ConcurrentLinkedQueue<String> heard = new ConcurrentLinkedQueue<>();
  private Applier applier;

  @BeforeEach
  void open() {
    store = RocksDbMetadataStore.open(dir, StoreSettings.defaults());
    ApplyListener listener = new ApplyListener() {
      @Override
      public void onBatchApplied(String origin, List<JournalEntry> entries, ApplyResult result, long atNanos) {
        heard.add("listener " + origin + " " + entries.size() + " on " + Thread.currentThread().getName());
      }
    };
    ReplicationMetrics metrics = new ReplicationMetrics() {
      @Override
      public void onBatchApplied(String origin, int entries, int applied, int skipped, int lost, long bytes,
                                 long applyNanos) {
        heard.add("metrics " + origin + " " + entries + "/" + applied + "/" + skipped + " bytes>0=" + (bytes > 0));
      }
    };
    applier = new Applier(store, storage, listener, metrics);
  }

  @AfterEach
  void close() {
    storage.shutdownNow();
    store.close();
  }

  @Test
  void appliesOnTheStorageExecutorAndReportsOnceToListenerAndMetrics() {
    ApplyResult first = applier.apply("site-b", TestEntries.range("site-b", 0, 1, 3), Durability.SYNC, null)
        .toCompletableFuture().join();
    ApplyResult again = applier.apply("site-b", TestEntries.range("site-b", 0, 1, 3), Durability.SYNC, null)
        .toCompletableFuture().join();

    assertThat(first.applied()).isEqualTo(3);
    assertThat(again.skipped()).isEqualTo(3);
    assertThat(store.watermark("site-b", 0)).isEqualTo(3);
    assertThat(heard).containsExactly(
        "listener site-b 3 on test-storage", "metrics site-b 3/3/0 bytes>0=true",
        "listener site-b 3 on test-storage", "metrics site-b 3/0/3 bytes>0=true");
  }

  @Test
  void aKeepAliveIsHeardByTheListenerButNotCountedAsAnApply() {
    applier.apply("site-b", List.of(), Durability.SYNC, null).toCompletableFuture().join();

    assertThat(heard).containsExactly("listener site-b 0 on test-storage");
  }
}
