package io.cfs.repl.engine.apply;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.store.ApplyResult;
import java.util.List;

/**
 * Domain events of the receiving side, so metrics, benchmarks and the audit trail observe apply without living in it.
 * Called on the receiver's and the storage executor's threads: implementations are thread-safe and quick (an ack
 * waits for the apply events of its batch).
 */
public interface ApplyListener {
  ApplyListener NONE = new ApplyListener() { };

  /**
   * A batch from {@code origin} was applied at {@code appliedAtNanos} (epoch nanos): visible to reads here, and
   * durable too unless it was applied as {@link io.cfs.repl.persistence.store.Durability#LATER}, whose batches are
   * durable at {@link #onBatchDurable}.
   */
  default void onBatchApplied(String origin, List<JournalEntry> entries, ApplyResult result, long appliedAtNanos) {
  }

  /**
   * A batch from {@code origin} applied as {@link io.cfs.repl.persistence.store.Durability#LATER} became durable at
   * {@code durableAtNanos} (epoch nanos), the store's sync after its apply; its acknowledgement follows.
   */
  default void onBatchDurable(String origin, List<JournalEntry> entries, long durableAtNanos) {
  }

  /** A batch from {@code origin} was refused as a whole. */
  default void onBatchRejected(String origin, String reason) {
  }

  /**
   * A batch from {@code origin} was refused as a whole because it carried {@code batchEpoch}, below this site's
   * {@code localEpoch}: its sender has not learned of the newer epoch. Nothing of it was applied. Follows
   * {@link #onBatchRejected} for the same batch.
   */
  default void onStaleEpoch(String origin, long batchEpoch, long localEpoch) {
  }

  /**
   * An applied batch from {@code origin} held {@code entries}, stamped with epochs below this site's
   * {@code localEpoch}: written by the origin in an epoch that has ended (an old primary's writes that had not
   * replicated before a promotion). They went through last-write-wins like any other entry;
   * {@link ApplyResult#outcome result.outcome(entry)} tells for each whether it won, lost (a write conflict unless the held value's writer had seen it)
   * or was a re-delivery already applied before. Called after the atomic apply, before the ack; never for a batch
   * whose entries are all of the current epoch.
   */
  default void onOldEpochEntries(String origin, List<JournalEntry> entries, long localEpoch, ApplyResult result) {
  }
}
