package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.failover.FailoverEvent.Demoted;
import io.cfs.repl.engine.failover.FailoverEvent.EpochAdopted;
import io.cfs.repl.engine.failover.FailoverEvent.Promoted;
import io.cfs.repl.engine.failover.FailoverEvent.VotedFor;
import java.util.List;

/**
 * The durable failover state of one site, rebuilt from its persisted events alone (the starting point is the static
 * config: epoch 0 and its initial primary, if any).
 *
 * <p>Invariants: {@code epoch} and {@code voteEpoch} never decrease; at most one {@code votedFor} per vote epoch;
 * {@code role} is PRIMARY only if {@code primary} is this site. Replay never throws: an event that would break an
 * invariant (which the resolver never persists) leaves the state as it is.
 *
 * @param epoch the highest epoch known to have been won
 * @param primary the site that won {@code epoch} (null before the first promotion without initial primary)
 * @param role this site's role; a primary that stepped down stays {@code primary} of its epoch with SECONDARY
 * @param voteEpoch the highest epoch this site voted in (it may be below {@code epoch})
 * @param votedFor whom it voted for in {@code voteEpoch}, null if it never voted
 */
public record ResolverState(long epoch, String primary, Role role, long voteEpoch, String votedFor) {

  public static ResolverState initial(String self, FailoverSettings settings) {
    if (!settings.activePassive()) return new ResolverState(0, null, Role.ACTIVE, 0, null);
    String primary = settings.initialPrimary().orElse(null);
    Role role = settings.isSite(self) ? (self.equals(primary) ? Role.PRIMARY : Role.SECONDARY) : Role.WITNESS;
    return new ResolverState(0, primary, role, 0, null);
  }

  public static ResolverState recover(String self, FailoverSettings settings, List<FailoverEvent> events) {
    ResolverState state = initial(self, settings);
    for (FailoverEvent event : events) state = state.apply(event);
    return state;
  }

  public ResolverState apply(FailoverEvent event) {
    if (event instanceof EpochAdopted e && e.epoch() > epoch) {
      return new ResolverState(e.epoch(), e.primary(), role == Role.WITNESS ? Role.WITNESS : Role.SECONDARY,
          voteEpoch, votedFor);
    }
    if (event instanceof VotedFor v && v.epoch() > voteEpoch) {
      return new ResolverState(epoch, primary, role, v.epoch(), v.candidate());
    }
    if (event instanceof Promoted p && p.epoch() > epoch) {
      return new ResolverState(p.epoch(), p.site(), Role.PRIMARY, voteEpoch, votedFor);
    }
    if (event instanceof Demoted d && d.epoch() == epoch && role == Role.PRIMARY) {
      return new ResolverState(epoch, primary, Role.SECONDARY, voteEpoch, votedFor);
    }
    return this;
  }
}
