package io.cfs.repl.admin.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import io.cfs.repl.admin.AdminTestSites;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import kamon.Kamon;
import kamon.module.Module;
import kamon.module.SpanReporter;
import kamon.trace.Span;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One trace covers both sites: the sending site's ship span and the receiving site's apply span of the same batch
 * share a trace id, joined only through the traceparent the batch frame carried (both spans ignore any local
 * context), and the apply span is the ship span's child.
 */
@Tag("integration")
class CrossSiteTraceTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  /** Collects every finished span Kamon reports. */
  private static final class Collector implements SpanReporter {
    final List<Span.Finished> spans = new CopyOnWriteArrayList<>();

    @Override
    public void reportSpans(scala.collection.immutable.Seq<Span.Finished> finished) {
      spans.addAll(CollectionConverters.asJava(finished));
    }

    @Override
    public void stop() {
    }

    @Override
    public void reconfigure(Config config) {
    }
  }

  @Test
  void aBatchsShipAndApplySpansShareOneTrace() throws Exception {
    try (AdminTestSites sites = AdminTestSites.of(dir, "trace-a", "trace-b")) {
      sites.start("trace-a");
      sites.start("trace-b");
      Collector collector = new Collector();
      Module.Registration registration = Kamon.registerModule("cross-site-trace-test", collector);
      try {
        sites.append("trace-a", 5);
        await().atMost(WAIT).until(() -> pair(collector).isPresent());
        Span.Finished[] spans = pair(collector).orElseThrow();
        Span.Finished ship = spans[0];
        Span.Finished apply = spans[1];
        assertThat(apply.trace().id().string()).isEqualTo(ship.trace().id().string()).hasSize(32);
        assertThat(apply.parentId().string()).isEqualTo(ship.id().string());
        assertThat(ship.tags().get(kamon.tag.Lookups.plain("peer"))).isEqualTo("trace-b");
        assertThat(apply.tags().get(kamon.tag.Lookups.plain("origin"))).isEqualTo("trace-a");
        assertThat(ship.hasError()).isFalse();
        assertThat(apply.hasError()).isFalse();
        assertThat(CollectionConverters.asJava(ship.marks())).extracting(Span.Mark::key).contains("acked");
      } finally {
        registration.cancel();
      }
    }
  }

  /** A ship span of trace-a and the apply span of trace-b in the same trace, if both were reported. */
  private static Optional<Span.Finished[]> pair(Collector collector) {
    for (Span.Finished ship : collector.spans) {
      if (!ship.operationName().equals(KamonTracer.SHIP) || !site(ship).equals("trace-a")) continue;
      for (Span.Finished apply : collector.spans) {
        if (apply.operationName().equals(KamonTracer.APPLY) && site(apply).equals("trace-b")
            && apply.trace().id().string().equals(ship.trace().id().string())) {
          return Optional.of(new Span.Finished[] {ship, apply});
        }
      }
    }
    return Optional.empty();
  }

  private static String site(Span.Finished span) {
    return span.tags().get(kamon.tag.Lookups.plain("site"));
  }
}
