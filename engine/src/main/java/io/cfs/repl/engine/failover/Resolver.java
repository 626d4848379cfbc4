package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.failover.Action.ManualFailoverFailed;
import io.cfs.repl.engine.failover.Action.Send;
import io.cfs.repl.engine.failover.Election.Kind;
import io.cfs.repl.engine.failover.FailoverEvent.Demoted;
import io.cfs.repl.engine.failover.FailoverEvent.Promoted;
import io.cfs.repl.engine.failover.FailoverEvent.Reason;
import io.cfs.repl.engine.failover.FailoverMessage.Handover;
import io.cfs.repl.engine.failover.FailoverMessage.Heartbeat;
import io.cfs.repl.engine.failover.FailoverMessage.Vote;
import io.cfs.repl.engine.failover.FailoverMessage.VoteReply;
import io.cfs.repl.engine.failover.FailoverMessage.VoteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The failover decisions of one data site in active-passive mode: a Raft-like election with epochs as terms, plus
 * write leases so that a cut-off primary fences itself. Voting itself is {@link Voter}'s.
 *
 * <p>Invariants (checked by FailoverSimulationTest): (a) one primary per epoch, since a promotion needs grants from a
 * strict majority of all voters and each voter grants once per epoch, durably; (b) at most one site accepts writes
 * at any instant, since a lease needs echoes from a majority and each of those voters votes for no one else until
 * that lease has run out (see Voter); (c) epochs never decrease, restarts included, since they live in events only.
 *
 * <p>Rules here: a secondary that has not heard its primary for {@code down-after} (plus a random delay) runs for
 * the next epoch, if {@link FailoverSettings#autoFailover()}; a round lasts a random time, then another starts. Any
 * higher epoch demotes at once. A primary that has not heard from a majority for {@code down-after} steps down, so
 * voters that still hear it can elect someone else; one that lacks its lease because voters voted beyond its epoch
 * runs again. Manual failover: planned (stop writes, wait for the target to hold everything, step down, hand over)
 * or forced (the target runs now, the primary steps down when asked, voters wait only for its lease).
 */
public final class Resolver implements FailoverMember {
  private final String self;
  private final FailoverSettings settings;
  private final RandomGenerator random;
  private final Voter voter;
  private final LeaseTracker lease;
  private Election election; // null unless campaigning
  private Switchover switchover; // null unless this site runs a planned switchover
  private long primarySince; // when this site became (or restarted as) primary: a grace before counting quorum
  private long candidacyDelay; // random extra quiet time before an automatic candidacy

  private Resolver(String self, FailoverSettings settings, ResolverState state, long now, RandomGenerator random) {
    this.self = self;
    this.settings = settings;
    this.random = random;
    this.voter = new Voter(self, settings, state, now);
    this.lease = new LeaseTracker(settings);
    this.primarySince = now;
    this.candidacyDelay = random.nextLong(settings.electionBackoffMax().toMillis());
  }

  /** Starts (or restarts) the resolver of data site {@code self} from its persisted events alone. */
  public static Resolver start(String self, FailoverSettings settings, List<FailoverEvent> events, long now,
      RandomGenerator random) {
    return resume(self, settings, ResolverState.recover(self, settings, events), now, random);
  }

  /** As {@link #start}, from the state those events rebuild (what an event-sourced actor recovers). */
  public static Resolver resume(String self, FailoverSettings settings, ResolverState recovered, long now,
      RandomGenerator random) {
    if (!settings.isSite(self)) throw new IllegalArgumentException(self + " is not a configured data site");
    return new Resolver(self, settings, recovered, now, random);
  }

  @Override
  public List<Action> onMessage(String from, FailoverMessage message, long now) {
    if (from.equals(self) || !settings.isVoter(from)) return List.of();
    List<Action> out = new ArrayList<>();
    long epochBefore = epoch();
    voter.observe(from, message.view(), now, out);
    if (epoch() > epochBefore) onHigherEpoch(out);
    if (message instanceof Heartbeat heartbeat) {
      voter.onHeartbeat(from, heartbeat);
      if (isPrimary()) lease.onHeartbeat(from, heartbeat, epoch());
    } else if (message instanceof VoteRequest request) {
      onVoteRequest(from, request, now, out);
    } else if (message instanceof VoteReply reply) {
      onVoteReply(from, reply, now, out);
    } else if (message instanceof Handover handover) {
      onHandover(from, handover, now, out);
    }
    if (election != null && election.kind == Kind.AUTO && voter.quietFor(now) < settings.downAfter().toMillis()) {
      election = null; // the primary is back: stop disturbing the voters
    }
    return out;
  }

  @Override
  public List<Action> onTick(long now) {
    List<Action> out = new ArrayList<>();
    voter.tick(now, out);
    if (switchover != null) switchoverTick(now, out);
    if (isPrimary()) primaryTick(now, out);
    if (election != null) electionTick(now, out);
    else if (mayRunAutomatically(now)) startRound(Kind.AUTO, Long.MAX_VALUE, now, out);
    return out;
  }

  /**
   * An operator's {@code failover --to target [--force]}. Planned: call it on the primary; it stops writes at once
   * and hands over when {@link #onTargetCaughtUp} says the target holds everything. Forced: call it on the target;
   * it runs for the next epoch now and still needs a majority.
   */
  public List<Action> onManualFailover(String target, boolean force, long now) {
    List<Action> out = new ArrayList<>();
    String refusal = refusal(target, force, now);
    if (refusal != null) {
      out.add(new ManualFailoverFailed(target, refusal));
    } else if (force) {
      startRound(Kind.FORCED, now + settings.switchoverTimeout().toMillis(), now, out);
    } else {
      switchover = new Switchover(target, now + settings.switchoverTimeout().toMillis(), writableUntil(now));
    }
    return out;
  }

  private String refusal(String target, boolean force, long now) {
    if (!settings.isSite(target)) return target + " is not a data site";
    if (force) {
      if (!target.equals(self)) return "a forced failover runs on its target, not on " + self;
      // A primary that lost its lease (its voters are gone) may be forced too: it runs again, or alone with 2 voters.
      return acceptsWrites(now) ? self + " is already the primary and takes writes" : null;
    }
    if (!isPrimary()) return "a planned switchover runs on the primary: " + state().primary() + " in epoch " + epoch();
    if (target.equals(self)) return self + " is already the primary";
    return switchover != null ? "a switchover to " + switchover.target + " is in progress" : null;
  }

  /** The primary learnt (from the cursors) that {@code target} holds every entry: step down and hand over. */
  public List<Action> onTargetCaughtUp(String target, long now) {
    List<Action> out = new ArrayList<>();
    Switchover running = switchover;
    if (running == null || !running.draining() || !running.target.equals(target) || !isPrimary()
        || now < running.permitsEndAt) {
      return out; // asked again: the drain is checked until the target holds everything after the last permit
    }
    stepDown(Reason.HANDOVER, now, out); // persisted first: once Handover leaves, this epoch takes no more writes
    out.add(new Send(target, new Handover(voter.view(), target)));
    running.handedOver(epoch(), now);
    switchover = running;
    return out;
  }

  @Override
  public List<Action> onLag(String peer, long lagMillis, long now) {
    List<Action> out = new ArrayList<>();
    voter.lagging(peer, lagMillis, now, out);
    return out;
  }

  /** How much of the journal of the known epoch's primary this site held at the last progress check. */
  public long heldOfPrimary() {
    return voter.held();
  }

  /** How much of the journal of the known epoch's primary this site holds (fed by the replication side). */
  public void onJournalProgress(long held) {
    voter.held(held);
  }

  @Override
  public boolean acceptsWrites(long now) {
    return isPrimary() && switchover == null && lease.holds(now);
  }

  /** Until when writes are allowed if nothing else happens: the lease's expiry; {@code now} when not writable. */
  public long writableUntil(long now) {
    return acceptsWrites(now) ? lease.expiry() : now;
  }

  @Override
  public ResolverState state() {
    return voter.state();
  }

  @Override
  public Map<String, PeerHealth> health() {
    return voter.health();
  }

  /** The target of the planned switchover waiting for it to catch up, or null. */
  public String switchoverTarget() {
    return switchover != null && switchover.draining() ? switchover.target : null;
  }

  private void onHigherEpoch(List<Action> out) {
    // The state already says SECONDARY: adopting a higher epoch is the demotion.
    String target = switchoverTarget();
    if (target == null && election != null && election.manual()) target = self;
    if (target != null) out.add(new ManualFailoverFailed(target, "a higher epoch was adopted: " + epoch()));
    switchover = null;
    election = null;
    lease.reset();
  }

  private void onVoteRequest(String from, VoteRequest request, long now, List<Action> out) {
    if (isPrimary()) {
      // A forced request steps down only the primary it was meant for, not a later one it reached late.
      if (!request.forced() || request.epoch() <= epoch() || request.view().epoch() != epoch()) {
        out.add(new Send(from, new VoteReply(voter.view(), request.epoch(), Vote.PRIMARY_ALIVE)));
        return;
      }
      stepDown(Reason.FORCED_FAILOVER, now, out); // the operator's order; then vote like any voter
    }
    if (voter.onVoteRequest(from, request, now, out).granted()) election = null; // backing another candidate
  }

  private void onVoteReply(String from, VoteReply reply, long now, List<Action> out) {
    if (election == null || reply.epoch() != election.epoch || !reply.vote().granted()) return;
    election.granted(from);
    promoteOnMajority(now, out);
  }

  private void onHandover(String from, Handover handover, long now, List<Action> out) {
    boolean fromOurPrimary = from.equals(state().primary()) && handover.view().epoch() == epoch()
        && handover.view().role() != Role.PRIMARY;
    boolean running = election != null && election.kind == Kind.HANDOVER;
    if (!handover.target().equals(self) || !fromOurPrimary || isPrimary() || running) return;
    startRound(Kind.HANDOVER, now + settings.switchoverTimeout().toMillis(), now, out);
  }

  private void switchoverTick(long now, List<Action> out) {
    if (now >= switchover.giveUpAt) {
      if (switchover.draining()) {
        out.add(new ManualFailoverFailed(switchover.target, "the target did not catch up in time; writes resume"));
      }
      switchover = null;
    } else if (switchover.resendDue(epoch(), now, settings.heartbeatInterval().toMillis())) {
      out.add(new Send(switchover.target, new Handover(voter.view(), switchover.target)));
    }
  }

  private void primaryTick(long now, List<Action> out) {
    long downAfter = settings.downAfter().toMillis();
    if (lease.alone()) { // the operator vouched that the other voter is down: no quorum to lose until it is back
      if (switchover == null) lease.renewAlone(now);
      return;
    }
    if (now - primarySince >= downAfter && 1 + voter.peersHeardWithin(now, downAfter) < settings.majority()) {
      stepDown(Reason.LOST_QUORUM, now, out); // cut off: stop holding the voters that still hear us
    } else if (election == null && switchover == null && !lease.holds(now) && voter.maxSeenVotedEpoch() > epoch()) {
      startRound(Kind.REELECTION, Long.MAX_VALUE, now, out);
    }
  }

  private void electionTick(long now, List<Action> out) {
    Election e = election;
    if (now >= e.giveUpAt) {
      election = null;
      out.add(new ManualFailoverFailed(self, "no majority before switchover-timeout"));
      return;
    }
    if (!e.hasGrantFrom(self)) voteForSelf(now, out); // a forced candidate waits for the old lease to run out
    if (election != e) return; // promoted
    if (now >= e.roundEndsAt) {
      election = null; // automatic rounds restart from the usual triggers; manual ones until they give up
      if (e.manual()) startRound(e.kind, e.giveUpAt, now, out);
    } else if (now >= e.lastSentAt + settings.heartbeatInterval().toMillis()) {
      requestVotes(now, out); // requests and replies may be lost: ask again within the round
    }
  }

  private boolean mayRunAutomatically(long now) {
    return settings.autoFailover() && state().role() == Role.SECONDARY
        && voter.silentFor(now) >= settings.downAfter().toMillis() + candidacyDelay;
  }

  private void startRound(Kind kind, long giveUpAt, long now, List<Action> out) {
    long min = settings.electionBackoffMin().toMillis();
    long max = settings.electionBackoffMax().toMillis();
    election = new Election(voter.nextElectionEpoch(), kind, now + random.nextLong(min, max + 1), giveUpAt);
    candidacyDelay = random.nextLong(max);
    voteForSelf(now, out); // persisted before the requests leave
    if (election != null) requestVotes(now, out);
  }

  private void voteForSelf(long now, List<Action> out) {
    if (voter.decide(self, request(), now, out).granted()) {
      election.granted(self);
      promoteOnMajority(now, out);
    }
  }

  private void requestVotes(long now, List<Action> out) {
    VoteRequest request = request();
    for (String to : settings.voters()) {
      if (!to.equals(self) && !election.hasGrantFrom(to)) out.add(new Send(to, request));
    }
    election.lastSentAt = now;
  }

  private VoteRequest request() {
    return new VoteRequest(voter.view(), election.epoch, voter.held(), election.kind == Kind.FORCED,
        election.kind == Kind.HANDOVER);
  }

  private void promoteOnMajority(long now, List<Action> out) {
    boolean alone = election.grants() < settings.majority();
    if (alone && !mayWinAlone()) return;
    long won = election.epoch;
    election = null;
    voter.persist(new Promoted(won, self), out); // durable before this site acts, or says it is, primary
    primarySince = now;
    switchover = null;
    lease.reset();
    if (alone) lease.holdAlone(now);
    voter.sendHeartbeats(now, out); // announce at once: the others demote and start echoing
  }

  /**
   * Two voters and no witness: a majority is both, so the survivor of a dead site could never be promoted. An
   * operator's forced failover is their word that the other site is down, and counts as its vote once this site's own
   * vote passed, that is once it has not heard the old primary acting for lease-timeout (so the old primary's lease,
   * which needs this site's echoes, has run out). The system cannot check that word: forcing both sides of a cut makes
   * two primaries, which is why two sites never fail over automatically.
   */
  private boolean mayWinAlone() {
    return election.kind == Kind.FORCED && settings.voters().size() == 2 && election.hasGrantFrom(self);
  }

  private void stepDown(Reason reason, long now, List<Action> out) {
    voter.persist(new Demoted(epoch(), reason), out);
    voter.primaryStepsDown(now);
    switchover = null;
    election = null;
    lease.reset();
    voter.sendHeartbeats(now, out); // tell the voters at once that they need not wait for us
  }

  private boolean isPrimary() {
    return state().role() == Role.PRIMARY;
  }

  private long epoch() {
    return state().epoch();
  }
}
