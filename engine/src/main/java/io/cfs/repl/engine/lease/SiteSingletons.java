package io.cfs.repl.engine.lease;

import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.lease.FencedException;
import io.cfs.repl.persistence.lease.LeaseStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.coordination.lease.LeaseUsageSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every singleton of a site starts here: a cluster singleton whose manager takes the singleton's lease
 * ({@code cfs-repl.lease}) before it starts it, and whose behaviour is built with the lease's {@link HeldFence}. The
 * behaviour's writes carry that fence; when storage refuses one, the singleton logs it (FENCED), counts it, gives up
 * the lease and stops (it must not retry: a newer holder runs elsewhere). A singleton added later goes through here
 * too.
 */
public final class SiteSingletons {
  private static final Logger log = LoggerFactory.getLogger(SiteSingletons.class);
  /** Config path of the lease implementation (Pekko's {@code use-lease}). */
  public static final String LEASE_CONFIG = "cfs-repl.lease";

  private SiteSingletons() {
  }

  /**
   * Starts {@code name} as a site singleton (on the oldest node that takes its lease); reach it with
   * {@link SingletonLocator} (Pekko's proxy, which init returns, loses a singleton that restarts in place).
   * {@code behavior} gets the fence the singleton's writes must carry.
   */
  public static <T> void init(ActorSystem<?> system, String name, ReplicationMetrics metrics,
                              Function<HeldFence, Behavior<T>> behavior) {
    init(system, name, metrics, behavior, null);
  }

  /**
   * As {@link #init(ActorSystem, String, ReplicationMetrics, Function)}, stopped with {@code stopMessage} (when not
   * null) instead of a PoisonPill when the singleton moves or its node leaves: the behaviour finishes its work and
   * then stops itself, as it must (the hand-over waits for it; a node leaving waits at most its cluster-exiting
   * phase). An instance started without the lease stops at once on it.
   */
  public static <T> void init(ActorSystem<?> system, String name, ReplicationMetrics metrics,
                              Function<HeldFence, Behavior<T>> behavior, T stopMessage) {
    Duration retry = system.settings().config().getDuration(LEASE_CONFIG + ".retry-interval");
    ClusterSingletonSettings settings = ClusterSingletonSettings.create(system).withLeaseSettings(
        new LeaseUsageSettings(LEASE_CONFIG,
            scala.concurrent.duration.FiniteDuration.create(retry.toMillis(), TimeUnit.MILLISECONDS)));
    SingletonActor<T> singleton = SingletonActor.of(fenced(name, metrics, behavior, stopMessage), name)
        .withSettings(settings);
    ClusterSingleton.get(system).init(stopMessage == null ? singleton : singleton.withStopMessage(stopMessage));
  }

  /** The singleton's behaviour with the fence of the lease its manager took on this node. */
  static <T> Behavior<T> fenced(String name, ReplicationMetrics metrics, Function<HeldFence, Behavior<T>> behavior,
                                T stopMessage) {
    return Behaviors.setup(context -> {
      SiteLeases leases = SiteLeases.get(context.getSystem());
      Optional<Fence> fence = leases.fence(name);
      if (fence.isEmpty()) {
        // the manager starts a singleton only after taking its lease: the holding ended in between
        context.getLog().warn("[{}] not starting: this node no longer holds its lease; asking for it again", name);
        leases.startedWithoutLease(name);
        // the manager stops it when it takes the lease lost, with the stop message if it has one
        return Behaviors.receiveMessage(message -> message.equals(stopMessage) ? Behaviors.stopped()
            : Behaviors.same());
      }
      leases.started(name, fence.get());
      context.getLog().info("[{}] running on this node with fencing token {}", name, fence.get().token());
      Watched held = new Watched(name, fence.get(), leases, metrics, context.getSystem());
      return Behaviors.intercept(() -> new StopWatch<T>(held), behavior.apply(held));
    });
  }

  /** The fence of one running instance; a refusal is logged, counted, and ends this node's holding of the lease. */
  private record Watched(String name, Fence fence, SiteLeases leases, ReplicationMetrics metrics,
                         ActorSystem<?> system) implements HeldFence {
    @Override
    public void refused(Throwable cause) {
      log.error("[{}] FENCED: storage refused a write with fencing token {}: another node holds the lease now; this"
          + " instance stops: {}", name, fence.token(), rootMessage(cause));
      metrics.onFenced(name);
      leases.stopped(name, fence);
      leases.refused(name, fence, cause);
    }

    /**
     * The instance stopped while this node still counts the lease as its own, and not for a shutdown: it stopped
     * itself. Pekko's event-sourced behaviour does that when the journal refuses a cursor event (the refusal is
     * logged by Pekko, not seen here), so the lease row tells why: a higher token means another node took the lease
     * and the write was fenced; otherwise it failed on its own, and giving the lease up makes the singleton manager
     * take it again and start a new instance.
     */
    void stoppedItself() {
      leases.stopped(name, fence);
      if (!leases.holds(name, fence) || CoordinatedShutdown.get(system).getShutdownReason().isPresent()) return;
      CompletableFuture.supplyAsync(() -> leases.store().state(name), SiteLease.executor(system))
          .whenComplete((state, failure) -> {
            long current = state == null ? 0 : state.map(LeaseStore.LeaseState::token).orElse(0L);
            if (current > fence.token()) {
              refused(new FencedException(fence, current));
            } else {
              log.warn("[{}] stopped on its own (fencing token {}{}); giving up the lease so that it starts again",
                  name, fence.token(), failure == null ? "" : "; lease not readable: " + failure);
              leases.refused(name, fence, new IllegalStateException(name + " stopped on its own"));
            }
          });
    }
  }

  /** Watches the end of the instance (see {@link Watched#stoppedItself}). */
  private static final class StopWatch<T> extends BehaviorInterceptor<T, T> {
    private final Watched held;

    @SuppressWarnings("unchecked")
    StopWatch(Watched held) {
      super((Class<T>) Object.class);
      this.held = held;
    }

    @Override
    public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
      return target.apply(ctx, msg);
    }

    @Override
    public Behavior<T> aroundSignal(TypedActorContext<T> ctx, Signal signal, SignalTarget<T> target) {
      Behavior<T> next = target.apply(ctx, signal);
      if (signal instanceof PostStop) held.stoppedItself();
      return next;
    }
  }

  /** The deepest cause's message: the database's or the store's words. */
  public static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage();
  }
}
