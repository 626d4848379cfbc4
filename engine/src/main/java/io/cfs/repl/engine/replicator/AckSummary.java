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
 * Acknowledgements merged while the replicator waits for its next cursor event, so a link costs at most one cursor
 * event per persist interval instead of one per batch. (Counts are not here: {@link PeerAcks} takes them as the acks
 * arrive.)
 *
 * @param clock the best clock-skew sample of the acks merged; null when none carried one
 */
record AckSummary(Map<Integer, Long> watermarks, List<Gap> gaps, ClockOffset clock) {

  AckSummary(Map<Integer, Long> watermarks, List<Gap> gaps) {
    this(watermarks, gaps, null);
  }

  /** @param receivedAtMillis our wall clock when the message arrived (t4 of the clock-skew round trip) */
  static AckSummary of(WireMessage message, long receivedAtMillis) {
    if (message instanceof BatchAck ack) {
      BatchAck.Timestamps t = ack.clock();
      ClockOffset clock = t.known() ? ClockOffset.measure(t.sentAtMillis(), t.receivedAtMillis(),
          t.repliedAtMillis(), receivedAtMillis) : null;
      return new AckSummary(ack.watermarks(), ack.gaps(), clock);
    }
    if (message instanceof BatchRejected rejected) {
      throw new BatchRejectedException(rejected);
    }
    throw new IllegalStateException("unexpected message from peer: " + message);
  }

  AckSummary merge(AckSummary next) {
    Map<Integer, Long> marks = new HashMap<>(watermarks);
    next.watermarks.forEach((shard, seq) -> marks.merge(shard, seq, Math::max));
    // the peer reports a stopped shard's gap again with each later batch: a shard keeps its first
    List<Gap> allGaps = new ArrayList<>(gaps);
    for (Gap gap : next.gaps) {
      if (allGaps.stream().noneMatch(g -> g.shard() == gap.shard())) allGaps.add(gap);
    }
    return new AckSummary(Map.copyOf(marks), List.copyOf(allGaps),
        next.clock != null ? next.clock.better(clock) : clock);
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
