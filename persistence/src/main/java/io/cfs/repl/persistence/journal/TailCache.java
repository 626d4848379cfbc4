package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The most recent durable entries this journal wrote, held as the objects the writer already has, so that the tails
 * (the local applier and one replicator per peer, each reading what was just appended) take them from memory instead
 * of seeking, reading and decoding every shard in storage for every batch. On a quiet link that per-shard read was
 * most of the CPU of a batch of a few entries.
 *
 * <p>An entry is held only until every tail of this node has read it ({@link Mark}), and never beyond
 * {@code maxBytes}: a tail that keeps up reads an entry within milliseconds of its write, so the entry dies young
 * instead of living through young collections, each copying it, until {@code maxBytes} pushed it out (at 10K entries
 * per second 64 MiB held 18 s of entries: 8 MiB copied every collection, measured). A tail behind (a link catching
 * up) keeps what it has not read, as far as {@code maxBytes} goes. With no tail open nothing is added, and what was
 * held is let go at the next write. A link that reconnects, or a peer back from an outage (no tail open for it while
 * it was away), reads what it had not had acknowledged from storage.
 *
 * <p>Each shard keeps its run of consecutive seqs in a ring: a lookup is an index, not a search (a sorted map here
 * cost more CPU than the reads it saved). Only the journal's writer adds (after the write returned, before the heads
 * move, so a reader that sees a head finds its entry here or in storage) and evicts (oldest first, beyond
 * {@code maxBytes}). Readers take only what is dense from the range's start: an entry evicted or never held (a site of
 * several nodes writes one journal) sends the rest of the range to storage, so the cache can only save reads, never
 * lose or reorder an entry. Collection does not touch it: the journal checks a read against the horizons before the
 * cache is asked ({@link JournalHorizon}), so collected entries it still holds are never served, and it lets them go
 * as it evicts, oldest first, like any other.
 */
final class TailCache {
  /** Per entry, besides its payload and site: the object and its slot. */
  private static final long OVERHEAD_BYTES = 120;

  private final long maxBytes;
  private final Map<Integer, ShardRing> shards = new ConcurrentHashMap<>();
  private final ArrayDeque<JournalEntry> order = new ArrayDeque<>(); // the writer only
  private volatile Mark[] marks = new Mark[0]; // replaced, never changed in place
  private long bytes; // the writer only

  TailCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The writer: {@code written} are durable, in seq order per shard, each one past the shard's head. */
  void added(List<JournalEntry> written) {
    if (maxBytes <= 0) return;
    Mark[] tails = marks;
    for (int i = 0; i < written.size() && tails.length > 0; i++) {
      JournalEntry e = written.get(i);
      shards.computeIfAbsent(e.shard(), s -> new ShardRing()).add(e);
      order.addLast(e);
      bytes += size(e);
    }
    while (!order.isEmpty() && (bytes > maxBytes || readByAll(tails, order.peekFirst()))) {
      JournalEntry oldest = order.pollFirst();
      shards.get(oldest.shard()).evict(oldest.seq());
      bytes -= size(oldest);
    }
  }

  private static boolean readByAll(Mark[] tails, JournalEntry e) {
    for (Mark m : tails) {
      if (!m.hasRead(e.shard(), e.seq())) return false;
    }
    return true;
  }

  /** A tail opens, having read up to {@code positions} (per shard, the last seq consumed): held for it from now on. */
  Mark open(Map<Integer, Long> positions) {
    Mark mark = new Mark(positions);
    if (maxBytes > 0) {
      synchronized (this) {
        Mark[] more = Arrays.copyOf(marks, marks.length + 1);
        more[marks.length] = mark;
        marks = more;
      }
    }
    return mark;
  }

  /**
   * How far one tail has read: its positions (per shard, the last seq consumed), which the tail reads from and moves
   * as it emits, and the writer reads to let go of what every open tail has read. A stale read on the writer only
   * holds an entry a little longer.
   */
  final class Mark {
    private final Map<Integer, Long> positions;

    private Mark(Map<Integer, Long> positions) {
      this.positions = new ConcurrentHashMap<>(positions);
    }

