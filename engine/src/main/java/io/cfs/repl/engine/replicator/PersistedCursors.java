package io.cfs.repl.engine.replicator;

import java.util.Map;

/**
 * A replicator's answer to {@link SiteReplicator.GetCursors}: per shard the highest local seq the peer has durably
 * applied, as persisted (an acknowledgement still being persisted is not in it). Journal GC never collects past it.
 *
 * @param peer the peer the replicator ships to
 * @param cursors per shard; a shard absent has had nothing acknowledged
 */
public record PersistedCursors(String peer, Map<Integer, Long> cursors) {
  public PersistedCursors {
    cursors = Map.copyOf(cursors);
  }
}
