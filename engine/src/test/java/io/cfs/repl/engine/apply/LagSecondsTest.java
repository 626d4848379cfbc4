package io.cfs.repl.engine.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Op;
import io.cfs.repl.model.entry.TestEntries;
import java.util.List;
import org.junit.jupiter.api.Test;

class LagSecondsTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final long T = 1_800_000_000L * SECOND; // an epoch second, in nanos

  private static JournalEntry stampedAt(long hlcNanos) {
    return TestEntries.change("a", 0, 1, hlcNanos, Op.WRITE, 1, "x");
  }

  @Test
  void eachSecondCountsItsEntriesTheirLongestLagAndHowManyLaggedOverEachThreshold() {
    LagSeconds seconds = new LagSeconds();
    seconds.record(T + 100 * MS, List.of(stampedAt(T + 99 * MS), stampedAt(T + 100 * MS - 30 * MS)));
    seconds.record(T + 900 * MS, List.of(stampedAt(T + 900 * MS - 3 * MS)));
    seconds.record(T + SECOND + 5 * MS, List.of(stampedAt(T + SECOND + 5 * MS - 250 * MS)));

    List<ApplyLag.Second> all = seconds.since(T / SECOND);
    assertThat(all).hasSize(2);
    ApplyLag.Second first = all.get(0);
    assertThat(first.epochSecond()).isEqualTo(T / SECOND);
    assertThat(first.count()).isEqualTo(3);
    assertThat(first.maxMicros()).isEqualTo(30_000);
    // thresholds 1, 2, 5, 10, 20, 50 ... ms: lags of 1 ms (not over 1), 3 ms and 30 ms
    assertThat(first.over()).startsWith(2, 2, 1, 1, 1, 0);
    ApplyLag.Second second = all.get(1);
    assertThat(second.count()).isEqualTo(1);
    assertThat(second.over()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    assertThat(seconds.since(T / SECOND + 1)).as("only the seconds asked for").hasSize(1);
  }

  @Test
  void aSecondTenMinutesLaterTakesTheOldOnesSlotAfresh() {
    LagSeconds seconds = new LagSeconds();
    seconds.record(T, List.of(stampedAt(T - 40 * MS)));
    long later = T + LagSeconds.SECONDS * SECOND;
    seconds.record(later, List.of(stampedAt(later - MS / 2)));

    List<ApplyLag.Second> all = seconds.since(0);
    assertThat(all).singleElement().satisfies(s -> {
      assertThat(s.epochSecond()).isEqualTo(later / SECOND);
      assertThat(s.count()).isEqualTo(1);
      assertThat(s.maxMicros()).isEqualTo(500);
      assertThat(s.over()).containsOnly(0L);
    });
  }
}
