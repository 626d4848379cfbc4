package io.cfs.repl.engine.protocol;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.List;

/**
 * Sender to receiver: a batch of local-origin entries, per shard in seq order, from {@code cursor + 1}.
 *
 * @param batchId increases per link connection; echoed by the ack
 * @param originSite the sending site; every entry must have this origin
 * @param entries the entries, possibly across many shards
 * @param traceParent the sender's trace span as a W3C {@code traceparent} value, so the receiver's apply joins the
 *     same trace; null when the sender does not trace
 * @param sentAtMillis the sender's wall clock when it shipped the batch (echoed by the ack: clock skew), 0 unknown
 */
public record ShipBatch(long batchId, String originSite, List<JournalEntry> entries, String traceParent,
                        long sentAtMillis) implements WireMessage {
  public ShipBatch {
    entries = List.copyOf(entries);
  }

  /** A batch without trace context or send time. */
  public ShipBatch(long batchId, String originSite, List<JournalEntry> entries) {
    this(batchId, originSite, entries, null, 0);
  }

  @Override
  public String toString() {
    return "ShipBatch{#" + batchId + " from " + originSite + ", " + entries.size() + " entries"
        + (traceParent == null ? "" : ", trace " + traceParent) + "}";
  }
}
