package io.cfs.repl.transport.throttle;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The limit on one link's outgoing bytes per second, which its owner may change while the link runs. The link's
 * {@link ThrottleStage} is told of every change at once, so a new rate applies to the running connection: the link
 * is not reconnected. It outlives connections: each new one starts with the rate set last. It also counts the bytes it
 * let through, so the owner can show the rate on the wire.
 *
 * <p>Thread-safe: set by the owner (an actor), read and counted by stream stages.
 */
public final class WireThrottle {
  /** No limit. */
  public static final long UNLIMITED = 0;

  private final long burstNanos;
  private final AtomicLong passed = new AtomicLong();
  private final Set<LongConsumer> listeners = ConcurrentHashMap.newKeySet();
  private volatile long bytesPerSecond;

  /**
   * @param bytesPerSecond the starting rate, {@link #UNLIMITED} for none
   * @param burst how much of the rate may go at once after a quiet spell (the token bucket's size, in time)
   */
  public WireThrottle(long bytesPerSecond, Duration burst) {
    requireRate(bytesPerSecond);
    if (burst.isNegative() || burst.isZero()) throw new IllegalArgumentException("burst must be > 0: " + burst);
    this.bytesPerSecond = bytesPerSecond;
    this.burstNanos = burst.toNanos();
  }

  /** A throttle that never limits (for links that have none). */
  public static WireThrottle unlimited() {
    return new WireThrottle(UNLIMITED, Duration.ofMillis(100));
  }

  static void requireRate(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("a throttle is bytes per second >= 0 (0 = unlimited), was "
          + bytesPerSecond);
    }
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** Sets the rate; a running link follows it from its next frame on (a frame waiting now is re-timed). */
  public void set(long bytesPerSecond) {
    requireRate(bytesPerSecond);
    this.bytesPerSecond = bytesPerSecond;
    listeners.forEach(listener -> listener.accept(bytesPerSecond));
  }

  /** Bytes let through since this throttle was made, over every connection. */
  public long bytesPassed() {
    return passed.get();
  }

  /**
   * Paces frames to this throttle, each costing {@code cost} bytes (what it takes on the wire). No frame waits longer
   * than {@code maxWait}: a link silent for its idle timeout fails, so a frame that would need longer at this rate
   * (one larger than {@code maxWait} of the rate, or batches read before the rate was lowered) goes after
   * {@code maxWait}, and the link runs above its throttle while such frames last instead of failing and reconnecting.
   */
  public <T> Flow<T, T, NotUsed> flow(ToLongFunction<T> cost, Duration maxWait) {
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("maxWait must be > 0: " + maxWait);
    }
    return Flow.fromGraph(new ThrottleStage<>(this, cost, System::nanoTime, maxWait.toNanos()));
  }

  long burstNanos() {
    return burstNanos;
  }

  void passed(long bytes) {
    passed.addAndGet(bytes);
  }

  /** Tells {@code listener} of every later change until the returned action is run. */
  Runnable subscribe(LongConsumer listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }
}
