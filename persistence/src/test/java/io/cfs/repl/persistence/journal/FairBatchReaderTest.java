package io.cfs.repl.persistence.journal;

import static io.cfs.repl.model.entry.TestEntries.range;
import static io.cfs.repl.persistence.journal.JournalTesting.SITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The rules of the fair batch read, on storage held in memory. Each backend's own scan is run by its journal's
 * contract test ({@link LocalJournalContract#readBatchServesEveryShardFromItsPositionUpToItsHead}).
 */
class FairBatchReaderTest {
  private final MemoryScan storage = new MemoryScan();
  private final FairBatchReader reader = new FairBatchReader(SITE);

  @Test
  void aHotShardDoesNotStarveASmallOne() {
    storage.add(range(SITE, 0, 1, 10_000));
    storage.add(range(SITE, 1, 1, 10));

    List<JournalEntry> batch = read(Map.of(), 1_000, Long.MAX_VALUE);

    assertEquals(1_000, batch.size());
    assertEquals(range(SITE, 1, 1, 10), ofShard(batch, 1));
    assertEquals(range(SITE, 0, 1, 990), ofShard(batch, 0), "the hot shard fills the rest, in seq order");
  }

  @Test
  void readsOnlyBeyondThePositions() {
    storage.add(range(SITE, 0, 1, 10));
    storage.add(range(SITE, 1, 1, 10));
    storage.add(range(SITE, 2, 1, 10));

    List<JournalEntry> batch = read(Map.of(0, 10L, 1, 7L), 100, Long.MAX_VALUE);

    assertEquals(List.of(), ofShard(batch, 0));
    assertEquals(range(SITE, 1, 8, 10), ofShard(batch, 1));
    assertEquals(range(SITE, 2, 1, 10), ofShard(batch, 2));
    storage.passes.clear();
    assertEquals(List.of(), read(Map.of(0, 10L, 1, 10L, 2, 10L), 100, Long.MAX_VALUE));
    assertEquals(List.of(), storage.passes, "nothing waiting, nothing scanned");
  }

  @Test
  void neverPastTheHeads() {
    storage.add(range(SITE, 0, 1, 10));

    assertEquals(range(SITE, 0, 1, 6), reader.read(Map.of(0, 6L), Map.of(), 100, Long.MAX_VALUE, storage));
    storage.passes.forEach(pass -> pass.ranges().forEach(r -> assertEquals(6, r.head())));
  }

  @Test
  void boundedByBytesAndPositionsButNeverEmptyWhenEntriesWait() {
    storage.add(range(SITE, 0, 1, 100));
    storage.add(range(SITE, 1, 1, 100));
    int size = range(SITE, 0, 1, 1).get(0).sizeEstimate();

    List<JournalEntry> four = read(Map.of(), 100, 4L * size);
    assertEquals(4, four.size());
    assertEquals(2, ofShard(four, 0).size(), "the byte budget is shared between the shards too");

    assertEquals(1, read(Map.of(), 100, 1).size(), "an entry larger than the whole budget still goes out alone");
    assertEquals(range(SITE, 1, 96, 100), read(Map.of(0, 100L, 1, 95L), 100, Long.MAX_VALUE));
    assertEquals(List.of(), read(Map.of(0, 100L, 1, 100L), 100, Long.MAX_VALUE));
  }

  @Test
  void whenMoreShardsWaitThanABatchHoldsTheStartRotates() {
    for (int shard = 0; shard < 20; shard++) storage.add(range(SITE, shard, 1, 5));
    Set<Integer> served = new HashSet<>();
    for (int call = 0; call < 2; call++) {
      List<JournalEntry> batch = read(Map.of(), 10, Long.MAX_VALUE);
      assertEquals(10, batch.size());
      batch.forEach(e -> served.add(e.shard()));
    }
    assertEquals(20, served.size(), "two batches of ten from the same positions reach all twenty shards");
  }

  /** What keeps a batch on PostgreSQL at one query a pass, whatever the number of shards. */
  @Test
  void aBatchOpensAtMostTwoPassesEachOverEveryShardItVisits() {
    storage.add(range(SITE, 0, 1, 100));
    storage.add(range(SITE, 1, 1, 100));
    for (int shard = 2; shard < 5; shard++) storage.add(range(SITE, shard, 1, 2));

    assertEquals(50, read(Map.of(), 50, Long.MAX_VALUE).size());

    assertEquals(2, storage.passes.size());
    assertEquals(Set.of(0, 1, 2, 3, 4), storage.passes.get(0).shards());
    assertEquals(10, storage.passes.get(0).limit(), "an equal share of the batch");
    assertEquals(Set.of(0, 1), storage.passes.get(1).shards(), "only the shards that have more");
    assertEquals(50 - 10 - 10 - 3 * 2, storage.passes.get(1).limit(), "what the first pass left");

    storage.passes.clear();
    read(Map.of(0, 100L, 1, 100L), 50, Long.MAX_VALUE);
    assertEquals(1, storage.passes.size(), "no second pass when every shard was served to its head");
  }

  @Test
  void refusesBoundsThatAdmitNothing() {
    storage.add(range(SITE, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> read(Map.of(), 0, 1));
    assertThrows(IllegalArgumentException.class, () -> read(Map.of(), 1, 0));
  }

  /**
   * Storage that no longer holds a range's start (collected) fails the read typed, never answers with what it holds
   * further on; a hole inside what it holds is an error of its own.
   */
  @Test
  void aRangeWhoseStartIsNoLongerHeldFailsTypedAndAHoleInsideIsAnError() {
    Map<Integer, Long> heads = Map.of(0, 10L);
    ShardScan collectedTo5 = holding(range(SITE, 0, 6, 10));

    JournalCollectedException behind = assertThrows(JournalCollectedException.class,
        () -> reader.read(heads, Map.of(0, 2L), 100, Long.MAX_VALUE, collectedTo5));
    assertEquals(3, behind.fromSeq());
    assertEquals(6, behind.horizon());
    assertEquals(range(SITE, 0, 6, 10), reader.read(heads, Map.of(0, 5L), 100, Long.MAX_VALUE, collectedTo5));
    JournalCollectedException gone = assertThrows(JournalCollectedException.class,
        () -> reader.read(heads, Map.of(), 100, Long.MAX_VALUE, holding(List.of())));
    assertEquals(0, gone.horizon(), "nothing offered at all: collected while read");

    List<JournalEntry> holed = new ArrayList<>(range(SITE, 0, 1, 4));
    holed.addAll(range(SITE, 0, 6, 10));
    assertThrows(io.cfs.repl.persistence.StorageException.class,
        () -> reader.read(heads, Map.of(), 100, Long.MAX_VALUE, holding(holed)));
  }

  /** A shard kept out of reach (a link's stopped shard sits at Long.MAX_VALUE) is not read, and fails nothing. */
  @Test
  void aPositionAtLongMaxValueReadsNothingOfThatShard() {
    storage.add(range(SITE, 0, 1, 10));
    storage.add(range(SITE, 1, 1, 10));

    assertEquals(range(SITE, 1, 3, 10), read(Map.of(0, Long.MAX_VALUE, 1, 2L), 100, Long.MAX_VALUE));
    assertEquals(List.of(), read(Map.of(0, Long.MAX_VALUE, 1, 10L), 100, Long.MAX_VALUE));
  }

  /** Storage offering exactly {@code held} (of one shard), whatever it was asked for. */
  private static ShardScan holding(List<JournalEntry> held) {
    return (ranges, limit) -> (range, max, taker) -> {
      int offered = 0;
      for (JournalEntry e : held) {
        if (e.seq() < range.from() || e.seq() > range.head()) continue;
        if (offered++ >= max || !taker.test(e)) return;
      }
    };
  }

  private List<JournalEntry> read(Map<Integer, Long> positions, int maxEntries, long maxBytes) {
    return reader.read(storage.heads(), positions, maxEntries, maxBytes, storage);
  }

  /** The shard's entries in the batch, which must stand together, dense and in seq order. */
  private static List<JournalEntry> ofShard(List<JournalEntry> batch, int shard) {
    List<JournalEntry> entries = batch.stream().filter(e -> e.shard() == shard).toList();
    for (int i = 1; i < entries.size(); i++) {
      assertTrue(entries.get(i).seq() == entries.get(i - 1).seq() + 1, "dense and ordered within a shard");
    }
    if (!entries.isEmpty()) {
      int first = batch.indexOf(entries.get(0));
      assertEquals(entries, batch.subList(first, first + entries.size()), "a shard's entries stand together");
    }
    return entries;
  }

  /** Dense shards from seq 1, and every pass opened on them. */
  private static final class MemoryScan implements ShardScan {
    record Opened(List<Range> ranges, int limit) {
      Set<Integer> shards() {
        Set<Integer> shards = new HashSet<>();
        ranges.forEach(r -> shards.add(r.shard()));
        return shards;
      }
    }

    final Map<Integer, List<JournalEntry>> shards = new TreeMap<>();
    final List<Opened> passes = new ArrayList<>();

    void add(List<JournalEntry> entries) {
      entries.forEach(e -> shards.computeIfAbsent(e.shard(), s -> new ArrayList<>()).add(e));
    }

    Map<Integer, Long> heads() {
      Map<Integer, Long> heads = new TreeMap<>();
      shards.forEach((shard, entries) -> heads.put(shard, (long) entries.size()));
      return heads;
    }

    @Override
    public Pass open(List<Range> ranges, int limit) {
      passes.add(new Opened(List.copyOf(ranges), limit));
      return (Range range, int max, Predicate<JournalEntry> taker) -> {
        List<JournalEntry> entries = shards.getOrDefault(range.shard(), List.of());
        long last = Math.min(range.head(), range.from() - 1 + Math.min(max, limit));
        for (long seq = range.from(); seq <= Math.min(last, entries.size()); seq++) {
          if (!taker.test(entries.get((int) seq - 1))) return;
        }
      };
    }
  }
}
