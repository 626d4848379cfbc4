package io.cfs.repl.persistence.store;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a store answered when a link offered an origin's journal incarnation ({@link
 * MetadataStore#adoptIncarnation}). The rule, the same on every backend: the watermarks of an origin belong to one
 * incarnation of its journal. An incarnation is adopted when none is held, when it is the one held, or when the one
 * held has applied nothing (every watermark 0: there is no history to mix with); it is refused when another
 * incarnation's entries were applied here, because the new journal reuses their seqs for other content.
 */
public sealed interface IncarnationCheck {
  /**
   * The offered incarnation is the one held now.
   *
   * @param replaced the incarnation held before, when it was another one that had applied nothing
   */
  record Adopted(UUID incarnation, Optional<UUID> replaced) implements IncarnationCheck {
  }

  /** Another incarnation's entries were applied here; nothing was written. */
  record Refused(UUID held, UUID offered, Map<Integer, Long> heldWatermarks) implements IncarnationCheck {
    public Refused {
      heldWatermarks = Map.copyOf(heldWatermarks);
    }
  }

  /** The decision, from what the store holds for the origin now (read under its apply lock). */
  static IncarnationCheck decide(Optional<UUID> held, UUID offered, Map<Integer, Long> watermarks) {
    if (offered == null) throw new IllegalArgumentException("offered incarnation must not be null");
    if (held.isEmpty() || held.get().equals(offered)) return new Adopted(offered, Optional.empty());
    boolean applied = watermarks.values().stream().anyMatch(seq -> seq > 0);
    return applied ? new Refused(held.get(), offered, watermarks) : new Adopted(offered, held);
  }
}
