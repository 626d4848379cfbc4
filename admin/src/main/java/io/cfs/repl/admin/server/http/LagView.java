package io.cfs.repl.admin.server.http;

import io.cfs.repl.engine.replicator.ReplicatorStatus;
import java.util.List;

/**
 * {@code GET /replication/lag} body: per peer, entries not yet acknowledged and the age of the oldest of them.
 *
 * @param site this site
 * @param atMillis when the answer was computed (lagMillis is relative to it)
 * @param peers one entry per peer link
 */
public record LagView(String site, long atMillis, List<PeerLag> peers) {

  /** @param lagging whether the lag is over the health thresholds (cfs-repl.admin.health) */
  public record PeerLag(String peer, String state, long lagEntries, long lagMillis, long oldestUnackedHlc,
                        boolean lagging) {
  }

  public static LagView of(String site, List<ReplicatorStatus> statuses, AdminSettings settings, long nowMillis) {
    return new LagView(site, nowMillis, statuses.stream().map(s -> new PeerLag(s.peer(), s.state().name(),
        s.lagEntries(), s.lagMillis(nowMillis), s.oldestUnackedHlc(), Health.lagging(s, settings, nowMillis)))
        .toList());
  }
}
