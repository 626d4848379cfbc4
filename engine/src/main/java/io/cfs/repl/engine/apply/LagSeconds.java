package io.cfs.repl.engine.apply;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One origin's lag second by second (by the wall-clock second of the apply) over the last {@link #SECONDS}: how many
 * entries, the longest lag, and how many lagged over each of {@link #THRESHOLDS_MILLIS} ({@code over[i]}). A
 * percentile says how long the tail is; this says when it happened, so that it can be laid beside what else ran then
 * (a GC pause, a flush).
 */
final class LagSeconds {
  static final int SECONDS = 600;
  static final long[] THRESHOLDS_MILLIS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

  private final long[] second = new long[SECONDS];
  private final long[] count = new long[SECONDS];
  private final long[] maxMicros = new long[SECONDS];
  private final long[][] overs = new long[SECONDS][THRESHOLDS_MILLIS.length];

  LagSeconds() {
    Arrays.fill(second, -1);
  }

  /** A batch applied at {@code appliedAtNanos} (epoch nanos): each entry lagged from its hlc to then. */
  synchronized void record(long appliedAtNanos, List<JournalEntry> entries) {
    long s = appliedAtNanos / 1_000_000_000L;
    int slot = (int) (s % SECONDS);
    if (second[slot] != s) {
      second[slot] = s;
      count[slot] = 0;
      maxMicros[slot] = 0;
      Arrays.fill(overs[slot], 0);
    }
    long[] over = overs[slot];
    for (JournalEntry e : entries) {
      long micros = (appliedAtNanos - e.hlc()) / 1000;
      maxMicros[slot] = Math.max(maxMicros[slot], micros);
      for (int t = 0; t < THRESHOLDS_MILLIS.length && micros > THRESHOLDS_MILLIS[t] * 1000; t++) over[t]++;
    }
    count[slot] += entries.size();
  }

  /** The seconds from {@code fromEpochSecond} on that saw an apply, oldest first. */
  synchronized List<ApplyLag.Second> since(long fromEpochSecond) {
    List<ApplyLag.Second> out = new ArrayList<>();
    for (int i = 0; i < SECONDS; i++) {
      if (second[i] >= fromEpochSecond) {
        out.add(new ApplyLag.Second(second[i], count[i], maxMicros[i], overs[i].clone()));
      }
    }
    out.sort(Comparator.comparingLong(ApplyLag.Second::epochSecond));
    return out;
  }
}
