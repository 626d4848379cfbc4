package io.cfs.repl.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.TestEntries;
import io.cfs.repl.persistence.RocksDbHandle;
import io.cfs.repl.persistence.StorageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/** The metadata store rules on RocksDB. */
class RocksDbMetadataStoreTest extends MetadataStoreContract {
  @TempDir
  Path dir;

  @Override
  MetadataStore open(String name) {
    return RocksDbMetadataStore.open(dir.resolve(name), StoreSettings.defaults());
  }

  /**
   * A store reopened with inodes in it starts its version cache at four slots per inode (within the maximum), where
   * growing would have taken it doubling by doubling under the apply lock; a new store starts small.
   */
  @Test
  void aReopenedStoreStartsItsVersionCacheSizedToTheInodesItHolds() {
    StoreSettings settings = new StoreSettings(false, StoreSettings.defaults().rocksdb(), 1 << 22);
    Path at = dir.resolve("sized");
    try (RocksDbMetadataStore fresh = RocksDbMetadataStore.open(at, settings)) {
      assertEquals(VersionCache.INITIAL_SLOTS, fresh.versionCacheSlots());
      for (int call = 0; call < 50; call++) {
        List<JournalEntry> batch = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
          long seq = call * 1_000L + i + 1;
          batch.add(TestEntries.change("site-a", 0, seq, seq, Op.CREATE, seq, "v"));
        }
        fresh.apply("site-a", batch, Durability.LATER);
      }
    }
    try (RocksDbMetadataStore reopened = RocksDbMetadataStore.open(at, settings)) {
      assertEquals(1 << 17, reopened.versionCacheSlots(), "50,000 inodes: 200,000 slots, rounded down");
    }
    StoreSettings capped = new StoreSettings(false, StoreSettings.defaults().rocksdb(), 1 << 16);
    try (RocksDbMetadataStore reopened = RocksDbMetadataStore.open(at, capped)) {
      assertEquals(1 << 16, reopened.versionCacheSlots(), "never past the maximum");
    }
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

  /**
   * Watermarks of the former format, a key per shard in their own column family, are read at open (the higher of
   * both formats wins, as watermarks only grow) and moved into one value per origin; applies go on from them.
   */
  @Test
  void watermarksOfAKeyPerShardAreReadAndRewrittenAsOneValuePerOrigin() throws RocksDBException {
    store.apply(A, TestEntries.range(A, 1, 1, 5));
    store.close();
    try (RocksDbHandle raw = rawStore()) {
      ColumnFamilyHandle column = raw.column("watermarks");
      raw.db().put(column, StoreCodec.watermarkKey(A, 1), StoreCodec.longKey(3));
      raw.db().put(column, StoreCodec.watermarkKey(A, 2), StoreCodec.longKey(7));
      raw.db().put(column, StoreCodec.watermarkKey(B, 9), StoreCodec.longKey(4));
      // as two builds of 2026-12-07 wrote there: all of an origin's in one value
      raw.db().put(column, StoreCodec.watermarksKey("site-c"),
          StoreCodec.encodeWatermarks(new TreeMap<>(Map.of(3, 8L))));
    }
    store = opened.add(open("one"));
    assertEquals(Map.of(1, 5L, 2, 7L), store.watermarks(A));
    assertEquals(Map.of(9, 4L), store.watermarks(B));
    assertEquals(Map.of(3, 8L), store.watermarks("site-c"));
    assertEquals(2, store.apply(A, TestEntries.range(A, 2, 8, 9)).applied(), "on from seq 7");
    assertEquals(1, store.apply(A, TestEntries.range(A, 2, 7, 7)).skipped());
    store.close();

    try (RocksDbHandle raw = rawStore();
         RocksIterator former = raw.db().newIterator(raw.column("watermarks"));
         RocksIterator packed = raw.db().newIterator(raw.column("origin-watermarks"))) {
      former.seekToFirst();
      assertFalse(former.isValid(), "a key per shard left");
      List<String> origins = new ArrayList<>();
      for (packed.seekToFirst(); packed.isValid(); packed.next()) origins.add(StoreCodec.watermarkSite(packed.key()));
      assertEquals(List.of(A, B, "site-c"), origins);
    }
    store = opened.add(open("one"));
    assertEquals(Map.of(1, 5L, 2, 9L), store.watermarks(A));
    assertEquals(Map.of(9, 4L), store.watermarks(B));
  }

  /** A build from before the move lists the column families it knew, and RocksDB refuses it: no misread marks. */
  @Test
  void aBuildThatDoesNotKnowTheWatermarksColumnCannotOpenTheStore() {
    store.apply(A, TestEntries.range(A, 1, 1, 5));
    store.close();
    List<String> former = RocksDbMetadataStore.COLUMNS.stream().filter(c -> !c.equals("origin-watermarks")).toList();
    StorageException refused = assertThrows(StorageException.class,
        () -> RocksDbHandle.open(dir.resolve("one"), StoreSettings.defaults().rocksdb(), former).close());
    assertTrue(String.valueOf(refused.getCause()).contains("origin-watermarks"), String.valueOf(refused.getCause()));
  }

  @Test
  void aCorruptWatermarkValueFailsTheOpenNamingIt() throws RocksDBException {
    store.apply(A, TestEntries.range(A, 1, 1, 5));
    store.close();
    try (RocksDbHandle raw = rawStore()) {
      raw.db().put(raw.column("origin-watermarks"), StoreCodec.watermarksKey(A), new byte[] {0, 0, 0, 2, 0, 0, 0, 1});
    }
    StorageException refused = assertThrows(StorageException.class, () -> open("one"));
    assertTrue(refused.getMessage().contains("corrupt watermarks of origin site-a: 8 bytes, 2 shards"),
        refused.getMessage());
  }

  private RocksDbHandle rawStore() {
    return RocksDbHandle.open(dir.resolve("one"), StoreSettings.defaults().rocksdb(), RocksDbMetadataStore.COLUMNS);
  }

  @Override
  long viewsHeld() {
    return ((RocksDbMetadataStore) store).unreleasedSnapshots();
  }
}
