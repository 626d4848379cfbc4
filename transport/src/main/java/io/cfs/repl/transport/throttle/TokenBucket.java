package io.cfs.repl.transport.throttle;

/**
 * A token bucket of bytes whose rate may change at any moment. Time is passed in (nanoseconds of a monotonic clock),
 * so tests drive it with a clock of their own. Not thread-safe: one stage owns it.
 *
 * <p>A frame is paid after it goes, as in Guava's {@code RateLimiter}: it may go as soon as the link owes nothing
 * (tokens are not negative), and its cost is taken then, into debt when it is larger than what the bucket holds. A
 * frame that must wait is therefore timed by the debt alone, never by the bucket's ceiling: a timer that fires late
 * (the scheduler's tick, a busy machine) lets the tokens of the late time accrue, up to the bucket, instead of
 * losing them at a full bucket, so the link does not fall below its rate by its timers' lateness.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Every byte admitted is paid for: tokens accrue at the rate and each admitted frame takes its full cost, so
 *       over an interval at one rate the bytes admitted exceed {@code rate * interval} by at most the bucket plus one
 *       frame.</li>
 *   <li>The bucket holds at most {@code burst} worth of the rate, so an idle link sends no more than that (and one
 *       frame) at once when it wakes up.</li>
 *   <li>A frame larger than the bucket is never refused: it goes once the link owes nothing and leaves a debt that
 *       holds the next frames back for exactly its cost beyond the tokens there were. A small rate therefore slows the
 *       link, it never wedges it.</li>
 *   <li>A rate change counts the time before it at the old rate; a debt carries over and is paid at the new rate.</li>
 *   <li>The one exception to paying in full: a frame sent overdue ({@link #takeOverdue}, the link's maximum wait
 *       reached) leaves at most one maximum wait's worth of debt.</li>
 * </ul>
 */
final class TokenBucket {
  private static final double NANOS_PER_SECOND = 1e9;

  private final long burstNanos;
  private long rate;
  private double tokens;
  private long lastNanos;

  /**
   * @param bytesPerSecond the rate; {@link WireThrottle#UNLIMITED} for none
   * @param burstNanos how much of the rate the bucket holds, in time; it starts full
   */
  TokenBucket(long bytesPerSecond, long burstNanos, long nowNanos) {
    if (burstNanos <= 0) throw new IllegalArgumentException("burst must be > 0 ns: " + burstNanos);
    this.burstNanos = burstNanos;
    this.lastNanos = nowNanos;
    setRate(bytesPerSecond, nowNanos);
  }

  long rate() {
    return rate;
  }

  void setRate(long bytesPerSecond, long nowNanos) {
    WireThrottle.requireRate(bytesPerSecond);
    boolean wasUnlimited = rate == WireThrottle.UNLIMITED;
    refill(nowNanos);
    rate = bytesPerSecond;
    // leaving "unlimited" starts from a full bucket: nothing was owed while there was no limit
    tokens = wasUnlimited ? capacity() : Math.min(tokens, capacity());
  }

  /** How long the next frame must wait before it may go, whatever its size; 0 when it may go now. */
  long delayNanos(long nowNanos) {
    if (rate == WireThrottle.UNLIMITED) return 0;
    refill(nowNanos);
    if (tokens >= 0) return 0;
    return Math.max(1, (long) Math.ceil(-tokens * NANOS_PER_SECOND / rate));
  }

  /** A frame of {@code cost} bytes goes now: its cost is taken, into debt if it is larger than the bucket. */
  void take(long cost, long nowNanos) {
    if (rate == WireThrottle.UNLIMITED) return;
    refill(nowNanos);
    tokens -= cost;
  }

  /**
   * A frame of {@code cost} bytes goes before its tokens accrued, having waited {@code maxWaitNanos}: the debt it
   * leaves is what the rate repays in one such wait at most, so once frames fit the rate again it paces them as usual
   * instead of holding every later frame for the whole overdue excess.
   */
  void takeOverdue(long cost, long nowNanos, long maxWaitNanos) {
    if (rate == WireThrottle.UNLIMITED) return;
    refill(nowNanos);
    tokens = Math.max(tokens - cost, -rate * (maxWaitNanos / NANOS_PER_SECOND));
  }

  private double capacity() {
    return Math.max(1, rate * (burstNanos / NANOS_PER_SECOND));
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      lastNanos = nowNanos;
      if (rate != WireThrottle.UNLIMITED) tokens = Math.min(capacity(), tokens + elapsed * (double) rate / NANOS_PER_SECOND);
    }
  }
}
