package io.cfs.repl.engine.metrics;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.hlc.Clocks;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * How old entries are (now minus their hlc) as they pass each {@link EntryStage}, per site the stage names (the
 * origin, or the peer a link ships to), since the node started and since the last {@link #resetWindow}, and
 * reported to the metrics. Beside a peer's apply lag it says where a replication lag comes from.
 *
 * <p>A batch is recorded once, as its mean age counted once per entry: the means are exact and add up from stage to
 * stage, the percentiles lose the spread inside each batch. That keeps the cost per batch, not per entry (a pass over
 * the batch's hlcs, two histogram increments). Safe from any thread.
 */
public final class EntryAges {
  private final ReplicationMetrics metrics;
  private final LongSupplier nowNanos;
  private final ConcurrentMap<Key, LatencyHistogram> sinceStart = new ConcurrentHashMap<>();
  private volatile ConcurrentMap<Key, LatencyHistogram> window = new ConcurrentHashMap<>();

  private record Key(EntryStage stage, String site) {
  }

  /** One stage's ages at one site, in microseconds (weighted by entries). */
  public record Summary(long entries, long meanMicros, long p50Micros, long p99Micros, long maxMicros) {
    static Summary of(LatencyHistogram h) {
      return new Summary(h.count(), h.meanMicros(), h.percentileMicros(0.50), h.percentileMicros(0.99), h.maxMicros());
    }
  }

  /** Per stage, per site: since the node started, and in the current window. */
  public record Snapshot(Map<EntryStage, Map<String, Summary>> sinceStart,
                         Map<EntryStage, Map<String, Summary>> window) {
  }

  public EntryAges(ReplicationMetrics metrics) {
    this(metrics, Clocks::epochNanos);
  }

  /** With {@code nowNanos} on the hlc's scale (epoch nanoseconds). */
  public EntryAges(ReplicationMetrics metrics, LongSupplier nowNanos) {
    this.metrics = metrics;
    this.nowNanos = nowNanos;
  }

  /** {@code entries} reached {@code stage} now; {@code site} as the stage names it. An empty batch is no sample. */
  public void record(EntryStage stage, String site, List<JournalEntry> entries) {
    if (entries.isEmpty()) return;
    long now = nowNanos.getAsLong();
    long sumNanos = 0;
    for (JournalEntry e : entries) sumNanos += Math.max(0, now - e.hlc()); // a writer's clock ahead: no age yet
    long meanNanos = sumNanos / entries.size();
    Key key = new Key(stage, site);
    sinceStart.computeIfAbsent(key, k -> new LatencyHistogram()).recordNanos(meanNanos, entries.size());
    window.computeIfAbsent(key, k -> new LatencyHistogram()).recordNanos(meanNanos, entries.size());
    metrics.onEntriesAged(stage, site, meanNanos, entries.size());
  }

  /** Starts a new window; batches recorded from now on count in it. */
  public void resetWindow() {
    window = new ConcurrentHashMap<>();
  }

  public Snapshot snapshot() {
    return new Snapshot(summaries(sinceStart), summaries(window));
  }

  private static Map<EntryStage, Map<String, Summary>> summaries(Map<Key, LatencyHistogram> histograms) {
    Map<EntryStage, Map<String, Summary>> byStage = new EnumMap<>(EntryStage.class);
    histograms.forEach((key, h) -> byStage.computeIfAbsent(key.stage(), s -> new TreeMap<>())
        .put(key.site(), Summary.of(h)));
    return byStage;
  }
}
