package io.cfs.repl.engine.gc;

import java.util.List;
import io.cfs.repl.persistence.journal.JournalFootprint;

/**
 * The journal as status shows it: what it holds, and who holds its horizon back.
 *
 * @param collecting whether journal GC removes entries ({@code cfs-repl.journal-gc.enabled})
 * @param held entries, bytes held and the oldest entry's hlc
 * @param holder the site holding the horizon back (a peer, or this site for its local apply), null when none
 * @param released the peers that need a snapshot resync and hold nothing back (dropped by the cap, or behind)
 * @param refusingWrites why appends are refused by the retention cap ({@code refuse-writes}), null while taken
 */
public record JournalStatus(boolean collecting, JournalFootprint held, HorizonHolder holder, List<String> released,
                            String refusingWrites) {
  public JournalStatus {
    released = List.copyOf(released);
  }

  /** The age of the oldest entry held at {@code nowMillis}; 0 when nothing is held. */
  public long oldestAgeMillis(long nowMillis) {
    return ageMillis(held.oldestHlc(), nowMillis);
  }

  /** Now minus an hlc (epoch ns), in ms; 0 for none. */
  static long ageMillis(long hlc, long nowMillis) {
    return hlc == 0 ? 0 : Math.max(0, nowMillis - hlc / 1_000_000);
  }
}
