package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.StorageException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntToLongFunction;

/**
 * The rules of journal collection, shared by every backend, so that "collected" means the same on each.
 *
 * <p>Per shard a journal remembers how far it collected ({@code collectedThrough}, 0 while nothing was) and holds
 * exactly the seqs {@code collectedThrough + 1 .. head}; the horizon of a shard is {@code collectedThrough + 1}, the
 * lowest seq still held. Invariants:
 * <ul>
 *   <li>the head entry of a shard is never collected, so a shard that was ever written holds at least one entry:
 *       heads recover from the entries themselves (RocksDB), and a read of a range that starts at or below the head
 *       always finds an entry, so finding none means the range was collected while it was read;</li>
 *   <li>collection only ever moves the horizon up, and removes a prefix of the shard: what is held stays dense;</li>
 *   <li>a read that starts below the horizon fails with {@link JournalCollectedException}, never answers with what is
 *       held from further on. It is checked twice: against the horizons the journal knows before reading (so a cache
 *       cannot answer for collected entries), and against what storage offers (the first entry must be the one asked
 *       for), which catches a collection that ran between the two, or on another node of the site.</li>
 * </ul>
 */
final class JournalHorizon {
  private JournalHorizon() {
  }

  /**
   * Per shard, the seq to collect through: the request, kept below the head, only where it passes what is collected
   * already. Shards without entries are left out.
   */
  static Map<Integer, Long> plan(Map<Integer, Long> upToInclusive, IntToLongFunction head,
                                 IntToLongFunction collectedThrough) {
    Map<Integer, Long> plan = new TreeMap<>();
    upToInclusive.forEach((shard, upTo) -> {
      long through = Math.min(upTo, head.applyAsLong(shard) - 1);
      if (through > collectedThrough.applyAsLong(shard)) plan.put(shard, through);
    });
    return plan;
  }

  /**
   * Refuses a batch read past {@code positions} (per shard the last seq consumed, absent = 0) that would start below a
   * shard's horizon; shards with nothing past their position are not read, so never refused.
   */
  static void checkPositions(String site, Map<Integer, Long> heads, Map<Integer, Long> positions,
                             IntToLongFunction collectedThrough) {
    heads.forEach((shard, head) -> {
      long position = positions.getOrDefault(shard, 0L); // Long.MAX_VALUE: kept out of reach, nothing to read
      if (position < head) checkRead(site, shard, position + 1, collectedThrough.applyAsLong(shard));
    });
  }

  /** Refuses a read of {@code shard} from {@code fromSeq} if that seq was collected. */
  static void checkRead(String site, int shard, long fromSeq, long collectedThrough) {
    if (fromSeq <= collectedThrough) {
      throw new JournalCollectedException(site, shard, fromSeq, collectedThrough + 1);
    }
  }

  /**
   * Checks what storage offered for a range of {@code shard} from {@code expectedSeq} that lies at or below the head:
   * the entry must be exactly the expected one. A later seq first means what was asked for is gone (collected); a
   * later seq after others means a hole inside what is held, which collection never makes: storage lost entries.
   *
   * @param offered the entry storage offered, null when it offered none
   * @param first whether it is the first entry of the range
   */
  static void checkOffered(String site, int shard, long expectedSeq, JournalEntry offered, boolean first) {
    if (offered != null && offered.seq() == expectedSeq) return;
    if (first) throw new JournalCollectedException(site, shard, expectedSeq, offered == null ? 0 : offered.seq());
    throw new StorageException("journal of " + site + ": shard " + shard + " holds seq "
        + (offered == null ? "nothing" : offered.seq()) + " where " + expectedSeq + " was expected: entries are"
        + " missing from storage (never skipped)");
  }

  /** Entries held per shard: its head minus what was collected. */
  static long entriesHeld(Map<Integer, Long> heads, IntToLongFunction collectedThrough) {
    long held = 0;
    for (Map.Entry<Integer, Long> h : heads.entrySet()) {
      held += Math.max(0, h.getValue() - collectedThrough.applyAsLong(h.getKey()));
    }
    return held;
  }
}
