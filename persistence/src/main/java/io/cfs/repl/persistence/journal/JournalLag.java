package io.cfs.repl.persistence.journal;

/**
 * How far a set of per-shard positions is behind the journal's heads.
 *
 * @param entries entries beyond the positions, all shards
 * @param oldestHlc hlc (epoch ns) of the oldest entry beyond the positions, 0 when none is
 */
public record JournalLag(long entries, long oldestHlc) {
  public static final JournalLag NONE = new JournalLag(0, 0);
}
