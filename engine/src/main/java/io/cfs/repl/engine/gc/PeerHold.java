package io.cfs.repl.engine.gc;

import java.util.Map;

/**
 * What one peer holds of this site's journal, as its replicator answers a GC round.
 *
 * @param cursors per shard the seq the journal must keep from (the persisted cursors, or a running resync's marks)
 * @param released the peer needs a snapshot resync and none runs: it holds nothing back ({@code cursors} empty)
 * @param resyncing the peer needs or receives a snapshot resync: what it holds is not what it acknowledged, so no
 *     tombstone of this site may be collected on its account (the snapshot would leave it its older live value)
 */
public record PeerHold(Map<Integer, Long> cursors, boolean released, boolean resyncing) {
  public PeerHold {
    cursors = Map.copyOf(cursors);
  }

  /** A peer that acknowledged {@code cursors} and needs no resync. */
  public static PeerHold acknowledged(Map<Integer, Long> cursors) {
    return new PeerHold(cursors, false, false);
  }

  /** A peer that needs a resync and has none running. */
  public static PeerHold releasedPeer() {
    return new PeerHold(Map.of(), true, true);
  }
}
