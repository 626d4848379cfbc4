package io.cfs.repl.engine.replicator;

import java.util.function.LongConsumer;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Measures backpressure: holds one element read ahead and reports, for each element, how long it waited for
 * downstream demand (0 when demand was already there). Behaves as a buffer of one element otherwise; completion and
 * failure pass through after the held element.
 */
final class DemandWait<T> extends GraphStage<FlowShape<T, T>> {
  private final Inlet<T> in = Inlet.create("DemandWait.in");
  private final Outlet<T> out = Outlet.create("DemandWait.out");
  private final FlowShape<T, T> shape = FlowShape.of(in, out);
  private final LongConsumer onWait;

  DemandWait(LongConsumer onWait) {
    this.onWait = onWait;
  }

  @Override
  public FlowShape<T, T> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private T held;
      private long heldSince;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            T element = grab(in);
            if (isAvailable(out)) {
              push(out, element);
              onWait.accept(0);
              pull(in);
            } else {
              held = element;
              heldSince = System.nanoTime();
            }
          }

          @Override
          public void onUpstreamFinish() {
            if (held == null) {
              completeStage();
            }
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            if (held == null) {
              if (!hasBeenPulled(in) && !isClosed(in)) pull(in);
              return;
            }
            T element = held;
            held = null;
            push(out, element);
            onWait.accept(System.nanoTime() - heldSince);
            if (isClosed(in)) {
              completeStage();
            } else {
              pull(in);
            }
          }
        });
      }

      @Override
      public void preStart() {
        pull(in);
      }
    };
  }
}
