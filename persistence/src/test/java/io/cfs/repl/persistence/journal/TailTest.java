package io.cfs.repl.persistence.journal;

import static io.cfs.repl.model.entry.TestEntries.range;
import static io.cfs.repl.persistence.journal.JournalTesting.SITE;
import static io.cfs.repl.persistence.journal.JournalTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.cfs.repl.model.entry.JournalEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailTest {
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static final ActorTestKit testKit = ActorTestKit.create();

  @TempDir
  Path dir;
  private RocksDbJournal journal;

  @BeforeEach
  void open() {
    journal = RocksDbJournal.open(dir, SITE, JournalSettings.defaults());
  }

  @AfterEach
  void close() {
    journal.close();
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @Test
  void emitsWhatIsHeldThenWaitsForAppendsAndHonoursDemand() {
    await(journal.append(range(SITE, 1, 1, 5)));
    await(journal.append(range(SITE, 2, 1, 5)));
    TestSubscriber.Probe<List<JournalEntry>> probe = journal.tail(Map.of(2, 3L), 100, Long.MAX_VALUE)
        .runWith(TestSink.create(testKit.system()), testKit.system());

    List<JournalEntry> first = probe.request(1).expectNext(WAIT);
    List<JournalEntry> expected = new ArrayList<>(range(SITE, 1, 1, 5));
    expected.addAll(range(SITE, 2, 4, 5));
    assertEquals(expected, first);

    probe.request(1).expectNoMessage(QUIET);
    await(journal.append(range(SITE, 2, 6, 7)));
    assertEquals(range(SITE, 2, 6, 7), probe.expectNext(WAIT));

    await(journal.append(range(SITE, 3, 1, 2)));
    probe.expectNoMessage(QUIET);
    assertEquals(range(SITE, 3, 1, 2), probe.requestNext(WAIT), "an append made without demand waits for it");
    probe.cancel();
  }

  @Test
  void sourceTailsOneShardEntryByEntry() {
    await(journal.append(range(SITE, 1, 1, 5)));
    await(journal.append(range(SITE, 2, 1, 5)));
    TestSubscriber.Probe<JournalEntry> probe = journal.source(1, 3)
        .runWith(TestSink.create(testKit.system()), testKit.system());

    probe.request(2);
    assertEquals(range(SITE, 1, 3, 4), List.of(probe.expectNext(WAIT), probe.expectNext(WAIT)));
    probe.expectNoMessage(QUIET);
    probe.request(5);
    assertEquals(range(SITE, 1, 5, 5).get(0), probe.expectNext(WAIT));
    await(journal.append(range(SITE, 2, 6, 9)));
    probe.expectNoMessage(QUIET);
    await(journal.append(range(SITE, 1, 6, 6)));
    assertEquals(range(SITE, 1, 6, 6).get(0), probe.expectNext(WAIT));
    probe.cancel();
  }

  @Test
  void failsWhenTheJournalCloses() {
    TestSubscriber.Probe<List<JournalEntry>> probe = journal.tail(Map.of(), 100, Long.MAX_VALUE)
        .runWith(TestSink.create(testKit.system()), testKit.system());
    probe.request(1).expectNoMessage(QUIET);
    journal.close();
    assertInstanceOf(IllegalStateException.class, probe.expectError());
  }
}
