package io.cfs.repl.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.TestEntries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The tail cache only saves reads: whatever it holds or lost, a read gives exactly what storage would. */
class TailCacheTest {

  /** Storage holding seqs 1..n of every shard, counting the ranges it was asked for. */
  private static final class Storage implements ShardScan {
    final Map<Integer, TreeMap<Long, JournalEntry>> shards = new TreeMap<>();
    final List<Range> asked = new ArrayList<>();

    Storage(int shardCount, long n) {
      for (int s = 0; s < shardCount; s++) {
        TreeMap<Long, JournalEntry> entries = new TreeMap<>();
        for (JournalEntry e : TestEntries.range("a", s, 1, n)) entries.put(e.seq(), e);
        shards.put(s, entries);
      }
    }

    @Override
    public Pass open(List<Range> ranges, int limit) {
      asked.addAll(ranges);
      return (range, max, taker) -> {
        int offered = 0;
        for (JournalEntry e : shards.get(range.shard()).subMap(range.from(), true, range.head(), true).values()) {
          if (offered++ >= max || !taker.test(e)) return;
        }
      };
    }
  }

  private static List<Long> read(ShardScan scan, ShardScan.Range range, int max) {
    List<Long> seqs = new ArrayList<>();
    try (ShardScan.Pass pass = scan.open(List.of(range), max)) {
      pass.scan(range, max, e -> seqs.add(e.seq()));
    }
    return seqs;
  }

  private static List<Long> seqs(long from, long to) {
    List<Long> seqs = new ArrayList<>();
    for (long s = from; s <= to; s++) seqs.add(s);
    return seqs;
  }

  /** A cache with one tail open that has read nothing yet: it holds everything, up to {@code maxBytes}. */
  private static TailCache withATailAtTheStart(long maxBytes) {
    TailCache cache = new TailCache(maxBytes);
    cache.open(Map.of());
    return cache;
  }

  @Test
  void whatWasJustWrittenComesFromMemoryWithoutOpeningStorage() {
    Storage storage = new Storage(1, 100);
    TailCache cache = withATailAtTheStart(1 << 20);
    cache.added(TestEntries.range("a", 0, 91, 100));

    assertThat(read(cache.over(storage), new ShardScan.Range(0, 95, 100), 10)).isEqualTo(seqs(95, 100));
    assertThat(storage.asked).isEmpty();
    assertThat(read(cache.over(storage), new ShardScan.Range(0, 91, 100), 4)).isEqualTo(seqs(91, 94));
    assertThat(storage.asked).isEmpty();
  }

  @Test
  void aRangeThatStartsBeforeMemoryIsReadFromStorage() {
    Storage storage = new Storage(1, 100);
    TailCache cache = withATailAtTheStart(1 << 20);
    cache.added(TestEntries.range("a", 0, 91, 100));

    assertThat(read(cache.over(storage), new ShardScan.Range(0, 50, 100), 100)).isEqualTo(seqs(50, 100));
    assertThat(storage.asked).containsExactly(new ShardScan.Range(0, 50, 100));
  }

  @Test
  void evictionKeepsTheNewestWithinTheBudgetAndOlderReadsFallBack() {
    Storage storage = new Storage(1, 1000);
    JournalEntry one = TestEntries.entry("a", 0, 1);
    TailCache cache = withATailAtTheStart(10 * (160 + one.sizeEstimate())); // about ten entries
    cache.added(TestEntries.range("a", 0, 1, 1000));

    assertThat(read(cache.over(storage), new ShardScan.Range(0, 995, 1000), 100)).isEqualTo(seqs(995, 1000));
    assertThat(storage.asked).isEmpty();
    assertThat(read(cache.over(storage), new ShardScan.Range(0, 900, 1000), 200)).isEqualTo(seqs(900, 1000));
    assertThat(storage.asked).containsExactly(new ShardScan.Range(0, 900, 1000));
  }

  @Test
  void aNodeThatDidNotWriteTheSeqsBetweenKeepsItsNewestRunAndReadsTheRestFromStorage() {
    // a site of several nodes writes one journal: this node wrote 11-20 and 31-40, another node 21-30
    Storage storage = new Storage(1, 40);
    TailCache cache = withATailAtTheStart(1 << 20);
    cache.added(TestEntries.range("a", 0, 11, 20));
    cache.added(TestEntries.range("a", 0, 31, 40));

    assertThat(read(cache.over(storage), new ShardScan.Range(0, 11, 40), 100)).isEqualTo(seqs(11, 40));
    assertThat(storage.asked).containsExactly(new ShardScan.Range(0, 11, 40));
    storage.asked.clear();
    assertThat(read(cache.over(storage), new ShardScan.Range(0, 33, 40), 100)).isEqualTo(seqs(33, 40));
    assertThat(storage.asked).isEmpty();
    assertThat(read(cache.over(storage), new ShardScan.Range(0, 35, 40), 3)).isEqualTo(seqs(35, 37));
    assertThat(storage.asked).isEmpty();
  }

