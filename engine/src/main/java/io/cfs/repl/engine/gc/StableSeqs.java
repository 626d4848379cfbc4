package io.cfs.repl.engine.gc;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per origin and shard, the "stable" seq: every site of the mesh has applied the origin's entries up to it. Tombstone
 * collection needs it ({@link JournalCollector}): a tombstone whose entry is stable can be held by no site as the older
 * live value it beat.
 *
 * <p>One per node, in memory. This site's own stable seqs are what this node's journal collector last computed (every
 * peer's persisted cursor and the local apply's watermark); its replicators ship them in every batch. Another origin's
 * are the last its batches carried, recorded by the receiver. Nothing of it is persisted: after a restart, or on a
 * node where the collector (or a peer's link) does not run, it holds nothing, so nothing is collected for it until it
 * is heard again. That is always safe: a stable seq only ever allows collection, never requires it.
 *
 * <p>An origin's seqs are replaced, never merged with what was heard before: after a resync or a new incarnation of
 * the origin's journal its positions may restart lower, and the latest word of the origin is the only true one.
 */
public final class StableSeqs {
  private volatile Map<Integer, Long> own = Map.of();
  private final Map<String, Map<Integer, Long>> heard = new ConcurrentHashMap<>();

  /** Per shard the lowest of {@code positions} (absent shard: 0), over {@code shards}; only positive seqs kept. */
  public static Map<Integer, Long> lowest(Set<Integer> shards, Collection<Map<Integer, Long>> positions) {
    Map<Integer, Long> stable = new TreeMap<>();
    for (Integer shard : shards) {
      long low = Long.MAX_VALUE;
      for (Map<Integer, Long> p : positions) low = Math.min(low, p.getOrDefault(shard, 0L));
      if (low >= 1 && low != Long.MAX_VALUE) stable.put(shard, low);
    }
    return Map.copyOf(stable);
  }

  /** What this node's collector computed for this site's own entries (empty: nothing known). */
  public void publishOwn(Map<Integer, Long> stable) {
    own = Map.copyOf(stable);
  }

  /** This site's own stable seqs, as last published here; empty when none were. */
  public Map<Integer, Long> own() {
    return own;
  }

  /** Records the stable seqs a batch of {@code origin} carried, in place of what was heard before. */
  public void heard(String origin, Map<Integer, Long> stable) {
    heard.put(origin, Map.copyOf(stable));
  }

  /** Per origin heard of (not this site), its stable seqs. */
  public Map<String, Map<Integer, Long>> heard() {
    return Map.copyOf(heard);
  }
}
