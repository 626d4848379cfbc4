package io.cfs.repl.persistence.journal;

import static io.cfs.repl.model.entry.TestEntries.entry;
import static io.cfs.repl.model.entry.TestEntries.range;
import static io.cfs.repl.persistence.journal.JournalTesting.await;
import static io.cfs.repl.persistence.journal.JournalTesting.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.hlc.Clocks;
import io.cfs.repl.persistence.ClosedAfterTest;
import io.cfs.repl.persistence.journal.AppendRejectedException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rules of {@link LocalJournal}, run once per backend: appends durable, dense and safe to retry, refusals that
 * write nothing, reads and lag past positions, and tails that wait for appends. The rules of the fair batch are
 * {@link FairBatchReaderTest}'s; here each backend's storage serves them.
 */
abstract class LocalJournalContract {
  /** Small limits, so that refusals are cheap to provoke. */
  static final JournalSettings LIMITS = new JournalSettings(100, 100, true,
      JournalSettings.defaults().tailCacheBytes(), Duration.ofMillis(500), JournalSettings.defaults().rocksdb());
  static final Duration WAIT = Duration.ofSeconds(10);
  static final Duration QUIET = Duration.ofMillis(300);

  static ActorTestKit testKit;

  /** A site of its own for each test: on PostgreSQL the tables outlive the runs. */
  final String site = "j-" + UUID.randomUUID().toString().substring(0, 8);
  @RegisterExtension
  final ClosedAfterTest opened = new ClosedAfterTest();
  LocalJournal journal;

  /**
   * Opens a journal of {@link #site} on storage that outlives it, so that opening it again finds what it held. The
   * contract closes the journal; anything else opened for it goes to {@link #opened}.
   */
  abstract LocalJournal open(JournalSettings settings, SeenSource seen);

  LocalJournal open(JournalSettings settings) {
    return open(settings, SeenSource.NONE);
  }

  @BeforeAll
  static void startTestKit() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void openJournal() {
    journal = opened.add(open(LIMITS));
  }

  private void reopen() {
    journal.close();
    journal = opened.add(open(LIMITS));
  }

  @Test
  void theIncarnationIsCreatedOnceAndStaysAcrossReopens() {
    UUID created = journal.incarnation();
    assertNotNull(created);
    await(journal.append(range(site, 0, 1, 3)));
    reopen();
    assertEquals(created, journal.incarnation(), "a reopened journal is the same history");
  }

  /**
   * Each entry is stamped at append with what the site knows of its inode, beyond the entry's own write, and keeps it
   * across a reopen; a retried entry is a duplicate whatever the site knows by then.
   */
  @Test
  void entriesAreStampedWithWhatTheSiteKnewOfTheirInodeWhenTaken() {
    journal.close();
    Map<Long, Seen> known = new java.util.concurrent.ConcurrentHashMap<>();
    long inode = entry(site, 2, 1).inodeId();
    known.put(inode, Seen.of(Map.of("other-site", 5L, site, 1L)));
    journal = opened.add(open(LIMITS, ids -> {
      Map<Long, Seen> asked = new java.util.HashMap<>();
      ids.forEach(id -> {
        if (known.containsKey(id)) asked.put(id, known.get(id));
      });
      return asked;
    }));

    await(journal.append(range(site, 2, 1, 2)));
    known.put(inode, Seen.of("third-site", 9));
    AppendResult retried = await(journal.append(range(site, 2, 1, 1)));

    assertEquals(1, retried.duplicates(), "what the site knows is no part of the entry's content");
    List<JournalEntry> held = journal.read(2, 1, 10);
    assertEquals(Seen.of("other-site", 5L), held.get(0).seen(), "its own origin's write 1 is implied by the entry");
    assertEquals(Seen.NONE, held.get(1).seen(), "nothing known of the second inode");
    assertEquals(range(site, 2, 1, 2), held.stream().map(e -> e.withSeen(Seen.NONE)).toList());
    reopen();
    assertEquals(Seen.of("other-site", 5L), journal.read(2, 1, 1).get(0).seen(), "stored with the entry");
  }

