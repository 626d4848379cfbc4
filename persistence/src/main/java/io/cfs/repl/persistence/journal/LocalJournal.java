package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The local replication journal: every metadata change of this site, durable before it is acknowledged.
 *
 * <p>Invariants:
 * <ul>
 *   <li>per shard, stored seqs are dense from 1 (or from the GC horizon, {@link #horizon(int)}) to
 *       {@link #headSeq(int)}; a read that starts below the horizon fails, it never skips to what is held;</li>
 *   <li>an append completes successfully only after its entries are durable (fsync'd, group-committed);</li>
 *   <li>a rejected append writes nothing; re-appending entries already held with the same content succeeds
 *       and writes nothing (so clients may always retry);</li>
 *   <li>an entry is stored with the epoch it carries; "the same content" ignores the epoch
 *       ({@link JournalEntry#sameContent}), so the retry of an entry held with another epoch (stamped before a
 *       promotion, retried after it) is a duplicate and the held entry keeps the epoch it was first written in;</li>
 *   <li>only entries whose origin is the local site are accepted.</li>
 * </ul>
 */
public interface LocalJournal extends AutoCloseable {

  /** The site whose entries this journal holds. */
  String localSite();

  /**
   * The id of this journal's history, created once when the journal was created and the same on every open after
   * (and, on a journal shared by the nodes of a site, on every node). A journal created anew, on a wiped data dir or
   * an emptied database, gets a new id: its seqs start over with other content, and peers that applied the old
   * history tell the two apart by this id. Known from open on, so reading it does no I/O.
   */
  UUID incarnation();

  /**
   * Appends entries durably. Entries may span shards; per shard they must continue that shard's head without gap.
   * The stage fails with {@link AppendRejectedException} (nothing written) or completes once durable.
   */
  CompletionStage<AppendResult> append(List<JournalEntry> entries);

  /** Highest seq held for the shard, 0 if none. */
  long headSeq(int shard);

  /** Snapshot of the head seq of every shard that holds entries. */
  Map<Integer, Long> heads();

  /** Reads up to {@code maxEntries} entries of one shard starting at {@code fromSeq} (inclusive), in seq order. */
  List<JournalEntry> read(int shard, long fromSeq, int maxEntries);

  /**
   * Reads the next batch after the given per-shard positions (position = last seq already consumed; absent = 0),
   * bounded by count and bytes, taking from every shard that has entries beyond its position.
   * Returns an empty list when nothing is beyond the positions.
   */
  List<JournalEntry> readBatch(Map<Integer, Long> positions, int maxEntries, long maxBytes);

  /**
   * A source that tails the journal from the given positions: emits non-empty batches (bounded as in
   * {@link #readBatch}) as demand allows, and when caught up waits for the next append instead of polling hot.
   * Never completes on its own; fails when the journal closes. Its reads block, so run it on a blocking dispatcher
   * ({@code .async(dispatcher, 1)}), or give it an executor for them ({@link #tail(Map, int, LongSupplier, Executor)}).
   */
  default Source<List<JournalEntry>, NotUsed> tail(Map<Integer, Long> positions, int maxEntries, long maxBytes) {
    return tail(positions, maxEntries, () -> maxBytes, null);
  }

  /**
   * A tail whose byte bound is asked before each read, so its owner may change it while the tail runs (a link whose
   * throttle changes ships batches sized to the new rate without reconnecting). Every value must be at least 1.
   *
   * <p>With {@code reads}, the tail may run on any dispatcher: what it takes from memory (what was just appended, for
   * a tail that keeps up) it reads in place, and it hands every read that needs storage to {@code reads}. Null: every
   * read runs in place, and may block.
   */
  Source<List<JournalEntry>, NotUsed> tail(Map<Integer, Long> positions, int maxEntries, LongSupplier maxBytes,
                                           Executor reads);

  /**
   * The lowest seq of {@code shard} still held: 1 while nothing of it was collected. A read from below it fails with
   * {@link JournalCollectedException} (reads that ask for nothing past a position that is caught up never fail).
   */
  long horizon(int shard);

  /**
   * Collects, per shard, the entries up to the given seq (inclusive): they are removed for good and reads from below
   * the new horizon fail with {@link JournalCollectedException}. The caller decides what may go (every peer has
   * acknowledged it and the local apply has passed it); the journal only keeps its own rules: the head entry of a
   * shard is never collected (so the request is lowered below it), and a horizon never moves back (a request at or
   * below it does nothing). Shards not named, or without entries, are left alone. Blocks: call it on a storage
   * thread.
   *
   * @return the entries removed
   */
  long collect(Map<Integer, Long> upToInclusive);

  /** What the journal holds now (entries, bytes, its oldest entry), for status, metrics and its cap. Blocks. */
  JournalFootprint footprint();

  /** Hybrid logical timestamp (hlc) of the entry at (shard, seq), if held; used for lag in time. */
  java.util.OptionalLong hlcAt(int shard, long seq);

  /**
   * How far the positions (per shard, the last seq consumed; absent = 0) are behind the heads: a head read per shard
   * and a point read per shard behind. Implementations on a remote database answer it in one round trip.
   */
  default JournalLag lagBehind(Map<Integer, Long> positions) {
    long entries = 0;
    long oldest = 0;
    for (Map.Entry<Integer, Long> head : heads().entrySet()) {
      long position = positions.getOrDefault(head.getKey(), 0L);
      if (head.getValue() > position) {
        entries += head.getValue() - position;
        java.util.OptionalLong hlc = hlcAt(head.getKey(), position + 1);
        if (hlc.isPresent() && (oldest == 0 || hlc.getAsLong() < oldest)) oldest = hlc.getAsLong();
      }
    }
    return new JournalLag(entries, oldest);
  }

  @Override
  void close();
}
