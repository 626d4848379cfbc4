package io.cfs.repl.engine.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.engine.failover.Action.HealthChanged;
import io.cfs.repl.engine.failover.Action.ManualFailoverFailed;
import io.cfs.repl.engine.failover.Action.Persist;
import io.cfs.repl.engine.failover.Action.Send;
import io.cfs.repl.engine.failover.FailoverEvent.EpochAdopted;
import io.cfs.repl.engine.failover.FailoverEvent.Promoted;
import io.cfs.repl.engine.failover.FailoverEvent.VotedFor;
import io.cfs.repl.engine.failover.FailoverMessage.Heartbeat;
import io.cfs.repl.engine.failover.FailoverMessage.View;
import io.cfs.repl.engine.failover.FailoverMessage.Vote;
import io.cfs.repl.engine.failover.FailoverMessage.VoteReply;
import io.cfs.repl.engine.failover.FailoverMessage.VoteRequest;
import io.cfs.repl.engine.failover.SimMesh.Recorded;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Decisions of a data site's resolver, alone or in a simulated mesh with 5 ms links and a 10 ms tick. */
class ResolverTest {

  static int indexOf(List<Action> actions, Class<?> type) {
    for (int i = 0; i < actions.size(); i++) {
      Action a = actions.get(i);
      Object inner = a instanceof Send s ? s.message() : a instanceof Persist p ? p.event() : a;
      if (type.isInstance(inner)) return i;
    }
    return -1;
  }

  @Test
  void aPrimaryLearningOfAHigherEpochIsDemotedAtOnce() {
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    assertThat(mesh.writer()).isEqualTo("s1");

    List<Action> actions = mesh.live.get("s1").onMessage("s2", new Heartbeat(new View(3, "s2", Role.PRIMARY, 3),
        mesh.now, null), mesh.now);

    assertThat(actions).contains(new Persist(new EpochAdopted(3, "s2")));
    assertThat(mesh.live.get("s1").state().role()).isEqualTo(Role.SECONDARY);
    assertThat(mesh.live.get("s1").acceptsWrites(mesh.now)).isFalse();
  }

  @Test
  void anIsolatedPrimaryStopsWritesBeforeAnyoneCanBeElected() {
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    assertThat(mesh.writer()).isEqualTo("s1");
    long cutAt = mesh.now;
    mesh.isolate("s1");

    long stoppedAt = -1;
    while (mesh.persisted(Promoted.class).isEmpty() && mesh.now < cutAt + 5000) {
      mesh.advance(10);
      if (stoppedAt < 0 && !mesh.live.get("s1").acceptsWrites(mesh.now)) stoppedAt = mesh.now;
    }
    long promotedAt = mesh.recorded.stream().filter(s -> s.action() instanceof Persist p && p.event() instanceof Promoted)
        .mapToLong(SimMesh.Recorded::at).findFirst().orElseThrow();

    assertThat(stoppedAt).isBetween(cutAt, cutAt + 400); // lease-timeout after its last echoed heartbeat
    // down-after after the voters last heard s1, which beat at most one interval before the cut
    assertThat(promotedAt).isGreaterThanOrEqualTo(cutAt - 100 + 700).isGreaterThan(stoppedAt);
    assertThat(mesh.runUntil(() -> mesh.writer() != null, 2000, 10)).isTrue();
    assertThat(mesh.writer()).isIn("s2", "s3");
  }

  @Test
  void aSecondaryCutOffAloneCannotDisruptAHealthyPrimary() {
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    mesh.cut("s1", "s2");
    mesh.cut("s2", "s1");
    for (int i = 0; i < 1000; i++) {
      mesh.advance(10);
      assertThat(mesh.writer()).isEqualTo("s1");
    }
    List<Vote> s3Answers = mesh.recorded.stream()
        .filter(s -> s.site().equals("s3") && s.action() instanceof Send send && send.message() instanceof VoteReply)
        .map(s -> ((VoteReply) ((Send) s.action()).message()).vote()).distinct().toList();

    assertThat(s3Answers).containsExactly(Vote.PRIMARY_ALIVE); // s2 did run, and s3 stood by s1
    assertThat(mesh.live.get("s3").state().epoch()).isZero();
    mesh.healLinks();
    mesh.runFor(2000, 10);
    assertThat(mesh.writer()).isEqualTo("s1");
  }

