package io.cfs.repl.persistence.journal;

import static io.cfs.repl.model.entry.TestEntries.entry;
import static io.cfs.repl.model.entry.TestEntries.range;
import static io.cfs.repl.persistence.journal.JournalTesting.await;
import static io.cfs.repl.persistence.journal.JournalTesting.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.persistence.journal.AppendRejectedException.Reason;
import io.cfs.repl.persistence.postgres.PostgresDatabase;
import io.cfs.repl.persistence.postgres.PostgresSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal on PostgreSQL, alone and shared by two "nodes" (two pools, two journals of one site). NEEDS PostgreSQL
 * on 127.0.0.1:5432 with trust auth and a database "test" ({@code .ci/run} starts it). Each test uses a site id of its
 * own because the tables outlive the run.
 */
@Tag("postgres")
class PostgresJournalTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final JournalSettings LIMITS = new JournalSettings(64, 100, true,
      JournalSettings.defaults().rocksdb());
  private static final ActorTestKit testKit = ActorTestKit.create();

  private final String site = "pgj-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<AutoCloseable> opened = new ArrayList<>();
  private PostgresJournal journal;

  @BeforeEach
  void open() {
    journal = node(PostgresSettings.defaults(), JournalSettings.defaults());
  }

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  /** One node: its own pool and its own journal of the shared site. */
  private PostgresJournal node(PostgresSettings pg, JournalSettings settings) {
    PostgresDatabase db = PostgresDatabase.open(pg, "test-" + site);
    opened.add(db);
    PostgresJournal j = PostgresJournal.open(db, site, settings);
    opened.add(j);
    return j;
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
  void lagBehindPositionsIsOneQueryThatAgreesWithTheEmbeddedJournal(@TempDir Path dir) {
    try (RocksDbJournal embedded = RocksDbJournal.open(dir, site, JournalSettings.defaults())) {
      for (LocalJournal j : List.of(journal, embedded)) {
        await(j.append(range(site, 0, 1, 30)));
        await(j.append(range(site, 1, 1, 5)));
        await(j.append(range(site, 7, 1, 12)));
      }
      Map<Integer, Long> positions = Map.of(0, 10L, 1, 5L, 9, 3L); // shard 7 absent: from 0

      JournalLag lag = journal.lagBehind(positions);

      assertEquals(new JournalLag(20 + 12, Math.min(entry(site, 0, 11).hlc(), entry(site, 7, 1).hlc())), lag);
      assertEquals(embedded.lagBehind(positions), lag);
      assertEquals(JournalLag.NONE, journal.lagBehind(Map.of(0, 30L, 1, 5L, 7, 12L)));
    }
  }

  @Test
  void retryIsIdempotentAndRefusalsWriteNothing() {
    await(journal.append(range(site, 0, 1, 10)));

    assertEquals(new AppendResult(5, 10, Map.of(0, 15L)), await(journal.append(range(site, 0, 1, 15))));
    assertRefused(journal.append(range(site, 0, 17, 18)), Reason.GAP, 17);
    assertRefused(journal.append(List.of(JournalEntry.of(site, 0, 5, 1, Op.WRITE, 1, 1,
        "other".getBytes(StandardCharsets.UTF_8)))), Reason.CONFLICTING_DUPLICATE, 5);
    assertRefused(journal.append(range("elsewhere", 0, 16, 16)), Reason.WRONG_ORIGIN, 16);
    assertEquals(15, journal.headSeq(0), "no refused call wrote anything");
    assertEquals(range(site, 0, 1, 15), journal.read(0, 1, 100));
  }

  @Test
  void oversizedCallsAreRefusedBeforeTheDatabase() {
    PostgresJournal small = node(PostgresSettings.defaults(), LIMITS);
    assertRefused(small.append(range(site, 0, 1, 101)), Reason.BATCH_TOO_LARGE, 1);
    assertRefused(small.append(List.of(JournalEntry.of(site, 0, 1, 1, Op.WRITE, 1, 1, new byte[65]))),
        Reason.PAYLOAD_TOO_LARGE, 1);
    assertEquals(Map.of(), small.heads());
  }

  @Test
  void aHotShardDoesNotStarveASmallOne() {
    for (long from = 1; from <= 5_000; from += 1_000) await(journal.append(range(site, 0, from, from + 999)));
    await(journal.append(range(site, 1, 1, 10)));

    List<JournalEntry> batch = journal.readBatch(Map.of(), 1_000, Long.MAX_VALUE);

    assertEquals(1_000, batch.size());
    assertEquals(range(site, 1, 1, 10), ofShard(batch, 1));
    assertEquals(range(site, 0, 1, 990), ofShard(batch, 0), "the hot shard fills the rest, in seq order");
  }

  @Test
  void whenMoreShardsWaitThanABatchHoldsTheStartRotates() {
    for (int shard = 0; shard < 20; shard++) await(journal.append(range(site, shard, 1, 5)));
    Set<Integer> served = new HashSet<>();
    for (int call = 0; call < 2; call++) {
      List<JournalEntry> batch = journal.readBatch(Map.of(), 10, Long.MAX_VALUE);
      assertEquals(10, batch.size());
      batch.forEach(e -> served.add(e.shard()));
    }
    assertEquals(20, served.size(), "two batches of ten from the same positions reach all twenty shards");
  }

  @Test
  void boundedByBytesAndPositionsButNeverEmptyWhenEntriesWait() {
    await(journal.append(range(site, 0, 1, 100)));
    await(journal.append(range(site, 1, 1, 100)));

    assertEquals(1, journal.readBatch(Map.of(), 100, 1).size(), "one entry even past the byte budget");
    List<JournalEntry> rest = journal.readBatch(Map.of(0, 100L, 1, 95L), 100, Long.MAX_VALUE);
    assertEquals(range(site, 1, 96, 100), rest);
    assertEquals(List.of(), journal.readBatch(Map.of(0, 100L, 1, 100L), 100, Long.MAX_VALUE));
  }

  @Test
  void aTailOnOneNodeSeesAppendsMadeOnAnotherByNotification() {
    // polling is made too slow to matter: only LISTEN/NOTIFY can deliver within the wait
    PostgresSettings slowPoll = new PostgresSettings(PostgresSettings.defaults().url(), "postgres", "", 4,
        Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(3));
    PostgresJournal reader = node(slowPoll, JournalSettings.defaults());
    PostgresJournal writer = node(slowPoll, JournalSettings.defaults());
    await(writer.append(range(site, 2, 1, 3)));
    TestSubscriber.Probe<List<JournalEntry>> probe = reader.tail(Map.of(), 100, Long.MAX_VALUE)
        .runWith(TestSink.create(testKit.system()), testKit.system());
    assertEquals(range(site, 2, 1, 3), probe.request(1).expectNext(WAIT));

    probe.request(1).expectNoMessage(QUIET);
    await(writer.append(range(site, 2, 4, 6)));
    assertEquals(range(site, 2, 4, 6), probe.expectNext(WAIT));
    probe.cancel();
  }

  @Test
  void twoNodesRacingOnTheSameShardKeepItDenseAndEveryAcknowledgedEntry() throws Exception {
    PostgresJournal other = node(PostgresSettings.defaults(), JournalSettings.defaults());
    List<CompletionStage<AppendResult>> mine = new ArrayList<>();
    List<CompletionStage<AppendResult>> theirs = new ArrayList<>();
    List<List<JournalEntry>> otherCalls = new ArrayList<>();
    for (long from = 1; from <= 400; from += 10) {
      mine.add(journal.append(range(site, 0, from, from + 9)));
      // the same seqs with other content: for each seq exactly one node's version can be held
      List<JournalEntry> rival = new ArrayList<>();
      for (long seq = from; seq <= from + 9; seq++) {
        rival.add(JournalEntry.of(site, 0, seq, seq, Op.WRITE, seq, 1, ("rival-" + seq).getBytes(StandardCharsets.UTF_8)));
      }
      otherCalls.add(rival);
      theirs.add(other.append(rival));
    }
    Set<JournalEntry> acknowledged = new HashSet<>();
    int acked = 0;
    for (int i = 0; i < mine.size(); i++) {
      acked += collect(mine.get(i), range(site, 0, 1 + 10L * i, 10 + 10L * i), acknowledged);
      acked += collect(theirs.get(i), otherCalls.get(i), acknowledged);
    }
    assertTrue(acked > 0, "some appends succeed");
    List<JournalEntry> held = journal.read(0, 1, 1_000);
    for (int i = 0; i < held.size(); i++) assertEquals(i + 1, held.get(i).seq(), "dense from 1");
    assertTrue(held.containsAll(acknowledged), "every acknowledged entry is held, as acknowledged");
    assertEquals(held.size(), journal.headSeq(0));
    assertEquals(journal.headSeq(0), other.headSeq(0), "both nodes see one head");
  }

  /** Adds the call's entries if it was acknowledged; a refusal must be one a race explains. */
  private static int collect(CompletionStage<AppendResult> stage, List<JournalEntry> call, Set<JournalEntry> into)
      throws Exception {
    try {
      stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
      into.addAll(call);
      return 1;
    } catch (ExecutionException e) {
      AppendRejectedException refused = (AppendRejectedException) e.getCause();
      assertTrue(Set.of(Reason.GAP, Reason.CONFLICTING_DUPLICATE).contains(refused.reason()), refused.toString());
      return 0;
    }
  }

  @Test
  void closedJournalRefusesAppendsAndReads() {
    journal.close();
    assertEquals(Reason.CLOSED, rejection(journal.append(range(site, 0, 1, 1))).reason());
    assertThrows(IllegalStateException.class, () -> journal.headSeq(0));
  }

  private static void assertRefused(CompletionStage<?> stage, Reason reason, long seq) {
    AppendRejectedException refused = rejection(stage);
    assertEquals(reason, refused.reason(), refused.getMessage());
    assertEquals(seq, refused.seq());
  }

  private static List<JournalEntry> ofShard(List<JournalEntry> batch, int shard) {
    return batch.stream().filter(e -> e.shard() == shard).collect(Collectors.toList());
  }
}
