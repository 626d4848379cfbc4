package io.cfs.repl.engine.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Lock-free log-scaled histogram of durations in microseconds (about 1% resolution from 1 us to ~10^9 us), so
 * percentiles over millions of samples cost a few kilobytes.
 */
public final class LatencyHistogram {
  private static final double GROWTH = 1.01;
  private static final double LOG_GROWTH = Math.log(GROWTH);
  private static final int BUCKETS = 2200;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong max = new AtomicLong();

  public void recordNanos(long nanos) {
    recordMicros(Math.max(0, nanos / 1000));
  }

  public void recordMicros(long micros) {
    int bucket = micros <= 1 ? 0 : (int) Math.min(BUCKETS - 1, Math.ceil(Math.log(micros) / LOG_GROWTH));
    counts.incrementAndGet(bucket);
    total.incrementAndGet();
    max.accumulateAndGet(micros, Math::max);
  }

  public long count() {
    return total.get();
  }

  public long maxMicros() {
    return max.get();
  }

  /** The smallest bucket bound below which {@code fraction} of the samples fall (upper estimate). */
  public long percentileMicros(double fraction) {
    long n = total.get();
    if (n == 0) return 0;
    long rank = (long) Math.ceil(fraction * n);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) return Math.min(max.get(), (long) Math.pow(GROWTH, i));
    }
    return max.get();
  }

  public String summaryMillis() {
    return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)", percentileMicros(0.50) / 1000.0,
        percentileMicros(0.99) / 1000.0, maxMicros() / 1000.0, count());
  }
}
