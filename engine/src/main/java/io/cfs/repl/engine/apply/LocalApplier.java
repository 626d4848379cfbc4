package io.cfs.repl.engine.apply;

import io.cfs.repl.engine.lease.HeldFence;
import io.cfs.repl.persistence.journal.LocalJournal;
import io.cfs.repl.persistence.lease.FencedException;
import io.cfs.repl.persistence.store.Durability;
import io.cfs.repl.persistence.store.MetadataStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Applies this site's own journal to its own metadata store, through the same atomic LWW apply as remote entries,
 * so the store is the site's converged view of every origin. Resumes from the store's own watermarks, so a
 * restart neither skips nor re-applies. Its applies are reported like remote ones, with this site as the origin.
 *
 * <p>Runs as a cluster singleton ({@link #create}): on a site of several nodes sharing one store, one node applies,
 * and when that node dies the next one resumes from the store's watermarks.
 */
public final class LocalApplier {

  /** Protocol: only the end of its own apply stream. */
  public sealed interface Command {
  }

  /** The apply stream ended: shut down, or refused by fencing (the only failure it does not restart on). */
  private record StreamFailed(Throwable failure) implements Command {
  }

  private LocalApplier() {
  }

  /** The name of the local applier of {@code site} as a site singleton (and of its lease). */
  public static String singletonName(String site) {
    return "local-apply-" + site;
  }

  /**
   * The singleton's behaviour: runs the apply stream while alive and stops it when stopped. Every apply carries the
   * held fence; a refused one is reported where it happens (the actor may already be stopping) and ends the stream,
   * and the actor stops.
   */
  public static Behavior<Command> create(LocalJournal journal, MetadataStore store, Applier applier,
                                         LocalApplySettings settings, HeldFence fence) {
    return Behaviors.setup(context -> {
      context.getLog().info("[{}] applying the local journal to the store on this node", journal.localSite());
      Running running = start(context.getSystem(), journal, store, applier, settings, fence);
      context.pipeToSelf(running.done(), (done, failure) -> new StreamFailed(failure));
      return Behaviors.receive(Command.class)
          .onMessage(StreamFailed.class, failed -> failed.failure() == null ? Behaviors.same() : Behaviors.stopped())
          .onSignal(PostStop.class, stop -> {
            running.killSwitch().shutdown();
            return Behaviors.same();
          })
          .build();
    });
  }

  private record Running(UniqueKillSwitch killSwitch, CompletionStage<Done> done) {
  }

  private static Running start(ActorSystem<?> system, LocalJournal journal, MetadataStore store, Applier applier,
                               LocalApplySettings settings, HeldFence fence) {
    String site = journal.localSite();
    Executor reads = system.dispatchers().lookup(DispatcherSelector.fromConfig(settings.readDispatcher()));
    RestartSettings restart = RestartSettings.create(settings.backoffMin(), settings.backoffMax(),
        settings.backoffRandomFactor()).withRestartOn(failure -> !FencedException.isFencing(failure));
    return RestartSource.withBackoff(restart, () ->
            // each (re)start resumes from the store's watermarks, read on a storage thread like every store call
            Source.completionStage(CompletableFuture.supplyAsync(() -> store.watermarks(site), reads))
                .flatMapConcat(watermarks -> journal.tail(watermarks, settings.batchMaxEntries(),
                    settings::batchMaxBytes, reads))
                // what arrives during an apply joins the next one: one fsync for the whole backlog
                .batchWeighted(settings.batchMaxEntries() * 4L, b -> (long) b.size(), ArrayList::new, (acc, more) -> {
                  acc.addAll(more);
                  return acc;
                })
                // ASYNC: the journal can replay it
                .mapAsync(1, batch -> applier.apply(site, batch, Durability.ASYNC, fence.fence())
                    .handle((result, failure) -> {
                      if (failure != null) {
                        if (FencedException.isFencing(failure)) fence.refused(failure);
                        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                      }
                      if (!result.gaps().isEmpty()) {
                        // Only possible if the store lost data under a live journal: stop rather than skip.
                        throw new IllegalStateException("[" + site + "] local apply found gaps " + result.gaps());
                      }
                      return result;
                    })))
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.both())
        .mapMaterializedValue(both -> new Running(both.first(), both.second()))
        .run(system);
  }
}
