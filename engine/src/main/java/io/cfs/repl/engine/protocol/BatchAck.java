package io.cfs.repl.engine.protocol;

import io.cfs.repl.model.shard.Gap;
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
 * @param clock the round-trip timestamps of the acknowledged batch, for the sender's clock-skew estimate
 * @param epoch the receiver's current epoch; a sender behind it learns of the newer epoch from the ack
 */
public record BatchAck(long batchId, Map<Integer, Long> watermarks, List<Gap> gaps, int applied,
                       int skipped, Timestamps clock, long epoch) implements WireMessage {
  public BatchAck {
    watermarks = Map.copyOf(watermarks);
    gaps = List.copyOf(gaps);
  }

  /** An ack of epoch 0. */
  public BatchAck(long batchId, Map<Integer, Long> watermarks, List<Gap> gaps, int applied, int skipped,
                  Timestamps clock) {
    this(batchId, watermarks, gaps, applied, skipped, clock, 0);
  }

  /** An ack of epoch 0 without clock information. */
  public BatchAck(long batchId, Map<Integer, Long> watermarks, List<Gap> gaps, int applied,
                  int skipped) {
    this(batchId, watermarks, gaps, applied, skipped, Timestamps.NONE, 0);
  }

  /**
   * @param sentAtMillis the batch's {@link ShipBatch#sentAtMillis()} echoed (sender's clock; 0 unknown)
   * @param receivedAtMillis when the receiver read the batch (receiver's clock)
   * @param repliedAtMillis when the receiver sent this ack (receiver's clock)
   */
  public record Timestamps(long sentAtMillis, long receivedAtMillis, long repliedAtMillis) {
    public static final Timestamps NONE = new Timestamps(0, 0, 0);

    public boolean known() {
      return sentAtMillis != 0 && receivedAtMillis != 0;
    }
  }
}
