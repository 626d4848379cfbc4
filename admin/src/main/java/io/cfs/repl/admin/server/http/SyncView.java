package io.cfs.repl.admin.server.http;

import io.cfs.repl.engine.replicator.SyncOutcome;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /replication/sync} answer: what was done to each link.
 *
 * @param site this site
 * @param force whether the sync was forced
 * @param peers per peer link: the action (RECONNECTED, RESTARTED, RETRIED, LEFT_PAUSED, NONE) and the state after it
 */
public record SyncView(String site, boolean force, List<PeerSync> peers) {

  public record PeerSync(String peer, SyncOutcome.Action action, String state) {
  }

  public static SyncView of(String site, boolean force, Map<String, SyncOutcome> outcomes) {
    return new SyncView(site, force, outcomes.entrySet().stream()
        .map(e -> new PeerSync(e.getKey(), e.getValue().action(), e.getValue().status().state().name())).toList());
  }
}
