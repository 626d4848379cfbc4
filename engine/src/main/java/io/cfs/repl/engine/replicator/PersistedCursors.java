package io.cfs.repl.engine.replicator;

import java.util.Map;

/**
 * A replicator's answer to {@link SiteReplicator.GetCursors}: per shard the highest local seq the peer has durably
 * applied, as persisted (an acknowledgement still being persisted is not in it). Journal GC never collects past it.
 *
 * @param peer the peer the replicator ships to
 * @param cursors per shard; a shard absent has had nothing acknowledged. While a snapshot resync runs, raised to the
 *     run's own marks (the tail resumes from there once the peer installed it)
 * @param released whether the peer needs a snapshot resync and none runs: it holds the journal back nowhere (then
 *     {@code cursors} is empty)
 * @param resyncing whether the peer needs or receives a snapshot resync (then {@code cursors} is not what it
 *     acknowledged)
 */
public record PersistedCursors(String peer, Map<Integer, Long> cursors, boolean released, boolean resyncing) {
  public PersistedCursors {
    cursors = Map.copyOf(cursors);
  }

  public PersistedCursors(String peer, Map<Integer, Long> cursors) {
    this(peer, cursors, false, false);
  }

  /** What a replicator's state holds back ({@link ReplicatorState#horizonHold}). */
  static PersistedCursors of(String peer, ReplicatorState state, String localSite) {
    Map<Integer, Long> hold = state.horizonHold(localSite);
    return hold == null ? new PersistedCursors(peer, Map.of(), true, true)
        : new PersistedCursors(peer, hold, false, state.resync() != null);
  }
}
