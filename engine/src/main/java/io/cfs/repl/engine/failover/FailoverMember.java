package io.cfs.repl.engine.failover;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A voter of the mesh, data site ({@link Resolver}) or witness ({@link Witness}): pure and deterministic, it reads
 * no clock (time is the {@code now} argument, in milliseconds of this site's clock) and does no I/O; the caller
 * carries out the returned actions in order.
 */
public interface FailoverMember {

  /** A message from another voter; messages from anyone else are ignored. */
  List<Action> onMessage(String from, FailoverMessage message, long now);

  /** Call at least every heartbeat interval: heartbeats, health, timeouts. */
  List<Action> onTick(long now);

  /** How long this site's oldest entry not yet acknowledged by {@code peer} has waited (its link's lag). */
  /**
   * The site's peers changed (an operator reloaded them; active-active only, where nothing is elected): the health of
   * new ones is tracked, that of removed ones forgotten.
   */
  default List<Action> onPeersChanged(Set<String> peers, long now) {
    return List.of();
  }

  default List<Action> onLag(String peer, long lagMillis, long now) {
    return List.of();
  }

  ResolverState state();

  Map<String, PeerHealth> health();

  boolean acceptsWrites(long now);
}
