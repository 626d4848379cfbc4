package io.cfs.repl.engine.failover;

import io.cfs.repl.engine.failover.Action.Persist;
import io.cfs.repl.engine.failover.Action.Send;
import io.cfs.repl.engine.failover.FailoverEvent.EpochAdopted;
import io.cfs.repl.engine.failover.FailoverEvent.VotedFor;
import io.cfs.repl.engine.failover.FailoverMessage.Echo;
import io.cfs.repl.engine.failover.FailoverMessage.Heartbeat;
import io.cfs.repl.engine.failover.FailoverMessage.View;
import io.cfs.repl.engine.failover.FailoverMessage.Vote;
import io.cfs.repl.engine.failover.FailoverMessage.VoteReply;
import io.cfs.repl.engine.failover.FailoverMessage.VoteRequest;
import java.util.List;
import java.util.Map;

/**
 * What every voter does, data site or witness: keep the durable (epoch, vote) state, adopt higher epochs, beat,
 * echo the primary's heartbeats (which renews its lease) and decide votes. The candidate and primary parts live in
 * {@link Resolver}.
 *
 * <p>Vote rule, for candidate C asking for epoch E: granted only if (1) C is a data site, (2) E is above the epoch
 * known to have been won, (3) E is above the epoch voted in, or equal to it with the vote already given to C (a
 * duplicate request, granted again whatever follows), (4) the voter has not heard its primary acting as primary
 * within {@code down-after} ({@code lease-timeout} for a forced failover) unless C is that primary, and (5) unless
 * forced, C holds at least as much as the voter of the journal of their common primary, compared as (epoch, held)
 * like Raft's up-to-date check; that primary itself holds all of it. (5) only limits what a failover loses; safety
 * never depends on it. A grant is persisted before the reply.
 *
 * <p>Why (4) fences: a voter echoes the primary's heartbeat only after it heard it, and the primary counts the echo
 * for {@code lease-timeout} from the heartbeat's own send time. Such a voter votes for no other candidate for
 * {@code down-after} after hearing the primary, so the lease it backed has run out first. A restarted voter counts
 * its start as a hearing of the primary it knows, since the echoes it sent before the crash may still count.
 */
final class Voter {
  private final String self;
  private final FailoverSettings settings;
  private final PeerHealthTracker peers;
  private ResolverState state;
  /** When the known primary was last heard acting as primary (or this voter started, or adopted the epoch). */
  private long lastHeardPrimaryAt;
  /** The known primary said it stepped down in the known epoch: it accepts no more writes in that epoch. */
  private boolean primarySteppedDown;
  /** The send time of the latest heartbeat accepted from the known primary in the known epoch, or -1. */
  private long primaryBeat = -1;
  private long maxSeenVotedEpoch;
  private long held;
  private long nextHeartbeatAt;

  Voter(String self, FailoverSettings settings, ResolverState state, long now) {
    this.self = self;
    this.settings = settings;
    this.state = state;
    this.peers = new PeerHealthTracker(settings, settings.voters().stream().filter(v -> !v.equals(self)).toList(),
        now);
    this.lastHeardPrimaryAt = now;
    this.nextHeartbeatAt = now;
  }

  ResolverState state() {
    return state;
  }

  View view() {
    return new View(state.epoch(), state.primary(), state.role(), state.voteEpoch());
  }

  void persist(FailoverEvent event, List<Action> out) {
    long epochBefore = state.epoch();
    state = state.apply(event);
    if (state.epoch() > epochBefore) {
      // What was known of the primary is of the old epoch, this site's own promotion included: a site promoted after
      // its predecessor stepped down must measure its own step-down afresh, or it runs at once after handing over.
      primarySteppedDown = false;
      primaryBeat = -1;
    }
    out.add(new Persist(event));
  }

  /** Learns from any message's view: liveness, a higher epoch, the primary acting or having stepped down. */
  void observe(String from, View view, long now, List<Action> out) {
    peers.heard(from, now, out);
    maxSeenVotedEpoch = Math.max(maxSeenVotedEpoch, view.votedEpoch());
    if (view.epoch() > state.epoch()) {
      persist(new EpochAdopted(view.epoch(), view.primary()), out); // forgets what was known of the old primary
      lastHeardPrimaryAt = now; // give a primary we just learnt of a full down-after before voting against it
    }
    if (view.epoch() == state.epoch() && from.equals(state.primary())) {
      // Demoted is irreversible within an epoch, so a late PRIMARY message must not undo a step-down.
      if (view.role() != Role.PRIMARY) primaryStepsDown(now);
      else if (!primarySteppedDown) lastHeardPrimaryAt = Math.max(lastHeardPrimaryAt, now);
    }
  }

  /**
   * The known primary (this site included) stepped down in the known epoch: from now on voters need not wait for it,
   * but automatic candidacies still wait {@code down-after} from now, leaving that time to the site it handed over
   * to (or that the operator forced).
   */
  void primaryStepsDown(long now) {
    if (primarySteppedDown) return;
    primarySteppedDown = true;
    lastHeardPrimaryAt = now;
  }

