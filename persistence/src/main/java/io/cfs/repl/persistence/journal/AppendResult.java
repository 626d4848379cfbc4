package io.cfs.repl.persistence.journal;

import java.util.Map;

/**
 * Outcome of a durable append.
 *
 * @param written entries newly written by this append
 * @param duplicates entries that were already held with identical content (idempotent retry)
 * @param heads per shard touched by the append, the highest seq now held
 */
public record AppendResult(int written, int duplicates, Map<Integer, Long> heads) {
  public AppendResult {
    heads = Map.copyOf(heads);
  }
}
