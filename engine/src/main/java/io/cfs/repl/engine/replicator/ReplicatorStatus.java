package io.cfs.repl.engine.replicator;

import java.util.List;

/**
 * A snapshot of one link for status, lag and health.
 *
 * @param localSite this site
 * @param peer the peer site
 * @param state link state and {@code sinceMillis} when it entered it
 * @param lastError the last error seen on the link, or null
 * @param lagEntries local entries not yet acknowledged by the peer (all shards)
 * @param oldestUnackedHlc hlc (ns) of the oldest entry not yet acknowledged, or 0 when caught up
 * @param ackedEntries entries acknowledged since this replicator started
 * @param ackedBatches batches acknowledged since this replicator started
 * @param stoppedShards shards stopped on a sequence gap
 */
public record ReplicatorStatus(String localSite, String peer, LinkState state, long sinceMillis, String lastError,
                               long lagEntries, long oldestUnackedHlc, long ackedEntries, long ackedBatches,
                               List<StoppedShard> stoppedShards) {
  public ReplicatorStatus {
    stoppedShards = List.copyOf(stoppedShards);
  }

  /** Lag in time: now minus the timestamp of the oldest unacknowledged entry; zero when caught up. */
  public long lagMillis(long nowMillis) {
    return oldestUnackedHlc == 0 ? 0 : Math.max(0, nowMillis - oldestUnackedHlc / 1_000_000);
  }
}
