package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.shard.Gap;
import io.cfs.repl.model.shard.ShardPosition;
import java.util.List;
import java.util.Map;

/**
 * Outcome of one atomic apply.
 *
 * @param applied entries newly applied (winners and losers alike: both advance the watermark)
 * @param skipped entries at or below the watermark (already applied earlier)
 * @param lost entries that lost last-write-wins against the stored value (a {@link WriteConflict} too, unless the value
 *     held had been written knowing them)
 * @param watermarks per shard present in the batch, the highest applied seq after this apply
 * @param gaps shards refused because their first new entry did not follow the watermark
 * @param previousWatermarks per shard present in the batch, the applied watermark before this apply
 * @param lostEntries where the {@code lost} entries of the batch are (shard, seq), in batch order; the audit trail
 *     ({@link MetadataStore#conflicts}) holds what each lost to
 * @param conflicts the conflicts this apply recorded, as stored (with their ids), in batch order
 */
public record ApplyResult(int applied, int skipped, int lost, Map<Integer, Long> watermarks, List<Gap> gaps,
                          Map<Integer, Long> previousWatermarks, List<ShardPosition> lostEntries,
                          List<WriteConflict> conflicts) {

  /** How one entry of the applied batch fared ({@link #outcome}). */
  public enum Outcome {
    /** Newly applied and kept by last-write-wins (until a later entry of its own origin replaced it). */
    WON,
    /** Newly applied (its watermark advanced) but older than the value held: kept out of the store. */
    LOST,
    /** At or below the watermark: applied by an earlier apply (a re-delivery); this apply decided nothing. */
    SKIPPED,
    /** In a shard refused for a gap: not applied. */
    REFUSED
  }

  public ApplyResult {
    watermarks = Map.copyOf(watermarks);
    gaps = List.copyOf(gaps);
    previousWatermarks = Map.copyOf(previousWatermarks);
    lostEntries = List.copyOf(lostEntries);
    conflicts = List.copyOf(conflicts);
  }

  /** The counts and watermarks alone (tests, keep-alives): no previous watermarks, no lost entries named. */
  public ApplyResult(int applied, int skipped, int lost, Map<Integer, Long> watermarks, List<Gap> gaps) {
    this(applied, skipped, lost, watermarks, gaps, Map.of(), List.of(), List.of());
  }

  /**
   * How {@code entry}, one of the entries this apply was given, fared. Scans {@link #gaps()} and
   * {@link #lostEntries()}: meant for the few entries a caller asks about (old-epoch entries, audits), not for every
   * entry of every batch.
   */
  public Outcome outcome(JournalEntry entry) {
    if (entry.seq() <= previousWatermarks.getOrDefault(entry.shard(), 0L)) return Outcome.SKIPPED;
    for (Gap gap : gaps) {
      if (gap.shard() == entry.shard()) return Outcome.REFUSED;
    }
    for (ShardPosition position : lostEntries) {
      if (position.shard() == entry.shard() && position.seq() == entry.seq()) return Outcome.LOST;
    }
    return Outcome.WON;
  }
}
