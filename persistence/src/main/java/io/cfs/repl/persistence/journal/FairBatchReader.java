package io.cfs.repl.persistence.journal;

import io.cfs.repl.persistence.StorageException;
import io.cfs.repl.model.entry.EntryCodec;
import io.cfs.repl.model.entry.JournalEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Reads one batch across shards so that a hot shard cannot starve the others.
 *
 * <p>Only shards whose head is beyond their position are visited, and never past their head. A first pass gives each
 * such shard an equal share of the entry and byte budgets; a second pass hands what is left to the shards that have
 * more. When more shards are waiting than a batch can serve, the next call starts after the last shard this one served
 * (a journal-wide rotation, so with several callers it is approximate, but no shard waits unboundedly).
 * The first entry of a batch is always taken, even when it alone exceeds the byte budget, so that an oversized entry
 * cannot block a tail. Within the batch each shard's entries are together and in seq order.
 */
final class FairBatchReader {
  private final AtomicInteger rotation = new AtomicInteger();

  List<JournalEntry> read(RocksDB db, NavigableMap<Integer, Long> heads, Map<Integer, Long> positions,
                          int maxEntries, long maxBytes) {
    List<ShardRead> waiting = new ArrayList<>();
    heads.forEach((shard, head) -> {
      long from = positions.getOrDefault(shard, 0L) + 1;
      if (from <= head) waiting.add(new ShardRead(shard, from, head));
    });
    if (waiting.isEmpty()) return List.of();
    Collections.rotate(waiting, -Math.floorMod(rotation.get(), waiting.size()));
    Budget budget = new Budget(maxEntries, maxBytes);
    int entryShare = (int) ceilDiv(maxEntries, waiting.size());
    long byteShare = ceilDiv(maxBytes, waiting.size());
    try (RocksIterator it = db.newIterator()) {
      for (ShardRead shard : waiting) {
        shard.take(it, entryShare, byteShare, budget);
      }
      for (ShardRead shard : waiting) {
        if (budget.exhausted()) break;
        shard.take(it, Integer.MAX_VALUE, Long.MAX_VALUE, budget);
      }
    }
    List<JournalEntry> batch = new ArrayList<>(maxEntries - budget.entries);
    waiting.forEach(shard -> batch.addAll(shard.taken));
    rotation.addAndGet((int) waiting.stream().filter(shard -> !shard.taken.isEmpty()).count());
    return batch;
  }

  /** Rounds up without overflowing near Long.MAX_VALUE (callers pass it for "no byte bound"). */
  private static long ceilDiv(long x, int n) {
    return x / n + (x % n == 0 ? 0 : 1);
  }

  /** Up to {@code maxEntries} entries of one shard from {@code fromSeq} to {@code head}, with no byte bound. */
  static List<JournalEntry> scan(RocksIterator it, int shard, long fromSeq, long head, int maxEntries) {
    ShardRead read = new ShardRead(shard, fromSeq, head);
    read.take(it, maxEntries, Long.MAX_VALUE, new Budget(maxEntries, Long.MAX_VALUE));
    return read.taken;
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

  private static final class ShardRead {
    final int shard;
    final long head;
    long next;
    final List<JournalEntry> taken = new ArrayList<>();

    ShardRead(int shard, long from, long head) {
      this.shard = shard;
      this.next = from;
      this.head = head;
    }

    /** Takes entries from {@code next} on until the shard, its share or the batch budget runs out. */
    void take(RocksIterator it, int maxCount, long maxShareBytes, Budget budget) {
      if (next > head || budget.exhausted()) return;
      int count = 0;
      long shareBytes = 0;
      it.seek(JournalKeys.key(shard, next));
      while (it.isValid() && count < maxCount && budget.entries > 0) {
        byte[] key = it.key();
        if (JournalKeys.shard(key) != shard || JournalKeys.seq(key) > head) return;
        JournalEntry e = EntryCodec.decode(it.value());
        int size = e.sizeEstimate();
        if (!budget.empty && (shareBytes + size > maxShareBytes || size > budget.bytes)) return;
        taken.add(e);
        next = e.seq() + 1;
        count++;
        shareBytes += size;
        budget.entries--;
        budget.bytes -= size;
        budget.empty = false;
        it.next();
      }
      if (!it.isValid()) {
        try {
          it.status();
        } catch (RocksDBException e) {
          throw new StorageException("journal scan of shard " + shard + " failed", e);
        }
      }
    }
  }
}
