package io.cfs.repl.engine.node;

import java.net.InetSocketAddress;
import java.util.List;

/** Where a peer site's link listeners are: one per node of that site, tried in turn. */
public record PeerAddress(String site, List<InetSocketAddress> addresses) {
  public PeerAddress {
    if (addresses.isEmpty()) throw new IllegalArgumentException("peer " + site + " has no address");
    addresses = List.copyOf(addresses);
  }

  public static PeerAddress of(String site, String host, int port) {
    return new PeerAddress(site, List.of(InetSocketAddress.createUnresolved(host, port)));
  }
}
