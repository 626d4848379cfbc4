package io.cfs.repl.persistence.journal;

/**
 * What a journal holds now, for status and metrics.
 *
 * @param entries entries held, all shards (per shard: its head minus what was collected)
 * @param bytes bytes the journal holds: on RocksDB the entries held times the mean encoded size of the oldest entry
 *     held of each shard (its files follow as compaction reclaims what was collected); on PostgreSQL an estimate, the site's share by rows of the {@code cfs_journal} table with its
 *     indexes and TOAST ({@code pg_total_relation_size}), which several sites may share
 * @param oldestHlc hlc (epoch ns) of the oldest entry held: the lowest seq held of each shard, the earliest of those;
 *     0 when nothing is held
 */
public record JournalFootprint(long entries, long bytes, long oldestHlc) {
  public static final JournalFootprint EMPTY = new JournalFootprint(0, 0, 0);
}