  @Test
  void appendsAreReadBackWithHeadsAndHlc() {
    AppendResult result = await(journal.append(range(site, 3, 1, 50)));

    assertEquals(new AppendResult(50, 0, Map.of(3, 50L)), result);
    assertEquals(50, journal.headSeq(3));
    assertEquals(0, journal.headSeq(4));
    assertEquals(Map.of(3, 50L), journal.heads());
    assertEquals(range(site, 3, 11, 20), journal.read(3, 11, 10));
    assertEquals(OptionalLong.of(entry(site, 3, 7).hlc()), journal.hlcAt(3, 7));
    assertEquals(OptionalLong.empty(), journal.hlcAt(3, 51));
  }

  @Test
  void appendedEntriesSurviveReopen() {
    List<JournalEntry> entries = new ArrayList<>(range(site, 1, 1, 5));
    entries.addAll(range(site, 2, 1, 3));
    AppendResult result = await(journal.append(entries));
    assertEquals(new AppendResult(8, 0, Map.of(1, 5L, 2, 3L)), result);

    reopen();

    assertEquals(Map.of(1, 5L, 2, 3L), journal.heads());
    assertEquals(range(site, 1, 1, 5), journal.read(1, 1, 100));
    assertEquals(range(site, 2, 2, 3), journal.read(2, 2, 100));
    assertEquals(OptionalLong.of(entry(site, 1, 4).hlc()), journal.hlcAt(1, 4));
    assertEquals(OptionalLong.empty(), journal.hlcAt(1, 6));
    assertEquals(8, await(journal.append(range(site, 1, 6, 13))).written(), "appends continue after reopen");
  }

  @Test
  void headsOfManyShardsSurviveReopen() {
    Map<Integer, Long> expected = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      int shard = i < 299 ? i * 7_919 : Integer.MAX_VALUE;
      long head = i % 4 + 1;
      await(journal.append(range(site, shard, 1, head)));
      expected.put(shard, head);
    }
    reopen();

