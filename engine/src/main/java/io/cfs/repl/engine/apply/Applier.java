package io.cfs.repl.engine.apply;

import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.storage.StorageFullState;
import io.cfs.repl.engine.storage.StorageFullState.Storage;
import io.cfs.repl.model.entry.JournalEntry;
import io.cfs.repl.model.hlc.Clocks;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.persistence.store.MetadataStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The one way entries reach the metadata store, for a peer's batches and the site's own journal alike: one atomic
 * LWW apply on the storage executor, timed, then reported to the apply listener and to metrics. Gaps are part of the
 * result; what to do about them is the caller's business (a receiver reports them, the local applier stops).
 */
public final class Applier {
  private final MetadataStore store;
  private final Executor storageExecutor;
  private final ApplyListener listener;
  private final ReplicationMetrics metrics;
  private final StorageFullState storageFull;

  public Applier(MetadataStore store, Executor storageExecutor, ApplyListener listener, ReplicationMetrics metrics) {
    this(store, storageExecutor, listener, metrics, new StorageFullState(metrics));
  }

  /** Also marks {@code storageFull} when an apply is refused for lack of space, and clears it once one writes. */
  public Applier(MetadataStore store, Executor storageExecutor, ApplyListener listener, ReplicationMetrics metrics,
                 StorageFullState storageFull) {
    this.store = store;
    this.storageExecutor = storageExecutor;
    this.listener = listener;
    this.metrics = metrics;
    this.storageFull = storageFull;
  }

  /**
   * Applies {@code entries} of {@code origin} in one atomic write carrying {@code fence} ({@code null}: a receiver,
   * which holds no lease). An empty list is a keep-alive: it is reported to the listener, not counted in metrics.
   */
  public CompletionStage<ApplyResult> apply(String origin, List<JournalEntry> entries, Durability durability,
                                            Fence fence) {
    return CompletableFuture.supplyAsync(() -> applyNow(origin, entries, durability, fence), storageExecutor);
  }

  /**
   * Makes every batch applied as {@link Durability#LATER} so far durable, in one store sync on the storage executor,
   * and then reports {@code batches} (each an applied batch of {@code origin}) durable to the listener.
   */
  public CompletionStage<Void> sync(String origin, List<List<JournalEntry>> batches) {
    return CompletableFuture.runAsync(() -> {
      long started = System.nanoTime();
      try {
        store.sync();
      } catch (RuntimeException e) {
        storageFull.failed(Storage.STORE, e);
        throw e;
      }
      metrics.onStoreSynced(origin, System.nanoTime() - started);
      long durableAt = Clocks.epochNanos();
      for (List<JournalEntry> batch : batches) listener.onBatchDurable(origin, batch, durableAt);
    }, storageExecutor);
  }

  private ApplyResult applyNow(String origin, List<JournalEntry> entries, Durability durability, Fence fence) {
    long started = System.nanoTime();
    ApplyResult result;
    try {
      result = fence == null ? store.apply(origin, entries, durability)
          : store.apply(origin, entries, durability, fence);
    } catch (RuntimeException e) {
      // The store refused the whole batch: nothing applied, no watermark moved; the caller acks nothing.
      storageFull.failed(Storage.STORE, e);
      throw e;
    }
    // a batch whose entries were all applied before (a resend) writes nothing: it says nothing about the volume
    if (result.applied() > 0) storageFull.wrote(Storage.STORE);
    long applyNanos = System.nanoTime() - started;
    listener.onBatchApplied(origin, entries, result, Clocks.epochNanos());
    if (!entries.isEmpty()) {
      metrics.onBatchApplied(origin, entries.size(), result.applied(), result.skipped(), result.conflicts().size(),
          sizeOf(entries), applyNanos);
    }
    return result;
  }

  private static long sizeOf(List<JournalEntry> entries) {
    long bytes = 0;
    for (JournalEntry e : entries) bytes += e.sizeEstimate();
    return bytes;
  }
}
