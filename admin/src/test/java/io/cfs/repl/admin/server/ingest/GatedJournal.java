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
 * A test double beside the node's real journal: appends wait at a gate while it is held, then go to the real journal.
 * It makes "an append is in progress" last as long as a test needs.
 */
final class GatedJournal extends ForwardingJournal {
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

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
  public CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    waiting.incrementAndGet();
    return gate.thenCompose(open -> {
      waiting.decrementAndGet();
      return delegate().append(entries);
    });
  }

  @Override
  public void close() {
    // the node owns the real journal
  }
}
