package io.cfs.repl.engine.apply;

import io.cfs.repl.engine.metrics.EntryAges;
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
 * Per origin, how long each applied entry took from its hlc at the origin to its apply here (visible to reads), and,
 * for a peer's entries, to their durability here (the store's sync that precedes their ack): the end-to-end
 * replication lag of every entry, not a sample (its clock error is the skew between the two sites; on one host,
 * none). Kept since the node started and since the last {@link #resetWindow}, so that a benchmark can leave its
 * warm-up out, and second by second ({@link LagSeconds}). Costs two histogram increments and a few comparisons per
 * entry (a few kilobytes per origin, and 70 KiB for its seconds).
 */
public final class ApplyLag extends ForwardingApplyListener {
  private final ConcurrentMap<String, LatencyHistogram> sinceStart = new ConcurrentHashMap<>();
  private volatile ConcurrentMap<String, LatencyHistogram> window = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LatencyHistogram> durableSinceStart = new ConcurrentHashMap<>();
  private volatile ConcurrentMap<String, LatencyHistogram> durableWindow = new ConcurrentHashMap<>();
  private volatile long windowSinceMillis = System.currentTimeMillis();
  private final ConcurrentMap<String, Long> lastAppliedMillis = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LagSeconds> seconds = new ConcurrentHashMap<>();
  private final EntryAges ages;

  /** {@code ages}: the entries' ages before their apply, windowed with this lag. */
  public ApplyLag(ApplyListener next, EntryAges ages) {
    super(next);
    this.ages = ages;
  }

  /** How old entries were at each stage before their apply: its window starts with this one's. */
  public EntryAges ages() {
    return ages;
  }

  /** One origin's lag distribution, in microseconds. */
  public record Summary(long count, long meanMicros, long p50Micros, long p99Micros, long p999Micros,
                        long maxMicros) {
    static Summary of(LatencyHistogram h) {
      return new Summary(h.count(), h.meanMicros(), h.percentileMicros(0.50), h.percentileMicros(0.99),
          h.percentileMicros(0.999), h.maxMicros());
    }
  }

  /** The lags a {@link Second} counts entries over, in milliseconds: {@code over[i]} is over the i-th. */
  public static final List<Long> THRESHOLDS_MILLIS = Arrays.stream(LagSeconds.THRESHOLDS_MILLIS).boxed().toList();

  /** One wall-clock second of applies from an origin: entries, the longest lag, how many over each threshold. */
  public record Second(long epochSecond, long count, long maxMicros, long[] over) {
  }

  /**
   * Per origin: since the node started, since {@code windowSinceMillis}, and when its last batch was applied (wall
   * clock), which tells a poller when a workload ended however seldom it polls; the same to durability for peers'
   * entries ({@code durableSinceStart}, {@code durableWindow}).
   */
  public record Snapshot(Map<String, Summary> sinceStart, Map<String, Summary> window, long windowSinceMillis,
                         Map<String, Long> lastAppliedMillis, Map<String, Summary> durableSinceStart,
                         Map<String, Summary> durableWindow, EntryAges.Snapshot stages) {
  }

  @Override
  public void onBatchApplied(String origin, List<JournalEntry> entries, ApplyResult result, long appliedAtNanos) {
    record(sinceStart, window, origin, entries, appliedAtNanos);
    seconds.computeIfAbsent(origin, o -> new LagSeconds()).record(appliedAtNanos, entries);
    lastAppliedMillis.put(origin, System.currentTimeMillis());
    super.onBatchApplied(origin, entries, result, appliedAtNanos);
  }

  @Override
  public void onBatchDurable(String origin, List<JournalEntry> entries, long durableAtNanos) {
    record(durableSinceStart, durableWindow, origin, entries, durableAtNanos);
    super.onBatchDurable(origin, entries, durableAtNanos);
  }

  private static void record(ConcurrentMap<String, LatencyHistogram> sinceStart,
                             ConcurrentMap<String, LatencyHistogram> window, String origin, List<JournalEntry> entries,
                             long atNanos) {
    LatencyHistogram all = sinceStart.computeIfAbsent(origin, o -> new LatencyHistogram());
    LatencyHistogram recent = window.computeIfAbsent(origin, o -> new LatencyHistogram());
    for (JournalEntry e : entries) {
      long lag = atNanos - e.hlc();
      all.recordNanos(lag);
      recent.recordNanos(lag);
    }
  }

  /** Starts a new window; entries applied from now on count in it. */
  public void resetWindow() {
    ages.resetWindow();
    durableWindow = new ConcurrentHashMap<>();
    window = new ConcurrentHashMap<>();
    windowSinceMillis = System.currentTimeMillis();
  }

  public Snapshot snapshot() {
    return new Snapshot(summaries(sinceStart), summaries(window), windowSinceMillis, new TreeMap<>(lastAppliedMillis),
        summaries(durableSinceStart), summaries(durableWindow), ages.snapshot());
  }

  private static Map<String, Summary> summaries(Map<String, LatencyHistogram> histograms) {
    Map<String, Summary> summaries = new TreeMap<>();
    histograms.forEach((origin, h) -> summaries.put(origin, Summary.of(h)));
    return summaries;
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
