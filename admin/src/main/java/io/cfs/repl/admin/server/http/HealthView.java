package io.cfs.repl.admin.server.http;

import io.cfs.repl.engine.replicator.ReplicatorStatus;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /replication/health} body.
 *
 * @param site this site
 * @param health this site's overall health
 * @param peers per peer link: health, link state and the reasons it is not HEALTHY
 * @param reasons what is wrong with this node itself, making the site at least DEGRADED: "storage full: ..." while
 *     the journal or the store refuses writes for lack of space; empty when nothing is
 * @param thresholds the thresholds applied (cfs-repl.admin.health)
 */
public record HealthView(String site, Health health, List<PeerHealth> peers, List<String> reasons,
                         Thresholds thresholds) {

  public record PeerHealth(String peer, Health health, String state, List<String> reasons) {
  }

  public record Thresholds(long degradedLagMillis, long degradedLagEntries, long downAfterMillis) {
  }

  /**
   * @param heartbeats each peer's health from heartbeats, as the site's resolver sees it (empty if unknown)
   * @param nodeReasons what is wrong with this node itself (see {@code reasons})
   */
  public static HealthView of(String site, List<ReplicatorStatus> statuses,
                              Map<String, io.cfs.repl.engine.failover.PeerHealth> heartbeats, List<String> nodeReasons,
                              AdminSettings settings, long nowMillis) {
    List<PeerHealth> peers = statuses.stream().map(s -> {
      Health.Verdict v = Health.of(s, heartbeats.get(s.peer()), settings, nowMillis);
      return new PeerHealth(s.peer(), v.health(), s.state().name(), v.reasons());
    }).toList();
    return new HealthView(site, Health.site(peers.stream().map(PeerHealth::health).toList(), nodeReasons), peers,
        List.copyOf(nodeReasons), new Thresholds(settings.degradedLag().toMillis(), settings.degradedLagEntries(),
            settings.downAfter().toMillis()));
  }
}
