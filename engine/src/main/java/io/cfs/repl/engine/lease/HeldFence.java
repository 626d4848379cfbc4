package io.cfs.repl.engine.lease;

import io.cfs.repl.persistence.lease.Fence;

/**
 * What a site singleton gets from the lease it runs under: the {@link Fence} its writes carry, and whom to tell when
 * storage refuses one of them (logged as FENCED, counted in {@code cfs_repl_fenced_writes_total}, and the lease
 * reported lost so that the singleton manager stops the singleton and stops counting on this node).
 */
public interface HeldFence {
  Fence fence();

  /** Storage refused a write carrying {@link #fence()}; the caller stops writing. */
  void refused(Throwable cause);
}
