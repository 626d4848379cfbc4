package io.cfs.repl.engine.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

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
  /** A double: a node's lifetime of ages (a long backlog, entries stamped long ago) may pass a long's range. */
  private final DoubleAdder sumMicros = new DoubleAdder();
  private final AtomicLong max = new AtomicLong();

  public void recordNanos(long nanos) {
    recordMicros(Math.max(0, nanos / 1000));
  }

  public void recordMicros(long micros) {
    recordMicros(micros, 1);
  }

  /** {@code count} samples of {@code nanos} each. */
  public void recordNanos(long nanos, long count) {
    recordMicros(Math.max(0, nanos / 1000), count);
  }

  private void recordMicros(long micros, long count) {
    int bucket = micros <= 1 ? 0 : (int) Math.min(BUCKETS - 1, Math.ceil(Math.log(micros) / LOG_GROWTH));
    // the sum before the count, so that a mean read meanwhile is not understated
    sumMicros.add((double) micros * count);
    counts.addAndGet(bucket, count);
    total.addAndGet(count);
    max.accumulateAndGet(micros, Math::max);
  }

  public long count() {
    return total.get();
  }

  /** The mean of the samples, from their sum (not from the buckets); 0 without any. */
  public long meanMicros() {
    long n = total.get();
    return n == 0 ? 0 : Math.round(sumMicros.sum() / n);
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
