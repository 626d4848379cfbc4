package io.cfs.repl.engine.apply;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.store.ApplyResult;
import java.util.List;

/** Domain events of the receiving side, so metrics and benchmarks observe apply without living in it. */
public interface ApplyListener {
  ApplyListener NONE = new ApplyListener() { };

  /** A batch from {@code origin} was durably applied at {@code appliedAtNanos} (epoch nanos). */
  default void onBatchApplied(String origin, List<JournalEntry> entries, ApplyResult result, long appliedAtNanos) {
  }

  /** A batch from {@code origin} was refused as a whole. */
  default void onBatchRejected(String origin, String reason) {
  }
}
