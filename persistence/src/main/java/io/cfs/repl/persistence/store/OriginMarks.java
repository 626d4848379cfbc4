package io.cfs.repl.persistence.store;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What a store has applied of one origin: the incarnation of the origin's journal those seqs belong to (empty if none
 * adopted) and the applied watermark per shard.
 */
public record OriginMarks(Optional<UUID> incarnation, Map<Integer, Long> watermarks) {
  public OriginMarks {
    if (incarnation == null) throw new IllegalArgumentException("incarnation must not be null (empty when none)");
    if (watermarks == null) throw new IllegalArgumentException("watermarks must not be null");
    watermarks = Map.copyOf(watermarks); // rejects null shards and seqs
    watermarks.forEach((shard, seq) -> {
      if (seq < 0) throw new IllegalArgumentException("watermark of shard " + shard + " must be >= 0, was " + seq);
    });
  }

  /** The marks of every origin that has a watermark or an incarnation in either map, by origin. */
  static Map<String, OriginMarks> byOrigin(Map<String, Map<Integer, Long>> watermarks,
                                           Map<String, UUID> incarnations) {
    Set<String> origins = new TreeSet<>(watermarks.keySet());
    origins.addAll(incarnations.keySet());
    Map<String, OriginMarks> marks = new HashMap<>();
    for (String origin : origins) {
      marks.put(origin, new OriginMarks(Optional.ofNullable(incarnations.get(origin)),
          watermarks.getOrDefault(origin, Map.of())));
    }
    return Map.copyOf(marks);
  }
}
