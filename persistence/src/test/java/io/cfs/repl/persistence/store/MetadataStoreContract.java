package io.cfs.repl.persistence.store;

import static io.cfs.repl.model.entry.TestEntries.change;
import static io.cfs.repl.model.entry.TestEntries.range;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.ClosedAfterTest;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import io.cfs.repl.model.shard.ShardPosition;
import io.cfs.repl.model.shard.Gap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rules of {@link MetadataStore}, run once per backend: last-write-wins with tombstones and an audit trail of both
 * sides, idempotent and gap-refusing applies per (origin, shard), durability across reopen, and convergence whatever
 * the delivery order.
 */
abstract class MetadataStoreContract {
  static final String A = "site-a";
  static final String B = "site-b";
  static final String C = "site-c";
  static final long INODE = 42;
  static final int HISTORY_SHARDS = 4;

  @RegisterExtension
  final ClosedAfterTest opened = new ClosedAfterTest();
  MetadataStore store;

  /**
   * Opens the store called {@code name} in this test: a store opened again under a name finds what the earlier one
   * wrote; another name is another store, empty at first.
   */
  abstract MetadataStore open(String name);

  /** How many snapshot views the backend holds now (RocksDB snapshots, pooled connections in use). */
  abstract long viewsHeld();

  @BeforeEach
  void openStore() {
    store = opened.add(open("one"));
  }

  private void reopen() {
    store.close();
    store = opened.add(open("one"));
  }

