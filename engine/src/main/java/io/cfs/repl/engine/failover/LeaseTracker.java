package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.failover.FailoverMessage.Echo;
import io.cfs.repl.engine.failover.FailoverMessage.Heartbeat;
import io.cfs.repl.engine.failover.FailoverMessage.View;
import java.util.HashMap;
import java.util.Map;

/**
 * The primary's write lease: the primary accepts writes only while a majority of the voters (itself counted) have
 * echoed one of its heartbeats sent less than {@code lease-timeout} ago. Times are the primary's own clock (the
 * echoed send time), so message delays only shorten the lease, never stretch it.
 *
 * <p>An echo counts only if it is for this epoch and its sender had voted in no later epoch when it sent it: a voter
 * that voted beyond our epoch may be backing another candidate, and its stickiness no longer protects us.
 *
 * <p>A primary promoted alone (a forced failover in a two-voter mesh, see {@link Resolver}) holds its lease with no
 * echo until the other site has rejoined and echoed once in its epoch; from then on the usual rule applies, so a later
 * cut stops its writes again instead of letting both sides write.
 */
final class LeaseTracker {
  private final FailoverSettings settings;
  private final Map<String, Long> echoes = new HashMap<>();
  private boolean alone;
  private long aloneUntil;

  LeaseTracker(FailoverSettings settings) {
    this.settings = settings;
  }

  void onHeartbeat(String from, Heartbeat heartbeat, long epoch) {
    Echo echo = heartbeat.echo();
    View sender = heartbeat.view();
    if (echo == null || echo.epoch() != epoch || sender.epoch() != epoch || sender.votedEpoch() > epoch) return;
    echoes.merge(from, echo.clockMillis(), Math::max);
    alone = false;
  }

  /**
   * Promoted alone on the operator's word that the other voter is down: writable until it rejoins and echoes, the
   * lease renewed by this site itself (each tick, {@link #renewAlone}) so that its nodes' permits still end when
   * the resolver stops.
   */
  void holdAlone(long now) {
    alone = true;
    renewAlone(now);
  }

  void renewAlone(long now) {
    aloneUntil = now + settings.leaseTimeout().toMillis();
  }

  boolean alone() {
    return alone;
  }

  boolean holds(long now) {
    return now < expiry();
  }

  /**
   * When the lease runs out if no further echo arrives: the send time of the (majority - 1)-th freshest echo plus
   * lease-timeout (this site is one of the majority); 0 when too few voters have echoed.
   */
  long expiry() {
    int needed = settings.majority() - 1;
    if (alone) return aloneUntil;
    if (needed <= 0) return Long.MAX_VALUE;
    if (echoes.size() < needed) return 0;
    long kth = echoes.values().stream().sorted(java.util.Comparator.reverseOrder()).skip(needed - 1L).findFirst()
        .orElse(0L);
    return kth + settings.leaseTimeout().toMillis();
  }

  /** On every change of epoch or role: echoes are for one primary in one epoch. */
  void reset() {
    echoes.clear();
    alone = false;
  }
}
