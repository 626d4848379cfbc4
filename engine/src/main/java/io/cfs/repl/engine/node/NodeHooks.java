package io.cfs.repl.engine.node;

import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.apply.ApplyListener;

/**
 * What observes a node from outside the engine: an apply listener (benchmarks, tests), metrics and batch tracing.
 * Each defaults to doing nothing.
 */
public record NodeHooks(ApplyListener applyListener, ReplicationMetrics metrics, BatchTracer tracer) {
  /** Observes nothing. */
  public static final NodeHooks NONE = new NodeHooks(ApplyListener.NONE, ReplicationMetrics.NONE, BatchTracer.NONE);

  public NodeHooks {
    applyListener = applyListener == null ? ApplyListener.NONE : applyListener;
    metrics = metrics == null ? ReplicationMetrics.NONE : metrics;
    tracer = tracer == null ? BatchTracer.NONE : tracer;
  }

  public static NodeHooks of(ApplyListener applyListener) {
    return NONE.withApplyListener(applyListener);
  }

  public NodeHooks withApplyListener(ApplyListener listener) {
    return new NodeHooks(listener, metrics, tracer);
  }

  public NodeHooks withMetrics(ReplicationMetrics replicationMetrics) {
    return new NodeHooks(applyListener, replicationMetrics, tracer);
  }

  public NodeHooks withTracer(BatchTracer batchTracer) {
    return new NodeHooks(applyListener, metrics, batchTracer);
  }
}
