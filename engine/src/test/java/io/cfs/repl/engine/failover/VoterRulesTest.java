package io.cfs.repl.engine.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.engine.failover.Action.Persist;
import io.cfs.repl.engine.failover.Action.Send;
import io.cfs.repl.engine.failover.FailoverEvent.VotedFor;
import io.cfs.repl.engine.failover.FailoverMessage.Heartbeat;
import io.cfs.repl.engine.failover.FailoverMessage.View;
import io.cfs.repl.engine.failover.FailoverMessage.Vote;
import io.cfs.repl.engine.failover.FailoverMessage.VoteReply;
import io.cfs.repl.engine.failover.FailoverMessage.VoteRequest;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vote rules, on the witness (two sites s1, s2 and witness w; s1 is the primary of epoch 0) and a data site. */
class VoterRulesTest {
  private static final FailoverSettings TWO_AND_WITNESS = SimMesh.settings(2, true, true);
  private static final View S1_PRIMARY = new View(0, "s1", Role.PRIMARY, 0);
  private static final View S2_SECONDARY = new View(0, "s1", Role.SECONDARY, 0);

  private static VoteRequest request(View candidate, long epoch, long held, boolean forced) {
    return new VoteRequest(candidate, epoch, held, forced, false);
  }

  private static Vote voteIn(List<Action> actions) {
    return actions.stream().filter(a -> a instanceof Send s && s.message() instanceof VoteReply)
        .map(a -> ((VoteReply) ((Send) a).message()).vote()).findFirst().orElseThrow();
  }

  private static List<Action> persisted(List<Action> actions) {
    return actions.stream().filter(a -> a instanceof Persist).toList();
  }

  @Test
  void aGrantIsPersistedBeforeTheReplyLeaves() {
    Witness w = Witness.start("w", TWO_AND_WITNESS, List.of(), 0);
    List<Action> actions = w.onMessage("s2", request(S2_SECONDARY, 1, 0, false), 1000);

    assertThat(actions).filteredOn(a -> a instanceof Persist || a instanceof Send).containsExactly(
        new Persist(new VotedFor(1, "s2")),
        new Send("s2", new VoteReply(new View(0, "s1", Role.WITNESS, 1), 1, Vote.GRANTED)));
    assertThat(w.state().voteEpoch()).isEqualTo(1);
  }

  @Test
  void oneVotePerEpochButADuplicateRequestIsGrantedAgainWithoutANewEvent() {
    Witness w = Witness.start("w", TWO_AND_WITNESS, List.of(), 0);
    w.onMessage("s2", request(S2_SECONDARY, 1, 0, false), 1000);

    List<Action> other = w.onMessage("s1", request(S1_PRIMARY, 1, 0, false), 1001);
    List<Action> again = w.onMessage("s2", request(S2_SECONDARY, 1, 0, false), 1002);

    assertThat(voteIn(other)).isEqualTo(Vote.VOTED_OTHER);
    assertThat(voteIn(again)).isEqualTo(Vote.GRANTED);
    assertThat(persisted(other)).isEmpty();
    assertThat(persisted(again)).isEmpty();
  }

  @Test
  void anEpochAlreadyWonOrPassedIsStale() {
    Witness w = Witness.start("w", TWO_AND_WITNESS, List.of(), 0);
    w.onMessage("s2", new Heartbeat(new View(2, "s2", Role.PRIMARY, 2), 900, null), 900);

    assertThat(voteIn(w.onMessage("s1", request(new View(2, "s2", Role.SECONDARY, 0), 2, 0, false), 2000)))
        .isEqualTo(Vote.STALE_EPOCH);
  }

  @Test
  void aVoterThatHeardThePrimaryWithinDownAfterRefuses() {
    Witness w = Witness.start("w", TWO_AND_WITNESS, List.of(), 0);
    w.onMessage("s1", new Heartbeat(S1_PRIMARY, 1000, null), 1000);

    assertThat(voteIn(w.onMessage("s2", request(S2_SECONDARY, 1, 0, false), 1699))).isEqualTo(Vote.PRIMARY_ALIVE);
    assertThat(voteIn(w.onMessage("s2", request(S2_SECONDARY, 1, 0, false), 1700))).isEqualTo(Vote.GRANTED);
  }

