package io.cfs.repl.admin.server.metrics;

import io.cfs.repl.engine.metrics.BatchTracer;
import kamon.Kamon;
import kamon.trace.Identifier;
import kamon.trace.Identifier$;
import kamon.trace.Identifier$Scheme$;
import kamon.trace.Span;
import kamon.trace.Span$Empty$;
import kamon.trace.Span$Remote$;
import kamon.trace.SpanBuilder;
import kamon.trace.Trace;
import kamon.trace.Trace$;
import kamon.trace.Trace$SamplingDecision$DoNotSample$;
import kamon.trace.Trace$SamplingDecision$Sample$;

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

  /**
   * A span only if the sender's is sampled (or the sender sent no context: then this site's sampler decides). An
   * unsampled span is never exported and tracks no metrics, yet its start was a third of the tracing cost per batch
   * at the peer (a profile at 10K/s): a batch the sender dropped gets no span at all.
   */
  @Override
  public BatchSpan startApply(String origin, String traceParent, int entries) {
    Span parent = traceParent == null ? Span$Empty$.MODULE$ : parse(traceParent);
    if (!parent.isEmpty() && parent.trace().samplingDecision() == Trace$SamplingDecision$DoNotSample$.MODULE$) {
      return BatchSpan.NONE;
    }
    SpanBuilder builder = Kamon.consumerSpanBuilder(APPLY, COMPONENT)
        .ignoreParentFromContext()
        .doNotTrackMetrics()
        .tag("site", site).tag("origin", origin).tag("batch.entries", entries);
    if (!parent.isEmpty()) builder.asChildOf(parent);
    return new KamonSpan(builder.start());
  }

  /**
   * The remote span a {@code traceparent} value names ({@code 00-<32 hex>-<16 hex>-<2 hex>}, as {@link #format} writes
   * it), or the empty span when it is malformed. The sender's decision is followed both ways: a sampled flag makes the
   * apply span sampled, a clear one makes it unsampled. (Kamon's W3C reader takes a clear flag as no decision, so a
   * receiver's own sampler would then keep apply spans of batches whose ship span was dropped: half traces.)
   */
  static Span parse(String traceParent) {
    if (traceParent.length() != 55 || !traceParent.startsWith("00-") || traceParent.charAt(35) != '-'
        || traceParent.charAt(52) != '-') {
      return Span$Empty$.MODULE$;
    }
    int flags = Character.digit(traceParent.charAt(53), 16) << 4 | Character.digit(traceParent.charAt(54), 16);
    Identifier.Scheme ids = Identifier$Scheme$.MODULE$.Double();
    Identifier traceId = ids.traceIdFactory().from(traceParent.substring(3, 35));
    Identifier spanId = ids.spanIdFactory().from(traceParent.substring(36, 52));
    if (flags < 0 || invalid(traceId) || invalid(spanId)) return Span$Empty$.MODULE$;
    Trace.SamplingDecision decision = (flags & 1) != 0
        ? Trace$SamplingDecision$Sample$.MODULE$ : Trace$SamplingDecision$DoNotSample$.MODULE$;
    return Span$Remote$.MODULE$.apply(spanId, Identifier$.MODULE$.Empty(), Trace$.MODULE$.apply(traceId, decision));
  }

  /** Not hex, or all zeros (which W3C trace context makes invalid). */
  private static boolean invalid(Identifier id) {
    if (id.isEmpty()) return true;
    for (byte b : id.bytes()) {
      if (b != 0) return false;
    }
    return true;
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
    out[54] = span.trace().samplingDecision() == Trace$SamplingDecision$Sample$.MODULE$ ? '1' : '0';
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
