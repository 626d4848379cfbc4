package io.cfs.repl.engine.lease;

import io.cfs.repl.persistence.lease.Fence;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.javadsl.Lease;
import org.apache.pekko.dispatch.MessageDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease Pekko's singleton manager takes before it starts a site singleton ({@code cfs-repl.lease}), on the site's
 * {@link io.cfs.repl.persistence.lease.LeaseStore}. Taking it yields a fencing token that the singleton's writes carry.
 *
 * <p>While held it is renewed every {@code heartbeat-interval} for {@code heartbeat-timeout}. The holder counts the
 * lease lost (and tells the manager, which stops the singleton) when a renewal finds it taken over, when storage
 * refuses one of the singleton's writes by token, or when no renewal has succeeded within {@code heartbeat-timeout}
 * of its start: that deadline falls before the one the store keeps, so the holder gives up before anyone can take
 * over. Tokens, not this timing, keep a late writer out; the timing keeps the singleton from running idle on a node
 * that can no longer prove its holding.
 *
 * <p>The owner is the node's address plus its incarnation, so a node restarted on the same address is a new holder.
 */
public final class SiteLease extends Lease {
  private static final Logger log = LoggerFactory.getLogger(SiteLease.class);
  private static final String DISPATCHER = "cfs-repl.lease-dispatcher";

  private final LeaseSettings settings;
  private final String singleton;
  private final String owner;
  private final SiteLeases leases;
  private final ExtendedActorSystem system;
  private final MessageDispatcher executor;
  private final Duration ttl;
  private final Duration interval;
  private final Duration operationTimeout;
  private final AtomicBoolean renewing = new AtomicBoolean();
  private final Object lock = new Object();
  private Holding holding; // guarded by lock
  /** Acquire calls so far, and the highest call a release cancelled (guarded by lock). */
  private long acquireCalls;
  private long cancelledUpTo;
  /** The lost-callback of the latest acquire call (guarded by lock). */
  private Consumer<Optional<Throwable>> lastOnLost;

  /** One holding: its fence, until when it counts (local monotonic time), whom to tell when it is lost. */
  private record Holding(Fence fence, long deadlineNanos, Consumer<Optional<Throwable>> onLost, Cancellable ticks) {
    Holding renewed(long deadline) {
      return new Holding(fence, deadline, onLost, ticks);
    }
  }

  public SiteLease(LeaseSettings settings, ExtendedActorSystem system) {
    this.settings = settings;
    this.system = system;
    this.singleton = singletonName(settings.leaseName());
    this.owner = settings.ownerName() + "#" + Cluster.get(system).selfUniqueAddress().longUid();
    this.leases = SiteLeases.get(system);
    this.executor = system.dispatchers().lookup(DISPATCHER);
    this.ttl = settings.timeoutSettings().getHeartbeatTimeout();
    this.interval = settings.timeoutSettings().getHeartbeatInterval();
    this.operationTimeout = settings.timeoutSettings().getOperationTimeout();
    leases.registered(singleton, this);
  }

