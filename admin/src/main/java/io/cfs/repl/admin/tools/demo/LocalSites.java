package io.cfs.repl.admin.tools.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cfs.repl.engine.apply.ApplyListener;
import io.cfs.repl.engine.node.LoopbackSites;
import io.cfs.repl.engine.node.NodeConfig;
import io.cfs.repl.engine.node.ReplicationNode;
import io.cfs.repl.transport.tls.DevPki;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several sites started in this JVM, each its own actor system, data dir and loopback link port, every site a
 * peer of every other: the demo and the benchmark run real TCP links and real storage, just in one process.
 */
public final class LocalSites implements AutoCloseable {
  /** Site links as plain TCP: for the benchmark, to compare like for like with plain-TCP baselines. */
  public static final String INSECURE = "cfs-repl.transport.tls.insecure";

  private final List<ReplicationNode> nodes;

  private LocalSites(List<ReplicationNode> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  public static List<String> siteNames(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) names.add("site-" + (char) ('a' + i));
    return names;
  }

  /** Starts the sites; {@code listeners} may give an apply listener per site. */
  public static LocalSites start(List<String> sites, Path baseDir, Map<String, ApplyListener> listeners)
      throws Exception {
    return start(sites, baseDir, listeners, Map.of());
  }

  /** Starts the sites with {@code extraKeys} (config path to value) set on every one of them. */
  public static LocalSites start(List<String> sites, Path baseDir, Map<String, ApplyListener> listeners,
                                 Map<String, Object> extraKeys) throws Exception {
    Map<String, Integer> ports = new HashMap<>();
    for (String site : sites) ports.put(site, LoopbackSites.freePort());
    // site links run mutual TLS with certificates of a throwaway CA, unless the caller runs them plain on purpose
    DevPki pki = Boolean.TRUE.equals(extraKeys.get(INSECURE)) ? null : DevPki.create("cfs-repl local sites");
    List<ReplicationNode> nodes = new ArrayList<>();
    try {
      for (String site : sites) {
        Map<String, Object> keys = new HashMap<>(extraKeys);
        if (pki != null) {
          keys.putAll(pki.issue(baseDir.resolve("tls"), site).configKeys());
          keys.put(INSECURE, false);
        }
        nodes.add(ReplicationNode.start(siteConfig(site, ports, baseDir.resolve(site), keys),
            listeners.getOrDefault(site, ApplyListener.NONE)));
      }
    } catch (Exception e) {
      nodes.forEach(ReplicationNode::close);
      throw e;
    }
    return new LocalSites(nodes);
  }

  static Config siteConfig(String site, Map<String, Integer> ports, Path dataDir, Map<String, Object> extraKeys) {
    Map<String, Object> keys = LoopbackSites.nodeKeys(site, dataDir, ports);
    keys.putAll(extraKeys);
    return NodeConfig.load(ConfigFactory.parseMap(keys));
  }

  public List<ReplicationNode> nodes() {
    return nodes;
  }

  public ReplicationNode node(String site) {
    return nodes.stream().filter(n -> n.siteId().equals(site)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no site " + site));
  }

  @Override
  public void close() {
    nodes.forEach(ReplicationNode::close);
  }
}