  @Test
  void appliedValuesAndWatermarksAreReadBack() {
    ApplyResult result = store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a1"),
        change(A, 1, 2, 20, Op.SETATTR, INODE, "a2"), change(A, 2, 1, 15, Op.MKDIR, 7, "dir")));

    assertEquals(new ApplyResult(3, 0, 0, Map.of(1, 2L, 2, 1L), List.of()), counts(result));
    StoredValue held = store.get(INODE).orElseThrow();
    assertEquals(new Version(20, A), held.version());
    assertEquals(Op.SETATTR, held.op());
    assertEquals(1, held.shard());
    assertEquals("a2", new String(held.payload(), StandardCharsets.UTF_8));
    assertEquals(Optional.empty(), store.get(INODE + 1));
    assertEquals(2, store.watermark(A, 1));
    assertEquals(0, store.watermark(A, 3));
    assertEquals(0, store.watermark(B, 1));
    assertEquals(Map.of(1, 2L, 2, 1L), store.watermarks(A));
    assertEquals(Map.of(), store.watermarks(B));
  }

  @Test
  void anIncarnationIsAdoptedUntilItsEntriesAreAppliedThenAnotherIsRefused() {
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    UUID third = UUID.randomUUID();
    assertEquals(Optional.empty(), store.incarnation(A));
    assertEquals(new IncarnationCheck.Adopted(first, Optional.empty()), store.adoptIncarnation(A, first));
    // nothing of the first applied yet: no history to mix with, so a second is adopted in its place
    assertEquals(new IncarnationCheck.Adopted(second, Optional.of(first)), store.adoptIncarnation(A, second));
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "second's")));
    assertEquals(new IncarnationCheck.Adopted(second, Optional.empty()), store.adoptIncarnation(A, second));

    assertEquals(new IncarnationCheck.Refused(second, third, Map.of(1, 1L)), store.adoptIncarnation(A, third));
    reopen();
    assertEquals(Optional.of(second), store.incarnation(A), "a refusal writes nothing; the adoption is durable");
    assertEquals(Map.of(1, 1L), store.watermarks(A));
    assertEquals(Optional.empty(), store.incarnation(B), "incarnations are per origin");
  }

  @Test
  void forgettingAnIncarnationDropsItsWatermarksKeepsItsValuesAndLetsTheNextOneIn() {
    UUID old = UUID.randomUUID();
    UUID fresh = UUID.randomUUID();
    store.adoptIncarnation(A, old);
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "old"), change(A, 2, 1, 11, Op.CREATE, 7, "x")));
    store.adoptIncarnation(B, UUID.randomUUID());
    store.apply(B, List.of(change(B, 1, 1, 12, Op.CREATE, 9, "b")));

    assertEquals(Optional.empty(), store.forgetIncarnation(A, fresh), "only the history held here is forgotten");
    assertEquals(Map.of(1, 1L, 2, 1L), store.watermarks(A));
    assertEquals(Optional.of(new ForgottenOrigin(A, old, Map.of(1, 1L, 2, 1L))),
        store.forgetIncarnation(A, old));
    reopen();
    assertEquals(Optional.empty(), store.incarnation(A));
    assertEquals(Map.of(), store.watermarks(A));
    assertEquals(Map.of(1, 1L), store.watermarks(B), "other origins keep theirs");
    assertEquals("old", new String(store.get(INODE).orElseThrow().payload(), StandardCharsets.UTF_8));

    assertEquals(new IncarnationCheck.Adopted(fresh, Optional.empty()), store.adoptIncarnation(A, fresh));
    ApplyResult fromSeqOne = store.apply(A, List.of(change(A, 1, 1, 30, Op.SETATTR, INODE, "fresh")));
    assertEquals(1, fromSeqOne.applied(), "the new history is applied from seq 1");
    assertEquals("fresh", new String(store.get(INODE).orElseThrow().payload(), StandardCharsets.UTF_8));
  }

  @Test
  void newerVersionWins() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a1")));
    ApplyResult result = store.apply(B, List.of(change(B, 1, 1, 20, Op.SETATTR, INODE, "b1")));

    assertEquals(new ApplyResult(1, 0, 0, Map.of(1, 1L), List.of()), counts(result));
    StoredValue held = store.get(INODE).orElseThrow();
    assertEquals(new Version(20, B), held.version());
    assertEquals(Op.SETATTR, held.op());
    assertEquals("b1", new String(held.payload(), StandardCharsets.UTF_8));
  }

  @Test
  void hlcTieIsBrokenBySiteIdTheSameWayInEitherOrder() {
    JournalEntry fromA = change(A, 1, 1, 100, Op.WRITE, INODE, "a");
    JournalEntry fromB = change(B, 1, 1, 100, Op.WRITE, INODE, "b");
    store.apply(A, List.of(fromA));
    store.apply(B, List.of(fromB));
    MetadataStore other = opened.add(open("two"));
    other.apply(B, List.of(fromB));
    ApplyResult late = other.apply(A, List.of(fromA));

    assertEquals(1, late.lost());
    assertEquals(new Version(100, B), store.get(INODE).orElseThrow().version());
    assertEquals(new Version(100, B), other.get(INODE).orElseThrow().version());
    assertEquals(store.digest(), other.digest());
  }

  /** Writes that had not seen each other are conflicts, whichever side won; a tombstone is not resurrected. */
  @Test
  void lastWriterWinsAcrossOriginsAndATombstoneIsNotResurrected() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a")));
    ApplyResult newer = store.apply(B, List.of(change(B, 1, 1, 20, Op.WRITE, INODE, "b")));
    store.apply(A, List.of(change(A, 1, 2, 40, Op.UNLINK, INODE, "")));
    ApplyResult stale = store.apply(B, List.of(change(B, 1, 2, 30, Op.WRITE, INODE, "stale")));

    assertEquals(new ApplyResult(1, 0, 0, Map.of(1, 1L), List.of()), counts(newer));
    assertEquals(new ApplyResult(1, 0, 1, Map.of(1, 2L), List.of()), counts(stale), "a losing entry still advances");
    assertEquals(2, store.watermark(B, 1), "a losing entry still advances the watermark");
    StoredValue held = store.get(INODE).orElseThrow();
    assertTrue(held.tombstone());
    assertEquals(Op.UNLINK, held.op());
    assertEquals(new Version(40, A), held.version());
    List<WriteConflict> conflicts = store.conflicts(0, 10);
    assertEquals(List.of(new Version(10, A), new Version(20, B), new Version(30, B)),
        conflicts.stream().map(WriteConflict::loser).toList(), "replaced values and the stale entry, in recording order");
    assertEquals(List.of(new Version(20, B), new Version(40, A), new Version(40, A)),
        conflicts.stream().map(WriteConflict::winner).toList());
    assertEquals(List.of(1L, 2L, 3L), conflicts.stream().map(WriteConflict::id).toList());
    assertEquals(newer.conflicts(), conflicts.subList(0, 1), "the apply answers with what it recorded");
    assertEquals(stale.conflicts(), conflicts.subList(2, 3));
    WriteConflict last = conflicts.get(2);
    assertEquals(INODE, last.inodeId());
    assertEquals(1, last.shard());
    assertEquals(2, last.localSeq(), "the held tombstone was A's seq 2");
    assertEquals(2, last.remoteSeq());
    assertTrue(last.concurrent());
    assertEquals(List.of(conflicts.get(0)), store.conflicts(0, 1));
    assertEquals(conflicts.subList(1, 3), store.conflicts(1, 10), "resumed after an id");
    assertEquals(List.of(), store.conflicts(0, 0));
  }

  /**
   * A write made after its site had applied the value it replaces is no conflict, on any site and in any order of
   * arrival: the entry carries what its writer had seen.
   */
  @Test
  void writesThatHadSeenWhatTheyReplaceAreNoConflict() {
    JournalEntry a1 = change(A, 1, 1, 10, Op.CREATE, INODE, "a1");
    JournalEntry b1 = change(B, 1, 1, 20, Op.WRITE, INODE, "b1").withSeen(Seen.of(A, 1));
    JournalEntry a2 = change(A, 1, 2, 30, Op.WRITE, INODE, "a2").withSeen(Seen.of(B, 1));
    store.apply(A, List.of(a1));
    store.apply(B, List.of(b1));
    store.apply(A, List.of(a2));
    MetadataStore other = opened.add(open("reversed"));
    other.apply(B, List.of(b1)); // b1 before a1: a1 arrives known (b1 had seen it), and loses
    ApplyResult late = other.apply(A, List.of(a1, a2));

    assertEquals(List.of(), store.conflicts(0, 10));
    assertEquals(List.of(), other.conflicts(0, 10));
    assertEquals(1, late.lost(), "a1 lost to b1, which had seen it");
    assertEquals(store.digest(), other.digest());
    assertEquals(Seen.of(Map.of(A, 2L, B, 1L)), other.get(INODE).orElseThrow().knowledgeWithSelf());
  }

  /**
   * A write that lost to a value its own writer had seen (its hlc stamped behind the value it replaced) is lost too:
   * recorded, as not concurrent. And a held value that learns of writes it had not seen keeps its payload.
   */
  @Test
  void anEntryStampedBehindWhatItSawIsRecordedAndTheHeldValueLearns() {
    store.apply(B, List.of(change(B, 1, 1, 50, Op.WRITE, INODE, "b1")));
    JournalEntry behind = change(A, 1, 1, 40, Op.WRITE, INODE, "a1").withSeen(Seen.of(Map.of(B, 1L, C, 7L)));

    ApplyResult result = store.apply(A, List.of(behind));

    assertEquals(1, result.lost());
    assertA1LostToB1Behind(result.conflicts().get(0));
    StoredValue held = store.get(INODE).orElseThrow();
    assertEquals("b1", new String(held.payload(), StandardCharsets.UTF_8));
    assertEquals(Seen.of(Map.of(A, 1L, B, 1L, C, 7L)), held.knowledgeWithSelf());
    assertEquals(Map.of(INODE, held.knowledgeWithSelf()), store.knowledge(List.of(INODE, INODE + 4242)),
        "what the journal stamps new entries of the inode with; nothing for an inode not held");
    reopen();
    assertEquals(Seen.of(Map.of(A, 1L, B, 1L, C, 7L)), store.get(INODE).orElseThrow().knowledgeWithSelf());
    // C's write 7 arrives: known (a1 had seen it), so it is no new conflict, though it loses
    List<JournalEntry> otherInodes = new ArrayList<>();
    for (int seq = 1; seq <= 6; seq++) otherInodes.add(change(C, 1, seq, 45, Op.WRITE, INODE + 100 + seq, "c"));
    store.apply(C, otherInodes);
    ApplyResult known = store.apply(C, List.of(change(C, 1, 7, 45, Op.WRITE, INODE, "c7")));
    assertEquals(1, known.lost());
    assertEquals(List.of(), known.conflicts());
  }

  /**
   * An entry the site already knew of (through a write that had seen it) that wins over a value it had not seen is a
   * conflict all the same: the held value is lost unseen.
   */
  @Test
  void aKnownEntryThatReplacesAValueItHadNotSeenIsAConflict() {
    store.apply(B, List.of(change(B, 1, 1, 50, Op.WRITE, INODE, "b1")));
    ApplyResult w = store.apply(C, List.of(change(C, 1, 1, 40, Op.WRITE, INODE, "c1").withSeen(Seen.of(A, 1))));
    ApplyResult late = store.apply(A, List.of(change(A, 1, 1, 60, Op.WRITE, INODE, "a1")));

    assertEquals(1, w.conflicts().size(), "c1 lost to b1, which had not seen it");
    assertEquals(1, late.conflicts().size(), "a1, known through c1, replaced b1 without having seen it");
    WriteConflict conflict = late.conflicts().get(0);
    assertEquals(new Version(60, A), conflict.winner());
    assertEquals(new Version(50, B), conflict.loser());
    assertTrue(conflict.concurrent());
    assertTrue(conflict.lostUnseen(B, 1));
    assertEquals("a1", new String(store.get(INODE).orElseThrow().payload(), StandardCharsets.UTF_8));
  }

  /**
   * The mirror case: a value stamped behind a write it had seen is held when that write arrives. The site knew of the
   * write (through the held value) but the write wins and drops the held value, which it had not seen: a conflict, not
   * concurrent, whose lost side is what the dropped value knew. Before, knowing the entry made it no conflict, and
   * what only the dropped value had seen could be lost unreported anywhere (ConflictSimulationTest's history property,
   * checked on its oracle over many histories, found it).
   */
  @Test
  void aKnownEntryThatWinsOverAValueThatHadSeenItIsRecorded() {
    JournalEntry b1 = change(B, 1, 1, 50, Op.WRITE, INODE, "b1");
    JournalEntry behind = change(A, 1, 1, 40, Op.WRITE, INODE, "a1").withSeen(Seen.of(Map.of(B, 1L, C, 7L)));
    store.apply(A, List.of(behind));

    ApplyResult result = store.apply(B, List.of(b1));

    assertEquals(1, result.conflicts().size());
    assertA1LostToB1Behind(result.conflicts().get(0));
    assertEquals("b1", new String(store.get(INODE).orElseThrow().payload(), StandardCharsets.UTF_8));
    MetadataStore other = opened.add(open("other order"));
    other.apply(B, List.of(b1));
    assertEquals(List.of(false), other.apply(A, List.of(behind)).conflicts().stream()
        .map(WriteConflict::concurrent).toList(), "the other order meets the same pair, not concurrent");
    assertEquals(store.digest(), other.digest());
  }

  /** a1 (hlc 40, which had seen b1 and C's write 7) lost to b1 (hlc 50), which had seen neither. */
  private static void assertA1LostToB1Behind(WriteConflict conflict) {
    assertEquals(new Version(50, B), conflict.winner());
    assertEquals(false, conflict.concurrent(), "a1's writer had seen b1");
    assertTrue(conflict.lostUnseen(A, 1));
    assertTrue(conflict.lostUnseen(C, 7), "what a1 had seen that b1 had not is lost with it");
    assertEquals(false, conflict.lostUnseen(B, 1));
  }

  /** Collection removes the oldest conflicts first, by count and by age; ids go on increasing. */
  @Test
  void conflictsAreCollectedOldestFirstByCountAndByAge() {
    for (int i = 1; i <= 5; i++) {
      store.apply(A, List.of(change(A, 1, i, 10L * i, Op.WRITE, INODE + i, "a")));
      store.apply(B, List.of(change(B, 1, i, 10L * i + 1, Op.WRITE, INODE + i, "b")));
    }
    assertEquals(5, store.conflicts(0, 100).size());

    assertEquals(2, store.trimConflicts(0, 3));
    assertEquals(List.of(3L, 4L, 5L), store.conflicts(0, 100).stream().map(WriteConflict::id).toList());
    assertEquals(0, store.trimConflicts(0, 3), "nothing older, nothing more than 3");
    assertEquals(3, store.trimConflicts(Long.MAX_VALUE, 100), "all older than now");
    assertEquals(List.of(), store.conflicts(0, 100));
    store.apply(A, List.of(change(A, 1, 6, 100, Op.WRITE, INODE, "a")));
    store.apply(B, List.of(change(B, 1, 6, 101, Op.WRITE, INODE, "b")));
    reopen();
    assertEquals(List.of(6L), store.conflicts(0, 100).stream().map(WriteConflict::id).toList(),
        "ids are never reused");
  }

  @Test
  void oneInodeChangedManyTimesInOneBatchKeepsTheNewest() {
    ApplyResult result = store.apply(A, List.of(
        change(A, 1, 1, 10, Op.CREATE, INODE, "v1"),
        change(A, 1, 2, 30, Op.WRITE, INODE, "v3"),
        change(A, 1, 3, 20, Op.WRITE, INODE, "v2")));

    assertEquals(3, result.applied());
    assertEquals(1, result.lost());
    assertArrayEquals("v3".getBytes(StandardCharsets.UTF_8), store.get(INODE).orElseThrow().payload());
    assertEquals(List.of(new Version(20, A)), store.conflicts(0, 10).stream().map(WriteConflict::loser).toList(),
        "seq 3 lost to seq 2, which had not seen it: A's clock went back");
  }

  /** What an apply decided for each entry it was given: the result names its losers and its previous watermarks. */
  @Test
  void theResultTellsHowEachEntryFared() {
    store.apply(B, List.of(change(B, 1, 1, 50, Op.WRITE, INODE, "b")));
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE + 1, "a1")));
    JournalEntry skipped = change(A, 1, 1, 10, Op.CREATE, INODE + 1, "a1");
    JournalEntry won = change(A, 1, 2, 60, Op.WRITE, INODE + 1, "a2");
    JournalEntry lost = change(A, 1, 3, 40, Op.WRITE, INODE, "a3");
    JournalEntry refused = change(A, 2, 5, 70, Op.WRITE, INODE + 2, "gap");

    ApplyResult result = store.apply(A, List.of(skipped, won, lost, refused));

    assertEquals(Map.of(1, 1L, 2, 0L), result.previousWatermarks());
    assertEquals(List.of(new ShardPosition(1, 3)), result.lostEntries());
    assertEquals(ApplyResult.Outcome.SKIPPED, result.outcome(skipped));
    assertEquals(ApplyResult.Outcome.WON, result.outcome(won));
    assertEquals(ApplyResult.Outcome.LOST, result.outcome(lost));
    assertEquals(ApplyResult.Outcome.REFUSED, result.outcome(refused));
    ApplyResult again = store.apply(A, List.of(won, lost));
    assertEquals(ApplyResult.Outcome.SKIPPED, again.outcome(lost));
    assertEquals(List.of(), again.lostEntries());
  }

  /** The result with its conflicts' wall clock left out: what two stores deciding alike must agree on. */
  static ApplyResult timeless(ApplyResult r) {
    return new ApplyResult(r.applied(), r.skipped(), r.lost(), r.watermarks(), r.gaps(), r.previousWatermarks(),
        r.lostEntries(), timeless(r.conflicts()));
  }

  static List<WriteConflict> timeless(List<WriteConflict> conflicts) {
    return conflicts.stream().map(c -> new WriteConflict(c.id(), 0, c.inodeId(), c.shard(), c.local(), c.localSeq(),
        c.localKnew(), c.remote(), c.remoteSeq(), c.remoteSeen(), c.concurrent())).toList();
  }

  /** The counts and watermarks of a result, which these rules are about (not its previous marks and lost entries). */
  private static ApplyResult counts(ApplyResult result) {
    return new ApplyResult(result.applied(), result.skipped(), result.lost(), result.watermarks(), result.gaps());
  }

  @Test
  void reapplyingABatchChangesNothing() {
    List<JournalEntry> batch = new ArrayList<>(range(A, 1, 1, 50));
    batch.addAll(range(A, 2, 1, 50));
    batch.add(change(A, 3, 1, 10, Op.CREATE, INODE, "a"));
    store.apply(B, List.of(change(B, 3, 1, 20, Op.WRITE, INODE, "b")));
    assertEquals(101, store.apply(A, batch).applied());
    StoreDigest digest = store.digest();
    List<WriteConflict> conflicts = store.conflicts(0, Integer.MAX_VALUE);

    ApplyResult again = store.apply(A, batch);

    assertEquals(new ApplyResult(0, 101, 0, Map.of(1, 50L, 2, 50L, 3, 1L), List.of()), counts(again));
    assertEquals(digest, store.digest());
    assertEquals(101, digest.inodes());
    assertEquals(1, conflicts.size());
    assertEquals(conflicts, store.conflicts(0, Integer.MAX_VALUE), "no conflict recorded twice");
    assertEquals(List.of(), again.conflicts());
  }

  @Test
  void aGapRefusesOnlyItsShard() {
    store.apply(A, range(A, 3, 1, 2));
    List<JournalEntry> batch = new ArrayList<>(range(A, 1, 1, 3));
    batch.addAll(range(A, 2, 2, 3));
    batch.addAll(range(A, 3, 1, 3));
    batch.addAll(range(A, 4, 1, 2));
    batch.addAll(range(A, 4, 4, 5));

    ApplyResult result = store.apply(A, batch);

    assertEquals(List.of(new Gap(2, 1, 2), new Gap(4, 3, 4)), result.gaps());
    assertEquals(4, result.applied(), "shard 1 and the new entry of shard 3");
    assertEquals(2, result.skipped());
    assertEquals(Map.of(1, 3L, 2, 0L, 3, 3L, 4, 0L), result.watermarks());
    assertEquals(Map.of(1, 3L, 3, 3L), store.watermarks(A));
    assertTrue(store.get(range(A, 1, 3, 3).get(0).inodeId()).isPresent());
    assertTrue(store.get(range(A, 2, 2, 2).get(0).inodeId()).isEmpty());
    assertTrue(store.get(range(A, 4, 1, 1).get(0).inodeId()).isEmpty(), "nothing of a shard with a hole is written");
  }

  @Test
  void valuesWatermarksAndLosersSurviveReopen() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a")));
    store.apply(B, List.of(change(B, 5, 1, 20, Op.WRITE, INODE, "b")));
    store.apply(B, range(B, 6, 1, 3));
    StoreDigest digest = store.digest();

    reopen();

    assertEquals(Map.of(1, 1L), store.watermarks(A));
    assertEquals(Map.of(5, 1L, 6, 3L), store.watermarks(B));
    assertEquals(3, store.watermark(B, 6));
    assertEquals(new Version(20, B), store.get(INODE).orElseThrow().version());
    assertEquals(digest, store.digest());
    store.apply(A, List.of(change(A, 1, 2, 15, Op.WRITE, INODE, "late")));
    assertEquals(List.of(new Version(10, A), new Version(15, A)),
        store.conflicts(0, 10).stream().map(WriteConflict::loser).toList(), "conflicts continue after reopen");
  }

  @Test
  void anAsyncApplyIsTheSameApplyAndSurvivesAReopen() {
    ApplyResult async = store.apply(A, range(A, 3, 1, 50), Durability.ASYNC);
    assertEquals(50, async.applied());
    assertEquals(50, store.watermark(A, 3));
    reopen();
    assertEquals(50, store.watermark(A, 3));
    assertEquals(50, store.apply(A, range(A, 3, 1, 50), Durability.ASYNC).skipped(), "still idempotent");
  }

  /** What a receiver does: apply (visible at once), then one sync for every apply before it, then the ack. */
  @Test
  void aLaterApplyIsVisibleAtOnceAndASyncKeepsEveryApplyBeforeIt() {
    assertEquals(20, store.apply(A, range(A, 4, 1, 20), Durability.LATER).applied());
    assertEquals(10, store.apply(A, range(A, 5, 1, 10), Durability.LATER).applied());
    assertEquals(20, store.watermark(A, 4));
    assertEquals(30, store.digest().inodes(), "visible before any sync");
    store.sync();
    store.sync(); // nothing left to sync: a no-op
    reopen();
    assertEquals(Map.of(4, 20L, 5, 10L), store.watermarks(A));
    assertEquals(30, store.digest().inodes());
    assertEquals(20, store.apply(A, range(A, 4, 1, 20), Durability.LATER).skipped(), "still idempotent");
  }

  @Test
  void aBatchMustComeFromTheOriginItNames() {
    List<JournalEntry> mixed = List.of(change(A, 1, 1, 10, Op.CREATE, 1, "a"), change(B, 1, 1, 10, Op.CREATE, 2, "b"));
    assertThrows(IllegalArgumentException.class, () -> store.apply(A, mixed));
    assertThrows(IllegalArgumentException.class, () -> store.apply(" ", List.of()));
    assertThrows(IllegalArgumentException.class, () -> store.conflicts(0, -1));
    assertThrows(IllegalArgumentException.class, () -> store.trimConflicts(0, -1));
    assertEquals(0, store.digest().inodes());
    assertEquals(Map.of(), store.watermarks(A));
  }

  @Test
  void aClosedStoreRefusesAppliesAndReads() {
    store.apply(A, range(A, 1, 1, 3));
    store.close();
    store.close();

    assertThrows(IllegalStateException.class, () -> store.apply(A, range(A, 1, 4, 4)));
    assertThrows(IllegalStateException.class, () -> store.get(INODE));
    assertThrows(IllegalStateException.class, () -> store.digest());
    assertThrows(IllegalStateException.class, () -> store.conflicts(0, 1));
  }

  /** Two stores fed the same entries in different batchings and origin interleavings must hold the same values. */
  @Test
  void digestsAgreeWhateverTheDeliveryOrderAndDifferAfterADivergentWrite() {
    Random random = new Random(7);
    List<String> origins = List.of("site-a", "site-b", "site-c");
    List<Long> inodes = LongStream.range(0, 40).boxed().toList();
    Map<String, List<JournalEntry>> journals = new HashMap<>();
    origins.forEach(origin -> journals.put(origin, history(origin, 999, inodes, random)));
    MetadataStore second = opened.add(open("two"));

    // First: each origin whole, in one batch, origins in order.
    origins.forEach(origin -> store.apply(origin, journals.get(origin)));
    // Second: origins in reverse order of arrival, interleaved in small batches of varying size.
    Map<String, Integer> sent = new HashMap<>();
    boolean more = true;
    while (more) {
      more = false;
      for (String origin : List.of("site-c", "site-b", "site-a")) {
        List<JournalEntry> all = journals.get(origin);
        int from = sent.getOrDefault(origin, 0);
        int to = Math.min(all.size(), from + 1 + random.nextInt(40));
        if (from < to) {
          second.apply(origin, all.subList(from, to));
          sent.put(origin, to);
          more = true;
        }
      }
    }

    StoreDigest digest = store.digest();
    assertEquals(digest, second.digest());
    assertEquals(HISTORY_SHARDS, digest.shards().size());
    assertTrue(store.conflicts(0, Integer.MAX_VALUE).size() > 0, "the generated history has concurrent writes");

    long next = second.watermark("site-a", 2) + 1;
    JournalEntry divergent = JournalEntry.of("site-a", 2, next, 1_000_000, Op.WRITE, 2, 1, new byte[] {1});
    assertEquals(1, second.apply("site-a", List.of(divergent)).applied());
    StoreDigest diverged = second.digest();
    assertNotEquals(digest.hash(), diverged.hash());
    assertNotEquals(digest.shards().get(2), diverged.shards().get(2));
    assertEquals(digest.shards().get(1), diverged.shards().get(1), "the other shards still agree");
  }

  @Test
  void aScanFeedsEveryValueInUnsignedKeyOrderAndGetAllReadsMany() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, 5, "five"), change(A, 1, 2, 11, Op.CREATE, -3, "minus"),
        change(A, 1, 3, 12, Op.CREATE, 0, "zero"), change(A, 1, 4, 13, Op.UNLINK, 5, "")));

    List<StoredValue> scanned = new ArrayList<>();
    store.scan(scanned::add);

    assertEquals(List.of(0L, 5L, -3L), scanned.stream().map(StoredValue::inodeId).toList(),
        "ids ascending as unsigned, as RocksDB orders its big-endian keys");
    assertTrue(scanned.get(1).tombstone());
    Map<Long, StoredValue> some = store.getAll(List.of(-3L, 5L, 77L, 5L));
    assertEquals(List.of(-3L, 5L), some.keySet().stream().sorted().toList(), "77 holds nothing");
    assertEquals("minus", new String(some.get(-3L).payload(), StandardCharsets.UTF_8));
    assertEquals(new Version(13, A), some.get(5L).version());
  }

  /**
   * A tombstone goes only once its entry is stable (every site applied it) and it is older than the cut; live values
   * stay; watermarks stay, so its entries re-delivered are still skipped; the digest no longer counts it.
   */
  @Test
  void aTombstoneIsCollectedOnlyOnceStableAndOldEnough() {
    MetadataStore expected = opened.add(open("expected"));
    List<JournalEntry> history = List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a"),
        change(A, 1, 2, 20, Op.UNLINK, INODE, ""), change(A, 1, 3, 30, Op.CREATE, 7, "seven"),
        change(A, 1, 4, 40, Op.UNLINK, 7, ""), change(A, 1, 5, 50, Op.CREATE, 9, "live"),
        change(A, 2, 1, 15, Op.CREATE, 11, "other shard"), change(A, 2, 2, 16, Op.UNLINK, 11, ""));
    store.apply(A, history);

    assertEquals(0, store.collectTombstones(A, Map.of(1, 1L), Long.MAX_VALUE, 100), "the delete is not stable yet");
    assertEquals(0, store.collectTombstones(B, Map.of(1, 5L), Long.MAX_VALUE, 100), "another origin's stable seqs");
    assertEquals(1, store.collectTombstones(A, Map.of(1, 4L), 25, 100), "only the tombstone older than the cut");
    assertEquals(Optional.empty(), store.get(INODE));
    assertTrue(store.get(7).orElseThrow().tombstone(), "too young: kept");
    assertEquals(1, store.collectTombstones(A, Map.of(1, 5L), 41, 100));
    assertEquals(Optional.empty(), store.get(7));
    assertEquals("live", new String(store.get(9).orElseThrow().payload(), StandardCharsets.UTF_8));
    assertTrue(store.get(11).orElseThrow().tombstone(), "a shard without a stable seq keeps its tombstones");
    assertEquals(0, store.collectTombstones(A, Map.of(1, 5L), Long.MAX_VALUE, 100), "nothing left to collect");

    assertEquals(Map.of(1, 5L, 2, 2L), store.watermarks(A), "watermarks do not move");
    ApplyResult again = store.apply(A, history.subList(0, 2));
    assertEquals(new ApplyResult(0, 2, 0, Map.of(1, 5L), List.of()), counts(again), "re-delivered: still skipped");
    assertEquals(Optional.empty(), store.get(INODE));
    expected.apply(A, List.of(change(A, 1, 1, 50, Op.CREATE, 9, "live"), change(A, 2, 1, 16, Op.UNLINK, 11, "")));
    assertEquals(expected.digest().inodes(), store.digest().inodes());
    assertEquals(2, store.digest().inodes(), "the live value and the young shard's tombstone");
    reopen();
    assertEquals(Optional.empty(), store.get(7), "the removal is durable");
  }

  /**
   * A shard's tombstones are looked at in entry order: one behind a tombstone still too young waits for it (here its
   * writer's clock was behind), and goes with it once that one is due.
   */
  @Test
  void aTombstoneBehindAYoungerOneWaitsForIt() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, 1, "one"), change(A, 1, 2, 40, Op.UNLINK, 1, ""),
        change(A, 1, 3, 20, Op.UNLINK, INODE, "")));

    assertEquals(0, store.collectTombstones(A, Map.of(1, 3L), 30, 100), "behind the young tombstone of seq 2");
    assertTrue(store.get(INODE).orElseThrow().tombstone());
    assertEquals(2, store.collectTombstones(A, Map.of(1, 3L), 41, 100), "once that one is due, both go");
    assertEquals(Map.of(), store.getAll(List.of(1L, INODE)));
  }

  /**
   * Once a tombstone is gone, nothing answers for it any longer (no cached version): an older write arriving after it
   * is taken as new. This is what tombstone-min-age bounds.
   */
  @Test
  void aCollectedTombstoneNoLongerDecidesAnApply() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a"), change(A, 1, 2, 20, Op.UNLINK, INODE, "")));
    assertEquals(new ApplyResult(1, 0, 0, Map.of(1, 1L), List.of()),
        counts(store.apply(B, List.of(change(B, 1, 1, 15, Op.WRITE, 8, "late")))), "applied: a new inode");
    store.apply(A, List.of(change(A, 1, 3, 30, Op.UNLINK, 8, "")));
    assertEquals(1, counts(store.apply(B, List.of(change(B, 1, 2, 16, Op.WRITE, 8, "late")))).lost(),
        "while the tombstone is held it beats the late write");
    assertEquals(1, store.collectTombstones(A, Map.of(1, 2L), Long.MAX_VALUE, 10));

    store.apply(B, List.of(change(B, 1, 3, 17, Op.WRITE, INODE, "later")));
    StoredValue held = store.get(INODE).orElseThrow();
    assertEquals(new Version(17, B), held.version(), "decided against nothing held, not a stale cached tombstone");
    assertEquals(Map.of(INODE, held.knowledgeWithSelf()), store.knowledge(List.of(INODE)));
  }

  /** One call looks at max tombstones at most; a tombstone replaced by a newer write is never removed. */
  @Test
  void aCallIsBoundedAndATombstoneReplacedSinceIsNotCollected() {
    store.apply(A, List.of(change(A, 1, 1, 10, Op.UNLINK, 1, ""), change(A, 1, 2, 11, Op.UNLINK, 2, ""),
        change(A, 1, 3, 12, Op.UNLINK, 3, ""), change(A, 1, 4, 13, Op.UNLINK, INODE, "")));
    store.apply(B, List.of(change(B, 1, 1, 30, Op.CREATE, INODE, "recreated")));

    assertEquals(2, store.collectTombstones(A, Map.of(1, 4L), Long.MAX_VALUE, 2));
    assertEquals(List.of(3L, INODE), List.copyOf(new TreeSet<>(store.getAll(List.of(1L, 2L, 3L, INODE))
        .keySet())));
    assertEquals(1, store.collectTombstones(A, Map.of(1, 4L), Long.MAX_VALUE, 2), "the next call goes on");
    assertEquals("recreated", new String(store.get(INODE).orElseThrow().payload(), StandardCharsets.UTF_8),
        "a live value is never removed, even where the index still names a tombstone");
    assertEquals(0, store.collectTombstones(A, Map.of(1, 4L), Long.MAX_VALUE, 2));
    assertThrows(IllegalArgumentException.class, () -> store.collectTombstones(A, Map.of(), 0, -1));
  }

  /** A tombstone repaired in (a verify or a snapshot resync) is collected like one applied. */
  @Test
  void aRepairedTombstoneIsCollectedLikeAnAppliedOne() {
    store.repair(List.of(new StoredValue(INODE, 1, new Version(20, A), Op.UNLINK, true, 1, new byte[0], 2, Seen.NONE,
        Seen.NONE)), Durability.SYNC);
    assertEquals(0, store.collectTombstones(A, Map.of(1, 1L), Long.MAX_VALUE, 10));
    assertEquals(1, store.collectTombstones(A, Map.of(1, 2L), Long.MAX_VALUE, 10));
    assertEquals(Optional.empty(), store.get(INODE));
  }

  /** A repair writes another site's values only where they win, atomically, and moves no watermark. */
  @Test
  void aRepairWritesOnlyTheValuesThatWinAndIsIdempotent() {
    store.apply(A, List.of(change(A, 1, 1, 50, Op.CREATE, 1, "held-1"), change(A, 1, 2, 50, Op.CREATE, 2, "held-2"),
        change(A, 1, 3, 50, Op.CREATE, 3, "held-3")));
    StoredValue newer = value(1, 60, B, false, "newer");
    StoredValue older = value(2, 40, B, false, "older");
    StoredValue equal = store.get(3).orElseThrow();
    StoredValue missingHere = value(4, 10, B, true, "");
    StoredValue olderTwin = value(1, 55, B, false, "superseded in the same repair");

    RepairResult result = store.repair(List.of(newer, older, equal, missingHere, olderTwin), Durability.SYNC);

    assertEquals(List.of(1L, 4L), result.written().stream().map(w -> w.value().inodeId()).sorted().toList());
    assertEquals(2, result.kept(), "the older and the equal value");
    assertEquals(new Version(50, A), result.written().stream().filter(w -> w.value().inodeId() == 1)
        .findFirst().orElseThrow().replaced());
    assertEquals("newer", new String(store.get(1).orElseThrow().payload(), StandardCharsets.UTF_8));
    assertEquals("held-2", new String(store.get(2).orElseThrow().payload(), StandardCharsets.UTF_8));
    assertTrue(store.get(4).orElseThrow().tombstone());
    assertEquals(Map.of(1, 3L), store.watermarks(A), "a repair is not a journal entry");
    assertEquals(Map.of(), store.watermarks(B));
    assertEquals(List.of(), store.conflicts(0, 10));

    StoreDigest repaired = store.digest();
    assertEquals(0, store.repair(List.of(newer, missingHere), Durability.ASYNC).written().size());
    assertEquals(repaired, store.digest());
    // the entry that carried the repaired value arrives later: an equal version, nothing changes and nothing is lost
    ApplyResult late = store.apply(B, List.of(change(B, 1, 1, 60, Op.WRITE, 1, "newer")));
    assertEquals(0, late.lost());
    assertEquals(repaired, store.digest());
    reopen();
    assertEquals(repaired, store.digest(), "a repair is durable");
  }

  @Test
  void aSnapshotHoldsTheValuesAndMarksOfTheInstantItWasOpened() {
    UUID incarnation = UUID.randomUUID();
    store.adoptIncarnation(A, incarnation);
    store.apply(A, List.of(change(A, 1, 1, 10, Op.CREATE, INODE, "a1"), change(A, 2, 1, 11, Op.MKDIR, 7, "dir")));
    store.apply(B, List.of(change(B, 1, 1, 20, Op.WRITE, INODE, "b1")));
    List<Whole> atOpen = wholes(scanned(store));

    try (StoreSnapshot snapshot = store.openSnapshot()) {
      store.apply(A, List.of(change(A, 1, 2, 30, Op.UNLINK, INODE, ""), change(A, 2, 2, 31, Op.CREATE, 8, "new")));
      store.adoptIncarnation(C, UUID.randomUUID());
      store.apply(C, List.of(change(C, 3, 1, 40, Op.CREATE, -9, "c")));
      store.repair(List.of(value(10, 50, B, false, "repaired")), Durability.SYNC);

      assertEquals(Map.of(A, new OriginMarks(Optional.of(incarnation), Map.of(1, 1L, 2, 1L)),
          B, new OriginMarks(Optional.empty(), Map.of(1, 1L))), snapshot.marks());
      assertEquals(atOpen, wholes(drain(snapshot, 2, 1_000)));
      assertEquals(5, scanned(store).size(), "the store itself moved on");
      assertEquals(Map.of(1, 2L, 2, 2L), store.watermarks(A));
    }
  }

  /** Pages follow scan()'s order under both limits, resume after any id, and cross from the positive ids on. */
  @Test
  void snapshotPagesFollowTheScanOrderWithinTheirLimits() {
    Random random = new Random(11);
    Set<Long> ids = new LinkedHashSet<>(List.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
    while (ids.size() < 2_500) ids.add(random.nextLong());
    long[] seqs = new long[HISTORY_SHARDS];
    List<JournalEntry> entries = new ArrayList<>();
    int n = 0;
    for (long id : ids) {
      int shard = (int) Math.floorMod(id, (long) HISTORY_SHARDS);
      byte[] payload = new byte[random.nextInt(8) == 0 ? 0 : random.nextInt(400)];
      random.nextBytes(payload);
      entries.add(JournalEntry.of(A, shard, ++seqs[shard], 10, Op.CREATE, id, 1, payload));
      if (n++ % 10 == 0) entries.add(JournalEntry.of(A, shard, ++seqs[shard], 20, Op.UNLINK, id, 1, new byte[0]));
    }
    for (int from = 0; from < entries.size(); from += 500) {
      store.apply(A, entries.subList(from, Math.min(entries.size(), from + 500)), Durability.ASYNC);
    }
    List<StoredValue> scanned = scanned(store);
    assertEquals(2_500, scanned.size());
    assertEquals(250, scanned.stream().filter(StoredValue::tombstone).count());

    try (StoreSnapshot snapshot = store.openSnapshot()) {
      List<List<StoredValue>> pages = pages(snapshot, 7, 600);
      assertEquals(wholes(scanned), wholes(pages.stream().flatMap(List::stream).toList()));
      for (List<StoredValue> page : pages.subList(0, pages.size() - 1)) {
        long beforeLast = bytes(page.subList(0, page.size() - 1));
        assertTrue(beforeLast < 600, "a page stops once its bytes reach the limit");
        assertTrue(page.size() == 7 || beforeLast + bytes(page.subList(page.size() - 1, page.size())) >= 600,
            "and not before either limit is reached");
      }
      assertTrue(pages.stream().anyMatch(page -> page.size() < 7), "the byte limit cut some pages short");

      long middle = scanned.get(1_234).inodeId();
      assertEquals(wholes(scanned.subList(1_235, 1_245)),
          wholes(snapshot.next(OptionalLong.of(middle), 10, Long.MAX_VALUE)), "resumed after an id");
      int large = 1_300;
      while (scanned.get(large).payload().length < 100) large++;
      assertEquals(wholes(scanned.subList(large, large + 1)),
          wholes(snapshot.next(OptionalLong.of(scanned.get(large - 1).inodeId()), 100, 1)),
          "one value even when it alone exceeds the bytes");
      assertEquals(Long.MIN_VALUE, snapshot.next(OptionalLong.of(Long.MAX_VALUE), 1, 1).get(0).inodeId(),
          "after the last positive id come the negative ones");
      assertEquals(List.of(), snapshot.next(OptionalLong.of(-1), 10, Long.MAX_VALUE), "-1 is the last id");
      assertThrows(IllegalArgumentException.class, () -> snapshot.next(OptionalLong.empty(), 0, 1));
      assertThrows(IllegalArgumentException.class, () -> snapshot.next(OptionalLong.empty(), 1, 0));
    }
  }

  /**
   * The resync: every page repaired into a peer, then the marks installed. The peer holds what the source held (seqs,
   * what each writer had seen and what the site knew included) and goes on from the source's watermarks.
   */
  @Test
  void aSnapshotInstalledOnAnotherStoreMakesItHoldTheSameAndResumeFromItsMarks() {
    Random random = new Random(5);
    List<Long> inodes = LongStream.range(-30, 60).boxed().toList();
    List<JournalEntry> journalA = history(A, 800, inodes, random);
    UUID incarnation = UUID.randomUUID();
    store.adoptIncarnation(A, incarnation);
    store.apply(A, journalA);
    store.apply(B, history(B, 800, inodes, random));
    assertTrue(store.conflicts(0, 1).size() > 0, "the values carry knowledge of concurrent writes");
    MetadataStore peer = opened.add(open("peer"));

    Map<String, OriginMarks> marks;
    MarksInstalled installed;
    try (StoreSnapshot snapshot = store.openSnapshot()) {
      marks = snapshot.marks();
      pages(snapshot, 25, 300).forEach(page -> peer.repair(page, Durability.ASYNC));
      installed = peer.installMarks(marks, Durability.SYNC);
    }

    assertEquals(store.digest(), peer.digest());
    assertEquals(wholes(scanned(store)), wholes(scanned(peer)), "seq, seen and knowledge kept");
    assertEquals(new MarksInstalled(Map.of(A, store.watermarks(A), B, store.watermarks(B)), Map.of()), installed);
    assertEquals(store.watermarks(A), peer.watermarks(A));
    assertEquals(store.watermarks(B), peer.watermarks(B));
    assertEquals(Optional.of(incarnation), peer.incarnation(A));
    assertEquals(Optional.empty(), peer.incarnation(B));

    JournalEntry last = journalA.get(journalA.size() - 1);
    StoreDigest installedDigest = peer.digest();
    ApplyResult again = peer.apply(A, List.of(last));
    assertEquals(new ApplyResult(0, 1, 0, Map.of(last.shard(), last.seq()), List.of()), counts(again));
    assertEquals(installedDigest, peer.digest());
    JournalEntry following = JournalEntry.of(A, last.shard(), last.seq() + 1, 10_000, Op.WRITE, 5, 1, new byte[] {5});
    assertEquals(1, peer.apply(A, List.of(following)).applied());
    assertEquals(new MarksInstalled(Map.of(), Map.of()), peer.installMarks(marks, Durability.SYNC),
        "installed again: the incarnation is the one held, and no mark is higher");
    assertEquals(last.seq() + 1, peer.watermark(A, last.shard()), "never lowered");
  }

  @Test
  void installingMarksRaisesAdoptsAndSkipsAnotherHistoryWhole() {
    UUID held = UUID.randomUUID();
    UUID other = UUID.randomUUID();
    UUID fresh = UUID.randomUUID();
    store.adoptIncarnation(A, held);
    store.apply(A, range(A, 1, 1, 5));
    store.apply(B, range(B, 1, 1, 3));
    StoreDigest digest = store.digest();
    Map<String, OriginMarks> marks = Map.of(
        A, new OriginMarks(Optional.of(other), Map.of(1, 9L, 2, 9L)),
        B, new OriginMarks(Optional.of(fresh), Map.of(1, 2L, 2, 4L)),
        C, new OriginMarks(Optional.empty(), Map.of(3, 7L)));

    MarksInstalled installed = store.installMarks(marks, Durability.ASYNC);

    String skippedA = "holds incarnation " + held + ", the snapshot's is " + other;
    assertEquals(new MarksInstalled(Map.of(B, Map.of(2, 4L), C, Map.of(3, 7L)), Map.of(A, skippedA)), installed);
    assertEquals(new MarksInstalled(Map.of(), Map.of(A, skippedA)), store.installMarks(marks, Durability.SYNC),
        "nothing changes the second time");
    assertEquals(new MarksInstalled(Map.of(), Map.of(B, "holds incarnation " + fresh + ", the snapshot's is none")),
        store.installMarks(Map.of(B, new OriginMarks(Optional.empty(), Map.of(2, 10L))), Durability.SYNC));
    reopen();
    assertEquals(Map.of(1, 5L), store.watermarks(A), "another history: not one mark of it");
    assertEquals(Optional.of(held), store.incarnation(A));
    assertEquals(Map.of(1, 3L, 2, 4L), store.watermarks(B), "raised, never lowered");
    assertEquals(Optional.of(fresh), store.incarnation(B), "adopted where none was held");
    assertEquals(Map.of(3, 7L), store.watermarks(C));
    assertEquals(Optional.empty(), store.incarnation(C));
    assertEquals(digest, store.digest(), "no value written");
    assertEquals(new ApplyResult(1, 4, 0, Map.of(2, 5L), List.of()), counts(store.apply(B, range(B, 2, 1, 5))),
        "the raised watermark skips what the snapshot brought");

    assertThrows(IllegalArgumentException.class, () -> new OriginMarks(Optional.empty(), Map.of(1, -1L)));
    assertThrows(IllegalArgumentException.class, () -> new OriginMarks(null, Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> store.installMarks(Map.of(" ", new OriginMarks(Optional.empty(), Map.of())), Durability.SYNC));
  }

  /** A value repaired in is the source's whole: its entry, delivered later, meets an equal version and changes nothing. */
  @Test
  void aValueRepairedInKeepsWhatItsSiteKnewAndItsEntryThenChangesNothing() {
    JournalEntry a1 = change(A, 1, 1, 30, Op.WRITE, INODE, "a1").withSeen(Seen.of(B, 1));
    store.apply(B, List.of(change(B, 1, 1, 20, Op.WRITE, INODE, "b1")));
    store.apply(C, List.of(change(C, 1, 1, 10, Op.WRITE, INODE, "c1")));
    store.apply(A, List.of(a1));
    StoredValue held = store.get(INODE).orElseThrow();
    assertEquals(1, held.seq());
    assertEquals(Seen.of(B, 1), held.seen());
    assertTrue(held.knowledge().covers(C, 1), "the site knew of c1, which lost");
    MetadataStore peer = opened.add(open("peer"));

    peer.repair(List.of(held), Durability.SYNC);
    assertEquals(Whole.of(held), Whole.of(peer.get(INODE).orElseThrow()));
    ApplyResult late = peer.apply(A, List.of(a1));

    assertEquals(new ApplyResult(1, 0, 0, Map.of(1, 1L), List.of()), counts(late));
    assertEquals(Whole.of(held), Whole.of(peer.get(INODE).orElseThrow()));
    assertEquals(List.of(), peer.conflicts(0, 10));
  }

  @Test
  void aSnapshotClosesIdempotentlyReleasesItsViewAndIsReleasedWithItsStore() {
    store.apply(A, range(A, 1, 1, 3));
    for (int i = 0; i < 1_000; i++) {
      StoreSnapshot snapshot = store.openSnapshot();
      assertEquals(1, snapshot.next(OptionalLong.empty(), 1, 1).size());
      snapshot.close();
      snapshot.close();
    }
    assertEquals(0, viewsHeld(), "every view released");
    StoreSnapshot closed = store.openSnapshot();
    assertEquals(1, viewsHeld());
    closed.close();
    assertThrows(IllegalStateException.class, () -> closed.next(OptionalLong.empty(), 1, 1));

    StoreSnapshot leftOpen = store.openSnapshot();
    store.close();
    assertThrows(IllegalStateException.class, () -> leftOpen.next(OptionalLong.empty(), 1, 1));
    leftOpen.close();
    assertThrows(IllegalStateException.class, () -> store.openSnapshot());
    reopen();
    assertEquals(0, viewsHeld());
    assertEquals(Map.of(1, 3L), store.watermarks(A));
  }

  private static List<StoredValue> scanned(MetadataStore s) {
    List<StoredValue> values = new ArrayList<>();
    s.scan(values::add);
    return values;
  }

  /** Every page of {@code snapshot}, each read after the last id of the one before. */
  private static List<List<StoredValue>> pages(StoreSnapshot snapshot, int maxValues, long maxBytes) {
    List<List<StoredValue>> pages = new ArrayList<>();
    OptionalLong after = OptionalLong.empty();
    for (List<StoredValue> page; !(page = snapshot.next(after, maxValues, maxBytes)).isEmpty(); ) {
      pages.add(page);
      after = OptionalLong.of(page.get(page.size() - 1).inodeId());
    }
    return pages;
  }

  private static List<StoredValue> drain(StoreSnapshot snapshot, int maxValues, long maxBytes) {
    return pages(snapshot, maxValues, maxBytes).stream().flatMap(List::stream).toList();
  }

  private static long bytes(List<StoredValue> values) {
    return values.stream().mapToLong(v -> v.payload().length).sum();
  }

  private static List<Whole> wholes(List<StoredValue> values) {
    return values.stream().map(Whole::of).toList();
  }

  /** A value compared field by field, payload included (a record compares arrays by identity). */
  private record Whole(long inodeId, int shard, Version version, Op op, boolean tombstone, int schemaVersion,
                       String payload, long seq, Seen seen, Seen knowledge) {
    static Whole of(StoredValue v) {
      return new Whole(v.inodeId(), v.shard(), v.version(), v.op(), v.tombstone(), v.schemaVersion(),
          HexFormat.of().formatHex(v.payload()), v.seq(), v.seen(), v.knowledge());
    }
  }

  private static StoredValue value(long inode, long hlc, String site, boolean tombstone, String payload) {
    return new StoredValue(inode, 1, new Version(hlc, site), tombstone ? Op.UNLINK : Op.WRITE, tombstone, 1,
        payload.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code count} entries of one origin over shared inodes (each in shard id mod {@value #HISTORY_SHARDS}) with random
   * hlcs, one in ten a delete, so that origins overwrite, delete and lose against each other.
   */
  static List<JournalEntry> history(String origin, int count, List<Long> inodes, Random random) {
    List<JournalEntry> entries = new ArrayList<>();
    long[] seqs = new long[HISTORY_SHARDS];
    for (int i = 0; i < count; i++) {
      long inode = inodes.get(random.nextInt(inodes.size()));
      int shard = (int) Math.floorMod(inode, (long) HISTORY_SHARDS);
      Op op = random.nextInt(10) == 0 ? Op.UNLINK : Op.WRITE;
      byte[] payload = new byte[random.nextInt(30)];
      random.nextBytes(payload);
      entries.add(JournalEntry.of(origin, shard, ++seqs[shard], random.nextInt(5_000), op, inode, 1, payload));
    }
    return entries;
  }
}
