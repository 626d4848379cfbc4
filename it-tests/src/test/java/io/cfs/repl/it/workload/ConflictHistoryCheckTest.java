package io.cfs.repl.it.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cfs.repl.it.client.AuditedConflict;
import io.cfs.repl.it.client.InodeValue;
import io.cfs.repl.it.workload.ConflictHistoryCheck.Fate;
import io.cfs.repl.it.workload.ConflictHistoryCheck.Result;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The conflict history checker places each write and finds what it is there to find. The story: site-a writes inode 5
 * twice (seqs 1 and 2), site-b writes it once having seen only a's first write, with the highest hlc; site-a met b's
 * write holding its second one and recorded the conflict.
 */
class ConflictHistoryCheckTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final List<History.Write> WRITES = List.of(
      new History.Write(A, 0, 1, 10, 5), new History.Write(A, 0, 2, 20, 5), new History.Write(B, 0, 1, 30, 5));
  private static final Map<String, Long> KNOWN = Map.of(A, 2L, B, 1L);
  private static final InodeValue B_WON = value(30, B, 1, Map.of(A, 1L, B, 1L), KNOWN);
  private static final AuditedConflict MET_ON_A = conflict(A, 1, 20, A, 2, Map.of(A, 2L), 30, B, 1,
      Map.of(A, 1L, B, 1L));

  private static InodeValue value(long hlc, String site, long seq, Map<String, Long> seen,
                                  Map<String, Long> knowledge) {
    return new InodeValue(5, 0, hlc, site, "WRITE", false, 1, "", seq, seen, knowledge);
  }

  private static AuditedConflict conflict(String at, long id, long localHlc, String localSite, long localSeq,
                                          Map<String, Long> localKnew, long remoteHlc, String remoteSite,
                                          long remoteSeq, Map<String, Long> remoteSeen) {
    Version local = new Version(localHlc, localSite);
    Version remote = new Version(remoteHlc, remoteSite);
    return new AuditedConflict(at, id, 5, 0, local, localSeq, Seen.of(localKnew), remote, remoteSeq,
        Seen.of(remoteSeen), remote.isNewerThan(local) ? remote : local, true);
  }

  @Test
  void everyWriteIsTheWinnerInItsPastOrLostUnseen() {
    Result r = ConflictHistoryCheck.check(WRITES, Map.of(A, Map.of(5L, B_WON), B, Map.of(5L, B_WON)),
        Map.of(A, List.of(MET_ON_A), B, List.of()));

    r.assertHolds();
    assertThat(r.count(Fate.WINNER)).isEqualTo(1);
    assertThat(r.count(Fate.IN_PAST)).as("a's first write, which b had seen").isEqualTo(1);
    assertThat(r.count(Fate.LOST_UNSEEN)).as("a's second write").isEqualTo(1);
  }

  @Test
  void aWriteLostWithoutARecordIsAViolation() {
    Result r = ConflictHistoryCheck.check(WRITES, Map.of(A, Map.of(5L, B_WON), B, Map.of(5L, B_WON)),
        Map.of(A, List.of(), B, List.of()));

    assertThat(r.violations()).singleElement().asString().startsWith("write site-a/0/2 inode 5");
    assertThatThrownBy(r::assertHolds).hasMessageContaining("1 violation");
  }

  @Test
  void aConflictWhoseWinnerHadSeenTheWriteDoesNotAccountForIt() {
    // the same conflict, but its winning side claims to have seen a's second write: nothing was lost unseen
    AuditedConflict seenAll = conflict(A, 1, 20, A, 2, Map.of(A, 2L), 30, B, 1, Map.of(A, 2L, B, 1L));
    Result r = ConflictHistoryCheck.check(WRITES, Map.of(A, Map.of(5L, B_WON), B, Map.of(5L, B_WON)),
        Map.of(A, List.of(seenAll), B, List.of()));

    assertThat(r.violations()).singleElement().asString().startsWith("write site-a/0/2 inode 5");
  }

  @Test
  void sitesHoldingDifferentValuesAreAViolation() {
    InodeValue aWon = value(20, A, 2, Map.of(A, 2L), KNOWN);
    Result r = ConflictHistoryCheck.check(WRITES, Map.of(A, Map.of(5L, B_WON), B, Map.of(5L, aWon)),
        Map.of(A, List.of(MET_ON_A), B, List.of()));

    assertThat(r.violations()).anySatisfy(v -> assertThat(v).startsWith("inode 5: "));
  }

  @Test
  void aWinnerOtherThanTheLwwMaximumOrPartialKnowledgeIsAViolation() {
    InodeValue aWon = value(20, A, 2, Map.of(A, 2L), Map.of(A, 2L));
    Result r = ConflictHistoryCheck.check(WRITES, Map.of(A, Map.of(5L, aWon)), Map.of(A, List.of(MET_ON_A)));

    assertThat(r.violations()).anySatisfy(v -> assertThat(v).contains("not the last-write-wins maximum"))
        .anySatisfy(v -> assertThat(v).contains("the sites know of"));
  }

  @Test
  void aConflictIdTwiceInOneTrailIsAViolation() {
    Result r = ConflictHistoryCheck.check(WRITES, Map.of(A, Map.of(5L, B_WON)),
        Map.of(A, List.of(MET_ON_A, MET_ON_A)));

    assertThat(r.violations()).containsExactly("site-a's trail names 1 conflict id(s) twice");
  }
}
