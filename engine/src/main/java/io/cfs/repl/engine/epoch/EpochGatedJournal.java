package io.cfs.repl.engine.epoch;

import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.persistence.journal.AppendResult;
import io.cfs.repl.persistence.journal.ForwardingJournal;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The node's journal behind its {@link WriteGate}: an append first asks the gate, then goes to the journal with every
 * entry stamped with the admitted epoch. A refused append fails with {@link NotPrimaryException} and writes nothing.
 * Reads pass through unchanged.
 *
 * <p>The gate is asked once, when the append is called: an append admitted just before the site is demoted completes
 * with the epoch it was admitted in, and peers that have moved on treat its entries as old-epoch entries (reconciled
 * by last-write-wins, reported to {@link io.cfs.repl.engine.apply.ApplyListener#onOldEpochEntries}). A retried
 * append of entries already held is a duplicate whatever epoch it is stamped with now (see {@link LocalJournal}).
 */
public final class EpochGatedJournal extends ForwardingJournal {
  private final WriteGate gate;

  public EpochGatedJournal(LocalJournal journal, WriteGate gate) {
    super(journal);
    this.gate = gate;
  }

  @Override
  public CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    long epoch;
    try {
      epoch = gate.admit();
    } catch (NotPrimaryException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    return delegate().append(stamp(entries, epoch));
  }

  /** The entries stamped with {@code epoch}: the same list when they all carry it already (epoch 0, no failover). */
  static List<JournalEntry> stamp(List<JournalEntry> entries, long epoch) {
    int size = entries.size();
    for (int i = 0; i < size; i++) {
      if (entries.get(i).epoch() != epoch) {
        List<JournalEntry> stamped = new ArrayList<>(size);
        stamped.addAll(entries.subList(0, i));
        for (int j = i; j < size; j++) stamped.add(entries.get(j).withEpoch(epoch));
        return stamped;
      }
    }
    return entries;
  }
}
