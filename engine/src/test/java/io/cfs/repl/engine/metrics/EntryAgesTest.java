package io.cfs.repl.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.TestEntries;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A batch counts once per entry at its mean age, per stage and site; the window restarts, the metrics hear each. */
class EntryAgesTest {
  private static final long MS = 1_000_000L;
  private static final long T = 1_800_000_000_000L * MS;

  private record Heard(EntryStage stage, String site, long meanAgeNanos, int entries) {
  }

  private final List<Heard> heard = new ArrayList<>();
  private final AtomicLong now = new AtomicLong(T);
  private final EntryAges ages = new EntryAges(new ReplicationMetrics() {
    @Override
    public void onEntriesAged(EntryStage stage, String site, long meanAgeNanos, int entries) {
      heard.add(new Heard(stage, site, meanAgeNanos, entries));
    }
  }, now::get);

  private static JournalEntry stampedAt(long hlcNanos) {
    return TestEntries.change("site-a", 0, 1, hlcNanos, Op.WRITE, 1, "x");
  }

  @Test
  void aBatchCountsEachEntryAtItsMeanAgePerStageAndSite() {
    now.set(T + 4 * MS);
    ages.record(EntryStage.DURABLE, "site-a", List.of(stampedAt(T), stampedAt(T + 2 * MS))); // 4 and 2 ms old
    now.set(T + 10 * MS);
    ages.record(EntryStage.SHIPPED, "site-b", List.of(stampedAt(T)));
    ages.record(EntryStage.SHIPPED, "site-c", List.of(stampedAt(T + 9 * MS)));

    EntryAges.Snapshot s = ages.snapshot();
    EntryAges.Summary durable = s.window().get(EntryStage.DURABLE).get("site-a");
    assertThat(durable.entries()).isEqualTo(2);
    assertThat(durable.meanMicros()).isEqualTo(3_000);
    assertThat(durable.maxMicros()).as("the batch's mean, not its oldest").isEqualTo(3_000);
    assertThat(s.window().get(EntryStage.SHIPPED)).containsOnlyKeys("site-b", "site-c");
    assertThat(s.window().get(EntryStage.SHIPPED).get("site-b").meanMicros()).isEqualTo(10_000);
    assertThat(s.window().get(EntryStage.SHIPPED).get("site-c").meanMicros()).isEqualTo(1_000);
    assertThat(s.window()).doesNotContainKeys(EntryStage.INGESTED, EntryStage.RECEIVED);
    assertThat(heard).containsExactly(new Heard(EntryStage.DURABLE, "site-a", 3 * MS, 2),
        new Heard(EntryStage.SHIPPED, "site-b", 10 * MS, 1), new Heard(EntryStage.SHIPPED, "site-c", MS, 1));
  }

  @Test
  void anEntryFromAClockAheadIsNoOlderThanNowAndAnEmptyBatchIsNoSample() {
    ages.record(EntryStage.INGESTED, "site-a", List.of(stampedAt(T + 5 * MS), stampedAt(T - 2 * MS)));
    ages.record(EntryStage.INGESTED, "site-a", List.of());

    EntryAges.Summary ingested = ages.snapshot().window().get(EntryStage.INGESTED).get("site-a");
    assertThat(ingested.entries()).isEqualTo(2);
    assertThat(ingested.meanMicros()).as("(0 + 2) / 2 ms").isEqualTo(1_000);
    assertThat(heard).hasSize(1);
  }

  @Test
  void anAgeCountsAtMostThirtyDaysSoThatNoSumOverflows() {
    List<JournalEntry> ancient = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) ancient.add(stampedAt(i)); // 57 years before T: past a long's sum of nanos
    ages.record(EntryStage.RECEIVED, "site-a", ancient);

    EntryAges.Summary received = ages.snapshot().window().get(EntryStage.RECEIVED).get("site-a");
    assertThat(received.entries()).isEqualTo(10_000);
    assertThat(received.meanMicros()).isEqualTo(EntryAges.MAX_AGE_NANOS / 1000);
    assertThat(heard).containsExactly(new Heard(EntryStage.RECEIVED, "site-a", EntryAges.MAX_AGE_NANOS, 10_000));
  }

  @Test
  void aResetStartsTheWindowAndKeepsTheCountSinceStart() {
    ages.record(EntryStage.RECEIVED, "site-a", List.of(stampedAt(T)));
    ages.resetWindow();
    ages.record(EntryStage.RECEIVED, "site-a", List.of(stampedAt(T), stampedAt(T)));

    assertThat(ages.snapshot().window().get(EntryStage.RECEIVED).get("site-a").entries()).isEqualTo(2);
    assertThat(ages.snapshot().sinceStart().get(EntryStage.RECEIVED).get("site-a").entries()).isEqualTo(3);
  }
}
