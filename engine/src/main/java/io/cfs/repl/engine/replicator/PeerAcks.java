package io.cfs.repl.engine.replicator;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the peer has acknowledged, as the link stream receives the acks: per shard the highest seq, and the entries,
 * batches and bytes acknowledged since the replicator started. The persisted cursors trail it by up to a persist
 * interval, so lag and status read it: an ack means the peer has applied the entries durably, whether or not our
 * cursor event is written yet. Written by the link stream (a replaced stream's last acks may still arrive), read off
 * the actor. Positions move forward, except when the replicator's cursors go back to nothing (the peer removed, or
 * added back): {@link #forget()} then drops them, and the acks of streams started before it no longer count, so that a
 * peer that starts again from nothing is not shown as caught up by what its former link acknowledged.
 */
final class PeerAcks {
  private final ConcurrentHashMap<Integer, Long> positions = new ConcurrentHashMap<>();
  /** Bumped by {@link #forget()}; a stream's acks count only while the era it started in lasts. */
  private long era;
  private final AtomicLong entries = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  /** The era a link stream starting now belongs to. */
  synchronized long era() {
    return era;
  }

  /** The peer starts again from nothing: its acknowledged positions are gone, and streams started before are stale. */
  synchronized void forget() {
    era++;
    positions.clear();
  }

  /**
   * One ack, from a stream started in {@code streamEra}; ignored when that era is over. Synchronized with
   * {@link #forget()}, so an ack is either forgotten or refused, never merged after it: once per batch, uncontended.
   *
   * @param ackedEntries the entries it acknowledges, applied or skipped
   * @param ackedBytes the encoded size of the batch it acknowledges, as shipped
   */
  synchronized void received(long streamEra, Map<Integer, Long> watermarks, long ackedEntries, long ackedBytes) {
    if (streamEra != era) return;
    watermarks.forEach((shard, seq) -> positions.merge(shard, seq, Math::max));
    entries.addAndGet(ackedEntries);
    batches.incrementAndGet();
    bytes.addAndGet(ackedBytes);
  }

  /** These positions merged with {@code cursors} (per shard the higher). */
  Map<Integer, Long> atLeast(Map<Integer, Long> cursors) {
    Map<Integer, Long> merged = new HashMap<>(cursors);
    positions.forEach((shard, seq) -> merged.merge(shard, seq, Math::max));
    return merged;
  }

  long entries() {
    return entries.get();
  }

  long batches() {
    return batches.get();
  }

  long bytes() {
    return bytes.get();
  }
}