  @Test
  void promotionNeedsGrantsFromAStrictMajorityOfAllVoters() {
    FailoverSettings five = SimMesh.settings(5, false, false);
    Resolver s1 = Resolver.start("s1", five, List.of(), 0, new SplittableRandom(3));
    List<Action> candidacy = s1.onTick(2000); // no primary heard since the start: runs for epoch 1

    assertThat(candidacy.get(indexOf(candidacy, VotedFor.class))).isEqualTo(new Persist(new VotedFor(1, "s1")));
    assertThat(indexOf(candidacy, VotedFor.class)).isLessThan(indexOf(candidacy, VoteRequest.class));
    assertThat(candidacy).filteredOn(a -> a instanceof Send s && s.message() instanceof VoteRequest).hasSize(4);

    View voter = new View(0, null, Role.SECONDARY, 1);
    assertThat(s1.onMessage("s2", new VoteReply(voter, 1, Vote.GRANTED), 2010)).noneMatch(a -> a instanceof Persist);
    assertThat(s1.onMessage("s2", new VoteReply(voter, 1, Vote.GRANTED), 2011)).noneMatch(a -> a instanceof Persist);
    assertThat(s1.onMessage("s4", new VoteReply(voter, 1, Vote.PRIMARY_ALIVE), 2012)).isNotEmpty();
    assertThat(s1.state().role()).isEqualTo(Role.SECONDARY);

    List<Action> won = s1.onMessage("s3", new VoteReply(voter, 1, Vote.GRANTED), 2020);
    assertThat(won.get(indexOf(won, Promoted.class))).isEqualTo(new Persist(new Promoted(1, "s1")));
    assertThat(indexOf(won, Promoted.class)).isLessThan(indexOf(won, Heartbeat.class));
    assertThat(s1.state()).isEqualTo(new ResolverState(1, "s1", Role.PRIMARY, 1, "s1"));
  }

  @Test
  void twoSitesAndAWitnessFailOverAutomatically() {
    SimMesh mesh = SimMesh.steady(2, true, true);
    mesh.runFor(1000, 10);
    mesh.crash("s1");

    assertThat(mesh.runUntil(() -> "s2".equals(mesh.writer()), 3000, 10)).isTrue();
    assertThat(mesh.persisted(Promoted.class)).containsExactly(new Promoted(1, "s2"));
  }

  @Test
  void twoSitesWithoutAWitnessNeverPromoteAutomatically() {
    SimMesh mesh = SimMesh.steady(2, false, true);
    mesh.runFor(1000, 10);
    mesh.crash("s1");
    mesh.runFor(60_000, 10);

    assertThat(mesh.recorded).noneMatch(s -> s.action() instanceof Send send && send.message() instanceof VoteRequest);
    assertThat(mesh.live.get("s2").state()).isEqualTo(new ResolverState(0, "s1", Role.SECONDARY, 0, null));
  }

  @Test
  void aForcedFailoverWithTwoSitesMakesThePrimaryStepDownAndVote() {
    SimMesh mesh = SimMesh.steady(2, false, true);
    mesh.runFor(1000, 10);
    mesh.apply("s2", mesh.resolver("s2").onManualFailover("s2", true, mesh.now));

    assertThat(mesh.runUntil(() -> "s2".equals(mesh.writer()), 2000, 10)).isTrue();
    assertThat(mesh.persisted(Promoted.class)).containsExactly(new Promoted(1, "s2"));
    List<Action> s1 = mesh.recorded.stream().filter(s -> s.site().equals("s1")).map(SimMesh.Recorded::action).toList();
    assertThat(s1).contains(new Persist(new FailoverEvent.Demoted(0, FailoverEvent.Reason.FORCED_FAILOVER)));
    assertThat(indexOf(s1, FailoverEvent.Demoted.class)).isLessThan(indexOf(s1, VoteReply.class));
  }

  @Test
  void aForcedRequestMeantForAnEarlierPrimaryDoesNotStepDownALaterOne() {
    Resolver s1 = Resolver.start("s1", SimMesh.settings(3, false, false), List.of(new Promoted(2, "s1")), 0,
        new SplittableRandom(5));
    VoteRequest late = new VoteRequest(new View(1, "s3", Role.SECONDARY, 1), 3, 0, true, false);

    assertThat(s1.onMessage("s2", late, 100)).noneMatch(a -> a instanceof Persist)
        .contains(new Send("s2", new VoteReply(new View(2, "s1", Role.PRIMARY, 0), 3, Vote.PRIMARY_ALIVE)));
    assertThat(s1.state().role()).isEqualTo(Role.PRIMARY);
  }