    /** The tail's positions: it alone moves them. */
    Map<Integer, Long> positions() {
      return positions;
    }

    boolean hasRead(int shard, long seq) {
      Long last = positions.get(shard);
      return last != null && last >= seq;
    }

    /** The tail ended: nothing is held for it any more. */
    void close() {
      synchronized (TailCache.this) {
        marks = Arrays.stream(marks).filter(m -> m != this).toArray(Mark[]::new);
      }
    }
  }

  /**
   * {@code reader}'s next batch from memory alone, or null when part of it is held only in storage (or the cache is
   * off). Never blocks: a read that would open storage ends instead, and nothing of it is taken.
   */
  List<JournalEntry> readHeld(FairBatchReader reader, Map<Integer, Long> heads, Map<Integer, Long> positions,
                              int maxEntries, long maxBytes) {
    try {
      return reader.read(heads, positions, maxEntries, maxBytes, over(NOT_HELD));
    } catch (NotHeld e) {
      return null;
    }
  }

  /** Reads through this cache: each range from memory as far as it holds it densely, the rest from {@code storage}. */
  ShardScan over(ShardScan storage) {
    if (maxBytes <= 0) return storage;
    return (ranges, limit) -> new CachedPass(storage, ranges, limit);
  }

  /** Thrown where a read would open storage; preallocated, without a trace: it only ends a read that memory misses. */
  private static final class NotHeld extends RuntimeException {
    NotHeld() {
      super(null, null, false, false);
    }
  }

  private static final NotHeld MISSED = new NotHeld();
  private static final ShardScan NOT_HELD = (ranges, limit) -> {
    throw MISSED;
  };

  private static long size(JournalEntry e) {
    return OVERHEAD_BYTES + e.sizeEstimate();
  }

  /**
   * The held entries of one shard: consecutive seqs from {@code first}, oldest at {@code start} of a circular array.
   * An entry that does not follow the last one (another node wrote the seqs between) starts a new run.
   */
  private static final class ShardRing {
    private JournalEntry[] slots = new JournalEntry[64];
    private int start;
    private int count;
    private long first;

    synchronized void add(JournalEntry e) {
      if (count > 0 && e.seq() != first + count) clear();
      if (count == 0) first = e.seq();
      if (count == slots.length) grow();
      slots[(start + count) % slots.length] = e;
      count++;
    }

    /** Drops the oldest entry if it is {@code seq} (it is not if a newer run replaced it). */
    synchronized void evict(long seq) {
      if (count == 0 || first != seq) return;
      slots[start] = null;
      start = (start + 1) % slots.length;
      count--;
      first++;
    }

    /** Whether the ring holds {@code seq}, or nothing older than it. */
    synchronized boolean startsAtOrBefore(long seq) {
      return count > 0 && first <= seq;
    }

    /** The held entries from {@code from} on, at most {@code max} and none past {@code head}; empty if none held. */
    synchronized List<JournalEntry> copy(long from, long head, int max) {
      if (count == 0 || from < first || from >= first + count) return List.of();
      int n = (int) Math.min(Math.min(max, first + count - from), head - from + 1);
      List<JournalEntry> out = new ArrayList<>(n);
      int offset = (int) (from - first);
      for (int i = 0; i < n; i++) out.add(slots[(start + offset + i) % slots.length]);
      return out;
    }

    private void clear() {
      Arrays.fill(slots, null);
      start = 0;
      count = 0;
    }

    private void grow() {
      JournalEntry[] bigger = new JournalEntry[slots.length * 2];
      for (int i = 0; i < count; i++) bigger[i] = slots[(start + i) % slots.length];
      slots = bigger;
      start = 0;
    }
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
        ShardRing held = shards.get(r.shard());
        if (held == null || !held.startsAtOrBefore(r.from())) fromStorage.add(r);
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
      // evicted meanwhile, or written by another node: what memory does not hold densely comes from storage
      List<JournalEntry> held = shards.get(range.shard()).copy(range.from(), range.head(), max);
      for (JournalEntry e : held) {
        if (!taker.test(e)) return;
      }
      long expected = range.from() + held.size();
      int offered = held.size();
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
