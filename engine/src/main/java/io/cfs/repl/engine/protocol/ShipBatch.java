package io.cfs.repl.engine.protocol;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.List;
import java.util.Map;

/**
 * Sender to receiver: a batch of local-origin entries, per shard in seq order, from {@code cursor + 1}.
 *
 * @param batchId increases per link connection; echoed by the ack
 * @param originSite the sending site; every entry must have this origin
 * @param entries the entries, possibly across many shards
 * @param traceParent the sender's trace span as a W3C {@code traceparent} value, so the receiver's apply joins the
 *     same trace; null when the sender does not trace
 * @param sentAtMillis the sender's wall clock when it shipped the batch (echoed by the ack: clock skew), 0 unknown
 * @param epoch the sending site's current epoch when it shipped the batch (not its entries' epochs, which may be
 *     older: the epochs they were appended in); a receiver at a higher epoch refuses the batch whole
 * @param stable per shard of the sending site, the seq up to which every site of the mesh (the sender's every peer,
 *     by its persisted cursor, and the sender's local apply) has applied the sender's entries, as the sender's journal
 *     GC last computed it; empty when the sender does not know (its collector runs on another node, or has not run,
 *     or a peer did not answer). The receiver's tombstone collection goes no further.
 */
public record ShipBatch(long batchId, String originSite, List<JournalEntry> entries, String traceParent,
                        long sentAtMillis, long epoch, Map<Integer, Long> stable) implements WireMessage {
  public ShipBatch {
    entries = List.copyOf(entries);
    stable = stable == null ? Map.of() : Map.copyOf(stable);
  }

  /** A batch that says nothing of the stable seqs. */
  public ShipBatch(long batchId, String originSite, List<JournalEntry> entries, String traceParent,
                   long sentAtMillis, long epoch) {
    this(batchId, originSite, entries, traceParent, sentAtMillis, epoch, Map.of());
  }

  /** A batch of epoch 0. */
  public ShipBatch(long batchId, String originSite, List<JournalEntry> entries, String traceParent,
                   long sentAtMillis) {
    this(batchId, originSite, entries, traceParent, sentAtMillis, 0);
  }

  /** A batch of epoch 0 without trace context or send time. */
  public ShipBatch(long batchId, String originSite, List<JournalEntry> entries) {
    this(batchId, originSite, entries, null, 0, 0);
  }

  @Override
  public String toString() {
    return "ShipBatch{#" + batchId + " from " + originSite + " epoch " + epoch + ", " + entries.size() + " entries"
        + (traceParent == null ? "" : ", trace " + traceParent) + (stable.isEmpty() ? "" : ", stable " + stable) + "}";
  }
}
