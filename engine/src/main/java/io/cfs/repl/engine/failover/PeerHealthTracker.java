package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.failover.Action.HealthChanged;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Health per peer from the age of the last message heard from it. Any failover message counts, not only
 * heartbeats: each proves the link carries traffic, and heartbeats are the floor that keeps an idle link counted.
 * A peer not heard since this resolver started is UNKNOWN, and DOWN once it stays so for {@code down-after}; the first
 * message makes it HEALTHY. Every change is an action (audited, logged, metered).
 * A peer heard in time is still DEGRADED while this site's entries wait for it longer than {@code degraded-lag}: it
 * answers heartbeats but does not keep up (a slow disk, a throttled or stopped link).
 */
final class PeerHealthTracker {
  private final FailoverSettings settings;
  private final Map<String, Long> lastHeard = new HashMap<>();
  private final Map<String, Long> lagMillis = new HashMap<>();
  private final Map<String, PeerHealth> health = new TreeMap<>();
  /** Since when each peer is tracked: a peer never heard is DOWN only down-after from then. */
  private final Map<String, Long> trackedSince = new HashMap<>();

  PeerHealthTracker(FailoverSettings settings, Collection<String> peers, long now) {
    this.settings = settings;
    for (String peer : peers) track(peer, now);
  }

  private void track(String peer, long now) {
    health.put(peer, PeerHealth.UNKNOWN);
    trackedSince.put(peer, now);
  }

  /** The peers changed (an operator reloaded them): new ones start UNKNOWN, removed ones are forgotten. */
  void peers(Collection<String> peers, long now) {
    for (String peer : peers) {
      if (!health.containsKey(peer)) track(peer, now);
    }
    for (String gone : List.copyOf(health.keySet())) {
      if (!peers.contains(gone)) {
        health.remove(gone);
        trackedSince.remove(gone);
        lastHeard.remove(gone);
        lagMillis.remove(gone);
      }
    }
  }

  void heard(String peer, long now, List<Action> out) {
    lastHeard.merge(peer, now, Math::max);
    if (health.containsKey(peer)) update(peer, now, out);
  }

  /** The age of the oldest entry of this site's journal the peer has not acknowledged (0 when caught up). */
  void lagging(String peer, long lag, long now, List<Action> out) {
    if (!health.containsKey(peer)) return;
    lagMillis.put(peer, lag);
    update(peer, now, out);
  }

  void tick(long now, List<Action> out) {
    for (String peer : health.keySet()) update(peer, now, out);
  }

  /** How many peers were heard within {@code windowMillis} before {@code now}. */
  int heardWithin(long now, long windowMillis) {
    return (int) lastHeard.values().stream().filter(at -> now - at < windowMillis).count();
  }

  Map<String, PeerHealth> snapshot() {
    return Map.copyOf(health);
  }

  private void update(String peer, long now, List<Action> out) {
    PeerHealth next = classify(lastHeard.get(peer), trackedSince.get(peer), now);
    if (next == PeerHealth.HEALTHY && lagMillis.getOrDefault(peer, 0L) > settings.degradedLag().toMillis()) {
      next = PeerHealth.DEGRADED;
    }
    PeerHealth previous = health.put(peer, next);
    if (previous != next) out.add(new HealthChanged(peer, previous, next));
  }

  private PeerHealth classify(Long heardAt, long since, long now) {
    if (heardAt == null) {
      return now - since >= settings.downAfter().toMillis() ? PeerHealth.DOWN : PeerHealth.UNKNOWN;
    }
    long age = now - heardAt;
    if (age >= settings.downAfter().toMillis()) return PeerHealth.DOWN;
    long missed = age / settings.heartbeatInterval().toMillis();
    return missed >= settings.degradedAfterMissed() ? PeerHealth.DEGRADED : PeerHealth.HEALTHY;
  }
}