  @Test
  void aForcedFailoverWaitsOnlyForThePrimarysLease() {
    Witness w = Witness.start("w", TWO_AND_WITNESS, List.of(), 0);
    w.onMessage("s1", new Heartbeat(S1_PRIMARY, 1000, null), 1000);

    assertThat(voteIn(w.onMessage("s2", request(S2_SECONDARY, 1, 0, true), 1399))).isEqualTo(Vote.PRIMARY_ALIVE);
    assertThat(voteIn(w.onMessage("s2", request(S2_SECONDARY, 1, 0, true), 1400))).isEqualTo(Vote.GRANTED);
  }

  @Test
  void aRestartedVoterKeepsItsVoteAndWaitsDownAfterForThePrimaryItKnows() {
    Witness w = Witness.start("w", TWO_AND_WITNESS, List.of(new VotedFor(1, "s2")), 5000);

    assertThat(voteIn(w.onMessage("s1", request(S1_PRIMARY, 1, 0, false), 5000))).isEqualTo(Vote.VOTED_OTHER);
    // It may have echoed s1 just before its crash, so it treats its start as a hearing of s1.
    assertThat(voteIn(w.onMessage("s2", request(S2_SECONDARY, 2, 0, false), 5100))).isEqualTo(Vote.PRIMARY_ALIVE);
    assertThat(voteIn(w.onMessage("s2", request(S2_SECONDARY, 2, 0, false), 5700))).isEqualTo(Vote.GRANTED);
  }

  @Test
  void aVoterHoldingMoreOfTheJournalRefusesUnlessForced() {
    FailoverSettings three = SimMesh.settings(3, false, true);
    Resolver s3 = Resolver.start("s3", three, List.of(), 0, new SplittableRandom(1));
    s3.onJournalProgress(50);

    assertThat(voteIn(s3.onMessage("s2", request(S2_SECONDARY, 1, 40, false), 1000)))
        .isEqualTo(Vote.LESS_CAUGHT_UP);
    assertThat(voteIn(s3.onMessage("s2", request(S2_SECONDARY, 2, 10, true), 1000))).isEqualTo(Vote.GRANTED);
    assertThat(voteIn(s3.onMessage("s2", request(S2_SECONDARY, 3, 50, false), 1000))).isEqualTo(Vote.GRANTED);
  }

  @Test
  void theWitnessIsNeverElected() {
    FailoverSettings three = SimMesh.settings(3, true, true);
    Resolver s3 = Resolver.start("s3", three, List.of(), 0, new SplittableRandom(1));

    assertThat(voteIn(s3.onMessage("w", request(new View(0, "s1", Role.WITNESS, 0), 1, 0, false), 1000)))
        .isEqualTo(Vote.NOT_ELIGIBLE);
  }

  @Test
  void theStateComesBackFromTheEventsAlone() {
    FailoverSettings settings = SimMesh.settings(3, true, true);
    List<FailoverEvent> events = List.of(new VotedFor(1, "s2"), new FailoverEvent.EpochAdopted(1, "s2"),
        new VotedFor(3, "s3"), new FailoverEvent.Promoted(3, "s3"), new FailoverEvent.EpochAdopted(2, "s1"));

    assertThat(ResolverState.recover("s3", settings, events))
        .isEqualTo(new ResolverState(3, "s3", Role.PRIMARY, 3, "s3"));
    assertThat(ResolverState.recover("s3", settings,
        List.of(new FailoverEvent.Promoted(3, "s3"), new FailoverEvent.Demoted(3, FailoverEvent.Reason.HANDOVER))))
        .isEqualTo(new ResolverState(3, "s3", Role.SECONDARY, 0, null));
    assertThat(ResolverState.initial("w", settings)).isEqualTo(new ResolverState(0, "s1", Role.WITNESS, 0, null));
  }
}
