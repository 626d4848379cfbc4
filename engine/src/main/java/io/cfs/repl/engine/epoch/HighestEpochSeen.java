package io.cfs.repl.engine.epoch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link EpochView} with no failover logic: the current epoch is the highest one given or observed. Enough while
 * every site is writable (every epoch stays 0); the SplitBrainResolver's view replaces it where roles are decided.
 */
public final class HighestEpochSeen implements EpochView {
  private final AtomicLong current;

  public HighestEpochSeen(long initial) {
    if (initial < 0) throw new IllegalArgumentException("epoch must be >= 0, was " + initial);
    this.current = new AtomicLong(initial);
  }

  @Override
  public long current() {
    return current.get();
  }

  @Override
  public void observe(String site, long epoch) {
    current.accumulateAndGet(epoch, Math::max);
  }

  @Override
  public String toString() {
    return "HighestEpochSeen(" + current.get() + ")";
  }
}
