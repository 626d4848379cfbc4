package io.cfs.repl.admin.http;

import io.cfs.repl.engine.replicator.ReplicatorStatus;
import io.cfs.repl.engine.replicator.StoppedShard;
import java.util.List;

/**
 * {@code GET /replication/status} body. Field names are part of the admin API (documented in the README).
 *
 * @param site this site
 * @param peers one entry per peer link
 */
public record StatusView(String site, List<PeerView> peers) {

  /** One outgoing link. */
  public record PeerView(String peer, String state, long stateSinceMillis, long lagEntries, long lagMillis,
                         long oldestUnackedHlc, long ackedEntries, long ackedBatches, String lastError,
                         List<StoppedShard> stoppedShards) {
  }

  public static StatusView of(String site, List<ReplicatorStatus> statuses, long nowMillis) {
    return new StatusView(site, statuses.stream().map(s -> new PeerView(s.peer(), s.state().name(),
        s.sinceMillis(), s.lagEntries(), s.lagMillis(nowMillis), s.oldestUnackedHlc(), s.ackedEntries(),
        s.ackedBatches(), s.lastError(), s.stoppedShards())).toList());
  }
}
