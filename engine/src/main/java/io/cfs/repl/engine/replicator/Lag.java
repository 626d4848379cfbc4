package io.cfs.repl.engine.replicator;

import io.cfs.repl.persistence.journal.LocalJournal;
import java.util.Map;
import java.util.OptionalLong;

/**
 * How far a peer is behind this site's journal, measured at one moment.
 *
 * @param entries local entries the peer has not acknowledged (all shards, stopped ones included)
 * @param oldestUnackedHlc hlc (epoch ns) of the oldest of them, or 0 when caught up
 * @param measuredAtMillis when it was measured
 */
record Lag(long entries, long oldestUnackedHlc, long measuredAtMillis) {

  /**
   * Measures against the journal: a head read per shard and one point read per lagging shard (from memory in the
   * common case), cheap enough to run inline in the actor.
   */
  static Lag measure(LocalJournal journal, ReplicatorState state, long nowMillis) {
    long entries = 0;
    long oldest = 0;
    for (Map.Entry<Integer, Long> head : journal.heads().entrySet()) {
      long cursor = state.cursor(head.getKey());
      if (head.getValue() > cursor) {
        entries += head.getValue() - cursor;
        OptionalLong hlc = journal.hlcAt(head.getKey(), cursor + 1);
        if (hlc.isPresent() && (oldest == 0 || hlc.getAsLong() < oldest)) {
          oldest = hlc.getAsLong();
        }
      }
    }
    return new Lag(entries, oldest, nowMillis);
  }

  /** Lag in time: now minus the hlc of the oldest unacknowledged entry; 0 when caught up. */
  long millis(long nowMillis) {
    return millis(oldestUnackedHlc, nowMillis);
  }

  static long millis(long oldestUnackedHlc, long nowMillis) {
    return oldestUnackedHlc == 0 ? 0 : Math.max(0, nowMillis - oldestUnackedHlc / 1_000_000);
  }
}