  @Test
  void aTakerThatDeclinesStopsTheRangeAndAZeroBudgetTurnsTheCacheOff() {
    Storage storage = new Storage(1, 10);
    TailCache cache = withATailAtTheStart(1 << 20);
    cache.added(TestEntries.range("a", 0, 1, 10));
    List<Long> taken = new ArrayList<>();
    ShardScan.Range range = new ShardScan.Range(0, 1, 10);
    try (ShardScan.Pass pass = cache.over(storage).open(List.of(range), 10)) {
      pass.scan(range, 10, e -> taken.add(e.seq()) && e.seq() < 3);
    }
    assertThat(taken).containsExactly(1L, 2L, 3L);

    TailCache off = new TailCache(0);
    off.added(TestEntries.range("a", 0, 1, 10));
    assertThat(off.over(storage)).isSameAs(storage);
  }

  @Test
  void whatEveryOpenTailHasReadIsLetGoOldestFirstAtTheNextWriteAndWhatOneHasNotIsKept() {
    Storage storage = new Storage(2, 100);
    TailCache cache = new TailCache(1 << 20);
    TailCache.Mark apply = cache.open(Map.of(0, 0L, 1, 0L));
    TailCache.Mark link = cache.open(Map.of());
    cache.added(interleaved(1, 10));
    emitted(apply, interleaved(1, 10));
    emitted(link, interleaved(1, 5));
    emitted(link, TestEntries.range("a", 0, 6, 10)); // the link is behind on shard 1: it has read up to 5 there

    cache.added(interleaved(11, 12)); // written in order 0/1, 1/1, 0/2 ...: let go up to 0/6, 1/6 is still needed

    assertThat(read(cache.over(storage), new ShardScan.Range(1, 6, 12), 100)).isEqualTo(seqs(6, 12));
    assertThat(read(cache.over(storage), new ShardScan.Range(0, 7, 12), 100)).isEqualTo(seqs(7, 12));
    assertThat(storage.asked).as("held: written after what the link still needs").isEmpty();
    assertThat(read(cache.over(storage), new ShardScan.Range(0, 6, 12), 100)).isEqualTo(seqs(6, 12));
    assertThat(read(cache.over(storage), new ShardScan.Range(1, 5, 12), 100)).isEqualTo(seqs(5, 12));
    assertThat(storage.asked).as("read by both tails: let go")
        .containsExactly(new ShardScan.Range(0, 6, 12), new ShardScan.Range(1, 5, 12));
  }

  @Test
  void aClosedTailHoldsNothingAndWithNoTailOpenNothingIsHeld() {
    Storage storage = new Storage(1, 100);
    TailCache cache = new TailCache(1 << 20);
    cache.added(TestEntries.range("a", 0, 1, 10));
    assertThat(read(cache.over(storage), new ShardScan.Range(0, 1, 10), 100)).isEqualTo(seqs(1, 10));
    assertThat(storage.asked).as("no tail open: not held").containsExactly(new ShardScan.Range(0, 1, 10));

    storage.asked.clear();
    TailCache.Mark stalled = cache.open(Map.of(0, 10L));
    cache.added(TestEntries.range("a", 0, 11, 20));
    assertThat(read(cache.over(storage), new ShardScan.Range(0, 11, 20), 100)).isEqualTo(seqs(11, 20));
    assertThat(storage.asked).as("held for the tail that has not read it").isEmpty();

    stalled.close();
    cache.added(TestEntries.range("a", 0, 21, 21));
    assertThat(read(cache.over(storage), new ShardScan.Range(0, 11, 21), 100)).isEqualTo(seqs(11, 21));
    assertThat(storage.asked).as("its tail closed: let go").containsExactly(new ShardScan.Range(0, 11, 21));
  }

  /** A tail emitted {@code batch}: it moves its positions, as TailStage does. */
  private static void emitted(TailCache.Mark tail, List<JournalEntry> batch) {
    batch.forEach(e -> tail.positions().put(e.shard(), e.seq()));
  }

  /** Seqs {@code from..to} of shards 0 and 1, alternating, as a group commit writes them. */
  private static List<JournalEntry> interleaved(long from, long to) {
    List<JournalEntry> entries = new ArrayList<>();
    for (long seq = from; seq <= to; seq++) {
      entries.add(TestEntries.entry("a", 0, seq));
      entries.add(TestEntries.entry("a", 1, seq));
    }
    return entries;
  }
}
