package io.cfs.repl.admin.server.metrics;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Typed view of {@code cfs-repl.metrics} and {@code cfs-repl.tracing} (documented in the admin module's
 * reference.conf), read once and validated.
 *
 * @param enabled whether the node reports metrics at all
 * @param prometheusHost interface the Prometheus scrape endpoint binds to
 * @param prometheusPort its port; 0 picks a free one (the node prints it)
 * @param tickInterval how often Kamon snapshots the instruments (what a scrape sees is at most this old)
 * @param tracingEnabled whether each batch gets spans (read -> ship -> apply -> ack) propagated across sites
 * @param sampler Kamon's sampler: always, never, random or adaptive
 * @param otlpEnabled whether finished spans are exported over OTLP
 * @param otlpEndpoint the OTLP collector endpoint
 * @param otlpProtocol grpc or http/protobuf
 */
public record MetricsSettings(boolean enabled, String prometheusHost, int prometheusPort, Duration tickInterval,
                              boolean tracingEnabled, String sampler, boolean otlpEnabled, String otlpEndpoint,
                              String otlpProtocol) {

  public MetricsSettings {
    require(prometheusHost != null && !prometheusHost.isBlank(), "metrics.prometheus.host must not be empty");
    require(prometheusPort >= 0 && prometheusPort <= 65535, "metrics.prometheus.port must be within 0 and 65535");
    require(!tickInterval.isNegative() && !tickInterval.isZero(), "metrics.tick-interval must be > 0");
    require(sampler.equals("always") || sampler.equals("never") || sampler.equals("random")
        || sampler.equals("adaptive"), "tracing.sampler must be always, never, random or adaptive");
    require(otlpProtocol.equals("grpc") || otlpProtocol.equals("http/protobuf"),
        "tracing.otlp.protocol must be grpc or http/protobuf");
  }

  public static MetricsSettings create(Config root) {
    Config m = root.getConfig("cfs-repl.metrics");
    Config t = root.getConfig("cfs-repl.tracing");
    return new MetricsSettings(m.getBoolean("enabled"), m.getString("prometheus.host"),
        m.getInt("prometheus.port"), m.getDuration("tick-interval"), t.getBoolean("enabled"),
        t.getString("sampler"), t.getBoolean("otlp.enabled"), t.getString("otlp.endpoint"),
        t.getString("otlp.protocol"));
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("cfs-repl." + message);
  }
}
