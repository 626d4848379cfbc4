package io.cfs.repl.persistence.store;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What one {@link MetadataStore#installMarks} will write, decided per origin against what the store holds before
 * anything is written. The rules, the same on every backend:
 * <ul>
 *   <li>histories are never mixed: an origin whose held incarnation is not the snapshot's (another one, or one where
 *       the snapshot has none) is skipped whole;</li>
 *   <li>the snapshot's incarnation is adopted where none is held;</li>
 *   <li>a watermark is only ever raised: the snapshot's values are in the store (repaired in), so every entry up to
 *       the snapshot's mark is; one already higher here stays.</li>
 * </ul>
 */
final class MarksPlan {
  private final Map<String, OriginMarks> marks;
  private final Map<String, UUID> adopted = new HashMap<>();
  private final Map<String, Map<Integer, Long>> raised = new HashMap<>();
  private final Map<String, String> skipped = new HashMap<>();

  MarksPlan(Map<String, OriginMarks> marks) {
    if (marks == null) throw new IllegalArgumentException("marks must not be null");
    marks.forEach((origin, m) -> {
      JournalEntry.validateSiteId(origin);
      if (m == null) throw new IllegalArgumentException("the marks of " + origin + " must not be null");
    });
    this.marks = Map.copyOf(marks);
  }

  Set<String> origins() {
    return marks.keySet();
  }

  /** Decides {@code origin} against the incarnation and watermarks this store holds for it now. */
  void decide(String origin, Optional<UUID> heldIncarnation, Map<Integer, Long> heldWatermarks) {
    OriginMarks mark = marks.get(origin);
    if (heldIncarnation.isPresent() && !heldIncarnation.equals(mark.incarnation())) {
      skipped.put(origin, "holds incarnation " + heldIncarnation.get() + ", the snapshot's is "
          + mark.incarnation().map(UUID::toString).orElse("none"));
      return;
    }
    if (heldIncarnation.isEmpty()) mark.incarnation().ifPresent(id -> adopted.put(origin, id));
    Map<Integer, Long> higher = new LinkedHashMap<>();
    mark.watermarks().forEach((shard, seq) -> {
      if (seq > heldWatermarks.getOrDefault(shard, 0L)) higher.put(shard, seq);
    });
    if (!higher.isEmpty()) raised.put(origin, higher);
  }

  boolean writesNothing() {
    return adopted.isEmpty() && raised.isEmpty();
  }

  /** Incarnations to write, by origin. */
  Map<String, UUID> adopted() {
    return adopted;
  }

  /** Watermarks to write, by origin then shard. */
  Map<String, Map<Integer, Long>> raised() {
    return raised;
  }

  MarksInstalled result() {
    return new MarksInstalled(raised, skipped);
  }
}
