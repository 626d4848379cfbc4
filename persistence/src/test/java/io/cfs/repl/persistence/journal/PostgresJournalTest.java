package io.cfs.repl.persistence.journal;

import static io.cfs.repl.model.entry.TestEntries.range;
import static io.cfs.repl.persistence.journal.JournalTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.persistence.journal.AppendRejectedException.Reason;
import io.cfs.repl.persistence.postgres.PostgresDatabase;
import io.cfs.repl.persistence.postgres.PostgresSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The journal rules on PostgreSQL, and what only a journal shared by several nodes does: the journal alone, and two
 * "nodes" (two pools, two journals of one site). NEEDS PostgreSQL on 127.0.0.1:5432 with trust auth and a database
 * "test" ({@code .ci/run} starts it). Each test uses a site id of its own because the tables outlive the run.
 */
@Tag("postgres")
class PostgresJournalTest extends LocalJournalContract {

  @Override
  LocalJournal open(JournalSettings settings, SeenSource seen) {
    return node(PostgresSettings.defaults(), settings, seen);
  }

  @Override
  boolean holdsAppendsForItsTails() {
    return false; // the heads are in the database: another node of the site may have moved them
  }

  /** One node: its own pool (closed after the test) and its own journal of the shared site. */
  private PostgresJournal node(PostgresSettings pg, JournalSettings settings) {
    return node(pg, settings, SeenSource.NONE);
  }

  private PostgresJournal node(PostgresSettings pg, JournalSettings settings, SeenSource seen) {
    return PostgresJournal.open(opened.add(PostgresDatabase.open(pg, "test-" + site)), site, settings, seen);
  }

  @Test
  void everyNodeOfASiteSharesOneIncarnationAndANewSiteGetsAnother() throws Exception {
    // nodes opening together race to create the id: one wins, all read the winner's
    List<CompletionStage<UUID>> opening = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      opening.add(java.util.concurrent.CompletableFuture.supplyAsync(
          () -> opened.add(node(PostgresSettings.defaults(), JournalSettings.defaults())).incarnation()));
    }
    Set<UUID> seen = new HashSet<>();
    for (CompletionStage<UUID> id : opening) seen.add(id.toCompletableFuture().get(30, TimeUnit.SECONDS));
    seen.add(journal.incarnation());
    assertEquals(1, seen.size(), "one incarnation for every node of the site: " + seen);

    String other = site + "-x";
    PostgresJournal otherSite = opened.add(PostgresJournal.open(
        opened.add(PostgresDatabase.open(PostgresSettings.defaults(), "test-" + other)), other,
        JournalSettings.defaults()));
    assertTrue(!seen.contains(otherSite.incarnation()), "another site's journal is another history");
  }

  @Test
  void aTailOnOneNodeSeesAppendsMadeOnAnotherByNotification() {
    // polling is made too slow to matter: only LISTEN/NOTIFY can deliver within the wait
    PostgresSettings slowPoll = new PostgresSettings(PostgresSettings.defaults().url(), "postgres", "", 4,
        Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(3));
    PostgresJournal reader = opened.add(node(slowPoll, JournalSettings.defaults()));
    PostgresJournal writer = opened.add(node(slowPoll, JournalSettings.defaults()));
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
    PostgresJournal other = opened.add(node(PostgresSettings.defaults(), JournalSettings.defaults()));
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

  /**
   * One node collects; another node of the site, whose tail cache still holds the entries it wrote, sees the horizon
   * at once and refuses a read from below it instead of answering from memory.
   */
  @Test
  void aCollectionByOneNodeIsSeenByTheOthersWhoseCacheDoesNotAnswerForIt() {
    PostgresJournal writer = opened.add(node(PostgresSettings.defaults(), JournalSettings.defaults()));
    TestSubscriber.Probe<List<JournalEntry>> unread = openUnreadTail(writer); // held in the writer's cache
    await(writer.append(range(site, 3, 1, 20)));
    assertEquals(range(site, 3, 5, 20), writer.readBatch(Map.of(3, 4L), 100, Long.MAX_VALUE), "cached there");

    assertEquals(10, journal.collect(Map.of(3, 10L)));

    assertEquals(11, writer.horizon(3));
    assertThrows(JournalCollectedException.class, () -> writer.readBatch(Map.of(3, 4L), 100, Long.MAX_VALUE));
    assertEquals(range(site, 3, 11, 20), writer.readBatch(Map.of(3, 10L), 100, Long.MAX_VALUE));
    assertEquals(0, writer.collect(Map.of(3, 10L)), "already collected by the other node");
    unread.cancel();
    assertEquals(10, writer.footprint().entries());
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

  /** The epoch column holds what the entry carries, for queries by epoch. */
  @Test
  void theEpochColumnHoldsEachEntrysEpoch() throws Exception {
    await(journal.append(stamped(range(site, 6, 1, 2), 7)));
    await(journal.append(range(site, 6, 3, 3)));
    Map<Long, Long> epochs = new java.util.TreeMap<>();
    String url = PostgresSettings.defaults().url();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
         java.sql.PreparedStatement st = c.prepareStatement(
             "SELECT seq, epoch FROM cfs_journal WHERE site = ? AND shard = 6 ORDER BY seq")) {
      st.setString(1, site);
      try (java.sql.ResultSet rs = st.executeQuery()) {
        while (rs.next()) epochs.put(rs.getLong(1), rs.getLong(2));
      }
    }
    assertEquals(Map.of(1L, 7L, 2L, 7L, 3L, 0L), epochs);
  }

  /** Heads live in the database here, so unlike the embedded journal's they are refused once closed. */
  @Test
  void aClosedJournalRefusesHeadReadsToo() {
    journal.close();
    assertThrows(IllegalStateException.class, () -> journal.headSeq(0));
  }
}
