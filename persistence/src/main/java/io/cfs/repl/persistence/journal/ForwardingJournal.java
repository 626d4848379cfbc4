package io.cfs.repl.persistence.journal;

import io.cfs.repl.model.entry.JournalEntry;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A journal that hands every call to another one: the base of wrappers that change one thing (metering appends, a
 * test gate) and must pass the rest on unchanged, including what a backend overrides for speed ({@link #lagBehind}).
 */
public abstract class ForwardingJournal implements LocalJournal {
  private final LocalJournal journal;

  protected ForwardingJournal(LocalJournal journal) {
    this.journal = journal;
  }

  /** The journal the calls go to. */
  protected final LocalJournal delegate() {
    return journal;
  }

  @Override
  public CompletionStage<AppendResult> append(List<JournalEntry> entries) {
    return journal.append(entries);
  }

  @Override
  public String localSite() {
    return journal.localSite();
  }

  @Override
  public UUID incarnation() {
    return journal.incarnation();
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
  public Source<List<JournalEntry>, NotUsed> tail(Map<Integer, Long> positions, int maxEntries,
                                                  LongSupplier maxBytes, Executor reads) {
    return journal.tail(positions, maxEntries, maxBytes, reads);
  }

  @Override
  public long horizon(int shard) {
    return journal.horizon(shard);
  }

  @Override
  public long collect(Map<Integer, Long> upToInclusive) {
    return journal.collect(upToInclusive);
  }

  @Override
  public JournalFootprint footprint() {
    return journal.footprint();
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
