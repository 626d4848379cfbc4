package io.cfs.repl.microbench;

import io.cfs.repl.engine.metrics.EntryAges;
import io.cfs.repl.engine.metrics.EntryStage;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.model.entry.JournalEntry;
import java.util.List;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What counting a batch's ages costs each stage that does it (the journal's writer thread completing an append among
 * them), per 500-entry batch: a pass over the hlcs and two histogram increments (the metrics left out).
 */
@State(Scope.Thread)
public class EntryAgesBench extends HotPathBench {
  private List<JournalEntry> batch;
  private EntryAges ages;

  @Setup
  public void setUp() {
    batch = Batches.next("site-a", new long[Batches.SHARDS], new SplittableRandom(1));
    ages = new EntryAges(ReplicationMetrics.NONE);
  }

  @Benchmark
  public EntryAges recordBatch() {
    ages.record(EntryStage.DURABLE, "site-a", batch);
    return ages;
  }
}