  @Test
  void aForcedFailoverStillNeedsAMajority() {
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    mesh.crash("s1");
    mesh.crash("s3");
    mesh.apply("s2", mesh.resolver("s2").onManualFailover("s2", true, mesh.now));
    mesh.runFor(3000, 10);

    assertThat(mesh.persisted(Promoted.class)).isEmpty();
    assertThat(mesh.recorded).anyMatch(s -> s.action() instanceof ManualFailoverFailed f && f.target().equals("s2"));
    assertThat(mesh.resolver("s2").onManualFailover("s1", true, mesh.now))
        .containsExactly(new ManualFailoverFailed("s1", "a forced failover runs on its target, not on s2"));
  }

  @Test
  void twoSitesWithoutWitnessForceTheSurvivorAloneAfterTheOldLeaseAndWriteUntilThePeerRejoins() {
    SimMesh mesh = SimMesh.steady(2, false, true);
    mesh.runFor(1000, 10);
    assertThat(mesh.writer()).isEqualTo("s1");
    mesh.crash("s1");
    long lastSent = mesh.recorded.stream().filter(r -> r.site().equals("s1") && r.action() instanceof Send)
        .mapToLong(Recorded::at).max().orElseThrow();
    mesh.apply("s2", mesh.resolver("s2").onManualFailover("s2", true, mesh.now));

    assertThat(mesh.runUntil(() -> "s2".equals(mesh.writer()), 3000, 10)).isTrue();
    long promotedAt = mesh.recorded.stream()
        .filter(r -> r.action() instanceof Persist p && p.event() instanceof Promoted)
        .mapToLong(Recorded::at).findFirst().orElseThrow();
    // its own vote waited until the old primary's lease (backed by s2's echoes) had run out
    assertThat(promotedAt - lastSent).isGreaterThanOrEqualTo(mesh.settings.leaseTimeout().toMillis());
    assertThat(mesh.persisted(Promoted.class)).containsExactly(new Promoted(1, "s2"));
    mesh.runFor(3 * mesh.settings.downAfter().toMillis(), 10); // alone, it has no quorum to lose
    assertThat(mesh.writer()).isEqualTo("s2");

    mesh.start("s1"); // back: it adopts epoch 1 and echoes s2, which then needs it again like any two-site primary
    assertThat(mesh.runUntil(() -> mesh.live.get("s1").state().epoch() == 1, 2000, 10)).isTrue();
    assertThat(mesh.live.get("s1").state().role()).isEqualTo(Role.SECONDARY);
    mesh.runFor(500, 10);
    long cutAt = mesh.now;
    mesh.isolate("s2");
    assertThat(mesh.runUntil(() -> mesh.writer() == null, 2000, 10)).isTrue();
    assertThat(mesh.now - cutAt).isLessThanOrEqualTo(mesh.settings.leaseTimeout().toMillis() + 20);
  }

  @Test
  void aTwoSitePrimaryThatLostItsSecondaryWritesAgainWhenForcedAlone() {
    SimMesh mesh = SimMesh.steady(2, false, true);
    mesh.runFor(1000, 10);
    mesh.crash("s2");
    assertThat(mesh.runUntil(() -> mesh.writer() == null, 2000, 10)).isTrue(); // its lease needs s2
    mesh.runFor(1000, 10);

    mesh.apply("s1", mesh.resolver("s1").onManualFailover("s1", true, mesh.now));

    assertThat(mesh.runUntil(() -> "s1".equals(mesh.writer()), 3000, 10)).isTrue();
    assertThat(mesh.live.get("s1").state().epoch()).isGreaterThan(0);
    assertThat(mesh.resolver("s1").onManualFailover("s1", true, mesh.now))
        .containsExactly(new ManualFailoverFailed("s1", "s1 is already the primary and takes writes"));
  }

  @Test
  void aPlannedSwitchoverStopsWritesWaitsForTheTargetThenHandsOver() {
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    Resolver s1 = mesh.resolver("s1");
    s1.onJournalProgress(100);
    mesh.resolver("s2").onJournalProgress(100);
    mesh.resolver("s3").onJournalProgress(90);

    assertThat(s1.onManualFailover("s2", false, mesh.now)).isEmpty();
    assertThat(s1.acceptsWrites(mesh.now)).isFalse();
    mesh.runFor(1000, 10); // the target has not said it holds everything: nothing moves, and nobody writes
    assertThat(mesh.persisted(Promoted.class)).isEmpty();
    assertThat(mesh.writers()).isEmpty();

    long handoverAt = mesh.now;
    List<Action> handover = s1.onTargetCaughtUp("s2", mesh.now);
    assertThat(indexOf(handover, FailoverEvent.Demoted.class)).isZero();
    assertThat(indexOf(handover, FailoverMessage.Handover.class)).isPositive();
    mesh.apply("s1", handover);

    assertThat(mesh.runUntil(() -> "s2".equals(mesh.writer()), 2000, 10)).isTrue();
    assertThat(mesh.now - handoverAt).isLessThan(300); // no down-after wait: the voters know s1 stepped down
    assertThat(mesh.persisted(Promoted.class)).containsExactly(new Promoted(1, "s2"));
  }

