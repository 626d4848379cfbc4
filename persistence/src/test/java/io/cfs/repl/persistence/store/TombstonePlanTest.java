package io.cfs.repl.persistence.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The survey of a tombstone collection, against an index in memory that counts what it is asked. */
class TombstonePlanTest {
  private static final String A = "site-a";
  private static final long CUT = 1_000;

  /** Index entries per shard in (seq, inode) order, the values held per inode, and what the survey read. */
  private static final class MemoryIndex implements TombstonePlan.Index {
    private static final Comparator<TombstonePlan.Candidate> ORDER = Comparator
        .comparingLong(TombstonePlan.Candidate::seq).thenComparingLong(TombstonePlan.Candidate::inodeId);
    final Map<Integer, TreeSet<TombstonePlan.Candidate>> entries = new HashMap<>();
    final Map<Long, StoredValue> values = new HashMap<>();
    int looked;
    int reads;

    /** A tombstone of A's entry (shard, seq) on {@code inode}, written at {@code hlc}, held and indexed. */
    void tombstone(int shard, long seq, long inode, long hlc) {
      index(shard, seq, inode);
      values.put(inode, new StoredValue(inode, shard, new Version(hlc, A), Op.UNLINK, true, 1, new byte[0], seq,
          Seen.NONE, Seen.NONE));
    }

    void index(int shard, long seq, long inode) {
      entries.computeIfAbsent(shard, s -> new TreeSet<>(ORDER)).add(new TombstonePlan.Candidate(shard, seq, inode));
    }

    @Override
    public List<TombstonePlan.Candidate> after(int shard, TombstonePlan.Candidate last, long uptoSeq, int limit) {
      reads++;
      List<TombstonePlan.Candidate> found = new ArrayList<>();
      for (TombstonePlan.Candidate c : entries.getOrDefault(shard, new TreeSet<>(ORDER))) {
        if (found.size() == limit || c.seq() > uptoSeq) break;
        if (c.seq() >= 1 && (last == null || ORDER.compare(c, last) > 0)) found.add(c);
      }
      looked += found.size();
      return found;
    }

    @Override
    public Map<Long, StoredValue> held(Set<Long> inodeIds) {
      Map<Long, StoredValue> held = new HashMap<>();
      inodeIds.forEach(id -> {
        if (values.containsKey(id)) held.put(id, values.get(id));
      });
      return held;
    }
  }

  @Test
  void eachShardIsSurveyedUpToItsFirstYoungTombstoneAndNothingIsDecided() {
    MemoryIndex index = new MemoryIndex();
    index.tombstone(1, 1, 10, 100);
    index.tombstone(1, 2, 11, 200);
    index.tombstone(1, 3, 12, 5_000); // young: what follows waits for it
    index.tombstone(1, 4, 13, 300);
    index.index(1, 5, 14); // stale: nothing held
    index.tombstone(2, 1, 20, 100);
    index.index(2, 2, 21);
    TombstonePlan plan = new TombstonePlan(A, Map.of(1, 5L, 2, 2L), CUT, 100);

    List<TombstonePlan.Candidate> due = plan.survey(index);

    assertEquals(List.of(new TombstonePlan.Candidate(1, 1, 10), new TombstonePlan.Candidate(1, 2, 11),
        new TombstonePlan.Candidate(2, 1, 20), new TombstonePlan.Candidate(2, 2, 21)), due);
    assertTrue(plan.writesNothing(), "a survey only picks; decide, under the lock, decides");
  }

  @Test
  void aSurveyReadsInChunksAndStopsAtTheCallsBound() {
    MemoryIndex index = new MemoryIndex();
    int many = TombstonePlan.SURVEY_MAX_CHUNK * 3 + 10;
    for (long seq = 1; seq <= many; seq++) index.tombstone(1, seq, 1_000 + seq, 10);
    for (long seq = 1; seq <= 5; seq++) index.tombstone(2, seq, 5_000 + seq, 10);

    List<TombstonePlan.Candidate> all = new TombstonePlan(A, Map.of(1, (long) many, 2, 5L), CUT, 10_000)
        .survey(index);
    assertEquals(many + 5, all.size(), "every due entry of both shards, across chunk boundaries");
    assertEquals(many, all.stream().filter(c -> c.shard() == 1).map(TombstonePlan.Candidate::seq).distinct().count());

    index.looked = 0;
    int max = TombstonePlan.SURVEY_MAX_CHUNK + 3;
    List<TombstonePlan.Candidate> bounded = new TombstonePlan(A, Map.of(1, (long) many, 2, 5L), CUT, max)
        .survey(index);
    assertEquals(max, bounded.size());
    assertEquals(max, index.looked, "no more index entries read than the bound");

    MemoryIndex youngFirst = new MemoryIndex();
    for (int shard = 0; shard < 3; shard++) {
      for (long seq = 1; seq <= 20; seq++) youngFirst.tombstone(shard, seq, shard * 100L + seq, CUT + seq);
    }
    new TombstonePlan(A, Map.of(0, 20L, 1, 20L, 2, 20L), CUT, 10).survey(youngFirst);
    assertEquals(10, youngFirst.looked, "entries read past a young one count against the bound");
  }

  /** Two index entries of one seq (an origin's history forgotten and begun again) are both looked at. */
  @Test
  void entriesSharingASeqAcrossReadsAreAllSurveyed() {
    MemoryIndex index = new MemoryIndex();
    for (long seq = 1; seq <= 7; seq++) index.tombstone(1, seq, 100 + seq, 10);
    index.tombstone(1, 8, 200, 10); // the 8th entry ends the first read of 8
    index.index(1, 8, 201); // the same seq, another inode: its old history's tombstone, replaced since (stale)
    index.tombstone(1, 9, 300, 10);

    List<TombstonePlan.Candidate> due = new TombstonePlan(A, Map.of(1, 9L), CUT, 100).survey(index);
    assertEquals(10, due.size(), "every entry, the second of seq 8 included: " + due);
    assertTrue(due.contains(new TombstonePlan.Candidate(1, 8, 201)));
  }

  @Test
  void aYoungFirstTombstoneCostsOneSmallReadPerShardPerRound() {
    MemoryIndex index = new MemoryIndex();
    for (int shard = 0; shard < 64; shard++) {
      for (long seq = 1; seq <= 1_000; seq++) index.tombstone(shard, seq, shard * 10_000L + seq, CUT + seq);
    }
    Map<Integer, Long> stable = new HashMap<>();
    for (int shard = 0; shard < 64; shard++) stable.put(shard, 1_000L);

    assertEquals(List.of(), new TombstonePlan(A, stable, CUT, 10_000).survey(index));
    assertEquals(64, index.reads, "one index read per shard");
    assertEquals(64 * TombstonePlan.SURVEY_FIRST_CHUNK, index.looked, "a few index entries per shard, not the bound");
  }
}
