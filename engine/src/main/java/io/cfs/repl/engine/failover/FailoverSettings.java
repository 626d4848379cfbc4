package io.cfs.repl.engine.failover;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Failover settings of one mesh, the same on every site. Validated on construction. In active-active mode only the
 * health part applies (heartbeats, DEGRADED, DOWN): there is no witness, no primary and no election.
 *
 * @param mode active-active (health only) or active-passive (roles, epochs, elections)
 * @param sites the data sites, each of which may be promoted
 * @param witness a voter that holds no data and is never promoted, if any
 * @param initialPrimary the primary of epoch 0 if configured; otherwise the first primary is elected (or, with two
 *     voters, chosen by a forced failover)
 * @param heartbeatInterval how often every site sends a heartbeat to every voter
 * @param degradedAfterMissed a peer is DEGRADED after this many heartbeat intervals without a message from it
 * @param degradedLag a peer heard in time is still DEGRADED while this site's entries wait longer than this for it
 * @param leaseTimeout how long a voter's echo of the primary's heartbeat keeps the primary writable
 * @param downAfter a peer is DOWN after this long without a message from it; a secondary that has not heard the
 *     primary for this long becomes a candidate, and a voter refuses to vote while it has
 * @param electionBackoffMin the shortest election round (each round's length is random between min and max, so two
 *     candidates do not collide forever); max also bounds the random delay before a first candidacy
 * @param switchoverTimeout how long a manual failover may take before it gives up and the old state resumes
 */
public record FailoverSettings(
    FailoverMode mode,
    List<String> sites,
    Optional<String> witness,
    Optional<String> initialPrimary,
    Duration heartbeatInterval,
    int degradedAfterMissed,
    Duration degradedLag,
    Duration leaseTimeout,
    Duration downAfter,
    Duration electionBackoffMin,
    Duration electionBackoffMax,
    Duration switchoverTimeout) {

  public FailoverSettings {
    List<String> ids = List.copyOf(sites);
    sites = ids;
    require(ids.size() >= 2, "at least two sites are needed for failover");
    require(new HashSet<>(ids).size() == ids.size(), "site ids must be distinct");
    require(ids.stream().noneMatch(String::isBlank), "site ids must not be blank");
    require(mode != null, "mode must be set");
    require(mode == FailoverMode.ACTIVE_PASSIVE || (witness.isEmpty() && initialPrimary.isEmpty()),
        "a witness and an initial-primary need mode = active-passive (active-active has no primary to elect)");
    require(witness.map(w -> !w.isBlank() && !ids.contains(w)).orElse(true), "the witness must not be a data site");
    require(initialPrimary.map(ids::contains).orElse(true), "initial-primary must be one of the sites");
    require(positive(heartbeatInterval), "heartbeat-interval must be > 0");
    require(degradedAfterMissed >= 1, "degraded-after-missed must be >= 1");
    require(positive(degradedLag), "degraded-lag must be > 0");
    require(heartbeatInterval.multipliedBy(degradedAfterMissed).compareTo(downAfter) < 0,
        "degraded-after-missed heartbeats must be shorter than down-after, or DEGRADED is never seen");
    // A lease is renewed by a round trip: the primary's beat, then the voter's next beat echoing it.
    require(leaseTimeout.compareTo(heartbeatInterval.multipliedBy(2)) >= 0,
        "lease-timeout must be >= 2 x heartbeat-interval, or a healthy primary keeps losing its lease");
    // The fencing argument: a voter that backed the old primary's lease refuses to vote for down-after after it
    // last heard that primary, so the lease it backed (lease-timeout) has run out before anyone can be elected.
    require(leaseTimeout.compareTo(downAfter) < 0, "lease-timeout must be < down-after (self-fencing)");
    require(positive(electionBackoffMin), "election-backoff.min must be > 0");
    require(electionBackoffMax.compareTo(electionBackoffMin) > 0, "election-backoff.max must be > min");
    require(positive(switchoverTimeout), "switchover-timeout must be > 0");
  }

  /** Every voter: the data sites, then the witness. */
  public List<String> voters() {
    List<String> all = new ArrayList<>(sites);
    witness.ifPresent(all::add);
    return List.copyOf(all);
  }

  public boolean isVoter(String site) {
    return sites.contains(site) || witness.map(site::equals).orElse(false);
  }

  public boolean isSite(String site) {
    return sites.contains(site);
  }

  /** A strict majority of ALL configured voters, reachable or not: two majorities always share a voter. */
  public int majority() {
    return voterCount() / 2 + 1;
  }

  private int voterCount() {
    return sites.size() + (witness.isPresent() ? 1 : 0);
  }

  /**
   * Whether a secondary may promote itself when the primary goes quiet. Not with fewer than three voters: with two,
   * a majority is both, so the survivor of a real failure can never win, and from one side a dead peer and a cut
   * link look the same. Automatic failover would then only ever fire when both sites are alive, which is exactly
   * when it is not wanted. Two sites fail over by an operator's forced failover (which may promote the survivor alone,
   * see Resolver), or add a witness.
   */
  public boolean autoFailover() {
    return activePassive() && voterCount() >= 3;
  }

  public boolean activePassive() {
    return mode == FailoverMode.ACTIVE_PASSIVE;
  }

  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("cfs-repl.failover: " + message);
  }
}
