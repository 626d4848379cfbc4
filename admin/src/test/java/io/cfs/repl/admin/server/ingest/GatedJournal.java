package io.cfs.repl.admin.server.ingest;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.journal.AppendResult;
import io.cfs.repl.persistence.journal.ForwardingJournal;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double beside the node's real journal: appends wait at a gate while it is held, then go to the real journal
 * in the order they were called (as a caller pipelining consecutive seqs needs). It makes "an append is in progress"
 * last as long as a test needs.
 */
final class GatedJournal extends ForwardingJournal {
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
  /** Completed once the last append called so far has been handed to the real journal. */
  private CompletableFuture<Void> lastHandedOn = CompletableFuture.completedFuture(null); // guarded by this

  GatedJournal(LocalJournal journal) {
    super(journal);
  }

  void hold() {
    gate = new CompletableFuture<>();
  }

  void release() {
    gate.complete(null);
  }

  /** Appends waiting at the gate now. */
  int waiting() {
    return waiting.get();
  }

  @Override
  public synchronized CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    waiting.incrementAndGet();
    CompletableFuture<Void> heldBy = gate;
    CompletableFuture<Void> handedOn = new CompletableFuture<>();
    // a released gate runs its waiters in no set order: each append waits for the one before it to be handed on
    CompletionStage<AppendResult> result = lastHandedOn.thenCompose(previous -> heldBy).thenCompose(open -> {
      waiting.decrementAndGet();
      try {
        return delegate().append(entries);
      } finally {
        handedOn.complete(null); // a journal that throws must not hold the appends after it
      }
    });
    lastHandedOn = handedOn;
    return result;
  }

  @Override
  public void close() {
    // the node owns the real journal
  }
}
