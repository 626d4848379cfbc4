package io.cfs.repl.persistence.journal;

import static io.cfs.repl.model.entry.TestEntries.entry;
import static io.cfs.repl.model.entry.TestEntries.range;
import static io.cfs.repl.persistence.journal.JournalTesting.SITE;
import static io.cfs.repl.persistence.journal.JournalTesting.await;
import static io.cfs.repl.persistence.journal.JournalTesting.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.journal.AppendRejectedException.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbJournalTest {
  private static final JournalSettings SMALL_LIMITS =
      new JournalSettings(100, 10, true, JournalSettings.defaults().rocksdb());

  @TempDir
  Path dir;
  private RocksDbJournal journal;

  @BeforeEach
  void open() {
    journal = RocksDbJournal.open(dir, SITE, SMALL_LIMITS);
  }

  @AfterEach
  void close() {
    journal.close();
  }

  @Test
  void appendedEntriesSurviveReopen() {
    List<JournalEntry> entries = new ArrayList<>(range(SITE, 1, 1, 5));
    entries.addAll(range(SITE, 2, 1, 3));
    AppendResult result = await(journal.append(entries));
    assertEquals(new AppendResult(8, 0, Map.of(1, 5L, 2, 3L)), result);

    journal.close();
    journal = RocksDbJournal.open(dir, SITE, SMALL_LIMITS);

    assertEquals(Map.of(1, 5L, 2, 3L), journal.heads());
    assertEquals(range(SITE, 1, 1, 5), journal.read(1, 1, 100));
    assertEquals(range(SITE, 2, 2, 3), journal.read(2, 2, 100));
    assertEquals(OptionalLong.of(entry(SITE, 1, 4).hlc()), journal.hlcAt(1, 4));
    assertEquals(OptionalLong.empty(), journal.hlcAt(1, 6));
    assertEquals(8, await(journal.append(range(SITE, 1, 6, 13))).written(), "appends continue after reopen");
  }

  @Test
  void headsOfManyShardsAreRecovered() {
    Map<Integer, Long> expected = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      int shard = i < 299 ? i * 7_919 : Integer.MAX_VALUE;
      long head = i % 4 + 1;
      await(journal.append(range(SITE, shard, 1, head)));
      expected.put(shard, head);
    }
    journal.close();
    journal = RocksDbJournal.open(dir, SITE, SMALL_LIMITS);

    assertEquals(expected, journal.heads());
    assertEquals(4, journal.headSeq(7_919 * 3));
    assertEquals(0, journal.headSeq(1));
  }

  @Test
  void readsWithinBoundsAndInOrder() {
    await(journal.append(range(SITE, 4, 1, 10)));
    assertEquals(range(SITE, 4, 3, 6), journal.read(4, 3, 4));
    assertEquals(range(SITE, 4, 9, 10), journal.read(4, 9, 100));
    assertEquals(List.of(), journal.read(4, 11, 100));
    assertEquals(List.of(), journal.read(5, 1, 100));
    assertThrows(IllegalArgumentException.class, () -> journal.read(4, 0, 10));
  }

  @Test
  void wrongOriginWritesNothing() {
    List<JournalEntry> call = List.of(entry(SITE, 1, 1), entry("site-b", 2, 1));
    assertRefusedWritingNothing(call, Reason.WRONG_ORIGIN, 2, 1);
  }

  @Test
  void oversizedPayloadWritesNothing() {
    JournalEntry big = JournalEntry.of(SITE, 2, 1, 1, entry(SITE, 2, 1).op(), 9, 1, new byte[101]);
    assertRefusedWritingNothing(List.of(entry(SITE, 1, 1), big), Reason.PAYLOAD_TOO_LARGE, 2, 1);
  }

  @Test
  void oversizedCallWritesNothing() {
    assertRefusedWritingNothing(range(SITE, 1, 1, 11), Reason.BATCH_TOO_LARGE, 1, 1);
  }

  @Test
  void gapWritesNothingOfTheCall() {
    await(journal.append(range(SITE, 2, 1, 3)));
    assertRefusedWritingNothing(List.of(entry(SITE, 1, 1), entry(SITE, 2, 5)), Reason.GAP, 2, 5);
  }

  @Test
  void seqGoingBackWithinACallIsARegression() {
    List<JournalEntry> call = List.of(entry(SITE, 1, 1), entry(SITE, 1, 2), entry(SITE, 1, 2));
    assertRefusedWritingNothing(call, Reason.REGRESSION, 1, 2);
  }

  @Test
  void seqBelowTheRetainedJournalIsARegression() {
    await(journal.append(range(SITE, 1, 1, 10)));
    journal.truncateBelow(1, 8);
    assertEquals(8, journal.read(1, 1, 100).get(0).seq(), "reads start at the horizon");
    assertRefusedWritingNothing(List.of(entry(SITE, 1, 3)), Reason.REGRESSION, 1, 3);
  }

  @Test
  void differentContentAtAHeldSeqIsAConflictingDuplicate() {
    await(journal.append(range(SITE, 1, 1, 3)));
    JournalEntry other = JournalEntry.of(SITE, 1, 2, 2_000, entry(SITE, 1, 2).op(), 1_000_002, 1, new byte[] {9});
    assertRefusedWritingNothing(List.of(other, entry(SITE, 1, 4)), Reason.CONFLICTING_DUPLICATE, 1, 2);
  }

  @Test
  void closedJournalRefusesAppendsAndReads() {
    journal.close();
    AppendRejectedException refused = rejection(journal.append(List.of(entry(SITE, 1, 1))));
    assertEquals(Reason.CLOSED, refused.reason());
    assertThrows(IllegalStateException.class, () -> journal.read(1, 1, 10));
  }

  @Test
  void retryCountsDuplicatesAndWritesOnlyTheNewTail() {
    await(journal.append(range(SITE, 1, 1, 5)));
    AppendResult retry = await(journal.append(range(SITE, 1, 1, 8)));
    assertEquals(new AppendResult(3, 5, Map.of(1, 8L)), retry);
    assertEquals(range(SITE, 1, 1, 8), journal.read(1, 1, 100));

    AppendResult again = await(journal.append(range(SITE, 1, 1, 8)));
    assertEquals(new AppendResult(0, 8, Map.of(1, 8L)), again);
  }

  @Test
  void truncationKeepsTheHeadAcrossReopen() {
    await(journal.append(range(SITE, 1, 1, 10)));
    journal.truncateBelow(1, 100);
    assertEquals(List.of(entry(SITE, 1, 10)), journal.read(1, 1, 100));
    journal.close();
    journal = RocksDbJournal.open(dir, SITE, SMALL_LIMITS);
    assertEquals(10, journal.headSeq(1));
    assertEquals(1, await(journal.append(List.of(entry(SITE, 1, 11)))).written());
  }

  private void assertRefusedWritingNothing(List<JournalEntry> call, Reason reason, int shard, long seq) {
    Map<Integer, Long> headsBefore = journal.heads();
    Map<Integer, List<JournalEntry>> before = contents(call);
    AppendRejectedException refused = rejection(journal.append(call));
    assertEquals(reason, refused.reason(), refused.getMessage());
    assertEquals(shard, refused.shard());
    assertEquals(seq, refused.seq());
    assertEquals(headsBefore, journal.heads());
    assertEquals(before.keySet(), contents(call).keySet());
    before.forEach((s, entries) -> assertEquals(entries, contents(call).get(s)));
  }

  private Map<Integer, List<JournalEntry>> contents(List<JournalEntry> call) {
    Map<Integer, List<JournalEntry>> byShard = new HashMap<>();
    call.forEach(e -> byShard.put(e.shard(), journal.read(e.shard(), 1, 1_000)));
    return byShard;
  }
}