    assertEquals(expected, journal.heads());
    assertEquals(4, journal.headSeq(7_919 * 3));
    assertEquals(0, journal.headSeq(1));
  }

  @Test
  void readsWithinBoundsAndInOrder() {
    await(journal.append(range(site, 4, 1, 10)));
    assertEquals(range(site, 4, 3, 6), journal.read(4, 3, 4));
    assertEquals(range(site, 4, 9, 10), journal.read(4, 9, 100));
    assertEquals(List.of(), journal.read(4, 11, 100));
    assertEquals(List.of(), journal.read(5, 1, 100));
    assertThrows(IllegalArgumentException.class, () -> journal.read(4, 0, 10));
  }

  @Test
  void wrongOriginWritesNothing() {
    assertRefusedWritingNothing(List.of(entry(site, 1, 1), entry("site-b", 2, 1)), Reason.WRONG_ORIGIN, 2, 1);
    assertRefusedWritingNothing(range("elsewhere", 0, 1, 1), Reason.WRONG_ORIGIN, 0, 1);
  }

  @Test
  void oversizedPayloadWritesNothing() {
    JournalEntry big = JournalEntry.of(site, 2, 1, 1, entry(site, 2, 1).op(), 9, 1, new byte[101]);
    assertRefusedWritingNothing(List.of(entry(site, 1, 1), big), Reason.PAYLOAD_TOO_LARGE, 2, 1);
  }

  @Test
  void anEntryStampedFurtherAheadThanTheMaxClockOffsetWritesNothing() throws Exception {
    long now = Clocks.epochNanos();
    JournalEntry ahead = JournalEntry.of(site, 2, 1, now + Duration.ofSeconds(2).toNanos(), Op.WRITE, 9, 1,
        new byte[] {1});
    assertRefusedWritingNothing(List.of(entry(site, 1, 1), ahead), Reason.CLOCK_AHEAD, 2, 1);

    JournalEntry slightlyAhead = JournalEntry.of(site, 2, 1, Clocks.epochNanos() + Duration.ofMillis(100).toNanos(),
        Op.WRITE, 9, 1, new byte[] {1});
    assertEquals(1, await(journal.append(List.of(slightlyAhead))).written(), "within max-clock-offset");
  }

  @Test
  void oversizedCallWritesNothing() {
    assertRefusedWritingNothing(range(site, 1, 1, 101), Reason.BATCH_TOO_LARGE, 1, 1);
  }

  @Test
  void gapWritesNothingOfTheCall() {
    await(journal.append(range(site, 2, 1, 3)));
    assertRefusedWritingNothing(List.of(entry(site, 1, 1), entry(site, 2, 5)), Reason.GAP, 2, 5);
    assertRefusedWritingNothing(range(site, 2, 5, 6), Reason.GAP, 2, 5);
  }

  @Test
  void seqGoingBackWithinACallIsARegression() {
    List<JournalEntry> call = List.of(entry(site, 1, 1), entry(site, 1, 2), entry(site, 1, 2));
    assertRefusedWritingNothing(call, Reason.REGRESSION, 1, 2);
  }

  @Test
  void differentContentAtAHeldSeqIsAConflictingDuplicate() {
    await(journal.append(range(site, 1, 1, 3)));
    JournalEntry other = JournalEntry.of(site, 1, 2, 2_000, entry(site, 1, 2).op(), 1_000_002, 1, new byte[] {9});
    assertRefusedWritingNothing(List.of(other, entry(site, 1, 4)), Reason.CONFLICTING_DUPLICATE, 1, 2);
    assertRefusedWritingNothing(List.of(other), Reason.CONFLICTING_DUPLICATE, 1, 2);
  }

  @Test
  void retryCountsDuplicatesAndWritesOnlyTheNewTail() {
    await(journal.append(range(site, 1, 1, 5)));
    AppendResult retry = await(journal.append(range(site, 1, 1, 8)));
    assertEquals(new AppendResult(3, 5, Map.of(1, 8L)), retry);
    assertEquals(range(site, 1, 1, 8), journal.read(1, 1, 100));

    AppendResult again = await(journal.append(range(site, 1, 1, 8)));
    assertEquals(new AppendResult(0, 8, Map.of(1, 8L)), again);
  }

  /** An entry keeps the epoch it was first written in: content compares without it, so a retry is a duplicate. */
  @Test
  void entriesKeepTheirEpochAndARetryStampedInAnotherEpochIsADuplicate() {
    List<JournalEntry> inEpoch3 = stamped(range(site, 1, 1, 5), 3);
    await(journal.append(inEpoch3));
    await(journal.append(range(site, 1, 6, 6)));

    AppendResult retry = await(journal.append(stamped(range(site, 1, 1, 7), 5)));

    assertEquals(new AppendResult(1, 6, Map.of(1, 7L)), retry);
    List<JournalEntry> expected = new ArrayList<>(inEpoch3);
    expected.add(entry(site, 1, 6));
    expected.add(entry(site, 1, 7).withEpoch(5));
    assertEquals(expected, journal.read(1, 1, 100));
    JournalEntry other = JournalEntry.of(site, 1, 2, 2_000, entry(site, 1, 2).op(), 1_000_002, 1, new byte[] {9});
    assertRefusedWritingNothing(List.of(other.withEpoch(5)), Reason.CONFLICTING_DUPLICATE, 1, 2);

    reopen();

    assertEquals(expected, journal.read(1, 1, 100));
    assertEquals(expected, journal.readBatch(Map.of(), 100, Long.MAX_VALUE));
  }

  static List<JournalEntry> stamped(List<JournalEntry> entries, long epoch) {
    return entries.stream().map(e -> e.withEpoch(epoch)).toList();
  }

  @Test
  void closedJournalRefusesAppendsAndReads() {
    journal.close();
    AppendRejectedException refused = rejection(journal.append(List.of(entry(site, 1, 1))));
    assertEquals(Reason.CLOSED, refused.reason());
    assertThrows(IllegalStateException.class, () -> journal.read(1, 1, 10));
  }

  @Test
  void lagBehindCountsTheEntriesPastThePositionsAndTheOldestOfThem() {
    await(journal.append(range(site, 0, 1, 30)));
    await(journal.append(range(site, 1, 1, 5)));
    await(journal.append(range(site, 7, 1, 12)));
    Map<Integer, Long> positions = Map.of(0, 10L, 1, 5L, 9, 3L); // shard 7 absent: from 0

    JournalLag lag = journal.lagBehind(positions);

    assertEquals(new JournalLag(20 + 12, Math.min(entry(site, 0, 11).hlc(), entry(site, 7, 1).hlc())), lag);
    assertEquals(JournalLag.NONE, journal.lagBehind(Map.of(0, 30L, 1, 5L, 7, 12L)));
  }

  /** Both passes of the fair read on this backend's storage: the share of every shard, then what is left. */
  @Test
  void readBatchServesEveryShardFromItsPositionUpToItsHead() {
    await(journal.append(range(site, 0, 1, 30)));
    await(journal.append(range(site, 1, 1, 10)));
    await(journal.append(range(site, 2, 1, 3)));
    Map<Integer, Long> positions = Map.of(0, 5L, 1, 10L, 2, 1L);

    List<JournalEntry> batch = journal.readBatch(positions, 20, Long.MAX_VALUE);

    assertEquals(20, batch.size());
    assertEquals(range(site, 0, 6, 23), batch.stream().filter(e -> e.shard() == 0).toList());
    assertEquals(range(site, 2, 2, 3), batch.stream().filter(e -> e.shard() == 2).toList());
    assertEquals(List.of(), journal.readBatch(journal.heads(), 20, Long.MAX_VALUE));
  }

  @Test
  void tailEmitsWhatIsHeldThenWaitsForAppendsAndHonoursDemand() {
    await(journal.append(range(site, 1, 1, 5)));
    await(journal.append(range(site, 2, 1, 5)));
    TestSubscriber.Probe<List<JournalEntry>> probe = journal.tail(Map.of(2, 3L), 100, Long.MAX_VALUE)
        .runWith(TestSink.create(testKit.system()), testKit.system());

    List<JournalEntry> first = probe.request(1).expectNext(WAIT);
    List<JournalEntry> expected = new ArrayList<>(range(site, 1, 1, 5));
    expected.addAll(range(site, 2, 4, 5));
    assertEquals(expected, first);

    probe.request(1).expectNoMessage(QUIET);
    await(journal.append(range(site, 2, 6, 7)));
    assertEquals(range(site, 2, 6, 7), probe.expectNext(WAIT));

    await(journal.append(range(site, 3, 1, 2)));
    probe.expectNoMessage(QUIET);
    assertEquals(range(site, 3, 1, 2), probe.requestNext(WAIT), "an append made without demand waits for it");
    probe.cancel();
  }

  /**
   * Given an executor for its reads, a tail hands it every read that needs storage (after a reopen nothing is held in
   * memory) and, where the journal holds what was just appended in memory, takes that in place: no hand-off.
   */
  @Test
  void aTailHandsStorageReadsToItsExecutorAndTakesHeldAppendsInPlace() {
    await(journal.append(range(site, 1, 1, 5)));
    reopen();
    AtomicInteger handedOff = new AtomicInteger();
    Executor reads = task -> {
      handedOff.incrementAndGet();
      ForkJoinPool.commonPool().execute(task);
    };
    TestSubscriber.Probe<List<JournalEntry>> probe = journal.tail(Map.of(), 100, () -> Long.MAX_VALUE, reads)
        .runWith(TestSink.create(testKit.system()), testKit.system());

    assertEquals(range(site, 1, 1, 5), probe.request(1).expectNext(WAIT));
    assertEquals(1, handedOff.get(), "the read from storage ran on the executor");
    probe.request(1).expectNoMessage(QUIET);
    await(journal.append(range(site, 1, 6, 9)));
    assertEquals(range(site, 1, 6, 9), probe.expectNext(WAIT));
    if (holdsAppendsForItsTails()) {
      assertEquals(1, handedOff.get(), "what was just appended came from memory, in place");
    } else {
      assertTrue(handedOff.get() > 1, "every read went to the executor");
    }
    probe.cancel();
  }

  /**
   * A tail open from the start that reads nothing (never pulled): the tail cache holds what is appended from now on,
   * as it does for a tail behind. Cancel it when done.
   */
  static TestSubscriber.Probe<List<JournalEntry>> openUnreadTail(LocalJournal on) {
    TestSubscriber.Probe<List<JournalEntry>> probe = on.tail(Map.of(), 100, Long.MAX_VALUE)
        .runWith(TestSink.create(testKit.system()), testKit.system());
    probe.ensureSubscription(); // the stage has started: its mark is open
    return probe;
  }

  /** Whether a tail may take what was just appended from this node's memory without asking storage. */
  abstract boolean holdsAppendsForItsTails();

  @Test
  void tailFailsWhenTheJournalCloses() {
    TestSubscriber.Probe<List<JournalEntry>> probe = journal.tail(Map.of(), 100, Long.MAX_VALUE)
        .runWith(TestSink.create(testKit.system()), testKit.system());
    probe.request(1).expectNoMessage(QUIET);
    journal.close();
    assertInstanceOf(IllegalStateException.class, probe.expectError());
  }

  // ---- collection (journal GC)

  /**
   * Collected entries are gone, and a read that starts below the horizon fails typed; it never answers with what is
   * held from further on. The entries were just appended and a tail that has read none of them is open, so the tail
   * cache holds them: it must not answer either.
   */
  @Test
  void collectRemovesUpToTheSeqAndReadsBelowTheHorizonFailTyped() {
    TestSubscriber.Probe<List<JournalEntry>> unread = openUnreadTail(journal);
    await(journal.append(range(site, 1, 1, 20)));
    await(journal.append(range(site, 2, 1, 10)));

    long removed = journal.collect(Map.of(1, 12L, 2, 10L, 3, 5L));

    assertEquals(12 + 9, removed, "shard 2 keeps its head entry; shard 3 holds nothing");
    assertEquals(13, journal.horizon(1));
    assertEquals(10, journal.horizon(2));
    assertEquals(1, journal.horizon(3));
    assertEquals(Map.of(1, 20L, 2, 10L), journal.heads(), "heads do not move");
    assertEquals(range(site, 1, 13, 20), journal.read(1, 13, 100));
    assertEquals(range(site, 2, 10, 10), journal.read(2, 10, 100));
    assertEquals(List.of(), journal.read(1, 21, 100), "past the head is still simply empty");
    JournalCollectedException below = assertThrows(JournalCollectedException.class, () -> journal.read(1, 5, 10));
    assertEquals(1, below.shard());
    assertEquals(5, below.fromSeq());
    assertEquals(13, below.horizon());
    assertThrows(JournalCollectedException.class, () -> journal.read(1, 12, 10));

    List<JournalEntry> expected = new ArrayList<>(range(site, 1, 13, 20));
    expected.add(entry(site, 2, 10));
    assertEquals(expected, journal.readBatch(Map.of(1, 12L, 2, 9L), 100, Long.MAX_VALUE));
    assertEquals(List.of(), journal.readBatch(Map.of(1, 20L, 2, 10L), 100, Long.MAX_VALUE), "caught up: no read");
    JournalCollectedException batch = assertThrows(JournalCollectedException.class,
        () -> journal.readBatch(Map.of(1, 20L, 2, 5L), 100, Long.MAX_VALUE));
    assertEquals(2, batch.shard());
    assertEquals(6, batch.fromSeq());
    assertThrows(JournalCollectedException.class, () -> journal.readBatch(Map.of(), 100, Long.MAX_VALUE),
        "a reader with no position starts at seq 1");
    assertEquals(range(site, 1, 13, 20), journal.readBatch(Map.of(1, 12L, 2, Long.MAX_VALUE), 100, Long.MAX_VALUE),
        "a shard kept out of reach (a link's stopped shard) is not read");
    assertEquals(OptionalLong.empty(), journal.hlcAt(1, 5));
    unread.cancel();
  }

  /** The head entry is never collected: heads recover from the entries, and the next append continues them. */
  @Test
  void collectionKeepsTheHeadEntryAndSurvivesReopen() {
    await(journal.append(range(site, 1, 1, 5)));
    await(journal.append(range(site, 4, 1, 30)));

    assertEquals(4 + 20, journal.collect(Map.of(1, Long.MAX_VALUE, 4, 20L)));
    reopen();

    assertEquals(Map.of(1, 5L, 4, 30L), journal.heads());
    assertEquals(5, journal.horizon(1));
    assertEquals(21, journal.horizon(4));
    assertEquals(range(site, 4, 21, 30), journal.read(4, 21, 100));
    assertThrows(JournalCollectedException.class, () -> journal.read(4, 20, 100));
    assertEquals(new AppendResult(2, 0, Map.of(1, 7L)), await(journal.append(range(site, 1, 6, 7))));
    assertEquals(range(site, 1, 5, 7), journal.read(1, 5, 100));
  }

  @Test
  void theHorizonNeverMovesBack() {
    await(journal.append(range(site, 0, 1, 30)));
    assertEquals(10, journal.collect(Map.of(0, 10L)));

    assertEquals(0, journal.collect(Map.of(0, 4L)));
    assertEquals(0, journal.collect(Map.of(0, 10L)));
    assertEquals(5, journal.collect(Map.of(0, 15L)), "only what was still held counts");
    assertEquals(16, journal.horizon(0));
    assertEquals(15, journal.footprint().entries());
  }

  /**
   * A retry of an entry still held is a duplicate; one whose seq was collected can no longer be compared with what
   * was written, so it is refused (nothing written), never taken as new.
   */
  @Test
  void aRetryOfACollectedEntryIsRefusedAndOneStillHeldIsADuplicate() {
    await(journal.append(range(site, 1, 1, 10)));
    journal.collect(Map.of(1, 6L));

    assertEquals(new AppendResult(0, 3, Map.of(1, 10L)), await(journal.append(range(site, 1, 8, 10))));
    assertRefusedWritingNothing(range(site, 1, 6, 10), Reason.REGRESSION, 1, 6);
    assertEquals(7, journal.horizon(1));
  }

  @Test
  void aTailThatStartsBelowTheHorizonFailsTypedAndOneAboveGoesOn() {
    await(journal.append(range(site, 1, 1, 10)));
    journal.collect(Map.of(1, 6L));

    TestSubscriber.Probe<List<JournalEntry>> behind = journal.tail(Map.of(1, 3L), 100, Long.MAX_VALUE)
        .runWith(TestSink.create(testKit.system()), testKit.system());
    assertInstanceOf(JournalCollectedException.class, behind.request(1).expectError());

    TestSubscriber.Probe<List<JournalEntry>> caughtUp = journal.tail(Map.of(1, 6L), 100, Long.MAX_VALUE)
        .runWith(TestSink.create(testKit.system()), testKit.system());
    assertEquals(range(site, 1, 7, 10), caughtUp.request(1).expectNext(WAIT));
    journal.collect(Map.of(1, 9L)); // behind what this tail consumed: it goes on
    await(journal.append(range(site, 1, 11, 12)));
    assertEquals(range(site, 1, 11, 12), caughtUp.request(1).expectNext(WAIT));
    caughtUp.cancel();
  }

  @Test
  void footprintCountsWhatIsHeldAndItsOldestEntry() {
    assertEquals(0, journal.footprint().entries());
    await(journal.append(range(site, 0, 1, 30)));
    await(journal.append(range(site, 1, 1, 5)));

    JournalFootprint all = journal.footprint();
    assertEquals(35, all.entries());
    assertEquals(entry(site, 0, 1).hlc(), all.oldestHlc());
    assertTrue(all.bytes() > 0, "some bytes: " + all);

    journal.collect(Map.of(0, 20L, 1, 3L));
    JournalFootprint after = journal.footprint();
    assertEquals(10 + 2, after.entries());
    assertEquals(Math.min(entry(site, 0, 21).hlc(), entry(site, 1, 4).hlc()), after.oldestHlc());
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
    call.forEach(e -> byShard.put(e.shard(), journal.read(e.shard(), journal.horizon(e.shard()), 1_000)));
    return byShard;
  }
}
