package io.cfs.repl.it.harness;

import static org.awaitility.Awaitility.await;

import io.cfs.repl.it.client.AdminClient;
import io.cfs.repl.it.client.IngestClient;
import io.cfs.repl.it.client.Status;
import io.cfs.repl.it.fault.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/** Running sites (one node each), with a fault proxy per ordered pair of sites. Built by {@link Topology}. */
public final class SiteCluster implements AutoCloseable {
  private final List<String> sites;
  private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
  private final Map<String, FaultProxy> proxies = new LinkedHashMap<>();

  SiteCluster(List<String> sites) {
    this.sites = List.copyOf(sites);
  }

  void addNode(NodeProcess node) {
    nodes.put(node.site(), node);
  }

  void addProxy(String from, String to, FaultProxy proxy) {
    proxies.put(from + "->" + to, proxy);
  }

  public List<String> sites() {
    return sites;
  }

  public List<String> peersOf(String site) {
    return sites.stream().filter(s -> !s.equals(site)).toList();
  }

  public NodeProcess node(String site) {
    NodeProcess n = nodes.get(site);
    if (n == null) throw new IllegalArgumentException("no site " + site + " in " + sites);
    return n;
  }

  public List<NodeProcess> nodes() {
    return List.copyOf(nodes.values());
  }

  /** The proxy that site {@code from}'s link to site {@code to} goes through. */
  public FaultProxy proxy(String from, String to) {
    FaultProxy p = proxies.get(from + "->" + to);
    if (p == null) throw new IllegalArgumentException("no link " + from + "->" + to);
    return p;
  }

  public AdminClient admin(String site) {
    return node(site).admin();
  }

  public IngestClient ingest(String site) {
    return node(site).ingest();
  }

  /** Every site's status (sites whose node is down or paused are left out). */
  public Map<String, Status> statuses() {
    Map<String, Status> out = new LinkedHashMap<>();
    for (NodeProcess n : nodes.values()) {
      if (n.isAlive() && !n.isPaused()) out.put(n.site(), n.admin().status());
    }
    return out;
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
    for (NodeProcess n : nodes.values()) {
      try {
        n.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    proxies.forEach((link, p) -> node(link.substring(0, link.indexOf("->"))).note("at teardown: " + p));
    proxies.values().forEach(FaultProxy::close);
    if (!failures.isEmpty()) throw failures.get(0);
  }

  @Override
  public String toString() {
    return nodes.values().stream().map(n -> n.site() + "{link " + n.spec().linkPort() + ", admin "
            + n.spec().adminPort() + ", ingest " + n.spec().ingestPort() + ", pid " + (n.isAlive() ? n.pid() : "-")
            + "}").collect(Collectors.joining(", "))
        + "; proxies " + proxies.values().stream().map(p -> p.name() + ":" + p.port())
            .collect(Collectors.joining(", "));
  }
}
