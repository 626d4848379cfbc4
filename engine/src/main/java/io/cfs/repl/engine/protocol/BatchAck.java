package io.cfs.repl.engine.protocol;

import io.cfs.repl.persistence.store.ApplyResult;
import java.util.List;
import java.util.Map;

/**
 * Receiver to sender: the batch was applied durably (one atomic write).
 *
 * @param batchId the acknowledged batch
 * @param watermarks per shard of the batch, the highest seq of the origin now durably applied here
 * @param gaps shards refused because their entries did not follow the applied watermark (link must stop them)
 * @param applied entries newly applied
 * @param skipped entries already applied before (re-delivery)
 */
public record BatchAck(long batchId, Map<Integer, Long> watermarks, List<ApplyResult.Gap> gaps, int applied,
                       int skipped) implements WireMessage {
  public BatchAck {
    watermarks = Map.copyOf(watermarks);
    gaps = List.copyOf(gaps);
  }
}
