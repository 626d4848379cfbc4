package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads one batch across shards so that a hot shard cannot starve the others, on any storage: every backend's
 * {@link LocalJournal#readBatch} is this reader over the backend's {@link ShardScan}.
 *
 * <p>Rules:
 * <ul>
 *   <li>only shards whose head is beyond their position are visited, and never past their head;</li>
 *   <li>a first pass gives each such shard an equal share of the entry and byte budgets; a second pass hands what is
 *       left to the shards that have more, in turn;</li>
 *   <li>when more shards are waiting than a batch can serve, the next call starts after the last shard this one
 *       served (a journal-wide rotation, so with several callers it is approximate, but no shard waits
 *       unboundedly);</li>
 *   <li>the first entry of a batch is always taken, even when it alone exceeds the byte budget, so that an oversized
 *       entry cannot block a tail;</li>
 *   <li>bytes are counted as {@link JournalEntry#sizeEstimate()} whatever the storage holds, so that a batch means
 *       the same on every backend (the receiver sizes batches by the same estimate);</li>
 *   <li>within the batch each shard's entries are together and in seq order;</li>
 *   <li>every entry storage offers must be the next seq of its shard ({@link JournalHorizon#checkOffered}): a range
 *       whose start storage no longer holds fails with {@link JournalCollectedException}, never answers with what
 *       is held further on.</li>
 * </ul>
 *
 * <p>A batch opens at most two passes, each over every shard it visits, so storage that fetches a pass in one query
 * answers a batch in at most two round trips whatever the number of shards.
 */
final class FairBatchReader {
  private final AtomicInteger rotation = new AtomicInteger();
  private final String site;

  /** @param site the journal's site, as refusals name it */
  FairBatchReader(String site) {
    this.site = site;
  }

  /**
   * @param heads per shard, the highest seq the batch may take
   * @param positions per shard, the last seq already consumed (absent = 0)
   */
  List<JournalEntry> read(Map<Integer, Long> heads, Map<Integer, Long> positions, int maxEntries, long maxBytes,
                          ShardScan scan) {
    AppendChecks.requireArgument(maxEntries >= 1, "maxEntries must be >= 1, was " + maxEntries);
    AppendChecks.requireArgument(maxBytes >= 1, "maxBytes must be >= 1, was " + maxBytes);
    List<ShardTake> waiting = new ArrayList<>();
    heads.forEach((shard, head) -> {
      // compared before adding: a shard kept out of reach sits at Long.MAX_VALUE (a link's stopped shard)
      long position = positions.getOrDefault(shard, 0L);
      if (position < head) waiting.add(new ShardTake(site, shard, position + 1, head));
    });
    if (waiting.isEmpty()) return List.of();
    waiting.sort(Comparator.comparingInt(ShardTake::shard));
    Collections.rotate(waiting, -Math.floorMod(rotation.get(), waiting.size()));
    Budget budget = new Budget(maxEntries, maxBytes);
    pass(scan, waiting, (int) ceilDiv(maxEntries, waiting.size()), ceilDiv(maxBytes, waiting.size()), budget);
    List<ShardTake> more = waiting.stream().filter(ShardTake::hasMore).toList();
    if (!more.isEmpty() && !budget.exhausted()) pass(scan, more, budget.entries, Long.MAX_VALUE, budget);

    List<JournalEntry> batch = new ArrayList<>(maxEntries - budget.entries);
    waiting.forEach(shard -> batch.addAll(shard.taken));
    rotation.addAndGet((int) waiting.stream().filter(shard -> !shard.taken.isEmpty()).count());
    return batch;
  }

  /** One pass over {@code shards}: each takes up to its share, in turn, while the batch budget lasts. */
  private static void pass(ShardScan scan, List<ShardTake> shards, int entryShare, long byteShare, Budget budget) {
    try (ShardScan.Pass pass = scan.open(shards.stream().map(ShardTake::range).toList(), entryShare)) {
      for (ShardTake shard : shards) {
        if (budget.exhausted()) return;
        shard.take(pass, Math.min(entryShare, budget.entries), byteShare, budget);
      }
    }
  }

  /** Rounds up without overflowing near Long.MAX_VALUE (callers pass it for "no byte bound"). */
  private static long ceilDiv(long x, int n) {
    return x / n + (x % n == 0 ? 0 : 1);
  }

  private static final class Budget {
    int entries;
    long bytes;
    boolean empty = true;

    Budget(int entries, long bytes) {
      this.entries = entries;
      this.bytes = bytes;
    }

    boolean exhausted() {
      return entries <= 0 || bytes <= 0;
    }
  }

  /** What one shard has given the batch so far, and where it goes on. */
  private static final class ShardTake {
    final String site;
    final int shard;
    final long head;
    long next;
    final List<JournalEntry> taken = new ArrayList<>();

    ShardTake(String site, int shard, long from, long head) {
      this.site = site;
      this.shard = shard;
      this.next = from;
      this.head = head;
    }

    int shard() {
      return shard;
    }

    ShardScan.Range range() {
      return new ShardScan.Range(shard, next, head);
    }

    boolean hasMore() {
      return next <= head;
    }

    /**
     * Takes up to {@code max} entries and {@code maxShareBytes} bytes, within the batch budget. Called only while the
     * shard has more ({@code next <= head}) with {@code max >= 1}, so storage must offer at least the next entry.
     */
    void take(ShardScan.Pass pass, int max, long maxShareBytes, Budget budget) {
      long[] shareBytes = {0};
      int[] offered = {0};
      pass.scan(range(), max, e -> {
        JournalHorizon.checkOffered(site, shard, next, e, offered[0]++ == 0);
        int size = e.sizeEstimate();
        if (!budget.empty && (shareBytes[0] + size > maxShareBytes || size > budget.bytes)) return false;
        taken.add(e);
        next = e.seq() + 1;
        shareBytes[0] += size;
        budget.entries--;
        budget.bytes -= size;
        budget.empty = false;
        return true;
      });
      if (offered[0] == 0) JournalHorizon.checkOffered(site, shard, next, null, true);
    }
  }
}
