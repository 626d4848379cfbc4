package io.cfs.repl.engine.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.engine.metrics.EntryAges;
import io.cfs.repl.engine.metrics.EntryStage;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.TestEntries;
import io.cfs.repl.persistence.store.ApplyResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lag to visibility and the lag to durability of a peer's entries are kept apart, each with its window. */
class ApplyLagTest {
  private static final long MS = 1_000_000L;
  private static final long T = 1_800_000_000_000L * MS;

  private static JournalEntry stampedAt(long hlcNanos) {
    return TestEntries.change("site-a", 0, 1, hlcNanos, Op.WRITE, 1, "x");
  }

  @Test
  void visibleAndDurableLagsAreCountedApartAndTheWindowResetsBoth() {
    EntryAges ages = new EntryAges(ReplicationMetrics.NONE, () -> T + 2 * MS);
    ApplyLag lag = new ApplyLag(ApplyListener.NONE, ages);
    List<JournalEntry> batch = List.of(stampedAt(T), stampedAt(T + MS));
    lag.onBatchApplied("site-a", batch, new ApplyResult(2, 0, 0, Map.of(), List.of()), T + 3 * MS);
    lag.onBatchDurable("site-a", batch, T + 10 * MS);
    ages.record(EntryStage.RECEIVED, "site-a", batch);

    ApplyLag.Snapshot s = lag.snapshot();
    assertThat(s.window().get("site-a").count()).isEqualTo(2);
    assertThat(s.window().get("site-a").maxMicros()).isBetween(2_950L, 3_050L);
    assertThat(s.durableWindow().get("site-a").count()).isEqualTo(2);
    assertThat(s.durableWindow().get("site-a").maxMicros()).isBetween(9_900L, 10_100L);
    assertThat(s.durableWindow().get("site-a").p50Micros()).isBetween(8_900L, 10_100L);
    assertThat(s.window().get("site-a").meanMicros()).as("exact: (3 + 2) / 2 ms").isEqualTo(2_500L);
    assertThat(s.stages().window().get(EntryStage.RECEIVED).get("site-a").meanMicros()).as("(2 + 1) / 2 ms")
        .isEqualTo(1_500L);

    lag.resetWindow();
    lag.onBatchApplied("site-a", List.of(stampedAt(T)), new ApplyResult(1, 0, 0, Map.of(), List.of()), T + MS);
    ApplyLag.Snapshot after = lag.snapshot();
    assertThat(after.window().get("site-a").count()).isEqualTo(1);
    assertThat(after.durableWindow()).as("nothing durable since the reset").isEmpty();
    assertThat(after.durableSinceStart().get("site-a").count()).isEqualTo(2);
    assertThat(after.sinceStart().get("site-a").count()).isEqualTo(3);
    assertThat(after.stages().window()).as("the entries' ages start a window with the lag").isEmpty();
    assertThat(after.stages().sinceStart().get(EntryStage.RECEIVED).get("site-a").entries()).isEqualTo(2);
    assertThat(ages.snapshot().sinceStart().get(EntryStage.RECEIVED).get("site-a").entries()).isEqualTo(2);
  }
}
