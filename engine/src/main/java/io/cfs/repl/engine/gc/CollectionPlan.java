package io.cfs.repl.engine.gc;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one round of journal GC may collect, and why no more: the rule "an entry goes once every peer has acknowledged
 * it and the local apply has passed it", in one place. A pure function of what the round read.
 *
 * @param upTo per shard the seq to collect through (the journal keeps its newest entry on its own); empty when a peer's
 *     cursors are unknown: nothing is collected on a guess
 * @param behind per site (every peer, and this site for its local apply) the entries it still needs, or
 *     {@link HorizonHolder#UNKNOWN}
 * @param holder the site holding the horizon back, null when none
 */
public record CollectionPlan(Map<Integer, Long> upTo, Map<String, Long> behind, HorizonHolder holder) {

  public CollectionPlan {
    upTo = Map.copyOf(upTo);
    behind = Map.copyOf(behind);
  }

  /**
   * @param localSite this site
   * @param heads the journal's heads
   * @param applied per shard the seq the local apply has applied (the store's watermarks of this site)
   * @param cursors per peer its persisted cursors (absent shard: nothing acknowledged)
   * @param silent the peers whose replicators did not answer: their cursors are unknown
   * @param keepEntries per shard, the newest entries kept even when every site has them
   */
  public static CollectionPlan of(String localSite, Map<Integer, Long> heads, Map<Integer, Long> applied,
                                  Map<String, Map<Integer, Long>> cursors, Set<String> silent, long keepEntries) {
    Map<String, Long> behind = new TreeMap<>();
    behind.put(localSite, behind(heads, applied));
    cursors.forEach((peer, positions) -> behind.put(peer, behind(heads, positions)));
    silent.forEach(peer -> behind.put(peer, HorizonHolder.UNKNOWN));
    HorizonHolder holder = HorizonHolder.of(behind);

    Map<Integer, Long> upTo = new HashMap<>();
    if (silent.isEmpty()) {
      heads.keySet().forEach(shard -> {
        long limit = applied.getOrDefault(shard, 0L);
        for (Map<Integer, Long> positions : cursors.values()) {
          limit = Math.min(limit, positions.getOrDefault(shard, 0L));
        }
        limit -= keepEntries;
        if (limit >= 1) upTo.put(shard, limit);
      });
    }
    return new CollectionPlan(upTo, behind, holder);
  }

  /** Entries past {@code positions}, all shards of {@code heads}. */
  private static long behind(Map<Integer, Long> heads, Map<Integer, Long> positions) {
    long behind = 0;
    for (Map.Entry<Integer, Long> head : heads.entrySet()) {
      behind += Math.max(0, head.getValue() - positions.getOrDefault(head.getKey(), 0L));
    }
    return behind;
  }
}
