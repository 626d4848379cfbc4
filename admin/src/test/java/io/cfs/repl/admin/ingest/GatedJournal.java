package io.cfs.repl.admin.ingest;

import io.cfs.repl.persistence.entry.JournalEntry;
import io.cfs.repl.persistence.journal.AppendResult;
import io.cfs.repl.persistence.journal.LocalJournal;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A test double beside the node's real journal: appends wait at a gate while it is held, then go to the real journal.
 * It makes "an append is in progress" last as long as a test needs.
 */
final class GatedJournal implements LocalJournal {
  private final LocalJournal journal;
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

  GatedJournal(LocalJournal journal) {
    this.journal = journal;
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
      return journal.append(entries);
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
  public void close() {
    // the node owns the real journal
  }
}
