package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The most recent durable entries this journal wrote, held as the objects the writer already has, so that the tails
 * (the local applier and one replicator per peer, each reading what was just appended) take them from memory instead
 * of seeking, reading and decoding every shard in storage for every batch. On a quiet link that per-shard read was
 * most of the CPU of a batch of a few entries.
 *
 * <p>Only the writer thread adds (after the write returned, before the heads move, so a reader that sees a head finds
 * its entry here or in storage) and evicts (oldest first, beyond {@code maxBytes}). Readers check that what they take
 * is dense from the range's start: an entry evicted or never held (a site of several nodes writes one journal)
 * sends the rest of the range to storage, so the cache can only save reads, never lose or reorder an entry.
 */
final class TailCache {
  /** Per entry, besides its payload and site: the object, its key and the skip list node. */
  private static final long OVERHEAD_BYTES = 160;

  private final long maxBytes;
  private final Map<Integer, ConcurrentSkipListMap<Long, JournalEntry>> shards = new ConcurrentHashMap<>();
  private final ArrayDeque<JournalEntry> order = new ArrayDeque<>(); // writer thread only
  private long bytes; // writer thread only

  TailCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Writer thread: {@code written} are durable, in seq order per shard, each one past the shard's head. */
  void added(List<JournalEntry> written) {
    if (maxBytes <= 0) return;
    for (JournalEntry e : written) {
      shards.computeIfAbsent(e.shard(), s -> new ConcurrentSkipListMap<>()).put(e.seq(), e);
      order.addLast(e);
      bytes += size(e);
    }
    while (bytes > maxBytes && !order.isEmpty()) {
      JournalEntry oldest = order.pollFirst();
      shards.get(oldest.shard()).remove(oldest.seq());
      bytes -= size(oldest);
    }
  }

  /** Reads through this cache: each range from memory as far as it holds it densely, the rest from {@code storage}. */
  ShardScan over(ShardScan storage) {
    if (maxBytes <= 0) return storage;
    return (ranges, limit) -> new CachedPass(storage, ranges, limit);
  }

  private static long size(JournalEntry e) {
    return OVERHEAD_BYTES + e.sizeEstimate();
  }

  /** One pass: storage is opened once, for the ranges memory does not start, or later for one that fell through. */
  private final class CachedPass implements ShardScan.Pass {
    private final ShardScan storage;
    private final int limit;
    private final Set<ShardScan.Range> uncached = new HashSet<>();
    private ShardScan.Pass storagePass;
    private final List<ShardScan.Pass> extra = new ArrayList<>();

    CachedPass(ShardScan storage, List<ShardScan.Range> ranges, int limit) {
      this.storage = storage;
      this.limit = limit;
      List<ShardScan.Range> fromStorage = new ArrayList<>();
      for (ShardScan.Range r : ranges) {
        ConcurrentSkipListMap<Long, JournalEntry> held = shards.get(r.shard());
        if (held == null || held.isEmpty() || held.firstKey() > r.from()) fromStorage.add(r);
      }
      uncached.addAll(fromStorage);
      if (!fromStorage.isEmpty()) storagePass = storage.open(fromStorage, limit);
    }

    @Override
    public void scan(ShardScan.Range range, int max, Predicate<JournalEntry> taker) {
      if (uncached.contains(range)) {
        storagePass.scan(range, max, taker);
        return;
      }
      long expected = range.from();
      int offered = 0;
      ConcurrentSkipListMap<Long, JournalEntry> held = shards.get(range.shard());
      Iterator<JournalEntry> it = held.subMap(range.from(), true, range.head(), true).values().iterator();
      while (offered < max && expected <= range.head()) {
        JournalEntry e = it.hasNext() ? it.next() : null;
        if (e == null || e.seq() != expected) break; // evicted meanwhile, or written by another node: storage
        offered++;
        expected++;
        if (!taker.test(e)) return;
      }
      if (offered < max && expected <= range.head()) {
        ShardScan.Range rest = new ShardScan.Range(range.shard(), expected, range.head());
        ShardScan.Pass fallback = storage.open(List.of(rest), limit);
        extra.add(fallback);
        fallback.scan(rest, max - offered, taker);
      }
    }

    @Override
    public void close() {
      if (storagePass != null) storagePass.close();
      extra.forEach(ShardScan.Pass::close);
    }
  }
}
