package io.cfs.repl.persistence.journal;

import java.util.Map;

/**
 * Outcome of a durable append.
 *
 * @param written entries newly written by this append
 * @param duplicates entries that were already held with identical content (idempotent retry)
 * @param heads per shard touched by the append, the highest seq now held
 * @param hlc the site's hybrid logical clock once the append was durable (at least every hlc the site has seen), for
 *     the writer to ratchet its own clock with; 0 from a journal that keeps no site clock (the node adds it)
 */
public record AppendResult(int written, int duplicates, Map<Integer, Long> heads, long hlc) {
  public AppendResult {
    heads = Map.copyOf(heads);
  }

  /** A result of the journal itself, which keeps no site clock. */
  public AppendResult(int written, int duplicates, Map<Integer, Long> heads) {
    this(written, duplicates, heads, 0);
  }

  public AppendResult withHlc(long siteHlc) {
    return new AppendResult(written, duplicates, heads, siteHlc);
  }
}
