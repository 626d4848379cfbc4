package io.cfs.repl.engine.replicator;

import java.util.Map;

/**
 * Persisted events of one SiteReplicator (local site to one peer). Persisted data outlives code: each event has an
 * explicit versioned Kryo layout in {@link ReplicatorSerializers}.
 */
public sealed interface ReplicatorEvent {

  /** The peer durably applied local entries up to these seqs (only shards that moved forward). */
  record CursorsAdvanced(Map<Integer, Long> cursors) implements ReplicatorEvent {
    public CursorsAdvanced {
      cursors = Map.copyOf(cursors);
    }
  }

  /** The peer refused a shard because it did not follow its applied watermark: shipping that shard stops. */
  record ShardStopped(StoppedShard stopped) implements ReplicatorEvent {
  }

  /** An operator paused the link. */
  record LinkPaused(long atMillis) implements ReplicatorEvent {
  }

  /** An operator resumed the link; stopped shards are retried from their cursors. */
  record LinkResumed(long atMillis) implements ReplicatorEvent {
  }

  /**
   * An operator set the link's throttle: bytes per second on the wire, 0 for unlimited. It wins over the configured
   * one until an operator sets it again.
   */
  record ThrottleChanged(long bytesPerSecond, long atMillis) implements ReplicatorEvent {
    public ThrottleChanged {
      if (bytesPerSecond < 0) throw new IllegalArgumentException("throttle must be >= 0, was " + bytesPerSecond);
    }
  }
}
