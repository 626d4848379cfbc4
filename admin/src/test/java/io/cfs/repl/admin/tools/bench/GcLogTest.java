package io.cfs.repl.admin.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heap peaks and pauses from a JDK 17 G1 log as {@code -Xlog:gc*} writes it. */
class GcLogTest {
  private static final String LOADING = """
      [0.004s][info][gc] Using G1
      [0.266s][info][gc,start    ] GC(0) Pause Young (Normal) (G1 Evacuation Pause)
      [0.270s][info][gc,heap     ] GC(0) Eden regions: 25->0(22)
      [0.270s][info][gc,metaspace] GC(0) Metaspace: 17181K(17408K)->17181K(17408K) NonClass: 15K(15K)->15K(15K)
      [0.270s][info][gc          ] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 51M->4M(256M) 4.561ms
      [0.496s][info][gc          ] GC(6) Pause Remark 61M->55M(256M) 1.341ms
      [0.499s][info][gc          ] GC(6) Pause Cleanup 58M->58M(256M) 0.100ms
      """;
  private static final String CATCH_UP = """
      [9.517s][info][gc             ] GC(24) Pause Full (G1 Compaction Pause) 255M->131M(256M) 5.782ms
      [9.601s][info][gc             ] GC(25) Pause Young (Normal) (G1 Evacuation Pause) 204800K->102400K(262144K) 2ms
      [9.700s][info][gc,heap,exit   ] Heap region size: 1M
      """;

  @Test
  void peaksAreTheLargestSizesBeforeAndAfterPauses() {
    GcLog.Peaks peaks = GcLog.peaks(LOADING + CATCH_UP);
    assertThat(peaks.pauses()).isEqualTo(5);
    assertThat(peaks.afterGc()).isEqualTo(131L << 20);
    assertThat(peaks.beforeGc()).isEqualTo(255L << 20);
  }

  @Test
  void anOffsetReadsOnlyThePausesLoggedAfterIt(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("site-a-gc.log");
    Files.writeString(log, LOADING);
    long loaded = GcLog.end(log);
    Files.writeString(log, LOADING + CATCH_UP);
    GcLog.Peaks later = GcLog.peaks(log, loaded);
    assertThat(later.pauses()).isEqualTo(2);
    assertThat(later.afterGc()).isEqualTo(131L << 20);
    assertThat(later.beforeGc()).isEqualTo(255L << 20);
    assertThat(GcLog.pauses(log, loaded).count()).isEqualTo(2);
    assertThat(GcLog.pauses(log, loaded).longestMillis()).isEqualTo(5.782);
    assertThat(GcLog.peaks(log, 0).afterGc()).isEqualTo(131L << 20);
    assertThat(GcLog.peaks(dir.resolve("none.log"), 0).pauses()).isZero();
    assertThat(GcLog.pauses(dir.resolve("none.log"), 0).describe(1)).isEqualTo("no GC pause");
  }

  @Test
  void pausesAreCountedSummedAndTheLongestKept() {
    GcLog.Pauses all = GcLog.pauses(LOADING + CATCH_UP);
    assertThat(all.count()).isEqualTo(5); // the young pause's start line carries no duration: not counted twice
    assertThat(all.totalMillis()).isCloseTo(4.561 + 1.341 + 0.100 + 5.782 + 2, within(1e-9));
    assertThat(all.longestMillis()).isEqualTo(5.782);
    assertThat(all.describe(2)).isEqualTo("5 pauses, 13.8 ms in all (0.69 % of 2.0 s), longest 5.8 ms");
  }

  @Test
  void aLogWithoutPausesHasNoPeaks() {
    GcLog.Peaks none = GcLog.peaks("[0.004s][info][gc] Using G1\n");
    assertThat(none.afterGc()).isEqualTo(-1);
    assertThat(none.describe()).isEqualTo("no GC pause");
  }
}
