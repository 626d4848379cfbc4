package io.cfs.repl.admin.tools.bench;

import io.cfs.repl.admin.tools.proxy.FaultProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Peers far from the other sites, for {@code cfs bench --processes --peer-delay-ms}: a {@link FaultProxy} in this JVM
 * in front of each peer's link listener delays every byte by the one-way delay, in each direction. Every other site
 * dials the peer through it, so site A's link to a peer, which carries the replication and its acks, sees a round
 * trip of twice the delay. Site A's own listener is dialled directly: the peers' links to it carry only their own,
 * empty, journals.
 */
final class DelayedPeers implements AutoCloseable {
  private final List<FaultProxy> proxies = new ArrayList<>();
  private final Map<String, NodeLauncher.Ports> dialled;

  private DelayedPeers(Map<String, NodeLauncher.Ports> ports) {
    this.dialled = new LinkedHashMap<>(ports);
  }

  /** Proxies in front of {@code peers} (none for a zero delay); {@code ports} are every site's own. */
  static DelayedPeers start(Map<String, NodeLauncher.Ports> ports, List<String> peers, Duration oneWay)
      throws IOException {
    DelayedPeers delayed = new DelayedPeers(ports);
    if (oneWay.isZero()) return delayed;
    for (String peer : peers) {
      NodeLauncher.Ports own = ports.get(peer);
      FaultProxy proxy = FaultProxy.start(peer, own.link(), 0);
      delayed.proxies.add(proxy);
      proxy.delay(oneWay);
      delayed.dialled.put(peer, new NodeLauncher.Ports(proxy.port(), own.admin(), own.ingest()));
    }
    return delayed;
  }

  /** Every site's ports as the other sites dial them, except {@code site}'s own. */
  Map<String, NodeLauncher.Ports> peersOf(String site) {
    Map<String, NodeLauncher.Ports> peers = new LinkedHashMap<>(dialled);
    peers.remove(site);
    return peers;
  }

  @Override
  public void close() {
    proxies.forEach(FaultProxy::close);
  }
}