  /** Remembers the primary's heartbeat so that the next heartbeat back echoes it. Call after {@link #observe}. */
  void onHeartbeat(String from, Heartbeat heartbeat) {
    View v = heartbeat.view();
    if (from.equals(state.primary()) && v.epoch() == state.epoch() && v.role() == Role.PRIMARY
        && !primarySteppedDown) {
      primaryBeat = Math.max(primaryBeat, heartbeat.clockMillis());
    }
  }

  /** Decides a peer's vote request, persists a grant, then replies. Call after {@link #observe}. */
  Vote onVoteRequest(String from, VoteRequest request, long now, List<Action> out) {
    Vote vote = decide(from, request, now, out);
    out.add(new Send(from, new VoteReply(view(), request.epoch(), vote)));
    return vote;
  }

  /** Decides a vote (also this site's vote for itself) and persists it if granted; sends nothing. */
  Vote decide(String candidate, VoteRequest request, long now, List<Action> out) {
    if (request.handover() && request.view().epoch() == state.epoch()) {
      // Only the primary of that epoch sends Handover, and only after persisting its step-down.
      primaryStepsDown(now);
    }
    Vote vote = judge(candidate, request, now);
    boolean duplicate = request.epoch() == state.voteEpoch() && candidate.equals(state.votedFor());
    if (vote.granted() && !duplicate) persist(new VotedFor(request.epoch(), candidate), out);
    return vote;
  }

  private Vote judge(String candidate, VoteRequest r, long now) {
    if (!settings.isSite(candidate)) return Vote.NOT_ELIGIBLE;
    if (r.epoch() <= state.epoch() || r.epoch() < state.voteEpoch()) return Vote.STALE_EPOCH;
    if (r.epoch() == state.voteEpoch()) {
      // Given already (the reply was lost, or the request duplicated): repeating it changes nothing.
      return candidate.equals(state.votedFor()) ? Vote.GRANTED : Vote.VOTED_OTHER;
    }
    long window = (r.forced() ? settings.leaseTimeout() : settings.downAfter()).toMillis();
    if (!candidate.equals(state.primary()) && quietFor(now) < window) return Vote.PRIMARY_ALIVE;
    // That primary itself holds all of its journal, whatever it reports (held counts what a site received of another
    // site's journal): refusing it would leave a primary that runs again to renew its lease without a vote.
    boolean ownJournal = candidate.equals(state.primary()) && r.view().epoch() == state.epoch();
    boolean behind = r.view().epoch() < state.epoch()
        || (r.view().epoch() == state.epoch() && r.held() < held && !ownJournal);
    if (!r.forced() && behind) return Vote.LESS_CAUGHT_UP;
    return Vote.GRANTED;
  }

  /** For votes: how long the known primary has not been heard acting as primary; unbounded if none is acting. */
  long quietFor(long now) {
    if (state.primary() == null || primarySteppedDown || state.primary().equals(self)) return Long.MAX_VALUE;
    return now - lastHeardPrimaryAt;
  }

  /**
   * For automatic candidacies: how long since the primary was last heard acting, stepped down, or was learnt of (or
   * since this site started). Never more than {@link #quietFor}, so a candidate's own vote passes rule (4).
   */
  long silentFor(long now) {
    return now - lastHeardPrimaryAt;
  }

  /** An epoch above anything this site knows of or saw anyone vote in, so that voters can grant it. */
  long nextElectionEpoch() {
    return Math.max(Math.max(state.epoch(), state.voteEpoch()), maxSeenVotedEpoch) + 1;
  }

  long maxSeenVotedEpoch() {
    return maxSeenVotedEpoch;
  }

  long held() {
    return held;
  }

  void held(long held) {
    this.held = held;
  }

  int peersHeardWithin(long now, long windowMillis) {
    return peers.heardWithin(now, windowMillis);
  }

  void lagging(String peer, long lagMillis, long now, List<Action> out) {
    peers.lagging(peer, lagMillis, now, out);
  }

  Map<String, PeerHealth> health() {
    return peers.snapshot();
  }

  /** Health transitions, then heartbeats when due. */
  void tick(long now, List<Action> out) {
    peers.tick(now, out);
    if (now >= nextHeartbeatAt) sendHeartbeats(now, out);
  }

  /** One heartbeat to every other voter now (also used to announce a promotion or step-down at once). */
  void sendHeartbeats(long now, List<Action> out) {
    View view = view();
    for (String to : settings.voters()) {
      if (to.equals(self)) continue;
      boolean toPrimary = to.equals(state.primary()) && primaryBeat >= 0 && !primarySteppedDown;
      out.add(new Send(to, new Heartbeat(view, now, toPrimary ? new Echo(state.epoch(), primaryBeat) : null)));
    }
    nextHeartbeatAt = now + settings.heartbeatInterval().toMillis();
  }
}
