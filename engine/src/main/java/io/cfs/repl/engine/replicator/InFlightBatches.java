package io.cfs.repl.engine.replicator;

import io.cfs.repl.engine.metrics.BatchTracer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The batches of one connection that were shipped and not yet acknowledged, oldest first, so an ack (which names the
 * last batch it covers: the receiver merges batches) yields the round-trip latency and finishes the batches' spans.
 * Written by the shipping stage and read by the ack stage of the same link, which may run on different threads.
 * Bounded by what the link holds in flight (TCP buffers and the receiver's merge), which backpressure bounds.
 */
final class InFlightBatches {
  private record Shipped(long batchId, long shippedAtNanos, BatchTracer.BatchSpan span) {
  }

  private final ConcurrentLinkedQueue<Shipped> queue = new ConcurrentLinkedQueue<>();

  void shipped(long batchId, long atNanos, BatchTracer.BatchSpan span) {
    queue.add(new Shipped(batchId, atNanos, span));
  }

  /**
   * The ack for every batch up to {@code batchId} arrived: finishes their spans and returns the nanos since the
   * acked batch itself was shipped, or -1 when none of the covered batches was tracked (keep-alives only).
   */
  long acked(long batchId, long nowNanos) {
    long latency = -1;
    Shipped head;
    while ((head = queue.peek()) != null && head.batchId() <= batchId) {
      queue.poll();
      head.span().mark("acked");
      head.span().finish();
      latency = nowNanos - head.shippedAtNanos();
    }
    return latency;
  }

  /** The link ended: the batches still in flight will be re-sent by the next connection. */
  void abandon(String reason) {
    Shipped head;
    while ((head = queue.poll()) != null) {
      head.span().fail(reason);
    }
  }
}
