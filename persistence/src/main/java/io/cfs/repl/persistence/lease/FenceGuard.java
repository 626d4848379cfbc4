package io.cfs.repl.persistence.lease;

import java.util.function.Supplier;

/**
 * Runs a write only while its fence holds, atomically with respect to the lease being taken over. For stores that
 * cannot check a fence inside their own transaction (RocksDB), the lease store provides it.
 */
@FunctionalInterface
public interface FenceGuard {
  /** Refuses every fenced write: for a store opened without leases (a write with a fence is then a bug). */
  FenceGuard NONE = new FenceGuard() {
    @Override
    public <T> T whileHeld(Fence fence, Supplier<T> write) {
      throw new IllegalStateException("this store was opened without a lease store; cannot check " + fence);
    }
  };

  /** Runs {@code write} if {@code fence} holds its lease's current token, else throws {@link FencedException}. */
  <T> T whileHeld(Fence fence, Supplier<T> write);
}
