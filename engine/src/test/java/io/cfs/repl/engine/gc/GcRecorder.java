package io.cfs.repl.engine.gc;

import io.cfs.repl.engine.metrics.ReplicationMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Records what journal GC reports, for tests to wait on rounds and check the last one. */
final class GcRecorder implements ReplicationMetrics {
  final Map<String, AtomicLong> rounds = new ConcurrentHashMap<>();
  final AtomicLong removed = new AtomicLong();
  final AtomicLong heldEntries = new AtomicLong(-1);
  final AtomicReference<String> holder = new AtomicReference<>();
  final AtomicReference<Map<String, Long>> behind = new AtomicReference<>(Map.of());
  final Map<String, Long> tombstones = new ConcurrentHashMap<>();

  long rounds(String outcome) {
    AtomicLong n = rounds.get(outcome);
    return n == null ? 0 : n.get();
  }

  @Override
  public void onJournalGcRound(String outcome, long entries) {
    removed.addAndGet(entries);
    rounds.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public void onTombstonesCollected(String origin, long removed) {
    tombstones.merge(origin, removed, Long::sum);
  }

  @Override
  public void onJournalHeld(long entries, long bytes, long oldestAgeMillis) {
    heldEntries.set(entries);
  }

  @Override
  public void onJournalHorizon(String holderSite, Map<String, Long> behindBySite) {
    holder.set(holderSite);
    behind.set(Map.copyOf(behindBySite));
  }
}
