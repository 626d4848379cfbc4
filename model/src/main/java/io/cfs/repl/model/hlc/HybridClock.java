package io.cfs.repl.model.hlc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A hybrid logical clock in epoch nanoseconds: never goes backwards, moves past every timestamp it has seen
 * ({@link #observe}), and otherwise follows the wall clock. Causality holds under clock skew: a write issued after
 * seeing a value always carries a greater hlc than that value.
 */
public final class HybridClock {
  private final AtomicLong last = new AtomicLong();

  /** A timestamp greater than every one issued or observed before. */
  public long tick() {
    long wall = Clocks.epochNanos();
    return last.updateAndGet(prev -> Math.max(prev + 1, wall));
  }

  /** Moves the clock past a timestamp received from elsewhere. */
  public void observe(long remote) {
    last.accumulateAndGet(remote, Math::max);
  }
}
