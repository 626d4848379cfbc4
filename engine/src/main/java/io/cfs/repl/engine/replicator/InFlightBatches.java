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
  private record Shipped(long batchId, long shippedAtNanos, long bytes, BatchTracer.BatchSpan span) {
  }

  /**
   * What one ack covered.
   *
   * @param latencyNanos nanos since the acked batch itself was shipped, or -1 when none of the covered batches was
   *     tracked (keep-alives only)
   * @param bytes the encoded size of the batches it covered
   */
  record Acked(long latencyNanos, long bytes) {
  }

  private final ConcurrentLinkedQueue<Shipped> queue = new ConcurrentLinkedQueue<>();

  void shipped(long batchId, long atNanos, long bytes, BatchTracer.BatchSpan span) {
    queue.add(new Shipped(batchId, atNanos, bytes, span));
  }

  /** The ack for every batch up to {@code batchId} arrived: finishes their spans. */
  Acked acked(long batchId, long nowNanos) {
    long latency = -1;
    long bytes = 0;
    Shipped head;
    while ((head = queue.peek()) != null && head.batchId() <= batchId) {
      queue.poll();
      head.span().mark("acked");
      head.span().finish();
      latency = nowNanos - head.shippedAtNanos();
      bytes += head.bytes();
    }
    return new Acked(latency, bytes);
  }

  /** The link ended: the batches still in flight will be re-sent by the next connection. */
  void abandon(String reason) {
    Shipped head;
    while ((head = queue.poll()) != null) {
      head.span().fail(reason);
    }
  }
}
