package io.cfs.repl.engine.replicator;

import io.cfs.repl.model.shard.Gap;
import io.cfs.repl.engine.link.ClockOffset;
import io.cfs.repl.engine.protocol.BatchAck;
import io.cfs.repl.engine.protocol.BatchRejected;
import io.cfs.repl.engine.protocol.WireMessage;
import io.cfs.repl.persistence.store.ApplyResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Acknowledgements merged while the replicator persists the previous ones, so a fast link costs one cursor event
 * per persist round trip instead of one per batch.
 *
 * @param bytes the encoded size of the batches acknowledged, as shipped
 */
record AckSummary(Map<Integer, Long> watermarks, List<Gap> gaps, long entries, long batches, long bytes,
                  ClockOffset clock) {

  AckSummary(Map<Integer, Long> watermarks, List<Gap> gaps, long entries, long batches) {
    this(watermarks, gaps, entries, batches, 0, null);
  }

  /**
   * @param ackedBytes the encoded size of the batches the message acknowledges
   * @param receivedAtMillis our wall clock when the message arrived (t4 of the clock-skew round trip)
   */
  static AckSummary of(WireMessage message, long ackedBytes, long receivedAtMillis) {
    if (message instanceof BatchAck ack) {
      BatchAck.Timestamps t = ack.clock();
      ClockOffset clock = t.known() ? ClockOffset.measure(t.sentAtMillis(), t.receivedAtMillis(),
          t.repliedAtMillis(), receivedAtMillis) : null;
      return new AckSummary(ack.watermarks(), ack.gaps(), ack.applied() + ack.skipped(), 1, ackedBytes, clock);
    }
    if (message instanceof BatchRejected rejected) {
      throw new BatchRejectedException(rejected);
    }
    throw new IllegalStateException("unexpected message from peer: " + message);
  }

  AckSummary merge(AckSummary next) {
    Map<Integer, Long> marks = new HashMap<>(watermarks);
    next.watermarks.forEach((shard, seq) -> marks.merge(shard, seq, Math::max));
    List<Gap> allGaps = new ArrayList<>(gaps);
    allGaps.addAll(next.gaps);
    return new AckSummary(Map.copyOf(marks), List.copyOf(allGaps), entries + next.entries, batches + next.batches,
        bytes + next.bytes, next.clock != null ? next.clock.better(clock) : clock);
  }

  /**
   * The peer refused a whole batch. Retrying the same batch cannot succeed, unless it was refused for its stale epoch:
   * then it succeeds once this site has adopted the peer's epoch.
   */
  static final class BatchRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final BatchRejected.Reason reason;

    BatchRejectedException(BatchRejected rejected) {
      super("peer rejected batch #" + rejected.batchId() + ": " + rejected.message());
      this.reason = rejected.reason();
    }

    BatchRejected.Reason reason() {
      return reason;
    }

    /** Whether a later connection may ship the same batch: the refusal was of its epoch, not of its content. */
    boolean staleEpoch() {
      return reason == BatchRejected.Reason.STALE_EPOCH;
    }
  }
}
