package io.cfs.repl.admin.server.metrics;

import io.cfs.repl.engine.metrics.BatchTracer;
import kamon.Kamon;
import kamon.context.Context;
import kamon.context.HttpPropagation;
import kamon.trace.Span;
import kamon.trace.SpanBuilder;
import kamon.trace.SpanPropagation;
import scala.Option;

/**
 * {@link BatchTracer} on Kamon: the sending site's span ({@code cfs.repl.batch.ship}, producer) runs from the journal
 * read to the peer's ack; the receiving site's span ({@code cfs.repl.batch.apply}, consumer) is its child, joined
 * through the W3C {@code traceparent} carried in the batch. Span metrics are off: the {@code cfs_repl_*} metrics
 * cover the same ground. The sampling decision is the sender's (Kamon's sampler, {@code cfs-repl.tracing.sampler}).
 */
public final class KamonTracer implements BatchTracer {
  static final String SHIP = "cfs.repl.batch.ship";
  static final String APPLY = "cfs.repl.batch.apply";
  private static final String COMPONENT = "cfs-repl";
  private static final String TRACEPARENT = "traceparent";
  private static final SpanPropagation.W3CTraceContext W3C = new SpanPropagation.W3CTraceContext();

  private final String site;

  public KamonTracer(String site) {
    this.site = site;
  }

  @Override
  public BatchSpan startShip(String peer, long batchId, int entries) {
    Span span = Kamon.producerSpanBuilder(SHIP, COMPONENT)
        .ignoreParentFromContext()
        .doNotTrackMetrics()
        .tag("site", site).tag("peer", peer).tag("batch.id", batchId).tag("batch.entries", entries)
        .start();
    return new KamonSpan(span);
  }

  @Override
  public BatchSpan startApply(String origin, String traceParent, int entries) {
    SpanBuilder builder = Kamon.consumerSpanBuilder(APPLY, COMPONENT)
        .ignoreParentFromContext()
        .doNotTrackMetrics()
        .tag("site", site).tag("origin", origin).tag("batch.entries", entries);
    if (traceParent != null) {
      Span parent = parse(traceParent);
      if (parent != null && !parent.isEmpty()) builder.asChildOf(parent);
    }
    return new KamonSpan(builder.start());
  }

  /** The remote span a {@code traceparent} value names, or the empty span when it is malformed. */
  static Span parse(String traceParent) {
    HttpPropagation.HeaderReader reader = new HttpPropagation.HeaderReader() {
      @Override
      public Option<String> read(String header) {
        return TRACEPARENT.equalsIgnoreCase(header) ? Option.apply(traceParent) : Option.empty();
      }

      @Override
      public scala.collection.immutable.Map<String, String> readAll() {
        return scala.collection.immutable.Map$.MODULE$.<String, String>empty().updated(TRACEPARENT, traceParent);
      }
    };
    return W3C.read(reader, Context.Empty()).get(Span.Key());
  }

  /** This span's context as a {@code traceparent} value, or null when it is empty. */
  static String format(Span span) {
    if (span.isEmpty()) return null;
    String[] value = new String[1];
    W3C.write(Context.of(Span.Key(), span), (HttpPropagation.HeaderWriter) (header, v) -> {
      if (TRACEPARENT.equalsIgnoreCase(header)) value[0] = v;
    });
    return value[0];
  }

  private static final class KamonSpan implements BatchSpan {
    private final Span span;
    /** Formatted when first asked for: only a ship span's travels, and Kamon's formatting cost more than the span. */
    private String traceParent;

    KamonSpan(Span span) {
      this.span = span;
    }

    @Override
    public String traceParent() {
      if (traceParent == null) traceParent = format(span);
      return traceParent;
    }

    @Override
    public void mark(String event) {
      span.mark(event);
    }

    @Override
    public void finish() {
      span.finish();
    }

    @Override
    public void fail(String error) {
      span.fail(error);
      span.finish();
    }
  }
}
