package io.cfs.repl.model.hlc;

import java.time.Instant;

/** Wall clock in epoch nanoseconds, the unit of entry hlc timestamps. */
public final class Clocks {
  private Clocks() {
  }

  public static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
