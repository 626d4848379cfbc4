package io.cfs.repl.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.TestEntries;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metadata store rules on RocksDB. */
class RocksDbMetadataStoreTest extends MetadataStoreContract {
  @TempDir
  Path dir;

  @Override
  MetadataStore open(String name) {
    return RocksDbMetadataStore.open(dir.resolve(name), StoreSettings.defaults());
  }

  /** A later apply is written without fsync until the sync; one that records a write conflict is fsync'd at once. */
  @Test
  void aLaterApplyWaitsForTheSyncButOneRecordingAConflictIsFsyncedAtOnce() {
    RocksDbMetadataStore rocks = (RocksDbMetadataStore) store;
    long before = rocks.walSyncs();
    rocks.apply("site-a", List.of(TestEntries.change("site-a", 1, 1, 10, Op.CREATE, 7, "a")), Durability.LATER);
    assertEquals(before, rocks.walSyncs(), "written, not fsync'd");
    // (SyncWAL, the sync, is not counted in these stats: RocksDB counts only writes made with sync)
    // site-b's write had not seen site-a's: a conflict, whose id must not be seen and then lost
    ApplyResult conflicting = rocks.apply("site-b",
        List.of(TestEntries.change("site-b", 1, 1, 20, Op.WRITE, 7, "b")), Durability.LATER);
    assertEquals(1, conflicting.conflicts().size());
    assertEquals(before + 1, rocks.walSyncs(), "fsync'd with its write");
  }

  @Override
  long viewsHeld() {
    return ((RocksDbMetadataStore) store).unreleasedSnapshots();
  }
}
