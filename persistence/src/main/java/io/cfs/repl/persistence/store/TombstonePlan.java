package io.cfs.repl.persistence.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@link MetadataStore#collectTombstones} removes, decided before anything is written: the rule, shared by
 * both backends. Each backend keeps an index of the tombstones it wrote, by (origin, shard, seq, inode); the index may
 * hold entries of tombstones a newer write has since replaced (it is not updated on the apply path, where it would
 * need the held value's kind), so every candidate is checked against the value held now.
 *
 * <p>A tombstone goes only when both hold:
 * <ul>
 *   <li>its entry is at or below its origin's stable seq of its shard: every site of the mesh has applied it, so none
 *       still holds (or can ship, or win a verify or resync with) the older live value the tombstone beat;</li>
 *   <li>its version is older than {@code olderThanHlc} (now less {@code tombstone-min-age}): a write older than the
 *       tombstone still in flight from a third site (a link paused, stopped on a gap, or a peer being resynced) is the
 *       one thing the first condition cannot see; past the min-age, such a write is taken as new.</li>
 * </ul>
 * A seq of 0 (a value written before seqs were stored, or repaired in by a tool) is never covered: what applied it is
 * unknown.
 */
final class TombstonePlan {
  /** An index entry: a tombstone of the origin's entry {@code seq} of {@code shard} was written to {@code inodeId}. */
  record Candidate(int shard, long seq, long inodeId) {
  }

  private final String origin;
  private final Map<Integer, Long> stable;
  private final long olderThanHlc;
  private final int max;
  private final List<Candidate> removed = new ArrayList<>();
  private final List<Candidate> stale = new ArrayList<>();

  TombstonePlan(String origin, Map<Integer, Long> stableSeqs, long olderThanHlc, int max) {
    if (max < 0) throw new IllegalArgumentException("max must be >= 0, was " + max);
    this.origin = origin;
    this.stable = new TreeMap<>(stableSeqs);
    this.olderThanHlc = olderThanHlc;
    this.max = max;
  }

  String origin() {
    return origin;
  }

  /** Per shard, the highest seq a removed tombstone may have; shards below seq 1 left out. */
  Map<Integer, Long> stable() {
    Map<Integer, Long> covered = new TreeMap<>();
    stable.forEach((shard, seq) -> {
      if (seq >= 1) covered.put(shard, seq);
    });
    return covered;
  }

  /** How many index entries one call looks at, at most: a round is bounded whatever the index holds. */
  int max() {
    return max;
  }

  /**
   * Decides one candidate against the value held for its inode now (null: none). A candidate whose tombstone is no
   * longer held (a newer write replaced it) only leaves the index; one too young stays for a later call.
   */
  void decide(Candidate c, StoredValue held) {
    if (c.seq() < 1 || c.seq() > stable.getOrDefault(c.shard(), 0L)) {
      throw new IllegalArgumentException(c + " is not covered by the stable seqs " + stable);
    }
    if (held == null || !held.tombstone() || held.seq() != c.seq() || held.shard() != c.shard()
        || !held.version().originSite().equals(origin)) {
      stale.add(c);
    } else if (held.version().hlc() < olderThanHlc) {
      removed.add(c);
    }
  }

  /** Tombstones to remove, value and index entry. */
  List<Candidate> removed() {
    return removed;
  }

  /** Index entries to drop: what they point at is no longer their tombstone. */
  List<Candidate> stale() {
    return stale;
  }

  boolean writesNothing() {
    return removed.isEmpty() && stale.isEmpty();
  }
}
