package io.cfs.repl.it.harness;

import io.cfs.repl.it.fault.FaultProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builder of a {@link SiteCluster}: which sites, how many nodes each, their config, their JVM flags. Every site is a
 * peer of every other one, and every site gets its own {@link FaultProxy} in front of each node of every other site
 * (site A's link to B's node 2 dials proxy A->B/2), so network faults are per direction.
 *
 * <p>A site of one node keeps everything embedded under its data dir. A site of several nodes is one Pekko cluster
 * whose nodes share the site's journal, store and cursors in PostgreSQL (a database created for the test, see
 * {@link TestDatabase}), so its SiteReplicators can move between them. Such sites run with the shipped
 * failure-detection, downing and lease defaults.
 */
public final class Topology {

  private final ItContext it;
  private final List<String> sites;
  private final Map<String, Integer> nodeCounts = new HashMap<>();
  private final Map<String, String> siteConfig = new HashMap<>();
  private String commonConfig = "";
  private List<String> jvmFlags = NodeSpec.DEFAULT_JVM_FLAGS;

  Topology(ItContext it, List<String> sites) {
    if (sites.size() < 2) throw new IllegalArgumentException("a topology needs at least two sites: " + sites);
    if (sites.stream().distinct().count() != sites.size()) throw new IllegalArgumentException("duplicate sites");
    this.it = it;
    this.sites = List.copyOf(sites);
  }

  /** Runs {@code site} as a cluster of {@code n} nodes (1 to 3) sharing PostgreSQL storage. NEEDS PostgreSQL. */
  public Topology nodes(String site, int n) {
    requireSite(site);
    if (n < 1 || n > 3) throw new IllegalArgumentException("a site has 1 to 3 nodes, not " + n);
    nodeCounts.put(site, n);
    return this;
  }

  /** HOCON appended to every node's config. */
  public Topology config(String hocon) {
    commonConfig = commonConfig + "\n" + hocon;
    return this;
  }

  /** HOCON appended to one site's config. */
  public Topology config(String site, String hocon) {
    requireSite(site);
    siteConfig.merge(site, hocon, (a, b) -> a + "\n" + b);
    return this;
  }

  public Topology jvmFlags(List<String> flags) {
    jvmFlags = List.copyOf(flags);
    return this;
  }

  private int nodeCount(String site) {
    return nodeCounts.getOrDefault(site, 1);
  }

  /** Allocates ports, starts the proxies and all nodes in parallel, and waits until every node is ready. */
  public SiteCluster start() {
    Map<String, List<int[]>> ports = new LinkedHashMap<>(); // site -> per node: link, admin, ingest, cluster
    for (String site : sites) {
      List<int[]> nodes = new ArrayList<>();
      for (int i = 0; i < nodeCount(site); i++) {
        nodes.add(new int[] {Ports.free(), Ports.free(), Ports.free(), Ports.free()});
      }
      ports.put(site, nodes);
    }
    SiteCluster cluster = it.register(new SiteCluster(sites));
    boolean shared = sites.stream().anyMatch(s -> nodeCount(s) > 1);
    TestDatabase database = shared ? cluster.useDatabase(TestDatabase.create(it.testName())) : null;
    try {
      long proxySeed = it.seed();
      for (String from : sites) {
        for (String to : sites) {
          if (from.equals(to)) continue;
          for (int i = 0; i < nodeCount(to); i++) {
            String name = from + "->" + nodeName(to, i);
            cluster.addProxy(from, to, FaultProxy.start(name, ports.get(to).get(i)[0], proxySeed++));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start fault proxies", e);
    }
    List<NodeProcess> nodes = new ArrayList<>();
    for (String site : sites) {
      Map<String, List<Integer>> peers = new LinkedHashMap<>();
      for (String peer : sites) {
        if (!peer.equals(site)) peers.put(peer, cluster.proxies(site, peer).stream().map(FaultProxy::port).toList());
      }
      List<int[]> sitePorts = ports.get(site);
      for (int i = 0; i < sitePorts.size(); i++) {
        int[] p = sitePorts.get(i);
        String name = nodeName(site, i);
        String extra = commonConfig + "\n" + siteConfig.getOrDefault(site, "")
            + (sitePorts.size() > 1 ? "\n" + multiNodeConfig(database, p[3], sitePorts) : "");
        List<String> flags = new ArrayList<>(jvmFlags);
        flags.add(GcLog.flag(it.logDir(), name));
        NodeSpec spec = new NodeSpec(site, name, it.dataDir().resolve(name), it.logDir().resolve(name + ".conf"),
            it.logDir().resolve(name + ".log"), p[0], p[1], p[2], peers, extra.strip(), flags);
        NodeProcess node = new NodeProcess(spec);
        cluster.addNode(node);
        nodes.add(node);
      }
    }
    nodes.forEach(NodeProcess::start);
    nodes.forEach(n -> n.awaitReady(NodeProcess.DEFAULT_READY_TIMEOUT));
    System.out.println("[it] " + it.testName() + ": cluster up: " + cluster);
    return cluster;
  }

  private String nodeName(String site, int index) {
    return nodeCount(site) == 1 ? site : site + "-" + (index + 1);
  }

  /**
   * Shared storage, and one site cluster whose contact points are all its nodes' admin endpoints (Cluster Bootstrap):
   * a restarted node joins the nodes still running, however slowly they answer, instead of forming a cluster of its
   * own.
   */
  private static String multiNodeConfig(TestDatabase database, int clusterPort, List<int[]> sitePorts) {
    String points = sitePorts.stream().map(p -> "\"127.0.0.1:" + p[1] + "\"").collect(Collectors.joining(", "));
    return "cfs-repl.node.storage = postgres\n"
        + "cfs-repl.persistence.postgres.url = \"" + database.url() + "\"\n"
        + "cfs-repl.node.cluster { port = " + clusterPort + ", contact-points = [" + points + "] }\n";
  }

  private void requireSite(String site) {
    if (!sites.contains(site)) throw new IllegalArgumentException("no site " + site + " in " + sites);
  }
}
