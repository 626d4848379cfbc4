package io.cfs.repl.engine.lease;

import io.cfs.repl.persistence.lease.Fence;
import io.cfs.repl.persistence.lease.LeaseStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * This node's view of its site's singleton leases: the {@link LeaseStore} the {@link SiteLease}s use (Pekko creates
 * them by class name, with only the actor system in hand), the fences this node holds, and the singletons running on
 * this node (for status: at most one node of a site runs each). Keyed by singleton name.
 */
public final class SiteLeases implements Extension {
  private static final Id ID = new Id();

  /** A singleton running on this node since {@code sinceMillis}, writing with {@code fence}. */
  public record Running(String singleton, long token, long sinceMillis) {
  }

  private volatile LeaseStore store;
  private final Map<String, Fence> held = new ConcurrentHashMap<>();
  private final Map<String, SiteLease> leases = new ConcurrentHashMap<>();
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  public static SiteLeases get(ActorSystem system) {
    return ID.get(system);
  }

  public static SiteLeases get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return get(system.classicSystem());
  }

  /** Sets the site's lease store; before any singleton starts. */
  public void init(LeaseStore leaseStore) {
    this.store = leaseStore;
  }

  LeaseStore store() {
    LeaseStore s = store;
    if (s == null) throw new IllegalStateException("the site's lease store is not set (SiteLeases.init)");
    return s;
  }

  /** Whether this node still counts {@code fence} as its holding (not released, lost or fenced). */
  boolean holds(String singleton, Fence fence) {
    return fence.equals(held.get(singleton));
  }

  /** The fence of {@code singleton} while this node holds its lease. */
  public Optional<Fence> fence(String singleton) {
    return Optional.ofNullable(held.get(singleton));
  }

  void registered(String singleton, SiteLease lease) {
    leases.put(singleton, lease);
  }

  void taken(String singleton, Fence fence) {
    held.put(singleton, fence);
  }

  void given(String singleton, Fence fence) {
    held.remove(singleton, fence);
  }

  /**
   * A write of {@code singleton} with {@code fence} was refused by storage: a newer holder exists, so this node's
   * holding is over whatever its last renewal said. The lease reports itself lost to the singleton manager.
   */
  public void refused(String singleton, Fence fence, Throwable cause) {
    SiteLease lease = leases.get(singleton);
    if (lease != null) lease.lose(fence.token(), cause);
  }

  /** {@code singleton} was started here without a fence (its holding ended first): the manager must acquire again. */
  void startedWithoutLease(String singleton) {
    SiteLease lease = leases.get(singleton);
    if (lease != null) lease.lostBeforeStart();
  }

  /** Records that {@code singleton} runs here with {@code fence} (until {@link #stopped}). */
  public void started(String singleton, Fence fence) {
    running.put(singleton, new Running(singleton, fence.token(), System.currentTimeMillis()));
  }

  public void stopped(String singleton, Fence fence) {
    running.computeIfPresent(singleton, (k, r) -> r.token() == fence.token() ? null : r);
  }

  /** The singletons running on this node, by name. */
  public List<Running> runningHere() {
    List<Running> list = new ArrayList<>(running.values());
    list.sort(Comparator.comparing(Running::singleton));
    return list;
  }

  private static final class Id extends AbstractExtensionId<SiteLeases> implements ExtensionIdProvider {
    @Override
    public SiteLeases createExtension(ExtendedActorSystem system) {
      return new SiteLeases();
    }

    @Override
    public Id lookup() {
      return this;
    }
  }
}