  @Test
  void aPlannedSwitchoverDrainsUntilEveryPermitHandedOutBeforeItHasRunOut() {
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    Resolver s1 = mesh.resolver("s1");
    long permitsEnd = s1.writableUntil(mesh.now);
    assertThat(permitsEnd).isGreaterThan(mesh.now);

    mesh.apply("s1", s1.onManualFailover("s2", false, mesh.now));
    // the target already holds everything, but a node may still append under a permit issued before the stop
    assertThat(s1.onTargetCaughtUp("s2", mesh.now)).isEmpty();
    assertThat(s1.onTargetCaughtUp("s2", permitsEnd - 1)).isEmpty();
    assertThat(s1.switchoverTarget()).isEqualTo("s2");
    assertThat(indexOf(s1.onTargetCaughtUp("s2", permitsEnd), FailoverMessage.Handover.class)).isPositive();
  }

  @Test
  void aSwitchoverBackToTheFormerPrimaryHandsOverToo() {
    // s2 became primary by a handover (it saw s1 step down); when it hands back, it must wait like any site that
    // stepped down, not run at once on the quiet time it measured from s1's step-down (seen in FailoverITSwitchoverTest:
    // s2 re-promoted itself 80 ms after handing over, and the switchover back never happened).
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    long drain = mesh.settings.leaseTimeout().toMillis(); // the drain outlasts the permits handed out before it
    mesh.apply("s1", mesh.resolver("s1").onManualFailover("s2", false, mesh.now));
    mesh.runFor(drain, 10);
    mesh.apply("s1", mesh.resolver("s1").onTargetCaughtUp("s2", mesh.now));
    assertThat(mesh.runUntil(() -> "s2".equals(mesh.writer()), 2000, 10)).isTrue();
    mesh.runFor(2000, 10);

    Resolver s2 = mesh.resolver("s2");
    mesh.apply("s2", s2.onManualFailover("s1", false, mesh.now));
    mesh.runFor(drain, 10);
    mesh.apply("s2", s2.onTargetCaughtUp("s1", mesh.now));

    assertThat(mesh.runUntil(() -> "s1".equals(mesh.writer()), 2000, 10)).isTrue();
    assertThat(mesh.persisted(Promoted.class)).extracting(Promoted::site).containsExactly("s2", "s1");
  }

  @Test
  void aSwitchoverWhoseTargetNeverCatchesUpGivesUpAndWritesResume() {
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    mesh.resolver("s1").onManualFailover("s3", false, mesh.now);
    mesh.runFor(2100, 10);

    assertThat(mesh.recorded).anyMatch(s -> s.action() instanceof ManualFailoverFailed f && f.target().equals("s3"));
    assertThat(mesh.writer()).isEqualTo("s1");
    assertThat(mesh.resolver("s2").onManualFailover("s3", false, mesh.now).get(0))
        .isEqualTo(new ManualFailoverFailed("s3", "a planned switchover runs on the primary: s1 in epoch 0"));
  }

  @Test
  void healthGoesDegradedThenDownAndBackAsEvents() {
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    assertThat(mesh.live.get("s1").health()).containsValues(PeerHealth.HEALTHY).doesNotContainValue(PeerHealth.DOWN);
    long crashedAt = mesh.now;
    mesh.crash("s3");
    mesh.runFor(1000, 10);
    mesh.start("s3");
    mesh.runFor(200, 10);

    List<SimMesh.Recorded> s1AboutS3 = mesh.recorded.stream().filter(s -> s.site().equals("s1") && s.action() instanceof HealthChanged h
        && h.peer().equals("s3") && s.at() > crashedAt).toList();
    assertThat(s1AboutS3).extracting(SimMesh.Recorded::action).containsExactly(
        new HealthChanged("s3", PeerHealth.HEALTHY, PeerHealth.DEGRADED),
        new HealthChanged("s3", PeerHealth.DEGRADED, PeerHealth.DOWN),
        new HealthChanged("s3", PeerHealth.DOWN, PeerHealth.HEALTHY));
    assertThat(s1AboutS3.get(1).at() - s1AboutS3.get(0).at()).isBetween(300L, 420L);
  }
}
