package io.cfs.repl.engine.metrics;

import io.cfs.repl.engine.epoch.NotPrimaryException;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.journal.AppendRejectedException;
import io.cfs.repl.persistence.journal.AppendResult;
import io.cfs.repl.persistence.journal.ForwardingJournal;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The node's journal as every writer sees it (in-process API, ingest listener, workload): reports each append's
 * latency, from the call to durability, and each refusal, then delegates everything unchanged.
 */
public final class MeteredJournal extends ForwardingJournal {
  /** The reason of an append refused by the site's write gate ({@link NotPrimaryException}). */
  public static final String FENCED = "FENCED";

  private final ReplicationMetrics metrics;

  public MeteredJournal(LocalJournal journal, ReplicationMetrics metrics) {
    super(journal);
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    long started = System.nanoTime();
    return delegate().append(entries).whenComplete((result, failure) -> {
      if (failure == null) {
        metrics.onAppend(entries.size(), System.nanoTime() - started);
      } else {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        metrics.onAppendRejected(cause instanceof AppendRejectedException rejected ? rejected.reason().name()
            : cause instanceof NotPrimaryException ? FENCED : cause.getClass().getSimpleName());
      }
    });
  }
}
