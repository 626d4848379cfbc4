package io.cfs.repl.persistence.store;

import io.cfs.repl.model.shard.Gap;
import java.util.List;
import java.util.Map;

/**
 * Outcome of one atomic apply.
 *
 * @param applied entries newly applied (winners and losers alike: both advance the watermark)
 * @param skipped entries at or below the watermark (already applied earlier)
 * @param lost entries that lost last-write-wins against the stored value (recorded as {@link LwwLoser})
 * @param watermarks per shard present in the batch, the highest applied seq after this apply
 * @param gaps shards refused because their first new entry did not follow the watermark
 */
public record ApplyResult(int applied, int skipped, int lost, Map<Integer, Long> watermarks, List<Gap> gaps) {
  public ApplyResult {
    watermarks = Map.copyOf(watermarks);
    gaps = List.copyOf(gaps);
  }
}
