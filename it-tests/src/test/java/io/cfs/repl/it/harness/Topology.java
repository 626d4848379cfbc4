package io.cfs.repl.it.harness;

import io.cfs.repl.it.fault.FaultProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builder of a {@link SiteCluster}: which sites, their config, their JVM flags. Every site is a peer of every other
 * one, and each ordered pair of sites gets its own {@link FaultProxy} (site A's link to B dials proxy A->B), so
 * network faults are per direction.
 *
 * <p>Sites have one node each for now: a site of several nodes needs a journal shared by the site's nodes (so the
 * SiteReplicator singleton can move and still read the journal), which the product does not have yet.
 */
public final class Topology {
  private final ItContext it;
  private final List<String> sites;
  private final Map<String, String> siteConfig = new HashMap<>();
  private String commonConfig = "";
  private List<String> jvmFlags = NodeSpec.DEFAULT_JVM_FLAGS;
  private boolean ingest = true;

  Topology(ItContext it, List<String> sites) {
    if (sites.size() < 2) throw new IllegalArgumentException("a topology needs at least two sites: " + sites);
    if (sites.stream().distinct().count() != sites.size()) throw new IllegalArgumentException("duplicate sites");
    this.it = it;
    this.sites = List.copyOf(sites);
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

  /** Whether readiness waits for the ingest endpoint (default: yes). */
  public Topology ingest(boolean expected) {
    ingest = expected;
    return this;
  }

  /** Allocates ports, starts the proxies and all nodes in parallel, and waits until every node is ready. */
  public SiteCluster start() {
    Map<String, int[]> ports = new LinkedHashMap<>(); // site -> link, admin, ingest
    for (String site : sites) ports.put(site, new int[] {Ports.free(), Ports.free(), Ports.free()});
    SiteCluster cluster = it.register(new SiteCluster(sites));
    try {
      long proxySeed = it.seed();
      for (String from : sites) {
        for (String to : sites) {
          if (!from.equals(to)) {
            cluster.addProxy(from, to, FaultProxy.start(from + "->" + to, ports.get(to)[0], proxySeed++));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start fault proxies", e);
    }
    List<NodeProcess> nodes = new ArrayList<>();
    for (String site : sites) {
      Map<String, Integer> peers = new LinkedHashMap<>();
      for (String peer : sites) {
        if (!peer.equals(site)) peers.put(peer, cluster.proxy(site, peer).port());
      }
      int[] p = ports.get(site);
      String extra = commonConfig + "\n" + siteConfig.getOrDefault(site, "");
      List<String> flags = new ArrayList<>(jvmFlags);
      flags.add(GcLog.flag(it.logDir(), site));
      NodeSpec spec = new NodeSpec(site, site, it.dataDir().resolve(site), it.logDir().resolve(site + ".conf"),
          it.logDir().resolve(site + ".log"), p[0], p[1], p[2], peers, extra.strip(), flags);
      NodeProcess node = new NodeProcess(spec, ingest);
      cluster.addNode(node);
      nodes.add(node);
    }
    nodes.forEach(NodeProcess::start);
    nodes.forEach(n -> n.awaitReady(NodeProcess.DEFAULT_READY_TIMEOUT));
    System.out.println("[it] " + it.testName() + ": cluster up: " + cluster);
    return cluster;
  }

  private void requireSite(String site) {
    if (!sites.contains(site)) throw new IllegalArgumentException("no site " + site + " in " + sites);
  }
}
