package io.cfs.repl.engine.replicator;

import io.cfs.repl.persistence.journal.JournalLag;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.util.Map;

/**
 * How far a peer is behind this site's journal, measured at one moment.
 *
 * @param entries local entries the peer has not acknowledged (all shards, stopped ones included)
 * @param oldestUnackedHlc hlc (epoch ns) of the oldest of them, or 0 when caught up
 * @param measuredAtMillis when it was measured
 */
record Lag(long entries, long oldestUnackedHlc, long measuredAtMillis) {

  static final Lag UNMEASURED = new Lag(0, 0, 0);

  /**
   * Measures the positions the peer has acknowledged against the journal ({@link LocalJournal#lagBehind}: a read per
   * shard on RocksDB, a round trip on PostgreSQL), so it runs off the actor.
   */
  static Lag measure(LocalJournal journal, Map<Integer, Long> acknowledged, long nowMillis) {
    JournalLag lag = journal.lagBehind(acknowledged);
    return new Lag(lag.entries(), lag.oldestHlc(), nowMillis);
  }

  /** Lag in time: now minus the hlc of the oldest unacknowledged entry; 0 when caught up. */
  long millis(long nowMillis) {
    return millis(oldestUnackedHlc, nowMillis);
  }

  static long millis(long oldestUnackedHlc, long nowMillis) {
    return oldestUnackedHlc == 0 ? 0 : Math.max(0, nowMillis - oldestUnackedHlc / 1_000_000);
  }
}
