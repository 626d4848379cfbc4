package io.cfs.repl.admin.server.metrics;

import com.typesafe.config.Config;
import io.cfs.repl.engine.metrics.BatchTracer;
import io.cfs.repl.engine.metrics.ReplicationMetrics;
import io.cfs.repl.engine.node.NodeHooks;
import io.cfs.repl.engine.node.NodeSettings;

/** Metrics and tracing for one node, from its config: the hooks to start it with. */
public final class Observability {
  private Observability() {
  }

  /**
   * Starts Kamon for this JVM if it is not running yet (see {@link KamonRuntime}) and returns hooks that report this
   * node's site to it: {@link KamonMetrics} unless {@code cfs-repl.metrics.enabled} is off, {@link KamonTracer}
   * unless {@code cfs-repl.tracing.enabled} is off.
   */
  public static NodeHooks hooks(Config nodeConfig) {
    MetricsSettings settings = MetricsSettings.create(nodeConfig);
    if (!settings.enabled() && !settings.tracingEnabled()) return NodeHooks.NONE;
    KamonRuntime.start(nodeConfig);
    NodeSettings node = NodeSettings.create(nodeConfig);
    ReplicationMetrics metrics = settings.enabled()
        ? new KamonMetrics(node.siteId(), node.peers().keySet()) : ReplicationMetrics.NONE;
    BatchTracer tracer = settings.tracingEnabled() ? new KamonTracer(node.siteId()) : BatchTracer.NONE;
    return NodeHooks.NONE.withMetrics(metrics).withTracer(tracer);
  }

  /** The scrape endpoint of this JVM for the node's startup output: its URL, "disabled" or "unavailable". */
  public static String describe() {
    return KamonRuntime.running().map(KamonRuntime::describe).orElse("disabled");
  }
}
