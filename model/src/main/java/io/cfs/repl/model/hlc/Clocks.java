package io.cfs.repl.model.hlc;

import java.time.Instant;

/**
 * The node's wall clock: in epoch nanoseconds, the unit of entry hlc timestamps, and in milliseconds for the
 * timestamps the link's round trips carry (clock-skew estimates).
 *
 * <p>TEST ONLY: the system property {@value #TEST_OFFSET_PROPERTY} (milliseconds, may be negative) shifts this clock,
 * so that a multi-process test can run one site with a skewed clock. Never set it on a deployment: it makes the node
 * disagree with its own host.
 */
public final class Clocks {
  public static final String TEST_OFFSET_PROPERTY = "cfs-repl.test.clock-offset-ms";
  private static final long OFFSET_MILLIS = Long.getLong(TEST_OFFSET_PROPERTY, 0L);

  private Clocks() {
  }

  public static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano() + OFFSET_MILLIS * 1_000_000L;
  }

  public static long epochMillis() {
    return System.currentTimeMillis() + OFFSET_MILLIS;
  }
}
