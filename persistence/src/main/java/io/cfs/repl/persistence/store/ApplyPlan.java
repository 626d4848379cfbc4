package io.cfs.repl.persistence.store;

import io.cfs.repl.model.shard.Gap;
import io.cfs.repl.model.shard.ShardPosition;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one apply will write, decided before anything is written: which entries are new (watermark and gap checks per
 * shard), then which of them win last-write-wins against the values held (stored, or written earlier in the same
 * batch, since one inode may change many times in a batch).
 *
 * <p>LWW records: an incoming entry that is older than the held value is a loser (loser = entry, winner = held);
 * an incoming entry that replaces a value written by another site records the replaced value as a loser too (loser =
 * held, winner = entry), so the audit trail shows both sides of a concurrent write whichever side won. An entry whose
 * version equals the held one is the same write seen again and records nothing.
 */
final class ApplyPlan {
  private final List<JournalEntry> accepted = new ArrayList<>();
  private final Map<Integer, Long> watermarks = new HashMap<>();
  private final Map<Integer, Long> previousWatermarks = new HashMap<>();
  private final Map<Integer, Long> advanced = new HashMap<>();
  private final List<Gap> gaps = new ArrayList<>();
  private final Map<Long, StoredValue> winners = new LinkedHashMap<>();
  private final List<LwwLoser> losers = new ArrayList<>();
  private final List<ShardPosition> lostEntries = new ArrayList<>();
  private int skipped;
  private int lost;

  /**
   * Per shard: entries at or below the watermark are skipped; the rest must be watermark + 1, + 2, ... without a
   * hole, or the shard's whole part of the batch is refused as a gap.
   */
  ApplyPlan(Map<Integer, Long> currentWatermarks, List<JournalEntry> entries) {
    Map<Integer, List<JournalEntry>> byShard = new LinkedHashMap<>();
    entries.forEach(e -> byShard.computeIfAbsent(e.shard(), s -> new ArrayList<>()).add(e));
    byShard.forEach((shard, shardEntries) -> {
      long watermark = currentWatermarks.getOrDefault(shard, 0L);
      previousWatermarks.put(shard, watermark);
      long expected = watermark + 1;
      List<JournalEntry> fresh = new ArrayList<>();
      for (JournalEntry e : shardEntries) {
        if (fresh.isEmpty() && e.seq() <= watermark) {
          skipped++;
        } else if (e.seq() != expected) {
          gaps.add(new Gap(shard, expected, e.seq()));
          watermarks.put(shard, watermark);
          return;
        } else {
          fresh.add(e);
          expected++;
        }
      }
      accepted.addAll(fresh);
      watermarks.put(shard, expected - 1);
      if (!fresh.isEmpty()) advanced.put(shard, expected - 1);
    });
  }

  /** A batch is one origin's: a valid site id that every entry carries. */
  static void requireOrigin(String originSite, List<JournalEntry> entries) {
    JournalEntry.validateSiteId(originSite);
    for (JournalEntry e : entries) {
      if (!e.originSite().equals(originSite)) {
        throw new IllegalArgumentException("batch from " + originSite + " holds an entry of " + e.originSite());
      }
    }
  }

  /** Inode ids the accepted entries touch, whose held values {@link #resolve} needs. */
  Set<Long> inodes() {
    Set<Long> ids = new LinkedHashSet<>();
    accepted.forEach(e -> ids.add(e.inodeId()));
    return ids;
  }

  /**
   * Decides last-write-wins for every accepted entry, in order. {@code held} holds the versions stored (absent: no
   * value stored).
   */
  void resolve(Map<Long, Version> held, long nowMillis) {
    Map<Long, Version> current = new HashMap<>(held);
    for (JournalEntry e : accepted) {
      Version before = current.get(e.inodeId());
      Version incoming = e.version();
      if (before == null || incoming.isNewerThan(before)) {
        if (before != null && !before.originSite().equals(incoming.originSite())) {
          losers.add(new LwwLoser(e.inodeId(), e.shard(), before, incoming, nowMillis));
        }
        StoredValue after = new StoredValue(e.inodeId(), e.shard(), incoming, e.op(), e.op().isDelete(),
            e.schemaVersion(), e.payload());
        current.put(e.inodeId(), incoming);
        winners.put(e.inodeId(), after);
      } else if (before.isNewerThan(incoming)) {
        losers.add(new LwwLoser(e.inodeId(), e.shard(), incoming, before, nowMillis));
        lostEntries.add(new ShardPosition(e.shard(), e.seq()));
        lost++;
      }
    }
  }

  boolean writesNothing() {
    return accepted.isEmpty();
  }

  /** Values to write, one per inode: the last winner of the batch. */
  Map<Long, StoredValue> winners() {
    return winners;
  }

  List<LwwLoser> losers() {
    return losers;
  }

  /** Watermarks to write: shards that accepted entries, to their last accepted seq. */
  Map<Integer, Long> advanced() {
    return advanced;
  }

  ApplyResult result() {
    return new ApplyResult(accepted.size(), skipped, lost, watermarks, gaps, previousWatermarks, lostEntries);
  }
}
