package io.cfs.repl.engine.metrics;

import io.cfs.repl.engine.epoch.NotPrimaryException;
import io.cfs.repl.engine.storage.StorageFullState;
import io.cfs.repl.engine.storage.StorageFullState.Storage;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.StorageFullException;
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

  /** The reason of an append refused because the journal's volume is full ({@link StorageFullException}). */
  public static final String STORAGE_FULL = "STORAGE_FULL";

  private final ReplicationMetrics metrics;
  private final StorageFullState storageFull;

  public MeteredJournal(LocalJournal journal, ReplicationMetrics metrics) {
    this(journal, metrics, new StorageFullState(metrics));
  }

  /** Also marks {@code storageFull} when an append is refused for lack of space, and clears it once one is written. */
  public MeteredJournal(LocalJournal journal, ReplicationMetrics metrics, StorageFullState storageFull) {
    super(journal);
    this.metrics = metrics;
    this.storageFull = storageFull;
  }

  @Override
  public CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    long started = System.nanoTime();
    return delegate().append(entries).whenComplete((result, failure) -> {
      if (failure == null) {
        metrics.onAppend(entries.size(), System.nanoTime() - started);
        if (result.written() > 0) storageFull.wrote(Storage.JOURNAL);
      } else {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        storageFull.failed(Storage.JOURNAL, cause);
        metrics.onAppendRejected(cause instanceof AppendRejectedException rejected ? rejected.reason().name()
            : cause instanceof NotPrimaryException ? FENCED
            : StorageFullException.find(cause) != null ? STORAGE_FULL : cause.getClass().getSimpleName());
      }
    });
  }
}
