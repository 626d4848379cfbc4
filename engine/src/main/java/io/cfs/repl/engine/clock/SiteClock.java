package io.cfs.repl.engine.clock;

import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.apply.ForwardingApplyListener;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.hlc.HybridClock;
import io.cfs.repl.persistence.journal.AppendResult;
import io.cfs.repl.persistence.journal.ForwardingJournal;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.store.ApplyResult;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One site's hybrid logical clock, fed from both ways hlcs come in: {@link #journal} wraps the journal writers
 * append to, {@link #listener} the listener of every apply (a peer's batches and the site's own). Only what was
 * accepted moves it: an append refused (a writer's clock too far ahead among other reasons) leaves it where it was.
 */
public final class SiteClock {
  private final HybridClock clock = new HybridClock();

  /** The site's current hlc: at least every hlc it has accepted, and its wall clock. */
  public long current() {
    return clock.current();
  }

  /** The journal whose durable appends the clock observes, and whose results carry the clock's reading. */
  public LocalJournal journal(LocalJournal journal) {
    return new ForwardingJournal(journal) {
      @Override
      public CompletionStage<AppendResult> append(List<JournalEntry> entries) {
        return delegate().append(entries).thenApply(result -> {
          observe(entries);
          return result.withHlc(clock.current());
        });
      }
    };
  }

  /** Passes every event on to {@code next}, observing the hlcs of every batch applied. */
  public ApplyListener listener(ApplyListener next) {
    return new ForwardingApplyListener(next) {
      @Override
      public void onBatchApplied(String origin, List<JournalEntry> entries, ApplyResult result,
                                 long appliedAtNanos) {
        observe(entries);
        super.onBatchApplied(origin, entries, result, appliedAtNanos);
      }
    };
  }

  private void observe(List<JournalEntry> entries) {
    long max = 0;
    for (JournalEntry e : entries) max = Math.max(max, e.hlc());
    if (max > 0) clock.observe(max);
  }
}
