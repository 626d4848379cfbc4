package io.cfs.repl.engine.replicator;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * When and where the link dials again after a connection ends: after an exponential delay with jitter
 * ({@link ReplicatorSettings#backoff}) that grows with every consecutive failure, and at the next of the peer's link
 * listeners, so a dead node of the peer site is not dialled over and over. The count starts again once the link
 * works (an ack arrived) or an operator retries it.
 */
final class Backoff {
  private final ReplicatorSettings settings;
  private final List<InetSocketAddress> addresses;
  private int attempt;
  private int addressIndex;

  Backoff(ReplicatorSettings settings, List<InetSocketAddress> addresses) {
    this.settings = settings;
    this.addresses = List.copyOf(addresses);
  }

  /** The listener the next connection dials. */
  InetSocketAddress address() {
    return addresses.get(addressIndex);
  }

  /** Consecutive failed connections since the count last started again. */
  int attempt() {
    return attempt;
  }

  /**
   * A connection ended on a failure: moves on to the next listener and returns how long to wait before dialling it.
   *
   * @param random01 uniformly random in [0, 1]: the jitter
   */
  Duration failed(double random01) {
    attempt++;
    addressIndex = (addressIndex + 1) % addresses.size();
    return settings.backoff(attempt, random01);
  }

  void reset() {
    attempt = 0;
  }
}
