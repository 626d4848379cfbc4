package io.cfs.repl.engine.node;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where a peer site's link listeners are (one per node of that site, tried in turn), and the configured limit of the
 * link's outgoing bytes per second ({@code 0}: unlimited).
 */
public record PeerAddress(String site, List<InetSocketAddress> addresses, long throttleBytesPerSecond) {
  public PeerAddress {
    if (addresses.isEmpty()) throw new IllegalArgumentException("peer " + site + " has no address");
    if (throttleBytesPerSecond < 0) {
      throw new IllegalArgumentException("peer " + site + ": throttle must be >= 0, was " + throttleBytesPerSecond);
    }
    addresses = List.copyOf(addresses);
  }

  /** A peer whose link is not throttled. */
  public PeerAddress(String site, List<InetSocketAddress> addresses) {
    this(site, addresses, 0);
  }

  public static PeerAddress of(String site, String host, int port) {
    return new PeerAddress(site, List.of(InetSocketAddress.createUnresolved(host, port)));
  }
}
