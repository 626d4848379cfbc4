package io.cfs.repl.engine.receiver;

import io.cfs.repl.engine.clock.Clocks;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.replicator.ReplicatorSettings;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.store.ApplyResult;
import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.persistence.store.MetadataStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Applies this site's own journal to its own metadata store, through the same atomic LWW apply as remote entries,
 * so the store is the site's converged view of every origin. Resumes from the store's own watermarks, so a
 * restart neither skips nor re-applies. Its applies are reported like remote ones, with this site as the origin.
 */
public final class LocalApplier {

  private LocalApplier() {
  }

  public static UniqueKillSwitch start(ActorSystem<?> system, LocalJournal journal, MetadataStore store,
                                       ReplicatorSettings settings, Executor applyExecutor, ApplyListener listener,
                                       ReplicationMetrics metrics) {
    String site = journal.localSite();
    RestartSettings restart = RestartSettings.create(settings.backoffMin(), settings.backoffMax(),
        settings.backoffRandomFactor());
    return RestartSource.withBackoff(restart, () ->
            journal.tail(store.watermarks(site), settings.batchMaxEntries(), settings.batchMaxBytes())
                // what arrives during an apply joins the next one: one fsync for the whole backlog
                .batchWeighted(settings.batchMaxEntries() * 4L, b -> (long) b.size(), ArrayList::new, (acc, more) -> {
                  acc.addAll(more);
                  return acc;
                })
                .mapAsync(1, batch -> CompletableFuture.supplyAsync(() -> {
                  long started = System.nanoTime();
                  ApplyResult result = store.apply(site, batch, Durability.ASYNC); // the journal can replay it
                  long applyNanos = System.nanoTime() - started;
                  listener.onBatchApplied(site, batch, result, Clocks.epochNanos());
                  metrics.onBatchApplied(site, batch.size(), result.applied(), result.skipped(), result.lost(),
                      BatchReceiver.sizeOf(batch), applyNanos);
                  if (!result.gaps().isEmpty()) {
                    // Only possible if the store lost data under a live journal: stop rather than skip.
                    throw new IllegalStateException("[" + site + "] local apply found gaps " + result.gaps());
                  }
                  return result;
                }, applyExecutor)))
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.left())
        .run(system);
  }

}
