package io.cfs.repl.admin.server.http;

import io.cfs.repl.engine.failover.PeerHealth;
import io.cfs.repl.engine.replicator.ReplicatorStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Health of a peer link and of this site, from link state and lag against the thresholds of
 * {@code cfs-repl.admin.health} (the rules are documented there and in the README), and never better than the peer's
 * health from heartbeats (the site's resolver: missed heartbeats, lag over its threshold).
 */
public enum Health {
  HEALTHY, DEGRADED, DOWN;

  /** A peer link's health and why. */
  public record Verdict(Health health, List<String> reasons) {
    public Verdict {
      reasons = List.copyOf(reasons);
    }
  }

  public static Verdict of(ReplicatorStatus s, AdminSettings settings, long nowMillis) {
    return of(s, null, settings, nowMillis);
  }

  /** As {@link #of(ReplicatorStatus, AdminSettings, long)}, worsened by the resolver's {@code heartbeat} (or null). */
  public static Verdict of(ReplicatorStatus s, PeerHealth heartbeat, AdminSettings settings, long nowMillis) {
    List<String> down = new ArrayList<>();
    List<String> degraded = new ArrayList<>();
    if (heartbeat == PeerHealth.DOWN) down.add("no heartbeat from " + s.peer() + " for down-after");
    if (heartbeat == PeerHealth.DEGRADED) degraded.add("heartbeats missed or lag over the failover degraded-lag");
    long notConnectedMillis = s.disconnectedSinceMillis() == 0 ? 0 : nowMillis - s.disconnectedSinceMillis();
    switch (s.state()) {
      case STOPPED -> down.add("link stopped: " + s.lastError());
      case PAUSED -> degraded.add("paused by an operator");
      case RECOVERING -> degraded.add("recovering cursors");
      case NOT_RUNNING -> degraded.add("replicator not running: " + s.lastError());
      case CONNECTING, BACKOFF -> {
        String line = "not connected for " + seconds(notConnectedMillis)
            + (s.lastError() == null ? "" : " (" + s.lastError() + ")");
        if (notConnectedMillis > settings.downAfter().toMillis()) down.add(line);
        else degraded.add(line);
      }
      case CONNECTED, REMOVED -> { }
      case RESYNCING -> degraded.add("receiving a snapshot resync: " + resyncProgress(s));
      case NEEDS_RESYNC -> down.add("needs a snapshot resync (auto resync is off): " + resyncProgress(s));
      default -> throw new IllegalStateException("unknown link state " + s.state());
    }
    if (!s.stoppedShards().isEmpty()) {
      degraded.add(s.stoppedShards().size() + " shard(s) stopped on a sequence gap");
    }
    long lagMillis = s.lagMillis(nowMillis);
    if (lagMillis > settings.degradedLag().toMillis()) {
      degraded.add("lag " + seconds(lagMillis) + " > " + seconds(settings.degradedLag().toMillis()));
    }
    if (s.lagEntries() > settings.degradedLagEntries()) {
      degraded.add("lag " + s.lagEntries() + " entries > " + settings.degradedLagEntries());
    }
    if (!down.isEmpty()) {
      List<String> all = new ArrayList<>(down);
      all.addAll(degraded);
      return new Verdict(DOWN, all);
    }
    return new Verdict(degraded.isEmpty() ? HEALTHY : DEGRADED, degraded);
  }

  private static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  /**
   * This site, worsened by what is wrong with this node itself ({@code nodeReasons}, e.g. a full volume): at least
   * DEGRADED while there is any, else as {@link #site(Collection)}.
   */
  public static Health site(Collection<Health> peers, Collection<String> nodeReasons) {
    Health fromPeers = site(peers);
    return nodeReasons.isEmpty() || fromPeers == DOWN ? fromPeers : DEGRADED;
  }

  /** This site: HEALTHY when every peer is (or there is none), DOWN when every peer is DOWN, else DEGRADED. */
  public static Health site(Collection<Health> peers) {
    if (peers.stream().allMatch(h -> h == HEALTHY)) return HEALTHY;
    if (peers.stream().allMatch(h -> h == DOWN)) return DOWN;
    return DEGRADED;
  }

  /** Whether the link's lag alone is over the thresholds. */
  public static boolean lagging(ReplicatorStatus s, AdminSettings settings, long nowMillis) {
    return s.lagMillis(nowMillis) > settings.degradedLag().toMillis()
        || s.lagEntries() > settings.degradedLagEntries();
  }

  private static String resyncProgress(ReplicatorStatus s) {
    if (s.resync() == null) return "starting";
    return s.resync().reason() + "; " + s.resync().values() + " values acknowledged";
  }
}
