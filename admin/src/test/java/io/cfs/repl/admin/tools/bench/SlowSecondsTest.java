package io.cfs.repl.admin.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlowSecondsTest {
  private static final List<Long> THRESHOLDS = List.of(1L, 2L, 5L, 10L, 20L, 50L, 100L, 200L, 500L, 1000L);
  private static final long S = 1_796_593_980L; // an epoch second

  @TempDir
  Path dir;

  private static SlowSeconds.Second second(long epochSecond, long count, long maxMicros, long... over) {
    long[] all = new long[THRESHOLDS.size()];
    System.arraycopy(over, 0, all, 0, over.length);
    return new SlowSeconds.Second(epochSecond, count, maxMicros, all);
  }

  @Test
  void readsPausesFromATimeDecoratedGcLogAndJobsFromEachRocksDbLogRolledOverOrNot() throws Exception {
    Path gc = dir.resolve("site-a-gc.log");
    Files.writeString(gc, String.join("\n",
        "[98.192s][" + S * 1000 + "ms][info][gc,start    ] GC(106) Pause Young (Normal) (G1 Evacuation Pause)",
        "[98.206s][" + (S * 1000 + 14) + "ms][info][gc          ] GC(106) Pause Young (Normal) (G1 Evacuation Pause)"
            + " 465M->351M(1024M) 13.952ms",
        "[98.206s][" + (S * 1000 + 20) + "ms][info][gc,cpu      ] GC(106) User=0.03s Sys=0.00s Real=0.01s"));
    Path store = Files.createDirectories(dir.resolve("site-a").resolve("store"));
    // RocksDB rolled its LOG over while the flush ran: it started in the old one
    Files.writeString(store.resolve("LOG.old.1796593984000000"), String.join("\n",
        "2026/12/06-21:53:04.912889 1406 EVENT_LOG_v1 {\"time_micros\": " + (S * 1_000_000 + 5) + ", \"job\": 2,"
            + " \"event\": \"flush_started\", \"num_memtables\": 1}"));
    Files.writeString(store.resolve("LOG"), String.join("\n",
        "2026/12/06-21:53:05.250651 1406 (Original Log Time 2026/12/06-21:53:05.250570) EVENT_LOG_v1 {\"time_micros\": "
            + (S * 1_000_000 + 400_000) + ", \"job\": 2, \"event\": \"flush_finished\", \"lsm_state\": [1]}",
        "2026/12/06-21:53:06.0 1406 EVENT_LOG_v1 {\"time_micros\": " + (S + 3) * 1_000_000 + ", \"job\": 3,"
            + " \"event\": \"compaction_started\", \"cf_name\": \"inodes\"}"));

    SlowSeconds.Activity a = SlowSeconds.activity("site-a", gc, dir.resolve("site-a"));

    assertThat(a.pauses()).singleElement().satisfies(p -> assertThat(p).containsExactly(S * 1000 + 14, 14));
    assertThat(a.jobs()).containsExactly(
        new SlowSeconds.Job("store flush", S * 1_000_000 + 5, S * 1_000_000 + 400_000),
        new SlowSeconds.Job("store compaction", (S + 3) * 1_000_000, Long.MAX_VALUE));
  }

  @Test
  void namesTheSecondsHoldingTheTailAndWhatRanInThemOrTheSecondBefore() {
    SlowSeconds.Activity a = new SlowSeconds.Activity("site-a", List.<long[]>of(new long[] {(S + 4) * 1000 + 500, 12}),
        List.of(new SlowSeconds.Job("store flush", (S + 10) * 1_000_000 - 1, (S + 10) * 1_000_000 + 300_000)));
    SlowSeconds.Activity b = new SlowSeconds.Activity("site-b", List.of(), List.of());
    List<SlowSeconds.Second> seconds = List.of(
        second(S + 1, 10_000, 3_000, 40, 5), // under the p99's threshold (10 ms): not shown
        second(S + 5, 10_000, 40_000, 900, 400, 200, 60, 30, 0), // 60 over 10 ms, the pause a second before
        second(S + 10, 9_000, 25_000, 500, 300, 100, 30, 5), // 30 over 10 ms, a flush running
        second(S + 20, 10_000, 12_000, 100, 50, 20, 10)); // 10 over 10 ms, nothing else

    List<String> lines = SlowSeconds.describe(seconds, THRESHOLDS, 14_900, (S - 30) * 1000, List.of(a, b));

    assertThat(lines.get(0)).startsWith("100 entries lagged over 10 ms (p99 14.9 ms)")
        .contains("GC pause 60 % (of all seconds: 25 %)", "compaction 30 % (of all: 25 %)");
    assertThat(lines).hasSize(4);
    assertThat(lines.get(1)).startsWith("+ 35s").contains("60 of 10,000 over 10 ms", "max  40.0 ms",
        "| site-a: GC [12 ms]").doesNotContain("site-b");
    assertThat(lines.get(2)).startsWith("+ 40s").contains("30 of  9,000", "| site-a: store flush")
        .doesNotContain("GC");
    assertThat(lines.get(3)).startsWith("+ 50s").doesNotContain("|");
  }

  @Test
  void saysNothingWhenTheP99IsUnderTheSmallestThresholdOrNoEntryPassedIt() {
    List<SlowSeconds.Second> seconds = List.of(second(S, 100, 900));
    assertThat(SlowSeconds.describe(seconds, THRESHOLDS, 900, S * 1000, List.of())).isEmpty();
    assertThat(SlowSeconds.describe(seconds, THRESHOLDS, 1_500, S * 1000, List.of())).isEmpty();
  }
}
