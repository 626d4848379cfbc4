package io.cfs.repl.admin.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.cfs.repl.admin.AdminTestSites;
import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.node.NodeConfig;
import kamon.Kamon;
import kamon.context.Context;
import kamon.context.HttpPropagation;
import kamon.trace.Identifier;
import kamon.trace.Identifier$Scheme$;
import kamon.trace.Span;
import kamon.trace.SpanPropagation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The traceparent a ship span sends is what Kamon's own W3C propagation would write, sampled or not. */
class KamonTracerTest {
  private static final SpanPropagation.W3CTraceContext W3C = new SpanPropagation.W3CTraceContext();

  /** Kamon's tracer hands out empty spans until it is started: as a node starts it (or one before did, in this JVM). */
  @BeforeAll
  static void startKamon() {
    KamonRuntime.start(ConfigFactory.parseMap(AdminTestSites.OBSERVABILITY).withFallback(NodeConfig.base()));
  }

  private static String byKamon(Span span) {
    String[] value = new String[1];
    W3C.write(Context.of(Span.Key(), span), (HttpPropagation.HeaderWriter) (header, v) -> {
      if ("traceparent".equalsIgnoreCase(header)) value[0] = v;
    });
    return value[0];
  }

  private static Span childOf(String traceParent) {
    Span parent = KamonTracer.parse(traceParent);
    assertThat(parent.isEmpty()).isFalse();
    return Kamon.spanBuilder("test").ignoreParentFromContext().asChildOf(parent).start();
  }

  @Test
  void aSpanOfItsOwnTraceIsFormattedAsKamonWouldWriteIt() {
    for (int i = 0; i < 200; i++) { // random ids: some with leading zero bytes
      Span span = Kamon.producerSpanBuilder("test", "cfs-repl").ignoreParentFromContext().start();
      assertThat(KamonTracer.format(span)).isEqualTo(byKamon(span)).hasSize(55);
      span.finish();
    }
  }

  @Test
  void aChildOfARemoteParentCarriesItsTraceAndAnUnsampledSpanSaysSo() {
    String trace = "0af7651916cd43dd8448eb211c80319c";
    Span sampled = childOf("00-" + trace + "-b7ad6b7169203331-01");
    assertThat(KamonTracer.format(sampled)).isEqualTo(byKamon(sampled)).startsWith("00-" + trace + "-").endsWith("-01");
    Span notSampled = Kamon.spanBuilder("test").ignoreParentFromContext()
        .samplingDecision(kamon.trace.Trace$SamplingDecision$DoNotSample$.MODULE$).start();
    assertThat(KamonTracer.format(notSampled)).isEqualTo(byKamon(notSampled)).endsWith("-00");
    // a 64-bit trace id (Kamon's "single" identifier scheme) is left-padded to 32 digits
    Identifier shortId = Identifier$Scheme$.MODULE$.Single().traceIdFactory().from("8448eb211c80319c");
    Span shortTrace = Kamon.spanBuilder("test").ignoreParentFromContext().traceId(shortId).start();
    assertThat(KamonTracer.format(shortTrace)).isEqualTo(byKamon(shortTrace))
        .startsWith("00-00000000000000008448eb211c80319c-");
  }

  @Test
  void anEmptySpanHasNoTraceParent() {
    assertThat(KamonTracer.format(KamonTracer.parse("not a traceparent"))).isNull();
  }

  @Test
  void theReceiverFollowsTheSendersDecisionBothWays() {
    KamonTracer receiver = new KamonTracer("site-b"); // the tests' sampler keeps every trace it decides on
    String trace = "0af7651916cd43dd8448eb211c80319c";
    BatchTracer.BatchSpan sampled = receiver.startApply("site-a", "00-" + trace + "-b7ad6b7169203331-01", 10);
    assertThat(sampled.traceParent()).startsWith("00-" + trace + "-").endsWith("-01");
    // dropped by the sender: no span here either, not even an unsampled one (never exported, so not started)
    BatchTracer.BatchSpan dropped = receiver.startApply("site-a", "00-" + trace + "-b7ad6b7169203331-00", 10);
    assertThat(dropped).isSameAs(BatchTracer.BatchSpan.NONE);
    // no context from the sender: this site's sampler decides
    BatchTracer.BatchSpan own = receiver.startApply("site-a", null, 10);
    assertThat(own.traceParent()).endsWith("-01");
    own.finish();
    sampled.finish();
    dropped.finish();
  }

  @Test
  void aParsedTraceParentNamesWhatKamonsReaderNames() {
    String value = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Span ours = KamonTracer.parse(value);
    Span kamons = W3C.read(new HttpPropagation.HeaderReader() {
      @Override
      public scala.Option<String> read(String header) {
        return "traceparent".equals(header) ? scala.Option.apply(value) : scala.Option.empty();
      }

      @Override
      public scala.collection.immutable.Map<String, String> readAll() {
        return scala.collection.immutable.Map$.MODULE$.<String, String>empty().updated("traceparent", value);
      }
    }, Context.Empty()).get(Span.Key());
    assertThat(ours.id()).isEqualTo(kamons.id());
    assertThat(ours.trace().id()).isEqualTo(kamons.trace().id());
    assertThat(ours.trace().samplingDecision()).isEqualTo(kamons.trace().samplingDecision());
    assertThat(ours.isRemote()).isTrue();
  }

  @Test
  void aMalformedTraceParentNamesNoSpan() {
    String good = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    assertThat(KamonTracer.parse(good).isEmpty()).isFalse();
    for (String bad : new String[] {"", "garbage", good.substring(1), good + "0", "01" + good.substring(2),
        good.replace('a', 'x'), good.substring(0, 53) + "zz", good.replace("-b7", "_b7"),
        "00-00000000000000000000000000000000-b7ad6b7169203331-01"}) {
      assertThat(KamonTracer.parse(bad).isEmpty()).as(bad).isTrue();
    }
  }
}
