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
 * the actor; positions only ever move forward.
 */
final class PeerAcks {
  private final ConcurrentHashMap<Integer, Long> positions = new ConcurrentHashMap<>();
  private final AtomicLong entries = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  /**
   * One ack.
   *
   * @param ackedEntries the entries it acknowledges, applied or skipped
   * @param ackedBytes the encoded size of the batch it acknowledges, as shipped
   */
  void received(Map<Integer, Long> watermarks, long ackedEntries, long ackedBytes) {
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
