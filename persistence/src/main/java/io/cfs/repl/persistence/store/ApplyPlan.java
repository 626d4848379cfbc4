package io.cfs.repl.persistence.store;

import io.cfs.repl.model.shard.Gap;
import io.cfs.repl.model.shard.ShardPosition;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Seen;
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
 * batch, since one inode may change many times in a batch), and which meet a write they had not seen
 * ({@link WriteConflict} holds the rule).
 *
 * <p>Every accepted entry adds what its writer had seen to what the site knows of its inode, winner or loser: a value
 * that stays held but learns something is written back with the larger knowledge, which needs its payload. So
 * deciding takes two steps: {@link #resolve} against the held versions (cheap, often cached), then, if any held value
 * must be written back, {@link #complete} with those values read whole ({@link #heldToRewrite}).
 */
final class ApplyPlan {
  /**
   * What LWW and the conflict rule need of a held value: not its payload. {@code seen} and {@code knowledge} as in
   * {@link StoredValue} (beyond the value's own write).
   */
  record Held(Version version, long seq, Seen seen, Seen knowledge) {
    static Held of(StoredValue v) {
      return new Held(v.version(), v.seq(), v.seen(), v.knowledge());
    }

    Seen knowledgeWithSelf() {
      return knowledge.with(version.originSite(), seq);
    }
  }

  /** Per inode, what the batch has decided so far. {@code value} is null while the held value stays, unread. */
  private static final class Slot {
    Version version;
    long seq;
    /** What the held value's writer had seen, its own write included. */
    Seen saw;
    Seen known;
    StoredValue value;
    boolean knowledgeChanged;

    // Each vector below is built once per slot and shared where two are equal: an inode only its origin writes
    // holds empty vectors, and building the same one-site vector three times an entry was a tenth of a peer's
    // allocation.
    Slot(Held held) {
      version = held.version();
      seq = held.seq();
      saw = held.seen().with(version.originSite(), seq);
      known = held.knowledge().equals(held.seen()) ? saw : held.knowledgeWithSelf();
    }

    Slot(JournalEntry e) {
      Seen saw = e.seenWithSelf();
      take(e, e.version(), saw, saw);
    }

    /** {@code version} and {@code saw} are {@code e.version()} and {@code e.seenWithSelf()}. */
    void take(JournalEntry e, Version version, Seen saw, Seen knownNow) {
      this.version = version;
      seq = e.seq();
      this.saw = saw;
      known = knownNow;
      value = new StoredValue(e.inodeId(), e.shard(), version, e.op(), e.op().isDelete(), e.schemaVersion(),
          e.payload(), e.seq(), e.seen(), knownNow);
    }
  }

  private final List<JournalEntry> accepted = new ArrayList<>();
  private final Map<Integer, Long> watermarks = new HashMap<>();
  private final Map<Integer, Long> previousWatermarks = new HashMap<>();
  private final Map<Integer, Long> advanced = new HashMap<>();
  private final List<Gap> gaps = new ArrayList<>();
  private final Map<Long, Slot> slots;
  private final Map<Long, StoredValue> writes;
  private final List<WriteConflict> conflicts = new ArrayList<>();
  private final List<ShardPosition> lostEntries = new ArrayList<>();
  private int skipped;
  private int lost;

  /**
   * Per shard: entries at or below the watermark are skipped; the rest must be watermark + 1, + 2, ... without a
   * hole, or the shard's whole part of the batch is refused as a gap.
   */
  ApplyPlan(Map<Integer, Long> currentWatermarks, List<JournalEntry> entries) {
    // maps sized for the batch up front: growing them an entry at a time rehashed every entry log(n) times
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
    slots = new LinkedHashMap<>(capacityFor(accepted.size()));
    writes = new LinkedHashMap<>(capacityFor(accepted.size()));
  }

  /** The initial capacity of a hash map that holds {@code n} entries without growing. */
  static int capacityFor(int n) {
    return (int) (n / 0.75f) + 1;
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
    Set<Long> ids = new LinkedHashSet<>(capacityFor(accepted.size()));
    accepted.forEach(e -> ids.add(e.inodeId()));
    return ids;
  }

  /**
   * Decides last-write-wins and conflicts for every accepted entry, in order. {@code held} holds what is stored for
   * the inodes (absent: no value stored).
   */
  void resolve(Map<Long, Held> held, long nowMillis) {
    for (JournalEntry e : accepted) {
      Slot slot = slots.get(e.inodeId());
      if (slot == null) {
        Held stored = held.get(e.inodeId());
        if (stored == null) {
          slots.put(e.inodeId(), new Slot(e));
          continue;
        }
        slot = new Slot(stored);
        slots.put(e.inodeId(), slot);
      }
      decide(slot, e, nowMillis);
    }
    slots.forEach((inode, slot) -> {
      if (slot.value != null) writes.put(inode, slot.value);
    });
  }

  private void decide(Slot slot, JournalEntry e, long nowMillis) {
    Version incoming = e.version();
    if (incoming.equals(slot.version)) return; // the same write (a repair brought it first): nothing to decide
    Seen saw = e.seenWithSelf();
    boolean known = slot.known.covers(e.originSite(), e.seq());
    Seen knownAfter = slot.known.merge(saw);
    boolean wins = incoming.isNewerThan(slot.version);
    boolean sawHeld = saw.covers(slot.version.originSite(), slot.seq);
    // a winner replaces what it had not seen even when the site knew of it already (through a write that had seen
    // it and lost); a loser the site knew of was superseded knowingly
    if (wins ? !sawHeld : !known) {
      boolean heldSawEntry = slot.saw.covers(e.originSite(), e.seq());
      conflicts.add(new WriteConflict(0, nowMillis, e.inodeId(), e.shard(), slot.version, slot.seq, slot.known,
          incoming, e.seq(), saw, !sawHeld && !heldSawEntry));
    }
    if (wins) {
      slot.take(e, incoming, saw, knownAfter);
    } else {
      lostEntries.add(new ShardPosition(e.shard(), e.seq()));
      lost++;
      if (!knownAfter.equals(slot.known)) {
        slot.known = knownAfter;
        slot.knowledgeChanged = true;
        if (slot.value != null) slot.value = slot.value.withKnowledge(knownAfter);
      }
    }
  }

  /** Held values, not replaced by the batch, that learnt something and are written back: read them whole. */
  Set<Long> heldToRewrite() {
    Set<Long> ids = new LinkedHashSet<>();
    slots.forEach((inode, slot) -> {
      if (slot.value == null && slot.knowledgeChanged) ids.add(inode);
    });
    return ids;
  }

  /** Completes the plan with the values of {@link #heldToRewrite}, read under the same lock as the held versions. */
  void complete(Map<Long, StoredValue> heldValues) {
    for (Long inode : heldToRewrite()) {
      StoredValue value = heldValues.get(inode);
      if (value == null) throw new IllegalStateException("inode " + inode + " was held and is gone under the lock");
      writes.put(inode, value.withKnowledge(slots.get(inode).known));
    }
  }

  boolean writesNothing() {
    return accepted.isEmpty();
  }

  /** Values to write, one per inode: the last winner of the batch, or the held value with what it learnt. */
  Map<Long, StoredValue> writes() {
    return writes;
  }

  /** Conflicts met, in batch order, without ids (the store assigns them as it writes). */
  List<WriteConflict> conflicts() {
    return conflicts;
  }

  /** Watermarks to write: shards that accepted entries, to their last accepted seq. */
  Map<Integer, Long> advanced() {
    return advanced;
  }

  /** The outcome, with the conflicts as stored (ids assigned). */
  ApplyResult result(List<WriteConflict> storedConflicts) {
    return new ApplyResult(accepted.size(), skipped, lost, watermarks, gaps, previousWatermarks, lostEntries,
        storedConflicts);
  }

  /** The outcome of a plan that wrote nothing. */
  ApplyResult result() {
    return result(List.of());
  }
}
