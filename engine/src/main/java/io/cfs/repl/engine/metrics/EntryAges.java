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
 * <p>A batch is recorded once, as its mean age counted once per entry: the means are those of the entries, the
 * percentiles those of the batches' means (the spread inside a batch is lost), and the cost is per batch (a pass over
 * its hlcs, two histogram increments). The means line up stage by stage for entries that pass each stage once: a
 * resent batch counts again where it passes again (at its older age), a refused one counts only where it got to, and
 * entries appended other than through the ingest listener have no ingested or durable age. An age is counted at
 * most {@link #MAX_AGE_NANOS} (an entry stamped long ago, a writer's clock far behind). Safe from any thread.
 */
public final class EntryAges {
  /** 30 days: within what a metrics histogram of microseconds tracks, and past any backlog a peer catches up. */
  public static final long MAX_AGE_NANOS = 30L * 24 * 3600 * 1_000_000_000L;

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
    double sumNanos = 0; // 10,000 entries of 30 days would overflow a long
    for (JournalEntry e : entries) {
      sumNanos += Math.min(MAX_AGE_NANOS, Math.max(0, now - e.hlc())); // a writer's clock ahead: no age yet
    }
    long meanNanos = Math.round(sumNanos / entries.size());
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
