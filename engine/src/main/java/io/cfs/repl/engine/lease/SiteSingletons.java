package io.cfs.repl.engine.lease;

import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.lease.FencedException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
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

/**
 * Every singleton of a site starts here: a cluster singleton whose manager takes the singleton's lease
 * ({@code cfs-repl.lease}) before it starts it, and whose behaviour is built with the lease's {@link Fence}. The
 * behaviour's writes carry that fence; when storage refuses one, the singleton logs it, counts it, gives up the lease
 * and stops (it must not retry: a newer holder runs elsewhere). A singleton added later goes through here too.
 */
public final class SiteSingletons {
  /** Config path of the lease implementation (Pekko's {@code use-lease}). */
  public static final String LEASE_CONFIG = "cfs-repl.lease";

  private SiteSingletons() {
  }

  /**
   * Starts {@code name} as a site singleton (on the oldest node that takes its lease); returns its proxy.
   * {@code behavior} gets the fence the singleton's writes must carry.
   */
  public static <T> ActorRef<T> init(ActorSystem<?> system, String name, ReplicationMetrics metrics,
                                     Function<HeldFence, Behavior<T>> behavior) {
    Duration retry = system.settings().config().getDuration(LEASE_CONFIG + ".retry-interval");
    ClusterSingletonSettings settings = ClusterSingletonSettings.create(system).withLeaseSettings(
        new LeaseUsageSettings(LEASE_CONFIG,
            scala.concurrent.duration.FiniteDuration.create(retry.toMillis(), TimeUnit.MILLISECONDS)));
    return ClusterSingleton.get(system).init(
        SingletonActor.of(fenced(name, metrics, behavior), name).withSettings(settings));
  }

  /** The singleton's behaviour with the fence of the lease its manager took on this node. */
  static <T> Behavior<T> fenced(String name, ReplicationMetrics metrics, Function<HeldFence, Behavior<T>> behavior) {
    return Behaviors.setup(context -> {
      SiteLeases leases = SiteLeases.get(context.getSystem());
      Optional<Fence> fence = leases.fence(name);
      if (fence.isEmpty()) {
        // the manager starts a singleton only after taking its lease; a lease lost since then means another node
        context.getLog().warn("[{}] not starting: this node no longer holds its lease", name);
        return Behaviors.stopped();
      }
      leases.started(name, fence.get());
      context.getLog().info("[{}] running on this node with fencing token {}", name, fence.get().token());
      Watched held = new Watched(name, fence.get(), leases, metrics);
      return Behaviors.intercept(() -> new StopWhenFenced<T>(held), behavior.apply(held));
    });
  }

  /** The fence of one running instance; a refusal is logged, counted, and ends this node's holding of the lease. */
  private record Watched(String name, Fence fence, SiteLeases leases, ReplicationMetrics metrics)
      implements HeldFence {
    @Override
    public void refused(Throwable cause) {
      org.slf4j.LoggerFactory.getLogger(SiteSingletons.class).error("[{}] FENCED: storage refused a write with"
          + " fencing token {}: another node holds the lease now; this instance stops: {}", name, fence.token(),
          rootMessage(cause));
      metrics.onFenced(name);
      leases.stopped(name, fence);
      leases.refused(name, fence, cause);
    }
  }

  /** Stops the singleton when a write of its own is refused by fencing; records its end on this node. */
  private static final class StopWhenFenced<T> extends BehaviorInterceptor<T, T> {
    private final Watched held;

    @SuppressWarnings("unchecked")
    StopWhenFenced(Watched held) {
      super((Class<T>) Object.class);
      this.held = held;
    }

    @Override
    public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
      try {
        return target.apply(ctx, msg);
      } catch (RuntimeException failure) {
        if (!FencedException.isFencing(failure)) throw failure;
        held.refused(failure);
        return Behaviors.stopped();
      }
    }

    @Override
    public Behavior<T> aroundSignal(TypedActorContext<T> ctx, Signal signal, SignalTarget<T> target) {
      if (signal instanceof PostStop) held.leases().stopped(held.name(), held.fence());
      return target.apply(ctx, signal);
    }
  }

  /** The deepest cause's message: the database's or the store's words. */
  public static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage();
  }
}
