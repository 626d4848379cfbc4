package io.cfs.repl.persistence.store;

import java.util.HashMap;
import java.util.Map;

/**
 * Outcome of one {@link MetadataStore#installMarks}.
 *
 * @param raised per origin, the shards whose watermark was raised, to their new value (origins with none left out)
 * @param skipped per origin left untouched because this store holds another incarnation of it, the reason
 */
public record MarksInstalled(Map<String, Map<Integer, Long>> raised, Map<String, String> skipped) {
  public MarksInstalled {
    Map<String, Map<Integer, Long>> copy = new HashMap<>();
    raised.forEach((origin, shards) -> copy.put(origin, Map.copyOf(shards)));
    raised = Map.copyOf(copy);
    skipped = Map.copyOf(skipped);
  }
}
