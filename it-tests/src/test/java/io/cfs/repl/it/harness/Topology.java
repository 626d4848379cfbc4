package io.cfs.repl.it.harness;

import io.cfs.repl.admin.tools.proxy.FaultProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
 *
 * <p>With {@link #witness} the mesh also has a failover witness ({@code cfs witness}, its own JVM), with a proxy per
 * direction between it and every site ({@code site->witness}, {@code witness->site}), so it can be cut off too.
 */
public final class Topology {

  private final ItContext it;
  private final List<String> sites;
  private final Map<String, Integer> nodeCounts = new HashMap<>();
  private final Map<String, String> siteConfig = new HashMap<>();
  private String commonConfig = "";
  private List<String> jvmFlags = NodeSpec.DEFAULT_JVM_FLAGS;
  private final Map<String, List<String>> siteJvmFlags = new HashMap<>();
  private boolean witness;

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

  /**
   * Adds the failover witness {@value #WITNESS}: every site's config names it (through the site's own proxy to it),
   * and it gets the common config (so the same {@code cfs-repl.failover} block) plus where the sites listen. Sites of
   * one node only.
   */
  public Topology witness() {
    witness = true;
    return this;
  }

  /** The witness's voter id, and its name in proxies ({@code site->witness}). */
  public static final String WITNESS = "witness";

  public Topology jvmFlags(List<String> flags) {
    jvmFlags = List.copyOf(flags);
    return this;
  }

  /** Flags added to the JVMs of one site's nodes (after those of {@link #jvmFlags(List)}). */
  public Topology jvmFlags(String site, List<String> flags) {
    requireSite(site);
    siteJvmFlags.put(site, List.copyOf(flags));
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
      if (witness) startWitness(cluster, ports, proxySeed);
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
            + (witness ? "\n" + witnessAddress(cluster.proxy(site, WITNESS).port()) : "")
            + (sitePorts.size() > 1 ? "\n" + multiNodeConfig(database, p[3], sitePorts) : "");
        List<String> flags = new ArrayList<>(jvmFlags);
        flags.addAll(siteJvmFlags.getOrDefault(site, List.of()));
        flags.add(GcLog.flag(it.logDir(), name));
        NodeSpec spec = new NodeSpec(site, name, it.dataDir().resolve(name), it.logDir().resolve(name + ".conf"),
            it.logDir().resolve(name + ".log"), p[0], p[1], p[2], peers, extra.strip(), flags);
        NodeProcess node = new NodeProcess(spec);
        cluster.addNode(node);
        nodes.add(node);
      }
    }
    if (witness) cluster.witness().start();
    nodes.forEach(NodeProcess::start);
    if (witness) cluster.witness().awaitReady(NodeProcess.DEFAULT_READY_TIMEOUT);
    nodes.forEach(n -> n.awaitReady(NodeProcess.DEFAULT_READY_TIMEOUT));
    System.out.println("[it] " + it.testName() + ": cluster up: " + cluster);
    return cluster;
  }

  /** The witness's proxies (one per site and direction) and its process, not started yet. */
  private void startWitness(SiteCluster cluster, Map<String, List<int[]>> ports, long proxySeed) throws IOException {
    int port = Ports.free();
    StringBuilder sitesBlock = new StringBuilder();
    for (String site : sites) {
      if (nodeCount(site) != 1) throw new IllegalArgumentException("a witness needs sites of one node: " + site);
      cluster.addProxy(site, WITNESS, FaultProxy.start(site + "->" + WITNESS, port, proxySeed++));
      FaultProxy toSite = FaultProxy.start(WITNESS + "->" + site, ports.get(site).get(0)[0], proxySeed++);
      cluster.addProxy(WITNESS, site, toSite);
      sitesBlock.append("    \"").append(site).append("\" { host = \"127.0.0.1\", port = ").append(toSite.port())
          .append(" }\n");
    }
    Path dataDir = it.dataDir().resolve(WITNESS);
    String hocon = "# generated by the it-tests harness for the witness\n" + commonConfig.strip() + "\n"
        + witnessAddress(port) + "\n"
        + NodeSpec.tlsConfig(dataDir.toAbsolutePath().resolveSibling(WITNESS + "-tls"), WITNESS)
        + "cfs-repl.witness {\n  data-dir = \"" + dataDir.toAbsolutePath() + "\"\n"
        + "  link { host = \"127.0.0.1\", port = " + port + " }\n  sites {\n" + sitesBlock + "  }\n}\n";
    List<String> flags = new ArrayList<>(jvmFlags);
    flags.add(GcLog.flag(it.logDir(), WITNESS));
    cluster.useWitness(new WitnessProcess(WITNESS, it.logDir().resolve(WITNESS + ".conf"),
        it.logDir().resolve(WITNESS + ".log"), dataDir, hocon, flags));
  }

  private static String witnessAddress(int port) {
    return "cfs-repl.failover.witness { id = \"" + WITNESS + "\", host = \"127.0.0.1\", port = " + port + " }";
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