  /** The executor lease calls (database round trips on PostgreSQL) run on. */
  static java.util.concurrent.Executor executor(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(DISPATCHER));
  }

  /**
   * Checks the timing of {@code cfs-repl.lease} at node startup (Pekko would only refuse it when a singleton manager
   * starts, leaving the node without its singletons): renewals at less than half the holding's duration, so one
   * late renewal does not lose it.
   */
  public static void validate(com.typesafe.config.Config config) {
    String path = SiteSingletons.LEASE_CONFIG;
    Duration timeout = config.getDuration(path + ".heartbeat-timeout");
    Duration every = config.getDuration(path + ".heartbeat-interval");
    Duration operation = config.getDuration(path + ".lease-operation-timeout");
    Duration retry = config.getDuration(path + ".retry-interval");
    if (every.isZero() || every.isNegative() || every.multipliedBy(2).compareTo(timeout) >= 0) {
      throw new com.typesafe.config.ConfigException.BadValue(path + ".heartbeat-interval", "must be positive and"
          + " less than half of heartbeat-timeout (" + timeout + "), was " + every);
    }
    if (operation.isZero() || operation.isNegative() || operation.compareTo(timeout) >= 0) {
      throw new com.typesafe.config.ConfigException.BadValue(path + ".lease-operation-timeout", "must be positive"
          + " and less than heartbeat-timeout (" + timeout + "), was " + operation);
    }
    if (retry.isZero() || retry.isNegative()) {
      throw new com.typesafe.config.ConfigException.BadValue(path + ".retry-interval", "must be positive, was "
          + retry);
    }
  }

  /**
   * The singleton's name in the lease name Pekko derives ({@code <system>-singleton-<manager path>}, the manager being
   * {@code singletonManager<name>}), so the lease row reads {@code replicator-site-b}, not an actor path.
   */
  static String singletonName(String leaseName) {
    String last = leaseName.substring(leaseName.lastIndexOf('/') + 1);
    return last.startsWith("singletonManager") ? last.substring("singletonManager".length()) : last;
  }

  @Override
  public LeaseSettings getSettings() {
    return settings;
  }

  @Override
  public CompletionStage<Boolean> acquire() {
    return acquire(reason -> { });
  }

  /**
   * Takes the lease in the store and, if that succeeded and the call still counts, installs the holding (fence,
   * renewals, the manager's lost-callback). A call stops counting when it timed out for the manager or when a release
   * came while it was pending (the manager left the state that asked for it): its lease row is then freed again, so an
   * acquisition nobody waits for never renews forever and keeps other nodes out.
   */
  @Override
  public CompletionStage<Boolean> acquire(Consumer<Optional<Throwable>> leaseLostCallback) {
    long call;
    synchronized (lock) {
      call = ++acquireCalls;
      lastOnLost = leaseLostCallback;
    }
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    executor.execute(() -> {
      try {
        long started = System.nanoTime();
        OptionalLong token = leases.store().acquire(singleton, owner, ttl);
        if (token.isEmpty()) {
          log.info("[{}] lease {} is held by another node; waiting", leases.store().site(), singleton);
          result.complete(false);
          return;
        }
        Fence fence = new Fence(leases.store().site(), singleton, token.getAsLong());
        if (!install(call, fence, started, leaseLostCallback, result)) {
          leases.store().release(singleton, owner, fence.token());
          log.info("[{}] lease {} taken with token {} after its caller gave up; released again", fence.site(),
              singleton, fence.token());
          result.complete(false);
        }
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result.orTimeout(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Installs the holding unless the call stopped counting (timed out, or released while pending). */
  private boolean install(long call, Fence fence, long started, Consumer<Optional<Throwable>> onLost,
                          CompletableFuture<Boolean> result) {
    Holding previous;
    synchronized (lock) {
      if (result.isDone() || call <= cancelledUpTo) return false;
      Duration every = Duration.ofMillis(Math.max(50, interval.toMillis() / 2));
      Cancellable ticks = system.scheduler().scheduleWithFixedDelay(every, every, this::tick, executor);
      previous = holding;
      holding = new Holding(fence, started + ttl.toNanos(), onLost, ticks);
      leases.taken(singleton, fence);
      result.complete(true);
    }
    if (previous != null) previous.ticks().cancel();
    log.info("[{}] took lease {} as {} with fencing token {}", fence.site(), singleton, owner, fence.token());
    return true;
  }

  /**
   * The singleton started without a fence: this node's holding ended between the manager's acquire and the start (a
   * release raced it). Telling the manager the lease is lost makes it stop the instance and acquire again.
   */
  void lostBeforeStart() {
    Consumer<Optional<Throwable>> onLost;
    synchronized (lock) {
      onLost = lastOnLost;
    }
    if (onLost != null) {
      onLost.accept(Optional.of(new IllegalStateException("started without holding the lease " + singleton)));
    }
  }

  /**
   * Every half interval: past the deadline the holding is lost; a renewal is due once the holding has less than
   * {@code heartbeat-timeout - heartbeat-interval} left, and only one runs at a time (a hung database call must not
   * pile them up).
   */
  private void tick() {
    Holding h;
    synchronized (lock) {
      h = holding;
    }
    if (h == null) return;
    long now = System.nanoTime();
    if (now - h.deadlineNanos() >= 0) {
      lose(h.fence().token(), new IllegalStateException("no renewal succeeded within " + ttl));
      return;
    }
    if (h.deadlineNanos() - now > ttl.minus(interval).toNanos() || !renewing.compareAndSet(false, true)) return;
    executor.execute(() -> {
      try {
        renew(h, System.nanoTime());
      } finally {
        renewing.set(false);
      }
    });
  }

  private void renew(Holding h, long started) {
    try {
      if (leases.store().renew(singleton, owner, h.fence().token(), ttl)) {
        synchronized (lock) {
          if (holding == h || (holding != null && holding.fence().equals(h.fence()))) {
            holding = holding.renewed(started + ttl.toNanos());
          }
        }
      } else {
        lose(h.fence().token(), new IllegalStateException("the lease was taken over by a newer holder"));
      }
    } catch (RuntimeException e) {
      log.warn("[{}] renewing lease {} failed (lost in {} ms unless a renewal succeeds): {}", h.fence().site(),
          singleton, Math.max(0, (h.deadlineNanos() - System.nanoTime()) / 1_000_000), e.toString());
    }
  }

  /** Ends the holding of {@code token} (if it is still the current one) and tells the singleton manager. */
  void lose(long token, Throwable cause) {
    Holding lost;
    synchronized (lock) {
      if (holding == null || holding.fence().token() != token) return;
      lost = holding;
      holding = null;
    }
    lost.ticks().cancel();
    leases.given(singleton, lost.fence());
    log.warn("[{}] lost lease {} (fencing token {}): {}; the singleton stops", lost.fence().site(), singleton,
        token, cause.getMessage());
    lost.onLost().accept(Optional.of(cause));
  }

  /**
   * Frees the holding current at the call, and cancels acquisitions still pending at the call: Pekko's manager
   * releases when it leaves the state that asked for the lease (and, on a lost lease, right after asking again).
   */
  @Override
  public CompletionStage<Boolean> release() {
    Holding released;
    synchronized (lock) {
      released = holding;
      holding = null;
      cancelledUpTo = acquireCalls;
    }
    // already given up (lost, fenced): nothing is held, which is what a release asks for
    if (released == null) return CompletableFuture.completedFuture(true);
    released.ticks().cancel();
    leases.given(singleton, released.fence());
    return CompletableFuture.supplyAsync(() -> {
      boolean freed = leases.store().release(singleton, owner, released.fence().token());
      log.info("[{}] released lease {} (fencing token {}): {}", released.fence().site(), singleton,
          released.fence().token(), freed ? "free for the next holder" : "it was no longer held");
      return true; // not freed means a newer holder has it: either way this node holds nothing
    }, executor).orTimeout(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean checkLease() {
    synchronized (lock) {
      return holding != null && System.nanoTime() - holding.deadlineNanos() < 0;
    }
  }
}
