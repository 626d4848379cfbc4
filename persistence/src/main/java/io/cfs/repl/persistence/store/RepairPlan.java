package io.cfs.repl.persistence.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one repair will write, decided before anything is written: of the values offered (another site's winners), those
 * that win last-write-wins against the value held here, by the same rule as an apply. A value equal to or older than
 * the held one is not written, so a repair can never undo a newer write, and repairing twice changes nothing.
 */
final class RepairPlan {
  private final Map<Long, StoredValue> offered = new LinkedHashMap<>();
  private final List<RepairResult.Repaired> writes = new ArrayList<>();
  private int kept;

  /** When one inode is offered more than once, only its newest value counts. */
  RepairPlan(List<StoredValue> values) {
    for (StoredValue v : values) {
      if (v == null) throw new IllegalArgumentException("a repair value must not be null");
      offered.merge(v.inodeId(), v, (a, b) -> b.version().isNewerThan(a.version()) ? b : a);
    }
  }

  Set<Long> inodes() {
    return offered.keySet();
  }

  /**
   * Decides against {@code held}, what is stored for {@link #inodes()} (absent: none stored). A value written keeps
   * what this site knew of the inode besides what the other site knew.
   */
  void resolve(Map<Long, ApplyPlan.Held> held) {
    offered.values().forEach(v -> {
      ApplyPlan.Held before = held.get(v.inodeId());
      if (before == null) {
        writes.add(new RepairResult.Repaired(v, null));
      } else if (v.version().isNewerThan(before.version())) {
        writes.add(new RepairResult.Repaired(
            v.withKnowledge(v.knowledgeWithSelf().merge(before.knowledgeWithSelf())), before.version()));
      } else {
        kept++;
      }
    });
  }

  List<RepairResult.Repaired> writes() {
    return writes;
  }

  RepairResult result() {
    return new RepairResult(writes, kept);
  }
}
