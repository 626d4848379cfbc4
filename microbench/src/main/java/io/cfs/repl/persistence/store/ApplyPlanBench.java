package io.cfs.repl.persistence.store;

import io.cfs.repl.microbench.Batches;
import io.cfs.repl.microbench.HotPathBench;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.entry.Seen;
import io.cfs.repl.model.entry.Version;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The apply's decision for one 500-entry batch (in the store's package: the plan is internal to it): watermark and gap
 * checks per shard, then LWW against held values, half the inodes held by another site's older writes.
 */
@State(Scope.Thread)
public class ApplyPlanBench extends HotPathBench {
  private List<JournalEntry> batch;
  private Map<Long, ApplyPlan.Held> held;
  private final Map<Integer, Long> watermarks = new HashMap<>();

  @Setup
  public void setUp() {
    batch = Batches.next("site-a", new long[Batches.SHARDS], new SplittableRandom(1));
    held = new HashMap<>();
    SplittableRandom random = new SplittableRandom(2);
    for (JournalEntry e : batch) {
      if (random.nextBoolean()) {
        held.put(e.inodeId(), new ApplyPlan.Held(new Version(e.hlc() - 1_000, "site-b"), 1, Seen.NONE, Seen.NONE));
      }
    }
  }

  @Benchmark
  public ApplyResult planAndResolve() {
    ApplyPlan plan = new ApplyPlan(watermarks, batch);
    plan.resolve(held, System.currentTimeMillis());
    return plan.result();
  }
}
