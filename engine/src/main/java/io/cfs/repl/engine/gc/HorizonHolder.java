package io.cfs.repl.engine.gc;

import java.util.Map;
import java.util.TreeMap;

/**
 * Who holds the journal's horizon back: of the sites whose progress bounds collection (every peer, by what it has
 * acknowledged, and this site, by what its local apply has applied), the one that still needs the most entries.
 *
 * @param site the peer, or this site itself when its local apply is the one behind
 * @param entries the entries it still needs (per shard the head minus its position, all shards); {@link #UNKNOWN}
 *     when it did not say (its replicator did not answer), which stops collection altogether
 */
public record HorizonHolder(String site, long entries) {
  /** A site whose position is not known. */
  public static final long UNKNOWN = -1;

  /**
   * The holder among {@code behind} (per site the entries it still needs, or {@link #UNKNOWN}): one whose need is
   * unknown comes first, since collection waits for it; then the one needing the most; ties go by site name, so the
   * answer is stable. Null when no site needs anything.
   */
  public static HorizonHolder of(Map<String, Long> behind) {
    HorizonHolder holder = null;
    for (Map.Entry<String, Long> e : new TreeMap<>(behind).entrySet()) {
      long entries = e.getValue();
      if (entries == 0) continue;
      boolean unknown = entries == UNKNOWN;
      if (holder == null || (unknown && holder.entries != UNKNOWN)
          || (!unknown && holder.entries != UNKNOWN && entries > holder.entries)) {
        holder = new HorizonHolder(e.getKey(), entries);
      }
    }
    return holder;
  }

  /** Whether this holder's position is unknown, so that nothing may be collected. */
  public boolean unknown() {
    return entries == UNKNOWN;
  }
}
