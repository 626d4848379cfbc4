package io.cfs.repl.engine.node;

import java.net.InetSocketAddress;

/** Where a peer site's link listener is. */
public record PeerAddress(String site, String host, int port) {
  public InetSocketAddress socketAddress() {
    return InetSocketAddress.createUnresolved(host, port);
  }
}
