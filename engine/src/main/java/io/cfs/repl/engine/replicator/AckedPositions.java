package io.cfs.repl.engine.replicator;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per shard, the highest seq the peer has acknowledged, as the link stream receives acks: ahead of the persisted
 * cursors by at most a persist interval. Lag is measured against it, since an ack means the peer has applied the
 * entries durably, whether or not our cursor event is written yet. Written by the link stream, read off the actor;
 * only ever moves forward.
 */
final class AckedPositions {
  private final ConcurrentHashMap<Integer, Long> positions = new ConcurrentHashMap<>();

  void advance(Map<Integer, Long> acked) {
    acked.forEach((shard, seq) -> positions.merge(shard, seq, Math::max));
  }

  /** These positions merged with {@code cursors} (per shard the higher). */
  Map<Integer, Long> atLeast(Map<Integer, Long> cursors) {
    Map<Integer, Long> merged = new HashMap<>(cursors);
    positions.forEach((shard, seq) -> merged.merge(shard, seq, Math::max));
    return merged;
  }
}
