package io.cfs.repl.admin.server.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import kamon.Kamon;
import kamon.prometheus.PrometheusReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kamon for this JVM: initialised once, without the Kanela agent (no bytecode instrumentation: the engine reports
 * through {@link KamonMetrics} and {@link KamonTracer} explicitly), with one Prometheus reporter and its scrape
 * endpoint. Kamon is global to the JVM, so when several nodes share one (demo, tests) they share the registry and the
 * endpoint; their series differ by the {@code site} label, and the first node's settings apply.
 *
 * <p>The operator configures {@code cfs-repl.metrics} and {@code cfs-repl.tracing}; the {@code kamon.*} keys that
 * follow from them are derived here, and the fixed ones sit in the admin module's cfs-repl-overrides.conf.
 */
public final class KamonRuntime {
  private static final Logger log = LoggerFactory.getLogger(KamonRuntime.class);
  private static KamonRuntime current;

  private final MetricsSettings settings;
  private final PrometheusEndpoint endpoint;

  private KamonRuntime(MetricsSettings settings, PrometheusEndpoint endpoint) {
    this.settings = settings;
    this.endpoint = endpoint;
  }

  /**
   * Starts Kamon for this JVM from a node's config, or returns the running one. A scrape endpoint that cannot bind
   * is logged as an error and left out; replication does not depend on it.
   */
  public static synchronized KamonRuntime start(Config config) {
    if (current != null) return current;
    MetricsSettings settings = MetricsSettings.create(config);
    Kamon.initWithoutAttaching(kamonConfig(settings).withFallback(config));
    PrometheusEndpoint endpoint = null;
    if (settings.enabled()) {
      PrometheusReporter reporter = new PrometheusReporter("kamon.prometheus", Kamon.config());
      Kamon.registerModule("cfs-repl-prometheus", reporter);
      try {
        endpoint = PrometheusEndpoint.bind(settings.prometheusHost(), settings.prometheusPort(),
            reporter::scrapeData);
        log.info("Prometheus metrics on http://{}:{}/metrics", settings.prometheusHost(), endpoint.port());
      } catch (IOException e) {
        log.error("Prometheus endpoint not available: cannot bind {}:{} (cfs-repl.metrics.prometheus.host/port): {}",
            settings.prometheusHost(), settings.prometheusPort(), e.toString());
      }
    }
    current = new KamonRuntime(settings, endpoint);
    return current;
  }

  /** The runtime of this JVM, if a node started it. */
  public static synchronized Optional<KamonRuntime> running() {
    return Optional.ofNullable(current);
  }

  /** The keys of {@code kamon.*} that follow from the operator's settings. */
  static Config kamonConfig(MetricsSettings s) {
    Map<String, Object> derived = new HashMap<>();
    derived.put("kamon.metric.tick-interval", s.tickInterval().toMillis() + "ms");
    derived.put("kamon.trace.sampler", s.tracingEnabled() ? s.sampler() : "never");
    derived.put("kamon.modules.otel-trace-reporter.enabled", s.tracingEnabled() && s.otlpEnabled());
    derived.put("kamon.otel.trace.endpoint", s.otlpEndpoint());
    derived.put("kamon.otel.trace.protocol", s.otlpProtocol());
    return ConfigFactory.parseMap(derived);
  }

  public MetricsSettings settings() {
    return settings;
  }

  /** The port the scrape endpoint is bound to, if it is. */
  public OptionalInt prometheusPort() {
    return endpoint == null ? OptionalInt.empty() : OptionalInt.of(endpoint.port());
  }

  /** One line for the node's startup output. */
  public String describe() {
    if (!settings.enabled()) return "disabled";
    return endpoint == null ? "unavailable (see log)"
        : "http://" + settings.prometheusHost() + ":" + endpoint.port() + "/metrics";
  }
}
