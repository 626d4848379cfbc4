package io.cfs.repl.transport.throttle;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * Paces elements to a {@link WireThrottle} with a {@link TokenBucket}. Unlike Pekko's {@code throttle}, whose rate is
 * fixed when the stream starts, it follows the throttle's changes while it runs: a change reaches it through an async
 * callback, and an element waiting for tokens is re-timed at the new rate at once (lifting the limit lets it go
 * now). Holds at most one element; while it waits, upstream is backpressured, so a throttled link shows backpressure,
 * never an error.
 */
final class ThrottleStage<T> extends GraphStage<FlowShape<T, T>> {
  private static final String TIMER = "throttle";

  private final Inlet<T> in = Inlet.create("WireThrottle.in");
  private final Outlet<T> out = Outlet.create("WireThrottle.out");
  private final FlowShape<T, T> shape = FlowShape.of(in, out);
  private final WireThrottle throttle;
  private final ToLongFunction<T> cost;
  private final LongSupplier clock;
  private final long maxWaitNanos;

  ThrottleStage(WireThrottle throttle, ToLongFunction<T> cost, LongSupplier nanoClock, long maxWaitNanos) {
    this.throttle = throttle;
    this.cost = cost;
    this.clock = nanoClock;
    this.maxWaitNanos = maxWaitNanos;
  }

  @Override
  public FlowShape<T, T> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private TokenBucket bucket;
      private Runnable unsubscribe = () -> { };
      private T waiting;
      private long waitingCost;
      private long waitingSince;
      private boolean upstreamDone;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            T element = grab(in);
            waiting = element;
            waitingCost = cost.applyAsLong(element);
            waitingSince = clock.getAsLong();
            tryEmit();
          }

          @Override
          public void onUpstreamFinish() {
            upstreamDone = true;
            if (waiting == null) completeStage();
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            if (waiting == null && !upstreamDone) pull(in);
          }
        });
      }

      @Override
      public void preStart() {
        bucket = new TokenBucket(throttle.bytesPerSecond(), throttle.burstNanos(), clock.getAsLong());
        AsyncCallback<Long> changed = createAsyncCallback(this::rateChanged);
        unsubscribe = throttle.subscribe(changed::invoke);
        // a change between reading the rate above and subscribing would otherwise be missed
        rateChanged(throttle.bytesPerSecond());
      }

      @Override
      public void postStop() {
        unsubscribe.run();
      }

      @Override
      public void onTimer(Object key) {
        tryEmit();
      }

      private void rateChanged(long bytesPerSecond) {
        if (bytesPerSecond == bucket.rate()) return;
        bucket.setRate(bytesPerSecond, clock.getAsLong());
        if (waiting != null) {
          cancelTimer(TIMER);
          tryEmit();
        }
      }

      /** Only called with an element waiting, which exists only while downstream has asked for one. */
      private void tryEmit() {
        long now = clock.getAsLong();
        long delay = bucket.delayNanos(now);
        long waitLeft = waitingSince + maxWaitNanos - now;
        if (delay > 0 && waitLeft > 0) {
          scheduleOnce(TIMER, Duration.ofNanos(Math.min(delay, waitLeft)));
          return;
        }
        if (delay > 0) {
          bucket.takeOverdue(waitingCost, now, maxWaitNanos);
        } else {
          bucket.take(waitingCost, now);
        }
        throttle.passed(waitingCost);
        T element = waiting;
        waiting = null;
        push(out, element);
        if (upstreamDone) completeStage();
      }
    };
  }
}
