package io.cfs.repl.engine.metrics;

import io.cfs.repl.persistence.entry.JournalEntry;
import io.cfs.repl.persistence.journal.AppendRejectedException;
import io.cfs.repl.persistence.journal.AppendResult;
import io.cfs.repl.persistence.journal.JournalLag;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The node's journal as every writer sees it (in-process API, ingest listener, workload): reports each append's
 * latency, from the call to durability, and each refusal, then delegates everything unchanged.
 */
public final class MeteredJournal implements LocalJournal {
  private final LocalJournal journal;
  private final ReplicationMetrics metrics;

  public MeteredJournal(LocalJournal journal, ReplicationMetrics metrics) {
    this.journal = journal;
    this.metrics = metrics;
  }

  @Override
  public CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    long started = System.nanoTime();
    return journal.append(entries).whenComplete((result, failure) -> {
      if (failure == null) {
        metrics.onAppend(entries.size(), System.nanoTime() - started);
      } else {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        metrics.onAppendRejected(cause instanceof AppendRejectedException rejected
            ? rejected.reason().name() : cause.getClass().getSimpleName());
      }
    });
  }

  @Override
  public String localSite() {
    return journal.localSite();
  }

  @Override
  public long headSeq(int shard) {
    return journal.headSeq(shard);
  }

  @Override
  public Map<Integer, Long> heads() {
    return journal.heads();
  }

  @Override
  public List<JournalEntry> read(int shard, long fromSeq, int maxEntries) {
    return journal.read(shard, fromSeq, maxEntries);
  }

  @Override
  public List<JournalEntry> readBatch(Map<Integer, Long> positions, int maxEntries, long maxBytes) {
    return journal.readBatch(positions, maxEntries, maxBytes);
  }

  @Override
  public Source<List<JournalEntry>, NotUsed> tail(Map<Integer, Long> positions, int maxEntries, long maxBytes) {
    return journal.tail(positions, maxEntries, maxBytes);
  }

  @Override
  public Source<JournalEntry, NotUsed> source(int shard, long fromSeq) {
    return journal.source(shard, fromSeq);
  }

  @Override
  public OptionalLong hlcAt(int shard, long seq) {
    return journal.hlcAt(shard, seq);
  }

  @Override
  public JournalLag lagBehind(Map<Integer, Long> positions) {
    return journal.lagBehind(positions);
  }

  @Override
  public void close() {
    journal.close();
  }
}
