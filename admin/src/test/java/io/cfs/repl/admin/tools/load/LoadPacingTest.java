package io.cfs.repl.admin.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.cfs.repl.admin.tools.workload.EntryFactory;
import io.cfs.repl.admin.tools.workload.WorkloadSpec;
import io.cfs.repl.admin.wire.IngestResponse;
import io.cfs.repl.model.entry.JournalEntry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The load's pacing against a client double that answers at once: one batch a tick, whatever came due meanwhile. */
class LoadPacingTest {

  /** Records each batch's size and answers it at once. */
  private static final class CountingClient implements IngestClient {
    final List<Integer> batches = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<IngestResponse> send(List<JournalEntry> batch) {
      batches.add(batch.size());
      return CompletableFuture.completedFuture(new IngestResponse(batch.size(), 0, Map.of(), 1L, null));
    }

    @Override
    public void close() {
    }
  }

  /**
   * Each tick sends what came due as one batch (the batch bound is above anything a tick can hold here): the entry
   * or two that came due while a batch was being sent wait for the next tick instead of going as a batch of their
   * own, which made about two batches a tick.
   */
  @Test
  void aPacedLoadSendsOneBatchPerTick() throws Exception {
    LoadCommand load = new LoadCommand();
    load.site = "site-a";
    load.rate = 20_000;
    load.count = 4_000;
    load.batch = 1_000_000;
    load.pacingMillis = 10;
    WorkloadSpec spec = new WorkloadSpec("site-a", load.rate, load.count, 4, 1_000, 64, load.batch, 8, 1);
    CountingClient client = new CountingClient();

    long start = System.nanoTime();
    load.write(client, new EntryFactory(spec.entries(), shard -> 0L), null, start, 8);
    long ticks = (System.nanoTime() - start) / 10_000_000L;

    assertThat(client.batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(4_000);
    assertThat((long) client.batches.size()).isLessThanOrEqualTo(ticks);
    assertThat(client.batches.size()).isGreaterThan(1);
  }
}
