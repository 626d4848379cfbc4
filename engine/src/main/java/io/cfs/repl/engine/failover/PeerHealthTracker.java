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
 * A peer not heard since this resolver started is DOWN; the first message makes it HEALTHY (an audited transition).
 */
final class PeerHealthTracker {
  private final FailoverSettings settings;
  private final Map<String, Long> lastHeard = new HashMap<>();
  private final Map<String, PeerHealth> health = new TreeMap<>();

  PeerHealthTracker(FailoverSettings settings, Collection<String> peers) {
    this.settings = settings;
    for (String peer : peers) health.put(peer, PeerHealth.DOWN);
  }

  void heard(String peer, long now, List<Action> out) {
    lastHeard.merge(peer, now, Math::max);
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
    PeerHealth next = classify(lastHeard.get(peer), now);
    PeerHealth previous = health.put(peer, next);
    if (previous != next) out.add(new HealthChanged(peer, previous, next));
  }

  private PeerHealth classify(Long heardAt, long now) {
    if (heardAt == null) return PeerHealth.DOWN;
    long age = now - heardAt;
    if (age >= settings.downAfter().toMillis()) return PeerHealth.DOWN;
    long missed = age / settings.heartbeatInterval().toMillis();
    return missed >= settings.degradedAfterMissed() ? PeerHealth.DEGRADED : PeerHealth.HEALTHY;
  }
}
