package io.cfs.repl.engine.metrics;

/**
 * Trace spans of a batch's trip, read -> ship -> apply -> ack, so one trace covers both sites. The sending side's
 * span context travels in the batch frame ({@code ShipBatch.traceParent}, W3C trace-context format); the receiving
 * side starts its apply span as a child of it. The tracing library (Kamon) lives in one adapter. Methods are called
 * on stream threads and must neither block nor throw.
 */
public interface BatchTracer {
  /** Traces nothing. */
  BatchTracer NONE = new BatchTracer() {
    @Override
    public BatchSpan startShip(String peer, long batchId, int entries) {
      return BatchSpan.NONE;
    }

    @Override
    public BatchSpan startApply(String origin, String traceParent, int entries) {
      return BatchSpan.NONE;
    }
  };

  /** A batch for {@code peer} was read from the journal: the span lasts until the peer acknowledges it. */
  BatchSpan startShip(String peer, long batchId, int entries);

  /** A batch from {@code origin} is about to be applied; {@code traceParent} is the sender's span, or null. */
  BatchSpan startApply(String origin, String traceParent, int entries);

  /** One span; finished exactly once. */
  interface BatchSpan {
    /** A span that records nothing and carries no context. */
    BatchSpan NONE = new BatchSpan() {
      @Override
      public String traceParent() {
        return null;
      }

      @Override
      public void mark(String event) {
      }

      @Override
      public void finish() {
      }

      @Override
      public void fail(String error) {
      }
    };

    /** This span's context as a W3C {@code traceparent} value, or null when not traced. */
    String traceParent();

    /** Records a point in time on the span (e.g. "shipped"). */
    void mark(String event);

    void finish();

    void fail(String error);
  }
}
