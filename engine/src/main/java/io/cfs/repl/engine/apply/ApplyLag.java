package io.cfs.repl.engine.apply;

import io.cfs.repl.engine.metrics.LatencyHistogram;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.store.ApplyResult;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per origin, how long each applied entry took from its hlc at the origin to its durable apply here: the end-to-end
 * replication lag of every entry, not a sample (its clock error is the skew between the two sites; on one host,
 * none). Kept since the node started and since the last {@link #resetWindow}, so that a benchmark can leave its
 * warm-up out, and second by second ({@link LagSeconds}). Costs two histogram increments and a few comparisons per
 * entry (a few kilobytes per origin, and 70 KiB for its seconds).
 */
public final class ApplyLag extends ForwardingApplyListener {
  private final ConcurrentMap<String, LatencyHistogram> sinceStart = new ConcurrentHashMap<>();
  private volatile ConcurrentMap<String, LatencyHistogram> window = new ConcurrentHashMap<>();
  private volatile long windowSinceMillis = System.currentTimeMillis();
  private final ConcurrentMap<String, Long> lastAppliedMillis = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LagSeconds> seconds = new ConcurrentHashMap<>();

  public ApplyLag(ApplyListener next) {
    super(next);
  }

  /** One origin's lag distribution, in microseconds. */
  public record Summary(long count, long p50Micros, long p99Micros, long p999Micros, long maxMicros) {
    static Summary of(LatencyHistogram h) {
      return new Summary(h.count(), h.percentileMicros(0.50), h.percentileMicros(0.99), h.percentileMicros(0.999),
          h.maxMicros());
    }
  }

  /** The lags a {@link Second} counts entries over, in milliseconds: {@code over[i]} is over the i-th. */
  public static final List<Long> THRESHOLDS_MILLIS = Arrays.stream(LagSeconds.THRESHOLDS_MILLIS).boxed().toList();

  /** One wall-clock second of applies from an origin: entries, the longest lag, how many over each threshold. */
  public record Second(long epochSecond, long count, long maxMicros, long[] over) {
  }

  /**
   * Per origin: since the node started, since {@code windowSinceMillis}, and when its last batch was applied (wall
   * clock), which tells a poller when a workload ended however seldom it polls.
   */
  public record Snapshot(Map<String, Summary> sinceStart, Map<String, Summary> window, long windowSinceMillis,
                         Map<String, Long> lastAppliedMillis) {
  }

  @Override
  public void onBatchApplied(String origin, List<JournalEntry> entries, ApplyResult result, long appliedAtNanos) {
    LatencyHistogram all = sinceStart.computeIfAbsent(origin, o -> new LatencyHistogram());
    LatencyHistogram recent = window.computeIfAbsent(origin, o -> new LatencyHistogram());
    for (JournalEntry e : entries) {
      long lag = appliedAtNanos - e.hlc();
      all.recordNanos(lag);
      recent.recordNanos(lag);
    }
    seconds.computeIfAbsent(origin, o -> new LagSeconds()).record(appliedAtNanos, entries);
    lastAppliedMillis.put(origin, System.currentTimeMillis());
    super.onBatchApplied(origin, entries, result, appliedAtNanos);
  }

  /** Starts a new window; entries applied from now on count in it. */
  public void resetWindow() {
    window = new ConcurrentHashMap<>();
    windowSinceMillis = System.currentTimeMillis();
  }

  public Snapshot snapshot() {
    Map<String, Summary> all = new TreeMap<>();
    sinceStart.forEach((origin, h) -> all.put(origin, Summary.of(h)));
    Map<String, Summary> recent = new TreeMap<>();
    window.forEach((origin, h) -> recent.put(origin, Summary.of(h)));
    return new Snapshot(all, recent, windowSinceMillis, new TreeMap<>(lastAppliedMillis));
  }

  /**
   * Per origin, second by second over the window {@code snapshot} ends (at most the last ten minutes of it), oldest
   * first, so that the slowest can be laid beside what else ran then. Asked apart: it is a few hundred records.
   */
  public Map<String, List<Second>> seconds(Snapshot snapshot) {
    long from = Math.max(snapshot.windowSinceMillis() / 1000,
        System.currentTimeMillis() / 1000 - LagSeconds.SECONDS + 1);
    Map<String, List<Second>> bySecond = new TreeMap<>();
    seconds.forEach((origin, s) -> bySecond.put(origin, s.since(from)));
    return bySecond;
  }
}
