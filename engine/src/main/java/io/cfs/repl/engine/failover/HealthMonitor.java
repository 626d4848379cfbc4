package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.failover.Action.Send;
import io.cfs.repl.engine.failover.FailoverMessage.Heartbeat;
import io.cfs.repl.engine.failover.FailoverMessage.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A data site of an active-active mesh: every site takes writes, so there is nothing to elect, but operators still
 * need each peer's health. It beats to every peer each interval (idle links too) and classifies what it hears, as
 * a {@link Resolver} does; its epoch stays 0 and its role ACTIVE.
 */
public final class HealthMonitor implements FailoverMember {
  private final String self;
  private final FailoverSettings settings;
  private final PeerHealthTracker peers;
  /** The peer sites now: the configured ones, then as an operator reloads them. */
  private Set<String> peerSites;
  private final ResolverState state;
  private long nextHeartbeatAt;

  public HealthMonitor(String self, FailoverSettings settings, long now) {
    this(self, settings, settings.sites().stream().filter(s -> !s.equals(self)).collect(Collectors.toSet()), now);
  }

  /** A monitor of {@code peers}, the site's peers as of now (a reload may have changed the configured ones). */
  public HealthMonitor(String self, FailoverSettings settings, Set<String> peers, long now) {
    if (settings.activePassive() || !settings.isSite(self)) {
      throw new IllegalArgumentException(self + " is not a site of an active-active mesh");
    }
    this.self = self;
    this.settings = settings;
    this.peerSites = Collections.unmodifiableSet(new TreeSet<>(peers));
    this.peers = new PeerHealthTracker(settings, peerSites, now);
    this.state = ResolverState.initial(self, settings);
    this.nextHeartbeatAt = now;
  }

  @Override
  public List<Action> onMessage(String from, FailoverMessage message, long now) {
    if (from.equals(self) || !peerSites.contains(from)) return List.of();
    List<Action> out = new ArrayList<>();
    peers.heard(from, now, out);
    return out;
  }

  @Override
  public List<Action> onTick(long now) {
    List<Action> out = new ArrayList<>();
    peers.tick(now, out);
    if (now >= nextHeartbeatAt) {
      View view = new View(0, null, Role.ACTIVE, 0);
      for (String to : peerSites) out.add(new Send(to, new Heartbeat(view, now, null)));
      nextHeartbeatAt = now + settings.heartbeatInterval().toMillis();
    }
    return out;
  }

  @Override
  public List<Action> onPeersChanged(Set<String> now, long nowMillis) {
    peerSites = Collections.unmodifiableSet(new TreeSet<>(now));
    peers.peers(peerSites, nowMillis);
    return List.of();
  }

  @Override
  public List<Action> onLag(String peer, long lagMillis, long now) {
    List<Action> out = new ArrayList<>();
    peers.lagging(peer, lagMillis, now, out);
    return out;
  }

  @Override
  public ResolverState state() {
    return state;
  }

  @Override
  public Map<String, PeerHealth> health() {
    return peers.snapshot();
  }

  @Override
  public boolean acceptsWrites(long now) {
    return true;
  }
}
