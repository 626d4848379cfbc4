package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.List;
import java.util.function.Predicate;

/**
 * What {@link FairBatchReader} needs of a journal's storage: the entries of some shards from a seq on, one pass over
 * a set of shards at a time. The reader decides what to take; the storage only decides how to fetch it.
 */
interface ShardScan {

  /** Seqs {@code from} to {@code head} (both inclusive) of one shard. */
  record Range(int shard, long from, long head) {
  }

  /**
   * Opens a pass over {@code ranges}: the reader then scans each of them at most once, in that order, taking at most
   * {@code limit} entries of each. Storage that pays a round trip per read fetches every range here, in one query;
   * embedded storage may read lazily, as the reader takes.
   */
  Pass open(List<Range> ranges, int limit);

  /** One pass, closed once the reader is done with it. */
  @FunctionalInterface
  interface Pass extends AutoCloseable {
    /**
     * Offers the range's entries in seq order, never past its head and at most {@code max} of them, until
     * {@code taker} declines one.
     */
    void scan(Range range, int max, Predicate<JournalEntry> taker);

    @Override
    default void close() {
    }
  }
}
