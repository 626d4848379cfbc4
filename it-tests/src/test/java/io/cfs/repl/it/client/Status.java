package io.cfs.repl.it.client;

import java.util.List;
import java.util.Optional;

/**
 * {@code GET /replication/status}: this site's outgoing links, one per peer.
 *
 * @param site the answering site
 * @param role PRIMARY or SECONDARY as the answering node's write gate knows it; null in active-active mode
 * @param epoch the epoch the answering node stamps on the entries it admits; null in active-active mode
 * @param peers one entry per peer link
 * @param node the answering node and the site singletons running on it
 */
public record Status(String site, String role, Long epoch, List<Peer> peers, Node node) {
  public Status {
    peers = peers == null ? List.of() : List.copyOf(peers);
  }

  /** One outgoing link as the admin API shows it. */
  public record Peer(String peer, String state, long stateSinceMillis, long lagEntries, long lagMillis,
                     long oldestUnackedHlc, long ackedEntries, long ackedBatches, String lastError,
                     List<StoppedShard> stoppedShards, String replicatorNode, String peerAddress,
                     long throttleBytesPerSecond, long wireBytesPerSecond) {
    public Peer {
      stoppedShards = stoppedShards == null ? List.of() : List.copyOf(stoppedShards);
    }

    @Override
    public String toString() {
      return peer + "{" + state + " lag=" + lagEntries + "e/" + lagMillis + "ms acked=" + ackedEntries + "e/"
          + ackedBatches + "b" + (stoppedShards.isEmpty() ? "" : " stopped=" + stoppedShards)
          + (lastError == null ? "" : " lastError=" + lastError)
          + (replicatorNode == null ? "" : " on " + replicatorNode + " to " + peerAddress)
          + (throttleBytesPerSecond == 0 ? "" : " throttle=" + throttleBytesPerSecond + "B/s")
          + " wire=" + wireBytesPerSecond + "B/s}";
    }
  }

  /** The answering node: each singleton listed ran here from its sinceMillis until at least atMillis. */
  public record Node(String address, List<Singleton> singletons, long atMillis) {
    public Node {
      singletons = singletons == null ? List.of() : List.copyOf(singletons);
    }

    public Optional<Singleton> singleton(String name) {
      return singletons.stream().filter(s -> s.name().equals(name)).findFirst();
    }
  }

  /** A site singleton (replicator-PEER, local-apply-SITE) and the fencing token of the lease it runs under. */
  public record Singleton(String name, long token, long sinceMillis) {
  }

  /** A shard stopped on a sequence gap. */
  public record StoppedShard(int shard, long expectedSeq, long receivedSeq, long atMillis) {
  }

  public Optional<Peer> peer(String name) {
    return peers.stream().filter(p -> p.peer().equals(name)).findFirst();
  }

  public Peer requirePeer(String name) {
    return peer(name).orElseThrow(() -> new AssertionError(site + " reports no link to " + name + ": " + this));
  }

  @Override
  public String toString() {
    return site + " -> " + peers;
  }
}
