package io.cfs.repl.engine.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.engine.failover.Action.Send;
import io.cfs.repl.engine.failover.FailoverEvent.Demoted;
import io.cfs.repl.engine.failover.FailoverEvent.Promoted;
import io.cfs.repl.engine.failover.FailoverEvent.Reason;
import io.cfs.repl.engine.failover.FailoverMessage.Handover;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules that keep a mesh from getting stuck with no writable primary, each shown where it is needed. */
class ResolverLivenessTest {

  @Test
  void aPrimaryThatHearsNoMajorityStepsDownSoThatVotersWhoStillHearItCanElect() {
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    mesh.cut("s2", "s1"); // s1 still reaches everyone, nobody reaches s1
    mesh.cut("s3", "s1");

    assertThat(mesh.runUntil(() -> mesh.writer() != null && !mesh.writer().equals("s1"), 5000, 10)).isTrue();
    assertThat(mesh.persisted(Demoted.class)).containsExactly(new Demoted(0, Reason.LOST_QUORUM));
  }

  @Test
  void aPrimaryMissingItsLeaseBecauseAVoterVotedBeyondItsEpochRunsAgain() {
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    mesh.cut("s1", "s2"); // s2 alone is cut off: it runs, round after round, and s3 refuses
    mesh.cut("s2", "s1");
    mesh.runFor(3000, 10);
    assertThat(mesh.live.get("s2").state().voteEpoch()).isPositive();
    mesh.healLinks();
    mesh.runFor(500, 10);
    mesh.crash("s3"); // now s1 needs s2's echo, which does not count while s2 voted beyond epoch 0

    assertThat(mesh.runUntil(() -> "s1".equals(mesh.writer()) && mesh.live.get("s1").state().epoch() > 0, 2000, 10))
        .isTrue();
    assertThat(mesh.persisted(Promoted.class)).extracting(Promoted::site).containsOnly("s1");
  }

  /**
   * As above, with the secondaries holding the primary's journal (as the replication side tells them): the primary's
   * own re-election must not be refused as less caught up than a voter holding its journal, or, with the third voter
   * gone, no site takes writes for as long as it stays gone (seen in FailoverWitnessTest: a secondary that ran once at
   * start-up, then the witness killed).
   */
  @Test
  void aPrimaryRunningAgainIsNotLessCaughtUpThanTheHoldersOfItsOwnJournal() {
    SimMesh mesh = SimMesh.steady(3, false, true);
    mesh.runFor(1000, 10);
    mesh.cut("s1", "s2");
    mesh.cut("s2", "s1");
    mesh.runFor(3000, 10);
    assertThat(mesh.live.get("s2").state().voteEpoch()).isPositive();
    mesh.healLinks();
    mesh.runFor(500, 10);
    mesh.resolver("s2").onJournalProgress(100); // s2 holds 100 entries of s1's journal; s1 wrote them
    mesh.crash("s3");

    assertThat(mesh.runUntil(() -> "s1".equals(mesh.writer()) && mesh.live.get("s1").state().epoch() > 0, 2000, 10))
        .isTrue();
    assertThat(mesh.persisted(Promoted.class)).extracting(Promoted::site).containsOnly("s1");
  }

  @Test
  void aLostHandoverIsSentAgain() {
    SimMesh mesh = SimMesh.steady(2, false, true);
    mesh.runFor(1000, 10);
    Resolver s1 = mesh.resolver("s1");
    s1.onManualFailover("s2", false, mesh.now);
    mesh.runFor(mesh.settings.leaseTimeout().toMillis(), 10); // the drain outlasts the permits handed out before it
    List<Action> handover = s1.onTargetCaughtUp("s2", mesh.now);
    mesh.apply("s1", handover.stream().filter(a -> !(a instanceof Send s && s.message() instanceof Handover)).toList());

    // Two sites, no witness: without the repeat the mesh would stay without a primary.
    assertThat(mesh.runUntil(() -> "s2".equals(mesh.writer()), 1000, 10)).isTrue();
    assertThat(mesh.persisted(Promoted.class)).containsExactly(new Promoted(1, "s2"));
  }
}
