package io.cfs.repl.persistence.store;

import static io.cfs.repl.model.entry.TestEntries.change;
import static io.cfs.repl.model.entry.TestEntries.range;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbMetadataStoreTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final long INODE = 42;

  @TempDir
  Path dir;
  private RocksDbMetadataStore store;

  @BeforeEach
  void open() {
    store = RocksDbMetadataStore.open(dir.resolve("one"), StoreSettings.defaults());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void newerVersionWins() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a1")));
    ApplyResult result = store.apply(B, List.of(change(B, 1, 1, 20, Op.SETATTR, INODE, "b1")));

    assertEquals(new ApplyResult(1, 0, 0, Map.of(1, 1L), List.of()), result);
    StoredValue held = store.get(INODE).orElseThrow();
    assertEquals(new Version(20, B), held.version());
    assertEquals(Op.SETATTR, held.op());
    assertEquals("b1", new String(held.payload(), StandardCharsets.UTF_8));
  }

  @Test
  void hlcTieIsBrokenBySiteIdTheSameWayInEitherOrder() {
    JournalEntry fromA = change(A, 1, 1, 100, Op.WRITE, INODE, "a");
    JournalEntry fromB = change(B, 1, 1, 100, Op.WRITE, INODE, "b");
    store.apply(A, List.of(fromA));
    store.apply(B, List.of(fromB));
    try (RocksDbMetadataStore other = RocksDbMetadataStore.open(dir.resolve("two"), StoreSettings.defaults())) {
      other.apply(B, List.of(fromB));
      ApplyResult late = other.apply(A, List.of(fromA));

      assertEquals(1, late.lost());
      assertEquals(new Version(100, B), store.get(INODE).orElseThrow().version());
      assertEquals(new Version(100, B), other.get(INODE).orElseThrow().version());
      assertEquals(store.digest(), other.digest());
    }
  }

  @Test
  void deleteLeavesATombstoneThatAStaleUpdateCannotResurrect() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "created")));
    store.apply(B, List.of(change(B, 1, 1, 30, Op.UNLINK, INODE, "")));
    ApplyResult stale = store.apply(A, List.of(change(A, 1, 2, 20, Op.WRITE, INODE, "stale")));

    assertEquals(1, stale.lost());
    assertEquals(2, store.watermark(A, 1), "a losing entry still advances the watermark");
    StoredValue held = store.get(INODE).orElseThrow();
    assertTrue(held.tombstone());
    assertEquals(new Version(30, B), held.version());
  }

  @Test
  void reapplyingABatchChangesNothing() {
    List<JournalEntry> batch = new ArrayList<>(range(A, 1, 1, 50));
    batch.addAll(range(A, 2, 1, 50));
    assertEquals(100, store.apply(A, batch).applied());
    StoreDigest digest = store.digest();

    ApplyResult again = store.apply(A, batch);

    assertEquals(new ApplyResult(0, 100, 0, Map.of(1, 50L, 2, 50L), List.of()), again);
    assertEquals(digest, store.digest());
    assertEquals(100, digest.inodes());
  }

  @Test
  void aGapRefusesOnlyItsShard() {
    StoreScenarios.aGapRefusesOnlyItsShard(store, A);
  }

  @Test
  void oneInodeChangedManyTimesInOneBatchKeepsTheNewest() {
    ApplyResult result = store.apply(A, List.of(
        change(A, 1, 1, 10, Op.CREATE, INODE, "v1"),
        change(A, 1, 2, 30, Op.WRITE, INODE, "v3"),
        change(A, 1, 3, 20, Op.WRITE, INODE, "v2")));

    assertEquals(3, result.applied());
    assertEquals(1, result.lost());
    assertArrayEquals("v3".getBytes(StandardCharsets.UTF_8), store.get(INODE).orElseThrow().payload());
    assertEquals(List.of(new Version(20, A)), store.losers(10).stream().map(LwwLoser::loser).toList());
  }

  @Test
  void losersAreRecordedOnBothSidesOfAConcurrentWrite() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a")));
    store.apply(B, List.of(change(B, 1, 1, 20, Op.WRITE, INODE, "b")));
    store.apply(A, List.of(change(A, 1, 2, 15, Op.WRITE, INODE, "a-late")));

    List<LwwLoser> losers = store.losers(10);
    assertEquals(2, losers.size());
    assertEquals(new Version(10, A), losers.get(0).loser(), "the replaced value");
    assertEquals(new Version(20, B), losers.get(0).winner());
    assertEquals(new Version(15, A), losers.get(1).loser(), "the incoming entry that lost");
    assertEquals(new Version(20, B), losers.get(1).winner());
    assertEquals(INODE, losers.get(1).inodeId());
    assertEquals(1, store.losers(1).size());
  }

  @Test
  void valuesWatermarksAndLosersSurviveReopen() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a")));
    store.apply(B, List.of(change(B, 5, 1, 20, Op.WRITE, INODE, "b")));
    store.apply(B, range(B, 6, 1, 3));
    StoreDigest digest = store.digest();
    store.close();

    store = RocksDbMetadataStore.open(dir.resolve("one"), StoreSettings.defaults());

    assertEquals(Map.of(1, 1L), store.watermarks(A));
    assertEquals(Map.of(5, 1L, 6, 3L), store.watermarks(B));
    assertEquals(3, store.watermark(B, 6));
    assertEquals(new Version(20, B), store.get(INODE).orElseThrow().version());
    assertEquals(digest, store.digest());
    store.apply(A, List.of(change(A, 1, 2, 15, Op.WRITE, INODE, "late")));
    assertEquals(List.of(new Version(10, A), new Version(15, A)),
        store.losers(10).stream().map(LwwLoser::loser).toList(), "the audit trail continues after reopen");
  }

  @Test
  void anAsyncApplyIsTheSameApplyAndSurvivesAReopen() {
    ApplyResult async = store.apply(A, range(A, 3, 1, 50), Durability.ASYNC);
    assertEquals(50, async.applied());
    assertEquals(50, store.watermark(A, 3));
    store.close();
    store = RocksDbMetadataStore.open(dir.resolve("one"), StoreSettings.defaults());
    assertEquals(50, store.watermark(A, 3));
    assertEquals(50, store.apply(A, range(A, 3, 1, 50), Durability.ASYNC).skipped(), "still idempotent");
  }

  @Test
  void aBatchMustComeFromTheOriginItNames() {
    List<JournalEntry> mixed = List.of(change(A, 1, 1, 10, Op.CREATE, 1, "a"), change(B, 1, 1, 10, Op.CREATE, 2, "b"));
    assertThrows(IllegalArgumentException.class, () -> store.apply(A, mixed));
    assertEquals(0, store.digest().inodes());
    assertEquals(Map.of(), store.watermarks(A));
  }
}
