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
 * @param thresholds the thresholds applied (cfs-repl.admin.health)
 */
public record HealthView(String site, Health health, List<PeerHealth> peers, Thresholds thresholds) {

  public record PeerHealth(String peer, Health health, String state, List<String> reasons) {
  }

  public record Thresholds(long degradedLagMillis, long degradedLagEntries, long downAfterMillis) {
  }

  /** @param heartbeats each peer's health from heartbeats, as the site's resolver sees it (empty if unknown) */
  public static HealthView of(String site, List<ReplicatorStatus> statuses,
                              Map<String, io.cfs.repl.engine.failover.PeerHealth> heartbeats, AdminSettings settings,
                              long nowMillis) {
    List<PeerHealth> peers = statuses.stream().map(s -> {
      Health.Verdict v = Health.of(s, heartbeats.get(s.peer()), settings, nowMillis);
      return new PeerHealth(s.peer(), v.health(), s.state().name(), v.reasons());
    }).toList();
    return new HealthView(site, Health.site(peers.stream().map(PeerHealth::health).toList()), peers,
        new Thresholds(settings.degradedLag().toMillis(), settings.degradedLagEntries(),
            settings.downAfter().toMillis()));
  }
}
