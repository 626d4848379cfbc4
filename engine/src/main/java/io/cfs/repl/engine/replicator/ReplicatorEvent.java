package io.cfs.repl.engine.replicator;

import io.cfs.repl.persistence.store.OriginMarks;
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

  /**
   * The peer must be resynced by a snapshot of this site's store: {@code reason} says why (behind the horizon, dropped
   * by the retention cap, an operator's request). Until a run starts its cursors hold nothing back.
   */
  record ResyncNeeded(String reason, long atMillis) implements ReplicatorEvent {
  }

  /**
   * A run started from a snapshot view whose marks (per origin: incarnation, watermark per shard) are {@code marks};
   * they are installed at the peer at the end, whatever view a resumed run reads.
   */
  record ResyncStarted(long resyncId, Map<String, OriginMarks> marks, long atMillis) implements ReplicatorEvent {
    public ResyncStarted {
      marks = Map.copyOf(marks);
    }
  }

  /** The peer acknowledged a chunk of the run, ending at {@code lastInodeId}: {@code values} more, {@code bytes}. */
  record ResyncProgressed(long resyncId, long lastInodeId, long values, long bytes) implements ReplicatorEvent {
  }

  /**
   * An operator's reload removed the peer from the site's peers: its cursors, stopped shards, pause, throttle and resync
   * are dropped (it holds the journal back nowhere) and its link stops.
   */
  record PeerRemoved(long atMillis) implements ReplicatorEvent {
  }

  /** A reload added the removed peer back: it starts from nothing, as a new peer does. */
  record PeerRejoined(long atMillis) implements ReplicatorEvent {
  }

  /** The peer installed the run's snapshot: the cursors move to the run's own marks, the resync is over. */
  record ResyncFinished(long resyncId, Map<Integer, Long> cursors, long atMillis) implements ReplicatorEvent {
    public ResyncFinished {
      cursors = Map.copyOf(cursors);
    }
  }
}
