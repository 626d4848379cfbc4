package io.cfs.repl.it.harness;

import static org.awaitility.Awaitility.await;

import io.cfs.repl.admin.tools.check.Checker;
import io.cfs.repl.it.client.AdminClient;
import io.cfs.repl.it.client.IngestClient;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.admin.tools.proxy.FaultProxy;
import io.cfs.repl.persistence.guard.StorageThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Running sites of one or more nodes, with a fault proxy per (site, node of another site). Built by
 * {@link Topology}. The sites a {@link Checker} checks.
 *
 * <p>What a site answers (status, digest, journal heads, ingest) is the same on every node of a site, so the
 * site-level accessors ({@link #admin}, {@link #ingest}, {@link #node}) use the site's first node that runs.
 */
public final class SiteCluster implements AutoCloseable, Checker.Sites {
  private final List<String> sites;
  private final Map<String, List<NodeProcess>> nodes = new LinkedHashMap<>();
  private final Map<String, List<FaultProxy>> proxies = new LinkedHashMap<>();
  private TestDatabase database;
  private WitnessProcess witness;

  SiteCluster(List<String> sites) {
    this.sites = List.copyOf(sites);
  }

  void addNode(NodeProcess node) {
    nodes.computeIfAbsent(node.site(), s -> new ArrayList<>()).add(node);
  }

  void addProxy(String from, String to, FaultProxy proxy) {
    proxies.computeIfAbsent(from + "->" + to, l -> new ArrayList<>()).add(proxy);
  }

  /** The database the multi-node sites share; dropped when the cluster closes. */
  TestDatabase useDatabase(TestDatabase db) {
    this.database = db;
    return db;
  }

  void useWitness(WitnessProcess w) {
    this.witness = w;
  }

  /** The failover witness ({@link Topology#witness}); fails when the topology has none. */
  public WitnessProcess witness() {
    if (witness == null) throw new IllegalStateException("this topology has no witness");
    return witness;
  }

  /** Cuts every link between {@code x} and {@code y} (sites or the witness), both directions: data and control. */
  public void cutBetween(String x, String y) {
    proxiesBetween(x, y).forEach(FaultProxy::cut);
  }

  /** Heals what {@link #cutBetween} cut. */
  public void healBetween(String x, String y) {
    proxiesBetween(x, y).forEach(FaultProxy::heal);
  }

  private List<FaultProxy> proxiesBetween(String x, String y) {
    List<FaultProxy> both = new ArrayList<>(proxies(x, y));
    both.addAll(proxies(y, x));
    return both;
  }

  /** Bytes forwarded so far, both directions, by the proxies of the links to and from {@code site}. */
  public long proxiedBytes(String site) {
    return proxies.entrySet().stream()
        .filter(e -> e.getKey().startsWith(site + "->") || e.getKey().endsWith("->" + site))
        .flatMap(e -> e.getValue().stream()).mapToLong(p -> p.bytesUpstream() + p.bytesDownstream()).sum();
  }

  /** The database the sites of several nodes share (null when every site has one node). */
  public TestDatabase database() {
    return database;
  }

  @Override
  public List<String> sites() {
    return sites;
  }

  @Override
  public List<String> peersOf(String site) {
    return sites.stream().filter(s -> !s.equals(site)).toList();
  }

  /** The site's node: its only one, or for a site of several the first that runs (the first if none runs). */
  public NodeProcess node(String site) {
    List<NodeProcess> siteNodes = nodes(site);
    return siteNodes.stream().filter(n -> n.isAlive() && !n.isPaused()).findFirst().orElse(siteNodes.get(0));
  }

  /** Every node of the site, in start order. */
  public List<NodeProcess> nodes(String site) {
    List<NodeProcess> siteNodes = nodes.get(site);
    if (siteNodes == null) throw new IllegalArgumentException("no site " + site + " in " + sites);
    return List.copyOf(siteNodes);
  }

  public List<NodeProcess> nodes() {
    return nodes.values().stream().flatMap(List::stream).toList();
  }

  /** The proxy that site {@code from}'s link to site {@code to} goes through (a site of one node). */
  public FaultProxy proxy(String from, String to) {
    List<FaultProxy> all = proxies(from, to);
    if (all.size() != 1) throw new IllegalArgumentException(to + " has " + all.size() + " nodes: use proxies()");
    return all.get(0);
  }

  /** The proxies in front of each node of site {@code to}, for site {@code from}'s link. */
  public List<FaultProxy> proxies(String from, String to) {
    List<FaultProxy> p = proxies.get(from + "->" + to);
    if (p == null) throw new IllegalArgumentException("no link " + from + "->" + to);
    return List.copyOf(p);
  }

  public AdminClient admin(String site) {
    return node(site).admin();
  }

  public IngestClient ingest(String site) {
    return node(site).ingest();
  }

  @Override
  public Optional<URI> adminUri(String site) {
    return isUp(site) ? Optional.of(admin(site).base()) : Optional.empty();
  }

  @Override
  public Map<Integer, Long> journalHeads(String site) {
    return ingest(site).heads();
  }

  /** Every site's status (sites none of whose nodes runs are left out). */
  public Map<String, Status> statuses() {
    Map<String, Status> out = new LinkedHashMap<>();
    for (String site : sites) {
      NodeProcess n = node(site);
      if (n.isAlive() && !n.isPaused()) out.put(site, n.admin().status());
    }
    return out;
  }

  /** Whether at least one node of the site runs (alive and not paused). */
  public boolean isUp(String site) {
    return nodes(site).stream().anyMatch(n -> n.isAlive() && !n.isPaused());
  }

  /** Waits until the link {@code from -> to} satisfies the condition; fails with the last status seen. */
  public Status.Peer awaitLink(String from, String to, Duration timeout, String what,
                               Predicate<Status.Peer> condition) {
    Status.Peer[] last = new Status.Peer[1];
    try {
      await(from + "->" + to + " " + what).atMost(timeout).pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> {
            last[0] = admin(from).status().requirePeer(to);
            return condition.test(last[0]);
          });
      return last[0];
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(from + "->" + to + " not " + what + " within " + timeout + "; last status: "
          + last[0], e);
    }
  }

  /** Waits until every link of every site is CONNECTED. */
  public void awaitAllConnected(Duration timeout) {
    for (String from : sites) {
      for (String to : peersOf(from)) {
        awaitLink(from, to, timeout, "CONNECTED", p -> p.state().equals("CONNECTED"));
      }
    }
  }

  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    for (NodeProcess n : nodes()) {
      try {
        n.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    for (NodeProcess n : nodes()) {
      // a node that broke the storage-thread rule answered an error somewhere; the test may not have looked there
      if (brokeStorageThreadRule(n)) {
        failures.add(new IllegalStateException(n.name() + " made a storage call on a Pekko dispatcher thread: see "
            + n.logFile()));
      }
    }
    if (witness != null) witness.close();
    proxies.forEach((link, list) -> list.forEach(p -> {
      String from = link.substring(0, link.indexOf("->"));
      if (sites.contains(from)) nodes(from).get(0).note("at teardown: " + p);
    }));
    proxies.values().forEach(list -> list.forEach(FaultProxy::close));
    if (database != null) {
      try {
        database.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) throw failures.get(0);
  }

  private static boolean brokeStorageThreadRule(NodeProcess node) {
    if (!Files.exists(node.logFile())) return false;
    try (Stream<String> lines = Files.lines(node.logFile())) {
      return lines.anyMatch(line -> line.contains(StorageThreads.VIOLATION));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + node.logFile(), e);
    }
  }

  @Override
  public String toString() {
    return nodes().stream().map(n -> n.name() + "{link " + n.spec().linkPort() + ", admin "
            + n.spec().adminPort() + ", ingest " + n.spec().ingestPort() + ", pid " + (n.isAlive() ? n.pid() : "-")
            + "}").collect(Collectors.joining(", "))
        + "; proxies " + proxies.values().stream().flatMap(List::stream).map(p -> p.name() + ":" + p.port())
            .collect(Collectors.joining(", "))
        + (database == null ? "" : "; database " + database);
  }
}
