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

  /**
   * The clock's reading without issuing a timestamp: at least every timestamp issued or observed, and the wall clock.
   * A writer that observes it and then ticks its own clock stamps a greater hlc than anything this clock has seen.
   */
  public long current() {
    return Math.max(last.get(), Clocks.epochNanos());
  }

  /** Moves the clock past a timestamp received from elsewhere. */
  public void observe(long remote) {
    last.accumulateAndGet(remote, Math::max);
  }
}
