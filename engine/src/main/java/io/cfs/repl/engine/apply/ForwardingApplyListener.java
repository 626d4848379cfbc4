package io.cfs.repl.engine.apply;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.store.ApplyResult;
import java.util.List;

/** An apply listener that passes every event on to {@code next}; override to observe some of them on the way. */
public abstract class ForwardingApplyListener implements ApplyListener {
  protected final ApplyListener next;

  protected ForwardingApplyListener(ApplyListener next) {
    this.next = next;
  }

  @Override
  public void onBatchApplied(String origin, List<JournalEntry> entries, ApplyResult result, long appliedAtNanos) {
    next.onBatchApplied(origin, entries, result, appliedAtNanos);
  }

  @Override
  public void onBatchDurable(String origin, List<JournalEntry> entries, long durableAtNanos) {
    next.onBatchDurable(origin, entries, durableAtNanos);
  }

  @Override
  public void onBatchRejected(String origin, String reason) {
    next.onBatchRejected(origin, reason);
  }

  @Override
  public void onStaleEpoch(String origin, long batchEpoch, long localEpoch) {
    next.onStaleEpoch(origin, batchEpoch, localEpoch);
  }

  @Override
  public void onOldEpochEntries(String origin, List<JournalEntry> entries, long localEpoch, ApplyResult result) {
    next.onOldEpochEntries(origin, entries, localEpoch, result);
  }
}
