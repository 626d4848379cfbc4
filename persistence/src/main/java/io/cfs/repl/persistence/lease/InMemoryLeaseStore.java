package io.cfs.repl.persistence.lease;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Leases of a site of one node (embedded storage): every contender is in this process, so the process's monotonic
 * clock and a lock are the whole truth. Tokens restart at 1 with the process, which is safe because no writer of an
 * earlier process survives it; the RocksDB store checks fences against this store.
 */
public final class InMemoryLeaseStore implements LeaseStore, FenceGuard {
  private final String site;
  private final Map<String, Holding> leases = new HashMap<>(); // guarded by this
  /** Fenced writes hold the read side, takeovers the write side; renewals need neither. */
  private final ReentrantReadWriteLock takeovers = new ReentrantReadWriteLock();

  private record Holding(long token, String owner, long expiresAtNanos) {
    boolean expired(long now) {
      return now - expiresAtNanos >= 0;
    }
  }

  public InMemoryLeaseStore(String site) {
    this.site = site;
  }

  @Override
  public String site() {
    return site;
  }

  @Override
  public OptionalLong acquire(String lease, String owner, Duration ttl) {
    takeovers.writeLock().lock();
    try {
      return take(lease, owner, ttl);
    } finally {
      takeovers.writeLock().unlock();
    }
  }

  private synchronized OptionalLong take(String lease, String owner, Duration ttl) {
    long now = System.nanoTime();
    Holding held = leases.get(lease);
    if (held != null && held.owner() != null && !held.owner().equals(owner) && !held.expired(now)) {
      return OptionalLong.empty();
    }
    long token = held == null ? 1 : held.token() + 1;
    leases.put(lease, new Holding(token, owner, now + ttl.toNanos()));
    return OptionalLong.of(token);
  }

  @Override
  public synchronized boolean renew(String lease, String owner, long token, Duration ttl) {
    Holding held = leases.get(lease);
    if (!holds(held, owner, token)) return false;
    leases.put(lease, new Holding(token, owner, System.nanoTime() + ttl.toNanos()));
    return true;
  }

  @Override
  public synchronized boolean release(String lease, String owner, long token) {
    Holding held = leases.get(lease);
    if (!holds(held, owner, token)) return false;
    leases.put(lease, new Holding(token, null, System.nanoTime()));
    return true;
  }

  @Override
  public synchronized Optional<LeaseState> state(String lease) {
    Holding held = leases.get(lease);
    return held == null ? Optional.empty()
        : Optional.of(new LeaseState(lease, held.token(), held.owner(), held.expired(System.nanoTime())));
  }

  @Override
  public synchronized void check(Fence fence) {
    if (!fence.site().equals(site)) throw new IllegalArgumentException(fence + " is not a fence of " + site);
    Holding held = leases.get(fence.lease());
    long current = held == null ? 0 : held.token();
    if (held == null || fence.token() < current) throw new FencedException(fence, current);
  }

  /** Keeps takeovers out through the write, so none can come between the check and the write. */
  @Override
  public <T> T whileHeld(Fence fence, Supplier<T> write) {
    takeovers.readLock().lock();
    try {
      check(fence);
      return write.get();
    } finally {
      takeovers.readLock().unlock();
    }
  }

  private static boolean holds(Holding held, String owner, long token) {
    return held != null && owner.equals(held.owner()) && held.token() == token;
  }
}
