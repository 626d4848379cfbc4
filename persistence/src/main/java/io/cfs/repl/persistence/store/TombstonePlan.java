package io.cfs.repl.persistence.store;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>A call runs in two steps, so that the applies wait only for what is written. {@link #survey} looks at the index
 * without the apply lock and picks the entries the call would write; then, under the lock, {@link #decide} decides
 * each picked one again against the value held now. A survey looks at each shard in seq order and stops at the
 * first tombstone still held and too young: a shard's later deletes are nearly always younger (the index is in
 * entry order, and the entries in clock order but for the writers' clock offsets), so looking past it would only
 * re-read, round after round, tombstones that are not due. One behind it waits until that one is due: in wall time,
 * about the min-age after the younger one was appended plus the writers' clock offset (an hlc further ahead is
 * refused at append).
 */
final class TombstonePlan {
  /**
   * Index entries a survey reads at first per shard, doubled per read up to {@link #SURVEY_MAX_CHUNK}: a shard's first
   * young tombstone is usually among the first few, and a backlog of due ones is read in a few large reads.
   */
  static final int SURVEY_FIRST_CHUNK = 8;
  static final int SURVEY_MAX_CHUNK = 512;

  /**
   * An index entry: a tombstone of the origin's entry {@code seq} of {@code shard} was written to {@code inodeId}.
   * Usually one per (shard, seq), but not always: an origin whose history was forgotten starts its seqs again.
   */
  record Candidate(int shard, long seq, long inodeId) {
  }

  /** What a survey reads of one backend, without the apply lock. */
  interface Index {
    /**
     * At most {@code limit} index entries of the origin in {@code shard} with seqs from 1 to {@code uptoSeq}, in the
     * index's order (seq, then inode), those after {@code last} (null: from the first).
     */
    List<Candidate> after(int shard, Candidate last, long uptoSeq, int limit);

    /** The values held now for {@code inodeIds}; absent inodes left out. */
    Map<Long, StoredValue> held(Set<Long> inodeIds);
  }

  private enum Outcome { REMOVE, STALE, YOUNG }

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

  /** Per shard, the highest seq a removed tombstone may have; shards below seq 1 left out. */
  Map<Integer, Long> stable() {
    Map<Integer, Long> covered = new TreeMap<>();
    stable.forEach((shard, seq) -> {
      if (seq >= 1) covered.put(shard, seq);
    });
    return covered;
  }

  /**
   * Decides one candidate against the value held for its inode now (null: none). A candidate whose tombstone is no
   * longer held (a newer write replaced it) only leaves the index; one too young stays for a later call.
   */
  void decide(Candidate c, StoredValue held) {
    switch (outcome(c, held)) {
      case STALE -> stale.add(c);
      case REMOVE -> removed.add(c);
      case YOUNG -> { }
    }
  }

  private Outcome outcome(Candidate c, StoredValue held) {
    if (c.seq() < 1 || c.seq() > stable.getOrDefault(c.shard(), 0L)) {
      throw new IllegalArgumentException(c + " is not covered by the stable seqs " + stable);
    }
    if (held == null || !held.tombstone() || held.seq() != c.seq() || held.shard() != c.shard()
        || !held.version().originSite().equals(origin)) {
      return Outcome.STALE;
    }
    return held.version().hlc() < olderThanHlc ? Outcome.REMOVE : Outcome.YOUNG;
  }

  /**
   * The index entries this call would write (removed or dropped as stale), read from {@code index} without the apply
   * lock: each shard in seq order up to its first young tombstone, at most {@code max} index entries read in all.
   * Decides nothing: {@link #decide} each again under the lock, against the values held then.
   */
  List<Candidate> survey(Index index) {
    List<Candidate> due = new ArrayList<>();
    int looked = 0;
    for (Map.Entry<Integer, Long> shard : stable().entrySet()) {
      Candidate last = null;
      int chunk = SURVEY_FIRST_CHUNK;
      boolean more = true;
      while (more && looked < max) {
        int limit = Math.min(chunk, max - looked);
        chunk = Math.min(SURVEY_MAX_CHUNK, chunk * 2);
        List<Candidate> read = index.after(shard.getKey(), last, shard.getValue(), limit);
        looked += read.size();
        Map<Long, StoredValue> held = read.isEmpty() ? Map.of() : index.held(inodes(read));
        more = read.size() == limit;
        for (Candidate c : read) {
          if (outcome(c, held.get(c.inodeId())) == Outcome.YOUNG) {
            more = false;
            break;
          }
          due.add(c);
          last = c;
        }
      }
    }
    return due;
  }

  /** The distinct inodes of {@code candidates}, in order. */
  static Set<Long> inodes(List<Candidate> candidates) {
    Set<Long> inodes = new LinkedHashSet<>();
    candidates.forEach(c -> inodes.add(c.inodeId()));
    return inodes;
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
