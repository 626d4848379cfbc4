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

  /**
   * This span's context as a {@code traceparent} value, or null when it is empty: what Kamon's W3C propagation writes
   * ({@code 00-<trace id, 32 hex>-<span id, 16 hex>-<01 if sampled, else 00>}, ids left-padded with zeros), built
   * directly. Kamon formats each id byte through {@code String.format} and goes through a context and a header writer:
   * a profile at 10K/s put a third of the link's per-batch shipping cost there.
   */
  static String format(Span span) {
    if (span.isEmpty()) return null;
    char[] out = new char[55];
    "00-".getChars(0, 3, out, 0);
    hex(span.trace().id().bytes(), out, 3, 32);
    out[35] = '-';
    hex(span.id().bytes(), out, 36, 16);
    out[52] = '-';
    out[53] = '0';
    out[54] = span.trace().samplingDecision() == kamon.trace.Trace$SamplingDecision$Sample$.MODULE$ ? '1' : '0';
    return new String(out);
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** {@code id} in lowercase hex, right-aligned in {@code digits} characters at {@code at}, zeros to its left. */
  private static void hex(byte[] id, char[] out, int at, int digits) {
    int pad = digits - 2 * id.length;
    for (int i = 0; i < pad; i++) out[at + i] = '0';
    for (int i = Math.max(0, -pad / 2), o = at + Math.max(0, pad); i < id.length; i++, o += 2) {
      out[o] = HEX[(id[i] >> 4) & 0xf];
      out[o + 1] = HEX[id[i] & 0xf];
    }
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
